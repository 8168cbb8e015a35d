/* vdi-distributor-relay.c: relay, where the targets that already hold the template feed the
 * others (DESIGN §2, Relay).
 *
 * With relay on, a copy still to be made waits for a holder: the source, or a target of the
 * template that is Ready with an up-to-date copy, answers, and is of the source's type and
 * subtype. The copy is then the same export → import → move as from the source, run on the
 * holder; the target records the holder (fed-from) before the first step, so that a run that
 * dies carries on, or cleans up, on that holder. Off, nothing here runs: every copy comes from
 * the source, with the same provider jobs in the same order as before relay existed.
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

/* Whether @target holds a copy of @run's template that can feed other targets now. */
static gboolean
is_holder (Run       *run,
           VdiTarget *target)
{
  VdiProvider *provider = vdi_target_get_provider (target);
  VdiProvider *source = vdi_template_get_source_provider (run->template);

  /* The source feeds as without relay, answering or not: a copy that waits for it fails on it
   * as it would have, rather than waiting for a holder that never comes. */
  if (vdi_target_get_is_source (target))
    return TRUE;
  /* Nor a holder that stopped answering during this run, before the console's checks say so. */
  if (vdi_provider_get_status (provider) == VDI_PROVIDER_STATUS_NOT_AVAILABLE ||
      g_hash_table_contains (run->silent, provider))
    return FALSE;

  /* Ready means up to date: leaving maintenance makes every copy Needs update, so the outdated
   * one still serving never feeds others. */
  return vdi_target_get_state (target) == VDI_TARGET_STATE_READY &&
         vdi_target_get_job (target) == NULL &&
         vdi_target_get_remote_vm_id (target) != NULL &&
         vdi_target_get_outdated_vm_id (target) == NULL &&
         find_job (run, target) == NULL &&
         vdi_provider_get_provider_type (provider) == vdi_provider_get_provider_type (source) &&
         vdi_provider_get_subtype (provider) == vdi_provider_get_subtype (source);
}

gboolean
relay_wants_holder (Job *job)
{
  g_assert (job != NULL);

  return vdi_template_get_relay (job->run->template) && job->feeder == NULL &&
         !job->holds_export && job->kind != JOB_REMOVE;
}

/* The copies going out of @holder for this template, and how many of them have not reached
 * their copy (move) step yet. */
static guint
copies_out (Run         *run,
            VdiProvider *holder,
            guint       *n_preparing)
{
  guint n = 0;

  *n_preparing = 0;
  for (guint i = 0; i < run->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (run->jobs, i);

      if (job->feeder != holder)
        continue;
      n++;
      if (!job->holds_copy)
        (*n_preparing)++;
    }
  return n;
}

static gboolean
tried (Job         *job,
       VdiProvider *holder)
{
  return job->tried_feeders != NULL && g_ptr_array_find (job->tried_feeders, holder, NULL);
}

/* The holder for @job: of those that may start a copy now, the one with the fewest copies out.
 * A holder prepares one copy at a time (its next export starts once the previous copy moves),
 * so a holder never takes a second copy while another sits idle, and exports overlap the
 * moves as in the one-source pipeline. @except (if not %NULL) is left out too; @any says
 * whether some holder could feed @job at all, busy or not. */
static VdiProvider *
pick_holder (Run         *run,
             Job         *job,
             VdiProvider *except,
             gboolean    *any)
{
  GListModel *targets = vdi_template_get_targets (run->template);
  VdiProvider *best = NULL;
  guint best_out = G_MAXUINT;

  *any = FALSE;

  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);
      guint out, preparing;

      if (target == job->target || provider == except || !is_holder (run, target) ||
          tried (job, provider))
        continue;
      *any = TRUE;
      out = copies_out (run, provider, &preparing);
      if (preparing == 0 && out < best_out)
        {
          best = provider;
          best_out = out;
        }
    }
  return best;
}

/* How many of the run's copies are being prepared (holder chosen, not moving yet). */
static guint
n_preparing (Run *run)
{
  guint n = 0;

  for (guint i = 0; i < run->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (run->jobs, i);

      n += job->feeder != NULL && !job->holds_copy;
    }
  return n;
}

