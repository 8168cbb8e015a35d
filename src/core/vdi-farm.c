/* vdi-farm.c
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

#include "vdi-farm-private.h"


G_DEFINE_FINAL_TYPE (VdiFarm, vdi_farm, G_TYPE_OBJECT)

G_DEFINE_QUARK (vdi-farm-error-quark, vdi_farm_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_PROVIDERS,
  PROP_TEMPLATES,
  PROP_PREVIEW,
  PROP_DIRTY,
  PROP_AUTOSAVE,
  PROP_FOLLOWING,
  PROP_FOLLOW_ERROR,
  PROP_SAVE_ERROR,
  N_PROPS
};

enum {
  SAVE_FAILED,
  FOLLOWED,
  CHANGE_REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Change tracking ---------------------------------------------------------------------------- */

void
_vdi_farm_set_dirty (VdiFarm  *self,
           gboolean  dirty)
{
  dirty = !!dirty;
  if (self->dirty != dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
}

gboolean
_vdi_farm_save_timeout_cb (gpointer user_data)
{
  VdiFarm *self = user_data;

  self->save_source = 0;
  _vdi_farm_start_save (self);
  return G_SOURCE_REMOVE;
}

void
_vdi_farm_emit_save_failed (VdiFarm      *self,
                            const GError *error)
{
  g_signal_emit (self, signals[SAVE_FAILED], 0, error);
}

void
_vdi_farm_emit_change_refused (VdiFarm      *self,
                               const GError *error)
{
  g_signal_emit (self, signals[CHANGE_REFUSED], 0, error);
}

/* Sets the templates read ahead of a load (see vdi_farm_get_preview()), or clears them. */
void
_vdi_farm_set_preview (VdiFarm   *self,
                       GPtrArray *templates)
{
  if (templates == NULL && self->preview == NULL)
    return;
  g_clear_object (&self->preview);
  if (templates != NULL)
    {
      self->preview = g_list_store_new (VDI_TYPE_TEMPLATE);
      g_list_store_splice (self->preview, 0, 0, templates->pdata, templates->len);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW]);
}

GListModel *
vdi_farm_get_preview (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return G_LIST_MODEL (self->preview);
}

void
_vdi_farm_notify_following (VdiFarm *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
}

void
_vdi_farm_notify_save_error (VdiFarm *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVE_ERROR]);
}

void
_vdi_farm_notify_follow_error (VdiFarm *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_ERROR]);
}

void
_vdi_farm_emit_followed (VdiFarm *self,
                         guint    n_changes)
{
  g_signal_emit (self, signals[FOLLOWED], 0, n_changes);
}

static void
changed (VdiFarm *self)
{
  _vdi_farm_set_dirty (self, TRUE);

  if (self->autosave && self->save_source == 0 && !self->saving)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, _vdi_farm_save_timeout_cb, self);
}

/* Each template keeps its serialized form until it changes, so a save only serializes what
 * changed since the last one; with 10,000 templates that is the difference between a frame and
 * half a second on the main thread. */
static GQuark
cached_json_quark (void)
{
  return g_quark_from_static_string ("vdi-farm-cached-json");
}

static GBytes *
cached_bytes (GObject *object)
{
  GBytes *bytes = g_object_get_qdata (object, cached_json_quark ());

  if (bytes == NULL)
    {
      bytes = VDI_IS_TEMPLATE (object) ? _vdi_farm_template_to_bytes (VDI_TEMPLATE (object))
                                       : _vdi_farm_provider_to_bytes (VDI_PROVIDER (object));
      g_object_set_qdata_full (object, cached_json_quark (), bytes,
                               (GDestroyNotify)g_bytes_unref);
    }
  return g_bytes_ref (bytes);
}

GBytes *
_vdi_farm_template_bytes (VdiTemplate *template)
{
  return cached_bytes (G_OBJECT (template));
}

/* The same for a provider's row in the SQLite store. */
GBytes *
_vdi_farm_provider_bytes (VdiProvider *provider)
{
  return cached_bytes (G_OBJECT (provider));
}

/* For the SQLite store, which writes the rows of the templates that changed. */
static void
note_template_changed (VdiFarm     *self,
                       VdiTemplate *template)
{
  if (self->track_rows)
    g_hash_table_add (self->changed_templates, g_object_ref (template));
}

static void
on_template_changed (VdiFarm     *self,
                     VdiTemplate *template)
{
  g_object_set_qdata (G_OBJECT (template), cached_json_quark (), NULL);
  note_template_changed (self, template);
  changed (self);
}

/* A provider's live status is not written to the file, so it does not make the farm dirty. */
static void
on_provider_notify (VdiFarm     *self,
                    GParamSpec  *pspec,
                    VdiProvider *provider)
{
  static const char * const live[] = { "status", "status-message", "address", "provider-type",
                                       NULL };

  if (!g_strv_contains (live, g_param_spec_get_name (pspec)))
    {
      g_object_set_qdata (G_OBJECT (provider), cached_json_quark (), NULL);
      changed (self);
    }
}

