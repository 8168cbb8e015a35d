/* vdi-hyperv-backend.c: Hyper-V over WS-Management (WinRM), WMI namespace root/virtualization/v2.
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

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vdi-backend-budget.h"
#include "vdi-http-client.h"
#include "vdi-hyperv-backend-private.h"
#include "vdi-inventory.h"
#include "vdi-wsman-message.h"

#define CONTENT_TYPE       "application/soap+xml;charset=UTF-8"
#define PULL_BATCH         100
/* An enumeration longer than this is a server that never says it has ended. */
#define MAX_PULLS          10000
/* The design's bar: at most one status request per second per running job. */
#define POLL_INTERVAL_MS   1000
#define MAX_POLL_BACKOFF   8000
/* Polls that fail at once (a refused or dropped connection, an unreadable answer) are tried
 * again this many times; a poll that gets no answer is not (see job_cb()). */
#define MAX_POLL_FAILURES  5
#define POLL_SETTLE_MS     50

#define VSMS      "Msvm_VirtualSystemManagementService"
#define MIGRATION "Msvm_VirtualSystemMigrationService"
#define COMPUTER  "Msvm_ComputerSystem"
#define PLANNED   "Msvm_PlannedComputerSystem"
#define MIGRATION_SETTINGS "Msvm_VirtualSystemMigrationServiceSettingData"

struct _VdiHypervBackend
{
  GObject        parent_instance;

  VdiHttpClient *client;
  char          *address;
  guint          operation_timeout;   /* seconds: WS-Management's OperationTimeout */
  gint64         silent_at_us;        /* when a request last went unanswered, 0 if the host
                                       * has answered since */
};

static void backend_iface_init (VdiBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VdiHypervBackend, vdi_hyperv_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VDI_TYPE_BACKEND, backend_iface_init))

static void
vdi_hyperv_backend_finalize (GObject *object)
{
  VdiHypervBackend *self = (VdiHypervBackend *)object;

  g_clear_object (&self->client);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (vdi_hyperv_backend_parent_class)->finalize (object);
}

static void
vdi_hyperv_backend_class_init (VdiHypervBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vdi_hyperv_backend_finalize;
}

static void
vdi_hyperv_backend_init (VdiHypervBackend *self)
{
}

/**
 * vdi_hyperv_backend_new:
 * @password: (nullable): the password; without one, Kerberos with the session's ticket
 *
 * Authenticates as the provider's "auth" says: Negotiate (Kerberos when a ticket exists or can
 * be had, else NTLM) with sealed messages, Kerberos or NTLM alone, or Basic.
 */
VdiHypervBackend *
vdi_hyperv_backend_new (VdiProvider  *provider,
                        const char   *password,
                        GError      **error)
{
  g_autoptr(VdiHypervBackend) self = NULL;

  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  self = g_object_new (VDI_TYPE_HYPERV_BACKEND, NULL);
  self->client = vdi_http_client_new_for_provider (provider, "/wsman", FALSE, error);
  if (self->client == NULL)
    return NULL;

  /* Negotiate (the default; Kerberos or NTLM) seals every message; Basic only when chosen. */
  if (g_strcmp0 (vdi_provider_get_auth (provider), "basic") != 0)
    vdi_http_client_set_negotiate (self->client, vdi_provider_get_auth (provider),
                                   vdi_provider_get_username (provider), password);
  else if (password != NULL)
    vdi_http_client_set_basic_auth (self->client, vdi_provider_get_username (provider), password);
  vdi_hyperv_backend_set_timeout (self, (vdi_backend_get_silence_timeout_ms () + 999) / 1000);
  self->address = vdi_http_client_dup_address (self->client);

  return g_steal_pointer (&self);
}

/**
 * vdi_hyperv_backend_get_auth_label:
 *
 * Returns: (nullable): what the live session authenticates with ("Kerberos", "NTLM",
 *   "Basic"), %NULL before the first call
 */
const char *
vdi_hyperv_backend_get_auth_label (VdiHypervBackend *self)
{
  g_return_val_if_fail (VDI_IS_HYPERV_BACKEND (self), NULL);

  return vdi_http_client_get_auth_label (self->client);
}

/**
 * vdi_hyperv_backend_set_timeout:
 *
 * How long a request may wait for an answer before it fails with
 * %VDI_BACKEND_ERROR_TIMED_OUT (a provider that accepts and never answers).
 */
void
vdi_hyperv_backend_set_timeout (VdiHypervBackend *self,
                                guint             seconds)
{
  g_return_if_fail (VDI_IS_HYPERV_BACKEND (self));

  /* The host is asked to give up (w:TimedOut) well before the console stops listening, so that
   * a slow answer arrives as the host's own fault rather than as silence: two thirds of the
   * silence allowed (30 s of 45; pywinrm likewise asks 20 s and listens 30). */
  self->operation_timeout = MAX (1, seconds * 2 / 3);
  vdi_http_client_set_timeout (self->client, MAX (seconds, 1));
}

/**
 * vdi_hyperv_definition_file:
 * @export_dir: the folder an export was made into
 *
 * Returns: the definition file of the VM that ExportSystemDefinition wrote into @export_dir
 * with CreateVmExportSubdirectory: `<dir>\<VM name>\Virtual Machines\<VM id>.vmcx`, what
 * ImportSystemDefinition takes.
 */
char *
vdi_hyperv_definition_file (const char *export_dir,
                            const char *vm_name,
                            const char *vm_id)
{
  g_return_val_if_fail (export_dir != NULL && vm_name != NULL && vm_id != NULL, NULL);

  return g_strdup_printf ("%s\\%s\\Virtual Machines\\%s.vmcx", export_dir, vm_name, vm_id);
}

