/* vdi-vcenter-backend.c
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

#include "vdi-http-client.h"
#include "vdi-secret.h"
#include "vdi-vcenter-backend.h"
#include "vdi-vim-message.h"

#define CONTENT_TYPE       "text/xml; charset=utf-8"
#define DEFAULT_TIMEOUT    60
#define MAX_WAIT_SECONDS   30
#define MAX_PAGES          100000
/* At most one status request per second for each task followed. */
#define STATUS_INTERVAL_US G_USEC_PER_SEC

struct _VdiVcenterBackend
{
  GObject        parent_instance;

  VdiHttpClient *client;
  char          *username;
  char          *password;
  guint          max_objects;
  guint          timeout;

  /* ServiceContent */
  VdiVimMoRef   *service_instance;
  VdiVimMoRef   *root_folder;
  VdiVimMoRef   *property_collector;
  VdiVimMoRef   *view_manager;
  VdiVimMoRef   *session_manager;
  char          *full_name;
  char          *soap_action;

  /* The session: one login at a time; callers that need one while it runs wait for it. The
   * generation counts logins, so that a caller whose session was lost re-logs in only when
   * nobody did since it sent its request. */
  gboolean       logged_in;
  gboolean       login_running;
  guint          generation;
  GQueue         login_waiters;
};

static void vdi_vcenter_backend_iface_init (VdiBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VdiVcenterBackend, vdi_vcenter_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VDI_TYPE_BACKEND,
                                                      vdi_vcenter_backend_iface_init))

static const char * const task_paths[] = {
  "info.state", "info.progress", "info.error", "info.result", NULL
};

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VdiHttpResponse) response = NULL;

  /* Best effort: the server forgets idle sessions anyway. */
  response = vdi_http_client_post_finish (VDI_HTTP_CLIENT (object), result, NULL);
}

static void
vdi_vcenter_backend_dispose (GObject *object)
{
  VdiVcenterBackend *self = (VdiVcenterBackend *)object;

  if (self->logged_in && self->client != NULL && self->session_manager != NULL)
    {
      VdiVimCall *call = vdi_vim_call_new ("Logout", self->session_manager);
      g_autofree char *body = vdi_vim_call_free_to_envelope (call);

      /* The request holds the client, not us: nothing waits for the answer. */
      self->logged_in = FALSE;
      vdi_http_client_post_async (self->client, CONTENT_TYPE, self->soap_action, body, NULL,
                                  logout_cb, NULL);
    }

  g_clear_object (&self->client);

  G_OBJECT_CLASS (vdi_vcenter_backend_parent_class)->dispose (object);
}

static void
vdi_vcenter_backend_finalize (GObject *object)
{
  VdiVcenterBackend *self = (VdiVcenterBackend *)object;

  g_assert (g_queue_is_empty (&self->login_waiters));

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, vdi_secret_free);
  g_clear_pointer (&self->service_instance, vdi_vim_moref_free);
  g_clear_pointer (&self->root_folder, vdi_vim_moref_free);
  g_clear_pointer (&self->property_collector, vdi_vim_moref_free);
  g_clear_pointer (&self->view_manager, vdi_vim_moref_free);
  g_clear_pointer (&self->session_manager, vdi_vim_moref_free);
  g_clear_pointer (&self->full_name, g_free);
  g_clear_pointer (&self->soap_action, g_free);

  G_OBJECT_CLASS (vdi_vcenter_backend_parent_class)->finalize (object);
}

static void
vdi_vcenter_backend_class_init (VdiVcenterBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_vcenter_backend_dispose;
  object_class->finalize = vdi_vcenter_backend_finalize;
}

static void
vdi_vcenter_backend_init (VdiVcenterBackend *self)
{
  self->max_objects = VDI_VCENTER_BACKEND_DEFAULT_MAX_OBJECTS;
  self->timeout = DEFAULT_TIMEOUT;
  self->service_instance = vdi_vim_moref_new ("ServiceInstance", "ServiceInstance");
  self->soap_action = g_strdup ("urn:vim25");
  g_queue_init (&self->login_waiters);
}

/**
 * vdi_vcenter_backend_new:
 * @provider: a vCenter provider: its address, user name, TLS trust
 * @password: (nullable): the password, from the Secret Service
 *
 * Nothing is sent until the first operation.
 */
VdiVcenterBackend *
vdi_vcenter_backend_new (VdiProvider  *provider,
                         const char   *password,
                         GError      **error)
{
  g_autoptr(VdiVcenterBackend) self = NULL;

  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VDI_TYPE_VCENTER_BACKEND, NULL);
  self->client = vdi_http_client_new_for_provider (provider, "/sdk", TRUE, error);
  if (self->client == NULL)
    return NULL;

  self->username = g_strdup (vdi_provider_get_username (provider));
  self->password = g_strdup (password);
  vdi_http_client_set_timeout (self->client, self->timeout);

  return g_steal_pointer (&self);
}

/**
 * vdi_vcenter_backend_set_max_objects:
 * @max_objects: the page size of listings, 0 for the default
 */
void
vdi_vcenter_backend_set_max_objects (VdiVcenterBackend *self,
                                     guint              max_objects)
{
  g_return_if_fail (VDI_IS_VCENTER_BACKEND (self));

  self->max_objects = max_objects > 0 ? max_objects : VDI_VCENTER_BACKEND_DEFAULT_MAX_OBJECTS;
}

/**
 * vdi_vcenter_backend_set_timeout:
 * @timeout_seconds: how long a request may go unanswered, 0 for the default (60 s)
 *
 * Task following long-polls for somewhat less than this.
 */
void
vdi_vcenter_backend_set_timeout (VdiVcenterBackend *self,
                                 guint              timeout_seconds)
{
  g_return_if_fail (VDI_IS_VCENTER_BACKEND (self));

  self->timeout = timeout_seconds > 0 ? timeout_seconds : DEFAULT_TIMEOUT;
  vdi_http_client_set_timeout (self->client, self->timeout);
}

static guint
max_wait_seconds (VdiVcenterBackend *self)
{
  guint wait = self->timeout > 10 ? self->timeout - 5 : self->timeout / 2;

  return CLAMP (wait, 1, MAX_WAIT_SECONDS);
}

/* Calls ---------------------------------------------------------------------------------------- */

typedef enum
{
  CALL_PLAIN,    /* no session needed, or best effort: no login, no retry */
  CALL_SESSION,  /* log in first; on NotAuthenticated log in again, once, and retry */
} CallFlags;

typedef struct
{
  char      *method;
  char      *body;
  CallFlags  flags;
  gboolean   retried;
  guint      generation;
  char      *fault_type;
} CallData;

typedef struct
{
  xmlDoc  *doc;
  xmlNode *response;
} CallReply;

static void
call_data_free (CallData *data)
{
  g_free (data->method);
  vdi_secret_free (data->body);
  g_free (data->fault_type);
  g_free (data);
}

