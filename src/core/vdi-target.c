/* vdi-target.c
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

#include "vdi-target-private.h"
#include "vdi-util.h"

struct _VdiTarget
{
  GObject          parent_instance;

  VdiProvider     *provider;
  char            *last_error;
  char            *remote_vm_id;
  char            *export_dir;
  char            *fed_from;
  char            *outdated_vm_id;
  char            *job;
  GDateTime       *started_at;
  GDateTime       *updated_at;
  GPtrArray       *strays;      /* VdiTargetStray */

  double           percent;
  double           rate;
  guint64          bytes_done;
  guint64          bytes_total;
  gint64           seconds_left;
  VdiTargetState   state;
  VdiDistribution  progress;
  VdiTargetStep    step;

  guint            is_source : 1;

  gpointer         owner;         /* the template, not referenced */
  VdiItemNotify    owner_notify;
};

G_DEFINE_FINAL_TYPE (VdiTarget, vdi_target, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROVIDER,
  PROP_IS_SOURCE,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_PERCENT,
  PROP_BYTES_DONE,
  PROP_BYTES_TOTAL,
  PROP_RATE,
  PROP_SECONDS_LEFT,
  PROP_LAST_ERROR,
  PROP_STEP,
  PROP_REMOTE_VM_ID,
  PROP_EXPORT_DIR,
  PROP_FED_FROM,
  PROP_OUTDATED_VM_ID,
  PROP_JOB,
  PROP_STARTED_AT,
  PROP_UPDATED_AT,
  PROP_N_STRAYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
touch (VdiTarget *self)
{
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  self->updated_at = g_date_time_new_now_utc ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

static void
vdi_target_finalize (GObject *object)
{
  VdiTarget *self = (VdiTarget *)object;

  g_clear_object (&self->provider);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->remote_vm_id, g_free);
  g_clear_pointer (&self->export_dir, g_free);
  g_clear_pointer (&self->fed_from, g_free);
  g_clear_pointer (&self->outdated_vm_id, g_free);
  g_clear_pointer (&self->job, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->strays, g_ptr_array_unref);

  G_OBJECT_CLASS (vdi_target_parent_class)->finalize (object);
}

static void
vdi_target_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VdiTarget *self = VDI_TARGET (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    case PROP_IS_SOURCE:
      g_value_set_boolean (value, self->is_source);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROGRESS:
      g_value_set_enum (value, self->progress);
      break;

    case PROP_PERCENT:
      g_value_set_double (value, self->percent);
      break;

    case PROP_BYTES_DONE:
      g_value_set_uint64 (value, self->bytes_done);
      break;

    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;

    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;

    case PROP_SECONDS_LEFT:
      g_value_set_int64 (value, self->seconds_left);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;

    case PROP_REMOTE_VM_ID:
      g_value_set_string (value, self->remote_vm_id);
      break;

    case PROP_EXPORT_DIR:
      g_value_set_string (value, self->export_dir);
      break;

    case PROP_FED_FROM:
      g_value_set_string (value, self->fed_from);
      break;

    case PROP_OUTDATED_VM_ID:
      g_value_set_string (value, self->outdated_vm_id);
      break;

    case PROP_JOB:
      g_value_set_string (value, self->job);
      break;

    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;

    case PROP_N_STRAYS:
      g_value_set_uint (value, self->strays->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_target_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VdiTarget *self = VDI_TARGET (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      self->provider = g_value_dup_object (value);
      break;

    case PROP_IS_SOURCE:
      self->is_source = g_value_get_boolean (value);
      break;

    case PROP_STATE:
      vdi_target_set_state (self, g_value_get_enum (value));
      break;

    case PROP_PROGRESS:
      vdi_target_set_progress (self, g_value_get_enum (value));
      break;

    case PROP_LAST_ERROR:
      vdi_target_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_STEP:
      vdi_target_set_step (self, g_value_get_enum (value));
      break;

    case PROP_REMOTE_VM_ID:
      vdi_target_set_remote_vm_id (self, g_value_get_string (value));
      break;

    case PROP_EXPORT_DIR:
      vdi_target_set_export_dir (self, g_value_get_string (value));
      break;

    case PROP_FED_FROM:
      vdi_target_set_fed_from (self, g_value_get_string (value));
      break;

    case PROP_OUTDATED_VM_ID:
      vdi_target_set_outdated_vm_id (self, g_value_get_string (value));
      break;

    case PROP_JOB:
      vdi_target_set_job (self, g_value_get_string (value));
      break;

    case PROP_STARTED_AT:
      vdi_target_set_started_at (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
_vdi_target_set_owner (VdiTarget     *self,
                       gpointer       owner,
                       VdiItemNotify  func)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  self->owner = owner;
  self->owner_notify = owner != NULL ? func : NULL;
}

static void
vdi_target_notify (GObject    *object,
                   GParamSpec *pspec)
{
  VdiTarget *self = (VdiTarget *)object;

  if (self->owner_notify != NULL)
    self->owner_notify (self->owner, self, pspec);
  if (G_OBJECT_CLASS (vdi_target_parent_class)->notify != NULL)
    G_OBJECT_CLASS (vdi_target_parent_class)->notify (object, pspec);
}

static void
vdi_target_class_init (VdiTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = vdi_target_finalize;
  object_class->notify = vdi_target_notify;
  object_class->get_property = vdi_target_get_property;
  object_class->set_property = vdi_target_set_property;

  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL, VDI_TYPE_PROVIDER, co);
  properties[PROP_IS_SOURCE] = g_param_spec_boolean ("is-source", NULL, NULL, FALSE, co);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       VDI_TYPE_TARGET_STATE, VDI_TARGET_STATE_NEEDS_UPDATE, rw);
  properties[PROP_PROGRESS] =
    g_param_spec_enum ("progress", NULL, NULL,
                       VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_NONE, rw);
  properties[PROP_PERCENT] = g_param_spec_double ("percent", NULL, NULL, 0, 100, 0, ro);
  properties[PROP_BYTES_DONE] =
    g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_int64 ("seconds-left", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, rw);
  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, VDI_TYPE_TARGET_STEP, VDI_TARGET_STEP_NONE, rw);
  properties[PROP_REMOTE_VM_ID] = g_param_spec_string ("remote-vm-id", NULL, NULL, NULL, rw);
  properties[PROP_EXPORT_DIR] = g_param_spec_string ("export-dir", NULL, NULL, NULL, rw);
  properties[PROP_FED_FROM] = g_param_spec_string ("fed-from", NULL, NULL, NULL, rw);
  properties[PROP_OUTDATED_VM_ID] =
    g_param_spec_string ("outdated-vm-id", NULL, NULL, NULL, rw);
  properties[PROP_JOB] = g_param_spec_string ("job", NULL, NULL, NULL, rw);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_N_STRAYS] = g_param_spec_uint ("n-strays", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static VdiTargetStray *
stray_new (const char *provider_id,
           const char *vm_id,
           const char *job)
{
  VdiTargetStray *stray = g_new0 (VdiTargetStray, 1);

  stray->provider_id = g_strdup (provider_id);
  stray->vm_id = g_strdup (vm_id);
  stray->job = g_strdup (job);
  return stray;
}

static void
stray_free (VdiTargetStray *stray)
{
  g_free (stray->provider_id);
  g_free (stray->vm_id);
  g_free (stray->job);
  g_free (stray);
}

static void
vdi_target_init (VdiTarget *self)
{
  self->strays = g_ptr_array_new_with_free_func ((GDestroyNotify)stray_free);
  /* A new target has no copy yet: it needs the distribution to run. */
  self->state = VDI_TARGET_STATE_NEEDS_UPDATE;
  self->progress = VDI_DISTRIBUTION_NONE;
  self->seconds_left = -1;
}

VdiTarget *
vdi_target_new (VdiProvider *provider,
                gboolean     is_source)
{
  g_return_val_if_fail (VDI_IS_PROVIDER (provider), NULL);

  return g_object_new (VDI_TYPE_TARGET,
                       "provider", provider,
                       "is-source", is_source,
                       NULL);
}

VdiProvider *
vdi_target_get_provider (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->provider;
}

gboolean
vdi_target_get_is_source (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), FALSE);

  return self->is_source;
}

