/* bench-distribution.c: how close a multi-provider distribution comes to the best the
 * scenario allows (DESIGN §6: makespan at most 1.05 × the lower bound, at most one status
 * request per second per running job). One Hyper-V template goes to many targets on
 * vdi-provider-sim, in process; the simulator's own job records and counters are the measure.
 * Prints figures; asserts nothing about time.
 *
 *   bench-distribution [--quick] [--targets N] [--concurrency N] [--time-scale S]
 *                      [--disk-gb G] [--export-mbps X] [--down-mbps D] [--stagger-ms MS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

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
  double export_mbps;
  double down_mbps;
  double source_up_mbps;
} Params;

/* One provider job as the engine saw it: when it got the handle and when it saw the end. */
typedef struct
{
  char   *id;
  guint   target;
  double  handle_at;   /* simulated seconds */
  double  seen_at;     /* simulated seconds; < 0 while the engine follows it */
} Seen;

/* One provider job as the simulator recorded it, joined with what the engine saw. */
typedef enum
{
  KIND_EXPORT,
  KIND_IMPORT,
  KIND_REALIZE,
  KIND_MIGRATE,
  KIND_OTHER,
  N_KINDS
} Kind;

static const char *kind_names[N_KINDS] = { "export", "import", "realize", "copy", "other" };

typedef struct
{
  Kind    kind;
  double  started_at;
  double  ended_at;
  Seen   *seen;
} Job;

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiDistributor *distributor;
  VdiTemplate    *template;
  GPtrArray      *targets;   /* VdiTarget */
  GPtrArray      *seen;      /* Seen, in order of handles */
  GHashTable     *open;      /* VdiTarget → Seen being followed */
  char           *dir;
} Bench;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
sim_now (Bench *bench)
{
  return vdi_sim_world_now (bench->sim.world);
}

static void
seen_free (Seen *seen)
{
  g_free (seen->id);
  g_free (seen);
}

/* The scenario: each target is its own host with download D; the source's upload is far
 * above N × D, so it never limits a copy, and its export throughput is X. */
static char *
scenario (const Params *params)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{ \"time_scale\": %g, \"hyperv_hosts\": [", params->time_scale);
  g_string_append_printf (json,
                          "{ \"name\": \"" SOURCE "\", \"user\": \"admin\", \"password\": \""
                          PASSWORD "\", \"export_mbps\": %g, \"up_mbps\": %g,"
                          "  \"down_mbps\": 1000, \"vms\": [ { \"name\": \"" GOLD "\","
                          "  \"disk_gb\": %g, \"state\": \"off\" } ] }",
                          params->export_mbps, params->source_up_mbps, params->disk_gb);
  for (int i = 1; i <= params->n_targets; i++)
    g_string_append_printf (json,
                            ", { \"name\": \"hv-t%d\", \"user\": \"admin\", \"password\": \""
                            PASSWORD "\", \"down_mbps\": %g, \"up_mbps\": %g, \"vms\": [] }",
                            i, params->down_mbps, params->down_mbps);
  g_string_append (json, "] }");
  return g_string_free (json, FALSE);
}

static VdiProvider *
add_provider (Bench      *bench,
              const char *name)
{
  g_autofree char *url = sim_provider_url (&bench->sim, name);

  return vdi_test_add_provider (bench->farm, bench->credentials, name,
                                VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, url, "admin", PASSWORD);
}

static char *
gold_id (Bench *bench)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&bench->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      if (!g_str_equal (json_object_get_string_member (provider, "name"), SOURCE))
        continue;
      for (guint k = 0; k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (g_str_equal (json_object_get_string_member (vm, "name"), GOLD))
            return g_strdup (json_object_get_string_member (vm, "id"));
        }
    }
  g_error ("the simulator has no %s on %s", GOLD, SOURCE);
}

/* Every provider job the engine starts is recorded on the target ("KIND:ID") while it is
 * followed, and cleared when the engine has seen it end: the moments of both, on the
 * simulator's clock, are what the poll lag is measured from. */
