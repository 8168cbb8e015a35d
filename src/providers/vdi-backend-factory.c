/* vdi-backend-factory.c
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

#include <string.h>

#include "vdi-backend-factory.h"
#include "vdi-hyperv-backend.h"
#include "vdi-secret.h"
#include "vdi-vcenter-backend.h"

/**
 * vdi_backend_new_for_provider:
 * @password: (nullable): the provider's password, from the Secret Service
 *
 * Returns: (transfer full) (nullable): the backend that speaks @provider's protocol
 */
VdiBackend *
vdi_backend_new_for_provider (VdiProvider  *provider,
                              const char   *password,
                              GError      **error)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  switch (vdi_provider_get_provider_type (provider))
    {
    case VDI_PROVIDER_TYPE_HYPERV:
      return VDI_BACKEND (vdi_hyperv_backend_new (provider, password, error));

    case VDI_PROVIDER_TYPE_VCENTER:
      return VDI_BACKEND (vdi_vcenter_backend_new (provider, password, error));

    default:
      g_return_val_if_reached (NULL);
    }
}

static void
open_password_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSecret) password = NULL;
  VdiBackend *backend;

  password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  backend = vdi_backend_new_for_provider (g_task_get_task_data (task), password, &error);
  if (backend == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, backend, g_object_unref);
}

void
vdi_backend_open_async (VdiProvider         *provider,
                        VdiCredentials      *credentials,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VDI_IS_PROVIDER (provider));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_backend_open_async);
  g_task_set_task_data (task, g_object_ref (provider), g_object_unref);
  vdi_credentials_lookup_async (credentials, vdi_provider_get_id (provider), cancellable,
                                open_password_cb, task);
}

/* (transfer full) */
VdiBackend *
vdi_backend_open_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_backend_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
