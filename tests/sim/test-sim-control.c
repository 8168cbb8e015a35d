/* test-sim-control.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The control endpoint: inventory, counters, offline hosts, injected corruption, run-time
 * changes of latency, bandwidth and datastores. */

#include "config.h"

#include "sim-test-util.h"
#include "vdi-sim-xml.h"

static const char scenario[] =
  "{ \"time_scale\": 10,"
  "  \"hyperv_hosts\": [ { \"name\": \"hv-a\", \"user\": \"admin\", \"password\": \"pw\","
  "      \"vms\": [ { \"name\": \"gold\", \"disk_gb\": 10 } ] },"
  "    { \"name\": \"hv-b\", \"user\": \"admin\", \"password\": \"pw\" } ],"
  "  \"vcenters\": [ { \"name\": \"vc\", \"version\": \"8.0\", \"user\": \"root\", \"password\": \"pw\","
  "      \"hosts\": [ \"esx-1\" ], \"datastores\": [ { \"name\": \"ds-1\", \"capacity_gb\": 100, \"free_gb\": 50 } ] } ] }";

#define IDENTIFY \
  "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">" \
  "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>"

#define ENUMERATE_SHORT_TIMEOUT \
  "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">" \
  "<s:Header><a:Action s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action>" \
  "<w:ResourceURI s:mustUnderstand=\"true\">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ComputerSystem</w:ResourceURI>" \
  "<a:MessageID>uuid:1</a:MessageID><w:OperationTimeout>PT0.100S</w:OperationTimeout></s:Header>" \
  "<s:Body><n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/></s:Body></s:Envelope>"

static SimReply *
identify (SimFixture *fixture)
{
  g_autofree char *url = sim_provider_url (fixture, "hv-a");

  return sim_post (fixture->session, url, "application/soap+xml;charset=UTF-8", IDENTIFY, "admin", "pw", NULL);
}

static void
test_inventory_and_counters (void)
{
  SimFixture fixture = { 0 };
  g_autoptr(JsonNode) inventory = NULL;
  g_autoptr(JsonNode) counters = NULL;
  g_autoptr(JsonNode) after_reset = NULL;
  JsonArray *providers;
  JsonObject *hv;

  sim_fixture_start (&fixture, scenario);

  inventory = sim_control_get (&fixture, "/inventory");
  providers = json_object_get_array_member (json_node_get_object (inventory), "providers");
  g_assert_cmpuint (json_array_get_length (providers), ==, 3);
  hv = json_array_get_object_element (providers, 0);
  g_assert_cmpstr (json_object_get_string_member (hv, "name"), ==, "hv-a");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (hv, "url"), "/wsman"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (hv, "vms"), 0), "name"), ==, "gold");

  sim_reply_free (identify (&fixture));
  sim_reply_free (identify (&fixture));
  counters = sim_control_get (&fixture, "/counters");
  {
    JsonObject *c = json_object_get_object_member (json_object_get_object_member (json_node_get_object (counters), "providers"), "hv-a");

    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (c, "requests"), "Identify"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (c, "requests_total"), ==, 2);
  }

  sim_control_post (&fixture, "/counters/reset", "");
  after_reset = sim_control_get (&fixture, "/counters");
  {
    JsonObject *c = json_object_get_object_member (json_object_get_object_member (json_node_get_object (after_reset), "providers"), "hv-a");

    g_assert_cmpint (json_object_get_int_member (c, "requests_total"), ==, 0);
  }

  /* Errors are JSON too. */
  {
    g_autofree char *url = g_strconcat (fixture.control, "providers/nope/offline", NULL);
    g_autoptr(SimReply) reply = sim_post (fixture.session, url, "application/json", "{}", NULL, NULL, NULL);

    g_assert_cmpuint (reply->status, ==, 404);
    g_assert_nonnull (strstr (sim_reply_text (reply), "\"error\""));
  }
  {
    g_autofree char *url = g_strconcat (fixture.control, "providers/hv-a/faults", NULL);
    g_autoptr(SimReply) reply = sim_post (fixture.session, url, "application/json", "{not json", NULL, NULL, NULL);

    g_assert_cmpuint (reply->status, ==, 400);
  }

  sim_fixture_stop (&fixture);
}