static void
job_notify_cb (VdiTarget  *target,
               GParamSpec *pspec,
               Bench      *bench)
{
  const char *job = vdi_target_get_job (target);
  Seen *open = g_hash_table_lookup (bench->open, target);
  double at = sim_now (bench);

  if (open != NULL)
    {
      open->seen_at = at;
      g_hash_table_remove (bench->open, target);
    }
  if (job != NULL && strchr (job, ':') != NULL)
    {
      Seen *seen = g_new0 (Seen, 1);

      seen->id = g_strdup (strchr (job, ':') + 1);
      seen->handle_at = at;
      seen->seen_at = -1;
      for (guint i = 0; i < bench->targets->len; i++)
        if (g_ptr_array_index (bench->targets, i) == target)
          seen->target = i;
      g_ptr_array_add (bench->seen, seen);
      g_hash_table_insert (bench->open, target, seen);
    }
}

static void
setup (Bench        *bench,
       const Params *params)
{
  g_autofree char *json = scenario (params);
  g_autofree char *path = NULL;
  g_autofree char *gold = NULL;
  g_autoptr(VdiProvider) source = NULL;
  g_autoptr(GError) error = NULL;

  sim_fixture_start (&bench->sim, json);
  bench->dir = g_dir_make_tmp ("vdi-bench-XXXXXX", NULL);
  path = g_build_filename (bench->dir, "farm.json", NULL);
  bench->farm = vdi_farm_new (path);
  bench->credentials = vdi_credentials_new (FALSE);
  bench->targets = g_ptr_array_new_with_free_func (g_object_unref);
  bench->seen = g_ptr_array_new_with_free_func ((GDestroyNotify)seen_free);
  bench->open = g_hash_table_new (NULL, NULL);

  source = add_provider (bench, SOURCE);
  bench->template = vdi_template_new (NULL, "Win11", source, GOLD);
  gold = gold_id (bench);
  vdi_template_set_source_vm_id (bench->template, gold);
  vdi_template_set_multi_provider (bench->template, TRUE, NULL);
  for (int i = 1; i <= params->n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%d", i);
      g_autoptr(VdiProvider) provider = add_provider (bench, name);
      VdiTarget *target = vdi_template_add_target (bench->template, provider, NULL);

      g_assert_nonnull (target);
      g_ptr_array_add (bench->targets, g_object_ref (target));
      g_signal_connect (target, "notify::job", G_CALLBACK (job_notify_cb), bench);
    }
  g_assert_true (vdi_template_set_concurrency (bench->template, params->concurrency, &error));
  g_assert_true (vdi_farm_add_template (bench->farm, bench->template, &error));
  g_assert_no_error (error);
  vdi_farm_set_autosave (bench->farm, TRUE);

  bench->distributor = vdi_distributor_new (bench->farm, bench->credentials);
}

