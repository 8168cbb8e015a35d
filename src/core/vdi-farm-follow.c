/* vdi-farm-follow.c: a farm that follows the store another process writes.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A console that does not hold the farm's lock shows the farm read-only; following keeps what it
 * shows current. A load remembers each row's version; a poll in a worker thread asks the store
 * what changed since, and reads the documents of the rows new or changed. SQLite is polled
 * every VDI_FARM_FOLLOW_WAIT_MS, and reads nothing unless PRAGMA data_version moved;
 * PostgreSQL's poll waits that long on its LISTEN connection for a save's NOTIFY, and the next
 * one starts at once. In the same worker they go through the checks of a load; back on the
 * main thread, a slice at a time between frames, into the objects the farm already has, changed
 * in place: the lists, selections and open dialogs stay on the same objects and see their
 * properties change, as they do when this process does the work. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vdi-farm-private.h"
#include "vdi-target-private.h"

/* Versions and diffs ------------------------------------------------------------------------- */

GHashTable *
_vdi_farm_versions_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
_vdi_farm_versions_set (GHashTable *versions,
                        const char *id,
                        gint64      version)
{
  gint64 *value = g_new (gint64, 1);

  *value = version;
  g_hash_table_replace (versions, g_strdup (id), value);
}

void
_vdi_farm_diff_init (VdiFarmDiff *diff,
                     GHashTable  *seen)
{
  diff->seen = seen;
  diff->next = _vdi_farm_versions_new ();
  diff->changed = g_ptr_array_new_with_free_func (g_free);
}

void
_vdi_farm_diff_row (VdiFarmDiff *diff,
                    const char  *id,
                    gint64       version)
{
  const gint64 *before = g_hash_table_lookup (diff->seen, id);

  if (before == NULL || *before != version)
    g_ptr_array_add (diff->changed, g_strdup (id));
  _vdi_farm_versions_set (diff->next, id, version);
}

void
_vdi_farm_diff_finish (VdiFarmDiff  *diff,
                       GHashTable  **seen,
                       GPtrArray    *removed)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, diff->seen);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (diff->next, id))
      g_ptr_array_add (removed, g_strdup (id));

  g_hash_table_unref (*seen);
  *seen = g_steal_pointer (&diff->next);
  _vdi_farm_diff_clear (diff);
}

void
_vdi_farm_diff_clear (VdiFarmDiff *diff)
{
  g_clear_pointer (&diff->next, g_hash_table_unref);
  g_clear_pointer (&diff->changed, g_ptr_array_unref);
  diff->seen = NULL;
}

void
_vdi_farm_follow_free (VdiFarmFollow         *follow,
                       const VdiFarmRowStore *store)
{
  if (follow == NULL)
    return;
  if (follow->conn != NULL)
    store->close (follow->conn);
  g_clear_pointer (&follow->providers, g_hash_table_unref);
  g_clear_pointer (&follow->templates, g_hash_table_unref);
  g_free (follow);
}

VdiFarmChanges *
_vdi_farm_changes_new (void)
{
  VdiFarmChanges *changes = g_new0 (VdiFarmChanges, 1);

  changes->providers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  changes->provider_ids = g_ptr_array_new_with_free_func (g_free);
  changes->templates = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  changes->template_ids = g_ptr_array_new_with_free_func (g_free);
  changes->removed_providers = g_ptr_array_new_with_free_func (g_free);
  changes->removed_templates = g_ptr_array_new_with_free_func (g_free);
  return changes;
}

/* Ends a store's poll that read its rows: their versions become what @follow has taken in, and
 * what changed is handed out, or freed when nothing did. */
void
_vdi_farm_follow_commit (VdiFarmFollow   *follow,
                         GHashTable      *providers,
                         GHashTable      *templates,
                         VdiFarmChanges  *found,
                         VdiFarmChanges **changes)
{
  g_hash_table_unref (follow->providers);
  follow->providers = providers;
  g_hash_table_unref (follow->templates);
  follow->templates = templates;
  follow->compare_all = FALSE;

  if (found->providers->len + found->templates->len + found->removed_providers->len +
      found->removed_templates->len == 0)
    _vdi_farm_changes_free (found);
  else
    *changes = found;
}

