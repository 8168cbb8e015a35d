/* test-distributor-relay.c: relay distribution (targets that hold the template feed others)
 * against vdi-provider-sim, judged by the simulator's own counters and inventory; and relay
 * off giving the provider jobs of the one-source distribution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-test-farm.h"
#include "vdi-distributor.h"
#include "vdi-maintenance.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"

/* The provider jobs a copy is made of, as the simulator counts their requests. */
static const char * const job_methods[] = {
  "ExportSystemDefinition",
  "ImportSystemDefinition",
  "RealizePlannedSystem",
  "MigrateVirtualSystemToHost",
};

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiDistributor *distributor;
  VdiTemplate    *template;
  GPtrArray      *targets;      /* VdiProvider */
  GPtrArray      *export_order; /* provider names, in the order their exports started */
  guint           n_bad_feeds;  /* exports started on a holder not Ready and up to date */
  char           *dir;
} Fixture;

/* Every host alike: the same uplink and downlink, so that a target that holds the template can
 * feed others as fast as the source. 10 GiB at 1 Gbit/s is about 86 s simulated per copy. */
static char *
scenario (guint n_targets)
{
  GString *json = g_string_new ("{ \"time_scale\": 40, \"hyperv_hosts\": [");

  g_string_append (json,
                   "{ \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
                   "  \"export_mbps\": 8000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
                   "  \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 10, \"state\": \"off\" } ] }");
  for (guint i = 1; i <= n_targets; i++)
    g_string_append_printf (json,
                            ", { \"name\": \"hv-t%u\", \"user\": \"admin\", \"password\": \""
                            PASSWORD "\", \"export_mbps\": 8000, \"down_mbps\": 1000,"
                            " \"up_mbps\": 1000, \"vms\": [] }", i);
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

static gint64
requests_of (JsonNode   *counters,
             const char *host,
             const char *method)
{
  JsonObject *requests = json_object_get_object_member (provider_json (counters, host),
                                                        "requests");

  return json_object_has_member (requests, method)
    ? json_object_get_int_member (requests, method) : 0;
}

/* Each export records its folder first: the order of those is the order exports started. */
static void
on_export_dir (VdiTarget  *target,
               GParamSpec *pspec,
               Fixture    *fixture)
{
  VdiProvider *feeder;
  VdiTarget *holder;

  if (vdi_target_get_export_dir (target) == NULL)
    return;
  g_ptr_array_add (fixture->export_order,
                   g_strdup (vdi_provider_get_name (vdi_target_get_provider (target))));

  /* Only the source and up-to-date copies feed others: never a target still copying, nor the
   * outdated copy one keeps serving after maintenance. */
  feeder = vdi_template_get_feeder (fixture->template, target);
  g_assert_nonnull (feeder);
  holder = vdi_template_find_target (fixture->template, feeder);
  if (!vdi_target_get_is_source (holder) &&
      (vdi_target_get_state (holder) != VDI_TARGET_STATE_READY ||
       vdi_target_get_outdated_vm_id (holder) != NULL ||
       vdi_target_get_remote_vm_id (holder) == NULL))
    fixture->n_bad_feeds++;
}

static void
setup (Fixture  *fixture,
       guint     n_targets,
       guint     concurrency,
       gboolean  relay)
{
  g_autofree char *json = scenario (n_targets);
  g_autofree char *path = NULL;
  g_autofree char *gold = NULL;
  g_autoptr(VdiProvider) source = NULL;
  g_autoptr(GError) error = NULL;

  sim_fixture_start (&fixture->sim, json);
  fixture->dir = vdi_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->farm = vdi_farm_new (path);
  fixture->credentials = vdi_credentials_new (FALSE);
  fixture->targets = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->export_order = g_ptr_array_new_with_free_func (g_free);

  source = add_provider (fixture, "hv-src");
  fixture->template = vdi_template_new (NULL, "Win11", source, GOLD);
  gold = sim_find_vm_id (&fixture->sim, "hv-src", GOLD);
  vdi_template_set_source_vm_id (fixture->template, gold);
  vdi_template_set_multi_provider (fixture->template, TRUE, NULL);
  for (guint i = 1; i <= n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%u", i);
      VdiProvider *provider = add_provider (fixture, name);
      VdiTarget *target;

      g_ptr_array_add (fixture->targets, provider);
      target = vdi_template_add_target (fixture->template, provider, NULL);
      g_assert_nonnull (target);
      g_signal_connect (target, "notify::export-dir", G_CALLBACK (on_export_dir), fixture);
    }
  g_assert_true (vdi_template_set_concurrency (fixture->template, concurrency, &error));
  vdi_template_set_relay (fixture->template, relay);
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (fixture->farm, TRUE);

  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  GListModel *targets;

  if (fixture->template != NULL)
    {
      targets = vdi_template_get_targets (fixture->template);
      for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

          g_signal_handlers_disconnect_by_data (target, fixture);
        }
    }
  g_clear_object (&fixture->distributor);
  if (fixture->farm != NULL)
    vdi_farm_flush (fixture->farm, NULL);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->farm);
  g_clear_object (&fixture->credentials);
  g_clear_pointer (&fixture->targets, g_ptr_array_unref);
  g_clear_pointer (&fixture->export_order, g_ptr_array_unref);
  sim_fixture_stop (&fixture->sim);
  if (fixture->dir != NULL)
    vdi_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