static void
call_reply_free (CallReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->doc, xmlFreeDoc);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallReply, call_reply_free)

static void ensure_session_async (VdiVcenterBackend   *self,
                                  gboolean             relogin,
                                  guint                generation,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
static gboolean ensure_session_finish (VdiVcenterBackend  *self,
                                       GAsyncResult       *result,
                                       GError            **error);
static void call_send       (GTask        *task);
static void call_session_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data);

/* vcsim, and sometimes vCenter, answer a RetrievePropertiesEx without a session with every
 * property in missingSet and a NotAuthenticated fault, instead of a SOAP fault. */
static gboolean
has_missing_not_authenticated (xmlNode *response)
{
  xmlNode *returnval = vdi_vim_returnval (response);

  for (xmlNode *objects = vdi_xml_child (returnval, VDI_VIM25_NS, "objects"); objects != NULL;
       objects = vdi_xml_next (objects, VDI_VIM25_NS, "objects"))
    {
      for (xmlNode *missing = vdi_xml_child (objects, VDI_VIM25_NS, "missingSet");
           missing != NULL; missing = vdi_xml_next (missing, VDI_VIM25_NS, "missingSet"))
        {
          xmlNode *fault = vdi_xml_child (vdi_xml_child (missing, VDI_VIM25_NS, "fault"),
                                          VDI_VIM25_NS, "fault");
          g_autofree char *type = vdi_xml_dup_xsi_type (fault);
          g_autofree char *local = type != NULL ? vdi_soap_local_name (type) : NULL;

          if (g_strcmp0 (local, "NotAuthenticated") == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static void
call_session_lost (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);

  if (data->flags != CALL_SESSION || data->retried)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                               _("The vCenter ended the session and refused a new one"));
      g_object_unref (task);
      return;
    }

  data->retried = TRUE;
  g_debug ("%s: session lost, logging in again", data->method);
  ensure_session_async (self, TRUE, data->generation, g_task_get_cancellable (task),
                        call_session_cb, task);
}

static void
call_post_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHttpResponse) response = NULL;
  g_autoptr(VdiSoapFault) fault = NULL;
  g_autoptr(CallReply) reply = g_new0 (CallReply, 1);
  g_autofree char *response_name = NULL;
  const char *text;
  gsize length;
  xmlNode *body;

  response = vdi_http_client_post_finish (VDI_HTTP_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = g_bytes_get_data (response->body, &length);
  if (!response->is_soap)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The vCenter did not answer %s with SOAP (HTTP %u)"),
                               data->method, response->status);
      return;
    }

  reply->doc = vdi_xml_parse (text != NULL ? text : "", length, &error);
  if (reply->doc == NULL || (body = vdi_soap_get_body (reply->doc, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fault = vdi_soap_parse_fault (body);
  if (fault != NULL)
    {
      g_autofree char *type = fault->type != NULL ? vdi_soap_local_name (fault->type) : NULL;

      if (g_strcmp0 (type, "NotAuthenticated") == 0 && data->flags == CALL_SESSION &&
          !data->retried)
        {
          call_session_lost (g_steal_pointer (&task));
          return;
        }

      g_free (data->fault_type);
      data->fault_type = g_steal_pointer (&type);
      vdi_soap_fault_to_error (fault, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  response_name = g_strconcat (data->method, "Response", NULL);
  reply->response = vdi_xml_child (body, VDI_VIM25_NS, response_name);
  if (reply->response == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The vCenter's answer to %s is not a %s"),
                               data->method, response_name);
      return;
    }

  if (has_missing_not_authenticated (reply->response))
    {
      if (data->flags == CALL_SESSION && !data->retried)
        call_session_lost (g_steal_pointer (&task));
      else
        g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                                 _("The vCenter session is not authenticated"));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify)call_reply_free);
}

static void
call_send (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The vCenter backend was closed"));
      g_object_unref (task);
      return;
    }

  data->generation = self->generation;
  vdi_http_client_post_async (self->client, CONTENT_TYPE, self->soap_action, data->body,
                              g_task_get_cancellable (task), call_post_cb, task);
}

static void
call_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!ensure_session_finish (VDI_VCENTER_BACKEND (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    call_send (g_steal_pointer (&task));
}

/* Sends @body (transfer full), a @method envelope, and finishes with its <MethodResponse>. */
static void
call_async (VdiVcenterBackend   *self,
            const char          *method,
            char                *body,
            CallFlags            flags,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task;
  CallData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, call_async);
  data = g_new0 (CallData, 1);
  data->method = g_strdup (method);
  data->body = body;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify)call_data_free);

  if (flags == CALL_SESSION)
    ensure_session_async (self, FALSE, 0, cancellable, call_session_cb, task);
  else
    call_send (task);
}

/**
 * call_finish:
 * @fault_type: (out) (optional): the SOAP fault's type when the call failed with one
 */
static CallReply *
call_finish (VdiVcenterBackend  *self,
             GAsyncResult       *result,
             char              **fault_type,
             GError            **error)
{
  g_assert (g_task_is_valid (result, self));

  if (fault_type != NULL)
    {
      CallData *data = g_task_get_task_data (G_TASK (result));

      *fault_type = g_strdup (data->fault_type);
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
ignore_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CallReply) reply = call_finish (VDI_VCENTER_BACKEND (object), result, NULL, NULL);
}

/* Best effort, nothing waits: DestroyView, CancelTask, DestroyPropertyCollector. */
static void
call_and_forget (VdiVcenterBackend *self,
                 const char        *method,
                 const VdiVimMoRef *this_ref,
                 const VdiVimMoRef *argument,
                 const char        *argument_name)
{
  VdiVimCall *call = vdi_vim_call_new (method, this_ref);

  if (argument != NULL)
    vdi_vim_call_add_moref (call, argument_name, argument);
  call_async (self, method, vdi_vim_call_free_to_envelope (call), CALL_PLAIN, NULL, ignore_cb,
              NULL);
}

static gboolean
is_cancelled (GTask        *task,
              const GError *error)
{
  return vdi_backend_error_is_cancelled (error) ||
         g_cancellable_is_cancelled (g_task_get_cancellable (task));
}

/* The session ----------------------------------------------------------------------------------- */

