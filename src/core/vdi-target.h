/* vdi-target.h
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

#include "vdi-enums.h"
#include "vdi-provider.h"

G_BEGIN_DECLS

#define VDI_TYPE_TARGET (vdi_target_get_type ())

G_DECLARE_FINAL_TYPE (VdiTarget, vdi_target, VDI, TARGET, GObject)

/* One provider's share of a template. Properties: "provider" (construct-only), "is-source",
 * "state", "progress" (a VdiDistribution value), "percent" (0–100), "bytes-done",
 * "bytes-total", "rate" (bytes per second), "seconds-left" (-1 when unknown), "last-error",
 * "step", "remote-vm-id" (the copy's id on that provider), "export-dir" (where the source
 * host wrote the export this copy is made from), "fed-from" (the id of the provider that copy
 * comes from: the source, or with relay a target that already held the template), "outdated-vm-id" (the copy made before the
 * template last changed, removed once the new one is in place), "job" (the provider job under way
 * for it, in vdi_backend_job_to_string() form, so an interrupted run can follow it again),
 * "started-at" and "updated-at" (GDateTime, UTC), "n-strays".
 *
 * A stray is a copy abandoned with relay: a holder stopped answering while it fed this target,
 * and the target was fed from another holder. What the silent holder had under way (its provider
 * job, and the id of the copy it was making) is recorded until a later run finds and removes
 * it, on the holder or, should its move have landed after all, on this target. */

typedef struct
{
  char *provider_id;   /* the holder */
  char *vm_id;         /* (nullable) the copy it was making, or had moved */
  char *job;           /* (nullable) its provider job, vdi_backend_job_to_string() form */
} VdiTargetStray;

VdiTarget          *vdi_target_new                    (VdiProvider        *provider,
                                                       gboolean            is_source);
VdiProvider        *vdi_target_get_provider           (VdiTarget          *self);
gboolean            vdi_target_get_is_source          (VdiTarget          *self);
VdiTargetState      vdi_target_get_state              (VdiTarget          *self);
void                vdi_target_set_state              (VdiTarget          *self,
                                                       VdiTargetState      state);
VdiDistribution     vdi_target_get_progress           (VdiTarget          *self);
void                vdi_target_set_progress           (VdiTarget          *self,
                                                       VdiDistribution     progress);
double              vdi_target_get_percent            (VdiTarget          *self);
guint64             vdi_target_get_bytes_done         (VdiTarget          *self);
guint64             vdi_target_get_bytes_total        (VdiTarget          *self);
double              vdi_target_get_rate               (VdiTarget          *self);
gint64              vdi_target_get_seconds_left       (VdiTarget          *self);
void                vdi_target_update_transfer        (VdiTarget          *self,
                                                       double              percent,
                                                       guint64             bytes_done,
                                                       guint64             bytes_total,
                                                       double              rate,
                                                       gint64              seconds_left);
const char         *vdi_target_get_last_error         (VdiTarget          *self);
void                vdi_target_set_last_error         (VdiTarget          *self,
                                                       const char         *last_error);
VdiTargetStep       vdi_target_get_step               (VdiTarget          *self);
void                vdi_target_set_step               (VdiTarget          *self,
                                                       VdiTargetStep       step);
const char         *vdi_target_get_remote_vm_id       (VdiTarget          *self);
void                vdi_target_set_remote_vm_id       (VdiTarget          *self,
                                                       const char         *remote_vm_id);
const char         *vdi_target_get_export_dir         (VdiTarget          *self);
void                vdi_target_set_export_dir         (VdiTarget          *self,
                                                       const char         *export_dir);
const char         *vdi_target_get_fed_from           (VdiTarget          *self);
void                vdi_target_set_fed_from           (VdiTarget          *self,
                                                       const char         *provider_id);
const char         *vdi_target_get_outdated_vm_id     (VdiTarget          *self);
void                vdi_target_set_outdated_vm_id     (VdiTarget          *self,
                                                       const char         *outdated_vm_id);
const char         *vdi_target_get_job                (VdiTarget          *self);
void                vdi_target_set_job                (VdiTarget          *self,
                                                       const char         *job);
GDateTime          *vdi_target_get_started_at         (VdiTarget          *self);
void                vdi_target_set_started_at         (VdiTarget          *self,
                                                       GDateTime          *started_at);
GDateTime          *vdi_target_get_updated_at         (VdiTarget          *self);
gboolean            vdi_target_is_busy                (VdiTarget          *self);
guint               vdi_target_get_n_strays           (VdiTarget          *self);
const VdiTargetStray *vdi_target_get_stray            (VdiTarget          *self,
                                                       guint               index);
void                vdi_target_add_stray              (VdiTarget          *self,
                                                       const char         *provider_id,
                                                       const char         *vm_id,
                                                       const char         *job);
void                vdi_target_update_stray           (VdiTarget          *self,
                                                       guint               index,
                                                       const char         *vm_id,
                                                       const char         *job);
void                vdi_target_remove_stray           (VdiTarget          *self,
                                                       guint               index);
void                vdi_target_copy_strays            (VdiTarget          *self,
                                                       VdiTarget          *from);

G_END_DECLS
