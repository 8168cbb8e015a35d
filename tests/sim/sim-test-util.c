/* sim-test-util.c
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

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "sim-test-util.h"

void
sim_fixture_start (SimFixture *fixture,
                   const char *scenario_json)
{
  g_autoptr(GError) error = NULL;

  fixture->world = vdi_sim_scenario_load_data (scenario_json, -1, 0, &error);
  g_assert_no_error (error);
  fixture->simulator = vdi_sim_simulator_new (fixture->world, "127.0.0.1", 0);
  vdi_sim_simulator_start (fixture->simulator, &error);
  g_assert_no_error (error);
  fixture->control = vdi_sim_simulator_get_control_url (fixture->simulator);
  fixture->session = soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 32, NULL);
}

void
sim_fixture_stop (SimFixture *fixture)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->simulator);
  g_clear_object (&fixture->world);
  g_clear_pointer (&fixture->control, g_free);

  /* Let the servers' closing connections settle before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

char *
sim_provider_url (SimFixture *fixture,
                  const char *name)
{
  VdiSimProvider *provider = vdi_sim_world_find_provider (fixture->world, name);

  g_assert_nonnull (provider);
  return vdi_sim_simulator_get_provider_url (fixture->simulator, provider);
}

typedef struct
{
  SimReply *reply;
  gboolean  done;
  SoupMessage *msg;
} PostData;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  PostData *data = user_data;

  data->reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->reply->error);
  data->reply->status = soup_message_get_status (data->msg);
  if (data->reply->body != NULL)
    data->reply->text = g_strndup (g_bytes_get_data (data->reply->body, NULL), g_bytes_get_size (data->reply->body));
  data->reply->content_type = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (data->msg),
                                                                      "Content-Type"));
  data->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

SimReply *
sim_send_message (SoupSession *session,
              SoupMessage *msg)
{
  PostData data = { g_new0 (SimReply, 1), FALSE, msg };
  gboolean expired = FALSE;
  guint timeout_id;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &data);
  timeout_id = g_timeout_add (SIM_TEST_TIMEOUT_MS, timeout_cb, &expired);
  while (!data.done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (timeout_id);
  if (!data.done)
    g_error ("no reply from %s within %d ms", g_uri_to_string (soup_message_get_uri (msg)), SIM_TEST_TIMEOUT_MS);

  return data.reply;
}

SimReply *
sim_post (SoupSession *session,
          const char  *url,
          const char  *content_type,
          const char  *body,
          const char  *user,
          const char  *password,
          GHashTable  *headers)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  g_assert_nonnull (msg);
  soup_message_set_request_body_from_bytes (msg, content_type, bytes);

  if (user != NULL)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", user, password);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *value = g_strdup_printf ("Basic %s", encoded);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  if (headers != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, headers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        soup_message_headers_replace (soup_message_get_request_headers (msg), key, value);
    }

  return sim_send_message (session, msg);
}

SimReply *
sim_get (SoupSession *session,
         const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  return sim_send_message (session, msg);
}

void
sim_reply_free (SimReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_error (&reply->error);
  g_free (reply->content_type);
  g_free (reply->text);
  g_free (reply);
}

const char *
sim_reply_text (SimReply *reply)
{
  return reply->text != NULL ? reply->text : "";
}

JsonNode *
sim_control_get (SimFixture *fixture,
                 const char *path)
{
  g_autofree char *url = g_strconcat (fixture->control, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SimReply) reply = sim_get (fixture->session, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  data = g_bytes_get_data (reply->body, &length);
  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

void
sim_control_post (SimFixture *fixture,
                  const char *path,
                  const char *json)
{
  g_autofree char *url = g_strconcat (fixture->control, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SimReply) reply = sim_post (fixture->session, url, "application/json", json, NULL, NULL, NULL);

  g_assert_no_error (reply->error);
  if (reply->status != 200)
    g_error ("POST %s %s -> %u %.*s", path, json, reply->status,
             (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
}

xmlDoc *
sim_parse_xml (SimReply *reply)
{
  gsize length;
  const char *data;
  xmlDoc *doc;

  g_assert_no_error (reply->error);
  g_assert_nonnull (reply->body);
  data = g_bytes_get_data (reply->body, &length);
  doc = xmlReadMemory (data, (int) length, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    g_error ("not XML: %.*s", (int) length, data);
  return doc;
}

static xmlXPathObject *
eval (xmlDoc     *doc,
      const char *expression)
{
  static const char *ns[][2] = {
    { "s", "http://www.w3.org/2003/05/soap-envelope" },
    { "soapenv", "http://schemas.xmlsoap.org/soap/envelope/" },
    { "a", "http://schemas.xmlsoap.org/ws/2004/08/addressing" },
    { "w", "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" },
    { "n", "http://schemas.xmlsoap.org/ws/2004/09/enumeration" },
    { "f", "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" },
    { "wsmid", "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd" },
    { "cs", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ComputerSystem" },
    { "pcs", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_PlannedComputerSystem" },
    { "job", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ConcreteJob" },
    { "mj", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_MigrationJob" },
    { "aje", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_AffectedJobElement" },
    { "vsms", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_VirtualSystemManagementService" },
    { "mig", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_VirtualSystemMigrationService" },
    { "vim", "urn:vim25" },
    { "xsi", "http://www.w3.org/2001/XMLSchema-instance" },
    { "cim", "http://schemas.dmtf.org/wbem/wscim/1/common" },
  };
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *result;

  for (guint i = 0; i < G_N_ELEMENTS (ns); i++)
    xmlXPathRegisterNs (ctx, (const xmlChar *) ns[i][0], (const xmlChar *) ns[i][1]);
  result = xmlXPathEvalExpression ((const xmlChar *) expression, ctx);
  xmlXPathFreeContext (ctx);
  if (result == NULL)
    g_error ("bad XPath %s", expression);
  return result;
}

char *
sim_xpath_string (xmlDoc     *doc,
                  const char *expression)
{
  g_autofree char *wrapped = g_strdup_printf ("string(%s)", expression);
  xmlXPathObject *result = eval (doc, wrapped);
  char *ret = g_strdup ((const char *) result->stringval);

  xmlXPathFreeObject (result);
  return ret;
}

int
sim_xpath_count (xmlDoc     *doc,
                 const char *expression)
{
  g_autofree char *wrapped = g_strdup_printf ("count(%s)", expression);
  xmlXPathObject *result = eval (doc, wrapped);
  int ret = (int) result->floatval;

  xmlXPathFreeObject (result);
  return ret;
}

void
sim_sleep_ms (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, timeout_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
sim_wait_until (gboolean   (*condition) (gpointer),
                gpointer     data,
                guint        timeout_ms,
                const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %u ms waiting for %s", timeout_ms, what);
      sim_sleep_ms (20);
    }
}

/* The first VM named @name in an inventory (GET /inventory), on any provider, or NULL. */
JsonObject *
sim_inventory_vm (JsonNode   *inventory,
                  const char *name)
{
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory),
                                                       "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *vms = json_object_get_array_member (provider, "vms");

      for (guint k = 0; vms != NULL && k < json_array_get_length (vms); k++)
        {
          JsonObject *vm = json_array_get_object_element (vms, k);

          if (g_strcmp0 (json_object_get_string_member (vm, "name"), name) == 0)
            return vm;
        }
    }
  return NULL;
}

