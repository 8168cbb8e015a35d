/* vdi-vm-row.h
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

#include "vdi-check-row.h"
#include "vdi-vm-info.h"

G_BEGIN_DECLS

#define VDI_TYPE_VM_ROW (vdi_vm_row_get_type ())

G_DECLARE_FINAL_TYPE (VdiVmRow, vdi_vm_row, VDI, VM_ROW, VdiCheckRow)

/* A VM in the wizard's source list ("vm", construct-only): a radio (the rows of one list share
 * a group, vdi_check_row_set_group()), its name, and its state and host. A VM that is already
 * the source of one of the farm's templates ("in-farm") is shown, dimmed, and cannot be
 * chosen. */

VdiVmRow           *vdi_vm_row_new                    (VdiVmInfo          *vm,
                                                       gboolean            in_farm);
VdiVmInfo          *vdi_vm_row_get_vm                 (VdiVmRow           *self);
gboolean            vdi_vm_row_get_in_farm            (VdiVmRow           *self);

G_END_DECLS
