/* test-farm-follow.c: a farm that follows what another process stores, in SQLite and in a real
 * PostgreSQL server.
 *
 * Copyright 2026 The VDI Console authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vdi-core.h"
#include "vdi-test-farm.h"
#include "vdi-test-pg.h"

static VdiTestPg *pg;   /* one server for every PostgreSQL case */

typedef struct
{
  char    *dir;
  char    *location;
  char    *database;
  VdiFarm *writer;
  VdiFarm *follower;
  guint    n_followed;
} Fixture;

static void
on_followed (VdiFarm *farm,
             guint    n_changes,
             Fixture *fixture)
{
  g_assert_cmpuint (n_changes, >, 0);
  fixture->n_followed++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *store = data;
  g_autoptr(GError) error = NULL;

  fixture->dir = vdi_test_make_tmpdir ();
  if (g_str_equal (store, "sqlite"))
    fixture->location = g_build_filename (fixture->dir, "farm.db", NULL);
  else
    {
      static guint n;

      if (pg == NULL)
        return;
      fixture->database = g_strdup_printf ("follow%u", n++);
      fixture->location = vdi_test_pg_create_database (pg, fixture->database);
    }

  /* The writer: 15 providers, 4 templates, some of their copies under way. */
  fixture->writer = vdi_test_farm_generate (fixture->location, 15, 4);
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  fixture->follower = vdi_farm_new (fixture->location);
  vdi_farm_set_following (fixture->follower, TRUE);
  g_signal_connect (fixture->follower, "followed", G_CALLBACK (on_followed), fixture);
  g_assert_true (vdi_farm_load (fixture->follower, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->follower);
  g_clear_object (&fixture->writer);
  /* The polls under way end with the objects they hold. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vdi_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->location);
  g_free (fixture->database);
}

static gboolean
skip_without_server (Fixture *fixture)
{
  if (fixture->location != NULL)
    return FALSE;
  g_test_skip ("no PostgreSQL server (initdb and postgres from Debian's postgresql)");
  return TRUE;
}

static gboolean
timed_out_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds, or fails the test after 20 s (a loaded machine
 * may be slow; the figure that matters is printed, never asserted). Returns: the seconds it
 * took. */
static double
wait_until (Condition  condition,
            gpointer   data,
            const char *what)
{
  gboolean timed_out = FALSE;
  gint64 start = g_get_monotonic_time ();
  guint timeout = g_timeout_add_seconds (20, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("the follower never saw %s", what);
  g_source_remove (timeout);
  return (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
}

static VdiTemplate *
nth_template (VdiFarm *farm,
              guint    n)
{
  return g_list_model_get_item (vdi_farm_get_templates (farm), n);
}

static VdiTarget *
nth_target (VdiTemplate *template,
            guint        n)
{
  return g_list_model_get_item (vdi_template_get_targets (template), n);
}

static gboolean
target_has_bytes (gpointer data)
{
  VdiTarget *target = data;

  /* The bytes wanted ride along as a pointer-sized value. */
  return vdi_target_get_bytes_done (target) == GPOINTER_TO_SIZE (g_object_get_data (data, "want"));
}

/* Copies under way in the writer stay under way in the follower, as loaded and as followed:
 * the same target objects change in place, and the follower saves nothing. */
static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTemplate) mine = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(VdiTarget) watched = NULL;
  g_autoptr(GError) error = NULL;
  guint64 total = 40ull << 30;
  double seconds;

  if (skip_without_server (fixture))
    return;

  /* Template 4 (index 3) has a copy under way (its first target): loaded as it is. */
  mine = nth_template (fixture->follower, 3);
  watched = nth_target (mine, 1);
  g_assert_true (vdi_target_is_busy (watched));
  g_assert_cmpint (vdi_target_get_progress (watched), ==, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_null (vdi_target_get_last_error (watched));

  template = nth_template (fixture->writer, 3);
  target = nth_target (template, 1);
  vdi_target_update_transfer (target, 25, total / 4, total, 100e6, 300);
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  g_object_set_data (G_OBJECT (watched), "want", GSIZE_TO_POINTER ((gsize)(total / 4)));
  seconds = wait_until (target_has_bytes, watched, "the copy's progress");
  g_test_message ("a change stored by one farm was seen by the other after %.3f s", seconds);
  g_assert_cmpfloat (vdi_target_get_percent (watched), ==, 25);
  g_assert_true (vdi_target_is_busy (watched));

  /* A second report: the follower works out the rate from the two. */
  g_usleep (200 * 1000);
  vdi_target_update_transfer (target, 50, total / 2, total, 100e6, 300);
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (watched), "want", GSIZE_TO_POINTER ((gsize)(total / 2)));
  wait_until (target_has_bytes, watched, "the copy's second report");
  g_assert_cmpfloat (vdi_target_get_rate (watched), >, 0);
  g_assert_cmpint (vdi_target_get_seconds_left (watched), >=, 0);

  /* The copy ends. */
  vdi_target_set_state (target, VDI_TARGET_STATE_READY);
  vdi_target_set_progress (target, VDI_DISTRIBUTION_OK);
  vdi_target_update_transfer (target, 100, total, total, 0, -1);
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (watched), "want", GSIZE_TO_POINTER ((gsize)total));
  wait_until (target_has_bytes, watched, "the copy's end");
  g_assert_false (vdi_target_is_busy (watched));
  g_assert_cmpint (vdi_target_get_progress (watched), ==, VDI_DISTRIBUTION_OK);

  /* Same objects throughout; nothing to save in the follower. */
  {
    g_autoptr(VdiTemplate) again = nth_template (fixture->follower, 3);
    g_autoptr(VdiTarget) same = nth_target (again, 1);

    g_assert_true (again == mine);
    g_assert_true (same == watched);
  }
  g_assert_false (vdi_farm_get_dirty (fixture->follower));
  g_assert_cmpuint (vdi_farm_get_n_saves (fixture->follower), ==, 0);
  g_assert_cmpuint (fixture->n_followed, >=, 3);
  g_assert_null (vdi_farm_get_follow_error (fixture->follower));
}

typedef struct
{
  VdiFarm    *farm;
  const char *name;
} Named;

static gboolean
has_template (gpointer data)
{
  Named *named = data;

  return vdi_farm_find_template (named->farm, named->name) != NULL;
}

static gboolean
lacks_template (gpointer data)
{
  return !has_template (data);
}

static gboolean
provider_moved (gpointer data)
{
  return g_strcmp0 (vdi_provider_get_host (data), "hv-moved.corp.example") == 0;
}

static gboolean
has_three_targets (gpointer data)
{
  return g_list_model_get_n_items (vdi_template_get_targets (data)) == 3;
}

/* Templates added, renamed, removed, targets added, providers changed and added. */
static void
test_structure (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VdiTemplate) renamed = NULL;
  g_autoptr(VdiTemplate) mine = NULL;
  g_autoptr(VdiTemplate) gone = NULL;
  g_autoptr(VdiTemplate) added = NULL;
  g_autoptr(VdiProvider) extra = NULL;
  g_autoptr(GError) error = NULL;
  VdiProvider *provider, *followed;
  Named named;

  if (skip_without_server (fixture))
    return;

  mine = nth_template (fixture->follower, 0);

  /* A new provider, a new template on it with a target, a rename, a removal. */
  extra = vdi_provider_new ("provider-extra", "hv-extra", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                            "hv-extra.corp.example", 5985);
  g_assert_true (vdi_farm_add_provider (fixture->writer, extra, &error));
  g_assert_no_error (error);
  provider = vdi_farm_find_provider_by_id (fixture->writer, "provider-00000");
  added = vdi_template_new ("template-new", "tmpl-new", provider, "gold-new");
  g_assert_true (vdi_template_set_multi_provider (added, TRUE, &error));
  g_assert_nonnull (vdi_template_add_target (added, extra, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_add_template (fixture->writer, added, &error));
  g_assert_no_error (error);

  renamed = nth_template (fixture->writer, 0);
  vdi_template_set_name (renamed, "tmpl-renamed");
  gone = nth_template (fixture->writer, 1);
  g_assert_true (vdi_farm_remove_template (fixture->writer, gone, &error));
  g_assert_no_error (error);
  vdi_provider_set_host (provider, "hv-moved.corp.example");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  named.farm = fixture->follower;
  named.name = "tmpl-new";
  wait_until (has_template, &named, "the new template");
  named.name = "tmpl-00002";
  wait_until (lacks_template, &named, "the removed template go");
  followed = vdi_farm_find_provider_by_id (fixture->follower, "provider-00000");
  wait_until (provider_moved, followed, "the provider's new host");

  /* The renamed template is the object the follower had. */
  g_assert_true (vdi_farm_find_template (fixture->follower, "tmpl-renamed") == mine);
  g_assert_null (vdi_farm_find_template (fixture->follower, "tmpl-00001"));

  /* The new template's target is the follower's own new provider object. */
  {
    VdiTemplate *template = vdi_farm_find_template (fixture->follower, "tmpl-new");
    g_autoptr(VdiTarget) target = nth_target (template, 1);

    g_assert_true (vdi_template_get_source_provider (template) == followed);
    g_assert_true (vdi_target_get_provider (target) ==
                   vdi_farm_find_provider_by_id (fixture->follower, "provider-extra"));
  }
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (fixture->follower)), ==, 16);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (fixture->follower)), ==, 4);
  g_assert_false (vdi_farm_get_dirty (fixture->follower));

  /* A target the writer adds to a template the follower has. */
  {
    VdiTemplate *template = vdi_farm_find_template (fixture->writer, "tmpl-new");
    VdiTemplate *followed_template = vdi_farm_find_template (fixture->follower, "tmpl-new");
    VdiProvider *third = vdi_farm_find_provider_by_id (fixture->writer, "provider-00005");

    g_assert_nonnull (vdi_template_add_target (template, third, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_farm_save (fixture->writer, &error));
    g_assert_no_error (error);
    wait_until (has_three_targets, followed_template, "the target added");
    g_assert_true (vdi_farm_find_template (fixture->follower, "tmpl-new") == followed_template);
  }
}

