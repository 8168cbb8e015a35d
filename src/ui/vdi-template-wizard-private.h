/* vdi-template-wizard-private.h
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vdi-backend-factory.h"
#include "vdi-datastore-picker.h"
#include "vdi-target-picker.h"
#include "vdi-template-wizard.h"
#include "vdi-vm-info.h"

G_BEGIN_DECLS

typedef enum
{
  PAGE_SOURCE,
  PAGE_PROPERTIES,
  PAGE_DISTRIBUTION,
  PAGE_SUMMARY,
  N_PAGES
} Page;

typedef enum
{
  LOAD_IDLE,
  LOAD_RUNNING,
  LOAD_FAILED,
  LOAD_DONE,
} LoadState;

struct _VdiTemplateWizard
{
  AdwWindow           parent_instance;

  /* Owned references */
  VdiFarm            *farm;
  VdiCredentials     *credentials;
  VdiDistributor     *distributor;
  GCancellable       *cancellable;         /* the wizard's life */
  GCancellable       *source_cancellable;  /* what is listed from the current provider */
  GCancellable       *create_cancellable;
  VdiProvider        *source;              /* the provider the VMs were listed from */
  VdiBackend         *backend;
  VdiVmInfo          *vm;                  /* the source VM chosen */
  GListStore         *vms;                 /* of VdiVmInfo: the VMs listed that are shown */
  GHashTable         *vm_roles;            /* what the farm makes of them (farm_vm_roles()) */
  GtkWindow          *parent;              /* weak */
  char               *default_name;
  char               *reason;              /* why Next or Create is not enabled */
  char               *failure;             /* why the last Create failed */

  /* Template widgets */
  AdwWindowTitle     *window_title;
  GtkStack           *stack;
  GtkButton          *next_button;
  GtkButton          *create_button;
  GtkSpinner         *spinner;
  GtkLabel           *reason_label;
  AdwComboRow        *provider_row;
  GtkStack           *vm_stack;
  GtkSpinner         *vm_spinner;
  AdwActionRow       *vm_error_row;
  GtkListBox         *vm_list;
  GtkWidget          *vm_placeholder;
  AdwEntryRow        *name_row;
  AdwEntryRow        *format_row;
  AdwActionRow       *preview_row;
  GtkSpinButton      *hosts_spin;
  GtkSpinButton      *max_hosts_spin;
  AdwComboRow        *clone_row;
  GtkStack           *distribution_stack;
  GtkCheckButton     *multi_check;
  VdiTargetPicker    *picker;
  AdwActionRow       *concurrency_row;
  GtkSpinButton      *concurrency_spin;
  AdwActionRow       *relay_row;
  GtkSwitch          *relay_switch;
  VdiDatastorePicker *datastore_picker;
  GtkListBox         *summary_list;

  Page                page;
  LoadState           vms_state;
  guint               distribution_ready : 1;  /* prepared for the current source */
  guint               creating : 1;
  guint               added : 1;
};

/* vdi-template-wizard.c: what the pages allow, after any change (a template callback) */
void vdi_template_wizard_update              (VdiTemplateWizard *self);

/* vdi-template-wizard-source.c: the Source page's VMs, listed live from the chosen provider */
void _vdi_template_wizard_init_source        (VdiTemplateWizard *self);
void _vdi_template_wizard_load_vms           (VdiTemplateWizard *self);
void vdi_template_wizard_provider_changed_cb (VdiTemplateWizard *self);

G_END_DECLS
