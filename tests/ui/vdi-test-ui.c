/* vdi-test-ui.c
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

#include <glib/gstdio.h>

#include "vdi-test-ui.h"

/* A stand-in for the desktop's notification server on the test's private session bus, in this
 * process: GLib sends an application's notifications to org.gtk.Notifications when someone owns
 * it, so the tests see what the console sends, as it goes over the bus, and no test depends on
 * a notification daemon (without one, GLib would warn, which is fatal in the tests). */
static GHashTable *notifications;  /* "app-id id" → the notification's a{sv} */
static gboolean notifications_owned;

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  g_autofree char *key = NULL;
  const char *app_id;
  const char *id;

  g_variant_get_child (parameters, 0, "&s", &app_id);
  g_variant_get_child (parameters, 1, "&s", &id);
  key = g_strdup_printf ("%s %s", app_id, id);
  if (g_str_equal (method_name, "AddNotification"))
    g_hash_table_insert (notifications, g_steal_pointer (&key),
                         g_variant_get_child_value (parameters, 2));
  else
    g_hash_table_remove (notifications, key);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
notifications_acquired_cb (GDBusConnection *connection,
                           const char      *name,
                           gpointer         user_data)
{
  notifications_owned = TRUE;
}

static void
notifications_lost_cb (GDBusConnection *connection,
                       const char      *name,
                       gpointer         user_data)
{
  g_error ("%s is taken on this session bus: each widget test needs a bus of its own "
           "(tests/ui/meson.build runs each under dbus-run-session)", name);
}

static gboolean
notifications_ready (gpointer data)
{
  return notifications_owned;
}

/* Idempotent; every application the tests make has it from the start. */
void
vdi_test_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  if (notifications != NULL)
    return;

  notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_variant_unref);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.gtk.Notifications",
                                G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                notifications_acquired_cb, notifications_lost_cb, NULL, NULL);
  vdi_test_wait_for (notifications_ready, NULL);
}

/* Returns: (transfer none) (nullable): the notification @id of @app shown now, as sent over
 *   the bus (title, body, default-action, default-action-target, buttons, …) */
GVariant *
vdi_test_notifications_lookup (GApplication *app,
                               const char   *id)
{
  g_autofree char *key = g_strdup_printf ("%s %s", g_application_get_application_id (app), id);

  g_assert_nonnull (notifications);
  return g_hash_table_lookup (notifications, key);
}

/* A registered application, as the program has after startup, but not running its own main
 * loop: tests drive the default main context themselves. */
VdiApplication *
vdi_test_application_new (const char     *farm_path,
                          VdiCredentials *credentials)
{
  static guint n_apps;
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = NULL;

  /* A registered application stays exported on the bus at its object path: each gets its own. */
  app_id = g_strdup_printf ("%s.Test%u", APP_ID, ++n_apps);
  vdi_test_notifications_start ();
  app = vdi_application_new (app_id, G_APPLICATION_NON_UNIQUE);
  if (farm_path != NULL)
    vdi_application_set_farm_path (app, farm_path);
  if (credentials != NULL)
    vdi_application_set_credentials (app, credentials);

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&app);
}

void
vdi_test_flush_events (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @condition holds. The periodic wake-up only keeps a blocking
 * iteration from sleeping forever while work runs in other threads; it is not a deadline (the
 * test harness has its own). */
void
vdi_test_wait_for (VdiTestCondition condition,
                   gpointer         data)
{
  guint wake_up = g_timeout_add (10, wake_up_cb, NULL);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake_up);
}

static void
frame_cb (GdkFrameClock *clock,
          guint         *n_frames)
{
  (*n_frames)++;
}

/* Lets @widget's toplevel lay out and paint @n_frames times. */
void
vdi_test_wait_frames (GtkWidget *widget,
                      guint      n_frames)
{
  GdkFrameClock *clock;
  guint counted = 0;
  gulong handler;

  vdi_test_flush_events ();

  if (!gtk_widget_get_mapped (widget) || !(clock = gtk_widget_get_frame_clock (widget)))
    return;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cb), &counted);
  while (counted < n_frames)
    {
      gtk_widget_queue_draw (widget);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);

  vdi_test_flush_events ();
}

GtkWindow *
vdi_test_find_toplevel (GType      type,
                        GtkWindow *except)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != except && G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

/* The toplevel window whose widget name is @name, or %NULL. */
GtkWindow *
vdi_test_find_named_toplevel (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (window)), name) == 0)
        return window;
    }

  return NULL;
}

static void
find_widgets (GtkWidget  *widget,
              const char *name,
              GType       type,
              GPtrArray  *found)
{
  if ((name == NULL || g_strcmp0 (gtk_widget_get_name (widget), name) == 0) &&
      (type == G_TYPE_INVALID || G_TYPE_CHECK_INSTANCE_TYPE (widget, type)))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_widgets (child, name, type, found);
}

