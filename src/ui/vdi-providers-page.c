/* vdi-providers-page.c
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

#include "vdi-cell-tooltip.h"
#include "vdi-provider-dialog.h"
#include "vdi-providers-page.h"
#include "vdi-ui-utils.h"

struct _VdiProvidersPage
{
  AdwBin              parent_instance;

  /* Owned references */
  VdiFarm            *farm;
  VdiCredentials     *credentials;

  /* Template widgets */
  GtkColumnView      *column_view;
  GtkFilterListModel *filter_model;
  GtkColumnViewColumn *name_column;
  GtkSearchEntry     *search_entry;
  GtkSingleSelection *selection;
  GtkStack           *stack;

  guint                read_only : 1;
};

enum {
  PROP_0,
  PROP_FARM,
  PROP_CREDENTIALS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiProvidersPage, vdi_providers_page, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static char *
provider_type_label (gpointer        this,
                     VdiProviderType type)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE, type));
}

static char *
provider_subtype_label (gpointer           this,
                        VdiProviderSubtype subtype)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_SUBTYPE, subtype));
}

static char *
provider_status_label (gpointer          this,
                       VdiProviderStatus status)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_STATUS, status));
}

static int
enum_to_int (gpointer this,
             int      value)
{
  return value;
}

static void
vdi_providers_page_update_actions (VdiProvidersPage *self)
{
  gboolean have_selection;

  g_assert (VDI_IS_PROVIDERS_PAGE (self));

  have_selection = vdi_providers_page_get_selected (self) != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "providers.add",
                                 self->farm != NULL && !self->read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "providers.edit",
                                 have_selection && !self->read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "providers.remove",
                                 have_selection && !self->read_only);
}

/* While another process holds the farm lock, providers are shown but not changed. */
void
vdi_providers_page_set_read_only (VdiProvidersPage *self,
                                  gboolean          read_only)
{
  g_return_if_fail (VDI_IS_PROVIDERS_PAGE (self));

  self->read_only = !!read_only;
  vdi_providers_page_update_actions (self);
}

static void
vdi_providers_page_update_state (VdiProvidersPage *self)
{
  GListModel *providers = NULL;
  const char *state;

  g_assert (VDI_IS_PROVIDERS_PAGE (self));

  if (self->stack == NULL)
    return;

  if (self->farm != NULL)
    providers = vdi_farm_get_providers (self->farm);

  if (providers == NULL || g_list_model_get_n_items (providers) == 0)
    state = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    state = "no-results";
  else
    state = "list";

  gtk_stack_set_visible_child_name (self->stack, state);
  vdi_providers_page_update_actions (self);
}

static void
vdi_providers_page_items_changed_cb (VdiProvidersPage *self,
                                     guint             position,
                                     guint             removed,
                                     guint             added,
                                     GListModel       *model)
{
  vdi_providers_page_update_state (self);
}

static void
vdi_providers_page_selection_cb (VdiProvidersPage   *self,
                                 GParamSpec         *pspec,
                                 GtkSingleSelection *selection)
{
  vdi_providers_page_update_actions (self);
}

static void
vdi_providers_page_activate_cb (VdiProvidersPage *self,
                                guint             position,
                                GtkColumnView    *column_view)
{
  g_assert (VDI_IS_PROVIDERS_PAGE (self));

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "providers.edit", NULL);
}

static void
vdi_providers_page_open_dialog (VdiProvidersPage *self,
                                VdiProvider      *provider)
{
  VdiProviderDialog *dialog;
  GtkRoot *root;

  g_assert (VDI_IS_PROVIDERS_PAGE (self));
  g_assert (!provider || VDI_IS_PROVIDER (provider));

  if (self->farm == NULL || self->credentials == NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = vdi_provider_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                    self->farm, self->credentials, provider);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vdi_providers_page_add_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *param)
{
  vdi_providers_page_open_dialog (VDI_PROVIDERS_PAGE (widget), NULL);
}

