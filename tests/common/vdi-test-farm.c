/* vdi-test-farm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vdi-test-farm.h"

static const VdiProviderSubtype subtypes[] = {
  VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
  VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
  VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER,
  VDI_PROVIDER_SUBTYPE_VCENTER_7,
  VDI_PROVIDER_SUBTYPE_VCENTER_8,
};

/**
 * vdi_test_farm_generate:
 *
 * A farm of @n_providers providers and @n_templates templates named "tmpl-00001"…, with a
 * realistic mix: Hyper-V templates distributed to two other providers of their subtype (some
 * copying, some failed), vCenter ones placed on extra datastores, a few hosts each. The same
 * arguments always give the same farm.
 */
VdiFarm *
vdi_test_farm_generate (const char *path,
                        guint       n_providers,
                        guint       n_templates)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new (path);
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_subtypes = G_N_ELEMENTS (subtypes);

  g_return_val_if_fail (n_providers >= 3 * n_subtypes || n_templates == 0, NULL);

  for (guint i = 0; i < n_providers; i++)
    {
      VdiProviderSubtype subtype = subtypes[i % n_subtypes];
      gboolean hyperv = vdi_provider_subtype_get_provider_type (subtype) == VDI_PROVIDER_TYPE_HYPERV;
      g_autofree char *id = g_strdup_printf ("provider-%05u", i);
      g_autofree char *name = g_strdup_printf ("%s-%04u", hyperv ? "hv" : "vc", i);
      g_autofree char *host = g_strdup_printf ("%s.corp.example", name);
      VdiProvider *provider = vdi_provider_new (id, name, subtype, host,
                                                vdi_provider_subtype_default_port (subtype));

      vdi_provider_set_username (provider, hyperv ? "CORP\\vdi-admin" : "vdi@vsphere.local");
      g_ptr_array_add (providers, provider);
    }

  for (guint i = 0; i < n_templates; i++)
    {
      /* Providers of one subtype sit n_subtypes apart. */
      guint src_index = (i * 7) % n_providers;
      VdiProvider *source = g_ptr_array_index (providers, src_index);
      g_autofree char *id = g_strdup_printf ("template-%05u", i + 1);
      g_autofree char *name = g_strdup_printf ("tmpl-%05u", i + 1);
      g_autofree char *vm = g_strdup_printf ("gold-image-%03u", i % 500);
      VdiTemplate *template = vdi_template_new (id, name, source, vm);
      g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 1 + i % 12, 1 + i % 28,
                                                          i % 24, i % 60, 0);

      vdi_template_set_source_vm_id (template, id);
      vdi_template_set_max_hosts (template, 20);
      vdi_template_set_initial_hosts (template, 2);
      vdi_template_set_created_at (template, created);

      if (vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_HYPERV)
        {
          vdi_template_set_multi_provider (template, TRUE, NULL);
          for (guint k = 1; k <= 2; k++)
            {
              VdiProvider *peer =
                g_ptr_array_index (providers, (src_index + k * n_subtypes) % n_providers);
              VdiTarget *target = vdi_template_add_target (template, peer, NULL);

              g_assert (target != NULL);
              switch ((i + k) % 4)
                {
                case 0:
                  vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
                  vdi_target_update_transfer (target, (i * 13) % 100, 0, 40ull << 30, 0, -1);
                  break;

                case 1:
                  vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
                  vdi_target_set_last_error (target, "The virtual machine could not be "
                                             "migrated: not enough space on the destination.");
                  break;

                default:
                  vdi_target_set_state (target, VDI_TARGET_STATE_READY);
                  vdi_target_set_progress (target, VDI_DISTRIBUTION_OK);
                  vdi_target_set_step (target, VDI_TARGET_STEP_REGISTERED);
                  vdi_target_set_remote_vm_id (target, "5B5E0C2A-7E1D-4C5B-9C1E-0A2F3B4C5D6E");
                  vdi_target_set_export_dir (target, "D:\\VDI\\Exports\\t\\p\\20261121T083300Z");
                  break;
                }
            }
          vdi_template_set_concurrency (template, 1 + i % 2, NULL);
        }
      else
        {
          const char *datastores[] = { "datastore-2", "datastore-3", NULL };

          vdi_template_set_clone_method (template, VDI_CLONE_METHOD_LINKED);
          vdi_template_set_datastore_mode (template, VDI_DATASTORE_MODE_ADDITIONAL);
          vdi_template_set_datastores (template, datastores);
        }

      for (guint h = 0; h < 2; h++)
        {
          g_autofree char *host_name = g_strdup_printf ("T%05u-%03u", i + 1, h + 1);
          g_autoptr(VdiHost) host = vdi_host_new (host_name, source);

          vdi_host_set_state (host, VDI_HOST_STATE_READY);
          vdi_template_add_host (template, host);
        }

      g_ptr_array_add (templates, template);
    }

  vdi_farm_splice (farm, providers, templates);
  return g_steal_pointer (&farm);
}

