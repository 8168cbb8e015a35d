/* test-sim-bandwidth.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Ten concurrent migrations from ten hosts into one: each gets a fair share of the
 * destination's download, the whole takes total bytes / download bandwidth, and the
 * simulator records the peaks. Expectations are computed from the scenario, in simulated
 * time; wall-clock bounds are only generous safety nets. */

#include "config.h"

#include <math.h>

#include "sim-test-util.h"

#define V2 "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define N_SOURCES 10
#define DISK_GB 20.0
#define UP_MBPS 10000.0
#define DOWN_MBPS 1000.0
#define TIME_SCALE 400.0

static char *
build_scenario (void)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{ \"time_scale\": %g, \"hyperv_hosts\": [", TIME_SCALE);
  for (guint i = 0; i < N_SOURCES; i++)
    g_string_append_printf (s, "{ \"name\": \"src-%02u\", \"user\": \"u\", \"password\": \"p\", \"up_mbps\": %g, \"down_mbps\": %g,"
                               " \"vms\": [ { \"name\": \"vm\", \"disk_gb\": %g, \"state\": \"off\" } ] },",
                            i, UP_MBPS, DOWN_MBPS, DISK_GB);
  g_string_append_printf (s, "{ \"name\": \"sink\", \"user\": \"u\", \"password\": \"p\", \"up_mbps\": %g, \"down_mbps\": %g } ] }",
                          UP_MBPS, DOWN_MBPS);
  return g_string_free (s, FALSE);
}

static char *
migrate_envelope_to (const char *vm,
                     const char *destination)
{
  return g_strdup_printf (
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\""
    " xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>"
    "<a:To>http://windows-host:5985/wsman</a:To>"
    "<w:ResourceURI s:mustUnderstand=\"true\">" V2 "Msvm_VirtualSystemMigrationService</w:ResourceURI>"
    "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"
    "<a:Action s:mustUnderstand=\"true\">" V2 "Msvm_VirtualSystemMigrationService/MigrateVirtualSystemToHost</a:Action>"
    "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">153600</w:MaxEnvelopeSize>"
    "<a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID>"
    "<w:OperationTimeout>PT60S</w:OperationTimeout>"
    "<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_VirtualSystemMigrationService</w:Selector></w:SelectorSet>"
    "</s:Header><s:Body>"
    "<p:MigrateVirtualSystemToHost_INPUT xmlns:p=\"" V2 "Msvm_VirtualSystemMigrationService\">"
    "<p:ComputerSystem><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>"
    "<a:ReferenceParameters><w:ResourceURI>" V2 "Msvm_ComputerSystem</w:ResourceURI>"
    "<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector><w:Selector Name=\"Name\">%s</w:Selector></w:SelectorSet>"
    "</a:ReferenceParameters></p:ComputerSystem>"
    "<p:DestinationHost>%s</p:DestinationHost>"
    "<p:MigrationSettingData>&lt;INSTANCE CLASSNAME=\"Msvm_VirtualSystemMigrationSettingData\"&gt;&lt;PROPERTY NAME=\"MigrationType\" TYPE=\"uint16\"&gt;&lt;VALUE&gt;32771&lt;/VALUE&gt;&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;</p:MigrationSettingData>"
    "</p:MigrateVirtualSystemToHost_INPUT></s:Body></s:Envelope>", vm, destination);
}

static char *
migrate_envelope (const char *vm)
{
  return migrate_envelope_to (vm, "sink");
}

static gboolean
all_done (gpointer user_data)
{
  VdiSimWorld *world = user_data;
  GPtrArray *jobs = vdi_sim_world_get_jobs (world);
  guint done = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);

      if (job->kind == VDI_SIM_JOB_MIGRATE && job->state == VDI_SIM_JOB_COMPLETED)
        done++;
    }
  return done == N_SOURCES;
}

