/* vdi-sim-world.c
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

#include "vdi-sim-migration.h"
#include "vdi-sim-world.h"

/* The world is protocol-neutral: the WS-Man and vim25 front ends translate requests into
 * the operations below, and read back the same state. Nothing is answered from anywhere
 * else. It records (never enforces) what the console does: concurrency peaks, bytes moved,
 * how long every job ran. */

#define TICK_MS 50

/* Fixed lengths (simulated seconds) of the operations that move no disk data. */
#define IMPORT_SECONDS        5.0
#define REALIZE_SECONDS       3.0
#define DESTROY_SECONDS       2.0
#define STATE_CHANGE_SECONDS  2.0
#define POWER_SECONDS         3.0
#define LINKED_CLONE_BYTES    (256.0 * 1024 * 1024)
#define MIGRATION_MEMORY      (1.0 * VDI_SIM_GIB)
#define CONFIG_BYTES          (4.0 * 1024 * 1024)

struct _VdiSimWorld
{
  GObject        parent_instance;

  VdiSimClock   *clock;
  VdiSimNetwork *network;
  GPtrArray     *providers;
  GPtrArray     *jobs;
  GHashTable    *jobs_by_id;
  guint          tick_id;
  double         last_tick;
  double         counters_since;
  double         bytes_moved;
  guint          next_task;
  double         advance_base;
  double         completion_time;
};