typedef struct
{
  Job         *job;
  VdiProvider *holder;
} Assignment;

static void
holder_password_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Assignment *assignment = user_data;
  Job *job = assignment->job;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result,
                                                             NULL);
  VdiBackend *backend;

  g_free (assignment);
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    {
      job_fail (job, _("Export"), error);
      return;
    }

  backend = run_backend_for (job->run, job->feeder, password, &error);
  if (backend == NULL)
    {
      job_fail (job, _("Connecting"), error);
      return;
    }
  g_clear_object (&job->source);
  job->source = backend;
  job_step_export (job);
}

static void
assign (Job         *job,
        VdiProvider *holder)
{
  SharedBackend *shared = g_hash_table_lookup (job->run->backends, holder);
  Assignment *assignment;

  g_set_object (&job->feeder, holder);
  vdi_target_set_fed_from (job->target, vdi_provider_get_id (holder));
  save_now (job->run->self);

  /* The run talks to this holder already (the source always): no password to look up. */
  if (shared != NULL)
    {
      g_set_object (&job->source, shared->backend);
      job_step_export (job);
      return;
    }

  assignment = g_new0 (Assignment, 1);
  assignment->job = job;
  assignment->holder = holder;
  vdi_credentials_lookup_async (job->run->self->credentials, vdi_provider_get_id (holder),
                                job->cancellable, holder_password_cb, assignment);
}

/* A copy cancelled while it waited for a holder ends, with nothing started for it. */
static void
end_cancelled_wait (Job *job)
{
  g_autoptr(GError) error = NULL;

  g_queue_remove (&job->run->waiting_holder, job);
  job->waiting_holder = FALSE;
  relay_stop_waiting (job);
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  job_fail (job, _("Export"), error);
}

/* Gives waiting copies to holders, in the order the copies were asked for. */
void
relay_dispatch (Run *run)
{
  g_assert (run != NULL);

  while (!g_queue_is_empty (&run->waiting_holder))
    {
      Job *job = g_queue_peek_head (&run->waiting_holder);
      VdiProvider *holder;
      gboolean any;

      /* Cancelled while it waited: it ends, with nothing started for it. The run may end with
       * it: the jobs left are dispatched from job_end(). */
      if (g_cancellable_is_cancelled (job->cancellable))
        {
          end_cancelled_wait (job);
          return;
        }

      /* The concurrency caps the copies moving; as many again may be prepared meanwhile. */
      if (n_preparing (run) >= vdi_template_get_concurrency (run->template))
        return;
      holder = pick_holder (run, job, NULL, &any);
      if (holder == NULL && any)
        return;
      g_queue_pop_head (&run->waiting_holder);
      job->waiting_holder = FALSE;
      relay_stop_waiting (job);
      if (holder == NULL)
        {
          /* A copy to feed once more, and no other holder to feed it: it fails with the
           * words of the holder that failed it. The run may end with it: the jobs left
           * are dispatched from job_end(). */
          job_fail_end (job);
          return;
        }
      assign (job, holder);
    }
}

static gboolean
waiting_cancelled_idle (gpointer user_data)
{
  Job *job = user_data;

  job->holder_cancel_idle = 0;
  if (job->waiting_holder)
    end_cancelled_wait (job);
  return G_SOURCE_REMOVE;
}

/* Cancelled while no holder has taken it: it ends now, not when a holder frees. From an idle,
 * as the cancel may come from inside g_cancellable_connect() or g_cancellable_cancel(). */
static void
waiting_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  Job *job = user_data;

  if (job->holder_cancel_idle == 0)
    job->holder_cancel_idle = g_idle_add (waiting_cancelled_idle, job);
}

void
relay_stop_waiting (Job *job)
{
  g_assert (job != NULL);

  if (job->holder_cancel_id != 0)
    g_cancellable_disconnect (job->cancellable, job->holder_cancel_id);
  job->holder_cancel_id = 0;
  g_clear_handle_id (&job->holder_cancel_idle, g_source_remove);
}

