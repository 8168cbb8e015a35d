/* vdi-host-manager.h: the desktop hosts made from a template.
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

#define VDI_TYPE_HOST_MANAGER (vdi_host_manager_get_type ())

G_DECLARE_FINAL_TYPE (VdiHostManager, vdi_host_manager, VDI, HOST_MANAGER, GObject)

/* Creates, recreates and deletes a template's hosts, one VM at a time as RAS does, named by the
 * template's host name format.
 *
 * vCenter: full or linked clones of the template, placed round-robin over the template's own
 * datastore and, when the template says so, its additional datastores, so that hosts stay up
 * if one datastore fails. A datastore that is not accessible, or has too little free space for
 * a clone, is skipped and said so in the notices. Hyper-V hosts are not made yet: those calls
 * fail with %G_IO_ERROR_NOT_SUPPORTED. */

VdiHostManager     *vdi_host_manager_new              (VdiFarm            *farm,
                                                       VdiCredentials     *credentials);
void                vdi_host_manager_create_hosts_async (VdiHostManager   *self,
                                                       VdiTemplate        *template,
                                                       guint               n_hosts,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
void                vdi_host_manager_recreate_hosts_async (VdiHostManager *self,
                                                       VdiTemplate        *template,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
void                vdi_host_manager_delete_host_async (VdiHostManager    *self,
                                                       VdiTemplate        *template,
                                                       VdiHost            *host,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_host_manager_finish           (VdiHostManager     *self,
                                                       GAsyncResult       *result,
                                                       char             ***notices,
                                                       GError            **error);

G_END_DECLS
