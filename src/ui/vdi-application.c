/* vdi-application.c
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
#include "vdi-demo.h"
#include "vdi-distribution-notifier.h"
#include "vdi-farm-lock.h"
#include "vdi-open-farm-dialog.h"
#include "vdi-ui-utils.h"
#include "vdi-provider-monitor.h"
#include "vdi-window.h"

typedef enum
{
  FARM_STATE_UNLOADED,
  FARM_STATE_LOADING,
  FARM_STATE_LOADED,
  FARM_STATE_FAILED,
} FarmState;

struct _VdiApplication
{
  AdwApplication  parent_instance;

  /* Owned references */
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiDemo        *demo;
  VdiDistributor *distributor;
  VdiDistributionNotifier *notifier;
  VdiProviderMonitor *monitor;
  guint               monitor_idle;
  char           *farm_path;
  char           *demo_dir;
  VdiFarmLock    *lock;
  char           *lock_holder;     /* why the farm is read-only, naming who has it */
  GCancellable   *lock_cancellable;
  guint           lock_retry_id;
  guint           lock_check_id;    /* a farm database: is the lock still ours? */
  gboolean        lock_checking;
  gint64          agent_wait_since; /* the farm free with work under way, left to an agent */
  guint           agent_grace;      /* seconds, see vdi_application_set_agent_grace() */

  FarmState       farm_state;
  guint           read_only : 1;
  guint           taken_over : 1;  /* another process took the farm after this one lost it */
  guint           lock_trying : 1;
  GtkWidget      *refused_dialog;  /* weak: says which changes were not saved, while it shows */
};

G_DEFINE_FINAL_TYPE (VdiApplication, vdi_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How often a read-only console tries to take the farm back from vdictl. */
#define LOCK_RETRY_SECONDS 2
/* How long, by default, a read-only console leaves a free farm with work under way to the
 * vdictl agent on it (which asks for the farm every 10 s unless told otherwise) before taking
 * it itself. */
#define AGENT_GRACE_SECONDS 60
/* How often the holder of a farm database's lock makes sure it still holds it: sooner than
 * read-only consoles ask for it, so that after a restart of the server the holder keeps it. */
#define LOCK_CHECK_SECONDS 1

static const GOptionEntry option_entries[] = {
  { "farm", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the farm stored in FILE, or shared in the database at a postgresql:// URI, "
       "instead of the default one"), N_("FILE|URI") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show a demo farm of simulated Hyper-V hosts and vCenters; your own farm is not touched"),
    NULL },
  { NULL }
};

VdiApplication *
vdi_application_new (const char        *application_id,
                     GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (VDI_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

const char *
vdi_application_get_farm_path (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);

  if (self->farm != NULL)
    return vdi_farm_get_path (self->farm);

  return self->farm_path;
}

void
vdi_application_set_farm_path (VdiApplication *self,
                               const char     *path)
{
  g_return_if_fail (VDI_IS_APPLICATION (self));
  g_return_if_fail (self->farm == NULL);

  g_free (self->farm_path);
  self->farm_path = g_strdup (path);
}

/**
 * vdi_application_get_farm:
 *
 * Returns: (transfer none): the farm, created on first use from the --farm path or the default
 *   one. It is empty until vdi_application_load_farm_async() has completed.
 */
static void set_read_only (VdiApplication *self,
                           gboolean        read_only,
                           const char     *holder);
static void quit_now      (VdiApplication *self);
static gboolean spawn_console (const char  *location,
                               GError     **error);

static gboolean
reopen_idle_cb (gpointer user_data)
{
  VdiApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!spawn_console (vdi_farm_get_path (self->farm), &error))
    g_printerr ("%s\n", error->message);
  quit_now (self);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_idle_cb (gpointer user_data)
{
  quit_now (user_data);
  return G_SOURCE_REMOVE;
}

/* Once the dialog has closed: quitting destroys every window, the dialog's too. */
static void
taken_over_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        VdiApplication   *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                   g_str_equal (response, "reopen") ? reopen_idle_cb : quit_idle_cb,
                   g_object_ref (self), g_object_unref);
}

/* Another process took the farm over after this one lost its lock (a PostgreSQL farm whose
 * server ended the lock's session): nothing more is saved here. What the admin sees here is no
 * longer the farm; a console opened again shows it, following the new holder. The copies this
 * one had running go on on their hosts, for the new holder to follow, as when a console quits. */
