/* vdi-distributor.c
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

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vdi-backend-factory.h"
#include "vdi-distributor.h"
#include "vdi-host-manager.h"
#include "vdi-migration-check.h"

#define DEFAULT_EXPORT_ROOT "C:\\VDI\\Exports"

/* How a target's percent splits over its steps: the export and the copy move the bytes. */
#define EXPORT_SHARE  40.0
#define IMPORT_SHARE  10.0
#define MIGRATE_SHARE 50.0

typedef struct _Run Run;
typedef struct _Job Job;

/* One export at a time per source host, whatever the template. */
typedef struct
{
  gboolean busy;
  GQueue   waiting;   /* Job */
} ExportSlot;

/* One public call: finishes when all its jobs have. */
typedef struct
{
  GTask       *task;
  VdiTemplate *template;
  guint        n_pending;
  guint        n_failed;
  guint        n_unavailable;
} Operation;

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  JOB_DISTRIBUTE,
  JOB_ADD,
  JOB_REMOVE,
} JobKind;

struct _Job
{
  Run          *run;
  Operation    *operation;
  VdiTarget    *target;
  VdiBackend   *source;
  VdiBackend   *destination;
  GCancellable *cancellable;
  JobKind       kind;
  double        step_base;
  double        step_share;
  gint64        started_us;
  char         *fail_message;
  guint         holds_export : 1;
  guint         holds_copy : 1;
  guint         waiting_copy : 1;
  guint         cleaning : 1;       /* removing what a failed step left: not cancellable */
  guint         importing : 1;      /* from asking for an import until its VM is recorded */
  guint         fail_unavailable : 1;
};

/* The distribution work of one template: its jobs share the template's copy slots. */
struct _Run
{
  VdiDistributor *self;
  VdiTemplate    *template;
  GPtrArray      *jobs;
  GQueue          waiting_copy;  /* Job */
  guint           n_copying;
  GHashTable     *backends;      /* VdiProvider → SharedBackend */
};

/* The jobs of a run share one backend (one HTTP session, few connections) per provider:
 * 64 targets must not mean 64 connections to the source host at once. */
typedef struct
{
  VdiBackend *backend;
  char       *password;
} SharedBackend;

static void
shared_backend_free (SharedBackend *shared)
{
  g_clear_object (&shared->backend);
  if (shared->password != NULL)
    memset (shared->password, 0, strlen (shared->password));
  g_free (shared->password);
  g_free (shared);
}

struct _VdiDistributor
{
  GObject         parent_instance;

  VdiFarm        *farm;
  VdiCredentials *credentials;
  char           *export_root;
  GHashTable     *export_slots;  /* VdiProvider → ExportSlot */
  GHashTable     *runs;          /* VdiTemplate → Run */
  GHashTable     *orphans;       /* ids of planned VMs being removed, in lower case */
};

G_DEFINE_FINAL_TYPE (VdiDistributor, vdi_distributor, G_TYPE_OBJECT)

G_DEFINE_QUARK (vdi-distributor-error-quark, vdi_distributor_error)

static void job_step_reconcile (Job *job);
static void job_step_export (Job *job);
static void job_step_import (Job *job);
static void job_step_migrate (Job *job);
static void job_succeed (Job *job);
static void job_fail (Job        *job,
                      const char *step,
                      GError     *error);

static void
export_slot_free (ExportSlot *slot)
{
  g_queue_clear (&slot->waiting);
  g_free (slot);
}

static void
vdi_distributor_finalize (GObject *object)
{
  VdiDistributor *self = (VdiDistributor *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->export_root, g_free);
  g_clear_pointer (&self->export_slots, g_hash_table_unref);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_pointer (&self->orphans, g_hash_table_unref);

  G_OBJECT_CLASS (vdi_distributor_parent_class)->finalize (object);
}

static void
vdi_distributor_class_init (VdiDistributorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vdi_distributor_finalize;

  /**
   * VdiDistributor::finished:
   * @template: the template the work was for
   * @n_failed: how many of its providers were not brought up to date
   *
   * Work that ran on providers has ended (whoever started it), so the console can say so.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, VDI_TYPE_TEMPLATE,
                                    G_TYPE_UINT);
}

static void
vdi_distributor_init (VdiDistributor *self)
{
  self->export_root = g_strdup (DEFAULT_EXPORT_ROOT);
  self->export_slots = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                              (GDestroyNotify)export_slot_free);
  self->runs = g_hash_table_new (NULL, NULL);
  self->orphans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * vdi_distributor_new:
 * @credentials: where the providers' passwords are
 */
VdiDistributor *
vdi_distributor_new (VdiFarm        *farm,
                     VdiCredentials *credentials)
{
  VdiDistributor *self;

  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (VDI_TYPE_DISTRIBUTOR, NULL);
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);
  return self;
}

