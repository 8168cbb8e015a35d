/* test-wsman-message.c: WS-Management requests as WinRM expects them, and WinRM's answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-wsman-message.h"

#define NS_VSMS VDI_WMI_V2 "Msvm_VirtualSystemManagementService"

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
test_request (void)
{
  g_autoptr(VdiWsmanEpr) job = vdi_wsman_epr_new (VDI_WMI_V2 "Msvm_ConcreteJob");
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  VdiWsmanRequest request = {
    .to = "https://hv-01.corp.example:5986/wsman",
    .action = VDI_WSMAN_ACTION_GET,
    .resource_uri = VDI_WMI_V2 "Msvm_ConcreteJob",
    .message_id = "uuid:0A6A0F1E-3B1C-4A5C-9A52-0C3E5E1B2D11",
    .timeout_seconds = 60,
  };
  xmlNode *root, *header, *selector;

  vdi_wsman_epr_add_selector (job, "InstanceID", "A&B<\"C\">");
  request.selectors = job;
  xml = vdi_wsman_request_to_xml (&request);
  doc = vdi_xml_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);

  root = xmlDocGetRootElement (doc);
  g_assert_true (vdi_xml_is (root, VDI_SOAP12_NS, "Envelope"));
  header = vdi_xml_child (root, VDI_SOAP12_NS, "Header");
  {
    g_autofree char *action = vdi_xml_dup_child_text (header, VDI_WSA_NS, "Action");
    g_autofree char *uri = vdi_xml_dup_child_text (header, VDI_WSMAN_NS, "ResourceURI");
    g_autofree char *id = vdi_xml_dup_child_text (header, VDI_WSA_NS, "MessageID");
    g_autofree char *timeout = vdi_xml_dup_child_text (header, VDI_WSMAN_NS, "OperationTimeout");
    g_autofree char *must = vdi_xml_dup_prop (vdi_xml_child (header, VDI_WSMAN_NS, "ResourceURI"),
                                              VDI_SOAP12_NS, "mustUnderstand");

    g_assert_cmpstr (action, ==, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get");
    g_assert_cmpstr (uri, ==, VDI_WMI_V2 "Msvm_ConcreteJob");
    g_assert_cmpstr (id, ==, "uuid:0A6A0F1E-3B1C-4A5C-9A52-0C3E5E1B2D11");
    g_assert_cmpstr (timeout, ==, "PT60S");
    g_assert_cmpstr (must, ==, "true");
  }

  /* A selector value cannot break out of its element. */
  selector = vdi_xml_find (header, VDI_WSMAN_NS, "Selector");
  {
    g_autofree char *name = vdi_xml_dup_prop (selector, NULL, "Name");
    g_autofree char *value = vdi_xml_dup_text (selector);

    g_assert_cmpstr (name, ==, "InstanceID");
    g_assert_cmpstr (value, ==, "A&B<\"C\">");
  }
}

static void
test_enumerate_and_pull_bodies (void)
{
  g_autofree char *quoted = vdi_wsman_wql_quote ("it's a \\ \"VM\"");
  g_autofree char *wql = g_strdup_printf ("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = %s"
                                          " AND EnabledState < 3", quoted);
  g_autofree char *body = vdi_wsman_body_enumerate (wql);
  g_autofree char *pull = vdi_wsman_body_pull ("uuid:ctx-1", 50);
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(GError) error = NULL;
  VdiWsmanRequest request = { .action = VDI_WSMAN_ACTION_ENUMERATE, .body = body };
  xmlNode *filter;

  g_assert_cmpstr (quoted, ==, "'it\\'s a \\\\ \\\"VM\\\"'");

  xml = vdi_wsman_request_to_xml (&request);
  doc = vdi_xml_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);
  filter = vdi_xml_find (xmlDocGetRootElement (doc), VDI_WSMAN_NS, "Filter");
  {
    g_autofree char *dialect = vdi_xml_dup_prop (filter, NULL, "Dialect");
    g_autofree char *text = vdi_xml_dup_text (filter);

    g_assert_cmpstr (dialect, ==, VDI_WSMAN_WQL_DIALECT);
    g_assert_cmpstr (text, ==, wql);
  }
  g_assert_true (vdi_xml_is (filter->parent, VDI_WSEN_NS, "Enumerate"));

  g_assert_cmpstr (pull, ==, "<n:Pull><n:EnumerationContext>uuid:ctx-1</n:EnumerationContext>"
                             "<n:MaxElements>50</n:MaxElements></n:Pull>");
}

