/* vdi-sim-server.c
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

#include "vdi-sim-server.h"

/* One SoupServer per simulated provider (and one for the control endpoint). Every request
 * is paused on arrival and answered through vdi_sim_server_respond(), which is where the
 * provider's latency, offline mode and response corruption apply, whatever the protocol. */

G_DEFINE_QUARK (vdi-sim-server-error-quark, vdi_sim_server_error)

typedef struct
{
  VdiSimServer      *server;
  SoupServerMessage *msg;
  guint              timeout_id;
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           hung;
  gboolean           held;     /* answered, and held back until released */
} Pending;

struct _VdiSimServer
{
  GObject              parent_instance;

  SoupServer          *soup;
  char                *bind_address;
  guint                port;
  gboolean             listening;
  VdiSimProvider      *provider;
  VdiSimServerHandler  handler;
  gpointer             handler_data;
  GHashTable          *pending;   /* SoupServerMessage -> Pending */
  VdiSimOfflineMode    applied_offline;
  char                *hold_method;  /* answers to it are held until released */
};

G_DEFINE_FINAL_TYPE (VdiSimServer, vdi_sim_server, G_TYPE_OBJECT)

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
vdi_sim_server_dispose (GObject *object)
{
  VdiSimServer *self = VDI_SIM_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->pending != NULL)
    g_hash_table_remove_all (self->pending);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (vdi_sim_server_parent_class)->dispose (object);
}

static void
vdi_sim_server_finalize (GObject *object)
{
  VdiSimServer *self = VDI_SIM_SERVER (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->bind_address);
  g_free (self->hold_method);

  G_OBJECT_CLASS (vdi_sim_server_parent_class)->finalize (object);
}

static void
vdi_sim_server_class_init (VdiSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_sim_server_dispose;
  object_class->finalize = vdi_sim_server_finalize;
}

static void
vdi_sim_server_init (VdiSimServer *self)
{
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pending_free);
}

gboolean
vdi_sim_check_bind_address (const char  *address,
                            GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GInetAddress) v4 = NULL;
  g_autoptr(GInetAddress) v6 = NULL;

  if (address == NULL || (inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, VDI_SIM_SERVER_ERROR, VDI_SIM_SERVER_ERROR_INVALID_ADDRESS,
                   "Invalid bind address \"%s\": use 127.0.0.1 or ::1", address != NULL ? address : "");
      return FALSE;
    }

  v4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  v6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);

  if (!g_inet_address_equal (inet, v4) && !g_inet_address_equal (inet, v6))
    {
      g_set_error (error, VDI_SIM_SERVER_ERROR, VDI_SIM_SERVER_ERROR_NOT_LOOPBACK,
                   "Refusing to listen on %s: the simulator only listens on the loopback "
                   "addresses 127.0.0.1 and ::1", address);
      return FALSE;
    }

  return TRUE;
}

static void
pending_gone_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  Pending *pending = user_data;

  g_hash_table_remove (pending->server->pending, msg);
}

static void
close_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  VdiSimServer *self = user_data;
  g_autoptr(GBytes) body = NULL;
  SoupMessageBody *request_body;
  Pending *pending;

  if (self->provider != NULL && self->provider->offline == VDI_SIM_OFFLINE_REFUSE)
    {
      /* A keep-alive connection opened before the host went down. */
      close_connection (msg);
      return;
    }

  soup_server_message_pause (msg);

  pending = g_new0 (Pending, 1);
  pending->server = self;
  pending->msg = g_object_ref (msg);
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_gone_cb), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (pending_gone_cb), pending);
  g_hash_table_insert (self->pending, msg, pending);

  if (self->provider != NULL && self->provider->offline == VDI_SIM_OFFLINE_HANG)
    {
      pending->hung = TRUE;
      return;
    }

  request_body = soup_server_message_get_request_body (msg);
  body = soup_message_body_flatten (request_body);

  if (self->handler != NULL)
    self->handler (self, msg, path, body, self->handler_data);
  else
    vdi_sim_server_respond_status (self, msg, SOUP_STATUS_NOT_FOUND);
}