typedef struct
{
  GPtrArray    *names;
  guint         n_previews;
  GAsyncResult *result;
} Previewed;

static void
preview_cb (VdiFarm    *farm,
            GParamSpec *pspec,
            Previewed  *previewed)
{
  GListModel *preview = vdi_farm_get_preview (farm);

  /* Read ahead of the farm's own templates, and gone when they are there. */
  if (preview == NULL)
    return;
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (farm)), ==, 0);
  g_assert_cmpuint (previewed->n_previews, ==, 0);
  previewed->n_previews++;
  for (guint i = 0, n = g_list_model_get_n_items (preview); i < n; i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (preview, i);
      GListModel *targets = vdi_template_get_targets (template);

      g_ptr_array_add (previewed->names, g_strdup (vdi_template_get_name (template)));
      /* As the load shows them: a farm not following another process's work finds what it
       * left running interrupted. */
      for (guint j = 0; !vdi_farm_get_following (farm) && j < g_list_model_get_n_items (targets);
           j++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, j);

          g_assert_false (vdi_target_is_busy (target));
        }
    }
}

static void
previewed_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Previewed *previewed = user_data;

  previewed->result = g_object_ref (result);
}

/**
 * vdi_test_farm_load_previewed:
 *
 * Loads @farm as the console does (vdi_farm_load_async()), checking that a preview, if one
 * comes, comes before the farm's templates and is gone when the load ends, loaded or not.
 *
 * Returns: (transfer full) (nullable): the names of the templates the preview had, in its
 *   order; %NULL when there was none
 */
GStrv
vdi_test_farm_load_previewed (VdiFarm  *farm,
                              GError  **error)
{
  Previewed previewed = { g_ptr_array_new_with_free_func (g_free), 0, NULL };
  gulong handler = g_signal_connect (farm, "notify::preview", G_CALLBACK (preview_cb),
                                     &previewed);

  vdi_farm_load_async (farm, NULL, previewed_loaded_cb, &previewed);
  while (previewed.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  vdi_farm_load_finish (farm, previewed.result, error);
  g_clear_object (&previewed.result);
  g_signal_handler_disconnect (farm, handler);
  g_assert_null (vdi_farm_get_preview (farm));

  if (previewed.n_previews == 0)
    {
      g_ptr_array_unref (previewed.names);
      return NULL;
    }
  g_ptr_array_add (previewed.names, NULL);
  return (GStrv)g_ptr_array_free (previewed.names, FALSE);
}

/**
 * vdi_test_farm_save_previewed:
 * @writer: a farm of more than 1,000 templates
 *
 * Saves @writer, then loads its store into a new farm as the console does
 * (vdi_test_farm_load_previewed()): the load ends with all of @writer's templates, and a
 * preview of the first 100 came before them.
 *
 * Returns: (transfer full): the names of the preview's templates, in its order
 */
GStrv
vdi_test_farm_save_previewed (VdiFarm *writer)
{
  g_autoptr(VdiFarm) loaded = vdi_farm_new (vdi_farm_get_path (writer));
  g_autoptr(GError) error = NULL;
  GStrv names;

  g_assert_true (vdi_farm_save (writer, &error));
  g_assert_no_error (error);
  names = vdi_test_farm_load_previewed (loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (loaded)), ==,
                    g_list_model_get_n_items (vdi_farm_get_templates (writer)));
  g_assert_nonnull (names);
  g_assert_cmpuint (g_strv_length (names), ==, 100);
  return names;
}

/* Work under way ends, so that loading the farm finds none to mark interrupted. */
void
vdi_test_farm_finish_busy (VdiFarm *farm)
{
  GListModel *templates = vdi_farm_get_templates (farm);

  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);
      GListModel *targets = vdi_template_get_targets (template);

      for (guint k = 0; k < g_list_model_get_n_items (targets); k++)
        {
          g_autoptr(VdiTarget) target = g_list_model_get_item (targets, k);

          if (vdi_target_is_busy (target))
            vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
        }
    }
}

static VdiFarm *
load_farm (const char *location)
{
  VdiFarm *farm = vdi_farm_new (location);
  g_autoptr(GError) error = NULL;

  g_assert_true (vdi_farm_load (farm, NULL, &error));
  g_assert_no_error (error);
  return farm;
}

static VdiTemplate *
template_at (VdiFarm *farm,
             guint    position)
{
  VdiTemplate *template = g_list_model_get_item (vdi_farm_get_templates (farm), position);

  g_object_unref (template);
  return template;
}

