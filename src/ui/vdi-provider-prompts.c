/* vdi-provider-prompts.c
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

#include <glib/gi18n.h>

#include "vdi-backend.h"
#include "vdi-backend-error.h"
#include "vdi-backend-factory.h"
#include "vdi-http-certificate.h"
#include "vdi-http-client.h"
#include "vdi-provider-prompts.h"
#include "vdi-secret.h"

typedef struct
{
  GtkWindow      *parent;
  VdiCredentials *credentials;
  GPtrArray      *providers;   /* the suspects, in order */
  guint           index;
  GError         *original;
  VdiProvider    *provider;    /* the one to ask about */
  char           *password;    /* the one being tried */
  gboolean        refused;     /* the last password given was refused */
} Prompt;

static void
prompt_free (Prompt *prompt)
{
  g_clear_object (&prompt->parent);
  g_clear_object (&prompt->credentials);
  g_clear_pointer (&prompt->providers, g_ptr_array_unref);
  g_clear_error (&prompt->original);
  g_clear_object (&prompt->provider);
  g_clear_pointer (&prompt->password, vdi_secret_free);
  g_free (prompt);
}

gboolean
vdi_provider_prompts_can_handle (const GError *error)
{
  return g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED) ||
         g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
}

/**
 * vdi_provider_prompts_group_fingerprint:
 *
 * Returns: (transfer full): @fingerprint as upper-case hex pairs separated by colons, 16 pairs
 *   a line, so that it can be compared with what the provider shows at a glance.
 */
char *
vdi_provider_prompts_group_fingerprint (const char *fingerprint)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  g_return_val_if_fail (fingerprint != NULL, NULL);

  for (const char *p = fingerprint; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        continue;
      if (n > 0 && n % 2 == 0)
        g_string_append_c (out, n % 32 == 0 ? '\n' : ':');
      g_string_append_c (out, g_ascii_toupper (*p));
      n++;
    }
  return g_string_free (out, FALSE);
}

static void find_culprit (GTask *task);
static void ask_password (GTask *task);

/* Trust ---------------------------------------------------------------------------------------- */

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   GTask            *task)
{
  Prompt *prompt = g_task_get_task_data (task);
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "vdi-fingerprint");

  if (g_str_equal (response, "trust"))
    {
      /* The farm saves itself on the change: the pin outlives the session. */
      vdi_provider_set_tls_fingerprint (prompt->provider, fingerprint);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The certificate was not trusted"));
  g_object_unref (task);
}

static void
show_trust_dialog (GTask           *task,
                   GTlsCertificate *certificate)
{
  Prompt *prompt = g_task_get_task_data (task);
  g_autofree char *fingerprint = vdi_http_certificate_fingerprint (certificate);
  g_autofree char *grouped = vdi_provider_prompts_group_fingerprint (fingerprint);
  g_autofree char *address = vdi_provider_dup_address (prompt->provider);
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog, *label;

  g_object_get (certificate, "subject-name", &subject, "issuer-name", &issuer, NULL);

  /* Translators: a provider name and its address. */
  g_string_append_printf (body, _("The certificate of %s (%s) is not signed by an authority "
                                  "this computer trusts. Trust it only if its fingerprint matches "
                                  "the one the provider shows."),
                          vdi_provider_get_name (prompt->provider), address);
  if (subject != NULL)
    g_string_append_printf (body, "\n\n%s %s", _("Subject:"), subject);
  if (issuer != NULL)
    g_string_append_printf (body, "%s%s %s", subject != NULL ? "\n" : "\n\n", _("Issuer:"),
                            issuer);

  dialog = adw_message_dialog_new (prompt->parent, _("Trust This Certificate?"), body->str);
  gtk_widget_set_name (dialog, "trust-certificate-dialog");

  label = gtk_label_new (grouped);
  gtk_widget_set_name (label, "fingerprint-label");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "monospace");
  /* The label reads out the fingerprint itself; this says what it is. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("SHA-256 fingerprint"),
                                  -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vdi-fingerprint", g_steal_pointer (&fingerprint),
                          g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (trust_response_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
certificate_fetched_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  Prompt *prompt = g_task_get_task_data (task);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = vdi_http_fetch_peer_certificate_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (certificate == NULL)
    g_task_return_error (task, g_steal_pointer (&prompt->original));
  else if (!g_task_return_error_if_cancelled (task))
    {
      show_trust_dialog (task, certificate);
      return;
    }
  g_object_unref (task);
}

/* The backend's error only carries the fingerprint as words; the dialog shows the certificate
 * itself, as the provider presents it now. */
