/* test-hyperv-kerberos.c: the console authenticates with Kerberos and seals with it, against a
 * real MIT KDC that the test starts in a temporary directory on loopback (realm, user and
 * HTTP/ service principals, the service's keytab for the simulated host, the client's
 * credentials cache in memory). Skips only when the KDC programs are missing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sim-test-util.h"
#include "vdi-backend-error.h"
#include "vdi-hyperv-backend.h"

#define WAIT_MS  30000
#define REALM    "VDI.TEST"
#define PASSWORD "Kerb&<pw>1"

static char *kdc_dir;
static GPid kdc_pid;
static char *skip_reason;

/* %s: more of the host (its HTTPS listener), or nothing. */
static const char scenario_template[] =
  "{ \"time_scale\": 400, \"hyperv_hosts\": ["
  "  { \"name\": \"hv-krb\", \"user\": \"admin\", \"password\": \"unused-by-kerberos\","
  "    \"auth\": [\"negotiate\"], \"allow_unencrypted\": false, %s"
  "    \"vms\": [ { \"name\": \"Win11 Gold\", \"disk_gb\": 40, \"state\": \"off\" } ] } ] }";

/* `openssl x509 -fingerprint -sha256` of tests/providers/data/test-tls.pem. */
#define HOST_FINGERPRINT \
  "69:3B:64:1D:7E:39:31:76:56:6E:1A:41:C2:44:27:82:D0:55:54:BE:F1:80:4C:25:49:73:19:01:57:38:A7:41"

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);
  g_autofree char *sbin = g_build_filename ("/usr/sbin", name, NULL);

  if (path == NULL && g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    path = g_steal_pointer (&sbin);
  return path;
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
}

static gboolean
kdc_listens (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port,
                                                                             NULL, NULL);

  return connection != NULL;
}

/* The realm: configuration, database, principals, keytab, and krb5kdc in the foreground. */
static gboolean
start_kdc (void)
{
  g_autofree char *kdb5_util = find_tool ("kdb5_util");
  g_autofree char *kadmin = find_tool ("kadmin.local");
  g_autofree char *krb5kdc = find_tool ("krb5kdc");
  g_autoptr(GError) error = NULL;
  g_autofree char *krb5_conf = NULL;
  g_autofree char *kdc_conf = NULL;
  g_autofree char *keytab = NULL;
  guint port = free_port ();

  if (kdb5_util == NULL || kadmin == NULL || krb5kdc == NULL)
    {
      skip_reason = g_strdup ("the MIT KDC (krb5-kdc, krb5-admin-server) is not installed");
      return FALSE;
    }

  kdc_dir = g_dir_make_tmp ("vdi-kdc-XXXXXX", &error);
  g_assert_no_error (error);
  krb5_conf = g_build_filename (kdc_dir, "krb5.conf", NULL);
  kdc_conf = g_build_filename (kdc_dir, "kdc.conf", NULL);
  keytab = g_build_filename (kdc_dir, "http.keytab", NULL);

  {
    g_autofree char *text = g_strdup_printf (
      "[libdefaults]\n default_realm = " REALM "\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
      " rdns = false\n dns_canonicalize_hostname = false\n udp_preference_limit = 1\n"
      "[realms]\n " REALM " = {\n  kdc = 127.0.0.1:%u\n }\n"
      "[domain_realm]\n localhost = " REALM "\n", port);

    g_assert_true (g_file_set_contents (krb5_conf, text, -1, NULL));
  }
  {
    g_autofree char *text = g_strdup_printf (
      "[kdcdefaults]\n kdc_listen = 127.0.0.1:%u\n kdc_tcp_listen = 127.0.0.1:%u\n"
      "[realms]\n " REALM " = {\n  database_name = %s/principal\n  key_stash_file = %s/stash\n"
      "  acl_file = %s/kadm5.acl\n }\n", port, port, kdc_dir, kdc_dir, kdc_dir);

    g_assert_true (g_file_set_contents (kdc_conf, text, -1, NULL));
  }

  g_setenv ("KRB5_CONFIG", krb5_conf, TRUE);
  g_setenv ("KRB5_KDC_PROFILE", kdc_conf, TRUE);
  g_setenv ("KRB5CCNAME", "MEMORY:vdi-test", TRUE);
  g_setenv ("KRB5_KTNAME", keytab, TRUE);  /* the simulated host's service keytab */

  {
    const char *create[] = { kdb5_util, "-r", REALM, "-P", "master-key-pw", "create", "-s", NULL };
    const char *user[] = { kadmin, "-r", REALM, "-q", "addprinc -pw " PASSWORD " admin@" REALM, NULL };
    const char *service[] = { kadmin, "-r", REALM, "-q", "addprinc -randkey HTTP/localhost@" REALM, NULL };
    g_autofree char *ktadd_query = g_strdup_printf ("ktadd -k %s HTTP/localhost@" REALM, keytab);
    const char *ktadd[] = { kadmin, "-r", REALM, "-q", ktadd_query, NULL };

    run (create);
    run (user);
    run (service);
    run (ktadd);
  }

  {
    const char *argv[] = { krb5kdc, "-n", "-r", REALM, NULL };

    g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                   NULL, NULL, &kdc_pid, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < 200 && !kdc_listens (port); i++)
    g_usleep (50000);
  g_assert_true (kdc_listens (port));
  return TRUE;
}

