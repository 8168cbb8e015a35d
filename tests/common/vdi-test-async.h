/* vdi-test-async.h: waiting for an asynchronous call's result in a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void                vdi_test_store_result             (GObject            *object,
                                                       GAsyncResult       *result,
                                                       gpointer            user_data);
GAsyncResult       *vdi_test_wait_result              (GAsyncResult      **slot);

G_END_DECLS