static void
teardown (Bench *bench)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (guint i = 0; i < bench->targets->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (bench->targets, i), bench);
  g_clear_object (&bench->distributor);
  vdi_farm_flush (bench->farm, NULL);
  g_clear_object (&bench->template);
  g_clear_object (&bench->farm);
  g_clear_object (&bench->credentials);
  g_clear_pointer (&bench->targets, g_ptr_array_unref);
  g_clear_pointer (&bench->seen, g_ptr_array_unref);
  g_clear_pointer (&bench->open, g_hash_table_unref);
  sim_fixture_stop (&bench->sim);

  dir = g_dir_open (bench->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (bench->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (bench->dir);
  g_free (bench->dir);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

/* The bound ------------------------------------------------------------------------------- */

/* The best any scheduler can do with the scenario's own timings: the k-th export (k = 1…n)
 * cannot end before k·E (exports one at a time on the source), so the k-th copy cannot start
 * before k·E + I + R; the copies, each C long, go on N slots. For equal lengths, starting the
 * copies in order of release on the first free slot is optimal (P | r_j, p_j = p | Cmax), so
 * this greedy schedule's makespan is the bound. */
static double
lower_bound (int    n,
             int    slots,
             double e,
             double i,
             double r,
             double c)
{
  g_autofree double *free_at = g_new0 (double, slots);
  double makespan = 0;

  for (int k = 1; k <= n; k++)
    {
      int best = 0;
      double start;

      for (int s = 1; s < slots; s++)
        if (free_at[s] < free_at[best])
          best = s;
      start = MAX (k * e + i + r, free_at[best]);
      free_at[best] = start + c;
      makespan = MAX (makespan, free_at[best]);
    }
  return makespan;
}

/* Figures --------------------------------------------------------------------------------- */

typedef struct
{
  guint  n;
  double sum;
  double max;
} Stat;

static void
stat_add (Stat   *stat,
          double  value)
{
  stat->max = stat->n == 0 ? value : MAX (stat->max, value);
  stat->n++;
  stat->sum += value;
}

static double
stat_mean (const Stat *stat)
{
  return stat->n > 0 ? stat->sum / stat->n : 0;
}

static Kind
kind_of (const char *method)
{
  if (g_str_equal (method, "ExportSystemDefinition"))
    return KIND_EXPORT;
  if (g_str_equal (method, "ImportSystemDefinition"))
    return KIND_IMPORT;
  if (g_str_equal (method, "RealizePlannedSystem"))
    return KIND_REALIZE;
  if (g_str_equal (method, "MigrateVirtualSystemToHost"))
    return KIND_MIGRATE;
  return KIND_OTHER;
}

static int
compare_start (gconstpointer a,
               gconstpointer b)
{
  const Job *x = *(Job * const *)a;
  const Job *y = *(Job * const *)b;

  return (x->started_at > y->started_at) - (x->started_at < y->started_at);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  return object != NULL && json_object_has_member (object, name) ?
         json_object_get_int_member (object, name) : 0;
}


/* The jobs of the run, from the simulator's records, each joined with what the engine saw. */
static GPtrArray *
collect_jobs (Bench    *bench,
              JsonNode *counters)
{
  JsonArray *records = json_object_get_array_member (json_node_get_object (counters), "jobs");
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < bench->seen->len; i++)
    {
      Seen *seen = g_ptr_array_index (bench->seen, i);

      g_hash_table_insert (by_id, seen->id, seen);
    }

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);
      Job *job;

      if (!json_object_has_member (record, "ended_at"))
        continue;
      job = g_new0 (Job, 1);
      job->kind = kind_of (json_object_get_string_member (record, "method"));
      job->started_at = json_object_get_double_member (record, "started_at");
      job->ended_at = json_object_get_double_member (record, "ended_at");
      job->seen = g_hash_table_lookup (by_id, json_object_get_string_member (record, "id"));
      g_ptr_array_add (jobs, job);
    }
  g_ptr_array_sort (jobs, compare_start);
  return jobs;
}

/* The most jobs of @kind that ran at once, from their records. */
static int
peak_of (GPtrArray *jobs,
         Kind       kind)
{
  int peak = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);
      int running = 0;

      if (job->kind != kind)
        continue;
      for (guint k = 0; k < jobs->len; k++)
        {
          Job *other = g_ptr_array_index (jobs, k);

          running += other->kind == kind && other->started_at <= job->started_at &&
                     other->ended_at > job->started_at;
        }
      peak = MAX (peak, running);
    }
  return peak;
}

/* Slot-seconds during which a copy slot stood idle while a copy was ready (its VM realized on
 * the source) and not started: the pipeline's loss on the copy side. */
static double
idle_copy_slot_seconds (GPtrArray *jobs,
                        Job     ***steps,
                        int        n_targets,
                        int        slots)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  double idle = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      if (job->kind == KIND_MIGRATE || job->kind == KIND_REALIZE)
        {
          g_array_append_val (times, job->ended_at);
          g_array_append_val (times, job->started_at);
        }
    }
  g_array_sort (times, (GCompareFunc)compare_double);

  for (guint i = 1; i < times->len; i++)
    {
      double a = g_array_index (times, double, i - 1);
      double b = g_array_index (times, double, i);
      double mid = (a + b) / 2;
      int running = 0, waiting = 0;

      if (b - a <= 0)
        continue;
      for (int t = 0; t < n_targets; t++)
        {
          Job *realize = steps[t][KIND_REALIZE];
          Job *copy = steps[t][KIND_MIGRATE];

          if (copy != NULL && copy->started_at <= mid && mid < copy->ended_at)
            running++;
          else if (realize != NULL && realize->ended_at <= mid &&
                   (copy == NULL || mid < copy->started_at))
            waiting++;
        }
      idle += MIN (MAX (slots - running, 0), waiting) * (b - a);
    }
  return idle;
}

typedef struct
{
  guint  n;
  double run;       /* the jobs' own durations */
  double lag;       /* job ended → the engine saw it */
  double handoff;   /* the engine saw the previous step → this job started */
} PathPart;

/* Walks back from the copy that ended last: each job was started by the last thing the engine
 * saw before it (its own previous step, the export slot's previous holder, or a copy slot
 * freed by another target's copy). The sums say where the makespan went. */
