/* vdi-farm-pg.c: a farm kept in a PostgreSQL database (libpq), shared by a team.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The same schema as the SQLite store (vdi-farm-sqlite.c): a row per provider and template
 * holding its JSON object, foreign keys for the providers a template uses, a row version bumped
 * on every change, and a save writing only the rows that changed, in one transaction. The
 * schema version lives in the table farm_schema, as SQLite keeps it in user_version.
 *
 * The location is a libpq URI (postgresql://USER@HOST/DB?sslmode=…), passed to libpq as it is.
 * When it holds no password and the server asks for one, the password comes from the Secret
 * Service (VdiCredentials), keyed by the URI without a password; it never goes to a file or a
 * message. Loads and saves run in worker threads, each on a connection of its own, which waits
 * for the next one when it is done (see Sessions). */

#include "config.h"

#include <errno.h>
#include <poll.h>

#include <glib/gi18n-lib.h>

#include "vdi-credentials.h"
#include "vdi-farm-pg-private.h"
#include "vdi-farm-private.h"

/* What farm_check_writer raises when another process holds the farm now (a class of codes
 * left to implementations). */
#define FENCED_SQLSTATE "VF001"
/* What a save's functions raise for a change based on an older version of a row. */
#define STALE_SQLSTATE "VF002"

/* Ordered migration steps: step i takes a database from version i to i + 1. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE providers ("
  "  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  auth TEXT,"
  "  row_version BIGINT NOT NULL DEFAULT 1,"
  "  doc TEXT NOT NULL);"
  "CREATE TABLE templates ("
  "  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  source_provider TEXT NOT NULL REFERENCES providers (id),"
  "  relay INTEGER NOT NULL DEFAULT 0,"
  "  row_version BIGINT NOT NULL DEFAULT 1,"
  "  doc TEXT NOT NULL);"
  "CREATE TABLE targets ("
  "  template_id TEXT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,"
  "  provider_id TEXT NOT NULL REFERENCES providers (id),"
  "  fed_from TEXT,"
  "  PRIMARY KEY (template_id, provider_id));"
  "CREATE INDEX targets_provider ON targets (provider_id);",
  /* 1 → 2: the process that holds the farm's lock, by a token it writes when it takes it.
   * Every save of a lock holder checks its token first (farm_check_writer), so a process whose
   * lock session ended (the server restarted, the network dropped) and whose lock another
   * process then took can never write over that process's farm. */
  "CREATE TABLE farm_writer ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  token TEXT NOT NULL,"
  "  holder TEXT NOT NULL,"
  "  since TIMESTAMPTZ NOT NULL DEFAULT now ());"
  "CREATE PROCEDURE farm_check_writer (mine TEXT) LANGUAGE plpgsql AS $$"
  "DECLARE current_token TEXT; current_holder TEXT;"
  "BEGIN"
  "  SELECT token, holder INTO current_token, current_holder FROM farm_writer WHERE id = 1"
  "    FOR SHARE;"
  "  IF current_token IS DISTINCT FROM mine THEN"
  "    RAISE EXCEPTION USING ERRCODE = '" FENCED_SQLSTATE "', MESSAGE = 'farm taken over',"
  "      DETAIL = coalesce (current_holder, '');"
  "  END IF;"
  "END $$;",
  /* 2 → 3: who changed each row and when, so that a change based on an older version of a row
   * is refused saying so (STALE_SQLSTATE, the row's id as its detail); the same of rows
   * deleted. A row's version goes up only when its document changes. */
  "ALTER TABLE providers ADD COLUMN changed_by TEXT, ADD COLUMN changed_program TEXT,"
  "  ADD COLUMN changed_at BIGINT;"
  "ALTER TABLE templates ADD COLUMN changed_by TEXT, ADD COLUMN changed_program TEXT,"
  "  ADD COLUMN changed_at BIGINT;"
  "CREATE TABLE removed_rows ("
  "  id TEXT PRIMARY KEY,"
  "  changed_by TEXT NOT NULL,"
  "  changed_program TEXT NOT NULL,"
  "  changed_at BIGINT NOT NULL);"
  "CREATE FUNCTION farm_put_provider (p_id TEXT, p_name TEXT, p_base BIGINT, p_by TEXT,"
  "  p_program TEXT, p_doc TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
  "DECLARE cur BIGINT; same BOOLEAN;"
  "BEGIN"
  "  SELECT row_version, doc = p_doc INTO cur, same FROM providers WHERE id = p_id FOR UPDATE;"
  "  IF NOT FOUND AND p_base = 0 THEN"
  "    INSERT INTO providers (id, name, doc, changed_by, changed_program, changed_at)"
  "      VALUES (p_id, p_name, p_doc, p_by, p_program, extract (epoch FROM now ())::bigint);"
  "    RETURN 1;"
  "  ELSIF FOUND AND same THEN"
  "    RETURN cur;"
  "  ELSIF NOT FOUND OR p_base = 0 OR cur <> p_base THEN"
  "    RAISE EXCEPTION USING ERRCODE = '" STALE_SQLSTATE "', MESSAGE = 'stale provider',"
  "      DETAIL = p_id;"
  "  END IF;"
  "  UPDATE providers SET name = p_name, doc = p_doc, changed_by = p_by,"
  "    changed_program = p_program, changed_at = extract (epoch FROM now ())::bigint,"
  "    row_version = cur + 1 WHERE id = p_id;"
  "  RETURN cur + 1;"
  "END $$;"
  "CREATE FUNCTION farm_put_template (p_id TEXT, p_name TEXT, p_base BIGINT, p_by TEXT,"
  "  p_program TEXT, p_source TEXT, p_doc TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
  "DECLARE cur BIGINT; same BOOLEAN;"
  "BEGIN"
  "  SELECT row_version, doc = p_doc INTO cur, same FROM templates WHERE id = p_id FOR UPDATE;"
  "  IF NOT FOUND AND p_base = 0 THEN"
  "    INSERT INTO templates (id, name, source_provider, doc, changed_by, changed_program,"
  "      changed_at) VALUES (p_id, p_name, p_source, p_doc, p_by, p_program,"
  "      extract (epoch FROM now ())::bigint);"
  "    RETURN 1;"
  "  ELSIF FOUND AND same THEN"
  "    RETURN cur;"
  "  ELSIF NOT FOUND OR p_base = 0 OR cur <> p_base THEN"
  "    RAISE EXCEPTION USING ERRCODE = '" STALE_SQLSTATE "', MESSAGE = 'stale template',"
  "      DETAIL = p_id;"
  "  END IF;"
  "  UPDATE templates SET name = p_name, source_provider = p_source, doc = p_doc,"
  "    changed_by = p_by, changed_program = p_program,"
  "    changed_at = extract (epoch FROM now ())::bigint, row_version = cur + 1 WHERE id = p_id;"
  "  RETURN cur + 1;"
  "END $$;"
  "CREATE FUNCTION farm_delete_row (p_table TEXT, p_id TEXT, p_base BIGINT, p_by TEXT,"
  "  p_program TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
  "DECLARE cur BIGINT;"
  "BEGIN"
  "  EXECUTE format ('SELECT row_version FROM %I WHERE id = $1 FOR UPDATE', p_table)"
  "    INTO cur USING p_id;"
  "  IF cur IS NULL THEN"
  "    RETURN 0;"
  "  ELSIF cur <> p_base THEN"
  "    RAISE EXCEPTION USING ERRCODE = '" STALE_SQLSTATE "',"
  "      MESSAGE = 'stale ' || rtrim (p_table, 's'), DETAIL = p_id;"
  "  END IF;"
  "  EXECUTE format ('DELETE FROM %I WHERE id = $1', p_table) USING p_id;"
  "  INSERT INTO removed_rows VALUES (p_id, p_by, p_program,"
  "    extract (epoch FROM now ())::bigint)"
  "    ON CONFLICT (id) DO UPDATE SET changed_by = excluded.changed_by,"
  "    changed_program = excluded.changed_program, changed_at = excluded.changed_at;"
  "  RETURN 0;"
  "END $$;",
};

