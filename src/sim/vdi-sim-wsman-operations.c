/* vdi-sim-wsman-operations.c
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

/* Identify, Get, Enumerate/Pull/Release and Invoke on a simulated Hyper-V host. */

/* Parses a CIM-XML <INSTANCE> (escaped text or CDATA) into NAME -> VALUE. */
static GHashTable *
parse_embedded_instance (xmlNode *param)
{
  g_autofree char *text = vdi_sim_xml_text (param);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) props = NULL;
  xmlDoc *doc;
  xmlNode *root;

  if (text == NULL || *text == '\0')
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  doc = vdi_sim_xml_parse (text, strlen (text), &error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!vdi_sim_xml_is (root, NULL, "INSTANCE"))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  props = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (xmlNode *prop = vdi_sim_xml_child (root, NULL, NULL); prop != NULL;
       prop = vdi_sim_xml_next (prop->next, NULL, NULL))
    {
      g_autofree char *name = vdi_sim_xml_attr (prop, "NAME");
      xmlNode *value = vdi_sim_xml_find (prop, NULL, "VALUE");

      if (name != NULL && value != NULL)
        g_hash_table_insert (props, g_steal_pointer (&name), vdi_sim_xml_text (value));
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&props);
}

static gboolean
parse_bool (const char *text,
            gboolean    fallback)
{
  if (text == NULL || *text == '\0')
    return fallback;
  return g_ascii_strcasecmp (text, "true") == 0 || g_strcmp0 (text, "1") == 0;
}

/* The selector "Name" of an EPR parameter, with or without an a:EndpointReference wrapper. */
static char *
epr_name (xmlNode  *param,
          char    **out_class)
{
  xmlNode *selector_set = vdi_sim_xml_find (param, VDI_SIM_NS_WSMAN, "SelectorSet");
  xmlNode *resource = vdi_sim_xml_find (param, VDI_SIM_NS_WSMAN, "ResourceURI");

  if (out_class != NULL)
    {
      g_autofree char *uri = vdi_sim_xml_text (resource);

      *out_class = _vdi_sim_wsman_class_from_uri (uri);
    }

  for (xmlNode *sel = vdi_sim_xml_child (selector_set, VDI_SIM_NS_WSMAN, "Selector");
       sel != NULL; sel = vdi_sim_xml_next (sel->next, VDI_SIM_NS_WSMAN, "Selector"))
    {
      g_autofree char *name = vdi_sim_xml_attr (sel, "Name");

      if (g_strcmp0 (name, "Name") == 0)
        return vdi_sim_xml_text (sel);
    }

  return NULL;
}

guint
_vdi_sim_wsman_parse_duration_ms (const char *text)
{
  /* xs:duration as WinRM sends it: PT60S, PT60.000S, P0DT0H1M0S. */
  double total = 0, number = 0, fraction = 0, scale = 0;
  gboolean in_time = FALSE;

  if (text == NULL || *text != 'P')
    return 0;

  for (const char *p = text + 1; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (scale > 0)
            {
              fraction += (*p - '0') * scale;
              scale /= 10;
            }
          else
            number = number * 10 + (*p - '0');
          continue;
        }
      if (*p == '.')
        {
          scale = 0.1;
          continue;
        }
      if (*p == 'T')
        in_time = TRUE;
      else if (*p == 'D')
        total += number * 86400;
      else if (*p == 'H' && in_time)
        total += number * 3600;
      else if (*p == 'M' && in_time)
        total += number * 60;
      else if (*p == 'S')
        total += number + fraction;
      number = fraction = scale = 0;
    }

  return (guint) (total * 1000);
}

/* Operations ----------------------------------------------------------------------------------- */

void
_vdi_sim_wsman_handle_identify (VdiSimWsman       *self,
                                SoupServerMessage *msg,
                                Request           *req,
                                gboolean           authenticated)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append (out,
                   "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" VDI_SIM_NS_SOAP12 "\"><s:Header></s:Header><s:Body>"
                   "<wsmid:IdentifyResponse xmlns:wsmid=\"" VDI_SIM_NS_WSMID "\">"
                   "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>"
                   "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>");
  g_string_append_printf (out, "<wsmid:ProductVersion>OS: %s SP: 0.0 Stack: 3.0</wsmid:ProductVersion>",
                          authenticated ? "10.0.20348" : "0.0.0");
  g_string_append (out,
                   "<wsmid:SecurityProfiles>"
                   "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic</wsmid:SecurityProfileName>"
                   "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos</wsmid:SecurityProfileName>"
                   "</wsmid:SecurityProfiles></wsmid:IdentifyResponse></s:Body></s:Envelope>");

  _vdi_sim_wsman_respond (self, msg, req, SOUP_STATUS_OK, out->str, out->len);
}

