/* vdi-name-format.c
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

#include "vdi-farm.h"
#include "vdi-name-format.h"

#define PATTERN_OPEN "%ID:"

static gboolean
is_host_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-';
}

static gboolean
check_literal (const char  *part,
               GError     **error)
{
  for (const char *p = part; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!is_host_name_char (*p))
        {
          gunichar c = g_utf8_get_char_validated (p, -1);
          char buf[8] = { 0 };

          if (c == (gunichar)-1 || c == (gunichar)-2)
            g_strlcpy (buf, "?", sizeof buf);
          else
            g_unichar_to_utf8 (c, buf);

          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                       _("“%s” is not allowed in a host name: use only letters, digits and "
                         "hyphens"), buf);
          return FALSE;
        }
    }

  return TRUE;
}

/* Parses the decimal run at *p, advancing it. At most 9 digits, so the value fits a guint. */
static gboolean
parse_number (const char **p,
              guint       *value)
{
  const char *s = *p;
  guint v = 0;
  int n = 0;

  while (g_ascii_isdigit (*s) && n < 9)
    {
      v = v * 10 + (guint)(*s - '0');
      s++;
      n++;
    }

  if (n == 0 || g_ascii_isdigit (*s))
    return FALSE;

  *p = s;
  *value = v;
  return TRUE;
}

static guint64
pow10_u64 (guint n)
{
  guint64 v = 1;

  while (n-- > 0)
    v *= 10;
  return v;
}

/* The number of digits a name may use: N, or for N = 0 (no padding) what the length limit
 * leaves after the prefix and the ending. */
static guint
max_digits (const VdiNameFormat *self)
{
  gsize fixed = strlen (self->prefix) + strlen (self->ending);

  if (self->digits > 0)
    return self->digits;
  return fixed < VDI_NAME_FORMAT_MAX_LENGTH ? (guint)(VDI_NAME_FORMAT_MAX_LENGTH - fixed) : 0;
}

void
vdi_name_format_free (VdiNameFormat *self)
{
  if (self == NULL)
    return;

  g_free (self->prefix);
  g_free (self->ending);
  g_free (self);
}

/**
 * vdi_name_format_parse:
 * @format: a host name format such as "VDI-%ID:3%" or "Lab%ID:2:10%-w"
 *
 * Checks @format the way Parallels RAS does and splits it into its parts.
 *
 * Returns: (transfer full) (nullable): the parsed format, or %NULL with @error set to a message
 *   that says what is wrong.
 */
VdiNameFormat *
vdi_name_format_parse (const char  *format,
                       GError     **error)
{
  g_autoptr(VdiNameFormat) self = NULL;
  const char *open;
  const char *close;
  const char *p;
  guint64 longest;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == NULL || *format == '\0')
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           /* xgettext:no-c-format */
                           _("Enter a host name format, for example VDI-%ID:3%"));
      return NULL;
    }

  if (!g_utf8_validate (format, -1, NULL))
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           _("The host name format is not valid UTF-8 text"));
      return NULL;
    }

  open = strstr (format, PATTERN_OPEN);
  if (open == NULL)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           /* xgettext:no-c-format */
                           _("The host name format needs the pattern %ID:N:S%, "
                             "for example VDI-%ID:3%"));
      return NULL;
    }

  if (strstr (open + 1, PATTERN_OPEN) != NULL)
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           /* xgettext:no-c-format */
                           _("The pattern %ID:N:S% may appear only once in a host name format"));
      return NULL;
    }

  self = g_new0 (VdiNameFormat, 1);
  self->start = 1;

  p = open + strlen (PATTERN_OPEN);
  if (!parse_number (&p, &self->digits) ||
      (*p == ':' && (p++, !parse_number (&p, &self->start))) ||
      *p != '%')
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           /* xgettext:no-c-format */
                           _("The pattern must be %ID:N% or %ID:N:S%, where N is the number of "
                             "digits (0 for no padding) and S the first number, "
                             "for example %ID:3% or %ID:3:100%"));
      return NULL;
    }
  close = p;

  self->prefix = g_strndup (format, open - format);
  self->ending = g_strdup (close + 1);

  if (!g_ascii_isalpha (self->prefix[0]))
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                           _("A host name must start with a letter"));
      return NULL;
    }

  if (!check_literal (self->prefix, error) || !check_literal (self->ending, error))
    return NULL;

  longest = strlen (self->prefix) + MAX (self->digits, 1) + strlen (self->ending);
  if (longest > VDI_NAME_FORMAT_MAX_LENGTH)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                   _("Host names from this format would be %u characters long; "
                     "the limit is %u"),
                   (guint)longest, (guint)VDI_NAME_FORMAT_MAX_LENGTH);
      return NULL;
    }

  if (self->digits > 0 && self->start >= pow10_u64 (self->digits))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
                   _("The first number %u does not fit in %u digits"),
                   self->start, self->digits);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * vdi_name_format_get_capacity:
 *
 * Returns: how many distinct host names the format can produce.
 */
guint64
vdi_name_format_get_capacity (const VdiNameFormat *self)
{
  guint64 limit;

  g_return_val_if_fail (self != NULL, 0);

  limit = pow10_u64 (max_digits (self));
  return self->start < limit ? limit - self->start : 0;
}

/**
 * vdi_name_format_expand:
 * @index: 0 for the first host name
 *
 * Returns: (transfer full) (nullable): the @index-th host name.
 */
char *
vdi_name_format_expand (const VdiNameFormat  *self,
                        guint                 index,
                        GError              **error)
{
  guint64 capacity;

  g_return_val_if_fail (self != NULL, NULL);

  capacity = vdi_name_format_get_capacity (self);
  if (index >= capacity)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT,
                   _("This host name format runs out of names after %s hosts"), count);
      return NULL;
    }

  return g_strdup_printf ("%s%0*" G_GUINT64_FORMAT "%s",
                          self->prefix, (int)self->digits,
                          (guint64)self->start + index, self->ending);
}

/**
 * vdi_name_format_validate:
 * @n_names: how many names must be available (the template's maximum hosts), or 0
 */
gboolean
vdi_name_format_validate (const char  *format,
                          guint        n_names,
                          GError     **error)
{
  g_autoptr(VdiNameFormat) parsed = vdi_name_format_parse (format, error);
  guint64 capacity;

  if (parsed == NULL)
    return FALSE;

  capacity = vdi_name_format_get_capacity (parsed);
  if (n_names > capacity)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT,
                   _("This host name format allows only %s host names, but the maximum is %u "
                     "hosts"),
                   count, n_names);
      return FALSE;
    }

  return TRUE;
}

char *
vdi_name_format_expand_string (const char  *format,
                               guint        index,
                               GError     **error)
{
  g_autoptr(VdiNameFormat) parsed = vdi_name_format_parse (format, error);

  if (parsed == NULL)
    return NULL;
  return vdi_name_format_expand (parsed, index, error);
}
