/* vdi-template.c
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

#include <glib/gi18n-lib.h>

#include "vdi-farm.h"
#include "vdi-name-format.h"
#include "vdi-target-private.h"
#include "vdi-template.h"
#include "vdi-util.h"

#define DEFAULT_HOST_NAME_FORMAT "VDI-%ID:3%"
#define MAX_NAME_LENGTH 128

struct _VdiTemplate
{
  GObject            parent_instance;

  /* Owned references */
  VdiProvider       *source_provider;
  GListStore        *targets;
  GListStore        *hosts;
  char              *id;
  char              *name;
  char              *source_vm_name;
  char              *source_vm_id;
  char              *host_name_format;
  char             **datastores;
  GDateTime         *created_at;

  /* Scalars */
  VdiTemplateStatus  status;
  VdiDistribution    distribution;
  VdiCloneMethod     clone_method;
  VdiDatastoreMode   datastore_mode;
  double             distribution_fraction;
  guint              concurrency;
  guint              initial_hosts;
  guint              max_hosts;
  guint              hosts_ready;

  guint              multi_provider : 1;
  guint              locked : 1;
  guint              relay : 1;
};

G_DEFINE_FINAL_TYPE (VdiTemplate, vdi_template, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_SOURCE_PROVIDER,
  PROP_SOURCE_VM_NAME,
  PROP_SOURCE_VM_ID,
  PROP_STATUS,
  PROP_MULTI_PROVIDER,
  PROP_LOCKED,
  PROP_CONCURRENCY,
  PROP_RELAY,
  PROP_HOST_NAME_FORMAT,
  PROP_INITIAL_HOSTS,
  PROP_MAX_HOSTS,
  PROP_CLONE_METHOD,
  PROP_DATASTORE_MODE,
  PROP_DATASTORES,
  PROP_CREATED_AT,
  PROP_DISTRIBUTION,
  PROP_DISTRIBUTION_FRACTION,
  PROP_TARGETS,
  PROP_HOSTS,
  PROP_HOSTS_READY,
  PROP_HOSTS_TOTAL,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
notify (VdiTemplate *self,
        guint        prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* DESIGN §2: any add running → Adding provider; any removal → Removing provider; else any copy
 * running → Distributing; else any target failed → Failed to distribute; else OK. */
static VdiDistribution
compute_distribution (VdiTemplate *self,
                      double      *fraction)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->targets));
  gboolean adding = FALSE, removing = FALSE, copying = FALSE, failed = FALSE;
  double percent_sum = 0;
  guint n_busy = 0;

  *fraction = -1;

  if (!self->multi_provider)
    return VDI_DISTRIBUTION_NONE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (G_LIST_MODEL (self->targets), i);

      switch (vdi_target_get_progress (target))
        {
        case VDI_DISTRIBUTION_ADDING_PROVIDER:
          adding = TRUE;
          break;

        case VDI_DISTRIBUTION_REMOVING_PROVIDER:
          removing = TRUE;
          break;

        case VDI_DISTRIBUTION_DISTRIBUTING:
          copying = TRUE;
          break;

        case VDI_DISTRIBUTION_FAILED:
          failed = TRUE;
          break;

        case VDI_DISTRIBUTION_NONE:
        case VDI_DISTRIBUTION_OK:
        default:
          break;
        }

      if (vdi_target_is_busy (target))
        {
          percent_sum += vdi_target_get_percent (target);
          n_busy++;
        }
      else if (vdi_target_get_state (target) != VDI_TARGET_STATE_READY)
        failed = TRUE;
    }

  if (n_busy > 0)
    *fraction = percent_sum / n_busy / 100.0;

  if (adding)
    return VDI_DISTRIBUTION_ADDING_PROVIDER;
  if (removing)
    return VDI_DISTRIBUTION_REMOVING_PROVIDER;
  if (copying)
    return VDI_DISTRIBUTION_DISTRIBUTING;
  if (failed)
    return VDI_DISTRIBUTION_FAILED;
  return VDI_DISTRIBUTION_OK;
}

static void
update_distribution (VdiTemplate *self)
{
  double fraction;
  VdiDistribution distribution = compute_distribution (self, &fraction);

  if (distribution != self->distribution)
    {
      self->distribution = distribution;
      notify (self, PROP_DISTRIBUTION);
    }
  if (fraction != self->distribution_fraction)
    {
      self->distribution_fraction = fraction;
      notify (self, PROP_DISTRIBUTION_FRACTION);
    }
}

