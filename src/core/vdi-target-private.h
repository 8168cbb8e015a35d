/* vdi-target-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vdi-target.h"

#include "vdi-host.h"

G_BEGIN_DECLS

/* The template a target or host belongs to is told of each of its items' property changes
 * through this, not a signal connection: a farm holds tens of thousands of them, and each
 * connection costs a closure and its bookkeeping (about 300 bytes). @owner is not referenced;
 * the template sets it back to %NULL before it lets the item go. */
typedef void (*VdiItemNotify) (gpointer    owner,
                               gpointer    item,
                               GParamSpec *pspec);

void                _vdi_target_set_owner             (VdiTarget          *self,
                                                       gpointer            owner,
                                                       VdiItemNotify       func);
void                _vdi_host_set_owner               (VdiHost            *self,
                                                       gpointer            owner,
                                                       VdiItemNotify       func);
gboolean            _vdi_host_is_owned_by             (VdiHost            *self,
                                                       gpointer            owner);

/* For the loader only: the time of the last change as the file recorded it. */
void                _vdi_target_restore_updated_at    (VdiTarget          *self,
                                                       GDateTime          *updated_at);

G_END_DECLS
