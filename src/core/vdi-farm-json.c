/* vdi-farm-json.c: the farm file format.
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

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "vdi-farm-private.h"
#include "vdi-target-private.h"

/* Deeper than any farm file nests; json-glib's parser recurses, so refuse before it does. */
#define MAX_DEPTH 32

void
_vdi_farm_contents_free (VdiFarmContents *contents)
{
  if (contents == NULL)
    return;

  g_clear_pointer (&contents->providers, g_ptr_array_unref);
  g_clear_pointer (&contents->templates, g_ptr_array_unref);
  g_clear_pointer (&contents->provider_versions, g_hash_table_unref);
  g_clear_pointer (&contents->template_versions, g_hash_table_unref);
  g_free (contents);
}

/* Writing ---------------------------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_enum (JsonBuilder *builder,
          const char  *member,
          GType        type,
          int          value)
{
  add_string (builder, member, vdi_enum_get_nick (type, value));
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          GDateTime   *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return;
  text = g_date_time_format_iso8601 (value);
  add_string (builder, member, text);
}

static void
serialize_provider (JsonBuilder *builder,
                    VdiProvider *provider)
{
  json_builder_begin_object (builder);
  add_string (builder, "id", vdi_provider_get_id (provider));
  add_string (builder, "name", vdi_provider_get_name (provider));
  add_enum (builder, "subtype", VDI_TYPE_PROVIDER_SUBTYPE, vdi_provider_get_subtype (provider));
  add_string (builder, "host", vdi_provider_get_host (provider));
  add_int (builder, "port", vdi_provider_get_port (provider));
  add_string (builder, "username", vdi_provider_get_username (provider));
  add_bool (builder, "allow-http", vdi_provider_get_allow_http (provider));
  add_string (builder, "auth", vdi_provider_get_auth (provider));
  add_string (builder, "tls-fingerprint", vdi_provider_get_tls_fingerprint (provider));
  json_builder_end_object (builder);
}

static void
serialize_target (JsonBuilder *builder,
                  VdiTarget   *target)
{
  json_builder_begin_object (builder);
  add_string (builder, "provider", vdi_provider_get_id (vdi_target_get_provider (target)));
  add_bool (builder, "source", vdi_target_get_is_source (target));
  add_enum (builder, "state", VDI_TYPE_TARGET_STATE, vdi_target_get_state (target));
  add_enum (builder, "progress", VDI_TYPE_DISTRIBUTION, vdi_target_get_progress (target));
  add_enum (builder, "step", VDI_TYPE_TARGET_STEP, vdi_target_get_step (target));
  json_builder_set_member_name (builder, "percent");
  json_builder_add_double_value (builder, vdi_target_get_percent (target));
  add_int (builder, "bytes-done", (gint64)vdi_target_get_bytes_done (target));
  add_int (builder, "bytes-total", (gint64)vdi_target_get_bytes_total (target));
  add_string (builder, "remote-vm-id", vdi_target_get_remote_vm_id (target));
  add_string (builder, "export-dir", vdi_target_get_export_dir (target));
  add_string (builder, "fed-from", vdi_target_get_fed_from (target));
  add_string (builder, "outdated-vm-id", vdi_target_get_outdated_vm_id (target));
  add_string (builder, "job", vdi_target_get_job (target));
  add_string (builder, "last-error", vdi_target_get_last_error (target));
  add_time (builder, "started-at", vdi_target_get_started_at (target));
  add_time (builder, "updated-at", vdi_target_get_updated_at (target));
  /* Written only when there are any, so that farms without them read as before. */
  if (vdi_target_get_n_strays (target) > 0)
    {
      json_builder_set_member_name (builder, "strays");
      json_builder_begin_array (builder);
      for (guint i = 0, n = vdi_target_get_n_strays (target); i < n; i++)
        {
          const VdiTargetStray *stray = vdi_target_get_stray (target, i);

          json_builder_begin_object (builder);
          add_string (builder, "provider", stray->provider_id);
          add_string (builder, "vm-id", stray->vm_id);
          add_string (builder, "job", stray->job);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static void
serialize_host (JsonBuilder *builder,
                VdiHost     *host)
{
  VdiProvider *provider = vdi_host_get_provider (host);

  json_builder_begin_object (builder);
  add_string (builder, "name", vdi_host_get_name (host));
  if (provider != NULL)
    add_string (builder, "provider", vdi_provider_get_id (provider));
  add_string (builder, "datastore", vdi_host_get_datastore (host));
  add_enum (builder, "state", VDI_TYPE_HOST_STATE, vdi_host_get_state (host));
  add_string (builder, "vm-id", vdi_host_get_vm_id (host));
  add_string (builder, "last-error", vdi_host_get_last_error (host));
  /* Written only when set, so farms of hosts all up to date read as before. */
  if (vdi_host_get_needs_recreate (host))
    add_bool (builder, "needs-recreate", TRUE);
  json_builder_end_object (builder);
}

static void
serialize_template (JsonBuilder *builder,
                    VdiTemplate *template)
{
  const char * const *datastores = vdi_template_get_datastores (template);
  GListModel *targets = vdi_template_get_targets (template);
  GListModel *hosts = vdi_template_get_hosts (template);

  json_builder_begin_object (builder);
  add_string (builder, "id", vdi_template_get_id (template));
  add_string (builder, "name", vdi_template_get_name (template));
  add_string (builder, "source-provider",
              vdi_provider_get_id (vdi_template_get_source_provider (template)));
  add_string (builder, "source-vm-name", vdi_template_get_source_vm_name (template));
  add_string (builder, "source-vm-id", vdi_template_get_source_vm_id (template));
  add_enum (builder, "status", VDI_TYPE_TEMPLATE_STATUS, vdi_template_get_status (template));
  add_bool (builder, "multi-provider", vdi_template_get_multi_provider (template));
  add_int (builder, "concurrency", vdi_template_get_concurrency (template));
  add_bool (builder, "relay", vdi_template_get_relay (template));
  add_string (builder, "host-name-format", vdi_template_get_host_name_format (template));
  add_int (builder, "initial-hosts", vdi_template_get_initial_hosts (template));
  add_int (builder, "max-hosts", vdi_template_get_max_hosts (template));
  add_enum (builder, "clone-method", VDI_TYPE_CLONE_METHOD,
            vdi_template_get_clone_method (template));
  add_enum (builder, "datastore-mode", VDI_TYPE_DATASTORE_MODE,
            vdi_template_get_datastore_mode (template));
  json_builder_set_member_name (builder, "datastores");
  json_builder_begin_array (builder);
  for (guint i = 0; datastores[i] != NULL; i++)
    json_builder_add_string_value (builder, datastores[i]);
  json_builder_end_array (builder);
  add_time (builder, "created-at", vdi_template_get_created_at (template));

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      serialize_target (builder, target);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "hosts");
  json_builder_begin_array (builder);
  for (guint i = 0, n = g_list_model_get_n_items (hosts); i < n; i++)
    {
      g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

      serialize_host (builder, host);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

static GBytes *
generate (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *text;
  gsize length;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 1);
  text = json_generator_to_data (generator, &length);
  return g_bytes_new_take (text, length);
}

/**
 * _vdi_farm_providers_to_bytes:
 *
 * Returns: (transfer full): the JSON array of @providers.
 */
GBytes *
_vdi_farm_providers_to_bytes (GListModel *providers)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      serialize_provider (builder, provider);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return generate (root);
}

/**
 * _vdi_farm_provider_to_bytes:
 *
 * Returns: (transfer full): the JSON object of @provider, one element of the file's
 *   "providers" list.
 */
GBytes *
_vdi_farm_provider_to_bytes (VdiProvider *provider)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  serialize_provider (builder, provider);
  root = json_builder_get_root (builder);
  return generate (root);
}

