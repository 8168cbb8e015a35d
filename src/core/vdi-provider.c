/* vdi-provider.c
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

#include "vdi-provider.h"
#include "vdi-util.h"

struct _VdiProvider
{
  GObject             parent_instance;

  char               *id;
  char               *name;
  char               *host;
  char               *username;
  char               *tls_fingerprint;
  char               *status_message;
  char               *auth;
  char               *session_auth;

  VdiProviderSubtype  subtype;
  VdiProviderStatus   status;
  guint               port;

  guint               allow_http : 1;
  guint               live_migration_disabled : 1;
};

G_DEFINE_FINAL_TYPE (VdiProvider, vdi_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PROVIDER_TYPE,
  PROP_SUBTYPE,
  PROP_HOST,
  PROP_PORT,
  PROP_ADDRESS,
  PROP_USERNAME,
  PROP_ALLOW_HTTP,
  PROP_AUTH,
  PROP_TLS_FINGERPRINT,
  PROP_STATUS,
  PROP_STATUS_MESSAGE,
  PROP_LIVE_MIGRATION_DISABLED,
  PROP_SESSION_AUTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_provider_finalize (GObject *object)
{
  VdiProvider *self = (VdiProvider *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->tls_fingerprint, g_free);
  g_clear_pointer (&self->status_message, g_free);
  g_clear_pointer (&self->auth, g_free);
  g_clear_pointer (&self->session_auth, g_free);

  G_OBJECT_CLASS (vdi_provider_parent_class)->finalize (object);
}

static void
vdi_provider_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VdiProvider *self = VDI_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PROVIDER_TYPE:
      g_value_set_enum (value, vdi_provider_get_provider_type (self));
      break;

    case PROP_SUBTYPE:
      g_value_set_enum (value, self->subtype);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_ADDRESS:
      g_value_take_string (value, vdi_provider_dup_address (self));
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_ALLOW_HTTP:
      g_value_set_boolean (value, self->allow_http);
      break;

    case PROP_AUTH:
      g_value_set_string (value, vdi_provider_get_auth (self));
      break;

    case PROP_TLS_FINGERPRINT:
      g_value_set_string (value, self->tls_fingerprint);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, self->status_message);
      break;

    case PROP_LIVE_MIGRATION_DISABLED:
      g_value_set_boolean (value, self->live_migration_disabled);
      break;

    case PROP_SESSION_AUTH:
      g_value_set_string (value, self->session_auth);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_provider_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VdiProvider *self = VDI_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;

    case PROP_NAME:
      vdi_provider_set_name (self, g_value_get_string (value));
      break;

    case PROP_SUBTYPE:
      vdi_provider_set_subtype (self, g_value_get_enum (value));
      break;

    case PROP_HOST:
      vdi_provider_set_host (self, g_value_get_string (value));
      break;

    case PROP_PORT:
      vdi_provider_set_port (self, g_value_get_uint (value));
      break;

    case PROP_USERNAME:
      vdi_provider_set_username (self, g_value_get_string (value));
      break;

    case PROP_ALLOW_HTTP:
      vdi_provider_set_allow_http (self, g_value_get_boolean (value));
      break;

    case PROP_AUTH:
      vdi_provider_set_auth (self, g_value_get_string (value));
      break;

    case PROP_TLS_FINGERPRINT:
      vdi_provider_set_tls_fingerprint (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_provider_class_init (VdiProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_provider_finalize;
  object_class->get_property = vdi_provider_get_property;
  object_class->set_property = vdi_provider_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_PROVIDER_TYPE] =
    g_param_spec_enum ("provider-type", NULL, NULL,
                       VDI_TYPE_PROVIDER_TYPE, VDI_PROVIDER_TYPE_HYPERV, ro);
  properties[PROP_SUBTYPE] =
    g_param_spec_enum ("subtype", NULL, NULL,
                       VDI_TYPE_PROVIDER_SUBTYPE, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, rw);
  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, rw);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, rw);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, rw);
  properties[PROP_ALLOW_HTTP] = g_param_spec_boolean ("allow-http", NULL, NULL, FALSE, rw);
  properties[PROP_AUTH] = g_param_spec_string ("auth", NULL, NULL, "negotiate", rw);
  properties[PROP_TLS_FINGERPRINT] =
    g_param_spec_string ("tls-fingerprint", NULL, NULL, NULL, rw);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       VDI_TYPE_PROVIDER_STATUS, VDI_PROVIDER_STATUS_UNKNOWN, ro);
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  properties[PROP_LIVE_MIGRATION_DISABLED] =
    g_param_spec_boolean ("live-migration-disabled", NULL, NULL, FALSE, ro);
  properties[PROP_SESSION_AUTH] = g_param_spec_string ("session-auth", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_provider_init (VdiProvider *self)
{
  self->status = VDI_PROVIDER_STATUS_UNKNOWN;
}

VdiProvider *
vdi_provider_new (const char         *id,
                  const char         *name,
                  VdiProviderSubtype  subtype,
                  const char         *host,
                  guint               port)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  return g_object_new (VDI_TYPE_PROVIDER,
                       "id", id,
                       "name", name,
                       "subtype", subtype,
                       "host", host,
                       "port", port,
                       NULL);
}

const char *
vdi_provider_get_id (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->id;
}

const char *
vdi_provider_get_name (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->name;
}

void
vdi_provider_set_name (VdiProvider *self,
                       const char  *name)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (vdi_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

VdiProviderType
vdi_provider_get_provider_type (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), VDI_PROVIDER_TYPE_HYPERV);

  return vdi_provider_subtype_get_provider_type (self->subtype);
}

VdiProviderSubtype
vdi_provider_get_subtype (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);

  return self->subtype;
}

void
vdi_provider_set_subtype (VdiProvider        *self,
                          VdiProviderSubtype  subtype)
{
  VdiProviderType old_type;

  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (self->subtype == subtype)
    return;

  old_type = vdi_provider_get_provider_type (self);
  self->subtype = subtype;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTYPE]);
  if (old_type != vdi_provider_get_provider_type (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER_TYPE]);
}

const char *
vdi_provider_get_host (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->host;
}

void
vdi_provider_set_host (VdiProvider *self,
                       const char  *host)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (vdi_set_str (&self->host, host))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
    }
}

guint
vdi_provider_get_port (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), 0);

  return self->port;
}

void
vdi_provider_set_port (VdiProvider *self,
                       guint        port)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));
  g_return_if_fail (port <= 65535);

  if (self->port != port)
    {
      self->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
    }
}

/**
 * vdi_provider_dup_address:
 *
 * Returns: (transfer full): "host:port", with brackets around an IPv6 literal.
 */
