/* test-template-wizard.c: the Create Template wizard, opened the way the Templates tab opens
 * it, driving real widgets against vdi-provider-sim, in process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "vdi-test-ui-sim.h"
#include "vdi-cell-tooltip.h"
#include "vdi-datastore-row.h"
#include "vdi-distribution-dialog.h"
#include "vdi-provider-monitor.h"
#include "vdi-target-picker.h"
#include "vdi-template-wizard.h"
#include "vdi-test-ui.h"
#include "vdi-vm-row.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"
#define WAIT_MS 60000

typedef struct
{
  SimFixture      sim;
  VdiApplication *app;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiWindow      *window;
  char           *dir;
} Fixture;

/* hv-fc is a failover cluster in the farm: same type as hv-src, another subtype. Small disks and
 * a high time scale make each copy take well under a second. */
static const char scenario[] =
  "{ \"time_scale\": 50, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"export_mbps\": 10000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "    \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 2, \"state\": \"off\" },"
  "               { \"name\": \"Scratch\", \"disk_gb\": 2, \"state\": \"running\" } ] },"
  "  { \"name\": \"hv-t1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] },"
  "  { \"name\": \"hv-t2\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] },"
  "  { \"name\": \"hv-fc\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"subtype\": \"failover-cluster\", \"vms\": [] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"version\": \"8.0\", \"user\": \"admin\","
  "    \"password\": \"" PASSWORD "\", \"datacenter\": \"DC\", \"hosts\": [ \"esx-1\" ],"
  "    \"datastores\": [ { \"name\": \"ds-a\", \"capacity_gb\": 1000, \"free_gb\": 900 },"
  "                      { \"name\": \"ds-b\", \"type\": \"NFS\", \"capacity_gb\": 500, \"free_gb\": 400 },"
  "                      { \"name\": \"ds-down\", \"capacity_gb\": 500, \"accessible\": false } ],"
  "    \"vms\": [ { \"name\": \"gold-vc\", \"disk_gb\": 20, \"datastore\": \"ds-a\" },"
  "               { \"name\": \"busy-vc\", \"disk_gb\": 20, \"state\": \"running\" } ] } ] }";

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  static const struct { const char *name; VdiProviderSubtype subtype; } providers[] = {
    { "hv-src", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-t1", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-t2", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-fc", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER },
    { "vc-1", VDI_PROVIDER_SUBTYPE_VCENTER_8 },
  };

  vdi_test_ui_sim_set_up (&fixture->sim, scenario, "wizard", &fixture->dir, &fixture->farm,
                          &fixture->credentials);
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    g_object_unref (vdi_test_add_sim_provider (&fixture->sim, fixture->farm,
                                               fixture->credentials, providers[i].name,
                                               providers[i].subtype, PASSWORD));

  fixture->window = vdi_test_ui_sim_show (fixture->farm, fixture->credentials, &fixture->app);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  vdi_test_ui_sim_close (&fixture->app, fixture->farm);
  vdi_test_ui_sim_tear_down (&fixture->sim, &fixture->dir, &fixture->farm, &fixture->credentials);
}

/* Helpers -------------------------------------------------------------------------------------- */

static gboolean
not_busy (gpointer data)
{
  vdi_test_flush_events ();
  return !vdi_template_wizard_get_busy (data);
}

static void
wait_idle (VdiTemplateWizard *wizard)
{
  sim_wait_until (not_busy, wizard, WAIT_MS, "the wizard to finish listing");
  vdi_test_flush_events ();
}

static VdiTemplateWizard *
open_wizard (Fixture *fixture)
{
  GtkWindow *wizard;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-template",
                                             NULL));
  wizard = vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL);
  g_assert_nonnull (wizard);
  g_assert_true (gtk_window_get_modal (wizard));
  g_assert_true (gtk_window_get_transient_for (wizard) == GTK_WINDOW (fixture->window));
  vdi_test_wait_frames (GTK_WIDGET (wizard), 2);
  wait_idle (VDI_TEMPLATE_WIZARD (wizard));
  return VDI_TEMPLATE_WIZARD (wizard);
}

static void
select_provider (VdiTemplateWizard *wizard,
                 Fixture           *fixture,
                 const char        *name)
{
  GListModel *providers = vdi_farm_get_providers (fixture->farm);

  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      if (g_str_equal (vdi_provider_get_name (provider), name))
        {
          adw_combo_row_set_selected (ADW_COMBO_ROW (vdi_test_get_widget (wizard, "provider-row")), i);
          wait_idle (wizard);
          return;
        }
    }
  g_assert_not_reached ();
}

static GtkWidget *
find_row (GtkWidget  *list,
          const char *row_name,
          const char *title)
{
  g_autoptr(GPtrArray) rows = vdi_test_find_widgets (list, row_name, ADW_TYPE_PREFERENCES_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static void
select_vm (VdiTemplateWizard *wizard,
           const char        *name)
{
  GtkWidget *list = vdi_test_get_widget (wizard, "vm-list");
  GtkWidget *row = find_row (list, "vm-row", name);

  g_assert_nonnull (row);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_find_widget (row, "vm-radio",
                                                                      GTK_TYPE_CHECK_BUTTON)),
                               TRUE);
  vdi_test_flush_events ();
}

static void
set_text (VdiTemplateWizard *wizard,
          const char        *name,
          const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (vdi_test_get_widget (wizard, name)), text);
  vdi_test_flush_events ();
}

static const char *
reason (VdiTemplateWizard *wizard)
{
  GtkWidget *label = vdi_test_get_widget (wizard, "reason-label");

  vdi_test_flush_events ();
  /* What the wizard says is what the admin reads under the page. */
  if (vdi_template_wizard_get_reason (wizard) == NULL)
    g_assert_false (gtk_widget_get_visible (label));
  else
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                     vdi_template_wizard_get_reason (wizard));
  return vdi_template_wizard_get_reason (wizard);
}

