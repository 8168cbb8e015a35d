/* vdi-window.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vdi-banner.h"
#include "vdi-distribution-dialog.h"
#include "vdi-providers-page.h"
#include "vdi-template-properties.h"
#include "vdi-template-wizard.h"
#include "vdi-templates-page.h"
#include "vdi-ui-utils.h"
#include "vdi-window.h"

struct _VdiWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned references */
  GCancellable         *cancellable;
  GSettings            *settings;
  VdiFarm              *farm;
  VdiCredentials       *credentials;

  /* Template widgets */
  VdiBanner            *banner;
  GtkStack             *main_stack;
  VdiProvidersPage     *providers_page;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewSwitcherTitle *switcher_title;
  VdiTemplatesPage     *templates_page;
  AdwToastOverlay      *toast_overlay;
  AdwToast             *distribution_toast;  /* weak: the last one, replaced by the next */
  AdwViewStack         *view_stack;
  GtkRevealer          *read_only_revealer;
  GtkLabel             *read_only_label;

  guint                 loading : 1;
  guint                 save_failing : 1;   /* saves failed: say so once they work again */
};

G_DEFINE_FINAL_TYPE (VdiWindow, vdi_window, ADW_TYPE_APPLICATION_WINDOW)

static void vdi_window_set_up (VdiWindow      *self,
                               VdiApplication *app);

VdiWindow *
vdi_window_new (VdiApplication *application)
{
  VdiWindow *self;

  g_return_val_if_fail (VDI_IS_APPLICATION (application), NULL);

  self = g_object_new (VDI_TYPE_WINDOW,
                       "application", application,
                       NULL);
  vdi_window_set_up (self, application);

  return self;
}

VdiFarm *
vdi_window_get_farm (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return self->farm;
}

VdiCredentials *
vdi_window_get_credentials (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return self->credentials;
}

VdiTemplatesPage *
vdi_window_get_templates_page (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return self->templates_page;
}

VdiProvidersPage *
vdi_window_get_providers_page (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return self->providers_page;
}

