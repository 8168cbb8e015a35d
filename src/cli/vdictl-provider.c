/* vdictl-provider.c: vdictl's provider commands.
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

#include "vdi-hyperv-backend.h"
#include "vdictl-private.h"

/* Provider status, as `provider add` and `provider check` report it ---------------------- */

/* What a check of a provider found. */
typedef struct
{
  char                 *version;    /* NULL when not Ready; then error says why */
  char                 *mechanism;  /* Hyper-V: what the live session authenticated with */
  VdiMigrationSettings *migration;  /* Hyper-V: its live-migration settings, when read */
  GError               *error;
} ProbeResult;

static void
probe_result_clear (ProbeResult *probe)
{
  g_clear_pointer (&probe->version, g_free);
  g_clear_pointer (&probe->mechanism, g_free);
  g_clear_pointer (&probe->migration, vdi_migration_settings_free);
  g_clear_error (&probe->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProbeResult, probe_result_clear)

/* Asks the provider for its version with PASSWORD and, for Hyper-V, what a copy to or from it
 * needs (its live-migration settings), as the console's status does. */
static void
probe_provider (VdiProvider  *provider,
                const char   *password,
                ProbeResult  *probe)
{
  g_autoptr(VdiBackend) backend = vdi_backend_new_for_provider (provider, password, &probe->error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) settings_result = NULL;
  g_autoptr(GError) settings_error = NULL;

  if (backend == NULL)
    return;
  vdi_backend_probe_async (backend, NULL, vdictl_store_result_cb, &result);
  probe->version = vdi_backend_probe_finish (backend, vdictl_wait_for (&result), &probe->error);
  if (probe->version == NULL || !VDI_IS_HYPERV_BACKEND (backend))
    return;

  probe->mechanism = g_strdup (vdi_hyperv_backend_get_auth_label (VDI_HYPERV_BACKEND (backend)));
  vdi_backend_get_migration_settings_async (backend, NULL, vdictl_store_result_cb,
                                            &settings_result);
  probe->migration = vdi_backend_get_migration_settings_finish (backend,
                                                                vdictl_wait_for (&settings_result),
                                                                &settings_error);
  if (probe->migration == NULL)
    g_debug ("%s: live-migration settings unknown: %s", vdi_provider_get_name (provider),
             settings_error->message);
}

static void
add_status_json (JsonBuilder       *builder,
                 VdiProvider       *provider,
                 const ProbeResult *probe)
{
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, probe->version != NULL ? "ready" : "not-available");
  json_builder_set_member_name (builder, probe->version != NULL ? "version" : "reason");
  json_builder_add_string_value (builder, probe->version != NULL ? probe->version
                                                                 : probe->error->message);
  if (probe->mechanism != NULL)
    {
      json_builder_set_member_name (builder, "auth");
      json_builder_add_string_value (builder, probe->mechanism);
    }
  if (probe->migration != NULL)
    {
      g_autoptr(GError) problem = NULL;

      json_builder_set_member_name (builder, "live-migration");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, probe->migration->enabled);
      json_builder_set_member_name (builder, "authentication");
      json_builder_add_string_value (builder,
                                     probe->migration->authentication == VDI_MIGRATION_AUTH_KERBEROS
                                       ? "kerberos" : "credssp");
      json_builder_set_member_name (builder, "simultaneous");
      json_builder_add_int_value (builder, probe->migration->max_migrations);
      json_builder_set_member_name (builder, "simultaneous-storage");
      json_builder_add_int_value (builder, probe->migration->max_storage_migrations);
      if (!vdi_migration_settings_check (probe->migration, vdi_provider_get_name (provider),
                                         &problem))
        {
          json_builder_set_member_name (builder, "problem");
          json_builder_add_string_value (builder, problem->message);
        }
      json_builder_end_object (builder);
    }
}

static void
print_status (VdiProvider       *provider,
              const ProbeResult *probe)
{
  const char *name = vdi_provider_get_name (provider);
  g_autoptr(GError) problem = NULL;

  if (probe->version != NULL && probe->mechanism != NULL)
    /* Translators: the last %s is an authentication: Kerberos, NTLM or Basic. */
    g_print (_("%s: Ready (%s, %s)\n"), name, probe->version, probe->mechanism);
  else if (probe->version != NULL)
    g_print (_("%s: Ready (%s)\n"), name, probe->version);
  else
    g_print (_("%s: Not available: %s\n"), name, probe->error->message);

  if (probe->migration == NULL)
    return;
  if (!vdi_migration_settings_check (probe->migration, name, &problem))
    /* Translators: %s says what is wrong and how to fix it. */
    g_print (_("  Live migration: %s\n"), problem->message);
  else
    /* Translators: the first %u is how many live migrations may run at once, the second how
     * many storage migrations; the %s an authentication: Kerberos or CredSSP. */
    g_print (_("  Live migration: enabled, %u at a time, %u storage migrations, %s\n"),
             probe->migration->max_migrations, probe->migration->max_storage_migrations,
             probe->migration->authentication == VDI_MIGRATION_AUTH_KERBEROS ? "Kerberos"
                                                                               : "CredSSP");
}

