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

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vdi-backend-factory.h"
#include "vdi-host-manager.h"
#include "vdi-hyperv-backend.h"
#include "vdi-provider-job.h"

/* A linked clone writes only a delta disk; what it needs at first is small. */
#define LINKED_CLONE_BYTES (1ull << 30)

struct _VdiHostManager
{
  GObject         parent_instance;

  VdiFarm        *farm;
  VdiCredentials *credentials;
  char           *export_root;
};

G_DEFINE_FINAL_TYPE (VdiHostManager, vdi_host_manager, G_TYPE_OBJECT)

static void
vdi_host_manager_finalize (GObject *object)
{
  VdiHostManager *self = (VdiHostManager *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_pointer (&self->export_root, g_free);

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
  self->export_root = g_strdup (VDI_HYPERV_DEFAULT_EXPORT_ROOT);
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

/**
 * vdi_host_manager_set_export_root:
 * @directory: a folder on the Hyper-V hosts, e.g. "D:\VDI\Exports"; each Hyper-V host's VM
 *   lives in a folder of its own below it
 */
void
vdi_host_manager_set_export_root (VdiHostManager *self,
                                  const char     *directory)
{
  g_return_if_fail (VDI_IS_HOST_MANAGER (self));
  g_return_if_fail (directory != NULL && *directory != '\0');

  g_free (self->export_root);
  self->export_root = g_strdup (directory);
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

/* What the listing says of a VM. */
enum
{
  VM_ABSENT,
  VM_OFF,
  VM_RUNNING,
};

/* A provider the run works on, with what it holds of the template. */
typedef struct
{
  VdiProvider *provider;
  VdiBackend  *backend;
  char        *copy_id;    /* the template's VM there: the source VM, or the ready copy */
  char        *copy_name;  /* its name there, which names the folder of its export */
  char        *reason;     /* why the run does not use it (it did not answer, say), or NULL */
  char        *no_copy;    /* recreate: it holds no ready copy, said once it has answered */
  guint        n_hosts;    /* the template's hosts there, to spread new ones evenly */
} Place;

typedef struct
{
  VdiHostManager *self;
  VdiTemplate    *template;
  OpKind          kind;
  gboolean        hyperv;
  guint           n_new;
  GPtrArray      *queue;       /* VdiHost still to (re)make or delete, in order */
  GPtrArray      *places;      /* Place, the source provider first */
  GArray         *candidates;  /* Candidate (vCenter) */
  GPtrArray      *notices;     /* char* */
  GHashTable     *vm_names;    /* every VM name on the providers, casefolded */
  GHashTable     *vms;         /* id of every VM listed → VM_OFF or VM_RUNNING */
  guint64         needed;      /* bytes one clone needs on its datastore */
  guint           next;        /* round-robin position over the datastores */
  guint           n_pending;   /* provider calls still out while preparing */
  guint           n_failed;
  guint           n_set_aside; /* hosts left for later: their provider did not answer */
  char           *first_failure;
  VdiHost        *current;
  Place          *current_place;
  char           *export_dir;  /* the current Hyper-V host's export */
  gboolean        made_vm;     /* the current host's VM is one this run made */
  gboolean        cleaning;    /* removing what a cancelled host left: not cancellable */
  VdiVmInfo      *source_vm;   /* vCenter: the template, as listed */
  GError         *fatal;       /* what ends the run once the providers have all answered */
} Op;

static void
candidate_clear (Candidate *candidate)
{
  g_clear_object (&candidate->info);
}

static void
place_free (Place *place)
{
  g_clear_object (&place->provider);
  g_clear_object (&place->backend);
  g_free (place->copy_id);
  g_free (place->copy_name);
  g_free (place->reason);
  g_free (place->no_copy);
  g_free (place);
}

static void
op_free (Op *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->template);
  g_clear_pointer (&op->queue, g_ptr_array_unref);
  g_clear_pointer (&op->places, g_ptr_array_unref);
  g_clear_pointer (&op->candidates, g_array_unref);
  g_clear_pointer (&op->notices, g_ptr_array_unref);
  g_clear_pointer (&op->vm_names, g_hash_table_unref);
  g_clear_pointer (&op->vms, g_hash_table_unref);
  g_clear_object (&op->current);
  g_free (op->first_failure);
  g_free (op->export_dir);
  g_clear_object (&op->source_vm);
  g_clear_error (&op->fatal);
  g_free (op);
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* The provider a host lives on: farms from before hosts recorded one had them on the source. */
static VdiProvider *
host_provider (Op      *op,
               VdiHost *host)
{
  VdiProvider *provider = vdi_host_get_provider (host);

  return provider != NULL ? provider : vdi_template_get_source_provider (op->template);
}

static Place *
find_place (Op          *op,
            VdiProvider *provider)
{
  for (guint i = 0; i < op->places->len; i++)
    {
      Place *place = g_ptr_array_index (op->places, i);

      if (place->provider == provider)
        return place;
    }
  return NULL;
}

static Place *
add_place (Op          *op,
           VdiProvider *provider,
           const char  *copy_id)
{
  Place *place = find_place (op, provider);

  if (place != NULL)
    return place;

  place = g_new0 (Place, 1);
  place->provider = g_object_ref (provider);
  place->copy_id = g_strdup (copy_id);
  g_ptr_array_add (op->places, place);
  return place;
}

/* Sets why @place is not used, once: the first reason is the one that tells. */
static void
place_unusable (Place      *place,
                const char *reason)
{
  if (place->reason == NULL)
    place->reason = g_strdup (reason);
}

/* "hv-02 does not respond: Connection refused" */
static void
place_silent (Place  *place,
              GError *error)
{
  g_autofree char *words = g_strdup (error->message);
  g_autofree char *reason = NULL;
  gsize len = strlen (words);

  /* The notice goes on with a sentence of its own. */
  while (len > 0 && (words[len - 1] == '.' || g_ascii_isspace (words[len - 1])))
    words[--len] = '\0';
  reason = g_strdup_printf (_("%s does not respond: %s"), vdi_provider_get_name (place->provider),
                            words);
  place_unusable (place, reason);
}

static void step (GTask *task);

static void
finish_run (GTask *task)
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

/* The current host is done with, well or not: on to the next. Takes @task. */
static void
next_host (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  g_clear_object (&op->current);
  op->current_place = NULL;
  op->made_vm = FALSE;
  op->cleaning = FALSE;
  g_clear_pointer (&op->export_dir, g_free);
  step (task);
}

static void
current_ready (GTask      *task,
               const char *vm_id)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;

  vdi_host_set_vm_id (host, vm_id);
  vdi_host_set_last_error (host, NULL);
  vdi_host_set_needs_recreate (host, FALSE);
  vdi_host_set_state (host, VDI_HOST_STATE_READY);
  next_host (task);
}

/* One provider job: start it, follow it to its end ------------------------------------------- */

/* Called with what the job made (or NULL) or why it failed; takes the task. */
typedef void (*StepDone) (GTask      *task,
                          const char *result,
                          GError     *error);

typedef struct
{
  GTask    *task;
  StepDone  done;
} Pending;

static void
job_ran_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;
  GTask *task = pending->task;
  StepDone done = pending->done;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = vdi_provider_job_run_finish (VDI_BACKEND (object), result, NULL,
                                                       &error);

  g_free (pending);
  done (task, made, error);
}

/* Takes @task and gives it to @done. */
static void
run_job (GTask      *task,
         VdiBackend *backend,
         const char *operation,
         GVariant   *parameters,
         StepDone    done)
{
  Pending *pending = g_new0 (Pending, 1);
  Op *op = g_task_get_task_data (task);

  pending->task = task;
  pending->done = done;
  vdi_provider_job_run_async (backend, operation, parameters, NULL, NULL, NULL,
                              op->cleaning ? NULL : g_task_get_cancellable (task), job_ran_cb,
                              pending);
}

/* A new host whose making was cancelled, and that has no VM, was never there. */
static void
cancelled_host_done (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->kind == OP_CREATE && vdi_host_get_vm_id (op->current) == NULL)
    vdi_template_remove_host (op->template, op->current);
  vdi_farm_save_soon (op->self->farm);
  next_host (task);
}

