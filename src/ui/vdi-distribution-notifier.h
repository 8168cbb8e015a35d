/* vdi-distribution-notifier.h
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

#include <gtk/gtk.h>

#include "vdi-distributor.h"

G_BEGIN_DECLS

#define VDI_TYPE_DISTRIBUTION_NOTIFIER (vdi_distribution_notifier_get_type ())

G_DECLARE_FINAL_TYPE (VdiDistributionNotifier, vdi_distribution_notifier,
                      VDI, DISTRIBUTION_NOTIFIER, GObject)

VdiDistributionNotifier *vdi_distribution_notifier_new (GtkApplication    *application,
                                                       VdiDistributor     *distributor);
char               *vdi_distribution_notifier_dup_id  (VdiTemplate        *template);

G_END_DECLS
