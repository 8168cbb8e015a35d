/* vdi-demo.c
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

#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vdi-demo.h"
#include "vdi-farm.h"

struct _VdiDemo
{
  GObject      parent_instance;

  GSubprocess *simulator;
  char        *dir;
  char        *farm_path;
  guint        n_providers;
};

G_DEFINE_FINAL_TYPE (VdiDemo, vdi_demo, G_TYPE_OBJECT)

static void
vdi_demo_dispose (GObject *object)
{
  vdi_demo_stop (VDI_DEMO (object));

  G_OBJECT_CLASS (vdi_demo_parent_class)->dispose (object);
}

static void
vdi_demo_finalize (GObject *object)
{
  VdiDemo *self = (VdiDemo *)object;

  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->farm_path, g_free);

  G_OBJECT_CLASS (vdi_demo_parent_class)->finalize (object);
}

static void
vdi_demo_class_init (VdiDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_demo_dispose;
  object_class->finalize = vdi_demo_finalize;
}

static void
vdi_demo_init (VdiDemo *self)
{
}

/**
 * vdi_demo_find_simulator:
 *
 * Returns: (transfer full) (nullable): vdi-provider-sim: $VDI_PROVIDER_SIM, else the one of the
 *   build tree this program runs from, else the installed one, else the one in $PATH
 */
char *
vdi_demo_find_simulator (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  const char *env = g_getenv ("VDI_PROVIDER_SIM");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (self_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_path);
      /* _build/src/ui/vdi-console → _build/src/sim/vdi-provider-sim */
      g_autofree char *built = g_build_filename (dir, "..", "sim", "vdi-provider-sim", NULL);
      g_autofree char *beside = g_build_filename (dir, "vdi-provider-sim", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }

  {
    g_autofree char *installed = g_build_filename (BINDIR, "vdi-provider-sim", NULL);

    if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
      return g_steal_pointer (&installed);
  }

  return g_find_program_in_path ("vdi-provider-sim");
}

/* In the child, before exec: die with the console, so a crash leaves no simulator behind. */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

typedef struct
{
  VdiDemo           *demo;
  VdiCredentials    *credentials;
  GDataInputStream  *out;
  char              *line;
  GSocketConnection *connection;
  GOutputStream     *inventory;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->demo);
  g_clear_object (&data->credentials);
  g_clear_object (&data->out);
  g_clear_pointer (&data->line, g_free);
  g_clear_object (&data->connection);
  g_clear_object (&data->inventory);
  g_free (data);
}

/* The simulator's id for the VM @vm_name on @provider_name, from its inventory. */
static const char *
inventory_find_vm (JsonNode   *inventory,
                   const char *provider_name,
                   const char *vm_name)
{
  JsonArray *providers;

  if (inventory == NULL || !JSON_NODE_HOLDS_OBJECT (inventory) ||
      !json_object_has_member (json_node_get_object (inventory), "providers"))
    return NULL;

  providers = json_object_get_array_member (json_node_get_object (inventory), "providers");
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms;

      if (g_strcmp0 (json_object_get_string_member_with_default (provider, "name", NULL),
                     provider_name) != 0 ||
          !json_object_has_member (provider, "vms"))
        continue;

      vms = json_object_get_array_member (provider, "vms");
      for (guint k = 0; k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (g_strcmp0 (json_object_get_string_member_with_default (vm, "name", NULL),
                         vm_name) == 0)
            return json_object_get_string_member_with_default (vm, "id", NULL);
        }
    }

  return NULL;
}

/* A template of the demo world, when its providers and source VM are there. The console
 * starts copying a multi-provider one as the demo opens. */
