/* bench-relay.c: relay against one-source distribution, side by side in one process on one
 * scenario (DESIGN §6: at 64 targets, N = 8, equal 10 Gbit/s links, relay at least 4 × faster
 * than one-source, and within 1.15 × of the relay model's lower bound). Every run is one
 * Hyper-V template distributed on vdi-provider-sim in process; the simulator's own job
 * records and counters are the measure. Prints figures; asserts nothing about time.
 *
 *   bench-relay [--quick] [--targets N] [--concurrency N] [--time-scale S] [--disk-gb G]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim-test-util.h"
#include "vdi-test-farm.h"
#include "vdi-distributor.h"
#include "vdi-test-async.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"
#define SOURCE "hv-src"

/* The simulator's fixed durations, in simulated seconds (src/sim/README.md). */
#define IMPORT_S  5.0
#define REALIZE_S 3.0

/* What the simulator moves on top of the disk for an export and a migration of a VM that is
 * off (src/sim/README.md). */
#define EXTRA_BYTES (4.0 * 1024 * 1024)

typedef struct
{
  int    n_targets;
  int    concurrency;
  double time_scale;
  double disk_gb;
  double link_mbps;    /* every host's uplink and downlink */
  double export_mbps;  /* every host's export throughput */
} Params;

typedef struct
{
  double makespan;      /* simulated s, first job start → last job end, from the records */
  double clock;         /* simulated s, distribute called → finished */
  double wall;          /* real s */
  double job_seconds;   /* the jobs' own durations, simulated s */
  gint64 gets;          /* status requests (WS-Man Get) on every host */
  guint  n_holders;     /* hosts a copy left from */
  gint64 peak_out;      /* the most copies out of one host at once */
  gint64 peak_exports;  /* the most exports on one host at once */
} Result;

static char *
scenario (const Params *params,
          int           n_targets)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{ \"time_scale\": %g, \"hyperv_hosts\": [", params->time_scale);
  g_string_append_printf (json,
                          "{ \"name\": \"" SOURCE "\", \"user\": \"admin\", \"password\": \""
                          PASSWORD "\", \"export_mbps\": %g, \"up_mbps\": %g,"
                          "  \"down_mbps\": %g, \"vms\": [ { \"name\": \"" GOLD "\","
                          "  \"disk_gb\": %g, \"state\": \"off\" } ] }",
                          params->export_mbps, params->link_mbps, params->link_mbps,
                          params->disk_gb);
  for (int i = 1; i <= n_targets; i++)
    g_string_append_printf (json,
                            ", { \"name\": \"hv-t%d\", \"user\": \"admin\", \"password\": \""
                            PASSWORD "\", \"export_mbps\": %g, \"down_mbps\": %g,"
                            " \"up_mbps\": %g, \"vms\": [] }",
                            i, params->export_mbps, params->link_mbps, params->link_mbps);
  g_string_append (json, "] }");
  return g_string_free (json, FALSE);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  return object != NULL && json_object_has_member (object, name) ?
         json_object_get_int_member (object, name) : 0;
}

