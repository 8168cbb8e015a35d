/* vdi-backend-error.h
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

G_BEGIN_DECLS

#define VDI_BACKEND_ERROR (vdi_backend_error_quark ())

/* One domain for everything a provider can answer, or fail to. Messages carry the provider's
 * own words where it gave any. */
typedef enum
{
  VDI_BACKEND_ERROR_AUTHENTICATION = 1,
  VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED,
  VDI_BACKEND_ERROR_UNREACHABLE,
  VDI_BACKEND_ERROR_TIMED_OUT,
  VDI_BACKEND_ERROR_NOT_FOUND,
  VDI_BACKEND_ERROR_PROVIDER_FAULT,
  VDI_BACKEND_ERROR_PROTOCOL,
  VDI_BACKEND_ERROR_CANCELLED,
  VDI_BACKEND_ERROR_MIGRATION_DISABLED,   /* a Hyper-V host set not to live-migrate */
} VdiBackendError;

GQuark              vdi_backend_error_quark           (void);
gboolean            vdi_backend_error_from_status     (SoupMessage        *message,
                                                       gboolean            body_is_soap,
                                                       GError            **error);
gboolean            vdi_backend_error_is_cancelled    (const GError       *error);
void                vdi_backend_error_from_transport  (GError            **error,
                                                       GError             *transport_error,
                                                       const char         *address);

G_END_DECLS
