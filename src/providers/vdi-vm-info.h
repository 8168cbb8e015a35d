/* vdi-vm-info.h
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

#include <glib-object.h>

G_BEGIN_DECLS

#define VDI_TYPE_VM_INFO (vdi_vm_info_get_type ())

G_DECLARE_FINAL_TYPE (VdiVmInfo, vdi_vm_info, VDI, VM_INFO, GObject)

/* A virtual machine or template as a provider lists it.
 * Read-only once made; every value is a construct-only property of the same name.
 *
 * A planned VM (Hyper-V's Msvm_PlannedComputerSystem: what an import makes before it is
 * realized) cannot run, be exported or be moved; only vdi_backend_list_planned_vms_async()
 * reports one, with "planned" set, and its host, datastore and disk size unknown. */

VdiVmInfo          *vdi_vm_info_new                   (const char *id,
                                                       const char *name,
                                                       gboolean    is_template,
                                                       gboolean    powered_on,
                                                       guint64     disk_bytes,
                                                       const char *host,
                                                       const char *datastore,
                                                       const char *datastore_id);
VdiVmInfo          *vdi_vm_info_new_planned           (const char *id,
                                                       const char *name);
const char         *vdi_vm_info_get_id                (VdiVmInfo *self);
const char         *vdi_vm_info_get_name              (VdiVmInfo *self);
gboolean            vdi_vm_info_get_is_template       (VdiVmInfo *self);
gboolean            vdi_vm_info_get_powered_on        (VdiVmInfo *self);
guint64             vdi_vm_info_get_disk_bytes        (VdiVmInfo *self);
const char         *vdi_vm_info_get_host              (VdiVmInfo *self);
const char         *vdi_vm_info_get_datastore         (VdiVmInfo *self);
const char         *vdi_vm_info_get_datastore_id      (VdiVmInfo *self);
gboolean            vdi_vm_info_get_planned           (VdiVmInfo *self);

G_END_DECLS
