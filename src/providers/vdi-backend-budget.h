/* vdi-backend-budget.h: how long the console waits for a provider that does not answer.
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

/* A probe (is the provider there, does it take the password?) waits this long for each answer
 * to begin. Default 10 s; VDI_PROBE_TIMEOUT (seconds, may be fractional) changes it. */
#define VDI_BACKEND_DEFAULT_PROBE_TIMEOUT_MS   10000
/* The longest a provider may stay silent during a distribution: no answer to a request, or
 * none to the polls of a running job, for this long makes it Not available. Default 45 s;
 * VDI_SILENCE_TIMEOUT (seconds, may be fractional) changes it. */
#define VDI_BACKEND_DEFAULT_SILENCE_TIMEOUT_MS 45000

guint vdi_backend_get_probe_timeout_ms   (void);
guint vdi_backend_get_silence_timeout_ms (void);

G_END_DECLS
