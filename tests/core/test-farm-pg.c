/* test-farm-pg.c: a farm shared in a real PostgreSQL server, started by the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vdi-core.h"
#include "vdi-farm-lock.h"
#include "vdi-test-farm.h"
#include "vdi-test-pg.h"

typedef struct
{
  VdiTestPg *pg;
  char      *uri;
  char      *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->pg = vdi_test_pg_start (data);
  if (fixture->pg == NULL)
    return;
  fixture->uri = vdi_test_pg_create_database (fixture->pg, "farm");
  fixture->dir = vdi_test_make_tmpdir ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  vdi_test_pg_stop (fixture->pg);
  if (fixture->dir != NULL)
    vdi_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->uri);
}

static int
query_int (Fixture    *fixture,
           const char *sql)
{
  g_autofree char *value = vdi_test_pg_query (fixture->pg, "farm", sql);

  return atoi (value);
}

/* The farm as a JSON farm file: what two farms are compared by. */
static char *
export_json (Fixture    *fixture,
             VdiFarm    *farm,
             const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (vdi_farm_export (farm, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

/* Two farm files hold the same farm. A load marks work that was running as interrupted, at
 * the time of the load, so the times of the targets' last change are not compared. */
static void
assert_same_farm (const char *a,
                  const char *b)
{
  g_auto(GStrv) lines_a = g_strsplit (a, "\n", -1);
  g_auto(GStrv) lines_b = g_strsplit (b, "\n", -1);
  guint n_a = g_strv_length (lines_a);
  guint n_b = g_strv_length (lines_b);

  for (guint i = 0; i < MIN (n_a, n_b); i++)
    {
      if (strstr (lines_a[i], "\"updated-at\"") != NULL &&
          strstr (lines_b[i], "\"updated-at\"") != NULL)
        continue;
      if (!g_str_equal (lines_a[i], lines_b[i]))
        g_error ("the farms differ at line %u: “%s” and “%s”", i + 1, lines_a[i], lines_b[i]);
    }
  g_assert_cmpuint (n_a, ==, n_b);
}

static VdiFarm *
load (const char *uri)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (uri);
  g_autoptr(GError) error = NULL;

  if (!vdi_farm_load (farm, NULL, &error))
    g_error ("loading %s: %s", uri, error->message);
  return g_steal_pointer (&farm);
}

/* The targets the model holds, to compare with the table's rows. */
static guint
count_targets (VdiFarm *farm)
{
  GListModel *templates = vdi_farm_get_templates (farm);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      n += g_list_model_get_n_items (vdi_template_get_targets (template));
    }
  return n;
}

/* Providers, templates and their targets come back as they were saved; the schema holds them
 * as rows with foreign keys, and a save writes only the rows that changed. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiFarm) again = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *loaded = NULL;
  g_autofree char *reloaded = NULL;
  GListModel *targets;
  int versions;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 40);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  check = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 15);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (check)), ==, 40);
  saved = export_json (fixture, farm, "saved.json");
  loaded = export_json (fixture, check, "loaded.json");
  {
    /* What was saved, loaded as a file is. */
    g_autofree char *path = g_build_filename (fixture->dir, "saved.json", NULL);
    g_autoptr(VdiFarm) reference = load (path);

    g_free (saved);
    saved = export_json (fixture, reference, "reference.json");
  }
  assert_same_farm (saved, loaded);

  g_assert_cmpint (query_int (fixture, "SELECT version FROM farm_schema;"), ==, 3);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM targets;"), >, 0);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM templates WHERE row_version <> 1;"),
                   ==, 0);
  /* Foreign keys hold: no target names a provider that is not there. */
  g_assert_cmpint (query_int (fixture,
                              "SELECT count(*) FROM information_schema.table_constraints "
                              "WHERE constraint_type = 'FOREIGN KEY';"), ==, 3);

  /* The load marked running work interrupted, which its first save stores. */
  g_assert_true (vdi_farm_save (check, &error));
  g_assert_no_error (error);
  versions = query_int (fixture, "SELECT sum(row_version) FROM templates;");

  /* One change, one row written, its version bumped. */
  template = g_list_model_get_item (vdi_farm_get_templates (check), 7);
  targets = vdi_template_get_targets (template);
  target = g_list_model_get_item (targets, g_list_model_get_n_items (targets) - 1);
  vdi_target_update_transfer (target, 50.0, 5000, 10000, 0, -1);
  g_assert_true (vdi_farm_save (check, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture, "SELECT sum(row_version) FROM templates;"), ==,
                   versions + 1);
  g_assert_cmpint (query_int (fixture, "SELECT row_version FROM templates "
                                       "WHERE id = 'template-00008';"), >=, 2);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM providers WHERE row_version <> 1;"),
                   ==, 0);

  /* The session a save keeps for the next one may be gone (the server restarted, an
   * administrator ended it): the next save opens another. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(pg_terminate_backend (pid)) "
                                            "FROM pg_stat_activity "
                                            "WHERE application_name = '%s';", g_get_prgname ());

    g_assert_cmpint (query_int (fixture, sql), ==, 1);
  }
  vdi_target_update_transfer (target, 60.0, 6000, 10000, 0, -1);
  g_assert_true (vdi_farm_save (check, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture, "SELECT sum(row_version) FROM templates;"), ==,
                   versions + 2);

  /* A target removed and added back: the table follows, one template row changed each time. */
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM targets;"), ==, count_targets (check));
  {
    g_autoptr(VdiTemplate) multi = g_list_model_get_item (vdi_farm_get_templates (check), 0);
    GListModel *multi_targets = vdi_template_get_targets (multi);
    g_autoptr(VdiTarget) last =
      g_list_model_get_item (multi_targets, g_list_model_get_n_items (multi_targets) - 1);
    g_autoptr(VdiProvider) provider = g_object_ref (vdi_target_get_provider (last));
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM targets WHERE template_id = "
                                            "'template-00001' AND provider_id = '%s';",
                                            vdi_provider_get_id (provider));

    g_assert_false (vdi_target_get_is_source (last));
    g_clear_object (&last);
    g_assert_cmpint (query_int (fixture, sql), ==, 1);
    g_assert_true (vdi_template_remove_target (multi, provider, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_farm_save (check, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture, sql), ==, 0);
    g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM targets;"), ==,
                     count_targets (check));
    g_assert_cmpint (query_int (fixture, "SELECT sum(row_version) FROM templates;"), ==,
                     versions + 3);

    g_assert_nonnull (vdi_template_add_target (multi, provider, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_farm_save (check, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture, sql), ==, 1);
    g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM targets;"), ==,
                     count_targets (check));
  }

  /* A template removed goes, with its targets. */
  g_assert_true (vdi_farm_remove_template (check, template, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (check, &error));
  g_assert_no_error (error);
  again = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (again)), ==, 39);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM targets;"), ==, count_targets (again));
  reloaded = export_json (fixture, again, "reloaded.json");
  g_free (loaded);
  loaded = export_json (fixture, check, "check.json");
  assert_same_farm (reloaded, loaded);
}

