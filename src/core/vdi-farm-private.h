/* vdi-farm-private.h: shared by the farm's model (vdi-farm.c), rules (vdi-farm-rules.c),
 * store (vdi-farm-store.c) and JSON format (vdi-farm-json.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vdi-farm.h"

G_BEGIN_DECLS

/* A burst of changes (progress reports from many jobs) costs one write per this interval. */
#define SAVE_DELAY_MS 500

struct _VdiFarm
{
  GObject       parent_instance;

  GListStore   *providers;
  GListStore   *templates;
  char         *path;

  guint         save_source;
  guint         n_saves;

  guint         autosave : 1;
  guint         urgent : 1;
  guint         dirty : 1;
  guint         saving : 1;
  guint         load_failed : 1;

  /* A store of rows (SQLite, PostgreSQL): template id → the serialized form last written (or a
   * placeholder after a load), to find what a save must write and what it must delete. */
  GHashTable   *written;
  GHashTable   *written_providers;
  /* Templates changed since the last snapshot of rows, and whether one may have been removed
   * (or the farm was loaded), which needs a pass over all of them. */
  GHashTable   *changed_templates;
  gboolean      full_pass;
  gboolean      track_rows;
};

void                _vdi_farm_set_dirty               (VdiFarm            *self,
                                                       gboolean            dirty);
gboolean            _vdi_farm_save_timeout_cb         (gpointer            user_data);
void                _vdi_farm_emit_save_failed        (VdiFarm            *self,
                                                       const GError       *error);
GBytes             *_vdi_farm_template_bytes          (VdiTemplate        *template);
GBytes             *_vdi_farm_provider_bytes          (VdiProvider        *provider);
gboolean            _vdi_farm_same_name               (const char         *a,
                                                       const char         *b);
void                _vdi_farm_start_save              (VdiFarm            *self);

/* What a load produces, built off the main thread and then spliced into the farm. */
typedef struct
{
  GPtrArray *providers;
  GPtrArray *templates;
  guint      n_interrupted;
} VdiFarmContents;

void                _vdi_farm_contents_free           (VdiFarmContents    *contents);
GBytes             *_vdi_farm_providers_to_bytes      (GListModel         *providers);
GBytes             *_vdi_farm_template_to_bytes       (VdiTemplate        *template);
char               *_vdi_farm_join                    (GBytes             *providers,
                                                       GPtrArray          *templates,
                                                       gsize              *length);
VdiFarmContents    *_vdi_farm_parse                   (const char         *path,
                                                       const char         *data,
                                                       gsize               length,
                                                       GError            **error);

/* A farm read row by row from a database store: providers first, then templates. */
typedef struct _VdiFarmRowParser VdiFarmRowParser;

VdiFarmRowParser   *_vdi_farm_row_parser_new          (const char         *path);
void                _vdi_farm_row_parser_free         (VdiFarmRowParser   *self);
gboolean            _vdi_farm_row_parser_add_provider (VdiFarmRowParser   *self,
                                                       const char         *doc,
                                                       gsize               length,
                                                       GError            **error);
gboolean            _vdi_farm_row_parser_add_template (VdiFarmRowParser   *self,
                                                       const char         *doc,
                                                       gsize               length,
                                                       GError            **error);
VdiFarmContents    *_vdi_farm_row_parser_finish       (VdiFarmRowParser   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiFarmRowParser, _vdi_farm_row_parser_free)

/* One row of a store of rows, taken on the model's thread. */
typedef struct
{
  char   *id;
  char   *name;
  char   *parent;   /* a template's source provider id */
  char  **uses;     /* a template's target provider ids */
  char  **fed_from; /* for each of uses, the provider its copy came from, "" when none */
  gboolean relay;
  GBytes *doc;
} VdiFarmRow;

void                _vdi_farm_row_free                (VdiFarmRow         *row);
GBytes             *_vdi_farm_provider_to_bytes       (VdiProvider        *provider);
gboolean            _vdi_farm_is_sqlite_path          (const char         *path);
gboolean            _vdi_farm_set_newer_schema_error  (GError            **error,
                                                       const char         *location,
                                                       int                 version,
                                                       int                 supported);
VdiFarmContents    *_vdi_farm_parse_rows              (const char         *location,
                                                       GPtrArray          *providers,
                                                       GPtrArray          *templates,
                                                       GError            **error);

/* A store of rows (SQLite, PostgreSQL), as against a JSON farm file. read() of a store that
 * holds no farm yet is an empty farm; write() takes the rows changed since the last save
 * (VdiFarmRow) and the ids of the removed ones, and stores them in one transaction. Both run
 * in worker threads, each on its own connection. */
typedef struct
{
  VdiFarmContents *(*read)  (const char    *location,
                             GCancellable  *cancellable,
                             GError       **error);
  gboolean         (*write) (const char    *location,
                             GPtrArray     *providers,
                             GPtrArray     *templates,
                             GPtrArray     *removed,
                             GPtrArray     *removed_providers,
                             GError       **error);
} VdiFarmRowStore;

extern const VdiFarmRowStore _vdi_farm_sqlite_store;
extern const VdiFarmRowStore _vdi_farm_pg_store;

const VdiFarmRowStore *_vdi_farm_row_store_for        (const char         *location);

/* vdi-farm-store.c, vdi-farm-recovery.c */
gboolean            _vdi_farm_write_atomically        (const char         *path,
                                                       const char         *data,
                                                       gsize               length,
                                                       GError            **error);
gboolean            _vdi_farm_import_old_default      (const char         *path,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiFarmContents, _vdi_farm_contents_free)

G_END_DECLS