static void
count_refusal (VdiFarm      *farm,
               const GError *error,
               GPtrArray    *refusals)
{
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT);
  g_test_message ("change-refused: %s", error->message);
  g_ptr_array_add (refusals, g_strdup (error->message));
}

/* Saves @farm, which must refuse a change: says who made the other and when. */
static void
save_refused (VdiFarm    *farm,
              GPtrArray  *refusals,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d", (int)getpid ());
  g_autofree char *who = g_strdup_printf ("%s@%s", g_get_user_name (), g_get_host_name ());
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *year = g_date_time_format (now, "%Y");
  guint before = refusals->len;

  g_assert_false (vdi_farm_save (farm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONFLICT);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, what));
  g_assert_nonnull (strstr (error->message, who));
  g_assert_nonnull (strstr (error->message, pid));
  g_assert_nonnull (strstr (error->message, year));
  g_assert_cmpuint (refusals->len, ==, before + 1);
  g_assert_cmpstr (g_ptr_array_index (refusals, before), ==, error->message);
  g_clear_error (&error);
  /* Nothing left to save: the refused change is gone, the rest was written. */
  g_assert_false (vdi_farm_get_dirty (farm));
  g_assert_true (vdi_farm_save (farm, &error));
  g_assert_no_error (error);
}

/**
 * vdi_test_farm_two_writers:
 *
 * Two farms loaded from @location, A and B, change the same rows: each change B bases on a row
 * that A changed or deleted since is refused, saying who and when, and B shows A's row; the
 * rest of B's save is written. The same for SQLite and PostgreSQL.
 */
