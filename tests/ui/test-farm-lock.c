/* test-farm-lock.c: the console opens a farm that vdictl holds read-only, says who holds it,
 * offers nothing that changes the farm, and becomes writable (with what vdictl wrote) once the
 * lock is released.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include "vdi-distribution-dialog.h"
#include "vdi-farm-lock.h"
#include "vdi-template-properties.h"
#include "vdi-test-farm.h"
#include "vdi-test-pg.h"
#include "vdi-test-ui.h"

static gboolean
farm_loaded (gpointer data)
{
  return vdi_application_get_farm_loaded (data);
}

static gboolean
writable (gpointer data)
{
  return !vdi_application_get_read_only (data);
}

static GtkWidget *
banner_label (VdiWindow *window)
{
  g_autoptr(GPtrArray) revealers = vdi_test_find_widgets (GTK_WIDGET (window), NULL,
                                                          GTK_TYPE_REVEALER);

  for (guint i = 0; i < revealers->len; i++)
    {
      GtkWidget *label = vdi_test_find_widget (g_ptr_array_index (revealers, i), NULL,
                                               GTK_TYPE_LABEL);

      if (label != NULL && gtk_widget_has_css_class (gtk_widget_get_parent (label),
                                                     "read-only-banner"))
        return label;
    }
  g_assert_not_reached ();
}

static void
test_read_only_until_released (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiFarmLock) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vdi-test-lock-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "farm.json", NULL);
  g_autofree char *lock_path = NULL;
  g_autofree char *backup = NULL;
  VdiTemplatesPage *templates_page;
  VdiProvidersPage *providers_page;
  GtkSelectionModel *selection;
  GtkWidget *label;
  VdiWindow *window;
  guint saves;

  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (path);

    vdi_test_populate_farm (writer, 11, 3);
    vdi_farm_save (writer, &error);
    g_assert_no_error (error);
  }

  /* vdictl has the farm: the same kind of lock, held by another open file. */
  lock = vdi_farm_lock_acquire (path, &error);
  g_assert_no_error (error);
  lock_path = g_strdup (vdi_farm_lock_get_path (lock));

  app = vdi_test_application_new (path, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();

  g_assert_true (vdi_application_get_read_only (app));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (vdi_window_get_farm (window))),
                    ==, 3);
  label = banner_label (window);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (label,
                                                                                     GTK_TYPE_REVEALER))));
  /* The holder is named: this test's program and process. */
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "The farm is in use by"));
  {
    g_autofree char *pid = g_strdup_printf ("process %d", (int)getpid ());

    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), pid));
  }

  templates_page = vdi_window_get_templates_page (window);
  providers_page = vdi_window_get_providers_page (window);
  selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (templates_page));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_false (vdi_test_action_enabled (templates_page, "templates.delete"));
  g_assert_false (vdi_test_action_enabled (templates_page, "templates.enter-maintenance"));
  g_assert_false (vdi_test_action_enabled (providers_page, "providers.add"));
  g_assert_false (vdi_test_action_enabled (window, "win.add-provider"));
  g_assert_false (vdi_test_action_enabled (window, "win.new-template"));

  /* Distribution details can be looked at, but nothing retried. */
  {
    GListModel *templates = vdi_farm_get_templates (vdi_window_get_farm (window));
    g_autoptr(VdiTemplate) multi = NULL;
    GtkWindow *details;

    for (guint i = 0; multi == NULL && i < g_list_model_get_n_items (templates); i++)
      {
        g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

        if (vdi_template_get_multi_provider (template))
          multi = g_steal_pointer (&template);
      }
    g_assert_nonnull (multi);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.distribution-details", "s",
                                vdi_template_get_id (multi));
    details = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
    g_assert_nonnull (details);
    vdi_test_flush_events ();
    g_assert_false (vdi_test_action_enabled (gtk_window_get_child (details),
                                             "dialog.retry::any-target"));
    g_assert_false (vdi_test_action_enabled (gtk_window_get_child (details), "dialog.retry-all"));
  }

  /* Meanwhile vdictl changes the farm. */
  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (path);

    g_autoptr(VdiProvider) added = vdi_provider_new ("id-added", "hv-added",
                                                     VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                                     "10.0.0.99", 5986);

    g_assert_true (vdi_farm_load (writer, NULL, &error));
    g_assert_true (vdi_farm_add_provider (writer, added, &error));
    g_assert_true (vdi_farm_save (writer, &error));
    g_assert_no_error (error);
  }
  saves = vdi_farm_get_n_saves (vdi_window_get_farm (window));

  /* vdictl ends: the console takes the farm, with what vdictl wrote, and may change it. */
  g_clear_object (&lock);
  vdi_test_wait_for (writable, app);
  vdi_test_flush_events ();
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (label,
                                                                                      GTK_TYPE_REVEALER))));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_providers (vdi_window_get_farm (window))),
                    ==, 12);
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (vdi_test_action_enabled (templates_page, "templates.delete"));
  g_assert_true (vdi_test_action_enabled (providers_page, "providers.add"));
  g_assert_true (vdi_test_action_enabled (window, "win.add-provider"));
  g_assert_true (vdi_test_action_enabled (window, "win.new-template"));
  /* The details showed the farm as it was read before; they close rather than act on it. */
  g_assert_null (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL));
  /* Nothing was written while it was read-only. */
  g_assert_cmpuint (vdi_farm_get_n_saves (vdi_window_get_farm (window)), ==, saves);

  /* Now the console holds it, and vdictl is the one refused. */
  second = vdi_farm_lock_acquire (path, &error);
  g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
  g_assert_null (second);

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
  vdi_test_flush_events ();
  backup = g_strconcat (path, ".bak", NULL);
  g_remove (backup);
  g_remove (path);
  g_remove (lock_path);
  g_rmdir (dir);
}