/**
 * vdi_hyperv_migration_destination:
 *
 * Returns: where MigrateVirtualSystemToHost sends a VM to reach @provider: the host's name; on
 * loopback, where every simulated host shares an address, its address and port.
 */
char *
vdi_hyperv_migration_destination (VdiProvider *provider)
{
  const char *host;

  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  host = vdi_provider_get_host (provider);
  if (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
      g_str_equal (host, "localhost"))
    return vdi_provider_dup_address (provider);
  return g_strdup (host);
}

/* One WS-Management request ------------------------------------------------------------------ */

static void
wsman_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHypervBackend *self = g_task_get_source_object (task);
  g_autoptr(VdiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *body;
  gsize length;
  const char *data;

  response = vdi_http_client_post_finish (VDI_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT))
        self->silent_at_us = g_get_monotonic_time ();
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->silent_at_us = 0;

  data = g_bytes_get_data (response->body, &length);
  doc = vdi_wsman_parse_response (data, length, &body, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A SOAP body on an error status must hold a fault; one that does not is no answer. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (response->status))
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The provider answered HTTP %u without saying why"),
                               response->status);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&doc), (GDestroyNotify)xmlFreeDoc);
}

/* @deadline_ms: how long the answer may take to begin, 0 for the session's timeout
 * @always_ask: send it even to a host just found silent (probes and job polls, which have
 *   budgets of their own)
 *
 * A host that has just left a request unanswered is not asked blindly again: the work of a
 * distribution queued behind it (the next export on the same source, say) would otherwise
 * wait out the full silence once more, target after target. For a probe's deadline after the
 * last unanswered request, other requests fail at once with the same diagnosis; after it they
 * wait no longer than a probe would, until the host answers again. */
static void
wsman_call_with_deadline_async (VdiHypervBackend    *self,
                                const char          *action,
                                const char          *resource_uri,
                                const VdiWsmanEpr   *selectors,
                                const char          *body,
                                guint                deadline_ms,
                                gboolean             always_ask,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *message_id = g_strconcat ("uuid:", uuid, NULL);
  g_autofree char *envelope = NULL;
  VdiWsmanRequest request = {
    .to = vdi_http_client_get_uri (self->client),
    .action = action,
    .resource_uri = resource_uri,
    .selectors = selectors,
    .message_id = message_id,
    .timeout_seconds = self->operation_timeout,
    .body = body,
  };

  g_task_set_source_tag (task, wsman_call_with_deadline_async);
  if (self->silent_at_us != 0 && !always_ask)
    {
      guint probe_ms = vdi_backend_get_probe_timeout_ms ();
      gint64 since_ms = (g_get_monotonic_time () - self->silent_at_us) / 1000;

      if (since_ms < probe_ms)
        {
          g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                                   /* Translators: an address, then seconds. */
                                   _("%s is not answering: a request to it went unanswered "
                                     "%.3g seconds ago"), self->address, since_ms / 1000.0);
          return;
        }
      deadline_ms = deadline_ms == 0 ? probe_ms : MIN (deadline_ms, probe_ms);
    }
  envelope = vdi_wsman_request_to_xml (&request);
  vdi_http_client_post_with_deadline_async (self->client, CONTENT_TYPE, NULL, envelope,
                                            deadline_ms, cancellable, wsman_call_cb,
                                            g_steal_pointer (&task));
}

static void
wsman_call_async (VdiHypervBackend    *self,
                  const char          *action,
                  const char          *resource_uri,
                  const VdiWsmanEpr   *selectors,
                  const char          *body,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  wsman_call_with_deadline_async (self, action, resource_uri, selectors, body, 0, FALSE,
                                  cancellable, callback, user_data);
}

/* Returns: (transfer full): the answer's document; its Body in @body. */
static xmlDoc *
wsman_call_finish (VdiHypervBackend  *self,
                   GAsyncResult      *result,
                   xmlNode          **body,
                   GError           **error)
{
  xmlDoc *doc = g_task_propagate_pointer (G_TASK (result), error);

  *body = doc != NULL ? vdi_soap_get_body (doc, NULL) : NULL;
  return doc;
}

/* Enumerate + Pull ------------------------------------------------------------------------- */

typedef struct
{
  char      *resource_uri;
  GPtrArray *items;
  guint      n_pulls;
} EnumerateData;

static void
enumerate_data_free (EnumerateData *data)
{
  g_free (data->resource_uri);
  g_ptr_array_unref (data->items);
  g_free (data);
}

static void enumerate_step_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
pull (GTask      *task,
      const char *context)
{
  VdiHypervBackend *self = g_task_get_source_object (task);
  EnumerateData *data = g_task_get_task_data (task);
  g_autofree char *body = vdi_wsman_body_pull (context, PULL_BATCH);

  if (++data->n_pulls > MAX_PULLS)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The provider's enumeration does not end"));
      g_object_unref (task);
      return;
    }

  wsman_call_async (self, VDI_WSMAN_ACTION_PULL, data->resource_uri, NULL, body,
                    g_task_get_cancellable (task), enumerate_step_cb, task);
}

