/* vdi-secret.h: passwords and other secrets that must not linger in freed memory.
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

#include <glib.h>

G_BEGIN_DECLS

/* A NUL-terminated string holding a secret, so that `g_autoptr(VdiSecret) password = …` wipes
 * it before freeing it. Elsewhere it is a plain `char *`. */
typedef char VdiSecret;

void vdi_secret_wipe (char *secret);
void vdi_secret_free (char *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiSecret, vdi_secret_free)

G_END_DECLS
