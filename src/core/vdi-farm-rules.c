/* vdi-farm-rules.c: what a farm accepts: names, addresses, targets, and what may be removed.
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

#define MAX_PROVIDER_NAME 128

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

      if (_vdi_farm_same_name (vdi_provider_get_name (other), name))
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
          _vdi_farm_same_name (vdi_template_get_name (other), vdi_template_get_name (template)))
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