static void
enumerate_step_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (object);
  EnumerateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *context = NULL;
  xmlNode *body;

  doc = wsman_call_finish (self, result, &body, &error);
  if (doc == NULL ||
      !vdi_wsman_parse_enumeration (body, data->n_pulls > 0, &context, data->items, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (context == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->items),
                             (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  pull (task, context);
}

/* Runs @wql and pulls every page. Finishes with a GPtrArray of VdiWsmanInstance. */
static void
enumerate_async (VdiHypervBackend    *self,
                 const char          *class_name,
                 const char          *wql,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  EnumerateData *data = g_new0 (EnumerateData, 1);
  g_autofree char *body = vdi_wsman_body_enumerate (wql);

  g_task_set_source_tag (task, enumerate_async);
  data->resource_uri = vdi_wsman_class_uri (class_name);
  data->items = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_wsman_instance_free);
  g_task_set_task_data (task, data, (GDestroyNotify)enumerate_data_free);

  wsman_call_async (self, VDI_WSMAN_ACTION_ENUMERATE, data->resource_uri, NULL, body,
                    cancellable, enumerate_step_cb, task);
}

static GPtrArray *
enumerate_finish (VdiHypervBackend  *self,
                  GAsyncResult      *result,
                  GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_vdi_hyperv_backend_enumerate_async (VdiHypervBackend    *self,
                                     const char          *class_name,
                                     const char          *wql,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  enumerate_async (self, class_name, wql, cancellable, callback, user_data);
}

GPtrArray *
_vdi_hyperv_backend_enumerate_finish (VdiHypervBackend  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return enumerate_finish (self, result, error);
}

/* Probe ------------------------------------------------------------------------------------ */

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *vendor = NULL;
  g_autofree char *version = NULL;
  xmlNode *body, *response;

  doc = wsman_call_finish (VDI_HYPERV_BACKEND (object), result, &body, &error);
  if (doc == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  response = vdi_xml_child (body, VDI_WSMID_NS, "IdentifyResponse");
  vendor = vdi_xml_dup_child_text (response, VDI_WSMID_NS, "ProductVendor");
  version = vdi_xml_dup_child_text (response, VDI_WSMID_NS, "ProductVersion");
  if (response == NULL || version == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The provider answered, but not as a WS-Management service"));
      return;
    }

  g_strstrip (version);
  {
    /* WinRM says "OS: 10.0.20348 SP: 0.0 Stack: 3.0". */
    char os[32], stack[16];

    if (sscanf (version, "OS: %31s SP: %*s Stack: %15s", os, stack) == 2)
      {
        /* Translators: the Windows version, then the WS-Management version. */
        g_task_return_pointer (task, g_strdup_printf (_("Hyper-V on Windows %s (WS-Management %s)"),
                                                      os, stack), g_free);
        return;
      }
  }

  g_task_return_pointer (task,
                         g_strdup_printf ("%s %s", vendor != NULL ? g_strstrip (vendor) : "",
                                          version),
                         g_free);
}

/* Identify with credentials: it proves the service answers and accepts them. WinRM answers
 * Identify itself, without asking WMI, in milliseconds: a host that has not begun to answer
 * within the probe's deadline is not there, however slow its WMI may be. */
static void
hyperv_probe_async (VdiBackend          *backend,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *body = vdi_wsman_body_identify ();

  g_task_set_source_tag (task, hyperv_probe_async);
  wsman_call_with_deadline_async (self, NULL, NULL, NULL, body,
                                  vdi_backend_get_probe_timeout_ms (), TRUE, cancellable,
                                  probe_cb, task);
}

static char *
hyperv_probe_finish (VdiBackend    *backend,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Listings ----------------------------------------------------------------------------------- */

/* A VM's Name is its GUID; the host's is its computer name. Caption cannot tell them apart: it
 * is localized ("仮想マシン" on a Japanese host). */
static gboolean
is_guid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* Msvm_ComputerSystem holds the host and its VMs; the planned VMs are a class of their own. */
typedef enum
{
  LIST_HOSTS,
  LIST_VMS,
  LIST_PLANNED_VMS,
} ListKind;

static void
list_systems_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListKind kind = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  GPtrArray *out;

  instances = enumerate_finish (VDI_HYPERV_BACKEND (object), result, &error);
  if (instances == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  out = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < instances->len; i++)
    {
      VdiWsmanInstance *instance = g_ptr_array_index (instances, i);
      const char *name = vdi_wsman_instance_get (instance, "Name");
      const char *element = vdi_wsman_instance_get (instance, "ElementName");
      guint64 state = 0;

      if (name == NULL || is_guid (name) != (kind != LIST_HOSTS))
        continue;
      if (element == NULL)
        element = name;

      vdi_wsman_instance_get_uint (instance, "EnabledState", &state);
      switch (kind)
        {
        case LIST_VMS:
          g_ptr_array_add (out, vdi_vm_info_new (name, element, FALSE, state == 2, 0, NULL, NULL,
                                                 NULL));
          break;

        case LIST_PLANNED_VMS:
          g_ptr_array_add (out, vdi_vm_info_new_planned (name, element));
          break;

        case LIST_HOSTS:
        default:
          g_ptr_array_add (out, vdi_host_info_new (name, element, state == 2 || state == 0));
          break;
        }
    }

  g_task_return_pointer (task, out, (GDestroyNotify)g_ptr_array_unref);
}

static void
list_systems_async (VdiHypervBackend    *self,
                    ListKind             kind,
                    gpointer             source_tag,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  if (kind == LIST_PLANNED_VMS)
    enumerate_async (self, PLANNED, "SELECT * FROM " PLANNED, cancellable, list_systems_cb, task);
  else
    enumerate_async (self, COMPUTER, "SELECT * FROM " COMPUTER, cancellable, list_systems_cb,
                     task);
}

static void
hyperv_list_vms_async (VdiBackend          *backend,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  list_systems_async (VDI_HYPERV_BACKEND (backend), LIST_VMS, hyperv_list_vms_async, cancellable,
                      callback, user_data);
}

static void
hyperv_list_planned_vms_async (VdiBackend          *backend,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  list_systems_async (VDI_HYPERV_BACKEND (backend), LIST_PLANNED_VMS,
                      hyperv_list_planned_vms_async, cancellable, callback, user_data);
}

static void
hyperv_list_hosts_async (VdiBackend          *backend,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  list_systems_async (VDI_HYPERV_BACKEND (backend), LIST_HOSTS, hyperv_list_hosts_async,
                      cancellable, callback, user_data);
}

static GPtrArray *
hyperv_list_finish (VdiBackend    *backend,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hyperv_list_datastores_async (VdiBackend          *backend,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);

  g_task_set_source_tag (task, hyperv_list_datastores_async);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Hyper-V hosts have no datastores"));
}

/* Live-migration settings -------------------------------------------------------------------- */

static void
migration_settings_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = enumerate_finish (self, result, &error);
  VdiMigrationSettings settings = { 0 };
  VdiWsmanInstance *instance;
  const char *enabled;
  guint64 value;

  if (instances == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* One instance per host: the settings of its migration service. */
  instance = instances->len > 0 ? g_ptr_array_index (instances, 0) : NULL;
  enabled = instance != NULL ? vdi_wsman_instance_get (instance, "EnableVirtualSystemMigration")
                             : NULL;
  if (enabled == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("%s does not say whether it allows live migration"),
                               self->address);
      return;
    }

  settings.enabled = g_ascii_strcasecmp (enabled, "true") == 0;
  if (vdi_wsman_instance_get_uint (instance, "AuthenticationType", &value))
    settings.authentication = value == 1 ? VDI_MIGRATION_AUTH_KERBEROS : VDI_MIGRATION_AUTH_CREDSSP;
  /* Absent counts are not read as zero: only a host that says 0 allows none. */
  settings.max_migrations =
    vdi_wsman_instance_get_uint (instance, "MaximumActiveVirtualSystemMigration", &value)
      ? (guint)MIN (value, G_MAXUINT) : G_MAXUINT;
  settings.max_storage_migrations =
    vdi_wsman_instance_get_uint (instance, "MaximumActiveStorageMigration", &value)
      ? (guint)MIN (value, G_MAXUINT) : G_MAXUINT;
  g_task_return_pointer (task, vdi_migration_settings_copy (&settings),
                         (GDestroyNotify)vdi_migration_settings_free);
}

/* Hyper-V Settings ▸ Live Migrations, as Msvm_VirtualSystemMigrationServiceSettingData. */
static void
hyperv_get_migration_settings_async (VdiBackend          *backend,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hyperv_get_migration_settings_async);
  enumerate_async (self, MIGRATION_SETTINGS, "SELECT * FROM " MIGRATION_SETTINGS, cancellable,
                   migration_settings_cb, task);
}

