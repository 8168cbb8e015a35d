/* test-vim-message.c: vim25 requests, and the answers of vcsim and vCenter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-vim-message.h"

static char *
read_data (const char *name,
           gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "providers", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_call (void)
{
  g_autoptr(VdiVimMoRef) vm = vdi_vim_moref_new ("VirtualMachine", "vm-63");
  g_autoptr(VdiVimMoRef) ds = vdi_vim_moref_new ("Datastore",
                                                 "/tmp/govcsim-DC0-LocalDS_0-29<&>@folder-5");
  g_autoptr(VdiVimMoRef) folder = vdi_vim_moref_new ("Folder", "folder-3");
  VdiVimCall *call = vdi_vim_call_new ("CloneVM_Task", vm);
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  xmlNode *method, *location;

  vdi_vim_call_add_moref (call, "folder", folder);
  vdi_vim_call_add_text (call, "name", "VDI-001 <Win & 11>");
  vdi_vim_call_open (call, "spec", NULL);
  vdi_vim_call_open (call, "location", NULL);
  vdi_vim_call_add_moref (call, "datastore", ds);
  vdi_vim_call_close (call, "location");
  vdi_vim_call_add_bool (call, "template", FALSE);
  vdi_vim_call_add_bool (call, "powerOn", FALSE);
  vdi_vim_call_close (call, "spec");
  xml = vdi_vim_call_free_to_envelope (call);

  doc = vdi_xml_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);
  method = vdi_xml_child (vdi_soap_get_body (doc, NULL), VDI_VIM25_NS, "CloneVM_Task");
  g_assert_nonnull (method);
  {
    g_autoptr(VdiVimMoRef) this_ref = vdi_vim_moref_parse (vdi_xml_child (method, VDI_VIM25_NS,
                                                                          "_this"));
    g_autofree char *name = vdi_xml_dup_child_text (method, VDI_VIM25_NS, "name");

    g_assert_true (vdi_vim_moref_equal (this_ref, vm));
    g_assert_cmpstr (name, ==, "VDI-001 <Win & 11>");
  }
  location = vdi_xml_find (method, VDI_VIM25_NS, "location");
  {
    g_autoptr(VdiVimMoRef) back = vdi_vim_moref_parse (vdi_xml_child (location, VDI_VIM25_NS,
                                                                      "datastore"));

    /* MoRef values are opaque and survive any characters. */
    g_assert_true (vdi_vim_moref_equal (back, ds));
  }
}

static void
test_retrieve_view_request (void)
{
  g_autoptr(VdiVimMoRef) pc = vdi_vim_moref_new ("PropertyCollector", "propertyCollector");
  g_autoptr(VdiVimMoRef) view = vdi_vim_moref_new ("ContainerView", "session[abc]efc4c608");
  const char * const paths[] = { "name", "config.template", NULL };
  g_autofree char *xml = vdi_vim_build_retrieve_view (pc, view, "VirtualMachine", paths, 100);
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  xmlNode *select;

  doc = vdi_xml_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);
  select = vdi_xml_find (xmlDocGetRootElement (doc), VDI_VIM25_NS, "selectSet");
  {
    g_autofree char *type = vdi_xml_dup_xsi_type (select);
    g_autofree char *path = vdi_xml_dup_child_text (select, VDI_VIM25_NS, "path");
    g_autofree char *max = vdi_xml_dup_text (vdi_xml_find (xmlDocGetRootElement (doc),
                                                           VDI_VIM25_NS, "maxObjects"));

    /* Without xsi:type a selectSet is a SelectionSpec, and vcsim answers InvalidArgument. */
    g_assert_cmpstr (type, ==, "TraversalSpec");
    g_assert_cmpstr (path, ==, "view");
    g_assert_cmpstr (max, ==, "100");
  }
}