static void
add_demo_template (VdiFarm            *farm,
                   JsonNode           *inventory,
                   const char         *name,
                   const char         *host_name_format,
                   const char         *source_name,
                   const char         *vm_name,
                   const char * const *target_names,
                   guint               concurrency)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  VdiProvider *source = vdi_farm_find_provider (farm, source_name);
  const char *vm_id = inventory_find_vm (inventory, source_name, vm_name);

  if (source == NULL || vm_id == NULL)
    return;

  template = vdi_template_new (NULL, name, source, vm_name);
  vdi_template_set_source_vm_id (template, vm_id);
  vdi_template_set_host_name_format (template, host_name_format);
  vdi_template_set_max_hosts (template, 20);
  vdi_template_set_initial_hosts (template, 0);

  if (target_names != NULL)
    {
      if (!vdi_template_set_multi_provider (template, TRUE, &error))
        goto failed;
      for (guint i = 0; target_names[i] != NULL; i++)
        {
          VdiProvider *target = vdi_farm_find_provider (farm, target_names[i]);

          if (target != NULL && vdi_template_add_target (template, target, &error) == NULL)
            goto failed;
        }
      if (!vdi_template_set_concurrency (template, concurrency, &error))
        goto failed;
    }

  if (vdi_farm_add_template (farm, template, &error))
    return;

failed:
  /* The demo goes on without it: its providers still show. */
  g_warning ("Demo template %s: %s", name, error->message);
}

/* Turns the simulator's endpoints line into a farm of providers with their passwords. */
static gboolean
write_farm (VdiDemo         *self,
            VdiCredentials  *credentials,
            const char      *line,
            JsonNode        *inventory,
            GError         **error)
{
  static const char * const win11_targets[] = { "hv-ams-02", "hv-ams-03", "hv-ams-04", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VdiFarm) farm = vdi_farm_new (self->farm_path);
  JsonArray *providers;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, -1, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "providers"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The simulator did not list its providers"));
      return FALSE;
    }

  providers = json_object_get_array_member (json_node_get_object (root), "providers");
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *entry = json_array_get_object_element (providers, i);
      g_autoptr(VdiProvider) provider = NULL;
      g_autofree char *id = g_uuid_string_random ();
      int subtype;

      if (!vdi_enum_from_nick (VDI_TYPE_PROVIDER_SUBTYPE,
                               json_object_get_string_member_with_default (entry, "subtype", ""),
                               &subtype))
        continue;

      provider = vdi_provider_new (id, json_object_get_string_member (entry, "name"), subtype,
                                   json_object_get_string_member (entry, "host"),
                                   (guint)json_object_get_int_member (entry, "port"));
      vdi_provider_set_username (provider, json_object_get_string_member (entry, "user"));
      /* The simulator speaks plain HTTP on loopback. */
      vdi_provider_set_allow_http (provider, TRUE);
      if (!vdi_farm_add_provider (farm, provider, error))
        return FALSE;
      if (!vdi_credentials_store_sync (credentials, id, vdi_provider_get_name (provider),
                                       json_object_get_string_member (entry, "password"),
                                       NULL, error))
        return FALSE;
      self->n_providers++;
    }

  add_demo_template (farm, inventory, "Win11 Amsterdam", "AMS-W11-%ID:3%",
                     "hv-ams-01", "win11-golden", win11_targets, 2);
  add_demo_template (farm, inventory, "WS2022 Rotterdam", "RTM-RDS-%ID:3%",
                     "vc-rtm", "tpl-ws2022", NULL, 1);

  return vdi_farm_save (farm, error);
}

static void
finish_start (GTask    *task,
              JsonNode *inventory)
{
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!write_farm (data->demo, data->credentials, data->line, inventory, &error))
    {
      vdi_demo_stop (data->demo);
      g_prefix_error (&error, _("Could not set up the demo: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (data->demo), g_object_unref);
}

/* The inventory is a nicety (it names the demo templates' source VMs): without it the demo
 * shows its providers only. */
static void
inventory_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *reply;
  const char *body;
  gsize size;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      g_debug ("Demo inventory: %s", error->message);
      finish_start (task, NULL);
      return;
    }

  /* Ends the reply with a NUL, so it reads as a string. */
  g_output_stream_write_all (data->inventory, "", 1, NULL, NULL, NULL);
  reply = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (data->inventory));
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (data->inventory)) - 1;
  body = reply != NULL ? g_strstr_len (reply, size, "\r\n\r\n") : NULL;
  if (body == NULL || !g_str_has_prefix (reply, "HTTP/1.") || strstr (reply, " 200 ") == NULL ||
      !json_parser_load_from_data (parser, body + 4, size - (body + 4 - reply), &error))
    {
      g_debug ("Demo inventory: %s", error != NULL ? error->message : "bad reply");
      finish_start (task, NULL);
      return;
    }

  finish_start (task, json_parser_get_root (parser));
}

