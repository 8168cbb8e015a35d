/* test-vdictl-template.c: vdictl's template commands, run as a program against
 * vdi-provider-sim: distribution, a failing copy and Retry, removal, deletion, usage errors,
 * the farm lock, and a vdictl killed (or interrupted) in the middle of a distribution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sim-test-util.h"
#include "vdi-core.h"
#include "vdi-farm-lock.h"

#define GOLD "Gold Win11"

/* Five standalone hosts sharing one password; the gold VM on the first. At this time scale a
 * 10 GB copy takes a fraction of a second. */
static const char scenario[] =
  "{ \"time_scale\": 2000, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-1\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw\", \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 10 },"
  "                                   { \"name\": \"Twin\", \"disk_gb\": 1 },"
  "                                   { \"name\": \"Twin\", \"disk_gb\": 1 } ] },"
  "  { \"name\": \"hv-2\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw\" },"
  "  { \"name\": \"hv-3\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw\" },"
  "  { \"name\": \"hv-4\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw\" },"
  "  { \"name\": \"hv-5\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"pw\" } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"version\": \"8.0\", \"user\": \"admin\","
  "    \"password\": \"pw\", \"datacenter\": \"DC\", \"hosts\": [ \"esx-1\" ],"
  "    \"datastores\": [ { \"name\": \"ds-a\", \"capacity_gb\": 1000, \"free_gb\": 900 },"
  "                    { \"name\": \"ds-b\", \"capacity_gb\": 1000, \"free_gb\": 900 } ],"
  "    \"vms\": [ { \"name\": \"gold-vc\", \"disk_gb\": 20, \"datastore\": \"ds-a\" },"
  "             { \"name\": \"busy-vc\", \"disk_gb\": 20, \"state\": \"running\" } ] } ] }";

static const char * const hosts[] = { "hv-1", "hv-2", "hv-3", "hv-4", "hv-5" };

/* A test's data that asks for an SQLite farm instead of a farm file. */
static const char sqlite_farm[] = "sqlite";

typedef struct
{
  SimFixture  sim;
  char       *dir;
  char       *farm;
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

static GSubprocess *
spawn_vdictl_va (Fixture    *fixture,
                 const char *first,
                 va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;

  g_ptr_array_add (argv, (gpointer)g_getenv ("VDICTL"));
  g_ptr_array_add (argv, (gpointer)"--farm");
  g_ptr_array_add (argv, fixture->farm);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)arg);
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
  return process;
}

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Waits for @process to end (the simulator answering meanwhile) and collects what it said. */
static Run *
collect (GSubprocess *process,
         const char  *input)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  g_subprocess_communicate_utf8_async (process, input != NULL ? input : "", NULL,
                                       communicated_cb, &result);
  while (result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("vdictl did not end within two minutes");
      g_main_context_iteration (NULL, TRUE);
    }
  g_subprocess_communicate_utf8_finish (process, result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (process))
    run->status = g_subprocess_get_exit_status (process);
  else
    run->status = -g_subprocess_get_term_sig (process);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return run;
}

/* Runs vdictl with @input on standard input, while the simulator keeps answering. */
static Run * G_GNUC_NULL_TERMINATED
vdictl (Fixture    *fixture,
        const char *input,
        const char *first,
        ...)
{
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, first);
  process = spawn_vdictl_va (fixture, first, args);
  va_end (args);
  return collect (process, input);
}

static GSubprocess * G_GNUC_NULL_TERMINATED
vdictl_start (Fixture    *fixture,
              const char *first,
              ...)
{
  GSubprocess *process;
  va_list args;

  va_start (args, first);
  process = spawn_vdictl_va (fixture, first, args);
  va_end (args);
  return process;
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
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sim_fixture_start (&fixture->sim, scenario);
  fixture->dir = g_dir_make_tmp ("vdictl-template-XXXXXX", &error);
  g_assert_no_error (error);
  /* A farm file, or with sqlite_farm an SQLite farm. */
  fixture->farm = g_build_filename (fixture->dir, data == sqlite_farm ? "farm.db" : "farm.json",
                                    NULL);

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *url = sim_provider_url (&fixture->sim, hosts[i]);
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%d/wsman",
                                                  g_uri_get_port (uri));
      g_autoptr(Run) add = vdictl (fixture, NULL, "provider", "add", hosts[i], "--type", "hyperv",
                                   "--subtype", "standalone", "--address", address, "--user",
                                   "admin", "--allow-http", "--no-check", NULL);

      g_assert_cmpint (add->status, ==, 0);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *suffixes[] = { "", ".bak", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fixture->farm, suffixes[i], NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->farm);
  sim_fixture_stop (&fixture->sim);
}

/* How many VMs named @name the simulator holds on @host (planned ones included). */
static guint
count_vms (Fixture    *fixture,
           const char *host,
           const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms;

      if (!g_str_equal (json_object_get_string_member (provider, "name"), host))
        continue;
      vms = json_object_get_array_member (provider, "vms");
      for (guint j = 0; j < json_array_get_length (vms); j++)
        {
          JsonObject *vm = json_array_get_object_element (vms, j);

          if (g_str_equal (json_object_get_string_member (vm, "name"), name))
            count++;
        }
    }
  return count;
}

static gint64
hyperv_counter (Fixture    *fixture,
                const char *host,
                const char *counter)
{
  g_autoptr(JsonNode) counters = sim_control_get (&fixture->sim, "counters");
  JsonObject *providers = json_object_get_object_member (json_node_get_object (counters),
                                                         "providers");

  return json_object_get_int_member (json_object_get_object_member (providers, host), counter);
}

