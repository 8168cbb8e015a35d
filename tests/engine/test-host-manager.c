/* test-host-manager.c: making, remaking and deleting a template's hosts on a simulated vCenter
 * and on simulated Hyper-V hosts, judged by the simulator's inventory and counters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-test-farm.h"
#include "vdi-backend.h"
#include "vdi-backend-factory.h"
#include "vdi-distributor.h"
#include "vdi-host-manager.h"
#include "vdi-maintenance.h"
#include "vdi-test-async.h"

#define VC "vc-test"
#define PASSWORD "VMware1!"
#define GOLD "tpl-win11"

/* The gold image lives on ds-main; ds-nfs has room, ds-full and ds-down cannot take a clone.
 * At time scale 200 a 40 GiB full clone at 8000 Mbit/s takes well under a second. */
static const char scenario[] =
  "{ \"time_scale\": 200, \"vcenters\": [ {"
  "  \"name\": \"" VC "\", \"version\": \"8.0\","
  "  \"user\": \"administrator@vsphere.local\", \"password\": \"" PASSWORD "\","
  "  \"datacenter\": \"DC-Test\", \"hosts\": [ \"esx-01\", \"esx-02\" ],"
  "  \"datastores\": ["
  "    { \"name\": \"ds-main\", \"capacity_gb\": 2048, \"free_gb\": 1500, \"mbps\": 8000 },"
  "    { \"name\": \"ds-nfs\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800, \"mbps\": 8000 },"
  "    { \"name\": \"ds-full\", \"type\": \"NFS\", \"capacity_gb\": 512, \"free_gb\": 5, \"mbps\": 8000 },"
  "    { \"name\": \"ds-down\", \"capacity_gb\": 1024, \"free_gb\": 900, \"accessible\": false }"
  "  ],"
  "  \"vms\": ["
  "    { \"name\": \"" GOLD "\", \"disk_gb\": 40, \"template\": true, \"datastore\": \"ds-main\", \"host\": \"esx-01\" }"
  "  ] } ] }";

#define HV_PASSWORD "pw"
#define HV_GOLD "Win11 Gold"

/* Three Hyper-V hosts; the template's VM is on hv-01, with a VM that has a host's name. At time
 * scale 400 every export, import and copy of its 10 GiB ends within the first look at its
 * job. */
static const char hv_scenario[] =
  "{ \"time_scale\": 400, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-01\", \"user\": \"admin\", \"password\": \"" HV_PASSWORD "\","
  "    \"export_mbps\": 100000, \"up_mbps\": 100000, \"down_mbps\": 100000,"
  "    \"vms\": [ { \"name\": \"" HV_GOLD "\", \"disk_gb\": 10, \"state\": \"off\" },"
  "               { \"name\": \"VDI-002\", \"disk_gb\": 10, \"state\": \"off\" } ] },"
  "  { \"name\": \"hv-02\", \"user\": \"admin\", \"password\": \"" HV_PASSWORD "\","
  "    \"export_mbps\": 100000, \"up_mbps\": 100000, \"down_mbps\": 100000, \"vms\": [] },"
  "  { \"name\": \"hv-03\", \"user\": \"admin\", \"password\": \"" HV_PASSWORD "\","
  "    \"export_mbps\": 100000, \"up_mbps\": 100000, \"down_mbps\": 100000, \"vms\": [] } ] }";

/* Says what went wrong before saying that it did. */
#define assert_ok(call) \
  G_STMT_START { gboolean ok_ = (call); g_assert_no_error (error); g_assert_true (ok_); } G_STMT_END

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiHostManager *manager;
  VdiDistributor *distributor;   /* Hyper-V */
  VdiTemplate    *template;
  VdiProvider    *hv[3];         /* Hyper-V: hv-01 (the source), hv-02, hv-03 */
  char           *dir;
} Fixture;

static JsonArray *
inventory_vms (JsonNode   *inventory,
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

/* The simulator's own record of a VM on @provider_name, by name or id: NULL when there is
 * none; fails on two. */
static JsonObject *
find_vm_on (JsonNode   *inventory,
            const char *provider_name,
            const char *member,
            const char *value)
{
  JsonArray *vms = inventory_vms (inventory, provider_name);
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (vms); i++)
    {
      JsonObject *vm = json_array_get_object_element (vms, i);

      if (g_str_equal (json_object_get_string_member (vm, member), value))
        {
          g_assert_null (found);
          found = vm;
        }
    }
  return found;
}

