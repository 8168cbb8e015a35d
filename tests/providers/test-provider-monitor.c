/* test-provider-monitor.c: live provider status against vdi-provider-sim.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/monitor/status", test_monitor);

  return g_test_run ();
}