static void
test_invoke_params (void)
{
  g_autoptr(VdiWsmanEpr) vm = vdi_wsman_epr_new (VDI_WMI_V2 "Msvm_ComputerSystem");
  const char * const export_settings[] = {
    "CopySnapshotConfiguration", "uint8", "1",
    "CopyVmStorage", "boolean", "true",
    "CreateVmExportSubdirectory", "boolean", "true",
    NULL,
  };
  VdiWsmanParams *params = vdi_wsman_params_new (NS_VSMS, "ExportSystemDefinition");
  g_autofree char *body = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *action = vdi_wsman_action_for_method (NS_VSMS, "ExportSystemDefinition");
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlDoc) instance_doc = NULL;
  g_autoptr(GError) error = NULL;
  VdiWsmanRequest request = { .action = action, .resource_uri = NS_VSMS };
  xmlNode *input, *ref;

  vdi_wsman_epr_add_selector (vm, "CreationClassName", "Msvm_ComputerSystem");
  vdi_wsman_epr_add_selector (vm, "Name", "5D1C1A0B-0000-4000-8000-000000000001");
  vdi_wsman_params_add_ref (params, "ComputerSystem", vm);
  vdi_wsman_params_add_string (params, "ExportDirectory", "D:\\Exports\\Win11 & more");
  vdi_wsman_params_add_instance (params, "ExportSettingData",
                                 "Msvm_VirtualSystemExportSettingData", export_settings);
  body = vdi_wsman_params_free_to_body (params);
  request.body = body;
  xml = vdi_wsman_request_to_xml (&request);

  g_assert_cmpstr (action, ==, NS_VSMS "/ExportSystemDefinition");
  doc = vdi_xml_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);
  input = vdi_xml_find (xmlDocGetRootElement (doc), NS_VSMS, "ExportSystemDefinition_INPUT");
  g_assert_nonnull (input);

  /* REF parameters carry Address and ReferenceParameters directly, with no wrapper. */
  ref = vdi_xml_child (input, NS_VSMS, "ComputerSystem");
  g_assert_nonnull (vdi_xml_child (ref, VDI_WSA_NS, "Address"));
  g_assert_nonnull (vdi_xml_child (ref, VDI_WSA_NS, "ReferenceParameters"));
  g_assert_null (vdi_xml_find (ref, VDI_WSA_NS, "EndpointReference"));
  {
    g_autoptr(VdiWsmanEpr) back = vdi_wsman_epr_parse (ref);

    g_assert_cmpstr (back->resource_uri, ==, VDI_WMI_V2 "Msvm_ComputerSystem");
    g_assert_cmpstr (vdi_wsman_epr_get_selector (back, "Name"), ==,
                     "5D1C1A0B-0000-4000-8000-000000000001");
  }

  {
    g_autofree char *dir = vdi_xml_dup_child_text (input, NS_VSMS, "ExportDirectory");

    g_assert_cmpstr (dir, ==, "D:\\Exports\\Win11 & more");
  }

  /* The embedded instance is CIM-XML text inside the parameter. */
  {
    g_autofree char *text = vdi_xml_dup_child_text (input, NS_VSMS, "ExportSettingData");
    xmlNode *instance, *prop;
    guint n = 0;

    instance_doc = vdi_xml_parse (text, strlen (text), &error);
    g_assert_no_error (error);
    instance = xmlDocGetRootElement (instance_doc);
    g_assert_true (vdi_xml_is (instance, NULL, "INSTANCE"));
    for (prop = vdi_xml_child (instance, NULL, "PROPERTY"); prop != NULL;
         prop = vdi_xml_next (prop, NULL, "PROPERTY"), n++)
      {
        g_autofree char *name = vdi_xml_dup_prop (prop, NULL, "NAME");
        g_autofree char *type = vdi_xml_dup_prop (prop, NULL, "TYPE");
        g_autofree char *value = vdi_xml_dup_child_text (prop, NULL, "VALUE");

        if (g_str_equal (name, "CopySnapshotConfiguration"))
          {
            g_assert_cmpstr (type, ==, "uint8");
            g_assert_cmpstr (value, ==, "1");
          }
      }
    g_assert_cmpuint (n, ==, 3);
  }
}

