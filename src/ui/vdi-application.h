/* vdi-application.h
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
#include "vdi-distributor.h"

G_BEGIN_DECLS

#define VDI_TYPE_APPLICATION (vdi_application_get_type ())

G_DECLARE_FINAL_TYPE (VdiApplication, vdi_application, VDI, APPLICATION, AdwApplication)

/* The application owns the farm and the credential store. The farm is loaded once, by the first
 * window; until it has loaded (or been recovered) nothing is ever written to its file. */

VdiApplication     *vdi_application_new               (const char         *application_id,
                                                       GApplicationFlags   flags);
const char         *vdi_application_get_farm_path     (VdiApplication     *self);
gboolean            vdi_application_open_farm         (VdiApplication     *self,
                                                       const char         *location,
                                                       GError            **error);
void                vdi_application_set_farm_path     (VdiApplication     *self,
                                                       const char         *path);
VdiFarm            *vdi_application_get_farm          (VdiApplication     *self);
void                vdi_application_set_farm          (VdiApplication     *self,
                                                       VdiFarm            *farm);
gboolean            vdi_application_get_farm_loaded   (VdiApplication     *self);
VdiCredentials     *vdi_application_get_credentials   (VdiApplication     *self);
void                vdi_application_set_credentials   (VdiApplication     *self,
                                                       VdiCredentials     *credentials);
VdiDistributor     *vdi_application_get_distributor   (VdiApplication     *self);

void                vdi_application_load_farm_async   (VdiApplication     *self,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_application_load_farm_finish  (VdiApplication     *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                vdi_application_recover_farm_async (VdiApplication    *self,
                                                       gboolean            from_backup,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
char               *vdi_application_recover_farm_finish (VdiApplication   *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

gboolean            vdi_application_get_demo          (VdiApplication     *self);
gboolean            vdi_application_get_read_only     (VdiApplication     *self);
gboolean            vdi_application_confirm_quit      (VdiApplication     *self,
                                                       GtkWindow          *parent);
const char         *vdi_application_get_lock_holder   (VdiApplication     *self);
/* How long a read-only console leaves a free farm with work under way to the farm's vdictl
 * agent, from when it first finds the farm free, before it takes the farm itself; 60 s. */
void                vdi_application_set_agent_grace   (VdiApplication     *self,
                                                       guint               seconds);

G_END_DECLS
