/* vdi-banner.c
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

#include "vdi-banner.h"
#include "vdi-util.h"

/* A bar under the header bar for a state that lasts, as the HIG's banner: libadwaita 1.2 has no
 * AdwBanner, so this is one made of a revealer, a label and an optional button, styled in
 * style.css like libadwaita 1.3's. Toasts are for news; a banner stays while its state does. */
struct _VdiBanner
{
  GtkWidget    parent_instance;

  char        *action_name;

  /* Template widgets */
  GtkRevealer *revealer;
  GtkBox      *box;
  GtkLabel    *title_label;
  GtkButton   *button;       /* only while there is a label for it: no unnamed control */
};

G_DEFINE_FINAL_TYPE (VdiBanner, vdi_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_BUTTON_LABEL,
  PROP_ACTION_NAME,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
vdi_banner_new (const char *title)
{
  return g_object_new (VDI_TYPE_BANNER,
                       "title", title,
                       NULL);
}

const char *
vdi_banner_get_title (VdiBanner *self)
{
  g_return_val_if_fail (VDI_IS_BANNER (self), NULL);

  return gtk_label_get_label (self->title_label);
}

/* The banner is named by what it says, so a screen reader reading the status says it all. */
void
vdi_banner_set_title (VdiBanner  *self,
                      const char *title)
{
  g_return_if_fail (VDI_IS_BANNER (self));

  if (g_strcmp0 (title, gtk_label_get_label (self->title_label)) == 0)
    return;

  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* Returns: (nullable): the button's label, or %NULL when the banner has no button */
const char *
vdi_banner_get_button_label (VdiBanner *self)
{
  g_return_val_if_fail (VDI_IS_BANNER (self), NULL);

  return self->button != NULL ? gtk_button_get_label (self->button) : NULL;
}

/**
 * vdi_banner_set_button_label:
 * @label: (nullable): a label with a mnemonic, or %NULL for no button
 */
void
vdi_banner_set_button_label (VdiBanner  *self,
                             const char *label)
{
  g_return_if_fail (VDI_IS_BANNER (self));

  if (label != NULL && *label == '\0')
    label = NULL;
  if (g_strcmp0 (label, vdi_banner_get_button_label (self)) == 0)
    return;

  if (label == NULL)
    {
      gtk_box_remove (self->box, GTK_WIDGET (self->button));
      self->button = NULL;
    }
  else if (self->button == NULL)
    {
      self->button = GTK_BUTTON (gtk_button_new_with_mnemonic (label));
      gtk_widget_set_name (GTK_WIDGET (self->button), "banner-button");
      gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), self->action_name);
      gtk_box_append (self->box, GTK_WIDGET (self->button));
    }
  else
    gtk_button_set_label (self->button, label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUTTON_LABEL]);
}

const char *
vdi_banner_get_action_name (VdiBanner *self)
{
  g_return_val_if_fail (VDI_IS_BANNER (self), NULL);

  return self->action_name;
}

/* The action the button activates, looked up from the banner up, like any button's. */
void
vdi_banner_set_action_name (VdiBanner  *self,
                            const char *action_name)
{
  g_return_if_fail (VDI_IS_BANNER (self));

  if (!vdi_set_str (&self->action_name, action_name))
    return;

  if (self->button != NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION_NAME]);
}

gboolean
vdi_banner_get_revealed (VdiBanner *self)
{
  g_return_val_if_fail (VDI_IS_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

void
vdi_banner_set_revealed (VdiBanner *self,
                         gboolean   revealed)
{
  g_return_if_fail (VDI_IS_BANNER (self));

  revealed = !!revealed;
  if (revealed == gtk_revealer_get_reveal_child (self->revealer))
    return;

  gtk_revealer_set_reveal_child (self->revealer, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

static void
vdi_banner_dispose (GObject *object)
{
  VdiBanner *self = (VdiBanner *)object;

  self->button = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), VDI_TYPE_BANNER);

  G_OBJECT_CLASS (vdi_banner_parent_class)->dispose (object);
}

static void
vdi_banner_finalize (GObject *object)
{
  VdiBanner *self = (VdiBanner *)object;

  g_clear_pointer (&self->action_name, g_free);

  G_OBJECT_CLASS (vdi_banner_parent_class)->finalize (object);
}

static void
vdi_banner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VdiBanner *self = VDI_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, vdi_banner_get_title (self));
      break;

    case PROP_BUTTON_LABEL:
      g_value_set_string (value, vdi_banner_get_button_label (self));
      break;

    case PROP_ACTION_NAME:
      g_value_set_string (value, vdi_banner_get_action_name (self));
      break;

    case PROP_REVEALED:
      g_value_set_boolean (value, vdi_banner_get_revealed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_banner_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VdiBanner *self = VDI_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      vdi_banner_set_title (self, g_value_get_string (value));
      break;

    case PROP_BUTTON_LABEL:
      vdi_banner_set_button_label (self, g_value_get_string (value));
      break;

    case PROP_ACTION_NAME:
      vdi_banner_set_action_name (self, g_value_get_string (value));
      break;

    case PROP_REVEALED:
      vdi_banner_set_revealed (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vdi_banner_class_init (VdiBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vdi_banner_dispose;
  object_class->finalize = vdi_banner_finalize;
  object_class->get_property = vdi_banner_get_property;
  object_class->set_property = vdi_banner_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUTTON_LABEL] =
    g_param_spec_string ("button-label", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ACTION_NAME] =
    g_param_spec_string ("action-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/vdi-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, VdiBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, VdiBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, VdiBanner, box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "vdibanner");
  /* Advisory, not an alert: it says how things are, and nothing needs doing about it now. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
vdi_banner_init (VdiBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
