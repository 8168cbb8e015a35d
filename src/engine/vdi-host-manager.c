/* vdi-host-manager.c
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

#include <glib/gi18n-lib.h>

#include "vdi-backend-factory.h"
#include "vdi-host-manager.h"

/* A linked clone writes only a delta disk; what it needs at first is small. */
#define LINKED_CLONE_BYTES (1ull << 30)

struct _VdiHostManager
{
  GObject         parent_instance;

  VdiFarm        *farm;
  VdiCredentials *credentials;
};

G_DEFINE_FINAL_TYPE (VdiHostManager, vdi_host_manager, G_TYPE_OBJECT)

static void
vdi_host_manager_finalize (GObject *object)
{
  VdiHostManager *self = (VdiHostManager *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (vdi_host_manager_parent_class)->finalize (object);
}

static void
vdi_host_manager_class_init (VdiHostManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vdi_host_manager_finalize;
}

static void
vdi_host_manager_init (VdiHostManager *self)
{
}

VdiHostManager *
vdi_host_manager_new (VdiFarm        *farm,
                      VdiCredentials *credentials)
{
  VdiHostManager *self;

  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (VDI_TYPE_HOST_MANAGER, NULL);
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);
  return self;
}

/* One run over a template's hosts ----------------------------------------------------------- */

typedef enum
{
  OP_CREATE,
  OP_RECREATE,
  OP_DELETE,
} OpKind;

typedef struct
{
  VdiDatastoreInfo *info;
  guint64           free_space;
} Candidate;

typedef struct
{
  VdiHostManager *self;
  VdiTemplate    *template;
  VdiBackend     *backend;
  OpKind          kind;
  guint           n_new;
  GPtrArray      *queue;       /* VdiHost still to (re)make or delete, in order */
  GArray         *candidates;  /* Candidate */
  GPtrArray      *notices;     /* char* */
  GHashTable     *vm_names;    /* every VM name on the provider, casefolded */
  guint64         needed;      /* bytes one clone needs on its datastore */
  guint           next;        /* round-robin position */
  guint           n_failed;
  char           *first_failure;
  VdiHost        *current;
} Op;

static void
candidate_clear (Candidate *candidate)
{
  g_clear_object (&candidate->info);
}

static void
op_free (Op *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->template);
  g_clear_object (&op->backend);
  g_clear_pointer (&op->queue, g_ptr_array_unref);
  g_clear_pointer (&op->candidates, g_array_unref);
  g_clear_pointer (&op->notices, g_ptr_array_unref);
  g_clear_pointer (&op->vm_names, g_hash_table_unref);
  g_clear_object (&op->current);
  g_free (op->first_failure);
  g_free (op);
}

static void step (GTask *task);

static void
done (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  vdi_farm_save_soon (op->self->farm);
  if (op->n_failed == 0)
    g_task_return_boolean (task, TRUE);
  else
    {
      /* TRANSLATORS: the end is the first host's own failure, e.g. "VDI-002: Cloning failed: …" */
      g_autofree char *count = NULL;

      if (op->kind == OP_DELETE)
        count = g_strdup_printf (ngettext ("%u host could not be deleted",
                                           "%u hosts could not be deleted", op->n_failed),
                                 op->n_failed);
      else
        count = g_strdup_printf (ngettext ("%u host could not be made",
                                           "%u hosts could not be made", op->n_failed),
                                 op->n_failed);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s (first, %s)"),
                               count, op->first_failure);
    }
}

static void
host_failed (Op         *op,
             VdiHost    *host,
             const char *what,
             GError     *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  vdi_host_set_state (host, VDI_HOST_STATE_FAILED);
  vdi_host_set_last_error (host, message);
  if (op->n_failed++ == 0)
    op->first_failure = g_strdup_printf ("%s: %s", vdi_host_get_name (host), message);
}

/* Cloning ------------------------------------------------------------------------------------ */

static void
clone_followed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *vm = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);
  VdiHost *host = op->current;

  if (vm == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The clone finished without a VM"));
      host_failed (op, host, _("Cloning failed"), error);
    }
  else
    {
      vdi_host_set_vm_id (host, vm);
      vdi_host_set_last_error (host, NULL);
      vdi_host_set_state (host, VDI_HOST_STATE_READY);
    }

  g_clear_object (&op->current);
  step (g_steal_pointer (&task));
}

static void
clone_started_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = vdi_backend_start_finish (VDI_BACKEND (object), result, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (job == NULL)
    {
      host_failed (op, op->current, _("Cloning failed"), error);
      g_clear_object (&op->current);
      step (g_steal_pointer (&task));
      return;
    }

  vdi_backend_follow_async (op->backend, job, NULL, NULL, cancellable, clone_followed_cb,
                            g_steal_pointer (&task));
}

