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

/* The fixture the widget tests against the simulator share, in the fields of their own:
 *
 *   vdi_test_ui_sim_set_up ()     starts the simulator on @scenario, and makes an empty farm
 *                                 in a temporary directory named after @name, and credentials;
 *   vdi_test_ui_sim_show ()       the test has filled the farm: an application on it, and its
 *                                 window shown and painted;
 *   vdi_test_ui_sim_close ()      every window closed and the application gone, the farm's
 *                                 pending save landed;
 *   vdi_test_ui_sim_tear_down ()  the farm, credentials, simulator and directory gone.
 */
void
vdi_test_ui_sim_set_up (SimFixture      *sim,
                        const char      *scenario,
                        const char      *name,
                        char           **dir,
                        VdiFarm        **farm,
                        VdiCredentials **credentials)
{
  g_autofree char *template = g_strdup_printf ("vdi-ui-%s-XXXXXX", name);
  g_autofree char *path = NULL;

  sim_fixture_start (sim, scenario);
  *dir = g_dir_make_tmp (template, NULL);
  g_assert_nonnull (*dir);
  path = g_build_filename (*dir, "farm.json", NULL);
  *farm = vdi_farm_new (path);
  *credentials = vdi_credentials_new (FALSE);
}

VdiWindow *
vdi_test_ui_sim_show (VdiFarm         *farm,
                      VdiCredentials  *credentials,
                      VdiApplication **app)
{
  VdiWindow *window;

  *app = vdi_test_application_new (NULL, credentials);
  vdi_application_set_farm (*app, farm);
  window = vdi_window_new (*app);
  gtk_window_present (GTK_WINDOW (window));
  vdi_test_wait_frames (GTK_WIDGET (window), 2);
  return window;
}

void
vdi_test_ui_sim_close (VdiApplication **app,
                       VdiFarm         *farm)
{
  vdi_test_destroy_toplevels ();
  g_clear_object (app);
  /* A save the engine asked for may still be pending; let it land before the cleanup. */
  vdi_farm_flush (farm, NULL);
  vdi_test_flush_events ();
}

void
vdi_test_ui_sim_tear_down (SimFixture      *sim,
                           char           **dir,
                           VdiFarm        **farm,
                           VdiCredentials **credentials)
{
  g_clear_object (farm);
  g_clear_object (credentials);
  sim_fixture_stop (sim);
  vdi_test_remove_dir (*dir);
  g_clear_pointer (dir, g_free);
}
