/* test-model.c: the farm's objects and the rules of DESIGN §1 and §2.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-core.h"

static VdiProvider *
make_provider (const char         *name,
               VdiProviderSubtype  subtype)
{
  g_autofree char *id = g_strdup_printf ("id-%s", name);
  g_autofree char *host = g_strdup_printf ("%s.example.test", name);

  return vdi_provider_new (id, name, subtype, host, vdi_provider_subtype_default_port (subtype));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Farm files and vdictl spell values by these nicks: they must never change. Each label comes
 * from its enum's own label function. */
static void
test_enum_nicks_and_labels (void)
{
  static const struct
  {
    GType      (*get_type) (void);
    int          value;
    const char  *nick;
    const char  *label;
  } expected[] = {
    { vdi_provider_type_get_type, VDI_PROVIDER_TYPE_HYPERV,
      "hyperv", "Microsoft Hyper-V" },
    { vdi_provider_type_get_type, VDI_PROVIDER_TYPE_VCENTER,
      "vcenter", "VMware vCenter" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE,
      "hyperv-standalone", "Standalone" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER,
      "hyperv-failover-cluster", "Failover Cluster" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_VCENTER_6_5,
      "vcenter-6.5", "vCenter 6.5" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_VCENTER_6_7,
      "vcenter-6.7", "vCenter 6.7" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_VCENTER_7,
      "vcenter-7", "vCenter 7.x" },
    { vdi_provider_subtype_get_type, VDI_PROVIDER_SUBTYPE_VCENTER_8,
      "vcenter-8", "vCenter 8.0" },
    { vdi_provider_status_get_type, VDI_PROVIDER_STATUS_UNKNOWN,
      "unknown", "Not checked" },
    { vdi_provider_status_get_type, VDI_PROVIDER_STATUS_READY,
      "ready", "Ready" },
    { vdi_provider_status_get_type, VDI_PROVIDER_STATUS_NOT_AVAILABLE,
      "not-available", "Not available" },
    { vdi_template_status_get_type, VDI_TEMPLATE_STATUS_OK,
      "ok", "OK" },
    { vdi_template_status_get_type, VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE,
      "entering-maintenance", "Entering maintenance" },
    { vdi_template_status_get_type, VDI_TEMPLATE_STATUS_MAINTENANCE,
      "maintenance", "Maintenance" },
    { vdi_template_status_get_type, VDI_TEMPLATE_STATUS_LEAVING_MAINTENANCE,
      "leaving-maintenance", "Leaving maintenance" },
    { vdi_template_status_get_type, VDI_TEMPLATE_STATUS_FAILED,
      "failed", "Failed" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_NONE,
      "none", "" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_DISTRIBUTING,
      "distributing", "Distributing" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_OK,
      "ok", "OK" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_ADDING_PROVIDER,
      "adding-provider", "Adding provider" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_REMOVING_PROVIDER,
      "removing-provider", "Removing provider" },
    { vdi_distribution_get_type, VDI_DISTRIBUTION_FAILED,
      "failed", "Failed to distribute" },
    { vdi_target_state_get_type, VDI_TARGET_STATE_READY,
      "ready", "Ready" },
    { vdi_target_state_get_type, VDI_TARGET_STATE_NOT_AVAILABLE,
      "not-available", "Not available" },
    { vdi_target_state_get_type, VDI_TARGET_STATE_NEEDS_UPDATE,
      "needs-update", "Needs update" },
    { vdi_target_step_get_type, VDI_TARGET_STEP_NONE,
      "none", "Not started" },
    { vdi_target_step_get_type, VDI_TARGET_STEP_EXPORTED,
      "exported", "Exported" },
    { vdi_target_step_get_type, VDI_TARGET_STEP_IMPORTED,
      "imported", "Imported" },
    { vdi_target_step_get_type, VDI_TARGET_STEP_MIGRATED,
      "migrated", "Copied" },
    { vdi_target_step_get_type, VDI_TARGET_STEP_REGISTERED,
      "registered", "Registered" },
    { vdi_host_state_get_type, VDI_HOST_STATE_CREATING,
      "creating", "Creating" },
    { vdi_host_state_get_type, VDI_HOST_STATE_READY,
      "ready", "Ready" },
    { vdi_host_state_get_type, VDI_HOST_STATE_FAILED,
      "failed", "Failed to create" },
    { vdi_clone_method_get_type, VDI_CLONE_METHOD_FULL,
      "full", "Full clone" },
    { vdi_clone_method_get_type, VDI_CLONE_METHOD_LINKED,
      "linked", "Linked clone" },
    { vdi_datastore_mode_get_type, VDI_DATASTORE_MODE_SOURCE,
      "source", "Datastore of the source VM" },
    { vdi_datastore_mode_get_type, VDI_DATASTORE_MODE_ADDITIONAL,
      "additional", "Additional datastores" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GType type = expected[i].get_type ();
      int value = -1;

      g_assert_cmpstr (vdi_enum_get_nick (type, expected[i].value), ==, expected[i].nick);
      g_assert_true (vdi_enum_from_nick (type, expected[i].nick, &value));
      g_assert_cmpint (value, ==, expected[i].value);
      g_assert_cmpstr (vdi_enum_get_label (type, expected[i].value), ==, expected[i].label);
    }

  g_assert_cmpstr (vdi_clone_method_to_label (VDI_CLONE_METHOD_LINKED), ==, "Linked clone");
  g_assert_cmpstr (vdi_template_status_to_label (VDI_TEMPLATE_STATUS_MAINTENANCE), ==,
                   "Maintenance");
  g_assert_cmpstr (vdi_clone_method_to_label ((VdiCloneMethod) 42), ==, "");
}

static void
test_enums (void)
{
  int value = -1;

  g_assert_cmpstr (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_FAILED), ==,
                   "Failed to distribute");
  g_assert_cmpstr (vdi_enum_get_label (VDI_TYPE_DISTRIBUTION, VDI_DISTRIBUTION_NONE), ==, "");
  g_assert_cmpstr (vdi_enum_get_label (VDI_TYPE_TARGET_STATE, VDI_TARGET_STATE_NEEDS_UPDATE),
                   ==, "Needs update");
  g_assert_cmpstr (vdi_enum_get_label (VDI_TYPE_TEMPLATE_STATUS,
                                       VDI_TEMPLATE_STATUS_ENTERING_MAINTENANCE),
                   ==, "Entering maintenance");
  g_assert_cmpstr (vdi_enum_get_nick (VDI_TYPE_PROVIDER_SUBTYPE,
                                      VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER),
                   ==, "hyperv-failover-cluster");
  g_assert_true (vdi_enum_from_nick (VDI_TYPE_PROVIDER_SUBTYPE, "vcenter-8", &value));
  g_assert_cmpint (value, ==, VDI_PROVIDER_SUBTYPE_VCENTER_8);
  g_assert_false (vdi_enum_from_nick (VDI_TYPE_PROVIDER_SUBTYPE, "vcenter-9", &value));
  g_assert_cmpint (vdi_provider_subtype_get_provider_type (VDI_PROVIDER_SUBTYPE_VCENTER_6_5), ==,
                   VDI_PROVIDER_TYPE_VCENTER);
  g_assert_cmpint (vdi_provider_subtype_get_provider_type (VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE),
                   ==, VDI_PROVIDER_TYPE_HYPERV);
  g_assert_cmpstr (vdi_enum_get_label (VDI_TYPE_PROVIDER_TYPE, VDI_PROVIDER_TYPE_VCENTER), ==,
                   "VMware vCenter");
}

