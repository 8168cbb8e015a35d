/* vdi-distributor-steps.c: following provider jobs, and the steps of a copy.
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

/* Progress -------------------------------------------------------------------------------------- */

void
set_step (Job    *job,
          double  base,
          double  share)
{
  job->step_base = base;
  job->step_share = share;
  vdi_target_update_transfer (job->target, base, 0, 0, 0, -1);
}

static void
progress_cb (double   percent,
             guint64  bytes_done,
             guint64  bytes_total,
             gpointer user_data)
{
  Job *job = user_data;
  double overall = job->step_base + job->step_share * CLAMP (percent, 0, 100) / 100.0;
  double elapsed = (g_get_monotonic_time () - job->started_us) / (double)G_USEC_PER_SEC;
  gint64 left = -1;

  /* Time left from the pace so far; with no pace yet there is no honest estimate. */
  if (overall > 1 && overall < 100)
    left = (gint64)(elapsed * (100 - overall) / overall);
  vdi_target_update_transfer (job->target, overall, bytes_done, bytes_total,
                              bytes_total > 0 && elapsed > 0 ? bytes_done / elapsed : 0, left);
}

/* Following a job the provider runs --------------------------------------------------------- */

/* Whether a follow that ended with @error knows how the provider's job ended: it succeeded,
 * failed in the provider's words, or is gone. A cancelled follow, or one that lost the
 * provider (no answer, a refused password, an unreadable answer), leaves the job running
 * there: its handle stays, so that Retry follows it rather than starting the step again
 * beside it (an export nobody records, a copy of a VM already being moved). */
gboolean
job_outcome_known (const GError *error)
{
  return error == NULL ||
         g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT) ||
         g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
}

typedef struct
{
  Job        *job;
  VdiBackend *backend;
  JobDone     done;
} Pending;

static void
follow_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);
  Job *job = pending->job;

  /* A job that ended, either way, is no longer one to follow after a restart. */
  if (job_outcome_known (error))
    vdi_target_set_job (job->target, NULL);

  pending->done (job, made, error);
  g_object_unref (pending->backend);
  g_free (pending);
}

void
follow (Job           *job,
        VdiBackend    *backend,
        VdiBackendJob *handle,
        JobDone        done)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->job = job;
  pending->backend = g_object_ref (backend);
  pending->done = done;
  vdi_backend_follow_async (backend, handle, job->cleaning ? NULL : progress_cb, job,
                            job->cleaning ? NULL : job->cancellable, follow_cb, pending);
}

/* The job is the target's from now on: saved at once, so a run that dies while the provider
 * works follows it rather than starting the step again beside it. */
static void
record_job (const char *handle,
            gpointer    user_data)
{
  Job *job = user_data;

  vdi_target_set_job (job->target, handle);
  save_now (job->run->self);
}

static void
operation_ran_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;
  g_autofree char *made = vdi_provider_job_run_finish (VDI_BACKEND (object), result, &started,
                                                       &error);

  /* A job that ended, either way, is no longer one to follow after a restart. */
  if (started && job_outcome_known (error))
    vdi_target_set_job (pending->job->target, NULL);

  pending->done (pending->job, made, error);
  g_object_unref (pending->backend);
  g_free (pending);
}

/* Starts @operation on @backend, records its job and follows it to its end. */
void
run_operation (Job        *job,
               VdiBackend *backend,
               const char *operation,
               GVariant   *parameters,
               JobDone     done)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->job = job;
  pending->backend = g_object_ref (backend);
  pending->done = done;
  vdi_provider_job_run_async (backend, operation, parameters, record_job,
                              job->cleaning ? NULL : progress_cb, job,
                              job->cleaning ? NULL : job->cancellable, operation_ran_cb, pending);
}

/* The steps --------------------------------------------------------------------------------- */

/* A destroy that ended well, or found the VM already gone: either way it is not there. */
gboolean
vm_is_gone (GError *error)
{
  return error == NULL || g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
}

