/* test-secret.c: secrets are wiped before their memory is given back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vdi-core.h"

/* Every byte of the secret becomes zero; the bytes after its terminator are not its own. */
static void
test_wipe (void)
{
  char buffer[] = "hunter2\0tail";

  vdi_secret_wipe (buffer);

  for (gsize i = 0; i < strlen ("hunter2"); i++)
    g_assert_cmpint (buffer[i], ==, 0);
  g_assert_cmpstr (buffer + strlen ("hunter2") + 1, ==, "tail");

  /* An empty secret and no secret at all are fine too. */
  vdi_secret_wipe (buffer);
  vdi_secret_wipe (NULL);
}

/* A wiped heap copy reads as empty before it is freed; freeing NULL is a no-op. */
static void
test_free (void)
{
  char *secret = g_strdup ("correct horse battery staple");
  gsize len = strlen (secret);

  vdi_secret_wipe (secret);
  g_assert_cmpstr (secret, ==, "");
  for (gsize i = 0; i < len; i++)
    g_assert_cmpint (secret[i], ==, 0);
  vdi_secret_free (secret);
  vdi_secret_free (NULL);
}

/* g_autoptr(VdiSecret) and g_clear_pointer () free through vdi_secret_free(), so a leak
 * checker (the ASan build) sees nothing left behind. */
static void
test_cleanup (void)
{
  char *held = g_strdup ("pw");

  {
    g_autoptr(VdiSecret) password = g_strdup ("s3cret");

    g_assert_cmpstr (password, ==, "s3cret");
  }

  g_clear_pointer (&held, vdi_secret_free);
  g_assert_null (held);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret/wipe", test_wipe);
  g_test_add_func ("/secret/free", test_free);
  g_test_add_func ("/secret/cleanup", test_cleanup);

  return g_test_run ();
}