static JsonObject *
find_vm (JsonNode   *inventory,
         const char *name)
{
  return find_vm_on (inventory, VC, "name", name);
}

static guint
n_vms_on (Fixture    *fixture,
          const char *provider_name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

  return json_array_get_length (inventory_vms (inventory, provider_name));
}

static guint
n_vms (Fixture *fixture)
{
  return n_vms_on (fixture, VC);
}

/* The simulator's id of a datastore. */
static char *
datastore_id (Fixture    *fixture,
              const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  JsonArray *datastores = json_object_get_array_member (json_array_get_object_element (providers,
                                                                                       0),
                                                        "datastores");

  for (guint i = 0; i < json_array_get_length (datastores); i++)
    {
      JsonObject *ds = json_array_get_object_element (datastores, i);

      if (g_str_equal (json_object_get_string_member (ds, "name"), name))
        return g_strdup (json_object_get_string_member (ds, "moid"));
    }
  g_assert_not_reached ();
}

static void
begin (Fixture    *fixture,
       const char *json)
{
  g_autofree char *path = NULL;

  sim_fixture_start (&fixture->sim, json);
  fixture->dir = g_dir_make_tmp ("vdi-hosts-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->farm = vdi_farm_new (path);
  fixture->credentials = vdi_credentials_new (FALSE);
}

/* The template is in the farm, which saves every change from now on. */
static void
adopt_template (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  vdi_template_set_max_hosts (fixture->template, 10);
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (fixture->farm, TRUE);

  fixture->manager = vdi_host_manager_new (fixture->farm, fixture->credentials);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(VdiProvider) provider = NULL;
  g_autoptr(JsonNode) inventory = NULL;

  begin (fixture, scenario);
  url = sim_provider_url (&fixture->sim, VC);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  provider = vdi_provider_new ("id-vc", VC, VDI_PROVIDER_SUBTYPE_VCENTER_8, "127.0.0.1",
                               g_uri_get_port (uri));
  vdi_provider_set_username (provider, "administrator@vsphere.local");
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert_true (vdi_farm_add_provider (fixture->farm, provider, NULL));
  vdi_credentials_store_sync (fixture->credentials, "id-vc", VC, PASSWORD, NULL, NULL);

  inventory = sim_control_get (&fixture->sim, "inventory");
  fixture->template = vdi_template_new (NULL, "Win11", provider, GOLD);
  vdi_template_set_source_vm_id (fixture->template,
                                 json_object_get_string_member (find_vm (inventory, GOLD), "id"));
  adopt_template (fixture);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->manager);
  g_clear_object (&fixture->distributor);
  vdi_farm_flush (fixture->farm, NULL);
  g_clear_object (&fixture->template);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->hv); i++)
    g_clear_object (&fixture->hv[i]);
  g_clear_object (&fixture->farm);
  g_clear_object (&fixture->credentials);
  sim_fixture_stop (&fixture->sim);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static gboolean
finish (Fixture       *fixture,
        GAsyncResult **slot,
        GStrv         *notices,
        GError       **error)
{
  sim_wait_until (has_result, slot, 180000, "the hosts");
  return vdi_host_manager_finish (fixture->manager, *slot, notices, error);
}

static gboolean
create_hosts (Fixture  *fixture,
              guint     n,
              GStrv    *notices,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_host_manager_create_hosts_async (fixture->manager, fixture->template, n, NULL,
                                       vdi_test_store_result, &result);
  return finish (fixture, &result, notices, error);
}

static gboolean
recreate_hosts (Fixture  *fixture,
                GStrv    *notices,
                GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_host_manager_recreate_hosts_async (fixture->manager, fixture->template, NULL,
                                         vdi_test_store_result, &result);
  return finish (fixture, &result, notices, error);
}

static gboolean
delete_host (Fixture  *fixture,
             VdiHost  *host,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_host_manager_delete_host_async (fixture->manager, fixture->template, host, NULL,
                                      vdi_test_store_result, &result);
  return finish (fixture, &result, NULL, error);
}

static VdiHost *
host_at (Fixture *fixture,
         guint    i)
{
  g_autoptr(VdiHost) host = g_list_model_get_item (vdi_template_get_hosts (fixture->template), i);

  return host;
}

static guint
n_hosts (Fixture *fixture)
{
  return g_list_model_get_n_items (vdi_template_get_hosts (fixture->template));
}

