/* vdictl-template.c: vdictl's template commands.
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

#include "vdi-farm-lock.h"
#include "vdi-host-manager.h"
#include "vdi-maintenance.h"
#include "vdi-template-creator.h"
#include "vdictl-private.h"

static gboolean
parse_options (int           *argc,
               char        ***argv,
               const char    *parameter_string,
               GOptionEntry  *entries,
               int            n_arguments,
               const char    *usage)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;

  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      vdictl_fail ("%s", error->message);
      return FALSE;
    }
  if (*argc != n_arguments + 1)
    {
      vdictl_fail (_("usage: template %s"), usage);
      return FALSE;
    }
  return TRUE;
}

static VdiTemplate *
lookup_template (Cli        *cli,
                 const char *name)
{
  VdiTemplate *template = vdi_farm_find_template (cli->farm, name);

  if (template == NULL)
    vdictl_fail (_("no template is named “%s”"), name);
  return template;
}

/* The source and every target of @template, plus @extra. */
static GPtrArray *
involved_providers (VdiTemplate *template,
                    VdiProvider *extra)
{
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *targets = vdi_template_get_targets (template);

  g_ptr_array_add (providers, g_object_ref (vdi_template_get_source_provider (template)));
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiProvider *provider = vdi_target_get_provider (target);

      if (!g_ptr_array_find (providers, provider, NULL))
        g_ptr_array_add (providers, g_object_ref (provider));
    }
  if (extra != NULL && !g_ptr_array_find (providers, extra, NULL))
    g_ptr_array_add (providers, g_object_ref (extra));
  return providers;
}

/* JSON ----------------------------------------------------------------------------------------- */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 GDateTime   *time)
{
  g_autofree char *text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  add_string_member (builder, name, text);
}

static void
add_template_summary_json (JsonBuilder *builder,
                           VdiTemplate *template)
{
  double fraction = vdi_template_get_distribution_fraction (template);

  add_string_member (builder, "id", vdi_template_get_id (template));
  add_string_member (builder, "name", vdi_template_get_name (template));
  add_string_member (builder, "provider",
                     vdi_provider_get_name (vdi_template_get_source_provider (template)));
  add_string_member (builder, "source-vm", vdi_template_get_source_vm_name (template));
  add_string_member (builder, "source-vm-id", vdi_template_get_source_vm_id (template));
  add_string_member (builder, "status", vdi_enum_get_nick (VDI_TYPE_TEMPLATE_STATUS,
                                                           vdi_template_get_status (template)));
  add_int_member (builder, "hosts-ready", vdi_template_get_hosts_ready (template));
  add_int_member (builder, "hosts-total", vdi_template_get_hosts_total (template));
  json_builder_set_member_name (builder, "multi-provider");
  json_builder_add_boolean_value (builder, vdi_template_get_multi_provider (template));
  add_string_member (builder, "distribution",
                     vdi_enum_get_nick (VDI_TYPE_DISTRIBUTION,
                                        vdi_template_get_distribution (template)));
  json_builder_set_member_name (builder, "distribution-percent");
  if (fraction >= 0)
    json_builder_add_double_value (builder, fraction * 100);
  else
    json_builder_add_null_value (builder);
}

/* The name of the template's provider with @id, or the id of one no longer among them. */
static const char *
provider_name_by_id (VdiTemplate *template,
                     const char  *id)
{
  VdiProvider *provider = vdi_template_find_provider_by_id (template, id);

  return provider != NULL ? vdi_provider_get_name (provider) : id;
}

