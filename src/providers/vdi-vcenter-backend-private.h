/* vdi-vcenter-backend-private.h
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

#include "vdi-http-client.h"
#include "vdi-vcenter-backend.h"
#include "vdi-vim-message.h"

G_BEGIN_DECLS

#define CONTENT_TYPE       "text/xml; charset=utf-8"
#define DEFAULT_TIMEOUT    60
#define MAX_WAIT_SECONDS   30
#define MAX_PAGES          100000
/* At most one status request per second for each task followed. */
#define STATUS_INTERVAL_US G_USEC_PER_SEC

struct _VdiVcenterBackend
{
  GObject        parent_instance;

  VdiHttpClient *client;
  char          *username;
  char          *password;
  guint          max_objects;
  guint          timeout;

  /* ServiceContent */
  VdiVimMoRef   *service_instance;
  VdiVimMoRef   *root_folder;
  VdiVimMoRef   *property_collector;
  VdiVimMoRef   *view_manager;
  VdiVimMoRef   *session_manager;
  VdiVimMoRef   *task_manager;       /* NULL when the service content names none */
  char          *full_name;
  char          *soap_action;

  /* The session: one login at a time; callers that need one while it runs wait for it. The
   * generation counts logins, so that a caller whose session was lost re-logs in only when
   * nobody did since it sent its request. */
  gboolean       logged_in;
  gboolean       login_running;
  guint          generation;
  GQueue         login_waiters;
};

/* vdi-vcenter-backend.c: calls, with the session they need */
typedef enum
{
  CALL_PLAIN,    /* no session needed, or best effort: no login, no retry */
  CALL_PROBE,    /* as plain, answered within the probe's deadline (a hung vCenter is found fast) */
  CALL_SESSION,  /* log in first; on NotAuthenticated log in again, once, and retry */
} CallFlags;

typedef struct
{
  xmlDoc  *doc;
  xmlNode *response;
} CallReply;

guint _vdi_vcenter_max_wait_seconds (VdiVcenterBackend *self);
void _vdi_vcenter_call_reply_free (CallReply *reply);
void _vdi_vcenter_call_async (VdiVcenterBackend   *self,
                              const char          *method,
                              char                *body,
                              CallFlags            flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
CallReply *_vdi_vcenter_call_finish (VdiVcenterBackend  *self,
                                     GAsyncResult       *result,
                                     char              **fault_type,
                                     GError            **error);
void _vdi_vcenter_call_and_forget (VdiVcenterBackend *self,
                                   const char        *method,
                                   const VdiVimMoRef *this_ref,
                                   const VdiVimMoRef *argument,
                                   const char        *argument_name);
gboolean _vdi_vcenter_is_cancelled (GTask        *task,
                                    const GError *error);
void _vdi_vcenter_ensure_session_async (VdiVcenterBackend   *self,
                                        gboolean             relogin,
                                        guint                generation,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean _vdi_vcenter_ensure_session_finish (VdiVcenterBackend  *self,
                                             GAsyncResult       *result,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallReply, _vdi_vcenter_call_reply_free)

/* vdi-vcenter-backend-inventory.c: listings */
typedef struct
{
  GPtrArray *docs;     /* the documents the objects' values point into */
  GPtrArray *objects;  /* VdiVimObject */
} ObjectList;

void _vdi_vcenter_object_list_free (ObjectList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ObjectList, _vdi_vcenter_object_list_free)

void _vdi_vcenter_list_objects_async (VdiVcenterBackend   *self,
                                      const char          *type,
                                      const char * const  *paths,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
ObjectList *_vdi_vcenter_list_objects_finish (VdiVcenterBackend  *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void vdi_vcenter_backend_list_hosts_async (VdiBackend          *backend,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
void vdi_vcenter_backend_list_datastores_async (VdiBackend          *backend,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray *vdi_vcenter_backend_list_finish (VdiBackend    *backend,
                                            GAsyncResult  *result,
                                            GError       **error);
void vdi_vcenter_backend_list_vms_async (VdiBackend          *backend,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

/* vdi-vcenter-backend-operations.c */
VdiVimObject *_vdi_vcenter_op_take_object (CallReply  *reply,
                                           GPtrArray  *objects,
                                           GError    **error);
void vdi_vcenter_backend_start_async (VdiBackend          *backend,
                                      const char          *operation,
                                      GVariant            *parameters,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
VdiBackendJob *vdi_vcenter_backend_start_finish (VdiBackend    *backend,
                                                 GAsyncResult  *result,
                                                 GError       **error);
void vdi_vcenter_backend_call_async (VdiBackend          *backend,
                                     const char          *operation,
                                     GVariant            *parameters,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean vdi_vcenter_backend_call_finish (VdiBackend    *backend,
                                          GAsyncResult  *result,
                                          GError       **error);

/* vdi-vcenter-backend-follow.c */
void vdi_vcenter_backend_follow_async (VdiBackend             *backend,
                                       const VdiBackendJob    *job,
                                       VdiBackendProgressFunc  progress,
                                       gpointer                progress_data,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data);
char *vdi_vcenter_backend_follow_finish (VdiBackend    *backend,
                                         GAsyncResult  *result,
                                         GError       **error);

/* vdi-vcenter-backend-jobs.c */
void vdi_vcenter_backend_find_running_jobs_async (VdiBackend          *backend,
                                                  const char          *vm_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray *vdi_vcenter_backend_find_running_jobs_finish (VdiBackend    *backend,
                                                         GAsyncResult  *result,
                                                         GError       **error);

G_END_DECLS