static void
assert_reason_has (VdiTemplateWizard *wizard,
                   const char        *text)
{
  const char *said = reason (wizard);

  if (said == NULL)
    g_error ("the wizard says nothing, not “%s”", text);
  if (strstr (said, text) == NULL)
    g_error ("the wizard says “%s”, not “%s”", said, text);
}

static void
assert_lists (VdiTargetPicker *picker,
              const char      *available,
              const char      *targets)
{
  g_autofree char *a = vdi_test_provider_names (vdi_target_picker_get_available (picker));
  g_autofree char *t = vdi_test_provider_names (vdi_target_picker_get_targets (picker));

  g_assert_cmpstr (a, ==, available);
  g_assert_cmpstr (t, ==, targets);
}

/* Source → Properties → Distribution for GOLD on hv-src, with a valid name and format. */
static VdiTargetPicker *
to_hyperv_distribution (VdiTemplateWizard *wizard,
                        const char        *name)
{
  select_vm (wizard, GOLD);
  g_assert_null (reason (wizard));
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "properties");
  set_text (wizard, "name-row", name);
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "distribution");
  return VDI_TARGET_PICKER (vdi_test_get_widget (wizard, "picker"));
}

/* The text of the template's Distribution cell in the Templates tab. */
static const char *
distribution_cell (Fixture *fixture)
{
  GtkColumnView *view;
  GtkWidget *label;

  vdi_test_flush_events ();
  view = vdi_templates_page_get_column_view (vdi_window_get_templates_page (fixture->window));
  label = vdi_test_find_widget (GTK_WIDGET (view), "distribution-label", GTK_TYPE_LABEL);
  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} CellWait;

static gboolean
cell_says (gpointer data)
{
  CellWait *wait = data;

  return g_str_equal (distribution_cell (wait->fixture), wait->text);
}

static void
wait_for_cell (Fixture    *fixture,
               const char *text)
{
  CellWait wait = { fixture, text };
  g_autofree char *what = g_strdup_printf ("the Distribution cell to say %s", text);

  sim_wait_until (cell_says, &wait, WAIT_MS, what);
}

static gboolean
wizard_gone (gpointer data)
{
  vdi_test_flush_events ();
  return vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL) == NULL;
}

/* Pages ---------------------------------------------------------------------------------------- */

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  GtkWidget *preview = vdi_test_get_widget (wizard, "preview-row");
  GtkStack *distribution;

  /* Source: the first provider's VMs are listed live; Next waits for a VM. */
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "source");
  g_assert_nonnull (find_row (vdi_test_get_widget (wizard, "vm-list"), "vm-row", GOLD));
  g_assert_nonnull (find_row (vdi_test_get_widget (wizard, "vm-list"), "vm-row", "Scratch"));
  assert_reason_has (wizard, "Choose the source VM");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
  g_assert_false (vdi_test_can (wizard, "wizard.back"));

  select_vm (wizard, GOLD);
  g_assert_null (reason (wizard));
  vdi_test_press (wizard, "wizard.next");

  /* Properties: the VM's name by default; the RAS rules in the model's words, previewed. */
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "properties");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (wizard, "name-row"))), ==, GOLD);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (preview)), ==,
                   "VDI-001, VDI-002, VDI-003, …");
  set_text (wizard, "format-row", "9-Pool-%ID:3%");
  assert_reason_has (wizard, "letter");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
  set_text (wizard, "format-row", "Pool-%ID:2%-%ID:2%");
  g_assert_nonnull (reason (wizard));
  set_text (wizard, "format-row", "VeryLongPrefix-%ID:3%");
  assert_reason_has (wizard, "15");
  set_text (wizard, "format-row", "W11-%ID:3:100%");
  g_assert_null (reason (wizard));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (preview)), ==,
                   "W11-100, W11-101, W11-102, …");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (wizard, "hosts-spin")), 20);
  assert_reason_has (wizard, "cannot exceed");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (wizard, "hosts-spin")), 0);
  set_text (wizard, "name-row", "");
  g_assert_nonnull (reason (wizard));
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
  set_text (wizard, "name-row", "Win11 Pool");
  g_assert_true (vdi_test_can (wizard, "wizard.next"));

  /* Hyper-V: the Distribution page, with its Hyper-V content. */
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "distribution");
  distribution = GTK_STACK (gtk_widget_get_parent (gtk_widget_get_ancestor (vdi_test_get_widget (wizard, "picker"),
                                                                            ADW_TYPE_PREFERENCES_PAGE)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (distribution), ==, "hyperv");
  g_assert_true (gtk_widget_get_mapped (vdi_test_get_widget (wizard, "multi-note")));
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");
  g_assert_false (gtk_widget_get_visible (vdi_test_find_action_button (GTK_WIDGET (wizard),
                                                                     "wizard.next")));
  g_assert_true (vdi_test_can (wizard, "wizard.create"));

  /* Back to the source: a vCenter. A running VM cannot become a template. */
  vdi_test_press (wizard, "wizard.back");
  vdi_test_press (wizard, "wizard.back");
  vdi_test_press (wizard, "wizard.back");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "source");
  select_provider (wizard, fixture, "vc-1");
  g_assert_null (find_row (vdi_test_get_widget (wizard, "vm-list"), "vm-row", GOLD));
  assert_reason_has (wizard, "Choose the source VM");
  select_vm (wizard, "busy-vc");
  assert_reason_has (wizard, "Shut down busy-vc first");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
  select_vm (wizard, "gold-vc");
  g_assert_null (reason (wizard));
  vdi_test_press (wizard, "wizard.next");
  /* The name the admin typed stays. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (wizard, "name-row"))), ==,
                   "Win11 Pool");
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "distribution");
  wait_idle (wizard);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (distribution), ==, "vcenter");

  /* Cancel closes, and nothing was made. */
  vdi_test_press (wizard, "window.close");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close");
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (fixture->farm)), ==, 0);
}

/* The VM chosen is the one whose radio is on, whichever was chosen before: the rows share one
 * radio group, and the template is made from that VM, by the id its provider gave it. */
