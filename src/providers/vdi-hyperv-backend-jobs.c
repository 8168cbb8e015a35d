/* vdi-hyperv-backend-jobs.c: the jobs still running on a Hyper-V host for one VM.
 *
 * A process killed between invoking a method and recording the job it returned leaves that job
 * running with nobody following it; asking again beside it fails ("in use") or makes a second
 * copy. WMI gives no query by "what the job works on" that every host is known to answer, so
 * two are asked and their answers joined (research/hyperv-wsman.md §5.6, §10):
 *
 * - `SELECT * FROM Msvm_MigrationJob WHERE VirtualSystemName = '<VM GUID>'`: the class a
 *   migration's job is (assumed from the MOF's `[out] CIM_ConcreteJob REF Job` and from
 *   CloudStack waiting on it as a MigrationJob), with the migrated VM's name; *uncertain* that
 *   the name is the GUID rather than the display name.
 * - `ASSOCIATORS OF {Msvm_ComputerSystem...Name="<VM GUID>"} WHERE AssocClass =
 *   Msvm_AffectedJobElement ResultClass = CIM_ConcreteJob` on the namespace's wildcard URI: the
 *   association Microsoft's own samples use to go from a job to its VM, walked the other way;
 *   it gives any job class (exports too) as long as the host keeps the association.
 *
 * Either may be refused by a host (a fault, CannotProcessFilter): the other's answer is then
 * enough. Only when both fail does the look-up fail.
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

#include "vdi-hyperv-backend-private.h"
#include "vdi-wsman-message.h"

typedef struct
{
  GPtrArray  *jobs;      /* VdiBackendJob */
  GHashTable *seen;      /* InstanceIDs in lower case */
  GError     *error;     /* the first query's failure */
  guint       n_pending;
  guint       n_answered;
} FindData;

static void
find_data_free (FindData *data)
{
  g_ptr_array_unref (data->jobs);
  g_hash_table_unref (data->seen);
  g_clear_error (&data->error);
  g_free (data);
}

/* CIM_ConcreteJob.JobState: New, Starting, Running, Suspended and Shutting Down have not ended. */
static gboolean
job_is_running (const VdiWsmanInstance *instance)
{
  guint64 state = 0;

  if (!vdi_wsman_instance_get_uint (instance, "JobState", &state))
    return FALSE;
  return state >= VDI_WSMAN_JOB_NEW && state <= VDI_WSMAN_JOB_SHUTTING_DOWN;
}

static void
add_running (FindData  *data,
             GPtrArray *instances)
{
  for (guint i = 0; i < instances->len; i++)
    {
      VdiWsmanInstance *instance = g_ptr_array_index (instances, i);
      const char *id = vdi_wsman_instance_get (instance, "InstanceID");
      /* The element WinRM writes is the instance's own class, which a Get of the job needs. */
      const char *kind = instance->class_name != NULL &&
                         g_str_has_suffix (instance->class_name, "Job")
                         ? instance->class_name : "Msvm_ConcreteJob";
      g_autofree char *key = NULL;

      if (id == NULL || *id == '\0' || strchr (kind, ':') != NULL || !job_is_running (instance))
        continue;
      key = g_ascii_strdown (id, -1);
      if (g_hash_table_contains (data->seen, key))
        continue;
      g_hash_table_add (data->seen, g_steal_pointer (&key));
      g_ptr_array_add (data->jobs, vdi_backend_job_new (kind, id));
    }
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;

  instances = _vdi_hyperv_backend_enumerate_finish (VDI_HYPERV_BACKEND (object), result, &error);
  if (instances != NULL)
    {
      data->n_answered++;
      add_running (data, instances);
    }
  else if (data->error == NULL)
    data->error = g_steal_pointer (&error);

  if (--data->n_pending > 0)
    return;

  if (data->n_answered == 0)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->jobs), (GDestroyNotify)g_ptr_array_unref);
}

/* A VM's Name is a GUID: one written into an object path must be nothing else. */
static gboolean
is_guid (const char *text)
{
  if (strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

      if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

void
_vdi_hyperv_backend_find_running_jobs_async (VdiBackend          *backend,
                                             const char          *vm_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FindData *data = g_new0 (FindData, 1);
  g_autofree char *quoted = vdi_wsman_wql_quote (vm_id);
  g_autofree char *migrations = g_strconcat ("SELECT * FROM Msvm_MigrationJob "
                                             "WHERE VirtualSystemName = ", quoted, NULL);

  g_task_set_source_tag (task, _vdi_hyperv_backend_find_running_jobs_async);
  data->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_backend_job_free);
  data->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify)find_data_free);

  /* The answers come in later main-loop turns (GTask never calls back at once): both queries
   * are counted before either can end the look-up. */
  data->n_pending = is_guid (vm_id) ? 2 : 1;
  _vdi_hyperv_backend_enumerate_async (self, "Msvm_MigrationJob", migrations, cancellable,
                                       query_cb, g_object_ref (task));
  if (is_guid (vm_id))
    {
      g_autofree char *affecting =
        g_strdup_printf ("ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName="
                         "\"Msvm_ComputerSystem\",Name=\"%s\"} WHERE AssocClass = "
                         "Msvm_AffectedJobElement ResultClass = CIM_ConcreteJob", vm_id);

      _vdi_hyperv_backend_enumerate_async (self, "*", affecting, cancellable, query_cb,
                                           g_object_ref (task));
    }
  g_object_unref (task);
}

GPtrArray *
_vdi_hyperv_backend_find_running_jobs_finish (VdiBackend    *backend,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
