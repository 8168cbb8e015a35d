/* vdi-provider-dialog.h
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

#include <adwaita.h>

#include "vdi-core.h"

G_BEGIN_DECLS

#define VDI_TYPE_PROVIDER_DIALOG (vdi_provider_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VdiProviderDialog, vdi_provider_dialog, VDI, PROVIDER_DIALOG, AdwWindow)

/* Adds a provider to the farm when @provider is %NULL, else edits it. A non-empty password goes
 * to @credentials, never to the farm. */
VdiProviderDialog  *vdi_provider_dialog_new           (GtkWindow          *parent,
                                                       VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiProvider        *provider);
VdiProvider        *vdi_provider_dialog_get_provider  (VdiProviderDialog  *self);
const char         *vdi_provider_dialog_get_error     (VdiProviderDialog  *self);

G_END_DECLS
