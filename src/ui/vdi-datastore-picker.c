/* vdi-datastore-picker.c
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

#include "vdi-datastore-info.h"
#include "vdi-datastore-picker.h"
#include "vdi-datastore-row.h"

typedef enum
{
  LOAD_IDLE,
  LOAD_RUNNING,
  LOAD_FAILED,
  LOAD_DONE,
} LoadState;

struct _VdiDatastorePicker
{
  AdwBin          parent_instance;

  /* Owned references */
  VdiBackend     *backend;
  GCancellable   *cancellable;
  char           *own_id;
  GStrv           checked;     /* to check once listed */
  GListStore     *datastores;  /* of VdiDatastoreInfo, as listed */

  /* Template widgets */
  GtkCheckButton *source_check;
  GtkCheckButton *additional_check;
  GtkWidget      *list_box;
  GtkStack       *datastore_stack;
  GtkSpinner     *datastore_spinner;
  AdwActionRow   *datastore_error_row;
  GtkListBox     *datastore_list;
  GtkWidget      *datastore_placeholder;

  LoadState       state;
};

G_DEFINE_FINAL_TYPE (VdiDatastorePicker, vdi_datastore_picker, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

VdiDatastorePicker *
vdi_datastore_picker_new (void)
{
  return g_object_new (VDI_TYPE_DATASTORE_PICKER, NULL);
}

static void
vdi_datastore_picker_changed (VdiDatastorePicker *self)
{
  g_assert (VDI_IS_DATASTORE_PICKER (self));

  gtk_widget_set_sensitive (self->list_box, gtk_check_button_get_active (self->additional_check));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
vdi_datastore_picker_get_loading (VdiDatastorePicker *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_PICKER (self), FALSE);

  return self->state == LOAD_RUNNING;
}

gboolean
vdi_datastore_picker_get_additional (VdiDatastorePicker *self)
{
  g_return_val_if_fail (VDI_IS_DATASTORE_PICKER (self), FALSE);

  return gtk_check_button_get_active (self->additional_check);
}

void
vdi_datastore_picker_set_additional (VdiDatastorePicker *self,
                                     gboolean            additional)
{
  g_return_if_fail (VDI_IS_DATASTORE_PICKER (self));

  gtk_check_button_set_active (additional ? self->additional_check : self->source_check, TRUE);
}

/* The additional datastores checked, in the list's order: not the template's own, which
 * always is. */
static GPtrArray *
checked_datastores (VdiDatastorePicker *self)
{
  GPtrArray *checked = g_ptr_array_new ();
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->datastore_list, i)) != NULL; i++)
    {
      VdiDatastoreRow *datastore_row = VDI_DATASTORE_ROW (row);

      if (vdi_check_row_get_active (VDI_CHECK_ROW (datastore_row)) &&
          vdi_check_row_get_choosable (VDI_CHECK_ROW (datastore_row)))
        g_ptr_array_add (checked, vdi_datastore_row_get_datastore (datastore_row));
    }
  return checked;
}

/* Their ids. */
GStrv
vdi_datastore_picker_dup_checked (VdiDatastorePicker *self)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GPtrArray) checked = NULL;

  g_return_val_if_fail (VDI_IS_DATASTORE_PICKER (self), NULL);

  checked = checked_datastores (self);
  for (guint i = 0; i < checked->len; i++)
    g_strv_builder_add (ids, vdi_datastore_info_get_id (g_ptr_array_index (checked, i)));
  return g_strv_builder_end (ids);
}

/* Their names, for the admin to read. */
char *
vdi_datastore_picker_dup_checked_names (VdiDatastorePicker *self)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GPtrArray) checked = NULL;

  g_return_val_if_fail (VDI_IS_DATASTORE_PICKER (self), NULL);

  checked = checked_datastores (self);
  for (guint i = 0; i < checked->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            vdi_datastore_info_get_name (g_ptr_array_index (checked, i)));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Why the choice cannot be used yet, or %NULL. */
char *
vdi_datastore_picker_dup_reason (VdiDatastorePicker *self)
{
  g_auto(GStrv) checked = NULL;

  g_return_val_if_fail (VDI_IS_DATASTORE_PICKER (self), NULL);

  if (!vdi_datastore_picker_get_additional (self))
    return NULL;
  if (self->state == LOAD_RUNNING)
    return g_strdup (_("Wait until the datastores are listed"));
  if (self->state == LOAD_FAILED)
    return g_strdup (_("The datastores could not be listed: retry, or use the template’s own "
                       "datastore"));
  checked = vdi_datastore_picker_dup_checked (self);
  if (checked[0] == NULL)
    return g_strdup (_("Choose at least one additional datastore, or use the template’s own "
                       "datastore"));
  return NULL;
}

