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

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "vdi-sim-scenario.h"
#include "vdi-sim-simulator.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *scenario = NULL;
  g_autofree char *bind_address = NULL;
  g_autofree char *endpoints_file = NULL;
  g_autofree char *line = NULL;
  double time_scale = 0;
  int control_port = 0;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimWorld) world = NULL;
  g_autoptr(VdiSimSimulator) simulator = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GOptionEntry entries[] = {
    { "scenario", 's', 0, G_OPTION_ARG_FILENAME, &scenario, "Scenario: \"demo\" or a JSON file (default: demo)", "demo|FILE" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind_address, "Loopback address to listen on: 127.0.0.1 (default) or ::1", "ADDRESS" },
    { "endpoints-file", 'e', 0, G_OPTION_ARG_FILENAME, &endpoints_file, "Also write the endpoints JSON line to FILE", "FILE" },
    { "time-scale", 't', 0, G_OPTION_ARG_DOUBLE, &time_scale, "Simulated seconds per real second (overrides the scenario)", "X" },
    { "control-port", 0, 0, G_OPTION_ARG_INT, &control_port, "Port of the control endpoint (default: any free port)", "PORT" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- simulated Hyper-V hosts and vCenters on loopback");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vdi-provider-sim: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_printerr ("vdi-provider-sim: unexpected argument \"%s\"\n", argv[1]);
      return 2;
    }
  if (time_scale < 0 || control_port < 0 || control_port > 65535)
    {
      g_printerr ("vdi-provider-sim: --time-scale must be positive and --control-port 0 to 65535\n");
      return 2;
    }

  if (bind_address == NULL)
    bind_address = g_strdup ("127.0.0.1");
  else if (g_strcmp0 (bind_address, "localhost") == 0)
    {
      g_free (bind_address);
      bind_address = g_strdup ("127.0.0.1");
    }

  if (!vdi_sim_check_bind_address (bind_address, &error))
    {
      g_printerr ("vdi-provider-sim: %s\n", error->message);
      return 2;
    }

  world = vdi_sim_scenario_load_file (scenario != NULL ? scenario : "demo", time_scale, &error);
  if (world == NULL)
    {
      g_printerr ("vdi-provider-sim: %s\n", error->message);
      return 2;
    }

  simulator = vdi_sim_simulator_new (world, bind_address, (guint) control_port);
  if (!vdi_sim_simulator_start (simulator, &error))
    {
      g_printerr ("vdi-provider-sim: %s\n", error->message);
      return 1;
    }

  /* Before the endpoints are told: whoever reads them may stop the simulator at once, and
   * SIGTERM must then end it cleanly, not by the signal's default action. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  line = vdi_sim_simulator_endpoints_line (simulator);
  if (endpoints_file != NULL)
    {
      g_autofree char *contents = g_strdup_printf ("%s\n", line);

      if (!g_file_set_contents (endpoints_file, contents, -1, &error))
        {
          g_printerr ("vdi-provider-sim: cannot write %s: %s\n", endpoints_file, error->message);
          return 1;
        }
    }
  g_print ("%s\n", line);
  fflush (stdout);

  g_main_loop_run (loop);

  return 0;
}
