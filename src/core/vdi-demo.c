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
  VdiDemo          *demo;
  VdiCredentials   *credentials;
  GDataInputStream *out;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->demo);
  g_clear_object (&data->credentials);
  g_clear_object (&data->out);
  g_free (data);
}

/* Turns the simulator's endpoints line into a farm of providers with their passwords. */
static gboolean
write_farm (VdiDemo         *self,
            VdiCredentials  *credentials,
            const char      *line,
            GError         **error)
{
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

  return vdi_farm_save (farm, error);
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (line == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The provider simulator stopped before it started"));
      vdi_demo_stop (data->demo);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!write_farm (data->demo, data->credentials, line, &error))
    {
      vdi_demo_stop (data->demo);
      g_prefix_error (&error, _("Could not set up the demo: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (data->demo), g_object_unref);
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
