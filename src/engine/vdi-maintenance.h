/* vdi-maintenance.h: putting a template in maintenance, so the admin can change it.
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

#include "vdi-core.h"

G_BEGIN_DECLS

/* Entering: the template becomes a VM again that the admin can start and change (vCenter:
 * MarkAsVirtualMachine; Hyper-V: its VM simply may be started). The template's status goes
 * Entering maintenance → Maintenance, or back to what it was when the provider refuses.
 *
 * Leaving: the VM must be shut down; it is sealed again (vCenter: MarkAsTemplate), the status
 * goes Leaving maintenance → OK, and every copy on another provider becomes Needs update: the
 * copy it has keeps serving as the outdated one until the next distribution replaces it. The
 * caller then distributes (VdiDistributor) and offers to recreate the hosts. */

void                vdi_maintenance_enter_async       (VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiTemplate        *template,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
void                vdi_maintenance_leave_async       (VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiTemplate        *template,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_maintenance_finish            (GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
