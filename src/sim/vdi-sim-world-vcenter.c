/* vdi-sim-world-vcenter.c
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

/* vCenter operations: tasks start queued, as on vCenter. */

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

  job = _vdi_sim_world_job_new (self, vcenter, VDI_SIM_TASK_CLONE);
  job->name = g_strdup ("CloneVM_Task");
  job->description_id = g_strdup ("VirtualMachine.clone");
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);
  job->new_name = g_strdup (name);
  job->dest_ds = datastore;
  job->dest_host = host;
  job->pool_given = pool_given;
  job->as_template = as_template;
  job->linked = linked;
  job->power_on = power_on;

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

  job = _vdi_sim_world_job_new (self, vcenter, on ? VDI_SIM_TASK_POWER_ON : VDI_SIM_TASK_POWER_OFF);
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

  job = _vdi_sim_world_job_new (self, vcenter, VDI_SIM_TASK_DESTROY);
  job->name = g_strdup ("Destroy_Task");
  job->description_id = g_strdup ("VirtualMachine.destroy");
  job->vm_id = g_strdup (vm->id);
  job->vm_name = g_strdup (vm->name);

  return job;
}
