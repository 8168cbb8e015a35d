/* test-vcenter-vcsim.c: the vCenter backend against VMware's own simulator, vcsim.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "vcenter-test-util.h"
#include "vdi-host-manager.h"
#include "vdi-vcenter-backend.h"

/* vcsim forgets sessions idle this long (checked at the same interval). */
#define SESSION_IDLE    "2s"
#define SESSION_GONE_MS 5000

static GSubprocess *vcsim;
static GUri        *vcsim_uri;
static char        *hold_dir;
static char        *hold_file;   /* clones wait while it exists */

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                     &error);
  g_assert_no_error (error);
  if (*line == NULL)
    *line = g_strdup ("");
}

static gboolean
expire_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Starts vcsim and reads its "URL=…" line, within a bounded time. */
static void
start_vcsim (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  gboolean expired = FALSE;
  guint id;

  /* A name of our own that does not exist yet: in a folder of our own. */
  hold_dir = g_dir_make_tmp ("vdi-vcsim-hold-XXXXXX", &error);
  g_assert_no_error (error);
  hold_file = g_build_filename (hold_dir, "hold", NULL);
  vcsim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            path, "-clone-step", "200ms", "-hold-file", hold_file,
                            "-session-idle", SESSION_IDLE, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (vcsim));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, read_line_cb, &line);
  id = g_timeout_add (BACKEND_TEST_TIMEOUT_MS, expire_cb, &expired);
  while (line == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (line == NULL)
    g_error ("vcsim printed no URL within %d ms", BACKEND_TEST_TIMEOUT_MS);
  g_source_remove (id);

  g_assert_true (g_str_has_prefix (line, "URL="));
  vcsim_uri = g_uri_parse (line + 4, G_URI_FLAGS_HAS_PASSWORD, &error);
  g_assert_no_error (error);
}

