/* vdi-farm-store.c: loading and saving a farm, in a file (JSON) or a store of rows.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vdi-farm-lock.h"
#include "vdi-farm-pg.h"
#include "vdi-farm-private.h"

/* A farm file is a few MiB at 10,000 templates; anything near this is not ours. */
#define MAX_FILE_SIZE (512 * 1024 * 1024)

/* Loading ------------------------------------------------------------------------------------ */

/**
 * _vdi_farm_row_store_for:
 *
 * Returns: (nullable): the store of rows a farm location names (a postgresql:// URI, a file
 *   ending in .db), or %NULL for a JSON farm file
 */
const VdiFarmRowStore *
_vdi_farm_row_store_for (const char *location)
{
  if (_vdi_farm_is_pg_uri (location))
    return &_vdi_farm_pg_store;
  if (_vdi_farm_is_sqlite_path (location))
    return &_vdi_farm_sqlite_store;
  return NULL;
}

/* Conflicts ---------------------------------------------------------------------------------- */

const VdiFarmWriter *
_vdi_farm_writer (void)
{
  static VdiFarmWriter writer;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_autofree char *program = g_path_get_basename (g_get_prgname () != NULL
                                                        ? g_get_prgname () : "vdi-console");

      writer.by = g_strdup_printf ("%s@%s", g_get_user_name (), g_get_host_name ());
      writer.program = g_strdup_printf ("%s/%d", program, (int)getpid ());
      g_once_init_leave (&done, 1);
    }
  return &writer;
}

VdiFarmConflict *
_vdi_farm_conflict_new (gboolean          template,
                        const VdiFarmRow *row)
{
  VdiFarmConflict *conflict = g_new0 (VdiFarmConflict, 1);

  conflict->template = template;
  conflict->id = g_strdup (row->id);
  conflict->name = g_strdup (row->name);
  conflict->providers = g_ptr_array_new_with_free_func ((GDestroyNotify)_vdi_farm_row_free);
  return conflict;
}

void
_vdi_farm_conflict_free (VdiFarmConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->id);
  g_free (conflict->name);
  g_free (conflict->stored_name);
  g_clear_pointer (&conflict->doc, g_bytes_unref);
  g_free (conflict->changed_by);
  g_free (conflict->changed_program);
  g_clear_pointer (&conflict->providers, g_ptr_array_unref);
  g_free (conflict);
}

/* A lock holder's session, and a row's changed_program, name a process "PROGRAM/PID" (its application_name). Returns whether
 * @name had that form: @program is then the part before the last slash (or %NULL when empty),
 * @pid the number after it (or 0 when not a process id). */
gboolean
_vdi_farm_parse_holder (const char  *name,
                           char       **program,
                           GPid        *pid)
{
  const char *slash = name != NULL ? strrchr (name, '/') : NULL;
  gint64 value = slash != NULL ? g_ascii_strtoll (slash + 1, NULL, 10) : 0;

  if (program != NULL)
    *program = slash != NULL && slash > name ? g_strndup (name, slash - name) : NULL;
  if (pid != NULL)
    *pid = value > 0 && value <= G_MAXINT ? (GPid)value : 0;
  return slash != NULL;
}

/* "alice@ws2 (vdi-console, process 4242)", or "alice@ws2" when the program is not recorded. */
static char *
describe_writer (const char *by,
                 const char *program)
{
  g_autofree char *name = NULL;
  GPid pid = 0;

  if (_vdi_farm_parse_holder (program, &name, &pid) && name != NULL && pid > 0)
    /* Translators: who changed a row of the farm: user@host (program, process 4242) */
    return g_strdup_printf (_("%s (%s, process %d)"), by, name, (int)pid);
  return g_strdup (by);
}

/* The row a refused change was about: “NAME”, or “NAME”, now named “NEW”, when another
 * process renamed it. */
static char *
describe_row (const VdiFarmConflict *conflict)
{
  const char *name = conflict->name != NULL ? conflict->name : conflict->id;

  if (conflict->stored_name != NULL && g_strcmp0 (conflict->stored_name, name) != 0)
    /* Translators: a template or provider another program renamed */
    return g_strdup_printf (_("“%s”, now named “%s”,"), name, conflict->stored_name);
  /* Translators: the name of a template or provider */
  return g_strdup_printf (_("“%s”"), name);
}

