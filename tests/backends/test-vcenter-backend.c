/* test-vcenter-backend.c: the vCenter backend against vdi-provider-sim.
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

#include "sim-test-util.h"
#include "vcenter-test-util.h"
#include "vdi-vcenter-backend.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define VC  "vc-test"
/* The password has markup characters: every value written into XML must be escaped. */
#define PASSWORD "VMware1!&<x>\""

/* Two hosts; four datastores: two healthy, one nearly full, one inaccessible. At time scale 60
 * a 40 GiB clone at 4000 Mbit/s takes about 1.4 s. */
static const char scenario[] =
  "{ \"time_scale\": 60, \"vcenters\": [ {"
  "  \"name\": \"" VC "\", \"version\": \"8.0\","
  "  \"user\": \"administrator@vsphere.local\", \"password\": \"VMware1!&<x>\\\"\","
  "  \"datacenter\": \"DC-Test\", \"hosts\": [ \"esx-01\", \"esx-02\" ],"
  "  \"datastores\": ["
  "    { \"name\": \"ds-main\", \"type\": \"VMFS\", \"capacity_gb\": 2048, \"free_gb\": 1500, \"mbps\": 4000 },"
  "    { \"name\": \"ds-nfs\", \"type\": \"NFS\", \"capacity_gb\": 1024, \"free_gb\": 800, \"mbps\": 4000 },"
  "    { \"name\": \"ds-full\", \"type\": \"NFS\", \"capacity_gb\": 512, \"free_gb\": 5, \"mbps\": 4000 },"
  "    { \"name\": \"ds-down\", \"type\": \"VMFS\", \"capacity_gb\": 1024, \"free_gb\": 900, \"accessible\": false }"
  "  ],"
  "  \"vms\": ["
  "    { \"name\": \"tpl-win11\", \"disk_gb\": 40, \"template\": true, \"datastore\": \"ds-main\", \"host\": \"esx-01\" },"
  "    { \"name\": \"vdi-001\", \"disk_gb\": 30, \"datastore\": \"ds-nfs\", \"host\": \"esx-02\", \"state\": \"running\" },"
  "    { \"name\": \"vdi-002\", \"disk_gb\": 20, \"datastore\": \"ds-main\", \"host\": \"esx-01\" }"
  "  ] } ] }";

typedef struct
{
  SimFixture         sim;
  VdiVcenterBackend *vc;
  VdiBackend        *backend;
} Fixture;

static VdiVcenterBackend *
make_backend (Fixture    *fixture,
              const char *password)
{
  g_autofree char *url = sim_provider_url (&fixture->sim, VC);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(VdiProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  VdiVcenterBackend *vc;

  g_assert_nonnull (uri);
  provider = vdi_provider_new ("vc-test-id", VC, VDI_PROVIDER_SUBTYPE_VCENTER_8,
                               g_uri_get_host (uri), g_uri_get_port (uri));
  vdi_provider_set_username (provider, "administrator@vsphere.local");
  vdi_provider_set_allow_http (provider, TRUE);
  vc = vdi_vcenter_backend_new (provider, password, &error);
  g_assert_no_error (error);
  g_assert_true (VDI_IS_BACKEND (vc));
  return vc;
}

static void
fixture_set_up_with (Fixture    *fixture,
                     const char *json)
{
  sim_fixture_start (&fixture->sim, json);
  fixture->vc = make_backend (fixture, PASSWORD);
  fixture->backend = VDI_BACKEND (fixture->vc);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_set_up_with (fixture, scenario);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->vc);
  /* Let the Logout go out before the simulator stops. */
  bt_iterate (50);
  sim_fixture_stop (&fixture->sim);
}

static gint64
count_requests (Fixture    *fixture,
                const char *method)
{
  g_autoptr(JsonNode) node = sim_control_get (&fixture->sim, "/counters");
  JsonObject *providers = json_object_get_object_member (json_node_get_object (node), "providers");
  JsonObject *vc = json_object_get_object_member (providers, VC);
  JsonObject *requests = json_object_get_object_member (vc, "requests");

  return json_object_has_member (requests, method)
           ? json_object_get_int_member (requests, method) : 0;
}

