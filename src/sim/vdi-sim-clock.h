/* vdi-sim-clock.h
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

#include <glib-object.h>

G_BEGIN_DECLS

#define VDI_SIM_TYPE_CLOCK (vdi_sim_clock_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimClock, vdi_sim_clock, VDI_SIM, CLOCK, GObject)

VdiSimClock *vdi_sim_clock_new            (double       time_scale);
double       vdi_sim_clock_get_time_scale (VdiSimClock *self);
void         vdi_sim_clock_set_time_scale (VdiSimClock *self,
                                           double       time_scale);
double       vdi_sim_clock_now            (VdiSimClock *self);
GDateTime   *vdi_sim_clock_to_datetime    (VdiSimClock *self,
                                           double       sim_seconds);

G_END_DECLS
