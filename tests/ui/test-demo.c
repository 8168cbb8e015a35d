/* test-demo.c: `vdi-console --demo` — the simulator as a child, a farm of its providers in a
 * folder of its own, and nothing of the user's touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-test-ui.h"

#define DEMO_NOTICE "Demo: these providers are simulated on this computer and vanish when you quit"

typedef struct
{
  char     *farm_path;
  guint     n_providers;
  gboolean  banner_revealed;
  char     *banner_title;
  char     *banner_unlabelled;   /* what the accessible label check said, NULL if all is well */
  char     *banner_not_status;   /* what the accessible role check said, NULL if all is well */
  guint     n_notices_elsewhere; /* labels outside the banner saying it: a toast */
} DemoSeen;

/* Demo mode lasts the whole session: a banner under the header bar says so, not a toast. */
static void
look_at_window (DemoSeen *seen,
                VdiWindow *window)
{
  VdiBanner *banner = vdi_window_get_banner (window);
  g_autoptr(GPtrArray) labels = NULL;

  /* The revealer shows its child as soon as it starts to open. */
  seen->banner_revealed = vdi_banner_get_revealed (banner) &&
                          gtk_widget_get_visible (GTK_WIDGET (banner)) &&
                          gtk_widget_get_child_visible (gtk_widget_get_first_child (
                            gtk_widget_get_first_child (GTK_WIDGET (banner))));
  seen->banner_title = g_strdup (vdi_banner_get_title (banner));
  seen->banner_unlabelled = gtk_test_accessible_check_property (GTK_ACCESSIBLE (banner),
                                                                GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                DEMO_NOTICE);
  if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (banner)) != GTK_ACCESSIBLE_ROLE_STATUS)
    seen->banner_not_status = g_strdup ("not a status");

  labels = vdi_test_find_widgets (GTK_WIDGET (window), NULL, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (strstr (gtk_label_get_text (GTK_LABEL (label)), "simulated") != NULL &&
          !gtk_widget_is_ancestor (label, GTK_WIDGET (banner)))
        seen->n_notices_elsewhere++;
    }
}

static gboolean
check_cb (gpointer user_data)
{
  GApplication *app = user_data;
  DemoSeen *seen = g_object_get_data (G_OBJECT (app), "seen");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  VdiFarm *farm;

  /* Not counted against the clock: a loaded machine starts the simulator slowly, and the test
   * harness bounds the test. The window has shown the farm. */
  if (!vdi_application_get_farm_loaded (VDI_APPLICATION (app)) ||
      !VDI_IS_WINDOW (window) || vdi_window_get_loading (VDI_WINDOW (window)))
    return G_SOURCE_CONTINUE;

  look_at_window (seen, VDI_WINDOW (window));
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

  vdi_test_notifications_start ();
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

  /* ...and said so in a banner, named for screen readers, and in no toast. */
  g_assert_true (seen.banner_revealed);
  g_assert_cmpstr (seen.banner_title, ==, DEMO_NOTICE);
  g_assert_null (seen.banner_unlabelled);
  g_assert_null (seen.banner_not_status);
  g_assert_cmpuint (seen.n_notices_elsewhere, ==, 0);

  /* ...which went away with the console, and the user's own farm was never created. */
  g_assert_false (g_file_test (seen.farm_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (user_farm, G_FILE_TEST_EXISTS));

  g_free (seen.farm_path);
  g_free (seen.banner_title);
  g_free (seen.banner_unlabelled);
  g_free (seen.banner_not_status);
  vdi_test_destroy_toplevels ();
}

static void
banner_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  (*(guint *)user_data)++;
}

/* The banner's button is there only with a label, so it is never an unnamed control, and it
 * activates the banner's action. */
static void
test_banner_button (void)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("act", NULL);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  VdiBanner *banner = VDI_BANNER (vdi_banner_new ("Something lasts"));
  g_autofree char *unnamed = NULL;
  GtkWidget *button;
  guint n_activated = 0;

  g_signal_connect (action, "activate", G_CALLBACK (banner_action), &n_activated);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "test", G_ACTION_GROUP (group));
  gtk_window_set_child (window, GTK_WIDGET (banner));
  vdi_banner_set_revealed (banner, TRUE);
  gtk_window_present (window);
  vdi_test_wait_frames (GTK_WIDGET (window), 2);

  gtk_test_accessible_assert_role (banner, GTK_ACCESSIBLE_ROLE_STATUS);
  gtk_test_accessible_assert_property (banner, GTK_ACCESSIBLE_PROPERTY_LABEL, "Something lasts");
  g_assert_null (vdi_test_find_widget (GTK_WIDGET (banner), "banner-button", G_TYPE_INVALID));
  g_assert_null (vdi_banner_get_button_label (banner));

  vdi_banner_set_action_name (banner, "test.act");
  vdi_banner_set_button_label (banner, "_Do It");
  vdi_banner_set_title (banner, "Something else lasts");
  gtk_test_accessible_assert_property (banner, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Something else lasts");
  button = vdi_test_find_widget (GTK_WIDGET (banner), "banner-button", GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Do It");
  unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (window));
  g_assert_cmpstr (unnamed, ==, "");
  vdi_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
  vdi_test_flush_events ();
  g_assert_cmpuint (n_activated, ==, 1);

  vdi_banner_set_button_label (banner, NULL);
  g_assert_null (vdi_test_find_widget (GTK_WIDGET (banner), "banner-button", G_TYPE_INVALID));

  vdi_banner_set_revealed (banner, FALSE);
  g_assert_false (vdi_banner_get_revealed (banner));
  gtk_window_destroy (window);
  vdi_test_flush_events ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/demo/start-show-stop", test_demo);
  g_test_add_func ("/ui/demo/banner-button", test_banner_button);

  return g_test_run ();
}