const char *
vdi_window_get_visible_page (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
vdi_window_show_page (VdiWindow  *self,
                      const char *name)
{
  g_return_if_fail (VDI_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * vdi_window_set_banner:
 * @title: (nullable): what the bar under the header bar says, or %NULL to hide it
 * @button_label: (nullable): the label of its button, or %NULL for none
 * @action_name: (nullable): the action the button activates
 *
 * For a state that lasts (demo mode): a toast is for news and goes away, a banner stays.
 */
void
vdi_window_set_banner (VdiWindow  *self,
                       const char *title,
                       const char *button_label,
                       const char *action_name)
{
  g_return_if_fail (VDI_IS_WINDOW (self));

  if (title != NULL)
    {
      vdi_banner_set_title (self->banner, title);
      vdi_banner_set_button_label (self->banner, button_label);
      vdi_banner_set_action_name (self->banner, action_name);
    }
  vdi_banner_set_revealed (self->banner, title != NULL);
}

VdiBanner *
vdi_window_get_banner (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), NULL);

  return self->banner;
}

gboolean
vdi_window_get_loading (VdiWindow *self)
{
  g_return_val_if_fail (VDI_IS_WINDOW (self), FALSE);

  return self->loading;
}

void
vdi_window_add_toast (VdiWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (VDI_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static const char toast_shown_at_key[] = "vdi-toast-shown-at";

/**
 * vdi_window_show_latest_toast:
 * @latest: (inout) (nullable): a weak pointer to the toast shown last for the same kind of news
 * @toast: (transfer full): the news
 *
 * Shows @toast instead of the one at @latest: only the latest outcome matters, and an older
 * toast would hold it back in the queue. A toast shown less than a second ago is not dismissed
 * but given the new words, because dismissing a toast while it still slides in, then adding
 * another, crashes libadwaita 1.2.
 */
void
vdi_window_show_latest_toast (VdiWindow  *self,
                              AdwToast  **latest,
                              AdwToast   *toast)
{
  g_autoptr(AdwToast) owned = toast;
  gint64 now = g_get_monotonic_time ();
  gint64 *shown_at;

  g_return_if_fail (VDI_IS_WINDOW (self));
  g_return_if_fail (latest != NULL);
  g_return_if_fail (ADW_IS_TOAST (toast));

  if (*latest != NULL)
    {
      shown_at = g_object_get_data (G_OBJECT (*latest), toast_shown_at_key);
      if (shown_at != NULL && now - *shown_at < G_USEC_PER_SEC)
        {
          adw_toast_set_title (*latest, adw_toast_get_title (toast));
          adw_toast_set_button_label (*latest, adw_toast_get_button_label (toast));
          adw_toast_set_action_name (*latest, adw_toast_get_action_name (toast));
          adw_toast_set_action_target_value (*latest, adw_toast_get_action_target_value (toast));
          return;
        }
      adw_toast_dismiss (*latest);
    }

  shown_at = g_new (gint64, 1);
  *shown_at = now;
  g_object_set_data_full (G_OBJECT (toast), toast_shown_at_key, shown_at, g_free);
  g_set_weak_pointer (latest, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, g_steal_pointer (&owned));
}

static void
vdi_window_set_loading (VdiWindow *self,
                        gboolean   loading)
{
  gboolean previewing;

  g_assert (VDI_IS_WINDOW (self));

  self->loading = !!loading;
  /* A big farm's first templates, read ahead, show in its list while the rest is read. */
  previewing = loading && self->farm != NULL && vdi_farm_get_preview (self->farm) != NULL &&
               g_strcmp0 (vdi_window_get_visible_page (self), "templates") == 0;
  gtk_stack_set_visible_child_name (self->main_stack,
                                    loading && !previewing ? "loading" : "farm");
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        previewing ? _("Loading the farm…") : NULL);
  /* Nothing to switch between until the farm is there. */
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, !loading);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_bar), !loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", !loading);
  /* Nothing that changes the farm while another process holds it. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-provider",
                                 !loading && !gtk_revealer_get_reveal_child (self->read_only_revealer));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-template",
                                 !loading && !gtk_revealer_get_reveal_child (self->read_only_revealer));
}

/* Another process (vdictl) holds the farm lock: the farm is shown as it is, a banner says who
 * has it, and nothing that changes the farm is offered until the application gets the lock. */
static void
vdi_window_read_only_cb (VdiWindow      *self,
                         GParamSpec     *pspec,
                         VdiApplication *app)
{
  gboolean read_only = vdi_application_get_read_only (app);

  g_assert (VDI_IS_WINDOW (self));

  if (read_only)
    {
      const GError *follow_error = vdi_farm_get_follow_error (self->farm);
      g_autofree char *text = NULL;

      if (follow_error != NULL)
        /* Translators: the first %s says who holds the farm, e.g. "The farm is in use by vdictl
         * (process 42)"; the second why its changes cannot be read, from the database. */
        text = g_strdup_printf (_("%s. It is shown read-only until that program ends. Its "
                                  "changes cannot be read just now: %s"),
                                vdi_application_get_lock_holder (app), follow_error->message);
      else if (vdi_farm_get_following (self->farm) && vdi_farm_can_follow (self->farm))
        /* Translators: %s says who holds the farm, e.g. "The farm is in use by vdictl (process 42)". */
        text = g_strdup_printf (_("%s. It is shown read-only, changing as that program works, "
                                  "until it ends."),
                                vdi_application_get_lock_holder (app));
      else
        /* Translators: %s says who holds the farm, e.g. "The farm is in use by vdictl (process 42)". */
        text = g_strdup_printf (_("%s. It is shown read-only until that program ends."),
                                vdi_application_get_lock_holder (app));

      gtk_label_set_text (self->read_only_label, text);
    }
  /* Becoming writable reloads the farm: dialogs showing the templates read before would act
   * on objects no longer in it. */
  if (!read_only && gtk_revealer_get_reveal_child (self->read_only_revealer))
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
        {
          g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i - 1);

          if (VDI_IS_DISTRIBUTION_DIALOG (toplevel) &&
              gtk_window_get_transient_for (toplevel) == GTK_WINDOW (self))
            gtk_window_destroy (toplevel);
        }
    }
  gtk_revealer_set_reveal_child (self->read_only_revealer, read_only);
  vdi_templates_page_set_read_only (self->templates_page, read_only);
  vdi_providers_page_set_read_only (self->providers_page, read_only);
  vdi_window_set_loading (self, self->loading);
}

