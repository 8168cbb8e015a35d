/* vdi-target-row.c
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

#include "vdi-distribution-dialog.h"
#include "vdi-target-row.h"

struct _VdiTargetRow
{
  GtkBox          parent_instance;

  /* Owned references */
  VdiTarget      *target;

  /* Template widgets */
  GtkLabel       *provider_label;
  GtkWidget      *source_label;
  GtkLabel       *state_label;
  GtkWidget      *progress_field;
  GtkInscription *progress_label;
  GtkProgressBar *progress_bar;
  GtkInscription *transfer_label;
  GtkLabel       *error_label;
  GtkLabel       *stray_label;
  GtkWidget      *retry_button;

  guint           transfer_tick;
  gulong          notify_handler;
};

enum {
  PROP_0,
  PROP_TARGET,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (VdiTargetRow, vdi_target_row, GTK_TYPE_BOX)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

VdiTargetRow *
vdi_target_row_new (void)
{
  return g_object_new (VDI_TYPE_TARGET_ROW, NULL);
}

/* Whether Retry can bring @target up to date: a copy (not the source) that is not Ready, or
 * that has a copy a silent holder abandoned to look for, and has no work under way. */
gboolean
vdi_target_row_can_retry (VdiTarget *target)
{
  g_return_val_if_fail (VDI_IS_TARGET (target), FALSE);

  return !vdi_target_get_is_source (target) &&
         (vdi_target_get_state (target) != VDI_TARGET_STATE_READY ||
          vdi_target_get_n_strays (target) > 0) &&
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

/* The figures of a copy under way: percent, bar, bytes, speed and time left. They change with
 * every report, so they live in GtkInscriptions, whose new text costs a redraw and not a new
 * layout of the whole list. */
static void
vdi_target_row_update_transfer (VdiTargetRow *self)
{
  VdiTarget *target = self->target;
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
  gtk_inscription_set_text (self->progress_label, progress_text);
  gtk_widget_set_visible (self->progress_field, progress_text != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 CLAMP (vdi_target_get_percent (target), 0, 100) / 100.);

  transfer = busy ? format_transfer (target) : NULL;
  gtk_inscription_set_text (self->transfer_label, transfer);
  gtk_widget_set_visible (GTK_WIDGET (self->transfer_label), transfer != NULL);
}

/* With relay, where the target's current or last copy comes from: "from hv-ams-03". The
 * template is the dialog's the row is in. */
static char *
vdi_target_row_dup_feeder_text (VdiTargetRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  VdiTemplate *template;
  VdiProvider *feeder;

  if (!VDI_IS_DISTRIBUTION_DIALOG (root) ||
      (template = vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (root))) == NULL ||
      !vdi_template_get_relay (template) || vdi_target_get_is_source (self->target) ||
      (feeder = vdi_template_get_feeder (template, self->target)) == NULL)
    return NULL;
  /* Translators: where a copy comes from, next to the provider it goes to. */
  return g_strdup_printf (_("from %s"), vdi_provider_get_name (feeder));
}

/* With relay, the holders that stopped answering while they copied to this target, and whose
 * copy is still to be found and removed: "hv-t1 stopped answering…". */
static char *
vdi_target_row_dup_stray_text (VdiTargetRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  VdiTemplate *template = NULL;
  g_autoptr(GString) names = NULL;
  g_autoptr(GHashTable) seen = NULL;

  if (vdi_target_get_n_strays (self->target) == 0)
    return NULL;
  if (VDI_IS_DISTRIBUTION_DIALOG (root))
    template = vdi_distribution_dialog_get_template (VDI_DISTRIBUTION_DIALOG (root));

  names = g_string_new (NULL);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0, n = vdi_target_get_n_strays (self->target); i < n; i++)
    {
      const char *id = vdi_target_get_stray (self->target, i)->provider_id;
      VdiProvider *holder = template != NULL ? vdi_template_find_provider_by_id (template, id)
                                             : NULL;
      const char *name = holder != NULL ? vdi_provider_get_name (holder) : id;

      /* A holder is named once, however many copies it abandoned here. */
      if (!g_hash_table_add (seen, (gpointer)id))
        continue;
      /* Translators: the separator between provider names in a list. */
      g_string_append_printf (names, "%s%s", names->len > 0 ? _(", ") : "", name);
    }

  /* Translators: %s is a provider name, or several separated by commas. */
  return g_strdup_printf (ngettext ("%s stopped answering while it copied here. Once it "
                                    "answers, Retry removes what it left.",
                                    "%s stopped answering while they copied here. Once they "
                                    "answer, Retry removes what they left.",
                                    g_hash_table_size (seen)),
                          names->str);
}

