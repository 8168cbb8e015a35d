/* vdi-window.h
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

#include "vdi-application.h"
#include "vdi-banner.h"
#include "vdi-providers-page.h"
#include "vdi-templates-page.h"

G_BEGIN_DECLS

#define VDI_TYPE_WINDOW (vdi_window_get_type ())

G_DECLARE_FINAL_TYPE (VdiWindow, vdi_window, VDI, WINDOW, AdwApplicationWindow)

VdiWindow          *vdi_window_new                    (VdiApplication     *application);
VdiFarm            *vdi_window_get_farm               (VdiWindow          *self);
VdiCredentials     *vdi_window_get_credentials        (VdiWindow          *self);
VdiTemplatesPage   *vdi_window_get_templates_page     (VdiWindow          *self);
VdiProvidersPage   *vdi_window_get_providers_page     (VdiWindow          *self);
const char         *vdi_window_get_visible_page       (VdiWindow          *self);
void                vdi_window_show_page              (VdiWindow          *self,
                                                       const char         *name);
void                vdi_window_load_farm              (VdiWindow          *self);
gboolean            vdi_window_get_loading            (VdiWindow          *self);
void                vdi_window_show_latest_toast      (VdiWindow          *self,
                                                       AdwToast          **latest,
                                                       AdwToast           *toast);
void                vdi_window_add_toast              (VdiWindow          *self,
                                                       AdwToast           *toast);
void                vdi_window_set_banner             (VdiWindow          *self,
                                                       const char         *title,
                                                       const char         *button_label,
                                                       const char         *action_name);
VdiBanner          *vdi_window_get_banner             (VdiWindow          *self);

G_END_DECLS