/* provider add ----------------------------------------------------------------------------- */

static gboolean
parse_subtype (const char         *text,
               VdiProviderType     type,
               VdiProviderSubtype *subtype)
{
  /* Short forms an admin would type, beside the stable nicks. */
  static const struct { const char *name; VdiProviderSubtype subtype; } aliases[] = {
    { "standalone", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "failover-cluster", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER },
    { "cluster", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER },
    { "6.5", VDI_PROVIDER_SUBTYPE_VCENTER_6_5 },
    { "6.7", VDI_PROVIDER_SUBTYPE_VCENTER_6_7 },
    { "7", VDI_PROVIDER_SUBTYPE_VCENTER_7 },
    { "7.x", VDI_PROVIDER_SUBTYPE_VCENTER_7 },
    { "8", VDI_PROVIDER_SUBTYPE_VCENTER_8 },
    { "8.0", VDI_PROVIDER_SUBTYPE_VCENTER_8 },
  };
  int value;

  if (vdi_enum_from_nick (VDI_TYPE_PROVIDER_SUBTYPE, text, &value))
    *subtype = value;
  else
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (aliases); i++)
        {
          if (g_ascii_strcasecmp (text, aliases[i].name) == 0 &&
              vdi_provider_subtype_get_provider_type (aliases[i].subtype) == type)
            break;
        }
      if (i == G_N_ELEMENTS (aliases))
        return FALSE;
      *subtype = aliases[i].subtype;
    }

  return vdi_provider_subtype_get_provider_type (*subtype) == type;
}

/* ADDRESS is host, host:port, [v6]:port, or a URL http(s)://host:port/path. */
static gboolean
parse_address (const char  *address,
               char       **host,
               int         *port,
               gboolean    *http)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;

  *http = g_str_has_prefix (address, "http://");
  if (strstr (address, "://") == NULL)
    address = with_scheme = g_strconcat ("https://", address, NULL);

  uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  *host = g_strdup (g_uri_get_host (uri));
  *port = g_uri_get_port (uri);
  return TRUE;
}

