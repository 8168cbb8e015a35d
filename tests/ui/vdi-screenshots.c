/* vdi-screenshots.c: renders the console's main views to PNG files, for review and docs.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: vdi-screenshots OUTPUT-DIR   (needs a display: run it under xvfb-run)
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-distribution-dialog.h"
#include "vdi-farm-lock.h"
#include "vdi-host-manager.h"
#include "vdi-open-farm-dialog.h"
#include "vdi-target-picker.h"
#include "vdi-template-properties.h"
#include "vdi-template-wizard.h"
#include "vdi-test-ui.h"

#define WIDTH  1200
#define HEIGHT 760

static const char *out_dir;

typedef struct
{
  const char         *name;
  VdiProviderSubtype  subtype;
  const char         *host;
  gboolean            offline;
} SampleProvider;

static const SampleProvider sample_providers[] = {
  { "hv-ams-01",    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,       "hv-ams-01.corp.example.com" },
  { "hv-ams-02",    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,       "hv-ams-02.corp.example.com" },
  { "hv-fra-01",    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,       "hv-fra-01.corp.example.com" },
  { "hv-fra-02",    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,       "hv-fra-02.corp.example.com" },
  { "hv-lab-07",    VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,       "10.20.7.15", TRUE },
  { "hvc-ams-prod", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER, "hvc-ams-prod.corp.example.com" },
  { "hvc-fra-prod", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER, "hvc-fra-prod.corp.example.com" },
  { "vc-prod-8",    VDI_PROVIDER_SUBTYPE_VCENTER_8,               "vc-prod-8.corp.example.com" },
  { "vc-edge-8",    VDI_PROVIDER_SUBTYPE_VCENTER_8,               "vc-edge-8.corp.example.com" },
  { "vc-prod-7",    VDI_PROVIDER_SUBTYPE_VCENTER_7,               "vc-prod-7.corp.example.com" },
  { "vc-dr-7",      VDI_PROVIDER_SUBTYPE_VCENTER_7,               "vc-dr-7.dr.example.com" },
  { "vc-lab-67",    VDI_PROVIDER_SUBTYPE_VCENTER_6_7,             "vc-lab-67.lab.example.com", TRUE },
};

typedef struct
{
  const char        *name;
  const char        *source;
  const char        *vm;
  VdiTemplateStatus  status;
  const char        *targets[3];
  VdiDistribution    progress;    /* of the first target copy */
  double             percent;
  guint              ready;
  guint              total;
} SampleTemplate;

static const SampleTemplate sample_templates[] = {
  { "win11-office-2024", "hv-ams-01", "gold-win11-23h2-office", VDI_TEMPLATE_STATUS_OK, { "hv-ams-02", "hv-fra-01", "hv-fra-02" }, VDI_DISTRIBUTION_DISTRIBUTING, 42, 12, 20 },
  { "win11-finance", "hv-ams-02", "gold-win11-23h2", VDI_TEMPLATE_STATUS_OK, { "hv-ams-01", "hv-fra-01" }, VDI_DISTRIBUTION_OK, 0, 18, 18 },
  { "win11-callcenter", "hvc-ams-prod", "gold-win11-cc", VDI_TEMPLATE_STATUS_OK, { "hvc-fra-prod" }, VDI_DISTRIBUTION_ADDING_PROVIDER, 71, 40, 40 },
  { "win10-legacy-erp", "hv-fra-01", "gold-win10-21h2-erp", VDI_TEMPLATE_STATUS_OK, { "hv-fra-02", "hv-lab-07" }, VDI_DISTRIBUTION_FAILED, 0, 6, 8 },
  { "win11-dev-vs2022", "hv-fra-02", "gold-win11-dev", VDI_TEMPLATE_STATUS_MAINTENANCE, { "hv-ams-01" }, VDI_DISTRIBUTION_OK, 0, 0, 10 },
  { "win2022-rds-sh", "hvc-fra-prod", "gold-ws2022-rdsh", VDI_TEMPLATE_STATUS_OK, { "hvc-ams-prod" }, VDI_DISTRIBUTION_REMOVING_PROVIDER, 15, 4, 4 },
  { "win11-cad-gpu", "vc-prod-8", "gold-win11-cad-vgpu", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 8, 8 },
  { "ubuntu-2404-dev", "vc-prod-8", "gold-ubuntu-2404", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 5, 6 },
  { "rhel9-build", "vc-prod-7", "gold-rhel9", VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE, { NULL }, 0, 0, 3, 3 },
  { "win11-hr", "hv-ams-01", "gold-win11-23h2", VDI_TEMPLATE_STATUS_OK, { "hv-ams-02" }, VDI_DISTRIBUTION_OK, 0, 7, 7 },
  { "win11-training", "hv-ams-02", "gold-win11-23h2", VDI_TEMPLATE_STATUS_OK, { "hv-fra-01", "hv-fra-02" }, VDI_DISTRIBUTION_DISTRIBUTING, 88, 0, 15 },
  { "win2019-rds-sh", "vc-dr-7", "gold-ws2019-rdsh", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 2, 2 },
  { "win11-marketing", "vc-edge-8", "gold-win11-23h2", VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE, { NULL }, 0, 0, 0, 5 },
  { "win11-sales", "hv-fra-01", "gold-win11-23h2", VDI_TEMPLATE_STATUS_OK, { "hv-ams-01" }, VDI_DISTRIBUTION_OK, 0, 25, 25 },
  { "win10-pos", "vc-prod-7", "gold-win10-pos", VDI_TEMPLATE_STATUS_FAILED, { NULL }, 0, 0, 0, 12 },
  { "win11-exec", "hvc-ams-prod", "gold-win11-exec", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 4, 4 },
  { "win11-qa", "hv-fra-02", "gold-win11-qa", VDI_TEMPLATE_STATUS_OK, { "hv-fra-01" }, VDI_DISTRIBUTION_DISTRIBUTING, 9, 1, 6 },
  { "win11-support", "vc-prod-8", "gold-win11-23h2", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 9, 10 },
  { "win11-warehouse", "vc-edge-8", "gold-win11-kiosk", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 14, 14 },
  { "win10-ltsc-kiosk", "vc-lab-67", "gold-win10-ltsc", VDI_TEMPLATE_STATUS_OK, { NULL }, 0, 0, 0, 0 },
};