VdiSimServer *
vdi_sim_server_new (const char     *bind_address,
                    guint           port,
                    VdiSimProvider *provider)
{
  VdiSimServer *self = g_object_new (VDI_SIM_TYPE_SERVER, NULL);

  self->bind_address = g_strdup (bind_address);
  self->port = port;
  self->provider = provider;
  self->soup = soup_server_new ("server-header", provider == NULL ? "vdi-provider-sim"
                                : provider->kind == VDI_SIM_PROVIDER_HYPERV ? "Microsoft-HTTPAPI/2.0"
                                : "VMware-vCenter",
                                "tls-certificate", provider != NULL ? provider->tls_certificate : NULL,
                                NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);

  return self;
}

void
vdi_sim_server_set_handler (VdiSimServer        *self,
                            VdiSimServerHandler  handler,
                            gpointer             user_data)
{
  g_return_if_fail (VDI_SIM_IS_SERVER (self));

  self->handler = handler;
  self->handler_data = user_data;
}

#define LISTEN_BACKLOG 512

static gboolean
listen_now (VdiSimServer  *self,
            GError       **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  if (!vdi_sim_check_bind_address (self->bind_address, error))
    return FALSE;

  inet = g_inet_address_new_from_string (self->bind_address);
  address = g_inet_socket_address_new (inet, self->port);

  /* A real WinRM or vCenter endpoint takes many connections at once; GSocket's default queue
   * of 10 would drop a burst of clients that a real host accepts. */
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket != NULL)
    g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (socket == NULL ||
      !g_socket_bind (socket, address, TRUE, &local_error) ||
      !g_socket_listen (socket, &local_error) ||
      !soup_server_listen_socket (self->soup, socket,
                                  self->provider != NULL && self->provider->tls_certificate != NULL
                                    ? SOUP_SERVER_LISTEN_HTTPS : 0,
                                  &local_error))
    {
      g_set_error (error, VDI_SIM_SERVER_ERROR, VDI_SIM_SERVER_ERROR_LISTEN,
                   "Cannot listen on %s port %u: %s", self->bind_address, self->port,
                   local_error->message);
      return FALSE;
    }

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->listening = TRUE;
  return TRUE;
}

gboolean
vdi_sim_server_start (VdiSimServer  *self,
                      GError       **error)
{
  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), FALSE);

  return listen_now (self, error);
}

guint
vdi_sim_server_get_port (VdiSimServer *self)
{
  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), 0);
  return self->port;
}

char *
vdi_sim_server_get_url (VdiSimServer *self,
                        const char   *path)
{
  const char *scheme;

  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), NULL);

  scheme = self->provider != NULL && self->provider->tls_certificate != NULL ? "https" : "http";

  if (strchr (self->bind_address, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%u%s", scheme, self->bind_address, self->port,
                            path != NULL ? path : "");
  return g_strdup_printf ("%s://%s:%u%s", scheme, self->bind_address, self->port,
                          path != NULL ? path : "");
}

VdiSimProvider *
vdi_sim_server_get_provider (VdiSimServer *self)
{
  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), NULL);
  return self->provider;
}

gboolean
vdi_sim_server_is_pending (VdiSimServer      *self,
                           SoupServerMessage *msg)
{
  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), FALSE);
  return g_hash_table_contains (self->pending, msg);
}

static gboolean
release_cb (gpointer user_data)
{
  Pending *pending = user_data;
  SoupServerMessage *msg = pending->msg;

  pending->timeout_id = 0;
  soup_server_message_unpause (msg);
  g_hash_table_remove (pending->server->pending, msg);

  return G_SOURCE_REMOVE;
}

static const char xml_bomb[] =
  "<?xml version=\"1.0\"?>\n"
  "<!DOCTYPE lolz [\n"
  " <!ENTITY lol \"lol\">\n"
  " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
  " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
  " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
  " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
  " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
  " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
  " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
  " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
  " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
  "]>\n"
  "<Envelope><Body>&lol9;</Body></Envelope>\n";

