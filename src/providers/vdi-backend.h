/* vdi-backend.h: what the console asks of a provider, whatever its protocol.
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

#include <gio/gio.h>

#include "vdi-backend-error.h"
#include "vdi-inventory.h"
#include "vdi-migration-settings.h"
#include "vdi-provider.h"

G_BEGIN_DECLS

/* A long operation started on a provider: a Hyper-V job (Msvm_ConcreteJob or
 * Msvm_MigrationJob, by InstanceID) or a vCenter Task (by MoRef). Its string form is stable, so
 * a job can be written to the farm file and followed again after a restart. */
typedef struct _VdiBackendJob VdiBackendJob;

#define VDI_TYPE_BACKEND_JOB (vdi_backend_job_get_type ())

GType               vdi_backend_job_get_type          (void);
VdiBackendJob      *vdi_backend_job_new               (const char         *kind,
                                                       const char         *id);
VdiBackendJob      *vdi_backend_job_copy              (const VdiBackendJob *job);
void                vdi_backend_job_free              (VdiBackendJob      *job);
const char         *vdi_backend_job_get_kind          (const VdiBackendJob *job);
const char         *vdi_backend_job_get_id            (const VdiBackendJob *job);
char               *vdi_backend_job_to_string         (const VdiBackendJob *job);
VdiBackendJob      *vdi_backend_job_new_from_string   (const char         *text);

/* Progress of a job: percent 0–100; bytes when the provider reports them, else 0. */
typedef void (*VdiBackendProgressFunc) (double   percent,
                                        guint64  bytes_done,
                                        guint64  bytes_total,
                                        gpointer user_data);

#define VDI_TYPE_BACKEND (vdi_backend_get_type ())

G_DECLARE_INTERFACE (VdiBackend, vdi_backend, VDI, BACKEND, GObject)

struct _VdiBackendInterface
{
  GTypeInterface parent_iface;

