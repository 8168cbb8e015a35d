/* vdi-check-row.h
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

#define VDI_TYPE_CHECK_ROW (vdi_check_row_get_type ())

G_DECLARE_DERIVABLE_TYPE (VdiCheckRow, vdi_check_row, VDI, CHECK_ROW, AdwActionRow)

struct _VdiCheckRowClass
{
  AdwActionRowClass parent_class;
};

/* The base of the rows that choose something from a list (VdiVmRow, VdiDatastoreRow): a check
 * box in front of the title, or a radio once the row joins a group. "active" follows it;
 * "choosable" says whether the admin can change it, and makes the whole row activate it. */

gboolean            vdi_check_row_get_active          (VdiCheckRow        *self);
void                vdi_check_row_set_active          (VdiCheckRow        *self,
                                                       gboolean            active);
gboolean            vdi_check_row_get_choosable       (VdiCheckRow        *self);
void                vdi_check_row_set_choosable       (VdiCheckRow        *self,
                                                       gboolean            choosable);
void                vdi_check_row_set_group           (VdiCheckRow        *self,
                                                       VdiCheckRow        *group);
GtkCheckButton     *vdi_check_row_get_check_button    (VdiCheckRow        *self);

G_END_DECLS
