/* vdi-vim-message.c
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
#include "vdi-vim-message.h"

/* Managed object references ------------------------------------------------------------------ */

VdiVimMoRef *
vdi_vim_moref_new (const char *type,
                   const char *value)
{
  VdiVimMoRef *moref = g_new0 (VdiVimMoRef, 1);

  moref->type = g_strdup (type);
  moref->value = g_strdup (value);
  return moref;
}

VdiVimMoRef *
vdi_vim_moref_copy (const VdiVimMoRef *moref)
{
  return moref != NULL ? vdi_vim_moref_new (moref->type, moref->value) : NULL;
}

void
vdi_vim_moref_free (VdiVimMoRef *moref)
{
  if (moref == NULL)
    return;

  g_free (moref->type);
  g_free (moref->value);
  g_free (moref);
}

/**
 * vdi_vim_moref_parse:
 *
 * Reads `<x type="VirtualMachine">vm-57</x>`. The MoRef type is the attribute in no namespace;
 * a `<val>` may also carry xsi:type="ManagedObjectReference", which is another attribute.
 *
 * Returns: (transfer full) (nullable): the reference, or %NULL when @node is not one
 */
VdiVimMoRef *
vdi_vim_moref_parse (xmlNode *node)
{
  g_autofree char *type = vdi_xml_dup_prop (node, NULL, "type");
  g_autofree char *value = NULL;

  if (type == NULL || *type == '\0')
    return NULL;

  value = vdi_xml_dup_text (node);
  if (value == NULL || *value == '\0')
    return NULL;

  return vdi_vim_moref_new (type, value);
}

gboolean
vdi_vim_moref_equal (const VdiVimMoRef *a,
                     const VdiVimMoRef *b)
{
  return a != NULL && b != NULL && g_strcmp0 (a->type, b->type) == 0 &&
         g_strcmp0 (a->value, b->value) == 0;
}

/* Requests ----------------------------------------------------------------------------------- */

struct _VdiVimCall
{
  GString *out;
  char    *method;
};

static void
append_moref (GString           *out,
              const char        *name,
              const VdiVimMoRef *moref)
{
  g_string_append_printf (out, "<%s type=\"", name);
  vdi_xml_append_escaped (out, moref->type);
  g_string_append (out, "\">");
  vdi_xml_append_escaped (out, moref->value);
  g_string_append_printf (out, "</%s>", name);
}

VdiVimCall *
vdi_vim_call_new (const char        *method,
                  const VdiVimMoRef *this_ref)
{
  VdiVimCall *call = g_new0 (VdiVimCall, 1);

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (this_ref != NULL, NULL);

  call->method = g_strdup (method);
  call->out = g_string_new (NULL);
  g_string_append_printf (call->out, "<%s xmlns=\"" VDI_VIM25_NS "\">", method);
  append_moref (call->out, "_this", this_ref);
  return call;
}

void
vdi_vim_call_add_moref (VdiVimCall        *call,
                        const char        *name,
                        const VdiVimMoRef *moref)
{
  g_return_if_fail (call != NULL);

  if (moref != NULL)
    append_moref (call->out, name, moref);
}

void
vdi_vim_call_add_text (VdiVimCall *call,
                       const char *name,
                       const char *text)
{
  g_return_if_fail (call != NULL);

  g_string_append_printf (call->out, "<%s>", name);
  vdi_xml_append_escaped (call->out, text);
  g_string_append_printf (call->out, "</%s>", name);
}

void
vdi_vim_call_add_bool (VdiVimCall *call,
                       const char *name,
                       gboolean    value)
{
  vdi_vim_call_add_text (call, name, value ? "true" : "false");
}

void
vdi_vim_call_add_int (VdiVimCall *call,
                      const char *name,
                      gint64      value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  vdi_vim_call_add_text (call, name, text);
}

/**
 * vdi_vim_call_open:
 * @xsi_type: (nullable): the polymorphic type, e.g. "TraversalSpec"
 */
