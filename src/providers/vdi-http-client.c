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
#include "vdi-gss-context.h"
#include "vdi-http-client.h"
#include "vdi-secret.h"
#include "vdi-wsmv-framing.h"
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

  /* Negotiate with sealed messages (see "Negotiate" below) */
  gboolean       negotiate;
  VdiGssMech     gss_mech;
  char          *gss_username;
  char          *gss_password;
  VdiGssContext *gss;
  guint64        gss_connection;
  GBytes        *channel_binding;
  GQueue         sealed_queue;
  gboolean       sealed_busy;
  char          *auth_label;
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
  g_clear_pointer (&self->gss_username, g_free);
  g_clear_pointer (&self->gss_password, vdi_secret_free);
  g_clear_object (&self->gss);
  g_clear_pointer (&self->channel_binding, g_bytes_unref);
  g_clear_pointer (&self->auth_label, g_free);
  g_assert (g_queue_is_empty (&self->sealed_queue));  /* each queued task holds a reference */

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
 * vdi_http_client_provider_uses_http:
 *
 * Whether the provider is reached over plain HTTP: when explicitly allowed, or for a Hyper-V
 * provider that seals its messages (Negotiate, Kerberos, NTLM) on WinRM's HTTP port 5985, where
 * nothing travels in clear. Basic over HTTP keeps needing the explicit permission.
 */
gboolean
vdi_http_client_provider_uses_http (VdiProvider *provider)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  if (vdi_provider_get_allow_http (provider))
    return TRUE;
  return vdi_provider_get_provider_type (provider) == VDI_PROVIDER_TYPE_HYPERV &&
         g_strcmp0 (vdi_provider_get_auth (provider), "basic") != 0 &&
         vdi_provider_get_port (provider) == 5985;
}

/**
 * vdi_http_client_new_for_provider:
 * @path: "/wsman" or "/sdk"
 *
 * HTTPS unless vdi_http_client_provider_uses_http() says otherwise.
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

  uri = g_uri_build (G_URI_FLAGS_NONE, vdi_http_client_provider_uses_http (provider) ? "http" : "https",
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
post_data_clear (PostData *data)
{
  deadline_disarm (data);
  if (data->caller_cancellable != NULL)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_cancelled_id);
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->message);
  g_clear_pointer (&data->rejected_fingerprint, g_free);
}

static void
post_data_free (PostData *data)
{
  post_data_clear (data);
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

/* Gives the request a cancellable of its own, which the deadline can cancel, and that follows
 * the caller's. */
static void
post_data_init (PostData     *data,
                GCancellable *cancellable,
                guint         deadline_ms)
{
  data->cancellable = g_cancellable_new ();
  data->deadline_ms = deadline_ms;
  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (on_caller_cancelled),
                                                         g_object_ref (data->cancellable),
                                                         g_object_unref);
    }
}

/* Arms the deadline for data->message, which is about to be sent. */
static void
deadline_arm (PostData *data)
{
  deadline_disarm (data);
  if (data->deadline_ms == 0)
    return;

  data->deadline = g_timeout_source_new (data->deadline_ms);
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

/* A failure below HTTP, or a certificate the system and the admin do not trust. */
static GError *
transport_error (VdiHttpClient *self,
                 PostData      *data,
                 GError        *error)
{
  g_autofree char *address = vdi_http_client_dup_address (self);
  GError *mapped = NULL;

  deadline_disarm (data);
  if (data->deadline_passed && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Translators: %s is an address such as hv-01:5985; then a number of seconds. */
    return g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT,
                        _("%s accepted the request but sent no answer within %.3g seconds"),
                        address, data->deadline_ms / 1000.0);
  if (data->rejected_fingerprint != NULL)
    return g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED,
                        /* Translators: %s is an address, then a SHA-256 fingerprint. */
                        _("The certificate of %s is not trusted. Its SHA-256 "
                          "fingerprint is %s; trust it only if it matches the one "
                          "the provider shows."),
                        address, data->rejected_fingerprint);
  vdi_backend_error_from_transport (&mapped, error, address);
  return mapped;
}

/* The answer to @task: @body when the status says to read it (see
 * vdi_backend_error_from_status()), else the mapped error. */