static void
watch_items (VdiFarm    *self,
             GListModel *list,
             guint       position,
             guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      if (VDI_IS_TEMPLATE (item))
        note_template_changed (self, VDI_TEMPLATE (item));
      if (VDI_IS_TEMPLATE (item))
        g_signal_connect_object (item, "changed", G_CALLBACK (on_template_changed), self,
                                 G_CONNECT_SWAPPED);
      else
        g_signal_connect_object (item, "notify", G_CALLBACK (on_provider_notify), self,
                                 G_CONNECT_SWAPPED);
    }
}

/* Handlers on removed items go away with the items or the farm (g_signal_connect_object), and
 * the items hold no reference to the farm. */
static void
on_items_changed (VdiFarm    *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *list)
{
  watch_items (self, list, position, added);
  if (removed > 0)
    self->full_pass = TRUE;
  changed (self);
}

/* GObject ------------------------------------------------------------------------------------ */

static void
vdi_farm_constructed (GObject *object)
{
  VdiFarm *self = (VdiFarm *)object;

  G_OBJECT_CLASS (vdi_farm_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = vdi_farm_dup_default_path ();
  self->track_rows = _vdi_farm_row_store_for (self->path) != NULL;

  g_signal_connect_object (self->providers, "items-changed", G_CALLBACK (on_items_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->templates, "items-changed", G_CALLBACK (on_items_changed),
                           self, G_CONNECT_SWAPPED);
}

static void
vdi_farm_dispose (GObject *object)
{
  VdiFarm *self = (VdiFarm *)object;

  g_clear_handle_id (&self->save_source, g_source_remove);
  _vdi_farm_follow_stop (self);

  G_OBJECT_CLASS (vdi_farm_parent_class)->dispose (object);
}

static void
vdi_farm_finalize (GObject *object)
{
  VdiFarm *self = (VdiFarm *)object;

  g_clear_object (&self->providers);
  g_clear_object (&self->templates);
  g_clear_object (&self->preview);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->written, g_hash_table_unref);
  g_clear_pointer (&self->written_providers, g_hash_table_unref);
  g_clear_pointer (&self->versions, g_hash_table_unref);
  g_clear_pointer (&self->provider_versions, g_hash_table_unref);
  g_clear_pointer (&self->changed_templates, g_hash_table_unref);
  g_clear_pointer (&self->interrupted, g_ptr_array_unref);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (vdi_farm_parent_class)->finalize (object);
}

static void
vdi_farm_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VdiFarm *self = VDI_FARM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_PROVIDERS:
      g_value_set_object (value, self->providers);
      break;

    case PROP_TEMPLATES:
      g_value_set_object (value, self->templates);
      break;

    case PROP_PREVIEW:
      g_value_set_object (value, self->preview);
      break;

    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_AUTOSAVE:
      g_value_set_boolean (value, self->autosave);
      break;

    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;

    case PROP_FOLLOW_ERROR:
      g_value_set_boxed (value, self->follow_error);
      break;

    case PROP_SAVE_ERROR:
      g_value_set_boxed (value, self->save_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_farm_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VdiFarm *self = VDI_FARM (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    case PROP_AUTOSAVE:
      vdi_farm_set_autosave (self, g_value_get_boolean (value));
      break;

    case PROP_FOLLOWING:
      vdi_farm_set_following (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_farm_class_init (VdiFarmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vdi_farm_constructed;
  object_class->dispose = vdi_farm_dispose;
  object_class->finalize = vdi_farm_finalize;
  object_class->get_property = vdi_farm_get_property;
  object_class->set_property = vdi_farm_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDERS] =
    g_param_spec_object ("providers", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPLATES] =
    g_param_spec_object ("templates", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW] =
    g_param_spec_object ("preview", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTOSAVE] =
    g_param_spec_boolean ("autosave", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW_ERROR] =
    g_param_spec_boxed ("follow-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAVE_ERROR] =
    g_param_spec_boxed ("save-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[FOLLOWED] =
    g_signal_new ("followed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * VdiFarm::change-refused:
   * @error: VDI_FARM_ERROR_CONFLICT, saying who changed the row and when
   *
   * A save found that a template or provider this process changed had been changed (or
   * deleted) by another process since this one read it: that change was not saved, the object
   * now shows what is stored, and the rest of the save went on.
   */
  signals[CHANGE_REFUSED] =
    g_signal_new ("change-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vdi_farm_init (VdiFarm *self)
{
  self->providers = g_list_store_new (VDI_TYPE_PROVIDER);
  self->templates = g_list_store_new (VDI_TYPE_TEMPLATE);
  self->interrupted = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_farm_interrupted_free);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_bytes_unref);
  self->written_providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify)g_bytes_unref);
  self->versions = _vdi_farm_versions_new ();
  self->provider_versions = _vdi_farm_versions_new ();
  self->changed_templates = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->full_pass = TRUE;
}

/**
 * vdi_farm_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/vdi-console/farm.db`, an SQLite farm. A
 *   `farm.json` beside it, the default of older versions, is imported by the first load.
 */
char *
vdi_farm_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vdi-console", "farm.db", NULL);
}

/**
 * vdi_farm_new:
 * @path: (nullable): the farm file, or %NULL for the default one
 */
VdiFarm *
vdi_farm_new (const char *path)
{
  return g_object_new (VDI_TYPE_FARM, "path", path, NULL);
}

const char *
vdi_farm_get_path (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return self->path;
}

GListModel *
vdi_farm_get_providers (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return G_LIST_MODEL (self->providers);
}

GListModel *
vdi_farm_get_templates (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return G_LIST_MODEL (self->templates);
}

/* Names are compared the way people read them: "HV-01" and "hv-01" are the same provider. */
gboolean
_vdi_farm_same_name (const char *a,
           const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  if (g_str_equal (a, b))
    return TRUE;

  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

VdiProvider *
vdi_farm_find_provider (VdiFarm    *self,
                        const char *name)
{
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      if (_vdi_farm_same_name (vdi_provider_get_name (provider), name))
        return provider;
    }

  return NULL;
}

/**
 * vdi_farm_find_template_by_id:
 *
 * Returns: (transfer none) (nullable): the template with @id
 */
VdiTemplate *
vdi_farm_find_template_by_id (VdiFarm    *self,
                              const char *id)
{
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      if (g_str_equal (vdi_template_get_id (template), id))
        return template;
    }

  return NULL;
}

VdiProvider *
vdi_farm_find_provider_by_id (VdiFarm    *self,
                              const char *id)
{
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      if (g_str_equal (vdi_provider_get_id (provider), id))
        return provider;
    }

  return NULL;
}

VdiTemplate *
vdi_farm_find_template (VdiFarm    *self,
                        const char *name)
{
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      if (_vdi_farm_same_name (vdi_template_get_name (template), name))
        return template;
    }

  return NULL;
}