static VdiProvider *
find_provider (GPtrArray  *providers,
               const char *name)
{
  for (guint i = 0; i < providers->len; i++)
    if (g_strcmp0 (vdi_provider_get_name (g_ptr_array_index (providers, i)), name) == 0)
      return g_ptr_array_index (providers, i);

  g_error ("No sample provider %s", name);
}

static VdiFarm *
build_sample_farm (const char *path)
{
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (g_object_unref);
  VdiFarm *farm = vdi_farm_new (path);

  for (guint i = 0; i < G_N_ELEMENTS (sample_providers); i++)
    {
      const SampleProvider *s = &sample_providers[i];
      g_autofree char *id = g_strdup_printf ("provider-%02u", i);
      VdiProvider *provider = vdi_provider_new (id, s->name, s->subtype, s->host,
                                                vdi_provider_subtype_default_port (s->subtype));

      vdi_provider_set_username (provider,
                                 vdi_provider_subtype_get_provider_type (s->subtype) == VDI_PROVIDER_TYPE_HYPERV
                                 ? "CORP\\vdi-svc" : "vdi-svc@vsphere.local");
      if (s->offline)
        vdi_provider_set_status (provider, VDI_PROVIDER_STATUS_NOT_AVAILABLE,
                                 "No response from the host within 30 seconds");
      else
        vdi_provider_set_status (provider, VDI_PROVIDER_STATUS_READY, NULL);
      g_ptr_array_add (providers, provider);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sample_templates); i++)
    {
      const SampleTemplate *s = &sample_templates[i];
      g_autofree char *id = g_strdup_printf ("template-%02u", i);
      VdiProvider *source = find_provider (providers, s->source);
      g_autoptr(GError) error = NULL;
      VdiTemplate *template;

      template = vdi_template_new (id, s->name, source, s->vm);
      vdi_template_set_status (template, s->status);
      vdi_template_set_host_name_format (template, "VDI-%ID:3%");

      if (s->targets[0] != NULL)
        {
          vdi_template_set_multi_provider (template, TRUE, &error);
          g_assert_no_error (error);

          for (guint k = 0; k < G_N_ELEMENTS (s->targets) && s->targets[k] != NULL; k++)
            {
              VdiTarget *target = vdi_template_add_target (template,
                                                           find_provider (providers, s->targets[k]),
                                                           &error);
              g_assert_no_error (error);

              if (k == 0 && s->progress != VDI_DISTRIBUTION_OK)
                {
                  vdi_target_set_progress (target, s->progress);
                  if (s->progress == VDI_DISTRIBUTION_FAILED)
                    {
                      vdi_target_set_state (target, VDI_TARGET_STATE_NEEDS_UPDATE);
                      vdi_target_set_last_error (target, "The export failed: not enough space on the disk");
                    }
                  else
                    vdi_target_update_transfer (target, s->percent,
                                                (guint64)(s->percent * 0.4e9),
                                                (guint64)40e9, 110e6, 240);
                }
              else
                {
                  vdi_target_set_state (target, VDI_TARGET_STATE_READY);
                  vdi_target_set_progress (target, VDI_DISTRIBUTION_OK);
                  vdi_target_set_step (target, VDI_TARGET_STEP_REGISTERED);
                }
            }
        }

      for (guint h = 0; h < s->total; h++)
        {
          g_autofree char *host_name = g_strdup_printf ("VDI-%02u%03u", i, h + 1);
          g_autoptr(VdiHost) host = vdi_host_new (host_name, source);

          vdi_host_set_state (host, h < s->ready ? VDI_HOST_STATE_READY : VDI_HOST_STATE_CREATING);
          vdi_template_add_host (template, host);
        }

      g_ptr_array_add (templates, template);
    }

  vdi_farm_splice (farm, providers, templates);

  return farm;
}

static GdkTexture *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width, height;

  vdi_test_wait_frames (widget, 3);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static cairo_surface_t *
texture_to_surface (GdkTexture *texture)
{
  cairo_surface_t *surface;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  gdk_texture_download (texture,
                        cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);

  return surface;
}

static void
write_png (cairo_surface_t *surface,
           const char      *name)
{
  g_autofree char *path = g_build_filename (out_dir, name, NULL);

  if (cairo_surface_write_to_png (surface, path) != CAIRO_STATUS_SUCCESS)
    g_error ("Could not write %s", path);
  g_print ("%s\n", path);
}

static void
shoot (GtkWidget  *widget,
       const char *name)
{
  g_autoptr(GdkTexture) texture = render (widget);
  cairo_surface_t *surface = texture_to_surface (texture);

  write_png (surface, name);
  cairo_surface_destroy (surface);
}

