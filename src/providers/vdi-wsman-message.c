/* vdi-wsman-message.c
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
#include "vdi-wsman-message.h"

/* WinRM's default MaxEnvelopeSizekb is 150 (500 on many hosts); ask for what it will give. */
#define MAX_ENVELOPE_SIZE 153600

/* Endpoint references --------------------------------------------------------------------- */

VdiWsmanEpr *
vdi_wsman_epr_new (const char *resource_uri)
{
  VdiWsmanEpr *epr = g_new0 (VdiWsmanEpr, 1);

  epr->resource_uri = g_strdup (resource_uri);
  epr->names = g_ptr_array_new_with_free_func (g_free);
  epr->values = g_ptr_array_new_with_free_func (g_free);
  return epr;
}

VdiWsmanEpr *
vdi_wsman_epr_copy (const VdiWsmanEpr *epr)
{
  VdiWsmanEpr *copy;

  g_return_val_if_fail (epr != NULL, NULL);

  copy = vdi_wsman_epr_new (epr->resource_uri);
  for (guint i = 0; i < epr->names->len; i++)
    vdi_wsman_epr_add_selector (copy, g_ptr_array_index (epr->names, i),
                                g_ptr_array_index (epr->values, i));
  return copy;
}

void
vdi_wsman_epr_free (VdiWsmanEpr *epr)
{
  if (epr == NULL)
    return;

  g_free (epr->resource_uri);
  g_ptr_array_unref (epr->names);
  g_ptr_array_unref (epr->values);
  g_free (epr);
}

void
vdi_wsman_epr_add_selector (VdiWsmanEpr *epr,
                            const char  *name,
                            const char  *value)
{
  g_return_if_fail (epr != NULL);
  g_return_if_fail (name != NULL);

  g_ptr_array_add (epr->names, g_strdup (name));
  g_ptr_array_add (epr->values, g_strdup (value != NULL ? value : ""));
}

const char *
vdi_wsman_epr_get_selector (const VdiWsmanEpr *epr,
                            const char        *name)
{
  g_return_val_if_fail (epr != NULL, NULL);

  for (guint i = 0; i < epr->names->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (epr->names, i), name) == 0)
        return g_ptr_array_index (epr->values, i);
    }
  return NULL;
}

/**
 * vdi_wsman_epr_parse:
 *
 * Reads an EPR as WinRM writes REF values: a:Address and a:ReferenceParameters directly
 * inside the element. Some servers (and older fixtures) wrap them in a:EndpointReference, so
 * the reference parameters are looked for at any depth below @node.
 *
 * Returns: (transfer full) (nullable): the EPR, or %NULL when @node holds none
 */
VdiWsmanEpr *
vdi_wsman_epr_parse (xmlNode *node)
{
  xmlNode *params = vdi_xml_find (node, VDI_WSA_NS, "ReferenceParameters");
  g_autofree char *uri = NULL;
  VdiWsmanEpr *epr;
  xmlNode *set;

  if (params == NULL)
    return NULL;

  uri = vdi_xml_dup_child_text (params, VDI_WSMAN_NS, "ResourceURI");
  if (uri == NULL)
    return NULL;

  epr = vdi_wsman_epr_new (g_strstrip (uri));
  set = vdi_xml_child (params, VDI_WSMAN_NS, "SelectorSet");
  for (xmlNode *selector = vdi_xml_child (set, VDI_WSMAN_NS, "Selector"); selector != NULL;
       selector = vdi_xml_next (selector, VDI_WSMAN_NS, "Selector"))
    {
      g_autofree char *name = vdi_xml_dup_prop (selector, NULL, "Name");
      g_autofree char *value = vdi_xml_dup_text (selector);

      if (name != NULL)
        vdi_wsman_epr_add_selector (epr, name, value);
    }
  return epr;
}

char *
vdi_wsman_class_uri (const char *class_name)
{
  return g_strconcat (VDI_WMI_V2, class_name, NULL);
}

/* Requests -------------------------------------------------------------------------------- */

static void
append_element (GString    *out,
                const char *open,
                const char *text,
                const char *close)
{
  g_string_append (out, open);
  vdi_xml_append_escaped (out, text);
  g_string_append (out, close);
}

