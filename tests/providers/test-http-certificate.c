/* test-http-certificate.c: fetching the certificate a provider presents, against loopback.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "vdi-http-certificate.h"
#include "vdi-http-client.h"

/* The fingerprint of tests/providers/data/test-tls.pem (self-signed). */
#define TEST_FINGERPRINT \
  "69:3B:64:1D:7E:39:31:76:56:6E:1A:41:C2:44:27:82:D0:55:54:BE:F1:80:4C:25:49:73:19:01:57:38:A7:41"

/* A loopback HTTPS server; returns its port. */
static guint16
listen_on_loopback (SoupServer *server)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return port;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GTlsCertificate *
fetch_sync (guint16        port,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_http_fetch_peer_certificate_async ("127.0.0.1", port, cancellable, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return vdi_http_fetch_peer_certificate_finish (result, error);
}

/* A self-signed certificate, which nothing here trusts, is still fetched: the admin decides. */
static void
test_untrusted (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data", "test-tls.pem",
                                                NULL);
  g_autoptr(GTlsCertificate) served = NULL;
  g_autoptr(GTlsCertificate) fetched = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  guint16 port;

  served = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", served, NULL);
  port = listen_on_loopback (server);

  fetched = fetch_sync (port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CERTIFICATE (fetched));
  fingerprint = vdi_http_certificate_fingerprint (fetched);
  g_assert_cmpstr (fingerprint, ==, TEST_FINGERPRINT);

  soup_server_disconnect (server);
}

/* A server that speaks no TLS: it hangs up on the ClientHello. */
static gboolean
hang_up_cb (GSocketService    *service,
            GSocketConnection *connection,
            GObject           *source,
            gpointer           user_data)
{
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* No TLS, nobody listening, or cancelled: an error, and no certificate. */
static void
test_failures (void)
{
  g_autoptr(GSocketService) plain = g_socket_service_new ();
  g_autoptr(GSocketAddress) loopback = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_socket_listener_add_address (G_SOCKET_LISTENER (plain), loopback, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (plain, "incoming", G_CALLBACK (hang_up_cb), NULL);
  certificate = fetch_sync (port, NULL, &error);
  g_assert_null (certificate);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_socket_service_stop (plain);
  g_socket_listener_close (G_SOCKET_LISTENER (plain));

  /* The port was just given back, so nothing answers there. */
  certificate = fetch_sync (port, NULL, &error);
  g_assert_null (certificate);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  certificate = fetch_sync (port, cancellable, &error);
  g_assert_null (certificate);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-certificate/untrusted", test_untrusted);
  g_test_add_func ("/http-certificate/failures", test_failures);

  return g_test_run ();
}
