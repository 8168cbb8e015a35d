/* vdi-vcenter-backend-inventory.c
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

#include "vdi-vcenter-backend-private.h"
#include "vdi-vim-message.h"

/* Listings --------------------------------------------------------------------------------------- */

void
_vdi_vcenter_object_list_free (ObjectList *list)
{
  if (list == NULL)
    return;

  /* Objects first: they borrow nodes from the documents. */
  g_clear_pointer (&list->objects, g_ptr_array_unref);
  g_clear_pointer (&list->docs, g_ptr_array_unref);
  g_free (list);
}

typedef struct
{
  char               *type;
  const char * const *paths;
  VdiVimMoRef        *view;
  ObjectList         *list;
  guint               pages;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->type);
  g_clear_pointer (&data->view, vdi_vim_moref_free);
  g_clear_pointer (&data->list, _vdi_vcenter_object_list_free);
  g_free (data);
}

static void
list_fail (GTask  *task,
           GError *error)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);

  if (data->view != NULL)
    _vdi_vcenter_call_and_forget (self, "DestroyView", data->view, NULL, NULL);
  g_task_return_error (task, error);
}

static void
list_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);
  g_autofree char *token = NULL;
  VdiVimCall *call;

  if (reply == NULL)
    {
      list_fail (task, g_steal_pointer (&error));
      return;
    }

  if (!vdi_vim_parse_retrieve_result (vdi_vim_returnval (reply->response), data->list->objects,
                                      &token, &error))
    {
      list_fail (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_add (data->list->docs, g_steal_pointer (&reply->doc));

  if (token == NULL)
    {
      _vdi_vcenter_call_and_forget (self, "DestroyView", data->view, NULL, NULL);
      g_task_return_pointer (task, g_steal_pointer (&data->list),
                             (GDestroyNotify)_vdi_vcenter_object_list_free);
      return;
    }

  if (++data->pages > MAX_PAGES)
    {
      list_fail (task, g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                            _("The vCenter keeps paging a listing without "
                                              "end")));
      return;
    }

  call = vdi_vim_call_new ("ContinueRetrievePropertiesEx", self->property_collector);
  vdi_vim_call_add_text (call, "token", token);
  _vdi_vcenter_call_async (self, "ContinueRetrievePropertiesEx",
                           vdi_vim_call_free_to_envelope (call), CALL_SESSION,
                           g_task_get_cancellable (task), list_page_cb, g_object_ref (task));
}

static void
list_view_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->view = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));
  if (data->view == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                               _("The vCenter created a view without a reference"));
      return;
    }

  _vdi_vcenter_call_async (self, "RetrievePropertiesEx",
                           vdi_vim_build_retrieve_view (self->property_collector, data->view, data->type,
                                           data->paths, self->max_objects),
                           CALL_SESSION, g_task_get_cancellable (task), list_page_cb,
                           g_object_ref (task));
}

static void
list_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  VdiVimCall *call;

  if (!_vdi_vcenter_ensure_session_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = vdi_vim_call_new ("CreateContainerView", self->view_manager);
  vdi_vim_call_add_moref (call, "container", self->root_folder);
  vdi_vim_call_add_text (call, "type", data->type);
  vdi_vim_call_add_bool (call, "recursive", TRUE);
  _vdi_vcenter_call_async (self, "CreateContainerView", vdi_vim_call_free_to_envelope (call),
                           CALL_SESSION, g_task_get_cancellable (task), list_view_cb,
                           g_object_ref (task));
}

/* Every object of @type under the root folder, through a ContainerView, page by page. */
void
_vdi_vcenter_list_objects_async (VdiVcenterBackend   *self,
                                 const char          *type,
                                 const char * const  *paths,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);

  g_task_set_source_tag (task, _vdi_vcenter_list_objects_async);
  data->type = g_strdup (type);
  data->paths = paths;
  data->list = g_new0 (ObjectList, 1);
  data->list->docs = g_ptr_array_new_with_free_func ((GDestroyNotify)xmlFreeDoc);
  data->list->objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  g_task_set_task_data (task, data, (GDestroyNotify)list_data_free);

  /* The root folder comes with the session. */
  _vdi_vcenter_ensure_session_async (self, FALSE, 0, cancellable, list_session_cb, task);
}

ObjectList *
_vdi_vcenter_list_objects_finish (VdiVcenterBackend  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char * const host_paths[] = { "name", "runtime.connectionState", NULL };
static const char * const datastore_paths[] = {
  "name", "summary.type", "summary.capacity", "summary.freeSpace", "summary.accessible", NULL
};
static const char * const vm_paths[] = {
  "name", "config.template", "runtime.powerState", "runtime.host", "datastore",
  "summary.storage.committed", NULL
};

static GPtrArray *
hosts_from_objects (ObjectList *list)
{
  GPtrArray *hosts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *state = vdi_vim_object_dup_string (object, "runtime.connectionState");

      if (name == NULL)
        continue;
      g_ptr_array_add (hosts, vdi_host_info_new (object->obj->value, name,
                                                 g_strcmp0 (state, "connected") == 0));
    }
  return hosts;
}

static guint64
object_get_size (VdiVimObject *object,
                 const char   *path)
{
  gint64 value = 0;

  if (!vdi_vim_object_get_int64 (object, path, &value) || value < 0)
    return 0;
  return (guint64)value;
}

