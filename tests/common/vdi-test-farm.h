/* vdi-test-farm.h: generated farms for tests and benchmarks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vdi-core.h"

G_BEGIN_DECLS

VdiFarm            *vdi_test_farm_generate            (const char         *path,
                                                       guint               n_providers,
                                                       guint               n_templates);
GStrv               vdi_test_farm_load_previewed      (VdiFarm            *farm,
                                                       GError            **error);
GStrv               vdi_test_farm_save_previewed      (VdiFarm            *writer);
void                vdi_test_farm_two_writers         (const char         *location);
void                vdi_test_farm_finish_busy         (VdiFarm            *farm);
char               *vdi_test_make_tmpdir              (void);
long                vdi_test_peak_rss_kib             (void);
void                vdi_test_rm_rf                    (const char         *path);
VdiProvider        *vdi_test_add_provider             (VdiFarm            *farm,
                                                       VdiCredentials     *credentials,
                                                       const char         *name,
                                                       VdiProviderSubtype  subtype,
                                                       const char         *url,
                                                       const char         *user,
                                                       const char         *password);

G_END_DECLS