static gboolean follow_recovered (gpointer data);

static gboolean
bad_row_said (gpointer data)
{
  const GError *error = vdi_farm_get_follow_error (data);

  return error != NULL && g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
}

/* A row another program stored that fails the checks of a load (a newer version's, say): the
 * rows beside it are taken in, the follower says what is wrong and where, and takes the row in
 * once it is put right. */
static void
test_bad_row (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(VdiTemplate) first = NULL;
  g_autoptr(VdiTemplate) second = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  Named named;

  db = NULL;
  g_assert_cmpint (sqlite3_open (fixture->location, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE templates SET doc = '{\"id\": 7}', "
                                     "row_version = row_version + 1 WHERE id = 'template-00002';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  first = nth_template (fixture->writer, 0);
  vdi_template_set_name (first, "beside-the-bad-row");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  named.farm = fixture->follower;
  named.name = "beside-the-bad-row";
  wait_until (has_template, &named, "the good row beside the bad one");
  wait_until (bad_row_said, fixture->follower, "what is wrong with the bad row");
  g_test_message ("said: %s", vdi_farm_get_follow_error (fixture->follower)->message);
  g_assert_nonnull (strstr (vdi_farm_get_follow_error (fixture->follower)->message,
                            "template “template-00002”"));
  g_assert_nonnull (vdi_farm_find_template (fixture->follower, "tmpl-00002"));

  /* The writer stores the row again, whole. */
  second = nth_template (fixture->writer, 1);
  vdi_template_set_name (second, "put-right");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);
  named.name = "put-right";
  wait_until (has_template, &named, "the row put right");
  wait_until (follow_recovered, fixture->follower, "the error cleared");
}

static gboolean
follow_failed (gpointer data)
{
  return vdi_farm_get_follow_error (data) != NULL;
}

static gboolean
follow_recovered (gpointer data)
{
  return vdi_farm_get_follow_error (data) == NULL;
}

/* The server ends the follower's session: it says so, connects again, and catches up with
 * what was saved meanwhile. */
static void
test_reconnect (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTemplate) first = NULL;
  g_autoptr(GError) error = NULL;
  Named named;

  if (skip_without_server (fixture))
    return;

  /* A change seen first: the follower's connection is there and listening. */
  first = nth_template (fixture->writer, 0);
  vdi_template_set_name (first, "tmpl-before");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);
  named.farm = fixture->follower;
  named.name = "tmpl-before";
  wait_until (has_template, &named, "a change before the connection is lost");

  vdi_test_pg_exec (pg, fixture->database,
                    "SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                    "WHERE datname = current_database () AND pid <> pg_backend_pid ();");
  wait_until (follow_failed, fixture->follower, "the lost connection");
  g_test_message ("said: %s", vdi_farm_get_follow_error (fixture->follower)->message);

  template = nth_template (fixture->writer, 2);
  vdi_template_set_name (template, "tmpl-after-reconnect");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  named.name = "tmpl-after-reconnect";
  wait_until (has_template, &named, "the change saved while it was away");
  wait_until (follow_recovered, fixture->follower, "the error cleared");
}