static void
append_selector_set (GString           *out,
                     const VdiWsmanEpr *epr)
{
  g_string_append (out, "<w:SelectorSet>");
  for (guint i = 0; i < epr->names->len; i++)
    {
      g_string_append (out, "<w:Selector Name=\"");
      vdi_xml_append_escaped (out, g_ptr_array_index (epr->names, i));
      g_string_append (out, "\">");
      vdi_xml_append_escaped (out, g_ptr_array_index (epr->values, i));
      g_string_append (out, "</w:Selector>");
    }
  g_string_append (out, "</w:SelectorSet>");
}

/**
 * vdi_wsman_request_to_xml:
 *
 * Returns: (transfer full): a SOAP 1.2 envelope with the standard WS-Management headers
 */
char *
vdi_wsman_request_to_xml (const VdiWsmanRequest *request)
{
  GString *out = g_string_sized_new (1024);

  g_return_val_if_fail (request != NULL, NULL);

  g_string_append (out,
                   "<s:Envelope xmlns:s=\"" VDI_SOAP12_NS "\""
                   " xmlns:a=\"" VDI_WSA_NS "\""
                   " xmlns:n=\"" VDI_WSEN_NS "\""
                   " xmlns:w=\"" VDI_WSMAN_NS "\""
                   " xmlns:wsmid=\"" VDI_WSMID_NS "\">"
                   "<s:Header>");
  if (request->to != NULL)
    append_element (out, "<a:To>", request->to, "</a:To>");
  if (request->resource_uri != NULL)
    append_element (out, "<w:ResourceURI s:mustUnderstand=\"true\">", request->resource_uri,
                    "</w:ResourceURI>");
  g_string_append (out,
                   "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">" VDI_WSA_ANONYMOUS
                   "</a:Address></a:ReplyTo>");
  if (request->action != NULL)
    append_element (out, "<a:Action s:mustUnderstand=\"true\">", request->action,
                    "</a:Action>");
  g_string_append_printf (out,
                          "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">%u</w:MaxEnvelopeSize>",
                          MAX_ENVELOPE_SIZE);
  if (request->message_id != NULL)
    append_element (out, "<a:MessageID>", request->message_id, "</a:MessageID>");
  g_string_append (out, "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>");
  if (request->timeout_seconds > 0)
    g_string_append_printf (out, "<w:OperationTimeout>PT%uS</w:OperationTimeout>",
                            request->timeout_seconds);
  if (request->selectors != NULL && request->selectors->names->len > 0)
    append_selector_set (out, request->selectors);
  g_string_append (out, "</s:Header><s:Body>");
  if (request->body != NULL)
    g_string_append (out, request->body);
  g_string_append (out, "</s:Body></s:Envelope>");

  return g_string_free (out, FALSE);
}

char *
vdi_wsman_body_identify (void)
{
  return g_strdup ("<wsmid:Identify/>");
}

/**
 * vdi_wsman_body_enumerate:
 * @wql: the query, plain text (it is escaped here)
 */
char *
vdi_wsman_body_enumerate (const char *wql)
{
  GString *out = g_string_new ("<n:Enumerate><w:Filter Dialect=\"" VDI_WSMAN_WQL_DIALECT "\">");

  vdi_xml_append_escaped (out, wql);
  g_string_append (out, "</w:Filter></n:Enumerate>");
  return g_string_free (out, FALSE);
}

char *
vdi_wsman_body_pull (const char *context,
                     guint       max_elements)
{
  GString *out = g_string_new ("<n:Pull>");

  append_element (out, "<n:EnumerationContext>", context, "</n:EnumerationContext>");
  if (max_elements > 0)
    g_string_append_printf (out, "<n:MaxElements>%u</n:MaxElements>", max_elements);
  g_string_append (out, "</n:Pull>");
  return g_string_free (out, FALSE);
}

char *
vdi_wsman_body_release (const char *context)
{
  GString *out = g_string_new ("<n:Release>");

  append_element (out, "<n:EnumerationContext>", context, "</n:EnumerationContext>");
  g_string_append (out, "</n:Release>");
  return g_string_free (out, FALSE);
}

/**
 * vdi_wsman_wql_quote:
 *
 * Returns: (transfer full): @value as a WQL string literal, 'like this', with backslashes and
 *   quotes escaped, so no value can change the query.
 */
char *
vdi_wsman_wql_quote (const char *value)
{
  GString *out = g_string_new ("'");

  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '\'' || *p == '"')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