/* A save the database refuses (here: its providers were deleted behind the farm's back, so a
 * template's provider is missing) fails whole, says why, and leaves the database as it was. */
static void
test_failed_save (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 40);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  /* A constraint added meanwhile that every changed template breaks. */
  vdi_test_pg_exec (fixture->pg, "farm",
                    "ALTER TABLE templates ADD CONSTRAINT refuse_all CHECK (false) NOT VALID;");

  /* Two templates changed. */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&template);
      g_clear_object (&target);
      template = g_list_model_get_item (vdi_farm_get_templates (farm), i == 0 ? 9 : 6);
      target = g_list_model_get_item (vdi_template_get_targets (template), 0);
      vdi_target_update_transfer (target, 10.0, 1, 10, 0, -1);
    }
  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "refuse_all"));
  g_clear_error (&error);
  g_assert_true (vdi_farm_get_dirty (farm));

  /* Nothing of it was written, and the session it used serves the next load. */
  g_assert_cmpint (query_int (fixture, "SELECT max(row_version) FROM templates;"), ==, 1);
  check = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 15);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (check)), ==, 40);
  g_clear_object (&template);
  template = g_list_model_get_item (vdi_farm_get_templates (check), 9);
  g_clear_object (&target);
  target = g_list_model_get_item (vdi_template_get_targets (template), 0);
  g_assert_cmpuint (vdi_target_get_bytes_done (target), ==, 0);

  /* Once the database takes it, the same change is written. */
  vdi_test_pg_exec (fixture->pg, "farm", "ALTER TABLE templates DROP CONSTRAINT refuse_all;");
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM templates WHERE row_version = 2;"),
                   ==, 2);
}