static void
vdi_providers_page_edit_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *param)
{
  VdiProvidersPage *self = VDI_PROVIDERS_PAGE (widget);
  VdiProvider *provider;

  if ((provider = vdi_providers_page_get_selected (self)))
    vdi_providers_page_open_dialog (self, provider);
}

static void
vdi_providers_page_clear_password_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing to tell the admin: the provider is gone, and a password left in the keyring is
   * keyed by an id that will never be used again. */
  if (!vdi_credentials_clear_finish (VDI_CREDENTIALS (object), result, &error))
    g_debug ("Could not clear a removed provider's password: %s", error->message);
}

/* A Remove question and the provider it is about, for as long as the question is open. The
 * page is held weakly: it may go (the window closing) before the admin answers. */
typedef struct
{
  GWeakRef     page;
  VdiProvider *provider;
} RemoveRequest;

static void
remove_request_free (gpointer  data,
                     GClosure *closure)
{
  RemoveRequest *request = data;

  g_weak_ref_clear (&request->page);
  g_clear_object (&request->provider);
  g_free (request);
}

static void
vdi_providers_page_remove_response_cb (AdwMessageDialog *dialog,
                                       const char       *response,
                                       RemoveRequest    *request)
{
  g_autoptr(VdiProvidersPage) self = g_weak_ref_get (&request->page);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  VdiProvider *provider = request->provider;

  g_assert (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert (VDI_IS_PROVIDER (provider));

  if (self == NULL || g_strcmp0 (response, "remove") != 0 || self->farm == NULL)
    return;

  if (!vdi_farm_remove_provider (self->farm, provider, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      AdwMessageDialog *refusal;

      refusal = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                            _("Provider Not Removed"),
                                                            NULL));
      adw_message_dialog_set_body (refusal, error->message);
      adw_message_dialog_add_response (refusal, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (refusal));
      return;
    }

  if (self->credentials != NULL)
    vdi_credentials_clear_async (self->credentials,
                                 vdi_provider_get_id (provider),
                                 NULL,
                                 vdi_providers_page_clear_password_cb,
                                 NULL);

  /* Translators: %s is a provider name. */
  message = g_strdup_printf (_("Provider “%s” removed"), vdi_provider_get_name (provider));
  vdi_show_toast (GTK_WIDGET (self), message);
}

static void
vdi_providers_page_remove_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VdiProvidersPage *self = VDI_PROVIDERS_PAGE (widget);
  AdwMessageDialog *dialog;
  RemoveRequest *request;
  VdiProvider *provider;
  GtkRoot *root;

  if (!(provider = vdi_providers_page_get_selected (self)))
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Remove Provider?"),
                                                       NULL));
  /* Translators: %s is a provider name. */
  adw_message_dialog_format_body (dialog,
                                  _("“%s” will be removed from the farm and its stored "
                                    "password deleted."),
                                  vdi_provider_get_name (provider));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_add_response (dialog, "remove", _("_Remove"));
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  request = g_new0 (RemoveRequest, 1);
  g_weak_ref_init (&request->page, self);
  request->provider = g_object_ref (provider);
  g_signal_connect_data (dialog, "response",
                         G_CALLBACK (vdi_providers_page_remove_response_cb),
                         request, remove_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

VdiFarm *
vdi_providers_page_get_farm (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  return self->farm;
}

void
vdi_providers_page_set_farm (VdiProvidersPage *self,
                             VdiFarm          *farm)
{
  g_return_if_fail (VDI_IS_PROVIDERS_PAGE (self));
  g_return_if_fail (!farm || VDI_IS_FARM (farm));

  if (self->farm == farm)
    return;

  if (self->farm != NULL)
    g_signal_handlers_disconnect_by_func (vdi_farm_get_providers (self->farm),
                                          vdi_providers_page_items_changed_cb,
                                          self);

  g_set_object (&self->farm, farm);

  if (farm != NULL)
    g_signal_connect_object (vdi_farm_get_providers (farm), "items-changed",
                             G_CALLBACK (vdi_providers_page_items_changed_cb),
                             self, G_CONNECT_SWAPPED);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FARM]);
  vdi_providers_page_update_state (self);
}