static void
stop_vcsim (void)
{
  g_autoptr(GError) error = NULL;

  /* Closing its stdin ends it; a signal in case it does not listen. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (vcsim), NULL, NULL);
  g_subprocess_send_signal (vcsim, SIGTERM);
  g_subprocess_wait (vcsim, NULL, &error);
  g_clear_object (&vcsim);
  g_clear_pointer (&vcsim_uri, g_uri_unref);
  g_unlink (hold_file);
  g_rmdir (hold_dir);
  g_clear_pointer (&hold_file, g_free);
  g_clear_pointer (&hold_dir, g_free);
}

static VdiBackend *
make_backend (const char *password)
{
  g_autoptr(VdiProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  VdiVcenterBackend *vc;

  provider = vdi_provider_new ("vcsim-id", "vcsim", VDI_PROVIDER_SUBTYPE_VCENTER_6_5,
                               g_uri_get_host (vcsim_uri), g_uri_get_port (vcsim_uri));
  vdi_provider_set_username (provider, g_uri_get_user (vcsim_uri));
  vdi_provider_set_allow_http (provider, TRUE);
  vc = vdi_vcenter_backend_new (provider, password != NULL ? password
                                                           : g_uri_get_password (vcsim_uri),
                                &error);
  g_assert_no_error (error);
  return VDI_BACKEND (vc);
}

static void
test_probe (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (backend, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (version, "VMware vCenter Server"));
}

static void
test_wrong_password (void)
{
  g_autoptr(VdiBackend) backend = make_backend ("wrong <&> password");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (backend, &error);
  g_autoptr(GPtrArray) vms = NULL;

  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_clear_error (&error);
  vms = bt_list_vms (backend, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
}

static void
test_list (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = bt_list_vms (backend, &error);
  g_autoptr(GPtrArray) datastores = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  VdiVmInfo *vm;

  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, >=, 4);
  vm = bt_find_vm (vms, "DC0_H0_VM0");
  g_assert_nonnull (vm);
  g_assert_false (vdi_vm_info_get_is_template (vm));
  g_assert_cmpstr (vdi_vm_info_get_host (vm), ==, "DC0_H0");
  g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, "LocalDS_0");
  g_assert_nonnull (bt_find_vm (vms, "DC0_C0_RP0_VM1"));

  datastores = bt_list_datastores (backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datastores->len, ==, 2);
  for (guint i = 0; i < datastores->len; i++)
    {
      VdiDatastoreInfo *ds = g_ptr_array_index (datastores, i);

      g_assert_true (g_str_has_prefix (vdi_datastore_info_get_name (ds), "LocalDS_"));
      g_assert_true (vdi_datastore_info_get_accessible (ds));
      g_assert_cmpuint (vdi_datastore_info_get_capacity (ds), >, 0);
      g_assert_cmpuint (vdi_datastore_info_get_free_space (ds), <=,
                        vdi_datastore_info_get_capacity (ds));
    }

  hosts = bt_list_hosts (backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hosts->len, ==, 4);
  for (guint i = 0; i < hosts->len; i++)
    g_assert_true (vdi_host_info_get_connected (g_ptr_array_index (hosts, i)));
}

static char *
find_vm_id (VdiBackend *backend,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = bt_list_vms (backend, &error);
  VdiVmInfo *vm;

  g_assert_no_error (error);
  vm = bt_find_vm (vms, name);
  g_assert_nonnull (vm);
  return g_strdup (vdi_vm_info_get_id (vm));
}

/* Clones @source into every datastore, checks the clones, and destroys them. */
static void
clone_everywhere (VdiBackend *backend,
                  const char *source,
                  const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datastores = bt_list_datastores (backend, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < datastores->len; i++)
    {
      VdiDatastoreInfo *ds = g_ptr_array_index (datastores, i);
      g_autofree char *name = g_strdup_printf ("%s <%s> & co", prefix,
                                               vdi_datastore_info_get_name (ds));
      ProgressLog log = { 0, 0 };
      g_autofree char *clone = bt_run (backend, VDI_BACKEND_OP_CLONE,
                                       g_variant_new ("(sssb)", source, name,
                                                      vdi_datastore_info_get_id (ds), FALSE),
                                       &log, &error);
      g_autoptr(GPtrArray) vms = NULL;
      g_autofree char *gone = NULL;
      VdiVmInfo *vm;

      g_assert_no_error (error);
      g_assert_nonnull (clone);
      /* main.go makes clones run for 0.6 s with progress steps. */
      g_assert_cmpuint (log.calls, >=, 2);
      g_assert_cmpfloat (log.last, ==, 100);

      vms = bt_list_vms (backend, &error);
      g_assert_no_error (error);
      vm = bt_find_vm_by_id (vms, clone);
      g_assert_nonnull (vm);
      g_assert_cmpstr (vdi_vm_info_get_name (vm), ==, name);
      g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, vdi_datastore_info_get_name (ds));
      g_assert_false (vdi_vm_info_get_is_template (vm));
      g_clear_pointer (&vms, g_ptr_array_unref);

      gone = bt_run (backend, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", clone), NULL, &error);
      g_assert_no_error (error);
      vms = bt_list_vms (backend, &error);
      g_assert_no_error (error);
      g_assert_null (bt_find_vm_by_id (vms, clone));
    }
}

static void
test_clone (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autofree char *source = find_vm_id (backend, "DC0_H0_VM0");

  clone_everywhere (backend, source, "clone");
}

static void
test_template (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autofree char *id = find_vm_id (backend, "DC0_C0_RP0_VM1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  g_autofree char *result = NULL;

  /* vcsim's VMs start powered on; a running VM cannot become a template. */
  g_assert_false (bt_call (backend, VDI_BACKEND_OP_MARK_TEMPLATE, g_variant_new ("(s)", id),
                           &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_clear_error (&error);

  result = bt_run (backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, FALSE), NULL,
                   &error);
  g_assert_no_error (error);
  g_assert_true (bt_call (backend, VDI_BACKEND_OP_MARK_TEMPLATE, g_variant_new ("(s)", id),
                          &error));
  g_assert_no_error (error);
  vms = bt_list_vms (backend, &error);
  g_assert_true (vdi_vm_info_get_is_template (bt_find_vm_by_id (vms, id)));
  g_clear_pointer (&vms, g_ptr_array_unref);

  /* A template clones only with a pool: the backend finds its host's. */
  clone_everywhere (backend, id, "from-template");

  g_assert_true (bt_call (backend, VDI_BACKEND_OP_MARK_VM, g_variant_new ("(s)", id), &error));
  g_assert_no_error (error);
  vms = bt_list_vms (backend, &error);
  g_assert_false (vdi_vm_info_get_is_template (bt_find_vm_by_id (vms, id)));
}

static void
test_not_found (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = bt_start (backend, VDI_BACKEND_OP_DESTROY,
                                           g_variant_new ("(s)", "vm-9999"), &error);
  g_autoptr(VdiBackendJob) task = vdi_backend_job_new ("Task", "task-9999");
  g_autofree char *result = NULL;

  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (bt_call (backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                           g_variant_new ("(s)", "vm-9999"), &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  result = bt_follow (backend, task, NULL, NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
}

/* vcsim forgets the session: a RetrievePropertiesEx then answers with NotAuthenticated inside
 * missingSet, any other call with a NotAuthenticated fault. Both mean one new login. */
static void
test_session_expiry (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autofree char *id = find_vm_id (backend, "DC0_C0_RP0_VM0");
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = bt_start (backend, VDI_BACKEND_OP_POWER,
                                           g_variant_new ("(sb)", id, FALSE), &error);
  g_autofree char *result = NULL;
  g_autoptr(GPtrArray) datastores = NULL;

  g_assert_no_error (error);
  result = bt_follow (backend, job, NULL, NULL, &error);
  g_assert_no_error (error);

  bt_iterate (SESSION_GONE_MS);
  result = bt_follow (backend, job, NULL, NULL, &error);
  g_assert_no_error (error);

  bt_iterate (SESSION_GONE_MS);
  datastores = bt_list_datastores (backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datastores->len, ==, 2);
}

static void
hosts_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
run_hosts (VdiHostManager  *manager,
           GAsyncResult   **slot,
           GStrv           *notices,
           GError         **error)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return vdi_host_manager_finish (manager, *slot, notices, error);
}

/* The host manager, as the console and vdictl use it, placing clones of a real template over
 * vcsim's two datastores. */
static void
test_host_placement (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autofree char *id = find_vm_id (backend, "DC0_C0_RP0_VM0");
  g_autofree char *dir = g_dir_make_tmp ("vdi-vcsim-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "farm.json", NULL);
  g_autoptr(VdiFarm) farm = vdi_farm_new (path);
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProvider) provider = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiHostManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) datastores = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  g_auto(GStrv) notices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *off = NULL;
  g_autofree char *own = NULL;
  const char *extra[3] = { NULL, "datastore-999", NULL };
  GListModel *hosts;

  /* A template, as an admin makes one: powered off, marked. */
  vms = bt_list_vms (backend, &error);
  g_assert_no_error (error);
  if (vdi_vm_info_get_powered_on (bt_find_vm (vms, "DC0_C0_RP0_VM0")))
    {
      off = bt_run (backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, FALSE), NULL,
                    &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&vms, g_ptr_array_unref);
  g_assert_true (bt_call (backend, VDI_BACKEND_OP_MARK_TEMPLATE, g_variant_new ("(s)", id),
                          &error));
  g_assert_no_error (error);

  vms = bt_list_vms (backend, &error);
  g_assert_no_error (error);
  own = g_strdup (vdi_vm_info_get_datastore (bt_find_vm (vms, "DC0_C0_RP0_VM0")));
  datastores = bt_list_datastores (backend, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < datastores->len; i++)
    if (g_strcmp0 (vdi_datastore_info_get_name (g_ptr_array_index (datastores, i)), own) != 0)
      extra[0] = vdi_datastore_info_get_id (g_ptr_array_index (datastores, i));
  g_assert_nonnull (own);
  g_assert_nonnull (extra[0]);

  provider = vdi_provider_new ("vcsim-id", "vcsim", VDI_PROVIDER_SUBTYPE_VCENTER_6_5,
                               g_uri_get_host (vcsim_uri), g_uri_get_port (vcsim_uri));
  vdi_provider_set_username (provider, g_uri_get_user (vcsim_uri));
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert_true (vdi_farm_add_provider (farm, provider, &error));
  vdi_credentials_store_sync (credentials, "vcsim-id", "vcsim", g_uri_get_password (vcsim_uri),
                              NULL, &error);
  g_assert_no_error (error);

  template = vdi_template_new (NULL, "Gold", provider, "DC0_C0_RP0_VM0");
  vdi_template_set_source_vm_id (template, id);
  vdi_template_set_host_name_format (template, "GOLD-%ID:2%");
  vdi_template_set_max_hosts (template, 10);
  vdi_template_set_datastore_mode (template, VDI_DATASTORE_MODE_ADDITIONAL);
  vdi_template_set_datastores (template, extra);
  g_assert_true (vdi_farm_add_template (farm, template, &error));
  g_assert_no_error (error);

  manager = vdi_host_manager_new (farm, credentials);
  vdi_host_manager_create_hosts_async (manager, template, 3, NULL, hosts_done_cb, &result);
  g_assert_true (run_hosts (manager, &result, &notices, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (notices), ==, 1);
  g_assert_nonnull (strstr (notices[0], "“datastore-999” no longer exists"));

  /* Round-robin: the template's own datastore, the other, the template's again; each a real
   * VM on vcsim where the farm says it is. */
  hosts = vdi_template_get_hosts (template);
  g_assert_cmpuint (g_list_model_get_n_items (hosts), ==, 3);
  g_clear_pointer (&vms, g_ptr_array_unref);
  vms = bt_list_vms (backend, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);
      g_autofree char *name = g_strdup_printf ("GOLD-%02u", i + 1);
      VdiVmInfo *vm = bt_find_vm_by_id (vms, vdi_host_get_vm_id (host));

      g_assert_cmpstr (vdi_host_get_name (host), ==, name);
      g_assert_cmpint (vdi_host_get_state (host), ==, VDI_HOST_STATE_READY);
      g_assert_nonnull (vm);
      g_assert_cmpstr (vdi_vm_info_get_name (vm), ==, name);
      g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, vdi_host_get_datastore (host));
      if (i % 2 == 0)
        g_assert_cmpstr (vdi_host_get_datastore (host), ==, own);
      else
        g_assert_cmpstr (vdi_host_get_datastore (host), !=, own);
    }

  /* Deleting them leaves nothing on vcsim. */
  while (g_list_model_get_n_items (hosts) > 0)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, 0);

      g_clear_object (&result);
      vdi_host_manager_delete_host_async (manager, template, host, NULL, hosts_done_cb, &result);
      g_assert_true (run_hosts (manager, &result, NULL, &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&vms, g_ptr_array_unref);
  vms = bt_list_vms (backend, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("GOLD-%02u", i);

      g_assert_null (bt_find_vm (vms, name));
    }

  vdi_farm_flush (farm, NULL);
  g_remove (path);
  {
    g_autofree char *bak = g_strconcat (path, ".bak", NULL);

    g_remove (bak);
  }
  g_rmdir (dir);
}

static GPtrArray *
find_running_jobs (VdiBackend *backend,
                   const char *vm_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *running = bt_find_running_jobs (backend, vm_id, &error);

  g_assert_no_error (error);
  return running;
}

/* vcsim keeps TaskManager.recentTask, not the VM's: a clone held running is found as the
 * source VM's running task, and no longer once it has ended; another VM has none. */
static void
test_find_running_jobs (void)
{
  g_autoptr(VdiBackend) backend = make_backend (NULL);
  g_autofree char *source = find_vm_id (backend, "DC0_H0_VM0");
  g_autofree char *other = find_vm_id (backend, "DC0_C0_RP0_VM1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datastores = bt_list_datastores (backend, &error);
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(VdiBackendJob) clone = NULL;
  g_autofree char *made = NULL;
  g_autofree char *gone = NULL;

  g_assert_no_error (error);
  running = find_running_jobs (backend, source);
  g_assert_cmpuint (running->len, ==, 0);
  g_clear_pointer (&running, g_ptr_array_unref);

  g_assert_true (g_file_set_contents (hold_file, "", 0, &error));
  clone = bt_start (backend, VDI_BACKEND_OP_CLONE,
                    g_variant_new ("(sssb)", source, "held clone",
                                   vdi_datastore_info_get_id (g_ptr_array_index (datastores, 0)),
                                   FALSE), &error);
  g_assert_no_error (error);
  running = find_running_jobs (backend, source);
  g_assert_cmpuint (running->len, ==, 1);
  g_assert_cmpstr (vdi_backend_job_get_kind (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_kind (clone));
  g_assert_cmpstr (vdi_backend_job_get_id (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_id (clone));
  g_clear_pointer (&running, g_ptr_array_unref);
  running = find_running_jobs (backend, other);
  g_assert_cmpuint (running->len, ==, 0);
  g_clear_pointer (&running, g_ptr_array_unref);

  g_assert_cmpint (g_unlink (hold_file), ==, 0);
  made = bt_follow (backend, clone, NULL, NULL, &error);
  g_assert_no_error (error);
  running = find_running_jobs (backend, source);
  g_assert_cmpuint (running->len, ==, 0);

  gone = bt_run (backend, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", made), NULL, &error);
  g_assert_no_error (error);
}

static void
test_unavailable (gconstpointer data)
{
  g_test_skip_printf ("vcsim is not available: %s", (const char *)data);
}

int
main (int   argc,
      char *argv[])
{
  const char *skip = g_getenv ("VDI_VCSIM_SKIP");
  const char *path = g_getenv ("VDI_VCSIM");
  int status;

  g_test_init (&argc, &argv, NULL);

  if (skip != NULL || path == NULL)
    {
      g_test_add_data_func ("/backends/vcsim/unavailable",
                            skip != NULL ? skip : "VDI_VCSIM is not set", test_unavailable);
      return g_test_run ();
    }

  start_vcsim (path);
  g_test_add_func ("/backends/vcsim/probe", test_probe);
  g_test_add_func ("/backends/vcsim/wrong-password", test_wrong_password);
  g_test_add_func ("/backends/vcsim/list", test_list);
  g_test_add_func ("/backends/vcsim/clone", test_clone);
  g_test_add_func ("/backends/vcsim/template", test_template);
  g_test_add_func ("/backends/vcsim/not-found", test_not_found);
  g_test_add_func ("/backends/vcsim/session-expiry", test_session_expiry);
  g_test_add_func ("/backends/vcsim/host-placement", test_host_placement);
  g_test_add_func ("/backends/vcsim/find-running-jobs", test_find_running_jobs);
  status = g_test_run ();
  stop_vcsim ();
  return status;
}