/* `template show --json`, parsed. */
static JsonNode *
show (Fixture    *fixture,
      const char *name)
{
  g_autoptr(Run) run = vdictl (fixture, NULL, "--json", "template", "show", name, NULL);

  g_assert_cmpint (run->status, ==, 0);
  return parse_json (run->out);
}

static JsonObject *
find_target (JsonNode   *template,
             const char *provider)
{
  JsonArray *targets = json_object_get_array_member (json_node_get_object (template), "targets");

  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);

      if (g_str_equal (json_object_get_string_member (target, "provider"), provider))
        return target;
    }
  return NULL;
}

static void
assert_all_ready (JsonNode *template)
{
  JsonArray *targets = json_object_get_array_member (json_node_get_object (template), "targets");

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (template),
                                                  "distribution"), ==, "ok");
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);

      g_assert_cmpstr (json_object_get_string_member (target, "state"), ==, "ready");
      g_assert_cmpstr (json_object_get_string_member (target, "progress"), ==, "ok");
      g_assert_true (json_object_get_null_member (target, "last-error"));
    }
}

static void
test_distribution (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Run) create = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) retry = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) delete = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) templates = NULL;
  g_autoptr(JsonNode) failed = NULL;
  g_autoptr(JsonNode) retried = NULL;
  g_autoptr(JsonNode) removed = NULL;
  JsonObject *target, *summary;

  /* One-source: the failing copy below comes from hv-1 alone (with relay another holder
   * would feed it once more; test_relay and the engine's relay tests cover that). */
  create = vdictl (fixture, "pw\n", "template", "create", "Win11", "--provider", "hv-1", "--vm",
                   GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3", "--target",
                   "hv-4", "--concurrency", "2", "--no-relay", "--max-hosts", "20",
                   "--name-format", "W11-%ID:3%", "--password-stdin", NULL);
  g_assert_cmpint (create->status, ==, 0);
  /* Not a terminal: plain lines as targets change. */
  g_assert_nonnull (strstr (create->out, "hv-3: Distributing"));
  g_assert_nonnull (strstr (create->out, "hv-3: Ready"));

  created = show (fixture, "Win11");
  assert_all_ready (created);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (created), "targets")), ==, 4);
  g_assert_true (json_object_get_boolean_member (find_target (created, "hv-1"), "source"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (created), "concurrency"),
                   ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (created),
                                                  "host-name-format"), ==, "W11-%ID:3%");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (count_vms (fixture, hosts[i], GOLD), ==, 1);
  g_assert_cmpuint (count_vms (fixture, "hv-5", GOLD), ==, 0);
  /* One export at a time on the source, and never more copies than the concurrency. */
  g_assert_cmpint (hyperv_counter (fixture, "hv-1", "peak_concurrent_exports"), ==, 1);
  g_assert_cmpint (hyperv_counter (fixture, "hv-1", "peak_concurrent_migrations_out"), <=, 2);

  list = vdictl (fixture, NULL, "--json", "template", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  templates = parse_json (list->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (templates)), ==, 1);
  summary = json_array_get_object_element (json_node_get_array (templates), 0);
  g_assert_cmpstr (json_object_get_string_member (summary, "name"), ==, "Win11");
  g_assert_cmpstr (json_object_get_string_member (summary, "provider"), ==, "hv-1");
  g_assert_cmpstr (json_object_get_string_member (summary, "source-vm"), ==, GOLD);
  g_assert_cmpstr (json_object_get_string_member (summary, "distribution"), ==, "ok");

  /* A copy that fails on the provider: the target says so in the provider's words. The copy
   * runs slowly enough for the simulator to fail it half-way. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 100}");
  sim_control_post (&fixture->sim, "providers/hv-1/faults",
                    "{\"method\": \"MigrateVirtualSystemToHost\", \"fault\": \"job:32768\","
                    " \"message\": \"The destination host refused the storage migration\"}");
  add = vdictl (fixture, "pw\n", "template", "add-provider", "Win11", "hv-5", "--password-stdin",
                NULL);
  g_assert_cmpint (add->status, ==, 4);
  g_assert_nonnull (strstr (add->err, "template retry"));
  failed = show (fixture, "Win11");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (failed), "distribution"),
                   ==, "failed");
  target = find_target (failed, "hv-5");
  g_assert_nonnull (target);
  g_assert_cmpstr (json_object_get_string_member (target, "state"), ==, "needs-update");
  g_assert_cmpstr (json_object_get_string_member (target, "progress"), ==, "failed");
  g_assert_nonnull (strstr (json_object_get_string_member (target, "last-error"),
                            "The destination host refused the storage migration"));
  human = vdictl (fixture, NULL, "template", "show", "Win11", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Needs update"));
  g_assert_nonnull (strstr (human->out, "The destination host refused the storage migration"));

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 2000}");
  retry = vdictl (fixture, "pw\n", "template", "retry", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (retry->status, ==, 0);
  retried = show (fixture, "Win11");
  assert_all_ready (retried);
  g_assert_cmpuint (count_vms (fixture, "hv-5", GOLD), ==, 1);
  g_assert_cmpuint (count_vms (fixture, "hv-1", GOLD), ==, 1);

  remove = vdictl (fixture, "pw\n", "template", "remove-provider", "Win11", "hv-3",
                   "--password-stdin", NULL);
  g_assert_cmpint (remove->status, ==, 0);
  g_assert_cmpuint (count_vms (fixture, "hv-3", GOLD), ==, 0);
  removed = show (fixture, "Win11");
  g_assert_null (find_target (removed, "hv-3"));
  assert_all_ready (removed);

  delete = vdictl (fixture, "pw\n", "template", "delete", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (delete->status, ==, 0);
  for (guint i = 1; i < G_N_ELEMENTS (hosts); i++)
    g_assert_cmpuint (count_vms (fixture, hosts[i], GOLD), ==, 0);
  /* The gold VM itself stays. */
  g_assert_cmpuint (count_vms (fixture, "hv-1", GOLD), ==, 1);
  empty = vdictl (fixture, NULL, "template", "list", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_nonnull (strstr (empty->out, "No templates"));
}

