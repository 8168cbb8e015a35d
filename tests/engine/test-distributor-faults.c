/* test-distributor-faults.c: every fault vdi-provider-sim can inject during a Hyper-V
 * distribution ends in the State DESIGN §2 gives (Needs update when a provider answers with an
 * error, Not available when it does not answer), with the provider's words or a clear message;
 * the other targets go on; Retry then completes, and the simulator's inventory holds exactly one
 * copy per target and nothing half made: no planned VM, no copy left on the source, no export
 * that no target records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-backend-budget.h"
#include "vdi-backend-factory.h"
#include "vdi-distributor.h"
#include "vdi-hyperv-backend.h"
#include "vdi-test-farm.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiDistributor *distributor;
  VdiTemplate    *template;
  VdiProvider    *source;
  GPtrArray      *targets;   /* VdiProvider */
  char           *dir;
  const char     *landing;   /* a host a copy is expected on */
} Fixture;

/* What a case changes in the world before the distribution starts. */
typedef struct
{
  guint       n_targets;
  guint       concurrency;
  double      time_scale;
  double      export_mbps;
} World;

/* hv-src holds the 10 GiB gold VM; each copy crosses a 1 Gbit/s link into its target, about
 * 86 simulated seconds, so a test can act while one runs. Every target host has a disk of
 * 100 GiB free. */
static char *
scenario (const World *world)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{ \"time_scale\": %g, \"hyperv_hosts\": [", world->time_scale);
  g_string_append_printf (json,
                          "{ \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \""
                          PASSWORD "\", \"export_mbps\": %g, \"up_mbps\": 1000000,"
                          "  \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 10 } ] }",
                          world->export_mbps > 0 ? world->export_mbps : 100000);
  for (guint i = 1; i <= world->n_targets; i++)
    g_string_append_printf (json,
                            ", { \"name\": \"hv-t%u\", \"user\": \"admin\", \"password\": \""
                            PASSWORD "\", \"down_mbps\": 1000, \"free_gb\": 100 }", i);
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

/* How many VMs named GOLD @host holds, planned ones included. */
static guint
copies_on (Fixture    *fixture,
           const char *host)
{
  return sim_count_vms (&fixture->sim, host, GOLD);
}

static void
fixture_start (Fixture     *fixture,
               const World *world)
{
  g_autofree char *json = scenario (world);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) inventory = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *vms;

  sim_fixture_start (&fixture->sim, json);
  fixture->dir = vdi_test_make_tmpdir ();
  path = g_build_filename (fixture->dir, "farm.json", NULL);
  fixture->farm = vdi_farm_new (path);
  fixture->credentials = vdi_credentials_new (FALSE);
  fixture->targets = g_ptr_array_new_with_free_func (g_object_unref);

  fixture->source = add_provider (fixture, "hv-src");
  fixture->template = vdi_template_new (NULL, "Win11", fixture->source, GOLD);
  inventory = sim_control_get (&fixture->sim, "inventory");
  vms = json_object_get_array_member (sim_inventory_provider (inventory, "hv-src"), "vms");
  vdi_template_set_source_vm_id (fixture->template,
                                 json_object_get_string_member (
                                   json_array_get_object_element (vms, 0), "id"));
  vdi_template_set_multi_provider (fixture->template, TRUE, NULL);
  for (guint i = 1; i <= world->n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%u", i);
      VdiProvider *target = add_provider (fixture, name);

      g_ptr_array_add (fixture->targets, target);
      g_assert_nonnull (vdi_template_add_target (fixture->template, target, NULL));
    }
  g_assert_true (vdi_template_set_concurrency (fixture->template, world->concurrency, &error));
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (fixture->farm, TRUE);

  fixture->distributor = vdi_distributor_new (fixture->farm, fixture->credentials);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_unsetenv ("VDI_PROBE_TIMEOUT");
  g_unsetenv ("VDI_SILENCE_TIMEOUT");
  g_clear_object (&fixture->distributor);
  if (fixture->farm != NULL)
    vdi_farm_flush (fixture->farm, NULL);
  g_clear_object (&fixture->template);
  g_clear_object (&fixture->source);
  g_clear_object (&fixture->farm);
  g_clear_object (&fixture->credentials);
  g_clear_pointer (&fixture->targets, g_ptr_array_unref);
  sim_fixture_stop (&fixture->sim);
  vdi_test_rm_rf (fixture->dir);
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

static void
start_distribution (Fixture       *fixture,
                    GAsyncResult **slot)
{
  vdi_distributor_distribute_async (fixture->distributor, fixture->template, NULL,
                                    sim_store_result, slot);
}

static VdiTarget *
target_of (Fixture *fixture,
           guint    i)
{
  return vdi_template_find_target (fixture->template, g_ptr_array_index (fixture->targets, i));
}

static const char *
host_of (Fixture *fixture,
         guint    i)
{
  return vdi_provider_get_name (g_ptr_array_index (fixture->targets, i));
}

