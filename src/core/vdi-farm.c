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

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vdi-farm-private.h"

/* A burst of changes (progress reports from many jobs) costs one write per this interval. */
#define SAVE_DELAY_MS 500
/* A farm file is a few MiB at 10,000 templates; anything near this is not ours. */
#define MAX_FILE_SIZE (512 * 1024 * 1024)
#define MAX_PROVIDER_NAME 128

struct _VdiFarm
{
  GObject       parent_instance;

  GListStore   *providers;
  GListStore   *templates;
  char         *path;

  guint         save_source;
  guint         n_saves;

  guint         autosave : 1;
  guint         urgent : 1;
  guint         dirty : 1;
  guint         saving : 1;
  guint         load_failed : 1;
};

G_DEFINE_FINAL_TYPE (VdiFarm, vdi_farm, G_TYPE_OBJECT)

G_DEFINE_QUARK (vdi-farm-error-quark, vdi_farm_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_PROVIDERS,
  PROP_TEMPLATES,
  PROP_DIRTY,
  PROP_AUTOSAVE,
  N_PROPS
};

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_save (VdiFarm *self);

/* Change tracking ---------------------------------------------------------------------------- */

static void
set_dirty (VdiFarm  *self,
           gboolean  dirty)
{
  dirty = !!dirty;
  if (self->dirty != dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  VdiFarm *self = user_data;

  self->save_source = 0;
  start_save (self);
  return G_SOURCE_REMOVE;
}

static void
changed (VdiFarm *self)
{
  set_dirty (self, TRUE);

  if (self->autosave && self->save_source == 0 && !self->saving)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
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
template_bytes (VdiTemplate *template)
{
  GBytes *bytes = g_object_get_qdata (G_OBJECT (template), cached_json_quark ());

  if (bytes == NULL)
    {
      bytes = _vdi_farm_template_to_bytes (template);
      g_object_set_qdata_full (G_OBJECT (template), cached_json_quark (), bytes,
                               (GDestroyNotify)g_bytes_unref);
    }
  return g_bytes_ref (bytes);
}

static void
on_template_changed (VdiFarm     *self,
                     VdiTemplate *template)
{
  g_object_set_qdata (G_OBJECT (template), cached_json_quark (), NULL);
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
    changed (self);
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

  G_OBJECT_CLASS (vdi_farm_parent_class)->dispose (object);
}

static void
vdi_farm_finalize (GObject *object)
{
  VdiFarm *self = (VdiFarm *)object;

  g_clear_object (&self->providers);
  g_clear_object (&self->templates);
  g_clear_pointer (&self->path, g_free);

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

    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_AUTOSAVE:
      g_value_set_boolean (value, self->autosave);
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
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTOSAVE] =
    g_param_spec_boolean ("autosave", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vdi_farm_init (VdiFarm *self)
{
  self->providers = g_list_store_new (VDI_TYPE_PROVIDER);
  self->templates = g_list_store_new (VDI_TYPE_TEMPLATE);
}

/**
 * vdi_farm_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/vdi-console/farm.json`
 */
char *
vdi_farm_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vdi-console", "farm.json", NULL);
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
static gboolean
same_name (const char *a,
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

      if (same_name (vdi_provider_get_name (provider), name))
        return provider;
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

      if (same_name (vdi_template_get_name (template), name))
        return template;
    }

  return NULL;
}

/* Rules ---------------------------------------------------------------------------------------- */

static gboolean
is_valid_host (const char *host)
{
  g_autofree char *ascii = NULL;

  if (host == NULL || *host == '\0' || strlen (host) > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (g_hostname_is_non_ascii (host))
    {
      ascii = g_hostname_to_ascii (host);
      if (ascii == NULL)
        return FALSE;
      host = ascii;
    }

  /* RFC 1123 labels: letters, digits and inner hyphens, 1 to 63 characters each. */
  for (const char *label = host; *label != '\0';)
    {
      const char *end = strchr (label, '.');
      gsize len = end != NULL ? (gsize)(end - label) : strlen (label);

      if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
        return end == NULL && len == 0 && label != host; /* a trailing dot is fine */
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (label[i]) && label[i] != '-')
          return FALSE;
      if (end == NULL)
        break;
      label = end + 1;
    }

  return TRUE;
}

/**
 * vdi_farm_check_provider:
 * @provider: (nullable): the provider being edited, or %NULL for a new one
 *
 * Checks a provider's name and address before it is added or changed: a name no other
 * provider has, a valid host name or IP address, and a port no other provider uses on the
 * same host.
 */
gboolean
vdi_farm_check_provider (VdiFarm      *self,
                         VdiProvider  *provider,
                         const char   *name,
                         const char   *host,
                         guint         port,
                         GError      **error)
{
  g_autofree char *stripped = NULL;
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (provider == NULL || VDI_IS_PROVIDER (provider), FALSE);

  stripped = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (*stripped == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                           _("Enter a name for the provider"));
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > MAX_PROVIDER_NAME)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                   _("A provider name can have at most %u characters"), MAX_PROVIDER_NAME);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME,
                               _("A provider name cannot contain control characters"));
          return FALSE;
        }
    }

  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS,
                           _("Enter the host name or IP address of the provider"));
      return FALSE;
    }
  if (!is_valid_host (host))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid host name or IP address"), host);
      return FALSE;
    }
  if (port < 1 || port > 65535)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS,
                   _("The port must be between 1 and 65535"));
      return FALSE;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiProvider) other = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      if (other == provider)
        continue;

      if (same_name (vdi_provider_get_name (other), name))
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN,
                       _("Another provider is already named “%s”"),
                       vdi_provider_get_name (other));
          return FALSE;
        }

      if (vdi_provider_get_port (other) == port &&
          g_ascii_strcasecmp (vdi_provider_get_host (other), host) == 0)
        {
          g_autofree char *address = vdi_provider_dup_address (other);

          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN,
                       _("The provider “%s” already uses %s"),
                       vdi_provider_get_name (other), address);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
