/* vdi-sim-wsman.c
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

#include "vdi-sim-wsman-private.h"

/* One simulated Hyper-V host: WS-Management (SOAP 1.2) at /wsman over WMI
 * root/virtualization/v2, the subset of research/hyperv-wsman.md §9. Shapes follow the
 * captures quoted there; every answer is read from the world. */

G_DEFINE_FINAL_TYPE (VdiSimWsman, vdi_sim_wsman, G_TYPE_OBJECT)

static void
request_clear (Request *req)
{
  g_clear_pointer (&req->doc, xmlFreeDoc);
  g_clear_pointer (&req->action, g_free);
  g_clear_pointer (&req->resource_uri, g_free);
  g_clear_pointer (&req->message_id, g_free);
  g_clear_pointer (&req->operation_timeout, g_free);
  g_clear_pointer (&req->selectors, g_hash_table_unref);
  g_clear_pointer (&req->method_owned, g_free);
  g_clear_object (&req->seal);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

static void
enum_context_free (EnumContext *context)
{
  g_free (context->id);
  g_ptr_array_unref (context->items);
  g_free (context);
}

static void
vdi_sim_wsman_finalize (GObject *object)
{
  VdiSimWsman *self = VDI_SIM_WSMAN (object);

  g_clear_pointer (&self->contexts, g_hash_table_unref);
  g_clear_object (&self->server);
  g_clear_object (&self->world);

  G_OBJECT_CLASS (vdi_sim_wsman_parent_class)->finalize (object);
}

static void
vdi_sim_wsman_class_init (VdiSimWsmanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_sim_wsman_finalize;
}

static void
vdi_sim_wsman_init (VdiSimWsman *self)
{
  self->contexts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) enum_context_free);
}

/* Output ----------------------------------------------------------------------------------- */

char *
_vdi_sim_wsman_new_message_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *upper = g_ascii_strup (uuid, -1);

  return g_strdup_printf ("uuid:%s", upper);
}

GString *
_vdi_sim_wsman_envelope_begin (const char *action,
                               const char *relates_to)
{
  GString *out = g_string_new (NULL);
  g_autofree char *message_id = _vdi_sim_wsman_new_message_id ();

  g_string_append (out,
                   "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" VDI_SIM_NS_SOAP12 "\""
                   " xmlns:a=\"" VDI_SIM_NS_WSA "\""
                   " xmlns:n=\"" VDI_SIM_NS_WSEN "\""
                   " xmlns:x=\"" VDI_SIM_NS_WXF "\""
                   " xmlns:w=\"" VDI_SIM_NS_WSMAN "\""
                   " xmlns:p=\"" NS_MSWSMAN "\">"
                   "<s:Header>");
  if (action != NULL)
    vdi_sim_xml_append_element (out, "a:Action", action);
  vdi_sim_xml_append_element (out, "a:MessageID", message_id);
  vdi_sim_xml_append_element (out, "a:To", ANONYMOUS);
  if (relates_to != NULL)
    vdi_sim_xml_append_element (out, "a:RelatesTo", relates_to);
  g_string_append (out, "</s:Header><s:Body>");

  return out;
}

void
_vdi_sim_wsman_respond_envelope (VdiSimWsman       *self,
                                 SoupServerMessage *msg,
                                 Request           *req,
                                 guint              status,
                                 GString           *out)
{
  g_string_append (out, "</s:Body></s:Envelope>");
  _vdi_sim_wsman_respond (self, msg, req, status, out->str, out->len);
}