/* What one process saves, another loads. */
static void
test_seen_by_another_process (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *writer_path = g_getenv ("VDI_FARM_WRITER");
  gint64 deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;
  gboolean seen = FALSE;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 10);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  g_assert_nonnull (writer_path);
  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, writer_path, fixture->uri,
                             NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");

  /* The writer reports transfers on the templates' last targets; wait for one to show. */
  while (!seen)
    {
      g_autoptr(VdiFarm) check = load (fixture->uri);
      GListModel *templates = vdi_farm_get_templates (check);

      for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
        {
          g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
          GListModel *targets = vdi_template_get_targets (template);
          g_autoptr(VdiTarget) target =
            g_list_model_get_item (targets, g_list_model_get_n_items (targets) - 1);

          seen = seen || vdi_target_get_bytes_total (target) > 0;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  g_subprocess_send_signal (writer, SIGKILL);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);
}

/* While one process holds the farm's lock, another is read-only: vdictl refuses to change
 * the farm, naming the holder, and still reads it. The lock goes with its holder. */
static void
test_lock (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiFarmLock) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  GPid pid = 0;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 0);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  g_assert_false (vdi_farm_lock_query_holder (fixture->uri, NULL, NULL));
  lock = vdi_farm_lock_acquire (fixture->uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);

  g_assert_true (vdi_farm_lock_query_holder (fixture->uri, &holder, &pid));
  g_assert_cmpstr (holder, ==, g_get_prgname ());
  g_assert_cmpint (pid, ==, getpid ());

  /* Another session, even of this process, does not get it. */
  second = vdi_farm_lock_acquire (fixture->uri, &error);
  g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
  g_assert_null (second);
  g_clear_error (&error);

  expected = g_strdup_printf ("in use by %s (process %d)", g_get_prgname (), (int)getpid ());
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err, "--farm", fixture->uri, "provider", "remove",
                                        "hv-0000", NULL), ==, 1);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err2, "--farm", fixture->uri, "provider", "list",
                                        NULL), ==, 0);
  check = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 15);

  vdi_farm_lock_release (lock);
  g_assert_false (vdi_farm_lock_query_holder (fixture->uri, NULL, NULL));
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err3, "--farm", fixture->uri, "provider", "remove",
                                        "hv-0000", NULL), ==, 0);
  g_clear_object (&check);
  check = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 14);
}

/* The server ends this process's lock session, as a restart or a dropped network would. */
static void
end_lock_session (Fixture *fixture)
{
  g_autofree char *sql = g_strdup_printf ("SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                                          "WHERE application_name = '%s/%d';", g_get_prgname (),
                                          (int)getpid ());

  vdi_test_pg_exec (fixture->pg, "farm", sql);
}

/* A lock holder whose session the server ended (a restart, a dropped network) saves as before
 * while no one else has the lock; once another process took it, the holder's saves are refused,
 * naming that process, and write nothing. */