void
_vdi_farm_set_conflict_error (GError                **error,
                              const VdiFarmConflict  *conflict)
{
  g_autofree char *row = describe_row (conflict);
  g_autofree char *who = NULL;
  g_autofree char *when = NULL;

  if (conflict->changed_by == NULL)
    {
      /* Rows stored before the farm recorded who changed them. */
      if (conflict->doc == NULL)
        g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT,
                     conflict->template
                       /* Translators: %s is a quoted name */
                       ? _("Another program deleted the template %s after this one read it, "
                           "so the change made here was not saved")
                       : _("Another program deleted the provider %s after this one read it, "
                           "so the change made here was not saved"), row);
      else
        g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT,
                     conflict->template
                       ? _("Another program changed the template %s after this one read it, "
                           "so the change made here was not saved; it shows theirs now")
                       : _("Another program changed the provider %s after this one read it, "
                           "so the change made here was not saved; it shows theirs now"), row);
      return;
    }

  who = describe_writer (conflict->changed_by, conflict->changed_program);
  {
    g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (conflict->changed_at);

    /* Translators: when another program changed a template, see g_date_time_format() */
    when = at != NULL ? g_date_time_format (at, _("%-d %B %Y at %H:%M:%S")) : g_strdup ("?");
  }
  if (conflict->doc == NULL)
    g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT,
                 conflict->template
                   /* Translators: who, a quoted name, and when */
                   ? _("%s deleted the template %s on %s, after this program read it, so the "
                       "change made here was not saved")
                   : _("%s deleted the provider %s on %s, after this program read it, so the "
                       "change made here was not saved"), who, row, when);
  else
    g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT,
                 conflict->template
                   ? _("%s changed the template %s on %s, after this program read it, so the "
                       "change made here was not saved; it shows theirs now")
                   : _("%s changed the provider %s on %s, after this program read it, so the "
                       "change made here was not saved; it shows theirs now"), who, row, when);
}

/* The farm starts anew in its store: nothing of it is there, so the next save writes every
 * row as new and deletes none. */
void
_vdi_farm_forget_store (VdiFarm *self)
{
  g_hash_table_remove_all (self->written);
  g_hash_table_remove_all (self->written_providers);
  g_hash_table_remove_all (self->versions);
  g_hash_table_remove_all (self->provider_versions);
  self->full_pass = TRUE;
}