/* One distribution of a fresh template to @n_targets fresh hosts, relay on or off. */
static gboolean
run_once (const Params *params,
          int           n_targets,
          gboolean      relay,
          Result       *result)
{
  g_autofree char *json = scenario (params, n_targets);
  g_autofree char *dir = vdi_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "farm.json", NULL);
  g_autofree char *gold = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(VdiDistributor) distributor = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiProvider) source = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  SimFixture sim = { 0 };
  JsonObject *providers;
  JsonArray *records;
  double first = G_MAXDOUBLE, last = 0, t0, wall;
  gboolean ok;

  memset (result, 0, sizeof *result);
  sim_fixture_start (&sim, json);
  farm = vdi_farm_new (path);
  credentials = vdi_credentials_new (FALSE);
  {
    g_autofree char *url = sim_provider_url (&sim, SOURCE);

    source = vdi_test_add_provider (farm, credentials, SOURCE,
                                    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, url, "admin",
                                    PASSWORD);
  }
  template = vdi_template_new (NULL, "Win11", source, GOLD);
  gold = sim_find_vm_id (&sim, SOURCE, GOLD);
  vdi_template_set_source_vm_id (template, gold);
  vdi_template_set_multi_provider (template, TRUE, NULL);
  for (int i = 1; i <= n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%d", i);
      g_autofree char *url = sim_provider_url (&sim, name);
      g_autoptr(VdiProvider) provider =
        vdi_test_add_provider (farm, credentials, name, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                               url, "admin", PASSWORD);

      g_assert_nonnull (vdi_template_add_target (template, provider, NULL));
    }
  g_assert_true (vdi_template_set_concurrency (template, MIN (params->concurrency, n_targets),
                                               &error));
  vdi_template_set_relay (template, relay);
  g_assert_true (vdi_farm_add_template (farm, template, &error));
  vdi_farm_set_autosave (farm, TRUE);
  distributor = vdi_distributor_new (farm, credentials);

  wall = g_get_monotonic_time () / 1e6;
  t0 = vdi_sim_world_now (sim.world);
  vdi_distributor_distribute_async (distributor, template, NULL, vdi_test_store_result, &done);
  sim_wait_until (has_result, &done, 3600 * 1000, "the distribution");
  result->clock = vdi_sim_world_now (sim.world) - t0;
  result->wall = g_get_monotonic_time () / 1e6 - wall;
  ok = vdi_distributor_finish (distributor, done, &error);
  if (!ok)
    g_printerr ("the distribution (relay %s, %d targets) failed: %s\n", relay ? "on" : "off",
                n_targets, error->message);

  counters = sim_control_get (&sim, "counters");
  records = json_object_get_array_member (json_node_get_object (counters), "jobs");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      double started, ended;

      if (!json_object_has_member (record, "ended_at"))
        continue;
      started = json_object_get_double_member (record, "started_at");
      ended = json_object_get_double_member (record, "ended_at");
      first = MIN (first, started);
      last = MAX (last, ended);
      result->job_seconds += ended - started;
    }
  result->makespan = last - first;

  providers = json_object_get_object_member (json_node_get_object (counters), "providers");
  for (int i = 0; i <= n_targets; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup (SOURCE) : g_strdup_printf ("hv-t%d", i);
      JsonObject *host = json_object_get_object_member (providers, name);
      gint64 out = member_int (host, "peak_concurrent_migrations_out");

      result->gets += member_int (json_object_get_object_member (host, "requests"), "Get");
      result->n_holders += out > 0;
      result->peak_out = MAX (result->peak_out, out);
      result->peak_exports = MAX (result->peak_exports,
                                  member_int (host, "peak_concurrent_exports"));
    }

  g_clear_object (&distributor);
  vdi_farm_flush (farm, NULL);
  g_clear_object (&template);
  g_clear_object (&farm);
  sim_fixture_stop (&sim);
  vdi_test_rm_rf (dir);
  return ok;
}

/* The bounds ------------------------------------------------------------------------------ */

/* The relay model as DESIGN §6 states it: holders double each round, capped by N copies at
 * once, and each hop pays a whole export + import + realize + copy (H). With h holders and m
 * targets still to feed, a round feeds min(h, N, m). */
static double
doubling_bound (int    n,
                int    slots,
                double hop,
                int   *rounds)
{
  int holders = 1, done = 0;

  *rounds = 0;
  while (done < n)
    {
      int fed = MIN (MIN (holders, slots), n - done);

      done += fed;
      holders += fed;
      (*rounds)++;
    }
  return *rounds * hop;
}

/* The same model with each holder's next export overlapping its copy, as the scheduler runs
 * them: a holder ready at r ends its first copy at r + H at the soonest and one more every
 * max(E, C) after; at most N copies move at once; one copy at a time leaves a holder. Each
 * copy goes to the holder that ends it soonest (greedy). This is the model's ideal with no
 * poll lag and no engine overhead, smaller than the doubling bound once exports overlap. */
static double
pipelined_bound (int    n,
                 int    slots,
                 double e,
                 double i,
                 double r,
                 double c)
{
  g_autofree double *export_free = g_new0 (double, n + 1);
  g_autofree double *uplink_free = g_new0 (double, n + 1);
  g_autofree double *slot_free = g_new0 (double, slots);
  int holders = 1;
  double makespan = 0;

  for (int k = 0; k < n; k++)
    {
      int best = -1, slot = 0;
      double best_end = G_MAXDOUBLE, best_export_end = 0;

      for (int s = 1; s < slots; s++)
        if (slot_free[s] < slot_free[slot])
          slot = s;
      for (int h = 0; h < holders; h++)
        {
          double export_end = export_free[h] + e;
          double start = MAX (MAX (export_end + i + r, uplink_free[h]), slot_free[slot]);

          if (start + c < best_end)
            {
              best = h;
              best_end = start + c;
              best_export_end = export_end;
            }
        }
      export_free[best] = best_export_end;
      uplink_free[best] = best_end;
      slot_free[slot] = best_end;
      /* The new holder can start exporting once its copy is in place. */
      export_free[holders] = best_end;
      uplink_free[holders] = best_end;
      holders++;
      makespan = MAX (makespan, best_end);
    }
  return makespan;
}

/* One-source: exports one at a time on the source, N copies sharing its uplink. */
static double
one_source_bound (int    n,
                  double e,
                  double i,
                  double r,
                  double c)
{
  /* The source's uplink carries n copies of C each, whatever the overlap. */
  return MAX (n * e + i + r + c, e + i + r + n * c);
}

