/* vdi-gss-context.c
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
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "vdi-gss-context.h"
#include "vdi-secret.h"
#include "vdi-wsmv-framing.h"

/* One security context over MIT GSSAPI, with NTLM from the gss-ntlmssp mechanism. The tokens
 * travel raw in "Authorization: Negotiate …", as pywinrm (requests-ntlm, requests-kerberos)
 * sends them and WinRM accepts them. Sealing follows MS-WSMV: NTLM through gss_wrap (its output
 * is the 16-byte signature, then the sealed data), Kerberos through gss_wrap_iov with a HEADER,
 * DATA and PADDING buffer. Not thread-safe: one caller at a time, which sealing's sequence
 * numbers demand anyway. */

static gss_OID_desc ntlmssp_oid = { 10, (void *) "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_OID_desc krb5_oid = { 9, (void *) "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

struct _VdiGssContext
{
  GObject        parent_instance;

  gboolean       initiator;
  VdiGssMech     requested;
  gboolean       kerberos;       /* the mechanism in use */
  gboolean       established;
  gboolean       started;
  char          *host;
  char          *username;
  char          *password;
  gss_cred_id_t  cred;
  gss_ctx_id_t   ctx;
  gss_name_t     target;
  char          *peer_name;
  GBytes        *channel_binding;
};

G_DEFINE_FINAL_TYPE (VdiGssContext, vdi_gss_context, G_TYPE_OBJECT)

/* gss-ntlmssp sets up its OpenSSL library context (the legacy provider, for MD4) lazily and
 * without a lock: two threads acquiring NTLM credentials at once crashed in
 * OSSL_PROVIDER_try_load. Credentials and handshake steps therefore take turns process-wide;
 * sealing, per context, does not need to. */
static GRecMutex gss_lock;

G_DEFINE_QUARK (vdi-gss-error-quark, vdi_gss_error)

static void
wipe_free (char **text)
{
  g_clear_pointer (text, vdi_secret_free);
}

static void
vdi_gss_context_finalize (GObject *object)
{
  VdiGssContext *self = VDI_GSS_CONTEXT (object);
  OM_uint32 minor;

  if (self->ctx != GSS_C_NO_CONTEXT)
    gss_delete_sec_context (&minor, &self->ctx, GSS_C_NO_BUFFER);
  if (self->cred != GSS_C_NO_CREDENTIAL)
    gss_release_cred (&minor, &self->cred);
  if (self->target != GSS_C_NO_NAME)
    gss_release_name (&minor, &self->target);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->username, g_free);
  wipe_free (&self->password);
  g_clear_pointer (&self->peer_name, g_free);
  g_clear_pointer (&self->channel_binding, g_bytes_unref);

  G_OBJECT_CLASS (vdi_gss_context_parent_class)->finalize (object);
}

static void
vdi_gss_context_class_init (VdiGssContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vdi_gss_context_finalize;
}

static void
vdi_gss_context_init (VdiGssContext *self)
{
  self->cred = GSS_C_NO_CREDENTIAL;
  self->ctx = GSS_C_NO_CONTEXT;
  self->target = GSS_C_NO_NAME;
}

/* GSSAPI's own words for a status, major then minor. */
static char *
status_text (OM_uint32  major,
             OM_uint32  minor,
             gss_OID    mech)
{
  GString *out = g_string_new (NULL);
  const struct { OM_uint32 code; int type; } parts[] = {
    { major, GSS_C_GSS_CODE }, { minor, GSS_C_MECH_CODE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      OM_uint32 context = 0;

      if (parts[i].code == 0)
        continue;
      do
        {
          OM_uint32 m;
          gss_buffer_desc text = GSS_C_EMPTY_BUFFER;

          if (GSS_ERROR (gss_display_status (&m, parts[i].code, parts[i].type, mech, &context, &text)))
            break;
          if (out->len > 0)
            g_string_append (out, ": ");
          g_string_append_len (out, text.value, text.length);
          gss_release_buffer (&m, &text);
        }
      while (context != 0);
    }
  return g_string_free (out, FALSE);
}

static gboolean
import_name (const char   *text,
             gss_OID       type,
             gss_name_t   *name,
             GError      **error)
{
  OM_uint32 major, minor;
  gss_buffer_desc buffer = { strlen (text), (void *) text };

  major = gss_import_name (&minor, &buffer, type, name);
  if (GSS_ERROR (major))
    {
      g_autofree char *why = status_text (major, minor, GSS_C_NO_OID);

      g_set_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_CREDENTIALS,
                   _("The name “%s” is not usable: %s"), text, why);
      return FALSE;
    }
  return TRUE;
}

