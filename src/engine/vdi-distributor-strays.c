/* vdi-distributor-strays.c: what a silent holder left of a copy it was feeding (relay).
 *
 * A holder that stops answering while it feeds a target may still finish what it was doing: its
 * export, its import, or its move of a copy to the target. The target does not wait for it: it
 * records what the holder had under way as a stray (vdi-target.h) and is fed from another
 * holder. A stray is looked for at the end of that copy and at the start of every later run on
 * the target: a copy the holder moved after all is found on the target and removed there; one
 * still on the holder is removed there once its job has ended. A holder still silent keeps its
 * stray for the next run; nothing of it holds up the target's own copy.
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

#include "vdi-distributor-private.h"

typedef struct
{
  Job          *job;
  StraysDone    done;
  GCancellable *cancellable;
  guint         index;        /* the stray being looked at */
  VdiBackend   *holder;       /* its holder's backend, once open */
  guint         target_only : 1; /* the holder is not asked */
  guint         followed : 1; /* a job on it was followed to its end, this time round */
} Sweep;

static void sweep_next (Sweep *sweep);

static const VdiTargetStray *
current (Sweep *sweep)
{
  return vdi_target_get_stray (sweep->job->target, sweep->index);
}

static void
sweep_finish (Sweep *sweep)
{
  Job *job = sweep->job;
  StraysDone done = sweep->done;

  g_clear_object (&sweep->holder);
  g_clear_object (&sweep->cancellable);
  g_free (sweep);
  done (job);
}

/* The stray is gone from both hosts: forgotten, and saved so. */
static void
resolved (Sweep *sweep)
{
  g_debug ("%s: the copy %s abandoned on %s is gone",
           vdi_provider_get_name (target_provider (sweep->job)),
           current (sweep)->vm_id != NULL ? current (sweep)->vm_id : "(none)",
           current (sweep)->provider_id);
  vdi_target_remove_stray (sweep->job->target, sweep->index);
  save_now (sweep->job->run->self);
  g_clear_object (&sweep->holder);
  sweep->followed = FALSE;
  sweep_next (sweep);
}

/* The stray stays for a later run: its holder does not answer, or refuses. */
static void
kept (Sweep        *sweep,
      const GError *error)
{
  g_debug ("%s: the copy abandoned on %s stays recorded%s%s",
           vdi_provider_get_name (target_provider (sweep->job)), current (sweep)->provider_id,
           error != NULL ? ": " : "", error != NULL ? error->message : "");
  g_clear_object (&sweep->holder);
  sweep->followed = FALSE;
  sweep->index++;
  sweep_next (sweep);
}

static void
destroyed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Sweep *sweep = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_provider_job_run_finish (VDI_BACKEND (object), result, NULL,
                                                       &error);

  if (vm_is_gone (error))
    resolved (sweep);
  else
    kept (sweep, error);
}

/* Its removal is not recorded in the target: a run that dies meanwhile finds the stray again.
 * A VM the farm names as its own is never one (ids are new with each import): it stays. */
static void
destroy_on (Sweep      *sweep,
            VdiBackend *backend)
{
  if (farm_records_vm (sweep->job->run->self, current (sweep)->vm_id))
    {
      resolved (sweep);
      return;
    }
  vdi_provider_job_run_async (backend, VDI_BACKEND_OP_DESTROY,
                              g_variant_new ("(s)", current (sweep)->vm_id), NULL, NULL, NULL,
                              sweep->cancellable, destroyed_cb, sweep);
}

static void look_on_target (Sweep *sweep);

static void
job_followed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Sweep *sweep = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);
  const VdiTargetStray *stray = current (sweep);

  if (!job_outcome_known (error))
    {
      kept (sweep, error);
      return;
    }

  /* It ended, either way. An import names the planned VM it made: that is what to remove. */
  vdi_target_update_stray (sweep->job->target, sweep->index,
                           stray->vm_id != NULL ? stray->vm_id : made, NULL);
  save_now (sweep->job->run->self);
  sweep->followed = TRUE;
  /* A move that just ended put the copy on the target. */
  look_on_target (sweep);
}

static void
follow_on_holder (Sweep         *sweep,
                  VdiBackendJob *handle)
{
  vdi_backend_follow_async (sweep->holder, handle, NULL, NULL, sweep->cancellable,
                            job_followed_cb, sweep);
}

static void
running_found_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Sweep *sweep = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = vdi_backend_find_running_jobs_finish (VDI_BACKEND (object),
                                                                       result, &error);

  if (running == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      kept (sweep, error);
      return;
    }

  /* A job still at work on the copy (its move, most likely) is followed to its end first:
   * removing the copy beside it would fail, or cut a move that is about to land. */
  if (running != NULL && running->len > 0 && !sweep->followed)
    {
      follow_on_holder (sweep, g_ptr_array_index (running, 0));
      return;
    }

  destroy_on (sweep, sweep->holder);
}

/* The holder answers for the stray: its recorded job first, then what runs on the copy, then
 * the copy itself. */
