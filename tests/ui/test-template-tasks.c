/* test-template-tasks.c: the Templates tab's Tasks (maintenance, recreate hosts, delete) and the
 * trust and password prompts, driven through the page's actions against a simulated vCenter and
 * judged by the simulator's inventory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-distribution-dialog.h"
#include "vdi-host-manager.h"
#include "vdi-http-client.h"
#include "vdi-provider-prompts.h"
#include "vdi-test-ui.h"
#include "vdi-test-ui-sim.h"
#include "vdi-test-async.h"

#define VC "vc-test"
#define PASSWORD "VMware1!"
#define GOLD "tpl-win11"
#define HV_GOLD "Win10 Gold"
#define WAIT_MS 60000

static const char scenario[] =
  "{ \"time_scale\": 200, \"vcenters\": [ {"
  "  \"name\": \"" VC "\", \"version\": \"8.0\","
  "  \"user\": \"administrator@vsphere.local\", \"password\": \"" PASSWORD "\","
  "  \"datacenter\": \"DC-Test\", \"hosts\": [ \"esx-01\" ],"
  "  \"datastores\": ["
  "    { \"name\": \"ds-main\", \"capacity_gb\": 2048, \"free_gb\": 1500, \"mbps\": 8000 },"
  "    { \"name\": \"ds-nfs\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800, \"mbps\": 8000 }"
  "  ],"
  "  \"vms\": ["
  "    { \"name\": \"" GOLD "\", \"disk_gb\": 40, \"template\": true, \"datastore\": \"ds-main\", \"host\": \"esx-01\" }"
  "  ] } ],"
  "  \"hyperv_hosts\": ["
  "  { \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"export_mbps\": 10000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "    \"vms\": [ { \"name\": \"" HV_GOLD "\", \"disk_gb\": 2, \"state\": \"off\" } ] },"
  "  { \"name\": \"hv-t1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] } ] }";

typedef struct
{
  SimFixture      sim;
  VdiApplication *app;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiProvider    *provider;
  VdiTemplate    *template;
  VdiWindow      *window;
  SoupServer     *proxy;         /* a TLS front of the simulator, for the trust tests */
  SoupSession    *proxy_session;
  char           *dir;
} Fixture;

/* The simulator's VMs on one of its providers. */
static JsonArray *
vms_on (JsonNode   *inventory,
        const char *provider_name)
{
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);

      if (g_str_equal (json_object_get_string_member (provider, "name"), provider_name))
        return json_object_get_array_member (provider, "vms");
    }
  g_assert_not_reached ();
}

static JsonArray *
inventory_vms (JsonNode *inventory)
{
  return vms_on (inventory, VC);
}

static JsonObject *
find_vm (JsonNode   *inventory,
         const char *name)
{
  JsonArray *vms = inventory_vms (inventory);

  for (guint i = 0; i < json_array_get_length (vms); i++)
    {
      JsonObject *vm = json_array_get_object_element (vms, i);

      if (g_str_equal (json_object_get_string_member (vm, "name"), name))
        return vm;
    }
  return NULL;
}

static gboolean
gold_is_template (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

  return json_object_get_boolean_member (find_vm (inventory, GOLD), "template");
}

static char *
datastore_id (Fixture    *fixture,
              const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  JsonArray *datastores = NULL;

  for (guint i = 0; i < json_array_get_length (providers); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (providers, i),
                                                    "name"), VC))
      datastores = json_object_get_array_member (json_array_get_object_element (providers, i),
                                                 "datastores");

  for (guint i = 0; i < json_array_get_length (datastores); i++)
    {
      JsonObject *ds = json_array_get_object_element (datastores, i);

      if (g_str_equal (json_object_get_string_member (ds, "name"), name))
        return g_strdup (json_object_get_string_member (ds, "moid"));
    }
  g_assert_not_reached ();
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