static void
test_vm_choice (Fixture       *fixture,
                gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  GtkWidget *list = vdi_test_get_widget (wizard, "vm-list");
  VdiVmRow *gold;
  VdiVmRow *scratch;
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  const char *gold_id = json_object_get_string_member (sim_inventory_vm (inventory, GOLD), "id");
  VdiTemplate *template;

  /* A provider without VMs says so in the list; the placeholder goes with the first row. */
  select_provider (wizard, fixture, "hv-t1");
  g_assert_null (find_row (list, "vm-row", GOLD));
  g_assert_true (gtk_widget_get_mapped (vdi_test_get_widget (wizard, "vm-placeholder")));
  select_provider (wizard, fixture, "hv-src");
  g_assert_false (gtk_widget_get_visible (vdi_test_get_widget (wizard, "vm-placeholder")));
  gold = VDI_VM_ROW (find_row (list, "vm-row", GOLD));
  scratch = VDI_VM_ROW (find_row (list, "vm-row", "Scratch"));

  /* Each row shows the VM the provider listed under its name. */
  g_assert_cmpstr (vdi_vm_info_get_name (vdi_vm_row_get_vm (gold)), ==, GOLD);
  g_assert_cmpstr (vdi_vm_info_get_id (vdi_vm_row_get_vm (gold)), ==, gold_id);
  g_assert_cmpstr (vdi_vm_info_get_name (vdi_vm_row_get_vm (scratch)), ==, "Scratch");
  g_assert_false (vdi_check_row_get_active (VDI_CHECK_ROW (gold)));
  g_assert_false (vdi_check_row_get_active (VDI_CHECK_ROW (scratch)));

  select_vm (wizard, "Scratch");
  g_assert_true (vdi_check_row_get_active (VDI_CHECK_ROW (scratch)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (wizard, "name-row"))), ==,
                   "Scratch");
  select_vm (wizard, GOLD);
  g_assert_true (vdi_check_row_get_active (VDI_CHECK_ROW (gold)));
  g_assert_false (vdi_check_row_get_active (VDI_CHECK_ROW (scratch)));
  /* The default name follows the choice until the admin types one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (wizard, "name-row"))), ==,
                   GOLD);

  vdi_test_press (wizard, "wizard.next");
  set_text (wizard, "name-row", "Chosen");
  vdi_test_press (wizard, "wizard.next");
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (vdi_test_get_widget (wizard, "summary-list"),
                                                                          NULL, "Source VM"))), ==,
                   GOLD " on hv-src");

  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");
  template = vdi_farm_find_template (fixture->farm, "Chosen");
  g_assert_nonnull (template);
  g_assert_cmpstr (vdi_template_get_source_vm_name (template), ==, GOLD);
  g_assert_cmpstr (vdi_template_get_source_vm_id (template), ==, gold_id);
}

static void
test_vm_list_error (Fixture       *fixture,
                    gconstpointer  data)
{
  VdiTemplateWizard *wizard;
  GtkWidget *error_row;

  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\":\"Enumerate\",\"count\":1,\"fault\":\"AccessDenied\","
                    "\"message\":\"Access is denied.\"}");
  wizard = open_wizard (fixture);
  error_row = vdi_test_get_widget (wizard, "vm-error-row");
  g_assert_true (gtk_widget_get_mapped (error_row));
  g_assert_nonnull (adw_action_row_get_subtitle (ADW_ACTION_ROW (error_row)));
  assert_reason_has (wizard, "could not be listed");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));

  vdi_test_press (wizard, "wizard.retry-vms");
  wait_idle (wizard);
  g_assert_false (gtk_widget_get_mapped (error_row));
  g_assert_nonnull (find_row (vdi_test_get_widget (wizard, "vm-list"), "vm-row", GOLD));
}

/* Distribution: Hyper-V ------------------------------------------------------------------------ */

static gboolean
live_migration_disabled (gpointer data)
{
  return vdi_provider_get_live_migration_disabled (data);
}

static gboolean
live_migration_enabled (gpointer data)
{
  return !vdi_provider_get_live_migration_disabled (data);
}

/* The status cell of @name's row in the Available list, inside its tooltip. */
static GtkInscription *
available_status (VdiTargetPicker *picker,
                  const char      *name)
{
  GtkListView *view = vdi_target_picker_get_available_view (picker);
  g_autoptr(GPtrArray) cells = vdi_test_find_widgets (GTK_WIDGET (view), "status-cell",
                                                      GTK_TYPE_INSCRIPTION);

  /* Each row: the provider's name, then its status. */
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (cells, i);
      GtkWidget *label = gtk_widget_get_prev_sibling (gtk_widget_get_parent (cell));

      if (GTK_IS_INSCRIPTION (label) &&
          g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (label)), name) == 0)
        return GTK_INSCRIPTION (cell);
    }
  g_assert_not_reached ();
}

static VdiCellTooltip *
status_tooltip (GtkInscription *status)
{
  return VDI_CELL_TOOLTIP (gtk_widget_get_parent (GTK_WIDGET (status)));
}

/* A host with live migration off, as its probe reads it from the host, says so in the
 * Available list, with what to change in the tooltip. */
static void
test_live_migration_disabled (Fixture       *fixture,
                              gconstpointer  data)
{
  VdiProvider *t2 = vdi_farm_find_provider (fixture->farm, "hv-t2");
  g_autoptr(VdiProviderMonitor) monitor = NULL;
  VdiTemplateWizard *wizard;
  VdiTargetPicker *picker;
  GtkInscription *status;

  /* The admin turns it off on the host; the probes, as the console runs them once its farm is
   * loaded, read it. */
  sim_control_post (&fixture->sim, "providers/hv-t2/live-migration", "{\"enabled\": false}");
  monitor = vdi_provider_monitor_new (fixture->farm, fixture->credentials);
  sim_wait_until (live_migration_disabled, t2, WAIT_MS, "hv-t2's live migration to read off");

  wizard = open_wizard (fixture);
  picker = to_hyperv_distribution (wizard, "Pool");
  vdi_test_wait_frames (GTK_WIDGET (wizard), 2);
  status = available_status (picker, "hv-t2");
  g_assert_cmpstr (gtk_inscription_get_text (status), ==, "Live migration disabled");
  g_assert_nonnull (strstr (vdi_cell_tooltip_get_text (status_tooltip (status)),
                            "Hyper-V Settings"));
  g_assert_cmpstr (gtk_inscription_get_text (available_status (picker, "hv-t1")), ==, "Ready");

  /* Turned on again, it is Ready at the next probe. */
  sim_control_post (&fixture->sim, "providers/hv-t2/live-migration", "{\"enabled\": true}");
  vdi_provider_monitor_refresh (monitor, t2);
  sim_wait_until (live_migration_enabled, t2, WAIT_MS, "hv-t2's live migration to read on");
  vdi_test_flush_events ();
  g_assert_cmpstr (gtk_inscription_get_text (available_status (picker, "hv-t2")), ==, "Ready");
}