/* Each ready host is one VM of its name, on the provider (and for vCenter the datastore) it
 * records, under the id it records: a real VM, neither a template nor a planned one. */
static void
assert_host_is_real (Fixture *fixture,
                     VdiHost *host)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  VdiProvider *provider = vdi_host_get_provider (host);
  JsonObject *vm = find_vm_on (inventory, vdi_provider_get_name (provider), "name",
                               vdi_host_get_name (host));

  g_assert_cmpint (vdi_host_get_state (host), ==, VDI_HOST_STATE_READY);
  g_assert_null (vdi_host_get_last_error (host));
  g_assert_false (vdi_host_get_needs_recreate (host));
  g_assert_nonnull (vm);
  g_assert_cmpstr (json_object_get_string_member (vm, "id"), ==, vdi_host_get_vm_id (host));
  if (vdi_provider_get_provider_type (provider) == VDI_PROVIDER_TYPE_VCENTER)
    g_assert_cmpstr (json_object_get_string_member (vm, "datastore"), ==,
                     vdi_host_get_datastore (host));
  else
    g_assert_null (vdi_host_get_datastore (host));
  g_assert_false (json_object_get_boolean_member_with_default (vm, "template", FALSE));
  g_assert_false (json_object_get_boolean_member_with_default (vm, "planned", FALSE));
}