static gboolean
read_service_content (VdiVcenterBackend  *self,
                      CallReply          *reply,
                      GError            **error)
{
  xmlNode *returnval = vdi_vim_returnval (reply->response);
  xmlNode *about = vdi_xml_child (returnval, VDI_VIM25_NS, "about");
  g_autoptr(VdiVimMoRef) root_folder = NULL;
  g_autoptr(VdiVimMoRef) property_collector = NULL;
  g_autoptr(VdiVimMoRef) view_manager = NULL;
  g_autoptr(VdiVimMoRef) session_manager = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *api_version = NULL;

  root_folder = vdi_vim_moref_parse (vdi_xml_child (returnval, VDI_VIM25_NS, "rootFolder"));
  property_collector = vdi_vim_moref_parse (vdi_xml_child (returnval, VDI_VIM25_NS,
                                                           "propertyCollector"));
  view_manager = vdi_vim_moref_parse (vdi_xml_child (returnval, VDI_VIM25_NS, "viewManager"));
  session_manager = vdi_vim_moref_parse (vdi_xml_child (returnval, VDI_VIM25_NS,
                                                        "sessionManager"));
  if (root_folder == NULL || property_collector == NULL || view_manager == NULL ||
      session_manager == NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The vCenter's service content lacks the root folder, property "
                             "collector, view manager or session manager"));
      return FALSE;
    }

  full_name = vdi_xml_dup_child_text (about, VDI_VIM25_NS, "fullName");
  api_version = vdi_xml_dup_child_text (about, VDI_VIM25_NS, "apiVersion");

  g_clear_pointer (&self->root_folder, vdi_vim_moref_free);
  self->root_folder = g_steal_pointer (&root_folder);
  g_clear_pointer (&self->property_collector, vdi_vim_moref_free);
  self->property_collector = g_steal_pointer (&property_collector);
  g_clear_pointer (&self->view_manager, vdi_vim_moref_free);
  self->view_manager = g_steal_pointer (&view_manager);
  g_clear_pointer (&self->session_manager, vdi_vim_moref_free);
  self->session_manager = g_steal_pointer (&session_manager);

  g_free (self->full_name);
  self->full_name = full_name != NULL && *g_strstrip (full_name) != '\0'
                      ? g_steal_pointer (&full_name)
                      : g_strdup (_("VMware vCenter Server"));

  /* The SOAPAction picks the API version on a real vCenter. */
  g_free (self->soap_action);
  if (api_version != NULL && *g_strstrip (api_version) != '\0')
    self->soap_action = g_strconcat ("urn:vim25/", api_version, NULL);
  else
    self->soap_action = g_strdup ("urn:vim25");

  return TRUE;
}

static char *
build_retrieve_service_content (VdiVcenterBackend *self)
{
  return vdi_vim_call_free_to_envelope (vdi_vim_call_new ("RetrieveServiceContent",
                                                          self->service_instance));
}

static void
login_finish_waiters (VdiVcenterBackend *self,
                      const GError      *error)
{
  GTask *waiter;

  self->login_running = FALSE;
  if (error == NULL)
    {
      self->logged_in = TRUE;
      self->generation++;
    }

  while ((waiter = g_queue_pop_head (&self->login_waiters)) != NULL)
    {
      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
      g_object_unref (waiter);
    }
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VdiVcenterBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);

  if (reply == NULL && g_error_matches (error, VDI_BACKEND_ERROR,
                                        VDI_BACKEND_ERROR_AUTHENTICATION))
    {
      g_autoptr(GError) wrapped = NULL;

      /* Translators: %s is the vCenter's own message. */
      wrapped = g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                             _("The vCenter refused the user name or password: %s"),
                             error->message);
      login_finish_waiters (self, wrapped);
      return;
    }

  login_finish_waiters (self, error);
}

static void
login_send (VdiVcenterBackend *self)
{
  VdiVimCall *call;

  if (self->username == NULL || *self->username == '\0' || self->password == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (VDI_BACKEND_ERROR,
                                                     VDI_BACKEND_ERROR_AUTHENTICATION,
                                                     _("No user name or password is set for "
                                                       "this vCenter"));

      login_finish_waiters (self, error);
      return;
    }

  /* vcsim refuses a Login on a cookie that still has a session; a lost session's cookie is of
   * no use either. */
  vdi_http_client_clear_cookies (self->client);

  call = vdi_vim_call_new ("Login", self->session_manager);
  vdi_vim_call_add_text (call, "userName", self->username);
  vdi_vim_call_add_text (call, "password", self->password);
  /* Not cancellable: other callers may be waiting for this login. */
  call_async (self, "Login", vdi_vim_call_free_to_envelope (call), CALL_PLAIN, NULL, login_cb,
              g_object_ref (self));
}

static void
login_service_content_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(VdiVcenterBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);

  if (reply == NULL || !read_service_content (self, reply, &error))
    login_finish_waiters (self, error);
  else
    login_send (self);
}

static void
ensure_session_async (VdiVcenterBackend   *self,
                      gboolean             relogin,
                      guint                generation,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ensure_session_async);

  /* A session lost before someone else logged in again: this caller's login is due. */
  if (relogin && self->logged_in && generation == self->generation)
    self->logged_in = FALSE;

  if (self->logged_in)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_queue_push_tail (&self->login_waiters, task);
  if (self->login_running)
    return;

  self->login_running = TRUE;
  if (self->session_manager == NULL)
    call_async (self, "RetrieveServiceContent", build_retrieve_service_content (self),
                CALL_PLAIN, NULL, login_service_content_cb, g_object_ref (self));
  else
    login_send (self);
}

static gboolean
ensure_session_finish (VdiVcenterBackend  *self,
                       GAsyncResult       *result,
                       GError            **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Probe ------------------------------------------------------------------------------------------ */

static void
probe_session_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  g_autoptr(GError) error = NULL;

  if (!ensure_session_finish (self, result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (self->full_name), g_free);
}

static void
probe_service_content_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);

  if (reply == NULL || !read_service_content (self, reply, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ensure_session_async (self, FALSE, 0, g_task_get_cancellable (task), probe_session_cb,
                        g_object_ref (task));
}

/* Always asks the server, so that a vCenter gone away since the last call is seen. */
static void
vdi_vcenter_backend_probe_async (VdiBackend          *backend,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_probe_async);
  call_async (self, "RetrieveServiceContent", build_retrieve_service_content (self), CALL_PLAIN,
              cancellable, probe_service_content_cb, g_object_ref (task));
}

static char *
vdi_vcenter_backend_probe_finish (VdiBackend    *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Listings --------------------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *docs;     /* the documents the objects' values point into */
  GPtrArray *objects;  /* VdiVimObject */
} ObjectList;

static void
object_list_free (ObjectList *list)
{
  if (list == NULL)
    return;

  /* Objects first: they borrow nodes from the documents. */
  g_clear_pointer (&list->objects, g_ptr_array_unref);
  g_clear_pointer (&list->docs, g_ptr_array_unref);
  g_free (list);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ObjectList, object_list_free)

typedef struct
{
  char               *type;
  const char * const *paths;
  VdiVimMoRef        *view;
  ObjectList         *list;
  guint               pages;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->type);
  g_clear_pointer (&data->view, vdi_vim_moref_free);
  g_clear_pointer (&data->list, object_list_free);
  g_free (data);
}

static void
list_fail (GTask  *task,
           GError *error)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);

  if (data->view != NULL)
    call_and_forget (self, "DestroyView", data->view, NULL, NULL);
  g_task_return_error (task, error);
}

