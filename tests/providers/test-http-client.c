/* test-http-client.c: TLS trust and HTTP status mapping, against a loopback SoupServer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-http-client.h"
#include "vdi-test-async.h"

/* The fingerprint of tests/providers/data/test-tls.pem, as `openssl x509 -fingerprint -sha256`
 * prints it. */
#define TEST_FINGERPRINT \
  "69:3B:64:1D:7E:39:31:76:56:6E:1A:41:C2:44:27:82:D0:55:54:BE:F1:80:4C:25:49:73:19:01:57:38:A7:41"

static const char soap_body[] =
  "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>";

typedef struct
{
  SoupServer *server;
  char       *https_url;
  char       *http_url;
} Fixture;

static void
handler (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");

  if (g_str_equal (path, "/html"))
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>login</html>", 18);
      return;
    }
  if (g_str_equal (path, "/missing"))
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  /* "admin:pw" */
  if (g_strcmp0 (auth, "Basic YWRtaW46cHc=") != 0)
    {
      soup_server_message_set_status (message, 401, NULL);
      return;
    }

  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/soap+xml;charset=UTF-8",
                                    SOUP_MEMORY_STATIC, soap_body, strlen (soap_body));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data", "test-tls.pem",
                                                NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);

  fixture->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fixture->server, NULL, handler, NULL, NULL);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  soup_server_listen (fixture->server, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->https_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->https_url);
  g_free (fixture->http_url);
}

static VdiHttpResponse *
post (VdiHttpClient  *client,
      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_http_client_post_async (client, "application/soap+xml", NULL, soap_body, NULL,
                              vdi_test_store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return vdi_http_client_post_finish (client, result, error);
}

static char *
url_with_path (const char *base,
               const char *path)
{
  return g_strconcat (base, path + (g_str_has_suffix (base, "/") ? 1 : 0), NULL);
}

static void
test_untrusted_then_pinned (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *url = url_with_path (fixture->https_url, "/wsman");
  g_autoptr(VdiHttpClient) unpinned = vdi_http_client_new (url, NULL, 10, FALSE);
  g_autoptr(VdiHttpClient) wrong = vdi_http_client_new (url, "00:11:22", 10, FALSE);
  g_autoptr(VdiHttpClient) pinned = NULL;
  g_autoptr(VdiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  /* A self-signed certificate is refused, and the error shows its fingerprint. */
  g_assert_null (post (unpinned, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, TEST_FINGERPRINT));
  g_clear_error (&error);

  g_assert_null (post (wrong, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);

  /* Once the admin accepts that fingerprint, in whatever form they paste it, it is trusted. */
  pinned = vdi_http_client_new (url, "693b641d7e393176566e1a41c2442782d05554bef1804c254973190157"
                                     "38a741", 10, FALSE);
  vdi_http_client_set_basic_auth (pinned, "admin", "pw");
  response = post (pinned, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (response->is_soap);
}

static void
test_statuses (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *url = url_with_path (fixture->https_url, "/wsman");
  g_autofree char *html_url = url_with_path (fixture->https_url, "/html");
  g_autofree char *missing_url = url_with_path (fixture->https_url, "/missing");
  g_autoptr(VdiHttpClient) no_auth = vdi_http_client_new (url, TEST_FINGERPRINT, 10, FALSE);
  g_autoptr(VdiHttpClient) html = vdi_http_client_new (html_url, TEST_FINGERPRINT, 10, FALSE);
  g_autoptr(VdiHttpClient) missing = vdi_http_client_new (missing_url, TEST_FINGERPRINT, 10, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_null (post (no_auth, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_clear_error (&error);

  g_assert_null (post (html, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "text/html"));
  g_clear_error (&error);

  g_assert_null (post (missing, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "404"));
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(VdiHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("https://127.0.0.1:%u/wsman",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = vdi_http_client_new (url, NULL, 5, FALSE);
  g_assert_null (post (client, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_fingerprint_forms (void)
{
  g_assert_true (vdi_http_fingerprint_equal ("AB:CD:01", "abcd01"));
  g_assert_true (vdi_http_fingerprint_equal ("ab cd 01", "AB:CD:01"));
  g_assert_false (vdi_http_fingerprint_equal ("AB:CD:01", "AB:CD:02"));
  g_assert_false (vdi_http_fingerprint_equal ("AB:CD:01", "AB:CD"));
  g_assert_false (vdi_http_fingerprint_equal ("AB:CD", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/providers/http-client/untrusted-then-pinned", Fixture, NULL, fixture_setup,
              test_untrusted_then_pinned, fixture_teardown);
  g_test_add ("/providers/http-client/statuses", Fixture, NULL, fixture_setup, test_statuses,
              fixture_teardown);
  g_test_add_func ("/providers/http-client/unreachable", test_unreachable);
  g_test_add_func ("/providers/http-client/fingerprint-forms", test_fingerprint_forms);

  return g_test_run ();
}
