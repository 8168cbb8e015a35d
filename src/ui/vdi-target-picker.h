/* vdi-target-picker.h
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

G_BEGIN_DECLS

#define VDI_TYPE_TARGET_PICKER (vdi_target_picker_get_type ())

G_DECLARE_FINAL_TYPE (VdiTargetPicker, vdi_target_picker, VDI, TARGET_PICKER, AdwBin)

/* The Available and Target lists of RAS's Distribution page, with Add, Add all, Remove and
 * Remove all (actions picker.add, picker.add-all, picker.remove, picker.remove-all). Both lists
 * are multi-selection; double-click or Enter on a row moves it to the other list. Each row shows
 * its provider's live status. Property "n-targets" (read-only) follows the Target list. */

VdiTargetPicker    *vdi_target_picker_new             (void);
void                vdi_target_picker_set_providers   (VdiTargetPicker    *self,
                                                       GPtrArray          *available,
                                                       GPtrArray          *targets);
GListModel         *vdi_target_picker_get_available   (VdiTargetPicker    *self);
GListModel         *vdi_target_picker_get_targets     (VdiTargetPicker    *self);
guint               vdi_target_picker_get_n_targets   (VdiTargetPicker    *self);
GtkListView        *vdi_target_picker_get_available_view (VdiTargetPicker *self);
GtkListView        *vdi_target_picker_get_target_view (VdiTargetPicker    *self);

G_END_DECLS
