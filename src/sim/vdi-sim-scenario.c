/* vdi-sim-scenario.c
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

#include <stdio.h>

#include "vdi-sim-migration.h"
#include "vdi-sim-scenario.h"

G_DEFINE_QUARK (vdi-sim-scenario-error-quark, vdi_sim_scenario_error)

/* The built-in demo world is an ordinary scenario (hv-ams-04 is a stock host: Negotiate with
 * sealed messages only, as Windows Server ships). At 1 Gbit/s a 40 GB copy takes
 * 5.7 simulated minutes, which the time scale of 10 turns into about 34 real seconds. */
static const char demo_scenario[] =
  "{\n"
  "  \"time_scale\": 10,\n"
  "  \"hyperv_hosts\": [\n"
  "    { \"name\": \"hv-ams-01\", \"subtype\": \"hyperv-standalone\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"export_mbps\": 4000, \"up_mbps\": 1000, \"down_mbps\": 1000,\n"
  "      \"vms\": [ { \"name\": \"win11-golden\", \"disk_gb\": 40, \"state\": \"off\" },\n"
  "                { \"name\": \"ws2022-golden\", \"disk_gb\": 60, \"state\": \"off\" },\n"
  "                { \"name\": \"ams-desk-001\", \"disk_gb\": 45, \"state\": \"running\" } ] },\n"
  "    { \"name\": \"hv-ams-02\", \"subtype\": \"hyperv-standalone\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"export_mbps\": 4000, \"up_mbps\": 1000, \"down_mbps\": 1000,\n"
  "      \"vms\": [ { \"name\": \"ams-desk-101\", \"disk_gb\": 40, \"state\": \"running\" },\n"
  "                { \"name\": \"ams-desk-102\", \"disk_gb\": 40, \"state\": \"off\" } ] },\n"
  "    { \"name\": \"hv-ams-03\", \"subtype\": \"hyperv-standalone\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"export_mbps\": 4000, \"up_mbps\": 1000, \"down_mbps\": 1000,\n"
  "      \"vms\": [ { \"name\": \"ams-desk-201\", \"disk_gb\": 50, \"state\": \"running\" } ] },\n"
  "    { \"name\": \"hv-ams-04\", \"subtype\": \"hyperv-standalone\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"auth\": [ \"negotiate\" ], \"allow_unencrypted\": false,\n"
  "      \"export_mbps\": 4000, \"up_mbps\": 1000, \"down_mbps\": 1000,\n"
  "      \"vms\": [ { \"name\": \"ws2022-rds-01\", \"disk_gb\": 60, \"state\": \"off\" } ] },\n"
  "    { \"name\": \"hv-clu-01\", \"subtype\": \"hyperv-failover-cluster\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"export_mbps\": 8000, \"up_mbps\": 10000, \"down_mbps\": 10000,\n"
  "      \"vms\": [ { \"name\": \"clu-win11-golden\", \"disk_gb\": 40, \"state\": \"off\" },\n"
  "                { \"name\": \"clu-desk-001\", \"disk_gb\": 40, \"state\": \"running\" } ] },\n"
  "    { \"name\": \"hv-clu-02\", \"subtype\": \"hyperv-failover-cluster\", \"user\": \"Administrator\", \"password\": \"Passw0rd!\",\n"
  "      \"export_mbps\": 8000, \"up_mbps\": 10000, \"down_mbps\": 10000,\n"
  "      \"vms\": [ { \"name\": \"clu2-desk-001\", \"disk_gb\": 40, \"state\": \"running\" } ] }\n"
  "  ],\n"
  "  \"vcenters\": [\n"
  "    { \"name\": \"vc-ams\", \"subtype\": \"vcenter-7\", \"user\": \"administrator@vsphere.local\", \"password\": \"VMware1!\",\n"
  "      \"datacenter\": \"DC-Amsterdam\", \"hosts\": [ \"esx-ams-01\", \"esx-ams-02\", \"esx-ams-03\" ],\n"
  "      \"datastores\": [\n"
  "        { \"name\": \"ams-vsan-01\", \"type\": \"vsan\", \"capacity_gb\": 4096, \"free_gb\": 2900, \"mbps\": 4000, \"accessible\": true },\n"
  "        { \"name\": \"ams-nfs-01\", \"type\": \"NFS\", \"capacity_gb\": 2048, \"free_gb\": 1200, \"mbps\": 1000, \"accessible\": true },\n"
  "        { \"name\": \"ams-vmfs-full\", \"type\": \"VMFS\", \"capacity_gb\": 1024, \"free_gb\": 30, \"mbps\": 2000, \"accessible\": true },\n"
  "        { \"name\": \"ams-nfs-old\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800, \"mbps\": 1000, \"accessible\": false }\n"
  "      ],\n"
  "      \"vms\": [ { \"name\": \"tpl-win11\", \"disk_gb\": 40, \"template\": true, \"datastore\": \"ams-vsan-01\", \"host\": \"esx-ams-01\" },\n"
  "                { \"name\": \"win11-golden\", \"disk_gb\": 40, \"datastore\": \"ams-vsan-01\", \"host\": \"esx-ams-01\", \"state\": \"off\" },\n"
  "                { \"name\": \"ws2022-golden\", \"disk_gb\": 60, \"datastore\": \"ams-nfs-01\", \"host\": \"esx-ams-02\", \"state\": \"off\" },\n"
  "                { \"name\": \"ams-vdi-001\", \"disk_gb\": 40, \"datastore\": \"ams-vsan-01\", \"host\": \"esx-ams-02\", \"state\": \"running\" },\n"
  "                { \"name\": \"ams-vdi-002\", \"disk_gb\": 40, \"datastore\": \"ams-vsan-01\", \"host\": \"esx-ams-03\", \"state\": \"running\" } ] },\n"
  "    { \"name\": \"vc-rtm\", \"subtype\": \"vcenter-8\", \"user\": \"administrator@vsphere.local\", \"password\": \"VMware1!\",\n"
  "      \"datacenter\": \"DC-Rotterdam\", \"hosts\": [ \"esx-rtm-01\", \"esx-rtm-02\" ],\n"
  "      \"datastores\": [\n"
  "        { \"name\": \"rtm-vmfs-01\", \"type\": \"VMFS\", \"capacity_gb\": 2048, \"free_gb\": 1500, \"mbps\": 2000, \"accessible\": true },\n"
  "        { \"name\": \"rtm-vmfs-02\", \"type\": \"VMFS\", \"capacity_gb\": 2048, \"free_gb\": 1800, \"mbps\": 2000, \"accessible\": true },\n"
  "        { \"name\": \"rtm-nfs-full\", \"type\": \"NFS\", \"capacity_gb\": 512, \"free_gb\": 20, \"mbps\": 1000, \"accessible\": true },\n"
  "        { \"name\": \"rtm-iscsi-down\", \"type\": \"VMFS\", \"capacity_gb\": 1024, \"free_gb\": 900, \"mbps\": 1000, \"accessible\": false }\n"
  "      ],\n"
  "      \"vms\": [ { \"name\": \"tpl-ws2022\", \"disk_gb\": 60, \"template\": true, \"datastore\": \"rtm-vmfs-01\", \"host\": \"esx-rtm-01\" },\n"
  "                { \"name\": \"rtm-win11-golden\", \"disk_gb\": 40, \"datastore\": \"rtm-vmfs-01\", \"host\": \"esx-rtm-01\", \"state\": \"off\" },\n"
  "                { \"name\": \"rtm-vdi-001\", \"disk_gb\": 40, \"datastore\": \"rtm-vmfs-02\", \"host\": \"esx-rtm-02\", \"state\": \"running\" } ] }\n"
  "  ]\n"
  "}\n";

