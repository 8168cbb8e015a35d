/* vdi-template.h
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

#include <gio/gio.h>

#include "vdi-enums.h"
#include "vdi-host.h"
#include "vdi-provider.h"
#include "vdi-target.h"

G_BEGIN_DECLS

#define VDI_TYPE_TEMPLATE (vdi_template_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplate, vdi_template, VDI, TEMPLATE, GObject)

/* Properties: "id" (construct-only), "name", "source-provider" (construct-only),
 * "source-vm-name", "source-vm-id", "status", "multi-provider", "concurrency", "relay",
 * "host-name-format", "initial-hosts" (hosts created on completion), "max-hosts",
 * "clone-method", "datastore-mode", "datastores" (GStrv), "created-at",
 * and, derived and read-only: "distribution" (the Distribution column), "distribution-fraction"
 * (0–1 while work runs, else -1), "targets" and "hosts" (GListModels; the source's target is
 * always the first), "hosts-ready", "hosts-total". A list shows the source provider's name
 * through "source-provider" (a chained GtkExpression watches the provider itself): a template
 * does not connect to its provider, whose templates may be thousands.
 *
 * The multi-provider setting is locked once the template has been added to a farm. */

VdiTemplate        *vdi_template_new                  (const char         *id,
                                                       const char         *name,
                                                       VdiProvider        *source_provider,
                                                       const char         *source_vm_name);
const char         *vdi_template_get_id               (VdiTemplate        *self);
const char         *vdi_template_get_name             (VdiTemplate        *self);
void                vdi_template_set_name             (VdiTemplate        *self,
                                                       const char         *name);
VdiProvider        *vdi_template_get_source_provider  (VdiTemplate        *self);
const char         *vdi_template_get_source_vm_name   (VdiTemplate        *self);
const char         *vdi_template_get_source_vm_id     (VdiTemplate        *self);
void                vdi_template_set_source_vm_id     (VdiTemplate        *self,
                                                       const char         *source_vm_id);
VdiTemplateStatus   vdi_template_get_status           (VdiTemplate        *self);
void                vdi_template_set_status           (VdiTemplate        *self,
                                                       VdiTemplateStatus   status);
gboolean            vdi_template_get_multi_provider   (VdiTemplate        *self);
gboolean            vdi_template_set_multi_provider   (VdiTemplate        *self,
                                                       gboolean            multi_provider,
                                                       GError            **error);
gboolean            vdi_template_get_locked           (VdiTemplate        *self);
void                vdi_template_lock                 (VdiTemplate        *self);
guint               vdi_template_get_concurrency      (VdiTemplate        *self);
gboolean            vdi_template_set_concurrency      (VdiTemplate        *self,
                                                       guint               concurrency,
                                                       GError            **error);
gboolean            vdi_template_get_relay            (VdiTemplate        *self);
void                vdi_template_set_relay            (VdiTemplate        *self,
                                                       gboolean            relay);
const char         *vdi_template_get_host_name_format (VdiTemplate        *self);
void                vdi_template_set_host_name_format (VdiTemplate        *self,
                                                       const char         *format);
guint               vdi_template_get_initial_hosts    (VdiTemplate        *self);
void                vdi_template_set_initial_hosts    (VdiTemplate        *self,
                                                       guint               initial_hosts);
guint               vdi_template_get_max_hosts        (VdiTemplate        *self);
void                vdi_template_set_max_hosts        (VdiTemplate        *self,
                                                       guint               max_hosts);
VdiCloneMethod      vdi_template_get_clone_method     (VdiTemplate        *self);
void                vdi_template_set_clone_method     (VdiTemplate        *self,
                                                       VdiCloneMethod      clone_method);
VdiDatastoreMode    vdi_template_get_datastore_mode   (VdiTemplate        *self);
void                vdi_template_set_datastore_mode   (VdiTemplate        *self,
                                                       VdiDatastoreMode    mode);
const char * const *vdi_template_get_datastores       (VdiTemplate        *self);
void                vdi_template_set_datastores       (VdiTemplate        *self,
                                                       const char * const *datastores);
GDateTime          *vdi_template_get_created_at       (VdiTemplate        *self);
void                vdi_template_set_created_at       (VdiTemplate        *self,
                                                       GDateTime          *created_at);

GListModel         *vdi_template_get_targets          (VdiTemplate        *self);
VdiTarget          *vdi_template_get_source_target    (VdiTemplate        *self);
VdiProvider        *vdi_template_get_feeder           (VdiTemplate        *self,
                                                       VdiTarget          *target);
VdiProvider        *vdi_template_find_provider_by_id  (VdiTemplate        *self,
                                                       const char         *provider_id);
VdiTarget          *vdi_template_find_target          (VdiTemplate        *self,
                                                       VdiProvider        *provider);
gboolean            vdi_template_check_target         (VdiTemplate        *self,
                                                       VdiProvider        *provider,
                                                       GError            **error);
VdiTarget          *vdi_template_add_target           (VdiTemplate        *self,
                                                       VdiProvider        *provider,
                                                       GError            **error);
gboolean            vdi_template_remove_target        (VdiTemplate        *self,
                                                       VdiProvider        *provider,
                                                       GError            **error);
guint               vdi_template_get_n_copy_targets   (VdiTemplate        *self);

GListModel         *vdi_template_get_hosts            (VdiTemplate        *self);
void                vdi_template_add_host             (VdiTemplate        *self,
                                                       VdiHost            *host);
void                vdi_template_remove_host          (VdiTemplate        *self,
                                                       VdiHost            *host);
guint               vdi_template_get_hosts_ready      (VdiTemplate        *self);
guint               vdi_template_get_hosts_total      (VdiTemplate        *self);

VdiDistribution     vdi_template_get_distribution     (VdiTemplate        *self);
double              vdi_template_get_distribution_fraction (VdiTemplate   *self);

gboolean            vdi_template_validate             (VdiTemplate        *self,
                                                       GError            **error);

G_END_DECLS