void
relay_enqueue (Job *job)
{
  g_assert (job != NULL);

  job->waiting_holder = TRUE;
  g_queue_push_tail (&job->run->waiting_holder, job);
  job->holder_cancel_id = g_cancellable_connect (job->cancellable,
                                                 G_CALLBACK (waiting_cancelled_cb), job, NULL);
  relay_dispatch (job->run);
}

/* Whether another copy of this template is moving out of @job's holder. */
static gboolean
uplink_busy (Job *job)
{
  for (guint i = 0; i < job->run->jobs->len; i++)
    {
      Job *other = g_ptr_array_index (job->run->jobs, i);

      if (other != job && other->feeder == job->feeder && other->holds_copy)
        return TRUE;
    }
  return FALSE;
}

/* Queues @job if its holder is moving another copy; it moves once that one is through. */
gboolean
relay_wait_uplink (Job *job)
{
  g_assert (job != NULL);

  if (job->feeder == NULL || !uplink_busy (job))
    return FALSE;
  job->waiting_uplink = TRUE;
  g_queue_push_tail (&job->run->waiting_uplink, job);
  return TRUE;
}

/* @job's copy stopped moving: the next one waiting for the same holder goes. */
void
relay_uplink_freed (Job *job)
{
  Run *run = job->run;

  g_assert (job != NULL);

  if (job->feeder == NULL)
    return;
  for (GList *l = run->waiting_uplink.head; l != NULL; l = l->next)
    {
      Job *next = l->data;

      if (next->feeder != job->feeder)
        continue;
      g_queue_delete_link (&run->waiting_uplink, l);
      next->waiting_uplink = FALSE;
      job_step_migrate (next);
      return;
    }
}

/* At the start of a job: with relay, interrupted work on the target (a step done, a provider
 * job or a copy recorded) was made on the holder it names, and carries on, or is cleaned up,
 * there. */
VdiProvider *
relay_resume_feeder (Run       *run,
                     VdiTarget *target)
{
  VdiProvider *feeder;

  if (!vdi_template_get_relay (run->template))
    return NULL;
  if ((feeder = vdi_template_get_feeder (run->template, target)) == NULL ||
      feeder == vdi_template_get_source_provider (run->template))
    return NULL;
  if (vdi_target_get_step (target) == VDI_TARGET_STEP_NONE &&
      vdi_target_get_job (target) == NULL && vdi_target_get_remote_vm_id (target) == NULL)
    return NULL;
  if (vdi_target_get_step (target) >= VDI_TARGET_STEP_MIGRATED)
    return NULL;
  return g_object_ref (feeder);
}

/* The VM an export of this copy starts from: the template's own on the source, the holder's
 * copy elsewhere. */
const char *
exported_vm_id (Job *job)
{
  VdiTemplate *template = job->run->template;
  VdiTarget *holder;

  if (job->feeder == NULL || job->feeder == vdi_template_get_source_provider (template) ||
      (holder = vdi_template_find_target (template, job->feeder)) == NULL)
    return vdi_template_get_source_vm_id (template);
  return vdi_target_get_remote_vm_id (holder);
}

/* Whether @job's copy is being made on a target that holds the template (not the source),
 * and a failure of its steps is the holder's, not the target's. */
gboolean
relay_fed_by_target (Job *job)
{
  g_assert (job != NULL);

  return job->feeder != NULL &&
         job->feeder != vdi_template_get_source_provider (job->run->template) &&
         !job->destination_down &&
         vdi_target_get_step (job->target) < VDI_TARGET_STEP_MIGRATED;
}

/* Feeding once more --------------------------------------------------------------------------- */

typedef struct
{
  Job    *job;
  GError *error;
} Refeed;

/* The holder failed this copy: it is not asked again for it. */
static void
remember_tried (Job *job)
{
  if (job->tried_feeders == NULL)
    job->tried_feeders = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (job->tried_feeders, g_object_ref (job->feeder));
}

