/* test-sim-wsman.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Conformance of the simulated Hyper-V hosts: hand-written envelopes shaped like those of
 * research/hyperv-wsman.md, answers checked with XPath. */

#include "config.h"

#include "sim-test-util.h"

#define V2 "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define ACTION_ENUMERATE "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
#define ACTION_PULL "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
#define ACTION_RELEASE "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"
#define ACTION_GET "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
#define SOAP_TYPE "application/soap+xml;charset=UTF-8"

static const char scenario[] =
  "{ \"time_scale\": 100,"
  "  \"hyperv_hosts\": ["
  "    { \"name\": \"hv-a\", \"user\": \"admin\", \"password\": \"s3cret&<x>\", \"export_mbps\": 8000, \"up_mbps\": 1000, \"down_mbps\": 1000,"
  "      \"vms\": [ { \"name\": \"gold\", \"disk_gb\": 10, \"state\": \"off\" },"
  "                { \"name\": \"busy\", \"disk_gb\": 5, \"state\": \"running\" },"
  "                { \"name\": \"vm-3\", \"disk_gb\": 5 }, { \"name\": \"vm-4\", \"disk_gb\": 5 } ] },"
  "    { \"name\": \"hv-b\", \"user\": \"admin\", \"password\": \"s3cret&<x>\", \"vms\": [] },"
  "    { \"name\": \"hv-c\", \"subtype\": \"failover-cluster\", \"user\": \"admin\", \"password\": \"s3cret&<x>\" }"
  "  ] }";

static char *
envelope (const char *action,
          const char *resource_uri,
          const char *selectors,
          const char *body)
{
  return g_strdup_printf (
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\""
    " xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">"
    "<s:Header>"
    "<a:To>http://windows-host:5985/wsman</a:To>"
    "<w:ResourceURI s:mustUnderstand=\"true\">%s</w:ResourceURI>"
    "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"
    "<a:Action s:mustUnderstand=\"true\">%s</a:Action>"
    "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">153600</w:MaxEnvelopeSize>"
    "<a:MessageID>uuid:0A6A0F1E-3B1C-4A5C-9A52-0C3E5E1B2D11</a:MessageID>"
    "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>"
    "<p:DataLocale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>"
    "<w:OperationTimeout>PT60S</w:OperationTimeout>"
    "%s"
    "</s:Header><s:Body>%s</s:Body></s:Envelope>",
    resource_uri, action, selectors != NULL ? selectors : "", body != NULL ? body : "");
}

static SimReply *
call (SimFixture *fixture,
      const char *host,
      const char *xml)
{
  g_autofree char *url = sim_provider_url (fixture, host);

  return sim_post (fixture->session, url, SOAP_TYPE, xml, "admin", "s3cret&<x>", NULL);
}

static xmlDoc *
call_ok (SimFixture *fixture,
         const char *host,
         const char *xml)
{
  g_autoptr(SimReply) reply = call (fixture, host, xml);

  if (reply->status != 200)
    g_error ("status %u: %s", reply->status, sim_reply_text (reply));
  g_assert_cmpstr (reply->content_type, ==, SOAP_TYPE);
  return sim_parse_xml (reply);
}

static xmlDoc *
call_fault (SimFixture *fixture,
            const char *host,
            const char *xml,
            const char *subcode)
{
  g_autoptr(SimReply) reply = call (fixture, host, xml);
  xmlDoc *doc;
  g_autofree char *value = NULL;

  g_assert_cmpuint (reply->status, ==, 500);
  doc = sim_parse_xml (reply);
  value = sim_xpath_string (doc, "/s:Envelope/s:Body/s:Fault/s:Code/s:Subcode/s:Value");
  g_assert_cmpstr (value, ==, subcode);
  g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/s:Fault/s:Reason/s:Text"), ==, 1);
  g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Header/a:RelatesTo[.='uuid:0A6A0F1E-3B1C-4A5C-9A52-0C3E5E1B2D11']"), ==, 1);
  return doc;
}

static char *
selector (const char *name,
          const char *value)
{
  return g_strdup_printf ("<w:SelectorSet><w:Selector Name=\"%s\">%s</w:Selector></w:SelectorSet>", name, value);
}

static char *
vm_id (SimFixture *fixture,
       const char *host,
       const char *name)
{
  VdiSimProvider *provider = vdi_sim_world_find_provider (fixture->world, host);
  VdiSimVm *vm = vdi_sim_provider_find_vm_by_name (provider, name);

  g_assert_nonnull (vm);
  return g_strdup (vm->id);
}

static char *
epr_param (const char *element,
           const char *class_name,
           const char *name)
{
  return g_strdup_printf ("<p:%s><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address>"
                          "<a:ReferenceParameters><w:ResourceURI>" V2 "%s</w:ResourceURI>"
                          "<w:SelectorSet><w:Selector Name=\"CreationClassName\">%s</w:Selector>"
                          "<w:Selector Name=\"Name\">%s</w:Selector></w:SelectorSet></a:ReferenceParameters></p:%s>",
                          element, class_name, class_name, name, element);
}

static char *
invoke_vsms (const char *method,
             const char *params)
{
  g_autofree char *body = g_strdup_printf ("<p:%s_INPUT xmlns:p=\"" V2 "Msvm_VirtualSystemManagementService\">%s</p:%s_INPUT>",
                                           method, params, method);
  g_autofree char *action = g_strdup_printf (V2 "Msvm_VirtualSystemManagementService/%s", method);
  g_autofree char *sel = selector ("CreationClassName", "Msvm_VirtualSystemManagementService");

  return envelope (action, V2 "Msvm_VirtualSystemManagementService", sel, body);
}