static void
test_enumeration_pages (void)
{
  gsize length;
  g_autofree char *page = read_data ("wsman-pull-host-ja.xml", &length);
  g_autofree char *last = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_wsman_instance_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *context = NULL;
  g_autofree char *end_context = NULL;
  xmlNode *body;
  g_autoptr(xmlDoc) doc = vdi_wsman_parse_response (page, length, &body, &error);
  g_autoptr(xmlDoc) last_doc = NULL;
  VdiWsmanInstance *host, *vm;
  guint64 state;

  g_assert_no_error (error);
  g_assert_true (vdi_wsman_parse_enumeration (body, TRUE, &context, items, &error));
  g_assert_cmpstr (context, ==, "uuid:00000000-0000-4000-8000-000000000006");
  g_assert_cmpuint (items->len, ==, 1);
  host = g_ptr_array_index (items, 0);
  g_assert_cmpstr (host->class_name, ==, "Msvm_ComputerSystem");
  g_assert_cmpstr (vdi_wsman_instance_get (host, "Caption"), ==, "ホスト コンピューター システム");

  last = read_data ("wsman-pull-last.xml", &length);
  last_doc = vdi_wsman_parse_response (last, length, &body, &error);
  g_assert_no_error (error);
  g_assert_true (vdi_wsman_parse_enumeration (body, TRUE, &end_context, items, &error));
  g_assert_null (end_context);
  g_assert_cmpuint (items->len, ==, 2);
  vm = g_ptr_array_index (items, 1);
  g_assert_cmpstr (vdi_wsman_instance_get (vm, "Description"), ==, "Microsoft Virtual Machine");
  g_assert_cmpstr (vdi_wsman_instance_get (vm, "ElementName"), ==, "scrubbed-4");
  g_assert_null (vdi_wsman_instance_get (vm, "InstanceID"));
  g_assert_cmpuint (vdi_wsman_instance_get_array (vm, "InstanceID")->len, ==, 0);
  g_assert_true (vdi_wsman_instance_get_uint (vm, "EnabledState", &state));
  g_assert_cmpuint (state, ==, 2);

  /* A page that neither ends nor continues is refused. */
  {
    static const char broken[] =
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"><s:Body><n:PullResponse>"
      "<n:Items/></n:PullResponse></s:Body></s:Envelope>";
    g_autoptr(xmlDoc) bad = vdi_wsman_parse_response (broken, sizeof broken - 1, &body, &error);
    g_autofree char *none = NULL;

    g_assert_no_error (error);
    g_assert_false (vdi_wsman_parse_enumeration (body, TRUE, &none, items, &error));
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  }
}

