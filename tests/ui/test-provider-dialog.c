/* test-provider-dialog.c: adding, editing and removing providers.
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

typedef struct
{
  char           *dir;
  char           *path;
  VdiCredentials *credentials;
  VdiApplication *app;
  VdiWindow      *window;
  VdiFarm        *farm;
  VdiProvider    *used;    /* source of a template */
  VdiProvider    *unused;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiTemplate) template = NULL;

  fixture->dir = g_dir_make_tmp ("vdi-test-provider-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->credentials = vdi_credentials_new (FALSE);

  /* The console probes every provider: names under .localhost are answered without DNS, and
   * refused at once. */
  farm = vdi_farm_new (fixture->path);
  fixture->used = vdi_provider_new ("p-used", "hv-ams-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                    "hv-ams-01.localhost", 5985);
  fixture->unused = vdi_provider_new ("p-unused", "vc-prod-8", VDI_PROVIDER_SUBTYPE_VCENTER_8,
                                      "vc-prod-8.localhost", 443);
  vdi_farm_add_provider (farm, fixture->used, &error);
  g_assert_no_error (error);
  vdi_farm_add_provider (farm, fixture->unused, &error);
  g_assert_no_error (error);
  template = vdi_template_new ("t-1", "win11-office", fixture->used, "win11-gold");
  vdi_template_set_host_name_format (template, "OFFICE-%ID:3%");
  vdi_farm_add_template (farm, template, &error);
  g_assert_no_error (error);

  fixture->app = vdi_test_application_new (fixture->path, fixture->credentials);
  vdi_application_set_farm (fixture->app, farm);
  fixture->farm = farm;
  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  g_assert_true (VDI_IS_WINDOW (fixture->window));
  g_assert_false (vdi_window_get_loading (fixture->window));
  vdi_test_flush_events ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  vdi_test_destroy_toplevels ();
  g_clear_object (&fixture->used);
  g_clear_object (&fixture->unused);
  g_clear_object (&fixture->app);
  g_clear_object (&fixture->credentials);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (entry = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (fixture->dir, entry, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static gpointer
child (VdiProviderDialog *dialog,
       const char        *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog), VDI_TYPE_PROVIDER_DIALOG, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
save_enabled (VdiProviderDialog *dialog)
{
  /* The Save button follows the "dialog.save" action's enabled state. */
  return gtk_widget_get_sensitive (GTK_WIDGET (child (dialog, "save_button")));
}

static void
fill_in (VdiProviderDialog *dialog,
         const char        *name,
         const char        *host)
{
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "name_row")), name);
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "host_row")), host);
}

static void
assert_error_shown (VdiProviderDialog *dialog)
{
  GtkLabel *label = child (dialog, "error_label");

  g_assert_nonnull (vdi_provider_dialog_get_error (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_cmpstr (gtk_label_get_text (label), ==, vdi_provider_dialog_get_error (dialog));
  g_assert_false (save_enabled (dialog));
}

static gboolean
password_stored (gpointer data)
{
  gpointer *args = data;
  g_autofree char *password = vdi_credentials_lookup_sync (args[0], args[1], NULL, NULL);

  return password != NULL;
}

/* Whether the switch for clear text is offered, and what the port row says travels how. */
static void
assert_transport (VdiProviderDialog *dialog,
                  gboolean           allow_http_offered,
                  const char        *transport)
{
  const char *subtitle = adw_action_row_get_subtitle (child (dialog, "port_row"));

  g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "allow_http_row"))), ==,
                   allow_http_offered);
  g_assert_nonnull (subtitle);
  g_assert_nonnull (strstr (subtitle, transport));
}

