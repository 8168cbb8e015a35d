/* vdi-template-tasks.c
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
#include "vdi-backend-error.h"
#include "vdi-host-manager.h"
#include "vdi-maintenance.h"
#include "vdi-provider-prompts.h"
#include "vdi-template-tasks.h"
#include "vdi-ui-utils.h"
#include "vdi-window.h"

struct _VdiTemplateTasks
{
  GObject       parent_instance;

  GtkWidget    *owner;        /* weak */
  GCancellable *cancellable;
  GHashTable   *busy;         /* VdiTemplate* (owned) → count */
  AdwToast     *last_toast;   /* weak: the newest result replaces it */
};

enum {
  BUSY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VdiTemplateTasks, vdi_template_tasks, G_TYPE_OBJECT)

typedef enum
{
  TASK_ENTER,
  TASK_LEAVE,
  TASK_RECREATE,
  TASK_DELETE,
} TaskKind;

typedef struct _Op Op;
typedef void (*OpStep) (Op *op);

/* One task on one template, from its start to its toast. */
struct _Op
{
  VdiTemplateTasks *self;
  VdiApplication   *app;
  VdiTemplate      *template;
  VdiHostManager   *manager;
  TaskKind          kind;
  OpStep            step;      /* where a retry after a trust or password prompt starts again */
  GPtrArray        *queue;     /* delete: hosts, then VdiProvider copies */
  gulong            finished_handler; /* recreate: waiting for the copies */
  guint             recheck_id;
};

static void
op_free (Op *op)
{
  if (op->finished_handler != 0)
    g_clear_signal_handler (&op->finished_handler, vdi_application_get_distributor (op->app));
  g_clear_handle_id (&op->recheck_id, g_source_remove);
  g_clear_object (&op->manager);
  g_clear_pointer (&op->queue, g_ptr_array_unref);
  g_clear_object (&op->template);
  g_clear_object (&op->app);
  g_clear_object (&op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static GtkWindow *
owner_window (VdiTemplateTasks *self)
{
  GtkRoot *root;

  if (self->owner == NULL)
    return NULL;

  root = gtk_widget_get_root (self->owner);
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static VdiApplication *
owner_application (VdiTemplateTasks *self)
{
  GtkWindow *window = owner_window (self);
  GtkApplication *app = window != NULL ? gtk_window_get_application (window) : NULL;

  return VDI_IS_APPLICATION (app) ? VDI_APPLICATION (app) : NULL;
}

static void
set_busy (VdiTemplateTasks *self,
          VdiTemplate      *template,
          gboolean          busy)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->busy, template));

  g_assert (busy || count > 0);

  count = busy ? count + 1 : count - 1;
  if (count == 0)
    g_hash_table_remove (self->busy, template);
  else
    g_hash_table_insert (self->busy, g_object_ref (template), GUINT_TO_POINTER (count));

  g_signal_emit (self, signals[BUSY_CHANGED], 0, template);
}

static void
show_toast (VdiTemplateTasks *self,
            const char       *message)
{
  GtkWindow *window = owner_window (self);
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (!VDI_IS_WINDOW (window))
    {
      if (self->owner != NULL)
        vdi_show_toast (self->owner, message);
      return;
    }

  /* Toast titles are markup; template names may hold any character. */
  escaped = g_markup_escape_text (message, -1);

  toast = adw_toast_new (escaped);
  vdi_window_show_latest_toast (VDI_WINDOW (window), &self->last_toast, toast);
}

/* Starts @kind on @template, or says why it cannot. Returns NULL when there is nothing to do. */
static Op *
op_new (VdiTemplateTasks *self,
        VdiTemplate      *template,
        TaskKind          kind)
{
  VdiApplication *app = owner_application (self);
  Op *op;

  if (app == NULL)
    return NULL;

  op = g_new0 (Op, 1);
  op->self = g_object_ref (self);
  op->app = g_object_ref (app);
  op->template = g_object_ref (template);
  op->kind = kind;
  set_busy (self, template, TRUE);
  return op;
}