/**
 * vdi_sim_server_corrupt:
 * @method: the request's method, whose next corruption rule applies
 * @status: (inout): the answer's status
 * @content_type: (inout) (nullable): its type; NULL after for a bare status
 * @body: (inout): the plain answer, replaced by the corrupted one
 *
 * Applies the provider's next corruption for @method to a plain answer, so that a front end
 * that seals its answers corrupts what it seals (a host's own garbage, sealed properly).
 *
 * Returns: TRUE when a corruption applied
 */
gboolean
vdi_sim_server_corrupt (VdiSimServer  *self,
                        const char    *method,
                        guint         *status,
                        const char   **content_type,
                        GBytes       **body)
{
  VdiSimCorruptRule rule;
  gsize len;
  const char *data;

  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), FALSE);

  if (self->provider == NULL || method == NULL || !vdi_sim_provider_take_corruption (self->provider, method, &rule))
    return FALSE;

  data = *body != NULL ? g_bytes_get_data (*body, &len) : NULL;
  if (data == NULL)
    len = 0;

  switch (rule.kind)
    {
    case VDI_SIM_CORRUPT_TRUNCATED:
      {
        GBytes *half = g_bytes_new (data, len / 2);

        g_clear_pointer (body, g_bytes_unref);
        *body = half;
      }
      break;

    case VDI_SIM_CORRUPT_MALFORMED:
      {
        GString *broken = g_string_new_len (data, len);
        char *last = g_strrstr (broken->str, "</");

        if (last != NULL)
          g_string_truncate (broken, last - broken->str);
        g_string_append (broken, "<broken attr=></mismatched>");
        g_clear_pointer (body, g_bytes_unref);
        *body = g_string_free_to_bytes (broken);
      }
      break;

    case VDI_SIM_CORRUPT_CONTENT_TYPE:
      *content_type = "text/html; charset=utf-8";
      break;

    case VDI_SIM_CORRUPT_EMPTY_500:
      *status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
      *content_type = NULL;
      g_clear_pointer (body, g_bytes_unref);
      *body = g_bytes_new_static ("", 0);
      break;

    case VDI_SIM_CORRUPT_HUGE:
      {
        static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Envelope><Body><Padding>";
        static const char tail[] = "</Padding></Body></Envelope>";
        gsize pad = (gsize) (rule.size_mb > 0 ? rule.size_mb : 64) * 1024 * 1024;
        gsize total = sizeof head - 1 + pad + sizeof tail - 1;
        char *huge = g_malloc (total);

        memcpy (huge, head, sizeof head - 1);
        memset (huge + sizeof head - 1, 'A', pad);
        memcpy (huge + sizeof head - 1 + pad, tail, sizeof tail - 1);
        g_clear_pointer (body, g_bytes_unref);
        *body = g_bytes_new_take (huge, total);
      }
      break;

    case VDI_SIM_CORRUPT_XML_BOMB:
      g_clear_pointer (body, g_bytes_unref);
      *body = g_bytes_new_static (xml_bomb, sizeof xml_bomb - 1);
      break;

    default:
      break;
    }
  return TRUE;
}

static void
respond (VdiSimServer      *self,
         SoupServerMessage *msg,
         const char        *method,
         gboolean           corrupt,
         guint              status,
         const char        *content_type,
         const char        *body,
         gssize             length)
{
  Pending *pending;
  g_autoptr(GBytes) answer = NULL;

  g_return_if_fail (VDI_SIM_IS_SERVER (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  pending = g_hash_table_lookup (self->pending, msg);
  if (pending == NULL)
    return;  /* the client went away while we were working */

  answer = g_bytes_new (body, body == NULL ? 0 : length < 0 ? strlen (body) : (gsize) length);

  /* Corruptions are for answers; bare statuses (authentication legs, refusals) keep theirs. */
  if (corrupt)
    vdi_sim_server_corrupt (self, method, &status, &content_type, &answer);

  soup_server_message_set_status (msg, status, NULL);
  if (content_type != NULL)
    {
      gsize len;
      gconstpointer data = g_bytes_get_data (answer, &len);

      soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, len);
    }
  else
    soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);

  if (self->hold_method != NULL && g_strcmp0 (method, self->hold_method) == 0)
    {
      pending->held = TRUE;
      return;
    }
  if (self->provider != NULL && self->provider->latency_ms > 0)
    {
      if (pending->timeout_id == 0)
        pending->timeout_id = g_timeout_add (self->provider->latency_ms, release_cb, pending);
      return;
    }

  soup_server_message_unpause (msg);
  g_hash_table_remove (self->pending, msg);
}

