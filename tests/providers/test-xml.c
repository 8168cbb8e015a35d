/* test-xml.c: hardened parsing, namespace-URI lookups, escaping, and SOAP faults, on golden
 * XML from captures of real hosts and of vcsim (see shared/research).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-soap.h"
#include "vdi-xml.h"

#define NS_MSVM_CS "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ComputerSystem"
#define NS_WSEN "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_WSA "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_VSMS "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_VirtualSystemManagementService"

static xmlDoc *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "providers", "data", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  xmlDoc *doc;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  doc = vdi_xml_parse (contents, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
  return doc;
}

static void
assert_refused (const char *data,
                gsize       length,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = vdi_xml_parse (data, length, &error);

  g_assert_null (doc);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  if (strstr (error->message, message_part) == NULL)
    g_error ("expected “%s” in “%s”", message_part, error->message);
}

static void
test_hardening (void)
{
  static const char bomb[] =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
    "<lolz>&lol3;</lolz>";
  static const char external[] =
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x>&xxe;</x>";
  static const char truncated[] =
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><n:PullResp";
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) ok = NULL;

  assert_refused (bomb, sizeof bomb - 1, "document type declaration");
  assert_refused (external, sizeof external - 1, "document type declaration");
  assert_refused (truncated, sizeof truncated - 1, "malformed XML (line 1");
  assert_refused ("", 0, "empty answer");
  assert_refused ("not xml at all", 14, "malformed XML");
  assert_refused ("<a><b></a>", 10, "malformed XML");
  assert_refused ("<a>\xff\xfe</a>", 7, "malformed XML");
  assert_refused ("<a/>", VDI_XML_MAX_SIZE + 1, "too large");

  for (guint i = 0; i < VDI_XML_MAX_DEPTH + 1; i++)
    g_string_append (deep, "<d>");
  g_string_append (deep, "x");
  for (guint i = 0; i < VDI_XML_MAX_DEPTH + 1; i++)
    g_string_append (deep, "</d>");
  assert_refused (deep->str, deep->len, "nested deeper");

  /* At the limit it is fine. */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < VDI_XML_MAX_DEPTH; i++)
    g_string_append (deep, "<d>");
  for (guint i = 0; i < VDI_XML_MAX_DEPTH; i++)
    g_string_append (deep, "</d>");
  ok = vdi_xml_parse (deep->str, deep->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
}

static void
test_wsman_identify (void)
{
  g_autoptr(xmlDoc) doc = load ("wsman-identify.xml");
  g_autoptr(GError) error = NULL;
  xmlNode *body = vdi_soap_get_body (doc, &error);
  g_autofree char *version = NULL;

  g_assert_no_error (error);
  g_assert_null (vdi_soap_parse_fault (body));
  version = vdi_xml_dup_text (vdi_xml_find (body,
                                            "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
                                            "ProductVersion"));
  g_assert_cmpstr (version, ==, "OS: 6.3.9600 SP: 0.0 Stack: 3.0");
}

/* WinRM reuses the prefix "p" for the MS header namespace and for the class: only the URI says
 * which element is the instance. The Japanese host localizes Caption. */
