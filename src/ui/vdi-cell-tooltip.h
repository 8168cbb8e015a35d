/* vdi-cell-tooltip.h
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

#define VDI_TYPE_CELL_TOOLTIP (vdi_cell_tooltip_get_type ())

G_DECLARE_FINAL_TYPE (VdiCellTooltip, vdi_cell_tooltip, VDI, CELL_TOOLTIP, AdwBin)

/* A list cell's tooltip, around the widget that shows the cell (its "child"). Its "text" is kept
 * and given when the tooltip is asked for, and is the cell's accessible description.
 *
 * A column's factory binds "text" here instead of the child's "tooltip-text": setting a widget's
 * tooltip text makes GTK ask the display where the pointer is, a round trip to an X server, for
 * every cell bound, which is hundreds as a big list first shows. */

VdiCellTooltip *vdi_cell_tooltip_new      (void);
const char     *vdi_cell_tooltip_get_text (VdiCellTooltip *self);
void            vdi_cell_tooltip_set_text (VdiCellTooltip *self,
                                           const char     *text);

G_END_DECLS
