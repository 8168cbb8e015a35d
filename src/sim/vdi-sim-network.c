/* vdi-sim-network.c
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vdi-sim-network.h"

/* Flows share links max-min fairly (progressive filling): every flow in flight gets an
 * equal share of its tightest link, and what a flow cannot use there is handed to the
 * others. Advancing steps from completion to completion inside a tick, so the result
 * does not depend on the tick length. */
struct _VdiSimNetwork
{
  GObject    parent_instance;

  GPtrArray *links;
  GPtrArray *flows;
};

G_DEFINE_FINAL_TYPE (VdiSimNetwork, vdi_sim_network, G_TYPE_OBJECT)

static void
link_free (VdiSimLink *link)
{
  g_free (link->name);
  g_free (link);
}

static void
vdi_sim_network_finalize (GObject *object)
{
  VdiSimNetwork *self = VDI_SIM_NETWORK (object);

  g_clear_pointer (&self->flows, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);

  G_OBJECT_CLASS (vdi_sim_network_parent_class)->finalize (object);
}

static void
vdi_sim_network_class_init (VdiSimNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_sim_network_finalize;
}

static void
vdi_sim_network_init (VdiSimNetwork *self)
{
  self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
  self->flows = g_ptr_array_new_with_free_func (g_free);
}

VdiSimNetwork *
vdi_sim_network_new (void)
{
  return g_object_new (VDI_SIM_TYPE_NETWORK, NULL);
}

double
vdi_sim_mbps_to_bytes (double mbps)
{
  return mbps * 1000.0 * 1000.0 / 8.0;
}

VdiSimLink *
vdi_sim_network_add_link (VdiSimNetwork *self,
                          const char    *name,
                          double         capacity)
{
  VdiSimLink *link;

  g_return_val_if_fail (VDI_SIM_IS_NETWORK (self), NULL);

  link = g_new0 (VdiSimLink, 1);
  link->name = g_strdup (name);
  link->capacity = MAX (capacity, 0.0);
  g_ptr_array_add (self->links, link);

  return link;
}

VdiSimFlow *
vdi_sim_network_add_flow (VdiSimNetwork *self,
                          double         total_bytes,
                          gpointer       user_data,
                          VdiSimLink    *first_link,
                          ...)
{
  VdiSimFlow *flow;
  VdiSimLink *link;
  va_list args;

  g_return_val_if_fail (VDI_SIM_IS_NETWORK (self), NULL);

  flow = g_new0 (VdiSimFlow, 1);
  flow->total = MAX (total_bytes, 0.0);
  flow->user_data = user_data;

  va_start (args, first_link);
  for (link = first_link; link != NULL; link = va_arg (args, VdiSimLink *))
    {
      gboolean seen = FALSE;

      for (guint i = 0; i < flow->n_links; i++)
        seen |= flow->links[i] == link;
      if (seen || flow->n_links == VDI_SIM_MAX_FLOW_LINKS)
        continue;
      flow->links[flow->n_links++] = link;
      link->n_flows++;
    }
  va_end (args);

  g_ptr_array_add (self->flows, flow);
  vdi_sim_network_update_rates (self);

  return flow;
}

void
vdi_sim_network_remove_flow (VdiSimNetwork *self,
                             VdiSimFlow    *flow)
{
  g_return_if_fail (VDI_SIM_IS_NETWORK (self));
  g_return_if_fail (flow != NULL);

  for (guint i = 0; i < flow->n_links; i++)
    flow->links[i]->n_flows--;

  g_ptr_array_remove (self->flows, flow);
  vdi_sim_network_update_rates (self);
}

guint
vdi_sim_network_get_n_flows (VdiSimNetwork *self)
{
  g_return_val_if_fail (VDI_SIM_IS_NETWORK (self), 0);

  return self->flows->len;
}

static gboolean
flow_uses (VdiSimFlow *flow,
           VdiSimLink *link)
{
  for (guint j = 0; j < flow->n_links; j++)
    if (flow->links[j] == link)
      return TRUE;
  return FALSE;
}

