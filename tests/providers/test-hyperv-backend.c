/* test-hyperv-backend.c: the Hyper-V backend against vdi-provider-sim, over real WS-Management.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-hyperv-backend.h"
#include "vdi-test-async.h"

#define WAIT_MS 30000

static const char scenario_template[] =
  "{ \"time_scale\": 400, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-a\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"s3cret&<pw>\", \"export_mbps\": 4000, \"up_mbps\": 2000, \"down_mbps\": 2000,"
  "    \"vms\": [ { \"name\": \"Win11 Gold\", \"disk_gb\": 40, \"state\": \"off\" },"
  "               { \"name\": \"running-vm\", \"disk_gb\": 20, \"state\": \"running\" } %s ] },"
  "  { \"name\": \"hv-b\", \"subtype\": \"hyperv-standalone\", \"user\": \"admin\","
  "    \"password\": \"s3cret&<pw>\", \"export_mbps\": 4000, \"up_mbps\": 2000, \"down_mbps\": 2000,"
  "    \"vms\": [] } ] }";

typedef struct
{
  SimFixture   sim;
  VdiProvider *hv_a;
  VdiProvider *hv_b;
} Fixture;

static VdiProvider *
provider_for (SimFixture *sim,
              const char *name)
{
  g_autofree char *url = sim_provider_url (sim, name);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  VdiProvider *provider = vdi_provider_new (id, name, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                            g_uri_get_host (uri), g_uri_get_port (uri));

  vdi_provider_set_username (provider, "admin");
  /* The simulator speaks plain HTTP; a real provider would need HTTPS. */
  vdi_provider_set_allow_http (provider, TRUE);
  return provider;
}

static void
fixture_setup_with (Fixture    *fixture,
                    const char *extra_vms)
{
  g_autofree char *scenario = g_strdup_printf (scenario_template, extra_vms);

  sim_fixture_start (&fixture->sim, scenario);
  fixture->hv_a = provider_for (&fixture->sim, "hv-a");
  fixture->hv_b = provider_for (&fixture->sim, "hv-b");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture_setup_with (fixture, "");
}

static void
fixture_setup_many (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) vms = g_string_new (NULL);

  /* More than one Pull page (the backend asks for 100 at a time). */
  for (guint i = 0; i < 230; i++)
    g_string_append_printf (vms, ", { \"name\": \"desk-%03u\", \"disk_gb\": 30 }", i);
  fixture_setup_with (fixture, vms->str);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->hv_a);
  g_clear_object (&fixture->hv_b);
  sim_fixture_stop (&fixture->sim);
}

static VdiBackend *
backend_for (VdiProvider *provider,
             const char  *password)
{
  g_autoptr(GError) error = NULL;
  VdiHypervBackend *backend = vdi_hyperv_backend_new (provider, password, &error);

  g_assert_no_error (error);
  return VDI_BACKEND (backend);
}

/* Waiting for async results, bounded. ------------------------------------------------------- */

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *)data);
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_result (GAsyncResult **slot,
             const char    *what)
{
  guint timeout = g_timeout_add (WAIT_MS, timeout_cb, (gpointer)what);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return *slot;
}

static char *
probe (VdiBackend  *backend,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_probe_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_probe_finish (backend, wait_result (&result, "probe"), error);
}

static GPtrArray *
list_vms (VdiBackend  *backend,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_vms_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_list_vms_finish (backend, wait_result (&result, "list vms"), error);
}

static GPtrArray *
list_planned_vms (VdiBackend  *backend,
                  GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_planned_vms_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_list_planned_vms_finish (backend, wait_result (&result, "list planned vms"),
                                              error);
}

static VdiBackendJob *
start (VdiBackend  *backend,
       const char  *operation,
       GVariant    *parameters,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_start_async (backend, operation, parameters, NULL, vdi_test_store_result, &result);
  return vdi_backend_start_finish (backend, wait_result (&result, operation), error);
}

typedef struct
{
  guint  n_reports;
  double last;
} Progress;