static VdiMigrationSettings *
hyperv_get_migration_settings_finish (VdiBackend    *backend,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Starting jobs ------------------------------------------------------------------------------ */

typedef struct
{
  char *method;
  char *result_class;
} InvokeData;

static void
invoke_data_free (InvokeData *data)
{
  g_free (data->method);
  g_free (data->result_class);
  g_free (data);
}

static void
invoke_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (object);
  InvokeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(VdiWsmanEpr) job = NULL;
  g_autofree char *kind = NULL;
  const char *slash;
  xmlNode *body;
  guint code;

  doc = wsman_call_finish (self, result, &body, &error);
  if (doc == NULL ||
      !vdi_wsman_parse_invoke_output (body, data->method, &code, &job, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (code == VDI_WSMAN_RETURN_OK)
    {
      /* Done already; nothing to follow. */
      g_task_return_pointer (task, vdi_backend_job_new ("Completed", ""),
                             (GDestroyNotify)vdi_backend_job_free);
      return;
    }

  if (code != VDI_WSMAN_RETURN_JOB_STARTED)
    {
      /* Translators: a WMI method name, a host address, the meaning of the code, the code. */
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                               _("%s failed on %s: %s (%u)"), data->method, self->address,
                               vdi_wsman_return_value_describe (code), code);
      return;
    }

  /* The job's class (ConcreteJob, MigrationJob, StorageJob) is the EPR's; the class of what
   * it makes, when it makes something, rides along for vdi_backend_follow_async(). */
  slash = strrchr (job->resource_uri, '/');
  kind = g_strdup (slash != NULL ? slash + 1 : job->resource_uri);
  if (data->result_class != NULL)
    {
      g_autofree char *with_result = g_strconcat (kind, "/", data->result_class, NULL);

      g_free (kind);
      kind = g_steal_pointer (&with_result);
    }

  g_task_return_pointer (task,
                         vdi_backend_job_new (kind, vdi_wsman_epr_get_selector (job, "InstanceID")),
                         (GDestroyNotify)vdi_backend_job_free);
}

static VdiWsmanEpr *
service_selectors (const char *service)
{
  VdiWsmanEpr *epr = vdi_wsman_epr_new (NULL);

  /* A singleton service must be named by CreationClassName, or WMI rejects the call. */
  vdi_wsman_epr_add_selector (epr, "CreationClassName", service);
  return epr;
}

static VdiWsmanEpr *
system_epr (const char *class_name,
            const char *name)
{
  g_autofree char *uri = vdi_wsman_class_uri (class_name);
  VdiWsmanEpr *epr = vdi_wsman_epr_new (uri);

  vdi_wsman_epr_add_selector (epr, "CreationClassName", class_name);
  vdi_wsman_epr_add_selector (epr, "Name", name);
  return epr;
}

static void
invoke (VdiHypervBackend *self,
        GTask            *task,
        const char       *class_name,
        const char       *method,
        VdiWsmanEpr      *selectors,
        VdiWsmanParams   *params,
        const char       *result_class)
{
  g_autofree char *uri = vdi_wsman_class_uri (class_name);
  g_autofree char *action = vdi_wsman_action_for_method (uri, method);
  g_autofree char *body = vdi_wsman_params_free_to_body (params);
  InvokeData *data = g_new0 (InvokeData, 1);

  data->method = g_strdup (method);
  data->result_class = g_strdup (result_class);
  g_task_set_task_data (task, data, (GDestroyNotify)invoke_data_free);

  wsman_call_async (self, action, uri, selectors, body, g_task_get_cancellable (task), invoke_cb,
                    g_object_ref (task));
  vdi_wsman_epr_free (selectors);
}

/* DestroySystem on a VM that is already gone fails with a bare return code (Invalid
 * parameter), the same as for a real mistake. Callers that remove what an interrupted run left
 * (a half-made copy, an outdated one) need to know "already gone" from "could not remove":
 * when the destroy fails, a Get by name asks the host whether the VM, realized or planned, is
 * still there.
 *
 * The destroy names the VM as a Msvm_ComputerSystem, as callers mostly remove realized VMs.
 * A planned VM (an import not yet realized) may have to be named as the
 * Msvm_PlannedComputerSystem it is, as Microsoft's sample does: when the look-up finds it
 * planned, the destroy is sent once more that way. */
typedef struct
{
  char    *vm;
  GError  *destroy_error;
  gboolean planned_looked_up;
  gboolean planned_destroy_sent;
} DestroyData;

static void destroy_invoked_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
destroy_planned (GTask *task)
{
  VdiHypervBackend *self = g_task_get_source_object (task);
  DestroyData *data = g_task_get_task_data (task);
  g_autofree char *vsms_uri = vdi_wsman_class_uri (VSMS);
  g_autoptr(VdiWsmanEpr) system = system_epr (PLANNED, data->vm);
  VdiWsmanParams *params = vdi_wsman_params_new (vsms_uri, "DestroySystem");
  g_autoptr(GTask) destroy = NULL;

  data->planned_destroy_sent = TRUE;
  g_clear_error (&data->destroy_error);
  vdi_wsman_params_add_ref (params, "AffectedSystem", system);
  destroy = g_task_new (self, g_task_get_cancellable (task), destroy_invoked_cb,
                        g_object_ref (task));
  invoke (self, destroy, VSMS, "DestroySystem", service_selectors (VSMS), params, NULL);
}

static void
destroy_data_free (DestroyData *data)
{
  g_free (data->vm);
  g_clear_error (&data->destroy_error);
  g_free (data);
}

static void look_up_destroyed (GTask      *task,
                               const char *class_name);

static void
destroyed_lookup_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (object);
  DestroyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *body;

  doc = wsman_call_finish (self, result, &body, &error);
  if (doc != NULL && data->planned_looked_up && !data->planned_destroy_sent)
    {
      /* It is there, and planned: name it so. */
      destroy_planned (task);
      return;
    }
  if (doc != NULL || !g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
    {
      /* Still there, or no telling: the destroy's own words stand. */
      g_task_return_error (task, g_steal_pointer (&data->destroy_error));
      return;
    }
  if (!data->planned_looked_up)
    {
      data->planned_looked_up = TRUE;
      look_up_destroyed (task, PLANNED);
      return;
    }
  g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                           _("There is no VM %s on %s to remove"), data->vm, self->address);
}