static VdiFarmContents *
read_farm_file (const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  const VdiFarmRowStore *store = _vdi_farm_row_store_for (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (store != NULL)
    {
      if (store == &_vdi_farm_sqlite_store &&
          !_vdi_farm_import_old_default (path, cancellable, error))
        return NULL;
      return store->read (path, cancellable, error);
    }

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      /* No file yet is a new, empty farm. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          VdiFarmContents *empty = g_new0 (VdiFarmContents, 1);

          empty->providers = g_ptr_array_new_with_free_func (g_object_unref);
          empty->templates = g_ptr_array_new_with_free_func (g_object_unref);
          return empty;
        }
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the farm file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” is not a regular file"), path);
      return NULL;
    }
  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                   _("The farm file “%s” is too large to be a farm file (%s)"), path,
                   g_format_size (g_file_info_get_size (info)));
      return NULL;
    }

  if (!g_file_load_contents (file, cancellable, &data, &length, NULL, &local_error))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the farm file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  return _vdi_farm_parse (path, data, length, error);
}

/* Work that was running when the process that ran it stopped did not finish: it needs doing
 * again. Returns: how many targets and hosts that was. */
static guint
mark_interrupted (GPtrArray *templates,
                  GPtrArray *interrupted)
{
  guint n_interrupted = 0;

  for (guint i = 0; i < templates->len; i++)
    {
      VdiTemplate *template = g_ptr_array_index (templates, i);
      GListModel *targets = vdi_template_get_targets (template);
      GListModel *hosts = vdi_template_get_hosts (template);

      for (guint j = 0, n = g_list_model_get_n_items (targets); j < n; j++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, j);

          if (!vdi_target_is_busy (target))
            continue;
          g_ptr_array_add (interrupted, vdi_farm_interrupted_new (template, target));
          vdi_target_set_state (target, VDI_TARGET_STATE_NEEDS_UPDATE);
          vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
          vdi_target_set_last_error (target,
                                     _("Interrupted: VDI Console stopped while this work was "
                                       "running. Retry to finish it."));
          n_interrupted++;
        }
      for (guint j = 0, n = g_list_model_get_n_items (hosts); j < n; j++)
        {
          g_autoptr(VdiHost) host = g_list_model_get_item (hosts, j);

          if (vdi_host_get_state (host) != VDI_HOST_STATE_CREATING)
            continue;
          vdi_host_set_state (host, VDI_HOST_STATE_FAILED);
          vdi_host_set_last_error (host,
                                   _("Interrupted: VDI Console stopped while this host was "
                                     "being created. Recreate it."));
          n_interrupted++;
        }
    }
  return n_interrupted;
}

static void
apply_contents (VdiFarm         *self,
                VdiFarmContents *contents)
{
  guint n_providers = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  guint n_templates = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  /* A farm another process writes shows that process's work under way as it is. */
  guint n_interrupted;

  g_ptr_array_set_size (self->interrupted, 0);
  n_interrupted = self->following ? 0 : mark_interrupted (contents->templates, self->interrupted);

  /* Replace what was there in one step per list. */
  g_list_store_splice (self->templates, 0, n_templates, NULL, 0);
  g_list_store_splice (self->providers, 0, n_providers, NULL, 0);
  vdi_farm_splice (self, contents->providers, contents->templates);

  /* Every loaded template is a row; the first save compares each with its stored form. */
  g_hash_table_remove_all (self->written);
  g_hash_table_remove_all (self->written_providers);
  g_hash_table_remove_all (self->changed_templates);
  self->full_pass = TRUE;
  if (self->track_rows)
    {
      for (guint i = 0; i < contents->templates->len; i++)
        g_hash_table_insert (self->written,
                             g_strdup (vdi_template_get_id (g_ptr_array_index (contents->templates, i))),
                             g_bytes_new_static ("", 0));
      for (guint i = 0; i < contents->providers->len; i++)
        g_hash_table_insert (self->written_providers,
                             g_strdup (vdi_provider_get_id (g_ptr_array_index (contents->providers, i))),
                             g_bytes_new_static ("", 0));
    }

  /* What a save's changes are based on; a farm that follows leaves them to its follower. */
  g_clear_pointer (&self->versions, g_hash_table_unref);
  g_clear_pointer (&self->provider_versions, g_hash_table_unref);
  if (!self->following && contents->template_versions != NULL)
    {
      self->versions = g_steal_pointer (&contents->template_versions);
      self->provider_versions = g_steal_pointer (&contents->provider_versions);
    }
  else
    {
      self->versions = _vdi_farm_versions_new ();
      self->provider_versions = _vdi_farm_versions_new ();
    }

  self->load_failed = FALSE;
  /* The farm's own templates are there: what was read ahead of them goes. */
  _vdi_farm_set_preview (self, NULL);
  _vdi_farm_follow_loaded (self, contents);
  /* Interrupted work was rewritten as Needs update; that is a change worth saving. */
  _vdi_farm_set_dirty (self, n_interrupted > 0);
  if (self->dirty && self->autosave && self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, _vdi_farm_save_timeout_cb, self);
}

/**
 * vdi_farm_load:
 *
 * Reads the farm file, blocking. For vdictl and tests; the console uses vdi_farm_load_async().
 * A missing file is an empty farm. A file that cannot be read is left untouched, and the farm
 * refuses to save over it until vdi_farm_set_aside() or vdi_farm_restore_backup() is called.
 */
gboolean
vdi_farm_load (VdiFarm       *self,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(VdiFarmContents) contents = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  contents = read_farm_file (self->path, cancellable, error);
  if (contents == NULL)
    {
      self->load_failed = TRUE;
      return FALSE;
    }

  apply_contents (self, contents);
  return TRUE;
}

/* A farm database of more templates than this shows its first ones while the rest is read. */
#define PREVIEW_MIN_TEMPLATES 1000
/* Enough rows for the tallest window's first screen of the list. */
#define PREVIEW_TEMPLATES     100

typedef struct
{
  VdiFarm         *farm;
  VdiFarmContents *contents;
} Preview;

static void
preview_free (gpointer data)
{
  Preview *preview = data;

  g_object_unref (preview->farm);
  _vdi_farm_contents_free (preview->contents);
  g_free (preview);
}

/* On the farm's thread, before the load's own result: that one is queued after it. Only a
 * first load shows a preview; a farm that has templates keeps showing them. */
static gboolean
preview_ready_cb (gpointer data)
{
  Preview *preview = data;
  VdiFarm *self = preview->farm;

  if (self->loading > 0 && g_list_model_get_n_items (G_LIST_MODEL (self->templates)) == 0)
    {
      /* As the load will show them: work the last process left running, interrupted. */
      if (!self->following)
        {
          g_autoptr(GPtrArray) interrupted =
            g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_farm_interrupted_free);

          mark_interrupted (preview->contents->templates, interrupted);
        }
      _vdi_farm_set_preview (self, preview->contents->templates);
    }
  return G_SOURCE_REMOVE;
}

