/* vdi-farm-private.h: the farm's JSON format, shared by vdi-farm.c and vdi-farm-json.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vdi-farm.h"

G_BEGIN_DECLS

/* What a load produces, built off the main thread and then spliced into the farm. */
typedef struct
{
  GPtrArray *providers;
  GPtrArray *templates;
  guint      n_interrupted;
} VdiFarmContents;

void                _vdi_farm_contents_free           (VdiFarmContents    *contents);
GBytes             *_vdi_farm_providers_to_bytes      (GListModel         *providers);
GBytes             *_vdi_farm_template_to_bytes       (VdiTemplate        *template);
char               *_vdi_farm_join                    (GBytes             *providers,
                                                       GPtrArray          *templates,
                                                       gsize              *length);
VdiFarmContents    *_vdi_farm_parse                   (const char         *path,
                                                       const char         *data,
                                                       gsize               length,
                                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VdiFarmContents, _vdi_farm_contents_free)

G_END_DECLS