static void
add_target_json (JsonBuilder *builder,
                 VdiTemplate *template,
                 VdiTarget   *target)
{
  VdiProvider *provider = vdi_target_get_provider (target);
  VdiProvider *feeder = vdi_template_get_feeder (template, target);

  json_builder_begin_object (builder);
  add_string_member (builder, "provider", vdi_provider_get_name (provider));
  add_string_member (builder, "provider-id", vdi_provider_get_id (provider));
  json_builder_set_member_name (builder, "source");
  json_builder_add_boolean_value (builder, vdi_target_get_is_source (target));
  add_string_member (builder, "state", vdi_enum_get_nick (VDI_TYPE_TARGET_STATE,
                                                          vdi_target_get_state (target)));
  add_string_member (builder, "progress", vdi_enum_get_nick (VDI_TYPE_DISTRIBUTION,
                                                             vdi_target_get_progress (target)));
  json_builder_set_member_name (builder, "percent");
  json_builder_add_double_value (builder, vdi_target_get_percent (target));
  add_int_member (builder, "bytes-done", (gint64)vdi_target_get_bytes_done (target));
  add_int_member (builder, "bytes-total", (gint64)vdi_target_get_bytes_total (target));
  add_int_member (builder, "seconds-left", vdi_target_get_seconds_left (target));
  add_string_member (builder, "step", vdi_enum_get_nick (VDI_TYPE_TARGET_STEP,
                                                         vdi_target_get_step (target)));
  add_string_member (builder, "remote-vm-id", vdi_target_get_remote_vm_id (target));
  json_builder_set_member_name (builder, "fed-from");
  if (feeder != NULL)
    json_builder_add_string_value (builder, vdi_provider_get_name (feeder));
  else
    json_builder_add_null_value (builder);
  add_string_member (builder, "last-error", vdi_target_get_last_error (target));
  add_time_member (builder, "started-at", vdi_target_get_started_at (target));
  add_time_member (builder, "updated-at", vdi_target_get_updated_at (target));
  /* Copies a silent holder abandoned, still to be found and removed (relay). */
  json_builder_set_member_name (builder, "strays");
  json_builder_begin_array (builder);
  for (guint i = 0, n = vdi_target_get_n_strays (target); i < n; i++)
    {
      const VdiTargetStray *stray = vdi_target_get_stray (target, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "provider", provider_name_by_id (template, stray->provider_id));
      add_string_member (builder, "vm-id", stray->vm_id);
      add_string_member (builder, "job", stray->job);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

void
vdictl_print_template_json (VdiTemplate *template)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const *datastores = vdi_template_get_datastores (template);
  GListModel *targets = vdi_template_get_targets (template);

  json_builder_begin_object (builder);
  add_template_summary_json (builder, template);
  add_int_member (builder, "concurrency", vdi_template_get_concurrency (template));
  json_builder_set_member_name (builder, "relay");
  json_builder_add_boolean_value (builder, vdi_template_get_relay (template));
  add_string_member (builder, "host-name-format", vdi_template_get_host_name_format (template));
  add_int_member (builder, "initial-hosts", vdi_template_get_initial_hosts (template));
  add_int_member (builder, "max-hosts", vdi_template_get_max_hosts (template));
  add_string_member (builder, "clone-method",
                     vdi_enum_get_nick (VDI_TYPE_CLONE_METHOD,
                                        vdi_template_get_clone_method (template)));
  add_string_member (builder, "datastore-mode",
                     vdi_enum_get_nick (VDI_TYPE_DATASTORE_MODE,
                                        vdi_template_get_datastore_mode (template)));
  json_builder_set_member_name (builder, "datastores");
  json_builder_begin_array (builder);
  for (guint i = 0; datastores != NULL && datastores[i] != NULL; i++)
    json_builder_add_string_value (builder, datastores[i]);
  json_builder_end_array (builder);
  add_time_member (builder, "created-at", vdi_template_get_created_at (template));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      add_target_json (builder, template, target);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  vdictl_print_json (root);
}

/* template create ------------------------------------------------------------------------------ */

/* The VM named @name on @vms: by exact name, else by name ignoring case, else by id. */
static VdiVmInfo *
find_vm (GPtrArray   *vms,
         const char  *name,
         const char  *provider_name,
         GError     **error)
{
  for (guint pass = 0; pass < 3; pass++)
    {
      g_autoptr(GPtrArray) found = g_ptr_array_new ();

      for (guint i = 0; i < vms->len; i++)
        {
          VdiVmInfo *vm = g_ptr_array_index (vms, i);
          const char *value = pass == 2 ? vdi_vm_info_get_id (vm) : vdi_vm_info_get_name (vm);

          if (value != NULL &&
              (pass == 0 ? g_str_equal (value, name) : g_ascii_strcasecmp (value, name) == 0))
            g_ptr_array_add (found, vm);
        }

      if (found->len == 1)
        return g_ptr_array_index (found, 0);
      if (found->len > 1)
        {
          g_autoptr(GString) ids = g_string_new (NULL);

          for (guint i = 0; i < found->len; i++)
            g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "",
                                    vdi_vm_info_get_id (g_ptr_array_index (found, i)));
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                       _("%u VMs on %s are named “%s” (%s); give the id of one with --vm"),
                       found->len, provider_name, name, ids->str);
          return NULL;
        }
    }

  g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND, _("%s has no VM named “%s”"),
               provider_name, name);
  return NULL;
}

/* Datastores are given by name (or id) and kept by id, which is what clones are placed on. */
static gboolean
resolve_datastores (VdiBackend   *backend,
                    char        **names,
                    const char   *provider_name,
                    GStrvBuilder *ids,
                    GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) datastores = NULL;

  vdi_backend_list_datastores_async (backend, NULL, vdictl_store_result_cb, &result);
  datastores = vdi_backend_list_datastores_finish (backend, vdictl_wait_for (&result), error);
  if (datastores == NULL)
    return FALSE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *id = NULL;

      for (guint j = 0; j < datastores->len && id == NULL; j++)
        {
          VdiDatastoreInfo *ds = g_ptr_array_index (datastores, j);

          if (g_strcmp0 (vdi_datastore_info_get_name (ds), names[i]) == 0 ||
              g_strcmp0 (vdi_datastore_info_get_id (ds), names[i]) == 0)
            id = vdi_datastore_info_get_id (ds);
        }
      if (id == NULL)
        {
          g_set_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND,
                       _("%s has no datastore named “%s”"), provider_name, names[i]);
          return FALSE;
        }
      g_strv_builder_add (ids, id);
    }
  return TRUE;
}