void
_vdi_sim_wsman_handle_get (VdiSimWsman       *self,
                           SoupServerMessage *msg,
                           Request           *req)
{
  g_autofree char *class_name = _vdi_sim_wsman_class_from_uri (req->resource_uri);
  g_autoptr(GString) out = NULL;
  g_autofree char *rendered = NULL;
  g_autoptr(VdiSimCimInstance) instance = NULL;
  GHashTableIter iter;
  gpointer key;
  const char *primary;
  gboolean job_class;

  if (!_vdi_sim_wsman_is_v2_uri (req->resource_uri) || !_vdi_sim_wsman_is_known_class (class_name))
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "DestinationUnreachable", NULL);
      return;
    }

  job_class = g_ascii_strcasecmp (class_name, "Msvm_ConcreteJob") == 0
              || g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0
              || g_ascii_strcasecmp (class_name, "CIM_ConcreteJob") == 0;
  primary = job_class ? "InstanceID" : "Name";

  g_hash_table_iter_init (&iter, req->selectors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean allowed = g_strcmp0 (key, primary) == 0
                         || (!job_class && (g_strcmp0 (key, "CreationClassName") == 0
                                            || g_strcmp0 (key, "SystemName") == 0
                                            || g_strcmp0 (key, "SystemCreationClassName") == 0));
      if (!allowed)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "InvalidSelectors", "The selector set contains an unexpected selector.");
          return;
        }
    }

  if (!g_hash_table_contains (req->selectors, primary))
    {
      GPtrArray *services;

      /* Singleton services may be addressed without their key. */
      if (!job_class && g_str_has_suffix (class_name, "Service"))
        {
          services = _vdi_sim_wsman_collect_instances (self, class_name);
          instance = g_ptr_array_steal_index (services, 0);
          g_ptr_array_unref (services);
        }
      else
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "InsufficientSelectors", "The selector set is missing a key selector.");
          return;
        }
    }
  else
    {
      const char *wanted = g_hash_table_lookup (req->selectors, primary);
      const char *ccn = g_hash_table_lookup (req->selectors, "CreationClassName");
      g_autoptr(GPtrArray) instances = _vdi_sim_wsman_collect_instances (self, class_name);

      for (guint i = 0; i < instances->len; i++)
        {
          VdiSimCimInstance *candidate = g_ptr_array_index (instances, i);

          if (g_ascii_strcasecmp (vdi_sim_cim_get (candidate, primary) != NULL ? vdi_sim_cim_get (candidate, primary) : "", wanted) != 0)
            continue;
          if (ccn != NULL && vdi_sim_cim_has (candidate, "CreationClassName")
              && g_ascii_strcasecmp (vdi_sim_cim_get (candidate, "CreationClassName"), ccn) != 0)
            continue;
          instance = g_ptr_array_steal_index (instances, i);
          break;
        }
    }

  if (instance == NULL)
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "DestinationUnreachable", NULL);
      return;
    }

  rendered = vdi_sim_cim_render_instance (instance);
  out = _vdi_sim_wsman_envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", req->message_id);
  g_string_append (out, rendered);
  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
purge_contexts (VdiSimWsman *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->contexts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((EnumContext *) value)->expires_us <= now)
      g_hash_table_iter_remove (&iter);
}

static guint
parse_max_elements (xmlNode    *parent,
                    const char *ns)
{
  g_autofree char *text = vdi_sim_xml_child_text (parent, ns, "MaxElements");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 32000, &value, NULL))
    return 1;
  return (guint) value;
}

static EnumContext *
new_context (VdiSimWsman *self,
             GPtrArray   *items,
             guint        position)
{
  EnumContext *context = g_new0 (EnumContext, 1);

  context->id = _vdi_sim_wsman_new_message_id ();
  context->items = g_ptr_array_ref (items);
  context->position = position;
  context->expires_us = g_get_monotonic_time () + (gint64) self->host->enumeration_timeout_ms * 1000;
  g_hash_table_insert (self->contexts, context->id, context);

  return context;
}

static void
append_items (GString    *out,
              GPtrArray  *items,
              guint       start,
              guint       count,
              const char *element)
{
  g_string_append_printf (out, "<%s>", element);
  for (guint i = start; i < start + count && i < items->len; i++)
    g_string_append (out, g_ptr_array_index (items, i));
  g_string_append_printf (out, "</%s>", element);
}