/**
 * _vdi_farm_template_to_bytes:
 *
 * Returns: (transfer full): the JSON object of @template, one element of the file's
 *   "templates" list.
 */
GBytes *
_vdi_farm_template_to_bytes (VdiTemplate *template)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  serialize_template (builder, template);
  root = json_builder_get_root (builder);
  return generate (root);
}

/**
 * _vdi_farm_join:
 * @providers: the providers' array, from _vdi_farm_providers_to_bytes()
 * @templates: (element-type GBytes): the templates' objects, in order
 *
 * Puts the pieces together into the farm file. Touches no model object, so it runs in the
 * saving thread.
 *
 * Returns: (transfer full): the file's contents.
 */
char *
_vdi_farm_join (GBytes    *providers,
                GPtrArray *templates,
                gsize     *length)
{
  GString *out = g_string_sized_new (g_bytes_get_size (providers) + templates->len * 2048);
  gsize size;
  const char *data;

  g_string_append_printf (out, "{\n \"version\" : %d,\n \"providers\" : ", VDI_FARM_VERSION);
  data = g_bytes_get_data (providers, &size);
  g_string_append_len (out, data, size);
  g_string_append (out, ",\n \"templates\" : [");
  for (guint i = 0; i < templates->len; i++)
    {
      data = g_bytes_get_data (g_ptr_array_index (templates, i), &size);
      g_string_append (out, i > 0 ? ",\n" : "\n");
      g_string_append_len (out, data, size);
    }
  g_string_append (out, templates->len > 0 ? "\n]\n}\n" : "]\n}\n");

  *length = out->len;
  return g_string_free (out, FALSE);
}

