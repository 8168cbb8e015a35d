/* vdi-datastore-row.c
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

#include "vdi-datastore-row.h"

struct _VdiDatastoreRow
{
  VdiCheckRow       parent_instance;

  /* Owned references */
  VdiDatastoreInfo *datastore;

  guint             own : 1;
};

enum {
  PROP_0,
  PROP_DATASTORE,
  PROP_OWN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiDatastoreRow, vdi_datastore_row, VDI_TYPE_CHECK_ROW)

static GParamSpec *properties[N_PROPS];

VdiDatastoreRow *
vdi_datastore_row_new (VdiDatastoreInfo *datastore,
                       gboolean          own)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_INFO (datastore), NULL);

  return g_object_new (VDI_TYPE_DATASTORE_ROW,
                       "datastore", datastore,
                       "own", own,
                       NULL);
}

VdiDatastoreInfo *
vdi_datastore_row_get_datastore (VdiDatastoreRow *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_ROW (self), NULL);

  return self->datastore;
}

/* Whether the datastore holds the template: always used, not chosen. */
gboolean
vdi_datastore_row_get_own (VdiDatastoreRow *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_ROW (self), FALSE);

  return self->own;
}

static void
vdi_datastore_row_constructed (GObject *object)
{
  VdiDatastoreRow *self = (VdiDatastoreRow *)object;
  VdiDatastoreInfo *ds = self->datastore;
  GtkWidget *check = GTK_WIDGET (vdi_check_row_get_check_button (VDI_CHECK_ROW (self)));
  g_autofree char *free_text = NULL;
  g_autofree char *capacity = NULL;
  g_autofree char *subtitle = NULL;
  const char *kind;

  G_OBJECT_CLASS (vdi_datastore_row_parent_class)->constructed (object);

  g_return_if_fail (VDI_IS_DATASTORE_INFO (ds));

  kind = vdi_datastore_info_get_kind (ds) != NULL ? vdi_datastore_info_get_kind (ds) : "";
  free_text = g_format_size (vdi_datastore_info_get_free_space (ds));
  capacity = g_format_size (vdi_datastore_info_get_capacity (ds));
  if (!vdi_datastore_info_get_accessible (ds))
    subtitle = g_strdup_printf (_("%s · not accessible"), kind);
  else if (self->own)
    /* Translators: a datastore's type, then its free space of its capacity */
    subtitle = g_strdup_printf (_("%s · %s free of %s · holds the template, always used"),
                                kind, free_text, capacity);
  else
    /* Translators: a datastore's type, then its free space of its capacity */
    subtitle = g_strdup_printf (_("%s · %s free of %s"), kind, free_text, capacity);

  gtk_widget_set_name (GTK_WIDGET (self), "datastore-row");
  gtk_widget_set_name (check, "datastore-check");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), vdi_datastore_info_get_name (ds));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  vdi_datastore_info_get_name (ds), -1);
  vdi_check_row_set_choosable (VDI_CHECK_ROW (self),
                               vdi_datastore_info_get_accessible (ds) && !self->own);
  if (self->own)
    vdi_check_row_set_active (VDI_CHECK_ROW (self), TRUE);
}

static void
vdi_datastore_row_dispose (GObject *object)
{
  VdiDatastoreRow *self = (VdiDatastoreRow *)object;

  g_clear_object (&self->datastore);

  G_OBJECT_CLASS (vdi_datastore_row_parent_class)->dispose (object);
}

static void
vdi_datastore_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VdiDatastoreRow *self = VDI_DATASTORE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATASTORE:
      g_value_set_object (value, self->datastore);
      break;

    case PROP_OWN:
      g_value_set_boolean (value, self->own);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_datastore_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VdiDatastoreRow *self = VDI_DATASTORE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATASTORE:
      self->datastore = g_value_dup_object (value);
      break;

    case PROP_OWN:
      self->own = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_datastore_row_class_init (VdiDatastoreRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vdi_datastore_row_constructed;
  object_class->dispose = vdi_datastore_row_dispose;
  object_class->get_property = vdi_datastore_row_get_property;
  object_class->set_property = vdi_datastore_row_set_property;

  properties[PROP_DATASTORE] =
    g_param_spec_object ("datastore", NULL, NULL,
                         VDI_TYPE_DATASTORE_INFO,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OWN] =
    g_param_spec_boolean ("own", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_datastore_row_init (VdiDatastoreRow *self)
{
}
