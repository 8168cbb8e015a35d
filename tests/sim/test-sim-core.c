/* test-sim-core.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Scenarios, loopback-only binds and the program itself (endpoints line, exit codes). */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "sim-test-util.h"

static void
test_demo_scenario (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimWorld) world = vdi_sim_scenario_load_data (vdi_sim_scenario_get_demo (), -1, 0, &error);
  GPtrArray *providers;
  guint hyperv = 0, clusters = 0, vcenters = 0;
  gboolean v7 = FALSE, v8 = FALSE;

  g_assert_no_error (error);
  providers = vdi_sim_world_get_providers (world);
  for (guint i = 0; i < providers->len; i++)
    {
      VdiSimProvider *provider = g_ptr_array_index (providers, i);

      if (provider->kind == VDI_SIM_PROVIDER_HYPERV)
        {
          hyperv++;
          clusters += g_str_equal (provider->subtype, "hyperv-failover-cluster");
          g_assert_cmpuint (provider->vms->len, >, 0);
        }
      else
        {
          gboolean inaccessible = FALSE, nearly_full = FALSE;

          vcenters++;
          v7 |= g_str_equal (provider->subtype, "vcenter-7");
          v8 |= g_str_equal (provider->subtype, "vcenter-8");
          g_assert_cmpuint (provider->esx_hosts->len, >=, 2);
          g_assert_cmpuint (provider->datastores->len, >=, 3);
          for (guint j = 0; j < provider->datastores->len; j++)
            {
              VdiSimDatastore *ds = g_ptr_array_index (provider->datastores, j);

              inaccessible |= !ds->accessible;
              nearly_full |= ds->free < ds->capacity / 20;
            }
          g_assert_true (inaccessible && nearly_full);
        }
    }
  g_assert_cmpuint (hyperv, >=, 5);
  g_assert_cmpuint (clusters, >=, 1);
  g_assert_cmpuint (vcenters, ==, 2);
  g_assert_true (v7 && v8);

  /* A 40 GB copy at the demo's 1 Gbit/s takes 20 to 60 real seconds. */
  {
    double seconds = 40.0 * VDI_SIM_GIB / vdi_sim_mbps_to_bytes (1000) / vdi_sim_clock_get_time_scale (vdi_sim_world_get_clock (world));

    g_assert_cmpfloat (seconds, >=, 20);
    g_assert_cmpfloat (seconds, <=, 60);
  }
}

static void
expect_scenario_error (const char *json,
                       int         code,
                       const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimWorld) world = vdi_sim_scenario_load_data (json, -1, 0, &error);

  g_assert_null (world);
  g_assert_error (error, VDI_SIM_SCENARIO_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, fragment);
}

static void
test_scenario_errors (void)
{
  /* Syntax errors carry line and column. */
  expect_scenario_error ("{\n  \"hyperv_hosts\": [\n    { \"name\": \"a\", }\n  ]\n}", VDI_SIM_SCENARIO_ERROR_SYNTAX, "at line 3, column ");
  expect_scenario_error ("[1, 2]", VDI_SIM_SCENARIO_ERROR_INVALID, "top level");
  expect_scenario_error ("{}", VDI_SIM_SCENARIO_ERROR_INVALID, "no provider");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"colour\": 1}]}", VDI_SIM_SCENARIO_ERROR_INVALID, "hyperv_hosts[0]: unknown member \"colour\"");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"subtype\": \"hyperv-2008\"}]}", VDI_SIM_SCENARIO_ERROR_INVALID, "unknown subtype");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\"}, {\"name\": \"A\"}]}", VDI_SIM_SCENARIO_ERROR_INVALID, "duplicate provider");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"vms\": [{\"name\": \"v\", \"disk_gb\": \"big\"}]}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "hyperv_hosts[0].vms[0]: \"disk_gb\" must be a number");
  expect_scenario_error ("{\"vcenters\": [{\"name\": \"vc\", \"hosts\": [\"h\"], \"datastores\": [{\"name\": \"d\", \"capacity_gb\": 10, \"free_gb\": 20}]}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "exceeds");
  expect_scenario_error ("{\"vcenters\": [{\"name\": \"vc\", \"hosts\": [\"h\"], \"datastores\": [{\"name\": \"d\", \"capacity_gb\": 10}],"
                         " \"vms\": [{\"name\": \"v\", \"disk_gb\": 1, \"datastore\": \"nope\"}]}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "unknown datastore \"nope\"");
  expect_scenario_error ("{\"vcenters\": [{\"name\": \"vc\", \"version\": \"5.5\", \"hosts\": [\"h\"]}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "unknown subtype");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"live_migration\": {\"enabled\": 1}}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID,
                         "hyperv_hosts[0].live_migration: \"enabled\" must be true or false");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"live_migration\": {\"authentication\": \"ntlm\"}}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "\"credssp\" or \"kerberos\"");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"live_migration\": {\"max_migrations\": -1}}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "\"max_migrations\" must be a whole number");
  expect_scenario_error ("{\"hyperv_hosts\": [{\"name\": \"a\", \"live_migration\": {\"on\": true}}]}",
                         VDI_SIM_SCENARIO_ERROR_INVALID, "unknown member \"on\"");

  /* A valid one is the host's, and the inventory shows it. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VdiSimWorld) world = vdi_sim_scenario_load_data (
      "{\"hyperv_hosts\": [{\"name\": \"a\", \"live_migration\": {\"enabled\": false, "
      "\"authentication\": \"credssp\", \"max_migrations\": 3, \"max_storage_migrations\": 1}}, "
      "{\"name\": \"b\"}]}", -1, 0, &error);
    g_autoptr(JsonNode) inventory = NULL;
    JsonArray *providers;
    JsonObject *a, *b;

    g_assert_no_error (error);
    inventory = vdi_sim_world_inventory_json (world);
    providers = json_object_get_array_member (json_node_get_object (inventory), "providers");
    a = json_object_get_object_member (json_array_get_object_element (providers, 0), "live_migration");
    b = json_object_get_object_member (json_array_get_object_element (providers, 1), "live_migration");
    g_assert_false (json_object_get_boolean_member (a, "enabled"));
    g_assert_cmpstr (json_object_get_string_member (a, "authentication"), ==, "credssp");
    g_assert_cmpint (json_object_get_int_member (a, "max_migrations"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (a, "max_storage_migrations"), ==, 1);
    /* The default: enabled, Kerberos, two of each. */
    g_assert_true (json_object_get_boolean_member (b, "enabled"));
    g_assert_cmpstr (json_object_get_string_member (b, "authentication"), ==, "kerberos");
    g_assert_cmpint (json_object_get_int_member (b, "max_migrations"), ==, 2);
  }
}