static const char *
vm_id (Fixture    *fixture,
       const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = bt_list_vms (fixture->backend, &error);
  VdiVmInfo *vm;
  static char id[256];

  g_assert_no_error (error);
  vm = bt_find_vm (vms, name);
  g_assert_nonnull (vm);
  g_strlcpy (id, vdi_vm_info_get_id (vm), sizeof id);
  return id;
}

static char *
datastore_id (Fixture    *fixture,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datastores = bt_list_datastores (fixture->backend, &error);
  VdiDatastoreInfo *ds;

  g_assert_no_error (error);
  ds = bt_find_datastore (datastores, name);
  g_assert_nonnull (ds);
  return g_strdup (vdi_datastore_info_get_id (ds));
}

/* Tests ------------------------------------------------------------------------------------------ */

static void
test_probe (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (fixture->backend, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (version, "VMware vCenter Server"));
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 1);
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VdiVcenterBackend) vc = make_backend (fixture, "not-the-password");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (VDI_BACKEND (vc), &error);
  g_autoptr(GPtrArray) vms = NULL;

  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_null (version);
  g_clear_error (&error);

  vms = bt_list_vms (VDI_BACKEND (vc), &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_null (vms);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = bt_list_vms (fixture->backend, &error);
  g_autoptr(GPtrArray) datastores = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  VdiDatastoreInfo *ds;
  VdiVmInfo *vm;

  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 3);

  vm = bt_find_vm (vms, "tpl-win11");
  g_assert_nonnull (vm);
  g_assert_true (vdi_vm_info_get_is_template (vm));
  g_assert_false (vdi_vm_info_get_powered_on (vm));
  g_assert_cmpuint (vdi_vm_info_get_disk_bytes (vm), ==, 40 * GIB);
  g_assert_cmpstr (vdi_vm_info_get_host (vm), ==, "esx-01");
  g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, "ds-main");
  g_assert_nonnull (vdi_vm_info_get_datastore_id (vm));

  vm = bt_find_vm (vms, "vdi-001");
  g_assert_nonnull (vm);
  g_assert_false (vdi_vm_info_get_is_template (vm));
  g_assert_true (vdi_vm_info_get_powered_on (vm));
  g_assert_cmpuint (vdi_vm_info_get_disk_bytes (vm), ==, 30 * GIB);
  g_assert_cmpstr (vdi_vm_info_get_host (vm), ==, "esx-02");
  g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, "ds-nfs");

  datastores = bt_list_datastores (fixture->backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datastores->len, ==, 4);
  ds = bt_find_datastore (datastores, "ds-main");
  g_assert_nonnull (ds);
  g_assert_cmpstr (vdi_datastore_info_get_kind (ds), ==, "VMFS");
  g_assert_cmpuint (vdi_datastore_info_get_capacity (ds), ==, 2048 * GIB);
  g_assert_true (vdi_datastore_info_get_accessible (ds));
  ds = bt_find_datastore (datastores, "ds-full");
  g_assert_nonnull (ds);
  g_assert_cmpstr (vdi_datastore_info_get_kind (ds), ==, "NFS");
  g_assert_cmpuint (vdi_datastore_info_get_free_space (ds), ==, 5 * GIB);
  ds = bt_find_datastore (datastores, "ds-down");
  g_assert_nonnull (ds);
  g_assert_false (vdi_datastore_info_get_accessible (ds));

  hosts = bt_list_hosts (fixture->backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hosts->len, ==, 2);
  for (guint i = 0; i < hosts->len; i++)
    {
      VdiHostInfo *host = g_ptr_array_index (hosts, i);

      g_assert_true (g_str_has_prefix (vdi_host_info_get_name (host), "esx-0"));
      g_assert_true (vdi_host_info_get_connected (host));
    }

  /* One session for everything; every view destroyed. */
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 1);
  bt_iterate (50);
  g_assert_cmpint (count_requests (fixture, "DestroyView"), ==,
                   count_requests (fixture, "CreateContainerView"));
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  GString *json = g_string_new ("{ \"vcenters\": [ { \"name\": \"" VC "\","
                                " \"user\": \"administrator@vsphere.local\","
                                " \"password\": \"VMware1!&<x>\\\"\", \"hosts\": [ \"esx-01\" ],"
                                " \"datastores\": [ { \"name\": \"ds\", \"capacity_gb\": 100 } ],"
                                " \"vms\": [ ");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  for (guint i = 0; i < 23; i++)
    g_string_append_printf (json, "%s{ \"name\": \"vm-%02u\", \"disk_gb\": 1 }", i > 0 ? "," : "", i);
  g_string_append (json, " ] } ] }");
  fixture_set_up_with (fixture, json->str);
  g_string_free (json, TRUE);

  vdi_vcenter_backend_set_max_objects (fixture->vc, 5);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 23);
  for (guint i = 0; i < 23; i++)
    {
      g_autofree char *name = g_strdup_printf ("vm-%02u", i);

      g_assert_nonnull (bt_find_vm (vms, name));
    }
  g_assert_cmpint (count_requests (fixture, "ContinueRetrievePropertiesEx"), ==, 4);
}