static void
op_done (Op *op)
{
  set_busy (op->self, op->template, FALSE);
  op_free (op);
}

static void
op_fail_toast (Op           *op,
               const GError *error)
{
  const char *name = vdi_template_get_name (op->template);
  g_autofree char *message = NULL;

  switch (op->kind)
    {
    case TASK_ENTER:
      /* Translators: a template name, then the provider's own words. */
      message = g_strdup_printf (_("“%s” could not enter maintenance: %s"), name, error->message);
      break;
    case TASK_LEAVE:
      message = g_strdup_printf (_("“%s” could not leave maintenance: %s"), name, error->message);
      break;
    case TASK_RECREATE:
      message = g_strdup_printf (_("The hosts of “%s” were not all recreated: %s"), name,
                                 error->message);
      break;
    case TASK_DELETE:
      message = g_strdup_printf (_("“%s” was not deleted: %s"), name, error->message);
      break;
    default:
      g_assert_not_reached ();
    }
  show_toast (op->self, message);
}

static void
op_prompted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;

  if (vdi_provider_prompts_finish (result, &error))
    {
      /* The admin trusted the certificate or gave a new password: the same step again. */
      OpStep step = op->step;

      step (g_steal_pointer (&op));
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    op_fail_toast (op, error);
  set_busy (op->self, op->template, FALSE);
}

/* An untrusted certificate or a refused password is the admin's to settle, then the step
 * runs again; anything else ends the task with a toast in the provider's words. */
static void
op_fail (Op     *op,
         GError *error)
{
  g_autoptr(GError) owned = error;

  if (vdi_backend_error_is_cancelled (error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      op_done (op);
      return;
    }

  if (op->self->owner != NULL && vdi_provider_prompts_can_handle (error))
    {
      vdi_provider_prompts_async (owner_window (op->self),
                                  vdi_application_get_credentials (op->app),
                                  op->template, NULL, error, op->self->cancellable,
                                  op_prompted_cb, op);
      return;
    }

  op_fail_toast (op, error);
  op_done (op);
}

/* Hosts ---------------------------------------------------------------------------------------- */

static void
notices_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
}

/* What the host manager says the admin should know even when it succeeded: providers that did
 * not answer the probe, datastores skipped. Each one is named, so it gets a dialog rather than
 * a toast that can scroll away. */
static void
show_notices (VdiTemplateTasks  *self,
              VdiTemplate       *template,
              char             **notices)
{
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; notices[i] != NULL; i++)
    g_string_append_printf (body, "%s• %s", i > 0 ? "\n" : "", notices[i]);
  g_string_append (body, "\n\n");
  g_string_append (body, _("Check the status of these providers. Hosts that were not recreated "
                           "can be recreated later with Tasks ▸ Recreate Hosts."));

  dialog = adw_message_dialog_new (owner_window (self), NULL, body->str);
  /* Translators: %s is a template name. */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog),
                                     _("Not every host of “%s” was recreated"),
                                     vdi_template_get_name (template));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_widget_set_name (dialog, "host-notices-dialog");
  g_signal_connect (dialog, "response", G_CALLBACK (notices_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
recreate_step (Op *op);

static void
recreate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  gboolean ok;

  ok = vdi_host_manager_finish (VDI_HOST_MANAGER (object), result, &notices, &error);

  if (!ok)
    {
      gboolean unreachable = g_error_matches (error, VDI_BACKEND_ERROR,
                                              VDI_BACKEND_ERROR_UNREACHABLE);

      /* The host manager names each provider that did not answer, and asks to check it: a
       * message that stays, not a toast that scrolls away. When that is all that went wrong,
       * the message says it all. */
      if (notices != NULL && notices[0] != NULL && op->self->owner != NULL)
        {
          show_notices (op->self, op->template, notices);
          if (unreachable)
            {
              op_done (op);
              return;
            }
        }
      op_fail (op, g_steal_pointer (&error));
      return;
    }

  if (notices != NULL && notices[0] != NULL)
    {
      if (op->self->owner != NULL)
        show_notices (op->self, op->template, notices);
    }
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("Every host of “%s” was recreated"), vdi_template_get_name (op->template));

      show_toast (op->self, message);
    }
  op_done (op);
}

