/* vdi-sim-server.h
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

#include <libsoup/soup.h>

#include "vdi-sim-model.h"

G_BEGIN_DECLS

#define VDI_SIM_SERVER_ERROR (vdi_sim_server_error_quark ())

typedef enum
{
  VDI_SIM_SERVER_ERROR_NOT_LOOPBACK = 1,
  VDI_SIM_SERVER_ERROR_INVALID_ADDRESS,
  VDI_SIM_SERVER_ERROR_LISTEN,
} VdiSimServerError;

#define VDI_SIM_TYPE_SERVER (vdi_sim_server_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimServer, vdi_sim_server, VDI_SIM, SERVER, GObject)

/* Called with the message paused; the handler (or a later callback) must answer it with
 * vdi_sim_server_respond(). */
typedef void (*VdiSimServerHandler) (VdiSimServer      *server,
                                     SoupServerMessage *msg,
                                     const char        *path,
                                     GBytes            *body,
                                     gpointer           user_data);

GQuark        vdi_sim_server_error_quark        (void);
gboolean      vdi_sim_check_bind_address        (const char          *address,
                                                 GError             **error);
VdiSimServer *vdi_sim_server_new                (const char          *bind_address,
                                                 guint                port,
                                                 VdiSimProvider      *provider);
void          vdi_sim_server_set_handler        (VdiSimServer        *self,
                                                 VdiSimServerHandler  handler,
                                                 gpointer             user_data);
gboolean      vdi_sim_server_start              (VdiSimServer        *self,
                                                 GError             **error);
guint         vdi_sim_server_get_port           (VdiSimServer        *self);
char         *vdi_sim_server_get_url            (VdiSimServer        *self,
                                                 const char          *path);
VdiSimProvider *vdi_sim_server_get_provider     (VdiSimServer        *self);
void          vdi_sim_server_respond            (VdiSimServer        *self,
                                                 SoupServerMessage   *msg,
                                                 const char          *method,
                                                 guint                status,
                                                 const char          *content_type,
                                                 const char          *body,
                                                 gssize               length);
void          vdi_sim_server_respond_as_is      (VdiSimServer        *self,
                                                 SoupServerMessage   *msg,
                                                 const char          *method,
                                                 guint                status,
                                                 const char          *content_type,
                                                 const char          *body,
                                                 gssize               length);
gboolean      vdi_sim_server_corrupt            (VdiSimServer        *self,
                                                 const char          *method,
                                                 guint               *status,
                                                 const char         **content_type,
                                                 GBytes             **body);
void          vdi_sim_server_respond_status     (VdiSimServer        *self,
                                                 SoupServerMessage   *msg,
                                                 guint                status);
gboolean      vdi_sim_server_is_pending         (VdiSimServer        *self,
                                                 SoupServerMessage   *msg);
void          vdi_sim_server_hold               (VdiSimServer        *self,
                                                 const char          *method);
void          vdi_sim_server_release_held       (VdiSimServer        *self);
gboolean      vdi_sim_server_apply_offline      (VdiSimServer        *self,
                                                 GError             **error);

G_END_DECLS