int
vdictl_provider_add (Cli   *cli,
                     int    argc,
                     char **argv)
{
  g_autofree char *type_text = NULL;
  g_autofree char *subtype_text = NULL;
  g_autofree char *address = NULL;
  g_autofree char *user = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *auth = NULL;
  gboolean password_stdin = FALSE, allow_http = FALSE, no_check = FALSE;
  GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &type_text, N_("hyperv or vcenter"), "TYPE" },
    { "subtype", 0, 0, G_OPTION_ARG_STRING, &subtype_text,
      N_("hyperv-standalone, hyperv-failover-cluster, vcenter-6.5, vcenter-6.7, vcenter-7, "
         "vcenter-8"), "SUBTYPE" },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      N_("host, host:port, or https://host:port"), "ADDRESS" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("user name"), "USER" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read the password from standard input"), NULL },
    { "allow-http", 0, 0, G_OPTION_ARG_NONE, &allow_http,
      N_("allow plain HTTP for Basic (the password travels unencrypted)"), NULL },
    { "auth", 0, 0, G_OPTION_ARG_STRING, &auth,
      N_("Hyper-V authentication: negotiate (default), kerberos, ntlm or basic"), "AUTH" },
    { "trust", 0, 0, G_OPTION_ARG_STRING, &trust,
      N_("trust the certificate with this SHA-256 fingerprint"), "FINGERPRINT" },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check,
      N_("add the provider without connecting to it"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME — add a provider"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiProvider) provider = NULL;
  g_autofree char *host = NULL;
  g_autofree char *id = NULL;
  g_autoptr(VdiSecret) password = NULL;
  g_auto(ProbeResult) probe = { NULL };
  VdiProviderSubtype subtype;
  int value, port = -1;
  gboolean http, sealed;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_USAGE;
    }
  if (argc != 2 || type_text == NULL || subtype_text == NULL || address == NULL)
    {
      vdictl_fail (_("usage: provider add NAME --type TYPE --subtype SUBTYPE --address ADDRESS "
              "[--user USER] [--password-stdin] [--auth AUTH] [--allow-http] [--trust FINGERPRINT] [--no-check]"));
      return EXIT_USAGE;
    }
  if (auth != NULL && !vdi_provider_auth_is_valid (auth))
    {
      vdictl_fail (_("unknown authentication “%s”: use negotiate, kerberos, ntlm or basic"), auth);
      return EXIT_USAGE;
    }
  if (!vdi_enum_from_nick (VDI_TYPE_PROVIDER_TYPE, type_text, &value))
    {
      vdictl_fail (_("unknown provider type “%s”: use hyperv or vcenter"), type_text);
      return EXIT_USAGE;
    }
  if (!parse_subtype (subtype_text, value, &subtype))
    {
      vdictl_fail (_("“%s” is not a subtype of %s"), subtype_text,
            vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE, value));
      return EXIT_USAGE;
    }
  if (!parse_address (address, &host, &port, &http))
    {
      vdictl_fail (_("“%s” is not an address: use host, host:port or https://host:port"), address);
      return EXIT_USAGE;
    }
  /* Hyper-V with Negotiate, Kerberos or NTLM seals every message: plain HTTP (WinRM's stock
   * listener on 5985) sends nothing in clear and needs no --allow-http. Basic still does. */
  sealed = value == VDI_PROVIDER_TYPE_HYPERV && g_strcmp0 (auth != NULL ? auth : "negotiate", "basic") != 0;
  if (http && !allow_http && !sealed)
    {
      vdictl_fail (_("plain HTTP sends the password unencrypted; add --allow-http to allow it"));
      return EXIT_USAGE;
    }
  if (port <= 0)
    port = sealed && (http || !g_str_has_prefix (address, "https://")) ? 5985
                                                                      : (int) vdi_provider_subtype_default_port (subtype);

  id = g_uuid_string_random ();
  provider = vdi_provider_new (id, argv[1], subtype, host, (guint) port);
  vdi_provider_set_username (provider, user);
  /* A sealed provider named with http:// keeps to HTTP on any port. */
  vdi_provider_set_allow_http (provider, allow_http || (http && sealed));
  if (value == VDI_PROVIDER_TYPE_HYPERV)
    vdi_provider_set_auth (provider, auth != NULL ? auth : "negotiate");
  vdi_provider_set_tls_fingerprint (provider, trust);

  if (!vdi_farm_add_provider (cli->farm, provider, &error) ||
      !vdi_farm_save (cli->farm, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  if (password_stdin)
    {
      password = vdictl_read_password_stdin (NULL);
      if (!vdi_credentials_store_sync (cli->credentials, id, argv[1], password, NULL, &error))
        {
          vdictl_fail (_("the provider was added, but its password could not be stored: %s"),
                error->message);
          return EXIT_ERROR;
        }
      if (!vdi_credentials_get_secret_service_available (cli->credentials))
        g_printerr (_("vdictl: no Secret Service is running, so the password was not saved; "
                      "give it with --password-stdin to each command\n"));
    }

  /* A wrong password or address should show now, not at the first template. The provider
   * stays either way: the admin may be adding it before the host is up. */
  if (!no_check)
    probe_provider (provider, password, &probe);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, argv[1]);
      if (!no_check)
        add_status_json (builder, provider, &probe);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      vdictl_print_json (root);
    }
  else if (!no_check)
    print_status (provider, &probe);

  if (no_check || probe.version != NULL)
    return EXIT_OK;

  g_printerr (_("vdictl: %s was added but is not ready; check its settings, or remove it with "
                "“vdictl provider remove %s”\n"), argv[1], argv[1]);
  return EXIT_NOT_READY;
}

/* provider list ------------------------------------------------------------------------------ */