/* Reading ---------------------------------------------------------------------------------- */

/* Where in the file a value sits, for messages such as "templates[3].targets[1].provider". */
typedef struct
{
  const char *path;
  GString    *where;
} Reader;

static gboolean
fail (Reader      *reader,
      GError     **error,
      const char  *member,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (Reader      *reader,
      GError     **error,
      const char  *member,
      const char  *format,
      ...)
{
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (member != NULL)
    where = g_strdup_printf ("%s%s%s", reader->where->str,
                             reader->where->len > 0 ? "." : "", member);
  else
    where = g_strdup (reader->where->str);

  /* Translators: the first %s is a file name, the second a place inside it such as
   * templates[3].name, the third what is wrong there. */
  g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
               _("The farm file “%s” is damaged at %s: %s"),
               reader->path, *where != '\0' ? where : _("the top level"), what);
  return FALSE;
}

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
read_string (Reader      *reader,
             JsonObject  *object,
             const char  *member,
             gboolean     required,
             const char **value,
             GError     **error)
{
  JsonNode *node = get_member (object, member);

  *value = NULL;
  if (node == NULL)
    return required ? fail (reader, error, member, _("the value is missing")) : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (reader, error, member, _("expected text"));

  *value = json_node_get_string (node);
  if (!g_utf8_validate (*value, -1, NULL))
    return fail (reader, error, member, _("the text is not valid UTF-8"));
  if (required && **value == '\0')
    return fail (reader, error, member, _("the value is empty"));
  return TRUE;
}

static gboolean
read_int (Reader      *reader,
          JsonObject  *object,
          const char  *member,
          gint64       min,
          gint64       max,
          gint64       fallback,
          gint64      *value,
          GError     **error)
{
  JsonNode *node = get_member (object, member);

  *value = fallback;
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (reader, error, member, _("expected a whole number"));

  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    {
      /* 64-bit format macros cannot stand inside a translatable string. */
      g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, *value);
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      /* Translators: a number in a file, then the smallest and largest allowed. */
      return fail (reader, error, member, _("%s is out of range (%s to %s)"), v, lo, hi);
    }
  return TRUE;
}

static gboolean
read_double (Reader      *reader,
             JsonObject  *object,
             const char  *member,
             double       min,
             double       max,
             double      *value,
             GError     **error)
{
  JsonNode *node = get_member (object, member);
  GType type;

  *value = min;
  if (node == NULL)
    return TRUE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return fail (reader, error, member, _("expected a number"));

  *value = json_node_get_double (node);
  if (!(*value >= min && *value <= max))
    return fail (reader, error, member, _("%g is out of range (%g to %g)"), *value, min, max);
  return TRUE;
}