static void
farm_save_failed_cb (VdiApplication *self,
                     const GError   *error,
                     VdiFarm        *farm)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  if (!g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER) || self->taken_over)
    return;

  self->taken_over = TRUE;
  vdi_farm_set_autosave (farm, FALSE);
  set_read_only (self, TRUE, error->message);

  dialog = adw_message_dialog_new (parent, _("Farm Taken Over"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s. Open the farm again to see it as it is now; copies "
                                    "this console had running go on, for the new holder to "
                                    "follow."),
                                  error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "quit", _("_Quit"),
                                    "reopen", _("_Open Again"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reopen",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reopen");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "reopen");
  gtk_widget_set_name (dialog, "taken-over-dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (taken_over_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A change made here was based on a template or provider another process had changed or
 * deleted since: the farm shows theirs now, and the admin is told, by whom and when, since what
 * they did here is gone. One dialog, listing each such change while it shows. */
static void
farm_change_refused_cb (VdiApplication *self,
                        const GError   *error,
                        VdiFarm        *farm)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->refused_dialog != NULL)
    {
      AdwMessageDialog *shown = ADW_MESSAGE_DIALOG (self->refused_dialog);

      body = g_strdup_printf ("%s\n\n%s.", adw_message_dialog_get_body (shown), error->message);
      adw_message_dialog_set_body (shown, body);
      adw_message_dialog_set_heading (shown, _("Changes Not Saved"));
      return;
    }

  body = g_strdup_printf ("%s.", error->message);
  dialog = adw_message_dialog_new (parent, _("Change Not Saved"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_widget_set_name (dialog, "change-refused-dialog");
  self->refused_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->refused_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
watch_farm (VdiApplication *self)
{
  g_signal_connect_object (self->farm, "save-failed", G_CALLBACK (farm_save_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->farm, "change-refused", G_CALLBACK (farm_change_refused_cb),
                           self, G_CONNECT_SWAPPED);
}

VdiFarm *
vdi_application_get_farm (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);

  if (self->farm == NULL)
    {
      g_autofree char *default_path = NULL;

      if (self->farm_path == NULL)
        default_path = vdi_farm_dup_default_path ();

      self->farm = vdi_farm_new (self->farm_path != NULL ? self->farm_path : default_path);
      watch_farm (self);
    }

  return self->farm;
}

/* For tests and screenshots: use a farm that is already filled in, and skip loading. */
void
vdi_application_set_farm (VdiApplication *self,
                          VdiFarm        *farm)
{
  g_return_if_fail (VDI_IS_APPLICATION (self));
  g_return_if_fail (VDI_IS_FARM (farm));
  g_return_if_fail (self->farm_state != FARM_STATE_LOADING);

  g_set_object (&self->farm, farm);
  watch_farm (self);
  self->farm_state = FARM_STATE_LOADED;
}

/**
 * vdi_application_get_demo:
 *
 * Returns: whether the console shows the demo world (started with --demo)
 */
gboolean
vdi_application_get_demo (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), FALSE);

  return self->demo_dir != NULL;
}

gboolean
vdi_application_get_farm_loaded (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), FALSE);

  return self->farm_state == FARM_STATE_LOADED;
}

VdiCredentials *
vdi_application_get_credentials (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);

  if (self->credentials == NULL)
    self->credentials = g_object_ref (vdi_credentials_get_default ());

  return self->credentials;
}

void
vdi_application_set_credentials (VdiApplication *self,
                                 VdiCredentials *credentials)
{
  g_return_if_fail (VDI_IS_APPLICATION (self));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));

  g_set_object (&self->credentials, credentials);
}

/**
 * vdi_application_get_distributor:
 *
 * Returns: (transfer none): the one distributor of the farm's templates, created on first use.
 *   It belongs to the application, so copies go on when the window that started them closes.
 */
VdiDistributor *
vdi_application_get_distributor (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);

  if (self->distributor == NULL)
    {
      self->distributor = vdi_distributor_new (vdi_application_get_farm (self),
                                               vdi_application_get_credentials (self));
      self->notifier = vdi_distribution_notifier_new (GTK_APPLICATION (self), self->distributor);
    }

  return self->distributor;
}

/* The farm is in memory and may be written from now on; its providers' status goes live. */
static void
vdi_application_demo_distributed_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Each target shows its own outcome; this is only for the log. */
  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    g_debug ("Demo distribution: %s", error->message);
}

/* The demo's multi-provider templates are copied to their targets as the demo opens, so that
 * there is live distribution to watch; the simulator does the work. */
static void
start_demo_distribution (VdiApplication *self)
{
  GListModel *templates = vdi_farm_get_templates (self->farm);

  for (guint i = 0, n = g_list_model_get_n_items (templates); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      if (vdi_template_get_multi_provider (template) &&
          vdi_template_get_distribution (template) != VDI_DISTRIBUTION_OK)
        vdi_distributor_distribute_async (vdi_application_get_distributor (self), template, NULL,
                                          vdi_application_demo_distributed_cb, NULL);
    }
}

