/* vdi-migration-settings.c
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

#include <glib/gi18n-lib.h>

#include "vdi-backend-error.h"
#include "vdi-migration-settings.h"

G_DEFINE_BOXED_TYPE (VdiMigrationSettings, vdi_migration_settings, vdi_migration_settings_copy,
                     vdi_migration_settings_free)

VdiMigrationSettings *
vdi_migration_settings_copy (const VdiMigrationSettings *settings)
{
  g_return_val_if_fail (settings != NULL, NULL);

  return g_memdup2 (settings, sizeof *settings);
}

void
vdi_migration_settings_free (VdiMigrationSettings *settings)
{
  g_free (settings);
}

/**
 * vdi_migration_settings_check:
 * @host_name: the host, as the admin knows it
 *
 * A copy to another Hyper-V host is a live migration: it needs migrations enabled on both
 * hosts, and at least one allowed at a time. Fails with %VDI_BACKEND_ERROR_MIGRATION_DISABLED
 * and words saying what to change on @host_name.
 */
gboolean
vdi_migration_settings_check (const VdiMigrationSettings  *settings,
                              const char                  *host_name,
                              GError                     **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (host_name != NULL, FALSE);

  if (!settings->enabled)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_MIGRATION_DISABLED,
                   /* Translators: %s is a Hyper-V host; ▸ separates the steps of a menu path. */
                   _("Live migration is disabled on %s. Enable incoming and outgoing live "
                     "migrations in Hyper-V Settings ▸ Live Migrations on that host, then "
                     "Retry."), host_name);
      return FALSE;
    }
  if (settings->max_migrations == 0 || settings->max_storage_migrations == 0)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_MIGRATION_DISABLED,
                   /* Translators: %s is a Hyper-V host; ▸ separates the steps of a menu path. */
                   _("%s allows no simultaneous live or storage migrations. Set at least 1 in "
                     "Hyper-V Settings ▸ Live Migrations (and ▸ Storage Migrations) on that "
                     "host, then Retry."), host_name);
      return FALSE;
    }
  return TRUE;
}
