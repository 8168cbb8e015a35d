/* vdi-template-properties.c
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

#include "vdi-backend-factory.h"
#include "vdi-datastore-picker.h"
#include "vdi-target-picker.h"
#include "vdi-vm-info.h"
#include "vdi-template-properties.h"
#include "vdi-ui-utils.h"

struct _VdiTemplateProperties
{
  AdwWindow            parent_instance;

  /* Owned references */
  VdiFarm             *farm;
  VdiCredentials      *credentials;
  VdiDistributor      *distributor;
  VdiBackend          *backend;        /* the vCenter of the template, for its datastores */
  GCancellable        *cancellable;
  VdiTemplate         *template;
  char                *error;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  AdwEntryRow         *name_row;
  AdwActionRow        *source_row;
  AdwEntryRow         *format_row;
  GtkSpinButton       *max_hosts_spin;
  AdwComboRow         *clone_row;
  AdwActionRow        *multi_row;
  AdwPreferencesGroup *datastores_group;
  VdiDatastorePicker  *datastore_picker;
  AdwPreferencesGroup *targets_group;
  VdiTargetPicker     *picker;
  AdwPreferencesGroup *concurrency_group;
  GtkSpinButton       *concurrency_spin;
  GtkSwitch           *relay_switch;
  GtkListBox          *hosts_list;
  GtkLabel            *error_label;

  guint                n_running;
  /* The settings as the model last had them: one that changes from elsewhere (another
   * process's change taken in) shows, unless the admin is typing another value. */
  char                *known_name;
  char                *known_format;
  guint                known_max_hosts;
  VdiCloneMethod       known_clone;
  guint                filling : 1;             /* widgets set from the model, not the admin */
  guint                applying : 1;            /* the admin's value going into the model */
  guint                finding_datastores : 1;  /* before the picker lists them */
};

G_DEFINE_FINAL_TYPE (VdiTemplateProperties, vdi_template_properties, ADW_TYPE_WINDOW)

static void vdi_template_properties_update (VdiTemplateProperties *self);

VdiTemplate *
vdi_template_properties_get_template (VdiTemplateProperties *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_PROPERTIES (self), NULL);

  return self->template;
}

/* What the dialog says went wrong last, or %NULL. */
const char *
vdi_template_properties_get_error (VdiTemplateProperties *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_PROPERTIES (self), NULL);

  return self->error;
}

/* Whether provider changes it started are still running. */
gboolean
vdi_template_properties_get_busy (VdiTemplateProperties *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_PROPERTIES (self), FALSE);

  return self->n_running > 0 || self->finding_datastores ||
         vdi_datastore_picker_get_loading (self->datastore_picker);
}