static void
print_result (const char   *mode,
              const Result *result,
              const Params *params)
{
  printf ("  %-10s makespan %8.1f s (clock %8.1f s, wall %6.1f s)  holders %3u  "
          "peak copies out of a host %2" G_GINT64_FORMAT "  peak exports on a host %"
          G_GINT64_FORMAT "  status requests %.2f /s of job\n", mode, result->makespan,
          result->clock, result->wall, result->n_holders, result->peak_out,
          result->peak_exports,
          result->job_seconds > 0
            ? result->gets / (result->job_seconds / params->time_scale) : 0);
}

int
main (int   argc,
      char *argv[])
{
  Params params = { 64, 8, 8, 40, 10000, 16000 };
  gboolean quick = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A few targets, fast (CI smoke run)", NULL },
    { "targets", 0, 0, G_OPTION_ARG_INT, &params.n_targets, "Targets (64)", "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &params.concurrency, "Copies at once (8)", "N" },
    { "time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &params.time_scale,
      "Simulated seconds per real second (8)", "S" },
    { "disk-gb", 0, 0, G_OPTION_ARG_DOUBLE, &params.disk_gb, "Template disk, GiB (40)", "G" },
    { NULL }
  };
  int sizes[3];
  int n_sizes = 0;
  gboolean ok = TRUE;
  double bytes, e, c, hop;

  /* A line at a time: the runs take minutes, and the figures show as they come. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  context = g_option_context_new ("- relay against one-source distribution on vdi-provider-sim");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (quick)
    {
      /* Keeps the benchmark building and running: four targets, two at once, seconds. */
      params.n_targets = 4;
      params.concurrency = 2;
      params.time_scale = 40;
      params.disk_gb = 2;
    }
  if (params.n_targets < 1 || params.concurrency < 1 || params.time_scale <= 0 ||
      params.disk_gb <= 0)
    {
      g_printerr ("bad parameters\n");
      return 2;
    }

  /* 8 and 16 targets as well as the scenario's own, smallest first. */
  if (!quick)
    {
      if (params.n_targets > 8)
        sizes[n_sizes++] = 8;
      if (params.n_targets > 16)
        sizes[n_sizes++] = 16;
    }
  sizes[n_sizes++] = params.n_targets;

  bytes = params.disk_gb * 1073741824.0 + EXTRA_BYTES;
  e = bytes * 8 / (params.export_mbps * 1e6);
  c = bytes * 8 / (params.link_mbps * 1e6);
  hop = e + IMPORT_S + REALIZE_S + c;

  printf ("relay against one-source distribution of one Hyper-V template\n\n");
  printf ("parameters:\n");
  printf ("  concurrency N        %8d\n", params.concurrency);
  printf ("  template disk        %8g GiB (%.0f bytes per export and per copy)\n",
          params.disk_gb, bytes);
  printf ("  every host's export  %8g Mbit/s -> E = %.2f s\n", params.export_mbps, e);
  printf ("  every host's links   %8g Mbit/s up and down -> C = %.2f s\n", params.link_mbps, c);
  printf ("  import, realize      %8g s, %g s (the simulator's fixed durations)\n",
          IMPORT_S, REALIZE_S);
  printf ("  one hop H = E + I + R + C = %.2f s\n", hop);
  printf ("  time scale S         %8g simulated s per real s (a 1 s poll costs up to %g "
          "simulated s per step)\n", params.time_scale, params.time_scale);
  if (quick)
    printf ("  (--quick: the figures mean nothing here)\n");

  for (int s = 0; s < n_sizes; s++)
    {
      int n = sizes[s], slots = MIN (params.concurrency, n), rounds;
      Result off, on;
      double lb_doubling = doubling_bound (n, slots, hop, &rounds);
      double lb_pipelined = pipelined_bound (n, slots, e, IMPORT_S, REALIZE_S, c);
      double lb_one = one_source_bound (n, e, IMPORT_S, REALIZE_S, c);

      printf ("\n%d targets, N = %d:\n", n, slots);
      ok &= run_once (&params, n, FALSE, &off);
      print_result ("one-source", &off, &params);
      ok &= run_once (&params, n, TRUE, &on);
      print_result ("relay", &on, &params);
      printf ("  one-source bound (the source's uplink carries every copy): %.1f s, "
              "ratio %.3f\n", lb_one, off.makespan / lb_one);
      printf ("  relay bounds: doubling model %d rounds x H = %.1f s (ratio %.3f); "
              "exports overlapping copies %.1f s (ratio %.3f; target <= 1.15)\n", rounds,
              lb_doubling, on.makespan / lb_doubling, lb_pipelined, on.makespan / lb_pipelined);
      printf ("  one-source / relay   %8.2f x   (target >= 4 at 64 targets)\n",
              on.makespan > 0 ? off.makespan / on.makespan : 0);
    }

  return ok ? 0 : 1;
}