static void
vdi_window_follow_error_cb (VdiWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (VDI_IS_APPLICATION (app))
    vdi_window_read_only_cb (self, NULL, VDI_APPLICATION (app));
}

static void vdi_window_show_load_error (VdiWindow    *self,
                                        const GError *error);

static void
vdi_window_recover_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  VdiApplication *app = (VdiApplication *)object;
  g_autoptr(VdiWindow) self = user_data;
  g_autofree char *set_aside_path = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (VDI_IS_APPLICATION (app));
  g_assert (VDI_IS_WINDOW (self));

  if (!(set_aside_path = vdi_application_recover_farm_finish (app, result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vdi_window_show_load_error (self, error);
      return;
    }

  vdi_window_set_loading (self, FALSE);

  basename = g_path_get_basename (set_aside_path);
  /* Translators: %s is a file name. */
  message = g_strdup_printf (_("The damaged farm file was kept as “%s”"), basename);
  vdi_show_toast (GTK_WIDGET (self), message);
}

static void
vdi_window_recover (VdiWindow *self,
                    gboolean   from_backup)
{
  g_assert (VDI_IS_WINDOW (self));

  vdi_application_recover_farm_async (VDI_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                      from_backup,
                                      self->cancellable,
                                      vdi_window_recover_cb,
                                      g_object_ref (self));
}

static void
vdi_window_load_error_response_cb (VdiWindow        *self,
                                   const char       *response,
                                   AdwMessageDialog *dialog)
{
  g_assert (VDI_IS_WINDOW (self));
  g_assert (ADW_IS_MESSAGE_DIALOG (dialog));

  if (g_strcmp0 (response, "backup") == 0)
    vdi_window_recover (self, TRUE);
  else if (g_strcmp0 (response, "new") == 0)
    vdi_window_recover (self, FALSE);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "app.quit", NULL);
}

static void
vdi_window_present_load_error (VdiWindow    *self,
                               const GError *error,
                               gboolean      have_backup)
{
  AdwMessageDialog *dialog;
  const char *heading;

  g_assert (VDI_IS_WINDOW (self));
  g_assert (error != NULL);

  if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION))
    heading = _("Farm Saved by a Newer Version");
  else
    heading = _("Farm Could Not Be Opened");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, NULL));
  adw_message_dialog_format_body (dialog, "%s\n\n%s", error->message,
                                  have_backup
                                  ? _("Open the last good copy, or start a new, empty farm. "
                                      "Either way the file is kept under a new name.")
                                  : _("Start a new, empty farm: the file is kept under a "
                                      "new name."));
  adw_message_dialog_add_response (dialog, "quit", _("_Quit"));
  adw_message_dialog_add_response (dialog, "new", _("_Start New Farm"));
  if (have_backup)
    {
      adw_message_dialog_add_response (dialog, "backup", _("_Open Backup"));
      adw_message_dialog_set_response_appearance (dialog, "backup", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "backup");
    }
  else
    {
      adw_message_dialog_set_response_appearance (dialog, "new", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "new");
    }
  adw_message_dialog_set_close_response (dialog, "quit");

  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (vdi_window_load_error_response_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  VdiWindow *self;
  GError    *error;
} LoadError;

static void
load_error_free (LoadError *state)
{
  g_clear_object (&state->self);
  g_clear_error (&state->error);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadError, load_error_free)

static void
vdi_window_query_backup_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(LoadError) state = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  vdi_window_present_load_error (state->self, state->error,
                                 info != NULL &&
                                 g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR);
}

