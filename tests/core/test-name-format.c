/* test-name-format.c: host name formats as RAS defines them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-core.h"

static void
assert_expands (const char *format,
                guint       index,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vdi_name_format_expand_string (format, index, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, expected);
}

static void
assert_invalid (const char *format,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiNameFormat) parsed = vdi_name_format_parse (format, &error);

  g_assert_null (parsed);
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s”: expected a message containing “%s”, got “%s”",
             format, message_part, error->message);
}

static void
test_expand (void)
{
  /* The examples of the RAS documentation. */
  assert_expands ("VDI-%ID:3%", 0, "VDI-001");
  assert_expands ("VDI-%ID:3%", 998, "VDI-999");
  assert_expands ("A%ID:3:200%", 0, "A200");
  assert_expands ("VDI-R1-%ID:3:100%", 0, "VDI-R1-100");
  assert_expands ("VDI-R1-%ID:3:100%", 5, "VDI-R1-105");
  assert_expands ("Win10-%ID:3%", 41, "Win10-042");
  /* No padding, and the pattern in the middle. */
  assert_expands ("Lab%ID:0%", 0, "Lab1");
  assert_expands ("Lab%ID:0%", 99, "Lab100");
  assert_expands ("pc%ID:2:0%-w", 7, "pc07-w");
}

static void
test_capacity (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiNameFormat) three = vdi_name_format_parse ("VDI-%ID:3%", &error);
  g_autoptr(VdiNameFormat) from200 = vdi_name_format_parse ("A%ID:3:200%", &error);
  g_autoptr(VdiNameFormat) unpadded = vdi_name_format_parse ("ABCDEFGHIJKLM%ID:0%", &error);
  g_autofree char *last = NULL;
  g_autofree char *none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (vdi_name_format_get_capacity (three), ==, 999);
  g_assert_cmpuint (vdi_name_format_get_capacity (from200), ==, 800);
  /* 13 characters leave two digits under the 15-character limit: 1 to 99. */
  g_assert_cmpuint (vdi_name_format_get_capacity (unpadded), ==, 99);

  last = vdi_name_format_expand (three, 998, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last, ==, "VDI-999");

  none = vdi_name_format_expand (three, 999, &error);
  g_assert_null (none);
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT);
  g_clear_error (&error);

  g_assert_true (vdi_name_format_validate ("VDI-%ID:2%", 99, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_name_format_validate ("VDI-%ID:2%", 100, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT);
  g_assert_nonnull (strstr (error->message, "99"));
}

static void
test_invalid (void)
{
  assert_invalid ("", "Enter a host name format");
  assert_invalid ("VDI-", "needs the pattern");
  assert_invalid ("%ID:3%", "start with a letter");
  assert_invalid ("1VDI-%ID:3%", "start with a letter");
  assert_invalid ("-VDI%ID:3%", "start with a letter");
  assert_invalid ("VDI_%ID:3%", "“_” is not allowed");
  assert_invalid ("VDI %ID:3%", "“ ” is not allowed");
  assert_invalid ("VDI-%ID:3%.x", "“.” is not allowed");
  assert_invalid ("Vé-%ID:3%", "“é” is not allowed");
  assert_invalid ("A%ID:2%B%ID:2%", "only once");
  assert_invalid ("A%ID%", "needs the pattern");
  assert_invalid ("A%ID:%", "must be %ID:N%");
  assert_invalid ("A%ID:x%", "must be %ID:N%");
  assert_invalid ("A%ID:3:%", "must be %ID:N%");
  assert_invalid ("A%ID:3", "must be %ID:N%");
  assert_invalid ("A%ID:3:5:7%", "must be %ID:N%");
  assert_invalid ("A%ID:3%%", "“%” is not allowed");
  assert_invalid ("LongPrefix-%ID:5%", "16 characters");
  assert_invalid ("ABCDEFGHIJKLMNO%ID:0%", "16 characters");
  assert_invalid ("A%ID:2:100%", "does not fit in 2 digits");
}

static void
test_boundary_length (void)
{
  g_autoptr(GError) error = NULL;

  /* Exactly 15 characters is allowed. */
  g_assert_true (vdi_name_format_validate ("ABCDEFGHIJK%ID:4%", 0, &error));
  g_assert_no_error (error);
  assert_expands ("ABCDEFGHIJK%ID:4%", 0, "ABCDEFGHIJK0001");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/name-format/expand", test_expand);
  g_test_add_func ("/core/name-format/capacity", test_capacity);
  g_test_add_func ("/core/name-format/invalid", test_invalid);
  g_test_add_func ("/core/name-format/boundary-length", test_boundary_length);

  return g_test_run ();
}
