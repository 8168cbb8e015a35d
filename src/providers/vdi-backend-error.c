/* vdi-backend-error.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vdi-backend-error.h"

G_DEFINE_QUARK (vdi-backend-error-quark, vdi_backend_error)

/**
 * vdi_backend_error_from_status:
 * @body_is_soap: whether the response declares a SOAP content type; a SOAP fault then comes
 *   with status 500 and is for the caller to parse
 *
 * The one place where HTTP statuses become errors. Returns %TRUE when the body should be
 * parsed: a 2xx, or a 4xx/5xx that carries a SOAP body (both WS-Management and vim25 put their
 * faults there). A 401 is never parsed: WinRM sends it without a body.
 */
gboolean
vdi_backend_error_from_status (SoupMessage  *message,
                               gboolean      body_is_soap,
                               GError      **error)
{
  guint status;
  const char *reason;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);

  status = soup_message_get_status (message);
  reason = soup_message_get_reason_phrase (message);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
    case SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED:
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                   _("The provider refused the user name or password (HTTP %u %s)"),
                   status, reason != NULL ? reason : "");
      return FALSE;

    case SOUP_STATUS_NOT_FOUND:
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider has no management service at this address (HTTP 404); "
                     "check the port and the provider type"));
      return FALSE;

    case SOUP_STATUS_REQUEST_TIMEOUT:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                   _("The provider did not answer in time (HTTP %u %s)"),
                   status, reason != NULL ? reason : "");
      return FALSE;

    default:
      break;
    }

  if (body_is_soap && status >= 400)
    return TRUE;

  g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
               _("Unexpected answer from the provider: HTTP %u %s"),
               status, reason != NULL ? reason : "");
  return FALSE;
}

/**
 * vdi_backend_error_from_transport:
 * @transport_error: what libsoup or GIO said
 * @address: the provider's address, for the message
 *
 * Turns a failure below HTTP (connection refused, name not found, timeout, TLS) into the
 * backend's domain, keeping the system's words.
 */
void
vdi_backend_error_from_transport (GError     **error,
                                  GError      *transport_error,
                                  const char  *address)
{
  g_return_if_fail (transport_error != NULL);

  if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CANCELLED, _("Cancelled"));
  else if (g_error_matches (transport_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    /* Translators: %s is an address such as hv-01:5986, the second %s the system's words. */
    g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                 _("%s did not answer in time: %s"), address, transport_error->message);
  else if (transport_error->domain == G_TLS_ERROR)
    g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                 _("The secure connection to %s failed: %s"), address, transport_error->message);
  else
    g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE,
                 _("Could not connect to %s: %s"), address, transport_error->message);
}

/**
 * vdi_backend_error_is_cancelled:
 *
 * Whether @error means the caller cancelled: in this domain or GIO's (GTask's own
 * cancellation checks return the latter).
 */
gboolean
vdi_backend_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}