/* Retries every target that is not Ready, one Retry each, as the admin does in the
 * Distribution details, and waits for them all. */
static void
retry_failed (Fixture *fixture)
{
  guint n = fixture->targets->len;
  g_autofree GAsyncResult **slots = g_new0 (GAsyncResult *, n);
  g_autofree gboolean *retried = g_new0 (gboolean, n);

  for (guint i = 0; i < n; i++)
    {
      if (vdi_target_get_state (target_of (fixture, i)) == VDI_TARGET_STATE_READY)
        continue;
      retried[i] = TRUE;
      vdi_distributor_retry_async (fixture->distributor, fixture->template,
                                   target_of (fixture, i), NULL, sim_store_result, &slots[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!retried[i])
        continue;
      g_assert_true (finish (fixture, &slots[i], &error));
      g_assert_no_error (error);
      g_object_unref (slots[i]);
    }
}

/* Every target Ready with one copy; the source holds the gold VM and nothing else; no planned
 * VM anywhere; each export on the source is one a target records, one per target. */
static void
assert_done_and_clean (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  JsonArray *exports = json_object_get_array_member (sim_inventory_provider (inventory, "hv-src"),
                                                     "exports");

  for (guint i = 0; i < fixture->targets->len; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_READY);
      g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_OK);
      g_assert_null (vdi_target_get_last_error (target));
      g_assert_null (vdi_target_get_job (target));
      g_assert_cmpuint (copies_on (fixture, host_of (fixture, i)), ==, 1);
    }
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_OK);

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonArray *vms = json_object_get_array_member (json_array_get_object_element (providers, i),
                                                     "vms");

      for (guint k = 0; k < json_array_get_length (vms); k++)
        g_assert_false (json_object_get_boolean_member (json_array_get_object_element (vms, k),
                                                        "planned"));
    }

  g_assert_cmpuint (json_array_get_length (exports), ==, fixture->targets->len);
  for (guint e = 0; e < json_array_get_length (exports); e++)
    {
      const char *directory = json_object_get_string_member (
        json_array_get_object_element (exports, e), "directory");
      guint owners = 0;

      for (guint i = 0; i < fixture->targets->len; i++)
        owners += g_str_has_prefix (directory, vdi_target_get_export_dir (target_of (fixture, i)));
      g_test_message ("export %s: recorded by %u target(s)", directory, owners);
      g_assert_cmpuint (owners, ==, 1);
    }
}

/* The one target that is not Ready: its State and its words. */
static guint
assert_one_failed (Fixture       *fixture,
                   VdiTargetState state,
                   const char    *words)
{
  guint failed = G_MAXUINT;

  for (guint i = 0; i < fixture->targets->len; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      if (vdi_target_get_state (target) == VDI_TARGET_STATE_READY)
        {
          g_assert_cmpuint (copies_on (fixture, host_of (fixture, i)), ==, 1);
          continue;
        }
      g_test_message ("%s: %s", host_of (fixture, i), vdi_target_get_last_error (target));
      g_assert_cmpuint (failed, ==, G_MAXUINT);
      failed = i;
      g_assert_cmpint (vdi_target_get_state (target), ==, state);
      g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_FAILED);
      g_assert_nonnull (strstr (vdi_target_get_last_error (target), words));
    }
  g_assert_cmpuint (failed, !=, G_MAXUINT);
  g_assert_cmpint (vdi_template_get_distribution (fixture->template), ==, VDI_DISTRIBUTION_FAILED);
  return failed;
}

/* Waits for the distribution to end, which it must do in failure. */
static void
finish_failed (Fixture       *fixture,
               GAsyncResult **slot)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (finish (fixture, slot, &error));
  g_assert_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED);
}

static gboolean
copying (gpointer data)
{
  return vdi_target_get_step (data) == VDI_TARGET_STEP_IMPORTED &&
         vdi_target_get_job (data) != NULL;
}

static gboolean
exporting (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(JsonNode) counters = sim_control_get (&fixture->sim, "counters");
  JsonObject *source = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-src");

  return json_object_get_int_member (source, "concurrent_exports") > 0;
}

/* Offline before the export: the source does not answer, so no target can be copied to; each
 * is Not available in the system's words. Back online, Retry completes them. */
static void
test_source_offline_before_export (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;

  fixture_start (fixture, &world);
  sim_control_post (&fixture->sim, "providers/hv-src/offline", "{\"mode\": \"refuse\"}");
  start_distribution (fixture, &result);
  finish_failed (fixture, &result);

  for (guint i = 0; i < 2; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_test_message ("%s: %s", host_of (fixture, i), vdi_target_get_last_error (target));
      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NOT_AVAILABLE);
      /* It names the provider that does not answer: the source, not the target. */
      g_assert_nonnull (strstr (vdi_target_get_last_error (target), "hv-src: Could not connect"));
      g_assert_cmpuint (copies_on (fixture, host_of (fixture, i)), ==, 0);
    }

  sim_control_post (&fixture->sim, "providers/hv-src/online", "{}");
  retry_failed (fixture);
  assert_done_and_clean (fixture);
}

