/* test-hyperv-negotiate.c: the console against a stock Hyper-V host of vdi-provider-sim (HTTP
 * 5985-style, Negotiate only, AllowUnencrypted=false): NTLM with sealed messages, a wrong
 * password, a dropped connection, many calls at once, a 1 MiB sealed answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-backend-error.h"
#include "vdi-http-client.h"
#include "vdi-hyperv-backend.h"

#define WAIT_MS 30000
#define PASSWORD "St0ck&<pw>"

static const char scenario_template[] =
  "{ \"time_scale\": 400, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-stock\", \"user\": \"Administrator\", \"password\": \"St0ck&<pw>\","
  "    \"auth\": [\"negotiate\"], \"allow_unencrypted\": false,"
  "    \"vms\": [ { \"name\": \"Win11 Gold\", \"disk_gb\": 40, \"state\": \"off\" } %s ] } ] }";

typedef struct
{
  SimFixture   sim;
  VdiProvider *provider;
} Fixture;

static void
fixture_setup_with (Fixture *fixture,
                    guint    extra_vms)
{
  g_autoptr(GString) vms = g_string_new (NULL);
  g_autofree char *scenario = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  for (guint i = 0; i < extra_vms; i++)
    g_string_append_printf (vms, ", { \"name\": \"desk-%04u-with-a-longer-name\", \"disk_gb\": 30 }", i);
  scenario = g_strdup_printf (scenario_template, vms->str);
  sim_fixture_start (&fixture->sim, scenario);

  url = sim_provider_url (&fixture->sim, "hv-stock");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  fixture->provider = vdi_provider_new ("id-stock", "hv-stock", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                        g_uri_get_host (uri), g_uri_get_port (uri));
  vdi_provider_set_username (fixture->provider, "Administrator");
  /* Only name, address, user and password: the default authentication, and no "allow HTTP"
   * (the simulator listens on another port than 5985, so it is allowed here by hand). */
  g_assert_cmpstr (vdi_provider_get_auth (fixture->provider), ==, "negotiate");
  vdi_provider_set_allow_http (fixture->provider, TRUE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture_setup_with (fixture, 0);
}

static void
fixture_setup_big (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_setup_with (fixture, 1500);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->provider);
  sim_fixture_stop (&fixture->sim);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_result (GAsyncResult **slot,
             const char    *what)
{
  guint timeout = g_timeout_add (WAIT_MS, timeout_cb, (gpointer) what);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return *slot;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GPtrArray *
list_vms (VdiBackend  *backend,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vdi_backend_list_vms_async (backend, NULL, store_cb, &result);
  return vdi_backend_list_vms_finish (backend, wait_result (&result, "list vms"), error);
}

static guint
counter (Fixture    *fixture,
         const char *name)
{
  VdiSimProvider *host = vdi_sim_world_find_provider (fixture->sim.world, "hv-stock");

  return GPOINTER_TO_UINT (g_hash_table_lookup (host->requests, name));
}

static void
test_stock_host (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  g_autoptr(GPtrArray) vms = NULL;

  g_assert_no_error (error);
  g_assert_null (vdi_hyperv_backend_get_auth_label (backend));
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 1);
  g_assert_cmpstr (vdi_hyperv_backend_get_auth_label (backend), ==, "NTLM");
  /* Every message sealed: the host would have refused anything else. */
  g_assert_cmpuint (counter (fixture, "(unencrypted)"), ==, 0);
  g_assert_cmpuint (counter (fixture, "(bad seal)"), ==, 0);
  g_assert_cmpuint (counter (fixture, "(negotiate)"), ==, 2);  /* NEGOTIATE, AUTHENTICATE */
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = vdi_hyperv_backend_new (fixture->provider, "not it", &error);
  g_autoptr(GPtrArray) vms = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_no_error (error);
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_null (vms);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "refused the user name or password"));
  g_test_message ("refused in %.3f s: %s", (g_get_monotonic_time () - started) / 1e6, error->message);
}

