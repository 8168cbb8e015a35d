/* vdi-target-row.h
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

#define VDI_TYPE_TARGET_ROW (vdi_target_row_get_type ())

G_DECLARE_FINAL_TYPE (VdiTargetRow, vdi_target_row, VDI, TARGET_ROW, GtkBox)

/* One provider of a template in the Distribution details ("target", bound to a list item's
 * item, so that a recycled row shows another): its name, whether it is the source, its state,
 * its copy's progress, bytes, speed and time left, its last error, and a Retry button that
 * activates "dialog.retry" with the provider's id. The figures of a copy under way are drawn
 * once a frame, however many reports come. Signal "changed" when anything but those figures
 * changed, which may change what can be retried. */

VdiTargetRow       *vdi_target_row_new                (void);
VdiTarget          *vdi_target_row_get_target         (VdiTargetRow       *self);
void                vdi_target_row_set_target         (VdiTargetRow       *self,
                                                       VdiTarget          *target);
gboolean            vdi_target_row_can_retry          (VdiTarget          *target);

G_END_DECLS
