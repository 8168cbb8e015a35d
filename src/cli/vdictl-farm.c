/* vdictl-farm.c: `vdictl farm export|import`, a farm copied to or from another file or
 * database, and `vdictl farm password`, the password of a farm database.
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

#include "vdictl-private.h"

/* farm export FILE: FILE must not exist; .db makes an SQLite farm, anything else a JSON one. */
int
vdictl_farm_export (Cli   *cli,
                    int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      vdictl_fail (_("usage: farm export FILE"));
      return EXIT_USAGE;
    }

  if (!vdi_farm_export (cli->farm, argv[1], &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }
  return EXIT_OK;
}

/* farm import FILE: fills an empty farm from FILE. A farm that holds anything is left as it
 * is: an import never merges into or replaces a farm's contents. */
int
vdictl_farm_import (Cli   *cli,
                    int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiFarm) source = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  GListModel *list;

  if (argc != 2)
    {
      vdictl_fail (_("usage: farm import FILE"));
      return EXIT_USAGE;
    }
  if (!g_file_test (argv[1], G_FILE_TEST_IS_REGULAR))
    {
      vdictl_fail (_("no farm file “%s”"), argv[1]);
      return EXIT_ERROR;
    }
  if (g_list_model_get_n_items (vdi_farm_get_providers (cli->farm)) > 0 ||
      g_list_model_get_n_items (vdi_farm_get_templates (cli->farm)) > 0)
    {
      g_autofree char *location = vdi_farm_dup_display_location (vdi_farm_get_path (cli->farm));

      vdictl_fail (_("the farm “%s” is not empty; import into a new farm with --farm NEW-FILE"),
                   location);
      return EXIT_ERROR;
    }

  source = vdi_farm_new (argv[1]);
  if (!vdi_farm_load (source, NULL, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  providers = g_ptr_array_new_with_free_func (g_object_unref);
  templates = g_ptr_array_new_with_free_func (g_object_unref);
  list = vdi_farm_get_providers (source);
  for (guint i = 0, n = g_list_model_get_n_items (list); i < n; i++)
    g_ptr_array_add (providers, g_list_model_get_item (list, i));
  list = vdi_farm_get_templates (source);
  for (guint i = 0, n = g_list_model_get_n_items (list); i < n; i++)
    g_ptr_array_add (templates, g_list_model_get_item (list, i));

  vdi_farm_splice (cli->farm, providers, templates);
  if (!vdi_farm_save (cli->farm, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }
  return EXIT_OK;
}

/* farm password URI [--password-stdin]: keeps the password of a farm database in the Secret
 * Service, where the console and vdictl look for it when the server asks for one. Runs without
 * a farm: the farm is what needs the password. */
int
vdictl_farm_password (Cli   *cli,
                      int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSecret) password = NULL;
  g_autofree char *prompt = NULL;

  if (argc < 2 || argc > 3 || (argc == 3 && !g_str_equal (argv[2], "--password-stdin")))
    {
      vdictl_fail (_("usage: farm password URI [--password-stdin]"));
      return EXIT_USAGE;
    }
  if (!vdi_farm_location_is_database (argv[1]))
    {
      vdictl_fail (_("“%s” is not a farm database; it starts with postgresql://"), argv[1]);
      return EXIT_USAGE;
    }

  prompt = argc == 3 ? NULL : g_strdup_printf (_("Password for %s: "), argv[1]);
  password = vdictl_read_password_stdin (prompt);
  if (password[0] == '\0')
    {
      vdictl_fail (_("no password given"));
      return EXIT_ERROR;
    }
  if (!vdi_farm_store_database_password (argv[1], password, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }
  /* Kept in this process's memory only, it would be gone at the next command. */
  if (!vdi_credentials_get_secret_service_available (vdi_credentials_get_default ()))
    {
      vdictl_fail (_("no Secret Service is running, so the password could not be kept"));
      return EXIT_ERROR;
    }
  return EXIT_OK;
}
