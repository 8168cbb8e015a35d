/* vdi-test-keyring.h: a real Secret Service for tests, on the test's own session bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starts gnome-keyring-daemon (secrets only, unlocked) in the test's private XDG folders
 * (g_test_init with G_TEST_OPTION_ISOLATE_DIRS) and waits until it answers on the session bus.
 * Returns %NULL after g_test_skip() without gnome-keyring-daemon or a private bus (meson runs
 * such tests under dbus-run-session). Stop it with vdi_test_keyring_stop(). */
GSubprocess        *vdi_test_keyring_start            (void);
void                vdi_test_keyring_stop             (GSubprocess        *daemon);

G_END_DECLS