/**
 * vdi_sim_server_respond:
 * @method: (nullable): the request's method: its corruption rules and hold apply
 *
 * Sends an answer, after the provider's latency.
 */
void
vdi_sim_server_respond (VdiSimServer      *self,
                        SoupServerMessage *msg,
                        const char        *method,
                        guint              status,
                        const char        *content_type,
                        const char        *body,
                        gssize             length)
{
  respond (self, msg, method, TRUE, status, content_type, body, length);
}

/* As vdi_sim_server_respond(), for an answer vdi_sim_server_corrupt() has already seen. */
void
vdi_sim_server_respond_as_is (VdiSimServer      *self,
                              SoupServerMessage *msg,
                              const char        *method,
                              guint              status,
                              const char        *content_type,
                              const char        *body,
                              gssize             length)
{
  respond (self, msg, method, FALSE, status, content_type, body, length);
}

void
vdi_sim_server_respond_status (VdiSimServer      *self,
                               SoupServerMessage *msg,
                               guint              status)
{
  vdi_sim_server_respond (self, msg, NULL, status, NULL, NULL, 0);
}

/* Holds back the answers to @method (the work is done; the client hears of it only once
 * released), so a test can act at that moment. */
void
vdi_sim_server_hold (VdiSimServer *self,
                     const char   *method)
{
  g_return_if_fail (VDI_SIM_IS_SERVER (self));

  g_free (self->hold_method);
  self->hold_method = g_strdup (method);
}

/* Stops holding, and sends every answer held back until now. */
void
vdi_sim_server_release_held (VdiSimServer *self)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (VDI_SIM_IS_SERVER (self));

  g_clear_pointer (&self->hold_method, g_free);
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Pending *) value)->held)
      g_ptr_array_add (held, value);
  for (guint i = 0; i < held->len; i++)
    {
      Pending *pending = g_ptr_array_index (held, i);

      pending->held = FALSE;
      release_cb (pending);
    }
}

gboolean
vdi_sim_server_apply_offline (VdiSimServer  *self,
                              GError       **error)
{
  VdiSimOfflineMode mode;

  g_return_val_if_fail (VDI_SIM_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->provider != NULL, FALSE);

  mode = self->provider->offline;

  if (self->applied_offline == VDI_SIM_OFFLINE_HANG && mode != VDI_SIM_OFFLINE_HANG)
    {
      g_autoptr(GPtrArray) hung = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer value;

      /* What a restarted host does with requests it never answered: nothing useful. */
      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((Pending *) value)->hung)
          g_ptr_array_add (hung, ((Pending *) value)->msg);
      for (guint i = 0; i < hung->len; i++)
        {
          SoupServerMessage *msg = g_ptr_array_index (hung, i);

          soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
          soup_server_message_unpause (msg);
          g_hash_table_remove (self->pending, msg);
        }
    }

  if (mode == VDI_SIM_OFFLINE_REFUSE && self->listening)
    {
      soup_server_disconnect (self->soup);
      g_hash_table_remove_all (self->pending);
      self->listening = FALSE;
    }
  else if (mode != VDI_SIM_OFFLINE_REFUSE && !self->listening)
    {
      if (!listen_now (self, error))
        return FALSE;
    }

  self->applied_offline = mode;
  return TRUE;
}
