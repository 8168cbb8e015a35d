/* test-gss.c: MS-WSMV framing and the GSSAPI security context (NTLM through gss-ntlmssp,
 * initiator and acceptor in one process).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "vdi-gss-context.h"
#include "vdi-wsmv-framing.h"

static char *user_file;

static GBytes *
frame (guint        n_parts,
       gboolean     closing_dashes,
       const char **plain)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  for (guint i = 0; i < n_parts; i++)
    {
      guint8 signature[16];

      memset (signature, 'A' + i, sizeof signature);
      /* "sealed" bytes equal to the plain text here: framing does not care */
      vdi_wsmv_append_part (body, VDI_WSMV_PROTOCOL_SPNEGO, strlen (plain[i]), signature,
                            sizeof signature, (const guint8 *) plain[i], strlen (plain[i]));
    }
  if (closing_dashes)
    vdi_wsmv_finish (body);
  else
    g_byte_array_append (body, (const guint8 *) "--Encrypted Boundary\r\n", 22);
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static void
test_framing_round_trip (void)
{
  const char *plain[] = { "<s:Envelope>one</s:Envelope>", "two, with --Encrypted Boundary inside" };
  g_autofree char *type = vdi_wsmv_content_type (VDI_WSMV_PROTOCOL_SPNEGO);

  g_assert_cmpstr (type, ==, "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";"
                             "boundary=\"Encrypted Boundary\"");

  for (guint dashes = 0; dashes < 2; dashes++)
    for (guint n = 1; n <= 2; n++)
      {
        g_autoptr(GBytes) body = frame (n, dashes, plain);
        g_autoptr(GError) error = NULL;
        g_autofree char *protocol = NULL;
        g_autoptr(GPtrArray) parts = vdi_wsmv_parse (type, body, &protocol, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (protocol, ==, VDI_WSMV_PROTOCOL_SPNEGO);
        g_assert_cmpuint (parts->len, ==, n);
        for (guint i = 0; i < n; i++)
          {
            VdiWsmvPart *part = g_ptr_array_index (parts, i);
            gsize length;
            const char *data = g_bytes_get_data (part->sealed, &length);

            g_assert_cmpuint (part->original_length, ==, strlen (plain[i]));
            g_assert_cmpmem (data, length, plain[i], strlen (plain[i]));
            g_assert_cmpuint (g_bytes_get_size (part->signature), ==, 16);
            g_assert_cmpint (((const guint8 *) g_bytes_get_data (part->signature, NULL))[0], ==, 'A' + i);
          }
      }
}

/* What pywinrm sends: the same bytes, written out by hand. */
static void
test_framing_pywinrm_shape (void)
{
  static const char text[] =
    "--Encrypted Boundary\r\n"
    "\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
    "\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=5\r\n"
    "--Encrypted Boundary\r\n"
    "\tContent-Type: application/octet-stream\r\n"
    "\x10\x00\x00\x00" "0123456789abcdef" "hello"
    "--Encrypted Boundary--\r\n";
  g_autoptr(GBytes) body = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  parts = vdi_wsmv_parse ("multipart/encrypted; protocol=\"application/HTTP-SPNEGO-session-encrypted\"; "
                          "boundary=\"Encrypted Boundary\"", body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpmem (g_bytes_get_data (((VdiWsmvPart *) parts->pdata[0])->sealed, NULL), 5, "hello", 5);
}

static void
test_framing_errors (void)
{
  const char *plain[] = { "<s:Envelope>some plain text of a message</s:Envelope>" };
  g_autofree char *type = vdi_wsmv_content_type (VDI_WSMV_PROTOCOL_SPNEGO);
  g_autoptr(GBytes) body = frame (1, TRUE, plain);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  /* Every truncation: an error, never a crash nor a read past the end (ASan checks that). */
  for (gsize cut = 0; cut < length - strlen ("--\r\n"); cut++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) parts = vdi_wsmv_parse (type, prefix, NULL, &error);

      g_assert_null (parts);
      g_assert_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING);
    }

  /* A declared length past the data. */
  {
    g_autofree char *copy = g_strndup (data, length);
    char *declared = strstr (copy, "Length=");
    g_autoptr(GBytes) lying = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) parts = NULL;

    g_assert_nonnull (declared);
    declared[7] = '9';  /* "Length=54" becomes "Length=94" */
    lying = g_bytes_new (copy, length);
    parts = vdi_wsmv_parse (type, lying, NULL, &error);
    g_assert_null (parts);
    g_assert_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING);
  }

  /* Plain SOAP where sealing is expected. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) parts = vdi_wsmv_parse ("application/soap+xml;charset=UTF-8", body, NULL, &error);

    g_assert_null (parts);
    g_assert_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_UNSEALED);
  }
}

/* GSSAPI ------------------------------------------------------------------------------------- */