static gboolean
not_available (gpointer data)
{
  return vdi_target_get_state (data) == VDI_TARGET_STATE_NOT_AVAILABLE;
}

/* How a host goes away: it refuses connections, or it hangs (accepts, never answers). A hung
 * host is found by the budgets, shortened here so that the test does not wait the defaults;
 * how long it took is printed, not asserted. */
typedef struct
{
  const char *mode;
  const char *words;   /* what the targets' errors say */
} Outage;

static const Outage source_refuses = { "refuse", "Could not connect" };
static const Outage source_hangs = { "hang", "answer" };
static const Outage target_refuses = { "refuse", NULL };
static const Outage target_hangs = { "hang", NULL };

static gint64
take_offline (Fixture      *fixture,
              const char   *host,
              const Outage *outage)
{
  g_autofree char *path = g_strdup_printf ("providers/%s/offline", host);
  g_autofree char *body = g_strdup_printf ("{\"mode\": \"%s\"}", outage->mode);

  sim_control_post (&fixture->sim, path, body);
  return g_get_monotonic_time ();
}

static void
print_outage_time (const Outage *outage,
                   const char   *what,
                   gint64        since)
{
  g_test_message ("%s: %s %.1f s after the host went away "
                  "(probe deadline %.1f s, silence budget %.1f s)", outage->mode, what,
                  (g_get_monotonic_time () - since) / 1e6,
                  vdi_backend_get_probe_timeout_ms () / 1000.0,
                  vdi_backend_get_silence_timeout_ms () / 1000.0);
}

/* Offline during the export: the host goes on exporting, but the console cannot see it end;
 * the targets are Not available, a hung source within the silence budget rather than after
 * several full timeouts. Retry follows the export the host made rather than making another
 * beside it. */
static void
test_source_offline_during_export (Fixture       *fixture,
                                   gconstpointer  data)
{
  /* A 10 GiB export at 4 Gbit/s: about 21 seconds at this scale. */
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 1,
                               .export_mbps = 4000 };
  const Outage *outage = data;
  g_autoptr(GAsyncResult) result = NULL;
  guint n_exports;
  gint64 since;

  g_setenv ("VDI_SILENCE_TIMEOUT", "4", TRUE);
  fixture_start (fixture, &world);
  start_distribution (fixture, &result);
  sim_wait_until (exporting, fixture, SIM_TEST_TIMEOUT_MS, "the first export");
  since = take_offline (fixture, "hv-src", outage);
  finish_failed (fixture, &result);
  print_outage_time (outage, "every target Not available", since);

  for (guint i = 0; i < 2; i++)
    {
      VdiTarget *target = target_of (fixture, i);

      g_test_message ("%s: %s", host_of (fixture, i), vdi_target_get_last_error (target));
      g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NOT_AVAILABLE);
      g_assert_nonnull (strstr (vdi_target_get_last_error (target), outage->words));
    }

  /* The host finished the export on its own meanwhile. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  sim_control_post (&fixture->sim, "providers/hv-src/online", "{}");
  {
    g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");

    n_exports = json_array_get_length (json_object_get_array_member (
                                         sim_inventory_provider (inventory, "hv-src"), "exports"));
  }
  g_assert_cmpuint (n_exports, <=, 1);
  retry_failed (fixture);
  assert_done_and_clean (fixture);
}

/* A target that stops answering during its copy: the source host breaks the copy off, the
 * console's probe of the target gets no answer (within its deadline, when the target hangs),
 * the target is Not available, the other target goes on. Back online, Retry moves the copy
 * that waits on the source. */
static void
test_target_offline_during_copy (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 10 };
  const Outage *outage = data;
  g_autoptr(GAsyncResult) result = NULL;
  VdiTarget *down;
  gint64 since;

  g_setenv ("VDI_PROBE_TIMEOUT", "2", TRUE);
  fixture_start (fixture, &world);
  down = target_of (fixture, 1);
  start_distribution (fixture, &result);
  sim_wait_until (copying, down, SIM_TEST_TIMEOUT_MS, "the copy to hv-t2");
  since = take_offline (fixture, "hv-t2", outage);
  sim_wait_until (not_available, down, SIM_TEST_TIMEOUT_MS, "hv-t2 to be Not available");
  print_outage_time (outage, "hv-t2 Not available", since);
  finish_failed (fixture, &result);

  g_assert_cmpuint (assert_one_failed (fixture, VDI_TARGET_STATE_NOT_AVAILABLE,
                                       "the connection with the destination host 'hv-t2' "
                                       "was lost"), ==, 1);
  /* What was made is kept: the imported copy waits on the source. */
  g_assert_cmpint (vdi_target_get_step (down), ==, VDI_TARGET_STEP_IMPORTED);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 2);

  sim_control_post (&fixture->sim, "providers/hv-t2/online", "{}");
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  retry_failed (fixture);
  assert_done_and_clean (fixture);
}

