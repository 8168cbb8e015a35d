/* vdi-sim-control.c
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

#include "vdi-sim-control.h"
#include "vdi-sim-migration.h"

/* JSON over HTTP on loopback: read the world and its counters, and change it at run time
 * (offline hosts, injected faults, corrupted answers, latency, bandwidth, datastores). */
struct _VdiSimControl
{
  GObject          parent_instance;

  VdiSimSimulator *simulator;   /* unowned: the simulator owns us */
  VdiSimServer    *server;      /* unowned */
};

G_DEFINE_FINAL_TYPE (VdiSimControl, vdi_sim_control, G_TYPE_OBJECT)

static void
vdi_sim_control_class_init (VdiSimControlClass *klass)
{
}

static void
vdi_sim_control_init (VdiSimControl *self)
{
}

static void
respond_json (VdiSimControl     *self,
              SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  vdi_sim_server_respond (self->server, msg, NULL, status, "application/json", text, -1);
}

static void
respond_error (VdiSimControl     *self,
               SoupServerMessage *msg,
               guint              status,
               const char        *format,
               ...) G_GNUC_PRINTF (4, 5);

static void
respond_error (VdiSimControl     *self,
               SoupServerMessage *msg,
               guint              status,
               const char        *format,
               ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  respond_json (self, msg, status, node);
}

static void
respond_ok (VdiSimControl     *self,
            SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  respond_json (self, msg, SOUP_STATUS_OK, node);
}