/* The next datastore in turn with room for one more clone, or NULL when none has. */
static Candidate *
next_candidate (Op *op)
{
  for (guint tries = 0; tries < op->candidates->len; tries++)
    {
      Candidate *candidate = &g_array_index (op->candidates, Candidate,
                                             op->next++ % op->candidates->len);

      if (candidate->free_space >= op->needed)
        {
          candidate->free_space -= op->needed;
          return candidate;
        }
    }
  return NULL;
}

static void
start_clone (GTask   *task,
             VdiHost *host)
{
  Op *op = g_task_get_task_data (task);
  Candidate *candidate = next_candidate (op);

  op->current = g_object_ref (host);
  vdi_host_set_state (host, VDI_HOST_STATE_CREATING);
  vdi_host_set_vm_id (host, NULL);

  if (candidate == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                                     _("No datastore has room for another host"));

      host_failed (op, host, _("Placing the host"), error);
      g_clear_object (&op->current);
      step (task);
      return;
    }

  vdi_host_set_datastore (host, vdi_datastore_info_get_name (candidate->info));
  vdi_farm_save_soon (op->self->farm);
  vdi_backend_start_async (op->backend, VDI_BACKEND_OP_CLONE,
                           g_variant_new ("(sssb)", vdi_template_get_source_vm_id (op->template),
                                          vdi_host_get_name (host),
                                          vdi_datastore_info_get_id (candidate->info),
                                          vdi_template_get_clone_method (op->template) ==
                                            VDI_CLONE_METHOD_LINKED),
                           g_task_get_cancellable (task), clone_started_cb, task);
}

/* Destroying --------------------------------------------------------------------------------- */

/* The VM is gone (or was already): delete the host, or make it again. Takes @task. */
static void
destroyed (GTask  *task,
           GError *error)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;

  /* A VM already gone is what deleting wants. */
  if (error != NULL && !g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
    {
      host_failed (op, host, _("Deleting failed"), error);
      g_clear_object (&op->current);
      step (task);
      return;
    }

  vdi_host_set_vm_id (host, NULL);
  if (op->kind == OP_DELETE)
    {
      vdi_template_remove_host (op->template, host);
      g_clear_object (&op->current);
      step (task);
      return;
    }

  /* Recreating: the same name again, on the next datastore in turn. */
  g_object_ref (host);
  g_clear_object (&op->current);
  start_clone (task, host);
  g_object_unref (host);
}

static void
destroyed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nothing = vdi_backend_follow_finish (VDI_BACKEND (object), result, &error);

  destroyed (user_data, error);
}

static void
destroy_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = vdi_backend_start_finish (VDI_BACKEND (object), result, &error);

  if (job == NULL)
    destroyed (task, error);
  else
    vdi_backend_follow_async (op->backend, job, NULL, NULL, g_task_get_cancellable (task),
                              destroyed_cb, task);
}

static void
start_destroy (GTask   *task,
               VdiHost *host)
{
  Op *op = g_task_get_task_data (task);

  op->current = g_object_ref (host);
  if (vdi_host_get_vm_id (host) == NULL)
    {
      /* Nothing on the provider: deleting is forgetting, recreating is making. */
      g_clear_object (&op->current);
      if (op->kind == OP_DELETE)
        {
          vdi_template_remove_host (op->template, host);
          step (task);
        }
      else
        start_clone (task, host);
      return;
    }

  vdi_host_set_state (host, VDI_HOST_STATE_CREATING);
  vdi_backend_start_async (op->backend, VDI_BACKEND_OP_DESTROY,
                           g_variant_new ("(s)", vdi_host_get_vm_id (host)),
                           g_task_get_cancellable (task), destroy_started_cb, task);
}

/* Driving ------------------------------------------------------------------------------------ */

static void
step (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(VdiHost) host = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (op->queue->len == 0)
    {
      done (task);
      g_object_unref (task);
      return;
    }

  host = g_ptr_array_steal_index (op->queue, 0);
  if (op->kind == OP_CREATE)
    start_clone (task, host);
  else
    start_destroy (task, host);
}