static void
update_hosts_ready (VdiTemplate *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->hosts));
  guint ready = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (G_LIST_MODEL (self->hosts), i);

      if (vdi_host_get_state (host) == VDI_HOST_STATE_READY)
        ready++;
    }

  if (ready != self->hosts_ready)
    {
      self->hosts_ready = ready;
      notify (self, PROP_HOSTS_READY);
    }
}

/* Values derived from others or measured live are not part of what a farm file records, so
 * they do not make the template "changed". */
static gboolean
is_persisted_template_property (const char *name)
{
  static const char * const live[] = { "distribution", "distribution-fraction", "hosts-ready",
                                       "hosts-total", "locked", NULL };

  return !g_strv_contains (live, name);
}

static gboolean
is_persisted_target_property (const char *name)
{
  static const char * const live[] = { "rate", "seconds-left", "updated-at", NULL };

  return !g_strv_contains (live, name);
}

static void
emit_changed (VdiTemplate *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A target's property changed (see _vdi_target_set_owner()). */
static void
on_target_notify (gpointer    owner,
                  gpointer    target,
                  GParamSpec *pspec)
{
  VdiTemplate *self = owner;
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "progress") || g_str_equal (name, "state") ||
      g_str_equal (name, "percent"))
    update_distribution (self);

  if (is_persisted_target_property (name))
    emit_changed (self);
}

static void
on_host_notify (gpointer    owner,
                gpointer    host,
                GParamSpec *pspec)
{
  VdiTemplate *self = owner;

  if (g_str_equal (g_param_spec_get_name (pspec), "state"))
    update_hosts_ready (self);

  emit_changed (self);
}

static void
vdi_template_notify (GObject    *object,
                     GParamSpec *pspec)
{
  if (is_persisted_template_property (g_param_spec_get_name (pspec)))
    emit_changed (VDI_TEMPLATE (object));

  if (G_OBJECT_CLASS (vdi_template_parent_class)->notify != NULL)
    G_OBJECT_CLASS (vdi_template_parent_class)->notify (object, pspec);
}

static void
vdi_template_constructed (GObject *object)
{
  VdiTemplate *self = (VdiTemplate *)object;
  g_autoptr(VdiTarget) source = NULL;

  G_OBJECT_CLASS (vdi_template_parent_class)->constructed (object);

  g_return_if_fail (VDI_IS_PROVIDER (self->source_provider));

  if (self->id == NULL)
    self->id = g_uuid_string_random ();

  /* The source always holds the template itself, so its share is ready from the start. */
  source = vdi_target_new (self->source_provider, TRUE);
  vdi_target_set_state (source, VDI_TARGET_STATE_READY);
  vdi_target_set_progress (source, VDI_DISTRIBUTION_OK);
  vdi_target_set_step (source, VDI_TARGET_STEP_REGISTERED);
  _vdi_target_set_owner (source, self, on_target_notify);
  g_list_store_append (self->targets, source);
}

/* A host this template lets go of; it may belong to another by now (a following farm moves
 * the hosts of a template it read into its own). */
static void
release_host (VdiTemplate *self,
              VdiHost     *host)
{
  if (_vdi_host_is_owned_by (host, self))
    _vdi_host_set_owner (host, NULL, NULL);
}

static void
vdi_template_dispose (GObject *object)
{
  VdiTemplate *self = (VdiTemplate *)object;
  GListModel *targets = G_LIST_MODEL (self->targets);
  GListModel *hosts = G_LIST_MODEL (self->hosts);

  for (guint i = 0, n = targets != NULL ? g_list_model_get_n_items (targets) : 0; i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      _vdi_target_set_owner (target, NULL, NULL);
    }
  for (guint i = 0, n = hosts != NULL ? g_list_model_get_n_items (hosts) : 0; i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      release_host (self, host);
    }

  G_OBJECT_CLASS (vdi_template_parent_class)->dispose (object);
}