#define SCHEMA_VERSION ((int)G_N_ELEMENTS (migrations))

/* The channel a save notifies and followers listen on; a database holds one farm. */
#define FOLLOW_CHANNEL "vdi_farm_changed"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static gboolean
uri_has_password (const char *uri)
{
  PQconninfoOption *options = PQconninfoParse (uri, NULL);
  gboolean found = FALSE;

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, "password") && o->val != NULL && o->val[0] != '\0')
      found = TRUE;
  PQconninfoFree (options);
  return found;
}

/* libpq's message, or the server's for @result, on one line. */
char *
_vdi_farm_pg_message (PGconn   *conn,
                      PGresult *result)
{
  const char *message = result != NULL ? PQresultErrorMessage (result) : PQerrorMessage (conn);
  char *copy = g_strdup (message != NULL && message[0] != '\0' ? message : _("unknown error"));

  return g_strstrip (g_strdelimit (copy, "\n\t", ' '));
}

static PGconn *
connect_with (const char *uri,
              const char *application_name,
              const char *password)
{
  const char *keys[5];
  const char *values[5];
  guint n = 0;

  /* With expand_dbname the URI is read first and the keys after it override it. */
  keys[n] = "dbname"; values[n++] = uri;
  keys[n] = "client_encoding"; values[n++] = "UTF8";
  if (application_name != NULL)
    {
      keys[n] = "application_name";
      values[n++] = application_name;
    }
  else
    {
      keys[n] = "fallback_application_name";
      values[n++] = g_get_prgname () != NULL ? g_get_prgname () : "vdi-console";
    }
  if (password != NULL)
    {
      keys[n] = "password";
      values[n++] = password;
    }
  keys[n] = NULL;
  values[n] = NULL;
  return PQconnectdbParams (keys, values, 1);
}

/**
 * _vdi_farm_pg_connect:
 * @application_name: (nullable): what the server shows for this session, or %NULL for the
 *   program's name
 *
 * Connects to the farm database, with the password from the Secret Service when the server
 * asks for one the URI does not hold.
 */
PGconn *
_vdi_farm_pg_connect (const char  *uri,
                      const char  *application_name,
                      GError     **error)
{
  g_autofree char *display = _vdi_farm_pg_display (uri);
  g_autoptr(PGconn) conn = connect_with (uri, application_name, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VdiSecret) password = NULL;
  g_autofree char *message = NULL;

  if (PQstatus (conn) == CONNECTION_OK)
    return g_steal_pointer (&conn);

  if (!PQconnectionNeedsPassword (conn) || uri_has_password (uri))
    {
      message = _vdi_farm_pg_message (conn, NULL);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not connect to the farm database “%s”: %s"), display, message);
      return NULL;
    }

  password = vdi_credentials_lookup_sync (vdi_credentials_get_default (), display, NULL,
                                          &local_error);
  if (password == NULL && local_error != NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the password of the farm database “%s”: %s"), display,
                   local_error->message);
      return NULL;
    }
  if (password == NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm database “%s” asks for a password, and none is stored for it; "
                     "store it with: vdictl farm password '%s'"),
                   display, display);
      return NULL;
    }

  g_clear_pointer (&conn, PQfinish);
  conn = connect_with (uri, application_name, password);
  if (PQstatus (conn) != CONNECTION_OK)
    {
      message = _vdi_farm_pg_message (conn, NULL);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not connect to the farm database “%s”: %s"), display, message);
      return NULL;
    }
  return g_steal_pointer (&conn);
}