/* Offers "Open Backup" only when there is one; finding out is I/O, so it is asynchronous. */
static void
vdi_window_show_load_error (VdiWindow    *self,
                            const GError *error)
{
  g_autofree char *backup_path = NULL;
  g_autoptr(GFile) backup = NULL;
  LoadError *state;

  g_assert (VDI_IS_WINDOW (self));

  backup_path = vdi_farm_dup_backup_path (self->farm);
  backup = g_file_new_for_path (backup_path);

  state = g_new0 (LoadError, 1);
  state->self = g_object_ref (self);
  state->error = g_error_copy (error);

  g_file_query_info_async (backup,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT,
                           self->cancellable,
                           vdi_window_query_backup_cb,
                           state);
}

static void
vdi_window_load_farm_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  VdiApplication *app = (VdiApplication *)object;
  g_autoptr(VdiWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (VDI_IS_APPLICATION (app));
  g_assert (VDI_IS_WINDOW (self));

  if (!vdi_application_load_farm_finish (app, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vdi_window_show_load_error (self, error);
      return;
    }

  vdi_window_set_loading (self, FALSE);
}

static void
vdi_window_preview_cb (VdiWindow  *self,
                       GParamSpec *pspec,
                       VdiFarm    *farm)
{
  vdi_window_set_loading (self, self->loading);
}

/* Shows "Loading Farm…" while the application loads the farm in a worker thread; on failure,
 * a dialog says what is wrong and where, and offers recovery. */
void
vdi_window_load_farm (VdiWindow *self)
{
  VdiApplication *app;

  g_return_if_fail (VDI_IS_WINDOW (self));

  app = VDI_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (vdi_application_get_farm_loaded (app))
    return;

  vdi_window_set_loading (self, TRUE);
  vdi_application_load_farm_async (app,
                                   self->cancellable,
                                   vdi_window_load_farm_cb,
                                   g_object_ref (self));
}

static void
vdi_window_save_failed_cb (VdiWindow    *self,
                           const GError *error,
                           VdiFarm      *farm)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) retried = NULL;
  gboolean autosave = FALSE;

  g_assert (VDI_IS_WINDOW (self));

  /* The application asks what to do about that one (farm_save_failed_cb). */
  if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER))
    return;

  g_object_get (farm, "save-error", &retried, "autosave", &autosave, NULL);
  if (retried != NULL && autosave)
    /* Translators: %s is the reason, e.g. "No space left on device". */
    message = g_strdup_printf (_("Could not save the farm, trying again: %s"), error->message);
  else
    /* Translators: %s is the reason, e.g. "No space left on device". */
    message = g_strdup_printf (_("Could not save the farm: %s"), error->message);
  vdi_show_toast (GTK_WIDGET (self), message);
}

/* Saves failed, and now one went through: what waited is written. */
static void
vdi_window_save_error_cb (VdiWindow  *self,
                          GParamSpec *pspec,
                          VdiFarm    *farm)
{
  GError *error = NULL;

  g_object_get (farm, "save-error", &error, NULL);
  if (error == NULL && self->save_failing)
    vdi_show_toast (GTK_WIDGET (self), _("The farm is saved again"));
  self->save_failing = error != NULL;
  g_clear_error (&error);
}

static void
vdi_window_visible_page_cb (VdiWindow    *self,
                            GParamSpec   *pspec,
                            AdwViewStack *view_stack)
{
  const char *name;

  g_assert (VDI_IS_WINDOW (self));

  name = adw_view_stack_get_visible_child_name (view_stack);
  if (self->settings != NULL && name != NULL)
    g_settings_set_string (self->settings, "visible-page", name);
}

static void
vdi_window_find_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  VdiWindow *self = (VdiWindow *)widget;
  const char *page = vdi_window_get_visible_page (self);

  g_assert (VDI_IS_WINDOW (self));

  if (g_strcmp0 (page, "providers") == 0)
    vdi_providers_page_focus_search (self->providers_page);
  else
    vdi_templates_page_focus_search (self->templates_page);
}

