/* vdi-sim-cim.c
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

#include "vdi-sim-cim.h"
#include "vdi-sim-xml.h"

void
vdi_sim_cim_prop_free (VdiSimCimProp *prop)
{
  g_free (prop->name);
  g_free (prop->value);
  g_free (prop);
}

void
vdi_sim_cim_instance_free (VdiSimCimInstance *instance)
{
  g_free (instance->class_name);
  g_ptr_array_unref (instance->props);
  g_ptr_array_unref (instance->keys);
  g_free (instance);
}

VdiSimCimInstance *
vdi_sim_cim_instance_new (const char *class_name)
{
  VdiSimCimInstance *instance = g_new0 (VdiSimCimInstance, 1);

  instance->class_name = g_strdup (class_name);
  instance->props = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_cim_prop_free);
  instance->keys = g_ptr_array_new_with_free_func (g_free);

  return instance;
}

void
vdi_sim_cim_add (VdiSimCimInstance *instance,
                 const char        *name,
                 VdiSimCimKind      kind,
                 const char        *value)
{
  VdiSimCimProp *prop = g_new0 (VdiSimCimProp, 1);

  prop->name = g_strdup (name);
  prop->kind = value == NULL && kind != VDI_SIM_CIM_RAW ? VDI_SIM_CIM_NIL : kind;
  prop->value = g_strdup (value);
  g_ptr_array_add (instance->props, prop);
}

void
vdi_sim_cim_add_str (VdiSimCimInstance *instance,
                     const char        *name,
                     const char        *value)
{
  vdi_sim_cim_add (instance, name, VDI_SIM_CIM_STRING, value);
}

void
vdi_sim_cim_add_uint (VdiSimCimInstance *instance,
                      const char        *name,
                      guint64            value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  vdi_sim_cim_add (instance, name, VDI_SIM_CIM_STRING, text);
}

void
vdi_sim_cim_add_key (VdiSimCimInstance *instance,
                     const char        *name,
                     const char        *value)
{
  vdi_sim_cim_add_str (instance, name, value);
  g_ptr_array_add (instance->keys, g_strdup (name));
}

const char *
vdi_sim_cim_get (VdiSimCimInstance *instance,
                 const char        *name)
{
  for (guint i = 0; i < instance->props->len; i++)
    {
      VdiSimCimProp *prop = g_ptr_array_index (instance->props, i);

      if (g_ascii_strcasecmp (prop->name, name) == 0)
        return prop->kind == VDI_SIM_CIM_NIL ? NULL : prop->value;
    }
  return NULL;
}

gboolean
vdi_sim_cim_has (VdiSimCimInstance *instance,
                 const char        *name)
{
  for (guint i = 0; i < instance->props->len; i++)
    if (g_ascii_strcasecmp (((VdiSimCimProp *) g_ptr_array_index (instance->props, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

void
vdi_sim_cim_append_epr (GString    *out,
                        const char *element,
                        const char *class_name,
                        const char *key1,
                        const char *value1,
                        const char *key2,
                        const char *value2)
{
  g_string_append_printf (out, "<%s xmlns:a=\"" VDI_SIM_NS_WSA "\" xmlns:w=\"" VDI_SIM_NS_WSMAN "\">", element);
  g_string_append (out, "<a:Address>" VDI_SIM_ANONYMOUS "</a:Address><a:ReferenceParameters><w:ResourceURI>" VDI_SIM_NS_V2);
  g_string_append (out, class_name);
  g_string_append (out, "</w:ResourceURI><w:SelectorSet>");
  g_string_append_printf (out, "<w:Selector Name=\"%s\">", key1);
  vdi_sim_xml_append_escaped (out, value1);
  g_string_append (out, "</w:Selector>");
  if (key2 != NULL)
    {
      g_string_append_printf (out, "<w:Selector Name=\"%s\">", key2);
      vdi_sim_xml_append_escaped (out, value2);
      g_string_append (out, "</w:Selector>");
    }
  g_string_append_printf (out, "</w:SelectorSet></a:ReferenceParameters></%s>", element);
}

char *
vdi_sim_cim_render_instance (VdiSimCimInstance *instance)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out,
                          "<p:%s xmlns:xsi=\"" VDI_SIM_NS_XSI "\" xmlns:p=\"" VDI_SIM_NS_V2 "%s\""
                          " xmlns:cim=\"" VDI_SIM_NS_CIM "\" xsi:type=\"p:%s_Type\">",
                          instance->class_name, instance->class_name, instance->class_name);

  for (guint i = 0; i < instance->props->len; i++)
    {
      VdiSimCimProp *prop = g_ptr_array_index (instance->props, i);

      switch (prop->kind)
        {
        case VDI_SIM_CIM_NIL:
          g_string_append_printf (out, "<p:%s xsi:nil=\"true\"/>", prop->name);
          break;
        case VDI_SIM_CIM_DATETIME:
          g_string_append_printf (out, "<p:%s><cim:Datetime>%s</cim:Datetime></p:%s>", prop->name, prop->value, prop->name);
          break;
        case VDI_SIM_CIM_INTERVAL:
          g_string_append_printf (out, "<p:%s><cim:Interval>%s</cim:Interval></p:%s>", prop->name, prop->value, prop->name);
          break;
        case VDI_SIM_CIM_RAW:
          g_string_append (out, prop->value);
          break;
        case VDI_SIM_CIM_STRING:
        default:
          g_string_append_printf (out, "<p:%s>", prop->name);
          vdi_sim_xml_append_escaped (out, prop->value);
          g_string_append_printf (out, "</p:%s>", prop->name);
          break;
        }
    }

  g_string_append_printf (out, "</p:%s>", instance->class_name);

  return g_string_free (out, FALSE);
}

char *
vdi_sim_cim_render_epr_item (VdiSimCimInstance *instance)
{
  GString *out = g_string_new (NULL);

  g_string_append (out, "<a:EndpointReference><a:Address>" VDI_SIM_ANONYMOUS "</a:Address><a:ReferenceParameters><w:ResourceURI>" VDI_SIM_NS_V2);
  g_string_append (out, instance->class_name);
  g_string_append (out, "</w:ResourceURI><w:SelectorSet>");
  for (guint i = 0; i < instance->keys->len; i++)
    {
      const char *key = g_ptr_array_index (instance->keys, i);

      g_string_append_printf (out, "<w:Selector Name=\"%s\">", key);
      vdi_sim_xml_append_escaped (out, vdi_sim_cim_get (instance, key));
      g_string_append (out, "</w:Selector>");
    }
  g_string_append (out, "</w:SelectorSet></a:ReferenceParameters></a:EndpointReference>");

  return g_string_free (out, FALSE);
}

