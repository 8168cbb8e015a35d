/* vdi-banner.h
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

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VDI_TYPE_BANNER (vdi_banner_get_type ())

G_DECLARE_FINAL_TYPE (VdiBanner, vdi_banner, VDI, BANNER, GtkWidget)

GtkWidget          *vdi_banner_new                    (const char         *title);
const char         *vdi_banner_get_title              (VdiBanner          *self);
void                vdi_banner_set_title              (VdiBanner          *self,
                                                       const char         *title);
const char         *vdi_banner_get_button_label       (VdiBanner          *self);
void                vdi_banner_set_button_label       (VdiBanner          *self,
                                                       const char         *label);
const char         *vdi_banner_get_action_name        (VdiBanner          *self);
void                vdi_banner_set_action_name        (VdiBanner          *self,
                                                       const char         *action_name);
gboolean            vdi_banner_get_revealed           (VdiBanner          *self);
void                vdi_banner_set_revealed           (VdiBanner          *self,
                                                       gboolean            revealed);

G_END_DECLS
