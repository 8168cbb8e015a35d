/* bench-farm.c: how long a farm takes to save and load, and how much memory a loaded farm
 * costs. Prints figures; asserts nothing about time.
 *
 *   bench-farm [--quick]           the figures for 1,000 and 10,000 templates, for the JSON
 *                                  file and for the SQLite database
 *   bench-farm --load FILE         (internal) load FILE, print seconds and peak RSS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>

#include "vdi-core.h"
#include "vdi-test-farm.h"
#include "vdi-test-pg.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

typedef struct
{
  GAsyncResult *result;
} LoadWait;

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadWait *wait = user_data;

  wait->result = g_object_ref (result);
}

/* Runs in a fresh process so that the peak memory is the loaded farm's, not the generator's.
 * Prints: blocking load seconds, async load seconds (start to loaded), seconds of the async
 * load spent on the calling (UI) thread, baseline and peak RSS in KiB. */
static int
load_only (const char *path)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (path);
  g_autoptr(VdiFarm) async_farm = vdi_farm_new (path);
  g_autoptr(GError) error = NULL;
  LoadWait wait = { NULL };
  long rss_before = vdi_test_peak_rss_kib ();
  double start, sync_s, async_s, main_thread_s, finish_start;

  start = now ();
  if (!vdi_farm_load (farm, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  sync_s = now () - start;
  g_clear_object (&farm);

  /* The console's way: parse in a worker thread, splice into the lists on the main thread. */
  start = now ();
  vdi_farm_load_async (async_farm, NULL, loaded_cb, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  finish_start = now ();
  if (!vdi_farm_load_finish (async_farm, wait.result, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  main_thread_s = now () - finish_start;
  async_s = now () - start;
  g_object_unref (wait.result);

  printf ("%.3f %.3f %.3f %ld %ld\n", sync_s, async_s, main_thread_s, rss_before,
          vdi_test_peak_rss_kib ());
  return 0;
}

/* One change stored on its own, as one progress report saved at once: the mean of 20. */
static double
one_change_s (VdiFarm *farm)
{
  GListModel *templates = vdi_farm_get_templates (farm);
  guint n = g_list_model_get_n_items (templates);
  g_autoptr(GError) error = NULL;
  double total = 0;

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, (i * 13) % n);
      g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);
      double start;

      vdi_target_update_transfer (target, 60, 3, 4, 0, -1);
      start = now ();
      if (!vdi_farm_save (farm, &error))
        g_error ("%s", error->message);
      total += now () - start;
    }
  return total / 20;
}

/* Another farm on @writer's store, following it as a read-only console does. */
static VdiFarm *
new_follower (VdiFarm *writer)
{
  g_autoptr(VdiFarm) follower = vdi_farm_new (vdi_farm_get_path (writer));
  g_autoptr(GError) error = NULL;

  vdi_farm_set_following (follower, TRUE);
  if (!vdi_farm_load (follower, NULL, &error))
    g_error ("%s", error->message);
  return g_steal_pointer (&follower);
}

/* How long a change one process stores takes to show in another that follows the farm (a
 * read-only console): 10 changes, each saved on its own, then waited for. */
static void
seen_by_another (VdiFarm *writer,
                 double  *mean_s,
                 double  *max_s)
{
  g_autoptr(VdiFarm) follower = new_follower (writer);
  GListModel *templates = vdi_farm_get_templates (writer);
  guint n = g_list_model_get_n_items (templates);
  g_autoptr(GError) error = NULL;
  double total = 0;

  *max_s = 0;
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, (i * 17) % n);
      g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);
      VdiTemplate *followed = vdi_farm_find_template (follower, vdi_template_get_name (template));
      g_autoptr(VdiTarget) seen = g_list_model_get_item (vdi_template_get_targets (followed), 0);
      guint64 value = 1000 + i;
      double start, took;

      vdi_target_update_transfer (target, 10, value, 2000, 0, -1);
      if (!vdi_farm_save (writer, &error))
        g_error ("%s", error->message);
      start = now ();
      while (vdi_target_get_bytes_done (seen) != value)
        g_main_context_iteration (NULL, TRUE);
      took = now () - start;
      total += took;
      *max_s = MAX (*max_s, took);
    }
  *mean_s = total / 10;
}

/* @path: a farm file, or a database URI with @pg its server */
typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
stall_tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 t = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->longest = MAX (stall->longest, t - stall->last);
  stall->last = t;
  return G_SOURCE_CONTINUE;
}

/* Every template renamed at once by another process (an import, a mass edit): how long until a
 * follower has them all, and the longest its main loop went without running meanwhile (what a
 * read-only console's window would freeze for). */
static void
bulk_seen_by_another (VdiFarm *writer,
                      double  *seen_s,
                      double  *stall_s)
{
  g_autoptr(VdiFarm) follower = new_follower (writer);
  GListModel *templates = vdi_farm_get_templates (writer);
  guint n = g_list_model_get_n_items (templates);
  g_autoptr(GError) error = NULL;
  g_autofree char *last_name = NULL;
  Stall stall = { 0, 0 };
  double start;
  guint tick;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      g_autofree char *name = g_strdup_printf ("bulk-%s", vdi_template_get_name (template));

      vdi_template_set_name (template, name);
      if (i == n - 1)
        last_name = g_steal_pointer (&name);
    }
  if (!vdi_farm_save (writer, &error))
    g_error ("%s", error->message);

  tick = g_timeout_add (1, stall_tick_cb, &stall);
  start = now ();
  for (;;)
    {
      g_autoptr(VdiTemplate) seen = g_list_model_get_item (vdi_farm_get_templates (follower),
                                                           n - 1);

      if (g_str_equal (vdi_template_get_name (seen), last_name))
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  *seen_s = now () - start;
  /* The last wait, the one that took the renames in, ends here. */
  stall_tick_cb (&stall);
  g_source_remove (tick);
  *stall_s = stall.longest / (double)G_USEC_PER_SEC;
}

