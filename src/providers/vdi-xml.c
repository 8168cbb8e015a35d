/* vdi-xml.c
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
#include <libxml/parser.h>

#include "vdi-backend-error.h"
#include "vdi-xml.h"

/* libxml2 reports errors through a global handler by default; keep them off stderr. */
static void
silent_error_handler (void           *ctx,
                      const xmlError *error)
{
}

static gboolean
check_depth (xmlNode *root)
{
  xmlNode *node = root;
  guint depth = 0;

  /* Iterative walk: the point is to refuse what recursion would choke on. */
  while (node != NULL)
    {
      if (node->type == XML_ELEMENT_NODE && node->children != NULL)
        {
          if (++depth > VDI_XML_MAX_DEPTH)
            return FALSE;
          node = node->children;
          continue;
        }

      while (node != NULL && node->next == NULL)
        {
          node = node->parent;
          if (node == NULL || node == root->parent || node->type == XML_DOCUMENT_NODE)
            return TRUE;
          depth--;
        }
      if (node != NULL)
        node = node->next;
    }

  return TRUE;
}

/**
 * vdi_xml_parse:
 *
 * Parses a provider's answer with everything that could reach outside it turned off: no
 * network, no DTD (a document with one is refused), no entity substitution, and bounded size
 * and depth. A truncated or malformed document is a %VDI_BACKEND_ERROR_PROTOCOL error, never a
 * crash.
 *
 * Returns: (transfer full) (nullable): the document
 */
xmlDoc *
vdi_xml_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlParserCtxtPtr ctxt;
  const xmlError *xml_error;
  xmlNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The provider sent an empty answer"));
      return NULL;
    }

  if (length > VDI_XML_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (length);

      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider sent an answer too large to be genuine (%s)"), size);
      return NULL;
    }

  /* SOAP forbids a DTD (SOAP 1.1 §3, SOAP 1.2 part 1 §5); refusing it also refuses every
   * entity trick, the "billion laughs" included, before any parsing. */
  if (g_strstr_len (data, MIN (length, 4096), "<!DOCTYPE") != NULL ||
      g_strstr_len (data, length, "<!ENTITY") != NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The provider sent a document type declaration, which SOAP does "
                             "not allow"));
      return NULL;
    }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("Out of memory while reading the provider's answer"));
      return NULL;
    }
  xmlSetStructuredErrorFunc (NULL, (xmlStructuredErrorFunc)silent_error_handler);

  doc = xmlCtxtReadMemory (ctxt, data, (int)length, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                           XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
  xml_error = xmlCtxtGetLastError (ctxt);

  if (doc == NULL || !ctxt->wellFormed)
    {
      if (xml_error != NULL && xml_error->message != NULL)
        {
          g_autofree char *message = g_strstrip (g_strdup (xml_error->message));

          g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                       _("The provider sent malformed XML (line %d, column %d): %s"),
                       xml_error->line, xml_error->int2, message);
        }
      else
        g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                             _("The provider sent malformed XML"));
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  root = xmlDocGetRootElement (doc);
  if (root == NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The provider sent an XML document with no content"));
      return NULL;
    }
  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                           _("The provider sent a document type declaration, which SOAP does "
                             "not allow"));
      return NULL;
    }
  if (!check_depth (root))
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The provider sent XML nested deeper than %d levels"), VDI_XML_MAX_DEPTH);
      return NULL;
    }

  return g_steal_pointer (&doc);
}

/**
 * vdi_xml_is:
 * @ns_uri: (nullable): the namespace URI, or %NULL for an element in no namespace
 *
 * Matches by namespace URI and local name, never by prefix: WinRM reuses the prefix "p" for
 * two namespaces, and vcsim writes "XMLSchema-instance:" where vCenter writes "xsi:".
 */
gboolean
vdi_xml_is (xmlNode    *node,
            const char *ns_uri,
            const char *name)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE)
    return FALSE;
  if (name != NULL && g_strcmp0 ((const char *)node->name, name) != 0)
    return FALSE;
  if (ns_uri == NULL)
    return node->ns == NULL || node->ns->href == NULL;
  return node->ns != NULL && g_strcmp0 ((const char *)node->ns->href, ns_uri) == 0;
}

xmlNode *
vdi_xml_next (xmlNode    *sibling,
              const char *ns_uri,
              const char *name)
{
  for (xmlNode *node = sibling != NULL ? sibling->next : NULL; node != NULL; node = node->next)
    {
      if (vdi_xml_is (node, ns_uri, name))
        return node;
    }
  return NULL;
}

xmlNode *
vdi_xml_child (xmlNode    *parent,
               const char *ns_uri,
               const char *name)
{
  if (parent == NULL)
    return NULL;

  for (xmlNode *node = parent->children; node != NULL; node = node->next)
    {
      if (vdi_xml_is (node, ns_uri, name))
        return node;
    }
  return NULL;
}