distribute (Fixture  *fixture,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_distributor_distribute_async (fixture->distributor, fixture->template, NULL,
                                    sim_store_result, &result);
  sim_wait_result (&result, 300000, "the distribution");
  return vdi_distributor_finish (fixture->distributor, result, error);
}

static VdiTarget *
target_of (Fixture *fixture,
           guint    i)
{
  return vdi_template_find_target (fixture->template, g_ptr_array_index (fixture->targets, i));
}

/* Every target Ready with exactly one copy, the source with its gold VM only: no planned VM
 * or half copy left anywhere. */
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
      g_assert_cmpuint (sim_count_vms (&fixture->sim, host, GOLD), ==, 1);
    }
  g_assert_cmpuint (sim_count_vms (&fixture->sim, "hv-src", GOLD), ==, 1);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);
  g_assert_cmpuint (fixture->n_bad_feeds, ==, 0);
}

static const char *
host_name (guint i)
{
  static char names[16][8];

  if (i == 0)
    return "hv-src";
  g_snprintf (names[i], sizeof names[i], "hv-t%u", i);
  return names[i];
}

/* Relay off is the one-source distribution, job for job: every export, import, realize and
 * move on the source, one of each per target, exports in the targets' order, as many copies
 * at once as the concurrency. Relay on, run the same way, does not give these counts, so the
 * comparison can fail. */
static void
test_off_same_jobs (Fixture       *fixture,
                    gconstpointer  data)
{
  gboolean relay = GPOINTER_TO_INT (data);
  const guint n_targets = 5, concurrency = 2;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  guint n_elsewhere = 0;

  setup (fixture, n_targets, concurrency, relay);
  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);

  counters = sim_control_get (&fixture->sim, "counters");
  for (guint m = 0; m < G_N_ELEMENTS (job_methods); m++)
    {
      gint64 on_source = requests_of (counters, "hv-src", job_methods[m]);

      g_test_message ("relay %s: %s on hv-src: %" G_GINT64_FORMAT, relay ? "on" : "off",
                      job_methods[m], on_source);
      if (!relay)
        g_assert_cmpint (on_source, ==, n_targets);
      for (guint i = 1; i <= n_targets; i++)
        n_elsewhere += requests_of (counters, host_name (i), job_methods[m]);
    }

  if (relay)
    {
      /* The control: relay moves work off the source, which the assertions above catch. */
      g_assert_cmpuint (n_elsewhere, >, 0);
      return;
    }

  g_assert_cmpuint (n_elsewhere, ==, 0);
  g_assert_cmpint (json_object_get_int_member (provider_json (counters, "hv-src"),
                                               "peak_concurrent_migrations_out"), ==,
                   concurrency);
  g_assert_cmpuint (fixture->export_order->len, ==, n_targets);
  for (guint i = 0; i < n_targets; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (fixture->export_order, i), ==, host_name (i + 1));
      g_assert_cmpstr (vdi_target_get_fed_from (target_of (fixture, i)), ==,
                       vdi_provider_get_id (vdi_template_get_source_provider (fixture->template)));
    }
}

