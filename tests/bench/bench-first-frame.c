/* bench-first-frame.c: how soon the console shows a big farm. Prints, for an SQLite farm of
 * 10,000 templates and 1,000 providers, the time from the console's start (its main(), in a
 * process of its own each time) to the first frame painted with rows in the template list (a
 * big farm's first templates show while the rest is read), to the first frame with the whole
 * farm loaded, and that process's peak memory; asserts nothing about time.
 *
 *   bench-first-frame [--quick] [--runs N] [--providers N]
 *
 * Needs a display (xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#include "vdi-application.h"
#include "vdi-templates-page.h"
#include "vdi-test-farm.h"
#include "vdi-window.h"

typedef struct
{
  VdiApplication *app;
  gint64          start;
  gint64          rows_shown;
  gboolean        done;
} Child;

/* The list is there: the window shows the farm and its column view has rows. */
static gboolean
list_shown (Child *child)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (child->app));
  VdiTemplatesPage *page;
  GtkSelectionModel *model;

  if (!VDI_IS_WINDOW (window))
    return FALSE;
  page = vdi_window_get_templates_page (VDI_WINDOW (window));
  model = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));
  return model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (vdi_templates_page_get_column_view (page)));
}

static void
after_paint_cb (GdkFrameClock *clock,
                Child         *child)
{
  gint64 now = g_get_monotonic_time ();

  if (child->done || !list_shown (child))
    return;
  if (child->rows_shown == 0)
    child->rows_shown = now;
  if (!vdi_application_get_farm_loaded (child->app))
    return;
  child->done = TRUE;
  printf ("%.3f %.3f %ld\n", (child->rows_shown - child->start) / (double)G_USEC_PER_SEC,
          (now - child->start) / (double)G_USEC_PER_SEC, vdi_test_peak_rss_kib ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (child->app));
}

static void
window_mapped_cb (GtkWidget *window,
                  Child     *child)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), child);
}

static void
activate_cb (GApplication *app,
             Child        *child)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* Presenting a window may map it at once. */
  if (gtk_widget_get_mapped (GTK_WIDGET (window)))
    window_mapped_cb (GTK_WIDGET (window), child);
  else
    g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), child);
}

/* The console as main.c starts it, on @path, with passwords kept in memory only. */
static int
run_child (const char *path)
{
  g_autoptr(VdiCredentials) credentials = NULL;
  Child child = { NULL, g_get_monotonic_time (), 0, FALSE };
  int status;

  adw_init ();
  credentials = vdi_credentials_new (FALSE);
  child.app = vdi_application_new (APP_ID ".Bench", G_APPLICATION_NON_UNIQUE);
  vdi_application_set_farm_path (child.app, path);
  vdi_application_set_credentials (child.app, credentials);
  g_signal_connect_after (child.app, "activate", G_CALLBACK (activate_cb), &child);
  status = g_application_run (G_APPLICATION (child.app), 0, NULL);
  g_object_unref (child.app);
  return child.done ? status : 1;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) seconds = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) whole = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean quick = FALSE;
  guint n_runs = 5;
  guint n_templates;
  guint n_providers = 0;
  long peak = 0;

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--quick"))
        quick = TRUE;
      else if (g_str_equal (argv[i], "--runs") && i + 1 < argc)
        {
          int runs = atoi (argv[++i]);

          n_runs = (guint)MAX (1, runs);
        }
      else if (g_str_equal (argv[i], "--providers") && i + 1 < argc)
        {
          int providers = atoi (argv[++i]);

          n_providers = (guint)MAX (15, providers);
        }
    }
  if (quick)
    n_runs = 1;
  n_templates = quick ? 500 : 10000;
  if (n_providers == 0)
    n_providers = quick ? 100 : 1000;

  dir = vdi_test_make_tmpdir ();
  path = g_build_filename (dir, "farm.db", NULL);
  farm = vdi_test_farm_generate (path, n_providers, n_templates);
  if (!vdi_farm_save (farm, &error))
    g_error ("%s", error->message);
  g_clear_object (&farm);

  for (guint i = 0; i < n_runs; i++)
    {
      const char *child_argv[] = { argv[0], "--child", path, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      double s, w;
      long rss;
      int status;

      if (!g_spawn_sync (NULL, (char **)child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                         &err, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("the console did not show the farm: %s\n%s", error->message,
                 err != NULL ? err : "");
      if (sscanf (out, "%lf %lf %ld", &s, &w, &rss) != 3)
        g_error ("the console printed “%s”", out);
      g_array_append_val (seconds, s);
      g_array_append_val (whole, w);
      peak = MAX (peak, rss);
    }
  g_array_sort (seconds, compare_doubles);
  g_array_sort (whole, compare_doubles);

  printf ("SQLite farm of %u templates, %u providers, in a new console process:\n", n_templates,
          n_providers);
  printf ("  first frame with the list  %6.3f s median of %u (%.3f–%.3f s; target < 1 s)\n",
          g_array_index (seconds, double, seconds->len / 2), seconds->len,
          g_array_index (seconds, double, 0), g_array_index (seconds, double, seconds->len - 1));
  printf ("  the whole farm in the list %6.3f s median of %u (%.3f–%.3f s)\n",
          g_array_index (whole, double, whole->len / 2), whole->len,
          g_array_index (whole, double, 0), g_array_index (whole, double, whole->len - 1));
  printf ("  peak memory                %6.1f MiB (target < 150 MiB)\n", peak / 1024.0);

  vdi_test_rm_rf (dir);
  return 0;
}