static void
inventory_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_debug ("Demo inventory: %s", error->message);
      finish_start (task, NULL);
      return;
    }

  data->inventory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (data->inventory,
                                g_io_stream_get_input_stream (G_IO_STREAM (data->connection)),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, G_PRIORITY_DEFAULT,
                                cancellable, inventory_read_cb, g_steal_pointer (&task));
}

static void
inventory_connected_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  static const char request[] =
    "GET /inventory HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  data->connection = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (object), result,
                                                            &error);
  if (data->connection == NULL)
    {
      g_debug ("Demo inventory: %s", error->message);
      finish_start (task, NULL);
      return;
    }

  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (data->connection)),
                                   request, strlen (request), G_PRIORITY_DEFAULT,
                                   cancellable, inventory_sent_cb, g_steal_pointer (&task));
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *control = NULL;
  JsonNode *root;

  data->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &error);
  if (data->line == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The provider simulator stopped before it started"));
      vdi_demo_stop (data->demo);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Ask the simulator's control endpoint for its inventory, plain HTTP on loopback. */
  if (json_parser_load_from_data (parser, data->line, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    control = json_object_get_string_member_with_default (json_node_get_object (root),
                                                          "control", NULL);
  if (control == NULL)
    {
      finish_start (task, NULL);
      return;
    }

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, 10);
  g_socket_client_connect_to_uri_async (client, control, 80, cancellable,
                                        inventory_connected_cb, g_steal_pointer (&task));
}

void
vdi_demo_start_async (const char          *directory,
                      VdiCredentials      *credentials,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *simulator = vdi_demo_find_simulator ();
  StartData *data;

  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_demo_start_async);
  data = g_new0 (StartData, 1);
  data->demo = g_object_new (VDI_TYPE_DEMO, NULL);
  data->credentials = g_object_ref (credentials);
  g_task_set_task_data (task, data, (GDestroyNotify)start_data_free);

  if (simulator == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The provider simulator, vdi-provider-sim, is not installed"));
      return;
    }

  if (directory != NULL)
    data->demo->dir = g_strdup (directory);
  else
    data->demo->dir = g_dir_make_tmp ("vdi-console-demo-XXXXXX", &error);
  if (data->demo->dir == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->demo->farm_path = g_build_filename (data->demo->dir, "farm.json", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  data->demo->simulator = g_subprocess_launcher_spawn (launcher, &error, simulator,
                                                       "--scenario", "demo", NULL);
  if (data->demo->simulator == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (data->demo->simulator));
  g_data_input_stream_read_line_async (data->out, G_PRIORITY_DEFAULT, cancellable, line_cb,
                                       g_steal_pointer (&task));
}

VdiDemo *
vdi_demo_start_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
vdi_demo_get_farm_path (VdiDemo *self)
{
  g_return_val_if_fail (VDI_IS_DEMO (self), NULL);

  return self->farm_path;
}

guint
vdi_demo_get_n_providers (VdiDemo *self)
{
  g_return_val_if_fail (VDI_IS_DEMO (self), 0);

  return self->n_providers;
}

/**
 * vdi_demo_stop:
 *
 * Stops the simulator and removes the demo's farm. Safe to call more than once.
 */
void
vdi_demo_stop (VdiDemo *self)
{
  g_return_if_fail (VDI_IS_DEMO (self));

  if (self->simulator != NULL)
    {
      g_subprocess_send_signal (self->simulator, SIGTERM);
      g_subprocess_wait (self->simulator, NULL, NULL);
      g_clear_object (&self->simulator);
    }

  if (self->dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (self->dir, name, NULL);

          g_remove (path);
        }
      g_rmdir (self->dir);
      g_clear_pointer (&self->dir, g_free);
    }
}