/**
 * vdi_distributor_set_export_root:
 * @directory: a folder on the source hosts for the exports, e.g. "D:\VDI\Exports"
 */
void
vdi_distributor_set_export_root (VdiDistributor *self,
                                 const char     *directory)
{
  g_return_if_fail (VDI_IS_DISTRIBUTOR (self));
  g_return_if_fail (directory != NULL && *directory != '\0');

  g_free (self->export_root);
  self->export_root = g_strdup (directory);
}

const char *
vdi_distributor_get_export_root (VdiDistributor *self)
{
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (self), NULL);

  return self->export_root;
}

gboolean
vdi_distributor_is_busy (VdiDistributor *self,
                         VdiTemplate    *template)
{
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (self), FALSE);

  return g_hash_table_contains (self->runs, template);
}

/* Saving ------------------------------------------------------------------------------------ */

/* A job handle goes to disk at once, not with the coalesced autosave: if the console dies while
 * the provider works, the next run must know which job to follow. */
static void
save_now (VdiDistributor *self)
{
  vdi_farm_save_soon (self->farm);
}

/* Runs and jobs --------------------------------------------------------------------------------- */

static Run *
run_for (VdiDistributor *self,
         VdiTemplate    *template)
{
  Run *run = g_hash_table_lookup (self->runs, template);

  if (run == NULL)
    {
      run = g_new0 (Run, 1);
      run->self = self;
      run->template = g_object_ref (template);
      run->jobs = g_ptr_array_new ();
      run->backends = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                             (GDestroyNotify)shared_backend_free);
      g_queue_init (&run->waiting_copy);
      g_hash_table_insert (self->runs, template, run);
    }
  return run;
}

static void
run_free (Run *run)
{
  g_hash_table_remove (run->self->runs, run->template);
  g_object_unref (run->template);
  g_ptr_array_unref (run->jobs);
  g_hash_table_unref (run->backends);
  g_queue_clear (&run->waiting_copy);
  g_free (run);
}

static Job *
find_job (Run       *run,
          VdiTarget *target)
{
  for (guint i = 0; run != NULL && i < run->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (run->jobs, i);

      if (job->target == target)
        return job;
    }
  return NULL;
}

static VdiProvider *
source_provider (Job *job)
{
  return vdi_template_get_source_provider (job->run->template);
}

static VdiProvider *
target_provider (Job *job)
{
  return vdi_target_get_provider (job->target);
}

static void
operation_free (Operation *operation)
{
  g_object_unref (operation->task);
  g_object_unref (operation->template);
  g_free (operation);
}

static void
operation_job_done (Operation *operation,
                    gboolean   ok,
                    gboolean   unavailable)
{
  if (!ok)
    operation->n_failed++;
  if (unavailable)
    operation->n_unavailable++;

  if (--operation->n_pending > 0)
    return;

  g_signal_emit (g_task_get_source_object (operation->task), signals[FINISHED], 0,
                 operation->template, operation->n_failed);

  if (operation->n_failed == 0)
    g_task_return_boolean (operation->task, TRUE);
  else
    g_task_return_new_error (operation->task, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED,
                             ngettext ("%u provider was not brought up to date",
                                       "%u providers were not brought up to date",
                                       operation->n_failed),
                             operation->n_failed);
  operation_free (operation);
}

static void copy_slot_release (Job *job);

static void
export_slot_release (Job *job)
{
  ExportSlot *slot;
  Job *next;

  if (!job->holds_export)
    return;

  job->holds_export = FALSE;
  slot = g_hash_table_lookup (job->run->self->export_slots, source_provider (job));
  slot->busy = FALSE;

  /* The next export on this host starts now, whichever template it is for. */
  if ((next = g_queue_pop_head (&slot->waiting)) != NULL)
    {
      slot->busy = TRUE;
      next->holds_export = TRUE;
      job_step_export (next);
    }
}

static void
job_free (Job *job)
{
  g_clear_object (&job->target);
  g_clear_object (&job->source);
  g_clear_object (&job->destination);
  g_clear_object (&job->cancellable);
  g_free (job->fail_message);
  g_free (job);
}

/* Ends a job; its slots go to whoever waits for them. */
static void
job_end (Job      *job,
         gboolean  ok,
         gboolean  unavailable)
{
  Run *run = job->run;
  Operation *operation = job->operation;

  export_slot_release (job);
  copy_slot_release (job);
  if (job->waiting_copy)
    g_queue_remove (&run->waiting_copy, job);
  g_ptr_array_remove (run->jobs, job);

  job_free (job);
  if (run->jobs->len == 0)
    run_free (run);

  operation_job_done (operation, ok, unavailable);
}

/* Progress -------------------------------------------------------------------------------------- */

static void
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

typedef void (*JobDone) (Job        *job,
                         const char *result,
                         GError     *error);

