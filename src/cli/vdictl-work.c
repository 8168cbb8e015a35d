/* vdictl-work.c: work on providers, in the foreground, with its progress.
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

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "vdictl-private.h"

/* Redraws of the terminal display, at most this often. */
#define REDRAW_INTERVAL_MS 250

typedef struct
{
  Work      *work;
  VdiTarget *target;
  char      *provider_name;
  char      *shown;      /* the last plain line printed for it */
} Row;

char *
vdictl_format_time_left (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup ("");
  if (seconds >= 3600)
    return g_strdup_printf (_("%d h %02d min left"), (int)(seconds / 3600),
                            (int)(seconds % 3600 / 60));
  if (seconds >= 60)
    return g_strdup_printf (_("%d min %02d s left"), (int)(seconds / 60), (int)(seconds % 60));
  return g_strdup_printf (_("%d s left"), (int)seconds);
}

gboolean
vdictl_progress_is_running (VdiDistribution progress)
{
  return progress == VDI_DISTRIBUTION_DISTRIBUTING ||
         progress == VDI_DISTRIBUTION_ADDING_PROVIDER ||
         progress == VDI_DISTRIBUTION_REMOVING_PROVIDER;
}

/* Passwords ------------------------------------------------------------------------------------ */

/* The passwords of @providers, in a session-only store for the distributor: with
 * --password-stdin, the one line read is every provider's; otherwise each comes from the
 * Secret Service, or a prompt on a terminal. */
VdiCredentials *
vdictl_collect_passwords (Cli       *cli,
                          GPtrArray *providers,
                          gboolean   password_stdin)
{
  g_autoptr(VdiCredentials) credentials = vdi_credentials_new (FALSE);
  g_autoptr(VdiSecret) shared = password_stdin ? vdictl_read_password_stdin (NULL) : NULL;

  for (guint i = 0; i < providers->len; i++)
    {
      VdiProvider *provider = g_ptr_array_index (providers, i);
      g_autoptr(VdiSecret) password = NULL;
      g_autoptr(GError) error = NULL;

      if (shared != NULL)
        password = g_strdup (shared);
      else
        password = vdictl_get_password (cli, provider, FALSE);

      if (password != NULL &&
          !vdi_credentials_store_sync (credentials, vdi_provider_get_id (provider),
                                       vdi_provider_get_name (provider), password, NULL, &error))
        g_warning ("%s", error->message);
    }
  return g_steal_pointer (&credentials);
}

/* Running work in the foreground --------------------------------------------------------------- */

static void
row_free (Row *row)
{
  g_signal_handlers_disconnect_by_data (row->target, row);
  g_clear_object (&row->target);
  g_free (row->provider_name);
  g_free (row->shown);
  g_free (row);
}

/* With relay, where a running copy comes from (" (from hv-ams-03)"), else "". */
static char *
feeder_suffix (VdiTemplate *template,
               VdiTarget   *target)
{
  VdiProvider *feeder;

  if (!vdi_template_get_relay (template) ||
      (feeder = vdi_template_get_feeder (template, target)) == NULL)
    return g_strdup ("");
  /* Translators: where a copy comes from, after its progress: " (from hv-ams-03)". */
  return g_strdup_printf (_(" (from %s)"), vdi_provider_get_name (feeder));
}

/* A target's line for logs: its Progress while work runs, else its State and error. */
static char *
plain_line (VdiTemplate *template,
            VdiTarget   *target)
{
  VdiDistribution progress = vdi_target_get_progress (target);
  const char *name = vdi_provider_get_name (vdi_target_get_provider (target));
  const char *error = vdi_target_get_last_error (target);

  if (vdictl_progress_is_running (progress))
    {
      g_autofree char *from = feeder_suffix (template, target);

      return g_strdup_printf ("%s: %s%s", name,
                              vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress), from);
    }
  if (error != NULL && vdi_target_get_state (target) != VDI_TARGET_STATE_READY)
    return g_strdup_printf ("%s: %s — %s", name,
                            vdi_enum_get_label (VDI_TYPE_TARGET_STATE,
                                                vdi_target_get_state (target)),
                            error);
  return g_strdup_printf ("%s: %s", name,
                          vdi_enum_get_label (VDI_TYPE_TARGET_STATE,
                                              vdi_target_get_state (target)));
}