static void
fetch_certificate (GTask *task)
{
  Prompt *prompt = g_task_get_task_data (task);

  vdi_http_fetch_peer_certificate_async (vdi_provider_get_host (prompt->provider),
                                         vdi_provider_get_port (prompt->provider),
                                         g_task_get_cancellable (task),
                                         certificate_fetched_cb, task);
}

/* Password ------------------------------------------------------------------------------------- */

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_credentials_store_finish (VDI_CREDENTIALS (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
password_probed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Prompt *prompt = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  version = vdi_backend_probe_finish (VDI_BACKEND (object), result, &error);
  if (version == NULL && g_error_matches (error, VDI_BACKEND_ERROR,
                                          VDI_BACKEND_ERROR_AUTHENTICATION))
    {
      prompt->refused = TRUE;
      ask_password (task);
      return;
    }
  if (version == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* Only a password the provider took replaces the stored one. */
  vdi_credentials_store_async (prompt->credentials, vdi_provider_get_id (prompt->provider),
                               vdi_provider_get_name (prompt->provider), prompt->password,
                               g_task_get_cancellable (task), stored_cb, task);
}

static void
password_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      GTask            *task)
{
  Prompt *prompt = g_task_get_task_data (task);
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "vdi-entry");
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  /* libadwaita 1.2's entry row follows the window's focus and trips over its own text widget
   * when the window goes away with the focus still inside: let the focus go first. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);

  if (!g_str_equal (response, "sign-in"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("No new password was given"));
      g_object_unref (task);
      return;
    }

  vdi_secret_free (prompt->password);
  prompt->password = g_strdup (gtk_editable_get_text (entry));

  backend = vdi_backend_new_for_provider (prompt->provider, prompt->password, &error);
  if (backend == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  vdi_backend_probe_async (backend, g_task_get_cancellable (task), password_probed_cb, task);
}

static void
password_changed_cb (GtkEditable      *entry,
                     AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "sign-in",
                                           *gtk_editable_get_text (entry) != '\0');
}

static void
ask_password (GTask *task)
{
  Prompt *prompt = g_task_get_task_data (task);
  g_autofree char *body = NULL;
  GtkWidget *dialog, *list, *row;

  if (prompt->refused)
    /* Translators: a user name and a provider name. */
    body = g_strdup_printf (_("%s refused this password too. Enter the password of %s."),
                            vdi_provider_get_name (prompt->provider),
                            vdi_provider_get_username (prompt->provider));
  else
    body = g_strdup_printf (_("%s refused the password of %s. Enter it again; it is kept in the "
                              "keyring once the provider accepts it."),
                            vdi_provider_get_name (prompt->provider),
                            vdi_provider_get_username (prompt->provider));

  dialog = adw_message_dialog_new (prompt->parent, _("Password Refused"), body);
  gtk_widget_set_name (dialog, "password-dialog");

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Password"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Password"), -1);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "sign-in", _("_Sign In"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-in",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "sign-in", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "vdi-entry", row);
  g_signal_connect (row, "changed", G_CALLBACK (password_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (password_response_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (row);
}

/* Finding the provider ------------------------------------------------------------------------- */

static void
suspect_probed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Prompt *prompt = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  version = vdi_backend_probe_finish (VDI_BACKEND (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (version == NULL && vdi_provider_prompts_can_handle (error))
    {
      g_set_object (&prompt->provider, g_ptr_array_index (prompt->providers, prompt->index));
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED))
        fetch_certificate (task);
      else
        ask_password (task);
      return;
    }

  prompt->index++;
  find_culprit (task);
}

static void
suspect_password_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Prompt *prompt = g_task_get_task_data (task);
  g_autoptr(VdiSecret) password = NULL;
  g_autoptr(VdiBackend) backend = NULL;
  g_autoptr(GError) error = NULL;

  /* No stored password is a refused one too: the dialog asks for it. */
  password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, NULL);
  backend = vdi_backend_new_for_provider (g_ptr_array_index (prompt->providers, prompt->index),
                                          password, &error);
  if (backend == NULL)
    {
      prompt->index++;
      find_culprit (task);
      return;
    }
  vdi_backend_probe_async (backend, g_task_get_cancellable (task), suspect_probed_cb, task);
}