static void
test_provider_notify (void)
{
  g_autoptr(VdiProvider) provider = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autofree char *address = NULL;
  guint n_name = 0, n_type = 0, n_address = 0;

  g_signal_connect (provider, "notify::name", G_CALLBACK (count_notify), &n_name);
  g_signal_connect (provider, "notify::provider-type", G_CALLBACK (count_notify), &n_type);
  g_signal_connect (provider, "notify::address", G_CALLBACK (count_notify), &n_address);

  vdi_provider_set_name (provider, "hv-01");
  g_assert_cmpuint (n_name, ==, 0);
  vdi_provider_set_name (provider, "hv-02");
  g_assert_cmpuint (n_name, ==, 1);

  /* Another Hyper-V subtype keeps the type; a vCenter one changes it. */
  vdi_provider_set_subtype (provider, VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER);
  g_assert_cmpuint (n_type, ==, 0);
  vdi_provider_set_subtype (provider, VDI_PROVIDER_SUBTYPE_VCENTER_7);
  g_assert_cmpuint (n_type, ==, 1);

  vdi_provider_set_port (provider, 443);
  vdi_provider_set_host (provider, "fe80::1");
  g_assert_cmpuint (n_address, ==, 2);
  address = vdi_provider_dup_address (provider);
  g_assert_cmpstr (address, ==, "[fe80::1]:443");
}

