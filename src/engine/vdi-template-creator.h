/* vdi-template-creator.h: making a new template from a source VM.
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

#include "vdi-core.h"
#include "vdi-distributor.h"
#include "vdi-vm-info.h"

G_BEGIN_DECLS

#define VDI_TYPE_TEMPLATE_CREATOR (vdi_template_creator_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplateCreator, vdi_template_creator, VDI, TEMPLATE_CREATOR, GObject)

/* What Create does, in the order RAS does it, for the wizard and `vdictl template create`:
 * the new template is checked against the farm; on a vCenter its source VM is marked as a
 * template (refused while the VM runs); the template joins the farm and is saved; a
 * multi-provider template is distributed; then the hosts asked for on completion are made.
 *
 * Signal "added" (VdiTemplate *): the template is in the farm, before any distribution. Up to
 * then a failure leaves the farm as it was; after it, the template stays and the failure is
 * the distribution's (its targets say why) or the hosts'. The stage tells which. Hosts that
 * cannot be made for the provider type (G_IO_ERROR_NOT_SUPPORTED) are a notice, not a failure. */

typedef enum
{
  VDI_TEMPLATE_CREATOR_STAGE_IDLE,
  VDI_TEMPLATE_CREATOR_STAGE_CONVERTING,
  VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING,
  VDI_TEMPLATE_CREATOR_STAGE_CREATING_HOSTS,
  VDI_TEMPLATE_CREATOR_STAGE_DONE,
} VdiTemplateCreatorStage;

VdiTemplateCreator *vdi_template_creator_new          (VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiDistributor     *distributor);
VdiTemplateCreatorStage vdi_template_creator_get_stage (VdiTemplateCreator *self);
void                vdi_template_creator_create_async (VdiTemplateCreator *self,
                                                       VdiTemplate        *template,
                                                       VdiVmInfo          *source_vm,
                                                       GCancellable       *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer            user_data);
gboolean            vdi_template_creator_finish       (VdiTemplateCreator *self,
                                                       GAsyncResult       *result,
                                                       char             ***notices,
                                                       GError            **error);

G_END_DECLS
