/* vdi-sim-world-private.h
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

#include "vdi-sim-migration.h"
#include "vdi-sim-world.h"

G_BEGIN_DECLS

/* Fixed lengths (simulated seconds) of the operations that move no disk data. */
#define IMPORT_SECONDS        5.0
#define REALIZE_SECONDS       3.0
#define DESTROY_SECONDS       2.0
#define STATE_CHANGE_SECONDS  2.0
#define POWER_SECONDS         3.0
#define LINKED_CLONE_BYTES    (256.0 * 1024 * 1024)
#define MIGRATION_MEMORY      (1.0 * VDI_SIM_GIB)
#define CONFIG_BYTES          (4.0 * 1024 * 1024)

struct _VdiSimWorld
{
  GObject        parent_instance;

  VdiSimClock   *clock;
  VdiSimNetwork *network;
  GPtrArray     *providers;
  GPtrArray     *jobs;
  GHashTable    *jobs_by_id;
  guint          tick_id;
  double         last_tick;
  double         counters_since;
  double         bytes_moved;
  guint          next_task;
  double         advance_base;
  double         completion_time;
};

/* vdi-sim-world-jobs.c: the life of a job, shared by the Hyper-V and vCenter operations. */
VdiSimJob    *_vdi_sim_world_job_new     (VdiSimWorld    *self,
                                         VdiSimProvider *provider,
                                         VdiSimJobKind   kind);
void          _vdi_sim_world_job_begin   (VdiSimWorld    *self,
                                         VdiSimJob      *job);
void          _vdi_sim_world_job_fail    (VdiSimWorld    *self,
                                         VdiSimJob      *job,
                                         guint           code,
                                         const char     *description,
                                         const char     *fault_type,
                                         const char     *fault_fields);
VdiSimExport *_vdi_sim_world_find_export (VdiSimProvider *host,
                                         const char     *path);

G_END_DECLS
