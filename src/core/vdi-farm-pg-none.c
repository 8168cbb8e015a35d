/* vdi-farm-pg-none.c: a build without PostgreSQL support (no libpq) says so.
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

#include <glib/gi18n-lib.h>

#include "vdi-farm-lock.h"
#include "vdi-farm-pg.h"
#include "vdi-farm-private.h"

static gboolean
set_unsupported (GError     **error,
                 GQuark       domain,
                 int          code,
                 const char  *uri)
{
  g_autofree char *display = _vdi_farm_pg_display (uri);

  g_set_error (error, domain, code,
               _("Cannot open the farm database “%s”: this build of VDI Console has no "
                 "PostgreSQL support"), display);
  return FALSE;
}

static VdiFarmContents *
none_read (const char    *uri,
           GCancellable  *cancellable,
           GError       **error)
{
  set_unsupported (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO, uri);
  return NULL;
}

static gboolean
none_write (const char  *uri,
            GPtrArray   *providers,
            GPtrArray   *templates,
            GPtrArray   *removed,
            GPtrArray   *removed_providers,
            GError     **error)
{
  return set_unsupported (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO, uri);
}

static gboolean
none_changes (const char      *uri,
              VdiFarmFollow   *follow,
              VdiFarmChanges **changes,
              GError         **error)
{
  *changes = NULL;
  return set_unsupported (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO, uri);
}

static void
none_close (gpointer conn)
{
}

const VdiFarmRowStore _vdi_farm_pg_store = {
  none_read,
  none_write,
  none_changes,
  none_close,
  FALSE,
};

gboolean
vdi_farm_store_database_password (const char  *location,
                                  const char  *password,
                                  GError     **error)
{
  g_return_val_if_fail (location != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  return set_unsupported (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO, location);
}

gpointer
_vdi_farm_pg_lock_take (const char  *uri,
                        GError     **error)
{
  set_unsupported (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED, uri);
  return NULL;
}

void
_vdi_farm_pg_lock_drop (gpointer session)
{
}

gboolean
_vdi_farm_pg_lock_check (gpointer   session,
                         GError   **error)
{
  return TRUE;
}

gboolean
_vdi_farm_pg_lock_query (const char  *uri,
                         char       **program,
                         GPid        *pid)
{
  return FALSE;
}