static void
add_provider_json (JsonBuilder *builder,
                   VdiProvider *provider)
{
  g_autofree char *address = vdi_provider_dup_address (provider);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, vdi_provider_get_id (provider));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, vdi_provider_get_name (provider));
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, vdi_enum_get_nick (VDI_TYPE_PROVIDER_TYPE,
                                                             vdi_provider_get_provider_type (provider)));
  json_builder_set_member_name (builder, "subtype");
  json_builder_add_string_value (builder, vdi_enum_get_nick (VDI_TYPE_PROVIDER_SUBTYPE,
                                                             vdi_provider_get_subtype (provider)));
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, vdi_provider_get_host (provider));
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, vdi_provider_get_port (provider));
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, vdi_provider_get_username (provider));
  json_builder_set_member_name (builder, "allow-http");
  json_builder_add_boolean_value (builder, vdi_provider_get_allow_http (provider));
  if (vdi_provider_get_provider_type (provider) == VDI_PROVIDER_TYPE_HYPERV)
    {
      json_builder_set_member_name (builder, "auth");
      json_builder_add_string_value (builder, vdi_provider_get_auth (provider));
    }
  json_builder_set_member_name (builder, "trusted-fingerprint");
  json_builder_add_string_value (builder, vdi_provider_get_tls_fingerprint (provider));
  json_builder_end_object (builder);
}

int
vdictl_provider_list (Cli   *cli,
                      int    argc,
                      char **argv)
{
  GListModel *providers = vdi_farm_get_providers (cli->farm);
  guint n = g_list_model_get_n_items (providers);

  if (argc != 1)
    {
      vdictl_fail (_("usage: provider list"));
      return EXIT_USAGE;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

          add_provider_json (builder, provider);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      vdictl_print_json (root);
      return EXIT_OK;
    }

  if (n == 0)
    {
      g_print ("%s\n", _("No providers."));
      return EXIT_OK;
    }

  g_print ("%-24s %-18s %-24s %s\n", _("NAME"), _("TYPE"), _("SUBTYPE"), _("ADDRESS"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);
      g_autofree char *address = vdi_provider_dup_address (provider);

      g_print ("%-24s %-18s %-24s %s%s\n", vdi_provider_get_name (provider),
               vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE, vdi_provider_get_provider_type (provider)),
               vdi_enum_get_label (VDI_TYPE_PROVIDER_SUBTYPE, vdi_provider_get_subtype (provider)),
               address, vdi_provider_get_allow_http (provider) ? _(" (HTTP)") : "");
    }
  return EXIT_OK;
}

/* Commands on one provider ------------------------------------------------------------------ */

static gboolean
parse_one_provider (int          *argc,
                    char       ***argv,
                    const char   *usage,
                    gboolean     *password_stdin)
{
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, password_stdin,
      N_("read the password from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      vdictl_fail ("%s", error->message);
      return FALSE;
    }
  if (*argc != 2)
    {
      vdictl_fail (_("usage: provider %s NAME [--password-stdin]"), usage);
      return FALSE;
    }
  return TRUE;
}

static VdiBackend *
open_backend (Cli          *cli,
              VdiProvider  *provider,
              gboolean      password_stdin,
              GError      **error)
{
  g_autoptr(VdiSecret) password = vdictl_get_password (cli, provider, password_stdin);

  return vdi_backend_new_for_provider (provider, password, error);
}

int
vdictl_provider_check (Cli   *cli,
                       int    argc,
                       char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSecret) password = NULL;
  g_auto(ProbeResult) probe = { NULL };
  gboolean password_stdin = FALSE;
  VdiProvider *provider;

  if (!parse_one_provider (&argc, &argv, "check", &password_stdin))
    return EXIT_USAGE;
  if ((provider = vdictl_lookup_provider (cli, argv[1])) == NULL)
    return EXIT_ERROR;

  password = vdictl_get_password (cli, provider, password_stdin);
  probe_provider (provider, password, &probe);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, vdi_provider_get_name (provider));
      add_status_json (builder, provider, &probe);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      vdictl_print_json (root);
    }
  else
    print_status (provider, &probe);

  return probe.version != NULL ? EXIT_OK : EXIT_NOT_READY;
}

