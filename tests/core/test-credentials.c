/* test-credentials.c: passwords go to the Secret Service, or stay in memory without one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-core.h"
#include "vdi-test-keyring.h"

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

/* A real Secret Service: gnome-keyring on this test's own session bus (meson runs this test
 * under dbus-run-session, and g_test_init gives it private XDG folders for the keyring). */
static void
test_secret_service (void)
{
  GSubprocess *daemon = vdi_test_keyring_start ();
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *keyring = NULL;

  if (daemon == NULL)
    return;

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

  vdi_test_keyring_stop (daemon);
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