static void
test_loopback_only (void)
{
  static const char *refused[] = { "0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "127.0.0.2", "example.com", "" };
  static const char *accepted[] = { "127.0.0.1", "::1" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) start_error = NULL;
      g_autoptr(VdiSimWorld) world = vdi_sim_scenario_load_data ("{\"hyperv_hosts\": [{\"name\": \"a\"}]}", -1, 0, &error);
      g_autoptr(VdiSimSimulator) simulator = NULL;

      g_assert_no_error (error);
      g_assert_false (vdi_sim_check_bind_address (refused[i], &error));
      g_assert_nonnull (error);

      /* Neither the providers nor the control endpoint come up. */
      simulator = vdi_sim_simulator_new (world, refused[i], 0);
      g_assert_false (vdi_sim_simulator_start (simulator, &start_error));
      g_assert_nonnull (start_error);
      g_assert_null (vdi_sim_simulator_get_server (simulator, g_ptr_array_index (vdi_sim_world_get_providers (world), 0)));
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vdi_sim_check_bind_address (accepted[i], &error));
      g_assert_no_error (error);
    }

  /* A server asked directly for a LAN address refuses too. */
  {
    g_autoptr(VdiSimServer) server = vdi_sim_server_new ("0.0.0.0", 0, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (vdi_sim_server_start (server, &error));
    g_assert_error (error, VDI_SIM_SERVER_ERROR, VDI_SIM_SERVER_ERROR_NOT_LOOPBACK);
  }
}

static const char *
program (void)
{
  const char *path = g_getenv ("VDI_PROVIDER_SIM");

  if (path == NULL)
    g_test_skip ("VDI_PROVIDER_SIM is not set");
  return path;
}

static void
run_expecting_exit (const char *const *argv,
                    int                 expected_status,
                    const char         *stderr_fragment)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, expected_status);
  if (strstr (err, stderr_fragment) == NULL)
    g_error ("stderr \"%s\" does not mention \"%s\"", err, stderr_fragment);
  g_assert_cmpstr (out, ==, "");
}

static void
test_program_refuses (void)
{
  const char *exe = program ();
  g_autofree char *dir = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GError) error = NULL;

  if (exe == NULL)
    return;

  {
    const char *argv[] = { exe, "--bind", "0.0.0.0", NULL };

    run_expecting_exit (argv, 2, "only listens on the loopback");
  }
  {
    const char *argv[] = { exe, "--bind", "192.168.0.10", NULL };

    run_expecting_exit (argv, 2, "Refusing to listen on 192.168.0.10");
  }

  dir = g_dir_make_tmp ("vdi-sim-test-XXXXXX", &error);
  g_assert_no_error (error);
  bad = g_build_filename (dir, "bad.json", NULL);
  g_file_set_contents (bad, "{\n  \"hyperv_hosts\": [\n    { \"name\": \"a\" \n  ]\n}\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { exe, "--scenario", bad, NULL };

    run_expecting_exit (argv, 2, "bad.json: Malformed scenario at line 3, column ");
  }
  g_unlink (bad);
  g_rmdir (dir);
}

typedef struct
{
  GString *out;
  gboolean have_line;
  gboolean exited;
  int      status;
  guint    watch;
} ChildData;

