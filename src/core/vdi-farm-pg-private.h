/* vdi-farm-pg-private.h: connecting to a farm kept in PostgreSQL, shared by the store
 * (vdi-farm-pg.c) and its lock (vdi-farm-pg-lock.c); built only with libpq.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpq-fe.h>

#include "vdi-farm-pg.h"

G_BEGIN_DECLS

PGconn             *_vdi_farm_pg_connect              (const char         *uri,
                                                       const char         *application_name,
                                                       GError            **error);
char               *_vdi_farm_pg_message              (PGconn             *conn,
                                                       PGresult           *result);
gboolean            _vdi_farm_pg_migrate              (PGconn             *conn,
                                                       const char         *uri,
                                                       GError            **error);
void                _vdi_farm_pg_set_writer_token     (const char         *uri,
                                                       const char         *token);
char               *_vdi_farm_pg_dup_writer_token     (const char         *uri);
char               *_vdi_farm_pg_describe_holder      (const char         *name);

G_END_DECLS
