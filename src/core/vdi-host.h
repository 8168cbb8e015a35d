/* vdi-host.h
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

#include "vdi-enums.h"
#include "vdi-provider.h"

G_BEGIN_DECLS

#define VDI_TYPE_HOST (vdi_host_get_type ())

G_DECLARE_FINAL_TYPE (VdiHost, vdi_host, VDI, HOST, GObject)

/* A desktop host cloned from a template. Properties: "name" (construct-only), "provider",
 * "datastore" (vCenter, or NULL), "state", "vm-id", "last-error", "needs-recreate". */

VdiHost            *vdi_host_new                      (const char         *name,
                                                       VdiProvider        *provider);
const char         *vdi_host_get_name                 (VdiHost            *self);
VdiProvider        *vdi_host_get_provider             (VdiHost            *self);
void                vdi_host_set_provider             (VdiHost            *self,
                                                       VdiProvider        *provider);
const char         *vdi_host_get_datastore            (VdiHost            *self);
void                vdi_host_set_datastore            (VdiHost            *self,
                                                       const char         *datastore);
VdiHostState        vdi_host_get_state                (VdiHost            *self);
void                vdi_host_set_state                (VdiHost            *self,
                                                       VdiHostState        state);
const char         *vdi_host_get_vm_id                (VdiHost            *self);
void                vdi_host_set_vm_id                (VdiHost            *self,
                                                       const char         *vm_id);
const char         *vdi_host_get_last_error           (VdiHost            *self);
void                vdi_host_set_last_error           (VdiHost            *self,
                                                       const char         *last_error);
gboolean            vdi_host_get_needs_recreate       (VdiHost            *self);
void                vdi_host_set_needs_recreate       (VdiHost            *self,
                                                       gboolean            needs_recreate);

G_END_DECLS
