/* test-demo.c: `vdi-console --demo` — the simulator as a child, a farm of its providers in a
 * folder of its own, and nothing of the user's touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-test-ui.h"

typedef struct
{
  char  *farm_path;
  guint  n_providers;
} DemoSeen;

static gboolean
check_cb (gpointer user_data)
{
  GApplication *app = user_data;
  DemoSeen *seen = g_object_get_data (G_OBJECT (app), "seen");
  VdiFarm *farm;

  /* Not counted against the clock: a loaded machine starts the simulator slowly, and the test
   * harness bounds the test. */
  if (!vdi_application_get_farm_loaded (VDI_APPLICATION (app)))
    return G_SOURCE_CONTINUE;

  farm = vdi_application_get_farm (VDI_APPLICATION (app));
  seen->farm_path = g_strdup (vdi_farm_get_path (farm));
  seen->n_providers = g_list_model_get_n_items (vdi_farm_get_providers (farm));
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app)
{
  g_timeout_add (20, check_cb, app);
}

static void
test_demo (void)
{
  g_autofree char *user_farm = vdi_farm_dup_default_path ();
  g_autoptr(VdiApplication) app = NULL;
  char *argv[] = { (char *)"vdi-console", (char *)"--demo", NULL };
  DemoSeen seen = { NULL };
  int status;

  app = vdi_application_new (APP_ID ".Test.Demo", G_APPLICATION_DEFAULT_FLAGS);
  g_object_set_data (G_OBJECT (app), "seen", &seen);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);

  status = g_application_run (G_APPLICATION (app), 2, argv);
  g_assert_cmpint (status, ==, 0);

  /* The window showed the demo world... */
  g_assert_true (vdi_application_get_demo (app));
  g_assert_cmpuint (seen.n_providers, ==,
                    sim_demo_count ("hyperv_hosts") + sim_demo_count ("vcenters"));
  g_assert_nonnull (seen.farm_path);
  g_assert_false (g_str_equal (seen.farm_path, user_farm));

  /* ...which went away with the console, and the user's own farm was never created. */
  g_assert_false (g_file_test (seen.farm_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (user_farm, G_FILE_TEST_EXISTS));

  g_free (seen.farm_path);
  vdi_test_destroy_toplevels ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/demo/start-show-stop", test_demo);

  return g_test_run ();
}
