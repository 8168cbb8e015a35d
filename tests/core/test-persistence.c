/* test-persistence.c: the farm file — round trip, atomic saves, damaged and future files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "vdi-core.h"
#include "vdi-test-farm.h"

#include <sqlite3.h>

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = vdi_test_make_tmpdir ();
  /* data: NULL for the JSON store, "db" for SQLite. */
  fixture->path = g_build_filename (fixture->dir, data != NULL ? "farm.db" : "farm.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  vdi_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
read_bytes (const char *path,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
read_file (const char *path)
{
  return read_bytes (path, NULL);
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
assert_same_object (GObject *a,
                    GObject *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n;

  g_assert_true (G_OBJECT_TYPE (a) == G_OBJECT_TYPE (b));
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);

  for (guint i = 0; i < n; i++)
    {
      const char *name = pspecs[i]->name;
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      /* Live values, and objects compared on their own. */
      if (g_str_equal (name, "updated-at") ||
          (VDI_IS_PROVIDER (a) && g_str_has_prefix (name, "status")))
        continue;
      if (G_TYPE_IS_OBJECT (pspecs[i]->value_type) ||
          G_TYPE_IS_INTERFACE (pspecs[i]->value_type))
        continue;

      g_value_init (&va, pspecs[i]->value_type);
      g_value_init (&vb, pspecs[i]->value_type);
      g_object_get_property (a, name, &va);
      g_object_get_property (b, name, &vb);

      if (pspecs[i]->value_type == G_TYPE_DATE_TIME)
        {
          GDateTime *da = g_value_get_boxed (&va), *db = g_value_get_boxed (&vb);

          if ((da == NULL) != (db == NULL) || (da != NULL && !g_date_time_equal (da, db)))
            g_error ("%s.%s differs", G_OBJECT_TYPE_NAME (a), name);
        }
      else if (pspecs[i]->value_type == G_TYPE_STRV)
        g_assert_true (g_strv_equal (g_value_get_boxed (&va), g_value_get_boxed (&vb)));
      else if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
        {
          g_autofree char *sa = g_strdup_value_contents (&va);
          g_autofree char *sb = g_strdup_value_contents (&vb);

          g_error ("%s.%s differs: %s vs %s", G_OBJECT_TYPE_NAME (a), name, sa, sb);
        }
    }
}

static void
assert_same_strays (VdiTarget *a,
                    VdiTarget *b)
{
  g_assert_cmpuint (vdi_target_get_n_strays (a), ==, vdi_target_get_n_strays (b));
  for (guint i = 0; i < vdi_target_get_n_strays (a); i++)
    {
      const VdiTargetStray *x = vdi_target_get_stray (a, i), *y = vdi_target_get_stray (b, i);

      g_assert_cmpstr (x->provider_id, ==, y->provider_id);
      g_assert_cmpstr (x->vm_id, ==, y->vm_id);
      g_assert_cmpstr (x->job, ==, y->job);
    }
}

static void
assert_same_farm (VdiFarm *a,
                  VdiFarm *b)
{
  GListModel *pa = vdi_farm_get_providers (a), *pb = vdi_farm_get_providers (b);
  GListModel *ta = vdi_farm_get_templates (a), *tb = vdi_farm_get_templates (b);

  g_assert_cmpuint (g_list_model_get_n_items (pa), ==, g_list_model_get_n_items (pb));
  g_assert_cmpuint (g_list_model_get_n_items (ta), ==, g_list_model_get_n_items (tb));

  for (guint i = 0; i < g_list_model_get_n_items (pa); i++)
    {
      g_autoptr(GObject) x = g_list_model_get_item (pa, i);
      g_autoptr(GObject) y = g_list_model_get_item (pb, i);

      assert_same_object (x, y);
    }

  for (guint i = 0; i < g_list_model_get_n_items (ta); i++)
    {
      g_autoptr(VdiTemplate) x = g_list_model_get_item (ta, i);
      g_autoptr(VdiTemplate) y = g_list_model_get_item (tb, i);
      GListModel *lists[2][2] = {
        { vdi_template_get_targets (x), vdi_template_get_hosts (x) },
        { vdi_template_get_targets (y), vdi_template_get_hosts (y) },
      };

      assert_same_object (G_OBJECT (x), G_OBJECT (y));
      g_assert_cmpstr (vdi_provider_get_id (vdi_template_get_source_provider (x)), ==,
                       vdi_provider_get_id (vdi_template_get_source_provider (y)));

      for (guint l = 0; l < 2; l++)
        {
          g_assert_cmpuint (g_list_model_get_n_items (lists[0][l]), ==,
                            g_list_model_get_n_items (lists[1][l]));
          for (guint k = 0; k < g_list_model_get_n_items (lists[0][l]); k++)
            {
              g_autoptr(GObject) u = g_list_model_get_item (lists[0][l], k);
              g_autoptr(GObject) v = g_list_model_get_item (lists[1][l], k);

              assert_same_object (u, v);
              if (VDI_IS_TARGET (u))
                assert_same_strays (VDI_TARGET (u), VDI_TARGET (v));
            }
        }
    }
}

/* Copies a silent holder abandoned (relay), with and without a VM or a job recorded. */
static void
add_strays (VdiFarm *farm)
{
  g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);

  vdi_target_add_stray (target, "p-holder-1", "5F0C2B7A-3E91-4D6B-A8C4-17E2D9B05F63",
                        "Msvm_MigrationJob:7D2E…");
  vdi_target_add_stray (target, "p-holder-2", NULL, NULL);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* The async load, as the console does it, reads what @farm holds. */
static void
assert_async_load_same (VdiFarm *farm)
{
  g_autoptr(VdiFarm) again = vdi_farm_new (vdi_farm_get_path (farm));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vdi_farm_load_async (again, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vdi_farm_load_finish (again, result, &error));
  g_assert_no_error (error);
  assert_same_farm (farm, again);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 30, 60);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiProvider) provider = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  provider = g_list_model_get_item (vdi_farm_get_providers (farm), 0);
  vdi_provider_set_allow_http (provider, TRUE);
  vdi_provider_set_tls_fingerprint (provider, "AB:CD:EF");
  vdi_provider_set_name (provider, "Ämsterdam “quoted” \\ \"name\"");

  /* Finished work only: running work is rewritten on load (see the next test). */
  vdi_test_farm_finish_busy (farm);
  add_strays (farm);

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_farm_get_dirty (farm));

  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_farm_get_dirty (loaded));
  assert_same_farm (farm, loaded);

  /* Loaded templates are created ones: their multi-provider setting is fixed. */
  {
    g_autoptr(VdiTemplate) t = g_list_model_get_item (vdi_farm_get_templates (loaded), 0);

    g_assert_true (vdi_template_get_locked (t));
  }

  /* Saving what was loaded gives the same file. */
  first = read_file (fixture->path);
  g_assert_true (vdi_farm_save (loaded, &error));
  second = read_file (fixture->path);
  g_assert_cmpstr (first, ==, second);
  g_assert_nonnull (strstr (first, "\"version\" : 1"));

  /* The previous good file is kept as the backup. */
  {
    g_autofree char *bak = g_strconcat (fixture->path, ".bak", NULL);
    g_autofree char *bak_contents = read_file (bak);

    g_assert_cmpstr (bak_contents, ==, first);
  }

  /* The async load, as the console does it, reads the same. */
  assert_async_load_same (farm);
}