void
_vdi_sim_wsman_handle_enumerate (VdiSimWsman       *self,
                                 SoupServerMessage *msg,
                                 Request           *req)
{
  xmlNode *enumerate = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Enumerate");
  xmlNode *filter = vdi_sim_xml_child (enumerate, VDI_SIM_NS_WSMAN, "Filter");
  g_autofree char *mode = vdi_sim_xml_child_text (enumerate, VDI_SIM_NS_WSMAN, "EnumerationMode");
  gboolean optimize = vdi_sim_xml_child (enumerate, VDI_SIM_NS_WSMAN, "OptimizeEnumeration") != NULL;
  gboolean epr_only = g_strcmp0 (mode, "EnumerateEPR") == 0;
  gboolean object_and_epr = g_strcmp0 (mode, "EnumerateObjectAndEPR") == 0;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(VdiSimWqlQuery) query = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *class_name = NULL;

  if (enumerate == NULL)
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "SchemaValidationError", "The Enumerate body is missing.");
      return;
    }
  if (!_vdi_sim_wsman_is_v2_uri (req->resource_uri))
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "DestinationUnreachable", "The resource URI is not in root/virtualization/v2.");
      return;
    }

  if (filter != NULL)
    {
      g_autofree char *dialect = vdi_sim_xml_attr (filter, "Dialect");
      g_autofree char *text = vdi_sim_xml_text (filter);

      if (dialect != NULL && g_strcmp0 (dialect, WQL_DIALECT) != 0)
        {
          _vdi_sim_wsman_respond_fault_full (self, msg, req, ACTION_FAULT, "s:Sender", "w:FilterDialectRequestedUnavailable",
                              "The requested filtering dialect is not supported. ", NULL, "2150858820", NULL);
          return;
        }
      query = vdi_sim_wql_parse (text);
      if (query == NULL)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "CannotProcessFilter", "The WQL query is not valid.");
          return;
        }
      class_name = g_strdup (query->associators ? query->source_class : query->class_name);
    }
  else
    {
      class_name = _vdi_sim_wsman_class_from_uri (req->resource_uri);
      if (g_strcmp0 (class_name, "*") == 0)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "CannotProcessFilter", "A wildcard resource URI needs a WQL filter.");
          return;
        }
    }

  if (!_vdi_sim_wsman_is_known_class (class_name))
    {
      g_autofree char *message = g_strdup_printf ("Invalid class \"%s\" in root/virtualization/v2.", class_name);

      _vdi_sim_wsman_respond_fault (self, msg, req, "CannotProcessFilter", message);
      return;
    }

  if (query != NULL && query->associators)
    instances = _vdi_sim_wsman_run_associators (self, query);
  else
    {
      instances = _vdi_sim_wsman_collect_instances (self, class_name);
      if (query != NULL)
        for (guint i = instances->len; i > 0; i--)
          if (!vdi_sim_wql_matches (query, g_ptr_array_index (instances, i - 1)))
            g_ptr_array_remove_index (instances, i - 1);
    }

  items = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < instances->len; i++)
    {
      VdiSimCimInstance *instance = g_ptr_array_index (instances, i);

      if (epr_only)
        g_ptr_array_add (items, vdi_sim_cim_render_epr_item (instance));
      else if (object_and_epr)
        {
          g_autofree char *object = vdi_sim_cim_render_instance (instance);
          g_autofree char *epr = vdi_sim_cim_render_epr_item (instance);

          g_ptr_array_add (items, g_strdup_printf ("<w:Item>%s%s</w:Item>", object, epr));
        }
      else
        g_ptr_array_add (items, vdi_sim_cim_render_instance (instance));
    }

  purge_contexts (self);
  out = _vdi_sim_wsman_envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse", req->message_id);
  g_string_append (out, "<n:EnumerateResponse>");

  if (optimize)
    {
      guint max = parse_max_elements (enumerate, VDI_SIM_NS_WSMAN);
      guint count = MIN (max, items->len);

      if (count < items->len)
        {
          EnumContext *context = new_context (self, items, count);

          vdi_sim_xml_append_element (out, "n:EnumerationContext", context->id);
        }
      append_items (out, items, 0, count, "w:Items");
      if (count == items->len)
        g_string_append (out, "<w:EndOfSequence/>");
    }
  else
    {
      EnumContext *context = new_context (self, items, 0);

      vdi_sim_xml_append_element (out, "n:EnumerationContext", context->id);
    }

  g_string_append (out, "</n:EnumerateResponse>");
  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