static void
test_clone (Fixture       *fixture,
            gconstpointer  data)
{
  const char *template_id = vm_id (fixture, "tpl-win11");
  g_autofree char *template = g_strdup (template_id);
  const char *targets[] = { "ds-main", "ds-nfs" };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      for (int linked = 0; linked <= 1; linked++)
        {
          g_autofree char *ds = datastore_id (fixture, targets[i]);
          g_autofree char *name = g_strdup_printf ("clone <%s> & %s", targets[i],
                                                   linked ? "linked" : "full");
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) vms = NULL;
          ProgressLog log = { 0, 0 };
          g_autofree char *clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                                           g_variant_new ("(sssb)", template, name, ds, linked),
                                           &log, &error);
          VdiVmInfo *vm;

          g_assert_no_error (error);
          g_assert_nonnull (clone);
          g_assert_cmpuint (log.calls, >=, 1);
          g_assert_cmpfloat (log.last, ==, 100);

          vms = bt_list_vms (fixture->backend, &error);
          g_assert_no_error (error);
          vm = bt_find_vm_by_id (vms, clone);
          g_assert_nonnull (vm);
          g_assert_cmpstr (vdi_vm_info_get_name (vm), ==, name);
          g_assert_cmpstr (vdi_vm_info_get_datastore (vm), ==, targets[i]);
          g_assert_false (vdi_vm_info_get_is_template (vm));
          g_assert_false (vdi_vm_info_get_powered_on (vm));
        }
    }

  /* The long clone showed progress before the end. */
  {
    g_autofree char *ds = datastore_id (fixture, "ds-main");
    g_autoptr(GError) error = NULL;
    ProgressLog log = { 0, 0 };
    g_autofree char *clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                                     g_variant_new ("(sssb)", template, "slow", ds, FALSE),
                                     &log, &error);

    g_assert_no_error (error);
    g_assert_nonnull (clone);
    g_assert_cmpuint (log.calls, >=, 2);
  }

  /* Followed by long-polling, at most one status request a second. */
  g_assert_cmpint (count_requests (fixture, "WaitForUpdatesEx"), >, 0);
}

