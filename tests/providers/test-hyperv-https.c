/* test-hyperv-https.c: the console against a Hyper-V host of vdi-provider-sim on WinRM's HTTPS
 * listener (5986-style): Negotiate (NTLM) over TLS, sealed, and Extended Protection, where the
 * host demands the channel binding of its own certificate (RFC 5929 tls-server-end-point). A
 * TLS relay in between, with a certificate of its own that the console was told to trust, is
 * what that protection is for: the host must refuse the relayed handshake, and accept the same
 * relay when it does not enforce the protection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-backend-error.h"
#include "vdi-hyperv-backend.h"
#include "vdi-test-async.h"

#define PASSWORD "Tls&<pw>"

/* `openssl x509 -fingerprint -sha256` of tests/providers/data/test-tls.pem (the host's) and
 * test-tls-relay.pem (the relay's). */
#define HOST_FINGERPRINT \
  "69:3B:64:1D:7E:39:31:76:56:6E:1A:41:C2:44:27:82:D0:55:54:BE:F1:80:4C:25:49:73:19:01:57:38:A7:41"
#define RELAY_FINGERPRINT \
  "DD:64:4F:39:27:94:B0:2D:24:1A:BE:B1:E5:53:88:BF:3F:62:87:36:C2:BC:8C:CE:9A:EA:82:8C:C7:F5:A1:DF"

typedef struct
{
  SimFixture       sim;
  VdiProvider     *provider;
  guint            host_port;
  /* the relay */
  GSocketService  *relay;
  GTlsCertificate *relay_certificate;
  guint            relay_port;
  guint            relayed;
} Fixture;

static void
start_host (Fixture  *fixture,
            gboolean  extended_protection)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data", "test-tls.pem",
                                                NULL);
  g_autofree char *pem_json = g_strescape (pem, NULL);
  g_autofree char *scenario = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  scenario = g_strdup_printf ("{ \"time_scale\": 400, \"hyperv_hosts\": ["
                              "  { \"name\": \"hv-tls\", \"user\": \"Administrator\","
                              "    \"password\": \"Tls&<pw>\", \"auth\": [\"negotiate\"],"
                              "    \"allow_unencrypted\": false, \"tls_certificate\": \"%s\","
                              "    \"extended_protection\": %s,"
                              "    \"vms\": [ { \"name\": \"Win11 Gold\", \"disk_gb\": 40 } ] } ] }",
                              pem_json, extended_protection ? "true" : "false");
  sim_fixture_start (&fixture->sim, scenario);

  url = sim_provider_url (&fixture->sim, "hv-tls");
  g_assert_true (g_str_has_prefix (url, "https://"));
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  fixture->host_port = g_uri_get_port (uri);

  /* Only what an admin types: host, port, user; the certificate trusted as the console's
   * prompt would pin it. No "allow HTTP": this is HTTPS. */
  fixture->provider = vdi_provider_new ("id-tls", "hv-tls", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                        "127.0.0.1", fixture->host_port);
  vdi_provider_set_username (fixture->provider, "Administrator");
  vdi_provider_set_tls_fingerprint (fixture->provider, HOST_FINGERPRINT);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->relay != NULL)
    g_socket_service_stop (fixture->relay);
  g_clear_object (&fixture->relay);
  g_clear_object (&fixture->relay_certificate);
  g_clear_object (&fixture->provider);
  sim_fixture_stop (&fixture->sim);
}

/* The relay: TLS in with its own certificate, TLS out to the host, bytes spliced between. --- */

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
relay_incoming_cb (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source_object,
                   gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) inside = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream = NULL;
  g_autoptr(GIOStream) outside = NULL;

  inside = g_tls_server_connection_new (G_IO_STREAM (connection), fixture->relay_certificate,
                                        &error);
  g_assert_no_error (error);

  /* A blocking connect on loopback; the TLS handshakes happen later, in the splice. */
  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", fixture->host_port, NULL,
                                              &error);
  g_assert_no_error (error);
  outside = g_tls_client_connection_new (G_IO_STREAM (upstream), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (outside, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);

  fixture->relayed++;
  g_io_stream_splice_async (inside, outside, G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
                            G_IO_STREAM_SPLICE_CLOSE_STREAM2, G_PRIORITY_DEFAULT, NULL,
                            splice_cb, NULL);
  return TRUE;
}

