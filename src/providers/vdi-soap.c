/* vdi-soap.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vdi-backend-error.h"
#include "vdi-soap.h"

static const char *
envelope_ns (xmlNode *root)
{
  if (vdi_xml_is (root, VDI_SOAP12_NS, "Envelope"))
    return VDI_SOAP12_NS;
  if (vdi_xml_is (root, VDI_SOAP11_NS, "Envelope"))
    return VDI_SOAP11_NS;
  return NULL;
}

/**
 * vdi_soap_get_body:
 *
 * Returns: (transfer none) (nullable): the Body of a SOAP 1.1 or 1.2 envelope, or %NULL with
 *   a protocol error when @doc is not one.
 */
xmlNode *
vdi_soap_get_body (xmlDoc  *doc,
                   GError **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  const char *ns = envelope_ns (root);
  xmlNode *body;

  if (ns == NULL)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider answered with XML that is not a SOAP envelope (<%s>)"),
                   root != NULL ? (const char *)root->name : "");
      return NULL;
    }

  body = vdi_xml_child (root, ns, "Body");
  if (body == NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The provider's SOAP envelope has no body"));
      return NULL;
    }

  return body;
}

/**
 * vdi_soap_local_name:
 *
 * Returns: (transfer full): "Sender" for "s:Sender", the string itself when unprefixed
 */
char *
vdi_soap_local_name (const char *qname)
{
  const char *colon;

  if (qname == NULL)
    return NULL;
  colon = strrchr (qname, ':');
  return g_strstrip (g_strdup (colon != NULL ? colon + 1 : qname));
}

static char *
dup_trimmed (xmlNode *node)
{
  char *text = vdi_xml_dup_text (node);

  return text != NULL ? g_strstrip (text) : NULL;
}

/**
 * vdi_soap_parse_fault:
 *
 * Returns: (transfer full) (nullable): the fault in @body, or %NULL when there is none
 */
VdiSoapFault *
vdi_soap_parse_fault (xmlNode *body)
{
  VdiSoapFault *fault;
  xmlNode *node;
  gboolean soap12;

  if (body == NULL || body->ns == NULL)
    return NULL;

  soap12 = g_strcmp0 ((const char *)body->ns->href, VDI_SOAP12_NS) == 0;
  node = vdi_xml_child (body, (const char *)body->ns->href, "Fault");
  if (node == NULL)
    return NULL;

  fault = g_new0 (VdiSoapFault, 1);

  if (soap12)
    {
      xmlNode *code = vdi_xml_child (node, VDI_SOAP12_NS, "Code");
      xmlNode *subcode = vdi_xml_child (code, VDI_SOAP12_NS, "Subcode");
      xmlNode *reason = vdi_xml_child (node, VDI_SOAP12_NS, "Reason");
      g_autofree char *code_text = dup_trimmed (vdi_xml_child (code, VDI_SOAP12_NS, "Value"));
      g_autofree char *sub_text = dup_trimmed (vdi_xml_child (subcode, VDI_SOAP12_NS, "Value"));
      xmlNode *wsman;

      fault->code = vdi_soap_local_name (code_text);
      fault->subcode = vdi_soap_local_name (sub_text);
      fault->reason = dup_trimmed (vdi_xml_child (reason, VDI_SOAP12_NS, "Text"));
      fault->detail = vdi_xml_child (node, VDI_SOAP12_NS, "Detail");
      fault->type = g_strdup (fault->subcode);

      wsman = vdi_xml_find (fault->detail, VDI_WSMAN_FAULT_NS, "WSManFault");
      if (wsman != NULL)
        {
          g_autofree char *code_attr = vdi_xml_dup_prop (wsman, NULL, "Code");

          fault->message = dup_trimmed (vdi_xml_child (wsman, VDI_WSMAN_FAULT_NS, "Message"));
          if (code_attr != NULL)
            fault->provider_code = g_ascii_strtoull (code_attr, NULL, 10);
        }
    }
  else
    {
      /* SOAP 1.1 puts faultcode, faultstring and detail in no namespace. */
      g_autofree char *code_text = dup_trimmed (vdi_xml_child (node, NULL, "faultcode"));

      fault->code = vdi_soap_local_name (code_text);
      fault->reason = dup_trimmed (vdi_xml_child (node, NULL, "faultstring"));
      fault->detail = vdi_xml_child (node, NULL, "detail");

      /* vim25: <detail><InvalidLoginFault xsi:type="InvalidLogin">; the element name minus
       * "Fault" is the fallback when a server leaves the type out. */
      if (fault->detail != NULL)
        {
          xmlNode *inner = vdi_xml_first_element (fault->detail);

          if (inner != NULL)
            {
              fault->type = vdi_xml_dup_xsi_type (inner);
              if (fault->type == NULL && g_str_has_suffix ((const char *)inner->name, "Fault"))
                fault->type = g_strndup ((const char *)inner->name,
                                         strlen ((const char *)inner->name) - 5);
            }
        }
    }

  if (fault->reason == NULL)
    fault->reason = g_strdup ("");

  return fault;
}

