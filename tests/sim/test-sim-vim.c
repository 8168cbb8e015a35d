/* test-sim-vim.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Conformance of the simulated vCenters: vim25 envelopes as in research/vsphere-vim25.md,
 * answers checked with XPath. */

#include "config.h"

#include "sim-test-util.h"

static const char scenario[] =
  "{ \"time_scale\": 200,"
  "  \"vcenters\": [ { \"name\": \"vc\", \"version\": \"8.0\", \"user\": \"administrator@vsphere.local\", \"password\": \"VMware1!\","
  "      \"datacenter\": \"DC\", \"hosts\": [ \"esx-1\", \"esx-2\" ],"
  "      \"datastores\": ["
  "        { \"name\": \"ds-big\", \"capacity_gb\": 1000, \"free_gb\": 800, \"mbps\": 2000 },"
  "        { \"name\": \"ds-full\", \"capacity_gb\": 100, \"free_gb\": 15, \"mbps\": 2000 },"
  "        { \"name\": \"ds-down\", \"capacity_gb\": 100, \"free_gb\": 90, \"accessible\": false } ],"
  "      \"vms\": [ { \"name\": \"tpl\", \"disk_gb\": 20, \"template\": true, \"datastore\": \"ds-big\", \"host\": \"esx-1\" },"
  "                { \"name\": \"vm-on\", \"disk_gb\": 20, \"state\": \"running\", \"datastore\": \"ds-big\", \"host\": \"esx-2\" },"
  "                { \"name\": \"vm-off\", \"disk_gb\": 20, \"datastore\": \"ds-big\", \"host\": \"esx-2\" },"
  "                { \"name\": \"vm-4\", \"disk_gb\": 1, \"datastore\": \"ds-big\" },"
  "                { \"name\": \"vm-5\", \"disk_gb\": 1, \"datastore\": \"ds-big\" } ] } ] }";

static char *
env (const char *body)
{
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
                          " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                          "<soapenv:Body>%s</soapenv:Body></soapenv:Envelope>", body);
}

typedef struct
{
  SimFixture  fixture;
  char       *url;
  char       *cookie;
} Vim;

