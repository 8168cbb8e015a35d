/* vdi-backend-budget.c
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

#include <stdlib.h>

#include "vdi-backend-budget.h"

/* Seconds from the environment, for a site with unusual links and for the tests of hung hosts,
 * which cannot wait the full budgets; anything unreadable keeps the default. */
static guint
budget_from_env (const char *variable,
                 guint       default_ms)
{
  const char *text = g_getenv (variable);
  char *end = NULL;
  double seconds;

  if (text == NULL || *text == '\0')
    return default_ms;
  seconds = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(seconds > 0) || seconds > 3600)
    return default_ms;
  return MAX (1, (guint)(seconds * 1000));
}

/**
 * vdi_backend_get_probe_timeout_ms:
 *
 * Returns: how long a probe waits for each answer to begin, in milliseconds
 */
guint
vdi_backend_get_probe_timeout_ms (void)
{
  return budget_from_env ("VDI_PROBE_TIMEOUT", VDI_BACKEND_DEFAULT_PROBE_TIMEOUT_MS);
}

/**
 * vdi_backend_get_silence_timeout_ms:
 *
 * Returns: how long a provider may stay silent while work runs on it, in milliseconds
 */
guint
vdi_backend_get_silence_timeout_ms (void)
{
  return budget_from_env ("VDI_SILENCE_TIMEOUT", VDI_BACKEND_DEFAULT_SILENCE_TIMEOUT_MS);
}
