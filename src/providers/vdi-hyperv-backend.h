/* vdi-hyperv-backend.h
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

#include "vdi-backend.h"

G_BEGIN_DECLS

#define VDI_TYPE_HYPERV_BACKEND (vdi_hyperv_backend_get_type ())

G_DECLARE_FINAL_TYPE (VdiHypervBackend, vdi_hyperv_backend, VDI, HYPERV_BACKEND, GObject)

VdiHypervBackend   *vdi_hyperv_backend_new            (VdiProvider        *provider,
                                                       const char         *password,
                                                       GError            **error);
const char         *vdi_hyperv_backend_get_auth_label (VdiHypervBackend   *self);
void                vdi_hyperv_backend_set_timeout    (VdiHypervBackend   *self,
                                                       guint               seconds);

/* Hyper-V's own rules about where things go, for the engine to use without knowing them. */

/* The folder on a host that receives exports unless the admin chose another. */
#define VDI_HYPERV_DEFAULT_EXPORT_ROOT "C:\\VDI\\Exports"

char               *vdi_hyperv_definition_file        (const char         *export_dir,
                                                       const char         *vm_name,
                                                       const char         *vm_id);
char               *vdi_hyperv_migration_destination  (VdiProvider        *provider);

G_END_DECLS
