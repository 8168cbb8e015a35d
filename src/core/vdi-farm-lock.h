/* vdi-farm-lock.h: one process at a time runs work on a farm.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VDI_FARM_LOCK_ERROR (vdi_farm_lock_error_quark ())

typedef enum
{
  VDI_FARM_LOCK_ERROR_HELD = 1,
  VDI_FARM_LOCK_ERROR_FAILED,
} VdiFarmLockError;

#define VDI_TYPE_FARM_LOCK (vdi_farm_lock_get_type ())

G_DECLARE_FINAL_TYPE (VdiFarmLock, vdi_farm_lock, VDI, FARM_LOCK, GObject)

/* An exclusive lock on FARM.lock, beside the farm file, held from vdi_farm_lock_acquire() until
 * the object is finalized (or vdi_farm_lock_release()). The kernel holds it for this open file
 * (an open file description lock), so it is released when the process ends in any way, kill -9
 * included: a lock is never stale. The file names the holder (its program and process id) so
 * that the next taker can say who has the farm. Read-only users never lock.
 *
 * A farm in PostgreSQL (a postgresql:// location) is locked by a session advisory lock held on
 * a connection this object keeps open: the server releases it when the session ends, the
 * process killed included, and the session's application_name says who holds it. */

GQuark              vdi_farm_lock_error_quark         (void);

VdiFarmLock        *vdi_farm_lock_acquire             (const char         *farm_path,
                                                       GError            **error);
const char         *vdi_farm_lock_get_path            (VdiFarmLock        *self);
void                vdi_farm_lock_release             (VdiFarmLock        *self);
gboolean            vdi_farm_lock_check               (VdiFarmLock        *self,
                                                       GError            **error);

/* Who holds the lock on @farm_path now, if anyone: FALSE when it is free. */
gboolean            vdi_farm_lock_query_holder        (const char         *farm_path,
                                                       char              **program,
                                                       GPid               *pid);

G_END_DECLS
