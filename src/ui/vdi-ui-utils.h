/* vdi-ui-utils.h
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

GSettings          *vdi_settings_new                  (void);
void                vdi_show_toast                    (GtkWidget          *widget,
                                                       const char         *message);
void                vdi_string_list_set_enum_labels   (GtkStringList      *list,
                                                       GType               enum_type);

G_END_DECLS
