/* vdi-check-row.c
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

#include "vdi-check-row.h"

/* No dispose: the check button is one of the row's children, and goes with them. In GTK 4.8,
 * gtk_widget_dispose_template (row, VDI_TYPE_CHECK_ROW) on a VdiVmRow fails its check that
 * there is a template, as if it looked in the subclass, which has none. */
typedef struct
{
  /* Template widgets */
  GtkCheckButton *check;
} VdiCheckRowPrivate;

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_CHOOSABLE,
  N_PROPS
};

G_DEFINE_TYPE_WITH_PRIVATE (VdiCheckRow, vdi_check_row, ADW_TYPE_ACTION_ROW)

static GParamSpec *properties[N_PROPS];

gboolean
vdi_check_row_get_active (VdiCheckRow *self)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_val_if_fail (VDI_IS_CHECK_ROW (self), FALSE);

  return gtk_check_button_get_active (priv->check);
}

void
vdi_check_row_set_active (VdiCheckRow *self,
                          gboolean     active)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_if_fail (VDI_IS_CHECK_ROW (self));

  /* The check button notifies, and the row with it. */
  gtk_check_button_set_active (priv->check, active);
}

gboolean
vdi_check_row_get_choosable (VdiCheckRow *self)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_val_if_fail (VDI_IS_CHECK_ROW (self), FALSE);

  return gtk_widget_get_sensitive (GTK_WIDGET (priv->check));
}

/* A row that cannot be chosen is still shown, so that the admin knows why it is not offered;
 * it no longer activates its check button. */
void
vdi_check_row_set_choosable (VdiCheckRow *self,
                             gboolean     choosable)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_if_fail (VDI_IS_CHECK_ROW (self));

  if (vdi_check_row_get_choosable (self) == !!choosable)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (priv->check), choosable);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self),
                                         choosable ? GTK_WIDGET (priv->check) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHOOSABLE]);
}

/* Joins @group's radio group: choosing this row unchooses the others. */
void
vdi_check_row_set_group (VdiCheckRow *self,
                         VdiCheckRow *group)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_if_fail (VDI_IS_CHECK_ROW (self));
  g_return_if_fail (!group || VDI_IS_CHECK_ROW (group));

  gtk_check_button_set_group (priv->check,
                              group != NULL ? vdi_check_row_get_check_button (group) : NULL);
}

/**
 * vdi_check_row_get_check_button:
 *
 * Returns: (transfer none): the check button in front of the title
 */
GtkCheckButton *
vdi_check_row_get_check_button (VdiCheckRow *self)
{
  VdiCheckRowPrivate *priv = vdi_check_row_get_instance_private (self);

  g_return_val_if_fail (VDI_IS_CHECK_ROW (self), NULL);

  return priv->check;
}

static void
vdi_check_row_check_notify_cb (VdiCheckRow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static void
vdi_check_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VdiCheckRow *self = VDI_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, vdi_check_row_get_active (self));
      break;

    case PROP_CHOOSABLE:
      g_value_set_boolean (value, vdi_check_row_get_choosable (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_check_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VdiCheckRow *self = VDI_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      vdi_check_row_set_active (self, g_value_get_boolean (value));
      break;

    case PROP_CHOOSABLE:
      vdi_check_row_set_choosable (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_check_row_class_init (VdiCheckRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = vdi_check_row_get_property;
  object_class->set_property = vdi_check_row_set_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHOOSABLE] =
    g_param_spec_boolean ("choosable", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-check-row.ui");
  gtk_widget_class_bind_template_child_private (widget_class, VdiCheckRow, check);
  gtk_widget_class_bind_template_callback (widget_class, vdi_check_row_check_notify_cb);
}

static void
vdi_check_row_init (VdiCheckRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