static void
show_error (VdiTemplateProperties *self,
            const char            *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* The model's checks on the changed template; FALSE (and the reason shown) when it refuses. */
static gboolean
accepted (VdiTemplateProperties *self)
{
  g_autoptr(GError) error = NULL;

  if (!vdi_farm_check_template (self->farm, self->template, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  return TRUE;
}

static void
vdi_template_properties_name_apply_cb (VdiTemplateProperties *self)
{
  g_autofree char *old = g_strdup (vdi_template_get_name (self->template));

  self->applying = TRUE;
  vdi_template_set_name (self->template, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  if (!accepted (self))
    vdi_template_set_name (self->template, old);
  self->applying = FALSE;
}

static void
vdi_template_properties_format_apply_cb (VdiTemplateProperties *self)
{
  g_autofree char *old = g_strdup (vdi_template_get_host_name_format (self->template));

  self->applying = TRUE;
  vdi_template_set_host_name_format (self->template,
                                     gtk_editable_get_text (GTK_EDITABLE (self->format_row)));
  if (!accepted (self))
    vdi_template_set_host_name_format (self->template, old);
  self->applying = FALSE;
}

static void
vdi_template_properties_max_hosts_cb (VdiTemplateProperties *self)
{
  guint old = vdi_template_get_max_hosts (self->template);

  if (self->filling)
    return;
  self->applying = TRUE;
  vdi_template_set_max_hosts (self->template,
                              gtk_spin_button_get_value_as_int (self->max_hosts_spin));
  if (!accepted (self))
    vdi_template_set_max_hosts (self->template, old);
  self->applying = FALSE;
}

static void
vdi_template_properties_clone_cb (VdiTemplateProperties *self)
{
  if (self->filling)
    return;
  self->applying = TRUE;
  vdi_template_set_clone_method (self->template,
                                 adw_combo_row_get_selected (self->clone_row) == 1
                                   ? VDI_CLONE_METHOD_LINKED : VDI_CLONE_METHOD_FULL);
  self->applying = FALSE;
}

static void
vdi_template_properties_concurrency_cb (VdiTemplateProperties *self)
{
  g_autoptr(GError) error = NULL;

  if (self->filling)
    return;
  if (!vdi_template_set_concurrency (self->template,
                                     gtk_spin_button_get_value_as_int (self->concurrency_spin),
                                     &error))
    show_error (self, error->message);
  else
    show_error (self, NULL);
}

/* Takes effect for the copies started from now on. */
static void
vdi_template_properties_relay_cb (VdiTemplateProperties *self)
{
  if (self->filling)
    return;
  vdi_template_set_relay (self->template, gtk_switch_get_active (self->relay_switch));
}

/* Providers ------------------------------------------------------------------------------------ */

/* The providers with a copy of the template (not its source). */
static GPtrArray *
copy_providers (VdiTemplate *template)
{
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *targets = vdi_template_get_targets (template);

  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

      if (!vdi_target_get_is_source (target))
        g_ptr_array_add (providers, g_object_ref (vdi_target_get_provider (target)));
    }
  return providers;
}

static GPtrArray *
picked_providers (VdiTargetPicker *picker)
{
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *targets = vdi_target_picker_get_targets (picker);

  for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
    g_ptr_array_add (providers, g_list_model_get_item (targets, i));
  return providers;
}

/* The items of @a that are not in @b. */
static GPtrArray *
difference (GPtrArray *a,
            GPtrArray *b)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < a->len; i++)
    if (!g_ptr_array_find (b, g_ptr_array_index (a, i), NULL))
      g_ptr_array_add (result, g_object_ref (g_ptr_array_index (a, i)));
  return result;
}

/* The lists as the template has them: its copies as targets, the other providers of the same
 * type and subtype as available. */
static void
fill_picker (VdiTemplateProperties *self)
{
  VdiProvider *source = vdi_template_get_source_provider (self->template);
  GListModel *providers = vdi_farm_get_providers (self->farm);
  g_autoptr(GPtrArray) targets = copy_providers (self->template);
  g_autoptr(GPtrArray) available = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      if (provider != source && !g_ptr_array_find (targets, provider, NULL) &&
          vdi_provider_get_subtype (provider) == vdi_provider_get_subtype (source))
        g_ptr_array_add (available, g_steal_pointer (&provider));
    }
  vdi_target_picker_set_providers (self->picker, available, targets);
}

static void
provider_changed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VdiTemplateProperties) self = user_data;
  g_autoptr(GError) error = NULL;

  self->n_running--;
  /* A copy that failed is the Distribution details' to show, with its Retry. */
  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error) &&
      !g_error_matches (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
  vdi_template_properties_update (self);
}

static void
vdi_template_properties_apply_targets_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *param)
{
  VdiTemplateProperties *self = VDI_TEMPLATE_PROPERTIES (widget);
  g_autoptr(GPtrArray) current = copy_providers (self->template);
  g_autoptr(GPtrArray) picked = picked_providers (self->picker);
  g_autoptr(GPtrArray) added = difference (picked, current);
  g_autoptr(GPtrArray) removed = difference (current, picked);

  show_error (self, NULL);

  /* The work belongs to the template, not to this dialog: closing the dialog does not stop it;
   * the Templates tab and the Distribution details follow it. */
  for (guint i = 0; i < added->len; i++)
    {
      self->n_running++;
      vdi_distributor_add_provider_async (self->distributor, self->template,
                                          g_ptr_array_index (added, i), NULL,
                                          provider_changed_cb, g_object_ref (self));
    }
  for (guint i = 0; i < removed->len; i++)
    {
      self->n_running++;
      vdi_distributor_remove_provider_async (self->distributor, self->template,
                                             g_ptr_array_index (removed, i), NULL,
                                             provider_changed_cb, g_object_ref (self));
    }
  vdi_template_properties_update (self);
}

/* Datastores (vCenter) ------------------------------------------------------------------------- */