static void
test_targets (Fixture       *fixture,
              gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  VdiTargetPicker *picker = to_hyperv_distribution (wizard, "Pool");
  GtkCheckButton *multi = GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "multi-check"));
  GtkSpinButton *concurrency = GTK_SPIN_BUTTON (vdi_test_get_widget (wizard, "concurrency-spin"));
  GtkSelectionModel *available_selection;
  GtkSelectionModel *target_selection;
  VdiProvider *t2 = vdi_farm_find_provider (fixture->farm, "hv-t2");
  GtkWidget *status = NULL;
  g_autoptr(GPtrArray) cells = NULL;

  /* Only the same type and subtype, never the source itself. */
  assert_lists (picker, "hv-t1 hv-t2", "");
  g_assert_false (gtk_check_button_get_active (multi));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (picker)));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (concurrency)));
  g_assert_null (reason (wizard));

  /* Each row shows its provider's live status. */
  vdi_provider_set_status (t2, VDI_PROVIDER_STATUS_NOT_AVAILABLE, "Connection refused");
  vdi_test_wait_frames (GTK_WIDGET (wizard), 2);
  cells = vdi_test_find_widgets (GTK_WIDGET (vdi_target_picker_get_available_view (picker)),
                                 "status-cell", GTK_TYPE_INSCRIPTION);
  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (gtk_inscription_get_text (g_ptr_array_index (cells, i)), "Not available") == 0)
      status = g_ptr_array_index (cells, i);
  g_assert_nonnull (status);
  g_assert_cmpstr (vdi_cell_tooltip_get_text (status_tooltip (GTK_INSCRIPTION (status))), ==, "Connection refused");
  vdi_provider_set_status (t2, VDI_PROVIDER_STATUS_READY, NULL);
  vdi_test_flush_events ();
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (status)), ==, "Ready");
  g_assert_null (vdi_cell_tooltip_get_text (status_tooltip (GTK_INSCRIPTION (status))));

  gtk_check_button_set_active (multi, TRUE);
  vdi_test_flush_events ();
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (picker)));
  assert_reason_has (wizard, "target");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
  g_assert_false (vdi_test_can (picker, "picker.add"));
  g_assert_false (vdi_test_can (picker, "picker.remove"));
  g_assert_false (vdi_test_can (picker, "picker.remove-all"));
  g_assert_true (vdi_test_can (picker, "picker.add-all"));

  /* Add: the selected rows only. */
  available_selection = gtk_list_view_get_model (vdi_target_picker_get_available_view (picker));
  target_selection = gtk_list_view_get_model (vdi_target_picker_get_target_view (picker));
  gtk_selection_model_select_item (available_selection, 1, TRUE);
  g_assert_true (vdi_test_can (picker, "picker.add"));
  vdi_test_press (picker, "picker.add");
  assert_lists (picker, "hv-t1", "hv-t2");
  g_assert_null (reason (wizard));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (concurrency)));
  gtk_spin_button_set_value (concurrency, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (concurrency), ==, 1);

  /* Add all; the concurrency goes from 1 to the number of targets. */
  vdi_test_press (picker, "picker.add-all");
  assert_lists (picker, "", "hv-t1 hv-t2");
  g_assert_false (vdi_test_can (picker, "picker.add-all"));
  gtk_spin_button_set_value (concurrency, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (concurrency), ==, 2);
  gtk_spin_button_set_value (concurrency, 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (concurrency), ==, 1);
  gtk_spin_button_set_value (concurrency, 2);

  /* Remove: multi-selection. */
  gtk_selection_model_select_all (target_selection);
  vdi_test_press (picker, "picker.remove");
  assert_lists (picker, "hv-t1 hv-t2", "");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (concurrency), ==, 1);
  assert_reason_has (wizard, "target");

  /* Double-click or Enter moves a row, both ways. */
  g_signal_emit_by_name (vdi_target_picker_get_available_view (picker), "activate", 0);
  vdi_test_flush_events ();
  assert_lists (picker, "hv-t2", "hv-t1");
  g_signal_emit_by_name (vdi_target_picker_get_target_view (picker), "activate", 0);
  vdi_test_flush_events ();
  assert_lists (picker, "hv-t1 hv-t2", "");

  vdi_test_press (picker, "picker.add-all");
  vdi_test_press (picker, "picker.remove-all");
  assert_lists (picker, "hv-t1 hv-t2", "");
  g_assert_false (vdi_test_can (picker, "picker.remove-all"));

  /* Unchecked again: nothing of it counts. */
  vdi_test_press (picker, "picker.add-all");
  gtk_check_button_set_active (multi, FALSE);
  vdi_test_flush_events ();
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (picker)));
  g_assert_null (reason (wizard));
}

/* Create ------------------------------------------------------------------------------------- */

static gboolean
idle_distributor (gpointer data)
{
  Fixture *fixture = data;
  VdiTemplate *template = vdi_farm_find_template (fixture->farm, "Spread");

  return template != NULL &&
         !vdi_distributor_is_busy (vdi_application_get_distributor (fixture->app), template);
}

