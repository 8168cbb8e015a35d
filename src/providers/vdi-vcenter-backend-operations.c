/* vdi-vcenter-backend-operations.c
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

/* Operations ------------------------------------------------------------------------------------- */

typedef enum
{
  OP_CLONE,
  OP_DESTROY,
  OP_POWER,
  OP_MARK_TEMPLATE,
  OP_MARK_VM,
} OpKind;

typedef enum
{
  STAGE_VM,           /* the VM's folder, pool, host and snapshot */
  STAGE_HOST_PARENT,  /* the host's compute resource */
  STAGE_POOL,         /* the compute resource's root resource pool */
  STAGE_ACTION,       /* the call itself */
} OpStage;

typedef struct
{
  OpKind       kind;
  OpStage      stage;
  VdiVimMoRef *vm;
  char        *name;
  VdiVimMoRef *datastore;
  gboolean     flag;       /* clone: linked; power: on */
  VdiVimMoRef *folder;
  VdiVimMoRef *pool;
  VdiVimMoRef *host;
  VdiVimMoRef *snapshot;
  VdiVimMoRef *compute_resource;
  gboolean     looked_parent;
  gboolean     looked_pool;
  gboolean     listed_pools;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_pointer (&data->vm, vdi_vim_moref_free);
  g_free (data->name);
  g_clear_pointer (&data->datastore, vdi_vim_moref_free);
  g_clear_pointer (&data->folder, vdi_vim_moref_free);
  g_clear_pointer (&data->pool, vdi_vim_moref_free);
  g_clear_pointer (&data->host, vdi_vim_moref_free);
  g_clear_pointer (&data->snapshot, vdi_vim_moref_free);
  g_clear_pointer (&data->compute_resource, vdi_vim_moref_free);
  g_free (data);
}

static const char *
op_method (OpData *data)
{
  switch (data->kind)
    {
    case OP_CLONE:         return "CloneVM_Task";
    case OP_DESTROY:       return "Destroy_Task";
    case OP_POWER:         return data->flag ? "PowerOnVM_Task" : "PowerOffVM_Task";
    case OP_MARK_TEMPLATE: return "MarkAsTemplate";
    case OP_MARK_VM:       return "MarkAsVirtualMachine";
    default:               g_assert_not_reached ();
    }
}

static char *
op_build_action (VdiVcenterBackend *self,
                 OpData            *data)
{
  VdiVimCall *call = vdi_vim_call_new (op_method (data), data->vm);

  switch (data->kind)
    {
    case OP_CLONE:
      vdi_vim_call_add_moref (call, "folder", data->folder);
      vdi_vim_call_add_text (call, "name", data->name);
      vdi_vim_call_open (call, "spec", NULL);
      vdi_vim_call_open (call, "location", NULL);
      vdi_vim_call_add_moref (call, "datastore", data->datastore);
      if (data->flag)
        vdi_vim_call_add_text (call, "diskMoveType", "createNewChildDiskBacking");
      vdi_vim_call_add_moref (call, "pool", data->pool);
      vdi_vim_call_close (call, "location");
      vdi_vim_call_add_bool (call, "template", FALSE);
      vdi_vim_call_add_bool (call, "powerOn", FALSE);
      /* A linked clone shares the disks of a snapshot: real vCenters need one. */
      if (data->flag)
        vdi_vim_call_add_moref (call, "snapshot", data->snapshot);
      vdi_vim_call_close (call, "spec");
      break;

    case OP_MARK_VM:
      vdi_vim_call_add_moref (call, "pool", data->pool);
      vdi_vim_call_add_moref (call, "host", data->host);
      break;

    case OP_DESTROY:
    case OP_POWER:
    case OP_MARK_TEMPLATE:
    default:
      break;
    }

  return vdi_vim_call_free_to_envelope (call);
}

static void op_find_pool (GTask *task);
static void op_call_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
op_send (GTask   *task,
         OpStage  stage,
         char    *body)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  const char *method = stage == STAGE_ACTION ? op_method (data) : "RetrievePropertiesEx";

  data->stage = stage;
  _vdi_vcenter_call_async (self, method, body, CALL_SESSION, g_task_get_cancellable (task),
                           op_call_cb, task);
}

static void
op_send_action (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);

  if ((data->kind == OP_CLONE || data->kind == OP_MARK_VM) && data->pool == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                               _("The vCenter shows no resource pool for the host of VM “%s”"),
                               data->vm->value);
      g_object_unref (task);
      return;
    }
  if (data->kind == OP_CLONE && data->folder == NULL)
    {
      g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT,
                               _("The vCenter shows no folder for VM “%s”"), data->vm->value);
      g_object_unref (task);
      return;
    }

  op_send (task, STAGE_ACTION, op_build_action (self, data));
}

