/* vdi-provider-dialog.c
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

#include "vdi-provider-dialog.h"
#include "vdi-provider-prompts.h"
#include "vdi-ui-utils.h"

struct _VdiProviderDialog
{
  AdwWindow            parent_instance;

  /* Owned references */
  VdiFarm             *farm;
  VdiCredentials      *credentials;
  VdiProvider         *provider;
  GSettings           *settings;
  char                *error_message;

  /* Template widgets */
  AdwActionRow        *allow_http_row;
  GtkSwitch           *allow_http_switch;
  AdwPreferencesGroup *credentials_group;
  GtkLabel            *error_label;
  AdwEntryRow         *host_row;
  AdwEntryRow         *name_row;
  AdwPasswordEntryRow *password_row;
  AdwActionRow        *port_row;
  GtkSpinButton       *port_spin;
  GtkButton           *save_button;
  GtkCustomFilter     *subtype_filter;
  GtkFilterListModel  *subtype_model;
  AdwComboRow         *subtype_row;
  AdwComboRow         *auth_row;
  AdwEnumListModel    *type_model;
  AdwComboRow         *type_row;
  AdwEntryRow         *username_row;
  AdwWindowTitle      *window_title;

  /* Set while the dialog changes its own fields, so handlers tell them from the admin's edits */
  guint                updating : 1;
  guint                port_edited : 1;
  guint                touched : 1;
};

enum {
  PROP_0,
  PROP_FARM,
  PROP_CREDENTIALS,
  PROP_PROVIDER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VdiProviderDialog, vdi_provider_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static char *
provider_type_item_label (AdwEnumListItem *item)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE, adw_enum_list_item_get_value (item)));
}

static char *
provider_subtype_item_label (AdwEnumListItem *item)
{
  return g_strdup (vdi_enum_get_label (VDI_TYPE_PROVIDER_SUBTYPE,
                                       adw_enum_list_item_get_value (item)));
}

static VdiProviderType
vdi_provider_dialog_get_type_choice (VdiProviderDialog *self)
{
  AdwEnumListItem *item = adw_combo_row_get_selected_item (self->type_row);

  return item != NULL ? adw_enum_list_item_get_value (item) : VDI_PROVIDER_TYPE_HYPERV;
}

static gboolean
vdi_provider_dialog_get_subtype_choice (VdiProviderDialog  *self,
                                        VdiProviderSubtype *subtype)
{
  AdwEnumListItem *item = adw_combo_row_get_selected_item (self->subtype_row);

  if (item == NULL)
    return FALSE;

  *subtype = adw_enum_list_item_get_value (item);
  return TRUE;
}

static gboolean
subtype_matches_type (gpointer item,
                      gpointer user_data)
{
  VdiProviderDialog *self = user_data;
  VdiProviderSubtype subtype = adw_enum_list_item_get_value (item);

  return vdi_provider_subtype_get_provider_type (subtype) ==
         vdi_provider_dialog_get_type_choice (self);
}

/* The rows of auth_row, in order. */
static const char * const auth_ids[] = { "negotiate", "kerberos", "ntlm", "basic" };

/* How the chosen Hyper-V provider authenticates; %NULL for vCenter, which has its own sessions. */
static const char *
vdi_provider_dialog_get_auth_choice (VdiProviderDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->auth_row);

  if (vdi_provider_dialog_get_type_choice (self) != VDI_PROVIDER_TYPE_HYPERV ||
      selected >= G_N_ELEMENTS (auth_ids))
    return NULL;
  return auth_ids[selected];
}

/* Whether every message is sealed by the authentication (Negotiate, Kerberos, NTLM). */
static gboolean
vdi_provider_dialog_seals (VdiProviderDialog *self)
{
  const char *auth = vdi_provider_dialog_get_auth_choice (self);

  return auth != NULL && g_strcmp0 (auth, "basic") != 0;
}

/* Says on the port row what travels how, as vdi_http_client_provider_uses_http() decides: a
 * sealed provider on WinRM's HTTP port sends nothing in clear; Basic and vCenter need HTTPS
 * unless unencrypted HTTP is allowed. Only Basic and vCenter are offered that switch. */