void
vdi_vim_call_open (VdiVimCall *call,
                   const char *name,
                   const char *xsi_type)
{
  g_return_if_fail (call != NULL);

  if (xsi_type != NULL)
    g_string_append_printf (call->out, "<%s xsi:type=\"%s\">", name, xsi_type);
  else
    g_string_append_printf (call->out, "<%s>", name);
}

void
vdi_vim_call_close (VdiVimCall *call,
                    const char *name)
{
  g_return_if_fail (call != NULL);

  g_string_append_printf (call->out, "</%s>", name);
}

char *
vdi_vim_call_free_to_envelope (VdiVimCall *call)
{
  GString *out;

  g_return_val_if_fail (call != NULL, NULL);

  out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                      "<soapenv:Envelope xmlns:soapenv=\"" VDI_SOAP11_NS "\""
                      " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                      " xmlns:xsi=\"" VDI_XML_NS_XSI "\"><soapenv:Body>");
  g_string_append_len (out, call->out->str, call->out->len);
  g_string_append_printf (out, "</%s></soapenv:Body></soapenv:Envelope>", call->method);

  g_string_free (call->out, TRUE);
  g_free (call->method);
  g_free (call);
  return g_string_free (out, FALSE);
}

static void
add_prop_spec (VdiVimCall         *call,
               const char         *type,
               const char * const *paths)
{
  vdi_vim_call_open (call, "propSet", NULL);
  vdi_vim_call_add_text (call, "type", type);
  vdi_vim_call_add_bool (call, "all", FALSE);
  for (guint i = 0; paths[i] != NULL; i++)
    vdi_vim_call_add_text (call, "pathSet", paths[i]);
  vdi_vim_call_close (call, "propSet");
}

/**
 * vdi_vim_build_retrieve_view:
 * @max_objects: the page size, or 0 for the server's choice
 *
 * RetrievePropertiesEx of @paths on every @type object a ContainerView sees.
 */
char *
vdi_vim_build_retrieve_view (const VdiVimMoRef  *property_collector,
                             const VdiVimMoRef  *view,
                             const char         *type,
                             const char * const *paths,
                             guint               max_objects)
{
  VdiVimCall *call = vdi_vim_call_new ("RetrievePropertiesEx", property_collector);

  vdi_vim_call_open (call, "specSet", NULL);
  add_prop_spec (call, type, paths);
  vdi_vim_call_open (call, "objectSet", NULL);
  vdi_vim_call_add_moref (call, "obj", view);
  vdi_vim_call_add_bool (call, "skip", TRUE);
  vdi_vim_call_open (call, "selectSet", "TraversalSpec");
  vdi_vim_call_add_text (call, "name", "traverseEntities");
  vdi_vim_call_add_text (call, "type", "ContainerView");
  vdi_vim_call_add_text (call, "path", "view");
  vdi_vim_call_add_bool (call, "skip", FALSE);
  vdi_vim_call_close (call, "selectSet");
  vdi_vim_call_close (call, "objectSet");
  vdi_vim_call_close (call, "specSet");
  vdi_vim_call_open (call, "options", NULL);
  if (max_objects > 0)
    vdi_vim_call_add_int (call, "maxObjects", max_objects);
  vdi_vim_call_close (call, "options");

  return vdi_vim_call_free_to_envelope (call);
}

char *
vdi_vim_build_retrieve_object (const VdiVimMoRef  *property_collector,
                               const VdiVimMoRef  *object,
                               const char * const *paths)
{
  VdiVimCall *call = vdi_vim_call_new ("RetrievePropertiesEx", property_collector);

  vdi_vim_call_open (call, "specSet", NULL);
  add_prop_spec (call, object->type, paths);
  vdi_vim_call_open (call, "objectSet", NULL);
  vdi_vim_call_add_moref (call, "obj", object);
  vdi_vim_call_close (call, "objectSet");
  vdi_vim_call_close (call, "specSet");
  vdi_vim_call_open (call, "options", NULL);
  vdi_vim_call_close (call, "options");

  return vdi_vim_call_free_to_envelope (call);
}

/* Responses ---------------------------------------------------------------------------------- */

/**
 * vdi_vim_parse_response:
 * @method: the method called; the answer must be its `<MethodResponse>`
 * @response: (out) (transfer none): that element, valid as long as the document
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with the fault or protocol error
 */
