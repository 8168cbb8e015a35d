/* vdi-sim-wsman-private.h
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

#include <libsoup/soup.h>

#include "vdi-gss-context.h"
#include "vdi-sim-cim.h"
#include "vdi-sim-migration.h"
#include "vdi-sim-wql.h"
#include "vdi-sim-wsman.h"
#include "vdi-sim-xml.h"

G_BEGIN_DECLS

#define NS_V2          "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define NS_CIM         "http://schemas.dmtf.org/wbem/wscim/1/common"
#define NS_MSWSMAN     "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define NS_WSMANFAULT  "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define ANONYMOUS      "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define WQL_DIALECT    "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define ACTION_FAULT   "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
#define ACTION_EN_FAULT "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"
#define ACTION_WSA_FAULT "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
#define SOAP_CONTENT_TYPE "application/soap+xml;charset=UTF-8"

typedef struct
{
  char   *id;
  GPtrArray *items;       /* rendered XML, one per item */
  guint   position;
  gint64  expires_us;     /* monotonic */
} EnumContext;

struct _VdiSimWsman
{
  GObject         parent_instance;

  VdiSimWorld    *world;
  VdiSimServer   *server;
  VdiSimProvider *host;
  GHashTable     *contexts;   /* id -> EnumContext */
};

typedef struct
{
  xmlDoc     *doc;
  xmlNode    *header;
  xmlNode    *body;
  char       *action;
  char       *resource_uri;
  char       *message_id;
  char       *operation_timeout;
  GHashTable *selectors;
  const char *method;   /* for counters and injection, static or owned by method_owned */
  char       *method_owned;
  VdiGssContext *seal;  /* the connection's context when the request came sealed */
} Request;

char *_vdi_sim_wsman_new_message_id (void);
GString *_vdi_sim_wsman_envelope_begin (const char *action,
                                        const char *relates_to);
void _vdi_sim_wsman_respond_envelope (VdiSimWsman *self,
                                      SoupServerMessage *msg,
                                      Request *req,
                                      guint status,
                                      GString *out);
void _vdi_sim_wsman_respond_fault_full (VdiSimWsman *self,
                                        SoupServerMessage *msg,
                                        Request *req,
                                        const char *action,
                                        const char *code,
                                        const char *subcode,
                                        const char *reason,
                                        const char *detail_uri,
                                        const char *wsman_code,
                                        const char *message);
void _vdi_sim_wsman_respond_fault (VdiSimWsman *self,
                                   SoupServerMessage *msg,
                                   Request *req,
                                   const char *name,
                                   const char *message);
char *_vdi_sim_wsman_class_from_uri (const char *uri);
gboolean _vdi_sim_wsman_is_v2_uri (const char *uri);
gboolean _vdi_sim_wsman_is_known_class (const char *class_name);
GPtrArray *_vdi_sim_wsman_collect_instances (VdiSimWsman *self,
                                             const char *class_name);
GPtrArray *_vdi_sim_wsman_run_associators (VdiSimWsman *self,
                                           VdiSimWqlQuery *query);
guint _vdi_sim_wsman_parse_duration_ms (const char *text);
void _vdi_sim_wsman_handle_identify (VdiSimWsman *self,
                                     SoupServerMessage *msg,
                                     Request *req,
                                     gboolean authenticated);
void _vdi_sim_wsman_handle_get (VdiSimWsman *self,
                                SoupServerMessage *msg,
                                Request *req);
void _vdi_sim_wsman_handle_enumerate (VdiSimWsman *self,
                                      SoupServerMessage *msg,
                                      Request *req);
void _vdi_sim_wsman_handle_pull (VdiSimWsman *self,
                                 SoupServerMessage *msg,
                                 Request *req);
void _vdi_sim_wsman_handle_release (VdiSimWsman *self,
                                    SoupServerMessage *msg,
                                    Request *req);
void _vdi_sim_wsman_handle_invoke (VdiSimWsman *self,
                                   SoupServerMessage *msg,
                                   Request *req,
                                   const char *class_name,
                                   const char *method,
                                   VdiSimFaultRule *injected);

gboolean _vdi_sim_wsman_authenticate (VdiSimWsman *self,
                                      SoupServerMessage *msg,
                                      GBytes *body,
                                      Request *req,
                                      GBytes **plain,
                                      gboolean *authenticated);
void _vdi_sim_wsman_respond (VdiSimWsman *self,
                             SoupServerMessage *msg,
                             Request *req,
                             guint status,
                             const char *text,
                             gsize length);
void _vdi_sim_wsman_refuse (VdiSimWsman *self,
                            SoupServerMessage *msg);

G_END_DECLS