static SimReply *
vim_call (Vim        *vim,
          const char *body)
{
  g_autofree char *xml = env (body);
  g_autoptr(GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (headers, (char *) "SOAPAction", (char *) "urn:vim25/8.0.2.0");
  if (vim->cookie != NULL)
    g_hash_table_insert (headers, (char *) "Cookie", vim->cookie);
  return sim_post (vim->fixture.session, vim->url, "text/xml; charset=\"utf-8\"", xml, NULL, NULL, headers);
}

static xmlDoc *
vim_ok (Vim        *vim,
        const char *body)
{
  g_autoptr(SimReply) reply = vim_call (vim, body);

  if (reply->status != 200)
    g_error ("status %u: %s", reply->status, sim_reply_text (reply));
  return sim_parse_xml (reply);
}

static void
vim_fault (Vim        *vim,
           const char *body,
           const char *type)
{
  g_autoptr(SimReply) reply = vim_call (vim, body);
  xmlDoc *doc;
  g_autofree char *got = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (reply->status, ==, 500);
  doc = sim_parse_xml (reply);
  got = sim_xpath_string (doc, "/soapenv:Envelope/soapenv:Body/soapenv:Fault/detail/*[1]/@xsi:type");
  code = sim_xpath_string (doc, "/soapenv:Envelope/soapenv:Body/soapenv:Fault/faultcode");
  g_assert_cmpstr (got, ==, type);
  g_assert_cmpstr (code, ==, "ServerFaultCode");
  xmlFreeDoc (doc);
}

static void
vim_start (Vim *vim)
{
  sim_fixture_start (&vim->fixture, scenario);
  vim->url = sim_provider_url (&vim->fixture, "vc");
}

static void
vim_login (Vim *vim)
{
  g_autofree char *xml = env ("<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this>"
                              "<userName>administrator@vsphere.local</userName><password>VMware1!</password><locale>en_US</locale></Login>");
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", vim->url);
  g_autoptr(GBytes) bytes = g_bytes_new (xml, strlen (xml));
  g_autoptr(SimReply) reply = NULL;
  const char *set_cookie;

  soup_message_set_request_body_from_bytes (msg, "text/xml; charset=\"utf-8\"", bytes);
  reply = sim_send_message (vim->fixture.session, msg);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  set_cookie = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Set-Cookie");
  g_assert_nonnull (set_cookie);
  g_assert_true (g_str_has_prefix (set_cookie, "vmware_soap_session=\""));
  vim->cookie = g_strndup (set_cookie, strchr (set_cookie, ';') - set_cookie);
}

static void
vim_stop (Vim *vim)
{
  g_clear_pointer (&vim->url, g_free);
  g_clear_pointer (&vim->cookie, g_free);
  sim_fixture_stop (&vim->fixture);
}

static const char *
moid_of (Vim        *vim,
         const char *kind,
         const char *name)
{
  VdiSimProvider *vc = vdi_sim_world_find_provider (vim->fixture.world, "vc");

  if (g_str_equal (kind, "vm"))
    return vdi_sim_provider_find_vm_by_name (vc, name)->id;
  if (g_str_equal (kind, "ds"))
    return vdi_sim_provider_find_datastore (vc, name)->moid;
  if (g_str_equal (kind, "host"))
    return vdi_sim_provider_find_esx_host (vc, name)->moid;
  return vc->pool_moid;
}

static char *
create_view (Vim        *vim,
             const char *type)
{
  g_autofree char *body = g_strdup_printf ("<CreateContainerView xmlns=\"urn:vim25\"><_this type=\"ViewManager\">ViewManager</_this>"
                                           "<container type=\"Folder\">group-d1</container><type>%s</type><recursive>true</recursive></CreateContainerView>", type);
  xmlDoc *doc = vim_ok (vim, body);
  char *view = sim_xpath_string (doc, "//vim:CreateContainerViewResponse/vim:returnval[@type='ContainerView']");

  xmlFreeDoc (doc);
  g_assert_true (g_str_has_prefix (view, "session["));
  return view;
}

static char *
retrieve_body (const char *view,
               const char *type,
               const char *paths,
               int         max_objects)
{
  g_autofree char *options = max_objects > 0 ? g_strdup_printf ("<options><maxObjects>%d</maxObjects></options>", max_objects)
                                             : g_strdup ("<options/>");

  return g_strdup_printf ("<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                          "<specSet><propSet><type>%s</type><all>false</all>%s</propSet>"
                          "<objectSet><obj type=\"ContainerView\">%s</obj><skip>true</skip>"
                          "<selectSet xsi:type=\"TraversalSpec\"><name>traverseEntities</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>"
                          "</objectSet></specSet>%s</RetrievePropertiesEx>", type, paths, view, options);
}

static void
test_session (void)
{
  Vim vim = { { 0 } };
  xmlDoc *doc;
  g_autofree char *pc = NULL;
  g_autofree char *version = NULL;

  vim_start (&vim);

  doc = vim_ok (&vim, "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">ServiceInstance</_this></RetrieveServiceContent>");
  pc = sim_xpath_string (doc, "/soapenv:Envelope/soapenv:Body/vim:RetrieveServiceContentResponse/vim:returnval/vim:propertyCollector");
  version = sim_xpath_string (doc, "//vim:about/vim:apiVersion");
  g_assert_cmpstr (pc, ==, "propertyCollector");
  g_assert_true (g_str_has_prefix (version, "8.0"));
  xmlFreeDoc (doc);

  /* Without a session */
  vim_fault (&vim, "<CreateContainerView xmlns=\"urn:vim25\"><_this type=\"ViewManager\">ViewManager</_this>"
                   "<container type=\"Folder\">group-d1</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>",
             "NotAuthenticated");
  vim_fault (&vim, "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this>"
                   "<userName>administrator@vsphere.local</userName><password>nope</password></Login>", "InvalidLogin");

  vim_login (&vim);
  /* A second Login on a live session is refused, as vcsim does. */
  vim_fault (&vim, "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this>"
                   "<userName>administrator@vsphere.local</userName><password>VMware1!</password></Login>", "InvalidLogin");

  doc = vim_ok (&vim, "<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this></Logout>");
  g_assert_cmpint (sim_xpath_count (doc, "//vim:LogoutResponse"), ==, 1);
  xmlFreeDoc (doc);
  vim_fault (&vim, "<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this></Logout>", "NotAuthenticated");

  vim_stop (&vim);
}

static void
test_retrieve_paging (void)
{
  Vim vim = { { 0 } };
  g_autofree char *view = NULL;
  g_autofree char *body = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  xmlDoc *doc;
  guint pages = 0;

  vim_start (&vim);
  vim_login (&vim);
  view = create_view (&vim, "VirtualMachine");

  body = retrieve_body (view, "VirtualMachine", "<pathSet>name</pathSet><pathSet>config.template</pathSet><pathSet>runtime.host</pathSet><pathSet>datastore</pathSet>", 2);
  doc = vim_ok (&vim, body);
  for (;;)
    {
      int n = sim_xpath_count (doc, "//vim:returnval/vim:objects");

      g_assert_cmpint (n, <=, 2);
      for (int i = 1; i <= n; i++)
        {
          g_autofree char *path = g_strdup_printf ("//vim:returnval/vim:objects[%d]/vim:propSet[vim:name='name']/vim:val", i);

          g_ptr_array_add (names, sim_xpath_string (doc, path));
        }
      pages++;
      g_free (token);
      token = sim_xpath_string (doc, "//vim:returnval/vim:token");
      xmlFreeDoc (doc);
      if (*token == '\0')
        break;
      {
        g_autofree char *cont = g_strdup_printf ("<ContinueRetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                                                 "<token>%s</token></ContinueRetrievePropertiesEx>", token);

        doc = vim_ok (&vim, cont);
      }
    }
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_cmpuint (pages, ==, 3);

  /* A token is good once. */
  {
    g_autofree char *cont = g_strdup_printf ("<ContinueRetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                                             "<token>1</token></ContinueRetrievePropertiesEx>");

    vim_fault (&vim, cont, "InvalidArgument");
  }

  /* Template without pool, MoRef vals with a plain type attribute, unknown paths in missingSet. */
  {
    g_autofree char *one = g_strdup_printf ("<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                                            "<specSet><propSet><type>VirtualMachine</type><pathSet>config.template</pathSet><pathSet>runtime.host</pathSet>"
                                            "<pathSet>resourcePool</pathSet><pathSet>bogus.prop</pathSet></propSet>"
                                            "<objectSet><obj type=\"VirtualMachine\">%s</obj></objectSet></specSet><options/></RetrievePropertiesEx>",
                                            moid_of (&vim, "vm", "tpl"));
    g_autofree char *template = NULL;
    g_autofree char *host = NULL;
    g_autofree char *host_type = NULL;

    doc = vim_ok (&vim, one);
    template = sim_xpath_string (doc, "//vim:propSet[vim:name='config.template']/vim:val");
    host = sim_xpath_string (doc, "//vim:propSet[vim:name='runtime.host']/vim:val");
    host_type = sim_xpath_string (doc, "//vim:propSet[vim:name='runtime.host']/vim:val/@type");
    g_assert_cmpstr (template, ==, "true");
    g_assert_cmpstr (host, ==, moid_of (&vim, "host", "esx-1"));
    g_assert_cmpstr (host_type, ==, "HostSystem");
    g_assert_cmpint (sim_xpath_count (doc, "//vim:propSet[vim:name='resourcePool']"), ==, 0);
    g_assert_cmpint (sim_xpath_count (doc, "//vim:missingSet[vim:path='bogus.prop']/vim:fault/vim:fault[@xsi:type='InvalidProperty']"), ==, 1);
    xmlFreeDoc (doc);
  }

  /* Datastores and hosts */
  {
    g_autofree char *ds_view = create_view (&vim, "Datastore");
    g_autofree char *ds_body = retrieve_body (ds_view, "Datastore", "<pathSet>name</pathSet><pathSet>summary.capacity</pathSet>"
                                              "<pathSet>summary.freeSpace</pathSet><pathSet>summary.accessible</pathSet><pathSet>summary.type</pathSet>", 0);
    g_autofree char *free_space = NULL;
    g_autofree char *accessible = NULL;
    g_autofree char *host_view = create_view (&vim, "HostSystem");
    g_autofree char *host_body = retrieve_body (host_view, "HostSystem", "<pathSet>name</pathSet><pathSet>runtime.connectionState</pathSet>", 0);
    g_autofree char *state = NULL;

    doc = vim_ok (&vim, ds_body);
    g_assert_cmpint (sim_xpath_count (doc, "//vim:objects"), ==, 3);
    free_space = sim_xpath_string (doc, "//vim:objects[vim:propSet[vim:name='name']/vim:val='ds-full']/vim:propSet[vim:name='summary.freeSpace']/vim:val");
    accessible = sim_xpath_string (doc, "//vim:objects[vim:propSet[vim:name='name']/vim:val='ds-down']/vim:propSet[vim:name='summary.accessible']/vim:val");
    g_assert_cmpstr (free_space, ==, "16106127360");
    g_assert_cmpstr (accessible, ==, "false");
    xmlFreeDoc (doc);

    doc = vim_ok (&vim, host_body);
    g_assert_cmpint (sim_xpath_count (doc, "//vim:objects"), ==, 2);
    state = sim_xpath_string (doc, "//vim:objects[1]/vim:propSet[vim:name='runtime.connectionState']/vim:val");
    g_assert_cmpstr (state, ==, "connected");
    xmlFreeDoc (doc);
  }

  /* Unknown object: ManagedObjectNotFound; bad view type: InvalidArgument. */
  vim_fault (&vim, "<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                   "<specSet><propSet><type>Task</type><pathSet>info.state</pathSet></propSet>"
                   "<objectSet><obj type=\"Task\">task-999999</obj></objectSet></specSet><options/></RetrievePropertiesEx>",
             "ManagedObjectNotFound");
  vim_fault (&vim, "<CreateContainerView xmlns=\"urn:vim25\"><_this type=\"ViewManager\">ViewManager</_this>"
                   "<container type=\"Folder\">group-d1</container><type>Unicorn</type><recursive>true</recursive></CreateContainerView>",
             "InvalidArgument");

  {
    g_autofree char *destroy = g_strdup_printf ("<DestroyView xmlns=\"urn:vim25\"><_this type=\"ContainerView\">%s</_this></DestroyView>", view);

    xmlFreeDoc (vim_ok (&vim, destroy));
    vim_fault (&vim, body, "ManagedObjectNotFound");
  }

  vim_stop (&vim);
}

typedef struct
{
  char *state;
  int   progress;
  char *error_type;
  char *result;
  gboolean saw_running;
  gboolean saw_progress;
} TaskStatus;

static void
task_status_clear (TaskStatus *status)
{
  g_clear_pointer (&status->state, g_free);
  g_clear_pointer (&status->error_type, g_free);
  g_clear_pointer (&status->result, g_free);
}

static void
poll_task (Vim        *vim,
           const char *task,
           TaskStatus *status)
{
  g_autofree char *body = g_strdup_printf ("<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this>"
                                           "<specSet><propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.progress</pathSet>"
                                           "<pathSet>info.error</pathSet><pathSet>info.result</pathSet></propSet>"
                                           "<objectSet><obj type=\"Task\">%s</obj></objectSet></specSet><options/></RetrievePropertiesEx>", task);
  gint64 deadline = g_get_monotonic_time () + SIM_TEST_TIMEOUT_MS * 1000;

  status->saw_running = status->saw_progress = FALSE;
  for (;;)
    {
      xmlDoc *doc = vim_ok (vim, body);
      g_autofree char *progress = NULL;

      task_status_clear (status);
      status->state = sim_xpath_string (doc, "//vim:propSet[vim:name='info.state']/vim:val");
      progress = sim_xpath_string (doc, "//vim:propSet[vim:name='info.progress']/vim:val");
      status->progress = *progress != '\0' ? atoi (progress) : -1;
      status->error_type = sim_xpath_string (doc, "//vim:propSet[vim:name='info.error']/vim:val/vim:fault/@xsi:type");
      status->result = sim_xpath_string (doc, "//vim:propSet[vim:name='info.result']/vim:val");
      xmlFreeDoc (doc);

      if (g_str_equal (status->state, "running"))
        {
          status->saw_running = TRUE;
          status->saw_progress |= status->progress > 0 && status->progress < 100;
        }
      if (g_str_equal (status->state, "success") || g_str_equal (status->state, "error"))
        return;
      g_assert_true (g_str_equal (status->state, "queued") || g_str_equal (status->state, "running"));
      if (g_get_monotonic_time () > deadline)
        g_error ("task %s did not finish", task);
      sim_sleep_ms (20);
    }
}

static char *
start_task (Vim        *vim,
            const char *body)
{
  xmlDoc *doc = vim_ok (vim, body);
  char *task = sim_xpath_string (doc, "/soapenv:Envelope/soapenv:Body/*/vim:returnval[@type='Task']");

  xmlFreeDoc (doc);
  g_assert_true (g_str_has_prefix (task, "task-"));
  return task;
}

static char *
clone_body (Vim        *vim,
            const char *source,
            const char *name,
            const char *datastore,
            gboolean    with_pool)
{
  g_autofree char *pool = with_pool ? g_strdup_printf ("<pool type=\"ResourcePool\">%s</pool>", moid_of (vim, "pool", NULL)) : g_strdup ("");

  return g_strdup_printf ("<CloneVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this><folder type=\"Folder\">group-v3</folder>"
                          "<name>%s</name><spec><location><datastore type=\"Datastore\">%s</datastore>%s"
                          "<host type=\"HostSystem\">%s</host></location><template>false</template><powerOn>false</powerOn></spec></CloneVM_Task>",
                          moid_of (vim, "vm", source), name, moid_of (vim, "ds", datastore), pool, moid_of (vim, "host", "esx-2"));
}

static void
test_clone_and_tasks (void)
{
  Vim vim = { { 0 } };
  TaskStatus status = { 0 };
  g_autofree char *task = NULL;
  VdiSimProvider *vc;
  guint64 free_before;

  vim_start (&vim);
  vim_login (&vim);
  vc = vdi_sim_world_find_provider (vim.fixture.world, "vc");
  free_before = vdi_sim_provider_find_datastore (vc, "ds-big")->free;

  /* Clone the template onto ds-big: queued → running with progress → success, space consumed. */
  {
    g_autofree char *body = clone_body (&vim, "tpl", "clone-1", "ds-big", TRUE);
    VdiSimVm *clone;

    task = start_task (&vim, body);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.state, ==, "success");
    g_assert_true (status.saw_running);
    g_assert_true (status.saw_progress);
    clone = vdi_sim_provider_find_vm_by_name (vc, "clone-1");
    g_assert_nonnull (clone);
    g_assert_cmpstr (status.result, ==, clone->id);
    g_assert_cmpstr (clone->host->name, ==, "esx-2");
    g_assert_false (clone->is_template);
    g_assert_cmpuint (vdi_sim_provider_find_datastore (vc, "ds-big")->free, ==, free_before - 20 * VDI_SIM_GIB);
  }

  /* Template without pool → InvalidArgument inside the task. */
  {
    g_autofree char *body = clone_body (&vim, "tpl", "clone-2", "ds-big", FALSE);

    g_free (task);
    task = start_task (&vim, body);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.state, ==, "error");
    g_assert_cmpstr (status.error_type, ==, "InvalidArgument");
  }

  /* Not enough space → NoDiskSpace; inaccessible → InvalidDatastore. */
  {
    g_autofree char *body = clone_body (&vim, "vm-off", "clone-3", "ds-full", TRUE);
    g_autofree char *body2 = clone_body (&vim, "vm-off", "clone-4", "ds-down", TRUE);

    g_free (task);
    task = start_task (&vim, body);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "NoDiskSpace");
    g_free (task);
    task = start_task (&vim, body2);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "InvalidDatastore");
  }

  /* MarkAsTemplate on a running VM, on a template; MarkAsVirtualMachine back. */
  {
    g_autofree char *on = g_strdup_printf ("<MarkAsTemplate xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this></MarkAsTemplate>",
                                           moid_of (&vim, "vm", "vm-on"));
    g_autofree char *tpl = g_strdup_printf ("<MarkAsTemplate xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this></MarkAsTemplate>",
                                            moid_of (&vim, "vm", "tpl"));
    g_autofree char *back = g_strdup_printf ("<MarkAsVirtualMachine xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this>"
                                             "<pool type=\"ResourcePool\">%s</pool></MarkAsVirtualMachine>",
                                             moid_of (&vim, "vm", "tpl"), moid_of (&vim, "pool", NULL));
    xmlDoc *doc;

    vim_fault (&vim, on, "InvalidPowerState");
    vim_fault (&vim, tpl, "NotSupported");
    doc = vim_ok (&vim, back);
    g_assert_cmpint (sim_xpath_count (doc, "//vim:MarkAsVirtualMachineResponse[not(*)]"), ==, 1);
    xmlFreeDoc (doc);
    g_assert_false (vdi_sim_provider_find_vm_by_name (vc, "tpl")->is_template);
    xmlFreeDoc (vim_ok (&vim, tpl));
    g_assert_true (vdi_sim_provider_find_vm_by_name (vc, "tpl")->is_template);
  }

  /* Power and destroy. */
  {
    g_autofree char *off = g_strdup_printf ("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this></PowerOffVM_Task>",
                                            moid_of (&vim, "vm", "vm-off"));
    g_autofree char *destroy_on = g_strdup_printf ("<Destroy_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this></Destroy_Task>",
                                                   moid_of (&vim, "vm", "vm-on"));
    g_autofree char *power_off_on = g_strdup_printf ("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">%s</_this></PowerOffVM_Task>",
                                                     moid_of (&vim, "vm", "vm-on"));
    g_autofree char *id = g_strdup (moid_of (&vim, "vm", "vm-on"));

    g_free (task);
    task = start_task (&vim, off);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "InvalidPowerState");

    g_free (task);
    task = start_task (&vim, destroy_on);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "InvalidPowerState");

    g_free (task);
    task = start_task (&vim, power_off_on);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.state, ==, "success");

    g_free (task);
    task = start_task (&vim, destroy_on);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.state, ==, "success");
    g_assert_null (vdi_sim_provider_find_vm (vc, id));
    vim_fault (&vim, destroy_on, "ManagedObjectNotFound");
  }

  /* Injected task failure. */
  sim_control_post (&vim.fixture, "/providers/vc/faults", "{\"method\": \"CloneVM_Task\", \"fault\": \"task:SystemError\", \"message\": \"disk copy failed\"}");
  {
    g_autofree char *body = clone_body (&vim, "tpl", "clone-5", "ds-big", TRUE);

    g_free (task);
    task = start_task (&vim, body);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "SystemError");
  }

  /* Still so when the whole copy fits in one tick of the simulator's clock. */
  sim_control_post (&vim.fixture, "/time-scale", "{\"time_scale\": 1000000}");
  sim_control_post (&vim.fixture, "/providers/vc/faults", "{\"method\": \"CloneVM_Task\", \"fault\": \"task:SystemError\", \"message\": \"disk copy failed\"}");
  {
    g_autofree char *body = clone_body (&vim, "tpl", "clone-6", "ds-big", TRUE);

    g_free (task);
    task = start_task (&vim, body);
    poll_task (&vim, task, &status);
    g_assert_cmpstr (status.error_type, ==, "SystemError");
    g_assert_null (vdi_sim_provider_find_vm_by_name (vc, "clone-6"));
  }

  task_status_clear (&status);
  vim_stop (&vim);
}

