/* vdi-sim-control.h
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
#include "vdi-sim-simulator.h"

G_BEGIN_DECLS

#define VDI_SIM_TYPE_CONTROL (vdi_sim_control_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimControl, vdi_sim_control, VDI_SIM, CONTROL, GObject)

VdiSimControl *vdi_sim_control_new (VdiSimSimulator *simulator,
                                    VdiSimServer    *server);

G_END_DECLS
