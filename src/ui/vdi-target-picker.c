/* vdi-target-picker.c
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

#include "vdi-cell-tooltip.h"
#include "vdi-target-picker.h"

struct _VdiTargetPicker
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkWidget          *available_box;
  GtkWidget          *target_box;
  GtkListView        *available_view;
  GtkMultiSelection  *available_selection;
  GListStore         *available_store;
  GtkListView        *target_view;
  GtkMultiSelection  *target_selection;
  GListStore         *target_store;
};

G_DEFINE_FINAL_TYPE (VdiTargetPicker, vdi_target_picker, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_N_TARGETS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

VdiTargetPicker *
vdi_target_picker_new (void)
{
  return g_object_new (VDI_TYPE_TARGET_PICKER, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_utf8_collate (vdi_provider_get_name ((VdiProvider *)a),
                         vdi_provider_get_name ((VdiProvider *)b));
}

static int
compare_name_pointers (gconstpointer a,
                       gconstpointer b)
{
  return compare_names (*(VdiProvider **)a, *(VdiProvider **)b, NULL);
}

static void
fill (GListStore *store,
      GPtrArray  *providers)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  if (providers != NULL)
    g_ptr_array_extend (sorted, providers, NULL, NULL);
  g_ptr_array_sort (sorted, compare_name_pointers);
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       sorted->pdata, sorted->len);
}

/**
 * vdi_target_picker_set_providers:
 * @available: (nullable): the providers that may become targets, not yet targets
 * @targets: (nullable): the targets already chosen
 *
 * Both lists are shown sorted by name.
 */
void
vdi_target_picker_set_providers (VdiTargetPicker *self,
                                 GPtrArray       *available,
                                 GPtrArray       *targets)
{
  g_return_if_fail (VDI_IS_TARGET_PICKER (self));

  fill (self->available_store, available);
  fill (self->target_store, targets);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TARGETS]);
}

GListModel *
vdi_target_picker_get_available (VdiTargetPicker *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_PICKER (self), NULL);

  return G_LIST_MODEL (self->available_store);
}

GListModel *
vdi_target_picker_get_targets (VdiTargetPicker *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_PICKER (self), NULL);

  return G_LIST_MODEL (self->target_store);
}

guint
vdi_target_picker_get_n_targets (VdiTargetPicker *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_PICKER (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->target_store));
}

GtkListView *
vdi_target_picker_get_available_view (VdiTargetPicker *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_PICKER (self), NULL);

  return self->available_view;
}

GtkListView *
vdi_target_picker_get_target_view (VdiTargetPicker *self)
{
  g_return_val_if_fail (VDI_IS_TARGET_PICKER (self), NULL);

  return self->target_view;
}

/* A host that answers but will not live-migrate cannot take a copy: that is what it shows. */
static char *
target_picker_status_label (gpointer          this,
                            VdiProviderStatus status,
                            gboolean          live_migration_disabled)
{
  if (live_migration_disabled && status == VDI_PROVIDER_STATUS_READY)
    return g_strdup (_("Live migration disabled"));
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_STATUS, status));
}

static char *
target_picker_status_tooltip (gpointer    this,
                              const char *status_message,
                              gboolean    live_migration_disabled)
{
  if (live_migration_disabled)
    return g_strdup (_("Live migration is disabled on this host, so no copy can be made to it. "
                       "Enable incoming and outgoing live migrations in Hyper-V Settings ▸ "
                       "Live Migrations on the host."));
  return g_strdup (status_message);
}

static void
vdi_target_picker_update_actions (VdiTargetPicker *self)
{
  g_autoptr(GtkBitset) available = NULL;
  g_autoptr(GtkBitset) targets = NULL;
  guint n_targets;

  g_assert (VDI_IS_TARGET_PICKER (self));

  available = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->available_selection));
  targets = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->target_selection));
  n_targets = g_list_model_get_n_items (G_LIST_MODEL (self->target_store));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.add", !gtk_bitset_is_empty (available));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.add-all",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->available_store)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.remove", !gtk_bitset_is_empty (targets));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.remove-all", n_targets > 0);
}

