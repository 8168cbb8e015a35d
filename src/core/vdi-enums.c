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

const char *
vdi_provider_type_to_label (VdiProviderType value)
{
  switch (value)
    {
    case VDI_PROVIDER_TYPE_HYPERV:
      return _("Microsoft Hyper-V");
    case VDI_PROVIDER_TYPE_VCENTER:
      return _("VMware vCenter");
    default:
      return "";
    }
}

const char *
vdi_provider_subtype_to_label (VdiProviderSubtype value)
{
  switch (value)
    {
    case VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE:
      return _("Standalone");
    case VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER:
      return _("Failover Cluster");
    case VDI_PROVIDER_SUBTYPE_VCENTER_6_5:
      return _("vCenter 6.5");
    case VDI_PROVIDER_SUBTYPE_VCENTER_6_7:
      return _("vCenter 6.7");
    case VDI_PROVIDER_SUBTYPE_VCENTER_7:
      return _("vCenter 7.x");
    case VDI_PROVIDER_SUBTYPE_VCENTER_8:
      return _("vCenter 8.0");
    default:
      return "";
    }
}

const char *
vdi_provider_status_to_label (VdiProviderStatus value)
{
  switch (value)
    {
    case VDI_PROVIDER_STATUS_UNKNOWN:
      return _("Not checked");
    case VDI_PROVIDER_STATUS_READY:
      return _("Ready");
    case VDI_PROVIDER_STATUS_NOT_AVAILABLE:
      return _("Not available");
    default:
      return "";
    }
}

const char *
vdi_template_status_to_label (VdiTemplateStatus value)
{
  switch (value)
    {
    case VDI_TEMPLATE_STATUS_OK:
      return _("OK");
    case VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE:
      return _("Entering maintenance");
    case VDI_TEMPLATE_STATUS_MAINTENANCE:
      return _("Maintenance");
    case VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE:
      return _("Leaving maintenance");
    case VDI_TEMPLATE_STATUS_FAILED:
      return _("Failed");
    default:
      return "";
    }
}

const char *
vdi_distribution_to_label (VdiDistribution value)
{
  switch (value)
    {
    case VDI_DISTRIBUTION_NONE:
      return "";
    case VDI_DISTRIBUTION_DISTRIBUTING:
      return _("Distributing");
    case VDI_DISTRIBUTION_OK:
      return _("OK");
    case VDI_DISTRIBUTION_ADDING_PROVIDER:
      return _("Adding provider");
    case VDI_DISTRIBUTION_REMOVING_PROVIDER:
      return _("Removing provider");
    case VDI_DISTRIBUTION_FAILED:
      return _("Failed to distribute");
    default:
      return "";
    }
}

const char *
vdi_target_state_to_label (VdiTargetState value)
{
  switch (value)
    {
    case VDI_TARGET_STATE_READY:
      return _("Ready");
    case VDI_TARGET_STATE_NOT_AVAILABLE:
      return _("Not available");
    case VDI_TARGET_STATE_NEEDS_UPDATE:
      return _("Needs update");
    default:
      return "";
    }
}

const char *
vdi_target_step_to_label (VdiTargetStep value)
{
  switch (value)
    {
    case VDI_TARGET_STEP_NONE:
      return _("Not started");
    case VDI_TARGET_STEP_EXPORTED:
      return _("Exported");
    case VDI_TARGET_STEP_IMPORTED:
      return _("Imported");
    case VDI_TARGET_STEP_MIGRATED:
      return _("Copied");
    case VDI_TARGET_STEP_REGISTERED:
      return _("Registered");
    default:
      return "";
    }
}

const char *
vdi_host_state_to_label (VdiHostState value)
{
  switch (value)
    {
    case VDI_HOST_STATE_CREATING:
      return _("Creating");
    case VDI_HOST_STATE_READY:
      return _("Ready");
    case VDI_HOST_STATE_FAILED:
      return _("Failed to create");
    default:
      return "";
    }
}

const char *
vdi_clone_method_to_label (VdiCloneMethod value)
{
  switch (value)
    {
    case VDI_CLONE_METHOD_FULL:
      return _("Full clone");
    case VDI_CLONE_METHOD_LINKED:
      return _("Linked clone");
    default:
      return "";
    }
}

const char *
vdi_datastore_mode_to_label (VdiDatastoreMode value)
{
  switch (value)
    {
    case VDI_DATASTORE_MODE_SOURCE:
      return _("Datastore of the source VM");
    case VDI_DATASTORE_MODE_ADDITIONAL:
      return _("Additional datastores");
    default:
      return "";
    }
}

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
  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), "");

  if (enum_type == VDI_TYPE_PROVIDER_TYPE)
    return vdi_provider_type_to_label (value);
  if (enum_type == VDI_TYPE_PROVIDER_SUBTYPE)
    return vdi_provider_subtype_to_label (value);
  if (enum_type == VDI_TYPE_PROVIDER_STATUS)
    return vdi_provider_status_to_label (value);
  if (enum_type == VDI_TYPE_TEMPLATE_STATUS)
    return vdi_template_status_to_label (value);
  if (enum_type == VDI_TYPE_DISTRIBUTION)
    return vdi_distribution_to_label (value);
  if (enum_type == VDI_TYPE_TARGET_STATE)
    return vdi_target_state_to_label (value);
  if (enum_type == VDI_TYPE_TARGET_STEP)
    return vdi_target_step_to_label (value);
  if (enum_type == VDI_TYPE_HOST_STATE)
    return vdi_host_state_to_label (value);
  if (enum_type == VDI_TYPE_CLONE_METHOD)
    return vdi_clone_method_to_label (value);
  if (enum_type == VDI_TYPE_DATASTORE_MODE)
    return vdi_datastore_mode_to_label (value);

  g_return_val_if_reached ("");
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