static GtkWidget *
failed_row_retry (VdiDistributionDialog *dialog)
{
  GtkWidget *row;

  for (guint i = 0; (row = vdi_distribution_dialog_get_row (dialog, i)) != NULL; i++)
    {
      GtkWidget *state = vdi_test_find_widget (row, "state-label", GTK_TYPE_LABEL);

      if (g_str_equal (gtk_label_get_text (GTK_LABEL (state)), "Needs update"))
        return vdi_test_find_widget (row, "retry-button", GTK_TYPE_BUTTON);
    }
  return NULL;
}

static void
test_create_distributes (Fixture       *fixture,
                         gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  VdiTargetPicker *picker = to_hyperv_distribution (wizard, "Spread");
  GtkWindow *dialog;
  GtkWidget *retry;
  VdiTemplate *template;

  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "multi-check")), TRUE);
  vdi_test_press (picker, "picker.add-all");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (wizard, "concurrency-spin")), 2);
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");

  /* One copy meets a fault the provider reports in its own words. */
  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\":\"MigrateVirtualSystemToHost\",\"count\":1,"
                    "\"fault\":\"job:32768\",\"message\":\"The network path was not found.\"}");
  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");

  template = vdi_farm_find_template (fixture->farm, "Spread");
  g_assert_nonnull (template);
  g_assert_true (vdi_template_get_multi_provider (template));
  g_assert_cmpuint (vdi_template_get_concurrency (template), ==, 2);
  g_assert_cmpuint (vdi_template_get_n_copy_targets (template), ==, 2);
  g_assert_cmpstr (vdi_window_get_visible_page (fixture->window), ==, "templates");

  wait_for_cell (fixture, "Distributing");
  wait_for_cell (fixture, "Failed to distribute");
  sim_wait_until (idle_distributor, fixture, WAIT_MS, "the distribution to end");

  /* Retry in the details dialog brings it to OK. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.distribution-details", "s",
                              vdi_template_get_id (template));
  dialog = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (dialog);
  vdi_test_wait_frames (GTK_WIDGET (dialog), 2);
  retry = failed_row_retry (VDI_DISTRIBUTION_DIALOG (dialog));
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  wait_for_cell (fixture, "OK");
  g_assert_null (failed_row_retry (VDI_DISTRIBUTION_DIALOG (dialog)));
}

/* The source list while a distribution runs ------------------------------------------------ */

typedef struct
{
  Fixture     *fixture;
  VdiTemplate *template;
} CopyWait;

/* The copy for hv-t1 is imported on hv-src and recorded, and waits there to be migrated. */
static gboolean
copy_on_source (gpointer data)
{
  CopyWait *wait = data;
  GListModel *targets = vdi_template_get_targets (wait->template);

  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (!vdi_target_get_is_source (target) && vdi_target_get_remote_vm_id (target) != NULL &&
          vdi_target_get_step (target) == VDI_TARGET_STEP_IMPORTED)
        return sim_count_vms (&wait->fixture->sim, "hv-src", GOLD) >= 2;
    }
  return FALSE;
}

static GPtrArray *
vm_rows (VdiTemplateWizard *wizard,
         const char        *title)
{
  g_autoptr(GPtrArray) rows = vdi_test_find_widgets (vdi_test_get_widget (wizard, "vm-list"),
                                                     "vm-row", ADW_TYPE_PREFERENCES_ROW);
  GPtrArray *named = g_ptr_array_new ();

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      g_ptr_array_add (named, g_ptr_array_index (rows, i));
  return named;
}

/* While GOLD is copied, hv-src holds it twice: the source and the engine's copy on its way to
 * hv-t1, both shut down. The list shows the source once, as the template it already is, and
 * never the copy. */
static void
test_source_list_during_distribution (Fixture       *fixture,
                                      gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  VdiTargetPicker *picker = to_hyperv_distribution (wizard, "Spread");
  g_autoptr(GPtrArray) gold = NULL;
  g_autoptr(GPtrArray) scratch = NULL;
  GtkWidget *radio;
  CopyWait wait = { fixture, NULL };

  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "multi-check")), TRUE);
  vdi_test_press (picker, "picker.add-all");
  vdi_test_press (wizard, "wizard.next");
  /* The copies crawl out of hv-src, so the first stays there for the rest of the test. */
  sim_control_post (&fixture->sim, "providers/hv-src/settings", "{\"up_mbps\": 0.001}");
  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");
  wait.template = vdi_farm_find_template (fixture->farm, "Spread");
  g_assert_nonnull (wait.template);
  sim_wait_until (copy_on_source, &wait, WAIT_MS, "the copy to wait on hv-src");

  wizard = open_wizard (fixture);
  gold = vm_rows (wizard, GOLD);
  g_assert_cmpuint (gold->len, ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (gold, 0)), ==,
                   "Already a template in this farm");
  radio = vdi_test_find_widget (g_ptr_array_index (gold, 0), "vm-radio", GTK_TYPE_CHECK_BUTTON);
  g_assert_false (gtk_widget_is_sensitive (radio));
  gtk_widget_activate (g_ptr_array_index (gold, 0));
  vdi_test_flush_events ();
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (radio)));
  assert_reason_has (wizard, "Choose the source VM");

  /* The admin's other VMs are offered as before. */
  scratch = vm_rows (wizard, "Scratch");
  g_assert_cmpuint (scratch->len, ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (scratch, 0)), ==, "Running");
  select_vm (wizard, "Scratch");
  g_assert_null (reason (wizard));
}

/* Distribution: vCenter ------------------------------------------------------------------------ */

static GtkCheckButton *
datastore_check (VdiTemplateWizard *wizard,
                 const char        *name)
{
  GtkWidget *row = find_row (vdi_test_get_widget (wizard, "datastore-list"), "datastore-row", name);

  g_assert_nonnull (row);
  return GTK_CHECK_BUTTON (vdi_test_find_widget (row, "datastore-check", GTK_TYPE_CHECK_BUTTON));
}

static gboolean
hosts_ready (gpointer data)
{
  VdiTemplate *template = data;

  return vdi_template_get_hosts_ready (template) == 2;
}