static void
progress_cb (double   percent,
             guint64  bytes_done,
             guint64  bytes_total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpfloat (percent, >=, progress->last);
  g_assert_cmpfloat (percent, <=, 100);
  progress->last = percent;
  progress->n_reports++;
}

static char *
follow (VdiBackend     *backend,
        VdiBackendJob  *job,
        Progress       *progress,
        GCancellable   *cancellable,
        GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_follow_async (backend, job, progress != NULL ? progress_cb : NULL, progress,
                            cancellable, vdi_test_store_result, &result);
  return vdi_backend_follow_finish (backend, wait_result (&result, "follow"), error);
}

static const char *
find_vm_id (GPtrArray  *vms,
            const char *name)
{
  for (guint i = 0; i < vms->len; i++)
    {
      VdiVmInfo *vm = g_ptr_array_index (vms, i);

      if (g_strcmp0 (vdi_vm_info_get_name (vm), name) == 0)
        return vdi_vm_info_get_id (vm);
    }
  return NULL;
}

/* Tests ------------------------------------------------------------------------------------- */

static void
test_probe_and_auth (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VdiBackend) good = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(VdiBackend) bad = backend_for (fixture->hv_a, "wrong");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = probe (good, &error);
  g_autofree char *none = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "Hyper-V on Windows 10.0.20348 (WS-Management 3.0)");

  none = probe (bad, &error);
  g_assert_null (none);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
}