static void
test_targets (void)
{
  g_autoptr(VdiProvider) source = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) peer = make_provider ("hv-02", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) cluster =
    make_provider ("hv-cl", VDI_PROVIDER_SUBTYPE_HYPERV_FAILOVER_CLUSTER);
  g_autoptr(VdiProvider) vcenter = make_provider ("vc-01", VDI_PROVIDER_SUBTYPE_VCENTER_8);
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", source, "win11-gold");
  g_autoptr(GError) error = NULL;
  VdiTarget *target;

  g_assert_nonnull (vdi_template_get_id (template));
  g_assert_cmpuint (g_list_model_get_n_items (vdi_template_get_targets (template)), ==, 1);
  g_assert_true (vdi_target_get_is_source (vdi_template_get_source_target (template)));

  /* Not multi-provider yet. */
  g_assert_null (vdi_template_add_target (template, peer, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  g_assert_no_error (error);

  g_assert_null (vdi_template_add_target (template, source, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_IS_SOURCE);
  g_clear_error (&error);

  /* Same type, other subtype. */
  g_assert_null (vdi_template_add_target (template, cluster, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_MISMATCH);
  g_assert_nonnull (strstr (error->message, "Failover Cluster"));
  g_assert_nonnull (strstr (error->message, "Standalone"));
  g_clear_error (&error);

  /* Other type. */
  g_assert_null (vdi_template_add_target (template, vcenter, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_MISMATCH);
  g_clear_error (&error);

  target = vdi_template_add_target (template, peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (target);
  g_assert_cmpint (vdi_target_get_state (target), ==, VDI_TARGET_STATE_NEEDS_UPDATE);
  g_assert_true (vdi_template_find_target (template, peer) == target);

  g_assert_null (vdi_template_add_target (template, peer, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_DUPLICATE);
  g_clear_error (&error);

  g_assert_false (vdi_template_remove_target (template, source, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_TARGET_IS_SOURCE);
  g_clear_error (&error);

  g_assert_true (vdi_template_remove_target (template, peer, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_template_remove_target (template, peer, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND);
}

static void
test_multi_provider_rules (void)
{
  g_autoptr(VdiProvider) hv = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) hv2 = make_provider ("hv-02", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) vc = make_provider ("vc-01", VDI_PROVIDER_SUBTYPE_VCENTER_7);
  g_autoptr(VdiTemplate) on_vcenter = vdi_template_new (NULL, "Linux", vc, "ubuntu-gold");
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", hv, "win11-gold");
  g_autoptr(GError) error = NULL;

  g_assert_false (vdi_template_set_multi_provider (on_vcenter, TRUE, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_UNSUPPORTED);
  g_clear_error (&error);

  /* Before the template exists the setting may change; turning it off drops the targets. */
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, NULL));
  g_assert_nonnull (vdi_template_add_target (template, hv2, NULL));
  g_assert_true (vdi_template_set_multi_provider (template, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vdi_template_get_n_copy_targets (template), ==, 0);

  g_assert_true (vdi_template_set_multi_provider (template, TRUE, NULL));
  vdi_template_lock (template);
  g_assert_false (vdi_template_set_multi_provider (template, FALSE, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_MULTI_PROVIDER_LOCKED);
  g_assert_nonnull (strstr (error->message, "delete the template"));
  g_assert_true (vdi_template_get_multi_provider (template));
  g_clear_error (&error);

  /* Setting the value it already has is not a change. */
  g_assert_true (vdi_template_set_multi_provider (template, TRUE, &error));
  g_assert_no_error (error);

  /* Providers can still come and go. */
  g_assert_nonnull (vdi_template_add_target (template, hv2, &error));
  g_assert_no_error (error);
}

static void
test_concurrency (void)
{
  g_autoptr(VdiProvider) source = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", source, "win11-gold");
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (vdi_template_get_concurrency (template), ==, 1);
  g_assert_false (vdi_template_set_concurrency (template, 2, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONCURRENCY_RANGE);
  g_clear_error (&error);

  vdi_template_set_multi_provider (template, TRUE, NULL);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("hv-%02u", i);
      VdiProvider *peer = make_provider (name, VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);

      g_ptr_array_add (peers, peer);
      g_assert_nonnull (vdi_template_add_target (template, peer, NULL));
    }

  g_assert_false (vdi_template_set_concurrency (template, 0, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONCURRENCY_RANGE);
  g_clear_error (&error);
  g_assert_false (vdi_template_set_concurrency (template, 5, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_CONCURRENCY_RANGE);
  g_assert_nonnull (strstr (error->message, "between 1 and 4"));
  g_clear_error (&error);
  g_assert_true (vdi_template_set_concurrency (template, 4, &error));
  g_assert_no_error (error);

  /* Removing targets keeps the concurrency within range. */
  vdi_template_remove_target (template, g_ptr_array_index (peers, 0), NULL);
  vdi_template_remove_target (template, g_ptr_array_index (peers, 1), NULL);
  g_assert_cmpuint (vdi_template_get_concurrency (template), ==, 2);
}

static void
test_distribution_aggregate (void)
{
  g_autoptr(VdiProvider) source = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) p1 = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) p2 = make_provider ("hv-02", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", source, "win11-gold");
  VdiTarget *t1, *t2;
  guint n_notify = 0;

  /* Single-provider: the cell is empty. */
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_NONE);
  g_assert_cmpfloat (vdi_template_get_distribution_fraction (template), ==, -1);

  vdi_template_set_multi_provider (template, TRUE, NULL);
  t1 = vdi_template_add_target (template, p1, NULL);
  t2 = vdi_template_add_target (template, p2, NULL);
  g_signal_connect (template, "notify::distribution", G_CALLBACK (count_notify), &n_notify);

  /* New targets have no copy yet. */
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_FAILED);

  vdi_target_set_progress (t1, VDI_DISTRIBUTION_DISTRIBUTING);
  vdi_target_update_transfer (t1, 40, 40, 100, 10, 6);
  vdi_target_set_progress (t2, VDI_DISTRIBUTION_DISTRIBUTING);
  vdi_target_update_transfer (t2, 20, 20, 100, 10, 8);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_cmpfloat_with_epsilon (vdi_template_get_distribution_fraction (template), 0.30, 1e-9);

  /* A copy running wins over a failure; a removal wins over a copy; an addition over all. */
  vdi_target_set_progress (t2, VDI_DISTRIBUTION_FAILED);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_cmpfloat_with_epsilon (vdi_template_get_distribution_fraction (template), 0.40, 1e-9);
  vdi_target_set_progress (t2, VDI_DISTRIBUTION_REMOVING_PROVIDER);
  g_assert_cmpint (vdi_template_get_distribution (template), ==,
                   VDI_DISTRIBUTION_REMOVING_PROVIDER);
  vdi_target_set_progress (t1, VDI_DISTRIBUTION_ADDING_PROVIDER);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_ADDING_PROVIDER);

  /* Both done: OK only once every target is Ready. */
  vdi_target_set_progress (t1, VDI_DISTRIBUTION_OK);
  vdi_target_set_progress (t2, VDI_DISTRIBUTION_OK);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_FAILED);
  vdi_target_set_state (t1, VDI_TARGET_STATE_READY);
  vdi_target_set_state (t2, VDI_TARGET_STATE_READY);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_OK);
  g_assert_cmpfloat (vdi_template_get_distribution_fraction (template), ==, -1);

  /* A provider that stops answering. */
  vdi_target_set_state (t2, VDI_TARGET_STATE_NOT_AVAILABLE);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_FAILED);

  /* Removing the failed target leaves the rest OK. */
  vdi_template_remove_target (template, p2, NULL);
  g_assert_cmpint (vdi_template_get_distribution (template), ==, VDI_DISTRIBUTION_OK);

  /* Notifications fire on changes only. */
  g_assert_cmpuint (n_notify, ==, 8);
}

static void
test_hosts (void)
{
  g_autoptr(VdiProvider) source = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", source, "win11-gold");
  g_autoptr(VdiHost) a = vdi_host_new ("VDI-001", source);
  g_autoptr(VdiHost) b = vdi_host_new ("VDI-002", source);

  vdi_template_add_host (template, a);
  vdi_template_add_host (template, b);
  g_assert_cmpuint (vdi_template_get_hosts_total (template), ==, 2);
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 0);

  vdi_host_set_state (a, VDI_HOST_STATE_READY);
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 1);
  vdi_host_set_state (b, VDI_HOST_STATE_FAILED);
  vdi_host_set_last_error (b, "No space left on datastore ds-02");
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 1);

  vdi_template_remove_host (template, a);
  g_assert_cmpuint (vdi_template_get_hosts_ready (template), ==, 0);
  g_assert_cmpuint (vdi_template_get_hosts_total (template), ==, 1);
}

static void
count_changed (VdiTemplate *template,
               guint       *n)
{
  (*n)++;
}

/* A template hears of its targets' and hosts' changes while they are its own, and only then:
 * not after it removed them or was itself let go, and a host another template took (as a
 * following farm takes the hosts of a template it read into its own) tells that one. */
static void
test_items_owned (void)
{
  g_autoptr(VdiProvider) source = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) peer = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiTemplate) mine = vdi_template_new (NULL, "Win11", source, "win11-gold");
  g_autoptr(VdiTemplate) read = vdi_template_new (NULL, "Win11", source, "win11-gold");
  g_autoptr(VdiTarget) target = NULL;
  g_autoptr(VdiHost) host = vdi_host_new ("VDI-001", source);
  g_autoptr(GError) error = NULL;
  VdiDistribution distribution;
  guint n_changed = 0;

  g_assert_true (vdi_template_set_multi_provider (mine, TRUE, &error));
  target = g_object_ref (vdi_template_add_target (mine, peer, &error));
  g_assert_no_error (error);
  g_signal_connect (mine, "changed", G_CALLBACK (count_changed), &n_changed);

  /* A copy under way: the template's distribution follows it. */
  vdi_target_set_progress (target, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_cmpint (vdi_template_get_distribution (mine), ==, VDI_DISTRIBUTION_DISTRIBUTING);
  g_assert_cmpuint (n_changed, >, 0);

  /* Removed: its changes are not the template's any more. */
  g_assert_true (vdi_template_remove_target (mine, peer, &error));
  distribution = vdi_template_get_distribution (mine);
  g_assert_cmpint (distribution, !=, VDI_DISTRIBUTION_DISTRIBUTING);
  n_changed = 0;
  vdi_target_set_progress (target, VDI_DISTRIBUTION_FAILED);
  vdi_target_set_last_error (target, "gone");
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_cmpint (vdi_template_get_distribution (mine), ==, distribution);

  /* A host in a template read from the store, taken into this one, then the other let go. */
  vdi_template_add_host (read, host);
  vdi_template_add_host (mine, host);
  g_clear_object (&read);
  vdi_host_set_state (host, VDI_HOST_STATE_READY);
  g_assert_cmpuint (vdi_template_get_hosts_ready (mine), ==, 1);
  g_assert_cmpuint (n_changed, >, 0);

  /* This template let go: the host and its other items outlive it, quietly. */
  g_signal_handlers_disconnect_by_func (mine, count_changed, &n_changed);
  g_clear_object (&mine);
  vdi_host_set_state (host, VDI_HOST_STATE_FAILED);
  vdi_target_set_progress (target, VDI_DISTRIBUTION_OK);
}