static void
test_datastores (Fixture       *fixture,
                 gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  GtkCheckButton *own = GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "datastore-source-check"));
  GtkCheckButton *additional = GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "datastore-additional-check"));
  GtkWidget *group = vdi_test_get_widget (wizard, "datastore-group");
  g_autoptr(JsonNode) inventory = NULL;
  g_autofree char *ds_b_id = NULL;
  VdiDatastoreInfo *ds_b;
  VdiTemplate *template;
  const char * const *datastores;

  select_provider (wizard, fixture, "vc-1");
  select_vm (wizard, "gold-vc");
  vdi_test_press (wizard, "wizard.next");
  set_text (wizard, "name-row", "Gold");
  set_text (wizard, "format-row", "GV-%ID:2%");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (wizard, "hosts-spin")), 2);
  vdi_test_press (wizard, "wizard.next");
  wait_idle (wizard);

  /* The template's own datastore by default; the list is there, but insensitive. */
  g_assert_true (gtk_check_button_get_active (own));
  g_assert_false (gtk_check_button_get_active (additional));
  g_assert_false (gtk_widget_is_sensitive (group));
  g_assert_null (reason (wizard));

  gtk_check_button_set_active (additional, TRUE);
  vdi_test_flush_events ();
  g_assert_false (gtk_check_button_get_active (own));
  g_assert_true (gtk_widget_is_sensitive (group));
  assert_reason_has (wizard, "datastore");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));

  /* Listed live: name, type, free of capacity; the inaccessible one shown, not selectable. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (datastore_check (wizard, "ds-b"))));
  /* The template's own datastore is always used, not chosen. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (datastore_check (wizard, "ds-a"))));
  g_assert_true (gtk_check_button_get_active (datastore_check (wizard, "ds-a")));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (datastore_check (wizard, "ds-down"))));
  g_assert_cmpstr (adw_action_row_get_subtitle (
                     ADW_ACTION_ROW (find_row (vdi_test_get_widget (wizard, "datastore-list"), "datastore-row",
                                               "ds-b"))), ==,
                   "NFS · 429.5\u00a0GB free of 536.9\u00a0GB");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (
                              ADW_ACTION_ROW (find_row (vdi_test_get_widget (wizard, "datastore-list"),
                                                        "datastore-row", "ds-down"))),
                            "not accessible"));

  gtk_check_button_set_active (datastore_check (wizard, "ds-b"), TRUE);
  vdi_test_flush_events ();
  g_assert_null (reason (wizard));
  ds_b = vdi_datastore_row_get_datastore (VDI_DATASTORE_ROW (find_row (vdi_test_get_widget (wizard, "datastore-list"),
                                                                       "datastore-row", "ds-b")));
  ds_b_id = g_strdup (vdi_datastore_info_get_id (ds_b));
  g_assert_cmpstr (vdi_datastore_info_get_name (ds_b), ==, "ds-b");
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (vdi_test_get_widget (wizard, "summary-list"),
                                                                          NULL, "Distribution"))), ==,
                   "The template’s datastore and ds-b");

  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");

  template = vdi_farm_find_template (fixture->farm, "Gold");
  g_assert_nonnull (template);
  g_assert_cmpint (vdi_template_get_datastore_mode (template), ==, VDI_DATASTORE_MODE_ADDITIONAL);
  datastores = vdi_template_get_datastores (template);
  /* The datastore the admin checked, by the id the vCenter gave it. */
  g_assert_cmpuint (g_strv_length ((char **)datastores), ==, 1);
  g_assert_cmpstr (datastores[0], ==, ds_b_id);

  /* The VM became the template, and the hosts were spread over both datastores. */
  sim_wait_until (hosts_ready, template, WAIT_MS, "the two hosts to be made");
  inventory = sim_control_get (&fixture->sim, "inventory");
  g_assert_true (json_object_get_boolean_member (sim_inventory_vm (inventory, "gold-vc"),
                                                 "template"));
  g_assert_cmpstr (json_object_get_string_member (sim_inventory_vm (inventory, "GV-01"),
                                                  "datastore"), ==, "ds-a");
  g_assert_cmpstr (json_object_get_string_member (sim_inventory_vm (inventory, "GV-02"),
                                                  "datastore"), ==, "ds-b");
}

/* A failure before the template exists stays in the wizard, in words to act on. */
static void
test_create_failure_stays (Fixture       *fixture,
                           gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);

  select_provider (wizard, fixture, "vc-1");
  select_vm (wizard, "gold-vc");
  vdi_test_press (wizard, "wizard.next");
  set_text (wizard, "name-row", "Gold");
  vdi_test_press (wizard, "wizard.next");
  wait_idle (wizard);
  vdi_test_press (wizard, "wizard.next");

  sim_control_post (&fixture->sim, "providers/vc-1/faults",
                    "{\"method\":\"MarkAsTemplate\",\"count\":1,\"fault\":\"InvalidState\","
                    "\"message\":\"The VM has snapshots being consolidated.\"}");
  vdi_test_press (wizard, "wizard.create");
  wait_idle (wizard);
  g_assert_nonnull (vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL));
  assert_reason_has (wizard, "The template was not created");
  assert_reason_has (wizard, "snapshots being consolidated");
  g_assert_null (vdi_farm_find_template (fixture->farm, "Gold"));

  /* Everything chosen is still there: Create again works. */
  g_assert_true (vdi_test_can (wizard, "wizard.create"));
  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");
  g_assert_nonnull (vdi_farm_find_template (fixture->farm, "Gold"));
}

typedef struct
{
  Fixture    *fixture;
  gboolean    template;
} MarkWait;

static gboolean
gold_vc_marked (gpointer data)
{
  MarkWait *wait = data;
  g_autoptr(JsonNode) inventory = sim_control_get (&wait->fixture->sim, "inventory");

  vdi_test_flush_events ();
  return json_object_get_boolean_member (sim_inventory_vm (inventory, "gold-vc"), "template") ==
         wait->template;
}