static gboolean
read_bool (Reader      *reader,
           JsonObject  *object,
           const char  *member,
           gboolean    *value,
           GError     **error)
{
  JsonNode *node = get_member (object, member);

  *value = FALSE;
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (reader, error, member, _("expected true or false"));

  *value = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_enum (Reader      *reader,
           JsonObject  *object,
           const char  *member,
           GType        type,
           int          fallback,
           int         *value,
           GError     **error)
{
  const char *nick;

  *value = fallback;
  if (!read_string (reader, object, member, FALSE, &nick, error))
    return FALSE;
  if (nick != NULL && !vdi_enum_from_nick (type, nick, value))
    return fail (reader, error, member, _("“%s” is not a known value"), nick);
  return TRUE;
}

static gboolean
read_time (Reader      *reader,
           JsonObject  *object,
           const char  *member,
           GDateTime  **value,
           GError     **error)
{
  const char *text;

  *value = NULL;
  if (!read_string (reader, object, member, FALSE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  *value = g_date_time_new_from_iso8601 (text, NULL);
  if (*value == NULL)
    return fail (reader, error, member, _("“%s” is not a date and time"), text);
  return TRUE;
}

static JsonArray *
read_array (Reader      *reader,
            JsonObject  *object,
            const char  *member,
            GError     **error)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL)
    {
      fail (reader, error, member, _("the list is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (reader, error, member, _("expected a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
array_object (Reader      *reader,
              JsonArray   *array,
              const char  *name,
              guint        index,
              GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);
  gsize mark = reader->where->len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);

  g_string_append_printf (reader->where, "%s%s[%u]", mark > 0 ? "." : "", name, index);
  fail (reader, error, NULL, _("expected an object"));
  g_string_truncate (reader->where, mark);
  return NULL;
}

static void
push (Reader     *reader,
      const char *name,
      guint       index)
{
  g_string_append_printf (reader->where, "%s%s[%u]",
                          reader->where->len > 0 ? "." : "", name, index);
}

static void
pop (Reader *reader,
     gsize   mark)
{
  g_string_truncate (reader->where, mark);
}

static VdiProvider *
parse_provider (Reader      *reader,
                JsonObject  *object,
                GHashTable  *by_id,
                GError     **error)
{
  g_autoptr(VdiProvider) provider = NULL;
  const char *id, *name, *host, *username, *fingerprint, *auth;
  gint64 port;
  int subtype;
  gboolean allow_http;

  if (!read_string (reader, object, "id", TRUE, &id, error) ||
      !read_string (reader, object, "name", TRUE, &name, error) ||
      !read_enum (reader, object, "subtype", VDI_TYPE_PROVIDER_SUBTYPE, -1, &subtype, error) ||
      !read_string (reader, object, "host", TRUE, &host, error) ||
      !read_int (reader, object, "port", 1, 65535, 0, &port, error) ||
      !read_string (reader, object, "username", FALSE, &username, error) ||
      !read_bool (reader, object, "allow-http", &allow_http, error) ||
      !read_string (reader, object, "tls-fingerprint", FALSE, &fingerprint, error) ||
      !read_string (reader, object, "auth", FALSE, &auth, error))
    return NULL;
  if (auth != NULL && !vdi_provider_auth_is_valid (auth))
    {
      fail (reader, error, "auth", _("“%s” is not negotiate, kerberos, ntlm or basic"), auth);
      return NULL;
    }

  if (subtype < 0)
    {
      fail (reader, error, "subtype", _("the value is missing"));
      return NULL;
    }
  if (port == 0)
    port = vdi_provider_subtype_default_port (subtype);
  if (g_hash_table_contains (by_id, id))
    {
      fail (reader, error, "id", _("another provider has the id “%s”"), id);
      return NULL;
    }

  provider = vdi_provider_new (id, name, subtype, host, (guint)port);
  vdi_provider_set_username (provider, username);
  vdi_provider_set_allow_http (provider, allow_http);
  /* Farms written before the setting used Basic (over HTTPS, or HTTP where allowed): they go on
   * doing so until the admin chooses otherwise. */
  vdi_provider_set_auth (provider, auth != NULL ? auth : "basic");
  vdi_provider_set_tls_fingerprint (provider, fingerprint);

  return g_steal_pointer (&provider);
}

static VdiProvider *
lookup_provider (Reader      *reader,
                 JsonObject  *object,
                 const char  *member,
                 GHashTable  *by_id,
                 gboolean     required,
                 GError     **error)
{
  const char *id;
  VdiProvider *provider;

  if (!read_string (reader, object, member, required, &id, error))
    return NULL;
  if (id == NULL)
    return NULL;

  provider = g_hash_table_lookup (by_id, id);
  if (provider == NULL)
    fail (reader, error, member, _("no provider has the id “%s”"), id);
  return provider;
}

/* The copies a silent holder abandoned (see vdi-target.h). The holder is kept by id alone: it
 * may have left the farm since, and the next run then forgets the stray. */
static gboolean
parse_strays (Reader      *reader,
              JsonObject  *object,
              VdiTarget   *target,
              GError     **error)
{
  JsonArray *array;

  if (!json_object_has_member (object, "strays"))
    return TRUE;
  if (!(array = read_array (reader, object, "strays", error)))
    return FALSE;
  for (guint i = 0, n = json_array_get_length (array); i < n; i++)
    {
      gsize mark = reader->where->len;
      JsonObject *element = array_object (reader, array, "strays", i, error);
      const char *provider_id, *vm_id, *job;

      if (element == NULL)
        return FALSE;
      push (reader, "strays", i);
      if (!read_string (reader, element, "provider", TRUE, &provider_id, error) ||
          !read_string (reader, element, "vm-id", FALSE, &vm_id, error) ||
          !read_string (reader, element, "job", FALSE, &job, error))
        return FALSE;
      pop (reader, mark);
      vdi_target_add_stray (target, provider_id, vm_id, job);
    }
  return TRUE;
}

static gboolean
parse_target (Reader       *reader,
              JsonObject   *object,
              VdiTemplate  *template,
              GHashTable   *by_id,
              guint         index,
              GError      **error)
{
  g_autoptr(GDateTime) started_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  g_autoptr(GError) local_error = NULL;
  VdiProvider *provider;
  VdiTarget *target;
  const char *remote_vm_id, *export_dir, *fed_from, *outdated_vm_id, *last_error, *job;
  gboolean is_source;
  int state, progress, step;
  double percent;
  gint64 bytes_done, bytes_total;

  provider = lookup_provider (reader, object, "provider", by_id, TRUE, error);
  if (provider == NULL)
    return FALSE;

  if (!read_bool (reader, object, "source", &is_source, error) ||
      !read_enum (reader, object, "state", VDI_TYPE_TARGET_STATE,
                  VDI_TARGET_STATE_NEEDS_UPDATE, &state, error) ||
      !read_enum (reader, object, "progress", VDI_TYPE_DISTRIBUTION,
                  VDI_DISTRIBUTION_NONE, &progress, error) ||
      !read_enum (reader, object, "step", VDI_TYPE_TARGET_STEP,
                  VDI_TARGET_STEP_NONE, &step, error) ||
      !read_double (reader, object, "percent", 0, 100, &percent, error) ||
      !read_int (reader, object, "bytes-done", 0, G_MAXINT64, 0, &bytes_done, error) ||
      !read_int (reader, object, "bytes-total", 0, G_MAXINT64, 0, &bytes_total, error) ||
      !read_string (reader, object, "remote-vm-id", FALSE, &remote_vm_id, error) ||
      !read_string (reader, object, "export-dir", FALSE, &export_dir, error) ||
      !read_string (reader, object, "fed-from", FALSE, &fed_from, error) ||
      !read_string (reader, object, "outdated-vm-id", FALSE, &outdated_vm_id, error) ||
      !read_string (reader, object, "job", FALSE, &job, error) ||
      !read_string (reader, object, "last-error", FALSE, &last_error, error) ||
      !read_time (reader, object, "started-at", &started_at, error) ||
      !read_time (reader, object, "updated-at", &updated_at, error))
    return FALSE;

  /* The source's target is made with the template; it must come first and name the source. */
  if (index == 0 || is_source)
    {
      if (index != 0 || !is_source || provider != vdi_template_get_source_provider (template))
        return fail (reader, error, "provider",
                     _("the first target must be the template's source provider, "
                       "and only the first"));
      target = vdi_template_get_source_target (template);
    }
  else
    {
      target = vdi_template_add_target (template, provider, &local_error);
      if (target == NULL)
        return fail (reader, error, "provider", "%s", local_error->message);
    }

  vdi_target_set_state (target, state);
  vdi_target_set_progress (target, progress);
  vdi_target_set_step (target, step);
  vdi_target_update_transfer (target, percent, bytes_done, bytes_total, 0, -1);
  vdi_target_set_remote_vm_id (target, remote_vm_id);
  vdi_target_set_export_dir (target, export_dir);
  vdi_target_set_fed_from (target, fed_from);
  vdi_target_set_outdated_vm_id (target, outdated_vm_id);
  vdi_target_set_job (target, job);
  vdi_target_set_last_error (target, last_error);
  vdi_target_set_started_at (target, started_at);
  if (!parse_strays (reader, object, target, error))
    return FALSE;

  /* Work found running is as the file says; what that means (interrupted, or another
   * process's work under way) is for whoever applies the contents (vdi-farm-store.c). */
  if (updated_at != NULL)
    _vdi_target_restore_updated_at (target, updated_at);

  return TRUE;
}

static gboolean
parse_host (Reader       *reader,
            JsonObject   *object,
            VdiTemplate  *template,
            GHashTable   *by_id,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VdiHost) host = NULL;
  VdiProvider *provider = NULL;
  const char *name, *datastore, *vm_id, *last_error;
  gboolean needs_recreate;
  int state;

  if (!read_string (reader, object, "name", TRUE, &name, error))
    return FALSE;
  if (json_object_has_member (object, "provider"))
    {
      provider = lookup_provider (reader, object, "provider", by_id, FALSE, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (!read_string (reader, object, "datastore", FALSE, &datastore, error) ||
      !read_enum (reader, object, "state", VDI_TYPE_HOST_STATE, VDI_HOST_STATE_CREATING,
                  &state, error) ||
      !read_string (reader, object, "vm-id", FALSE, &vm_id, error) ||
      !read_string (reader, object, "last-error", FALSE, &last_error, error) ||
      !read_bool (reader, object, "needs-recreate", &needs_recreate, error))
    return FALSE;

  host = vdi_host_new (name, provider);
  vdi_host_set_needs_recreate (host, needs_recreate);
  vdi_host_set_datastore (host, datastore);
  vdi_host_set_vm_id (host, vm_id);
  vdi_host_set_last_error (host, last_error);
  vdi_host_set_state (host, state);

  vdi_template_add_host (template, host);
  return TRUE;
}

static VdiTemplate *
parse_template (Reader       *reader,
                JsonObject   *object,
                GHashTable   *by_id,
                GHashTable   *template_ids,
                GError      **error)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) datastores = g_ptr_array_new_with_free_func (g_free);
  VdiProvider *source;
  const char *id, *name, *vm_name, *vm_id, *format;
  JsonArray *array;
  gboolean multi_provider, relay;
  gint64 concurrency, initial_hosts, max_hosts;
  int status, clone_method, datastore_mode;

  if (!read_string (reader, object, "id", TRUE, &id, error) ||
      !read_string (reader, object, "name", TRUE, &name, error))
    return NULL;
  if (g_hash_table_contains (template_ids, id))
    {
      fail (reader, error, "id", _("another template has the id “%s”"), id);
      return NULL;
    }

  source = lookup_provider (reader, object, "source-provider", by_id, TRUE, error);
  if (source == NULL)
    return NULL;

  if (!read_string (reader, object, "source-vm-name", TRUE, &vm_name, error) ||
      !read_string (reader, object, "source-vm-id", FALSE, &vm_id, error) ||
      !read_enum (reader, object, "status", VDI_TYPE_TEMPLATE_STATUS, VDI_TEMPLATE_STATUS_OK,
                  &status, error) ||
      !read_bool (reader, object, "multi-provider", &multi_provider, error) ||
      !read_int (reader, object, "concurrency", 1, 1024, 1, &concurrency, error) ||
      /* Absent in farms from before relay existed: those copy from the source only. */
      !read_bool (reader, object, "relay", &relay, error) ||
      !read_string (reader, object, "host-name-format", TRUE, &format, error) ||
      !read_int (reader, object, "initial-hosts", 0, G_MAXUINT, 0, &initial_hosts, error) ||
      !read_int (reader, object, "max-hosts", 1, G_MAXUINT, 10, &max_hosts, error) ||
      !read_enum (reader, object, "clone-method", VDI_TYPE_CLONE_METHOD, VDI_CLONE_METHOD_FULL,
                  &clone_method, error) ||
      !read_enum (reader, object, "datastore-mode", VDI_TYPE_DATASTORE_MODE,
                  VDI_DATASTORE_MODE_SOURCE, &datastore_mode, error) ||
      !read_time (reader, object, "created-at", &created_at, error))
    return NULL;

  template = vdi_template_new (id, name, source, vm_name);
  vdi_template_set_source_vm_id (template, vm_id);
  vdi_template_set_status (template, status);
  vdi_template_set_host_name_format (template, format);
  vdi_template_set_relay (template, relay);
  vdi_template_set_initial_hosts (template, (guint)initial_hosts);
  vdi_template_set_max_hosts (template, (guint)max_hosts);
  vdi_template_set_clone_method (template, clone_method);
  vdi_template_set_datastore_mode (template, datastore_mode);
  vdi_template_set_created_at (template, created_at);
  if (!vdi_template_set_multi_provider (template, multi_provider, &local_error))
    {
      fail (reader, error, "multi-provider", "%s", local_error->message);
      return NULL;
    }

  if (json_object_has_member (object, "datastores"))
    {
      if (!(array = read_array (reader, object, "datastores", error)))
        return NULL;
      for (guint i = 0, n = json_array_get_length (array); i < n; i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (json_node_get_value_type (node) != G_TYPE_STRING)
            {
              g_autofree char *member = g_strdup_printf ("datastores[%u]", i);

              fail (reader, error, member, _("expected text"));
              return NULL;
            }
          g_ptr_array_add (datastores, g_strdup (json_node_get_string (node)));
        }
    }
  g_ptr_array_add (datastores, NULL);
  vdi_template_set_datastores (template, (const char * const *)datastores->pdata);

  if (!(array = read_array (reader, object, "targets", error)))
    return NULL;
  if (json_array_get_length (array) == 0)
    {
      fail (reader, error, "targets", _("the source provider's entry is missing"));
      return NULL;
    }
  for (guint i = 0, n = json_array_get_length (array); i < n; i++)
    {
      gsize mark = reader->where->len;
      JsonObject *element = array_object (reader, array, "targets", i, error);

      if (element == NULL)
        return NULL;
      push (reader, "targets", i);
      if (!parse_target (reader, element, template, by_id, i, error))
        return NULL;
      pop (reader, mark);
    }

  if (!vdi_template_set_concurrency (template, (guint)concurrency, &local_error))
    {
      fail (reader, error, "concurrency", "%s", local_error->message);
      return NULL;
    }

  if (json_object_has_member (object, "hosts"))
    {
      if (!(array = read_array (reader, object, "hosts", error)))
        return NULL;
      for (guint i = 0, n = json_array_get_length (array); i < n; i++)
        {
          gsize mark = reader->where->len;
          JsonObject *element = array_object (reader, array, "hosts", i, error);

          if (element == NULL)
            return NULL;
          push (reader, "hosts", i);
          if (!parse_host (reader, element, template, by_id, error))
            return NULL;
          pop (reader, mark);
        }
    }

  vdi_template_lock (template);

  return g_steal_pointer (&template);
}

typedef enum
{
  SCAN_OK,
  SCAN_TOO_DEEP,
  SCAN_CUT_OFF,
} ScanResult;

/* json-glib's parser recurses without a limit, so a file of nothing but "[[[[…" must be refused
 * before it parses; and its message for a file that was cut off names some earlier character,
 * so that case is found here too. Counts nesting outside strings. */
static ScanResult
scan_structure (const char *data,
                gsize       length,
                guint      *line)
{
  char open[MAX_DEPTH];
  guint depth = 0;
  gboolean in_string = FALSE;

  *line = 1;
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        (*line)++;
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (depth == MAX_DEPTH)
            return SCAN_TOO_DEEP;
          open[depth++] = c;
        }
      else if (c == '}' || c == ']')
        {
          /* A wrong or extra closing bracket is the parser's to report, with its place. */
          if (depth == 0 || open[depth - 1] != (c == '}' ? '{' : '['))
            return SCAN_OK;
          depth--;
        }
    }

  return depth > 0 || in_string ? SCAN_CUT_OFF : SCAN_OK;
}

