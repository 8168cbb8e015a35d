/* test-distribution-dialog.c: the Distribution details dialog, opened the way the Templates
 * tab opens it, driving real copies in vdi-provider-sim and judged by the simulator's inventory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include "vdi-test-ui-sim.h"
#include "vdi-distribution-dialog.h"
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
  char           *dir;
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

/* The simulator's VMs named GOLD on @host, or the id of the one there when @id is not NULL. */
static guint
gold_on (Fixture     *fixture,
         const char  *host,
         char       **id)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&fixture->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      if (!g_str_equal (json_object_get_string_member (provider, "name"), host))
        continue;
      for (guint k = 0; k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (!g_str_equal (json_object_get_string_member (vm, "name"), GOLD))
            continue;
          if (id != NULL)
            *id = g_strdup (json_object_get_string_member (vm, "id"));
          n++;
        }
    }
  return n;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(VdiProvider) source = NULL;
  g_autofree char *gold = NULL;
  g_autoptr(GError) error = NULL;

  vdi_test_ui_sim_set_up (&fixture->sim, scenario, "distribution", &fixture->dir, &fixture->farm,
                          &fixture->credentials);

  source = add_provider (fixture, "hv-src");
  fixture->template = vdi_template_new (NULL, "Win11 Pool", source, GOLD);
  g_assert_cmpuint (gold_on (fixture, "hv-src", &gold), ==, 1);
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

  fixture->window = vdi_test_ui_sim_show (fixture->farm, fixture->credentials, &fixture->app);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  vdi_test_ui_sim_close (&fixture->app, fixture->farm);
  g_clear_object (&fixture->template);
  vdi_test_ui_sim_tear_down (&fixture->sim, &fixture->dir, &fixture->farm, &fixture->credentials);
}

static VdiDistributionDialog *
open_dialog (Fixture *fixture)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.distribution-details", "s",
                              vdi_template_get_id (fixture->template));
  dialog = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (fixture->window));
  g_assert_true (vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (dialog)) ==
                 fixture->template);
  vdi_test_wait_frames (GTK_WIDGET (dialog), 2);

  return VDI_DISTRIBUTION_DIALOG (dialog);
}

static GtkWidget *
row_at (VdiDistributionDialog *dialog,
        guint                  i)
{
  GtkWidget *row = vdi_distribution_dialog_get_row (dialog, i);

  g_assert_nonnull (row);
  return row;
}

