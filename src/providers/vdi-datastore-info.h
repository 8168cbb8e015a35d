/* vdi-datastore-info.h
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

#define VDI_TYPE_DATASTORE_INFO (vdi_datastore_info_get_type ())

G_DECLARE_FINAL_TYPE (VdiDatastoreInfo, vdi_datastore_info, VDI, DATASTORE_INFO, GObject)

/* A vCenter datastore as listed live: its opaque id, name, type (VMFS, NFS…), capacity and free space in bytes, and whether the hosts can reach it.
 * Read-only once made; every value is a construct-only property of the same name. */

VdiDatastoreInfo   *vdi_datastore_info_new            (const char *id,
                                                       const char *name,
                                                       const char *kind,
                                                       guint64     capacity,
                                                       guint64     free_space,
                                                       gboolean    accessible);
const char         *vdi_datastore_info_get_id         (VdiDatastoreInfo *self);
const char         *vdi_datastore_info_get_name       (VdiDatastoreInfo *self);
const char         *vdi_datastore_info_get_kind       (VdiDatastoreInfo *self);
guint64             vdi_datastore_info_get_capacity   (VdiDatastoreInfo *self);
guint64             vdi_datastore_info_get_free_space (VdiDatastoreInfo *self);
gboolean            vdi_datastore_info_get_accessible (VdiDatastoreInfo *self);

G_END_DECLS