/**
 * vdi_application_get_read_only:
 *
 * Returns: whether another process (vdictl) holds the farm lock, so that this console shows the
 *   farm without changing it. It tries to take the lock every few seconds and, once it has it,
 *   loads the farm again (the other process may have changed it) and becomes writable.
 */
gboolean
vdi_application_get_read_only (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), FALSE);

  return self->read_only;
}

void
vdi_application_set_agent_grace (VdiApplication *self,
                                 guint           seconds)
{
  g_return_if_fail (VDI_IS_APPLICATION (self));

  self->agent_grace = seconds;
}

/* Returns: (nullable): why the farm is read-only, e.g. "The farm is in use by vdictl (process
 *   42)" */
const char *
vdi_application_get_lock_holder (VdiApplication *self)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);

  return self->read_only ? self->lock_holder : NULL;
}

static void
set_read_only (VdiApplication *self,
               gboolean        read_only,
               const char     *holder)
{
  gboolean same_holder = g_strcmp0 (self->lock_holder, holder) == 0;

  g_free (self->lock_holder);
  self->lock_holder = g_strdup (holder);
  /* A new reason while read-only is told too: the banner says it. */
  if (self->read_only == !!read_only && (!read_only || same_holder))
    return;

  self->read_only = !!read_only;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/* Taking the lock reads the holder's line when it is held, which may wait a little for a
 * holder that is just writing it: a worker thread, never the main loop. */
static void
acquire_lock_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  VdiFarmLock *lock = vdi_farm_lock_acquire (task_data, &error);

  if (lock == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lock, g_object_unref);
}

static void
acquire_lock_async (VdiApplication      *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, acquire_lock_async);
  g_task_set_task_data (task, g_strdup (vdi_farm_get_path (vdi_application_get_farm (self))),
                        g_free);
  g_task_run_in_thread (task, acquire_lock_worker);
}

static VdiFarmLock *
acquire_lock_finish (VdiApplication  *self,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void schedule_lock_retry (VdiApplication *self);
static void watch_lock          (VdiApplication *self);

static void
farm_reloaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VdiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->lock_trying = FALSE;
  if (!vdi_farm_load_finish (VDI_FARM (object), result, &error))
    {
      /* Still showing what was read before; the lock is no use without a good file. */
      g_clear_object (&self->lock);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_read_only (self, TRUE, error->message);
          schedule_lock_retry (self);
        }
      return;
    }

  vdi_farm_set_autosave (self->farm, TRUE);
  set_read_only (self, FALSE, NULL);
  watch_lock (self);
}

static void
lock_retried_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VdiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->lock = acquire_lock_finish (self, result, &error);
  if (self->lock == NULL)
    {
      self->lock_trying = FALSE;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The holder may have changed (another vdictl run): say who has it now. */
      set_read_only (self, TRUE, error->message);
      schedule_lock_retry (self);
      return;
    }

  /* What the other process wrote is what we show and change from now on. */
  vdi_farm_set_following (self->farm, FALSE);
  vdi_farm_load_async (self->farm, self->lock_cancellable, farm_reloaded_cb,
                       g_object_ref (self));
}

/* Nobody holds the farm, and it is left to the agent: a worker, as the lock's holder is read. */
static void
query_lock_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_task_return_boolean (task, vdi_farm_lock_query_holder (task_data, NULL, NULL));
}

static void
lock_queried_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VdiApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean held = g_task_propagate_boolean (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->lock_trying = FALSE;
      return;
    }

  /* Still held: asking for it says by whom, as always. The grace counts from when the farm
   * was first found free. */
  if (held)
    {
      self->agent_wait_since = 0;
      acquire_lock_async (self, self->lock_cancellable, lock_retried_cb, g_object_ref (self));
      return;
    }

  if (self->agent_wait_since == 0)
    self->agent_wait_since = g_get_monotonic_time ();
  self->lock_trying = FALSE;
  set_read_only (self, TRUE,
                 _("The program that held this farm has ended with copies under way, and the "
                   "vdictl agent on this farm is taking them over"));
  schedule_lock_retry (self);
}

