/* vdi-template-wizard.c
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

#include "vdi-name-format.h"
#include "vdi-template-creator.h"
#include "vdi-template-wizard-private.h"
#include "vdi-ui-utils.h"
#include "vdi-window.h"

/* How many names the Properties page previews. */
#define N_PREVIEW_NAMES 3

static const char * const page_names[N_PAGES] = {
  "source", "properties", "distribution", "summary",
};

G_DEFINE_FINAL_TYPE (VdiTemplateWizard, vdi_template_wizard, ADW_TYPE_WINDOW)

static void show_page (VdiTemplateWizard *self,
                       Page               page);

/**
 * vdi_template_wizard_new:
 * @distributor: the console's shared distributor, so the new template's copies show live
 */
VdiTemplateWizard *
vdi_template_wizard_new (GtkWindow      *parent,
                         VdiFarm        *farm,
                         VdiCredentials *credentials,
                         VdiDistributor *distributor)
{
  VdiTemplateWizard *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VDI_IS_FARM (farm), NULL);
  g_return_val_if_fail (VDI_IS_CREDENTIALS (credentials), NULL);
  g_return_val_if_fail (VDI_IS_DISTRIBUTOR (distributor), NULL);

  self = g_object_new (VDI_TYPE_TEMPLATE_WIZARD,
                       "transient-for", parent,
                       NULL);
  self->farm = g_object_ref (farm);
  self->credentials = g_object_ref (credentials);
  self->distributor = g_object_ref (distributor);
  g_set_weak_pointer (&self->parent, parent);

  /* Setting the model selects the first provider, which lists its VMs. */
  adw_combo_row_set_model (self->provider_row, vdi_farm_get_providers (farm));
  show_page (self, PAGE_SOURCE);

  return self;
}

const char *
vdi_template_wizard_get_page (VdiTemplateWizard *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_WIZARD (self), NULL);

  return page_names[self->page];
}

/* What shows under the page: why Next (or Create) is not enabled, or why Create failed; or
 * %NULL. */
const char *
vdi_template_wizard_get_reason (VdiTemplateWizard *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_WIZARD (self), NULL);

  return self->reason != NULL ? self->reason : self->failure;
}

/* Whether something is being listed or created. */
gboolean
vdi_template_wizard_get_busy (VdiTemplateWizard *self)
{
  g_return_val_if_fail (VDI_IS_TEMPLATE_WIZARD (self), FALSE);

  return self->creating || self->vms_state == LOAD_RUNNING ||
         vdi_datastore_picker_get_loading (self->datastore_picker);
}

static VdiProviderType
source_type (VdiTemplateWizard *self)
{
  return self->source != NULL ? vdi_provider_get_provider_type (self->source)
                              : VDI_PROVIDER_TYPE_HYPERV;
}

