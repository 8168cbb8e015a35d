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

#include "vdi-backend-budget.h"
#include "vdi-http-client.h"
#include "vdi-secret.h"
#include "vdi-vcenter-backend-private.h"
#include "vdi-vim-message.h"

static void vdi_vcenter_backend_iface_init (VdiBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VdiVcenterBackend, vdi_vcenter_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VDI_TYPE_BACKEND,
                                                      vdi_vcenter_backend_iface_init))

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
  g_clear_pointer (&self->task_manager, vdi_vim_moref_free);
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

guint
_vdi_vcenter_max_wait_seconds (VdiVcenterBackend *self)
{
  guint wait = self->timeout > 10 ? self->timeout - 5 : self->timeout / 2;

  return CLAMP (wait, 1, MAX_WAIT_SECONDS);
}

/* Calls ---------------------------------------------------------------------------------------- */

typedef struct
{
  char      *method;
  char      *body;
  CallFlags  flags;
  gboolean   retried;
  guint      generation;
  char      *fault_type;
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->method);
  vdi_secret_free (data->body);
  g_free (data->fault_type);
  g_free (data);
}

void
_vdi_vcenter_call_reply_free (CallReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->doc, xmlFreeDoc);
  g_free (reply);
}

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
  _vdi_vcenter_ensure_session_async (self, TRUE, data->generation, g_task_get_cancellable (task),
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

  g_task_return_pointer (task, g_steal_pointer (&reply),
                         (GDestroyNotify)_vdi_vcenter_call_reply_free);
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
  if (data->flags == CALL_PROBE)
    vdi_http_client_post_with_deadline_async (self->client, CONTENT_TYPE, self->soap_action,
                                              data->body, vdi_backend_get_probe_timeout_ms (),
                                              g_task_get_cancellable (task), call_post_cb, task);
  else
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

  if (!_vdi_vcenter_ensure_session_finish (VDI_VCENTER_BACKEND (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    call_send (g_steal_pointer (&task));
}

/* Sends @body (transfer full), a @method envelope, and finishes with its <MethodResponse>. */
void
_vdi_vcenter_call_async (VdiVcenterBackend   *self,
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
  g_task_set_source_tag (task, _vdi_vcenter_call_async);
  data = g_new0 (CallData, 1);
  data->method = g_strdup (method);
  data->body = body;
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify)call_data_free);

  if (flags == CALL_SESSION)
    _vdi_vcenter_ensure_session_async (self, FALSE, 0, cancellable, call_session_cb, task);
  else
    call_send (task);
}

/**
 * call_finish:
 * @fault_type: (out) (optional): the SOAP fault's type when the call failed with one
 */
CallReply *
_vdi_vcenter_call_finish (VdiVcenterBackend  *self,
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
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (VDI_VCENTER_BACKEND (object), result, NULL,
                                                         NULL);
}

/* Best effort, nothing waits: DestroyView, CancelTask, DestroyPropertyCollector. */
void
_vdi_vcenter_call_and_forget (VdiVcenterBackend *self,
                              const char        *method,
                              const VdiVimMoRef *this_ref,
                              const VdiVimMoRef *argument,
                              const char        *argument_name)
{
  VdiVimCall *call = vdi_vim_call_new (method, this_ref);

  if (argument != NULL)
    vdi_vim_call_add_moref (call, argument_name, argument);
  _vdi_vcenter_call_async (self, method, vdi_vim_call_free_to_envelope (call), CALL_PLAIN, NULL,
                           ignore_cb, NULL);
}

gboolean
_vdi_vcenter_is_cancelled (GTask        *task,
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
  g_clear_pointer (&self->task_manager, vdi_vim_moref_free);
  self->task_manager = vdi_vim_moref_parse (vdi_xml_child (returnval, VDI_VIM25_NS,
                                                           "taskManager"));

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
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);

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
  _vdi_vcenter_call_async (self, "Login", vdi_vim_call_free_to_envelope (call), CALL_PLAIN, NULL,
                           login_cb, g_object_ref (self));
}

static void
login_service_content_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(VdiVcenterBackend) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);

  if (reply == NULL || !read_service_content (self, reply, &error))
    login_finish_waiters (self, error);
  else
    login_send (self);
}

void
_vdi_vcenter_ensure_session_async (VdiVcenterBackend   *self,
                                   gboolean             relogin,
                                   guint                generation,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _vdi_vcenter_ensure_session_async);

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
    _vdi_vcenter_call_async (self, "RetrieveServiceContent", build_retrieve_service_content (self),
                             CALL_PLAIN, NULL, login_service_content_cb, g_object_ref (self));
  else
    login_send (self);
}

gboolean
_vdi_vcenter_ensure_session_finish (VdiVcenterBackend  *self,
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

  if (!_vdi_vcenter_ensure_session_finish (self, result, &error))
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
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);

  if (reply == NULL || !read_service_content (self, reply, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _vdi_vcenter_ensure_session_async (self, FALSE, 0, g_task_get_cancellable (task),
                                     probe_session_cb, g_object_ref (task));
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
  _vdi_vcenter_call_async (self, "RetrieveServiceContent", build_retrieve_service_content (self),
                           CALL_PROBE, cancellable, probe_service_content_cb, g_object_ref (task));
}

static char *
vdi_vcenter_backend_probe_finish (VdiBackend    *backend,
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
  iface->find_running_jobs_async = vdi_vcenter_backend_find_running_jobs_async;
  iface->find_running_jobs_finish = vdi_vcenter_backend_find_running_jobs_finish;
}