static void
test_ten_migrations (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *scenario = build_scenario ();
  g_autoptr(JsonNode) counters = NULL;
  JsonObject *providers;
  GPtrArray *jobs;
  double bytes_per_copy, down_rate, expected_rate, total_bytes, first_start = G_MAXDOUBLE, last_end = 0;
  gint64 wall_start;
  gint64 wall_elapsed_ms;

  sim_fixture_start (&fixture, scenario);
  sim_control_post (&fixture, "/counters/reset", "{}");

  /* Start all ten at (nearly) the same simulated instant: time almost stands still while
   * the requests go out, then runs at the test's scale. */
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 0.001}");
  for (guint i = 0; i < N_SOURCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("src-%02u", i);
      VdiSimProvider *source = vdi_sim_world_find_provider (fixture.world, name);
      VdiSimVm *vm = g_ptr_array_index (source->vms, 0);
      g_autofree char *url = sim_provider_url (&fixture, name);
      g_autofree char *xml = migrate_envelope (vm->id);
      g_autoptr(SimReply) reply = sim_post (fixture.session, url, "application/soap+xml;charset=UTF-8", xml, "u", "p", NULL);

      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_nonnull (strstr (sim_reply_text (reply), "<p:ReturnValue>4096</p:ReturnValue>"));
    }

  {
    g_autofree char *scale = g_strdup_printf ("{\"time_scale\": %g}", TIME_SCALE);

    wall_start = g_get_monotonic_time ();
    sim_control_post (&fixture, "/time-scale", scale);
  }

  /* Mid-way, every copy gets an equal share: down / 10 (the sources' uploads are 10x larger). */
  sim_sleep_ms (200);
  down_rate = vdi_sim_mbps_to_bytes (DOWN_MBPS);
  expected_rate = down_rate / N_SOURCES;
  jobs = vdi_sim_world_get_jobs (fixture.world);
  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);

      g_assert_cmpint (job->state, ==, VDI_SIM_JOB_RUNNING);
      g_assert_nonnull (job->flow);
      g_assert_cmpfloat_with_epsilon (job->flow->rate, expected_rate, expected_rate * 0.001);
    }

  sim_wait_until (all_done, fixture.world, 60000, "ten migrations");
  wall_elapsed_ms = (g_get_monotonic_time () - wall_start) / 1000;

  bytes_per_copy = jobs->len > 0 ? ((VdiSimJob *) g_ptr_array_index (jobs, 0))->total_bytes : 0;
  total_bytes = bytes_per_copy * N_SOURCES;
  g_assert_cmpfloat (bytes_per_copy, >=, DISK_GB * VDI_SIM_GIB);

  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);
      double duration = job->end_time - job->start_time;
      double effective = job->total_bytes / duration;

      first_start = MIN (first_start, job->start_time);
      last_end = MAX (last_end, job->end_time);
      /* Each copy ran at down/10 for its whole life: all equal, all together. */
      g_assert_cmpfloat (fabs (effective - expected_rate) / expected_rate, <, 0.01);
    }

  /* Makespan ≈ total bytes / destination download. */
  {
    double expected_makespan = total_bytes / down_rate;
    double makespan = last_end - first_start;
    double tick_slack = 0.05 * TIME_SCALE;

    g_test_message ("makespan %.1f s simulated, expected %.1f s; %" G_GINT64_FORMAT " ms real",
                    makespan, expected_makespan, wall_elapsed_ms);
    g_assert_cmpfloat (makespan, >=, expected_makespan * 0.99);
    g_assert_cmpfloat (makespan, <=, expected_makespan * 1.01 + tick_slack);
    /* Generous: expected real time is makespan / time scale (≈ 4.4 s). */
    g_assert_cmpint (wall_elapsed_ms, <, (gint64) (expected_makespan / TIME_SCALE * 1000 * 5 + 5000));
  }

  counters = sim_control_get (&fixture, "/counters");
  providers = json_object_get_object_member (json_node_get_object (counters), "providers");
  {
    JsonObject *sink = json_object_get_object_member (providers, "sink");

    g_assert_cmpint (json_object_get_int_member (sink, "peak_concurrent_migrations"), ==, N_SOURCES);
    g_assert_cmpint (json_object_get_int_member (sink, "peak_concurrent_migrations_in"), ==, N_SOURCES);
    g_assert_cmpint (json_object_get_int_member (sink, "concurrent_migrations"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (sink, "peak_concurrent_exports"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (sink, "peak_concurrent_migrations_out"), ==, 0);
    g_assert_cmpint (g_ptr_array_index (vdi_sim_world_find_provider (fixture.world, "sink")->vms, 0) != NULL, ==, TRUE);
    g_assert_cmpuint (vdi_sim_world_find_provider (fixture.world, "sink")->vms->len, ==, N_SOURCES);
  }
  for (guint i = 0; i < N_SOURCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("src-%02u", i);
      JsonObject *source = json_object_get_object_member (providers, name);
      JsonObject *requests = json_object_get_object_member (source, "requests");

      g_assert_cmpint (json_object_get_int_member (source, "peak_concurrent_migrations"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (requests, "MigrateVirtualSystemToHost"), ==, 1);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (source, "bytes_moved"), bytes_per_copy, 1.0);
    }
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_node_get_object (counters), "bytes_moved"),
                                  total_bytes, 10.0);
  {
    JsonArray *job_list = json_object_get_array_member (json_node_get_object (counters), "jobs");

    g_assert_cmpuint (json_array_get_length (job_list), ==, N_SOURCES);
    for (guint i = 0; i < N_SOURCES; i++)
      {
        JsonObject *job = json_array_get_object_element (job_list, i);

        g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "success");
        g_assert_cmpfloat (json_object_get_double_member (job, "duration"), >, 0);
      }
  }

  sim_fixture_stop (&fixture);
}