/* RAS shows the Distribution page only for the provider types that have one. */
static gboolean
page_applies (VdiTemplateWizard *self,
              Page               page)
{
  if (page != PAGE_DISTRIBUTION)
    return TRUE;
  if (self->source == NULL)
    return FALSE;
  switch (vdi_provider_get_provider_type (self->source))
    {
    case VDI_PROVIDER_TYPE_HYPERV:
    case VDI_PROVIDER_TYPE_VCENTER:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
vcenter_additional (VdiTemplateWizard *self)
{
  return source_type (self) == VDI_PROVIDER_TYPE_VCENTER &&
         vdi_datastore_picker_get_additional (self->datastore_picker);
}

static gboolean
hyperv_multi (VdiTemplateWizard *self)
{
  return source_type (self) == VDI_PROVIDER_TYPE_HYPERV &&
         gtk_check_button_get_active (self->multi_check);
}

/* The template as the pages up to @last describe it; the model's checks say what is wrong. */
static VdiTemplate *
build_template (VdiTemplateWizard  *self,
                Page                last,
                GError            **error)
{
  g_autoptr(VdiTemplate) template = NULL;

  template = vdi_template_new (NULL, gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                               self->source,
                               self->vm != NULL ? vdi_vm_info_get_name (self->vm) : NULL);
  if (self->vm != NULL)
    vdi_template_set_source_vm_id (template, vdi_vm_info_get_id (self->vm));
  vdi_template_set_host_name_format (template,
                                     gtk_editable_get_text (GTK_EDITABLE (self->format_row)));
  vdi_template_set_initial_hosts (template, gtk_spin_button_get_value_as_int (self->hosts_spin));
  vdi_template_set_max_hosts (template, gtk_spin_button_get_value_as_int (self->max_hosts_spin));
  vdi_template_set_clone_method (template,
                                 adw_combo_row_get_selected (self->clone_row) == 1
                                   ? VDI_CLONE_METHOD_LINKED : VDI_CLONE_METHOD_FULL);

  if (last < PAGE_DISTRIBUTION || !page_applies (self, PAGE_DISTRIBUTION))
    return g_steal_pointer (&template);

  if (hyperv_multi (self))
    {
      GListModel *targets = vdi_target_picker_get_targets (self->picker);

      if (!vdi_template_set_multi_provider (template, TRUE, error))
        return NULL;
      for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
        {
          g_autoptr(VdiProvider) provider = g_list_model_get_item (targets, i);

          if (vdi_template_add_target (template, provider, error) == NULL)
            return NULL;
        }
      if (g_list_model_get_n_items (targets) > 0 &&
          !vdi_template_set_concurrency (template,
                                         gtk_spin_button_get_value_as_int (self->concurrency_spin),
                                         error))
        return NULL;
      vdi_template_set_relay (template, gtk_switch_get_active (self->relay_switch));
    }
  else if (vcenter_additional (self))
    {
      g_auto(GStrv) datastores = vdi_datastore_picker_dup_checked (self->datastore_picker);

      vdi_template_set_datastore_mode (template, VDI_DATASTORE_MODE_ADDITIONAL);
      vdi_template_set_datastores (template, (const char * const *)datastores);
    }

  return g_steal_pointer (&template);
}

/* Why @page cannot be left forward, or %NULL when it can. */
static char *
page_reason (VdiTemplateWizard *self,
             Page               page)
{
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  if (page == PAGE_SOURCE)
    {
      if (g_list_model_get_n_items (vdi_farm_get_providers (self->farm)) == 0)
        return g_strdup (_("Add a provider first: the source VM is chosen from its VMs"));
      if (self->source == NULL)
        return g_strdup (_("Choose the provider of the source VM"));
      if (self->vms_state == LOAD_RUNNING)
        return g_strdup (_("Wait until the provider’s VMs are listed"));
      if (self->vms_state == LOAD_FAILED)
        return g_strdup (_("The VMs could not be listed: retry, or choose another provider"));
      if (self->vm == NULL)
        return g_strdup (_("Choose the source VM"));
      if (source_type (self) == VDI_PROVIDER_TYPE_VCENTER &&
          !vdi_vm_info_get_is_template (self->vm) && vdi_vm_info_get_powered_on (self->vm))
        return g_strdup_printf (_("Shut down %s first: a running VM cannot become a template"),
                                vdi_vm_info_get_name (self->vm));
      return NULL;
    }

  if (page == PAGE_DISTRIBUTION && vcenter_additional (self))
    {
      g_autofree char *reason = vdi_datastore_picker_dup_reason (self->datastore_picker);

      if (reason != NULL)
        return g_steal_pointer (&reason);
    }

  template = build_template (self, page, &error);
  if (template == NULL || !vdi_farm_check_template (self->farm, template, &error))
    return g_strdup (error->message);
  return NULL;
}

static void
update_preview (VdiTemplateWizard *self)
{
  const char *format = gtk_editable_get_text (GTK_EDITABLE (self->format_row));
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiNameFormat) parsed = vdi_name_format_parse (format, &error);

  for (guint i = 0; parsed != NULL && i < N_PREVIEW_NAMES; i++)
    {
      g_autofree char *name = vdi_name_format_expand (parsed, i, NULL);

      if (name == NULL)
        break;
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", name);
    }
  if (parsed != NULL)
    g_string_append (names, ", …");

  adw_action_row_set_subtitle (self->preview_row, parsed != NULL ? names->str : error->message);
}

void
vdi_template_wizard_update (VdiTemplateWizard *self)
{
  gboolean last, valid;
  guint n_targets;

  g_assert (VDI_IS_TEMPLATE_WIZARD (self));

  if (self->farm == NULL)
    return;

  update_preview (self);

  /* Hyper-V: nothing of the distribution counts until the box is checked. */
  n_targets = vdi_target_picker_get_n_targets (self->picker);
  gtk_widget_set_sensitive (GTK_WIDGET (self->picker),
                            gtk_check_button_get_active (self->multi_check));
  gtk_widget_set_sensitive (GTK_WIDGET (self->concurrency_row),
                            gtk_check_button_get_active (self->multi_check) && n_targets > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->relay_row),
                            gtk_check_button_get_active (self->multi_check) && n_targets > 0);
  gtk_spin_button_set_range (self->concurrency_spin, 1, MAX (1, n_targets));

  g_clear_pointer (&self->reason, g_free);
  self->reason = page_reason (self, self->page);
  valid = self->reason == NULL;
  last = self->page == PAGE_SUMMARY;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back",
                                 self->page > PAGE_SOURCE && !self->creating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 !last && valid && !self->creating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.create",
                                 last && valid && !self->creating);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !last);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), last);

  gtk_label_set_text (self->reason_label, vdi_template_wizard_get_reason (self) != NULL
                                            ? vdi_template_wizard_get_reason (self) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label),
                          vdi_template_wizard_get_reason (self) != NULL);
  /* What is still to choose is a hint; what is wrong, or failed, is an error. */
  if (self->failure != NULL || (self->reason != NULL && self->page > PAGE_SOURCE))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "dim-label");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->reason_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->reason_label), "error");
    }
}