/**
 * vdi_farm_store_database_password:
 * @location: a postgresql:// farm location without a password
 *
 * Keeps the password of a farm database in the Secret Service, blocking: `vdictl farm
 * password`. The console and vdictl take it from there when the server asks for one.
 */
gboolean
vdi_farm_store_database_password (const char  *location,
                                  const char  *password,
                                  GError     **error)
{
  g_autofree char *display = NULL;

  g_return_val_if_fail (location != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!_vdi_farm_is_pg_uri (location))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("“%s” is not a farm database; it starts with postgresql://"), location);
      return FALSE;
    }
  display = _vdi_farm_pg_display (location);
  if (uri_has_password (location))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Give the farm database as “%s”, without its password"), display);
      return FALSE;
    }
  return vdi_credentials_store_sync (vdi_credentials_get_default (), display, display, password,
                                     NULL, error);
}

/* Statements ---------------------------------------------------------------------------------- */

static gboolean
db_error (PGconn      *conn,
          PGresult    *result,
          const char  *uri,
          GError     **error)
{
  g_autofree char *display = _vdi_farm_pg_display (uri);
  g_autofree char *message = _vdi_farm_pg_message (conn, result);

  g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
               _("Could not use the farm database “%s”: %s"), display, message);
  return FALSE;
}

static gboolean
exec (PGconn      *conn,
      const char  *uri,
      const char  *sql,
      GError     **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    return db_error (conn, result, uri, error);
  return TRUE;
}

/* The schema version, 0 for a database that holds no farm yet. Runs inside a transaction. */
static gboolean
get_version (PGconn      *conn,
             const char  *uri,
             int         *version,
             GError     **error)
{
  g_autoptr(PGresult) exists = PQexec (conn, "SELECT to_regclass ('farm_schema') IS NOT NULL;");
  g_autoptr(PGresult) result = NULL;
  g_autofree char *display = NULL;

  if (PQresultStatus (exists) != PGRES_TUPLES_OK)
    return db_error (conn, exists, uri, error);
  *version = 0;
  if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
    return TRUE;

  result = PQexec (conn, "SELECT coalesce (max (version), 0) FROM farm_schema;");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    return db_error (conn, result, uri, error);
  *version = atoi (PQgetvalue (result, 0, 0));

  if (*version > SCHEMA_VERSION)
    {
      display = _vdi_farm_pg_display (uri);
      return _vdi_farm_set_newer_schema_error (error, display, *version, SCHEMA_VERSION);
    }
  return TRUE;
}

/* Brings the schema up to date in one transaction; two processes doing so at once take turns
 * on a transaction advisory lock, and the second finds nothing left to do. */
gboolean
_vdi_farm_pg_migrate (PGconn      *conn,
                      const char  *uri,
                      GError     **error)
{
  g_autofree char *lock = g_strdup_printf ("SELECT pg_advisory_xact_lock (%d, %d);",
                                           VDI_FARM_PG_LOCK_CLASS, VDI_FARM_PG_LOCK_SCHEMA);
  g_autofree char *set = NULL;
  int version;

  if (!exec (conn, uri, "BEGIN;", error))
    return FALSE;
  if (!exec (conn, uri, lock, error) || !get_version (conn, uri, &version, error))
    goto fail;
  if (version == SCHEMA_VERSION)
    return exec (conn, uri, "COMMIT;", error);

  if (!exec (conn, uri, "CREATE TABLE IF NOT EXISTS farm_schema (version INTEGER NOT NULL);",
             error))
    goto fail;
  for (; version < SCHEMA_VERSION; version++)
    if (!exec (conn, uri, migrations[version], error))
      goto fail;

  /* The number is ours, not input. */
  set = g_strdup_printf ("DELETE FROM farm_schema; INSERT INTO farm_schema VALUES (%d);",
                         SCHEMA_VERSION);
  if (!exec (conn, uri, set, error))
    goto fail;
  return exec (conn, uri, "COMMIT;", error);

fail:
  PQclear (PQexec (conn, "ROLLBACK;"));
  return FALSE;
}

/* Reads "SELECT doc, id, row_version …": the documents, and the versions when asked for. */
static gboolean
read_docs (PGconn      *conn,
           const char  *uri,
           const char  *sql,
           GPtrArray   *docs,
           GHashTable  *versions,
           GError     **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    return db_error (conn, result, uri, error);
  for (int i = 0, n = PQntuples (result); i < n; i++)
    {
      g_ptr_array_add (docs, g_bytes_new (PQgetvalue (result, i, 0),
                                          PQgetlength (result, i, 0)));
      if (versions != NULL)
        _vdi_farm_versions_set (versions, PQgetvalue (result, i, 1),
                                g_ascii_strtoll (PQgetvalue (result, i, 2), NULL, 10));
    }
  return TRUE;
}

/* Writer tokens -------------------------------------------------------------------------------- */

/* The token this process wrote into farm_writer when it took each farm's lock: URI → token. */
static GMutex tokens_mutex;
static GHashTable *writer_tokens;

