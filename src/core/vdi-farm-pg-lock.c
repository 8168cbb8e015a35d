/* vdi-farm-pg-lock.c: the farm lock of a farm in PostgreSQL, a session advisory lock.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The lock is held by a session the VdiFarmLock keeps open: the server releases it when the
 * session ends, the process killed included, so it is never stale. The holder's session is
 * named PROGRAM/PID, which the next taker reads from pg_stat_activity (visible to every role):
 * the database's counterpart of the lock file's line. */

#include "config.h"

#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "vdi-farm-lock.h"
#include "vdi-farm-pg-private.h"
#include "vdi-farm-private.h"

typedef struct
{
  GMutex  mutex;   /* a check runs in a worker; a release on the main thread */
  PGconn *conn;
  char   *uri;
} Session;

/* The lock taken, the farm is this process's to write: a new token in farm_writer, which
 * every save of this process checks (vdi-farm-pg.c). Another process that held the lock
 * before and lost it can no longer save. */
static gboolean
claim (PGconn      *conn,
       const char  *uri,
       const char  *name,
       GError     **error)
{
  g_autofree char *token = g_uuid_string_random ();
  const char *values[2] = { token, name };
  PGresult *result;

  if (!_vdi_farm_pg_migrate (conn, uri, error))
    return FALSE;
  result = PQexecParams (conn,
                         "INSERT INTO farm_writer (id, token, holder) VALUES (1, $1, $2) "
                         "ON CONFLICT (id) DO UPDATE SET token = excluded.token, "
                         "holder = excluded.holder, since = now ();",
                         2, NULL, values, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      g_autofree char *message = _vdi_farm_pg_message (conn, result);

      PQclear (result);
      g_set_error_literal (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED, message);
      return FALSE;
    }
  PQclear (result);
  _vdi_farm_pg_set_writer_token (uri, token);
  return TRUE;
}

/* The session name ("PROGRAM/PID") of the session that holds the farm's lock, or %NULL when
 * none does. */
static char *
read_holder_name (PGconn *conn)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
    "(SELECT oid FROM pg_database WHERE datname = current_database ()) "
    "AND l.classid = %d AND l.objid = %d AND l.objsubid = 2;",
    VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_FARM);
  PGresult *result = PQexec (conn, sql);
  char *name = NULL;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0)
    name = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return name;
}

static gboolean
read_holder (PGconn  *conn,
             char   **program,
             GPid    *pid)
{
  g_autofree char *name = read_holder_name (conn);

  _vdi_farm_parse_holder (name != NULL ? name : "", program, pid);
  return name != NULL;
}

/**
 * _vdi_farm_pg_lock_take:
 *
 * Returns: (transfer full) (nullable): the session holding the farm's lock, for
 *   _vdi_farm_pg_lock_drop(); %NULL with VDI_FARM_LOCK_ERROR_HELD when another session holds
 *   it, naming its holder. Taking it makes this process the farm's writer (claim()).
 */
gpointer
_vdi_farm_pg_lock_take (const char  *uri,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = _vdi_farm_pg_display (uri);
  g_autofree char *name = g_strdup_printf ("%s/%d", g_get_prgname () != NULL ? g_get_prgname ()
                                                                             : "unknown",
                                           (int)getpid ());
  g_autofree char *sql = g_strdup_printf ("SELECT pg_try_advisory_lock (%d, %d);",
                                          VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_FARM);
  PGconn *conn = _vdi_farm_pg_connect (uri, name, &local_error);
  PGresult *result;
  gboolean taken;

  if (conn == NULL)
    {
      g_set_error_literal (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                           local_error->message);
      return NULL;
    }

  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      g_autofree char *message = _vdi_farm_pg_message (conn, result);

      PQclear (result);
      PQfinish (conn);
      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                   _("Could not lock the farm in %s: %s"), display, message);
      return NULL;
    }
  taken = g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);

  if (taken)
    {
      g_autoptr(GError) claim_error = NULL;

      if (!claim (conn, uri, name, &claim_error))
        {
          PQfinish (conn);
          g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                       _("Could not lock the farm in %s: %s"), display, claim_error->message);
          return NULL;
        }
      {
        Session *session = g_new0 (Session, 1);

        g_mutex_init (&session->mutex);
        session->conn = conn;
        session->uri = g_strdup (uri);
        return session;
      }
    }
  else
    {
      g_autofree char *program = NULL;
      GPid pid = 0;

      if (read_holder (conn, &program, &pid) && program != NULL && pid > 0)
        g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD,
                     _("The farm is in use by %s (process %d)"), program, (int)pid);
      else
        g_set_error_literal (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD,
                             _("The farm is in use by another program"));
      PQfinish (conn);
      return NULL;
    }
}

