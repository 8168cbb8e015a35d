/* vdi-test-ui-sim.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-test-ui-sim.h"

/* Adds to @farm the simulated provider @name (user "admin"), its password in @credentials.
 * (transfer full) */
VdiProvider *
vdi_test_add_sim_provider (SimFixture         *sim,
                           VdiFarm            *farm,
                           VdiCredentials     *credentials,
                           const char         *name,
                           VdiProviderSubtype  subtype,
                           const char         *password)
{
  g_autofree char *url = sim_provider_url (sim, name);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  VdiProvider *provider = vdi_provider_new (id, name, subtype, "127.0.0.1", g_uri_get_port (uri));

  vdi_provider_set_username (provider, "admin");
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert_true (vdi_farm_add_provider (farm, provider, NULL));
  g_assert_true (vdi_credentials_store_sync (credentials, id, name, password, NULL, NULL));
  return provider;
}