static void
test_taken_over (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 4);
  lock = vdi_farm_lock_acquire (fixture->uri, &error);
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  /* The server ends the lock's session; this process's saves use sessions of their own. */
  end_lock_session (fixture);
  g_assert_false (vdi_farm_lock_query_holder (fixture->uri, NULL, NULL));

  template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  vdi_template_set_name (template, "saved-before");
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  /* vdictl takes the free lock, changes the farm, and ends. */
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err, "--farm", fixture->uri, "provider", "remove",
                                        "vc-0003", NULL), ==, 0);

  vdi_template_set_name (template, "never-saved");
  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "vdictl (process "));

  check = load (fixture->uri);
  g_assert_nonnull (vdi_farm_find_template (check, "saved-before"));
  g_assert_null (vdi_farm_find_template (check, "never-saved"));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 14);
}

/* A holder checks its lock: a session the server ended is opened again and the lock taken
 * again while the farm is still this process's; once another process took it meanwhile, the
 * check says who, and takes nothing. */
static void
test_lock_check (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  GPid pid = 0;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 4);
  lock = vdi_farm_lock_acquire (fixture->uri, &error);
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_lock_check (lock, &error));
  g_assert_no_error (error);

  end_lock_session (fixture);
  g_assert_false (vdi_farm_lock_query_holder (fixture->uri, NULL, NULL));
  g_assert_true (vdi_farm_lock_check (lock, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_lock_query_holder (fixture->uri, NULL, &pid));
  g_assert_cmpint (pid, ==, getpid ());
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err, "--farm", fixture->uri, "provider", "remove",
                                        "vc-0003", NULL), ==, 1);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  end_lock_session (fixture);
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err2, "--farm", fixture->uri, "provider", "remove",
                                        "vc-0003", NULL), ==, 0);
  g_assert_false (vdi_farm_lock_check (lock, &error));
  g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "vdictl (process "));
  g_assert_false (vdi_farm_lock_query_holder (fixture->uri, NULL, NULL));
}

static void
count_failure (VdiFarm      *farm,
               const GError *error,
               guint        *n_failed)
{
  (*n_failed)++;
}

static gboolean
failed_three_times (gpointer data)
{
  return vdi_farm_get_n_failed_saves (data) >= 3;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @done says so; fails the test, saying @what, after @seconds. */
static void
wait_until (GSourceFunc  done,
            gpointer     data,
            guint        seconds,
            const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (100, wake_cb, NULL);

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("waited %u s for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static gboolean
saved_again (gpointer data)
{
  GError *error = NULL;
  gboolean saved;

  g_object_get (data, "save-error", &error, NULL);
  saved = error == NULL && !vdi_farm_get_dirty (data);
  g_clear_error (&error);
  return saved;
}

/* The database goes away in the middle of work (no connections accepted, every session
 * ended): the writer says so once, keeps its changes, tries again on its own, and writes them
 * once the database is back, with no further change to prompt it. */
static void
test_outage (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  GError *save_error = NULL;
  guint n_failed = 0;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 4);
  lock = vdi_farm_lock_acquire (fixture->uri, &error);
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_signal_connect (farm, "save-failed", G_CALLBACK (count_failure), &n_failed);
  vdi_farm_set_autosave (farm, TRUE);

  vdi_test_pg_exec (fixture->pg, "postgres",
                    "ALTER DATABASE farm ALLOW_CONNECTIONS false;"
                    "SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                    "WHERE datname = 'farm';");

  template = g_list_model_get_item (vdi_farm_get_templates (farm), 1);
  vdi_template_set_name (template, "while-away");

  /* Failing: tried again on its own (after 1 s, then 2 s), and said once all the same. */
  wait_until (failed_three_times, farm, 60, "three failed saves");
  g_assert_cmpuint (n_failed, ==, 1);
  g_object_get (farm, "save-error", &save_error, NULL);
  g_assert_nonnull (save_error);
  g_test_message ("said: %s", save_error->message);
  g_clear_error (&save_error);
  g_assert_true (vdi_farm_get_dirty (farm));

  vdi_test_pg_exec (fixture->pg, "postgres", "ALTER DATABASE farm ALLOW_CONNECTIONS true;");
  wait_until (saved_again, farm, 60, "the change made while the database was away to be written");

  check = load (fixture->uri);
  g_assert_nonnull (vdi_farm_find_template (check, "while-away"));
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* A writer killed at any moment of a save leaves a farm that loads, whole. */
static void
test_kill_writer (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) last = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  const char *writer_path = g_getenv ("VDI_FARM_WRITER");
  guint seeds = g_test_slow () ? 40 : 8;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 40);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_nonnull (writer_path);

  for (guint seed = 1; seed <= seeds; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(VdiFarm) check = NULL;
      g_autoptr(GSubprocess) writer = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      g_test_message ("seed %u", seed);
      writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, writer_path,
                                 fixture->uri, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "ready");

      /* Where the kill lands is what the seed chooses, not what the test waits for. */
      g_timeout_add (g_rand_int_range (rand, 1, 80), quit_loop_cb, loop);
      g_main_loop_run (loop);
      g_subprocess_send_signal (writer, SIGKILL);
      g_subprocess_wait (writer, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (writer));

      check = load (fixture->uri);
      g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (check)), ==, 40);
      g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (check)), ==, 15);
    }

  /* And the next writer carries on. */
  last = load (fixture->uri);
  vdi_farm_schedule_save (last);
  g_assert_true (vdi_farm_flush (last, &error));
  g_assert_no_error (error);
}