void
_vdi_sim_wsman_respond_fault_full (VdiSimWsman       *self,
                                   SoupServerMessage *msg,
                                   Request           *req,
                                   const char        *action,
                                   const char        *code,
                                   const char        *subcode,
                                   const char        *reason,
                                   const char        *detail_uri,
                                   const char        *wsman_code,
                                   const char        *message)
{
  g_autoptr(GString) out = _vdi_sim_wsman_envelope_begin (action, req->message_id);

  g_string_append (out, "<s:Fault><s:Code><s:Value>");
  g_string_append (out, code);
  g_string_append (out, "</s:Value>");
  if (subcode != NULL)
    g_string_append_printf (out, "<s:Subcode><s:Value>%s</s:Value></s:Subcode>", subcode);
  g_string_append (out, "</s:Code><s:Reason><s:Text xml:lang=\"en-US\">");
  vdi_sim_xml_append_escaped (out, reason);
  g_string_append (out, "</s:Text></s:Reason>");
  if (detail_uri != NULL || wsman_code != NULL)
    {
      g_string_append (out, "<s:Detail>");
      if (detail_uri != NULL)
        vdi_sim_xml_append_element (out, "w:FaultDetail", detail_uri);
      if (wsman_code != NULL)
        {
          g_string_append_printf (out, "<f:WSManFault xmlns:f=\"" NS_WSMANFAULT "\" Code=\"%s\" Machine=\"", wsman_code);
          vdi_sim_xml_append_escaped (out, self->host->name);
          g_string_append (out, "\"><f:Message>");
          vdi_sim_xml_append_escaped (out, message != NULL ? message : reason);
          g_string_append (out, "</f:Message></f:WSManFault>");
        }
      g_string_append (out, "</s:Detail>");
    }
  g_string_append (out, "</s:Fault>");

  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_INTERNAL_SERVER_ERROR, out);
}

typedef struct
{
  const char *name;
  const char *action;
  const char *code;
  const char *subcode;
  const char *reason;
  const char *detail;
  const char *wsman_code;
} FaultShape;

static const FaultShape fault_shapes[] = {
  { "InvalidSelectors", ACTION_FAULT, "s:Sender", "w:InvalidSelectors",
    "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors", "2150858843" },
  { "InsufficientSelectors", ACTION_FAULT, "s:Sender", "w:InvalidSelectors",
    "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InsufficientSelectors", "2150858842" },
  { "AccessDenied", ACTION_FAULT, "s:Sender", "w:AccessDenied", "Access is denied. ", NULL, "5" },
  { "DestinationUnreachable", ACTION_FAULT, "s:Sender", "a:DestinationUnreachable",
    "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors. ",
    NULL, "2150858752" },
  { "CannotProcessFilter", ACTION_EN_FAULT, "s:Sender", "n:CannotProcessFilter",
    "The data source could not process the filter. The filter might be missing or it might be invalid. Change the filter and try the request again. ",
    NULL, "2150858778" },
  { "InvalidEnumerationContext", ACTION_EN_FAULT, "s:Receiver", "n:InvalidEnumerationContext",
    "The enumeration context supplied in the message is not valid because it is either expired or not recognized. ",
    NULL, "2150858779" },
  { "TimedOut", ACTION_FAULT, "s:Receiver", "w:TimedOut",
    "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ",
    NULL, "2150858793" },
  { "SchemaValidationError", ACTION_FAULT, "s:Sender", "w:SchemaValidationError",
    "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. ",
    NULL, "2150858817" },
  { "InvalidParameter", ACTION_FAULT, "s:Sender", "w:InvalidParameter",
    "The parameter is incorrect. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue", "87" },
  { "InternalError", ACTION_FAULT, "s:Receiver", "w:InternalError",
    "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x80041001 ",
    NULL, "2147749889" },
  { "ActionNotSupported", ACTION_WSA_FAULT, "s:Sender", "a:ActionNotSupported",
    "The action is not supported by the service. ", NULL, "2150858754" },
  { "EncodingLimit", ACTION_FAULT, "s:Sender", "w:EncodingLimit",
    "The WS-Management service cannot process the request because the XML is invalid or exceeds a limit. ",
    NULL, "2150858817" },
};