static void
discarded (GTask      *task,
           const char *result,
           GError     *error)
{
  Op *op = g_task_get_task_data (task);

  /* Not gone: the host keeps naming it, and deleting the host removes it. */
  if (error == NULL || g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
    vdi_host_set_vm_id (op->current, NULL);
  cancelled_host_done (task);
}

static void
current_failed (GTask      *task,
                const char *what,
                GError     *error)
{
  Op *op = g_task_get_task_data (task);
  const char *vm = vdi_host_get_vm_id (op->current);

  host_failed (op, op->current, what, error);
  if (!vdi_backend_error_is_cancelled (error))
    {
      next_host (task);
      return;
    }

  /* Cancelled half-way: the planned or unnamed VM made so far goes, so that a cancel leaves
   * nothing half-made registered on the provider. */
  if (op->made_vm && vm != NULL && !op->cleaning)
    {
      op->cleaning = TRUE;
      run_job (task, op->current_place->backend, VDI_BACKEND_OP_DESTROY,
               g_variant_new ("(s)", vm), discarded);
      return;
    }
  cancelled_host_done (task);
}

/* Cloning (vCenter) -------------------------------------------------------------------------- */

static void
cloned (GTask      *task,
        const char *vm,
        GError     *error)
{
  g_autoptr(GError) local_error = NULL;

  if (error == NULL && vm == NULL)
    error = local_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                               _("The clone finished without a VM"));
  if (error != NULL)
    current_failed (task, _("Cloning failed"), error);
  else
    current_ready (task, vm);
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
start_clone (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;
  Candidate *candidate = next_candidate (op);

  if (candidate == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                                     _("No datastore has room for another host"));

      current_failed (task, _("Placing the host"), error);
      return;
    }

  vdi_host_set_datastore (host, vdi_datastore_info_get_name (candidate->info));
  vdi_farm_save_soon (op->self->farm);
  run_job (task, op->current_place->backend, VDI_BACKEND_OP_CLONE,
           g_variant_new ("(sssb)", vdi_template_get_source_vm_id (op->template),
                          vdi_host_get_name (host), vdi_datastore_info_get_id (candidate->info),
                          vdi_template_get_clone_method (op->template) ==
                            VDI_CLONE_METHOD_LINKED),
           cloned);
}