const char *
vdi_sim_scenario_get_demo (void)
{
  return demo_scenario;
}

static gboolean
invalid (GError     **error,
         const char  *where,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *where,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, VDI_SIM_SCENARIO_ERROR, VDI_SIM_SCENARIO_ERROR_INVALID,
               "Invalid scenario: %s: %s", where, message);
  return FALSE;
}

static gboolean
check_members (JsonObject  *object,
               const char  *where,
               const char **allowed,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return invalid (error, where, "unknown member \"%s\"", (const char *) l->data);

  return TRUE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *where,
            gboolean     required,
            const char  *fallback,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, where, "missing \"%s\"", member);
      *out = g_strdup (fallback);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, where, "\"%s\" must be a string", member);

  if (required && *json_node_get_string (node) == '\0')
    return invalid (error, where, "\"%s\" must not be empty", member);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_number (JsonObject  *object,
            const char  *member,
            const char  *where,
            gboolean     required,
            double       fallback,
            double       minimum,
            double      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, where, "missing \"%s\"", member);
      *out = fallback;
      return TRUE;
    }

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return invalid (error, where, "\"%s\" must be a number", member);

  *out = json_node_get_double (node);
  if (*out < minimum)
    return invalid (error, where, "\"%s\" must be at least %g", member, minimum);

  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          const char  *where,
          gboolean     fallback,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, where, "\"%s\" must be true or false", member);

  *out = json_node_get_boolean (node);
  return TRUE;
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           const char  *where,
           gboolean    *ok,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *ok = invalid (error, where, "\"%s\" must be an array", member);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
