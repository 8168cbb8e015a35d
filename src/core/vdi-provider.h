/* vdi-provider.h
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

#include "vdi-enums.h"

G_BEGIN_DECLS

#define VDI_TYPE_PROVIDER (vdi_provider_get_type ())

G_DECLARE_FINAL_TYPE (VdiProvider, vdi_provider, VDI, PROVIDER, GObject)

/* Properties: "id" (construct-only, stable), "name", "provider-type" (derived from "subtype",
 * read-only), "subtype", "host", "port", "username", "allow-http", "tls-fingerprint" (the
 * SHA-256 fingerprint the admin accepted, or NULL), "status", "status-message", "address"
 * (read-only "host:port"), "live-migration-disabled" (read-only, what a Hyper-V host last
 * said). The password is not a property: it lives in the Secret Service
 * (see vdi-credentials.h). */

VdiProvider        *vdi_provider_new                  (const char         *id,
                                                       const char         *name,
                                                       VdiProviderSubtype  subtype,
                                                       const char         *host,
                                                       guint               port);
const char         *vdi_provider_get_id               (VdiProvider        *self);
const char         *vdi_provider_get_name             (VdiProvider        *self);
void                vdi_provider_set_name             (VdiProvider        *self,
                                                       const char         *name);
VdiProviderType     vdi_provider_get_provider_type    (VdiProvider        *self);
VdiProviderSubtype  vdi_provider_get_subtype          (VdiProvider        *self);
void                vdi_provider_set_subtype          (VdiProvider        *self,
                                                       VdiProviderSubtype  subtype);
const char         *vdi_provider_get_host             (VdiProvider        *self);
void                vdi_provider_set_host             (VdiProvider        *self,
                                                       const char         *host);
guint               vdi_provider_get_port             (VdiProvider        *self);
void                vdi_provider_set_port             (VdiProvider        *self,
                                                       guint               port);
char               *vdi_provider_dup_address          (VdiProvider        *self);
const char         *vdi_provider_get_username         (VdiProvider        *self);
void                vdi_provider_set_username         (VdiProvider        *self,
                                                       const char         *username);
gboolean            vdi_provider_auth_is_valid        (const char         *auth);
const char         *vdi_provider_get_auth             (VdiProvider        *self);
void                vdi_provider_set_auth             (VdiProvider        *self,
                                                       const char         *auth);
gboolean            vdi_provider_get_allow_http       (VdiProvider        *self);
void                vdi_provider_set_allow_http       (VdiProvider        *self,
                                                       gboolean            allow_http);
const char         *vdi_provider_get_tls_fingerprint  (VdiProvider        *self);
void                vdi_provider_set_tls_fingerprint  (VdiProvider        *self,
                                                       const char         *fingerprint);
VdiProviderStatus   vdi_provider_get_status           (VdiProvider        *self);
const char         *vdi_provider_get_status_message   (VdiProvider        *self);
void                vdi_provider_set_status           (VdiProvider        *self,
                                                       VdiProviderStatus   status,
                                                       const char         *message);
gboolean            vdi_provider_get_live_migration_disabled (VdiProvider *self);
void                vdi_provider_set_live_migration_disabled (VdiProvider *self,
                                                       gboolean            disabled);
const char         *vdi_provider_get_session_auth     (VdiProvider        *self);
void                vdi_provider_set_session_auth     (VdiProvider        *self,
                                                       const char         *session_auth);
guint               vdi_provider_subtype_default_port (VdiProviderSubtype  subtype);
guint               vdi_provider_default_port         (VdiProviderSubtype  subtype,
                                                       const char         *auth);

G_END_DECLS