static void
test_single_provider_and_errors (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(Run) single = NULL;
  g_autoptr(Run) solo = NULL;
  g_autoptr(Run) missing_vm = NULL;
  g_autoptr(Run) twin = NULL;
  g_autoptr(Run) source_target = NULL;
  g_autoptr(Run) duplicate = NULL;
  g_autoptr(Run) format = NULL;
  g_autoptr(Run) not_multi = NULL;
  g_autoptr(Run) no_template = NULL;
  g_autoptr(Run) no_provider = NULL;
  g_autoptr(JsonNode) template = NULL;

  single = vdictl (fixture, "pw\n", "template", "create", "Solo", "--provider", "hv-2", "--vm",
                   "nothing", "--password-stdin", NULL);
  /* hv-2 holds no VM at all. */
  g_assert_cmpint (single->status, ==, 1);
  g_assert_nonnull (strstr (single->err, "hv-2 has no VM named “nothing”"));

  /* Case does not matter when only one VM fits. */
  solo = vdictl (fixture, "pw\n", "template", "create", "Solo", "--provider", "hv-1", "--vm",
                 "gold win11", "--hosts", "2", "--clone", "linked", "--password-stdin", NULL);
  g_assert_cmpint (solo->status, ==, 0);
  template = show (fixture, "Solo");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (template),
                                                  "multi-provider"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (template), "source-vm"),
                   ==, GOLD);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (template),
                                                  "clone-method"), ==, "linked");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (template), "initial-hosts"),
                   ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (template),
                                                  "distribution"), ==, "none");

  missing_vm = vdictl (fixture, "pw\n", "template", "create", "T2", "--provider", "hv-1", "--vm",
                       "Win 12", "--password-stdin", NULL);
  g_assert_cmpint (missing_vm->status, ==, 1);
  g_assert_nonnull (strstr (missing_vm->err, "no VM named “Win 12”"));

  twin = vdictl (fixture, "pw\n", "template", "create", "T2", "--provider", "hv-1", "--vm",
                 "Twin", "--password-stdin", NULL);
  g_assert_cmpint (twin->status, ==, 1);
  g_assert_nonnull (strstr (twin->err, "2 VMs on hv-1 are named “Twin”"));

  /* The model's rules, in its own words. */
  source_target = vdictl (fixture, "pw\n", "template", "create", "T2", "--provider", "hv-1",
                          "--vm", GOLD, "--multi-provider", "--target", "hv-1",
                          "--password-stdin", NULL);
  g_assert_cmpint (source_target->status, ==, 1);
  g_assert_nonnull (strstr (source_target->err, "holds the source VM"));

  duplicate = vdictl (fixture, "pw\n", "template", "create", "SOLO", "--provider", "hv-1",
                      "--vm", GOLD, "--password-stdin", NULL);
  g_assert_cmpint (duplicate->status, ==, 1);
  g_assert_nonnull (strstr (duplicate->err, "already named"));

  format = vdictl (fixture, "pw\n", "template", "create", "T3", "--provider", "hv-1", "--vm",
                   GOLD, "--name-format", "9-bad", "--password-stdin", NULL);
  g_assert_cmpint (format->status, ==, 1);

  not_multi = vdictl (fixture, "pw\n", "template", "retry", "Solo", "--password-stdin", NULL);
  g_assert_cmpint (not_multi->status, ==, 1);
  g_assert_nonnull (strstr (not_multi->err, "multi-provider"));

  no_template = vdictl (fixture, NULL, "template", "show", "Nope", NULL);
  g_assert_cmpint (no_template->status, ==, 1);
  g_assert_nonnull (strstr (no_template->err, "Nope"));

  no_provider = vdictl (fixture, "pw\n", "template", "create", "T4", "--provider", "hv-9",
                        "--vm", GOLD, "--password-stdin", NULL);
  g_assert_cmpint (no_provider->status, ==, 1);
  g_assert_nonnull (strstr (no_provider->err, "hv-9"));
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  const char * const cases[][10] = {
    { "template", NULL },
    { "template", "frobnicate", NULL },
    { "template", "create", "T", NULL },
    { "template", "create", "T", "--provider", "hv-1", NULL },
    { "template", "create", "T", "--provider", "hv-1", "--vm", "X", "--clone", "deep" },
    { "template", "create", "T", "--provider", "hv-1", "--vm", "X", "--target", "hv-2" },
    { "template", "create", "T", "--provider", "hv-1", "--vm", "X", "--hosts", "many" },
    { "template", "show", NULL },
    { "template", "show", "A", "B", NULL },
    { "template", "list", "extra", NULL },
    { "template", "retry", "T", "--bogus", NULL },
    { "template", "add-provider", "T", NULL },
    { "template", "remove-provider", "T", NULL },
    { "template", "delete", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = vdictl (fixture, NULL, cases[i][0], cases[i][1], cases[i][2],
                                   cases[i][3], cases[i][4], cases[i][5], cases[i][6],
                                   cases[i][7], cases[i][8], cases[i][9], NULL);

      g_test_message ("case %u: %s %s", i, cases[i][0], cases[i][1]);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_cmpstr (run->out, ==, "");
    }
}

