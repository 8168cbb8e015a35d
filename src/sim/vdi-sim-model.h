/* vdi-sim-model.h
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

#include "vdi-sim-network.h"

G_BEGIN_DECLS

/* Plain records of the simulated world. The world owns them all; providers, datastores
 * and ESXi hosts live as long as the world, VMs and jobs are looked up by id whenever
 * they may have gone away in between. */

#define VDI_SIM_GIB ((guint64) 1024 * 1024 * 1024)

typedef enum
{
  VDI_SIM_PROVIDER_HYPERV,
  VDI_SIM_PROVIDER_VCENTER,
} VdiSimProviderKind;

typedef enum
{
  VDI_SIM_OFFLINE_NONE,
  VDI_SIM_OFFLINE_REFUSE,
  VDI_SIM_OFFLINE_HANG,
} VdiSimOfflineMode;

typedef enum
{
  VDI_SIM_POWER_OFF,
  VDI_SIM_POWER_ON,
  VDI_SIM_POWER_SAVED,
  VDI_SIM_POWER_PAUSED,
} VdiSimPower;

typedef enum
{
  VDI_SIM_CORRUPT_TRUNCATED,
  VDI_SIM_CORRUPT_MALFORMED,
  VDI_SIM_CORRUPT_CONTENT_TYPE,
  VDI_SIM_CORRUPT_EMPTY_500,
  VDI_SIM_CORRUPT_HUGE,
  VDI_SIM_CORRUPT_XML_BOMB,
} VdiSimCorruption;

typedef struct
{
  char  *method;    /* NULL = any method */
  guint  remaining;
  char  *fault;
  char  *message;
} VdiSimFaultRule;

typedef struct
{
  VdiSimCorruption  kind;
  char             *method;    /* NULL = any method */
  guint             remaining;
  guint             size_mb;
} VdiSimCorruptRule;

typedef struct
{
  char       *moid;
  char       *name;
  char       *type;
  guint64     capacity;
  guint64     free;
  double      mbps;
  gboolean    accessible;
  VdiSimLink *read_link;
  VdiSimLink *write_link;
  guint       cur_clones;
  guint       peak_clones;
} VdiSimDatastore;

typedef struct
{
  char *moid;
  char *name;
  char *connection_state;
} VdiSimEsxHost;

typedef struct
{
  char            *id;          /* Hyper-V: the GUID (Name); vCenter: the moid */
  char            *name;        /* ElementName / name */
  char            *uuid;
  guint64          disk_bytes;
  VdiSimPower      power;
  gboolean         planned;
  gboolean         is_template;
  VdiSimDatastore *datastore;
  VdiSimEsxHost   *host;
  guint            busy;
} VdiSimVm;

typedef struct
{
  char    *definition_file;
  char    *directory;
  char    *vm_name;
  char    *vm_id;
  guint64  disk_bytes;
} VdiSimExport;

