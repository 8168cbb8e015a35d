/* bench-negotiate.c: sealed WinRM calls per second to one simulated Hyper-V host (Negotiate,
 * NTLM, every message sealed) against Basic on the same simulator, with 100 KiB envelopes.
 * Prints both rates and their ratio; asserts nothing about time.
 *
 *   bench-negotiate [--quick]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-http-client.h"

#define ENVELOPE_SIZE (100 * 1024)

static const char scenario[] =
  "{ \"hyperv_hosts\": ["
  "  { \"name\": \"hv-bench\", \"user\": \"Administrator\", \"password\": \"Bench-pw1\","
  "    \"auth\": [\"negotiate\", \"basic\"], \"allow_unencrypted\": true,"
  "    \"vms\": [ { \"name\": \"gold\", \"disk_gb\": 40 } ] } ] }";

typedef struct
{
  VdiHttpClient *client;
  const char    *envelope;
  guint          remaining;
  guint          in_flight;
} Run;

static void post_next (Run *run);

static void
post_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHttpResponse) response = vdi_http_client_post_finish (VDI_HTTP_CLIENT (object), result, &error);

  if (response == NULL || response->status != 200)
    g_error ("a call failed: %s", error != NULL ? error->message : "not 200");
  run->in_flight--;
  post_next (run);
}

static void
post_next (Run *run)
{
  /* Four callers at a time: Negotiate queues them on its one context, Basic spreads them
   * over libsoup's connections, as the backends would. */
  while (run->remaining > 0 && run->in_flight < 4)
    {
      run->remaining--;
      run->in_flight++;
      vdi_http_client_post_async (run->client, "application/soap+xml;charset=UTF-8", NULL,
                                  run->envelope, NULL, post_cb, run);
    }
}

static double
calls_per_second (const char *url,
                  gboolean    sealed,
                  const char *envelope,
                  guint       calls)
{
  g_autoptr(VdiHttpClient) client = vdi_http_client_new (url, NULL, 60, FALSE);
  Run run = { client, envelope, 1, 0 };
  gint64 started;

  if (sealed)
    vdi_http_client_set_negotiate (client, "ntlm", "Administrator", "Bench-pw1");
  else
    vdi_http_client_set_basic_auth (client, "Administrator", "Bench-pw1");

  /* Warm up: the handshake (or the first connection) is not what is measured. */
  post_next (&run);
  while (run.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);

  run.remaining = calls;
  started = g_get_monotonic_time ();
  post_next (&run);
  while (run.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  return calls / ((g_get_monotonic_time () - started) / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");
  guint calls = quick ? 20 : 400;
  SimFixture sim = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GString) envelope = g_string_new (NULL);
  double sealed, basic;

  sim_fixture_start (&sim, scenario);
  url = sim_provider_url (&sim, "hv-bench");

  /* An Identify whose header carries 100 KiB of an element the host ignores. */
  g_string_append (envelope, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                             "xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\" "
                             "xmlns:x=\"urn:bench\"><s:Header><x:Padding>");
  while (envelope->len < ENVELOPE_SIZE - 80)
    g_string_append (envelope, "0123456789abcdef");
  g_string_append (envelope, "</x:Padding></s:Header><s:Body><wsmid:Identify/></s:Body></s:Envelope>");

  sealed = calls_per_second (url, TRUE, envelope->str, calls);
  basic = calls_per_second (url, FALSE, envelope->str, calls);

  g_print ("envelope: %" G_GSIZE_FORMAT " bytes, %u calls each, 4 callers\n", envelope->len, calls);
  g_print ("negotiate (NTLM, sealed): %.1f calls/s\n", sealed);
  g_print ("basic (clear):            %.1f calls/s\n", basic);
  g_print ("sealed / basic:           %.2f\n", sealed / basic);

  sim_fixture_stop (&sim);
  return 0;
}