static void
vdi_provider_dialog_update_transport (VdiProviderDialog *self)
{
  gboolean seals;
  gboolean http;
  const char *subtitle;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  /* Building the template may set values before its children are bound. */
  if (self->allow_http_row == NULL || self->port_row == NULL)
    return;

  seals = vdi_provider_dialog_seals (self);
  http = gtk_switch_get_active (self->allow_http_switch) ||
         (seals && gtk_spin_button_get_value_as_int (self->port_spin) == 5985);
  gtk_widget_set_visible (GTK_WIDGET (self->allow_http_row), !seals);
  if (http && seals)
    subtitle = _("HTTP: every message is encrypted by the authentication");
  else if (http)
    subtitle = _("HTTP: unencrypted");
  else
    subtitle = _("HTTPS");
  adw_action_row_set_subtitle (self->port_row, subtitle);
}

static void
vdi_provider_dialog_update_port (VdiProviderDialog *self)
{
  VdiProviderSubtype subtype;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (!self->port_edited && vdi_provider_dialog_get_subtype_choice (self, &subtype))
    {
      gboolean updating = self->updating;

      self->updating = TRUE;
      gtk_spin_button_set_value (self->port_spin,
                                 vdi_provider_default_port (subtype,
                                                            vdi_provider_dialog_get_auth_choice (self)));
      self->updating = updating;
    }

  vdi_provider_dialog_update_transport (self);
}

/* What the live session authenticates with, once the provider was reached. */
static void
vdi_provider_dialog_update_session_auth (VdiProviderDialog *self)
{
  const char *session_auth = self->provider != NULL ? vdi_provider_get_session_auth (self->provider)
                                                    : NULL;
  g_autofree char *subtitle = NULL;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (session_auth != NULL && g_strcmp0 (session_auth, "Basic") == 0)
    /* Translators: %s is how the live session authenticates, such as Basic. */
    subtitle = g_strdup_printf (_("In use now: %s"), session_auth);
  else if (session_auth != NULL)
    /* Translators: %s is how the live session authenticates: Kerberos or NTLM. */
    subtitle = g_strdup_printf (_("In use now: %s, every message encrypted"), session_auth);
  else
    subtitle = g_strdup (_("Negotiate (Kerberos or NTLM) works with a host as Windows installs it"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->auth_row), subtitle);
}

static void
vdi_provider_dialog_validate (VdiProviderDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean valid;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  /* Template construction sets values before the farm is known. */
  if (self->farm == NULL)
    return;

  valid = vdi_farm_check_provider (self->farm,
                                   self->provider,
                                   gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                   gtk_editable_get_text (GTK_EDITABLE (self->host_row)),
                                   gtk_spin_button_get_value_as_int (self->port_spin),
                                   &error);

  g_clear_pointer (&self->error_message, g_free);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->host_row), "error");

  if (!valid)
    {
      self->error_message = g_strdup (error->message);

      /* An empty new form is not an error yet: only say what is wrong once the admin typed. */
      if (self->touched)
        {
          if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME) ||
              g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN))
            gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
          else if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS))
            gtk_widget_add_css_class (GTK_WIDGET (self->host_row), "error");
        }
    }

  gtk_label_set_text (self->error_label, self->error_message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->touched && !valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid);
}

static void
vdi_provider_dialog_changed_cb (VdiProviderDialog *self,
                                GtkEditable       *editable)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (!self->updating)
    self->touched = TRUE;

  vdi_provider_dialog_validate (self);
}

static void
vdi_provider_dialog_port_changed_cb (VdiProviderDialog *self,
                                     GtkSpinButton     *spin)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (!self->updating)
    self->port_edited = TRUE;

  vdi_provider_dialog_update_transport (self);
  vdi_provider_dialog_validate (self);
}

static void
vdi_provider_dialog_apply_auth (VdiProviderDialog *self,
                                VdiProvider       *provider)
{
  const char *auth = vdi_provider_dialog_get_auth_choice (self);

  if (vdi_provider_get_provider_type (provider) == VDI_PROVIDER_TYPE_HYPERV && auth != NULL)
    vdi_provider_set_auth (provider, auth);
}

