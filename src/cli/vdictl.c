/* vdictl.c: the farm, headless, for scripts and tests.
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

#include <locale.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "vdi-farm-lock.h"
#include "vdictl-private.h"

void
vdictl_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("vdictl: %s\n", message);
}

void
vdictl_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* Waits for an async call on the default main context. */
GAsyncResult *
vdictl_wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

void
vdictl_store_result_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Passwords ------------------------------------------------------------------------------------ */

char *
vdictl_read_password_stdin (const char *prompt)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  int c;

  if (tty && prompt != NULL)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char)c);

  if (tty && prompt != NULL)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* The password for @provider: from stdin when asked to, else the Secret Service's, else a
 * prompt on a terminal. */
char *
vdictl_get_password (Cli          *cli,
                     VdiProvider  *provider,
                     gboolean      from_stdin)
{
  g_autoptr(GError) error = NULL;
  char *password;

  if (from_stdin)
    return vdictl_read_password_stdin (NULL);

  password = vdi_credentials_lookup_sync (cli->credentials, vdi_provider_get_id (provider), NULL,
                                          &error);
  if (password != NULL)
    return password;

  if (isatty (STDIN_FILENO))
    {
      g_autofree char *prompt = g_strdup_printf (_("Password for %s@%s: "),
                                                 vdi_provider_get_username (provider),
                                                 vdi_provider_get_name (provider));

      return vdictl_read_password_stdin (prompt);
    }
  return NULL;
}

VdiProvider *
vdictl_lookup_provider (Cli        *cli,
                        const char *name)
{
  VdiProvider *provider = vdi_farm_find_provider (cli->farm, name);

  if (provider == NULL)
    vdictl_fail (_("no provider is named “%s”"), name);
  return provider;
}

/* Dispatch ----------------------------------------------------------------------------------- */

/* Commands that change the farm or start work on providers take the farm's lock, so that one
 * process at a time does; the read-only ones never do, and always work. */
static const struct
{
  const char  *group;
  const char  *name;
  CommandFunc  func;
  gboolean     locks;
  gboolean     no_farm;
} commands[] = {
  { "farm", "export", vdictl_farm_export, FALSE },
  { "farm", "import", vdictl_farm_import, TRUE },
  { "farm", "password", vdictl_farm_password, FALSE, TRUE },
  { "provider", "add", vdictl_provider_add, TRUE },
  { "provider", "list", vdictl_provider_list, FALSE },
  { "provider", "check", vdictl_provider_check, FALSE },
  { "provider", "vms", vdictl_provider_vms, FALSE },
  { "provider", "datastores", vdictl_provider_datastores, FALSE },
  { "provider", "remove", vdictl_provider_remove, TRUE },
  { "template", "create", vdictl_template_create, TRUE },
  { "template", "list", vdictl_template_list, FALSE },
  { "template", "show", vdictl_template_show, FALSE },
  { "template", "retry", vdictl_template_retry, TRUE },
  { "template", "add-provider", vdictl_template_add_provider, TRUE },
  { "template", "remove-provider", vdictl_template_remove_provider, TRUE },
  { "template", "delete", vdictl_template_delete, TRUE },
  { "template", "maintenance", vdictl_template_maintenance, TRUE },
  { "template", "recreate-hosts", vdictl_template_recreate_hosts, TRUE },
};

