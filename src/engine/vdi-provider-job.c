/* vdi-provider-job.c
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

#include "vdi-provider-job.h"

typedef struct
{
  VdiProviderJobRecordFunc record;
  VdiBackendProgressFunc   progress;
  gpointer                 data;
  gboolean                 started;
} JobRun;

static void
followed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *made = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, made, g_free);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  JobRun *run = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(VdiBackendJob) job = vdi_backend_start_finish (VDI_BACKEND (object), result, &error);

  if (job == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  run->started = TRUE;
  if (run->record != NULL)
    {
      g_autofree char *handle = vdi_backend_job_to_string (job);

      run->record (handle, run->data);
    }
  vdi_backend_follow_async (VDI_BACKEND (object), job, run->progress, run->data,
                            g_task_get_cancellable (task), followed_cb, task);
}

void
vdi_provider_job_run_async (VdiBackend              *backend,
                            const char              *operation,
                            GVariant                *parameters,
                            VdiProviderJobRecordFunc record,
                            VdiBackendProgressFunc   progress,
                            gpointer                 data,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  GTask *task;
  JobRun *run;

  g_return_if_fail (VDI_IS_BACKEND (backend));
  g_return_if_fail (operation != NULL);

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_provider_job_run_async);
  /* A cancel reaches the provider through the backend's calls, which say so themselves. */
  g_task_set_check_cancellable (task, FALSE);
  run = g_new0 (JobRun, 1);
  run->record = record;
  run->progress = progress;
  run->data = data;
  g_task_set_task_data (task, run, g_free);
  vdi_backend_start_async (backend, operation, parameters, cancellable, started_cb, task);
}

/**
 * vdi_provider_job_run_finish:
 * @started: (out) (optional): set to whether the provider accepted the job
 *
 * Returns: (transfer full) (nullable): what the job made, if anything; NULL with @error set
 *   when it could not be started or followed to a good end
 */
char *
vdi_provider_job_run_finish (VdiBackend    *backend,
                             GAsyncResult  *result,
                             gboolean      *started,
                             GError       **error)
{
  JobRun *run;

  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  run = g_task_get_task_data (G_TASK (result));
  if (started != NULL)
    *started = run->started;
  return g_task_propagate_pointer (G_TASK (result), error);
}
