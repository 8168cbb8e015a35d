/* vdi-sim-vim.h
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

#define VDI_SIM_TYPE_VIM (vdi_sim_vim_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimVim, vdi_sim_vim, VDI_SIM, VIM, GObject)

VdiSimVim *vdi_sim_vim_new (VdiSimWorld  *world,
                           VdiSimServer *server);

G_END_DECLS