/* Makes @n new hosts of @template, one at a time; what the admin should know is printed. */
static int
make_hosts (Cli            *cli,
            VdiTemplate    *template,
            VdiCredentials *credentials,
            guint           n)
{
  g_autoptr(VdiHostManager) manager = vdi_host_manager_new (cli->farm, credentials);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_auto(GStrv) notices = NULL;
  gboolean ok;

  if (n == 0)
    vdi_host_manager_recreate_hosts_async (manager, template, NULL, vdictl_store_result_cb,
                                           &result);
  else
    vdi_host_manager_create_hosts_async (manager, template, n, NULL, vdictl_store_result_cb,
                                         &result);
  ok = vdi_host_manager_finish (manager, vdictl_wait_for (&result), &notices, &error);
  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    g_printerr ("vdictl: %s\n", notices[i]);
  if (!vdi_farm_flush (cli->farm, &save_error))
    {
      /* The hosts exist on the provider; the farm must say so, or it will not know them. */
      vdictl_fail (_("could not save the farm: %s"), save_error->message);
      return EXIT_ERROR;
    }
  if (!ok)
    {
      vdictl_fail ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ? EXIT_FAILED : EXIT_ERROR;
    }
  if (!cli->json)
    {
      GListModel *hosts = vdi_template_get_hosts (template);
      guint n_waiting = 0;

      /* Hosts whose provider did not answer were left for later; the notices said which. */
      for (guint i = 0, n_hosts = g_list_model_get_n_items (hosts); i < n_hosts; i++)
        {
          g_autoptr(VdiHost) host = g_list_model_get_item (hosts, i);

          n_waiting += vdi_host_get_needs_recreate (host);
        }

      if (n == 0 && n_waiting > 0)
        g_print (ngettext ("The hosts of “%s” were made again, but for %u that waits for its "
                           "provider.\n",
                           "The hosts of “%s” were made again, but for %u that wait for their "
                           "providers.\n", n_waiting),
                 vdi_template_get_name (template), n_waiting);
      else if (n == 0)
        g_print (_("Every host of “%s” was made again.\n"), vdi_template_get_name (template));
      else
        g_print (ngettext ("%u host of “%s” is ready.\n", "%u hosts of “%s” are ready.\n", n),
                 n, vdi_template_get_name (template));
    }
  return EXIT_OK;
}

/* What `template create` says once the template is in the farm, before any copy. */
typedef struct
{
  Cli       *cli;
  VdiVmInfo *vm;
  Work      *work;
} Created;

static void
created_cb (VdiTemplateCreator *creator,
            VdiTemplate        *template,
            Created            *created)
{
  VdiProvider *source = vdi_template_get_source_provider (template);

  if (created->cli->json)
    return;
  if (created->work == NULL)
    {
      g_print (_("Template “%s” created from %s on %s.\n"), vdi_template_get_name (template),
               vdi_vm_info_get_name (created->vm), vdi_provider_get_name (source));
      return;
    }

  /* The live display of the copies starts again below this line. */
  if (created->work->tty && created->work->n_drawn > 0)
    g_print ("\033[%uA\033[J", created->work->n_drawn);
  g_print (_("Template “%s” created from %s on %s; distributing it to %u providers.\n"),
           vdi_template_get_name (template), vdi_vm_info_get_name (created->vm),
           vdi_provider_get_name (source), vdi_template_get_n_copy_targets (template));
  created->work->n_drawn = 0;
  created->work->dirty = TRUE;
}

/* The end of `template create` once the template exists: the hosts made on completion. */
static int
report_hosts (Cli         *cli,
              VdiTemplate *template,
              gboolean     ok,
              GError      *error)
{
  g_autoptr(GError) save_error = NULL;
  guint n = vdi_template_get_initial_hosts (template);
  int status = EXIT_OK;

  if (!vdi_farm_flush (cli->farm, &save_error))
    {
      /* The hosts exist on the provider; the farm must say so, or it will not know them. */
      vdictl_fail (_("could not save the farm: %s"), save_error->message);
      status = EXIT_ERROR;
    }
  else if (!ok)
    {
      vdictl_fail ("%s", error->message);
      status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ? EXIT_FAILED : EXIT_ERROR;
    }
  else if (!cli->json && n > 0 &&
           g_list_model_get_n_items (vdi_template_get_hosts (template)) >= n)
    g_print (ngettext ("%u host of “%s” is ready.\n", "%u hosts of “%s” are ready.\n", n),
             n, vdi_template_get_name (template));

  if (cli->json)
    vdictl_print_template_json (template);
  return status;
}