typedef struct
{
  GtkWidget *dialog;
  double     fraction;
} BarWanted;

/* Some progress bar in the dialog shows @fraction. */
static gboolean
bar_shows (gpointer data)
{
  BarWanted *wanted = data;
  g_autoptr(GPtrArray) bars = vdi_test_find_widgets (wanted->dialog, NULL, GTK_TYPE_PROGRESS_BAR);

  for (guint i = 0; i < bars->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (bars, i)) &&
        G_APPROX_VALUE (gtk_progress_bar_get_fraction (g_ptr_array_index (bars, i)),
                        wanted->fraction, 1e-6))
      return TRUE;
  return FALSE;
}

typedef struct
{
  VdiFarm    *farm;
  const char *name;
} Named;

static gboolean
has_template (gpointer data)
{
  Named *named = data;

  return vdi_farm_find_template (named->farm, named->name) != NULL;
}

/* A farm database another process holds and works on: the console shows that process's copy
 * under way as under way, and follows it, in the list and in an open details dialog, while it
 * saves nothing itself. */
static void
test_follows_holder (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiFarm) writer = NULL;
  g_autoptr(VdiTemplate) multi = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vdi_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "farm.db", NULL);
  VdiTarget *copying = NULL;
  VdiFarm *shown;
  GtkWindow *details;
  GtkWidget *label;
  VdiWindow *window;
  BarWanted wanted;
  Named named;

  writer = vdi_farm_new (path);
  vdi_test_populate_farm (writer, 11, 3);
  for (guint i = 0; multi == NULL && i < 3; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (writer), i);

      if (vdi_template_get_multi_provider (template))
        multi = g_steal_pointer (&template);
    }
  g_assert_nonnull (multi);
  {
    g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (multi), 1);

    copying = target;
    vdi_target_set_state (copying, VDI_TARGET_STATE_NEEDS_UPDATE);
    vdi_target_set_progress (copying, VDI_DISTRIBUTION_DISTRIBUTING);
    vdi_target_update_transfer (copying, 20, 2u << 30, 10u << 30, 0, -1);
  }
  g_assert_true (vdi_farm_save (writer, &error));
  g_assert_no_error (error);
  lock = vdi_farm_lock_acquire (path, &error);
  g_assert_no_error (error);

  app = vdi_test_application_new (path, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();
  g_assert_true (vdi_application_get_read_only (app));
  shown = vdi_window_get_farm (window);
  g_assert_true (vdi_farm_get_following (shown));
  label = banner_label (window);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "changing as that program "
                                                                    "works"));

  /* The copy is the holder's, under way: not interrupted. */
  {
    VdiTemplate *template = vdi_farm_find_template (shown, vdi_template_get_name (multi));
    g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 1);

    g_assert_true (vdi_target_is_busy (target));
    g_assert_null (vdi_target_get_last_error (target));
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.distribution-details", "s",
                              vdi_template_get_id (multi));
  details = vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL);
  g_assert_nonnull (details);
  vdi_test_flush_events ();
  wanted.dialog = GTK_WIDGET (details);
  wanted.fraction = 0.2;
  g_assert_true (bar_shows (&wanted));

  /* The holder reports progress and renames another template. */
  vdi_target_update_transfer (copying, 60, 6u << 30, 10u << 30, 0, -1);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(VdiTemplate) other = g_list_model_get_item (vdi_farm_get_templates (writer), i);

      if (other != multi)
        {
          vdi_template_set_name (other, "renamed-by-holder");
          break;
        }
    }
  g_assert_true (vdi_farm_save (writer, &error));
  g_assert_no_error (error);

  wanted.fraction = 0.6;
  vdi_test_wait_for (bar_shows, &wanted);
  named.farm = shown;
  named.name = "renamed-by-holder";
  vdi_test_wait_for (has_template, &named);
  /* The same dialog, on the same template, still open. */
  g_assert_true (vdi_test_find_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG, NULL) == details);
  g_assert_cmpuint (vdi_farm_get_n_saves (shown), ==, 0);

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
  vdi_test_flush_events ();
  g_clear_object (&lock);
  vdi_test_rm_rf (dir);
}