/* Reads a big farm database's first templates and hands them to the farm's thread. What fails
 * here fails again in the load, which says so. */
static void
read_preview (GTask      *task,
              const char *path)
{
  const VdiFarmRowStore *store = _vdi_farm_row_store_for (path);
  g_autoptr(GError) error = NULL;
  VdiFarmContents *contents;
  Preview *preview;

  if (store == NULL || store->read_first == NULL)
    return;
  contents = store->read_first (path, PREVIEW_TEMPLATES, PREVIEW_MIN_TEMPLATES, &error);
  if (contents == NULL)
    {
      if (error != NULL)
        g_debug ("Reading the first templates of %s: %s", path, error->message);
      return;
    }

  preview = g_new0 (Preview, 1);
  preview->farm = g_object_ref (g_task_get_source_object (task));
  preview->contents = contents;
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, preview_ready_cb,
                              preview, preview_free);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  VdiFarmContents *contents;

  read_preview (task, path);
  contents = read_farm_file (path, cancellable, &error);

  if (contents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, contents, (GDestroyNotify)_vdi_farm_contents_free);
}

void
vdi_farm_load_async (VdiFarm             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VDI_IS_FARM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_farm_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  self->loading++;
  g_task_run_in_thread (task, load_worker);
}

gboolean
vdi_farm_load_finish (VdiFarm       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_autoptr(VdiFarmContents) contents = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_farm_load_async, FALSE);

  self->loading--;
  contents = g_task_propagate_pointer (G_TASK (result), error);
  if (contents == NULL)
    {
      _vdi_farm_set_preview (self, NULL);
      self->load_failed = TRUE;
      return FALSE;
    }

  apply_contents (self, contents);
  return TRUE;
}

/* Saving ------------------------------------------------------------------------------------- */

static gboolean
fsync_directory (const char  *dir,
                 GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  fsync (fd);
  close (fd);
  return TRUE;
}

/* Temp files of a writer killed mid-save: PATH.XXXXXX (g_mkstemp) and PATH.bak.new. Only the
 * farm's writer calls this, right before it writes, so no live temp file is taken away. */
static void
remove_stale_temp_files (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gsize base_len = strlen (base);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      const char *suffix;
      gboolean stale;

      if (strncmp (name, base, base_len) != 0 || name[base_len] != '.')
        continue;

      suffix = name + base_len + 1;
      stale = g_str_equal (suffix, "bak.new");
      if (strlen (suffix) == 6)
        {
          stale = TRUE;
          for (guint i = 0; i < 6; i++)
            stale = stale && g_ascii_isalnum (suffix[i]);
        }

      if (stale)
        {
          g_autofree char *stale_path = g_build_filename (dir_path, name, NULL);

          g_unlink (stale_path);
        }
    }
}

/* Writes @data to @path so that at every instant @path is either the old complete file or the
 * new complete file: temp file in the same folder, fsync, keep the old file as PATH.bak by a
 * hard link, rename over. A kill at any moment leaves a readable farm. */
gboolean
_vdi_farm_write_atomically (const char  *path,
                            const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *bak_path = g_strconcat (path, ".bak", NULL);
  g_autofree char *bak_tmp = g_strconcat (path, ".bak.new", NULL);
  gsize written = 0;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  remove_stale_temp_files (path);

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  while (written < length)
    {
      gssize n = write (fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (tmp_path);
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                       _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      written += n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* The file being replaced was loaded or written by us, so it is the last good one. */
  g_unlink (bak_tmp);
  if (link (path, bak_tmp) == 0)
    {
      g_rename (bak_tmp, bak_path);
      /* rename() between two links of one file does nothing, which happens when a writer was
       * killed right after updating the backup; the extra link must not stay. */
      g_unlink (bak_tmp);
    }

  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  fsync_directory (dir, NULL);
  return TRUE;
}

static gboolean
check_can_save (VdiFarm  *self,
                GError  **error)
{
  if (self->load_failed && _vdi_farm_is_pg_uri (self->path))
    {
      g_autofree char *display = _vdi_farm_pg_display (self->path);

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm database “%s” could not be read, so nothing is written to it "
                     "until it is loaded again"), display);
      return FALSE;
    }
  if (self->load_failed)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” could not be read, so it is left untouched until you "
                     "choose to open the backup or start a new farm"), self->path);
      return FALSE;
    }
  return TRUE;
}

