/* test-window.c: the main window on a large farm, loaded the way the program loads it.
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

#include "vdi-test-farm.h"

#include <glib/gstdio.h>

#include "vdi-cell-tooltip.h"
#include "vdi-template-cell.h"
#include "vdi-test-ui.h"

#define N_PROVIDERS 1000
#define N_TEMPLATES 5000

static gboolean
farm_loaded (gpointer data)
{
  return vdi_application_get_farm_loaded (data);
}

static gboolean
widget_exists (gpointer data)
{
  gpointer *args = data;

  return vdi_test_find_widget (args[0], args[1], G_TYPE_INVALID) != NULL;
}

/* What GTK asks when the pointer rests on @widget: whether it has a tooltip to show. */
static gboolean
query_tooltip (GtkWidget *widget)
{
  GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_signal_emit_by_name (widget, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  g_object_unref (tooltip);
  return shown;
}

static char *
dup_template_name (GListModel *model,
                   guint       position)
{
  g_autoptr(VdiTemplate) template = g_list_model_get_item (model, position);

  return g_strdup (vdi_template_get_name (template));
}

static void
test_window_large_farm (void)
{
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  VdiTemplatesPage *templates_page;
  VdiProvidersPage *providers_page;
  GtkColumnViewColumn *column;
  GtkColumnView *column_view;
  GtkProgressBar *progress;
  VdiCellTooltip *tooltip;
  VdiTemplate *template;
  GListModel *model;
  GtkLabel *label;
  VdiWindow *window;
  VdiTarget *target;
  VdiFarm *farm;
  gpointer args[2];

  dir = g_dir_make_tmp ("vdi-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "farm.json", NULL);

  /* Write the farm file as a previous session would have. */
  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (path);

    vdi_test_populate_farm (writer, N_PROVIDERS, N_TEMPLATES);
    vdi_farm_save (writer, &error);
    g_assert_no_error (error);
  }

  /* The program's own path: activate shows the window at once and loads in a thread. */
  app = vdi_test_application_new (path, credentials);
  g_application_activate (G_APPLICATION (app));

  window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_object_ref (window);

  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();
  g_assert_false (vdi_window_get_loading (window));

  farm = vdi_window_get_farm (window);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, N_TEMPLATES);

  vdi_window_show_page (window, "templates");
  templates_page = vdi_window_get_templates_page (window);
  column_view = vdi_templates_page_get_column_view (templates_page);
  model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_TEMPLATES);
  g_assert_cmpstr (vdi_templates_page_get_state (templates_page), ==, "list");

  /* Sorted by name, ascending, by default; then descending. */
  name = dup_template_name (model, 0);
  g_assert_cmpstr (name, ==, "tmpl-00001");
  g_clear_pointer (&name, g_free);

  column = vdi_templates_page_get_column (templates_page, "name");
  g_assert_nonnull (column);
  gtk_column_view_sort_by_column (column_view, column, GTK_SORT_DESCENDING);
  name = dup_template_name (model, 0);
  g_assert_cmpstr (name, ==, "tmpl-05000");
  g_clear_pointer (&name, g_free);

  /* Numeric sort on hosts: the first rows have the most ready hosts. */
  gtk_column_view_sort_by_column (column_view,
                                  vdi_templates_page_get_column (templates_page, "hosts"),
                                  GTK_SORT_DESCENDING);
  {
    g_autoptr(VdiTemplate) first = g_list_model_get_item (model, 0);
    g_autoptr(VdiTemplate) last = g_list_model_get_item (model, N_TEMPLATES - 1);

    g_assert_cmpuint (vdi_template_get_hosts_ready (first), >=, vdi_template_get_hosts_ready (last));
    g_assert_cmpuint (vdi_template_get_hosts_ready (first), >, 0);
  }
  gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);

  /* Search: by name, case-insensitive ... */
  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "TMPL-0499");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  name = dup_template_name (model, 0);
  g_assert_cmpstr (name, ==, "tmpl-04990");
  g_clear_pointer (&name, g_free);

  /* ... by provider name (templates are spread round-robin over the providers) ... */
  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "hv-0001");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_TEMPLATES / N_PROVIDERS);

  /* ... by source VM ... */
  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "win11-gold-299");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_TEMPLATES / 300);

  /* ... and nothing. */
  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "no such template");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpstr (vdi_templates_page_get_state (templates_page), ==, "no-results");

  /* A single row: its Distribution cell follows the template's targets live. tmpl-00002 has a
   * Hyper-V standalone source and two copies, both done. */
  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "tmpl-00002");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (vdi_templates_page_get_state (templates_page), ==, "list");

  args[0] = column_view;
  args[1] = (gpointer)"distribution-label";
  vdi_test_wait_for (widget_exists, args);
  vdi_test_wait_frames (GTK_WIDGET (window), 2);

  /* Every control of the window, its Templates tab with a row in it, has a name to be read by. */
  {
    g_autofree char *unnamed = vdi_test_dup_unnamed_controls (GTK_WIDGET (window));

    g_assert_cmpstr (unnamed, ==, "");
  }

  label = GTK_LABEL (vdi_test_find_widget (GTK_WIDGET (column_view), "distribution-label",
                                           GTK_TYPE_LABEL));
  progress = GTK_PROGRESS_BAR (vdi_test_find_widget (GTK_WIDGET (column_view),
                                                     "distribution-progress",
                                                     GTK_TYPE_PROGRESS_BAR));
  tooltip = VDI_CELL_TOOLTIP (vdi_test_find_widget (GTK_WIDGET (column_view),
                                                    "distribution-tooltip",
                                                    VDI_TYPE_CELL_TOOLTIP));
  template = vdi_farm_find_template (farm, "tmpl-00002");
  g_assert_nonnull (template);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_OK);
  g_assert_cmpstr (gtk_label_get_label (label), ==,
                   vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_OK));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (progress)));
  /* The cell's tooltip says the same, given when GTK asks for it. */
  g_assert_cmpstr (vdi_cell_tooltip_get_text (tooltip), ==,
                   vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_OK));
  g_assert_true (query_tooltip (GTK_WIDGET (tooltip)));

  target = g_list_model_get_item (vdi_template_get_targets (template), 1);
  g_object_unref (target);
  vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
  vdi_target_update_transfer (target, 40, 400, 1000, 100, 6);
  vdi_test_flush_events ();

  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_cmpstr (gtk_label_get_label (label), ==,
                   vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_DISTRIBUTING));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (progress)));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), >, 0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), <, 1);
  {
    g_autofree char *expected =
      g_strdup_printf ("%s: %.0f %%",
                       vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_DISTRIBUTING),
                       gtk_progress_bar_get_fraction (progress) * 100);

    g_assert_cmpstr (vdi_cell_tooltip_get_text (tooltip), ==, expected);
  }

  vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
  vdi_test_flush_events ();
  g_assert_cmpstr (gtk_label_get_label (label), ==,
                   vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_FAILED));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (progress)));

  gtk_editable_set_text (vdi_templates_page_get_search_entry (templates_page), "");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_TEMPLATES);

  /* Providers: every one, sortable by type. */
  vdi_window_show_page (window, "providers");
  g_assert_cmpstr (vdi_window_get_visible_page (window), ==, "providers");
  providers_page = vdi_window_get_providers_page (window);
  column_view = vdi_providers_page_get_column_view (providers_page);
  model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_PROVIDERS);
  g_assert_cmpstr (vdi_providers_page_get_state (providers_page), ==, "list");
  vdi_test_wait_frames (GTK_WIDGET (window), 2);

  gtk_editable_set_text (vdi_providers_page_get_search_entry (providers_page), "vc-");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_PROVIDERS * 2 / 5);
  gtk_editable_set_text (vdi_providers_page_get_search_entry (providers_page), "");

  /* Tear down the way the program does. */
  gtk_window_destroy (GTK_WINDOW (window));
  vdi_test_flush_events ();
  g_assert_finalize_object (window);

  g_assert_true (vdi_farm_flush (farm, &error));
  g_assert_no_error (error);
  g_clear_object (&app);

  vdi_test_destroy_toplevels ();
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *entry;

    while (d != NULL && (entry = g_dir_read_name (d)))
      {
        g_autofree char *file = g_build_filename (dir, entry, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (dir);
}

typedef struct
{
  VdiWindow *window;
  guint      n_previews;
} PreviewSeen;

/* What the window shows as the preview comes: the first templates by name, in the Templates
 * list, which takes no input, and the title says the farm is still loading. */
static void
preview_seen_cb (VdiFarm     *farm,
                 GParamSpec  *pspec,
                 PreviewSeen *seen)
{
  VdiTemplatesPage *page = vdi_window_get_templates_page (seen->window);
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (
    vdi_templates_page_get_column_view (page)));
  AdwViewSwitcherTitle *title;
  g_autofree char *first = NULL;

  if (vdi_farm_get_preview (farm) == NULL)
    return;
  seen->n_previews++;
  g_assert_true (vdi_window_get_loading (seen->window));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
  first = dup_template_name (model, 0);
  g_assert_cmpstr (first, ==, "tmpl-00001");
  g_assert_cmpstr (vdi_templates_page_get_state (page), ==, "list");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (page)));
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (page)));
  title = ADW_VIEW_SWITCHER_TITLE (vdi_test_find_widget (GTK_WIDGET (seen->window), NULL,
                                                         ADW_TYPE_VIEW_SWITCHER_TITLE));
  g_assert_cmpstr (adw_view_switcher_title_get_subtitle (title), ==, "Loading the farm…");
}

