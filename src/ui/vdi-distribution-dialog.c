/* vdi-distribution-dialog.c
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

#include "vdi-application.h"
#include "vdi-distribution-dialog.h"

struct _VdiDistributionDialog
{
  AdwWindow         parent_instance;

  /* Owned references */
  VdiDistributor   *distributor;
  VdiTemplate      *template;
  /* Cancelled when the dialog goes: late answers are then dropped. It is not given to the
   * distributor, whose copies belong to the application and go on without the dialog. */
  GCancellable     *cancellable;

  /* Template widgets */
  GtkListBox       *list;
  GtkButton        *retry_all_button;
  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;

  guint             watching_app : 1;
};

enum {
  PROP_0,
  PROP_DISTRIBUTOR,
  PROP_TEMPLATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiDistributionDialog, vdi_distribution_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static const char target_key[] = "vdi-target";

/* Whether Retry can bring @target up to date: a copy (not the source) that is not Ready and
 * has no work under way. */
static gboolean
target_needs_retry (VdiTarget *target)
{
  return !vdi_target_get_is_source (target) &&
         vdi_target_get_state (target) != VDI_TARGET_STATE_READY &&
         !vdi_target_is_busy (target);
}

static char *
format_time_left (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: time left of a copy. */
    return g_strdup_printf (ngettext ("%u second left", "%u seconds left", (gulong)seconds),
                            (guint)seconds);

  if (seconds < 3600)
    {
      guint minutes = (guint)((seconds + 59) / 60);

      /* Translators: time left of a copy. */
      return g_strdup_printf (ngettext ("About %u minute left", "About %u minutes left", minutes),
                              minutes);
    }

  /* Translators: time left of a copy, in hours and minutes, e.g. "About 2 h 05 min left". */
  return g_strdup_printf (_("About %u h %02u min left"),
                          (guint)(seconds / 3600), (guint)((seconds % 3600 + 59) / 60) % 60);
}

/* "1.2 GB of 40.0 GB · About 3 minutes left", or %NULL when nothing is known yet. */
static char *
format_transfer (VdiTarget *target)
{
  GString *text = g_string_new (NULL);
  guint64 total = vdi_target_get_bytes_total (target);
  gint64 seconds = vdi_target_get_seconds_left (target);

  if (total > 0)
    {
      g_autofree char *done = g_format_size (vdi_target_get_bytes_done (target));
      g_autofree char *all = g_format_size (total);

      /* Translators: bytes copied out of the total, e.g. "1.2 GB of 40.0 GB". */
      g_string_append_printf (text, _("%s of %s"), done, all);
    }

  if (vdi_target_get_rate (target) > 0)
    {
      g_autofree char *size = g_format_size ((guint64)vdi_target_get_rate (target));

      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: a copy's speed, e.g. "120.5 MB/s". */
      g_string_append_printf (text, _("%s/s"), size);
    }

  if (seconds >= 0)
    {
      g_autofree char *left = format_time_left (seconds);

      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, left);
    }

  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }

  return g_string_free (text, FALSE);
}