/* Relay on: holders counted from the simulator's per-host peak of copies out. */
static void
test_relay_holders (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_targets = 7, concurrency = 4;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  guint n_holders = 0, n_fed_by_targets = 0;

  setup (fixture, n_targets, concurrency, TRUE);
  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);

  counters = sim_control_get (&fixture->sim, "counters");
  for (guint i = 0; i <= n_targets; i++)
    {
      JsonObject *host = provider_json (counters, host_name (i));
      gint64 peak_out = json_object_get_int_member (host, "peak_concurrent_migrations_out");
      gint64 moves = requests_of (counters, host_name (i), "MigrateVirtualSystemToHost");
      guint n_fed = 0;

      /* One export at a time on every holder, and one copy out of it at a time. */
      g_assert_cmpint (json_object_get_int_member (host, "peak_concurrent_exports"), <=, 1);
      g_assert_cmpint (peak_out, <=, 1);
      n_holders += peak_out > 0;

      /* The targets say where their copy came from, and the hosts agree. */
      for (guint t = 0; t < n_targets; t++)
        {
          const char *fed_from = vdi_target_get_fed_from (target_of (fixture, t));
          VdiProvider *feeder = vdi_template_get_feeder (fixture->template,
                                                         target_of (fixture, t));

          g_assert_nonnull (fed_from);
          g_assert_nonnull (feeder);
          n_fed += g_str_equal (vdi_provider_get_name (feeder), host_name (i));
        }
      g_test_message ("%s: fed %u, peak copies out %" G_GINT64_FORMAT, host_name (i), n_fed,
                      peak_out);
      g_assert_cmpint (moves, ==, n_fed);
      g_assert_cmpint (requests_of (counters, host_name (i), "ExportSystemDefinition"), ==, n_fed);
      if (i > 0)
        n_fed_by_targets += n_fed;
    }

  /* The source moves one copy at a time, so by the time the first copy is in place targets are
   * still waiting: that first target feeds at least one. */
  g_assert_cmpuint (n_holders, >=, 2);
  g_assert_cmpuint (n_fed_by_targets, >=, 1);
}

/* Distributes to hv-t1 alone (it becomes a holder), then adds hv-t2 with @faults injected
 * (each a host and a fault rule), and returns how the add ended. */
static gboolean
add_second_target (Fixture             *fixture,
                   const char * const  *faults,
                   GError             **error)
{
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(GError) local_error = NULL;
  VdiProvider *second;

  setup (fixture, 2, 2, TRUE);
  second = g_ptr_array_index (fixture->targets, 1);
  g_assert_true (vdi_template_remove_target (fixture->template, second, NULL));
  g_assert_true (distribute (fixture, &local_error));
  g_assert_no_error (local_error);

  for (guint i = 0; faults[i] != NULL; i += 2)
    {
      g_autofree char *path = g_strdup_printf ("providers/%s/faults", faults[i]);

      sim_control_post (&fixture->sim, path, faults[i + 1]);
    }
  sim_control_post (&fixture->sim, "counters/reset", "{}");
  vdi_distributor_add_provider_async (fixture->distributor, fixture->template, second, NULL,
                                      sim_store_result, &added);
  sim_wait_result (&added, 300000, "the added provider");
  return vdi_distributor_finish (fixture->distributor, added, error);
}