static char *
invoke_migrate (const char *vm,
                const char *destination,
                const char *settings)
{
  g_autofree char *cs = epr_param ("ComputerSystem", "Msvm_ComputerSystem", vm);
  g_autofree char *body = g_strdup_printf (
    "<p:MigrateVirtualSystemToHost_INPUT xmlns:p=\"" V2 "Msvm_VirtualSystemMigrationService\">%s"
    "<p:DestinationHost>%s</p:DestinationHost>"
    "<p:MigrationSettingData><![CDATA[%s]]></p:MigrationSettingData>"
    "</p:MigrateVirtualSystemToHost_INPUT>", cs, destination, settings);
  g_autofree char *sel = selector ("CreationClassName", "Msvm_VirtualSystemMigrationService");

  return envelope (V2 "Msvm_VirtualSystemMigrationService/MigrateVirtualSystemToHost",
                   V2 "Msvm_VirtualSystemMigrationService", sel, body);
}

#define MIGRATION_SETTINGS \
  "<INSTANCE CLASSNAME=\"Msvm_VirtualSystemMigrationSettingData\"><PROPERTY NAME=\"MigrationType\" TYPE=\"uint16\"><VALUE>32771</VALUE></PROPERTY><PROPERTY NAME=\"TransportType\" TYPE=\"uint16\"><VALUE>5</VALUE></PROPERTY></INSTANCE>"

/* Returns the job's InstanceID and checks the Invoke answer's shape. */
static char *
expect_job (xmlDoc     *doc,
            const char *method,
            const char *prefix,
            const char *job_class)
{
  g_autofree char *path = g_strdup_printf ("/s:Envelope/s:Body/%s:%s_OUTPUT", prefix, method);
  g_autofree char *rv_path = g_strdup_printf ("%s/%s:ReturnValue", path, prefix);
  g_autofree char *id_path = g_strdup_printf ("%s/%s:Job/a:ReferenceParameters/w:SelectorSet/w:Selector[@Name='InstanceID']", path, prefix);
  g_autofree char *uri_path = g_strdup_printf ("%s/%s:Job/a:ReferenceParameters/w:ResourceURI", path, prefix);
  g_autofree char *rv = sim_xpath_string (doc, rv_path);
  g_autofree char *uri = sim_xpath_string (doc, uri_path);
  g_autofree char *expected_uri = g_strconcat (V2, job_class, NULL);

  g_assert_cmpstr (rv, ==, "4096");
  g_assert_cmpstr (uri, ==, expected_uri);
  return sim_xpath_string (doc, id_path);
}

typedef struct
{
  guint state;
  guint percent;
  guint error_code;
  char *error;
  gboolean saw_running_progress;
} JobStatus;

static void
get_job (SimFixture *fixture,
         const char *host,
         const char *job_class,
         const char *id,
         JobStatus  *status)
{
  g_autofree char *uri = g_strconcat (V2, job_class, NULL);
  g_autofree char *sel = selector ("InstanceID", id);
  g_autofree char *xml = envelope (ACTION_GET, uri, sel, NULL);
  g_autoptr(SimReply) reply = call (fixture, host, xml);
  xmlDoc *doc;
  g_autofree char *state = NULL, *percent = NULL, *code = NULL, *elapsed = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  doc = sim_parse_xml (reply);
  state = sim_xpath_string (doc, "/s:Envelope/s:Body/*/*[local-name()='JobState']");
  percent = sim_xpath_string (doc, "/s:Envelope/s:Body/*/*[local-name()='PercentComplete']");
  code = sim_xpath_string (doc, "/s:Envelope/s:Body/*/*[local-name()='ErrorCode']");
  elapsed = sim_xpath_string (doc, "/s:Envelope/s:Body/*/*[local-name()='ElapsedTime']/cim:Interval");
  g_assert_true (g_str_has_prefix (elapsed, "P0DT"));
  g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/*/*[local-name()='StartTime']/cim:Datetime"), ==, 1);
  g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Header/a:Action[.='http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse']"), ==, 1);
  status->state = atoi (state);
  status->percent = atoi (percent);
  status->error_code = atoi (code);
  g_free (status->error);
  status->error = sim_xpath_string (doc, "/s:Envelope/s:Body/*/*[local-name()='ErrorDescription']");
  xmlFreeDoc (doc);
}

/* Polls the job (Get on the EPR's class) until it ends; percentages must never go back. */
static void
wait_job (SimFixture *fixture,
          const char *host,
          const char *job_class,
          const char *id,
          JobStatus  *status)
{
  gint64 deadline = g_get_monotonic_time () + SIM_TEST_TIMEOUT_MS * 1000;
  guint last_percent = 0;

  status->saw_running_progress = FALSE;
  for (;;)
    {
      get_job (fixture, host, job_class, id, status);
      g_assert_cmpuint (status->percent, >=, last_percent);
      last_percent = status->percent;
      if (status->state == 4 && status->percent > 0 && status->percent < 100)
        status->saw_running_progress = TRUE;
      if (status->state != 4 && status->state != 3)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("job %s did not finish", id);
      sim_sleep_ms (30);
    }
}

static void
test_identify (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);
  const char *identify =
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
    "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";
  g_autoptr(SimReply) anonymous = NULL;
  g_autoptr(SimReply) authenticated = NULL;
  xmlDoc *doc;
  g_autofree char *vendor = NULL, *version = NULL, *version2 = NULL;

  sim_fixture_start (&fixture, scenario);
  url = sim_provider_url (&fixture, "hv-a");

  g_hash_table_insert (headers, (char *) "WSMANIDENTIFY", (char *) "unauthenticated");
  anonymous = sim_post (fixture.session, url, "application/soap+xml; charset=UTF-8", identify, NULL, NULL, headers);
  g_assert_cmpuint (anonymous->status, ==, 200);
  doc = sim_parse_xml (anonymous);
  vendor = sim_xpath_string (doc, "/s:Envelope/s:Body/wsmid:IdentifyResponse/wsmid:ProductVendor");
  version = sim_xpath_string (doc, "/s:Envelope/s:Body/wsmid:IdentifyResponse/wsmid:ProductVersion");
  g_assert_cmpstr (vendor, ==, "Microsoft Corporation");
  g_assert_cmpstr (version, ==, "OS: 0.0.0 SP: 0.0 Stack: 3.0");
  g_assert_cmpint (sim_xpath_count (doc, "//wsmid:SecurityProfileName[.='http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic']"), ==, 1);
  xmlFreeDoc (doc);

  authenticated = call (&fixture, "hv-a", identify);
  g_assert_cmpuint (authenticated->status, ==, 200);
  doc = sim_parse_xml (authenticated);
  version2 = sim_xpath_string (doc, "//wsmid:ProductVersion");
  g_assert_cmpstr (version2, ==, "OS: 10.0.20348 SP: 0.0 Stack: 3.0");
  xmlFreeDoc (doc);

  sim_fixture_stop (&fixture);
}

