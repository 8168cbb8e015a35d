/* vdi-test-pg.c: a throwaway PostgreSQL server for tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The server runs under a shell that waits on a pipe from the test: when the pipe closes (the
 * test stops the server, or the test process ends in any way, an abort included) the shell
 * stops the server and removes its folder. initdb and postgres refuse to run as root, so a test
 * run as root (CI) runs them as the `postgres` user, which owns the folder; root connects
 * through the socket all the same. */

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "vdi-test-farm.h"
#include "vdi-test-pg.h"

#if HAVE_LIBPQ

#include <libpq-fe.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define START_TIMEOUT_S 120

struct _VdiTestPg
{
  char          *dir;
  GSubprocess   *guard;
  GOutputStream *pipe;
};

static const char *
bin_dir (void)
{
  const char *dir = g_getenv ("VDI_TEST_PG_BIN");

  return dir != NULL ? dir : PG_BIN;
}

/* The command prefix that runs a server program as `postgres` when we are root. */
static void
add_run_as (GPtrArray *argv)
{
  if (geteuid () != 0)
    return;
  g_ptr_array_add (argv, g_strdup ("setpriv"));
  g_ptr_array_add (argv, g_strdup ("--reuid=postgres"));
  g_ptr_array_add (argv, g_strdup ("--regid=postgres"));
  g_ptr_array_add (argv, g_strdup ("--clear-groups"));
  g_ptr_array_add (argv, g_strdup ("--"));
}

static void
init_cluster (VdiTestPg  *pg,
              const char *hba_lines)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = g_build_filename (pg->dir, "data", NULL);
  g_autofree char *hba = g_build_filename (data, "pg_hba.conf", NULL);
  g_autofree char *hba_text = g_strconcat (hba_lines != NULL ? hba_lines : "",
                                           "local all all trust\n", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  add_run_as (argv);
  g_ptr_array_add (argv, g_build_filename (bin_dir (), "initdb", NULL));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (data));
  g_ptr_array_add (argv, g_strdup ("-A"));
  g_ptr_array_add (argv, g_strdup ("trust"));
  g_ptr_array_add (argv, g_strdup ("-U"));
  g_ptr_array_add (argv, g_strdup ("postgres"));
  g_ptr_array_add (argv, g_strdup ("-E"));
  g_ptr_array_add (argv, g_strdup ("UTF8"));
  g_ptr_array_add (argv, g_strdup ("--no-locale"));
  g_ptr_array_add (argv, g_strdup ("--no-sync"));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (pg->dir, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      vdi_test_rm_rf (pg->dir);
      g_error ("initdb failed: %s\n%s%s", error->message, out != NULL ? out : "",
               err != NULL ? err : "");
    }

  /* Written as whoever we are, readable by the server. */
  if (!g_file_set_contents_full (hba, hba_text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    g_error ("%s", error->message);
}

static void
start_server (VdiTestPg *pg,
              gboolean   durable)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup ("sh"));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (
    "dir=$1; shift; \"$@\" </dev/null >>\"$dir/server.log\" 2>&1 & pid=$!; "
    "read -r _; kill -INT $pid 2>/dev/null; wait $pid; rm -rf \"$dir\""));
  g_ptr_array_add (argv, g_strdup ("sh"));
  g_ptr_array_add (argv, g_strdup (pg->dir));
  add_run_as (argv);
  g_ptr_array_add (argv, g_build_filename (bin_dir (), "postgres", NULL));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_build_filename (pg->dir, "data", NULL));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("listen_addresses="));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup_printf ("unix_socket_directories=%s", pg->dir));
  /* The tests kill clients, never the server or the machine; figures want the real cost. */
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (durable ? "fsync=on" : "fsync=off"));
  g_ptr_array_add (argv, NULL);

  pg->guard = g_subprocess_newv ((const char * const *)argv->pdata, G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                 &error);
  g_assert_no_error (error);
  pg->pipe = g_object_ref (g_subprocess_get_stdin_pipe (pg->guard));
}

char *
vdi_test_pg_uri (VdiTestPg  *pg,
                 const char *user,
                 const char *name)
{
  g_autofree char *host = g_uri_escape_string (pg->dir, NULL, FALSE);

  return g_strdup_printf ("postgresql://%s@/%s?host=%s", user, name, host);
}

