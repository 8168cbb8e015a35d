/* vdi-distributor-private.h: what the distributor's topic files share: the runs, their jobs and
 * the slots they wait for (vdi-distributor-schedule.c), the steps of a copy and the following of
 * provider jobs (vdi-distributor-steps.c), reconciling with what the providers hold
 * (vdi-distributor-reconcile.c), removing a provider (vdi-distributor-remove.c) and relay, where
 * targets that hold the template feed others (vdi-distributor-relay.c).
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

#include "vdi-backend-factory.h"
#include "vdi-distributor.h"
#include "vdi-hyperv-backend.h"
#include "vdi-provider-job.h"

G_BEGIN_DECLS

/* How a target's percent splits over its steps: the export and the copy move the bytes. */
#define EXPORT_SHARE  40.0
#define IMPORT_SHARE  10.0
#define MIGRATE_SHARE 50.0

typedef struct _Run Run;
typedef struct _Job Job;

/* One export at a time per source host, whatever the template. */
typedef struct
{
  gboolean busy;
  GQueue   waiting;   /* Job */
} ExportSlot;

/* One public call: finishes when all its jobs have. */
typedef struct
{
  GTask       *task;
  VdiTemplate *template;
  guint        n_pending;
  guint        n_failed;
  guint        n_unavailable;
} Operation;

typedef enum
{
  JOB_DISTRIBUTE,
  JOB_ADD,
  JOB_REMOVE,
} JobKind;

struct _Job
{
  Run          *run;
  Operation    *operation;
  VdiTarget    *target;
  VdiBackend   *source;        /* the feeder's with relay, else the template source's */
  VdiBackend   *destination;
  VdiProvider  *feeder;        /* relay: the holder this copy comes from, once chosen */
  GPtrArray    *tried_feeders; /* relay: holders that failed this copy (VdiProvider) */
  gulong        holder_cancel_id;   /* relay: a cancel while waiting for a holder */
  guint         holder_cancel_idle;
  GCancellable *cancellable;
  JobKind       kind;
  double        step_base;
  double        step_share;
  gint64        started_us;
  char         *fail_message;
  guint         holds_export : 1;
  guint         holds_copy : 1;
  guint         waiting_copy : 1;
  guint         cleaning : 1;       /* removing what a failed step left: not cancellable */
  guint         importing : 1;      /* from asking for an import until its VM is recorded */
  guint         fail_unavailable : 1;
  guint         waiting_holder : 1;
  guint         waiting_uplink : 1;
  guint         destination_down : 1; /* the target itself stopped answering */
  guint         relisted : 1;       /* reconcile: listed again after finding no job running */
  guint         swept : 1;          /* the target's strays were looked for since the last one
                                     * was recorded */
};

/* The distribution work of one template: its jobs share the template's copy slots. */
struct _Run
{
  VdiDistributor *self;
  VdiTemplate    *template;
  GPtrArray      *jobs;
  GQueue          waiting_copy;  /* Job */
  GQueue          waiting_holder; /* Job, relay: copies no holder has taken yet */
  GQueue          waiting_uplink; /* Job, relay: copies whose holder is moving another */
  guint           n_copying;
  GHashTable     *backends;      /* VdiProvider → SharedBackend */
  GHashTable     *silent;        /* VdiProvider, relay: holders that stopped answering */
};

/* The jobs of a run share one backend (one HTTP session, few connections) per provider:
 * 64 targets must not mean 64 connections to the source host at once. */
typedef struct
{
  VdiBackend *backend;
  char       *password;
} SharedBackend;

struct _VdiDistributor
{
  GObject         parent_instance;

  VdiFarm        *farm;
  VdiCredentials *credentials;
  char           *export_root;
  GHashTable     *export_slots;  /* VdiProvider → ExportSlot */
  GHashTable     *runs;          /* VdiTemplate → Run */
  GHashTable     *orphans;       /* ids of planned VMs being removed, in lower case */
};

typedef void (*JobDone) (Job        *job,
                         const char *result,
                         GError     *error);
typedef void (*StraysDone) (Job *job);

typedef struct
{
  Job       *job;
  GPtrArray *on_source;
  GPtrArray *on_target;
  GPtrArray *planned_on_source;
  GPtrArray *planned_on_target;
  GError    *error;
  guint      n_pending;
  gboolean   removing;
  GPtrArray *orphans;       /* Orphan, being removed one at a time */
} Reconcile;

/* vdi-distributor.c */
void          save_now            (VdiDistributor *self);
void          operation_job_done  (Operation      *operation,
                                   gboolean        ok,
                                   gboolean        unavailable);
VdiBackend   *run_backend_for     (Run            *run,
                                   VdiProvider    *provider,
                                   const char     *password,
                                   GError        **error);

/* vdi-distributor-schedule.c */
void          export_slot_free    (ExportSlot     *slot);
Run          *run_for             (VdiDistributor *self,
                                   VdiTemplate    *template);
void          run_free            (Run            *run);
Job          *find_job            (Run            *run,
                                   VdiTarget      *target);
VdiProvider  *source_provider     (Job            *job);
VdiProvider  *target_provider     (Job            *job);
void          export_slot_release (Job            *job);
void          copy_slot_release   (Job            *job);
void          job_end             (Job            *job,
                                   gboolean        ok,
                                   gboolean        unavailable);

/* vdi-distributor-steps.c */
void          set_step            (Job            *job,
                                   double          base,
                                   double          share);
gboolean      job_outcome_known   (const GError   *error);
void          follow              (Job            *job,
                                   VdiBackend     *backend,
                                   VdiBackendJob  *handle,
                                   JobDone         done);
void          run_operation       (Job            *job,
                                   VdiBackend     *backend,
                                   const char     *operation,
                                   GVariant       *parameters,
                                   JobDone         done);
gboolean      vm_is_gone          (GError         *error);
void          job_step_export     (Job            *job);
void          job_step_import     (Job            *job);
void          job_step_migrate    (Job            *job);
void          job_succeed         (Job            *job);
void          job_fail            (Job            *job,
                                   const char     *step,
                                   GError         *error);
void          job_fail_end        (Job            *job);

/* vdi-distributor-reconcile.c */
gboolean      holds_vm            (GPtrArray      *vms,
                                   const char     *id);
gboolean      farm_records_vm     (VdiDistributor *self,
                                   const char     *id);
void          job_step_reconcile  (Job            *job);

/* vdi-distributor-relay.c */
gboolean      relay_wants_holder  (Job            *job);
void          relay_enqueue       (Job            *job);
void          relay_stop_waiting  (Job            *job);
void          relay_dispatch      (Run            *run);
gboolean      relay_wait_uplink   (Job            *job);
void          relay_uplink_freed  (Job            *job);
VdiProvider  *relay_resume_feeder (Run            *run,
                                   VdiTarget      *target);
const char   *exported_vm_id      (Job            *job);
gboolean      relay_refeed        (Job            *job,
                                   GError         *error);
gboolean      relay_fed_by_target (Job            *job);

/* vdi-distributor-strays.c */
void          strays_sweep        (Job            *job,
                                   gboolean        target_only,
                                   GCancellable   *cancellable,
                                   StraysDone      done);
void          strays_record       (Job            *job);

/* vdi-distributor-remove.c */
void          remove_decide       (Reconcile      *reconcile);

G_END_DECLS