static const char *
row_text (GtkWidget  *row,
          const char *name)
{
  GtkWidget *label = vdi_test_find_widget (row, name, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

static GtkWidget *
row_retry (GtkWidget *row)
{
  GtkWidget *button = vdi_test_find_widget (row, "retry-button", GTK_TYPE_BUTTON);

  g_assert_nonnull (button);
  return button;
}

/* What a click does; gtk_widget_activate() would only click after the press animation. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  VdiDistributionDialog *dialog;
  VdiDistributor        *distributor;
  VdiTemplate           *template;
  guint                  n_rows;
} Wait;

/* Every row shows Ready, and the distributor is done with the template. */
static gboolean
all_ready (gpointer data)
{
  Wait *wait = data;

  if (vdi_distributor_is_busy (wait->distributor, wait->template))
    return FALSE;

  for (guint i = 0; i < wait->n_rows; i++)
    if (!g_str_equal (row_text (row_at (wait->dialog, i), "state-label"), "Ready"))
      return FALSE;

  return TRUE;
}

static gboolean
idle (gpointer data)
{
  Wait *wait = data;

  return !vdi_distributor_is_busy (wait->distributor, wait->template);
}

static Wait
wait_on (Fixture               *fixture,
         VdiDistributionDialog *dialog)
{
  Wait wait = {
    dialog,
    vdi_application_get_distributor (fixture->app),
    fixture->template,
    N_TARGETS + 1,
  };

  return wait;
}

static void
assert_one_copy_per_target (Fixture *fixture)
{
  for (guint i = 1; i <= N_TARGETS; i++)
    {
      g_autofree char *host = g_strdup_printf ("hv-t%u", i);

      g_assert_cmpuint (gold_on (fixture, host, NULL), ==, 1);
    }
  g_assert_cmpuint (gold_on (fixture, "hv-src", NULL), ==, 1);
}

static void
test_retry_all (Fixture       *fixture,
                gconstpointer  data)
{
  VdiDistributionDialog *dialog = open_dialog (fixture);
  GtkWidget *retry_all;
  g_autofree char *title = NULL;
  Wait wait = wait_on (fixture, dialog);

  g_object_get (dialog, "title", &title, NULL);
  g_assert_cmpstr (title, ==, "Distribution of “Win11 Pool”");

  /* One row per provider, the source first. */
  g_assert_null (vdi_distribution_dialog_get_row (dialog, N_TARGETS + 1));
  g_assert_cmpstr (row_text (row_at (dialog, 0), "provider-label"), ==, "hv-src");
  g_assert_true (gtk_widget_get_visible (vdi_test_find_widget (row_at (dialog, 0), "source-label",
                                                               GTK_TYPE_LABEL)));
  g_assert_false (gtk_widget_get_visible (row_retry (row_at (dialog, 0))));
  for (guint i = 1; i <= N_TARGETS; i++)
    {
      g_autofree char *host = g_strdup_printf ("hv-t%u", i);
      GtkWidget *row = row_at (dialog, i);
      const char *accessible = NULL;

      g_assert_cmpstr (row_text (row, "provider-label"), ==, host);
      g_assert_cmpstr (row_text (row, "state-label"), ==, "Needs update");
      g_assert_false (gtk_widget_get_visible (vdi_test_find_widget (row, "source-label",
                                                                    GTK_TYPE_LABEL)));
      g_assert_true (gtk_widget_get_visible (row_retry (row)));
      accessible = gtk_widget_get_tooltip_text (row_retry (row));
      g_assert_true (g_str_has_suffix (accessible, host));
    }

  {
    g_autofree char *unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (dialog));

    g_assert_cmpstr (unnamed, ==, "");
  }

  retry_all = vdi_test_find_action_button (GTK_WIDGET (dialog), "dialog.retry-all");
  g_assert_true (gtk_widget_is_sensitive (retry_all));

  click (retry_all);
  g_assert_true (vdi_distributor_is_busy (wait.distributor, fixture->template));
  /* Nothing is left to retry while every copy runs. */
  vdi_test_flush_events ();
  g_assert_false (gtk_widget_is_sensitive (retry_all));

  sim_wait_until (all_ready, &wait, WAIT_MS, "every row to show Ready");

  for (guint i = 1; i <= N_TARGETS; i++)
    {
      GtkWidget *row = row_at (dialog, i);

      g_assert_false (gtk_widget_get_visible (row_retry (row)));
      g_assert_false (gtk_widget_get_visible (vdi_test_find_widget (row, "error-label",
                                                                   GTK_TYPE_LABEL)));
    }
  g_assert_false (gtk_widget_is_sensitive (retry_all));
  assert_one_copy_per_target (fixture);
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

static gboolean
says_up_to_date (gpointer data)
{
  return window_says (data, "is up to date on every provider");
}

static void
test_failure_then_retry (Fixture       *fixture,
                         gconstpointer  data)
{
  VdiDistributionDialog *dialog = open_dialog (fixture);
  Wait wait = wait_on (fixture, dialog);
  GtkWidget *failed = NULL;
  GtkWidget *error_label;
  guint n_failed = 0;

  sim_control_post (&fixture->sim, "providers/hv-src/faults",
                    "{\"method\":\"MigrateVirtualSystemToHost\",\"count\":1,"
                    "\"fault\":\"job:32768\",\"message\":\"The network path was not found.\"}");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.retry-all", NULL);
  sim_wait_until (idle, &wait, WAIT_MS, "the distribution to end");
  vdi_test_flush_events ();

  /* Exactly one copy met the fault; it says so in the provider's words. */
  for (guint i = 1; i <= N_TARGETS; i++)
    {
      GtkWidget *row = row_at (dialog, i);

      if (g_str_equal (row_text (row, "state-label"), "Needs update"))
        {
          failed = row;
          n_failed++;
        }
      else
        g_assert_cmpstr (row_text (row, "state-label"), ==, "Ready");
    }
  g_assert_cmpuint (n_failed, ==, 1);
  error_label = vdi_test_find_widget (failed, "error-label", GTK_TYPE_LABEL);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)),
                            "The network path was not found."));
  g_assert_true (gtk_widget_get_visible (row_retry (failed)));
  g_assert_true (gtk_widget_is_sensitive (row_retry (failed)));

  /* The main window says how it ended, whatever the admin is looking at. */
  g_assert_true (window_says (fixture, "could not be brought up to date on 1 provider"));

  click (row_retry (failed));
  g_assert_true (vdi_distributor_is_busy (wait.distributor, fixture->template));
  sim_wait_until (all_ready, &wait, WAIT_MS, "every row to show Ready after Retry");

  g_assert_false (gtk_widget_get_visible (error_label));
  assert_one_copy_per_target (fixture);
  sim_wait_until (says_up_to_date, fixture, WAIT_MS, "the window to say it ended well");
}