static void
test_auth (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "Msvm_ComputerSystem", NULL,
                                   "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>");
  SimReply *reply;

  sim_fixture_start (&fixture, scenario);
  url = sim_provider_url (&fixture, "hv-a");

  reply = sim_post (fixture.session, url, SOAP_TYPE, xml, NULL, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  g_assert_cmpuint (g_bytes_get_size (reply->body), ==, 0);
  sim_reply_free (reply);

  reply = sim_post (fixture.session, url, SOAP_TYPE, xml, "admin", "wrong", NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  g_assert_cmpuint (g_bytes_get_size (reply->body), ==, 0);
  sim_reply_free (reply);

  /* User names compare case-insensitively, as on Windows. */
  reply = sim_post (fixture.session, url, SOAP_TYPE, xml, "ADMIN", "s3cret&<x>", NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  sim_reply_free (reply);

  reply = sim_post (fixture.session, url, "text/xml", xml, "admin", "s3cret&<x>", NULL);
  g_assert_cmpuint (reply->status, ==, 415);
  sim_reply_free (reply);

  sim_fixture_stop (&fixture);
}

static GPtrArray *
pull_all (SimFixture *fixture,
          const char *host,
          const char *first_context,
          guint       max_elements,
          guint      *out_pages)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *context = g_strdup (first_context);

  *out_pages = 0;
  while (context != NULL && *context != '\0')
    {
      g_autofree char *max = max_elements > 0 ? g_strdup_printf ("<n:MaxElements>%u</n:MaxElements>", max_elements) : g_strdup ("");
      g_autofree char *body = g_strdup_printf ("<n:Pull xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                               "<n:EnumerationContext>%s</n:EnumerationContext>%s</n:Pull>", context, max);
      g_autofree char *xml = envelope (ACTION_PULL, V2 "Msvm_ComputerSystem", NULL, body);
      xmlDoc *doc = call_ok (fixture, host, xml);
      int n = sim_xpath_count (doc, "/s:Envelope/s:Body/n:PullResponse/n:Items/cs:Msvm_ComputerSystem");
      gboolean end = sim_xpath_count (doc, "/s:Envelope/s:Body/n:PullResponse/n:EndOfSequence") == 1;

      g_assert_cmpint (n, <=, max_elements > 0 ? (int) max_elements : 1);
      for (int i = 1; i <= n; i++)
        {
          g_autofree char *path = g_strdup_printf ("/s:Envelope/s:Body/n:PullResponse/n:Items/cs:Msvm_ComputerSystem[%d]/cs:ElementName", i);

          g_ptr_array_add (names, sim_xpath_string (doc, path));
        }
      g_free (context);
      context = sim_xpath_string (doc, "/s:Envelope/s:Body/n:PullResponse/n:EnumerationContext");
      /* An intermediate page carries a new context and no EndOfSequence; the last the reverse. */
      g_assert_true (end == (*context == '\0'));
      (*out_pages)++;
      xmlFreeDoc (doc);
    }

  return names;
}

static void
test_enumerate_paging (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "*", NULL,
                                   "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                   "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_ComputerSystem</w:Filter>"
                                   "</n:Enumerate>");
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) names_default = NULL;
  g_autofree char *context = NULL;
  g_autofree char *caption = NULL;
  xmlDoc *doc;
  guint pages;

  sim_fixture_start (&fixture, scenario);

  doc = call_ok (&fixture, "hv-a", xml);
  g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Header/a:Action[.='http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse']"), ==, 1);
  context = sim_xpath_string (doc, "/s:Envelope/s:Body/n:EnumerateResponse/n:EnumerationContext");
  g_assert_true (g_str_has_prefix (context, "uuid:"));
  xmlFreeDoc (doc);

  /* host + 4 VMs, 2 per page: 3 pages */
  names = pull_all (&fixture, "hv-a", context, 2, &pages);
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "HV-A");
  g_assert_true (g_ptr_array_find_with_equal_func (names, "gold", g_str_equal, NULL));

  /* The old context was replaced by the page's new one. */
  {
    g_autofree char *body = g_strdup_printf ("<n:Pull xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                             "<n:EnumerationContext>%s</n:EnumerationContext></n:Pull>", context);
    g_autofree char *pull = envelope (ACTION_PULL, V2 "Msvm_ComputerSystem", NULL, body);

    doc = call_fault (&fixture, "hv-a", pull, "n:InvalidEnumerationContext");
    xmlFreeDoc (doc);
  }

  /* Without MaxElements a page holds one item. */
  doc = call_ok (&fixture, "hv-a", xml);
  g_free (context);
  context = sim_xpath_string (doc, "/s:Envelope/s:Body/n:EnumerateResponse/n:EnumerationContext");
  xmlFreeDoc (doc);
  names_default = pull_all (&fixture, "hv-a", context, 0, &pages);
  g_assert_cmpuint (names_default->len, ==, 5);
  g_assert_cmpuint (pages, ==, 5);

  /* Optimized enumeration puts the first items in the EnumerateResponse. */
  {
    g_autofree char *opt = envelope (ACTION_ENUMERATE, V2 "Msvm_ComputerSystem", NULL,
                                     "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                     "<w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements>"
                                     "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_ComputerSystem WHERE Description = \"Microsoft Virtual Machine\"</w:Filter>"
                                     "</n:Enumerate>");

    doc = call_ok (&fixture, "hv-a", opt);
    g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/n:EnumerateResponse/w:Items/cs:Msvm_ComputerSystem"), ==, 4);
    g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/n:EnumerateResponse/w:EndOfSequence"), ==, 1);
    xmlFreeDoc (doc);
  }

  /* The host itself, as real hosts list it. */
  {
    g_autofree char *host = envelope (ACTION_ENUMERATE, V2 "Msvm_ComputerSystem", NULL,
                                      "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                      "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements>"
                                      "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Hosting Computer System'</w:Filter>"
                                      "</n:Enumerate>");

    doc = call_ok (&fixture, "hv-a", host);
    caption = sim_xpath_string (doc, "//cs:Msvm_ComputerSystem/cs:Description");
    g_assert_cmpstr (caption, ==, "Microsoft Hosting Computer System");
    g_assert_cmpint (sim_xpath_count (doc, "//cs:Msvm_ComputerSystem"), ==, 1);
    xmlFreeDoc (doc);
  }

  /* EnumerateEPR gives references with the key selectors. */
  {
    g_autofree char *epr = envelope (ACTION_ENUMERATE, V2 "*", NULL,
                                     "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                     "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode>"
                                     "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'gold'</w:Filter>"
                                     "</n:Enumerate>");
    g_autofree char *gold = vm_id (&fixture, "hv-a", "gold");
    g_autofree char *name = NULL;

    doc = call_ok (&fixture, "hv-a", epr);
    name = sim_xpath_string (doc, "//w:Items/a:EndpointReference/a:ReferenceParameters/w:SelectorSet/w:Selector[@Name='Name']");
    g_assert_cmpstr (name, ==, gold);
    xmlFreeDoc (doc);
  }

  sim_fixture_stop (&fixture);
}

