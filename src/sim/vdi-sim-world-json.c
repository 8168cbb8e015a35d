/* vdi-sim-world-json.c
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

/* JSON -------------------------------------------------------------------------------------- */

static void
add_job_json (JsonBuilder *builder,
              VdiSimJob   *job)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job->id);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, job->provider->name);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, vdi_sim_job_kind_to_string (job->kind));
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, job->job_class);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, vdi_sim_job_state_to_string (job->state));
  json_builder_set_member_name (builder, "percent");
  json_builder_add_int_value (builder, job->percent);
  json_builder_set_member_name (builder, "vm");
  json_builder_add_string_value (builder, job->vm_name);
  if (job->dest != NULL)
    {
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, job->dest->name);
    }
  if (job->dest_ds != NULL)
    {
      json_builder_set_member_name (builder, "datastore");
      json_builder_add_string_value (builder, job->dest_ds->name);
    }
  json_builder_set_member_name (builder, "bytes_total");
  json_builder_add_double_value (builder, job->total_bytes);
  json_builder_set_member_name (builder, "bytes_done");
  json_builder_add_double_value (builder, job->done_bytes);
  json_builder_set_member_name (builder, "queued_at");
  json_builder_add_double_value (builder, job->queue_time);
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_double_value (builder, job->start_time);
  if (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
    {
      json_builder_set_member_name (builder, "ended_at");
      json_builder_add_double_value (builder, job->end_time);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, job->end_time - job->start_time);
    }
  if (job->state == VDI_SIM_JOB_FAILED)
    {
      json_builder_set_member_name (builder, "error_code");
      json_builder_add_int_value (builder, job->error_code);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, job->error_description);
      json_builder_set_member_name (builder, "fault");
      json_builder_add_string_value (builder, job->fault_type);
    }
  if (job->result_id != NULL)
    {
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, job->result_id);
    }
  json_builder_end_object (builder);
}

