/* vdi-http-client.h: one HTTP(S) session per provider.
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

#include <libsoup/soup.h>

#include "vdi-provider.h"

G_BEGIN_DECLS

#define VDI_TYPE_HTTP_CLIENT (vdi_http_client_get_type ())

G_DECLARE_FINAL_TYPE (VdiHttpClient, vdi_http_client, VDI, HTTP_CLIENT, GObject)

/* Properties: "uri" (construct-only, the endpoint, e.g. https://hv-01:5986/wsman),
 * "pinned-fingerprint" (the SHA-256 fingerprint the admin accepted, colon-separated hex),
 * "timeout" (seconds of silence before a request fails), "cookies" (keep a cookie jar, for
 * vCenter's session cookie). */

typedef struct
{
  GBytes   *body;
  guint     status;
  gboolean  is_soap;
} VdiHttpResponse;

VdiHttpClient      *vdi_http_client_new               (const char         *uri,
                                                       const char         *pinned_fingerprint,
                                                       guint               timeout_seconds,
                                                       gboolean            cookies);
VdiHttpClient      *vdi_http_client_new_for_provider  (VdiProvider        *provider,
                                                       const char         *path,
                                                       gboolean            cookies,
                                                       GError            **error);
gboolean            vdi_http_client_provider_uses_http (VdiProvider       *provider);
const char         *vdi_http_client_get_uri           (VdiHttpClient      *self);
char               *vdi_http_client_dup_address       (VdiHttpClient      *self);
void                vdi_http_client_set_basic_auth    (VdiHttpClient      *self,
                                                       const char         *username,
                                                       const char         *password);
void                vdi_http_client_set_negotiate     (VdiHttpClient      *self,
                                                       const char         *auth,
                                                       const char         *username,
                                                       const char         *password);
const char         *vdi_http_client_get_auth_label    (VdiHttpClient      *self);
void                vdi_http_client_set_timeout       (VdiHttpClient      *self,
                                                       guint               timeout_seconds);
void                vdi_http_client_clear_cookies     (VdiHttpClient      *self);
SoupSession        *vdi_http_client_get_session       (VdiHttpClient      *self);

void                vdi_http_client_post_async        (VdiHttpClient      *self,
                                                       const char         *content_type,
                                                       const char         *soap_action,
                                                       const char         *body,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
void                vdi_http_client_post_with_deadline_async (VdiHttpClient *self,
                                                       const char         *content_type,
                                                       const char         *soap_action,
                                                       const char         *body,
                                                       guint               deadline_ms,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
VdiHttpResponse    *vdi_http_client_post_finish       (VdiHttpClient      *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                vdi_http_response_free            (VdiHttpResponse    *response);

char               *vdi_http_certificate_fingerprint  (GTlsCertificate    *certificate);
gboolean            vdi_http_fingerprint_equal        (const char         *a,
                                                       const char         *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiHttpResponse, vdi_http_response_free)

G_END_DECLS
