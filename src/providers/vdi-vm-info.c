/* vdi-vm-info.c
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

#include "vdi-vm-info.h"

struct _VdiVmInfo
{
  GObject parent_instance;

  char *id;
  char *name;
  gboolean is_template;
  gboolean powered_on;
  guint64 disk_bytes;
  char *host;
  char *datastore;
  char *datastore_id;
  gboolean planned;
};

G_DEFINE_FINAL_TYPE (VdiVmInfo, vdi_vm_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_IS_TEMPLATE,
  PROP_POWERED_ON,
  PROP_DISK_BYTES,
  PROP_HOST,
  PROP_DATASTORE,
  PROP_DATASTORE_ID,
  PROP_PLANNED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_vm_info_finalize (GObject *object)
{
  VdiVmInfo *self = (VdiVmInfo *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->datastore, g_free);
  g_clear_pointer (&self->datastore_id, g_free);

  G_OBJECT_CLASS (vdi_vm_info_parent_class)->finalize (object);
}

static void
vdi_vm_info_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VdiVmInfo *self = VDI_VM_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_IS_TEMPLATE:
      g_value_set_boolean (value, self->is_template);
      break;

    case PROP_POWERED_ON:
      g_value_set_boolean (value, self->powered_on);
      break;

    case PROP_DISK_BYTES:
      g_value_set_uint64 (value, self->disk_bytes);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_DATASTORE:
      g_value_set_string (value, self->datastore);
      break;

    case PROP_DATASTORE_ID:
      g_value_set_string (value, self->datastore_id);
      break;

    case PROP_PLANNED:
      g_value_set_boolean (value, self->planned);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_vm_info_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VdiVmInfo *self = VDI_VM_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_IS_TEMPLATE:
      self->is_template = g_value_get_boolean (value);
      break;

    case PROP_POWERED_ON:
      self->powered_on = g_value_get_boolean (value);
      break;

    case PROP_DISK_BYTES:
      self->disk_bytes = g_value_get_uint64 (value);
      break;

    case PROP_HOST:
      self->host = g_value_dup_string (value);
      break;

    case PROP_DATASTORE:
      self->datastore = g_value_dup_string (value);
      break;

    case PROP_DATASTORE_ID:
      self->datastore_id = g_value_dup_string (value);
      break;

    case PROP_PLANNED:
      self->planned = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_vm_info_class_init (VdiVmInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_vm_info_finalize;
  object_class->get_property = vdi_vm_info_get_property;
  object_class->set_property = vdi_vm_info_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_IS_TEMPLATE] = g_param_spec_boolean ("is-template", NULL, NULL, FALSE, flags);
  properties[PROP_POWERED_ON] = g_param_spec_boolean ("powered-on", NULL, NULL, FALSE, flags);
  properties[PROP_DISK_BYTES] = g_param_spec_uint64 ("disk-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, flags);
  properties[PROP_DATASTORE] = g_param_spec_string ("datastore", NULL, NULL, NULL, flags);
  properties[PROP_DATASTORE_ID] = g_param_spec_string ("datastore-id", NULL, NULL, NULL, flags);
  properties[PROP_PLANNED] = g_param_spec_boolean ("planned", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_vm_info_init (VdiVmInfo *self)
{
}

VdiVmInfo *
vdi_vm_info_new (const char *id,
                 const char *name,
                 gboolean    is_template,
                 gboolean    powered_on,
                 guint64     disk_bytes,
                 const char *host,
                 const char *datastore,
                 const char *datastore_id)
{
  return g_object_new (VDI_TYPE_VM_INFO,
                       "id", id,
                       "name", name,
                       "is-template", is_template,
                       "powered-on", powered_on,
                       "disk-bytes", disk_bytes,
                       "host", host,
                       "datastore", datastore,
                       "datastore-id", datastore_id,
                       NULL);
}

/* A planned VM is off and owns no disk of its own yet: those values would only mislead. */
VdiVmInfo *
vdi_vm_info_new_planned (const char *id,
                         const char *name)
{
  return g_object_new (VDI_TYPE_VM_INFO,
                       "id", id,
                       "name", name,
                       "planned", TRUE,
                       NULL);
}

const char *
vdi_vm_info_get_id (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), NULL);

  return self->id;
}

const char *
vdi_vm_info_get_name (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), NULL);

  return self->name;
}

gboolean
vdi_vm_info_get_is_template (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), FALSE);

  return self->is_template;
}

gboolean
vdi_vm_info_get_powered_on (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), FALSE);

  return self->powered_on;
}

guint64
vdi_vm_info_get_disk_bytes (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), 0);

  return self->disk_bytes;
}

const char *
vdi_vm_info_get_host (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), NULL);

  return self->host;
}

const char *
vdi_vm_info_get_datastore (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), NULL);

  return self->datastore;
}

const char *
vdi_vm_info_get_datastore_id (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), NULL);

  return self->datastore_id;
}

gboolean
vdi_vm_info_get_planned (VdiVmInfo *self)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (self), FALSE);

  return self->planned;
}