static char *
tty_line (VdiTemplate *template,
          VdiTarget   *target)
{
  VdiDistribution progress = vdi_target_get_progress (target);
  const char *name = vdi_provider_get_name (vdi_target_get_provider (target));
  const char *error = vdi_target_get_last_error (target);
  g_autofree char *left = NULL;

  if (vdictl_progress_is_running (progress))
    {
      g_autofree char *from = feeder_suffix (template, target);

      left = vdictl_format_time_left (vdi_target_get_seconds_left (target));
      return g_strdup_printf ("  %-20s %-18s %5.1f %%  %s%s", name,
                              vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, progress),
                              vdi_target_get_percent (target), left, from);
    }
  return g_strdup_printf ("  %-20s %-18s %s", name,
                          vdi_enum_get_label (VDI_TYPE_TARGET_STATE,
                                              vdi_target_get_state (target)),
                          error != NULL && vdi_target_get_state (target) != VDI_TARGET_STATE_READY
                            ? error : "");
}

static guint
terminal_columns (void)
{
  struct winsize size;

  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 10)
    return size.ws_col;
  return 80;
}

/* One line per target, redrawn in place; lines are cut to the width so none wraps. */
static void
work_redraw (Work *work)
{
  guint columns = terminal_columns ();
  g_autoptr(GString) text = g_string_new (NULL);

  if (work->n_drawn > 0)
    g_string_append_printf (text, "\033[%uA", work->n_drawn);
  for (guint i = 0; i < work->rows->len; i++)
    {
      Row *row = g_ptr_array_index (work->rows, i);
      g_autofree char *line = tty_line (work->template, row->target);

      if (g_utf8_strlen (line, -1) > columns - 1)
        {
          g_autofree char *cut = g_utf8_substring (line, 0, columns - 1);

          g_string_append_printf (text, "\r\033[2K%s\n", cut);
        }
      else
        g_string_append_printf (text, "\r\033[2K%s\n", line);
    }
  /* Rows that went (a removed provider) leave no trace below. */
  g_string_append (text, "\033[J");
  work->n_drawn = work->rows->len;
  fputs (text->str, stdout);
  fflush (stdout);
  work->dirty = FALSE;
}

static gboolean
redraw_cb (gpointer user_data)
{
  Work *work = user_data;

  if (work->dirty)
    work_redraw (work);
  return G_SOURCE_CONTINUE;
}

static void
row_changed (Work *work,
             Row  *row)
{
  g_autofree char *line = NULL;

  if (work->quiet)
    return;
  if (work->tty)
    {
      work->dirty = TRUE;
      return;
    }

  line = plain_line (work->template, row->target);
  if (g_strcmp0 (line, row->shown) != 0)
    {
      g_print ("%s\n", line);
      fflush (stdout);
      g_free (row->shown);
      row->shown = g_steal_pointer (&line);
    }
}

static void
on_target_notify (VdiTarget  *target,
                  GParamSpec *pspec,
                  Row        *row)
{
  row_changed (row->work, row);
}

static Row *
find_row (Work      *work,
          VdiTarget *target)
{
  for (guint i = 0; i < work->rows->len; i++)
    {
      Row *row = g_ptr_array_index (work->rows, i);

      if (row->target == target)
        return row;
    }
  return NULL;
}

/* Follows the template's targets: one row each, in the template's order (source first). */
static void
work_sync_rows (Work *work)
{
  GListModel *targets = vdi_template_get_targets (work->template);
  guint n = g_list_model_get_n_items (targets);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)row_free);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VdiTarget) target = g_list_model_get_item (targets, i);
      Row *row = find_row (work, target);
      guint index;

      if (row != NULL && g_ptr_array_find (work->rows, row, &index))
        g_ptr_array_add (rows, g_ptr_array_steal_index (work->rows, index));
      else
        {
          row = g_new0 (Row, 1);
          row->work = work;
          row->target = g_object_ref (target);
          row->provider_name = g_strdup (vdi_provider_get_name (vdi_target_get_provider (target)));
          row->shown = plain_line (work->template, target);
          g_signal_connect (target, "notify", G_CALLBACK (on_target_notify), row);
          g_ptr_array_add (rows, row);
        }
    }

  /* What is left went away: a provider removed from the template. */
  for (guint i = 0; i < work->rows->len; i++)
    {
      Row *row = g_ptr_array_index (work->rows, i);

      if (!work->quiet && !work->tty)
        g_print (_("%s: Removed from the template\n"), row->provider_name);
    }

  g_ptr_array_unref (work->rows);
  work->rows = g_steal_pointer (&rows);
  work->dirty = TRUE;
}