static void
critical_path (GPtrArray *jobs,
               Job     ***steps,
               int        n_targets,
               double     t0,
               PathPart   parts[N_KINDS],
               double    *lead_in)
{
  Job *job = NULL;
  gboolean last = TRUE;

  memset (parts, 0, sizeof (PathPart) * N_KINDS);
  *lead_in = 0;
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *candidate = g_ptr_array_index (jobs, i);

      if (candidate->kind == KIND_MIGRATE && (job == NULL || candidate->ended_at > job->ended_at))
        job = candidate;
    }

  while (job != NULL)
    {
      Job *trigger = NULL;
      guint t = job->seen != NULL ? job->seen->target : 0;

      switch (job->kind)
        {
        case KIND_MIGRATE:
          trigger = steps[t][KIND_REALIZE];
          for (guint i = 0; i < jobs->len; i++)
            {
              Job *other = g_ptr_array_index (jobs, i);

              if (other->kind == KIND_MIGRATE && other != job && other->seen != NULL &&
                  other->seen->seen_at <= job->started_at &&
                  (trigger == NULL || trigger->seen == NULL ||
                   other->seen->seen_at > trigger->seen->seen_at))
                trigger = other;
            }
          break;
        case KIND_REALIZE:
          trigger = steps[t][KIND_IMPORT];
          break;
        case KIND_IMPORT:
          trigger = steps[t][KIND_EXPORT];
          break;
        case KIND_EXPORT:
          for (guint i = 0; i < jobs->len; i++)
            {
              Job *other = g_ptr_array_index (jobs, i);

              if (other->kind == KIND_EXPORT && other->seen != NULL &&
                  other->seen->seen_at <= job->started_at &&
                  (trigger == NULL || other->seen->seen_at > trigger->seen->seen_at))
                trigger = other;
            }
          break;
        default:
          break;
        }

      parts[job->kind].n++;
      parts[job->kind].run += job->ended_at - job->started_at;
      /* The last copy's lag is outside the makespan measured from the records. */
      if (!last && job->seen != NULL && job->seen->seen_at >= 0)
        parts[job->kind].lag += job->seen->seen_at - job->ended_at;
      last = FALSE;

      if (trigger == NULL || trigger->seen == NULL)
        {
          *lead_in = job->started_at - t0;
          break;
        }
      parts[job->kind].handoff += job->started_at - trigger->seen->seen_at;
      job = trigger;
    }
  (void)n_targets;
}

static void
print_params (const Params *params,
              double        bytes,
              double        e,
              double        c)
{
  printf ("parameters:\n");
  printf ("  targets n            %8d (each its own Hyper-V host)\n", params->n_targets);
  printf ("  concurrency N        %8d\n", params->concurrency);
  printf ("  time scale S         %8g simulated s per real s (a 1 s poll costs up to %g "
          "simulated s per step)\n", params->time_scale, params->time_scale);
  printf ("  template disk        %8g GiB (%.0f bytes moved per export and per copy)\n",
          params->disk_gb, bytes);
  printf ("  source export        %8g Mbit/s -> E = %.2f s\n", params->export_mbps, e);
  printf ("  target download      %8g Mbit/s -> C = %.2f s\n", params->down_mbps, c);
  printf ("  source upload        %8g Mbit/s >= N x download = %g: never limits a copy\n",
          params->source_up_mbps, params->concurrency * params->down_mbps);
  printf ("  import, realize      %8g s, %g s (the simulator's fixed durations)\n",
          IMPORT_S, REALIZE_S);
}