/* Two hosts made by the engine directly, one on each datastore, as the wizard would. */
static void
make_hosts (Fixture *fixture)
{
  g_autoptr(VdiHostManager) manager = vdi_host_manager_new (fixture->farm, fixture->credentials);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vdi_host_manager_create_hosts_async (manager, fixture->template, 2, NULL, vdi_test_store_result,
                                       &result);
  sim_wait_until (has_result, &result, WAIT_MS, "the hosts");
  g_assert_true (vdi_host_manager_finish (manager, result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_template_get_hosts (fixture->template)), ==, 2);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autofree char *nfs = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonNode) inventory = NULL;
  g_autoptr(GError) error = NULL;
  const char *datastores[2] = { NULL, NULL };

  vdi_test_ui_sim_set_up (&fixture->sim, scenario, "tasks", &fixture->dir, &fixture->farm,
                          &fixture->credentials);
  url = sim_provider_url (&fixture->sim, VC);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  fixture->provider = vdi_provider_new ("id-vc", VC, VDI_PROVIDER_SUBTYPE_VCENTER_8, "127.0.0.1",
                                        g_uri_get_port (uri));
  vdi_provider_set_username (fixture->provider, "administrator@vsphere.local");
  vdi_provider_set_allow_http (fixture->provider, TRUE);
  g_assert_true (vdi_farm_add_provider (fixture->farm, fixture->provider, NULL));
  g_assert_true (vdi_credentials_store_sync (fixture->credentials, "id-vc", VC, PASSWORD, NULL,
                                             NULL));

  inventory = sim_control_get (&fixture->sim, "inventory");
  fixture->template = vdi_template_new (NULL, "Win11 Pool", fixture->provider, GOLD);
  vdi_template_set_source_vm_id (fixture->template,
                                 json_object_get_string_member (find_vm (inventory, GOLD), "id"));
  vdi_template_set_max_hosts (fixture->template, 10);
  nfs = datastore_id (fixture, "ds-nfs");
  datastores[0] = nfs;
  vdi_template_set_datastore_mode (fixture->template, VDI_DATASTORE_MODE_ADDITIONAL);
  vdi_template_set_datastores (fixture->template, datastores);
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (fixture->farm, TRUE);

  fixture->window = vdi_test_ui_sim_show (fixture->farm, fixture->credentials, &fixture->app);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  vdi_test_ui_sim_close (&fixture->app, fixture->farm);
  if (fixture->proxy_session != NULL)
    soup_session_abort (fixture->proxy_session);
  vdi_test_flush_events ();
  if (fixture->proxy != NULL)
    soup_server_disconnect (fixture->proxy);
  g_clear_object (&fixture->proxy);
  g_clear_object (&fixture->proxy_session);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->provider);
  vdi_test_ui_sim_tear_down (&fixture->sim, &fixture->dir, &fixture->farm, &fixture->credentials);
}

/* Page and dialogs ------------------------------------------------------------------------------ */

static VdiTemplatesPage *
select_template (Fixture *fixture)
{
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  GtkSelectionModel *selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));

  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (vdi_templates_page_get_selected (page) == fixture->template);
  return page;
}

/* Whether the page's action is enabled, as a menu item sees it. */
static gboolean
action_enabled (VdiTemplatesPage *page,
                const char       *name)
{
  return vdi_test_action_enabled (page, name);
}

static void
activate (VdiTemplatesPage *page,
          const char       *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), name, NULL));
}

typedef struct
{
  const char *name;
  GtkWindow  *found;
} DialogWait;

static gboolean
dialog_shown (gpointer data)
{
  DialogWait *wait = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (window)) &&
          g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (window)), wait->name) == 0)
        {
          wait->found = window;
          return TRUE;
        }
    }
  return FALSE;
}

static AdwMessageDialog *
wait_for_dialog (const char *name)
{
  DialogWait wait = { name, NULL };

  sim_wait_until (dialog_shown, &wait, WAIT_MS, name);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (wait.found));
  return ADW_MESSAGE_DIALOG (wait.found);
}

/* What a click on one of the dialog's buttons does. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  vdi_test_flush_events ();
}

typedef struct
{
  VdiTemplate       *template;
  VdiTemplateStatus  status;
} StatusWait;

static gboolean
has_status (gpointer data)
{
  StatusWait *wait = data;

  return vdi_template_get_status (wait->template) == wait->status;
}

static void
wait_for_status (Fixture           *fixture,
                 VdiTemplateStatus  status)
{
  StatusWait wait = { fixture->template, status };

  sim_wait_until (has_status, &wait, WAIT_MS, "the template's status");
}

static gboolean
window_says (Fixture    *fixture,
             const char *text)
{
  g_autoptr(GPtrArray) labels = NULL;

  labels = vdi_test_find_widgets (GTK_WIDGET (fixture->window), NULL, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  Fixture    *fixture;
  const char *text;
} ToastWait;

static gboolean
toast_shown (gpointer data)
{
  ToastWait *wait = data;

  return window_says (wait->fixture, wait->text);
}

static void
wait_for_toast (Fixture    *fixture,
                const char *text)
{
  ToastWait wait = { fixture, text };

  sim_wait_until (toast_shown, &wait, WAIT_MS, text);
}

static GStrv
host_vm_ids (Fixture *fixture)
{
  GListModel *hosts = vdi_template_get_hosts (fixture->template);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      g_strv_builder_add (builder, vdi_host_get_vm_id (host));
    }
  return g_strv_builder_end (builder);
}

/* Tests ---------------------------------------------------------------------------------------- */