/* A big farm database's first templates show in the list while the rest is read; then the
 * whole farm, and the list takes input. */
static void
test_window_preview (void)
{
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vdi_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "farm.db", NULL);
  AdwViewSwitcherTitle *title;
  VdiTemplatesPage *page;
  PreviewSeen seen = { NULL, 0 };
  GListModel *model;

  {
    g_autoptr(VdiFarm) writer = vdi_farm_new (path);

    vdi_test_populate_farm (writer, 15, 1001);
    g_assert_true (vdi_farm_save (writer, &error));
    g_assert_no_error (error);
  }

  app = vdi_test_application_new (path, credentials);
  g_application_activate (G_APPLICATION (app));
  seen.window = VDI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_object_ref (seen.window);
  vdi_window_show_page (seen.window, "templates");
  g_signal_connect (vdi_window_get_farm (seen.window), "notify::preview",
                    G_CALLBACK (preview_seen_cb), &seen);

  vdi_test_wait_for (farm_loaded, app);
  vdi_test_flush_events ();
  g_assert_cmpuint (seen.n_previews, ==, 1);
  g_assert_false (vdi_window_get_loading (seen.window));
  g_assert_null (vdi_farm_get_preview (vdi_window_get_farm (seen.window)));
  page = vdi_window_get_templates_page (seen.window);
  model = G_LIST_MODEL (gtk_column_view_get_model (vdi_templates_page_get_column_view (page)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1001);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (page)));
  title = ADW_VIEW_SWITCHER_TITLE (vdi_test_find_widget (GTK_WIDGET (seen.window), NULL,
                                                         ADW_TYPE_VIEW_SWITCHER_TITLE));
  g_assert_cmpstr (adw_view_switcher_title_get_subtitle (title), ==, "");

  g_signal_handlers_disconnect_by_func (vdi_window_get_farm (seen.window), preview_seen_cb,
                                        &seen);
  gtk_window_destroy (GTK_WINDOW (seen.window));
  vdi_test_flush_events ();
  g_assert_finalize_object (seen.window);
  g_clear_object (&app);
  vdi_test_destroy_toplevels ();
  vdi_test_rm_rf (dir);
}

