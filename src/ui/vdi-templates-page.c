/* vdi-templates-page.c
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

#include "vdi-application.h"
#include "vdi-cell-tooltip.h"
#include "vdi-template-cell.h"
#include "vdi-template-tasks.h"
#include "vdi-templates-page.h"

struct _VdiTemplatesPage
{
  AdwBin               parent_instance;

  /* Owned references */
  VdiFarm             *farm;
  GtkWidget           *context_menu;
  VdiTemplateTasks    *tasks;
  VdiTemplate         *watched;     /* the selected template, whose changes move the actions */

  /* Template widgets */
  GtkColumnView       *column_view;
  GtkFilterListModel  *filter_model;
  GtkColumnViewColumn *name_column;
  GtkSearchEntry      *search_entry;
  GtkSingleSelection  *selection;
  GtkStack            *stack;
  GMenuModel          *tasks_menu;

  guint                read_only : 1;
};

enum {
  PROP_0,
  PROP_FARM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiTemplatesPage, vdi_templates_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

/* Cell closures, called by the GtkBuilderListItemFactory bindings in the .ui. The first argument
 * is the expression's "this" (the GtkListItem, or the item for sorters). */

static char *
template_status_label (gpointer          this,
                       VdiTemplateStatus status)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_TEMPLATE_STATUS, status));
}

static char *
distribution_label (gpointer        this,
                    VdiDistribution distribution)
{
  if (distribution == VDI_DISTRIBUTION_NONE)
    return NULL;

  return g_strdup (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, distribution));
}

static char *
distribution_tooltip (gpointer        this,
                      VdiDistribution distribution,
                      double          fraction)
{
  if (distribution == VDI_DISTRIBUTION_NONE)
    return NULL;

  if (fraction < 0)
    return g_strdup (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, distribution));

  /* Translators: a distribution state and its progress, e.g. "Distributing: 42 %". */
  return g_strdup_printf (_("%s: %.0f %%"),
                          vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, distribution),
                          CLAMP (fraction, 0, 1) * 100);
}

static gboolean
fraction_visible (gpointer this,
                  double   fraction)
{
  return fraction >= 0;
}

static double
fraction_clamp (gpointer this,
                double   fraction)
{
  return CLAMP (fraction, 0, 1);
}

static char *
hosts_label (gpointer this,
             guint    ready,
             guint    total)
{
  /* Translators: hosts ready out of the template's total, e.g. "3/10". */
  return g_strdup_printf (C_("hosts", "%u/%u"), ready, total);
}

/* Enum properties sort by value; GtkNumericSorter only takes plain integer types. */
static int
enum_to_int (gpointer this,
             int      value)
{
  return value;
}

static void
vdi_templates_page_update_state (VdiTemplatesPage *self)
{
  GListModel *templates = NULL;
  const char *state;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  /* NULL once the template is disposed */
  if (self->stack == NULL)
    return;

  templates = gtk_filter_list_model_get_model (self->filter_model);

  if (templates == NULL || g_list_model_get_n_items (templates) == 0)
    state = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    state = "no-results";
  else
    state = "list";

  gtk_stack_set_visible_child_name (self->stack, state);
}

/* The list shows the farm's templates, or while a big farm loads, its first ones read ahead;
 * those are only to be seen, so the page takes no input until the farm's are there. */
static void
vdi_templates_page_update_model (VdiTemplatesPage *self)
{
  GListModel *preview = NULL;
  GListModel *model = NULL;

  /* NULL once the template is disposed */
  if (self->filter_model == NULL)
    return;

  if (self->farm != NULL)
    {
      preview = vdi_farm_get_preview (self->farm);
      model = preview != NULL ? preview : vdi_farm_get_templates (self->farm);
    }
  gtk_filter_list_model_set_model (self->filter_model, model);
  gtk_widget_set_sensitive (GTK_WIDGET (self), preview == NULL);
  vdi_templates_page_update_state (self);
}

static void
vdi_templates_page_items_changed_cb (VdiTemplatesPage *self,
                                     guint             position,
                                     guint             removed,
                                     guint             added,
                                     GListModel       *model)
{
  vdi_templates_page_update_state (self);
}

/* Distribution details are for templates copied to other providers. */
static gboolean
has_distribution (VdiTemplate *template)
{
  return template != NULL && vdi_template_get_multi_provider (template);
}