/* A host left for later by a recreate stays so across a restart; files written before the
 * mark existed, where no host has it, load with none marked. */
static void
test_host_needs_recreate (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 1);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  g_autoptr(VdiHost) marked = g_list_model_get_item (vdi_template_get_hosts (template), 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, &error));
  g_assert_null (strstr (contents, "needs-recreate"));

  vdi_host_set_needs_recreate (marked, TRUE);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&template);
  template = g_list_model_get_item (vdi_farm_get_templates (loaded), 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (vdi_template_get_hosts (template), i);

      g_assert_cmpint (vdi_host_get_needs_recreate (host), ==, i == 0);
    }
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;

  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 0);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 4);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiHost) host = vdi_host_new ("VDI-099", NULL);
  g_autoptr(GError) error = NULL;
  guint n_needs_update = 0;
  GListModel *targets;

  /* Template 1 (Hyper-V) has one target copying: (0 + 1) % 4 → failed, (0 + 2) % 4 → OK.
   * Make both busy: one copying, one being removed. */
  template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  targets = vdi_template_get_targets (template);
  {
    g_autoptr(VdiTarget) a = g_list_model_get_item (targets, 1);
    g_autoptr(VdiTarget) b = g_list_model_get_item (targets, 2);

    vdi_target_set_progress (a, VDI_DISTRIBUTION_DISTRIBUTING);
    vdi_target_update_transfer (a, 55, 22, 40, 1, 10);
    vdi_target_set_progress (b, VDI_DISTRIBUTION_REMOVING_PROVIDER);
  }
  vdi_template_add_host (template, host);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);

  g_clear_object (&template);
  template = g_list_model_get_item (vdi_farm_get_templates (loaded), 0);
  targets = vdi_template_get_targets (template);
  for (guint i = 1; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      g_assert_false (vdi_target_is_busy (target));
      if (vdi_target_get_state (target) == VDI_TARGET_STATE_NEEDS_UPDATE)
        {
          g_assert_cmpint (vdi_target_get_progress (target), ==, VDI_DISTRIBUTION_FAILED);
          g_assert_nonnull (strstr (vdi_target_get_last_error (target), "Interrupted"));
          n_needs_update++;
        }
    }
  g_assert_cmpuint (n_needs_update, ==, 2);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_FAILED);

  /* The host that was being created failed, and says why. */
  {
    GListModel *hosts = vdi_template_get_hosts (template);
    g_autoptr(VdiHost) last = g_list_model_get_item (hosts, g_list_model_get_n_items (hosts) - 1);

    g_assert_cmpint (vdi_host_get_state (last), ==, VDI_HOST_STATE_FAILED);
    g_assert_nonnull (strstr (vdi_host_get_last_error (last), "Interrupted"));
  }

  /* The rewrite is a change to save. */
  g_assert_true (vdi_farm_get_dirty (loaded));
}

typedef struct
{
  const char *name;
  const char *contents;
  const char *message;
} BadFile;