static void
test_fair_share_model (void)
{
  g_autoptr(VdiSimNetwork) network = vdi_sim_network_new ();
  VdiSimLink *a_up = vdi_sim_network_add_link (network, "a/up", 100);
  VdiSimLink *b_up = vdi_sim_network_add_link (network, "b/up", 100);
  VdiSimLink *c_down = vdi_sim_network_add_link (network, "c/down", 120);
  VdiSimLink *d_down = vdi_sim_network_add_link (network, "d/down", 1000);
  VdiSimFlow *f1, *f2, *f3;

  /* a's 100 is the tightest link: f1 and f3 get 50 each; f2 takes what is left of c: 70. */
  f1 = vdi_sim_network_add_flow (network, 600, NULL, a_up, c_down, NULL);
  f2 = vdi_sim_network_add_flow (network, 6000, NULL, b_up, c_down, NULL);
  f3 = vdi_sim_network_add_flow (network, 4000, NULL, a_up, d_down, NULL);
  g_assert_cmpfloat_with_epsilon (f1->rate, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (f2->rate, 70, 1e-9);
  g_assert_cmpfloat_with_epsilon (f3->rate, 50, 1e-9);

  /* After 12 s f1 is done; f2 then takes b's whole 100, f3 a's whole 100. */
  vdi_sim_network_advance (network, 12.0, NULL, NULL);
  g_assert_cmpuint (vdi_sim_network_get_n_flows (network), ==, 2);
  g_assert_cmpfloat_with_epsilon (f2->rate, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (f3->rate, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (f2->done, 840, 1e-6);

  /* Steps inside one long advance are exact: f3 needs (4000 - 600) / 100 = 34 s. */
  vdi_sim_network_advance (network, 34.0, NULL, NULL);
  g_assert_cmpuint (vdi_sim_network_get_n_flows (network), ==, 1);
  g_assert_cmpfloat_with_epsilon (f2->done, 840 + 3400, 1e-6);
}

static void
test_runtime_bandwidth (void)
{
  SimFixture fixture = { 0 };
  VdiSimProvider *a;
  VdiSimJob *job = NULL;
  double before;

  sim_fixture_start (&fixture,
                     "{ \"time_scale\": 1, \"hyperv_hosts\": ["
                     "  { \"name\": \"a\", \"up_mbps\": 1000, \"down_mbps\": 1000, \"vms\": [ { \"name\": \"v\", \"disk_gb\": 100 } ] },"
                     "  { \"name\": \"b\", \"up_mbps\": 1000, \"down_mbps\": 800 } ] }");
  a = vdi_sim_world_find_provider (fixture.world, "a");

  g_assert_cmpuint (vdi_sim_world_migrate (fixture.world, a, ((VdiSimVm *) g_ptr_array_index (a->vms, 0))->id, "b", 32771, &job), ==, 4096);
  g_assert_cmpfloat_with_epsilon (job->flow->rate, vdi_sim_mbps_to_bytes (800), 1e-6);

  /* Slower destination, then a slower source: the copy re-shares at once. */
  sim_control_post (&fixture, "/providers/b/settings", "{\"down_mbps\": 200}");
  g_assert_cmpfloat_with_epsilon (job->flow->rate, vdi_sim_mbps_to_bytes (200), 1e-6);
  sim_control_post (&fixture, "/providers/a/settings", "{\"up_mbps\": 100}");
  g_assert_cmpfloat_with_epsilon (job->flow->rate, vdi_sim_mbps_to_bytes (100), 1e-6);

  before = job->flow->done;
  sim_sleep_ms (200);
  g_assert_cmpfloat (job->flow->done, >, before);
  g_assert_cmpfloat (job->flow->done - before, <, vdi_sim_mbps_to_bytes (100) * 2.0);

  sim_fixture_stop (&fixture);
}

static VdiSimJob *
start_migration (SimFixture *fixture,
                 const char *source_name)
{
  VdiSimProvider *source = vdi_sim_world_find_provider (fixture->world, source_name);
  VdiSimVm *vm = g_ptr_array_index (source->vms, 0);
  g_autofree char *url = sim_provider_url (fixture, source_name);
  g_autofree char *xml = migrate_envelope_to (vm->id, "disk-host");
  g_autoptr(SimReply) reply = sim_post (fixture->session, url, "application/soap+xml;charset=UTF-8", xml, "u", "p", NULL);
  GPtrArray *jobs = vdi_sim_world_get_jobs (fixture->world);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (sim_reply_text (reply), "<p:ReturnValue>4096</p:ReturnValue>"));
  return g_ptr_array_index (jobs, jobs->len - 1);
}

static gboolean
job_ended (gpointer user_data)
{
  VdiSimJob *job = user_data;

  return job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED;
}

/* A number of a provider in /inventory, such as its "free_gb". */
static double
inventory_number (SimFixture *fixture,
                  const char *name,
                  const char *member)
{
  g_autoptr(JsonNode) inventory = sim_control_get (fixture, "/inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory), "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);

      if (g_str_equal (json_object_get_string_member (provider, "name"), name))
        return json_object_get_double_member (provider, member);
    }
  g_assert_not_reached ();
}

static double
free_gb_of (SimFixture *fixture,
            const char *name)
{
  return inventory_number (fixture, name, "free_gb");
}

/* A Hyper-V host with little free space: a migration that does not fit fails at once, one in
 * flight fails when the disk fills under it, and a finished one takes its disk's size. */
static void
test_disk_full (void)
{
  static const char scenario[] =
    "{ \"time_scale\": 10, \"hyperv_hosts\": ["
    "  { \"name\": \"src-a\", \"user\": \"u\", \"password\": \"p\","
    "    \"vms\": [ { \"name\": \"vm-a\", \"disk_gb\": 20 } ] },"
    "  { \"name\": \"src-b\", \"user\": \"u\", \"password\": \"p\","
    "    \"vms\": [ { \"name\": \"vm-b\", \"disk_gb\": 20 } ] },"
    "  { \"name\": \"disk-host\", \"user\": \"u\", \"password\": \"p\", \"free_gb\": 30 } ] }";
  SimFixture fixture = { 0 };
  VdiSimJob *first, *second, *again;

  sim_fixture_start (&fixture, scenario);
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "disk-host"), 30, 1e-6);

  /* 20 GB promised to the first copy leaves 10: the second does not fit. */
  first = start_migration (&fixture, "src-a");
  second = start_migration (&fixture, "src-b");
  g_assert_cmpint (second->state, ==, VDI_SIM_JOB_FAILED);
  g_assert_nonnull (strstr (second->error_description, "There is not enough space on the disk"));
  g_assert_cmpint (first->state, ==, VDI_SIM_JOB_RUNNING);

  /* The disk fills up under the first copy. */
  sim_control_post (&fixture, "/providers/disk-host/settings", "{\"free_gb\": 5}");
  g_assert_cmpint (first->state, ==, VDI_SIM_JOB_FAILED);
  g_assert_nonnull (strstr (first->error_description, "'vm-a' failed at migration destination 'disk-host'"));
  g_assert_nonnull (strstr (first->error_description, "There is not enough space on the disk"));

  /* With room again the copy lands and takes its size. */
  sim_control_post (&fixture, "/providers/disk-host/settings", "{\"free_gb\": 50}");
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 2000}");
  again = start_migration (&fixture, "src-a");
  sim_wait_until (job_ended, again, SIM_TEST_TIMEOUT_MS, "the migration");
  g_assert_cmpint (again->state, ==, VDI_SIM_JOB_COMPLETED);
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "disk-host"), 30, 1e-6);

  sim_fixture_stop (&fixture);
}

