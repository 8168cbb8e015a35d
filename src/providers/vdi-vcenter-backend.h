/* vdi-vcenter-backend.h: VMware vCenter over the vSphere Web Services API (vim25 SOAP).
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

#define VDI_TYPE_VCENTER_BACKEND (vdi_vcenter_backend_get_type ())

G_DECLARE_FINAL_TYPE (VdiVcenterBackend, vdi_vcenter_backend, VDI, VCENTER_BACKEND, GObject)

/* The page size of listings (RetrievePropertiesEx maxObjects) when none is set. */
#define VDI_VCENTER_BACKEND_DEFAULT_MAX_OBJECTS 500

VdiVcenterBackend  *vdi_vcenter_backend_new           (VdiProvider        *provider,
                                                       const char         *password,
                                                       GError            **error);
void                vdi_vcenter_backend_set_max_objects (VdiVcenterBackend *self,
                                                       guint               max_objects);
void                vdi_vcenter_backend_set_timeout   (VdiVcenterBackend  *self,
                                                       guint               timeout_seconds);

G_END_DECLS
