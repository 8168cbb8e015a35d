/* vdi-open-farm-dialog.h
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

G_BEGIN_DECLS

#define VDI_TYPE_OPEN_FARM_DIALOG (vdi_open_farm_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VdiOpenFarmDialog, vdi_open_farm_dialog, VDI, OPEN_FARM_DIALOG, AdwWindow)

VdiOpenFarmDialog  *vdi_open_farm_dialog_new          (GtkWindow          *parent,
                                                       const char         *current);
gboolean            vdi_farm_location_parse           (const char         *text,
                                                       char              **location,
                                                       GError            **error);
char               *vdi_farm_location_dup_display     (const char         *location);

G_END_DECLS