/* The connection goes away between two calls (an idle timeout, a restart): the next sealed
 * message gets a 401, and the client authenticates again and sends it once more. */
static void
test_dropped_connection (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, "hv-stock");
  g_autoptr(VdiHttpClient) client = vdi_http_client_new (url, NULL, 30, FALSE);
  static const char identify[] =
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
    "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";

  vdi_http_client_set_negotiate (client, "negotiate", "Administrator", PASSWORD);
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(VdiHttpResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      vdi_http_client_post_async (client, "application/soap+xml;charset=UTF-8", NULL, identify,
                                  NULL, store_cb, &result);
      response = vdi_http_client_post_finish (client, wait_result (&result, "identify"), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (response->body, NULL),
                                      g_bytes_get_size (response->body), "OS: 10.0.20348"));
      g_assert_cmpuint (counter (fixture, "(negotiate)"), ==, 2 * (round + 1));
      g_assert_cmpuint (counter (fixture, "Identify"), ==, round + 1);
      soup_session_abort (vdi_http_client_get_session (client));
    }
  /* Each round after the first: the sealed message on the new connection was refused once. */
  g_assert_cmpuint (counter (fixture, "(unauthorized)"), ==, 2);
}

static void
many_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 1);
  (*pending)--;
}

static void
test_many_calls (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  guint pending = 40;
  guint timeout = g_timeout_add (WAIT_MS, timeout_cb, (gpointer) "many calls");

  g_assert_no_error (error);
  for (guint i = 0; i < pending; i++)
    vdi_backend_list_vms_async (VDI_BACKEND (backend), NULL, many_cb, &pending);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  /* One handshake served them all, one call at a time. */
  g_assert_cmpuint (counter (fixture, "(negotiate)"), ==, 2);
  g_assert_cmpuint (counter (fixture, "(bad seal)"), ==, 0);
}

/* An Enumerate answered in one page of more than 1 MiB, sealed as one part. */
static void
test_big_answer (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, "hv-stock");
  g_autoptr(VdiHttpClient) client = vdi_http_client_new (url, NULL, 30, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = g_strdup_printf (
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
    "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" "
    "xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>"
    "<a:To>%s</a:To>"
    "<w:ResourceURI s:mustUnderstand=\"true\">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/*</w:ResourceURI>"
    "<a:Action s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action>"
    "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">4194304</w:MaxEnvelopeSize>"
    "<a:MessageID>uuid:6B1B7E06-1C4B-4F7C-9C0B-7B5D2A4E9F10</a:MessageID>"
    "<w:OperationTimeout>PT60S</w:OperationTimeout></s:Header><s:Body>"
    "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2000</w:MaxElements>"
    "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">"
    "SELECT * FROM Msvm_ComputerSystem</w:Filter></n:Enumerate></s:Body></s:Envelope>", url);

  vdi_http_client_set_negotiate (client, "ntlm", "Administrator", PASSWORD);
  vdi_http_client_post_async (client, "application/soap+xml;charset=UTF-8", NULL, envelope,
                              NULL, store_cb, &result);
  response = vdi_http_client_post_finish (client, wait_result (&result, "enumerate"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_test_message ("sealed answer of %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (response->body));
  g_assert_cmpuint (g_bytes_get_size (response->body), >, 1024 * 1024);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                                  "desk-0699-with-a-longer-name"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, NULL, setup, func, fixture_teardown)

  ADD ("/backends/hyperv-negotiate/stock-host", fixture_setup, test_stock_host);
  ADD ("/backends/hyperv-negotiate/wrong-password", fixture_setup, test_wrong_password);
  ADD ("/backends/hyperv-negotiate/dropped-connection", fixture_setup, test_dropped_connection);
  ADD ("/backends/hyperv-negotiate/many-calls", fixture_setup, test_many_calls);
  ADD ("/backends/hyperv-negotiate/big-answer", fixture_setup_big, test_big_answer);

  return g_test_run ();
}
