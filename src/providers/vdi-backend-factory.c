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

#include "vdi-backend-factory.h"
#include "vdi-hyperv-backend.h"
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
