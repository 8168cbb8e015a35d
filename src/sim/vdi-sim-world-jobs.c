/* vdi-sim-world-jobs.c
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

#include "vdi-sim-world-private.h"

static void job_finish (VdiSimWorld *self, VdiSimJob *job);

/* Jobs ------------------------------------------------------------------------------------ */

VdiSimJob *
_vdi_sim_world_job_new (VdiSimWorld    *self,
                        VdiSimProvider *provider,
                        VdiSimJobKind   kind)
{
  VdiSimJob *job = g_new0 (VdiSimJob, 1);

  job->kind = kind;
  job->provider = provider;
  job->state = VDI_SIM_JOB_QUEUED;
  job->queue_time = vdi_sim_world_now (self);
  job->fail_at = -1.0;

  if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
    {
      job->id = vdi_sim_new_guid ();
      job->job_class = g_strdup (kind == VDI_SIM_JOB_MIGRATE ? "Msvm_MigrationJob" : "Msvm_ConcreteJob");
    }
  else
    {
      job->id = g_strdup_printf ("task-%u", self->next_task++);
      job->job_class = g_strdup ("Task");
    }

  g_ptr_array_add (self->jobs, job);
  g_hash_table_insert (self->jobs_by_id, job->id, job);

  return job;
}

static void
account_bytes (VdiSimWorld *self,
               VdiSimJob   *job,
               double       done)
{
  double delta = done - job->done_bytes;

  if (delta <= 0)
    return;

  job->done_bytes = done;
  job->provider->bytes_moved += delta;
  self->bytes_moved += delta;
}

static void
release_counters (VdiSimJob *job)
{
  VdiSimProvider *provider = job->provider;

  if (job->counted_export)
    {
      provider->cur_exports--;
      job->counted_export = FALSE;
    }
  if (job->counted_migration)
    {
      provider->cur_migrations--;
      provider->cur_migrations_out--;
      if (job->dest != NULL)
        {
          job->dest->cur_migrations--;
          job->dest->cur_migrations_in--;
        }
      job->counted_migration = FALSE;
    }
  if (job->counted_clone)
    {
      provider->cur_clones--;
      if (job->dest_ds != NULL)
        job->dest_ds->cur_clones--;
      job->counted_clone = FALSE;
    }
}

static void
release_vm (VdiSimJob *job)
{
  VdiSimVm *vm = vdi_sim_provider_find_vm (job->provider, job->vm_id);

  if (vm != NULL && vm->busy > 0 && job->holds_vm)
    vm->busy--;
  job->holds_vm = FALSE;
}