  /* Checks that the provider answers and accepts the credentials; the result is the
   * product and version it reports, e.g. "VMware vCenter Server 8.0.2". */
  void            (*probe_async)            (VdiBackend          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  char           *(*probe_finish)           (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

  /* Listings: (element-type VdiVmInfo / VdiDatastoreInfo / VdiHostInfo) */
  void            (*list_vms_async)         (VdiBackend          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  GPtrArray      *(*list_vms_finish)        (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
  /* Planned VMs (element-type VdiVmInfo, each with "planned" set): what a Hyper-V import makes
   * before it is realized. list_vms leaves them out, because nothing but the realize step and
   * a cleanup can use one: the wizard, the hosts and vdictl only want VMs that exist. The
   * distributor asks for them to find the orphan of an import whose job it never recorded. A
   * provider that has no such thing (vCenter) leaves this unset: the default lists none. */
  void            (*list_planned_vms_async) (VdiBackend          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  GPtrArray      *(*list_planned_vms_finish) (VdiBackend         *self,
                                              GAsyncResult       *result,
                                              GError            **error);
  void            (*list_datastores_async)  (VdiBackend          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  GPtrArray      *(*list_datastores_finish) (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
  void            (*list_hosts_async)       (VdiBackend          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  GPtrArray      *(*list_hosts_finish)      (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

  /* Operations that start a job: each finishes with the VdiBackendJob to follow.
   * Hyper-V: export (vm, directory), import (definition file, new identity), realize (planned
   * vm), migrate (vm, destination host; VM and storage), rename (vm, new name). vCenter: clone
   * (vm, name, datastore, linked). Both: destroy (vm), power (vm, on). Not all providers do all
   * operations; the others fail with G_IO_ERROR_NOT_SUPPORTED. */
  void            (*start_async)            (VdiBackend          *self,
                                             const char          *operation,
                                             GVariant            *parameters,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  VdiBackendJob  *(*start_finish)           (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

  /* Follows a job to its end, reporting progress at most about once a second (long-polling
   * where the protocol can). Finishes with the id of what the job produced (the imported or
   * cloned VM), or NULL when it produced nothing; a failed job is an error in the provider's
   * words. Cancelling asks the provider to cancel the job too. */
  void            (*follow_async)           (VdiBackend            *self,
                                             const VdiBackendJob   *job,
                                             VdiBackendProgressFunc progress,
                                             gpointer               progress_data,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
  char           *(*follow_finish)          (VdiBackend            *self,
                                             GAsyncResult          *result,
                                             GError               **error);

  /* Synchronous provider calls (no job): vCenter MarkAsTemplate / MarkAsVirtualMachine. */
  void            (*call_async)             (VdiBackend          *self,
                                             const char          *operation,
                                             GVariant            *parameters,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  gboolean        (*call_finish)            (VdiBackend          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

  /* A Hyper-V host's live-migration settings, which a copy to or from it needs enabled. A
   * provider that has none (vCenter) leaves this unset: the default fails with
   * G_IO_ERROR_NOT_SUPPORTED. */
  void            (*get_migration_settings_async)  (VdiBackend          *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
  VdiMigrationSettings *(*get_migration_settings_finish) (VdiBackend    *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);

  /* The jobs still running on the provider that concern the VM @vm_id (element-type
   * VdiBackendJob): what a process killed between asking for an operation and recording its
   * job leaves running, for the next run to follow instead of asking again beside it.
   * Hyper-V: Msvm_MigrationJob / Msvm_ConcreteJob affecting the VM; vCenter: the VM's
   * queued or running tasks. The default fails with G_IO_ERROR_NOT_SUPPORTED. */
  void            (*find_running_jobs_async)  (VdiBackend          *self,
                                               const char          *vm_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
  GPtrArray      *(*find_running_jobs_finish) (VdiBackend          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
};

/* Operation names and their parameters (GVariant tuples). */
#define VDI_BACKEND_OP_EXPORT        "export"         /* (ss)  vm id, directory */
#define VDI_BACKEND_OP_IMPORT        "import"         /* (sb)  definition file, new identity */
#define VDI_BACKEND_OP_REALIZE       "realize"        /* (s)   planned vm id */
#define VDI_BACKEND_OP_MIGRATE       "migrate"        /* (ss)  vm id, destination host */
#define VDI_BACKEND_OP_CLONE         "clone"          /* (sssb) vm id, new name, datastore id, linked */
#define VDI_BACKEND_OP_DESTROY       "destroy"        /* (s)   vm id */
#define VDI_BACKEND_OP_POWER         "power"          /* (sb)  vm id, on */
#define VDI_BACKEND_OP_RENAME        "rename"         /* (ss)  vm id, new name */
#define VDI_BACKEND_OP_MARK_TEMPLATE "mark-template"  /* (s)   vm id */
#define VDI_BACKEND_OP_MARK_VM       "mark-vm"        /* (s)   vm id */


void                vdi_backend_probe_async           (VdiBackend          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char               *vdi_backend_probe_finish          (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_list_vms_async        (VdiBackend          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray          *vdi_backend_list_vms_finish       (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_list_planned_vms_async (VdiBackend         *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray          *vdi_backend_list_planned_vms_finish (VdiBackend        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_list_datastores_async (VdiBackend          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray          *vdi_backend_list_datastores_finish (VdiBackend         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_list_hosts_async      (VdiBackend          *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray          *vdi_backend_list_hosts_finish     (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_start_async           (VdiBackend          *self,
                                                       const char          *operation,
                                                       GVariant            *parameters,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
VdiBackendJob      *vdi_backend_start_finish          (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_follow_async          (VdiBackend            *self,
                                                       const VdiBackendJob   *job,
                                                       VdiBackendProgressFunc progress,
                                                       gpointer               progress_data,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
char               *vdi_backend_follow_finish         (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_call_async            (VdiBackend          *self,
                                                       const char          *operation,
                                                       GVariant            *parameters,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            vdi_backend_call_finish           (VdiBackend          *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_get_migration_settings_async (VdiBackend    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
VdiMigrationSettings *vdi_backend_get_migration_settings_finish (VdiBackend *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                vdi_backend_find_running_jobs_async (VdiBackend        *self,
                                                       const char          *vm_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray          *vdi_backend_find_running_jobs_finish (VdiBackend       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiBackendJob, vdi_backend_job_free)

G_END_DECLS
