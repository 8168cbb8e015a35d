/* vdi-sim-network.h
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

#include <glib-object.h>

G_BEGIN_DECLS

#define VDI_SIM_MAX_FLOW_LINKS 3

/* A bottleneck resource: a host's upload, download or export throughput, a datastore's
 * read or write throughput. Capacity is in bytes per simulated second; 0 = unlimited. */
typedef struct
{
  char    *name;
  double   capacity;
  guint    n_flows;
  double   bytes_moved;
} VdiSimLink;

typedef struct
{
  double      total;
  double      done;
  double      rate;
  VdiSimLink *links[VDI_SIM_MAX_FLOW_LINKS];
  guint       n_links;
  gpointer    user_data;
  /* private */
  gboolean    frozen;
} VdiSimFlow;

/* @elapsed: when the flow completed, in seconds from the start of the advance. */
typedef void (*VdiSimFlowDone) (VdiSimFlow *flow,
                                double      elapsed,
                                gpointer    user_data);

#define VDI_SIM_TYPE_NETWORK (vdi_sim_network_get_type ())

G_DECLARE_FINAL_TYPE (VdiSimNetwork, vdi_sim_network, VDI_SIM, NETWORK, GObject)

VdiSimNetwork *vdi_sim_network_new          (void);
VdiSimLink    *vdi_sim_network_add_link     (VdiSimNetwork  *self,
                                             const char     *name,
                                             double          capacity);
VdiSimFlow    *vdi_sim_network_add_flow     (VdiSimNetwork  *self,
                                             double          total_bytes,
                                             gpointer        user_data,
                                             VdiSimLink     *first_link,
                                             ...) G_GNUC_NULL_TERMINATED;
void           vdi_sim_network_remove_flow  (VdiSimNetwork  *self,
                                             VdiSimFlow     *flow);
guint          vdi_sim_network_get_n_flows  (VdiSimNetwork  *self);
void           vdi_sim_network_update_rates (VdiSimNetwork  *self);
void           vdi_sim_network_advance      (VdiSimNetwork  *self,
                                             double          seconds,
                                             VdiSimFlowDone  done,
                                             gpointer        user_data);

double         vdi_sim_mbps_to_bytes        (double          mbps);

G_END_DECLS