/* Whether a follow that ended with @error knows how the provider's job ended: it succeeded,
 * failed in the provider's words, or is gone. A cancelled follow, or one that lost the
 * provider (no answer, a refused password, an unreadable answer), leaves the job running
 * there: its handle stays, so that Retry follows it rather than starting the step again
 * beside it (an export nobody records, a copy of a VM already being moved). */
static gboolean
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

static void
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

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) handle = vdi_backend_start_finish (VDI_BACKEND (object), result,
                                                              &error);
  g_autofree char *text = NULL;

  if (handle == NULL)
    {
      pending->done (pending->job, NULL, error);
      g_object_unref (pending->backend);
      g_free (pending);
      return;
    }

  text = vdi_backend_job_to_string (handle);
  vdi_target_set_job (pending->job->target, text);
  save_now (pending->job->run->self);

  follow (pending->job, pending->backend, handle, pending->done);
  g_object_unref (pending->backend);
  g_free (pending);
}

/* Starts @operation on @backend and follows the provider's job to its end. */
static void
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
  vdi_backend_start_async (backend, operation, parameters,
                           job->cleaning ? NULL : job->cancellable, start_cb, pending);
}

/* The steps --------------------------------------------------------------------------------- */

/* A destroy that ended well, or found the VM already gone: either way it is not there. */
static gboolean
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

  /* What Hyper-V writes with CreateVmExportSubdirectory. */
  return g_strdup_printf ("%s\\%s\\Virtual Machines\\%s.vmcx", directory,
                          vdi_template_get_source_vm_name (job->run->template),
                          vdi_template_get_source_vm_id (job->run->template));
}

/* Where MigrateVirtualSystemToHost sends a VM: the target host's name; on loopback, where every
 * simulated host shares an address, its address and port. */