static void
test_wait_for_updates (void)
{
  Vim vim = { { 0 } };
  g_autofree char *task = NULL;
  g_autofree char *collector = NULL;
  g_autofree char *filter = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *version = g_strdup ("");
  gint64 deadline;
  xmlDoc *doc;

  vim_start (&vim);
  vim_login (&vim);

  {
    g_autofree char *body = clone_body (&vim, "vm-off", "clone-w", "ds-big", TRUE);

    task = start_task (&vim, body);
  }

  doc = vim_ok (&vim, "<CreatePropertyCollector xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">propertyCollector</_this></CreatePropertyCollector>");
  collector = sim_xpath_string (doc, "//vim:returnval");
  xmlFreeDoc (doc);
  {
    g_autofree char *body = g_strdup_printf ("<CreateFilter xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">%s</_this>"
                                             "<spec><propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.progress</pathSet>"
                                             "<pathSet>info.error</pathSet><pathSet>info.result</pathSet></propSet>"
                                             "<objectSet><obj type=\"Task\">%s</obj></objectSet></spec><partialUpdates>false</partialUpdates></CreateFilter>",
                                             collector, task);

    doc = vim_ok (&vim, body);
    filter = sim_xpath_string (doc, "//vim:returnval[@type='PropertyFilter']");
    xmlFreeDoc (doc);
  }

  deadline = g_get_monotonic_time () + SIM_TEST_TIMEOUT_MS * 1000;
  for (;;)
    {
      g_autofree char *body = g_strdup_printf ("<WaitForUpdatesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">%s</_this>"
                                               "<version>%s</version><options><maxWaitSeconds>5</maxWaitSeconds></options></WaitForUpdatesEx>",
                                               collector, version);
      g_autofree char *state = NULL;

      doc = vim_ok (&vim, body);
      g_assert_cmpint (sim_xpath_count (doc, "//vim:returnval"), ==, 1);
      g_free (version);
      version = sim_xpath_string (doc, "//vim:returnval/vim:version");
      state = sim_xpath_string (doc, "(//vim:objectSet/vim:changeSet[vim:name='info.state']/vim:val)[last()]");
      if (*state != '\0')
        g_ptr_array_add (states, g_strdup (state));
      xmlFreeDoc (doc);
      if (g_str_equal (state, "success"))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_cmpstr (g_ptr_array_index (states, states->len - 1), ==, "success");
  g_assert_true (g_ptr_array_find_with_equal_func (states, "running", g_str_equal, NULL));

  /* Nothing changes any more: a short wait returns empty after maxWaitSeconds. */
  {
    g_autofree char *body = g_strdup_printf ("<WaitForUpdatesEx xmlns=\"urn:vim25\"><_this type=\"PropertyCollector\">%s</_this>"
                                             "<version>%s</version><options><maxWaitSeconds>1</maxWaitSeconds></options></WaitForUpdatesEx>",
                                             collector, version);
    gint64 start = g_get_monotonic_time ();

    doc = vim_ok (&vim, body);
    g_assert_cmpint (sim_xpath_count (doc, "//vim:WaitForUpdatesExResponse/vim:returnval"), ==, 0);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
    xmlFreeDoc (doc);
  }

  {
    g_autofree char *body = g_strdup_printf ("<DestroyPropertyFilter xmlns=\"urn:vim25\"><_this type=\"PropertyFilter\">%s</_this></DestroyPropertyFilter>", filter);

    xmlFreeDoc (vim_ok (&vim, body));
  }

  vim_stop (&vim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/vim/session", test_session);
  g_test_add_func ("/sim/vim/retrieve-paging", test_retrieve_paging);
  g_test_add_func ("/sim/vim/clone-and-tasks", test_clone_and_tasks);
  g_test_add_func ("/sim/vim/wait-for-updates", test_wait_for_updates);

  return g_test_run ();
}