xmlDoc *
vdi_vim_parse_response (const char  *data,
                        gsize        length,
                        const char  *method,
                        xmlNode    **response,
                        GError     **error)
{
  g_autoptr(xmlDoc) doc = vdi_xml_parse (data, length, error);
  g_autoptr(VdiSoapFault) fault = NULL;
  g_autofree char *name = g_strconcat (method, "Response", NULL);
  xmlNode *body;

  *response = NULL;
  if (doc == NULL)
    return NULL;

  body = vdi_soap_get_body (doc, error);
  if (body == NULL)
    return NULL;

  fault = vdi_soap_parse_fault (body);
  if (fault != NULL)
    {
      vdi_soap_fault_to_error (fault, error);
      return NULL;
    }

  *response = vdi_xml_child (body, VDI_VIM25_NS, name);
  if (*response == NULL)
    {
      g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                   _("The vCenter's answer to %s is not a %s"), method, name);
      return NULL;
    }

  return g_steal_pointer (&doc);
}

xmlNode *
vdi_vim_returnval (xmlNode *response)
{
  return vdi_xml_child (response, VDI_VIM25_NS, "returnval");
}

void
vdi_vim_object_free (VdiVimObject *object)
{
  if (object == NULL)
    return;

  vdi_vim_moref_free (object->obj);
  g_hash_table_unref (object->props);
  g_hash_table_unref (object->missing);
  g_free (object);
}

static xmlNode *
lookup_val (const VdiVimObject *object,
            const char         *path)
{
  return object != NULL ? g_hash_table_lookup (object->props, path) : NULL;
}

/**
 * vdi_vim_object_dup_string:
 *
 * Returns: (transfer full) (nullable): the property's text; %NULL when it is unset (vcsim
 *   leaves unset properties out, vCenter may send an empty <val>)
 */
char *
vdi_vim_object_dup_string (const VdiVimObject *object,
                           const char         *path)
{
  return vdi_xml_dup_text (lookup_val (object, path));
}

gboolean
vdi_vim_object_get_bool (const VdiVimObject *object,
                         const char         *path,
                         gboolean           *value)
{
  g_autofree char *text = vdi_vim_object_dup_string (object, path);

  if (text == NULL)
    return FALSE;
  g_strstrip (text);
  if (g_str_equal (text, "true") || g_str_equal (text, "1"))
    *value = TRUE;
  else if (g_str_equal (text, "false") || g_str_equal (text, "0"))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

gboolean
vdi_vim_object_get_int64 (const VdiVimObject *object,
                          const char         *path,
                          gint64             *value)
{
  g_autofree char *text = vdi_vim_object_dup_string (object, path);

  return text != NULL &&
         g_ascii_string_to_signed (g_strstrip (text), 10, G_MININT64, G_MAXINT64, value, NULL);
}

VdiVimMoRef *
vdi_vim_object_dup_moref (const VdiVimObject *object,
                          const char         *path)
{
  return vdi_vim_moref_parse (lookup_val (object, path));
}

/**
 * vdi_vim_object_dup_morefs:
 *
 * Returns: (transfer full) (element-type VdiVimMoRef): the members of an
 *   ArrayOfManagedObjectReference, empty when the property is unset
 */
GPtrArray *
vdi_vim_object_dup_morefs (const VdiVimObject *object,
                           const char         *path)
{
  GPtrArray *morefs = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_moref_free);
  xmlNode *val = lookup_val (object, path);

  for (xmlNode *child = vdi_xml_first_element (val); child != NULL; child = child->next)
    {
      VdiVimMoRef *moref = child->type == XML_ELEMENT_NODE ? vdi_vim_moref_parse (child) : NULL;

      if (moref != NULL)
        g_ptr_array_add (morefs, moref);
    }
  return morefs;
}

/**
 * vdi_vim_parse_retrieve_result:
 * @returnval: (nullable): the RetrieveResult; absent or empty means no objects
 * @objects: (element-type VdiVimObject): where the objects go
 * @token: (out) (transfer full): the token for ContinueRetrievePropertiesEx, or %NULL
 *
 * Properties a server could not read come in missingSet with a fault, not as a SOAP fault;
 * they are kept in the object's "missing" table by fault type.
 */
