/* vdi-sim-scenario.h
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

#include "vdi-sim-world.h"

G_BEGIN_DECLS

#define VDI_SIM_SCENARIO_ERROR (vdi_sim_scenario_error_quark ())

typedef enum
{
  VDI_SIM_SCENARIO_ERROR_SYNTAX = 1,
  VDI_SIM_SCENARIO_ERROR_INVALID,
} VdiSimScenarioError;

GQuark       vdi_sim_scenario_error_quark (void);
const char  *vdi_sim_scenario_get_demo    (void);
VdiSimWorld *vdi_sim_scenario_load_data   (const char  *data,
                                           gssize       length,
                                           double       time_scale,
                                           GError     **error);
VdiSimWorld *vdi_sim_scenario_load_file   (const char  *path,
                                           double       time_scale,
                                           GError     **error);

G_END_DECLS