static void
look_up_destroyed (GTask      *task,
                   const char *class_name)
{
  VdiHypervBackend *self = g_task_get_source_object (task);
  DestroyData *data = g_task_get_task_data (task);
  g_autofree char *uri = vdi_wsman_class_uri (class_name);
  g_autoptr(VdiWsmanEpr) selectors = vdi_wsman_epr_new (NULL);

  vdi_wsman_epr_add_selector (selectors, "Name", data->vm);
  wsman_call_async (self, VDI_WSMAN_ACTION_GET, uri, selectors, NULL,
                    g_task_get_cancellable (task), destroyed_lookup_cb, g_object_ref (task));
}

static void
destroy_invoked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DestroyData *data = g_task_get_task_data (task);
  VdiBackendJob *job = g_task_propagate_pointer (G_TASK (result), &data->destroy_error);

  if (job != NULL)
    {
      g_task_return_pointer (task, job, (GDestroyNotify)vdi_backend_job_free);
      return;
    }
  /* The second try, naming it planned, has the last word. */
  if (data->planned_destroy_sent ||
      !g_error_matches (data->destroy_error, VDI_BACKEND_ERROR,
                        VDI_BACKEND_ERROR_PROVIDER_FAULT))
    {
      g_task_return_error (task, g_steal_pointer (&data->destroy_error));
      return;
    }
  look_up_destroyed (task, COMPUTER);
}

static gboolean
check_parameters (GTask      *task,
                  const char *operation,
                  GVariant   *parameters,
                  const char *signature)
{
  if (parameters == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE (signature)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "operation %s takes %s", operation, signature);
      return FALSE;
    }
  return TRUE;
}