/* JSON: the providers and every template. SQLite: the rows of the providers and templates
 * that changed since the last save and the ids of those removed. */
typedef struct
{
  char       *path;
  GBytes     *providers;
  GPtrArray  *templates;
  GPtrArray  *provider_rows;
  GPtrArray  *template_rows;
  GPtrArray  *removed;
  GPtrArray  *removed_providers;
  GHashTable *changed;      /* the templates this save looked at, put back if it fails */
  gboolean    full_pass;
  VdiFarmConflict *conflict;  /* why the store refused it */
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->path);
  g_clear_pointer (&snapshot->providers, g_bytes_unref);
  g_clear_pointer (&snapshot->templates, g_ptr_array_unref);
  g_clear_pointer (&snapshot->provider_rows, g_ptr_array_unref);
  g_clear_pointer (&snapshot->template_rows, g_ptr_array_unref);
  g_clear_pointer (&snapshot->removed, g_ptr_array_unref);
  g_clear_pointer (&snapshot->removed_providers, g_ptr_array_unref);
  g_clear_pointer (&snapshot->changed, g_hash_table_unref);
  g_clear_pointer (&snapshot->conflict, _vdi_farm_conflict_free);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static gint64
base_of (GHashTable *versions,
         const char *id)
{
  gint64 *version = g_hash_table_lookup (versions, id);

  return version != NULL ? *version : 0;
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)_vdi_farm_row_free);
}

/* The rows in @written that are no longer in the farm, each with the version its removal is
 * based on. */
static GPtrArray *
find_removed (GHashTable *written,
              GHashTable *versions,
              GHashTable *present)
{
  GPtrArray *removed = rows_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, written);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      {
        VdiFarmRow *row = g_new0 (VdiFarmRow, 1);

        row->id = g_strdup (key);
        row->base = base_of (versions, key);
        g_ptr_array_add (removed, row);
      }
  return removed;
}

static void
add_template_row (VdiFarm     *self,
                  Snapshot    *snapshot,
                  VdiTemplate *template)
{
  g_autoptr(GBytes) bytes = _vdi_farm_template_bytes (template);
  const char *id = vdi_template_get_id (template);
  GListModel *targets;
  VdiFarmRow *row;
  guint nt;

  if (g_hash_table_lookup (self->written, id) == bytes)
    return;

  targets = vdi_template_get_targets (template);
  nt = g_list_model_get_n_items (targets);
  row = g_new0 (VdiFarmRow, 1);
  row->id = g_strdup (id);
  row->name = g_strdup (vdi_template_get_name (template));
  row->parent = g_strdup (vdi_provider_get_id (vdi_template_get_source_provider (template)));
  row->relay = vdi_template_get_relay (template);
  row->uses = g_new0 (char *, nt + 1);
  row->fed_from = g_new0 (char *, nt + 1);
  for (guint j = 0; j < nt; j++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, j);
      const char *fed_from = vdi_target_get_fed_from (target);

      row->uses[j] = g_strdup (vdi_provider_get_id (vdi_target_get_provider (target)));
      row->fed_from[j] = g_strdup (fed_from != NULL ? fed_from : "");
    }
  row->doc = g_bytes_ref (bytes);
  row->base = base_of (self->versions, id);
  g_ptr_array_add (snapshot->template_rows, row);
}

/* Compares each object's serialized form (cached until it changes) with the one last written:
 * a pointer comparison, so a save of one change among 10,000 templates stays cheap. */