static void
test_lock (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) create = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) providers = NULL;
  g_autoptr(Run) after = NULL;
  g_autofree char *holder = g_strdup_printf ("The farm is in use by %s (process %d)",
                                             g_get_prgname (), (int)getpid ());

  lock = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_no_error (error);

  create = vdictl (fixture, "pw\n", "template", "create", "Win11", "--provider", "hv-1", "--vm",
                   GOLD, "--multi-provider", "--target", "hv-2", "--password-stdin", NULL);
  g_assert_cmpint (create->status, ==, 1);
  g_assert_nonnull (strstr (create->err, holder));
  add = vdictl (fixture, NULL, "provider", "remove", "hv-5", NULL);
  g_assert_cmpint (add->status, ==, 1);
  g_assert_nonnull (strstr (add->err, holder));

  /* Reading never waits for the lock. */
  list = vdictl (fixture, NULL, "template", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  providers = vdictl (fixture, NULL, "--json", "provider", "list", NULL);
  g_assert_cmpint (providers->status, ==, 0);

  vdi_farm_lock_release (lock);
  after = vdictl (fixture, "pw\n", "template", "create", "Win11", "--provider", "hv-1", "--vm",
                  GOLD, "--multi-provider", "--target", "hv-2", "--password-stdin", NULL);
  g_assert_cmpint (after->status, ==, 0);
}

/* The copies run slowly enough that vdictl can be stopped in the middle of one. */
static void
wait_for_migration (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + SIM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  while (hyperv_counter (fixture, "hv-1", "concurrent_migrations") == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no copy started within %d ms", SIM_TEST_TIMEOUT_MS);
      sim_sleep_ms (20);
    }
}

static void
assert_one_copy_each (Fixture *fixture)
{
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (count_vms (fixture, hosts[i], GOLD), ==, 1);
  g_assert_cmpuint (count_vms (fixture, "hv-5", GOLD), ==, 0);
}

static void
test_killed (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(Run) killed = NULL;
  g_autoptr(Run) retry = NULL;
  g_autoptr(JsonNode) interrupted = NULL;
  g_autoptr(JsonNode) finished = NULL;
  JsonArray *targets;
  guint not_ready = 0;

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 20}");
  process = vdictl_start (fixture, "template", "create", "Win11", "--provider", "hv-1", "--vm",
                          GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3",
                          "--target", "hv-4", "--concurrency", "2", "--password-stdin", NULL);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), "pw\n", 3, NULL, NULL, NULL);
  wait_for_migration (fixture);
  g_subprocess_send_signal (process, SIGKILL);
  killed = collect (process, NULL);
  g_assert_cmpint (killed->status, ==, -SIGKILL);

  /* Reopened, the interrupted targets are not Ready; the lock died with the process. */
  interrupted = show (fixture, "Win11");
  targets = json_object_get_array_member (json_node_get_object (interrupted), "targets");
  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);

      if (!g_str_equal (json_object_get_string_member (target, "state"), "ready"))
        not_ready++;
    }
  g_assert_cmpuint (not_ready, >, 0);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 2000}");
  retry = vdictl (fixture, "pw\n", "template", "retry", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (retry->status, ==, 0);
  finished = show (fixture, "Win11");
  assert_all_ready (finished);
  assert_one_copy_each (fixture);
}

static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(Run) cancelled = NULL;
  g_autoptr(Run) retry = NULL;
  g_autoptr(JsonNode) finished = NULL;

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 20}");
  process = vdictl_start (fixture, "template", "create", "Win11", "--provider", "hv-1", "--vm",
                          GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3",
                          "--target", "hv-4", "--concurrency", "2", "--password-stdin", NULL);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), "pw\n", 3, NULL, NULL, NULL);
  wait_for_migration (fixture);
  /* Ctrl+C: cancelled through the distributor, exit 1, and a hint to retry. */
  g_subprocess_send_signal (process, SIGINT);
  cancelled = collect (process, NULL);
  g_assert_cmpint (cancelled->status, ==, 1);
  g_assert_nonnull (strstr (cancelled->err, "cancelled"));
  g_assert_nonnull (strstr (cancelled->err, "template retry Win11"));

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 2000}");
  retry = vdictl (fixture, "pw\n", "template", "retry", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (retry->status, ==, 0);
  finished = show (fixture, "Win11");
  assert_all_ready (finished);
  assert_one_copy_each (fixture);
}

static void assert_no_orphans (Fixture *fixture);

static gboolean
all_ready (Fixture *fixture)
{
  g_autoptr(JsonNode) template = show (fixture, "Win11");
  JsonArray *targets = json_object_get_array_member (json_node_get_object (template), "targets");

  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);

      if (!g_str_equal (json_object_get_string_member (target, "state"), "ready"))
        return FALSE;
    }
  return TRUE;
}