void
_vdi_farm_changes_free (VdiFarmChanges *changes)
{
  if (changes == NULL)
    return;
  g_clear_pointer (&changes->providers, g_ptr_array_unref);
  g_clear_pointer (&changes->provider_ids, g_ptr_array_unref);
  g_clear_pointer (&changes->templates, g_ptr_array_unref);
  g_clear_pointer (&changes->template_ids, g_ptr_array_unref);
  g_clear_pointer (&changes->removed_providers, g_ptr_array_unref);
  g_clear_pointer (&changes->removed_templates, g_ptr_array_unref);
  g_free (changes);
}

/* Taking changes in -------------------------------------------------------------------------- */

static void
copy_provider (VdiProvider *to,
               VdiProvider *from)
{
  g_object_freeze_notify (G_OBJECT (to));
  vdi_provider_set_name (to, vdi_provider_get_name (from));
  vdi_provider_set_subtype (to, vdi_provider_get_subtype (from));
  vdi_provider_set_host (to, vdi_provider_get_host (from));
  vdi_provider_set_port (to, vdi_provider_get_port (from));
  vdi_provider_set_username (to, vdi_provider_get_username (from));
  vdi_provider_set_auth (to, vdi_provider_get_auth (from));
  vdi_provider_set_allow_http (to, vdi_provider_get_allow_http (from));
  vdi_provider_set_tls_fingerprint (to, vdi_provider_get_tls_fingerprint (from));
  g_object_thaw_notify (G_OBJECT (to));
}

/* The store keeps how far a copy is, not how fast it goes: the rate is the bytes copied
 * between two of the other process's saves over the time between them, by its clock. */
static void
copy_transfer (VdiTarget *to,
               VdiTarget *from)
{
  guint64 done = vdi_target_get_bytes_done (from);
  guint64 total = vdi_target_get_bytes_total (from);
  guint64 before = vdi_target_get_bytes_done (to);
  GDateTime *before_at = vdi_target_get_updated_at (to);
  GDateTime *now_at = vdi_target_get_updated_at (from);
  double rate = 0;
  gint64 seconds_left = -1;

  if (vdi_target_is_busy (from))
    {
      rate = vdi_target_get_rate (to);
      seconds_left = vdi_target_get_seconds_left (to);
      if (done > before && before > 0 && before_at != NULL && now_at != NULL)
        {
          double seconds = g_date_time_difference (now_at, before_at) / (double)G_TIME_SPAN_SECOND;

          if (seconds > 0)
            {
              rate = (done - before) / seconds;
              seconds_left = total > done ? (gint64)((total - done) / rate) : 0;
            }
        }
      else if (done < before)
        {
          rate = 0;
          seconds_left = -1;
        }
    }
  vdi_target_update_transfer (to, vdi_target_get_percent (from), done, total, rate,
                              seconds_left);
}

static void
copy_target (VdiTarget *to,
             VdiTarget *from)
{
  g_autoptr(GDateTime) updated_at = NULL;

  if (vdi_target_get_updated_at (from) != NULL)
    updated_at = g_date_time_ref (vdi_target_get_updated_at (from));

  g_object_freeze_notify (G_OBJECT (to));
  copy_transfer (to, from);
  vdi_target_set_state (to, vdi_target_get_state (from));
  vdi_target_set_progress (to, vdi_target_get_progress (from));
  vdi_target_set_step (to, vdi_target_get_step (from));
  vdi_target_set_remote_vm_id (to, vdi_target_get_remote_vm_id (from));
  vdi_target_set_export_dir (to, vdi_target_get_export_dir (from));
  vdi_target_set_fed_from (to, vdi_target_get_fed_from (from));
  vdi_target_set_outdated_vm_id (to, vdi_target_get_outdated_vm_id (from));
  vdi_target_set_job (to, vdi_target_get_job (from));
  vdi_target_set_last_error (to, vdi_target_get_last_error (from));
  vdi_target_set_started_at (to, vdi_target_get_started_at (from));
  vdi_target_copy_strays (to, from);
  if (updated_at != NULL)
    _vdi_target_restore_updated_at (to, updated_at);
  g_object_thaw_notify (G_OBJECT (to));
}

