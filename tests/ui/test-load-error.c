/* test-load-error.c: a farm file that cannot be loaded is explained, kept, and recovered from.
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

#include <glib/gstdio.h>

#include "vdi-test-ui.h"

/* Line 4, column 20 holds the stray comma. */
static const char corrupt_farm[] =
  "{\n"
  "  \"version\": 1,\n"
  "  \"providers\": [\n"
  "    { \"id\": \"p1\", , }\n"
  "  ]\n"
  "}\n";

static const char future_farm[] =
  "{\n"
  "  \"version\": 99,\n"
  "  \"providers\": [],\n"
  "  \"templates\": []\n"
  "}\n";

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("vdi-test-load-error-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "farm.json", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *entry;

  vdi_test_destroy_toplevels ();

  while (dir != NULL && (entry = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (fixture->dir, entry, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static gboolean
message_dialog_shown (gpointer data)
{
  return vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL) != NULL;
}

static gboolean
farm_loaded (gpointer data)
{
  return vdi_application_get_farm_loaded (data);
}

/* The names in @dir other than @except, as the set-aside file must be the only other one. */
static char *
find_other_file (const char *dir,
                 const char *except)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *found = NULL;
  const char *entry;

  while ((entry = g_dir_read_name (d)))
    {
      /* The console's lock on the farm lives beside it. */
      if (g_strcmp0 (entry, except) == 0 || g_str_has_suffix (entry, ".lock"))
        continue;
      g_assert_null (found);
      found = g_build_filename (dir, entry, NULL);
    }

  return g_steal_pointer (&found);
}

/* Opens @contents through the program's path, checks the dialog explains @expected_code, then
 * answers "Start New Farm". */
static void
check_refused_then_start_new (Fixture    *fixture,
                              const char *contents,
                              int         expected_code,
                              const char *expected_where)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiFarm) probe = vdi_farm_new (fixture->path);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set_aside = NULL;
  g_autofree char *kept = NULL;
  AdwMessageDialog *dialog;
  VdiWindow *window;
  VdiFarm *farm;

  g_file_set_contents (fixture->path, contents, -1, &error);
  g_assert_no_error (error);

  /* What the farm itself says about the file. */
  g_assert_false (vdi_farm_load (probe, NULL, &expected));
  g_assert_error (expected, VDI_FARM_ERROR, expected_code);
  if (expected_where != NULL)
    g_assert_nonnull (strstr (expected->message, expected_where));
  g_assert_nonnull (strstr (expected->message, fixture->path));

  app = vdi_test_application_new (fixture->path, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (vdi_window_get_loading (window));

  vdi_test_wait_for (message_dialog_shown, NULL);
  dialog = ADW_MESSAGE_DIALOG (vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), expected->message));
  g_assert_true (adw_message_dialog_has_response (dialog, "new"));
  g_assert_true (adw_message_dialog_has_response (dialog, "quit"));
  /* No backup file exists, so none is offered. */
  g_assert_false (adw_message_dialog_has_response (dialog, "backup"));
  g_assert_false (vdi_application_get_farm_loaded (app));

  adw_message_dialog_response (dialog, "new");
  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();

  /* The bad file is kept, renamed, and untouched; the farm is new and empty. */
  g_assert_false (vdi_window_get_loading (window));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  set_aside = find_other_file (fixture->dir, "farm.json");
  g_assert_nonnull (set_aside);
  g_assert_true (g_str_has_prefix (set_aside, fixture->path));
  g_file_get_contents (set_aside, &kept, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, contents);

  farm = vdi_window_get_farm (window);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (farm)), ==, 0);
  g_assert_cmpstr (vdi_templates_page_get_state (vdi_window_get_templates_page (window)), ==, "empty");

  /* The new farm saves normally, next to the kept file. */
  {
    g_autoptr(VdiProvider) provider = vdi_provider_new ("p1", "hv-new", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                        "hv-new.localhost", 5985);

    vdi_farm_add_provider (farm, provider, &error);
    g_assert_no_error (error);
    vdi_farm_flush (farm, &error);
    g_assert_no_error (error);
    g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  }

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
  g_unlink (set_aside);
  g_unlink (fixture->path);
}

static void
test_corrupt_file (Fixture       *fixture,
                   gconstpointer  data)
{
  check_refused_then_start_new (fixture, corrupt_farm, VDI_FARM_ERROR_CORRUPT, "line 4");
}

static void
test_future_version (Fixture       *fixture,
                     gconstpointer  data)
{
  check_refused_then_start_new (fixture, future_farm, VDI_FARM_ERROR_UNSUPPORTED_VERSION, NULL);
}

static void
test_open_backup (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  AdwMessageDialog *dialog;
  VdiWindow *window;
  VdiFarm *farm;

  /* Two saves leave a good PATH.bak behind; then the file itself is damaged. */
  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (fixture->path);

    vdi_test_populate_farm (writer, 11, 20);
    vdi_farm_save (writer, &error);
    g_assert_no_error (error);
    vdi_farm_save (writer, &error);
    g_assert_no_error (error);
    backup = vdi_farm_dup_backup_path (writer);
  }
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_file_set_contents (fixture->path, corrupt_farm, -1, &error);
  g_assert_no_error (error);

  app = vdi_test_application_new (fixture->path, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  vdi_test_wait_for (message_dialog_shown, NULL);
  dialog = ADW_MESSAGE_DIALOG (vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_true (adw_message_dialog_has_response (dialog, "backup"));

  adw_message_dialog_response (dialog, "backup");
  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();

  farm = vdi_window_get_farm (window);
  g_assert_false (vdi_window_get_loading (window));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 20);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (farm)), ==, 11);

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/VdiConsole/LoadError/corrupt", Fixture, NULL,
              fixture_set_up, test_corrupt_file, fixture_tear_down);
  g_test_add ("/VdiConsole/LoadError/future-version", Fixture, NULL,
              fixture_set_up, test_future_version, fixture_tear_down);
  g_test_add ("/VdiConsole/LoadError/open-backup", Fixture, NULL,
              fixture_set_up, test_open_backup, fixture_tear_down);

  return g_test_run ();
}