/* A dialog over its dimmed parent, as the admin sees it. */
static void
shoot_over (GtkWidget  *parent,
            GtkWidget  *dialog,
            const char *name)
{
  g_autoptr(GdkTexture) back = render (parent);
  g_autoptr(GdkTexture) front = render (dialog);
  cairo_surface_t *back_surface = texture_to_surface (back);
  cairo_surface_t *front_surface = texture_to_surface (front);
  cairo_surface_t *surface;
  int width = gdk_texture_get_width (back);
  int height = gdk_texture_get_height (back);
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_set_source_surface (cr, back_surface, 0, 0);
  cairo_paint (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_paint (cr);
  cairo_set_source_surface (cr, front_surface,
                            MAX (0, (width - gdk_texture_get_width (front)) / 2),
                            MAX (0, (height - gdk_texture_get_height (front)) / 2));
  cairo_paint (cr);
  cairo_destroy (cr);

  write_png (surface, name);

  cairo_surface_destroy (surface);
  cairo_surface_destroy (back_surface);
  cairo_surface_destroy (front_surface);
}

static gboolean
toplevel_shown (gpointer data)
{
  GtkWindow *window = vdi_test_find_toplevel (GPOINTER_TO_SIZE (data), NULL);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static GtkWidget *
wait_for_toplevel (GType type)
{
  vdi_test_wait_for (toplevel_shown, GSIZE_TO_POINTER (type));
  return GTK_WIDGET (vdi_test_find_toplevel (type, NULL));
}

/* Template tasks ------------------------------------------------------------------------------ */

#define TASKS_VC "vc-lab-01"
#define TASKS_PASSWORD "VMware1!"

static const char tasks_scenario[] =
  "{ \"time_scale\": 200, \"vcenters\": [ {"
  "  \"name\": \"" TASKS_VC "\", \"version\": \"8.0\","
  "  \"user\": \"administrator@vsphere.local\", \"password\": \"" TASKS_PASSWORD "\","
  "  \"datacenter\": \"DC-Lab\", \"hosts\": [ \"esx-01\" ],"
  "  \"datastores\": ["
  "    { \"name\": \"ds-main\", \"capacity_gb\": 2048, \"free_gb\": 1500, \"mbps\": 8000 },"
  "    { \"name\": \"ds-nfs\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800, \"mbps\": 8000 }"
  "  ],"
  "  \"vms\": [ { \"name\": \"win11-lab-gold\", \"disk_gb\": 40, \"template\": true,"
  "              \"datastore\": \"ds-main\", \"host\": \"esx-01\" } ] } ],"
  "  \"hyperv_hosts\": ["
  "  { \"name\": \"hv-lab-src\", \"user\": \"admin\", \"password\": \"" TASKS_PASSWORD "\","
  "    \"export_mbps\": 100, \"up_mbps\": 100, \"down_mbps\": 100,"
  "    \"vms\": [ { \"name\": \"win10-lab-gold\", \"disk_gb\": 40, \"state\": \"off\" } ] },"
  "  { \"name\": \"hv-lab-t1\", \"user\": \"admin\", \"password\": \"" TASKS_PASSWORD "\","
  "    \"down_mbps\": 100, \"up_mbps\": 100, \"vms\": [] } ] }";

typedef struct
{
  SimFixture      sim;
  VdiFarm        *farm;
  VdiCredentials *credentials;
  VdiApplication *app;
  VdiWindow      *window;
  VdiTemplate    *template;
  VdiProvider    *provider;
} Tasks;

static JsonObject *
sim_provider (Tasks      *tasks,
              const char *name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (&tasks->sim, "inventory");
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);

      if (g_str_equal (json_object_get_string_member (provider, "name"), name))
        return json_object_ref (provider);
    }
  g_error ("No simulated provider %s", name);
}

/* The id of the simulator's VM or datastore named @name on @provider_name. */
static char *
sim_id (Tasks      *tasks,
        const char *provider_name,
        const char *member,
        const char *name)
{
  g_autoptr(JsonObject) provider = sim_provider (tasks, provider_name);
  JsonArray *list = json_object_get_array_member (provider, member);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);

      if (g_str_equal (json_object_get_string_member (item, "name"), name))
        return g_strdup (json_object_get_string_member (item, json_object_has_member (item, "moid")
                                                                ? "moid" : "id"));
    }
  g_error ("No %s named %s", member, name);
}

static VdiProvider *
tasks_add_provider (Tasks              *tasks,
                    const char         *name,
                    VdiProviderSubtype  subtype,
                    const char         *username)
{
  g_autofree char *url = sim_provider_url (&tasks->sim, name);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  VdiProvider *provider = vdi_provider_new (id, name, subtype, "127.0.0.1", g_uri_get_port (uri));

  vdi_provider_set_username (provider, username);
  vdi_provider_set_allow_http (provider, TRUE);
  g_assert_true (vdi_farm_add_provider (tasks->farm, provider, NULL));
  g_assert_true (vdi_credentials_store_sync (tasks->credentials, id, name, TASKS_PASSWORD, NULL,
                                             NULL));
  return provider;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static GtkWidget *
wait_for_named (const char *name)
{
  GtkWidget *found = NULL;

  while (found == NULL)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels) && found == NULL; i++)
        {
          g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

          if (gtk_widget_get_mapped (window) && g_strcmp0 (gtk_widget_get_name (window), name) == 0)
            found = window;
        }
      if (found == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  return found;
}

static void
shoot_named (VdiWindow  *window,
             const char *dialog_name,
             const char *response,
             const char *file)
{
  GtkWidget *dialog = wait_for_named (dialog_name);

  shoot_over (GTK_WIDGET (window), dialog, file);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  vdi_test_flush_events ();
}

static gboolean
in_maintenance (gpointer data)
{
  return vdi_template_get_status (data) == VDI_TEMPLATE_STATUS_MAINTENANCE;
}

static gboolean
distributor_idle (gpointer data)
{
  Tasks *tasks = data;
  GListModel *templates = vdi_farm_get_templates (tasks->farm);
  VdiDistributor *distributor = vdi_application_get_distributor (tasks->app);

  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, i);

      if (vdi_distributor_is_busy (distributor, template))
        return FALSE;
    }
  return TRUE;
}

static void
ignore_distribution_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, NULL);
}

/* The Tasks menu and every question it asks, through the same actions the admin uses, against
 * a simulated vCenter and Hyper-V hosts. */