static gboolean
read_stdout_cb (GIOChannel   *channel,
                GIOCondition  condition,
                gpointer      user_data)
{
  ChildData *data = user_data;
  char buffer[4096];
  gsize read = 0;
  GIOStatus status = g_io_channel_read_chars (channel, buffer, sizeof buffer, &read, NULL);

  g_string_append_len (data->out, buffer, read);
  if (strchr (data->out->str, '\n') != NULL)
    data->have_line = TRUE;
  if (status == G_IO_STATUS_NORMAL || status == G_IO_STATUS_AGAIN)
    return G_SOURCE_CONTINUE;
  data->watch = 0;
  return G_SOURCE_REMOVE;
}

static void
child_exit_cb (GPid     pid,
               int      status,
               gpointer user_data)
{
  ChildData *data = user_data;

  data->status = status;
  data->exited = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
have_line (gpointer user_data)
{
  return ((ChildData *) user_data)->have_line;
}

static gboolean
has_exited (gpointer user_data)
{
  return ((ChildData *) user_data)->exited;
}

static void
test_program_endpoints (void)
{
  const char *exe = program ();
  g_autofree char *dir = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *endpoints = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GIOChannel) channel = NULL;
  ChildData data = { g_string_new (NULL), FALSE, FALSE, 0, 0 };
  JsonObject *root;
  JsonArray *providers;
  GPid pid;
  int out_fd;

  if (exe == NULL)
    return;

  dir = g_dir_make_tmp ("vdi-sim-test-XXXXXX", &error);
  g_assert_no_error (error);
  scenario = g_build_filename (dir, "scenario.json", NULL);
  endpoints = g_build_filename (dir, "endpoints.json", NULL);
  g_file_set_contents (scenario,
                       "{ \"time_scale\": 5, \"hyperv_hosts\": [ { \"name\": \"hv-1\", \"user\": \"u\", \"password\": \"p\" } ],"
                       "  \"vcenters\": [ { \"name\": \"vc-1\", \"version\": \"6.7\", \"user\": \"root\", \"password\": \"pw\","
                       "    \"hosts\": [\"esx\"], \"datastores\": [ { \"name\": \"ds\", \"capacity_gb\": 100 } ] } ] }", -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { exe, "--scenario", scenario, "--bind", "127.0.0.1", "--endpoints-file", endpoints, NULL };

    g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                              NULL, &out_fd, NULL, &error);
    g_assert_no_error (error);
  }
  g_child_watch_add (pid, child_exit_cb, &data);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_set_flags (channel, G_IO_FLAG_NONBLOCK, NULL);
  data.watch = g_io_add_watch (channel, G_IO_IN | G_IO_HUP, read_stdout_cb, &data);

  sim_wait_until (have_line, &data, SIM_TEST_TIMEOUT_MS, "the endpoints line");
  g_assert_cmpint (strchr (data.out->str, '\n') - data.out->str, ==, (int) data.out->len - 1);

  json_parser_load_from_data (parser, data.out->str, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (root, "control"), "http://127.0.0.1:"));
  providers = json_object_get_array_member (root, "providers");
  g_assert_cmpuint (json_array_get_length (providers), ==, 2);
  {
    JsonObject *hv = json_array_get_object_element (providers, 0);
    JsonObject *vc = json_array_get_object_element (providers, 1);

    g_assert_cmpstr (json_object_get_string_member (hv, "name"), ==, "hv-1");
    g_assert_cmpstr (json_object_get_string_member (hv, "type"), ==, "hyperv");
    g_assert_cmpstr (json_object_get_string_member (hv, "subtype"), ==, "hyperv-standalone");
    g_assert_true (g_str_has_suffix (json_object_get_string_member (hv, "url"), "/wsman"));
    g_assert_cmpstr (json_object_get_string_member (hv, "user"), ==, "u");
    g_assert_cmpstr (json_object_get_string_member (hv, "password"), ==, "p");
    g_assert_cmpstr (json_object_get_string_member (vc, "type"), ==, "vcenter");
    g_assert_cmpstr (json_object_get_string_member (vc, "subtype"), ==, "vcenter-6.7");
    g_assert_true (g_str_has_suffix (json_object_get_string_member (vc, "url"), "/sdk"));
  }

  g_file_get_contents (endpoints, &written, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, data.out->str);

  /* SIGTERM ends it cleanly. */
  kill (pid, SIGTERM);
  sim_wait_until (has_exited, &data, SIM_TEST_TIMEOUT_MS, "the simulator to exit");
  g_assert_true (WIFEXITED (data.status));
  g_assert_cmpint (WEXITSTATUS (data.status), ==, 0);

  g_clear_handle_id (&data.watch, g_source_remove);
  g_string_free (data.out, TRUE);
  g_unlink (scenario);
  g_unlink (endpoints);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/core/demo-scenario", test_demo_scenario);
  g_test_add_func ("/sim/core/scenario-errors", test_scenario_errors);
  g_test_add_func ("/sim/core/loopback-only", test_loopback_only);
  g_test_add_func ("/sim/core/program-refuses", test_program_refuses);
  g_test_add_func ("/sim/core/program-endpoints", test_program_endpoints);

  return g_test_run ();
}
