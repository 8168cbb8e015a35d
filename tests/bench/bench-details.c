/* bench-details.c: the Distribution details dialog of a template with 1,000 targets that all
 * report progress. Prints how long the dialog takes to open and how long the main loop is busy
 * per frame while the targets report; asserts nothing about time.
 *
 *   bench-details [--quick] [--targets N] [--seconds S]
 *
 * "main loop latency" is how late a 4 ms timer fires: the stalls a user would feel.
 * Each target reports once a second, as the distributor's job following does (VdiTarget's
 * transfer, the same calls), spread evenly over the second. Needs a display (xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "vdi-distribution-dialog.h"
#include "vdi-distributor.h"

/* The reports of one second are spread over this many batches. */
#define BATCHES_PER_SECOND 100

typedef struct
{
  VdiTemplate *template;
  guint        n_targets;
  guint        next;
  guint        round;
  GArray      *batch_ms;
  GArray      *frame_ms;
  GArray      *latency_ms;
  gint64       last_probe;
  gint64       frame_start;
  gboolean     measuring;
} Bench;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = NULL;
  guint i;

  if (values->len == 0)
    return 0;
  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  i = MIN (sorted->len - 1, (guint)(p * sorted->len));
  return g_array_index (sorted, double, i);
}

static void
print_figures (const char *what,
               GArray     *values)
{
  double sum = 0;
  guint over = 0;

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      sum += v;
      over += v > 16.0;
    }
  g_print ("%-26s n %6u  mean %6.2f  p50 %6.2f  p99 %6.2f  max %7.2f ms  over 16 ms: %u\n", what,
           values->len, values->len ? sum / values->len : 0, percentile (values, 0.5),
           percentile (values, 0.99), percentile (values, 1.0), over);
}

static void
update_cb (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 end = g_get_monotonic_time ();

  if (bench->measuring && bench->frame_start != 0)
    {
      double busy = (end - bench->frame_start) / 1000.;

      g_array_append_val (bench->frame_ms, busy);
    }
}

/* How late a 4 ms timer fires: the longest the main loop was busy with something else, which
 * is what a user feels as a stall. */
#define PROBE_MS 4

static gboolean
probe_cb (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();

  if (bench->measuring && bench->last_probe != 0)
    {
      double late = MAX (0, (now - bench->last_probe) / 1000. - PROBE_MS);

      g_array_append_val (bench->latency_ms, late);
    }
  bench->last_probe = now;
  return G_SOURCE_CONTINUE;
}

/* One batch of reports: the next targets in turn move on by the bytes a second brings. */
static gboolean
report_cb (gpointer data)
{
  Bench *bench = data;
  GListModel *targets = vdi_template_get_targets (bench->template);
  guint per_batch = MAX (1, bench->n_targets / BATCHES_PER_SECOND);
  gint64 start = g_get_monotonic_time ();
  double ms;

  for (guint k = 0; k < per_batch; k++)
    {
      /* Position 0 is the source, which does not copy. */
      guint position = 1 + bench->next;
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, position);
      const guint64 total = G_GUINT64_CONSTANT (40) << 30;
      guint64 done = MIN (total, (guint64)(bench->round + 1) * (total / 200));

      vdi_target_update_transfer (target, 100. * done / total, done, total, 220e6,
                                  (gint64)((total - done) / 220e6));
      if (++bench->next == bench->n_targets)
        {
          bench->next = 0;
          bench->round++;
        }
    }

  ms = (g_get_monotonic_time () - start) / 1000.;
  if (bench->measuring)
    g_array_append_val (bench->batch_ms, ms);
  return G_SOURCE_CONTINUE;
}

static gboolean
stop_cb (gpointer data)
{
  gboolean *done = data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint seconds)
{
  gboolean done = FALSE;

  g_timeout_add_seconds (seconds, stop_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
mapped_cb (GtkWidget *widget,
           gboolean  *mapped)
{
  *mapped = TRUE;
}

static void
first_frame_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;
  int n_targets = 1000, seconds = 10;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "a short run that only keeps the bench working", NULL },
    { "targets", 0, 0, G_OPTION_ARG_INT, &n_targets, "targets of the template", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "seconds of reports measured", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Distribution details benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(VdiDistributor) distributor = NULL;
  g_autoptr(VdiProvider) source = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  GListModel *targets;
  VdiDistributionDialog *dialog;
  GdkFrameClock *clock;
  gboolean mapped = FALSE, painted = FALSE;
  gulong handler;
  Bench bench = { 0 };
  gint64 start;
  guint source_id, probe_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (quick)
    {
      n_targets = 50;
      seconds = 1;
    }
  if (n_targets < 1 || seconds < 1)
    {
      g_printerr ("--targets and --seconds take a positive number\n");
      return 2;
    }

  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("vdi-bench-details-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "farm.json", NULL);
  farm = vdi_farm_new (path);
  credentials = vdi_credentials_new (FALSE);
  distributor = vdi_distributor_new (farm, credentials);

  source = vdi_provider_new ("id-src", "hv-src", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                             "hv-src.example.com", 5985);
  g_assert_true (vdi_farm_add_provider (farm, source, &error));
  template = vdi_template_new (NULL, "Win11 Pool", source, "Win11 Gold");
  vdi_template_set_source_vm_id (template, "gold-vm");
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  for (int i = 0; i < n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-%04d", i);
      g_autofree char *host = g_strdup_printf ("hv-%04d.example.com", i);
      g_autofree char *id = g_strdup_printf ("id-%04d", i);
      g_autoptr(VdiProvider) provider = vdi_provider_new (id, name,
                                                          VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                          host, 5985);

      g_assert_true (vdi_farm_add_provider (farm, provider, &error));
      g_assert_nonnull (vdi_template_add_target (template, provider, &error));
    }
  g_assert_true (vdi_farm_add_template (farm, template, &error));

  /* Every copy is under way, as in the middle of a distribution. */
  targets = vdi_template_get_targets (template);
  for (guint i = 1; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      vdi_target_set_state (target, VDI_TARGET_STATE_NEEDS_UPDATE);
      vdi_target_set_step (target, VDI_TARGET_STEP_IMPORTED);
      vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
    }

  start = g_get_monotonic_time ();
  dialog = vdi_distribution_dialog_new (NULL, distributor, template);
  g_signal_connect (dialog, "map", G_CALLBACK (mapped_cb), &mapped);
  gtk_window_present (GTK_WINDOW (dialog));
  while (!mapped)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (dialog));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), &painted);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_print ("targets %d, reports %d per second\n", n_targets, n_targets);
  g_print ("%-26s %.1f ms\n", "open to first frame", (g_get_monotonic_time () - start) / 1000.);

  bench.template = template;
  bench.n_targets = n_targets;
  bench.batch_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.latency_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &bench);
  source_id = g_timeout_add (1000 / BATCHES_PER_SECOND, report_cb, &bench);
  probe_id = g_timeout_add (PROBE_MS, probe_cb, &bench);

  /* A second to settle, then the measured run. */
  run_for (1);
  bench.measuring = TRUE;
  run_for (seconds);
  bench.measuring = FALSE;
  g_source_remove (source_id);
  g_source_remove (probe_id);

  print_figures ("reports, per batch", bench.batch_ms);
  print_figures ("frame, update to paint", bench.frame_ms);
  print_figures ("main loop latency", bench.latency_ms);

  g_signal_handlers_disconnect_by_data (clock, &bench);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_array_unref (bench.batch_ms);
  g_array_unref (bench.frame_ms);
  g_array_unref (bench.latency_ms);

  g_clear_object (&template);
  g_clear_object (&distributor);
  g_clear_object (&farm);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
