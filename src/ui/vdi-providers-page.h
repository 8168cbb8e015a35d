/* vdi-providers-page.h
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

#define VDI_TYPE_PROVIDERS_PAGE (vdi_providers_page_get_type ())

G_DECLARE_FINAL_TYPE (VdiProvidersPage, vdi_providers_page, VDI, PROVIDERS_PAGE, AdwBin)

VdiFarm            *vdi_providers_page_get_farm       (VdiProvidersPage   *self);
void                vdi_providers_page_set_farm       (VdiProvidersPage   *self,
                                                       VdiFarm            *farm);
VdiCredentials     *vdi_providers_page_get_credentials (VdiProvidersPage  *self);
void                vdi_providers_page_set_credentials (VdiProvidersPage  *self,
                                                       VdiCredentials     *credentials);
GtkColumnView      *vdi_providers_page_get_column_view (VdiProvidersPage  *self);
GtkEditable        *vdi_providers_page_get_search_entry (VdiProvidersPage *self);
VdiProvider        *vdi_providers_page_get_selected   (VdiProvidersPage   *self);
gboolean            vdi_providers_page_select         (VdiProvidersPage   *self,
                                                       VdiProvider        *provider);
const char         *vdi_providers_page_get_state      (VdiProvidersPage   *self);
void                vdi_providers_page_focus_search   (VdiProvidersPage   *self);

void                vdi_providers_page_set_read_only  (VdiProvidersPage   *self,
                                                       gboolean            read_only);

G_END_DECLS
