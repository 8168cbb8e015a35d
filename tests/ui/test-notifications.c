/* test-notifications.c: how the console says that work on providers ended. While it has the
 * focus, a toast in the window; while it has not, a desktop notification as well, whose Details
 * open the Distribution details. Real copies in vdi-provider-sim, in process; the notifications
 * are seen as they go over the session bus, to the stand-in server of vdi-test-ui.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-distribution-dialog.h"
#include "vdi-distribution-notifier.h"
#include "vdi-test-ui-sim.h"
#include "vdi-test-ui.h"

#define PASSWORD "pw"
#define GOLD "Win11 Gold"
#define N_TARGETS 2
#define WAIT_MS 60000

typedef struct
{
  SimFixture      sim;
  VdiApplication *app;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiTemplate    *template;
  VdiWindow      *window;
  GtkWindow      *elsewhere;  /* another program's window, which has the focus */
  GtkWindow      *to_focus;   /* the console's window the admin clicks */
  char           *dir;
  char           *id;         /* of the template's notification */
  gboolean        focused_at_end;
} Fixture;

/* Small disks and a high time scale: each copy takes well under a second. */
static const char scenario[] =
  "{ \"time_scale\": 50, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-src\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"export_mbps\": 10000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "    \"vms\": [ { \"name\": \"" GOLD "\", \"disk_gb\": 2, \"state\": \"off\" } ] },"
  "  { \"name\": \"hv-t1\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] },"
  "  { \"name\": \"hv-t2\", \"user\": \"admin\", \"password\": \"" PASSWORD "\","
  "    \"down_mbps\": 1000, \"up_mbps\": 1000, \"vms\": [] } ] }";

static VdiProvider *
add_provider (Fixture    *fixture,
              const char *name)
{
  return vdi_test_add_sim_provider (&fixture->sim, fixture->farm, fixture->credentials, name,
                                    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, PASSWORD);
}

/* The id of the simulator's VM GOLD on hv-src. */
static char *
dup_gold_id (Fixture *fixture)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      if (!g_str_equal (json_object_get_string_member (provider, "name"), "hv-src"))
        continue;
      for (guint k = 0; k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (g_str_equal (json_object_get_string_member (vm, "name"), GOLD))
            return g_strdup (json_object_get_string_member (vm, "id"));
        }
    }
  g_assert_not_reached ();
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(VdiProvider) source = NULL;
  g_autofree char *gold = NULL;
  g_autoptr(GError) error = NULL;

  vdi_test_ui_sim_set_up (&fixture->sim, scenario, "notifications", &fixture->dir,
                          &fixture->farm, &fixture->credentials);

  source = add_provider (fixture, "hv-src");
  fixture->template = vdi_template_new (NULL, "Win11 Pool", source, GOLD);
  gold = dup_gold_id (fixture);
  vdi_template_set_source_vm_id (fixture->template, gold);
  g_assert_true (vdi_template_set_multi_provider (fixture->template, TRUE, &error));
  for (guint i = 1; i <= N_TARGETS; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-t%u", i);
      g_autoptr(VdiProvider) target = add_provider (fixture, name);

      g_assert_nonnull (vdi_template_add_target (fixture->template, target, &error));
    }
  g_assert_true (vdi_template_set_concurrency (fixture->template, 2, &error));
  g_assert_true (vdi_farm_add_template (fixture->farm, fixture->template, &error));
  g_assert_no_error (error);
  fixture->id = vdi_distribution_notifier_dup_id (fixture->template);

  fixture->window = vdi_test_ui_sim_show (fixture->farm, fixture->credentials, &fixture->app);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  vdi_test_ui_sim_close (&fixture->app, fixture->farm);
  fixture->elsewhere = NULL;
  g_clear_object (&fixture->template);
  g_clear_pointer (&fixture->id, g_free);
  vdi_test_ui_sim_tear_down (&fixture->sim, &fixture->dir, &fixture->farm, &fixture->credentials);
}

/* A window of the console, or a dialog over one, has the focus. */
static gboolean
console_has_focus (gpointer data)
{
  Fixture *fixture = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != fixture->elsewhere && gtk_window_is_active (window))
        return TRUE;
    }
  return FALSE;
}

static gboolean
console_lost_focus (gpointer data)
{
  return !console_has_focus (data);
}

/* The admin clicks the console until it has the focus: a test running beside this one on the
 * same display may take the focus with a window of its own at any time. */
