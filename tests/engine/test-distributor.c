/* test-distributor.c: multi-provider distribution against vdi-provider-sim, judged by the
 * simulator's own counters and inventory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-test-farm.h"
#include "vdi-distributor.h"
#include "vdi-maintenance.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiDistributor *distributor;
  VdiTemplate    *template;
  GPtrArray      *targets;   /* VdiProvider */
  char           *dir;
} Fixture;

typedef struct
{
  guint  n_targets;
  guint  concurrency;
  double time_scale;
} Params;

/* One source with a fast export, and target hosts whose download makes each copy last long
 * enough that copies overlap. */
static char *
scenario (guint  n_targets,
          double time_scale)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{ \"time_scale\": %g, \"hyperv_hosts\": [", time_scale);
  g_string_append (json,
                   "{ \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
                   "  \"export_mbps\": 100000, \"up_mbps\": 1000000, \"down_mbps\": 1000,"
                   "  \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 10, \"state\": \"off\" } ] }");
  for (guint i = 1; i <= n_targets; i++)
    g_string_append_printf (json,
                            ", { \"name\": \"hv-t%u\", \"user\": \"admin\", \"password\": \""
                            PASSWORD "\", \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] }",
                            i);
  g_string_append (json, "] }");
  return g_string_free (json, FALSE);
}

static VdiProvider *
add_provider (Fixture    *fixture,
              const char *name)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, name);

  return vdi_test_add_provider (fixture->farm, fixture->credentials, name,
                                VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, url, "admin", PASSWORD);
}

static JsonObject *
provider_json (JsonNode   *root,
               const char *name)
{
  return json_object_get_object_member (json_object_get_object_member (json_node_get_object (root),
                                                                       "providers"),
                                        name);
}

/* The id of the gold VM, as the simulator made it. */
static char *
gold_id (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      if (!g_str_equal (json_object_get_string_member (provider, "name"), "hv-src"))
        continue;
      for (guint k = 0; k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (g_str_equal (json_object_get_string_member (vm, "name"), GOLD))
            return g_strdup (json_object_get_string_member (vm, "id"));
        }
    }
  g_assert_not_reached ();
}

/* How many VMs named GOLD each host holds, planned ones included. */
static guint
copies_on (Fixture    *fixture,
           const char *host)
{
  return sim_count_vms (&fixture->sim, host, GOLD);
}

static void
setup (Fixture *fixture,
       guint    n_targets,
       guint    concurrency,
       double   time_scale)
{
  g_autofree char *json = scenario (n_targets, time_scale);
  g_autofree char *path = NULL;
  g_autofree char *gold = NULL;
  g_autoptr(VdiProvider) source = NULL;
  g_autoptr(GError) error = NULL;

  sim_fixture_start (&fixture->sim, json);
  fixture->dir = g_dir_make_tmp ("vdi-engine-XXXXXX", NULL);
  path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->farm = vdi_farm_new (path);
  fixture->credentials = vdi_credentials_new (FALSE);
  fixture->targets = g_ptr_array_new_with_free_func (g_object_unref);

  source = add_provider (fixture, "hv-src");
  fixture->template = vdi_template_new (NULL, "Win11", source, GOLD);
  gold = gold_id (fixture);
  vdi_template_set_source_vm_id (fixture->template, gold);
  vdi_template_set_multi_provider (fixture->template, TRUE, NULL);
  for (guint i = 1; i <= n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%u", i);
      VdiProvider *target = add_provider (fixture, name);

      g_ptr_array_add (fixture->targets, target);
      g_assert_nonnull (vdi_template_add_target (fixture->template, target, NULL));
    }
  g_assert_true (vdi_template_set_concurrency (fixture->template, concurrency, &error));
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (fixture->farm, TRUE);

  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->distributor);
  vdi_farm_flush (fixture->farm, NULL);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->farm);
  g_clear_object (&fixture->credentials);
  g_clear_pointer (&fixture->targets, g_ptr_array_unref);
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
finish (Fixture       *fixture,
        GAsyncResult **slot,
        GError       **error)
{
  sim_wait_result (slot, 120000, "the distribution");
  return vdi_distributor_finish (fixture->distributor, *slot, error);
}

static gboolean
distribute (Fixture       *fixture,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_distributor_distribute_async (fixture->distributor, fixture->template, cancellable,
                                    sim_store_result, &result);
  return finish (fixture, &result, error);
}

static VdiTarget *
target_of (Fixture *fixture,
           guint    i)
{
  return vdi_template_find_target (fixture->template, g_ptr_array_index (fixture->targets, i));
}