static void
list_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);
  g_autofree char *token = NULL;
  VdiVimCall *call;

  if (reply == NULL)
    {
      list_fail (task, g_steal_pointer (&error));
      return;
    }

  if (!vdi_vim_parse_retrieve_result (vdi_vim_returnval (reply->response), data->list->objects,
                                      &token, &error))
    {
      list_fail (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_add (data->list->docs, g_steal_pointer (&reply->doc));

  if (token == NULL)
    {
      call_and_forget (self, "DestroyView", data->view, NULL, NULL);
      g_task_return_pointer (task, g_steal_pointer (&data->list),
                             (GDestroyNotify)object_list_free);
      return;
    }

  if (++data->pages > MAX_PAGES)
    {
      list_fail (task, g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                            _("The vCenter keeps paging a listing without "
                                              "end")));
      return;
    }

  call = vdi_vim_call_new ("ContinueRetrievePropertiesEx", self->property_collector);
  vdi_vim_call_add_text (call, "token", token);
  call_async (self, "ContinueRetrievePropertiesEx", vdi_vim_call_free_to_envelope (call),
              CALL_SESSION, g_task_get_cancellable (task), list_page_cb,
              g_object_ref (task));
}

static void
list_view_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->view = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));
  if (data->view == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The vCenter created a view without a reference"));
      return;
    }

  call_async (self, "RetrievePropertiesEx",
              vdi_vim_build_retrieve_view (self->property_collector, data->view, data->type,
                                           data->paths, self->max_objects),
              CALL_SESSION, g_task_get_cancellable (task), list_page_cb,
              g_object_ref (task));
}

static void
list_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  VdiVimCall *call;

  if (!ensure_session_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = vdi_vim_call_new ("CreateContainerView", self->view_manager);
  vdi_vim_call_add_moref (call, "container", self->root_folder);
  vdi_vim_call_add_text (call, "type", data->type);
  vdi_vim_call_add_bool (call, "recursive", TRUE);
  call_async (self, "CreateContainerView", vdi_vim_call_free_to_envelope (call), CALL_SESSION,
              g_task_get_cancellable (task), list_view_cb, g_object_ref (task));
}

/* Every object of @type under the root folder, through a ContainerView, page by page. */
static void
list_objects_async (VdiVcenterBackend   *self,
                    const char          *type,
                    const char * const  *paths,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);

  g_task_set_source_tag (task, list_objects_async);
  data->type = g_strdup (type);
  data->paths = paths;
  data->list = g_new0 (ObjectList, 1);
  data->list->docs = g_ptr_array_new_with_free_func ((GDestroyNotify)xmlFreeDoc);
  data->list->objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  g_task_set_task_data (task, data, (GDestroyNotify)list_data_free);

  /* The root folder comes with the session. */
  ensure_session_async (self, FALSE, 0, cancellable, list_session_cb, task);
}

static ObjectList *
list_objects_finish (VdiVcenterBackend  *self,
                     GAsyncResult       *result,
                     GError            **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char * const host_paths[] = { "name", "runtime.connectionState", NULL };
static const char * const datastore_paths[] = {
  "name", "summary.type", "summary.capacity", "summary.freeSpace", "summary.accessible", NULL
};
static const char * const vm_paths[] = {
  "name", "config.template", "runtime.powerState", "runtime.host", "datastore",
  "summary.storage.committed", NULL
};

static GPtrArray *
hosts_from_objects (ObjectList *list)
{
  GPtrArray *hosts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *state = vdi_vim_object_dup_string (object, "runtime.connectionState");

      if (name == NULL)
        continue;
      g_ptr_array_add (hosts, vdi_host_info_new (object->obj->value, name,
                                                 g_strcmp0 (state, "connected") == 0));
    }
  return hosts;
}

static guint64
object_get_size (VdiVimObject *object,
                 const char   *path)
{
  gint64 value = 0;

  if (!vdi_vim_object_get_int64 (object, path, &value) || value < 0)
    return 0;
  return (guint64)value;
}

static GPtrArray *
datastores_from_objects (ObjectList *list)
{
  GPtrArray *datastores = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *kind = vdi_vim_object_dup_string (object, "summary.type");
      gboolean accessible = FALSE;

      if (name == NULL)
        continue;
      /* Unknown accessibility counts as inaccessible: nothing gets placed there. */
      vdi_vim_object_get_bool (object, "summary.accessible", &accessible);
      g_ptr_array_add (datastores,
                       vdi_datastore_info_new (object->obj->value, name,
                                               kind != NULL ? kind : "",
                                               object_get_size (object, "summary.capacity"),
                                               object_get_size (object, "summary.freeSpace"),
                                               accessible));
    }
  return datastores;
}

static void
list_hosts_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = list_objects_finish (VDI_VCENTER_BACKEND (object), result,
                                                    &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, hosts_from_objects (list), (GDestroyNotify)g_ptr_array_unref);
}

static void
vdi_vcenter_backend_list_hosts_async (VdiBackend          *backend,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_hosts_async);
  list_objects_async (self, "HostSystem", host_paths, cancellable, list_hosts_cb, task);
}

static void
list_datastores_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = list_objects_finish (VDI_VCENTER_BACKEND (object), result,
                                                    &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, datastores_from_objects (list),
                           (GDestroyNotify)g_ptr_array_unref);
}

static void
vdi_vcenter_backend_list_datastores_async (VdiBackend          *backend,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_datastores_async);
  list_objects_async (self, "Datastore", datastore_paths, cancellable, list_datastores_cb,
                      task);
}

static GPtrArray *
vdi_vcenter_backend_list_finish (VdiBackend    *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* VMs name their host and datastore by reference; the names come from two more listings. */
typedef struct
{
  ObjectList *vms;
  GHashTable *host_names;       /* moid → name */
  GHashTable *datastore_names;  /* moid → name */
} VmListData;

static void
vm_list_data_free (VmListData *data)
{
  g_clear_pointer (&data->vms, object_list_free);
  g_clear_pointer (&data->host_names, g_hash_table_unref);
  g_clear_pointer (&data->datastore_names, g_hash_table_unref);
  g_free (data);
}

static GHashTable *
names_from_objects (ObjectList *list)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      char *name = vdi_vim_object_dup_string (object, "name");

      if (name != NULL)
        g_hash_table_replace (names, g_strdup (object->obj->value), name);
    }
  return names;
}

static GPtrArray *
vms_from_objects (VmListData *data)
{
  GPtrArray *vms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < data->vms->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (data->vms->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *power = vdi_vim_object_dup_string (object, "runtime.powerState");
      g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (object, "runtime.host");
      g_autoptr(GPtrArray) datastores = vdi_vim_object_dup_morefs (object, "datastore");
      VdiVimMoRef *datastore = datastores->len > 0 ? g_ptr_array_index (datastores, 0) : NULL;
      const char *host_name = NULL;
      const char *datastore_name = NULL;
      gboolean is_template = FALSE;

      if (name == NULL)
        continue;
      vdi_vim_object_get_bool (object, "config.template", &is_template);
      if (host != NULL)
        host_name = g_hash_table_lookup (data->host_names, host->value);
      if (datastore != NULL)
        datastore_name = g_hash_table_lookup (data->datastore_names, datastore->value);

      g_ptr_array_add (vms, vdi_vm_info_new (object->obj->value, name, is_template,
                                             g_strcmp0 (power, "poweredOn") == 0,
                                             object_get_size (object,
                                                              "summary.storage.committed"),
                                             host_name,
                                             datastore_name,
                                             datastore != NULL ? datastore->value : NULL));
    }
  return vms;
}