vdi_farm_add_provider (VdiFarm      *self,
                       VdiProvider  *provider,
                       GError      **error)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  if (vdi_farm_find_provider_by_id (self, vdi_provider_get_id (provider)) != NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN,
                   _("The provider “%s” is already in the farm"),
                   vdi_provider_get_name (provider));
      return FALSE;
    }

  if (!vdi_farm_check_provider (self, provider,
                                vdi_provider_get_name (provider),
                                vdi_provider_get_host (provider),
                                vdi_provider_get_port (provider),
                                error))
    return FALSE;

  g_list_store_append (self->providers, provider);
  return TRUE;
}

/* Returns the first template that still needs @provider, as its source, a target or a host. */
static VdiTemplate *
find_user_of (VdiFarm     *self,
              VdiProvider *provider)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->templates));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (G_LIST_MODEL (self->templates), i);
      GListModel *hosts = vdi_template_get_hosts (template);

      if (vdi_template_find_target (template, provider) != NULL)
        return template;

      for (guint j = 0, m = g_list_model_get_n_items (hosts); j < m; j++)
        {
          g_autoptr(VdiHost) host = g_list_model_get_item (hosts, j);

          if (vdi_host_get_provider (host) == provider)
            return template;
        }
    }

  return NULL;
}

gboolean
vdi_farm_remove_provider (VdiFarm      *self,
                          VdiProvider  *provider,
                          GError      **error)
{
  VdiTemplate *user;
  guint position;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  if (!g_list_store_find (self->providers, provider, &position))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                   _("The provider “%s” is not in the farm"), vdi_provider_get_name (provider));
      return FALSE;
    }

  user = find_user_of (self, provider);
  if (user != NULL)
    {
      if (vdi_template_get_source_provider (user) == provider)
        g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_PROVIDER_IN_USE,
                     _("“%s” holds the source VM of the template “%s”. Delete the template "
                       "first."),
                     vdi_provider_get_name (provider), vdi_template_get_name (user));
      else
        g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_PROVIDER_IN_USE,
                     _("The template “%s” is distributed to “%s” or has hosts there. Remove "
                       "the provider from the template’s distribution first."),
                     vdi_template_get_name (user), vdi_provider_get_name (provider));
      return FALSE;
    }

  g_list_store_remove (self->providers, position);
  return TRUE;
}

/**
 * vdi_farm_check_template:
 *
 * All the rules for a template joining the farm: its own settings (vdi_template_validate()),
 * a name no other template has, and providers that belong to this farm.
 */
