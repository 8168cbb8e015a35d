/* vdi-templates-page.h
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

#define VDI_TYPE_TEMPLATES_PAGE (vdi_templates_page_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplatesPage, vdi_templates_page, VDI, TEMPLATES_PAGE, AdwBin)

VdiFarm            *vdi_templates_page_get_farm       (VdiTemplatesPage   *self);
void                vdi_templates_page_set_farm       (VdiTemplatesPage   *self,
                                                       VdiFarm            *farm);
GtkColumnView      *vdi_templates_page_get_column_view (VdiTemplatesPage  *self);
GtkColumnViewColumn *vdi_templates_page_get_column    (VdiTemplatesPage   *self,
                                                       const char         *id);
GtkEditable        *vdi_templates_page_get_search_entry (VdiTemplatesPage *self);
const char         *vdi_templates_page_get_state      (VdiTemplatesPage   *self);
void                vdi_templates_page_focus_search   (VdiTemplatesPage   *self);
VdiTemplate        *vdi_templates_page_get_selected   (VdiTemplatesPage   *self);
void                vdi_templates_page_set_read_only  (VdiTemplatesPage   *self,
                                                       gboolean            read_only);

G_END_DECLS