static void
test_enumeration_expiry (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "Msvm_ComputerSystem", NULL,
                                   "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>");
  g_autofree char *context = NULL;
  g_autofree char *body = NULL;
  g_autofree char *pull = NULL;
  g_autofree char *release = NULL;
  g_autofree char *code = NULL;
  g_autofree char *action = NULL;
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  sim_control_post (&fixture, "/providers/hv-a/settings", "{\"enumeration_timeout_ms\": 200}");

  doc = call_ok (&fixture, "hv-a", xml);
  context = sim_xpath_string (doc, "//n:EnumerationContext");
  xmlFreeDoc (doc);

  sim_sleep_ms (400);

  body = g_strdup_printf ("<n:Pull xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                          "<n:EnumerationContext>%s</n:EnumerationContext></n:Pull>", context);
  pull = envelope (ACTION_PULL, V2 "Msvm_ComputerSystem", NULL, body);
  doc = call_fault (&fixture, "hv-a", pull, "n:InvalidEnumerationContext");
  code = sim_xpath_string (doc, "//f:WSManFault/@Code");
  action = sim_xpath_string (doc, "/s:Envelope/s:Header/a:Action");
  g_assert_cmpstr (code, ==, "2150858779");
  g_assert_cmpstr (action, ==, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault");
  xmlFreeDoc (doc);

  /* Release of a live context works, a second Release does not. */
  sim_control_post (&fixture, "/providers/hv-a/settings", "{\"enumeration_timeout_ms\": 240000}");
  doc = call_ok (&fixture, "hv-a", xml);
  g_free (context);
  context = sim_xpath_string (doc, "//n:EnumerationContext");
  xmlFreeDoc (doc);
  g_free (body);
  body = g_strdup_printf ("<n:Release xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                          "<n:EnumerationContext>%s</n:EnumerationContext></n:Release>", context);
  release = envelope (ACTION_RELEASE, V2 "Msvm_ComputerSystem", NULL, body);
  xmlFreeDoc (call_ok (&fixture, "hv-a", release));
  xmlFreeDoc (call_fault (&fixture, "hv-a", release, "n:InvalidEnumerationContext"));

  sim_fixture_stop (&fixture);
}

static void
test_get_and_faults (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *gold = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;
  g_autofree char *code = NULL;
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  gold = vm_id (&fixture, "hv-a", "gold");

  {
    g_autofree char *sel = g_strdup_printf ("<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector>"
                                            "<w:Selector Name=\"Name\">%s</w:Selector></w:SelectorSet>", gold);
    g_autofree char *xml = envelope (ACTION_GET, V2 "Msvm_ComputerSystem", sel, NULL);

    doc = call_ok (&fixture, "hv-a", xml);
    name = sim_xpath_string (doc, "/s:Envelope/s:Body/cs:Msvm_ComputerSystem/cs:ElementName");
    state = sim_xpath_string (doc, "/s:Envelope/s:Body/cs:Msvm_ComputerSystem/cs:EnabledState");
    g_assert_cmpstr (name, ==, "gold");
    g_assert_cmpstr (state, ==, "3");
    g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/cs:Msvm_ComputerSystem[@xsi:type='p:Msvm_ComputerSystem_Type']"), ==, 1);
    g_assert_cmpint (sim_xpath_count (doc, "/s:Envelope/s:Body/cs:Msvm_ComputerSystem/cs:InstanceID[@xsi:nil='true']"), ==, 1);
    xmlFreeDoc (doc);
  }

  {
    g_autofree char *sel = selector ("Name", "00000000-0000-0000-0000-000000000000");
    g_autofree char *xml = envelope (ACTION_GET, V2 "Msvm_ComputerSystem", sel, NULL);

    xmlFreeDoc (call_fault (&fixture, "hv-a", xml, "a:DestinationUnreachable"));
  }

  {
    g_autofree char *sel = selector ("Bogus", "1");
    g_autofree char *xml = envelope (ACTION_GET, V2 "Msvm_ComputerSystem", sel, NULL);

    doc = call_fault (&fixture, "hv-a", xml, "w:InvalidSelectors");
    code = sim_xpath_string (doc, "//f:WSManFault/@Code");
    g_assert_cmpstr (code, ==, "2150858843");
    g_assert_cmpint (sim_xpath_count (doc, "//w:FaultDetail[.='http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors']"), ==, 1);
    xmlFreeDoc (doc);
  }

  {
    g_autofree char *xml = envelope (ACTION_GET, V2 "Msvm_ConcreteJob", NULL, NULL);

    xmlFreeDoc (call_fault (&fixture, "hv-a", xml, "w:InvalidSelectors"));
  }

  {
    g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "*", NULL,
                                     "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                     "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELECT * FROM Win32_Bogus</w:Filter></n:Enumerate>");
    g_autofree char *action = NULL;

    doc = call_fault (&fixture, "hv-a", xml, "n:CannotProcessFilter");
    action = sim_xpath_string (doc, "/s:Envelope/s:Header/a:Action");
    g_assert_cmpstr (action, ==, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault");
    xmlFreeDoc (doc);
  }

  {
    g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "*", NULL,
                                     "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                     "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">SELEKT everything</w:Filter></n:Enumerate>");

    xmlFreeDoc (call_fault (&fixture, "hv-a", xml, "n:CannotProcessFilter"));
  }

  /* Hardened parsing: a DTD is refused, not expanded. */
  {
    g_autoptr(SimReply) reply = call (&fixture, "hv-a",
                                      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
                                      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&a;</s:Body></s:Envelope>");
    g_autofree char *sub = NULL;

    g_assert_cmpuint (reply->status, ==, 500);
    doc = sim_parse_xml (reply);
    sub = sim_xpath_string (doc, "//s:Subcode/s:Value");
    g_assert_cmpstr (sub, ==, "w:SchemaValidationError");
    xmlFreeDoc (doc);
  }

  {
    g_autoptr(SimReply) reply = call (&fixture, "hv-a", "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>");

    g_assert_cmpuint (reply->status, ==, 500);
    g_assert_nonnull (strstr (sim_reply_text (reply), "SchemaValidationError"));
  }

  /* Unknown method on a known class. */
  {
    g_autofree char *xml = invoke_vsms ("FormatAllDisks", "");

    xmlFreeDoc (call_fault (&fixture, "hv-a", xml, "a:ActionNotSupported"));
  }

  sim_fixture_stop (&fixture);
}

static char *
find_affected (SimFixture *fixture,
               const char *host,
               const char *job_id,
               const char *result_class,
               const char *prefix)
{
  g_autofree char *body = g_strdup_printf ("<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                           "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements>"
                                           "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">"
                                           "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID=\"%s\"} WHERE AssocClass = Msvm_AffectedJobElement ResultClass = %s"
                                           "</w:Filter></n:Enumerate>", job_id, result_class);
  g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "*", NULL, body);
  g_autofree char *path = g_strdup_printf ("//w:Items/%s:%s/%s:Name", prefix, result_class, prefix);
  xmlDoc *doc = call_ok (fixture, host, xml);
  char *name = sim_xpath_string (doc, path);

  xmlFreeDoc (doc);
  return name;
}

/* How many jobs ASSOCIATORS OF the VM @vm_id gives through Msvm_AffectedJobElement, with
 * @result_class; whether @job_id is one of them goes to @has_job. The object path names both
 * keys of Msvm_ComputerSystem, as WMI writes it. */
static guint
count_jobs_affecting (SimFixture *fixture,
                      const char *host,
                      const char *vm_id,
                      const char *result_class,
                      const char *job_id,
                      gboolean   *has_job)
{
  g_autofree char *body = g_strdup_printf ("<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                           "<w:OptimizeEnumeration/><w:MaxElements>50</w:MaxElements>"
                                           "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">"
                                           "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"%s\"}"
                                           " WHERE AssocClass = Msvm_AffectedJobElement ResultClass = %s"
                                           "</w:Filter></n:Enumerate>", vm_id, result_class);
  g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "*", NULL, body);
  g_autofree char *path = g_strdup_printf ("//w:Items/*[*[local-name()='InstanceID']='%s']", job_id);
  xmlDoc *doc = call_ok (fixture, host, xml);
  guint n = sim_xpath_count (doc, "//w:Items/*");

  *has_job = sim_xpath_count (doc, path) == 1;
  xmlFreeDoc (doc);
  return n;
}

static void
test_lifecycle (void)
{
  SimFixture fixture = { 0 };
  JobStatus status = { 0 };
  g_autofree char *gold = NULL;
  g_autofree char *job = NULL;
  g_autofree char *planned = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *definition = NULL;
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  gold = vm_id (&fixture, "hv-a", "gold");

  /* Export */
  {
    g_autofree char *cs = epr_param ("ComputerSystem", "Msvm_ComputerSystem", gold);
    g_autofree char *params = g_strdup_printf ("%s<p:ExportDirectory>D:\\Exports</p:ExportDirectory>"
                                               "<p:ExportSettingData><![CDATA[<INSTANCE CLASSNAME=\"Msvm_VirtualSystemExportSettingData\">"
                                               "<PROPERTY NAME=\"CopySnapshotConfiguration\" TYPE=\"uint8\"><VALUE>0</VALUE></PROPERTY>"
                                               "<PROPERTY NAME=\"CopyVmStorage\" TYPE=\"boolean\"><VALUE>true</VALUE></PROPERTY>"
                                               "<PROPERTY NAME=\"CopyVmRuntimeInformation\" TYPE=\"boolean\"><VALUE>true</VALUE></PROPERTY>"
                                               "<PROPERTY NAME=\"CreateVmExportSubdirectory\" TYPE=\"boolean\"><VALUE>true</VALUE></PROPERTY>"
                                               "</INSTANCE>]]></p:ExportSettingData>", cs);
    g_autofree char *xml = invoke_vsms ("ExportSystemDefinition", params);
    g_autofree char *action = NULL;

    doc = call_ok (&fixture, "hv-a", xml);
    action = sim_xpath_string (doc, "/s:Envelope/s:Header/a:Action");
    g_assert_cmpstr (action, ==, V2 "Msvm_VirtualSystemManagementService/ExportSystemDefinitionResponse");
    job = expect_job (doc, "ExportSystemDefinition", "vsms", "Msvm_ConcreteJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_ConcreteJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    g_assert_cmpuint (status.percent, ==, 100);
    g_assert_cmpuint (status.error_code, ==, 0);
  }

  /* A second export into the same directory fails the way Hyper-V does: in the job. */
  {
    g_autofree char *cs = epr_param ("ComputerSystem", "Msvm_ComputerSystem", gold);
    g_autofree char *params = g_strdup_printf ("%s<p:ExportDirectory>D:\\Exports</p:ExportDirectory><p:ExportSettingData></p:ExportSettingData>", cs);
    g_autofree char *xml = invoke_vsms ("ExportSystemDefinition", params);
    g_autofree char *job2 = NULL;

    doc = call_ok (&fixture, "hv-a", xml);
    job2 = expect_job (doc, "ExportSystemDefinition", "vsms", "Msvm_ConcreteJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_ConcreteJob", job2, &status);
    g_assert_cmpuint (status.state, ==, 10);
    g_assert_cmpuint (status.error_code, ==, 32768);
    g_assert_nonnull (strstr (status.error, "already contains"));
  }

  /* Import → planned VM, found through Msvm_AffectedJobElement */
  definition = g_strdup_printf ("D:\\Exports\\gold\\Virtual Machines\\%s.vmcx", gold);
  {
    g_autofree char *params = g_strdup_printf ("<p:SystemDefinitionFile>%s</p:SystemDefinitionFile>"
                                               "<p:SnapshotFolder></p:SnapshotFolder>"
                                               "<p:GenerateNewSystemIdentifier>true</p:GenerateNewSystemIdentifier>", definition);
    g_autofree char *xml = invoke_vsms ("ImportSystemDefinition", params);
    g_free (job);

    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "ImportSystemDefinition", "vsms", "Msvm_ConcreteJob");
    /* Real hosts return no ImportedSystem with 4096. */
    g_assert_cmpint (sim_xpath_count (doc, "//vsms:ImportedSystem"), ==, 0);
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_ConcreteJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    planned = find_affected (&fixture, "hv-a", job, "Msvm_PlannedComputerSystem", "pcs");
    g_assert_cmpstr (planned, !=, "");
    g_assert_cmpstr (planned, !=, gold);
  }

  /* The association class itself can be enumerated too. */
  {
    g_autofree char *xml = envelope (ACTION_ENUMERATE, V2 "Msvm_AffectedJobElement", NULL,
                                     "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                     "<w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>");
    g_autofree char *path = g_strdup_printf ("//aje:Msvm_AffectedJobElement[aje:AffectingElement/a:ReferenceParameters/w:SelectorSet/w:Selector='%s']"
                                             "/aje:AffectedElement/a:ReferenceParameters/w:SelectorSet/w:Selector[@Name='Name']", job);
    g_autofree char *affected = NULL;

    doc = call_ok (&fixture, "hv-a", xml);
    affected = sim_xpath_string (doc, path);
    g_assert_cmpstr (affected, ==, planned);
    xmlFreeDoc (doc);
  }

  /* Realize */
  {
    g_autofree char *ps = epr_param ("PlannedSystem", "Msvm_PlannedComputerSystem", planned);
    g_autofree char *xml = invoke_vsms ("RealizePlannedSystem", ps);

    g_free (job);
    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "RealizePlannedSystem", "vsms", "Msvm_ConcreteJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_ConcreteJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    copy = find_affected (&fixture, "hv-a", job, "Msvm_ComputerSystem", "cs");
    g_assert_cmpstr (copy, ==, planned);
  }

  /* Migrate the copy to hv-b: VM and storage move, progress is visible. */
  {
    g_autofree char *xml = invoke_migrate (copy, "hv-b", MIGRATION_SETTINGS);
    g_autofree char *sel = selector ("Name", copy);
    g_autofree char *get = envelope (ACTION_GET, V2 "Msvm_ComputerSystem", sel, NULL);
    g_autofree char *name = NULL;

    g_free (job);
    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "MigrateVirtualSystemToHost", "mig", "Msvm_MigrationJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_MigrationJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    g_assert_true (status.saw_running_progress);

    doc = call_ok (&fixture, "hv-b", get);
    name = sim_xpath_string (doc, "//cs:ElementName");
    g_assert_cmpstr (name, ==, "gold");
    xmlFreeDoc (doc);
    xmlFreeDoc (call_fault (&fixture, "hv-a", get, "a:DestinationUnreachable"));

    /* The jobs of a VM, through the association walked from the VM: the migration is a
     * concrete job and a migration job; the gold VM's are its two exports, not the import
     * that read one of them. */
    {
      gboolean has_job = FALSE;

      g_assert_cmpuint (count_jobs_affecting (&fixture, "hv-a", copy, "CIM_ConcreteJob", job,
                                              &has_job), >=, 1);
      g_assert_true (has_job);
      g_assert_cmpuint (count_jobs_affecting (&fixture, "hv-a", copy, "Msvm_MigrationJob", job,
                                              &has_job), ==, 1);
      g_assert_true (has_job);
      g_assert_cmpuint (count_jobs_affecting (&fixture, "hv-a", gold, "Msvm_ConcreteJob", job,
                                              &has_job), ==, 2);
      g_assert_false (has_job);
      g_assert_cmpuint (count_jobs_affecting (&fixture, "hv-a", gold, "Msvm_MigrationJob", job,
                                              &has_job), ==, 0);
    }

    /* Jobs are also visible through WQL, migration jobs among the concrete jobs. */
    {
      g_autofree char *body = g_strdup_printf ("<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\">"
                                               "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements>"
                                               "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">"
                                               "SELECT * FROM Msvm_ConcreteJob WHERE InstanceID = '%s'</w:Filter></n:Enumerate>", job);
      g_autofree char *en = envelope (ACTION_ENUMERATE, V2 "*", NULL, body);
      g_autofree char *dest = NULL;

      doc = call_ok (&fixture, "hv-a", en);
      dest = sim_xpath_string (doc, "//mj:Msvm_MigrationJob/mj:DestinationHost");
      g_assert_cmpstr (dest, ==, "hv-b");
      xmlFreeDoc (doc);
    }
  }

  /* Destroy it on hv-b */
  {
    g_autofree char *as = epr_param ("AffectedSystem", "Msvm_ComputerSystem", copy);
    g_autofree char *xml = invoke_vsms ("DestroySystem", as);

    g_free (job);
    doc = call_ok (&fixture, "hv-b", xml);
    job = expect_job (doc, "DestroySystem", "vsms", "Msvm_ConcreteJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-b", "Msvm_ConcreteJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    g_assert_null (vdi_sim_provider_find_vm (vdi_sim_world_find_provider (fixture.world, "hv-b"), copy));
  }

  g_free (status.error);
  sim_fixture_stop (&fixture);
}

static void
test_state_change (void)
{
  SimFixture fixture = { 0 };
  JobStatus status = { 0 };
  g_autofree char *busy = NULL;
  g_autofree char *job = NULL;
  g_autofree char *rv = NULL;
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  busy = vm_id (&fixture, "hv-a", "busy");

  /* Export needs the VM off: 32775 Invalid state, synchronously. */
  {
    g_autofree char *cs = epr_param ("ComputerSystem", "Msvm_ComputerSystem", busy);
    g_autofree char *params = g_strdup_printf ("%s<p:ExportDirectory>D:\\Exports</p:ExportDirectory>", cs);
    g_autofree char *xml = invoke_vsms ("ExportSystemDefinition", params);

    doc = call_ok (&fixture, "hv-a", xml);
    rv = sim_xpath_string (doc, "//vsms:ReturnValue");
    g_assert_cmpstr (rv, ==, "32775");
    g_assert_cmpint (sim_xpath_count (doc, "//vsms:Job"), ==, 0);
    xmlFreeDoc (doc);
  }

  /* Turn it off (RequestedState 3) on the instance. */
  {
    g_autofree char *sel = g_strdup_printf ("<w:SelectorSet><w:Selector Name=\"CreationClassName\">Msvm_ComputerSystem</w:Selector>"
                                            "<w:Selector Name=\"Name\">%s</w:Selector></w:SelectorSet>", busy);
    g_autofree char *xml = envelope (V2 "Msvm_ComputerSystem/RequestStateChange", V2 "Msvm_ComputerSystem", sel,
                                     "<p:RequestStateChange_INPUT xmlns:p=\"" V2 "Msvm_ComputerSystem\">"
                                     "<p:RequestedState>3</p:RequestedState></p:RequestStateChange_INPUT>");

    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "RequestStateChange", "cs", "Msvm_ConcreteJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_ConcreteJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    g_assert_cmpint (vdi_sim_provider_find_vm (vdi_sim_world_find_provider (fixture.world, "hv-a"), busy)->power, ==, VDI_SIM_POWER_OFF);

    /* Again: already off. */
    doc = call_ok (&fixture, "hv-a", xml);
    g_free (rv);
    rv = sim_xpath_string (doc, "//cs:ReturnValue");
    g_assert_cmpstr (rv, ==, "32775");
    xmlFreeDoc (doc);
  }

  /* Services need their selector. */
  {
    g_autofree char *xml = envelope (V2 "Msvm_VirtualSystemManagementService/DestroySystem",
                                     V2 "Msvm_VirtualSystemManagementService", NULL,
                                     "<p:DestroySystem_INPUT xmlns:p=\"" V2 "Msvm_VirtualSystemManagementService\"/>");

    xmlFreeDoc (call_fault (&fixture, "hv-a", xml, "w:InternalError"));
  }

  g_free (status.error);
  sim_fixture_stop (&fixture);
}

/* ModifySystemSettings renames a VM: the settings instance names the VM's own settings. */
static char *
invoke_rename (const char *instance_id,
               const char *name)
{
  g_autofree char *params =
    g_strdup_printf ("<p:SystemSettings><![CDATA[<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\">"
                     "<PROPERTY NAME=\"InstanceID\" TYPE=\"string\"><VALUE>%s</VALUE></PROPERTY>"
                     "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>%s</VALUE></PROPERTY>"
                     "</INSTANCE>]]></p:SystemSettings>", instance_id, name);

  return invoke_vsms ("ModifySystemSettings", params);
}

static void
test_rename (void)
{
  SimFixture fixture = { 0 };
  g_autofree char *gold = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *long_name = g_strnfill (101, 'x');
  static const char * const refused[][2] = {
    { "Microsoft:00000000-0000-0000-0000-000000000000", "VDI-001" },  /* no such VM */
    { NULL, "" },                                                      /* no name */
    { NULL, NULL },                                                    /* a name too long */
  };
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  gold = vm_id (&fixture, "hv-a", "gold");
  settings = g_strconcat ("Microsoft:", gold, NULL);

  /* Done at once: ReturnValue 0 and no job; a Get shows the new name. */
  {
    g_autofree char *xml = invoke_rename (settings, "VDI-001");
    g_autofree char *sel = selector ("Name", gold);
    g_autofree char *get = envelope (ACTION_GET, V2 "Msvm_ComputerSystem", sel, NULL);
    g_autofree char *rv = NULL;
    g_autofree char *name = NULL;

    doc = call_ok (&fixture, "hv-a", xml);
    rv = sim_xpath_string (doc, "//vsms:ReturnValue");
    g_assert_cmpstr (rv, ==, "0");
    g_assert_cmpint (sim_xpath_count (doc, "//vsms:Job"), ==, 0);
    xmlFreeDoc (doc);

    doc = call_ok (&fixture, "hv-a", get);
    name = sim_xpath_string (doc, "//cs:ElementName");
    g_assert_cmpstr (name, ==, "VDI-001");
    xmlFreeDoc (doc);
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *xml = invoke_rename (refused[i][0] != NULL ? refused[i][0] : settings,
                                            refused[i][1] != NULL ? refused[i][1] : long_name);
      g_autofree char *rv = NULL;

      doc = call_ok (&fixture, "hv-a", xml);
      rv = sim_xpath_string (doc, "//vsms:ReturnValue");
      g_assert_cmpstr (rv, ==, "32773");
      xmlFreeDoc (doc);
    }
  g_assert_cmpstr (vdi_sim_provider_find_vm (vdi_sim_world_find_provider (fixture.world, "hv-a"),
                                             gold)->name, ==, "VDI-001");

  sim_fixture_stop (&fixture);
}

static void
test_migration_errors (void)
{
  SimFixture fixture = { 0 };
  JobStatus status = { 0 };
  g_autofree char *vm3 = NULL;
  g_autofree char *job = NULL;
  xmlDoc *doc;

  sim_fixture_start (&fixture, scenario);
  vm3 = vm_id (&fixture, "hv-a", "vm-3");

  {
    g_autofree char *xml = invoke_migrate (vm3, "hv-nowhere", MIGRATION_SETTINGS);

    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "MigrateVirtualSystemToHost", "mig", "Msvm_MigrationJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_MigrationJob", job, &status);
    g_assert_cmpuint (status.state, ==, 10);
    g_assert_cmpuint (status.error_code, ==, 32768);
    g_assert_nonnull (strstr (status.error, "hv-nowhere"));
  }

  /* DestinationHost may also be the destination's ADDRESS:PORT, all hosts being on loopback. */
  {
    VdiSimProvider *c = vdi_sim_world_find_provider (fixture.world, "hv-c");
    g_autofree char *vm4 = vm_id (&fixture, "hv-a", "vm-4");
    g_autofree char *dest = g_strdup_printf ("127.0.0.1:%u", c->port);
    g_autofree char *xml = invoke_migrate (vm4, dest, MIGRATION_SETTINGS);

    g_free (job);
    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "MigrateVirtualSystemToHost", "mig", "Msvm_MigrationJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_MigrationJob", job, &status);
    g_assert_cmpuint (status.state, ==, 7);
    g_assert_nonnull (vdi_sim_provider_find_vm (c, vm4));
  }

  /* Injected: the job fails midway with the given text. */
  sim_control_post (&fixture, "/providers/hv-a/faults",
                    "{\"method\": \"MigrateVirtualSystemToHost\", \"fault\": \"job\", \"message\": \"Injected copy failure\"}");
  {
    g_autofree char *xml = invoke_migrate (vm3, "hv-b", MIGRATION_SETTINGS);

    g_free (job);
    doc = call_ok (&fixture, "hv-a", xml);
    job = expect_job (doc, "MigrateVirtualSystemToHost", "mig", "Msvm_MigrationJob");
    xmlFreeDoc (doc);
    wait_job (&fixture, "hv-a", "Msvm_MigrationJob", job, &status);
    g_assert_cmpuint (status.state, ==, 10);
    g_assert_cmpstr (status.error, ==, "Injected copy failure");
    g_assert_cmpuint (status.percent, ==, 50);
    /* The VM stayed where it was. */
    g_assert_nonnull (vdi_sim_provider_find_vm (vdi_sim_world_find_provider (fixture.world, "hv-a"), vm3));
  }

  /* Injected synchronous return value and SOAP faults. */
  sim_control_post (&fixture, "/providers/hv-a/faults",
                    "{\"method\": \"MigrateVirtualSystemToHost\", \"fault\": \"return:32769\"}");
  sim_control_post (&fixture, "/providers/hv-a/faults",
                    "{\"method\": \"Enumerate\", \"fault\": \"AccessDenied\", \"count\": 2}");
  {
    g_autofree char *xml = invoke_migrate (vm3, "hv-b", MIGRATION_SETTINGS);
    g_autofree char *en = envelope (ACTION_ENUMERATE, V2 "Msvm_ComputerSystem", NULL,
                                    "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"/>");
    g_autofree char *rv = NULL;

    doc = call_ok (&fixture, "hv-a", xml);
    rv = sim_xpath_string (doc, "//mig:ReturnValue");
    g_assert_cmpstr (rv, ==, "32769");
    xmlFreeDoc (doc);

    xmlFreeDoc (call_fault (&fixture, "hv-a", en, "w:AccessDenied"));
    xmlFreeDoc (call_fault (&fixture, "hv-a", en, "w:AccessDenied"));
    xmlFreeDoc (call_ok (&fixture, "hv-a", en));
  }

  g_free (status.error);
  sim_fixture_stop (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/wsman/identify", test_identify);
  g_test_add_func ("/sim/wsman/auth", test_auth);
  g_test_add_func ("/sim/wsman/enumerate-paging", test_enumerate_paging);
  g_test_add_func ("/sim/wsman/enumeration-expiry", test_enumeration_expiry);
  g_test_add_func ("/sim/wsman/get-and-faults", test_get_and_faults);
  g_test_add_func ("/sim/wsman/lifecycle", test_lifecycle);
  g_test_add_func ("/sim/wsman/state-change", test_state_change);
  g_test_add_func ("/sim/wsman/migration-errors", test_migration_errors);
  g_test_add_func ("/sim/wsman/rename", test_rename);

  return g_test_run ();
}
