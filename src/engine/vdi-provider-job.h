/* vdi-provider-job.h: start a provider job, record it, follow it to its end.
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

G_BEGIN_DECLS

/* Called once the provider has accepted the job, before it is followed, with the job's handle
 * as vdi_backend_job_to_string() writes it: whoever must find the job again after a crash
 * saves it here. */
typedef void (*VdiProviderJobRecordFunc) (const char *handle,
                                          gpointer    user_data);

/* Starts @operation on @backend, hands its handle to @record (if any), and follows the job to
 * its end with @progress (if any). The finish gives what the job made (a VM id), or NULL, and
 * says whether the job was started at all: a job that never started was never recorded. */
void                vdi_provider_job_run_async        (VdiBackend              *backend,
                                                       const char              *operation,
                                                       GVariant                *parameters,
                                                       VdiProviderJobRecordFunc record,
                                                       VdiBackendProgressFunc   progress,
                                                       gpointer                 data,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
char               *vdi_provider_job_run_finish       (VdiBackend              *backend,
                                                       GAsyncResult            *result,
                                                       gboolean                *started,
                                                       GError                 **error);

G_END_DECLS