/* Making a Hyper-V host: export, import as a new VM, realize, name it -------------------------
 *
 * ImportSystemDefinition registers the VM where its files are: the export's folder becomes the
 * host's own. Two hosts imported from one export would share one virtual disk, so each host is
 * exported afresh, to a folder of its own, from the template's VM on the host's provider. */

static void
renamed (GTask      *task,
         const char *result,
         GError     *error)
{
  Op *op = g_task_get_task_data (task);

  if (error != NULL)
    current_failed (task, _("Naming the VM failed"), error);
  else
    current_ready (task, vdi_host_get_vm_id (op->current));
}

static void
realized (GTask      *task,
          const char *vm,
          GError     *error)
{
  Op *op = g_task_get_task_data (task);

  if (error != NULL)
    {
      current_failed (task, _("Registering the VM failed"), error);
      return;
    }

  /* The planned VM keeps its id when it becomes real. */
  if (vm != NULL)
    vdi_host_set_vm_id (op->current, vm);
  vdi_farm_save_soon (op->self->farm);
  run_job (task, op->current_place->backend, VDI_BACKEND_OP_RENAME,
           g_variant_new ("(ss)", vdi_host_get_vm_id (op->current),
                          vdi_host_get_name (op->current)),
           renamed);
}

static void
imported (GTask      *task,
          const char *planned,
          GError     *error)
{
  Op *op = g_task_get_task_data (task);

  if (error != NULL)
    {
      current_failed (task, _("Import failed"), error);
      return;
    }

  /* Recorded at once: a host that fails from here on names the VM, and deleting or recreating
   * it removes that VM rather than leaving it behind. */
  vdi_host_set_vm_id (op->current, planned);
  op->made_vm = TRUE;
  vdi_farm_save_soon (op->self->farm);
  run_job (task, op->current_place->backend, VDI_BACKEND_OP_REALIZE,
           g_variant_new ("(s)", planned), realized);
}