xmlNode *
vdi_xml_first_element (xmlNode *parent)
{
  if (parent == NULL)
    return NULL;

  for (xmlNode *node = parent->children; node != NULL; node = node->next)
    {
      if (node->type == XML_ELEMENT_NODE)
        return node;
    }
  return NULL;
}

/**
 * vdi_xml_find:
 *
 * Returns: (nullable): the first element below @root (in document order, @root excluded) with
 *   that namespace and name. The depth is bounded by vdi_xml_parse().
 */
xmlNode *
vdi_xml_find (xmlNode    *root,
              const char *ns_uri,
              const char *name)
{
  if (root == NULL)
    return NULL;

  for (xmlNode *node = root->children; node != NULL; node = node->next)
    {
      xmlNode *found;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (vdi_xml_is (node, ns_uri, name))
        return node;
      if ((found = vdi_xml_find (node, ns_uri, name)) != NULL)
        return found;
    }
  return NULL;
}

/**
 * vdi_xml_dup_text:
 *
 * Returns: (transfer full) (nullable): the text of @node, or %NULL for no node or xsi:nil
 */
char *
vdi_xml_dup_text (xmlNode *node)
{
  xmlChar *content;
  char *text;

  if (node == NULL || vdi_xml_is_nil (node))
    return NULL;

  content = xmlNodeGetContent (node);
  text = g_strdup (content != NULL ? (const char *)content : "");
  xmlFree (content);
  return text;
}

char *
vdi_xml_dup_child_text (xmlNode    *parent,
                        const char *ns_uri,
                        const char *name)
{
  return vdi_xml_dup_text (vdi_xml_child (parent, ns_uri, name));
}

/**
 * vdi_xml_dup_prop:
 * @ns_uri: (nullable): the attribute's namespace, or %NULL for an attribute in none
 *
 * A vim25 MoRef <val> has two attributes called "type", one in the XML Schema instance
 * namespace and one in none; this tells them apart.
 */
char *
vdi_xml_dup_prop (xmlNode    *node,
                  const char *ns_uri,
                  const char *name)
{
  xmlChar *value;
  char *ret;

  if (node == NULL)
    return NULL;

  value = ns_uri != NULL ? xmlGetNsProp (node, (const xmlChar *)name, (const xmlChar *)ns_uri)
                         : xmlGetNoNsProp (node, (const xmlChar *)name);
  ret = value != NULL ? g_strdup ((const char *)value) : NULL;
  xmlFree (value);
  return ret;
}

/**
 * vdi_xml_dup_xsi_type:
 *
 * Returns: (transfer full) (nullable): the local part of @node's xsi:type ("InvalidLogin" for
 *   xsi:type="InvalidLogin", "string" for "xsd:string"), whatever prefix the sender used
 */
char *
vdi_xml_dup_xsi_type (xmlNode *node)
{
  g_autofree char *value = vdi_xml_dup_prop (node, VDI_XML_NS_XSI, "type");
  const char *colon;

  if (value == NULL)
    return NULL;
  colon = strrchr (value, ':');
  return g_strdup (colon != NULL ? colon + 1 : value);
}

gboolean
vdi_xml_is_nil (xmlNode *node)
{
  g_autofree char *nil = vdi_xml_dup_prop (node, VDI_XML_NS_XSI, "nil");

  return nil != NULL && (g_str_equal (nil, "true") || g_str_equal (nil, "1"));
}

/**
 * vdi_xml_append_escaped:
 *
 * Appends @text escaped for element content and attribute values. Characters XML 1.0 cannot
 * carry at all (control characters other than tab and newlines, invalid UTF-8) are replaced
 * with U+FFFD, so no value can break a request's structure.
 */
void
vdi_xml_append_escaped (GString    *out,
                        const char *text)
{
  const char *p = text;

  if (text == NULL)
    return;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }

      switch (c)
        {
        case '&':
          g_string_append (out, "&amp;");
          break;
        case '<':
          g_string_append (out, "&lt;");
          break;
        case '>':
          g_string_append (out, "&gt;");
          break;
        case '"':
          g_string_append (out, "&quot;");
          break;
        case '\'':
          g_string_append (out, "&apos;");
          break;
        case '\t':
        case '\n':
          g_string_append_c (out, (char)c);
          break;
        case '\r':
          /* Would be normalized away by the receiver's parser otherwise. */
          g_string_append (out, "&#13;");
          break;
        default:
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
            g_string_append (out, "\xef\xbf\xbd");
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
      p = g_utf8_next_char (p);
    }
}

char *
vdi_xml_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  vdi_xml_append_escaped (out, text);
  return g_string_free (out, FALSE);
}
