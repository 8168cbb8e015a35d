/* vdi-sim-cim.h
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

/* WMI instances as WinRM serializes them, for the Hyper-V front end. */

#define VDI_SIM_NS_V2     "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define VDI_SIM_NS_CIM    "http://schemas.dmtf.org/wbem/wscim/1/common"
#define VDI_SIM_ANONYMOUS "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

typedef enum
{
  VDI_SIM_CIM_STRING,
  VDI_SIM_CIM_NIL,
  VDI_SIM_CIM_DATETIME,
  VDI_SIM_CIM_INTERVAL,
  VDI_SIM_CIM_RAW,
} VdiSimCimKind;

typedef struct
{
  char          *name;
  char          *value;
  VdiSimCimKind  kind;
} VdiSimCimProp;

typedef struct
{
  char      *class_name;
  GPtrArray *props;
  GPtrArray *keys;   /* names of key properties, for EPRs */
} VdiSimCimInstance;

VdiSimCimInstance *vdi_sim_cim_instance_new    (const char        *class_name);
void               vdi_sim_cim_instance_free   (VdiSimCimInstance *instance);
void               vdi_sim_cim_prop_free       (VdiSimCimProp     *prop);
void               vdi_sim_cim_add             (VdiSimCimInstance *instance,
                                                const char        *name,
                                                VdiSimCimKind      kind,
                                                const char        *value);
void               vdi_sim_cim_add_str         (VdiSimCimInstance *instance,
                                                const char        *name,
                                                const char        *value);
void               vdi_sim_cim_add_uint        (VdiSimCimInstance *instance,
                                                const char        *name,
                                                guint64            value);
void               vdi_sim_cim_add_key         (VdiSimCimInstance *instance,
                                                const char        *name,
                                                const char        *value);
const char        *vdi_sim_cim_get             (VdiSimCimInstance *instance,
                                                const char        *name);
gboolean           vdi_sim_cim_has             (VdiSimCimInstance *instance,
                                                const char        *name);
void               vdi_sim_cim_append_epr      (GString           *out,
                                                const char        *element,
                                                const char        *class_name,
                                                const char        *key1,
                                                const char        *value1,
                                                const char        *key2,
                                                const char        *value2);
char              *vdi_sim_cim_render_instance (VdiSimCimInstance *instance);
char              *vdi_sim_cim_render_epr_item (VdiSimCimInstance *instance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiSimCimInstance, vdi_sim_cim_instance_free)

G_END_DECLS