void
_vdi_sim_world_job_fail (VdiSimWorld *self,
                         VdiSimJob   *job,
                         guint        code,
                         const char  *description,
                         const char  *fault_type,
                         const char  *fault_fields)
{
  if (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
    return;

  if (job->flow != NULL)
    {
      account_bytes (self, job, job->flow->done);
      vdi_sim_network_remove_flow (self->network, job->flow);
      job->flow = NULL;
    }

  if (job->reserved_bytes > 0 && job->dest_ds != NULL)
    {
      job->dest_ds->free = MIN (job->dest_ds->free + job->reserved_bytes, job->dest_ds->capacity);
      job->reserved_bytes = 0;
    }
  if (job->reserved_bytes > 0 && job->kind == VDI_SIM_JOB_MIGRATE && job->dest != NULL)
    {
      job->dest->disk_reserved -= (double) job->reserved_bytes;
      job->reserved_bytes = 0;
    }
  if (job->reserved_bytes > 0 && job->kind == VDI_SIM_JOB_EXPORT)
    {
      job->provider->disk_reserved -= (double) job->reserved_bytes;
      job->reserved_bytes = 0;
    }

  release_counters (job);
  release_vm (job);

  if (job->state == VDI_SIM_JOB_QUEUED)
    job->start_time = vdi_sim_world_now (self);
  job->state = VDI_SIM_JOB_FAILED;
  job->end_time = vdi_sim_world_now (self);
  job->end_real_us = g_get_monotonic_time ();
  job->error_code = code;
  g_free (job->error_description);
  job->error_description = g_strdup (description);
  g_free (job->fault_type);
  job->fault_type = g_strdup (fault_type != NULL ? fault_type : "SystemError");
  g_free (job->fault_fields);
  job->fault_fields = g_strdup (fault_fields != NULL ? fault_fields : "");
}

static void
flow_done_cb (VdiSimFlow *flow,
              double      elapsed,
              gpointer    user_data)
{
  VdiSimWorld *self = user_data;
  VdiSimJob *job = flow->user_data;

  account_bytes (self, job, flow->total);
  job->flow = NULL;
  /* The copy ended inside the tick; record when exactly, not when the tick ran. */
  self->completion_time = self->advance_base + elapsed;
  /* A fault injected for this job fails it even when the whole copy fits in one tick. */
  if (job->fail_at >= 0)
    {
      job->percent = (guint) (job->fail_at * 100);
      _vdi_sim_world_job_fail (self, job, job->inject_code, job->inject_message, job->inject_fault,
                               job->provider->kind == VDI_SIM_PROVIDER_VCENTER ? "" : NULL);
    }
  else
    job_finish (self, job);
  self->completion_time = -1;
}

static void
job_start_flow (VdiSimWorld *self,
                VdiSimJob   *job,
                double       bytes,
                VdiSimLink  *a,
                VdiSimLink  *b)
{
  job->total_bytes = bytes;
  job->flow = vdi_sim_network_add_flow (self->network, bytes, job, a, b, NULL);
}

static void
bump_peak (guint *cur,
           guint *peak)
{
  (*cur)++;
  *peak = MAX (*peak, *cur);
}

static char *
escape (const char *text)
{
  return g_markup_escape_text (text != NULL ? text : "", -1);
}

void
_vdi_sim_world_job_begin (VdiSimWorld *self,
                          VdiSimJob   *job)
{
  VdiSimProvider *provider = job->provider;
  VdiSimVm *vm = vdi_sim_provider_find_vm (provider, job->vm_id);

  job->state = VDI_SIM_JOB_RUNNING;
  job->start_time = vdi_sim_world_now (self);

  switch (job->kind)
    {
    case VDI_SIM_JOB_EXPORT:
      bump_peak (&provider->cur_exports, &provider->peak_exports);
      job->counted_export = TRUE;
      job_start_flow (self, job, job->copy_storage ? (double) vm->disk_bytes + CONFIG_BYTES : CONFIG_BYTES,
                      provider->export_link, NULL);
      break;

    case VDI_SIM_JOB_MIGRATE:
      {
        double bytes = CONFIG_BYTES;

        if (job->migration_type != VDI_SIM_MIGRATION_STAGED)
          bytes += vm->power == VDI_SIM_POWER_ON ? MIGRATION_MEMORY : 0;
        if (vdi_sim_migration_moves_storage (job->migration_type))
          bytes += (double) vm->disk_bytes;

        bump_peak (&provider->cur_migrations, &provider->peak_migrations);
        bump_peak (&provider->cur_migrations_out, &provider->peak_migrations_out);
        bump_peak (&job->dest->cur_migrations, &job->dest->peak_migrations);
        bump_peak (&job->dest->cur_migrations_in, &job->dest->peak_migrations_in);
        job->counted_migration = TRUE;
        job_start_flow (self, job, bytes, provider->up_link, job->dest->down_link);
      }
      break;

    case VDI_SIM_TASK_CLONE:
      {
        VdiSimDatastore *ds;
        double bytes;

        if (vm == NULL)
          {
            g_autofree char *fields = g_strdup_printf ("<obj type=\"VirtualMachine\">%s</obj>", job->vm_id);

            _vdi_sim_world_job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                                     "ManagedObjectNotFound", fields);
            return;
          }
        if (vm->is_template && !job->pool_given)
          {
            _vdi_sim_world_job_fail (self, job, 0, "A specified parameter was not correct: spec.location.pool",
                                     "InvalidArgument", "<invalidProperty>spec.location.pool</invalidProperty>");
            return;
          }

        ds = job->dest_ds != NULL ? job->dest_ds : vm->datastore;
        job->dest_ds = ds;
        job->src_ds = vm->datastore;

        if (vdi_sim_provider_find_vm_by_name (provider, job->new_name) != NULL)
          {
            g_autofree char *name = escape (job->new_name);
            g_autofree char *fields = g_strdup_printf ("<name>%s</name><object type=\"Folder\">%s</object>",
                                                       name, provider->vm_folder_moid);
            g_autofree char *message = g_strdup_printf ("The name '%s' already exists.", job->new_name);

            _vdi_sim_world_job_fail (self, job, 0, message, "DuplicateName", fields);
            return;
          }

        if (ds == NULL || !ds->accessible)
          {
            g_autofree char *name = escape (ds != NULL ? ds->name : "");
            g_autofree char *fields = g_strdup_printf ("<datastore type=\"Datastore\">%s</datastore><name>%s</name>",
                                                       ds != NULL ? ds->moid : "", name);
            g_autofree char *message = g_strdup_printf ("The datastore '%s' is not accessible.",
                                                        ds != NULL ? ds->name : "");

            _vdi_sim_world_job_fail (self, job, 0, message, "InvalidDatastore", fields);
            return;
          }

        bytes = job->linked ? LINKED_CLONE_BYTES : (double) vm->disk_bytes;
        if ((double) ds->free < bytes)
          {
            g_autofree char *name = escape (ds->name);
            g_autofree char *vm_name = escape (job->new_name);
            g_autofree char *fields = g_strdup_printf ("<file>[%s] %s/%s.vmdk</file><datastore>%s</datastore>",
                                                       name, vm_name, vm_name, name);
            g_autofree char *message = g_strdup_printf ("There is not enough space on the file system for the selected operation (datastore '%s').",
                                                        ds->name);

            _vdi_sim_world_job_fail (self, job, 0, message, "NoDiskSpace", fields);
            return;
          }

        ds->free -= (guint64) bytes;
        job->reserved_bytes = (guint64) bytes;
        bump_peak (&provider->cur_clones, &provider->peak_clones);
        bump_peak (&ds->cur_clones, &ds->peak_clones);
        job->counted_clone = TRUE;
        vm->busy++;
        job->holds_vm = TRUE;
        job_start_flow (self, job, bytes, vm->datastore != NULL ? vm->datastore->read_link : NULL,
                        ds->write_link);
      }
      break;

    case VDI_SIM_TASK_POWER_ON:
    case VDI_SIM_TASK_POWER_OFF:
      {
        gboolean on = job->kind == VDI_SIM_TASK_POWER_ON;

        if (vm == NULL)
          {
            _vdi_sim_world_job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                                     "ManagedObjectNotFound", "");
            return;
          }
        if ((on && vm->power == VDI_SIM_POWER_ON) || (!on && vm->power == VDI_SIM_POWER_OFF))
          {
            g_autofree char *fields = g_strdup_printf ("<requestedState>%s</requestedState><existingState>%s</existingState>",
                                                       on ? "poweredOn" : "poweredOff",
                                                       vm->power == VDI_SIM_POWER_ON ? "poweredOn" : "poweredOff");

            _vdi_sim_world_job_fail (self, job, 0, "The attempted operation cannot be performed in the current state.",
                                     "InvalidPowerState", fields);
            return;
          }
        job->duration = POWER_SECONDS;
      }
      break;

    case VDI_SIM_TASK_DESTROY:
      if (vm == NULL)
        {
          _vdi_sim_world_job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                                   "ManagedObjectNotFound", "");
          return;
        }
      if (vm->power == VDI_SIM_POWER_ON)
        {
          _vdi_sim_world_job_fail (self, job, 0, "The attempted operation cannot be performed in the current state (Powered on).",
                                   "InvalidPowerState",
                                   "<requestedState>poweredOff</requestedState><existingState>poweredOn</existingState>");
          return;
        }
      job->duration = DESTROY_SECONDS;
      break;

    case VDI_SIM_JOB_IMPORT:
    case VDI_SIM_JOB_REALIZE:
    case VDI_SIM_JOB_DESTROY:
    case VDI_SIM_JOB_STATE_CHANGE:
    default:
      break;
    }
}