static void
assert_all_ready (Fixture *fixture)
{
  for (guint i = 0; i < fixture->targets->len; i++)
    {
      VdiTarget *target = target_of (fixture, i);
      g_autofree char *host = g_strdup_printf ("hv-t%u", i + 1);

      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_READY);
      g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_OK);
      g_assert_null (vdi_target_get_job (target));
      g_assert_cmpuint (copies_on (fixture, host), ==, 1);
    }
  /* The source keeps the gold image and nothing else. */
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);
}

static void
test_pipeline (Fixture       *fixture,
               gconstpointer  data)
{
  const Params *params = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  JsonObject *source;
  gint64 peak_exports, peak_copies;

  setup (fixture, params->n_targets, params->concurrency, params->time_scale);
  g_assert_true (distribute (fixture, NULL, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);

  /* The rules, as the simulator saw them: one export at a time on the source, never more
   * copies than the concurrency, and the pipeline fills every copy slot. */
  counters = sim_control_get (&fixture->sim, "counters");
  source = provider_json (counters, "hv-src");
  peak_exports = json_object_get_int_member (source, "peak_concurrent_exports");
  peak_copies = json_object_get_int_member (source, "peak_concurrent_migrations_out");
  g_test_message ("N = %u: peak exports %" G_GINT64_FORMAT ", peak copies %" G_GINT64_FORMAT,
                  params->concurrency, peak_exports, peak_copies);
  g_assert_cmpint (peak_exports, ==, 1);
  g_assert_cmpint (peak_copies, ==, params->concurrency);

  /* The farm file says so too. */
  g_assert_true (vdi_farm_flush (fixture->farm, &error));
  {
    g_autoptr(VdiFarm) reloaded = vdi_farm_new (vdi_farm_get_path (fixture->farm));
    g_autoptr(VdiTemplate) template = NULL;

    g_assert_true (vdi_farm_load (reloaded, NULL, &error));
    template = g_object_ref (vdi_farm_find_template (reloaded, "Win11"));
    g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_OK);
  }
}