static void
test_add_provider (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VdiProviderDialog) dialog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *password = NULL;
  g_autofree char *id = NULL;
  VdiProvider *provider;
  GtkSpinButton *port;
  AdwComboRow *type_row;
  gpointer args[2];

  dialog = g_object_ref_sink (vdi_provider_dialog_new (GTK_WINDOW (fixture->window), fixture->farm,
                                                       fixture->credentials, NULL));
  gtk_window_present (GTK_WINDOW (dialog));
  vdi_test_flush_events ();

  {
    g_autofree char *unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (dialog));

    g_assert_cmpstr (unnamed, ==, "");
  }

  /* A fresh form cannot be saved, but does not scold either. */
  g_assert_false (save_enabled (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "error_label"))));

  /* The port follows the subtype until the admin sets it. */
  port = child (dialog, "port_spin");
  type_row = child (dialog, "type_row");
  adw_combo_row_set_selected (type_row, VDI_PROVIDER_TYPE_VCENTER);
  {
    AdwEnumListItem *item = adw_combo_row_get_selected_item (child (dialog, "subtype_row"));
    VdiProviderSubtype subtype = adw_enum_list_item_get_value (item);

    g_assert_cmpint (vdi_provider_subtype_get_provider_type (subtype), ==, VDI_PROVIDER_TYPE_VCENTER);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==,
                     vdi_provider_subtype_default_port (subtype));
  }
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (child (dialog, "subtype_row"))),
                    ==, 4);
  /* The authentication is a Hyper-V choice, Negotiate unless changed. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "auth_row"))));
  adw_combo_row_set_selected (type_row, VDI_PROVIDER_TYPE_HYPERV);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "auth_row"))));
  g_assert_cmpuint (adw_combo_row_get_selected (child (dialog, "auth_row")), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (child (dialog, "subtype_row"))),
                    ==, 2);
  /* Negotiate seals every message: WinRM's stock HTTP listener, and no switch for clear text. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 5985);
  assert_transport (dialog, FALSE, "encrypted");

  /* Basic needs HTTPS, or the admin's explicit permission for clear text. */
  adw_combo_row_set_selected (child (dialog, "auth_row"), 3);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 5986);
  assert_transport (dialog, TRUE, "HTTPS");
  gtk_switch_set_active (child (dialog, "allow_http_switch"), TRUE);
  assert_transport (dialog, TRUE, "unencrypted");

  /* Back to Negotiate: the permission is not kept behind the admin's back. */
  adw_combo_row_set_selected (child (dialog, "auth_row"), 0);
  g_assert_false (gtk_switch_get_active (child (dialog, "allow_http_switch")));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 5985);
  assert_transport (dialog, FALSE, "encrypted");

  /* Negotiate over HTTPS, the admin's choice of port, is kept from now on. */
  gtk_spin_button_set_value (port, 5986);
  assert_transport (dialog, FALSE, "HTTPS");
  adw_combo_row_set_selected (child (dialog, "subtype_row"), 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port), ==, 5986);

  /* Invalid: no name, a taken name, a bad host. */
  fill_in (dialog, "", "hv-ams-02.localhost");
  assert_error_shown (dialog);
  fill_in (dialog, "HV-AMS-01", "hv-ams-02.localhost");
  assert_error_shown (dialog);
  fill_in (dialog, "hv-ams-02", "not a host name!");
  assert_error_shown (dialog);

  /* Valid. */
  fill_in (dialog, "hv-ams-02", "hv-ams-02.localhost");
  g_assert_null (vdi_provider_dialog_get_error (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (dialog, "error_label"))));
  g_assert_true (save_enabled (dialog));

  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "username_row")), "AMS\\vdi-admin");
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "password_row")), "correct horse battery");
  adw_combo_row_set_selected (child (dialog, "auth_row"), 2);  /* NTLM */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  vdi_test_flush_events ();

  provider = vdi_farm_find_provider (fixture->farm, "hv-ams-02");
  g_assert_cmpstr (vdi_provider_get_auth (provider), ==, "ntlm");
  g_assert_nonnull (provider);
  id = g_strdup (vdi_provider_get_id (provider));
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpint (vdi_provider_get_subtype (provider), ==, VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER);
  g_assert_cmpstr (vdi_provider_get_host (provider), ==, "hv-ams-02.localhost");
  g_assert_cmpuint (vdi_provider_get_port (provider), ==, 5986);
  g_assert_cmpstr (vdi_provider_get_username (provider), ==, "AMS\\vdi-admin");

  /* The password went to the credential store, and nowhere near the farm file. */
  args[0] = fixture->credentials;
  args[1] = id;
  vdi_test_wait_for (password_stored, args);
  password = vdi_credentials_lookup_sync (fixture->credentials, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "correct horse battery");

  vdi_farm_save (fixture->farm, &error);
  g_assert_no_error (error);
  g_file_get_contents (fixture->path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "hv-ams-02.localhost"));
  g_assert_null (strstr (contents, "correct horse battery"));

  /* Saving closed the dialog. */
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_PROVIDER_DIALOG, NULL));
  g_assert_finalize_object (g_steal_pointer (&dialog));
}