static void
test_clone_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *template = g_strdup (vm_id (fixture, "tpl-win11"));
  g_autofree char *full = datastore_id (fixture, "ds-full");
  g_autofree char *down = datastore_id (fixture, "ds-down");
  g_autoptr(GError) error = NULL;
  g_autofree char *clone = NULL;

  clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                  g_variant_new ("(sssb)", template, "too-big", full, FALSE), NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "NoDiskSpace"));
  g_assert_null (clone);
  g_clear_error (&error);

  clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                  g_variant_new ("(sssb)", template, "nowhere", down, FALSE), NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "InvalidDatastore"));
  g_clear_error (&error);

  /* A fault the task reports, in the provider's words. */
  sim_control_post (&fixture->sim, "/providers/" VC "/faults",
                    "{\"method\": \"CloneVM_Task\", \"count\": 1, \"fault\": \"task:NoDiskSpace\","
                    " \"message\": \"Insufficient disk space on datastore 'ds-main'.\"}");
  {
    g_autofree char *ds = datastore_id (fixture, "ds-main");

    clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                    g_variant_new ("(sssb)", template, "injected", ds, FALSE), NULL, &error);
  }
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "Insufficient disk space"));
}

static void
test_mark (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *id = g_strdup (vm_id (fixture, "vdi-002"));
  g_autofree char *running = g_strdup (vm_id (fixture, "vdi-001"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  g_assert_true (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                          g_variant_new ("(s)", id), &error));
  g_assert_no_error (error);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_true (vdi_vm_info_get_is_template (bt_find_vm_by_id (vms, id)));
  g_clear_pointer (&vms, g_ptr_array_unref);

  /* Twice is the vCenter's NotSupported. */
  g_assert_false (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                           g_variant_new ("(s)", id), &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_clear_error (&error);

  g_assert_true (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_VM, g_variant_new ("(s)", id),
                          &error));
  g_assert_no_error (error);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_false (vdi_vm_info_get_is_template (bt_find_vm_by_id (vms, id)));
  g_assert_cmpstr (vdi_vm_info_get_host (bt_find_vm_by_id (vms, id)), ==, "esx-01");

  /* A running VM cannot become a template. */
  g_assert_false (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                           g_variant_new ("(s)", running), &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "Powered on"));
}