static void
op_pool_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ObjectList) list = _vdi_vcenter_list_objects_finish (VDI_VCENTER_BACKEND (object),
                                                                 result, &error);

  if (list == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A pool some VM on the same host runs in, else any pool. */
  for (guint i = 0; i < list->objects->len && data->pool == NULL; i++)
    {
      VdiVimObject *vm = g_ptr_array_index (list->objects, i);
      g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (vm, "runtime.host");

      if (vdi_vim_moref_equal (host, data->host))
        data->pool = vdi_vim_object_dup_moref (vm, "resourcePool");
    }
  for (guint i = 0; i < list->objects->len && data->pool == NULL; i++)
    data->pool = vdi_vim_object_dup_moref (g_ptr_array_index (list->objects, i), "resourcePool");

  data->listed_pools = TRUE;
  op_find_pool (g_steal_pointer (&task));
}

/* The pool a template is cloned into or turned back into a VM in: its host's compute
 * resource's, read from the host's parent; failing that, one that a VM on that host uses. */
static void
op_find_pool (GTask *task)
{
  VdiVcenterBackend *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  static const char * const parent_path[] = { "parent", NULL };
  static const char * const pool_path[] = { "resourcePool", NULL };
  static const char * const vm_pool_paths[] = { "resourcePool", "runtime.host", NULL };

  if (data->pool != NULL || data->listed_pools)
    op_send_action (task);
  else if (data->host != NULL && !data->looked_parent)
    op_send (task, STAGE_HOST_PARENT,
             vdi_vim_build_retrieve_object (self->property_collector, data->host, parent_path));
  else if (data->compute_resource != NULL && !data->looked_pool)
    op_send (task, STAGE_POOL,
             vdi_vim_build_retrieve_object (self->property_collector, data->compute_resource,
                                            pool_path));
  else
    _vdi_vcenter_list_objects_async (self, "VirtualMachine", vm_pool_paths,
                                     g_task_get_cancellable (task), op_pool_list_cb, task);
}

VdiVimObject *
_vdi_vcenter_op_take_object (CallReply  *reply,
                             GPtrArray  *objects,
                             GError    **error)
{
  g_autofree char *token = NULL;

  if (!vdi_vim_parse_retrieve_result (vdi_vim_returnval (reply->response), objects, &token,
                                      error))
    return NULL;
  if (objects->len == 0)
    {
      g_set_error_literal (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                           _("The vCenter has no such object"));
      return NULL;
    }
  return g_ptr_array_index (objects, 0);
}

