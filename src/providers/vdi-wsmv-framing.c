/* vdi-wsmv-framing.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vdi-wsmv-framing.h"

/* MS-WSMV 2.2.9.1.2.2.1: a sealed WinRM body is a pair of MIME-like parts per message,
 *
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
 *   \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=N\r\n
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/octet-stream\r\n
 *   LE32(signature length) signature sealed-bytes
 *   --Encrypted Boundary--\r\n
 *
 * The sealed bytes are binary and carry no length of their own: they end at the next boundary
 * found at or past the original length (a cipher never shrinks the message). */

#define DASH_BOUNDARY   "--" VDI_WSMV_BOUNDARY
#define ORIGINAL_TYPE   "application/soap+xml;charset=UTF-8"
#define MAX_SIGNATURE   4096

G_DEFINE_QUARK (vdi-wsmv-error-quark, vdi_wsmv_error)

char *
vdi_wsmv_content_type (const char *protocol)
{
  g_return_val_if_fail (protocol != NULL, NULL);

  return g_strdup_printf ("multipart/encrypted;protocol=\"%s\";boundary=\"" VDI_WSMV_BOUNDARY "\"",
                          protocol);
}

/* The value of parameter @name in a "type;a=b;c="d"" header, unquoted. */
static char *
header_param (const char *header,
              const char *name)
{
  g_auto(GStrv) fields = g_strsplit (header, ";", -1);

  /* fields[0] is the type itself; an empty header splits into no field at all */
  for (guint i = 1; fields[0] != NULL && fields[i] != NULL; i++)
    {
      char *field = g_strstrip (fields[i]);
      char *equals = strchr (field, '=');
      char *value;
      gsize length;

      if (equals == NULL)
        continue;
      *equals = '\0';
      if (g_ascii_strcasecmp (g_strstrip (field), name) != 0)
        continue;
      value = g_strstrip (equals + 1);
      length = strlen (value);
      if (length >= 2 && value[0] == '"' && value[length - 1] == '"')
        return g_strndup (value + 1, length - 2);
      return g_strdup (value);
    }
  return NULL;
}

/**
 * vdi_wsmv_is_encrypted_type:
 * @protocol: (out) (optional): the protocol parameter
 *
 * Whether @content_type announces an MS-WSMV encrypted body with our boundary.
 */
gboolean
vdi_wsmv_is_encrypted_type (const char  *content_type,
                            char       **protocol)
{
  g_autofree char *boundary = NULL;
  g_autofree char *proto = NULL;
  const char *semicolon;

  if (content_type == NULL)
    return FALSE;
  semicolon = strchr (content_type, ';');
  if (semicolon == NULL)
    return FALSE;
  {
    g_autofree char *type = g_strstrip (g_strndup (content_type, semicolon - content_type));

    if (g_ascii_strcasecmp (type, "multipart/encrypted") != 0)
      return FALSE;
  }
  boundary = header_param (content_type, "boundary");
  proto = header_param (content_type, "protocol");
  if (g_strcmp0 (boundary, VDI_WSMV_BOUNDARY) != 0 || proto == NULL)
    return FALSE;
  if (protocol != NULL)
    *protocol = g_steal_pointer (&proto);
  return TRUE;
}

/**
 * vdi_wsmv_append_part:
 * @original_length: the length of the plain SOAP message
 *
 * Appends one encrypted part (the pair of MIME parts) to @body.
 */
void
vdi_wsmv_append_part (GByteArray   *body,
                      const char   *protocol,
                      gsize         original_length,
                      const guint8 *signature,
                      gsize         signature_length,
                      const guint8 *sealed,
                      gsize         sealed_length)
{
  g_autofree char *head = NULL;
  guint32 le_length = GUINT32_TO_LE ((guint32) signature_length);

  g_return_if_fail (body != NULL && protocol != NULL);
  g_return_if_fail (signature_length <= MAX_SIGNATURE);

  head = g_strdup_printf (DASH_BOUNDARY "\r\n"
                          "\tContent-Type: %s\r\n"
                          "\tOriginalContent: type=" ORIGINAL_TYPE ";Length=%" G_GSIZE_FORMAT "\r\n"
                          DASH_BOUNDARY "\r\n"
                          "\tContent-Type: application/octet-stream\r\n",
                          protocol, original_length);
  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, (const guint8 *) &le_length, sizeof le_length);
  g_byte_array_append (body, signature, signature_length);
  g_byte_array_append (body, sealed, sealed_length);
}

