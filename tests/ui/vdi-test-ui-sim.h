/* vdi-test-ui-sim.h: what the widget tests that run vdi-provider-sim share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sim-test-util.h"
#include "vdi-core.h"

G_BEGIN_DECLS

VdiProvider        *vdi_test_add_sim_provider         (SimFixture         *sim,
                                                       VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       const char         *name,
                                                       VdiProviderSubtype  subtype,
                                                       const char         *password);

G_END_DECLS