static const BadFile bad_files[] = {
  { "truncated", "{\n \"version\" : 1,\n \"providers\" : [\n  {\n   \"id\" : \"p1\",\n   \"na",
    "is cut off: it ends at line 6" },
  { "malformed", "{\n \"version\": 1,\n \"providers\": [}\n", "line 3, column" },
  { "empty", "", "is empty" },
  { "not-an-object", "[1, 2, 3]", "the top level: expected an object" },
  { "no-version", "{\"providers\": [], \"templates\": []}", "at version: the value is missing" },
  { "version-text", "{\"version\": \"1\", \"providers\": [], \"templates\": []}",
    "at version: expected a whole number" },
  { "no-providers", "{\"version\": 1, \"templates\": []}", "at providers: the list is missing" },
  { "provider-type", "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": 7, \"subtype\": "
    "\"hyperv-standalone\", \"host\": \"h\"}], \"templates\": []}",
    "at providers[0].name: expected text" },
  { "provider-subtype", "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"n\", "
    "\"subtype\": \"xen\", \"host\": \"h\"}], \"templates\": []}",
    "at providers[0].subtype: “xen” is not a known value" },
  { "port-range", "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"n\", \"subtype\": "
    "\"vcenter-8\", \"host\": \"h\", \"port\": 70000}], \"templates\": []}",
    "at providers[0].port: 70000 is out of range (1 to 65535)" },
  { "dangling-provider", "{\"version\": 1, \"providers\": [], \"templates\": [{\"id\": \"t\", "
    "\"name\": \"T\", \"source-provider\": \"nope\", \"source-vm-name\": \"vm\", "
    "\"host-name-format\": \"A%ID:2%\", \"targets\": []}]}",
    "at templates[0].source-provider: no provider has the id “nope”" },
  { "target-element", "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"n\", "
    "\"subtype\": \"vcenter-8\", \"host\": \"h\"}], \"templates\": [{\"id\": \"t\", \"name\": "
    "\"T\", \"source-provider\": \"p\", \"source-vm-name\": \"vm\", \"host-name-format\": "
    "\"A%ID:2%\", \"targets\": [42]}]}",
    "at templates[0].targets[0]: expected an object" },
  { "stray-without-holder", "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": "
    "\"n\", \"subtype\": \"vcenter-8\", \"host\": \"h\"}], \"templates\": [{\"id\": \"t\", "
    "\"name\": \"T\", \"source-provider\": \"p\", \"source-vm-name\": \"vm\", "
    "\"host-name-format\": \"A%ID:2%\", \"targets\": [{\"provider\": \"p\", \"source\": true, "
    "\"strays\": [{\"vm-id\": \"x\"}]}]}]}",
    "at templates[0].targets[0].strays[0].provider: the value is missing" },
  { "binary", "{\"version\": 1\0\0\0}", "binary data" },
  { "too-deep", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "nests" },
  { "cut-in-string", "{\"version\": 1, \"providers\": [], \"templates\": [], \"x\": \"abc",
    "is cut off" },
  { "trailing-garbage", "{\"version\": 1, \"providers\": [], \"templates\": []} }", "line 1" },
};

static void
test_bad_files (Fixture       *fixture,
                gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->path);
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *aside = NULL;
      g_autofree char *aside_contents = NULL;
      gsize length = strlen (bad_files[i].contents);
      gsize after_length;

      if (g_str_equal (bad_files[i].name, "binary"))
        length = 18;

      g_test_message ("%s", bad_files[i].name);
      write_file (fixture->path, bad_files[i].contents, length);

      g_assert_false (vdi_farm_load (farm, NULL, &error));
      g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
      if (strstr (error->message, bad_files[i].message) == NULL)
        g_error ("%s: expected “%s” in “%s”", bad_files[i].name, bad_files[i].message,
                 error->message);
      g_assert_nonnull (strstr (error->message, fixture->path));
      g_clear_error (&error);

      /* The bad file is never overwritten, not even by a save. */
      g_assert_false (vdi_farm_save (farm, &error));
      g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
      g_clear_error (&error);
      g_file_get_contents (fixture->path, &after, &after_length, NULL);
      g_assert_cmpmem (after, after_length, bad_files[i].contents, length);

      /* Starting anew keeps it, renamed. */
      aside = vdi_farm_set_aside (farm, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (aside, "farm.json.damaged-"));
      g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
      g_file_get_contents (aside, &aside_contents, &after_length, NULL);
      g_assert_cmpmem (aside_contents, after_length, bad_files[i].contents, length);
      g_assert_true (vdi_farm_save (farm, &error));
      g_assert_no_error (error);
      g_remove (aside);
    }
}

