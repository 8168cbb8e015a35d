/* vdi-template-tasks.h: the Tasks menu's work on a template, with its questions and results.
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

G_BEGIN_DECLS

#define VDI_TYPE_TEMPLATE_TASKS (vdi_template_tasks_get_type ())

G_DECLARE_FINAL_TYPE (VdiTemplateTasks, vdi_template_tasks, VDI, TEMPLATE_TASKS, GObject)

/* Runs maintenance, host recreation and deletion through the engine for the widget that owns
 * it (the Templates page): the application's farm, credentials and shared distributor are found
 * from the widget's window. Questions are AdwMessageDialogs transient for that window, results
 * are toasts (with the provider's words on failure). "busy-changed" is emitted when a template
 * starts or stops having work of ours, so the owner can update its actions. */

VdiTemplateTasks   *vdi_template_tasks_new            (GtkWidget          *owner);
gboolean            vdi_template_tasks_is_busy        (VdiTemplateTasks   *self,
                                                       VdiTemplate        *template);
void                vdi_template_tasks_cancel         (VdiTemplateTasks   *self);
void                vdi_template_tasks_enter_maintenance (VdiTemplateTasks *self,
                                                       VdiTemplate        *template);
void                vdi_template_tasks_leave_maintenance (VdiTemplateTasks *self,
                                                       VdiTemplate        *template);
void                vdi_template_tasks_recreate_hosts (VdiTemplateTasks   *self,
                                                       VdiTemplate        *template);
void                vdi_template_tasks_delete         (VdiTemplateTasks   *self,
                                                       VdiTemplate        *template);

G_END_DECLS