#define DISK_FULL "There is not enough space on the disk. (0x80070070)"

/* The first holder fails the copy after its import: the planned VM it left is removed there,
 * and the copy comes from the other holder. */
static void
test_holder_fails_refeed (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char * const faults[] = {
    "hv-src", "{\"method\": \"RealizePlannedSystem\", \"count\": 1, \"fault\": \"job:32768\","
              " \"message\": \"" DISK_FULL "\"}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  VdiTarget *second;

  g_assert_true (add_second_target (fixture, faults, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);

  second = target_of (fixture, 1);
  g_assert_cmpstr (vdi_provider_get_name (vdi_template_get_feeder (fixture->template, second)),
                   ==, "hv-t1");
  counters = sim_control_get (&fixture->sim, "counters");
  g_assert_cmpint (requests_of (counters, "hv-src", "RealizePlannedSystem"), ==, 1);
  /* The planned VM it left there was removed (assert_all_ready() counted one VM on it). */
  g_assert_cmpint (requests_of (counters, "hv-src", "DestroySystem"), >=, 1);
  g_assert_cmpint (requests_of (counters, "hv-t1", "ExportSystemDefinition"), ==, 1);
  g_assert_cmpint (requests_of (counters, "hv-t1", "MigrateVirtualSystemToHost"), ==, 1);
}

/* The first holder's disk has no room for the export a copy needs there (the simulator
 * promises an export its disk's size on the exporting host): the export fails at once, in
 * Hyper-V's words, and the copy comes from the other holder. */
static void
test_holder_disk_full (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  VdiTarget *second;

  /* hv-t1 becomes a holder; then the source's disk fills (less than the 10 GB a copy takes). */
  setup (fixture, 2, 2, TRUE);
  {
    VdiProvider *hv_t2 = g_ptr_array_index (fixture->targets, 1);
    g_autoptr(GAsyncResult) added = NULL;

    g_assert_true (vdi_template_remove_target (fixture->template, hv_t2, NULL));
    g_assert_true (distribute (fixture, &error));
    g_assert_no_error (error);
    sim_control_post (&fixture->sim, "providers/hv-src/settings", "{\"free_gb\": 5}");
    sim_control_post (&fixture->sim, "counters/reset", "{}");
    vdi_distributor_add_provider_async (fixture->distributor, fixture->template, hv_t2, NULL,
                                        sim_store_result, &added);
    sim_wait_result (&added, 300000, "the added provider");
    g_assert_true (vdi_distributor_finish (fixture->distributor, added, &error));
    g_assert_no_error (error);
  }
  assert_all_ready (fixture);

  second = target_of (fixture, 1);
  g_assert_cmpstr (vdi_provider_get_name (vdi_template_get_feeder (fixture->template, second)),
                   ==, "hv-t1");
  counters = sim_control_get (&fixture->sim, "counters");
  /* The source was asked once, refused for want of space, and not asked again. */
  g_assert_cmpint (requests_of (counters, "hv-src", "ExportSystemDefinition"), ==, 1);
  g_assert_cmpint (requests_of (counters, "hv-src", "MigrateVirtualSystemToHost"), ==, 0);
  g_assert_cmpint (requests_of (counters, "hv-t1", "ExportSystemDefinition"), ==, 1);
  g_assert_cmpint (requests_of (counters, "hv-t1", "MigrateVirtualSystemToHost"), ==, 1);
}

/* Both holders fail it: fed once more, not twice, then Needs update in the provider's words;
 * Retry then brings it up to date. */
static void
test_holders_fail_needs_update (Fixture       *fixture,
                                gconstpointer  data)
{
  static const char * const faults[] = {
    "hv-src", "{\"method\": \"ExportSystemDefinition\", \"count\": 1, \"fault\": \"job:32768\","
              " \"message\": \"" DISK_FULL "\"}",
    "hv-t1", "{\"method\": \"ExportSystemDefinition\", \"count\": 1, \"fault\": \"job:32768\","
             " \"message\": \"" DISK_FULL "\"}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  g_autoptr(GAsyncResult) retried = NULL;
  VdiTarget *second;

  g_assert_false (add_second_target (fixture, faults, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED);
  g_clear_error (&error);

  second = target_of (fixture, 1);
  g_assert_cmpint (vdi_target_get_state (second), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
  g_assert_nonnull (strstr (vdi_target_get_last_error (second), DISK_FULL));
  /* The other target is untouched. */
  g_assert_cmpint (vdi_target_get_state (target_of (fixture, 0)), ==, VDI_TARGET_STATE_READY);
  counters = sim_control_get (&fixture->sim, "counters");
  g_assert_cmpint (requests_of (counters, "hv-src", "ExportSystemDefinition") +
                   requests_of (counters, "hv-t1", "ExportSystemDefinition"), ==, 2);
  g_assert_cmpint (requests_of (counters, "hv-src", "ExportSystemDefinition"), ==, 1);

  vdi_distributor_retry_async (fixture->distributor, fixture->template, second, NULL,
                               sim_store_result, &retried);
  sim_wait_result (&retried, 300000, "the retry");
  g_assert_true (vdi_distributor_finish (fixture->distributor, retried, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
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

/* After leaving maintenance every copy is outdated and keeps serving until replaced: only the
 * new copies feed others (checked at every export by on_export_dir()). */
static void
test_after_maintenance (Fixture       *fixture,
                        gconstpointer  data)
{
  const guint n_targets = 4;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old_copies = g_ptr_array_new_with_free_func (g_free);
  guint n_fed_by_targets = 0;

  setup (fixture, n_targets, 2, TRUE);
  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n_targets; i++)
    g_ptr_array_add (old_copies, g_strdup (vdi_target_get_remote_vm_id (target_of (fixture, i))));

  g_assert_true (maintenance (fixture, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (maintenance (fixture, FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
  for (guint i = 0; i < n_targets; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_assert_null (vdi_target_get_outdated_vm_id (target));
      g_assert_cmpstr (vdi_target_get_remote_vm_id (target), !=, old_copies->pdata[i]);
      n_fed_by_targets += !vdi_target_get_is_source (
        vdi_template_find_target (fixture->template,
                                  vdi_template_get_feeder (fixture->template, target)));
    }
  /* The source sends one copy at a time: the first new copy feeds at least one other. */
  g_assert_cmpuint (n_fed_by_targets, >=, 1);
}

typedef struct
{
  Fixture     *fixture;
  VdiProvider *holder;
  VdiTarget   *found;
} HolderWait;

/* A target whose copy from @holder is moving (imported, its move job recorded). */
static gboolean
copying_from (gpointer data)
{
  HolderWait *wait = data;

  for (guint i = 0; i < wait->fixture->targets->len; i++)
    {
      VdiTarget *target = target_of (wait->fixture, i);

      if (target != NULL && vdi_template_get_feeder (wait->fixture->template, target) == wait->holder &&
          vdi_target_get_step (target) == VDI_TARGET_STEP_IMPORTED &&
          vdi_target_get_job (target) != NULL)
        {
          wait->found = target;
          return TRUE;
        }
    }
  return FALSE;
}

/* A holder that stops answering mid-copy fails only the copy it was feeding, which goes to
 * another holder at once; what the silent holder had under way is recorded as a stray and
 * removed once found (its move, which goes on, may land on the target late), so that once it
 * answers again one Retry leaves one copy each and nothing recorded. */
static void
test_holder_offline_mid_copy (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) leaving = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) retried = NULL;
  HolderWait wait = { fixture, NULL, NULL };
  gboolean late = GPOINTER_TO_INT (data);
  guint n_failed = 0;

  setup (fixture, 3, 2, TRUE);
  for (guint i = 1; i < 3; i++)
    {
      g_ptr_array_add (leaving, g_object_ref (g_ptr_array_index (fixture->targets, i)));
      g_assert_true (vdi_template_remove_target (fixture->template,
                                                 g_ptr_array_index (fixture->targets, i), NULL));
    }
  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);

  /* Two copies at once: one from the source, the other from hv-t1, the idle holder. Slowly
   * enough that the copy is still moving when hv-t1 goes, however loaded the machine. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 4}");
  vdi_distributor_add_provider_async (fixture->distributor, fixture->template, leaving->pdata[0],
                                      NULL, sim_store_result, &first);
  vdi_distributor_add_provider_async (fixture->distributor, fixture->template, leaving->pdata[1],
                                      NULL, sim_store_result, &second);
  wait.holder = g_ptr_array_index (fixture->targets, 0);
  sim_wait_until (copying_from, &wait, 120000, "a copy to leave hv-t1");
  /* With @data, hv-t1's move crawls from then on: it cannot land before the new copy ends. */
  if (late)
    sim_control_post (&fixture->sim, "providers/hv-t1/settings", "{\"up_mbps\": 1}");
  sim_control_post (&fixture->sim, "providers/hv-t1/offline", "{\"mode\": \"refuse\"}");
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  sim_wait_result (&first, 300000, "the first added provider");
  sim_wait_result (&second, 300000, "the second added provider");
  n_failed += !vdi_distributor_finish (fixture->distributor, first, NULL);
  n_failed += !vdi_distributor_finish (fixture->distributor, second, NULL);

  /* Nothing failed: the copy hv-t1 was feeding came from another holder. */
  g_assert_cmpuint (n_failed, ==, 0);
  g_assert_nonnull (wait.found);
  for (guint i = 1; i < 3; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_test_message ("%s: %s, from %s, %u stray(s)",
                      vdi_provider_get_name (vdi_target_get_provider (target)),
                      vdi_enum_get_nick (VDI_TYPE_TARGET_STATE, vdi_target_get_state (target)),
                      vdi_provider_get_name (vdi_template_get_feeder (fixture->template, target)),
                      vdi_target_get_n_strays (target));
      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_READY);
      g_assert_cmpstr (vdi_provider_get_name (vdi_template_get_feeder (fixture->template, target)),
                       !=, "hv-t1");
      if (target != wait.found)
        g_assert_cmpuint (vdi_target_get_n_strays (target), ==, 0);
    }
  /* Still recorded, hv-t1 and what it was moving named, unless its move had landed by the end
   * of the new copy and was removed from the target then. */
  if (late)
    g_assert_cmpuint (vdi_target_get_n_strays (wait.found), ==, 1);
  if (vdi_target_get_n_strays (wait.found) > 0)
    {
      const VdiTargetStray *stray = vdi_target_get_stray (wait.found, 0);

      g_assert_cmpstr (stray->provider_id, ==,
                       vdi_provider_get_id (g_ptr_array_index (fixture->targets, 0)));
      g_assert_true (stray->vm_id != NULL || stray->job != NULL);
      /* Its own copy only, so far. */
      g_assert_cmpuint (sim_count_vms (&fixture->sim,
                                       vdi_provider_get_name (vdi_target_get_provider (wait.found)),
                                       GOLD), ==, 1);
    }

  /* While hv-t1 is silent, the target cannot leave the template: the move may still land
   * there, and its record would go with the target. Nothing is removed. hv-t1 is Not available,
   * as the console's checks would have found by then: it is not even asked. */
  if (late)
    {
      g_autoptr(GAsyncResult) removed = NULL;
      VdiProvider *provider = vdi_target_get_provider (wait.found);
      VdiProvider *silent = g_ptr_array_index (fixture->targets, 0);

      vdi_provider_set_status (silent, VDI_PROVIDER_STATUS_NOT_AVAILABLE, "Connection refused");
      sim_control_post (&fixture->sim, "counters/reset", "{}");

      vdi_distributor_remove_provider_async (fixture->distributor, fixture->template, provider,
                                             NULL, sim_store_result, &removed);
      sim_wait_result (&removed, 300000, "the removal");
      g_assert_false (vdi_distributor_finish (fixture->distributor, removed, NULL));
      g_assert_true (vdi_template_find_target (fixture->template, provider) == wait.found);
      g_test_message ("removal: %s", vdi_target_get_last_error (wait.found));
      g_assert_nonnull (strstr (vdi_target_get_last_error (wait.found), "hv-t1"));
      g_assert_cmpint (vdi_target_get_state (wait.found), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
      g_assert_cmpuint (vdi_target_get_n_strays (wait.found), ==, 1);
      g_assert_cmpuint (sim_count_vms (&fixture->sim, vdi_provider_get_name (provider), GOLD),
                        ==, 1);
      /* The target was looked at; nothing was asked of it beyond that, nothing destroyed. */
      {
        g_autoptr(JsonNode) counters = sim_control_get (&fixture->sim, "counters");

        g_assert_cmpint (requests_of (counters, vdi_provider_get_name (provider),
                                      "DestroySystem"), ==, 0);
      }
      vdi_provider_set_status (silent, VDI_PROVIDER_STATUS_READY, NULL);
    }
  else
    g_assert_cmpuint (sim_count_vms (&fixture->sim,
                                     vdi_provider_get_name (vdi_target_get_provider (wait.found)),
                                     GOLD), ==, 1);

  /* Back online, one Retry: what hv-t1 left is found, wherever its move ended, and removed. */
  sim_control_post (&fixture->sim, "providers/hv-t1/settings", "{\"up_mbps\": 1000}");
  sim_control_post (&fixture->sim, "providers/hv-t1/online", "{}");
  vdi_distributor_retry_async (fixture->distributor, fixture->template, wait.found, NULL,
                               sim_store_result, &retried);
  sim_wait_result (&retried, 300000, "the retry");
  g_assert_true (vdi_distributor_finish (fixture->distributor, retried, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
  g_assert_cmpuint (vdi_target_get_n_strays (wait.found), ==, 0);
}

static gboolean
first_copy_moving (gpointer data)
{
  return vdi_target_get_step (data) == VDI_TARGET_STEP_IMPORTED &&
         vdi_target_get_job (data) != NULL;
}

/* Cancel while copies wait for a holder: the run ends at once (those that waited never
 * started), and a new distributor (a console restarted) finishes with one copy each. */
static void
test_cancel_while_waiting (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  setup (fixture, 3, 1, TRUE);
  /* Slowly enough that the first copy still moves when the cancel comes. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 4}");
  vdi_distributor_distribute_async (fixture->distributor, fixture->template, cancellable,
                                    sim_store_result, &result);
  sim_wait_until (first_copy_moving, target_of (fixture, 0), 300000, "the first copy to move");
  g_cancellable_cancel (cancellable);
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  sim_wait_result (&result, 300000, "the cancelled distribution");
  g_assert_false (vdi_distributor_finish (fixture->distributor, result, &error));
  g_clear_error (&error);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (vdi_target_get_state (target_of (fixture, i)), ==,
                       VDI_TARGET_STATE_NEEDS_UPDATE);
      g_assert_cmpstr (vdi_target_get_last_error (target_of (fixture, i)), ==, "Cancelled");
    }
  /* The last one never got a holder: nothing of it was started. */
  g_assert_null (vdi_target_get_export_dir (target_of (fixture, 2)));

  g_clear_object (&fixture->distributor);
  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
  g_assert_true (distribute (fixture, &error));
  g_assert_no_error (error);
  assert_all_ready (fixture);
}

/* The setting and where each copy came from are stored, in JSON and SQLite; a farm from before
 * relay existed loads with relay off. */
static void
test_stored (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *files[] = { "copy.json", "copy.db" };

  setup (fixture, 2, 2, TRUE);
  vdi_target_set_fed_from (target_of (fixture, 1),
                           vdi_provider_get_id (g_ptr_array_index (fixture->targets, 0)));

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, files[f], NULL);
      g_autoptr(VdiFarm) reloaded = vdi_farm_new (path);
      VdiTemplate *template;
      VdiTarget *target;

      g_assert_true (vdi_farm_export (fixture->farm, path, &error));
      g_assert_no_error (error);
      g_assert_true (vdi_farm_load (reloaded, NULL, &error));
      g_assert_no_error (error);
      template = vdi_farm_find_template (reloaded, "Win11");
      g_assert_true (vdi_template_get_relay (template));
      target = vdi_template_find_target (template, vdi_farm_find_provider (reloaded, "hv-t2"));
      g_assert_cmpstr (vdi_provider_get_name (vdi_template_get_feeder (template, target)), ==,
                       "hv-t1");
    }

  /* The SQLite store's own columns say it too, for queries of the shared farm. */
  {
    g_autofree char *path = g_build_filename (fixture->dir, "copy.db", NULL);
    g_autofree char *sql = g_strdup_printf ("SELECT t.relay, g.fed_from FROM templates t "
                                            "JOIN targets g ON g.template_id = t.id "
                                            "WHERE g.provider_id = '%s';",
                                            vdi_provider_get_id (g_ptr_array_index (fixture->targets,
                                                                                    1)));
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 1), ==,
                     vdi_provider_get_id (g_ptr_array_index (fixture->targets, 0)));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  /* A farm file without the setting: relay off. */
  {
    g_autofree char *path = g_build_filename (fixture->dir, "copy.json", NULL);
    g_autofree char *old_path = g_build_filename (fixture->dir, "old.json", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GRegex) regex = g_regex_new ("\\s*\"relay\"\\s*:\\s*true\\s*,?", 0, 0, NULL);
    g_autofree char *old_text = NULL;
    g_autoptr(VdiFarm) old = vdi_farm_new (old_path);

    g_assert_true (g_file_get_contents (path, &text, NULL, &error));
    old_text = g_regex_replace_literal (regex, text, -1, 0, "", 0, &error);
    g_assert_null (strstr (old_text, "\"relay\""));
    g_assert_true (g_file_set_contents (old_path, old_text, -1, &error));
    g_assert_true (vdi_farm_load (old, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (vdi_template_get_relay (vdi_farm_find_template (old, "Win11")));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, NULL, func, teardown)

  ADD ("/engine/relay/off-same-jobs", GINT_TO_POINTER (FALSE), test_off_same_jobs);
  ADD ("/engine/relay/on-differs", GINT_TO_POINTER (TRUE), test_off_same_jobs);
  ADD ("/engine/relay/holders", NULL, test_relay_holders);
  ADD ("/engine/relay/stored", NULL, test_stored);
  ADD ("/engine/relay/after-maintenance", NULL, test_after_maintenance);
  ADD ("/engine/relay/holder-offline-mid-copy", GINT_TO_POINTER (FALSE),
       test_holder_offline_mid_copy);
  ADD ("/engine/relay/holder-offline-move-lands-late", GINT_TO_POINTER (TRUE),
       test_holder_offline_mid_copy);
  ADD ("/engine/relay/cancel-while-waiting", NULL, test_cancel_while_waiting);
  ADD ("/engine/relay/holder-fails-refeed", NULL, test_holder_fails_refeed);
  ADD ("/engine/relay/holders-fail-needs-update", NULL, test_holders_fail_needs_update);
  ADD ("/engine/relay/holder-disk-full", NULL, test_holder_disk_full);

#undef ADD

  return g_test_run ();
}