static void
test_future_version (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char future[] = "{\"version\": 7, \"providers\": [], \"templates\": [],"
                               " \"something-new\": {}}";
  g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  write_file (fixture->path, future, -1);
  g_assert_false (vdi_farm_load (farm, NULL, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_assert_nonnull (strstr (error->message, "format 7"));
  g_clear_error (&error);

  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  after = read_file (fixture->path);
  g_assert_cmpstr (after, ==, future);
}

static void
test_restore_backup (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 10);
  g_autoptr(VdiFarm) reopened = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;

  g_assert_true (vdi_farm_save (farm, &error));
  first = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  vdi_template_set_name (first, "renamed");
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  /* Damage the newest file; the backup holds the one before. */
  write_file (fixture->path, "{\"version\": 1, \"provi", -1);
  g_assert_false (vdi_farm_load (reopened, NULL, &error));
  g_clear_error (&error);

  g_assert_false (vdi_farm_restore_backup (reopened, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  g_clear_error (&error);

  aside = vdi_farm_set_aside (reopened, &error);
  g_assert_no_error (error);
  g_assert_true (vdi_farm_restore_backup (reopened, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_load (reopened, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (reopened)), ==, 10);
  g_assert_nonnull (vdi_farm_find_template (reopened, "tmpl-00001"));
  g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));
}

static void
test_autosave_coalesces (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 20);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(VdiTarget) check = NULL;
  g_autoptr(GError) error = NULL;
  guint saves_before;

  g_assert_true (vdi_farm_save (farm, &error));
  vdi_farm_set_autosave (farm, TRUE);
  saves_before = vdi_farm_get_n_saves (farm);

  /* Live values that are not saved do not make the farm dirty. */
  {
    g_autoptr(VdiProvider) provider = g_list_model_get_item (vdi_farm_get_providers (farm), 0);

    vdi_provider_set_status (provider, VDI_PROVIDER_STATUS_NOT_AVAILABLE, "refused");
    g_assert_false (vdi_farm_get_dirty (farm));
  }

  /* A burst of a thousand progress reports... */
  template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  target = g_list_model_get_item (vdi_template_get_targets (template), 1);
  vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
  for (guint i = 1; i <= 1000; i++)
    vdi_target_update_transfer (target, i / 10.0, i * 1000, 1000000, 1000, 1000 - i);
  g_assert_true (vdi_farm_get_dirty (farm));

  /* ...costs one write. */
  while (vdi_farm_get_dirty (farm) || vdi_farm_get_n_saves (farm) == saves_before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vdi_farm_get_n_saves (farm) - saves_before, ==, 1);

  g_assert_true (vdi_farm_flush (farm, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&template);
  template = g_list_model_get_item (vdi_farm_get_templates (loaded), 0);
  check = g_list_model_get_item (vdi_template_get_targets (template), 1);
  g_assert_cmpuint (vdi_target_get_bytes_done (check), ==, 1000000);
  g_assert_cmpfloat (vdi_target_get_percent (check), ==, 100);
}

/* A record that must reach the disk at once does, without the coalescing delay, even when a
 * save is already under way. */
static void
test_save_soon (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 4);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;

  g_assert_true (vdi_farm_save (farm, &error));
  template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  target = g_list_model_get_item (vdi_template_get_targets (template), 1);

  vdi_target_set_job (target, "Msvm_ConcreteJob:first");
  vdi_farm_save_soon (farm);
  /* A second record while the first is being written goes out right after it. */
  vdi_target_set_job (target, "Msvm_ConcreteJob:second");
  vdi_farm_save_soon (farm);

  started = g_get_monotonic_time ();
  while (vdi_farm_get_dirty (farm) || vdi_farm_get_n_saves (farm) < 3)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("both saves took %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);

  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&template);
  g_clear_object (&target);
  template = g_list_model_get_item (vdi_farm_get_templates (loaded), 0);
  target = g_list_model_get_item (vdi_template_get_targets (template), 1);
  g_assert_cmpstr (vdi_target_get_job (target), ==, "Msvm_ConcreteJob:second");
}

static void
test_no_password_in_file (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char secret[] = "Tr0ub4dor&3-not-in-files";
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 3);
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProvider) provider = g_list_model_get_item (vdi_farm_get_providers (farm), 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *found = NULL;

  g_assert_true (vdi_credentials_store_sync (credentials, vdi_provider_get_id (provider),
                                             vdi_provider_get_name (provider), secret,
                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (farm, &error));

  contents = read_file (fixture->path);
  g_assert_null (strstr (contents, secret));
  g_assert_null (strstr (contents, "password"));

  found = vdi_credentials_lookup_sync (credentials, vdi_provider_get_id (provider), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, secret);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* A farm written by a process that is killed at random moments is always readable. */
static void
test_kill_during_save (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 40);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *writer = g_getenv ("VDI_FARM_WRITER") != NULL ?
                            g_strdup (g_getenv ("VDI_FARM_WRITER")) :
                            g_test_build_filename (G_TEST_BUILT, "farm-writer", NULL);
  guint rounds = g_test_slow () ? 200 : 40;

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < rounds; i++)
    {
      const char *argv[] = { writer, fixture->path, NULL };
      g_autoptr(VdiFarm) check = vdi_farm_new (fixture->path);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
      line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "ready");

      /* Let it write for a while, then kill it wherever it is. */
      g_timeout_add (g_rand_int_range (rand, 1, 40), quit_loop_cb, loop);
      g_main_loop_run (loop);
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (process));
      g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

      if (!vdi_farm_load (check, NULL, &error))
        g_error ("round %u: %s", i, error->message);
      g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (check)), ==, 40);
    }

  /* Temp files of killed writers are cleaned up by the next save. */
  {
    g_autoptr(VdiFarm) last = vdi_farm_new (fixture->path);
    g_autoptr(GDir) dir = NULL;
    const char *name;

    g_assert_true (vdi_farm_load (last, NULL, &error));
    g_assert_true (vdi_farm_save (last, &error));
    g_assert_no_error (error);
    dir = g_dir_open (fixture->dir, 0, NULL);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *base = g_path_get_basename (fixture->path);
        g_autofree char *bak = g_strconcat (base, ".bak", NULL);
        g_autofree char *wal = g_strconcat (base, "-wal", NULL);
        g_autofree char *shm = g_strconcat (base, "-shm", NULL);

        if (!g_str_equal (name, base) && !g_str_equal (name, bak) &&
            !(data != NULL && (g_str_equal (name, wal) || g_str_equal (name, shm))))
          g_error ("left behind: %s", name);
      }
  }
}