static void
print_usage (void)
{
  g_printerr ("%s",
              _("Usage: vdictl [--farm FILE|URI] [--json] COMMAND\n"
                "\n"
                "A farm FILE ending in .db is an SQLite farm; any other is a JSON farm file.\n"
                "A URI postgresql://USER@HOST/DATABASE is a farm shared in PostgreSQL.\n"
                "\n"
                "Farm:\n"
                "  farm export FILE|URI                        copy the farm to a new FILE or\n"
                "                                              to a database without a farm\n"
                "  farm import FILE                            fill an empty farm from FILE\n"
                "  farm password URI [--password-stdin]        keep the password of a farm\n"
                "                                              database in the Secret Service\n"
                "\n"
                "Providers:\n"
                "  provider add NAME --type hyperv|vcenter --subtype SUBTYPE --address ADDRESS\n"
                "               [--user USER] [--password-stdin] [--auth negotiate|kerberos|ntlm|basic]\n"
                "               [--allow-http] [--trust FINGERPRINT]\n"
                "               [--no-check]                exit 3 when the provider is not Ready\n"
                "  provider list\n"
                "  provider check NAME [--password-stdin]      exit 0 when Ready, 3 when not\n"
                "  provider vms NAME [--password-stdin]\n"
                "  provider datastores NAME [--password-stdin]\n"
                "  provider remove NAME\n"
                "\n"
                "Templates:\n"
                "  template create NAME --provider PROVIDER --vm VM [--hosts N] [--max-hosts N]\n"
                "               [--name-format FORMAT] [--clone full|linked]\n"
                "               [--multi-provider --target PROVIDER … [--concurrency N]\n"
                "                [--relay | --no-relay]]\n"
                "               [--datastore DATASTORE …] [--password-stdin]\n"
                "  template list\n"
                "  template show NAME\n"
                "  template retry NAME [--provider PROVIDER] [--password-stdin]\n"
                "  template add-provider NAME PROVIDER [--password-stdin]\n"
                "  template remove-provider NAME PROVIDER [--password-stdin]\n"
                "  template delete NAME [--password-stdin]\n"
                "  template maintenance NAME enter|leave [--recreate] [--password-stdin]\n"
                "  template recreate-hosts NAME [--password-stdin]\n"
                "\n"
                "Agent:\n"
                "  agent [--interval SECONDS] [--once] [--password-stdin]\n"
                "                                              take over the work a console or\n"
                "                                              vdictl left running, whenever the\n"
                "                                              farm is free\n"
                "\n"
                "Commands that copy or remove templates stay until the work ends; Ctrl+C cancels.\n"
                "\n"
                "Exit codes: 0 success, 1 error (also: the farm is in use, or cancelled),\n"
                "2 usage, 3 provider not ready, 4 a provider could not be brought up to date.\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *farm_path = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "farm", 0, 0, G_OPTION_ARG_FILENAME, &farm_path, N_("the farm file or database"),
      "FILE|URI" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(VdiFarmLock) lock = NULL;
  Cli cli = { NULL };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* The name other processes see when this one holds the farm. */
  g_set_prgname ("vdictl");

  context = g_option_context_new (_("COMMAND — manage a VDI Console farm"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      vdictl_fail ("%s", error->message);
      return EXIT_USAGE;
    }

  /* The agent holds the farm only while it has work, so it loads the farm itself. */
  if (argc >= 2 && g_str_equal (argv[1], "agent"))
    {
      cli.credentials = vdi_credentials_get_default ();
      cli.farm = farm = vdi_farm_new (farm_path);
      return vdictl_agent (&cli, argc - 1, argv + 1);
    }

  if (argc < 3 || g_str_equal (argv[1], "help"))
    {
      print_usage ();
      return argc >= 2 && g_str_equal (argv[1], "help") ? EXIT_OK : EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (argv[1], commands[i].group) || !g_str_equal (argv[2], commands[i].name))
        continue;

      cli.credentials = vdi_credentials_get_default ();
      cli.json = json;
      if (commands[i].no_farm)
        return commands[i].func (&cli, argc - 2, argv + 2);

      farm = vdi_farm_new (farm_path);
      /* Locked before loading, so this process reads what the previous holder last wrote. */
      if (commands[i].locks &&
          (lock = vdi_farm_lock_acquire (vdi_farm_get_path (farm), &error)) == NULL)
        {
          vdictl_fail ("%s", error->message);
          return EXIT_ERROR;
        }
      /* A farm another process holds is read as it is: its work under way shows as under
       * way, not as interrupted. */
      if (!commands[i].locks && vdi_farm_lock_query_holder (vdi_farm_get_path (farm), NULL, NULL))
        vdi_farm_set_following (farm, TRUE);
      if (!vdi_farm_load (farm, NULL, &error))
        {
          vdictl_fail ("%s", error->message);
          return EXIT_ERROR;
        }
      /* Read once: nothing to follow after. */
      vdi_farm_set_following (farm, FALSE);

      cli.farm = farm;
      /* Each command sees its own name as argv[0] and its arguments after it. */
      return commands[i].func (&cli, argc - 2, argv + 2);
    }

  vdictl_fail (_("unknown command “%s %s”"), argv[1], argv[2]);
  print_usage ();
  return EXIT_USAGE;
}