void
_vdi_sim_wsman_respond_fault (VdiSimWsman       *self,
                              SoupServerMessage *msg,
                              Request           *req,
                              const char        *name,
                              const char        *message)
{
  const FaultShape *shape = &fault_shapes[G_N_ELEMENTS (fault_shapes) - 3];  /* InternalError */

  for (guint i = 0; i < G_N_ELEMENTS (fault_shapes); i++)
    if (g_ascii_strcasecmp (fault_shapes[i].name, name) == 0)
      shape = &fault_shapes[i];

  _vdi_sim_wsman_respond_fault_full (self, msg, req, shape->action, shape->code, shape->subcode, shape->reason,
                      shape->detail, shape->wsman_code, message);
}

/* Request parsing ------------------------------------------------------------------------------ */

static gboolean
parse_request (Request  *req,
               GBytes   *body,
               GError  **error)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  xmlNode *root, *selector_set;

  req->doc = vdi_sim_xml_parse (data, length, error);
  if (req->doc == NULL)
    return FALSE;

  root = xmlDocGetRootElement (req->doc);
  if (!vdi_sim_xml_is (root, VDI_SIM_NS_SOAP12, "Envelope"))
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "The root element is not a SOAP 1.2 Envelope");
      return FALSE;
    }

  req->header = vdi_sim_xml_child (root, VDI_SIM_NS_SOAP12, "Header");
  req->body = vdi_sim_xml_child (root, VDI_SIM_NS_SOAP12, "Body");
  if (req->body == NULL)
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "The SOAP Envelope has no Body");
      return FALSE;
    }

  req->action = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSA, "Action");
  req->resource_uri = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSMAN, "ResourceURI");
  req->message_id = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSA, "MessageID");
  req->operation_timeout = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSMAN, "OperationTimeout");
  req->selectors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  selector_set = vdi_sim_xml_child (req->header, VDI_SIM_NS_WSMAN, "SelectorSet");
  for (xmlNode *sel = vdi_sim_xml_child (selector_set, VDI_SIM_NS_WSMAN, "Selector");
       sel != NULL; sel = vdi_sim_xml_next (sel->next, VDI_SIM_NS_WSMAN, "Selector"))
    {
      g_autofree char *name = vdi_sim_xml_attr (sel, "Name");

      if (name != NULL)
        g_hash_table_insert (req->selectors, g_steal_pointer (&name), vdi_sim_xml_text (sel));
    }

  return TRUE;
}

char *
_vdi_sim_wsman_class_from_uri (const char *uri)
{
  const char *slash;

  if (uri == NULL)
    return NULL;
  slash = strrchr (uri, '/');
  return g_strdup (slash != NULL ? slash + 1 : uri);
}

gboolean
_vdi_sim_wsman_is_v2_uri (const char *uri)
{
  return uri != NULL && g_str_has_prefix (uri, NS_V2);
}


