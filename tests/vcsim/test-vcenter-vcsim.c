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

#include "vcenter-test-util.h"
#include "vdi-vcenter-backend.h"

/* vcsim forgets sessions idle this long (checked at the same interval). */
#define SESSION_IDLE    "2s"
#define SESSION_GONE_MS 5000

static GSubprocess *vcsim;
static GUri        *vcsim_uri;

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

  vcsim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            path, "-clone-step", "200ms",
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
  status = g_test_run ();
  stop_vcsim ();
  return status;
}
