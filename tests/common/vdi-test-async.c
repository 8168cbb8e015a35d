/* vdi-test-async.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-test-async.h"

/**
 * vdi_test_store_result:
 * @user_data: a `GAsyncResult **`, %NULL until the call ends
 *
 * A GAsyncReadyCallback that keeps a reference to the result in @user_data, for the test to
 * finish the call itself.
 */
void
vdi_test_store_result (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Iterates the default main context until vdi_test_store_result() has filled @slot. No clock:
 * the test harness bounds the test. Returns: (transfer none): the result */
GAsyncResult *
vdi_test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}