static void
job_complete (VdiSimWorld *self,
              VdiSimJob   *job)
{
  release_counters (job);
  job->reserved_bytes = 0;
  job->state = VDI_SIM_JOB_COMPLETED;
  job->percent = 100;
  job->end_time = self->completion_time >= 0 ? self->completion_time : vdi_sim_world_now (self);
  job->end_real_us = g_get_monotonic_time ();
}

VdiSimExport *
_vdi_sim_world_find_export (VdiSimProvider *host,
                            const char     *path)
{
  for (guint i = 0; path != NULL && i < host->exports->len; i++)
    {
      VdiSimExport *export = g_ptr_array_index (host->exports, i);

      if (g_ascii_strcasecmp (export->definition_file, path) == 0
          || g_ascii_strcasecmp (export->directory, path) == 0)
        return export;
    }

  return NULL;
}

static void
job_finish (VdiSimWorld *self,
            VdiSimJob   *job)
{
  VdiSimProvider *provider = job->provider;
  VdiSimVm *vm = vdi_sim_provider_find_vm (provider, job->vm_id);

  if (job->state != VDI_SIM_JOB_RUNNING)
    return;

  switch (job->kind)
    {
    case VDI_SIM_JOB_EXPORT:
      {
        VdiSimExport *export = g_new0 (VdiSimExport, 1);

        release_vm (job);
        export->directory = g_strdup (job->path);
        export->definition_file = g_strdup_printf ("%s\\Virtual Machines\\%s.vmcx", job->path, job->vm_id);
        export->vm_name = g_strdup (job->vm_name);
        export->vm_id = g_strdup (job->vm_id);
        export->disk_bytes = vm != NULL ? vm->disk_bytes : 0;
        g_ptr_array_add (provider->exports, export);
        /* The export's files are written: what was promised to them is now taken. */
        if (job->reserved_bytes > 0)
          {
            provider->disk_reserved -= (double) job->reserved_bytes;
            provider->disk_free -= (double) job->reserved_bytes;
            job->reserved_bytes = 0;
          }
        job->result_id = g_strdup (job->vm_id);
        job->result_class = g_strdup ("Msvm_ComputerSystem");
      }
      break;

    case VDI_SIM_JOB_IMPORT:
      {
        VdiSimExport *export = _vdi_sim_world_find_export (provider, job->path);
        g_autofree char *id = NULL;
        VdiSimVm *planned;

        if (export == NULL)
          {
            _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED,
                                     "Failed to import the virtual machine: the system cannot find the file specified. (0x80070002)",
                                     NULL, NULL);
            return;
          }
        id = job->generate_new_id ? vdi_sim_new_guid () : g_strdup (export->vm_id);
        if (vdi_sim_provider_find_vm (provider, id) != NULL)
          {
            _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED,
                                     "Failed to import the virtual machine: a virtual machine with the same identifier already exists.",
                                     NULL, NULL);
            return;
          }
        planned = vdi_sim_vm_new (id, export->vm_name, export->disk_bytes, VDI_SIM_POWER_OFF);
        planned->planned = TRUE;
        g_ptr_array_add (provider->vms, planned);
        job->result_id = g_strdup (id);
        job->result_class = g_strdup ("Msvm_PlannedComputerSystem");
      }
      break;

    case VDI_SIM_JOB_REALIZE:
      if (vm == NULL || !vm->planned)
        {
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, "The planned virtual machine no longer exists.", NULL, NULL);
          return;
        }
      vm->planned = FALSE;
      job->result_id = g_strdup (vm->id);
      job->result_class = g_strdup ("Msvm_ComputerSystem");
      break;

    case VDI_SIM_JOB_DESTROY:
      if (vm != NULL)
        {
          if (provider->disk_free >= 0 && !vm->planned)
            provider->disk_free += (double) vm->disk_bytes;
          job->result_id = g_strdup (vm->id);
          job->result_class = g_strdup (vm->planned ? "Msvm_PlannedComputerSystem" : "Msvm_ComputerSystem");
          g_ptr_array_remove (provider->vms, vm);
        }
      break;

    case VDI_SIM_JOB_STATE_CHANGE:
      if (vm == NULL)
        {
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, "The virtual machine no longer exists.", NULL, NULL);
          return;
        }
      switch (job->requested_state)
        {
        case 2:
        case 10:
          vm->power = VDI_SIM_POWER_ON;
          break;
        case 3:
        case 4:
          vm->power = VDI_SIM_POWER_OFF;
          break;
        case 32768:
          vm->power = VDI_SIM_POWER_PAUSED;
          break;
        case 32769:
          vm->power = VDI_SIM_POWER_SAVED;
          break;
        default:
          break;
        }
      job->result_id = g_strdup (vm->id);
      job->result_class = g_strdup ("Msvm_ComputerSystem");
      break;

    case VDI_SIM_JOB_MIGRATE:
      release_vm (job);
      if (vm == NULL)
        {
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, "The virtual machine no longer exists on the source host.", NULL, NULL);
          return;
        }
      if (vdi_sim_provider_find_vm (job->dest, vm->id) != NULL)
        {
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED,
                                   "Virtual machine migration operation failed at migration destination: a virtual machine with the same identifier already exists.",
                                   NULL, NULL);
          return;
        }
      job->result_id = g_strdup (vm->id);
      job->result_class = g_strdup ("Msvm_ComputerSystem");
      /* The disk has landed: what was promised to it is now taken, and the source's copy of
       * it is gone with the VM. */
      if (job->reserved_bytes > 0)
        {
          job->dest->disk_reserved -= (double) job->reserved_bytes;
          job->dest->disk_free -= (double) job->reserved_bytes;
          job->reserved_bytes = 0;
        }
      if (provider->disk_free >= 0 && vdi_sim_migration_moves_storage (job->migration_type))
        provider->disk_free += (double) vm->disk_bytes;
      {
        guint index;

        if (g_ptr_array_find (provider->vms, vm, &index))
          g_ptr_array_steal_index (provider->vms, index);
        g_ptr_array_add (job->dest->vms, vm);
      }
      break;

    case VDI_SIM_TASK_CLONE:
      {
        VdiSimVm *clone;

        release_vm (job);
        clone = vdi_sim_world_add_vcenter_vm (self, provider, job->new_name,
                                              vm != NULL ? vm->disk_bytes : (guint64) job->total_bytes,
                                              job->dest_ds,
                                              job->dest_host != NULL ? job->dest_host : (vm != NULL ? vm->host : NULL));
        clone->is_template = job->as_template;
        clone->power = job->power_on ? VDI_SIM_POWER_ON : VDI_SIM_POWER_OFF;
        job->result_id = g_strdup (clone->id);
        job->result_class = g_strdup ("VirtualMachine");
      }
      break;

    case VDI_SIM_TASK_POWER_ON:
    case VDI_SIM_TASK_POWER_OFF:
      if (vm != NULL)
        vm->power = job->kind == VDI_SIM_TASK_POWER_ON ? VDI_SIM_POWER_ON : VDI_SIM_POWER_OFF;
      break;

    case VDI_SIM_TASK_DESTROY:
      if (vm != NULL)
        {
          if (vm->datastore != NULL)
            vm->datastore->free = MIN (vm->datastore->free + vm->disk_bytes, vm->datastore->capacity);
          g_ptr_array_remove (provider->vms, vm);
        }
      break;

    default:
      break;
    }

  job_complete (self, job);
}