static void
wait_ready (VdiTestPg *pg)
{
  g_autofree char *uri = vdi_test_pg_uri (pg, "postgres", "postgres");
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_TIME_SPAN_SECOND;

  g_autofree char *log_path = g_build_filename (pg->dir, "server.log", NULL);

  while (PQping (uri) != PQPING_OK)
    {
      g_autofree char *log = NULL;

      g_file_get_contents (log_path, &log, NULL, NULL);
      /* A server that gave up says so in its log; waiting longer would not help. */
      if (log != NULL && strstr (log, "database system is shut down") != NULL)
        g_error ("PostgreSQL did not start:\n%s", log);
      if (g_get_monotonic_time () > deadline)
        g_error ("PostgreSQL did not start within %d s:\n%s", START_TIMEOUT_S,
                 log != NULL ? log : "(no log)");
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}

VdiTestPg *
vdi_test_pg_start_full (const char *hba_lines,
                        gboolean    durable)
{
  g_autofree char *initdb = g_build_filename (bin_dir (), "initdb", NULL);
  g_autofree char *postgres = g_build_filename (bin_dir (), "postgres", NULL);
  g_autoptr(GError) error = NULL;
  VdiTestPg *pg;

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (postgres, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *message = g_strdup_printf ("PostgreSQL 15 is not installed (no %s); "
                                                   "install the Debian package postgresql",
                                                   initdb);

      g_test_skip (message);
      return NULL;
    }

  pg = g_new0 (VdiTestPg, 1);
  pg->dir = g_dir_make_tmp ("vdi-test-pg-XXXXXX", &error);
  g_assert_no_error (error);

  if (geteuid () == 0)
    {
      struct passwd *user = getpwnam ("postgres");

      if (user == NULL)
        g_error ("run as root, the tests need the user postgres to run PostgreSQL");
      if (chown (pg->dir, user->pw_uid, user->pw_gid) != 0)
        g_error ("could not give %s to postgres: %s", pg->dir, g_strerror (errno));
    }

  init_cluster (pg, hba_lines);
  start_server (pg, durable);
  wait_ready (pg);
  return pg;
}

/* Closing the pipe tells the guard shell to stop the server and remove the folder. */
void
vdi_test_pg_stop (VdiTestPg *pg)
{
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;

  g_output_stream_close (pg->pipe, NULL, NULL);
  g_subprocess_wait (pg->guard, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (pg->dir, G_FILE_TEST_EXISTS));

  g_clear_object (&pg->pipe);
  g_clear_object (&pg->guard);
  g_free (pg->dir);
  g_free (pg);
}

const char *
vdi_test_pg_get_dir (VdiTestPg *pg)
{
  return pg->dir;
}

/* The result of @sql run as the superuser in the database @name; any error ends the test. */
static PGresult *
run_sql (VdiTestPg  *pg,
         const char *name,
         const char *sql)
{
  g_autofree char *uri = vdi_test_pg_uri (pg, "postgres", name);
  PGconn *conn = PQconnectdb (uri);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("could not connect to %s: %s", uri, PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQfinish (conn);
  return result;
}

void
vdi_test_pg_exec (VdiTestPg  *pg,
                  const char *name,
                  const char *sql)
{
  PQclear (run_sql (pg, name, sql));
}

char *
vdi_test_pg_query (VdiTestPg  *pg,
                   const char *name,
                   const char *sql)
{
  PGresult *result = run_sql (pg, name, sql);
  char *value;

  if (PQntuples (result) < 1)
    g_error ("%s: no row", sql);
  value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

char *
vdi_test_pg_create_database (VdiTestPg  *pg,
                             const char *name)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s;", name);

  vdi_test_pg_exec (pg, "postgres", sql);
  return vdi_test_pg_uri (pg, "postgres", name);
}

#else /* !HAVE_LIBPQ */

/* A build without PostgreSQL support: every shared farm test skips, saying so. */
VdiTestPg *
vdi_test_pg_start_full (const char *hba_lines,
                        gboolean    durable)
{
  g_test_skip ("this build has no PostgreSQL support (configure with -Dpostgresql=enabled)");
  return NULL;
}

void
vdi_test_pg_stop (VdiTestPg *pg)
{
  g_assert_null (pg);
}

char *
vdi_test_pg_create_database (VdiTestPg  *pg,
                             const char *name)
{
  g_assert_not_reached ();
}

void
vdi_test_pg_exec (VdiTestPg  *pg,
                  const char *name,
                  const char *sql)
{
  g_assert_not_reached ();
}

char *
vdi_test_pg_query (VdiTestPg  *pg,
                   const char *name,
                   const char *sql)
{
  g_assert_not_reached ();
}

const char *
vdi_test_pg_get_dir (VdiTestPg *pg)
{
  g_assert_not_reached ();
}

char *
vdi_test_pg_uri (VdiTestPg  *pg,
                 const char *user,
                 const char *name)
{
  g_assert_not_reached ();
}

#endif /* HAVE_LIBPQ */

VdiTestPg *
vdi_test_pg_start (const char *hba_lines)
{
  return vdi_test_pg_start_full (hba_lines, FALSE);
}

/**
 * vdi_test_run_vdictl:
 * @input: (nullable): what vdictl reads on its standard input
 * @err: (out): what it wrote on its standard error
 * @...: its arguments, ending with %NULL
 *
 * Runs $VDICTL (the build's vdictl, which meson passes to the tests that need it).
 *
 * Returns: its exit status
 */
int
vdi_test_run_vdictl (const char  *input,
                     char       **err,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *vdictl = g_getenv ("VDICTL");
  const char *arg;
  va_list args;

  g_assert_nonnull (vdictl);
  g_ptr_array_add (argv, (char *)vdictl);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}
