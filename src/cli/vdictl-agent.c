/* vdictl-agent.c: a headless process that takes over the work a console or vdictl left
 * running, so that distributions go on with no console open.
 *
 * Copyright 2026 The VDI Console authors
 *
 * This program is free software: you can redistribute it and/or modify it under the terms of
 * the GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One process at a time changes a farm: the one holding its lock. The agent asks for the lock
 * every few seconds. A console or vdictl that holds it keeps it; when one ends with copies
 * still running (quit while copies run, killed, a laptop lid closed), the agent gets the lock,
 * loads the farm, which marks that work interrupted, and takes it up again through the same
 * reconcile a Retry uses: a copy a host finished meanwhile is recognised, a job still running
 * is followed, a half-made copy removed. When that work has ended it saves and lets the lock
 * go, so consoles can change the farm again; while it works, they show it read-only and follow
 * it. On SIGTERM or SIGINT it saves and ends without cancelling anything: the hosts go on with
 * their jobs, and the next holder follows them. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "vdi-farm-lock.h"
#include "vdictl-private.h"

#define DEFAULT_INTERVAL_SECONDS 10

typedef struct
{
  Cli            *cli;
  GMainLoop      *loop;
  VdiSecret      *shared_password;  /* --password-stdin: for every provider */
  guint           interval;
  gboolean        once;
  int             status;

  VdiFarm        *watch;            /* the farm followed between checks (a farm database) */
  VdiFarmLock    *lock;
  VdiFarm        *farm;
  VdiDistributor *distributor;
  GCancellable   *cancellable;
  guint           n_running;
  guint           n_failed;

  guint           next_id;
  char           *last_said;        /* why it waits, printed once */
} Agent;

static void agent_check (Agent *agent);

/* A line on standard output, at once: the agent's journal under systemd. */
static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", line);
  fflush (stdout);
}

static gboolean
next_cb (gpointer user_data)
{
  Agent *agent = user_data;

  agent->next_id = 0;
  agent_check (agent);
  return G_SOURCE_REMOVE;
}

static void
schedule_next (Agent *agent)
{
  if (agent->once)
    {
      g_main_loop_quit (agent->loop);
      return;
    }
  if (agent->next_id == 0)
    agent->next_id = g_timeout_add_seconds (agent->interval, next_cb, agent);
}

/* Saves what the work did and lets the farm go. */
static void
let_go (Agent *agent)
{
  g_autoptr(GError) error = NULL;

  if (agent->farm != NULL && !vdi_farm_flush (agent->farm, &error))
    {
      g_autofree char *location = vdi_farm_dup_display_location (vdi_farm_get_path (agent->farm));

      vdictl_fail ("%s: %s", location, error->message);
      agent->status = EXIT_ERROR;
    }
  g_clear_object (&agent->distributor);
  g_clear_object (&agent->farm);
  g_clear_object (&agent->cancellable);
  if (agent->lock != NULL)
    vdi_farm_lock_release (agent->lock);
  g_clear_object (&agent->lock);
}

typedef struct
{
  Agent              *agent;
  VdiFarmInterrupted *work;
} Taken;

static void
work_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Taken *taken = user_data;
  Agent *agent = taken->agent;
  VdiFarmInterrupted *work = taken->work;
  g_autoptr(GError) error = NULL;
  const char *template = vdi_template_get_name (work->template);
  const char *provider = vdi_provider_get_name (vdi_target_get_provider (work->target));

  if (vdi_distributor_finish (VDI_DISTRIBUTOR (object), result, &error))
    say (work->progress == VDI_DISTRIBUTION_REMOVING_PROVIDER
                  /* Translators: a template's name, then a provider's */
                ? _("%s: removed from %s") : _("%s: %s is ready"),
         template, provider);
  else
    {
      /* The target says why; the last error of the run is the provider's words. */
      say (_("%s: %s: %s"), template, provider,
           vdi_target_get_last_error (work->target) != NULL
             ? vdi_target_get_last_error (work->target) : error->message);
      agent->n_failed++;
    }
  vdi_farm_interrupted_free (work);
  g_free (taken);

  if (--agent->n_running > 0)
    return;

  let_go (agent);
  if (agent->n_failed > 0)
    agent->status = EXIT_FAILED;
  say (_("Done; the farm is free again."));
  schedule_next (agent);
}