static void
vdi_window_add_provider_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  VdiWindow *self = (VdiWindow *)widget;

  g_assert (VDI_IS_WINDOW (self));

  vdi_window_show_page (self, "providers");
  gtk_widget_activate_action (GTK_WIDGET (self->providers_page), "providers.add", NULL);
}

/* The template's id is the parameter, so menus, row activation and tests take one path. */
static void
vdi_window_distribution_details_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *param)
{
  VdiWindow *self = (VdiWindow *)widget;
  const char *id = g_variant_get_string (param, NULL);
  VdiDistributionDialog *dialog;
  GtkApplication *app;
  VdiTemplate *template;

  g_assert (VDI_IS_WINDOW (self));

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (self->farm == NULL || !VDI_IS_APPLICATION (app) ||
      !(template = vdi_farm_find_template_by_id (self->farm, id)))
    return;

  /* A single-provider template has nothing to distribute. */
  if (!vdi_template_get_multi_provider (template))
    return;

  /* Asked again (a notification's Details, a second double-click): the one already open. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (VDI_IS_DISTRIBUTION_DIALOG (toplevel) &&
            gtk_window_get_transient_for (toplevel) == GTK_WINDOW (self) &&
            vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (toplevel)) == template)
          {
            gtk_window_present (toplevel);
            return;
          }
      }
  }

  dialog = vdi_distribution_dialog_new (GTK_WINDOW (self),
                                        vdi_application_get_distributor (VDI_APPLICATION (app)),
                                        template);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vdi_window_new_template_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  VdiWindow *self = (VdiWindow *)widget;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  VdiTemplateWizard *wizard;

  g_assert (VDI_IS_WINDOW (self));

  if (self->farm == NULL || !VDI_IS_APPLICATION (app))
    return;

  /* The shared distributor, so the new template's copies show live everywhere. */
  wizard = vdi_template_wizard_new (GTK_WINDOW (self), self->farm, self->credentials,
                                    vdi_application_get_distributor (VDI_APPLICATION (app)));
  gtk_window_present (GTK_WINDOW (wizard));
}

/* The template's id is the parameter, as for the Distribution details. */
static void
vdi_window_template_properties_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *param)
{
  VdiWindow *self = (VdiWindow *)widget;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  VdiTemplateProperties *properties;
  VdiTemplate *template;

  g_assert (VDI_IS_WINDOW (self));

  if (self->farm == NULL || !VDI_IS_APPLICATION (app) ||
      !(template = vdi_farm_find_template_by_id (self->farm, g_variant_get_string (param, NULL))))
    return;

  properties = vdi_template_properties_new (GTK_WINDOW (self), self->farm, self->credentials,
                                            vdi_application_get_distributor (VDI_APPLICATION (app)),
                                            template);
  gtk_window_present (GTK_WINDOW (properties));
}

static gboolean
vdi_window_close_request (GtkWindow *window)
{
  VdiWindow *self = (VdiWindow *)window;

  g_assert (VDI_IS_WINDOW (self));

  /* The last main window closing quits: copies still running are the admin's call. */
  {
    GtkApplication *app = gtk_window_get_application (window);
    guint n_main = 0;

    for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l; l = l->next)
      n_main += VDI_IS_WINDOW (l->data);
    if (VDI_IS_APPLICATION (app) && n_main == 1 &&
        !vdi_application_confirm_quit (VDI_APPLICATION (app), window))
      return TRUE;
  }

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
      g_settings_apply (self->settings);
    }

  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (vdi_window_parent_class)->close_request (window);
}

/* Copies end while the admin may be looking elsewhere: say so, with the way to the details. */
static void
vdi_window_distribution_finished_cb (VdiWindow   *self,
                                     VdiTemplate *template,
                                     guint        n_failed,
                                     gpointer     distributor)
{
  g_autoptr(AdwToast) toast = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;

  g_assert (VDI_IS_WINDOW (self));
  g_assert (VDI_IS_TEMPLATE (template));

  if (n_failed == 0)
    title = g_strdup_printf (_("“%s” is up to date on every provider"),
                             vdi_template_get_name (template));
  else
    title = g_strdup_printf (ngettext ("“%s” could not be brought up to date on %u provider",
                                       "“%s” could not be brought up to date on %u providers",
                                       n_failed),
                             vdi_template_get_name (template), n_failed);

  /* Toast titles are markup; template names may hold any character. */
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.distribution-details");
  adw_toast_set_action_target_value (toast, g_variant_new_string (vdi_template_get_id (template)));
  if (n_failed > 0)
    adw_toast_set_timeout (toast, 0);

  vdi_window_show_latest_toast (self, &self->distribution_toast, g_steal_pointer (&toast));
}