static gboolean
banner_names_agent (gpointer data)
{
  GtkWidget *label = banner_label (data);

  return label != NULL && strstr (gtk_label_get_text (GTK_LABEL (label)), "agent") != NULL;
}

typedef struct
{
  char           *dir;
  char           *path;
  char           *agent_name;
  VdiFarmLock    *lock;
  GSubprocess    *agent;
  VdiCredentials *credentials;
  VdiApplication *app;
  VdiWindow      *window;
} AgentFarm;

/* A farm database with a copy under way, its lock held as by the console running it, the real
 * vdictl agent waiting on the farm (asking for it every 10 minutes), and a console showing the
 * farm read-only. */
static void
agent_farm_open (AgentFarm *af)
{
  g_autoptr(VdiFarm) writer = NULL;
  g_autoptr(GError) error = NULL;

  af->dir = vdi_test_make_tmpdir ();
  af->path = g_build_filename (af->dir, "farm.db", NULL);
  af->agent_name = vdi_farm_dup_agent_bus_name (af->path);
  af->credentials = vdi_credentials_new (FALSE);

  writer = vdi_farm_new (af->path);
  vdi_test_populate_farm (writer, 11, 2);
  {
    g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (writer), 0);
    g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);

    vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
  }
  g_assert_true (vdi_farm_save (writer, &error));
  g_assert_no_error (error);
  af->lock = vdi_farm_lock_acquire (af->path, &error);
  g_assert_no_error (error);

  af->agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("VDICTL"),
                                "--farm", af->path, "agent", "--interval", "600", NULL);
  g_assert_no_error (error);
  vdi_test_wait_for (vdi_test_name_has_owner, af->agent_name);

  af->app = vdi_test_application_new (af->path, af->credentials);
  g_application_activate (G_APPLICATION (af->app));
  af->window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (af->app)));
  vdi_test_wait_for (farm_loaded, af->app);
  g_assert_true (vdi_application_get_read_only (af->app));
}

static void
agent_farm_close (AgentFarm *af)
{
  g_autoptr(GError) error = NULL;

  vdi_test_destroy_toplevels ();
  g_clear_object (&af->app);
  vdi_test_flush_events ();
  g_clear_object (&af->lock);
  if (af->agent != NULL)
    {
      g_subprocess_send_signal (af->agent, SIGTERM);
      g_subprocess_wait_check (af->agent, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&af->agent);
    }
  g_clear_object (&af->credentials);
  vdi_test_rm_rf (af->dir);
  g_free (af->dir);
  g_free (af->path);
  g_free (af->agent_name);
}

/* The copy under way as the console shows it. */
static gboolean
copy_busy (VdiApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  VdiFarm *farm = vdi_window_get_farm (VDI_WINDOW (window));
  g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (farm), 0);
  g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 0);

  return vdi_target_is_busy (target);
}

/* The holder of a farm ends with a copy under way while a vdictl agent waits on the farm: the
 * console leaves the work to the agent rather than take the farm and show it interrupted, and
 * says so; with the agent gone, it takes the farm. */