char *
vdi_provider_dup_address (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  if (self->host == NULL)
    return g_strdup ("");
  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", self->host, self->port);
  return g_strdup_printf ("%s:%u", self->host, self->port);
}

const char *
vdi_provider_get_username (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->username;
}

void
vdi_provider_set_username (VdiProvider *self,
                           const char  *username)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (vdi_set_str (&self->username, username))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

/**
 * vdi_provider_auth_is_valid:
 *
 * Whether @auth names an authentication a provider can use: negotiate (Kerberos when a ticket
 * exists or can be had, else NTLM; sealed messages), kerberos, ntlm, or basic.
 */
gboolean
vdi_provider_auth_is_valid (const char *auth)
{
  static const char * const valid[] = { "negotiate", "kerberos", "ntlm", "basic", NULL };

  return auth != NULL && g_strv_contains (valid, auth);
}

/**
 * vdi_provider_get_auth:
 *
 * Returns: how a Hyper-V provider authenticates: "negotiate" (the default), "kerberos",
 *   "ntlm" or "basic"
 */
const char *
vdi_provider_get_auth (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->auth != NULL ? self->auth : "negotiate";
}

void
vdi_provider_set_auth (VdiProvider *self,
                       const char  *auth)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));
  g_return_if_fail (auth == NULL || vdi_provider_auth_is_valid (auth));

  if (g_strcmp0 (vdi_provider_get_auth (self), auth != NULL ? auth : "negotiate") != 0)
    {
      g_free (self->auth);
      self->auth = g_strdup (auth);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
    }
}

