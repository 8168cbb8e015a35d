/* test-template-properties.c: a template's Properties, opened from the Templates tab, changing
 * its settings through the model's checks and its providers through vdi-provider-sim.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-test-ui-sim.h"
#include "vdi-target-picker.h"
#include "vdi-template-properties.h"
#include "vdi-test-ui.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"
#define WAIT_MS 60000

typedef struct
{
  SimFixture      sim;
  VdiApplication *app;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiTemplate    *template;
  VdiWindow      *window;
  char           *dir;
} Fixture;

static const char scenario[] =
  "{ \"time_scale\": 50, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"export_mbps\": 10000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "    \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 2, \"state\": \"off\" } ] },"
  "  { \"name\": \"hv-t1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\", \"vms\": [] },"
  "  { \"name\": \"hv-t2\", \"user\": \"admin\", \"password\": \"" PASSWORD "\", \"vms\": [] },"
  "  { \"name\": \"hv-t3\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] },"
  "  { \"name\": \"hv-fc\", \"user\": \"admin\", \"password\": \"" PASSWORD "\", \"vms\": [] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"hosts\": [ \"esx-1\" ],"
  "    \"datastores\": [ { \"name\": \"ds-a\", \"capacity_gb\": 1000, \"free_gb\": 900 },"
  "                      { \"name\": \"ds-b\", \"capacity_gb\": 500, \"free_gb\": 400 },"
  "                      { \"name\": \"ds-down\", \"capacity_gb\": 500, \"accessible\": false } ],"
  "    \"vms\": [ { \"name\": \"gold-vc\", \"disk_gb\": 20, \"datastore\": \"ds-a\","
  "               \"template\": true } ] } ] }";

static char *
vm_id (Fixture    *fixture,
       const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonObject *vm = sim_inventory_vm (inventory, name);

  g_assert_nonnull (vm);
  return g_strdup (json_object_get_string_member (vm, "id"));
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(VdiProvider) source = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  vdi_test_ui_sim_set_up (&fixture->sim, scenario, "properties", &fixture->dir, &fixture->farm,
                          &fixture->credentials);

  source = vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials,
                                      "hv-src", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, PASSWORD);
  fixture->template = vdi_template_new (NULL, "Pool", source, GOLD);
  id = vm_id (fixture, GOLD);
  vdi_template_set_source_vm_id (fixture->template, id);
  g_assert_true (vdi_template_set_multi_provider (fixture->template, TRUE, &error));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%u", i);
      g_autoptr(VdiProvider) target = NULL;

      target = vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials,
                                          name, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, PASSWORD);

      if (i < 3)
        g_assert_nonnull (vdi_template_add_target (fixture->template, target, &error));
    }
  g_object_unref (vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials,
                                             "hv-fc", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER,
                                             PASSWORD));
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);

  fixture->window = vdi_test_ui_sim_show (fixture->farm, fixture->credentials, &fixture->app);
  vdi_window_show_page (fixture->window, "templates");
  vdi_test_wait_frames (GTK_WIDGET (fixture->window), 1);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  vdi_test_ui_sim_close (&fixture->app, fixture->farm);
  g_clear_object (&fixture->template);
  vdi_test_ui_sim_tear_down (&fixture->sim, &fixture->dir, &fixture->farm, &fixture->credentials);
}

/* Tasks > Properties on the template named @name. */
static VdiTemplateProperties *
open_properties (Fixture    *fixture,
                 const char *name)
{
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  GtkSelectionModel *selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));
  GtkWindow *dialog;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_str_equal (vdi_template_get_name (template), name))
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  g_assert_cmpstr (vdi_template_get_name (vdi_templates_page_get_selected (page)), ==, name);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "templates.properties", NULL));
  dialog = vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_PROPERTIES, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));
  g_assert_true (gtk_window_get_modal (dialog));
  vdi_test_wait_frames (GTK_WIDGET (dialog), 2);
  return VDI_TEMPLATE_PROPERTIES (dialog);
}

static void
select_named (GtkListView *view,
              const char  *name)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (view);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_str_equal (vdi_provider_get_name (provider), name))
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  vdi_test_flush_events ();
}

static gboolean
not_busy (gpointer data)
{
  VdiTemplateProperties *dialog = data;

  vdi_test_flush_events ();
  return !vdi_template_properties_get_busy (dialog);
}