typedef struct
{
  VdiSimProviderKind  kind;
  char               *name;
  char               *subtype;
  char               *user;
  char               *password;
  guint               port;

  /* what the control endpoint changes at run time */
  VdiSimOfflineMode   offline;
  guint               latency_ms;
  GPtrArray          *faults;        /* VdiSimFaultRule */
  GPtrArray          *corruptions;   /* VdiSimCorruptRule */

  /* counters */
  GHashTable         *requests;      /* method -> count (GUINT_TO_POINTER) */
  guint64             requests_total;
  double              bytes_moved;

  GPtrArray          *vms;           /* VdiSimVm */

  /* Hyper-V */
  gboolean            auth_basic;        /* WinRM's Auth/Basic */
  gboolean            auth_negotiate;    /* WinRM's Auth/Negotiate (NTLM, Kerberos) */
  gboolean            allow_unencrypted; /* WinRM's AllowUnencrypted */
  GTlsCertificate    *tls_certificate;   /* an HTTPS listener's (5986-style), or NULL: HTTP */
  gboolean            extended_protection; /* WinRM: a wrong channel binding is refused */
  double              export_mbps;
  double              up_mbps;
  double              down_mbps;
  VdiSimLink         *export_link;
  VdiSimLink         *up_link;
  VdiSimLink         *down_link;
  GPtrArray          *exports;       /* VdiSimExport */
  double              disk_free;     /* bytes; below 0: never full */
  double              disk_reserved; /* bytes promised to migrations in flight into the host */
  /* Hyper-V Settings ▸ Live Migrations (Msvm_VirtualSystemMigrationServiceSettingData) */
  gboolean            migration_enabled;
  guint               migration_auth;          /* 0 CredSSP, 1 Kerberos */
  guint               max_migrations;
  guint               max_storage_migrations;
  guint               enumeration_timeout_ms;
  guint               cur_exports;
  guint               peak_exports;
  guint               cur_migrations;
  guint               peak_migrations;
  guint               cur_migrations_in;
  guint               peak_migrations_in;
  guint               cur_migrations_out;
  guint               peak_migrations_out;

  /* vCenter */
  char               *datacenter;
  GPtrArray          *esx_hosts;     /* VdiSimEsxHost */
  GPtrArray          *datastores;    /* VdiSimDatastore */
  guint               next_moid;
  char               *instance_uuid;
  char               *dc_moid;
  char               *cluster_moid;
  char               *pool_moid;
  char               *vm_folder_moid;
  char               *host_folder_moid;
  char               *ds_folder_moid;
  guint               cur_clones;
  guint               peak_clones;
} VdiSimProvider;

typedef enum
{
  VDI_SIM_JOB_EXPORT,
  VDI_SIM_JOB_IMPORT,
  VDI_SIM_JOB_REALIZE,
  VDI_SIM_JOB_DESTROY,
  VDI_SIM_JOB_STATE_CHANGE,
  VDI_SIM_JOB_MIGRATE,
  VDI_SIM_TASK_CLONE,
  VDI_SIM_TASK_POWER_ON,
  VDI_SIM_TASK_POWER_OFF,
  VDI_SIM_TASK_DESTROY,
} VdiSimJobKind;

/* Msvm_VirtualSystemMigrationSettingData.MigrationType */
typedef enum
{
  VDI_SIM_MIGRATION_VIRTUAL_SYSTEM             = 32768,
  VDI_SIM_MIGRATION_STORAGE                    = 32769,
  VDI_SIM_MIGRATION_STAGED                     = 32770,
  VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE = 32771,
} VdiSimMigrationType;

typedef enum
{
  VDI_SIM_JOB_QUEUED,
  VDI_SIM_JOB_RUNNING,
  VDI_SIM_JOB_COMPLETED,
  VDI_SIM_JOB_FAILED,
} VdiSimJobState;