void
vdi_soap_fault_free (VdiSoapFault *fault)
{
  if (fault == NULL)
    return;

  g_free (fault->code);
  g_free (fault->subcode);
  g_free (fault->reason);
  g_free (fault->type);
  g_free (fault->message);
  g_free (fault);
}

/**
 * vdi_soap_fault_dup_text:
 *
 * Returns: (transfer full): the provider's own words for the fault, with its type when that
 *   adds something: "Login failure (InvalidLogin)". vcsim leaves faultstring empty for most
 *   faults, which then reads as the type alone.
 */
char *
vdi_soap_fault_dup_text (const VdiSoapFault *fault)
{
  const char *words;

  g_return_val_if_fail (fault != NULL, NULL);

  /* WinRM's detail message is usually more specific than its generic Reason. */
  words = fault->message != NULL && *fault->message != '\0' ? fault->message : fault->reason;

  if (words == NULL || *words == '\0')
    {
      if (fault->type != NULL && *fault->type != '\0')
        return g_strdup (fault->type);
      if (fault->code != NULL && *fault->code != '\0')
        return g_strdup (fault->code);
      return g_strdup (_("The provider reported a fault without saying what it was"));
    }
  if (fault->type == NULL || strstr (words, fault->type) != NULL)
    return g_strdup (words);
  return g_strdup_printf ("%s (%s)", words, fault->type);
}

typedef struct
{
  const char      *type;
  VdiBackendError  code;
} FaultMapping;

/* Faults with a meaning of their own; every other one is the provider's fault, in its words. */
static const FaultMapping fault_mappings[] = {
  /* vim25 */
  { "InvalidLogin", VDI_BACKEND_ERROR_AUTHENTICATION },
  { "NotAuthenticated", VDI_BACKEND_ERROR_AUTHENTICATION },
  { "NoPermission", VDI_BACKEND_ERROR_AUTHENTICATION },
  { "ManagedObjectNotFound", VDI_BACKEND_ERROR_NOT_FOUND },
  { "InvalidRequest", VDI_BACKEND_ERROR_PROTOCOL },
  { "MethodNotFound", VDI_BACKEND_ERROR_PROTOCOL },
  { "RequestCanceled", VDI_BACKEND_ERROR_CANCELLED },
  /* WS-Management */
  { "AccessDenied", VDI_BACKEND_ERROR_AUTHENTICATION },
  { "DestinationUnreachable", VDI_BACKEND_ERROR_NOT_FOUND },
  { "TimedOut", VDI_BACKEND_ERROR_TIMED_OUT },
  { "SchemaValidationError", VDI_BACKEND_ERROR_PROTOCOL },
  { "InvalidEnumerationContext", VDI_BACKEND_ERROR_PROTOCOL },
};

void
vdi_soap_fault_to_error (const VdiSoapFault  *fault,
                         GError             **error)
{
  g_autofree char *text = NULL;
  VdiBackendError code = VDI_BACKEND_ERROR_PROVIDER_FAULT;

  g_return_if_fail (fault != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fault_mappings); i++)
    {
      if (g_strcmp0 (fault->type, fault_mappings[i].type) == 0)
        {
          code = fault_mappings[i].code;
          break;
        }
    }

  text = vdi_soap_fault_dup_text (fault);
  g_set_error_literal (error, VDI_BACKEND_ERROR, code, text);
}