gboolean
vdi_vim_parse_retrieve_result (xmlNode    *returnval,
                               GPtrArray  *objects,
                               char      **token,
                               GError    **error)
{
  *token = NULL;
  if (returnval == NULL)
    return TRUE;

  for (xmlNode *node = vdi_xml_child (returnval, VDI_VIM25_NS, "objects"); node != NULL;
       node = vdi_xml_next (node, VDI_VIM25_NS, "objects"))
    {
      VdiVimObject *object;
      VdiVimMoRef *obj = vdi_vim_moref_parse (vdi_xml_child (node, VDI_VIM25_NS, "obj"));

      if (obj == NULL)
        {
          g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The vCenter listed an object without a reference"));
          return FALSE;
        }

      object = g_new0 (VdiVimObject, 1);
      object->obj = obj;
      object->props = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      object->missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (objects, object);

      for (xmlNode *prop = vdi_xml_child (node, VDI_VIM25_NS, "propSet"); prop != NULL;
           prop = vdi_xml_next (prop, VDI_VIM25_NS, "propSet"))
        {
          char *name = vdi_xml_dup_child_text (prop, VDI_VIM25_NS, "name");
          xmlNode *val = vdi_xml_child (prop, VDI_VIM25_NS, "val");

          if (name == NULL)
            continue;
          if (val != NULL)
            g_hash_table_replace (object->props, name, val);
          else
            g_free (name);
        }

      for (xmlNode *missing = vdi_xml_child (node, VDI_VIM25_NS, "missingSet"); missing != NULL;
           missing = vdi_xml_next (missing, VDI_VIM25_NS, "missingSet"))
        {
          char *path = vdi_xml_dup_child_text (missing, VDI_VIM25_NS, "path");
          xmlNode *fault = vdi_xml_child (vdi_xml_child (missing, VDI_VIM25_NS, "fault"),
                                          VDI_VIM25_NS, "fault");
          char *type = vdi_xml_dup_xsi_type (fault);

          if (path == NULL)
            {
              g_free (type);
              continue;
            }
          g_hash_table_replace (object->missing, path, type != NULL ? type : g_strdup ("Fault"));
        }
    }

  *token = vdi_xml_dup_child_text (returnval, VDI_VIM25_NS, "token");
  if (*token != NULL && *g_strstrip (*token) == '\0')
    g_clear_pointer (token, g_free);

  return TRUE;
}

/* Tasks -------------------------------------------------------------------------------------- */

void
vdi_vim_task_info_free (VdiVimTaskInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->error_type);
  g_free (info->error_message);
  vdi_vim_moref_free (info->result);
  g_free (info);
}

