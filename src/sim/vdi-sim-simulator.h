/* vdi-sim-simulator.h
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

#include "vdi-sim-server.h"
#include "vdi-sim-world.h"

G_BEGIN_DECLS

#define VDI_SIM_TYPE_SIMULATOR (vdi_sim_simulator_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimSimulator, vdi_sim_simulator, VDI_SIM, SIMULATOR, GObject)

VdiSimSimulator *vdi_sim_simulator_new               (VdiSimWorld       *world,
                                                      const char        *bind_address,
                                                      guint              control_port);
gboolean         vdi_sim_simulator_start             (VdiSimSimulator   *self,
                                                      GError           **error);
VdiSimWorld     *vdi_sim_simulator_get_world         (VdiSimSimulator   *self);
char            *vdi_sim_simulator_get_control_url   (VdiSimSimulator   *self);
char            *vdi_sim_simulator_get_provider_url  (VdiSimSimulator   *self,
                                                      VdiSimProvider    *provider);
VdiSimServer    *vdi_sim_simulator_get_server        (VdiSimSimulator   *self,
                                                      VdiSimProvider    *provider);
JsonNode        *vdi_sim_simulator_endpoints_json    (VdiSimSimulator   *self);
char            *vdi_sim_simulator_endpoints_line    (VdiSimSimulator   *self);
gboolean         vdi_sim_simulator_set_offline       (VdiSimSimulator   *self,
                                                      VdiSimProvider    *provider,
                                                      VdiSimOfflineMode  mode,
                                                      GError           **error);

G_END_DECLS