static void
test_maintenance (Fixture       *fixture,
                  gconstpointer  data)
{
  VdiTemplatesPage *page;
  AdwMessageDialog *question;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autoptr(JsonNode) inventory = NULL;

  make_hosts (fixture);
  before = host_vm_ids (fixture);
  page = select_template (fixture);

  g_assert_true (action_enabled (page, "templates.enter-maintenance"));
  g_assert_false (action_enabled (page, "templates.leave-maintenance"));
  g_assert_true (action_enabled (page, "templates.recreate-hosts"));

  /* While the provider works, nothing else may start on the template: the answer that ends
   * the work is held back until that is checked (each check runs the main loop). */
  sim_control_post (&fixture->sim, "providers/" VC "/hold",
                    "{\"method\": \"MarkAsVirtualMachine\"}");
  activate (page, "templates.enter-maintenance");
  g_assert_false (action_enabled (page, "templates.enter-maintenance"));
  g_assert_false (action_enabled (page, "templates.delete"));
  g_assert_cmpint (vdi_template_get_status (fixture->template), !=,
                   VDI_TEMPLATE_STATUS_MAINTENANCE);
  sim_control_post (&fixture->sim, "providers/" VC "/release", "{}");
  wait_for_status (fixture, VDI_TEMPLATE_STATUS_MAINTENANCE);
  wait_for_toast (fixture, "is in maintenance");
  g_assert_false (gold_is_template (fixture));
  g_assert_false (action_enabled (page, "templates.enter-maintenance"));
  g_assert_true (action_enabled (page, "templates.leave-maintenance"));
  g_assert_false (action_enabled (page, "templates.recreate-hosts"));

  activate (page, "templates.leave-maintenance");
  question = wait_for_dialog ("recreate-question-dialog");
  g_assert_cmpstr (adw_message_dialog_get_body (question), ==,
                   "All hosts must be recreated because the template has been modified. Do you "
                   "want to recreate them now?");
  g_assert_true (gold_is_template (fixture));
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==, VDI_TEMPLATE_STATUS_OK);

  respond (question, "yes");
  wait_for_toast (fixture, "Every host of “Win11 Pool” was recreated");

  /* Two hosts still, each a new clone in the simulator; the old ones are gone. */
  after = host_vm_ids (fixture);
  g_assert_cmpuint (g_strv_length (after), ==, 2);
  inventory = sim_control_get (&fixture->sim, "inventory");
  for (guint i = 0; i < 2; i++)
    {
      g_assert_false (g_strv_contains ((const char * const *)after, before[i]));
      for (guint k = 0; k < json_array_get_length (inventory_vms (inventory)); k++)
        g_assert_cmpstr (json_object_get_string_member (
                           json_array_get_object_element (inventory_vms (inventory), k), "id"),
                         !=, before[i]);
    }
  g_assert_true (action_enabled (page, "templates.enter-maintenance"));
}

/* Through maintenance and back, up to RAS's question. */
static AdwMessageDialog *
enter_then_leave (Fixture          *fixture,
                  VdiTemplatesPage *page)
{
  activate (page, "templates.enter-maintenance");
  wait_for_status (fixture, VDI_TEMPLATE_STATUS_MAINTENANCE);
  activate (page, "templates.leave-maintenance");
  return wait_for_dialog ("recreate-question-dialog");
}

/* No keeps the hosts as they are. */
static void
test_leave_without_recreating (Fixture       *fixture,
                               gconstpointer  data)
{
  VdiTemplatesPage *page;
  AdwMessageDialog *question;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  make_hosts (fixture);
  before = host_vm_ids (fixture);
  page = select_template (fixture);

  question = enter_then_leave (fixture, page);
  respond (question, "no");
  after = host_vm_ids (fixture);
  g_assert_true (g_strv_equal ((const char * const *)before, (const char * const *)after));
  g_assert_true (action_enabled (page, "templates.recreate-hosts"));
}