int
vdictl_template_create (Cli   *cli,
                        int    argc,
                        char **argv)
{
  g_autofree char *provider_name = NULL;
  g_autofree char *vm_name = NULL;
  g_autofree char *name_format = NULL;
  g_autofree char *clone = NULL;
  g_auto(GStrv) target_names = NULL;
  g_auto(GStrv) datastore_names = NULL;
  gboolean multi_provider = FALSE, password_stdin = FALSE, relay = FALSE, no_relay = FALSE;
  int hosts = -1, max_hosts = -1, concurrency = -1;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_name,
      N_("the provider of the source VM"), "PROVIDER" },
    { "vm", 0, 0, G_OPTION_ARG_STRING, &vm_name, N_("the source VM, by name or id"), "VM" },
    { "hosts", 0, 0, G_OPTION_ARG_INT, &hosts, N_("hosts created on completion"), "N" },
    { "max-hosts", 0, 0, G_OPTION_ARG_INT, &max_hosts, N_("maximum number of hosts"), "N" },
    { "name-format", 0, 0, G_OPTION_ARG_STRING, &name_format,
      N_("host name format, e.g. VDI-%ID:3%"), "FORMAT" },
    { "clone", 0, 0, G_OPTION_ARG_STRING, &clone, N_("full or linked"), "METHOD" },
    { "multi-provider", 0, 0, G_OPTION_ARG_NONE, &multi_provider,
      N_("distribute the template to other providers"), NULL },
    { "target", 0, 0, G_OPTION_ARG_STRING_ARRAY, &target_names,
      N_("a target provider (repeat for more)"), "PROVIDER" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency,
      N_("number of providers for concurrent distribution"), "N" },
    { "relay", 0, 0, G_OPTION_ARG_NONE, &relay,
      N_("copy from providers that already hold the template (the default)"), NULL },
    { "no-relay", 0, 0, G_OPTION_ARG_NONE, &no_relay,
      N_("copy every target from the source provider only"), NULL },
    { "datastore", 0, 0, G_OPTION_ARG_STRING_ARRAY, &datastore_names,
      N_("an additional datastore (vCenter; repeat for more)"), "DATASTORE" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(VdiTemplateCreator) creator = NULL;
  g_autoptr(VdiSecret) password = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) notices = NULL;
  VdiTemplateCreatorStage stage;
  VdiProvider *source;
  VdiVmInfo *vm;
  Created created = { NULL, };
  int clone_method = VDI_CLONE_METHOD_FULL;
  gboolean ok, distributed;
  Work work;
  int status;

  if (!parse_options (&argc, &argv, _("NAME — create a template"), entries, 1,
                      "create NAME --provider PROVIDER --vm VM [--hosts N] [--max-hosts N] "
                      "[--name-format FORMAT] [--clone full|linked] [--multi-provider "
                      "--target PROVIDER … [--concurrency N] [--relay|--no-relay]] [--datastore DATASTORE …] "
                      "[--password-stdin]"))
    return EXIT_USAGE;
  if (provider_name == NULL || vm_name == NULL)
    {
      vdictl_fail (_("template create needs --provider and --vm"));
      return EXIT_USAGE;
    }
  if (hosts < -1 || max_hosts < -1 || (concurrency < 1 && concurrency != -1))
    {
      vdictl_fail (_("--hosts, --max-hosts and --concurrency take a positive number"));
      return EXIT_USAGE;
    }
  if (clone != NULL && !vdi_enum_from_nick (VDI_TYPE_CLONE_METHOD, clone, &clone_method))
    {
      vdictl_fail (_("unknown clone method “%s”: use full or linked"), clone);
      return EXIT_USAGE;
    }
  if (!multi_provider && (target_names != NULL || concurrency != -1))
    {
      vdictl_fail (_("--target and --concurrency need --multi-provider"));
      return EXIT_USAGE;
    }
  if (relay && no_relay)
    {
      vdictl_fail (_("--relay and --no-relay cannot be used together"));
      return EXIT_USAGE;
    }
  if (!multi_provider && (relay || no_relay))
    {
      vdictl_fail (_("--relay and --no-relay need --multi-provider"));
      return EXIT_USAGE;
    }

  if ((source = vdictl_lookup_provider (cli, provider_name)) == NULL)
    return EXIT_ERROR;
  g_ptr_array_add (providers, g_object_ref (source));
  for (guint i = 0; target_names != NULL && target_names[i] != NULL; i++)
    {
      VdiProvider *target = vdictl_lookup_provider (cli, target_names[i]);

      if (target == NULL)
        return EXIT_ERROR;
      g_ptr_array_add (providers, g_object_ref (target));
    }

  /* Where the source VM is, and what it is called there. */
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);
  password = vdi_credentials_lookup_sync (credentials, vdi_provider_get_id (source), NULL, NULL);
  backend = vdi_backend_new_for_provider (source, password, &error);
  if (backend != NULL)
    {
      vdi_backend_list_vms_async (backend, NULL, vdictl_store_result_cb, &result);
      vms = vdi_backend_list_vms_finish (backend, vdictl_wait_for (&result), &error);
    }
  if (vms == NULL)
    {
      vdictl_fail ("%s: %s", vdi_provider_get_name (source), error->message);
      return EXIT_ERROR;
    }
  if ((vm = find_vm (vms, vm_name, vdi_provider_get_name (source), &error)) == NULL)
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  id = g_uuid_string_random ();
  template = vdi_template_new (id, argv[1], source, vdi_vm_info_get_name (vm));
  vdi_template_set_source_vm_id (template, vdi_vm_info_get_id (vm));
  if (name_format != NULL)
    vdi_template_set_host_name_format (template, name_format);
  if (max_hosts >= 0)
    vdi_template_set_max_hosts (template, max_hosts);
  if (hosts >= 0)
    vdi_template_set_initial_hosts (template, hosts);
  vdi_template_set_clone_method (template, clone_method);

  if (datastore_names != NULL)
    {
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      g_auto(GStrv) datastores = NULL;

      /* Hyper-V has none to look up: the template's own check says so. */
      if (vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_VCENTER)
        {
          if (!resolve_datastores (backend, datastore_names, vdi_provider_get_name (source), ids,
                                   &error))
            {
              vdictl_fail ("%s", error->message);
              return EXIT_ERROR;
            }
        }
      else
        g_strv_builder_addv (ids, (const char **)datastore_names);
      datastores = g_strv_builder_end (ids);
      vdi_template_set_datastore_mode (template, VDI_DATASTORE_MODE_ADDITIONAL);
      vdi_template_set_datastores (template, (const char * const *)datastores);
    }

  if (multi_provider)
    {
      if (!vdi_template_set_multi_provider (template, TRUE, &error))
        {
          vdictl_fail ("%s", error->message);
          return EXIT_ERROR;
        }
      for (guint i = 1; i < providers->len; i++)
        {
          if (vdi_template_add_target (template, g_ptr_array_index (providers, i), &error) == NULL)
            {
              vdictl_fail ("%s", error->message);
              return EXIT_ERROR;
            }
        }
      if (concurrency != -1 && !vdi_template_set_concurrency (template, concurrency, &error))
        {
          vdictl_fail ("%s", error->message);
          return EXIT_ERROR;
        }
      /* On for new templates unless asked otherwise. */
      vdi_template_set_relay (template, !no_relay);
    }

  created.cli = cli;
  created.vm = vm;
  if (multi_provider)
    {
      /* The copies show as they run, with Ctrl+C to cancel, as for a retry. */
      vdictl_work_init (&work, cli, template, credentials);
      created.work = &work;
    }
  creator = vdi_template_creator_new (cli->farm, credentials,
                                      multi_provider ? work.distributor : NULL);
  g_signal_connect (creator, "added", G_CALLBACK (created_cb), &created);
  g_clear_object (&result);
  vdi_template_creator_create_async (creator, template, vm,
                                     multi_provider ? work.cancellable : NULL,
                                     vdictl_store_result_cb, &result);
  ok = vdi_template_creator_finish (creator, vdictl_wait_for (&result), &notices, &error);
  stage = vdi_template_creator_get_stage (creator);
  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    g_printerr ("vdictl: %s\n", notices[i]);

  /* Nothing was added: the farm is as it was. */
  if (!ok && stage < VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING)
    {
      vdictl_fail ("%s", error->message);
      if (multi_provider)
        vdictl_work_clear (&work);
      return EXIT_ERROR;
    }

  if (multi_provider)
    {
      if (!ok && stage == VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING)
        {
          if (g_error_matches (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED))
            work.n_failed++;
          else
            work.error = g_steal_pointer (&error);
        }
      distributed = stage > VDI_TEMPLATE_CREATOR_STAGE_DISTRIBUTING;
      status = vdictl_work_finish (&work, _("Every provider has the template."), !distributed);
      vdictl_work_clear (&work);
      if (!distributed || status != EXIT_OK)
        return status;
    }
  return report_hosts (cli, template, ok, error);
}