static void
test_round_robin (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *additional[5] = { NULL };
  g_autofree char *nfs = datastore_id (fixture, "ds-nfs");
  g_autofree char *full = datastore_id (fixture, "ds-full");
  g_autofree char *down = datastore_id (fixture, "ds-down");
  g_auto(GStrv) notices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  JsonObject *vc;

  /* Datastores are kept by id; one of them has since been removed from the vCenter. */
  additional[0] = nfs;
  additional[1] = full;
  additional[2] = down;
  additional[3] = "datastore-999";
  vdi_template_set_datastore_mode (fixture->template, VDI_DATASTORE_MODE_ADDITIONAL);
  vdi_template_set_datastores (fixture->template, additional);

  assert_ok (create_hosts (fixture, 4, &notices, &error));

  /* The ones that cannot take a host are named, with the reason. */
  g_assert_cmpuint (g_strv_length (notices), ==, 3);
  g_assert_nonnull (strstr (notices[0], "“ds-full” is too full"));
  g_assert_nonnull (strstr (notices[1], "“ds-down” is not accessible"));
  g_assert_nonnull (strstr (notices[2], "“datastore-999” no longer exists"));

  /* The hosts take the format's names in order, alternating over the two that can. */
  g_assert_cmpuint (n_hosts (fixture), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      VdiHost *host = host_at (fixture, i);
      g_autofree char *name = g_strdup_printf ("VDI-%03u", i + 1);

      g_assert_cmpstr (vdi_host_get_name (host), ==, name);
      g_assert_cmpstr (vdi_host_get_datastore (host), ==, i % 2 == 0 ? "ds-main" : "ds-nfs");
      assert_host_is_real (fixture, host);
    }
  g_assert_cmpuint (n_vms (fixture), ==, 5);

  /* One clone at a time, as RAS does. */
  counters = sim_control_get (&fixture->sim, "counters");
  vc = json_object_get_object_member (json_node_get_object (counters), "providers");
  vc = json_object_get_object_member (vc, VC);
  g_assert_cmpint (json_object_get_int_member (vc, "peak_concurrent_clones"), ==, 1);

  /* More hosts continue the names; more than the template allows are refused untouched. */
  assert_ok (create_hosts (fixture, 1, NULL, &error));
  g_assert_cmpstr (vdi_host_get_name (host_at (fixture, 4)), ==, "VDI-005");
  g_assert_false (create_hosts (fixture, 6, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (n_hosts (fixture), ==, 5);
  g_assert_cmpuint (n_vms (fixture), ==, 6);

  /* The farm file has them. */
  g_clear_error (&error);
  g_assert_true (vdi_farm_flush (fixture->farm, &error));
  {
    g_autoptr(VdiFarm) reloaded = vdi_farm_new (vdi_farm_get_path (fixture->farm));
    VdiTemplate *template;
    g_autoptr(VdiHost) host = NULL;

    g_assert_true (vdi_farm_load (reloaded, NULL, &error));
    template = vdi_farm_find_template (reloaded, "Win11");
    g_assert_cmpuint (g_list_model_get_n_items (vdi_template_get_hosts (template)), ==, 5);
    host = g_list_model_get_item (vdi_template_get_hosts (template), 1);
    g_assert_cmpstr (vdi_host_get_datastore (host), ==, "ds-nfs");
    g_assert_cmpint (vdi_host_get_state (host), ==, VDI_HOST_STATE_READY);
  }
}

static void
test_failure_recreate_delete (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_id = NULL;
  VdiHost *failed = NULL;

  /* The second clone fails in the vCenter's words; the others are made. */
  sim_control_post (&fixture->sim, "providers/" VC "/faults",
                    "{\"method\": \"CloneVM_Task\", \"count\": 1, \"fault\": \"task:NoDiskSpace\","
                    " \"message\": \"Insufficient disk space on datastore 'ds-main'.\"}");
  g_assert_false (create_hosts (fixture, 3, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "1 host"));
  g_clear_error (&error);

  g_assert_cmpuint (n_hosts (fixture), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      VdiHost *host = host_at (fixture, i);

      if (vdi_host_get_state (host) == VDI_HOST_STATE_READY)
        {
          assert_host_is_real (fixture, host);
          continue;
        }
      g_assert_null (failed);
      failed = host;
      g_assert_cmpint (vdi_host_get_state (host), ==, VDI_HOST_STATE_FAILED);
      g_assert_nonnull (strstr (vdi_host_get_last_error (host), "Insufficient disk space"));
      g_assert_null (vdi_host_get_vm_id (host));
    }
  g_assert_nonnull (failed);
  g_assert_cmpuint (n_vms (fixture), ==, 3);

  /* Recreating remakes every host under its own name, the failed one included, and leaves no
   * VM behind. */
  old_id = g_strdup (vdi_host_get_vm_id (host_at (fixture, 0)));
  assert_ok (recreate_hosts (fixture, NULL, &error));
  g_assert_cmpuint (n_hosts (fixture), ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_host_is_real (fixture, host_at (fixture, i));
  g_assert_cmpstr (vdi_host_get_vm_id (host_at (fixture, 0)), !=, old_id);
  g_assert_cmpuint (n_vms (fixture), ==, 4);

  /* Deleting removes the VM and the host. */
  {
    g_autoptr(VdiHost) host = g_object_ref (host_at (fixture, 1));
    g_autoptr(JsonNode) inventory = NULL;

    assert_ok (delete_host (fixture, host, &error));
    inventory = sim_control_get (&fixture->sim, "inventory");
    g_assert_null (find_vm (inventory, vdi_host_get_name (host)));
  }
  g_assert_cmpuint (n_hosts (fixture), ==, 2);
  g_assert_cmpuint (n_vms (fixture), ==, 3);

  /* A host whose VM someone already removed is simply forgotten. (Here the VM it named is
   * gone, and the one of its name stays on the vCenter as a stray.) */
  g_assert_cmpstr (vdi_host_get_name (host_at (fixture, 0)), ==, "VDI-001");
  vdi_host_set_vm_id (host_at (fixture, 0), "vm-9999");
  assert_ok (delete_host (fixture, host_at (fixture, 0), &error));
  g_assert_cmpuint (n_hosts (fixture), ==, 1);
  g_assert_cmpuint (n_vms (fixture), ==, 3);

  /* The next new host takes the name freed by deleting, and not the stray's. */
  assert_ok (create_hosts (fixture, 1, NULL, &error));
  g_assert_cmpuint (n_hosts (fixture), ==, 2);
  g_assert_cmpstr (vdi_host_get_name (host_at (fixture, 1)), ==, "VDI-002");
  assert_host_is_real (fixture, host_at (fixture, 1));
}

static void
test_nowhere_to_go (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;

  /* The template's own datastore fails, and no other is chosen: nothing is started. */
  sim_control_post (&fixture->sim, "providers/" VC "/datastores/ds-main",
                    "{\"accessible\": false}");
  g_assert_false (create_hosts (fixture, 2, &notices, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "“ds-main” is not accessible"));
  g_assert_cmpuint (n_hosts (fixture), ==, 0);
  g_assert_cmpuint (n_vms (fixture), ==, 1);
  g_clear_error (&error);

  /* A source VM that is gone is said so. */
  sim_control_post (&fixture->sim, "providers/" VC "/datastores/ds-main",
                    "{\"accessible\": true}");
  vdi_template_set_source_vm_id (fixture->template, "vm-9999");
  g_assert_false (create_hosts (fixture, 1, NULL, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer on " VC));
}

static gboolean
maintenance (Fixture  *fixture,
             gboolean  enter,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (enter)
    vdi_maintenance_enter_async (fixture->farm, fixture->credentials, fixture->template, NULL,
                                 vdi_test_store_result, &result);
  else
    vdi_maintenance_leave_async (fixture->farm, fixture->credentials, fixture->template, NULL,
                                 vdi_test_store_result, &result);
  sim_wait_until (has_result, &result, 60000, "maintenance");
  return vdi_maintenance_finish (result, error);
}

static gboolean
gold_is_template (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

  return json_object_get_boolean_member_with_default (find_vm (inventory, GOLD), "template",
                                                      FALSE);
}

/* What the admin does in maintenance, or a desktop's user, through the same backend: start or
 * stop a VM. */
static void
power_vm (VdiProvider *provider,
          const char  *password,
          const char  *vm,
          gboolean     on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackend) backend = vdi_backend_new_for_provider (provider, password, &error);
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GAsyncResult) followed = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autofree char *nothing = NULL;

  g_assert_no_error (error);
  vdi_backend_start_async (backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", vm, on),
                           NULL, vdi_test_store_result, &started);
  sim_wait_until (has_result, &started, 20000, "the power call");
  job = vdi_backend_start_finish (backend, started, &error);
  g_assert_no_error (error);
  vdi_backend_follow_async (backend, job, NULL, NULL, NULL, vdi_test_store_result, &followed);
  sim_wait_until (has_result, &followed, 20000, "the power task");
  nothing = vdi_backend_follow_finish (backend, followed, &error);
  g_assert_no_error (error);
}

static void
power (Fixture  *fixture,
       gboolean  on)
{
  power_vm (vdi_template_get_source_provider (fixture->template), PASSWORD,
            vdi_template_get_source_vm_id (fixture->template), on);
}

static void
test_maintenance (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The provider refusing leaves the template as it was. */
  sim_control_post (&fixture->sim, "providers/" VC "/faults",
                    "{\"method\": \"MarkAsVirtualMachine\", \"count\": 1,"
                    " \"fault\": \"InvalidState\", \"message\": \"The host is busy.\"}");
  g_assert_false (maintenance (fixture, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "The host is busy."));
  g_clear_error (&error);
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==, VDI_TEMPLATE_STATUS_OK);
  g_assert_true (gold_is_template (fixture));

  /* Entering makes it a VM the admin can start; no hosts are made from it meanwhile. */
  assert_ok (maintenance (fixture, TRUE, &error));
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==,
                   VDI_TEMPLATE_STATUS_MAINTENANCE);
  g_assert_false (gold_is_template (fixture));
  g_assert_false (create_hosts (fixture, 1, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "leave maintenance"));
  g_clear_error (&error);
  g_assert_cmpuint (n_hosts (fixture), ==, 0);
  power (fixture, TRUE);

  /* Leaving while it runs is refused, in words that say what to do. */
  g_assert_false (maintenance (fixture, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "Shut down “" GOLD "”"));
  g_clear_error (&error);
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==,
                   VDI_TEMPLATE_STATUS_MAINTENANCE);

  /* Shut down, it is sealed again, and hosts are cloned from it as before. */
  power (fixture, FALSE);
  assert_ok (maintenance (fixture, FALSE, &error));
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==, VDI_TEMPLATE_STATUS_OK);
  g_assert_true (gold_is_template (fixture));
  assert_ok (create_hosts (fixture, 1, NULL, &error));
  assert_host_is_real (fixture, host_at (fixture, 0));
}