static void
measure (const char *self,
         const char *path,
         VdiTestPg  *pg,
         const char *label,
         guint       n_providers,
         guint       n_templates)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { self, "--load", path, NULL };
  double start, generate_s, save_s, incremental_s, change_s, load_s, async_s, main_s;
  double seen_mean_s = -1, seen_max_s = -1, bulk_s = -1, stall_s = -1;
  long rss_base, rss_peak;
  int status;
  GStatBuf st;

  start = now ();
  farm = vdi_test_farm_generate (path, n_providers, n_templates);
  generate_s = now () - start;

  start = now ();
  if (!vdi_farm_save (farm, &error))
    g_error ("%s", error->message);
  save_s = now () - start;
  if (pg == NULL)
    g_stat (path, &st);
  else
    {
      /* postgresql://USER@/DB?host=… */
      const char *name = strstr (path, "@/") + 2;
      g_autofree char *db = g_strndup (name, strcspn (name, "?"));
      g_autofree char *size = vdi_test_pg_query (pg, db,
                                                 "SELECT pg_database_size (current_database ());");

      st.st_size = g_ascii_strtoll (size, NULL, 10);
    }

  /* What autosave costs during a distribution: a few targets report progress, then a save. */
  {
    GListModel *templates = vdi_farm_get_templates (farm);

    for (guint i = 0; i < 10; i++)
      {
        guint n = g_list_model_get_n_items (templates);
        g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, (i * 7) % n);
        g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);

        vdi_target_update_transfer (target, 50, 1, 2, 0, -1);
      }
    start = now ();
    if (!vdi_farm_save (farm, &error))
      g_error ("%s", error->message);
    incremental_s = now () - start;
  }
  change_s = one_change_s (farm);
  if (!g_str_has_suffix (path, ".json"))
    {
      seen_by_another (farm, &seen_mean_s, &seen_max_s);
      bulk_seen_by_another (farm, &bulk_s, &stall_s);
    }

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("load: %s %s", error->message, err != NULL ? err : "");
  if (sscanf (out, "%lf %lf %lf %ld %ld", &load_s, &async_s, &main_s, &rss_base,
              &rss_peak) != 5)
    g_error ("load printed “%s”", out);

  printf ("%s farm of %u templates, %u providers:\n", label, n_templates, n_providers);
  printf ("  %s %8.1f MiB\n", pg != NULL ? "database size       " : "file size           ",
          st.st_size / 1048576.0);
  printf ("  generate in memory   %8.3f s\n", generate_s);
  printf ("  first save           %8.3f s\n", save_s);
  printf ("  save after 10 changes%8.3f s\n", incremental_s);
  printf ("  one change stored    %8.2f ms (mean of 20; target < 5 ms)\n", change_s * 1000);
  if (seen_mean_s >= 0)
    printf ("  seen by a follower   %8.0f ms (mean of 10, at most %.0f ms; target < 1 s)\n",
            seen_mean_s * 1000, seen_max_s * 1000);
  if (bulk_s >= 0)
    printf ("  all renamed, seen    %8.3f s by a follower, its main loop held at most %.0f ms\n",
            bulk_s, stall_s * 1000);
  printf ("  load, blocking       %8.3f s\n", load_s);
  printf ("  load, async          %8.3f s (of which on the main thread: %.3f s)\n",
          async_s, main_s);
  printf ("  peak memory          %8.1f MiB (process baseline %.1f MiB; both loads; "
          "target < 150 MiB)\n",
          rss_peak / 1024.0, rss_base / 1024.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  VdiTestPg *pg;
  gboolean quick = FALSE;

  if (argc == 3 && g_str_equal (argv[1], "--load"))
    return load_only (argv[2]);
  if (argc == 2 && g_str_equal (argv[1], "--quick"))
    quick = TRUE;

  dir = vdi_test_make_tmpdir ();
  /* The PostgreSQL figures, when it is installed: a server of our own on a Unix socket. */
  pg = vdi_test_pg_start_full (NULL, TRUE);

  for (guint i = 0; i < 3; i++)
    {
      static const char * const labels[] = { "JSON", "SQLite", "PostgreSQL" };
      static const guint sizes[] = { 1000, 10000 };

      if (i == 2 && pg == NULL)
        {
          printf ("PostgreSQL: no figures (not installed, or no support in this build)\n");
          break;
        }
      for (guint j = 0; j < (quick ? 1 : G_N_ELEMENTS (sizes)); j++)
        {
          guint n_templates = quick ? 50 : sizes[j];
          g_autofree char *db = g_strdup_printf ("farm%u", n_templates);
          g_autofree char *path =
            i == 2 ? vdi_test_pg_create_database (pg, db)
                   : g_strdup_printf ("%s/farm-%u.%s", dir, n_templates, i == 0 ? "json" : "db");

          measure (argv[0], path, i == 2 ? pg : NULL, labels[i], quick ? 15 : 1000, n_templates);
        }
    }

  vdi_test_pg_stop (pg);
  vdi_test_rm_rf (dir);
  return 0;
}
