/* vdi-test-pg.h: a throwaway PostgreSQL server for tests, on a Unix socket in a temp folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VdiTestPg VdiTestPg;

/* Starts a server (initdb, then postgres with no TCP port), or returns %NULL after
 * g_test_skip() when PostgreSQL is not installed. @hba_lines (nullable) go into pg_hba.conf
 * before the line trusting every local connection. Run as root, the server runs as the
 * `postgres` user. The server stops and its folder goes when vdi_test_pg_stop() is called or
 * when the test process ends in any way, an assertion included. */
VdiTestPg          *vdi_test_pg_start                 (const char         *hba_lines);
/* @durable: fsync on, for figures; the tests run without, as they never crash the server */
VdiTestPg          *vdi_test_pg_start_full            (const char         *hba_lines,
                                                       gboolean            durable);
void                vdi_test_pg_stop                  (VdiTestPg          *pg);
/* A new database, and the URI a farm names it by (user postgres, trusted). */
char               *vdi_test_pg_create_database       (VdiTestPg          *pg,
                                                       const char         *name);
/* Runs SQL as the superuser in the database @name. */
void                vdi_test_pg_exec                  (VdiTestPg          *pg,
                                                       const char         *name,
                                                       const char         *sql);
/* The first column of the first row SQL returns, as text. */
char               *vdi_test_pg_query                 (VdiTestPg          *pg,
                                                       const char         *name,
                                                       const char         *sql);
const char         *vdi_test_pg_get_dir               (VdiTestPg          *pg);
char               *vdi_test_pg_uri                   (VdiTestPg          *pg,
                                                       const char         *user,
                                                       const char         *name);
/* Runs the build's vdictl ($VDICTL) with the arguments (ending with %NULL) and @input
 * (nullable) on its standard input; returns its exit status, and its standard error in @err. */
int                 vdi_test_run_vdictl               (const char         *input,
                                                       char              **err,
                                                       ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