static void
copy_host (VdiHost *to,
           VdiHost *from)
{
  g_object_freeze_notify (G_OBJECT (to));
  vdi_host_set_provider (to, vdi_host_get_provider (from));
  vdi_host_set_datastore (to, vdi_host_get_datastore (from));
  vdi_host_set_vm_id (to, vdi_host_get_vm_id (from));
  vdi_host_set_last_error (to, vdi_host_get_last_error (from));
  vdi_host_set_needs_recreate (to, vdi_host_get_needs_recreate (from));
  vdi_host_set_state (to, vdi_host_get_state (from));
  g_object_thaw_notify (G_OBJECT (to));
}

static gboolean
same_host_names (GListModel *a,
                 GListModel *b)
{
  guint n = g_list_model_get_n_items (a);

  if (n != g_list_model_get_n_items (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiHost) x = g_list_model_get_item (a, i);
      g_autoptr(VdiHost) y = g_list_model_get_item (b, i);

      if (g_strcmp0 (vdi_host_get_name (x), vdi_host_get_name (y)) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
copy_hosts (VdiTemplate *to,
            VdiTemplate *from)
{
  GListModel *to_hosts = vdi_template_get_hosts (to);
  GListModel *from_hosts = vdi_template_get_hosts (from);

  if (same_host_names (to_hosts, from_hosts))
    {
      for (guint i = 0, n = g_list_model_get_n_items (to_hosts); i < n; i++)
        {
          g_autoptr(VdiHost) x = g_list_model_get_item (to_hosts, i);
          g_autoptr(VdiHost) y = g_list_model_get_item (from_hosts, i);

          copy_host (x, y);
        }
      return;
    }

  /* Hosts made or removed: the new list as it is. */
  while (g_list_model_get_n_items (to_hosts) > 0)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (to_hosts, 0);

      vdi_template_remove_host (to, host);
    }
  for (guint i = 0, n = g_list_model_get_n_items (from_hosts); i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (from_hosts, i);

      vdi_template_add_host (to, host);
    }
}

/* Changes @to into @from in place, or returns %FALSE when what differs cannot change on a
 * template (its source, or the multi-provider setting), for the caller to replace it. */
static gboolean
update_template (VdiTemplate *to,
                 VdiTemplate *from)
{
  GListModel *to_targets = vdi_template_get_targets (to);
  GListModel *from_targets = vdi_template_get_targets (from);
  g_autoptr(GError) error = NULL;

  if (vdi_template_get_source_provider (to) != vdi_template_get_source_provider (from) ||
      g_strcmp0 (vdi_template_get_source_vm_name (to),
                 vdi_template_get_source_vm_name (from)) != 0 ||
      vdi_template_get_multi_provider (to) != vdi_template_get_multi_provider (from))
    return FALSE;

  /* Targets added must be possible before anything changes. */
  for (guint i = 1, n = g_list_model_get_n_items (from_targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (from_targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (vdi_template_find_target (to, provider) == NULL &&
          !vdi_template_check_target (to, provider, NULL))
        return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (to));
  vdi_template_set_name (to, vdi_template_get_name (from));
  vdi_template_set_source_vm_id (to, vdi_template_get_source_vm_id (from));
  vdi_template_set_relay (to, vdi_template_get_relay (from));
  vdi_template_set_host_name_format (to, vdi_template_get_host_name_format (from));
  vdi_template_set_initial_hosts (to, vdi_template_get_initial_hosts (from));
  vdi_template_set_max_hosts (to, vdi_template_get_max_hosts (from));
  vdi_template_set_clone_method (to, vdi_template_get_clone_method (from));
  vdi_template_set_datastore_mode (to, vdi_template_get_datastore_mode (from));
  vdi_template_set_datastores (to, vdi_template_get_datastores (from));
  vdi_template_set_created_at (to, vdi_template_get_created_at (from));

  for (guint i = g_list_model_get_n_items (to_targets); i > 1; i--)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (to_targets, i - 1);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (vdi_template_find_target (from, provider) == NULL)
        vdi_template_remove_target (to, provider, NULL);
    }
  for (guint i = 0, n = g_list_model_get_n_items (from_targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (from_targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);
      VdiTarget *mine = vdi_template_find_target (to, provider);

      if (mine == NULL)
        mine = vdi_template_add_target (to, provider, NULL);
      copy_target (mine, target);
    }
  if (!vdi_template_set_concurrency (to, vdi_template_get_concurrency (from), &error))
    g_debug ("Following the farm: %s", error->message);

  copy_hosts (to, from);
  vdi_template_set_status (to, vdi_template_get_status (from));
  g_object_thaw_notify (G_OBJECT (to));
  return TRUE;
}

static GHashTable *
index_by_id (GListModel *list,
             gboolean    templates)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0, n = g_list_model_get_n_items (list); i < n; i++)
    {
      GObject *item = g_list_model_get_item (list, i);

      g_hash_table_insert (by_id,
                           (gpointer)(templates ? vdi_template_get_id (VDI_TEMPLATE (item))
                                                : vdi_provider_get_id (VDI_PROVIDER (item))),
                           item);
      g_object_unref (item);
    }
  return by_id;
}

static void
remove_item (GListStore *store,
             gpointer    item)
{
  guint position;

  if (g_list_store_find (store, item, &position))
    g_list_store_remove (store, position);
}

/* A row that fails the checks of a load is left as it was here, and read again at the next
 * poll (its version forgotten), so that it is taken in once it is put right; @error says what
 * is wrong with the first such row. */
static void
row_failed (GHashTable  *versions,
            gboolean     template,
            const char  *id,
            GError     **error,
            GError      *row_error)
{
  if (versions != NULL)
    g_hash_table_remove (versions, id);
  /* Named by its id: the place the parser gives counts the rows read in this poll. */
  if (error != NULL && *error == NULL)
    g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                 template ? _("The template “%s” another program stored cannot be read: %s")
                          : _("The provider “%s” another program stored cannot be read: %s"),
                 id, row_error->message);
  g_error_free (row_error);
}

/* What a poll's worker made of the changed rows, through the checks of a load: new objects,
 * the templates' providers the farm's own (or new ones, for providers new in this poll). */
typedef struct
{
  GPtrArray *providers;          /* VdiProvider */
  GPtrArray *templates;          /* VdiTemplate */
  GPtrArray *removed_providers;  /* char * */
  GPtrArray *removed_templates;  /* char * */
  guint      n_rows;             /* rows read, taken in or failed */
  guint      n_failed;
  GError    *error;              /* the first row that failed the checks */
} Parsed;

static void
parsed_free (Parsed *parsed)
{
  if (parsed == NULL)
    return;
  g_clear_pointer (&parsed->providers, g_ptr_array_unref);
  g_clear_pointer (&parsed->templates, g_ptr_array_unref);
  g_clear_pointer (&parsed->removed_providers, g_ptr_array_unref);
  g_clear_pointer (&parsed->removed_templates, g_ptr_array_unref);
  g_clear_error (&parsed->error);
  g_free (parsed);
}

/* In the poll's worker: @mine is a copy of the farm's providers list, made on the main thread
 * as the poll began (a farm that follows changes nothing of its own meanwhile). */
static Parsed *
parse_changes (const char     *location,
               VdiFarmFollow  *follow,
               VdiFarmChanges *changes,
               GListModel     *mine)
{
  g_autofree char *display = vdi_farm_dup_display_location (location);
  g_autoptr(VdiFarmRowParser) parser = _vdi_farm_row_parser_new (display);
  g_autoptr(VdiFarmContents) providers = NULL;
  g_autoptr(VdiFarmContents) templates = NULL;
  g_autoptr(GListStore) parsed_providers = g_list_store_new (VDI_TYPE_PROVIDER);
  Parsed *parsed = g_new0 (Parsed, 1);

  parsed->n_rows = changes->providers->len + changes->templates->len +
                   changes->removed_providers->len + changes->removed_templates->len;

  /* Providers first: changed templates may use new ones. */
  for (guint i = 0; i < changes->providers->len; i++)
    {
      gsize size;
      const char *doc = g_bytes_get_data (g_ptr_array_index (changes->providers, i), &size);
      GError *row_error = NULL;

      if (!_vdi_farm_row_parser_add_provider (parser, doc, size, &row_error))
        {
          row_failed (follow->providers, FALSE, g_ptr_array_index (changes->provider_ids, i),
                      &parsed->error, row_error);
          parsed->n_failed++;
        }
    }
  providers = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
  parsed->providers = g_steal_pointer (&providers->providers);

  /* The farm's own providers over the new ones: a changed provider is changed in place. */
  g_list_store_splice (parsed_providers, 0, 0, parsed->providers->pdata,
                       parsed->providers->len);
  parser = _vdi_farm_row_parser_new (display);
  _vdi_farm_row_parser_use_providers (parser, G_LIST_MODEL (parsed_providers));
  _vdi_farm_row_parser_use_providers (parser, mine);
  for (guint i = 0; i < changes->templates->len; i++)
    {
      gsize size;
      const char *doc = g_bytes_get_data (g_ptr_array_index (changes->templates, i), &size);
      GError *row_error = NULL;

      if (!_vdi_farm_row_parser_add_template (parser, doc, size, &row_error))
        {
          row_failed (follow->templates, TRUE, g_ptr_array_index (changes->template_ids, i),
                      &parsed->error, row_error);
          parsed->n_failed++;
        }
    }
  templates = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
  parsed->templates = g_steal_pointer (&templates->templates);
  parsed->removed_providers = g_ptr_array_ref (changes->removed_providers);
  parsed->removed_templates = g_ptr_array_ref (changes->removed_templates);
  return parsed;
}

/* Taking a poll in, on the main thread, a slice of templates at a time so that the window
 * goes on drawing while thousands change (an import, a mass edit). */
#define APPLY_SLICE_USEC 8000

typedef struct
{
  VdiFarm    *farm;
  Parsed     *parsed;
  guint       serial;
  GHashTable *by_id;  /* template id → the farm's template (a reference) */
  GPtrArray  *added;
  guint       next;
} Apply;

static void
object_unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
apply_free (Apply *apply)
{
  parsed_free (apply->parsed);
  g_hash_table_unref (apply->by_id);
  g_ptr_array_unref (apply->added);
  g_free (apply);
}

static void schedule_poll (VdiFarm *self);
static void set_follow_error (VdiFarm      *self,
                              const GError *error);

static void
apply_providers (VdiFarm *self,
                 Parsed  *parsed)
{
  g_autoptr(GHashTable) by_id = index_by_id (G_LIST_MODEL (self->providers), FALSE);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();

  for (guint i = 0; i < parsed->providers->len; i++)
    {
      VdiProvider *provider = g_ptr_array_index (parsed->providers, i);
      VdiProvider *mine = g_hash_table_lookup (by_id, vdi_provider_get_id (provider));

      if (mine != NULL)
        copy_provider (mine, provider);
      else
        g_ptr_array_add (added, provider);
    }
  vdi_farm_splice (self, added, NULL);
}

static gboolean
apply_cb (gpointer data)
{
  Apply *apply = data;
  VdiFarm *self = apply->farm;
  Parsed *parsed = apply->parsed;
  gint64 start = g_get_monotonic_time ();

  /* A load since has objects and versions of its own; or following stopped. */
  if (apply->serial != self->follow_serial || !self->following)
    {
      self->follow_apply = 0;
      schedule_poll (self);
      return G_SOURCE_REMOVE;
    }

  for (; apply->next < parsed->templates->len; apply->next++)
    {
      VdiTemplate *template = g_ptr_array_index (parsed->templates, apply->next);
      VdiTemplate *mine = g_hash_table_lookup (apply->by_id, vdi_template_get_id (template));
      guint position;

      if (g_get_monotonic_time () - start > APPLY_SLICE_USEC)
        return G_SOURCE_CONTINUE;
      if (mine == NULL)
        g_ptr_array_add (apply->added, g_object_ref (template));
      else if (!update_template (mine, template) &&
               g_list_store_find (self->templates, mine, &position))
        {
          vdi_template_lock (template);
          g_list_store_splice (self->templates, position, 1, (gpointer *)&template, 1);
        }
      /* Freed in the slice that took it in, not all at the end. */
      g_ptr_array_index (parsed->templates, apply->next) = NULL;
      g_object_unref (template);
    }
  vdi_farm_splice (self, NULL, apply->added);

  for (guint i = 0; i < parsed->removed_templates->len; i++)
    {
      VdiTemplate *mine = g_hash_table_lookup (apply->by_id,
                                               g_ptr_array_index (parsed->removed_templates, i));

      if (mine != NULL)
        remove_item (self->templates, mine);
    }
  for (guint i = 0; i < parsed->removed_providers->len; i++)
    {
      const char *id = g_ptr_array_index (parsed->removed_providers, i);
      VdiProvider *mine = vdi_farm_find_provider_by_id (self, id);

      if (mine != NULL)
        remove_item (self->providers, mine);
    }

  /* Nothing of this is this process's to save. */
  g_hash_table_remove_all (self->changed_templates);
  self->full_pass = TRUE;
  _vdi_farm_set_dirty (self, FALSE);

  if (parsed->error != NULL)
    g_debug ("Following %s: %s", self->path, parsed->error->message);
  set_follow_error (self, parsed->error);
  self->follow_apply = 0;
  if (parsed->n_rows > parsed->n_failed)
    _vdi_farm_emit_followed (self, parsed->n_rows - parsed->n_failed);
  schedule_poll (self);
  return G_SOURCE_REMOVE;
}

/* Providers at once (few, and templates may use new ones), then templates a slice at a time,
 * then what was removed; the next poll once all is in. */
static void
take_in (VdiFarm *self,
         Parsed  *parsed)
{
  Apply *apply = g_new0 (Apply, 1);

  apply_providers (self, parsed);

  apply->farm = self;
  apply->parsed = parsed;
  apply->serial = self->follow_serial;
  apply->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->templates)); i < n; i++)
    {
      VdiTemplate *template = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      g_hash_table_insert (apply->by_id, (gpointer)vdi_template_get_id (template), template);
    }
  apply->added = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_free_func (parsed->templates, object_unref0);
  /* After the frames (GDK draws at G_PRIORITY_HIGH_IDLE + 20). */
  self->follow_apply = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_cb, apply,
                                        (GDestroyNotify)apply_free);
}