/* Where the export of this copy is, as recorded when it started. */
static char *
export_directory (Job *job)
{
  /* Farms from before the folder was recorded used one per template and target. */
  if (vdi_target_get_export_dir (job->target) == NULL)
    return g_strdup_printf ("%s\\%s\\%s", job->run->self->export_root,
                            vdi_template_get_id (job->run->template),
                            vdi_provider_get_id (target_provider (job)));
  return g_strdup (vdi_target_get_export_dir (job->target));
}

/* A new folder for each export: per template and target, so concurrent exports never meet, and
 * per attempt, because Hyper-V refuses to export into a folder that already holds an export. */
static void
new_export_directory (Job *job)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S%f");
  g_autofree char *directory = g_strdup_printf ("%s\\%s\\%s\\%sZ",
                                                job->run->self->export_root,
                                                vdi_template_get_id (job->run->template),
                                                vdi_provider_get_id (target_provider (job)),
                                                stamp);

  vdi_target_set_export_dir (job->target, directory);
}

static char *
definition_file (Job *job)
{
  g_autofree char *directory = export_directory (job);

  return vdi_hyperv_definition_file (directory,
                                     vdi_template_get_source_vm_name (job->run->template),
                                     exported_vm_id (job));
}

typedef struct
{
  Job    *job;
  GError *copy_error;
} CopyFailure;

static void
destination_probed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CopyFailure *failure = user_data;
  g_autoptr(GError) probe_error = NULL;
  g_autofree char *product = vdi_backend_probe_finish (VDI_BACKEND (object), result,
                                                       &probe_error);

  /* The copy failed because the target stopped answering: the target is Not available, with
   * the source host's words on why the copy broke off. */
  if (product == NULL &&
      (g_error_matches (probe_error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE) ||
       g_error_matches (probe_error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT)))
    failure->job->fail_unavailable = failure->job->destination_down = TRUE;

  job_fail (failure->job, _("Copy"), failure->copy_error);
  g_error_free (failure->copy_error);
  g_free (failure);
}

static void
migrate_done (Job        *job,
              const char *result,
              GError     *error)
{
  copy_slot_release (job);

  /* A copy the source host gave up on may have lost its target (DESIGN §2: a provider that
   * does not answer is Not available, not Needs update): ask the target before saying which. */
  if (error != NULL && !vdi_backend_error_is_cancelled (error) &&
      g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT))
    {
      CopyFailure *failure = g_new0 (CopyFailure, 1);

      failure->job = job;
      failure->copy_error = g_error_copy (error);
      vdi_backend_probe_async (job->destination, job->cancellable, destination_probed_cb,
                               failure);
      return;
    }

  if (error != NULL)
    {
      job_fail (job, _("Copy"), error);
      return;
    }

  vdi_target_set_step (job->target, VDI_TARGET_STEP_MIGRATED);
  job_succeed (job);
}

void
job_step_migrate (Job *job)
{
  Run *run = job->run;
  g_autofree char *destination = NULL;

  /* At most the template's concurrency of copies at once; the rest wait their turn. */
  if (!job->holds_copy)
    {
      /* With relay, one copy at a time leaves a holder: sharing its uplink would only delay
       * the first copy, and with it the holder that copy makes. */
      if (relay_wait_uplink (job))
        return;
      if (run->n_copying >= vdi_template_get_concurrency (run->template))
        {
          job->waiting_copy = TRUE;
          g_queue_push_tail (&run->waiting_copy, job);
          return;
        }
      run->n_copying++;
      job->holds_copy = TRUE;
      /* Its holder may prepare the next copy while this one moves. */
      relay_dispatch (run);
    }

  set_step (job, EXPORT_SHARE + IMPORT_SHARE, MIGRATE_SHARE);
  destination = vdi_hyperv_migration_destination (target_provider (job));
  run_operation (job, job->source, VDI_BACKEND_OP_MIGRATE,
                 g_variant_new ("(ss)", vdi_target_get_remote_vm_id (job->target), destination),
                 migrate_done);
}