/* SQLite store ------------------------------------------------------------------------------- */

static sqlite3 *
open_sqlite (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static gint64
query_int (const char *path,
           const char *sql,
           const char *arg)
{
  sqlite3 *db = open_sqlite (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_sqlite_round_trip (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 30, 60);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiProvider) provider = g_list_model_get_item (vdi_farm_get_providers (farm), 0);
  g_autoptr(GError) error = NULL;

  vdi_provider_set_name (provider, "Ämsterdam “quoted” \\ \"name\" '; DROP TABLE providers; --");
  vdi_test_farm_finish_busy (farm);
  add_strays (farm);

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (farm, loaded);

  /* The schema: versioned, in WAL mode, with the columns other settings will use. */
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version;", NULL), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM templates;", NULL), ==, 60);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM providers WHERE auth IS NULL;", NULL), ==, 30);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM templates WHERE relay = 0;", NULL), ==, 60);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM targets WHERE fed_from IS NULL;", NULL), >, 0);
  {
    sqlite3 *db = open_sqlite (fixture->path);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode;", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  /* The async load, as the console does it, reads the same. */
  assert_async_load_same (farm);
}

/* A save writes the rows that changed and nothing else; a removed template's rows go. */
static void
test_sqlite_one_row_per_change (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 20);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) changed = NULL;
  g_autoptr(VdiTemplate) removed = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  const char *sum = "SELECT sum(row_version) FROM templates;";
  const char *version = "SELECT row_version FROM templates WHERE id = ?1;";

  vdi_test_farm_finish_busy (farm);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, sum, NULL), ==, 20);

  /* Saving with nothing changed writes nothing. */
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_cmpint (query_int (fixture->path, sum, NULL), ==, 20);

  changed = g_list_model_get_item (vdi_farm_get_templates (farm), 3);
  target = g_list_model_get_item (vdi_template_get_targets (changed), 0);
  vdi_target_set_last_error (target, "a change");
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, version, vdi_template_get_id (changed)), ==, 2);
  g_assert_cmpint (query_int (fixture->path, sum, NULL), ==, 21);

  /* A farm loaded from the database writes nothing either until something changes. */
  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_true (vdi_farm_save (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, sum, NULL), ==, 21);

  removed = g_list_model_get_item (vdi_farm_get_templates (loaded), 5);
  g_assert_true (vdi_farm_remove_template (loaded, removed, &error));
  g_assert_true (vdi_farm_save (loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM templates;", NULL), ==, 19);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM targets WHERE template_id = ?1;",
                              vdi_template_get_id (removed)), ==, 0);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM pragma_foreign_key_check;", NULL), ==, 0);

  /* Providers: a rename bumps that row alone; an added and removed one comes and goes. */
  {
    g_autoptr(VdiProvider) renamed = g_list_model_get_item (vdi_farm_get_providers (loaded), 2);
    g_autoptr(VdiProvider) extra = vdi_provider_new ("extra-id", "extra",
                                                     VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                     "extra.example.com", 5985);
    const char *provider_sum = "SELECT sum(row_version) FROM providers;";

    g_assert_cmpint (query_int (fixture->path, provider_sum, NULL), ==, 15);
    vdi_provider_set_name (renamed, "renamed");
    g_assert_true (vdi_farm_add_provider (loaded, extra, &error));
    g_assert_true (vdi_farm_save (loaded, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture->path, provider_sum, NULL), ==, 17);
    g_assert_cmpint (query_int (fixture->path,
                                "SELECT row_version FROM providers WHERE name = ?1;", "renamed"),
                     ==, 2);
    g_assert_true (vdi_farm_remove_provider (loaded, extra, &error));
    g_assert_true (vdi_farm_save (loaded, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM providers;", NULL), ==, 15);
  }

  /* A save that fails loses nothing: the next one writes the same change. */
  {
    g_autoptr(VdiTemplate) again = g_list_model_get_item (vdi_farm_get_templates (loaded), 7);
    g_autoptr(VdiTarget) t7 = g_list_model_get_item (vdi_template_get_targets (again), 0);
    sqlite3 *db = open_sqlite (fixture->path);

    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 9;", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    vdi_target_set_last_error (t7, "kept for the next save");
    g_assert_false (vdi_farm_save (loaded, &error));
    g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION);
    g_clear_error (&error);
    g_assert_true (vdi_farm_get_dirty (loaded));
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 2;", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (db);
    g_assert_true (vdi_farm_save (loaded, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture->path, version, vdi_template_get_id (again)), ==, 2);
  }
}