static JsonObject *
parse_body (GBytes  *body,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root;

  if (length == 0)
    return json_object_new ();

  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the body must be a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static gboolean
member_number (JsonObject *object,
               const char *name,
               double     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonNode *
inventory_with_urls (VdiSimControl *self)
{
  VdiSimWorld *world = vdi_sim_simulator_get_world (self->simulator);
  JsonNode *node = vdi_sim_world_inventory_json (world);
  JsonArray *providers = json_object_get_array_member (json_node_get_object (node), "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *object = json_array_get_object_element (providers, i);
      VdiSimProvider *provider = vdi_sim_world_find_provider (world, json_object_get_string_member (object, "name"));
      g_autofree char *url = vdi_sim_simulator_get_provider_url (self->simulator, provider);

      if (url != NULL)
        json_object_set_string_member (object, "url", url);
    }

  return node;
}

static void
handle_provider (VdiSimControl     *self,
                 SoupServerMessage *msg,
                 VdiSimProvider    *provider,
                 char             **parts,
                 JsonObject        *body)
{
  VdiSimWorld *world = vdi_sim_simulator_get_world (self->simulator);
  const char *action = parts[0];
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (action, "offline") == 0 && parts[1] == NULL)
    {
      const char *mode = member_string (body, "mode");
      VdiSimOfflineMode offline;

      if (mode == NULL || g_strcmp0 (mode, "refuse") == 0)
        offline = VDI_SIM_OFFLINE_REFUSE;
      else if (g_strcmp0 (mode, "hang") == 0)
        offline = VDI_SIM_OFFLINE_HANG;
      else
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "unknown mode \"%s\" (refuse, hang)", mode);
          return;
        }
      if (!vdi_sim_simulator_set_offline (self->simulator, provider, offline, &error))
        {
          respond_error (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "%s", error->message);
          return;
        }
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "live-migration") == 0 && parts[1] == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);

      if (provider->kind != VDI_SIM_PROVIDER_HYPERV)
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST,
                         "live migration is a Hyper-V host's setting");
          return;
        }
      if (!vdi_sim_live_migration_apply (provider, node, &error))
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "%s", error->message);
          return;
        }
      vdi_sim_world_notify_changed (world);
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "online") == 0 && parts[1] == NULL)
    {
      if (!vdi_sim_simulator_set_offline (self->simulator, provider, VDI_SIM_OFFLINE_NONE, &error))
        {
          respond_error (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "%s", error->message);
          return;
        }
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "hold") == 0 && parts[1] == NULL)
    {
      const char *method = member_string (body, "method");

      if (method == NULL || *method == '\0')
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"method\" is required");
          return;
        }
      vdi_sim_server_hold (vdi_sim_simulator_get_server (self->simulator, provider), method);
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "release") == 0 && parts[1] == NULL)
    {
      vdi_sim_server_release_held (vdi_sim_simulator_get_server (self->simulator, provider));
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "faults") == 0 && parts[1] == NULL)
    {
      VdiSimFaultRule *rule;
      const char *fault = member_string (body, "fault");
      double count = 1;

      if (json_object_has_member (body, "clear"))
        {
          g_ptr_array_set_size (provider->faults, 0);
          respond_ok (self, msg);
          return;
        }
      if (fault == NULL || *fault == '\0')
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"fault\" is required");
          return;
        }
      member_number (body, "count", &count);
      if (count < 1)
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"count\" must be at least 1");
          return;
        }
      rule = g_new0 (VdiSimFaultRule, 1);
      rule->method = g_strdup (member_string (body, "method"));
      rule->remaining = (guint) count;
      rule->fault = g_strdup (fault);
      rule->message = g_strdup (member_string (body, "message"));
      g_ptr_array_add (provider->faults, rule);
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "corrupt") == 0 && parts[1] == NULL)
    {
      VdiSimCorruptRule *rule;
      VdiSimCorruption kind;
      double count = 1, size_mb = 64;

      if (!vdi_sim_corruption_from_string (member_string (body, "kind"), &kind))
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST,
                         "\"kind\" must be one of truncated, malformed, content-type, empty-500, huge, xml-bomb");
          return;
        }
      member_number (body, "count", &count);
      member_number (body, "size_mb", &size_mb);
      if (count < 1 || size_mb < 1 || size_mb > 1024)
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"count\" must be at least 1 and \"size_mb\" 1 to 1024");
          return;
        }
      rule = g_new0 (VdiSimCorruptRule, 1);
      rule->kind = kind;
      rule->method = g_strdup (member_string (body, "method"));
      rule->remaining = (guint) count;
      rule->size_mb = (guint) size_mb;
      g_ptr_array_add (provider->corruptions, rule);
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "settings") == 0 && parts[1] == NULL)
    {
      const char *password = member_string (body, "password");
      double value;

      if (json_object_has_member (body, "free_gb") && provider->kind != VDI_SIM_PROVIDER_HYPERV)
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST,
                         "\"free_gb\" is for Hyper-V hosts; a vCenter's space is in its datastores");
          return;
        }
      if (json_object_has_member (body, "password") && (password == NULL || *password == '\0'))
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"password\" must be a non-empty string");
          return;
        }

      /* Bring the copies in flight up to now at the old rates before changing them. */
      vdi_sim_world_tick (world);

      if (member_number (body, "latency_ms", &value))
        provider->latency_ms = (guint) CLAMP (value, 0, 600000);
      if (member_number (body, "enumeration_timeout_ms", &value))
        provider->enumeration_timeout_ms = (guint) CLAMP (value, 1, G_MAXINT);
      if (member_number (body, "export_mbps", &value) && value > 0)
        provider->export_mbps = value;
      if (member_number (body, "up_mbps", &value) && value > 0)
        provider->up_mbps = value;
      if (member_number (body, "down_mbps", &value) && value > 0)
        provider->down_mbps = value;
      /* The admin changed the password on the host: what clients send from now on is checked
       * against the new one (a vCenter session already open stays valid, as on a real one). */
      if (password != NULL)
        {
          g_free (provider->password);
          provider->password = g_strdup (password);
        }
      if (member_number (body, "free_gb", &value) && value >= 0)
        vdi_sim_world_set_disk_free (world, provider, value * VDI_SIM_GIB);
      vdi_sim_world_refresh_links (world, provider);
      vdi_sim_world_notify_changed (world);
      respond_ok (self, msg);
    }
  else if (g_strcmp0 (action, "datastores") == 0 && parts[1] != NULL && parts[2] == NULL)
    {
      g_autofree char *name = g_uri_unescape_string (parts[1], NULL);
      VdiSimDatastore *ds = vdi_sim_provider_find_datastore (provider, name);
      JsonNode *accessible;
      double value;

      if (ds == NULL)
        {
          respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "no datastore \"%s\" on %s", name, provider->name);
          return;
        }
      vdi_sim_world_tick (world);
      if (member_number (body, "capacity_gb", &value) && value > 0)
        ds->capacity = (guint64) (value * VDI_SIM_GIB);
      if (member_number (body, "free_gb", &value) && value >= 0)
        ds->free = MIN ((guint64) (value * VDI_SIM_GIB), ds->capacity);
      if (member_number (body, "mbps", &value) && value > 0)
        ds->mbps = value;
      accessible = json_object_get_member (body, "accessible");
      if (accessible != NULL && JSON_NODE_HOLDS_VALUE (accessible)
          && json_node_get_value_type (accessible) == G_TYPE_BOOLEAN)
        ds->accessible = json_node_get_boolean (accessible);
      vdi_sim_world_refresh_links (world, provider);
      vdi_sim_world_notify_changed (world);
      respond_ok (self, msg);
    }
  else
    respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "unknown provider action");
}