/* Cancel after the vCenter marked the VM as a template, before the template joined the farm:
 * the VM is a VM again. The simulator holds back its answer to MarkAsTemplate, so the cancel
 * lands after the VM was marked, whatever the machine's load. */
static void
test_cancel_unmarks (Fixture       *fixture,
                     gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  MarkWait marked = { fixture, TRUE };
  MarkWait unmarked = { fixture, FALSE };

  select_provider (wizard, fixture, "vc-1");
  select_vm (wizard, "gold-vc");
  vdi_test_press (wizard, "wizard.next");
  set_text (wizard, "name-row", "Gold");
  vdi_test_press (wizard, "wizard.next");
  wait_idle (wizard);
  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");

  sim_control_post (&fixture->sim, "providers/vc-1/hold", "{\"method\": \"MarkAsTemplate\"}");
  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (gold_vc_marked, &marked, WAIT_MS, "the vCenter to mark gold-vc");
  g_assert_nonnull (vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL));
  gtk_window_close (GTK_WINDOW (wizard));
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Cancel");

  /* The held answer comes now. */
  sim_control_post (&fixture->sim, "providers/vc-1/release", "{}");
  sim_wait_until (gold_vc_marked, &unmarked, WAIT_MS, "gold-vc to be a VM again");
  g_assert_null (vdi_farm_find_template (fixture->farm, "Gold"));
}

/* Keyboard and accessibility ----------------------------------------------------------------- */

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Presses Tab until @target holds the focus, as the admin would. */
static void
tab_to (GtkWindow *window,
        GtkWidget *target)
{
  for (guint i = 0; i < 200; i++)
    {
      if (has_focus_within (target))
        return;
      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
      vdi_test_flush_events ();
    }
  g_error ("Tab never reaches the %s “%s”", G_OBJECT_TYPE_NAME (target),
           gtk_widget_get_name (target));
}

/* Tab to @target, then Enter (or Space) on it. */
static void
key_activate (GtkWindow *window,
              GtkWidget *target)
{
  tab_to (window, target);
  g_assert_true (gtk_widget_activate (gtk_root_get_focus (GTK_ROOT (window))));
}

typedef struct
{
  VdiTemplateWizard *wizard;
  const char        *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  vdi_test_flush_events ();
  return g_str_equal (vdi_template_wizard_get_page (wait->wizard), wait->page);
}

static void
key_next (VdiTemplateWizard *wizard,
          const char        *page)
{
  PageWait wait = { wizard, page };

  key_activate (GTK_WINDOW (wizard),
                vdi_test_find_action_button (GTK_WIDGET (wizard), "wizard.next"));
  /* A button pressed from the keyboard clicks after its press animation. */
  sim_wait_until (on_page, &wait, WAIT_MS, page);
}

/* What Ctrl+Shift+N in the main window does: its shortcut, found and activated. */
static void
press_new_template_shortcut (Fixture *fixture)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) == GDK_KEY_n &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) ==
                (GDK_CONTROL_MASK | GDK_SHIFT_MASK))
            {
              g_assert_true (GTK_IS_NAMED_ACTION (action));
              g_assert_cmpstr (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), ==,
                               "win.new-template");
              g_assert_true (gtk_shortcut_action_activate (action, 0, GTK_WIDGET (fixture->window),
                                                           NULL));
              return;
            }
        }
    }
  g_error ("the main window has no Ctrl+Shift+N");
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  VdiTemplateWizard *wizard;
  GtkWindow *window;
  GtkListView *available;
  VdiTargetPicker *picker;
  VdiTemplate *template;

  press_new_template_shortcut (fixture);
  wizard = VDI_TEMPLATE_WIZARD (vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL));
  g_assert_nonnull (wizard);
  wait_idle (wizard);
  window = GTK_WINDOW (wizard);
  picker = VDI_TARGET_PICKER (vdi_test_get_widget (wizard, "picker"));

  /* Source: the VM's row, Enter chooses it. */
  key_activate (window, find_row (vdi_test_get_widget (wizard, "vm-list"), "vm-row", GOLD));
  vdi_test_flush_events ();
  g_assert_null (reason (wizard));
  key_next (wizard, "properties");

  /* Properties: type into the name. */
  tab_to (window, vdi_test_get_widget (wizard, "name-row"));
  gtk_editable_set_text (GTK_EDITABLE (gtk_root_get_focus (GTK_ROOT (window))), "Keys");
  vdi_test_flush_events ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (wizard, "name-row"))), ==, "Keys");
  key_next (wizard, "distribution");

  /* Distribution: Space on the box, Enter on a provider moves it to the targets. */
  key_activate (window, vdi_test_get_widget (wizard, "multi-check"));
  vdi_test_flush_events ();
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "multi-check"))));
  available = vdi_target_picker_get_available_view (picker);
  key_activate (window, GTK_WIDGET (available));
  vdi_test_flush_events ();
  g_assert_cmpuint (vdi_target_picker_get_n_targets (picker), ==, 1);
  key_next (wizard, "summary");

  /* Summary: Create. */
  key_activate (window, vdi_test_find_action_button (GTK_WIDGET (wizard), "wizard.create"));
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");
  template = vdi_farm_find_template (fixture->farm, "Keys");
  g_assert_nonnull (template);
  wait_for_cell (fixture, "Distributing");
  wait_for_cell (fixture, "OK");
}

static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  g_autofree char *hyperv = NULL;
  g_autofree char *vcenter = NULL;

  /* Every page, and both kinds of Distribution page, with their lists filled. */
  to_hyperv_distribution (wizard, "Named");
  vdi_test_press (wizard, "wizard.next");
  hyperv = vdi_test_dup_unnamed_controls (GTK_WIDGET (wizard));
  vdi_test_press (wizard, "wizard.back");
  vdi_test_press (wizard, "wizard.back");
  vdi_test_press (wizard, "wizard.back");
  select_provider (wizard, fixture, "vc-1");
  select_vm (wizard, "gold-vc");
  vdi_test_press (wizard, "wizard.next");
  vdi_test_press (wizard, "wizard.next");
  wait_idle (wizard);
  vcenter = vdi_test_dup_unnamed_controls (GTK_WIDGET (wizard));

  g_assert_cmpstr (hyperv, ==, "");
  g_assert_cmpstr (vcenter, ==, "");
}