G_DEFINE_FINAL_TYPE (VdiSimWorld, vdi_sim_world, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void job_finish (VdiSimWorld *self, VdiSimJob *job);
static void job_fail   (VdiSimWorld *self, VdiSimJob *job, guint code, const char *description,
                        const char *fault_type, const char *fault_fields);

static gboolean
tick_cb (gpointer user_data)
{
  vdi_sim_world_tick (VDI_SIM_WORLD (user_data));
  return G_SOURCE_CONTINUE;
}

static void
vdi_sim_world_dispose (GObject *object)
{
  VdiSimWorld *self = VDI_SIM_WORLD (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  G_OBJECT_CLASS (vdi_sim_world_parent_class)->dispose (object);
}

static void
vdi_sim_world_finalize (GObject *object)
{
  VdiSimWorld *self = VDI_SIM_WORLD (object);

  g_clear_pointer (&self->jobs_by_id, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_object (&self->network);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (vdi_sim_world_parent_class)->finalize (object);
}

static void
vdi_sim_world_class_init (VdiSimWorldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_sim_world_dispose;
  object_class->finalize = vdi_sim_world_finalize;

  /* Emitted after every tick in which a job moved, so long polls can answer. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vdi_sim_world_init (VdiSimWorld *self)
{
  self->network = vdi_sim_network_new ();
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_provider_free);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_job_free);
  self->jobs_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->next_task = 1000;
  self->completion_time = -1;
}

VdiSimWorld *
vdi_sim_world_new (double time_scale)
{
  VdiSimWorld *self = g_object_new (VDI_SIM_TYPE_WORLD, NULL);

  self->clock = vdi_sim_clock_new (time_scale);
  self->last_tick = vdi_sim_clock_now (self->clock);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);

  return self;
}

VdiSimClock *
vdi_sim_world_get_clock (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->clock;
}

VdiSimNetwork *
vdi_sim_world_get_network (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->network;
}

double
vdi_sim_world_now (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), 0.0);
  return vdi_sim_clock_now (self->clock);
}

void
vdi_sim_world_add_provider (VdiSimWorld    *self,
                            VdiSimProvider *provider)
{
  g_autofree char *export_name = NULL;
  g_autofree char *up_name = NULL;
  g_autofree char *down_name = NULL;

  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
    {
      export_name = g_strdup_printf ("%s/export", provider->name);
      up_name = g_strdup_printf ("%s/up", provider->name);
      down_name = g_strdup_printf ("%s/down", provider->name);
      provider->export_link = vdi_sim_network_add_link (self->network, export_name, 0);
      provider->up_link = vdi_sim_network_add_link (self->network, up_name, 0);
      provider->down_link = vdi_sim_network_add_link (self->network, down_name, 0);
    }

  g_ptr_array_add (self->providers, provider);
  vdi_sim_world_refresh_links (self, provider);
}

void
vdi_sim_world_add_datastore (VdiSimWorld     *self,
                             VdiSimProvider  *provider,
                             VdiSimDatastore *datastore)
{
  g_autofree char *read_name = NULL;
  g_autofree char *write_name = NULL;

  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL && datastore != NULL);

  read_name = g_strdup_printf ("%s/%s/read", provider->name, datastore->name);
  write_name = g_strdup_printf ("%s/%s/write", provider->name, datastore->name);
  datastore->read_link = vdi_sim_network_add_link (self->network, read_name, 0);
  datastore->write_link = vdi_sim_network_add_link (self->network, write_name, 0);
  g_ptr_array_add (provider->datastores, datastore);
  vdi_sim_world_refresh_links (self, provider);
}

void
vdi_sim_world_refresh_links (VdiSimWorld    *self,
                             VdiSimProvider *provider)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  if (provider->export_link != NULL)
    provider->export_link->capacity = vdi_sim_mbps_to_bytes (provider->export_mbps);
  if (provider->up_link != NULL)
    provider->up_link->capacity = vdi_sim_mbps_to_bytes (provider->up_mbps);
  if (provider->down_link != NULL)
    provider->down_link->capacity = vdi_sim_mbps_to_bytes (provider->down_mbps);

  for (guint i = 0; i < provider->datastores->len; i++)
    {
      VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, i);

      ds->read_link->capacity = vdi_sim_mbps_to_bytes (ds->mbps);
      ds->write_link->capacity = vdi_sim_mbps_to_bytes (ds->mbps);
    }

  vdi_sim_network_update_rates (self->network);
}

GPtrArray *
vdi_sim_world_get_providers (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->providers;
}

VdiSimProvider *
vdi_sim_world_find_provider (VdiSimWorld *self,
                             const char  *name)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  for (guint i = 0; name != NULL && i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_ascii_strcasecmp (provider->name, name) == 0)
        return provider;
    }

  return NULL;
}

GPtrArray *
vdi_sim_world_get_jobs (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->jobs;
}

VdiSimJob *
vdi_sim_world_find_job (VdiSimWorld *self,
                        const char  *id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  if (id == NULL)
    return NULL;

  if (g_str_has_prefix (id, "task-"))
    return g_hash_table_lookup (self->jobs_by_id, id);

  key = g_ascii_strup (id, -1);
  return g_hash_table_lookup (self->jobs_by_id, key);
}

/* Jobs ------------------------------------------------------------------------------------ */

static VdiSimJob *
job_new (VdiSimWorld    *self,
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

static void
job_fail (VdiSimWorld *self,
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
      job_fail (self, job, job->inject_code, job->inject_message, job->inject_fault,
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

static void
job_begin (VdiSimWorld *self,
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
      job_start_flow (self, job, job->flag ? (double) vm->disk_bytes + CONFIG_BYTES : CONFIG_BYTES,
                      provider->export_link, NULL);
      break;

    case VDI_SIM_JOB_MIGRATE:
      {
        double bytes = CONFIG_BYTES;

        if (job->migration_type != 32770)
          bytes += vm->power == VDI_SIM_POWER_ON ? MIGRATION_MEMORY : 0;
        if (job->migration_type == 32769 || job->migration_type == 32771)
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

            job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                      "ManagedObjectNotFound", fields);
            return;
          }
        if (vm->is_template && !job->pool_given)
          {
            job_fail (self, job, 0, "A specified parameter was not correct: spec.location.pool",
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

            job_fail (self, job, 0, message, "DuplicateName", fields);
            return;
          }

        if (ds == NULL || !ds->accessible)
          {
            g_autofree char *name = escape (ds != NULL ? ds->name : "");
            g_autofree char *fields = g_strdup_printf ("<datastore type=\"Datastore\">%s</datastore><name>%s</name>",
                                                       ds != NULL ? ds->moid : "", name);
            g_autofree char *message = g_strdup_printf ("The datastore '%s' is not accessible.",
                                                        ds != NULL ? ds->name : "");

            job_fail (self, job, 0, message, "InvalidDatastore", fields);
            return;
          }

        bytes = job->flag2 ? LINKED_CLONE_BYTES : (double) vm->disk_bytes;
        if ((double) ds->free < bytes)
          {
            g_autofree char *name = escape (ds->name);
            g_autofree char *vm_name = escape (job->new_name);
            g_autofree char *fields = g_strdup_printf ("<file>[%s] %s/%s.vmdk</file><datastore>%s</datastore>",
                                                       name, vm_name, vm_name, name);
            g_autofree char *message = g_strdup_printf ("There is not enough space on the file system for the selected operation (datastore '%s').",
                                                        ds->name);

            job_fail (self, job, 0, message, "NoDiskSpace", fields);
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
            job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                      "ManagedObjectNotFound", "");
            return;
          }
        if ((on && vm->power == VDI_SIM_POWER_ON) || (!on && vm->power == VDI_SIM_POWER_OFF))
          {
            g_autofree char *fields = g_strdup_printf ("<requestedState>%s</requestedState><existingState>%s</existingState>",
                                                       on ? "poweredOn" : "poweredOff",
                                                       vm->power == VDI_SIM_POWER_ON ? "poweredOn" : "poweredOff");

            job_fail (self, job, 0, "The attempted operation cannot be performed in the current state.",
                      "InvalidPowerState", fields);
            return;
          }
        job->duration = POWER_SECONDS;
      }
      break;

    case VDI_SIM_TASK_DESTROY:
      if (vm == NULL)
        {
          job_fail (self, job, 0, "The object has already been deleted or has not been completely created",
                    "ManagedObjectNotFound", "");
          return;
        }
      if (vm->power == VDI_SIM_POWER_ON)
        {
          job_fail (self, job, 0, "The attempted operation cannot be performed in the current state (Powered on).",
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

static VdiSimExport *
find_export (VdiSimProvider *host,
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

static char *
export_directory (const char *directory,
                  const char *vm_name,
                  gboolean    subdirectory)
{
  g_autofree char *base = g_strdup (directory != NULL ? directory : "");
  gsize len = strlen (base);

  while (len > 0 && (base[len - 1] == '\\' || base[len - 1] == '/'))
    base[--len] = '\0';

  if (subdirectory)
    return g_strdup_printf ("%s\\%s", base, vm_name);
  return g_steal_pointer (&base);
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
        job->result_id = g_strdup (job->vm_id);
        job->result_class = g_strdup ("Msvm_ComputerSystem");
      }
      break;

    case VDI_SIM_JOB_IMPORT:
      {
        VdiSimExport *export = find_export (provider, job->path);
        g_autofree char *id = NULL;
        VdiSimVm *planned;

        if (export == NULL)
          {
            job_fail (self, job, VDI_SIM_RV_FAILED,
                      "Failed to import the virtual machine: the system cannot find the file specified. (0x80070002)",
                      NULL, NULL);
            return;
          }
        id = job->flag ? vdi_sim_new_guid () : g_strdup (export->vm_id);
        if (vdi_sim_provider_find_vm (provider, id) != NULL)
          {
            job_fail (self, job, VDI_SIM_RV_FAILED,
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
          job_fail (self, job, VDI_SIM_RV_FAILED, "The planned virtual machine no longer exists.", NULL, NULL);
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
          job_fail (self, job, VDI_SIM_RV_FAILED, "The virtual machine no longer exists.", NULL, NULL);
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
          job_fail (self, job, VDI_SIM_RV_FAILED, "The virtual machine no longer exists on the source host.", NULL, NULL);
          return;
        }
      if (vdi_sim_provider_find_vm (job->dest, vm->id) != NULL)
        {
          job_fail (self, job, VDI_SIM_RV_FAILED,
                    "Virtual machine migration operation failed at migration destination: a virtual machine with the same identifier already exists.",
                    NULL, NULL);
          return;
        }
      job->result_id = g_strdup (vm->id);
      job->result_class = g_strdup ("Msvm_ComputerSystem");
      /* The disk has landed: what was promised to it is now taken. */
      if (job->reserved_bytes > 0)
        {
          job->dest->disk_reserved -= (double) job->reserved_bytes;
          job->dest->disk_free -= (double) job->reserved_bytes;
          job->reserved_bytes = 0;
        }
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
        clone->is_template = job->flag;
        clone->power = job->requested_state ? VDI_SIM_POWER_ON : VDI_SIM_POWER_OFF;
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
          job_begin (self, job);
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
          job_fail (self, job, job->inject_code, job->inject_message, job->inject_fault,
                    job->provider->kind == VDI_SIM_PROVIDER_VCENTER ? "" : NULL);
          continue;
        }

      job->percent = (guint) CLAMP (fraction * 100.0, 0, 99);

      if (job->flow == NULL && fraction >= 1.0)
        job_finish (self, job);
    }

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
vdi_sim_world_notify_changed (VdiSimWorld *self)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
hyperv_job_start (VdiSimWorld *self,
                  VdiSimJob   *job)
{
  /* Hyper-V answers the Invoke with the job already running (JobState 4, 0 %). */
  job_begin (self, job);
}

guint
vdi_sim_world_export (VdiSimWorld     *self,
                      VdiSimProvider  *host,
                      const char      *vm_id,
                      const char      *directory,
                      gboolean         create_subdirectory,
                      gboolean         copy_storage,
                      VdiSimJob      **out_job)
{
  VdiSimVm *vm;
  VdiSimJob *job;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  vm = vdi_sim_provider_find_vm (host, vm_id);
  if (vm == NULL || vm->planned)
    return VDI_SIM_RV_INVALID_PARAM;
  if (directory == NULL || *directory == '\0')
    return VDI_SIM_RV_INVALID_PARAM;
  if (vm->power != VDI_SIM_POWER_OFF && vm->power != VDI_SIM_POWER_SAVED)
    return VDI_SIM_RV_INVALID_STATE;

  dir = export_directory (directory, vm->name, create_subdirectory);

  job = job_new (self, host, VDI_SIM_JOB_EXPORT);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->path = g_steal_pointer (&dir);
  job->flag = copy_storage;
  vm->busy++;
  job->holds_vm = TRUE;
  hyperv_job_start (self, job);

  if (find_export (host, job->path) != NULL)
    job_fail (self, job, VDI_SIM_RV_FAILED,
              "Failed to export the virtual machine: the export directory already contains an exported virtual machine.",
              NULL, NULL);

  *out_job = job;
  return VDI_SIM_RV_JOB_STARTED;
}

guint
vdi_sim_world_import (VdiSimWorld     *self,
                      VdiSimProvider  *host,
                      const char      *definition_file,
                      gboolean         generate_new_id,
                      VdiSimJob      **out_job)
{
  VdiSimJob *job;
  VdiSimExport *export;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  if (definition_file == NULL || *definition_file == '\0')
    return VDI_SIM_RV_INVALID_PARAM;

  job = job_new (self, host, VDI_SIM_JOB_IMPORT);
  job->path = g_strdup (definition_file);
  job->flag = generate_new_id;
  job->duration = IMPORT_SECONDS;
  export = find_export (host, definition_file);
  if (export != NULL)
    {
      job->vm_name = g_strdup (export->vm_name);
      job->vm_id = g_strdup (export->vm_id);
    }
  hyperv_job_start (self, job);

  *out_job = job;
  return VDI_SIM_RV_JOB_STARTED;
}

guint
vdi_sim_world_realize (VdiSimWorld     *self,
                       VdiSimProvider  *host,
                       const char      *planned_id,
                       VdiSimJob      **out_job)
{
  VdiSimVm *vm;
  VdiSimJob *job;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  vm = vdi_sim_provider_find_vm (host, planned_id);
  if (vm == NULL || !vm->planned)
    return VDI_SIM_RV_INVALID_PARAM;

  job = job_new (self, host, VDI_SIM_JOB_REALIZE);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->duration = REALIZE_SECONDS;
  hyperv_job_start (self, job);

  *out_job = job;
  return VDI_SIM_RV_JOB_STARTED;
}

guint
vdi_sim_world_destroy_system (VdiSimWorld     *self,
                              VdiSimProvider  *host,
                              const char      *vm_id,
                              VdiSimJob      **out_job)
{
  VdiSimVm *vm;
  VdiSimJob *job;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  vm = vdi_sim_provider_find_vm (host, vm_id);
  if (vm == NULL)
    return VDI_SIM_RV_INVALID_PARAM;
  if (vm->busy > 0)
    return VDI_SIM_RV_IN_USE;
  if (!vm->planned && vm->power != VDI_SIM_POWER_OFF && vm->power != VDI_SIM_POWER_SAVED)
    return VDI_SIM_RV_INVALID_STATE;

  job = job_new (self, host, VDI_SIM_JOB_DESTROY);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->duration = DESTROY_SECONDS;
  hyperv_job_start (self, job);

  *out_job = job;
  return VDI_SIM_RV_JOB_STARTED;
}

/* ModifySystemSettings with a Msvm_VirtualSystemSettingData that names the VM's settings
 * ("Microsoft:" and its GUID) and carries a new ElementName. Hyper-V applies a rename at once,
 * so no job. Names are at most 100 characters, as in Hyper-V Manager. */
guint
vdi_sim_world_modify_system_settings (VdiSimWorld    *self,
                                      VdiSimProvider *host,
                                      const char     *instance_id,
                                      const char     *element_name)
{
  VdiSimVm *vm;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);

  if (instance_id == NULL || !g_str_has_prefix (instance_id, "Microsoft:"))
    return VDI_SIM_RV_INVALID_PARAM;
  vm = vdi_sim_provider_find_vm (host, instance_id + strlen ("Microsoft:"));
  if (vm == NULL)
    return VDI_SIM_RV_INVALID_PARAM;
  if (element_name == NULL)
    return VDI_SIM_RV_OK;
  if (*element_name == '\0' || g_utf8_strlen (element_name, -1) > 100)
    return VDI_SIM_RV_INVALID_PARAM;
  if (vm->busy > 0)
    return VDI_SIM_RV_IN_USE;

  g_free (vm->name);
  vm->name = g_strdup (element_name);
  g_signal_emit (self, signals[CHANGED], 0);
  return VDI_SIM_RV_OK;
}

guint
vdi_sim_world_request_state_change (VdiSimWorld     *self,
                                    VdiSimProvider  *host,
                                    const char      *vm_id,
                                    int              requested_state,
                                    VdiSimJob      **out_job)
{
  VdiSimVm *vm;
  VdiSimJob *job;
  VdiSimPower target;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  vm = vdi_sim_provider_find_vm (host, vm_id);
  if (vm == NULL)
    return VDI_SIM_RV_INVALID_PARAM;

  switch (requested_state)
    {
    case 2:
    case 10:
      target = VDI_SIM_POWER_ON;
      break;
    case 3:
    case 4:
      target = VDI_SIM_POWER_OFF;
      break;
    case 32768:
      target = VDI_SIM_POWER_PAUSED;
      break;
    case 32769:
      target = VDI_SIM_POWER_SAVED;
      break;
    default:
      return VDI_SIM_RV_INVALID_PARAM;
    }

  if (vm->planned || vm->busy > 0)
    return VDI_SIM_RV_INVALID_STATE;
  if (requested_state != 10 && vm->power == target)
    return VDI_SIM_RV_INVALID_STATE;
  if ((requested_state == 10 || requested_state == 4) && vm->power != VDI_SIM_POWER_ON)
    return VDI_SIM_RV_INVALID_STATE;

  job = job_new (self, host, VDI_SIM_JOB_STATE_CHANGE);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->requested_state = requested_state;
  job->duration = STATE_CHANGE_SECONDS;
  hyperv_job_start (self, job);

  *out_job = job;
  return VDI_SIM_RV_JOB_STARTED;
}

/* DestinationHost is a host name on Hyper-V. Simulated hosts all live on loopback, so
 * besides the provider's name (case-insensitive, as the host's own Msvm_ComputerSystem Name
 * gives it) "ADDRESS:PORT" of its endpoint is accepted too. */
static VdiSimProvider *
find_destination (VdiSimWorld *self,
                  const char  *destination)
{
  VdiSimProvider *provider = vdi_sim_world_find_provider (self, destination);
  const char *colon;
  guint64 port;

  if (provider != NULL || destination == NULL)
    return provider;

  colon = strrchr (destination, ':');
  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return NULL;

  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *candidate = g_ptr_array_index (self->providers, i);

      if (candidate->kind == VDI_SIM_PROVIDER_HYPERV && candidate->port == port)
        return candidate;
    }

  return NULL;
}

static char *
disk_full_message (const char *vm_name,
                   const char *host_name)
{
  return g_strdup_printf ("Virtual machine migration operation for '%s' failed at migration destination '%s': There is not enough space on the disk. (0x80070070).",
                          vm_name, host_name);
}

guint
vdi_sim_world_migrate (VdiSimWorld     *self,
                       VdiSimProvider  *host,
                       const char      *vm_id,
                       const char      *destination_host,
                       guint            migration_type,
                       VdiSimJob      **out_job)
{
  VdiSimVm *vm;
  VdiSimJob *job;
  VdiSimProvider *dest;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), VDI_SIM_RV_FAILED);
  g_return_val_if_fail (out_job != NULL, VDI_SIM_RV_FAILED);

  *out_job = NULL;
  vm = vdi_sim_provider_find_vm (host, vm_id);
  if (vm == NULL || vm->planned)
    return VDI_SIM_RV_INVALID_PARAM;
  if (vm->busy > 0)
    return VDI_SIM_RV_IN_USE;
  if (migration_type != 32768 && migration_type != 32769 && migration_type != 32770
      && migration_type != 32771)
    return VDI_SIM_RV_INVALID_PARAM;

  job = job_new (self, host, VDI_SIM_JOB_MIGRATE);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->new_name = g_strdup (destination_host);
  job->migration_type = migration_type;
  *out_job = job;

  dest = find_destination (self, destination_host);
  if (dest == NULL || dest->kind != VDI_SIM_PROVIDER_HYPERV)
    {
      g_autofree char *message =
        g_strdup_printf ("The Virtual Machine Management Service failed to establish a connection for a Virtual Machine migration with host '%s': No such host is known. (0x80072AF9).",
                         destination_host != NULL ? destination_host : "");

      job->state = VDI_SIM_JOB_RUNNING;
      job->start_time = job->queue_time;
      job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }
  if (dest == host)
    {
      job->state = VDI_SIM_JOB_RUNNING;
      job->start_time = job->queue_time;
      job_fail (self, job, VDI_SIM_RV_FAILED,
                "The virtual machine migration operation failed: the source and destination hosts are the same.",
                NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }
  if (!host->migration_enabled || !dest->migration_enabled)
    {
      /* A host with migrations disabled has no migration listener: the source cannot reach
       * the destination's, or refuses to send. */
      g_autofree char *message =
        !host->migration_enabled
          ? g_strdup_printf ("Virtual machine migration operation for '%s' failed at migration source '%s': the virtual machine migration service is not enabled on this host.", vm->name, host->name)
          : g_strdup_printf ("The Virtual Machine Management Service failed to establish a connection for a Virtual Machine migration with host '%s': No connection could be made because the target machine actively refused it. (0x8007274D).", dest->name);

      job->state = VDI_SIM_JOB_RUNNING;
      job->start_time = job->queue_time;
      job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }
  if (dest->offline != VDI_SIM_OFFLINE_NONE || vdi_sim_provider_find_vm (dest, vm->id) != NULL)
    {
      g_autofree char *message =
        dest->offline != VDI_SIM_OFFLINE_NONE
          ? g_strdup_printf ("The Virtual Machine Management Service failed to establish a connection for a Virtual Machine migration with host '%s': No connection could be made because the target machine actively refused it. (0x8007274D).", dest->name)
          : g_strdup_printf ("Virtual machine migration operation for '%s' failed at migration destination '%s': a virtual machine with the same identifier already exists.", vm->name, dest->name);

      job->state = VDI_SIM_JOB_RUNNING;
      job->start_time = job->queue_time;
      job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }

  job->dest = dest;

  /* The storage goes to the destination's disk: space for it is promised when the migration
   * starts, as Hyper-V checks before it copies. */
  if (dest->disk_free >= 0 && (migration_type == 32769 || migration_type == 32771))
    {
      if (dest->disk_free - dest->disk_reserved < (double) vm->disk_bytes)
        {
          g_autofree char *message = disk_full_message (vm->name, dest->name);

          job->state = VDI_SIM_JOB_RUNNING;
          job->start_time = job->queue_time;
          job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
          return VDI_SIM_RV_JOB_STARTED;
        }
      job->reserved_bytes = vm->disk_bytes;
      dest->disk_reserved += (double) vm->disk_bytes;
    }

  vm->busy++;
  job->holds_vm = TRUE;
  hyperv_job_start (self, job);

  return VDI_SIM_RV_JOB_STARTED;
}

VdiSimVm *
vdi_sim_world_add_vcenter_vm (VdiSimWorld     *self,
                              VdiSimProvider  *vcenter,
                              const char      *name,
                              guint64          disk_bytes,
                              VdiSimDatastore *datastore,
                              VdiSimEsxHost   *host)
{
  g_autofree char *moid = NULL;
  VdiSimVm *vm;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  moid = vdi_sim_provider_next_moid (vcenter, "vm");
  vm = vdi_sim_vm_new (moid, name, disk_bytes, VDI_SIM_POWER_OFF);
  vm->datastore = datastore;
  vm->host = host;
  g_ptr_array_add (vcenter->vms, vm);

  return vm;
}

VdiSimJob *
vdi_sim_world_clone (VdiSimWorld     *self,
                     VdiSimProvider  *vcenter,
                     VdiSimVm        *vm,
                     const char      *name,
                     VdiSimDatastore *datastore,
                     VdiSimEsxHost   *host,
                     gboolean         pool_given,
                     gboolean         as_template,
                     gboolean         power_on,
                     gboolean         linked)
{
  VdiSimJob *job;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  g_return_val_if_fail (vm != NULL, NULL);

  job = job_new (self, vcenter, VDI_SIM_TASK_CLONE);
  job->name = g_strdup ("CloneVM_Task");
  job->description_id = g_strdup ("VirtualMachine.clone");
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->new_name = g_strdup (name);
  job->dest_ds = datastore;
  job->dest_host = host;
  job->pool_given = pool_given;
  job->flag = as_template;
  job->flag2 = linked;
  job->requested_state = power_on;

  return job;
}

VdiSimJob *
vdi_sim_world_power (VdiSimWorld    *self,
                     VdiSimProvider *vcenter,
                     VdiSimVm       *vm,
                     gboolean        on)
{
  VdiSimJob *job;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  g_return_val_if_fail (vm != NULL, NULL);

  job = job_new (self, vcenter, on ? VDI_SIM_TASK_POWER_ON : VDI_SIM_TASK_POWER_OFF);
  job->name = g_strdup (on ? "PowerOnVM_Task" : "PowerOffVM_Task");
  job->description_id = g_strdup (on ? "VirtualMachine.powerOn" : "VirtualMachine.powerOff");
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);

  return job;
}

VdiSimJob *
vdi_sim_world_destroy_vm (VdiSimWorld    *self,
                          VdiSimProvider *vcenter,
                          VdiSimVm       *vm)
{
  VdiSimJob *job;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  g_return_val_if_fail (vm != NULL, NULL);

  job = job_new (self, vcenter, VDI_SIM_TASK_DESTROY);
  job->name = g_strdup ("Destroy_Task");
  job->description_id = g_strdup ("VirtualMachine.destroy");
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);

  return job;
}

void
vdi_sim_world_inject_job_failure (VdiSimWorld *self,
                                  VdiSimJob   *job,
                                  const char  *fault,
                                  const char  *message)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (job != NULL);

  job->fail_at = 0.5;
  g_free (job->inject_fault);
  job->inject_fault = g_strdup (fault != NULL && *fault != '\0' ? fault : "SystemError");
  g_free (job->inject_message);
  job->inject_message = g_strdup (message != NULL ? message : "The operation failed (injected by the simulator).");
  job->inject_code = VDI_SIM_RV_FAILED;
}

void
vdi_sim_world_set_offline (VdiSimWorld       *self,
                           VdiSimProvider    *provider,
                           VdiSimOfflineMode  mode)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  provider->offline = mode;

  if (mode == VDI_SIM_OFFLINE_NONE)
    return;

  /* A host that is down, or hung, cannot receive a migration that is under way: the source
   * loses the transfer and says so (a hung host's WinRM and its migration listener go silent
   * together). */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);
      g_autofree char *message = NULL;

      if (job->kind != VDI_SIM_JOB_MIGRATE || job->dest != provider
          || job->state != VDI_SIM_JOB_RUNNING)
        continue;

      message = g_strdup_printf ("Virtual machine migration operation for '%s' failed at migration source: the connection with the destination host '%s' was lost. (0x800705B4).",
                                 job->vm_name, provider->name);
      job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
    }
}

