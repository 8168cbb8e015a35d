/* vdi-vm-row.c
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

#include <glib/gi18n.h>

#include "vdi-vm-row.h"

struct _VdiVmRow
{
  VdiCheckRow  parent_instance;

  /* Owned references */
  VdiVmInfo   *vm;

  guint        in_farm : 1;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_IN_FARM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiVmRow, vdi_vm_row, VDI_TYPE_CHECK_ROW)

static GParamSpec *properties[N_PROPS];

VdiVmRow *
vdi_vm_row_new (VdiVmInfo *vm,
                gboolean   in_farm)
{
  g_return_val_if_fail (VDI_IS_VM_INFO (vm), NULL);

  return g_object_new (VDI_TYPE_VM_ROW,
                       "vm", vm,
                       "in-farm", in_farm,
                       NULL);
}

VdiVmInfo *
vdi_vm_row_get_vm (VdiVmRow *self)
{
  g_return_val_if_fail (VDI_IS_VM_ROW (self), NULL);

  return self->vm;
}

/* Whether the VM is already the source of one of the farm's templates. */
gboolean
vdi_vm_row_get_in_farm (VdiVmRow *self)
{
  g_return_val_if_fail (VDI_IS_VM_ROW (self), FALSE);

  return self->in_farm;
}

static const char *
vm_state_label (VdiVmInfo *vm)
{
  if (vdi_vm_info_get_is_template (vm))
    return _("Template");
  if (vdi_vm_info_get_powered_on (vm))
    return _("Running");
  return _("Shut down");
}

static void
vdi_vm_row_constructed (GObject *object)
{
  VdiVmRow *self = (VdiVmRow *)object;
  GtkWidget *radio = GTK_WIDGET (vdi_check_row_get_check_button (VDI_CHECK_ROW (self)));
  g_autofree char *subtitle = NULL;

  G_OBJECT_CLASS (vdi_vm_row_parent_class)->constructed (object);

  g_return_if_fail (VDI_IS_VM_INFO (self->vm));

  if (self->in_farm)
    subtitle = g_strdup (_("Already a template in this farm"));
  else if (vdi_vm_info_get_host (self->vm) != NULL)
    subtitle = g_strdup_printf ("%s · %s", vm_state_label (self->vm),
                                vdi_vm_info_get_host (self->vm));
  else
    subtitle = g_strdup (vm_state_label (self->vm));

  gtk_widget_set_name (GTK_WIDGET (self), "vm-row");
  gtk_widget_set_name (radio, "vm-radio");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), vdi_vm_info_get_name (self->vm));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (radio), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  vdi_vm_info_get_name (self->vm), -1);
  vdi_check_row_set_choosable (VDI_CHECK_ROW (self), !self->in_farm);
  if (self->in_farm)
    gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
}

static void
vdi_vm_row_dispose (GObject *object)
{
  VdiVmRow *self = (VdiVmRow *)object;

  g_clear_object (&self->vm);

  G_OBJECT_CLASS (vdi_vm_row_parent_class)->dispose (object);
}

static void
vdi_vm_row_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VdiVmRow *self = VDI_VM_ROW (object);

  switch (prop_id)
    {
    case PROP_VM:
      g_value_set_object (value, self->vm);
      break;

    case PROP_IN_FARM:
      g_value_set_boolean (value, self->in_farm);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_vm_row_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VdiVmRow *self = VDI_VM_ROW (object);

  switch (prop_id)
    {
    case PROP_VM:
      self->vm = g_value_dup_object (value);
      break;

    case PROP_IN_FARM:
      self->in_farm = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_vm_row_class_init (VdiVmRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vdi_vm_row_constructed;
  object_class->dispose = vdi_vm_row_dispose;
  object_class->get_property = vdi_vm_row_get_property;
  object_class->set_property = vdi_vm_row_set_property;

  properties[PROP_VM] =
    g_param_spec_object ("vm", NULL, NULL,
                         VDI_TYPE_VM_INFO,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IN_FARM] =
    g_param_spec_boolean ("in-farm", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_vm_row_init (VdiVmRow *self)
{
}
