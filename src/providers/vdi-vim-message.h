/* vdi-vim-message.h: vSphere Web Services (vim25, SOAP 1.1) messages.
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

/* A managed object reference. The value is opaque: vcsim uses filesystem paths for datastores,
 * so nothing may parse it or assume its shape. */
typedef struct
{
  char *type;
  char *value;
} VdiVimMoRef;

VdiVimMoRef        *vdi_vim_moref_new                 (const char         *type,
                                                       const char         *value);
VdiVimMoRef        *vdi_vim_moref_copy                (const VdiVimMoRef  *moref);
void                vdi_vim_moref_free                (VdiVimMoRef        *moref);
VdiVimMoRef        *vdi_vim_moref_parse               (xmlNode            *node);
gboolean            vdi_vim_moref_equal               (const VdiVimMoRef  *a,
                                                       const VdiVimMoRef  *b);

/* Request building: a method element in urn:vim25, its children in WSDL order. */
typedef struct _VdiVimCall VdiVimCall;

VdiVimCall         *vdi_vim_call_new                  (const char         *method,
                                                       const VdiVimMoRef  *this_ref);
void                vdi_vim_call_add_moref            (VdiVimCall         *call,
                                                       const char         *name,
                                                       const VdiVimMoRef  *moref);
void                vdi_vim_call_add_text             (VdiVimCall         *call,
                                                       const char         *name,
                                                       const char         *text);
void                vdi_vim_call_add_bool             (VdiVimCall         *call,
                                                       const char         *name,
                                                       gboolean            value);
void                vdi_vim_call_add_int              (VdiVimCall         *call,
                                                       const char         *name,
                                                       gint64              value);
void                vdi_vim_call_open                 (VdiVimCall         *call,
                                                       const char         *name,
                                                       const char         *xsi_type);
void                vdi_vim_call_close                (VdiVimCall         *call,
                                                       const char         *name);
char               *vdi_vim_call_free_to_envelope     (VdiVimCall         *call);

/* RetrievePropertiesEx over a ContainerView: the properties of every object of @type. */
char               *vdi_vim_build_retrieve_view       (const VdiVimMoRef  *property_collector,
                                                       const VdiVimMoRef  *view,
                                                       const char         *type,
                                                       const char * const *paths,
                                                       guint               max_objects);
char               *vdi_vim_build_retrieve_object    (const VdiVimMoRef  *property_collector,
                                                       const VdiVimMoRef  *object,
                                                       const char * const *paths);

/* Responses */
xmlDoc             *vdi_vim_parse_response            (const char         *data,
                                                       gsize               length,
                                                       const char         *method,
                                                       xmlNode           **response,
                                                       GError            **error);
xmlNode            *vdi_vim_returnval                 (xmlNode            *response);

typedef struct
{
  VdiVimMoRef *obj;
  GHashTable  *props;    /* path → xmlNode <val> (borrowed from the document) */
  GHashTable  *missing;  /* path → fault type ("NotAuthenticated", "InvalidProperty"…) */
} VdiVimObject;

void                vdi_vim_object_free               (VdiVimObject       *object);
char               *vdi_vim_object_dup_string         (const VdiVimObject *object,
                                                       const char         *path);
gboolean            vdi_vim_object_get_bool           (const VdiVimObject *object,
                                                       const char         *path,
                                                       gboolean           *value);
gboolean            vdi_vim_object_get_int64          (const VdiVimObject *object,
                                                       const char         *path,
                                                       gint64             *value);
VdiVimMoRef        *vdi_vim_object_dup_moref          (const VdiVimObject *object,
                                                       const char         *path);
GPtrArray          *vdi_vim_object_dup_morefs         (const VdiVimObject *object,
                                                       const char         *path);

gboolean            vdi_vim_parse_retrieve_result     (xmlNode            *returnval,
                                                       GPtrArray          *objects,
                                                       char              **token,
                                                       GError            **error);

/* Tasks */
typedef enum
{
  VDI_VIM_TASK_QUEUED,
  VDI_VIM_TASK_RUNNING,
  VDI_VIM_TASK_SUCCESS,
  VDI_VIM_TASK_ERROR,
} VdiVimTaskState;

typedef struct
{
  VdiVimTaskState  state;
  int              progress;      /* 0–100, -1 when not reported */
  char            *error_type;    /* the fault's xsi:type when state is ERROR */
  char            *error_message; /* localizedMessage, or the type when there is none */
  VdiVimMoRef     *result;        /* info.result when it is a MoRef (a clone's new VM) */
} VdiVimTaskInfo;

void                vdi_vim_task_info_free            (VdiVimTaskInfo     *info);
gboolean            vdi_vim_task_info_update          (VdiVimTaskInfo     *info,
                                                       const char         *path,
                                                       xmlNode            *val,
                                                       GError            **error);
gboolean            vdi_vim_parse_task_updates        (xmlNode            *returnval,
                                                       const VdiVimMoRef  *task,
                                                       VdiVimTaskInfo     *info,
                                                       char              **version,
                                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiVimMoRef, vdi_vim_moref_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiVimObject, vdi_vim_object_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiVimTaskInfo, vdi_vim_task_info_free)

G_END_DECLS