void
_vdi_farm_pg_set_writer_token (const char *uri,
                               const char *token)
{
  g_mutex_lock (&tokens_mutex);
  if (writer_tokens == NULL)
    writer_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (token != NULL)
    g_hash_table_replace (writer_tokens, g_strdup (uri), g_strdup (token));
  else
    g_hash_table_remove (writer_tokens, uri);
  g_mutex_unlock (&tokens_mutex);
}

char *
_vdi_farm_pg_dup_writer_token (const char *uri)
{
  char *token = NULL;

  g_mutex_lock (&tokens_mutex);
  if (writer_tokens != NULL)
    token = g_strdup (g_hash_table_lookup (writer_tokens, uri));
  g_mutex_unlock (&tokens_mutex);
  return token;
}

/* "vdi-console (process 42)" from a session's name, "vdi-console/42". */
char *
_vdi_farm_pg_describe_holder (const char *name)
{
  g_autofree char *program = NULL;
  GPid pid;

  if (_vdi_farm_parse_holder (name, &program, &pid) && program != NULL && pid > 0)
    return g_strdup_printf (_("%s (process %d)"), program, (int)pid);
  return g_strdup (_("Another program"));
}

/* Sessions ------------------------------------------------------------------------------------ */

/* A connection costs a server process and a few round trips, more than a save of one change: a
 * connection that finished its work cleanly waits here, one per database, for the next load or
 * save of this process. Saves of one farm never overlap; a load during a save opens its own. */
typedef struct
{
  PGconn   *conn;
  gboolean  ready;  /* the schema is current and the statements are prepared */
} Session;

static GMutex idle_mutex;
static GHashTable *idle_sessions;  /* URI → Session */

static void
session_free (Session *session)
{
  g_clear_pointer (&session->conn, PQfinish);
  g_free (session);
}

static Session *
session_take (const char  *uri,
              gboolean    *reused,
              GError     **error)
{
  Session *session = NULL;
  char *key = NULL;

  g_mutex_lock (&idle_mutex);
  if (idle_sessions != NULL)
    g_hash_table_steal_extended (idle_sessions, uri, (gpointer *)&key, (gpointer *)&session);
  g_mutex_unlock (&idle_mutex);
  g_free (key);

  *reused = session != NULL;
  if (session != NULL)
    return session;

  session = g_new0 (Session, 1);
  session->conn = _vdi_farm_pg_connect (uri, NULL, error);
  if (session->conn == NULL)
    {
      session_free (session);
      return NULL;
    }
  return session;
}

/* Keeps a session that ended its work with no transaction open; closes any other. */
static void
session_give_back (const char *uri,
                   Session    *session)
{
  if (PQstatus (session->conn) != CONNECTION_OK ||
      PQtransactionStatus (session->conn) != PQTRANS_IDLE)
    {
      session_free (session);
      return;
    }

  g_mutex_lock (&idle_mutex);
  if (idle_sessions == NULL)
    idle_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)session_free);
  if (!g_hash_table_contains (idle_sessions, uri))
    {
      g_hash_table_insert (idle_sessions, g_strdup (uri), session);
      session = NULL;
    }
  g_mutex_unlock (&idle_mutex);

  if (session != NULL)
    session_free (session);
}

/* Reading ------------------------------------------------------------------------------------- */

static gboolean
read_session (PGconn      *conn,
              const char  *uri,
              GPtrArray   *providers,
              GPtrArray   *templates,
              GHashTable  *provider_versions,
              GHashTable  *template_versions,
              GError     **error)
{
  int version;

  /* One snapshot, so the providers and templates are of the same moment. */
  if (!exec (conn, uri, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;", error) ||
      !get_version (conn, uri, &version, error))
    return FALSE;
  if (version > 0 &&
      (!read_docs (conn, uri, "SELECT doc, id, row_version FROM providers ORDER BY seq;",
                   providers, provider_versions, error) ||
       !read_docs (conn, uri, "SELECT doc, id, row_version FROM templates ORDER BY seq;",
                   templates, template_versions, error)))
    return FALSE;
  return exec (conn, uri, "COMMIT;", error);
}

static gboolean
read_first_session (PGconn      *conn,
                    const char  *uri,
                    guint        n,
                    guint        min_templates,
                    GPtrArray   *providers,
                    GPtrArray   *templates,
                    GError     **error)
{
  g_autofree char *first = g_strdup_printf ("SELECT doc FROM templates "
                                            "ORDER BY lower (name), seq LIMIT %u;", n);
  g_autoptr(PGresult) count = NULL;
  int version;

  if (!exec (conn, uri, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;", error) ||
      !get_version (conn, uri, &version, error))
    return FALSE;
  if (version > 0)
    {
      count = PQexec (conn, "SELECT count (*) FROM templates;");
      if (PQresultStatus (count) != PGRES_TUPLES_OK)
        return db_error (conn, count, uri, error);
      if (g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10) > min_templates &&
          (!read_docs (conn, uri, "SELECT doc FROM providers ORDER BY seq;", providers, NULL,
                       error) ||
           !read_docs (conn, uri, first, templates, NULL, error)))
        return FALSE;
    }
  return exec (conn, uri, "COMMIT;", error);
}

/* See VdiFarmRowStore.read_first. The templates come in the list's first order, by name. */
static VdiFarmContents *
pg_read_first (const char  *uri,
               guint        n,
               guint        min_templates,
               GError     **error)
{
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autofree char *display = _vdi_farm_pg_display (uri);
  gboolean reused;
  Session *session = session_take (uri, &reused, error);
  gboolean read;

  if (session == NULL)
    return NULL;
  read = read_first_session (session->conn, uri, n, min_templates, providers, templates, error);
  if (!read)
    PQclear (PQexec (session->conn, "ROLLBACK;"));
  session_give_back (uri, session);
  if (!read || templates->len == 0)
    return NULL;
  return _vdi_farm_parse_rows (display, providers, templates, error);
}

/* Reads a farm database. A database without a farm yet is an empty farm; nothing is created by
 * reading. A kept session the server has closed meanwhile is replaced once. */
static VdiFarmContents *
pg_read (const char    *uri,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GHashTable) provider_versions = _vdi_farm_versions_new ();
  g_autoptr(GHashTable) template_versions = _vdi_farm_versions_new ();
  g_autofree char *display = _vdi_farm_pg_display (uri);
  VdiFarmContents *contents;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean reused;
      Session *session = session_take (uri, &reused, error);

      if (session == NULL)
        return NULL;
      if (read_session (session->conn, uri, providers, templates, provider_versions,
                        template_versions, &local_error))
        {
          session_give_back (uri, session);
          break;
        }

      if (attempt == 0 && reused && PQstatus (session->conn) == CONNECTION_BAD)
        {
          session_free (session);
          g_ptr_array_set_size (providers, 0);
          g_ptr_array_set_size (templates, 0);
          g_hash_table_remove_all (provider_versions);
          g_hash_table_remove_all (template_versions);
          continue;
        }
      session_give_back (uri, session);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  contents = _vdi_farm_parse_rows (display, providers, templates, error);
  if (contents != NULL)
    {
      contents->provider_versions = g_steal_pointer (&provider_versions);
      contents->template_versions = g_steal_pointer (&template_versions);
    }
  return contents;
}