static void
hyperv_start_async (VdiBackend          *backend,
                    const char          *operation,
                    GVariant            *parameters,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GVariant) ref = parameters != NULL ? g_variant_ref_sink (parameters) : NULL;
  g_autofree char *vsms_uri = vdi_wsman_class_uri (VSMS);
  g_autofree char *migration_uri = vdi_wsman_class_uri (MIGRATION);

  g_task_set_source_tag (task, hyperv_start_async);

  if (g_str_equal (operation, VDI_BACKEND_OP_EXPORT))
    {
      const char * const settings[] = {
        /* 1: ExportNoSnapshots. A template copy needs the VM's storage and nothing else. */
        "CopySnapshotConfiguration", "uint8", "1",
        "CopyVmStorage", "boolean", "true",
        "CopyVmRuntimeInformation", "boolean", "false",
        "CreateVmExportSubdirectory", "boolean", "true",
        NULL,
      };
      const char *vm, *directory;
      VdiWsmanParams *params;
      g_autoptr(VdiWsmanEpr) system = NULL;

      if (!check_parameters (task, operation, ref, "(ss)"))
        return;
      g_variant_get (ref, "(&s&s)", &vm, &directory);
      system = system_epr (COMPUTER, vm);
      params = vdi_wsman_params_new (vsms_uri, "ExportSystemDefinition");
      vdi_wsman_params_add_ref (params, "ComputerSystem", system);
      vdi_wsman_params_add_string (params, "ExportDirectory", directory);
      vdi_wsman_params_add_instance (params, "ExportSettingData",
                                     "Msvm_VirtualSystemExportSettingData", settings);
      invoke (self, task, VSMS, "ExportSystemDefinition", service_selectors (VSMS), params, NULL);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_IMPORT))
    {
      const char *file;
      gboolean new_identity;
      VdiWsmanParams *params;

      if (!check_parameters (task, operation, ref, "(sb)"))
        return;
      g_variant_get (ref, "(&sb)", &file, &new_identity);
      params = vdi_wsman_params_new (vsms_uri, "ImportSystemDefinition");
      vdi_wsman_params_add_string (params, "SystemDefinitionFile", file);
      vdi_wsman_params_add_string (params, "SnapshotFolder", "");
      vdi_wsman_params_add_string (params, "GenerateNewSystemIdentifier",
                                   new_identity ? "true" : "false");
      invoke (self, task, VSMS, "ImportSystemDefinition", service_selectors (VSMS), params,
              PLANNED);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_REALIZE))
    {
      const char *planned;
      VdiWsmanParams *params;
      g_autoptr(VdiWsmanEpr) system = NULL;

      if (!check_parameters (task, operation, ref, "(s)"))
        return;
      g_variant_get (ref, "(&s)", &planned);
      system = system_epr (PLANNED, planned);
      params = vdi_wsman_params_new (vsms_uri, "RealizePlannedSystem");
      vdi_wsman_params_add_ref (params, "PlannedSystem", system);
      invoke (self, task, VSMS, "RealizePlannedSystem", service_selectors (VSMS), params,
              COMPUTER);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_MIGRATE))
    {
      const char * const settings[] = {
        /* 32771: VirtualSystemAndStorage ("shared nothing"); 5: TCP. */
        "MigrationType", "uint16", "32771",
        "TransportType", "uint16", "5",
        NULL,
      };
      const char *vm, *destination;
      VdiWsmanParams *params;
      g_autoptr(VdiWsmanEpr) system = NULL;

      if (!check_parameters (task, operation, ref, "(ss)"))
        return;
      g_variant_get (ref, "(&s&s)", &vm, &destination);
      system = system_epr (COMPUTER, vm);
      params = vdi_wsman_params_new (migration_uri, "MigrateVirtualSystemToHost");
      vdi_wsman_params_add_ref (params, "ComputerSystem", system);
      vdi_wsman_params_add_string (params, "DestinationHost", destination);
      vdi_wsman_params_add_instance (params, "MigrationSettingData",
                                     "Msvm_VirtualSystemMigrationSettingData", settings);
      invoke (self, task, MIGRATION, "MigrateVirtualSystemToHost", service_selectors (MIGRATION),
              params, NULL);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_DESTROY))
    {
      const char *vm;
      VdiWsmanParams *params;
      g_autoptr(VdiWsmanEpr) system = NULL;
      g_autoptr(GTask) destroy = NULL;
      DestroyData *data;

      if (!check_parameters (task, operation, ref, "(s)"))
        return;
      g_variant_get (ref, "(&s)", &vm);
      system = system_epr (COMPUTER, vm);
      params = vdi_wsman_params_new (vsms_uri, "DestroySystem");
      vdi_wsman_params_add_ref (params, "AffectedSystem", system);
      data = g_new0 (DestroyData, 1);
      data->vm = g_strdup (vm);
      g_task_set_task_data (task, data, (GDestroyNotify)destroy_data_free);
      destroy = g_task_new (self, cancellable, destroy_invoked_cb, g_object_ref (task));
      invoke (self, destroy, VSMS, "DestroySystem", service_selectors (VSMS), params, NULL);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_RENAME))
    {
      const char *vm, *name;
      g_autofree char *instance_id = NULL;
      VdiWsmanParams *params;

      if (!check_parameters (task, operation, ref, "(ss)"))
        return;
      g_variant_get (ref, "(&s&s)", &vm, &name);
      if (*name == '\0')
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("A VM needs a name"));
          return;
        }
      /* A VM's current settings are the Msvm_VirtualSystemSettingData whose InstanceID is
       * "Microsoft:" and the VM's GUID; WMI changes only the properties the instance carries,
       * so InstanceID and ElementName are the whole of it. */
      instance_id = g_strconcat ("Microsoft:", vm, NULL);
      {
        const char * const settings[] = {
          "InstanceID", "string", instance_id,
          "ElementName", "string", name,
          NULL,
        };

        params = vdi_wsman_params_new (vsms_uri, "ModifySystemSettings");
        vdi_wsman_params_add_instance (params, "SystemSettings",
                                       "Msvm_VirtualSystemSettingData", settings);
      }
      invoke (self, task, VSMS, "ModifySystemSettings", service_selectors (VSMS), params, NULL);
    }
  else if (g_str_equal (operation, VDI_BACKEND_OP_POWER))
    {
      g_autofree char *computer_uri = vdi_wsman_class_uri (COMPUTER);
      const char *vm;
      gboolean on;
      VdiWsmanParams *params;
      VdiWsmanEpr *selectors;

      if (!check_parameters (task, operation, ref, "(sb)"))
        return;
      g_variant_get (ref, "(&sb)", &vm, &on);
      selectors = vdi_wsman_epr_new (NULL);
      vdi_wsman_epr_add_selector (selectors, "CreationClassName", COMPUTER);
      vdi_wsman_epr_add_selector (selectors, "Name", vm);
      params = vdi_wsman_params_new (computer_uri, "RequestStateChange");
      /* 2: Enabled (running), 3: Disabled (turned off). */
      vdi_wsman_params_add_string (params, "RequestedState", on ? "2" : "3");
      invoke (self, task, COMPUTER, "RequestStateChange", selectors, params, NULL);
    }
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Hyper-V hosts cannot do “%s”"), operation);
}

