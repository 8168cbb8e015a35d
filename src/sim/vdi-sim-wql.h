/* vdi-sim-wql.h
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

#include "vdi-sim-cim.h"

G_BEGIN_DECLS

/* The WQL that clients send over WS-Man: SELECT with AND-ed equality tests, and
 * ASSOCIATORS OF {Class.Key="value"} WHERE AssocClass = … ResultClass = … */

typedef struct
{
  char     *property;
  char     *value;     /* NULL for NULL */
  gboolean  negate;
} VdiSimWqlCondition;

typedef struct
{
  char      *class_name;
  GPtrArray *conditions;     /* VdiSimWqlCondition, AND-ed */
  gboolean   associators;
  char      *source_class;
  char      *source_key;
  char      *source_value;
  char      *assoc_class;
  char      *result_class;
} VdiSimWqlQuery;

VdiSimWqlQuery *vdi_sim_wql_parse      (const char        *text);
void            vdi_sim_wql_query_free (VdiSimWqlQuery    *query);
gboolean        vdi_sim_wql_matches    (VdiSimWqlQuery    *query,
                                        VdiSimCimInstance *instance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiSimWqlQuery, vdi_sim_wql_query_free)

G_END_DECLS
