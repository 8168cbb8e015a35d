/* vdi-distributor-reconcile.c: what the providers hold, against the farm.
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

/* Reconciling with what the providers hold -------------------------------------------------- */

gboolean
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
running_export_ended_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);

  if (error != NULL && vdi_backend_error_is_cancelled (error))
    {
      job_fail (job, NULL, error);
      return;
    }

  /* However it ended: the export step then says what it finds. */
  job_step_export (job);
}

static void
export_jobs_found_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = vdi_backend_find_running_jobs_finish (VDI_BACKEND (object),
                                                                       result, &error);

  if (running == NULL && vdi_backend_error_is_cancelled (error))
    {
      job_fail (job, NULL, error);
      return;
    }
  if (running == NULL || running->len == 0)
    {
      job_step_export (job);
      return;
    }

  g_debug ("Waiting for a job on the template's VM on %s to end before exporting it",
           vdi_provider_get_name (source_provider (job)));
  vdi_backend_follow_async (job->source, g_ptr_array_index (running, 0), NULL, NULL,
                            job->cancellable, running_export_ended_cb, job);
}

/* A run killed between asking for an export and saving its job leaves that export running.
 * Which folder it writes cannot be told (a host's creation exports the same VM too), so it is
 * not taken as this copy's export; but the new one waits for it to end, as exports on a host
 * run one at a time (and a host may refuse to export a VM that is being exported). */
static void
export_after_running_jobs (Job *job)
{
  vdi_backend_find_running_jobs_async (job->source,
                                       vdi_template_get_source_vm_id (job->run->template),
                                       job->cancellable, export_jobs_found_cb, job);
}

/* What to do with the copy, the listings in hand and no job of the provider's in the way. */
static void
reconcile_act (Reconcile *reconcile)
{
  Job *job = reconcile->job;
  const char *copy = vdi_target_get_remote_vm_id (job->target);
  VdiTargetStep step = vdi_target_get_step (job->target);

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
  else if (vdi_template_get_source_vm_id (job->run->template) != NULL)
    export_after_running_jobs (job);
  else
    job_step_export (job);
}

static void pending_job_done (Job        *job,
                              const char *result,
                              GError     *error);
static void list_both        (Job        *job);

static void
running_jobs_found_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Reconcile *reconcile = user_data;
  Job *job = reconcile->job;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = vdi_backend_find_running_jobs_finish (VDI_BACKEND (object),
                                                                       result, &error);
  VdiBackendJob *found;
  g_autofree char *handle = NULL;

  if (running == NULL && vdi_backend_error_is_cancelled (error))
    {
      job_fail (job, NULL, error);
      reconcile_free (reconcile);
      return;
    }

  /* No job runs on the copy now, and none can start on it but ours; but one that ended
   * around the listings may have moved it (a migration a killed run asked for): the listings
   * are read again, and this time taken as they are. */
  if (running != NULL && running->len == 0 && !job->relisted)
    {
      job->relisted = TRUE;
      reconcile_free (reconcile);
      list_both (job);
      return;
    }

  /* A host that cannot say is asked as before: the step itself then says what is wrong. */
  if (running == NULL || running->len == 0)
    {
      if (running == NULL)
        g_debug ("Looking for the jobs of %s on %s failed: %s",
                 vdi_target_get_remote_vm_id (job->target),
                 vdi_provider_get_name (source_provider (job)), error->message);
      reconcile_act (reconcile);
      reconcile_free (reconcile);
      return;
    }

  /* A job on the copy that no run records: the one a killed run asked for (a copy, most
   * likely) and never saved. It is the target's from now on, saved at once as any job is;
   * once it ends, the listings tell where the copy is. */
  found = g_ptr_array_index (running, 0);
  handle = vdi_backend_job_to_string (found);
  g_debug ("Following %s on %s, which runs on %s and no run recorded", handle,
           vdi_provider_get_name (source_provider (job)),
           vdi_target_get_remote_vm_id (job->target));
  vdi_target_set_job (job->target, handle);
  save_now (job->run->self);
  if (vdi_target_get_step (job->target) >= VDI_TARGET_STEP_IMPORTED)
    set_step (job, EXPORT_SHARE + IMPORT_SHARE, MIGRATE_SHARE);
  follow (job, job->source, found, pending_job_done);
  reconcile_free (reconcile);
}

