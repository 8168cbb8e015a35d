/* vdi-template-wizard-source.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Source page: the provider's VMs, listed live, one radio row each. */

#include "config.h"

#include "vdi-template-wizard-private.h"
#include "vdi-vm-row.h"

static VdiProvider *
selected_provider (VdiTemplateWizard *self)
{
  return adw_combo_row_get_selected_item (self->provider_row);
}

static void
vm_toggled_cb (VdiTemplateWizard *self,
               GParamSpec        *pspec,
               VdiVmRow          *row)
{
  VdiVmInfo *vm = vdi_vm_row_get_vm (row);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (!vdi_check_row_get_active (VDI_CHECK_ROW (row)))
    return;

  g_set_object (&self->vm, vm);

  /* The VM's name is a good template name until the admin types another. */
  if (*name == '\0' || g_strcmp0 (name, self->default_name) == 0)
    {
      g_free (self->default_name);
      self->default_name = g_strdup (vdi_vm_info_get_name (vm));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->default_name);
    }
  vdi_template_wizard_update (self);
}

/* What the farm makes of a VM on the source provider. */
typedef enum
{
  VM_ROLE_FREE,      /* the admin's own VM: a source to choose */
  VM_ROLE_TEMPLATE,  /* already the source VM of one of this farm's templates */
  VM_ROLE_ENGINE,    /* a copy, a host, or a VM being made: the engine's, never a source */
} VmRole;

static void
add_role (GHashTable *roles,
          const char *key,
          VmRole      role)
{
  char *folded;

  if (key == NULL)
    return;
  folded = g_utf8_casefold (key, -1);
  /* A template's source VM stays what it is, whatever else names it. */
  if (GPOINTER_TO_INT (g_hash_table_lookup (roles, folded)) == VM_ROLE_TEMPLATE)
    {
      g_free (folded);
      return;
    }
  g_hash_table_insert (roles, folded, GINT_TO_POINTER (role));
}

/* What the farm records on @provider, by VM id folded to one case (Hyper-V ids are GUIDs in
 * any case): the templates' source VMs; the copies the distributor records on each target, current
 * and outdated (a copy lives on the source's provider between its import and its migration);
 * the hosts' VMs. A host still being made has no id yet: its name is the one its VM gets. */
static GHashTable *
farm_vm_roles (VdiFarm     *farm,
               VdiProvider *provider)
{
  GListModel *templates = vdi_farm_get_templates (farm);
  GHashTable *roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0, n = g_list_model_get_n_items (templates); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      GListModel *targets = vdi_template_get_targets (template);
      GListModel *hosts = vdi_template_get_hosts (template);
      gboolean on_source = vdi_template_get_source_provider (template) == provider;

      if (on_source)
        {
          const char *id = vdi_template_get_source_vm_id (template);
          g_autofree char *key = NULL;

          /* Farms from before the id was recorded name the VM only. */
          key = g_strdup_printf ("name:%s", vdi_template_get_source_vm_name (template));
          add_role (roles, id != NULL ? id : key, VM_ROLE_TEMPLATE);
        }

      for (guint t = 0, n_targets = g_list_model_get_n_items (targets); t < n_targets; t++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, t);

          if (vdi_target_get_is_source (target) ||
              (!on_source && vdi_target_get_provider (target) != provider))
            continue;
          add_role (roles, vdi_target_get_remote_vm_id (target), VM_ROLE_ENGINE);
          add_role (roles, vdi_target_get_outdated_vm_id (target), VM_ROLE_ENGINE);
        }

      for (guint h = 0, n_hosts = g_list_model_get_n_items (hosts); h < n_hosts; h++)
        {
          g_autoptr(VdiHost) host = g_list_model_get_item (hosts, h);
          g_autofree char *key = NULL;

          if (vdi_host_get_provider (host) != provider)
            continue;
          if (vdi_host_get_vm_id (host) != NULL)
            add_role (roles, vdi_host_get_vm_id (host), VM_ROLE_ENGINE);
          else if (vdi_host_get_state (host) == VDI_HOST_STATE_CREATING)
            {
              key = g_strdup_printf ("name:%s", vdi_host_get_name (host));
              add_role (roles, key, VM_ROLE_ENGINE);
            }
        }
    }
  return roles;
}

static VmRole
vm_role (GHashTable *roles,
         VdiVmInfo  *vm)
{
  g_autofree char *name = g_strdup_printf ("name:%s", vdi_vm_info_get_name (vm));
  g_autofree char *key = g_utf8_casefold (vdi_vm_info_get_id (vm), -1);
  g_autofree char *name_key = g_utf8_casefold (name, -1);
  gpointer role;

  /* A planned VM is an import under way: the engine's, recorded or not yet. */
  if (vdi_vm_info_get_planned (vm))
    return VM_ROLE_ENGINE;
  if (g_hash_table_lookup_extended (roles, key, NULL, &role) ||
      g_hash_table_lookup_extended (roles, name_key, NULL, &role))
    return GPOINTER_TO_INT (role);
  return VM_ROLE_FREE;
}

