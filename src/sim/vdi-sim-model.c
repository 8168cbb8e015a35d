/* vdi-sim-model.c
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

#include "vdi-sim-model.h"

char *
vdi_sim_new_guid (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_ascii_strup (uuid, -1);
}

VdiSimProvider *
vdi_sim_provider_new (VdiSimProviderKind  kind,
                      const char         *name)
{
  VdiSimProvider *provider = g_new0 (VdiSimProvider, 1);

  provider->kind = kind;
  provider->name = g_strdup (name);
  provider->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_fault_rule_free);
  provider->corruptions = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_corrupt_rule_free);
  provider->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  provider->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_vm_free);
  provider->exports = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_export_free);
  provider->esx_hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_esx_host_free);
  provider->datastores = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_datastore_free);
  provider->enumeration_timeout_ms = 240000;
  provider->disk_free = -1;
  provider->migration_enabled = TRUE;
  provider->migration_auth = 1;
  provider->max_migrations = 2;
  provider->max_storage_migrations = 2;
  provider->next_moid = 1;
  /* Scenarios that say nothing keep what the simulator always did: Basic over plain HTTP. */
  provider->auth_basic = TRUE;
  provider->auth_negotiate = TRUE;
  provider->allow_unencrypted = TRUE;

  return provider;
}

void
vdi_sim_provider_free (VdiSimProvider *provider)
{
  if (provider == NULL)
    return;

  g_free (provider->name);
  g_free (provider->subtype);
  g_free (provider->user);
  g_free (provider->password);
  g_clear_object (&provider->tls_certificate);
  g_ptr_array_unref (provider->faults);
  g_ptr_array_unref (provider->corruptions);
  g_hash_table_unref (provider->requests);
  g_ptr_array_unref (provider->vms);
  g_ptr_array_unref (provider->exports);
  g_ptr_array_unref (provider->esx_hosts);
  g_ptr_array_unref (provider->datastores);
  g_free (provider->datacenter);
  g_free (provider->instance_uuid);
  g_free (provider->dc_moid);
  g_free (provider->cluster_moid);
  g_free (provider->pool_moid);
  g_free (provider->vm_folder_moid);
  g_free (provider->host_folder_moid);
  g_free (provider->ds_folder_moid);
  g_free (provider);
}

const char *
vdi_sim_provider_kind_to_string (VdiSimProviderKind kind)
{
  return kind == VDI_SIM_PROVIDER_HYPERV ? "hyperv" : "vcenter";
}

VdiSimVm *
vdi_sim_provider_find_vm (VdiSimProvider *provider,
                          const char     *id)
{
  g_return_val_if_fail (provider != NULL, NULL);

  if (id == NULL)
    return NULL;

  for (guint i = 0; i < provider->vms->len; i++)
    {
      VdiSimVm *vm = g_ptr_array_index (provider->vms, i);

      if (g_ascii_strcasecmp (vm->id, id) == 0)
        return vm;
    }

  return NULL;
}

VdiSimVm *
vdi_sim_provider_find_vm_by_name (VdiSimProvider *provider,
                                  const char     *name)
{
  g_return_val_if_fail (provider != NULL, NULL);

  for (guint i = 0; name != NULL && i < provider->vms->len; i++)
    {
      VdiSimVm *vm = g_ptr_array_index (provider->vms, i);

      if (g_strcmp0 (vm->name, name) == 0)
        return vm;
    }

  return NULL;
}

VdiSimDatastore *
vdi_sim_provider_find_datastore (VdiSimProvider *provider,
                                 const char     *moid_or_name)
{
  g_return_val_if_fail (provider != NULL, NULL);

  for (guint i = 0; moid_or_name != NULL && i < provider->datastores->len; i++)
    {
      VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, i);

      if (g_strcmp0 (ds->moid, moid_or_name) == 0 || g_strcmp0 (ds->name, moid_or_name) == 0)
        return ds;
    }

  return NULL;
}

VdiSimEsxHost *
vdi_sim_provider_find_esx_host (VdiSimProvider *provider,
                                const char     *moid_or_name)
{
  g_return_val_if_fail (provider != NULL, NULL);

  for (guint i = 0; moid_or_name != NULL && i < provider->esx_hosts->len; i++)
    {
      VdiSimEsxHost *host = g_ptr_array_index (provider->esx_hosts, i);

      if (g_strcmp0 (host->moid, moid_or_name) == 0 || g_strcmp0 (host->name, moid_or_name) == 0)
        return host;
    }

  return NULL;
}