static void
refeed_now (Job *job)
{
  VdiTarget *target = job->target;

  remember_tried (job);
  g_clear_object (&job->feeder);

  /* From the start, from another holder: the export folder and the copy were the failed
   * holder's. */
  vdi_target_set_remote_vm_id (target, NULL);
  vdi_target_set_export_dir (target, NULL);
  vdi_target_set_step (target, VDI_TARGET_STEP_NONE);
  vdi_target_set_fed_from (target, NULL);
  save_now (job->run->self);
  job->fail_unavailable = FALSE;
  relay_enqueue (job);
}

static void
half_copy_removed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Refeed *refeed = user_data;
  Job *job = refeed->job;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_provider_job_run_finish (VDI_BACKEND (object), result, NULL,
                                                       &error);

  job->cleaning = FALSE;
  if (vm_is_gone (error))
    refeed_now (job);
  else
    {
      /* The half copy stays recorded on the failed holder, for a Retry to find there: the
       * copy fails with the holder's words. */
      remember_tried (job);
      job_fail (job, _("Copy"), refeed->error);
    }
  g_error_free (refeed->error);
  g_free (refeed);
}

/* A copy whose holder failed it (in its own words, with no provider job of it left running)
 * goes once more to another holder, rather than to Needs update; what it left on the failed
 * holder is removed first. So does one whose holder stopped answering, when another holder can
 * take it, what it left recorded as a stray. Not when it was cancelled, when the target itself
 * stopped answering, once the copy is in place, or on the second holder. Returns whether it
 * took the job over. */
gboolean
relay_refeed (Job    *job,
              GError *error)
{
  VdiTarget *target;
  const char *half_copy;
  Refeed *refeed;
  gboolean silent;

  g_assert (job != NULL);

  target = job->target;
  silent = g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE) ||
           g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
  if (!vdi_template_get_relay (job->run->template) || job->kind == JOB_REMOVE ||
      job->feeder == NULL || job->cleaning || job->destination_down ||
      (job->tried_feeders != NULL && job->tried_feeders->len > 0) ||
      vdi_backend_error_is_cancelled (error) ||
      (vdi_target_get_job (target) != NULL && !silent) ||
      vdi_target_get_step (target) >= VDI_TARGET_STEP_MIGRATED)
    return FALSE;

  /* A holder that stopped answering may still be at work on the copy, and nothing can be
   * removed there now. With no other holder to feed it, the target keeps the job, for Retry
   * to follow there once it answers (Needs update, naming the holder). */
  if (silent)
    {
      gboolean any;

      pick_holder (job->run, job, job->feeder, &any);
      if (!any)
        return FALSE;
    }

  g_debug ("%s: the copy from %s failed (%s); feeding it from another holder",
           vdi_provider_get_name (vdi_target_get_provider (target)),
           vdi_provider_get_name (job->feeder), error->message);
  /* Kept should no other holder take it. */
  g_free (job->fail_message);
  /* Translators: a step (Export, Import, Copy), the provider the copy comes from, the one it
   * goes to, and the provider's words. */
  job->fail_message = g_strdup_printf (_("%s from %s to %s failed: %s"), _("Copy"),
                                       vdi_provider_get_name (job->feeder),
                                       vdi_provider_get_name (vdi_target_get_provider (target)),
                                       error->message);
  export_slot_release (job);
  copy_slot_release (job);

  /* Otherwise what it had under way is recorded as a stray, found and removed by a later look
   * (vdi-distributor-strays.c), and the copy goes to another holder at once. */
  if (silent)
    {
      if (!g_hash_table_contains (job->run->silent, job->feeder))
        g_hash_table_add (job->run->silent, g_object_ref (job->feeder));
      strays_record (job);
      job->swept = FALSE;
      refeed_now (job);
      return TRUE;
    }

  half_copy = vdi_target_get_remote_vm_id (target);
  if (half_copy == NULL)
    {
      refeed_now (job);
      return TRUE;
    }

  refeed = g_new0 (Refeed, 1);
  refeed->job = job;
  refeed->error = g_error_copy (error);
  job->cleaning = TRUE;
  vdi_provider_job_run_async (job->source, VDI_BACKEND_OP_DESTROY,
                              g_variant_new ("(s)", half_copy), NULL, NULL, NULL, NULL,
                              half_copy_removed_cb, refeed);
  return TRUE;
}