/* Writing ------------------------------------------------------------------------------------- */

/* A save's statements go to the server in pipelines of this many, their results read after
 * each: a save of 10,000 templates costs a few dozen round trips, not 10,000, and the results
 * waiting to be read stay far below what the socket buffers hold. */
#define PIPELINE_BATCH 500

typedef struct
{
  PGconn     *conn;
  const char *uri;
  GError    **error;
  guint       queued;
  gboolean    failed;
  GPtrArray  *sinks;      /* for each statement queued, the gint64 its result goes to, or NULL */
  gboolean    stale;      /* the failure was a change refused */
  char       *stale_id;
  gboolean    stale_template;
} Writer;

/* The first failure is the one to report; what the server skipped after it is not news. */
static gboolean
fail (Writer   *w,
      PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (!w->failed && g_strcmp0 (state, STALE_SQLSTATE) == 0)
    {
      w->stale = TRUE;
      w->stale_id = g_strdup (PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL));
      w->stale_template = g_strcmp0 (PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY),
                                     "stale template") == 0;
    }
  else if (!w->failed && g_strcmp0 (state, FENCED_SQLSTATE) == 0)
    {
      g_autofree char *holder = _vdi_farm_pg_describe_holder (
        PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL));

      g_set_error (w->error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER,
                   _("%s took the farm over after this process lost its connection to the "
                     "database; what this process changed since was not saved"), holder);
    }
  else if (!w->failed)
    db_error (w->conn, result, w->uri, w->error);
  w->failed = TRUE;
  return FALSE;
}

/* Reads the results of the statements queued since the last time. After a failed statement
 * the server skips the rest up to the sync, and the transaction can only be rolled back. */
static gboolean
drain (Writer *w)
{
  guint queued = w->queued;
  PGresult *result;

  w->queued = 0;
  if (queued == 0)
    return !w->failed;
  if (!PQpipelineSync (w->conn))
    {
      g_ptr_array_set_size (w->sinks, 0);
      return fail (w, NULL);
    }

  for (guint i = 0; i < queued; i++)
    {
      gint64 *sink = g_ptr_array_index (w->sinks, i);

      result = PQgetResult (w->conn);
      /* No result: the connection is gone, and nothing more will come. */
      if (result == NULL)
        return fail (w, NULL);
      if (PQresultStatus (result) == PGRES_TUPLES_OK && sink != NULL && PQntuples (result) == 1)
        *sink = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      else if (PQresultStatus (result) != PGRES_COMMAND_OK &&
               PQresultStatus (result) != PGRES_TUPLES_OK)
        fail (w, result);
      PQclear (result);
      /* Each statement's results end with a NULL. */
      PQclear (PQgetResult (w->conn));
    }

  g_ptr_array_set_size (w->sinks, 0);
  result = PQgetResult (w->conn);
  if (PQresultStatus (result) != PGRES_PIPELINE_SYNC)
    fail (w, result);
  PQclear (result);
  return !w->failed;
}

#define MAX_PARAMS 7

/* Queues the prepared statement @name with @n_params text parameters: @params, and @doc, when
 * given, as the last one (not in @params), sent as binary text so that its length, not a NUL,
 * ends it. The statement's one value, if it gives one, goes to @sink. */
static gboolean
queue (Writer      *w,
       const char  *name,
       int          n_params,
       const char **params,
       GBytes      *doc,
       gint64      *sink)
{
  const char *values[MAX_PARAMS] = { NULL, };
  int lengths[MAX_PARAMS] = { 0, };
  int formats[MAX_PARAMS] = { 0, };

  g_assert (n_params <= MAX_PARAMS);
  for (int i = 0; i < n_params - (doc != NULL ? 1 : 0); i++)
    values[i] = params[i];
  if (doc != NULL)
    {
      gsize size;

      values[n_params - 1] = g_bytes_get_data (doc, &size);
      lengths[n_params - 1] = (int)size;
      formats[n_params - 1] = 1;
    }
  if (!PQsendQueryPrepared (w->conn, name, n_params, values, lengths, formats, 0))
    return fail (w, NULL);
  g_ptr_array_add (w->sinks, sink);
  w->queued++;
  return w->queued < PIPELINE_BATCH || drain (w);
}