static void
vdi_provider_dialog_auth_changed_cb (VdiProviderDialog *self,
                                     GParamSpec        *pspec,
                                     AdwComboRow       *row)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (self->updating)
    return;

  /* Unencrypted HTTP is a Basic question: a sealed provider does not keep it behind the admin's
   * back when the switch is hidden. */
  if (vdi_provider_dialog_seals (self))
    gtk_switch_set_active (self->allow_http_switch, FALSE);
  vdi_provider_dialog_update_port (self);
}

static void
vdi_provider_dialog_allow_http_changed_cb (VdiProviderDialog *self,
                                           GParamSpec        *pspec,
                                           GtkSwitch         *widget)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  vdi_provider_dialog_update_transport (self);
}

static void
vdi_provider_dialog_subtype_changed_cb (VdiProviderDialog *self,
                                        GParamSpec        *pspec,
                                        AdwComboRow       *row)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (self->updating)
    return;

  vdi_provider_dialog_update_port (self);
}

/* Shows @subtype, and with it its type and only the subtypes of that type. */
static void
vdi_provider_dialog_select_subtype (VdiProviderDialog  *self,
                                    VdiProviderSubtype  subtype)
{
  VdiProviderType type = vdi_provider_subtype_get_provider_type (subtype);
  GListModel *subtypes = G_LIST_MODEL (self->subtype_model);

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  self->updating = TRUE;

  adw_combo_row_set_selected (self->type_row,
                              adw_enum_list_model_find_position (self->type_model, type));
  gtk_filter_changed (GTK_FILTER (self->subtype_filter), GTK_FILTER_CHANGE_DIFFERENT);

  for (guint i = 0; i < g_list_model_get_n_items (subtypes); i++)
    {
      g_autoptr(AdwEnumListItem) item = g_list_model_get_item (subtypes, i);

      if (adw_enum_list_item_get_value (item) == (int)subtype)
        {
          adw_combo_row_set_selected (self->subtype_row, i);
          break;
        }
    }

  /* How to authenticate is a Hyper-V question: vCenter has its own sessions. */
  gtk_widget_set_visible (GTK_WIDGET (self->auth_row), type == VDI_PROVIDER_TYPE_HYPERV);

  self->updating = FALSE;

  vdi_provider_dialog_update_port (self);
}

static void
vdi_provider_dialog_type_changed_cb (VdiProviderDialog *self,
                                     GParamSpec        *pspec,
                                     AdwComboRow       *row)
{
  GListModel *subtypes = G_LIST_MODEL (self->subtype_model);
  g_autoptr(AdwEnumListItem) first = NULL;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  if (self->updating)
    return;

  /* Switching type offers that type's first subtype. */
  self->updating = TRUE;
  gtk_filter_changed (GTK_FILTER (self->subtype_filter), GTK_FILTER_CHANGE_DIFFERENT);
  self->updating = FALSE;

  if ((first = g_list_model_get_item (subtypes, 0)))
    vdi_provider_dialog_select_subtype (self, adw_enum_list_item_get_value (first));
}