/* Ending the session would end its advisory locks too, but only once the server has seen the
 * session go: unlocking first means the next taker finds the lock free as soon as this
 * returns. */
void
_vdi_farm_pg_lock_drop (gpointer data)
{
  Session *session = data;

  g_mutex_lock (&session->mutex);
  _vdi_farm_pg_set_writer_token (session->uri, NULL);
  if (session->conn != NULL)
    {
      PQclear (PQexec (session->conn, "SELECT pg_advisory_unlock_all ();"));
      PQfinish (session->conn);
    }
  g_mutex_unlock (&session->mutex);
  g_mutex_clear (&session->mutex);
  g_free (session->uri);
  g_free (session);
}

/* Whether farm_writer still names this process: nobody took the farm since it wrote there. */
static gboolean
still_ours (PGconn     *conn,
            const char *token,
            char      **holder)
{
  const char *values[1] = { token };
  PGresult *result = PQexecParams (conn,
                                   "SELECT token = $1, holder FROM farm_writer WHERE id = 1;",
                                   1, NULL, values, NULL, NULL, 0);
  gboolean ours = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1 &&
                  g_str_equal (PQgetvalue (result, 0, 0), "t");

  if (!ours && holder != NULL && PQresultStatus (result) == PGRES_TUPLES_OK &&
      PQntuples (result) == 1)
    *holder = g_strdup (PQgetvalue (result, 0, 1));
  PQclear (result);
  return ours;
}

/**
 * _vdi_farm_pg_lock_check:
 *
 * Makes sure the session still holds the lock. One the server ended (a restart, a dropped
 * network) is opened again and takes the lock again, provided no other process took the farm
 * meanwhile: its token in farm_writer is still this process's. Blocking.
 *
 * Returns: %FALSE with %VDI_FARM_LOCK_ERROR_HELD naming the process that has the farm now (or
 *   had it since), or %VDI_FARM_LOCK_ERROR_FAILED when the server cannot be reached (try again)
 */
gboolean
_vdi_farm_pg_lock_check (gpointer   data,
                         GError   **error)
{
  Session *session = data;
  g_autofree char *token = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = FALSE;
  PGconn *conn;
  PGresult *result;

  g_mutex_lock (&session->mutex);
  if (session->conn != NULL && PQstatus (session->conn) == CONNECTION_OK)
    {
      result = PQexec (session->conn, "SELECT 1;");
      ok = PQresultStatus (result) == PGRES_TUPLES_OK;
      PQclear (result);
      if (ok)
        goto out;
    }
  g_clear_pointer (&session->conn, PQfinish);

  token = _vdi_farm_pg_dup_writer_token (session->uri);
  name = g_strdup_printf ("%s/%d", g_get_prgname () != NULL ? g_get_prgname () : "unknown",
                          (int)getpid ());
  conn = _vdi_farm_pg_connect (session->uri, name, &local_error);
  if (conn == NULL)
    {
      g_set_error_literal (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                           local_error->message);
      goto out;
    }
  sql = g_strdup_printf ("SELECT pg_try_advisory_lock (%d, %d);", VDI_FARM_PG_LOCK_CLASS,
                         VDI_FARM_PG_LOCK_FARM);
  result = PQexec (conn, sql);
  ok = PQresultStatus (result) == PGRES_TUPLES_OK && g_str_equal (PQgetvalue (result, 0, 0), "t");
  PQclear (result);
  if (!ok || token == NULL || !still_ours (conn, token, &holder))
    {
      g_autofree char *who = NULL;

      /* Whoever holds the lock now, or last wrote to farm_writer. */
      if (!ok)
        {
          g_free (holder);
          holder = read_holder_name (conn);
        }
      who = _vdi_farm_pg_describe_holder (holder);
      PQfinish (conn);
      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD,
                   _("%s took the farm over after this process lost its connection to the "
                     "database"), who);
      ok = FALSE;
      goto out;
    }
  session->conn = conn;
  ok = TRUE;

out:
  g_mutex_unlock (&session->mutex);
  return ok;
}

gboolean
_vdi_farm_pg_lock_query (const char  *uri,
                         char       **program,
                         GPid        *pid)
{
  PGconn *conn = _vdi_farm_pg_connect (uri, NULL, NULL);
  gboolean held;

  if (conn == NULL)
    return FALSE;
  held = read_holder (conn, program, pid);
  PQfinish (conn);
  return held;
}