static void
test_left_to_agent (void)
{
  g_autoptr(GError) error = NULL;
  AgentFarm af = { NULL };

  agent_farm_open (&af);
  g_assert_true (copy_busy (af.app));

  /* The holder ends, its copy under way: left to the agent, and said so. */
  g_clear_object (&af.lock);
  vdi_test_wait_for (banner_names_agent, af.window);
  g_assert_true (vdi_application_get_read_only (af.app));
  g_assert_false (vdi_farm_lock_query_holder (af.path, NULL, NULL));

  /* No agent any more: the console takes the farm; the copy it finds is the interrupted one. */
  g_subprocess_send_signal (af.agent, SIGTERM);
  g_subprocess_wait_check (af.agent, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&af.agent);
  vdi_test_wait_for (writable, af.app);
  vdi_test_wait_for (farm_loaded, af.app);
  g_assert_false (copy_busy (af.app));

  agent_farm_close (&af);
}

/* The agent is there but does not come for the free farm (it asks every 10 minutes): once the
 * grace is over the console takes the farm itself, and the copy it finds is the interrupted
 * one. */
static void
test_agent_grace_ends (void)
{
  AgentFarm af = { NULL };

  agent_farm_open (&af);
  vdi_application_set_agent_grace (af.app, 3);

  g_clear_object (&af.lock);
  vdi_test_wait_for (banner_names_agent, af.window);
  g_assert_true (vdi_application_get_read_only (af.app));
  g_assert_true (copy_busy (af.app));

  vdi_test_wait_for (writable, af.app);
  vdi_test_wait_for (farm_loaded, af.app);
  g_assert_true (vdi_test_name_has_owner (af.agent_name));
  g_assert_false (copy_busy (af.app));

  agent_farm_close (&af);
}

typedef struct
{
  const char *uri;
  GPid        pid;
} HolderWanted;

static gboolean
holds_farm (gpointer data)
{
  HolderWanted *wanted = data;
  GPid pid = 0;

  return vdi_farm_lock_query_holder (wanted->uri, NULL, &pid) && pid == wanted->pid;
}

/* A console holding a farm database whose lock session the server ends (a restart, a dropped
 * network) takes its lock back at once, before a read-only console or vdictl would, and goes
 * on saving. */
static gboolean
change_refused_shown (gpointer data)
{
  return vdi_test_find_named_toplevel ("change-refused-dialog") != NULL;
}

/* Two admins, one template: another process renamed a template after this console read it, and
 * the admin here changes it in Properties. The change is refused, a dialog says who made the
 * other and when, and the console shows the template as the other left it. (The other writer
 * is a farm of this test's, on the same database behind the lock's back, as a second writer
 * of a farm shared without one lock would be.) */