static Snapshot *
take_rows (VdiFarm *self)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);
  GListModel *providers = G_LIST_MODEL (self->providers);
  GListModel *templates = G_LIST_MODEL (self->templates);
  guint n = g_list_model_get_n_items (templates);
  guint np = g_list_model_get_n_items (providers);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) present_providers = g_hash_table_new (g_str_hash, g_str_equal);

  snapshot->path = g_strdup (self->path);
  snapshot->provider_rows = rows_new ();
  snapshot->template_rows = rows_new ();

  for (guint i = 0; i < np; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);
      g_autoptr(GBytes) bytes = _vdi_farm_provider_bytes (provider);
      const char *id = vdi_provider_get_id (provider);

      /* The farm holds the provider, so the id outlives this function. */
      g_hash_table_add (present_providers, (gpointer)id);
      if (g_hash_table_lookup (self->written_providers, id) != bytes)
        {
          VdiFarmRow *row = g_new0 (VdiFarmRow, 1);

          row->id = g_strdup (id);
          row->name = g_strdup (vdi_provider_get_name (provider));
          row->doc = g_bytes_ref (bytes);
          row->base = base_of (self->provider_versions, id);
          g_ptr_array_add (snapshot->provider_rows, row);
        }
    }

  /* Only the templates that changed, unless one may have gone. */
  snapshot->changed = g_steal_pointer (&self->changed_templates);
  self->changed_templates = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  snapshot->full_pass = self->full_pass;
  self->full_pass = FALSE;
  if (snapshot->full_pass)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

        g_hash_table_add (present, (gpointer)vdi_template_get_id (template));
        add_template_row (self, snapshot, template);
      }
  else
    {
      GHashTableIter iter;
      gpointer template;

      g_hash_table_iter_init (&iter, snapshot->changed);
      while (g_hash_table_iter_next (&iter, &template, NULL))
        add_template_row (self, snapshot, template);
    }

  snapshot->removed = snapshot->full_pass ? find_removed (self->written, self->versions, present)
                                          : rows_new ();
  snapshot->removed_providers = find_removed (self->written_providers, self->provider_versions,
                                              present_providers);
  return snapshot;
}

static void
remember_rows (GHashTable *written,
               GHashTable *versions,
               GPtrArray  *rows,
               GPtrArray  *removed)
{
  for (guint i = 0; i < rows->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (rows, i);

      g_hash_table_replace (written, g_strdup (row->id), g_bytes_ref (row->doc));
      _vdi_farm_versions_set (versions, row->id, row->version);
    }
  for (guint i = 0; i < removed->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (removed, i);

      g_hash_table_remove (written, row->id);
      g_hash_table_remove (versions, row->id);
    }
}

/* After a save failed, on the model's thread: the next one looks at the same templates again. */
static void
snapshot_failed (VdiFarm  *self,
                 Snapshot *snapshot)
{
  GHashTableIter iter;
  gpointer template;

  if (snapshot->changed == NULL)
    return;
  g_hash_table_iter_init (&iter, snapshot->changed);
  while (g_hash_table_iter_next (&iter, &template, NULL))
    g_hash_table_add (self->changed_templates, g_object_ref (template));
  self->full_pass = self->full_pass || snapshot->full_pass;
}

/* After a save succeeded, on the model's thread: what it wrote is what the database holds. */
static void
snapshot_written (VdiFarm  *self,
                  Snapshot *snapshot)
{
  if (snapshot->provider_rows == NULL)
    return;
  remember_rows (self->written_providers, self->provider_versions, snapshot->provider_rows,
                 snapshot->removed_providers);
  remember_rows (self->written, self->versions, snapshot->template_rows, snapshot->removed);
}