static GtkWidget *
find_child (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
vdi_distribution_dialog_update_actions (VdiDistributionDialog *self)
{
  GListModel *targets;
  GtkWindow *parent;
  GtkApplication *app;
  gboolean any = FALSE;
  gboolean read_only = FALSE;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  if (self->template == NULL)
    return;

  /* A retry writes the farm: not while another process (vdictl) holds it. */
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  app = gtk_window_get_application (parent != NULL ? parent : GTK_WINDOW (self));
  if (VDI_IS_APPLICATION (app))
    {
      read_only = vdi_application_get_read_only (VDI_APPLICATION (app));
      if (!self->watching_app)
        g_signal_connect_object (app, "notify::read-only",
                                 G_CALLBACK (vdi_distribution_dialog_update_actions),
                                 self, G_CONNECT_SWAPPED);
      self->watching_app = TRUE;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.retry", !read_only);

  targets = vdi_template_get_targets (self->template);
  for (guint i = 0; !any && i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      any = target_needs_retry (target);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.retry-all", any && !read_only);
}

static void
update_row (GtkWidget *row)
{
  VdiTarget *target = g_object_get_data (G_OBJECT (row), target_key);
  VdiProvider *provider = vdi_target_get_provider (target);
  VdiTargetState state = vdi_target_get_state (target);
  VdiDistribution progress = vdi_target_get_progress (target);
  const char *provider_name = vdi_provider_get_name (provider);
  const char *state_text = vdi_enum_get_label (VDI_TYPE_TARGET_STATE, state);
  const char *error = vdi_target_get_last_error (target);
  gboolean busy = vdi_target_is_busy (target);
  GtkLabel *state_label = GTK_LABEL (find_child (row, "state-label"));
  GtkLabel *progress_label = GTK_LABEL (find_child (row, "progress-label"));
  GtkLabel *transfer_label = GTK_LABEL (find_child (row, "transfer-label"));
  GtkLabel *error_label = GTK_LABEL (find_child (row, "error-label"));
  GtkWidget *progress_bar = find_child (row, "progress-bar");
  GtkWidget *retry_button = find_child (row, "retry-button");
  g_autofree char *progress_text = NULL;
  g_autofree char *transfer = NULL;
  g_autofree char *retry_label = NULL;
  g_autofree char *row_label = NULL;

  gtk_label_set_text (GTK_LABEL (find_child (row, "provider-label")), provider_name);
  gtk_label_set_text (state_label, state_text);
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (state_label),
                            state == VDI_TARGET_STATE_READY ? "success" :
                            state == VDI_TARGET_STATE_NEEDS_UPDATE ? "warning" : "error");

  if (busy)
    /* Translators: a copy's progress and its percentage, e.g. "Distributing, 42 %". */
    progress_text = g_strdup_printf (_("%s, %.0f %%"),
                                     vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress),
                                     CLAMP (vdi_target_get_percent (target), 0, 100));
  else if (progress != VDI_DISTRIBUTION_NONE)
    progress_text = g_strdup (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress));
  gtk_label_set_text (progress_label, progress_text ?: "");
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (progress_label)),
                          progress_text != NULL);

  gtk_widget_set_visible (progress_bar, busy);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (progress_bar),
                                 CLAMP (vdi_target_get_percent (target), 0, 100) / 100.);

  transfer = busy ? format_transfer (target) : NULL;
  gtk_label_set_text (transfer_label, transfer ?: "");
  gtk_widget_set_visible (GTK_WIDGET (transfer_label), transfer != NULL);

  gtk_label_set_text (error_label, error ?: "");
  gtk_widget_set_visible (GTK_WIDGET (error_label), error != NULL && *error != '\0');

  gtk_widget_set_visible (retry_button, target_needs_retry (target));
  /* Translators: %s is a provider name. */
  retry_label = g_strdup_printf (_("Retry the copy to %s"), provider_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (retry_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, retry_label,
                                  -1);
  gtk_widget_set_tooltip_text (retry_button, retry_label);

  /* Translators: a provider row read by a screen reader: name, state, progress. */
  row_label = g_strdup_printf (_("%s: %s. %s"), provider_name, state_text, progress_text ?: "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, row_label,
                                  -1);
}

static void
vdi_distribution_dialog_target_notify_cb (GtkWidget  *row,
                                          GParamSpec *pspec,
                                          VdiTarget  *target)
{
  GtkRoot *root;

  update_row (row);

  if ((root = gtk_widget_get_root (row)) != NULL && VDI_IS_DISTRIBUTION_DIALOG (root))
    vdi_distribution_dialog_update_actions (VDI_DISTRIBUTION_DIALOG (root));
}

static GtkWidget *
add_label (GtkBox     *box,
           const char *name,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);

  return label;
}