typedef struct
{
  char             *id;
  VdiSimJobKind     kind;
  VdiSimProvider   *provider;
  char             *job_class;          /* Msvm_ConcreteJob, Msvm_MigrationJob, Task */
  char             *name;               /* vim info.name */
  char             *description_id;     /* vim info.descriptionId */
  VdiSimJobState    state;
  guint             percent;
  double            queue_time;
  double            start_time;
  double            end_time;
  gint64            end_real_us;  /* monotonic wall time; finished jobs expire by it */
  double            duration;           /* fixed-length operations, simulated seconds */
  double            total_bytes;
  double            done_bytes;
  VdiSimFlow       *flow;
  gboolean          removed;            /* past TimeBeforeRemoval: Get no longer finds it */

  guint             error_code;
  char             *error_description;
  char             *fault_type;         /* vim fault xsi:type */
  char             *fault_fields;       /* vim fault body (XML, already escaped) */

  char             *vm_id;              /* the subject VM */
  char             *vm_name;
  char             *result_id;          /* what Msvm_AffectedJobElement / info.result name */
  char             *result_class;

  /* parameters */
  VdiSimProvider   *dest;
  VdiSimDatastore  *src_ds;
  VdiSimDatastore  *dest_ds;
  VdiSimEsxHost    *dest_host;
  char             *new_name;
  char             *path;
  gboolean          copy_storage;       /* export: CopyVmStorage */
  gboolean          generate_new_id;    /* import: GenerateNewSystemIdentifier */
  gboolean          as_template;        /* clone: spec.template */
  gboolean          linked;             /* clone: a child disk over the source's */
  gboolean          power_on;           /* clone: spec.powerOn */
  gboolean          pool_given;
  int               requested_state;    /* RequestStateChange */
  VdiSimMigrationType migration_type;
  guint64           reserved_bytes;

  /* injected failure: fail once this fraction is reached */
  double            fail_at;
  char             *inject_fault;
  char             *inject_message;
  guint             inject_code;

  gboolean          holds_vm;
  gboolean          counted_export;
  gboolean          counted_migration;
  gboolean          counted_clone;
} VdiSimJob;

VdiSimProvider  *vdi_sim_provider_new        (VdiSimProviderKind  kind,
                                              const char         *name);
void             vdi_sim_provider_free       (VdiSimProvider     *provider);
const char      *vdi_sim_provider_kind_to_string (VdiSimProviderKind kind);
VdiSimVm        *vdi_sim_provider_find_vm    (VdiSimProvider     *provider,
                                              const char         *id);
VdiSimVm        *vdi_sim_provider_find_vm_by_name (VdiSimProvider *provider,
                                                   const char     *name);
VdiSimDatastore *vdi_sim_provider_find_datastore (VdiSimProvider *provider,
                                                  const char     *moid_or_name);
VdiSimEsxHost   *vdi_sim_provider_find_esx_host  (VdiSimProvider *provider,
                                                  const char     *moid_or_name);
char            *vdi_sim_provider_next_moid  (VdiSimProvider     *provider,
                                              const char         *prefix);
void             vdi_sim_provider_count_request (VdiSimProvider  *provider,
                                                 const char      *method);
VdiSimFaultRule *vdi_sim_provider_take_fault (VdiSimProvider     *provider,
                                              const char         *method);
gboolean         vdi_sim_provider_take_corruption (VdiSimProvider  *provider,
                                                   const char      *method,
                                                   VdiSimCorruptRule *out_rule);
void             vdi_sim_fault_rule_free     (VdiSimFaultRule    *rule);
void             vdi_sim_corrupt_rule_free   (VdiSimCorruptRule  *rule);
gboolean         vdi_sim_corruption_from_string (const char      *text,
                                                 VdiSimCorruption *out);
const char      *vdi_sim_corruption_to_string (VdiSimCorruption   kind);

VdiSimVm        *vdi_sim_vm_new              (const char         *id,
                                              const char         *name,
                                              guint64             disk_bytes,
                                              VdiSimPower         power);
void             vdi_sim_vm_free             (VdiSimVm           *vm);
const char      *vdi_sim_power_to_string     (VdiSimPower         power);
gboolean         vdi_sim_power_from_string   (const char         *text,
                                              VdiSimPower        *out);

void             vdi_sim_datastore_free      (VdiSimDatastore    *datastore);
void             vdi_sim_esx_host_free       (VdiSimEsxHost      *host);
void             vdi_sim_export_free         (VdiSimExport       *export);

void             vdi_sim_job_free            (VdiSimJob          *job);
const char      *vdi_sim_job_state_to_string (VdiSimJobState      state);
const char      *vdi_sim_job_kind_to_string  (VdiSimJobKind       kind);
gboolean         vdi_sim_migration_moves_storage (VdiSimMigrationType type);

char            *vdi_sim_new_guid            (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiSimFaultRule, vdi_sim_fault_rule_free)

G_END_DECLS