/* Async results, for the tests of code above the simulator -------------------------------- */

/* A GAsyncReadyCallback that keeps a ref on @result in the GAsyncResult * at @user_data. */
void
sim_store_result (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Lets the simulator answer until sim_store_result() has filled @slot. */
void
sim_wait_result (GAsyncResult **slot,
                 guint          timeout_ms,
                 const char    *what)
{
  sim_wait_until (has_result, slot, timeout_ms, what);
}

/* The inventory's record of the provider @name; the test fails if there is none. */
JsonObject *
sim_inventory_provider (JsonNode   *inventory,
                        const char *name)
{
  JsonArray *providers = json_object_get_array_member (json_node_get_object (inventory), "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);

      if (g_str_equal (json_object_get_string_member (provider, "name"), name))
        return provider;
    }
  g_error ("the simulator has no provider named %s", name);
}

/* How many VMs named @vm_name the provider @name holds now, planned ones included. */
guint
sim_count_vms (SimFixture *fixture,
               const char *name,
               const char *vm_name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (fixture, "/inventory");
  JsonArray *vms = json_object_get_array_member (sim_inventory_provider (inventory, name), "vms");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (vms); i++)
    n += g_str_equal (json_object_get_string_member (json_array_get_object_element (vms, i), "name"),
                      vm_name);
  return n;
}

/* The id of the VM named @vm_name on the provider @name (the first, if several). */
char *
sim_find_vm_id (SimFixture *fixture,
                const char *name,
                const char *vm_name)
{
  g_autoptr(JsonNode) inventory = sim_control_get (fixture, "/inventory");
  JsonArray *vms = json_object_get_array_member (sim_inventory_provider (inventory, name), "vms");

  for (guint i = 0; i < json_array_get_length (vms); i++)
    {
      JsonObject *vm = json_array_get_object_element (vms, i);

      if (g_str_equal (json_object_get_string_member (vm, "name"), vm_name))
        return g_strdup (json_object_get_string_member (vm, "id"));
    }
  g_error ("the simulator has no %s on %s", vm_name, name);
}

/* How many entries the demo world's definition (vdi-provider-sim --scenario demo) has in its
 * @member list: "hyperv_hosts" or "vcenters". */
guint
sim_demo_count (const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *world;

  json_parser_load_from_data (parser, vdi_sim_scenario_get_demo (), -1, &error);
  g_assert_no_error (error);
  world = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (world, member));
  return json_array_get_length (json_object_get_array_member (world, member));
}