static void
report (Bench        *bench,
        const Params *params,
        double        t0,
        double        t1,
        double        wall_s)
{
  g_autoptr(JsonNode) counters = sim_control_get (&bench->sim, "counters");
  JsonObject *providers = json_object_get_object_member (json_node_get_object (counters),
                                                         "providers");
  JsonObject *source = json_object_get_object_member (providers, SOURCE);
  JsonObject *requests = json_object_get_object_member (source, "requests");
  g_autoptr(GPtrArray) jobs = collect_jobs (bench, counters);
  g_autofree Job ***steps = g_new0 (Job **, params->n_targets);
  g_autofree Job **cells = g_new0 (Job *, params->n_targets * N_KINDS);
  int n = params->n_targets, slots = params->concurrency;
  double bytes = params->disk_gb * 1073741824.0 + EXTRA_BYTES;
  double e = bytes * 8 / (params->export_mbps * 1e6);
  double c = bytes * 8 / (MIN (params->down_mbps, params->source_up_mbps / slots) * 1e6);
  double lb, lb_simple, lb_closed, lb_measured, first = G_MAXDOUBLE, last = 0, makespan;
  double job_seconds = 0, followed_seconds = 0, export_gaps = 0, export_gap_lag = 0;
  double idle, lead_in, path_total = 0, path_lag = 0;
  Stat duration[N_KINDS] = { { 0 } }, lag[N_KINDS] = { { 0 } };
  Stat export_wait = { 0 }, copy_wait = { 0 }, handoff[N_KINDS] = { { 0 } };
  PathPart parts[N_KINDS];
  gint64 gets = member_int (requests, "Get");
  Job *previous_export = NULL;
  guint n_waited = 0;

  for (int t = 0; t < n; t++)
    steps[t] = cells + t * N_KINDS;

  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      first = MIN (first, job->started_at);
      last = MAX (last, job->ended_at);
      stat_add (&duration[job->kind], job->ended_at - job->started_at);
      job_seconds += job->ended_at - job->started_at;
      if (job->seen == NULL)
        continue;
      if (job->seen->seen_at >= 0)
        {
          stat_add (&lag[job->kind], job->seen->seen_at - job->ended_at);
          followed_seconds += job->seen->seen_at - job->seen->handle_at;
        }
      steps[job->seen->target][job->kind] = job;

      if (job->kind == KIND_EXPORT)
        {
          stat_add (&export_wait, job->started_at - t0);
          if (previous_export != NULL)
            {
              export_gaps += job->started_at - previous_export->ended_at;
              if (previous_export->seen != NULL && previous_export->seen->seen_at >= 0)
                {
                  export_gap_lag += previous_export->seen->seen_at - previous_export->ended_at;
                  stat_add (&handoff[KIND_EXPORT],
                            job->started_at - previous_export->seen->seen_at);
                }
            }
          previous_export = job;
        }
    }

  for (int t = 0; t < n; t++)
    {
      Job *realize = steps[t][KIND_REALIZE], *copy = steps[t][KIND_MIGRATE];
      Job *import = steps[t][KIND_IMPORT], *export = steps[t][KIND_EXPORT];

      if (realize != NULL && copy != NULL && realize->seen != NULL && realize->seen->seen_at >= 0)
        {
          double waited = copy->started_at - realize->seen->seen_at;

          stat_add (&copy_wait, waited);
          n_waited += waited > params->time_scale;
        }
      if (import != NULL && export != NULL && export->seen != NULL && export->seen->seen_at >= 0)
        stat_add (&handoff[KIND_IMPORT], import->started_at - export->seen->seen_at);
      if (realize != NULL && import != NULL && import->seen != NULL && import->seen->seen_at >= 0)
        stat_add (&handoff[KIND_REALIZE], realize->started_at - import->seen->seen_at);
    }

  makespan = last - first;
  lb = lower_bound (n, slots, e, IMPORT_S, REALIZE_S, c);
  lb_closed = slots * e + IMPORT_S + REALIZE_S + ceil ((double)n / slots) * c;
  lb_simple = MAX (n * e + IMPORT_S + REALIZE_S + c,
                   e + IMPORT_S + REALIZE_S + ceil ((double)n / slots) * c);
  lb_measured = lower_bound (n, slots, stat_mean (&duration[KIND_EXPORT]),
                             stat_mean (&duration[KIND_IMPORT]),
                             stat_mean (&duration[KIND_REALIZE]),
                             stat_mean (&duration[KIND_MIGRATE]));
  idle = idle_copy_slot_seconds (jobs, steps, n, slots);
  critical_path (jobs, steps, n, t0, parts, &lead_in);

  printf ("distribution of one Hyper-V template to %d targets at N = %d\n\n", n, slots);
  print_params (params, bytes, e, c);

  printf ("\nlower bound (simulated seconds):\n");
  printf ("  E = bytes / export throughput, C = bytes / min(target download, source upload / N),"
          "\n  I = %g, R = %g.\n", IMPORT_S, REALIZE_S);
  printf ("  The k-th export cannot end before k*E (one at a time on the source), so the k-th\n"
          "  copy cannot start before k*E + I + R; copies of length C go on N slots. Copies\n"
          "  started in order of release on the first free slot are optimal for equal lengths:\n"
          "    LB = max over k of end(k), end(k) = max(k*E + I + R, end(k - N)) + C\n"
          "       = N*E + I + R + ceil(n/N)*C  when C >= N*E and N divides n\n");
  printf ("  LB                   %8.1f s   (closed form %.1f s)\n", lb, lb_closed);
  printf ("  looser bound max(n*E + I + R + C, E + I + R + ceil(n/N)*C) = %.1f s\n", lb_simple);
  printf ("  LB from the measured mean durations: %.1f s\n", lb_measured);

  printf ("\nresult:\n");
  printf ("  makespan (records)   %8.1f s   first job start -> last job end\n", makespan);
  printf ("  makespan (clock)     %8.1f s   distribute called -> finished, as the console sees "
          "it\n", t1 - t0);
  printf ("  ratio makespan / LB  %8.3f     (target <= 1.05; clock: %.3f; vs looser bound: "
          "%.3f)\n", makespan / lb, (t1 - t0) / lb, makespan / lb_simple);
  printf ("  status requests      %8" G_GINT64_FORMAT "     WS-Man Get on %s\n", gets, SOURCE);
  printf ("  per running job      %8.2f /s  over %.1f real job-seconds (the jobs' own "
          "durations / S)\n", gets / (job_seconds / params->time_scale),
          job_seconds / params->time_scale);
  printf ("                       %8.2f /s  over %.1f real seconds the engine followed them\n",
          gets / (followed_seconds / params->time_scale), followed_seconds / params->time_scale);
  printf ("  peak exports         %8" G_GINT64_FORMAT "     (simulator; from the records: %d; "
          "must be 1)\n", member_int (source, "peak_concurrent_exports"),
          peak_of (jobs, KIND_EXPORT));
  printf ("  peak copies          %8" G_GINT64_FORMAT "     (simulator; from the records: %d; "
          "must be N = %d)\n", member_int (source, "peak_concurrent_migrations_out"),
          peak_of (jobs, KIND_MIGRATE), slots);
  printf ("  wall clock           %8.1f s   (%.1f simulated s / S = %.1f s)\n", wall_s,
          t1 - t0, (t1 - t0) / params->time_scale);

  printf ("\nper phase (simulated seconds; mean / max):\n");
  for (int k = 0; k < KIND_OTHER; k++)
    printf ("  %-8s %3u jobs  duration %6.2f / %6.2f  poll lag (end -> seen) %5.2f / %5.2f  "
            "start after previous step seen %5.2f / %5.2f\n", kind_names[k], duration[k].n,
            stat_mean (&duration[k]), duration[k].max, stat_mean (&lag[k]), lag[k].max,
            stat_mean (&handoff[k]), handoff[k].max);
  printf ("  exports waited for the export slot (start - distribute called): %.1f / %.1f\n",
          stat_mean (&export_wait), export_wait.max);
  printf ("  export slot idle between exports: %.1f s in all (of which the engine not yet "
          "seeing the previous export end: %.1f s)\n", export_gaps, export_gap_lag);
  printf ("  copies waited for a copy slot (start - realize seen): %.1f / %.1f; %u of %u over "
          "one poll (%g s)\n", stat_mean (&copy_wait), copy_wait.max, n_waited, copy_wait.n,
          params->time_scale);
  printf ("  copy slots idle while a copy was ready: %.1f slot-seconds (%.1f s per slot)\n",
          idle, idle / slots);

  printf ("\ncritical path (walked back from the last copy to end):\n");
  printf ("  lead-in (distribute called -> first job): %.1f s, outside the records' makespan\n",
          lead_in);
  for (int k = 0; k < KIND_OTHER; k++)
    {
      if (parts[k].n == 0)
        continue;
      printf ("  %2u %-8s run %7.1f  poll lag %6.1f  start after seen %5.1f\n", parts[k].n,
              kind_names[k], parts[k].run, parts[k].lag, parts[k].handoff);
      path_total += parts[k].run + parts[k].lag + parts[k].handoff;
    }
  printf ("  sum %.1f s (= makespan from the records %.1f s, to the path's first job)\n",
          path_total, makespan);
  for (int k = 0; k < KIND_OTHER; k++)
    path_lag += parts[k].lag;
  printf ("  without the poll lag on this path: %.1f s, ratio %.3f (a bound on what faster "
          "detection of job ends could gain)\n", makespan - path_lag,
          (makespan - path_lag) / lb);
}