/* GtkWindow:application is not a construct property, so this runs after construction. */
static void
vdi_window_set_up (VdiWindow      *self,
                   VdiApplication *app)
{
  g_assert (VDI_IS_WINDOW (self));
  g_assert (VDI_IS_APPLICATION (app));

  self->farm = g_object_ref (vdi_application_get_farm (app));
  self->credentials = g_object_ref (vdi_application_get_credentials (app));

  g_signal_connect_object (self->farm, "save-failed",
                           G_CALLBACK (vdi_window_save_failed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->farm, "notify::save-error",
                           G_CALLBACK (vdi_window_save_error_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vdi_application_get_distributor (app), "finished",
                           G_CALLBACK (vdi_window_distribution_finished_cb),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect_object (app, "notify::read-only",
                           G_CALLBACK (vdi_window_read_only_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->farm, "notify::preview",
                           G_CALLBACK (vdi_window_preview_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->farm, "notify::follow-error",
                           G_CALLBACK (vdi_window_follow_error_cb),
                           self, G_CONNECT_SWAPPED);

  vdi_templates_page_set_farm (self->templates_page, self->farm);
  vdi_providers_page_set_farm (self->providers_page, self->farm);
  vdi_providers_page_set_credentials (self->providers_page, self->credentials);

  vdi_window_set_loading (self, !vdi_application_get_farm_loaded (app));
  vdi_window_read_only_cb (self, NULL, app);

  /* Demo mode lasts the whole session, so it is said for the whole session. */
  if (vdi_application_get_demo (app))
    vdi_window_set_banner (self,
                           _("Demo: these providers are simulated on this computer and vanish "
                             "when you quit"),
                           NULL, NULL);
}

static void
vdi_window_dispose (GObject *object)
{
  VdiWindow *self = (VdiWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->distribution_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (vdi_window_parent_class)->dispose (object);
}

static void
vdi_window_finalize (GObject *object)
{
  VdiWindow *self = (VdiWindow *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vdi_window_parent_class)->finalize (object);
}

static void
vdi_window_class_init (VdiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vdi_window_dispose;
  object_class->finalize = vdi_window_finalize;

  window_class->close_request = vdi_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/vdi-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, providers_page);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, templates_page);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, read_only_revealer);
  gtk_widget_class_bind_template_child (widget_class, VdiWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, vdi_window_visible_page_cb);

  gtk_widget_class_install_action (widget_class, "win.find", NULL, vdi_window_find_action);
  gtk_widget_class_install_action (widget_class, "win.add-provider", NULL,
                                   vdi_window_add_provider_action);
  gtk_widget_class_install_action (widget_class, "win.distribution-details", "s",
                                   vdi_window_distribution_details_action);
  gtk_widget_class_install_action (widget_class, "win.new-template", NULL,
                                   vdi_window_new_template_action);
  gtk_widget_class_install_action (widget_class, "win.template-properties", "s",
                                   vdi_window_template_properties_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.new-template", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-provider", NULL);

  g_type_ensure (VDI_TYPE_BANNER);
  g_type_ensure (VDI_TYPE_PROVIDERS_PAGE);
  g_type_ensure (VDI_TYPE_TEMPLATES_PAGE);
}

static void
vdi_window_init (VdiWindow *self)
{
  g_autofree char *page = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  if ((self->settings = vdi_settings_new ()))
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));

      page = g_settings_get_string (self->settings, "visible-page");
      vdi_window_show_page (self, page);
    }
}