static double
reserved_gb_of (SimFixture *fixture,
                const char *name)
{
  return inventory_number (fixture, name, "reserved_gb");
}

static void
wait_job (VdiSimJob  *job,
          const char *what)
{
  sim_wait_until (job_ended, job, SIM_TEST_TIMEOUT_MS, what);
  if (job->state == VDI_SIM_JOB_FAILED)
    g_error ("%s failed: %s", what, job->error_description);
}

/* A host that holds a copy and feeds another host with it (relay): the export writes a copy of
 * the disk on the holder's own disk, promised when the export starts, so one that does not fit
 * fails at once and one under which the disk fills fails then, in Hyper-V's words; the import
 * registers the VM on those files, and moving it away gives the space back. */
static void
test_holder_disk (void)
{
  static const char scenario[] =
    "{ \"time_scale\": 2000, \"hyperv_hosts\": ["
    "  { \"name\": \"holder\", \"user\": \"u\", \"password\": \"p\", \"free_gb\": 50,"
    "    \"vms\": [ { \"name\": \"copy\", \"disk_gb\": 40 } ] },"
    "  { \"name\": \"target\", \"user\": \"u\", \"password\": \"p\", \"free_gb\": 100 } ] }";
  SimFixture fixture = { 0 };
  VdiSimProvider *holder;
  VdiSimVm *copy;
  VdiSimJob *export = NULL, *second = NULL, *import = NULL, *realize = NULL, *move = NULL;
  VdiSimJob *again = NULL;
  g_autofree char *definition = NULL;
  g_autofree char *planned_id = NULL;

  sim_fixture_start (&fixture, scenario);
  holder = vdi_sim_world_find_provider (fixture.world, "holder");
  copy = g_ptr_array_index (holder->vms, 0);

  /* Held still, so that the export is in flight while it is looked at. */
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 0.001}");
  g_assert_cmpuint (vdi_sim_world_export (fixture.world, holder, copy->id, "D:\\export\\a", TRUE,
                                          TRUE, &export), ==, VDI_SIM_RV_JOB_STARTED);
  g_assert_cmpint (export->state, ==, VDI_SIM_JOB_RUNNING);
  g_assert_cmpfloat_with_epsilon (reserved_gb_of (&fixture, "holder"), 40, 1e-6);

  /* A second export of the same 40 GB does not fit in the 10 GB left. */
  g_assert_cmpuint (vdi_sim_world_export (fixture.world, holder, copy->id, "D:\\export\\b", TRUE,
                                          TRUE, &second), ==, VDI_SIM_RV_JOB_STARTED);
  g_assert_cmpint (second->state, ==, VDI_SIM_JOB_FAILED);
  g_assert_nonnull (strstr (second->error_description, "There is not enough space on the disk"));
  g_assert_nonnull (strstr (second->error_description, "export"));

  /* The export lands: its files take their space. */
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 2000}");
  wait_job (export, "the export");
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "holder"), 10, 1e-6);
  g_assert_cmpfloat_with_epsilon (reserved_gb_of (&fixture, "holder"), 0, 1e-6);

  /* Imported where its files are (no more space), realized, and moved to the target: the
   * holder has its 50 GB again, the target holds the copy. */
  definition = g_strdup_printf ("%s\\Virtual Machines\\%s.vmcx", export->path, copy->id);
  g_assert_cmpuint (vdi_sim_world_import (fixture.world, holder, definition, TRUE, &import), ==,
                    VDI_SIM_RV_JOB_STARTED);
  wait_job (import, "the import");
  planned_id = g_strdup (import->result_id);
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "holder"), 10, 1e-6);
  g_assert_cmpuint (vdi_sim_world_realize (fixture.world, holder, planned_id, &realize), ==,
                    VDI_SIM_RV_JOB_STARTED);
  wait_job (realize, "the realize");
  g_assert_cmpuint (vdi_sim_world_migrate (fixture.world, holder, planned_id, "target",
                                           VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE, &move),
                    ==, VDI_SIM_RV_JOB_STARTED);
  wait_job (move, "the move");
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "holder"), 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (free_gb_of (&fixture, "target"), 60, 1e-6);

  /* The holder's disk fills under an export in flight. */
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 0.001}");
  g_assert_cmpuint (vdi_sim_world_export (fixture.world, holder, copy->id, "D:\\export\\c", TRUE,
                                          TRUE, &again), ==, VDI_SIM_RV_JOB_STARTED);
  g_assert_cmpint (again->state, ==, VDI_SIM_JOB_RUNNING);
  sim_control_post (&fixture, "/providers/holder/settings", "{\"free_gb\": 5}");
  g_assert_cmpint (again->state, ==, VDI_SIM_JOB_FAILED);
  g_assert_nonnull (strstr (again->error_description, "Failed to export the virtual machine 'copy'"));
  g_assert_cmpfloat_with_epsilon (reserved_gb_of (&fixture, "holder"), 0, 1e-6);

  sim_fixture_stop (&fixture);
}