static void
shoot_template_tasks (const char *tmp)
{
  g_autofree char *path = g_build_filename (tmp, "tasks.json", NULL);
  g_autofree char *gold = NULL;
  g_autofree char *nfs = NULL;
  g_autofree char *pem = g_build_filename (VDI_TEST_DATA_DIR, "test-tls.pem", NULL);
  g_autoptr(VdiHostManager) manager = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VdiProvider) hv_src = NULL;
  g_autoptr(VdiProvider) hv_t1 = NULL;
  g_autoptr(VdiTemplate) hv_template = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  const char *datastores[2] = { NULL, NULL };
  VdiTemplatesPage *page;
  Tasks tasks = { 0 };
  GSList *uris;

  sim_fixture_start (&tasks.sim, tasks_scenario);
  tasks.farm = vdi_farm_new (path);
  tasks.credentials = vdi_credentials_new (FALSE);
  tasks.provider = tasks_add_provider (&tasks, TASKS_VC, VDI_PROVIDER_SUBTYPE_VCENTER_8,
                                       "administrator@vsphere.local");
  gold = sim_id (&tasks, TASKS_VC, "vms", "win11-lab-gold");
  nfs = sim_id (&tasks, TASKS_VC, "datastores", "ds-nfs");
  tasks.template = vdi_template_new (NULL, "win11-lab", tasks.provider, "win11-lab-gold");
  vdi_template_set_source_vm_id (tasks.template, gold);
  vdi_template_set_max_hosts (tasks.template, 10);
  datastores[0] = nfs;
  vdi_template_set_datastore_mode (tasks.template, VDI_DATASTORE_MODE_ADDITIONAL);
  vdi_template_set_datastores (tasks.template, datastores);
  g_assert_true (vdi_farm_add_template (tasks.farm, tasks.template, &error));

  hv_src = tasks_add_provider (&tasks, "hv-lab-src", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, "admin");
  hv_t1 = tasks_add_provider (&tasks, "hv-lab-t1", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, "admin");
  g_clear_pointer (&gold, g_free);
  gold = sim_id (&tasks, "hv-lab-src", "vms", "win10-lab-gold");
  hv_template = vdi_template_new (NULL, "win10-lab", hv_src, "win10-lab-gold");
  vdi_template_set_source_vm_id (hv_template, gold);
  g_assert_true (vdi_template_set_multi_provider (hv_template, TRUE, &error));
  g_assert_nonnull (vdi_template_add_target (hv_template, hv_t1, &error));
  g_assert_true (vdi_farm_add_template (tasks.farm, hv_template, &error));
  g_assert_no_error (error);

  manager = vdi_host_manager_new (tasks.farm, tasks.credentials);
  vdi_host_manager_create_hosts_async (manager, tasks.template, 2, NULL, store_result_cb, &result);
  vdi_test_wait_for (has_result, &result);
  g_assert_true (vdi_host_manager_finish (manager, result, NULL, &error));

  tasks.app = vdi_test_application_new (NULL, tasks.credentials);
  vdi_application_set_farm (tasks.app, tasks.farm);
  tasks.window = vdi_window_new (tasks.app);
  gtk_window_set_default_size (GTK_WINDOW (tasks.window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (tasks.window));
  vdi_window_show_page (tasks.window, "templates");
  vdi_test_wait_frames (GTK_WIDGET (tasks.window), 3);
  page = vdi_window_get_templates_page (tasks.window);
  /* Sorted by name: win10-lab, then win11-lab. */
  gtk_selection_model_select_item (gtk_column_view_get_model (vdi_templates_page_get_column_view (page)),
                                   1, TRUE);
  g_assert_true (vdi_templates_page_get_selected (page) == tasks.template);

  buttons = vdi_test_find_widgets (GTK_WIDGET (page), NULL, GTK_TYPE_MENU_BUTTON);
  g_assert_cmpuint (buttons->len, ==, 1);
  gtk_menu_button_popup (g_ptr_array_index (buttons, 0));
  {
    GtkPopover *menu = gtk_menu_button_get_popover (g_ptr_array_index (buttons, 0));

    vdi_test_wait_frames (GTK_WIDGET (menu), 3);
    shoot (GTK_WIDGET (menu), "tasks-menu.png");
    gtk_popover_popdown (menu);
  }

  gtk_widget_activate_action (GTK_WIDGET (page), "templates.delete", NULL);
  shoot_named (tasks.window, "delete-template-dialog", "cancel", "delete-template.png");

  gtk_widget_activate_action (GTK_WIDGET (page), "templates.enter-maintenance", NULL);
  vdi_test_wait_for (in_maintenance, tasks.template);
  gtk_widget_activate_action (GTK_WIDGET (page), "templates.leave-maintenance", NULL);
  shoot_named (tasks.window, "recreate-question-dialog", "no", "recreate-question.png");

  sim_control_post (&tasks.sim, "providers/" TASKS_VC "/datastores/ds-nfs", "{\"accessible\": false}");
  vdi_test_wait_frames (GTK_WIDGET (tasks.window), 2);
  gtk_widget_activate_action (GTK_WIDGET (page), "templates.recreate-hosts", NULL);
  shoot_named (tasks.window, "host-notices-dialog", "close", "host-notices.png");

  g_assert_true (vdi_credentials_store_sync (tasks.credentials, "id-" TASKS_VC, TASKS_VC, "stale",
                                             NULL, NULL));
  gtk_widget_activate_action (GTK_WIDGET (page), "templates.enter-maintenance", NULL);
  shoot_named (tasks.window, "password-dialog", "cancel", "password-dialog.png");

  /* A vCenter behind a self-signed certificate: only its port answers, over TLS. */
  certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);
  tls = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_listen_local (tls, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (tls);
  vdi_provider_set_allow_http (tasks.provider, FALSE);
  vdi_provider_set_port (tasks.provider, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  gtk_widget_activate_action (GTK_WIDGET (page), "templates.enter-maintenance", NULL);
  shoot_named (tasks.window, "trust-certificate-dialog", "cancel", "trust-certificate.png");

  /* Quitting while win10-lab copies to its target. */
  vdi_distributor_distribute_async (vdi_application_get_distributor (tasks.app), hv_template, NULL,
                                    ignore_distribution_cb, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (tasks.app), "quit", NULL);
  shoot_named (tasks.window, "quit-dialog", "cancel", "quit-while-copying.png");
  {
    /* The same with a vdictl agent on the farm: this process stands in for it on the bus. */
    g_autofree char *agent = vdi_farm_dup_agent_bus_name (vdi_farm_get_path (tasks.farm));
    guint owner = g_bus_own_name (G_BUS_TYPE_SESSION, agent, G_BUS_NAME_OWNER_FLAGS_NONE,
                                  NULL, NULL, NULL, NULL, NULL);

    vdi_test_wait_frames (GTK_WIDGET (tasks.window), 10);
    g_action_group_activate_action (G_ACTION_GROUP (tasks.app), "quit", NULL);
    shoot_named (tasks.window, "quit-dialog", "cancel", "quit-with-agent.png");
    g_bus_unown_name (owner);
  }
  sim_control_post (&tasks.sim, "time-scale", "{\"time_scale\": 5000}");
  vdi_test_wait_for (distributor_idle, &tasks);

  vdi_test_destroy_toplevels ();
  g_clear_object (&tasks.app);
  vdi_farm_flush (tasks.farm, NULL);
  soup_server_disconnect (tls);
  g_clear_object (&tasks.template);
  g_clear_object (&tasks.provider);
  g_clear_object (&tasks.farm);
  g_clear_object (&tasks.credentials);
  sim_fixture_stop (&tasks.sim);
  g_unlink (path);
  {
    /* Each save keeps the previous file as a backup. */
    g_autofree char *backup = g_strconcat (path, ".bak", NULL);

    g_unlink (backup);
  }
}

static gboolean
farm_loaded (gpointer data)
{
  return vdi_application_get_farm_loaded (data);
}

typedef struct
{
  VdiFarm    *farm;
  const char *name;
  double      percent;
} PercentWanted;

static gboolean
shows_percent (gpointer data)
{
  PercentWanted *wanted = data;
  VdiTemplate *template = vdi_farm_find_template (wanted->farm, wanted->name);
  g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 1);

  return vdi_target_get_percent (target) == wanted->percent;
}

