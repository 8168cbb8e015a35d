/* vdi-farm-location.c: what a farm location names, and how messages show it.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Plain string work, with or without PostgreSQL support in the build: a location names a
 * database when it is a postgresql:// (postgres://) URI, and a message never shows its
 * password. */

#include "config.h"

#include "vdi-farm-pg.h"
#include "vdi-farm.h"

gboolean
_vdi_farm_is_pg_uri (const char *location)
{
  return location != NULL &&
         (g_str_has_prefix (location, "postgresql://") ||
          g_str_has_prefix (location, "postgres://"));
}

/* Appends the query of a URI without its password parameter. */
static void
append_query_without_password (GString    *out,
                               const char *query)
{
  g_auto(GStrv) params = g_strsplit (query, "&", -1);
  gboolean first = TRUE;

  for (guint i = 0; params[i] != NULL; i++)
    {
      if (g_str_has_prefix (params[i], "password=") || params[i][0] == '\0')
        continue;
      g_string_append_c (out, first ? '?' : '&');
      g_string_append (out, params[i]);
      first = FALSE;
    }
}

/**
 * _vdi_farm_pg_display:
 *
 * Returns: @uri without any password in it, spelled postgresql://: what messages show, and the
 *   key of the password in the Secret Service.
 */
char *
_vdi_farm_pg_display (const char *uri)
{
  g_autoptr(GString) out = g_string_new ("postgresql://");
  const char *rest = strstr (uri, "://");
  const char *authority_end, *at = NULL, *query;

  if (rest == NULL)
    return g_strdup (uri);
  rest += 3;

  authority_end = rest + strcspn (rest, "/?");
  for (const char *p = rest; p < authority_end; p++)
    if (*p == '@')
      at = p;
  if (at != NULL)
    {
      const char *colon = memchr (rest, ':', at - rest);

      g_string_append_len (out, rest, (colon != NULL ? colon : at) - rest);
      rest = at;
    }

  query = strchr (rest, '?');
  if (query == NULL)
    g_string_append (out, rest);
  else
    {
      g_string_append_len (out, rest, query - rest);
      append_query_without_password (out, query + 1);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
vdi_farm_location_is_database (const char *location)
{
  return _vdi_farm_is_pg_uri (location);
}

char *
vdi_farm_dup_display_location (const char *location)
{
  g_return_val_if_fail (location != NULL, NULL);

  return _vdi_farm_is_pg_uri (location) ? _vdi_farm_pg_display (location) : g_strdup (location);
}

/**
 * vdi_farm_dup_agent_bus_name:
 *
 * Returns: the name a vdictl agent of the farm at @location owns on the session bus while it
 *   runs, so that a console on the same farm can tell one is there: a hash of the location,
 *   as bus names allow only letters, digits and underscores.
 */
char *
vdi_farm_dup_agent_bus_name (const char *location)
{
  g_autofree char *digest = NULL;

  g_return_val_if_fail (location != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, location, -1);
  digest[24] = '\0';
  return g_strconcat ("io.github.vdiconsole.Agent.f", digest, NULL);
}