static VdiProvider *
hv_add_provider (Fixture    *fixture,
                 const char *name)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, name);

  return vdi_test_add_provider (fixture->farm, fixture->credentials, name,
                                VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, url, "admin", HV_PASSWORD);
}

/* A Hyper-V template on hv-01 with multi-provider distribution to hv-02 and hv-03, not yet
 * distributed. */
static void
hv_setup (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(JsonNode) inventory = NULL;

  begin (fixture, hv_scenario);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->hv); i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-%02u", i + 1);

      fixture->hv[i] = hv_add_provider (fixture, name);
    }

  inventory = sim_control_get (&fixture->sim, "inventory");
  fixture->template = vdi_template_new (NULL, "Win11", fixture->hv[0], HV_GOLD);
  vdi_template_set_source_vm_id (fixture->template,
                                 json_object_get_string_member (find_vm_on (inventory, "hv-01",
                                                                            "name", HV_GOLD),
                                                                "id"));
  g_assert_true (vdi_template_set_multi_provider (fixture->template, TRUE, NULL));
  g_assert_nonnull (vdi_template_add_target (fixture->template, fixture->hv[1], NULL));
  g_assert_nonnull (vdi_template_add_target (fixture->template, fixture->hv[2], NULL));
  adopt_template (fixture);
  vdi_host_manager_set_export_root (fixture->manager, "D:\\VDI");
  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
}