/* A datastore that cannot take hosts any more is named in a message, not lost in a toast. */
static void
test_recreate_notices (Fixture       *fixture,
                       gconstpointer  data)
{
  VdiTemplatesPage *page;
  AdwMessageDialog *notices;

  make_hosts (fixture);
  page = select_template (fixture);
  sim_control_post (&fixture->sim, "providers/" VC "/datastores/ds-nfs", "{\"accessible\": false}");

  activate (page, "templates.recreate-hosts");
  notices = wait_for_dialog ("host-notices-dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (notices), "“ds-nfs” is not accessible"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (notices), "Check the status"));
  respond (notices, "close");
}

/* The provider does not answer when Yes is pressed: a message names it, and the hosts stay
 * listed for a later Recreate Hosts. */
static void
test_recreate_provider_offline (Fixture       *fixture,
                                gconstpointer  data)
{
  VdiTemplatesPage *page;
  AdwMessageDialog *question, *notices;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  make_hosts (fixture);
  before = host_vm_ids (fixture);
  page = select_template (fixture);

  question = enter_then_leave (fixture, page);
  sim_control_post (&fixture->sim, "providers/" VC "/offline", "{\"mode\": \"refuse\"}");
  respond (question, "yes");

  notices = wait_for_dialog ("host-notices-dialog");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (notices),
                                   "• " VC " does not respond: "));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (notices),
                            "Check the status of these providers"));
  respond (notices, "close");
  after = host_vm_ids (fixture);
  g_assert_true (g_strv_equal ((const char * const *)before, (const char * const *)after));

  /* Back online, Recreate Hosts does it. */
  sim_control_post (&fixture->sim, "providers/" VC "/online", "{}");
  g_assert_true (action_enabled (page, "templates.recreate-hosts"));
  activate (page, "templates.recreate-hosts");
  wait_for_toast (fixture, "Every host of “Win11 Pool” was recreated");
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  VdiTemplatesPage *page;
  AdwMessageDialog *confirm;
  g_auto(GStrv) hosts = NULL;
  g_autoptr(JsonNode) inventory = NULL;
  GListModel *templates = vdi_farm_get_templates (fixture->farm);

  make_hosts (fixture);
  hosts = host_vm_ids (fixture);
  page = select_template (fixture);

  /* Cancel keeps everything. */
  activate (page, "templates.delete");
  confirm = wait_for_dialog ("delete-template-dialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, "Delete “Win11 Pool”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm),
                            "Its 2 hosts will be deleted from " VC));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm),
                            "The source VM “" GOLD "” stays on " VC));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (confirm, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  respond (confirm, "cancel");
  g_assert_cmpuint (g_list_model_get_n_items (templates), ==, 1);
  g_assert_true (action_enabled (page, "templates.delete"));

  activate (page, "templates.delete");
  confirm = wait_for_dialog ("delete-template-dialog");
  respond (confirm, "delete");
  wait_for_toast (fixture, "Template “Win11 Pool” deleted");
  g_assert_cmpuint (g_list_model_get_n_items (templates), ==, 0);

  /* The hosts are gone from the vCenter; the source VM is not. */
  inventory = sim_control_get (&fixture->sim, "inventory");
  for (guint k = 0; k < json_array_get_length (inventory_vms (inventory)); k++)
    {
      const char *id = json_object_get_string_member (
        json_array_get_object_element (inventory_vms (inventory), k), "id");

      g_assert_false (g_strv_contains ((const char * const *)hosts, id));
    }
  g_assert_nonnull (find_vm (inventory, GOLD));
  g_assert_cmpuint (json_array_get_length (inventory_vms (inventory)), ==, 1);
}

static guint
n_named (JsonNode   *inventory,
         const char *provider_name,
         const char *vm_name)
{
  JsonArray *vms = vms_on (inventory, provider_name);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (vms); i++)
    n += g_str_equal (json_object_get_string_member (json_array_get_object_element (vms, i),
                                                     "name"), vm_name);
  return n;
}

static VdiProvider *
add_hyperv (Fixture    *fixture,
            const char *name)
{
  return vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials, name,
                                    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, PASSWORD);
}

static gboolean
distributor_idle (gpointer data)
{
  gpointer *args = data;

  return !vdi_distributor_is_busy (args[0], args[1]);
}