static void
test_change_refused (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiFarm) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vdi_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "farm.db", NULL);
  g_autofree char *pid = g_strdup_printf ("process %d", (int)getpid ());
  g_autofree char *name = NULL;
  VdiTemplatesPage *page;
  GtkSelectionModel *selection;
  VdiTemplate *mine;
  GtkWindow *properties;
  GtkWindow *refused;
  VdiWindow *window;
  VdiFarm *shown;

  other = vdi_farm_new (path);
  vdi_test_populate_farm (other, 11, 3);
  vdi_test_farm_finish_busy (other);
  g_assert_true (vdi_farm_save (other, &error));
  g_assert_no_error (error);

  app = vdi_test_application_new (path, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  vdi_test_wait_for (farm_loaded, app);
  vdi_test_wait_for (writable, app);
  vdi_test_flush_events ();
  shown = vdi_window_get_farm (window);

  /* The other process renames the first template. */
  {
    g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (other), 0);

    name = g_strdup (vdi_template_get_name (template));
    vdi_template_set_name (template, "Renamed Elsewhere");
    g_assert_true (vdi_farm_save (other, &error));
    g_assert_no_error (error);
  }

  /* Here, Properties of the same template, as read before: its maximum of hosts changed. */
  page = vdi_window_get_templates_page (window);
  selection = gtk_column_view_get_model (vdi_templates_page_get_column_view (page));
  mine = vdi_farm_find_template (shown, name);
  g_assert_nonnull (mine);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (template == mine)
        gtk_selection_model_select_item (selection, i, TRUE);
    }
  g_assert_true (vdi_templates_page_get_selected (page) == mine);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "templates.properties", NULL));
  properties = vdi_test_find_toplevel (VDI_TYPE_TEMPLATE_PROPERTIES, NULL);
  g_assert_nonnull (properties);
  vdi_test_wait_frames (GTK_WIDGET (properties), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (properties,
                                                                   "max-hosts-spin")), 77);
  g_assert_cmpuint (vdi_template_get_max_hosts (mine), ==, 77);

  /* Autosave: refused, said, and the template as the other process left it. */
  vdi_test_wait_for (change_refused_shown, NULL);
  refused = vdi_test_find_named_toplevel ("change-refused-dialog");
  g_test_message ("%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused)));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (refused)), ==,
                   "Change Not Saved");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused)), name));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused)), pid));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (refused)),
                            "now named “Renamed Elsewhere”"));
  vdi_test_flush_events ();
  g_assert_cmpstr (vdi_template_get_name (mine), ==, "Renamed Elsewhere");
  g_assert_cmpuint (vdi_template_get_max_hosts (mine), !=, 77);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (vdi_test_get_widget (
                       properties, "max-hosts-spin"))), ==, vdi_template_get_max_hosts (mine));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vdi_test_get_widget (properties,
                                                                             "name-row"))),
                   ==, "Renamed Elsewhere");

  /* A change after that is based on the stored row, and saved. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (properties,
                                                                   "max-hosts-spin")), 66);
  g_assert_true (vdi_farm_flush (shown, &error));
  g_assert_no_error (error);
  {
    g_autoptr(VdiFarm) check = vdi_farm_new (path);

    g_assert_true (vdi_farm_load (check, NULL, &error));
    g_assert_cmpuint (vdi_template_get_max_hosts (vdi_farm_find_template (check,
                                                                           "Renamed Elsewhere")),
                      ==, 66);
  }

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
  vdi_test_flush_events ();
  vdi_test_rm_rf (dir);
}

static void
test_database_lock_kept (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *sql = NULL;
  VdiTestPg *pg = vdi_test_pg_start (NULL);
  HolderWanted wanted;
  VdiWindow *window;

  if (pg == NULL)
    return;
  uri = vdi_test_pg_create_database (pg, "farm");
  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (uri);

    vdi_test_populate_farm (writer, 11, 3);
    g_assert_true (vdi_farm_save (writer, &error));
    g_assert_no_error (error);
  }

  app = vdi_test_application_new (uri, credentials);
  g_application_activate (G_APPLICATION (app));
  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  vdi_test_wait_for (farm_loaded, app);
  g_assert_false (vdi_application_get_read_only (app));
  wanted.uri = uri;
  wanted.pid = getpid ();
  g_assert_true (holds_farm (&wanted));

  sql = g_strdup_printf ("SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                         "WHERE application_name = '%s/%d';", g_get_prgname (), (int)getpid ());
  vdi_test_pg_exec (pg, "farm", sql);
  vdi_test_wait_for (holds_farm, &wanted);

  /* Still the writer: a change is saved, and the farm is its own. */
  {
    VdiFarm *shown = vdi_window_get_farm (window);
    g_autoptr(VdiTemplate) template = g_list_model_get_item (vdi_farm_get_templates (shown), 0);
    g_autoptr(VdiFarm) check = vdi_farm_new (uri);

    vdi_template_set_name (template, "kept");
    g_assert_true (vdi_farm_flush (shown, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_farm_load (check, NULL, &error));
    g_assert_nonnull (vdi_farm_find_template (check, "kept"));
  }
  g_assert_false (vdi_application_get_read_only (app));

  vdi_test_destroy_toplevels ();
  g_clear_object (&app);
  vdi_test_flush_events ();
  vdi_test_pg_stop (pg);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/farm-lock/read-only-until-released", test_read_only_until_released);
  g_test_add_func ("/farm-lock/follows-holder", test_follows_holder);
  g_test_add_func ("/farm-lock/database-lock-kept", test_database_lock_kept);
  g_test_add_func ("/farm-lock/change-refused", test_change_refused);
  g_test_add_func ("/farm-lock/left-to-agent", test_left_to_agent);
  g_test_add_func ("/farm-lock/agent-grace-ends", test_agent_grace_ends);

  return g_test_run ();
}
