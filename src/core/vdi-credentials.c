/* vdi-credentials.c
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

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "vdi-credentials.h"
#include "vdi-secret.h"

struct _VdiCredentials
{
  GObject     parent_instance;

  /* provider id → password, when no Secret Service answers (or it is not to be used) */
  GHashTable *memory;

  guint       use_secret_service : 1;
  guint       secret_service_available : 1;
};

G_DEFINE_FINAL_TYPE (VdiCredentials, vdi_credentials, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SECRET_SERVICE_AVAILABLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.vdiconsole.VdiConsole.Provider", SECRET_SCHEMA_NONE,
    {
      { "provider-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
set_available (VdiCredentials *self,
               gboolean        available)
{
  available = !!available;
  if (self->secret_service_available != available)
    {
      self->secret_service_available = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET_SERVICE_AVAILABLE]);
    }
}

/* An error from libsecret other than a cancellation means there is no usable Secret Service:
 * no session bus, no service, or a keyring that would not unlock. */
static gboolean
is_unavailable_error (const GError *error)
{
  return error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
vdi_credentials_finalize (GObject *object)
{
  VdiCredentials *self = (VdiCredentials *)object;

  g_clear_pointer (&self->memory, g_hash_table_unref);

  G_OBJECT_CLASS (vdi_credentials_parent_class)->finalize (object);
}

static void
vdi_credentials_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VdiCredentials *self = VDI_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_SECRET_SERVICE_AVAILABLE:
      g_value_set_boolean (value, self->secret_service_available);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_credentials_class_init (VdiCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_credentials_finalize;
  object_class->get_property = vdi_credentials_get_property;

  properties[PROP_SECRET_SERVICE_AVAILABLE] =
    g_param_spec_boolean ("secret-service-available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VdiCredentials::changed:
   * @provider_id: the provider whose password was stored or cleared
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vdi_credentials_init (VdiCredentials *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) vdi_secret_free);
}

/**
 * vdi_credentials_new:
 * @use_secret_service: %FALSE to keep passwords in memory only (tests, or a session that
 *   must not touch the keyring)
 */
VdiCredentials *
vdi_credentials_new (gboolean use_secret_service)
{
  VdiCredentials *self = g_object_new (VDI_TYPE_CREDENTIALS, NULL);

  self->use_secret_service = !!use_secret_service;
  self->secret_service_available = !!use_secret_service;
  return self;
}

/**
 * vdi_credentials_get_default:
 *
 * Returns: (transfer none): the process-wide store, backed by the Secret Service.
 */
VdiCredentials *
vdi_credentials_get_default (void)
{
  static VdiCredentials *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, vdi_credentials_new (TRUE));
  return instance;
}

gboolean
vdi_credentials_get_secret_service_available (VdiCredentials *self)
{
  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), FALSE);

  return self->secret_service_available;
}

static void
remember (VdiCredentials *self,
          const char     *provider_id,
          const char     *password)
{
  g_hash_table_replace (self->memory, g_strdup (provider_id), g_strdup (password));
}

static char *
label_for (const char *provider_name)
{
  /* Translators: the name of a keyring item; %s is the provider's name. */
  return g_strdup_printf (_("VDI Console: password for provider “%s”"), provider_name);
}

/* Store ---------------------------------------------------------------------------------------- */