/* Decides what the copy needs from what the providers hold, and frees @reconcile. */
static void
reconcile_decide (Reconcile *reconcile)
{
  Job *job = reconcile->job;
  const char *copy = vdi_target_get_remote_vm_id (job->target);

  if (reconcile->error != NULL)
    {
      job_fail (job, _("Checking the copy"), reconcile->error);
      reconcile_free (reconcile);
      return;
    }

  /* The copy is already where it belongs: a run before this one finished it. */
  if (copy != NULL && holds_vm (reconcile->on_target, copy))
    {
      vdi_target_set_step (job->target, VDI_TARGET_STEP_MIGRATED);
      job_succeed (job);
      reconcile_free (reconcile);
      return;
    }

  /* A run killed between asking for a step on the copy (a copy to the target, most likely)
   * and saving the job may have left that job running: asking again beside it would fail with
   * "in use", and removing the copy too. Such a job is followed first. The copy may also be
   * found on neither host, when that copy ended between the two listings, or be in the source's
   * listing and gone by now: so the source is asked for jobs on the copy wherever the listings
   * put it, and if none runs the listings are taken again (running_jobs_found_cb). */
  if (copy != NULL && !job->relisted)
    {
      vdi_backend_find_running_jobs_async (job->source, copy, job->cancellable,
                                           running_jobs_found_cb, reconcile);
      return;
    }

  reconcile_act (reconcile);
  reconcile_free (reconcile);
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

/* Whether the farm names @id as a VM of its own (a copy, outdated or not, or a host's). */
gboolean
farm_records_vm (VdiDistributor *self,
                 const char     *id)
{
  g_autoptr(GHashTable) recorded = NULL;
  g_autofree char *key = g_ascii_strdown (id, -1);
  gboolean import_pending;

  recorded = recorded_vms (self, &import_pending);
  return g_hash_table_contains (recorded, key);
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
orphan_destroyed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Reconcile *reconcile = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_provider_job_run_finish (VDI_BACKEND (object), result, NULL,
                                                       &error);

  orphan_removed (reconcile, error);
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
      return;
    }

  orphan = g_ptr_array_index (reconcile->orphans, 0);
  vdi_provider_job_run_async (orphan->backend, VDI_BACKEND_OP_DESTROY,
                              g_variant_new ("(s)", orphan->id), NULL, NULL, NULL,
                              reconcile->job->cancellable, orphan_destroyed_cb, reconcile);
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
      /* The target itself does not answer: whatever feeds it, it is Not available. */
      if (backend == reconcile->job->destination &&
          (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE) ||
           g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT)))
        reconcile->job->destination_down = TRUE;
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
strays_swept (Job *job)
{
  g_autoptr(VdiBackendJob) handle = NULL;
  const char *recorded = vdi_target_get_job (job->target);

  job->swept = TRUE;

  /* A target that leaves the template takes its record of strays with it: it stays until they
   * are found, so that a copy a silent holder moves late is not left behind unrecorded. */
  if (job->kind == JOB_REMOVE && vdi_target_get_n_strays (job->target) > 0)
    {
      const VdiTargetStray *stray = vdi_target_get_stray (job->target, 0);
      VdiProvider *holder = vdi_farm_find_provider_by_id (job->run->self->farm,
                                                          stray->provider_id);
      g_autoptr(GError) error = NULL;

      /* Not the target's fault: it is not said to be Not available. */
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   /* Translators: both are the same provider name. */
                   _("A copy %s abandoned here when it stopped answering could not be found "
                     "and removed yet; try again once %s answers"),
                   holder != NULL ? vdi_provider_get_name (holder) : stray->provider_id,
                   holder != NULL ? vdi_provider_get_name (holder) : stray->provider_id);
      job_fail (job, _("Removing the copy"), error);
      return;
    }

  set_step (job, vdi_target_get_percent (job->target), 0);

  if (recorded != NULL && (handle = vdi_backend_job_new_from_string (recorded)) != NULL)
    {
      /* A migration's job runs on the source; every step of ours runs there. */
      follow (job, job->source, handle, pending_job_done);
      return;
    }

  list_both (job);
}

/* First what a silent holder left for this target (relay), then the copy itself. */
void
job_step_reconcile (Job *job)
{
  strays_sweep (job, FALSE, job->cancellable, strays_swept);
}