static void
exported (GTask      *task,
          const char *result,
          GError     *error)
{
  Op *op = g_task_get_task_data (task);
  Place *place = op->current_place;
  g_autofree char *definition = NULL;

  if (error != NULL)
    {
      current_failed (task, _("Export failed"), error);
      return;
    }

  definition = vdi_hyperv_definition_file (op->export_dir, place->copy_name, place->copy_id);
  run_job (task, place->backend, VDI_BACKEND_OP_IMPORT, g_variant_new ("(sb)", definition, TRUE),
           imported);
}

static void
start_hyperv_host (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S%f");

  /* Per attempt: Hyper-V refuses to export into a folder that holds an export already. */
  g_free (op->export_dir);
  op->export_dir = g_strdup_printf ("%s\\%s\\hosts\\%s-%sZ", op->self->export_root,
                                    vdi_template_get_id (op->template),
                                    vdi_host_get_name (op->current), stamp);
  run_job (task, op->current_place->backend, VDI_BACKEND_OP_EXPORT,
           g_variant_new ("(ss)", op->current_place->copy_id, op->export_dir), exported);
}

/* Makes the current host's VM on its provider. Takes @task. */
static void
start_make (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;

  vdi_host_set_state (host, VDI_HOST_STATE_CREATING);
  vdi_host_set_vm_id (host, NULL);
  vdi_host_set_last_error (host, NULL);

  if (op->hyperv)
    start_hyperv_host (task);
  else
    start_clone (task);
}

/* Destroying --------------------------------------------------------------------------------- */

/* The VM is gone (or was already): delete the host, or make it again. Takes @task. */
static void
destroyed (GTask      *task,
           const char *result,
           GError     *error)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;

  /* A VM already gone is what deleting wants. */
  if (error != NULL && !g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
    {
      current_failed (task, _("Deleting failed"), error);
      return;
    }

  vdi_host_set_vm_id (host, NULL);
  if (op->kind == OP_DELETE)
    {
      vdi_template_remove_host (op->template, host);
      next_host (task);
      return;
    }

  /* Recreating: the same name again, on the same provider. */
  start_make (task);
}

static void
powered_off (GTask      *task,
             const char *result,
             GError     *error)
{
  Op *op = g_task_get_task_data (task);

  if (error != NULL && !g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND))
    {
      current_failed (task, _("Turning the VM off failed"), error);
      return;
    }

  run_job (task, op->current_place->backend, VDI_BACKEND_OP_DESTROY,
           g_variant_new ("(s)", vdi_host_get_vm_id (op->current)), destroyed);
}

static void
start_destroy (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  VdiHost *host = op->current;
  const char *vm = vdi_host_get_vm_id (host);
  int listed = vm != NULL ? GPOINTER_TO_INT (g_hash_table_lookup (op->vms, vm)) : VM_ABSENT;

  /* Nothing on the provider (never made, or removed by someone): deleting is forgetting,
   * recreating is making. */
  if (listed == VM_ABSENT)
    {
      destroyed (task, NULL, NULL);
      return;
    }

  vdi_host_set_state (host, VDI_HOST_STATE_CREATING);
  /* Neither Hyper-V nor vCenter destroys a running VM: a desktop in use is turned off first. */
  if (listed == VM_RUNNING)
    run_job (task, op->current_place->backend, VDI_BACKEND_OP_POWER,
             g_variant_new ("(sb)", vm, FALSE), powered_off);
  else
    run_job (task, op->current_place->backend, VDI_BACKEND_OP_DESTROY,
             g_variant_new ("(s)", vm), destroyed);
}