/* The operation's error does not say which provider it came from; each is asked in turn with
 * what is stored for it, and the first to refuse is the one the admin is asked about. */
static void
find_culprit (GTask *task)
{
  Prompt *prompt = g_task_get_task_data (task);

  if (prompt->index >= prompt->providers->len)
    {
      if (prompt->original != NULL)
        g_task_return_error (task, g_steal_pointer (&prompt->original));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 _("Every provider took its stored password and certificate"));
      g_object_unref (task);
      return;
    }

  vdi_credentials_lookup_async (prompt->credentials,
                                vdi_provider_get_id (g_ptr_array_index (prompt->providers,
                                                                        prompt->index)),
                                g_task_get_cancellable (task), suspect_password_cb, task);
}

static GTask *
prompt_task_new (GtkWindow           *parent,
                 VdiCredentials      *credentials,
                 const GError        *error,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Prompt *prompt = g_new0 (Prompt, 1);

  g_task_set_source_tag (task, vdi_provider_prompts_async);
  prompt->parent = parent != NULL ? g_object_ref (parent) : NULL;
  prompt->credentials = g_object_ref (credentials);
  prompt->original = error != NULL ? g_error_copy (error) : NULL;
  prompt->providers = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, prompt, (GDestroyNotify)prompt_free);
  return task;
}

/**
 * vdi_provider_prompts_suspects_async:
 * @suspects: (element-type VdiProvider): the providers an operation used, in the order to ask
 *
 * For an operation whose error does not say why it failed (a copy's, recorded on its target as
 * words only): asks each suspect with what is stored for it, and the first that refuses its
 * certificate or password is settled with the admin exactly as vdi_provider_prompts_async()
 * does. Finishes TRUE when the caller should try again; with G_IO_ERROR_CANCELLED when the
 * admin declined; with G_IO_ERROR_NOT_FOUND when every suspect took what is stored.
 */
void
vdi_provider_prompts_suspects_async (GtkWindow           *parent,
                                     VdiCredentials      *credentials,
                                     GPtrArray           *suspects,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  Prompt *prompt;

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));
  g_return_if_fail (suspects != NULL);

  task = prompt_task_new (parent, credentials, NULL, cancellable, callback, user_data);
  prompt = g_task_get_task_data (task);
  for (guint i = 0; i < suspects->len; i++)
    g_ptr_array_add (prompt->providers, g_object_ref (g_ptr_array_index (suspects, i)));
  find_culprit (task);
}

/**
 * vdi_provider_prompts_async:
 * @template: (nullable): the template whose operation failed; its providers are the suspects
 * @provider: (nullable): the provider that failed, when the caller knows it
 */