static char *
destination_host (VdiProvider *provider)
{
  const char *host = vdi_provider_get_host (provider);

  if (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
      g_str_equal (host, "localhost"))
    return vdi_provider_dup_address (provider);
  return g_strdup (host);
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
    failure->job->fail_unavailable = TRUE;

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

static void
copy_slot_release (Job *job)
{
  Run *run = job->run;
  Job *next;

  if (!job->holds_copy)
    return;

  job->holds_copy = FALSE;
  run->n_copying--;
  if ((next = g_queue_pop_head (&run->waiting_copy)) != NULL)
    {
      next->waiting_copy = FALSE;
      job_step_migrate (next);
    }
}

static void
job_step_migrate (Job *job)
{
  Run *run = job->run;
  g_autofree char *destination = NULL;

  /* At most the template's concurrency of copies at once; the rest wait their turn. */
  if (!job->holds_copy)
    {
      if (run->n_copying >= vdi_template_get_concurrency (run->template))
        {
          job->waiting_copy = TRUE;
          g_queue_push_tail (&run->waiting_copy, job);
          return;
        }
      run->n_copying++;
      job->holds_copy = TRUE;
    }

  set_step (job, EXPORT_SHARE + IMPORT_SHARE, MIGRATE_SHARE);
  destination = destination_host (target_provider (job));
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

static void
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

static void
job_step_export (Job *job)
{
  ExportSlot *slot;
  g_autofree char *directory = NULL;

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
  new_export_directory (job);
  directory = export_directory (job);
  run_operation (job, job->source, VDI_BACKEND_OP_EXPORT,
                 g_variant_new ("(ss)", vdi_template_get_source_vm_id (job->run->template),
                                directory),
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

static void
job_succeed (Job *job)
{
  const char *outdated = vdi_target_get_outdated_vm_id (job->target);

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

static void
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

static void
job_fail (Job        *job,
          const char *step,
          GError     *error)
{
  gboolean cancelled = vdi_backend_error_is_cancelled (error);

  /* Set already when a step found out another way that its provider does not answer. */
  job->fail_unavailable = job->fail_unavailable ||
                          g_error_matches (error, VDI_BACKEND_ERROR,
                                           VDI_BACKEND_ERROR_UNREACHABLE) ||
                          g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
  g_free (job->fail_message);
  if (cancelled)
    job->fail_message = g_strdup (_("Cancelled"));
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

/* Reconciling with what the providers hold -------------------------------------------------- */

static gboolean
holds_vm (GPtrArray  *vms,
          const char *id)
{
  for (guint i = 0; id != NULL && vms != NULL && i < vms->len; i++)
    {
      if (g_ascii_strcasecmp (vdi_vm_info_get_id (g_ptr_array_index (vms, i)), id) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  Job       *job;
  GPtrArray *on_source;
  GPtrArray *on_target;
  GPtrArray *planned_on_source;
  GPtrArray *planned_on_target;
  GError    *error;
  guint      n_pending;
  gboolean   removing;
  GPtrArray *orphans;       /* Orphan, being removed one at a time */
} Reconcile;

typedef struct
{
  VdiBackend *backend;
  char       *id;
  char       *key;          /* in VdiDistributor.orphans */
} Orphan;

static void
orphan_free (Orphan *orphan)
{
  g_object_unref (orphan->backend);
  g_free (orphan->id);
  g_free (orphan->key);
  g_free (orphan);
}

static void
reconcile_free (Reconcile *reconcile)
{
  g_clear_pointer (&reconcile->on_source, g_ptr_array_unref);
  g_clear_pointer (&reconcile->on_target, g_ptr_array_unref);
  g_clear_pointer (&reconcile->planned_on_source, g_ptr_array_unref);
  g_clear_pointer (&reconcile->planned_on_target, g_ptr_array_unref);
  g_clear_pointer (&reconcile->orphans, g_ptr_array_unref);
  g_clear_error (&reconcile->error);
  g_free (reconcile);
}

static void remove_decide (Reconcile *reconcile);

static void
half_made_removed (Job        *job,
                   const char *result,
                   GError     *error)
{
  if (!vm_is_gone (error))
    {
      job_fail (job, _("Removing a half-made copy"), error);
      return;
    }

  vdi_target_set_remote_vm_id (job->target, NULL);
  if (vdi_target_get_step (job->target) > VDI_TARGET_STEP_EXPORTED)
    vdi_target_set_step (job->target, VDI_TARGET_STEP_EXPORTED);

  if (vdi_target_get_step (job->target) >= VDI_TARGET_STEP_EXPORTED)
    job_step_import (job);
  else
    job_step_export (job);
}

static void
reconcile_decide (Reconcile *reconcile)
{
  Job *job = reconcile->job;
  const char *copy = vdi_target_get_remote_vm_id (job->target);
  VdiTargetStep step = vdi_target_get_step (job->target);

  if (reconcile->error != NULL)
    {
      job_fail (job, _("Checking the copy"), reconcile->error);
      return;
    }

  /* The copy is already where it belongs: a run before this one finished it. */
  if (copy != NULL && holds_vm (reconcile->on_target, copy))
    {
      vdi_target_set_step (job->target, VDI_TARGET_STEP_MIGRATED);
      job_succeed (job);
      return;
    }

  /* Realized on the source and not moved yet: move it. */
  if (copy != NULL && step >= VDI_TARGET_STEP_IMPORTED && holds_vm (reconcile->on_source, copy))
    {
      job_step_migrate (job);
      return;
    }

  /* Anything else recorded on the source is half made (a planned VM, say): remove it, then
   * import again from the export. */
  if (copy != NULL)
    {
      run_operation (job, job->source, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", copy),
                     half_made_removed);
      return;
    }

  if (step >= VDI_TARGET_STEP_EXPORTED)
    job_step_import (job);
  else
    job_step_export (job);
}

static void
add_recorded (GHashTable *recorded,
              const char *id)
{
  if (id != NULL)
    g_hash_table_add (recorded, g_ascii_strdown (id, -1));
}

/* The VMs the farm names, in lower case: every template's copies, current and outdated, and its
 * hosts' VMs. Sets @import_pending when an import may be under way whose planned VM nobody
 * records yet: a target records an import job that a reconcile is still following, or a host
 * is being created (the host manager imports too, and records the VM once the import ends). */
static GHashTable *
recorded_vms (VdiDistributor *self,
              gboolean       *import_pending)
{
  GListModel *templates = vdi_farm_get_templates (self->farm);
  GHashTable *recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  *import_pending = FALSE;
  for (guint i = 0, n = g_list_model_get_n_items (templates); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      GListModel *targets = vdi_template_get_targets (template);
      GListModel *hosts = vdi_template_get_hosts (template);

      for (guint t = 0, n_targets = g_list_model_get_n_items (targets); t < n_targets; t++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, t);

          add_recorded (recorded, vdi_target_get_remote_vm_id (target));
          add_recorded (recorded, vdi_target_get_outdated_vm_id (target));
          *import_pending |= vdi_target_get_job (target) != NULL &&
                             vdi_target_get_step (target) == VDI_TARGET_STEP_EXPORTED &&
                             vdi_target_get_remote_vm_id (target) == NULL;
        }
      for (guint h = 0, n_hosts = g_list_model_get_n_items (hosts); h < n_hosts; h++)
        {
          g_autoptr(VdiHost) host = g_list_model_get_item (hosts, h);

          add_recorded (recorded, vdi_host_get_vm_id (host));
          *import_pending |= vdi_host_get_state (host) == VDI_HOST_STATE_CREATING &&
                             vdi_host_get_vm_id (host) == NULL;
        }
    }
  return recorded;
}

/* Whether one of our jobs has asked for an import and not yet recorded the VM it made. */
static gboolean
importing (VdiDistributor *self)
{
  GHashTableIter iter;
  Run *run;

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&run))
    {
      for (guint i = 0; i < run->jobs->len; i++)
        if (((Job *)g_ptr_array_index (run->jobs, i))->importing)
          return TRUE;
    }
  return FALSE;
}

/* A run killed between asking for an import and saving its job leaves a planned VM that no
 * target names; Hyper-V keeps it forever. One named as the template's copies, that the farm
 * does not record, is such an orphan, provided no import is under way that could have made it
 * (its planned VM cannot be told from an orphan; a later reconcile removes it if it is one). */
static void
collect_orphans (Reconcile *reconcile)
{
  Job *job = reconcile->job;
  VdiDistributor *self = job->run->self;
  const char *name = vdi_template_get_source_vm_name (job->run->template);
  g_autoptr(GHashTable) recorded = NULL;
  gboolean import_pending;
  struct {
    VdiBackend *backend;
    GPtrArray  *planned;
  } places[] = {
    { job->source, reconcile->planned_on_source },
    { job->destination, reconcile->planned_on_target },
  };

  recorded = recorded_vms (self, &import_pending);
  if (import_pending || importing (self))
    return;

  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    for (guint i = 0; places[p].planned != NULL && i < places[p].planned->len; i++)
      {
        VdiVmInfo *vm = g_ptr_array_index (places[p].planned, i);
        g_autofree char *key = g_ascii_strdown (vdi_vm_info_get_id (vm), -1);
        Orphan *orphan;

        /* Another target's reconcile, seeing the same listing, may be removing it already. */
        if (!vdi_vm_info_get_planned (vm) || g_strcmp0 (vdi_vm_info_get_name (vm), name) != 0 ||
            g_hash_table_contains (recorded, key) || g_hash_table_contains (self->orphans, key))
          continue;

        orphan = g_new0 (Orphan, 1);
        orphan->backend = g_object_ref (places[p].backend);
        orphan->id = g_strdup (vdi_vm_info_get_id (vm));
        orphan->key = g_strdup (key);
        g_hash_table_add (self->orphans, g_steal_pointer (&key));
        g_ptr_array_add (reconcile->orphans, orphan);
      }
}

static void remove_next_orphan (Reconcile *reconcile);

/* Ends the removal of the first orphan: gone (or gone already) is what we want. */
static void
orphan_removed (Reconcile *reconcile,
                GError    *error)
{
  Job *job = reconcile->job;
  Orphan *orphan = g_ptr_array_index (reconcile->orphans, 0);

  g_hash_table_remove (job->run->self->orphans, orphan->key);
  if (!vm_is_gone (error))
    {
      job_fail (job, _("Removing a half-made copy"), error);
      reconcile_free (reconcile);
      return;
    }

  g_ptr_array_remove_index (reconcile->orphans, 0);
  remove_next_orphan (reconcile);
}

static void
orphan_followed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Reconcile *reconcile = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);

  orphan_removed (reconcile, error);
}

static void
orphan_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Reconcile *reconcile = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) handle = vdi_backend_start_finish (VDI_BACKEND (object), result,
                                                              &error);

  if (handle == NULL)
    {
      orphan_removed (reconcile, error);
      return;
    }
  vdi_backend_follow_async (VDI_BACKEND (object), handle, NULL, NULL,
                            reconcile->job->cancellable, orphan_followed_cb, reconcile);
}

/* The orphans go one after the other, then the copy's own decision is made. Their destroy
 * jobs are not recorded in the target: the target did not make them, and an interrupted
 * removal only leaves the orphan for the next reconcile to find again. */
static void
remove_next_orphan (Reconcile *reconcile)
{
  Orphan *orphan;

  if (reconcile->orphans->len == 0)
    {
      reconcile_decide (reconcile);
      reconcile_free (reconcile);
      return;
    }

  orphan = g_ptr_array_index (reconcile->orphans, 0);
  vdi_backend_start_async (orphan->backend, VDI_BACKEND_OP_DESTROY,
                           g_variant_new ("(s)", orphan->id), reconcile->job->cancellable,
                           orphan_started_cb, reconcile);
}

/* Every listing is in. */
static void
reconcile_listed (Reconcile *reconcile)
{
  if (reconcile->removing)
    {
      remove_decide (reconcile);
      reconcile_free (reconcile);
      return;
    }

  /* With a listing missing, the decision fails on it: nothing is removed. */
  reconcile->orphans = g_ptr_array_new_with_free_func ((GDestroyNotify)orphan_free);
  if (reconcile->error == NULL)
    collect_orphans (reconcile);
  remove_next_orphan (reconcile);
}

/* One of the four listings a reconcile makes, and where its answer goes. */
typedef struct
{
  Reconcile  *reconcile;
  GPtrArray **into;
  gboolean    planned;
} Listing;

static void
reconcile_list_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Listing *listing = user_data;
  Reconcile *reconcile = listing->reconcile;
  VdiBackend *backend = VDI_BACKEND (object);
  g_autoptr(GError) error = NULL;

  *listing->into = listing->planned ? vdi_backend_list_planned_vms_finish (backend, result, &error)
                                    : vdi_backend_list_vms_finish (backend, result, &error);
  g_free (listing);
  if (error != NULL && reconcile->error == NULL)
    {
      /* Either provider can be the one that did not answer: say which, or a target whose
       * source is down reads as if it were down itself. */
      if (!vdi_backend_error_is_cancelled (error))
        /* Translators: a provider name, before what went wrong with it. */
        g_prefix_error (&error, _("%s: "),
                        vdi_provider_get_name (backend == reconcile->job->source
                                               ? source_provider (reconcile->job)
                                               : target_provider (reconcile->job)));
      reconcile->error = g_steal_pointer (&error);
    }

  if (--reconcile->n_pending == 0)
    reconcile_listed (reconcile);
}

