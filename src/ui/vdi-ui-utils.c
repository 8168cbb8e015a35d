/* vdi-ui-utils.c
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

#include "vdi-enums.h"
#include "vdi-ui-utils.h"
#include "vdi-window.h"

/**
 * vdi_settings_new:
 *
 * Returns: (transfer full) (nullable): the application's settings, or %NULL when the schema is
 *   not installed (an uninstalled run without GSETTINGS_SCHEMA_DIR), in which case nothing is
 *   remembered rather than the program aborting.
 */
GSettings *
vdi_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    {
      g_debug ("GSettings schema %s is not installed; settings are not kept", APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* Shows @message in the toast overlay of the VdiWindow that @widget belongs to, or that it is
 * transient for. */
void
vdi_show_toast (GtkWidget  *widget,
                const char *message)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (message != NULL);

  root = GTK_IS_ROOT (widget) ? GTK_ROOT (widget) : gtk_widget_get_root (widget);

  while (GTK_IS_WINDOW (root) && !VDI_IS_WINDOW (root))
    root = (GtkRoot *)gtk_window_get_transient_for (GTK_WINDOW (root));

  if (VDI_IS_WINDOW (root))
    {
      /* Toast titles are markup; messages may name files with any characters. */
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      vdi_window_add_toast (VDI_WINDOW (root), adw_toast_new (escaped));
    }
  else
    g_message ("%s", message);
}

/* A combo row's choices are an enum's values in order, labelled by the enum's own label
 * function, so the words live in one place (the .ui declares an empty GtkStringList). */
void
vdi_string_list_set_enum_labels (GtkStringList *list,
                                 GType          enum_type)
{
  g_autoptr(GEnumClass) klass = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_return_if_fail (GTK_IS_STRING_LIST (list));
  g_return_if_fail (G_TYPE_IS_ENUM (enum_type));

  klass = g_type_class_ref (enum_type);
  for (guint i = 0; i < klass->n_values; i++)
    g_ptr_array_add (labels, (gpointer)vdi_enum_get_label (enum_type, klass->values[i].value));
  g_ptr_array_add (labels, NULL);

  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *)labels->pdata);
}