/* template list -------------------------------------------------------------------------------- */

int
vdictl_template_list (Cli   *cli,
                      int    argc,
                      char **argv)
{
  GListModel *templates = vdi_farm_get_templates (cli->farm);
  guint n = g_list_model_get_n_items (templates);

  if (!parse_options (&argc, &argv, NULL, NULL, 0, "list"))
    return EXIT_USAGE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

          json_builder_begin_object (builder);
          add_template_summary_json (builder, template);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      vdictl_print_json (root);
      return EXIT_OK;
    }

  if (n == 0)
    {
      g_print ("%s\n", _("No templates."));
      return EXIT_OK;
    }

  g_print ("%-24s %-20s %-24s %-20s %-7s %s\n", _("NAME"), _("PROVIDER"), _("SOURCE VM"),
           _("STATUS"), _("HOSTS"), _("DISTRIBUTION"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      g_autofree char *hosts = g_strdup_printf ("%u/%u", vdi_template_get_hosts_ready (template),
                                                vdi_template_get_hosts_total (template));
      g_autofree char *percent = NULL;
      double fraction = vdi_template_get_distribution_fraction (template);

      if (fraction >= 0)
        percent = g_strdup_printf (" (%.0f %%)", fraction * 100);
      g_print ("%-24s %-20s %-24s %-20s %-7s %s%s\n", vdi_template_get_name (template),
               vdi_provider_get_name (vdi_template_get_source_provider (template)),
               vdi_template_get_source_vm_name (template),
               vdi_enum_get_label (VDI_TYPE_TEMPLATE_STATUS, vdi_template_get_status (template)),
               hosts,
               vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, vdi_template_get_distribution (template)),
               percent != NULL ? percent : "");
    }
  return EXIT_OK;
}

