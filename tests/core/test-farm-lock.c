/* test-farm-lock.c: one process at a time works on a farm, and a dead one never blocks it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "vdi-farm-lock.h"

/* This program, run again as the holder of test_killed_holder. */
static const char *self_path;

typedef struct
{
  char *dir;
  char *farm;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("farm-lock-XXXXXX", &error);
  g_assert_no_error (error);
  /* In a folder that does not exist yet, as on a first run. */
  fixture->farm = g_build_filename (fixture->dir, "sub", "farm.json", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *lock = g_strconcat (fixture->farm, ".lock", NULL);
  g_autofree char *sub = g_path_get_dirname (fixture->farm);

  g_remove (lock);
  g_rmdir (sub);
  g_rmdir (fixture->dir);
  g_free (fixture->farm);
  g_free (fixture->dir);
}

static void
test_lock_in_process (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiFarmLock) second = NULL;
  g_autoptr(VdiFarmLock) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *program = NULL;
  GPid pid = 0;

  g_assert_false (vdi_farm_lock_query_holder (fixture->farm, NULL, NULL));

  lock = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  g_assert_true (g_str_has_suffix (vdi_farm_lock_get_path (lock), "farm.json.lock"));

  g_assert_true (vdi_farm_lock_query_holder (fixture->farm, &program, &pid));
  g_assert_cmpstr (program, ==, g_get_prgname ());
  g_assert_cmpint (pid, ==, getpid ());

  /* The lock belongs to the open file, not the process: a second taker here is refused too. */
  second = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_null (second);
  g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
  expected = g_strdup_printf ("The farm is in use by %s (process %d)", g_get_prgname (),
                              (int)getpid ());
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  vdi_farm_lock_release (lock);
  g_assert_false (vdi_farm_lock_query_holder (fixture->farm, NULL, NULL));
  again = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

/* Runs in a child process (g_test_trap_subprocess): tries the lock the parent holds. */
static void
test_child_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(VdiFarmLock) lock = NULL;
      g_autoptr(GError) error = NULL;

      lock = vdi_farm_lock_acquire (g_getenv ("FARM_LOCK_TEST_FARM"), &error);
      g_assert_null (lock);
      g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
      g_print ("%s\n", error->message);
      return;
    }
  else
    {
      g_autoptr(VdiFarmLock) lock = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      lock = vdi_farm_lock_acquire (fixture->farm, &error);
      g_assert_no_error (error);

      g_setenv ("FARM_LOCK_TEST_FARM", fixture->farm, TRUE);
      g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      expected = g_strdup_printf ("*The farm is in use by %s (process %d)*", g_get_prgname (),
                                  (int)getpid ());
      g_test_trap_assert_stdout (expected);
    }
}

/* A holder killed with SIGKILL cannot clean up; the kernel drops its lock. */
static void
test_killed_holder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(VdiFarmLock) refused = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             self_path, "--hold", fixture->farm, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  /* The holder says when it has the lock; if it dies instead, this reads the end of file. */
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");

  refused = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_null (refused);
  expected = g_strdup_printf ("(process %s)", g_subprocess_get_identifier (holder));
  g_assert_error (error, VDI_FARM_LOCK_ERROR, VDI_FARM_LOCK_ERROR_HELD);
  g_assert_nonnull (strstr (error->message, "test-farm-lock"));
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  g_subprocess_send_signal (holder, SIGKILL);
  g_subprocess_wait (holder, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (holder));
  g_assert_cmpint (g_subprocess_get_term_sig (holder), ==, SIGKILL);

  g_assert_false (vdi_farm_lock_query_holder (fixture->farm, NULL, NULL));
  lock = vdi_farm_lock_acquire (fixture->farm, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
}

/* The holder used by test_killed_holder: takes the lock, says so, and waits to be killed
 * (for at most a minute, so a broken test leaves nothing running). */
static int
hold (const char *farm)
{
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(GError) error = NULL;

  lock = vdi_farm_lock_acquire (farm, &error);
  if (lock == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("locked\n");
  fflush (stdout);
  g_usleep (60 * G_USEC_PER_SEC);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--hold"))
    {
      g_set_prgname ("test-farm-lock");
      return hold (argv[2]);
    }

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-farm-lock");

  g_test_add ("/farm-lock/in-process", Fixture, NULL, fixture_setup, test_lock_in_process,
              fixture_teardown);
  g_test_add ("/farm-lock/child-refused", Fixture, NULL, fixture_setup, test_child_refused,
              fixture_teardown);
  g_test_add ("/farm-lock/killed-holder", Fixture, NULL, fixture_setup, test_killed_holder,
              fixture_teardown);

  return g_test_run ();
}