/* What a secondary click on the cell showing @text does. */
static void
right_click_cell (GtkWidget  *view,
                  const char *text)
{
  g_autoptr(GPtrArray) cells = vdi_test_find_widgets (view, NULL, GTK_TYPE_INSCRIPTION);

  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (cells, i);
      g_autoptr(GListModel) controllers = NULL;

      if (g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (cell)), text) != 0)
        continue;

      /* The gesture is the cell's, around what it shows. */
      for (GtkWidget *widget = cell; widget != view; widget = gtk_widget_get_parent (widget))
        {
          controllers = gtk_widget_observe_controllers (widget);
          for (guint k = 0; k < g_list_model_get_n_items (controllers); k++)
            {
              g_autoptr(GObject) controller = g_list_model_get_item (controllers, k);

              if (GTK_IS_GESTURE_CLICK (controller) &&
                  gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == 3)
                {
                  g_signal_emit_by_name (controller, "pressed", 1, 4.0, 4.0);
                  vdi_test_flush_events ();
                  return;
                }
            }
          g_clear_object (&controllers);
        }
    }

  g_assert_not_reached ();
}

/* A single-provider template has no distribution to show. */
static void
test_single_provider (Fixture       *fixture,
                      gconstpointer  data)
{
  VdiTemplatesPage *page = vdi_window_get_templates_page (fixture->window);
  VdiProvider *source = vdi_template_get_source_provider (fixture->template);
  g_autoptr(VdiTemplate) single = vdi_template_new (NULL, "Single", source, GOLD);
  GtkColumnView *view = vdi_templates_page_get_column_view (page);
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  GtkWidget *menu;

  g_assert_true (vdi_farm_add_template (fixture->farm, single, &error));
  g_assert_no_error (error);
  vdi_test_flush_events ();

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.distribution-details", "s",
                              vdi_template_get_id (single));
  vdi_test_flush_events ();
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));

  /* The Tasks menu follows the selection; sorted by name, "Single" comes before "Win11". */
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (vdi_templates_page_get_selected (page) == single);
  gtk_widget_activate_action (GTK_WIDGET (page), "templates.distribution-details", NULL);
  vdi_test_flush_events ();
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));

  /* Activating a row (double-click, Enter) opens it for a multi-provider template only. */
  g_signal_emit_by_name (view, "activate", 0);
  vdi_test_flush_events ();
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));
  g_signal_emit_by_name (view, "activate", 1);
  vdi_test_flush_events ();
  dialog = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (dialog)) ==
                 fixture->template);
  gtk_window_destroy (dialog);
  vdi_test_flush_events ();

  /* A right-click on a row selects it and offers the Tasks menu there. */
  vdi_window_show_page (fixture->window, "templates");
  vdi_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  right_click_cell (GTK_WIDGET (view), vdi_template_get_name (fixture->template));
  g_assert_true (vdi_templates_page_get_selected (page) == fixture->template);
  menu = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      menu = child;
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  gtk_popover_popdown (GTK_POPOVER (menu));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page),
                                             "templates.distribution-details", NULL));
  vdi_test_flush_events ();
  g_assert_nonnull (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));
}