void
_vdi_sim_wsman_handle_pull (VdiSimWsman       *self,
                            SoupServerMessage *msg,
                            Request           *req)
{
  xmlNode *pull = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Pull");
  g_autofree char *context_id = vdi_sim_xml_child_text (pull, VDI_SIM_NS_WSEN, "EnumerationContext");
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) items = NULL;
  EnumContext *context;
  guint max, count, position;

  purge_contexts (self);
  context = context_id != NULL ? g_hash_table_lookup (self->contexts, context_id) : NULL;
  if (pull == NULL || context == NULL)
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "InvalidEnumerationContext", NULL);
      return;
    }

  max = parse_max_elements (pull, VDI_SIM_NS_WSEN);
  items = g_ptr_array_ref (context->items);
  position = context->position;
  count = MIN (max, items->len - position);
  g_hash_table_remove (self->contexts, context_id);

  out = _vdi_sim_wsman_envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse", req->message_id);
  g_string_append (out, "<n:PullResponse>");
  if (position + count < items->len)
    {
      EnumContext *next = new_context (self, items, position + count);

      vdi_sim_xml_append_element (out, "n:EnumerationContext", next->id);
    }
  append_items (out, items, position, count, "n:Items");
  if (position + count >= items->len)
    g_string_append (out, "<n:EndOfSequence/>");
  g_string_append (out, "</n:PullResponse>");

  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

void
_vdi_sim_wsman_handle_release (VdiSimWsman       *self,
                               SoupServerMessage *msg,
                               Request           *req)
{
  xmlNode *release = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Release");
  g_autofree char *context_id = vdi_sim_xml_child_text (release, VDI_SIM_NS_WSEN, "EnumerationContext");
  g_autoptr(GString) out = NULL;

  purge_contexts (self);
  if (context_id == NULL || !g_hash_table_remove (self->contexts, context_id))
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "InvalidEnumerationContext", NULL);
      return;
    }

  out = _vdi_sim_wsman_envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse", req->message_id);
  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
