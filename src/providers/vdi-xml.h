/* vdi-xml.h: hardened XML reading and writing for the provider protocols.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Bounds for anything a provider sends. A vim25 page of many objects is the largest answer
 * expected; well above it is an attack or a fault. */
#define VDI_XML_MAX_SIZE  (64 * 1024 * 1024)
#define VDI_XML_MAX_DEPTH 64

#define VDI_XML_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

xmlDoc             *vdi_xml_parse                     (const char         *data,
                                                       gsize               length,
                                                       GError            **error);

xmlNode            *vdi_xml_child                     (xmlNode            *parent,
                                                       const char         *ns_uri,
                                                       const char         *name);
xmlNode            *vdi_xml_next                      (xmlNode            *sibling,
                                                       const char         *ns_uri,
                                                       const char         *name);
xmlNode            *vdi_xml_first_element             (xmlNode            *parent);
xmlNode            *vdi_xml_find                      (xmlNode            *root,
                                                       const char         *ns_uri,
                                                       const char         *name);
gboolean            vdi_xml_is                        (xmlNode            *node,
                                                       const char         *ns_uri,
                                                       const char         *name);
char               *vdi_xml_dup_text                  (xmlNode            *node);
char               *vdi_xml_dup_child_text            (xmlNode            *parent,
                                                       const char         *ns_uri,
                                                       const char         *name);
char               *vdi_xml_dup_prop                  (xmlNode            *node,
                                                       const char         *ns_uri,
                                                       const char         *name);
char               *vdi_xml_dup_xsi_type             (xmlNode            *node);
gboolean            vdi_xml_is_nil                    (xmlNode            *node);

void                vdi_xml_append_escaped            (GString            *out,
                                                       const char         *text);
char               *vdi_xml_escape                    (const char         *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