VdiTargetState
vdi_target_get_state (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), VDI_TARGET_STATE_NEEDS_UPDATE);

  return self->state;
}

void
vdi_target_set_state (VdiTarget      *self,
                      VdiTargetState  state)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      touch (self);
    }
}

VdiDistribution
vdi_target_get_progress (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), VDI_DISTRIBUTION_NONE);

  return self->progress;
}

void
vdi_target_set_progress (VdiTarget       *self,
                         VdiDistribution  progress)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
      touch (self);
    }
}

double
vdi_target_get_percent (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), 0);

  return self->percent;
}

guint64
vdi_target_get_bytes_done (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), 0);

  return self->bytes_done;
}

guint64
vdi_target_get_bytes_total (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), 0);

  return self->bytes_total;
}

double
vdi_target_get_rate (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), 0);

  return self->rate;
}

gint64
vdi_target_get_seconds_left (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), -1);

  return self->seconds_left;
}

/**
 * vdi_target_update_transfer:
 *
 * Records one progress report from a provider job. Everything changes at once, so listeners
 * see a single consistent batch of notifications.
 */
void
vdi_target_update_transfer (VdiTarget *self,
                            double     percent,
                            guint64    bytes_done,
                            guint64    bytes_total,
                            double     rate,
                            gint64     seconds_left)
{
  gboolean changed = FALSE;

  g_return_if_fail (VDI_IS_TARGET (self));

  percent = CLAMP (percent, 0, 100);
  rate = MAX (rate, 0);
  seconds_left = MAX (seconds_left, -1);

  g_object_freeze_notify (G_OBJECT (self));

#define UPDATE(field, prop)                                                   \
  if (self->field != field)                                                   \
    {                                                                         \
      self->field = field;                                                    \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);           \
      changed = TRUE;                                                         \
    }

  UPDATE (percent, PROP_PERCENT)
  UPDATE (bytes_done, PROP_BYTES_DONE)
  UPDATE (bytes_total, PROP_BYTES_TOTAL)
  UPDATE (rate, PROP_RATE)
  UPDATE (seconds_left, PROP_SECONDS_LEFT)

