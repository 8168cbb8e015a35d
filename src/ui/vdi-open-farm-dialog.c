/* vdi-open-farm-dialog.c: which farm is open, and opening another in a console of its own.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A console works on one farm, as a document window works on one file: another farm opens in a
 * console process of its own (`vdi-console --farm LOCATION`), with its own lock, distributor and
 * providers, and the one open now goes on untouched. */

#include "config.h"

#include <glib/gi18n.h>

#include "vdi-open-farm-dialog.h"

struct _VdiOpenFarmDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  AdwActionRow *current_row;
  GtkLabel     *error_label;
  AdwEntryRow  *location_row;
};

G_DEFINE_FINAL_TYPE (VdiOpenFarmDialog, vdi_open_farm_dialog, ADW_TYPE_WINDOW)

enum {
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * vdi_farm_location_parse:
 * @text: what the admin typed: a PostgreSQL address or a file (`~` for the home folder)
 * @location: (out): the farm location to open: the address as typed, or an absolute path
 *
 * Returns: whether @text names a farm the console can open
 */
gboolean
vdi_farm_location_parse (const char  *text,
                         char       **location,
                         GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *scheme = NULL;

  *location = NULL;
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type a PostgreSQL address or a file"));
      return FALSE;
    }

  scheme = g_uri_parse_scheme (stripped);
  if (scheme != NULL)
    {
      g_autoptr(GUri) uri = NULL;

      if (g_ascii_strcasecmp (scheme, "postgresql") != 0 &&
          g_ascii_strcasecmp (scheme, "postgres") != 0)
        {
          /* Translators: %s is the part before "://" of what was typed, such as "https". */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” addresses cannot hold a farm: use postgresql:// or a file"), scheme);
          return FALSE;
        }
      uri = g_uri_parse (stripped, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
          g_uri_get_path (uri) == NULL || strlen (g_uri_get_path (uri)) < 2)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("A PostgreSQL address names a host and a database: "
                                 "postgresql://user@host/database"));
          return FALSE;
        }
      if (g_uri_get_password (uri) != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Leave the password out of the address: it would be visible "
                                 "to every program on this computer"));
          return FALSE;
        }
      *location = g_steal_pointer (&stripped);
      return TRUE;
    }

  if (g_str_has_prefix (stripped, "~/"))
    *location = g_build_filename (g_get_home_dir (), stripped + 2, NULL);
  else if (g_path_is_absolute (stripped))
    *location = g_canonicalize_filename (stripped, NULL);
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the farm file's full path, such as ~/farms/lab.db"));
      return FALSE;
    }
  return TRUE;
}

/**
 * vdi_farm_location_dup_display:
 *
 * @location as an admin reads it: a file with `~` for the home folder, an address without
 * anything secret in it.
 */
char *
vdi_farm_location_dup_display (const char *location)
{
  const char *home = g_get_home_dir ();
  g_autofree char *scheme = g_uri_parse_scheme (location);

  if (scheme != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED,
                                         NULL);

      if (uri == NULL)
        return g_strdup (location);
      return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), g_uri_get_user (uri),
                         g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                         g_uri_get_query (uri), NULL);
    }
  if (g_str_has_prefix (location, home) && location[strlen (home)] == G_DIR_SEPARATOR)
    return g_strconcat ("~", location + strlen (home), NULL);
  return g_strdup (location);
}

/* Enables Open only for a location that parses, and says what is wrong once something is
 * typed. */
static gboolean
vdi_open_farm_dialog_validate (VdiOpenFarmDialog  *self,
                               char              **location)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->location_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *parsed = NULL;
  gboolean valid = vdi_farm_location_parse (text, &parsed, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.open", valid);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !valid && *text != '\0');
  gtk_label_set_text (self->error_label, valid ? "" : error->message);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->location_row), "error");
  else if (*text != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->location_row), "error");

  if (location != NULL)
    *location = g_steal_pointer (&parsed);
  return valid;
}

static void
vdi_open_farm_dialog_changed_cb (VdiOpenFarmDialog *self,
                                 AdwEntryRow       *row)
{
  vdi_open_farm_dialog_validate (self, NULL);
}

static void
vdi_open_farm_dialog_open_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VdiOpenFarmDialog *self = VDI_OPEN_FARM_DIALOG (widget);
  g_autofree char *location = NULL;

  if (!vdi_open_farm_dialog_validate (self, &location))
    return;

  g_signal_emit (self, signals[OPEN], 0, location);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
vdi_open_farm_dialog_activated_cb (VdiOpenFarmDialog *self,
                                   AdwEntryRow       *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.open", NULL);
}

static void
file_chosen_cb (GtkNativeDialog *native,
                int              response,
                gpointer         user_data)
{
  VdiOpenFarmDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->location_row), path);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
vdi_open_farm_dialog_choose_file_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *param)
{
  VdiOpenFarmDialog *self = VDI_OPEN_FARM_DIALOG (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Choose a Farm File"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Farms"));
  gtk_file_filter_add_pattern (filter, "*.db");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (file_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
vdi_open_farm_dialog_class_init (VdiOpenFarmDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * VdiOpenFarmDialog::open:
   * @location: the farm to open: a PostgreSQL address or an absolute path
   */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-open-farm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiOpenFarmDialog, current_row);
  gtk_widget_class_bind_template_child (widget_class, VdiOpenFarmDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VdiOpenFarmDialog, location_row);
  gtk_widget_class_bind_template_callback (widget_class, vdi_open_farm_dialog_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_open_farm_dialog_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.open", NULL,
                                   vdi_open_farm_dialog_open_action);
  gtk_widget_class_install_action (widget_class, "dialog.choose-file", NULL,
                                   vdi_open_farm_dialog_choose_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vdi_open_farm_dialog_init (VdiOpenFarmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.open", FALSE);
}

/**
 * vdi_open_farm_dialog_new:
 * @current: the location of the farm open in @parent's console
 */
VdiOpenFarmDialog *
vdi_open_farm_dialog_new (GtkWindow  *parent,
                          const char *current)
{
  VdiOpenFarmDialog *self = g_object_new (VDI_TYPE_OPEN_FARM_DIALOG,
                                          "transient-for", parent,
                                          NULL);
  g_autofree char *display = vdi_farm_location_dup_display (current);

  adw_action_row_set_subtitle (self->current_row, display);
  return self;
}