static void
ignore_result_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, NULL);
}

static GtkWindow *
quit_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (window)), "quit-dialog") == 0)
        return window;
    }
  return NULL;
}

static gboolean
quit_dialog_shown (gpointer data)
{
  return quit_dialog () != NULL;
}

#define RESUME_NEXT_TIME "Copies are running; they will resume the next time you open the console."
#define AGENT_TAKES_OVER "Copies are running. The agent on this farm takes them over when you " \
                         "quit, and finishes them."

/* The question comes once the console has asked the bus whether an agent is there. */
static void
answer_quit_dialog (const char *response,
                    const char *body)
{
  GtkWindow *dialog;

  vdi_test_wait_for (quit_dialog_shown, NULL);
  dialog = quit_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, body);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  vdi_test_flush_events ();
}

/* Quitting, by the menu or by closing the window, while copies run asks first. */
static void
test_quit_while_copying (Fixture       *fixture,
                         gconstpointer  data)
{
  VdiDistributor *distributor = vdi_application_get_distributor (fixture->app);
  Wait wait = { NULL, distributor, fixture->template, 0 };

  vdi_distributor_distribute_async (distributor, fixture->template, NULL, ignore_result_cb, NULL);
  g_assert_true (vdi_distributor_is_busy (distributor, fixture->template));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  vdi_test_flush_events ();
  answer_quit_dialog ("cancel", RESUME_NEXT_TIME);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));

  gtk_window_close (GTK_WINDOW (fixture->window));
  vdi_test_flush_events ();
  answer_quit_dialog ("cancel", RESUME_NEXT_TIME);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));

  /* Once the copies are done, closing is closing. */
  sim_wait_until (idle, &wait, WAIT_MS, "the distribution to end");
  g_object_ref (fixture->window);
  gtk_window_close (GTK_WINDOW (fixture->window));
  vdi_test_flush_events ();
  g_assert_null (quit_dialog ());
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_object_unref (fixture->window);
}

/* With a vdictl agent on the same farm in the session, quitting says it takes the copies
 * over. The agent is the real one, waiting for the farm the console holds. */
static void
test_quit_with_agent (Fixture       *fixture,
                      gconstpointer  data)
{
  VdiDistributor *distributor = vdi_application_get_distributor (fixture->app);
  const char *farm = vdi_farm_get_path (vdi_application_get_farm (fixture->app));
  g_autofree char *name = vdi_farm_dup_agent_bus_name (farm);
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GError) error = NULL;

  agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("VDICTL"),
                            "--farm", farm, "agent", "--interval", "1", NULL);
  g_assert_no_error (error);
  vdi_test_wait_for (vdi_test_name_has_owner, name);

  vdi_distributor_distribute_async (distributor, fixture->template, NULL, ignore_result_cb, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  answer_quit_dialog ("cancel", AGENT_TAKES_OVER);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));

  g_subprocess_send_signal (agent, SIGTERM);
  g_subprocess_wait_check (agent, NULL, &error);
  g_assert_no_error (error);
}

