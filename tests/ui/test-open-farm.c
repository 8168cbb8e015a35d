/* test-open-farm.c: the Open Farm dialog says which farm is open, checks what is typed, and
 * opens another farm in a console of its own with the location as typed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "vdi-open-farm-dialog.h"
#include "vdi-test-ui.h"

typedef struct
{
  char           *dir;
  char           *path;
  char           *program;
  char           *args_path;
  VdiApplication *app;
  VdiWindow      *window;
} Fixture;

/* A stand-in for vdi-console that writes the arguments it was started with, one per line. */
static const char program_text[] =
  "#!/bin/sh\n"
  "printf '%s\\n' \"$@\" > \"$0.args.tmp\" && mv \"$0.args.tmp\" \"$0.args\"\n";

static gboolean
farm_loaded (gpointer data)
{
  return vdi_application_get_farm_loaded (data);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("vdi-test-open-farm-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "farm.db", NULL);
  fixture->program = g_build_filename (fixture->dir, "vdi-console", NULL);
  fixture->args_path = g_strconcat (fixture->program, ".args", NULL);
  g_file_set_contents (fixture->program, program_text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (fixture->program, 0755), ==, 0);
  g_setenv ("VDI_CONSOLE_BINARY", fixture->program, TRUE);

  fixture->app = vdi_test_application_new (fixture->path, credentials);
  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  vdi_test_wait_for (farm_loaded, fixture->app);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  vdi_test_destroy_toplevels ();
  g_clear_object (&fixture->app);
  g_unsetenv ("VDI_CONSOLE_BINARY");
  vdi_test_remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->program, g_free);
  g_clear_pointer (&fixture->args_path, g_free);
}

static gpointer
child (VdiOpenFarmDialog *dialog,
       const char        *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog), VDI_TYPE_OPEN_FARM_DIALOG,
                                                   name);

  g_assert_nonnull (object);
  return object;
}

static VdiOpenFarmDialog *
open_dialog (Fixture *fixture)
{
  GtkWindow *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "open-farm", NULL);
  vdi_test_flush_events ();
  dialog = vdi_test_find_toplevel (VDI_TYPE_OPEN_FARM_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));
  return VDI_OPEN_FARM_DIALOG (dialog);
}

/* Types @text and returns whether Open is enabled; an error shows exactly when it is not. */
static gboolean
type_location (VdiOpenFarmDialog *dialog,
               const char        *text)
{
  gboolean enabled;

  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "location_row")), text);
  enabled = vdi_test_action_enabled (dialog, "dialog.open");
  g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "error_label"))), ==,
                   !enabled);
  return enabled;
}