/* The Distribution page for the current source: Hyper-V providers of the same type and subtype
 * (never the source), or the vCenter's datastores. */
static void
prepare_distribution (VdiTemplateWizard *self)
{
  GListModel *providers = vdi_farm_get_providers (self->farm);
  g_autoptr(GPtrArray) available = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->distribution_ready)
    return;
  self->distribution_ready = TRUE;

  if (source_type (self) == VDI_PROVIDER_TYPE_VCENTER)
    {
      gtk_stack_set_visible_child_name (self->distribution_stack, "vcenter");
      vdi_datastore_picker_set_additional (self->datastore_picker, FALSE);
      vdi_datastore_picker_load (self->datastore_picker, self->backend,
                                 self->vm != NULL ? vdi_vm_info_get_datastore_id (self->vm) : NULL,
                                 NULL);
      return;
    }

  for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);

      if (provider != self->source &&
          vdi_provider_get_subtype (provider) == vdi_provider_get_subtype (self->source))
        g_ptr_array_add (available, g_steal_pointer (&provider));
    }
  gtk_stack_set_visible_child_name (self->distribution_stack, "hyperv");
  gtk_check_button_set_active (self->multi_check, FALSE);
  vdi_target_picker_set_providers (self->picker, available, NULL);
  gtk_spin_button_set_value (self->concurrency_spin, 1);
  gtk_switch_set_active (self->relay_switch, TRUE);
}

/* Summary -------------------------------------------------------------------------------------- */

static void
add_summary_row (VdiTemplateWizard *self,
                 const char        *title,
                 const char        *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->summary_list, row);
}

static char *
distribution_summary (VdiTemplateWizard *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (hyperv_multi (self))
    {
      GListModel *targets = vdi_target_picker_get_targets (self->picker);
      guint n = g_list_model_get_n_items (targets);
      g_autofree char *copies = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VdiProvider) provider = g_list_model_get_item (targets, i);

          g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                                  vdi_provider_get_name (provider));
        }
      copies =
        g_strdup_printf (ngettext ("To %s, %u copy at a time",
                                   "To %s, %u copies at a time",
                                   gtk_spin_button_get_value_as_int (self->concurrency_spin)),
                         text->str, gtk_spin_button_get_value_as_int (self->concurrency_spin));

      /* Translators: the copies, then where they come from. */
      return g_strdup_printf (_("%s; %s"), copies,
                              gtk_switch_get_active (self->relay_switch)
                                ? _("also from providers that already hold the template")
                                : _("every copy from the source"));
    }
  if (vcenter_additional (self))
    {
      g_autofree char *names = vdi_datastore_picker_dup_checked_names (self->datastore_picker);

      return g_strdup_printf (_("The template’s datastore and %s"), names);
    }
  if (source_type (self) == VDI_PROVIDER_TYPE_VCENTER)
    return g_strdup (_("The template’s datastore only"));
  return g_strdup (_("None: the template stays on its provider"));
}

static void
fill_summary (VdiTemplateWizard *self)
{
  GtkWidget *child;
  g_autofree char *source = NULL;
  g_autofree char *hosts = NULL;
  g_autofree char *max_hosts = NULL;
  g_autofree char *distribution = distribution_summary (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_list))) != NULL)
    gtk_list_box_remove (self->summary_list, child);

  /* Translators: a VM on a provider */
  source = g_strdup_printf (_("%s on %s"), vdi_vm_info_get_name (self->vm),
                            vdi_provider_get_name (self->source));
  hosts = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->hosts_spin));
  max_hosts = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->max_hosts_spin));

  add_summary_row (self, _("Template name"), gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  add_summary_row (self, _("Source VM"), source);
  add_summary_row (self, _("Host name format"),
                   gtk_editable_get_text (GTK_EDITABLE (self->format_row)));
  add_summary_row (self, _("First host names"), adw_action_row_get_subtitle (self->preview_row));
  add_summary_row (self, _("Hosts created on completion"), hosts);
  add_summary_row (self, _("Maximum hosts"), max_hosts);
  add_summary_row (self, _("Clone method"),
                   gtk_string_object_get_string (
                     GTK_STRING_OBJECT (adw_combo_row_get_selected_item (self->clone_row))));
  if (page_applies (self, PAGE_DISTRIBUTION))
    add_summary_row (self, _("Distribution"), distribution);
}

