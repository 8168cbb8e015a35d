/* vdi-farm-recovery.c: a farm file that cannot be read, set aside or replaced by its backup,
 * and the old default farm file imported into the default database.
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

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vdi-farm-pg.h"
#include "vdi-farm-private.h"

/* The old default farm ------------------------------------------------------------------------ */

/* The farm file of versions that kept the default farm in JSON, beside the default database;
 * %NULL for any farm but the default one. */
static char *
dup_old_default (const char *path)
{
  g_autofree char *default_path = vdi_farm_dup_default_path ();
  g_autofree char *dir = NULL;

  if (!g_str_equal (path, default_path))
    return NULL;
  dir = g_path_get_dirname (path);
  return g_build_filename (dir, "farm.json", NULL);
}

/* The first load of the default farm imports the old farm.json into farm.db, then keeps the
 * JSON file renamed farm.json.imported-DATE. The database is written under a temporary name
 * and renamed into place before the JSON file is renamed, so a kill at any moment leaves either
 * the JSON file to import again or the complete database. A JSON file that cannot be read stays
 * untouched, and the load fails naming it. */
gboolean
_vdi_farm_import_old_default (const char    *path,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autofree char *json = dup_old_default (path);
  g_autofree char *tmp_path = g_strconcat (path, ".import.db", NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(VdiFarm) old = NULL;

  if (json == NULL || g_file_test (path, G_FILE_TEST_EXISTS) ||
      !g_file_test (json, G_FILE_TEST_EXISTS))
    return TRUE;

  old = vdi_farm_new (json);
  if (!vdi_farm_load (old, cancellable, error))
    return FALSE;

  /* A leftover of an import that was killed. */
  g_unlink (tmp_path);
  if (!vdi_farm_export (old, tmp_path, error))
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not put the imported farm in place at “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  kept = g_strdup_printf ("%s.imported-%s", json, stamp);
  if (g_rename (json, kept) != 0)
    g_warning ("Could not rename the imported farm file “%s”: %s", json, g_strerror (errno));
  return TRUE;
}

/* Recovery ----------------------------------------------------------------------------------- */

/* A shared database is never set aside or replaced from here: a load that failed (the server
 * is down, a password is missing) says nothing about its contents. */
static gboolean
check_is_file (VdiFarm  *self,
               GError  **error)
{
  g_autofree char *display = NULL;

  if (!_vdi_farm_is_pg_uri (self->path))
    return TRUE;
  display = _vdi_farm_pg_display (self->path);
  g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
               _("The farm database “%s” is managed on its server; it has no backup here to "
                 "open and cannot be set aside"), display);
  return FALSE;
}

char *
vdi_farm_dup_backup_path (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return g_strconcat (self->path, ".bak", NULL);
}

/**
 * vdi_farm_set_aside:
 *
 * Renames a farm file that could not be read to PATH.damaged-DATE (never deleting it), and
 * lets the farm start anew at PATH.
 *
 * Returns: (transfer full) (nullable): the new name of the bad file, or %NULL on error.
 */
char *
vdi_farm_set_aside (VdiFarm  *self,
                    GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = NULL;
  g_autofree char *old_json = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  if (!check_is_file (self, error))
    return NULL;

  /* The default farm failed to load because its old farm.json could not be imported: that is
   * the file to set aside. */
  old_json = dup_old_default (self->path);
  if (old_json != NULL && !g_file_test (self->path, G_FILE_TEST_EXISTS) &&
      g_file_test (old_json, G_FILE_TEST_EXISTS))
    {
      aside = g_strdup_printf ("%s.damaged-%s", old_json, stamp);
      if (g_rename (old_json, aside) != 0)
        {
          int saved = errno;

          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                       _("Could not rename the farm file “%s”: %s"), old_json,
                       g_strerror (saved));
          return NULL;
        }
      self->load_failed = FALSE;
      _vdi_farm_forget_store (self);
      return g_steal_pointer (&aside);
    }

  aside = g_strdup_printf ("%s.damaged-%s", self->path, stamp);
  for (guint i = 2; g_file_test (aside, G_FILE_TEST_EXISTS); i++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.damaged-%s-%u", self->path, stamp, i);
    }

  if (g_rename (self->path, aside) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not rename the farm file “%s”: %s"), self->path, g_strerror (saved));
      return NULL;
    }

  /* A database's write-ahead log belongs to it: it goes along, never deleted. */
  if (_vdi_farm_is_sqlite_path (self->path))
    for (guint i = 0; i < 2; i++)
      {
        const char *suffix = i == 0 ? "-wal" : "-shm";
        g_autofree char *from = g_strconcat (self->path, suffix, NULL);
        g_autofree char *to = g_strconcat (aside, suffix, NULL);

        g_rename (from, to);
      }

  self->load_failed = FALSE;
  _vdi_farm_forget_store (self);
  return g_steal_pointer (&aside);
}

/**
 * vdi_farm_restore_backup:
 *
 * Puts a copy of PATH.bak in place of the farm file, which must have been set aside first.
 * Load the farm again afterwards.
 */
gboolean
vdi_farm_restore_backup (VdiFarm  *self,
                         GError  **error)
{
  g_autofree char *bak_path = vdi_farm_dup_backup_path (self);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  if (!check_is_file (self, error))
    return FALSE;
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” is still in place; set it aside first"), self->path);
      return FALSE;
    }

  if (!g_file_get_contents (bak_path, &data, &length, &local_error))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the backup “%s”: %s"), bak_path, local_error->message);
      return FALSE;
    }

  return _vdi_farm_write_atomically (self->path, data, length, error);
}
