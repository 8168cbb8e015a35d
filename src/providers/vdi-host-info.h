/* vdi-host-info.h
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

#define VDI_TYPE_HOST_INFO (vdi_host_info_get_type ())

G_DECLARE_FINAL_TYPE (VdiHostInfo, vdi_host_info, VDI, HOST_INFO, GObject)

/* A hypervisor host: the Hyper-V host itself, or an ESXi host of a vCenter.
 * Read-only once made; every value is a construct-only property of the same name. */

VdiHostInfo        *vdi_host_info_new                 (const char *id,
                                                       const char *name,
                                                       gboolean    connected);
const char         *vdi_host_info_get_id              (VdiHostInfo *self);
const char         *vdi_host_info_get_name            (VdiHostInfo *self);
gboolean            vdi_host_info_get_connected       (VdiHostInfo *self);

G_END_DECLS