typedef struct
{
  char *provider_id;
  char *password;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_free (data->provider_id);
  vdi_secret_free (data->password);
  g_free (data);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiCredentials *self = g_task_get_source_object (task);
  StoreData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    {
      set_available (self, TRUE);
      /* The keyring has it now; a copy in memory would only outlive its purpose. */
      g_hash_table_remove (self->memory, data->provider_id);
      g_signal_emit (self, signals[CHANGED], 0, data->provider_id);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!is_unavailable_error (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("No Secret Service, keeping the password in memory: %s", error->message);
  set_available (self, FALSE);
  remember (self, data->provider_id, data->password);
  g_signal_emit (self, signals[CHANGED], 0, data->provider_id);
  g_task_return_boolean (task, TRUE);
}

void
vdi_credentials_store_async (VdiCredentials      *self,
                             const char          *provider_id,
                             const char          *provider_name,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  StoreData *data;

  g_return_if_fail (VDI_IS_CREDENTIALS (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_credentials_store_async);

  if (!self->use_secret_service)
    {
      remember (self, provider_id, password);
      g_signal_emit (self, signals[CHANGED], 0, provider_id);
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (StoreData, 1);
  data->provider_id = g_strdup (provider_id);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify)store_data_free);

  label = label_for (provider_name != NULL ? provider_name : provider_id);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "provider-id", provider_id,
                         NULL);
}

gboolean
vdi_credentials_store_finish (VdiCredentials  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup --------------------------------------------------------------------------------------- */

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiCredentials *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error == NULL)
    {
      set_available (self, TRUE);
      g_task_return_pointer (task, password, (GDestroyNotify) vdi_secret_free);
      return;
    }

  if (!is_unavailable_error (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_available (self, FALSE);
  g_task_return_pointer (task, NULL, NULL);
}

/**
 * vdi_credentials_lookup_async:
 *
 * Finds the password of a provider: the one kept in memory for this session if any, else the
 * Secret Service's. Finishes with %NULL and no error when there is none, so the caller asks.
 */
void
vdi_credentials_lookup_async (VdiCredentials      *self,
                              const char          *provider_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *remembered;

  g_return_if_fail (VDI_IS_CREDENTIALS (self));
  g_return_if_fail (provider_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_credentials_lookup_async);

  remembered = g_hash_table_lookup (self->memory, provider_id);
  if (remembered != NULL || !self->use_secret_service)
    {
      g_task_return_pointer (task, g_strdup (remembered), (GDestroyNotify) vdi_secret_free);
      return;
    }

  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_steal_pointer (&task),
                          "provider-id", provider_id,
                          NULL);
}

char *
vdi_credentials_lookup_finish (VdiCredentials  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Clear ---------------------------------------------------------------------------------------- */

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiCredentials *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL && !is_unavailable_error (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_available (self, error == NULL);
  g_task_return_boolean (task, TRUE);
}

void
vdi_credentials_clear_async (VdiCredentials      *self,
                             const char          *provider_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VDI_IS_CREDENTIALS (self));
  g_return_if_fail (provider_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_credentials_clear_async);

  g_hash_table_remove (self->memory, provider_id);
  if (!self->use_secret_service)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  secret_password_clear (get_schema (), cancellable, clear_cb, g_steal_pointer (&task),
                         "provider-id", provider_id,
                         NULL);
}

gboolean
vdi_credentials_clear_finish (VdiCredentials  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Blocking forms ------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} SyncData;

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SyncData *data = user_data;

  data->result = g_object_ref (result);
  g_main_loop_quit (data->loop);
}

/* Runs an async call on a private main context so the caller's context is not iterated. */
#define RUN_SYNC(call_async, ...)                                                    \
  g_autoptr(GMainContext) context = g_main_context_new ();                            \
  SyncData data = { NULL, NULL };                                                     \
                                                                                      \
  g_main_context_push_thread_default (context);                                       \
  data.loop = g_main_loop_new (context, FALSE);                                       \
  call_async (__VA_ARGS__, sync_cb, &data);                                           \
  g_main_loop_run (data.loop);                                                        \
  g_main_loop_unref (data.loop);                                                      \
  g_main_context_pop_thread_default (context)

gboolean
vdi_credentials_store_sync (VdiCredentials  *self,
                            const char      *provider_id,
                            const char      *provider_name,
                            const char      *password,
                            GCancellable    *cancellable,
                            GError         **error)
{
  gboolean ret;

  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), FALSE);

  {
    RUN_SYNC (vdi_credentials_store_async, self, provider_id, provider_name, password,
              cancellable);
    ret = vdi_credentials_store_finish (self, data.result, error);
    g_object_unref (data.result);
  }
  return ret;
}

char *
vdi_credentials_lookup_sync (VdiCredentials  *self,
                             const char      *provider_id,
                             GCancellable    *cancellable,
                             GError         **error)
{
  char *ret;

  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), NULL);

  {
    RUN_SYNC (vdi_credentials_lookup_async, self, provider_id, cancellable);
    ret = vdi_credentials_lookup_finish (self, data.result, error);
    g_object_unref (data.result);
  }
  return ret;
}

gboolean
vdi_credentials_clear_sync (VdiCredentials  *self,
                            const char      *provider_id,
                            GCancellable    *cancellable,
                            GError         **error)
{
  gboolean ret;

  g_return_val_if_fail (VDI_IS_CREDENTIALS (self), FALSE);

  {
    RUN_SYNC (vdi_credentials_clear_async, self, provider_id, cancellable);
    ret = vdi_credentials_clear_finish (self, data.result, error);
    g_object_unref (data.result);
  }
  return ret;
}