static void
test_wsman_pull_namespaces (void)
{
  g_autoptr(xmlDoc) page = load ("wsman-pull-host-ja.xml");
  g_autoptr(xmlDoc) last = load ("wsman-pull-last.xml");
  xmlNode *body = vdi_soap_get_body (page, NULL);
  xmlNode *response = vdi_xml_child (body, NS_WSEN, "PullResponse");
  xmlNode *items = vdi_xml_child (response, NS_WSEN, "Items");
  xmlNode *instance = vdi_xml_child (items, NS_MSVM_CS, "Msvm_ComputerSystem");
  g_autofree char *context = vdi_xml_dup_child_text (response, NS_WSEN, "EnumerationContext");
  g_autofree char *caption = vdi_xml_dup_child_text (instance, NS_MSVM_CS, "Caption");
  g_autofree char *type = vdi_xml_dup_xsi_type (instance);
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *instance_id = NULL;

  g_assert_nonnull (instance);
  g_assert_cmpstr (context, ==, "uuid:00000000-0000-4000-8000-000000000006");
  g_assert_cmpstr (caption, ==, "ホスト コンピューター システム");
  g_assert_cmpstr (type, ==, "Msvm_ComputerSystem_Type");
  /* The header namespace's "p" is not the class's. */
  g_assert_null (vdi_xml_find (vdi_xml_child (xmlDocGetRootElement (page), VDI_SOAP12_NS, "Header"),
                               NS_MSVM_CS, NULL));
  g_assert_null (vdi_xml_child (response, NS_WSEN, "EndOfSequence"));

  body = vdi_soap_get_body (last, NULL);
  response = vdi_xml_child (body, NS_WSEN, "PullResponse");
  instance = vdi_xml_find (response, NS_MSVM_CS, "Msvm_ComputerSystem");
  g_assert_nonnull (vdi_xml_child (response, NS_WSEN, "EndOfSequence"));
  g_assert_null (vdi_xml_child (response, NS_WSEN, "EnumerationContext"));
  name = vdi_xml_dup_child_text (instance, NS_MSVM_CS, "Name");
  description = vdi_xml_dup_child_text (instance, NS_MSVM_CS, "Description");
  instance_id = vdi_xml_dup_child_text (instance, NS_MSVM_CS, "InstanceID");
  g_assert_cmpstr (name, ==, "00000000-0000-4000-8000-000000000011");
  g_assert_cmpstr (description, ==, "Microsoft Virtual Machine");
  g_assert_null (instance_id);  /* xsi:nil */
  g_assert_true (vdi_xml_is_nil (vdi_xml_child (instance, NS_MSVM_CS, "InstanceID")));
}

static void
test_wsman_job_epr (void)
{
  g_autoptr(xmlDoc) doc = load ("wsman-destroy-output.xml");
  xmlNode *output = vdi_xml_child (vdi_soap_get_body (doc, NULL), NS_VSMS, "DestroySystem_OUTPUT");
  xmlNode *job = vdi_xml_child (output, NS_VSMS, "Job");
  xmlNode *selector = vdi_xml_find (job, NS_WSMAN, "Selector");
  g_autofree char *ret = vdi_xml_dup_child_text (output, NS_VSMS, "ReturnValue");
  g_autofree char *uri = vdi_xml_dup_text (vdi_xml_find (job, NS_WSMAN, "ResourceURI"));
  g_autofree char *selector_name = vdi_xml_dup_prop (selector, NULL, "Name");
  g_autofree char *instance_id = vdi_xml_dup_text (selector);

  g_assert_cmpstr (ret, ==, "4096");
  g_assert_true (g_str_has_suffix (uri, "/Msvm_ConcreteJob"));
  g_assert_cmpstr (selector_name, ==, "InstanceID");
  g_assert_cmpstr (instance_id, ==, "8E4D1A99-7777-8888-9999-AAAABBBBCCCC");
}

static void
test_wsman_faults (void)
{
  g_autoptr(xmlDoc) selectors = load ("wsman-fault-invalid-selectors.xml");
  g_autoptr(xmlDoc) timedout = load ("wsman-fault-timedout.xml");
  g_autoptr(VdiSoapFault) a = vdi_soap_parse_fault (vdi_soap_get_body (selectors, NULL));
  g_autoptr(VdiSoapFault) b = vdi_soap_parse_fault (vdi_soap_get_body (timedout, NULL));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (a);
  g_assert_cmpstr (a->code, ==, "Sender");
  g_assert_cmpstr (a->subcode, ==, "InvalidSelectors");
  g_assert_cmpuint (a->provider_code, ==, 2150858843u);
  g_assert_true (g_str_has_prefix (a->reason, "The WS-Management service cannot process"));
  g_assert_true (g_str_has_suffix (a->reason, "resource."));  /* trimmed */
  text = vdi_soap_fault_dup_text (a);
  g_assert_cmpstr (text, ==, "The request for the Windows Remote Shell failed because the shell was "
                             "not found on the server. (InvalidSelectors)");
  vdi_soap_fault_to_error (a, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_clear_error (&error);

  g_assert_cmpstr (b->code, ==, "Receiver");
  g_assert_cmpuint (b->provider_code, ==, 2150858793u);
  vdi_soap_fault_to_error (b, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "OperationTimeout"));
}