static void
list_vms_datastores_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = list_objects_finish (VDI_VCENTER_BACKEND (object), result,
                                                    &error);

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->datastore_names = names_from_objects (list);
  g_task_return_pointer (task, vms_from_objects (data), (GDestroyNotify)g_ptr_array_unref);
}

static void
list_vms_hosts_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = list_objects_finish (VDI_VCENTER_BACKEND (object), result,
                                                    &error);
  static const char * const name_path[] = { "name", NULL };

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->host_names = names_from_objects (list);
  list_objects_async (VDI_VCENTER_BACKEND (object), "Datastore", name_path,
                      g_task_get_cancellable (task), list_vms_datastores_cb,
                      g_object_ref (task));
}

static void
list_vms_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  static const char * const name_path[] = { "name", NULL };

  data->vms = list_objects_finish (VDI_VCENTER_BACKEND (object), result, &error);
  if (data->vms == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  list_objects_async (VDI_VCENTER_BACKEND (object), "HostSystem", name_path,
                      g_task_get_cancellable (task), list_vms_hosts_cb,
                      g_object_ref (task));
}

static void
vdi_vcenter_backend_list_vms_async (VdiBackend          *backend,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_vms_async);
  g_task_set_task_data (task, g_new0 (VmListData, 1), (GDestroyNotify)vm_list_data_free);
  list_objects_async (self, "VirtualMachine", vm_paths, cancellable, list_vms_cb, task);
}

/* Operations ------------------------------------------------------------------------------------- */

typedef enum
{
  OP_CLONE,
  OP_DESTROY,
  OP_POWER,
  OP_MARK_TEMPLATE,
  OP_MARK_VM,
} OpKind;

typedef enum
{
  STAGE_VM,           /* the VM's folder, pool, host and snapshot */
  STAGE_HOST_PARENT,  /* the host's compute resource */
  STAGE_POOL,         /* the compute resource's root resource pool */
  STAGE_ACTION,       /* the call itself */
} OpStage;

typedef struct
{
  OpKind       kind;
  OpStage      stage;
  VdiVimMoRef *vm;
  char        *name;
  VdiVimMoRef *datastore;
  gboolean     flag;       /* clone: linked; power: on */
  VdiVimMoRef *folder;
  VdiVimMoRef *pool;
  VdiVimMoRef *host;
  VdiVimMoRef *snapshot;
  VdiVimMoRef *compute_resource;
  gboolean     looked_parent;
  gboolean     looked_pool;
  gboolean     listed_pools;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_pointer (&data->vm, vdi_vim_moref_free);
  g_free (data->name);
  g_clear_pointer (&data->datastore, vdi_vim_moref_free);
  g_clear_pointer (&data->folder, vdi_vim_moref_free);
  g_clear_pointer (&data->pool, vdi_vim_moref_free);
  g_clear_pointer (&data->host, vdi_vim_moref_free);
  g_clear_pointer (&data->snapshot, vdi_vim_moref_free);
  g_clear_pointer (&data->compute_resource, vdi_vim_moref_free);
  g_free (data);
}

static const char *
op_method (OpData *data)
{
  switch (data->kind)
    {
    case OP_CLONE:         return "CloneVM_Task";
    case OP_DESTROY:       return "Destroy_Task";
    case OP_POWER:         return data->flag ? "PowerOnVM_Task" : "PowerOffVM_Task";
    case OP_MARK_TEMPLATE: return "MarkAsTemplate";
    case OP_MARK_VM:       return "MarkAsVirtualMachine";
    default:               g_assert_not_reached ();
    }
}

static char *
op_build_action (VdiVcenterBackend *self,
                 OpData            *data)
{
  VdiVimCall *call = vdi_vim_call_new (op_method (data), data->vm);

  switch (data->kind)
    {
    case OP_CLONE:
      vdi_vim_call_add_moref (call, "folder", data->folder);
      vdi_vim_call_add_text (call, "name", data->name);
      vdi_vim_call_open (call, "spec", NULL);
      vdi_vim_call_open (call, "location", NULL);
      vdi_vim_call_add_moref (call, "datastore", data->datastore);
      if (data->flag)
        vdi_vim_call_add_text (call, "diskMoveType", "createNewChildDiskBacking");
      vdi_vim_call_add_moref (call, "pool", data->pool);
      vdi_vim_call_close (call, "location");
      vdi_vim_call_add_bool (call, "template", FALSE);
      vdi_vim_call_add_bool (call, "powerOn", FALSE);
      /* A linked clone shares the disks of a snapshot: real vCenters need one. */
      if (data->flag)
        vdi_vim_call_add_moref (call, "snapshot", data->snapshot);
      vdi_vim_call_close (call, "spec");
      break;

    case OP_MARK_VM:
      vdi_vim_call_add_moref (call, "pool", data->pool);
      vdi_vim_call_add_moref (call, "host", data->host);
      break;

    case OP_DESTROY:
    case OP_POWER:
    case OP_MARK_TEMPLATE:
    default:
      break;
    }

  return vdi_vim_call_free_to_envelope (call);
}

static void op_find_pool (GTask *task);
static void op_call_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
op_send (GTask   *task,
         OpStage  stage,
         char    *body)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  const char *method = stage == STAGE_ACTION ? op_method (data) : "RetrievePropertiesEx";

  data->stage = stage;
  call_async (self, method, body, CALL_SESSION, g_task_get_cancellable (task), op_call_cb, task);
}

static void
op_send_action (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);

  if ((data->kind == OP_CLONE || data->kind == OP_MARK_VM) && data->pool == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                               _("The vCenter shows no resource pool for the host of VM “%s”"),
                               data->vm->value);
      g_object_unref (task);
      return;
    }
  if (data->kind == OP_CLONE && data->folder == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                               _("The vCenter shows no folder for VM “%s”"), data->vm->value);
      g_object_unref (task);
      return;
    }

  op_send (task, STAGE_ACTION, op_build_action (self, data));
}

static void
op_pool_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = list_objects_finish (VDI_VCENTER_BACKEND (object), result,
                                                    &error);

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A pool some VM on the same host runs in, else any pool. */
  for (guint i = 0; i < list->objects->len && data->pool == NULL; i++)
    {
      VdiVimObject *vm = g_ptr_array_index (list->objects, i);
      g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (vm, "runtime.host");

      if (vdi_vim_moref_equal (host, data->host))
        data->pool = vdi_vim_object_dup_moref (vm, "resourcePool");
    }
  for (guint i = 0; i < list->objects->len && data->pool == NULL; i++)
    data->pool = vdi_vim_object_dup_moref (g_ptr_array_index (list->objects, i), "resourcePool");

  data->listed_pools = TRUE;
  op_find_pool (g_steal_pointer (&task));
}