#undef UPDATE

  if (changed)
    touch (self);

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
vdi_target_get_last_error (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->last_error;
}

void
vdi_target_set_last_error (VdiTarget  *self,
                           const char *last_error)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->last_error, last_error))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
      touch (self);
    }
}

VdiTargetStep
vdi_target_get_step (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), VDI_TARGET_STEP_NONE);

  return self->step;
}

void
vdi_target_set_step (VdiTarget     *self,
                     VdiTargetStep  step)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
      touch (self);
    }
}

const char *
vdi_target_get_remote_vm_id (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->remote_vm_id;
}

void
vdi_target_set_remote_vm_id (VdiTarget  *self,
                             const char *remote_vm_id)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->remote_vm_id, remote_vm_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_VM_ID]);
}

const char *
vdi_target_get_export_dir (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->export_dir;
}

void
vdi_target_set_export_dir (VdiTarget  *self,
                           const char *export_dir)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->export_dir, export_dir))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPORT_DIR]);
}

/**
 * vdi_target_get_fed_from:
 *
 * Returns: (nullable): the id of the provider the current or last copy came from (the holder
 *   that exported it), or %NULL when no copy was started since this was recorded
 */
const char *
vdi_target_get_fed_from (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->fed_from;
}

void
vdi_target_set_fed_from (VdiTarget  *self,
                         const char *provider_id)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->fed_from, provider_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FED_FROM]);
}

const char *
vdi_target_get_outdated_vm_id (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->outdated_vm_id;
}

void
vdi_target_set_outdated_vm_id (VdiTarget  *self,
                               const char *outdated_vm_id)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->outdated_vm_id, outdated_vm_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTDATED_VM_ID]);
}

const char *
vdi_target_get_job (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->job;
}

void
vdi_target_set_job (VdiTarget  *self,
                    const char *job)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (vdi_set_str (&self->job, job))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

GDateTime *
vdi_target_get_started_at (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->started_at;
}