/* Every descendant of @root (and @root) with widget name @name (if not %NULL) and of @type (if
 * not G_TYPE_INVALID), in tree order. */
GPtrArray *
vdi_test_find_widgets (GtkWidget  *root,
                       const char *name,
                       GType       type)
{
  GPtrArray *found = g_ptr_array_new ();

  find_widgets (root, name, type, found);
  return found;
}

GtkWidget *
vdi_test_find_widget (GtkWidget  *root,
                      const char *name,
                      GType       type)
{
  g_autoptr(GPtrArray) found = vdi_test_find_widgets (root, name, type);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/* The button under @root that activates @action_name; the test fails if there is none. */
GtkWidget *
vdi_test_find_action_button (GtkWidget  *root,
                             const char *action_name)
{
  g_autoptr(GPtrArray) buttons = vdi_test_find_widgets (root, NULL, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)),
                   action_name) == 0)
      return g_ptr_array_index (buttons, i);

  g_error ("no button activates %s", action_name);
}

/* The descendant of @root with widget name @name; the test fails if there is none. */
GtkWidget *
vdi_test_get_widget (gpointer    root,
                     const char *name)
{
  GtkWidget *widget = vdi_test_find_widget (GTK_WIDGET (root), name, G_TYPE_INVALID);

  if (widget == NULL)
    g_error ("no widget is named %s", name);
  return widget;
}

/* Whether the button for @action_name can be pressed: what the admin sees. */
gboolean
vdi_test_can (gpointer    root,
              const char *action_name)
{
  vdi_test_flush_events ();
  return gtk_widget_is_sensitive (vdi_test_find_action_button (GTK_WIDGET (root), action_name));
}

/* Whether @detailed_action is enabled for @widget, as a menu item or button bound to it there
 * sees it. The probe button stays hidden: a visible child that @widget's layout does not
 * allocate (a window allocates only its own child) would be drawn without an allocation if a
 * frame were painted before it is removed, which a loaded machine does. */
gboolean
vdi_test_action_enabled (gpointer    widget,
                         const char *detailed_action)
{
  GtkWidget *button = gtk_button_new ();
  gboolean enabled;

  gtk_widget_set_visible (button, FALSE);
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (button), detailed_action);
  gtk_widget_set_parent (button, GTK_WIDGET (widget));
  vdi_test_flush_events ();
  enabled = gtk_widget_get_sensitive (button);
  gtk_widget_unparent (button);
  return enabled;
}

/* What a click on the button for @action_name does; gtk_widget_activate() would only click
 * after the press animation. */
void
vdi_test_press (gpointer    root,
                const char *action_name)
{
  GtkWidget *button = vdi_test_find_action_button (GTK_WIDGET (root), action_name);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
  vdi_test_flush_events ();
}

/* The names of @providers, space-separated, in order. */
char *
vdi_test_provider_names (GListModel *providers)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      g_string_append_printf (names, "%s%s", i > 0 ? " " : "", vdi_provider_get_name (provider));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  /* A button or check box is named by its own label. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    return TRUE;
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_LIST_BOX (widget) || GTK_IS_LIST_VIEW (widget) ||
         ADW_IS_COMBO_ROW (widget) || ADW_IS_ENTRY_ROW (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SPINNER (widget) ||
         GTK_IS_COLUMN_VIEW (widget);
}

/* The list a GtkColumnView builds inside itself: the column view carries the name. */
static gboolean
is_column_view_list (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  return GTK_IS_LIST_VIEW (widget) && parent != NULL && GTK_IS_COLUMN_VIEW (parent);
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *unnamed)
{
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;
  if (is_control (widget) && !is_column_view_list (widget) && !has_accessible_name (widget))
    g_string_append_printf (unnamed, " %s(%s)", G_OBJECT_TYPE_NAME (widget),
                            gtk_widget_get_name (widget));
  /* What libadwaita and GTK build inside their own controls is theirs to name. */
  if (ADW_IS_COMBO_ROW (widget) || ADW_IS_ENTRY_ROW (widget) || GTK_IS_SPIN_BUTTON (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed);
}

/* The controls under @root that have no accessible name, as " Type(name)…", or "". */
char *
vdi_test_dup_unnamed_controls (GtkWidget *root)
{
  GString *unnamed = g_string_new (NULL);

  collect_unnamed (root, unnamed);
  return g_string_free (unnamed, FALSE);
}

/* Removes a test's temporary directory and the files in it. */
void
vdi_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_remove (file);
    }
  g_rmdir (path);
}

void
vdi_test_destroy_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }

  vdi_test_flush_events ();
}

/* A farm shaped like a large real one: Hyper-V standalone hosts and failover clusters and
 * vCenters of several versions; templates named "tmpl-00001"…, the Hyper-V ones distributed to
 * two more providers of the same subtype, every seventh with a copy running. */