static void
list_into (Reconcile   *reconcile,
           VdiBackend  *backend,
           gboolean     planned,
           GPtrArray  **into)
{
  Listing *listing = g_new0 (Listing, 1);
  GCancellable *cancellable = reconcile->job->cancellable;

  listing->reconcile = reconcile;
  listing->into = into;
  listing->planned = planned;
  reconcile->n_pending++;
  if (planned)
    vdi_backend_list_planned_vms_async (backend, cancellable, reconcile_list_cb, listing);
  else
    vdi_backend_list_vms_async (backend, cancellable, reconcile_list_cb, listing);
}

/* What the source and the target hold, realized and planned. */
static void
list_both (Job *job)
{
  Reconcile *reconcile = g_new0 (Reconcile, 1);

  reconcile->job = job;
  reconcile->removing = job->kind == JOB_REMOVE;
  /* Held while the listings start, so that one answering at once cannot end the reconcile. */
  reconcile->n_pending = 1;
  list_into (reconcile, job->source, FALSE, &reconcile->on_source);
  list_into (reconcile, job->destination, FALSE, &reconcile->on_target);
  list_into (reconcile, job->source, TRUE, &reconcile->planned_on_source);
  list_into (reconcile, job->destination, TRUE, &reconcile->planned_on_target);
  if (--reconcile->n_pending == 0)
    reconcile_listed (reconcile);
}

