/* vdi-enums.h
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

#include <glib-object.h>

G_BEGIN_DECLS

/* Every enum the user sees is a registered GEnum. The value_nick is the stable identifier used
 * in farm files and by vdictl; the value_name holds the English label, marked for translation,
 * and vdi_enum_get_label() returns it translated. */

typedef enum
{
  VDI_PROVIDER_TYPE_HYPERV,
  VDI_PROVIDER_TYPE_VCENTER,
} VdiProviderType;

typedef enum
{
  VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
  VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER,
  VDI_PROVIDER_SUBTYPE_VCENTER_6_5,
  VDI_PROVIDER_SUBTYPE_VCENTER_6_7,
  VDI_PROVIDER_SUBTYPE_VCENTER_7,
  VDI_PROVIDER_SUBTYPE_VCENTER_8,
} VdiProviderSubtype;

typedef enum
{
  VDI_PROVIDER_STATUS_UNKNOWN,
  VDI_PROVIDER_STATUS_READY,
  VDI_PROVIDER_STATUS_NOT_AVAILABLE,
} VdiProviderStatus;

typedef enum
{
  VDI_TEMPLATE_STATUS_OK,
  VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE,
  VDI_TEMPLATE_STATUS_MAINTENANCE,
  VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE,
  VDI_TEMPLATE_STATUS_FAILED,
} VdiTemplateStatus;

/* The Distribution column, and each target's Progress. NONE is the empty cell of a
 * single-provider template. */
typedef enum
{
  VDI_DISTRIBUTION_NONE,
  VDI_DISTRIBUTION_DISTRIBUTING,
  VDI_DISTRIBUTION_OK,
  VDI_DISTRIBUTION_ADDING_PROVIDER,
  VDI_DISTRIBUTION_REMOVING_PROVIDER,
  VDI_DISTRIBUTION_FAILED,
} VdiDistribution;

typedef enum
{
  VDI_TARGET_STATE_READY,
  VDI_TARGET_STATE_NOT_AVAILABLE,
  VDI_TARGET_STATE_NEEDS_UPDATE,
} VdiTargetState;

/* How far a target's copy got; lets Retry reuse what already succeeded. */
typedef enum
{
  VDI_TARGET_STEP_NONE,
  VDI_TARGET_STEP_EXPORTED,
  VDI_TARGET_STEP_IMPORTED,
  VDI_TARGET_STEP_MIGRATED,
  VDI_TARGET_STEP_REGISTERED,
} VdiTargetStep;

typedef enum
{
  VDI_HOST_STATE_CREATING,
  VDI_HOST_STATE_READY,
  VDI_HOST_STATE_FAILED,
} VdiHostState;

typedef enum
{
  VDI_CLONE_METHOD_FULL,
  VDI_CLONE_METHOD_LINKED,
} VdiCloneMethod;

typedef enum
{
  VDI_DATASTORE_MODE_SOURCE,
  VDI_DATASTORE_MODE_ADDITIONAL,
} VdiDatastoreMode;

#define VDI_TYPE_PROVIDER_TYPE     (vdi_provider_type_get_type ())
#define VDI_TYPE_PROVIDER_SUBTYPE  (vdi_provider_subtype_get_type ())
#define VDI_TYPE_PROVIDER_STATUS   (vdi_provider_status_get_type ())
#define VDI_TYPE_TEMPLATE_STATUS   (vdi_template_status_get_type ())
#define VDI_TYPE_DISTRIBUTION      (vdi_distribution_get_type ())
#define VDI_TYPE_TARGET_STATE      (vdi_target_state_get_type ())
#define VDI_TYPE_TARGET_STEP       (vdi_target_step_get_type ())
#define VDI_TYPE_HOST_STATE        (vdi_host_state_get_type ())
#define VDI_TYPE_CLONE_METHOD      (vdi_clone_method_get_type ())
#define VDI_TYPE_DATASTORE_MODE    (vdi_datastore_mode_get_type ())

GType               vdi_provider_type_get_type        (void);
GType               vdi_provider_subtype_get_type     (void);
GType               vdi_provider_status_get_type      (void);
GType               vdi_template_status_get_type      (void);
GType               vdi_distribution_get_type         (void);
GType               vdi_target_state_get_type         (void);
GType               vdi_target_step_get_type          (void);
GType               vdi_host_state_get_type           (void);
GType               vdi_clone_method_get_type         (void);
GType               vdi_datastore_mode_get_type       (void);

const char         *vdi_enum_get_label                (GType               enum_type,
                                                       int                 value);
const char         *vdi_enum_get_nick                 (GType               enum_type,
                                                       int                 value);
gboolean            vdi_enum_from_nick                (GType               enum_type,
                                                       const char         *nick,
                                                       int                *value);

VdiProviderType     vdi_provider_subtype_get_provider_type (VdiProviderSubtype subtype);

G_END_DECLS
