/* vdi-vcenter-backend-follow.c
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

#include <glib/gi18n-lib.h>

#include "vdi-vcenter-backend-private.h"
#include "vdi-vim-message.h"

static const char * const task_paths[] = {
  "info.state", "info.progress", "info.error", "info.result", NULL
};

/* Following a task ------------------------------------------------------------------------------- */

typedef enum
{
  FOLLOW_RETRIEVE,           /* RetrievePropertiesEx of the task: first look, and polling */
  FOLLOW_CREATE_COLLECTOR,
  FOLLOW_CREATE_FILTER,
  FOLLOW_WAIT,               /* WaitForUpdatesEx */
} FollowStage;

typedef struct
{
  FollowStage             stage;
  VdiVimMoRef            *task;
  VdiVimTaskInfo         *info;
  VdiBackendProgressFunc  progress;
  gpointer                progress_data;
  int                     reported;
  VdiVimMoRef            *collector;
  guint                   collector_generation;
  char                   *version;
  gboolean                polling;
  gboolean                looked;
  gboolean                recreated;
  gint64                  last_status;
  GSource                *sleep;
} FollowData;

static void
follow_data_free (FollowData *data)
{
  if (data->sleep != NULL)
    {
      g_source_destroy (data->sleep);
      g_source_unref (data->sleep);
    }
  g_clear_pointer (&data->task, vdi_vim_moref_free);
  g_clear_pointer (&data->info, vdi_vim_task_info_free);
  g_clear_pointer (&data->collector, vdi_vim_moref_free);
  g_free (data->version);
  g_free (data);
}

static void follow_next (GTask *task);

static void
follow_drop_collector (VdiVcenterBackend *self,
                       FollowData        *data)
{
  if (data->collector != NULL)
    _vdi_vcenter_call_and_forget (self, "DestroyPropertyCollector", data->collector, NULL, NULL);
  g_clear_pointer (&data->collector, vdi_vim_moref_free);
}

/* Takes @task's reference. */
static void
follow_return_error (GTask  *task,
                     GError *error)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);

  follow_drop_collector (self, data);
  if (_vdi_vcenter_is_cancelled (task, error))
    {
      /* The caller gave up on the task, so ask the vCenter to give up on it too. */
      _vdi_vcenter_call_and_forget (self, "CancelTask", data->task, NULL, NULL);
      g_clear_error (&error);
      error = g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CANCELLED,
                                   _("Cancelled"));
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
follow_report (FollowData *data)
{
  int percent = data->info->progress;

  if (data->info->state == VDI_VIM_TASK_SUCCESS)
    percent = 100;
  if (percent < 0 || percent <= data->reported)
    return;

  data->reported = percent;
  if (data->progress != NULL)
    data->progress (percent, 0, 0, data->progress_data);
}

/* Reports progress; finishes the task (taking its reference) and returns TRUE once it ended. */
static gboolean
follow_check_done (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);
  VdiVimTaskInfo *info = data->info;

  follow_report (data);

  if (info->state == VDI_VIM_TASK_SUCCESS)
    {
      follow_drop_collector (self, data);
      g_task_return_pointer (task, info->result != NULL ? g_strdup (info->result->value) : NULL,
                             g_free);
      g_object_unref (task);
      return TRUE;
    }

  if (info->state == VDI_VIM_TASK_ERROR)
    {
      GError *error;

      if (info->error_type != NULL && g_strcmp0 (info->error_type, info->error_message) != 0)
        /* Translators: the vCenter's message, then its fault type, e.g. "NoDiskSpace". */
        error = g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT, _("%s (%s)"),
                             info->error_message != NULL ? info->error_message : "",
                             info->error_type);
      else
        error = g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                                     info->error_message != NULL ? info->error_message
                                                                 : _("The task failed"));
      if (g_strcmp0 (info->error_type, "RequestCanceled") == 0)
        error->code = VDI_BACKEND_ERROR_CANCELLED;
      follow_drop_collector (self, data);
      g_task_return_error (task, error);
      g_object_unref (task);
      return TRUE;
    }

  return FALSE;
}

