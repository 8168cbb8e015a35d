/* vdi-gss-context.h: a GSSAPI security context (NTLM or Kerberos) for WinRM's Negotiate
 * authentication and MS-WSMV message sealing.
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

#define VDI_GSS_ERROR (vdi_gss_error_quark ())

typedef enum
{
  VDI_GSS_ERROR_UNAVAILABLE = 1,  /* the mechanism is not installed */
  VDI_GSS_ERROR_CREDENTIALS,      /* no credentials could be had for the user */
  VDI_GSS_ERROR_REFUSED,          /* the peer refused the user name or password */
  VDI_GSS_ERROR_FAILED,           /* the handshake failed otherwise */
  VDI_GSS_ERROR_INTEGRITY,        /* a sealed message did not unseal */
} VdiGssError;

typedef enum
{
  VDI_GSS_MECH_NEGOTIATE,   /* Kerberos when a ticket exists or can be had, else NTLM */
  VDI_GSS_MECH_KERBEROS,
  VDI_GSS_MECH_NTLM,
} VdiGssMech;

#define VDI_TYPE_GSS_CONTEXT (vdi_gss_context_get_type ())

G_DECLARE_FINAL_TYPE (VdiGssContext, vdi_gss_context, VDI, GSS_CONTEXT, GObject)

GQuark          vdi_gss_error_quark                 (void);
VdiGssContext  *vdi_gss_context_new_initiator       (VdiGssMech      mech,
                                                     const char     *host,
                                                     const char     *username,
                                                     const char     *password,
                                                     GError        **error);
VdiGssContext  *vdi_gss_context_new_acceptor        (GError        **error);
void            vdi_gss_context_set_channel_binding (VdiGssContext  *self,
                                                     GBytes         *application_data);
GBytes         *vdi_gss_channel_binding_for_certificate (GTlsCertificate *certificate);
gboolean        vdi_gss_context_step                (VdiGssContext  *self,
                                                     GBytes         *input,
                                                     GBytes        **output,
                                                     GError        **error);
gboolean        vdi_gss_context_is_established      (VdiGssContext  *self);
const char     *vdi_gss_context_get_mech_label      (VdiGssContext  *self);
char           *vdi_gss_context_dup_peer_name       (VdiGssContext  *self);
GBytes         *vdi_gss_context_seal                (VdiGssContext  *self,
                                                     const char     *plain,
                                                     gsize           length,
                                                     char          **content_type,
                                                     GError        **error);
GBytes         *vdi_gss_context_unseal              (VdiGssContext  *self,
                                                     const char     *content_type,
                                                     GBytes         *body,
                                                     GError        **error);

G_END_DECLS