static void
wsman_handler (VdiSimServer      *server,
               SoupServerMessage *msg,
               const char        *path,
               GBytes            *body,
               gpointer           user_data)
{
  VdiSimWsman *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) plain = NULL;
  const char *identify_header = soup_message_headers_get_one (headers, "WSMANIDENTIFY");
  g_auto(Request) req = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimFaultRule) injected = NULL;
  g_autofree char *class_name = NULL;
  gboolean authenticated;

  if (g_strcmp0 (path, "/wsman") != 0 && g_strcmp0 (path, "/wsman/") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(not found)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(not POST)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  if (!_vdi_sim_wsman_authenticate (self, msg, body, &req, &plain, &authenticated))
    return;

  if (!authenticated && g_ascii_strcasecmp (identify_header != NULL ? identify_header : "", "unauthenticated") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(unauthorized)");
      _vdi_sim_wsman_refuse (self, msg);
      return;
    }

  /* A sealed message said what it holds in its OriginalContent. */
  if (req.seal == NULL && (content_type == NULL || g_ascii_strcasecmp (content_type, "application/soap+xml") != 0))
    {
      vdi_sim_provider_count_request (self->host, "(bad content type)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);
      return;
    }

  if (!parse_request (&req, plain, &error))
    {
      req.method = "(invalid)";
      vdi_sim_provider_count_request (self->host, req.method);
      _vdi_sim_wsman_respond_fault (self, msg, &req,
                     g_error_matches (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_TOO_LARGE) ? "EncodingLimit"
                                                                                           : "SchemaValidationError",
                     error->message);
      return;
    }

  if (vdi_sim_xml_child (req.body, VDI_SIM_NS_WSMID, "Identify") != NULL)
    req.method = "Identify";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get") == 0)
    req.method = "Get";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate") == 0)
    req.method = "Enumerate";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull") == 0)
    req.method = "Pull";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release") == 0)
    req.method = "Release";
  else if (req.action != NULL && req.resource_uri != NULL && g_str_has_prefix (req.action, req.resource_uri)
           && req.action[strlen (req.resource_uri)] == '/')
    req.method = req.method_owned = g_strdup (req.action + strlen (req.resource_uri) + 1);
  else
    req.method = "(unknown action)";

  vdi_sim_provider_count_request (self->host, req.method);

  if (!authenticated && g_strcmp0 (req.method, "Identify") != 0)
    {
      _vdi_sim_wsman_refuse (self, msg);
      return;
    }

  injected = vdi_sim_provider_take_fault (self->host, req.method);
  if (injected != NULL && !g_str_has_prefix (injected->fault, "job") && !g_str_has_prefix (injected->fault, "return"))
    {
      _vdi_sim_wsman_respond_fault (self, msg, &req, injected->fault, injected->message);
      return;
    }

  if (self->host->latency_ms > 0 && req.operation_timeout != NULL)
    {
      guint timeout = _vdi_sim_wsman_parse_duration_ms (req.operation_timeout);

      if (timeout > 0 && self->host->latency_ms > timeout)
        {
          _vdi_sim_wsman_respond_fault (self, msg, &req, "TimedOut", NULL);
          return;
        }
    }

  if (g_strcmp0 (req.method, "Identify") == 0)
    _vdi_sim_wsman_handle_identify (self, msg, &req, authenticated);
  else if (g_strcmp0 (req.method, "Get") == 0)
    _vdi_sim_wsman_handle_get (self, msg, &req);
  else if (g_strcmp0 (req.method, "Enumerate") == 0)
    _vdi_sim_wsman_handle_enumerate (self, msg, &req);
  else if (g_strcmp0 (req.method, "Pull") == 0)
    _vdi_sim_wsman_handle_pull (self, msg, &req);
  else if (g_strcmp0 (req.method, "Release") == 0)
    _vdi_sim_wsman_handle_release (self, msg, &req);
  else if (req.method_owned != NULL && _vdi_sim_wsman_is_v2_uri (req.resource_uri)
           && _vdi_sim_wsman_is_known_class ((class_name = _vdi_sim_wsman_class_from_uri (req.resource_uri))))
    _vdi_sim_wsman_handle_invoke (self, msg, &req, class_name, req.method, injected);
  else if (req.method_owned != NULL)
    _vdi_sim_wsman_respond_fault (self, msg, &req, "DestinationUnreachable", NULL);
  else
    _vdi_sim_wsman_respond_fault (self, msg, &req, "ActionNotSupported", NULL);
}

VdiSimWsman *
vdi_sim_wsman_new (VdiSimWorld  *world,
                   VdiSimServer *server)
{
  VdiSimWsman *self;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (world), NULL);
  g_return_val_if_fail (VDI_SIM_IS_SERVER (server), NULL);

  self = g_object_new (VDI_SIM_TYPE_WSMAN, NULL);
  self->world = g_object_ref (world);
  self->server = g_object_ref (server);
  self->host = vdi_sim_server_get_provider (server);
  vdi_sim_server_set_handler (server, wsman_handler, self);

  return self;
}