gboolean
vdi_farm_check_template (VdiFarm      *self,
                         VdiTemplate  *template,
                         GError      **error)
{
  GListModel *targets;
  guint n;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), FALSE);

  if (!vdi_template_validate (template, error))
    return FALSE;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) other = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      if (other != template &&
          same_name (vdi_template_get_name (other), vdi_template_get_name (template)))
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN,
                       _("Another template is already named “%s”"),
                       vdi_template_get_name (other));
          return FALSE;
        }
    }

  targets = vdi_template_get_targets (template);
  n = g_list_model_get_n_items (targets);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (!g_list_store_find (self->providers, provider, NULL))
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                       _("The provider “%s” is not in the farm"),
                       vdi_provider_get_name (provider));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * vdi_farm_add_template:
 *
 * Adds a checked template. From then on its multi-provider setting cannot change.
 */
gboolean
vdi_farm_add_template (VdiFarm      *self,
                       VdiTemplate  *template,
                       GError      **error)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), FALSE);

  if (g_list_store_find (self->templates, template, NULL))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN,
                   _("The template “%s” is already in the farm"),
                   vdi_template_get_name (template));
      return FALSE;
    }

  if (!vdi_farm_check_template (self, template, error))
    return FALSE;

  if (vdi_template_get_created_at (template) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      vdi_template_set_created_at (template, now);
    }
  vdi_template_lock (template);
  g_list_store_append (self->templates, template);

  return TRUE;
}

gboolean
vdi_farm_remove_template (VdiFarm      *self,
                          VdiTemplate  *template,
                          GError      **error)
{
  guint position;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), FALSE);

  if (!g_list_store_find (self->templates, template, &position))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                   _("The template “%s” is not in the farm"), vdi_template_get_name (template));
      return FALSE;
    }

  g_list_store_remove (self->templates, position);
  return TRUE;
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

/* Loading ------------------------------------------------------------------------------------ */

static VdiFarmContents *
read_farm_file (const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      /* No file yet is a new, empty farm. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          VdiFarmContents *empty = g_new0 (VdiFarmContents, 1);

          empty->providers = g_ptr_array_new_with_free_func (g_object_unref);
          empty->templates = g_ptr_array_new_with_free_func (g_object_unref);
          return empty;
        }
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the farm file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” is not a regular file"), path);
      return NULL;
    }
  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                   _("The farm file “%s” is too large to be a farm file (%s)"), path,
                   g_format_size (g_file_info_get_size (info)));
      return NULL;
    }

  if (!g_file_load_contents (file, cancellable, &data, &length, NULL, &local_error))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the farm file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  return _vdi_farm_parse (path, data, length, error);
}

static void
apply_contents (VdiFarm         *self,
                VdiFarmContents *contents)
{
  guint n_providers = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  guint n_templates = g_list_model_get_n_items (G_LIST_MODEL (self->templates));

  /* Replace what was there in one step per list. */
  g_list_store_splice (self->templates, 0, n_templates, NULL, 0);
  g_list_store_splice (self->providers, 0, n_providers, NULL, 0);
  vdi_farm_splice (self, contents->providers, contents->templates);

  self->load_failed = FALSE;
  /* Interrupted work was rewritten as Needs update; that is a change worth saving. */
  set_dirty (self, contents->n_interrupted > 0);
  if (self->dirty && self->autosave && self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/**
 * vdi_farm_load:
 *
 * Reads the farm file, blocking. For vdictl and tests; the console uses vdi_farm_load_async().
 * A missing file is an empty farm. A file that cannot be read is left untouched, and the farm
 * refuses to save over it until vdi_farm_set_aside() or vdi_farm_restore_backup() is called.
 */
gboolean
vdi_farm_load (VdiFarm       *self,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(VdiFarmContents) contents = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  contents = read_farm_file (self->path, cancellable, error);
  if (contents == NULL)
    {
      self->load_failed = TRUE;
      return FALSE;
    }

  apply_contents (self, contents);
  return TRUE;
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  VdiFarmContents *contents = read_farm_file (path, cancellable, &error);

  if (contents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, contents, (GDestroyNotify)_vdi_farm_contents_free);
}

void
vdi_farm_load_async (VdiFarm             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VDI_IS_FARM (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vdi_farm_load_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_worker);
}

gboolean
vdi_farm_load_finish (VdiFarm       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_autoptr(VdiFarmContents) contents = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_farm_load_async, FALSE);

  contents = g_task_propagate_pointer (G_TASK (result), error);
  if (contents == NULL)
    {
      self->load_failed = TRUE;
      return FALSE;
    }

  apply_contents (self, contents);
  return TRUE;
}

/* Saving ------------------------------------------------------------------------------------- */

static gboolean
fsync_directory (const char  *dir,
                 GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  fsync (fd);
  close (fd);
  return TRUE;
}

/* Temp files of a writer killed mid-save: PATH.XXXXXX (g_mkstemp) and PATH.bak.new. Only the
 * farm's writer calls this, right before it writes, so no live temp file is taken away. */
static void
remove_stale_temp_files (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gsize base_len = strlen (base);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      const char *suffix;
      gboolean stale;

      if (strncmp (name, base, base_len) != 0 || name[base_len] != '.')
        continue;

      suffix = name + base_len + 1;
      stale = g_str_equal (suffix, "bak.new");
      if (strlen (suffix) == 6)
        {
          stale = TRUE;
          for (guint i = 0; i < 6; i++)
            stale = stale && g_ascii_isalnum (suffix[i]);
        }

      if (stale)
        {
          g_autofree char *stale_path = g_build_filename (dir_path, name, NULL);

          g_unlink (stale_path);
        }
    }
}

