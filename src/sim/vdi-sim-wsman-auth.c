/* vdi-sim-wsman-auth.c
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

#include <glib/gstdio.h>

#include "vdi-gss-context.h"
#include "vdi-secret.h"
#include "vdi-sim-wsman-private.h"
#include "vdi-wsmv-framing.h"

/* WinRM's HTTP authentication as a stock host does it: Basic (when enabled, and over plain
 * HTTP only with AllowUnencrypted), and Negotiate, whose raw NTLM or Kerberos tokens travel in
 * Authorization / WWW-Authenticate headers. The security context belongs to the TCP connection
 * (kept on its GSocket); once it is established, requests on that connection need no header,
 * and their bodies are sealed in MS-WSMV's multipart/encrypted framing, as are the answers.
 *
 * NTLM is checked by gss-ntlmssp against a user file the simulator writes for each host in its
 * own temporary directory (mode 0600, removed on exit); Kerberos uses the keytab named by
 * KRB5_KTNAME, which a test hands the simulator. */

#define CONNECTION_KEY "vdi-sim-wsman-gss"

static char *users_dir;

static void
remove_users_dir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (users_dir == NULL)
    return;
  dir = g_dir_open (users_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (users_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (users_dir);
  g_clear_pointer (&users_dir, g_free);
}

/* The user part of "DOMAIN\user", "user@REALM" or "user". */
static char *
bare_user (const char *name)
{
  const char *backslash = strrchr (name, '\\');
  const char *start = backslash != NULL ? backslash + 1 : name;
  const char *at = strchr (start, '@');

  return at != NULL ? g_strndup (start, at - start) : g_strdup (start);
}

/* gss-ntlmssp reads $NTLM_USER_FILE each time it checks an answer; the simulator is single
 * threaded, so pointing it at this host's file just before the step is enough. */
static gboolean
point_at_user_file (VdiSimWsman  *self,
                    GError      **error)
{
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  g_autofree char *user = NULL;
  const char *backslash;
  g_autofree char *domain = NULL;

  if (users_dir == NULL)
    {
      users_dir = g_dir_make_tmp ("vdi-sim-ntlm-XXXXXX", error);
      if (users_dir == NULL)
        return FALSE;
      atexit (remove_users_dir);
    }

  backslash = strchr (self->host->user, '\\');
  domain = backslash != NULL ? g_strndup (self->host->user, backslash - self->host->user)
                             : g_ascii_strup (self->host->name, -1);
  user = bare_user (self->host->user);
  line = g_strdup_printf ("%s:%s:%s\n", domain, user, self->host->password);
  path = g_strdup_printf ("%s/host-%u", users_dir, vdi_sim_server_get_port (self->server));
  if (!g_file_set_contents_full (path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  vdi_secret_wipe (line);
  g_setenv ("NTLM_USER_FILE", path, TRUE);
  return TRUE;
}

static void
offer_schemes (VdiSimWsman       *self,
               SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_remove (headers, "WWW-Authenticate");
  if (self->host->auth_negotiate)
    soup_message_headers_append (headers, "WWW-Authenticate", "Negotiate");
  if (self->host->auth_basic)
    soup_message_headers_append (headers, "WWW-Authenticate", "Basic realm=\"WSMAN\"");
}

static void
refuse (VdiSimWsman       *self,
        SoupServerMessage *msg,
        const char        *counter)
{
  vdi_sim_provider_count_request (self->host, counter);
  offer_schemes (self, msg);
  vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_UNAUTHORIZED);
}

static gboolean
basic_matches (VdiSimWsman *self,
               const char  *credentials)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *given = NULL;
  g_autofree char *expected = NULL;
  gsize length;
  char *colon;
  gboolean ok;

  decoded = g_base64_decode (credentials, &length);
  text = g_strndup ((const char *) decoded, length);
  colon = strchr (text, ':');
  if (colon == NULL)
    return FALSE;
  *colon = '\0';

  /* Windows user names are case-insensitive, passwords are not. */
  given = bare_user (text);
  expected = bare_user (self->host->user);
  ok = g_ascii_strcasecmp (given, expected) == 0 && g_strcmp0 (colon + 1, self->host->password) == 0;
  vdi_secret_wipe (colon + 1);
  return ok;
}

static gboolean
is_peer_the_user (VdiSimWsman   *self,
                  VdiGssContext *gss)
{
  g_autofree char *peer = vdi_gss_context_dup_peer_name (gss);
  g_autofree char *given = peer != NULL ? bare_user (peer) : NULL;
  g_autofree char *expected = bare_user (self->host->user);

  return given != NULL && g_ascii_strcasecmp (given, expected) == 0;
}

/* One Negotiate leg; TRUE when the context is established and the request goes on. */
static gboolean
negotiate_step (VdiSimWsman       *self,
                SoupServerMessage *msg,
                GSocket           *socket,
                const char        *token_text,
                GBytes            *body)
{
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  VdiGssContext *gss = socket != NULL ? g_object_get_data (G_OBJECT (socket), CONNECTION_KEY) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree guchar *decoded = NULL;
  gsize length;

  if (gss == NULL || vdi_gss_context_is_established (gss))
    {
      gss = vdi_gss_context_new_acceptor (NULL);
      /* Extended Protection: the client must have bound its token to this certificate, so a
       * token relayed through another TLS endpoint is refused. */
      if (self->host->extended_protection && self->host->tls_certificate != NULL)
        {
          g_autoptr(GBytes) binding =
            vdi_gss_channel_binding_for_certificate (self->host->tls_certificate);

          vdi_gss_context_set_channel_binding (gss, binding);
        }
      if (socket != NULL)
        g_object_set_data_full (G_OBJECT (socket), CONNECTION_KEY, gss, g_object_unref);
      else
        g_object_set_data_full (G_OBJECT (msg), CONNECTION_KEY, gss, g_object_unref);
    }

  while (*token_text == ' ')
    token_text++;
  decoded = g_base64_decode (token_text, &length);
  token = g_bytes_new (decoded, length);

  if (!point_at_user_file (self, &error)
      || !vdi_gss_context_step (gss, length > 0 ? token : NULL, &answer, &error)
      || (vdi_gss_context_is_established (gss) && !is_peer_the_user (self, gss)))
    {
      g_debug ("%s refuses a Negotiate token: %s", self->host->name,
               error != NULL ? error->message : "not the host's user");
      if (socket != NULL)
        g_object_set_data (G_OBJECT (socket), CONNECTION_KEY, NULL);
      refuse (self, msg, "(unauthorized)");
      return FALSE;
    }

  if (answer != NULL)
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      g_autofree char *value = g_strconcat ("Negotiate ", encoded, NULL);

      soup_message_headers_replace (response_headers, "WWW-Authenticate", value);
    }

  if (!vdi_gss_context_is_established (gss))
    {
      vdi_sim_provider_count_request (self->host, "(negotiate)");
      vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_UNAUTHORIZED);
      return FALSE;
    }

  /* The last leg carries no message (pywinrm, and this console, send an empty POST). */
  if (g_bytes_get_size (body) == 0)
    {
      vdi_sim_provider_count_request (self->host, "(negotiate)");
      vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_OK);
      return FALSE;
    }
  return TRUE;
}