/**
 * _vdi_farm_parse:
 *
 * Parses a farm file. Safe to call from any thread: it touches nothing shared.
 *
 * Returns: (transfer full): the providers and templates, or %NULL with a message that names
 *   the file and the place in it that is wrong.
 */
VdiFarmContents *
_vdi_farm_parse (const char  *path,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) template_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(VdiFarmContents) contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) where = g_string_new (NULL);
  Reader reader = { path, where };
  JsonNode *root;
  JsonObject *object;
  JsonArray *array;
  gint64 version;
  guint line;
  ScanResult scan;

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                   _("The farm file “%s” is damaged: it contains binary data"), path);
      return NULL;
    }

  scan = scan_structure (data, length, &line);
  if (scan == SCAN_TOO_DEEP)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                   _("The farm file “%s” is damaged at line %u: it nests deeper than a farm "
                     "file can"), path, line);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, (gssize)length, &local_error))
    {
      int err_line = 0, err_column = 0, consumed = 0;
      const char *message = local_error->message;

      if (scan == SCAN_CUT_OFF)
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                       _("The farm file “%s” is cut off: it ends at line %u before its data is "
                         "complete"), path, line);
          return NULL;
        }

      /* json-glib says "<data>:LINE:COLUMN: Parse error: …"; keep the useful part. */
      if (sscanf (message, "<data>:%d:%d: %n", &err_line, &err_column, &consumed) >= 2 &&
          consumed > 0)
        {
          message += consumed;
          if (g_str_has_prefix (message, "Parse error: "))
            message += strlen ("Parse error: ");
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                       _("The farm file “%s” is damaged at line %d, column %d: %s"),
                       path, err_line, err_column, message);
        }
      else
        g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                     _("The farm file “%s” is damaged: %s"), path, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CORRUPT,
                   _("The farm file “%s” is empty"), path);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (&reader, error, NULL, _("expected an object"));
      return NULL;
    }
  object = json_node_get_object (root);

  if (!json_object_has_member (object, "version"))
    {
      fail (&reader, error, "version", _("the value is missing"));
      return NULL;
    }
  if (!read_int (&reader, object, "version", 1, G_MAXINT64, 1, &version, error))
    return NULL;
  if (version > VDI_FARM_VERSION)
    {
      g_autofree char *found = g_strdup_printf ("%" G_GINT64_FORMAT, version);

      g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_UNSUPPORTED_VERSION,
                   _("The farm file “%s” was written by a newer version of VDI Console "
                     "(format %s; this version reads format %d and older)"),
                   path, found, VDI_FARM_VERSION);
      return NULL;
    }

  contents = g_new0 (VdiFarmContents, 1);
  contents->providers = g_ptr_array_new_with_free_func (g_object_unref);
  contents->templates = g_ptr_array_new_with_free_func (g_object_unref);

  if (!(array = read_array (&reader, object, "providers", error)))
    return NULL;
  for (guint i = 0, n = json_array_get_length (array); i < n; i++)
    {
      JsonObject *element = array_object (&reader, array, "providers", i, error);
      VdiProvider *provider;

      if (element == NULL)
        return NULL;
      push (&reader, "providers", i);
      provider = parse_provider (&reader, element, by_id, error);
      if (provider == NULL)
        return NULL;
      pop (&reader, 0);
      g_ptr_array_add (contents->providers, provider);
      g_hash_table_insert (by_id, (gpointer)vdi_provider_get_id (provider), provider);
    }

  if (!(array = read_array (&reader, object, "templates", error)))
    return NULL;
  for (guint i = 0, n = json_array_get_length (array); i < n; i++)
    {
      JsonObject *element = array_object (&reader, array, "templates", i, error);
      VdiTemplate *template;

      if (element == NULL)
        return NULL;
      push (&reader, "templates", i);
      template = parse_template (&reader, element, by_id, template_ids, error);
      if (template == NULL)
        return NULL;
      pop (&reader, 0);
      g_ptr_array_add (contents->templates, template);
      g_hash_table_insert (template_ids, (gpointer)vdi_template_get_id (template), template);
    }

  return g_steal_pointer (&contents);
}

