/* vdi-farm-sqlite.c: a farm kept in an SQLite database, one transaction per save.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Each provider and template is a row holding its JSON object (the same one a farm file
 * holds, so loading reuses the file's checks), with the keys the database enforces beside it:
 * ids, the provider a template and its targets use (foreign keys), and a row version bumped
 * on every change of the row. A save writes only the rows that changed since the last one.
 * Every connection is opened, used and closed by one function, so loads and saves can run in
 * worker threads. */

#include "config.h"

#include <errno.h>

#include <sqlite3.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vdi-farm-private.h"

#define BUSY_TIMEOUT_MS 10000

/* Ordered migration steps: step i takes a database from user_version i to i + 1. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE providers ("
  "  seq INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  auth TEXT,"
  "  row_version INTEGER NOT NULL DEFAULT 1,"
  "  doc TEXT NOT NULL);"
  "CREATE TABLE templates ("
  "  seq INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  source_provider TEXT NOT NULL REFERENCES providers (id),"
  "  relay INTEGER NOT NULL DEFAULT 0,"
  "  row_version INTEGER NOT NULL DEFAULT 1,"
  "  doc TEXT NOT NULL);"
  "CREATE TABLE targets ("
  "  template_id TEXT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,"
  "  provider_id TEXT NOT NULL REFERENCES providers (id),"
  "  fed_from TEXT,"
  "  PRIMARY KEY (template_id, provider_id));"
  "CREATE INDEX targets_provider ON targets (provider_id);",
  /* 1 → 2: who changed each row and when, so that a change based on an older version of a row
   * is refused saying so; and the same of rows deleted. */
  "ALTER TABLE providers ADD COLUMN changed_by TEXT;"
  "ALTER TABLE providers ADD COLUMN changed_program TEXT;"
  "ALTER TABLE providers ADD COLUMN changed_at INTEGER;"
  "ALTER TABLE templates ADD COLUMN changed_by TEXT;"
  "ALTER TABLE templates ADD COLUMN changed_program TEXT;"
  "ALTER TABLE templates ADD COLUMN changed_at INTEGER;"
  "CREATE TABLE removed_rows ("
  "  id TEXT PRIMARY KEY,"
  "  changed_by TEXT NOT NULL,"
  "  changed_program TEXT NOT NULL,"
  "  changed_at INTEGER NOT NULL);",
};

#define SCHEMA_VERSION ((int)G_N_ELEMENTS (migrations))

void
_vdi_farm_row_free (VdiFarmRow *row)
{
  g_free (row->id);
  g_free (row->name);
  g_free (row->parent);
  g_strfreev (row->uses);
  g_strfreev (row->fed_from);
  g_clear_pointer (&row->doc, g_bytes_unref);
  g_free (row);
}

/* A database of a schema newer than this version reads, SQLite's or PostgreSQL's. */
gboolean
_vdi_farm_set_newer_schema_error (GError     **error,
                                  const char  *location,
                                  int          version,
                                  int          supported)
{
  g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION,
               _("The farm database “%s” was written by a newer version of VDI Console "
                 "(schema %d; this version reads schema %d and older)"),
               location, version, supported);
  return FALSE;
}

gboolean
_vdi_farm_is_sqlite_path (const char *path)
{
  return path != NULL && g_str_has_suffix (path, ".db");
}

static gboolean
db_error (sqlite3     *db,
          const char  *path,
          GError     **error)
{
  int code = sqlite3_errcode (db);

  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                 _("The farm database “%s” is damaged and cannot be read: %s"), path,
                 sqlite3_errmsg (db));
  else
    g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                 _("Could not use the farm database “%s”: %s"), path, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec (sqlite3     *db,
      const char  *path,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (db, path, error);
  return TRUE;
}