gboolean
vdi_provider_get_allow_http (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), FALSE);

  return self->allow_http;
}

void
vdi_provider_set_allow_http (VdiProvider *self,
                             gboolean     allow_http)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  allow_http = !!allow_http;
  if (self->allow_http != allow_http)
    {
      self->allow_http = allow_http;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_HTTP]);
    }
}

const char *
vdi_provider_get_tls_fingerprint (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->tls_fingerprint;
}

void
vdi_provider_set_tls_fingerprint (VdiProvider *self,
                                  const char  *fingerprint)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (vdi_set_str (&self->tls_fingerprint, fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_FINGERPRINT]);
}

VdiProviderStatus
vdi_provider_get_status (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), VDI_PROVIDER_STATUS_UNKNOWN);

  return self->status;
}

const char *
vdi_provider_get_status_message (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->status_message;
}

void
vdi_provider_set_status (VdiProvider       *self,
                         VdiProviderStatus  status,
                         const char        *message)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (vdi_set_str (&self->status_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
}

gboolean
vdi_provider_get_live_migration_disabled (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), FALSE);

  return self->live_migration_disabled;
}

/**
 * vdi_provider_set_live_migration_disabled:
 *
 * What the provider last said of its live-migration settings (a Hyper-V host with live
 * migrations off cannot receive or send a template copy). Like the status, it is what was
 * seen, not a setting: it is not saved.
 */
void
vdi_provider_set_live_migration_disabled (VdiProvider *self,
                                          gboolean     disabled)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  disabled = !!disabled;
  if (self->live_migration_disabled == (guint)disabled)
    return;
  self->live_migration_disabled = disabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_MIGRATION_DISABLED]);
}

/**
 * vdi_provider_get_session_auth:
 *
 * Returns: (nullable): what the last live session with the provider authenticated with
 *   ("Kerberos", "NTLM", "Basic"), %NULL when unknown or not a Hyper-V provider
 */
const char *
vdi_provider_get_session_auth (VdiProvider *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (self), NULL);

  return self->session_auth;
}

/**
 * vdi_provider_set_session_auth:
 *
 * What a live session was seen to authenticate with. Like the status, it is seen, not set by
 * the admin: it is not saved.
 */
void
vdi_provider_set_session_auth (VdiProvider *self,
                               const char  *session_auth)
{
  g_return_if_fail (VDI_IS_PROVIDER (self));

  if (vdi_set_str (&self->session_auth, session_auth))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_AUTH]);
}

guint
vdi_provider_subtype_default_port (VdiProviderSubtype subtype)
{
  /* WinRM over HTTPS, and the vSphere Web Services endpoint. */
  if (vdi_provider_subtype_get_provider_type (subtype) == VDI_PROVIDER_TYPE_HYPERV)
    return 5986;
  return 443;
}

/**
 * vdi_provider_default_port:
 * @auth: (nullable): how a Hyper-V provider authenticates ("negotiate" when %NULL)
 *
 * The port an admin most likely means: WinRM's stock HTTP listener (5985) for a Hyper-V
 * provider that seals its messages (Negotiate, Kerberos, NTLM), WinRM over HTTPS (5986) for
 * Basic, 443 for vCenter.
 */
guint
vdi_provider_default_port (VdiProviderSubtype  subtype,
                           const char         *auth)
{
  if (vdi_provider_subtype_get_provider_type (subtype) == VDI_PROVIDER_TYPE_HYPERV &&
      g_strcmp0 (auth != NULL ? auth : "negotiate", "basic") != 0)
    return 5985;
  return vdi_provider_subtype_default_port (subtype);
}