/* Row by row ------------------------------------------------------------------------------- */

/* A database store keeps each provider and template as a row holding its JSON object. Parsing
 * them one at a time, each tree freed before the next, keeps the load's peak memory near the
 * farm's own objects instead of a tree of the whole farm on top of them. */
struct _VdiFarmRowParser
{
  char            *path;
  GString         *where;
  JsonParser      *parser;
  GHashTable      *by_id;
  GHashTable      *template_ids;
  VdiFarmContents *contents;
};

VdiFarmRowParser *
_vdi_farm_row_parser_new (const char *path)
{
  VdiFarmRowParser *self = g_new0 (VdiFarmRowParser, 1);

  self->path = g_strdup (path);
  self->where = g_string_new (NULL);
  self->parser = json_parser_new_immutable ();
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->template_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->contents = g_new0 (VdiFarmContents, 1);
  self->contents->providers = g_ptr_array_new_with_free_func (g_object_unref);
  self->contents->templates = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

/* Templates parsed after this name these providers (a farm's own, when rows that changed are
 * read into it): the model's objects, not new ones. Of two with one id, the later. @providers
 * is read here: in a worker, a copy of the farm's list made on its thread. */
void
_vdi_farm_row_parser_use_providers (VdiFarmRowParser *self,
                                    GListModel       *providers)
{
  for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      g_hash_table_insert (self->by_id, (gpointer)vdi_provider_get_id (provider), provider);
    }
}

