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

#include "vdi-check-row.h"
#include "vdi-datastore-info.h"

G_BEGIN_DECLS

#define VDI_TYPE_DATASTORE_ROW (vdi_datastore_row_get_type ())

G_DECLARE_FINAL_TYPE (VdiDatastoreRow, vdi_datastore_row, VDI, DATASTORE_ROW, VdiCheckRow)

/* A vCenter datastore in the Datastores list ("datastore", construct-only): a check box, its
 * name, its type and free space of its capacity. The datastore holding the template ("own")
 * is checked and cannot be unchecked; an inaccessible one is shown but cannot be chosen. */

VdiDatastoreRow    *vdi_datastore_row_new             (VdiDatastoreInfo   *datastore,
                                                       gboolean            own);
VdiDatastoreInfo   *vdi_datastore_row_get_datastore   (VdiDatastoreRow    *self);
gboolean            vdi_datastore_row_get_own         (VdiDatastoreRow    *self);

G_END_DECLS