static gboolean
acquire (VdiGssContext  *self,
         gss_OID         mech,
         gboolean        with_password,
         GError        **error)
{
  OM_uint32 major, minor;
  gss_name_t name = GSS_C_NO_NAME;
  gss_OID_set_desc mechs = { 1, mech };

  if (self->username != NULL && *self->username != '\0' &&
      !import_name (self->username, GSS_C_NT_USER_NAME, &name, error))
    return FALSE;

  g_rec_mutex_lock (&gss_lock);
  if (with_password)
    {
      gss_buffer_desc password = { strlen (self->password), self->password };

      major = gss_acquire_cred_with_password (&minor, name, &password, GSS_C_INDEFINITE, &mechs,
                                              GSS_C_INITIATE, &self->cred, NULL, NULL);
    }
  else
    major = gss_acquire_cred (&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                              &self->cred, NULL, NULL);
  g_rec_mutex_unlock (&gss_lock);
  if (name != GSS_C_NO_NAME)
    gss_release_name (&minor, &name);

  if (GSS_ERROR (major))
    {
      g_autofree char *why = status_text (major, minor, mech);

      if (major == GSS_S_BAD_MECH || major == GSS_S_UNAVAILABLE)
        g_set_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_UNAVAILABLE,
                     mech == &ntlmssp_oid ? _("NTLM is not available (is gss-ntlmssp installed?): %s")
                                          : _("Kerberos is not available: %s"),
                     why);
      else
        g_set_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_CREDENTIALS,
                     mech == &ntlmssp_oid ? _("No NTLM credentials for “%s”: %s")
                                          : _("No Kerberos ticket for “%s”: %s"),
                     self->username != NULL ? self->username : "", why);
      return FALSE;
    }
  self->kerberos = mech == &krb5_oid;
  return TRUE;
}

static gboolean
is_address (const char *host)
{
  return g_hostname_is_ip_address (host) || (host[0] == '[' && strchr (host, ']') != NULL);
}

/* Kerberos: a ticket already in the user's cache, or one obtained with the password. In
 * Negotiate mode the password is tried only for names that carry a realm (user@REALM) and a
 * host reached by name: anything else could not work and would only wait for a KDC. */
static gboolean
acquire_kerberos (VdiGssContext  *self,
                  GError        **error)
{
  g_autoptr(GError) cache_error = NULL;
  gboolean may_ask_kdc;

  if (acquire (self, &krb5_oid, FALSE, &cache_error))
    return TRUE;

  may_ask_kdc = self->password != NULL &&
                (self->requested == VDI_GSS_MECH_KERBEROS ||
                 (self->username != NULL && strchr (self->username, '@') != NULL &&
                  !is_address (self->host)));
  if (!may_ask_kdc)
    {
      g_propagate_error (error, g_steal_pointer (&cache_error));
      return FALSE;
    }
  return acquire (self, &krb5_oid, TRUE, error);
}

static gboolean
acquire_ntlm (VdiGssContext  *self,
              GError        **error)
{
  if (self->password == NULL)
    {
      g_set_error_literal (error, VDI_GSS_ERROR, VDI_GSS_ERROR_CREDENTIALS,
                           _("NTLM needs a password"));
      return FALSE;
    }
  return acquire (self, &ntlmssp_oid, TRUE, error);
}

/**
 * vdi_gss_context_new_initiator:
 * @host: the server's host name (Kerberos asks for HTTP/@host)
 * @username: (nullable): "user", "DOMAIN\user" or "user@REALM"; none for the cached ticket
 * @password: (nullable): the password; none to use a cached Kerberos ticket only
 *
 * Acquires the credentials at once: with Kerberos this may ask the KDC, so call it from a
 * worker thread.
 */
VdiGssContext *
vdi_gss_context_new_initiator (VdiGssMech   mech,
                               const char  *host,
                               const char  *username,
                               const char  *password,
                               GError     **error)
{
  g_autoptr(VdiGssContext) self = NULL;
  g_autofree char *service = NULL;
  g_autoptr(GError) kerberos_error = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (VDI_TYPE_GSS_CONTEXT, NULL);
  self->initiator = TRUE;
  self->requested = mech;
  self->host = g_strdup (host);
  self->username = g_strdup (username);
  self->password = g_strdup (password);

  service = g_strconcat ("HTTP@", host, NULL);
  if (!import_name (service, GSS_C_NT_HOSTBASED_SERVICE, &self->target, error))
    return NULL;

  switch (mech)
    {
    case VDI_GSS_MECH_KERBEROS:
      if (!acquire_kerberos (self, error))
        return NULL;
      break;

    case VDI_GSS_MECH_NTLM:
      if (!acquire_ntlm (self, error))
        return NULL;
      break;

    case VDI_GSS_MECH_NEGOTIATE:
    default:
      if (!acquire_kerberos (self, &kerberos_error))
        {
          g_debug ("Negotiate with %s uses NTLM: %s", host, kerberos_error->message);
          if (!acquire_ntlm (self, error))
            return NULL;
        }
      break;
    }

  return g_steal_pointer (&self);
}