/* vdictl farm import fills an empty database from a JSON farm file; farm export writes it back
 * the same; neither writes over a farm that is there. */
static void
test_import_export (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(VdiFarm) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_build_filename (fixture->dir, "farm.json", NULL);
  g_autofree char *back = g_build_filename (fixture->dir, "back.json", NULL);
  g_autofree char *second_uri = NULL;
  g_autofree char *original = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;

  if (fixture->pg == NULL)
    return;

  source = vdi_test_farm_generate (json, 15, 40);
  g_assert_true (vdi_farm_save (source, &error));
  g_assert_no_error (error);

  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err, "--farm", fixture->uri, "farm", "import", json,
                                        NULL), ==, 0);
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err2, "--farm", fixture->uri, "farm", "export",
                                        back, NULL), ==, 0);
  {
    g_autoptr(VdiFarm) reference = load (json);

    original = export_json (fixture, reference, "reference.json");
  }
  g_assert_true (g_file_get_contents (back, &exported, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (original, exported);

  /* The database holds a farm now: no import into it, no export over it. */
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err3, "--farm", fixture->uri, "farm", "import",
                                        json, NULL), ==, 1);
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err4, "--farm", json, "farm", "export",
                                        fixture->uri, NULL), ==, 1);
  g_assert_nonnull (strstr (err4, "already holds a farm"));

  /* Export from a file straight into a new database. */
  second_uri = vdi_test_pg_create_database (fixture->pg, "second");
  g_assert_true (vdi_farm_export (source, second_uri, &error));
  g_assert_no_error (error);
  {
    g_autoptr(VdiFarm) check = load (second_uri);
    g_autofree char *copy = export_json (fixture, check, "copy.json");

    assert_same_farm (copy, original);
  }
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* A database that asks for a password gets it from the credentials store, keyed by the URI
 * without a password; no message ever shows a password. */
