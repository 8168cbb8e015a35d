/* vdi-sim-xml.c
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
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "vdi-sim-xml.h"

G_DEFINE_QUARK (vdi-sim-xml-error-quark, vdi_sim_xml_error)

static gboolean
contains_markup_declaration (const char *data,
                             gsize       length)
{
  /* Requests never need a DTD; refusing any declaration up front rules out entity
   * expansion (billion laughs) and external entities whatever the parser does. */
  static const char *needles[] = { "<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity" };

  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    if (g_strstr_len (data, length, needles[i]) != NULL)
      return TRUE;

  return FALSE;
}

static gboolean
check_depth (xmlNode *node,
             guint    depth)
{
  if (depth > VDI_SIM_XML_MAX_DEPTH)
    return FALSE;

  for (xmlNode *child = node->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && !check_depth (child, depth + 1))
      return FALSE;

  return TRUE;
}

static void
silent_error_handler (void       *ctx,
                      const char *msg,
                      ...)
{
}

xmlDoc *
vdi_sim_xml_parse (const char  *data,
                   gsize        length,
                   GError     **error)
{
  xmlParserCtxt *ctxt;
  xmlDoc *doc;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "Empty request body");
      return NULL;
    }

  if (length > VDI_SIM_XML_MAX_SIZE)
    {
      g_set_error (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_TOO_LARGE,
                   "Request body of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d bytes",
                   length, VDI_SIM_XML_MAX_SIZE);
      return NULL;
    }

  if (contains_markup_declaration (data, length))
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_FORBIDDEN,
                           "Document type and entity declarations are not allowed");
      return NULL;
    }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "Out of memory creating the XML parser");
      return NULL;
    }

  xmlSetGenericErrorFunc (NULL, silent_error_handler);
  doc = xmlCtxtReadMemory (ctxt, data, (int) length, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

  if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *xerr = xmlCtxtGetLastError (ctxt);

      if (xerr != NULL && xerr->message != NULL)
        {
          g_autofree char *message = g_strstrip (g_strdup (xerr->message));

          g_set_error (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                       "Malformed XML at line %d, column %d: %s",
                       xerr->line, xerr->int2, message);
        }
      else
        g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                             "Malformed XML");

      g_clear_pointer (&doc, xmlFreeDoc);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }

  xmlFreeParserCtxt (ctxt);

  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_FORBIDDEN,
                           "Document type declarations are not allowed");
      return NULL;
    }

  if (xmlDocGetRootElement (doc) == NULL || !check_depth (xmlDocGetRootElement (doc), 1))
    {
      xmlFreeDoc (doc);
      g_set_error (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_TOO_DEEP,
                   "XML nesting deeper than %d elements", VDI_SIM_XML_MAX_DEPTH);
      return NULL;
    }

  return doc;
}

gboolean
vdi_sim_xml_is (xmlNode    *node,
                const char *ns_uri,
                const char *name)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;
  if (name != NULL && g_strcmp0 ((const char *) node->name, name) != 0)
    return FALSE;
  if (ns_uri != NULL)
    {
      if (node->ns == NULL || node->ns->href == NULL)
        return FALSE;
      if (g_strcmp0 ((const char *) node->ns->href, ns_uri) != 0)
        return FALSE;
    }
  return TRUE;
}

xmlNode *
vdi_sim_xml_next (xmlNode    *node,
                  const char *ns_uri,
                  const char *name)
{
  for (; node != NULL; node = node->next)
    if (vdi_sim_xml_is (node, ns_uri, name))
      return node;
  return NULL;
}

xmlNode *
vdi_sim_xml_child (xmlNode    *parent,
                   const char *ns_uri,
                   const char *name)
{
  if (parent == NULL)
    return NULL;
  return vdi_sim_xml_next (parent->children, ns_uri, name);
}

xmlNode *
vdi_sim_xml_first_element (xmlNode *parent)
{
  return vdi_sim_xml_child (parent, NULL, NULL);
}

xmlNode *
vdi_sim_xml_find (xmlNode    *root,
                  const char *ns_uri,
                  const char *name)
{
  if (root == NULL)
    return NULL;
  if (vdi_sim_xml_is (root, ns_uri, name))
    return root;
  for (xmlNode *child = root->children; child != NULL; child = child->next)
    {
      xmlNode *found;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      if ((found = vdi_sim_xml_find (child, ns_uri, name)) != NULL)
        return found;
    }
  return NULL;
}

char *
vdi_sim_xml_text (xmlNode *node)
{
  xmlChar *content;
  char *ret;

  if (node == NULL)
    return NULL;

  content = xmlNodeGetContent (node);
  ret = g_strstrip (g_strdup (content != NULL ? (const char *) content : ""));
  xmlFree (content);

  return ret;
}

char *
vdi_sim_xml_child_text (xmlNode    *parent,
                        const char *ns_uri,
                        const char *name)
{
  return vdi_sim_xml_text (vdi_sim_xml_child (parent, ns_uri, name));
}

char *
vdi_sim_xml_attr (xmlNode    *node,
                  const char *name)
{
  xmlChar *value;
  char *ret;

  if (node == NULL)
    return NULL;

  /* Un-namespaced on purpose: a vim25 MoRef carries both xsi:type and a plain type. */
  value = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (value == NULL)
    return NULL;

  ret = g_strdup ((const char *) value);
  xmlFree (value);

  return ret;
}

void
vdi_sim_xml_append_escaped (GString    *out,
                            const char *text)
{
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return;

  escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

void
vdi_sim_xml_append_element (GString    *out,
                            const char *name,
                            const char *text)
{
  g_string_append_printf (out, "<%s>", name);
  vdi_sim_xml_append_escaped (out, text);
  g_string_append_printf (out, "</%s>", name);
}
