/* vdi-target-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vdi-target.h"

G_BEGIN_DECLS

/* For the loader only: the time of the last change as the file recorded it. */
void                _vdi_target_restore_updated_at    (VdiTarget          *self,
                                                       GDateTime          *updated_at);

G_END_DECLS
