/* vdi-template-creator.c
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

#include <glib/gi18n.h>

#include "vdi-backend-factory.h"
#include "vdi-host-manager.h"
#include "vdi-template-creator.h"

struct _VdiTemplateCreator
{
  GObject                  parent_instance;

  VdiFarm                 *farm;
  VdiCredentials          *credentials;
  VdiDistributor          *distributor;
  VdiTemplateCreatorStage  stage;
};

G_DEFINE_FINAL_TYPE (VdiTemplateCreator, vdi_template_creator, G_TYPE_OBJECT)

enum {
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  VdiTemplate *template;
  VdiVmInfo   *vm;
  VdiBackend  *backend;
  GPtrArray   *notices;
} Create;

static void
create_free (Create *create)
{
  g_clear_object (&create->template);
  g_clear_object (&create->vm);
  g_clear_object (&create->backend);
  g_clear_pointer (&create->notices, g_ptr_array_unref);
  g_free (create);
}

static void
vdi_template_creator_dispose (GObject *object)
{
  VdiTemplateCreator *self = (VdiTemplateCreator *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->distributor);

  G_OBJECT_CLASS (vdi_template_creator_parent_class)->dispose (object);
}

static void
vdi_template_creator_class_init (VdiTemplateCreatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_template_creator_dispose;

  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, VDI_TYPE_TEMPLATE);
}

static void
vdi_template_creator_init (VdiTemplateCreator *self)
{
}

/**
 * vdi_template_creator_new:
 * @distributor: (nullable): the distributor to run multi-provider templates with (the
 *   console's shared one, so its windows follow the copies); %NULL makes one
 */
VdiTemplateCreator *
vdi_template_creator_new (VdiFarm        *farm,
                          VdiCredentials *credentials,
                          VdiDistributor *distributor)
{
  VdiTemplateCreator *self;

  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (distributor == NULL || VDI_IS_DISTRIBUTOR (distributor), NULL);

  self = g_object_new (VDI_TYPE_TEMPLATE_CREATOR, NULL);
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);
  self->distributor = distributor != NULL ? g_object_ref (distributor)
                                          : vdi_distributor_new (farm, credentials);
  return self;
}

/* Where the last creation is, or stopped: before DISTRIBUTING the farm is as it was. */
VdiTemplateCreatorStage
vdi_template_creator_get_stage (VdiTemplateCreator *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_CREATOR (self), VDI_TEMPLATE_CREATOR_STAGE_IDLE);

  return self->stage;
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
hosts_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  VdiTemplateCreator *self = g_task_get_source_object (task);
  Create *create = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;

  if (!vdi_host_manager_finish (VDI_HOST_MANAGER (object), result, &notices, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
        g_ptr_array_add (create->notices, g_steal_pointer (&notices[i]));
      fail (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    g_ptr_array_add (create->notices, g_steal_pointer (&notices[i]));
  /* The template is there and works; its hosts will come when the provider type allows. */
  if (error != NULL)
    g_ptr_array_add (create->notices,
                     g_strdup_printf (_("The hosts of “%s” were not made: %s"),
                                      vdi_template_get_name (create->template), error->message));

  self->stage = VDI_TEMPLATE_CREATOR_STAGE_DONE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
make_hosts (GTask *task)
{
  VdiTemplateCreator *self = g_task_get_source_object (task);
  Create *create = g_task_get_task_data (task);
  g_autoptr(VdiHostManager) manager = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint n = vdi_template_get_initial_hosts (create->template);

  if (n == 0)
    {
      self->stage = VDI_TEMPLATE_CREATOR_STAGE_DONE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  self->stage = VDI_TEMPLATE_CREATOR_STAGE_CREATING_HOSTS;
  manager = vdi_host_manager_new (self->farm, self->credentials);
  vdi_host_manager_create_hosts_async (manager, create->template, n, cancellable, hosts_cb,
                                       task);
}

static void
distributed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  /* Hosts come from the copies: without every copy, the admin retries first. */
  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    {
      fail (task, error);
      return;
    }
  make_hosts (task);
}

static void
add_to_farm (GTask *task)
{
  VdiTemplateCreator *self = g_task_get_source_object (task);
  Create *create = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (!vdi_farm_add_template (self->farm, create->template, &error))
    {
      fail (task, error);
      return;
    }
  /* The source VM may just have become a template: the file must say so without delay. */
  vdi_farm_save_soon (self->farm);

  self->stage = VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING;
  g_signal_emit (self, signals[ADDED], 0, create->template);

  if (!vdi_template_get_multi_provider (create->template))
    {
      make_hosts (task);
      return;
    }
  vdi_distributor_distribute_async (self->distributor, create->template, cancellable,
                                    distributed_cb, task);
}

static void
unmarked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Create *create = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vdi_backend_call_finish (VDI_BACKEND (object), result, &error))
    g_warning ("%s stays marked as a template after a cancelled Create: %s",
               vdi_vm_info_get_name (create->vm), error->message);
  fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Operation was cancelled")));
}

static void
marked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Create *create = g_task_get_task_data (task);
  GError *error = NULL;

  if (!vdi_backend_call_finish (VDI_BACKEND (object), result, &error))
    {
      fail (task, error);
      return;
    }

  /* Cancelled while the vCenter marked the VM: the farm never got the template, so the VM
   * goes back to what it was rather than stay a template nobody manages. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      vdi_backend_call_async (create->backend, VDI_BACKEND_OP_MARK_VM,
                              g_variant_new ("(s)", vdi_vm_info_get_id (create->vm)), NULL,
                              unmarked_cb, task);
      return;
    }
  add_to_farm (task);
}

static void
backend_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Create *create = g_task_get_task_data (task);
  GError *error = NULL;

  create->backend = vdi_backend_open_finish (result, &error);
  if (create->backend == NULL)
    {
      fail (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  /* Not cancellable: a cancel in flight could leave the VM marked without our knowing. It is
   * looked at once the vCenter has answered. */
  vdi_backend_call_async (create->backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                          g_variant_new ("(s)", vdi_vm_info_get_id (create->vm)), NULL,
                          marked_cb, task);
}

