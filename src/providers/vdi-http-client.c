/* vdi-http-client.c
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

#include "vdi-backend-error.h"
#include "vdi-http-client.h"
#include "vdi-secret.h"
#include "vdi-xml.h"

#define DEFAULT_TIMEOUT 60
#define MAX_CONNECTIONS 4

struct _VdiHttpClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *uri;
  char        *uri_string;
  char        *pinned_fingerprint;
  char        *authorization;
};

G_DEFINE_FINAL_TYPE (VdiHttpClient, vdi_http_client, G_TYPE_OBJECT)

static void
vdi_http_client_finalize (GObject *object)
{
  VdiHttpClient *self = (VdiHttpClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->uri_string, g_free);
  g_clear_pointer (&self->pinned_fingerprint, g_free);
  g_clear_pointer (&self->authorization, vdi_secret_free);

  G_OBJECT_CLASS (vdi_http_client_parent_class)->finalize (object);
}

static void
vdi_http_client_class_init (VdiHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_http_client_finalize;
}

static void
vdi_http_client_init (VdiHttpClient *self)
{
}

/**
 * vdi_http_client_new:
 * @pinned_fingerprint: (nullable): a SHA-256 fingerprint to trust beside the system's CAs
 * @timeout_seconds: how long a request may wait for the provider, 0 for the default (60 s)
 * @cookies: keep cookies between requests (vCenter's session cookie)
 */
VdiHttpClient *
vdi_http_client_new (const char *uri,
                     const char *pinned_fingerprint,
                     guint       timeout_seconds,
                     gboolean    cookies)
{
  VdiHttpClient *self;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (VDI_TYPE_HTTP_CLIENT, NULL);
  self->uri = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  g_return_val_if_fail (self->uri != NULL, self);
  self->uri_string = g_strdup (uri);
  self->pinned_fingerprint = g_strdup (pinned_fingerprint);

  user_agent = g_strdup_printf ("vdi-console/%s ", PACKAGE_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns", MAX_CONNECTIONS,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 "idle-timeout", 60,
                                                 NULL);
  vdi_http_client_set_timeout (self, timeout_seconds);
  if (cookies)
    soup_session_add_feature_by_type (self->session, SOUP_TYPE_COOKIE_JAR);
  /* Kerberos through Negotiate, when a ticket exists and no password was given. */
  if (soup_auth_negotiate_supported ())
    soup_session_add_feature_by_type (self->session, SOUP_TYPE_AUTH_NEGOTIATE);

  return self;
}

/**
 * vdi_http_client_new_for_provider:
 * @path: "/wsman" or "/sdk"
 *
 * HTTPS unless the provider was explicitly set to allow plain HTTP.
 */
VdiHttpClient *
vdi_http_client_new_for_provider (VdiProvider  *provider,
                                  const char   *path,
                                  gboolean      cookies,
                                  GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;
  const char *host;

  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  host = vdi_provider_get_host (provider);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE,
                   _("The provider “%s” has no address"), vdi_provider_get_name (provider));
      return NULL;
    }

  uri = g_uri_build (G_URI_FLAGS_NONE, vdi_provider_get_allow_http (provider) ? "http" : "https",
                     NULL, host, vdi_provider_get_port (provider), path, NULL, NULL);
  text = g_uri_to_string (uri);
  return vdi_http_client_new (text, vdi_provider_get_tls_fingerprint (provider), 0, cookies);
}

const char *
vdi_http_client_get_uri (VdiHttpClient *self)
{
  g_return_val_if_fail (VDI_IS_HTTP_CLIENT (self), NULL);

  return self->uri_string;
}

/**
 * vdi_http_client_dup_address:
 *
 * Returns: (transfer full): "host:port", for messages
 */
char *
vdi_http_client_dup_address (VdiHttpClient *self)
{
  g_return_val_if_fail (VDI_IS_HTTP_CLIENT (self), NULL);

  return g_strdup_printf ("%s:%d", g_uri_get_host (self->uri), g_uri_get_port (self->uri));
}

/**
 * vdi_http_client_set_basic_auth:
 *
 * Sends the credentials with every request (WinRM answers 401 without a body otherwise, costing
 * a round trip each time). Over plain HTTP they travel in clear text, which is why HTTP needs the
 * provider's explicit permission.
 */
void
vdi_http_client_set_basic_auth (VdiHttpClient *self,
                                const char    *username,
                                const char    *password)
{
  g_autoptr(VdiSecret) pair = NULL;
  g_autoptr(VdiSecret) encoded = NULL;

  g_return_if_fail (VDI_IS_HTTP_CLIENT (self));

  g_clear_pointer (&self->authorization, vdi_secret_free);
  if (username == NULL || password == NULL)
    return;

  pair = g_strconcat (username, ":", password, NULL);
  encoded = g_base64_encode ((const guchar *)pair, strlen (pair));
  self->authorization = g_strconcat ("Basic ", encoded, NULL);
}

