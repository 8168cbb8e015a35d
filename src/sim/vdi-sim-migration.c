/* vdi-sim-migration.c
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

#include <gio/gio.h>

#include "vdi-sim-migration.h"

static gboolean
get_count (JsonObject  *object,
           const char  *member,
           guint       *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                            : G_TYPE_INVALID;
  double value;

  if (node == NULL)
    return TRUE;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "\"%s\" must be a number", member);
      return FALSE;
    }
  value = json_node_get_double (node);
  if (value < 0 || value > 1000 || value != (guint)value)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "\"%s\" must be a whole number from 0 to 1000", member);
      return FALSE;
    }
  *out = (guint)value;
  return TRUE;
}

/**
 * vdi_sim_live_migration_apply:
 *
 * Checks all of @node before changing anything, so a bad request changes nothing.
 */
gboolean
vdi_sim_live_migration_apply (VdiSimProvider  *provider,
                              JsonNode        *node,
                              GError         **error)
{
  static const char *allowed[] = { "enabled", "authentication", "max_migrations",
                                   "max_storage_migrations", NULL };
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *enabled;
  const char *authentication = NULL;
  gboolean new_enabled = provider->migration_enabled;
  guint new_auth = provider->migration_auth;
  guint new_max = provider->max_migrations;
  guint new_max_storage = provider->max_storage_migrations;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "\"live_migration\" must be an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown member \"%s\"",
                     (const char *)l->data);
        return FALSE;
      }

  enabled = json_object_get_member (object, "enabled");
  if (enabled != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (enabled) || json_node_get_value_type (enabled) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "\"enabled\" must be true or false");
          return FALSE;
        }
      new_enabled = json_node_get_boolean (enabled);
    }
  if (json_object_has_member (object, "authentication"))
    {
      JsonNode *auth = json_object_get_member (object, "authentication");

      if (JSON_NODE_HOLDS_VALUE (auth) && json_node_get_value_type (auth) == G_TYPE_STRING)
        authentication = json_node_get_string (auth);
      if (g_strcmp0 (authentication, "credssp") == 0)
        new_auth = 0;
      else if (g_strcmp0 (authentication, "kerberos") == 0)
        new_auth = 1;
      else
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "\"authentication\" must be \"credssp\" or \"kerberos\"");
          return FALSE;
        }
    }
  if (!get_count (object, "max_migrations", &new_max, error)
      || !get_count (object, "max_storage_migrations", &new_max_storage, error))
    return FALSE;

  provider->migration_enabled = new_enabled;
  provider->migration_auth = new_auth;
  provider->max_migrations = new_max;
  provider->max_storage_migrations = new_max_storage;
  return TRUE;
}

void
vdi_sim_live_migration_to_json (VdiSimProvider *provider,
                                JsonBuilder    *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, provider->migration_enabled);
  json_builder_set_member_name (builder, "authentication");
  json_builder_add_string_value (builder, provider->migration_auth == 1 ? "kerberos" : "credssp");
  json_builder_set_member_name (builder, "max_migrations");
  json_builder_add_int_value (builder, provider->max_migrations);
  json_builder_set_member_name (builder, "max_storage_migrations");
  json_builder_add_int_value (builder, provider->max_storage_migrations);
  json_builder_end_object (builder);
}

VdiSimCimInstance *
vdi_sim_live_migration_instance (VdiSimProvider *provider)
{
  VdiSimCimInstance *instance =
    vdi_sim_cim_instance_new ("Msvm_VirtualSystemMigrationServiceSettingData");
  g_autofree char *host = g_ascii_strup (provider->name, -1);
  g_autofree char *instance_id = g_strconcat ("Microsoft:", host, NULL);

  vdi_sim_cim_add_uint (instance, "AuthenticationType", provider->migration_auth);
  vdi_sim_cim_add_str (instance, "Caption", "Virtual System Migration Service Settings");
  vdi_sim_cim_add_str (instance, "Description", "Virtual System Migration Service Settings");
  vdi_sim_cim_add_str (instance, "ElementName", "Virtual System Migration Service Settings");
  vdi_sim_cim_add_str (instance, "EnableCompression", "true");
  vdi_sim_cim_add_str (instance, "EnableSmbTransport", "false");
  vdi_sim_cim_add_str (instance, "EnableVirtualSystemMigration",
                       provider->migration_enabled ? "true" : "false");
  vdi_sim_cim_add_key (instance, "InstanceID", instance_id);
  vdi_sim_cim_add_uint (instance, "MaximumActiveStorageMigration",
                        provider->max_storage_migrations);
  vdi_sim_cim_add_uint (instance, "MaximumActiveVirtualSystemMigration",
                        provider->max_migrations);
  return instance;
}
