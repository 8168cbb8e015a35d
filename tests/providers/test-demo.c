/* test-demo.c: the demo world — the simulator as a child process and a farm of its providers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-backend-factory.h"
#include "vdi-core.h"
#include "vdi-demo.h"
#include "vdi-test-async.h"

static char *
probe (VdiProvider    *provider,
       VdiCredentials *credentials,
       GError        **error)
{
  g_autofree char *password = vdi_credentials_lookup_sync (credentials,
                                                           vdi_provider_get_id (provider),
                                                           NULL, NULL);
  g_autoptr(VdiBackend) backend = vdi_backend_new_for_provider (provider, password, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (backend == NULL)
    return NULL;
  vdi_backend_probe_async (backend, NULL, vdi_test_store_result, &result);
  return vdi_backend_probe_finish (backend, vdi_test_wait_result (&result), error);
}

static void
test_demo (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiDemo) demo = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiProvider) first = NULL;
  g_autofree char *version = NULL;
  g_autofree char *after = NULL;
  g_autofree char *farm_path = NULL;
  guint n_hyperv = 0, n_vcenter = 0;
  GListModel *providers;

  vdi_demo_start_async (NULL, credentials, NULL, vdi_test_store_result, &result);
  demo = vdi_demo_start_finish (vdi_test_wait_result (&result), &error);
  g_assert_no_error (error);
  farm_path = g_strdup (vdi_demo_get_farm_path (demo));
  g_assert_true (g_file_test (farm_path, G_FILE_TEST_IS_REGULAR));

  farm = vdi_farm_new (farm_path);
  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  providers = vdi_farm_get_providers (farm);
  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, vdi_demo_get_n_providers (demo));
  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      if (vdi_provider_get_provider_type (provider) == VDI_PROVIDER_TYPE_HYPERV)
        n_hyperv++;
      else
        n_vcenter++;
    }
  /* Every provider of the demo world's definition, each of its own type. */
  g_assert_cmpuint (n_hyperv, ==, sim_demo_count ("hyperv_hosts"));
  g_assert_cmpuint (n_vcenter, ==, sim_demo_count ("vcenters"));

  /* The providers answer, with the passwords the demo stored. */
  first = g_list_model_get_item (providers, 0);
  version = probe (first, credentials, &error);
  g_assert_no_error (error);
  g_assert_nonnull (version);

  /* Stopping takes the simulator and the demo's farm away. */
  vdi_demo_stop (demo);
  g_assert_false (g_file_test (farm_path, G_FILE_TEST_EXISTS));
  after = probe (first, credentials, &error);
  g_assert_null (after);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/start-and-stop", test_demo);

  return g_test_run ();
}