static gboolean
follow_wake_cb (gpointer user_data)
{
  GTask *task = user_data;
  FollowData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->sleep, g_source_unref);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    follow_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "Cancelled"));
  else
    follow_next (task);
  return G_SOURCE_REMOVE;
}

/* Sends the next status request no sooner than a second after the last one; the wait ends
 * early when the caller cancels. Takes @task's reference. */
static void
follow_schedule (GTask *task)
{
  FollowData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 delay = data->last_status + STATUS_INTERVAL_US - g_get_monotonic_time ();

  if (delay <= 0)
    {
      follow_next (task);
      return;
    }

  data->sleep = g_timeout_source_new ((guint)(delay / 1000) + 1);
  if (cancellable != NULL)
    {
      GSource *cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (data->sleep, cancelled);
      g_source_unref (cancelled);
    }
  g_source_set_callback (data->sleep, follow_wake_cb, task, NULL);
  g_source_attach (data->sleep, g_task_get_context (task));
}

static void follow_call_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
follow_send (GTask       *task,
             FollowStage  stage,
             const char  *method,
             char        *body)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);

  data->stage = stage;
  if (stage == FOLLOW_RETRIEVE || stage == FOLLOW_WAIT)
    data->last_status = g_get_monotonic_time ();
  _vdi_vcenter_call_async (self, method, body, CALL_SESSION, g_task_get_cancellable (task),
                           follow_call_cb, task);
}

static void
follow_add_filter_spec (VdiVimCall        *call,
                        const VdiVimMoRef *task)
{
  vdi_vim_call_open (call, "spec", NULL);
  vdi_vim_call_open (call, "propSet", NULL);
  vdi_vim_call_add_text (call, "type", task->type);
  vdi_vim_call_add_bool (call, "all", FALSE);
  for (guint i = 0; task_paths[i] != NULL; i++)
    vdi_vim_call_add_text (call, "pathSet", task_paths[i]);
  vdi_vim_call_close (call, "propSet");
  vdi_vim_call_open (call, "objectSet", NULL);
  vdi_vim_call_add_moref (call, "obj", task);
  vdi_vim_call_close (call, "objectSet");
  vdi_vim_call_close (call, "spec");
  vdi_vim_call_add_bool (call, "partialUpdates", FALSE);
}

/* Takes @task's reference. */
static void
follow_next (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);
  VdiVimCall *call;

  if (data->polling)
    {
      follow_send (task, FOLLOW_RETRIEVE, "RetrievePropertiesEx",
                   vdi_vim_build_retrieve_object (self->property_collector, data->task,
                                                  task_paths));
    }
  else if (data->collector == NULL)
    {
      /* A collector of our own: its filter and versions concern this task alone. */
      data->collector_generation = self->generation;
      g_clear_pointer (&data->version, g_free);
      call = vdi_vim_call_new ("CreatePropertyCollector", self->property_collector);
      follow_send (task, FOLLOW_CREATE_COLLECTOR, "CreatePropertyCollector",
                   vdi_vim_call_free_to_envelope (call));
    }
  else
    {
      call = vdi_vim_call_new ("WaitForUpdatesEx", data->collector);
      vdi_vim_call_add_text (call, "version", data->version != NULL ? data->version : "");
      vdi_vim_call_open (call, "options", NULL);
      vdi_vim_call_add_int (call, "maxWaitSeconds", _vdi_vcenter_max_wait_seconds (self));
      vdi_vim_call_close (call, "options");
      follow_send (task, FOLLOW_WAIT, "WaitForUpdatesEx", vdi_vim_call_free_to_envelope (call));
    }
}

/* Whether the vCenter lacks a method, as against failing it. */
static gboolean
is_missing_method (const char *fault_type)
{
  static const char * const types[] = {
    "MethodNotFound", "InvalidRequest", "NotImplemented", "NotSupported", NULL
  };

  return fault_type != NULL && g_strv_contains (types, fault_type);
}