/* template show -------------------------------------------------------------------------------- */

int
vdictl_template_show (Cli   *cli,
                      int    argc,
                      char **argv)
{
  g_autofree char *holder = NULL;
  VdiTemplate *template;
  GListModel *targets;
  const char * const *datastores;
  GPid pid = 0;

  if (!parse_options (&argc, &argv, _("NAME — show a template and its distribution"), NULL, 1,
                      "show NAME"))
    return EXIT_USAGE;
  if ((template = lookup_template (cli, argv[1])) == NULL)
    return EXIT_ERROR;

  if (cli->json)
    {
      vdictl_print_template_json (template);
      return EXIT_OK;
    }

  targets = vdi_template_get_targets (template);
  datastores = vdi_template_get_datastores (template);

  g_print (_("Template:        %s\n"), vdi_template_get_name (template));
  g_print (_("Provider:        %s\n"),
           vdi_provider_get_name (vdi_template_get_source_provider (template)));
  g_print (_("Source VM:       %s (%s)\n"), vdi_template_get_source_vm_name (template),
           vdi_template_get_source_vm_id (template) != NULL
             ? vdi_template_get_source_vm_id (template) : _("id unknown"));
  g_print (_("Status:          %s\n"),
           vdi_enum_get_label (VDI_TYPE_TEMPLATE_STATUS, vdi_template_get_status (template)));
  g_print (_("Hosts:           %u ready of %u (%u created on completion, at most %u)\n"),
           vdi_template_get_hosts_ready (template), vdi_template_get_hosts_total (template),
           vdi_template_get_initial_hosts (template), vdi_template_get_max_hosts (template));
  g_print (_("Host names:      %s\n"), vdi_template_get_host_name_format (template));
  g_print (_("Clone method:    %s\n"),
           vdi_enum_get_label (VDI_TYPE_CLONE_METHOD, vdi_template_get_clone_method (template)));
  if (datastores != NULL && datastores[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **)datastores);

      g_print (_("Datastores:      the source VM's, and %s\n"), list);
    }
  if (!vdi_template_get_multi_provider (template))
    {
      g_print (_("Distribution:    none (single provider)\n"));
      return EXIT_OK;
    }

  g_print (_("Distribution:    %s, %u at a time\n"),
           vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, vdi_template_get_distribution (template)),
           vdi_template_get_concurrency (template));
  g_print (_("Relay:           %s\n"),
           vdi_template_get_relay (template)
             ? _("copies also come from providers that already hold the template")
             : _("every copy comes from the source"));
  if (vdi_farm_lock_query_holder (vdi_farm_get_path (cli->farm), &holder, &pid) && holder != NULL)
    g_print (_("In use by:       %s (process %d)\n"), holder, (int)pid);

  g_print ("\n%-24s %-14s %-22s %8s\n", _("PROVIDER"), _("STATE"), _("PROGRESS"), _("PERCENT"));
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      VdiDistribution progress = vdi_target_get_progress (target);
      g_autofree char *name = NULL;
      g_autofree char *left = NULL;
      g_autofree char *percent = NULL;

      name = vdi_target_get_is_source (target)
        ? g_strdup_printf (_("%s (source)"), vdi_provider_get_name (vdi_target_get_provider (target)))
        : g_strdup (vdi_provider_get_name (vdi_target_get_provider (target)));
      if (vdictl_progress_is_running (progress))
        left = vdictl_format_time_left (vdi_target_get_seconds_left (target));

      /* The source holds the template itself: nothing is copied there. */
      percent = vdi_target_get_is_source (target)
        ? g_strdup ("")
        : g_strdup_printf ("%.1f %%", vdi_target_get_percent (target));
      g_print ("%-24s %-14s %-22s %8s  %s\n", name,
               vdi_enum_get_label (VDI_TYPE_TARGET_STATE, vdi_target_get_state (target)),
               vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress),
               percent, left != NULL ? left : "");
      if (vdi_target_get_last_error (target) != NULL)
        g_print ("    %s\n", vdi_target_get_last_error (target));
    }
  return EXIT_OK;
}

/* Work on an existing template ------------------------------------------------------------------ */

