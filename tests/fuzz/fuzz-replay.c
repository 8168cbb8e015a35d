/* fuzz-replay.c: a libFuzzer target's entry point, built without libFuzzer, run on saved inputs:
 * every input a fuzzer once crashed on (tests/fuzz/regressions) and the seed corpus (the golden
 * XML of tests/providers/data), one test case each, so that `meson test` keeps them fixed.
 * tests/fuzz/run.sh does the fuzzing itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
replay (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const guint8 *)contents, length), ==, 0);
}

/* Adds a test case "/replay/@label/FILE" for each file in @dir whose name ends with @suffix;
 * returns how many. */
static guint
add_inputs (const char *dir,
            const char *label,
            const char *suffix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, suffix))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/replay/%s/%s", label, file);

      g_test_add_data_func_full (test_path, g_build_filename (dir, file, NULL), replay, g_free);
    }
  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *regressions = NULL;
  g_autofree char *seeds = NULL;

  g_test_init (&argc, &argv, NULL);

  regressions = g_test_build_filename (G_TEST_DIST, "fuzz", "regressions", NULL);
  seeds = g_test_build_filename (G_TEST_DIST, "providers", "data", NULL);
  add_inputs (regressions, "regressions", "");
  g_assert_cmpuint (add_inputs (seeds, "seeds", ".xml"), >, 0);

  return g_test_run ();
}
