/* vdi-farm-pg.h: farms in PostgreSQL, as the rest of the core sees them (no libpq here: a
 * build without PostgreSQL support has the same functions, saying it has none).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The farm lock is a session advisory lock on (VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_FARM);
 * migrations serialize on (VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_SCHEMA) for a transaction.
 * Advisory locks are per database, so one constant pair names "this database's farm". */
#define VDI_FARM_PG_LOCK_CLASS  1447315782 /* "VDIF" */
#define VDI_FARM_PG_LOCK_FARM   1
#define VDI_FARM_PG_LOCK_SCHEMA 2

/* vdi-farm-location.c */
gboolean            _vdi_farm_is_pg_uri               (const char         *location);
char               *_vdi_farm_pg_display              (const char         *uri);

/* vdi-farm-pg-lock.c, or vdi-farm-pg-none.c */
gpointer            _vdi_farm_pg_lock_take            (const char         *uri,
                                                       GError            **error);
void                _vdi_farm_pg_lock_drop            (gpointer            session);
gboolean            _vdi_farm_pg_lock_check           (gpointer            session,
                                                       GError            **error);
gboolean            _vdi_farm_pg_lock_query           (const char         *uri,
                                                       char              **program,
                                                       GPid               *pid);

G_END_DECLS