int
vdictl_template_retry (Cli   *cli,
                       int    argc,
                       char **argv)
{
  g_autofree char *provider_name = NULL;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_name,
      N_("only this provider"), "PROVIDER" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  VdiTemplate *template;
  VdiTarget *target = NULL;
  Work work;
  int status;

  if (!parse_options (&argc, &argv, _("NAME — distribute a template again"), entries, 1,
                      "retry NAME [--provider PROVIDER] [--password-stdin]"))
    return EXIT_USAGE;
  if ((template = lookup_template (cli, argv[1])) == NULL)
    return EXIT_ERROR;
  if (provider_name != NULL)
    {
      VdiProvider *provider = vdictl_lookup_provider (cli, provider_name);

      if (provider == NULL)
        return EXIT_ERROR;
      if ((target = vdi_template_find_target (template, provider)) == NULL)
        {
          vdictl_fail (_("%s is not a provider of “%s”"), vdi_provider_get_name (provider),
                       vdi_template_get_name (template));
          return EXIT_ERROR;
        }
    }

  providers = involved_providers (template, NULL);
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);
  vdictl_work_init (&work, cli, template, credentials);
  work.n_running++;
  if (target != NULL)
    vdi_distributor_retry_async (work.distributor, template, target, work.cancellable,
                                 vdictl_work_operation_done_cb, &work);
  else
    vdi_distributor_distribute_async (work.distributor, template, work.cancellable,
                                      vdictl_work_operation_done_cb, &work);
  vdictl_work_wait (&work);
  status = vdictl_work_finish (&work, _("Every provider has the template."), TRUE);
  vdictl_work_clear (&work);
  return status;
}

int
vdictl_template_add_provider (Cli   *cli,
                              int    argc,
                              char **argv)
{
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  VdiTemplate *template;
  VdiProvider *provider;
  Work work;
  int status;

  if (!parse_options (&argc, &argv, _("NAME PROVIDER — distribute a template to one more provider"),
                      entries, 2, "add-provider NAME PROVIDER [--password-stdin]"))
    return EXIT_USAGE;
  if ((template = lookup_template (cli, argv[1])) == NULL ||
      (provider = vdictl_lookup_provider (cli, argv[2])) == NULL)
    return EXIT_ERROR;
  /* The model's own words for a provider that cannot be a target, before any password. */
  if (!vdi_template_check_target (template, provider, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (providers, g_object_ref (vdi_template_get_source_provider (template)));
  g_ptr_array_add (providers, g_object_ref (provider));
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);
  vdictl_work_init (&work, cli, template, credentials);
  work.n_running++;
  vdi_distributor_add_provider_async (work.distributor, template, provider, work.cancellable,
                                      vdictl_work_operation_done_cb, &work);
  vdictl_work_wait (&work);
  status = vdictl_work_finish (&work, _("The provider has the template."), TRUE);
  vdictl_work_clear (&work);
  return status;
}

int
vdictl_template_remove_provider (Cli   *cli,
                                 int    argc,
                                 char **argv)
{
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  VdiTemplate *template;
  VdiProvider *provider;
  VdiTarget *target;
  Work work;
  int status;

  if (!parse_options (&argc, &argv,
                      _("NAME PROVIDER — remove a provider from a template's distribution"),
                      entries, 2, "remove-provider NAME PROVIDER [--password-stdin]"))
    return EXIT_USAGE;
  if ((template = lookup_template (cli, argv[1])) == NULL ||
      (provider = vdictl_lookup_provider (cli, argv[2])) == NULL)
    return EXIT_ERROR;
  target = vdi_template_find_target (template, provider);
  if (target == NULL || vdi_target_get_is_source (target))
    {
      /* The model says why: not a target, or the source itself. */
      if (!vdi_template_remove_target (template, provider, &error))
        vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }

  providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (providers, g_object_ref (vdi_template_get_source_provider (template)));
  g_ptr_array_add (providers, g_object_ref (provider));
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);
  vdictl_work_init (&work, cli, template, credentials);
  work.n_running++;
  vdi_distributor_remove_provider_async (work.distributor, template, provider, work.cancellable,
                                         vdictl_work_operation_done_cb, &work);
  vdictl_work_wait (&work);
  status = vdictl_work_finish (&work, _("The provider's copy is removed."), TRUE);
  vdictl_work_clear (&work);
  return status;
}

int
vdictl_template_delete (Cli   *cli,
                        int    argc,
                        char **argv)
{
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(GError) error = NULL;
  VdiTemplate *found;
  GListModel *targets;
  Work work;
  int status;

  if (!parse_options (&argc, &argv, _("NAME — delete a template and its copies"), entries, 1,
                      "delete NAME [--password-stdin]"))
    return EXIT_USAGE;
  if ((found = lookup_template (cli, argv[1])) == NULL)
    return EXIT_ERROR;
  template = g_object_ref (found);

  /* The copies on the other providers go first; the source VM itself stays. */
  copies = g_ptr_array_new_with_free_func (g_object_unref);
  targets = vdi_template_get_targets (template);
  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (!vdi_target_get_is_source (target))
        g_ptr_array_add (copies, g_object_ref (vdi_target_get_provider (target)));
    }

  if (copies->len > 0)
    {
      providers = involved_providers (template, NULL);
      credentials = vdictl_collect_passwords (cli, providers, password_stdin);
      vdictl_work_init (&work, cli, template, credentials);
      for (guint i = 0; i < copies->len; i++)
        {
          work.n_running++;
          vdi_distributor_remove_provider_async (work.distributor, template,
                                                 g_ptr_array_index (copies, i), work.cancellable,
                                                 vdictl_work_operation_done_cb, &work);
        }
      vdictl_work_wait (&work);
      status = vdictl_work_finish (&work, NULL, FALSE);
      vdictl_work_clear (&work);
      if (status != EXIT_OK)
        {
          vdictl_fail (_("“%s” was not deleted, because a copy remains; run the command again"),
                       vdi_template_get_name (template));
          return status;
        }
    }

  if (!vdi_farm_remove_template (cli->farm, template, &error) ||
      !vdi_farm_save (cli->farm, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_ERROR;
    }
  if (!cli->json)
    g_print (_("Template “%s” deleted.\n"), vdi_template_get_name (template));
  return EXIT_OK;
}