static VdiTarget *
target_named (VdiTemplate *template,
              const char  *name)
{
  GListModel *targets = vdi_template_get_targets (template);

  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (g_str_equal (vdi_provider_get_name (vdi_target_get_provider (target)), name))
        return target;
    }
  return NULL;
}

static void
test_providers (Fixture       *fixture,
                gconstpointer  data)
{
  VdiTemplateProperties *dialog = open_properties (fixture, "Pool");
  VdiTargetPicker *picker = VDI_TARGET_PICKER (vdi_test_get_widget (dialog, "picker"));
  GtkSpinButton *concurrency = GTK_SPIN_BUTTON (vdi_test_get_widget (dialog, "concurrency-spin"));
  g_autofree char *available = NULL;
  g_autofree char *targets = NULL;
  VdiTarget *added;

  /* The setting is shown, with why it cannot change. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vdi_test_get_widget (dialog, "multi-row"))),
                            "Enabled"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vdi_test_get_widget (dialog, "multi-row"))),
                            "delete and re-create the template"));

  /* The template's copies are the targets; same type and subtype only, never the source. */
  available = vdi_test_provider_names (vdi_target_picker_get_available (picker));
  targets = vdi_test_provider_names (vdi_target_picker_get_targets (picker));
  g_assert_cmpstr (available, ==, "hv-t3");
  g_assert_cmpstr (targets, ==, "hv-t1 hv-t2");
  g_assert_false (vdi_test_can (dialog, "props.apply-targets"));

  /* Add one, remove one, then Apply: the distributor does both, on the provider. */
  select_named (vdi_target_picker_get_available_view (picker), "hv-t3");
  vdi_test_press (picker, "picker.add");
  select_named (vdi_target_picker_get_target_view (picker), "hv-t1");
  vdi_test_press (picker, "picker.remove");
  g_assert_true (vdi_test_can (dialog, "props.apply-targets"));
  vdi_test_press (dialog, "props.apply-targets");
  g_assert_true (vdi_template_properties_get_busy (dialog));
  g_assert_false (vdi_test_can (dialog, "props.apply-targets"));
  sim_wait_until (not_busy, dialog, WAIT_MS, "the provider changes to end");

  g_assert_null (vdi_template_properties_get_error (dialog));
  g_assert_null (target_named (fixture->template, "hv-t1"));
  added = target_named (fixture->template, "hv-t3");
  g_assert_nonnull (added);
  g_assert_cmpint (vdi_target_get_state (added), ==, VDI_TARGET_STATE_READY);
  g_assert_false (vdi_test_can (dialog, "props.apply-targets"));

  /* The concurrency goes from 1 to the number of copies. */
  gtk_spin_button_set_value (concurrency, 5);
  g_assert_cmpuint (vdi_template_get_concurrency (fixture->template), ==, 2);
  gtk_spin_button_set_value (concurrency, 1);
  g_assert_cmpuint (vdi_template_get_concurrency (fixture->template), ==, 1);
}