/* @ids as a PostgreSQL text[] literal. */
static char *
text_array (char **ids)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *c = ids[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static gboolean
prepare (Writer *w)
{
  /* A row's version goes up only when its content does (see farm_put_template); a template's
   * targets change only by the providers it stopped or started using. So a statement sent for
   * a row that did not change writes nothing, and none of them needs the answer of another. */
  static const char * const statements[][2] = {
    { "put_provider", "SELECT farm_put_provider ($1, $2, $3, $4, $5, $6);" },
    { "put_template", "SELECT farm_put_template ($1, $2, $3, $4, $5, $6, $7);" },
    { "set_targets",
      "WITH wanted AS (SELECT DISTINCT unnest ($2::text[]) AS provider_id), "
      "gone AS (DELETE FROM targets WHERE template_id = $1 "
      "  AND provider_id NOT IN (SELECT provider_id FROM wanted)) "
      "INSERT INTO targets (template_id, provider_id) SELECT $1, provider_id FROM wanted "
      "ON CONFLICT DO NOTHING;" },
    { "delete_template", "SELECT farm_delete_row ('templates', $1, $2, $3, $4);" },
    { "delete_provider", "SELECT farm_delete_row ('providers', $1, $2, $3, $4);" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      g_autoptr(PGresult) result = PQprepare (w->conn, statements[i][0], statements[i][1], 0,
                                              NULL);

      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        return db_error (w->conn, result, w->uri, w->error);
    }
  return TRUE;
}

static gboolean
queue_rows (Writer    *w,
            GPtrArray *providers,
            GPtrArray *templates,
            GPtrArray *removed,
            GPtrArray *removed_providers)
{
  const VdiFarmWriter *writer = _vdi_farm_writer ();

  for (guint i = 0; i < providers->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (providers, i);
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, row->base);
      const char *params[] = { row->id, row->name, base, writer->by, writer->program };

      if (!queue (w, "put_provider", 6, params, row->doc, &row->version))
        return FALSE;
    }

  for (guint i = 0; i < templates->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (templates, i);
      g_autofree char *uses = text_array (row->uses);
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, row->base);
      const char *params[] = { row->id, row->name, base, writer->by, writer->program,
                               row->parent };
      const char *targets[] = { row->id, uses };

      if (!queue (w, "put_template", 7, params, row->doc, &row->version) ||
          !queue (w, "set_targets", 2, targets, NULL, NULL))
        return FALSE;
    }

  for (guint i = 0; i < removed->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (removed, i);
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, row->base);
      const char *params[] = { row->id, base, writer->by, writer->program };

      if (!queue (w, "delete_template", 4, params, NULL, NULL))
        return FALSE;
    }

  for (guint i = 0; i < removed_providers->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (removed_providers, i);
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, row->base);
      const char *params[] = { row->id, base, writer->by, writer->program };

      if (!queue (w, "delete_provider", 4, params, NULL, NULL))
        return FALSE;
    }
  return TRUE;
}

/* Queues a statement without parameters, such as BEGIN or COMMIT. */
static gboolean
queue_sql (Writer     *w,
           const char *sql)
{
  if (!PQsendQueryParams (w->conn, sql, 0, NULL, NULL, NULL, NULL, 0))
    return fail (w, NULL);
  g_ptr_array_add (w->sinks, NULL);
  w->queued++;
  return TRUE;
}

/* A lock holder's save first checks that it still holds the farm (see farm_writer). */
static gboolean
queue_check (Writer     *w,
             const char *token)
{
  const char *values[1] = { token };

  if (!PQsendQueryParams (w->conn, "CALL farm_check_writer ($1);", 1, NULL, values, NULL,
                          NULL, 0))
    return fail (w, NULL);
  g_ptr_array_add (w->sinks, NULL);
  w->queued++;
  return TRUE;
}

/* The whole save, its BEGIN and COMMIT included, goes in pipelines: one round trip for a save
 * of a few rows. After a failure the server skips the rest, COMMIT included, and the
 * transaction is left open, failed, for the caller to roll back. */
static gboolean
write_rows (Writer    *w,
            GPtrArray *providers,
            GPtrArray *templates,
            GPtrArray *removed,
            GPtrArray *removed_providers)
{
  g_autofree char *token = _vdi_farm_pg_dup_writer_token (w->uri);

  if (!PQenterPipelineMode (w->conn))
    return fail (w, NULL);
  /* Consoles following the farm (vdi-farm-follow.c) hear of the save when it commits. */
  if (queue_sql (w, "BEGIN") &&
      (token == NULL || queue_check (w, token)) &&
      queue_rows (w, providers, templates, removed, removed_providers) &&
      queue_sql (w, "NOTIFY " FOLLOW_CHANNEL))
    queue_sql (w, "COMMIT");
  /* What was queued is read either way, so the connection can leave pipeline mode. */
  drain (w);
  if (!PQexitPipelineMode (w->conn))
    fail (w, NULL);
  return !w->failed;
}

/* The row of @rows with @id, for a refused change's name. */
static VdiFarmRow *
find_row (GPtrArray  *rows,
          const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->id, id) == 0)
        return row;
    }
  return NULL;
}

/* What is stored now of a refused change's row, and who changed or deleted it; FALSE with
 * @result the failed query's when the database could not say. */
