/* vdi-provider-monitor.c
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

#include "vdi-backend-factory.h"
#include "vdi-hyperv-backend.h"
#include "vdi-provider-monitor.h"
#include "vdi-secret.h"

#define DEFAULT_INTERVAL 60
/* Probes in flight at once: a farm of a thousand providers must not open a thousand
 * connections at start-up. */
#define MAX_PROBES 4

struct _VdiProviderMonitor
{
  GObject         parent_instance;

  VdiFarm        *farm;
  VdiCredentials *credentials;
  GCancellable   *cancellable;
  GMainContext   *context;     /* where the monitor was made, and where its probes run */
  GQueue          queue;       /* VdiProvider, owned: waiting for a probe */
  GHashTable     *probing;     /* VdiProvider → TRUE while its probe runs */
  GHashTable     *again;       /* VdiProvider → TRUE when it changed during its probe */

  guint           interval;
  GSource        *timer;
};

G_DEFINE_FINAL_TYPE (VdiProviderMonitor, vdi_provider_monitor, G_TYPE_OBJECT)

static void pump (VdiProviderMonitor *self);

static void
vdi_provider_monitor_dispose (GObject *object)
{
  VdiProviderMonitor *self = (VdiProviderMonitor *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->timer != NULL)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  g_queue_clear_full (&self->queue, g_object_unref);

  G_OBJECT_CLASS (vdi_provider_monitor_parent_class)->dispose (object);
}

static void
vdi_provider_monitor_finalize (GObject *object)
{
  VdiProviderMonitor *self = (VdiProviderMonitor *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->probing, g_hash_table_unref);
  g_clear_pointer (&self->again, g_hash_table_unref);

  G_OBJECT_CLASS (vdi_provider_monitor_parent_class)->finalize (object);
}

static void
vdi_provider_monitor_class_init (VdiProviderMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_provider_monitor_dispose;
  object_class->finalize = vdi_provider_monitor_finalize;
}

static void
vdi_provider_monitor_init (VdiProviderMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->interval = DEFAULT_INTERVAL;
  g_queue_init (&self->queue);
  self->probing = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->again = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

/* One probe ---------------------------------------------------------------------------------- */

typedef struct
{
  VdiProviderMonitor *self;
  VdiProvider        *provider;
  VdiBackend         *backend;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->self);
  g_clear_object (&probe->provider);
  g_clear_object (&probe->backend);
  g_free (probe);
}

/* The probe's slot is free for the next one. */
static void
probe_end (Probe *probe)
{
  VdiProviderMonitor *self = probe->self;
  gboolean again;

  again = g_hash_table_remove (self->again, probe->provider);
  g_hash_table_remove (self->probing, probe->provider);
  if (again)
    vdi_provider_monitor_refresh (self, probe->provider);

  pump (self);
  probe_free (probe);
}

static void
probe_done (Probe             *probe,
            VdiProviderStatus  status,
            const char        *message)
{
  vdi_provider_set_status (probe->provider, status, message);
  /* No live session: what one authenticated with before says nothing of the next. */
  vdi_provider_set_session_auth (probe->provider, NULL);
  probe_end (probe);
}

static void
migration_settings_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiMigrationSettings) settings =
    vdi_backend_get_migration_settings_finish (VDI_BACKEND (object), result, &error);

  if (vdi_backend_error_is_cancelled (error))
    {
      g_hash_table_remove (probe->self->probing, probe->provider);
      probe_free (probe);
      return;
    }

  /* Only a host that says so is shown with live migration off; one that cannot say (or has
   * no such setting, as a vCenter) is not. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    g_debug ("%s: live-migration settings unknown: %s", vdi_provider_get_name (probe->provider),
             error->message);
  vdi_provider_set_live_migration_disabled (probe->provider,
                                            settings != NULL && !settings->enabled);
  probe_end (probe);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = vdi_backend_probe_finish (VDI_BACKEND (object), result, &error);

  if (vdi_backend_error_is_cancelled (error))
    {
      g_hash_table_remove (probe->self->probing, probe->provider);
      probe_free (probe);
      return;
    }

  if (version != NULL)
    {
      /* Ready at once; then what a copy to it needs (Hyper-V's live-migration settings),
       * within the same probe slot. */
      vdi_provider_set_status (probe->provider, VDI_PROVIDER_STATUS_READY, version);
      if (VDI_IS_HYPERV_BACKEND (probe->backend))
        vdi_provider_set_session_auth (probe->provider,
                                       vdi_hyperv_backend_get_auth_label (VDI_HYPERV_BACKEND (probe->backend)));
      vdi_backend_get_migration_settings_async (probe->backend, probe->self->cancellable,
                                                migration_settings_cb, probe);
    }
  else
    probe_done (probe, VDI_PROVIDER_STATUS_NOT_AVAILABLE, error->message);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSecret) password = NULL;

  password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_hash_table_remove (probe->self->probing, probe->provider);
      probe_free (probe);
      return;
    }

  /* Without a password Hyper-V may still answer through Kerberos; vCenter cannot log in. */
  if (password == NULL &&
      vdi_provider_get_provider_type (probe->provider) == VDI_PROVIDER_TYPE_VCENTER)
    {
      probe_done (probe, VDI_PROVIDER_STATUS_NOT_AVAILABLE,
                  _("No password is stored for this provider; edit it to enter one"));
      return;
    }

  probe->backend = vdi_backend_new_for_provider (probe->provider, password, &error);
  if (probe->backend == NULL)
    {
      probe_done (probe, VDI_PROVIDER_STATUS_NOT_AVAILABLE, error->message);
      return;
    }

  vdi_backend_probe_async (probe->backend, probe->self->cancellable, probe_cb, probe);
}