static void
vdi_template_finalize (GObject *object)
{
  VdiTemplate *self = (VdiTemplate *)object;

  g_clear_object (&self->source_provider);
  g_clear_object (&self->targets);
  g_clear_object (&self->hosts);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->source_vm_name, g_free);
  g_clear_pointer (&self->source_vm_id, g_free);
  g_clear_pointer (&self->host_name_format, g_free);
  g_clear_pointer (&self->datastores, g_strfreev);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (vdi_template_parent_class)->finalize (object);
}

static void
vdi_template_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VdiTemplate *self = VDI_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SOURCE_PROVIDER:
      g_value_set_object (value, self->source_provider);
      break;

    case PROP_SOURCE_VM_NAME:
      g_value_set_string (value, self->source_vm_name);
      break;

    case PROP_SOURCE_VM_ID:
      g_value_set_string (value, self->source_vm_id);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_MULTI_PROVIDER:
      g_value_set_boolean (value, self->multi_provider);
      break;

    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;

    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;

    case PROP_RELAY:
      g_value_set_boolean (value, self->relay);
      break;

    case PROP_HOST_NAME_FORMAT:
      g_value_set_string (value, self->host_name_format);
      break;

    case PROP_INITIAL_HOSTS:
      g_value_set_uint (value, self->initial_hosts);
      break;

    case PROP_MAX_HOSTS:
      g_value_set_uint (value, self->max_hosts);
      break;

    case PROP_CLONE_METHOD:
      g_value_set_enum (value, self->clone_method);
      break;

    case PROP_DATASTORE_MODE:
      g_value_set_enum (value, self->datastore_mode);
      break;

    case PROP_DATASTORES:
      g_value_set_boxed (value, self->datastores);
      break;

    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;

    case PROP_DISTRIBUTION:
      g_value_set_enum (value, self->distribution);
      break;

    case PROP_DISTRIBUTION_FRACTION:
      g_value_set_double (value, self->distribution_fraction);
      break;

    case PROP_TARGETS:
      g_value_set_object (value, self->targets);
      break;

    case PROP_HOSTS:
      g_value_set_object (value, self->hosts);
      break;

    case PROP_HOSTS_READY:
      g_value_set_uint (value, self->hosts_ready);
      break;

    case PROP_HOSTS_TOTAL:
      g_value_set_uint (value, vdi_template_get_hosts_total (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_template_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VdiTemplate *self = VDI_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      vdi_template_set_name (self, g_value_get_string (value));
      break;

    case PROP_SOURCE_PROVIDER:
      self->source_provider = g_value_dup_object (value);
      break;

    case PROP_SOURCE_VM_NAME:
      self->source_vm_name = g_value_dup_string (value);
      break;

    case PROP_SOURCE_VM_ID:
      vdi_template_set_source_vm_id (self, g_value_get_string (value));
      break;

    case PROP_STATUS:
      vdi_template_set_status (self, g_value_get_enum (value));
      break;

    case PROP_MULTI_PROVIDER:
      {
        g_autoptr(GError) error = NULL;

        if (!vdi_template_set_multi_provider (self, g_value_get_boolean (value), &error))
          g_warning ("%s", error->message);
      }
      break;

    case PROP_CONCURRENCY:
      {
        g_autoptr(GError) error = NULL;

        if (!vdi_template_set_concurrency (self, g_value_get_uint (value), &error))
          g_warning ("%s", error->message);
      }
      break;

    case PROP_RELAY:
      vdi_template_set_relay (self, g_value_get_boolean (value));
      break;

    case PROP_HOST_NAME_FORMAT:
      vdi_template_set_host_name_format (self, g_value_get_string (value));
      break;

    case PROP_INITIAL_HOSTS:
      vdi_template_set_initial_hosts (self, g_value_get_uint (value));
      break;

    case PROP_MAX_HOSTS:
      vdi_template_set_max_hosts (self, g_value_get_uint (value));
      break;

    case PROP_CLONE_METHOD:
      vdi_template_set_clone_method (self, g_value_get_enum (value));
      break;

    case PROP_DATASTORE_MODE:
      vdi_template_set_datastore_mode (self, g_value_get_enum (value));
      break;

    case PROP_DATASTORES:
      vdi_template_set_datastores (self, g_value_get_boxed (value));
      break;

    case PROP_CREATED_AT:
      vdi_template_set_created_at (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_template_class_init (VdiTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = vdi_template_constructed;
  object_class->dispose = vdi_template_dispose;
  object_class->finalize = vdi_template_finalize;
  object_class->get_property = vdi_template_get_property;
  object_class->set_property = vdi_template_set_property;
  object_class->notify = vdi_template_notify;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, co);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_SOURCE_PROVIDER] =
    g_param_spec_object ("source-provider", NULL, NULL, VDI_TYPE_PROVIDER, co);
  properties[PROP_SOURCE_VM_NAME] = g_param_spec_string ("source-vm-name", NULL, NULL, NULL, co);
  properties[PROP_SOURCE_VM_ID] = g_param_spec_string ("source-vm-id", NULL, NULL, NULL, rw);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       VDI_TYPE_TEMPLATE_STATUS, VDI_TEMPLATE_STATUS_OK, rw);
  properties[PROP_MULTI_PROVIDER] =
    g_param_spec_boolean ("multi-provider", NULL, NULL, FALSE, rw);
  properties[PROP_LOCKED] = g_param_spec_boolean ("locked", NULL, NULL, FALSE, ro);
  properties[PROP_CONCURRENCY] = g_param_spec_uint ("concurrency", NULL, NULL, 1, 1024, 1, rw);
  /* Off unless set: a template stored before the setting existed copies from its source only.
   * New templates (the wizard, vdictl) turn it on. */
  properties[PROP_RELAY] = g_param_spec_boolean ("relay", NULL, NULL, FALSE, rw);
  properties[PROP_HOST_NAME_FORMAT] =
    g_param_spec_string ("host-name-format", NULL, NULL, DEFAULT_HOST_NAME_FORMAT, rw);
  properties[PROP_INITIAL_HOSTS] =
    g_param_spec_uint ("initial-hosts", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_MAX_HOSTS] = g_param_spec_uint ("max-hosts", NULL, NULL, 1, G_MAXUINT, 10, rw);
  properties[PROP_CLONE_METHOD] =
    g_param_spec_enum ("clone-method", NULL, NULL,
                       VDI_TYPE_CLONE_METHOD, VDI_CLONE_METHOD_FULL, rw);
  properties[PROP_DATASTORE_MODE] =
    g_param_spec_enum ("datastore-mode", NULL, NULL,
                       VDI_TYPE_DATASTORE_MODE, VDI_DATASTORE_MODE_SOURCE, rw);
  properties[PROP_DATASTORES] =
    g_param_spec_boxed ("datastores", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_DISTRIBUTION] =
    g_param_spec_enum ("distribution", NULL, NULL,
                       VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_NONE, ro);
  properties[PROP_DISTRIBUTION_FRACTION] =
    g_param_spec_double ("distribution-fraction", NULL, NULL, -1, 1, -1, ro);
  properties[PROP_TARGETS] =
    g_param_spec_object ("targets", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_HOSTS] = g_param_spec_object ("hosts", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_HOSTS_READY] =
    g_param_spec_uint ("hosts-ready", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_HOSTS_TOTAL] =
    g_param_spec_uint ("hosts-total", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VdiTemplate::changed:
   *
   * Something a farm file records changed: a setting, a target, a host, or the lists of
   * targets and hosts. Live values (rates, derived columns) do not emit it.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vdi_template_init (VdiTemplate *self)
{
  self->targets = g_list_store_new (VDI_TYPE_TARGET);
  self->hosts = g_list_store_new (VDI_TYPE_HOST);
  self->host_name_format = g_strdup (DEFAULT_HOST_NAME_FORMAT);
  self->concurrency = 1;
  self->max_hosts = 10;
  self->distribution = VDI_DISTRIBUTION_NONE;
  self->distribution_fraction = -1;
  self->datastores = g_new0 (char *, 1);
}

/**
 * vdi_template_new:
 * @id: (nullable): a stable id, or %NULL for a new random one
 */
VdiTemplate *
vdi_template_new (const char  *id,
                  const char  *name,
                  VdiProvider *source_provider,
                  const char  *source_vm_name)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (source_provider), NULL);

  return g_object_new (VDI_TYPE_TEMPLATE,
                       "id", id,
                       "name", name,
                       "source-provider", source_provider,
                       "source-vm-name", source_vm_name,
                       NULL);
}