/* Navigation ----------------------------------------------------------------------------------- */

static void
show_page (VdiTemplateWizard *self,
           Page               page)
{
  g_autofree char *subtitle = NULL;
  GtkWidget *child;
  guint n = 0, index = 0;

  self->page = page;
  g_clear_pointer (&self->failure, g_free);
  if (page == PAGE_DISTRIBUTION)
    prepare_distribution (self);
  else if (page == PAGE_SUMMARY)
    fill_summary (self);

  for (Page p = PAGE_SOURCE; p < N_PAGES; p++)
    if (page_applies (self, p))
      {
        n++;
        if (p == page)
          index = n;
      }
  child = gtk_stack_get_child_by_name (self->stack, page_names[page]);
  /* Translators: the page's title, then its place, e.g. "Source — step 1 of 4" */
  subtitle = g_strdup_printf (_("%s — step %u of %u"),
                              gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)),
                              index, n);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  vdi_template_wizard_update (self);

  /* The keyboard starts on the page, not on the button that led there. */
  gtk_widget_child_focus (gtk_stack_get_visible_child (self->stack), GTK_DIR_TAB_FORWARD);
}

static void
vdi_template_wizard_next_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  VdiTemplateWizard *self = VDI_TEMPLATE_WIZARD (widget);
  Page page = self->page + 1;

  if (self->reason != NULL || self->page == PAGE_SUMMARY)
    return;
  while (page < PAGE_SUMMARY && !page_applies (self, page))
    page++;
  show_page (self, page);
}

static void
vdi_template_wizard_back_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *param)
{
  VdiTemplateWizard *self = VDI_TEMPLATE_WIZARD (widget);
  Page page = self->page;

  if (page == PAGE_SOURCE)
    return;
  page--;
  while (page > PAGE_SOURCE && !page_applies (self, page))
    page--;
  show_page (self, page);
}

static void
vdi_template_wizard_retry_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *param)
{
  VdiTemplateWizard *self = VDI_TEMPLATE_WIZARD (widget);

  _vdi_template_wizard_load_vms (self);
}

/* Create --------------------------------------------------------------------------------------- */

static void
creator_added_cb (VdiTemplateWizard *self,
                  VdiTemplate       *template)
{
  g_assert (VDI_IS_TEMPLATE_WIZARD (self));

  /* The template is in the farm: the Templates tab shows it, with its distribution live. */
  self->added = TRUE;
  if (VDI_IS_WINDOW (self->parent))
    vdi_window_show_page (VDI_WINDOW (self->parent), "templates");
  gtk_window_close (GTK_WINDOW (self));
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VdiTemplateWizard) self = user_data;
  VdiTemplateCreator *creator = VDI_TEMPLATE_CREATOR (object);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notices = NULL;
  gboolean ok;

  ok = vdi_template_creator_finish (creator, result, &notices, &error);
  self->creating = FALSE;

  if (!self->added)
    {
      /* Nothing changed: the admin can fix what is said and create again. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_spinner_stop (self->spinner);
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      if (!ok)
        self->failure = g_strdup_printf (_("The template was not created: %s"), error->message);
      vdi_template_wizard_update (self);
      return;
    }

  /* The wizard is gone; the main window says what came after. A failed copy already has its
   * own message there, with the way to the details. */
  if (self->parent == NULL)
    return;
  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    vdi_show_toast (GTK_WIDGET (self->parent), notices[i]);
  if (!ok && vdi_template_creator_get_stage (creator) == VDI_TEMPLATE_CREATOR_STAGE_CREATING_HOSTS)
    {
      g_autofree char *message = g_strdup_printf (_("The hosts were not created: %s"),
                                                  error->message);

      vdi_show_toast (GTK_WIDGET (self->parent), message);
    }
}

