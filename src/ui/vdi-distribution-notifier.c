/* vdi-distribution-notifier.c
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

#include "vdi-distribution-notifier.h"

/* Copies take hours, and the admin looks elsewhere meanwhile: when work on providers ends while
 * no window of the console has the focus, a toast inside the window would go unseen, so a
 * desktop notification says how it went, with a way to the Distribution details
 * (app.show-distribution). One per template, replaced by the next for the same template, and
 * withdrawn once the console has the focus again, where the window's toast says the same. */
struct _VdiDistributionNotifier
{
  GObject         parent_instance;

  GtkApplication *application;  /* weak: the application owns the notifier */
  GHashTable     *sent;         /* ids of the notifications shown now */
};

G_DEFINE_FINAL_TYPE (VdiDistributionNotifier, vdi_distribution_notifier, G_TYPE_OBJECT)

/* Returns: (transfer full): the id of @template's notification, the same for each run */
char *
vdi_distribution_notifier_dup_id (VdiTemplate *template)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), NULL);

  return g_strconcat ("distribution-", vdi_template_get_id (template), NULL);
}

/* The application's windows and the dialogs over them (which are not the application's). */
static gboolean
is_console_window (VdiDistributionNotifier *self,
                   GtkWindow               *window)
{
  for (; window != NULL; window = gtk_window_get_transient_for (window))
    if (gtk_window_get_application (window) == self->application)
      return TRUE;
  return FALSE;
}

static gboolean
console_has_focus (VdiDistributionNotifier *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0, n = g_list_model_get_n_items (toplevels); i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_is_active (window) && is_console_window (self, window))
        return TRUE;
    }
  return FALSE;
}

static void
withdraw_all (VdiDistributionNotifier *self)
{
  GHashTableIter iter;
  const char *id;

  g_assert (VDI_IS_DISTRIBUTION_NOTIFIER (self));

  if (self->application == NULL)
    return;

  g_hash_table_iter_init (&iter, self->sent);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, NULL))
    {
      g_application_withdraw_notification (G_APPLICATION (self->application), id);
      g_hash_table_iter_remove (&iter);
    }
}

static void
window_is_active_cb (VdiDistributionNotifier *self,
                     GParamSpec              *pspec,
                     GtkWindow               *window)
{
  g_assert (VDI_IS_DISTRIBUTION_NOTIFIER (self));

  if (gtk_window_is_active (window) && is_console_window (self, window))
    withdraw_all (self);
}

static const char watched_key[] = "vdi-distribution-notifier";

/* Every toplevel of the process, dialogs included, says when it gets the focus. */
static void
toplevels_changed_cb (VdiDistributionNotifier *self,
                      guint                    position,
                      guint                    removed,
                      guint                    added,
                      GListModel              *toplevels)
{
  g_assert (VDI_IS_DISTRIBUTION_NOTIFIER (self));

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_data (G_OBJECT (window), watched_key) == self)
        continue;
      g_object_set_data (G_OBJECT (window), watched_key, self);
      g_signal_connect_object (window, "notify::is-active",
                               G_CALLBACK (window_is_active_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

/* "hv-t1: The network path was not found.", from the first provider left behind. */
static char *
dup_first_error (VdiTemplate *template)
{
  GListModel *targets = vdi_template_get_targets (template);

  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      const char *error = vdi_target_get_last_error (target);

      if (vdi_target_get_is_source (target) ||
          vdi_target_get_state (target) == VDI_TARGET_STATE_READY ||
          error == NULL || *error == '\0')
        continue;

      /* Translators: a provider's name, then its own words, e.g. "hv-02: Access denied". */
      return g_strdup_printf (_("%s: %s"),
                              vdi_provider_get_name (vdi_target_get_provider (target)), error);
    }

  return NULL;
}

static void
distribution_finished_cb (VdiDistributionNotifier *self,
                          VdiTemplate             *template,
                          guint                    n_failed,
                          VdiDistributor          *distributor)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) target = NULL;
  guint n_copies;

  g_assert (VDI_IS_DISTRIBUTION_NOTIFIER (self));
  g_assert (VDI_IS_TEMPLATE (template));

  /* With the focus, the window's toast says it where the admin is looking. */
  if (self->application == NULL || console_has_focus (self) ||
      !g_application_get_is_registered (G_APPLICATION (self->application)) ||
      g_application_get_is_remote (G_APPLICATION (self->application)))
    return;

  n_copies = MAX (vdi_template_get_n_copy_targets (template), n_failed);
  if (n_failed == 0)
    {
      /* Translators: %s is a template's name. */
      title = g_strdup_printf (_("“%s” Distributed"), vdi_template_get_name (template));
      body = g_strdup_printf (ngettext ("Up to date on %u provider",
                                        "Up to date on all %u providers",
                                        n_copies),
                              n_copies);
    }
  else
    {
      g_autofree char *count = NULL;

      /* Translators: %s is a template's name. */
      title = g_strdup_printf (_("Distribution of “%s” Needs Attention"),
                               vdi_template_get_name (template));
      /* Translators: "Not up to date on 2 of 6 providers". */
      count = g_strdup_printf (ngettext ("Not up to date on %u of %u provider",
                                         "Not up to date on %u of %u providers",
                                         n_copies),
                               n_failed, n_copies);
      error = dup_first_error (template);
      body = error != NULL ? g_strdup_printf ("%s. %s", count, error) : g_steal_pointer (&count);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, n_failed > 0 ? G_NOTIFICATION_PRIORITY_HIGH
                                                          : G_NOTIFICATION_PRIORITY_NORMAL);
  target = g_variant_ref_sink (g_variant_new_string (vdi_template_get_id (template)));
  g_notification_set_default_action_and_target_value (notification, "app.show-distribution",
                                                      target);
  g_notification_add_button_with_target_value (notification, _("Details"),
                                               "app.show-distribution", target);

  /* The same id replaces the notification of the template's previous run. */
  id = vdi_distribution_notifier_dup_id (template);
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
  g_hash_table_add (self->sent, g_steal_pointer (&id));
}

/**
 * vdi_distribution_notifier_new:
 * @application: the application the notifications are sent for; it keeps the notifier
 * @distributor: whose work is followed
 */
VdiDistributionNotifier *
vdi_distribution_notifier_new (GtkApplication *application,
                               VdiDistributor *distributor)
{
  VdiDistributionNotifier *self;
  GListModel *toplevels;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (distributor), NULL);

  self = g_object_new (VDI_TYPE_DISTRIBUTION_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);

  g_signal_connect_object (distributor, "finished",
                           G_CALLBACK (distribution_finished_cb),
                           self, G_CONNECT_SWAPPED);
  toplevels = gtk_window_get_toplevels ();
  g_signal_connect_object (toplevels, "items-changed",
                           G_CALLBACK (toplevels_changed_cb),
                           self, G_CONNECT_SWAPPED);
  toplevels_changed_cb (self, 0, 0, g_list_model_get_n_items (toplevels), toplevels);

  return self;
}

static void
vdi_distribution_notifier_finalize (GObject *object)
{
  VdiDistributionNotifier *self = (VdiDistributionNotifier *)object;

  g_clear_weak_pointer (&self->application);
  g_clear_pointer (&self->sent, g_hash_table_unref);

  G_OBJECT_CLASS (vdi_distribution_notifier_parent_class)->finalize (object);
}

static void
vdi_distribution_notifier_class_init (VdiDistributionNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vdi_distribution_notifier_finalize;
}

static void
vdi_distribution_notifier_init (VdiDistributionNotifier *self)
{
  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