static void
test_listings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VdiBackend) backend = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) ds_result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saw_running = FALSE;

  vms = list_vms (backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 2);
  g_assert_nonnull (find_vm_id (vms, "Win11 Gold"));
  for (guint i = 0; i < vms->len; i++)
    {
      VdiVmInfo *vm = g_ptr_array_index (vms, i);

      if (g_str_equal (vdi_vm_info_get_name (vm), "running-vm"))
        saw_running = vdi_vm_info_get_powered_on (vm);
      g_assert_cmpuint (strlen (vdi_vm_info_get_id (vm)), ==, 36);
    }
  g_assert_true (saw_running);

  vdi_backend_list_hosts_async (backend, NULL, vdi_test_store_result, &result);
  hosts = vdi_backend_list_hosts_finish (backend, wait_result (&result, "hosts"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hosts->len, ==, 1);
  /* Windows reports computer names in capitals. */
  g_assert_cmpint (g_ascii_strcasecmp (vdi_host_info_get_name (g_ptr_array_index (hosts, 0)), "hv-a"), ==, 0);

  vdi_backend_list_datastores_async (backend, NULL, vdi_test_store_result, &ds_result);
  g_assert_null (vdi_backend_list_datastores_finish (backend, wait_result (&ds_result, "ds"),
                                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(VdiBackend) backend = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (backend, &error);
  g_autoptr(JsonNode) counters = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 232);
  g_assert_nonnull (find_vm_id (vms, "desk-229"));

  /* 233 systems (with the host) in pages of 100: three Pulls. */
  counters = sim_control_get (&fixture->sim, "counters");
  {
    JsonObject *hv = json_object_get_object_member (json_object_get_object_member (
                                                      json_node_get_object (counters), "providers"),
                                                    "hv-a");
    JsonObject *requests = json_object_get_object_member (hv, "requests");

    g_assert_cmpint (json_object_get_int_member (requests, "Pull"), ==, 3);
  }
}

/* The whole copy of a template to another host, as the distribution engine will do it. */
static void
test_export_import_migrate_destroy (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(VdiBackend) b = backend_for (fixture->hv_b, "s3cret&<pw>");
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(GPtrArray) vms_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *none = NULL;
  Progress progress = { 0, -1 };
  g_autofree char *gold = NULL;

  vms = list_vms (a, &error);
  gold = g_strdup (find_vm_id (vms, "Win11 Gold"));

  job = start (a, VDI_BACKEND_OP_EXPORT, g_variant_new ("(ss)", gold, "D:\\Exports"), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vdi_backend_job_get_kind (job), "Msvm_ConcreteJob"));
  none = follow (a, job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (progress.last, ==, 100);
  g_clear_pointer (&job, vdi_backend_job_free);

  definition = g_strdup_printf ("D:\\Exports\\Win11 Gold\\Virtual Machines\\%s.vmcx", gold);
  job = start (a, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", definition, TRUE), &error);
  g_assert_no_error (error);
  planned = follow (a, job, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (planned);
  g_assert_cmpstr (planned, !=, gold);
  g_clear_pointer (&job, vdi_backend_job_free);

  job = start (a, VDI_BACKEND_OP_REALIZE, g_variant_new ("(s)", planned), &error);
  g_assert_no_error (error);
  copy = follow (a, job, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy, ==, planned);
  g_clear_pointer (&job, vdi_backend_job_free);

  job = start (a, VDI_BACKEND_OP_MIGRATE, g_variant_new ("(ss)", copy, "hv-b"), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vdi_backend_job_get_kind (job), "Msvm_MigrationJob"));
  progress = (Progress) { 0, -1 };
  g_clear_pointer (&none, g_free);
  none = follow (a, job, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (progress.n_reports, >=, 1);
  g_clear_pointer (&job, vdi_backend_job_free);

  /* The copy now lives on hv-b, under the same id; the gold image stays on hv-a. */
  vms_b = list_vms (b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_vm_id (vms_b, "Win11 Gold"));
  g_assert_cmpstr (find_vm_id (vms_b, "Win11 Gold"), ==, copy);
  g_clear_pointer (&vms, g_ptr_array_unref);
  vms = list_vms (a, &error);
  g_assert_cmpstr (find_vm_id (vms, "Win11 Gold"), ==, gold);

  job = start (b, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", copy), &error);
  g_assert_no_error (error);
  g_clear_pointer (&none, g_free);
  none = follow (b, job, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&vms_b, g_ptr_array_unref);
  vms_b = list_vms (b, &error);
  g_assert_cmpuint (vms_b->len, ==, 0);

  /* Destroying it again (a run interrupted mid-destroy does that): the host answers with a
   * bare return code, and the backend finds out that the VM is simply gone. */
  g_clear_pointer (&job, vdi_backend_job_free);
  job = start (b, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", copy), &error);
  g_assert_null (job);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, copy));
  g_clear_error (&error);
}

/* Starts @operation, follows it to its end without error; returns what it made. */
static char *
run_job (VdiBackend *backend,
         const char *operation,
         GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = start (backend, operation, parameters, &error);
  char *made;

  g_assert_no_error (error);
  made = follow (backend, job, NULL, NULL, &error);
  g_assert_no_error (error);
  return made;
}

/* What an import makes is a planned VM (Msvm_PlannedComputerSystem): list_vms leaves it out,
 * list_planned_vms reports it, flagged, until it is realized or destroyed. */
static void
test_planned_vms (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(VdiBackend) b = backend_for (fixture->hv_b, "s3cret&<pw>");
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(GPtrArray) planned_vms = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gold = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *none = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *second = NULL;
  g_autofree char *realized = NULL;
  VdiVmInfo *vm;

  /* None before any import, on either host. */
  planned_vms = list_planned_vms (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (planned_vms->len, ==, 0);
  g_clear_pointer (&planned_vms, g_ptr_array_unref);
  planned_vms = list_planned_vms (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (planned_vms->len, ==, 0);
  g_clear_pointer (&planned_vms, g_ptr_array_unref);

  vms = list_vms (a, &error);
  gold = g_strdup (find_vm_id (vms, "Win11 Gold"));
  none = run_job (a, VDI_BACKEND_OP_EXPORT, g_variant_new ("(ss)", gold, "D:\\Exports"));

  /* Two imports of the same export: two planned VMs, both named as the exported VM. */
  definition = g_strdup_printf ("D:\\Exports\\Win11 Gold\\Virtual Machines\\%s.vmcx", gold);
  planned = run_job (a, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", definition, TRUE));
  second = run_job (a, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", definition, TRUE));
  g_assert_cmpstr (planned, !=, second);

  g_clear_pointer (&vms, g_ptr_array_unref);
  vms = list_vms (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 2);
  for (guint i = 0; i < vms->len; i++)
    g_assert_false (vdi_vm_info_get_planned (g_ptr_array_index (vms, i)));

  planned_vms = list_planned_vms (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (planned_vms->len, ==, 2);
  for (guint i = 0; i < planned_vms->len; i++)
    {
      vm = g_ptr_array_index (planned_vms, i);
      g_assert_true (vdi_vm_info_get_planned (vm));
      g_assert_cmpstr (vdi_vm_info_get_name (vm), ==, "Win11 Gold");
      g_assert_false (vdi_vm_info_get_is_template (vm));
      g_assert_false (vdi_vm_info_get_powered_on (vm));
      g_assert_true (g_str_equal (vdi_vm_info_get_id (vm), planned) ||
                     g_str_equal (vdi_vm_info_get_id (vm), second));
    }
  g_assert_cmpstr (vdi_vm_info_get_id (g_ptr_array_index (planned_vms, 0)), !=,
                   vdi_vm_info_get_id (g_ptr_array_index (planned_vms, 1)));
  g_clear_pointer (&planned_vms, g_ptr_array_unref);

  /* Realized, the first leaves the planned list for the VM list. */
  realized = run_job (a, VDI_BACKEND_OP_REALIZE, g_variant_new ("(s)", planned));
  g_assert_cmpstr (realized, ==, planned);

  /* Destroyed while planned, the second is gone from both lists. The simulator, as WMI resolves
   * a reference, refuses a planned VM named as a Msvm_ComputerSystem: the backend names it
   * again as the planned VM it found. */
  g_clear_pointer (&none, g_free);
  none = run_job (a, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", second));

  planned_vms = list_planned_vms (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (planned_vms->len, ==, 0);
  g_clear_pointer (&vms, g_ptr_array_unref);
  vms = list_vms (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 3);
  g_assert_nonnull (find_vm_id (vms, "running-vm"));
  for (guint i = 0; i < vms->len; i++)
    {
      vm = g_ptr_array_index (vms, i);
      g_assert_false (vdi_vm_info_get_planned (vm));
      g_assert_cmpstr (vdi_vm_info_get_id (vm), !=, second);
    }
}

static void
test_power (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (a, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autofree char *none = NULL;
  const char *running = find_vm_id (vms, "running-vm");

  job = start (a, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", running, FALSE), &error);
  g_assert_no_error (error);
  none = follow (a, job, NULL, NULL, &error);
  g_assert_no_error (error);

  after = list_vms (a, &error);
  for (guint i = 0; i < after->len; i++)
    g_assert_false (vdi_vm_info_get_powered_on (g_ptr_array_index (after, i)));
}

/* A host made from a template takes its own name: ModifySystemSettings, done at once. */
static void
test_rename (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (a, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autoptr(VdiBackendJob) refused = NULL;
  g_autoptr(VdiBackendJob) nameless = NULL;
  g_autofree char *none = NULL;
  g_autofree char *gold = g_strdup (find_vm_id (vms, "Win11 Gold"));

  job = start (a, VDI_BACKEND_OP_RENAME, g_variant_new ("(ss)", gold, "VDI-001 <&>"), &error);
  g_assert_no_error (error);
  none = follow (a, job, NULL, NULL, &error);
  g_assert_no_error (error);
  after = list_vms (a, &error);
  g_assert_cmpstr (find_vm_id (after, "VDI-001 <&>"), ==, gold);
  g_assert_null (find_vm_id (after, "Win11 Gold"));

  /* A VM the host does not have: the provider's refusal, with its code. */
  refused = start (a, VDI_BACKEND_OP_RENAME,
                   g_variant_new ("(ss)", "00000000-dead-beef-0000-000000000000", "VDI-002"),
                   &error);
  g_assert_null (refused);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "ModifySystemSettings"));
  g_assert_nonnull (strstr (error->message, "32773"));
  g_clear_error (&error);

  /* No name is refused before anything is sent. */
  nameless = start (a, VDI_BACKEND_OP_RENAME, g_variant_new ("(ss)", gold, ""), &error);
  g_assert_null (nameless);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_failures (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (a, &error);
  g_autoptr(VdiBackendJob) job = NULL;
  g_autoptr(VdiBackendJob) refused = NULL;
  g_autoptr(VdiBackendJob) unknown = NULL;
  g_autofree char *none = NULL;
  const char *gold = find_vm_id (vms, "Win11 Gold");

  /* A job that fails says why, in the provider's words. */
  sim_control_post (&fixture->sim, "providers/hv-a/faults",
                    "{\"method\": \"ExportSystemDefinition\", \"fault\": \"job:32768\","
                    " \"message\": \"The disk is full.\"}");
  job = start (a, VDI_BACKEND_OP_EXPORT, g_variant_new ("(ss)", gold, "D:\\Exports"), &error);
  g_assert_no_error (error);
  none = follow (a, job, NULL, NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "The disk is full."));
  g_clear_error (&error);

  /* A method that refuses at once. */
  sim_control_post (&fixture->sim, "providers/hv-a/faults",
                    "{\"method\": \"DestroySystem\", \"fault\": \"return:32775\"}");
  refused = start (a, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", gold), &error);
  g_assert_null (refused);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "Invalid state for this operation"));
  g_assert_nonnull (strstr (error->message, "32775"));
  g_clear_error (&error);

  /* A job id the provider does not know. */
  unknown = vdi_backend_job_new ("Msvm_ConcreteJob", "00000000-dead-beef-0000-000000000000");
  g_clear_pointer (&none, g_free);
  none = follow (a, unknown, NULL, NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* WS-Man faults become errors with their meaning. */
  sim_control_post (&fixture->sim, "providers/hv-a/faults",
                    "{\"method\": \"Enumerate\", \"fault\": \"AccessDenied\"}");
  g_assert_null (list_vms (a, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
}

static void
test_corrupt_answers (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char * const kinds[] = { "truncated", "malformed", "content-type", "empty-500",
                                        "xml-bomb", NULL };
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"kind\": \"%s\", \"count\": 1}", kinds[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) vms = NULL;

      g_test_message ("%s", kinds[i]);
      sim_control_post (&fixture->sim, "providers/hv-a/corrupt", body);
      vms = list_vms (a, &error);
      g_assert_null (vms);
      g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
    }

  /* A body larger than any genuine answer is refused without being parsed. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) vms = NULL;

    sim_control_post (&fixture->sim, "providers/hv-a/corrupt",
                      "{\"kind\": \"huge\", \"count\": 1, \"size_mb\": 65}");
    vms = list_vms (a, &error);
    g_assert_null (vms);
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "too large"));
  }

  /* And the next answer is read normally again. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) vms = list_vms (a, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (vms->len, ==, 2);
  }
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *hung = NULL;

  sim_control_post (&fixture->sim, "providers/hv-a/offline", "{\"mode\": \"refuse\"}");
  version = probe (a, &error);
  g_assert_null (version);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
  g_clear_error (&error);

  /* Accepts and never answers: the client's timeout says so. */
  sim_control_post (&fixture->sim, "providers/hv-a/offline", "{\"mode\": \"hang\"}");
  vdi_hyperv_backend_set_timeout (VDI_HYPERV_BACKEND (a), 1);
  hung = probe (a, &error);
  g_assert_null (hung);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
  g_clear_error (&error);

  sim_control_post (&fixture->sim, "providers/hv-a/online", "{}");
  vdi_hyperv_backend_set_timeout (VDI_HYPERV_BACKEND (a), 30);
  g_clear_pointer (&version, g_free);
  version = probe (a, &error);
  g_assert_no_error (error);
}

static VdiMigrationSettings *
get_migration_settings (VdiBackend  *backend,
                        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_get_migration_settings_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_get_migration_settings_finish (backend,
                                                    vdi_test_wait_result (&result),
                                                    error);
}

/* Hyper-V Settings ▸ Live Migrations, read from Msvm_VirtualSystemMigrationServiceSettingData
 * as the host changes them; a host with migrations off fails the check in words that say what
 * to change there. */
static void
test_migration_settings (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiMigrationSettings) settings = get_migration_settings (a, &error);
  g_autoptr(VdiMigrationSettings) changed = NULL;
  SimReply *reply;
  g_autofree char *url = NULL;

  /* The simulator's default: enabled, Kerberos, two of each at once. */
  g_assert_no_error (error);
  g_assert_true (settings->enabled);
  g_assert_cmpint (settings->authentication, ==, VDI_MIGRATION_AUTH_KERBEROS);
  g_assert_cmpuint (settings->max_migrations, ==, 2);
  g_assert_cmpuint (settings->max_storage_migrations, ==, 2);
  g_assert_true (vdi_migration_settings_check (settings, "hv-a", &error));
  g_assert_no_error (error);

  sim_control_post (&fixture->sim, "providers/hv-a/live-migration",
                    "{\"enabled\": false, \"authentication\": \"credssp\", "
                    "\"max_migrations\": 4}");
  changed = get_migration_settings (a, &error);
  g_assert_no_error (error);
  g_assert_false (changed->enabled);
  g_assert_cmpint (changed->authentication, ==, VDI_MIGRATION_AUTH_CREDSSP);
  g_assert_cmpuint (changed->max_migrations, ==, 4);
  g_assert_cmpuint (changed->max_storage_migrations, ==, 2);
  g_assert_false (vdi_migration_settings_check (changed, "hv-a", &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_MIGRATION_DISABLED);
  g_assert_nonnull (strstr (error->message, "Live migration is disabled on hv-a"));
  g_assert_nonnull (strstr (error->message, "Hyper-V Settings"));
  g_clear_error (&error);

  /* And the host means it: a migration from it fails, as late as a real one would. */
  {
    g_autoptr(GPtrArray) vms = list_vms (a, &error);
    g_autoptr(VdiBackendJob) job = NULL;
    g_autofree char *none = NULL;
    Progress progress = { 0, -1 };

    g_assert_no_error (error);
    job = start (a, VDI_BACKEND_OP_MIGRATE,
                 g_variant_new ("(ss)", find_vm_id (vms, "Win11 Gold"), "hv-b"), &error);
    g_assert_no_error (error);
    none = follow (a, job, &progress, NULL, &error);
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
    g_assert_nonnull (strstr (error->message, "not enabled"));
    g_clear_error (&error);
  }

  /* None at a time is as good as off. */
  changed->enabled = TRUE;
  changed->max_storage_migrations = 0;
  g_assert_false (vdi_migration_settings_check (changed, "hv-a", &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_MIGRATION_DISABLED);
  g_clear_error (&error);

  /* The control endpoint refuses what it cannot apply, and changes nothing then. */
  url = g_strconcat (fixture->sim.control, "providers/hv-a/live-migration", NULL);
  reply = sim_post (fixture->sim.session, url, "application/json", "{\"enabled\": \"yes\"}",
                    NULL, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 400);
  sim_reply_free (reply);
  g_clear_pointer (&changed, vdi_migration_settings_free);
  changed = get_migration_settings (a, &error);
  g_assert_no_error (error);
  g_assert_false (changed->enabled);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_and_poll_rate (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (a, &error);
  g_autoptr(VdiBackendJob) job = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) counters = NULL;
  g_autofree char *none = NULL;
  gint64 started, elapsed_ms;
  gint64 gets;

  /* Slow the export down so it runs a few seconds. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 1}");
  sim_control_post (&fixture->sim, "counters/reset", "{}");
  job = start (a, VDI_BACKEND_OP_EXPORT,
               g_variant_new ("(ss)", find_vm_id (vms, "Win11 Gold"), "D:\\Exports"), &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  g_timeout_add (3500, cancel_cb, cancellable);
  none = follow (a, job, NULL, cancellable, &error);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_true (vdi_backend_error_is_cancelled (error));

  /* At most one status request per second of following, plus the first look. */
  counters = sim_control_get (&fixture->sim, "counters");
  {
    JsonObject *hv = json_object_get_object_member (json_object_get_object_member (
                                                      json_node_get_object (counters), "providers"),
                                                    "hv-a");

    gets = json_object_get_int_member (json_object_get_object_member (hv, "requests"), "Get");
  }
  g_test_message ("%" G_GINT64_FORMAT " status requests in %" G_GINT64_FORMAT " ms", gets,
                  elapsed_ms);
  g_assert_cmpint (gets, <=, elapsed_ms / 1000 + 1);
  g_assert_cmpint (gets, >=, 2);
}

/* Where Hyper-V puts an export's definition file, and where a migration is sent. */
static void
test_placement_rules (void)
{
  g_autofree char *definition = vdi_hyperv_definition_file ("D:\\Exports\\t1\\hv-b\\1Z",
                                                            "Win11 Gold", "ABCD-1234");
  g_autoptr(VdiProvider) named = vdi_provider_new ("hv-n", "hv-ams-03",
                                                   VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                   "hv-ams-03.corp.example", 5986);
  g_autoptr(VdiProvider) loopback = vdi_provider_new ("hv-l", "hv-sim",
                                                      VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                      "127.0.0.1", 40123);
  g_autoptr(VdiProvider) loopback6 = vdi_provider_new ("hv-6", "hv-sim6",
                                                       VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                       "::1", 40124);
  g_autofree char *to_named = vdi_hyperv_migration_destination (named);
  g_autofree char *to_loopback = vdi_hyperv_migration_destination (loopback);
  g_autofree char *to_loopback6 = vdi_hyperv_migration_destination (loopback6);

  g_assert_cmpstr (definition, ==,
                   "D:\\Exports\\t1\\hv-b\\1Z\\Win11 Gold\\Virtual Machines\\ABCD-1234.vmcx");
  /* A real host is reached by its name; simulated ones share an address and differ by port. */
  g_assert_cmpstr (to_named, ==, "hv-ams-03.corp.example");
  g_assert_cmpstr (to_loopback, ==, "127.0.0.1:40123");
  g_assert_cmpstr (to_loopback6, ==, "[::1]:40124");
  g_assert_cmpstr (VDI_HYPERV_DEFAULT_EXPORT_ROOT, ==, "C:\\VDI\\Exports");
}

static GPtrArray *
find_running_jobs (VdiBackend  *backend,
                   const char  *vm_id,
                   GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_find_running_jobs_async (backend, vm_id, NULL, vdi_test_store_result, &result);
  return vdi_backend_find_running_jobs_finish (backend, wait_result (&result, "find jobs"),
                                               error);
}

/* Asserts that @vm_id has exactly the running job @expected on @backend (none if NULL). */
static void
assert_running_jobs (VdiBackend          *backend,
                     const char          *vm_id,
                     const VdiBackendJob *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = find_running_jobs (backend, vm_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (running);
  if (expected == NULL)
    {
      g_assert_cmpuint (running->len, ==, 0);
      return;
    }
  g_assert_cmpuint (running->len, ==, 1);
  g_assert_cmpstr (vdi_backend_job_get_kind (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_kind (expected));
  g_assert_cmpstr (vdi_backend_job_get_id (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_id (expected));
}

/* The jobs still running for a VM, as a run killed before recording one would look for them:
 * the copy's migration (a Msvm_MigrationJob), an export of the gold VM (a Msvm_ConcreteJob,
 * found through Msvm_AffectedJobElement alone), nothing for a VM without one or once the job
 * has ended. A host that refuses one of the two queries still gives the answer of the other;
 * refusing both is an error. Simulated time nearly stands still while the jobs must run. */
static void
test_find_running_jobs (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(VdiBackend) a = backend_for (fixture->hv_a, "s3cret&<pw>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = list_vms (a, &error);
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(VdiBackendJob) move = NULL;
  g_autoptr(VdiBackendJob) export = NULL;
  g_autofree char *gold = g_strdup (find_vm_id (vms, "Win11 Gold"));
  g_autofree char *definition = NULL;
  g_autofree char *none = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *unknown = g_uuid_string_random ();

  g_assert_no_error (error);
  none = run_job (a, VDI_BACKEND_OP_EXPORT, g_variant_new ("(ss)", gold, "D:\\Exports"));
  definition = g_strdup_printf ("D:\\Exports\\Win11 Gold\\Virtual Machines\\%s.vmcx", gold);
  planned = run_job (a, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", definition, TRUE));
  copy = run_job (a, VDI_BACKEND_OP_REALIZE, g_variant_new ("(s)", planned));
  /* The jobs that made it have ended: none runs. */
  assert_running_jobs (a, copy, NULL);
  assert_running_jobs (a, gold, NULL);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 0.001}");
  move = start (a, VDI_BACKEND_OP_MIGRATE, g_variant_new ("(ss)", copy, "hv-b"), &error);
  g_assert_no_error (error);
  assert_running_jobs (a, copy, move);
  assert_running_jobs (a, gold, NULL);
  assert_running_jobs (a, unknown, NULL);

  export = start (a, VDI_BACKEND_OP_EXPORT, g_variant_new ("(ss)", gold, "D:\\Again"), &error);
  g_assert_no_error (error);
  assert_running_jobs (a, gold, export);
  assert_running_jobs (a, copy, move);

  /* Either query alone is enough. */
  sim_control_post (&fixture->sim, "providers/hv-a/faults",
                    "{\"method\": \"Enumerate\", \"count\": 1,"
                    " \"fault\": \"CannotProcessFilter\"}");
  assert_running_jobs (a, copy, move);
  sim_control_post (&fixture->sim, "providers/hv-a/faults",
                    "{\"method\": \"Enumerate\", \"count\": 2,"
                    " \"fault\": \"CannotProcessFilter\"}");
  refused = find_running_jobs (a, copy, &error);
  g_assert_null (refused);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_clear_error (&error);

  /* Ended, the move lingers on the host, no longer running. */
  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 400}");
  g_clear_pointer (&none, g_free);
  none = follow (a, move, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_running_jobs (a, copy, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, NULL, setup, func, fixture_teardown)

  ADD ("/backends/hyperv/probe-and-auth", fixture_setup, test_probe_and_auth);
  ADD ("/backends/hyperv/listings", fixture_setup, test_listings);
  ADD ("/backends/hyperv/paging", fixture_setup_many, test_paging);
  ADD ("/backends/hyperv/export-import-migrate-destroy", fixture_setup,
       test_export_import_migrate_destroy);
  ADD ("/backends/hyperv/planned-vms", fixture_setup, test_planned_vms);
  ADD ("/backends/hyperv/power", fixture_setup, test_power);
  ADD ("/backends/hyperv/rename", fixture_setup, test_rename);
  ADD ("/backends/hyperv/failures", fixture_setup, test_failures);
  ADD ("/backends/hyperv/corrupt-answers", fixture_setup, test_corrupt_answers);
  ADD ("/backends/hyperv/offline", fixture_setup, test_offline);
  ADD ("/backends/hyperv/migration-settings", fixture_setup, test_migration_settings);
  ADD ("/backends/hyperv/cancel-and-poll-rate", fixture_setup, test_cancel_and_poll_rate);
  ADD ("/backends/hyperv/find-running-jobs", fixture_setup, test_find_running_jobs);

#undef ADD

  g_test_add_func ("/backends/hyperv/placement-rules", test_placement_rules);

  return g_test_run ();
}