static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  VdiTemplateProperties *dialog = open_properties (fixture, "Pool");
  GtkWidget *name_row = vdi_test_get_widget (dialog, "name-row");
  GtkWidget *format_row = vdi_test_get_widget (dialog, "format-row");
  GtkWidget *error_label = vdi_test_get_widget (dialog, "error-label");
  g_autoptr(VdiHost) host = vdi_host_new ("VDI-001", vdi_template_get_source_provider (fixture->template));
  g_autoptr(VdiTemplate) other = NULL;
  GtkWidget *state;

  /* A value the model refuses is not kept, and the reason shows. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_cmpstr (vdi_template_get_name (fixture->template), ==, "Pool");
  g_assert_nonnull (vdi_template_properties_get_error (dialog));
  g_assert_true (gtk_widget_get_visible (error_label));

  other = vdi_template_new (NULL, "Taken", vdi_template_get_source_provider (fixture->template),
                            GOLD);
  g_assert_true (vdi_farm_add_template (fixture->farm, other, NULL));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "taken");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_cmpstr (vdi_template_get_name (fixture->template), ==, "Pool");
  g_assert_nonnull (strstr (vdi_template_properties_get_error (dialog), "already named"));

  gtk_editable_set_text (GTK_EDITABLE (name_row), "Pool West");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_cmpstr (vdi_template_get_name (fixture->template), ==, "Pool West");
  g_assert_null (vdi_template_properties_get_error (dialog));
  g_assert_false (gtk_widget_get_visible (error_label));
  vdi_test_flush_events ();
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (
                     vdi_test_find_widget (GTK_WIDGET (dialog), NULL, ADW_TYPE_WINDOW_TITLE))), ==,
                   "Properties of “Pool West”");

  gtk_editable_set_text (GTK_EDITABLE (format_row), "9x-%ID:3%");
  g_signal_emit_by_name (format_row, "apply");
  g_assert_cmpstr (vdi_template_get_host_name_format (fixture->template), ==, "VDI-%ID:3%");
  g_assert_nonnull (strstr (vdi_template_properties_get_error (dialog), "letter"));
  gtk_editable_set_text (GTK_EDITABLE (format_row), "West-%ID:2%");
  g_signal_emit_by_name (format_row, "apply");
  g_assert_cmpstr (vdi_template_get_host_name_format (fixture->template), ==, "West-%ID:2%");

  /* 100 hosts do not fit in two digits. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (dialog, "max-hosts-spin")), 120);
  g_assert_cmpuint (vdi_template_get_max_hosts (fixture->template), ==, 10);
  g_assert_nonnull (vdi_template_properties_get_error (dialog));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (dialog, "max-hosts-spin")), 50);
  g_assert_cmpuint (vdi_template_get_max_hosts (fixture->template), ==, 50);

  adw_combo_row_set_selected (ADW_COMBO_ROW (vdi_test_get_widget (dialog, "clone-row")), 1);
  g_assert_cmpint (vdi_template_get_clone_method (fixture->template), ==, VDI_CLONE_METHOD_LINKED);
  /* The choices are the enum's own labels, in its order. */
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (adw_combo_row_get_selected_item (
                     ADW_COMBO_ROW (vdi_test_get_widget (dialog, "clone-row"))))),
                   ==, vdi_clone_method_to_label (VDI_CLONE_METHOD_LINKED));

  /* The hosts, with their live states. */
  vdi_host_set_state (host, VDI_HOST_STATE_CREATING);
  vdi_template_add_host (fixture->template, host);
  vdi_test_flush_events ();
  state = vdi_test_find_widget (vdi_test_get_widget (dialog, "hosts-list"), "host-state", GTK_TYPE_LABEL);
  g_assert_nonnull (state);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (state)), ==, "Creating");
  vdi_host_set_state (host, VDI_HOST_STATE_READY);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (state)), ==, "Ready");
}

static void
test_single_provider (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(VdiTemplate) single = vdi_template_new (NULL, "Single",
                                                    vdi_template_get_source_provider (fixture->template),
                                                    GOLD);
  VdiTemplateProperties *dialog;

  g_assert_true (vdi_farm_add_template (fixture->farm, single, NULL));
  vdi_test_flush_events ();
  dialog = open_properties (fixture, "Single");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vdi_test_get_widget (dialog, "multi-row"))),
                            "Disabled"));
  g_assert_false (gtk_widget_get_mapped (vdi_test_get_widget (dialog, "picker")));
  g_assert_false (gtk_widget_get_mapped (vdi_test_get_widget (dialog, "concurrency-spin")));
  g_assert_false (gtk_widget_get_mapped (vdi_test_get_widget (dialog, "datastores-group")));
}

static GtkCheckButton *
datastore_check (gpointer    dialog,
                 const char *name)
{
  g_autoptr(GPtrArray) rows = vdi_test_find_widgets (GTK_WIDGET (dialog), "datastore-row",
                                                     ADW_TYPE_PREFERENCES_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), name))
      return GTK_CHECK_BUTTON (vdi_test_find_widget (g_ptr_array_index (rows, i),
                                                     "datastore-check", GTK_TYPE_CHECK_BUTTON));
  g_error ("no datastore row %s", name);
}