/* Driving ------------------------------------------------------------------------------------ */

static void
step (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      /* New hosts not started yet were never there; hosts not recreated yet stay as they are. */
      for (guint i = 0; op->kind == OP_CREATE && i < op->queue->len; i++)
        vdi_template_remove_host (op->template, g_ptr_array_index (op->queue, i));
      vdi_farm_save_soon (op->self->farm);
      g_object_unref (task);
      return;
    }

  if (op->queue->len == 0)
    {
      finish_run (task);
      g_object_unref (task);
      return;
    }

  op->current = g_ptr_array_steal_index (op->queue, 0);
  op->current_place = find_place (op, host_provider (op, op->current));
  g_assert (op->current_place != NULL && op->current_place->backend != NULL);
  if (op->kind == OP_CREATE)
    start_make (task);
  else
    start_destroy (task);
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

/* New hosts take the next names of the format that no host has and no VM on the providers has
 * either (a stray VM of that name would make a clone fail, or two desktops share a name), each
 * on the provider with the fewest of the template's hosts, the source first among equals. */
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
      g_autofree char *folded = NULL;
      Place *place = NULL;
      VdiHost *host;

      if (name == NULL)
        return FALSE;
      folded = g_utf8_casefold (name, -1);
      if (g_hash_table_contains (taken, name) ||
          (op->vm_names != NULL && g_hash_table_contains (op->vm_names, folded)))
        continue;

      for (guint i = 0; i < op->places->len; i++)
        {
          Place *candidate = g_ptr_array_index (op->places, i);

          if (candidate->reason == NULL && (place == NULL || candidate->n_hosts < place->n_hosts))
            place = candidate;
        }
      g_assert (place != NULL);

      host = vdi_host_new (name, place->provider);
      place->n_hosts++;
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

  if (datastores == NULL)
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }

  plan_datastores (op, op->source_vm, datastores);
  if (op->candidates->len == 0)
    {
      return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                       _("No datastore of “%s” can take hosts: %s"),
                                       vdi_template_get_name (op->template),
                                       op->notices->len > 0 ?
                                         (char *)g_ptr_array_index (op->notices, 0) :
                                         _("none is chosen")));
      return;
    }

  if (op->kind == OP_CREATE && !queue_new_hosts (op, &error))
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }

  step (task);
}

/* Every provider has said what it can: hosts on the ones that cannot wait, and work starts on
 * the others. Takes @task. */
