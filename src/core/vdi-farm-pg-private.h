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

G_END_DECLS