/* A secondary click on @cell, as GTK delivers it to the cell's gesture. */
static void
right_click (GtkWidget *cell)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (cell);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == 3)
        {
          g_signal_emit_by_name (controller, "pressed", 1, 2.0, 2.0);
          vdi_test_flush_events ();
          return;
        }
    }
  g_assert_not_reached ();
}

static GtkWidget *
find_context_menu (VdiTemplatesPage *page)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      return child;
  return NULL;
}

static guint
count_mapped (GPtrArray *widgets)
{
  guint n = 0;

  for (guint i = 0; i < widgets->len; i++)
    n += gtk_widget_get_mapped (g_ptr_array_index (widgets, i));
  return n;
}

/* The Templates table's columns, found by their ids in the .ui; every cell of every column is
 * a VdiTemplateCell that knows its row and offers the Tasks menu. */
static void
test_templates_columns (void)
{
  static const struct { const char *id; const char *title; } columns[] = {
    { "name", "Name" }, { "provider", "Provider" }, { "source-vm", "Source VM" },
    { "status", "Status" }, { "hosts", "Hosts" }, { "distribution", "Distribution" },
  };
  const guint n_templates = 4;
  g_autofree char *dir = vdi_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "farm.json", NULL);
  g_autoptr(VdiFarm) farm = vdi_farm_new (path);
  g_autoptr(GPtrArray) cells = NULL;
  GtkColumnView *view;
  GListModel *model;
  VdiTemplatesPage *page;
  GtkWindow *window;

  vdi_test_populate_farm (farm, 11, n_templates);
  page = g_object_new (VDI_TYPE_TEMPLATES_PAGE, "farm", farm, NULL);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1000, 600);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  vdi_test_wait_frames (GTK_WIDGET (window), 3);
  view = vdi_templates_page_get_column_view (page);
  model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_templates);

  /* Each id names its own column, in the .ui's order; nothing else is a column id. */
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) at = g_list_model_get_item (gtk_column_view_get_columns (view), i);

      g_assert_true (vdi_templates_page_get_column (page, columns[i].id) == at);
      g_assert_cmpstr (gtk_column_view_column_get_title (at), ==, columns[i].title);
    }
  g_assert_null (vdi_templates_page_get_column (page, "name_column"));
  g_assert_null (vdi_templates_page_get_column (page, "column_view"));
  g_assert_null (vdi_templates_page_get_column (page, "source"));

  /* Sorting by a column found by id. */
  gtk_column_view_sort_by_column (view, vdi_templates_page_get_column (page, "source-vm"),
                                  GTK_SORT_DESCENDING);
  for (guint i = 1; i < n_templates; i++)
    {
      g_autoptr(VdiTemplate) before = g_list_model_get_item (model, i - 1);
      g_autoptr(VdiTemplate) after = g_list_model_get_item (model, i);

      g_assert_cmpint (g_utf8_collate (vdi_template_get_source_vm_name (before),
                                       vdi_template_get_source_vm_name (after)), >=, 0);
    }
  gtk_column_view_sort_by_column (view, vdi_templates_page_get_column (page, "name"),
                                  GTK_SORT_ASCENDING);
  vdi_test_wait_frames (GTK_WIDGET (window), 2);

  /* One cell per row and column, each showing its row's template. */
  cells = vdi_test_find_widgets (GTK_WIDGET (view), NULL, VDI_TYPE_TEMPLATE_CELL);
  g_assert_cmpuint (count_mapped (cells), ==, G_N_ELEMENTS (columns) * n_templates);

  /* Whichever column's cell is right-clicked, its row is selected and the menu offered. */
  for (guint i = 0; i < cells->len; i++)
    {
      VdiTemplateCell *cell = g_ptr_array_index (cells, i);
      VdiTemplate *template = vdi_template_cell_get_template (cell);
      g_autoptr(VdiTemplate) first = g_list_model_get_item (model, 0);
      GtkWidget *menu;

      if (!gtk_widget_get_mapped (GTK_WIDGET (cell)))
        continue;
      g_assert_nonnull (template);
      /* Another row first, so that the click is what selects this one. */
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), first == template ? 1 : 0,
                                       TRUE);
      g_assert_false (vdi_templates_page_get_selected (page) == template);
      right_click (GTK_WIDGET (cell));
      g_assert_true (vdi_templates_page_get_selected (page) == template);
      menu = find_context_menu (page);
      g_assert_nonnull (menu);
      g_assert_true (gtk_widget_get_visible (menu));
      gtk_popover_popdown (GTK_POPOVER (menu));
      vdi_test_flush_events ();
    }

  /* The Provider column shows the source provider's name as it is now. */
  {
    g_autoptr(VdiTemplate) first = g_list_model_get_item (model, 0);
    VdiProvider *source = vdi_template_get_source_provider (first);
    g_autofree char *renamed = g_strdup_printf ("%s-renamed", vdi_provider_get_name (source));
    g_autoptr(GPtrArray) shown = NULL;
    guint n_renamed = 0;

    vdi_provider_set_name (source, renamed);
    vdi_test_flush_events ();
    shown = vdi_test_find_widgets (GTK_WIDGET (view), "provider-cell", GTK_TYPE_INSCRIPTION);
    for (guint i = 0; i < shown->len; i++)
      if (g_strcmp0 (gtk_inscription_get_text (g_ptr_array_index (shown, i)), renamed) == 0)
        n_renamed++;
    g_assert_cmpuint (n_renamed, >, 0);
    gtk_editable_set_text (GTK_EDITABLE (vdi_templates_page_get_search_entry (page)), renamed);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_renamed);
    gtk_editable_set_text (GTK_EDITABLE (vdi_templates_page_get_search_entry (page)), "");
  }

  /* Hiding a column found by id hides its cells. */
  gtk_column_view_column_set_visible (vdi_templates_page_get_column (page, "status"), FALSE);
  vdi_test_wait_frames (GTK_WIDGET (window), 2);
  g_clear_pointer (&cells, g_ptr_array_unref);
  cells = vdi_test_find_widgets (GTK_WIDGET (view), NULL, VDI_TYPE_TEMPLATE_CELL);
  g_assert_cmpuint (count_mapped (cells), ==, (G_N_ELEMENTS (columns) - 1) * n_templates);

  gtk_window_destroy (window);
  vdi_test_flush_events ();
  vdi_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/VdiConsole/Window/large-farm", test_window_large_farm);
  g_test_add_func ("/VdiConsole/Window/templates-columns", test_templates_columns);
  g_test_add_func ("/VdiConsole/Window/preview", test_window_preview);

  return g_test_run ();
}
