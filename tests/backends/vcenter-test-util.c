/* vcenter-test-util.c
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

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
expire_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_for (GAsyncResult **slot,
          const char    *what)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (BACKEND_TEST_TIMEOUT_MS, expire_cb, &expired);

  while (*slot == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (*slot == NULL)
    g_error ("%s did not finish within %d ms", what, BACKEND_TEST_TIMEOUT_MS);
  g_source_remove (id);
  return *slot;
}

void
bt_iterate (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, expire_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

char *
bt_probe (VdiBackend  *backend,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_probe_async (backend, NULL, result_cb, &result);
  return vdi_backend_probe_finish (backend, wait_for (&result, "probe"), error);
}

GPtrArray *
bt_list_vms (VdiBackend  *backend,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_vms_async (backend, NULL, result_cb, &result);
  return vdi_backend_list_vms_finish (backend, wait_for (&result, "list VMs"), error);
}

GPtrArray *
bt_list_datastores (VdiBackend  *backend,
                    GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_datastores_async (backend, NULL, result_cb, &result);
  return vdi_backend_list_datastores_finish (backend, wait_for (&result, "list datastores"),
                                             error);
}

GPtrArray *
bt_list_hosts (VdiBackend  *backend,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_hosts_async (backend, NULL, result_cb, &result);
  return vdi_backend_list_hosts_finish (backend, wait_for (&result, "list hosts"), error);
}

VdiBackendJob *
bt_start (VdiBackend  *backend,
          const char  *operation,
          GVariant    *parameters,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_start_async (backend, operation, parameters, NULL, result_cb, &result);
  return vdi_backend_start_finish (backend, wait_for (&result, operation), error);
}

static void
progress_cb (double   percent,
             guint64  bytes_done,
             guint64  bytes_total,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpfloat (percent, >=, 0);
  g_assert_cmpfloat (percent, <=, 100);
  if (log != NULL)
    {
      g_assert_cmpfloat (percent, >=, log->last);
      log->calls++;
      log->last = percent;
    }
}

char *
bt_follow (VdiBackend     *backend,
           VdiBackendJob  *job,
           ProgressLog    *log,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_follow_async (backend, job, progress_cb, log, cancellable, result_cb, &result);
  return vdi_backend_follow_finish (backend, wait_for (&result, "follow"), error);
}

char *
bt_run (VdiBackend  *backend,
        const char  *operation,
        GVariant    *parameters,
        ProgressLog *log,
        GError     **error)
{
  g_autoptr(VdiBackendJob) job = bt_start (backend, operation, parameters, error);

  if (job == NULL)
    return NULL;
  g_assert_cmpstr (vdi_backend_job_get_kind (job), ==, "Task");
  return bt_follow (backend, job, log, NULL, error);
}

gboolean
bt_call (VdiBackend  *backend,
         const char  *operation,
         GVariant    *parameters,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_call_async (backend, operation, parameters, NULL, result_cb, &result);
  return vdi_backend_call_finish (backend, wait_for (&result, operation), error);
}

VdiVmInfo *
bt_find_vm (GPtrArray  *vms,
            const char *name)
{
  for (guint i = 0; i < vms->len; i++)
    if (g_strcmp0 (vdi_vm_info_get_name (g_ptr_array_index (vms, i)), name) == 0)
      return g_ptr_array_index (vms, i);
  return NULL;
}

VdiVmInfo *
bt_find_vm_by_id (GPtrArray  *vms,
                  const char *id)
{
  for (guint i = 0; i < vms->len; i++)
    if (g_strcmp0 (vdi_vm_info_get_id (g_ptr_array_index (vms, i)), id) == 0)
      return g_ptr_array_index (vms, i);
  return NULL;
}

VdiDatastoreInfo *
bt_find_datastore (GPtrArray  *datastores,
                   const char *name)
{
  for (guint i = 0; i < datastores->len; i++)
    if (g_strcmp0 (vdi_datastore_info_get_name (g_ptr_array_index (datastores, i)), name) == 0)
      return g_ptr_array_index (datastores, i);
  return NULL;
}

GPtrArray *
bt_find_running_jobs (VdiBackend  *backend,
                      const char  *vm_id,
                      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_find_running_jobs_async (backend, vm_id, NULL, result_cb, &result);
  return vdi_backend_find_running_jobs_finish (backend, wait_for (&result, "find running jobs"),
                                               error);
}
