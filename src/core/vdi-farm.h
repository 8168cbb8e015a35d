/* vdi-farm.h
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

#include <gio/gio.h>

#include "vdi-enums.h"
#include "vdi-host.h"
#include "vdi-provider.h"
#include "vdi-target.h"
#include "vdi-template.h"

G_BEGIN_DECLS

#define VDI_FARM_ERROR (vdi_farm_error_quark ())

typedef enum
{
  VDI_FARM_ERROR_INVALID_NAME = 1,
  VDI_FARM_ERROR_NAME_TAKEN,
  VDI_FARM_ERROR_INVALID_ADDRESS,
  VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT,
  VDI_FARM_ERROR_INVALID_HOST_COUNT,
  VDI_FARM_ERROR_TARGET_MISMATCH,
  VDI_FARM_ERROR_TARGET_IS_SOURCE,
  VDI_FARM_ERROR_TARGET_DUPLICATE,
  VDI_FARM_ERROR_MULTI_PROVIDER_LOCKED,
  VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED,
  VDI_FARM_ERROR_CONCURRENCY_RANGE,
  VDI_FARM_ERROR_PROVIDER_IN_USE,
  VDI_FARM_ERROR_NOT_FOUND,
  VDI_FARM_ERROR_CORRUPT,
  VDI_FARM_ERROR_UNSUPPORTED_VERSION,
  VDI_FARM_ERROR_IO,
  VDI_FARM_ERROR_TAKEN_OVER,
  VDI_FARM_ERROR_CONFLICT,
} VdiFarmError;

/* The schema version written into every farm file; files of a newer version are refused. */
#define VDI_FARM_VERSION 1

#define VDI_TYPE_FARM (vdi_farm_get_type ())

G_DECLARE_FINAL_TYPE (VdiFarm, vdi_farm, VDI, FARM, GObject)

/* Properties: "path" (construct-only), "providers", "templates" (GListModels the UI binds to),
 * "dirty" (a change not yet on disk), "autosave" (schedule a coalesced save on every change,
 * default FALSE), "save-error" (a GError while background saves fail, %NULL once one
 * succeeds). Signal "save-failed" (GError *) when background saves start failing, or fail for
 * another reason; with autosave, a failed save is tried again on its own (after 1 s, doubling to
 * 30 s). */

GQuark              vdi_farm_error_quark              (void);

char               *vdi_farm_dup_default_path         (void);
/* A farm location is a file (.db for SQLite, else JSON) or a postgresql:// (postgres://) URI
 * naming a shared database, whose password, if the server asks for one, is kept with this. */
gboolean            vdi_farm_location_is_database     (const char         *location);
/* The location as messages show it: a database URI without its password. */
char               *vdi_farm_dup_display_location     (const char         *location);
gboolean            vdi_farm_store_database_password  (const char         *location,
                                                       const char         *password,
                                                       GError            **error);
char               *vdi_farm_dup_agent_bus_name       (const char         *location);
VdiFarm            *vdi_farm_new                      (const char         *path);
const char         *vdi_farm_get_path                 (VdiFarm            *self);

GListModel         *vdi_farm_get_providers            (VdiFarm            *self);
GListModel         *vdi_farm_get_templates            (VdiFarm            *self);
VdiProvider        *vdi_farm_find_provider            (VdiFarm            *self,
                                                       const char         *name);
VdiProvider        *vdi_farm_find_provider_by_id      (VdiFarm            *self,
                                                       const char         *id);
VdiTemplate        *vdi_farm_find_template_by_id      (VdiFarm            *self,
                                                       const char         *id);
VdiTemplate        *vdi_farm_find_template            (VdiFarm            *self,
                                                       const char         *name);

gboolean            vdi_farm_check_provider           (VdiFarm            *self,
                                                       VdiProvider        *provider,
                                                       const char         *name,
                                                       const char         *host,
                                                       guint               port,
                                                       GError            **error);
gboolean            vdi_farm_add_provider             (VdiFarm            *self,
                                                       VdiProvider        *provider,
                                                       GError            **error);
gboolean            vdi_farm_remove_provider          (VdiFarm            *self,
                                                       VdiProvider        *provider,
                                                       GError            **error);
