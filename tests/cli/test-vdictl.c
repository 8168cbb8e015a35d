/* test-vdictl.c: vdictl's provider commands, run as a program against vdi-provider-sim.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim-test-util.h"

static const char scenario[] =
  "{ \"time_scale\": 400, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-a\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw-a\", \"vms\": [ { \"name\": \"Win11 Gold\", \"disk_gb\": 40 },"
  "                                     { \"name\": \"Server 2022\", \"disk_gb\": 60 } ] },"
  "  { \"name\": \"hv-stock\", \"user\": \"Administrator\", \"password\": \"pw-stock\","
  "    \"auth\": [\"negotiate\"], \"allow_unencrypted\": false,"
  "    \"vms\": [ { \"name\": \"Gold\", \"disk_gb\": 40 } ] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"version\": \"8.0\", \"user\": \"vdi@vsphere.local\","
  "    \"password\": \"pw-vc\", \"hosts\": [ \"esx-1\" ],"
  "    \"datastores\": [ { \"name\": \"ds-fast\", \"capacity_gb\": 1000, \"free_gb\": 800 },"
  "                    { \"name\": \"ds-down\", \"capacity_gb\": 500, \"accessible\": false } ],"
  "    \"vms\": [ { \"name\": \"tpl-win11\", \"disk_gb\": 40, \"template\": true } ] } ] }";

typedef struct
{
  SimFixture  sim;
  char       *dir;
  char       *farm;
  char       *address;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* The address an admin would type for the simulated provider @name, on loopback. */
static char *
loopback_address (Fixture    *fixture,
                  const char *name,
                  const char *path)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, name);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (uri), path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sim_fixture_start (&fixture->sim, scenario);
  fixture->address = loopback_address (fixture, "hv-a", "/wsman");
  fixture->dir = g_dir_make_tmp ("vdictl-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->farm = g_build_filename (fixture->dir, "farm.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *bak = g_strconcat (fixture->farm, ".bak", NULL);

  g_remove (fixture->farm);
  g_remove (bak);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->farm);
  g_free (fixture->address);
  sim_fixture_stop (&fixture->sim);
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs vdictl with @input on standard input, while the simulator keeps answering. */
static Run *
vdictl (Fixture    *fixture,
        const char *input,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer)g_getenv ("VDICTL"));
  g_ptr_array_add (argv, (gpointer)"--farm");
  g_ptr_array_add (argv, fixture->farm);
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* No keyring in the test: passwords come on standard input. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent",
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, input != NULL ? input : "", NULL,
                                       communicated_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return run;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_provider_commands (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) check = NULL;
  g_autoptr(Run) wrong = NULL;
  g_autoptr(Run) vms = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(JsonNode) providers = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) machines = NULL;
  g_autofree char *farm_text = NULL;
  JsonObject *provider;

  add = vdictl (fixture, "pw-a\n", "provider", "add", "hv-a", "--type", "hyperv", "--subtype",
                "standalone", "--address", fixture->address, "--user", "admin", "--allow-http",
                "--password-stdin", NULL);
  g_assert_cmpint (add->status, ==, 0);
  /* No keyring here, and vdictl says what that means. */
  g_assert_nonnull (strstr (add->err, "Secret Service"));
  /* Adding connects with the password given, as check does. */
  g_assert_nonnull (strstr (add->out, "hv-a: Ready"));

  g_file_get_contents (fixture->farm, &farm_text, NULL, NULL);
  g_assert_nonnull (strstr (farm_text, "\"hv-a\""));
  g_assert_null (strstr (farm_text, "pw-a"));

  list = vdictl (fixture, NULL, "--json", "provider", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  providers = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (providers)), ==, 1);
  provider = json_array_get_object_element (json_node_get_array (providers), 0);
  g_assert_cmpstr (json_object_get_string_member (provider, "name"), ==, "hv-a");
  g_assert_cmpstr (json_object_get_string_member (provider, "type"), ==, "hyperv");
  g_assert_cmpstr (json_object_get_string_member (provider, "subtype"), ==, "hyperv-standalone");
  g_assert_cmpstr (json_object_get_string_member (provider, "user"), ==, "admin");
  g_assert_true (json_object_get_boolean_member (provider, "allow-http"));

  check = vdictl (fixture, "pw-a\n", "--json", "provider", "check", "hv-a", "--password-stdin",
                  NULL);
  g_assert_cmpint (check->status, ==, 0);
  status = parse_json (check->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "status"), ==,
                   "ready");
  /* What a copy to or from it needs: its live-migration settings, read off the host. */
  {
    JsonObject *migration = json_object_get_object_member (json_node_get_object (status),
                                                           "live-migration");

    g_assert_nonnull (migration);
    g_assert_true (json_object_get_boolean_member (migration, "enabled"));
    g_assert_cmpint (json_object_get_int_member (migration, "simultaneous"), >=, 1);
    g_assert_false (json_object_has_member (migration, "problem"));
  }
  {
    g_autoptr(Run) enabled = vdictl (fixture, "pw-a\n", "provider", "check", "hv-a",
                                     "--password-stdin", NULL);
    g_autoptr(Run) disabled = NULL;
    g_autoptr(Run) disabled_json = NULL;
    g_autoptr(JsonNode) disabled_status = NULL;
    JsonObject *migration;

    g_assert_nonnull (strstr (enabled->out, "Live migration: enabled"));

    /* Turned off on the host: still Ready, and the check says what copies will meet. */
    sim_control_post (&fixture->sim, "providers/hv-a/live-migration", "{\"enabled\": false}");
    disabled = vdictl (fixture, "pw-a\n", "provider", "check", "hv-a", "--password-stdin", NULL);
    g_assert_cmpint (disabled->status, ==, 0);
    g_assert_nonnull (strstr (disabled->out, "Live migration is disabled on hv-a"));
    disabled_json = vdictl (fixture, "pw-a\n", "--json", "provider", "check", "hv-a",
                            "--password-stdin", NULL);
    disabled_status = parse_json (disabled_json->out);
    migration = json_object_get_object_member (json_node_get_object (disabled_status),
                                               "live-migration");
    g_assert_false (json_object_get_boolean_member (migration, "enabled"));
    g_assert_nonnull (strstr (json_object_get_string_member (migration, "problem"), "disabled"));
    sim_control_post (&fixture->sim, "providers/hv-a/live-migration", "{\"enabled\": true}");
  }

  wrong = vdictl (fixture, "nope\n", "provider", "check", "hv-a", "--password-stdin", NULL);
  g_assert_cmpint (wrong->status, ==, 3);
  g_assert_nonnull (strstr (wrong->out, "Not available"));
  g_assert_nonnull (strstr (wrong->out, "password"));

  vms = vdictl (fixture, "pw-a\n", "--json", "provider", "vms", "hv-a", "--password-stdin", NULL);
  g_assert_cmpint (vms->status, ==, 0);
  machines = parse_json (vms->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (machines)), ==, 2);

  remove = vdictl (fixture, NULL, "provider", "remove", "HV-A", NULL);
  g_assert_cmpint (remove->status, ==, 0);
  empty = vdictl (fixture, NULL, "provider", "list", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_nonnull (strstr (empty->out, "No providers"));
}