static void
agent_owner_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VdiApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result,
                                                             &error);
  gboolean agent = FALSE;

  if (g_cancellable_is_cancelled (self->lock_cancellable))
    {
      self->lock_trying = FALSE;
      return;
    }

  /* A bus that cannot say is taken as no agent: the console then does as it did without one. */
  if (reply != NULL)
    g_variant_get (reply, "(b)", &agent);
  else
    g_debug ("Asking the session bus for the farm's agent: %s", error->message);
  if (!agent)
    self->agent_wait_since = 0;

  /* An agent takes over what a holder left running (vdictl agent); this console, taking the
   * farm first, would only show that work interrupted. Not for ever: an agent that has not come
   * for the free farm within the grace leaves it to this console. */
  if (agent && (self->agent_wait_since == 0 ||
                g_get_monotonic_time () - self->agent_wait_since <
                  (gint64)self->agent_grace * G_USEC_PER_SEC))
    {
      g_autoptr(GTask) task = g_task_new (self, self->lock_cancellable, lock_queried_cb,
                                          g_object_ref (self));

      g_task_set_task_data (task, g_strdup (vdi_farm_get_path (self->farm)), g_free);
      g_task_run_in_thread (task, query_lock_worker);
      return;
    }

  acquire_lock_async (self, self->lock_cancellable, lock_retried_cb, g_object_ref (self));
}