const char *
vdi_template_get_id (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->id;
}

const char *
vdi_template_get_name (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->name;
}

void
vdi_template_set_name (VdiTemplate *self,
                       const char  *name)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (vdi_set_str (&self->name, name))
    notify (self, PROP_NAME);
}

VdiProvider *
vdi_template_get_source_provider (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->source_provider;
}

const char *
vdi_template_get_source_vm_name (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->source_vm_name;
}

const char *
vdi_template_get_source_vm_id (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->source_vm_id;
}

void
vdi_template_set_source_vm_id (VdiTemplate *self,
                               const char  *source_vm_id)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (vdi_set_str (&self->source_vm_id, source_vm_id))
    notify (self, PROP_SOURCE_VM_ID);
}

VdiTemplateStatus
vdi_template_get_status (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), VDI_TEMPLATE_STATUS_OK);

  return self->status;
}

void
vdi_template_set_status (VdiTemplate       *self,
                         VdiTemplateStatus  status)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->status != status)
    {
      self->status = status;
      notify (self, PROP_STATUS);
    }
}

gboolean
vdi_template_get_multi_provider (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  return self->multi_provider;
}

/**
 * vdi_template_set_multi_provider:
 *
 * Turns multi-provider distribution on or off. Only Hyper-V templates distribute to other
 * providers, and the choice is final once the template is in a farm (as in RAS). Turning it
 * off drops the targets chosen so far.
 */