static void
test_template_validate (void)
{
  g_autoptr(VdiProvider) hv = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) vc = make_provider ("vc-00", VDI_PROVIDER_SUBTYPE_VCENTER_8);
  g_autoptr(VdiTemplate) template = vdi_template_new (NULL, "Win11", hv, "win11-gold");
  g_autoptr(VdiTemplate) linux_vm = vdi_template_new (NULL, "Linux", vc, "ubuntu");
  g_autoptr(GError) error = NULL;
  const char *datastores[] = { "ds-02", NULL };

  g_assert_true (vdi_template_validate (template, &error));
  g_assert_no_error (error);

  vdi_template_set_name (template, "  ");
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME);
  g_clear_error (&error);
  vdi_template_set_name (template, "Win\n11");
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME);
  g_clear_error (&error);
  vdi_template_set_name (template, "Win11");

  vdi_template_set_initial_hosts (template, 11);
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT);
  g_clear_error (&error);
  vdi_template_set_initial_hosts (template, 2);

  vdi_template_set_host_name_format (template, "VDI-%ID:1%");
  vdi_template_set_max_hosts (template, 20);
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_COUNT);
  g_clear_error (&error);
  vdi_template_set_host_name_format (template, "VDI_%ID:3%");
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_HOST_NAME_FORMAT);
  g_clear_error (&error);
  vdi_template_set_host_name_format (template, "VDI-%ID:3%");

  /* Multi-provider needs at least one target. */
  vdi_template_set_multi_provider (template, TRUE, NULL);
  g_assert_false (vdi_template_validate (template, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Extra datastores are for vCenter, and need at least one. */
  vdi_template_set_datastore_mode (linux_vm, VDI_DATASTORE_MODE_ADDITIONAL);
  g_assert_false (vdi_template_validate (linux_vm, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  vdi_template_set_datastores (linux_vm, datastores);
  g_assert_true (vdi_template_validate (linux_vm, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vdi_template_get_datastores (linux_vm)[0], ==, "ds-02");
}

static void
test_farm_providers (void)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiProvider) a = make_provider ("HV-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) b = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) c = make_provider ("hv-03", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(GError) error = NULL;
  static const char * const bad_hosts[] = { "", "two words", "-lead.example", "a..b",
                                            "under_score.example", "x/y", NULL };
  static const char * const good_hosts[] = { "hv-01", "hv-01.corp.example.", "10.0.0.5",
                                             "fe80::1", "bücher.example", NULL };

  g_assert_true (vdi_farm_add_provider (farm, a, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_find_provider (farm, "hv-01") == a);
  g_assert_true (vdi_farm_find_provider_by_id (farm, vdi_provider_get_id (a)) == a);

  /* Names are unique regardless of case. */
  g_assert_false (vdi_farm_add_provider (farm, b, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN);
  g_clear_error (&error);

  /* Renaming a provider to its own name is fine. */
  g_assert_true (vdi_farm_check_provider (farm, a, "hv-01", "hv-01.example.test", 5986, &error));
  g_assert_no_error (error);

  /* The same address twice is refused. */
  g_assert_false (vdi_farm_check_provider (farm, NULL, "other", "HV-01.example.test", 5986,
                                           &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN);
  g_assert_nonnull (strstr (error->message, "HV-01"));
  g_clear_error (&error);
  g_assert_true (vdi_farm_check_provider (farm, NULL, "other", "HV-01.example.test", 5985,
                                          &error));
  g_assert_no_error (error);

  g_assert_false (vdi_farm_check_provider (farm, NULL, " ", "h", 1, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (vdi_farm_check_provider (farm, NULL, "x", "h", 0, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  for (guint i = 0; bad_hosts[i] != NULL; i++)
    {
      g_assert_false (vdi_farm_check_provider (farm, NULL, "x", bad_hosts[i], 443, &error));
      g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_INVALID_ADDRESS);
      g_clear_error (&error);
    }
  for (guint i = 0; good_hosts[i] != NULL; i++)
    {
      if (!vdi_farm_check_provider (farm, NULL, "x", good_hosts[i], 443, &error))
        g_error ("%s: %s", good_hosts[i], error->message);
    }

  g_assert_true (vdi_farm_add_provider (farm, c, NULL));
  g_assert_true (vdi_farm_remove_provider (farm, c, &error));
  g_assert_no_error (error);
  g_assert_false (vdi_farm_remove_provider (farm, c, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND);
}

static void
test_farm_templates (void)
{
  g_autoptr(VdiFarm) farm = vdi_farm_new ("/nonexistent/farm.json");
  g_autoptr(VdiProvider) src = make_provider ("hv-00", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) peer = make_provider ("hv-01", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiProvider) outsider = make_provider ("hv-09", VDI_PROVIDER_SUBTYPE_HYPERV_STANDALONE);
  g_autoptr(VdiTemplate) t1 = vdi_template_new (NULL, "Win11", src, "win11-gold");
  g_autoptr(VdiTemplate) t2 = vdi_template_new (NULL, "WIN11", src, "win11-gold");
  g_autoptr(VdiTemplate) t3 = vdi_template_new (NULL, "Server", src, "srv-gold");
  g_autoptr(GError) error = NULL;

  vdi_farm_add_provider (farm, src, NULL);
  vdi_farm_add_provider (farm, peer, NULL);

  vdi_template_set_multi_provider (t1, TRUE, NULL);
  vdi_template_add_target (t1, peer, NULL);
  g_assert_true (vdi_farm_add_template (farm, t1, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_template_get_locked (t1));
  g_assert_nonnull (vdi_template_get_created_at (t1));
  g_assert_true (vdi_farm_find_template (farm, "win11") == t1);

  g_assert_false (vdi_farm_add_template (farm, t2, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NAME_TAKEN);
  g_clear_error (&error);
  g_assert_false (vdi_template_get_locked (t2));

  /* Targets must be providers of this farm. */
  vdi_template_set_multi_provider (t3, TRUE, NULL);
  vdi_template_add_target (t3, outsider, NULL);
  g_assert_false (vdi_farm_add_template (farm, t3, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Providers in use cannot go. */
  g_assert_false (vdi_farm_remove_provider (farm, src, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_PROVIDER_IN_USE);
  g_assert_nonnull (strstr (error->message, "source VM"));
  g_clear_error (&error);
  g_assert_false (vdi_farm_remove_provider (farm, peer, &error));
  g_assert_error (error, VDI_FARM_ERROR, VDI_FARM_ERROR_PROVIDER_IN_USE);
  g_clear_error (&error);

  vdi_template_remove_target (t1, peer, NULL);
  g_assert_true (vdi_farm_remove_provider (farm, peer, &error));
  g_assert_no_error (error);

  g_assert_true (vdi_farm_remove_template (farm, t1, &error));
  g_assert_no_error (error);
  g_assert_true (vdi_farm_remove_provider (farm, src, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/model/enums", test_enums);
  g_test_add_func ("/core/model/enum-nicks-and-labels", test_enum_nicks_and_labels);
  g_test_add_func ("/core/model/provider-notify", test_provider_notify);
  g_test_add_func ("/core/model/targets", test_targets);
  g_test_add_func ("/core/model/multi-provider-rules", test_multi_provider_rules);
  g_test_add_func ("/core/model/concurrency", test_concurrency);
  g_test_add_func ("/core/model/distribution-aggregate", test_distribution_aggregate);
  g_test_add_func ("/core/model/hosts", test_hosts);
  g_test_add_func ("/core/model/items-owned", test_items_owned);
  g_test_add_func ("/core/model/template-validate", test_template_validate);
  g_test_add_func ("/core/farm/providers", test_farm_providers);
  g_test_add_func ("/core/farm/templates", test_farm_templates);

  return g_test_run ();
}
