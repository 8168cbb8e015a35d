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

/* A row's parts, found once: the row is updated up to once a frame per target. */
typedef struct
{
  VdiTarget   *target;
  GtkWidget   *provider_label;
  GtkWidget   *source_label;
  GtkWidget   *state_label;
  GtkWidget   *progress_field;
  GtkWidget   *progress_label;
  GtkWidget   *progress_bar;
  GtkWidget   *transfer_label;
  GtkWidget   *error_label;
  GtkWidget   *retry_button;
  guint        transfer_tick;
  gulong       notify_handler;
} RowParts;

static void
row_parts_free (RowParts *parts)
{
  g_clear_object (&parts->target);
  g_free (parts);
}

static RowParts *
row_get_parts (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), target_key);
}

/* The figures of a copy under way: percent, bar, bytes, speed and time left. They change with
 * every report, so they live in GtkInscriptions, whose new text costs a redraw and not a new
 * layout of the whole list. */
static void
update_row_transfer (GtkWidget *row)
{
  RowParts *parts = row_get_parts (row);
  VdiTarget *target = parts->target;
  VdiDistribution progress = vdi_target_get_progress (target);
  gboolean busy = vdi_target_is_busy (target);
  g_autofree char *progress_text = NULL;
  g_autofree char *transfer = NULL;

  if (busy)
    /* Translators: a copy's progress and its percentage, e.g. "Distributing, 42 %". */
    progress_text = g_strdup_printf (_("%s, %.0f %%"),
                                     vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress),
                                     CLAMP (vdi_target_get_percent (target), 0, 100));
  else if (progress != VDI_DISTRIBUTION_NONE)
    progress_text = g_strdup (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress));
  gtk_inscription_set_text (GTK_INSCRIPTION (parts->progress_label), progress_text);
  gtk_widget_set_visible (parts->progress_field, progress_text != NULL);

  gtk_widget_set_visible (parts->progress_bar, busy);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (parts->progress_bar),
                                 CLAMP (vdi_target_get_percent (target), 0, 100) / 100.);

  transfer = busy ? format_transfer (target) : NULL;
  gtk_inscription_set_text (GTK_INSCRIPTION (parts->transfer_label), transfer);
  gtk_widget_set_visible (parts->transfer_label, transfer != NULL);
}

/* With relay, where a target's current or last copy comes from: "from hv-ams-03". */
static char *
feeder_text (GtkWidget *row,
             VdiTarget *target)
{
  GtkRoot *root = gtk_widget_get_root (row);
  VdiTemplate *template;
  VdiProvider *feeder;

  if (root == NULL || !VDI_IS_DISTRIBUTION_DIALOG (root) ||
      (template = VDI_DISTRIBUTION_DIALOG (root)->template) == NULL ||
      !vdi_template_get_relay (template) || vdi_target_get_is_source (target) ||
      (feeder = vdi_template_get_feeder (template, target)) == NULL)
    return NULL;
  /* Translators: where a copy comes from, next to the provider it goes to. */
  return g_strdup_printf (_("from %s"), vdi_provider_get_name (feeder));
}

static void
update_row (GtkWidget *row)
{
  RowParts *parts = row_get_parts (row);
  VdiTarget *target = parts->target;
  VdiProvider *provider = vdi_target_get_provider (target);
  VdiTargetState state = vdi_target_get_state (target);
  VdiDistribution progress = vdi_target_get_progress (target);
  const char *provider_name = vdi_provider_get_name (provider);
  const char *state_text = vdi_enum_get_label (VDI_TYPE_TARGET_STATE, state);
  const char *error = vdi_target_get_last_error (target);
  GtkLabel *state_label = GTK_LABEL (parts->state_label);
  g_autofree char *retry_label = NULL;
  g_autofree char *row_label = NULL;
  g_autofree char *from = feeder_text (row, target);

  gtk_label_set_text (GTK_LABEL (parts->provider_label), provider_name);
  /* Beside the name: "Source", or where the copy comes from. */
  gtk_label_set_text (GTK_LABEL (parts->source_label),
                      vdi_target_get_is_source (target) ? _("Source") : from);
  gtk_widget_set_visible (parts->source_label, vdi_target_get_is_source (target) || from != NULL);
  gtk_label_set_text (state_label, state_text);
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (state_label),
                            state == VDI_TARGET_STATE_READY ? "success" :
                            state == VDI_TARGET_STATE_NEEDS_UPDATE ? "warning" : "error");

  update_row_transfer (row);

  gtk_label_set_text (GTK_LABEL (parts->error_label), error ?: "");
  gtk_widget_set_visible (parts->error_label, error != NULL && *error != '\0');

  gtk_widget_set_visible (parts->retry_button, target_needs_retry (target));
  /* Translators: %s is a provider name. */
  retry_label = g_strdup_printf (_("Retry the copy to %s"), provider_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->retry_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, retry_label,
                                  -1);
  gtk_widget_set_tooltip_text (parts->retry_button, retry_label);

  /* Without the percentage, so that a screen reader is not told of every report. */
  /* Translators: a provider row read by a screen reader: name, state, progress. */
  row_label = g_strdup_printf (_("%s: %s. %s"), provider_name, state_text,
                               progress == VDI_DISTRIBUTION_NONE
                                 ? ""
                                 : vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress));
  if (from != NULL)
    {
      g_autofree char *with_from = g_strdup_printf ("%s %s", row_label, from);

      g_free (row_label);
      row_label = g_steal_pointer (&with_from);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, row_label,
                                  -1);
}

static gboolean
row_transfer_tick_cb (GtkWidget     *row,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  RowParts *parts = row_get_parts (row);

  parts->transfer_tick = 0;
  update_row_transfer (row);

  return G_SOURCE_REMOVE;
}

