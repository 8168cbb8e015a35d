/* vdi-distributor-remove.c: removing a provider from a template.
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

#include "vdi-distributor-private.h"
#include "vdi-host-manager.h"

/* Removing a provider ----------------------------------------------------------------------- */

static void removed_copy_cb (Job        *job,
                             const char *result,
                             GError     *error);

static void
removed_outdated_cb (Job        *job,
                     const char *result,
                     GError     *error)
{
  if (!vm_is_gone (error))
    {
      job_fail (job, _("Removing the previous copy"), error);
      return;
    }

  vdi_target_set_outdated_vm_id (job->target, NULL);
  removed_copy_cb (job, NULL, NULL);
}

static void remove_hosts (Job *job);

static void
host_removed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_host_manager_finish (VDI_HOST_MANAGER (object), result, NULL, &error))
    {
      job_fail (job, _("Removing a host"), error);
      return;
    }
  remove_hosts (job);
}

/* The template's hosts on the provider go with it, one at a time, through the host manager as
 * when the admin deletes one: a running desktop is turned off first, and a host whose VM is
 * gone already is simply forgotten. Then the provider leaves the template. */
static void
remove_hosts (Job *job)
{
  g_autoptr(GError) remove_error = NULL;
  VdiTemplate *template = job->run->template;
  VdiProvider *provider = target_provider (job);
  GListModel *hosts = vdi_template_get_hosts (template);

  for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);
      g_autoptr(VdiHostManager) manager = NULL;

      if (vdi_host_get_provider (host) != provider)
        continue;
      manager = vdi_host_manager_new (job->run->self->farm, job->run->self->credentials);
      vdi_host_manager_set_export_root (manager, job->run->self->export_root);
      vdi_host_manager_delete_host_async (manager, template, host, job->cancellable,
                                          host_removed_cb, job);
      return;
    }

  if (!vdi_template_remove_target (template, provider, &remove_error))
    {
      job_fail (job, _("Removing the copy"), remove_error);
      return;
    }
  job_end (job, TRUE, FALSE);
}

static void
removed_copy_cb (Job        *job,
                 const char *result,
                 GError     *error)
{
  /* A copy already gone is what removal wants. */
  if (!vm_is_gone (error))
    {
      job_fail (job, _("Removing the copy"), error);
      return;
    }

  vdi_target_set_remote_vm_id (job->target, NULL);

  /* A copy from before the template last changed goes too. */
  if (vdi_target_get_outdated_vm_id (job->target) != NULL)
    {
      run_operation (job, job->destination, VDI_BACKEND_OP_DESTROY,
                     g_variant_new ("(s)", vdi_target_get_outdated_vm_id (job->target)),
                     removed_outdated_cb);
      return;
    }

  remove_hosts (job);
}

/* Removal looks for the copy where it may be: moved to the target, or still on the source
 * when a run stopped before moving it. A source that does not answer does not hold up removing
 * a copy from the target. */
void
remove_decide (Reconcile *reconcile)
{
  Job *job = reconcile->job;
  const char *copy = vdi_target_get_remote_vm_id (job->target);

  if (reconcile->on_target == NULL)
    {
      job_fail (job, _("Removing the copy"), reconcile->error);
      return;
    }

  /* A copy still planned (its run stopped before realizing it) is removed all the same. */
  if (copy != NULL && (holds_vm (reconcile->on_target, copy) ||
                       holds_vm (reconcile->planned_on_target, copy)))
    run_operation (job, job->destination, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", copy),
                   removed_copy_cb);
  else if (copy != NULL && (holds_vm (reconcile->on_source, copy) ||
                            holds_vm (reconcile->planned_on_source, copy)))
    run_operation (job, job->source, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", copy),
                   removed_copy_cb);
  else
    removed_copy_cb (job, NULL, NULL);
}