void
vdi_sim_network_update_rates (VdiSimNetwork *self)
{
  g_autoptr(GHashTable) remaining = NULL;
  g_autoptr(GHashTable) unfrozen = NULL;
  guint n_unfrozen = 0;

  g_return_if_fail (VDI_SIM_IS_NETWORK (self));

  remaining = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  unfrozen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->flows->len; i++)
    {
      VdiSimFlow *flow = g_ptr_array_index (self->flows, i);
      gboolean limited = FALSE;

      flow->rate = 0.0;
      flow->frozen = FALSE;

      for (guint j = 0; j < flow->n_links; j++)
        {
          VdiSimLink *link = flow->links[j];
          guint count;

          if (link->capacity <= 0.0)
            continue;
          limited = TRUE;
          if (!g_hash_table_contains (remaining, link))
            {
              double *rem = g_new (double, 1);

              *rem = link->capacity;
              g_hash_table_insert (remaining, link, rem);
            }
          count = GPOINTER_TO_UINT (g_hash_table_lookup (unfrozen, link));
          g_hash_table_insert (unfrozen, link, GUINT_TO_POINTER (count + 1));
        }

      if (!limited)
        {
          flow->rate = INFINITY;
          flow->frozen = TRUE;
        }
      else
        n_unfrozen++;
    }

  while (n_unfrozen > 0)
    {
      GHashTableIter iter;
      gpointer key, value;
      VdiSimLink *bottleneck = NULL;
      double share = INFINITY;

      g_hash_table_iter_init (&iter, unfrozen);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint k = GPOINTER_TO_UINT (value);
          double rem = *(double *) g_hash_table_lookup (remaining, key);

          if (k == 0)
            continue;
          if (MAX (rem, 0.0) / k < share)
            {
              share = MAX (rem, 0.0) / k;
              bottleneck = key;
            }
        }

      if (bottleneck == NULL)
        break;

      for (guint i = 0; i < self->flows->len; i++)
        {
          VdiSimFlow *flow = g_ptr_array_index (self->flows, i);

          if (flow->frozen || !flow_uses (flow, bottleneck))
            continue;

          flow->rate = share;
          flow->frozen = TRUE;
          n_unfrozen--;

          for (guint j = 0; j < flow->n_links; j++)
            {
              VdiSimLink *link = flow->links[j];
              double *rem;
              guint count;

              if (link->capacity <= 0.0)
                continue;
              rem = g_hash_table_lookup (remaining, link);
              *rem -= share;
              count = GPOINTER_TO_UINT (g_hash_table_lookup (unfrozen, link));
              g_hash_table_insert (unfrozen, link, GUINT_TO_POINTER (count - 1));
            }
        }
    }
}

void
vdi_sim_network_advance (VdiSimNetwork  *self,
                         double          seconds,
                         VdiSimFlowDone  done,
                         gpointer        user_data)
{
  double left = seconds;
  guint guard = 0;

  g_return_if_fail (VDI_SIM_IS_NETWORK (self));

  while (self->flows->len > 0 && guard++ < 100000)
    {
      g_autoptr(GPtrArray) finished = g_ptr_array_new ();
      double step = MAX (left, 0.0);

      vdi_sim_network_update_rates (self);

      for (guint i = 0; i < self->flows->len; i++)
        {
          VdiSimFlow *flow = g_ptr_array_index (self->flows, i);

          if (flow->rate == INFINITY || flow->done >= flow->total)
            step = 0.0;
          else if (flow->rate > 0.0)
            step = MIN (step, (flow->total - flow->done) / flow->rate);
        }

      for (guint i = 0; i < self->flows->len; i++)
        {
          VdiSimFlow *flow = g_ptr_array_index (self->flows, i);
          double moved;

          if (flow->rate == INFINITY)
            moved = flow->total - flow->done;
          else
            moved = MIN (flow->rate * step, flow->total - flow->done);

          flow->done += moved;
          for (guint j = 0; j < flow->n_links; j++)
            flow->links[j]->bytes_moved += moved;

          /* Sub-byte remainders come from floating point, not from the model. */
          if (flow->total - flow->done < 0.5)
            {
              flow->done = flow->total;
              g_ptr_array_add (finished, flow);
            }
        }

      left -= step;

      for (guint i = 0; i < finished->len; i++)
        {
          VdiSimFlow *flow = g_ptr_array_index (finished, i);
          guint index;

          for (guint j = 0; j < flow->n_links; j++)
            flow->links[j]->n_flows--;
          if (g_ptr_array_find (self->flows, flow, &index))
            g_ptr_array_steal_index (self->flows, index);
        }

      for (guint i = 0; i < finished->len; i++)
        {
          VdiSimFlow *flow = g_ptr_array_index (finished, i);

          if (done != NULL)
            done (flow, seconds - MAX (left, 0.0), user_data);
          g_free (flow);
        }

      if (left <= 0.0 && finished->len == 0)
        break;
      if (left <= 0.0)
        {
          /* Zero-length flows finishing at the very end still get their callback above;
           * keep looping only while something else completes instantly. */
          gboolean instant = FALSE;

          for (guint i = 0; i < self->flows->len; i++)
            {
              VdiSimFlow *flow = g_ptr_array_index (self->flows, i);

              instant |= flow->total - flow->done < 0.5;
            }
          if (!instant)
            break;
        }
    }

  vdi_sim_network_update_rates (self);
}