/**
 * vdi_gss_context_new_acceptor:
 *
 * A server's context: the mechanism follows the client's first token. NTLM checks the users in
 * the file named by $NTLM_USER_FILE (lines DOMAIN:USER:PASSWORD); Kerberos uses the keytab
 * named by $KRB5_KTNAME.
 */
VdiGssContext *
vdi_gss_context_new_acceptor (GError **error)
{
  VdiGssContext *self = g_object_new (VDI_TYPE_GSS_CONTEXT, NULL);

  self->initiator = FALSE;
  return self;
}

/**
 * vdi_gss_channel_binding_for_certificate:
 *
 * RFC 5929 tls-server-end-point for @certificate: "tls-server-end-point:" and the hash of its
 * DER form, SHA-256 (right for certificates signed with SHA-256, MD5 or SHA-1, the common case;
 * SHA-384/512 signatures would want their own). What a client sends for the server it reached,
 * and what a server with Extended Protection expects for its own certificate.
 */
GBytes *
vdi_gss_channel_binding_for_certificate (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  GByteArray *data;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  data = g_byte_array_new ();
  g_byte_array_append (data, (const guint8 *) "tls-server-end-point:", 21);
  g_byte_array_append (data, digest, length);
  return g_byte_array_free_to_bytes (data);
}

/**
 * vdi_gss_context_set_channel_binding:
 * @application_data: "tls-server-end-point:" and the certificate's hash (RFC 5929)
 */
void
vdi_gss_context_set_channel_binding (VdiGssContext *self,
                                     GBytes        *application_data)
{
  g_return_if_fail (VDI_IS_GSS_CONTEXT (self));

  g_clear_pointer (&self->channel_binding, g_bytes_unref);
  if (application_data != NULL)
    self->channel_binding = g_bytes_ref (application_data);
}

static gboolean
set_step_error (VdiGssContext  *self,
                OM_uint32       major,
                OM_uint32       minor,
                GError        **error)
{
  g_autofree char *why = status_text (major, minor, GSS_C_NO_OID);
  guint code = VDI_GSS_ERROR_FAILED;

  /* An acceptor that fails a token refuses the client's credentials; an initiator learns of a
   * refusal from its transport (WinRM answers 401). */
  if (!self->initiator || major == GSS_S_DEFECTIVE_CREDENTIAL)
    code = VDI_GSS_ERROR_REFUSED;
  g_set_error (error, VDI_GSS_ERROR, code, _("Authentication failed: %s"), why);
  return FALSE;
}

/**
 * vdi_gss_context_step:
 * @input: (nullable): the peer's token, none for an initiator's first step
 * @output: (out) (nullable): the token to send back, if any
 *
 * Returns: FALSE with @error when the handshake failed
 */
static gboolean step_locked (VdiGssContext  *self,
                             GBytes         *input,
                             GBytes        **output,
                             GError        **error);

gboolean
vdi_gss_context_step (VdiGssContext  *self,
                      GBytes         *input,
                      GBytes        **output,
                      GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), FALSE);
  g_return_val_if_fail (output != NULL, FALSE);

  g_rec_mutex_lock (&gss_lock);
  ok = step_locked (self, input, output, error);
  g_rec_mutex_unlock (&gss_lock);
  return ok;
}

