/* vdi-sim-xml.h
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

#define VDI_SIM_XML_ERROR (vdi_sim_xml_error_quark ())

typedef enum
{
  VDI_SIM_XML_ERROR_TOO_LARGE = 1,
  VDI_SIM_XML_ERROR_FORBIDDEN,
  VDI_SIM_XML_ERROR_MALFORMED,
  VDI_SIM_XML_ERROR_TOO_DEEP,
} VdiSimXmlError;

/* Requests larger than this are refused before parsing. */
#define VDI_SIM_XML_MAX_SIZE  (4 * 1024 * 1024)
#define VDI_SIM_XML_MAX_DEPTH 64

#define VDI_SIM_NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define VDI_SIM_NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define VDI_SIM_NS_WSA    "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define VDI_SIM_NS_WSMAN  "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define VDI_SIM_NS_WSEN   "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define VDI_SIM_NS_WXF    "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define VDI_SIM_NS_WSMID  "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define VDI_SIM_NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"
#define VDI_SIM_NS_VIM    "urn:vim25"

GQuark      vdi_sim_xml_error_quark   (void);

xmlDoc     *vdi_sim_xml_parse         (const char  *data,
                                       gsize        length,
                                       GError     **error);
xmlNode    *vdi_sim_xml_child         (xmlNode     *parent,
                                       const char  *ns_uri,
                                       const char  *name);
xmlNode    *vdi_sim_xml_next          (xmlNode     *node,
                                       const char  *ns_uri,
                                       const char  *name);
xmlNode    *vdi_sim_xml_first_element (xmlNode     *parent);
gboolean    vdi_sim_xml_is            (xmlNode     *node,
                                       const char  *ns_uri,
                                       const char  *name);
char       *vdi_sim_xml_text          (xmlNode     *node);
char       *vdi_sim_xml_child_text    (xmlNode     *parent,
                                       const char  *ns_uri,
                                       const char  *name);
char       *vdi_sim_xml_attr          (xmlNode     *node,
                                       const char  *name);
xmlNode    *vdi_sim_xml_find          (xmlNode     *root,
                                       const char  *ns_uri,
                                       const char  *name);
void        vdi_sim_xml_append_escaped (GString    *out,
                                        const char *text);
void        vdi_sim_xml_append_element (GString    *out,
                                        const char *name,
                                        const char *text);

G_END_DECLS