/* A row for each datastore listed, checked as the last choice had it. */
static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  VdiDatastorePicker *self = user_data;
  VdiDatastoreInfo *datastore = item;
  const char *id = vdi_datastore_info_get_id (datastore);
  VdiDatastoreRow *row;

  g_assert (VDI_IS_DATASTORE_PICKER (self));
  g_assert (VDI_IS_DATASTORE_INFO (datastore));

  row = vdi_datastore_row_new (datastore, g_strcmp0 (id, self->own_id) == 0);
  if (self->checked != NULL && g_strv_contains ((const char * const *)self->checked, id))
    vdi_check_row_set_active (VDI_CHECK_ROW (row), TRUE);
  g_signal_connect_object (row, "notify::active", G_CALLBACK (vdi_datastore_picker_changed), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (row);
}

static void
fill (VdiDatastorePicker *self,
      GPtrArray          *datastores)
{
  guint n_listed = g_list_model_get_n_items (G_LIST_MODEL (self->datastores));

  g_list_store_splice (self->datastores, 0, n_listed, datastores->pdata, datastores->len);
  /* The list box keeps its placeholder after the rows: shown, it would take the last row's
   * rounded bottom (boxed-list styles row:last-child, among the visible children). */
  gtk_widget_set_visible (self->datastore_placeholder, datastores->len == 0);
}

static void
datastores_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VdiDatastorePicker) self = user_data;
  g_autoptr(GPtrArray) datastores = NULL;
  g_autoptr(GError) error = NULL;

  datastores = vdi_backend_list_datastores_finish (VDI_BACKEND (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->datastore_spinner);
  if (datastores == NULL)
    {
      self->state = LOAD_FAILED;
      adw_action_row_set_subtitle (self->datastore_error_row, error->message);
      gtk_stack_set_visible_child_name (self->datastore_stack, "error");
    }
  else
    {
      self->state = LOAD_DONE;
      fill (self, datastores);
      gtk_stack_set_visible_child_name (self->datastore_stack, "list");
    }
  vdi_datastore_picker_changed (self);
}

static void
start_listing (VdiDatastorePicker *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->state = LOAD_RUNNING;
  gtk_stack_set_visible_child_name (self->datastore_stack, "loading");
  gtk_spinner_start (self->datastore_spinner);
  vdi_backend_list_datastores_async (self->backend, self->cancellable, datastores_cb,
                                     g_object_ref (self));
  vdi_datastore_picker_changed (self);
}

/**
 * vdi_datastore_picker_load:
 * @backend: the vCenter's backend
 * @own_datastore_id: (nullable): the datastore holding the template
 * @checked: (nullable): the additional datastores chosen already
 *
 * Lists the vCenter's datastores again, forgetting the last listing.
 */
void
vdi_datastore_picker_load (VdiDatastorePicker *self,
                           VdiBackend         *backend,
                           const char         *own_datastore_id,
                           const char * const *checked)
{
  g_return_if_fail (VDI_IS_DATASTORE_PICKER (self));
  g_return_if_fail (VDI_IS_BACKEND (backend));

  g_set_object (&self->backend, backend);
  g_free (self->own_id);
  self->own_id = g_strdup (own_datastore_id);
  g_strfreev (self->checked);
  self->checked = g_strdupv ((char **)checked);
  start_listing (self);
}

/* Stops any listing; nothing is listed until the next load. */
void
vdi_datastore_picker_clear (VdiDatastorePicker *self)
{
  g_return_if_fail (VDI_IS_DATASTORE_PICKER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->backend);
  self->state = LOAD_IDLE;
}

static void
vdi_datastore_picker_retry_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *param)
{
  VdiDatastorePicker *self = VDI_DATASTORE_PICKER (widget);

  if (self->backend != NULL)
    start_listing (self);
}

static void
vdi_datastore_picker_dispose (GObject *object)
{
  VdiDatastorePicker *self = (VdiDatastorePicker *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_DATASTORE_PICKER);

  G_OBJECT_CLASS (vdi_datastore_picker_parent_class)->dispose (object);
}

static void
vdi_datastore_picker_finalize (GObject *object)
{
  VdiDatastorePicker *self = (VdiDatastorePicker *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->own_id, g_free);
  g_clear_pointer (&self->checked, g_strfreev);
  g_clear_object (&self->datastores);

  G_OBJECT_CLASS (vdi_datastore_picker_parent_class)->finalize (object);
}

static void
vdi_datastore_picker_class_init (VdiDatastorePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_datastore_picker_dispose;
  object_class->finalize = vdi_datastore_picker_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-datastore-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, source_check);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, additional_check);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, list_box);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, datastore_stack);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, datastore_spinner);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, datastore_error_row);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, datastore_list);
  gtk_widget_class_bind_template_child (widget_class, VdiDatastorePicker, datastore_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, vdi_datastore_picker_changed);

  gtk_widget_class_install_action (widget_class, "datastores.retry", NULL,
                                   vdi_datastore_picker_retry_action);
}

static void
vdi_datastore_picker_init (VdiDatastorePicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->datastores = g_list_store_new (VDI_TYPE_DATASTORE_INFO);
  gtk_list_box_bind_model (self->datastore_list, G_LIST_MODEL (self->datastores),
                           create_row_cb, self, NULL);
  gtk_widget_set_sensitive (self->list_box, FALSE);
}