/* A slow target (5 s for every answer, its listings taking several calls) under the default
 * budgets is never taken for a hung one: the distribution ends OK. */
static void
test_slow_target (Fixture       *fixture,
                  gconstpointer  data)
{
  static const World world = { .n_targets = 1, .concurrency = 1, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("VDI_PROBE_TIMEOUT");
  g_unsetenv ("VDI_SILENCE_TIMEOUT");
  fixture_start (fixture, &world);
  sim_control_post (&fixture->sim, "providers/hv-t1/settings", "{\"latency_ms\": 5000}");
  start_distribution (fixture, &result);
  g_assert_true (finish (fixture, &result, &error));
  g_assert_no_error (error);
  assert_done_and_clean (fixture);
}

/* A target whose host has live migration off fails at once, before any export, saying what
 * to change on that host; the other target goes on. Enabled on the host, Retry completes. */
static void
test_live_migration_disabled (Fixture       *fixture,
                              gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;
  VdiProvider *off;
  VdiTarget *target;

  fixture_start (fixture, &world);
  off = g_ptr_array_index (fixture->targets, 1);
  target = target_of (fixture, 1);
  sim_control_post (&fixture->sim, "providers/hv-t2/live-migration", "{\"enabled\": false}");
  start_distribution (fixture, &result);
  finish_failed (fixture, &result);

  g_assert_cmpuint (assert_one_failed (fixture, VDI_TARGET_STATE_NEEDS_UPDATE,
                                       "Live migration is disabled on hv-t2. Enable incoming "
                                       "and outgoing live migrations in Hyper-V Settings"), ==, 1);
  g_assert_true (vdi_provider_get_live_migration_disabled (off));
  /* Nothing was started for it: no export folder recorded, one export on the source (the other
   * target's), no copy anywhere. */
  g_assert_null (vdi_target_get_export_dir (target));
  g_assert_cmpint (vdi_target_get_step (target), ==, VDI_TARGET_STEP_NONE);
  {
    g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
    JsonObject *source = sim_inventory_provider (inventory, "hv-src");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (source, "exports")),
                      ==, 1);
    g_assert_false (json_object_get_boolean_member (
                      json_object_get_object_member (sim_inventory_provider (inventory, "hv-t2"),
                                                     "live_migration"), "enabled"));
  }
  g_assert_cmpuint (copies_on (fixture, "hv-t2"), ==, 0);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);

  sim_control_post (&fixture->sim, "providers/hv-t2/live-migration", "{\"enabled\": true}");
  retry_failed (fixture);
  assert_done_and_clean (fixture);
  g_assert_false (vdi_provider_get_live_migration_disabled (off));
}

typedef struct
{
  const char *method;
  const char *message;
} FailingJob;

/* A provider job that fails, at any step: the target Needs update in the provider's words,
 * and Retry carries on from what succeeded. */
static void
test_failing_job (Fixture       *fixture,
                  gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  const FailingJob *failing = data;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *fault = g_strdup_printf ("{\"method\": \"%s\", \"count\": 1,"
                                            " \"fault\": \"job:32768\", \"message\": \"%s\"}",
                                            failing->method, failing->message);

  fixture_start (fixture, &world);
  sim_control_post (&fixture->sim, "providers/hv-src/faults", fault);
  start_distribution (fixture, &result);
  finish_failed (fixture, &result);
  assert_one_failed (fixture, VDI_TARGET_STATE_NEEDS_UPDATE, failing->message);

  retry_failed (fixture);
  assert_done_and_clean (fixture);
}

static gboolean
copy_landed (gpointer data)
{
  Fixture *fixture = data;

  return copies_on (fixture, fixture->landing) == 1;
}

/* The answer to the copy's Invoke comes back malformed, though the host started the copy: the
 * target Needs update with a clear message. The copy lands anyway; Retry finds it in place and
 * copies nothing again. */
static void
test_corrupt_response (Fixture       *fixture,
                       gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) counters = NULL;
  guint failed;

  fixture_start (fixture, &world);
  sim_control_post (&fixture->sim, "providers/hv-src/corrupt",
                    "{\"kind\": \"malformed\", \"method\": \"MigrateVirtualSystemToHost\","
                    " \"count\": 1}");
  start_distribution (fixture, &result);
  finish_failed (fixture, &result);
  failed = assert_one_failed (fixture, VDI_TARGET_STATE_NEEDS_UPDATE, "Copy to hv-t");
  g_assert_nonnull (strstr (vdi_target_get_last_error (target_of (fixture, failed)),
                            "XML"));

  /* The host carried the copy out. */
  fixture->landing = host_of (fixture, failed);
  sim_wait_until (copy_landed, fixture, SIM_TEST_TIMEOUT_MS, "the copy to land");
  sim_control_post (&fixture->sim, "counters/reset", "{}");
  retry_failed (fixture);
  assert_done_and_clean (fixture);
  counters = sim_control_get (&fixture->sim, "counters");
  g_assert_false (json_object_has_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-src"),
      "requests"),
    "MigrateVirtualSystemToHost"));
}