static gboolean
lock_retry_cb (gpointer data)
{
  VdiApplication *self = data;
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (self));

  self->lock_retry_id = 0;
  self->lock_trying = TRUE;

  /* Work under way as the farm was last read: is an agent there to take it over? */
  if (connection != NULL && self->farm != NULL && vdi_farm_has_work_under_way (self->farm))
    {
      g_autofree char *agent_name = vdi_farm_dup_agent_bus_name (vdi_farm_get_path (self->farm));

      g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner",
                              g_variant_new ("(s)", agent_name), G_VARIANT_TYPE ("(b)"),
                              G_DBUS_CALL_FLAGS_NONE, 5000, self->lock_cancellable,
                              agent_owner_cb, g_object_ref (self));
      return G_SOURCE_REMOVE;
    }

  self->agent_wait_since = 0;
  acquire_lock_async (self, self->lock_cancellable, lock_retried_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_lock_retry (VdiApplication *self)
{
  if (self->lock_retry_id == 0 && !self->lock_trying)
    self->lock_retry_id = g_timeout_add_seconds (LOCK_RETRY_SECONDS, lock_retry_cb, self);
}

static void
lock_check_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;

  if (vdi_farm_lock_check (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
lock_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VdiApplication *self = VDI_APPLICATION (object);
  g_autoptr(GError) error = NULL;

  self->lock_checking = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;
  if (g_error_matches (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD))
    {
      g_autoptr(GError) taken = g_error_new_literal (VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER,
                                                     error->message);

      g_clear_handle_id (&self->lock_check_id, g_source_remove);
      farm_save_failed_cb (self, taken, self->farm);
    }
  else
    /* The server cannot be reached now: asked again next time. */
    g_debug ("Checking the farm lock: %s", error->message);
}

static gboolean
lock_check_cb (gpointer user_data)
{
  VdiApplication *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (self->lock == NULL || self->read_only || self->lock_checking)
    return G_SOURCE_CONTINUE;
  self->lock_checking = TRUE;
  task = g_task_new (self, NULL, lock_checked_cb, NULL);
  g_task_set_source_tag (task, lock_check_cb);
  g_task_set_task_data (task, g_object_ref (self->lock), g_object_unref);
  g_task_run_in_thread (task, lock_check_worker);
  return G_SOURCE_CONTINUE;
}

/* A farm database's lock can be lost with its session; the holder takes it back at once. */
static void
watch_lock (VdiApplication *self)
{
  if (self->lock_check_id == 0 && vdi_farm_location_is_database (vdi_farm_get_path (self->farm)))
    self->lock_check_id = g_timeout_add_seconds (LOCK_CHECK_SECONDS, lock_check_cb, self);
}

static gboolean
start_monitor_cb (gpointer user_data)
{
  VdiApplication *self = user_data;

  self->monitor_idle = 0;
  if (self->monitor == NULL)
    self->monitor = vdi_provider_monitor_new (self->farm, vdi_application_get_credentials (self));
  return G_SOURCE_REMOVE;
}

static void
farm_ready (VdiApplication *self)
{
  self->farm_state = FARM_STATE_LOADED;
  /* Read-only: the other process's changes are not to be overwritten with ours. */
  vdi_farm_set_autosave (self->farm, !self->read_only);
  if (self->read_only)
    schedule_lock_retry (self);
  else
    watch_lock (self);
  /* The list first: probing a thousand providers sets up as many sessions, which can wait until
   * the farm has been drawn (idle at low priority runs after the frame). */
  if (self->monitor == NULL && self->monitor_idle == 0)
    self->monitor_idle = g_idle_add_full (G_PRIORITY_LOW, start_monitor_cb, self, NULL);
  if (self->demo != NULL)
    start_demo_distribution (self);
}

static void
vdi_application_load_farm_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  VdiFarm *farm = (VdiFarm *)object;
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  VdiApplication *self = g_task_get_source_object (task);

  g_assert (VDI_IS_FARM (farm));
  g_assert (VDI_IS_APPLICATION (self));

  if (!vdi_farm_load_finish (farm, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        self->farm_state = FARM_STATE_UNLOADED;
      else
        self->farm_state = FARM_STATE_FAILED;

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  farm_ready (self);
  g_task_return_boolean (task, TRUE);
}

/* Held or not, the farm is loaded: without the lock it is shown read-only. */
static void
vdi_application_lock_acquired_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  VdiApplication *self = g_task_get_source_object (task);
  GCancellable *cancellable;

  g_clear_object (&self->lock);
  self->lock = acquire_lock_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->farm_state = FARM_STATE_UNLOADED;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Without the lock, the holder's work under way shows as it goes, not as interrupted. */
  vdi_farm_set_following (vdi_application_get_farm (self), self->lock == NULL);
  set_read_only (self, self->lock == NULL, error != NULL ? error->message : NULL);

  cancellable = g_task_get_cancellable (task);
  vdi_farm_load_async (vdi_application_get_farm (self),
                       cancellable,
                       vdi_application_load_farm_cb,
                       g_steal_pointer (&task));
}

static void
vdi_application_demo_started_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  VdiApplication *self = g_task_get_source_object (task);
  GCancellable *cancellable;

  self->demo = vdi_demo_start_finish (result, &error);
  if (self->demo == NULL)
    {
      self->farm_state = FARM_STATE_FAILED;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  acquire_lock_async (self, cancellable, vdi_application_lock_acquired_cb,
                      g_steal_pointer (&task));
}

/* Loads the farm in a worker thread. On failure the farm stays empty, is never saved, and the
 * caller offers vdi_application_recover_farm(). */
void
vdi_application_load_farm_async (VdiApplication      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VDI_IS_APPLICATION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_application_load_farm_async);

  if (self->farm_state == FARM_STATE_LOADED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->farm_state == FARM_STATE_LOADING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The farm is already being loaded"));
      return;
    }

  self->farm_state = FARM_STATE_LOADING;

  /* In demo mode the simulator starts first and writes the farm that is then loaded; the demo's
   * farm is its own temporary one, locked like any other. */
  if (self->demo_dir != NULL && self->demo == NULL)
    {
      vdi_demo_start_async (self->demo_dir, vdi_application_get_credentials (self), cancellable,
                            vdi_application_demo_started_cb, g_steal_pointer (&task));
      return;
    }

  acquire_lock_async (self, cancellable, vdi_application_lock_acquired_cb,
                      g_steal_pointer (&task));
}

gboolean
vdi_application_load_farm_finish (VdiApplication  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_application_load_farm_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char     *set_aside_path;
  gboolean  from_backup;
} Recovery;

static void
recovery_free (Recovery *recovery)
{
  g_clear_pointer (&recovery->set_aside_path, g_free);
  g_free (recovery);
}

/* Runs in a worker thread: renaming and copying files is I/O. The farm is not loaded and not
 * saving while this runs, so nothing else touches it. */
static void
vdi_application_recover_farm_worker (GTask        *task,
                                     gpointer      source_object,
                                     gpointer      task_data,
                                     GCancellable *cancellable)
{
  VdiFarm *farm = source_object;
  Recovery *recovery = task_data;
  GError *error = NULL;

  if (!(recovery->set_aside_path = vdi_farm_set_aside (farm, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (recovery->from_backup && !vdi_farm_restore_backup (farm, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
vdi_application_recover_load_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  VdiApplication *self = g_task_get_source_object (task);
  Recovery *recovery = g_task_get_task_data (task);

  if (!vdi_farm_load_finish (VDI_FARM (object), result, &error))
    {
      self->farm_state = FARM_STATE_FAILED;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  farm_ready (self);
  g_task_return_pointer (task, g_steal_pointer (&recovery->set_aside_path), g_free);
}

static void
vdi_application_recover_farm_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  VdiFarm *farm = (VdiFarm *)object;
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  VdiApplication *self = g_task_get_source_object (task);
  Recovery *recovery = g_task_get_task_data (task);

  g_assert (VDI_IS_FARM (farm));
  g_assert (VDI_IS_APPLICATION (self));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->farm_state = FARM_STATE_FAILED;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (recovery->from_backup)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      vdi_farm_load_async (farm,
                           cancellable,
                           vdi_application_recover_load_cb,
                           g_steal_pointer (&task));
      return;
    }

  farm_ready (self);
  g_task_return_pointer (task, g_steal_pointer (&recovery->set_aside_path), g_free);
}

/**
 * vdi_application_recover_farm_async:
 * @from_backup: restore the last good copy rather than start an empty farm
 *
 * After a failed load: keeps the bad file under a new name, then loads the backup or leaves the
 * farm empty, and from then on saves normally.
 */
void
vdi_application_recover_farm_async (VdiApplication      *self,
                                    gboolean             from_backup,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GTask) task = NULL;
  Recovery *recovery;

  g_return_if_fail (VDI_IS_APPLICATION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_application_recover_farm_async);

  if (self->farm_state != FARM_STATE_FAILED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The farm has no damaged file to recover from"));
      return;
    }

  /* Recovering writes the farm's files: not while another process has them. */
  if (self->read_only)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s", self->lock_holder);
      return;
    }

  recovery = g_new0 (Recovery, 1);
  recovery->from_backup = !!from_backup;
  g_task_set_task_data (task, recovery, (GDestroyNotify)recovery_free);

  self->farm_state = FARM_STATE_LOADING;

  worker = g_task_new (vdi_application_get_farm (self), cancellable,
                       vdi_application_recover_farm_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, vdi_application_recover_farm_worker);
  g_task_set_task_data (worker, recovery, NULL);
  g_task_run_in_thread (worker, vdi_application_recover_farm_worker);
}

/**
 * vdi_application_recover_farm_finish:
 *
 * Returns: (transfer full): the path the bad file was renamed to, or %NULL with @error set.
 */
char *
vdi_application_recover_farm_finish (VdiApplication  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (VDI_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_application_recover_farm_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether the distributor is copying for any template now. */
static gboolean
copies_running (VdiApplication *self)
{
  GListModel *templates;

  if (self->distributor == NULL || self->farm == NULL)
    return FALSE;

  templates = vdi_farm_get_templates (self->farm);
  for (guint i = 0, n = g_list_model_get_n_items (templates); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      if (vdi_distributor_is_busy (self->distributor, template))
        return TRUE;
    }
  return FALSE;
}

static void
quit_now (VdiApplication *self)
{
  GtkWindow *window;

  /* Closing the windows first lets each save its size and position. */
  while ((window = gtk_application_get_active_window (GTK_APPLICATION (self))))
    gtk_window_destroy (window);

  g_application_quit (G_APPLICATION (self));
}

static void
quit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  VdiApplication   *self)
{
  /* Once the dialog has closed: quitting destroys every window, the dialog's too. */
  if (g_str_equal (response, "quit"))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, quit_idle_cb, g_object_ref (self), g_object_unref);
}

static void
ask_quit (VdiApplication *self,
          GtkWindow      *parent,
          gboolean        agent)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent, _("Quit While Copies Run?"),
                                   agent
                                   ? _("Copies are running. The agent on this farm takes them "
                                       "over when you quit, and finishes them.")
                                   : _("Copies are running; they will resume the next time you "
                                       "open the console."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "quit",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_widget_set_name (dialog, "quit-dialog");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  VdiApplication *self;
  GtkWindow      *parent;
} QuitQuestion;

static void
agent_known_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  QuitQuestion *question = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result,
                                                             NULL);
  gboolean agent = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &agent);
  ask_quit (question->self, question->parent, agent);
  g_clear_object (&question->parent);
  g_object_unref (question->self);
  g_free (question);
}