static void
recreate_step (Op *op)
{
  g_clear_object (&op->manager);
  op->manager = vdi_host_manager_new (vdi_application_get_farm (op->app),
                                      vdi_application_get_credentials (op->app));
  op->step = recreate_step;
  vdi_host_manager_recreate_hosts_async (op->manager, op->template, op->self->cancellable,
                                         recreate_cb, op);
}

void
vdi_template_tasks_recreate_hosts (VdiTemplateTasks *self,
                                   VdiTemplate      *template)
{
  Op *op;

  g_return_if_fail (VDI_IS_TEMPLATE_TASKS (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  if ((op = op_new (self, template, TASK_RECREATE)))
    recreate_step (op);
}

/* Maintenance ---------------------------------------------------------------------------------- */

static void
distributed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The window says how each distribution ended ("finished"); the targets show the details. */
  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    g_debug ("Distribution after leaving maintenance: %s", error->message);
}

static gboolean
recreate_when_copied_cb (gpointer user_data)
{
  Op *op = user_data;
  VdiDistributor *distributor = vdi_application_get_distributor (op->app);

  op->recheck_id = 0;
  if (g_cancellable_is_cancelled (op->self->cancellable))
    {
      op_done (op);
      return G_SOURCE_REMOVE;
    }
  /* Another run on the template may still go on: its end brings us back. */
  if (vdi_distributor_is_busy (distributor, op->template))
    return G_SOURCE_REMOVE;

  g_clear_signal_handler (&op->finished_handler, distributor);
  recreate_step (op);
  return G_SOURCE_REMOVE;
}

static void
copies_finished_cb (VdiDistributor *distributor,
                    VdiTemplate    *template,
                    guint           n_failed,
                    Op             *op)
{
  /* The run that ends still counts as busy while it says so: look once it has gone. */
  if (template == op->template && op->recheck_id == 0)
    op->recheck_id = g_idle_add (recreate_when_copied_cb, op);
}

static void
recreate_question_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  Op *op = user_data;
  VdiDistributor *distributor;

  if (!g_str_equal (response, "yes") || op->self->owner == NULL)
    {
      op_done (op);
      return;
    }

  op->kind = TASK_RECREATE;

  /* Hyper-V hosts are made from each provider's copy: recreating them before the new template
   * has reached that provider would make them from the old one. So they wait for the copies,
   * whatever the outcome; the providers are then probed and the ones not answering named. */
  distributor = vdi_application_get_distributor (op->app);
  if (vdi_template_get_multi_provider (op->template) &&
      vdi_distributor_is_busy (distributor, op->template))
    {
      g_autofree char *message =
        g_strdup_printf (_("The hosts of “%s” will be recreated once every provider has the "
                           "new template"), vdi_template_get_name (op->template));

      show_toast (op->self, message);
      op->finished_handler = g_signal_connect (distributor, "finished",
                                               G_CALLBACK (copies_finished_cb), op);
      return;
    }

  recreate_step (op);
}

