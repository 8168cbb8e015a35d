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
 * template's host name format (names no host and no VM on the providers has yet). Each host
 * goes Creating, then Ready or Failed to create with the provider's words, and records its
 * provider.
 *
 * vCenter: full or linked clones of the template, placed round-robin over the template's own
 * datastore and, when the template says so, its additional datastores, so that hosts stay up
 * if one datastore fails. A datastore that is not accessible, or has too little free space for
 * a clone, is skipped and said so in the notices.
 *
 * Hyper-V: hosts are spread evenly over the providers that hold the template's VM ready (the
 * source provider with the template itself, and every target whose copy is Ready), each new
 * host going to the one with the fewest. A host is made on its provider from the VM there:
 * ExportSystemDefinition to a folder of its own below the export root, ImportSystemDefinition
 * with a new identity, RealizePlannedSystem, then ModifySystemSettings to give the VM the
 * host's name. The import registers the VM in place, so every host has its own export (one
 * export shared by two hosts would give them one disk). A provider that does not answer, or
 * has no ready copy, takes no hosts and is said so in the notices.
 *
 * Recreating probes every provider that holds hosts first, all at once. The hosts of one that
 * does not answer stay listed as they are, marked #VdiHost:needs-recreate, and a notice names
 * the provider; the others are destroyed (turned off first when running) and made again under
 * the same name on the same provider. Deleting destroys the host's VM on its provider.
 *
 * Nothing is made from a template in maintenance. Cancelling stops at the current provider
 * call: a Hyper-V VM made half-way (planned, or not yet named) is destroyed, and new hosts
 * that have no VM are dropped; hosts not recreated yet stay as they are. */

VdiHostManager     *vdi_host_manager_new              (VdiFarm            *farm,
                                                       VdiCredentials     *credentials);
void                vdi_host_manager_set_export_root  (VdiHostManager     *self,
                                                       const char         *directory);
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