/* The passwords of the farm's providers: the Secret Service's, or one given on standard input
 * for all of them. */
static VdiCredentials *
agent_credentials (Agent *agent)
{
  g_autoptr(VdiCredentials) credentials = NULL;
  GListModel *providers;

  if (agent->shared_password == NULL)
    return g_object_ref (agent->cli->credentials);

  credentials = vdi_credentials_new (FALSE);
  providers = vdi_farm_get_providers (agent->farm);
  for (guint i = 0, n = g_list_model_get_n_items (providers); i < n; i++)
    {
      g_autoptr(VdiProvider) provider = g_list_model_get_item (providers, i);
      g_autoptr(GError) error = NULL;

      if (!vdi_credentials_store_sync (credentials, vdi_provider_get_id (provider),
                                       vdi_provider_get_name (provider), agent->shared_password,
                                       NULL, &error))
        vdictl_fail ("%s", error->message);
    }
  return g_steal_pointer (&credentials);
}

/* Another process took the farm after this one lost its lock: end as if killed (the hosts go
 * on with their jobs, which that process follows); systemd starts the agent again. */
static void
on_save_failed (VdiFarm *farm,
                GError  *error,
                Agent   *agent)
{
  vdictl_fail (_("could not save the farm: %s"), error->message);
  if (g_error_matches (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TAKEN_OVER))
    exit (EXIT_ERROR);
}

static void
take_over (Agent     *agent,
           GPtrArray *interrupted)
{
  g_autoptr(VdiCredentials) credentials = agent_credentials (agent);

  agent->distributor = vdi_distributor_new (agent->farm, credentials);
  agent->cancellable = g_cancellable_new ();
  agent->n_failed = 0;
  /* Every change is saved as it comes, for the consoles following the farm. */
  g_signal_connect (agent->farm, "save-failed", G_CALLBACK (on_save_failed), agent);
  vdi_farm_set_autosave (agent->farm, TRUE);

  for (guint i = 0; i < interrupted->len; i++)
    {
      VdiFarmInterrupted *work = g_ptr_array_index (interrupted, i);
      VdiProvider *provider = vdi_target_get_provider (work->target);
      Taken *taken;

      say (_("%s: taking over the work on %s"), vdi_template_get_name (work->template),
           vdi_provider_get_name (provider));
      taken = g_new0 (Taken, 1);
      taken->agent = agent;
      taken->work = g_steal_pointer (&interrupted->pdata[i]);
      agent->n_running++;
      if (work->progress == VDI_DISTRIBUTION_REMOVING_PROVIDER)
        vdi_distributor_remove_provider_async (agent->distributor, work->template, provider,
                                               agent->cancellable, work_done_cb, taken);
      else
        vdi_distributor_retry_async (agent->distributor, work->template, work->target,
                                     agent->cancellable, work_done_cb, taken);
    }
}

static void
agent_check (Agent *agent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) interrupted = NULL;
  const char *path = vdi_farm_get_path (agent->cli->farm);

  agent->lock = vdi_farm_lock_acquire (path, &error);
  if (agent->lock == NULL)
    {
      /* Said once for each holder, not every few seconds. */
      if (g_strcmp0 (agent->last_said, error->message) != 0)
        {
          say (_("Waiting: %s"), error->message);
          g_free (agent->last_said);
          agent->last_said = g_strdup (error->message);
        }
      if (agent->once)
        agent->status = EXIT_ERROR;
      schedule_next (agent);
      return;
    }
  g_clear_pointer (&agent->last_said, g_free);

  /* A farm database is followed between checks: when it shows no work under way, there is
   * nothing to take over, and the farm is let go without loading it again. */
  if (agent->watch != NULL && !vdi_farm_has_work_under_way (agent->watch))
    {
      let_go (agent);
      schedule_next (agent);
      return;
    }

  /* What the last holder wrote, with its work under way marked interrupted. */
  agent->farm = vdi_farm_new (path);
  if (!vdi_farm_load (agent->farm, NULL, &error))
    {
      vdictl_fail ("%s", error->message);
      agent->status = EXIT_ERROR;
      g_clear_object (&agent->farm);
      let_go (agent);
      schedule_next (agent);
      return;
    }

  interrupted = vdi_farm_take_interrupted (agent->farm);
  /* Copies and removals are taken up. (Hosts that were being created are not among them: the
   * load marked them failed, saying to recreate them, as a console shows them.) */
  for (guint i = interrupted->len; i > 0; i--)
    {
      VdiFarmInterrupted *work = g_ptr_array_index (interrupted, i - 1);

      if (work->progress != VDI_DISTRIBUTION_DISTRIBUTING &&
          work->progress != VDI_DISTRIBUTION_ADDING_PROVIDER &&
          work->progress != VDI_DISTRIBUTION_REMOVING_PROVIDER)
        g_ptr_array_remove_index (interrupted, i - 1);
    }

  if (interrupted->len == 0)
    {
      let_go (agent);
      schedule_next (agent);
      return;
    }
  take_over (agent, interrupted);
}