/* A multi-provider template: its copy on the other provider goes, its source VM stays. */
static void
test_delete_copies (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(VdiProvider) source = add_hyperv (fixture, "hv-src");
  g_autoptr(VdiProvider) target = add_hyperv (fixture, "hv-t1");
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win10 Pool", source, HV_GOLD);
  VdiDistributor *distributor = vdi_application_get_distributor (fixture->app);
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  GtkSelectionModel *selection;
  g_autoptr(JsonNode) inventory = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *confirm;
  gpointer args[2] = { distributor, template };

  inventory = sim_control_get (&fixture->sim, "inventory");
  {
    JsonArray *vms = vms_on (inventory, "hv-src");

    vdi_template_set_source_vm_id (template, json_object_get_string_member (
                                     json_array_get_object_element (vms, 0), "id"));
  }
  g_clear_pointer (&inventory, json_node_unref);
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  g_assert_nonnull (vdi_template_add_target (template, target, &error));
  g_assert_true (vdi_farm_add_template (fixture->farm, template, &error));
  g_assert_no_error (error);

  vdi_distributor_distribute_async (distributor, template, NULL, NULL, NULL);
  sim_wait_until (distributor_idle, args, WAIT_MS, "the copy");
  inventory = sim_control_get (&fixture->sim, "inventory");
  g_assert_cmpuint (n_named (inventory, "hv-t1", HV_GOLD), ==, 1);
  g_clear_pointer (&inventory, json_node_unref);

  /* Sorted by name, "Win10 Pool" comes first. */
  selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (vdi_templates_page_get_selected (page) == template);
  activate (page, "templates.delete");
  confirm = wait_for_dialog ("delete-template-dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm),
                            "Its copy on 1 other provider will be deleted."));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm),
                            "The source VM “" HV_GOLD "” stays on hv-src."));
  respond (confirm, "delete");
  wait_for_toast (fixture, "Template “Win10 Pool” deleted");

  g_assert_null (vdi_farm_find_template (fixture->farm, "Win10 Pool"));
  g_assert_nonnull (vdi_farm_find_template (fixture->farm, "Win11 Pool"));
  inventory = sim_control_get (&fixture->sim, "inventory");
  g_assert_cmpuint (n_named (inventory, "hv-t1", HV_GOLD), ==, 0);
  g_assert_cmpuint (json_array_get_length (vms_on (inventory, "hv-t1")), ==, 0);
  g_assert_cmpuint (n_named (inventory, "hv-src", HV_GOLD), ==, 1);
}

/* The host of @template on @provider, or NULL. */
static VdiHost *
host_on (VdiTemplate *template,
         VdiProvider *provider)
{
  GListModel *hosts = vdi_template_get_hosts (template);

  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      if (vdi_host_get_provider (host) == provider)
        return host;
    }
  return NULL;
}

/* A multi-provider Hyper-V template, hosts on both providers, one provider down when the admin
 * leaves maintenance and says Yes: the hosts wait for the copies, the providers are probed, the
 * one down is named in a message, and only the hosts on the one that answers are made again. */
static void
test_recreate_multi_provider_offline (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(VdiProvider) source = add_hyperv (fixture, "hv-src");
  g_autoptr(VdiProvider) target = add_hyperv (fixture, "hv-t1");
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win10 Pool", source, HV_GOLD);
  g_autoptr(VdiHostManager) manager = vdi_host_manager_new (fixture->farm, fixture->credentials);
  VdiDistributor *distributor = vdi_application_get_distributor (fixture->app);
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) inventory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_vm = NULL;
  g_autofree char *target_vm = NULL;
  GtkSelectionModel *selection;
  AdwMessageDialog *question, *notices;
  gpointer args[2] = { distributor, template };
  StatusWait maintenance = { template, VDI_TEMPLATE_STATUS_MAINTENANCE };
  const char *body;

  inventory = sim_control_get (&fixture->sim, "inventory");
  vdi_template_set_source_vm_id (template, json_object_get_string_member (
                                   json_array_get_object_element (vms_on (inventory, "hv-src"), 0),
                                   "id"));
  vdi_template_set_host_name_format (template, "W10-%ID:2%");
  vdi_template_set_max_hosts (template, 10);
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  g_assert_nonnull (vdi_template_add_target (template, target, &error));
  g_assert_true (vdi_farm_add_template (fixture->farm, template, &error));
  g_assert_no_error (error);

  vdi_distributor_distribute_async (distributor, template, NULL, NULL, NULL);
  sim_wait_until (distributor_idle, args, WAIT_MS, "the copy");
  vdi_host_manager_create_hosts_async (manager, template, 2, NULL, vdi_test_store_result,
                                       &result);
  sim_wait_until (has_result, &result, WAIT_MS, "the hosts");
  g_assert_true (vdi_host_manager_finish (manager, result, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (host_on (template, source));
  g_assert_nonnull (host_on (template, target));
  source_vm = g_strdup (vdi_host_get_vm_id (host_on (template, source)));
  target_vm = g_strdup (vdi_host_get_vm_id (host_on (template, target)));

  /* Sorted by name, "Win10 Pool" comes first. */
  selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (vdi_templates_page_get_selected (page) == template);

  activate (page, "templates.enter-maintenance");
  sim_wait_until (has_status, &maintenance, WAIT_MS, "maintenance");
  sim_control_post (&fixture->sim, "providers/hv-t1/offline", "{\"mode\": \"refuse\"}");
  activate (page, "templates.leave-maintenance");
  question = wait_for_dialog ("recreate-question-dialog");
  respond (question, "yes");

  notices = wait_for_dialog ("host-notices-dialog");
  body = adw_message_dialog_get_body (notices);
  g_test_message ("notices: %s", body);
  g_assert_nonnull (strstr (body, "hv-t1 does not respond: "));
  g_assert_null (strstr (body, "hv-src does not respond"));
  g_assert_nonnull (strstr (body, "Check the status of these providers"));
  respond (notices, "close");
  /* The copies were done with before the hosts were touched. */
  g_assert_false (vdi_distributor_is_busy (distributor, template));

  /* Made again on the provider that answered; kept, and marked, on the one that did not. */
  g_assert_cmpstr (vdi_host_get_vm_id (host_on (template, source)), !=, source_vm);
  g_assert_cmpint (vdi_host_get_state (host_on (template, source)), ==, VDI_HOST_STATE_READY);
  g_assert_cmpstr (vdi_host_get_vm_id (host_on (template, target)), ==, target_vm);
  g_assert_true (vdi_host_get_needs_recreate (host_on (template, target)));
  g_clear_pointer (&inventory, json_node_unref);
  inventory = sim_control_get (&fixture->sim, "inventory");
  g_assert_cmpuint (n_named (inventory, "hv-src", vdi_host_get_name (host_on (template, source))),
                    ==, 1);
}

typedef struct
{
  VdiCredentials *credentials;
  char           *password;
  gboolean        done;
} Lookup;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, NULL);
  lookup->done = TRUE;
}