/* Whether the picker says something other than the template. */
static gboolean
datastores_differ (VdiTemplateProperties *self)
{
  gboolean additional = vdi_datastore_picker_get_additional (self->datastore_picker);
  g_auto(GStrv) checked = vdi_datastore_picker_dup_checked (self->datastore_picker);
  const char * const *current = vdi_template_get_datastores (self->template);

  if (!additional)
    return vdi_template_get_datastore_mode (self->template) == VDI_DATASTORE_MODE_ADDITIONAL;
  return vdi_template_get_datastore_mode (self->template) != VDI_DATASTORE_MODE_ADDITIONAL ||
         !g_strv_equal ((const char * const *)checked, current);
}

static void
vdi_template_properties_apply_datastores_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *param)
{
  VdiTemplateProperties *self = VDI_TEMPLATE_PROPERTIES (widget);
  VdiDatastoreMode old_mode = vdi_template_get_datastore_mode (self->template);
  g_auto(GStrv) old = g_strdupv ((char **)vdi_template_get_datastores (self->template));
  g_auto(GStrv) checked = vdi_datastore_picker_dup_checked (self->datastore_picker);
  gboolean additional = vdi_datastore_picker_get_additional (self->datastore_picker);
  const char * const none[] = { NULL };

  /* Hosts made from now on are placed over these; the ones that exist stay where they are. */
  vdi_template_set_datastore_mode (self->template, additional ? VDI_DATASTORE_MODE_ADDITIONAL
                                                              : VDI_DATASTORE_MODE_SOURCE);
  vdi_template_set_datastores (self->template,
                               additional ? (const char * const *)checked : none);
  if (!accepted (self))
    {
      vdi_template_set_datastore_mode (self->template, old_mode);
      vdi_template_set_datastores (self->template, (const char * const *)old);
    }
  vdi_template_properties_update (self);
}

static void
source_vms_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VdiTemplateProperties) self = user_data;
  g_autoptr(GPtrArray) vms = NULL;
  g_autoptr(GError) error = NULL;
  const char *own = NULL;

  vms = vdi_backend_list_vms_finish (VDI_BACKEND (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->finding_datastores = FALSE;
  if (vms == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The datastores could not be listed: %s"),
                                                  error->message);

      adw_preferences_group_set_description (self->datastores_group, message);
      return;
    }

  /* The template's own datastore is always used: it shows checked and fixed. */
  for (guint i = 0; i < vms->len; i++)
    if (g_strcmp0 (vdi_vm_info_get_id (g_ptr_array_index (vms, i)),
                   vdi_template_get_source_vm_id (self->template)) == 0)
      own = vdi_vm_info_get_datastore_id (g_ptr_array_index (vms, i));

  vdi_datastore_picker_load (self->datastore_picker, self->backend, own,
                             vdi_template_get_datastores (self->template));
}

static void
backend_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VdiTemplateProperties) self = user_data;
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  /* A cancelled open belongs to a provider no longer shown: it must not replace the backend. */
  backend = vdi_backend_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_set_object (&self->backend, backend);
  if (self->backend == NULL)
    {
      self->finding_datastores = FALSE;
      adw_preferences_group_set_description (self->datastores_group, error->message);
      return;
    }
  vdi_backend_list_vms_async (self->backend, self->cancellable, source_vms_cb,
                              g_object_ref (self));
}

/* Hosts ---------------------------------------------------------------------------------------- */

static gboolean
state_to_label (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_value_set_string (to, vdi_enum_get_label (VDI_TYPE_HOST_STATE, g_value_get_enum (from)));
  return TRUE;
}

static GtkWidget *
create_host_row (gpointer item,
                 gpointer user_data)
{
  VdiHost *host = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state = gtk_label_new (NULL);

  gtk_widget_set_name (row, "host-row");
  gtk_widget_set_name (state, "host-state");
  gtk_widget_add_css_class (state, "dim-label");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vdi_host_get_name (host));
  g_object_bind_property (host, "last-error", row, "subtitle", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (host, "state", state, "label", G_BINDING_SYNC_CREATE,
                               state_to_label, NULL, NULL, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
  return row;
}

/* The dialog from the model ------------------------------------------------------------------- */

/* An entry shows a new value of the model unless the admin has typed one not applied yet. */
static void
follow_entry (VdiTemplateProperties  *self,
              AdwEntryRow            *row,
              char                  **known,
              const char             *value)
{
  if (g_strcmp0 (*known, value) == 0)
    return;
  if (!self->applying && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), *known) == 0)
    {
      /* Not an edit of the admin's: no apply button for it (turning the button off forgets
       * that the text changed). */
      adw_entry_row_set_show_apply_button (row, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row), value);
      adw_entry_row_set_show_apply_button (row, TRUE);
    }
  g_free (*known);
  *known = g_strdup (value);
}