static void
wait_until (Fixture    *fixture,
            gboolean  (*condition) (Fixture *fixture),
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  while (!condition (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not happen within 90 s", what);
      sim_sleep_ms (200);
    }
}

static gboolean
farm_free (Fixture *fixture)
{
  return !vdi_farm_lock_query_holder (fixture->farm, NULL, NULL);
}

/* vdictl is killed in the middle of the copies while an agent waits on the farm: the agent takes
 * the farm within its interval, finishes every copy (one each, the running ones followed, not
 * made again), lets the farm go, and on SIGTERM ends. */
static void
test_agent (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(Run) killed = NULL;
  g_autoptr(Run) ended = NULL;
  g_autoptr(JsonNode) while_held = NULL;
  g_autoptr(JsonNode) finished = NULL;
  gint64 killed_at;

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 20}");
  process = vdictl_start (fixture, "template", "create", "Win11", "--provider", "hv-1", "--vm",
                          GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3",
                          "--target", "hv-4", "--concurrency", "2", "--password-stdin", NULL);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), "pw\n", 3, NULL, NULL, NULL);
  wait_for_migration (fixture);

  agent = vdictl_start (fixture, "agent", "--interval", "1", "--password-stdin", NULL);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (agent), "pw\n", 3, NULL, NULL, NULL);
  /* Read while vdictl holds the farm: its copies under way are under way, not interrupted. */
  while_held = show (fixture, "Win11");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (while_held),
                                                  "distribution"), ==, "distributing");
  sim_sleep_ms (1200);

  g_subprocess_send_signal (process, SIGKILL);
  killed = collect (process, NULL);
  g_assert_cmpint (killed->status, ==, -SIGKILL);
  killed_at = g_get_monotonic_time ();

  wait_until (fixture, all_ready, "every copy ready");
  g_test_message ("every copy ready %.1f s after the kill",
                  (g_get_monotonic_time () - killed_at) / (double)G_USEC_PER_SEC);
  finished = show (fixture, "Win11");
  assert_all_ready (finished);
  assert_one_copy_each (fixture);
  assert_no_orphans (fixture);

  /* Its work done, the agent lets the farm go. */
  wait_until (fixture, farm_free, "the agent letting the farm go");

  g_subprocess_send_signal (agent, SIGTERM);
  ended = collect (agent, NULL);
  g_assert_cmpint (ended->status, ==, 0);
  g_assert_nonnull (strstr (ended->out, "Waiting: The farm is in use by vdictl"));
  g_assert_nonnull (strstr (ended->out, "Win11: taking over the work on hv-"));
  g_assert_nonnull (strstr (ended->out, "Done; the farm is free again."));

  /* --once on a farm with nothing left running: nothing taken, exit 0; on a farm another
   * process holds: exit 1, saying who holds it. */
  {
    g_autoptr(Run) idle = vdictl (fixture, "pw\n", "agent", "--once", "--password-stdin", NULL);
    g_autoptr(VdiFarmLock) lock = NULL;
    g_autoptr(Run) held = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (idle->status, ==, 0);
    g_assert_null (strstr (idle->out, "taking over"));
    lock = vdi_farm_lock_acquire (fixture->farm, &error);
    g_assert_no_error (error);
    held = vdictl (fixture, "pw\n", "agent", "--once", "--password-stdin", NULL);
    g_assert_cmpint (held->status, ==, 1);
    g_assert_nonnull (strstr (held->out, "Waiting: The farm is in use by"));
  }
}

static void
test_maintenance (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Run) create = NULL;
  g_autoptr(Run) enter = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) retry = NULL;
  g_autoptr(Run) leave = NULL;
  g_autoptr(Run) usage = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) during = NULL;
  g_autoptr(JsonNode) after = NULL;

  create = vdictl (fixture, "pw\n", "template", "create", "Win11", "--provider", "hv-1", "--vm",
                   GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3",
                   "--password-stdin", NULL);
  g_assert_cmpint (create->status, ==, 0);
  before = show (fixture, "Win11");

  enter = vdictl (fixture, "pw\n", "template", "maintenance", "Win11", "enter",
                  "--password-stdin", NULL);
  g_assert_cmpint (enter->status, ==, 0);
  g_assert_nonnull (strstr (enter->out, "maintenance Win11 leave"));
  during = show (fixture, "Win11");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (during), "status"), ==,
                   "maintenance");

  /* Nothing is distributed meanwhile, and entering twice says why not. */
  again = vdictl (fixture, "pw\n", "template", "maintenance", "Win11", "enter",
                  "--password-stdin", NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "already in maintenance"));
  retry = vdictl (fixture, "pw\n", "template", "retry", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (retry->status, ==, 1);
  g_assert_nonnull (strstr (retry->err, "in maintenance"));
  usage = vdictl (fixture, NULL, "template", "maintenance", "Win11", "enter", "--recreate", NULL);
  g_assert_cmpint (usage->status, ==, 2);

  /* Leaving replaces every copy with one of the changed template, and only one. */
  leave = vdictl (fixture, "pw\n", "template", "maintenance", "Win11", "leave",
                  "--password-stdin", NULL);
  g_assert_cmpint (leave->status, ==, 0);
  after = show (fixture, "Win11");
  assert_all_ready (after);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (after), "status"), ==,
                   "ok");
  for (guint i = 1; i < 3; i++)
    {
      g_assert_cmpuint (count_vms (fixture, hosts[i], GOLD), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (find_target (after, hosts[i]),
                                                      "remote-vm-id"), !=,
                       json_object_get_string_member (find_target (before, hosts[i]),
                                                      "remote-vm-id"));
    }
  g_assert_cmpuint (count_vms (fixture, "hv-1", GOLD), ==, 1);
}

/* No planned VM on any host, and no VM named GOLD on hv-1 other than the gold VM itself. */
static void
assert_no_orphans (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      for (guint j = 0; j < json_array_get_length (vms); j++)
        g_assert_false (json_object_get_boolean_member_with_default (
                          json_array_get_object_element (vms, j), "planned", FALSE));
    }
  g_assert_cmpuint (count_vms (fixture, "hv-1", GOLD), ==, 1);
}