respond_invoke (VdiSimWsman       *self,
                SoupServerMessage *msg,
                Request           *req,
                const char        *method,
                guint              return_value,
                VdiSimJob         *job)
{
  g_autofree char *action = g_strdup_printf ("%s/%sResponse", req->resource_uri, method);
  g_autoptr(GString) out = _vdi_sim_wsman_envelope_begin (action, req->message_id);

  g_string_append_printf (out, "<p:%s_OUTPUT xmlns:p=\"", method);
  vdi_sim_xml_append_escaped (out, req->resource_uri);
  g_string_append (out, "\">");
  if (job != NULL)
    vdi_sim_cim_append_epr (out, "p:Job", job->job_class, "InstanceID", job->id, NULL, NULL);
  g_string_append_printf (out, "<p:ReturnValue>%u</p:ReturnValue></p:%s_OUTPUT>", return_value, method);

  _vdi_sim_wsman_respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

void
_vdi_sim_wsman_handle_invoke (VdiSimWsman       *self,
                              SoupServerMessage *msg,
                              Request           *req,
                              const char        *class_name,
                              const char        *method,
                              VdiSimFaultRule   *injected)
{
  g_autofree char *input_name = g_strdup_printf ("%s_INPUT", method);
  xmlNode *input = vdi_sim_xml_child (req->body, req->resource_uri, input_name);
  VdiSimJob *job = NULL;
  guint rv;

  if (input == NULL)
    input = vdi_sim_xml_child (req->body, NULL, input_name);
  if (input == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The body must contain %s in the namespace of the resource URI.", input_name);

      _vdi_sim_wsman_respond_fault (self, msg, req, "SchemaValidationError", message);
      return;
    }

  if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService")
      || g_str_equal (class_name, "Msvm_VirtualSystemMigrationService"))
    {
      const char *ccn = g_hash_table_lookup (req->selectors, "CreationClassName");
      const char *name = g_hash_table_lookup (req->selectors, "Name");

      /* go-wsman: a singleton service invoked without its selector fails inside WMI. */
      if (ccn == NULL && name == NULL)
        {
          _vdi_sim_wsman_respond_fault_full (self, msg, req, ACTION_FAULT, "s:Receiver", "w:InternalError",
                              "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x8004102f ",
                              NULL, "2147749935", "Invalid method Parameter(s) ");
          return;
        }
      if (ccn != NULL && g_ascii_strcasecmp (ccn, class_name) != 0)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "DestinationUnreachable", NULL);
          return;
        }
    }

  if (injected != NULL && g_str_has_prefix (injected->fault, "return"))
    {
      guint64 code = VDI_SIM_RV_FAILED;
      const char *colon = strchr (injected->fault, ':');

      if (colon != NULL)
        g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT32, &code, NULL);
      respond_invoke (self, msg, req, method, (guint) code, NULL);
      return;
    }

  if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ExportSystemDefinition"))
    {
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "ComputerSystem"), NULL);
      g_autofree char *directory = vdi_sim_xml_child_text (input, NULL, "ExportDirectory");
      xmlNode *settings_node = vdi_sim_xml_child (input, NULL, "ExportSettingData");
      g_autoptr(GHashTable) settings = parse_embedded_instance (settings_node);

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_export (self->world, self->host, vm_id, directory,
                                   parse_bool (g_hash_table_lookup (settings, "CreateVmExportSubdirectory"), TRUE),
                                   parse_bool (g_hash_table_lookup (settings, "CopyVmStorage"), TRUE),
                                   &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ImportSystemDefinition"))
    {
      g_autofree char *file = vdi_sim_xml_child_text (input, NULL, "SystemDefinitionFile");
      g_autofree char *generate = vdi_sim_xml_child_text (input, NULL, "GenerateNewSystemIdentifier");

      rv = vdi_sim_world_import (self->world, self->host, file, parse_bool (generate, FALSE), &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "RealizePlannedSystem"))
    {
      g_autofree char *planned_id = epr_name (vdi_sim_xml_child (input, NULL, "PlannedSystem"), NULL);

      rv = vdi_sim_world_realize (self->world, self->host, planned_id, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "DestroySystem"))
    {
      g_autofree char *system_class = NULL;
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "AffectedSystem"),
                                         &system_class);
      VdiSimVm *vm = vm_id != NULL ? vdi_sim_provider_find_vm (self->host, vm_id) : NULL;

      /* WMI resolves the reference as given: a planned VM named as a Msvm_ComputerSystem (or the
       * other way round) is no object at all, an invalid parameter. */
      if (vm != NULL && system_class != NULL &&
          g_ascii_strcasecmp (system_class, vm->planned ? "Msvm_PlannedComputerSystem"
                                                        : "Msvm_ComputerSystem") != 0)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_destroy_system (self->world, self->host, vm_id, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ModifySystemSettings"))
    {
      g_autoptr(GHashTable) settings = parse_embedded_instance (vdi_sim_xml_child (input, NULL, "SystemSettings"));

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_modify_system_settings (self->world, self->host,
                                                   g_hash_table_lookup (settings, "InstanceID"),
                                                   g_hash_table_lookup (settings, "ElementName"));
    }
  else if (g_str_equal (class_name, "Msvm_ComputerSystem") && g_str_equal (method, "RequestStateChange"))
    {
      const char *vm_id = g_hash_table_lookup (req->selectors, "Name");
      g_autofree char *state = vdi_sim_xml_child_text (input, NULL, "RequestedState");
      guint64 requested = 0;

      if (vm_id == NULL)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "InsufficientSelectors", "The Name selector is required.");
          return;
        }
      if (vdi_sim_provider_find_vm (self->host, vm_id) == NULL)
        {
          _vdi_sim_wsman_respond_fault (self, msg, req, "DestinationUnreachable", NULL);
          return;
        }
      if (state == NULL || !g_ascii_string_to_unsigned (state, 10, 0, 65535, &requested, NULL))
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_request_state_change (self->world, self->host, vm_id, (int) requested, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemMigrationService") && g_str_equal (method, "MigrateVirtualSystemToHost"))
    {
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "ComputerSystem"), NULL);
      g_autofree char *destination = vdi_sim_xml_child_text (input, NULL, "DestinationHost");
      g_autoptr(GHashTable) settings = parse_embedded_instance (vdi_sim_xml_child (input, NULL, "MigrationSettingData"));
      guint64 type = VDI_SIM_MIGRATION_VIRTUAL_SYSTEM_AND_STORAGE;

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        {
          const char *text = g_hash_table_lookup (settings, "MigrationType");

          if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 0, 65535, &type, NULL))
            type = 0;
          rv = vdi_sim_world_migrate (self->world, self->host, vm_id, destination, (guint) type, &job);
        }
    }
  else
    {
      _vdi_sim_wsman_respond_fault (self, msg, req, "ActionNotSupported", NULL);
      return;
    }

  if (job != NULL && injected != NULL && g_str_has_prefix (injected->fault, "job"))
    {
      const char *colon = strchr (injected->fault, ':');
      guint64 code = VDI_SIM_RV_FAILED;

      vdi_sim_world_inject_job_failure (self->world, job, NULL, injected->message);
      if (colon != NULL && g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &code, NULL))
        job->inject_code = (guint) code;
    }

  respond_invoke (self, msg, req, method, rv, job);
}