static gboolean
lookup_done (gpointer data)
{
  return ((Lookup *)data)->done;
}

static char *
stored_password (Fixture *fixture)
{
  Lookup lookup = { fixture->credentials, NULL, FALSE };

  vdi_credentials_lookup_async (fixture->credentials, "id-vc", NULL, lookup_cb, &lookup);
  sim_wait_until (lookup_done, &lookup, WAIT_MS, "the stored password");
  return lookup.password;
}

static void
type_password (AdwMessageDialog *dialog,
               const char       *password)
{
  GtkWidget *row = vdi_test_find_widget (GTK_WIDGET (dialog), NULL, ADW_TYPE_PASSWORD_ENTRY_ROW);

  g_assert_nonnull (row);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "sign-in"));
  gtk_editable_set_text (GTK_EDITABLE (row), password);
}

/* A refused password is asked for again, and stored only once the provider takes it. */
static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  VdiTemplatesPage *page = select_template (fixture);
  AdwMessageDialog *dialog;
  g_autofree char *stored = NULL;

  g_assert_true (vdi_credentials_store_sync (fixture->credentials, "id-vc", VC, "stale", NULL,
                                             NULL));

  activate (page, "templates.enter-maintenance");
  dialog = wait_for_dialog ("password-dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "refused the password of"));
  type_password (dialog, "wrong");
  respond (dialog, "sign-in");

  dialog = wait_for_dialog ("password-dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "refused this password too"));
  stored = stored_password (fixture);
  g_assert_cmpstr (stored, ==, "stale");
  type_password (dialog, PASSWORD);
  respond (dialog, "sign-in");

  wait_for_status (fixture, VDI_TEMPLATE_STATUS_MAINTENANCE);
  g_clear_pointer (&stored, g_free);
  stored = stored_password (fixture);
  g_assert_cmpstr (stored, ==, PASSWORD);
}

/* Distribution details ---------------------------------------------------------------------- */

static gboolean
target_ready (gpointer data)
{
  vdi_test_flush_events ();
  return vdi_target_get_state (data) == VDI_TARGET_STATE_READY;
}

/* A copy whose target refuses the stored password fails on its row; Retry (and Retry All)
 * then ask for the password the way the Tasks menu does, store it once taken, and retry. */
static void
test_details_retry_asks (Fixture       *fixture,
                         gconstpointer  data)
{
  gboolean all = GPOINTER_TO_INT (data);
  g_autoptr(VdiProvider) source = add_hyperv (fixture, "hv-src");
  g_autoptr(VdiProvider) provider = add_hyperv (fixture, "hv-t1");
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win10 Pool", source, HV_GOLD);
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  VdiTarget *target;
  GtkWindow *details;
  GtkWidget *button;
  AdwMessageDialog *dialog;
  Lookup lookup = { fixture->credentials, NULL, FALSE };

  vdi_template_set_source_vm_id (template, json_object_get_string_member (
                                   json_array_get_object_element (vms_on (inventory, "hv-src"), 0),
                                   "id"));
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  target = vdi_template_add_target (template, provider, &error);
  g_assert_nonnull (target);
  g_assert_true (vdi_farm_add_template (fixture->farm, template, &error));
  g_assert_no_error (error);

  /* The admin changed the password on hv-t1; the console still has the old one. */
  sim_control_post (&fixture->sim, "providers/hv-t1/settings", "{\"password\": \"n3w\"}");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.distribution-details", "s",
                                             vdi_template_get_id (template)));
  details = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (details);
  vdi_test_wait_frames (GTK_WIDGET (details), 2);
  if (all)
    button = vdi_test_find_action_button (GTK_WIDGET (details), "dialog.retry-all");
  else
    {
      /* The source's row has none to show; the copy's row has. */
      g_autoptr(GPtrArray) buttons = vdi_test_find_widgets (GTK_WIDGET (details), "retry-button",
                                                            GTK_TYPE_BUTTON);

      button = NULL;
      for (guint i = 0; i < buttons->len; i++)
        if (gtk_widget_get_visible (g_ptr_array_index (buttons, i)))
          {
            g_assert_null (button);
            button = g_ptr_array_index (buttons, i);
          }
    }
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");

  dialog = wait_for_dialog ("password-dialog");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == details);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "hv-t1"));
  g_assert_cmpint (vdi_target_get_state (target), !=, VDI_TARGET_STATE_READY);
  g_assert_nonnull (vdi_target_get_last_error (target));
  type_password (dialog, "n3w");
  respond (dialog, "sign-in");

  sim_wait_until (target_ready, target, WAIT_MS, "the retried copy");
  g_assert_null (vdi_target_get_last_error (target));
  vdi_credentials_lookup_async (fixture->credentials, vdi_provider_get_id (provider), NULL,
                                lookup_cb, &lookup);
  sim_wait_until (lookup_done, &lookup, WAIT_MS, "the stored password");
  stored = lookup.password;
  g_assert_cmpstr (stored, ==, "n3w");
}