/* A vCenter template's datastores, listed live; a change applies through the model. */
static void
test_datastores (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VdiProvider) vcenter = NULL;
  g_autoptr(VdiTemplate) gold = NULL;
  g_autofree char *id = vm_id (fixture, "gold-vc");
  VdiTemplateProperties *dialog;
  const char * const *datastores;

  vcenter = vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials, "vc-1",
                                       VDI_PROVIDER_SUBTYPE_VCENTER_8, PASSWORD);
  gold = vdi_template_new (NULL, "Gold", vcenter, "gold-vc");
  vdi_template_set_source_vm_id (gold, id);
  g_assert_true (vdi_farm_add_template (fixture->farm, gold, NULL));
  vdi_test_flush_events ();

  dialog = open_properties (fixture, "Gold");
  sim_wait_until (not_busy, dialog, WAIT_MS, "the datastores to be listed");
  g_assert_false (gtk_widget_get_mapped (vdi_test_get_widget (dialog, "picker")));
  g_assert_false (vdi_test_can (dialog, "props.apply-datastores"));

  /* The template's own datastore is always used; an inaccessible one cannot be chosen. */
  g_assert_true (gtk_check_button_get_active (datastore_check (dialog, "ds-a")));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (datastore_check (dialog, "ds-a"))));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (datastore_check (dialog, "ds-down"))));

  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_get_widget (dialog,
                                                                      "datastore-additional-check")),
                               TRUE);
  g_assert_false (vdi_test_can (dialog, "props.apply-datastores"));
  gtk_check_button_set_active (datastore_check (dialog, "ds-b"), TRUE);
  g_assert_true (vdi_test_can (dialog, "props.apply-datastores"));
  vdi_test_press (dialog, "props.apply-datastores");

  g_assert_null (vdi_template_properties_get_error (dialog));
  g_assert_cmpint (vdi_template_get_datastore_mode (gold), ==, VDI_DATASTORE_MODE_ADDITIONAL);
  datastores = vdi_template_get_datastores (gold);
  g_assert_cmpuint (g_strv_length ((char **)datastores), ==, 1);
  g_assert_false (vdi_test_can (dialog, "props.apply-datastores"));

  /* Back to the template's own datastore only. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_get_widget (dialog,
                                                                      "datastore-source-check")),
                               TRUE);
  vdi_test_press (dialog, "props.apply-datastores");
  g_assert_cmpint (vdi_template_get_datastore_mode (gold), ==, VDI_DATASTORE_MODE_SOURCE);
}

static gboolean
switch_on (gpointer data)
{
  return gtk_switch_get_active (data);
}

/* The relay switch shows the template's setting, changes it (from the keyboard too: the row
 * activates it), and the farm keeps it. */
static void
test_relay_setting (Fixture       *fixture,
                    gconstpointer  data)
{
  VdiTemplateProperties *dialog = open_properties (fixture, "Pool");
  GtkWidget *relay = vdi_test_get_widget (dialog, "relay-switch");
  GtkWidget *row = vdi_test_get_widget (dialog, "relay-row");
  g_autoptr(GError) error = NULL;

  g_assert_false (vdi_template_get_relay (fixture->template));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (relay)));
  g_assert_true (gtk_widget_get_visible (row) && gtk_widget_is_sensitive (row));
  g_assert_true (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) == relay);

  /* Enter on the row, as a keyboard user would. */
  adw_action_row_activate (ADW_ACTION_ROW (row));
  /* The switch turns once its animation ends. */
  vdi_test_wait_for (switch_on, relay);
  g_assert_true (vdi_template_get_relay (fixture->template));

  g_assert_true (vdi_farm_flush (fixture->farm, &error));
  g_assert_no_error (error);
  {
    g_autoptr(VdiFarm) reloaded = vdi_farm_new (vdi_farm_get_path (fixture->farm));

    g_assert_true (vdi_farm_load (reloaded, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_template_get_relay (vdi_farm_find_template (reloaded, "Pool")));
  }

  gtk_switch_set_active (GTK_SWITCH (relay), FALSE);
  g_assert_false (vdi_template_get_relay (fixture->template));
}

/* Every control of both kinds of Properties has an accessible name. */
static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  VdiTemplateProperties *dialog = open_properties (fixture, "Pool");
  g_autofree char *unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (dialog));

  g_assert_cmpstr (unnamed, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/template-properties/providers", Fixture, NULL,
              setup, test_providers, teardown);
  g_test_add ("/ui/template-properties/settings", Fixture, NULL, setup, test_settings, teardown);
  g_test_add ("/ui/template-properties/single-provider", Fixture, NULL,
              setup, test_single_provider, teardown);
  g_test_add ("/ui/template-properties/datastores", Fixture, NULL,
              setup, test_datastores, teardown);
  g_test_add ("/ui/template-properties/relay-setting", Fixture, NULL, setup, test_relay_setting,
              teardown);
  g_test_add ("/ui/template-properties/accessible-names", Fixture, NULL,
              setup, test_accessible_names, teardown);

  return g_test_run ();
}