static Snapshot *
take_snapshot (VdiFarm *self)
{
  Snapshot *snapshot;
  GListModel *templates = G_LIST_MODEL (self->templates);
  guint n = g_list_model_get_n_items (templates);

  if (self->track_rows)
    return take_rows (self);

  snapshot = g_new0 (Snapshot, 1);
  snapshot->path = g_strdup (self->path);
  snapshot->providers = _vdi_farm_providers_to_bytes (G_LIST_MODEL (self->providers));
  snapshot->templates = g_ptr_array_new_full (n, (GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      g_ptr_array_add (snapshot->templates, _vdi_farm_template_bytes (template));
    }

  return snapshot;
}

static gboolean
write_snapshot (Snapshot  *snapshot,
                GError   **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (snapshot->provider_rows != NULL)
    return _vdi_farm_row_store_for (snapshot->path)->write (snapshot->path,
                                                            snapshot->provider_rows,
                                                            snapshot->template_rows,
                                                            snapshot->removed,
                                                            snapshot->removed_providers,
                                                            &snapshot->conflict, error);

  data = _vdi_farm_join (snapshot->providers, snapshot->templates, &length);
  return _vdi_farm_write_atomically (snapshot->path, data, length, error);
}

/**
 * vdi_farm_save:
 *
 * Writes the farm now, blocking. The console saves through autosave instead.
 *
 * A change to a row another process changed since this one read it is refused: the farm takes
 * the stored row in, emits #VdiFarm::change-refused, saves the rest, and returns %FALSE with
 * the first such VDI_FARM_ERROR_CONFLICT.
 */
gboolean
vdi_farm_save (VdiFarm  *self,
               GError  **error)
{
  g_autoptr(Snapshot) snapshot = NULL;
  g_autoptr(GError) refused = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  if (!check_can_save (self, error))
    return FALSE;

  g_clear_handle_id (&self->save_source, g_source_remove);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      _vdi_farm_set_dirty (self, FALSE);
      snapshot = take_snapshot (self);
      if (write_snapshot (snapshot, &local_error))
        break;

      snapshot_failed (self, snapshot);
      _vdi_farm_set_dirty (self, TRUE);
      if (snapshot->conflict == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Their row in, and the rest of the save again: each round takes one row in. */
      if (_vdi_farm_take_in_conflict (self, snapshot->conflict))
        {
          _vdi_farm_emit_change_refused (self, local_error);
          if (refused == NULL)
            refused = g_steal_pointer (&local_error);
        }
      g_clear_pointer (&snapshot, snapshot_free);
    }
  snapshot_written (self, snapshot);
  self->n_saves++;
  if (refused != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  return TRUE;
}

static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (write_snapshot (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VdiFarm *self = VDI_FARM (object);
  Snapshot *snapshot = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error) && snapshot->conflict != NULL)
    {
      /* Not a failure of the store: their row in, and the rest of the save at once. */
      snapshot_failed (self, snapshot);
      _vdi_farm_set_dirty (self, TRUE);
      if (_vdi_farm_take_in_conflict (self, snapshot->conflict))
        _vdi_farm_emit_change_refused (self, error);
      g_clear_handle_id (&self->save_source, g_source_remove);
      _vdi_farm_start_save (self);
      return;
    }
  if (error != NULL)
    {
      gboolean news = self->save_error == NULL ||
                      !g_error_matches (error, self->save_error->domain,
                                        self->save_error->code) ||
                      g_strcmp0 (error->message, self->save_error->message) != 0;

      self->n_failed_saves++;
      snapshot_failed (self, snapshot);
      _vdi_farm_set_dirty (self, TRUE);
      /* Tried again on its own, soon at first (a database back within seconds), then every
       * 30 s at most: what happened while the store was away is written once it is back,
       * another change or not. Not when another process has the farm now. */
      if (self->autosave && self->save_source == 0 &&
          !g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER))
        {
          self->retry_ms = self->retry_ms == 0 ? 1000 : MIN (self->retry_ms * 2, 30000);
          self->save_source = g_timeout_add (self->retry_ms, _vdi_farm_save_timeout_cb, self);
        }
      /* Said once while it lasts, and again should the reason change. */
      if (news)
        {
          g_clear_error (&self->save_error);
          self->save_error = g_error_copy (error);
          _vdi_farm_notify_save_error (self);
          _vdi_farm_emit_save_failed (self, error);
        }
      return;
    }

  snapshot_written (self, snapshot);
  self->n_saves++;
  self->retry_ms = 0;
  if (self->save_error != NULL)
    {
      g_clear_error (&self->save_error);
      _vdi_farm_notify_save_error (self);
    }

  /* Changes made while writing go out in the next save: at once if one was urgent, else after
   * the coalescing delay. */
  if (self->urgent)
    {
      self->urgent = FALSE;
      g_clear_handle_id (&self->save_source, g_source_remove);
      _vdi_farm_start_save (self);
    }
  else if (self->dirty && self->autosave && self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, _vdi_farm_save_timeout_cb, self);
}

/* Reading the model happens here, on its thread; joining the pieces and the disk I/O go to a
 * worker. */
void
_vdi_farm_start_save (VdiFarm *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;

  if (!check_can_save (self, &error))
    {
      _vdi_farm_emit_save_failed (self, error);
      return;
    }

  self->saving = TRUE;
  _vdi_farm_set_dirty (self, FALSE);

  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, _vdi_farm_start_save);
  g_task_set_task_data (task, take_snapshot (self), (GDestroyNotify)snapshot_free);
  g_task_run_in_thread (task, save_worker);
}

