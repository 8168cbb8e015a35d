/* vdi-distribution-dialog.h
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

#include "vdi-core.h"
#include "vdi-distributor.h"

G_BEGIN_DECLS

#define VDI_TYPE_DISTRIBUTION_DIALOG (vdi_distribution_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VdiDistributionDialog, vdi_distribution_dialog, VDI, DISTRIBUTION_DIALOG,
                      AdwWindow)

/* The Distribution details of @template: one row per provider, the source first, updated live
 * from the targets, with Retry. The copies run in @distributor, so they go on once the dialog
 * is closed. */
VdiDistributionDialog *vdi_distribution_dialog_new    (GtkWindow          *parent,
                                                       VdiDistributor     *distributor,
                                                       VdiTemplate        *template);
VdiTemplate        *vdi_distribution_dialog_get_template (VdiDistributionDialog *self);
GtkWidget          *vdi_distribution_dialog_get_row   (VdiDistributionDialog *self,
                                                       guint               position);

G_END_DECLS