void
vdi_test_populate_farm (VdiFarm *farm,
                        guint    n_providers,
                        guint    n_templates)
{
  static const VdiProviderSubtype subtypes[] = {
    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
    VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER,
    VDI_PROVIDER_SUBTYPE_VCENTER_7,
    VDI_PROVIDER_SUBTYPE_VCENTER_8,
  };
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert (n_providers >= 2 * G_N_ELEMENTS (subtypes) + 1);

  for (guint i = 0; i < n_providers; i++)
    {
      VdiProviderSubtype subtype = subtypes[i % G_N_ELEMENTS (subtypes)];
      gboolean hyperv = vdi_provider_subtype_get_provider_type (subtype) == VDI_PROVIDER_TYPE_HYPERV;
      g_autofree char *id = g_strdup_printf ("provider-%05u", i + 1);
      g_autofree char *name = g_strdup_printf ("%s-%04u", hyperv ? "hv" : "vc", i + 1);
      /* The console probes every provider it loads: a loopback address of its own, where
       * nothing listens, refuses at once, where a made-up name would wait on DNS. */
      g_autofree char *host = g_strdup_printf ("127.1.%u.%u", (i + 1) / 256, (i + 1) % 256);
      VdiProvider *provider;

      provider = vdi_provider_new (id, name, subtype, host,
                                   vdi_provider_subtype_default_port (subtype));
      vdi_provider_set_username (provider, hyperv ? "FARM\\vdi-admin" : "vdi@vsphere.local");
      vdi_provider_set_status (provider,
                               i % 13 == 5 ? VDI_PROVIDER_STATUS_NOT_AVAILABLE
                                           : VDI_PROVIDER_STATUS_READY,
                               i % 13 == 5 ? "Connection refused" : NULL);
      g_ptr_array_add (providers, provider);
    }

  for (guint i = 0; i < n_templates; i++)
    {
      guint p = i % n_providers;
      VdiProvider *source = g_ptr_array_index (providers, p);
      g_autofree char *id = g_strdup_printf ("template-%05u", i + 1);
      g_autofree char *name = g_strdup_printf ("tmpl-%05u", i + 1);
      g_autofree char *vm = g_strdup_printf ("win11-gold-%03u", i % 300);
      g_autoptr(GError) error = NULL;
      VdiTemplate *template;

      template = vdi_template_new (id, name, source, vm);
      vdi_template_set_host_name_format (template, "VDI-%ID:4%");
      vdi_template_set_initial_hosts (template, 2);
      vdi_template_set_max_hosts (template, 10);
      vdi_template_set_status (template, i % 17 == 3 ? VDI_TEMPLATE_STATUS_MAINTENANCE
                                                     : VDI_TEMPLATE_STATUS_OK);

      if (vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_HYPERV)
        {
          guint n = G_N_ELEMENTS (subtypes);

          vdi_template_set_multi_provider (template, TRUE, &error);
          g_assert_no_error (error);

          /* Providers at the same index modulo the subtype cycle share the subtype. */
          for (guint k = 1; k <= 2; k++)
            {
              VdiProvider *target = g_ptr_array_index (providers, (p + k * n) % n_providers);
              VdiTarget *copy;

              if (target == source ||
                  vdi_provider_get_subtype (target) != vdi_provider_get_subtype (source))
                continue;

              copy = vdi_template_add_target (template, target, &error);
              g_assert_no_error (error);

              if (i % 7 == 0 && k == 1)
                {
                  vdi_target_set_progress (copy, VDI_DISTRIBUTION_DISTRIBUTING);
                  vdi_target_update_transfer (copy, 10 + (i % 80), 0, 0, 0, -1);
                }
              else
                {
                  vdi_target_set_state (copy, VDI_TARGET_STATE_READY);
                  vdi_target_set_progress (copy, VDI_DISTRIBUTION_OK);
                  vdi_target_set_step (copy, VDI_TARGET_STEP_REGISTERED);
                }
            }
        }

      for (guint h = 0; h < i % 4; h++)
        {
          g_autofree char *host_name = g_strdup_printf ("VDI-%05u-%u", i + 1, h + 1);
          g_autoptr(VdiHost) host = vdi_host_new (host_name, source);

          vdi_host_set_state (host, h == 2 ? VDI_HOST_STATE_CREATING : VDI_HOST_STATE_READY);
          vdi_template_add_host (template, host);
        }

      g_ptr_array_add (templates, template);
    }

  vdi_farm_splice (farm, providers, templates);
}

/* Whether some process owns @bus_name (a string) on the session bus; for vdi_test_wait_for(). */
gboolean
vdi_test_name_has_owner (gpointer bus_name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", (const char *)bus_name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}