gboolean
vdi_template_set_multi_provider (VdiTemplate  *self,
                                 gboolean      multi_provider,
                                 GError      **error)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  multi_provider = !!multi_provider;
  if (self->multi_provider == multi_provider)
    return TRUE;

  if (self->locked)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_LOCKED,
                           _("Multi-provider distribution cannot be turned on or off once the "
                             "template exists. To change it, delete the template and create it "
                             "again."));
      return FALSE;
    }

  if (multi_provider &&
      vdi_provider_get_provider_type (self->source_provider) != VDI_PROVIDER_TYPE_HYPERV)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED,
                           _("Multi-provider distribution is available only for templates on "
                             "Microsoft Hyper-V"));
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));

  self->multi_provider = multi_provider;
  notify (self, PROP_MULTI_PROVIDER);

  if (!multi_provider)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->targets));

      /* Keep only the source, which is always first. */
      for (guint i = 1; i < n; i++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (G_LIST_MODEL (self->targets), i);

          _vdi_target_set_owner (target, NULL, NULL);
        }
      if (n > 1)
        {
          g_list_store_splice (self->targets, 1, n - 1, NULL, 0);
          emit_changed (self);
        }
      if (self->concurrency != 1)
        {
          self->concurrency = 1;
          notify (self, PROP_CONCURRENCY);
        }
    }

  update_distribution (self);

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

gboolean
vdi_template_get_locked (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  return self->locked;
}

/**
 * vdi_template_lock:
 *
 * Marks the template as created: from now on the multi-provider setting is fixed.
 */
void
vdi_template_lock (VdiTemplate *self)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (!self->locked)
    {
      self->locked = TRUE;
      notify (self, PROP_LOCKED);
    }
}

guint
vdi_template_get_concurrency (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 1);

  return self->concurrency;
}

static gboolean
check_concurrency (VdiTemplate  *self,
                   guint         concurrency,
                   GError      **error)
{
  guint n_targets = vdi_template_get_n_copy_targets (self);
  guint max = MAX (n_targets, 1);

  if (concurrency < 1 || concurrency > max)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONCURRENCY_RANGE,
                   ngettext ("The number of providers for concurrent distribution must be 1 "
                             "with %u target provider",
                             "The number of providers for concurrent distribution must be "
                             "between 1 and %u, the number of target providers",
                             max),
                   max);
      return FALSE;
    }

  return TRUE;
}

gboolean
vdi_template_set_concurrency (VdiTemplate  *self,
                              guint         concurrency,
                              GError      **error)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  if (!check_concurrency (self, concurrency, error))
    return FALSE;

  if (self->concurrency != concurrency)
    {
      self->concurrency = concurrency;
      notify (self, PROP_CONCURRENCY);
    }

  return TRUE;
}

/**
 * vdi_template_get_relay:
 *
 * Whether targets that hold a ready, up-to-date copy feed other targets (DESIGN §2, Relay),
 * rather than every copy coming from the source.
 */