/* The pool a template is cloned into or turned back into a VM in: its host's compute
 * resource's, read from the host's parent; failing that, one that a VM on that host uses. */
static void
op_find_pool (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  static const char * const parent_path[] = { "parent", NULL };
  static const char * const pool_path[] = { "resourcePool", NULL };
  static const char * const vm_pool_paths[] = { "resourcePool", "runtime.host", NULL };

  if (data->pool != NULL || data->listed_pools)
    op_send_action (task);
  else if (data->host != NULL && !data->looked_parent)
    op_send (task, STAGE_HOST_PARENT,
             vdi_vim_build_retrieve_object (self->property_collector, data->host, parent_path));
  else if (data->compute_resource != NULL && !data->looked_pool)
    op_send (task, STAGE_POOL,
             vdi_vim_build_retrieve_object (self->property_collector, data->compute_resource,
                                            pool_path));
  else
    list_objects_async (self, "VirtualMachine", vm_pool_paths, g_task_get_cancellable (task),
                        op_pool_list_cb, task);
}

static VdiVimObject *
op_take_object (CallReply  *reply,
                GPtrArray  *objects,
                GError    **error)
{
  g_autofree char *token = NULL;

  if (!vdi_vim_parse_retrieve_result (vdi_vim_returnval (reply->response), objects, &token,
                                      error))
    return NULL;
  if (objects->len == 0)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                           _("The vCenter has no such object"));
      return NULL;
    }
  return g_ptr_array_index (objects, 0);
}

static void
op_call_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, NULL, &error);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  VdiVimObject *found;

  if (reply == NULL && (data->stage == STAGE_VM || data->stage == STAGE_ACTION ||
                        is_cancelled (task, error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->stage)
    {
    case STAGE_VM:
      if ((found = op_take_object (reply, objects, &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->folder = vdi_vim_object_dup_moref (found, "parent");
      data->pool = vdi_vim_object_dup_moref (found, "resourcePool");
      data->host = vdi_vim_object_dup_moref (found, "runtime.host");
      data->snapshot = vdi_vim_moref_parse (vdi_xml_child (g_hash_table_lookup (found->props,
                                                                                "snapshot"),
                                                           VDI_VIM25_NS, "currentSnapshot"));
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_HOST_PARENT:
      /* A host whose compute resource cannot be read leaves no pool to find. */
      data->looked_parent = TRUE;
      if (reply != NULL && (found = op_take_object (reply, objects, NULL)) != NULL)
        data->compute_resource = vdi_vim_object_dup_moref (found, "parent");
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_POOL:
      data->looked_pool = TRUE;
      if (reply != NULL && (found = op_take_object (reply, objects, NULL)) != NULL)
        data->pool = vdi_vim_object_dup_moref (found, "resourcePool");
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_ACTION:
      if (data->kind == OP_MARK_TEMPLATE || data->kind == OP_MARK_VM)
        g_task_return_boolean (task, TRUE);
      else
        {
          g_autoptr(VdiVimMoRef) moref = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));

          if (moref == NULL)
            g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                     _("The vCenter started %s without naming its task"),
                                     op_method (data));
          else
            g_task_return_pointer (task, vdi_backend_job_new (moref->type, moref->value),
                                   (GDestroyNotify)vdi_backend_job_free);
        }
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
op_session_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  static const char * const paths[] = {
    "parent", "resourcePool", "runtime.host", "snapshot", NULL
  };

  if (!ensure_session_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op_send (g_steal_pointer (&task), STAGE_VM,
           vdi_vim_build_retrieve_object (self->property_collector, data->vm, paths));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpData, op_data_free)

static OpData *
op_data_new (const char  *operation,
             GVariant    *parameters,
             gboolean     job,
             GError     **error)
{
  g_autoptr(OpData) data = g_new0 (OpData, 1);
  const char *signature;
  const char *vm = NULL, *name = NULL, *datastore = NULL;

  if (job && g_strcmp0 (operation, VDI_BACKEND_OP_CLONE) == 0)
    data->kind = OP_CLONE, signature = "(sssb)";
  else if (job && g_strcmp0 (operation, VDI_BACKEND_OP_DESTROY) == 0)
    data->kind = OP_DESTROY, signature = "(s)";
  else if (job && g_strcmp0 (operation, VDI_BACKEND_OP_POWER) == 0)
    data->kind = OP_POWER, signature = "(sb)";
  else if (!job && g_strcmp0 (operation, VDI_BACKEND_OP_MARK_TEMPLATE) == 0)
    data->kind = OP_MARK_TEMPLATE, signature = "(s)";
  else if (!job && g_strcmp0 (operation, VDI_BACKEND_OP_MARK_VM) == 0)
    data->kind = OP_MARK_VM, signature = "(s)";
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("vCenter does not support the operation “%s”"), operation);
      return NULL;
    }

  if (parameters == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE (signature)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Operation “%s” takes parameters %s", operation, signature);
      return NULL;
    }

  switch (data->kind)
    {
    case OP_CLONE:
      g_variant_get (parameters, "(&s&s&sb)", &vm, &name, &datastore, &data->flag);
      break;
    case OP_POWER:
      g_variant_get (parameters, "(&sb)", &vm, &data->flag);
      break;
    case OP_DESTROY:
    case OP_MARK_TEMPLATE:
    case OP_MARK_VM:
    default:
      g_variant_get (parameters, "(&s)", &vm);
      break;
    }

  if (*vm == '\0' || (data->kind == OP_CLONE && (*name == '\0' || *datastore == '\0')))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Operation “%s” needs non-empty parameters", operation);
      return NULL;
    }

  data->vm = vdi_vim_moref_new ("VirtualMachine", vm);
  data->name = g_strdup (name);
  if (datastore != NULL)
    data->datastore = vdi_vim_moref_new ("Datastore", datastore);
  return g_steal_pointer (&data);
}


static void
op_start (VdiVcenterBackend   *self,
          gpointer             source_tag,
          const char          *operation,
          GVariant            *parameters,
          gboolean             job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sunk = parameters != NULL ? g_variant_ref_sink (parameters) : NULL;
  OpData *data;

  g_task_set_source_tag (task, source_tag);
  data = op_data_new (operation, parameters, job, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, data, (GDestroyNotify)op_data_free);

  if (data->kind == OP_CLONE || data->kind == OP_MARK_VM)
    /* The property collector is known once logged in. */
    ensure_session_async (self, FALSE, 0, cancellable, op_session_cb, g_steal_pointer (&task));
  else
    op_send (g_steal_pointer (&task), STAGE_ACTION, op_build_action (self, data));
}