static gboolean
args_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_open_shared_farm (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char shared[] = "postgresql://vdi-admin@db.corp.example.com/vdi_farm?sslmode=verify-full";
  VdiOpenFarmDialog *dialog = open_dialog (fixture);
  g_autofree char *unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (dialog));
  g_autofree char *args = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (unnamed, ==, "");

  /* Which farm is open here. */
  g_assert_cmpstr (adw_action_row_get_subtitle (child (dialog, "current_row")), ==, fixture->path);

  /* Nothing typed: nothing to open, and no scolding yet. */
  g_assert_false (vdi_test_action_enabled (dialog, "dialog.open"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "error_label"))));

  g_assert_false (type_location (dialog, "https://db.corp.example.com/vdi_farm"));
  g_assert_false (type_location (dialog, "postgresql://vdi-admin:s3cret@db.corp.example.com/vdi_farm"));
  g_assert_nonnull (strstr (gtk_label_get_text (child (dialog, "error_label")), "password"));
  g_assert_false (type_location (dialog, "postgresql://db.corp.example.com"));
  g_assert_false (type_location (dialog, "farms/lab.db"));
  g_assert_true (type_location (dialog, "~/farms/lab.db"));
  g_assert_true (type_location (dialog, shared));

  /* Open starts a console of its own on that farm, and this one goes on. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.open", NULL);
  vdi_test_flush_events ();
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_OPEN_FARM_DIALOG, NULL));
  vdi_test_wait_for (args_written, fixture->args_path);
  g_file_get_contents (fixture->args_path, &args, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("--farm\n%s\n", shared);
  g_assert_cmpstr (args, ==, expected);
  g_assert_cmpstr (vdi_application_get_farm_path (fixture->app), ==, fixture->path);
}

/* A program that cannot start is reported, not ignored. */
static void
test_open_fails (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("VDI_CONSOLE_BINARY", "/nonexistent/vdi-console", TRUE);
  g_assert_false (vdi_application_open_farm (fixture->app, "/tmp/other-farm.db", &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);

  /* The farm open here only comes forward: nothing is started. */
  g_assert_true (vdi_application_open_farm (fixture->app, fixture->path, NULL));
}

static void
test_locations (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *display = NULL;
  g_autofree char *home_farm = g_build_filename (g_get_home_dir (), "farms", "lab.db", NULL);

  g_assert_true (vdi_farm_location_parse ("  ~/farms/lab.db ", &location, &error));
  g_assert_cmpstr (location, ==, home_farm);
  display = vdi_farm_location_dup_display (location);
  g_assert_cmpstr (display, ==, "~/farms/lab.db");
  g_clear_pointer (&location, g_free);
  g_clear_pointer (&display, g_free);

  g_assert_true (vdi_farm_location_parse ("postgres://vdi@db:5433/farm?sslmode=require",
                                          &location, &error));
  g_assert_cmpstr (location, ==, "postgres://vdi@db:5433/farm?sslmode=require");

  /* Whatever an address holds, what is shown of it holds no password. */
  display = vdi_farm_location_dup_display ("postgresql://vdi:s3cret@db.example.com/farm");
  g_assert_cmpstr (display, ==, "postgresql://vdi@db.example.com/farm");
}

static gboolean
taken_over_dialog_shown (gpointer data)
{
  *(GtkWindow **)data = vdi_test_find_named_toplevel ("taken-over-dialog");
  return *(GtkWindow **)data != NULL;
}

/* A save refused because another process took the farm over (test-farm-pg's taken-over case
 * shows when the store says so): the console stops saving, shows the farm read-only, says who
 * took it, and opens it again in a console of its own. */
static void
test_taken_over (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) taken = g_error_new_literal (VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER,
                                                 "vdictl (process 4242) took the farm over after "
                                                 "this process lost its connection to the "
                                                 "database; what this process changed since was "
                                                 "not saved");
  VdiFarm *farm = vdi_application_get_farm (fixture->app);
  GtkWindow *dialog = NULL;
  g_autofree char *args = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  vdi_farm_set_autosave (farm, TRUE);
  g_signal_emit_by_name (farm, "save-failed", taken);
  vdi_test_wait_for (taken_over_dialog_shown, &dialog);

  g_assert_true (vdi_application_get_read_only (fixture->app));
  {
    gboolean autosave = TRUE;

    g_object_get (farm, "autosave", &autosave, NULL);
    g_assert_false (autosave);
  }
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "vdictl (process 4242) took the farm over"));
  g_assert_false (vdi_test_action_enabled (fixture->window, "win.new-template"));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "reopen");
  vdi_test_wait_for (args_written, fixture->args_path);
  g_file_get_contents (fixture->args_path, &args, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("--farm\n%s\n", fixture->path);
  g_assert_cmpstr (args, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/VdiConsole/OpenFarm/shared", Fixture, NULL, fixture_set_up,
              test_open_shared_farm, fixture_tear_down);
  g_test_add ("/VdiConsole/OpenFarm/fails", Fixture, NULL, fixture_set_up, test_open_fails,
              fixture_tear_down);
  g_test_add_func ("/VdiConsole/OpenFarm/locations", test_locations);
  g_test_add ("/VdiConsole/OpenFarm/taken-over", Fixture, NULL, fixture_set_up, test_taken_over,
              fixture_tear_down);

  return g_test_run ();
}
