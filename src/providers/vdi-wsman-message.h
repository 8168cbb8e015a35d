/* vdi-wsman-message.h: WS-Management (DSP0226, WinRM dialect) messages for Hyper-V's WMI v2.
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

#include "vdi-soap.h"

G_BEGIN_DECLS

#define VDI_WSA_NS            "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define VDI_WSMAN_NS          "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define VDI_WSEN_NS           "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define VDI_WXF_NS            "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define VDI_WSMID_NS          "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define VDI_CIM_NS            "http://schemas.dmtf.org/wbem/wscim/1/common"
#define VDI_WSA_ANONYMOUS     "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define VDI_WSMAN_WQL_DIALECT "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define VDI_WMI_V2            "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"

#define VDI_WSMAN_ACTION_GET       VDI_WXF_NS "/Get"
#define VDI_WSMAN_ACTION_ENUMERATE VDI_WSEN_NS "/Enumerate"
#define VDI_WSMAN_ACTION_PULL      VDI_WSEN_NS "/Pull"
#define VDI_WSMAN_ACTION_RELEASE   VDI_WSEN_NS "/Release"

/* Hyper-V method results (Msvm_* ReturnValue). */
#define VDI_WSMAN_RETURN_OK          0
#define VDI_WSMAN_RETURN_JOB_STARTED 4096

/* CIM_ConcreteJob.JobState */
typedef enum
{
  VDI_WSMAN_JOB_NEW = 2,
  VDI_WSMAN_JOB_STARTING = 3,
  VDI_WSMAN_JOB_RUNNING = 4,
  VDI_WSMAN_JOB_SUSPENDED = 5,
  VDI_WSMAN_JOB_SHUTTING_DOWN = 6,
  VDI_WSMAN_JOB_COMPLETED = 7,
  VDI_WSMAN_JOB_TERMINATED = 8,
  VDI_WSMAN_JOB_KILLED = 9,
  VDI_WSMAN_JOB_EXCEPTION = 10,
  VDI_WSMAN_JOB_SERVICE = 11,
} VdiWsmanJobState;

/* An endpoint reference: a class and the selectors naming one instance of it. */
typedef struct
{
  char      *resource_uri;
  GPtrArray *names;
  GPtrArray *values;
} VdiWsmanEpr;

VdiWsmanEpr        *vdi_wsman_epr_new                 (const char         *resource_uri);
VdiWsmanEpr        *vdi_wsman_epr_copy                (const VdiWsmanEpr  *epr);
void                vdi_wsman_epr_free                (VdiWsmanEpr        *epr);
void                vdi_wsman_epr_add_selector        (VdiWsmanEpr        *epr,
                                                       const char         *name,
                                                       const char         *value);
const char         *vdi_wsman_epr_get_selector        (const VdiWsmanEpr  *epr,
                                                       const char         *name);
VdiWsmanEpr        *vdi_wsman_epr_parse               (xmlNode            *node);
char               *vdi_wsman_class_uri               (const char         *class_name);

/* Requests. Every text value is escaped here; callers pass plain strings. */
typedef struct
{
  const char        *to;
  const char        *action;
  const char        *resource_uri;
  const VdiWsmanEpr *selectors;
  const char        *message_id;
  guint              timeout_seconds;
  const char        *body;   /* the Body's content, already XML */
} VdiWsmanRequest;

char               *vdi_wsman_request_to_xml          (const VdiWsmanRequest *request);
char               *vdi_wsman_body_identify           (void);
char               *vdi_wsman_body_enumerate          (const char         *wql);
char               *vdi_wsman_body_pull               (const char         *context,
                                                       guint               max_elements);
char               *vdi_wsman_body_release            (const char         *context);
char               *vdi_wsman_wql_quote               (const char         *value);

typedef struct _VdiWsmanParams VdiWsmanParams;

VdiWsmanParams     *vdi_wsman_params_new              (const char         *resource_uri,
                                                       const char         *method);
void                vdi_wsman_params_add_string       (VdiWsmanParams     *params,
                                                       const char         *name,
                                                       const char         *value);
void                vdi_wsman_params_add_ref          (VdiWsmanParams     *params,
                                                       const char         *name,
                                                       const VdiWsmanEpr  *epr);
void                vdi_wsman_params_add_instance     (VdiWsmanParams     *params,
                                                       const char         *name,
                                                       const char         *class_name,
                                                       const char * const *properties);
char               *vdi_wsman_params_free_to_body     (VdiWsmanParams     *params);
char               *vdi_wsman_action_for_method       (const char         *resource_uri,
                                                       const char         *method);

/* Responses */
typedef struct
{
  char       *class_name;
  GHashTable *values;   /* property name → GPtrArray of strings; xsi:nil → empty array */
} VdiWsmanInstance;

xmlDoc             *vdi_wsman_parse_response          (const char         *data,
                                                       gsize               length,
                                                       xmlNode           **body,
                                                       GError            **error);
VdiWsmanInstance   *vdi_wsman_instance_parse          (xmlNode            *node);
void                vdi_wsman_instance_free           (VdiWsmanInstance   *instance);
const char         *vdi_wsman_instance_get            (const VdiWsmanInstance *instance,
                                                       const char         *name);
GPtrArray          *vdi_wsman_instance_get_array      (const VdiWsmanInstance *instance,
                                                       const char         *name);
gboolean            vdi_wsman_instance_get_uint       (const VdiWsmanInstance *instance,
                                                       const char         *name,
                                                       guint64            *value);

gboolean            vdi_wsman_parse_enumeration       (xmlNode            *body,
                                                       gboolean            pull,
                                                       char              **context,
                                                       GPtrArray          *items,
                                                       GError            **error);
gboolean            vdi_wsman_parse_invoke_output     (xmlNode            *body,
                                                       const char         *method,
                                                       guint              *return_value,
                                                       VdiWsmanEpr       **job,
                                                       xmlNode           **output,
                                                       GError            **error);
const char         *vdi_wsman_return_value_describe   (guint               return_value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiWsmanEpr, vdi_wsman_epr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiWsmanInstance, vdi_wsman_instance_free)

G_END_DECLS
