/* vdi-migration-settings.h: a Hyper-V host's live-migration settings.
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

/* Msvm_VirtualSystemMigrationServiceSettingData.AuthenticationType */
typedef enum
{
  VDI_MIGRATION_AUTH_CREDSSP  = 0,
  VDI_MIGRATION_AUTH_KERBEROS = 1,
} VdiMigrationAuth;

/* What Hyper-V Settings ▸ Live Migrations shows: whether the host sends and receives live
 * migrations at all, how it authenticates them, and how many run at once. */
typedef struct
{
  gboolean         enabled;                  /* EnableVirtualSystemMigration */
  VdiMigrationAuth authentication;           /* AuthenticationType */
  guint            max_migrations;           /* MaximumActiveVirtualSystemMigration */
  guint            max_storage_migrations;   /* MaximumActiveStorageMigration */
} VdiMigrationSettings;

#define VDI_TYPE_MIGRATION_SETTINGS (vdi_migration_settings_get_type ())

GType                vdi_migration_settings_get_type (void);
VdiMigrationSettings *vdi_migration_settings_copy    (const VdiMigrationSettings *settings);
void                 vdi_migration_settings_free     (VdiMigrationSettings       *settings);
gboolean             vdi_migration_settings_check    (const VdiMigrationSettings *settings,
                                                      const char                 *host_name,
                                                      GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiMigrationSettings, vdi_migration_settings_free)

G_END_DECLS