/* The copies to hv-02 and hv-03, by the distribution engine. */
static void
distribute (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vdi_distributor_distribute_async (fixture->distributor, fixture->template, NULL,
                                    vdi_test_store_result, &result);
  sim_wait_until (has_result, &result, 120000, "the distribution");
  assert_ok (vdi_distributor_finish (fixture->distributor, result, &error));
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);
}

static void
test_spread (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  static const guint expected_on[3] = { 3, 2, 2 };
  guint on[3] = { 0 };

  distribute (fixture);
  assert_ok (create_hosts (fixture, 7, &notices, &error));
  g_assert_cmpuint (g_strv_length (notices), ==, 0);

  /* The names of the format in order, skipping the one a VM on hv-01 has, taken in turn by the
   * providers with the fewest hosts, the source first. */
  g_assert_cmpuint (n_hosts (fixture), ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      VdiHost *host = host_at (fixture, i);
      g_autofree char *name = g_strdup_printf ("VDI-%03u", i < 1 ? i + 1 : i + 2);

      g_assert_cmpstr (vdi_host_get_name (host), ==, name);
      g_assert_true (vdi_host_get_provider (host) == fixture->hv[i % 3]);
      assert_host_is_real (fixture, host);
      on[i % 3]++;
    }
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (on[i], ==, expected_on[i]);

  /* Nothing else was left: the gold image and the stray VM on hv-01, a copy on each other
   * provider, and the hosts. */
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2 + 3);
  g_assert_cmpuint (n_vms_on (fixture, "hv-02"), ==, 1 + 2);
  g_assert_cmpuint (n_vms_on (fixture, "hv-03"), ==, 1 + 2);

  /* More hosts go where there are fewest. */
  assert_ok (create_hosts (fixture, 2, NULL, &error));
  g_assert_true (vdi_host_get_provider (host_at (fixture, 7)) == fixture->hv[1]);
  g_assert_true (vdi_host_get_provider (host_at (fixture, 8)) == fixture->hv[2]);
  assert_host_is_real (fixture, host_at (fixture, 8));

  /* The farm file records each host's provider. */
  g_assert_true (vdi_farm_flush (fixture->farm, &error));
  {
    g_autoptr(VdiFarm) reloaded = vdi_farm_new (vdi_farm_get_path (fixture->farm));
    VdiTemplate *template;
    g_autoptr(VdiHost) host = NULL;

    g_assert_true (vdi_farm_load (reloaded, NULL, &error));
    template = vdi_farm_find_template (reloaded, "Win11");
    g_assert_cmpuint (g_list_model_get_n_items (vdi_template_get_hosts (template)), ==, 9);
    host = g_list_model_get_item (vdi_template_get_hosts (template), 2);
    g_assert_cmpstr (vdi_provider_get_name (vdi_host_get_provider (host)), ==, "hv-03");
    g_assert_cmpint (vdi_host_get_state (host), ==, VDI_HOST_STATE_READY);
  }
}

