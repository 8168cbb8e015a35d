/* vdi-soap.h: SOAP 1.1 (vim25) and 1.2 (WS-Management) envelopes and faults.
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

#include "vdi-xml.h"

G_BEGIN_DECLS

#define VDI_SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define VDI_SOAP12_NS "http://www.w3.org/2003/05/soap-envelope"
#define VDI_VIM25_NS  "urn:vim25"
#define VDI_WSMAN_FAULT_NS "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"

typedef struct
{
  char    *code;          /* faultcode (1.1) or Code/Value (1.2), local part: "ServerFaultCode", "Sender" */
  char    *subcode;       /* Subcode/Value local part (1.2): "InvalidSelectors", "TimedOut" */
  char    *reason;        /* faultstring or Reason/Text, trimmed; may be empty */
  char    *type;          /* vim25: the detail's xsi:type ("InvalidLogin"); 1.2: the subcode */
  char    *message;       /* WS-Management f:WSManFault/f:Message, trimmed */
  guint64  provider_code; /* WS-Management f:WSManFault/@Code, 0 when absent */
  xmlNode *detail;        /* borrowed: the fault's detail element, for method-specific fields */
} VdiSoapFault;

xmlNode            *vdi_soap_get_body                 (xmlDoc             *doc,
                                                       GError            **error);
VdiSoapFault       *vdi_soap_parse_fault              (xmlNode            *body);
void                vdi_soap_fault_free               (VdiSoapFault       *fault);
char               *vdi_soap_fault_dup_text           (const VdiSoapFault *fault);
void                vdi_soap_fault_to_error           (const VdiSoapFault *fault,
                                                       GError            **error);
char               *vdi_soap_local_name               (const char         *qname);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiSoapFault, vdi_soap_fault_free)

G_END_DECLS