static void
return_response (GTask       *task,
                 SoupMessage *message,
                 GBytes      *body,
                 gboolean     is_soap)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  g_autofree char *address = vdi_http_client_dup_address (self);
  VdiHttpResponse *response;

  response = g_new0 (VdiHttpResponse, 1);
  response->status = soup_message_get_status (message);
  response->is_soap = is_soap;
  response->body = body;

  /* A management endpoint that answers with HTML or text is not the provider: usually a proxy,
   * a captive portal or a web server on the wrong port. */
  {
    const char *type = soup_message_headers_get_content_type (
      soup_message_get_response_headers (message), NULL);

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

    if (!vdi_backend_error_from_status (message, response->is_soap, &status_error))
      {
        vdi_http_response_free (response);
        g_task_return_error (task, status_error);
        return;
      }
  }

  g_task_return_pointer (task, response, (GDestroyNotify)vdi_http_response_free);
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

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  deadline_disarm (data);
  if (body == NULL)
    {
      g_task_return_error (task, transport_error (self, data, error));
      return;
    }

  return_response (task, data->message, g_steal_pointer (&body), is_soap_content_type (data->message));
}

/* Negotiate ---------------------------------------------------------------------------------- */

/* WinRM's Negotiate with MS-WSMV sealing, as a stock host wants it. libsoup's own
 * SoupAuthNegotiate cannot serve (no credentials from a password, no access to the context for
 * sealing), so the headers are ours: an empty POST carries each handshake token in
 * "Authorization: Negotiate …" and the server's come back in WWW-Authenticate (the final 200's
 * too: Kerberos' AP-REP). The context is bound to the TCP connection and its sealing counts
 * sequence numbers, so calls go one at a time through a queue; messages are marked idempotent
 * (libsoup would open a new connection for each POST otherwise) and keep the auth manager out.
 * A 401 to a sealed message (the connection was replaced, the server forgot us) means one new
 * handshake and one resend. GSSAPI steps run in a worker thread: Kerberos may ask the KDC. */

typedef struct
{
  PostData     post;          /* first: on_accept_certificate() reads it */
  char        *body;
  gsize        length;
  gboolean     resent;
  gboolean     sent_final;    /* the client side is complete; the server's answer decides */
} SealedCall;

static void
sealed_call_free (SealedCall *call)
{
  post_data_clear (&call->post);
  g_free (call->body);
  g_free (call);
}

/**
 * vdi_http_client_set_negotiate:
 * @auth: "negotiate", "kerberos" or "ntlm"
 * @username: (nullable): "user", "DOMAIN\user" or "user@REALM"
 * @password: (nullable): the password; without one, a cached Kerberos ticket only
 *
 * Authenticates with GSSAPI and seals every message (MS-WSMV), instead of Basic.
 */
void
vdi_http_client_set_negotiate (VdiHttpClient *self,
                               const char    *auth,
                               const char    *username,
                               const char    *password)
{
  g_return_if_fail (VDI_IS_HTTP_CLIENT (self));

  self->negotiate = TRUE;
  self->gss_mech = g_strcmp0 (auth, "kerberos") == 0 ? VDI_GSS_MECH_KERBEROS
                   : g_strcmp0 (auth, "ntlm") == 0 ? VDI_GSS_MECH_NTLM
                   : VDI_GSS_MECH_NEGOTIATE;
  g_free (self->gss_username);
  self->gss_username = g_strdup (username);
  vdi_secret_free (self->gss_password);
  self->gss_password = g_strdup (password);
  g_clear_object (&self->gss);
  vdi_http_client_set_basic_auth (self, NULL, NULL);
}

/**
 * vdi_http_client_get_auth_label:
 *
 * Returns: (nullable): what the live session authenticates with: "Kerberos", "NTLM" or
 *   "Basic"; %NULL before the first handshake
 */
const char *
vdi_http_client_get_auth_label (VdiHttpClient *self)
{
  g_return_val_if_fail (VDI_IS_HTTP_CLIENT (self), NULL);

  if (!self->negotiate)
    return self->authorization != NULL ? "Basic" : NULL;
  return self->auth_label;
}

static void sealed_next      (VdiHttpClient *self);
static void handshake_start  (GTask         *task);
static void sealed_send      (GTask         *task);