static int
cmd_provider_list_inventory (Cli        *cli,
                             int         argc,
                             char      **argv,
                             gboolean    datastores)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gboolean password_stdin = FALSE;
  VdiProvider *provider;

  if (!parse_one_provider (&argc, &argv, datastores ? "datastores" : "vms", &password_stdin))
    return EXIT_USAGE;
  if ((provider = vdictl_lookup_provider (cli, argv[1])) == NULL)
    return EXIT_ERROR;

  backend = open_backend (cli, provider, password_stdin, &error);
  if (backend != NULL)
    {
      if (datastores)
        {
          vdi_backend_list_datastores_async (backend, NULL, vdictl_store_result_cb, &result);
          items = vdi_backend_list_datastores_finish (backend, vdictl_wait_for (&result), &error);
        }
      else
        {
          vdi_backend_list_vms_async (backend, NULL, vdictl_store_result_cb, &result);
          items = vdi_backend_list_vms_finish (backend, vdictl_wait_for (&result), &error);
        }
    }
  if (items == NULL)
    {
      vdictl_fail ("%s: %s", vdi_provider_get_name (provider), error->message);
      return EXIT_ERROR;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < items->len; i++)
        {
          json_builder_begin_object (builder);
          if (datastores)
            {
              VdiDatastoreInfo *ds = g_ptr_array_index (items, i);

              json_builder_set_member_name (builder, "id");
              json_builder_add_string_value (builder, vdi_datastore_info_get_id (ds));
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, vdi_datastore_info_get_name (ds));
              json_builder_set_member_name (builder, "type");
              json_builder_add_string_value (builder, vdi_datastore_info_get_kind (ds));
              json_builder_set_member_name (builder, "capacity");
              json_builder_add_int_value (builder, vdi_datastore_info_get_capacity (ds));
              json_builder_set_member_name (builder, "free-space");
              json_builder_add_int_value (builder, vdi_datastore_info_get_free_space (ds));
              json_builder_set_member_name (builder, "accessible");
              json_builder_add_boolean_value (builder, vdi_datastore_info_get_accessible (ds));
            }
          else
            {
              VdiVmInfo *vm = g_ptr_array_index (items, i);

              json_builder_set_member_name (builder, "id");
              json_builder_add_string_value (builder, vdi_vm_info_get_id (vm));
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, vdi_vm_info_get_name (vm));
              json_builder_set_member_name (builder, "template");
              json_builder_add_boolean_value (builder, vdi_vm_info_get_is_template (vm));
              json_builder_set_member_name (builder, "powered-on");
              json_builder_add_boolean_value (builder, vdi_vm_info_get_powered_on (vm));
              json_builder_set_member_name (builder, "disk-bytes");
              json_builder_add_int_value (builder, vdi_vm_info_get_disk_bytes (vm));
              json_builder_set_member_name (builder, "host");
              json_builder_add_string_value (builder, vdi_vm_info_get_host (vm));
              json_builder_set_member_name (builder, "datastore");
              json_builder_add_string_value (builder, vdi_vm_info_get_datastore (vm));
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      vdictl_print_json (root);
      return EXIT_OK;
    }

  for (guint i = 0; i < items->len; i++)
    {
      if (datastores)
        {
          VdiDatastoreInfo *ds = g_ptr_array_index (items, i);
          g_autofree char *free_text = g_format_size (vdi_datastore_info_get_free_space (ds));
          g_autofree char *capacity = g_format_size (vdi_datastore_info_get_capacity (ds));

          g_print ("%-28s %-8s %s / %s%s\n", vdi_datastore_info_get_name (ds),
                   vdi_datastore_info_get_kind (ds) != NULL ? vdi_datastore_info_get_kind (ds) : "",
                   free_text, capacity,
                   vdi_datastore_info_get_accessible (ds) ? "" : _("  (not accessible)"));
        }
      else
        {
          VdiVmInfo *vm = g_ptr_array_index (items, i);

          g_print ("%-36s  %s%s\n", vdi_vm_info_get_id (vm), vdi_vm_info_get_name (vm),
                   vdi_vm_info_get_is_template (vm) ? _("  (template)") :
                   vdi_vm_info_get_powered_on (vm) ? _("  (running)") : "");
        }
    }
  return EXIT_OK;
}

int
vdictl_provider_vms (Cli   *cli,
                     int    argc,
                     char **argv)
{
  return cmd_provider_list_inventory (cli, argc, argv, FALSE);
}

int
vdictl_provider_datastores (Cli   *cli,
                            int    argc,
                            char **argv)
{
  return cmd_provider_list_inventory (cli, argc, argv, TRUE);
}

int
vdictl_provider_remove (Cli   *cli,
                        int    argc,
                        char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiProvider) provider = NULL;

  if (argc != 2)
    {
      vdictl_fail (_("usage: provider remove NAME"));
      return EXIT_USAGE;
    }
  if (vdi_farm_find_provider (cli->farm, argv[1]) == NULL)
    {
      vdictl_fail (_("no provider is named “%s”"), argv[1]);
      return EXIT_ERROR;
    }

  provider = g_object_ref (vdi_farm_find_provider (cli->farm, argv[1]));
  if (!vdi_farm_remove_provider (cli->farm, provider, &error) ||
      !vdi_farm_save (cli->farm, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  /* The password goes with the provider. */
  vdi_credentials_clear_sync (cli->credentials, vdi_provider_get_id (provider), NULL, NULL);
  return EXIT_OK;
}
