/* vdi-test-ui.h: helpers shared by the widget tests and vdi-screenshots.
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
#include "vdi-core.h"
#include "vdi-provider-dialog.h"
#include "vdi-providers-page.h"
#include "vdi-templates-page.h"
#include "vdi-window.h"

G_BEGIN_DECLS

typedef gboolean (*VdiTestCondition) (gpointer data);

void                vdi_test_notifications_start      (void);
GVariant           *vdi_test_notifications_lookup     (GApplication       *app,
                                                       const char         *id);
VdiApplication     *vdi_test_application_new          (const char         *farm_path,
                                                       VdiCredentials     *credentials);
void                vdi_test_flush_events             (void);
void                vdi_test_wait_for                 (VdiTestCondition    condition,
                                                       gpointer            data);
void                vdi_test_wait_frames              (GtkWidget          *widget,
                                                       guint               n_frames);
GtkWindow          *vdi_test_find_toplevel            (GType               type,
                                                       GtkWindow          *except);
GtkWindow          *vdi_test_find_named_toplevel      (const char         *name);
GtkWidget          *vdi_test_find_widget              (GtkWidget          *root,
                                                       const char         *name,
                                                       GType               type);
GPtrArray          *vdi_test_find_widgets             (GtkWidget          *root,
                                                       const char         *name,
                                                       GType               type);
GtkWidget          *vdi_test_find_action_button       (GtkWidget          *root,
                                                       const char         *action_name);
GtkWidget          *vdi_test_get_widget               (gpointer            root,
                                                       const char         *name);
gboolean            vdi_test_can                      (gpointer            root,
                                                       const char         *action_name);
void                vdi_test_press                    (gpointer            root,
                                                       const char         *action_name);
gboolean            vdi_test_action_enabled           (gpointer            widget,
                                                       const char         *detailed_action);
char               *vdi_test_provider_names           (GListModel         *providers);
char               *vdi_test_dup_unnamed_controls     (GtkWidget          *root);
void                vdi_test_destroy_toplevels        (void);
void                vdi_test_remove_dir               (const char         *path);
void                vdi_test_populate_farm            (VdiFarm            *farm,
                                                       guint               n_providers,
                                                       guint               n_templates);
gboolean            vdi_test_name_has_owner           (gpointer            bus_name);

G_END_DECLS