/* What the selected template allows now: its status, our own work on it and the distributor's,
 * and whether this console may change the farm at all. */
static void
vdi_templates_page_update_actions (VdiTemplatesPage *self)
{
  VdiTemplate *template;
  VdiTemplateStatus status = VDI_TEMPLATE_STATUS_OK;
  gboolean idle = FALSE;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  template = vdi_templates_page_get_selected (self);
  if (template != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root))
                                                 : NULL;

      status = vdi_template_get_status (template);
      idle = !self->read_only && !vdi_template_tasks_is_busy (self->tasks, template) &&
             !(VDI_IS_APPLICATION (app) &&
               vdi_distributor_is_busy (vdi_application_get_distributor (VDI_APPLICATION (app)),
                                        template));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.distribution-details",
                                 has_distribution (template));
  /* Properties change the farm as they are edited: not while another process holds it. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.properties",
                                 template != NULL && !self->read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.enter-maintenance",
                                 idle && (status == VDI_TEMPLATE_STATUS_OK ||
                                          status == VDI_TEMPLATE_STATUS_FAILED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.leave-maintenance",
                                 idle && status == VDI_TEMPLATE_STATUS_MAINTENANCE);
  /* A template in maintenance is a VM being changed, not a source for hosts. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.recreate-hosts",
                                 idle && status == VDI_TEMPLATE_STATUS_OK &&
                                 g_list_model_get_n_items (vdi_template_get_hosts (template)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "templates.delete",
                                 idle && (status == VDI_TEMPLATE_STATUS_OK ||
                                          status == VDI_TEMPLATE_STATUS_MAINTENANCE ||
                                          status == VDI_TEMPLATE_STATUS_FAILED));
}

static void
vdi_templates_page_selection_changed_cb (VdiTemplatesPage *self)
{
  VdiTemplate *template;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  template = vdi_templates_page_get_selected (self);
  if (template != self->watched)
    {
      if (self->watched != NULL)
        g_signal_handlers_disconnect_by_func (self->watched,
                                              vdi_templates_page_update_actions, self);
      g_set_object (&self->watched, template);
      /* Status, hosts and distribution all move the actions. */
      if (template != NULL)
        g_signal_connect_object (template, "notify",
                                 G_CALLBACK (vdi_templates_page_update_actions),
                                 self, G_CONNECT_SWAPPED);
    }

  vdi_templates_page_update_actions (self);
}

static void
vdi_templates_page_busy_changed_cb (VdiTemplatesPage *self,
                                    VdiTemplate      *template)
{
  vdi_templates_page_update_actions (self);
}

static void
vdi_templates_page_task_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  VdiTemplatesPage *self = (VdiTemplatesPage *)widget;
  VdiTemplate *template;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  if ((template = vdi_templates_page_get_selected (self)) == NULL)
    return;

  if (g_str_equal (action_name, "templates.enter-maintenance"))
    vdi_template_tasks_enter_maintenance (self->tasks, template);
  else if (g_str_equal (action_name, "templates.leave-maintenance"))
    vdi_template_tasks_leave_maintenance (self->tasks, template);
  else if (g_str_equal (action_name, "templates.recreate-hosts"))
    vdi_template_tasks_recreate_hosts (self->tasks, template);
  else if (g_str_equal (action_name, "templates.delete"))
    vdi_template_tasks_delete (self->tasks, template);
  else
    g_assert_not_reached ();
}

/**
 * vdi_templates_page_set_read_only:
 *
 * While another process holds the farm lock, nothing here may change the farm.
 */
void
vdi_templates_page_set_read_only (VdiTemplatesPage *self,
                                  gboolean          read_only)
{
  g_return_if_fail (VDI_IS_TEMPLATES_PAGE (self));

  self->read_only = !!read_only;
  vdi_templates_page_update_actions (self);
}

static void
vdi_templates_page_show_distribution (VdiTemplatesPage *self,
                                      VdiTemplate      *template)
{
  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  if (!has_distribution (template))
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.distribution-details", "s",
                              vdi_template_get_id (template));
}

/* Double-click or Enter on a row. */
static void
vdi_templates_page_activate_cb (VdiTemplatesPage *self,
                                guint             position,
                                GtkColumnView    *column_view)
{
  g_autoptr(VdiTemplate) template = NULL;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  template = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  vdi_templates_page_show_distribution (self, template);
}