/* Polling ------------------------------------------------------------------------------------ */

typedef struct
{
  const VdiFarmRowStore *store;
  char                  *location;
  VdiFarmFollow         *follow;
  GListStore            *providers;  /* the farm's, as the poll began */
  VdiFarmChanges        *changes;
  Parsed                *parsed;
  guint                  serial;
} Poll;

static void
poll_free (Poll *poll)
{
  _vdi_farm_follow_free (poll->follow, poll->store);
  g_clear_object (&poll->providers);
  _vdi_farm_changes_free (poll->changes);
  parsed_free (poll->parsed);
  g_free (poll->location);
  g_free (poll);
}

static void
clear_follow (VdiFarm *self)
{
  _vdi_farm_follow_free (g_steal_pointer (&self->follow), _vdi_farm_row_store_for (self->path));
}

static void
set_follow_error (VdiFarm      *self,
                  const GError *error)
{
  if (error == NULL && self->follow_error == NULL)
    return;
  if (error != NULL && self->follow_error != NULL &&
      g_error_matches (error, self->follow_error->domain, self->follow_error->code) &&
      g_strcmp0 (error->message, self->follow_error->message) == 0)
    return;

  g_clear_error (&self->follow_error);
  if (error != NULL)
    self->follow_error = g_error_copy (error);
  _vdi_farm_notify_follow_error (self);
}