char *
vdi_sim_provider_next_moid (VdiSimProvider *provider,
                            const char     *prefix)
{
  g_return_val_if_fail (provider != NULL, NULL);

  return g_strdup_printf ("%s-%u", prefix, provider->next_moid++);
}

void
vdi_sim_provider_count_request (VdiSimProvider *provider,
                                const char     *method)
{
  guint count;

  g_return_if_fail (provider != NULL);

  if (method == NULL)
    method = "(unparsed)";

  count = GPOINTER_TO_UINT (g_hash_table_lookup (provider->requests, method));
  g_hash_table_insert (provider->requests, g_strdup (method), GUINT_TO_POINTER (count + 1));
  provider->requests_total++;
}

VdiSimFaultRule *
vdi_sim_provider_take_fault (VdiSimProvider *provider,
                             const char     *method)
{
  g_return_val_if_fail (provider != NULL, NULL);

  for (guint i = 0; i < provider->faults->len; i++)
    {
      VdiSimFaultRule *rule = g_ptr_array_index (provider->faults, i);
      VdiSimFaultRule *copy;

      if (rule->method != NULL && g_strcmp0 (rule->method, method) != 0)
        continue;

      copy = g_new0 (VdiSimFaultRule, 1);
      copy->method = g_strdup (rule->method);
      copy->fault = g_strdup (rule->fault);
      copy->message = g_strdup (rule->message);
      copy->remaining = 1;

      if (--rule->remaining == 0)
        g_ptr_array_remove_index (provider->faults, i);

      return copy;
    }

  return NULL;
}

gboolean
vdi_sim_provider_take_corruption (VdiSimProvider    *provider,
                                  const char        *method,
                                  VdiSimCorruptRule *out_rule)
{
  g_return_val_if_fail (provider != NULL, FALSE);
  g_return_val_if_fail (out_rule != NULL, FALSE);

  for (guint i = 0; i < provider->corruptions->len; i++)
    {
      VdiSimCorruptRule *rule = g_ptr_array_index (provider->corruptions, i);

      if (rule->method != NULL && g_strcmp0 (rule->method, method) != 0)
        continue;

      out_rule->kind = rule->kind;
      out_rule->size_mb = rule->size_mb;
      out_rule->method = NULL;
      out_rule->remaining = 1;

      if (--rule->remaining == 0)
        g_ptr_array_remove_index (provider->corruptions, i);

      return TRUE;
    }

  return FALSE;
}

void
vdi_sim_fault_rule_free (VdiSimFaultRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->method);
  g_free (rule->fault);
  g_free (rule->message);
  g_free (rule);
}

void
vdi_sim_corrupt_rule_free (VdiSimCorruptRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->method);
  g_free (rule);
}

static const char *corruption_names[] = {
  [VDI_SIM_CORRUPT_TRUNCATED] = "truncated",
  [VDI_SIM_CORRUPT_MALFORMED] = "malformed",
  [VDI_SIM_CORRUPT_CONTENT_TYPE] = "content-type",
  [VDI_SIM_CORRUPT_EMPTY_500] = "empty-500",
  [VDI_SIM_CORRUPT_HUGE] = "huge",
  [VDI_SIM_CORRUPT_XML_BOMB] = "xml-bomb",
};

gboolean
vdi_sim_corruption_from_string (const char       *text,
                                VdiSimCorruption *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (corruption_names); i++)
    if (g_strcmp0 (corruption_names[i], text) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
vdi_sim_corruption_to_string (VdiSimCorruption kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (corruption_names), NULL);
  return corruption_names[kind];
}

VdiSimVm *
vdi_sim_vm_new (const char  *id,
                const char  *name,
                guint64      disk_bytes,
                VdiSimPower  power)
{
  VdiSimVm *vm = g_new0 (VdiSimVm, 1);

  vm->id = g_strdup (id);
  vm->name = g_strdup (name);
  vm->uuid = g_uuid_string_random ();
  vm->disk_bytes = disk_bytes;
  vm->power = power;

  return vm;
}