static gboolean
parse_state (const char      *text,
             VdiVimTaskState *state)
{
  static const char * const names[] = { "queued", "running", "success", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_strcmp0 (text, names[i]) == 0)
        {
          *state = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
set_error (VdiVimTaskInfo *info,
           xmlNode        *val)
{
  xmlNode *fault = vdi_xml_child (val, VDI_VIM25_NS, "fault");
  g_autofree char *message = vdi_xml_dup_child_text (val, VDI_VIM25_NS, "localizedMessage");

  g_clear_pointer (&info->error_type, g_free);
  g_clear_pointer (&info->error_message, g_free);
  if (val == NULL)
    return;

  info->error_type = vdi_xml_dup_xsi_type (fault);
  if (message != NULL && *g_strstrip (message) != '\0' &&
      !g_str_has_prefix (message, "*types."))
    info->error_message = g_steal_pointer (&message);
  else
    /* vcsim's localizedMessage is a Go type name; the fault type says the same, better. */
    info->error_message = g_strdup (info->error_type != NULL ? info->error_type
                                                             : _("The task failed"));
}

/**
 * vdi_vim_task_info_update:
 * @path: "info", or one of "info.state", "info.progress", "info.error", "info.result"
 * @val: (nullable): the new value; %NULL means unset
 */
gboolean
vdi_vim_task_info_update (VdiVimTaskInfo  *info,
                          const char      *path,
                          xmlNode         *val,
                          GError         **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (g_str_equal (path, "info"))
    {
      xmlNode *child;

      if (val == NULL)
        return TRUE;
      if ((child = vdi_xml_child (val, VDI_VIM25_NS, "state")) != NULL &&
          !vdi_vim_task_info_update (info, "info.state", child, error))
        return FALSE;
      vdi_vim_task_info_update (info, "info.progress",
                                vdi_xml_child (val, VDI_VIM25_NS, "progress"), NULL);
      vdi_vim_task_info_update (info, "info.error",
                                vdi_xml_child (val, VDI_VIM25_NS, "error"), NULL);
      vdi_vim_task_info_update (info, "info.result",
                                vdi_xml_child (val, VDI_VIM25_NS, "result"), NULL);
      return TRUE;
    }

  if (g_str_equal (path, "info.state"))
    {
      g_autofree char *text = vdi_xml_dup_text (val);

      if (text == NULL || !parse_state (g_strstrip (text), &info->state))
        {
          g_set_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                       _("The vCenter reported an unknown task state “%s”"),
                       text != NULL ? text : "");
          return FALSE;
        }
    }
  else if (g_str_equal (path, "info.progress"))
    {
      g_autofree char *text = vdi_xml_dup_text (val);
      gint64 progress;

      if (text != NULL &&
          g_ascii_string_to_signed (g_strstrip (text), 10, 0, 100, &progress, NULL))
        info->progress = (int)progress;
      else
        info->progress = -1;
    }
  else if (g_str_equal (path, "info.error"))
    set_error (info, val);
  else if (g_str_equal (path, "info.result"))
    {
      g_clear_pointer (&info->result, vdi_vim_moref_free);
      info->result = vdi_vim_moref_parse (val);
    }

  return TRUE;
}

/**
 * vdi_vim_parse_task_updates:
 * @returnval: (nullable): a WaitForUpdatesEx UpdateSet; %NULL when the wait timed out
 * @version: (inout): the last version seen; replaced by a non-empty new one
 *
 * Applies every change to @task in the update set, in order (one answer may hold several
 * objectSets for the same task).
 */
gboolean
vdi_vim_parse_task_updates (xmlNode            *returnval,
                            const VdiVimMoRef  *task,
                            VdiVimTaskInfo     *info,
                            char              **version,
                            GError            **error)
{
  g_autofree char *new_version = NULL;

  if (returnval == NULL)
    return TRUE;

  new_version = vdi_xml_dup_child_text (returnval, VDI_VIM25_NS, "version");
  if (new_version != NULL && *g_strstrip (new_version) != '\0')
    {
      g_free (*version);
      *version = g_steal_pointer (&new_version);
    }

  for (xmlNode *filter = vdi_xml_child (returnval, VDI_VIM25_NS, "filterSet"); filter != NULL;
       filter = vdi_xml_next (filter, VDI_VIM25_NS, "filterSet"))
    {
      for (xmlNode *set = vdi_xml_child (filter, VDI_VIM25_NS, "objectSet"); set != NULL;
           set = vdi_xml_next (set, VDI_VIM25_NS, "objectSet"))
        {
          g_autoptr(VdiVimMoRef) obj = vdi_vim_moref_parse (vdi_xml_child (set, VDI_VIM25_NS,
                                                                           "obj"));

          if (!vdi_vim_moref_equal (obj, task))
            continue;

          for (xmlNode *change = vdi_xml_child (set, VDI_VIM25_NS, "changeSet"); change != NULL;
               change = vdi_xml_next (change, VDI_VIM25_NS, "changeSet"))
            {
              g_autofree char *name = vdi_xml_dup_child_text (change, VDI_VIM25_NS, "name");

              if (name != NULL &&
                  !vdi_vim_task_info_update (info, g_strstrip (name),
                                             vdi_xml_child (change, VDI_VIM25_NS, "val"), error))
                return FALSE;
            }
        }
    }

  return TRUE;
}