void
vdi_sim_world_set_disk_free (VdiSimWorld    *self,
                             VdiSimProvider *host,
                             double          free_bytes)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (host != NULL && host->kind == VDI_SIM_PROVIDER_HYPERV);

  host->disk_free = free_bytes;
  if (free_bytes < 0)
    return;

  /* The disk filled up under the copies in flight: the latest ones fail until the rest fit,
   * in Hyper-V's words. */
  for (guint i = self->jobs->len; i > 0 && host->disk_reserved > host->disk_free; i--)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i - 1);
      g_autofree char *message = NULL;

      if (job->kind != VDI_SIM_JOB_MIGRATE || job->dest != host || job->reserved_bytes == 0
          || job->state != VDI_SIM_JOB_RUNNING)
        continue;

      message = disk_full_message (job->vm_name, host->name);
      job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
    }
}

/* JSON -------------------------------------------------------------------------------------- */

static void
add_job_json (JsonBuilder *builder,
              VdiSimJob   *job)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job->id);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, job->provider->name);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, vdi_sim_job_kind_to_string (job->kind));
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, job->job_class);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, vdi_sim_job_state_to_string (job->state));
  json_builder_set_member_name (builder, "percent");
  json_builder_add_int_value (builder, job->percent);
  json_builder_set_member_name (builder, "vm");
  json_builder_add_string_value (builder, job->vm_name);
  if (job->dest != NULL)
    {
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, job->dest->name);
    }
  if (job->dest_ds != NULL)
    {
      json_builder_set_member_name (builder, "datastore");
      json_builder_add_string_value (builder, job->dest_ds->name);
    }
  json_builder_set_member_name (builder, "bytes_total");
  json_builder_add_double_value (builder, job->total_bytes);
  json_builder_set_member_name (builder, "bytes_done");
  json_builder_add_double_value (builder, job->done_bytes);
  json_builder_set_member_name (builder, "queued_at");
  json_builder_add_double_value (builder, job->queue_time);
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_double_value (builder, job->start_time);
  if (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
    {
      json_builder_set_member_name (builder, "ended_at");
      json_builder_add_double_value (builder, job->end_time);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, job->end_time - job->start_time);
    }
  if (job->state == VDI_SIM_JOB_FAILED)
    {
      json_builder_set_member_name (builder, "error_code");
      json_builder_add_int_value (builder, job->error_code);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, job->error_description);
      json_builder_set_member_name (builder, "fault");
      json_builder_add_string_value (builder, job->fault_type);
    }
  if (job->result_id != NULL)
    {
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, job->result_id);
    }
  json_builder_end_object (builder);
}