/**
 * _vdi_sim_wsman_authenticate:
 * @plain: (out): the message, unsealed if it came sealed
 * @authenticated: (out): whether the client proved who it is
 *
 * Returns: FALSE when an answer was sent (a challenge, a refusal, the end of a handshake)
 */
gboolean
_vdi_sim_wsman_authenticate (VdiSimWsman       *self,
                             SoupServerMessage *msg,
                             GBytes            *body,
                             Request           *req,
                             GBytes           **plain,
                             gboolean          *authenticated)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *content_type = soup_message_headers_get_one (headers, "Content-Type");
  GSocket *socket = soup_server_message_get_socket (msg);
  VdiGssContext *gss;
  g_autoptr(GError) error = NULL;

  *plain = NULL;
  *authenticated = FALSE;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Basic ", 6) == 0)
    {
      /* Over plain HTTP, WinRM takes Basic only with AllowUnencrypted. */
      if (!self->host->auth_basic || !self->host->allow_unencrypted)
        {
          refuse (self, msg, "(unauthorized)");
          return FALSE;
        }
      *authenticated = basic_matches (self, authorization + 6);
      *plain = g_bytes_ref (body);
      return TRUE;
    }

  if (authorization != NULL && (g_ascii_strncasecmp (authorization, "Negotiate ", 10) == 0 ||
                                g_ascii_strncasecmp (authorization, "Kerberos ", 9) == 0))
    {
      if (!self->host->auth_negotiate)
        {
          refuse (self, msg, "(unauthorized)");
          return FALSE;
        }
      if (!negotiate_step (self, msg, socket, strchr (authorization, ' ') + 1, body))
        return FALSE;
    }

  gss = socket != NULL ? g_object_get_data (G_OBJECT (socket), CONNECTION_KEY)
                       : g_object_get_data (G_OBJECT (msg), CONNECTION_KEY);
  if (gss == NULL || !vdi_gss_context_is_established (gss))
    {
      /* No credentials: only an unauthenticated Identify may pass. */
      *plain = g_bytes_ref (body);
      return TRUE;
    }

  *authenticated = TRUE;
  if (vdi_wsmv_is_encrypted_type (content_type, NULL))
    {
      *plain = vdi_gss_context_unseal (gss, content_type, body, &error);
      if (*plain == NULL)
        {
          g_debug ("%s cannot unseal a message: %s", self->host->name, error->message);
          vdi_sim_provider_count_request (self->host, "(bad seal)");
          vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_BAD_REQUEST);
          return FALSE;
        }
      req->seal = g_object_ref (gss);
      return TRUE;
    }

  /* An unsealed body where AllowUnencrypted is false: WinRM answers NTLM with a bare 401
   * (hashicorp/packer#6205) and Kerberos with a 500 (diyan/pywinrm#129). */
  if (!self->host->allow_unencrypted)
    {
      gboolean kerberos = g_strcmp0 (vdi_gss_context_get_mech_label (gss), "Kerberos") == 0;

      vdi_sim_provider_count_request (self->host, "(unencrypted)");
      if (kerberos)
        vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      else
        {
          offer_schemes (self, msg);
          vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_UNAUTHORIZED);
        }
      return FALSE;
    }
  *plain = g_bytes_ref (body);
  return TRUE;
}