static VdiBackendJob *
hyperv_start_finish (VdiBackend    *backend,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Following jobs ----------------------------------------------------------------------------- */

typedef struct
{
  VdiBackendJob         *job;
  char                  *job_class;
  char                  *result_class;
  VdiBackendProgressFunc progress;
  gpointer               progress_data;
  double                 last_percent;
  guint                  failures;
  guint                  interval;
  gint64                 answered_us;     /* when the host last answered a poll */
  gint64                 first_seen_us;   /* when a percent above 0 was first seen */
  double                 first_percent;
} FollowData;

static void
follow_data_free (FollowData *data)
{
  vdi_backend_job_free (data->job);
  g_free (data->job_class);
  g_free (data->result_class);
  g_free (data);
}

static void poll_job (GTask *task);

static gboolean
poll_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  poll_job (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/* Waits @interval, or less if the caller cancels: a cancellable source as a child of the
 * timeout wakes it early. */
static void
schedule_poll (GTask *task,
               guint  interval)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }
  g_source_set_callback (source, poll_timeout_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* The wait before the next look at a running job: a second, or, when the job's own progress
 * says it ends between one and two seconds from now, just after that end. Each step's end is
 * then seen within a fraction of a second rather than up to a second late, and a job is still
 * never looked at more than once a second. */
static guint
next_poll_interval (FollowData *data,
                    double      percent)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed, rate, left_ms;

  if (percent <= 0 || percent >= 100)
    return data->interval;
  if (data->first_seen_us == 0)
    {
      data->first_seen_us = now;
      data->first_percent = percent;
      return data->interval;
    }

  elapsed = (now - data->first_seen_us) / 1000.0;
  if (percent <= data->first_percent || elapsed <= 0)
    return data->interval;
  rate = (percent - data->first_percent) / elapsed;
  left_ms = (100 - percent) / rate;

  if (left_ms > data->interval && left_ms <= 2.0 * data->interval)
    return (guint)left_ms + POLL_SETTLE_MS;
  return data->interval;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = enumerate_finish (VDI_HYPERV_BACKEND (object), result, &error);
  const char *name = NULL;

  if (instances == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (instances->len > 0)
    name = vdi_wsman_instance_get (g_ptr_array_index (instances, 0), "Name");
  if (name == NULL)
    {
      FollowData *data = g_task_get_task_data (task);

      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The job finished, but the provider does not say which %s it "
                                 "made"), data->result_class);
      return;
    }

  g_task_return_pointer (task, g_strdup (name), g_free);
}

static void
job_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHypervBackend *self = VDI_HYPERV_BACKEND (object);
  FollowData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(VdiWsmanInstance) instance = NULL;
  xmlNode *body;
  guint64 state = 0, percent = 0, code = 0;

  doc = wsman_call_finish (self, result, &body, &error);
  if (doc == NULL)
    {
      if (vdi_backend_error_is_cancelled (error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
        {
          g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                                   _("The job %s no longer exists on %s"),
                                   vdi_backend_job_get_id (data->job), self->address);
          return;
        }
      /* A poll that got no answer already waited: it is asked again at once, without a
       * backoff, as long as the host's silence stays within the budget; past it, the host is
       * not answering. The polls share that one budget, so a hung host is known after it
       * whatever the poll's own deadline, never after several full timeouts in a row. */
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT))
        {
          gint64 silent_ms = (g_get_monotonic_time () - data->answered_us) / 1000;

          if (silent_ms + 100 >= vdi_backend_get_silence_timeout_ms ())
            {
              g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                                       /* Translators: an address, then seconds. */
                                       _("%s has not answered for %.3g seconds"),
                                       self->address, silent_ms / 1000.0);
              return;
            }
          poll_job (g_object_ref (task));
          return;
        }
      /* A dropped answer or a busy host is no reason to give up on a copy of many minutes;
       * one that refuses the password is: asking again with the same one cannot change its
       * mind. */
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION) ||
          ++data->failures >= MAX_POLL_FAILURES)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->interval = MIN (data->interval * 2, MAX_POLL_BACKOFF);
      schedule_poll (task, data->interval);
      return;
    }

  data->answered_us = g_get_monotonic_time ();
  data->failures = 0;
  data->interval = POLL_INTERVAL_MS;
  instance = vdi_wsman_instance_parse (vdi_xml_first_element (body));
  if (instance == NULL || !vdi_wsman_instance_get_uint (instance, "JobState", &state))
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The provider's job has no state"));
      return;
    }
  vdi_wsman_instance_get_uint (instance, "PercentComplete", &percent);

  if (data->progress != NULL && (double)percent != data->last_percent)
    {
      data->last_percent = MIN (percent, 100);
      data->progress (data->last_percent, 0, 0, data->progress_data);
    }

  switch (state)
    {
    case VDI_WSMAN_JOB_COMPLETED:
      if (data->result_class == NULL)
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      {
        /* Real hosts leave the out parameter empty when a job ran; the association says. */
        g_autofree char *wql = g_strdup_printf ("ASSOCIATORS OF {%s.InstanceID=\"%s\"} WHERE "
                                                "AssocClass=Msvm_AffectedJobElement "
                                                "ResultClass=%s",
                                                data->job_class,
                                                vdi_backend_job_get_id (data->job),
                                                data->result_class);

        enumerate_async (self, data->result_class, wql, g_task_get_cancellable (task),
                         result_cb, g_object_ref (task));
      }
      return;

    case VDI_WSMAN_JOB_TERMINATED:
    case VDI_WSMAN_JOB_KILLED:
    case VDI_WSMAN_JOB_EXCEPTION:
    case VDI_WSMAN_JOB_SERVICE:
      {
        const char *description = vdi_wsman_instance_get (instance, "ErrorDescription");

        vdi_wsman_instance_get_uint (instance, "ErrorCode", &code);
        if (description == NULL || *description == '\0')
          description = vdi_wsman_return_value_describe ((guint)code);
        g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                                 /* Translators: the provider's words, then its error code. */
                                 _("%s (error %u)"), description, (guint)code);
      }
      return;

    default:
      schedule_poll (task, next_poll_interval (data, (double)MIN (percent, 100)));
      return;
    }
}