/* Ends @task (already returned) and lets the next call go. */
static void
sealed_done (VdiHttpClient *self)
{
  self->sealed_busy = FALSE;
  sealed_next (self);
}

static void
sealed_fail (GTask  *task,
             GError *error)
{
  VdiHttpClient *self = g_object_ref (g_task_get_source_object (task));

  /* A context that failed, or whose message went unanswered, is out of step: start over. */
  g_clear_object (&self->gss);
  g_task_return_error (task, error);
  g_object_unref (task);
  sealed_done (self);
  g_object_unref (self);
}

static GError *
refused_error (VdiHttpClient *self,
               const char    *detail)
{
  g_autofree char *address = vdi_http_client_dup_address (self);

  if (detail != NULL)
    return g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                        /* Translators: %s is an address, then GSSAPI's words. */
                        _("%s refused the user name or password (%s)"), address, detail);
  return g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                      _("%s refused the user name or password"), address);
}

static SoupMessage *
new_message (GTask      *task,
             GBytes     *body,
             const char *content_type)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  SoupMessage *message = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);

  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_disable_feature (message, SOUP_TYPE_AUTH_MANAGER);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), task);
  return message;
}

/* The server's token in WWW-Authenticate: Negotiate …, if any. */
static GBytes *
server_token (SoupMessage *message)
{
  const char *header = soup_message_headers_get_list (soup_message_get_response_headers (message),
                                                      "WWW-Authenticate");
  g_auto(GStrv) values = NULL;

  if (header == NULL)
    return NULL;
  values = g_strsplit (header, ",", -1);
  for (guint i = 0; values[i] != NULL; i++)
    {
      const char *value = g_strstrip (values[i]);

      if (g_ascii_strncasecmp (value, "Negotiate ", 10) == 0 || g_ascii_strncasecmp (value, "Kerberos ", 9) == 0)
        {
          gsize length;
          guchar *decoded = g_base64_decode (strchr (value, ' ') + 1, &length);

          if (length > 0)
            return g_bytes_new_take (decoded, length);
          g_free (decoded);
        }
    }
  return NULL;
}

/* RFC 5929 tls-server-end-point of the server reached, for hosts with Extended Protection. */
static void
remember_channel_binding (VdiHttpClient *self,
                          SoupMessage   *message)
{
  GTlsCertificate *certificate = soup_message_get_tls_peer_certificate (message);

  if (certificate == NULL || self->channel_binding != NULL)
    return;
  self->channel_binding = vdi_gss_channel_binding_for_certificate (certificate);
}

/* GSSAPI in a worker thread ------------------------------------------------------------------ */

typedef struct
{
  VdiGssContext *gss;       /* NULL: create one first */
  VdiGssMech     mech;
  char          *host;
  char          *username;
  char          *password;
  GBytes        *binding;
  GBytes        *input;
  GBytes        *output;
} StepData;

static void
step_data_free (StepData *data)
{
  g_clear_object (&data->gss);
  g_free (data->host);
  g_free (data->username);
  vdi_secret_free (data->password);
  g_clear_pointer (&data->binding, g_bytes_unref);
  g_clear_pointer (&data->input, g_bytes_unref);
  g_clear_pointer (&data->output, g_bytes_unref);
  g_free (data);
}