element_object (JsonArray   *array,
                guint        index,
                const char  *where,
                GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
normalize_subtype (VdiSimProviderKind   kind,
                   const char          *subtype,
                   char               **out)
{
  static const struct { const char *alias; const char *nick; } hyperv[] = {
    { "hyperv-standalone", "hyperv-standalone" },
    { "standalone", "hyperv-standalone" },
    { "hyperv-failover-cluster", "hyperv-failover-cluster" },
    { "failover-cluster", "hyperv-failover-cluster" },
  };
  static const struct { const char *alias; const char *nick; } vcenter[] = {
    { "vcenter-6.5", "vcenter-6.5" }, { "6.5", "vcenter-6.5" },
    { "vcenter-6.7", "vcenter-6.7" }, { "6.7", "vcenter-6.7" },
    { "vcenter-7", "vcenter-7" }, { "7", "vcenter-7" }, { "7.0", "vcenter-7" },
    { "vcenter-8", "vcenter-8" }, { "8", "vcenter-8" }, { "8.0", "vcenter-8" },
  };

  if (kind == VDI_SIM_PROVIDER_HYPERV)
    {
      for (guint i = 0; i < G_N_ELEMENTS (hyperv); i++)
        if (g_strcmp0 (subtype, hyperv[i].alias) == 0)
          {
            *out = g_strdup (hyperv[i].nick);
            return TRUE;
          }
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (vcenter); i++)
        if (g_strcmp0 (subtype, vcenter[i].alias) == 0)
          {
            *out = g_strdup (vcenter[i].nick);
            return TRUE;
          }
    }

  return FALSE;
}

static gboolean
load_common (JsonObject          *object,
             VdiSimProviderKind   kind,
             const char          *where,
             VdiSimProvider     **out,
             GError             **error)
{
  g_autofree char *name = NULL;
  g_autofree char *subtype = NULL;
  g_autofree char *version = NULL;
  VdiSimProvider *provider;
  double port;

  if (!get_string (object, "name", where, TRUE, NULL, &name, error))
    return FALSE;
  if (!get_string (object, "subtype", where, FALSE, NULL, &subtype, error)
      || !get_string (object, "version", where, FALSE, NULL, &version, error))
    return FALSE;
  if (subtype == NULL)
    subtype = g_strdup (version != NULL ? version
                        : kind == VDI_SIM_PROVIDER_HYPERV ? "hyperv-standalone" : "vcenter-8");
  if (!get_number (object, "port", where, FALSE, 0, 0, &port, error))
    return FALSE;
  if (port > 65535)
    return invalid (error, where, "\"port\" must be at most 65535");

  provider = vdi_sim_provider_new (kind, name);
  provider->port = (guint) port;
  if (!normalize_subtype (kind, subtype, &provider->subtype))
    {
      vdi_sim_provider_free (provider);
      return invalid (error, where, "unknown subtype \"%s\"", subtype);
    }
  if (!get_string (object, "user", where, FALSE, "admin", &provider->user, error)
      || !get_string (object, "password", where, FALSE, "password", &provider->password, error))
    {
      vdi_sim_provider_free (provider);
      return FALSE;
    }

  *out = provider;
  return TRUE;
}

/* An HTTPS listener: "tls_certificate" names a PEM file holding the certificate and its key;
 * "extended_protection" makes Negotiate refuse a channel binding other than that certificate's
 * (WinRM's CbtHardeningLevel; a client sending none is accepted, as at its Relaxed level). */