static void
handshake (VdiGssContext *client,
           VdiGssContext *server)
{
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GBytes) answer = NULL;

      g_assert_true (vdi_gss_context_step (client, token, &answer, &error));
      g_assert_no_error (error);
      if (answer == NULL)
        break;
      g_clear_pointer (&token, g_bytes_unref);
      g_assert_true (vdi_gss_context_step (server, answer, &token, &error));
      g_assert_no_error (error);
      if (token == NULL && vdi_gss_context_is_established (client))
        break;
    }
  g_assert_true (vdi_gss_context_is_established (client));
  g_assert_true (vdi_gss_context_is_established (server));
}

static GBytes *
round_trip (VdiGssContext *from,
            VdiGssContext *to,
            const char    *text,
            gsize          length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GBytes) sealed = vdi_gss_context_seal (from, text, length, &type, &error);
  GBytes *plain;

  g_assert_no_error (error);
  g_assert_null (memmem (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "<s:Body>", 8));
  plain = vdi_gss_context_unseal (to, type, sealed, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), text, length);
  return plain;
}

static void
test_ntlm_seal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiGssContext) client = vdi_gss_context_new_initiator (VDI_GSS_MECH_NEGOTIATE, "127.0.0.1",
                                                                   "alice", "S3cret!", &error);
  g_autoptr(VdiGssContext) server = vdi_gss_context_new_acceptor (&error);
  g_autofree char *peer = NULL;
  g_autofree char *big = NULL;
  static const char request[] = "<s:Envelope><s:Body>Identify</s:Body></s:Envelope>";
  gsize big_length = 1024 * 1024;

  g_assert_no_error (error);
  g_assert_cmpstr (vdi_gss_context_get_mech_label (client), ==, "NTLM");
  handshake (client, server);
  peer = vdi_gss_context_dup_peer_name (server);
  g_assert_nonnull (peer);
  g_assert_nonnull (strstr (peer, "alice"));

  /* Both ways, several times: sequence numbers advance on both sides. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) a = round_trip (client, server, request, strlen (request));
      g_autoptr(GBytes) b = round_trip (server, client, request, strlen (request));
    }

  /* A 1 MiB answer, as one part. */
  big = g_strnfill (big_length, 'v');
  {
    g_autoptr(GBytes) plain = round_trip (server, client, big, big_length);
  }

  /* One flipped bit in the sealed data. */
  {
    g_autofree char *type = NULL;
    g_autoptr(GBytes) sealed = vdi_gss_context_seal (client, request, strlen (request), &type, &error);
    gsize length = g_bytes_get_size (sealed);
    guint8 *copy = g_memdup2 (g_bytes_get_data (sealed, NULL), length);
    g_autoptr(GBytes) tampered = NULL;
    g_autoptr(GBytes) plain = NULL;

    g_assert_no_error (error);
    copy[length - strlen ("--Encrypted Boundary--\r\n") - 3] ^= 0x01;
    tampered = g_bytes_new_take (copy, length);
    plain = vdi_gss_context_unseal (server, type, tampered, &error);
    g_assert_null (plain);
    g_assert_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_INTEGRITY);
  }
}

static void
test_ntlm_wrong_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiGssContext) client = vdi_gss_context_new_initiator (VDI_GSS_MECH_NTLM, "hv-01",
                                                                   "DOM\\alice", "wrong", &error);
  g_autoptr(VdiGssContext) server = vdi_gss_context_new_acceptor (&error);
  g_autoptr(GBytes) negotiate = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) authenticate = NULL;
  g_autoptr(GBytes) nothing = NULL;

  g_assert_no_error (error);
  g_assert_true (vdi_gss_context_step (client, NULL, &negotiate, &error));
  g_assert_true (vdi_gss_context_step (server, negotiate, &challenge, &error));
  g_assert_true (vdi_gss_context_step (client, challenge, &authenticate, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_gss_context_step (server, authenticate, &nothing, &error));
  g_assert_error (error, VDI_GSS_ERROR, VDI_GSS_ERROR_REFUSED);
  g_assert_false (vdi_gss_context_is_established (server));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vdi-gss-XXXXXX", &error);
  int status;

  g_assert_no_error (error);
  user_file = g_build_filename (dir, "ntlm-users", NULL);
  g_assert_true (g_file_set_contents (user_file, "DOM:alice:S3cret!\n", -1, NULL));
  g_setenv ("NTLM_USER_FILE", user_file, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wsmv/framing/round-trip", test_framing_round_trip);
  g_test_add_func ("/wsmv/framing/pywinrm-shape", test_framing_pywinrm_shape);
  g_test_add_func ("/wsmv/framing/errors", test_framing_errors);
  g_test_add_func ("/gss/ntlm/seal", test_ntlm_seal);
  g_test_add_func ("/gss/ntlm/wrong-password", test_ntlm_wrong_password);
  status = g_test_run ();

  g_unlink (user_file);
  g_rmdir (dir);
  g_free (user_file);
  return status;
}