static gboolean
on_stop (gpointer user_data)
{
  Agent *agent = user_data;

  /* Nothing is cancelled: the hosts go on, and whoever holds the farm next follows them. */
  if (agent->n_running > 0)
    say (_("Stopping; the work under way goes on and is taken up by the next holder."));
  let_go (agent);
  g_main_loop_quit (agent->loop);
  return G_SOURCE_CONTINUE;
}

int
vdictl_agent (Cli   *cli,
              int    argc,
              char **argv)
{
  gint interval = DEFAULT_INTERVAL_SECONDS;
  gboolean once = FALSE;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval,
      N_("how often to ask for the farm, in seconds (default 10)"), "SECONDS" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("take over what is there now, then end"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("read one password from standard input, for every provider"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Agent agent = { 0, };
  guint sigint_id, sigterm_id, bus_name_id;

  g_option_context_set_summary (context, _("Take over the work other processes left running"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    {
      vdictl_fail ("%s", error != NULL ? error->message : _("agent takes no arguments"));
      return EXIT_USAGE;
    }
  if (interval < 1)
    {
      vdictl_fail (_("--interval must be at least 1 second"));
      return EXIT_USAGE;
    }

  agent.cli = cli;
  agent.interval = (guint)interval;
  agent.once = once;
  agent.loop = g_main_loop_new (NULL, FALSE);
  if (password_stdin)
    agent.shared_password = vdictl_read_password_stdin (NULL);

  {
    g_autofree char *location = vdi_farm_dup_display_location (vdi_farm_get_path (cli->farm));

    say (_("Agent on %s"), location);
  }
  /* Consoles on this farm, in this session, see that an agent is there (where there is no
   * session bus, as on a server, nothing is said: ownership just fails). */
  {
    g_autofree char *name = vdi_farm_dup_agent_bus_name (vdi_farm_get_path (cli->farm));

    bus_name_id = g_bus_own_name (G_BUS_TYPE_SESSION, name, G_BUS_NAME_OWNER_FLAGS_NONE,
                                  NULL, NULL, NULL, NULL, NULL);
  }
  /* Followed, so that a check of a free farm with nothing under way costs no load. */
  {
    g_autoptr(VdiFarm) watch = vdi_farm_new (vdi_farm_get_path (cli->farm));
    g_autoptr(GError) watch_error = NULL;

    if (!once && vdi_farm_can_follow (watch))
      {
        vdi_farm_set_following (watch, TRUE);
        if (vdi_farm_load (watch, NULL, &watch_error))
          agent.watch = g_steal_pointer (&watch);
        else
          g_debug ("Not following %s: %s", vdi_farm_get_path (cli->farm), watch_error->message);
      }
  }
  sigint_id = g_unix_signal_add (SIGINT, on_stop, &agent);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop, &agent);
  agent_check (&agent);
  /* Once: only while work taken over runs. */
  if (!once || agent.n_running > 0)
    g_main_loop_run (agent.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_bus_unown_name (bus_name_id);
  g_clear_handle_id (&agent.next_id, g_source_remove);
  let_go (&agent);
  g_clear_object (&agent.watch);
  g_free (agent.last_said);
  vdi_secret_free (agent.shared_password);
  g_main_loop_unref (agent.loop);
  return agent.status;
}