static void
follow_call_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  FollowData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *fault_type = NULL;
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, &fault_type, &error);

  if (reply == NULL)
    {
      if (_vdi_vcenter_is_cancelled (task, error))
        {
          follow_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->stage != FOLLOW_RETRIEVE && is_missing_method (fault_type))
        {
          g_debug ("no WaitForUpdatesEx (%s): polling task %s", fault_type, data->task->value);
          data->polling = TRUE;
          follow_drop_collector (self, data);
          follow_schedule (task);
          return;
        }
      if (data->stage != FOLLOW_RETRIEVE && !data->recreated &&
               data->collector_generation != self->generation)
        {
          /* A new session does not know the old one's collector. */
          data->recreated = TRUE;
          g_clear_pointer (&data->collector, vdi_vim_moref_free);
          follow_schedule (task);
          return;
        }
      follow_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->stage)
    {
    case FOLLOW_RETRIEVE:
      {
        g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
        VdiVimObject *found = _vdi_vcenter_op_take_object (reply, objects, &error);

        if (found == NULL)
          {
            follow_return_error (task, g_steal_pointer (&error));
            return;
          }
        for (guint i = 0; task_paths[i] != NULL; i++)
          {
            if (!vdi_vim_task_info_update (data->info, task_paths[i],
                                           g_hash_table_lookup (found->props, task_paths[i]),
                                           &error))
              {
                follow_return_error (task, g_steal_pointer (&error));
                return;
              }
          }
        if (follow_check_done (task))
          return;
        if (!data->looked)
          {
            data->looked = TRUE;
            data->polling = FALSE;
          }
        follow_schedule (task);
        return;
      }

    case FOLLOW_CREATE_COLLECTOR:
      {
        VdiVimCall *call;

        data->collector = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));
        if (data->collector == NULL)
          {
            follow_return_error (task, g_error_new_literal (VDI_BACKEND_ERROR,
                                                            VDI_BACKEND_ERROR_PROTOCOL,
                                                            _("The vCenter created a property "
                                                              "collector without a reference")));
            return;
          }
        call = vdi_vim_call_new ("CreateFilter", data->collector);
        follow_add_filter_spec (call, data->task);
        follow_send (task, FOLLOW_CREATE_FILTER, "CreateFilter",
                     vdi_vim_call_free_to_envelope (call));
        return;
      }

    case FOLLOW_CREATE_FILTER:
      /* The filter lives and dies with the collector. */
      follow_schedule (task);
      return;

    case FOLLOW_WAIT:
      if (!vdi_vim_parse_task_updates (vdi_vim_returnval (reply->response), data->task,
                                       data->info, &data->version, &error))
        {
          follow_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!follow_check_done (task))
        follow_schedule (task);
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
follow_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_vdi_vcenter_ensure_session_finish (VDI_VCENTER_BACKEND (object), result, &error))
    follow_return_error (task, g_steal_pointer (&error));
  else
    follow_next (task);
}

void
vdi_vcenter_backend_follow_async (VdiBackend             *backend,
                                  const VdiBackendJob    *job,
                                  VdiBackendProgressFunc  progress,
                                  gpointer                progress_data,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FollowData *data;

  g_task_set_source_tag (task, vdi_vcenter_backend_follow_async);

  if (g_strcmp0 (vdi_backend_job_get_kind (job), "Task") != 0 ||
      vdi_backend_job_get_id (job) == NULL || *vdi_backend_job_get_id (job) == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("A vCenter cannot follow a job of kind “%s”"),
                               vdi_backend_job_get_kind (job));
      g_object_unref (task);
      return;
    }

  data = g_new0 (FollowData, 1);
  data->task = vdi_vim_moref_new ("Task", vdi_backend_job_get_id (job));
  data->info = g_new0 (VdiVimTaskInfo, 1);
  data->info->state = VDI_VIM_TASK_QUEUED;
  data->info->progress = -1;
  data->progress = progress;
  data->progress_data = progress_data;
  data->reported = -1;
  g_task_set_task_data (task, data, (GDestroyNotify)follow_data_free);

  /* A first look by RetrievePropertiesEx: an unknown task is NOT_FOUND at once, and a task that
   * already ended needs no collector. Then long-polling, or polling where there is none. */
  data->polling = TRUE;
  _vdi_vcenter_ensure_session_async (self, FALSE, 0, cancellable, follow_session_cb, task);
}

char *
vdi_vcenter_backend_follow_finish (VdiBackend    *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