static void
control_handler (VdiSimServer      *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GBytes            *body,
                 gpointer           user_data)
{
  VdiSimControl *self = user_data;
  VdiSimWorld *world = vdi_sim_simulator_get_world (self->simulator);
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = g_strcmp0 (method, "GET") == 0;
  gboolean is_post = g_strcmp0 (method, "POST") == 0;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;

  if (is_get && (g_strcmp0 (path, "/inventory") == 0))
    {
      g_autoptr(JsonNode) node = inventory_with_urls (self);

      respond_json (self, msg, SOUP_STATUS_OK, node);
      return;
    }
  if (is_get && g_strcmp0 (path, "/counters") == 0)
    {
      g_autoptr(JsonNode) node = vdi_sim_world_counters_json (world);

      respond_json (self, msg, SOUP_STATUS_OK, node);
      return;
    }
  if (is_get && (g_strcmp0 (path, "/endpoints") == 0 || g_strcmp0 (path, "/") == 0))
    {
      g_autoptr(JsonNode) node = vdi_sim_simulator_endpoints_json (self->simulator);

      respond_json (self, msg, SOUP_STATUS_OK, node);
      return;
    }

  if (!is_post)
    {
      respond_error (self, msg, is_get ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_METHOD_NOT_ALLOWED,
                     "%s %s is not part of the control API", method, path);
      return;
    }

  object = parse_body (body, &error);
  if (object == NULL)
    {
      respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid JSON body: %s", error->message);
      return;
    }

  if (g_strcmp0 (path, "/counters/reset") == 0)
    {
      vdi_sim_world_reset_counters (world);
      respond_ok (self, msg);
      return;
    }
  if (g_strcmp0 (path, "/time-scale") == 0)
    {
      double scale;

      if (!member_number (object, "time_scale", &scale) || scale < 0.001 || scale > 1000000)
        {
          respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "\"time_scale\" must be a number from 0.001 to 1000000");
          return;
        }
      vdi_sim_world_tick (world);
      vdi_sim_clock_set_time_scale (vdi_sim_world_get_clock (world), scale);
      respond_ok (self, msg);
      return;
    }

  parts = g_strsplit (path, "/", 0);
  /* "", "providers", NAME, ACTION, ... */
  if (g_strv_length (parts) >= 4 && g_strcmp0 (parts[1], "providers") == 0)
    {
      g_autofree char *name = g_uri_unescape_string (parts[2], NULL);
      VdiSimProvider *provider = vdi_sim_world_find_provider (world, name);

      if (provider == NULL)
        {
          respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "no provider named \"%s\"", name);
          return;
        }
      handle_provider (self, msg, provider, parts + 3, object);
      return;
    }

  respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "POST %s is not part of the control API", path);
}

VdiSimControl *
vdi_sim_control_new (VdiSimSimulator *simulator,
                     VdiSimServer    *server)
{
  VdiSimControl *self;

  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (simulator), NULL);
  g_return_val_if_fail (VDI_SIM_IS_SERVER (server), NULL);

  self = g_object_new (VDI_SIM_TYPE_CONTROL, NULL);
  self->simulator = simulator;
  self->server = server;
  vdi_sim_server_set_handler (server, control_handler, self);

  return self;
}