/* Following stopped: nothing more changes, and the connection is closed. */
static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until;

  if (skip_without_server (fixture))
    return;

  vdi_farm_set_following (fixture->follower, FALSE);
  template = nth_template (fixture->writer, 0);
  vdi_template_set_name (template, "tmpl-unseen");
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (vdi_farm_find_template (fixture->follower, "tmpl-unseen"));
  g_assert_cmpuint (fixture->n_followed, ==, 0);
}

typedef struct
{
  VdiFarm    *farm;
  guint       n_templates;
  const char *prefix;
} BulkWanted;

/* @n_templates templates, each named with @prefix. */
static gboolean
bulk_seen (gpointer data)
{
  BulkWanted *wanted = data;
  GListModel *templates = vdi_farm_get_templates (wanted->farm);
  guint n = g_list_model_get_n_items (templates);

  if (n != wanted->n_templates)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      if (!g_str_has_prefix (vdi_template_get_name (template), wanted->prefix))
        return FALSE;
    }
  return TRUE;
}

/* Thousands of rows changed in one save (an import, a mass edit) are taken in a slice at a time
 * between the main loop's other work, as one change of the farm: all of them, once. */
static void
test_bulk (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(VdiTemplate) first = NULL;
  g_autoptr(GError) error = NULL;
  VdiProvider *source;
  BulkWanted wanted = { NULL, 0, NULL };
  guint before;

  if (skip_without_server (fixture))
    return;

  first = nth_template (fixture->writer, 0);
  source = vdi_template_get_source_provider (first);
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *id = g_strdup_printf ("bulk-%04u", i);
      g_autofree char *name = g_strdup_printf ("new-%04u", i);
      g_autoptr(VdiTemplate) template = vdi_template_new (id, name, source, "gold");

      g_assert_true (vdi_farm_add_template (fixture->writer, template, &error));
      g_assert_no_error (error);
    }
  /* The four there before, renamed like the rest in the same save. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(VdiTemplate) template = nth_template (fixture->writer, i);
      g_autofree char *name = g_strdup_printf ("new-old-%u", i);

      vdi_template_set_name (template, name);
    }
  before = fixture->n_followed;
  g_assert_true (vdi_farm_save (fixture->writer, &error));
  g_assert_no_error (error);

  wanted.farm = fixture->follower;
  wanted.n_templates = 1504;
  wanted.prefix = "new-";
  wait_until (bulk_seen, &wanted, "1,500 new templates and 4 renamed");
  g_assert_cmpuint (fixture->n_followed, ==, before + 1);
  g_assert_null (vdi_farm_get_follow_error (fixture->follower));

  /* Every one renamed at once: changed in place. */
  {
    g_autoptr(VdiTemplate) watched = nth_template (fixture->follower, 1000);

    for (guint i = 0; i < 1504; i++)
      {
        g_autoptr(VdiTemplate) template = nth_template (fixture->writer, i);
        g_autofree char *name = g_strdup_printf ("again-%s", vdi_template_get_name (template));

        vdi_template_set_name (template, name);
      }
    g_assert_true (vdi_farm_save (fixture->writer, &error));
    g_assert_no_error (error);
    wanted.prefix = "again-";
    wait_until (bulk_seen, &wanted, "1,504 templates renamed");
    g_assert_cmpuint (fixture->n_followed, ==, before + 2);
    {
      g_autoptr(VdiTemplate) now = nth_template (fixture->follower, 1000);

      g_assert_true (now == watched);
    }
  }
  g_assert_false (vdi_farm_get_dirty (fixture->follower));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  pg = vdi_test_pg_start (NULL);

#define ADD(path, store, func) \
  g_test_add (path, Fixture, store, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/follow/sqlite/progress", "sqlite", test_progress);
  ADD ("/core/follow/sqlite/structure", "sqlite", test_structure);
  ADD ("/core/follow/sqlite/stop", "sqlite", test_stop);
  ADD ("/core/follow/sqlite/bad-row", "sqlite", test_bad_row);
  ADD ("/core/follow/sqlite/bulk", "sqlite", test_bulk);
  ADD ("/core/follow/pg/progress", "pg", test_progress);
  ADD ("/core/follow/pg/structure", "pg", test_structure);
  ADD ("/core/follow/pg/reconnect", "pg", test_reconnect);
  ADD ("/core/follow/pg/stop", "pg", test_stop);
  ADD ("/core/follow/pg/bulk", "pg", test_bulk);

  status = g_test_run ();
  if (pg != NULL)
    vdi_test_pg_stop (pg);
  return status;
}