void
vdi_sim_world_tick (VdiSimWorld *self)
{
  double now, dt;
  gboolean changed = FALSE;

  g_return_if_fail (VDI_SIM_IS_WORLD (self));

  now = vdi_sim_world_now (self);
  dt = MAX (now - self->last_tick, 0.0);
  self->last_tick = now;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);

      if (job->state == VDI_SIM_JOB_QUEUED)
        {
          _vdi_sim_world_job_begin (self, job);
          changed = TRUE;
        }
    }

  if (vdi_sim_network_get_n_flows (self->network) > 0)
    {
      self->advance_base = now - dt;
      vdi_sim_network_advance (self->network, dt, flow_done_cb, self);
      changed = TRUE;
    }

  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);
      double fraction;

      if (job->state != VDI_SIM_JOB_RUNNING)
        {
          /* TimeBeforeRemoval is housekeeping, counted in wall time as on a real host: a
           * fast time scale must not make jobs vanish before a client looks. */
          if (job->provider->kind == VDI_SIM_PROVIDER_HYPERV && !job->removed
              && job->state != VDI_SIM_JOB_QUEUED
              && g_get_monotonic_time () - job->end_real_us >
                 (gint64)(VDI_SIM_JOB_TIME_BEFORE_REMOVAL * G_USEC_PER_SEC))
            job->removed = TRUE;
          continue;
        }

      changed = TRUE;

      if (job->flow != NULL)
        {
          account_bytes (self, job, job->flow->done);
          fraction = job->total_bytes > 0 ? job->flow->done / job->total_bytes : 1.0;
        }
      else if (job->duration > 0)
        fraction = (now - job->start_time) / job->duration;
      else
        fraction = 1.0;

      if (job->fail_at >= 0 && fraction >= job->fail_at)
        {
          g_autofree char *fields = escape (job->inject_message);

          job->percent = (guint) (job->fail_at * 100);
          _vdi_sim_world_job_fail (self, job, job->inject_code, job->inject_message, job->inject_fault,
                                   job->provider->kind == VDI_SIM_PROVIDER_VCENTER ? "" : NULL);
          continue;
        }

      job->percent = (guint) CLAMP (fraction * 100.0, 0, 99);

      if (job->flow == NULL && fraction >= 1.0)
        job_finish (self, job);
    }

  if (changed)
    vdi_sim_world_notify_changed (self);
}
