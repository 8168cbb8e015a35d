/* vdi-http-certificate.h: the certificate a TLS endpoint presents, trusted or not.
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

G_BEGIN_DECLS

void             vdi_http_fetch_peer_certificate_async  (const char          *host,
                                                         guint16              port,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GTlsCertificate *vdi_http_fetch_peer_certificate_finish (GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