/* Chooses the datastores, in turn: the template's own first, then the chosen ones. */
static void
plan_datastores (Op        *op,
                 VdiVmInfo *source,
                 GPtrArray *datastores)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  const char * const *extra = vdi_template_get_datastores (op->template);

  op->needed = vdi_template_get_clone_method (op->template) == VDI_CLONE_METHOD_LINKED ?
               LINKED_CLONE_BYTES : MAX (vdi_vm_info_get_disk_bytes (source), 1);

  if (vdi_vm_info_get_datastore_id (source) != NULL)
    g_ptr_array_add (wanted, (gpointer)vdi_vm_info_get_datastore_id (source));
  else if (vdi_vm_info_get_datastore (source) != NULL)
    g_ptr_array_add (wanted, (gpointer)vdi_vm_info_get_datastore (source));
  if (vdi_template_get_datastore_mode (op->template) == VDI_DATASTORE_MODE_ADDITIONAL)
    for (guint i = 0; extra[i] != NULL; i++)
      if (!g_ptr_array_find_with_equal_func (wanted, extra[i], g_str_equal, NULL))
        g_ptr_array_add (wanted, (gpointer)extra[i]);

  for (guint i = 0; i < wanted->len; i++)
    {
      const char *name = g_ptr_array_index (wanted, i);
      VdiDatastoreInfo *found = NULL;

      /* Templates keep datastores by id (names can change); the source VM names its own. */
      for (guint k = 0; k < datastores->len && found == NULL; k++)
        {
          VdiDatastoreInfo *info = g_ptr_array_index (datastores, k);

          if (g_strcmp0 (vdi_datastore_info_get_id (info), name) == 0 ||
              g_strcmp0 (vdi_datastore_info_get_name (info), name) == 0)
            found = info;
        }
      if (found != NULL)
        name = vdi_datastore_info_get_name (found);
      if (found != NULL && g_ptr_array_find (seen, found, NULL))
        continue;
      if (found != NULL)
        g_ptr_array_add (seen, found);

      if (found == NULL)
        g_ptr_array_add (op->notices,
                         g_strdup_printf (_("The datastore “%s” no longer exists; no hosts are "
                                            "placed on it"), name));
      else if (!vdi_datastore_info_get_accessible (found))
        g_ptr_array_add (op->notices,
                         g_strdup_printf (_("The datastore “%s” is not accessible; no hosts are "
                                            "placed on it"), name));
      else if (vdi_datastore_info_get_free_space (found) < op->needed)
        {
          g_autofree char *free_text = g_format_size (vdi_datastore_info_get_free_space (found));
          g_autofree char *needed = g_format_size (op->needed);

          g_ptr_array_add (op->notices,
                           g_strdup_printf (_("The datastore “%s” is too full for a host (%s free, "
                                              "%s needed); no hosts are placed on it"),
                                            name, free_text, needed));
        }
      else
        {
          Candidate candidate = { g_object_ref (found), vdi_datastore_info_get_free_space (found) };

          g_array_append_val (op->candidates, candidate);
        }
    }
}

/* New hosts take the next names of the format that no host has and no VM on the provider
 * has either (vCenter names are unique per folder, and a stray VM of that name would make the
 * clone fail). */
static gboolean
queue_new_hosts (Op      *op,
                 GError **error)
{
  g_autoptr(VdiNameFormat) format =
    vdi_name_format_parse (vdi_template_get_host_name_format (op->template), error);
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *hosts = vdi_template_get_hosts (op->template);
  guint index = 0;

  if (format == NULL)
    return FALSE;

  for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      g_hash_table_add (taken, (gpointer)vdi_host_get_name (host));
    }

  while (op->queue->len < op->n_new)
    {
      g_autofree char *name = vdi_name_format_expand (format, index++, error);
      VdiHost *host;

      if (name == NULL)
        return FALSE;
      if (g_hash_table_contains (taken, name))
        continue;
      if (op->vm_names != NULL)
        {
          g_autofree char *folded = g_utf8_casefold (name, -1);

          if (g_hash_table_contains (op->vm_names, folded))
            continue;
        }

      host = vdi_host_new (name, vdi_template_get_source_provider (op->template));
      vdi_template_add_host (op->template, host);
      g_ptr_array_add (op->queue, host);
    }

  return TRUE;
}

static void
datastores_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datastores = vdi_backend_list_datastores_finish (VDI_BACKEND (object),
                                                                        result, &error);
  VdiVmInfo *source = g_object_get_data (G_OBJECT (task), "source-vm");

  if (datastores == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  plan_datastores (op, source, datastores);
  if (op->candidates->len == 0 && op->kind != OP_DELETE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               _("No datastore of “%s” can take hosts: %s"),
                               vdi_template_get_name (op->template),
                               op->notices->len > 0 ? (char *)g_ptr_array_index (op->notices, 0)
                                                    : _("none is chosen"));
      g_object_unref (task);
      return;
    }

  if (op->kind == OP_CREATE && !queue_new_hosts (op, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  step (task);
}

static void
vms_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  const char *source_id = vdi_template_get_source_vm_id (op->template);

  if (vms == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  op->vm_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < vms->len; i++)
    g_hash_table_add (op->vm_names,
                      g_utf8_casefold (vdi_vm_info_get_name (g_ptr_array_index (vms, i)), -1));

  for (guint i = 0; i < vms->len; i++)
    {
      VdiVmInfo *vm = g_ptr_array_index (vms, i);

      if (g_strcmp0 (vdi_vm_info_get_id (vm), source_id) == 0)
        {
          g_object_set_data_full (G_OBJECT (task), "source-vm", g_object_ref (vm), g_object_unref);
          vdi_backend_list_datastores_async (op->backend, g_task_get_cancellable (task),
                                             datastores_cb, task);
          return;
        }
    }

  g_task_return_new_error (task, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND,
                           _("The template “%s” (%s) is no longer on %s"),
                           vdi_template_get_name (op->template),
                           vdi_template_get_source_vm_name (op->template),
                           vdi_provider_get_name (vdi_template_get_source_provider (op->template)));
  g_object_unref (task);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result,
                                                             NULL);

  op->backend = vdi_backend_new_for_provider (vdi_template_get_source_provider (op->template),
                                              password, &error);
  if (op->backend == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (op->kind == OP_DELETE)
    {
      step (task);
      return;
    }
  vdi_backend_list_vms_async (op->backend, g_task_get_cancellable (task), vms_cb, task);
}