static void
settle (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GListModel *hosts = vdi_template_get_hosts (op->template);
  const char *first_reason = NULL;
  guint n_usable = 0;

  for (guint i = 0; i < op->places->len; i++)
    {
      Place *place = g_ptr_array_index (op->places, i);

      if (place->reason == NULL)
        {
          n_usable++;
          continue;
        }
      if (first_reason == NULL)
        first_reason = place->reason;

      switch (op->kind)
        {
        case OP_DELETE:
          return_error (task, g_error_new_literal (VDI_BACKEND_ERROR,
                                                   VDI_BACKEND_ERROR_UNREACHABLE, place->reason));
          return;

        case OP_CREATE:
          g_ptr_array_add (op->notices,
                           g_strdup_printf (_("%s; no hosts are placed on it"), place->reason));
          break;

        case OP_RECREATE:
        default:
          g_ptr_array_add (op->notices,
                           g_strdup_printf (_("%s. Check the provider's status; its hosts can be "
                                              "recreated later."), place->reason));
          /* They stay listed as they are, old VM and all, marked for later. */
          for (guint k = op->queue->len; k > 0; k--)
            {
              VdiHost *host = g_ptr_array_index (op->queue, k - 1);
              g_autofree char *why = NULL;

              if (find_place (op, host_provider (op, host)) != place)
                continue;
              why = g_strdup_printf (_("Not recreated: %s"), place->reason);
              vdi_host_set_needs_recreate (host, TRUE);
              vdi_host_set_last_error (host, why);
              g_ptr_array_remove_index (op->queue, k - 1);
              op->n_set_aside++;
            }
          break;
        }
    }

  if (op->kind == OP_RECREATE && op->n_set_aside > 0)
    vdi_farm_save_soon (op->self->farm);

  if (n_usable == 0 && op->kind == OP_CREATE)
    {
      return_error (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE,
                                       _("No provider of “%s” can take hosts: %s"),
                                       vdi_template_get_name (op->template),
                                       first_reason != NULL ? first_reason : _("none holds a "
                                                                               "ready copy")));
      return;
    }
  if (op->kind == OP_RECREATE && op->queue->len == 0 && op->n_set_aside > 0)
    {
      return_error (task, g_error_new (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE,
                                       _("No host of “%s” was recreated: %s"),
                                       vdi_template_get_name (op->template), first_reason));
      return;
    }

  if (op->kind == OP_CREATE)
    for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
      {
        g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);
        Place *place = find_place (op, host_provider (op, host));

        if (place != NULL)
          place->n_hosts++;
      }

  /* vCenter clones go round-robin over datastores: those come first. */
  if (!op->hyperv && op->kind != OP_DELETE && (op->kind == OP_CREATE || op->queue->len > 0))
    {
      Place *source = g_ptr_array_index (op->places, 0);

      vdi_backend_list_datastores_async (source->backend, g_task_get_cancellable (task),
                                         datastores_cb, task);
      return;
    }

  if (op->kind == OP_CREATE)
    {
      g_autoptr(GError) error = NULL;

      if (!queue_new_hosts (op, &error))
        {
          return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  step (task);
}

/* Preparing: backends, probes, listings, each on every provider at once -------------------- */

typedef struct
{
  GTask *task;
  Place *place;
} PlaceCall;

static PlaceCall *
place_call_new (GTask *task,
                Place *place)
{
  PlaceCall *call = g_new0 (PlaceCall, 1);
  Op *op = g_task_get_task_data (task);

  call->task = task;
  call->place = place;
  op->n_pending++;
  return call;
}

/* One call of a round is back; the last one moves the run on. */
static void
place_call_done (PlaceCall *call,
                 void     (*then) (GTask *task))
{
  GTask *task = call->task;
  Op *op = g_task_get_task_data (task);

  g_free (call);
  if (--op->n_pending > 0)
    return;
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (op->fatal != NULL)
    {
      return_error (task, g_steal_pointer (&op->fatal));
      return;
    }
  then (task);
}

static void
vms_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  PlaceCall *call = user_data;
  Op *op = g_task_get_task_data (call->task);
  Place *place = call->place;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  VdiVmInfo *copy = NULL;

  if (vms == NULL)
    {
      place_silent (place, error);
      place_call_done (call, settle);
      return;
    }

  for (guint i = 0; i < vms->len; i++)
    {
      VdiVmInfo *vm = g_ptr_array_index (vms, i);

      g_hash_table_add (op->vm_names, g_utf8_casefold (vdi_vm_info_get_name (vm), -1));
      g_hash_table_insert (op->vms, g_strdup (vdi_vm_info_get_id (vm)),
                           GINT_TO_POINTER (vdi_vm_info_get_powered_on (vm) ? VM_RUNNING : VM_OFF));
      if (g_strcmp0 (vdi_vm_info_get_id (vm), place->copy_id) == 0)
        copy = vm;
    }

  if (copy == NULL && op->kind != OP_DELETE)
    {
      g_autofree char *reason = g_strdup_printf (_("The template “%s” (%s) is no longer on %s"),
                                                 vdi_template_get_name (op->template),
                                                 vdi_template_get_source_vm_name (op->template),
                                                 vdi_provider_get_name (place->provider));

      /* Without its template a vCenter has nothing to clone from: that ends the run. */
      if (!op->hyperv && op->fatal == NULL)
        op->fatal = g_error_new_literal (VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND, reason);
      place_unusable (place, reason);
    }
  else if (copy != NULL)
    {
      g_free (place->copy_name);
      place->copy_name = g_strdup (vdi_vm_info_get_name (copy));
      if (!op->hyperv)
        g_set_object (&op->source_vm, copy);
    }

  place_call_done (call, settle);
}

