/* test-template-creator.c: creating templates on simulated providers, in the order RAS does it,
 * judged by the farm and the simulator's inventory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-test-farm.h"
#include "vdi-template-creator.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"

static const char scenario[] =
  "{ \"time_scale\": 100, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"export_mbps\": 10000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "    \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 2 } ] },"
  "  { \"name\": \"hv-t1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"up_mbps\": 1000, \"down_mbps\": 1000, \"vms\": [] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"hosts\": [ \"esx-1\" ],"
  "    \"datastores\": [ { \"name\": \"ds-a\", \"capacity_gb\": 1000, \"free_gb\": 900, \"mbps\": 8000 } ],"
  "    \"vms\": [ { \"name\": \"gold-vc\", \"disk_gb\": 20 },"
  "               { \"name\": \"busy-vc\", \"disk_gb\": 20, \"state\": \"running\" } ] } ] }";

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  char           *dir;
} Fixture;

typedef struct
{
  GAsyncResult *result;
  guint         n_added;
  gboolean      finished_before_added;
} Run;

static void
add_provider (Fixture            *fixture,
              const char         *name,
              VdiProviderSubtype  subtype)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, name);
  g_autoptr(VdiProvider) provider = vdi_test_add_provider (fixture->farm, fixture->credentials,
                                                           name, subtype, url, "admin", PASSWORD);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autofree char *path = NULL;

  sim_fixture_start (&fixture->sim, scenario);
  fixture->dir = g_dir_make_tmp ("vdi-creator-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->farm = vdi_farm_new (path);
  fixture->credentials = vdi_credentials_new (FALSE);
  add_provider (fixture, "hv-src", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  add_provider (fixture, "hv-t1", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  add_provider (fixture, "vc-1", VDI_PROVIDER_SUBTYPE_VCENTER_8);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_strdup (vdi_farm_get_path (fixture->farm));
  g_autofree char *backup = vdi_farm_dup_backup_path (fixture->farm);

  vdi_farm_flush (fixture->farm, NULL);
  g_clear_object (&fixture->farm);
  g_clear_object (&fixture->credentials);
  sim_fixture_stop (&fixture->sim);
  g_remove (path);
  g_remove (backup);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static VdiVmInfo *
vm_info (Fixture    *fixture,
         const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonObject *vm = sim_inventory_vm (inventory, name);

  g_assert_nonnull (vm);
  return vdi_vm_info_new (json_object_get_string_member (vm, "id"), name,
                          json_object_get_boolean_member_with_default (vm, "template", FALSE),
                          g_strcmp0 (json_object_get_string_member_with_default (vm, "state", "off"),
                                     "running") == 0,
                          0, NULL, NULL, NULL);
}

static gboolean
is_template (Fixture    *fixture,
             const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

  return json_object_get_boolean_member_with_default (sim_inventory_vm (inventory, name),
                                                      "template", FALSE);
}

static void
added_cb (VdiTemplateCreator *creator,
          VdiTemplate        *template,
          Run                *run)
{
  run->n_added++;
  if (run->result != NULL)
    run->finished_before_added = TRUE;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  run->result = g_object_ref (result);
}

static gboolean
finished (gpointer data)
{
  return ((Run *)data)->result != NULL;
}

/* Creates @template from @vm and waits; the run says what was seen. */
static gboolean
create (Fixture              *fixture,
        VdiTemplate          *template,
        VdiVmInfo            *vm,
        Run                  *run,
        VdiTemplateCreatorStage *stage,
        char               ***notices,
        GError              **error)
{
  g_autoptr(VdiTemplateCreator) creator = vdi_template_creator_new (fixture->farm,
                                                                    fixture->credentials, NULL);
  gboolean ok;

  g_signal_connect (creator, "added", G_CALLBACK (added_cb), run);
  vdi_template_creator_create_async (creator, template, vm, NULL, store_cb, run);
  sim_wait_until (finished, run, SIM_TEST_TIMEOUT_MS * 3, "the creation to end");
  ok = vdi_template_creator_finish (creator, run->result, notices, error);
  *stage = vdi_template_creator_get_stage (creator);
  g_clear_object (&run->result);
  return ok;
}

static void
test_vcenter (Fixture       *fixture,
              gconstpointer  data)
{
  VdiProvider *vc = vdi_farm_find_provider (fixture->farm, "vc-1");
  g_autoptr(VdiVmInfo) vm = vm_info (fixture, "gold-vc");
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Gold", vc, "gold-vc");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  VdiTemplateCreatorStage stage;
  Run run = { NULL, };

  vdi_template_set_source_vm_id (template, vdi_vm_info_get_id (vm));
  vdi_template_set_host_name_format (template, "GV-%ID:2%");
  vdi_template_set_initial_hosts (template, 2);
  g_assert_false (is_template (fixture, "gold-vc"));

  g_assert_true (create (fixture, template, vm, &run, &stage, &notices, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stage, ==, VDI_TEMPLATE_CREATOR_STAGE_DONE);
  g_assert_cmpuint (run.n_added, ==, 1);
  g_assert_false (run.finished_before_added);
  g_assert_cmpuint (g_strv_length (notices), ==, 0);

  /* Converted, in the farm, its hosts made on the vCenter. */
  g_assert_true (is_template (fixture, "gold-vc"));
  g_assert_true (vdi_farm_find_template (fixture->farm, "Gold") == template);
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 2);
  {
    g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

    g_assert_nonnull (sim_inventory_vm (inventory, "GV-01"));
    g_assert_nonnull (sim_inventory_vm (inventory, "GV-02"));
  }
}