static void
realize_done (Job        *job,
              const char *result,
              GError     *error)
{
  if (error != NULL)
    {
      job_fail (job, _("Import"), error);
      return;
    }

  if (result != NULL)
    vdi_target_set_remote_vm_id (job->target, result);
  vdi_target_set_step (job->target, VDI_TARGET_STEP_IMPORTED);
  job_step_migrate (job);
}

static void
import_done (Job        *job,
             const char *result,
             GError     *error)
{
  job->importing = FALSE;
  if (error != NULL)
    {
      job_fail (job, _("Import"), error);
      return;
    }

  /* The planned VM is the copy from now on: recorded before it is realized, so an interrupted
   * run finds it and removes it rather than leaving it behind. */
  vdi_target_set_remote_vm_id (job->target, result);
  save_now (job->run->self);
  run_operation (job, job->source, VDI_BACKEND_OP_REALIZE, g_variant_new ("(s)", result),
                 realize_done);
}

void
job_step_import (Job *job)
{
  g_autofree char *file = definition_file (job);

  set_step (job, EXPORT_SHARE, IMPORT_SHARE);
  job->importing = TRUE;
  run_operation (job, job->source, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", file, TRUE),
                 import_done);
}

static void
export_done (Job        *job,
             const char *result,
             GError     *error)
{
  export_slot_release (job);

  if (error != NULL)
    {
      job_fail (job, _("Export"), error);
      return;
    }

  vdi_target_set_step (job->target, VDI_TARGET_STEP_EXPORTED);
  job_step_import (job);
}

void
job_step_export (Job *job)
{
  ExportSlot *slot;
  g_autofree char *directory = NULL;

  /* With relay, the copy waits for a holder to come from. */
  if (relay_wants_holder (job))
    {
      relay_enqueue (job);
      return;
    }

  if (!job->holds_export)
    {
      slot = g_hash_table_lookup (job->run->self->export_slots, source_provider (job));
      if (slot == NULL)
        {
          slot = g_new0 (ExportSlot, 1);
          g_queue_init (&slot->waiting);
          g_hash_table_insert (job->run->self->export_slots,
                               g_object_ref (source_provider (job)), slot);
        }
      if (slot->busy)
        {
          g_queue_push_tail (&slot->waiting, job);
          return;
        }
      slot->busy = TRUE;
      job->holds_export = TRUE;
    }

  set_step (job, 0, EXPORT_SHARE);
  vdi_target_set_fed_from (job->target, vdi_provider_get_id (source_provider (job)));
  new_export_directory (job);
  directory = export_directory (job);
  run_operation (job, job->source, VDI_BACKEND_OP_EXPORT,
                 g_variant_new ("(ss)", exported_vm_id (job), directory),
                 export_done);
}

/* Ends -------------------------------------------------------------------------------------- */

static void
outdated_removed (Job        *job,
                  const char *result,
                  GError     *error)
{
  job->cleaning = FALSE;
  if (!vm_is_gone (error))
    {
      job_fail (job, _("Removing the previous copy"), error);
      return;
    }

  vdi_target_set_outdated_vm_id (job->target, NULL);
  job_succeed (job);
}

void
job_succeed (Job *job)
{
  const char *outdated = vdi_target_get_outdated_vm_id (job->target);

  /* A holder that went silent during this copy may have moved its own meanwhile: looked for
   * once the copy is in place, so the target ends with one. */
  if (!job->swept && job->kind != JOB_REMOVE && vdi_target_get_n_strays (job->target) > 0)
    {
      job->swept = TRUE;
      strays_sweep (job, TRUE, job->cancellable, job_succeed);
      return;
    }

  /* The copy made before the template last changed served until now; the new one replaces it.
   * Removing it is cleanup: no progress of its own, and not stopped by a cancel. */
  if (outdated != NULL)
    {
      vdi_target_set_step (job->target, VDI_TARGET_STEP_REGISTERED);
      job->cleaning = TRUE;
      run_operation (job, job->destination, VDI_BACKEND_OP_DESTROY,
                     g_variant_new ("(s)", outdated), outdated_removed);
      return;
    }

  vdi_target_set_step (job->target, VDI_TARGET_STEP_REGISTERED);
  vdi_target_update_transfer (job->target, 100, 0, 0, 0, 0);
  vdi_target_set_last_error (job->target, NULL);
  vdi_target_set_state (job->target, VDI_TARGET_STATE_READY);
  vdi_target_set_progress (job->target, VDI_DISTRIBUTION_OK);
  job_end (job, TRUE, FALSE);
}