static gboolean
step_locked (VdiGssContext  *self,
             GBytes         *input,
             GBytes        **output,
             GError        **error)
{
  OM_uint32 major, minor, flags = 0;
  gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
  struct gss_channel_bindings_struct bindings;
  gss_channel_bindings_t cb = GSS_C_NO_CHANNEL_BINDINGS;
  gss_OID actual = GSS_C_NO_OID;

  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), FALSE);
  g_return_val_if_fail (output != NULL, FALSE);

  *output = NULL;
  if (input != NULL)
    in.value = (void *) g_bytes_get_data (input, &in.length);
  if (self->channel_binding != NULL)
    {
      memset (&bindings, 0, sizeof bindings);
      bindings.application_data.value = (void *) g_bytes_get_data (self->channel_binding,
                                                                   &bindings.application_data.length);
      cb = &bindings;
    }

  if (self->initiator)
    {
      OM_uint32 req = GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;

      if (self->kerberos)
        req |= GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG;
      major = gss_init_sec_context (&minor, self->cred, &self->ctx, self->target,
                                    self->kerberos ? &krb5_oid : &ntlmssp_oid, req, 0, cb,
                                    input != NULL ? &in : GSS_C_NO_BUFFER, &actual, &out, &flags,
                                    NULL);

      /* Negotiate: Kerberos that cannot get a ticket for this host (no SPN, reached by
       * address) falls back to NTLM, as Windows does. */
      if (GSS_ERROR (major) && !self->started && self->kerberos &&
          self->requested == VDI_GSS_MECH_NEGOTIATE && self->password != NULL)
        {
          g_autofree char *why = status_text (major, minor, &krb5_oid);

          g_debug ("Kerberos to %s failed (%s), trying NTLM", self->host, why);
          gss_release_buffer (&minor, &out);
          if (self->ctx != GSS_C_NO_CONTEXT)
            gss_delete_sec_context (&minor, &self->ctx, GSS_C_NO_BUFFER);
          gss_release_cred (&minor, &self->cred);
          if (!acquire_ntlm (self, error))
            return FALSE;
          return step_locked (self, input, output, error);
        }
    }
  else
    {
      gss_name_t source = GSS_C_NO_NAME;

      major = gss_accept_sec_context (&minor, &self->ctx, GSS_C_NO_CREDENTIAL,
                                      input != NULL ? &in : GSS_C_NO_BUFFER, cb, &source, &actual,
                                      &out, &flags, NULL, NULL);
      if (major == GSS_S_COMPLETE && source != GSS_C_NO_NAME)
        {
          gss_buffer_desc text = GSS_C_EMPTY_BUFFER;

          if (!GSS_ERROR (gss_display_name (&minor, source, &text, NULL)))
            {
              g_free (self->peer_name);
              self->peer_name = g_strndup (text.value, text.length);
              gss_release_buffer (&minor, &text);
            }
        }
      if (source != GSS_C_NO_NAME)
        gss_release_name (&minor, &source);
    }
  self->started = TRUE;

  if (actual != GSS_C_NO_OID)
    self->kerberos = actual->length == krb5_oid.length &&
                     memcmp (actual->elements, krb5_oid.elements, krb5_oid.length) == 0;

  if (out.length > 0)
    *output = g_bytes_new (out.value, out.length);
  gss_release_buffer (&minor, &out);

  if (GSS_ERROR (major))
    {
      g_clear_pointer (output, g_bytes_unref);
      return set_step_error (self, major, minor, error);
    }

  if (major == GSS_S_COMPLETE)
    {
      if ((flags & GSS_C_CONF_FLAG) == 0)
        {
          g_clear_pointer (output, g_bytes_unref);
          g_set_error_literal (error, VDI_GSS_ERROR, VDI_GSS_ERROR_FAILED,
                               _("The security context cannot seal messages"));
          return FALSE;
        }
      self->established = TRUE;
    }
  return TRUE;
}

gboolean
vdi_gss_context_is_established (VdiGssContext *self)
{
  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), FALSE);

  return self->established;
}

/**
 * vdi_gss_context_get_mech_label:
 *
 * Returns: "Kerberos" or "NTLM", the mechanism in use (or about to be)
 */
const char *
vdi_gss_context_get_mech_label (VdiGssContext *self)
{
  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), NULL);

  return self->kerberos ? "Kerberos" : "NTLM";
}

/**
 * vdi_gss_context_dup_peer_name:
 *
 * Returns: (transfer full) (nullable): for an acceptor, the authenticated client
 */
char *
vdi_gss_context_dup_peer_name (VdiGssContext *self)
{
  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), NULL);

  return g_strdup (self->peer_name);
}

/* Sealing ------------------------------------------------------------------------------------ */

/**
 * vdi_gss_context_seal:
 * @content_type: (out): the Content-Type to send the body with
 *
 * Returns: (transfer full): @plain sealed in an MS-WSMV multipart/encrypted body
 */