/* The target's disk fills up during its copy: Hyper-V's words, Needs update; with room again,
 * Retry completes it. */
static void
test_disk_full_during_copy (Fixture       *fixture,
                            gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 10 };
  g_autoptr(GAsyncResult) result = NULL;

  fixture_start (fixture, &world);
  start_distribution (fixture, &result);
  sim_wait_until (copying, target_of (fixture, 1), SIM_TEST_TIMEOUT_MS, "the copy to hv-t2");
  sim_control_post (&fixture->sim, "providers/hv-t2/settings", "{\"free_gb\": 1}");
  finish_failed (fixture, &result);
  g_assert_cmpuint (assert_one_failed (fixture, VDI_TARGET_STATE_NEEDS_UPDATE,
                                       "There is not enough space on the disk"), ==, 1);

  sim_control_post (&fixture->sim, "providers/hv-t2/settings", "{\"free_gb\": 100}");
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  retry_failed (fixture);
  assert_done_and_clean (fixture);
}

/* One copy done, the other under way (which goes first depends on which export did). */
static gboolean
one_ready_other_copying (gpointer data)
{
  Fixture *fixture = data;
  VdiTarget *first = target_of (fixture, 0);
  VdiTarget *second = target_of (fixture, 1);

  return (vdi_target_get_state (first) == VDI_TARGET_STATE_READY && copying (second)) ||
         (vdi_target_get_state (second) == VDI_TARGET_STATE_READY && copying (first));
}

/* The source's password changes while a copy runs: the copy's target Needs update and says
 * the password was refused; the copy done before stays Ready. Once the admin stores the new
 * password, Retry follows the copy the host carried on with, and moves nothing twice. */
static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 1, .time_scale = 20 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) counters = NULL;
  g_autoptr(GError) error = NULL;
  guint failed;

  fixture_start (fixture, &world);
  /* Basic sends the password with every request, so the host's new one refuses the next call.
   * A Negotiate session, as on a real host, stays authenticated until its connection ends;
   * test-hyperv-negotiate covers the refusal of a new handshake. */
  vdi_provider_set_auth (fixture->source, "basic");
  start_distribution (fixture, &result);
  sim_wait_until (one_ready_other_copying, fixture, 60000, "the second copy");
  sim_control_post (&fixture->sim, "providers/hv-src/settings", "{\"password\": \"n3w\"}");
  finish_failed (fixture, &result);
  failed = assert_one_failed (fixture, VDI_TARGET_STATE_NEEDS_UPDATE,
                              "refused the user name or password");
  /* The host carries on with the copy: its job is kept to be followed. */
  g_assert_nonnull (vdi_target_get_job (target_of (fixture, failed)));

  g_assert_true (vdi_credentials_store_sync (fixture->credentials, "id-hv-src", "hv-src", "n3w",
                                             NULL, &error));
  g_assert_no_error (error);
  retry_failed (fixture);
  assert_done_and_clean (fixture);
  counters = sim_control_get (&fixture->sim, "counters");
  g_assert_cmpint (json_object_get_int_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-src"),
      "requests"),
    "MigrateVirtualSystemToHost"), ==, 2);
}

/* Starts @operation on @backend, follows its job to the end, and returns its handle as the
 * farm records it; what it made goes to @made. */
static char *
run_backend_job_handle (VdiBackend  *backend,
                        const char  *operation,
                        GVariant    *parameters,
                        char       **made)
{
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GAsyncResult) followed = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autoptr(GError) error = NULL;

  vdi_backend_start_async (backend, operation, parameters, NULL, sim_store_result, &started);
  sim_wait_result (&started, SIM_TEST_TIMEOUT_MS, operation);
  job = vdi_backend_start_finish (backend, started, &error);
  g_assert_no_error (error);
  vdi_backend_follow_async (backend, job, NULL, NULL, NULL, sim_store_result, &followed);
  sim_wait_result (&followed, SIM_TEST_TIMEOUT_MS, operation);
  *made = vdi_backend_follow_finish (backend, followed, &error);
  g_assert_no_error (error);
  return vdi_backend_job_to_string (job);
}

/* Starts @operation on @backend, follows its job to the end, and returns what it made. */
static char *
run_backend_job (VdiBackend *backend,
                 const char *operation,
                 GVariant   *parameters)
{
  char *made = NULL;
  g_autofree char *handle = run_backend_job_handle (backend, operation, parameters, &made);

  return made;
}