/* TLS ------------------------------------------------------------------------------------------ */

typedef struct
{
  SoupServerMessage *message;
  SoupMessage       *forward;
  SoupServer        *server;
  gboolean           disconnected;
} Forward;

/* The console may hang up before the simulator answers (it refused the certificate, say); the
 * message can then not be unpaused any more. */
static void
forward_disconnected_cb (SoupServerMessage *message,
                         Forward           *forward)
{
  forward->disconnected = TRUE;
}

static void
forwarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  SoupMessageHeaders *headers = soup_message_get_response_headers (forward->forward);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  const char *cookie = soup_message_headers_get_one (headers, "Set-Cookie");

  g_signal_handlers_disconnect_by_func (forward->message, forward_disconnected_cb, forward);
  if (forward->disconnected)
    {
      g_object_unref (forward->message);
      g_object_unref (forward->forward);
      g_object_unref (forward->server);
      g_free (forward);
      return;
    }

  /* The simulator gone (teardown) is a bad gateway, as a real proxy would say. */
  soup_server_message_set_status (forward->message,
                                  body != NULL ? soup_message_get_status (forward->forward)
                                               : SOUP_STATUS_BAD_GATEWAY,
                                  NULL);
  if (cookie != NULL)
    soup_message_headers_append (soup_server_message_get_response_headers (forward->message),
                                 "Set-Cookie", cookie);
  if (body != NULL)
    soup_server_message_set_response (forward->message, type != NULL ? type : "text/xml",
                                      SOUP_MEMORY_COPY, g_bytes_get_data (body, NULL),
                                      g_bytes_get_size (body));
  soup_server_unpause_message (forward->server, forward->message);
  g_object_unref (forward->message);
  g_object_unref (forward->forward);
  g_object_unref (forward->server);
  g_free (forward);
}

/* Everything that reaches the TLS front is sent on to the simulator's plain HTTP endpoint. */
static void
proxy_handler (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *target = sim_provider_url (&fixture->sim, VC);
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (message);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  Forward *forward = g_new0 (Forward, 1);
  const char *header;

  forward->server = g_object_ref (server);
  forward->message = g_object_ref (message);
  forward->forward = soup_message_new (soup_server_message_get_method (message), target);
  soup_message_set_request_body_from_bytes (forward->forward,
                                            soup_message_headers_get_content_type (in, NULL),
                                            bytes);
  for (guint i = 0; i < 3; i++)
    {
      static const char *names[] = { "Cookie", "SOAPAction", "Authorization" };

      if ((header = soup_message_headers_get_one (in, names[i])))
        soup_message_headers_replace (soup_message_get_request_headers (forward->forward),
                                      names[i], header);
    }
  g_signal_connect (message, "disconnected", G_CALLBACK (forward_disconnected_cb), forward);
  soup_server_pause_message (server, message);
  soup_session_send_and_read_async (fixture->proxy_session, forward->forward, G_PRIORITY_DEFAULT,
                                    NULL, forwarded_cb, forward);
}