struct _VdiWsmanParams
{
  GString *out;
  char    *method;
};

/**
 * vdi_wsman_params_new:
 *
 * Starts the input of a WMI method: `<p:Method_INPUT xmlns:p="RESOURCE_URI">`.
 */
VdiWsmanParams *
vdi_wsman_params_new (const char *resource_uri,
                      const char *method)
{
  VdiWsmanParams *params = g_new0 (VdiWsmanParams, 1);

  params->method = g_strdup (method);
  params->out = g_string_new ("<p:");
  g_string_append_printf (params->out, "%s_INPUT xmlns:p=\"", method);
  vdi_xml_append_escaped (params->out, resource_uri);
  g_string_append (params->out, "\">");
  return params;
}

void
vdi_wsman_params_add_string (VdiWsmanParams *params,
                             const char     *name,
                             const char     *value)
{
  g_return_if_fail (params != NULL);

  g_string_append_printf (params->out, "<p:%s>", name);
  vdi_xml_append_escaped (params->out, value);
  g_string_append_printf (params->out, "</p:%s>", name);
}

/**
 * vdi_wsman_params_add_ref:
 *
 * A REF parameter: Address and ReferenceParameters directly inside the parameter element.
 * A wrapping a:EndpointReference makes real hosts answer SchemaValidationError.
 */
void
vdi_wsman_params_add_ref (VdiWsmanParams    *params,
                          const char        *name,
                          const VdiWsmanEpr *epr)
{
  g_return_if_fail (params != NULL);
  g_return_if_fail (epr != NULL);

  g_string_append_printf (params->out, "<p:%s>", name);
  g_string_append (params->out, "<a:Address>" VDI_WSA_ANONYMOUS "</a:Address>"
                                "<a:ReferenceParameters>");
  append_element (params->out, "<w:ResourceURI>", epr->resource_uri, "</w:ResourceURI>");
  append_selector_set (params->out, epr);
  g_string_append (params->out, "</a:ReferenceParameters>");
  g_string_append_printf (params->out, "</p:%s>", name);
}

/**
 * vdi_wsman_params_add_instance:
 * @properties: (array zero-terminated=1): triples of property name, CIM type and value
 *
 * An embedded-instance parameter, which Hyper-V takes as CIM-XML (DSP0201) text: an
 * `<INSTANCE CLASSNAME=…>` with one PROPERTY per value, escaped as the parameter's text.
 */
void
vdi_wsman_params_add_instance (VdiWsmanParams     *params,
                               const char         *name,
                               const char         *class_name,
                               const char * const *properties)
{
  g_autoptr(GString) instance = g_string_new ("<INSTANCE CLASSNAME=\"");

  g_return_if_fail (params != NULL);
  g_return_if_fail (properties != NULL);

  vdi_xml_append_escaped (instance, class_name);
  g_string_append (instance, "\">");
  for (guint i = 0; properties[i] != NULL && properties[i + 1] != NULL &&
                    properties[i + 2] != NULL; i += 3)
    {
      g_string_append (instance, "<PROPERTY NAME=\"");
      vdi_xml_append_escaped (instance, properties[i]);
      g_string_append (instance, "\" TYPE=\"");
      vdi_xml_append_escaped (instance, properties[i + 1]);
      g_string_append (instance, "\"><VALUE>");
      vdi_xml_append_escaped (instance, properties[i + 2]);
      g_string_append (instance, "</VALUE></PROPERTY>");
    }
  g_string_append (instance, "</INSTANCE>");

  vdi_wsman_params_add_string (params, name, instance->str);
}

char *
vdi_wsman_params_free_to_body (VdiWsmanParams *params)
{
  char *body;

  g_return_val_if_fail (params != NULL, NULL);

  g_string_append_printf (params->out, "</p:%s_INPUT>", params->method);
  body = g_string_free (params->out, FALSE);
  g_free (params->method);
  g_free (params);
  return body;
}

char *
vdi_wsman_action_for_method (const char *resource_uri,
                             const char *method)
{
  return g_strconcat (resource_uri, "/", method, NULL);
}

/* Responses ------------------------------------------------------------------------------- */

/**
 * vdi_wsman_parse_response:
 * @body: (out) (transfer none): the envelope's Body, valid as long as the document
 *
 * Parses a WinRM answer (any status whose body is SOAP). A SOAP fault becomes a
 * %VDI_BACKEND_ERROR in the provider's words.
 *
 * Returns: (transfer full) (nullable): the document
 */