int
main (int   argc,
      char *argv[])
{
  Params params = { 64, 8, 4, 10, 16000, 1000, 0 };
  gboolean quick = FALSE;
  int stagger_ms = 0;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Bench bench = { { NULL } };
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A few targets, fast (CI smoke run)", NULL },
    { "targets", 0, 0, G_OPTION_ARG_INT, &params.n_targets, "Targets (64)", "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &params.concurrency, "Copy slots (8)", "N" },
    { "time-scale", 0, 0, G_OPTION_ARG_DOUBLE, &params.time_scale,
      "Simulated seconds per real second (4)", "S" },
    { "disk-gb", 0, 0, G_OPTION_ARG_DOUBLE, &params.disk_gb, "Template disk, GiB (10)", "G" },
    { "export-mbps", 0, 0, G_OPTION_ARG_DOUBLE, &params.export_mbps,
      "Source export throughput (16000)", "X" },
    { "down-mbps", 0, 0, G_OPTION_ARG_DOUBLE, &params.down_mbps,
      "Target download (1000)", "D" },
    { "stagger-ms", 0, 0, G_OPTION_ARG_INT, &stagger_ms,
      "Start the targets one by one (Retry), this many ms apart, instead of one Distribute "
      "(0)", "MS" },
    { NULL }
  };
  double t0, t1, wall;
  gboolean ok = TRUE;

  context = g_option_context_new ("- distribution benchmark on vdi-provider-sim");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (quick)
    {
      /* Keeps the benchmark building and running: four targets, two slots, seconds. */
      params.n_targets = 4;
      params.concurrency = 2;
      params.time_scale = 40;
    }
  if (params.n_targets < 1 || params.concurrency < 1 || params.concurrency > params.n_targets ||
      params.time_scale <= 0 || params.disk_gb <= 0 || params.export_mbps <= 0 ||
      params.down_mbps <= 0)
    {
      g_printerr ("bad parameters\n");
      return 2;
    }
  params.source_up_mbps = MAX (1e6, 10.0 * params.concurrency * params.down_mbps);

  setup (&bench, &params);

  wall = now ();
  t0 = sim_now (&bench);
  if (stagger_ms <= 0)
    {
      vdi_distributor_distribute_async (bench.distributor, bench.template, NULL,
                                        vdi_test_store_result, &result);
      sim_wait_until (has_result, &result, 3600 * 1000, "the distribution");
      t1 = sim_now (&bench);
      wall = now () - wall;
      ok = vdi_distributor_finish (bench.distributor, result, &error);
    }
  else
    {
      /* The targets one by one, joining the same run (same export slot, same copy slots):
       * a way round the burst of connections a single distribute call opens at once. */
      g_autoptr(GPtrArray) results = g_ptr_array_new_full (params.n_targets, g_object_unref);

      g_ptr_array_set_size (results, params.n_targets);
      for (guint i = 0; i < bench.targets->len; i++)
        {
          vdi_distributor_retry_async (bench.distributor, bench.template,
                                       g_ptr_array_index (bench.targets, i), NULL,
                                       vdi_test_store_result, &results->pdata[i]);
          sim_sleep_ms (stagger_ms);
        }
      for (guint i = 0; i < results->len; i++)
        sim_wait_until (has_result, &results->pdata[i], 3600 * 1000, "the distribution");
      t1 = sim_now (&bench);
      wall = now () - wall;
      for (guint i = 0; i < results->len; i++)
        if (!vdi_distributor_finish (bench.distributor, results->pdata[i],
                                     error == NULL ? &error : NULL))
          ok = FALSE;
    }
  if (!ok)
    {
      g_printerr ("the distribution failed: %s\n", error->message);
      for (guint i = 0; i < bench.targets->len; i++)
        {
          VdiTarget *target = g_ptr_array_index (bench.targets, i);

          if (vdi_target_get_state (target) != VDI_TARGET_STATE_READY)
            g_printerr ("  %s: %s\n", vdi_provider_get_name (vdi_target_get_provider (target)),
                        vdi_target_get_last_error (target));
        }
      teardown (&bench);
      return 1;
    }

  if (stagger_ms > 0)
    printf ("(targets started one by one with Retry, %d ms apart, not by one Distribute)\n\n",
            stagger_ms);
  if (quick)
    printf ("(--quick: at S = %g one poll is %g simulated s, so the ratio means nothing here)\n\n",
            params.time_scale, params.time_scale);
  report (&bench, &params, t0, t1, wall);

  teardown (&bench);
  return 0;
}
