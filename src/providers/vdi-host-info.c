/* vdi-host-info.c
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

#include "vdi-host-info.h"

struct _VdiHostInfo
{
  GObject parent_instance;

  char *id;
  char *name;
  gboolean connected;
};

G_DEFINE_FINAL_TYPE (VdiHostInfo, vdi_host_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_host_info_finalize (GObject *object)
{
  VdiHostInfo *self = (VdiHostInfo *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (vdi_host_info_parent_class)->finalize (object);
}

static void
vdi_host_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VdiHostInfo *self = VDI_HOST_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_host_info_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VdiHostInfo *self = VDI_HOST_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_CONNECTED:
      self->connected = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_host_info_class_init (VdiHostInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_host_info_finalize;
  object_class->get_property = vdi_host_info_get_property;
  object_class->set_property = vdi_host_info_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_host_info_init (VdiHostInfo *self)
{
}

VdiHostInfo *
vdi_host_info_new (const char *id,
                   const char *name,
                   gboolean    connected)
{
  return g_object_new (VDI_TYPE_HOST_INFO,
                       "id", id,
                       "name", name,
                       "connected", connected,
                       NULL);
}

const char *
vdi_host_info_get_id (VdiHostInfo *self)
{
  g_return_val_if_fail (VDI_IS_HOST_INFO (self), NULL);

  return self->id;
}

const char *
vdi_host_info_get_name (VdiHostInfo *self)
{
  g_return_val_if_fail (VDI_IS_HOST_INFO (self), NULL);

  return self->name;
}

gboolean
vdi_host_info_get_connected (VdiHostInfo *self)
{
  g_return_val_if_fail (VDI_IS_HOST_INFO (self), FALSE);

  return self->connected;
}
