/* vdi-maintenance.c
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

#include <glib/gi18n-lib.h>

#include "vdi-backend-factory.h"
#include "vdi-maintenance.h"

typedef struct
{
  VdiFarm           *farm;
  VdiTemplate       *template;
  VdiBackend        *backend;
  gboolean           entering;
  VdiTemplateStatus  previous;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->farm);
  g_clear_object (&change->template);
  g_clear_object (&change->backend);
  g_free (change);
}

static gboolean
is_vcenter (Change *change)
{
  VdiProvider *source = vdi_template_get_source_provider (change->template);

  return vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_VCENTER;
}

/* Ends @task (which it takes) with @error, the template back in the status it had. */
static void
fail (GTask  *task,
      GError *error)
{
  Change *change = g_task_get_task_data (task);

  vdi_template_set_status (change->template, change->previous);
  vdi_farm_save_soon (change->farm);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
succeed (GTask *task)
{
  Change *change = g_task_get_task_data (task);
  GListModel *targets = vdi_template_get_targets (change->template);

  if (change->entering)
    vdi_template_set_status (change->template, VDI_TEMPLATE_STATUS_MAINTENANCE);
  else
    {
      /* The template changed: every copy elsewhere is out of date. It keeps serving, recorded
       * as outdated, until the next distribution has put a new copy in its place. */
      for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
          const char *copy = vdi_target_get_remote_vm_id (target);

          if (vdi_target_get_is_source (target))
            continue;
          if (copy != NULL && vdi_target_get_outdated_vm_id (target) == NULL &&
              vdi_target_get_step (target) == VDI_TARGET_STEP_REGISTERED)
            vdi_target_set_outdated_vm_id (target, copy);
          else if (copy != NULL)
            g_warning ("The copy %s of %s on %s is left over from an earlier change",
                       copy, vdi_template_get_name (change->template),
                       vdi_provider_get_name (vdi_target_get_provider (target)));
          vdi_target_set_remote_vm_id (target, NULL);
          vdi_target_set_step (target, VDI_TARGET_STEP_NONE);
          vdi_target_set_last_error (target, NULL);
          vdi_target_set_state (target, VDI_TARGET_STATE_NEEDS_UPDATE);
          vdi_target_set_progress (target, VDI_DISTRIBUTION_NONE);
          vdi_target_update_transfer (target, 0, 0, 0, 0, -1);
        }
      vdi_template_set_status (change->template, VDI_TEMPLATE_STATUS_OK);
    }

  vdi_farm_save_soon (change->farm);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
marked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!vdi_backend_call_finish (VDI_BACKEND (object), result, &error))
    fail (task, error);
  else
    succeed (task);
}

static void
vms_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  const char *id = vdi_template_get_source_vm_id (change->template);
  VdiVmInfo *source = NULL;

  if (vms == NULL)
    {
      fail (task, error);
      return;
    }

  for (guint i = 0; i < vms->len && source == NULL; i++)
    if (g_strcmp0 (vdi_vm_info_get_id (g_ptr_array_index (vms, i)), id) == 0)
      source = g_ptr_array_index (vms, i);

  if (source == NULL)
    {
      fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                               _("The VM of “%s” (%s) is no longer on %s"),
                               vdi_template_get_name (change->template),
                               vdi_template_get_source_vm_name (change->template),
                               vdi_provider_get_name (vdi_template_get_source_provider (
                                 change->template))));
      return;
    }

  /* Sealing a running VM would seal whatever state it is in; the admin shuts it down. */
  if (!change->entering && vdi_vm_info_get_powered_on (source))
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("Shut down “%s” on %s before leaving maintenance"),
                               vdi_vm_info_get_name (source),
                               vdi_provider_get_name (vdi_template_get_source_provider (
                                 change->template))));
      return;
    }

  if (!is_vcenter (change))
    {
      succeed (task);
      return;
    }

  vdi_backend_call_async (change->backend,
                          change->entering ? VDI_BACKEND_OP_MARK_VM : VDI_BACKEND_OP_MARK_TEMPLATE,
                          g_variant_new ("(s)", id), g_task_get_cancellable (task), marked_cb,
                          task);
}

static void
backend_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;

  change->backend = vdi_backend_open_finish (result, &error);
  if (change->backend == NULL)
    {
      fail (task, error);
      return;
    }
  vdi_backend_list_vms_async (change->backend, g_task_get_cancellable (task), vms_cb, task);
}

static void
start (VdiFarm             *farm,
       VdiCredentials      *credentials,
       VdiTemplate         *template,
       gboolean             entering,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Change *change = g_new0 (Change, 1);
  VdiTemplateStatus status = vdi_template_get_status (template);

  g_task_set_source_tag (task, start);
  change->farm = g_object_ref (farm);
  change->template = g_object_ref (template);
  change->entering = entering;
  change->previous = status;
  g_task_set_task_data (task, change, (GDestroyNotify)change_free);

  if (entering && status != VDI_TEMPLATE_STATUS_OK && status != VDI_TEMPLATE_STATUS_FAILED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("“%s” is already in maintenance"),
                               vdi_template_get_name (template));
      g_object_unref (task);
      return;
    }
  if (!entering && status != VDI_TEMPLATE_STATUS_MAINTENANCE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("“%s” is not in maintenance"), vdi_template_get_name (template));
      g_object_unref (task);
      return;
    }

  vdi_template_set_status (template, entering ? VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE
                                              : VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE);
  vdi_farm_save_soon (farm);
  vdi_backend_open_async (vdi_template_get_source_provider (template), credentials, cancellable,
                          backend_opened_cb, task);
}

void
vdi_maintenance_enter_async (VdiFarm             *farm,
                             VdiCredentials      *credentials,
                             VdiTemplate         *template,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (VDI_IS_FARM (farm));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  start (farm, credentials, template, TRUE, cancellable, callback, user_data);
}

void
vdi_maintenance_leave_async (VdiFarm             *farm,
                             VdiCredentials      *credentials,
                             VdiTemplate         *template,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (VDI_IS_FARM (farm));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  start (farm, credentials, template, FALSE, cancellable, callback, user_data);
}

gboolean
vdi_maintenance_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
