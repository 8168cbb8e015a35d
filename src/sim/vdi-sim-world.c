/* vdi-sim-world.c
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

#include "vdi-sim-world-private.h"

/* The world is protocol-neutral: the WS-Man and vim25 front ends translate requests into
 * the operations below, and read back the same state. Nothing is answered from anywhere
 * else. It records (never enforces) what the console does: concurrency peaks, bytes moved,
 * how long every job ran. */

#define TICK_MS 50

G_DEFINE_FINAL_TYPE (VdiSimWorld, vdi_sim_world, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
tick_cb (gpointer user_data)
{
  vdi_sim_world_tick (VDI_SIM_WORLD (user_data));
  return G_SOURCE_CONTINUE;
}

static void
vdi_sim_world_dispose (GObject *object)
{
  VdiSimWorld *self = VDI_SIM_WORLD (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  G_OBJECT_CLASS (vdi_sim_world_parent_class)->dispose (object);
}

static void
vdi_sim_world_finalize (GObject *object)
{
  VdiSimWorld *self = VDI_SIM_WORLD (object);

  g_clear_pointer (&self->jobs_by_id, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_object (&self->network);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (vdi_sim_world_parent_class)->finalize (object);
}

static void
vdi_sim_world_class_init (VdiSimWorldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_sim_world_dispose;
  object_class->finalize = vdi_sim_world_finalize;

  /* Emitted after every tick in which a job moved, so long polls can answer. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vdi_sim_world_init (VdiSimWorld *self)
{
  self->network = vdi_sim_network_new ();
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_provider_free);
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_job_free);
  self->jobs_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->next_task = 1000;
  self->completion_time = -1;
}

VdiSimWorld *
vdi_sim_world_new (double time_scale)
{
  VdiSimWorld *self = g_object_new (VDI_SIM_TYPE_WORLD, NULL);

  self->clock = vdi_sim_clock_new (time_scale);
  self->last_tick = vdi_sim_clock_now (self->clock);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);

  return self;
}

VdiSimClock *
vdi_sim_world_get_clock (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->clock;
}

VdiSimNetwork *
vdi_sim_world_get_network (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->network;
}

double
vdi_sim_world_now (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), 0.0);
  return vdi_sim_clock_now (self->clock);
}

void
vdi_sim_world_add_provider (VdiSimWorld    *self,
                            VdiSimProvider *provider)
{
  g_autofree char *export_name = NULL;
  g_autofree char *up_name = NULL;
  g_autofree char *down_name = NULL;

  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
    {
      export_name = g_strdup_printf ("%s/export", provider->name);
      up_name = g_strdup_printf ("%s/up", provider->name);
      down_name = g_strdup_printf ("%s/down", provider->name);
      provider->export_link = vdi_sim_network_add_link (self->network, export_name, 0);
      provider->up_link = vdi_sim_network_add_link (self->network, up_name, 0);
      provider->down_link = vdi_sim_network_add_link (self->network, down_name, 0);
    }

  g_ptr_array_add (self->providers, provider);
  vdi_sim_world_refresh_links (self, provider);
}

void
vdi_sim_world_add_datastore (VdiSimWorld     *self,
                             VdiSimProvider  *provider,
                             VdiSimDatastore *datastore)
{
  g_autofree char *read_name = NULL;
  g_autofree char *write_name = NULL;

  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL && datastore != NULL);

  read_name = g_strdup_printf ("%s/%s/read", provider->name, datastore->name);
  write_name = g_strdup_printf ("%s/%s/write", provider->name, datastore->name);
  datastore->read_link = vdi_sim_network_add_link (self->network, read_name, 0);
  datastore->write_link = vdi_sim_network_add_link (self->network, write_name, 0);
  g_ptr_array_add (provider->datastores, datastore);
  vdi_sim_world_refresh_links (self, provider);
}

void
vdi_sim_world_refresh_links (VdiSimWorld    *self,
                             VdiSimProvider *provider)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  if (provider->export_link != NULL)
    provider->export_link->capacity = vdi_sim_mbps_to_bytes (provider->export_mbps);
  if (provider->up_link != NULL)
    provider->up_link->capacity = vdi_sim_mbps_to_bytes (provider->up_mbps);
  if (provider->down_link != NULL)
    provider->down_link->capacity = vdi_sim_mbps_to_bytes (provider->down_mbps);

  for (guint i = 0; i < provider->datastores->len; i++)
    {
      VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, i);

      ds->read_link->capacity = vdi_sim_mbps_to_bytes (ds->mbps);
      ds->write_link->capacity = vdi_sim_mbps_to_bytes (ds->mbps);
    }

  vdi_sim_network_update_rates (self->network);
}

GPtrArray *
vdi_sim_world_get_providers (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->providers;
}

VdiSimProvider *
vdi_sim_world_find_provider (VdiSimWorld *self,
                             const char  *name)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  for (guint i = 0; name != NULL && i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_ascii_strcasecmp (provider->name, name) == 0)
        return provider;
    }

  return NULL;
}

GPtrArray *
vdi_sim_world_get_jobs (VdiSimWorld *self)
{
  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);
  return self->jobs;
}

VdiSimJob *
vdi_sim_world_find_job (VdiSimWorld *self,
                        const char  *id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  if (id == NULL)
    return NULL;

  if (g_str_has_prefix (id, "task-"))
    return g_hash_table_lookup (self->jobs_by_id, id);

  key = g_ascii_strup (id, -1);
  return g_hash_table_lookup (self->jobs_by_id, key);
}

void
vdi_sim_world_notify_changed (VdiSimWorld *self)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

void
vdi_sim_world_inject_job_failure (VdiSimWorld *self,
                                  VdiSimJob   *job,
                                  const char  *fault,
                                  const char  *message)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (job != NULL);

  job->fail_at = 0.5;
  g_free (job->inject_fault);
  job->inject_fault = g_strdup (fault != NULL && *fault != '\0' ? fault : "SystemError");
  g_free (job->inject_message);
  job->inject_message = g_strdup (message != NULL ? message : "The operation failed (injected by the simulator).");
  job->inject_code = VDI_SIM_RV_FAILED;
}

void
vdi_sim_world_set_offline (VdiSimWorld       *self,
                           VdiSimProvider    *provider,
                           VdiSimOfflineMode  mode)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));
  g_return_if_fail (provider != NULL);

  provider->offline = mode;

  if (mode == VDI_SIM_OFFLINE_NONE)
    return;

  /* A host that is down, or hung, cannot receive a migration that is under way: the source
   * loses the transfer and says so (a hung host's WinRM and its migration listener go silent
   * together). */
  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);
      g_autofree char *message = NULL;

      if (job->kind != VDI_SIM_JOB_MIGRATE || job->dest != provider
          || job->state != VDI_SIM_JOB_RUNNING)
        continue;

      message = g_strdup_printf ("Virtual machine migration operation for '%s' failed at migration source: the connection with the destination host '%s' was lost. (0x800705B4).",
                                 job->vm_name, provider->name);
      _vdi_sim_world_job_fail (self, job, VDI_SIM_RV_FAILED, message, NULL, NULL);
    }
}