/* A stock Hyper-V host (HTTP, Negotiate, AllowUnencrypted=false, no Basic) with nothing but a
 * name, an address, a user and a password: Negotiate by default, sealed, no --allow-http. */
static void
test_stock_host (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *address = sim_provider_url (&fixture->sim, "hv-stock");
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) check = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(JsonNode) providers = NULL;
  JsonObject *object;

  *strstr (address, "/wsman") = '\0';
  add = vdictl (fixture, "pw-stock\n", "provider", "add", "stock", "--type", "hyperv", "--subtype",
                "standalone", "--address", address, "--user", "Administrator", "--password-stdin", NULL);
  g_assert_cmpint (add->status, ==, 0);

  list = vdictl (fixture, NULL, "--json", "provider", "list", NULL);
  providers = parse_json (list->out);
  object = json_array_get_object_element (json_node_get_array (providers), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "auth"), ==, "negotiate");

  check = vdictl (fixture, "pw-stock\n", "--json", "provider", "check", "stock", "--password-stdin", NULL);
  g_assert_cmpint (check->status, ==, 0);
  status = parse_json (check->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "status"), ==, "ready");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (status), "auth"), ==, "NTLM");

  human = vdictl (fixture, "pw-stock\n", "provider", "check", "stock", "--password-stdin", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "stock: Ready ("));
  g_assert_nonnull (strstr (human->out, ", NTLM)"));

  /* Basic over HTTP still needs the explicit permission. */
  {
    g_autoptr(Run) basic = vdictl (fixture, NULL, "provider", "add", "stock-basic", "--type", "hyperv",
                                   "--subtype", "standalone", "--address", address, "--auth", "basic", NULL);

    g_assert_cmpint (basic->status, !=, 0);
    g_assert_nonnull (strstr (basic->err, "--allow-http"));
  }
}