/* Moves the items of @from at @positions (ascending) into @to, which stays sorted. */
static void
move (VdiTargetPicker *self,
      GListStore      *from,
      GListStore      *to,
      GtkBitset       *positions)
{
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_n_targets = vdi_target_picker_get_n_targets (self);
  GtkBitsetIter iter;
  guint position;

  if (!gtk_bitset_iter_init_last (&iter, positions, &position))
    return;
  /* From the last, so the positions still to remove do not shift. */
  do
    {
      g_ptr_array_add (moved, g_list_model_get_item (G_LIST_MODEL (from), position));
      g_list_store_remove (from, position);
    }
  while (gtk_bitset_iter_previous (&iter, &position));

  for (guint i = 0; i < moved->len; i++)
    g_list_store_insert_sorted (to, g_ptr_array_index (moved, i), compare_names, NULL);

  if (vdi_target_picker_get_n_targets (self) != old_n_targets)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TARGETS]);
}

static void
move_selected (VdiTargetPicker   *self,
               GtkMultiSelection *selection,
               GListStore        *from,
               GListStore        *to)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (selection));

  move (self, from, to, selected);
}

static void
move_all (VdiTargetPicker *self,
          GListStore      *from,
          GListStore      *to)
{
  g_autoptr(GtkBitset) all = gtk_bitset_new_range (0, g_list_model_get_n_items (G_LIST_MODEL (from)));

  move (self, from, to, all);
}

static void
vdi_target_picker_available_activate_cb (VdiTargetPicker *self,
                                         guint            position)
{
  g_autoptr(GtkBitset) one = gtk_bitset_new_range (position, 1);

  g_assert (VDI_IS_TARGET_PICKER (self));

  move (self, self->available_store, self->target_store, one);
}

static void
vdi_target_picker_target_activate_cb (VdiTargetPicker *self,
                                      guint            position)
{
  g_autoptr(GtkBitset) one = gtk_bitset_new_range (position, 1);

  g_assert (VDI_IS_TARGET_PICKER (self));

  move (self, self->target_store, self->available_store, one);
}

static void
vdi_target_picker_move_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  VdiTargetPicker *self = VDI_TARGET_PICKER (widget);

  if (g_str_equal (action_name, "picker.add"))
    move_selected (self, self->available_selection, self->available_store, self->target_store);
  else if (g_str_equal (action_name, "picker.add-all"))
    move_all (self, self->available_store, self->target_store);
  else if (g_str_equal (action_name, "picker.remove"))
    move_selected (self, self->target_selection, self->target_store, self->available_store);
  else
    move_all (self, self->target_store, self->available_store);
}

static void
vdi_target_picker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VdiTargetPicker *self = VDI_TARGET_PICKER (object);

  switch (prop_id)
    {
    case PROP_N_TARGETS:
      g_value_set_uint (value, vdi_target_picker_get_n_targets (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_target_picker_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VDI_TYPE_TARGET_PICKER);

  G_OBJECT_CLASS (vdi_target_picker_parent_class)->dispose (object);
}

static void
vdi_target_picker_class_init (VdiTargetPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_target_picker_dispose;
  object_class->get_property = vdi_target_picker_get_property;

  properties[PROP_N_TARGETS] =
    g_param_spec_uint ("n-targets", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-target-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, available_box);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, target_box);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, available_view);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, available_selection);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, available_store);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, target_view);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, target_selection);
  gtk_widget_class_bind_template_child (widget_class, VdiTargetPicker, target_store);
  gtk_widget_class_bind_template_callback (widget_class, vdi_target_picker_available_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_target_picker_target_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_target_picker_update_actions);
  gtk_widget_class_bind_template_callback (widget_class, target_picker_status_label);
  gtk_widget_class_bind_template_callback (widget_class, target_picker_status_tooltip);

  gtk_widget_class_install_action (widget_class, "picker.add", NULL, vdi_target_picker_move_action);
  gtk_widget_class_install_action (widget_class, "picker.add-all", NULL,
                                   vdi_target_picker_move_action);
  gtk_widget_class_install_action (widget_class, "picker.remove", NULL,
                                   vdi_target_picker_move_action);
  gtk_widget_class_install_action (widget_class, "picker.remove-all", NULL,
                                   vdi_target_picker_move_action);

  g_type_ensure (VDI_TYPE_CELL_TOOLTIP);
  g_type_ensure (VDI_TYPE_PROVIDER);
}

static void
vdi_target_picker_init (VdiTargetPicker *self)
{
  g_autoptr(GtkSizeGroup) lists = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Both lists as wide, whichever holds the longer names. */
  gtk_size_group_add_widget (lists, self->available_box);
  gtk_size_group_add_widget (lists, self->target_box);
  vdi_target_picker_update_actions (self);
}