static void
test_service_content (void)
{
  gsize length;
  g_autofree char *data = read_data ("vim-service-content.xml", &length);
  g_autoptr(GError) error = NULL;
  xmlNode *response;
  g_autoptr(xmlDoc) doc = vdi_vim_parse_response (data, length, "RetrieveServiceContent",
                                                  &response, &error);
  xmlNode *content = vdi_vim_returnval (response);
  g_autoptr(VdiVimMoRef) pc = vdi_vim_moref_parse (vdi_xml_child (content, VDI_VIM25_NS,
                                                                  "propertyCollector"));
  g_autofree char *api = vdi_xml_dup_text (vdi_xml_find (content, VDI_VIM25_NS, "apiVersion"));

  g_assert_no_error (error);
  g_assert_cmpstr (pc->type, ==, "PropertyCollector");
  g_assert_cmpstr (pc->value, ==, "propertyCollector");
  g_assert_cmpstr (api, ==, "6.5");

  /* The answer must be to the method asked. */
  {
    g_autoptr(xmlDoc) wrong = vdi_vim_parse_response (data, length, "Login", &response, &error);

    g_assert_null (wrong);
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  }
}

static void
test_retrieve_result (void)
{
  gsize length;
  g_autofree char *data = read_data ("vim-retrieve-vms-vcsim.xml", &length);
  g_autofree char *missing_data = NULL;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  xmlNode *response;
  g_autoptr(xmlDoc) doc = vdi_vim_parse_response (data, length, "RetrievePropertiesEx",
                                                  &response, &error);
  g_autoptr(xmlDoc) missing_doc = NULL;
  VdiVimObject *vm;
  gboolean template = TRUE;

  g_assert_no_error (error);
  g_assert_true (vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token,
                                                &error));
  g_assert_null (token);
  g_assert_cmpuint (objects->len, ==, 1);
  vm = g_ptr_array_index (objects, 0);
  g_assert_cmpstr (vm->obj->value, ==, "vm-57");
  {
    g_autofree char *name = vdi_vim_object_dup_string (vm, "name");
    g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (vm, "runtime.host");
    g_autoptr(GPtrArray) datastores = vdi_vim_object_dup_morefs (vm, "datastore");

    g_assert_cmpstr (name, ==, "DC0_H0_VM0");
    g_assert_true (vdi_vim_object_get_bool (vm, "config.template", &template));
    g_assert_false (template);
    g_assert_cmpstr (host->type, ==, "HostSystem");
    g_assert_cmpstr (host->value, ==, "host-21");
    g_assert_cmpuint (datastores->len, ==, 1);
    g_assert_null (vdi_vim_object_dup_string (vm, "resourcePool"));
  }

  /* A lost session shows as NotAuthenticated in missingSet, with HTTP 200. */
  missing_data = read_data ("vim-missingset-not-authenticated.xml", &length);
  missing_doc = vdi_vim_parse_response (missing_data, length, "RetrievePropertiesEx",
                                        &response, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (objects, 0);
  g_assert_true (vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token,
                                                &error));
  vm = g_ptr_array_index (objects, 0);
  g_assert_cmpstr (g_hash_table_lookup (vm->missing, "currentSession"), ==, "NotAuthenticated");

  /* Paging: a token means more. Empty results are fine either way. */
  {
    static const char paged[] =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
      "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><token>tok-1</token>"
      "</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>";
    static const char empty[] =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
      "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"></RetrievePropertiesExResponse>"
      "</soapenv:Body></soapenv:Envelope>";
    g_autoptr(xmlDoc) a = vdi_vim_parse_response (paged, sizeof paged - 1, "RetrievePropertiesEx",
                                                  &response, &error);
    g_autoptr(xmlDoc) b = NULL;

    g_assert_true (vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token,
                                                  &error));
    g_assert_cmpstr (token, ==, "tok-1");
    g_clear_pointer (&token, g_free);

    b = vdi_vim_parse_response (empty, sizeof empty - 1, "RetrievePropertiesEx", &response, &error);
    g_assert_true (vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token,
                                                  &error));
    g_assert_null (token);
  }
}