/* A provider job recorded by an interrupted run is followed first: what it made is the copy. */
static void
pending_job_done (Job        *job,
                  const char *result,
                  GError     *error)
{
  VdiTargetStep step = vdi_target_get_step (job->target);

  if (error != NULL && vdi_backend_error_is_cancelled (error))
    {
      job_fail (job, NULL, error);
      return;
    }

  /* The provider does not answer, or refuses the password: starting the step again beside a
   * job that may still run would make a second export or copy. The handle stays for the next
   * Retry, which can succeed once the provider answers or the password is fixed. */
  if (!job_outcome_known (error) &&
      !g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL))
    {
      job_fail (job, _("Checking the copy"), error);
      return;
    }

  /* The provider answers but cannot tell about this job in a way we read: looking again would
   * only fail again, so the listings decide, and the job is no longer one to follow. */
  if (error != NULL)
    vdi_target_set_job (job->target, NULL);

  /* An import that made a planned VM: that is the copy to carry on from (or to remove). */
  if (error == NULL && result != NULL && step == VDI_TARGET_STEP_EXPORTED)
    vdi_target_set_remote_vm_id (job->target, result);
  if (error == NULL && step == VDI_TARGET_STEP_NONE)
    vdi_target_set_step (job->target, VDI_TARGET_STEP_EXPORTED);

  /* Whatever it did, the listings tell where things stand now. */
  list_both (job);
}

static void
job_step_reconcile (Job *job)
{
  g_autoptr(VdiBackendJob) handle = NULL;
  const char *recorded = vdi_target_get_job (job->target);

  set_step (job, vdi_target_get_percent (job->target), 0);

  if (recorded != NULL && (handle = vdi_backend_job_new_from_string (recorded)) != NULL)
    {
      /* A migration's job runs on the source; every step of ours runs there. */
      follow (job, job->source, handle, pending_job_done);
      return;
    }

  list_both (job);
}

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
static void
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

/* Starting work ----------------------------------------------------------------------------- */

static void
migration_checked_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_migration_check_finish (result, &error))
    {
      job_fail (job, _("Copy"), error);
      return;
    }
  job_step_reconcile (job);
}