static void
test_edit_provider (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(VdiProviderDialog) dialog = NULL;
  g_autofree char *password = NULL;

  dialog = g_object_ref_sink (vdi_provider_dialog_new (GTK_WINDOW (fixture->window), fixture->farm,
                                                       fixture->credentials, fixture->unused));
  gtk_window_present (GTK_WINDOW (dialog));
  vdi_test_flush_events ();

  /* Filled in from the provider, and valid as it is: its own name is not "taken". */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "name_row"))), ==, "vc-prod-8");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (child (dialog, "port_spin")), ==, 443);
  g_assert_true (save_enabled (dialog));

  /* Another provider's name is taken. */
  fill_in (dialog, "hv-ams-01", "vc-prod-8.localhost");
  assert_error_shown (dialog);

  fill_in (dialog, "vc-prod-9", "vc-prod-9.localhost");
  g_assert_true (save_enabled (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  vdi_test_flush_events ();

  /* Same object, same id; no password typed, so none stored. */
  g_assert_true (vdi_farm_find_provider (fixture->farm, "vc-prod-9") == fixture->unused);
  g_assert_null (vdi_farm_find_provider (fixture->farm, "vc-prod-8"));
  g_assert_cmpstr (vdi_provider_get_id (fixture->unused), ==, "p-unused");
  g_assert_cmpstr (vdi_provider_get_host (fixture->unused), ==, "vc-prod-9.localhost");
  password = vdi_credentials_lookup_sync (fixture->credentials, "p-unused", NULL, NULL);
  g_assert_null (password);

  g_assert_finalize_object (g_steal_pointer (&dialog));
}

/* What the live session authenticates with shows under Authentication, and follows it. */
static void
test_session_auth (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VdiProviderDialog) dialog = NULL;
  AdwActionRow *auth_row;

  vdi_provider_set_session_auth (fixture->used, "NTLM");
  dialog = g_object_ref_sink (vdi_provider_dialog_new (GTK_WINDOW (fixture->window), fixture->farm,
                                                       fixture->credentials, fixture->used));
  gtk_window_present (GTK_WINDOW (dialog));
  vdi_test_flush_events ();

  /* A Hyper-V provider on 5985 with Negotiate: its port is the default, HTTP, sealed. */
  auth_row = child (dialog, "auth_row");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (auth_row)), ==, 0);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (auth_row), "NTLM"));
  assert_transport (dialog, FALSE, "encrypted");

  vdi_provider_set_session_auth (fixture->used, "Kerberos");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (auth_row), "Kerberos"));
  vdi_provider_set_session_auth (fixture->used, NULL);
  g_assert_null (strstr (adw_action_row_get_subtitle (auth_row), "In use"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  vdi_test_flush_events ();
  g_assert_finalize_object (g_steal_pointer (&dialog));
}

static AdwMessageDialog *
confirm_removal (Fixture     *fixture,
                 VdiProvider *provider)
{
  VdiProvidersPage *page = vdi_window_get_providers_page (fixture->window);
  AdwMessageDialog *dialog;

  vdi_window_show_page (fixture->window, "providers");
  g_assert_true (vdi_providers_page_select (page, provider));
  g_assert_true (vdi_providers_page_get_selected (page) == provider);
  gtk_widget_activate_action (GTK_WIDGET (page), "providers.remove", NULL);
  vdi_test_flush_events ();

  dialog = ADW_MESSAGE_DIALOG (vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL));
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "remove"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), vdi_provider_get_name (provider)));

  adw_message_dialog_response (dialog, "remove");
  vdi_test_flush_events ();

  return dialog;
}

static gboolean
password_cleared (gpointer data)
{
  g_autofree char *password = vdi_credentials_lookup_sync (data, "p-unused", NULL, NULL);

  return password == NULL;
}

static void
test_remove_provider (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) expected = NULL;
  g_autofree char *password = NULL;
  AdwMessageDialog *confirmation;
  AdwMessageDialog *refusal;

  /* In use by a template: refused, and the farm's own reason is shown. */
  g_assert_false (vdi_farm_remove_provider (fixture->farm, fixture->used, &expected));
  g_assert_error (expected, VDI_FARM_ERROR, VDI_FARM_ERROR_PROVIDER_IN_USE);

  confirmation = confirm_removal (fixture, fixture->used);
  refusal = ADW_MESSAGE_DIALOG (vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG,
                                                        (GtkWindow *)confirmation));
  g_assert_nonnull (refusal);
  g_assert_cmpstr (adw_message_dialog_get_body (refusal), ==, expected->message);
  g_assert_true (vdi_farm_find_provider (fixture->farm, "hv-ams-01") == fixture->used);
  vdi_test_destroy_toplevels ();

  /* Not in use: removed, with its password. */
  vdi_credentials_store_sync (fixture->credentials, "p-unused", "vc-prod-8", "hunter2", NULL, NULL);
  g_application_activate (G_APPLICATION (fixture->app));
  fixture->window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fixture->app)));
  vdi_test_flush_events ();

  confirmation = confirm_removal (fixture, fixture->unused);
  g_assert_null (vdi_farm_find_provider (fixture->farm, "vc-prod-8"));
  g_assert_null (vdi_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, (GtkWindow *)confirmation));
  vdi_test_wait_for (password_cleared, fixture->credentials);
  password = vdi_credentials_lookup_sync (fixture->credentials, "p-unused", NULL, NULL);
  g_assert_null (password);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/VdiConsole/ProviderDialog/add", Fixture, NULL,
              fixture_set_up, test_add_provider, fixture_tear_down);
  g_test_add ("/VdiConsole/ProviderDialog/session-auth", Fixture, NULL,
              fixture_set_up, test_session_auth, fixture_tear_down);
  g_test_add ("/VdiConsole/ProviderDialog/edit", Fixture, NULL,
              fixture_set_up, test_edit_provider, fixture_tear_down);
  g_test_add ("/VdiConsole/ProvidersPage/remove", Fixture, NULL,
              fixture_set_up, test_remove_provider, fixture_tear_down);

  return g_test_run ();
}