/* Whether @host holds a planned VM with @id. */
static gboolean
holds_planned (Fixture    *fixture,
               const char *host,
               const char *id)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *vms = json_object_get_array_member (sim_inventory_provider (inventory, host), "vms");

  for (guint i = 0; i < json_array_get_length (vms); i++)
    {
      JsonObject *vm = json_array_get_object_element (vms, i);

      if (g_strcmp0 (json_object_get_string_member (vm, "id"), id) == 0)
        return json_object_get_boolean_member_with_default (vm, "planned", FALSE);
    }
  return FALSE;
}

/* Exports the gold VM for @interrupted, as a run got it done and recorded it; returns the
 * export's definition file. */
static char *
export_recorded (Fixture    *fixture,
                 VdiBackend *source,
                 VdiTarget  *interrupted)
{
  g_autofree char *directory = NULL;
  g_autofree char *exported = NULL;

  directory = g_strdup_printf ("%s\\%s\\%s\\killed",
                               vdi_distributor_get_export_root (fixture->distributor),
                               vdi_template_get_id (fixture->template),
                               vdi_provider_get_id (vdi_target_get_provider (interrupted)));
  exported = run_backend_job (source, VDI_BACKEND_OP_EXPORT,
                              g_variant_new ("(ss)",
                                             vdi_template_get_source_vm_id (fixture->template),
                                             directory));
  vdi_target_set_export_dir (interrupted, directory);
  return g_strdup_printf ("%s\\" GOLD "\\Virtual Machines\\%s.vmcx", directory,
                          vdi_template_get_source_vm_id (fixture->template));
}

/* Leaves hv-t1 as a run killed between asking for an import and saving its job does: the
 * export is recorded, the target is at its import, and the planned VM the host made is named by
 * nothing in the farm. Returns that VM's id. */
static char *
kill_during_import (Fixture *fixture)
{
  VdiTarget *interrupted = target_of (fixture, 0);
  g_autoptr(VdiBackend) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *definition = NULL;
  char *orphan;

  source = vdi_backend_new_for_provider (fixture->source, PASSWORD, &error);
  g_assert_no_error (error);

  /* What the run got done and recorded: the export for hv-t1. */
  definition = export_recorded (fixture, source, interrupted);
  vdi_target_set_step (interrupted, VDI_TARGET_STEP_EXPORTED);
  vdi_target_set_state (interrupted, VDI_TARGET_STATE_NEEDS_UPDATE);

  /* What it asked for and never recorded: the import, which the host carried out. */
  orphan = run_backend_job (source, VDI_BACKEND_OP_IMPORT,
                            g_variant_new ("(sb)", definition, TRUE));
  g_assert_nonnull (orphan);
  g_assert_true (holds_planned (fixture, "hv-src", orphan));
  g_assert_null (vdi_target_get_remote_vm_id (interrupted));
  g_assert_null (vdi_target_get_job (interrupted));
  return orphan;
}

/* The next run removes the orphan, imports again from the recorded export, and leaves one copy
 * per target and no planned VM. */
static void
test_orphan_of_killed_import (Fixture       *fixture,
                              gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *orphan = NULL;

  fixture_start (fixture, &world);
  orphan = kill_during_import (fixture);

  start_distribution (fixture, &result);
  g_assert_true (finish (fixture, &result, &error));
  g_assert_no_error (error);

  g_assert_false (holds_planned (fixture, "hv-src", orphan));
  g_assert_cmpstr (vdi_target_get_remote_vm_id (target_of (fixture, 0)), !=, orphan);
  assert_done_and_clean (fixture);
}

/* A planned VM the farm names is no orphan, even when named as the copies: here a host whose
 * creation stopped after its import, which deleting or recreating the host removes. The
 * distribution completes and leaves it alone. */
static void
test_recorded_planned_vm_kept (Fixture       *fixture,
                               gconstpointer  data)
{
  static const World world = { .n_targets = 2, .concurrency = 2, .time_scale = 40 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHost) host = NULL;
  g_autofree char *planned = NULL;

  fixture_start (fixture, &world);
  planned = kill_during_import (fixture);
  host = vdi_host_new ("DESK-01", fixture->source);
  vdi_host_set_vm_id (host, planned);
  vdi_host_set_state (host, VDI_HOST_STATE_FAILED);
  vdi_template_add_host (fixture->template, host);

  start_distribution (fixture, &result);
  g_assert_true (finish (fixture, &result, &error));
  g_assert_no_error (error);

  g_assert_true (holds_planned (fixture, "hv-src", planned));
  for (guint i = 0; i < fixture->targets->len; i++)
    {
      g_assert_cmpint (vdi_target_get_state (target_of (fixture, i)), ==,
                       VDI_TARGET_STATE_READY);
      g_assert_cmpuint (copies_on (fixture, host_of (fixture, i)), ==, 1);
    }
}

/* What the farm file of a run killed in the milliseconds after asking for its copy holds. */
typedef enum
{
  /* The copy realized and saved, the copy's job not yet. */
  SAVED_REALIZED,
  /* The save after the realize had not come yet: the realize's job is the last one recorded,
   * and the copy is still the planned VM it was. */
  SAVED_REALIZE_JOB,
} KilledSave;