typedef void (*PlaceStart) (GTask     *task,
                            PlaceCall *call);

/* Starts one call on every provider still in the run, all at once; the last one back moves the
 * run on. Every call is counted before the first goes out, so one that fails at once cannot end
 * the round early. */
static void
round_start (GTask      *task,
             PlaceStart  start_call)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) calls = g_ptr_array_new ();

  for (guint i = 0; i < op->places->len; i++)
    {
      Place *place = g_ptr_array_index (op->places, i);

      if (place->reason == NULL)
        g_ptr_array_add (calls, place_call_new (task, place));
    }
  if (calls->len == 0)
    {
      settle (task);
      return;
    }
  for (guint i = 0; i < calls->len; i++)
    start_call (task, g_ptr_array_index (calls, i));
}

static void
start_listing (GTask     *task,
               PlaceCall *call)
{
  vdi_backend_list_vms_async (call->place->backend, g_task_get_cancellable (task), vms_cb, call);
}

static void
list_all (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  op->vm_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->vms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  round_start (task, start_listing);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PlaceCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *product = vdi_backend_probe_finish (VDI_BACKEND (object), result, &error);

  /* Not answering says more than holding no ready copy: the copy failed for that reason. */
  if (product == NULL)
    place_silent (call->place, error);
  else if (call->place->no_copy != NULL)
    place_unusable (call->place, call->place->no_copy);
  place_call_done (call, list_all);
}

static void
start_probe (GTask     *task,
             PlaceCall *call)
{
  vdi_backend_probe_async (call->place->backend, g_task_get_cancellable (task), probe_cb, call);
}

static void
backends_opened (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  /* Recreating asks every provider first, so that one that does not answer is named before any
   * host is touched, and only its hosts wait. */
  if (op->kind == OP_RECREATE)
    round_start (task, start_probe);
  else
    list_all (task);
}

static void
backend_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PlaceCall *call = user_data;
  Place *place = call->place;
  g_autoptr(GError) error = NULL;

  place->backend = vdi_backend_open_finish (result, &error);
  if (place->backend == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s: %s", vdi_provider_get_name (place->provider),
                                                 error->message);

      place_unusable (place, reason);
    }
  place_call_done (call, backends_opened);
}

static void
start_open (GTask     *task,
            PlaceCall *call)
{
  Op *op = g_task_get_task_data (task);

  vdi_backend_open_async (call->place->provider, op->self->credentials,
                          g_task_get_cancellable (task), backend_opened_cb, call);
}

/* Where the template has a VM to make Hyper-V hosts from on @provider: the source VM on the
 * source, a ready copy elsewhere. Sets why not when there is none. */
