/* vdi-migration-check.c
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

#include "vdi-migration-check.h"

/* A copy to another Hyper-V host ends in MigrateVirtualSystemToHost, which a host set not to
 * migrate refuses only then, after the export and the import have run for minutes. Both
 * hosts' Msvm_VirtualSystemMigrationServiceSettingData are read first, so such a copy fails
 * at once, in words that say what to change on which host. */

typedef struct
{
  VdiProvider *providers[2];   /* the destination first: its name is the one the admin looks for */
  GError      *errors[2];
  guint        n_pending;
} Check;

static void
check_free (Check *check)
{
  for (guint i = 0; i < G_N_ELEMENTS (check->providers); i++)
    {
      g_clear_object (&check->providers[i]);
      g_clear_error (&check->errors[i]);
    }
  g_free (check);
}

static void
check_return (GTask *task)
{
  Check *check = g_task_get_task_data (task);

  for (guint i = 0; i < G_N_ELEMENTS (check->errors); i++)
    if (check->errors[i] != NULL)
      {
        g_task_return_error (task, g_steal_pointer (&check->errors[i]));
        return;
      }
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  GTask *task;
  guint  which;
} Reading;

static void
settings_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Reading *reading = user_data;
  g_autoptr(GTask) task = reading->task;
  Check *check = g_task_get_task_data (task);
  VdiProvider *provider = check->providers[reading->which];
  GError **slot = &check->errors[reading->which];
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiMigrationSettings) settings =
    vdi_backend_get_migration_settings_finish (VDI_BACKEND (object), result, &error);

  g_free (reading);
  if (settings != NULL)
    {
      /* What was seen shows in the console too (the target picker), as a probe's would. */
      vdi_provider_set_live_migration_disabled (provider, !settings->enabled);
      vdi_migration_settings_check (settings, vdi_provider_get_name (provider), slot);
    }
  /* A provider without the setting has nothing to check; one that does not answer, or refuses
   * the password, fails the copy as any other request to it would, saying which it is. */
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      if (!vdi_backend_error_is_cancelled (error))
        /* Translators: a provider name, before what went wrong with it. */
        g_prefix_error (&error, _("%s: "), vdi_provider_get_name (provider));
      *slot = g_steal_pointer (&error);
    }

  if (--check->n_pending == 0)
    check_return (task);
}

static void
read_settings (GTask      *task,
               VdiBackend *backend,
               guint       which)
{
  Check *check = g_task_get_task_data (task);
  Reading *reading = g_new0 (Reading, 1);

  reading->task = g_object_ref (task);
  reading->which = which;
  check->n_pending++;
  vdi_backend_get_migration_settings_async (backend, g_task_get_cancellable (task), settings_cb,
                                            reading);
}

/**
 * vdi_migration_check_async:
 *
 * Reads both hosts' live-migration settings, at once, and fails when either does not allow
 * the copy (%VDI_BACKEND_ERROR_MIGRATION_DISABLED, naming the host and what to change there)
 * or cannot be read. The providers' "live-migration-disabled" follows what was read.
 */
void
vdi_migration_check_async (VdiBackend          *source,
                           VdiProvider         *source_provider,
                           VdiBackend          *destination,
                           VdiProvider         *destination_provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (VDI_IS_BACKEND (source));
  g_return_if_fail (VDI_IS_PROVIDER (source_provider));
  g_return_if_fail (VDI_IS_BACKEND (destination));
  g_return_if_fail (VDI_IS_PROVIDER (destination_provider));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_migration_check_async);
  check = g_new0 (Check, 1);
  check->providers[0] = g_object_ref (destination_provider);
  check->providers[1] = g_object_ref (source_provider);
  g_task_set_task_data (task, check, (GDestroyNotify)check_free);

  /* Held while the readings start, so that one answering at once cannot end the check. */
  check->n_pending = 1;
  read_settings (task, destination, 0);
  read_settings (task, source, 1);
  if (--check->n_pending == 0)
    check_return (task);
}

gboolean
vdi_migration_check_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