static gboolean
load_tls (JsonObject      *object,
          const char      *where,
          VdiSimProvider  *provider,
          GError         **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!get_string (object, "tls_certificate", where, FALSE, NULL, &path, error) ||
      !get_bool (object, "extended_protection", where, FALSE, &provider->extended_protection, error))
    return FALSE;
  if (path == NULL)
    {
      if (provider->extended_protection)
        return invalid (error, where, "\"extended_protection\" needs \"tls_certificate\"");
      return TRUE;
    }

  provider->tls_certificate = g_tls_certificate_new_from_file (path, &local_error);
  if (provider->tls_certificate == NULL)
    return invalid (error, where, "\"tls_certificate\": %s", local_error->message);
  return TRUE;
}

static gboolean
load_hyperv (VdiSimWorld  *world,
             JsonObject   *object,
             const char   *where,
             GError      **error)
{
  static const char *allowed[] = { "name", "subtype", "version", "user", "password", "port",
                                   "export_mbps", "up_mbps", "down_mbps", "free_gb", "live_migration",
                                   "vms", "auth", "allow_unencrypted", "tls_certificate",
                                   "extended_protection", NULL };
  VdiSimProvider *provider = NULL;
  double free_gb;
  JsonArray *vms;
  JsonArray *auth;
  gboolean ok;

  if (!check_members (object, where, allowed, error))
    return FALSE;
  if (!load_common (object, VDI_SIM_PROVIDER_HYPERV, where, &provider, error))
    return FALSE;

  if (vdi_sim_world_find_provider (world, provider->name) != NULL)
    {
      invalid (error, where, "duplicate provider name \"%s\"", provider->name);
      vdi_sim_provider_free (provider);
      return FALSE;
    }

  if (!get_number (object, "export_mbps", where, FALSE, 2000, 1, &provider->export_mbps, error)
      || !get_number (object, "up_mbps", where, FALSE, 1000, 1, &provider->up_mbps, error)
      || !get_number (object, "down_mbps", where, FALSE, 1000, 1, &provider->down_mbps, error)
      || !get_number (object, "free_gb", where, FALSE, -1, 0, &free_gb, error))
    {
      vdi_sim_provider_free (provider);
      return FALSE;
    }
  if (free_gb >= 0)
    provider->disk_free = free_gb * VDI_SIM_GIB;
  if (json_object_has_member (object, "live_migration"))
    {
      g_autoptr(GError) local_error = NULL;

      if (!vdi_sim_live_migration_apply (provider, json_object_get_member (object, "live_migration"),
                                         &local_error))
        {
          g_autofree char *lm_where = g_strdup_printf ("%s.live_migration", where);

          vdi_sim_provider_free (provider);
          return invalid (error, lm_where, "%s", local_error->message);
        }
    }

  /* WinRM's service settings: "auth" lists the schemes offered (a stock host: ["negotiate"]),
   * "allow_unencrypted" whether bodies may travel unsealed (false on a stock host). */
  auth = get_array (object, "auth", where, &ok, error);
  if (!ok || !get_bool (object, "allow_unencrypted", where, TRUE, &provider->allow_unencrypted, error))
    {
      vdi_sim_provider_free (provider);
      return FALSE;
    }
  if (!load_tls (object, where, provider, error))
    {
      vdi_sim_provider_free (provider);
      return FALSE;
    }
  if (auth != NULL)
    {
      provider->auth_basic = provider->auth_negotiate = FALSE;
      for (guint i = 0; i < json_array_get_length (auth); i++)
        {
          JsonNode *node = json_array_get_element (auth, i);
          const char *scheme = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                               ? json_node_get_string (node) : "";

          if (g_strcmp0 (scheme, "basic") == 0)
            provider->auth_basic = TRUE;
          else if (g_strcmp0 (scheme, "negotiate") == 0)
            provider->auth_negotiate = TRUE;
          else
            {
              vdi_sim_provider_free (provider);
              return invalid (error, where, "\"auth\" lists \"basic\" and \"negotiate\", not \"%s\"",
                              scheme);
            }
        }
      if (!provider->auth_basic && !provider->auth_negotiate)
        {
          vdi_sim_provider_free (provider);
          return invalid (error, where, "\"auth\" must list at least one scheme");
        }
    }

  vdi_sim_world_add_provider (world, provider);

  vms = get_array (object, "vms", where, &ok, error);
  if (!ok)
    return FALSE;

  for (guint i = 0; vms != NULL && i < json_array_get_length (vms); i++)
    {
      static const char *vm_allowed[] = { "name", "disk_gb", "state", "id", NULL };
      g_autofree char *vm_where = g_strdup_printf ("%s.vms[%u]", where, i);
      g_autofree char *name = NULL;
      g_autofree char *state = NULL;
      g_autofree char *id = NULL;
      JsonObject *vm_object;
      VdiSimPower power;
      double disk_gb;

      if ((vm_object = element_object (vms, i, vm_where, error)) == NULL
          || !check_members (vm_object, vm_where, vm_allowed, error)
          || !get_string (vm_object, "name", vm_where, TRUE, NULL, &name, error)
          || !get_number (vm_object, "disk_gb", vm_where, TRUE, 0, 0.001, &disk_gb, error)
          || !get_string (vm_object, "state", vm_where, FALSE, "off", &state, error)
          || !get_string (vm_object, "id", vm_where, FALSE, NULL, &id, error))
        return FALSE;

      if (!vdi_sim_power_from_string (state, &power))
        return invalid (error, vm_where, "unknown state \"%s\" (off, running, saved, paused)", state);
      if (id == NULL)
        id = vdi_sim_new_guid ();
      if (vdi_sim_provider_find_vm (provider, id) != NULL)
        return invalid (error, vm_where, "duplicate VM id \"%s\"", id);

      g_ptr_array_add (provider->vms,
                       vdi_sim_vm_new (id, name, (guint64) (disk_gb * VDI_SIM_GIB), power));
    }

  return TRUE;
}