static void
test_import_fails (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  VdiHost *failed;

  /* Not distributed yet: only the source takes hosts, and the others are named. The first
   * import fails in the host's words. */
  sim_control_post (&fixture->sim, "providers/hv-01/faults",
                    "{\"method\": \"ImportSystemDefinition\", \"count\": 1, \"fault\": \"job\","
                    " \"message\": \"The virtual machine configuration could not be read.\"}");
  g_assert_false (create_hosts (fixture, 3, &notices, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "1 host could not be made"));
  g_clear_error (&error);

  g_assert_cmpuint (g_strv_length (notices), ==, 2);
  g_assert_nonnull (strstr (notices[0], "hv-02 holds no ready copy of “Win11”"));
  g_assert_nonnull (strstr (notices[1], "hv-03 holds no ready copy of “Win11”"));

  g_assert_cmpuint (n_hosts (fixture), ==, 3);
  failed = host_at (fixture, 0);
  g_assert_cmpstr (vdi_host_get_name (failed), ==, "VDI-001");
  g_assert_cmpint (vdi_host_get_state (failed), ==, VDI_HOST_STATE_FAILED);
  g_assert_nonnull (strstr (vdi_host_get_last_error (failed),
                            "The virtual machine configuration could not be read."));
  g_assert_null (vdi_host_get_vm_id (failed));
  for (guint i = 1; i < 3; i++)
    {
      g_assert_true (vdi_host_get_provider (host_at (fixture, i)) == fixture->hv[0]);
      assert_host_is_real (fixture, host_at (fixture, i));
    }
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2 + 2);

  /* Recreating makes the failed one too. */
  assert_ok (recreate_hosts (fixture, NULL, &error));
  for (guint i = 0; i < 3; i++)
    assert_host_is_real (fixture, host_at (fixture, i));
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2 + 3);
}

/* What a desktop user does: start the VM. */
static void
power_on (VdiHost *host)
{
  power_vm (vdi_host_get_provider (host), HV_PASSWORD, vdi_host_get_vm_id (host), TRUE);
}

static void
test_recreate_with_provider_offline (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  g_autofree char *old_ids[3] = { NULL };

  distribute (fixture);
  assert_ok (create_hosts (fixture, 3, NULL, &error));
  for (guint i = 0; i < 3; i++)
    old_ids[i] = g_strdup (vdi_host_get_vm_id (host_at (fixture, i)));
  /* One desktop is in use. */
  power_on (host_at (fixture, 1));

  sim_control_post (&fixture->sim, "providers/hv-03/offline", "{\"mode\": \"refuse\"}");
  assert_ok (recreate_hosts (fixture, &notices, &error));

  /* hv-03 is named, with what to do; its host stays as it was, marked for later. */
  g_assert_cmpuint (g_strv_length (notices), ==, 1);
  g_assert_true (g_str_has_prefix (notices[0], "hv-03 does not respond: "));
  g_assert_true (g_str_has_suffix (notices[0], ". Check the provider's status; its hosts can be "
                                               "recreated later."));
  {
    VdiHost *waiting = host_at (fixture, 2);

    g_assert_true (vdi_host_get_provider (waiting) == fixture->hv[2]);
    g_assert_true (vdi_host_get_needs_recreate (waiting));
    g_assert_cmpstr (vdi_host_get_vm_id (waiting), ==, old_ids[2]);
    g_assert_nonnull (strstr (vdi_host_get_last_error (waiting), "hv-03 does not respond"));
  }

  /* The others are new VMs of the same names on the same providers; the old ones are gone,
   * the running one included. */
  for (guint i = 0; i < 2; i++)
    {
      VdiHost *host = host_at (fixture, i);
      g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
      const char *provider = vdi_provider_get_name (vdi_host_get_provider (host));

      g_assert_true (vdi_host_get_provider (host) == fixture->hv[i]);
      assert_host_is_real (fixture, host);
      g_assert_cmpstr (vdi_host_get_vm_id (host), !=, old_ids[i]);
      g_assert_null (find_vm_on (inventory, provider, "id", old_ids[i]));
    }
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2 + 1);
  g_assert_cmpuint (n_vms_on (fixture, "hv-02"), ==, 1 + 1);

  /* Back online, the host waiting is recreated too. */
  g_clear_pointer (&notices, g_strfreev);
  sim_control_post (&fixture->sim, "providers/hv-03/online", "{}");
  assert_ok (recreate_hosts (fixture, &notices, &error));
  g_assert_cmpuint (g_strv_length (notices), ==, 0);
  assert_host_is_real (fixture, host_at (fixture, 2));
  g_assert_cmpstr (vdi_host_get_vm_id (host_at (fixture, 2)), !=, old_ids[2]);
  g_assert_cmpuint (n_vms_on (fixture, "hv-03"), ==, 1 + 1);

  /* With no provider answering, nothing is touched and that is an error. */
  g_clear_pointer (&notices, g_strfreev);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("providers/hv-%02u/offline", i);

      sim_control_post (&fixture->sim, path, "{\"mode\": \"refuse\"}");
    }
  g_assert_false (recreate_hosts (fixture, &notices, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
  g_assert_cmpuint (g_strv_length (notices), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (vdi_host_get_needs_recreate (host_at (fixture, i)));
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHost) host = NULL;
  g_autoptr(JsonNode) inventory = NULL;

  distribute (fixture);
  assert_ok (create_hosts (fixture, 2, NULL, &error));
  host = g_object_ref (host_at (fixture, 1));
  g_assert_true (vdi_host_get_provider (host) == fixture->hv[1]);

  assert_ok (delete_host (fixture, host, &error));
  inventory = sim_control_get (&fixture->sim, "inventory");
  g_assert_null (find_vm_on (inventory, "hv-02", "name", vdi_host_get_name (host)));
  g_assert_cmpuint (n_vms_on (fixture, "hv-02"), ==, 1);
  g_assert_cmpuint (n_hosts (fixture), ==, 1);
  assert_host_is_real (fixture, host_at (fixture, 0));
}

static void
test_remove_provider (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  distribute (fixture);
  assert_ok (create_hosts (fixture, 5, NULL, &error));
  g_assert_cmpuint (n_vms_on (fixture, "hv-02"), ==, 1 + 2);
  /* A desktop there is in use. */
  power_on (host_at (fixture, 1));

  vdi_distributor_remove_provider_async (fixture->distributor, fixture->template,
                                         fixture->hv[1], NULL, vdi_test_store_result, &result);
  sim_wait_until (has_result, &result, 120000, "the removal");
  assert_ok (vdi_distributor_finish (fixture->distributor, result, &error));

  /* Nothing of the template is left there, and the template forgets it and its hosts. */
  g_assert_cmpuint (n_vms_on (fixture, "hv-02"), ==, 0);
  g_assert_null (vdi_template_find_target (fixture->template, fixture->hv[1]));
  g_assert_cmpuint (n_hosts (fixture), ==, 3);
  for (guint i = 0; i < n_hosts (fixture); i++)
    {
      g_assert_true (vdi_host_get_provider (host_at (fixture, i)) != fixture->hv[1]);
      assert_host_is_real (fixture, host_at (fixture, i));
    }
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2 + 2);
  g_assert_cmpuint (n_vms_on (fixture, "hv-03"), ==, 1 + 1);
}