/* Exports are files on the source host, which Hyper-V's WMI cannot delete: one whose folder
 * no target records was made by a run killed between asking for it and saving its job. The
 * test reports how many, it does not fail on them. */
static guint
count_unrecorded_exports (Fixture *fixture)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->farm);
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  GListModel *targets;
  JsonArray *exports;
  guint unrecorded = 0;

  g_assert_true (vdi_farm_load (farm, NULL, NULL));
  targets = vdi_template_get_targets (vdi_farm_find_template (farm, "Win11"));
  exports = json_object_get_array_member (json_array_get_object_element (providers, 0),
                                          "exports");
  for (guint e = 0; e < json_array_get_length (exports); e++)
    {
      const char *directory = json_object_get_string_member (
        json_array_get_object_element (exports, e), "directory");
      gboolean recorded = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
          const char *export_dir = vdi_target_get_export_dir (target);

          recorded |= export_dir != NULL && g_str_has_prefix (directory, export_dir);
        }
      unrecorded += !recorded;
    }
  return unrecorded;
}

/* The farm file a killed vdictl left loads, and keeps what the admin configured. */
static gboolean
farm_holds_template (Fixture *fixture)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->farm);
  g_autoptr(GError) error = NULL;
  VdiTemplate *template;

  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (farm)), ==,
                    G_N_ELEMENTS (hosts));
  template = vdi_farm_find_template (farm, "Win11");
  if (template == NULL)
    return FALSE;
  g_assert_true (vdi_template_get_multi_provider (template));
  g_assert_cmpuint (vdi_template_get_concurrency (template), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_template_get_targets (template)), ==,
                    G_N_ELEMENTS (hosts));
  return TRUE;
}

/* vdictl killed with SIGKILL at pseudo-random moments of a distribution, round after round:
 * each time the farm file loads, and in the end a Retry brings every target to Ready with one
 * copy each and nothing half made. The moments come from the test's seed (printed as "random
 * seed" at the start; replay with --seed). */
static void
test_killed_in_a_loop (Fixture       *fixture,
                       gconstpointer  data)
{
  /* 8 rounds, or the number given (the relay loop: templates relay by default). */
  guint n_rounds = data != NULL ? GPOINTER_TO_UINT (data) : 8;
  g_autoptr(Run) retry = NULL;
  g_autoptr(JsonNode) finished = NULL;
  gboolean created = FALSE;
  guint n_killed = 0;

  /* About eight seconds for the whole distribution, so that rounds stop it at every step. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 30}");
  for (guint round = 0; round < n_rounds; round++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(Run) killed = NULL;
      guint delay_ms = g_test_rand_int_range (0, 2000);

      if (created)
        process = vdictl_start (fixture, "template", "retry", "Win11", "--password-stdin", NULL);
      else
        process = vdictl_start (fixture, "template", "create", "Win11", "--provider", "hv-1",
                                "--vm", GOLD, "--multi-provider", "--target", "hv-2",
                                "--target", "hv-3", "--target", "hv-4", "--target", "hv-5",
                                "--concurrency", "2", "--password-stdin", NULL);
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), "pw\n", 3, NULL, NULL,
                                 NULL);
      sim_sleep_ms (delay_ms);
      g_subprocess_send_signal (process, SIGKILL);
      killed = collect (process, NULL);
      g_test_message ("round %u: %s killed after %u ms: exit %d", round,
                      created ? "retry" : "create", delay_ms, killed->status);
      /* Either killed, or it had finished (0) before the signal came. */
      g_assert_true (killed->status == -SIGKILL || killed->status == 0);
      n_killed += killed->status == -SIGKILL;

      created = farm_holds_template (fixture);
    }
  g_test_message ("%u of %u rounds killed", n_killed, n_rounds);
  g_assert_true (created);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 2000}");
  retry = vdictl (fixture, "pw\n", "template", "retry", "Win11", "--password-stdin", NULL);
  g_assert_cmpint (retry->status, ==, 0);
  finished = show (fixture, "Win11");
  assert_all_ready (finished);
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    g_assert_cmpuint (count_vms (fixture, hosts[i], GOLD), ==, 1);
  assert_no_orphans (fixture);
  g_test_message ("exports on hv-1 that no target records: %u", count_unrecorded_exports (fixture));
  for (guint i = 1; i < G_N_ELEMENTS (hosts); i++)
    {
      JsonObject *target = find_target (finished, hosts[i]);

      g_test_message ("%s fed from %s", hosts[i],
                      json_object_get_null_member (target, "fed-from")
                        ? "(none)" : json_object_get_string_member (target, "fed-from"));
    }
}

/* The JSON record the simulator keeps of the VM @name on vc-1 (NULL if none). */
static JsonObject *
vcenter_vm (JsonNode   *inventory,
            const char *name)
{
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      if (!g_str_equal (json_object_get_string_member (provider, "name"), "vc-1"))
        continue;
      for (guint k = 0; k < json_array_get_length (vms); k++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (vms, k),
                                                        "name"), name))
          return json_array_get_object_element (vms, k);
    }
  return NULL;
}