static void
stop_kdc (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (kdc_pid != 0)
    {
      kill (kdc_pid, SIGTERM);
      waitpid (kdc_pid, NULL, 0);
      g_spawn_close_pid (kdc_pid);
    }
  if (kdc_dir == NULL)
    return;
  dir = g_dir_open (kdc_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (kdc_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (kdc_dir);
}

/* The tests ---------------------------------------------------------------------------------- */

typedef struct
{
  SimFixture   sim;
  VdiProvider *provider;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *scenario = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  if (skip_reason != NULL)
    return;
  scenario = g_strdup_printf (scenario_template, "");
  sim_fixture_start (&fixture->sim, scenario);
  url = sim_provider_url (&fixture->sim, "hv-krb");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  /* Kerberos needs the host's name (its SPN is HTTP/localhost), not its address. */
  fixture->provider = vdi_provider_new ("id-krb", "hv-krb", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
                                        "localhost", g_uri_get_port (uri));
  vdi_provider_set_username (fixture->provider, "admin@" REALM);
  vdi_provider_set_allow_http (fixture->provider, TRUE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (skip_reason != NULL)
    return;
  g_clear_object (&fixture->provider);
  sim_fixture_stop (&fixture->sim);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GPtrArray *
list_vms (VdiBackend  *backend,
          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint timeout = g_timeout_add (WAIT_MS, timeout_cb, (gpointer) "list vms");

  vdi_backend_list_vms_async (backend, NULL, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return vdi_backend_list_vms_finish (backend, result, error);
}

static guint
counter (Fixture    *fixture,
         const char *name)
{
  VdiSimProvider *host = vdi_sim_world_find_provider (fixture->sim.world, "hv-krb");

  return GPOINTER_TO_UINT (g_hash_table_lookup (host->requests, name));
}

static void
test_kerberos (Fixture       *fixture,
               gconstpointer  data)
{
  const char *auth = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = NULL;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  vdi_provider_set_auth (fixture->provider, auth);
  backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) vms = list_vms (VDI_BACKEND (backend), &error);

      g_assert_no_error (error);
      g_assert_cmpuint (vms->len, ==, 1);
    }
  g_assert_cmpstr (vdi_hyperv_backend_get_auth_label (backend), ==, "Kerberos");
  /* One leg: the AP-REQ, answered with the AP-REP in the 200 that ends the handshake. */
  g_assert_cmpuint (counter (fixture, "(negotiate)"), ==, 1);
  g_assert_cmpuint (counter (fixture, "(bad seal)"), ==, 0);
  g_assert_cmpuint (counter (fixture, "(unencrypted)"), ==, 0);
}

/* Over HTTPS to a host with Extended Protection: the AP-REQ carries the channel binding of the
 * host's certificate, which the MIT acceptor checks, and messages are sealed as over HTTP. */
static void
test_https (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "providers", "data", "test-tls.pem",
                                                NULL);
  g_autofree char *pem_json = g_strescape (pem, NULL);
  g_autofree char *https = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = NULL;
  g_autoptr(GPtrArray) vms = NULL;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  /* This case's own host: the fixture's listens on HTTP. */
  sim_fixture_stop (&fixture->sim);
  https = g_strdup_printf ("\"tls_certificate\": \"%s\", \"extended_protection\": true,", pem_json);
  scenario = g_strdup_printf (scenario_template, https);
  sim_fixture_start (&fixture->sim, scenario);
  url = sim_provider_url (&fixture->sim, "hv-krb");
  g_assert_true (g_str_has_prefix (url, "https://"));
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  vdi_provider_set_port (fixture->provider, g_uri_get_port (uri));
  vdi_provider_set_allow_http (fixture->provider, FALSE);
  vdi_provider_set_tls_fingerprint (fixture->provider, HOST_FINGERPRINT);
  vdi_provider_set_auth (fixture->provider, "kerberos");

  backend = vdi_hyperv_backend_new (fixture->provider, PASSWORD, &error);
  g_assert_no_error (error);
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vms->len, ==, 1);
  g_assert_cmpstr (vdi_hyperv_backend_get_auth_label (backend), ==, "Kerberos");
  g_assert_cmpuint (counter (fixture, "(bad seal)"), ==, 0);
  g_assert_cmpuint (counter (fixture, "(unencrypted)"), ==, 0);
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiHypervBackend) backend = NULL;
  g_autoptr(GPtrArray) vms = NULL;
  gint64 started;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  vdi_provider_set_auth (fixture->provider, "kerberos");
  backend = vdi_hyperv_backend_new (fixture->provider, "not-the-password", &error);
  g_assert_no_error (error);
  started = g_get_monotonic_time ();
  vms = list_vms (VDI_BACKEND (backend), &error);
  g_assert_null (vms);
  g_assert_error (error, VDI_BACKEND_ERROR, VDI_BACKEND_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "refused the user name or password"));
  g_test_message ("refused in %.3f s: %s", (g_get_monotonic_time () - started) / 1e6, error->message);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!start_kdc ())
    g_test_message ("SKIP: %s", skip_reason);

  g_test_add ("/backends/hyperv-kerberos/kerberos", Fixture, "kerberos", fixture_setup,
              test_kerberos, fixture_teardown);
  g_test_add ("/backends/hyperv-kerberos/negotiate-picks-kerberos", Fixture, "negotiate",
              fixture_setup, test_kerberos, fixture_teardown);
  g_test_add ("/backends/hyperv-kerberos/https-extended-protection", Fixture, NULL, fixture_setup,
              test_https, fixture_teardown);
  g_test_add ("/backends/hyperv-kerberos/wrong-password", Fixture, NULL, fixture_setup,
              test_wrong_password, fixture_teardown);
  status = g_test_run ();

  stop_kdc ();
  g_free (skip_reason);
  g_free (kdc_dir);
  return status;
}