gboolean            vdi_farm_check_template           (VdiFarm            *self,
                                                       VdiTemplate        *template,
                                                       GError            **error);
gboolean            vdi_farm_add_template             (VdiFarm            *self,
                                                       VdiTemplate        *template,
                                                       GError            **error);
gboolean            vdi_farm_remove_template          (VdiFarm            *self,
                                                       VdiTemplate        *template,
                                                       GError            **error);
void                vdi_farm_splice                   (VdiFarm            *self,
                                                       GPtrArray          *providers,
                                                       GPtrArray          *templates);

/* Persistence. Loading parses in a worker thread; saving snapshots the model on the calling
 * thread and writes in a worker thread. A path ending in .db is an SQLite farm: each save is
 * one transaction writing the rows that changed. Any other path is a JSON farm file, written
 * atomically (temp file, fsync, rename), keeping the previous good file as PATH.bak. */
gboolean            vdi_farm_load                     (VdiFarm            *self,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
void                vdi_farm_load_async               (VdiFarm            *self,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_farm_load_finish              (VdiFarm            *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
/* While vdi_farm_load_async() reads a big farm database, "preview" is a list of its first
 * templates by name, read ahead, for a list to show until the load ends; %NULL otherwise. Its
 * templates are not the farm's: nothing is to be done with them. */
GListModel         *vdi_farm_get_preview              (VdiFarm            *self);
gboolean            vdi_farm_save                     (VdiFarm            *self,
                                                       GError            **error);
void                vdi_farm_schedule_save            (VdiFarm            *self);
void                vdi_farm_save_soon                (VdiFarm            *self);
gboolean            vdi_farm_flush                    (VdiFarm            *self,
                                                       GError            **error);
gboolean            vdi_farm_get_dirty                (VdiFarm            *self);
gboolean            vdi_farm_has_work_under_way       (VdiFarm            *self);
void                vdi_farm_set_autosave             (VdiFarm            *self,
                                                       gboolean            autosave);
guint               vdi_farm_get_n_saves              (VdiFarm            *self);
guint               vdi_farm_get_n_failed_saves       (VdiFarm            *self);

/* Work a load found under way by a process that is gone (so marked interrupted): what the
 * target was doing, for whoever takes the work over. */
typedef struct
{
  VdiTemplate     *template;
  VdiTarget       *target;
  VdiDistribution  progress;  /* distributing, adding or removing the provider */
} VdiFarmInterrupted;

VdiFarmInterrupted *vdi_farm_interrupted_new          (VdiTemplate        *template,
                                                       VdiTarget          *target);
void                vdi_farm_interrupted_free         (VdiFarmInterrupted *interrupted);
GPtrArray          *vdi_farm_take_interrupted         (VdiFarm            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiFarmInterrupted, vdi_farm_interrupted_free)

/* Following a farm another process writes (it holds the farm's lock): while "following" is
 * set, a load keeps the work it finds running as it is, that process's work under way, instead
 * of marking it interrupted; and what that process stores in a farm database shows in this
 * farm's own objects, changed in place, within a second (SQLite: PRAGMA data_version, polled;
 * PostgreSQL: LISTEN). "follow-error" (a GError, or %NULL) says why changes cannot be read just
 * now; signal "followed" (guint n_changes) comes after changes were taken in. */
void                vdi_farm_set_following            (VdiFarm            *self,
                                                       gboolean            following);
gboolean            vdi_farm_get_following            (VdiFarm            *self);
const GError       *vdi_farm_get_follow_error         (VdiFarm            *self);
/* Whether the farm's store can be followed: a farm database (SQLite or PostgreSQL), not a file. */
gboolean            vdi_farm_can_follow               (VdiFarm            *self);

/* Writes the farm into a new file of either store (.json or .db), for import and export. */
gboolean            vdi_farm_export                   (VdiFarm            *self,
                                                       const char         *path,
                                                       GError            **error);

/* Recovery from a file that cannot be loaded: the bad file is never overwritten. */
char               *vdi_farm_dup_backup_path          (VdiFarm            *self);
char               *vdi_farm_set_aside               (VdiFarm            *self,
                                                       GError            **error);
gboolean            vdi_farm_restore_backup           (VdiFarm            *self,
                                                       GError            **error);

G_END_DECLS