static void
cancel_on_vm_cb (VdiHost      *host,
                 GParamSpec   *pspec,
                 GCancellable *cancellable)
{
  if (vdi_host_get_vm_id (host) != NULL)
    g_cancellable_cancel (cancellable);
}

static void
watch_new_hosts_cb (GListModel   *hosts,
                    guint         position,
                    guint         removed,
                    guint         added,
                    GCancellable *cancellable)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      g_signal_connect_object (host, "notify::vm-id", G_CALLBACK (cancel_on_vm_cb), cancellable,
                               0);
    }
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *hosts = vdi_template_get_hosts (fixture->template);
  gulong handler;

  /* Cancelled the moment the first host's import has made its VM, planned and not yet real. */
  handler = g_signal_connect (hosts, "items-changed", G_CALLBACK (watch_new_hosts_cb),
                              cancellable);
  vdi_host_manager_create_hosts_async (fixture->manager, fixture->template, 3, cancellable,
                                       vdi_test_store_result, &result);
  g_assert_false (finish (fixture, &result, NULL, &error));
  g_signal_handler_disconnect (hosts, handler);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nothing is left: no host, and on hv-01 only the gold image and the stray VM. */
  g_assert_cmpuint (n_hosts (fixture), ==, 0);
  g_assert_cmpuint (n_vms_on (fixture, "hv-01"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/engine/hosts/" path, Fixture, NULL, setup, func, teardown)
  ADD ("round-robin", test_round_robin);
  ADD ("failure-recreate-delete", test_failure_recreate_delete);
  ADD ("nowhere-to-go", test_nowhere_to_go);
  ADD ("maintenance", test_maintenance);
#undef ADD

#define ADD(path, func) \
  g_test_add ("/engine/hosts/hyperv/" path, Fixture, NULL, hv_setup, func, teardown)
  ADD ("spread", test_spread);
  ADD ("import-fails", test_import_fails);
  ADD ("recreate-with-provider-offline", test_recreate_with_provider_offline);
  ADD ("delete", test_delete);
  ADD ("remove-provider", test_remove_provider);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