static void
vdi_template_wizard_create_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *param)
{
  VdiTemplateWizard *self = VDI_TEMPLATE_WIZARD (widget);
  g_autoptr(VdiTemplateCreator) creator = NULL;
  g_autoptr(VdiTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  if (self->creating || self->reason != NULL)
    return;
  g_clear_pointer (&self->failure, g_free);
  template = build_template (self, PAGE_SUMMARY, &error);
  if (template == NULL)
    {
      self->failure = g_strdup (error->message);
      vdi_template_wizard_update (self);
      return;
    }

  self->creating = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  vdi_template_wizard_update (self);

  g_clear_object (&self->create_cancellable);
  self->create_cancellable = g_cancellable_new ();
  creator = vdi_template_creator_new (self->farm, self->credentials, self->distributor);
  g_signal_connect_object (creator, "added", G_CALLBACK (creator_added_cb), self,
                           G_CONNECT_SWAPPED);
  vdi_template_creator_create_async (creator, template, self->vm, self->create_cancellable,
                                     created_cb, g_object_ref (self));
}

/* GObject -------------------------------------------------------------------------------------- */

/* Cancel, Escape or the close button: what Create started stops here, until the template is in
 * the farm (a pending Create holds the wizard, so dispose would come too late). */
static gboolean
vdi_template_wizard_close_request (GtkWindow *window)
{
  VdiTemplateWizard *self = VDI_TEMPLATE_WIZARD (window);

  if (!self->added)
    g_cancellable_cancel (self->create_cancellable);

  return GTK_WINDOW_CLASS (vdi_template_wizard_parent_class)->close_request (window);
}

static void
vdi_template_wizard_dispose (GObject *object)
{
  VdiTemplateWizard *self = (VdiTemplateWizard *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->source_cancellable);
  /* Once the template exists, its distribution and hosts go on without the wizard. */
  if (!self->added)
    g_cancellable_cancel (self->create_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), VDI_TYPE_TEMPLATE_WIZARD);

  G_OBJECT_CLASS (vdi_template_wizard_parent_class)->dispose (object);
}

static void
vdi_template_wizard_finalize (GObject *object)
{
  VdiTemplateWizard *self = (VdiTemplateWizard *)object;

  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->farm);
  g_clear_object (&self->credentials);
  g_clear_object (&self->distributor);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->source_cancellable);
  g_clear_object (&self->create_cancellable);
  g_clear_object (&self->source);
  g_clear_object (&self->backend);
  g_clear_object (&self->vm);
  g_clear_object (&self->vms);
  g_clear_pointer (&self->vm_roles, g_hash_table_unref);
  g_clear_pointer (&self->default_name, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->failure, g_free);

  G_OBJECT_CLASS (vdi_template_wizard_parent_class)->finalize (object);
}

static void
vdi_template_wizard_class_init (VdiTemplateWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_template_wizard_dispose;
  object_class->finalize = vdi_template_wizard_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = vdi_template_wizard_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/vdi-template-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, create_button);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, spinner);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, provider_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, vm_stack);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, vm_spinner);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, vm_error_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, vm_list);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, vm_placeholder);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, name_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, format_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, preview_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, hosts_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, max_hosts_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, clone_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, distribution_stack);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, multi_check);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, picker);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, concurrency_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, relay_row);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, relay_switch);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, datastore_picker);
  gtk_widget_class_bind_template_child (widget_class, VdiTemplateWizard, summary_list);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_wizard_update);
  gtk_widget_class_bind_template_callback (widget_class, vdi_template_wizard_provider_changed_cb);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL,
                                   vdi_template_wizard_back_action);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL,
                                   vdi_template_wizard_next_action);
  gtk_widget_class_install_action (widget_class, "wizard.create", NULL,
                                   vdi_template_wizard_create_action);
  gtk_widget_class_install_action (widget_class, "wizard.retry-vms", NULL,
                                   vdi_template_wizard_retry_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "wizard.back", NULL);

  g_type_ensure (VDI_TYPE_PROVIDER);
  g_type_ensure (VDI_TYPE_TARGET_PICKER);
  g_type_ensure (VDI_TYPE_DATASTORE_PICKER);
  g_type_class_ref (VDI_TYPE_TEMPLATE);
}

static void
vdi_template_wizard_init (VdiTemplateWizard *self)
{
  GParamSpec *pspec;

  gtk_widget_init_template (GTK_WIDGET (self));

  vdi_string_list_set_enum_labels (GTK_STRING_LIST (adw_combo_row_get_model (self->clone_row)),
                                   VDI_TYPE_CLONE_METHOD);

  self->cancellable = g_cancellable_new ();
  self->source_cancellable = g_cancellable_new ();
  _vdi_template_wizard_init_source (self);
  /* The model's default format, so both say the same. */
  pspec = g_object_class_find_property (g_type_class_peek (VDI_TYPE_TEMPLATE), "host-name-format");
  gtk_editable_set_text (GTK_EDITABLE (self->format_row),
                         g_value_get_string (g_param_spec_get_default_value (pspec)));
}
