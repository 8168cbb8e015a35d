/* vcenter-test-util.h: driving a VdiBackend synchronously, with bounded waits.
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

/* Every wait is bounded: an answer that does not come fails the test. */
#define BACKEND_TEST_TIMEOUT_MS 30000

typedef struct
{
  guint  calls;
  double last;
} ProgressLog;

char          *bt_probe           (VdiBackend    *backend,
                                   GError       **error);
GPtrArray     *bt_list_vms        (VdiBackend    *backend,
                                   GError       **error);
GPtrArray     *bt_list_datastores (VdiBackend    *backend,
                                   GError       **error);
GPtrArray     *bt_list_hosts      (VdiBackend    *backend,
                                   GError       **error);
VdiBackendJob *bt_start           (VdiBackend    *backend,
                                   const char    *operation,
                                   GVariant      *parameters,
                                   GError       **error);
char          *bt_follow          (VdiBackend    *backend,
                                   VdiBackendJob *job,
                                   ProgressLog   *log,
                                   GCancellable  *cancellable,
                                   GError       **error);
char          *bt_run             (VdiBackend    *backend,
                                   const char    *operation,
                                   GVariant      *parameters,
                                   ProgressLog   *log,
                                   GError       **error);
gboolean       bt_call            (VdiBackend    *backend,
                                   const char    *operation,
                                   GVariant      *parameters,
                                   GError       **error);
GPtrArray     *bt_find_running_jobs (VdiBackend  *backend,
                                   const char    *vm_id,
                                   GError       **error);

VdiVmInfo         *bt_find_vm         (GPtrArray  *vms,
                                       const char *name);
VdiVmInfo         *bt_find_vm_by_id   (GPtrArray  *vms,
                                       const char *id);
VdiDatastoreInfo  *bt_find_datastore  (GPtrArray  *datastores,
                                       const char *name);
void               bt_iterate         (guint       ms);

G_END_DECLS