static gboolean
is_transfer_property (const char *name)
{
  return g_str_equal (name, "percent") || g_str_equal (name, "bytes-done") ||
         g_str_equal (name, "bytes-total") || g_str_equal (name, "rate") ||
         g_str_equal (name, "seconds-left") || g_str_equal (name, "updated-at");
}

static void
vdi_distribution_dialog_target_notify_cb (GtkWidget  *row,
                                          GParamSpec *pspec,
                                          VdiTarget  *target)
{
  RowParts *parts = row_get_parts (row);
  GtkRoot *root;

  /* A report moves the figures only: they are drawn once a frame, however many reports came,
   * and the list is not walked for the actions. */
  if (is_transfer_property (g_param_spec_get_name (pspec)))
    {
      if (parts->transfer_tick == 0)
        parts->transfer_tick = gtk_widget_add_tick_callback (row, row_transfer_tick_cb,
                                                             NULL, NULL);
      return;
    }

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

static GtkWidget *
add_inscription (GtkBox     *box,
                 const char *name,
                 const char *css_class)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_widget_set_name (inscription, name);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 48);
  gtk_widget_set_hexpand (inscription, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (inscription, css_class);
  gtk_box_append (box, inscription);

  return inscription;
}

/* A caption ("State") and its value, side by side; @field is set to the pair. */
static GtkWidget *
add_field (GtkBox      *box,
           const char  *caption,
           const char  *name,
           gboolean     changes_often,
           GtkWidget  **field)
{
  GtkWidget *title = gtk_label_new (caption);
  GtkWidget *value;

  *field = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_box_append (GTK_BOX (*field), title);
  if (changes_often)
    value = add_inscription (GTK_BOX (*field), name, NULL);
  else
    {
      value = add_label (GTK_BOX (*field), name, NULL);
      gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
    }
  gtk_box_append (box, *field);

  return value;
}

/* A row's widgets; which target it shows is set by bind_row(), as the list view recycles it. */
static GtkWidget *
create_row (void)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *fields = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *state_field;
  RowParts *parts = g_new0 (RowParts, 1);

  gtk_widget_set_name (row, "target-row");
  g_object_set_data_full (G_OBJECT (row), target_key, parts, (GDestroyNotify)row_parts_free);

  gtk_widget_set_margin_top (row, 12);
  gtk_widget_set_margin_bottom (row, 12);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (row), vbox);

  parts->provider_label = add_label (GTK_BOX (title_box), "provider-label", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (parts->provider_label), PANGO_ELLIPSIZE_END);
  parts->source_label = add_label (GTK_BOX (title_box), "source-label", "dim-label");
  gtk_label_set_text (GTK_LABEL (parts->source_label), _("Source"));
  gtk_box_append (GTK_BOX (vbox), title_box);
  parts->state_label = add_field (GTK_BOX (fields), _("State"), "state-label", FALSE,
                                  &state_field);
  parts->progress_label = add_field (GTK_BOX (fields), _("Progress"), "progress-label", TRUE,
                                     &parts->progress_field);
  gtk_widget_set_hexpand (parts->progress_field, TRUE);
  gtk_box_append (GTK_BOX (vbox), fields);

  parts->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_name (parts->progress_bar, "progress-bar");
  gtk_widget_set_margin_top (parts->progress_bar, 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy progress"),
                                  -1);
  gtk_box_append (GTK_BOX (vbox), parts->progress_bar);

  parts->transfer_label = add_inscription (GTK_BOX (vbox), "transfer-label", "dim-label");

  parts->error_label = add_label (GTK_BOX (vbox), "error-label", "error");
  gtk_label_set_wrap (GTK_LABEL (parts->error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (parts->error_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (parts->error_label), TRUE);

  parts->retry_button = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_name (parts->retry_button, "retry-button");
  gtk_widget_set_valign (parts->retry_button, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), parts->retry_button);

  return row;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, create_row ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  RowParts *parts = row_get_parts (row);
  VdiTarget *target = gtk_list_item_get_item (item);

  g_assert (parts->target == NULL);

  parts->target = g_object_ref (target);
  gtk_widget_set_visible (parts->source_label, vdi_target_get_is_source (target));
  /* The target first: the name alone would name an action that needs one. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (parts->retry_button), "s",
                                    vdi_provider_get_id (vdi_target_get_provider (target)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (parts->retry_button), "dialog.retry");
  parts->notify_handler = g_signal_connect_object (target, "notify",
                                                   G_CALLBACK (vdi_distribution_dialog_target_notify_cb),
                                                   row, G_CONNECT_SWAPPED);
  update_row (row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  RowParts *parts = row_get_parts (row);

  if (parts->transfer_tick != 0)
    gtk_widget_remove_tick_callback (row, parts->transfer_tick);
  parts->transfer_tick = 0;
  g_clear_signal_handler (&parts->notify_handler, parts->target);
  g_clear_object (&parts->target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (parts->retry_button), NULL);
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

      if (!target_needs_retry (target) ||
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
        if (!target_needs_retry (target))
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
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

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

  /* A list view, not a list box: only the rows in sight exist, so a template with a thousand
   * providers reporting progress costs what the visible rows cost. */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), NULL);
  gtk_list_view_set_factory (self->list, factory);
  selection = gtk_no_selection_new (g_object_ref (vdi_template_get_targets (self->template)));
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (selection));

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
      RowParts *parts;

      if (row == NULL || (parts = row_get_parts (row)) == NULL)
        continue;
      if (parts->target == target && gtk_widget_get_visible (item))
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