static void
test_vcenter_datastores (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *address = loopback_address (fixture, "vc-1", "/sdk");
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(JsonNode) stores = NULL;
  gboolean saw_down = FALSE;

  add = vdictl (fixture, NULL, "provider", "add", "vc-1", "--type", "vcenter", "--subtype", "8",
                "--address", address, "--user", "vdi@vsphere.local", "--allow-http", "--no-check",
                NULL);
  g_assert_cmpint (add->status, ==, 0);

  list = vdictl (fixture, "pw-vc\n", "--json", "provider", "datastores", "vc-1",
                 "--password-stdin", NULL);
  g_assert_cmpint (list->status, ==, 0);
  stores = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (stores)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *ds = json_array_get_object_element (json_node_get_array (stores), i);

      if (g_str_equal (json_object_get_string_member (ds, "name"), "ds-fast"))
        {
          g_assert_cmpint (json_object_get_int_member (ds, "capacity"), ==, 1000ll << 30);
          g_assert_cmpint (json_object_get_int_member (ds, "free-space"), ==, 800ll << 30);
          g_assert_true (json_object_get_boolean_member (ds, "accessible"));
        }
      else
        saw_down = !json_object_get_boolean_member (ds, "accessible");
    }
  g_assert_true (saw_down);

  human = vdictl (fixture, "pw-vc\n", "provider", "datastores", "vc-1", "--password-stdin", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "not accessible"));
}

static void
test_offline_and_usage (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) offline = NULL;
  g_autoptr(Run) http = NULL;
  g_autoptr(Run) subtype = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) duplicate = NULL;

  add = vdictl (fixture, NULL, "provider", "add", "hv-a", "--type", "hyperv", "--subtype",
                "hyperv-standalone", "--address", fixture->address, "--user", "admin",
                "--allow-http", "--no-check", NULL);
  g_assert_cmpint (add->status, ==, 0);

  sim_control_post (&fixture->sim, "providers/hv-a/offline", "{\"mode\": \"refuse\"}");
  offline = vdictl (fixture, "pw-a\n", "provider", "check", "hv-a", "--password-stdin", NULL);
  g_assert_cmpint (offline->status, ==, 3);
  g_assert_nonnull (strstr (offline->out, "Could not connect"));

  /* Basic over plain HTTP needs the permission (Negotiate, sealed, does not). */
  http = vdictl (fixture, NULL, "provider", "add", "hv-b", "--type", "hyperv", "--subtype",
                 "standalone", "--address", "http://hv-b:5985/wsman", "--auth", "basic", NULL);
  g_assert_cmpint (http->status, ==, 2);
  g_assert_nonnull (strstr (http->err, "--allow-http"));

  subtype = vdictl (fixture, NULL, "provider", "add", "vc", "--type", "vcenter", "--subtype",
                    "standalone", "--address", "vc.example", NULL);
  g_assert_cmpint (subtype->status, ==, 2);

  unknown = vdictl (fixture, NULL, "provider", "frobnicate", NULL);
  g_assert_cmpint (unknown->status, ==, 2);

  missing = vdictl (fixture, NULL, "provider", "check", "nowhere", "--password-stdin", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "nowhere"));

  duplicate = vdictl (fixture, NULL, "provider", "add", "HV-A", "--type", "hyperv", "--subtype",
                      "standalone", "--address", "other.example", NULL);
  g_assert_cmpint (duplicate->status, ==, 1);
  g_assert_nonnull (strstr (duplicate->err, "already named"));
}

