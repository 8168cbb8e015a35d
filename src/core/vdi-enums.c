/* vdi-enums.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vdi-enums.h"

/* value_name carries the English label (extracted by xgettext through N_()), value_nick the
 * stable identifier that farm files and vdictl use. */
#define DEFINE_ENUM(TypeName, type_name, ...)                                       \
  GType                                                                             \
  type_name##_get_type (void)                                                       \
  {                                                                                 \
    static gsize gtype_id = 0;                                                      \
    static const GEnumValue values[] = { __VA_ARGS__, { 0, NULL, NULL } };          \
                                                                                    \
    if (g_once_init_enter (&gtype_id))                                              \
      g_once_init_leave (&gtype_id,                                                 \
                         g_enum_register_static (g_intern_static_string (#TypeName), \
                                                 values));                          \
    return gtype_id;                                                                \
  }

DEFINE_ENUM (VdiProviderType, vdi_provider_type,
             { VDI_PROVIDER_TYPE_HYPERV, N_("Microsoft Hyper-V"), "hyperv" },
             { VDI_PROVIDER_TYPE_VCENTER, N_("VMware vCenter"), "vcenter" })

DEFINE_ENUM (VdiProviderSubtype, vdi_provider_subtype,
             { VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, N_("Standalone"), "hyperv-standalone" },
             { VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER, N_("Failover Cluster"),
               "hyperv-failover-cluster" },
             { VDI_PROVIDER_SUBTYPE_VCENTER_6_5, N_("vCenter 6.5"), "vcenter-6.5" },
             { VDI_PROVIDER_SUBTYPE_VCENTER_6_7, N_("vCenter 6.7"), "vcenter-6.7" },
             { VDI_PROVIDER_SUBTYPE_VCENTER_7, N_("vCenter 7.x"), "vcenter-7" },
             { VDI_PROVIDER_SUBTYPE_VCENTER_8, N_("vCenter 8.0"), "vcenter-8" })

DEFINE_ENUM (VdiProviderStatus, vdi_provider_status,
             { VDI_PROVIDER_STATUS_UNKNOWN, N_("Not checked"), "unknown" },
             { VDI_PROVIDER_STATUS_READY, N_("Ready"), "ready" },
             { VDI_PROVIDER_STATUS_NOT_AVAILABLE, N_("Not available"), "not-available" })

DEFINE_ENUM (VdiTemplateStatus, vdi_template_status,
             { VDI_TEMPLATE_STATUS_OK, N_("OK"), "ok" },
             { VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE, N_("Entering maintenance"),
               "entering-maintenance" },
             { VDI_TEMPLATE_STATUS_MAINTENANCE, N_("Maintenance"), "maintenance" },
             { VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE, N_("Leaving maintenance"),
               "leaving-maintenance" },
             { VDI_TEMPLATE_STATUS_FAILED, N_("Failed"), "failed" })

DEFINE_ENUM (VdiDistribution, vdi_distribution,
             { VDI_DISTRIBUTION_NONE, "", "none" },
             { VDI_DISTRIBUTION_DISTRIBUTING, N_("Distributing"), "distributing" },
             { VDI_DISTRIBUTION_OK, N_("OK"), "ok" },
             { VDI_DISTRIBUTION_ADDING_PROVIDER, N_("Adding provider"), "adding-provider" },
             { VDI_DISTRIBUTION_REMOVING_PROVIDER, N_("Removing provider"), "removing-provider" },
             { VDI_DISTRIBUTION_FAILED, N_("Failed to distribute"), "failed" })

DEFINE_ENUM (VdiTargetState, vdi_target_state,
             { VDI_TARGET_STATE_READY, N_("Ready"), "ready" },
             { VDI_TARGET_STATE_NOT_AVAILABLE, N_("Not available"), "not-available" },
             { VDI_TARGET_STATE_NEEDS_UPDATE, N_("Needs update"), "needs-update" })

DEFINE_ENUM (VdiTargetStep, vdi_target_step,
             { VDI_TARGET_STEP_NONE, N_("Not started"), "none" },
             { VDI_TARGET_STEP_EXPORTED, N_("Exported"), "exported" },
             { VDI_TARGET_STEP_IMPORTED, N_("Imported"), "imported" },
             { VDI_TARGET_STEP_MIGRATED, N_("Copied"), "migrated" },
             { VDI_TARGET_STEP_REGISTERED, N_("Registered"), "registered" })

DEFINE_ENUM (VdiHostState, vdi_host_state,
             { VDI_HOST_STATE_CREATING, N_("Creating"), "creating" },
             { VDI_HOST_STATE_READY, N_("Ready"), "ready" },
             { VDI_HOST_STATE_FAILED, N_("Failed to create"), "failed" })

DEFINE_ENUM (VdiCloneMethod, vdi_clone_method,
             { VDI_CLONE_METHOD_FULL, N_("Full clone"), "full" },
             { VDI_CLONE_METHOD_LINKED, N_("Linked clone"), "linked" })

DEFINE_ENUM (VdiDatastoreMode, vdi_datastore_mode,
             { VDI_DATASTORE_MODE_SOURCE, N_("Datastore of the source VM"), "source" },
             { VDI_DATASTORE_MODE_ADDITIONAL, N_("Additional datastores"), "additional" })

static const GEnumValue *
lookup_value (GType enum_type,
              int   value)
{
  g_autoptr(GEnumClass) klass = NULL;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), NULL);

  /* Registered static enums are never unloaded, so the value outlives the class ref. */
  klass = g_type_class_ref (enum_type);
  return g_enum_get_value (klass, value);
}

/**
 * vdi_enum_get_label:
 *
 * Returns: (transfer none): the translated label of @value, or "" for an unknown value.
 */
const char *
vdi_enum_get_label (GType enum_type,
                    int   value)
{
  const GEnumValue *v = lookup_value (enum_type, value);

  if (v == NULL || v->value_name[0] == '\0')
    return "";

  return g_dgettext (GETTEXT_PACKAGE, v->value_name);
}

const char *
vdi_enum_get_nick (GType enum_type,
                   int   value)
{
  const GEnumValue *v = lookup_value (enum_type, value);

  return v != NULL ? v->value_nick : NULL;
}

gboolean
vdi_enum_from_nick (GType       enum_type,
                    const char *nick,
                    int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  const GEnumValue *v;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  v = g_enum_get_value_by_nick (klass, nick);
  if (v == NULL)
    return FALSE;

  *value = v->value;
  return TRUE;
}

VdiProviderType
vdi_provider_subtype_get_provider_type (VdiProviderSubtype subtype)
{
  switch (subtype)
    {
    case VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE:
    case VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER:
      return VDI_PROVIDER_TYPE_HYPERV;

    case VDI_PROVIDER_SUBTYPE_VCENTER_6_5:
    case VDI_PROVIDER_SUBTYPE_VCENTER_6_7:
    case VDI_PROVIDER_SUBTYPE_VCENTER_7:
    case VDI_PROVIDER_SUBTYPE_VCENTER_8:
      return VDI_PROVIDER_TYPE_VCENTER;

    default:
      g_return_val_if_reached (VDI_PROVIDER_TYPE_HYPERV);
    }
}
