/* vdi-http-certificate.c
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

#include "vdi-http-certificate.h"

/* An admin deciding whether to trust a provider's certificate must see that certificate as
 * the provider presents it now: the backend's error carries only its fingerprint, as words.
 * This opens a TLS connection of its own that carries nothing and is closed at once. */

#define FETCH_TIMEOUT_SECONDS 30

/* Seen during the handshake: kept, and accepted only so that the handshake ends cleanly. */
static gboolean
accept_certificate_cb (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       GTask                *task)
{
  g_task_set_task_data (task, g_object_ref (certificate), g_object_unref);
  return TRUE;
}

static void
socket_event_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 GTask              *task)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_certificate_cb), task);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_task_get_task_data (task);

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);

  /* A certificate the system trusts raises no accept-certificate: take it from the session. */
  if (certificate == NULL && G_IS_TCP_WRAPPER_CONNECTION (connection))
    {
      GTcpWrapperConnection *wrapper = G_TCP_WRAPPER_CONNECTION (connection);
      GIOStream *base = g_tcp_wrapper_connection_get_base_io_stream (wrapper);

      if (G_IS_TLS_CONNECTION (base))
        certificate = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (base));
    }
  if (connection != NULL)
    g_io_stream_close_async (G_IO_STREAM (connection), G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  if (certificate != NULL)
    g_task_return_pointer (task, g_object_ref (certificate), g_object_unref);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_new_error (task, G_TLS_ERROR, G_TLS_ERROR_MISC,
                             _("The provider presented no certificate"));
}

/**
 * vdi_http_fetch_peer_certificate_async:
 * @host: the host name or address
 * @port: the TLS port
 *
 * Connects to @host:@port over TLS and finishes with the certificate it presents, whether
 * this computer trusts it or not. Gives up after 30 seconds of silence.
 */
void
vdi_http_fetch_peer_certificate_async (const char          *host,
                                       guint16              port,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  GTask *task;

  g_return_if_fail (host != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_http_fetch_peer_certificate_async);

  g_socket_client_set_tls (client, TRUE);
  g_socket_client_set_timeout (client, FETCH_TIMEOUT_SECONDS);
  g_signal_connect_object (client, "event", G_CALLBACK (socket_event_cb), task, 0);
  g_socket_client_connect_to_host_async (client, host, port, cancellable, connected_cb, task);
}

GTlsCertificate *
vdi_http_fetch_peer_certificate_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        vdi_http_fetch_peer_certificate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