/* RAS's own question, asked once the template is sealed again. */
static void
ask_recreate (Op *op)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (owner_window (op->self), _("Recreate Hosts?"),
                                   _("All hosts must be recreated because the template has been "
                                     "modified. Do you want to recreate them now?"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "no", _("_No"),
                                    "yes", _("_Yes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "yes",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "yes");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "no");
  gtk_widget_set_name (dialog, "recreate-question-dialog");
  g_signal_connect (dialog, "response", G_CALLBACK (recreate_question_cb), op);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
maintenance_step (Op *op);

static void
maintenance_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  const char *name = vdi_template_get_name (op->template);
  g_autofree char *message = NULL;

  if (!vdi_maintenance_finish (result, &error))
    {
      op_fail (op, g_steal_pointer (&error));
      return;
    }

  if (op->kind == TASK_ENTER)
    {
      message = g_strdup_printf (_("“%s” is in maintenance: start its VM, change it, shut it "
                                   "down, then leave maintenance"), name);
      show_toast (op->self, message);
      op_done (op);
      return;
    }

  /* The copies elsewhere are outdated now; they are replaced in the background by the shared
   * distributor, so this goes on when the window closes. */
  if (vdi_template_get_multi_provider (op->template))
    vdi_distributor_distribute_async (vdi_application_get_distributor (op->app), op->template,
                                      NULL, distributed_cb, NULL);

  message = g_strdup_printf (_("“%s” left maintenance"), name);
  show_toast (op->self, message);

  /* Without hosts there is nothing to recreate, and the question would only puzzle. */
  if (op->self->owner != NULL &&
      g_list_model_get_n_items (vdi_template_get_hosts (op->template)) > 0)
    {
      ask_recreate (op);
      return;
    }
  op_done (op);
}

static void
maintenance_step (Op *op)
{
  VdiFarm *farm = vdi_application_get_farm (op->app);
  VdiCredentials *credentials = vdi_application_get_credentials (op->app);

  op->step = maintenance_step;
  if (op->kind == TASK_ENTER)
    vdi_maintenance_enter_async (farm, credentials, op->template, op->self->cancellable,
                                 maintenance_cb, op);
  else
    vdi_maintenance_leave_async (farm, credentials, op->template, op->self->cancellable,
                                 maintenance_cb, op);
}

void
vdi_template_tasks_enter_maintenance (VdiTemplateTasks *self,
                                      VdiTemplate      *template)
{
  Op *op;

  g_return_if_fail (VDI_IS_TEMPLATE_TASKS (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  if ((op = op_new (self, template, TASK_ENTER)))
    maintenance_step (op);
}

void
vdi_template_tasks_leave_maintenance (VdiTemplateTasks *self,
                                      VdiTemplate      *template)
{
  Op *op;

  g_return_if_fail (VDI_IS_TEMPLATE_TASKS (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  if ((op = op_new (self, template, TASK_LEAVE)))
    maintenance_step (op);
}

/* Delete --------------------------------------------------------------------------------------- */

static void delete_step (Op *op);

static void
delete_host_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_host_manager_finish (VDI_HOST_MANAGER (object), result, NULL, &error))
    {
      op_fail (op, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_remove_index (op->queue, 0);
  delete_step (op);
}

static void
remove_copy_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    {
      op_fail (op, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_remove_index (op->queue, 0);
  delete_step (op);
}

/* Hosts first, then the copies on the other providers, one at a time, and the template last:
 * whatever fails stops there, and the template stays in the farm naming what is left. */
static void
delete_step (Op *op)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  op->step = delete_step;

  if (op->queue->len > 0)
    {
      gpointer next = g_ptr_array_index (op->queue, 0);

      if (VDI_IS_HOST (next))
        {
          if (op->manager == NULL)
            op->manager = vdi_host_manager_new (vdi_application_get_farm (op->app),
                                                vdi_application_get_credentials (op->app));
          vdi_host_manager_delete_host_async (op->manager, op->template, next,
                                              op->self->cancellable, delete_host_cb, op);
        }
      else
        vdi_distributor_remove_provider_async (vdi_application_get_distributor (op->app),
                                               op->template, next, op->self->cancellable,
                                               remove_copy_cb, op);
      return;
    }

  if (!vdi_farm_remove_template (vdi_application_get_farm (op->app), op->template, &error))
    {
      op_fail (op, g_steal_pointer (&error));
      return;
    }

  message = g_strdup_printf (_("Template “%s” deleted"), vdi_template_get_name (op->template));
  show_toast (op->self, message);
  op_done (op);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  Op *op = user_data;

  if (!g_str_equal (response, "delete") || op->self->owner == NULL)
    {
      op_done (op);
      return;
    }

  delete_step (op);
}

void
vdi_template_tasks_delete (VdiTemplateTasks *self,
                           VdiTemplate      *template)
{
  GListModel *hosts, *targets;
  g_autoptr(GString) body = g_string_new (NULL);
  VdiProvider *source;
  GtkWidget *dialog;
  guint n_copies = 0;
  Op *op;

  g_return_if_fail (VDI_IS_TEMPLATE_TASKS (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  if (!(op = op_new (self, template, TASK_DELETE)))
    return;

  op->queue = g_ptr_array_new_with_free_func (g_object_unref);
  hosts = vdi_template_get_hosts (template);
  for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
    g_ptr_array_add (op->queue, g_list_model_get_item (hosts, i));
  targets = vdi_template_get_targets (template);
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (!vdi_target_get_is_source (target))
        {
          g_ptr_array_add (op->queue, g_object_ref (vdi_target_get_provider (target)));
          n_copies++;
        }
    }

  /* Say exactly what goes, and what stays, on the providers. */
  source = vdi_template_get_source_provider (template);
  if (g_list_model_get_n_items (hosts) > 0)
    g_string_append_printf (body,
                            ngettext ("Its %u host will be deleted from %s. ",
                                      "Its %u hosts will be deleted from %s. ",
                                      g_list_model_get_n_items (hosts)),
                            g_list_model_get_n_items (hosts), vdi_provider_get_name (source));
  if (n_copies > 0)
    g_string_append_printf (body,
                            ngettext ("Its copy on %u other provider will be deleted. ",
                                      "Its copies on %u other providers will be deleted. ",
                                      n_copies),
                            n_copies);
  g_string_append_printf (body, _("The source VM “%s” stays on %s."),
                          vdi_template_get_source_vm_name (template),
                          vdi_provider_get_name (source));

  dialog = adw_message_dialog_new (owner_window (self), NULL, body->str);
  /* Translators: %s is a template name. */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     vdi_template_get_name (template));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_widget_set_name (dialog, "delete-template-dialog");
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), op);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Object --------------------------------------------------------------------------------------- */

gboolean
vdi_template_tasks_is_busy (VdiTemplateTasks *self,
                            VdiTemplate      *template)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_TASKS (self), FALSE);

  return template != NULL && g_hash_table_contains (self->busy, template);
}

/* The owner goes away: running calls end as cancelled and no question is asked any more. */
void
vdi_template_tasks_cancel (VdiTemplateTasks *self)
{
  g_return_if_fail (VDI_IS_TEMPLATE_TASKS (self));

  g_clear_weak_pointer (&self->owner);
  g_cancellable_cancel (self->cancellable);
}

VdiTemplateTasks *
vdi_template_tasks_new (GtkWidget *owner)
{
  VdiTemplateTasks *self;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);

  self = g_object_new (VDI_TYPE_TEMPLATE_TASKS, NULL);
  g_set_weak_pointer (&self->owner, owner);
  return self;
}

static void
vdi_template_tasks_finalize (GObject *object)
{
  VdiTemplateTasks *self = (VdiTemplateTasks *)object;

  g_clear_weak_pointer (&self->owner);
  g_clear_weak_pointer (&self->last_toast);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->busy, g_hash_table_unref);

  G_OBJECT_CLASS (vdi_template_tasks_parent_class)->finalize (object);
}

static void
vdi_template_tasks_class_init (VdiTemplateTasksClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_template_tasks_finalize;

  signals[BUSY_CHANGED] =
    g_signal_new ("busy-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VDI_TYPE_TEMPLATE);
}

static void
vdi_template_tasks_init (VdiTemplateTasks *self)
{
  self->cancellable = g_cancellable_new ();
  self->busy = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}