/* What changes in the model from elsewhere than this dialog (another process's change taken
 * in) shows in it; what the admin applies here stays as they left it, refused or not. */
static void
follow_settings (VdiTemplateProperties *self)
{
  VdiCloneMethod clone = vdi_template_get_clone_method (self->template);
  guint max_hosts = vdi_template_get_max_hosts (self->template);

  self->filling = TRUE;
  follow_entry (self, self->name_row, &self->known_name, vdi_template_get_name (self->template));
  follow_entry (self, self->format_row, &self->known_format,
                vdi_template_get_host_name_format (self->template));
  if (!self->applying && max_hosts != self->known_max_hosts &&
      gtk_spin_button_get_value_as_int (self->max_hosts_spin) == (int)self->known_max_hosts)
    gtk_spin_button_set_value (self->max_hosts_spin, max_hosts);
  self->known_max_hosts = max_hosts;
  if (!self->applying && clone != self->known_clone)
    adw_combo_row_set_selected (self->clone_row, clone == VDI_CLONE_METHOD_LINKED ? 1 : 0);
  self->known_clone = clone;
  self->filling = FALSE;
}

static void
vdi_template_properties_update (VdiTemplateProperties *self)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) picked = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autofree char *title = NULL;
  guint n_copies;

  g_assert (VDI_IS_TEMPLATE_PROPERTIES (self));

  if (self->template == NULL)
    return;

  title = g_strdup_printf (_("Properties of “%s”"), vdi_template_get_name (self->template));
  adw_window_title_set_title (self->window_title, title);
  follow_settings (self);

  current = copy_providers (self->template);
  picked = picked_providers (self->picker);
  added = difference (picked, current);
  removed = difference (current, picked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "props.apply-targets",
                                 self->n_running == 0 && (added->len > 0 || removed->len > 0));

  if (gtk_widget_get_visible (GTK_WIDGET (self->datastores_group)) && self->backend != NULL)
    {
      g_autofree char *reason = vdi_datastore_picker_dup_reason (self->datastore_picker);

      adw_preferences_group_set_description (self->datastores_group, reason);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "props.apply-datastores",
                                     reason == NULL && datastores_differ (self));
    }
  else
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "props.apply-datastores", FALSE);

  /* Concurrency counts the copies the template has, not the ones being chosen. */
  n_copies = vdi_template_get_n_copy_targets (self->template);
  self->filling = TRUE;
  gtk_spin_button_set_range (self->concurrency_spin, 1, MAX (1, n_copies));
  gtk_spin_button_set_value (self->concurrency_spin, vdi_template_get_concurrency (self->template));
  gtk_switch_set_active (self->relay_switch, vdi_template_get_relay (self->template));
  self->filling = FALSE;
}