/* Writes @data to @path so that at every instant @path is either the old complete file or the
 * new complete file: temp file in the same folder, fsync, keep the old file as PATH.bak by a
 * hard link, rename over. A kill at any moment leaves a readable farm. */
static gboolean
write_atomically (const char  *path,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *bak_path = g_strconcat (path, ".bak", NULL);
  g_autofree char *bak_tmp = g_strconcat (path, ".bak.new", NULL);
  gsize written = 0;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  remove_stale_temp_files (path);

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  while (written < length)
    {
      gssize n = write (fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (tmp_path);
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                       _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      written += n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* The file being replaced was loaded or written by us, so it is the last good one. */
  g_unlink (bak_tmp);
  if (link (path, bak_tmp) == 0)
    {
      g_rename (bak_tmp, bak_path);
      /* rename() between two links of one file does nothing, which happens when a writer was
       * killed right after updating the backup; the extra link must not stay. */
      g_unlink (bak_tmp);
    }

  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not save the farm in “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  fsync_directory (dir, NULL);
  return TRUE;
}

static gboolean
check_can_save (VdiFarm  *self,
                GError  **error)
{
  if (self->load_failed)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” could not be read, so it is left untouched until you "
                     "choose to open the backup or start a new farm"), self->path);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char      *path;
  GBytes    *providers;
  GPtrArray *templates;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->path);
  g_clear_pointer (&snapshot->providers, g_bytes_unref);
  g_clear_pointer (&snapshot->templates, g_ptr_array_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* The part of a save that reads the model, so it runs on the model's thread: the providers,
 * and the templates that changed since they were last serialized. */
static Snapshot *
take_snapshot (VdiFarm *self)
{
  Snapshot *snapshot = g_new0 (Snapshot, 1);
  GListModel *templates = G_LIST_MODEL (self->templates);
  guint n = g_list_model_get_n_items (templates);

  snapshot->path = g_strdup (self->path);
  snapshot->providers = _vdi_farm_providers_to_bytes (G_LIST_MODEL (self->providers));
  snapshot->templates = g_ptr_array_new_full (n, (GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      g_ptr_array_add (snapshot->templates, template_bytes (template));
    }

  return snapshot;
}

static gboolean
write_snapshot (Snapshot  *snapshot,
                GError   **error)
{
  g_autofree char *data = NULL;
  gsize length;

  data = _vdi_farm_join (snapshot->providers, snapshot->templates, &length);
  return write_atomically (snapshot->path, data, length, error);
}

/**
 * vdi_farm_save:
 *
 * Writes the farm now, blocking. The console saves through autosave instead.
 */
gboolean
vdi_farm_save (VdiFarm  *self,
               GError  **error)
{
  g_autoptr(Snapshot) snapshot = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  if (!check_can_save (self, error))
    return FALSE;

  g_clear_handle_id (&self->save_source, g_source_remove);
  set_dirty (self, FALSE);
  snapshot = take_snapshot (self);
  if (!write_snapshot (snapshot, error))
    {
      set_dirty (self, TRUE);
      return FALSE;
    }
  self->n_saves++;
  return TRUE;
}

static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (write_snapshot (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VdiFarm *self = VDI_FARM (object);
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_dirty (self, TRUE);
      g_signal_emit (self, signals[SAVE_FAILED], 0, error);
      return;
    }

  self->n_saves++;

  /* Changes made while writing go out in the next save: at once if one was urgent, else after
   * the coalescing delay. */
  if (self->urgent)
    {
      self->urgent = FALSE;
      g_clear_handle_id (&self->save_source, g_source_remove);
      start_save (self);
    }
  else if (self->dirty && self->autosave && self->save_source == 0)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/* Reading the model happens here, on its thread; joining the pieces and the disk I/O go to a
 * worker. */
static void
start_save (VdiFarm *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (self->saving)
    return;

  if (!check_can_save (self, &error))
    {
      g_signal_emit (self, signals[SAVE_FAILED], 0, error);
      return;
    }

  self->saving = TRUE;
  set_dirty (self, FALSE);

  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, take_snapshot (self), (GDestroyNotify)snapshot_free);
  g_task_run_in_thread (task, save_worker);
}

/**
 * vdi_farm_schedule_save:
 *
 * Asks for a save soon; many requests within the coalescing interval cost one write.
 */
void
vdi_farm_schedule_save (VdiFarm *self)
{
  g_return_if_fail (VDI_IS_FARM (self));

  set_dirty (self, TRUE);
  if (self->save_source == 0 && !self->saving)
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/**
 * vdi_farm_save_soon:
 *
 * Starts a save now, in the background, without the coalescing delay: for records that must
 * reach the disk before anything else happens (a provider job just started). A save already
 * under way is followed by another at once.
 */
void
vdi_farm_save_soon (VdiFarm *self)
{
  g_return_if_fail (VDI_IS_FARM (self));

  set_dirty (self, TRUE);
  if (self->saving)
    {
      self->urgent = TRUE;
      return;
    }
  g_clear_handle_id (&self->save_source, g_source_remove);
  start_save (self);
}

/**
 * vdi_farm_flush:
 *
 * Waits for a save under way and writes what is still unsaved, for quitting.
 */
gboolean
vdi_farm_flush (VdiFarm  *self,
                GError  **error)
{
  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);
  while (self->saving)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!self->dirty)
    return TRUE;
  return vdi_farm_save (self, error);
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
    self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
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

/* Recovery ----------------------------------------------------------------------------------- */

char *
vdi_farm_dup_backup_path (VdiFarm *self)
{
  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  return g_strconcat (self->path, ".bak", NULL);
}

/**
 * vdi_farm_set_aside:
 *
 * Renames a farm file that could not be read to PATH.damaged-DATE (never deleting it), and
 * lets the farm start anew at PATH.
 *
 * Returns: (transfer full) (nullable): the new name of the bad file, or %NULL on error.
 */
char *
vdi_farm_set_aside (VdiFarm  *self,
                    GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = NULL;

  g_return_val_if_fail (VDI_IS_FARM (self), NULL);

  aside = g_strdup_printf ("%s.damaged-%s", self->path, stamp);
  for (guint i = 2; g_file_test (aside, G_FILE_TEST_EXISTS); i++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.damaged-%s-%u", self->path, stamp, i);
    }

  if (g_rename (self->path, aside) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not rename the farm file “%s”: %s"), self->path, g_strerror (saved));
      return NULL;
    }

  self->load_failed = FALSE;
  return g_steal_pointer (&aside);
}

/**
 * vdi_farm_restore_backup:
 *
 * Puts a copy of PATH.bak in place of the farm file, which must have been set aside first.
 * Load the farm again afterwards.
 */
gboolean
vdi_farm_restore_backup (VdiFarm  *self,
                         GError  **error)
{
  g_autofree char *bak_path = vdi_farm_dup_backup_path (self);
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (VDI_IS_FARM (self), FALSE);

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("The farm file “%s” is still in place; set it aside first"), self->path);
      return FALSE;
    }

  if (!g_file_get_contents (bak_path, &data, &length, &local_error))
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_IO,
                   _("Could not read the backup “%s”: %s"), bak_path, local_error->message);
      return FALSE;
    }

  return write_atomically (self->path, data, length, error);
}