static void
poll_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Poll *poll = task_data;
  GError *error = NULL;

  if (!poll->store->changes (poll->location, poll->follow, &poll->changes, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The rows through the checks of a load here, not on the main thread. */
  if (poll->changes != NULL)
    poll->parsed = parse_changes (poll->location, poll->follow, poll->changes,
                                  G_LIST_MODEL (poll->providers));
  g_task_return_boolean (task, TRUE);
}

static void
poll_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VdiFarm *self = VDI_FARM (object);
  Poll *poll = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->polling = FALSE;
  /* A load since has versions of its own; or following stopped. */
  if (poll->serial != self->follow_serial || !self->following)
    {
      schedule_poll (self);
      return;
    }
  self->follow = g_steal_pointer (&poll->follow);

  if (!ok)
    {
      g_debug ("Following %s: %s", self->path, error->message);
      set_follow_error (self, error);
    }
  else if (poll->parsed == NULL)
    {
      /* Nothing new: a row that failed before and was not read again is still wrong. */
      if (self->follow_error == NULL ||
          !g_error_matches (self->follow_error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT))
        set_follow_error (self, NULL);
    }
  else
    {
      /* The next poll once this one is in. */
      take_in (self, g_steal_pointer (&poll->parsed));
      return;
    }

  schedule_poll (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  VdiFarm *self = user_data;
  g_autoptr(GTask) task = NULL;
  Poll *poll;

  self->follow_source = 0;
  if (self->follow == NULL || self->polling)
    return G_SOURCE_REMOVE;

  poll = g_new0 (Poll, 1);
  poll->store = _vdi_farm_row_store_for (self->path);
  poll->location = g_strdup (self->path);
  poll->follow = g_steal_pointer (&self->follow);
  poll->providers = g_list_store_new (VDI_TYPE_PROVIDER);
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->providers)); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      g_list_store_append (poll->providers, provider);
    }
  poll->serial = self->follow_serial;

  self->polling = TRUE;
  task = g_task_new (self, self->follow_cancellable, poll_done, NULL);
  g_task_set_source_tag (task, poll_cb);
  g_task_set_task_data (task, poll, (GDestroyNotify)poll_free);
  g_task_run_in_thread (task, poll_worker);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (VdiFarm *self)
{
  const VdiFarmRowStore *store;

  if (!self->following || self->follow == NULL || self->polling || self->follow_source != 0 ||
      self->follow_apply != 0)
    return;
  store = _vdi_farm_row_store_for (self->path);
  /* A store that waits for news itself is asked again at once, unless it just failed. */
  self->follow_source = g_timeout_add (store->waits && self->follow_error == NULL
                                         ? 0 : VDI_FARM_FOLLOW_WAIT_MS,
                                       poll_cb, self);
}