static void
ask_holder (Sweep *sweep)
{
  const VdiTargetStray *stray = current (sweep);
  g_autoptr(VdiBackendJob) handle = NULL;

  if (stray->job != NULL && (handle = vdi_backend_job_new_from_string (stray->job)) != NULL)
    {
      follow_on_holder (sweep, handle);
      return;
    }

  /* An export leaves no VM: once its job has ended there is nothing to remove. */
  if (stray->vm_id == NULL)
    {
      resolved (sweep);
      return;
    }

  vdi_backend_find_running_jobs_async (sweep->holder, stray->vm_id, sweep->cancellable,
                                       running_found_cb, sweep);
}

static void
holder_password_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Sweep *sweep = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result,
                                                             &error);
  VdiProvider *provider;

  provider = vdi_farm_find_provider_by_id (sweep->job->run->self->farm,
                                           current (sweep)->provider_id);
  if (provider == NULL)
    {
      resolved (sweep);
      return;
    }
  g_clear_error (&error);
  sweep->holder = run_backend_for (sweep->job->run, provider, password, &error);
  if (sweep->holder == NULL)
    {
      kept (sweep, error);
      return;
    }
  ask_holder (sweep);
}

static void
open_holder (Sweep *sweep)
{
  const VdiTargetStray *stray = current (sweep);
  VdiProvider *provider = vdi_farm_find_provider_by_id (sweep->job->run->self->farm,
                                                        stray->provider_id);
  SharedBackend *shared;

  /* The holder has left the farm: nobody can ask it any more, and the copy is not on the
   * target. */
  if (provider == NULL)
    {
      resolved (sweep);
      return;
    }

  /* Known not to answer (the console watches every provider): asking would only wait. */
  if (vdi_provider_get_status (provider) == VDI_PROVIDER_STATUS_NOT_AVAILABLE)
    {
      kept (sweep, NULL);
      return;
    }

  /* The run talks to it already (the source always). */
  if ((shared = g_hash_table_lookup (sweep->job->run->backends, provider)) != NULL)
    {
      sweep->holder = g_object_ref (shared->backend);
      ask_holder (sweep);
      return;
    }

  vdi_credentials_lookup_async (sweep->job->run->self->credentials, stray->provider_id,
                                sweep->cancellable, holder_password_cb, sweep);
}

static void
target_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Sweep *sweep = user_data;
  VdiTarget *target = sweep->job->target;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  const char *vm_id = current (sweep)->vm_id;

  /* The target does not answer: no stray can be told apart now. */
  if (vms == NULL)
    {
      g_debug ("%s: looking for abandoned copies failed: %s",
               vdi_provider_get_name (target_provider (sweep->job)), error->message);
      sweep_finish (sweep);
      return;
    }

  /* The holder moved it after all: the move ended (a move still under way shows as a planned
   * VM, not in this listing), so it goes from the target, whatever the holder says. The
   * target's own copies are never strays. */
  if (vm_id != NULL && holds_vm (vms, vm_id) &&
      g_strcmp0 (vm_id, vdi_target_get_remote_vm_id (target)) != 0 &&
      g_strcmp0 (vm_id, vdi_target_get_outdated_vm_id (target)) != 0)
    {
      destroy_on (sweep, sweep->job->destination);
      return;
    }

  if (sweep->target_only)
    {
      kept (sweep, NULL);
      return;
    }

  if (sweep->holder != NULL)
    {
      if (sweep->followed && vm_id == NULL)
        resolved (sweep);
      else if (sweep->followed)
        vdi_backend_find_running_jobs_async (sweep->holder, vm_id, sweep->cancellable,
                                             running_found_cb, sweep);
      else
        ask_holder (sweep);
      return;
    }
  open_holder (sweep);
}

static void
look_on_target (Sweep *sweep)
{
  vdi_backend_list_vms_async (sweep->job->destination, sweep->cancellable, target_listed_cb,
                              sweep);
}

static void
sweep_next (Sweep *sweep)
{
  if (sweep->index >= vdi_target_get_n_strays (sweep->job->target) ||
      g_cancellable_is_cancelled (sweep->cancellable))
    {
      sweep_finish (sweep);
      return;
    }
  look_on_target (sweep);
}

/* Looks for every stray of @job's target, removes those it finds, and then calls @done, however
 * that went: a stray whose holder still does not answer stays recorded. With @target_only,
 * only on the target (the holder went silent moments ago: a run's end does not wait on it).
 * @cancellable stops the looking (what was not found stays recorded). */
void
strays_sweep (Job          *job,
              gboolean      target_only,
              GCancellable *cancellable,
              StraysDone    done)
{
  Sweep *sweep;

  g_assert (job != NULL);
  g_assert (done != NULL);

  if (vdi_target_get_n_strays (job->target) == 0 || job->destination == NULL)
    {
      done (job);
      return;
    }

  sweep = g_new0 (Sweep, 1);
  sweep->job = job;
  sweep->done = done;
  sweep->target_only = target_only;
  sweep->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  sweep_next (sweep);
}

/* Records what the silent holder of @job had under way as a stray of its target, and clears
 * it from the target, which is fed once more from another holder. */
void
strays_record (Job *job)
{
  VdiTarget *target = job->target;

  g_assert (job != NULL && job->feeder != NULL);

  vdi_target_add_stray (target, vdi_provider_get_id (job->feeder),
                        vdi_target_get_remote_vm_id (target), vdi_target_get_job (target));
  vdi_target_set_job (target, NULL);
  vdi_target_set_remote_vm_id (target, NULL);
}
