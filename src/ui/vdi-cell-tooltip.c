/* vdi-cell-tooltip.c
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

#include "vdi-cell-tooltip.h"

struct _VdiCellTooltip
{
  AdwBin  parent_instance;

  char   *text;
};

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiCellTooltip, vdi_cell_tooltip, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

VdiCellTooltip *
vdi_cell_tooltip_new (void)
{
  return g_object_new (VDI_TYPE_CELL_TOOLTIP, NULL);
}

/**
 * vdi_cell_tooltip_get_text:
 *
 * Returns: (nullable): the tooltip, %NULL for none
 */
const char *
vdi_cell_tooltip_get_text (VdiCellTooltip *self)
{
  g_return_val_if_fail (VDI_IS_CELL_TOOLTIP (self), NULL);

  return self->text;
}

/* Only kept: GTK asks for it with ::query-tooltip when the pointer rests on the cell. */
void
vdi_cell_tooltip_set_text (VdiCellTooltip *self,
                           const char     *text)
{
  g_return_if_fail (VDI_IS_CELL_TOOLTIP (self));

  /* An empty tooltip is none, as GTK's own. */
  if (text != NULL && text[0] == '\0')
    text = NULL;
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);

  if (self->text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    self->text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

static gboolean
vdi_cell_tooltip_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_tooltip,
                                GtkTooltip *tooltip)
{
  VdiCellTooltip *self = VDI_CELL_TOOLTIP (widget);

  if (self->text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, self->text);
  return TRUE;
}

static void
vdi_cell_tooltip_finalize (GObject *object)
{
  VdiCellTooltip *self = (VdiCellTooltip *)object;

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (vdi_cell_tooltip_parent_class)->finalize (object);
}

static void
vdi_cell_tooltip_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VdiCellTooltip *self = VDI_CELL_TOOLTIP (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_cell_tooltip_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VdiCellTooltip *self = VDI_CELL_TOOLTIP (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      vdi_cell_tooltip_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_cell_tooltip_class_init (VdiCellTooltipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vdi_cell_tooltip_finalize;
  object_class->get_property = vdi_cell_tooltip_get_property;
  object_class->set_property = vdi_cell_tooltip_set_property;

  widget_class->query_tooltip = vdi_cell_tooltip_query_tooltip;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_cell_tooltip_init (VdiCellTooltip *self)
{
  /* Set once, before the cell shows: GTK asks ::query-tooltip, with no text set on the widget. */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}