/* Two copies leaving one holder at once share its uplink: each gets half, as each of the two
 * targets could take more. */
static void
test_holder_uplink (void)
{
  SimFixture fixture = { 0 };
  VdiSimProvider *holder;
  VdiSimJob *one = NULL, *two = NULL;

  sim_fixture_start (&fixture,
                     "{ \"time_scale\": 1, \"hyperv_hosts\": ["
                     "  { \"name\": \"holder\", \"up_mbps\": 1000, \"down_mbps\": 1000, \"vms\": ["
                     "    { \"name\": \"copy-1\", \"disk_gb\": 100 }, { \"name\": \"copy-2\", \"disk_gb\": 100 } ] },"
                     "  { \"name\": \"t1\", \"up_mbps\": 1000, \"down_mbps\": 1000 },"
                     "  { \"name\": \"t2\", \"up_mbps\": 1000, \"down_mbps\": 1000 } ] }");
  holder = vdi_sim_world_find_provider (fixture.world, "holder");

  g_assert_cmpuint (vdi_sim_world_migrate (fixture.world, holder,
                                           ((VdiSimVm *) g_ptr_array_index (holder->vms, 0))->id, "t1",
                                           VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE, &one),
                    ==, VDI_SIM_RV_JOB_STARTED);
  g_assert_cmpfloat_with_epsilon (one->flow->rate, vdi_sim_mbps_to_bytes (1000), 1e-6);
  g_assert_cmpuint (vdi_sim_world_migrate (fixture.world, holder,
                                           ((VdiSimVm *) g_ptr_array_index (holder->vms, 1))->id, "t2",
                                           VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE, &two),
                    ==, VDI_SIM_RV_JOB_STARTED);
  g_assert_cmpfloat_with_epsilon (one->flow->rate, vdi_sim_mbps_to_bytes (500), 1e-6);
  g_assert_cmpfloat_with_epsilon (two->flow->rate, vdi_sim_mbps_to_bytes (500), 1e-6);
  g_assert_cmpuint (holder->peak_migrations_out, ==, 2);

  sim_fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/bandwidth/fair-share-model", test_fair_share_model);
  g_test_add_func ("/sim/bandwidth/ten-migrations", test_ten_migrations);
  g_test_add_func ("/sim/bandwidth/runtime-change", test_runtime_bandwidth);
  g_test_add_func ("/sim/bandwidth/disk-full", test_disk_full);
  g_test_add_func ("/sim/bandwidth/holder-disk", test_holder_disk);
  g_test_add_func ("/sim/bandwidth/holder-uplink", test_holder_uplink);

  return g_test_run ();
}