void
vdi_provider_prompts_async (GtkWindow           *parent,
                            VdiCredentials      *credentials,
                            VdiTemplate         *template,
                            VdiProvider         *provider,
                            const GError        *error,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  Prompt *prompt;

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));
  g_return_if_fail (!template || VDI_IS_TEMPLATE (template));
  g_return_if_fail (!provider || VDI_IS_PROVIDER (provider));
  g_return_if_fail (template != NULL || provider != NULL);
  g_return_if_fail (vdi_provider_prompts_can_handle (error));

  task = prompt_task_new (parent, credentials, error, cancellable, callback, user_data);
  prompt = g_task_get_task_data (task);

  if (provider != NULL)
    {
      /* Known already: no need to find it, only to see the certificate. */
      prompt->provider = g_object_ref (provider);
      if (g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_CERTIFICATE_UNTRUSTED))
        fetch_certificate (task);
      else
        ask_password (task);
      return;
    }

  g_ptr_array_add (prompt->providers, g_object_ref (vdi_template_get_source_provider (template)));
  {
    GListModel *targets = vdi_template_get_targets (template);

    for (guint i = 0, n = g_list_model_get_n_items (targets); i < n; i++)
      {
        g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);

        if (!vdi_target_get_is_source (target))
          g_ptr_array_add (prompt->providers, g_object_ref (vdi_target_get_provider (target)));
      }
  }
  find_culprit (task);
}

gboolean
vdi_provider_prompts_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vdi_provider_prompts_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* First contact ------------------------------------------------------------------------------- */

typedef struct
{
  GtkWindow      *parent;
  VdiCredentials *credentials;
  VdiProvider    *provider;
  char           *password;
  gboolean        looked_up;  /* password is what is stored (maybe none) */
} Contact;

static void
contact_free (Contact *contact)
{
  g_clear_object (&contact->parent);
  g_clear_object (&contact->credentials);
  g_clear_object (&contact->provider);
  g_clear_pointer (&contact->password, vdi_secret_free);
  g_free (contact);
}

static void contact_probe (Contact *contact);

static void
contact_prompted_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Contact *contact = user_data;

  /* Trusted, or a password taken and stored: look again, with what is stored now, for what
   * may come next (a refused password behind the certificate). */
  if (vdi_provider_prompts_finish (result, NULL))
    {
      g_clear_pointer (&contact->password, vdi_secret_free);
      contact->looked_up = FALSE;
      contact_probe (contact);
      return;
    }
  contact_free (contact);
}

static void
contact_probed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Contact *contact = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = vdi_backend_probe_finish (VDI_BACKEND (object), result, &error);

  /* Anything else (not reachable yet, a fault) is the provider status's to show. */
  if (version != NULL || !vdi_provider_prompts_can_handle (error))
    {
      contact_free (contact);
      return;
    }

  vdi_provider_prompts_async (contact->parent, contact->credentials, NULL, contact->provider,
                              error, NULL, contact_prompted_cb, contact);
}

static void
contact_password_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Contact *contact = user_data;

  contact->password = vdi_credentials_lookup_finish (VDI_CREDENTIALS (object), result, NULL);
  contact->looked_up = TRUE;
  contact_probe (contact);
}

static void
contact_probe (Contact *contact)
{
  g_autoptr(VdiBackend) backend = NULL;

  if (contact->password == NULL && !contact->looked_up)
    {
      vdi_credentials_lookup_async (contact->credentials, vdi_provider_get_id (contact->provider),
                                    NULL, contact_password_cb, contact);
      return;
    }

  backend = vdi_backend_new_for_provider (contact->provider, contact->password, NULL);
  if (backend == NULL)
    {
      contact_free (contact);
      return;
    }
  vdi_backend_probe_async (backend, NULL, contact_probed_cb, contact);
}

/**
 * vdi_provider_prompts_first_contact:
 * @password: (nullable): the password just typed, not stored yet; %NULL to use the stored one
 *
 * The first time the console talks to a provider the admin just added or changed: an untrusted
 * certificate or a refused password is settled with the admin there and then, rather than
 * found later as "Not available". It outlives the dialog that started it.
 */
void
vdi_provider_prompts_first_contact (GtkWindow      *parent,
                                    VdiCredentials *credentials,
                                    VdiProvider    *provider,
                                    const char     *password)
{
  Contact *contact;

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (VDI_IS_CREDENTIALS (credentials));
  g_return_if_fail (VDI_IS_PROVIDER (provider));

  contact = g_new0 (Contact, 1);
  contact->parent = parent != NULL ? g_object_ref (parent) : NULL;
  contact->credentials = g_object_ref (credentials);
  contact->provider = g_object_ref (provider);
  contact->password = g_strdup (password);
  contact_probe (contact);
}