static void
test_power_destroy (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = g_strdup (vm_id (fixture, "vdi-002"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  g_autofree char *result = NULL;

  result = bt_run (fixture->backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, TRUE),
                   NULL, &error);
  g_assert_no_error (error);
  g_assert_null (result);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_true (vdi_vm_info_get_powered_on (bt_find_vm_by_id (vms, id)));
  g_clear_pointer (&vms, g_ptr_array_unref);

  /* Destroying a running VM fails inside the task. */
  result = bt_run (fixture->backend, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", id), NULL,
                   &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_clear_error (&error);

  result = bt_run (fixture->backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, FALSE),
                   NULL, &error);
  g_assert_no_error (error);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_false (vdi_vm_info_get_powered_on (bt_find_vm_by_id (vms, id)));
  g_clear_pointer (&vms, g_ptr_array_unref);

  result = bt_run (fixture->backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, FALSE),
                   NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROVIDER_FAULT);
  g_assert_nonnull (strstr (error->message, "InvalidPowerState"));
  g_clear_error (&error);

  result = bt_run (fixture->backend, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", id), NULL,
                   &error);
  g_assert_no_error (error);
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_no_error (error);
  g_assert_null (bt_find_vm_by_id (vms, id));
  g_assert_cmpuint (vms->len, ==, 2);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *ds = datastore_id (fixture, "ds-main");
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  g_autoptr(VdiBackendJob) task = vdi_backend_job_new ("Task", "task-<none>");
  g_autofree char *result = NULL;

  job = bt_start (fixture->backend, VDI_BACKEND_OP_DESTROY, g_variant_new ("(s)", "vm-<none>&"),
                  &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_assert_null (job);
  g_clear_error (&error);

  job = bt_start (fixture->backend, VDI_BACKEND_OP_CLONE,
                  g_variant_new ("(sssb)", "vm-none", "x", ds, FALSE), &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_TEMPLATE,
                           g_variant_new ("(s)", "vm-none"), &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (bt_call (fixture->backend, VDI_BACKEND_OP_MARK_VM,
                           g_variant_new ("(s)", "vm-none"), &error));
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  result = bt_follow (fixture->backend, task, NULL, NULL, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_NOT_FOUND);
}

static void
test_not_supported (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *operations[] = {
    VDI_BACKEND_OP_EXPORT, VDI_BACKEND_OP_IMPORT, VDI_BACKEND_OP_REALIZE, VDI_BACKEND_OP_MIGRATE
  };
  g_autoptr(VdiBackendJob) hyperv = vdi_backend_job_new ("Msvm_ConcreteJob", "1234");
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      g_autoptr(VdiBackendJob) job = bt_start (fixture->backend, operations[i],
                                               g_variant_new ("(ss)", "a", "b"), &error);

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_clear_error (&error);
    }

  g_assert_false (bt_call (fixture->backend, VDI_BACKEND_OP_CLONE,
                           g_variant_new ("(sssb)", "a", "b", "c", FALSE), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  result = bt_follow (fixture->backend, hyperv, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* Wrong parameters are the caller's bug, not the vCenter's. */
  {
    g_autoptr(VdiBackendJob) job = bt_start (fixture->backend, VDI_BACKEND_OP_DESTROY,
                                             g_variant_new ("(sb)", "a", TRUE), &error);

    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

typedef struct
{
  VdiBackend *backend;
  GPtrArray  *results;
} ConcurrentData;

static void
concurrent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ConcurrentData *data = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = vdi_backend_list_datastores_finish (VDI_BACKEND (object), result, &error);

  g_assert_no_error (error);
  g_ptr_array_add (data->results, list);
}

static void
test_relogin (Fixture       *fixture,
              gconstpointer  data)
{
  ConcurrentData concurrent = { fixture->backend,
                                g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) datastores = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  g_autofree char *id = NULL;
  g_autofree char *result = NULL;
  guint waited = 0;

  /* Concurrent first calls share one login. */
  for (guint i = 0; i < 4; i++)
    vdi_backend_list_datastores_async (fixture->backend, NULL, concurrent_cb, &concurrent);
  while (concurrent.results->len < 4 && waited++ < BACKEND_TEST_TIMEOUT_MS / 10)
    bt_iterate (10);
  g_assert_cmpuint (concurrent.results->len, ==, 4);
  g_ptr_array_unref (concurrent.results);
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 1);

  /* The session is lost: one new login, and the call goes through. */
  sim_control_post (&fixture->sim, "/providers/" VC "/faults",
                    "{\"method\": \"CreateContainerView\", \"count\": 1,"
                    " \"fault\": \"NotAuthenticated\", \"message\": \"The session is not authenticated.\"}");
  datastores = bt_list_datastores (fixture->backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (datastores->len, ==, 4);
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 2);

  /* Lost twice in a row: the second is an error, not a loop. */
  sim_control_post (&fixture->sim, "/providers/" VC "/faults",
                    "{\"method\": \"CreateContainerView\", \"count\": 2,"
                    " \"fault\": \"NotAuthenticated\", \"message\": \"The session is not authenticated.\"}");
  vms = bt_list_vms (fixture->backend, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_null (vms);
  g_clear_error (&error);
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 3);

  /* Lost while following a task. */
  id = g_strdup (vm_id (fixture, "vdi-002"));
  sim_control_post (&fixture->sim, "/providers/" VC "/faults",
                    "{\"method\": \"RetrievePropertiesEx\", \"count\": 1,"
                    " \"fault\": \"NotAuthenticated\", \"message\": \"The session is not authenticated.\"}");
  result = bt_run (fixture->backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, TRUE),
                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_requests (fixture, "Login"), ==, 4);
}

static void
test_offline_refuse (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (fixture->backend, &error);
  g_autoptr(GPtrArray) datastores = NULL;

  g_assert_no_error (error);
  sim_control_post (&fixture->sim, "/providers/" VC "/offline", "{\"mode\": \"refuse\"}");
  g_clear_pointer (&version, g_free);
  version = bt_probe (fixture->backend, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
  g_clear_error (&error);
  datastores = bt_list_datastores (fixture->backend, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_UNREACHABLE);
  g_clear_error (&error);

  sim_control_post (&fixture->sim, "/providers/" VC "/online", "{}");
  datastores = bt_list_datastores (fixture->backend, &error);
  g_assert_no_error (error);
}

static void
test_offline_hang (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GPtrArray) datastores = NULL;

  vdi_vcenter_backend_set_timeout (fixture->vc, 1);
  sim_control_post (&fixture->sim, "/providers/" VC "/offline", "{\"mode\": \"hang\"}");
  version = bt_probe (fixture->backend, &error);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_TIMED_OUT);
  g_clear_error (&error);

  sim_control_post (&fixture->sim, "/providers/" VC "/online", "{}");
  vdi_vcenter_backend_set_timeout (fixture->vc, 0);
  datastores = bt_list_datastores (fixture->backend, &error);
  g_assert_no_error (error);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  const char *kinds[] = { "truncated", "malformed", "content-type", "empty-500", "xml-bomb",
                          "huge" };
  g_autoptr(GError) error = NULL;
  g_autofree char *version = bt_probe (fixture->backend, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      /* "huge": a well-formed answer larger than any genuine one (the parser's bound is 64 MiB). */
      g_autofree char *json = g_strdup_printf ("{\"kind\": \"%s\", \"count\": 1, \"size_mb\": 65,"
                                               " \"method\": \"RetrievePropertiesEx\"}", kinds[i]);
      g_autoptr(GPtrArray) datastores = NULL;

      sim_control_post (&fixture->sim, "/providers/" VC "/corrupt", json);
      datastores = bt_list_datastores (fixture->backend, &error);
      if (!g_error_matches (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL))
        g_error ("%s: expected a protocol error, got %s", kinds[i],
                 error != NULL ? error->message : "success");
      g_assert_null (datastores);
      g_clear_error (&error);

      /* Nothing stays broken. */
      datastores = bt_list_datastores (fixture->backend, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (datastores->len, ==, 4);
    }

  /* A corrupt answer to a task's status. */
  {
    g_autofree char *id = g_strdup (vm_id (fixture, "vdi-002"));
    g_autofree char *result = NULL;

    sim_control_post (&fixture->sim, "/providers/" VC "/corrupt",
                      "{\"kind\": \"malformed\", \"count\": 1, \"method\": \"WaitForUpdatesEx\"}");
    sim_control_post (&fixture->sim, "/providers/" VC "/corrupt",
                      "{\"kind\": \"malformed\", \"count\": 1, \"method\": \"RetrievePropertiesEx\"}");
    result = bt_run (fixture->backend, VDI_BACKEND_OP_POWER, g_variant_new ("(sb)", id, TRUE),
                     NULL, &error);
    g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_PROTOCOL);
  }
}

static void
cancel_on_progress (double   percent,
                    guint64  bytes_done,
                    guint64  bytes_total,
                    gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
follow_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autofree char *id = vdi_backend_follow_finish (VDI_BACKEND (object), result, error);

  g_assert_null (id);
  g_assert_nonnull (*error);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *template = g_strdup (vm_id (fixture, "tpl-win11"));
  g_autofree char *ds = datastore_id (fixture, "ds-main");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) job = NULL;
  guint waited = 0;

  job = bt_start (fixture->backend, VDI_BACKEND_OP_CLONE,
                  g_variant_new ("(sssb)", template, "cancelled", ds, FALSE), &error);
  g_assert_no_error (error);

  /* Cancelled at the first progress, mid-task, while a long poll is out or a wait is due. */
  vdi_backend_follow_async (fixture->backend, job, cancel_on_progress, cancellable, cancellable,
                            follow_cb, &error);
  while (error == NULL && waited++ < BACKEND_TEST_TIMEOUT_MS / 10)
    bt_iterate (10);
  g_assert_nonnull (error);
  g_assert_true (vdi_backend_error_is_cancelled (error));
  g_clear_error (&error);

  /* Cancelled before it starts. */
  {
    g_autoptr(GCancellable) early = g_cancellable_new ();

    waited = 0;
    g_cancellable_cancel (early);
    vdi_backend_follow_async (fixture->backend, job, NULL, NULL, early, follow_cb, &error);
    while (error == NULL && waited++ < BACKEND_TEST_TIMEOUT_MS / 10)
      bt_iterate (10);
    g_assert_true (vdi_backend_error_is_cancelled (error));
  }

  bt_iterate (100);
  g_assert_cmpint (count_requests (fixture, "CancelTask"), >=, 1);
}

static void
test_polling_fallback (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *template = g_strdup (vm_id (fixture, "tpl-win11"));
  g_autofree char *ds = datastore_id (fixture, "ds-nfs");
  g_autoptr(GError) error = NULL;
  g_autofree char *clone = NULL;
  ProgressLog log = { 0, 0 };

  sim_control_post (&fixture->sim, "/providers/" VC "/faults",
                    "{\"method\": \"CreatePropertyCollector\", \"count\": 1,"
                    " \"fault\": \"MethodNotFound\", \"message\": \"not here\"}");
  clone = bt_run (fixture->backend, VDI_BACKEND_OP_CLONE,
                  g_variant_new ("(sssb)", template, "polled", ds, FALSE), &log, &error);
  g_assert_no_error (error);
  g_assert_nonnull (clone);
  g_assert_cmpuint (log.calls, >=, 1);
  g_assert_cmpint (count_requests (fixture, "WaitForUpdatesEx"), ==, 0);
}

/* Asserts that @vm has exactly the running task @expected (none if NULL). */
static void
assert_running_jobs (Fixture             *fixture,
                     const char          *vm,
                     const VdiBackendJob *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = bt_find_running_jobs (fixture->backend, vm, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (running->len, ==, expected != NULL ? 1 : 0);
  if (expected == NULL)
    return;
  g_assert_cmpstr (vdi_backend_job_get_kind (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_kind (expected));
  g_assert_cmpstr (vdi_backend_job_get_id (g_ptr_array_index (running, 0)), ==,
                   vdi_backend_job_get_id (expected));
}

/* A clone still running is its source VM's running task (TaskManager.recentTask, filtered by
 * info.entity), and no other VM's; once it ends, the source has none. Simulated time nearly
 * stands still while the clone must run. */
static void
test_find_running_jobs (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *template = g_strdup (vm_id (fixture, "tpl-win11"));
  g_autofree char *other = g_strdup (vm_id (fixture, "vdi-002"));
  g_autofree char *ds = datastore_id (fixture, "ds-main");
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiBackendJob) clone = NULL;
  g_autofree char *made = NULL;

  assert_running_jobs (fixture, template, NULL);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 0.001}");
  clone = bt_start (fixture->backend, VDI_BACKEND_OP_CLONE,
                    g_variant_new ("(sssb)", template, "held", ds, FALSE), &error);
  g_assert_no_error (error);
  assert_running_jobs (fixture, template, clone);
  assert_running_jobs (fixture, other, NULL);

  sim_control_post (&fixture->sim, "time-scale", "{\"time_scale\": 60}");
  made = bt_follow (fixture->backend, clone, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_running_jobs (fixture, template, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/backends/vcenter/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("probe", test_probe);
  ADD ("wrong-password", test_wrong_password);
  ADD ("list", test_list);
  g_test_add ("/backends/vcenter/paging", Fixture, NULL, NULL, test_paging, fixture_tear_down);
  ADD ("clone", test_clone);
  ADD ("clone-errors", test_clone_errors);
  ADD ("mark", test_mark);
  ADD ("power-destroy", test_power_destroy);
  ADD ("not-found", test_not_found);
  ADD ("not-supported", test_not_supported);
  ADD ("relogin", test_relogin);
  ADD ("offline-refuse", test_offline_refuse);
  ADD ("offline-hang", test_offline_hang);
  ADD ("corrupt", test_corrupt);
  ADD ("cancel", test_cancel);
  ADD ("polling-fallback", test_polling_fallback);
  ADD ("find-running-jobs", test_find_running_jobs);

  return g_test_run ();
}
