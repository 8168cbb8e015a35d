/* vdi-core.h: everything in src/core, for programs and tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vdi-credentials.h"
#include "vdi-enums.h"
#include "vdi-farm.h"
#include "vdi-host.h"
#include "vdi-name-format.h"
#include "vdi-provider.h"
#include "vdi-secret.h"
#include "vdi-target.h"
#include "vdi-template.h"