static void
vdi_templates_page_distribution_details_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *param)
{
  VdiTemplatesPage *self = (VdiTemplatesPage *)widget;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  vdi_templates_page_show_distribution (self, vdi_templates_page_get_selected (self));
}

static void
vdi_templates_page_properties_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *param)
{
  VdiTemplatesPage *self = (VdiTemplatesPage *)widget;
  VdiTemplate *template = vdi_templates_page_get_selected (self);

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  if (template != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.template-properties", "s",
                                vdi_template_get_id (template));
}

/* The Tasks menu at the pointer, for the row of the cell that asked (see VdiTemplateCell):
 * selects the row first, so the menu's actions (which act on the selection) apply to it. */
static void
vdi_templates_page_context_menu_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *param)
{
  VdiTemplatesPage *self = (VdiTemplatesPage *)widget;
  GListModel *rows = G_LIST_MODEL (self->selection);
  GtkRoot *root = gtk_widget_get_root (widget);
  guint position = GTK_INVALID_LIST_POSITION;
  const char *id;
  double x, y, page_x, page_y;

  g_assert (VDI_IS_TEMPLATES_PAGE (self));

  g_variant_get (param, "(&sdd)", &id, &x, &y);
  for (guint i = 0, n = g_list_model_get_n_items (rows); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (rows, i);

      if (g_strcmp0 (vdi_template_get_id (template), id) == 0)
        {
          position = i;
          break;
        }
    }
  if (position == GTK_INVALID_LIST_POSITION || root == NULL)
    return;

  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);

  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (self->tasks_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (root), GTK_WIDGET (self), x, y,
                                         &page_x, &page_y))
    return;

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int)page_x, (int)page_y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/**
 * vdi_templates_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected template
 */
VdiTemplate *
vdi_templates_page_get_selected (VdiTemplatesPage *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);

  if (self->selection == NULL)
    return NULL;

  return gtk_single_selection_get_selected_item (self->selection);
}

VdiFarm *
vdi_templates_page_get_farm (VdiTemplatesPage *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);

  return self->farm;
}

void
vdi_templates_page_set_farm (VdiTemplatesPage *self,
                             VdiFarm          *farm)
{
  g_return_if_fail (VDI_IS_TEMPLATES_PAGE (self));
  g_return_if_fail (!farm || VDI_IS_FARM (farm));

  if (self->farm == farm)
    return;

  if (self->farm != NULL)
    {
      g_signal_handlers_disconnect_by_func (vdi_farm_get_templates (self->farm),
                                            vdi_templates_page_items_changed_cb,
                                            self);
      g_signal_handlers_disconnect_by_func (self->farm, vdi_templates_page_update_model, self);
    }

  g_set_object (&self->farm, farm);

  /* The filter model only reports templates that pass the search; the empty state needs all. */
  if (farm != NULL)
    {
      g_signal_connect_object (vdi_farm_get_templates (farm), "items-changed",
                               G_CALLBACK (vdi_templates_page_items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (farm, "notify::preview",
                               G_CALLBACK (vdi_templates_page_update_model),
                               self, G_CONNECT_SWAPPED);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FARM]);
  vdi_templates_page_update_model (self);
}

GtkColumnView *
vdi_templates_page_get_column_view (VdiTemplatesPage *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);

  return self->column_view;
}

/**
 * vdi_templates_page_get_column:
 * @id: a column's id in the .ui, without its "_column": "name", "provider", "source-vm",
 *   "status", "hosts" or "distribution"
 *
 * Returns: (transfer none) (nullable): the column
 */
GtkColumnViewColumn *
vdi_templates_page_get_column (VdiTemplatesPage *self,
                               const char       *id)
{
  g_autofree char *child_name = NULL;
  GObject *column;

  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  /* GtkColumnViewColumn has no id property before GTK 4.10: the .ui's object ids name them. */
  child_name = g_strdelimit (g_strconcat (id, "_column", NULL), "-", '_');
  column = gtk_widget_get_template_child (GTK_WIDGET (self), VDI_TYPE_TEMPLATES_PAGE, child_name);

  return GTK_IS_COLUMN_VIEW_COLUMN (column) ? GTK_COLUMN_VIEW_COLUMN (column) : NULL;
}

