/* vdi-sim-wsman-instances.c
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

#include "vdi-sim-wsman-private.h"

/* The CIM instances a simulated Hyper-V host shows, read from the world. */

static char *
format_interval (double seconds)
{
  guint64 total = (guint64) MAX (seconds, 0);
  guint days = total / 86400, hours = (total / 3600) % 24, minutes = (total / 60) % 60;
  double secs = seconds - (double) (total - total % 60);

  return g_strdup_printf ("P%uDT%uH%uM%.6fS", days, hours, minutes, MAX (secs, 0.0));
}

static char *
format_datetime (VdiSimWsman *self,
                 double       sim_seconds)
{
  g_autoptr(GDateTime) dt = vdi_sim_clock_to_datetime (vdi_sim_world_get_clock (self->world), sim_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static guint
enabled_state (VdiSimVm *vm)
{
  switch (vm->power)
    {
    case VDI_SIM_POWER_ON:
      return 2;
    case VDI_SIM_POWER_SAVED:
      return 32769;
    case VDI_SIM_POWER_PAUSED:
      return 32768;
    case VDI_SIM_POWER_OFF:
    default:
      return 3;
    }
}

static VdiSimCimInstance *
host_instance (VdiSimWsman *self)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new ("Msvm_ComputerSystem");
  g_autofree char *name = g_ascii_strup (self->host->name, -1);

  vdi_sim_cim_add_str (instance, "Caption", "Hosting Computer System");
  vdi_sim_cim_add_key (instance, "CreationClassName", "Msvm_ComputerSystem");
  vdi_sim_cim_add_str (instance, "Description", "Microsoft Hosting Computer System");
  vdi_sim_cim_add_str (instance, "ElementName", name);
  vdi_sim_cim_add_uint (instance, "EnabledState", 2);
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add (instance, "InstanceID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_key (instance, "Name", name);
  vdi_sim_cim_add_uint (instance, "OperationalStatus", 2);
  vdi_sim_cim_add_str (instance, "PrimaryOwnerName", self->host->user);
  vdi_sim_cim_add_uint (instance, "RequestedState", 12);

  return instance;
}

static VdiSimCimInstance *
vm_instance (VdiSimWsman *self,
             VdiSimVm    *vm)
{
  const char *class_name = vm->planned ? "Msvm_PlannedComputerSystem" : "Msvm_ComputerSystem";
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (class_name);

  vdi_sim_cim_add_str (instance, "Caption", vm->planned ? "Planned Virtual Machine" : "Virtual Machine");
  vdi_sim_cim_add_key (instance, "CreationClassName", class_name);
  vdi_sim_cim_add_str (instance, "Description", vm->planned ? "Microsoft Planned Virtual Machine" : "Microsoft Virtual Machine");
  vdi_sim_cim_add_str (instance, "ElementName", vm->name);
  vdi_sim_cim_add_uint (instance, "EnabledState", vm->planned ? 3 : enabled_state (vm));
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add (instance, "InstanceID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_key (instance, "Name", vm->id);
  vdi_sim_cim_add_uint (instance, "OperationalStatus", vm->busy > 0 ? 32773 : 2);
  if (vm->power == VDI_SIM_POWER_ON && !vm->planned)
    vdi_sim_cim_add_uint (instance, "ProcessID", 4000 + g_str_hash (vm->id) % 20000);
  else
    vdi_sim_cim_add (instance, "ProcessID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_uint (instance, "RequestedState", 12);

  return instance;
}

static const char *
job_caption (VdiSimJob *job)
{
  switch (job->kind)
    {
    case VDI_SIM_JOB_EXPORT:
      return "Exporting Virtual Machine";
    case VDI_SIM_JOB_IMPORT:
      return "Importing Virtual Machine";
    case VDI_SIM_JOB_REALIZE:
      return "Realizing Planned Virtual Machine";
    case VDI_SIM_JOB_DESTROY:
      return "Deleting Virtual Machine";
    case VDI_SIM_JOB_STATE_CHANGE:
      return "Changing Virtual Machine State";
    case VDI_SIM_JOB_MIGRATE:
      return "Migrating Virtual Machine";
    default:
      return "Job";
    }
}

static guint
job_state_value (VdiSimJob *job)
{
  switch (job->state)
    {
    case VDI_SIM_JOB_QUEUED:
      return 3;
    case VDI_SIM_JOB_RUNNING:
      return 4;
    case VDI_SIM_JOB_COMPLETED:
      return 7;
    case VDI_SIM_JOB_FAILED:
    default:
      return 10;
    }
}

static VdiSimCimInstance *
job_instance (VdiSimWsman *self,
              VdiSimJob   *job)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (job->job_class);
  double now = vdi_sim_world_now (self->world);
  double end = job->state == VDI_SIM_JOB_RUNNING || job->state == VDI_SIM_JOB_QUEUED ? now : job->end_time;
  g_autofree char *elapsed = format_interval (end - job->start_time);
  g_autofree char *start = format_datetime (self, job->start_time);
  g_autofree char *submitted = format_datetime (self, job->queue_time);
  const char *status;

  switch (job->state)
    {
    case VDI_SIM_JOB_COMPLETED:
      status = "Job completed successfully";
      break;
    case VDI_SIM_JOB_FAILED:
      status = "Job failed";
      break;
    case VDI_SIM_JOB_QUEUED:
    case VDI_SIM_JOB_RUNNING:
    default:
      status = "Job is running";
      break;
    }

  vdi_sim_cim_add_str (instance, "Caption", job_caption (job));
  vdi_sim_cim_add_str (instance, "Cancellable", "true");
  vdi_sim_cim_add_str (instance, "DeleteOnCompletion", "false");
  vdi_sim_cim_add_str (instance, "Description", job_caption (job));
  vdi_sim_cim_add (instance, "ElapsedTime", VDI_SIM_CIM_INTERVAL, elapsed);
  vdi_sim_cim_add_uint (instance, "ErrorCode", job->state == VDI_SIM_JOB_FAILED ? job->error_code : 0);
  vdi_sim_cim_add_str (instance, "ErrorDescription", job->state == VDI_SIM_JOB_FAILED ? job->error_description : "");
  vdi_sim_cim_add_str (instance, "ErrorSummaryDescription", job->state == VDI_SIM_JOB_FAILED ? job->error_description : "");
  vdi_sim_cim_add_key (instance, "InstanceID", job->id);
  vdi_sim_cim_add_uint (instance, "JobState", job_state_value (job));
  vdi_sim_cim_add_str (instance, "JobStatus", status);
  vdi_sim_cim_add_str (instance, "Name", job_caption (job));
  vdi_sim_cim_add_uint (instance, "PercentComplete", job->percent);
  vdi_sim_cim_add (instance, "StartTime", VDI_SIM_CIM_DATETIME, start);
  vdi_sim_cim_add (instance, "TimeBeforeRemoval", VDI_SIM_CIM_INTERVAL, "P0DT0H5M0S");
  vdi_sim_cim_add (instance, "TimeSubmitted", VDI_SIM_CIM_DATETIME, submitted);
  vdi_sim_cim_add (instance, "UntilTime", VDI_SIM_CIM_NIL, NULL);

  if (job->kind == VDI_SIM_JOB_MIGRATE)
    {
      vdi_sim_cim_add_str (instance, "DestinationHost", job->new_name);
      vdi_sim_cim_add_uint (instance, "MigrationType", job->migration_type);
      vdi_sim_cim_add_str (instance, "VirtualSystemName", job->vm_id);
    }

  return instance;
}

static VdiSimCimInstance *
affected_instance (VdiSimWsman *self,
                   VdiSimJob   *job)
{
  VdiSimCimInstance *instance;
  const char *target_id = job->result_id != NULL ? job->result_id : job->vm_id;
  const char *target_class = job->result_class != NULL ? job->result_class : "Msvm_ComputerSystem";
  g_autoptr(GString) affected = g_string_new (NULL);
  g_autoptr(GString) affecting = g_string_new (NULL);

  if (target_id == NULL)
    return NULL;

  instance = vdi_sim_cim_instance_new ("Msvm_AffectedJobElement");
  vdi_sim_cim_append_epr (affected, "p:AffectedElement", target_class, "CreationClassName", target_class, "Name", target_id);
  vdi_sim_cim_append_epr (affecting, "p:AffectingElement", job->job_class, "InstanceID", job->id, NULL, NULL);
  vdi_sim_cim_add (instance, "AffectedElement", VDI_SIM_CIM_RAW, affected->str);
  vdi_sim_cim_add (instance, "AffectingElement", VDI_SIM_CIM_RAW, affecting->str);
  vdi_sim_cim_add_uint (instance, "ElementEffects", 5);
  vdi_sim_cim_add (instance, "OtherElementEffectsDescriptions", VDI_SIM_CIM_NIL, NULL);
  return instance;
}

static VdiSimCimInstance *
service_instance (VdiSimWsman *self,
                  const char  *class_name)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (class_name);
  g_autofree char *host = g_ascii_strup (self->host->name, -1);
  gboolean migration = g_str_equal (class_name, "Msvm_VirtualSystemMigrationService");

  vdi_sim_cim_add_str (instance, "Caption", migration ? "Virtual System Migration Service" : "Hyper-V Virtual System Management Service");
  vdi_sim_cim_add_key (instance, "CreationClassName", class_name);
  vdi_sim_cim_add_str (instance, "ElementName", migration ? "Virtual System Migration Service" : "Hyper-V Virtual System Management Service");
  vdi_sim_cim_add_uint (instance, "EnabledState", 2);
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add_key (instance, "Name", migration ? "vsms" : "vmms");
  vdi_sim_cim_add_str (instance, "Started", "true");
  vdi_sim_cim_add_key (instance, "SystemCreationClassName", "Msvm_ComputerSystem");
  vdi_sim_cim_add_key (instance, "SystemName", host);

  return instance;
}

gboolean
_vdi_sim_wsman_is_known_class (const char *class_name)
{
  static const char *classes[] = {
    "Msvm_ComputerSystem", "CIM_ComputerSystem", "Msvm_PlannedComputerSystem", "Msvm_ConcreteJob",
    "CIM_ConcreteJob", "Msvm_MigrationJob", "Msvm_AffectedJobElement",
    "Msvm_VirtualSystemManagementService", "Msvm_VirtualSystemMigrationService",
    "Msvm_VirtualSystemMigrationServiceSettingData", NULL
  };

  for (guint i = 0; classes[i] != NULL; i++)
    if (g_ascii_strcasecmp (classes[i], class_name) == 0)
      return TRUE;
  return FALSE;
}

GPtrArray *
_vdi_sim_wsman_collect_instances (VdiSimWsman *self,
                                  const char  *class_name)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_cim_instance_free);
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);

  if (g_ascii_strcasecmp (class_name, "Msvm_ComputerSystem") == 0
      || g_ascii_strcasecmp (class_name, "CIM_ComputerSystem") == 0)
    {
      g_ptr_array_add (result, host_instance (self));
      for (guint i = 0; i < self->host->vms->len; i++)
        {
          VdiSimVm *vm = g_ptr_array_index (self->host->vms, i);

          if (!vm->planned)
            g_ptr_array_add (result, vm_instance (self, vm));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_PlannedComputerSystem") == 0)
    {
      for (guint i = 0; i < self->host->vms->len; i++)
        {
          VdiSimVm *vm = g_ptr_array_index (self->host->vms, i);

          if (vm->planned)
            g_ptr_array_add (result, vm_instance (self, vm));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_ConcreteJob") == 0
           || g_ascii_strcasecmp (class_name, "CIM_ConcreteJob") == 0
           || g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0)
    {
      gboolean migration_only = g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0;

      for (guint i = 0; i < jobs->len; i++)
        {
          VdiSimJob *job = g_ptr_array_index (jobs, i);

          if (job->provider != self->host || job->removed)
            continue;
          if (migration_only && job->kind != VDI_SIM_JOB_MIGRATE)
            continue;
          g_ptr_array_add (result, job_instance (self, job));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_AffectedJobElement") == 0)
    {
      for (guint i = 0; i < jobs->len; i++)
        {
          VdiSimJob *job = g_ptr_array_index (jobs, i);
          VdiSimCimInstance *instance;

          if (job->provider != self->host || job->removed)
            continue;
          if ((instance = affected_instance (self, job)) != NULL)
            g_ptr_array_add (result, instance);
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemMigrationServiceSettingData") == 0)
    g_ptr_array_add (result, vdi_sim_live_migration_instance (self->host));
  else if (g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemManagementService") == 0
           || g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemMigrationService") == 0)
    {
      g_ptr_array_add (result, service_instance (self, g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemManagementService") == 0
                                                         ? "Msvm_VirtualSystemManagementService"
                                                         : "Msvm_VirtualSystemMigrationService"));
    }

  return result;
}

static gboolean
is_system_class (const char *class_name)
{
  return g_ascii_strcasecmp (class_name, "Msvm_ComputerSystem") == 0 ||
         g_ascii_strcasecmp (class_name, "CIM_ComputerSystem") == 0 ||
         g_ascii_strcasecmp (class_name, "Msvm_PlannedComputerSystem") == 0;
}

/* The jobs of this host whose Msvm_AffectedJobElement names the VM: what WMI gives for the
 * associators of a VM with ResultClass a job class (CIM_ConcreteJob and Msvm_ConcreteJob take
 * the migration jobs too, as subclasses; Msvm_MigrationJob only those). An import affects the
 * planned VM it makes, not the exported VM it reads, so it counts only once it has made one. */
static void
add_jobs_affecting (VdiSimWsman    *self,
                    VdiSimWqlQuery *query,
                    GPtrArray      *result)
{
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);
  gboolean migration_only = query->result_class != NULL &&
                            g_ascii_strcasecmp (query->result_class, "Msvm_MigrationJob") == 0;

  if (query->result_class != NULL && !migration_only &&
      g_ascii_strcasecmp (query->result_class, "Msvm_ConcreteJob") != 0 &&
      g_ascii_strcasecmp (query->result_class, "CIM_ConcreteJob") != 0)
    return;

  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);
      const char *affected = job->result_id != NULL ? job->result_id
                             : job->kind != VDI_SIM_JOB_IMPORT ? job->vm_id : NULL;

      if (job->provider != self->host || job->removed || affected == NULL ||
          g_ascii_strcasecmp (affected, query->source_value) != 0)
        continue;
      if (migration_only && job->kind != VDI_SIM_JOB_MIGRATE)
        continue;
      g_ptr_array_add (result, job_instance (self, job));
    }
}

GPtrArray *
_vdi_sim_wsman_run_associators (VdiSimWsman    *self,
                                VdiSimWqlQuery *query)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_cim_instance_free);
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);

  if (query->assoc_class != NULL && g_ascii_strcasecmp (query->assoc_class, "Msvm_AffectedJobElement") != 0)
    return result;

  if (is_system_class (query->source_class))
    {
      add_jobs_affecting (self, query, result);
      return result;
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);
      const char *target_id = job->result_id != NULL ? job->result_id : job->vm_id;
      VdiSimVm *vm;

      if (job->provider != self->host || job->removed || g_ascii_strcasecmp (job->id, query->source_value) != 0)
        continue;

      vm = vdi_sim_provider_find_vm (self->host, target_id);
      if (vm == NULL)
        continue;
      if (query->result_class != NULL
          && g_ascii_strcasecmp (query->result_class, vm->planned ? "Msvm_PlannedComputerSystem" : "Msvm_ComputerSystem") != 0
          && g_ascii_strcasecmp (query->result_class, "CIM_ComputerSystem") != 0)
        continue;
      g_ptr_array_add (result, vm_instance (self, vm));
    }

  return result;
}