static gboolean
left_to_agent (gpointer data)
{
  const char *holder = vdi_application_get_lock_holder (data);

  return holder != NULL && strstr (holder, "agent") != NULL;
}

/* The banner of a farm database that vdictl holds, and that process's copy moving on in the
 * Distribution details of the read-only console. */
static void
shoot_read_only (const char     *tmp,
                 VdiCredentials *credentials)
{
  g_autofree char *path = g_build_filename (tmp, "locked.db", NULL);
  g_autofree char *lock_path = NULL;
  g_autoptr(VdiFarm) writer = build_sample_farm (path);
  g_autoptr(VdiFarmLock) lock = NULL;
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  VdiWindow *window;

  vdi_farm_save (writer, &error);
  g_assert_no_error (error);
  lock = vdi_farm_lock_acquire (path, &error);
  g_assert_no_error (error);
  lock_path = g_strdup (vdi_farm_lock_get_path (lock));

  app = vdi_test_application_new (path, credentials);
  window = vdi_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  vdi_window_load_farm (window);
  vdi_test_wait_for (farm_loaded, app);
  vdi_window_show_page (window, "templates");
  vdi_test_wait_frames (GTK_WIDGET (window), 30);
  shoot (GTK_WIDGET (window), "read-only.png");

  /* The holder's copy moves on; the read-only console's details follow it. */
  {
    VdiTemplate *template = vdi_farm_find_template (writer, "win11-office-2024");
    g_autoptr(VdiTarget) target = g_list_model_get_item (vdi_template_get_targets (template), 1);
    PercentWanted wanted = { vdi_window_get_farm (window), "win11-office-2024", 67 };
    GtkWidget *details;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.distribution-details", "s",
                                vdi_template_get_id (template));
    details = wait_for_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG);
    vdi_target_update_transfer (target, 67, 40ull << 30, 60ull << 30, 0, -1);
    vdi_farm_save (writer, &error);
    g_assert_no_error (error);
    vdi_test_wait_for (shows_percent, &wanted);
    vdi_test_wait_frames (details, 30);
    shoot_over (GTK_WIDGET (window), details, "read-only-following.png");
    gtk_window_destroy (GTK_WINDOW (details));
  }

  /* A console that held a shared farm and lost it to another process: what it says. Emitted as
   * the store reports it (test-farm-pg's taken-over case makes the real one). */
  {
    g_autoptr(GError) taken = g_error_new_literal (VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER,
                                                   "vdi-console (process 7311) took the farm "
                                                   "over after this process lost its connection "
                                                   "to the database; what this process changed "
                                                   "since was not saved");

    GtkWidget *dialog;

    g_signal_emit_by_name (vdi_window_get_farm (window), "save-failed", taken);
    dialog = wait_for_named ("taken-over-dialog");
    shoot_over (GTK_WIDGET (window), dialog, "taken-over.png");
    /* Without an answer: either would quit this program. */
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* The holder ends with its copy under way while a vdictl agent waits on the farm: the console
   * leaves the copy to the agent, and says so. The agent is the real one (VDICTL), asking for the
   * farm only every ten minutes. */
  if (g_getenv ("VDICTL") != NULL)
    {
      g_autofree char *agent_name = vdi_farm_dup_agent_bus_name (path);
      g_autoptr(GSubprocess) agent = NULL;

      agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("VDICTL"),
                                "--farm", path, "agent", "--interval", "600", NULL);
      g_assert_no_error (error);
      vdi_test_wait_for (vdi_test_name_has_owner, agent_name);
      g_clear_object (&lock);
      vdi_test_wait_for (left_to_agent, app);
      vdi_test_wait_frames (GTK_WIDGET (window), 30);
      shoot (GTK_WIDGET (window), "read-only-left-to-agent.png");
      g_subprocess_send_signal (agent, SIGTERM);
      g_subprocess_wait (agent, NULL, NULL);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_clear_object (&lock);

  g_unlink (path);
  g_unlink (lock_path);
}

static gboolean
writable (gpointer data)
{
  return vdi_application_get_farm_loaded (data) && !vdi_application_get_read_only (data);
}

/* Two admins, one template: another process renamed it after this console read it, and the
 * admin here changes its maximum of hosts in Properties. The real refusal, from the store. */
