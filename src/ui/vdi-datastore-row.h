/* vdi-datastore-row.h
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

#include <adwaita.h>

#include "vdi-datastore-info.h"

G_BEGIN_DECLS

#define VDI_TYPE_DATASTORE_ROW (vdi_datastore_row_get_type ())

G_DECLARE_FINAL_TYPE (VdiDatastoreRow, vdi_datastore_row, VDI, DATASTORE_ROW, AdwActionRow)

/* A vCenter datastore in the Datastores list ("datastore", construct-only): a check box, its
 * name, its type and free space of its capacity. The datastore holding the template ("own")
 * is checked and fixed; an inaccessible one is shown but cannot be chosen. "active" follows
 * the check box. */

VdiDatastoreRow    *vdi_datastore_row_new             (VdiDatastoreInfo   *datastore,
                                                       gboolean            own);
VdiDatastoreInfo   *vdi_datastore_row_get_datastore   (VdiDatastoreRow    *self);
gboolean            vdi_datastore_row_get_own         (VdiDatastoreRow    *self);
gboolean            vdi_datastore_row_get_choosable   (VdiDatastoreRow    *self);
gboolean            vdi_datastore_row_get_active      (VdiDatastoreRow    *self);
void                vdi_datastore_row_set_active      (VdiDatastoreRow    *self,
                                                       gboolean            active);

G_END_DECLS