/* A caption ("State") and its value, side by side. */
static GtkWidget *
add_field (GtkBox     *box,
           const char *caption,
           const char *name)
{
  GtkWidget *field = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (caption);
  GtkWidget *value;

  gtk_widget_add_css_class (title, "dim-label");
  gtk_box_append (GTK_BOX (field), title);
  value = add_label (GTK_BOX (field), name, NULL);
  gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
  gtk_box_append (box, field);

  return value;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  VdiTarget *target = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *fields = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *provider_label;
  GtkWidget *progress_bar;
  GtkWidget *error_label;
  GtkWidget *retry_button;

  gtk_widget_set_name (row, "target-row");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), target_key, g_object_ref (target), g_object_unref);

  gtk_widget_set_margin_top (hbox, 12);
  gtk_widget_set_margin_bottom (hbox, 12);
  gtk_widget_set_margin_start (hbox, 12);
  gtk_widget_set_margin_end (hbox, 12);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (hbox), vbox);

  provider_label = add_label (GTK_BOX (title_box), "provider-label", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (provider_label), PANGO_ELLIPSIZE_END);
  if (vdi_target_get_is_source (target))
    {
      GtkWidget *source = add_label (GTK_BOX (title_box), "source-label", "dim-label");

      gtk_label_set_text (GTK_LABEL (source), _("Source"));
    }
  gtk_box_append (GTK_BOX (vbox), title_box);

  add_field (GTK_BOX (fields), _("State"), "state-label");
  add_field (GTK_BOX (fields), _("Progress"), "progress-label");
  gtk_box_append (GTK_BOX (vbox), fields);

  progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_name (progress_bar, "progress-bar");
  gtk_widget_set_margin_top (progress_bar, 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy progress"),
                                  -1);
  gtk_box_append (GTK_BOX (vbox), progress_bar);

  add_label (GTK_BOX (vbox), "transfer-label", "dim-label");

  error_label = add_label (GTK_BOX (vbox), "error-label", "error");
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (error_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (error_label), TRUE);

  retry_button = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_name (retry_button, "retry-button");
  gtk_widget_set_valign (retry_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (retry_button), "dialog.retry");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (retry_button), "s",
                                    vdi_provider_get_id (vdi_target_get_provider (target)));
  gtk_box_append (GTK_BOX (hbox), retry_button);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), hbox);

  g_signal_connect_object (target, "notify",
                           G_CALLBACK (vdi_distribution_dialog_target_notify_cb),
                           row, G_CONNECT_SWAPPED);
  update_row (row);

  return row;
}

static void
vdi_distribution_dialog_update_title (VdiDistributionDialog *self)
{
  g_autofree char *title = NULL;
  VdiDistribution distribution;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  /* Translators: the window title; %s is the template's name. */
  title = g_strdup_printf (_("Distribution of “%s”"), vdi_template_get_name (self->template));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  distribution = vdi_template_get_distribution (self->template);
  adw_window_title_set_subtitle (self->window_title,
                                 distribution == VDI_DISTRIBUTION_NONE
                                   ? NULL
                                   : vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, distribution));
}

static void
vdi_distribution_dialog_finished_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  VdiDistributor *distributor = (VdiDistributor *)object;
  g_autoptr(VdiDistributionDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (VDI_IS_DISTRIBUTOR (distributor));
  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  if (!vdi_distributor_finish (distributor, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      AdwToast *toast = adw_toast_new (error->message);

      /* The engine's words can be long; they stay until dismissed. */
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  if (!g_cancellable_is_cancelled (self->cancellable))
    vdi_distribution_dialog_update_actions (self);
}

static void
vdi_distribution_dialog_retry_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *param)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)widget;
  const char *provider_id = g_variant_get_string (param, NULL);
  GListModel *targets;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  targets = vdi_template_get_targets (self->template);
  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (g_strcmp0 (vdi_provider_get_id (vdi_target_get_provider (target)), provider_id) != 0)
        continue;

      if (!target_needs_retry (target))
        return;

      /* No cancellable: the copy is the application's work, not the dialog's. */
      vdi_distributor_retry_async (self->distributor, self->template, target, NULL,
                                   vdi_distribution_dialog_finished_cb, g_object_ref (self));
      break;
    }

  vdi_distribution_dialog_update_actions (self);
}

static void
vdi_distribution_dialog_retry_all_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *param)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)widget;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  /* Runs every target that is not Ready. */
  vdi_distributor_distribute_async (self->distributor, self->template, NULL,
                                    vdi_distribution_dialog_finished_cb, g_object_ref (self));
  vdi_distribution_dialog_update_actions (self);
}

