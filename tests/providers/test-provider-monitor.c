/* test-provider-monitor.c: live provider status against vdi-provider-sim.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-backend-budget.h"
#include "vdi-provider-monitor.h"

static const char scenario[] =
  "{ \"hyperv_hosts\": ["
  "  { \"name\": \"hv-a\", \"user\": \"admin\", \"password\": \"pw-a\", \"vms\": [] },"
  "  { \"name\": \"hv-b\", \"user\": \"admin\", \"password\": \"pw-b\", \"vms\": [] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-1\", \"user\": \"vdi\", \"password\": \"pw-vc\","
  "    \"hosts\": [ \"esx-1\" ], \"datastores\": [ { \"name\": \"ds\", \"capacity_gb\": 100 } ],"
  "    \"vms\": [] } ] }";

static VdiProvider *
add_provider (VdiFarm            *farm,
              SimFixture         *sim,
              const char         *name,
              VdiProviderSubtype  subtype,
              const char         *user)
{
  g_autofree char *url = sim_provider_url (sim, name);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  g_autoptr(VdiProvider) provider = vdi_provider_new (id, name, subtype, "127.0.0.1",
                                                      g_uri_get_port (uri));
  g_autoptr(GError) error = NULL;

  vdi_provider_set_username (provider, user);
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert_true (vdi_farm_add_provider (farm, provider, &error));
  return provider;
}

typedef struct
{
  VdiProvider       *provider;
  VdiProviderStatus  status;
} StatusWait;

static gboolean
has_status (gpointer data)
{
  StatusWait *wait = data;

  return vdi_provider_get_status (wait->provider) == wait->status;
}

static gboolean
is_probed (gpointer data)
{
  return vdi_provider_get_status (data) != VDI_PROVIDER_STATUS_UNKNOWN;
}

static void
wait_status (VdiProvider       *provider,
             VdiProviderStatus  status)
{
  StatusWait wait = { provider, status };

  sim_wait_until (has_status, &wait, 20000, vdi_provider_get_name (provider));
}

static void
test_monitor (void)
{
  SimFixture sim = { NULL };
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProviderMonitor) monitor = NULL;
  VdiProvider *a, *b, *vc, *vc_nopw;

  sim_fixture_start (&sim, scenario);
  a = add_provider (farm, &sim, "hv-a", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, "admin");
  b = add_provider (farm, &sim, "hv-b", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, "admin");
  vc = add_provider (farm, &sim, "vc-1", VDI_PROVIDER_SUBTYPE_VCENTER_8, "vdi");
  vdi_credentials_store_sync (credentials, "id-hv-a", "hv-a", "pw-a", NULL, NULL);
  vdi_credentials_store_sync (credentials, "id-hv-b", "hv-b", "wrong", NULL, NULL);
  vdi_credentials_store_sync (credentials, "id-vc-1", "vc-1", "pw-vc", NULL, NULL);

  monitor = vdi_provider_monitor_new (farm, credentials);
  wait_status (a, VDI_PROVIDER_STATUS_READY);
  wait_status (vc, VDI_PROVIDER_STATUS_READY);
  wait_status (b, VDI_PROVIDER_STATUS_NOT_AVAILABLE);
  g_assert_nonnull (strstr (vdi_provider_get_status_message (b), "password"));
  g_assert_nonnull (strstr (vdi_provider_get_status_message (a), "Hyper-V"));

  /* A host that stops answering is seen at the next probe, and its return too. */
  sim_control_post (&sim, "providers/hv-a/offline", "{\"mode\": \"refuse\"}");
  vdi_provider_monitor_refresh (monitor, NULL);
  wait_status (a, VDI_PROVIDER_STATUS_NOT_AVAILABLE);
  g_assert_nonnull (strstr (vdi_provider_get_status_message (a), "connect"));
  sim_control_post (&sim, "providers/hv-a/online", "{}");
  vdi_provider_monitor_refresh (monitor, a);
  wait_status (a, VDI_PROVIDER_STATUS_READY);

  /* Fixing the password probes the provider again. */
  vdi_credentials_store_sync (credentials, "id-hv-b", "hv-b", "pw-b", NULL, NULL);
  wait_status (b, VDI_PROVIDER_STATUS_READY);

  /* So does changing what identifies it. */
  vdi_provider_set_port (b, vdi_provider_get_port (b) + 1);
  wait_status (b, VDI_PROVIDER_STATUS_NOT_AVAILABLE);

  /* A provider added later is probed at once; a vCenter without a password says why. */
  vc_nopw = vdi_provider_new ("id-vc-2", "vc-2", VDI_PROVIDER_SUBTYPE_VCENTER_8, "localhost",
                              vdi_provider_get_port (vc));
  vdi_provider_set_allow_http (vc_nopw, TRUE);
  vdi_provider_set_username (vc_nopw, "vdi");
  g_assert_true (vdi_farm_add_provider (farm, vc_nopw, NULL));
  wait_status (vc_nopw, VDI_PROVIDER_STATUS_NOT_AVAILABLE);
  g_assert_nonnull (strstr (vdi_provider_get_status_message (vc_nopw), "No password"));
  g_object_unref (vc_nopw);

  g_clear_object (&monitor);
  sim_fixture_stop (&sim);
}

static const char hyperv_scenario[] =
  "{ \"hyperv_hosts\": ["
  "  { \"name\": \"hv-a\", \"user\": \"admin\", \"password\": \"pw-a\", \"vms\": [] } ] }";