static void
start_probe (VdiProviderMonitor *self,
             VdiProvider        *provider)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->self = g_object_ref (self);
  probe->provider = g_object_ref (provider);
  g_hash_table_add (self->probing, g_object_ref (provider));

  vdi_credentials_lookup_async (self->credentials, vdi_provider_get_id (provider),
                                self->cancellable, password_cb, probe);
}

/* Starts queued probes while there is room. */
static void
pump (VdiProviderMonitor *self)
{
  while (g_hash_table_size (self->probing) < MAX_PROBES && !g_queue_is_empty (&self->queue))
    {
      g_autoptr(VdiProvider) provider = g_queue_pop_head (&self->queue);

      /* Only providers still in the farm are worth a connection. */
      if (g_list_store_find (G_LIST_STORE (vdi_farm_get_providers (self->farm)), provider, NULL))
        start_probe (self, provider);
    }
}

/**
 * vdi_provider_monitor_refresh:
 * @provider: (nullable): the provider to probe now, or %NULL for all of them
 */
void
vdi_provider_monitor_refresh (VdiProviderMonitor *self,
                              VdiProvider        *provider)
{
  g_return_if_fail (VDI_IS_PROVIDER_MONITOR (self));
  g_return_if_fail (provider == NULL || VDI_IS_PROVIDER (provider));

  if (provider == NULL)
    {
      GListModel *providers = vdi_farm_get_providers (self->farm);

      for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
        {
          g_autoptr(VdiProvider) item = g_list_model_get_item (providers, i);

          vdi_provider_monitor_refresh (self, item);
        }
      return;
    }

  if (g_hash_table_contains (self->probing, provider))
    {
      /* What it is probing may be out of date: look again when it is done. */
      g_hash_table_add (self->again, g_object_ref (provider));
      return;
    }
  if (g_queue_find (&self->queue, provider) != NULL)
    return;

  g_queue_push_tail (&self->queue, g_object_ref (provider));
  pump (self);
}

/* Watching the farm ---------------------------------------------------------------------------- */

static void
on_provider_notify (VdiProviderMonitor *self,
                    GParamSpec         *pspec,
                    VdiProvider        *provider)
{
  static const char * const relevant[] = { "host", "port", "subtype", "username", "allow-http",
                                           "tls-fingerprint", NULL };

  if (g_strv_contains (relevant, g_param_spec_get_name (pspec)))
    vdi_provider_monitor_refresh (self, provider);
}

static void
on_providers_changed (VdiProviderMonitor *self,
                      guint               position,
                      guint               removed,
                      guint               added,
                      GListModel         *providers)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      g_signal_connect_object (provider, "notify", G_CALLBACK (on_provider_notify), self,
                               G_CONNECT_SWAPPED);
      vdi_provider_monitor_refresh (self, provider);
    }
}

typedef struct
{
  GWeakRef  self;
  char     *provider_id;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_weak_ref_clear (&refresh->self);
  g_free (refresh->provider_id);
  g_free (refresh);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(VdiProviderMonitor) self = g_weak_ref_get (&refresh->self);
  VdiProvider *provider;

  if (self != NULL &&
      (provider = vdi_farm_find_provider_by_id (self->farm, refresh->provider_id)) != NULL)
    vdi_provider_monitor_refresh (self, provider);
  return G_SOURCE_REMOVE;
}

/* A password may change from anywhere, even inside another main context (a blocking store
 * runs its own); the probe belongs to the monitor's. */
static void
on_credentials_changed (VdiProviderMonitor *self,
                        const char         *provider_id)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  Refresh *refresh = g_new0 (Refresh, 1);

  g_weak_ref_init (&refresh->self, self);
  refresh->provider_id = g_strdup (provider_id);
  g_source_set_callback (source, refresh_idle_cb, refresh, (GDestroyNotify)refresh_free);
  g_source_attach (source, self->context);
}

static gboolean
timer_cb (gpointer user_data)
{
  vdi_provider_monitor_refresh (VDI_PROVIDER_MONITOR (user_data), NULL);
  return G_SOURCE_CONTINUE;
}

static void
start_timer (VdiProviderMonitor *self)
{
  if (self->timer != NULL)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);

  self->timer = g_timeout_source_new_seconds (self->interval);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_attach (self->timer, self->context);
}

/**
 * vdi_provider_monitor_new:
 *
 * Starts watching @farm's providers at once.
 */
VdiProviderMonitor *
vdi_provider_monitor_new (VdiFarm        *farm,
                          VdiCredentials *credentials)
{
  VdiProviderMonitor *self;
  GListModel *providers;

  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (VDI_TYPE_PROVIDER_MONITOR, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);

  providers = vdi_farm_get_providers (farm);
  g_signal_connect_object (providers, "items-changed", G_CALLBACK (on_providers_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (credentials, "changed", G_CALLBACK (on_credentials_changed), self,
                           G_CONNECT_SWAPPED);
  on_providers_changed (self, 0, 0, g_list_model_get_n_items (providers), providers);
  start_timer (self);

  return self;
}

void
vdi_provider_monitor_set_interval (VdiProviderMonitor *self,
                                   guint               seconds)
{
  g_return_if_fail (VDI_IS_PROVIDER_MONITOR (self));
  g_return_if_fail (seconds > 0);

  self->interval = seconds;
  start_timer (self);
}

/**
 * vdi_provider_monitor_get_n_probing:
 *
 * Returns: probes running or waiting, for tests
 */
guint
vdi_provider_monitor_get_n_probing (VdiProviderMonitor *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER_MONITOR (self), 0);

  return g_hash_table_size (self->probing) + g_queue_get_length (&self->queue);
}
