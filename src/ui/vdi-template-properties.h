/* vdi-template-properties.h
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

#include <adwaita.h>

#include "vdi-core.h"
#include "vdi-distributor.h"

G_BEGIN_DECLS

#define VDI_TYPE_TEMPLATE_PROPERTIES (vdi_template_properties_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplateProperties, vdi_template_properties, VDI, TEMPLATE_PROPERTIES,
                      AdwWindow)

/* The template's Properties: its settings, each applied through the model's checks (a value
 * the model refuses is put back, and the reason shown); the multi-provider setting read-only,
 * with the reason; for a multi-provider template the Available/Target lists, whose changes
 * Apply hands to the distributor (Adding provider / Removing provider), and the concurrency;
 * the datastores of a vCenter template; its hosts with their states. */

VdiTemplateProperties *vdi_template_properties_new    (GtkWindow          *parent,
                                                       VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiDistributor     *distributor,
                                                       VdiTemplate        *template);
VdiTemplate        *vdi_template_properties_get_template (VdiTemplateProperties *self);
const char         *vdi_template_properties_get_error (VdiTemplateProperties *self);
gboolean            vdi_template_properties_get_busy  (VdiTemplateProperties *self);

G_END_DECLS
