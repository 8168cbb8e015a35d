/* vdi-provider-monitor.h
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

#include "vdi-core.h"

G_BEGIN_DECLS

#define VDI_TYPE_PROVIDER_MONITOR (vdi_provider_monitor_get_type ())

G_DECLARE_FINAL_TYPE (VdiProviderMonitor, vdi_provider_monitor, VDI, PROVIDER_MONITOR, GObject)

/* Keeps every provider's status live: each is probed when the monitor starts, when it is added
 * or its address or credentials change, and then every "interval" seconds; a few at a time.
 * The status becomes Ready (with the product and version as its message) or Not available
 * (with the reason). */

VdiProviderMonitor *vdi_provider_monitor_new          (VdiFarm            *farm,
                                                       VdiCredentials     *credentials);
void                vdi_provider_monitor_set_interval (VdiProviderMonitor *self,
                                                       guint               seconds);
void                vdi_provider_monitor_refresh      (VdiProviderMonitor *self,
                                                       VdiProvider        *provider);
guint               vdi_provider_monitor_get_n_probing (VdiProviderMonitor *self);

G_END_DECLS