VdiCredentials *
vdi_providers_page_get_credentials (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  return self->credentials;
}

void
vdi_providers_page_set_credentials (VdiProvidersPage *self,
                                    VdiCredentials   *credentials)
{
  g_return_if_fail (VDI_IS_PROVIDERS_PAGE (self));
  g_return_if_fail (!credentials || VDI_IS_CREDENTIALS (credentials));

  if (g_set_object (&self->credentials, credentials))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREDENTIALS]);
}

GtkColumnView *
vdi_providers_page_get_column_view (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  return self->column_view;
}

GtkEditable *
vdi_providers_page_get_search_entry (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

/**
 * vdi_providers_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected provider
 */
VdiProvider *
vdi_providers_page_get_selected (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  /* NULL once the template is disposed */
  if (self->selection == NULL)
    return NULL;

  return gtk_single_selection_get_selected_item (self->selection);
}

gboolean
vdi_providers_page_select (VdiProvidersPage *self,
                           VdiProvider      *provider)
{
  GListModel *model;

  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), FALSE);
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), FALSE);

  model = G_LIST_MODEL (self->selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VdiProvider) item = g_list_model_get_item (model, i);

      if (item == provider)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

/* "empty", "no-results" or "list". */
const char *
vdi_providers_page_get_state (VdiProvidersPage *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDERS_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
vdi_providers_page_focus_search (VdiProvidersPage *self)
{
  g_return_if_fail (VDI_IS_PROVIDERS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
vdi_providers_page_dispose (GObject *object)
{
  VdiProvidersPage *self = (VdiProvidersPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_PROVIDERS_PAGE);

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (vdi_providers_page_parent_class)->dispose (object);
}

static void
vdi_providers_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VdiProvidersPage *self = VDI_PROVIDERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FARM:
      g_value_set_object (value, self->farm);
      break;

    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_providers_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VdiProvidersPage *self = VDI_PROVIDERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_FARM:
      vdi_providers_page_set_farm (self, g_value_get_object (value));
      break;

    case PROP_CREDENTIALS:
      vdi_providers_page_set_credentials (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_providers_page_class_init (VdiProvidersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_providers_page_dispose;
  object_class->get_property = vdi_providers_page_get_property;
  object_class->set_property = vdi_providers_page_set_property;

  properties[PROP_FARM] =
    g_param_spec_object ("farm", NULL, NULL,
                         VDI_TYPE_FARM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         VDI_TYPE_CREDENTIALS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-providers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, name_column);
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, selection);
  gtk_widget_class_bind_template_child (widget_class, VdiProvidersPage, stack);
  gtk_widget_class_bind_template_callback (widget_class, enum_to_int);
  gtk_widget_class_bind_template_callback (widget_class, provider_status_label);
  gtk_widget_class_bind_template_callback (widget_class, provider_subtype_label);
  gtk_widget_class_bind_template_callback (widget_class, provider_type_label);
  gtk_widget_class_bind_template_callback (widget_class, vdi_providers_page_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_providers_page_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_providers_page_selection_cb);

  gtk_widget_class_install_action (widget_class, "providers.add", NULL,
                                   vdi_providers_page_add_action);
  gtk_widget_class_install_action (widget_class, "providers.edit", NULL,
                                   vdi_providers_page_edit_action);
  gtk_widget_class_install_action (widget_class, "providers.remove", NULL,
                                   vdi_providers_page_remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "providers.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "providers.remove", NULL);

  gtk_widget_class_set_css_name (widget_class, "providerspage");

  g_type_ensure (VDI_TYPE_CELL_TOOLTIP);
  g_type_ensure (VDI_TYPE_PROVIDER);
  g_type_ensure (VDI_TYPE_FARM);
}

static void
vdi_providers_page_init (VdiProvidersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);
  vdi_providers_page_update_state (self);
}
