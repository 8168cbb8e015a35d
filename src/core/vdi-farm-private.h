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

typedef struct _VdiFarmFollow VdiFarmFollow;
typedef struct _VdiFarmChanges VdiFarmChanges;
typedef struct _VdiFarmContents VdiFarmContents;

struct _VdiFarm
{
  GObject       parent_instance;

  GListStore   *providers;
  GListStore   *templates;
  GListStore   *preview;  /* VdiTemplate, read ahead of a load; %NULL when there is none */
  char         *path;

  guint         save_source;
  guint         n_saves;
  guint         n_failed_saves;  /* background saves that failed, for tests */
  guint         loading;         /* vdi_farm_load_async() calls not finished yet */

  guint         autosave : 1;
  guint         urgent : 1;
  guint         dirty : 1;
  guint         saving : 1;
  guint         load_failed : 1;

  /* A store of rows (SQLite, PostgreSQL): template id → the serialized form last written (or a
   * placeholder after a load), to find what a save must write and what it must delete. */
  GHashTable   *written;
  GHashTable   *written_providers;
  /* The row versions of what was last read or written (id → gint64 *), which a save's changes
   * are based on. Not kept while following: the follower has its own. */
  GHashTable   *versions;
  GHashTable   *provider_versions;
  /* Templates changed since the last snapshot of rows, and whether one may have been removed
   * (or the farm was loaded), which needs a pass over all of them. */
  GHashTable   *changed_templates;
  gboolean      full_pass;
  gboolean      track_rows;

  GPtrArray    *interrupted;  /* VdiFarmInterrupted, from the last load */

  GError       *save_error;   /* why background saves fail, until one succeeds */
  guint         retry_ms;     /* the wait before trying a failed background save again */

  /* Following a store another process writes (vdi-farm-follow.c). */
  gboolean       following;
  VdiFarmFollow *follow;         /* %NULL while a poll has it, or before a load */
  guint          follow_serial;  /* a load's new versions make a poll under way stale */
  guint          follow_source;
  guint          follow_apply;   /* taking a poll in, a slice at a time */
  gboolean       polling;
  GCancellable  *follow_cancellable;
  GError        *follow_error;
};

/* Takes the row versions a load read, for following from there. */
void                _vdi_farm_follow_loaded           (VdiFarm            *self,
                                                       VdiFarmContents    *contents);
void                _vdi_farm_follow_stop             (VdiFarm            *self);
void                _vdi_farm_notify_following        (VdiFarm            *self);
void                _vdi_farm_notify_save_error       (VdiFarm            *self);
void                _vdi_farm_notify_follow_error     (VdiFarm            *self);
void                _vdi_farm_emit_followed           (VdiFarm            *self,
                                                       guint               n_changes);

void                _vdi_farm_set_dirty               (VdiFarm            *self,
                                                       gboolean            dirty);
gboolean            _vdi_farm_save_timeout_cb         (gpointer            user_data);
void                _vdi_farm_emit_save_failed        (VdiFarm            *self,
                                                       const GError       *error);
void                _vdi_farm_emit_change_refused     (VdiFarm            *self,
                                                       const GError       *error);
GBytes             *_vdi_farm_template_bytes          (VdiTemplate        *template);
GBytes             *_vdi_farm_provider_bytes          (VdiProvider        *provider);
gboolean            _vdi_farm_same_name               (const char         *a,
                                                       const char         *b);
void                _vdi_farm_start_save              (VdiFarm            *self);
void                _vdi_farm_forget_store            (VdiFarm            *self);
void                _vdi_farm_set_preview             (VdiFarm            *self,
                                                       GPtrArray          *templates);

/* What a load produces, built off the main thread and then spliced into the farm. */
struct _VdiFarmContents
{
  GPtrArray  *providers;
  GPtrArray  *templates;
  /* From a store of rows: each row's id → its row version as read (gint64 *), so a farm that
   * follows the store knows which rows changed after the load. %NULL for a farm file. */
  GHashTable *provider_versions;
  GHashTable *template_versions;
};

GHashTable         *_vdi_farm_versions_new            (void);
void                _vdi_farm_versions_set            (GHashTable         *versions,
                                                       const char         *id,
                                                       gint64              version);

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
void                _vdi_farm_row_parser_use_providers (VdiFarmRowParser  *self,
                                                       GListModel         *providers);

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
  /* The row version this process last read or wrote, which the change is based on; 0 for a
   * row this process has not seen stored. A save refuses a change whose row moved on since. */
  gint64  base;
  /* Set by a save that succeeded: the row's version now. */
  gint64  version;
} VdiFarmRow;

/* Who changes the farm, as a save records it beside each row it writes. */
typedef struct
{
  char *by;       /* "user@host" */
  char *program;  /* "program/pid", as a lock holder's session names itself */
} VdiFarmWriter;

const VdiFarmWriter *_vdi_farm_writer                 (void);
gboolean            _vdi_farm_parse_holder            (const char         *name,
                                                       char              **program,
                                                       GPid               *pid);

