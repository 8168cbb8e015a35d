/* test-farm-pg-secret.c: the password of a shared farm, through a real Secret Service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-core.h"
#include "vdi-test-farm.h"
#include "vdi-test-keyring.h"
#include "vdi-test-pg.h"

#define PASSWORD "correct-horse-7"

/* vdictl farm password keeps it in the keyring; another vdictl, and this process, open the
 * farm with it. The server asks alice for a password (scram-sha-256). */
static void
test_secret_service (void)
{
  GSubprocess *keyring = vdi_test_keyring_start ();
  VdiTestPg *pg = NULL;
  g_autoptr(VdiFarm) source = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;

  if (keyring == NULL)
    return;
  pg = vdi_test_pg_start ("local all alice scram-sha-256\n");
  if (pg == NULL)
    {
      vdi_test_keyring_stop (keyring);
      return;
    }

  vdi_test_pg_exec (pg, "postgres", "CREATE ROLE alice LOGIN PASSWORD '" PASSWORD "';");
  vdi_test_pg_exec (pg, "postgres", "CREATE DATABASE alicefarm OWNER alice;");
  uri = vdi_test_pg_uri (pg, "alice", "alicefarm");
  dir = vdi_test_make_tmpdir ();
  json = g_build_filename (dir, "farm.json", NULL);
  source = vdi_test_farm_generate (json, 15, 12);
  g_assert_true (vdi_farm_save (source, &error));
  g_assert_no_error (error);

  /* Not stored yet: refused, saying what to do. */
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err, "--farm", uri, "farm", "import", json, NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "vdictl farm password"));

  g_assert_cmpint (vdi_test_run_vdictl (PASSWORD "\n", &err2, "farm", "password", uri,
                                        "--password-stdin", NULL), ==, 0);
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err3, "--farm", uri, "farm", "import", json, NULL),
                   ==, 0);
  g_assert_cmpint (vdi_test_run_vdictl (NULL, &err4, "--farm", uri, "template", "list", NULL),
                   ==, 0);

  farm = vdi_farm_new (uri);
  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 12);

  vdi_test_pg_stop (pg);
  vdi_test_rm_rf (dir);
  vdi_test_keyring_stop (keyring);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/farm-pg/secret-service", test_secret_service);

  return g_test_run ();
}