static gboolean
console_takes_focus (gpointer data)
{
  Fixture *fixture = data;

  if (console_has_focus (fixture))
    return TRUE;
  gtk_window_present (fixture->to_focus);
  return FALSE;
}

static void
focus_console (Fixture   *fixture,
               GtkWindow *window)
{
  fixture->to_focus = window;
  sim_wait_until (console_takes_focus, fixture, WAIT_MS, "the console to have the focus");
}

/* Runs after the notifier's handler, in the same emission: what it saw is what this sees. */
static void
finished_cb (VdiDistributor *distributor,
             VdiTemplate    *template,
             guint           n_failed,
             Fixture        *fixture)
{
  fixture->focused_at_end = console_has_focus (fixture);
}

/* The admin turns to another program: its window takes the focus. */
static void
look_elsewhere (Fixture *fixture)
{
  fixture->elsewhere = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (fixture->elsewhere, "Another Program");
  gtk_window_present (fixture->elsewhere);
  sim_wait_until (console_lost_focus, fixture, WAIT_MS, "the console to lose the focus");
}

/* The next move of a copy to its target fails, in the provider's words. */
static void
fail_one_copy (Fixture *fixture)
{
  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\":\"MigrateVirtualSystemToHost\",\"count\":1,"
                    "\"fault\":\"job:32768\",\"message\":\"The network path was not found.\"}");
}

static void
distributed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;

  vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, NULL);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

/* Copies the template to its targets, as Retry All does, and waits for the end. */
static void
distribute (Fixture *fixture)
{
  gboolean done = FALSE;

  vdi_distributor_distribute_async (vdi_application_get_distributor (fixture->app),
                                    fixture->template, NULL, distributed_cb, &done);
  sim_wait_until (is_true, &done, WAIT_MS, "the distribution to end");
  vdi_test_flush_events ();
}

static GVariant *
notification (Fixture *fixture)
{
  vdi_test_flush_events ();
  return vdi_test_notifications_lookup (G_APPLICATION (fixture->app), fixture->id);
}

static gboolean
notification_shown (gpointer data)
{
  return notification (data) != NULL;
}

static gboolean
notification_gone (gpointer data)
{
  return notification (data) == NULL;
}

static char *
dup_string (GVariant   *dict,
            const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (dict, key, G_VARIANT_TYPE_STRING);

  return value != NULL ? g_variant_dup_string (value, NULL) : NULL;
}

typedef struct
{
  Fixture *fixture;
  char    *id;
} Barrier;

static gboolean
barrier_passed (gpointer data)
{
  Barrier *barrier = data;

  vdi_test_flush_events ();
  return vdi_test_notifications_lookup (G_APPLICATION (barrier->fixture->app),
                                        barrier->id) != NULL;
}

/* Whatever the console sent before now has reached the server: messages from one connection
 * arrive in order, so once a notification sent after them has arrived, they have too. */
static void
sync_with_server (Fixture *fixture)
{
  static guint n_barriers;
  g_autoptr(GNotification) notification = g_notification_new ("Barrier");
  g_autofree char *id = g_strdup_printf ("test-barrier-%u", ++n_barriers);
  Barrier barrier = { fixture, id };

  g_application_send_notification (G_APPLICATION (fixture->app), id, notification);
  sim_wait_until (barrier_passed, &barrier, WAIT_MS, "the server to have every notification");
}

/* Both the notification and its one button show the template's Distribution details. */
static void
assert_actions (Fixture  *fixture,
                GVariant *sent)
{
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GVariant) buttons = NULL;
  g_autoptr(GVariant) button = NULL;
  g_autofree char *action = NULL;
  g_autofree char *label = NULL;

  action = dup_string (sent, "default-action");
  g_assert_cmpstr (action, ==, "app.show-distribution");
  target = g_variant_lookup_value (sent, "default-action-target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==,
                   vdi_template_get_id (fixture->template));
  g_clear_pointer (&target, g_variant_unref);
  g_clear_pointer (&action, g_free);

  buttons = g_variant_lookup_value (sent, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 1);
  button = g_variant_get_child_value (buttons, 0);
  label = dup_string (button, "label");
  g_assert_cmpstr (label, ==, "Details");
  action = dup_string (button, "action");
  g_assert_cmpstr (action, ==, "app.show-distribution");
  target = g_variant_lookup_value (button, "target", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==,
                   vdi_template_get_id (fixture->template));
}