void
vdi_wsmv_finish (GByteArray *body)
{
  static const char tail[] = DASH_BOUNDARY "--\r\n";

  g_return_if_fail (body != NULL);

  g_byte_array_append (body, (const guint8 *) tail, sizeof tail - 1);
}

void
vdi_wsmv_part_free (VdiWsmvPart *part)
{
  if (part == NULL)
    return;

  g_clear_pointer (&part->signature, g_bytes_unref);
  g_clear_pointer (&part->sealed, g_bytes_unref);
  g_free (part);
}

/* Parsing ------------------------------------------------------------------------------------ */

typedef struct
{
  GBytes       *bytes;
  const guint8 *data;
  gsize         length;
  gsize         pos;
} Cursor;

static gboolean
at (Cursor     *c,
    const char *text)
{
  gsize n = strlen (text);

  return c->length - c->pos >= n && memcmp (c->data + c->pos, text, n) == 0;
}

/* One header line without its line break, or NULL at the end of the data. */
static char *
read_line (Cursor *c)
{
  const guint8 *start = c->data + c->pos;
  const guint8 *newline = memchr (start, '\n', c->length - c->pos);
  gsize n;

  if (newline == NULL)
    return NULL;
  n = newline - start;
  c->pos += n + 1;
  if (n > 0 && start[n - 1] == '\r')
    n--;
  return g_strndup ((const char *) start, n);
}

/* "--Encrypted Boundary" then a line break; FALSE with *end set at the closing one. */
static gboolean
read_boundary (Cursor    *c,
               gboolean  *end,
               GError   **error)
{
  *end = FALSE;
  if (!at (c, DASH_BOUNDARY))
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                   _("The encrypted message lacks a boundary at byte %" G_GSIZE_FORMAT), c->pos);
      return FALSE;
    }
  c->pos += strlen (DASH_BOUNDARY);
  if (at (c, "--"))
    {
      /* The closing boundary: only a line break may follow. */
      for (gsize i = c->pos + 2; i < c->length; i++)
        if (!g_ascii_isspace (c->data[i]))
          {
            g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                         _("The encrypted message goes on after its closing boundary"));
            return FALSE;
          }
      *end = TRUE;
      return TRUE;
    }
  if (at (c, "\r\n") || at (c, "\n"))
    {
      gsize rest = c->pos;

      c->pos += at (c, "\r\n") ? 2 : 1;
      /* A last boundary with a line break but no "--": as pywinrm, the end. */
      while (rest < c->length && g_ascii_isspace (c->data[rest]))
        rest++;
      if (rest == c->length)
        *end = TRUE;
    }
  else if (c->pos == c->length)
    *end = TRUE;  /* a last boundary without "--" nor line break: as pywinrm, the end */
  else
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                   _("The encrypted message has text after a boundary at byte %" G_GSIZE_FORMAT),
                   c->pos);
      return FALSE;
    }
  return TRUE;
}

/* "Name: value" with leading blanks; FALSE when the line is no header of that name. */
static const char *
header_value (const char *line,
              const char *name)
{
  gsize n = strlen (name);

  while (*line == ' ' || *line == '\t')
    line++;
  if (g_ascii_strncasecmp (line, name, n) != 0 || line[n] != ':')
    return NULL;
  line += n + 1;
  while (*line == ' ' || *line == '\t')
    line++;
  return line;
}

