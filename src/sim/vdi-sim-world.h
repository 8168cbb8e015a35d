/* vdi-sim-world.h
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vdi-sim-clock.h"
#include "vdi-sim-model.h"
#include "vdi-sim-network.h"

G_BEGIN_DECLS

/* Hyper-V method return values (MS docs, libvirt hyperv_wmi.h). */
#define VDI_SIM_RV_OK              0
#define VDI_SIM_RV_JOB_STARTED     4096
#define VDI_SIM_RV_FAILED          32768
#define VDI_SIM_RV_ACCESS_DENIED   32769
#define VDI_SIM_RV_NOT_SUPPORTED   32770
#define VDI_SIM_RV_INVALID_PARAM   32773
#define VDI_SIM_RV_IN_USE          32774
#define VDI_SIM_RV_INVALID_STATE   32775

/* Hyper-V keeps finished jobs this long (TimeBeforeRemoval default, 5 minutes). */
#define VDI_SIM_JOB_TIME_BEFORE_REMOVAL 300.0

#define VDI_SIM_TYPE_WORLD (vdi_sim_world_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimWorld, vdi_sim_world, VDI_SIM, WORLD, GObject)

VdiSimWorld     *vdi_sim_world_new                  (double           time_scale);
VdiSimClock     *vdi_sim_world_get_clock            (VdiSimWorld     *self);
VdiSimNetwork   *vdi_sim_world_get_network          (VdiSimWorld     *self);
double           vdi_sim_world_now                  (VdiSimWorld     *self);
void             vdi_sim_world_add_provider         (VdiSimWorld     *self,
                                                     VdiSimProvider  *provider);
void             vdi_sim_world_add_datastore        (VdiSimWorld     *self,
                                                     VdiSimProvider  *provider,
                                                     VdiSimDatastore *datastore);
void             vdi_sim_world_refresh_links        (VdiSimWorld     *self,
                                                     VdiSimProvider  *provider);
GPtrArray       *vdi_sim_world_get_providers        (VdiSimWorld     *self);
VdiSimProvider  *vdi_sim_world_find_provider        (VdiSimWorld     *self,
                                                     const char      *name);
GPtrArray       *vdi_sim_world_get_jobs             (VdiSimWorld     *self);
VdiSimJob       *vdi_sim_world_find_job             (VdiSimWorld     *self,
                                                     const char      *id);
void             vdi_sim_world_tick                 (VdiSimWorld     *self);
void             vdi_sim_world_notify_changed       (VdiSimWorld     *self);

/* Hyper-V: each returns the method's ReturnValue and, for 4096, the job. */
guint            vdi_sim_world_export               (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *vm_id,
                                                     const char      *directory,
                                                     gboolean         create_subdirectory,
                                                     gboolean         copy_storage,
                                                     VdiSimJob      **out_job);
guint            vdi_sim_world_import               (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *definition_file,
                                                     gboolean         generate_new_id,
                                                     VdiSimJob      **out_job);
guint            vdi_sim_world_realize              (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *planned_id,
                                                     VdiSimJob      **out_job);
guint            vdi_sim_world_destroy_system       (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *vm_id,
                                                     VdiSimJob      **out_job);
guint            vdi_sim_world_request_state_change (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *vm_id,
                                                     int              requested_state,
                                                     VdiSimJob      **out_job);
guint            vdi_sim_world_modify_system_settings (VdiSimWorld   *self,
                                                     VdiSimProvider  *host,
                                                     const char      *instance_id,
                                                     const char      *element_name);
guint            vdi_sim_world_migrate              (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     const char      *vm_id,
                                                     const char      *destination_host,
                                                     guint            migration_type,
                                                     VdiSimJob      **out_job);

/* vCenter: tasks start queued; their errors appear in the task, as on vCenter. */
VdiSimJob       *vdi_sim_world_clone                (VdiSimWorld     *self,
                                                     VdiSimProvider  *vcenter,
                                                     VdiSimVm        *vm,
                                                     const char      *name,
                                                     VdiSimDatastore *datastore,
                                                     VdiSimEsxHost   *host,
                                                     gboolean         pool_given,
                                                     gboolean         as_template,
                                                     gboolean         power_on,
                                                     gboolean         linked);
VdiSimJob       *vdi_sim_world_power                (VdiSimWorld     *self,
                                                     VdiSimProvider  *vcenter,
                                                     VdiSimVm        *vm,
                                                     gboolean         on);
VdiSimJob       *vdi_sim_world_destroy_vm           (VdiSimWorld     *self,
                                                     VdiSimProvider  *vcenter,
                                                     VdiSimVm        *vm);
VdiSimVm        *vdi_sim_world_add_vcenter_vm       (VdiSimWorld     *self,
                                                     VdiSimProvider  *vcenter,
                                                     const char      *name,
                                                     guint64          disk_bytes,
                                                     VdiSimDatastore *datastore,
                                                     VdiSimEsxHost   *host);

void             vdi_sim_world_inject_job_failure   (VdiSimWorld     *self,
                                                     VdiSimJob       *job,
                                                     const char      *fault,
                                                     const char      *message);
void             vdi_sim_world_set_offline          (VdiSimWorld     *self,
                                                     VdiSimProvider  *provider,
                                                     VdiSimOfflineMode mode);
void             vdi_sim_world_set_disk_free        (VdiSimWorld     *self,
                                                     VdiSimProvider  *host,
                                                     double           free_bytes);

JsonNode        *vdi_sim_world_inventory_json       (VdiSimWorld     *self);
JsonNode        *vdi_sim_world_counters_json        (VdiSimWorld     *self);
void             vdi_sim_world_reset_counters       (VdiSimWorld     *self);

G_END_DECLS
