/* vdi-distributor-schedule.c: runs, their jobs, and the slots they wait for.
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

#include "vdi-distributor-private.h"
#include "vdi-secret.h"

static void
shared_backend_free (SharedBackend *shared)
{
  g_clear_object (&shared->backend);
  vdi_secret_free (shared->password);
  g_free (shared);
}

void
export_slot_free (ExportSlot *slot)
{
  g_queue_clear (&slot->waiting);
  g_free (slot);
}

/* Runs and jobs --------------------------------------------------------------------------------- */

Run *
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
      run->silent = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
      g_queue_init (&run->waiting_copy);
      g_queue_init (&run->waiting_holder);
      g_queue_init (&run->waiting_uplink);
      g_hash_table_insert (self->runs, template, run);
    }
  return run;
}

void
run_free (Run *run)
{
  g_hash_table_remove (run->self->runs, run->template);
  g_object_unref (run->template);
  g_ptr_array_unref (run->jobs);
  g_hash_table_unref (run->backends);
  g_hash_table_unref (run->silent);
  g_queue_clear (&run->waiting_copy);
  g_queue_clear (&run->waiting_holder);
  g_queue_clear (&run->waiting_uplink);
  g_free (run);
}

Job *
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

/* Where the copy comes from: with relay, the holder chosen for it. */
VdiProvider *
source_provider (Job *job)
{
  if (job->feeder != NULL)
    return job->feeder;
  return vdi_template_get_source_provider (job->run->template);
}

VdiProvider *
target_provider (Job *job)
{
  return vdi_target_get_provider (job->target);
}

void
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

void
copy_slot_release (Job *job)
{
  Run *run = job->run;
  Job *next;

  if (!job->holds_copy)
    return;

  job->holds_copy = FALSE;
  run->n_copying--;
  /* With relay, the next copy out of the same holder goes first: its uplink is free now. */
  relay_uplink_freed (job);
  if (run->n_copying < vdi_template_get_concurrency (run->template) &&
      (next = g_queue_pop_head (&run->waiting_copy)) != NULL)
    {
      next->waiting_copy = FALSE;
      job_step_migrate (next);
    }
  /* A holder whose copy left may take the next one. */
  relay_dispatch (run);
}

static void
job_free (Job *job)
{
  g_clear_object (&job->target);
  g_clear_object (&job->source);
  g_clear_object (&job->destination);
  g_clear_object (&job->feeder);
  g_clear_pointer (&job->tried_feeders, g_ptr_array_unref);
  g_clear_object (&job->cancellable);
  g_free (job->fail_message);
  g_free (job);
}

/* Ends a job; its slots go to whoever waits for them. */
void
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
  if (job->waiting_holder)
    g_queue_remove (&run->waiting_holder, job);
  relay_stop_waiting (job);
  if (job->waiting_uplink)
    g_queue_remove (&run->waiting_uplink, job);
  g_ptr_array_remove (run->jobs, job);

  job_free (job);
  if (run->jobs->len == 0)
    run_free (run);
  else
    /* A copy that ended may have made a holder, or freed one. */
    relay_dispatch (run);

  operation_job_done (operation, ok, unavailable);
}
