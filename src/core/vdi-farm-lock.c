/* vdi-farm-lock.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* F_OFD_SETLK is a GNU extension. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vdi-farm-lock.h"
#include "vdi-farm-pg.h"

struct _VdiFarmLock
{
  GObject  parent_instance;

  char    *path;
  int      fd;
  /* A farm in PostgreSQL: the session holding the advisory lock, kept open until release. */
  gpointer session;
};

G_DEFINE_FINAL_TYPE (VdiFarmLock, vdi_farm_lock, G_TYPE_OBJECT)

G_DEFINE_QUARK (vdi-farm-lock-error-quark, vdi_farm_lock_error)

static void
vdi_farm_lock_finalize (GObject *object)
{
  VdiFarmLock *self = (VdiFarmLock *)object;

  vdi_farm_lock_release (self);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (vdi_farm_lock_parent_class)->finalize (object);
}

static void
vdi_farm_lock_class_init (VdiFarmLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_farm_lock_finalize;
}

static void
vdi_farm_lock_init (VdiFarmLock *self)
{
  self->fd = -1;
}

static char *
lock_path_for (const char *farm_path)
{
  return g_strconcat (farm_path, ".lock", NULL);
}

/* An exclusive lock on the whole of @fd's file, without waiting. Open file description locks
 * belong to this open file, not to the process, so a second open in the same process conflicts
 * too, and they go away with the last descriptor of the file: the process dying is enough.
 * flock() has the same properties and serves where OFD locks are missing. Returns 0, or an
 * errno value; EWOULDBLOCK when someone else holds it. */
static int
try_lock (int fd)
{
#ifdef F_OFD_SETLK
  struct flock request = { 0 };

  request.l_type = F_WRLCK;
  request.l_whence = SEEK_SET;
  request.l_start = 0;
  request.l_len = 0;

  if (fcntl (fd, F_OFD_SETLK, &request) == 0)
    return 0;
  if (errno == EAGAIN || errno == EACCES)
    return EWOULDBLOCK;
  if (errno != EINVAL)
    return errno;
#endif

  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return 0;
  return errno == EWOULDBLOCK ? EWOULDBLOCK : errno;
}

/* Like try_lock(), but only asks. */
static int
test_lock (int fd)
{
  int status;

#ifdef F_OFD_GETLK
  struct flock request = { 0 };

  request.l_type = F_WRLCK;
  request.l_whence = SEEK_SET;
  request.l_start = 0;
  request.l_len = 0;

  if (fcntl (fd, F_OFD_GETLK, &request) == 0)
    return request.l_type == F_UNLCK ? 0 : EWOULDBLOCK;
  if (errno != EINVAL)
    return errno;
#endif

  /* flock() cannot ask without taking; take and drop at once. */
  status = flock (fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
  if (status == 0)
    flock (fd, LOCK_UN);
  return status;
}

/* The holder's line is "PID PROGRAM\n". Anything after the first newline is the tail of an
 * older, longer line (the holder writes then truncates), and is ignored. */
static gboolean
parse_holder (const char  *contents,
              char       **program,
              GPid        *pid)
{
  g_autofree char *line = NULL;
  const char *newline = strchr (contents, '\n');
  char *end;
  gint64 value;

  if (newline == NULL)
    return FALSE;

  line = g_strndup (contents, newline - contents);
  value = g_ascii_strtoll (line, &end, 10);
  if (end == line || *end != ' ' || value <= 0 || value > G_MAXINT || end[1] == '\0')
    return FALSE;

  if (program != NULL)
    *program = g_strdup (end + 1);
  if (pid != NULL)
    *pid = (GPid)value;
  return TRUE;
}

/* The holder writes its line just after it takes the lock; a reader may come in between, so a
 * few short retries cover that window. */
static gboolean
read_holder (const char  *lock_path,
             char       **program,
             GPid        *pid)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (lock_path, &contents, NULL, NULL) &&
          parse_holder (contents, program, pid))
        return TRUE;
      g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
  return FALSE;
}

static void
set_held_error (GError     **error,
                const char  *lock_path)
{
  g_autofree char *program = NULL;
  GPid pid = 0;

  if (read_holder (lock_path, &program, &pid))
    g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD,
                 _("The farm is in use by %s (process %d)"), program, (int)pid);
  else
    g_set_error_literal (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD,
                         _("The farm is in use by another program"));
}

