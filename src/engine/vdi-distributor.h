/* vdi-distributor.h: multi-provider template distribution.
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

#include "vdi-backend.h"
#include "vdi-core.h"

G_BEGIN_DECLS

#define VDI_TYPE_DISTRIBUTOR (vdi_distributor_get_type ())

G_DECLARE_FINAL_TYPE (VdiDistributor, vdi_distributor, VDI, DISTRIBUTOR, GObject)

/* Copies Hyper-V templates to their target providers, as DESIGN §2 says: for each target the
 * source host exports the template VM, imports the export as a new VM and moves that VM (and
 * its storage) to the target host. Exports on one source host run one at a time, across all
 * templates; at most the template's concurrency of copies run at once; the next export starts
 * while copies run. Every state change comes from a provider's answer and lands in the farm's
 * model (and so in its file).
 *
 * Each run first reconciles: it lists the VMs on the source and target providers, so a copy
 * that finished before a crash is recognised and a half-made one is removed, never left behind.
 *
 * A failed step leaves its target Needs update with the provider's words, or Not available when
 * the provider does not answer; the other targets go on. The operations finish with TRUE when
 * every target they ran is Ready, else with %VDI_DISTRIBUTOR_ERROR_FAILED naming how many were
 * not. */

#define VDI_DISTRIBUTOR_ERROR (vdi_distributor_error_quark ())

typedef enum
{
  VDI_DISTRIBUTOR_ERROR_FAILED = 1,
  VDI_DISTRIBUTOR_ERROR_BUSY,
  VDI_DISTRIBUTOR_ERROR_NOT_SUPPORTED,
} VdiDistributorError;

GQuark              vdi_distributor_error_quark       (void);

VdiDistributor     *vdi_distributor_new               (VdiFarm            *farm,
                                                       VdiCredentials     *credentials);
void                vdi_distributor_set_export_root   (VdiDistributor     *self,
                                                       const char         *directory);
const char         *vdi_distributor_get_export_root   (VdiDistributor     *self);
gboolean            vdi_distributor_is_busy           (VdiDistributor     *self,
                                                       VdiTemplate        *template);

/* Runs every target of @template that is not Ready. */
void                vdi_distributor_distribute_async  (VdiDistributor     *self,
                                                       VdiTemplate        *template,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* Runs one target again (Retry in the Distribution details). */
void                vdi_distributor_retry_async       (VdiDistributor     *self,
                                                       VdiTemplate        *template,
                                                       VdiTarget          *target,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* Adds @provider to an existing template's distribution and copies to it ("Adding provider"). */
void                vdi_distributor_add_provider_async (VdiDistributor    *self,
                                                       VdiTemplate        *template,
                                                       VdiProvider        *provider,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
/* Destroys the template's copy and hosts on @provider, then drops the target
 * ("Removing provider"). */
void                vdi_distributor_remove_provider_async (VdiDistributor *self,
                                                       VdiTemplate        *template,
                                                       VdiProvider        *provider,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_distributor_finish            (VdiDistributor     *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