GBytes *
vdi_gss_context_seal (VdiGssContext  *self,
                      const char     *plain,
                      gsize           length,
                      char          **content_type,
                      GError        **error)
{
  g_autoptr(GByteArray) body = NULL;
  OM_uint32 major, minor;
  int conf = 0;

  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), NULL);
  g_return_val_if_fail (self->established, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);

  body = g_byte_array_sized_new (length + 256);

  if (self->kerberos)
    {
      gss_iov_buffer_desc iov[3];
      g_autofree guint8 *data = g_memdup2 (plain, length);

      iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
      iov[0].buffer.length = 0;
      iov[0].buffer.value = NULL;
      iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
      iov[1].buffer.length = length;
      iov[1].buffer.value = data;
      iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
      iov[2].buffer.length = 0;
      iov[2].buffer.value = NULL;

      major = gss_wrap_iov (&minor, self->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
      if (!GSS_ERROR (major) && conf)
        {
          g_autoptr(GByteArray) sealed = g_byte_array_sized_new (length + iov[2].buffer.length);

          g_byte_array_append (sealed, data, length);
          g_byte_array_append (sealed, iov[2].buffer.value, iov[2].buffer.length);
          vdi_wsmv_append_part (body, VDI_WSMV_PROTOCOL_SPNEGO, length, iov[0].buffer.value,
                                iov[0].buffer.length, sealed->data, sealed->len);
        }
      gss_release_iov_buffer (&minor, iov, 3);
    }
  else
    {
      gss_buffer_desc in = { length, (void *) plain }, out = GSS_C_EMPTY_BUFFER;

      major = gss_wrap (&minor, self->ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
      if (!GSS_ERROR (major) && conf && out.length >= 16)
        vdi_wsmv_append_part (body, VDI_WSMV_PROTOCOL_SPNEGO, length, out.value, 16,
                              (const guint8 *) out.value + 16, out.length - 16);
      else if (!GSS_ERROR (major))
        major = GSS_S_FAILURE;
      gss_release_buffer (&minor, &out);
    }

  if (GSS_ERROR (major) || !conf)
    {
      g_autofree char *why = status_text (major, minor, GSS_C_NO_OID);

      g_set_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_FAILED, _("Cannot seal the message: %s"), why);
      return NULL;
    }

  vdi_wsmv_finish (body);
  *content_type = vdi_wsmv_content_type (VDI_WSMV_PROTOCOL_SPNEGO);
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/**
 * vdi_gss_context_unseal:
 *
 * Parses an MS-WSMV encrypted body and unseals each part. A body that is not sealed fails
 * with %VDI_WSMV_ERROR_UNSEALED, one badly framed with %VDI_WSMV_ERROR_FRAMING, one whose
 * signature or length does not hold with %VDI_GSS_ERROR_INTEGRITY.
 *
 * Returns: (transfer full): the plain message
 */
GBytes *
vdi_gss_context_unseal (VdiGssContext  *self,
                        const char     *content_type,
                        GBytes         *body,
                        GError        **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GByteArray) plain = NULL;
  g_autofree char *protocol = NULL;

  g_return_val_if_fail (VDI_IS_GSS_CONTEXT (self), NULL);
  g_return_val_if_fail (self->established, NULL);

  parts = vdi_wsmv_parse (content_type, body, &protocol, error);
  if (parts == NULL)
    return NULL;
  if (g_ascii_strcasecmp (protocol, VDI_WSMV_PROTOCOL_SPNEGO) != 0 &&
      g_ascii_strcasecmp (protocol, VDI_WSMV_PROTOCOL_KERBEROS) != 0)
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                   _("The message is sealed with “%s”, which is not supported"), protocol);
      return NULL;
    }

  plain = g_byte_array_new ();
  for (guint i = 0; i < parts->len; i++)
    {
      VdiWsmvPart *part = g_ptr_array_index (parts, i);
      g_autoptr(GByteArray) token = g_byte_array_new ();
      gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
      OM_uint32 major, minor;
      gconstpointer data;
      gsize length;
      int conf = 0;

      data = g_bytes_get_data (part->signature, &length);
      g_byte_array_append (token, data, length);
      data = g_bytes_get_data (part->sealed, &length);
      g_byte_array_append (token, data, length);
      in.value = token->data;
      in.length = token->len;

      major = gss_unwrap (&minor, self->ctx, &in, &out, &conf, NULL);
      if (GSS_ERROR (major) || !conf || out.length != part->original_length)
        {
          g_autofree char *why = GSS_ERROR (major) ? status_text (major, minor, GSS_C_NO_OID)
                               : !conf ? g_strdup (_("it was signed, not sealed"))
                               : g_strdup_printf (_("it holds %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT),
                                                  (gsize) out.length, part->original_length);

          gss_release_buffer (&minor, &out);
          g_set_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_INTEGRITY,
                       _("A sealed message did not unseal: %s"), why);
          return NULL;
        }
      g_byte_array_append (plain, out.value, out.length);
      gss_release_buffer (&minor, &out);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&plain));
}