static void
test_vcenter_hosts (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, "vc-1");
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%d/sdk", g_uri_get_port (uri));
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) running = NULL;
  g_autoptr(Run) create = NULL;
  g_autoptr(Run) recreate = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(Run) unanswered = NULL;
  g_autoptr(JsonNode) last = NULL;
  JsonObject *first, *second;

  add = vdictl (fixture, NULL, "provider", "add", "vc-1", "--type", "vcenter", "--subtype", "8",
                "--address", address, "--user", "admin", "--allow-http", "--no-check", NULL);
  g_assert_cmpint (add->status, ==, 0);

  /* A running VM cannot become a template: nothing is saved, and the reason is given. */
  running = vdictl (fixture, "pw\n", "template", "create", "Busy", "--provider", "vc-1", "--vm",
                    "busy-vc", "--password-stdin", NULL);
  g_assert_cmpint (running->status, ==, 1);
  g_assert_nonnull (strstr (running->err, "shut down busy-vc"));

  /* Creating converts the VM into a template and makes the hosts asked for, over the
   * template's datastore and the one added. */
  before = sim_control_get (&fixture->sim, "inventory");
  g_assert_false (json_object_get_boolean_member_with_default (vcenter_vm (before, "gold-vc"),
                                                               "template", FALSE));
  create = vdictl (fixture, "pw\n", "template", "create", "Gold", "--provider", "vc-1", "--vm",
                   "gold-vc", "--hosts", "2", "--name-format", "GV-%ID:2%", "--datastore", "ds-b",
                   "--password-stdin", NULL);
  g_assert_cmpint (create->status, ==, 0);
  g_assert_nonnull (strstr (create->out, "2 hosts of “Gold” are ready."));
  after = sim_control_get (&fixture->sim, "inventory");
  g_assert_true (json_object_get_boolean_member (vcenter_vm (after, "gold-vc"), "template"));
  first = vcenter_vm (after, "GV-01");
  second = vcenter_vm (after, "GV-02");
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpstr (json_object_get_string_member (first, "datastore"), ==, "ds-a");
  g_assert_cmpstr (json_object_get_string_member (second, "datastore"), ==, "ds-b");

  /* Recreating makes them again under their own names. */
  recreate = vdictl (fixture, "pw\n", "template", "recreate-hosts", "Gold", "--password-stdin",
                     NULL);
  g_assert_cmpint (recreate->status, ==, 0);
  again = sim_control_get (&fixture->sim, "inventory");
  g_assert_nonnull (vcenter_vm (again, "GV-01"));
  g_assert_nonnull (vcenter_vm (again, "GV-02"));
  g_assert_cmpstr (json_object_get_string_member (vcenter_vm (again, "GV-01"), "id"), !=,
                   json_object_get_string_member (first, "id"));

  /* A provider that does not answer is named, with what to do; its hosts stay as they are. */
  sim_control_post (&fixture->sim, "providers/vc-1/offline", "{\"mode\": \"refuse\"}");
  unanswered = vdictl (fixture, "pw\n", "template", "recreate-hosts", "Gold", "--password-stdin",
                       NULL);
  g_assert_cmpint (unanswered->status, !=, 0);
  g_assert_nonnull (strstr (unanswered->err, "vdictl: vc-1 does not respond: "));
  g_assert_nonnull (strstr (unanswered->err, ". Check the provider's status; its hosts can be "
                                             "recreated later.\n"));
  sim_control_post (&fixture->sim, "providers/vc-1/online", "{}");
  last = sim_control_get (&fixture->sim, "inventory");
  g_assert_cmpstr (json_object_get_string_member (vcenter_vm (last, "GV-01"), "id"), ==,
                   json_object_get_string_member (vcenter_vm (again, "GV-01"), "id"));
}

/* --relay (the default) and --no-relay are stored, shown, and where each copy came from is
 * told in show --json ("fed-from") and in the progress lines. */