/* A database of a newer schema is refused, named, and never written. */
static void
test_sqlite_newer_schema (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 4);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  db = open_sqlite (fixture->path);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 7;", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  g_assert_false (vdi_farm_load (loaded, NULL, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "schema 7"));
  g_clear_error (&error);

  g_assert_false (vdi_farm_save (loaded, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version;", NULL), ==, 7);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM templates;", NULL), ==, 4);

  /* Even a farm that had it open before refuses to write into it. */
  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version;", NULL), ==, 7);
}

/* A damaged database is refused, kept byte for byte, and can be set aside for a new farm. */
static void
test_sqlite_corrupt (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  char garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char)(i * 7 + 3);
  write_file (fixture->path, garbage, sizeof garbage);
  before = read_bytes (fixture->path, &before_len);

  g_assert_false (vdi_farm_load (farm, NULL, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_clear_error (&error);

  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  g_clear_error (&error);
  after = read_bytes (fixture->path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);

  aside = vdi_farm_set_aside (farm, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (aside, "farm.db.damaged-"));
  g_clear_pointer (&after, g_free);
  after = read_bytes (aside, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);

  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version;", NULL), ==, 2);
}

/* A database whose rows are sound SQLite but one row's document is not (cut off, nested past
 * any farm, binary, or valid JSON with a wrong value) is refused, naming the row as a farm file
 * would ("templates[4]"); nothing is written to it. Rows are parsed one at a time. */
static void
test_sqlite_damaged_row (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const docs[] = {
    "{\"id\": \"cut", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "42", "{\"id\": 7}",
  };
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 30, 8);
  g_autoptr(GError) error = NULL;

  vdi_test_farm_finish_busy (farm);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
      sqlite3 *db = open_sqlite (fixture->path);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE templates SET doc = ?1 WHERE seq = "
                                           "(SELECT seq FROM templates ORDER BY seq LIMIT 1 OFFSET 4);",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, docs[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
      sqlite3_close (db);

      g_assert_false (vdi_farm_load (loaded, NULL, &error));
      g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, fixture->path));
      g_assert_nonnull (strstr (error->message, "templates[4]"));
      g_clear_error (&error);
    }
}

/* A big farm's first templates by name are read ahead of the rest, for the list to show while
 * the load goes on: in the list's order, case aside, not the database's. A damaged row among
 * them shows none, and the load fails as before, naming it; a farm of up to 1,000 templates
 * has none. */
static void
test_sqlite_preview (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 1001);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  sqlite3 *db;

  vdi_template_set_name (vdi_farm_find_template (farm, "tmpl-00700"), "Alpha");
  vdi_template_set_name (vdi_farm_find_template (farm, "tmpl-00002"), "zulu");
  names = vdi_test_farm_save_previewed (farm);
  g_assert_cmpstr (names[0], ==, "Alpha");
  g_assert_cmpstr (names[1], ==, "tmpl-00001");
  g_assert_cmpstr (names[2], ==, "tmpl-00003");
  g_assert_cmpstr (names[99], ==, "tmpl-00100");
  g_clear_pointer (&names, g_strfreev);

  /* The fifth row, third by name, damaged. */
  db = open_sqlite (fixture->path);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE templates SET doc = '{\"id\": 7}' "
                                 "WHERE name = 'tmpl-00005';", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  {
    g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);

    names = vdi_test_farm_load_previewed (loaded, &error);
    g_assert_null (names);
    g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "templates[4]"));
    g_clear_error (&error);
  }

  /* Mended (written again), then one template fewer: 1,000. */
  vdi_template_set_name (vdi_farm_find_template (farm, "tmpl-00005"), "tmpl-00005b");
  g_assert_true (vdi_farm_remove_template (farm, vdi_farm_find_template (farm, "tmpl-00009"),
                                           &error));
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  {
    g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);

    names = vdi_test_farm_load_previewed (loaded, &error);
    g_assert_no_error (error);
    g_assert_null (names);
    g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (loaded)), ==, 1000);
  }
}

/* Two admins, one template: a change based on an old version of a row is refused, saying who
 * changed it and when, and the farm shows the row as stored. */
static void
test_sqlite_two_writers (Fixture       *fixture,
                         gconstpointer  data)
{
  vdi_test_farm_two_writers (fixture->path);
  /* Each row written says by whom; a deleted one is remembered. */
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM templates WHERE changed_by IS NULL;", NULL),
                   ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM removed_rows;", NULL), ==, 1);
}

/* A database of the first schema, without who changed what: brought up to date as it is
 * opened, its rows kept; a refused change there says "another program". */
