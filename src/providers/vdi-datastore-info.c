/* vdi-datastore-info.c
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

#include "vdi-datastore-info.h"

struct _VdiDatastoreInfo
{
  GObject parent_instance;

  char *id;
  char *name;
  char *kind;
  guint64 capacity;
  guint64 free_space;
  gboolean accessible;
};

G_DEFINE_FINAL_TYPE (VdiDatastoreInfo, vdi_datastore_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_CAPACITY,
  PROP_FREE_SPACE,
  PROP_ACCESSIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_datastore_info_finalize (GObject *object)
{
  VdiDatastoreInfo *self = (VdiDatastoreInfo *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->kind, g_free);

  G_OBJECT_CLASS (vdi_datastore_info_parent_class)->finalize (object);
}

static void
vdi_datastore_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VdiDatastoreInfo *self = VDI_DATASTORE_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;

    case PROP_CAPACITY:
      g_value_set_uint64 (value, self->capacity);
      break;

    case PROP_FREE_SPACE:
      g_value_set_uint64 (value, self->free_space);
      break;

    case PROP_ACCESSIBLE:
      g_value_set_boolean (value, self->accessible);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_datastore_info_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VdiDatastoreInfo *self = VDI_DATASTORE_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_KIND:
      self->kind = g_value_dup_string (value);
      break;

    case PROP_CAPACITY:
      self->capacity = g_value_get_uint64 (value);
      break;

    case PROP_FREE_SPACE:
      self->free_space = g_value_get_uint64 (value);
      break;

    case PROP_ACCESSIBLE:
      self->accessible = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_datastore_info_class_init (VdiDatastoreInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_datastore_info_finalize;
  object_class->get_property = vdi_datastore_info_get_property;
  object_class->set_property = vdi_datastore_info_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_CAPACITY] = g_param_spec_uint64 ("capacity", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FREE_SPACE] = g_param_spec_uint64 ("free-space", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ACCESSIBLE] = g_param_spec_boolean ("accessible", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_datastore_info_init (VdiDatastoreInfo *self)
{
}

VdiDatastoreInfo *
vdi_datastore_info_new (const char *id,
                        const char *name,
                        const char *kind,
                        guint64     capacity,
                        guint64     free_space,
                        gboolean    accessible)
{
  return g_object_new (VDI_TYPE_DATASTORE_INFO,
                       "id", id,
                       "name", name,
                       "kind", kind,
                       "capacity", capacity,
                       "free-space", free_space,
                       "accessible", accessible,
                       NULL);
}

const char *
vdi_datastore_info_get_id (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), NULL);

  return self->id;
}

const char *
vdi_datastore_info_get_name (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), NULL);

  return self->name;
}

const char *
vdi_datastore_info_get_kind (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), NULL);

  return self->kind;
}

guint64
vdi_datastore_info_get_capacity (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), 0);

  return self->capacity;
}

guint64
vdi_datastore_info_get_free_space (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), 0);

  return self->free_space;
}

gboolean
vdi_datastore_info_get_accessible (VdiDatastoreInfo *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (self), FALSE);

  return self->accessible;
}
