/* vdi-sim-clock.c
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

#include "vdi-sim-clock.h"

/* Simulated time runs time_scale times faster than the monotonic clock. Changing the
 * scale rebases, so simulated time never jumps. */
struct _VdiSimClock
{
  GObject parent_instance;

  double  time_scale;
  gint64  base_real_us;
  double  base_sim;
  gint64  epoch_wall_us;
};

G_DEFINE_FINAL_TYPE (VdiSimClock, vdi_sim_clock, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vdi_sim_clock_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VdiSimClock *self = VDI_SIM_CLOCK (object);

  switch (prop_id)
    {
    case PROP_TIME_SCALE:
      g_value_set_double (value, self->time_scale);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_sim_clock_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VdiSimClock *self = VDI_SIM_CLOCK (object);

  switch (prop_id)
    {
    case PROP_TIME_SCALE:
      vdi_sim_clock_set_time_scale (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_sim_clock_class_init (VdiSimClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vdi_sim_clock_get_property;
  object_class->set_property = vdi_sim_clock_set_property;

  properties[PROP_TIME_SCALE] =
    g_param_spec_double ("time-scale", NULL, NULL,
                         0.001, 1000000.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vdi_sim_clock_init (VdiSimClock *self)
{
  self->time_scale = 1.0;
  self->base_real_us = g_get_monotonic_time ();
  self->base_sim = 0.0;
  self->epoch_wall_us = g_get_real_time ();
}

VdiSimClock *
vdi_sim_clock_new (double time_scale)
{
  return g_object_new (VDI_SIM_TYPE_CLOCK, "time-scale", time_scale, NULL);
}

double
vdi_sim_clock_get_time_scale (VdiSimClock *self)
{
  g_return_val_if_fail (VDI_SIM_IS_CLOCK (self), 1.0);

  return self->time_scale;
}

void
vdi_sim_clock_set_time_scale (VdiSimClock *self,
                              double       time_scale)
{
  g_return_if_fail (VDI_SIM_IS_CLOCK (self));
  g_return_if_fail (time_scale > 0);

  if (self->time_scale == time_scale)
    return;

  self->base_sim = vdi_sim_clock_now (self);
  self->base_real_us = g_get_monotonic_time ();
  self->time_scale = time_scale;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_SCALE]);
}

double
vdi_sim_clock_now (VdiSimClock *self)
{
  g_return_val_if_fail (VDI_SIM_IS_CLOCK (self), 0.0);

  return self->base_sim
         + (double) (g_get_monotonic_time () - self->base_real_us) / G_USEC_PER_SEC * self->time_scale;
}

GDateTime *
vdi_sim_clock_to_datetime (VdiSimClock *self,
                           double       sim_seconds)
{
  g_autoptr(GDateTime) epoch = NULL;

  g_return_val_if_fail (VDI_SIM_IS_CLOCK (self), NULL);

  epoch = g_date_time_new_from_unix_utc (self->epoch_wall_us / G_USEC_PER_SEC);
  return g_date_time_add (epoch, (GTimeSpan) (sim_seconds * G_USEC_PER_SEC));
}