/**
 * vdi_farm_schedule_save:
 *
 * Asks for a save soon; many requests within the coalescing interval cost one write.
 */
void
vdi_farm_schedule_save (VdiFarm *self)
{
  g_return_if_fail (VDI_IS_FARM (self));

  _vdi_farm_set_dirty (self, TRUE);
  if (self->save_source == 0 && !self->saving)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, _vdi_farm_save_timeout_cb, self);
}

/**
 * vdi_farm_save_soon:
 *
 * Starts a save now, in the background, without the coalescing delay: for records that must
 * reach the disk before anything else happens (a provider job just started). A save already
 * under way is followed by another at once.
 */
void
vdi_farm_save_soon (VdiFarm *self)
{
  g_return_if_fail (VDI_IS_FARM (self));

  _vdi_farm_set_dirty (self, TRUE);
  if (self->saving)
    {
      self->urgent = TRUE;
      return;
    }
  g_clear_handle_id (&self->save_source, g_source_remove);
  _vdi_farm_start_save (self);
}

/**
 * vdi_farm_flush:
 *
 * Waits for a save under way and writes what is still unsaved, for quitting.
 */
gboolean
vdi_farm_flush (VdiFarm  *self,
                GError  **error)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);
  while (self->saving)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!self->dirty)
    return TRUE;
  return vdi_farm_save (self, error);
}

/**
 * vdi_farm_export:
 * @path: a file that does not exist yet, ending in .db for SQLite, else a JSON farm file; or a
 *   postgresql:// database that holds no farm yet
 *
 * Writes what the farm holds into a new farm at @path, blocking: `vdictl farm export` and
 * `import`, and moving a farm between stores. An existing file or farm is never written over.
 */
gboolean
vdi_farm_export (VdiFarm     *self,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(VdiFarm) copy = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(GPtrArray) templates = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  copy = vdi_farm_new (path);
  if (_vdi_farm_is_pg_uri (path))
    {
      g_autofree char *display = _vdi_farm_pg_display (path);

      /* A database is "new" when it holds no farm; its lock keeps a console from writing
       * there meanwhile. */
      lock = vdi_farm_lock_acquire (path, error);
      if (lock == NULL || !vdi_farm_load (copy, NULL, error))
        return FALSE;
      if (g_list_model_get_n_items (G_LIST_MODEL (copy->providers)) > 0 ||
          g_list_model_get_n_items (G_LIST_MODEL (copy->templates)) > 0)
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                       _("The farm database “%s” already holds a farm; a farm is only "
                         "exported to a new one"), display);
          return FALSE;
        }
    }
  else if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The file “%s” already exists; a farm is only exported to a new file"),
                   path);
      return FALSE;
    }

  /* The copy holds the same objects for as long as it writes them. */
  providers = g_ptr_array_new_with_free_func (g_object_unref);
  templates = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->providers)); i < n; i++)
    g_ptr_array_add (providers, g_list_model_get_item (G_LIST_MODEL (self->providers), i));
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->templates)); i < n; i++)
    g_ptr_array_add (templates, g_list_model_get_item (G_LIST_MODEL (self->templates), i));

  vdi_farm_splice (copy, providers, templates);
  return vdi_farm_save (copy, error);
}

/* Interrupted work ----------------------------------------------------------------------------- */

VdiFarmInterrupted *
vdi_farm_interrupted_new (VdiTemplate *template,
                          VdiTarget   *target)
{
  VdiFarmInterrupted *interrupted = g_new0 (VdiFarmInterrupted, 1);

  interrupted->template = g_object_ref (template);
  interrupted->target = g_object_ref (target);
  interrupted->progress = vdi_target_get_progress (target);
  return interrupted;
}

void
vdi_farm_interrupted_free (VdiFarmInterrupted *interrupted)
{
  if (interrupted == NULL)
    return;
  g_object_unref (interrupted->template);
  g_object_unref (interrupted->target);
  g_free (interrupted);
}

/**
 * vdi_farm_take_interrupted:
 *
 * Returns: (transfer full) (element-type VdiFarmInterrupted): the work the last load found
 *   under way by a process that is gone, and marked interrupted, for whoever takes it over
 *   (vdictl agent); emptied by the call.
 */
GPtrArray *
vdi_farm_take_interrupted (VdiFarm *self)
{
  GPtrArray *taken;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  taken = g_steal_pointer (&self->interrupted);
  self->interrupted = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_farm_interrupted_free);
  return taken;
}