void
vdi_target_set_started_at (VdiTarget *self,
                           GDateTime *started_at)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  if (self->started_at == started_at ||
      (self->started_at != NULL && started_at != NULL &&
       g_date_time_equal (self->started_at, started_at)))
    return;

  g_clear_pointer (&self->started_at, g_date_time_unref);
  if (started_at != NULL)
    self->started_at = g_date_time_ref (started_at);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
}

GDateTime *
vdi_target_get_updated_at (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);

  return self->updated_at;
}

/**
 * vdi_target_is_busy:
 *
 * Returns: whether work on this target is under way (copying, adding or removing).
 */
gboolean
vdi_target_is_busy (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), FALSE);

  return self->progress == VDI_DISTRIBUTION_DISTRIBUTING ||
         self->progress == VDI_DISTRIBUTION_ADDING_PROVIDER ||
         self->progress == VDI_DISTRIBUTION_REMOVING_PROVIDER;
}

void
_vdi_target_restore_updated_at (VdiTarget *self,
                                GDateTime *updated_at)
{
  g_return_if_fail (VDI_IS_TARGET (self));

  g_clear_pointer (&self->updated_at, g_date_time_unref);
  if (updated_at != NULL)
    self->updated_at = g_date_time_ref (updated_at);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

/* Strays ------------------------------------------------------------------------------------ */

guint
vdi_target_get_n_strays (VdiTarget *self)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), 0);

  return self->strays->len;
}

/**
 * vdi_target_get_stray:
 *
 * Returns: (transfer none): the stray at @index, valid until the strays change
 */
const VdiTargetStray *
vdi_target_get_stray (VdiTarget *self,
                      guint      index)
{
  g_return_val_if_fail (VDI_IS_TARGET (self), NULL);
  g_return_val_if_fail (index < self->strays->len, NULL);

  return g_ptr_array_index (self->strays, index);
}

void
vdi_target_add_stray (VdiTarget  *self,
                      const char *provider_id,
                      const char *vm_id,
                      const char *job)
{
  g_return_if_fail (VDI_IS_TARGET (self));
  g_return_if_fail (provider_id != NULL);

  g_ptr_array_add (self->strays, stray_new (provider_id, vm_id, job));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STRAYS]);
}

/* What a later run learnt of a stray: the copy a job made, or that the job ended. */
void
vdi_target_update_stray (VdiTarget  *self,
                         guint       index,
                         const char *vm_id,
                         const char *job)
{
  VdiTargetStray *stray;
  gboolean changed;

  g_return_if_fail (VDI_IS_TARGET (self));
  g_return_if_fail (index < self->strays->len);

  stray = g_ptr_array_index (self->strays, index);
  changed = vdi_set_str (&stray->vm_id, vm_id);
  changed |= vdi_set_str (&stray->job, job);
  /* Stored like any change; the count is what listeners are told of. */
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STRAYS]);
}

void
vdi_target_remove_stray (VdiTarget *self,
                         guint      index)
{
  g_return_if_fail (VDI_IS_TARGET (self));
  g_return_if_fail (index < self->strays->len);

  g_ptr_array_remove_index (self->strays, index);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STRAYS]);
}

static gboolean
stray_equal (const VdiTargetStray *a,
             const VdiTargetStray *b)
{
  return g_strcmp0 (a->provider_id, b->provider_id) == 0 &&
         g_strcmp0 (a->vm_id, b->vm_id) == 0 && g_strcmp0 (a->job, b->job) == 0;
}

/* Makes @self's strays those of @from (a loaded copy of the same target). */
void
vdi_target_copy_strays (VdiTarget *self,
                        VdiTarget *from)
{
  gboolean same;

  g_return_if_fail (VDI_IS_TARGET (self));
  g_return_if_fail (VDI_IS_TARGET (from));

  same = self->strays->len == from->strays->len;
  for (guint i = 0; same && i < self->strays->len; i++)
    same = stray_equal (g_ptr_array_index (self->strays, i),
                        g_ptr_array_index (from->strays, i));
  if (same)
    return;

  g_ptr_array_set_size (self->strays, 0);
  for (guint i = 0; i < from->strays->len; i++)
    {
      const VdiTargetStray *stray = g_ptr_array_index (from->strays, i);

      g_ptr_array_add (self->strays, stray_new (stray->provider_id, stray->vm_id, stray->job));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STRAYS]);
}