static void
add_member_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_member_double (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_member_bool (JsonBuilder *builder,
                 const char  *name,
                 gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static const char *
offline_to_string (VdiSimOfflineMode mode)
{
  switch (mode)
    {
    case VDI_SIM_OFFLINE_REFUSE:
      return "refuse";
    case VDI_SIM_OFFLINE_HANG:
      return "hang";
    case VDI_SIM_OFFLINE_NONE:
    default:
      return "online";
    }
}

JsonNode *
vdi_sim_world_inventory_json (VdiSimWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  json_builder_begin_object (builder);
  add_member_double (builder, "time", vdi_sim_world_now (self));
  add_member_double (builder, "time_scale", vdi_sim_clock_get_time_scale (self->clock));
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);

  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      json_builder_begin_object (builder);
      add_member_string (builder, "name", provider->name);
      add_member_string (builder, "type", vdi_sim_provider_kind_to_string (provider->kind));
      add_member_string (builder, "subtype", provider->subtype);
      add_member_string (builder, "status", offline_to_string (provider->offline));
      add_member_int (builder, "latency_ms", provider->latency_ms);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          add_member_double (builder, "export_mbps", provider->export_mbps);
          add_member_double (builder, "up_mbps", provider->up_mbps);
          add_member_double (builder, "down_mbps", provider->down_mbps);
          if (provider->disk_free >= 0)
            add_member_double (builder, "free_gb", provider->disk_free / VDI_SIM_GIB);
          json_builder_set_member_name (builder, "live_migration");
          vdi_sim_live_migration_to_json (provider, builder);
        }
      else
        {
          add_member_string (builder, "datacenter", provider->datacenter);
          json_builder_set_member_name (builder, "hosts");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->esx_hosts->len; j++)
            {
              VdiSimEsxHost *host = g_ptr_array_index (provider->esx_hosts, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "name", host->name);
              add_member_string (builder, "moid", host->moid);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);

          json_builder_set_member_name (builder, "datastores");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->datastores->len; j++)
            {
              VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "name", ds->name);
              add_member_string (builder, "moid", ds->moid);
              add_member_string (builder, "type", ds->type);
              add_member_double (builder, "capacity_gb", (double) ds->capacity / VDI_SIM_GIB);
              add_member_double (builder, "free_gb", (double) ds->free / VDI_SIM_GIB);
              add_member_double (builder, "mbps", ds->mbps);
              add_member_bool (builder, "accessible", ds->accessible);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }

      json_builder_set_member_name (builder, "vms");
      json_builder_begin_array (builder);
      for (guint j = 0; j < provider->vms->len; j++)
        {
          VdiSimVm *vm = g_ptr_array_index (provider->vms, j);

          json_builder_begin_object (builder);
          add_member_string (builder, "id", vm->id);
          add_member_string (builder, "name", vm->name);
          add_member_string (builder, "state", vdi_sim_power_to_string (vm->power));
          add_member_double (builder, "disk_gb", (double) vm->disk_bytes / VDI_SIM_GIB);
          if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
            add_member_bool (builder, "planned", vm->planned);
          else
            {
              add_member_bool (builder, "template", vm->is_template);
              if (vm->datastore != NULL)
                add_member_string (builder, "datastore", vm->datastore->name);
              if (vm->host != NULL)
                add_member_string (builder, "host", vm->host->name);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          json_builder_set_member_name (builder, "exports");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->exports->len; j++)
            {
              VdiSimExport *export = g_ptr_array_index (provider->exports, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "vm", export->vm_name);
              add_member_string (builder, "directory", export->directory);
              add_member_string (builder, "definition_file", export->definition_file);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }

      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->jobs->len; i++)
    add_job_json (builder, g_ptr_array_index (self->jobs, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
vdi_sim_world_counters_json (VdiSimWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  json_builder_begin_object (builder);
  add_member_double (builder, "time", vdi_sim_world_now (self));
  add_member_double (builder, "since", self->counters_since);
  add_member_double (builder, "bytes_moved", self->bytes_moved);

  json_builder_set_member_name (builder, "providers");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, provider->name);
      json_builder_begin_object (builder);
      add_member_string (builder, "type", vdi_sim_provider_kind_to_string (provider->kind));
      add_member_int (builder, "requests_total", provider->requests_total);
      json_builder_set_member_name (builder, "requests");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, provider->requests);
      while (g_hash_table_iter_next (&iter, &key, &value))
        add_member_int (builder, key, GPOINTER_TO_UINT (value));
      json_builder_end_object (builder);
      add_member_double (builder, "bytes_moved", provider->bytes_moved);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          add_member_int (builder, "concurrent_exports", provider->cur_exports);
          add_member_int (builder, "peak_concurrent_exports", provider->peak_exports);
          add_member_int (builder, "concurrent_migrations", provider->cur_migrations);
          add_member_int (builder, "peak_concurrent_migrations", provider->peak_migrations);
          add_member_int (builder, "peak_concurrent_migrations_in", provider->peak_migrations_in);
          add_member_int (builder, "peak_concurrent_migrations_out", provider->peak_migrations_out);
        }
      else
        {
          add_member_int (builder, "concurrent_clones", provider->cur_clones);
          add_member_int (builder, "peak_concurrent_clones", provider->peak_clones);
          json_builder_set_member_name (builder, "datastores");
          json_builder_begin_object (builder);
          for (guint j = 0; j < provider->datastores->len; j++)
            {
              VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

              json_builder_set_member_name (builder, ds->name);
              json_builder_begin_object (builder);
              add_member_int (builder, "concurrent_clones", ds->cur_clones);
              add_member_int (builder, "peak_concurrent_clones", ds->peak_clones);
              add_member_double (builder, "bytes_written", ds->write_link->bytes_moved);
              json_builder_end_object (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);

      if (job->queue_time < self->counters_since
          && (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
          && job->end_time < self->counters_since)
        continue;
      add_job_json (builder, job);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
vdi_sim_world_reset_counters (VdiSimWorld *self)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));

  self->counters_since = vdi_sim_world_now (self);
  self->bytes_moved = 0;

  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      g_hash_table_remove_all (provider->requests);
      provider->requests_total = 0;
      provider->bytes_moved = 0;
      provider->peak_exports = provider->cur_exports;
      provider->peak_migrations = provider->cur_migrations;
      provider->peak_migrations_in = provider->cur_migrations_in;
      provider->peak_migrations_out = provider->cur_migrations_out;
      provider->peak_clones = provider->cur_clones;
      for (guint j = 0; j < provider->datastores->len; j++)
        {
          VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

          ds->peak_clones = ds->cur_clones;
          ds->write_link->bytes_moved = 0;
          ds->read_link->bytes_moved = 0;
        }
    }
}
