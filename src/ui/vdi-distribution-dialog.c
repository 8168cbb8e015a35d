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
#include "vdi-provider-prompts.h"
#include "vdi-target-row.h"

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
  GtkListView      *list;
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

      any = vdi_target_row_can_retry (target);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.retry-all", any && !read_only);
}

/* A row's target changed in a way that may change what can be retried. */
static void
vdi_distribution_dialog_row_changed_cb (VdiTargetRow *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));

  if (VDI_IS_DISTRIBUTION_DIALOG (root))
    vdi_distribution_dialog_update_actions (VDI_DISTRIBUTION_DIALOG (root));
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

/* One Retry (of a provider's copy) or Retry All (@provider_id %NULL), kept to run again once
 * the admin has settled a certificate or a password. */
typedef struct
{
  VdiDistributionDialog *self;
  char                  *provider_id;
  GError                *error;
} Retry;

static void
retry_free (Retry *retry)
{
  g_clear_object (&retry->self);
  g_clear_pointer (&retry->provider_id, g_free);
  g_clear_error (&retry->error);
  g_free (retry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Retry, retry_free)

static void retry_run (VdiDistributionDialog *self,
                       const char            *provider_id);

static void
show_error (VdiDistributionDialog *self,
            const GError          *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  /* The engine's words can be long; they stay until dismissed. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static VdiCredentials *
credentials (VdiDistributionDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkApplication *app = gtk_window_get_application (parent != NULL ? parent : GTK_WINDOW (self));

  return VDI_IS_APPLICATION (app) ? vdi_application_get_credentials (VDI_APPLICATION (app))
                                  : NULL;
}

/* The providers the retried copies used, the source first: the ones to ask whether they
 * refused a certificate or a password. */
static GPtrArray *
retry_suspects (Retry *retry)
{
  VdiTemplate *template = retry->self->template;
  GListModel *targets = vdi_template_get_targets (template);
  GPtrArray *suspects = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (suspects, g_object_ref (vdi_template_get_source_provider (template)));
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (!vdi_target_row_can_retry (target) ||
          (retry->provider_id != NULL &&
           g_strcmp0 (vdi_provider_get_id (provider), retry->provider_id) != 0))
        continue;
      g_ptr_array_add (suspects, g_object_ref (provider));
    }
  return suspects;
}

static void
retry_prompted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Retry) retry = user_data;
  VdiDistributionDialog *self = retry->self;
  g_autoptr(GError) error = NULL;

  if (vdi_provider_prompts_finish (result, &error))
    {
      /* Trusted, or signed in: the same retry again. */
      retry_run (self, retry->provider_id);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  /* Nobody refused anything: the copy failed for its own reasons, which its row says. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    show_error (self, retry->error);
  vdi_distribution_dialog_update_actions (self);
}

static void
retry_finished_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Retry) retry = user_data;
  VdiDistributionDialog *self = retry->self;
  g_autoptr(GPtrArray) suspects = NULL;
  VdiCredentials *creds;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  if (vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &retry->error) ||
      g_error_matches (retry->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        vdi_distribution_dialog_update_actions (self);
      return;
    }

  /* A copy records only the provider's words: an untrusted certificate or a refused password
   * is found by asking the providers it used, as the Tasks menu does, and settled there. */
  creds = credentials (self);
  if (creds == NULL)
    {
      show_error (self, retry->error);
      vdi_distribution_dialog_update_actions (self);
      return;
    }
  suspects = retry_suspects (retry);
  vdi_provider_prompts_suspects_async (GTK_WINDOW (self), creds, suspects, self->cancellable,
                                       retry_prompted_cb, g_steal_pointer (&retry));
}

static void
retry_run (VdiDistributionDialog *self,
           const char            *provider_id)
{
  Retry *retry = g_new0 (Retry, 1);

  retry->self = g_object_ref (self);
  retry->provider_id = g_strdup (provider_id);

  /* No cancellable: the copies are the application's work, not the dialog's. */
  if (provider_id == NULL)
    {
      /* Runs every target that is not Ready. */
      vdi_distributor_distribute_async (self->distributor, self->template, NULL,
                                        retry_finished_cb, retry);
      vdi_distribution_dialog_update_actions (self);
      return;
    }

  {
    GListModel *targets = vdi_template_get_targets (self->template);

    for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
      {
        g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

        if (g_strcmp0 (vdi_provider_get_id (vdi_target_get_provider (target)), provider_id) != 0)
          continue;
        if (!vdi_target_row_can_retry (target))
          break;
        vdi_distributor_retry_async (self->distributor, self->template, target, NULL,
                                     retry_finished_cb, g_steal_pointer (&retry));
        break;
      }
  }
  g_clear_pointer (&retry, retry_free);
  vdi_distribution_dialog_update_actions (self);
}

static void
vdi_distribution_dialog_retry_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *param)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)widget;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  retry_run (self, g_variant_get_string (param, NULL));
}

static void
vdi_distribution_dialog_retry_all_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *param)
{
  VdiDistributionDialog *self = (VdiDistributionDialog *)widget;

  g_assert (VDI_IS_DISTRIBUTION_DIALOG (self));

  retry_run (self, NULL);
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

/**
 * vdi_distribution_dialog_get_row:
 * @position: a target's position in the template's targets (the source is 0)
 *
 * For tests: the row showing that target, or %NULL when it is out of sight (the list view only
 * makes the rows it shows).
 *
 * Returns: (transfer none) (nullable): the row
 */
GtkWidget *
vdi_distribution_dialog_get_row (VdiDistributionDialog *self,
                                 guint                  position)
{
  g_autoptr(VdiTarget) target = NULL;

  g_return_val_if_fail (VDI_IS_DISTRIBUTION_DIALOG (self), NULL);

  target = g_list_model_get_item (vdi_template_get_targets (self->template), position);
  if (target == NULL)
    return NULL;

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (VDI_IS_TARGET_ROW (row) && vdi_target_row_get_target (VDI_TARGET_ROW (row)) == target &&
          gtk_widget_get_visible (item))
        return row;
    }

  return NULL;
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
  gtk_widget_class_bind_template_callback (widget_class, vdi_distribution_dialog_row_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.retry", "s",
                                   vdi_distribution_dialog_retry_action);
  gtk_widget_class_install_action (widget_class, "dialog.retry-all", NULL,
                                   vdi_distribution_dialog_retry_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (VDI_TYPE_TARGET_ROW);
  g_type_ensure (VDI_TYPE_TEMPLATE);
}

static void
vdi_distribution_dialog_init (VdiDistributionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}