static gboolean
describe_conflict (PGconn          *conn,
                   VdiFarmConflict *conflict,
                   PGresult       **result)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT doc, row_version, changed_by, changed_program, changed_at, name FROM %s "
    "WHERE id = $1;", conflict->template ? "templates" : "providers");
  const char *values[1] = { conflict->id };
  g_autoptr(PGresult) row = PQexecParams (conn, sql, 1, NULL, values, NULL, NULL, 0);
  g_autoptr(PGresult) removed = NULL;
  PGresult *who = row;
  int n = 0;

  if (PQresultStatus (row) != PGRES_TUPLES_OK)
    {
      *result = g_steal_pointer (&row);
      return FALSE;
    }
  if (PQntuples (row) == 1)
    {
      conflict->doc = g_bytes_new (PQgetvalue (row, 0, 0), PQgetlength (row, 0, 0));
      conflict->version = g_ascii_strtoll (PQgetvalue (row, 0, 1), NULL, 10);
      conflict->stored_name = g_strdup (PQgetvalue (row, 0, 5));
      if (conflict->name == NULL)
        conflict->name = g_strdup (conflict->stored_name);
      n = 2;
      if (conflict->template)
        {
          /* Its providers, for one another process added along with the change. */
          g_autoptr(PGresult) used = PQexecParams (
            conn, "SELECT id, doc, row_version FROM providers WHERE id IN "
                  "(SELECT provider_id FROM targets WHERE template_id = $1 UNION "
                  " SELECT source_provider FROM templates WHERE id = $1);",
            1, NULL, values, NULL, NULL, 0);

          if (PQresultStatus (used) != PGRES_TUPLES_OK)
            {
              *result = g_steal_pointer (&used);
              return FALSE;
            }
          for (int i = 0; i < PQntuples (used); i++)
            {
              VdiFarmRow *provider = g_new0 (VdiFarmRow, 1);

              provider->id = g_strdup (PQgetvalue (used, i, 0));
              provider->doc = g_bytes_new (PQgetvalue (used, i, 1), PQgetlength (used, i, 1));
              provider->version = g_ascii_strtoll (PQgetvalue (used, i, 2), NULL, 10);
              g_ptr_array_add (conflict->providers, provider);
            }
        }
    }
  else
    {
      removed = PQexecParams (conn, "SELECT changed_by, changed_program, changed_at "
                                    "FROM removed_rows WHERE id = $1;",
                              1, NULL, values, NULL, NULL, 0);
      if (PQresultStatus (removed) != PGRES_TUPLES_OK)
        {
          *result = g_steal_pointer (&removed);
          return FALSE;
        }
      if (PQntuples (removed) != 1)
        return TRUE;
      who = removed;
    }
  if (!PQgetisnull (who, 0, n))
    {
      conflict->changed_by = g_strdup (PQgetvalue (who, 0, n));
      conflict->changed_program = g_strdup (PQgetvalue (who, 0, n + 1));
      conflict->changed_at = g_ascii_strtoll (PQgetvalue (who, 0, n + 2), NULL, 10);
    }
  return TRUE;
}

static gboolean
write_session (Session          *session,
               const char       *uri,
               GPtrArray        *providers,
               GPtrArray        *templates,
               GPtrArray        *removed,
               GPtrArray        *removed_providers,
               VdiFarmConflict **conflict,
               GError          **error)
{
  g_autoptr(GPtrArray) sinks = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  Writer w = { session->conn, uri, &local_error, 0, FALSE, sinks, FALSE, NULL, FALSE };
  gboolean ok;

  if (!session->ready)
    {
      if (!_vdi_farm_pg_migrate (session->conn, uri, error) || !prepare (&w))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      session->ready = TRUE;
    }

  ok = write_rows (&w, providers, templates, removed, removed_providers);
  if (!ok && PQtransactionStatus (session->conn) != PQTRANS_IDLE)
    PQclear (PQexec (session->conn, "ROLLBACK;"));
  if (!ok && w.stale)
    {
      VdiFarmRow *row = find_row (w.stale_template ? templates : providers, w.stale_id);
      VdiFarmRow gone = { .id = w.stale_id };
      g_autoptr(PGresult) failed = NULL;

      if (row == NULL)
        row = find_row (w.stale_template ? removed : removed_providers, w.stale_id);
      *conflict = _vdi_farm_conflict_new (w.stale_template, row != NULL ? row : &gone);
      if (describe_conflict (session->conn, *conflict, &failed))
        _vdi_farm_set_conflict_error (error, *conflict);
      else
        {
          /* Refused, but what to show instead is unknown: tried again as a failed save. */
          g_clear_pointer (conflict, _vdi_farm_conflict_free);
          db_error (session->conn, failed, uri, error);
        }
    }
  else if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  g_free (w.stale_id);
  return ok;
}

/* Stores one save in one transaction, creating or migrating the schema first. A writer killed
 * at any moment leaves the last committed save: the server rolls back what it had begun. A kept
 * session the server has closed meanwhile is replaced once; writing a save again is harmless,
 * as a row whose document is unchanged is left as it is. */
static gboolean
pg_write (const char       *uri,
          GPtrArray        *providers,
          GPtrArray        *templates,
          GPtrArray        *removed,
          GPtrArray        *removed_providers,
          VdiFarmConflict **conflict,
          GError          **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean reused;
      Session *session = session_take (uri, &reused, error);

      if (session == NULL)
        return FALSE;
      if (write_session (session, uri, providers, templates, removed, removed_providers,
                         conflict, &local_error))
        {
          session_give_back (uri, session);
          return TRUE;
        }

      if (attempt == 0 && reused && PQstatus (session->conn) == CONNECTION_BAD)
        {
          session_free (session);
          continue;
        }
      session_give_back (uri, session);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
}