xmlDoc *
vdi_wsman_parse_response (const char  *data,
                          gsize        length,
                          xmlNode    **body,
                          GError     **error)
{
  g_autoptr(xmlDoc) doc = vdi_xml_parse (data, length, error);
  g_autoptr(VdiSoapFault) fault = NULL;

  *body = NULL;
  if (doc == NULL)
    return NULL;

  *body = vdi_soap_get_body (doc, error);
  if (*body == NULL)
    return NULL;

  fault = vdi_soap_parse_fault (*body);
  if (fault != NULL)
    {
      vdi_soap_fault_to_error (fault, error);
      *body = NULL;
      return NULL;
    }

  return g_steal_pointer (&doc);
}

/**
 * vdi_wsman_instance_parse:
 *
 * Reads a WMI instance as WinRM writes it: `<p:Class xsi:type="p:Class_Type">` with one child
 * per property in the class's namespace, repeated for arrays, `xsi:nil` for NULL, and
 * datetimes wrapped in cim:Datetime or cim:Interval (kept as their text).
 */
VdiWsmanInstance *
vdi_wsman_instance_parse (xmlNode *node)
{
  VdiWsmanInstance *instance;

  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return NULL;

  instance = g_new0 (VdiWsmanInstance, 1);
  instance->class_name = g_strdup ((const char *)node->name);
  instance->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)g_ptr_array_unref);

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    {
      GPtrArray *array;
      char *value;

      if (child->type != XML_ELEMENT_NODE)
        continue;

      array = g_hash_table_lookup (instance->values, child->name);
      if (array == NULL)
        {
          array = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (instance->values, g_strdup ((const char *)child->name), array);
        }

      value = vdi_xml_dup_text (child);
      if (value != NULL)
        g_ptr_array_add (array, g_strstrip (value));
    }

  return instance;
}

void
vdi_wsman_instance_free (VdiWsmanInstance *instance)
{
  if (instance == NULL)
    return;

  g_free (instance->class_name);
  g_hash_table_unref (instance->values);
  g_free (instance);
}

/**
 * vdi_wsman_instance_get:
 *
 * Returns: (nullable): the property's (first) value, or %NULL when absent or NULL
 */
const char *
vdi_wsman_instance_get (const VdiWsmanInstance *instance,
                        const char             *name)
{
  GPtrArray *array;

  g_return_val_if_fail (instance != NULL, NULL);

  array = g_hash_table_lookup (instance->values, name);
  return array != NULL && array->len > 0 ? g_ptr_array_index (array, 0) : NULL;
}

GPtrArray *
vdi_wsman_instance_get_array (const VdiWsmanInstance *instance,
                              const char             *name)
{
  g_return_val_if_fail (instance != NULL, NULL);

  return g_hash_table_lookup (instance->values, name);
}

gboolean
vdi_wsman_instance_get_uint (const VdiWsmanInstance *instance,
                             const char             *name,
                             guint64                *value)
{
  const char *text = vdi_wsman_instance_get (instance, name);

  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, NULL);
}

/**
 * vdi_wsman_parse_enumeration:
 * @pull: %TRUE for a PullResponse, %FALSE for an EnumerateResponse
 * @context: (out) (transfer full): the context for the next Pull, or %NULL at the end
 * @items: (element-type VdiWsmanInstance): where the instances go
 *
 * An EnumerateResponse usually holds only a context; with OptimizeEnumeration it may hold
 * items too. A PullResponse holds items and, unless it is the last, a new context.
 */