gboolean
vdi_template_get_relay (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  return self->relay;
}

void
vdi_template_set_relay (VdiTemplate *self,
                        gboolean     relay)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  relay = !!relay;
  if (self->relay != relay)
    {
      self->relay = relay;
      notify (self, PROP_RELAY);
    }
}

const char *
vdi_template_get_host_name_format (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->host_name_format;
}

void
vdi_template_set_host_name_format (VdiTemplate *self,
                                   const char  *format)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (vdi_set_str (&self->host_name_format, format))
    notify (self, PROP_HOST_NAME_FORMAT);
}

guint
vdi_template_get_initial_hosts (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 0);

  return self->initial_hosts;
}

void
vdi_template_set_initial_hosts (VdiTemplate *self,
                                guint        initial_hosts)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->initial_hosts != initial_hosts)
    {
      self->initial_hosts = initial_hosts;
      notify (self, PROP_INITIAL_HOSTS);
    }
}

guint
vdi_template_get_max_hosts (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 0);

  return self->max_hosts;
}

void
vdi_template_set_max_hosts (VdiTemplate *self,
                            guint        max_hosts)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->max_hosts != max_hosts)
    {
      self->max_hosts = max_hosts;
      notify (self, PROP_MAX_HOSTS);
    }
}

VdiCloneMethod
vdi_template_get_clone_method (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), VDI_CLONE_METHOD_FULL);

  return self->clone_method;
}

void
vdi_template_set_clone_method (VdiTemplate    *self,
                               VdiCloneMethod  clone_method)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->clone_method != clone_method)
    {
      self->clone_method = clone_method;
      notify (self, PROP_CLONE_METHOD);
    }
}

VdiDatastoreMode
vdi_template_get_datastore_mode (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), VDI_DATASTORE_MODE_SOURCE);

  return self->datastore_mode;
}

void
vdi_template_set_datastore_mode (VdiTemplate      *self,
                                 VdiDatastoreMode  mode)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->datastore_mode != mode)
    {
      self->datastore_mode = mode;
      notify (self, PROP_DATASTORE_MODE);
    }
}

/**
 * vdi_template_get_datastores:
 *
 * Returns: (transfer none): the additional datastores chosen for host placement (vCenter),
 *   never %NULL.
 */
const char * const *
vdi_template_get_datastores (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return (const char * const *)self->datastores;
}

void
vdi_template_set_datastores (VdiTemplate        *self,
                             const char * const *datastores)
{
  static const char * const empty[] = { NULL };

  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (datastores == NULL)
    datastores = empty;

  if (g_strv_equal ((const char * const *)self->datastores, datastores))
    return;

  g_strfreev (self->datastores);
  self->datastores = g_strdupv ((char **)datastores);
  notify (self, PROP_DATASTORES);
}

GDateTime *
vdi_template_get_created_at (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return self->created_at;
}

void
vdi_template_set_created_at (VdiTemplate *self,
                             GDateTime   *created_at)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));

  if (self->created_at == created_at)
    return;

  g_clear_pointer (&self->created_at, g_date_time_unref);
  if (created_at != NULL)
    self->created_at = g_date_time_ref (created_at);
  notify (self, PROP_CREATED_AT);
}

/**
 * vdi_template_get_targets:
 *
 * Returns: (transfer none): a #GListModel of #VdiTarget, the source's first.
 */
GListModel *
vdi_template_get_targets (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return G_LIST_MODEL (self->targets);
}

VdiTarget *
vdi_template_get_source_target (VdiTemplate *self)
{
  g_autoptr(VdiTarget) target = NULL;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  /* The store holds a reference, so a borrowed pointer stays valid. */
  target = g_list_model_get_item (G_LIST_MODEL (self->targets), 0);
  return target;
}

/**
 * vdi_template_get_feeder:
 *
 * Returns: (transfer none) (nullable): the provider @target's current or last copy came from
 *   (the source, or with relay another target of this template), if recorded and still one of
 *   the template's providers.
 */
VdiProvider *
vdi_template_get_feeder (VdiTemplate *self,
                         VdiTarget   *target)
{
  const char *fed_from;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (VDI_IS_TARGET (target), NULL);

  if ((fed_from = vdi_target_get_fed_from (target)) == NULL)
    return NULL;
  return vdi_template_find_provider_by_id (self, fed_from);
}

