/* vdi-test-resolver.c: tests do not wait on DNS.
 *
 * Every program linked with the test helpers gets, before main(), a default GResolver that
 * answers loopback names itself and fails the test loudly (a critical, fatal in a GTest program)
 * on any other lookup: a test that reaches for "hv-0001.farm.example.com" waits on whatever
 * resolver the machine has, and on a machine with no network may wait for its timeouts. Tests
 * reach their services (the simulator, vcsim, a KDC) at 127.0.0.1 or on a Unix socket.
 *
 * GLib answers IP literals and "localhost" without asking the resolver; this one sees only
 * real names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#define VDI_TYPE_TEST_RESOLVER (vdi_test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (VdiTestResolver, vdi_test_resolver, VDI, TEST_RESOLVER, GResolver)

struct _VdiTestResolver
{
  GResolver  parent_instance;
};

G_DEFINE_FINAL_TYPE (VdiTestResolver, vdi_test_resolver, G_TYPE_RESOLVER)

static gboolean
is_loopback_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  gsize len;

  /* "localhost." is the same name. */
  len = strlen (lower);
  if (len > 0 && lower[len - 1] == '.')
    lower[len - 1] = '\0';
  return g_str_equal (lower, "localhost") || g_str_has_suffix (lower, ".localhost");
}

static GList *
loopback_addresses (GResolverNameLookupFlags flags)
{
  GList *addresses = NULL;

  if (flags != G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY)
    addresses = g_list_append (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6));
  if (flags != G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY)
    addresses = g_list_append (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
  return addresses;
}

/* The test fails here, at the caller of the lookup; without fatal criticals it still gets an
 * immediate answer rather than a wait. */
static void
refuse (GError    **error,
        const char *kind,
        const char *what)
{
  g_critical ("A test asked DNS for the %s of \"%s\": tests must not depend on DNS. Reach test "
              "services at 127.0.0.1, and give generated providers loopback addresses.",
              kind, what);
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "Tests do not look up \"%s\" in DNS", what);
}

static GList *
lookup_by_name_with_flags (GResolver                 *resolver,
                           const char                *hostname,
                           GResolverNameLookupFlags   flags,
                           GCancellable              *cancellable,
                           GError                   **error)
{
  if (is_loopback_name (hostname))
    return loopback_addresses (flags);

  refuse (error, "address", hostname);
  return NULL;
}

static GList *
lookup_by_name (GResolver     *resolver,
                const char    *hostname,
                GCancellable  *cancellable,
                GError       **error)
{
  return lookup_by_name_with_flags (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                    cancellable, error);
}

static void
lookup_by_name_with_flags_async (GResolver                *resolver,
                                 const char               *hostname,
                                 GResolverNameLookupFlags  flags,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses;

  g_task_set_source_tag (task, lookup_by_name_with_flags_async);
  addresses = lookup_by_name_with_flags (resolver, hostname, flags, cancellable, &error);
  if (addresses != NULL)
    g_task_return_pointer (task, addresses, (GDestroyNotify)g_resolver_free_addresses);
  else
    g_task_return_error (task, error);
}

static void
lookup_by_name_async (GResolver           *resolver,
                      const char          *hostname,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  lookup_by_name_with_flags_async (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                   cancellable, callback, user_data);
}

static GList *
lookup_finish (GResolver     *resolver,
               GAsyncResult  *result,
               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
lookup_by_address (GResolver     *resolver,
                   GInetAddress  *address,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_is_loopback (address))
    return g_strdup ("localhost");

  refuse (error, "name", text);
  return NULL;
}

static void
lookup_by_address_async (GResolver           *resolver,
                         GInetAddress        *address,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  char *name;

  g_task_set_source_tag (task, lookup_by_address_async);
  name = lookup_by_address (resolver, address, cancellable, &error);
  if (name != NULL)
    g_task_return_pointer (task, name, g_free);
  else
    g_task_return_error (task, error);
}

static char *
lookup_by_address_finish (GResolver     *resolver,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
lookup_records (GResolver            *resolver,
                const char           *rrname,
                GResolverRecordType   record_type,
                GCancellable         *cancellable,
                GError              **error)
{
  refuse (error, "records", rrname);
  return NULL;
}

static void
lookup_records_async (GResolver           *resolver,
                      const char          *rrname,
                      GResolverRecordType  record_type,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, lookup_records_async);
  lookup_records (resolver, rrname, record_type, cancellable, &error);
  g_task_return_error (task, error);
}

static void
vdi_test_resolver_class_init (VdiTestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = lookup_by_name;
  resolver_class->lookup_by_name_async = lookup_by_name_async;
  resolver_class->lookup_by_name_finish = lookup_finish;
  resolver_class->lookup_by_name_with_flags = lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = lookup_finish;
  resolver_class->lookup_by_address = lookup_by_address;
  resolver_class->lookup_by_address_async = lookup_by_address_async;
  resolver_class->lookup_by_address_finish = lookup_by_address_finish;
  /* Service lookups go through the record lookups. */
  resolver_class->lookup_records = lookup_records;
  resolver_class->lookup_records_async = lookup_records_async;
  resolver_class->lookup_records_finish = lookup_finish;
}

static void
vdi_test_resolver_init (VdiTestResolver *self)
{
}

__attribute__((constructor)) static void
install_test_resolver (void)
{
  g_autoptr(GResolver) resolver = g_object_new (VDI_TYPE_TEST_RESOLVER, NULL);

  g_resolver_set_default (resolver);
}