static void
test_task_error (void)
{
  gsize length;
  g_autofree char *data = read_data ("vim-task-error.xml", &length);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  g_autoptr(VdiVimTaskInfo) info = g_new0 (VdiVimTaskInfo, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  xmlNode *response;
  g_autoptr(xmlDoc) doc = vdi_vim_parse_response (data, length, "RetrievePropertiesEx",
                                                  &response, &error);
  VdiVimObject *task;
  GHashTableIter iter;
  gpointer path, val;

  g_assert_true (vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token,
                                                &error));
  task = g_ptr_array_index (objects, 0);
  info->progress = -1;
  g_hash_table_iter_init (&iter, task->props);
  while (g_hash_table_iter_next (&iter, &path, &val))
    g_assert_true (vdi_vim_task_info_update (info, path, val, &error));

  g_assert_cmpint (info->state, ==, VDI_VIM_TASK_ERROR);
  g_assert_cmpstr (info->error_type, ==, "InvalidPowerState");
  /* vcsim's "*types.InvalidPowerState" is replaced by the fault type. */
  g_assert_cmpstr (info->error_message, ==, "InvalidPowerState");
}

static void
test_task_updates (void)
{
  gsize length;
  g_autofree char *data = read_data ("vim-wait-updates-modify.xml", &length);
  g_autoptr(VdiVimMoRef) task = vdi_vim_moref_new ("Task", "task-72");
  g_autoptr(VdiVimMoRef) other = vdi_vim_moref_new ("Task", "task-99");
  g_autoptr(VdiVimTaskInfo) info = g_new0 (VdiVimTaskInfo, 1);
  g_autoptr(VdiVimTaskInfo) untouched = g_new0 (VdiVimTaskInfo, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = g_strdup ("");
  g_autofree char *other_version = NULL;
  xmlNode *response;
  g_autoptr(xmlDoc) doc = vdi_vim_parse_response (data, length, "WaitForUpdatesEx", &response,
                                                  &error);

  g_assert_no_error (error);
  info->state = VDI_VIM_TASK_RUNNING;
  g_assert_true (vdi_vim_parse_task_updates (vdi_vim_returnval (response), task, info, &version,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "-");
  g_assert_cmpint (info->progress, ==, 90);
  g_assert_cmpint (info->state, ==, VDI_VIM_TASK_SUCCESS);
  g_assert_cmpstr (info->result->type, ==, "VirtualMachine");
  g_assert_cmpstr (info->result->value, ==, "vm-75");
  g_assert_null (info->error_type);

  /* Changes to another task are not this one's. */
  untouched->state = VDI_VIM_TASK_RUNNING;
  g_assert_true (vdi_vim_parse_task_updates (vdi_vim_returnval (response), other, untouched,
                                             &other_version, &error));
  g_assert_cmpint (untouched->state, ==, VDI_VIM_TASK_RUNNING);

  /* A wait that timed out has no returnval and changes nothing. */
  g_assert_true (vdi_vim_parse_task_updates (NULL, task, info, &version, &error));
  g_assert_cmpstr (version, ==, "-");
}

static void
test_fault (void)
{
  gsize length;
  g_autofree char *data = read_data ("vim-fault-invalid-login-vcenter.xml", &length);
  g_autoptr(GError) error = NULL;
  xmlNode *response = (xmlNode *)0x1;
  g_autoptr(xmlDoc) doc = vdi_vim_parse_response (data, length, "Login", &response, &error);

  g_assert_null (doc);
  g_assert_null (response);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_true (g_str_has_prefix (error->message, "Cannot complete login"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/vim-message/call", test_call);
  g_test_add_func ("/providers/vim-message/retrieve-view-request", test_retrieve_view_request);
  g_test_add_func ("/providers/vim-message/service-content", test_service_content);
  g_test_add_func ("/providers/vim-message/retrieve-result", test_retrieve_result);
  g_test_add_func ("/providers/vim-message/task-error", test_task_error);
  g_test_add_func ("/providers/vim-message/task-updates", test_task_updates);
  g_test_add_func ("/providers/vim-message/fault", test_fault);

  return g_test_run ();
}