static void
test_relay (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Run) on = NULL;
  g_autoptr(Run) off = NULL;
  g_autoptr(Run) both = NULL;
  g_autoptr(Run) single = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(JsonNode) shown_on = NULL;
  g_autoptr(JsonNode) shown_off = NULL;
  JsonArray *targets;

  both = vdictl (fixture, "pw\n", "template", "create", "Both", "--provider", "hv-1", "--vm",
                 GOLD, "--multi-provider", "--target", "hv-2", "--relay", "--no-relay",
                 "--password-stdin", NULL);
  g_assert_cmpint (both->status, ==, 2);
  single = vdictl (fixture, "pw\n", "template", "create", "Single", "--provider", "hv-1",
                   "--vm", GOLD, "--relay", "--password-stdin", NULL);
  g_assert_cmpint (single->status, ==, 2);
  g_assert_nonnull (strstr (single->err, "--multi-provider"));

  off = vdictl (fixture, "pw\n", "template", "create", "Off", "--provider", "hv-1", "--vm",
                GOLD, "--multi-provider", "--target", "hv-2", "--target", "hv-3",
                "--no-relay", "--password-stdin", NULL);
  g_assert_cmpint (off->status, ==, 0);
  g_assert_null (strstr (off->out, "(from "));
  shown_off = show (fixture, "Off");
  assert_all_ready (shown_off);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (shown_off), "relay"));
  /* Off, every copy comes from the source. */
  g_assert_true (json_object_get_null_member (find_target (shown_off, "hv-1"), "fed-from"));
  g_assert_cmpstr (json_object_get_string_member (find_target (shown_off, "hv-2"), "fed-from"),
                   ==, "hv-1");
  g_assert_cmpstr (json_object_get_string_member (find_target (shown_off, "hv-3"), "fed-from"),
                   ==, "hv-1");

  on = vdictl (fixture, "pw\n", "template", "create", "On", "--provider", "hv-1", "--vm", GOLD,
               "--multi-provider", "--target", "hv-2", "--target", "hv-3", "--target", "hv-4",
               "--password-stdin", NULL);
  g_assert_cmpint (on->status, ==, 0);
  /* The first copy can only come from the source. */
  g_assert_nonnull (strstr (on->out, ": Distributing (from hv-1)"));
  shown_on = show (fixture, "On");
  assert_all_ready (shown_on);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (shown_on), "relay"));
  targets = json_object_get_array_member (json_node_get_object (shown_on), "targets");
  for (guint i = 1; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);
      const char *from = json_object_get_string_member (target, "fed-from");

      /* A holder of this template: the source or another target. */
      g_assert_nonnull (from);
      g_assert_nonnull (find_target (shown_on, from));
      g_assert_cmpstr (from, !=, json_object_get_string_member (target, "provider"));
    }
  /* Each template's copy, and no other. */
  g_assert_cmpuint (count_vms (fixture, "hv-2", GOLD), ==, 2);
  g_assert_cmpuint (count_vms (fixture, "hv-3", GOLD), ==, 2);
  g_assert_cmpuint (count_vms (fixture, "hv-4", GOLD), ==, 1);

  human = vdictl (fixture, NULL, "template", "show", "On", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Relay:"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (find_target (shown_on,
                                                                                     "hv-4"),
                                                                         "strays")), ==, 0);

  /* A copy hv-2 abandoned on its way to hv-4 when it stopped answering, as the farm records
   * it: shown, and looked for by a retry of hv-4 (hv-2 answers that it is gone), after which
   * nothing is recorded and hv-4 still holds its one copy. */
  {
    g_autoptr(VdiFarm) farm = vdi_farm_new (fixture->farm);
    g_autoptr(GError) error = NULL;
    VdiTemplate *template;
    VdiTarget *target;

    g_assert_true (vdi_farm_load (farm, NULL, &error));
    g_assert_no_error (error);
    template = vdi_farm_find_template (farm, "On");
    target = vdi_template_find_target (template, vdi_farm_find_provider (farm, "hv-4"));
    vdi_target_add_stray (target, vdi_provider_get_id (vdi_farm_find_provider (farm, "hv-2")),
                          "6A2C4E0F-1B3D-4F5A-8C7E-9D0B1A2C3E4F", NULL);
    g_assert_true (vdi_farm_save (farm, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(JsonNode) shown = show (fixture, "On");
    g_autoptr(JsonNode) shown_after = NULL;
    g_autoptr(Run) retried = NULL;
    JsonArray *strays = json_object_get_array_member (find_target (shown, "hv-4"), "strays");
    JsonObject *stray;

    g_assert_cmpuint (json_array_get_length (strays), ==, 1);
    stray = json_array_get_object_element (strays, 0);
    g_assert_cmpstr (json_object_get_string_member (stray, "provider"), ==, "hv-2");
    g_assert_cmpstr (json_object_get_string_member (stray, "vm-id"), ==,
                     "6A2C4E0F-1B3D-4F5A-8C7E-9D0B1A2C3E4F");
    g_assert_true (json_object_get_null_member (stray, "job"));

    retried = vdictl (fixture, "pw\n", "template", "retry", "On", "--provider", "hv-4",
                      "--password-stdin", NULL);
    g_assert_cmpint (retried->status, ==, 0);
    shown_after = show (fixture, "On");
    assert_all_ready (shown_after);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (find_target (shown_after,
                                                                                       "hv-4"),
                                                                           "strays")), ==, 0);
    g_assert_cmpuint (count_vms (fixture, "hv-4", GOLD), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-vdictl-template");

  g_test_add ("/vdictl-template/distribution", Fixture, NULL, fixture_setup, test_distribution,
              fixture_teardown);
  g_test_add ("/vdictl-template/single-provider-and-errors", Fixture, NULL, fixture_setup,
              test_single_provider_and_errors, fixture_teardown);
  g_test_add ("/vdictl-template/usage", Fixture, NULL, fixture_setup, test_usage,
              fixture_teardown);
  g_test_add ("/vdictl-template/lock", Fixture, NULL, fixture_setup, test_lock,
              fixture_teardown);
  g_test_add ("/vdictl-template/killed", Fixture, NULL, fixture_setup, test_killed,
              fixture_teardown);
  g_test_add ("/vdictl-template/interrupted", Fixture, NULL, fixture_setup, test_interrupted,
              fixture_teardown);
  g_test_add ("/vdictl-template/killed-in-a-loop", Fixture, NULL, fixture_setup,
              test_killed_in_a_loop, fixture_teardown);
  g_test_add ("/vdictl-template/agent", Fixture, NULL, fixture_setup, test_agent,
              fixture_teardown);
  /* On a farm database the agent follows the farm between its checks. */
  g_test_add ("/vdictl-template/agent-sqlite", Fixture, sqlite_farm, fixture_setup, test_agent,
              fixture_teardown);
  g_test_add ("/vdictl-template/maintenance", Fixture, NULL, fixture_setup, test_maintenance,
              fixture_teardown);
  g_test_add ("/vdictl-template/vcenter-hosts", Fixture, NULL, fixture_setup, test_vcenter_hosts,
              fixture_teardown);
  g_test_add ("/vdictl-template/relay", Fixture, NULL, fixture_setup, test_relay,
              fixture_teardown);
  /* kill -9 at 50 moments from the seed, with relay on (vdictl's default): the copies in
   * flight come from holders as well as the source. */
  g_test_add ("/vdictl-template/killed-in-a-loop-relay", Fixture, GUINT_TO_POINTER (50),
              fixture_setup, test_killed_in_a_loop, fixture_teardown);

  return g_test_run ();
}