static void
vdi_vcenter_backend_start_async (VdiBackend          *backend,
                                 const char          *operation,
                                 GVariant            *parameters,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  op_start (VDI_VCENTER_BACKEND (backend), vdi_vcenter_backend_start_async, operation,
            parameters, TRUE, cancellable, callback, user_data);
}

static VdiBackendJob *
vdi_vcenter_backend_start_finish (VdiBackend    *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vdi_vcenter_backend_call_async (VdiBackend          *backend,
                                const char          *operation,
                                GVariant            *parameters,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  op_start (VDI_VCENTER_BACKEND (backend), vdi_vcenter_backend_call_async, operation,
            parameters, FALSE, cancellable, callback, user_data);
}

static gboolean
vdi_vcenter_backend_call_finish (VdiBackend    *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Following a task ------------------------------------------------------------------------------- */

typedef enum
{
  FOLLOW_RETRIEVE,           /* RetrievePropertiesEx of the task: first look, and polling */
  FOLLOW_CREATE_COLLECTOR,
  FOLLOW_CREATE_FILTER,
  FOLLOW_WAIT,               /* WaitForUpdatesEx */
} FollowStage;

typedef struct
{
  FollowStage             stage;
  VdiVimMoRef            *task;
  VdiVimTaskInfo         *info;
  VdiBackendProgressFunc  progress;
  gpointer                progress_data;
  int                     reported;
  VdiVimMoRef            *collector;
  guint                   collector_generation;
  char                   *version;
  gboolean                polling;
  gboolean                looked;
  gboolean                recreated;
  gint64                  last_status;
  GSource                *sleep;
} FollowData;

static void
follow_data_free (FollowData *data)
{
  if (data->sleep != NULL)
    {
      g_source_destroy (data->sleep);
      g_source_unref (data->sleep);
    }
  g_clear_pointer (&data->task, vdi_vim_moref_free);
  g_clear_pointer (&data->info, vdi_vim_task_info_free);
  g_clear_pointer (&data->collector, vdi_vim_moref_free);
  g_free (data->version);
  g_free (data);
}

static void follow_next (GTask *task);

static void
follow_drop_collector (VdiVcenterBackend *self,
                       FollowData        *data)
{
  if (data->collector != NULL)
    call_and_forget (self, "DestroyPropertyCollector", data->collector, NULL, NULL);
  g_clear_pointer (&data->collector, vdi_vim_moref_free);
}

/* Takes @task's reference. */
static void
follow_return_error (GTask  *task,
                     GError *error)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);

  follow_drop_collector (self, data);
  if (is_cancelled (task, error))
    {
      /* The caller gave up on the task, so ask the vCenter to give up on it too. */
      call_and_forget (self, "CancelTask", data->task, NULL, NULL);
      g_clear_error (&error);
      error = g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CANCELLED,
                                   _("Cancelled"));
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
follow_report (FollowData *data)
{
  int percent = data->info->progress;

  if (data->info->state == VDI_VIM_TASK_SUCCESS)
    percent = 100;
  if (percent < 0 || percent <= data->reported)
    return;

  data->reported = percent;
  if (data->progress != NULL)
    data->progress (percent, 0, 0, data->progress_data);
}

/* Reports progress; finishes the task (taking its reference) and returns TRUE once it ended. */
static gboolean
follow_check_done (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);
  VdiVimTaskInfo *info = data->info;

  follow_report (data);

  if (info->state == VDI_VIM_TASK_SUCCESS)
    {
      follow_drop_collector (self, data);
      g_task_return_pointer (task, info->result != NULL ? g_strdup (info->result->value) : NULL,
                             g_free);
      g_object_unref (task);
      return TRUE;
    }

  if (info->state == VDI_VIM_TASK_ERROR)
    {
      GError *error;

      if (info->error_type != NULL && g_strcmp0 (info->error_type, info->error_message) != 0)
        /* Translators: the vCenter's message, then its fault type, e.g. "NoDiskSpace". */
        error = g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT, _("%s (%s)"),
                             info->error_message != NULL ? info->error_message : "",
                             info->error_type);
      else
        error = g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                                     info->error_message != NULL ? info->error_message
                                                                 : _("The task failed"));
      if (g_strcmp0 (info->error_type, "RequestCanceled") == 0)
        error->code = VDI_BACKEND_ERROR_CANCELLED;
      follow_drop_collector (self, data);
      g_task_return_error (task, error);
      g_object_unref (task);
      return TRUE;
    }

  return FALSE;
}

static gboolean
follow_wake_cb (gpointer user_data)
{
  GTask *task = user_data;
  FollowData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->sleep, g_source_unref);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    follow_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "Cancelled"));
  else
    follow_next (task);
  return G_SOURCE_REMOVE;
}

/* Sends the next status request no sooner than a second after the last one; the wait ends
 * early when the caller cancels. Takes @task's reference. */
static void
follow_schedule (GTask *task)
{
  FollowData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 delay = data->last_status + STATUS_INTERVAL_US - g_get_monotonic_time ();

  if (delay <= 0)
    {
      follow_next (task);
      return;
    }

  data->sleep = g_timeout_source_new ((guint)(delay / 1000) + 1);
  if (cancellable != NULL)
    {
      GSource *cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (data->sleep, cancelled);
      g_source_unref (cancelled);
    }
  g_source_set_callback (data->sleep, follow_wake_cb, task, NULL);
  g_source_attach (data->sleep, g_task_get_context (task));
}

static void follow_call_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
follow_send (GTask       *task,
             FollowStage  stage,
             const char  *method,
             char        *body)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);

  data->stage = stage;
  if (stage == FOLLOW_RETRIEVE || stage == FOLLOW_WAIT)
    data->last_status = g_get_monotonic_time ();
  call_async (self, method, body, CALL_SESSION, g_task_get_cancellable (task), follow_call_cb,
              task);
}

static void
follow_add_filter_spec (VdiVimCall        *call,
                        const VdiVimMoRef *task)
{
  vdi_vim_call_open (call, "spec", NULL);
  vdi_vim_call_open (call, "propSet", NULL);
  vdi_vim_call_add_text (call, "type", task->type);
  vdi_vim_call_add_bool (call, "all", FALSE);
  for (guint i = 0; task_paths[i] != NULL; i++)
    vdi_vim_call_add_text (call, "pathSet", task_paths[i]);
  vdi_vim_call_close (call, "propSet");
  vdi_vim_call_open (call, "objectSet", NULL);
  vdi_vim_call_add_moref (call, "obj", task);
  vdi_vim_call_close (call, "objectSet");
  vdi_vim_call_close (call, "spec");
  vdi_vim_call_add_bool (call, "partialUpdates", FALSE);
}