/* Leaves hv-t1 as a run killed between asking the source to copy it and saving that job: the
 * copy is realized on the source, the host moves it, and the farm does not record the move.
 * Simulated time nearly stands still from then on, so that the move is still running whenever
 * the Retry looks, however loaded the machine. Returns the move's job, as the farm would
 * record it. */
static char *
kill_during_copy (Fixture    *fixture,
                  KilledSave  saved)
{
  VdiTarget *interrupted = target_of (fixture, 0);
  g_autoptr(VdiBackend) source = NULL;
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(VdiBackendJob) move = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *realize = NULL;
  g_autofree char *destination = NULL;

  source = vdi_backend_new_for_provider (fixture->source, PASSWORD, &error);
  g_assert_no_error (error);

  definition = export_recorded (fixture, source, interrupted);
  planned = run_backend_job (source, VDI_BACKEND_OP_IMPORT,
                             g_variant_new ("(sb)", definition, TRUE));
  realize = run_backend_job_handle (source, VDI_BACKEND_OP_REALIZE,
                                    g_variant_new ("(s)", planned), &copy);
  if (copy == NULL)
    copy = g_strdup (planned);

  vdi_target_set_state (interrupted, VDI_TARGET_STATE_NEEDS_UPDATE);
  vdi_target_set_progress (interrupted, VDI_DISTRIBUTION_FAILED);
  if (saved == SAVED_REALIZED)
    {
      vdi_target_set_step (interrupted, VDI_TARGET_STEP_IMPORTED);
      vdi_target_set_remote_vm_id (interrupted, copy);
    }
  else
    {
      vdi_target_set_step (interrupted, VDI_TARGET_STEP_EXPORTED);
      vdi_target_set_remote_vm_id (interrupted, planned);
      vdi_target_set_job (interrupted, realize);
    }

  /* The copy it asked for, and never recorded. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 0.001}");
  destination = vdi_hyperv_migration_destination (vdi_target_get_provider (interrupted));
  vdi_backend_start_async (source, VDI_BACKEND_OP_MIGRATE,
                           g_variant_new ("(ss)", copy, destination), NULL, sim_store_result,
                           &started);
  sim_wait_result (&started, SIM_TEST_TIMEOUT_MS, "the copy");
  move = vdi_backend_start_finish (source, started, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 2);
  g_assert_cmpuint (copies_on (fixture, host_of (fixture, 0)), ==, 0);
  sim_control_post (&fixture->sim, "counters/reset", "{}");
  return vdi_backend_job_to_string (move);
}

typedef struct
{
  VdiTarget  *target;
  const char *job;
} Recorded;

static gboolean
job_recorded (gpointer data)
{
  Recorded *recorded = data;

  return g_strcmp0 (vdi_target_get_job (recorded->target), recorded->job) == 0;
}

/* Retry finds the copy the killed run asked for still running on the source, records its job
 * and follows it to its end, rather than asking for the copy again (which the host refuses:
 * the VM is in use) or removing the copy it moves. One copy lands on the target, nothing is
 * left on the source, and the source was never asked to copy again. */
static void
test_killed_after_copy_request (Fixture       *fixture,
                                gconstpointer  data)
{
  static const World world = { .n_targets = 1, .concurrency = 1, .time_scale = 40 };
  KilledSave saved = GPOINTER_TO_INT (data);
  VdiTarget *target;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  g_autofree char *move = NULL;
  Recorded recorded;

  fixture_start (fixture, &world);
  target = target_of (fixture, 0);
  move = kill_during_copy (fixture, saved);

  vdi_distributor_retry_async (fixture->distributor, fixture->template, target, NULL,
                               sim_store_result, &result);
  /* The move is found and recorded while it still runs. */
  recorded.target = target;
  recorded.job = move;
  sim_wait_until (job_recorded, &recorded, SIM_TEST_TIMEOUT_MS, "the copy's job to be recorded");
  g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_DISTRIBUTING);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  g_assert_true (finish (fixture, &result, &error));
  g_assert_no_error (error);
  assert_done_and_clean (fixture);

  counters = sim_control_get (&fixture->sim, "counters");
  g_assert_false (json_object_has_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-src"),
      "requests"),
    "MigrateVirtualSystemToHost"));
}

static gint64
source_counter (Fixture    *fixture,
                const char *request)
{
  g_autoptr(JsonNode) counters = sim_control_get (&fixture->sim, "counters");
  JsonObject *source = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-src");

  if (request == NULL)
    return json_object_get_int_member (source, "peak_concurrent_exports");
  return json_object_get_int_member_with_default (
    json_object_get_object_member (source, "requests"), request, 0);
}

static gboolean
orphan_export_followed (gpointer data)
{
  return source_counter (data, "Get") > 0;
}