static void
shoot_change_refused (const char     *tmp,
                      VdiCredentials *credentials)
{
  g_autofree char *path = g_build_filename (tmp, "shared.db", NULL);
  g_autoptr(VdiFarm) other = build_sample_farm (path);
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  VdiTemplate *template;
  GtkWidget *properties;
  GtkWidget *dialog;
  VdiWindow *window;

  vdi_farm_save (other, &error);
  g_assert_no_error (error);

  app = vdi_test_application_new (path, credentials);
  window = vdi_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  vdi_window_load_farm (window);
  vdi_test_wait_for (writable, app);
  vdi_window_show_page (window, "templates");

  vdi_template_set_name (vdi_farm_find_template (other, "win11-office-2024"),
                         "win11-office-2024-finance");
  vdi_farm_save (other, &error);
  g_assert_no_error (error);

  template = vdi_farm_find_template (vdi_window_get_farm (window), "win11-office-2024");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.template-properties", "s",
                              vdi_template_get_id (template));
  properties = wait_for_toplevel (VDI_TYPE_TEMPLATE_PROPERTIES);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (vdi_test_get_widget (properties, "max-hosts-spin")),
                             vdi_template_get_max_hosts (template) + 10);
  dialog = wait_for_named ("change-refused-dialog");
  vdi_test_wait_frames (dialog, 10);
  shoot_over (GTK_WIDGET (window), dialog, "change-refused.png");
  shoot_over (GTK_WIDGET (window), properties, "change-refused-properties.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (properties));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  g_unlink (path);
}

/* The Create Template wizard --------------------------------------------------------------------- */

/* Providers the wizard lists from live: the sample farm's names, served by vdi-provider-sim. */
static const char wizard_scenario[] =
  "{ \"hyperv_hosts\": ["
  "  { \"name\": \"hv-ams-01\", \"user\": \"admin\", \"password\": \"pw\", \"vms\": ["
  "      { \"name\": \"gold-win11-23h2\", \"disk_gb\": 60,"
  "        \"id\": \"7D1C2E0A-5B3F-4C6D-8E9F-0A1B2C3D4E5F\" },"
  "      { \"name\": \"gold-win11-23h2\", \"disk_gb\": 60,"
  "        \"id\": \"3A9B8C7D-6E5F-4A3B-9C2D-1E0F9A8B7C6D\" },"
  "      { \"name\": \"gold-win11-22h2\", \"disk_gb\": 60 },"
  "      { \"name\": \"gold-win11-23h2-office\", \"disk_gb\": 80 },"
  "      { \"name\": \"build-agent-07\", \"disk_gb\": 120, \"state\": \"running\" } ] },"
  "  { \"name\": \"hv-ams-02\", \"user\": \"admin\", \"password\": \"pw\", \"vms\": [] },"
  "  { \"name\": \"hv-fra-01\", \"user\": \"admin\", \"password\": \"pw\", \"vms\": [] },"
  "  { \"name\": \"hv-fra-02\", \"user\": \"admin\", \"password\": \"pw\", \"vms\": [] },"
  "  { \"name\": \"hv-lab-07\", \"user\": \"admin\", \"password\": \"pw\", \"vms\": [] } ],"
  "  \"vcenters\": [ { \"name\": \"vc-prod-8\", \"version\": \"8.0\", \"user\": \"admin\","
  "    \"password\": \"pw\", \"hosts\": [ \"esx-ams-01\", \"esx-ams-02\" ],"
  "    \"datastores\": ["
  "      { \"name\": \"ams-vmfs-01\", \"type\": \"VMFS\", \"capacity_gb\": 4096, \"free_gb\": 2900 },"
  "      { \"name\": \"ams-vmfs-02\", \"type\": \"VMFS\", \"capacity_gb\": 4096, \"free_gb\": 3100 },"
  "      { \"name\": \"ams-nfs-01\", \"type\": \"NFS\", \"capacity_gb\": 2048, \"free_gb\": 1200 },"
  "      { \"name\": \"ams-nfs-old\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800,"
  "        \"accessible\": false } ],"
  "    \"vms\": [ { \"name\": \"gold-win11-cad-vgpu\", \"disk_gb\": 100, \"datastore\": \"ams-vmfs-01\" } ] } ] }";

static VdiFarm *
build_wizard_farm (SimFixture     *sim,
                   VdiCredentials *credentials,
                   const char     *path)
{
  static const struct { const char *name; VdiProviderSubtype subtype; gboolean offline; } list[] = {
    { "hv-ams-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-ams-02", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-fra-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-fra-02", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE },
    { "hv-lab-07", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE, TRUE },
    { "vc-prod-8", VDI_PROVIDER_SUBTYPE_VCENTER_8 },
  };
  VdiFarm *farm = vdi_farm_new (path);

  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    {
      g_autofree char *url = sim_provider_url (sim, list[i].name);
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      g_autofree char *id = g_strdup_printf ("wizard-%s", list[i].name);
      g_autoptr(VdiProvider) provider = vdi_provider_new (id, list[i].name, list[i].subtype,
                                                          "127.0.0.1", g_uri_get_port (uri));

      vdi_provider_set_username (provider, "admin");
      vdi_provider_set_allow_http (provider, TRUE);
      if (list[i].offline)
        vdi_provider_set_status (provider, VDI_PROVIDER_STATUS_NOT_AVAILABLE,
                                 "No response from the host within 30 seconds");
      else
        vdi_provider_set_status (provider, VDI_PROVIDER_STATUS_READY, NULL);
      g_assert_true (vdi_farm_add_provider (farm, provider, NULL));
      g_assert_true (vdi_credentials_store_sync (credentials, id, list[i].name, "pw", NULL, NULL));
    }

  /* gold-win11-23h2 is a template already, and the engine's copy of it on its way to hv-ams-02
   * sits beside it: the Source page shows the one, marked, and not the other. */
  {
    VdiProvider *source = vdi_farm_find_provider (farm, "hv-ams-01");
    g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "win11-23h2", source,
                                                        "gold-win11-23h2");
    VdiTarget *target;

    vdi_template_set_source_vm_id (template, "7D1C2E0A-5B3F-4C6D-8E9F-0A1B2C3D4E5F");
    g_assert_true (vdi_template_set_multi_provider (template, TRUE, NULL));
    target = vdi_template_add_target (template, vdi_farm_find_provider (farm, "hv-ams-02"), NULL);
    vdi_target_set_remote_vm_id (target, "3a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d");
    vdi_target_set_step (target, VDI_TARGET_STEP_IMPORTED);
    g_assert_true (vdi_farm_add_template (farm, template, NULL));
  }
  return farm;
}

