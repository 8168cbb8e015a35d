/* vdi-test-keyring.c: a real Secret Service for tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "vdi-test-keyring.h"

typedef struct
{
  GMainLoop *loop;
  gboolean   appeared;
} WaitData;

static void
name_appeared_cb (GDBusConnection *bus,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  WaitData *data = user_data;

  data->appeared = TRUE;
  g_main_loop_quit (data->loop);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  WaitData *data = user_data;

  g_main_loop_quit (data->loop);
  return G_SOURCE_REMOVE;
}

/* Waits (at most 20 s) for @name to appear on @bus. */
static gboolean
wait_for_name (GDBusConnection *bus,
               const char      *name)
{
  WaitData data = { g_main_loop_new (NULL, FALSE), FALSE };
  guint watch = g_bus_watch_name_on_connection (bus, name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                name_appeared_cb, NULL, &data, NULL);
  guint timeout = g_timeout_add_seconds (20, wait_timeout_cb, &data);

  g_main_loop_run (data.loop);

  g_bus_unwatch_name (watch);
  if (!data.appeared)
    timeout = 0;
  g_clear_handle_id (&timeout, g_source_remove);
  g_main_loop_unref (data.loop);
  return data.appeared;
}

GSubprocess *
vdi_test_keyring_start (void)
{
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--unlock",
                         "--components=secrets", NULL };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GBytes) password = g_bytes_new_static ("test-keyring", 12);
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs gnome-keyring-daemon and a private session bus "
                   "(run through meson test)");
      return NULL;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  /* g_test_init() pointed the XDG folders at private, not yet existing, ones. */
  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  daemon = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_output_stream_write_bytes (g_subprocess_get_stdin_pipe (daemon), password, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (daemon), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_name (bus, "org.freedesktop.secrets"));
  return g_steal_pointer (&daemon);
}

void
vdi_test_keyring_stop (GSubprocess *daemon)
{
  if (daemon == NULL)
    return;
  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
  g_object_unref (daemon);
}
