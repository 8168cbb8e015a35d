/* vdi-provider-prompts.h: settling an untrusted certificate or a refused password with the admin.
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

G_BEGIN_DECLS

/* After an operation failed with VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED or _AUTHENTICATION:
 * finds which provider it was (the given one, or by probing each provider of the template),
 * then asks the admin. An untrusted certificate is shown with its host, SHA-256 fingerprint,
 * subject and issuer, and is pinned on the provider (so saved with the farm) only on Trust. A
 * refused password is asked again until the provider takes it, and only then stored through
 * VdiCredentials. Finishes TRUE when the caller should try again; with G_IO_ERROR_CANCELLED
 * when the admin declined; with the original error when no provider could be blamed. */

gboolean            vdi_provider_prompts_can_handle   (const GError       *error);
void                vdi_provider_prompts_async        (GtkWindow          *parent,
                                                       VdiCredentials     *credentials,
                                                       VdiTemplate        *template,
                                                       VdiProvider        *provider,
                                                       const GError       *error,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
void                vdi_provider_prompts_suspects_async (GtkWindow       *parent,
                                                       VdiCredentials     *credentials,
                                                       GPtrArray          *suspects,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_provider_prompts_finish       (GAsyncResult       *result,
                                                       GError            **error);
char               *vdi_provider_prompts_group_fingerprint (const char    *fingerprint);
void                vdi_provider_prompts_first_contact (GtkWindow         *parent,
                                                       VdiCredentials     *credentials,
                                                       VdiProvider        *provider,
                                                       const char         *password);

G_END_DECLS