static void
test_invoke_output (void)
{
  gsize length;
  g_autofree char *data = read_data ("wsman-destroy-output.xml", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiWsmanEpr) job = NULL;
  xmlNode *body, *output = NULL;
  g_autoptr(xmlDoc) doc = vdi_wsman_parse_response (data, length, &body, &error);
  guint code = 0;

  g_assert_no_error (error);
  g_assert_true (vdi_wsman_parse_invoke_output (body, "DestroySystem", &code, &job, &output,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpuint (code, ==, VDI_WSMAN_RETURN_JOB_STARTED);
  g_assert_cmpstr (job->resource_uri, ==, VDI_WMI_V2 "Msvm_ConcreteJob");
  g_assert_cmpstr (vdi_wsman_epr_get_selector (job, "InstanceID"), ==,
                   "8E4D1A99-7777-8888-9999-AAAABBBBCCCC");
  g_assert_nonnull (output);

  /* The wrong method's output is not taken for the right one. */
  g_clear_pointer (&job, vdi_wsman_epr_free);
  g_assert_false (vdi_wsman_parse_invoke_output (body, "ExportSystemDefinition", &code, &job,
                                                 NULL, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* Some servers wrap the EPR in a:EndpointReference; both are read. */
  {
    static const char wrapped[] =
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
      "<p:DestroySystem_OUTPUT xmlns:p=\"" NS_VSMS "\"><p:Job>"
      "<a:EndpointReference xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
      "xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><a:Address>x</a:Address>"
      "<a:ReferenceParameters><w:ResourceURI>" VDI_WMI_V2 "Msvm_ConcreteJob</w:ResourceURI>"
      "<w:SelectorSet><w:Selector Name=\"InstanceID\">J-1</w:Selector></w:SelectorSet>"
      "</a:ReferenceParameters></a:EndpointReference></p:Job><p:ReturnValue>4096</p:ReturnValue>"
      "</p:DestroySystem_OUTPUT></s:Body></s:Envelope>";
    static const char no_job[] =
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
      "<p:DestroySystem_OUTPUT xmlns:p=\"" NS_VSMS "\"><p:ReturnValue>4096</p:ReturnValue>"
      "</p:DestroySystem_OUTPUT></s:Body></s:Envelope>";
    static const char failed[] =
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
      "<p:DestroySystem_OUTPUT xmlns:p=\"" NS_VSMS "\"><p:ReturnValue>32775</p:ReturnValue>"
      "</p:DestroySystem_OUTPUT></s:Body></s:Envelope>";
    g_autoptr(xmlDoc) a = vdi_wsman_parse_response (wrapped, sizeof wrapped - 1, &body, NULL);
    g_autoptr(xmlDoc) b = NULL;
    g_autoptr(xmlDoc) c = NULL;

    g_assert_true (vdi_wsman_parse_invoke_output (body, "DestroySystem", &code, &job, NULL,
                                                  &error));
    g_assert_cmpstr (vdi_wsman_epr_get_selector (job, "InstanceID"), ==, "J-1");
    g_clear_pointer (&job, vdi_wsman_epr_free);

    b = vdi_wsman_parse_response (no_job, sizeof no_job - 1, &body, NULL);
    g_assert_false (vdi_wsman_parse_invoke_output (body, "DestroySystem", &code, &job, NULL,
                                                   &error));
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
    g_clear_error (&error);

    c = vdi_wsman_parse_response (failed, sizeof failed - 1, &body, NULL);
    g_assert_true (vdi_wsman_parse_invoke_output (body, "DestroySystem", &code, &job, NULL,
                                                  &error));
    g_assert_cmpuint (code, ==, 32775);
    g_assert_null (job);
    g_assert_cmpstr (vdi_wsman_return_value_describe (code), ==,
                     "Invalid state for this operation");
  }
}

static void
test_fault_response (void)
{
  gsize length;
  g_autofree char *data = read_data ("wsman-fault-timedout.xml", &length);
  g_autoptr(GError) error = NULL;
  xmlNode *body = (xmlNode *)0x1;
  g_autoptr(xmlDoc) doc = vdi_wsman_parse_response (data, length, &body, &error);

  g_assert_null (doc);
  g_assert_null (body);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/wsman-message/request", test_request);
  g_test_add_func ("/providers/wsman-message/enumerate-and-pull", test_enumerate_and_pull_bodies);
  g_test_add_func ("/providers/wsman-message/invoke-params", test_invoke_params);
  g_test_add_func ("/providers/wsman-message/enumeration-pages", test_enumeration_pages);
  g_test_add_func ("/providers/wsman-message/invoke-output", test_invoke_output);
  g_test_add_func ("/providers/wsman-message/fault-response", test_fault_response);

  return g_test_run ();
}