/* Hosts and maintenance ------------------------------------------------------------------------ */

int
vdictl_template_recreate_hosts (Cli   *cli,
                                int    argc,
                                char **argv)
{
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read the provider's password from standard input"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  VdiTemplate *template;

  if (!parse_options (&argc, &argv, _("NAME — delete and make again every host of a template"),
                      entries, 1, "recreate-hosts NAME [--password-stdin]"))
    return EXIT_USAGE;
  if ((template = lookup_template (cli, argv[1])) == NULL)
    return EXIT_ERROR;

  providers = involved_providers (template, NULL);
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);
  return make_hosts (cli, template, credentials, 0);
}

int
vdictl_template_maintenance (Cli   *cli,
                             int    argc,
                             char **argv)
{
  gboolean recreate = FALSE;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "recreate", 0, 0, G_OPTION_ARG_NONE, &recreate,
      N_("after leaving, make every host again from the changed template"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) providers = NULL;
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VdiTemplate *template;
  gboolean enter;
  int status = EXIT_OK;

  if (!parse_options (&argc, &argv, _("NAME enter|leave — change a template"), entries, 2,
                      "maintenance NAME enter|leave [--recreate] [--password-stdin]"))
    return EXIT_USAGE;
  if (!g_str_equal (argv[2], "enter") && !g_str_equal (argv[2], "leave"))
    {
      vdictl_fail (_("usage: template %s"),
                   "maintenance NAME enter|leave [--recreate] [--password-stdin]");
      return EXIT_USAGE;
    }
  enter = g_str_equal (argv[2], "enter");
  if (enter && recreate)
    {
      vdictl_fail (_("--recreate goes with leave"));
      return EXIT_USAGE;
    }
  if ((template = lookup_template (cli, argv[1])) == NULL)
    return EXIT_ERROR;

  providers = involved_providers (template, NULL);
  credentials = vdictl_collect_passwords (cli, providers, password_stdin);

  if (enter)
    vdi_maintenance_enter_async (cli->farm, credentials, template, NULL, vdictl_store_result_cb,
                                 &result);
  else
    vdi_maintenance_leave_async (cli->farm, credentials, template, NULL, vdictl_store_result_cb,
                                 &result);
  if (!vdi_maintenance_finish (vdictl_wait_for (&result), &error))
    {
      g_autoptr(GError) save_error = NULL;

      vdictl_fail ("%s", error->message);
      if (!vdi_farm_flush (cli->farm, &save_error))
        vdictl_fail (_("could not save the farm: %s"), save_error->message);
      return EXIT_ERROR;
    }

  if (enter)
    {
      if (!vdi_farm_flush (cli->farm, &error))
        {
          vdictl_fail (_("could not save the farm: %s"), error->message);
          return EXIT_ERROR;
        }
      if (cli->json)
        vdictl_print_template_json (template);
      else
        g_print (_("“%s” is in maintenance: start its VM, change it, shut it down, then run "
                   "“vdictl template maintenance %s leave”.\n"),
                 vdi_template_get_name (template), vdi_template_get_name (template));
      return EXIT_OK;
    }

  /* The template changed: its copies elsewhere are replaced now, in the foreground. */
  if (vdi_template_get_multi_provider (template))
    {
      Work work;

      vdictl_work_init (&work, cli, template, credentials);
      work.n_running++;
      vdi_distributor_distribute_async (work.distributor, template, work.cancellable,
                                        vdictl_work_operation_done_cb, &work);
      vdictl_work_wait (&work);
      status = vdictl_work_finish (&work, _("Every provider has the changed template."),
                                   !recreate);
      vdictl_work_clear (&work);
    }
  else if (!vdi_farm_flush (cli->farm, &error))
    {
      vdictl_fail (_("could not save the farm: %s"), error->message);
      return EXIT_ERROR;
    }
  else if (cli->json && !recreate)
    vdictl_print_template_json (template);
  else if (!cli->json)
    g_print (_("“%s” left maintenance.\n"), vdi_template_get_name (template));

  if (status == EXIT_OK && recreate)
    {
      status = make_hosts (cli, template, credentials, 0);
      if (cli->json)
        vdictl_print_template_json (template);
    }
  else if (status == EXIT_OK && !cli->json &&
           g_list_model_get_n_items (vdi_template_get_hosts (template)) > 0)
    g_print (_("All hosts must be recreated because the template has been modified: run "
               "“vdictl template recreate-hosts %s”.\n"),
             vdi_template_get_name (template));

  return status;
}
