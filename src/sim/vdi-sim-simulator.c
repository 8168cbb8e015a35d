/* vdi-sim-simulator.c
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

#include "vdi-sim-control.h"
#include "vdi-sim-simulator.h"
#include "vdi-sim-vim.h"
#include "vdi-sim-wsman.h"

/* Ties a world to its servers: one per provider, speaking that provider's protocol, and
 * the control endpoint. */
struct _VdiSimSimulator
{
  GObject         parent_instance;

  VdiSimWorld    *world;
  char           *bind_address;
  guint           control_port;
  GHashTable     *servers;    /* VdiSimProvider -> VdiSimServer */
  GPtrArray      *frontends;  /* VdiSimWsman / VdiSimVim */
  VdiSimServer   *control_server;
  VdiSimControl  *control;
};

G_DEFINE_FINAL_TYPE (VdiSimSimulator, vdi_sim_simulator, G_TYPE_OBJECT)

static void
vdi_sim_simulator_dispose (GObject *object)
{
  VdiSimSimulator *self = VDI_SIM_SIMULATOR (object);

  g_clear_object (&self->control);
  g_clear_object (&self->control_server);
  g_clear_pointer (&self->frontends, g_ptr_array_unref);
  g_clear_pointer (&self->servers, g_hash_table_unref);
  g_clear_object (&self->world);

  G_OBJECT_CLASS (vdi_sim_simulator_parent_class)->dispose (object);
}

static void
vdi_sim_simulator_finalize (GObject *object)
{
  VdiSimSimulator *self = VDI_SIM_SIMULATOR (object);

  g_free (self->bind_address);

  G_OBJECT_CLASS (vdi_sim_simulator_parent_class)->finalize (object);
}

static void
vdi_sim_simulator_class_init (VdiSimSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_sim_simulator_dispose;
  object_class->finalize = vdi_sim_simulator_finalize;
}

static void
vdi_sim_simulator_init (VdiSimSimulator *self)
{
  self->servers = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->frontends = g_ptr_array_new_with_free_func (g_object_unref);
}

VdiSimSimulator *
vdi_sim_simulator_new (VdiSimWorld *world,
                       const char  *bind_address,
                       guint        control_port)
{
  VdiSimSimulator *self;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (world), NULL);

  self = g_object_new (VDI_SIM_TYPE_SIMULATOR, NULL);
  self->world = g_object_ref (world);
  self->bind_address = g_strdup (bind_address != NULL ? bind_address : "127.0.0.1");
  self->control_port = control_port;

  return self;
}

gboolean
vdi_sim_simulator_start (VdiSimSimulator  *self,
                         GError          **error)
{
  GPtrArray *providers;

  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), FALSE);

  /* Check once up front so nothing listens at all when the address is wrong. */
  if (!vdi_sim_check_bind_address (self->bind_address, error))
    return FALSE;

  providers = vdi_sim_world_get_providers (self->world);
  for (guint i = 0; i < providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (providers, i);
      g_autoptr(VdiSimServer) server = vdi_sim_server_new (self->bind_address, provider->port, provider);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        g_ptr_array_add (self->frontends, vdi_sim_wsman_new (self->world, server));
      else
        g_ptr_array_add (self->frontends, vdi_sim_vim_new (self->world, server));

      if (!vdi_sim_server_start (server, error))
        return FALSE;

      /* From now on the provider's port is the one it really listens on. */
      provider->port = vdi_sim_server_get_port (server);
      g_hash_table_insert (self->servers, provider, g_steal_pointer (&server));
    }

  self->control_server = vdi_sim_server_new (self->bind_address, self->control_port, NULL);
  self->control = vdi_sim_control_new (self, self->control_server);
  if (!vdi_sim_server_start (self->control_server, error))
    return FALSE;

  return TRUE;
}

VdiSimWorld *
vdi_sim_simulator_get_world (VdiSimSimulator *self)
{
  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), NULL);
  return self->world;
}

char *
vdi_sim_simulator_get_control_url (VdiSimSimulator *self)
{
  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), NULL);
  g_return_val_if_fail (self->control_server != NULL, NULL);

  return vdi_sim_server_get_url (self->control_server, "/");
}

VdiSimServer *
vdi_sim_simulator_get_server (VdiSimSimulator *self,
                              VdiSimProvider  *provider)
{
  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), NULL);
  return g_hash_table_lookup (self->servers, provider);
}

char *
vdi_sim_simulator_get_provider_url (VdiSimSimulator *self,
                                    VdiSimProvider  *provider)
{
  VdiSimServer *server;

  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), NULL);

  server = g_hash_table_lookup (self->servers, provider);
  if (server == NULL)
    return NULL;

  return vdi_sim_server_get_url (server, provider->kind == VDI_SIM_PROVIDER_HYPERV ? "/wsman" : "/sdk");
}

JsonNode *
vdi_sim_simulator_endpoints_json (VdiSimSimulator *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *control = NULL;
  GPtrArray *providers;

  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), NULL);

  control = vdi_sim_simulator_get_control_url (self);
  providers = vdi_sim_world_get_providers (self->world);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "control");
  json_builder_add_string_value (builder, control);
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (providers, i);
      g_autofree char *url = vdi_sim_simulator_get_provider_url (self, provider);
      VdiSimServer *server = g_hash_table_lookup (self->servers, provider);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, provider->name);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, vdi_sim_provider_kind_to_string (provider->kind));
      json_builder_set_member_name (builder, "subtype");
      json_builder_add_string_value (builder, provider->subtype);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, self->bind_address);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, server != NULL ? vdi_sim_server_get_port (server) : 0);
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, provider->user);
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, provider->password);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
vdi_sim_simulator_endpoints_line (VdiSimSimulator *self)
{
  g_autoptr(JsonNode) node = vdi_sim_simulator_endpoints_json (self);

  return json_to_string (node, FALSE);
}

gboolean
vdi_sim_simulator_set_offline (VdiSimSimulator    *self,
                               VdiSimProvider     *provider,
                               VdiSimOfflineMode   mode,
                               GError            **error)
{
  VdiSimServer *server;

  g_return_val_if_fail (VDI_SIM_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  vdi_sim_world_set_offline (self->world, provider, mode);
  server = g_hash_table_lookup (self->servers, provider);
  if (server == NULL)
    return TRUE;

  return vdi_sim_server_apply_offline (server, error);
}