/* The rows of @dialog in sight, each checked against the target it says it shows; how many. */
static guint
check_rows (VdiDistributionDialog *dialog,
            VdiTemplate           *template)
{
  GListModel *targets = vdi_template_get_targets (template);
  guint n_rows = 0;

  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);
      GtkWidget *row = vdi_distribution_dialog_get_row (dialog, i);
      GVariant *retry_target;

      if (row == NULL)
        continue;
      n_rows++;
      g_assert_cmpstr (row_text (row, "provider-label"), ==, vdi_provider_get_name (provider));
      g_assert_cmpint (gtk_widget_get_visible (vdi_test_find_widget (row, "source-label",
                                                                     GTK_TYPE_LABEL)), ==, i == 0);
      g_assert_cmpint (gtk_widget_get_visible (row_retry (row)), ==, i > 0);
      /* Retry retries this row's provider, not the one the row showed before. */
      retry_target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row_retry (row)));
      g_assert_nonnull (retry_target);
      g_assert_cmpstr (g_variant_get_string (retry_target, NULL), ==, vdi_provider_get_id (provider));
    }
  return n_rows;
}

/* Only the rows near the view exist (at most 200 in GTK 4.8); scrolled, they show other
 * targets, each its own. */
static void
test_recycled_rows (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_targets = 400;
  VdiProvider *source = vdi_farm_find_provider (fixture->farm, "hv-src");
  g_autoptr(VdiTemplate) many = vdi_template_new (NULL, "Many", source, GOLD);
  g_autoptr(GError) error = NULL;
  VdiDistributionDialog *dialog;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  guint n_first;

  g_assert_true (vdi_template_set_multi_provider (many, TRUE, &error));
  for (guint i = 0; i < n_targets; i++)
    {
      g_autofree char *id = g_strdup_printf ("p-many-%03u", i);
      g_autofree char *name = g_strdup_printf ("hv-many-%03u", i);
      g_autoptr(VdiProvider) provider = vdi_provider_new (id, name,
                                                          VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                          "127.0.0.1", 5985);

      g_assert_nonnull (vdi_template_add_target (many, provider, &error));
    }
  g_assert_no_error (error);

  dialog = vdi_distribution_dialog_new (GTK_WINDOW (fixture->window),
                                        vdi_application_get_distributor (fixture->app), many);
  gtk_window_present (GTK_WINDOW (dialog));
  vdi_test_wait_frames (GTK_WIDGET (dialog), 3);

  n_first = check_rows (dialog, many);
  g_assert_cmpuint (n_first, >, 0);
  g_assert_cmpuint (n_first, <, n_targets);
  g_assert_nonnull (vdi_distribution_dialog_get_row (dialog, 0));

  scrolled = GTK_SCROLLED_WINDOW (vdi_test_find_widget (GTK_WIDGET (dialog), NULL,
                                                        GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  vdi_test_wait_frames (GTK_WIDGET (dialog), 3);

  g_assert_nonnull (vdi_distribution_dialog_get_row (dialog, n_targets));
  g_assert_cmpuint (check_rows (dialog, many), <, n_targets);

  gtk_window_destroy (GTK_WINDOW (dialog));
  vdi_test_flush_events ();
}

/* The dialog of the template with relay on, once Retry All has brought every copy up to date. */
static VdiDistributionDialog *
open_relayed (Fixture *fixture,
              Wait    *wait_out)
{
  VdiDistributionDialog *dialog;
  Wait wait;

  vdi_template_set_relay (fixture->template, TRUE);
  dialog = open_dialog (fixture);
  wait = wait_on (fixture, dialog);
  click (vdi_test_find_action_button (GTK_WIDGET (dialog), "dialog.retry-all"));
  sim_wait_until (all_ready, &wait, WAIT_MS, "every row to show Ready");
  vdi_test_flush_events ();
  if (wait_out != NULL)
    *wait_out = wait;
  return dialog;
}

/* With relay, each row says where its copy came from, as the farm records it. */
static void
test_relay_from (Fixture       *fixture,
                 gconstpointer  data)
{
  VdiDistributionDialog *dialog = open_relayed (fixture, NULL);

  g_assert_cmpstr (row_text (row_at (dialog, 0), "source-label"), ==, "Source");
  for (guint i = 1; i <= N_TARGETS; i++)
    {
      GtkWidget *row = row_at (dialog, i);
      VdiTarget *target = g_list_model_get_item (vdi_template_get_targets (fixture->template), i);
      VdiProvider *feeder = vdi_template_get_feeder (fixture->template, target);
      g_autofree char *expected = NULL;

      g_assert_nonnull (feeder);
      expected = g_strdup_printf ("from %s", vdi_provider_get_name (feeder));
      g_assert_true (gtk_widget_get_visible (vdi_test_find_widget (row, "source-label",
                                                                   GTK_TYPE_LABEL)));
      g_assert_cmpstr (row_text (row, "source-label"), ==, expected);
      g_object_unref (target);
    }
  assert_one_copy_per_target (fixture);
}

static gboolean
strays_gone (gpointer data)
{
  Wait *wait = data;
  g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (wait->template),
                                                       2);

  return !vdi_distributor_is_busy (wait->distributor, wait->template) &&
         vdi_target_get_n_strays (target) == 0;
}

/* A copy a holder abandoned when it stopped answering shows on its row, which offers Retry
 * though it is Ready; Retry looks for it (here hv-t1 answers that it is gone), and the row then
 * says no more of it. */
static void
test_relay_stray (Fixture       *fixture,
                  gconstpointer  data)
{
  VdiDistributionDialog *dialog;
  VdiProvider *holder = vdi_farm_find_provider (fixture->farm, "hv-t1");
  g_autoptr(VdiTarget) target = NULL;
  GtkWidget *row, *label;
  Wait wait;

  dialog = open_relayed (fixture, &wait);

  target = g_list_model_get_item (vdi_template_get_targets (fixture->template), 2);
  row = row_at (dialog, 2);
  label = vdi_test_find_widget (row, "stray-label", GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_false (gtk_widget_get_visible (row_retry (row)));

  /* Two copies it abandoned: the holder is named once. */
  vdi_target_add_stray (target, vdi_provider_get_id (holder),
                        "6A2C4E0F-1B3D-4F5A-8C7E-9D0B1A2C3E4F", NULL);
  vdi_target_add_stray (target, vdi_provider_get_id (holder),
                        "0B7D5E3A-9C1F-4A2B-8E6D-3F4A5B6C7D8E", NULL);
  vdi_test_flush_events ();
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "hv-t1 stopped answering while it copied here. Once it answers, Retry "
                   "removes what it left.");
  g_assert_cmpstr (row_text (row, "state-label"), ==, "Ready");

  click (row_retry (row));
  sim_wait_until (strays_gone, &wait, WAIT_MS, "the stray to be looked for");
  vdi_test_flush_events ();
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_false (gtk_widget_get_visible (row_retry (row)));
  g_assert_cmpstr (row_text (row, "state-label"), ==, "Ready");
  assert_one_copy_per_target (fixture);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/distribution-dialog/quit-while-copying", Fixture, NULL,
              setup, test_quit_while_copying, teardown);
  g_test_add ("/ui/distribution-dialog/quit-with-agent", Fixture, NULL,
              setup, test_quit_with_agent, teardown);
  g_test_add ("/ui/distribution-dialog/retry-all", Fixture, NULL,
              setup, test_retry_all, teardown);
  g_test_add ("/ui/distribution-dialog/failure-then-retry", Fixture, NULL,
              setup, test_failure_then_retry, teardown);
  g_test_add ("/ui/distribution-dialog/recycled-rows", Fixture, NULL,
              setup, test_recycled_rows, teardown);
  g_test_add ("/ui/distribution-dialog/single-provider", Fixture, NULL,
              setup, test_single_provider, teardown);
  g_test_add ("/ui/distribution-dialog/relay-from", Fixture, NULL,
              setup, test_relay_from, teardown);
  g_test_add ("/ui/distribution-dialog/relay-stray", Fixture, NULL,
              setup, test_relay_stray, teardown);

  return g_test_run ();
}