/**
 * vdi_application_confirm_quit:
 * @parent: (nullable): the window the question belongs to
 *
 * Returns: TRUE when the console may quit at once; FALSE when copies are running, in which case
 *   the admin is asked first (saying that a vdictl agent on the farm will take them over, when
 *   one runs in this session), and the application quits if they say so.
 */
gboolean
vdi_application_confirm_quit (VdiApplication *self,
                              GtkWindow      *parent)
{
  GDBusConnection *bus;
  QuitQuestion *question;
  g_autofree char *agent_name = NULL;

  g_return_val_if_fail (VDI_IS_APPLICATION (self), TRUE);

  if (!copies_running (self))
    return TRUE;

  bus = g_application_get_dbus_connection (G_APPLICATION (self));
  if (bus == NULL)
    {
      ask_quit (self, parent, FALSE);
      return FALSE;
    }

  agent_name = vdi_farm_dup_agent_bus_name (vdi_farm_get_path (self->farm));
  question = g_new0 (QuitQuestion, 1);
  question->self = g_object_ref (self);
  question->parent = parent != NULL ? g_object_ref (parent) : NULL;
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", agent_name), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, agent_known_cb, question);
  return FALSE;
}

static void
vdi_application_quit_action (GSimpleAction *action,
                             GVariant      *param,
                             gpointer       user_data)
{
  VdiApplication *self = user_data;

  g_assert (VDI_IS_APPLICATION (self));

  if (vdi_application_confirm_quit (self,
                                    gtk_application_get_active_window (GTK_APPLICATION (self))))
    quit_now (self);
}

