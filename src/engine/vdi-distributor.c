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

#include <glib/gi18n-lib.h>

#include "vdi-distributor-private.h"
#include "vdi-migration-check.h"

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VdiDistributor, vdi_distributor, G_TYPE_OBJECT)

G_DEFINE_QUARK (vdi-distributor-error-quark, vdi_distributor_error)

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
  self->export_root = g_strdup (VDI_HYPERV_DEFAULT_EXPORT_ROOT);
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
void
save_now (VdiDistributor *self)
{
  vdi_farm_save_soon (self->farm);
}

static void
operation_free (Operation *operation)
{
  g_object_unref (operation->task);
  g_object_unref (operation->template);
  g_free (operation);
}

void
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
VdiBackend *
run_backend_for (Run          *run,
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

  job->source = run_backend_for (job->run, source_provider (job), source_password, &error);
  if (job->source != NULL)
    job->destination = run_backend_for (job->run, target_provider (job), target_password, &error);
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
  /* Work interrupted on a holder carries on there (its backends open for it). */
  if (kind != JOB_REMOVE)
    job->feeder = relay_resume_feeder (run, target);
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