/* A monitor watching hv-a alone; @settings (nullable) set on the host before the first probe. */
static VdiProviderMonitor *
watch_hv_a (SimFixture      *sim,
            VdiFarm         *farm,
            VdiCredentials  *credentials,
            const char      *settings,
            VdiProvider    **out_provider)
{
  sim_fixture_start (sim, hyperv_scenario);
  if (settings != NULL)
    sim_control_post (sim, "providers/hv-a/settings", settings);
  *out_provider = add_provider (farm, sim, "hv-a", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, "admin");
  vdi_credentials_store_sync (credentials, "id-hv-a", "hv-a", "pw-a", NULL, NULL);
  return vdi_provider_monitor_new (farm, credentials);
}

/* A host that accepts and never answers is Not available after the probe's deadline, not
 * after a transfer timeout. The deadline is shortened here (VDI_PROBE_TIMEOUT) so the test
 * does not wait the default; the time taken is printed, not asserted. */
static void
test_hung_host (void)
{
  SimFixture sim = { NULL };
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProviderMonitor) monitor = NULL;
  StatusWait wait;
  VdiProvider *a;
  gint64 started;

  g_setenv ("VDI_PROBE_TIMEOUT", "1.5", TRUE);
  monitor = watch_hv_a (&sim, farm, credentials, NULL, &a);
  wait_status (a, VDI_PROVIDER_STATUS_READY);

  sim_control_post (&sim, "providers/hv-a/offline", "{\"mode\": \"hang\"}");
  started = g_get_monotonic_time ();
  vdi_provider_monitor_refresh (monitor, a);
  wait = (StatusWait) { a, VDI_PROVIDER_STATUS_NOT_AVAILABLE };
  /* Generous: the code's own deadline, several times over, on a loaded machine. */
  sim_wait_until (has_status, &wait, 5 * vdi_backend_get_probe_timeout_ms () + 10000,
                  "the hung host to be Not available");
  g_test_message ("hung host Not available after %.1f s (probe deadline %.1f s)",
                  (g_get_monotonic_time () - started) / 1e6,
                  vdi_backend_get_probe_timeout_ms () / 1000.0);
  g_assert_nonnull (strstr (vdi_provider_get_status_message (a), "no answer"));

  sim_control_post (&sim, "providers/hv-a/online", "{}");
  vdi_provider_monitor_refresh (monitor, a);
  wait_status (a, VDI_PROVIDER_STATUS_READY);

  g_unsetenv ("VDI_PROBE_TIMEOUT");
  g_clear_object (&monitor);
  sim_fixture_stop (&sim);
}

/* The same for a vCenter: its probe (RetrieveServiceContent) has the probe's deadline, not the
 * 60 s a request to a vCenter may otherwise take. */
static void
test_hung_vcenter (void)
{
  SimFixture sim = { NULL };
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProviderMonitor) monitor = NULL;
  StatusWait wait;
  VdiProvider *vc;
  gint64 started;

  g_setenv ("VDI_PROBE_TIMEOUT", "1.5", TRUE);
  sim_fixture_start (&sim, scenario);
  vc = add_provider (farm, &sim, "vc-1", VDI_PROVIDER_SUBTYPE_VCENTER_8, "vdi");
  vdi_credentials_store_sync (credentials, "id-vc-1", "vc-1", "pw-vc", NULL, NULL);
  monitor = vdi_provider_monitor_new (farm, credentials);
  wait_status (vc, VDI_PROVIDER_STATUS_READY);

  sim_control_post (&sim, "providers/vc-1/offline", "{\"mode\": \"hang\"}");
  started = g_get_monotonic_time ();
  vdi_provider_monitor_refresh (monitor, vc);
  wait = (StatusWait) { vc, VDI_PROVIDER_STATUS_NOT_AVAILABLE };
  /* Well short of the 60 s transfer timeout, however loaded the machine. */
  sim_wait_until (has_status, &wait, 5 * vdi_backend_get_probe_timeout_ms () + 10000,
                  "the hung vCenter to be Not available");
  g_test_message ("hung vCenter Not available after %.1f s (probe deadline %.1f s)",
                  (g_get_monotonic_time () - started) / 1e6,
                  vdi_backend_get_probe_timeout_ms () / 1000.0);
  g_assert_nonnull (strstr (vdi_provider_get_status_message (vc), "no answer"));

  sim_control_post (&sim, "providers/vc-1/online", "{}");
  vdi_provider_monitor_refresh (monitor, vc);
  wait_status (vc, VDI_PROVIDER_STATUS_READY);

  g_unsetenv ("VDI_PROBE_TIMEOUT");
  g_clear_object (&monitor);
  sim_fixture_stop (&sim);
}

/* A slow host that does answer (5 s a call) is Ready under the default deadline. */
static void
test_slow_host (void)
{
  SimFixture sim = { NULL };
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiProviderMonitor) monitor = NULL;
  VdiProvider *a;

  g_unsetenv ("VDI_PROBE_TIMEOUT");
  g_assert_cmpuint (vdi_backend_get_probe_timeout_ms (), ==, VDI_BACKEND_DEFAULT_PROBE_TIMEOUT_MS);
  monitor = watch_hv_a (&sim, farm, credentials, "{\"latency_ms\": 5000}", &a);
  sim_wait_until (is_probed, a, 30000, "the slow host's probe");
  g_test_message ("slow host: %s", vdi_provider_get_status_message (a));
  g_assert_cmpint (vdi_provider_get_status (a), ==, VDI_PROVIDER_STATUS_READY);

  g_clear_object (&monitor);
  sim_fixture_stop (&sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/monitor/status", test_monitor);
  g_test_add_func ("/providers/monitor/hung-host", test_hung_host);
  g_test_add_func ("/providers/monitor/hung-vcenter", test_hung_vcenter);
  g_test_add_func ("/providers/monitor/slow-host", test_slow_host);

  return g_test_run ();
}