void
job_fail_end (Job *job)
{
  vdi_target_set_last_error (job->target, job->fail_message);
  vdi_target_set_state (job->target, job->fail_unavailable ? VDI_TARGET_STATE_NOT_AVAILABLE
                                                           : VDI_TARGET_STATE_NEEDS_UPDATE);
  vdi_target_set_progress (job->target, VDI_DISTRIBUTION_FAILED);
  vdi_target_update_transfer (job->target, vdi_target_get_percent (job->target), 0, 0, 0, -1);
  save_now (job->run->self);
  job_end (job, FALSE, job->fail_unavailable);
}

static void
discarded_cb (Job        *job,
              const char *result,
              GError     *error)
{
  job->cleaning = FALSE;

  /* Gone (or already gone): the next run imports again from the export. Otherwise its id
   * stays recorded, and the next run finds the copy and removes it. */
  if (vm_is_gone (error))
    {
      vdi_target_set_remote_vm_id (job->target, NULL);
      vdi_target_set_step (job->target, VDI_TARGET_STEP_EXPORTED);
    }
  else
    g_warning ("The copy %s on %s could not be removed: %s",
               vdi_target_get_remote_vm_id (job->target),
               vdi_provider_get_name (source_provider (job)), error->message);

  job_fail_end (job);
}

void
job_fail (Job        *job,
          const char *step,
          GError     *error)
{
  gboolean cancelled = vdi_backend_error_is_cancelled (error);
  gboolean fed_by_target;

  /* With relay, a copy its holder failed is fed once more from another holder. */
  if (relay_refeed (job, error))
    return;

  /* Set already when a step found out another way that its provider does not answer. A
   * holder that does not answer (relay) leaves its target Needs update, naming the holder. */
  fed_by_target = relay_fed_by_target (job);
  job->fail_unavailable = job->fail_unavailable ||
                          (!fed_by_target &&
                           (g_error_matches (error, VDI_BACKEND_ERROR,
                                             VDI_BACKEND_ERROR_UNREACHABLE) ||
                            g_error_matches (error, VDI_BACKEND_ERROR,
                                             VDI_BACKEND_ERROR_TIMED_OUT)));
  g_free (job->fail_message);
  if (cancelled)
    job->fail_message = g_strdup (_("Cancelled"));
  else if (fed_by_target)
    /* Translators: a step (Export, Import, Copy), the provider the copy comes from, the one it
     * goes to, and the provider's words. */
    job->fail_message = g_strdup_printf (_("%s from %s to %s failed: %s"), step,
                                         vdi_provider_get_name (job->feeder),
                                         vdi_provider_get_name (target_provider (job)),
                                         error->message);
  else
    /* Translators: a step (Export, Import, Copy), a provider, and the provider's words. */
    job->fail_message = g_strdup_printf (_("%s to %s failed: %s"), step,
                                         vdi_provider_get_name (target_provider (job)),
                                         error->message);

  /* Cancelled between the import and the copy: the copy on the source host goes, unless a
   * provider job still runs on it (its handle is kept, and the next run follows it). The job
   * ends only once the copy is gone, so a process that quits right after leaves nothing
   * behind that the farm file does not name. */
  if (cancelled && !job->cleaning && vdi_target_get_job (job->target) == NULL &&
      vdi_target_get_step (job->target) == VDI_TARGET_STEP_IMPORTED &&
      vdi_target_get_remote_vm_id (job->target) != NULL && job->source != NULL)
    {
      job->cleaning = TRUE;
      run_operation (job, job->source, VDI_BACKEND_OP_DESTROY,
                     g_variant_new ("(s)", vdi_target_get_remote_vm_id (job->target)),
                     discarded_cb);
      return;
    }

  job_fail_end (job);
}
