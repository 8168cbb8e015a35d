/* vdi-host.c
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

#include "vdi-target-private.h"
#include "vdi-util.h"

struct _VdiHost
{
  GObject       parent_instance;

  VdiProvider  *provider;
  char         *name;
  char         *datastore;
  char         *vm_id;
  char         *last_error;

  VdiHostState  state;
  gboolean      needs_recreate;

  gpointer      owner;         /* the template, not referenced */
  VdiItemNotify owner_notify;
};

G_DEFINE_FINAL_TYPE (VdiHost, vdi_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PROVIDER,
  PROP_DATASTORE,
  PROP_STATE,
  PROP_VM_ID,
  PROP_LAST_ERROR,
  PROP_NEEDS_RECREATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_host_finalize (GObject *object)
{
  VdiHost *self = (VdiHost *)object;

  g_clear_object (&self->provider);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->datastore, g_free);
  g_clear_pointer (&self->vm_id, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (vdi_host_parent_class)->finalize (object);
}

static void
vdi_host_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VdiHost *self = VDI_HOST (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    case PROP_DATASTORE:
      g_value_set_string (value, self->datastore);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_VM_ID:
      g_value_set_string (value, self->vm_id);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_NEEDS_RECREATE:
      g_value_set_boolean (value, self->needs_recreate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_host_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VdiHost *self = VDI_HOST (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_PROVIDER:
      vdi_host_set_provider (self, g_value_get_object (value));
      break;

    case PROP_DATASTORE:
      vdi_host_set_datastore (self, g_value_get_string (value));
      break;

    case PROP_STATE:
      vdi_host_set_state (self, g_value_get_enum (value));
      break;

    case PROP_VM_ID:
      vdi_host_set_vm_id (self, g_value_get_string (value));
      break;

    case PROP_LAST_ERROR:
      vdi_host_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_NEEDS_RECREATE:
      vdi_host_set_needs_recreate (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

gboolean
_vdi_host_is_owned_by (VdiHost  *self,
                       gpointer  owner)
{
  g_return_val_if_fail (VDI_IS_HOST (self), FALSE);

  return self->owner == owner;
}

void
_vdi_host_set_owner (VdiHost       *self,
                     gpointer       owner,
                     VdiItemNotify  func)
{
  g_return_if_fail (VDI_IS_HOST (self));

  self->owner = owner;
  self->owner_notify = owner != NULL ? func : NULL;
}

static void
vdi_host_notify (GObject    *object,
                 GParamSpec *pspec)
{
  VdiHost *self = (VdiHost *)object;

  if (self->owner_notify != NULL)
    self->owner_notify (self->owner, self, pspec);
  if (G_OBJECT_CLASS (vdi_host_parent_class)->notify != NULL)
    G_OBJECT_CLASS (vdi_host_parent_class)->notify (object, pspec);
}

static void
vdi_host_class_init (VdiHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_host_finalize;
  object_class->notify = vdi_host_notify;
  object_class->get_property = vdi_host_get_property;
  object_class->set_property = vdi_host_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER] = g_param_spec_object ("provider", NULL, NULL, VDI_TYPE_PROVIDER, rw);
  properties[PROP_DATASTORE] = g_param_spec_string ("datastore", NULL, NULL, NULL, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VDI_TYPE_HOST_STATE, VDI_HOST_STATE_CREATING, rw);
  properties[PROP_VM_ID] = g_param_spec_string ("vm-id", NULL, NULL, NULL, rw);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, rw);
  properties[PROP_NEEDS_RECREATE] =
    g_param_spec_boolean ("needs-recreate", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_host_init (VdiHost *self)
{
  self->state = VDI_HOST_STATE_CREATING;
}

VdiHost *
vdi_host_new (const char  *name,
              VdiProvider *provider)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (provider == NULL || VDI_IS_PROVIDER (provider), NULL);

  return g_object_new (VDI_TYPE_HOST, "name", name, "provider", provider, NULL);
}

const char *
vdi_host_get_name (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), NULL);

  return self->name;
}

VdiProvider *
vdi_host_get_provider (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), NULL);

  return self->provider;
}

void
vdi_host_set_provider (VdiHost     *self,
                       VdiProvider *provider)
{
  g_return_if_fail (VDI_IS_HOST (self));
  g_return_if_fail (provider == NULL || VDI_IS_PROVIDER (provider));

  if (g_set_object (&self->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

const char *
vdi_host_get_datastore (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), NULL);

  return self->datastore;
}

void
vdi_host_set_datastore (VdiHost    *self,
                        const char *datastore)
{
  g_return_if_fail (VDI_IS_HOST (self));

  if (vdi_set_str (&self->datastore, datastore))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASTORE]);
}

VdiHostState
vdi_host_get_state (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), VDI_HOST_STATE_CREATING);

  return self->state;
}

void
vdi_host_set_state (VdiHost      *self,
                    VdiHostState  state)
{
  g_return_if_fail (VDI_IS_HOST (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

const char *
vdi_host_get_vm_id (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), NULL);

  return self->vm_id;
}

void
vdi_host_set_vm_id (VdiHost    *self,
                    const char *vm_id)
{
  g_return_if_fail (VDI_IS_HOST (self));

  if (vdi_set_str (&self->vm_id, vm_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VM_ID]);
}

const char *
vdi_host_get_last_error (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), NULL);

  return self->last_error;
}

void
vdi_host_set_last_error (VdiHost    *self,
                         const char *last_error)
{
  g_return_if_fail (VDI_IS_HOST (self));

  if (vdi_set_str (&self->last_error, last_error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/**
 * vdi_host_get_needs_recreate:
 *
 * Whether the host is still the VM made from an earlier version of its template: a recreate
 * that could not reach its provider leaves it so, for the admin to recreate later.
 */
gboolean
vdi_host_get_needs_recreate (VdiHost *self)
{
  g_return_val_if_fail (VDI_IS_HOST (self), FALSE);

  return self->needs_recreate;
}

void
vdi_host_set_needs_recreate (VdiHost  *self,
                             gboolean  needs_recreate)
{
  g_return_if_fail (VDI_IS_HOST (self));

  needs_recreate = !!needs_recreate;
  if (self->needs_recreate != needs_recreate)
    {
      self->needs_recreate = needs_recreate;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_RECREATE]);
    }
}