/* provider add checks the provider it adds, keeps it whatever the answer, and says. */
static void
test_add_checks (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *vc_address = loopback_address (fixture, "vc-1", "/sdk");
  g_autoptr(Run) wrong = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) unchecked = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) right = NULL;
  g_autoptr(JsonNode) providers = NULL;
  g_autoptr(JsonNode) added = NULL;
  JsonObject *object;

  wrong = vdictl (fixture, "nope\n", "provider", "add", "hv-a", "--type", "hyperv", "--subtype",
                  "standalone", "--address", fixture->address, "--user", "admin", "--allow-http",
                  "--password-stdin", NULL);
  g_assert_cmpint (wrong->status, ==, 3);
  g_assert_nonnull (strstr (wrong->out, "hv-a: Not available"));
  g_assert_nonnull (strstr (wrong->out, "password"));
  g_assert_nonnull (strstr (wrong->err, "not ready"));

  list = vdictl (fixture, NULL, "--json", "provider", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  providers = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (providers)), ==, 1);
  object = json_array_get_object_element (json_node_get_array (providers), 0);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "hv-a");

  /* Without the check, even an unreachable provider is added quietly. */
  sim_control_post (&fixture->sim, "providers/vc-1/offline", "{\"mode\": \"refuse\"}");
  unchecked = vdictl (fixture, "wrong\n", "provider", "add", "vc-1", "--type", "vcenter",
                      "--subtype", "8", "--address", vc_address, "--user", "vdi@vsphere.local",
                      "--allow-http", "--password-stdin", "--no-check", NULL);
  g_assert_cmpint (unchecked->status, ==, 0);
  g_assert_cmpstr (unchecked->out, ==, "");
  g_assert_null (strstr (unchecked->err, "not ready"));

  remove = vdictl (fixture, NULL, "provider", "remove", "vc-1", NULL);
  g_assert_cmpint (remove->status, ==, 0);
  sim_control_post (&fixture->sim, "providers/vc-1/online", "{}");
  right = vdictl (fixture, "pw-vc\n", "--json", "provider", "add", "vc-1", "--type", "vcenter",
                  "--subtype", "8", "--address", vc_address, "--user", "vdi@vsphere.local",
                  "--allow-http", "--password-stdin", NULL);
  g_assert_cmpint (right->status, ==, 0);
  added = parse_json (right->out);
  object = json_node_get_object (added);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "vc-1");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ready");
  g_assert_nonnull (json_object_get_string_member (object, "version"));
}

/* A farm exported to SQLite and imported into a new SQLite farm, then exported back to JSON,
 * is the same farm file; exports never overwrite and imports never merge. */
static void
test_farm_export_import (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *json_farm = g_strdup (fixture->farm);
  g_autofree char *copy = g_build_filename (fixture->dir, "copy.db", NULL);
  g_autofree char *shared = g_build_filename (fixture->dir, "shared.db", NULL);
  g_autofree char *back = g_build_filename (fixture->dir, "back.json", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) exported = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) imported = NULL;
  g_autoptr(Run) twice = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) out = NULL;
  const char *leftovers[] = { "copy.db", "copy.db-wal", "copy.db-shm", "shared.db",
                              "shared.db-wal", "shared.db-shm", "shared.db.lock", "back.json",
                              "farm.json.lock" };

  add = vdictl (fixture, "pw-a\n", "provider", "add", "hv-a", "--type", "hyperv", "--subtype",
                "standalone", "--address", fixture->address, "--user", "admin", "--allow-http",
                "--password-stdin", NULL);
  g_assert_cmpint (add->status, ==, 0);

  exported = vdictl (fixture, NULL, "farm", "export", copy, NULL);
  g_assert_cmpint (exported->status, ==, 0);
  again = vdictl (fixture, NULL, "farm", "export", copy, NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "already exists"));

  /* --farm with a .db path is an SQLite farm. */
  g_free (fixture->farm);
  fixture->farm = g_strdup (shared);
  imported = vdictl (fixture, NULL, "farm", "import", copy, NULL);
  g_assert_cmpint (imported->status, ==, 0);
  twice = vdictl (fixture, NULL, "farm", "import", copy, NULL);
  g_assert_cmpint (twice->status, ==, 1);
  g_assert_nonnull (strstr (twice->err, "not empty"));
  list = vdictl (fixture, NULL, "provider", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_nonnull (strstr (list->out, "hv-a"));

  out = vdictl (fixture, NULL, "farm", "export", back, NULL);
  g_assert_cmpint (out->status, ==, 0);
  g_assert_true (g_file_get_contents (json_farm, &first, NULL, NULL));
  g_assert_true (g_file_get_contents (back, &second, NULL, NULL));
  g_assert_cmpstr (first, ==, second);

  g_free (fixture->farm);
  fixture->farm = g_steal_pointer (&json_farm);
  for (guint i = 0; i < G_N_ELEMENTS (leftovers); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, leftovers[i], NULL);

      g_remove (path);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vdictl/farm-export-import", Fixture, NULL, fixture_setup,
              test_farm_export_import, fixture_teardown);
  g_test_add ("/vdictl/provider-commands", Fixture, NULL, fixture_setup, test_provider_commands,
              fixture_teardown);
  g_test_add ("/vdictl/stock-host", Fixture, NULL, fixture_setup, test_stock_host,
              fixture_teardown);
  g_test_add ("/vdictl/vcenter-datastores", Fixture, NULL, fixture_setup, test_vcenter_datastores,
              fixture_teardown);
  g_test_add ("/vdictl/add-checks", Fixture, NULL, fixture_setup, test_add_checks,
              fixture_teardown);
  g_test_add ("/vdictl/offline-and-usage", Fixture, NULL, fixture_setup, test_offline_and_usage,
              fixture_teardown);

  return g_test_run ();
}