typedef struct
{
  SimReply *reply;
  gboolean  done;
  SoupMessage *msg;
} Async;

static void
async_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Async *data = user_data;

  data->reply = g_new0 (SimReply, 1);
  data->reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->reply->error);
  data->reply->status = soup_message_get_status (data->msg);
  data->done = TRUE;
}

static gboolean
async_done (gpointer user_data)
{
  return ((Async *) user_data)->done;
}

static void
test_offline (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *url = NULL;
  SimReply *reply;
  Async data = { 0 };

  sim_fixture_start (&fixture, scenario);
  url = sim_provider_url (&fixture, "hv-a");

  /* A connection kept alive from before does not survive the host going down. */
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  /* refuse: connection refused, then back. */
  sim_control_post (&fixture, "/providers/hv-a/offline", "{\"mode\": \"refuse\"}");
  reply = identify (&fixture);
  g_assert_nonnull (reply->error);
  g_assert_cmpuint (reply->status, ==, 0);
  sim_reply_free (reply);
  sim_control_post (&fixture, "/providers/hv-a/online", "{}");
  reply = identify (&fixture);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  /* hang: accepted, never answered while hung. */
  sim_control_post (&fixture, "/providers/hv-a/offline", "{\"mode\": \"hang\"}");
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) body = g_bytes_new_static (IDENTIFY, strlen (IDENTIFY));
    g_autoptr(SoupSession) session = soup_session_new ();

    soup_message_set_request_body_from_bytes (msg, "application/soap+xml;charset=UTF-8", body);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "WSMANIDENTIFY", "unauthenticated");
    data.msg = msg;
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, async_cb, &data);
    sim_sleep_ms (500);
    g_assert_false (data.done);

    sim_control_post (&fixture, "/providers/hv-a/online", "{}");
    sim_wait_until (async_done, &data, SIM_TEST_TIMEOUT_MS, "the hung request to be released");
    g_assert_cmpuint (data.reply->status, ==, 503);
    sim_reply_free (data.reply);
  }

  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  /* A destination that goes down fails the migration under way, with the reason. */
  {
    VdiSimProvider *a = vdi_sim_world_find_provider (fixture.world, "hv-a");
    VdiSimVm *gold = vdi_sim_provider_find_vm_by_name (a, "gold");
    VdiSimJob *job = NULL;

    g_assert_cmpuint (vdi_sim_world_migrate (fixture.world, a, gold->id, "hv-b", 32771, &job), ==, 4096);
    g_assert_cmpint (job->state, ==, VDI_SIM_JOB_RUNNING);
    sim_sleep_ms (100);
    sim_control_post (&fixture, "/providers/hv-b/offline", "{\"mode\": \"refuse\"}");
    g_assert_cmpint (job->state, ==, VDI_SIM_JOB_FAILED);
    g_assert_cmpuint (job->error_code, ==, 32768);
    g_assert_nonnull (strstr (job->error_description, "hv-b"));
    g_assert_nonnull (vdi_sim_provider_find_vm (a, gold->id));
    g_assert_cmpuint (a->cur_migrations, ==, 0);
  }

  sim_fixture_stop (&fixture);
}

static void
test_corruption (void)
{
  SimFixture fixture = { 0 };
  SimReply *reply;

  sim_fixture_start (&fixture, scenario);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"truncated\", \"method\": \"Identify\"}");
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  {
    g_autoptr(GError) error = NULL;
    xmlDoc *doc = vdi_sim_xml_parse (reply->text, strlen (reply->text), &error);

    g_assert_null (doc);
    g_assert_error (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED);
  }
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"malformed\"}");
  reply = identify (&fixture);
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (vdi_sim_xml_parse (reply->text, strlen (reply->text), &error));
    g_assert_nonnull (strstr (error->message, "line"));
  }
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"content-type\"}");
  reply = identify (&fixture);
  g_assert_cmpstr (reply->content_type, ==, "text/html; charset=utf-8");
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"empty-500\"}");
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 500);
  g_assert_cmpuint (g_bytes_get_size (reply->body), ==, 0);
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"huge\", \"size_mb\": 3}");
  reply = identify (&fixture);
  g_assert_cmpuint (g_bytes_get_size (reply->body), >, 3 * 1024 * 1024);
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/corrupt", "{\"kind\": \"xml-bomb\"}");
  reply = identify (&fixture);
  g_assert_nonnull (strstr (reply->text, "<!ENTITY lol9"));
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (vdi_sim_xml_parse (reply->text, strlen (reply->text), &error));
    g_assert_error (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_FORBIDDEN);
  }
  sim_reply_free (reply);

  /* Each corruption applied once: the next answer is sound again. */
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (reply->text, "IdentifyResponse"));
  sim_reply_free (reply);

  sim_fixture_stop (&fixture);
}