/* One radio row per VM shown, all in one group. A VM that is already a template here is
 * shown, not offered. */
static GtkWidget *
create_vm_row_cb (gpointer item,
                  gpointer user_data)
{
  VdiTemplateWizard *self = user_data;
  VdiVmInfo *vm = item;
  GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->vm_list, 0);
  VdiVmRow *row;

  g_assert (VDI_IS_TEMPLATE_WIZARD (self));
  g_assert (VDI_IS_VM_INFO (vm));

  row = vdi_vm_row_new (vm, vm_role (self->vm_roles, vm) == VM_ROLE_TEMPLATE);
  if (first != NULL)
    vdi_check_row_set_group (VDI_CHECK_ROW (row), VDI_CHECK_ROW (first));
  g_signal_connect_object (row, "notify::active", G_CALLBACK (vm_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (row);
}

/* The engine's own VMs are left out: a copy on its way to a target has the source's name, and
 * an admin could pick it by mistake. */
static void
fill_vms (VdiTemplateWizard *self,
          GPtrArray         *vms)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  guint n_listed = g_list_model_get_n_items (G_LIST_MODEL (self->vms));

  g_clear_object (&self->vm);
  g_clear_pointer (&self->vm_roles, g_hash_table_unref);
  self->vm_roles = farm_vm_roles (self->farm, self->source);

  for (guint i = 0; i < vms->len; i++)
    if (vm_role (self->vm_roles, g_ptr_array_index (vms, i)) != VM_ROLE_ENGINE)
      g_ptr_array_add (shown, g_ptr_array_index (vms, i));
  g_list_store_splice (self->vms, 0, n_listed, shown->pdata, shown->len);
  /* The list box keeps its placeholder after the rows: shown, it would take the last row's
   * rounded bottom (boxed-list styles row:last-child, among the visible children). */
  gtk_widget_set_visible (self->vm_placeholder, shown->len == 0);
}

static void
show_load_error (VdiTemplateWizard *self,
                 GError            *error)
{
  self->vms_state = LOAD_FAILED;
  adw_action_row_set_subtitle (self->vm_error_row, error->message);
  gtk_stack_set_visible_child_name (self->vm_stack, "error");
  gtk_spinner_stop (self->vm_spinner);
  vdi_template_wizard_update (self);
}

static void
vms_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(VdiTemplateWizard) self = user_data;
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(GError) error = NULL;

  vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (vms == NULL)
    {
      show_load_error (self, error);
      return;
    }

  self->vms_state = LOAD_DONE;
  fill_vms (self, vms);
  gtk_stack_set_visible_child_name (self->vm_stack, "list");
  gtk_spinner_stop (self->vm_spinner);
  vdi_template_wizard_update (self);
}

static void
backend_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VdiTemplateWizard) self = user_data;
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  /* A cancelled open belongs to a provider no longer shown: it must not replace the backend. */
  backend = vdi_backend_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_set_object (&self->backend, backend);
  if (self->backend == NULL)
    {
      show_load_error (self, error);
      return;
    }
  vdi_backend_list_vms_async (self->backend, self->source_cancellable, vms_cb,
                              g_object_ref (self));
}

void
_vdi_template_wizard_load_vms (VdiTemplateWizard *self)
{
  g_assert (VDI_IS_TEMPLATE_WIZARD (self));

  g_cancellable_cancel (self->source_cancellable);
  g_clear_object (&self->source_cancellable);
  g_clear_object (&self->backend);
  g_clear_object (&self->vm);
  self->source_cancellable = g_cancellable_new ();
  self->distribution_ready = FALSE;
  vdi_datastore_picker_clear (self->datastore_picker);
  g_set_object (&self->source, selected_provider (self));

  if (self->source == NULL)
    {
      self->vms_state = LOAD_IDLE;
      vdi_template_wizard_update (self);
      return;
    }

  self->vms_state = LOAD_RUNNING;
  gtk_stack_set_visible_child_name (self->vm_stack, "loading");
  gtk_spinner_start (self->vm_spinner);
  vdi_template_wizard_update (self);
  vdi_backend_open_async (self->source, self->credentials, self->source_cancellable, backend_cb,
                          g_object_ref (self));
}

void
vdi_template_wizard_provider_changed_cb (VdiTemplateWizard *self)
{
  g_assert (VDI_IS_TEMPLATE_WIZARD (self));

  if (self->farm != NULL && selected_provider (self) != self->source)
    _vdi_template_wizard_load_vms (self);
}

void
_vdi_template_wizard_init_source (VdiTemplateWizard *self)
{
  g_assert (VDI_IS_TEMPLATE_WIZARD (self));

  self->vms = g_list_store_new (VDI_TYPE_VM_INFO);
  gtk_list_box_bind_model (self->vm_list, G_LIST_MODEL (self->vms), create_vm_row_cb, self, NULL);
}