static void
op_call_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CallReply) reply = _vdi_vcenter_call_finish (self, result, NULL, &error);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
  VdiVimObject *found;

  if (reply == NULL && (data->stage == STAGE_VM || data->stage == STAGE_ACTION ||
                        _vdi_vcenter_is_cancelled (task, error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->stage)
    {
    case STAGE_VM:
      if ((found = _vdi_vcenter_op_take_object (reply, objects, &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->folder = vdi_vim_object_dup_moref (found, "parent");
      data->pool = vdi_vim_object_dup_moref (found, "resourcePool");
      data->host = vdi_vim_object_dup_moref (found, "runtime.host");
      data->snapshot = vdi_vim_moref_parse (vdi_xml_child (g_hash_table_lookup (found->props,
                                                                                "snapshot"),
                                                           VDI_VIM25_NS, "currentSnapshot"));
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_HOST_PARENT:
      /* A host whose compute resource cannot be read leaves no pool to find. */
      data->looked_parent = TRUE;
      if (reply != NULL && (found = _vdi_vcenter_op_take_object (reply, objects, NULL)) != NULL)
        data->compute_resource = vdi_vim_object_dup_moref (found, "parent");
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_POOL:
      data->looked_pool = TRUE;
      if (reply != NULL && (found = _vdi_vcenter_op_take_object (reply, objects, NULL)) != NULL)
        data->pool = vdi_vim_object_dup_moref (found, "resourcePool");
      op_find_pool (g_steal_pointer (&task));
      return;

    case STAGE_ACTION:
      if (data->kind == OP_MARK_TEMPLATE || data->kind == OP_MARK_VM)
        g_task_return_boolean (task, TRUE);
      else
        {
          g_autoptr(VdiVimMoRef) moref = vdi_vim_moref_parse (vdi_vim_returnval (reply->response));

          if (moref == NULL)
            g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL,
                                     _("The vCenter started %s without naming its task"),
                                     op_method (data));
          else
            g_task_return_pointer (task, vdi_backend_job_new (moref->type, moref->value),
                                   (GDestroyNotify)vdi_backend_job_free);
        }
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
op_session_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VdiVcenterBackend *self = VDI_VCENTER_BACKEND (object);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  static const char * const paths[] = {
    "parent", "resourcePool", "runtime.host", "snapshot", NULL
  };

  if (!_vdi_vcenter_ensure_session_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op_send (g_steal_pointer (&task), STAGE_VM,
           vdi_vim_build_retrieve_object (self->property_collector, data->vm, paths));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpData, op_data_free)

static OpData *
op_data_new (const char  *operation,
             GVariant    *parameters,
             gboolean     job,
             GError     **error)
{
  g_autoptr(OpData) data = g_new0 (OpData, 1);
  const char *signature;
  const char *vm = NULL, *name = NULL, *datastore = NULL;

  if (job && g_strcmp0 (operation, VDI_BACKEND_OP_CLONE) == 0)
    data->kind = OP_CLONE, signature = "(sssb)";
  else if (job && g_strcmp0 (operation, VDI_BACKEND_OP_DESTROY) == 0)
    data->kind = OP_DESTROY, signature = "(s)";
  else if (job && g_strcmp0 (operation, VDI_BACKEND_OP_POWER) == 0)
    data->kind = OP_POWER, signature = "(sb)";
  else if (!job && g_strcmp0 (operation, VDI_BACKEND_OP_MARK_TEMPLATE) == 0)
    data->kind = OP_MARK_TEMPLATE, signature = "(s)";
  else if (!job && g_strcmp0 (operation, VDI_BACKEND_OP_MARK_VM) == 0)
    data->kind = OP_MARK_VM, signature = "(s)";
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("vCenter does not support the operation “%s”"), operation);
      return NULL;
    }

  if (parameters == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE (signature)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Operation “%s” takes parameters %s", operation, signature);
      return NULL;
    }

  switch (data->kind)
    {
    case OP_CLONE:
      g_variant_get (parameters, "(&s&s&sb)", &vm, &name, &datastore, &data->flag);
      break;
    case OP_POWER:
      g_variant_get (parameters, "(&sb)", &vm, &data->flag);
      break;
    case OP_DESTROY:
    case OP_MARK_TEMPLATE:
    case OP_MARK_VM:
    default:
      g_variant_get (parameters, "(&s)", &vm);
      break;
    }

  if (*vm == '\0' || (data->kind == OP_CLONE && (*name == '\0' || *datastore == '\0')))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Operation “%s” needs non-empty parameters", operation);
      return NULL;
    }

  data->vm = vdi_vim_moref_new ("VirtualMachine", vm);
  data->name = g_strdup (name);
  if (datastore != NULL)
    data->datastore = vdi_vim_moref_new ("Datastore", datastore);
  return g_steal_pointer (&data);
}

static void
op_start (VdiVcenterBackend   *self,
          gpointer             source_tag,
          const char          *operation,
          GVariant            *parameters,
          gboolean             job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sunk = parameters != NULL ? g_variant_ref_sink (parameters) : NULL;
  OpData *data;

  g_task_set_source_tag (task, source_tag);
  data = op_data_new (operation, parameters, job, &error);
  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, data, (GDestroyNotify)op_data_free);

  if (data->kind == OP_CLONE || data->kind == OP_MARK_VM)
    /* The property collector is known once logged in. */
    _vdi_vcenter_ensure_session_async (self, FALSE, 0, cancellable, op_session_cb,
                                       g_steal_pointer (&task));
  else
    op_send (g_steal_pointer (&task), STAGE_ACTION, op_build_action (self, data));
}

void
vdi_vcenter_backend_start_async (VdiBackend          *backend,
                                 const char          *operation,
                                 GVariant            *parameters,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  op_start (VDI_VCENTER_BACKEND (backend), vdi_vcenter_backend_start_async, operation,
            parameters, TRUE, cancellable, callback, user_data);
}

VdiBackendJob *
vdi_vcenter_backend_start_finish (VdiBackend    *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vdi_vcenter_backend_call_async (VdiBackend          *backend,
                                const char          *operation,
                                GVariant            *parameters,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  op_start (VDI_VCENTER_BACKEND (backend), vdi_vcenter_backend_call_async, operation,
            parameters, FALSE, cancellable, callback, user_data);
}

gboolean
vdi_vcenter_backend_call_finish (VdiBackend    *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
