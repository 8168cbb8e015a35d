/* vdi-name-format.h
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Host name formats as Parallels RAS defines them: `<prefix>%ID:N:S%<ending>`, where N is the
 * number of digits (0: no padding) and S the optional first number (default 1). The whole name
 * starts with a letter, holds only letters, digits and hyphens, has exactly one pattern, and no
 * expanded name is longer than VDI_NAME_FORMAT_MAX_LENGTH characters (NetBIOS). */

#define VDI_NAME_FORMAT_MAX_LENGTH 15

typedef struct
{
  char  *prefix;
  char  *ending;
  guint  digits;
  guint  start;
} VdiNameFormat;

VdiNameFormat      *vdi_name_format_parse             (const char         *format,
                                                       GError            **error);
void                vdi_name_format_free              (VdiNameFormat      *self);
char               *vdi_name_format_expand            (const VdiNameFormat *self,
                                                       guint               index,
                                                       GError            **error);
guint64             vdi_name_format_get_capacity      (const VdiNameFormat *self);
gboolean            vdi_name_format_validate          (const char         *format,
                                                       guint               n_names,
                                                       GError            **error);
char               *vdi_name_format_expand_string     (const char         *format,
                                                       guint               index,
                                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiNameFormat, vdi_name_format_free)

G_END_DECLS