static char *
start_tls_front (Fixture *fixture)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data", "test-tls.pem",
                                                NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  fixture->proxy = soup_server_new ("tls-certificate", certificate, NULL);
  fixture->proxy_session = soup_session_new ();
  soup_server_add_handler (fixture->proxy, NULL, proxy_handler, fixture, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  soup_server_listen (fixture->proxy, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->proxy);
  vdi_provider_set_allow_http (fixture->provider, FALSE);
  vdi_provider_set_port (fixture->provider, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  return vdi_http_certificate_fingerprint (certificate);
}

/* The certificate is shown with its fingerprint; Cancel trusts nothing, Trust pins it on the
 * provider and the task goes on. */
static void
test_trust (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *fingerprint = start_tls_front (fixture);
  g_autofree char *grouped = vdi_provider_prompts_group_fingerprint (fingerprint);
  VdiTemplatesPage *page = select_template (fixture);
  AdwMessageDialog *dialog;
  GtkWidget *label;

  activate (page, "templates.enter-maintenance");
  dialog = wait_for_dialog ("trust-certificate-dialog");
  label = vdi_test_find_widget (GTK_WIDGET (dialog), "fingerprint-label", GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, grouped);
  /* 32 bytes as 2 lines of 16 pairs. */
  g_assert_cmpuint (strlen (grouped), ==, 32 * 3 - 1);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "127.0.0.1"));
  respond (dialog, "cancel");
  g_assert_null (vdi_provider_get_tls_fingerprint (fixture->provider));
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==, VDI_TEMPLATE_STATUS_OK);
  g_assert_true (gold_is_template (fixture));

  activate (page, "templates.enter-maintenance");
  dialog = wait_for_dialog ("trust-certificate-dialog");
  respond (dialog, "trust");
  g_assert_true (vdi_http_fingerprint_equal (vdi_provider_get_tls_fingerprint (fixture->provider),
                                             fingerprint));
  wait_for_status (fixture, VDI_TEMPLATE_STATUS_MAINTENANCE);
  g_assert_false (gold_is_template (fixture));
}

static gpointer
dialog_child (VdiProviderDialog *dialog,
              const char        *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog), VDI_TYPE_PROVIDER_DIALOG,
                                                   name);

  g_assert_nonnull (object);
  return object;
}

/* Adding a provider talks to it at once: its certificate is offered for trust there and then. */
static void
test_add_provider_trust (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *fingerprint = start_tls_front (fixture);
  g_autofree char *grouped = vdi_provider_prompts_group_fingerprint (fingerprint);
  VdiProviderDialog *dialog;
  AdwMessageDialog *trust;
  VdiProvider *added;
  GtkWidget *label;

  dialog = vdi_provider_dialog_new (GTK_WINDOW (fixture->window), fixture->farm,
                                    fixture->credentials, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  vdi_test_flush_events ();
  adw_combo_row_set_selected (dialog_child (dialog, "type_row"), VDI_PROVIDER_TYPE_VCENTER);
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "name_row")), "vc-tls");
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "host_row")), "localhost");
  gtk_spin_button_set_value (dialog_child (dialog, "port_spin"),
                             vdi_provider_get_port (fixture->provider));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "username_row")),
                         "administrator@vsphere.local");
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "password_row")), PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  vdi_test_flush_events ();

  added = vdi_farm_find_provider (fixture->farm, "vc-tls");
  g_assert_nonnull (added);
  g_assert_false (vdi_provider_get_allow_http (added));
  trust = wait_for_dialog ("trust-certificate-dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (trust), "vc-tls"));
  label = vdi_test_find_widget (GTK_WIDGET (trust), "fingerprint-label", GTK_TYPE_LABEL);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, grouped);
  g_assert_null (vdi_provider_get_tls_fingerprint (added));
  respond (trust, "trust");
  g_assert_true (vdi_http_fingerprint_equal (vdi_provider_get_tls_fingerprint (added),
                                             fingerprint));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)

  ADD ("/template-tasks/maintenance", test_maintenance);
  ADD ("/template-tasks/leave-without-recreating", test_leave_without_recreating);
  ADD ("/template-tasks/recreate-notices", test_recreate_notices);
  ADD ("/template-tasks/recreate-provider-offline", test_recreate_provider_offline);
  ADD ("/template-tasks/recreate-multi-provider-offline", test_recreate_multi_provider_offline);
  ADD ("/template-tasks/delete", test_delete);
  ADD ("/template-tasks/delete-copies", test_delete_copies);
  ADD ("/template-tasks/wrong-password", test_wrong_password);
  ADD ("/template-tasks/trust", test_trust);
  g_test_add ("/template-tasks/details-retry-asks", Fixture, GINT_TO_POINTER (FALSE), setup,
              test_details_retry_asks, teardown);
  g_test_add ("/template-tasks/details-retry-all-asks", Fixture, GINT_TO_POINTER (TRUE), setup,
              test_details_retry_asks, teardown);
  ADD ("/template-tasks/add-provider-trust", test_add_provider_trust);

  return g_test_run ();
}
