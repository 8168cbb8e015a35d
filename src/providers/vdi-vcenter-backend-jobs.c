/* vdi-vcenter-backend-jobs.c: the tasks still queued or running on a vCenter for one VM.
 *
 * A process killed between starting a task and recording it leaves the task running with
 * nobody following it. vim25 offers two lists of tasks: ManagedEntity.recentTask on the VM,
 * and TaskManager.recentTask (the tasks that completed recently, run or wait to run) of the
 * whole vCenter. vcsim keeps only the latter, and a real vCenter keeps both, so the latter is
 * read, and each task's info.entity tells whether it concerns the VM.
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

#include "vdi-vcenter-backend-private.h"
#include "vdi-vim-message.h"

static const char * const recent_paths[] = { "recentTask", NULL };
static const char * const task_paths[] = { "info.state", "info.entity", NULL };

/* Reads the objects of a RetrievePropertiesEx answer, or fails @task. */
static GPtrArray *
objects_of (GTask        *task,
            GAsyncResult *result,
            CallReply   **reply)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  *reply = _vdi_vcenter_call_finish (self, result, NULL, &error);
  if (*reply == NULL ||
      !vdi_vim_parse_retrieve_result (vdi_vim_returnval ((*reply)->response), objects, &token,
                                      &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  return g_steal_pointer (&objects);
}

static void
states_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *vm_id = g_task_get_task_data (task);
  g_autoptr(CallReply) reply = NULL;
  g_autoptr(GPtrArray) objects = objects_of (task, result, &reply);
  GPtrArray *running;

  if (objects == NULL)
    return;

  running = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_backend_job_free);
  for (guint i = 0; i < objects->len; i++)
    {
      VdiVimObject *task_object = g_ptr_array_index (objects, i);
      g_autofree char *state = vdi_vim_object_dup_string (task_object, "info.state");
      g_autoptr(VdiVimMoRef) entity = vdi_vim_object_dup_moref (task_object, "info.entity");

      if (g_strcmp0 (state, "queued") != 0 && g_strcmp0 (state, "running") != 0)
        continue;
      if (entity == NULL || g_strcmp0 (entity->type, "VirtualMachine") != 0 ||
          g_strcmp0 (entity->value, vm_id) != 0)
        continue;
      g_ptr_array_add (running, vdi_backend_job_new (task_object->obj->type,
                                                     task_object->obj->value));
    }
  g_task_return_pointer (task, running, (GDestroyNotify)g_ptr_array_unref);
}

static void
recent_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = g_task_get_source_object (task);
  g_autoptr(CallReply) reply = NULL;
  g_autoptr(GPtrArray) objects = objects_of (task, result, &reply);
  g_autoptr(GPtrArray) tasks = NULL;
  GCancellable *cancellable;
  VdiVimCall *call;

  if (objects == NULL)
    return;

  tasks = vdi_vim_object_dup_morefs (objects->len > 0 ? g_ptr_array_index (objects, 0) : NULL,
                                     "recentTask");
  if (tasks->len == 0)
    {
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_backend_job_free),
                             (GDestroyNotify)g_ptr_array_unref);
      return;
    }

  /* One call for the state and the object of every task. */
  call = vdi_vim_call_new ("RetrievePropertiesEx", self->property_collector);
  vdi_vim_call_open (call, "specSet", NULL);
  vdi_vim_call_open (call, "propSet", NULL);
  vdi_vim_call_add_text (call, "type", "Task");
  vdi_vim_call_add_bool (call, "all", FALSE);
  for (guint i = 0; task_paths[i] != NULL; i++)
    vdi_vim_call_add_text (call, "pathSet", task_paths[i]);
  vdi_vim_call_close (call, "propSet");
  for (guint i = 0; i < tasks->len; i++)
    {
      vdi_vim_call_open (call, "objectSet", NULL);
      vdi_vim_call_add_moref (call, "obj", g_ptr_array_index (tasks, i));
      vdi_vim_call_close (call, "objectSet");
    }
  vdi_vim_call_close (call, "specSet");
  vdi_vim_call_open (call, "options", NULL);
  vdi_vim_call_close (call, "options");
  cancellable = g_task_get_cancellable (task);
  _vdi_vcenter_call_async (self, "RetrievePropertiesEx", vdi_vim_call_free_to_envelope (call),
                           CALL_SESSION, cancellable, states_cb, g_steal_pointer (&task));
}

static void
session_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!_vdi_vcenter_ensure_session_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->task_manager == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "this vCenter has no task manager");
      return;
    }

  cancellable = g_task_get_cancellable (task);
  _vdi_vcenter_call_async (self, "RetrievePropertiesEx",
                           vdi_vim_build_retrieve_object (self->property_collector,
                                                          self->task_manager, recent_paths),
                           CALL_SESSION, cancellable, recent_cb, g_steal_pointer (&task));
}

void
vdi_vcenter_backend_find_running_jobs_async (VdiBackend          *backend,
                                             const char          *vm_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_find_running_jobs_async);
  g_task_set_task_data (task, g_strdup (vm_id), g_free);
  /* The property collector and the task manager are known once logged in. */
  _vdi_vcenter_ensure_session_async (self, FALSE, 0, cancellable, session_cb, task);
}

GPtrArray *
vdi_vcenter_backend_find_running_jobs_finish (VdiBackend    *backend,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