static void
start (VdiHostManager      *self,
       VdiTemplate         *template,
       OpKind               kind,
       guint                n_new,
       VdiHost             *host,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);
  VdiProvider *provider = vdi_template_get_source_provider (template);

  g_task_set_source_tag (task, start);
  op->self = g_object_ref (self);
  op->template = g_object_ref (template);
  op->kind = kind;
  op->n_new = n_new;
  op->queue = g_ptr_array_new_with_free_func (g_object_unref);
  op->candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (op->candidates, (GDestroyNotify)candidate_clear);
  op->notices = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);

  if (vdi_provider_get_provider_type (provider) != VDI_PROVIDER_TYPE_VCENTER)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Hosts of Hyper-V templates cannot be made yet"));
      g_object_unref (task);
      return;
    }

  if (kind == OP_CREATE)
    {
      guint n_hosts = g_list_model_get_n_items (vdi_template_get_hosts (template));
      guint max_hosts = vdi_template_get_max_hosts (template);

      if (n_hosts + n_new > max_hosts)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   ngettext ("“%s” allows at most %u host; it has %u",
                                             "“%s” allows at most %u hosts; it has %u",
                                             max_hosts),
                                   vdi_template_get_name (template), max_hosts, n_hosts);
          g_object_unref (task);
          return;
        }
    }

  if (host != NULL)
    g_ptr_array_add (op->queue, g_object_ref (host));
  else if (kind == OP_RECREATE)
    {
      GListModel *hosts = vdi_template_get_hosts (template);

      for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
        g_ptr_array_add (op->queue, g_list_model_get_item (hosts, i));
    }

  vdi_credentials_lookup_async (self->credentials, vdi_provider_get_id (provider), cancellable,
                                password_cb, task);
}

/**
 * vdi_host_manager_create_hosts_async:
 * @n_hosts: how many new hosts to make
 */
void
vdi_host_manager_create_hosts_async (VdiHostManager      *self,
                                     VdiTemplate         *template,
                                     guint                n_hosts,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (VDI_IS_HOST_MANAGER (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  start (self, template, OP_CREATE, n_hosts, NULL, cancellable, callback, user_data);
}

/**
 * vdi_host_manager_recreate_hosts_async:
 *
 * Deletes and makes again every host of @template, one at a time, under its own name (after
 * leaving maintenance, when the template has changed).
 */
void
vdi_host_manager_recreate_hosts_async (VdiHostManager      *self,
                                       VdiTemplate         *template,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (VDI_IS_HOST_MANAGER (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));

  start (self, template, OP_RECREATE, 0, NULL, cancellable, callback, user_data);
}

void
vdi_host_manager_delete_host_async (VdiHostManager      *self,
                                    VdiTemplate         *template,
                                    VdiHost             *host,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (VDI_IS_HOST_MANAGER (self));
  g_return_if_fail (VDI_IS_TEMPLATE (template));
  g_return_if_fail (VDI_IS_HOST (host));

  start (self, template, OP_DELETE, 0, host, cancellable, callback, user_data);
}

/**
 * vdi_host_manager_finish:
 * @notices: (out) (optional) (transfer full): what the admin should know even when all went
 *   well, such as datastores skipped
 */
gboolean
vdi_host_manager_finish (VdiHostManager   *self,
                         GAsyncResult     *result,
                         char           ***notices,
                         GError          **error)
{
  Op *op;

  g_return_val_if_fail (VDI_IS_HOST_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (notices != NULL)
    {
      GStrvBuilder *builder = g_strv_builder_new ();

      for (guint i = 0; op != NULL && i < op->notices->len; i++)
        g_strv_builder_add (builder, g_ptr_array_index (op->notices, i));
      *notices = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}
