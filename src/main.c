/* main.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>

#include "vdi-application.h"

/* A console told to stop (logout, kill, Ctrl+C in a terminal) quits like one closed by hand:
 * the farm is flushed and a demo's simulator stopped. */
static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VdiApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vdi_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_unix_signal_add (SIGINT, quit_on_signal_cb, app);
  g_unix_signal_add (SIGTERM, quit_on_signal_cb, app);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