GtkEditable *
vdi_templates_page_get_search_entry (VdiTemplatesPage *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

/* "empty", "no-results" or "list". */
const char *
vdi_templates_page_get_state (VdiTemplatesPage *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATES_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
vdi_templates_page_focus_search (VdiTemplatesPage *self)
{
  g_return_if_fail (VDI_IS_TEMPLATES_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
vdi_templates_page_dispose (GObject *object)
{
  VdiTemplatesPage *self = (VdiTemplatesPage *)object;

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->tasks != NULL)
    vdi_template_tasks_cancel (self->tasks);
  g_clear_object (&self->tasks);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, vdi_templates_page_update_actions, self);
  g_clear_object (&self->watched);

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_TEMPLATES_PAGE);

  g_clear_object (&self->farm);

  G_OBJECT_CLASS (vdi_templates_page_parent_class)->dispose (object);
}

static void
vdi_templates_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VdiTemplatesPage *self = VDI_TEMPLATES_PAGE (object);

  switch (prop_id)
    {
    case PROP_FARM:
      g_value_set_object (value, self->farm);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_templates_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VdiTemplatesPage *self = VDI_TEMPLATES_PAGE (object);

  switch (prop_id)
    {
    case PROP_FARM:
      vdi_templates_page_set_farm (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_templates_page_class_init (VdiTemplatesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_templates_page_dispose;
  object_class->get_property = vdi_templates_page_get_property;
  object_class->set_property = vdi_templates_page_set_property;

  properties[PROP_FARM] =
    g_param_spec_object ("farm", NULL, NULL,
                         VDI_TYPE_FARM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-templates-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, name_column);
  /* The other columns, for vdi_templates_page_get_column() only. */
  gtk_widget_class_bind_template_child_full (widget_class, "provider_column", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "source_vm_column", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "status_column", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "hosts_column", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "distribution_column", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, selection);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplatesPage, tasks_menu);
  gtk_widget_class_bind_template_callback (widget_class, distribution_label);
  gtk_widget_class_bind_template_callback (widget_class, distribution_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, enum_to_int);
  gtk_widget_class_bind_template_callback (widget_class, fraction_clamp);
  gtk_widget_class_bind_template_callback (widget_class, fraction_visible);
  gtk_widget_class_bind_template_callback (widget_class, hosts_label);
  gtk_widget_class_bind_template_callback (widget_class, template_status_label);
  gtk_widget_class_bind_template_callback (widget_class, vdi_templates_page_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_templates_page_items_changed_cb);

  gtk_widget_class_install_action (widget_class, "templates.distribution-details", NULL,
                                   vdi_templates_page_distribution_details_action);
  gtk_widget_class_install_action (widget_class, "templates.enter-maintenance", NULL,
                                   vdi_templates_page_task_action);
  gtk_widget_class_install_action (widget_class, "templates.leave-maintenance", NULL,
                                   vdi_templates_page_task_action);
  gtk_widget_class_install_action (widget_class, "templates.recreate-hosts", NULL,
                                   vdi_templates_page_task_action);
  gtk_widget_class_install_action (widget_class, "templates.delete", NULL,
                                   vdi_templates_page_task_action);
  /* Delete asks first, so the key is safe; text fields keep their own Delete. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "templates.delete", NULL);
  gtk_widget_class_install_action (widget_class, "templates.properties", NULL,
                                   vdi_templates_page_properties_action);
  gtk_widget_class_install_action (widget_class, "templates.context-menu", "(sdd)",
                                   vdi_templates_page_context_menu_action);

  gtk_widget_class_set_css_name (widget_class, "templatespage");

  g_type_ensure (VDI_TYPE_TEMPLATE);
  g_type_ensure (VDI_TYPE_TEMPLATE_CELL);
  g_type_ensure (VDI_TYPE_CELL_TOOLTIP);
  g_type_ensure (VDI_TYPE_FARM);
}

static void
vdi_templates_page_init (VdiTemplatesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tasks = vdi_template_tasks_new (GTK_WIDGET (self));
  g_signal_connect_object (self->tasks, "busy-changed",
                           G_CALLBACK (vdi_templates_page_busy_changed_cb),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (vdi_templates_page_selection_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);
  vdi_templates_page_update_state (self);
  vdi_templates_page_selection_changed_cb (self);
}