gboolean
vdi_wsman_parse_enumeration (xmlNode    *body,
                             gboolean    pull,
                             char      **context,
                             GPtrArray  *items,
                             GError    **error)
{
  const char *name = pull ? "PullResponse" : "EnumerateResponse";
  xmlNode *response = vdi_xml_child (body, VDI_WSEN_NS, name);
  xmlNode *list;
  gboolean end;

  *context = NULL;
  if (response == NULL)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider's answer has no %s"), name);
      return FALSE;
    }

  /* Items sit in n:Items for Pull and in w:Items for an optimized Enumerate. */
  list = vdi_xml_child (response, VDI_WSEN_NS, "Items");
  if (list == NULL)
    list = vdi_xml_child (response, VDI_WSMAN_NS, "Items");
  for (xmlNode *item = vdi_xml_first_element (list); item != NULL; item = item->next)
    {
      if (item->type == XML_ELEMENT_NODE)
        g_ptr_array_add (items, vdi_wsman_instance_parse (item));
    }

  end = vdi_xml_child (response, VDI_WSEN_NS, "EndOfSequence") != NULL ||
        vdi_xml_child (response, VDI_WSMAN_NS, "EndOfSequence") != NULL;
  if (!end)
    {
      *context = vdi_xml_dup_child_text (response, VDI_WSEN_NS, "EnumerationContext");
      if (*context != NULL)
        g_strstrip (*context);
      if (*context == NULL || **context == '\0')
        {
          g_clear_pointer (context, g_free);
          /* A Pull page that neither ends nor continues cannot be followed. */
          if (pull)
            {
              g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                   _("The provider's enumeration page has neither a context "
                                     "nor an end"));
              return FALSE;
            }
        }
    }

  return TRUE;
}

/**
 * vdi_wsman_parse_invoke_output:
 * @job: (out) (transfer full) (nullable): the job started, when @return_value is 4096
 * @output: (out) (transfer none) (optional): the Method_OUTPUT element, for other out params
 *
 * Reads `<p:Method_OUTPUT>`: ReturnValue and the Job EPR.
 */
gboolean
vdi_wsman_parse_invoke_output (xmlNode      *body,
                               const char   *method,
                               guint        *return_value,
                               VdiWsmanEpr **job,
                               xmlNode     **output,
                               GError      **error)
{
  g_autofree char *element = g_strconcat (method, "_OUTPUT", NULL);
  g_autofree char *value = NULL;
  xmlNode *out = NULL;
  guint64 code;

  *job = NULL;
  for (xmlNode *node = vdi_xml_first_element (body); node != NULL; node = node->next)
    {
      if (node->type == XML_ELEMENT_NODE && g_str_equal ((const char *)node->name, element))
        {
          out = node;
          break;
        }
    }

  if (out == NULL || out->ns == NULL)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider's answer to %s has no %s"), method, element);
      return FALSE;
    }

  value = vdi_xml_dup_child_text (out, (const char *)out->ns->href, "ReturnValue");
  if (value == NULL ||
      !g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, G_MAXUINT32, &code, NULL))
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider's answer to %s has no valid ReturnValue"), method);
      return FALSE;
    }

  *return_value = (guint)code;
  if (code == VDI_WSMAN_RETURN_JOB_STARTED)
    {
      *job = vdi_wsman_epr_parse (vdi_xml_child (out, (const char *)out->ns->href, "Job"));
      if (*job == NULL || vdi_wsman_epr_get_selector (*job, "InstanceID") == NULL)
        {
          g_clear_pointer (job, vdi_wsman_epr_free);
          g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                       _("The provider started a job for %s but did not say which"), method);
          return FALSE;
        }
    }

  if (output != NULL)
    *output = out;
  return TRUE;
}

/**
 * vdi_wsman_return_value_describe:
 *
 * Returns: the meaning of a Hyper-V method's ReturnValue, translated
 */
const char *
vdi_wsman_return_value_describe (guint return_value)
{
  switch (return_value)
    {
    case 0:
      return _("Completed with no error");
    case 1:
      return _("Not supported");
    case 2:
      return _("Failed");
    case 3:
      return _("Timeout");
    case 4:
      return _("Invalid parameter");
    case 5:
      return _("Invalid state");
    case 4096:
      return _("Job started");
    case 4097:
      return _("Invalid state transition");
    case 4098:
      return _("Timeout parameter not supported");
    case 4099:
      return _("Busy");
    case 32768:
      return _("Failed");
    case 32769:
      return _("Access denied");
    case 32770:
      return _("Not supported");
    case 32771:
      return _("Status is unknown");
    case 32772:
      return _("Timeout");
    case 32773:
      return _("Invalid parameter");
    case 32774:
      return _("System is in use");
    case 32775:
      return _("Invalid state for this operation");
    case 32776:
      return _("Incorrect data type");
    case 32777:
      return _("System is not available");
    case 32778:
      return _("Out of memory");
    case 32779:
      return _("File in use");
    default:
      return _("Unknown error");
    }
}
