/* vdi-test-ui-sim.h: what the widget tests that run vdi-provider-sim share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sim-test-util.h"
#include "vdi-test-ui.h"

G_BEGIN_DECLS

VdiProvider        *vdi_test_add_sim_provider         (SimFixture         *sim,
                                                       VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       const char         *name,
                                                       VdiProviderSubtype  subtype,
                                                       const char         *password);

void                vdi_test_ui_sim_set_up            (SimFixture         *sim,
                                                       const char         *scenario,
                                                       const char         *name,
                                                       char              **dir,
                                                       VdiFarm           **farm,
                                                       VdiCredentials    **credentials);
VdiWindow          *vdi_test_ui_sim_show              (VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       VdiApplication    **app);
void                vdi_test_ui_sim_close             (VdiApplication    **app,
                                                       VdiFarm            *farm);
void                vdi_test_ui_sim_tear_down         (SimFixture         *sim,
                                                       char              **dir,
                                                       VdiFarm           **farm,
                                                       VdiCredentials    **credentials);

G_END_DECLS