static void
job_begin (Job *job)
{
  /* A copy still to be made is a live migration: hosts set not to migrate fail it now, before
   * any export (see vdi-migration-check.c). */
  if (job->kind != JOB_REMOVE && vdi_target_get_step (job->target) < VDI_TARGET_STEP_MIGRATED)
    {
      vdi_migration_check_async (job->source, source_provider (job), job->destination,
                                 target_provider (job), job->cancellable, migration_checked_cb,
                                 job);
      return;
    }

  /* Removal too first follows a job an interrupted run left, so that a copy landing late is
   * not left behind. */
  job_step_reconcile (job);
}

typedef struct
{
  Job  *job;
  char *source_password;
} Passwords;

/* The run's backend for @provider; a password changed since (the admin fixed a wrong one)
 * makes a new one. */
static VdiBackend *
backend_for (Run          *run,
             VdiProvider  *provider,
             const char   *password,
             GError      **error)
{
  SharedBackend *shared = g_hash_table_lookup (run->backends, provider);

  if (shared == NULL || g_strcmp0 (shared->password, password) != 0)
    {
      VdiBackend *backend = vdi_backend_new_for_provider (provider, password, error);

      if (backend == NULL)
        return NULL;
      shared = g_new0 (SharedBackend, 1);
      shared->backend = backend;
      shared->password = g_strdup (password);
      g_hash_table_replace (run->backends, g_object_ref (provider), shared);
    }
  return g_object_ref (shared->backend);
}

static void
target_password_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Passwords *passwords = user_data;
  Job *job = passwords->job;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_password = g_steal_pointer (&passwords->source_password);
  g_autofree char *target_password =
    vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, NULL);

  g_free (passwords);

  job->source = backend_for (job->run, source_provider (job), source_password, &error);
  if (job->source != NULL)
    job->destination = backend_for (job->run, target_provider (job), target_password, &error);
  if (job->destination == NULL)
    {
      job_fail (job, _("Connecting"), error);
      return;
    }

  job_begin (job);
}

static void
source_password_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Passwords *passwords = user_data;
  Job *job = passwords->job;

  passwords->source_password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result,
                                                              NULL);
  vdi_credentials_lookup_async (VDI_CREDENTIALS (object),
                                vdi_provider_get_id (target_provider (job)), job->cancellable,
                                target_password_cb, passwords);
}

/* The passwords come from the Secret Service, asynchronously; then the backends. */
static void
open_backends (Job *job)
{
  Passwords *passwords = g_new0 (Passwords, 1);

  passwords->job = job;
  vdi_credentials_lookup_async (job->run->self->credentials,
                                vdi_provider_get_id (source_provider (job)), job->cancellable,
                                source_password_cb, passwords);
}

static void
start_job (VdiDistributor *self,
           Operation      *operation,
           Run            *run,
           VdiTarget      *target,
           JobKind         kind,
           GCancellable   *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->run = run;
  job->operation = operation;
  job->target = g_object_ref (target);
  job->kind = kind;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->started_us = g_get_monotonic_time ();
  g_ptr_array_add (run->jobs, job);
  operation->n_pending++;

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    vdi_target_set_started_at (target, now);
  }
  vdi_target_set_last_error (target, NULL);
  vdi_target_set_progress (target, kind == JOB_ADD ? VDI_DISTRIBUTION_ADDING_PROVIDER :
                                   kind == JOB_REMOVE ? VDI_DISTRIBUTION_REMOVING_PROVIDER :
                                   VDI_DISTRIBUTION_DISTRIBUTING);

  open_backends (job);
}

static Operation *
operation_new (VdiDistributor      *self,
               VdiTemplate         *template,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  Operation *operation = g_new0 (Operation, 1);

  operation->task = g_task_new (self, cancellable, callback, user_data);
  operation->template = g_object_ref (template);
  g_task_set_source_tag (operation->task, source_tag);
  /* Holds the count while jobs start, so one ending at once cannot finish the operation. */
  operation->n_pending = 1;
  return operation;
}

static gboolean
check_template (VdiDistributor  *self,
                VdiTemplate     *template,
                GError         **error)
{
  if (!vdi_template_get_multi_provider (template) ||
      vdi_provider_get_provider_type (vdi_template_get_source_provider (template)) !=
        VDI_PROVIDER_TYPE_HYPERV)
    {
      g_set_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_NOT_SUPPORTED,
                   _("“%s” is not distributed to other providers: only Hyper-V templates with "
                     "multi-provider distribution are"),
                   vdi_template_get_name (template));
      return FALSE;
    }
  switch (vdi_template_get_status (template))
    {
    case VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE:
    case VDI_TEMPLATE_STATUS_MAINTENANCE:
    case VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE:
      g_set_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_BUSY,
                   _("“%s” is in maintenance: leave maintenance to distribute it"),
                   vdi_template_get_name (template));
      return FALSE;

    case VDI_TEMPLATE_STATUS_OK:
    case VDI_TEMPLATE_STATUS_FAILED:
    default:
      break;
    }
  if (vdi_template_get_source_vm_id (template) == NULL)
    {
      g_set_error (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_NOT_SUPPORTED,
                   _("“%s” does not know its source VM's id"), vdi_template_get_name (template));
      return FALSE;
    }
  return TRUE;
}

