/* vdi-sim-world-hyperv.c
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

/* Hyper-V operations (Msvm_VirtualSystemManagementService, Msvm_VirtualSystemMigrationService) */

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
hyperv_job_start (VdiSimWorld *self,
                  VdiSimJob   *job)
{
  /* Hyper-V answers the Invoke with the job already running (JobState 4, 0 %). */
  _vdi_sim_world_job_begin (self, job);
}

static char *
export_disk_full_message (const char *vm_name)
{
  return g_strdup_printf ("Failed to export the virtual machine '%s': There is not enough space on the disk. (0x80070070).",
                          vm_name);
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

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_EXPORT);
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->path = g_steal_pointer (&dir);
  job->copy_storage = copy_storage;
  vm->busy++;
  job->holds_vm = TRUE;

  /* The export writes a copy of the disks on this host's own disk (an import then registers
   * the VM where those files are): its space is promised when the export starts. */
  if (copy_storage && host->disk_free >= 0)
    {
      if (host->disk_free - host->disk_reserved < (double) vm->disk_bytes)
        {
          g_autofree char *message = export_disk_full_message (vm->name);

          job->state = VDI_SIM_JOB_RUNNING;
          job->start_time = job->queue_time;
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
          *out_job = job;
          return VDI_SIM_RV_JOB_STARTED;
        }
      job->reserved_bytes = vm->disk_bytes;
      host->disk_reserved += (double) vm->disk_bytes;
    }

  hyperv_job_start (self, job);

  if (_vdi_sim_world_find_export (host, job->path) != NULL)
    _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED,
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

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_IMPORT);
  job->path = g_strdup (definition_file);
  job->generate_new_id = generate_new_id;
  job->duration = IMPORT_SECONDS;
  export = _vdi_sim_world_find_export (host, definition_file);
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

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_REALIZE);
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

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_DESTROY);
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
  vdi_sim_world_notify_changed (self);
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

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_STATE_CHANGE);
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
  if (migration_type != VDI_SIM_MIGRATION_VIRTUAL_SYSTEM
      && migration_type != VDI_SIM_MIGRATION_STORAGE
      && migration_type != VDI_SIM_MIGRATION_STAGED
      && migration_type != VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE)
    return VDI_SIM_RV_INVALID_PARAM;

  job = _vdi_sim_world_job_new (self, host, VDI_SIM_JOB_MIGRATE);
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
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }
  if (dest == host)
    {
      job->state = VDI_SIM_JOB_RUNNING;
      job->start_time = job->queue_time;
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED,
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
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
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
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
      return VDI_SIM_RV_JOB_STARTED;
    }

  job->dest = dest;

  /* The storage goes to the destination's disk: space for it is promised when the migration
   * starts, as Hyper-V checks before it copies. */
  if (dest->disk_free >= 0 && vdi_sim_migration_moves_storage (migration_type))
    {
      if (dest->disk_free - dest->disk_reserved < (double) vm->disk_bytes)
        {
          g_autofree char *message = disk_full_message (vm->name, dest->name);

          job->state = VDI_SIM_JOB_RUNNING;
          job->start_time = job->queue_time;
          _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
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

  /* The disk filled up under the copies and exports in flight: the latest ones fail until the
   * rest fit, in Hyper-V's words. */
  for (guint i = self->jobs->len; i > 0 && host->disk_reserved > host->disk_free; i--)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i - 1);
      g_autofree char *message = NULL;

      if (job->reserved_bytes == 0 || job->state != VDI_SIM_JOB_RUNNING)
        continue;
      if (job->kind == VDI_SIM_JOB_MIGRATE && job->dest == host)
        message = disk_full_message (job->vm_name, host->name);
      else if (job->kind == VDI_SIM_JOB_EXPORT && job->provider == host)
        message = export_disk_full_message (job->vm_name);
      else
        continue;
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
    }
}