static void
vdi_provider_dialog_store_password_cb (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  VdiCredentials *credentials = (VdiCredentials *)object;
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (VDI_IS_CREDENTIALS (credentials));

  if (!vdi_credentials_store_finish (credentials, result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: %s is the reason. */
      message = g_strdup_printf (_("The password could not be stored: %s"), error->message);
      if (parent != NULL)
        vdi_show_toast (GTK_WIDGET (parent), message);
      return;
    }

  if (!vdi_credentials_get_secret_service_available (credentials) && parent != NULL)
    vdi_show_toast (GTK_WIDGET (parent),
                    _("No Secret Service is running: the password is kept in memory for this "
                      "session only"));
}

static void
vdi_provider_dialog_save_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  VdiProviderDialog *self = (VdiProviderDialog *)widget;
  g_autoptr(VdiProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  VdiProviderSubtype subtype;
  const char *name;
  const char *host;
  const char *password;
  GtkWindow *parent;
  guint port;

  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  self->touched = TRUE;
  vdi_provider_dialog_validate (self);
  if (self->error_message != NULL || !vdi_provider_dialog_get_subtype_choice (self, &subtype))
    return;

  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  host = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  port = gtk_spin_button_get_value_as_int (self->port_spin);
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->provider == NULL)
    {
      g_autofree char *id = g_uuid_string_random ();

      provider = vdi_provider_new (id, name, subtype, host, port);
      vdi_provider_set_username (provider, gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
      vdi_provider_set_allow_http (provider, gtk_switch_get_active (self->allow_http_switch));
      vdi_provider_dialog_apply_auth (self, provider);

      if (!vdi_farm_add_provider (self->farm, provider, &error))
        {
          g_free (self->error_message);
          self->error_message = g_strdup (error->message);
          gtk_label_set_text (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
          return;
        }
    }
  else
    {
      provider = g_object_ref (self->provider);
      vdi_provider_set_name (provider, name);
      vdi_provider_set_subtype (provider, subtype);
      vdi_provider_set_host (provider, host);
      vdi_provider_set_port (provider, port);
      vdi_provider_set_username (provider, gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
      vdi_provider_set_allow_http (provider, gtk_switch_get_active (self->allow_http_switch));
      vdi_provider_dialog_apply_auth (self, provider);
    }

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-provider-subtype",
                           vdi_enum_get_nick (VDI_TYPE_PROVIDER_SUBTYPE, subtype));

  /* The store outlives the dialog: it must not use the dialog's cancellable, and it reports to
   * the window the dialog belonged to. */
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (password[0] != '\0')
    vdi_credentials_store_async (self->credentials,
                                 vdi_provider_get_id (provider),
                                 vdi_provider_get_name (provider),
                                 password,
                                 NULL,
                                 vdi_provider_dialog_store_password_cb,
                                 parent != NULL ? g_object_ref (parent) : NULL);

  /* Talk to it now, so a certificate to trust or a password to fix is asked at once. */
  vdi_provider_prompts_first_contact (parent, self->credentials, provider,
                                      password[0] != '\0' ? password : NULL);

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
vdi_provider_dialog_entry_activated_cb (VdiProviderDialog *self,
                                        AdwEntryRow       *row)
{
  g_assert (VDI_IS_PROVIDER_DIALOG (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
vdi_provider_dialog_constructed (GObject *object)
{
  VdiProviderDialog *self = (VdiProviderDialog *)object;
  VdiProviderSubtype subtype = VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE;

  G_OBJECT_CLASS (vdi_provider_dialog_parent_class)->constructed (object);

  g_return_if_fail (VDI_IS_FARM (self->farm));
  g_return_if_fail (VDI_IS_CREDENTIALS (self->credentials));

  self->updating = TRUE;

  if (self->provider != NULL)
    {
      VdiProvider *provider = self->provider;

      gtk_window_set_title (GTK_WINDOW (self), _("Edit Provider"));
      adw_window_title_set_title (self->window_title, _("Edit Provider"));
      adw_window_title_set_subtitle (self->window_title, vdi_provider_get_name (provider));
      gtk_button_set_label (self->save_button, _("_Save"));
      adw_preferences_group_set_description (self->credentials_group,
                                             _("Leave the password empty to keep the stored one"));

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), vdi_provider_get_name (provider));
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), vdi_provider_get_host (provider));
      gtk_editable_set_text (GTK_EDITABLE (self->username_row),
                             vdi_provider_get_username (provider) ?: "");
      gtk_switch_set_active (self->allow_http_switch, vdi_provider_get_allow_http (provider));
      for (guint i = 0; i < G_N_ELEMENTS (auth_ids); i++)
        if (g_strcmp0 (vdi_provider_get_auth (provider), auth_ids[i]) == 0)
          adw_combo_row_set_selected (self->auth_row, i);
      gtk_spin_button_set_value (self->port_spin, vdi_provider_get_port (provider));

      subtype = vdi_provider_get_subtype (provider);
      self->port_edited = vdi_provider_get_port (provider) !=
                          vdi_provider_default_port (subtype, vdi_provider_get_auth (provider));
      g_signal_connect_object (provider, "notify::session-auth",
                               G_CALLBACK (vdi_provider_dialog_update_session_auth), self,
                               G_CONNECT_SWAPPED);
      vdi_provider_dialog_update_session_auth (self);

      /* Templates are bound to their providers' type: only the subtype may change. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), FALSE);
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Add Provider"));
      adw_window_title_set_title (self->window_title, _("Add Provider"));
      gtk_button_set_label (self->save_button, _("_Add"));

      if (self->settings != NULL)
        {
          g_autofree char *nick = g_settings_get_string (self->settings, "last-provider-subtype");
          int value;

          if (vdi_enum_from_nick (VDI_TYPE_PROVIDER_SUBTYPE, nick, &value))
            subtype = value;
        }
    }

  self->updating = FALSE;

  vdi_provider_dialog_select_subtype (self, subtype);
  vdi_provider_dialog_validate (self);
}

VdiProviderDialog *
vdi_provider_dialog_new (GtkWindow      *parent,
                         VdiFarm        *farm,
                         VdiCredentials *credentials,
                         VdiProvider    *provider)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (!provider || VDI_IS_PROVIDER (provider), NULL);

  return g_object_new (VDI_TYPE_PROVIDER_DIALOG,
                       "transient-for", parent,
                       "farm", farm,
                       "credentials", credentials,
                       "provider", provider,
                       NULL);
}

/**
 * vdi_provider_dialog_get_provider:
 *
 * Returns: (transfer none) (nullable): the provider being edited, %NULL when adding
 */
VdiProvider *
vdi_provider_dialog_get_provider (VdiProviderDialog *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER_DIALOG (self), NULL);

  return self->provider;
}

/**
 * vdi_provider_dialog_get_error:
 *
 * Returns: (nullable): why the form cannot be saved, or %NULL when it can
 */
const char *
vdi_provider_dialog_get_error (VdiProviderDialog *self)
{
  g_return_val_if_fail (VDI_IS_PROVIDER_DIALOG (self), NULL);

  return self->error_message;
}

static void
vdi_provider_dialog_dispose (GObject *object)
{
  VdiProviderDialog *self = (VdiProviderDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_PROVIDER_DIALOG);

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->provider);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vdi_provider_dialog_parent_class)->dispose (object);
}

static void
vdi_provider_dialog_finalize (GObject *object)
{
  VdiProviderDialog *self = (VdiProviderDialog *)object;

  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (vdi_provider_dialog_parent_class)->finalize (object);
}

static void
vdi_provider_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VdiProviderDialog *self = VDI_PROVIDER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FARM:
      g_value_set_object (value, self->farm);
      break;

    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;

    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_provider_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VdiProviderDialog *self = VDI_PROVIDER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FARM:
      self->farm = g_value_dup_object (value);
      break;

    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;

    case PROP_PROVIDER:
      self->provider = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_provider_dialog_class_init (VdiProviderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vdi_provider_dialog_constructed;
  object_class->dispose = vdi_provider_dialog_dispose;
  object_class->finalize = vdi_provider_dialog_finalize;
  object_class->get_property = vdi_provider_dialog_get_property;
  object_class->set_property = vdi_provider_dialog_set_property;

  properties[PROP_FARM] =
    g_param_spec_object ("farm", NULL, NULL,
                         VDI_TYPE_FARM,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         VDI_TYPE_CREDENTIALS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL,
                         VDI_TYPE_PROVIDER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-provider-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, allow_http_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, allow_http_switch);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, auth_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, credentials_group);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, subtype_filter);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, subtype_model);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, subtype_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, type_model);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, VdiProviderDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, provider_subtype_item_label);
  gtk_widget_class_bind_template_callback (widget_class, provider_type_item_label);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_allow_http_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_auth_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_port_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_subtype_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_provider_dialog_type_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL,
                                   vdi_provider_dialog_save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (VDI_TYPE_PROVIDER_TYPE);
  g_type_ensure (VDI_TYPE_PROVIDER_SUBTYPE);
}

static void
vdi_provider_dialog_init (VdiProviderDialog *self)
{
  /* Building the template sets the port, which is not the admin's edit. */
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_custom_filter_set_filter_func (self->subtype_filter, subtype_matches_type, self, NULL);
  self->updating = FALSE;

  self->settings = vdi_settings_new ();
}