static GPtrArray *
datastores_from_objects (ObjectList *list)
{
  GPtrArray *datastores = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *kind = vdi_vim_object_dup_string (object, "summary.type");
      gboolean accessible = FALSE;

      if (name == NULL)
        continue;
      /* Unknown accessibility counts as inaccessible: nothing gets placed there. */
      vdi_vim_object_get_bool (object, "summary.accessible", &accessible);
      g_ptr_array_add (datastores,
                       vdi_datastore_info_new (object->obj->value, name,
                                               kind != NULL ? kind : "",
                                               object_get_size (object, "summary.capacity"),
                                               object_get_size (object, "summary.freeSpace"),
                                               accessible));
    }
  return datastores;
}

static void
list_hosts_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object),
                                                                 result, &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, hosts_from_objects (list), (GDestroyNotify)g_ptr_array_unref);
}

void
vdi_vcenter_backend_list_hosts_async (VdiBackend          *backend,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_hosts_async);
  _vdi_vcenter_list_objects_async (self, "HostSystem", host_paths, cancellable, list_hosts_cb,
                                   task);
}

static void
list_datastores_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object),
                                                                 result, &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, datastores_from_objects (list),
                           (GDestroyNotify)g_ptr_array_unref);
}

void
vdi_vcenter_backend_list_datastores_async (VdiBackend          *backend,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_datastores_async);
  _vdi_vcenter_list_objects_async (self, "Datastore", datastore_paths, cancellable,
                                   list_datastores_cb, task);
}

GPtrArray *
vdi_vcenter_backend_list_finish (VdiBackend    *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* VMs name their host and datastore by reference; the names come from two more listings. */
typedef struct
{
  ObjectList *vms;
  GHashTable *host_names;       /* moid → name */
  GHashTable *datastore_names;  /* moid → name */
} VmListData;

static void
vm_list_data_free (VmListData *data)
{
  g_clear_pointer (&data->vms, _vdi_vcenter_object_list_free);
  g_clear_pointer (&data->host_names, g_hash_table_unref);
  g_clear_pointer (&data->datastore_names, g_hash_table_unref);
  g_free (data);
}

static GHashTable *
names_from_objects (ObjectList *list)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < list->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (list->objects, i);
      char *name = vdi_vim_object_dup_string (object, "name");

      if (name != NULL)
        g_hash_table_replace (names, g_strdup (object->obj->value), name);
    }
  return names;
}

static GPtrArray *
vms_from_objects (VmListData *data)
{
  GPtrArray *vms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < data->vms->objects->len; i++)
    {
      VdiVimObject *object = g_ptr_array_index (data->vms->objects, i);
      g_autofree char *name = vdi_vim_object_dup_string (object, "name");
      g_autofree char *power = vdi_vim_object_dup_string (object, "runtime.powerState");
      g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (object, "runtime.host");
      g_autoptr(GPtrArray) datastores = vdi_vim_object_dup_morefs (object, "datastore");
      VdiVimMoRef *datastore = datastores->len > 0 ? g_ptr_array_index (datastores, 0) : NULL;
      const char *host_name = NULL;
      const char *datastore_name = NULL;
      gboolean is_template = FALSE;

      if (name == NULL)
        continue;
      vdi_vim_object_get_bool (object, "config.template", &is_template);
      if (host != NULL)
        host_name = g_hash_table_lookup (data->host_names, host->value);
      if (datastore != NULL)
        datastore_name = g_hash_table_lookup (data->datastore_names, datastore->value);

      g_ptr_array_add (vms, vdi_vm_info_new (object->obj->value, name, is_template,
                                             g_strcmp0 (power, "poweredOn") == 0,
                                             object_get_size (object,
                                                              "summary.storage.committed"),
                                             host_name,
                                             datastore_name,
                                             datastore != NULL ? datastore->value : NULL));
    }
  return vms;
}

static void
list_vms_datastores_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object),
                                                                 result, &error);

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->datastore_names = names_from_objects (list);
  g_task_return_pointer (task, vms_from_objects (data), (GDestroyNotify)g_ptr_array_unref);
}

static void
list_vms_hosts_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object),
                                                                 result, &error);
  static const char * const name_path[] = { "name", NULL };

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->host_names = names_from_objects (list);
  _vdi_vcenter_list_objects_async (VDI_VCENTER_BACKEND (object), "Datastore", name_path,
                                   g_task_get_cancellable (task), list_vms_datastores_cb,
                                   g_object_ref (task));
}

static void
list_vms_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VmListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  static const char * const name_path[] = { "name", NULL };

  data->vms = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object), result, &error);
  if (data->vms == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _vdi_vcenter_list_objects_async (VDI_VCENTER_BACKEND (object), "HostSystem", name_path,
                                   g_task_get_cancellable (task), list_vms_hosts_cb,
                                   g_object_ref (task));
}

void
vdi_vcenter_backend_list_vms_async (VdiBackend          *backend,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (backend);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vdi_vcenter_backend_list_vms_async);
  g_task_set_task_data (task, g_new0 (VmListData, 1), (GDestroyNotify)vm_list_data_free);
  _vdi_vcenter_list_objects_async (self, "VirtualMachine", vm_paths, cancellable, list_vms_cb,
                                   task);
}