static void
test_password (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) wrong = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *with_password = NULL;
  g_autofree char *host = NULL;

  if (fixture->pg == NULL)
    return;

  vdi_test_pg_exec (fixture->pg, "postgres",
                    "CREATE ROLE alice LOGIN PASSWORD 'correct-horse-7';");
  vdi_test_pg_exec (fixture->pg, "postgres", "CREATE DATABASE alicefarm OWNER alice;");
  uri = vdi_test_pg_uri (fixture->pg, "alice", "alicefarm");
  host = g_uri_escape_string (vdi_test_pg_get_dir (fixture->pg), NULL, FALSE);
  with_password = g_strdup_printf ("postgresql://alice:wrong-pw-9@/alicefarm?host=%s", host);

  /* No password stored: the load fails and says how to store one. */
  farm = vdi_farm_new (uri);
  g_assert_false (vdi_farm_load (farm, NULL, &error));
  g_assert_nonnull (strstr (error->message, "vdictl farm password"));
  g_clear_error (&error);

  /* A wrong password in the URI is refused, and not repeated. */
  wrong = vdi_farm_new (with_password);
  g_assert_false (vdi_farm_load (wrong, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "wrong-pw-9"));
  g_clear_error (&error);
  g_assert_false (vdi_farm_store_database_password (with_password, "x", &error));
  g_assert_null (strstr (error->message, "wrong-pw-9"));
  g_clear_error (&error);
  {
    g_autofree char *in_query = g_strconcat (uri, "&password=wrong-pw-9&sslmode=disable", NULL);
    g_autofree char *shown = vdi_farm_dup_display_location (in_query);
    g_autofree char *expected = g_strconcat (uri, "&sslmode=disable", NULL);
    g_autoptr(VdiFarm) query_farm = vdi_farm_new (in_query);

    g_assert_cmpstr (shown, ==, expected);
    g_clear_pointer (&shown, g_free);
    shown = vdi_farm_dup_display_location (with_password);
    g_assert_null (strstr (shown, "wrong-pw-9"));
    g_assert_false (vdi_farm_load (query_farm, NULL, &error));
    g_assert_null (strstr (error->message, "wrong-pw-9"));
    g_clear_error (&error);
  }

  /* Stored (here in memory: the test has no Secret Service), it opens the farm, both for
   * postgresql:// and postgres://, and the lock. */
  g_assert_true (vdi_farm_store_database_password (uri, "correct-horse-7", &error));
  g_assert_no_error (error);
  g_clear_object (&farm);
  farm = vdi_test_farm_generate (uri, 15, 5);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  lock = vdi_farm_lock_acquire (uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  {
    g_autofree char *short_uri = g_strconcat ("postgres://", uri + strlen ("postgresql://"),
                                              NULL);

    check = load (short_uri);
    g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (check)), ==, 5);
  }

  /* The console's load, in a worker thread, finds it too, on a new connection: the one kept
   * from the last save is ended first. */
  {
    g_autoptr(VdiFarm) async_farm = vdi_farm_new (uri);
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT count(pg_terminate_backend (pid)) "
                                            "FROM pg_stat_activity WHERE usename = 'alice' "
                                            "AND application_name = '%s';", g_get_prgname ());
    g_autofree char *ended = vdi_test_pg_query (fixture->pg, "postgres", sql);

    g_assert_cmpstr (ended, !=, "0");

    vdi_farm_load_async (async_farm, NULL, store_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (vdi_farm_load_finish (async_farm, result, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (async_farm)), ==, 5);
  }
}

/* The command runs without a farm, and refuses what is not a database URI, a URI holding a
 * password, no password, and (here) a session without a Secret Service to keep it. */
static void
test_password_command (void)
{
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;

  if (!HAVE_LIBPQ)
    {
      g_test_skip ("this build has no PostgreSQL support");
      return;
    }

  g_assert_cmpint (vdi_test_run_vdictl ("pw-1\n", &err, "farm", "password",
                                        "postgresql://vdi@db.example/farm", "--password-stdin",
                                        NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no Secret Service"));
  g_assert_cmpint (vdi_test_run_vdictl ("pw-1\n", &err2, "farm", "password", "/tmp/farm.db",
                                        "--password-stdin", NULL), ==, 2);
  g_assert_cmpint (vdi_test_run_vdictl ("pw-1\n", &err3, "farm", "password",
                                        "postgresql://vdi:inline-pw@db.example/farm",
                                        "--password-stdin", NULL), ==, 1);
  g_assert_null (strstr (err3, "inline-pw"));
  g_assert_cmpint (vdi_test_run_vdictl ("\n", &err4, "farm", "password",
                                        "postgresql://vdi@db.example/farm", "--password-stdin",
                                        NULL), ==, 1);
}

/* A big shared farm's first templates by name are read ahead of the rest, as from SQLite. */
/* Two admins, one template, on a shared farm: see vdi_test_farm_two_writers(). */
static void
test_two_writers (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->pg == NULL)
    return;

  vdi_test_farm_two_writers (fixture->uri);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM templates "
                                       "WHERE changed_by IS NULL OR changed_at IS NULL;"), ==, 0);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM removed_rows;"), ==, 1);
}