static void
test_settings (void)
{
  SimFixture fixture = { 0 };
  g_autoptr(JsonNode) inventory = NULL;
  g_autofree char *url = NULL;
  SimReply *reply;
  gint64 start;

  sim_fixture_start (&fixture, scenario);
  url = sim_provider_url (&fixture, "hv-a");

  sim_control_post (&fixture, "/providers/hv-a/settings", "{\"latency_ms\": 300, \"down_mbps\": 250}");
  start = g_get_monotonic_time ();
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 290 * 1000);
  sim_reply_free (reply);

  /* A latency beyond the request's OperationTimeout is a w:TimedOut fault. */
  reply = sim_post (fixture.session, url, "application/soap+xml;charset=UTF-8", ENUMERATE_SHORT_TIMEOUT, "admin", "pw", NULL);
  g_assert_cmpuint (reply->status, ==, 500);
  g_assert_nonnull (strstr (reply->text, "w:TimedOut"));
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/vc/datastores/ds-1", "{\"free_gb\": 2, \"accessible\": false}");
  sim_control_post (&fixture, "/time-scale", "{\"time_scale\": 50}");
  inventory = sim_control_get (&fixture, "/inventory");
  {
    JsonObject *root = json_node_get_object (inventory);
    JsonArray *providers = json_object_get_array_member (root, "providers");
    JsonObject *hv = json_array_get_object_element (providers, 0);
    JsonObject *vc = json_array_get_object_element (providers, 2);
    JsonObject *ds = json_array_get_object_element (json_object_get_array_member (vc, "datastores"), 0);

    g_assert_cmpfloat (json_object_get_double_member (root, "time_scale"), ==, 50);
    g_assert_cmpfloat (json_object_get_double_member (hv, "down_mbps"), ==, 250);
    g_assert_cmpint (json_object_get_int_member (hv, "latency_ms"), ==, 300);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ds, "free_gb"), 2, 1e-6);
    g_assert_false (json_object_get_boolean_member (ds, "accessible"));
  }

  sim_fixture_stop (&fixture);
}

/* The admin changes a host's password: the old one is refused from the next request on. */
static void
test_password_change (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *control = NULL;
  SimReply *reply;

  sim_fixture_start (&fixture, scenario);
  url = sim_provider_url (&fixture, "hv-a");

  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  sim_control_post (&fixture, "/providers/hv-a/settings", "{\"password\": \"n3w\"}");
  reply = identify (&fixture);
  g_assert_cmpuint (reply->status, ==, 401);
  sim_reply_free (reply);
  reply = sim_post (fixture.session, url, "application/soap+xml;charset=UTF-8", IDENTIFY, "admin", "n3w", NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  /* An empty password is refused, and so is free space on a vCenter (its datastores hold it). */
  control = g_strconcat (fixture.control, "providers/hv-a/settings", NULL);
  reply = sim_post (fixture.session, control, "application/json", "{\"password\": \"\"}", NULL, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 400);
  sim_reply_free (reply);
  g_free (control);
  control = g_strconcat (fixture.control, "providers/vc/settings", NULL);
  reply = sim_post (fixture.session, control, "application/json", "{\"free_gb\": 1}", NULL, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_nonnull (strstr (reply->text, "datastores"));
  sim_reply_free (reply);

  sim_fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/control/inventory-and-counters", test_inventory_and_counters);
  g_test_add_func ("/sim/control/offline", test_offline);
  g_test_add_func ("/sim/control/corruption", test_corruption);
  g_test_add_func ("/sim/control/settings", test_settings);
  g_test_add_func ("/sim/control/password-change", test_password_change);

  return g_test_run ();
}