/* A change refused because its row moved on since this process read it. */
typedef struct
{
  gboolean  template;  /* else a provider */
  char     *id;
  char     *name;      /* as this process had it */
  char     *stored_name;  /* as stored now; %NULL when deleted */
  GBytes   *doc;       /* the row as stored now; %NULL when it was deleted */
  gint64    version;
  char     *changed_by;       /* %NULL when not recorded */
  char     *changed_program;
  gint64    changed_at;       /* Unix time; 0 when not recorded */
  GPtrArray *providers;       /* VdiFarmRow (id, doc, version): those a stored template uses */
} VdiFarmConflict;

VdiFarmConflict    *_vdi_farm_conflict_new            (gboolean            template,
                                                       const VdiFarmRow   *row);
void                _vdi_farm_conflict_free           (VdiFarmConflict    *conflict);
/* Sets VDI_FARM_ERROR_CONFLICT saying who changed what and when. */
void                _vdi_farm_set_conflict_error      (GError            **error,
                                                       const VdiFarmConflict *conflict);
/* Takes the stored row of @conflict in, on the model's thread: the farm's object becomes it,
 * or goes when the row was deleted. %FALSE when that row cannot be read (see vdi-farm-follow.c). */
gboolean            _vdi_farm_take_in_conflict        (VdiFarm            *self,
                                                       const VdiFarmConflict *conflict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiFarmConflict, _vdi_farm_conflict_free)

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
  VdiFarmContents *(*read)    (const char    *location,
                               GCancellable  *cancellable,
                               GError       **error);
  /* Rows (VdiFarmRow), removals as rows of an id and a base. Each row's change must be based
   * on the version stored, or the whole save is refused: *@conflict then describes the first
   * such row, and @error is VDI_FARM_ERROR_CONFLICT. On success each row's version is set. */
  gboolean         (*write)   (const char       *location,
                               GPtrArray        *providers,
                               GPtrArray        *templates,
                               GPtrArray        *removed,
                               GPtrArray        *removed_providers,
                               VdiFarmConflict **conflict,
                               GError          **error);
  /* What other processes stored since @follow's versions, in a worker thread, on a connection
   * kept in @follow between calls: *@changes is left %NULL when nothing did. */
  gboolean         (*changes) (const char     *location,
                               VdiFarmFollow  *follow,
                               VdiFarmChanges **changes,
                               GError        **error);
  void             (*close)   (gpointer        conn);
  /* changes() waits up to VDI_FARM_FOLLOW_WAIT_MS for news of a change (PostgreSQL: a NOTIFY),
   * so the next poll may start at once; otherwise polls are that far apart. */
  gboolean           waits;
  /* Ahead of a load, in its worker: every provider and the first @n templates by name of a
   * farm of more than @min_templates, for the list to show while the rest is read; %NULL,
   * with no error, for a smaller farm or one with no database yet. May be %NULL. */
  VdiFarmContents *(*read_first) (const char    *location,
                                  guint          n,
                                  guint          min_templates,
                                  GError       **error);
} VdiFarmRowStore;

#define VDI_FARM_FOLLOW_WAIT_MS 250

/* vdi-farm-follow.c: what a farm that follows its store knows of it, used by one thread at a
 * time (the main thread between polls, a worker during one). */
struct _VdiFarmFollow
{
  GHashTable *providers;     /* id → gint64 *: the row versions last taken in */
  GHashTable *templates;
  gpointer    conn;          /* the store's connection, kept between polls */
  gint64      data_version;  /* SQLite's PRAGMA data_version at the last poll */
  gboolean    compare_all;   /* compare every row's version on the next poll */
};

/* What changed in a store: the documents of rows new or changed, in the store's order, and
 * the ids of rows removed. */
struct _VdiFarmChanges
{
  GPtrArray *providers;          /* GBytes */
  GPtrArray *provider_ids;       /* char *, the id of each of providers */
  GPtrArray *templates;          /* GBytes */
  GPtrArray *template_ids;       /* char * */
  GPtrArray *removed_providers;  /* char * */
  GPtrArray *removed_templates;  /* char * */
};

void                _vdi_farm_follow_free             (VdiFarmFollow      *follow,
                                                       const VdiFarmRowStore *store);
VdiFarmChanges     *_vdi_farm_changes_new             (void);
void                _vdi_farm_changes_free            (VdiFarmChanges     *changes);
void                _vdi_farm_follow_commit           (VdiFarmFollow      *follow,
                                                       GHashTable         *providers,
                                                       GHashTable         *templates,
                                                       VdiFarmChanges     *found,
                                                       VdiFarmChanges    **changes);

/* Finding changed rows from a store's (id, version) list, for the stores' changes(). */
typedef struct
{
  GHashTable *seen;   /* the versions before */
  GHashTable *next;   /* the versions now */
  GPtrArray  *changed;
} VdiFarmDiff;

void                _vdi_farm_diff_init               (VdiFarmDiff        *diff,
                                                       GHashTable         *seen);
void                _vdi_farm_diff_row                (VdiFarmDiff        *diff,
                                                       const char         *id,
                                                       gint64              version);
/* Adds to @removed the ids in seen and no longer in the store; next replaces seen. */
void                _vdi_farm_diff_finish             (VdiFarmDiff        *diff,
                                                       GHashTable        **seen,
                                                       GPtrArray          *removed);
void                _vdi_farm_diff_clear              (VdiFarmDiff        *diff);

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