/* Whether the main window shows a toast saying @text. */
static gboolean
window_says (Fixture    *fixture,
             const char *text)
{
  g_autoptr(GPtrArray) labels = NULL;

  vdi_test_flush_events ();
  labels = vdi_test_find_widgets (GTK_WIDGET (fixture->window), NULL, GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      return TRUE;
  return FALSE;
}

/* A copy fails while the admin looks elsewhere: a notification says so, in the provider's
 * words, and its Details open the Distribution details of the template. */
static void
test_needs_attention (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GtkWindow *dialog;
  GVariant *sent;

  /* Nothing lasting to say outside demo mode. */
  g_assert_false (vdi_banner_get_revealed (vdi_window_get_banner (fixture->window)));

  look_elsewhere (fixture);
  fail_one_copy (fixture);
  distribute (fixture);
  sim_wait_until (notification_shown, fixture, WAIT_MS, "the notification");

  sent = notification (fixture);
  title = dup_string (sent, "title");
  g_assert_cmpstr (title, ==, "Distribution of “Win11 Pool” Needs Attention");
  body = dup_string (sent, "body");
  g_assert_true (g_str_has_prefix (body, "Not up to date on 1 of 2 providers. hv-t"));
  g_assert_nonnull (strstr (body, "The network path was not found."));
  assert_actions (fixture, sent);

  /* The window says it too, for when the admin comes back. */
  g_assert_true (window_says (fixture, "could not be brought up to date on 1 provider"));

  /* Details: the console comes forward with the template's Distribution details. */
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "show-distribution",
                                  g_variant_new_string (vdi_template_get_id (fixture->template)));
  vdi_test_flush_events ();
  dialog = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));
  g_assert_true (vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (dialog)) ==
                 fixture->template);

  /* Asked again, the same dialog comes forward rather than a second one. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "show-distribution",
                                  g_variant_new_string (vdi_template_get_id (fixture->template)));
  vdi_test_flush_events ();
  g_assert_true (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, dialog) == NULL);

  /* With the focus back, the notification has done its work. */
  focus_console (fixture, dialog);
  sim_wait_until (notification_gone, fixture, WAIT_MS, "the notification to be withdrawn");
}

/* The next run's outcome replaces the last one's: one notification per template. */
static void
test_replaced (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GVariant *sent;

  look_elsewhere (fixture);
  fail_one_copy (fixture);
  distribute (fixture);
  sim_wait_until (notification_shown, fixture, WAIT_MS, "the notification");

  /* Retried, still elsewhere: the same notification now says it ended well. */
  distribute (fixture);
  sync_with_server (fixture);
  sent = notification (fixture);
  g_assert_nonnull (sent);
  title = dup_string (sent, "title");
  g_assert_cmpstr (title, ==, "“Win11 Pool” Distributed");
  body = dup_string (sent, "body");
  g_assert_cmpstr (body, ==, "Up to date on all 2 providers");
  assert_actions (fixture, sent);
}

/* With the focus, the window's toast is enough. */
static void
test_focused (Fixture       *fixture,
              gconstpointer  data)
{
  VdiDistributor *distributor = vdi_application_get_distributor (fixture->app);

  g_signal_connect (distributor, "finished", G_CALLBACK (finished_cb), fixture);
  /* Another test's window may take the focus while the copies run; then the notification
   * rightly goes out, and the run is tried again. */
  for (guint attempt = 1; ; attempt++)
    {
      focus_console (fixture, GTK_WINDOW (fixture->window));
      distribute (fixture);
      if (fixture->focused_at_end)
        break;
      g_test_message ("another window had the focus when run %u ended", attempt);
      g_assert_cmpuint (attempt, <, 10);
    }
  g_signal_handlers_disconnect_by_func (distributor, finished_cb, fixture);

  g_assert_true (window_says (fixture, "is up to date on every provider"));
  sync_with_server (fixture);
  g_assert_null (notification (fixture));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/notifications/needs-attention", Fixture, NULL,
              setup, test_needs_attention, teardown);
  g_test_add ("/ui/notifications/replaced", Fixture, NULL,
              setup, test_replaced, teardown);
  g_test_add ("/ui/notifications/focused", Fixture, NULL,
              setup, test_focused, teardown);

  return g_test_run ();
}