/* A run killed between asking for an export and saving its job: the export runs on, recorded
 * nowhere. Retry waits for it to end before it exports again (one export at a time on a host),
 * then ends OK with one copy on the target. Which folder that export writes cannot be told, so
 * it is left alone. Simulated time nearly stands still until Retry is seen waiting. */
static void
test_killed_after_export_request (Fixture       *fixture,
                                  gconstpointer  data)
{
  static const World world = { .n_targets = 1, .concurrency = 1, .time_scale = 40,
                               .export_mbps = 4000 };
  VdiTarget *target;
  g_autoptr(VdiBackend) source = NULL;
  g_autoptr(VdiBackendJob) orphan = NULL;
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;

  fixture_start (fixture, &world);
  target = target_of (fixture, 0);
  vdi_target_set_state (target, VDI_TARGET_STATE_NEEDS_UPDATE);
  vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
  source = vdi_backend_new_for_provider (fixture->source, PASSWORD, &error);
  g_assert_no_error (error);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 0.001}");
  directory = g_strdup_printf ("%s\\%s\\%s\\killed",
                               vdi_distributor_get_export_root (fixture->distributor),
                               vdi_template_get_id (fixture->template),
                               vdi_provider_get_id (vdi_target_get_provider (target)));
  vdi_backend_start_async (source, VDI_BACKEND_OP_EXPORT,
                           g_variant_new ("(ss)",
                                          vdi_template_get_source_vm_id (fixture->template),
                                          directory),
                           NULL, sim_store_result, &started);
  sim_wait_result (&started, SIM_TEST_TIMEOUT_MS, "the export");
  orphan = vdi_backend_start_finish (source, started, &error);
  g_assert_no_error (error);
  sim_control_post (&fixture->sim, "counters/reset", "{}");

  vdi_distributor_retry_async (fixture->distributor, fixture->template, target, NULL,
                               sim_store_result, &result);
  sim_wait_until (orphan_export_followed, fixture, SIM_TEST_TIMEOUT_MS,
                  "the running export to be followed");
  g_assert_cmpint (source_counter (fixture, "ExportSystemDefinition"), ==, 0);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 40}");
  g_assert_true (finish (fixture, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_READY);
  g_assert_cmpuint (copies_on (fixture, host_of (fixture, 0)), ==, 1);
  g_assert_cmpuint (copies_on (fixture, "hv-src"), ==, 1);
  g_assert_cmpint (source_counter (fixture, "ExportSystemDefinition"), ==, 1);
  g_assert_cmpint (source_counter (fixture, NULL), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const FailingJob export_job = {
    "ExportSystemDefinition", "The export directory is not accessible."
  };
  static const FailingJob import_job = {
    "ImportSystemDefinition", "The configuration file is corrupt."
  };
  static const FailingJob realize_job = {
    "RealizePlannedSystem", "The virtual hard disk is in use by another process."
  };
  static const FailingJob migrate_job = {
    "MigrateVirtualSystemToHost", "The network path was not found."
  };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, NULL, func, teardown)

  ADD ("/engine/faults/source-offline-before-export", NULL, test_source_offline_before_export);
  ADD ("/engine/faults/source-offline-during-export", &source_refuses,
       test_source_offline_during_export);
  ADD ("/engine/faults/source-hung-during-export", &source_hangs,
       test_source_offline_during_export);
  ADD ("/engine/faults/target-offline-during-copy", &target_refuses,
       test_target_offline_during_copy);
  ADD ("/engine/faults/target-hung-during-copy", &target_hangs, test_target_offline_during_copy);
  ADD ("/engine/faults/slow-target", NULL, test_slow_target);
  ADD ("/engine/faults/live-migration-disabled", NULL, test_live_migration_disabled);
  ADD ("/engine/faults/failing-job/export", &export_job, test_failing_job);
  ADD ("/engine/faults/failing-job/import", &import_job, test_failing_job);
  ADD ("/engine/faults/failing-job/realize", &realize_job, test_failing_job);
  ADD ("/engine/faults/failing-job/copy", &migrate_job, test_failing_job);
  ADD ("/engine/faults/corrupt-response", NULL, test_corrupt_response);
  ADD ("/engine/faults/disk-full-during-copy", NULL, test_disk_full_during_copy);
  ADD ("/engine/faults/wrong-password", NULL, test_wrong_password);
  ADD ("/engine/faults/orphan-of-killed-import", NULL, test_orphan_of_killed_import);
  ADD ("/engine/faults/recorded-planned-vm-kept", NULL, test_recorded_planned_vm_kept);
  ADD ("/engine/faults/killed-after-copy-request", GINT_TO_POINTER (SAVED_REALIZED),
       test_killed_after_copy_request);
  ADD ("/engine/faults/killed-after-copy-request/realize-job-saved",
       GINT_TO_POINTER (SAVED_REALIZE_JOB), test_killed_after_copy_request);
  ADD ("/engine/faults/killed-after-export-request", NULL, test_killed_after_export_request);

#undef ADD

  return g_test_run ();
}