/**
 * _vdi_sim_wsman_respond:
 *
 * Answers with a SOAP message, sealed with the request's context when it came sealed.
 */
void
_vdi_sim_wsman_respond (VdiSimWsman       *self,
                        SoupServerMessage *msg,
                        Request           *req,
                        guint              status,
                        const char        *text,
                        gsize              length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autofree char *content_type = NULL;
  const char *plain_type = SOAP_CONTENT_TYPE;

  if (req->seal == NULL)
    {
      vdi_sim_server_respond (self->server, msg, req->method, status, SOAP_CONTENT_TYPE, text, length);
      return;
    }

  /* A corrupted answer is corrupted before sealing, as a host's own garbage would be; a bare
   * status or a proxy's HTML goes out as it is. */
  plain = g_bytes_new (text, length);
  if (vdi_sim_server_corrupt (self->server, req->method, &status, &plain_type, &plain)
      && g_strcmp0 (plain_type, SOAP_CONTENT_TYPE) != 0)
    {
      if (plain_type == NULL)
        vdi_sim_server_respond_status (self->server, msg, status);
      else
        vdi_sim_server_respond_as_is (self->server, msg, req->method, status, plain_type,
                                g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
      return;
    }

  text = g_bytes_get_data (plain, &length);
  sealed = vdi_gss_context_seal (req->seal, text, length, &content_type, &error);
  if (sealed == NULL)
    {
      g_warning ("%s cannot seal an answer: %s", self->host->name, error->message);
      vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
      return;
    }
  vdi_sim_server_respond_as_is (self->server, msg, req->method, status, content_type,
                                g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
}

/* Called when the host offers nothing a request had: the WWW-Authenticate headers to send. */
void
_vdi_sim_wsman_refuse (VdiSimWsman       *self,
                       SoupServerMessage *msg)
{
  offer_schemes (self, msg);
  vdi_sim_server_respond_status (self->server, msg, SOUP_STATUS_UNAUTHORIZED);
}
