/* vdi-demo.h: the demo world, for `vdi-console --demo`.
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

#include <gio/gio.h>

#include "vdi-credentials.h"

G_BEGIN_DECLS

#define VDI_TYPE_DEMO (vdi_demo_get_type ())

G_DECLARE_FINAL_TYPE (VdiDemo, vdi_demo, VDI, DEMO, GObject)

/* It lives in providers/, not core/: core stays a model of the farm, with no child processes,
 * while this layer already knows the provider endpoints the simulator stands in for.
 *
 * Runs vdi-provider-sim with its built-in demo scenario as a child process, and writes a farm
 * with its providers into @directory (a new temporary folder when NULL) as farm.json, their
 * passwords into @credentials (kept in memory: the demo never touches the user's farm or
 * keyring). The simulator stops, and the folder goes, with vdi_demo_stop(), when the object
 * goes, or (the simulator) when this process dies. */

void                vdi_demo_start_async              (const char         *directory,
                                                       VdiCredentials     *credentials,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
VdiDemo            *vdi_demo_start_finish             (GAsyncResult       *result,
                                                       GError            **error);
const char         *vdi_demo_get_farm_path            (VdiDemo            *self);
guint               vdi_demo_get_n_providers          (VdiDemo            *self);
void                vdi_demo_stop                     (VdiDemo            *self);
char               *vdi_demo_find_simulator           (void);

G_END_DECLS