static void
test_vim_faults (void)
{
  g_autoptr(xmlDoc) vcsim = load ("vim-fault-invalid-login-vcsim.xml");
  g_autoptr(xmlDoc) vcenter = load ("vim-fault-invalid-login-vcenter.xml");
  g_autoptr(xmlDoc) notauth = load ("vim-fault-not-authenticated.xml");
  g_autoptr(VdiSoapFault) a = vdi_soap_parse_fault (vdi_soap_get_body (vcsim, NULL));
  g_autoptr(VdiSoapFault) b = vdi_soap_parse_fault (vdi_soap_get_body (vcenter, NULL));
  g_autoptr(VdiSoapFault) c = vdi_soap_parse_fault (vdi_soap_get_body (notauth, NULL));
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (a->code, ==, "ServerFaultCode");
  g_assert_cmpstr (a->type, ==, "InvalidLogin");
  vdi_soap_fault_to_error (a, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_cmpstr (error->message, ==, "Login failure (InvalidLogin)");
  g_clear_error (&error);

  vdi_soap_fault_to_error (b, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_cmpstr (error->message, ==,
                   "Cannot complete login due to an incorrect user name or password. (InvalidLogin)");
  g_clear_error (&error);

  /* vcsim leaves faultstring empty: the type is the message. */
  g_assert_cmpstr (c->reason, ==, "");
  vdi_soap_fault_to_error (c, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_cmpstr (error->message, ==, "NotAuthenticated");
  {
    g_autofree char *privilege = vdi_xml_dup_text (vdi_xml_find (c->detail, VDI_VIM25_NS,
                                                                  "privilegeId"));

    g_assert_cmpstr (privilege, ==, "System.View");
  }
}

/* vcsim writes "XMLSchema-instance:type", and a MoRef <val> has two "type" attributes. */
static void
test_vim_quirks (void)
{
  g_autoptr(xmlDoc) doc = load ("vim-retrieve-vms-vcsim.xml");
  g_autoptr(xmlDoc) missing = load ("vim-missingset-not-authenticated.xml");
  xmlNode *body = vdi_soap_get_body (doc, NULL);
  xmlNode *objects = vdi_xml_find (body, VDI_VIM25_NS, "objects");
  xmlNode *prop;
  guint n_props = 0;

  g_assert_null (vdi_soap_parse_fault (body));
  for (prop = vdi_xml_child (objects, VDI_VIM25_NS, "propSet"); prop != NULL;
       prop = vdi_xml_next (prop, VDI_VIM25_NS, "propSet"), n_props++)
    {
      g_autofree char *name = vdi_xml_dup_child_text (prop, VDI_VIM25_NS, "name");
      xmlNode *val = vdi_xml_child (prop, VDI_VIM25_NS, "val");
      g_autofree char *xsi_type = vdi_xml_dup_xsi_type (val);

      if (g_str_equal (name, "name"))
        g_assert_cmpstr (xsi_type, ==, "string");
      else if (g_str_equal (name, "runtime.host"))
        {
          g_autofree char *moref_type = vdi_xml_dup_prop (val, NULL, "type");
          g_autofree char *moid = vdi_xml_dup_text (val);

          g_assert_cmpstr (xsi_type, ==, "ManagedObjectReference");
          g_assert_cmpstr (moref_type, ==, "HostSystem");
          g_assert_cmpstr (moid, ==, "host-21");
        }
      else if (g_str_equal (name, "datastore"))
        {
          g_autofree char *path = vdi_xml_dup_text (vdi_xml_child (val, VDI_VIM25_NS,
                                                                    "ManagedObjectReference"));

          g_assert_cmpstr (xsi_type, ==, "ArrayOfManagedObjectReference");
          g_assert_cmpstr (path, ==, "/tmp/govcsim-DC0-LocalDS_0-2902230772@folder-5");
        }
    }
  g_assert_cmpuint (n_props, ==, 4);

  /* A fault inside missingSet, not a SOAP fault. */
  body = vdi_soap_get_body (missing, NULL);
  g_assert_null (vdi_soap_parse_fault (body));
  {
    xmlNode *set = vdi_xml_find (body, VDI_VIM25_NS, "missingSet");
    xmlNode *inner = vdi_xml_child (vdi_xml_child (set, VDI_VIM25_NS, "fault"), VDI_VIM25_NS,
                                    "fault");
    g_autofree char *type = vdi_xml_dup_xsi_type (inner);

    g_assert_cmpstr (type, ==, "NotAuthenticated");
  }
}

/* Found by the fuzzer: a fault that says nothing at all still makes a message. */
static void
test_empty_fault (void)
{
  static const char empty[] = "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\">"
                              "<e:Body><e:Fault/></e:Body></e:Envelope>";
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = vdi_xml_parse (empty, sizeof empty - 1, &error);
  g_autoptr(VdiSoapFault) fault = vdi_soap_parse_fault (vdi_soap_get_body (doc, NULL));

  g_assert_nonnull (fault);
  vdi_soap_fault_to_error (fault, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "without saying"));
}

static void
test_not_soap (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = vdi_xml_parse ("<html><body>Proxy error</body></html>", 37, &error);

  g_assert_no_error (error);
  g_assert_null (vdi_soap_get_body (doc, &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "<html>"));
}

static void
test_escape (void)
{
  g_autofree char *a = vdi_xml_escape ("Win <11> & \"Pro\" 'x'");
  g_autofree char *b = vdi_xml_escape ("tab\tnl\ncr\rbell\x07" "bad\xff" "end");
  g_autofree char *c = vdi_xml_escape ("日本語");
  g_autoptr(GString) doc = g_string_new ("<v>");
  g_autoptr(xmlDoc) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *round = NULL;

  g_assert_cmpstr (a, ==, "Win &lt;11&gt; &amp; &quot;Pro&quot; &apos;x&apos;");
  g_assert_cmpstr (b, ==, "tab\tnl\ncr&#13;bell\xef\xbf\xbd" "bad\xef\xbf\xbd" "end");
  g_assert_cmpstr (c, ==, "日本語");

  /* Whatever goes in, the result parses and reads back. */
  vdi_xml_append_escaped (doc, "p@ss</v><inject>&amp;");
  g_string_append (doc, "</v>");
  parsed = vdi_xml_parse (doc->str, doc->len, &error);
  g_assert_no_error (error);
  round = vdi_xml_dup_text (xmlDocGetRootElement (parsed));
  g_assert_cmpstr (round, ==, "p@ss</v><inject>&amp;");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/xml/hardening", test_hardening);
  g_test_add_func ("/providers/xml/not-soap", test_not_soap);
  g_test_add_func ("/providers/soap/empty-fault", test_empty_fault);
  g_test_add_func ("/providers/xml/escape", test_escape);
  g_test_add_func ("/providers/wsman/identify", test_wsman_identify);
  g_test_add_func ("/providers/wsman/pull-namespaces", test_wsman_pull_namespaces);
  g_test_add_func ("/providers/wsman/job-epr", test_wsman_job_epr);
  g_test_add_func ("/providers/wsman/faults", test_wsman_faults);
  g_test_add_func ("/providers/vim/faults", test_vim_faults);
  g_test_add_func ("/providers/vim/quirks", test_vim_quirks);

  return g_test_run ();
}
