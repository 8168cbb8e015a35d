/* vdi-hyperv-backend-private.h: what the Hyper-V backend's topic files share.
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

#include "vdi-hyperv-backend.h"

G_BEGIN_DECLS

/* vdi-hyperv-backend.c: Enumerate + Pull of a WQL query; the finish gives a GPtrArray of
 * VdiWsmanInstance. @class_name "*" is the namespace's wildcard, for ASSOCIATORS OF. */
void       _vdi_hyperv_backend_enumerate_async         (VdiHypervBackend    *self,
                                                        const char          *class_name,
                                                        const char          *wql,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray *_vdi_hyperv_backend_enumerate_finish        (VdiHypervBackend    *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* vdi-hyperv-backend-jobs.c */
void       _vdi_hyperv_backend_find_running_jobs_async  (VdiBackend          *backend,
                                                         const char          *vm_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray *_vdi_hyperv_backend_find_running_jobs_finish (VdiBackend          *backend,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