/**
 * vdi_template_find_provider_by_id:
 *
 * Returns: (transfer none) (nullable): the template's provider (the source or a target's) with
 *   the id @provider_id, if it is still one of them
 */
VdiProvider *
vdi_template_find_provider_by_id (VdiTemplate *self,
                                  const char  *provider_id)
{
  guint n;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->targets));
  for (guint i = 0; provider_id != NULL && i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (G_LIST_MODEL (self->targets), i);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (g_strcmp0 (vdi_provider_get_id (provider), provider_id) == 0)
        return provider;
    }
  return NULL;
}

/**
 * vdi_template_find_target:
 *
 * Returns: (transfer none) (nullable): the target for @provider.
 */
VdiTarget *
vdi_template_find_target (VdiTemplate *self,
                          VdiProvider *provider)
{
  guint n;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->targets));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (G_LIST_MODEL (self->targets), i);

      if (vdi_target_get_provider (target) == provider)
        return target;
    }

  return NULL;
}

/**
 * vdi_template_check_target:
 *
 * Whether @provider may receive a copy of this template: multi-provider must be on, and the
 * provider must have the source's type and subtype without being the source.
 */
gboolean
vdi_template_check_target (VdiTemplate  *self,
                           VdiProvider  *provider,
                           GError      **error)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  if (!self->multi_provider)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED,
                           _("Multi-provider distribution is not enabled for this template"));
      return FALSE;
    }

  if (provider == self->source_provider)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_IS_SOURCE,
                   _("“%s” holds the source VM and cannot also be a distribution target"),
                   vdi_provider_get_name (provider));
      return FALSE;
    }

  if (vdi_provider_get_subtype (provider) != vdi_provider_get_subtype (self->source_provider))
    {
      VdiProviderSubtype want = vdi_provider_get_subtype (self->source_provider);
      VdiProviderSubtype have = vdi_provider_get_subtype (provider);

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_MISMATCH,
                   _("“%s” is %s (%s), but targets must have the type and subtype of the "
                     "source, %s (%s)"),
                   vdi_provider_get_name (provider),
                   vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE,
                                       vdi_provider_subtype_get_provider_type (have)),
                   vdi_enum_get_label (VDI_TYPE_PROVIDER_SUBTYPE, have),
                   vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE,
                                       vdi_provider_subtype_get_provider_type (want)),
                   vdi_enum_get_label (VDI_TYPE_PROVIDER_SUBTYPE, want));
      return FALSE;
    }

  if (vdi_template_find_target (self, provider) != NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_DUPLICATE,
                   _("“%s” is already a target of this template"),
                   vdi_provider_get_name (provider));
      return FALSE;
    }

  return TRUE;
}

/**
 * vdi_template_add_target:
 *
 * Returns: (transfer none) (nullable): the new target, which needs distribution.
 */
VdiTarget *
vdi_template_add_target (VdiTemplate  *self,
                         VdiProvider  *provider,
                         GError      **error)
{
  g_autoptr(VdiTarget) target = NULL;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  if (!vdi_template_check_target (self, provider, error))
    return NULL;

  target = vdi_target_new (provider, FALSE);
  _vdi_target_set_owner (target, self, on_target_notify);
  g_list_store_append (self->targets, target);
  update_distribution (self);
  emit_changed (self);

  return target;
}

gboolean
vdi_template_remove_target (VdiTemplate  *self,
                            VdiProvider  *provider,
                            GError      **error)
{
  guint position;
  VdiTarget *target;

  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  if (provider == self->source_provider)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_IS_SOURCE,
                   _("“%s” holds the source VM and cannot be removed from the distribution"),
                   vdi_provider_get_name (provider));
      return FALSE;
    }

  target = vdi_template_find_target (self, provider);
  if (target == NULL ||
      !g_list_store_find (self->targets, target, &position))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                   _("“%s” is not a target of this template"),
                   vdi_provider_get_name (provider));
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));

  _vdi_target_set_owner (target, NULL, NULL);
  g_list_store_remove (self->targets, position);
  emit_changed (self);

  /* Fewer targets may leave the concurrency above its range. */
  if (self->concurrency > MAX (vdi_template_get_n_copy_targets (self), 1))
    {
      self->concurrency = MAX (vdi_template_get_n_copy_targets (self), 1);
      notify (self, PROP_CONCURRENCY);
    }
  update_distribution (self);

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * vdi_template_get_n_copy_targets:
 *
 * Returns: the number of providers the template is copied to, the source not counted.
 */