static void
add_member_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_member_double (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_member_bool (JsonBuilder *builder,
                 const char  *name,
                 gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static const char *
offline_to_string (VdiSimOfflineMode mode)
{
  switch (mode)
    {
    case VDI_SIM_OFFLINE_REFUSE:
      return "refuse";
    case VDI_SIM_OFFLINE_HANG:
      return "hang";
    case VDI_SIM_OFFLINE_NONE:
    default:
      return "online";
    }
}

JsonNode *
vdi_sim_world_inventory_json (VdiSimWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  json_builder_begin_object (builder);
  add_member_double (builder, "time", vdi_sim_world_now (self));
  add_member_double (builder, "time_scale", vdi_sim_clock_get_time_scale (self->clock));
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);

  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      json_builder_begin_object (builder);
      add_member_string (builder, "name", provider->name);
      add_member_string (builder, "type", vdi_sim_provider_kind_to_string (provider->kind));
      add_member_string (builder, "subtype", provider->subtype);
      add_member_string (builder, "status", offline_to_string (provider->offline));
      add_member_int (builder, "latency_ms", provider->latency_ms);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          add_member_double (builder, "export_mbps", provider->export_mbps);
          add_member_double (builder, "up_mbps", provider->up_mbps);
          add_member_double (builder, "down_mbps", provider->down_mbps);
          if (provider->disk_free >= 0)
            {
              add_member_double (builder, "free_gb", provider->disk_free / VDI_SIM_GIB);
              add_member_double (builder, "reserved_gb", provider->disk_reserved / VDI_SIM_GIB);
            }
          json_builder_set_member_name (builder, "live_migration");
          vdi_sim_live_migration_to_json (provider, builder);
        }
      else
        {
          add_member_string (builder, "datacenter", provider->datacenter);
          json_builder_set_member_name (builder, "hosts");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->esx_hosts->len; j++)
            {
              VdiSimEsxHost *host = g_ptr_array_index (provider->esx_hosts, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "name", host->name);
              add_member_string (builder, "moid", host->moid);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);

          json_builder_set_member_name (builder, "datastores");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->datastores->len; j++)
            {
              VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "name", ds->name);
              add_member_string (builder, "moid", ds->moid);
              add_member_string (builder, "type", ds->type);
              add_member_double (builder, "capacity_gb", (double) ds->capacity / VDI_SIM_GIB);
              add_member_double (builder, "free_gb", (double) ds->free / VDI_SIM_GIB);
              add_member_double (builder, "mbps", ds->mbps);
              add_member_bool (builder, "accessible", ds->accessible);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }

      json_builder_set_member_name (builder, "vms");
      json_builder_begin_array (builder);
      for (guint j = 0; j < provider->vms->len; j++)
        {
          VdiSimVm *vm = g_ptr_array_index (provider->vms, j);

          json_builder_begin_object (builder);
          add_member_string (builder, "id", vm->id);
          add_member_string (builder, "name", vm->name);
          add_member_string (builder, "state", vdi_sim_power_to_string (vm->power));
          add_member_double (builder, "disk_gb", (double) vm->disk_bytes / VDI_SIM_GIB);
          if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
            add_member_bool (builder, "planned", vm->planned);
          else
            {
              add_member_bool (builder, "template", vm->is_template);
              if (vm->datastore != NULL)
                add_member_string (builder, "datastore", vm->datastore->name);
              if (vm->host != NULL)
                add_member_string (builder, "host", vm->host->name);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          json_builder_set_member_name (builder, "exports");
          json_builder_begin_array (builder);
          for (guint j = 0; j < provider->exports->len; j++)
            {
              VdiSimExport *export = g_ptr_array_index (provider->exports, j);

              json_builder_begin_object (builder);
              add_member_string (builder, "vm", export->vm_name);
              add_member_string (builder, "directory", export->directory);
              add_member_string (builder, "definition_file", export->definition_file);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }

      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->jobs->len; i++)
    add_job_json (builder, g_ptr_array_index (self->jobs, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
vdi_sim_world_counters_json (VdiSimWorld *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (VDI_SIM_IS_WORLD (self), NULL);

  json_builder_begin_object (builder);
  add_member_double (builder, "time", vdi_sim_world_now (self));
  add_member_double (builder, "since", self->counters_since);
  add_member_double (builder, "bytes_moved", self->bytes_moved);

  json_builder_set_member_name (builder, "providers");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, provider->name);
      json_builder_begin_object (builder);
      add_member_string (builder, "type", vdi_sim_provider_kind_to_string (provider->kind));
      add_member_int (builder, "requests_total", provider->requests_total);
      json_builder_set_member_name (builder, "requests");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, provider->requests);
      while (g_hash_table_iter_next (&iter, &key, &value))
        add_member_int (builder, key, GPOINTER_TO_UINT (value));
      json_builder_end_object (builder);
      add_member_double (builder, "bytes_moved", provider->bytes_moved);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          add_member_int (builder, "concurrent_exports", provider->cur_exports);
          add_member_int (builder, "peak_concurrent_exports", provider->peak_exports);
          add_member_int (builder, "concurrent_migrations", provider->cur_migrations);
          add_member_int (builder, "peak_concurrent_migrations", provider->peak_migrations);
          add_member_int (builder, "peak_concurrent_migrations_in", provider->peak_migrations_in);
          add_member_int (builder, "peak_concurrent_migrations_out", provider->peak_migrations_out);
        }
      else
        {
          add_member_int (builder, "concurrent_clones", provider->cur_clones);
          add_member_int (builder, "peak_concurrent_clones", provider->peak_clones);
          json_builder_set_member_name (builder, "datastores");
          json_builder_begin_object (builder);
          for (guint j = 0; j < provider->datastores->len; j++)
            {
              VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

              json_builder_set_member_name (builder, ds->name);
              json_builder_begin_object (builder);
              add_member_int (builder, "concurrent_clones", ds->cur_clones);
              add_member_int (builder, "peak_concurrent_clones", ds->peak_clones);
              add_member_double (builder, "bytes_written", ds->write_link->bytes_moved);
              json_builder_end_object (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "jobs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (self->jobs, i);

      if (job->queue_time < self->counters_since
          && (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
          && job->end_time < self->counters_since)
        continue;
      add_job_json (builder, job);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
vdi_sim_world_reset_counters (VdiSimWorld *self)
{
  g_return_if_fail (VDI_SIM_IS_WORLD (self));

  self->counters_since = vdi_sim_world_now (self);
  self->bytes_moved = 0;

  for (guint i = 0; i < self->providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (self->providers, i);

      g_hash_table_remove_all (provider->requests);
      provider->requests_total = 0;
      provider->bytes_moved = 0;
      provider->peak_exports = provider->cur_exports;
      provider->peak_migrations = provider->cur_migrations;
      provider->peak_migrations_in = provider->cur_migrations_in;
      provider->peak_migrations_out = provider->cur_migrations_out;
      provider->peak_clones = provider->cur_clones;
      for (guint j = 0; j < provider->datastores->len; j++)
        {
          VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

          ds->peak_clones = ds->cur_clones;
          ds->write_link->bytes_moved = 0;
          ds->read_link->bytes_moved = 0;
        }
    }
}
