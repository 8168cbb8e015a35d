/* vdi-template-cell.h
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

#define VDI_TYPE_TEMPLATE_CELL (vdi_template_cell_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplateCell, vdi_template_cell, VDI, TEMPLATE_CELL, AdwBin)

/* One cell of the Templates table, around the widget that shows it (its "child"): the template
 * of its row ("template", bound to the list item's item by the column's factory), and the
 * gestures every cell answers. A secondary click or a long press asks for the Tasks menu by
 * activating "templates.context-menu" with (template id, x, y), x and y in the coordinates of
 * the cell's root. */

VdiTemplateCell    *vdi_template_cell_new             (void);
VdiTemplate        *vdi_template_cell_get_template    (VdiTemplateCell    *self);
void                vdi_template_cell_set_template    (VdiTemplateCell    *self,
                                                       VdiTemplate        *template);

G_END_DECLS
