/* vdi-template-cell.c
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

#include "vdi-template-cell.h"

struct _VdiTemplateCell
{
  AdwBin       parent_instance;

  /* Owned references */
  VdiTemplate *template;
};

enum {
  PROP_0,
  PROP_TEMPLATE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiTemplateCell, vdi_template_cell, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

VdiTemplateCell *
vdi_template_cell_new (void)
{
  return g_object_new (VDI_TYPE_TEMPLATE_CELL, NULL);
}

/**
 * vdi_template_cell_get_template:
 *
 * Returns: (transfer none) (nullable): the template of the cell's row
 */
VdiTemplate *
vdi_template_cell_get_template (VdiTemplateCell *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_CELL (self), NULL);

  return self->template;
}

void
vdi_template_cell_set_template (VdiTemplateCell *self,
                                VdiTemplate     *template)
{
  g_return_if_fail (VDI_IS_TEMPLATE_CELL (self));
  g_return_if_fail (!template || VDI_IS_TEMPLATE (template));

  if (g_set_object (&self->template, template))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE]);
}

/* The row's Tasks menu, where the pointer is. The page that owns the menu selects the row
 * first; a cell between two bindings has no row to ask for. */
static void
vdi_template_cell_ask_menu (VdiTemplateCell    *self,
                            GtkEventController *gesture,
                            double              x,
                            double              y)
{
  GtkWidget *widget = gtk_event_controller_get_widget (gesture);
  GtkRoot *root = gtk_widget_get_root (widget);
  double root_x, root_y;

  g_assert (VDI_IS_TEMPLATE_CELL (self));

  if (self->template == NULL || root == NULL ||
      !gtk_widget_translate_coordinates (widget, GTK_WIDGET (root), x, y, &root_x, &root_y))
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "templates.context-menu", "(sdd)",
                              vdi_template_get_id (self->template), root_x, root_y);
}

static void
vdi_template_cell_secondary_click_cb (VdiTemplateCell *self,
                                      int              n_press,
                                      double           x,
                                      double           y,
                                      GtkGestureClick *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  vdi_template_cell_ask_menu (self, GTK_EVENT_CONTROLLER (gesture), x, y);
}

static void
vdi_template_cell_long_press_cb (VdiTemplateCell     *self,
                                 double               x,
                                 double               y,
                                 GtkGestureLongPress *gesture)
{
  vdi_template_cell_ask_menu (self, GTK_EVENT_CONTROLLER (gesture), x, y);
}

static void
vdi_template_cell_dispose (GObject *object)
{
  VdiTemplateCell *self = (VdiTemplateCell *)object;

  g_clear_object (&self->template);

  G_OBJECT_CLASS (vdi_template_cell_parent_class)->dispose (object);
}

static void
vdi_template_cell_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VdiTemplateCell *self = VDI_TEMPLATE_CELL (object);

  switch (prop_id)
    {
    case PROP_TEMPLATE:
      g_value_set_object (value, self->template);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_template_cell_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VdiTemplateCell *self = VDI_TEMPLATE_CELL (object);

  switch (prop_id)
    {
    case PROP_TEMPLATE:
      vdi_template_cell_set_template (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_template_cell_class_init (VdiTemplateCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_template_cell_dispose;
  object_class->get_property = vdi_template_cell_get_property;
  object_class->set_property = vdi_template_cell_set_property;

  properties[PROP_TEMPLATE] =
    g_param_spec_object ("template", NULL, NULL,
                         VDI_TYPE_TEMPLATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-template-cell.ui");
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_cell_long_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_cell_secondary_click_cb);
}

static void
vdi_template_cell_init (VdiTemplateCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