static void
fill (VdiTemplateProperties *self)
{
  VdiProvider *source = vdi_template_get_source_provider (self->template);
  gboolean multi = vdi_template_get_multi_provider (self->template);
  gboolean vcenter = vdi_provider_get_provider_type (source) == VDI_PROVIDER_TYPE_VCENTER;
  g_autofree char *source_text = NULL;

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), vdi_template_get_name (self->template));
  /* Translators: a VM on a provider */
  source_text = g_strdup_printf (_("%s on %s"), vdi_template_get_source_vm_name (self->template),
                                 vdi_provider_get_name (source));
  adw_action_row_set_subtitle (self->source_row, source_text);
  gtk_editable_set_text (GTK_EDITABLE (self->format_row),
                         vdi_template_get_host_name_format (self->template));
  gtk_spin_button_set_value (self->max_hosts_spin, vdi_template_get_max_hosts (self->template));
  adw_combo_row_set_selected (self->clone_row,
                              vdi_template_get_clone_method (self->template) ==
                                VDI_CLONE_METHOD_LINKED ? 1 : 0);
  self->known_name = g_strdup (vdi_template_get_name (self->template));
  self->known_format = g_strdup (vdi_template_get_host_name_format (self->template));
  self->known_max_hosts = vdi_template_get_max_hosts (self->template);
  self->known_clone = vdi_template_get_clone_method (self->template);
  self->filling = FALSE;

  adw_action_row_set_subtitle (self->multi_row,
                               multi
                                 ? _("Enabled. This setting cannot be changed once the template "
                                     "exists: delete and re-create the template to change it.")
                                 : _("Disabled. This setting cannot be changed once the template "
                                     "exists: delete and re-create the template to change it."));
  gtk_widget_set_visible (GTK_WIDGET (self->targets_group), multi);
  gtk_widget_set_visible (GTK_WIDGET (self->concurrency_group), multi);
  if (multi)
    fill_picker (self);

  gtk_widget_set_visible (GTK_WIDGET (self->datastores_group), vcenter);
  if (vcenter)
    {
      vdi_datastore_picker_set_additional (self->datastore_picker,
                                           vdi_template_get_datastore_mode (self->template) ==
                                             VDI_DATASTORE_MODE_ADDITIONAL);
      self->finding_datastores = TRUE;
      vdi_backend_open_async (source, self->credentials, self->cancellable, backend_cb,
                              g_object_ref (self));
    }

  gtk_list_box_bind_model (self->hosts_list, vdi_template_get_hosts (self->template),
                           create_host_row, NULL, NULL);
  vdi_template_properties_update (self);
}

VdiTemplateProperties *
vdi_template_properties_new (GtkWindow      *parent,
                             VdiFarm        *farm,
                             VdiCredentials *credentials,
                             VdiDistributor *distributor,
                             VdiTemplate    *template)
{
  VdiTemplateProperties *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (distributor), NULL);
  g_return_val_if_fail (VDI_IS_TEMPLATE (template), NULL);

  self = g_object_new (VDI_TYPE_TEMPLATE_PROPERTIES,
                       "transient-for", parent,
                       NULL);
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);
  self->distributor = g_object_ref (distributor);
  self->template = g_object_ref (template);
  g_signal_connect_object (template, "changed", G_CALLBACK (vdi_template_properties_update), self,
                           G_CONNECT_SWAPPED);
  fill (self);

  return self;
}

static void
vdi_template_properties_dispose (GObject *object)
{
  VdiTemplateProperties *self = (VdiTemplateProperties *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), VDI_TYPE_TEMPLATE_PROPERTIES);

  G_OBJECT_CLASS (vdi_template_properties_parent_class)->dispose (object);
}

static void
vdi_template_properties_finalize (GObject *object)
{
  VdiTemplateProperties *self = (VdiTemplateProperties *)object;

  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->distributor);
  g_clear_object (&self->backend);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->template);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->known_name, g_free);
  g_clear_pointer (&self->known_format, g_free);

  G_OBJECT_CLASS (vdi_template_properties_parent_class)->finalize (object);
}

static void
vdi_template_properties_class_init (VdiTemplatePropertiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_template_properties_dispose;
  object_class->finalize = vdi_template_properties_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-template-properties.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, window_title);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, name_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, source_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, format_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, max_hosts_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, clone_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, multi_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, datastores_group);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, datastore_picker);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, targets_group);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, picker);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, concurrency_group);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, relay_switch);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, hosts_list);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateProperties, error_label);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_update);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_format_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_max_hosts_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_clone_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_concurrency_cb);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_properties_relay_cb);

  gtk_widget_class_install_action (widget_class, "props.apply-targets", NULL,
                                   vdi_template_properties_apply_targets_action);
  gtk_widget_class_install_action (widget_class, "props.apply-datastores", NULL,
                                   vdi_template_properties_apply_datastores_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (VDI_TYPE_TARGET_PICKER);
  g_type_ensure (VDI_TYPE_DATASTORE_PICKER);
}

static void
vdi_template_properties_init (VdiTemplateProperties *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Not a change the admin made: nothing to save yet. */
  self->filling = TRUE;
  vdi_string_list_set_enum_labels (GTK_STRING_LIST (adw_combo_row_get_model (self->clone_row)),
                                   VDI_TYPE_CLONE_METHOD);
  self->filling = FALSE;

  self->cancellable = g_cancellable_new ();
}