static void
vdi_application_about_action (GSimpleAction *action,
                              GVariant      *param,
                              gpointer       user_data)
{
  static const char *developers[] = { "The VDI Console authors", NULL };
  VdiApplication *self = user_data;
  GtkWindow *about;

  g_assert (VDI_IS_APPLICATION (self));

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "modal", TRUE,
                        "application-name", _("VDI Console"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The VDI Console authors"),
                        "developers", developers,
                        "copyright", _("© 2026 The VDI Console authors"),
                        "comments", _("Manage the templates and providers of a VDI farm: "
                                      "Microsoft Hyper-V and VMware vCenter, with "
                                      "multi-provider template distribution."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_URL,
                        "issue-url", PACKAGE_URL "/issues",
                        /* Translators: replace with your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
vdi_application_shortcuts_action (GSimpleAction *action,
                                  GVariant      *param,
                                  gpointer       user_data)
{
  VdiApplication *self = user_data;
  GtkWindow *window;

  g_assert (VDI_IS_APPLICATION (self));

  if ((window = gtk_application_get_active_window (GTK_APPLICATION (self))))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

/* From a desktop notification: the window, and in it the Distribution details of the template
 * whose id is the parameter. */
static void
vdi_application_show_distribution_action (GSimpleAction *action,
                                          GVariant      *param,
                                          gpointer       user_data)
{
  VdiApplication *self = user_data;
  GtkWindow *window = NULL;

  g_assert (VDI_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (VDI_IS_WINDOW (l->data))
      {
        window = l->data;
        break;
      }
  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = gtk_application_get_active_window (GTK_APPLICATION (self));
    }
  if (!VDI_IS_WINDOW (window))
    return;

  gtk_window_present (window);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.distribution-details", param);
}

/**
 * vdi_application_open_farm:
 * @location: a farm's location, as vdi_farm_location_parse() gives it
 *
 * Opens the farm at @location in a console of its own (`vdi-console --farm LOCATION`): this one
 * goes on with its farm, its lock and its work. The farm open here is only brought forward.
 * `VDI_CONSOLE_BINARY` names the program to start instead of this one (tests).
 */
gboolean
vdi_application_open_farm (VdiApplication  *self,
                           const char      *location,
                           GError         **error)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  g_return_val_if_fail (VDI_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  if (g_strcmp0 (location, vdi_application_get_farm_path (self)) == 0)
    {
      if (window != NULL)
        gtk_window_present (window);
      return TRUE;
    }

  return spawn_console (location, error);
}

/* `vdi-console --farm LOCATION`, or `VDI_CONSOLE_BINARY` instead (tests). */
static gboolean
spawn_console (const char  *location,
               GError     **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *self_exe = NULL;
  const char *program = g_getenv ("VDI_CONSOLE_BINARY");

  if (program == NULL)
    program = self_exe = g_file_read_link ("/proc/self/exe", error);
  if (program == NULL)
    return FALSE;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, error, program, "--farm", location, NULL);
  return process != NULL;
}

static void
open_farm_cb (VdiOpenFarmDialog *dialog,
              const char        *location,
              VdiApplication    *self)
{
  g_autoptr(GError) error = NULL;

  if (!vdi_application_open_farm (self, location, &error))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
      g_autofree char *message = NULL;

      /* Translators: %s says why the program could not be started. */
      message = g_strdup_printf (_("Could not open the farm: %s"), error->message);
      if (window != NULL)
        vdi_show_toast (GTK_WIDGET (window), message);
      else
        g_printerr ("%s\n", message);
    }
}

static void
vdi_application_open_farm_action (GSimpleAction *action,
                                  GVariant      *param,
                                  gpointer       user_data)
{
  VdiApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  VdiOpenFarmDialog *dialog;

  g_assert (VDI_IS_APPLICATION (self));

  dialog = vdi_open_farm_dialog_new (window, vdi_farm_get_path (vdi_application_get_farm (self)));
  g_signal_connect_object (dialog, "open", G_CALLBACK (open_farm_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry app_actions[] = {
  { "open-farm", vdi_application_open_farm_action },
  { "quit", vdi_application_quit_action },
  { "about", vdi_application_about_action },
  { "shortcuts", vdi_application_shortcuts_action },
  { "show-distribution", vdi_application_show_distribution_action, "s" },
};

static int
vdi_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  VdiApplication *self = (VdiApplication *)app;
  g_autofree char *path = NULL;

  g_assert (VDI_IS_APPLICATION (self));

  if (g_variant_dict_lookup (options, "farm", "^ay", &path) &&
      vdi_farm_location_is_database (path))
    vdi_application_set_farm_path (self, path);
  else if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      vdi_application_set_farm_path (self, g_file_peek_path (file));
      /* A console already running has its own farm: this one must not hand its command line
       * over to it and quit. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  if (g_variant_dict_contains (options, "demo"))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *farm = NULL;
      g_autoptr(VdiCredentials) memory = vdi_credentials_new (FALSE);

      /* The demo's farm and passwords live in a folder of their own and in memory, so the
       * window never binds to the user's farm. */
      self->demo_dir = g_dir_make_tmp ("vdi-console-demo-XXXXXX", &error);
      if (self->demo_dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      farm = g_build_filename (self->demo_dir, "farm.json", NULL);
      vdi_application_set_farm_path (self, farm);
      vdi_application_set_credentials (self, memory);
      /* Each demo is a world of its own, beside any console already running. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
vdi_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  VdiApplication *self = (VdiApplication *)app;

  g_assert (VDI_IS_APPLICATION (self));

  G_APPLICATION_CLASS (vdi_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open-farm", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         help_accels);
}

static void
vdi_application_activate (GApplication *app)
{
  VdiApplication *self = (VdiApplication *)app;
  GtkWindow *window;

  g_assert (VDI_IS_APPLICATION (self));

  if (!(window = gtk_application_get_active_window (GTK_APPLICATION (self))))
    window = GTK_WINDOW (vdi_window_new (self));

  /* The window shows at once; the farm fills it when loaded. */
  gtk_window_present (window);

  if (self->farm_state == FARM_STATE_UNLOADED)
    vdi_window_load_farm (VDI_WINDOW (window));
}

static void
vdi_application_shutdown (GApplication *app)
{
  VdiApplication *self = (VdiApplication *)app;

  g_assert (VDI_IS_APPLICATION (self));

  /* A farm that failed to load is never written: its file is the admin's to recover. */
  if (self->farm != NULL && self->farm_state == FARM_STATE_LOADED && !self->read_only)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *location = vdi_farm_dup_display_location (vdi_farm_get_path (self->farm));

      if (!vdi_farm_flush (self->farm, &error))
        g_printerr ("%s: %s\n", location, error->message);
    }

  g_clear_handle_id (&self->monitor_idle, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->notifier);
  g_clear_object (&self->distributor);
  g_cancellable_cancel (self->lock_cancellable);
  g_clear_handle_id (&self->lock_retry_id, g_source_remove);
  g_clear_handle_id (&self->lock_check_id, g_source_remove);
  g_clear_object (&self->lock);

  /* The simulator stops with the console, and the demo's farm goes with it. */
  if (self->demo != NULL)
    vdi_demo_stop (self->demo);

  G_APPLICATION_CLASS (vdi_application_parent_class)->shutdown (app);
}

static void
vdi_application_finalize (GObject *object)
{
  VdiApplication *self = (VdiApplication *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->demo);
  g_clear_handle_id (&self->monitor_idle, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->notifier);
  g_clear_object (&self->distributor);
  g_clear_pointer (&self->farm_path, g_free);
  g_clear_pointer (&self->demo_dir, g_free);
  g_clear_handle_id (&self->lock_retry_id, g_source_remove);
  g_clear_handle_id (&self->lock_check_id, g_source_remove);
  g_clear_object (&self->lock);
  g_clear_object (&self->lock_cancellable);
  g_clear_pointer (&self->lock_holder, g_free);
  if (self->refused_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->refused_dialog),
                                  (gpointer *)&self->refused_dialog);

  G_OBJECT_CLASS (vdi_application_parent_class)->finalize (object);
}

static void
vdi_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VdiApplication *self = VDI_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_application_class_init (VdiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = vdi_application_finalize;
  object_class->get_property = vdi_application_get_property;

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->handle_local_options = vdi_application_handle_local_options;
  app_class->startup = vdi_application_startup;
  app_class->activate = vdi_application_activate;
  app_class->shutdown = vdi_application_shutdown;
}

static void
vdi_application_init (VdiApplication *self)
{
  self->lock_cancellable = g_cancellable_new ();
  self->agent_grace = AGENT_GRACE_SECONDS;
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage the templates and providers of a VDI farm."));
}
