/* sim-test-util.h
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

#include <libsoup/soup.h>
#include <libxml/tree.h>
#include <json-glib/json-glib.h>

#include "vdi-sim-scenario.h"
#include "vdi-sim-simulator.h"

G_BEGIN_DECLS

/* Every wait in the tests is bounded: a reply that does not come fails the test. */
#define SIM_TEST_TIMEOUT_MS 20000

typedef struct
{
  VdiSimSimulator *simulator;
  VdiSimWorld     *world;
  SoupSession     *session;
  char            *control;
} SimFixture;

typedef struct
{
  guint   status;
  char   *content_type;
  GBytes *body;
  char   *text;
  GError *error;
} SimReply;

void        sim_fixture_start      (SimFixture  *fixture,
                                    const char  *scenario_json);
void        sim_fixture_stop       (SimFixture  *fixture);
char       *sim_provider_url       (SimFixture  *fixture,
                                    const char  *name);

SimReply   *sim_post               (SoupSession *session,
                                    const char  *url,
                                    const char  *content_type,
                                    const char  *body,
                                    const char  *user,
                                    const char  *password,
                                    GHashTable  *headers);
SimReply   *sim_get                (SoupSession *session,
                                    const char  *url);
SimReply   *sim_send_message       (SoupSession *session,
                                    SoupMessage *msg);
void        sim_reply_free         (SimReply    *reply);
const char *sim_reply_text         (SimReply    *reply);

JsonNode   *sim_control_get        (SimFixture  *fixture,
                                    const char  *path);
void        sim_control_post       (SimFixture  *fixture,
                                    const char  *path,
                                    const char  *json);
JsonObject *sim_inventory_vm       (JsonNode    *inventory,
                                    const char  *name);

xmlDoc     *sim_parse_xml          (SimReply    *reply);
char       *sim_xpath_string       (xmlDoc      *doc,
                                    const char  *expression);
int         sim_xpath_count        (xmlDoc      *doc,
                                    const char  *expression);

void        sim_sleep_ms           (guint        ms);
void        sim_wait_until         (gboolean   (*condition) (gpointer),
                                    gpointer     data,
                                    guint        timeout_ms,
                                    const char  *what);

void        sim_store_result       (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data);
void        sim_wait_result        (GAsyncResult **slot,
                                    guint          timeout_ms,
                                    const char    *what);
JsonObject *sim_inventory_provider (JsonNode    *inventory,
                                    const char  *name);
guint       sim_count_vms          (SimFixture  *fixture,
                                    const char  *name,
                                    const char  *vm_name);
char       *sim_find_vm_id         (SimFixture  *fixture,
                                    const char  *name,
                                    const char  *vm_name);
guint       sim_demo_count         (const char  *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimReply, sim_reply_free)

G_END_DECLS