void
vdi_sim_vm_free (VdiSimVm *vm)
{
  if (vm == NULL)
    return;
  g_free (vm->id);
  g_free (vm->name);
  g_free (vm->uuid);
  g_free (vm);
}

static const char *power_names[] = {
  [VDI_SIM_POWER_OFF] = "off",
  [VDI_SIM_POWER_ON] = "running",
  [VDI_SIM_POWER_SAVED] = "saved",
  [VDI_SIM_POWER_PAUSED] = "paused",
};

const char *
vdi_sim_power_to_string (VdiSimPower power)
{
  g_return_val_if_fail (power < G_N_ELEMENTS (power_names), NULL);
  return power_names[power];
}

gboolean
vdi_sim_power_from_string (const char  *text,
                           VdiSimPower *out)
{
  if (g_strcmp0 (text, "on") == 0 || g_strcmp0 (text, "poweredOn") == 0)
    {
      *out = VDI_SIM_POWER_ON;
      return TRUE;
    }
  if (g_strcmp0 (text, "poweredOff") == 0)
    {
      *out = VDI_SIM_POWER_OFF;
      return TRUE;
    }
  if (g_strcmp0 (text, "suspended") == 0)
    {
      *out = VDI_SIM_POWER_SAVED;
      return TRUE;
    }
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (power_names); i++)
    if (g_strcmp0 (power_names[i], text) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

void
vdi_sim_datastore_free (VdiSimDatastore *datastore)
{
  if (datastore == NULL)
    return;
  g_free (datastore->moid);
  g_free (datastore->name);
  g_free (datastore->type);
  g_free (datastore);
}

void
vdi_sim_esx_host_free (VdiSimEsxHost *host)
{
  if (host == NULL)
    return;
  g_free (host->moid);
  g_free (host->name);
  g_free (host->connection_state);
  g_free (host);
}

void
vdi_sim_export_free (VdiSimExport *export)
{
  if (export == NULL)
    return;
  g_free (export->definition_file);
  g_free (export->directory);
  g_free (export->vm_name);
  g_free (export->vm_id);
  g_free (export);
}

void
vdi_sim_job_free (VdiSimJob *job)
{
  if (job == NULL)
    return;
  g_free (job->id);
  g_free (job->job_class);
  g_free (job->name);
  g_free (job->description_id);
  g_free (job->error_description);
  g_free (job->fault_type);
  g_free (job->fault_fields);
  g_free (job->vm_id);
  g_free (job->vm_name);
  g_free (job->result_id);
  g_free (job->result_class);
  g_free (job->new_name);
  g_free (job->path);
  g_free (job->inject_fault);
  g_free (job->inject_message);
  g_free (job);
}

const char *
vdi_sim_job_state_to_string (VdiSimJobState state)
{
  switch (state)
    {
    case VDI_SIM_JOB_QUEUED:
      return "queued";
    case VDI_SIM_JOB_RUNNING:
      return "running";
    case VDI_SIM_JOB_COMPLETED:
      return "success";
    case VDI_SIM_JOB_FAILED:
      return "error";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Whether the VM's disks travel with it (and need room on the destination). */
gboolean
vdi_sim_migration_moves_storage (VdiSimMigrationType type)
{
  return type == VDI_SIM_MIGRATION_STORAGE || type == VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE;
}

const char *
vdi_sim_job_kind_to_string (VdiSimJobKind kind)
{
  static const char *names[] = {
    [VDI_SIM_JOB_EXPORT] = "ExportSystemDefinition",
    [VDI_SIM_JOB_IMPORT] = "ImportSystemDefinition",
    [VDI_SIM_JOB_REALIZE] = "RealizePlannedSystem",
    [VDI_SIM_JOB_DESTROY] = "DestroySystem",
    [VDI_SIM_JOB_STATE_CHANGE] = "RequestStateChange",
    [VDI_SIM_JOB_MIGRATE] = "MigrateVirtualSystemToHost",
    [VDI_SIM_TASK_CLONE] = "CloneVM_Task",
    [VDI_SIM_TASK_POWER_ON] = "PowerOnVM_Task",
    [VDI_SIM_TASK_POWER_OFF] = "PowerOffVM_Task",
    [VDI_SIM_TASK_DESTROY] = "Destroy_Task",
  };

  g_return_val_if_fail (kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}
