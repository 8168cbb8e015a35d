/* vdi-sim-migration.h: a simulated Hyper-V host's live-migration settings.
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

#include <json-glib/json-glib.h>

#include "vdi-sim-cim.h"
#include "vdi-sim-model.h"

G_BEGIN_DECLS

/* The "live_migration" object of a scenario's Hyper-V host and of the control endpoint:
 * { "enabled": true, "authentication": "kerberos" | "credssp", "max_migrations": 2,
 *   "max_storage_migrations": 2 }, every member optional. */
gboolean           vdi_sim_live_migration_apply    (VdiSimProvider *provider,
                                                    JsonNode       *node,
                                                    GError        **error);
void               vdi_sim_live_migration_to_json  (VdiSimProvider *provider,
                                                    JsonBuilder    *builder);
/* Msvm_VirtualSystemMigrationServiceSettingData, as WinRM shows it. */
VdiSimCimInstance *vdi_sim_live_migration_instance (VdiSimProvider *provider);

G_END_DECLS