static void
test_sqlite_schema_1 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(VdiFarm) farm = vdi_test_farm_generate (fixture->path, 15, 6);
  g_autoptr(VdiFarm) loaded = vdi_farm_new (fixture->path);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  vdi_test_farm_finish_busy (farm);
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
  db = open_sqlite (fixture->path);
  g_assert_cmpint (sqlite3_exec (db,
                                 "ALTER TABLE providers DROP COLUMN changed_by;"
                                 "ALTER TABLE providers DROP COLUMN changed_program;"
                                 "ALTER TABLE providers DROP COLUMN changed_at;"
                                 "ALTER TABLE templates DROP COLUMN changed_by;"
                                 "ALTER TABLE templates DROP COLUMN changed_program;"
                                 "ALTER TABLE templates DROP COLUMN changed_at;"
                                 "DROP TABLE removed_rows;"
                                 "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (vdi_farm_load (loaded, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (farm, loaded);

  /* An older program's change, unrecorded: refused all the same. */
  db = open_sqlite (fixture->path);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE templates SET row_version = row_version + 1 "
                                     "WHERE id = 'template-00002';", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  vdi_template_set_max_hosts (vdi_farm_find_template (loaded, "tmpl-00002"), 3);
  vdi_template_set_max_hosts (vdi_farm_find_template (loaded, "tmpl-00003"), 4);
  g_assert_false (vdi_farm_save (loaded, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Another program changed the template “tmpl-00002”"));
  g_clear_error (&error);
  g_assert_cmpuint (vdi_template_get_max_hosts (vdi_farm_find_template (loaded, "tmpl-00002")),
                    ==, 20);

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version;", NULL), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM templates "
                                             "WHERE changed_by IS NOT NULL;", NULL), ==, 1);
}

/* Two farms on one database (two consoles, or a console and vdictl) each see what the other
 * committed; PRAGMA data_version tells a connection that another one wrote. */
static void
test_sqlite_two_farms (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VdiFarm) a = vdi_test_farm_generate (fixture->path, 15, 6);
  g_autoptr(VdiFarm) b = vdi_farm_new (fixture->path);
  g_autoptr(VdiFarm) a2 = vdi_farm_new (fixture->path);
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *watcher;
  sqlite3_stmt *stmt = NULL;
  gint64 seen;

  vdi_test_farm_finish_busy (a);
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);

  watcher = open_sqlite (fixture->path);
  g_assert_cmpint (sqlite3_prepare_v2 (watcher, "PRAGMA data_version;", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  seen = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  g_assert_true (vdi_farm_load (b, NULL, &error));
  g_assert_no_error (error);
  template = g_list_model_get_item (vdi_farm_get_templates (b), 2);
  target = g_list_model_get_item (vdi_template_get_targets (template), 0);
  vdi_target_set_last_error (target, "written by b");
  g_assert_true (vdi_farm_save (b, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), !=, seen);
  sqlite3_finalize (stmt);
  sqlite3_close (watcher);

  g_assert_true (vdi_farm_load (a2, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (b, a2);
  g_clear_object (&template);
  g_clear_object (&target);
  template = g_list_model_get_item (vdi_farm_get_templates (a2), 2);
  target = g_list_model_get_item (vdi_template_get_targets (template), 0);
  g_assert_cmpstr (vdi_target_get_last_error (target), ==, "written by b");
}

/* A JSON farm stored in a database and read back is the same farm, and so the other way. */
static void
test_sqlite_json_round_trip (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *json_path = g_build_filename (fixture->dir, "farm.json", NULL);
  g_autofree char *json_again = g_build_filename (fixture->dir, "again.json", NULL);
  g_autoptr(VdiFarm) generated = vdi_test_farm_generate (json_path, 20, 30);
  g_autoptr(VdiFarm) from_json = vdi_farm_new (json_path);
  g_autoptr(VdiFarm) from_db = vdi_farm_new (fixture->path);
  g_autoptr(VdiFarm) back_loaded = vdi_farm_new (json_again);
  g_autoptr(GError) error = NULL;

  vdi_test_farm_finish_busy (generated);
  g_assert_true (vdi_farm_save (generated, &error));
  g_assert_true (vdi_farm_load (from_json, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (vdi_farm_export (from_json, fixture->path, &error));
  g_assert_no_error (error);

  /* An export never writes over a file. */
  g_assert_false (vdi_farm_export (from_json, fixture->path, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (vdi_farm_load (from_db, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (from_json, from_db);

  g_assert_true (vdi_farm_export (from_db, json_again, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_load (back_loaded, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (from_json, back_loaded);
  {
    g_autofree char *first = read_file (json_path);
    g_autofree char *second = read_file (json_again);

    g_assert_cmpstr (first, ==, second);
  }
}

/* The default farm is farm.db; the farm.json of older versions is imported by the first load,
 * off the calling thread, and kept beside it renamed. */
static char *
find_with_prefix (const char *dir_path,
                  const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return g_build_filename (dir_path, name, NULL);
  return NULL;
}

static void
test_default_import (void)
{
  g_autofree char *db_path = vdi_farm_dup_default_path ();
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *json_path = g_build_filename (dir, "farm.json", NULL);
  g_autoptr(VdiFarm) old = NULL;
  g_autoptr(VdiFarm) farm = vdi_farm_new (NULL);
  g_autoptr(VdiFarm) again = vdi_farm_new (NULL);
  g_autoptr(VdiFarm) from_old = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *kept_path = NULL;
  g_autofree char *kept = NULL;

  g_assert_true (g_str_has_suffix (db_path, "/vdi-console/farm.db"));
  vdi_test_rm_rf (dir);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  old = vdi_test_farm_generate (json_path, 15, 12);
  vdi_test_farm_finish_busy (old);
  g_assert_true (vdi_farm_save (old, &error));
  g_assert_no_error (error);
  before = read_file (json_path);
  from_old = vdi_farm_new (json_path);
  g_assert_true (vdi_farm_load (from_old, NULL, &error));

  vdi_farm_load_async (farm, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (vdi_farm_load_finish (farm, result, &error));
  g_assert_no_error (error);
  assert_same_farm (from_old, farm);

  g_assert_false (g_file_test (json_path, G_FILE_TEST_EXISTS));
  kept_path = find_with_prefix (dir, "farm.json.imported-");
  g_assert_nonnull (kept_path);
  kept = read_file (kept_path);
  g_assert_cmpstr (kept, ==, before);
  g_assert_cmpint (query_int (db_path, "SELECT count(*) FROM templates;", NULL), ==, 12);
  g_assert_null (find_with_prefix (dir, "farm.db.import"));

  /* Once only: the next load reads the database. */
  g_assert_true (vdi_farm_load (again, NULL, &error));
  g_assert_no_error (error);
  assert_same_farm (from_old, again);

  vdi_test_rm_rf (dir);
}

/* An old farm.json that cannot be read is not imported, named, kept untouched, and setting
 * the farm aside sets that file aside. */
static void
test_default_import_damaged (void)
{
  g_autofree char *db_path = vdi_farm_dup_default_path ();
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *json_path = g_build_filename (dir, "farm.json", NULL);
  g_autoptr(VdiFarm) farm = vdi_farm_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *kept = NULL;

  vdi_test_rm_rf (dir);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (json_path, "{ \"version\" : 1, \"providers\" : [", -1);

  g_assert_false (vdi_farm_load (farm, NULL, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, json_path));
  g_clear_error (&error);
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
  g_assert_false (vdi_farm_save (farm, &error));
  g_clear_error (&error);
  kept = read_file (json_path);
  g_assert_cmpstr (kept, ==, "{ \"version\" : 1, \"providers\" : [");

  aside = vdi_farm_set_aside (farm, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (aside, json_path));
  g_assert_nonnull (strstr (aside, ".damaged-"));
  g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));
  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 0);

  vdi_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  /* The default farm's tests use a data folder of their own, never the user's. */
  data_home = vdi_test_make_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/core/persistence/round-trip", test_round_trip);
  ADD ("/core/persistence/missing-file", test_missing_file);
  ADD ("/core/persistence/interrupted", test_interrupted);
  ADD ("/core/persistence/host-needs-recreate", test_host_needs_recreate);
  ADD ("/core/persistence/bad-files", test_bad_files);
  ADD ("/core/persistence/future-version", test_future_version);
  ADD ("/core/persistence/restore-backup", test_restore_backup);
  ADD ("/core/persistence/autosave-coalesces", test_autosave_coalesces);
  ADD ("/core/persistence/save-soon", test_save_soon);
  ADD ("/core/persistence/no-password-in-file", test_no_password_in_file);
  ADD ("/core/persistence/kill-during-save", test_kill_during_save);

#define ADD_DB(path, func) \
  g_test_add (path, Fixture, "db", fixture_setup, func, fixture_teardown)

  ADD_DB ("/core/persistence/sqlite/round-trip", test_sqlite_round_trip);
  ADD_DB ("/core/persistence/sqlite/missing-file", test_missing_file);
  ADD_DB ("/core/persistence/sqlite/interrupted", test_interrupted);
  ADD_DB ("/core/persistence/sqlite/autosave-coalesces", test_autosave_coalesces);
  ADD_DB ("/core/persistence/sqlite/save-soon", test_save_soon);
  ADD_DB ("/core/persistence/sqlite/one-row-per-change", test_sqlite_one_row_per_change);
  ADD_DB ("/core/persistence/sqlite/newer-schema", test_sqlite_newer_schema);
  ADD_DB ("/core/persistence/sqlite/corrupt", test_sqlite_corrupt);
  ADD_DB ("/core/persistence/sqlite/damaged-row", test_sqlite_damaged_row);
  ADD_DB ("/core/persistence/sqlite/two-farms", test_sqlite_two_farms);
  ADD_DB ("/core/persistence/sqlite/two-writers", test_sqlite_two_writers);
  ADD_DB ("/core/persistence/sqlite/schema-1", test_sqlite_schema_1);
  ADD_DB ("/core/persistence/sqlite/preview", test_sqlite_preview);
  ADD_DB ("/core/persistence/sqlite/json-round-trip", test_sqlite_json_round_trip);
  ADD_DB ("/core/persistence/sqlite/kill-during-save", test_kill_during_save);

  g_test_add_func ("/core/persistence/sqlite/default-import", test_default_import);
  g_test_add_func ("/core/persistence/sqlite/default-import-damaged",
                   test_default_import_damaged);

#undef ADD_DB
#undef ADD

  status = g_test_run ();
  vdi_test_rm_rf (data_home);
  return status;
}