static gboolean
wizard_idle (gpointer data)
{
  return !vdi_template_wizard_get_busy (data);
}

static GtkWidget *
wizard_part (VdiTemplateWizard *wizard,
             const char        *name)
{
  GtkWidget *widget = vdi_test_find_widget (GTK_WIDGET (wizard), name, G_TYPE_INVALID);

  g_assert_nonnull (widget);
  return widget;
}

static void
wizard_choose_vm (VdiTemplateWizard *wizard,
                  const char        *name)
{
  g_autoptr(GPtrArray) rows = vdi_test_find_widgets (GTK_WIDGET (wizard), "vm-row",
                                                     ADW_TYPE_PREFERENCES_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), name))
      gtk_widget_activate (g_ptr_array_index (rows, i));
  vdi_test_wait_for (wizard_idle, wizard);
}

static void
shoot_wizard (VdiWindow      *window,
              VdiCredentials *credentials,
              const char     *dir)
{
  g_autofree char *path = g_build_filename (dir, "wizard.json", NULL);
  SimFixture sim = { NULL, };
  g_autoptr(VdiFarm) farm = NULL;
  VdiTemplateWizard *wizard;
  VdiTargetPicker *picker;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  g_autoptr(GPtrArray) checks = NULL;

  /* Each shot shows a page, not the slide from the previous one. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  sim_fixture_start (&sim, wizard_scenario);
  farm = build_wizard_farm (&sim, credentials, path);

  wizard = vdi_template_wizard_new (GTK_WINDOW (window), farm, credentials,
                                    vdi_application_get_distributor (VDI_APPLICATION (app)));
  gtk_window_present (GTK_WINDOW (wizard));
  vdi_test_wait_for (wizard_idle, wizard);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-source.png");

  wizard_choose_vm (wizard, "gold-win11-23h2-office");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_editable_set_text (GTK_EDITABLE (wizard_part (wizard, "name-row")), "win11-office-2025");
  gtk_editable_set_text (GTK_EDITABLE (wizard_part (wizard, "format-row")), "W11O-%ID:3%");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (wizard_part (wizard, "hosts-spin")), 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (wizard_part (wizard, "max-hosts-spin")), 40);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-properties.png");

  gtk_editable_set_text (GTK_EDITABLE (wizard_part (wizard, "format-row")), "9-W11O-%ID:3%");
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-properties-invalid.png");
  gtk_editable_set_text (GTK_EDITABLE (wizard_part (wizard, "format-row")), "W11O-%ID:3%");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-distribution-off.png");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (wizard_part (wizard, "multi-check")), TRUE);
  picker = VDI_TARGET_PICKER (wizard_part (wizard, "picker"));
  gtk_selection_model_select_range (gtk_list_view_get_model (vdi_target_picker_get_available_view (picker)),
                                    1, 2, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (picker), "picker.add", NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (wizard_part (wizard, "concurrency-spin")), 2);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-distribution-hyperv.png");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-summary.png");

  /* A vCenter source: the datastores instead. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL);
  adw_combo_row_set_selected (ADW_COMBO_ROW (wizard_part (wizard, "provider-row")), 5);
  vdi_test_wait_for (wizard_idle, wizard);
  wizard_choose_vm (wizard, "gold-win11-cad-vgpu");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_editable_set_text (GTK_EDITABLE (wizard_part (wizard, "name-row")), "win11-cad-2025");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  vdi_test_wait_for (wizard_idle, wizard);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (wizard_part (wizard, "datastore-additional-check")),
                               TRUE);
  checks = vdi_test_find_widgets (GTK_WIDGET (wizard), "datastore-check", GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (checks->len, >, 1);
  gtk_check_button_set_active (g_ptr_array_index (checks, 1), TRUE);
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (wizard), "wizard-distribution-vcenter.png");

  gtk_window_destroy (GTK_WINDOW (wizard));
  vdi_test_flush_events ();
  sim_fixture_stop (&sim);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VdiCredentials) credentials = NULL;
  g_autoptr(VdiApplication) app = NULL;
  g_autoptr(VdiApplication) broken_app = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *farm_path = NULL;
  g_autofree char *broken_path = NULL;
  VdiProviderDialog *dialog;
  GtkWidget *distribution;
  GtkWidget *properties;
  GtkWidget *about;
  GtkWidget *shortcuts;
  GtkWidget *message;
  VdiWindow *window;
  VdiWindow *broken_window;

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT-DIR\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  g_mkdir_with_parents (out_dir, 0755);

  /* Never touch the user's settings or keyring. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", FALSE);
  /* Software GL under Xvfb can stall; the cairo renderer gives the same pixels every time. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  gtk_init ();
  adw_init ();

  tmp = g_dir_make_tmp ("vdi-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  farm_path = g_build_filename (tmp, "farm.json", NULL);
  broken_path = g_build_filename (tmp, "broken.json", NULL);

  credentials = vdi_credentials_new (FALSE);
  farm = build_sample_farm (farm_path);

  app = vdi_test_application_new (farm_path, credentials);
  vdi_application_set_farm (app, farm);

  window = vdi_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_unmaximize (GTK_WINDOW (window));
  vdi_window_show_page (window, "templates");
  gtk_window_present (GTK_WINDOW (window));
  vdi_test_wait_frames (GTK_WIDGET (window), 3);

  shoot (GTK_WIDGET (window), "templates.png");

  /* What demo mode says for the whole session, under the header bar. */
  vdi_window_set_banner (window, "Demo: these providers are simulated on this computer and "
                                 "vanish when you quit", NULL, NULL);
  vdi_test_wait_frames (GTK_WIDGET (window), 30);
  shoot (GTK_WIDGET (window), "demo-banner.png");
  vdi_window_set_banner (window, NULL, NULL, NULL);
  vdi_test_wait_frames (GTK_WIDGET (window), 30);

  vdi_window_show_page (window, "providers");
  shoot (GTK_WIDGET (window), "providers.png");

  dialog = vdi_provider_dialog_new (GTK_WINDOW (window), farm, credentials, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  {
    GObject *(*get) (GtkWidget *, GType, const char *) = gtk_widget_get_template_child;
    GtkWidget *w = GTK_WIDGET (dialog);

    gtk_editable_set_text (GTK_EDITABLE (get (w, VDI_TYPE_PROVIDER_DIALOG, "name_row")), "hv-fra-03");
    gtk_editable_set_text (GTK_EDITABLE (get (w, VDI_TYPE_PROVIDER_DIALOG, "host_row")),
                           "hv-fra-03.corp.example.com");
    gtk_editable_set_text (GTK_EDITABLE (get (w, VDI_TYPE_PROVIDER_DIALOG, "username_row")),
                           "CORP\\vdi-svc");
    gtk_editable_set_text (GTK_EDITABLE (get (w, VDI_TYPE_PROVIDER_DIALOG, "password_row")),
                           "example-password");
  }
  shoot_over (GTK_WIDGET (window), GTK_WIDGET (dialog), "provider-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Which farm is open, and a shared one typed in. */
  {
    g_autofree char *here = g_build_filename (g_get_home_dir (), ".local", "share", "vdi-console",
                                              "farm.db", NULL);
    VdiOpenFarmDialog *open = vdi_open_farm_dialog_new (GTK_WINDOW (window), here);

    gtk_window_present (GTK_WINDOW (open));
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (open),
                                                                        VDI_TYPE_OPEN_FARM_DIALOG,
                                                                        "location_row")),
                           "postgresql://vdi-admin@db.corp.example.com/vdi_farm?sslmode=verify-full");
    shoot_over (GTK_WIDGET (window), GTK_WIDGET (open), "open-farm.png");
    gtk_window_destroy (GTK_WINDOW (open));
  }

  /* Distribution details of the first sample: one copy running, one Ready and, for the shot,
   * one failed with a provider's error. */
  vdi_window_show_page (window, "templates");
  {
    GListModel *targets = vdi_template_get_targets (vdi_farm_find_template (farm,
                                                                            "win11-office-2024"));
    g_autoptr(VdiTarget) failed = g_list_model_get_item (targets, 3);

    vdi_target_set_state (failed, VDI_TARGET_STATE_NEEDS_UPDATE);
    vdi_target_set_progress (failed, VDI_DISTRIBUTION_FAILED);
    vdi_target_set_last_error (failed, "Failed to move the virtual machine to hv-fra-02: The "
                               "network path was not found. (0x80070035)");
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.distribution-details", "s", "template-00");
  distribution = wait_for_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG);
  shoot_over (GTK_WIDGET (window), distribution, "distribution-dialog.png");
  gtk_window_destroy (GTK_WINDOW (distribution));

  /* With relay: where each copy came from, and a copy hv-ams-02 abandoned on hv-fra-01 when it
   * stopped answering (hv-fra-01 was fed from the source instead). */
  {
    VdiTemplate *office = vdi_farm_find_template (farm, "win11-office-2024");
    GListModel *targets = vdi_template_get_targets (office);
    g_autoptr(VdiTarget) fed = g_list_model_get_item (targets, 2);
    g_autoptr(VdiTarget) silent = g_list_model_get_item (targets, 1);
    const char *source_id = vdi_provider_get_id (vdi_template_get_source_provider (office));

    vdi_template_set_relay (office, TRUE);
    vdi_target_set_fed_from (fed, source_id);
    vdi_target_set_fed_from (silent, source_id);
    vdi_target_add_stray (fed, vdi_provider_get_id (vdi_target_get_provider (silent)),
                          "5F0C2B7A-3E91-4D6B-A8C4-17E2D9B05F63", NULL);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.distribution-details", "s",
                                "template-00");
    distribution = wait_for_toplevel (VDI_TYPE_DISTRIBUTION_DIALOG);
    shoot_over (GTK_WIDGET (window), distribution, "distribution-dialog-stray.png");
    gtk_window_destroy (GTK_WINDOW (distribution));
    vdi_target_remove_stray (fed, 0);
    vdi_template_set_relay (office, FALSE);
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.template-properties", "s", "template-00");
  properties = wait_for_toplevel (VDI_TYPE_TEMPLATE_PROPERTIES);
  shoot_over (GTK_WIDGET (window), properties, "template-properties.png");
  gtk_window_destroy (GTK_WINDOW (properties));

  shoot_wizard (window, credentials, tmp);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = wait_for_toplevel (ADW_TYPE_ABOUT_WINDOW);
  shoot_over (GTK_WIDGET (window), about, "about.png");
  gtk_window_destroy (GTK_WINDOW (about));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
  shortcuts = wait_for_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  shoot (shortcuts, "shortcuts.png");
  gtk_window_close (GTK_WINDOW (shortcuts));

  /* The corrupt-file dialog, through the real load path of a second application instance. */
  g_file_set_contents (broken_path,
                       "{\n  \"version\": 1,\n  \"providers\": [\n    { \"id\": \"p1\", , }\n  ]\n}\n",
                       -1, &error);
  g_assert_no_error (error);
  broken_app = vdi_test_application_new (broken_path, credentials);
  broken_window = vdi_window_new (broken_app);
  gtk_window_set_default_size (GTK_WINDOW (broken_window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (broken_window));
  vdi_window_load_farm (broken_window);
  message = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  /* Let the header's switcher-to-title crossfade finish. */
  vdi_test_wait_frames (GTK_WIDGET (broken_window), 30);
  shoot_over (GTK_WIDGET (broken_window), message, "load-error.png");

  vdi_test_destroy_toplevels ();
  shoot_template_tasks (tmp);
  shoot_read_only (tmp, credentials);
  shoot_change_refused (tmp, credentials);
  g_unlink (broken_path);
  {
    /* The second application took the broken farm's lock. */
    g_autofree char *broken_lock = g_strconcat (broken_path, ".lock", NULL);

    g_unlink (broken_lock);
  }
  g_unlink (farm_path);
  g_rmdir (tmp);

  return 0;
}