static void
step_thread (GTask        *task,
             gpointer      source,
             StepData     *data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (data->gss == NULL)
    {
      data->gss = vdi_gss_context_new_initiator (data->mech, data->host, data->username,
                                                 data->password, &error);
      if (data->gss == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (data->binding != NULL)
    vdi_gss_context_set_channel_binding (data->gss, data->binding);
  if (!vdi_gss_context_step (data->gss, data->input, &data->output, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void handshake_step_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
handshake_step (GTask  *task,
                GBytes *input)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = g_task_new (self, g_task_get_cancellable (task), handshake_step_cb, task);
  StepData *data = g_new0 (StepData, 1);

  data->gss = self->gss != NULL ? g_object_ref (self->gss) : NULL;
  data->mech = self->gss_mech;
  data->host = g_strdup (g_uri_get_host (self->uri));
  data->username = g_strdup (self->gss_username);
  data->password = g_strdup (self->gss_password);
  data->binding = self->channel_binding != NULL ? g_bytes_ref (self->channel_binding) : NULL;
  data->input = input != NULL ? g_bytes_ref (input) : NULL;
  g_task_set_task_data (step, data, (GDestroyNotify) step_data_free);

  /* Only Kerberos talks to a KDC and needs a worker thread. NTLM is local and quick, and
   * gss-ntlmssp's OpenSSL state in pool threads crashed at process exit: it stays here. */
  if (self->gss_mech == VDI_GSS_MECH_KERBEROS ||
      (self->gss_mech == VDI_GSS_MECH_NEGOTIATE && self->gss_username != NULL &&
       strchr (self->gss_username, '@') != NULL) ||
      (self->gss != NULL && g_strcmp0 (vdi_gss_context_get_mech_label (self->gss), "Kerberos") == 0))
    g_task_run_in_thread (step, (GTaskThreadFunc) step_thread);
  else
    step_thread (step, self, data, g_task_get_cancellable (step));
}

static void handshake_leg_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data);

static void
handshake_leg (GTask  *task,
               GBytes *token)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);
  SoupMessage *message;

  g_clear_object (&call->post.message);
  message = call->post.message = new_message (task, NULL, NULL);
  if (token != NULL)
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (token, NULL), g_bytes_get_size (token));
      g_autofree char *value = g_strconcat ("Negotiate ", encoded, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
    }
  deadline_arm (&call->post);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    call->post.cancellable, handshake_leg_cb, task);
}

static void
handshake_step_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);
  StepData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, VDI_GSS_ERROR, VDI_GSS_ERROR_CREDENTIALS) ||
          g_error_matches (error, VDI_GSS_ERROR, VDI_GSS_ERROR_REFUSED))
        {
          GError *refused = refused_error (self, error->message);

          g_error_free (error);
          error = refused;
        }
      else
        g_prefix_error (&error, "%s: ", vdi_http_client_get_uri (self));
      sealed_fail (task, error);
      return;
    }

  if (self->gss != data->gss)
    g_set_object (&self->gss, data->gss);
  g_free (self->auth_label);
  self->auth_label = g_strdup (vdi_gss_context_get_mech_label (self->gss));

  if (data->output != NULL)
    {
      call->sent_final = vdi_gss_context_is_established (self->gss);
      handshake_leg (task, data->output);
    }
  else if (vdi_gss_context_is_established (self->gss))
    {
      self->gss_connection = soup_message_get_connection_id (call->post.message);
      sealed_send (task);
    }
  else
    sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                    _("%s ended the authentication early"),
                                    vdi_http_client_get_uri (self)));
}

static void
handshake_leg_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) token = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      sealed_fail (task, transport_error (self, &call->post, error));
      return;
    }

  remember_channel_binding (self, call->post.message);
  status = soup_message_get_status (call->post.message);
  token = server_token (call->post.message);

  if (status == SOUP_STATUS_UNAUTHORIZED && self->gss == NULL)
    {
      /* The answer to the HTTPS probe: now the certificate is known for the binding. */
      handshake_step (task, NULL);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED && token != NULL && !call->sent_final)
    {
      handshake_step (task, token);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      sealed_fail (task, refused_error (self, NULL));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      GError *status_error = NULL;

      if (vdi_backend_error_from_status (call->post.message, FALSE, &status_error))
        status_error = g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                    _("%s answered the authentication with HTTP %u"),
                                    vdi_http_client_get_uri (self), status);
      sealed_fail (task, status_error);
      return;
    }

  /* 200: the last leg. Its token, if any, completes the context (mutual authentication). */
  if (!vdi_gss_context_is_established (self->gss))
    {
      if (token == NULL)
        {
          sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION,
                                          _("%s accepted the user without proving who it is"),
                                          vdi_http_client_get_uri (self)));
          return;
        }
      call->sent_final = TRUE;
      handshake_step (task, token);
      return;
    }

  self->gss_connection = soup_message_get_connection_id (call->post.message);
  sealed_send (task);
}

static void
handshake_start (GTask *task)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);

  g_clear_object (&self->gss);
  call->sent_final = FALSE;
  /* Over HTTPS, the channel binding needs the server's certificate before the first token
   * (Kerberos puts it in the AP-REQ): an unauthenticated probe shows it. */
  if (g_strcmp0 (g_uri_get_scheme (self->uri), "https") == 0 && self->channel_binding == NULL)
    handshake_leg (task, NULL);
  else
    handshake_step (task, NULL);
}

