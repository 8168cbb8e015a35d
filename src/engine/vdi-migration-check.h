/* vdi-migration-check.h: before a copy, whether the hosts allow the live migration it is.
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

#include "vdi-backend.h"

G_BEGIN_DECLS

void     vdi_migration_check_async  (VdiBackend          *source,
                                     VdiProvider         *source_provider,
                                     VdiBackend          *destination,
                                     VdiProvider         *destination_provider,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean vdi_migration_check_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