/**
 * vdi_farm_splice:
 * @providers: (element-type VdiProvider): providers to add
 * @templates: (element-type VdiTemplate): templates to add, whose providers are in the farm or
 *   in @providers
 *
 * Adds many objects at once with one items-changed per list, for loading and for generated
 * farms. The objects are trusted: they come from a parsed file or from code.
 */
void
vdi_farm_splice (VdiFarm   *self,
                 GPtrArray *providers,
                 GPtrArray *templates)
{
  g_return_if_fail (VDI_IS_FARM (self));

  if (providers != NULL && providers->len > 0)
    g_list_store_splice (self->providers,
                         g_list_model_get_n_items (G_LIST_MODEL (self->providers)), 0,
                         providers->pdata, providers->len);

  if (templates != NULL && templates->len > 0)
    {
      for (guint i = 0; i < templates->len; i++)
        vdi_template_lock (g_ptr_array_index (templates, i));
      g_list_store_splice (self->templates,
                           g_list_model_get_n_items (G_LIST_MODEL (self->templates)), 0,
                           templates->pdata, templates->len);
    }
}

/**
 * vdi_farm_has_work_under_way:
 *
 * Returns: whether a template has a target with work under way (copying, adding or removing),
 *   as the farm was last read: on a farm nobody holds, work its last holder left running.
 */
gboolean
vdi_farm_has_work_under_way (VdiFarm *self)
{
  GListModel *templates;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  templates = G_LIST_MODEL (self->templates);
  for (guint i = 0, n = g_list_model_get_n_items (templates); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      GListModel *targets = vdi_template_get_targets (template);

      for (guint t = 0, n_targets = g_list_model_get_n_items (targets); t < n_targets; t++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, t);

          if (vdi_target_is_busy (target))
            return TRUE;
        }
    }
  return FALSE;
}

gboolean
vdi_farm_get_dirty (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  return self->dirty;
}

void
vdi_farm_set_autosave (VdiFarm  *self,
                       gboolean  autosave)
{
  g_return_if_fail (VDI_IS_FARM (self));

  autosave = !!autosave;
  if (self->autosave == autosave)
    return;

  self->autosave = autosave;
  if (!autosave)
    g_clear_handle_id (&self->save_source, g_source_remove);
  else if (self->dirty && self->save_source == 0 && !self->saving)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, _vdi_farm_save_timeout_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTOSAVE]);
}

/**
 * vdi_farm_get_n_saves:
 *
 * Returns: how many times the farm was written, for tests and benchmarks of coalescing.
 */
guint
vdi_farm_get_n_saves (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), 0);

  return self->n_saves;
}

/**
 * vdi_farm_get_n_failed_saves:
 *
 * Returns: how many background saves failed, for tests of trying them again.
 */
guint
vdi_farm_get_n_failed_saves (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), 0);

  return self->n_failed_saves;
}
