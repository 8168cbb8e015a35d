/* vdi-datastore-picker.h
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

#include "vdi-backend.h"

G_BEGIN_DECLS

#define VDI_TYPE_DATASTORE_PICKER (vdi_datastore_picker_get_type ())

G_DECLARE_FINAL_TYPE (VdiDatastorePicker, vdi_datastore_picker, VDI, DATASTORE_PICKER, AdwBin)

/* Where a vCenter template's hosts go, as RAS asks it: the radios "Use the datastore containing
 * the VM being converted to a template" and "Select additional datastores to use for template
 * distribution", then the Datastores list, listed live from the vCenter (a spinner, an error
 * row with Retry): check boxes with the name, type and free of capacity; an inaccessible one
 * shown but not selectable; the template's own one checked and fixed. Signal "changed" when
 * the choice or the listing changes. */

VdiDatastorePicker *vdi_datastore_picker_new          (void);
void                vdi_datastore_picker_load         (VdiDatastorePicker *self,
                                                       VdiBackend         *backend,
                                                       const char         *own_datastore_id,
                                                       const char * const *checked);
void                vdi_datastore_picker_clear        (VdiDatastorePicker *self);
gboolean            vdi_datastore_picker_get_loading  (VdiDatastorePicker *self);
gboolean            vdi_datastore_picker_get_additional (VdiDatastorePicker *self);
void                vdi_datastore_picker_set_additional (VdiDatastorePicker *self,
                                                       gboolean            additional);
GStrv               vdi_datastore_picker_dup_checked  (VdiDatastorePicker *self);
char               *vdi_datastore_picker_dup_checked_names (VdiDatastorePicker *self);
char               *vdi_datastore_picker_dup_reason   (VdiDatastorePicker *self);

G_END_DECLS
