/* vdi-backend-factory.h
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
#include "vdi-credentials.h"

G_BEGIN_DECLS

VdiBackend         *vdi_backend_new_for_provider      (VdiProvider        *provider,
                                                       const char         *password,
                                                       GError            **error);

/* The backend of @provider with its password from @credentials. Without a password the
 * provider itself says what it needs, in its own words, on the first call. */
void                vdi_backend_open_async            (VdiProvider        *provider,
                                                       VdiCredentials     *credentials,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
VdiBackend         *vdi_backend_open_finish           (GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