static void
operation_started (Operation *operation)
{
  operation_job_done (operation, TRUE, FALSE);
}

void
vdi_distributor_distribute_async (VdiDistributor      *self,
                                  VdiTemplate         *template,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  Operation *operation;
  GListModel *targets;
  Run *run;

  g_return_if_fail (VDI_IS_DISTRIBUTOR (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  operation = operation_new (self, template, vdi_distributor_distribute_async, cancellable,
                             callback, user_data);
  if (!check_template (self, template, &error))
    {
      g_task_return_error (operation->task, g_steal_pointer (&error));
      operation_free (operation);
      return;
    }

  run = run_for (self, template);
  targets = vdi_template_get_targets (template);
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (vdi_target_get_is_source (target) || find_job (run, target) != NULL ||
          (vdi_target_get_state (target) == VDI_TARGET_STATE_READY &&
           vdi_target_get_job (target) == NULL))
        continue;
      start_job (self, operation, run, target, JOB_DISTRIBUTE, cancellable);
    }

  if (run->jobs->len == 0)
    run_free (run);
  operation_started (operation);
}

void
vdi_distributor_retry_async (VdiDistributor      *self,
                             VdiTemplate         *template,
                             VdiTarget           *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  Operation *operation;
  Run *run;

  g_return_if_fail (VDI_IS_DISTRIBUTOR (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));
  g_return_if_fail (VDI_IS_TARGET (target));

  operation = operation_new (self, template, vdi_distributor_retry_async, cancellable,
                             callback, user_data);
  if (!check_template (self, template, &error))
    {
      g_task_return_error (operation->task, g_steal_pointer (&error));
      operation_free (operation);
      return;
    }

  run = run_for (self, template);
  if (find_job (run, target) != NULL)
    {
      g_task_return_new_error (operation->task, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_BUSY,
                               _("%s is already being brought up to date"),
                               vdi_provider_get_name (vdi_target_get_provider (target)));
      operation_free (operation);
      return;
    }
  if (!vdi_target_get_is_source (target))
    start_job (self, operation, run, target, JOB_DISTRIBUTE, cancellable);
  if (run->jobs->len == 0)
    run_free (run);
  operation_started (operation);
}

void
vdi_distributor_add_provider_async (VdiDistributor      *self,
                                    VdiTemplate         *template,
                                    VdiProvider         *provider,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  Operation *operation;
  VdiTarget *target;

  g_return_if_fail (VDI_IS_DISTRIBUTOR (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));
  g_return_if_fail (VDI_IS_PROVIDER (provider));

  operation = operation_new (self, template, vdi_distributor_add_provider_async, cancellable,
                             callback, user_data);
  if (!check_template (self, template, &error) ||
      (target = vdi_template_add_target (template, provider, &error)) == NULL)
    {
      g_task_return_error (operation->task, g_steal_pointer (&error));
      operation_free (operation);
      return;
    }

  save_now (self);
  start_job (self, operation, run_for (self, template), target, JOB_ADD, cancellable);
  operation_started (operation);
}

void
vdi_distributor_remove_provider_async (VdiDistributor      *self,
                                       VdiTemplate         *template,
                                       VdiProvider         *provider,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Operation *operation;
  VdiTarget *target;
  Run *run;

  g_return_if_fail (VDI_IS_DISTRIBUTOR (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));
  g_return_if_fail (VDI_IS_PROVIDER (provider));

  operation = operation_new (self, template, vdi_distributor_remove_provider_async, cancellable,
                             callback, user_data);
  target = vdi_template_find_target (template, provider);
  run = g_hash_table_lookup (self->runs, template);

  if (target == NULL || vdi_target_get_is_source (target))
    {
      g_task_return_new_error (operation->task, VDI_DISTRIBUTOR_ERROR,
                               VDI_DISTRIBUTOR_ERROR_NOT_SUPPORTED,
                               _("%s is not a target of “%s”"), vdi_provider_get_name (provider),
                               vdi_template_get_name (template));
      operation_free (operation);
      return;
    }
  if (find_job (run, target) != NULL)
    {
      g_task_return_new_error (operation->task, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_BUSY,
                               _("%s is being copied to; cancel that first"),
                               vdi_provider_get_name (provider));
      operation_free (operation);
      return;
    }

  start_job (self, operation, run_for (self, template), target, JOB_REMOVE, cancellable);
  operation_started (operation);
}

gboolean
vdi_distributor_finish (VdiDistributor  *self,
                        GAsyncResult    *result,
                        GError         **error)
{
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