/* Following ----------------------------------------------------------------------------------- */

/* Diffs one table's (id, row_version) list against what was taken in, then reads the documents
 * of the rows new or changed in one statement. */
static gboolean
table_changes (PGconn      *conn,
               const char  *uri,
               const char  *table,
               GHashTable **seen,
               GPtrArray   *docs,
               GPtrArray   *ids,
               GPtrArray   *removed,
               GError     **error)
{
  g_autofree char *list_sql = g_strdup_printf ("SELECT id, row_version FROM %s ORDER BY seq;",
                                               table);
  g_autofree char *doc_sql = g_strdup_printf ("SELECT doc, id FROM %s "
                                              "WHERE id = ANY ($1::text[]) ORDER BY seq;", table);
  g_autoptr(PGresult) list = PQexec (conn, list_sql);
  VdiFarmDiff diff;

  if (PQresultStatus (list) != PGRES_TUPLES_OK)
    return db_error (conn, list, uri, error);

  _vdi_farm_diff_init (&diff, *seen);
  for (int i = 0, n = PQntuples (list); i < n; i++)
    _vdi_farm_diff_row (&diff, PQgetvalue (list, i, 0),
                        g_ascii_strtoll (PQgetvalue (list, i, 1), NULL, 10));

  if (diff.changed->len > 0)
    {
      g_autofree char *wanted = NULL;
      g_autoptr(PGresult) result = NULL;
      const char *values[1];

      g_ptr_array_add (diff.changed, NULL);
      wanted = text_array ((char **)diff.changed->pdata);
      g_ptr_array_remove_index (diff.changed, diff.changed->len - 1);
      values[0] = wanted;
      result = PQexecParams (conn, doc_sql, 1, NULL, values, NULL, NULL, 0);
      if (PQresultStatus (result) != PGRES_TUPLES_OK)
        {
          _vdi_farm_diff_clear (&diff);
          return db_error (conn, result, uri, error);
        }
      for (int i = 0, n = PQntuples (result); i < n; i++)
        {
          g_ptr_array_add (docs, g_bytes_new (PQgetvalue (result, i, 0),
                                              PQgetlength (result, i, 0)));
          g_ptr_array_add (ids, g_strdup (PQgetvalue (result, i, 1)));
        }
    }

  _vdi_farm_diff_finish (&diff, seen, removed);
  return TRUE;
}

static void
pg_close (gpointer conn)
{
  PQfinish (conn);
}

/* Waits for nothing: reads what the server sent since the last poll, and compares row versions
 * only after a save was announced (or on a new connection, which may have missed some). */
static gboolean
pg_changes (const char      *uri,
            VdiFarmFollow   *follow,
            VdiFarmChanges **changes,
            GError         **error)
{
  g_autoptr(GHashTable) providers = NULL;
  g_autoptr(GHashTable) templates = NULL;
  PGconn *conn = follow->conn;
  VdiFarmChanges *found;
  PGnotify *notify;
  gboolean announced = FALSE;
  int version;

  *changes = NULL;
  if (conn == NULL)
    {
      conn = _vdi_farm_pg_connect (uri, NULL, error);
      if (conn == NULL)
        return FALSE;
      if (!exec (conn, uri, "LISTEN " FOLLOW_CHANNEL ";", error))
        {
          PQfinish (conn);
          return FALSE;
        }
      follow->conn = conn;
      follow->compare_all = TRUE;
    }

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      struct pollfd fd = { PQsocket (conn), POLLIN, 0 };

      if (!PQconsumeInput (conn) || PQstatus (conn) != CONNECTION_OK)
        goto fail_conn;
      while ((notify = PQnotifies (conn)) != NULL)
        {
          announced = TRUE;
          PQfreemem (notify);
        }
      if (announced || follow->compare_all || attempt > 0)
        break;
      /* Nothing yet: wait a while for the server to say something. */
      if (poll (&fd, 1, VDI_FARM_FOLLOW_WAIT_MS) < 0 && errno != EINTR)
        goto fail_conn;
    }
  if (!announced && !follow->compare_all)
    return TRUE;

  providers = g_hash_table_ref (follow->providers);
  templates = g_hash_table_ref (follow->templates);
  found = _vdi_farm_changes_new ();

  if (!exec (conn, uri, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;", error) ||
      !get_version (conn, uri, &version, error))
    goto fail;
  if (version > 0 &&
      (!table_changes (conn, uri, "providers", &providers, found->providers,
                      found->provider_ids, found->removed_providers, error) ||
       !table_changes (conn, uri, "templates", &templates, found->templates,
                      found->template_ids, found->removed_templates, error)))
    goto fail;
  if (!exec (conn, uri, "COMMIT;", error))
    goto fail;

  _vdi_farm_follow_commit (follow, g_steal_pointer (&providers), g_steal_pointer (&templates),
                           found, changes);
  return TRUE;

fail:
  _vdi_farm_changes_free (found);
  if (PQstatus (conn) == CONNECTION_OK)
    {
      PQclear (PQexec (conn, "ROLLBACK;"));
      return FALSE;
    }
  /* A connection the server closed: a new one next time. */
  PQfinish (conn);
  follow->conn = NULL;
  return FALSE;

fail_conn:
  db_error (conn, NULL, uri, error);
  PQfinish (conn);
  follow->conn = NULL;
  return FALSE;
}

const VdiFarmRowStore _vdi_farm_pg_store = {
  pg_read,
  pg_write,
  pg_changes,
  pg_close,
  TRUE,
  pg_read_first,
};