static void
test_failure_and_retry (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) retry = NULL;
  VdiTarget *failed = NULL;
  guint n_failed = 0;

  setup (fixture, 3, 3, 40);

  /* One copy fails in the provider's words; the others go on. */
  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\": \"MigrateVirtualSystemToHost\", \"count\": 1,"
                    " \"fault\": \"job:32768\", \"message\": \"The network path was not found.\"}");
  g_assert_false (distribute (fixture, NULL, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "1 provider"));
  g_clear_error (&error);

  for (guint i = 0; i < 3; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      if (vdi_target_get_state (target) == VDI_TARGET_STATE_READY)
        continue;
      failed = target;
      n_failed++;
      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
      g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_FAILED);
      g_assert_nonnull (strstr (vdi_target_get_last_error (target),
                                "The network path was not found."));
      /* What succeeded is kept: the imported copy waits on the source for its move. */
      g_assert_cmpint (vdi_target_get_step (target), ==, VDI_TARGET_STEP_IMPORTED);
    }
  g_assert_cmpuint (n_failed, ==, 1);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_FAILED);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 2);

  /* Retry moves that copy, without exporting again. */
  sim_control_post (&fixture->sim, "counters/reset", "{}");
  vdi_distributor_retry_async (fixture->distributor, fixture->template, failed, NULL,
                               sim_store_result, &retry);
  g_assert_true (finish (fixture, &retry, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
  {
    g_autoptr(JsonNode) counters = sim_control_get (&fixture->sim, "counters");
    JsonObject *requests = json_object_get_object_member (provider_json (counters, "hv-src"),
                                                          "requests");

    g_assert_false (json_object_has_member (requests, "ExportSystemDefinition"));
  }
}

static void
test_unavailable_then_back (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VdiTarget *down;

  setup (fixture, 2, 2, 40);
  sim_control_post (&fixture->sim, "providers/hv-t2/offline", "{\"mode\": \"refuse\"}");
  g_assert_false (distribute (fixture, NULL, &error));
  g_clear_error (&error);

  down = target_of (fixture, 1);
  g_assert_cmpint (vdi_target_get_state (down), ==, VDI_TARGET_STATE_NOT_AVAILABLE);
  g_assert_cmpint (vdi_target_get_state (target_of (fixture, 0)), ==, VDI_TARGET_STATE_READY);

  /* When it answers again, distributing again completes it. */
  sim_control_post (&fixture->sim, "providers/hv-t2/online", "{}");
  g_assert_true (distribute (fixture, NULL, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
}

static gboolean
copying (gpointer data)
{
  return vdi_target_get_step (data) == VDI_TARGET_STEP_IMPORTED &&
         vdi_target_get_job (data) != NULL;
}

static void
test_cancel_then_resume (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VdiTarget *target;

  setup (fixture, 1, 1, 5);
  target = target_of (fixture, 0);

  vdi_distributor_distribute_async (fixture->distributor, fixture->template, cancellable,
                                    sim_store_result, &result);
  sim_wait_until (copying, target, 60000, "the copy to start");
  g_cancellable_cancel (cancellable);
  g_assert_false (finish (fixture, &result, &error));
  g_clear_error (&error);

  /* Cancelled mid-copy: the provider's job runs on; its handle is kept for the next run. */
  g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
  g_assert_cmpstr (vdi_target_get_last_error (target), ==, "Cancelled");
  g_assert_nonnull (vdi_target_get_job (target));

  /* A new distributor (a console restarted) follows that job and finds the copy in place. */
  g_clear_object (&fixture->distributor);
  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  g_assert_true (distribute (fixture, NULL, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
}

static void
test_add_and_remove (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) removed = NULL;
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(VdiProvider) extra = NULL;
  g_autoptr(VdiProvider) leaving = NULL;
  guint n_seen_adding = 0;

  setup (fixture, 3, 2, 40);

  /* Distribute to two, keep the third aside to add later. */
  extra = g_object_ref (g_ptr_array_index (fixture->targets, 2));
  g_assert_true (vdi_template_remove_target (fixture->template, extra, NULL));
  g_ptr_array_remove_index (fixture->targets, 2);
  g_assert_true (distribute (fixture, NULL, &error));

  vdi_distributor_add_provider_async (fixture->distributor, fixture->template, extra, NULL,
                                      sim_store_result, &added);
  if (vdi_template_get_distribution (fixture->template) == VDI_DISTRIBUTION_ADDING_PROVIDER)
    n_seen_adding++;
  g_assert_true (finish (fixture, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_seen_adding, ==, 1);
  g_assert_cmpuint (copies_on (fixture, "hv-t3"), ==, 1);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);

  /* Removing a provider destroys the copy there and drops the target. */
  leaving = g_object_ref (g_ptr_array_index (fixture->targets, 0));
  vdi_distributor_remove_provider_async (fixture->distributor, fixture->template, leaving, NULL,
                                         sim_store_result, &removed);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==,
                   VDI_DISTRIBUTION_REMOVING_PROVIDER);
  g_assert_true (finish (fixture, &removed, &error));
  g_assert_no_error (error);
  g_assert_null (vdi_template_find_target (fixture->template, leaving));
  g_assert_cmpuint (copies_on (fixture, "hv-t1"), ==, 0);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);

  /* It can come back: the new copy is made from a new export, in a folder of its own (Hyper-V
   * refuses to export into one that holds an export). */
  g_clear_object (&added);
  vdi_distributor_add_provider_async (fixture->distributor, fixture->template, leaving, NULL,
                                      sim_store_result, &added);
  g_assert_true (finish (fixture, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (copies_on (fixture, "hv-t1"), ==, 1);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);
  g_assert_cmpint (vdi_target_get_state (vdi_template_find_target (fixture->template, leaving)),
                   ==, VDI_TARGET_STATE_READY);
}

static void
test_remove_failed_target (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) removed = NULL;
  g_autoptr(VdiProvider) failed = NULL;

  setup (fixture, 2, 2, 40);

  /* A copy that failed to move waits on the source host... */
  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\": \"MigrateVirtualSystemToHost\", \"count\": 1,"
                    " \"fault\": \"job:32768\", \"message\": \"The network path was not found.\"}");
  g_assert_false (distribute (fixture, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 2);
  for (guint i = 0; i < 2; i++)
    if (vdi_target_get_state (target_of (fixture, i)) != VDI_TARGET_STATE_READY)
      failed = g_object_ref (g_ptr_array_index (fixture->targets, i));
  g_assert_nonnull (failed);

  /* ...and removing that provider removes it there. */
  vdi_distributor_remove_provider_async (fixture->distributor, fixture->template, failed, NULL,
                                         sim_store_result, &removed);
  g_assert_true (finish (fixture, &removed, &error));
  g_assert_no_error (error);
  g_assert_null (vdi_template_find_target (fixture->template, failed));
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);
  g_assert_cmpuint (copies_on (fixture, vdi_provider_get_name (failed)), ==, 0);
}

static gboolean
maintenance (Fixture  *fixture,
             gboolean  enter,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (enter)
    vdi_maintenance_enter_async (fixture->farm, fixture->credentials, fixture->template, NULL,
                                 sim_store_result, &result);
  else
    vdi_maintenance_leave_async (fixture->farm, fixture->credentials, fixture->template, NULL,
                                 sim_store_result, &result);
  sim_wait_result (&result, 60000, "maintenance");
  return vdi_maintenance_finish (result, error);
}

static void
test_maintenance (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old_copies = g_ptr_array_new_with_free_func (g_free);

  setup (fixture, 2, 2, 40);
  g_assert_true (distribute (fixture, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (old_copies, g_strdup (vdi_target_get_remote_vm_id (target_of (fixture, i))));

  /* In maintenance nothing is distributed: the admin is changing the template. */
  g_assert_true (maintenance (fixture, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==,
                   VDI_TEMPLATE_STATUS_MAINTENANCE);
  g_assert_false (maintenance (fixture, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (distribute (fixture, NULL, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_BUSY);
  g_clear_error (&error);

  /* Leaving: every copy is out of date and keeps serving until it is replaced. */
  g_assert_true (maintenance (fixture, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vdi_template_get_status (fixture->template), ==, VDI_TEMPLATE_STATUS_OK);
  for (guint i = 0; i < 2; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
      g_assert_cmpstr (vdi_target_get_outdated_vm_id (target), ==, old_copies->pdata[i]);
      g_assert_null (vdi_target_get_remote_vm_id (target));
    }

  /* The farm file remembers the outdated copies: a console closed now still replaces them. */
  g_assert_true (vdi_farm_flush (fixture->farm, &error));
  {
    g_autoptr(VdiFarm) reloaded = vdi_farm_new (vdi_farm_get_path (fixture->farm));
    VdiTemplate *template;
    g_autoptr(VdiTarget) target = NULL;

    g_assert_true (vdi_farm_load (reloaded, NULL, &error));
    template = vdi_farm_find_template (reloaded, "Win11");
    target = g_list_model_get_item (vdi_template_get_targets (template), 1);
    g_assert_cmpstr (vdi_target_get_outdated_vm_id (target), ==, old_copies->pdata[0]);
  }

  /* Distributing again puts a new copy in place of each old one, which then goes. */
  g_assert_true (distribute (fixture, NULL, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
  for (guint i = 0; i < 2; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_assert_null (vdi_target_get_outdated_vm_id (target));
      g_assert_cmpstr (vdi_target_get_remote_vm_id (target), !=, old_copies->pdata[i]);
    }
}

static void
test_single_provider_refused (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(VdiProvider) hv = vdi_provider_new ("p", "hv", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                "127.0.0.1", 1);
  g_autoptr(VdiTemplate) single = vdi_template_new (NULL, "single", hv, "vm");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  setup (fixture, 1, 1, 40);
  vdi_distributor_distribute_async (fixture->distributor, single, NULL, sim_store_result, &result);
  g_assert_false (finish (fixture, &result, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_NOT_SUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  /* Copies long enough (scenario: 10 GiB at 1 Gbit/s, about 86 s simulated) that the pipeline
   * can fill every slot while exports come one at a time. */
  static const Params n1 = { 3, 1, 40 };
  static const Params n3 = { 5, 3, 20 };
  static const Params n8 = { 8, 8, 10 };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, NULL, func, teardown)

  ADD ("/engine/distribute/concurrency-1", &n1, test_pipeline);
  ADD ("/engine/distribute/concurrency-3", &n3, test_pipeline);
  ADD ("/engine/distribute/concurrency-8", &n8, test_pipeline);
  ADD ("/engine/distribute/failure-and-retry", NULL, test_failure_and_retry);
  ADD ("/engine/distribute/unavailable-then-back", NULL, test_unavailable_then_back);
  ADD ("/engine/distribute/cancel-then-resume", NULL, test_cancel_then_resume);
  ADD ("/engine/distribute/add-and-remove", NULL, test_add_and_remove);
  ADD ("/engine/distribute/remove-failed-target", NULL, test_remove_failed_target);
  ADD ("/engine/distribute/maintenance", NULL, test_maintenance);
  ADD ("/engine/distribute/single-provider-refused", NULL, test_single_provider_refused);

#undef ADD

  return g_test_run ();
}