static void
vdi_target_row_update (VdiTargetRow *self)
{
  VdiTarget *target = self->target;
  VdiProvider *provider = vdi_target_get_provider (target);
  VdiTargetState state = vdi_target_get_state (target);
  VdiDistribution progress = vdi_target_get_progress (target);
  const char *provider_name = vdi_provider_get_name (provider);
  const char *state_text = vdi_enum_get_label (VDI_TYPE_TARGET_STATE, state);
  const char *error = vdi_target_get_last_error (target);
  GtkWidget *state_label = GTK_WIDGET (self->state_label);
  g_autofree char *retry_label = NULL;
  g_autofree char *row_label = NULL;
  g_autofree char *from = vdi_target_row_dup_feeder_text (self);
  g_autofree char *strays = vdi_target_row_dup_stray_text (self);

  gtk_label_set_text (self->provider_label, provider_name);
  /* Beside the name: "Source", or where the copy comes from. */
  gtk_label_set_text (GTK_LABEL (self->source_label),
                      vdi_target_get_is_source (target) ? _("Source") : from);
  gtk_widget_set_visible (self->source_label, vdi_target_get_is_source (target) || from != NULL);
  gtk_label_set_text (self->state_label, state_text);
  gtk_widget_remove_css_class (state_label, "success");
  gtk_widget_remove_css_class (state_label, "warning");
  gtk_widget_remove_css_class (state_label, "error");
  gtk_widget_add_css_class (state_label,
                            state == VDI_TARGET_STATE_READY ? "success" :
                            state == VDI_TARGET_STATE_NEEDS_UPDATE ? "warning" : "error");

  vdi_target_row_update_transfer (self);

  gtk_label_set_text (self->error_label, error ?: "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL && *error != '\0');
  gtk_label_set_text (self->stray_label, strays ?: "");
  gtk_widget_set_visible (GTK_WIDGET (self->stray_label), strays != NULL);

  gtk_widget_set_visible (self->retry_button, vdi_target_row_can_retry (target));
  /* Translators: %s is a provider name. */
  retry_label = g_strdup_printf (_("Retry the copy to %s"), provider_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, retry_label,
                                  -1);
  gtk_widget_set_tooltip_text (self->retry_button, retry_label);

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
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, row_label,
                                  -1);
}

static gboolean
vdi_target_row_transfer_tick_cb (GtkWidget     *widget,
                                 GdkFrameClock *clock,
                                 gpointer       user_data)
{
  VdiTargetRow *self = VDI_TARGET_ROW (widget);

  self->transfer_tick = 0;
  vdi_target_row_update_transfer (self);

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
vdi_target_row_target_notify_cb (VdiTargetRow *self,
                                 GParamSpec   *pspec,
                                 VdiTarget    *target)
{
  g_assert (VDI_IS_TARGET_ROW (self));

  /* A report moves the figures only: they are drawn once a frame, however many reports came,
   * and nobody is told. */
  if (is_transfer_property (g_param_spec_get_name (pspec)))
    {
      if (self->transfer_tick == 0)
        self->transfer_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                            vdi_target_row_transfer_tick_cb,
                                                            NULL, NULL);
      return;
    }

  vdi_target_row_update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * vdi_target_row_get_target:
 *
 * Returns: (transfer none) (nullable): the target shown
 */
VdiTarget *
vdi_target_row_get_target (VdiTargetRow *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_ROW (self), NULL);

  return self->target;
}

void
vdi_target_row_set_target (VdiTargetRow *self,
                           VdiTarget    *target)
{
  g_return_if_fail (VDI_IS_TARGET_ROW (self));
  g_return_if_fail (!target || VDI_IS_TARGET (target));

  if (self->target == target)
    return;

  if (self->transfer_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->transfer_tick);
  self->transfer_tick = 0;
  g_clear_signal_handler (&self->notify_handler, self->target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), NULL);

  g_set_object (&self->target, target);

  if (target != NULL)
    {
      /* The target first: the name alone would name an action that needs one. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "s",
                                        vdi_provider_get_id (vdi_target_get_provider (target)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "dialog.retry");
      self->notify_handler = g_signal_connect_object (target, "notify",
                                                      G_CALLBACK (vdi_target_row_target_notify_cb),
                                                      self, G_CONNECT_SWAPPED);
      vdi_target_row_update (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

/* In the dialog now: where the copy comes from can be told. */
static void
vdi_target_row_root (GtkWidget *widget)
{
  VdiTargetRow *self = VDI_TARGET_ROW (widget);

  GTK_WIDGET_CLASS (vdi_target_row_parent_class)->root (widget);

  if (self->target != NULL)
    vdi_target_row_update (self);
}

static void
vdi_target_row_dispose (GObject *object)
{
  VdiTargetRow *self = (VdiTargetRow *)object;

  vdi_target_row_set_target (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_TARGET_ROW);

  G_OBJECT_CLASS (vdi_target_row_parent_class)->dispose (object);
}

static void
vdi_target_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VdiTargetRow *self = VDI_TARGET_ROW (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_target_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VdiTargetRow *self = VDI_TARGET_ROW (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      vdi_target_row_set_target (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_target_row_class_init (VdiTargetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_target_row_dispose;
  object_class->get_property = vdi_target_row_get_property;
  object_class->set_property = vdi_target_row_set_property;

  widget_class->root = vdi_target_row_root;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL,
                         VDI_TYPE_TARGET,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-target-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, provider_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, progress_field);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, transfer_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, stray_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetRow, retry_button);
}

static void
vdi_target_row_init (VdiTargetRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
