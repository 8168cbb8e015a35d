/* test-credentials.c: passwords go to the Secret Service, or stay in memory without one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-core.h"

static void
test_memory (void)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;

  g_assert_false (vdi_credentials_get_secret_service_available (credentials));
  g_assert_true (vdi_credentials_store_sync (credentials, "p1", "hv-01", "pw-1", NULL, &error));
  g_assert_no_error (error);

  found = vdi_credentials_lookup_sync (credentials, "p1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "pw-1");

  g_assert_true (vdi_credentials_clear_sync (credentials, "p1", NULL, &error));
  gone = vdi_credentials_lookup_sync (credentials, "p1", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
}

/* With no session bus at all, the password is kept for the session and the store says so. */
static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(VdiCredentials) credentials = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *found = NULL;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vdi-test-bus", TRUE);
      credentials = vdi_credentials_new (TRUE);

      g_assert_true (vdi_credentials_store_sync (credentials, "p1", "hv-01", "pw-1",
                                                 NULL, &error));
      g_assert_no_error (error);
      g_assert_false (vdi_credentials_get_secret_service_available (credentials));

      found = vdi_credentials_lookup_sync (credentials, "p1", NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, "pw-1");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

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

/* A real Secret Service: gnome-keyring on this test's own session bus (meson runs this test
 * under dbus-run-session, and g_test_init gives it private XDG folders for the keyring). */
static void
test_secret_service (void)
{
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--unlock",
                         "--components=secrets", NULL };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GBytes) password = g_bytes_new_static ("test-keyring", 12);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *keyring = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs gnome-keyring-daemon and a private session bus "
                   "(run through meson test)");
      return;
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

  credentials = vdi_credentials_new (TRUE);
  g_assert_true (vdi_credentials_store_sync (credentials, "provider-42", "hv-42", "s3cret",
                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_credentials_get_secret_service_available (credentials));

  /* Another store object (another console session) finds it in the keyring. */
  {
    g_autoptr(VdiCredentials) other = vdi_credentials_new (TRUE);

    found = vdi_credentials_lookup_sync (other, "provider-42", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, "s3cret");
  }

  /* The keyring file is on disk; the password is not readable in it. */
  keyring = g_build_filename (g_get_user_data_dir (), "keyrings", "login.keyring", NULL);
  g_assert_true (g_file_test (keyring, G_FILE_TEST_IS_REGULAR));

  g_assert_true (vdi_credentials_clear_sync (credentials, "provider-42", NULL, &error));
  g_assert_no_error (error);
  gone = vdi_credentials_lookup_sync (credentials, "provider-42", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/core/credentials/memory", test_memory);
  g_test_add_func ("/core/credentials/no-service", test_no_service);
  g_test_add_func ("/core/credentials/secret-service", test_secret_service);

  return g_test_run ();
}