void
vdi_test_farm_two_writers (const char *location)
{
  g_autoptr(VdiFarm) generated = vdi_test_farm_generate (location, 15, 6);
  g_autoptr(VdiFarm) a = NULL;
  g_autoptr(VdiFarm) b = NULL;
  g_autoptr(VdiFarm) check = NULL;
  g_autoptr(GPtrArray) refusals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  VdiProvider *provider;

  /* Each load would mark running work interrupted, a change of its own. */
  vdi_test_farm_finish_busy (generated);
  g_assert_true (vdi_farm_save (generated, &error));
  g_assert_no_error (error);
  a = load_farm (location);
  b = load_farm (location);
  g_signal_connect (a, "change-refused", G_CALLBACK (count_refusal), refusals);
  g_signal_connect (b, "change-refused", G_CALLBACK (count_refusal), refusals);

  /* A renames a template; B, which read it before, changes it too, and another one. */
  vdi_template_set_name (template_at (a, 0), "renamed-by-a");
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);
  vdi_template_set_name (template_at (b, 0), "renamed-by-b");
  vdi_template_set_max_hosts (template_at (b, 0), 7);
  vdi_template_set_name (template_at (b, 1), "also-by-b");
  save_refused (b, refusals, "changed the template “renamed-by-b”, now named “renamed-by-a”,");
  g_assert_cmpstr (vdi_template_get_name (template_at (b, 0)), ==, "renamed-by-a");
  g_assert_cmpuint (vdi_template_get_max_hosts (template_at (b, 0)), ==, 20);

  check = load_farm (location);
  g_assert_cmpstr (vdi_template_get_name (template_at (check, 0)), ==, "renamed-by-a");
  g_assert_cmpuint (vdi_template_get_max_hosts (template_at (check, 0)), ==, 20);
  g_assert_cmpstr (vdi_template_get_name (template_at (check, 1)), ==, "also-by-b");
  g_clear_object (&check);

  /* B's version of the row is the stored one now: B changes it again, and A is refused. */
  vdi_template_set_max_hosts (template_at (b, 0), 9);
  g_assert_true (vdi_farm_save (b, &error));
  g_assert_no_error (error);
  vdi_template_set_max_hosts (template_at (a, 0), 11);
  save_refused (a, refusals, "changed the template “renamed-by-a”");
  g_assert_cmpuint (vdi_template_get_max_hosts (template_at (a, 0)), ==, 9);

  /* A deletes a template that B then changes: gone from B too. */
  g_assert_true (vdi_farm_remove_template (a, template_at (a, 2), &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);
  vdi_template_set_name (template_at (b, 2), "changed-after-deleted");
  save_refused (b, refusals, "deleted the template “changed-after-deleted”");
  g_assert_null (vdi_farm_find_template (b, "changed-after-deleted"));
  g_assert_null (vdi_farm_find_template (b, "tmpl-00003"));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_farm_get_templates (b)), ==, 5);

  /* B deletes a template that A changed meanwhile: back in B, as A left it. */
  vdi_template_set_name (vdi_farm_find_template (a, "tmpl-00004"), "kept-by-a");
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_remove_template (b, vdi_farm_find_template (b, "tmpl-00004"), &error));
  g_assert_no_error (error);
  save_refused (b, refusals, "changed the template “kept-by-a”");
  g_assert_nonnull (vdi_farm_find_template (b, "kept-by-a"));
  check = load_farm (location);
  g_assert_nonnull (vdi_farm_find_template (check, "kept-by-a"));
  g_clear_object (&check);

  /* Providers the same. */
  provider = vdi_farm_find_provider (a, "hv-0000");
  vdi_provider_set_host (provider, "moved-by-a.corp.example");
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);
  provider = vdi_farm_find_provider (b, "hv-0000");
  vdi_provider_set_host (provider, "moved-by-b.corp.example");
  save_refused (b, refusals, "changed the provider “hv-0000”");
  g_assert_cmpstr (vdi_provider_get_host (provider), ==, "moved-by-a.corp.example");

  /* A adds a provider and makes it a target of a template that B then changes: B takes both. */
  {
    VdiTemplate *mine = vdi_farm_find_template (a, "tmpl-00006");
    VdiProvider *source = vdi_template_get_source_provider (mine);
    g_autoptr(VdiProvider) added = vdi_provider_new ("provider-added", "hv-added",
                                                     vdi_provider_get_subtype (source),
                                                     "hv-added.corp.example", 5986);
    GListModel *targets;

    g_assert_true (vdi_farm_add_provider (a, added, &error));
    g_assert_no_error (error);
    g_assert_nonnull (vdi_template_add_target (mine, added, &error));
    g_assert_no_error (error);
    g_assert_true (vdi_farm_save (a, &error));
    g_assert_no_error (error);
    vdi_template_set_max_hosts (vdi_farm_find_template (b, "tmpl-00006"), 5);
    save_refused (b, refusals, "changed the template “tmpl-00006”");
    g_assert_nonnull (vdi_farm_find_provider (b, "hv-added"));
    targets = vdi_template_get_targets (vdi_farm_find_template (b, "tmpl-00006"));
    g_assert_cmpuint (g_list_model_get_n_items (targets), ==,
                      g_list_model_get_n_items (vdi_template_get_targets (mine)));
    g_assert_nonnull (vdi_template_find_target (vdi_farm_find_template (b, "tmpl-00006"),
                                                vdi_farm_find_provider (b, "hv-added")));
  }

  /* Two farms that each changed different rows both save: nothing to refuse. */
  vdi_template_set_max_hosts (vdi_farm_find_template (a, "tmpl-00005"), 3);
  vdi_template_set_max_hosts (vdi_farm_find_template (b, "tmpl-00006"), 4);
  g_assert_true (vdi_farm_save (a, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_save (b, &error));
  g_assert_no_error (error);
  check = load_farm (location);
  g_assert_cmpuint (vdi_template_get_max_hosts (vdi_farm_find_template (check, "tmpl-00005")),
                    ==, 3);
  g_assert_cmpuint (vdi_template_get_max_hosts (vdi_farm_find_template (check, "tmpl-00006")),
                    ==, 4);
  g_assert_cmpuint (refusals->len, ==, 6);
}

char *
vdi_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vdi-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
vdi_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          vdi_test_rm_rf (child);
        }
    }
  g_remove (path);
}

/**
 * vdi_test_add_provider:
 * @url: where the provider listens, e.g. a simulated host's "http://127.0.0.1:40001/wsman"
 *
 * Adds a provider reached over plain HTTP at @url's port on 127.0.0.1, with the id
 * "id-@name", and keeps @password in @credentials, as the console does when an admin adds one.
 *
 * Returns: (transfer full): the provider, also in @farm
 */
VdiProvider *
vdi_test_add_provider (VdiFarm            *farm,
                       VdiCredentials     *credentials,
                       const char         *name,
                       VdiProviderSubtype  subtype,
                       const char         *url,
                       const char         *user,
                       const char         *password)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  g_autoptr(GError) error = NULL;
  VdiProvider *provider;

  g_assert (uri != NULL);
  provider = vdi_provider_new (id, name, subtype, "127.0.0.1", g_uri_get_port (uri));
  vdi_provider_set_username (provider, user);
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert (vdi_farm_add_provider (farm, provider, &error));
  g_assert (vdi_credentials_store_sync (credentials, id, name, password, NULL, &error));
  return provider;
}

/* This process's peak resident memory, in KiB, or -1. VmHWM, not getrusage(): Linux carries
 * ru_maxrss across execve, so a child would report its parent's peak. */
long
vdi_test_peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  long kib = -1;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")) != NULL)
    kib = strtol (line + strlen ("VmHWM:"), NULL, 10);
  return kib;
}