/* Nothing happens to a running VM, nor to the farm, and the admin is told why. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  VdiProvider *vc = vdi_farm_find_provider (fixture->farm, "vc-1");
  g_autoptr(VdiVmInfo) busy = vm_info (fixture, "busy-vc");
  g_autoptr(VdiVmInfo) gold = vm_info (fixture, "gold-vc");
  g_autoptr(VdiTemplate) running = vdi_template_new (NULL, "Busy", vc, "busy-vc");
  g_autoptr(VdiTemplate) unnamed = vdi_template_new (NULL, "", vc, "gold-vc");
  g_autoptr(GError) error = NULL;
  VdiTemplateCreatorStage stage;
  Run run = { NULL, };

  vdi_template_set_source_vm_id (running, vdi_vm_info_get_id (busy));
  g_assert_false (create (fixture, running, busy, &run, &stage, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "shut down busy-vc"));
  g_assert_cmpint (stage, <, VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING);
  g_assert_cmpuint (run.n_added, ==, 0);
  g_assert_false (is_template (fixture, "busy-vc"));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (fixture->farm)), ==, 0);
  g_clear_error (&error);

  /* The model's own checks come first: the VM is left as it is. */
  vdi_template_set_source_vm_id (unnamed, vdi_vm_info_get_id (gold));
  g_assert_false (create (fixture, unnamed, gold, &run, &stage, NULL, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME);
  g_assert_cmpuint (run.n_added, ==, 0);
  g_assert_false (is_template (fixture, "gold-vc"));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (fixture->farm)), ==, 0);
}

static VdiTemplate *
hyperv_template (Fixture    *fixture,
                 VdiVmInfo  *vm,
                 const char *name)
{
  VdiTemplate *template = vdi_template_new (NULL, name,
                                            vdi_farm_find_provider (fixture->farm, "hv-src"),
                                            GOLD);
  g_autoptr(GError) error = NULL;

  vdi_template_set_source_vm_id (template, vdi_vm_info_get_id (vm));
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  g_assert_nonnull (vdi_template_add_target (template,
                                             vdi_farm_find_provider (fixture->farm, "hv-t1"),
                                             &error));
  g_assert_no_error (error);
  return template;
}

/* Distributed, then the hosts, made from the copies. */
static void
test_hyperv_distributes (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdiVmInfo) vm = vm_info (fixture, GOLD);
  g_autoptr(VdiTemplate) template = hyperv_template (fixture, vm, "Spread");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  VdiTemplateCreatorStage stage;
  Run run = { NULL, };

  vdi_template_set_initial_hosts (template, 1);
  g_assert_true (create (fixture, template, vm, &run, &stage, &notices, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stage, ==, VDI_TEMPLATE_CREATOR_STAGE_DONE);
  g_assert_cmpuint (run.n_added, ==, 1);
  g_assert_cmpint (vdi_target_get_state (vdi_template_find_target (template,
                                           vdi_farm_find_provider (fixture->farm, "hv-t1"))),
                   ==, VDI_TARGET_STATE_READY);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_OK);
  g_assert_true (notices == NULL || notices[0] == NULL);
  g_assert_cmpuint (vdi_template_get_hosts_total (template), ==, 1);
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 1);
}

/* A failed copy: the template stays, and says so; no host is made from a missing copy. */
static void
test_distribution_fails (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdiVmInfo) vm = vm_info (fixture, GOLD);
  g_autoptr(VdiTemplate) template = hyperv_template (fixture, vm, "Broken");
  g_autoptr(GError) error = NULL;
  VdiTemplateCreatorStage stage;
  Run run = { NULL, };

  vdi_template_set_initial_hosts (template, 1);
  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\":\"MigrateVirtualSystemToHost\",\"count\":1,"
                    "\"fault\":\"job:32768\",\"message\":\"The network path was not found.\"}");
  g_assert_false (create (fixture, template, vm, &run, &stage, NULL, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED);
  g_assert_cmpint (stage, ==, VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING);
  g_assert_cmpuint (run.n_added, ==, 1);
  g_assert_true (vdi_farm_find_template (fixture->farm, "Broken") == template);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_FAILED);
  g_assert_cmpuint (vdi_template_get_hosts_total (template), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/template-creator/vcenter", Fixture, NULL, setup, test_vcenter, teardown);
  g_test_add ("/template-creator/refusals", Fixture, NULL, setup, test_refusals, teardown);
  g_test_add ("/template-creator/hyperv-distributes", Fixture, NULL,
              setup, test_hyperv_distributes, teardown);
  g_test_add ("/template-creator/distribution-fails", Fixture, NULL,
              setup, test_distribution_fails, teardown);

  return g_test_run ();
}