static gboolean
relayed_idle (gpointer data)
{
  Fixture *fixture = data;
  VdiTemplate *template = vdi_farm_find_template (fixture->farm, "Relayed");

  return template != NULL &&
         !vdi_distributor_is_busy (vdi_application_get_distributor (fixture->app), template);
}

static gboolean
switch_off (gpointer data)
{
  return !gtk_switch_get_active (data);
}

/* The relay switch under the concurrency: on for a new template, named for assistive
 * technologies, reached and toggled from the keyboard, said in the summary, and stored. */
static void
test_relay_setting (Fixture       *fixture,
                    gconstpointer  data)
{
  VdiTemplateWizard *wizard = open_wizard (fixture);
  VdiTargetPicker *picker = to_hyperv_distribution (wizard, "Relayed");
  GtkWidget *relay = vdi_test_get_widget (wizard, "relay-switch");
  GtkWidget *row = vdi_test_get_widget (wizard, "relay-row");
  GtkWidget *summary;
  VdiTemplate *template;
  g_autofree char *unnamed = NULL;

  g_assert_true (gtk_switch_get_active (GTK_SWITCH (relay)));
  g_assert_false (gtk_widget_is_sensitive (row));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (vdi_test_get_widget (wizard, "multi-check")), TRUE);
  vdi_test_press (picker, "picker.add-all");
  g_assert_true (gtk_widget_is_sensitive (row));
  unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (wizard));
  g_assert_cmpstr (unnamed, ==, "");
  g_assert_true (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) == relay);

  /* Tab to the switch, Space/Enter turns it off (once its animation ends). */
  key_activate (GTK_WINDOW (wizard), relay);
  vdi_test_wait_for (switch_off, relay);

  vdi_test_press (wizard, "wizard.next");
  g_assert_cmpstr (vdi_template_wizard_get_page (wizard), ==, "summary");
  summary = find_row (vdi_test_get_widget (wizard, "summary-list"), NULL, "Distribution");
  g_assert_nonnull (summary);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (summary)),
                            "every copy from the source"));

  vdi_test_press (wizard, "wizard.create");
  sim_wait_until (wizard_gone, NULL, WAIT_MS, "the wizard to close on Create");
  template = vdi_farm_find_template (fixture->farm, "Relayed");
  g_assert_nonnull (template);
  g_assert_false (vdi_template_get_relay (template));
  sim_wait_until (relayed_idle, fixture, WAIT_MS, "the distribution to end");
}

/* From the Templates tab's empty state, with no provider yet: the wizard says what to do. */
static void
test_no_provider (Fixture       *fixture,
                  gconstpointer  data)
{
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  GListModel *providers = vdi_farm_get_providers (fixture->farm);
  g_autoptr(GPtrArray) buttons = NULL;
  GtkWidget *empty_state = NULL;
  VdiTemplateWizard *wizard;

  while (g_list_model_get_n_items (providers) > 0)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, 0);

      g_assert_true (vdi_farm_remove_provider (fixture->farm, provider, NULL));
    }
  vdi_window_show_page (fixture->window, "templates");
  vdi_test_wait_frames (GTK_WIDGET (fixture->window), 2);

  /* The empty state offers it, as does the tab's toolbar. */
  buttons = vdi_test_find_widgets (GTK_WIDGET (page), NULL, GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)),
                   "win.new-template") == 0 &&
        gtk_widget_get_ancestor (g_ptr_array_index (buttons, i), ADW_TYPE_STATUS_PAGE) != NULL)
      empty_state = g_ptr_array_index (buttons, i);
  g_assert_nonnull (empty_state);
  g_assert_true (gtk_widget_get_mapped (empty_state));
  g_signal_emit_by_name (empty_state, "clicked");
  vdi_test_flush_events ();

  wizard = VDI_TEMPLATE_WIZARD (vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_WIZARD, NULL));
  g_assert_nonnull (wizard);
  assert_reason_has (wizard, "Add a provider first");
  g_assert_false (vdi_test_can (wizard, "wizard.next"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/template-wizard/pages", Fixture, NULL, setup, test_pages, teardown);
  g_test_add ("/ui/template-wizard/vm-choice", Fixture, NULL, setup, test_vm_choice, teardown);
  g_test_add ("/ui/template-wizard/vm-list-error", Fixture, NULL,
              setup, test_vm_list_error, teardown);
  g_test_add ("/ui/template-wizard/targets", Fixture, NULL, setup, test_targets, teardown);
  g_test_add ("/ui/template-wizard/live-migration-disabled", Fixture, NULL, setup,
              test_live_migration_disabled, teardown);
  g_test_add ("/ui/template-wizard/create-distributes", Fixture, NULL,
              setup, test_create_distributes, teardown);
  g_test_add ("/ui/template-wizard/source-list-during-distribution", Fixture, NULL,
              setup, test_source_list_during_distribution, teardown);
  g_test_add ("/ui/template-wizard/datastores", Fixture, NULL,
              setup, test_datastores, teardown);
  g_test_add ("/ui/template-wizard/cancel-unmarks", Fixture, NULL,
              setup, test_cancel_unmarks, teardown);
  g_test_add ("/ui/template-wizard/create-failure-stays", Fixture, NULL,
              setup, test_create_failure_stays, teardown);
  g_test_add ("/ui/template-wizard/keyboard", Fixture, NULL, setup, test_keyboard, teardown);
  g_test_add ("/ui/template-wizard/relay-setting", Fixture, NULL, setup, test_relay_setting,
              teardown);
  g_test_add ("/ui/template-wizard/no-provider", Fixture, NULL,
              setup, test_no_provider, teardown);
  g_test_add ("/ui/template-wizard/accessible-names", Fixture, NULL,
              setup, test_accessible_names, teardown);

  return g_test_run ();
}