void
_vdi_farm_row_parser_free (VdiFarmRowParser *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_string_free (self->where, TRUE);
  g_object_unref (self->parser);
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->template_ids);
  g_clear_pointer (&self->contents, _vdi_farm_contents_free);
  g_free (self);
}

/* The row's object, named "providers[3]" or "templates[3]" in messages, as in a farm file. */
static JsonObject *
row_object (VdiFarmRowParser  *self,
            Reader            *reader,
            const char        *kind,
            guint              index,
            const char        *doc,
            gsize              length,
            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  guint line;

  g_string_truncate (self->where, 0);
  push (reader, kind, index);
  if (memchr (doc, '\0', length) != NULL)
    {
      fail (reader, error, NULL, _("it contains binary data"));
      return NULL;
    }
  if (scan_structure (doc, length, &line) != SCAN_OK ||
      !json_parser_load_from_data (self->parser, doc, (gssize)length, &local_error))
    {
      fail (reader, error, NULL, _("it is not a complete JSON object"));
      return NULL;
    }
  root = json_parser_get_root (self->parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (reader, error, NULL, _("expected an object"));
      return NULL;
    }
  return json_node_get_object (root);
}

gboolean
_vdi_farm_row_parser_add_provider (VdiFarmRowParser  *self,
                                   const char        *doc,
                                   gsize              length,
                                   GError           **error)
{
  Reader reader = { self->path, self->where };
  guint index = self->contents->providers->len;
  JsonObject *object = row_object (self, &reader, "providers", index, doc, length, error);
  VdiProvider *provider;

  if (object == NULL ||
      (provider = parse_provider (&reader, object, self->by_id, error)) == NULL)
    return FALSE;
  g_ptr_array_add (self->contents->providers, provider);
  g_hash_table_insert (self->by_id, (gpointer)vdi_provider_get_id (provider), provider);
  return TRUE;
}

/* Templates after every provider: their targets name providers by id. */
gboolean
_vdi_farm_row_parser_add_template (VdiFarmRowParser  *self,
                                   const char        *doc,
                                   gsize              length,
                                   GError           **error)
{
  Reader reader = { self->path, self->where };
  guint index = self->contents->templates->len;
  JsonObject *object = row_object (self, &reader, "templates", index, doc, length, error);
  VdiTemplate *template;

  if (object == NULL ||
      (template = parse_template (&reader, object, self->by_id, self->template_ids,
                                  error)) == NULL)
    return FALSE;
  g_ptr_array_add (self->contents->templates, template);
  g_hash_table_insert (self->template_ids, (gpointer)vdi_template_get_id (template), template);
  return TRUE;
}

/**
 * _vdi_farm_row_parser_finish:
 *
 * Returns: (transfer full): what was parsed; @self is freed.
 */
VdiFarmContents *
_vdi_farm_row_parser_finish (VdiFarmRowParser *self)
{
  VdiFarmContents *contents = g_steal_pointer (&self->contents);

  _vdi_farm_row_parser_free (self);
  return contents;
}