void
vdi_http_client_set_timeout (VdiHttpClient *self,
                             guint          timeout_seconds)
{
  g_return_if_fail (VDI_IS_HTTP_CLIENT (self));

  soup_session_set_timeout (self->session, timeout_seconds > 0 ? timeout_seconds
                                                               : DEFAULT_TIMEOUT);
}

void
vdi_http_client_clear_cookies (VdiHttpClient *self)
{
  SoupSessionFeature *jar;

  g_return_if_fail (VDI_IS_HTTP_CLIENT (self));

  jar = soup_session_get_feature (self->session, SOUP_TYPE_COOKIE_JAR);
  if (jar != NULL)
    {
      GSList *cookies = soup_cookie_jar_all_cookies (SOUP_COOKIE_JAR (jar));

      for (GSList *l = cookies; l != NULL; l = l->next)
        soup_cookie_jar_delete_cookie (SOUP_COOKIE_JAR (jar), l->data);
      g_slist_free_full (cookies, (GDestroyNotify)soup_cookie_free);
    }
}

SoupSession *
vdi_http_client_get_session (VdiHttpClient *self)
{
  g_return_val_if_fail (VDI_IS_HTTP_CLIENT (self), NULL);

  return self->session;
}

/* Certificates ------------------------------------------------------------------------------- */

/**
 * vdi_http_certificate_fingerprint:
 *
 * Returns: (transfer full): the SHA-256 of the certificate's DER bytes as colon-separated
 *   upper-case hex, the form browsers and vCenter show
 */
char *
vdi_http_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (out, "%s%02X", i > 0 ? ":" : "", digest[i]);
  return g_string_free (out, FALSE);
}

/* Admins paste fingerprints in every form: with or without colons, any case, spaces. */
gboolean
vdi_http_fingerprint_equal (const char *a,
                            const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;

  while (*a != '\0' || *b != '\0')
    {
      while (*a != '\0' && !g_ascii_isxdigit (*a))
        a++;
      while (*b != '\0' && !g_ascii_isxdigit (*b))
        b++;
      if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;
      if (*a == '\0')
        return TRUE;
      a++;
      b++;
    }
  return TRUE;
}

/* Requests ----------------------------------------------------------------------------------- */

typedef struct
{
  SoupMessage  *message;
  char         *rejected_fingerprint;
  /* The response deadline (see vdi_http_client_post_with_deadline_async()). */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_cancelled_id;
  GSource      *deadline;
  guint         deadline_ms;
  gboolean      deadline_passed;
} PostData;

static void
deadline_disarm (PostData *data)
{
  if (data->deadline != NULL)
    g_source_destroy (data->deadline);
  g_clear_pointer (&data->deadline, g_source_unref);
}

static void
post_data_free (PostData *data)
{
  deadline_disarm (data);
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_cancelled_id);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->message);
  g_free (data->rejected_fingerprint);
  g_free (data);
}