static void
add_hyperv_place (Op          *op,
                  VdiProvider *provider)
{
  VdiTarget *target;
  Place *place;

  if (find_place (op, provider) != NULL)
    return;

  if (provider == vdi_template_get_source_provider (op->template))
    {
      add_place (op, provider, vdi_template_get_source_vm_id (op->template));
      return;
    }

  target = vdi_template_find_target (op->template, provider);
  if (target != NULL && vdi_target_get_state (target) == VDI_TARGET_STATE_READY &&
      !vdi_target_is_busy (target) && vdi_target_get_remote_vm_id (target) != NULL)
    {
      add_place (op, provider, vdi_target_get_remote_vm_id (target));
      return;
    }

  place = add_place (op, provider, NULL);
  {
    g_autofree char *reason = g_strdup_printf (_("%s holds no ready copy of “%s”"),
                                               vdi_provider_get_name (provider),
                                               vdi_template_get_name (op->template));

    /* Recreating probes every provider first, this one too, so that one that does not answer
     * is named as such. */
    if (op->kind == OP_RECREATE)
      place->no_copy = g_steal_pointer (&reason);
    else
      place_unusable (place, reason);
  }
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
  VdiProvider *source = vdi_template_get_source_provider (template);

  g_task_set_source_tag (task, start);
  op->self = g_object_ref (self);
  op->template = g_object_ref (template);
  op->kind = kind;
  op->n_new = n_new;
  op->hyperv = vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_HYPERV;
  op->queue = g_ptr_array_new_with_free_func (g_object_unref);
  op->places = g_ptr_array_new_with_free_func ((GDestroyNotify)place_free);
  op->candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (op->candidates, (GDestroyNotify)candidate_clear);
  op->notices = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);

  if (!op->hyperv && vdi_provider_get_provider_type (source) != VDI_PROVIDER_TYPE_VCENTER)
    {
      return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                       _("Hosts of templates on %s cannot be made"),
                                       vdi_provider_get_name (source)));
      return;
    }
  if (vdi_template_get_source_vm_id (template) == NULL)
    {
      return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                       _("“%s” does not know its source VM's id"),
                                       vdi_template_get_name (template)));
      return;
    }

  /* In maintenance the template is a VM the admin is changing: hosts made from it now would be
   * neither the old template nor the new one. Deleting stays possible. */
  if (kind != OP_DELETE && vdi_template_get_status (template) != VDI_TEMPLATE_STATUS_OK &&
      vdi_template_get_status (template) != VDI_TEMPLATE_STATUS_FAILED)
    {
      return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_BUSY,
                                       _("“%s” is in maintenance: leave maintenance to make its "
                                         "hosts"), vdi_template_get_name (template)));
      return;
    }

  if (kind == OP_CREATE)
    {
      guint n_hosts = g_list_model_get_n_items (vdi_template_get_hosts (template));
      guint max_hosts = vdi_template_get_max_hosts (template);

      if (n_hosts + n_new > max_hosts)
        {
          return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                           ngettext ("“%s” allows at most %u host; it has %u",
                                                     "“%s” allows at most %u hosts; it has %u",
                                                     max_hosts),
                                           vdi_template_get_name (template), max_hosts,
                                           n_hosts));
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

  /* The providers the run works on: vCenter hosts are clones of the template on its own
   * vCenter; Hyper-V hosts are made on the providers that hold the template's VM. */
  if (!op->hyperv)
    add_place (op, source, vdi_template_get_source_vm_id (template));
  else if (kind == OP_CREATE)
    {
      GListModel *targets = vdi_template_get_targets (template);

      add_hyperv_place (op, source);
      for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

          add_hyperv_place (op, vdi_target_get_provider (target));
        }
    }
  for (guint i = 0; i < op->queue->len; i++)
    {
      VdiProvider *provider = host_provider (op, g_ptr_array_index (op->queue, i));

      if (kind == OP_DELETE || !op->hyperv)
        add_place (op, provider, NULL);
      else
        add_hyperv_place (op, provider);
    }

  round_start (task, start_open);
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
 * Deletes and makes again every host of @template, one at a time, under its own name and on
 * its own provider (after leaving maintenance, when the template has changed). Every provider
 * is probed first; the hosts of one that does not answer stay as they are, marked
 * #VdiHost:needs-recreate, and a notice names it.
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
 *   well, such as datastores skipped or providers that did not answer
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
