/* vdi-wsmv-framing.h: the MS-WSMV multipart/encrypted body of sealed WinRM messages.
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

#include <glib.h>

G_BEGIN_DECLS

#define VDI_WSMV_PROTOCOL_SPNEGO   "application/HTTP-SPNEGO-session-encrypted"
#define VDI_WSMV_PROTOCOL_KERBEROS "application/HTTP-Kerberos-session-encrypted"
#define VDI_WSMV_BOUNDARY          "Encrypted Boundary"

#define VDI_WSMV_ERROR (vdi_wsmv_error_quark ())

typedef enum
{
  VDI_WSMV_ERROR_FRAMING = 1,    /* the body is not a well-formed multipart/encrypted body */
  VDI_WSMV_ERROR_UNSEALED,       /* the body was sent in clear where sealing is required */
} VdiWsmvError;

/* One encrypted part: what MS-WSMV calls the signature (or Kerberos wrap header) and the
 * sealed bytes, which unwrap to @original_length bytes of SOAP. Slices of the parsed body. */
typedef struct
{
  gsize     original_length;
  GBytes   *signature;
  GBytes   *sealed;
} VdiWsmvPart;

GQuark      vdi_wsmv_error_quark          (void);
char       *vdi_wsmv_content_type         (const char    *protocol);
gboolean    vdi_wsmv_is_encrypted_type    (const char    *content_type,
                                           char         **protocol);
void        vdi_wsmv_append_part          (GByteArray    *body,
                                           const char    *protocol,
                                           gsize          original_length,
                                           const guint8  *signature,
                                           gsize          signature_length,
                                           const guint8  *sealed,
                                           gsize          sealed_length);
void        vdi_wsmv_finish               (GByteArray    *body);
GPtrArray  *vdi_wsmv_parse                (const char    *content_type,
                                           GBytes        *body,
                                           char         **protocol,
                                           GError       **error);
void        vdi_wsmv_part_free            (VdiWsmvPart   *part);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiWsmvPart, vdi_wsmv_part_free)

G_END_DECLS