/* Sealed messages ------------------------------------------------------------------------------ */

static void
sealed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);
  SoupMessage *message = call->post.message;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) plain = NULL;
  const char *content_type;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      sealed_fail (task, transport_error (self, &call->post, error));
      return;
    }

  status = soup_message_get_status (message);
  if (soup_message_get_connection_id (message) != self->gss_connection)
    g_debug ("%s: the connection changed under the security context", vdi_http_client_get_uri (self));

  /* The server no longer knows the context (a new connection, a restart): once more. */
  if (status == SOUP_STATUS_UNAUTHORIZED && !call->resent)
    {
      call->resent = TRUE;
      handshake_start (task);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      sealed_fail (task, refused_error (self, NULL));
      return;
    }

  content_type = soup_message_headers_get_one (soup_message_get_response_headers (message), "Content-Type");
  if (g_bytes_get_size (body) > VDI_XML_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (g_bytes_get_size (body));

      sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                      _("The provider sent an answer too large to be genuine (%s)"),
                                      size));
      return;
    }
  if (vdi_wsmv_is_encrypted_type (content_type, NULL))
    {
      plain = vdi_gss_context_unseal (self->gss, content_type, body, &error);
      if (plain == NULL)
        {
          sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                          _("%s sent an answer that does not unseal: %s"),
                                          vdi_http_client_get_uri (self), error->message));
          return;
        }
      return_response (task, message, g_steal_pointer (&plain), TRUE);
    }
  else if (g_bytes_get_size (body) == 0 || SOUP_STATUS_IS_SERVER_ERROR (status) ||
           SOUP_STATUS_IS_CLIENT_ERROR (status))
    return_response (task, message, g_steal_pointer (&body), FALSE);
  else
    {
      sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                      _("%s answered a sealed message in clear"),
                                      vdi_http_client_get_uri (self)));
      return;
    }

  g_object_unref (task);
  sealed_done (self);
}

static void
sealed_send (GTask *task)
{
  VdiHttpClient *self = g_task_get_source_object (task);
  SealedCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *content_type = NULL;

  sealed = vdi_gss_context_seal (self->gss, call->body, call->length, &content_type, &error);
  if (sealed == NULL)
    {
      sealed_fail (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL, "%s",
                                      error->message));
      return;
    }
  g_clear_object (&call->post.message);
  call->post.message = new_message (task, sealed, content_type);
  deadline_arm (&call->post);
  soup_session_send_and_read_async (self->session, call->post.message, G_PRIORITY_DEFAULT,
                                    call->post.cancellable, sealed_cb, task);
}

static void
sealed_next (VdiHttpClient *self)
{
  GTask *task;

  if (self->sealed_busy || g_queue_is_empty (&self->sealed_queue))
    return;

  task = g_queue_pop_head (&self->sealed_queue);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      sealed_next (self);
      return;
    }
  self->sealed_busy = TRUE;
  if (self->gss != NULL && vdi_gss_context_is_established (self->gss))
    sealed_send (task);
  else
    handshake_start (task);
}

static void
sealed_post (VdiHttpClient *self,
             GTask         *task,
             const char    *body,
             guint          deadline_ms)
{
  SealedCall *call = g_new0 (SealedCall, 1);

  post_data_init (&call->post, g_task_get_cancellable (task), deadline_ms);

  call->length = strlen (body);
  call->body = g_strdup (body);
  g_task_set_task_data (task, call, (GDestroyNotify) sealed_call_free);
  g_queue_push_tail (&self->sealed_queue, g_object_ref (task));
  sealed_next (self);
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
 * reads) applies, so a long answer that keeps coming is never cut off. With Negotiate, each
 * message of the handshake has the same deadline.
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

  if (self->negotiate)
    {
      sealed_post (self, task, body, deadline_ms);
      return;
    }

  data = g_new0 (PostData, 1);
  data->message = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  g_task_set_task_data (task, data, (GDestroyNotify)post_data_free);
  post_data_init (data, cancellable, deadline_ms);
  deadline_arm (data);

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
