/* vdictl-private.h: what vdictl's command files share.
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

#include <json-glib/json-glib.h>

#include "vdi-backend-factory.h"
#include "vdi-core.h"
#include "vdi-distributor.h"

G_BEGIN_DECLS

/* Exit codes, documented in the README and stable. */
enum {
  EXIT_OK = 0,
  EXIT_ERROR = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_READY = 3,
  EXIT_FAILED = 4,
};

typedef struct
{
  VdiFarm        *farm;
  VdiCredentials *credentials;
  gboolean        json;
} Cli;

typedef int (*CommandFunc) (Cli    *cli,
                            int     argc,
                            char  **argv);

void                vdictl_fail                       (const char         *format,
                                                       ...) G_GNUC_PRINTF (1, 2);
void                vdictl_print_json                 (JsonNode           *root);
GAsyncResult       *vdictl_wait_for                   (GAsyncResult      **slot);
void                vdictl_store_result_cb            (GObject            *object,
                                                       GAsyncResult       *result,
                                                       gpointer            user_data);
char               *vdictl_read_password_stdin        (const char         *prompt);
char               *vdictl_get_password               (Cli                *cli,
                                                       VdiProvider        *provider,
                                                       gboolean            from_stdin);
VdiProvider        *vdictl_lookup_provider            (Cli                *cli,
                                                       const char         *name);

/* vdictl-agent.c */
int                 vdictl_agent                      (Cli *cli, int argc, char **argv);

/* vdictl-provider.c */
int                 vdictl_farm_export                (Cli *cli, int argc, char **argv);
int                 vdictl_farm_import                (Cli *cli, int argc, char **argv);
int                 vdictl_farm_password              (Cli *cli, int argc, char **argv);

int                 vdictl_provider_add               (Cli *cli, int argc, char **argv);
int                 vdictl_provider_list              (Cli *cli, int argc, char **argv);
int                 vdictl_provider_check             (Cli *cli, int argc, char **argv);
int                 vdictl_provider_vms               (Cli *cli, int argc, char **argv);
int                 vdictl_provider_datastores        (Cli *cli, int argc, char **argv);
int                 vdictl_provider_remove            (Cli *cli, int argc, char **argv);

/* vdictl-work.c: work on providers in the foreground. The caller counts each operation it
 * starts in n_running, with vdictl_work_operation_done_cb() as its callback and the work's
 * cancellable (Ctrl+C cancels it), then waits and finishes. */
typedef struct _Work Work;

struct _Work
{
  Cli            *cli;
  VdiTemplate    *template;
  VdiDistributor *distributor;
  GCancellable   *cancellable;
  GPtrArray      *rows;
  GError         *error;       /* the first error other than a failed target */
  guint           n_running;
  guint           n_failed;
  guint           n_drawn;     /* lines of the terminal display */
  guint           redraw_id;
  guint           sigint_id;
  guint           sigterm_id;
  guint           n_interrupts;
  gulong          items_changed_id;
  gboolean        tty;
  gboolean        quiet;       /* --json: no progress, the result at the end */
  gboolean        dirty;
};

char               *vdictl_format_time_left           (gint64              seconds);
gboolean            vdictl_progress_is_running        (VdiDistribution     progress);
VdiCredentials     *vdictl_collect_passwords          (Cli                *cli,
                                                       GPtrArray          *providers,
                                                       gboolean            password_stdin);
void                vdictl_work_init                  (Work               *work,
                                                       Cli                *cli,
                                                       VdiTemplate        *template,
                                                       VdiCredentials     *credentials);
void                vdictl_work_operation_done_cb     (GObject            *object,
                                                       GAsyncResult       *result,
                                                       gpointer            user_data);
void                vdictl_work_wait                  (Work               *work);
int                 vdictl_work_finish                (Work               *work,
                                                       const char         *done_message,
                                                       gboolean            print_result);
void                vdictl_work_clear                 (Work               *work);

/* vdictl-template.c */
void                vdictl_print_template_json        (VdiTemplate        *template);
int                 vdictl_template_create            (Cli *cli, int argc, char **argv);
int                 vdictl_template_list              (Cli *cli, int argc, char **argv);
int                 vdictl_template_show              (Cli *cli, int argc, char **argv);
int                 vdictl_template_retry             (Cli *cli, int argc, char **argv);
int                 vdictl_template_add_provider      (Cli *cli, int argc, char **argv);
int                 vdictl_template_remove_provider   (Cli *cli, int argc, char **argv);
int                 vdictl_template_delete            (Cli *cli, int argc, char **argv);
int                 vdictl_template_maintenance       (Cli *cli, int argc, char **argv);
int                 vdictl_template_recreate_hosts    (Cli *cli, int argc, char **argv);

G_END_DECLS