static gboolean
write_holder (int      fd,
              GError **error)
{
  const char *program = g_get_prgname ();
  g_autofree char *line = g_strdup_printf ("%d %s\n", (int)getpid (),
                                           program != NULL ? program : "unknown");
  gsize length = strlen (line);

  /* Write first, then cut: a reader never sees an empty file because of us. */
  if (pwrite (fd, line, length, 0) != (gssize)length || ftruncate (fd, length) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                   _("Could not write the farm lock: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * vdi_farm_lock_acquire:
 * @farm_path: the farm file
 *
 * Takes the farm's lock without waiting. When another process (or another lock object in this
 * one) holds it, fails with %VDI_FARM_LOCK_ERROR_HELD and a message naming the holder.
 *
 * Returns: (transfer full): the lock, held until it is released or finalized
 */
VdiFarmLock *
vdi_farm_lock_acquire (const char  *farm_path,
                       GError     **error)
{
  g_autoptr(VdiFarmLock) self = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *directory = NULL;
  int fd, status;

  g_return_val_if_fail (farm_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (_vdi_farm_is_pg_uri (farm_path))
    {
      self = g_object_new (VDI_TYPE_FARM_LOCK, NULL);
      self->path = _vdi_farm_pg_display (farm_path);
      self->session = _vdi_farm_pg_lock_take (farm_path, error);
      return self->session != NULL ? g_steal_pointer (&self) : NULL;
    }

  lock_path = lock_path_for (farm_path);
  directory = g_path_get_dirname (lock_path);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                   _("Could not create the folder %s: %s"), directory, g_strerror (saved));
      return NULL;
    }

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                   _("Could not open the farm lock %s: %s"), lock_path, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (VDI_TYPE_FARM_LOCK, NULL);
  self->fd = fd;
  self->path = g_steal_pointer (&lock_path);

  status = try_lock (fd);
  if (status == EWOULDBLOCK)
    {
      set_held_error (error, self->path);
      return NULL;
    }
  if (status != 0)
    {
      g_set_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_FAILED,
                   _("Could not lock the farm with %s: %s"), self->path, g_strerror (status));
      return NULL;
    }

  if (!write_holder (fd, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
vdi_farm_lock_get_path (VdiFarmLock *self)
{
  g_return_val_if_fail (VDI_IS_FARM_LOCK (self), NULL);

  return self->path;
}

/**
 * vdi_farm_lock_release:
 *
 * Gives the lock up now rather than when @self is finalized. The file stays: removing it would
 * let two processes lock two different files of the same name.
 */
void
vdi_farm_lock_release (VdiFarmLock *self)
{
  g_return_if_fail (VDI_IS_FARM_LOCK (self));

  g_clear_pointer (&self->session, _vdi_farm_pg_lock_drop);
  if (self->fd < 0)
    return;

  /* The holder's line stays behind; it is read only while someone holds the lock, and then
   * it is theirs. */
  g_close (self->fd, NULL);
  self->fd = -1;
}

/**
 * vdi_farm_lock_check:
 *
 * Makes sure the lock is still held. A file lock always is; a farm database's lock session
 * that the server ended is opened again and the lock taken again, unless another process took
 * the farm meanwhile. Blocking: for a worker thread, which must hold a reference to @self (not
 * at the same time as vdi_farm_lock_release()).
 *
 * Returns: %FALSE with %VDI_FARM_LOCK_ERROR_HELD when another process took the farm (this one
 *   must write no more), or %VDI_FARM_LOCK_ERROR_FAILED when the database cannot be reached
 *   now (ask again later)
 */
gboolean
vdi_farm_lock_check (VdiFarmLock  *self,
                     GError      **error)
{
  g_return_val_if_fail (VDI_IS_FARM_LOCK (self), FALSE);

  if (self->session == NULL)
    return TRUE;
  return _vdi_farm_pg_lock_check (self->session, error);
}

/**
 * vdi_farm_lock_query_holder:
 * @farm_path: the farm file
 * @program: (out) (optional): the holder's program name
 * @pid: (out) (optional): the holder's process id
 *
 * Returns: TRUE when some process holds the farm's lock, and then who, as far as it says
 */
gboolean
vdi_farm_lock_query_holder (const char  *farm_path,
                            char       **program,
                            GPid        *pid)
{
  g_autofree char *lock_path = NULL;
  int fd, status;

  g_return_val_if_fail (farm_path != NULL, FALSE);

  if (_vdi_farm_is_pg_uri (farm_path))
    return _vdi_farm_pg_lock_query (farm_path, program, pid);

  lock_path = lock_path_for (farm_path);
  fd = g_open (lock_path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return FALSE;

  status = test_lock (fd);
  g_close (fd, NULL);
  if (status != EWOULDBLOCK)
    return FALSE;

  if (!read_holder (lock_path, program, pid))
    {
      if (program != NULL)
        *program = NULL;
      if (pid != NULL)
        *pid = 0;
    }
  return TRUE;
}