static void
vdi_distribution_dialog_constructed (GObject *object)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)object;

  G_OBJECT_CLASS (vdi_distribution_dialog_parent_class)->constructed (object);

  g_return_if_fail (VDI_IS_DISTRIBUTOR (self->distributor));
  g_return_if_fail (VDI_IS_TEMPLATE (self->template));

  g_signal_connect_object (self->template, "notify::name",
                           G_CALLBACK (vdi_distribution_dialog_update_title),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->template, "notify::distribution",
                           G_CALLBACK (vdi_distribution_dialog_update_title),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vdi_template_get_targets (self->template), "items-changed",
                           G_CALLBACK (vdi_distribution_dialog_update_actions),
                           self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->list, vdi_template_get_targets (self->template),
                           create_row, NULL, NULL);

  vdi_distribution_dialog_update_title (self);
  vdi_distribution_dialog_update_actions (self);
}

VdiDistributionDialog *
vdi_distribution_dialog_new (GtkWindow      *parent,
                             VdiDistributor *distributor,
                             VdiTemplate    *template)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (distributor), NULL);
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), NULL);

  return g_object_new (VDI_TYPE_DISTRIBUTION_DIALOG,
                       "transient-for", parent,
                       "distributor", distributor,
                       "template", template,
                       NULL);
}

VdiTemplate *
vdi_distribution_dialog_get_template (VdiDistributionDialog *self)
{
  g_return_val_if_fail (VDI_IS_DISTRIBUTION_DIALOG (self), NULL);

  return self->template;
}

/* The rows, one per target in the template's order; for tests. */
GtkListBox *
vdi_distribution_dialog_get_list (VdiDistributionDialog *self)
{
  g_return_val_if_fail (VDI_IS_DISTRIBUTION_DIALOG (self), NULL);

  return self->list;
}

static void
vdi_distribution_dialog_dispose (GObject *object)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_DISTRIBUTION_DIALOG);

  g_clear_object (&self->distributor);
  g_clear_object (&self->template);

  G_OBJECT_CLASS (vdi_distribution_dialog_parent_class)->dispose (object);
}

static void
vdi_distribution_dialog_finalize (GObject *object)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vdi_distribution_dialog_parent_class)->finalize (object);
}

static void
vdi_distribution_dialog_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  VdiDistributionDialog *self = VDI_DISTRIBUTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DISTRIBUTOR:
      g_value_set_object (value, self->distributor);
      break;

    case PROP_TEMPLATE:
      g_value_set_object (value, self->template);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_distribution_dialog_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  VdiDistributionDialog *self = VDI_DISTRIBUTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DISTRIBUTOR:
      self->distributor = g_value_dup_object (value);
      break;

    case PROP_TEMPLATE:
      self->template = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_distribution_dialog_class_init (VdiDistributionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vdi_distribution_dialog_constructed;
  object_class->dispose = vdi_distribution_dialog_dispose;
  object_class->finalize = vdi_distribution_dialog_finalize;
  object_class->get_property = vdi_distribution_dialog_get_property;
  object_class->set_property = vdi_distribution_dialog_set_property;

  properties[PROP_DISTRIBUTOR] =
    g_param_spec_object ("distributor", NULL, NULL,
                         VDI_TYPE_DISTRIBUTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TEMPLATE] =
    g_param_spec_object ("template", NULL, NULL,
                         VDI_TYPE_TEMPLATE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-distribution-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiDistributionDialog, list);
  gtk_widget_class_bind_template_child (widget_class, VdiDistributionDialog, retry_all_button);
  gtk_widget_class_bind_template_child (widget_class, VdiDistributionDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VdiDistributionDialog, window_title);

  gtk_widget_class_install_action (widget_class, "dialog.retry", "s",
                                   vdi_distribution_dialog_retry_action);
  gtk_widget_class_install_action (widget_class, "dialog.retry-all", NULL,
                                   vdi_distribution_dialog_retry_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vdi_distribution_dialog_init (VdiDistributionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}
