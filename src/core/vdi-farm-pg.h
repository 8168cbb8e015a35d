/* vdi-farm-pg.h: connecting to a farm kept in PostgreSQL, shared by the store
 * (vdi-farm-pg.c) and the farm lock (vdi-farm-lock.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpq-fe.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* The farm lock is a session advisory lock on (VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_FARM);
 * migrations serialize on (VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_SCHEMA) for a transaction.
 * Advisory locks are per database, so one constant pair names "this database's farm". */
#define VDI_FARM_PG_LOCK_CLASS  1447315782 /* "VDIF" */
#define VDI_FARM_PG_LOCK_FARM   1
#define VDI_FARM_PG_LOCK_SCHEMA 2

gboolean            _vdi_farm_is_pg_uri               (const char         *location);
char               *_vdi_farm_pg_display              (const char         *uri);
PGconn             *_vdi_farm_pg_connect              (const char         *uri,
                                                       const char         *application_name,
                                                       GError            **error);
char               *_vdi_farm_pg_message              (PGconn             *conn,
                                                       PGresult           *result);

G_END_DECLS