/* Each poll may wait half the silence budget for its answer to begin, and no longer than
 * what is left of the budget: two unanswered polls in a row at most, not five full timeouts.
 * A slow host (seconds per answer) stays far inside it. */
static void
poll_job (GTask *task)
{
  VdiHypervBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);
  g_autofree char *uri = vdi_wsman_class_uri (data->job_class);
  g_autoptr(VdiWsmanEpr) selectors = vdi_wsman_epr_new (NULL);
  gint64 budget_ms = vdi_backend_get_silence_timeout_ms ();
  gint64 left_ms = budget_ms - (g_get_monotonic_time () - data->answered_us) / 1000;
  guint deadline_ms = (guint)CLAMP (MIN (left_ms, budget_ms / 2), 100, budget_ms);

  vdi_wsman_epr_add_selector (selectors, "InstanceID", vdi_backend_job_get_id (data->job));
  wsman_call_with_deadline_async (self, VDI_WSMAN_ACTION_GET, uri, selectors, NULL,
                                  deadline_ms, TRUE, g_task_get_cancellable (task), job_cb, task);
}

static void
hyperv_follow_async (VdiBackend             *backend,
                     const VdiBackendJob    *job,
                     VdiBackendProgressFunc  progress,
                     gpointer                progress_data,
                     GCancellable           *cancellable,
                     GAsyncReadyCallback     callback,
                     gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);
  FollowData *data = g_new0 (FollowData, 1);
  const char *kind = vdi_backend_job_get_kind (job);
  const char *slash = strchr (kind, '/');

  g_task_set_source_tag (task, hyperv_follow_async);
  data->job = vdi_backend_job_copy (job);
  data->job_class = slash != NULL ? g_strndup (kind, slash - kind) : g_strdup (kind);
  data->result_class = slash != NULL ? g_strdup (slash + 1) : NULL;
  data->progress = progress;
  data->progress_data = progress_data;
  data->last_percent = -1;
  data->interval = POLL_INTERVAL_MS;
  data->answered_us = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify)follow_data_free);

  if (g_str_equal (data->job_class, "Completed"))
    {
      if (progress != NULL)
        progress (100, 0, 0, progress_data);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* The first look comes after the usual interval: a job just started is still running (a
   * method that finishes at once returns 0, not a job), and looking at once would only add a
   * request to every job. */
  schedule_poll (task, data->interval);
}

static char *
hyperv_follow_finish (VdiBackend    *backend,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hyperv_call_async (VdiBackend          *backend,
                   const char          *operation,
                   GVariant            *parameters,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);

  g_task_set_source_tag (task, hyperv_call_async);
  if (parameters != NULL)
    g_variant_unref (g_variant_ref_sink (parameters));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Hyper-V hosts cannot do “%s”"), operation);
}

static gboolean
hyperv_call_finish (VdiBackend    *backend,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
backend_iface_init (VdiBackendInterface *iface)
{
  iface->probe_async = hyperv_probe_async;
  iface->probe_finish = hyperv_probe_finish;
  iface->list_vms_async = hyperv_list_vms_async;
  iface->list_vms_finish = hyperv_list_finish;
  iface->list_planned_vms_async = hyperv_list_planned_vms_async;
  iface->list_planned_vms_finish = hyperv_list_finish;
  iface->list_datastores_async = hyperv_list_datastores_async;
  iface->list_datastores_finish = hyperv_list_finish;
  iface->list_hosts_async = hyperv_list_hosts_async;
  iface->list_hosts_finish = hyperv_list_finish;
  iface->start_async = hyperv_start_async;
  iface->start_finish = hyperv_start_finish;
  iface->follow_async = hyperv_follow_async;
  iface->follow_finish = hyperv_follow_finish;
  iface->call_async = hyperv_call_async;
  iface->call_finish = hyperv_call_finish;
  iface->get_migration_settings_async = hyperv_get_migration_settings_async;
  iface->get_migration_settings_finish = hyperv_get_migration_settings_finish;
  iface->find_running_jobs_async = _vdi_hyperv_backend_find_running_jobs_async;
  iface->find_running_jobs_finish = _vdi_hyperv_backend_find_running_jobs_finish;
}