void
_vdi_farm_follow_loaded (VdiFarm         *self,
                         VdiFarmContents *contents)
{
  const VdiFarmRowStore *store = _vdi_farm_row_store_for (self->path);

  self->follow_serial++;
  clear_follow (self);
  if (!self->following || store == NULL || contents->provider_versions == NULL)
    return;

  self->follow = g_new0 (VdiFarmFollow, 1);
  self->follow->providers = g_steal_pointer (&contents->provider_versions);
  self->follow->templates = g_steal_pointer (&contents->template_versions);
  /* What changed between the load and the first poll is found by comparing every row. */
  self->follow->compare_all = TRUE;
  schedule_poll (self);
}

void
_vdi_farm_follow_stop (VdiFarm *self)
{
  g_clear_handle_id (&self->follow_source, g_source_remove);
  g_clear_handle_id (&self->follow_apply, g_source_remove);
  if (self->follow_cancellable != NULL)
    {
      g_cancellable_cancel (self->follow_cancellable);
      g_clear_object (&self->follow_cancellable);
    }
  self->polling = FALSE;
  self->follow_serial++;
  clear_follow (self);
  set_follow_error (self, NULL);
}

/**
 * vdi_farm_set_following:
 *
 * Set before a load: the load then keeps the versions it read and follows from there.
 */