static gboolean
load_vcenter (VdiSimWorld  *world,
              JsonObject   *object,
              const char   *where,
              GError      **error)
{
  static const char *allowed[] = { "name", "subtype", "version", "user", "password", "port",
                                   "datacenter", "hosts", "datastores", "vms", NULL };
  VdiSimProvider *provider = NULL;
  JsonArray *hosts, *datastores, *vms;
  gboolean ok;

  if (!check_members (object, where, allowed, error))
    return FALSE;
  if (!load_common (object, VDI_SIM_PROVIDER_VCENTER, where, &provider, error))
    return FALSE;

  if (vdi_sim_world_find_provider (world, provider->name) != NULL)
    {
      invalid (error, where, "duplicate provider name \"%s\"", provider->name);
      vdi_sim_provider_free (provider);
      return FALSE;
    }

  if (!get_string (object, "datacenter", where, FALSE, "Datacenter", &provider->datacenter, error))
    {
      vdi_sim_provider_free (provider);
      return FALSE;
    }

  provider->instance_uuid = g_uuid_string_random ();
  provider->next_moid = 2;
  provider->dc_moid = vdi_sim_provider_next_moid (provider, "datacenter");
  provider->vm_folder_moid = vdi_sim_provider_next_moid (provider, "group-v");
  provider->host_folder_moid = vdi_sim_provider_next_moid (provider, "group-h");
  provider->ds_folder_moid = vdi_sim_provider_next_moid (provider, "group-s");
  provider->cluster_moid = vdi_sim_provider_next_moid (provider, "domain-c");
  provider->pool_moid = vdi_sim_provider_next_moid (provider, "resgroup");
  vdi_sim_world_add_provider (world, provider);

  hosts = get_array (object, "hosts", where, &ok, error);
  if (!ok)
    return FALSE;
  for (guint i = 0; hosts != NULL && i < json_array_get_length (hosts); i++)
    {
      JsonNode *node = json_array_get_element (hosts, i);
      g_autofree char *host_where = g_strdup_printf ("%s.hosts[%u]", where, i);
      VdiSimEsxHost *host;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || *json_node_get_string (node) == '\0')
        return invalid (error, host_where, "must be a host name");
      if (vdi_sim_provider_find_esx_host (provider, json_node_get_string (node)) != NULL)
        return invalid (error, host_where, "duplicate host \"%s\"", json_node_get_string (node));

      host = g_new0 (VdiSimEsxHost, 1);
      host->moid = vdi_sim_provider_next_moid (provider, "host");
      host->name = g_strdup (json_node_get_string (node));
      host->connection_state = g_strdup ("connected");
      g_ptr_array_add (provider->esx_hosts, host);
    }
  if (provider->esx_hosts->len == 0)
    return invalid (error, where, "a vCenter needs at least one host in \"hosts\"");

  datastores = get_array (object, "datastores", where, &ok, error);
  if (!ok)
    return FALSE;
  for (guint i = 0; datastores != NULL && i < json_array_get_length (datastores); i++)
    {
      static const char *ds_allowed[] = { "name", "type", "capacity_gb", "free_gb", "mbps",
                                          "accessible", NULL };
      g_autofree char *ds_where = g_strdup_printf ("%s.datastores[%u]", where, i);
      JsonObject *ds_object;
      VdiSimDatastore *ds;
      double capacity, free_gb;

      if ((ds_object = element_object (datastores, i, ds_where, error)) == NULL
          || !check_members (ds_object, ds_where, ds_allowed, error))
        return FALSE;

      ds = g_new0 (VdiSimDatastore, 1);
      if (!get_string (ds_object, "name", ds_where, TRUE, NULL, &ds->name, error)
          || !get_string (ds_object, "type", ds_where, FALSE, "VMFS", &ds->type, error)
          || !get_number (ds_object, "capacity_gb", ds_where, TRUE, 0, 1, &capacity, error)
          || !get_number (ds_object, "free_gb", ds_where, FALSE, capacity, 0, &free_gb, error)
          || !get_number (ds_object, "mbps", ds_where, FALSE, 2000, 1, &ds->mbps, error)
          || !get_bool (ds_object, "accessible", ds_where, TRUE, &ds->accessible, error))
        {
          vdi_sim_datastore_free (ds);
          return FALSE;
        }
      if (free_gb > capacity)
        {
          vdi_sim_datastore_free (ds);
          return invalid (error, ds_where, "\"free_gb\" exceeds \"capacity_gb\"");
        }
      if (vdi_sim_provider_find_datastore (provider, ds->name) != NULL)
        {
          vdi_sim_datastore_free (ds);
          return invalid (error, ds_where, "duplicate datastore name");
        }
      ds->moid = vdi_sim_provider_next_moid (provider, "datastore");
      ds->capacity = (guint64) (capacity * VDI_SIM_GIB);
      ds->free = (guint64) (free_gb * VDI_SIM_GIB);
      vdi_sim_world_add_datastore (world, provider, ds);
    }
  if (provider->datastores->len == 0)
    return invalid (error, where, "a vCenter needs at least one datastore");

  vms = get_array (object, "vms", where, &ok, error);
  if (!ok)
    return FALSE;
  for (guint i = 0; vms != NULL && i < json_array_get_length (vms); i++)
    {
      static const char *vm_allowed[] = { "name", "disk_gb", "template", "datastore", "host",
                                          "state", NULL };
      g_autofree char *vm_where = g_strdup_printf ("%s.vms[%u]", where, i);
      g_autofree char *name = NULL;
      g_autofree char *ds_name = NULL;
      g_autofree char *host_name = NULL;
      g_autofree char *state = NULL;
      JsonObject *vm_object;
      VdiSimDatastore *ds;
      VdiSimEsxHost *host;
      VdiSimPower power;
      gboolean is_template;
      double disk_gb;
      VdiSimVm *vm;

      if ((vm_object = element_object (vms, i, vm_where, error)) == NULL
          || !check_members (vm_object, vm_where, vm_allowed, error)
          || !get_string (vm_object, "name", vm_where, TRUE, NULL, &name, error)
          || !get_number (vm_object, "disk_gb", vm_where, TRUE, 0, 0.001, &disk_gb, error)
          || !get_bool (vm_object, "template", vm_where, FALSE, &is_template, error)
          || !get_string (vm_object, "datastore", vm_where, FALSE, NULL, &ds_name, error)
          || !get_string (vm_object, "host", vm_where, FALSE, NULL, &host_name, error)
          || !get_string (vm_object, "state", vm_where, FALSE, "off", &state, error))
        return FALSE;

      ds = ds_name != NULL ? vdi_sim_provider_find_datastore (provider, ds_name)
                           : g_ptr_array_index (provider->datastores, 0);
      if (ds == NULL)
        return invalid (error, vm_where, "unknown datastore \"%s\"", ds_name);
      host = host_name != NULL ? vdi_sim_provider_find_esx_host (provider, host_name)
                               : g_ptr_array_index (provider->esx_hosts, 0);
      if (host == NULL)
        return invalid (error, vm_where, "unknown host \"%s\"", host_name);
      if (!vdi_sim_power_from_string (state, &power) || power == VDI_SIM_POWER_PAUSED)
        return invalid (error, vm_where, "unknown state \"%s\" (off, running, suspended)", state);
      if (is_template && power != VDI_SIM_POWER_OFF)
        return invalid (error, vm_where, "a template must be powered off");
      if (vdi_sim_provider_find_vm_by_name (provider, name) != NULL)
        return invalid (error, vm_where, "duplicate VM name \"%s\"", name);

      vm = vdi_sim_world_add_vcenter_vm (world, provider, name, (guint64) (disk_gb * VDI_SIM_GIB), ds, host);
      vm->is_template = is_template;
      vm->power = power;
    }

  return TRUE;
}