static gboolean
deadline_passed_cb (gpointer user_data)
{
  PostData *data = user_data;

  data->deadline_passed = TRUE;
  g_clear_pointer (&data->deadline, g_source_unref);
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

/* The start of an answer ends the deadline: from then on the session's timeout, which counts
 * silence between reads, lets a long answer take as long as it keeps coming. */
static void
on_got_headers (SoupMessage *message,
                PostData    *data)
{
  deadline_disarm (data);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
deadline_arm (PostData *data,
              guint     deadline_ms)
{
  if (deadline_ms == 0)
    return;

  data->deadline_ms = deadline_ms;
  data->deadline = g_timeout_source_new (deadline_ms);
  g_source_set_callback (data->deadline, deadline_passed_cb, data, NULL);
  g_source_attach (data->deadline, g_main_context_get_thread_default ());
  g_signal_connect (data->message, "got-headers", G_CALLBACK (on_got_headers), data);
}

/* Runs only when the system's validation refused the certificate. The admin's pinned
 * fingerprint, for this provider only, is the one way past it; otherwise remember what was
 * seen so the error can show it. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       GTask                *task)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autofree char *fingerprint = vdi_http_certificate_fingerprint (certificate);

  if (vdi_http_fingerprint_equal (fingerprint, self->pinned_fingerprint))
    return TRUE;

  g_free (data->rejected_fingerprint);
  data->rejected_fingerprint = g_steal_pointer (&fingerprint);
  return FALSE;
}

static gboolean
is_soap_content_type (SoupMessage *message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                            NULL);

  return type != NULL &&
         (g_ascii_strcasecmp (type, "application/soap+xml") == 0 ||
          g_ascii_strcasecmp (type, "text/xml") == 0 ||
          g_ascii_strcasecmp (type, "application/xml") == 0);
}

static void
post_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiHttpClient *self = g_task_get_source_object (task);
  PostData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *address = vdi_http_client_dup_address (self);
  VdiHttpResponse *response;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  deadline_disarm (data);
  if (body == NULL && data->deadline_passed &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is an address such as hv-01:5985; then a number of seconds. */
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                               _("%s accepted the request but sent no answer within %.3g "
                                 "seconds"),
                               address, data->deadline_ms / 1000.0);
      return;
    }
  if (body == NULL)
    {
      if (data->rejected_fingerprint != NULL)
        g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED,
                                 /* Translators: %s is an address, then a SHA-256 fingerprint. */
                                 _("The certificate of %s is not trusted. Its SHA-256 "
                                   "fingerprint is %s; trust it only if it matches the one "
                                   "the provider shows."),
                                 address, data->rejected_fingerprint);
      else
        {
          GError *mapped = NULL;

          vdi_backend_error_from_transport (&mapped, error, address);
          g_task_return_error (task, mapped);
        }
      return;
    }

  response = g_new0 (VdiHttpResponse, 1);
  response->status = soup_message_get_status (data->message);
  response->is_soap = is_soap_content_type (data->message);
  response->body = g_steal_pointer (&body);

  /* A management endpoint that answers with HTML or text is not the provider: usually a proxy,
   * a captive portal or a web server on the wrong port. */
  {
    const char *type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (data->message), NULL);

    if (SOUP_STATUS_IS_SUCCESSFUL (response->status) && type != NULL && !response->is_soap)
      {
        vdi_http_response_free (response);
        g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                 _("%s answered with %s instead of SOAP; is a proxy or another "
                                   "web server answering at this address?"),
                                 address, type);
        return;
      }
  }

  {
    GError *status_error = NULL;

    if (!vdi_backend_error_from_status (data->message, response->is_soap, &status_error))
      {
        vdi_http_response_free (response);
        g_task_return_error (task, status_error);
        return;
      }
  }

  g_task_return_pointer (task, response, (GDestroyNotify)vdi_http_response_free);
}

/**
 * vdi_http_client_post_async:
 * @soap_action: (nullable): the SOAPAction header (vim25)
 *
 * Posts @body. Finishes with the response when its status says to read the body (see
 * vdi_backend_error_from_status()), else with the mapped error.
 */
void
vdi_http_client_post_async (VdiHttpClient       *self,
                            const char          *content_type,
                            const char          *soap_action,
                            const char          *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  vdi_http_client_post_with_deadline_async (self, content_type, soap_action, body, 0,
                                            cancellable, callback, user_data);
}

/**
 * vdi_http_client_post_with_deadline_async:
 * @deadline_ms: how long the request may wait for the start of its answer (the status line
 *   and headers), 0 for no deadline beyond the session's timeout
 *
 * As vdi_http_client_post_async(), for a request that must be answered soon: a host that
 * accepts the request and then says nothing fails it with %VDI_BACKEND_ERROR_TIMED_OUT after
 * @deadline_ms. Once the answer has begun, only the session's timeout (silence between two
 * reads) applies, so a long answer that keeps coming is never cut off.
 */
void
vdi_http_client_post_with_deadline_async (VdiHttpClient       *self,
                                          const char          *content_type,
                                          const char          *soap_action,
                                          const char          *body,
                                          guint                deadline_ms,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PostData *data;
  SoupMessageHeaders *headers;

  g_return_if_fail (VDI_IS_HTTP_CLIENT (self));
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_http_client_post_async);

  data = g_new0 (PostData, 1);
  data->message = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  g_task_set_task_data (task, data, (GDestroyNotify)post_data_free);
  /* The request has a cancellable of its own, which the deadline can cancel. */
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (on_caller_cancelled),
                                                         g_object_ref (data->cancellable),
                                                         g_object_unref);
    }
  deadline_arm (data, deadline_ms);

  headers = soup_message_get_request_headers (data->message);
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  if (soap_action != NULL)
    soup_message_headers_replace (headers, "SOAPAction", soap_action);

  bytes = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (data->message, content_type, bytes);
  g_signal_connect (data->message, "accept-certificate", G_CALLBACK (on_accept_certificate),
                    task);

  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    data->cancellable, post_cb, g_object_ref (task));
}

VdiHttpResponse *
vdi_http_client_post_finish (VdiHttpClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (VDI_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vdi_http_response_free (VdiHttpResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}