/* Takes @task's reference. */
static void
follow_next (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  FollowData *data = g_task_get_task_data (task);
  VdiVimCall *call;

  if (data->polling)
    {
      follow_send (task, FOLLOW_RETRIEVE, "RetrievePropertiesEx",
                   vdi_vim_build_retrieve_object (self->property_collector, data->task,
                                                  task_paths));
    }
  else if (data->collector == NULL)
    {
      /* A collector of our own: its filter and versions concern this task alone. */
      data->collector_generation = self->generation;
      g_clear_pointer (&data->version, g_free);
      call = vdi_vim_call_new ("CreatePropertyCollector", self->property_collector);
      follow_send (task, FOLLOW_CREATE_COLLECTOR, "CreatePropertyCollector",
                   vdi_vim_call_free_to_envelope (call));
    }
  else
    {
      call = vdi_vim_call_new ("WaitForUpdatesEx", data->collector);
      vdi_vim_call_add_text (call, "version", data->version != NULL ? data->version : "");
      vdi_vim_call_open (call, "options", NULL);
      vdi_vim_call_add_int (call, "maxWaitSeconds", max_wait_seconds (self));
      vdi_vim_call_close (call, "options");
      follow_send (task, FOLLOW_WAIT, "WaitForUpdatesEx", vdi_vim_call_free_to_envelope (call));
    }
}

/* Whether the vCenter lacks a method, as against failing it. */
static gboolean
is_missing_method (const char *fault_type)
{
  static const char * const types[] = {
    "MethodNotFound", "InvalidRequest", "NotImplemented", "NotSupported", NULL
  };

  return fault_type != NULL && g_strv_contains (types, fault_type);
}

static void
follow_call_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  FollowData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *fault_type = NULL;
  g_autoptr(CallReply) reply = call_finish (self, result, &fault_type, &error);

  if (reply == NULL)
    {
      if (is_cancelled (task, error))
        {
          follow_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->stage != FOLLOW_RETRIEVE && is_missing_method (fault_type))
        {
          g_debug ("no WaitForUpdatesEx (%s): polling task %s", fault_type, data->task->value);
          data->polling = TRUE;
          follow_drop_collector (self, data);
          follow_schedule (task);
          return;
        }
      if (data->stage != FOLLOW_RETRIEVE && !data->recreated &&
               data->collector_generation != self->generation)
        {
          /* A new session does not know the old one's collector. */
          data->recreated = TRUE;
          g_clear_pointer (&data->collector, vdi_vim_moref_free);
          follow_schedule (task);
          return;
        }
      follow_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->stage)
    {
    case FOLLOW_RETRIEVE:
      {
        g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
        VdiVimObject *found = op_take_object (reply, objects, &error);

        if (found == NULL)
          {
            follow_return_error (task, g_steal_pointer (&error));
            return;
          }
        for (guint i = 0; task_paths[i] != NULL; i++)
          {
            if (!vdi_vim_task_info_update (data->info, task_paths[i],
                                           g_hash_table_lookup (found->props, task_paths[i]),
                                           &error))
              {
                follow_return_error (task, g_steal_pointer (&error));
                return;
              }
          }
        if (follow_check_done (task))
          return;
        if (!data->looked)
          {
            data->looked = TRUE;
            data->polling = FALSE;
          }
        follow_schedule (task);
        return;
      }

    case FOLLOW_CREATE_COLLECTOR:
      {
        VdiVimCall *call;

        data->collector = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));
        if (data->collector == NULL)
          {
            follow_return_error (task, g_error_new_literal (VDI_BACKEND_ERROR,
                                                            VDI_BACKEND_ERROR_PROTOCOL,
                                                            _("The vCenter created a property "
                                                              "collector without a reference")));
            return;
          }
        call = vdi_vim_call_new ("CreateFilter", data->collector);
        follow_add_filter_spec (call, data->task);
        follow_send (task, FOLLOW_CREATE_FILTER, "CreateFilter",
                     vdi_vim_call_free_to_envelope (call));
        return;
      }

    case FOLLOW_CREATE_FILTER:
      /* The filter lives and dies with the collector. */
      follow_schedule (task);
      return;

    case FOLLOW_WAIT:
      if (!vdi_vim_parse_task_updates (vdi_vim_returnval (reply->response), data->task,
                                       data->info, &data->version, &error))
        {
          follow_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!follow_check_done (task))
        follow_schedule (task);
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
follow_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!ensure_session_finish (VDI_VCENTER_BACKEND (object), result, &error))
    follow_return_error (task, g_steal_pointer (&error));
  else
    follow_next (task);
}

static void
vdi_vcenter_backend_follow_async (VdiBackend             *backend,
                                  const VdiBackendJob    *job,
                                  VdiBackendProgressFunc  progress,
                                  gpointer                progress_data,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FollowData *data;

  g_task_set_source_tag (task, vdi_vcenter_backend_follow_async);

  if (g_strcmp0 (vdi_backend_job_get_kind (job), "Task") != 0 ||
      vdi_backend_job_get_id (job) == NULL || *vdi_backend_job_get_id (job) == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("A vCenter cannot follow a job of kind “%s”"),
                               vdi_backend_job_get_kind (job));
      g_object_unref (task);
      return;
    }

  data = g_new0 (FollowData, 1);
  data->task = vdi_vim_moref_new ("Task", vdi_backend_job_get_id (job));
  data->info = g_new0 (VdiVimTaskInfo, 1);
  data->info->state = VDI_VIM_TASK_QUEUED;
  data->info->progress = -1;
  data->progress = progress;
  data->progress_data = progress_data;
  data->reported = -1;
  g_task_set_task_data (task, data, (GDestroyNotify)follow_data_free);

  /* A first look by RetrievePropertiesEx: an unknown task is NOT_FOUND at once, and a task that
   * already ended needs no collector. Then long-polling, or polling where there is none. */
  data->polling = TRUE;
  ensure_session_async (self, FALSE, 0, cancellable, follow_session_cb, task);
}

static char *
vdi_vcenter_backend_follow_finish (VdiBackend    *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vdi_vcenter_backend_iface_init (VdiBackendInterface *iface)
{
  iface->probe_async = vdi_vcenter_backend_probe_async;
  iface->probe_finish = vdi_vcenter_backend_probe_finish;
  iface->list_vms_async = vdi_vcenter_backend_list_vms_async;
  iface->list_vms_finish = vdi_vcenter_backend_list_finish;
  iface->list_datastores_async = vdi_vcenter_backend_list_datastores_async;
  iface->list_datastores_finish = vdi_vcenter_backend_list_finish;
  iface->list_hosts_async = vdi_vcenter_backend_list_hosts_async;
  iface->list_hosts_finish = vdi_vcenter_backend_list_finish;
  iface->start_async = vdi_vcenter_backend_start_async;
  iface->start_finish = vdi_vcenter_backend_start_finish;
  iface->follow_async = vdi_vcenter_backend_follow_async;
  iface->follow_finish = vdi_vcenter_backend_follow_finish;
  iface->call_async = vdi_vcenter_backend_call_async;
  iface->call_finish = vdi_vcenter_backend_call_finish;
}