guint
vdi_template_get_n_copy_targets (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->targets)) - 1;
}

GListModel *
vdi_template_get_hosts (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), NULL);

  return G_LIST_MODEL (self->hosts);
}

void
vdi_template_add_host (VdiTemplate *self,
                       VdiHost     *host)
{
  g_return_if_fail (VDI_IS_TEMPLATE (self));
  g_return_if_fail (VDI_IS_HOST (host));

  _vdi_host_set_owner (host, self, on_host_notify);
  g_list_store_append (self->hosts, host);
  notify (self, PROP_HOSTS_TOTAL);
  update_hosts_ready (self);
  emit_changed (self);
}

void
vdi_template_remove_host (VdiTemplate *self,
                          VdiHost     *host)
{
  guint position;

  g_return_if_fail (VDI_IS_TEMPLATE (self));
  g_return_if_fail (VDI_IS_HOST (host));

  if (!g_list_store_find (self->hosts, host, &position))
    return;

  release_host (self, host);
  g_list_store_remove (self->hosts, position);
  notify (self, PROP_HOSTS_TOTAL);
  update_hosts_ready (self);
  emit_changed (self);
}

guint
vdi_template_get_hosts_ready (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 0);

  return self->hosts_ready;
}

guint
vdi_template_get_hosts_total (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->hosts));
}

VdiDistribution
vdi_template_get_distribution (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), VDI_DISTRIBUTION_NONE);

  return self->distribution;
}

double
vdi_template_get_distribution_fraction (VdiTemplate *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), -1);

  return self->distribution_fraction;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                           _("Enter a template name"));
      return FALSE;
    }

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                           _("Enter a template name"));
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                   _("A template name can have at most %u characters"), MAX_NAME_LENGTH);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                               _("A template name cannot contain control characters"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * vdi_template_validate:
 *
 * Checks the template's own settings (not the farm-wide ones such as unique names, see
 * vdi_farm_check_template()).
 */
gboolean
vdi_template_validate (VdiTemplate  *self,
                       GError      **error)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE (self), FALSE);

  if (!check_name (self->name, error))
    return FALSE;

  if (self->source_vm_name == NULL || *self->source_vm_name == '\0')
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                           _("Choose the source VM of the template"));
      return FALSE;
    }

  if (self->max_hosts < 1)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT,
                           _("The maximum number of hosts must be at least 1"));
      return FALSE;
    }

  if (self->initial_hosts > self->max_hosts)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT,
                   _("The number of hosts created on completion (%u) cannot exceed the maximum "
                     "number of hosts (%u)"),
                   self->initial_hosts, self->max_hosts);
      return FALSE;
    }

  if (!vdi_name_format_validate (self->host_name_format, self->max_hosts, error))
    return FALSE;

  if (self->multi_provider &&
      vdi_provider_get_provider_type (self->source_provider) != VDI_PROVIDER_TYPE_HYPERV)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED,
                           _("Multi-provider distribution is available only for templates on "
                             "Microsoft Hyper-V"));
      return FALSE;
    }

  if (self->multi_provider && vdi_template_get_n_copy_targets (self) == 0)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                           _("Add at least one target provider, or turn multi-provider "
                             "distribution off"));
      return FALSE;
    }

  if (!check_concurrency (self, self->concurrency, error))
    return FALSE;

  if (self->datastore_mode == VDI_DATASTORE_MODE_ADDITIONAL)
    {
      if (vdi_provider_get_provider_type (self->source_provider) != VDI_PROVIDER_TYPE_VCENTER)
        {
          g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_MISMATCH,
                               _("Additional datastores are available only for templates on "
                                 "VMware vCenter"));
          return FALSE;
        }
      if (self->datastores[0] == NULL)
        {
          g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                               _("Select at least one additional datastore, or use the "
                                 "datastore of the source VM"));
          return FALSE;
        }
    }

  return TRUE;
}