static VdiWsmvPart *
read_part (Cursor      *c,
           const char  *protocol,
           GError     **error)
{
  g_autoptr(VdiWsmvPart) part = g_new0 (VdiWsmvPart, 1);
  gboolean have_type = FALSE, have_length = FALSE, end = FALSE;
  guint32 signature_length;
  gsize signature_start, sealed_start, search;
  const guint8 *next;

  /* The first part: its content type and the original content's length. */
  while (!at (c, DASH_BOUNDARY))
    {
      g_autofree char *line = read_line (c);
      const char *value;

      if (line == NULL)
        {
          g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                               _("The encrypted message ends inside its headers"));
          return NULL;
        }
      if ((value = header_value (line, "Content-Type")) != NULL)
        {
          if (g_ascii_strcasecmp (value, protocol) != 0)
            {
              g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("An encrypted part is of type “%s”, not “%s”"), value, protocol);
              return NULL;
            }
          have_type = TRUE;
        }
      else if ((value = header_value (line, "OriginalContent")) != NULL)
        {
          g_autofree char *declared = header_param (value, "Length");
          guint64 number;

          if (declared == NULL || !g_ascii_string_to_unsigned (declared, 10, 0, G_MAXUINT32, &number, NULL))
            {
              g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("An encrypted part has no valid original length (“%s”)"), value);
              return NULL;
            }
          part->original_length = number;
          have_length = TRUE;
        }
    }
  if (!have_type || !have_length)
    {
      g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("An encrypted part lacks its Content-Type or OriginalContent header"));
      return NULL;
    }

  /* The second part: one header line, then binary data. */
  if (!read_boundary (c, &end, error))
    return NULL;
  if (end)
    {
      g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("The encrypted message ends before its data"));
      return NULL;
    }
  for (;;)
    {
      g_autofree char *line = read_line (c);
      const char *value;

      if (line == NULL)
        {
          g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                               _("The encrypted message ends inside its headers"));
          return NULL;
        }
      if ((value = header_value (line, "Content-Type")) != NULL)
        {
          if (g_ascii_strcasecmp (value, "application/octet-stream") != 0)
            {
              g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("The encrypted data is of type “%s”"), value);
              return NULL;
            }
          break;
        }
    }

  if (c->length - c->pos < sizeof signature_length)
    {
      g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("The encrypted message is truncated"));
      return NULL;
    }
  memcpy (&signature_length, c->data + c->pos, sizeof signature_length);
  signature_length = GUINT32_FROM_LE (signature_length);
  c->pos += sizeof signature_length;
  signature_start = c->pos;
  if (signature_length == 0 || signature_length > MAX_SIGNATURE ||
      signature_length > c->length - c->pos)
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                   _("The encrypted message declares a signature of %u bytes"), signature_length);
      return NULL;
    }
  c->pos += signature_length;
  sealed_start = c->pos;

  if (part->original_length > c->length - c->pos)
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                   _("The encrypted message holds %" G_GSIZE_FORMAT " bytes where it declares %"
                     G_GSIZE_FORMAT), c->length - c->pos, part->original_length);
      return NULL;
    }
  search = sealed_start + part->original_length;
  next = memmem (c->data + search, c->length - search, DASH_BOUNDARY, strlen (DASH_BOUNDARY));
  if (next == NULL)
    {
      g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("The encrypted message ends before its closing boundary"));
      return NULL;
    }
  c->pos = next - c->data;

  part->signature = g_bytes_new_from_bytes (c->bytes, signature_start, signature_length);
  part->sealed = g_bytes_new_from_bytes (c->bytes, sealed_start, c->pos - sealed_start);
  return g_steal_pointer (&part);
}

/**
 * vdi_wsmv_parse:
 * @content_type: the Content-Type header of the message
 * @protocol: (out) (optional): the protocol it names
 *
 * Splits an encrypted body into its parts, one by one; the closing boundary may end with "--"
 * or not. Anything else fails with %VDI_WSMV_ERROR_FRAMING (or %VDI_WSMV_ERROR_UNSEALED for a
 * body of another type), never reading past @body.
 *
 * Returns: (transfer container) (element-type VdiWsmvPart): the parts, at least one
 */
GPtrArray *
vdi_wsmv_parse (const char  *content_type,
                GBytes      *body,
                char       **protocol,
                GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_wsmv_part_free);
  g_autofree char *proto = NULL;
  Cursor c = { 0 };
  gboolean end = FALSE;

  g_return_val_if_fail (body != NULL, NULL);

  if (!vdi_wsmv_is_encrypted_type (content_type, &proto))
    {
      g_set_error (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_UNSEALED,
                   _("The message is of type “%s”, not an encrypted one"),
                   content_type != NULL ? content_type : "");
      return NULL;
    }

  c.bytes = body;
  c.data = g_bytes_get_data (body, &c.length);
  while (c.pos < c.length && g_ascii_isspace (c.data[c.pos]))
    c.pos++;

  if (!read_boundary (&c, &end, error))
    return NULL;
  while (!end)
    {
      VdiWsmvPart *part = read_part (&c, proto, error);

      if (part == NULL)
        return NULL;
      g_ptr_array_add (parts, part);
      if (!read_boundary (&c, &end, error))
        return NULL;
    }
  if (parts->len == 0)
    {
      g_set_error_literal (error, VDI_WSMV_ERROR, VDI_WSMV_ERROR_FRAMING,
                           _("The encrypted message holds no part"));
      return NULL;
    }

  if (protocol != NULL)
    *protocol = g_steal_pointer (&proto);
  return g_steal_pointer (&parts);
}
