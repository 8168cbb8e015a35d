/* vdi-secret.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vdi-secret.h"

/**
 * vdi_secret_wipe:
 * @secret: (nullable): a NUL-terminated secret
 *
 * Overwrites @secret with zeros up to its terminator. explicit_bzero() is a write the
 * compiler may not drop, unlike a memset() of memory about to be freed.
 */
void
vdi_secret_wipe (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
}

/**
 * vdi_secret_free:
 * @secret: (nullable) (transfer full): a NUL-terminated secret
 *
 * Wipes @secret, then frees it with g_free(). Use it wherever a password, an Authorization
 * header or a body carrying one is freed: g_clear_pointer (&x, vdi_secret_free), or
 * g_autoptr(VdiSecret).
 */
void
vdi_secret_free (char *secret)
{
  vdi_secret_wipe (secret);
  g_free (secret);
}
