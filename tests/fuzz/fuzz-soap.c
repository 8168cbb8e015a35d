/* fuzz-soap.c: libFuzzer target for what every provider answer goes through first: the
 * hardened XML parser, the SOAP envelope and fault parsing (both dialects), and the text and
 * attribute helpers the protocol parsers use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-soap.h"
#include "vdi-xml.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
walk (xmlNode *node,
      guint    depth)
{
  for (xmlNode *child = node != NULL ? node->children : NULL; child != NULL; child = child->next)
    {
      g_autofree char *text = vdi_xml_dup_text (child);
      g_autofree char *type = vdi_xml_dup_xsi_type (child);
      g_autofree char *plain = vdi_xml_dup_prop (child, NULL, "type");

      if (depth < VDI_XML_MAX_DEPTH)
        walk (child, depth + 1);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(VdiSoapFault) fault = NULL;
  g_autoptr(GError) error = NULL;
  xmlNode *body;

  doc = vdi_xml_parse ((const char *)data, size, &error);
  if (doc == NULL)
    {
      g_assert (error != NULL && error->domain == VDI_BACKEND_ERROR);
      return 0;
    }

  body = vdi_soap_get_body (doc, &error);
  walk (xmlDocGetRootElement (doc), 0);
  if (body == NULL)
    return 0;

  fault = vdi_soap_parse_fault (body);
  if (fault != NULL)
    {
      g_autoptr(GError) fault_error = NULL;
      g_autofree char *text = vdi_soap_fault_dup_text (fault);

      vdi_soap_fault_to_error (fault, &fault_error);
      g_assert (fault_error != NULL);
    }

  return 0;
}
