/* vdi-backend.c
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

#include <string.h>

#include "vdi-backend.h"

struct _VdiBackendJob
{
  char *kind;
  char *id;
};

G_DEFINE_BOXED_TYPE (VdiBackendJob, vdi_backend_job, vdi_backend_job_copy, vdi_backend_job_free)

/**
 * vdi_backend_job_new:
 * @kind: what the id names: "Msvm_ConcreteJob", "Msvm_MigrationJob", "Task"…
 * @id: the provider's id for it (an InstanceID, a MoRef value); opaque
 */
VdiBackendJob *
vdi_backend_job_new (const char *kind,
                     const char *id)
{
  VdiBackendJob *job;

  g_return_val_if_fail (kind != NULL && *kind != '\0' && strchr (kind, ':') == NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  job = g_new0 (VdiBackendJob, 1);
  job->kind = g_strdup (kind);
  job->id = g_strdup (id);
  return job;
}

VdiBackendJob *
vdi_backend_job_copy (const VdiBackendJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return vdi_backend_job_new (job->kind, job->id);
}

void
vdi_backend_job_free (VdiBackendJob *job)
{
  if (job == NULL)
    return;

  g_free (job->kind);
  g_free (job->id);
  g_free (job);
}

const char *
vdi_backend_job_get_kind (const VdiBackendJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->kind;
}

const char *
vdi_backend_job_get_id (const VdiBackendJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return job->id;
}

/**
 * vdi_backend_job_to_string:
 *
 * Returns: (transfer full): "KIND:ID", for the farm file
 */
char *
vdi_backend_job_to_string (const VdiBackendJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);

  return g_strconcat (job->kind, ":", job->id, NULL);
}

/**
 * vdi_backend_job_new_from_string:
 *
 * Returns: (transfer full) (nullable): the job written by vdi_backend_job_to_string()
 */
VdiBackendJob *
vdi_backend_job_new_from_string (const char *text)
{
  const char *colon;
  g_autofree char *kind = NULL;

  if (text == NULL || (colon = strchr (text, ':')) == NULL || colon == text)
    return NULL;

  kind = g_strndup (text, colon - text);
  return vdi_backend_job_new (kind, colon + 1);
}

G_DEFINE_INTERFACE (VdiBackend, vdi_backend, G_TYPE_OBJECT)

/* A provider without planned VMs has none to list. */
static void
vdi_backend_real_list_planned_vms_async (VdiBackend          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_backend_real_list_planned_vms_async);
  g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                         (GDestroyNotify)g_ptr_array_unref);
}

static GPtrArray *
vdi_backend_real_list_planned_vms_finish (VdiBackend    *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A provider without live-migration settings (vCenter) says so. */
static void
vdi_backend_real_get_migration_settings_async (VdiBackend          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_backend_real_get_migration_settings_async);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "this provider has no live-migration settings");
}

static VdiMigrationSettings *
vdi_backend_real_get_migration_settings_finish (VdiBackend    *self,
                                                GAsyncResult  *result,
                                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A provider that cannot look for jobs by VM says so; the caller decides without them. */
static void
vdi_backend_real_find_running_jobs_async (VdiBackend          *self,
                                          const char          *vm_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_backend_real_find_running_jobs_async);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "this provider cannot look for the jobs of a VM");
}

static GPtrArray *
vdi_backend_real_find_running_jobs_finish (VdiBackend    *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vdi_backend_default_init (VdiBackendInterface *iface)
{
  iface->find_running_jobs_async = vdi_backend_real_find_running_jobs_async;
  iface->find_running_jobs_finish = vdi_backend_real_find_running_jobs_finish;
  iface->list_planned_vms_async = vdi_backend_real_list_planned_vms_async;
  iface->list_planned_vms_finish = vdi_backend_real_list_planned_vms_finish;
  iface->get_migration_settings_async = vdi_backend_real_get_migration_settings_async;
  iface->get_migration_settings_finish = vdi_backend_real_get_migration_settings_finish;
}

#define FORWARD_ASYNC(name)                                                         \
  void                                                                              \
  vdi_backend_##name##_async (VdiBackend          *self,                            \
                              GCancellable        *cancellable,                     \
                              GAsyncReadyCallback  callback,                        \
                              gpointer             user_data)                       \
  {                                                                                 \
    g_return_if_fail (VDI_IS_BACKEND (self));                                       \
    VDI_BACKEND_GET_IFACE (self)->name##_async (self, cancellable, callback,        \
                                                user_data);                         \
  }

#define FORWARD_FINISH(name, type, fallback)                                        \
  type                                                                              \
  vdi_backend_##name##_finish (VdiBackend    *self,                                 \
                               GAsyncResult  *result,                               \
                               GError       **error)                                \
  {                                                                                 \
    g_return_val_if_fail (VDI_IS_BACKEND (self), fallback);                         \
    return VDI_BACKEND_GET_IFACE (self)->name##_finish (self, result, error);       \
  }

FORWARD_ASYNC (probe)
FORWARD_FINISH (probe, char *, NULL)
FORWARD_ASYNC (list_vms)
FORWARD_FINISH (list_vms, GPtrArray *, NULL)
FORWARD_ASYNC (list_planned_vms)
FORWARD_FINISH (list_planned_vms, GPtrArray *, NULL)
FORWARD_ASYNC (list_datastores)
FORWARD_FINISH (list_datastores, GPtrArray *, NULL)
FORWARD_ASYNC (list_hosts)
FORWARD_FINISH (list_hosts, GPtrArray *, NULL)
FORWARD_ASYNC (get_migration_settings)
FORWARD_FINISH (get_migration_settings, VdiMigrationSettings *, NULL)
FORWARD_FINISH (find_running_jobs, GPtrArray *, NULL)
FORWARD_FINISH (start, VdiBackendJob *, NULL)
FORWARD_FINISH (follow, char *, NULL)
FORWARD_FINISH (call, gboolean, FALSE)

void
vdi_backend_start_async (VdiBackend          *self,
                         const char          *operation,
                         GVariant            *parameters,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (VDI_IS_BACKEND (self));
  g_return_if_fail (operation != NULL);

  VDI_BACKEND_GET_IFACE (self)->start_async (self, operation, parameters, cancellable,
                                             callback, user_data);
}

void
vdi_backend_follow_async (VdiBackend             *self,
                          const VdiBackendJob    *job,
                          VdiBackendProgressFunc  progress,
                          gpointer                progress_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_return_if_fail (VDI_IS_BACKEND (self));
  g_return_if_fail (job != NULL);

  VDI_BACKEND_GET_IFACE (self)->follow_async (self, job, progress, progress_data, cancellable,
                                              callback, user_data);
}

void
vdi_backend_call_async (VdiBackend          *self,
                        const char          *operation,
                        GVariant            *parameters,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VDI_IS_BACKEND (self));
  g_return_if_fail (operation != NULL);

  VDI_BACKEND_GET_IFACE (self)->call_async (self, operation, parameters, cancellable, callback,
                                            user_data);
}

/**
 * vdi_backend_find_running_jobs_async:
 * @vm_id: the VM, as the listings name it
 *
 * Looks for the provider's jobs that concern @vm_id and have not ended yet. The finish gives
 * them as a GPtrArray of VdiBackendJob, each one to follow with vdi_backend_follow_async().
 */
void
vdi_backend_find_running_jobs_async (VdiBackend          *self,
                                     const char          *vm_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (VDI_IS_BACKEND (self));
  g_return_if_fail (vm_id != NULL);

  VDI_BACKEND_GET_IFACE (self)->find_running_jobs_async (self, vm_id, cancellable, callback,
                                                         user_data);
}
