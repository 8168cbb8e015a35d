/* vdi-credentials.h
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

#include <gio/gio.h>

#include "vdi-secret.h"

G_BEGIN_DECLS

#define VDI_TYPE_CREDENTIALS (vdi_credentials_get_type ())

G_DECLARE_FINAL_TYPE (VdiCredentials, vdi_credentials, VDI, CREDENTIALS, GObject)

/* Provider passwords. They go to the Secret Service (libsecret), keyed by the provider's id;
 * when no Secret Service answers they are kept in this object's memory only, for the session,
 * and "secret-service-available" turns FALSE so the UI can say so. Never written to a file. */

VdiCredentials     *vdi_credentials_new               (gboolean            use_secret_service);
VdiCredentials     *vdi_credentials_get_default       (void);
gboolean            vdi_credentials_get_secret_service_available (VdiCredentials *self);

void                vdi_credentials_store_async       (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       const char         *provider_name,
                                                       const char         *password,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_credentials_store_finish      (VdiCredentials     *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                vdi_credentials_lookup_async      (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* The password, to be freed with vdi_secret_free() (or held in a g_autoptr(VdiSecret)). */
char               *vdi_credentials_lookup_finish     (VdiCredentials     *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                vdi_credentials_clear_async       (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_credentials_clear_finish      (VdiCredentials     *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

/* Blocking forms, for vdictl only. */
gboolean            vdi_credentials_store_sync        (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       const char         *provider_name,
                                                       const char         *password,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
char               *vdi_credentials_lookup_sync       (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
gboolean            vdi_credentials_clear_sync        (VdiCredentials     *self,
                                                       const char         *provider_id,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

G_END_DECLS