/* A database of schema 2, before rows said who changed them: brought up to date, rows kept. */
static void
test_schema_2 (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarm) loaded = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 6);
  vdi_test_farm_finish_busy (farm);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  vdi_test_pg_exec (fixture->pg, "farm",
                    "ALTER TABLE providers DROP COLUMN changed_by, DROP COLUMN changed_program, "
                    "  DROP COLUMN changed_at;"
                    "ALTER TABLE templates DROP COLUMN changed_by, DROP COLUMN changed_program, "
                    "  DROP COLUMN changed_at;"
                    "DROP TABLE removed_rows;"
                    "DROP FUNCTION farm_put_provider, farm_put_template, farm_delete_row;"
                    "UPDATE farm_schema SET version = 2;"
                    /* This process's kept session knew the newer schema: a new one. */
                    "SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                    "  WHERE datname = 'farm' AND pid <> pg_backend_pid ();");

  loaded = load (fixture->uri);
  vdi_template_set_max_hosts (vdi_farm_find_template (loaded, "tmpl-00002"), 3);
  g_assert_true (vdi_farm_save (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture, "SELECT version FROM farm_schema;"), ==, 3);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM templates "
                                       "WHERE changed_by IS NOT NULL;"), ==, 1);
  g_clear_object (&farm);
  farm = load (fixture->uri);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 6);
  g_assert_cmpuint (vdi_template_get_max_hosts (vdi_farm_find_template (farm, "tmpl-00002")),
                    ==, 3);
}

static void
test_preview (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = NULL;
  g_auto(GStrv) names = NULL;

  if (fixture->pg == NULL)
    return;

  farm = vdi_test_farm_generate (fixture->uri, 15, 1001);
  vdi_template_set_name (vdi_farm_find_template (farm, "tmpl-00700"), "Alpha");
  names = vdi_test_farm_save_previewed (farm);
  g_assert_cmpstr (names[0], ==, "Alpha");
  g_assert_cmpstr (names[1], ==, "tmpl-00001");
  g_assert_cmpstr (names[99], ==, "tmpl-00099");
}

int
main (int   argc,
      char *argv[])
{
  /* Never the user's keyring: passwords stored by the tests stay in this process's memory. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vdi-test-bus", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/farm-pg/round-trip", test_round_trip, NULL);
  ADD ("/farm-pg/failed-save", test_failed_save, NULL);
  ADD ("/farm-pg/seen-by-another-process", test_seen_by_another_process, NULL);
  ADD ("/farm-pg/lock", test_lock, NULL);
  ADD ("/farm-pg/taken-over", test_taken_over, NULL);
  ADD ("/farm-pg/lock-check", test_lock_check, NULL);
  ADD ("/farm-pg/outage", test_outage, NULL);
  ADD ("/farm-pg/kill-writer", test_kill_writer, NULL);
  ADD ("/farm-pg/import-export", test_import_export, NULL);
  ADD ("/farm-pg/preview", test_preview, NULL);
  ADD ("/farm-pg/two-writers", test_two_writers, NULL);
  ADD ("/farm-pg/schema-2", test_schema_2, NULL);
  ADD ("/farm-pg/password", test_password, "local all alice scram-sha-256\n");
  g_test_add_func ("/farm-pg/password-command", test_password_command);

#undef ADD

  return g_test_run ();
}
