/* vdi-template-wizard.h
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

#include <adwaita.h>

#include "vdi-core.h"
#include "vdi-distributor.h"

G_BEGIN_DECLS

#define VDI_TYPE_TEMPLATE_WIZARD (vdi_template_wizard_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplateWizard, vdi_template_wizard, VDI, TEMPLATE_WIZARD, AdwWindow)

/* The Create Template wizard (DESIGN §1): Source, Properties, Distribution (Hyper-V and vCenter
 * sources only), Summary, with Back / Next / Cancel / Create (actions wizard.back, wizard.next,
 * wizard.create, window.close). Next and Create are enabled only when the page is valid; the
 * reason shows under the page otherwise. Create runs VdiTemplateCreator with the console's
 * distributor; the wizard closes once the template is in the farm, and a failure before that
 * stays in the wizard. */

VdiTemplateWizard  *vdi_template_wizard_new           (GtkWindow          *parent,
                                                       VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiDistributor     *distributor);
const char         *vdi_template_wizard_get_page      (VdiTemplateWizard  *self);
const char         *vdi_template_wizard_get_reason    (VdiTemplateWizard  *self);
gboolean            vdi_template_wizard_get_busy      (VdiTemplateWizard  *self);

G_END_DECLS