void
vdi_farm_set_following (VdiFarm  *self,
                        gboolean  following)
{
  g_return_if_fail (VDI_IS_FARM (self));

  following = !!following;
  if (self->following == following)
    return;

  self->following = following;
  if (following)
    self->follow_cancellable = g_cancellable_new ();
  else
    _vdi_farm_follow_stop (self);
  _vdi_farm_notify_following (self);
}

gboolean
vdi_farm_get_following (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  return self->following;
}

const GError *
vdi_farm_get_follow_error (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return self->follow_error;
}

gboolean
vdi_farm_can_follow (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  return _vdi_farm_row_store_for (self->path) != NULL;
}

/* Refused changes ------------------------------------------------------------------------------ */

/* The providers of @rows this farm does not have, as stored. */
static void
take_in_providers (VdiFarm   *self,
                   GPtrArray *rows)
{
  g_autofree char *display = vdi_farm_dup_display_location (self->path);
  g_autoptr(VdiFarmRowParser) parser = _vdi_farm_row_parser_new (display);
  g_autoptr(VdiFarmContents) contents = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      VdiFarmRow *row = g_ptr_array_index (rows, i);
      g_autoptr(GError) error = NULL;
      gsize size;
      const char *doc = g_bytes_get_data (row->doc, &size);

      if (vdi_farm_find_provider_by_id (self, row->id) != NULL)
        continue;
      if (!_vdi_farm_row_parser_add_provider (parser, doc, size, &error))
        {
          g_message ("%s: %s", display, error->message);
          continue;
        }
      _vdi_farm_versions_set (self->provider_versions, row->id, row->version);
    }
  contents = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));
  vdi_farm_splice (self, contents->providers, NULL);
  for (guint i = 0; i < contents->providers->len; i++)
    {
      VdiProvider *provider = g_ptr_array_index (contents->providers, i);

      g_hash_table_replace (self->written_providers, g_strdup (vdi_provider_get_id (provider)),
                            _vdi_farm_provider_bytes (provider));
    }
}