/* Points the provider at a relay that the console trusts, as if an attacker's certificate had
 * been accepted (or a TLS-inspecting proxy sat in between). */
static void
start_relay (Fixture *fixture)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data",
                                                "test-tls-relay.pem", NULL);
  g_autoptr(GError) error = NULL;

  fixture->relay_certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  fixture->relay = g_socket_service_new ();
  fixture->relay_port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (fixture->relay),
                                                             NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->relay, "incoming", G_CALLBACK (relay_incoming_cb), fixture);
  g_socket_service_start (fixture->relay);

  vdi_provider_set_port (fixture->provider, fixture->relay_port);
  vdi_provider_set_tls_fingerprint (fixture->provider, RELAY_FINGERPRINT);
}

/* Calls ---------------------------------------------------------------------------------------- */

static GPtrArray *
list_vms (VdiBackend  *backend,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_vms_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_list_vms_finish (backend, vdi_test_wait_result (&result), error);
}

static guint
counter (Fixture    *fixture,
         const char *name)
{
  VdiSimProvider *host = vdi_sim_world_find_provider (fixture->sim.world, "hv-tls");

  return GPOINTER_TO_UINT (g_hash_table_lookup (host->requests, name));
}

/* Negotiate over HTTPS, and with Extended Protection: the console binds its token to the
 * certificate it reached, and every message is sealed as over HTTP. */
static void
test_https (Fixture       *fixture,
            gconstpointer  data)
{
  gboolean extended_protection = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  start_host (fixture, extended_protection);
  backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  g_assert_no_error (error);
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 1);
  g_assert_cmpstr (vdi_hyperv_backend_get_auth_label (backend), ==, "NTLM");
  g_assert_cmpuint (counter (fixture, "(unencrypted)"), ==, 0);
  g_assert_cmpuint (counter (fixture, "(bad seal)"), ==, 0);

  /* The wrong password is still refused as such over TLS. */
  {
    g_autoptr(VdiHypervBackend) wrong = vdi_hyperv_backend_new (fixture->provider, "nope", NULL);
    g_autoptr(GPtrArray) none = list_vms (VDI_BACKEND (wrong), &error);

    g_assert_null (none);
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  }
}

/* Through a relay the console trusts: a host that enforces the binding refuses the handshake
 * (the binding names the relay's certificate, not the host's); one that does not, accepts. */
static void
test_relay (Fixture       *fixture,
            gconstpointer  data)
{
  gboolean extended_protection = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  start_host (fixture, extended_protection);
  start_relay (fixture);
  backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  g_assert_no_error (error);
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_cmpuint (fixture->relayed, >=, 1);

  if (extended_protection)
    {
      g_assert_null (vms);
      g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
      g_test_message ("relayed, refused: %s", error->message);
      g_assert_cmpuint (counter (fixture, "(unauthorized)"), >=, 1);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpuint (vms->len, ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/backends/hyperv-https/negotiate", Fixture, GINT_TO_POINTER (FALSE), NULL,
              test_https, fixture_teardown);
  g_test_add ("/backends/hyperv-https/extended-protection", Fixture, GINT_TO_POINTER (TRUE), NULL,
              test_https, fixture_teardown);
  g_test_add ("/backends/hyperv-https/relay-without-protection", Fixture, GINT_TO_POINTER (FALSE),
              NULL, test_relay, fixture_teardown);
  g_test_add ("/backends/hyperv-https/relay-refused", Fixture, GINT_TO_POINTER (TRUE), NULL,
              test_relay, fixture_teardown);

  return g_test_run ();
}