static void
on_targets_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Work       *work)
{
  work_sync_rows (work);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Work *work = user_data;

  if (++work->n_interrupts == 1)
    {
      g_printerr (_("vdictl: cancelling; press Ctrl+C again to quit at once\n"));
      g_cancellable_cancel (work->cancellable);
      return G_SOURCE_CONTINUE;
    }

  /* The farm file is whole whatever happens; what ran is Needs update when it is next opened. */
  vdi_farm_flush (work->cli->farm, NULL);
  g_printerr (_("vdictl: quit before the providers confirmed the cancel\n"));
  exit (EXIT_ERROR);
  return G_SOURCE_REMOVE;
}

static void
on_save_failed (VdiFarm *farm,
                GError  *error,
                Work    *work)
{
  vdictl_fail (_("could not save the farm: %s"), error->message);
  /* Nothing more may be written: end as if killed. The hosts go on with their jobs, which the
   * process that holds the farm now follows. */
  if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER))
    exit (EXIT_ERROR);
}

void
vdictl_work_init (Work           *work,
                  Cli            *cli,
                  VdiTemplate    *template,
                  VdiCredentials *credentials)
{
  memset (work, 0, sizeof *work);
  work->cli = cli;
  work->template = g_object_ref (template);
  work->distributor = vdi_distributor_new (cli->farm, credentials);
  work->cancellable = g_cancellable_new ();
  work->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)row_free);
  work->quiet = cli->json;
  work->tty = !work->quiet && isatty (STDOUT_FILENO);

  work_sync_rows (work);
  work->items_changed_id = g_signal_connect (vdi_template_get_targets (template), "items-changed",
                                             G_CALLBACK (on_targets_changed), work);
  g_signal_connect (cli->farm, "save-failed", G_CALLBACK (on_save_failed), work);
  work->sigint_id = g_unix_signal_add (SIGINT, on_interrupt, work);
  work->sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, work);
  if (work->tty)
    {
      work_redraw (work);
      work->redraw_id = g_timeout_add (REDRAW_INTERVAL_MS, redraw_cb, work);
    }

  /* Every change is saved as it comes (coalesced); the end flushes. */
  vdi_farm_set_autosave (cli->farm, TRUE);
}

void
vdictl_work_clear (Work *work)
{
  g_clear_handle_id (&work->redraw_id, g_source_remove);
  g_clear_handle_id (&work->sigint_id, g_source_remove);
  g_clear_handle_id (&work->sigterm_id, g_source_remove);
  g_clear_signal_handler (&work->items_changed_id, vdi_template_get_targets (work->template));
  g_signal_handlers_disconnect_by_func (work->cli->farm, on_save_failed, work);
  g_clear_pointer (&work->rows, g_ptr_array_unref);
  g_clear_object (&work->distributor);
  g_clear_object (&work->cancellable);
  g_clear_object (&work->template);
  g_clear_error (&work->error);
}

void
vdictl_work_operation_done_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  Work *work = user_data;
  g_autoptr(GError) error = NULL;

  if (!vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    {
      if (g_error_matches (error, VDI_DISTRIBUTOR_ERROR, VDI_DISTRIBUTOR_ERROR_FAILED))
        work->n_failed++;
      else if (work->error == NULL)
        work->error = g_steal_pointer (&error);
    }
  work->n_running--;
}

/* Runs until every operation started on @work has finished. */
void
vdictl_work_wait (Work *work)
{
  while (work->n_running > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Ends the work: the farm on disk, the display's last state, what went wrong, and the exit
 * code. */
int
vdictl_work_finish (Work       *work,
                    const char *done_message,
                    gboolean    print_result)
{
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!vdi_farm_flush (work->cli->farm, &error))
    {
      vdictl_fail (_("could not save the farm: %s"), error->message);
      status = EXIT_ERROR;
    }

  if (work->tty)
    work_redraw (work);

  if (g_error_matches (work->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || work->n_interrupts > 0)
    {
      vdictl_fail (_("cancelled; run “vdictl template retry %s” to finish"),
                   vdi_template_get_name (work->template));
      status = EXIT_ERROR;
    }
  else if (work->error != NULL)
    {
      vdictl_fail ("%s", work->error->message);
      status = EXIT_ERROR;
    }
  else if (work->n_failed > 0)
    {
      vdictl_fail (_("“%s” could not be brought up to date on every provider; see “vdictl "
                     "template show %s”, then “vdictl template retry %s”"),
                   vdi_template_get_name (work->template), vdi_template_get_name (work->template),
                   vdi_template_get_name (work->template));
      if (status == EXIT_OK)
        status = EXIT_FAILED;
    }
  else if (done_message != NULL && !work->quiet)
    g_print ("%s\n", done_message);

  if (work->quiet && print_result)
    vdictl_print_template_json (work->template);

  return status;
}