/* The farm's object becomes the stored row, which is then what this process last read of it:
 * a save after this writes the row only if it changes again. Returns %FALSE when the stored
 * row cannot be read, and this process's version of it is to be written over it instead. */
gboolean
_vdi_farm_take_in_conflict (VdiFarm               *self,
                            const VdiFarmConflict *conflict)
{
  g_autofree char *display = vdi_farm_dup_display_location (self->path);
  g_autoptr(VdiFarmRowParser) parser = NULL;
  g_autoptr(VdiFarmContents) contents = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *written = conflict->template ? self->written : self->written_providers;
  GHashTable *versions = conflict->template ? self->versions : self->provider_versions;
  VdiTemplate *template = conflict->template ? vdi_farm_find_template_by_id (self, conflict->id) : NULL;
  VdiProvider *provider = conflict->template ? NULL
                                             : vdi_farm_find_provider_by_id (self, conflict->id);
  const char *doc;
  gsize size;
  gboolean ok;

  if (conflict->doc == NULL)
    {
      /* Deleted there: gone here too, with nothing of it left to write or delete. */
      if (template != NULL)
        {
          g_hash_table_remove (self->changed_templates, template);
          remove_item (self->templates, template);
        }
      if (provider != NULL)
        remove_item (self->providers, provider);
      g_hash_table_remove (written, conflict->id);
      g_hash_table_remove (versions, conflict->id);
      return TRUE;
    }

  /* Providers another process added along with its change come in first. */
  if (conflict->template)
    take_in_providers (self, conflict->providers);

  parser = _vdi_farm_row_parser_new (display);
  doc = g_bytes_get_data (conflict->doc, &size);
  if (conflict->template)
    {
      _vdi_farm_row_parser_use_providers (parser, G_LIST_MODEL (self->providers));
      ok = _vdi_farm_row_parser_add_template (parser, doc, size, &error);
    }
  else
    ok = _vdi_farm_row_parser_add_provider (parser, doc, size, &error);
  if (!ok)
    {
      /* Nothing here can show a row that cannot be read: the next save puts this one back,
       * whole, as when following. */
      g_message ("%s: %s", display, error->message);
      _vdi_farm_versions_set (versions, conflict->id, conflict->version);
      return FALSE;
    }
  contents = _vdi_farm_row_parser_finish (g_steal_pointer (&parser));

  if (conflict->template)
    {
      VdiTemplate *theirs = g_ptr_array_index (contents->templates, 0);
      guint position;

      if (template == NULL)
        {
          /* Deleted here, changed there: back, as it is there. */
          vdi_farm_splice (self, NULL, contents->templates);
          template = theirs;
        }
      else if (!update_template (template, theirs) &&
               g_list_store_find (self->templates, template, &position))
        {
          g_hash_table_remove (self->changed_templates, template);
          g_list_store_splice (self->templates, position, 1, (gpointer *)&theirs, 1);
          template = theirs;
        }
      g_hash_table_replace (written, g_strdup (conflict->id), _vdi_farm_template_bytes (template));
    }
  else
    {
      VdiProvider *theirs = g_ptr_array_index (contents->providers, 0);

      if (provider == NULL)
        {
          vdi_farm_splice (self, contents->providers, NULL);
          provider = theirs;
        }
      else
        copy_provider (provider, theirs);
      g_hash_table_replace (written, g_strdup (conflict->id), _vdi_farm_provider_bytes (provider));
    }
  _vdi_farm_versions_set (versions, conflict->id, conflict->version);
  return TRUE;
}