/**
 * vdi_template_creator_create_async:
 * @template: a new template, not yet in the farm, with everything the admin chose
 * @source_vm: its source VM as its provider listed it
 */
void
vdi_template_creator_create_async (VdiTemplateCreator  *self,
                                   VdiTemplate         *template,
                                   VdiVmInfo           *source_vm,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Create *create;
  VdiProvider *source;
  GError *error = NULL;

  g_return_if_fail (VDI_IS_TEMPLATE_CREATOR (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));
  g_return_if_fail (VDI_IS_VM_INFO (source_vm));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_template_creator_create_async);
  create = g_new0 (Create, 1);
  create->template = g_object_ref (template);
  create->vm = g_object_ref (source_vm);
  create->notices = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, create, (GDestroyNotify)create_free);
  self->stage = VDI_TEMPLATE_CREATOR_STAGE_CONVERTING;
  source = vdi_template_get_source_provider (template);

  if (!vdi_farm_check_template (self->farm, template, &error))
    {
      fail (task, error);
      return;
    }

  /* A vCenter template is a VM marked as such; Hyper-V keeps its VM as it is. */
  if (vdi_provider_get_provider_type (source) != VDI_PROVIDER_TYPE_VCENTER ||
      vdi_vm_info_get_is_template (source_vm))
    {
      add_to_farm (task);
      return;
    }
  if (vdi_vm_info_get_powered_on (source_vm))
    {
      fail (task, g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("shut down %s on %s first: a running VM cannot become a "
                                 "template"),
                               vdi_vm_info_get_name (source_vm), vdi_provider_get_name (source)));
      return;
    }
  vdi_backend_open_async (source, self->credentials, cancellable, backend_cb, task);
}

/**
 * vdi_template_creator_finish:
 * @notices: (out) (optional) (transfer full): what the admin should know, even on failure
 */
gboolean
vdi_template_creator_finish (VdiTemplateCreator  *self,
                             GAsyncResult        *result,
                             char              ***notices,
                             GError             **error)
{
  Create *create;

  g_return_val_if_fail (VDI_IS_TEMPLATE_CREATOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  create = g_task_get_task_data (G_TASK (result));
  if (notices != NULL)
    {
      g_ptr_array_add (create->notices, NULL);
      *notices = (char **)g_ptr_array_steal (create->notices, NULL);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}