VdiSimWorld *
vdi_sim_scenario_load_data (const char  *data,
                            gssize       length,
                            double       time_scale,
                            GError     **error)
{
  static const char *allowed[] = { "time_scale", "hyperv_hosts", "vcenters", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VdiSimWorld) world = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonArray *hyperv, *vcenters;
  double scenario_scale;
  gboolean ok;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      guint line = 0, column = 0;
      int consumed = 0;

      /* json-glib says "<data>:LINE:COLUMN: Parse error: …"; say it in words. */
      if (sscanf (local_error->message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
        g_set_error (error, VDI_SIM_SCENARIO_ERROR, VDI_SIM_SCENARIO_ERROR_SYNTAX,
                     "Malformed scenario at line %u, column %u: %s", line, column, local_error->message + consumed);
      else
        g_set_error (error, VDI_SIM_SCENARIO_ERROR, VDI_SIM_SCENARIO_ERROR_SYNTAX,
                     "Malformed scenario: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VDI_SIM_SCENARIO_ERROR, VDI_SIM_SCENARIO_ERROR_INVALID,
                           "Invalid scenario: the top level must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  if (!check_members (object, "scenario", allowed, error))
    return NULL;
  if (!get_number (object, "time_scale", "scenario", FALSE, 1.0, 0.001, &scenario_scale, error))
    return NULL;

  world = vdi_sim_world_new (time_scale > 0 ? time_scale : scenario_scale);

  hyperv = get_array (object, "hyperv_hosts", "scenario", &ok, error);
  if (!ok)
    return NULL;
  for (guint i = 0; hyperv != NULL && i < json_array_get_length (hyperv); i++)
    {
      g_autofree char *where = g_strdup_printf ("hyperv_hosts[%u]", i);
      JsonObject *host = element_object (hyperv, i, where, error);

      if (host == NULL || !load_hyperv (world, host, where, error))
        return NULL;
    }

  vcenters = get_array (object, "vcenters", "scenario", &ok, error);
  if (!ok)
    return NULL;
  for (guint i = 0; vcenters != NULL && i < json_array_get_length (vcenters); i++)
    {
      g_autofree char *where = g_strdup_printf ("vcenters[%u]", i);
      JsonObject *vcenter = element_object (vcenters, i, where, error);

      if (vcenter == NULL || !load_vcenter (world, vcenter, where, error))
        return NULL;
    }

  if (vdi_sim_world_get_providers (world)->len == 0)
    {
      g_set_error_literal (error, VDI_SIM_SCENARIO_ERROR, VDI_SIM_SCENARIO_ERROR_INVALID,
                           "Invalid scenario: it defines no provider (\"hyperv_hosts\", \"vcenters\")");
      return NULL;
    }

  return g_steal_pointer (&world);
}

VdiSimWorld *
vdi_sim_scenario_load_file (const char  *path,
                            double       time_scale,
                            GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  VdiSimWorld *world;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_strcmp0 (path, "demo") == 0)
    return vdi_sim_scenario_load_data (demo_scenario, -1, time_scale, error);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  world = vdi_sim_scenario_load_data (contents, (gssize) length, time_scale, &local_error);
  if (world == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }

  return world;
}