static sqlite3 *
open_db (const char  *path,
         gboolean     create,
         GError     **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);

  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not open the farm database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 0);

  if (!exec (db, path, "PRAGMA foreign_keys = ON;", error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

static gboolean
get_version (sqlite3     *db,
             const char  *path,
             int         *version,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version;", -1, &stmt, NULL) != SQLITE_OK)
    return db_error (db, path, error);
  rc = sqlite3_step (stmt);
  *version = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return db_error (db, path, error);

  if (*version > SCHEMA_VERSION)
    return _vdi_farm_set_newer_schema_error (error, path, *version, SCHEMA_VERSION);
  return TRUE;
}

/* Brings the schema up to date, each step in its own transaction with its version. */
static gboolean
migrate (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  int version;

  if (!exec (db, path, "PRAGMA journal_mode = WAL;", error) ||
      !exec (db, path, "BEGIN IMMEDIATE;", error))
    return FALSE;
  if (!get_version (db, path, &version, error))
    {
      sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
      return FALSE;
    }
  for (; version < SCHEMA_VERSION; version++)
    {
      /* PRAGMA takes no bound parameters; the number is ours, not input. */
      g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d;", version + 1);

      if (!exec (db, path, migrations[version], error) || !exec (db, path, set, error))
        {
          sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return exec (db, path, "COMMIT;", error);
}

typedef gboolean (*AddRow) (VdiFarmRowParser  *parser,
                            const char        *doc,
                            gsize              length,
                            GError           **error);

/* Hands each row's document to @add as SQLite steps to it, so that no more than one row's
 * text and tree are held at a time. */
static gboolean
read_docs (sqlite3           *db,
           const char        *path,
           const char        *sql,
           VdiFarmRowParser  *parser,
           AddRow             add,
           GHashTable        *versions,
           GError           **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return db_error (db, path, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!add (parser, (const char *)sqlite3_column_text (stmt, 0),
                sqlite3_column_bytes (stmt, 0), error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      _vdi_farm_versions_set (versions, (const char *)sqlite3_column_text (stmt, 1),
                              sqlite3_column_int64 (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return db_error (db, path, error);
  return TRUE;
}

/**
 * _vdi_farm_parse_rows:
 * @location: the farm, as messages name it
 * @providers: (element-type GBytes): the providers' JSON objects, in order
 * @templates: (element-type GBytes): the templates' JSON objects, in order
 *
 * Builds a farm from the rows of a store, through the checks of a farm file, one row at a
 * time (see VdiFarmRowParser).
 */
VdiFarmContents *
_vdi_farm_parse_rows (const char  *location,
                      GPtrArray   *providers,
                      GPtrArray   *templates,
                      GError     **error)
{
  g_autoptr(VdiFarmRowParser) parser = _vdi_farm_row_parser_new (location);

  for (guint i = 0; i < providers->len; i++)
    {
      gsize size;
      const char *doc = g_bytes_get_data (g_ptr_array_index (providers, i), &size);

      if (!_vdi_farm_row_parser_add_provider (parser, doc, size, error))
        return NULL;
    }
  for (guint i = 0; i < templates->len; i++)
    {
      gsize size;
      const char *doc = g_bytes_get_data (g_ptr_array_index (templates, i), &size);

      if (!_vdi_farm_row_parser_add_template (parser, doc, size, error))
        return NULL;
    }
  return _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
}

static gboolean
count_templates (sqlite3     *db,
                 const char  *path,
                 gint64      *count,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM templates;", -1, &stmt, NULL) != SQLITE_OK)
    return db_error (db, path, error);
  rc = sqlite3_step (stmt);
  *count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return db_error (db, path, error);
  return TRUE;
}

/* See VdiFarmRowStore.read_first. The templates come in the list's first order, by name. */
static VdiFarmContents *
sqlite_read_first (const char  *path,
                   guint        n,
                   guint        min_templates,
                   GError     **error)
{
  g_autoptr(VdiFarmRowParser) parser = NULL;
  g_autoptr(GHashTable) versions = _vdi_farm_versions_new ();
  g_autofree char *first = g_strdup_printf ("SELECT doc, id, row_version FROM templates "
                                            "ORDER BY lower (name), seq LIMIT %u;", n);
  VdiFarmContents *contents = NULL;
  gint64 count;
  sqlite3 *db;
  int version;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  db = open_db (path, FALSE, error);
  if (db == NULL)
    return NULL;

  parser = _vdi_farm_row_parser_new (path);
  if (exec (db, path, "BEGIN;", error) && get_version (db, path, &version, error) &&
      version > 0 && count_templates (db, path, &count, error) && count > min_templates &&
      read_docs (db, path, "SELECT doc, id, row_version FROM providers ORDER BY seq;", parser,
                 _vdi_farm_row_parser_add_provider, versions, error) &&
      read_docs (db, path, first, parser, _vdi_farm_row_parser_add_template, versions, error))
    contents = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
  sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL);
  sqlite3_close (db);
  return contents;
}

/* Reads a farm database. A missing file is an empty farm; nothing is created by reading. Rows
 * go to the parser as SQLite steps to them, so no more than one row's text and tree are held
 * at a time. */
static VdiFarmContents *
sqlite_read (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(VdiFarmRowParser) parser = NULL;
  g_autoptr(GHashTable) provider_versions = NULL;
  g_autoptr(GHashTable) template_versions = NULL;
  VdiFarmContents *contents;
  sqlite3 *db;
  int version;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      contents = g_new0 (VdiFarmContents, 1);
      contents->providers = g_ptr_array_new_with_free_func (g_object_unref);
      contents->templates = g_ptr_array_new_with_free_func (g_object_unref);
      contents->provider_versions = _vdi_farm_versions_new ();
      contents->template_versions = _vdi_farm_versions_new ();
      return contents;
    }

  db = open_db (path, FALSE, error);
  if (db == NULL)
    return NULL;

  /* One read transaction, so the providers and templates are of the same moment. A database
   * created but never written (version 0) is an empty farm. */
  parser = _vdi_farm_row_parser_new (path);
  provider_versions = _vdi_farm_versions_new ();
  template_versions = _vdi_farm_versions_new ();
  if (!exec (db, path, "BEGIN;", error) || !get_version (db, path, &version, error))
    goto fail;
  if (version > 0 &&
      (!read_docs (db, path, "SELECT doc, id, row_version FROM providers ORDER BY seq;", parser,
                   _vdi_farm_row_parser_add_provider, provider_versions, error) ||
       !read_docs (db, path, "SELECT doc, id, row_version FROM templates ORDER BY seq;", parser,
                   _vdi_farm_row_parser_add_template, template_versions, error)))
    goto fail;
  sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL);
  sqlite3_close (db);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  contents = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
  contents->provider_versions = g_steal_pointer (&provider_versions);
  contents->template_versions = g_steal_pointer (&template_versions);
  return contents;

fail:
  sqlite3_close (db);
  return NULL;
}

static gboolean
step_done (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

static void
bind_doc (sqlite3_stmt *stmt,
          int           index,
          GBytes       *doc)
{
  gsize size;
  const char *data = g_bytes_get_data (doc, &size);

  sqlite3_bind_text (stmt, index, data, (int)size, SQLITE_STATIC);
}

/* One kind of row's statements: providers or templates. */
typedef struct
{
  sqlite3_stmt *check;
  sqlite3_stmt *insert;
  sqlite3_stmt *update;
  sqlite3_stmt *delete;
} RowStatements;

typedef struct
{
  RowStatements providers;
  RowStatements templates;
  sqlite3_stmt *clear_targets;
  sqlite3_stmt *add_target;
  sqlite3_stmt *tombstone;
} Statements;

static void
row_statements_clear (RowStatements *s)
{
  sqlite3_finalize (s->check);
  sqlite3_finalize (s->insert);
  sqlite3_finalize (s->update);
  sqlite3_finalize (s->delete);
}

static void
statements_clear (Statements *s)
{
  row_statements_clear (&s->providers);
  row_statements_clear (&s->templates);
  sqlite3_finalize (s->clear_targets);
  sqlite3_finalize (s->add_target);
  sqlite3_finalize (s->tombstone);
}

static gboolean
prepare_one (sqlite3       *db,
             const char    *sql,
             sqlite3_stmt **stmt)
{
  return sqlite3_prepare_v2 (db, sql, -1, stmt, NULL) == SQLITE_OK;
}

/* Parameters: ?1 id, ?2 name, ?3 doc, ?4 changed_by, ?5 changed_program, ?6 changed_at, and for
 * a template ?7 source provider, ?8 relay. */
static gboolean
prepare (sqlite3    *db,
         Statements *s)
{
  return
    prepare_one (db, "SELECT row_version, doc IS ?2 FROM providers WHERE id = ?1;",
                 &s->providers.check) &&
    prepare_one (db,
      "INSERT INTO providers (id, name, doc, changed_by, changed_program, changed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6);", &s->providers.insert) &&
    prepare_one (db,
      "UPDATE providers SET name = ?2, doc = ?3, changed_by = ?4, changed_program = ?5, "
      "changed_at = ?6, row_version = row_version + 1 WHERE id = ?1;", &s->providers.update) &&
    prepare_one (db, "DELETE FROM providers WHERE id = ?1;", &s->providers.delete) &&
    prepare_one (db, "SELECT row_version, doc IS ?2 FROM templates WHERE id = ?1;",
                 &s->templates.check) &&
    prepare_one (db,
      "INSERT INTO templates (id, name, doc, changed_by, changed_program, changed_at, "
      "source_provider, relay) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);",
      &s->templates.insert) &&
    prepare_one (db,
      "UPDATE templates SET name = ?2, doc = ?3, changed_by = ?4, changed_program = ?5, "
      "changed_at = ?6, source_provider = ?7, relay = ?8, row_version = row_version + 1 "
      "WHERE id = ?1;", &s->templates.update) &&
    prepare_one (db, "DELETE FROM templates WHERE id = ?1;", &s->templates.delete) &&
    prepare_one (db, "DELETE FROM targets WHERE template_id = ?1;", &s->clear_targets) &&
    prepare_one (db,
      "INSERT OR IGNORE INTO targets (template_id, provider_id, fed_from) "
      "VALUES (?1, ?2, NULLIF (?3, ''));", &s->add_target) &&
    prepare_one (db,
      "INSERT OR REPLACE INTO removed_rows (id, changed_by, changed_program, changed_at) "
      "VALUES (?1, ?2, ?3, ?4);", &s->tombstone);
}

typedef enum
{
  ROW_FAILED,
  ROW_SAME,      /* stored as it is here already */
  ROW_WRITTEN,
  ROW_CONFLICT,  /* changed or deleted since the version the change is based on */
} RowResult;

/* Writes @row if it is based on the version stored (or is new), in the save's transaction. */
static RowResult
put_row (RowStatements *s,
         VdiFarmRow    *row,
         gint64         now)
{
  const VdiFarmWriter *writer = _vdi_farm_writer ();
  sqlite3_stmt *write;
  int rc;

  bind_text (s->check, 1, row->id);
  bind_doc (s->check, 2, row->doc);
  rc = sqlite3_step (s->check);
  if (rc == SQLITE_ROW)
    {
      gint64 current = sqlite3_column_int64 (s->check, 0);
      gboolean same = sqlite3_column_int (s->check, 1) != 0;

      sqlite3_reset (s->check);
      sqlite3_clear_bindings (s->check);
      if (same)
        {
          row->version = current;
          return ROW_SAME;
        }
      if (row->base == 0 || current != row->base)
        return ROW_CONFLICT;
      write = s->update;
      row->version = current + 1;
    }
  else
    {
      sqlite3_reset (s->check);
      sqlite3_clear_bindings (s->check);
      if (rc != SQLITE_DONE)
        return ROW_FAILED;
      if (row->base != 0)
        return ROW_CONFLICT;
      write = s->insert;
      row->version = 1;
    }

  bind_text (write, 1, row->id);
  bind_text (write, 2, row->name);
  bind_doc (write, 3, row->doc);
  bind_text (write, 4, writer->by);
  bind_text (write, 5, writer->program);
  sqlite3_bind_int64 (write, 6, now);
  if (row->parent != NULL)
    {
      bind_text (write, 7, row->parent);
      sqlite3_bind_int (write, 8, row->relay ? 1 : 0);
    }
  return step_done (write) ? ROW_WRITTEN : ROW_FAILED;
}

/* Deletes the row @removed names if it is still the version the removal is based on; a row
 * already gone is not news. */
static RowResult
delete_row (RowStatements *s,
            sqlite3_stmt  *tombstone,
            VdiFarmRow    *removed,
            gint64         now)
{
  const VdiFarmWriter *writer = _vdi_farm_writer ();
  int rc;

  bind_text (s->check, 1, removed->id);
  rc = sqlite3_step (s->check);
  if (rc == SQLITE_ROW)
    {
      gint64 current = sqlite3_column_int64 (s->check, 0);

      sqlite3_reset (s->check);
      sqlite3_clear_bindings (s->check);
      if (current != removed->base)
        return ROW_CONFLICT;
    }
  else
    {
      sqlite3_reset (s->check);
      sqlite3_clear_bindings (s->check);
      return rc == SQLITE_DONE ? ROW_SAME : ROW_FAILED;
    }

  bind_text (s->delete, 1, removed->id);
  bind_text (tombstone, 1, removed->id);
  bind_text (tombstone, 2, writer->by);
  bind_text (tombstone, 3, writer->program);
  sqlite3_bind_int64 (tombstone, 4, now);
  return step_done (s->delete) && step_done (tombstone) ? ROW_WRITTEN : ROW_FAILED;
}

/* Whether a save goes on after @result for @row; a refused change is described in *@conflict. */
static gboolean
goes_on (RowResult         result,
         gboolean          template,
         VdiFarmRow       *row,
         VdiFarmConflict **conflict)
{
  if (result == ROW_CONFLICT)
    *conflict = _vdi_farm_conflict_new (template, row);
  return result == ROW_SAME || result == ROW_WRITTEN;
}

/* Returns FALSE on a failure of the database, or with *@conflict set on a refused change. */
static gboolean
write_rows (sqlite3          *db,
            Statements       *s,
            GPtrArray        *providers,
            GPtrArray        *templates,
            GPtrArray        *removed,
            GPtrArray        *removed_providers,
            VdiFarmConflict **conflict)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < providers->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (providers, i);

      if (!goes_on (put_row (&s->providers, row, now), FALSE, row, conflict))
        return FALSE;
    }

  for (guint i = 0; i < templates->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (templates, i);
      RowResult result = put_row (&s->templates, row, now);

      if (!goes_on (result, TRUE, row, conflict))
        return FALSE;
      if (result == ROW_SAME)
        continue;

      bind_text (s->clear_targets, 1, row->id);
      if (!step_done (s->clear_targets))
        return FALSE;
      for (guint j = 0; row->uses != NULL && row->uses[j] != NULL; j++)
        {
          bind_text (s->add_target, 1, row->id);
          bind_text (s->add_target, 2, row->uses[j]);
          bind_text (s->add_target, 3, row->fed_from != NULL ? row->fed_from[j] : NULL);
          if (!step_done (s->add_target))
            return FALSE;
        }
    }

  for (guint i = 0; i < removed->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (removed, i);

      if (!goes_on (delete_row (&s->templates, s->tombstone, row, now), TRUE, row, conflict))
        return FALSE;
    }

  for (guint i = 0; i < removed_providers->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (removed_providers, i);

      if (!goes_on (delete_row (&s->providers, s->tombstone, row, now), FALSE, row, conflict))
        return FALSE;
    }
  return TRUE;
}

/* What is stored now of a refused change's row, and who changed or deleted it; FALSE when
 * the database could not say. */
static gboolean
describe_conflict (sqlite3         *db,
                   VdiFarmConflict *conflict)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT doc, row_version, changed_by, changed_program, changed_at, name FROM %s "
    "WHERE id = ?1;", conflict->template ? "templates" : "providers");
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;
  int rc = SQLITE_ERROR;

  if (prepare_one (db, sql, &stmt))
    {
      bind_text (stmt, 1, conflict->id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          found = TRUE;
          conflict->doc = g_bytes_new (sqlite3_column_text (stmt, 0),
                                       sqlite3_column_bytes (stmt, 0));
          conflict->version = sqlite3_column_int64 (stmt, 1);
          conflict->changed_by = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
          conflict->changed_program = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
          conflict->changed_at = sqlite3_column_int64 (stmt, 4);
          /* A removal here names the row by what is stored. */
          conflict->stored_name = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
          if (conflict->name == NULL)
            conflict->name = g_strdup (conflict->stored_name);
        }
    }
  sqlite3_finalize (stmt);
  if (found && conflict->template)
    {
      /* Its providers, for one another process added along with the change. */
      stmt = NULL;
      rc = SQLITE_ERROR;
      if (prepare_one (db, "SELECT id, doc, row_version FROM providers WHERE id IN "
                           "(SELECT provider_id FROM targets WHERE template_id = ?1 UNION "
                           " SELECT source_provider FROM templates WHERE id = ?1);", &stmt))
        {
          bind_text (stmt, 1, conflict->id);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              VdiFarmRow *row = g_new0 (VdiFarmRow, 1);

              row->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
              row->doc = g_bytes_new (sqlite3_column_text (stmt, 1),
                                      sqlite3_column_bytes (stmt, 1));
              row->version = sqlite3_column_int64 (stmt, 2);
              g_ptr_array_add (conflict->providers, row);
            }
        }
      sqlite3_finalize (stmt);
      return rc == SQLITE_DONE;
    }
  if (found)
    return TRUE;
  if (rc != SQLITE_DONE)
    return FALSE;

  stmt = NULL;
  rc = SQLITE_ERROR;
  if (prepare_one (db, "SELECT changed_by, changed_program, changed_at FROM removed_rows "
                       "WHERE id = ?1;", &stmt))
    {
      bind_text (stmt, 1, conflict->id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          conflict->changed_by = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
          conflict->changed_program = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
          conflict->changed_at = sqlite3_column_int64 (stmt, 2);
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Stores one save in one transaction, creating or migrating the database first. */
static gboolean
sqlite_write (const char       *path,
              GPtrArray        *providers,
              GPtrArray        *templates,
              GPtrArray        *removed,
              GPtrArray        *removed_providers,
              VdiFarmConflict **conflict,
              GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  Statements s = { NULL, };
  sqlite3 *db;
  gboolean ok;
  int version;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  db = open_db (path, TRUE, error);
  if (db == NULL)
    return FALSE;

  if (!get_version (db, path, &version, error) ||
      (version < SCHEMA_VERSION && !migrate (db, path, error)))
    {
      sqlite3_close (db);
      return FALSE;
    }

  ok = prepare (db, &s) &&
       sqlite3_exec (db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) == SQLITE_OK;
  if (ok)
    {
      ok = write_rows (db, &s, providers, templates, removed, removed_providers, conflict);
      if (ok)
        ok = sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL) == SQLITE_OK;
      if (!ok && *conflict != NULL)
        {
          sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
          if (describe_conflict (db, *conflict))
            _vdi_farm_set_conflict_error (error, *conflict);
          else
            {
              /* Refused, but what to show instead is unknown: tried again as a failed save. */
              g_clear_pointer (conflict, _vdi_farm_conflict_free);
              db_error (db, path, error);
            }
        }
      else if (!ok)
        {
          db_error (db, path, error);
          sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
        }
    }
  else
    db_error (db, path, error);

  statements_clear (&s);
  sqlite3_close (db);
  return ok;
}

/* Following ---------------------------------------------------------------------------------- */

/* Diffs one table's (id, row_version) list against what was taken in, then reads the documents
 * of the rows new or changed. */
static gboolean
table_changes (sqlite3      *db,
               const char   *path,
               const char   *table,
               GHashTable  **seen,
               GPtrArray    *docs,
               GPtrArray    *ids,
               GPtrArray    *removed,
               GError      **error)
{
  g_autofree char *list_sql = g_strdup_printf ("SELECT id, row_version FROM %s ORDER BY seq;",
                                               table);
  g_autofree char *doc_sql = g_strdup_printf ("SELECT doc FROM %s WHERE id = ?1;", table);
  sqlite3_stmt *stmt = NULL;
  VdiFarmDiff diff;
  int rc;

  _vdi_farm_diff_init (&diff, *seen);
  if (sqlite3_prepare_v2 (db, list_sql, -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    _vdi_farm_diff_row (&diff, (const char *)sqlite3_column_text (stmt, 0),
                        sqlite3_column_int64 (stmt, 1));
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto fail;

  if (diff.changed->len > 0)
    {
      if (sqlite3_prepare_v2 (db, doc_sql, -1, &stmt, NULL) != SQLITE_OK)
        goto fail;
      for (guint i = 0; i < diff.changed->len; i++)
        {
          bind_text (stmt, 1, g_ptr_array_index (diff.changed, i));
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_ptr_array_add (docs, g_bytes_new (sqlite3_column_text (stmt, 0),
                                                  sqlite3_column_bytes (stmt, 0)));
              g_ptr_array_add (ids, g_strdup (g_ptr_array_index (diff.changed, i)));
            }
          sqlite3_reset (stmt);
        }
      sqlite3_finalize (stmt);
    }

  _vdi_farm_diff_finish (&diff, seen, removed);
  return TRUE;

fail:
  db_error (db, path, error);
  sqlite3_finalize (stmt);
  _vdi_farm_diff_clear (&diff);
  return FALSE;
}

static gboolean
sqlite_changes (const char      *path,
                VdiFarmFollow   *follow,
                VdiFarmChanges **changes,
                GError         **error)
{
  g_autoptr(GHashTable) providers = NULL;
  g_autoptr(GHashTable) templates = NULL;
  VdiFarmChanges *found;
  sqlite3 *db = follow->conn;
  sqlite3_stmt *stmt = NULL;
  gint64 data_version;
  int version;

  *changes = NULL;
  if (db == NULL)
    {
      /* A farm no one has written yet: nothing to follow until the file is there. */
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
      db = open_db (path, FALSE, error);
      if (db == NULL)
        return FALSE;
      follow->conn = db;
      follow->compare_all = TRUE;
    }

  /* Another connection's commit changes the number; this connection never writes. */
  if (sqlite3_prepare_v2 (db, "PRAGMA data_version;", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return db_error (db, path, error);
    }
  data_version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (!follow->compare_all && data_version == follow->data_version)
    return TRUE;

  /* Work on copies, so a failure part way leaves the versions as they were. */
  providers = g_hash_table_ref (follow->providers);
  templates = g_hash_table_ref (follow->templates);
  found = _vdi_farm_changes_new ();

  if (!exec (db, path, "BEGIN;", error) || !get_version (db, path, &version, error))
    goto fail;
  if (version > 0 &&
      (!table_changes (db, path, "providers", &providers, found->providers,
                      found->provider_ids, found->removed_providers, error) ||
       !table_changes (db, path, "templates", &templates, found->templates,
                      found->template_ids, found->removed_templates, error)))
    goto fail;
  sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL);

  follow->data_version = data_version;
  _vdi_farm_follow_commit (follow, g_steal_pointer (&providers), g_steal_pointer (&templates),
                           found, changes);
  return TRUE;

fail:
  sqlite3_exec (db, "ROLLBACK;", NULL, NULL, NULL);
  _vdi_farm_changes_free (found);
  /* Start over from a new connection next time. */
  sqlite3_close (db);
  follow->conn = NULL;
  return FALSE;
}

static void
sqlite_close (gpointer conn)
{
  sqlite3_close (conn);
}

const VdiFarmRowStore _vdi_farm_sqlite_store = {
  sqlite_read,
  sqlite_write,
  sqlite_changes,
  sqlite_close,
  FALSE,
  sqlite_read_first,
};
