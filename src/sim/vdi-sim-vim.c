/* vdi-sim-vim.c
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

#include <string.h>

#include "vdi-sim-vim.h"
#include "vdi-sim-xml.h"

/* One simulated vCenter: vim25 SOAP 1.1 at /sdk, the subset of research/vsphere-vim25.md.
 * Sessions live in the vmware_soap_session cookie; views, property collectors, filters and
 * paging tokens belong to a session. Every value is read from the world. */

#define CONTENT_TYPE "text/xml; charset=utf-8"

typedef struct
{
  char      *moid;
  GPtrArray *paths;     /* pathSet */
  char      *type;
  GPtrArray *objects;   /* "Type:moid" */
  GHashTable *reported; /* "Type:moid/path" -> rendered value */
  gboolean   entered;
} Filter;

typedef struct
{
  char       *key;
  char       *user;
  GHashTable *views;       /* moid -> GStrv of types */
  GHashTable *tokens;      /* token -> GPtrArray of rendered <objects> */
  GHashTable *page_sizes;  /* token -> maxObjects of the first call */
  GHashTable *filters;     /* moid -> Filter */
  guint       version;
} Session;

typedef struct
{
  VdiSimVim         *self;
  SoupServerMessage *msg;
  char              *session_key;
  char              *collector;
  guint              timeout_id;
} Waiter;

struct _VdiSimVim
{
  GObject         parent_instance;

  VdiSimWorld    *world;
  VdiSimServer   *server;
  VdiSimProvider *vc;
  GHashTable     *sessions;   /* key -> Session */
  GPtrArray      *waiters;
  gulong          changed_id;
  guint           next_id;
};

G_DEFINE_FINAL_TYPE (VdiSimVim, vdi_sim_vim, G_TYPE_OBJECT)

static void
filter_free (Filter *filter)
{
  g_free (filter->moid);
  g_free (filter->type);
  g_ptr_array_unref (filter->paths);
  g_ptr_array_unref (filter->objects);
  g_hash_table_unref (filter->reported);
  g_free (filter);
}

static void
session_free (Session *session)
{
  g_free (session->key);
  g_free (session->user);
  g_hash_table_unref (session->views);
  g_hash_table_unref (session->tokens);
  g_hash_table_unref (session->page_sizes);
  g_hash_table_unref (session->filters);
  g_free (session);
}

static void
waiter_free (Waiter *waiter)
{
  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  g_object_unref (waiter->msg);
  g_free (waiter->session_key);
  g_free (waiter->collector);
  g_free (waiter);
}

static void
vdi_sim_vim_dispose (GObject *object)
{
  VdiSimVim *self = VDI_SIM_VIM (object);

  g_clear_signal_handler (&self->changed_id, self->world);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (vdi_sim_vim_parent_class)->dispose (object);
}

static void
vdi_sim_vim_finalize (GObject *object)
{
  VdiSimVim *self = VDI_SIM_VIM (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->server);
  g_clear_object (&self->world);

  G_OBJECT_CLASS (vdi_sim_vim_parent_class)->finalize (object);
}

static void
vdi_sim_vim_class_init (VdiSimVimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vdi_sim_vim_dispose;
  object_class->finalize = vdi_sim_vim_finalize;
}

static void
vdi_sim_vim_init (VdiSimVim *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  self->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
}

/* Output ------------------------------------------------------------------------------------ */

static GString *
envelope_begin (void)
{
  return g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<soapenv:Envelope xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\""
                       " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
                       " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
                       " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>");
}

static void
respond_body (VdiSimVim         *self,
              SoupServerMessage *msg,
              const char        *method,
              const char        *inner)
{
  g_autoptr(GString) out = envelope_begin ();

  g_string_append_printf (out, "<%sResponse xmlns=\"urn:vim25\">%s</%sResponse></soapenv:Body></soapenv:Envelope>",
                          method, inner != NULL ? inner : "", method);
  vdi_sim_server_respond (self->server, msg, method, SOUP_STATUS_OK, CONTENT_TYPE, out->str, out->len);
}

static void
respond_fault (VdiSimVim         *self,
               SoupServerMessage *msg,
               const char        *method,
               const char        *type,
               const char        *faultstring,
               const char        *fields)
{
  g_autoptr(GString) out = envelope_begin ();

  g_string_append (out, "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>");
  vdi_sim_xml_append_escaped (out, faultstring != NULL ? faultstring : "");
  g_string_append_printf (out, "</faultstring><detail><%sFault xmlns=\"urn:vim25\" xsi:type=\"%s\">%s</%sFault></detail>"
                               "</soapenv:Fault></soapenv:Body></soapenv:Envelope>",
                          type, type, fields != NULL ? fields : "", type);
  vdi_sim_server_respond (self->server, msg, method, SOUP_STATUS_INTERNAL_SERVER_ERROR, CONTENT_TYPE, out->str, out->len);
}

static void
fault_not_found (VdiSimVim         *self,
                 SoupServerMessage *msg,
                 const char        *method,
                 const char        *type,
                 const char        *moid)
{
  g_autofree char *text = g_strdup_printf ("The object 'vim.%s:%s' has already been deleted or has not been completely created",
                                           type, moid);
  g_autofree char *escaped = g_markup_escape_text (moid != NULL ? moid : "", -1);
  g_autofree char *escaped_type = g_markup_escape_text (type, -1);
  g_autofree char *fields = g_strdup_printf ("<obj type=\"%s\">%s</obj>", escaped_type, escaped);

  respond_fault (self, msg, method, "ManagedObjectNotFound", text, fields);
}

static void
fault_invalid_argument (VdiSimVim         *self,
                        SoupServerMessage *msg,
                        const char        *method,
                        const char        *property)
{
  g_autofree char *text = g_strdup_printf ("A specified parameter was not correct: %s", property);
  g_autofree char *fields = g_strdup_printf ("<invalidProperty>%s</invalidProperty>", property);

  respond_fault (self, msg, method, "InvalidArgument", text, fields);
}

static void
respond_not_authenticated (VdiSimVim         *self,
                           SoupServerMessage *msg,
                           const char        *method,
                           const char        *type,
                           const char        *moid)
{
  g_autofree char *escaped = g_markup_escape_text (moid != NULL ? moid : type, -1);
  g_autofree char *escaped_type = g_markup_escape_text (type, -1);
  g_autofree char *fields = g_strdup_printf ("<object type=\"%s\">%s</object><privilegeId>System.View</privilegeId>",
                                             escaped_type, escaped);

  respond_fault (self, msg, method, "NotAuthenticated", "The session is not authenticated.", fields);
}

/* Property values ---------------------------------------------------------------------------- */

static void
val_string (GString    *out,
            const char *xsd_type,
            const char *value)
{
  g_string_append_printf (out, "<val xsi:type=\"%s\">", xsd_type);
  vdi_sim_xml_append_escaped (out, value);
  g_string_append (out, "</val>");
}

static void
val_moref (GString    *out,
           const char *type,
           const char *moid)
{
  g_string_append_printf (out, "<val xsi:type=\"ManagedObjectReference\" type=\"%s\">", type);
  vdi_sim_xml_append_escaped (out, moid);
  g_string_append (out, "</val>");
}

static char *
iso_time (VdiSimVim *self,
          double     sim_seconds)
{
  g_autoptr(GDateTime) dt = vdi_sim_clock_to_datetime (vdi_sim_world_get_clock (self->world), sim_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static const char *
power_state (VdiSimVm *vm)
{
  switch (vm->power)
    {
    case VDI_SIM_POWER_ON:
      return "poweredOn";
    case VDI_SIM_POWER_SAVED:
    case VDI_SIM_POWER_PAUSED:
      return "suspended";
    case VDI_SIM_POWER_OFF:
    default:
      return "poweredOff";
    }
}

static void
append_task_error (GString   *out,
                   VdiSimJob *job)
{
  g_string_append_printf (out, "<fault xsi:type=\"%s\">%s</fault><localizedMessage>", job->fault_type,
                          job->fault_fields != NULL ? job->fault_fields : "");
  vdi_sim_xml_append_escaped (out, job->error_description);
  g_string_append (out, "</localizedMessage>");
}

/* recentTask: the tasks this vCenter still keeps (every one of them, or those whose object is
 * the VM @vm_moid), as ManagedEntity.recentTask and TaskManager.recentTask give them. */
static void
append_recent_tasks (VdiSimVim  *self,
                     GString    *out,
                     const char *vm_moid)
{
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);

  g_string_append (out, "<val xsi:type=\"ArrayOfManagedObjectReference\">");
  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);

      if (job->provider != self->vc || job->removed ||
          (vm_moid != NULL && g_strcmp0 (job->vm_id, vm_moid) != 0))
        continue;
      g_string_append (out, "<ManagedObjectReference type=\"Task\" xsi:type=\"ManagedObjectReference\">");
      vdi_sim_xml_append_escaped (out, job->id);
      g_string_append (out, "</ManagedObjectReference>");
    }
  g_string_append (out, "</val>");
}

/* Renders one property as <val>; returns FALSE for an unknown path, *unset for nil. */
static gboolean
render_property (VdiSimVim  *self,
                 const char *type,
                 const char *moid,
                 const char *path,
                 GString    *out,
                 gboolean   *unset)
{
  VdiSimProvider *vc = self->vc;

  *unset = FALSE;

  if (g_str_equal (type, "VirtualMachine"))
    {
      VdiSimVm *vm = vdi_sim_provider_find_vm (vc, moid);

      if (vm == NULL)
        return FALSE;
      if (g_str_equal (path, "name") || g_str_equal (path, "config.name") || g_str_equal (path, "summary.config.name"))
        val_string (out, "xsd:string", vm->name);
      else if (g_str_equal (path, "config.template") || g_str_equal (path, "summary.config.template"))
        val_string (out, "xsd:boolean", vm->is_template ? "true" : "false");
      else if (g_str_equal (path, "config.uuid") || g_str_equal (path, "summary.config.uuid")
               || g_str_equal (path, "config.instanceUuid"))
        val_string (out, "xsd:string", vm->uuid);
      else if (g_str_equal (path, "runtime.powerState") || g_str_equal (path, "summary.runtime.powerState"))
        val_string (out, "VirtualMachinePowerState", power_state (vm));
      else if (g_str_equal (path, "runtime.host") || g_str_equal (path, "summary.runtime.host"))
        {
          if (vm->host == NULL)
            *unset = TRUE;
          else
            val_moref (out, "HostSystem", vm->host->moid);
        }
      else if (g_str_equal (path, "datastore"))
        {
          g_string_append (out, "<val xsi:type=\"ArrayOfManagedObjectReference\">");
          if (vm->datastore != NULL)
            g_string_append_printf (out, "<ManagedObjectReference type=\"Datastore\" xsi:type=\"ManagedObjectReference\">%s</ManagedObjectReference>",
                                    vm->datastore->moid);
          g_string_append (out, "</val>");
        }
      else if (g_str_equal (path, "resourcePool"))
        {
          if (vm->is_template)
            *unset = TRUE;
          else
            val_moref (out, "ResourcePool", vc->pool_moid);
        }
      else if (g_str_equal (path, "parent"))
        val_moref (out, "Folder", vc->vm_folder_moid);
      else if (g_str_equal (path, "recentTask"))
        append_recent_tasks (self, out, vm->id);
      else if (g_str_equal (path, "summary.storage.committed") || g_str_equal (path, "summary.config.vmPathName"))
        {
          g_autofree char *text = g_str_equal (path, "summary.storage.committed")
                                    ? g_strdup_printf ("%" G_GUINT64_FORMAT, vm->disk_bytes)
                                    : g_strdup_printf ("[%s] %s/%s.vmx", vm->datastore != NULL ? vm->datastore->name : "", vm->name, vm->name);

          val_string (out, g_str_equal (path, "summary.storage.committed") ? "xsd:long" : "xsd:string", text);
        }
      else
        return FALSE;
      return TRUE;
    }

  if (g_str_equal (type, "Datastore"))
    {
      VdiSimDatastore *ds = vdi_sim_provider_find_datastore (vc, moid);
      g_autofree char *number = NULL;

      if (ds == NULL || !g_str_equal (ds->moid, moid))
        return FALSE;
      if (g_str_equal (path, "name") || g_str_equal (path, "summary.name"))
        val_string (out, "xsd:string", ds->name);
      else if (g_str_equal (path, "summary.capacity"))
        val_string (out, "xsd:long", (number = g_strdup_printf ("%" G_GUINT64_FORMAT, ds->capacity)));
      else if (g_str_equal (path, "summary.freeSpace"))
        val_string (out, "xsd:long", (number = g_strdup_printf ("%" G_GUINT64_FORMAT, ds->free)));
      else if (g_str_equal (path, "summary.accessible"))
        val_string (out, "xsd:boolean", ds->accessible ? "true" : "false");
      else if (g_str_equal (path, "summary.type"))
        val_string (out, "xsd:string", ds->type);
      else if (g_str_equal (path, "summary.url"))
        val_string (out, "xsd:string", (number = g_strdup_printf ("ds:///vmfs/volumes/%s/", ds->moid)));
      else
        return FALSE;
      return TRUE;
    }

  if (g_str_equal (type, "HostSystem"))
    {
      VdiSimEsxHost *host = vdi_sim_provider_find_esx_host (vc, moid);

      if (host == NULL || !g_str_equal (host->moid, moid))
        return FALSE;
      if (g_str_equal (path, "name"))
        val_string (out, "xsd:string", host->name);
      else if (g_str_equal (path, "runtime.connectionState"))
        val_string (out, "HostSystemConnectionState", host->connection_state);
      else if (g_str_equal (path, "runtime.powerState"))
        val_string (out, "HostSystemPowerState", "poweredOn");
      else if (g_str_equal (path, "runtime.inMaintenanceMode"))
        val_string (out, "xsd:boolean", "false");
      else if (g_str_equal (path, "parent"))
        val_moref (out, "ClusterComputeResource", vc->cluster_moid);
      else if (g_str_equal (path, "datastore"))
        {
          g_string_append (out, "<val xsi:type=\"ArrayOfManagedObjectReference\">");
          for (guint i = 0; i < vc->datastores->len; i++)
            g_string_append_printf (out, "<ManagedObjectReference type=\"Datastore\" xsi:type=\"ManagedObjectReference\">%s</ManagedObjectReference>",
                                    ((VdiSimDatastore *) g_ptr_array_index (vc->datastores, i))->moid);
          g_string_append (out, "</val>");
        }
      else
        return FALSE;
      return TRUE;
    }

  /* The one cluster every host belongs to, and its root resource pool: where a template,
   * which has no pool of its own, is cloned into. */
  if (g_str_equal (type, "ClusterComputeResource") || g_str_equal (type, "ComputeResource"))
    {
      if (!g_str_equal (moid, vc->cluster_moid))
        return FALSE;
      if (g_str_equal (path, "name"))
        val_string (out, "xsd:string", vc->datacenter != NULL ? vc->datacenter : "Cluster");
      else if (g_str_equal (path, "resourcePool"))
        val_moref (out, "ResourcePool", vc->pool_moid);
      else
        return FALSE;
      return TRUE;
    }

  if (g_str_equal (type, "TaskManager"))
    {
      if (!g_str_equal (moid, "TaskManager") || !g_str_equal (path, "recentTask"))
        return FALSE;
      append_recent_tasks (self, out, NULL);
      return TRUE;
    }

  if (g_str_equal (type, "Task"))
    {
      VdiSimJob *job = vdi_sim_world_find_job (self->world, moid);
      const char *state;

      if (job == NULL || job->provider != vc)
        return FALSE;
      state = vdi_sim_job_state_to_string (job->state);

      if (g_str_equal (path, "info.state"))
        val_string (out, "TaskInfoState", state);
      else if (g_str_equal (path, "info.progress"))
        {
          g_autofree char *number = g_strdup_printf ("%u", job->percent);

          if (job->state == VDI_SIM_JOB_RUNNING)
            val_string (out, "xsd:int", number);
          else
            *unset = TRUE;
        }
      else if (g_str_equal (path, "info.error"))
        {
          if (job->state != VDI_SIM_JOB_FAILED)
            *unset = TRUE;
          else
            {
              g_string_append (out, "<val xsi:type=\"LocalizedMethodFault\">");
              append_task_error (out, job);
              g_string_append (out, "</val>");
            }
        }
      else if (g_str_equal (path, "info.result"))
        {
          if (job->state != VDI_SIM_JOB_COMPLETED || job->kind != VDI_SIM_TASK_CLONE || job->result_id == NULL)
            *unset = TRUE;
          else
            val_moref (out, "VirtualMachine", job->result_id);
        }
      else if (g_str_equal (path, "info.name"))
        val_string (out, "xsd:string", job->name);
      else if (g_str_equal (path, "info.descriptionId"))
        val_string (out, "xsd:string", job->description_id);
      else if (g_str_equal (path, "info.entity"))
        val_moref (out, "VirtualMachine", job->vm_id);
      else if (g_str_equal (path, "info.entityName"))
        val_string (out, "xsd:string", job->vm_name);
      else if (g_str_equal (path, "info.key"))
        val_string (out, "xsd:string", job->id);
      else if (g_str_equal (path, "info"))
        {
          g_autofree char *queued = iso_time (self, job->queue_time);

          g_string_append (out, "<val xsi:type=\"TaskInfo\">");
          vdi_sim_xml_append_element (out, "key", job->id);
          g_string_append_printf (out, "<task type=\"Task\">%s</task>", job->id);
          vdi_sim_xml_append_element (out, "name", job->name);
          vdi_sim_xml_append_element (out, "descriptionId", job->description_id);
          g_string_append_printf (out, "<entity type=\"VirtualMachine\">%s</entity>", job->vm_id);
          vdi_sim_xml_append_element (out, "entityName", job->vm_name);
          vdi_sim_xml_append_element (out, "state", state);
          g_string_append (out, "<cancelled>false</cancelled><cancelable>false</cancelable>");
          if (job->state == VDI_SIM_JOB_FAILED)
            {
              g_string_append (out, "<error>");
              append_task_error (out, job);
              g_string_append (out, "</error>");
            }
          if (job->state == VDI_SIM_JOB_COMPLETED && job->kind == VDI_SIM_TASK_CLONE && job->result_id != NULL)
            g_string_append_printf (out, "<result xsi:type=\"ManagedObjectReference\" type=\"VirtualMachine\">%s</result>", job->result_id);
          if (job->state == VDI_SIM_JOB_RUNNING)
            g_string_append_printf (out, "<progress>%u</progress>", job->percent);
          g_string_append_printf (out, "<reason xsi:type=\"TaskReasonUser\"><userName>%s</userName></reason>", vc->user);
          vdi_sim_xml_append_element (out, "queueTime", queued);
          if (job->state != VDI_SIM_JOB_QUEUED)
            {
              g_autofree char *started = iso_time (self, job->start_time);

              vdi_sim_xml_append_element (out, "startTime", started);
            }
          if (job->state == VDI_SIM_JOB_COMPLETED || job->state == VDI_SIM_JOB_FAILED)
            {
              g_autofree char *completed = iso_time (self, job->end_time);

              vdi_sim_xml_append_element (out, "completeTime", completed);
            }
          g_string_append (out, "<eventChainId>0</eventChainId></val>");
        }
      else
        return FALSE;
      return TRUE;
    }

  return FALSE;
}

static gboolean
object_exists (VdiSimVim  *self,
               const char *type,
               const char *moid)
{
  if (g_str_equal (type, "VirtualMachine"))
    return vdi_sim_provider_find_vm (self->vc, moid) != NULL;
  if (g_str_equal (type, "Datastore"))
    {
      VdiSimDatastore *ds = vdi_sim_provider_find_datastore (self->vc, moid);
      return ds != NULL && g_str_equal (ds->moid, moid);
    }
  if (g_str_equal (type, "HostSystem"))
    {
      VdiSimEsxHost *host = vdi_sim_provider_find_esx_host (self->vc, moid);
      return host != NULL && g_str_equal (host->moid, moid);
    }
  if (g_str_equal (type, "ClusterComputeResource") || g_str_equal (type, "ComputeResource"))
    return g_str_equal (moid, self->vc->cluster_moid);
  if (g_str_equal (type, "TaskManager"))
    return g_str_equal (moid, "TaskManager");
  if (g_str_equal (type, "Task"))
    {
      VdiSimJob *job = vdi_sim_world_find_job (self->world, moid);
      return job != NULL && job->provider == self->vc;
    }
  return FALSE;
}

/* Objects of one type, as a ContainerView over the root folder sees them. */
static void
list_objects (VdiSimVim  *self,
              const char *type,
              GPtrArray  *out)
{
  VdiSimProvider *vc = self->vc;

  if (g_str_equal (type, "VirtualMachine"))
    for (guint i = 0; i < vc->vms->len; i++)
      g_ptr_array_add (out, g_strdup_printf ("VirtualMachine:%s", ((VdiSimVm *) g_ptr_array_index (vc->vms, i))->id));
  else if (g_str_equal (type, "Datastore"))
    for (guint i = 0; i < vc->datastores->len; i++)
      g_ptr_array_add (out, g_strdup_printf ("Datastore:%s", ((VdiSimDatastore *) g_ptr_array_index (vc->datastores, i))->moid));
  else if (g_str_equal (type, "HostSystem"))
    for (guint i = 0; i < vc->esx_hosts->len; i++)
      g_ptr_array_add (out, g_strdup_printf ("HostSystem:%s", ((VdiSimEsxHost *) g_ptr_array_index (vc->esx_hosts, i))->moid));
}

/* Request ----------------------------------------------------------------------------------- */

static char *
moref_text (xmlNode  *node,
            char    **out_type)
{
  if (out_type != NULL)
    *out_type = vdi_sim_xml_attr (node, "type");
  return vdi_sim_xml_text (node);
}

static Session *
session_for (VdiSimVim         *self,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *cookie = soup_message_headers_get_one (headers, "Cookie");
  g_auto(GStrv) parts = NULL;

  if (cookie == NULL)
    return NULL;

  parts = g_strsplit (cookie, ";", 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (g_str_has_prefix (item, "vmware_soap_session="))
        {
          g_autofree char *value = g_strdup (item + strlen ("vmware_soap_session="));
          gsize len = strlen (value);

          if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
            {
              value[len - 1] = '\0';
              return g_hash_table_lookup (self->sessions, value + 1);
            }
          return g_hash_table_lookup (self->sessions, value);
        }
    }

  return NULL;
}

static void
handle_service_content (VdiSimVim         *self,
                        SoupServerMessage *msg)
{
  static const struct { const char *version; const char *full; const char *build; const char *api; } versions[] = {
    { "6.5.0", "VMware vCenter Server 6.5.0 build-5973321", "5973321", "6.5" },
    { "6.7.0", "VMware vCenter Server 6.7.0 build-8170087", "8170087", "6.7.3" },
    { "7.0.3", "VMware vCenter Server 7.0.3 build-20150588", "20150588", "7.0.3.0" },
    { "8.0.2", "VMware vCenter Server 8.0.2 build-22385739", "22385739", "8.0.2.0" },
  };
  guint v = g_str_equal (self->vc->subtype, "vcenter-6.5") ? 0 : g_str_equal (self->vc->subtype, "vcenter-6.7") ? 1
            : g_str_equal (self->vc->subtype, "vcenter-7") ? 2 : 3;
  g_autoptr(GString) inner = g_string_new ("<returnval>");

  g_string_append (inner,
                   "<rootFolder type=\"Folder\">group-d1</rootFolder>"
                   "<propertyCollector type=\"PropertyCollector\">propertyCollector</propertyCollector>"
                   "<viewManager type=\"ViewManager\">ViewManager</viewManager>"
                   "<about><name>VMware vCenter Server</name>");
  vdi_sim_xml_append_element (inner, "fullName", versions[v].full);
  g_string_append (inner, "<vendor>VMware, Inc.</vendor>");
  vdi_sim_xml_append_element (inner, "version", versions[v].version);
  vdi_sim_xml_append_element (inner, "build", versions[v].build);
  g_string_append (inner, "<localeVersion>INTL</localeVersion><localeBuild>000</localeBuild><osType>linux-x64</osType>"
                          "<productLineId>vpx</productLineId><apiType>VirtualCenter</apiType>");
  vdi_sim_xml_append_element (inner, "apiVersion", versions[v].api);
  vdi_sim_xml_append_element (inner, "instanceUuid", self->vc->instance_uuid);
  g_string_append (inner, "<licenseProductName>VMware VirtualCenter Server</licenseProductName>"
                          "<licenseProductVersion>8.0</licenseProductVersion></about>"
                          "<setting type=\"OptionManager\">VpxSettings</setting>"
                          "<userDirectory type=\"UserDirectory\">UserDirectory</userDirectory>"
                          "<sessionManager type=\"SessionManager\">SessionManager</sessionManager>"
                          "<authorizationManager type=\"AuthorizationManager\">AuthorizationManager</authorizationManager>"
                          "<eventManager type=\"EventManager\">EventManager</eventManager>"
                          "<taskManager type=\"TaskManager\">TaskManager</taskManager>"
                          "<searchIndex type=\"SearchIndex\">SearchIndex</searchIndex>"
                          "<fileManager type=\"FileManager\">FileManager</fileManager>"
                          "</returnval>");
  respond_body (self, msg, "RetrieveServiceContent", inner->str);
}

static void
handle_login (VdiSimVim         *self,
              SoupServerMessage *msg,
              xmlNode           *call,
              Session           *existing)
{
  g_autofree char *user = vdi_sim_xml_child_text (call, NULL, "userName");
  g_autofree char *password = vdi_sim_xml_child_text (call, NULL, "password");
  g_autofree char *cookie = NULL;
  g_autofree char *now = iso_time (self, vdi_sim_world_now (self->world));
  g_autoptr(GString) inner = g_string_new ("<returnval>");
  Session *session;

  if (existing != NULL || user == NULL || password == NULL
      || g_ascii_strcasecmp (user, self->vc->user) != 0 || g_strcmp0 (password, self->vc->password) != 0)
    {
      respond_fault (self, msg, "Login", "InvalidLogin",
                     "Cannot complete login due to an incorrect user name or password.", NULL);
      return;
    }

  session = g_new0 (Session, 1);
  session->key = g_uuid_string_random ();
  session->user = g_strdup (user);
  session->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  session->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  session->page_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  session->filters = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) filter_free);
  g_hash_table_insert (self->sessions, session->key, session);

  /* Real vCenter quotes the value; clients must echo it back as given. */
  cookie = g_strdup_printf ("vmware_soap_session=\"%s\"; Path=/; HttpOnly", session->key);
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);

  vdi_sim_xml_append_element (inner, "key", session->key);
  vdi_sim_xml_append_element (inner, "userName", user);
  vdi_sim_xml_append_element (inner, "fullName", user);
  vdi_sim_xml_append_element (inner, "loginTime", now);
  vdi_sim_xml_append_element (inner, "lastActiveTime", now);
  g_string_append (inner, "<locale>en_US</locale><messageLocale>en_US</messageLocale><extensionSession>false</extensionSession>"
                          "<ipAddress>127.0.0.1</ipAddress><callCount>1</callCount></returnval>");
  respond_body (self, msg, "Login", inner->str);
}

static char *
new_session_moid (VdiSimVim *self,
                  Session   *session)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("session[%s]%s", session->key, uuid);
}

static gboolean
known_view_type (const char *type)
{
  return g_str_equal (type, "VirtualMachine") || g_str_equal (type, "Datastore") || g_str_equal (type, "HostSystem")
         || g_str_equal (type, "ManagedEntity");
}

static void
handle_create_container_view (VdiSimVim         *self,
                              SoupServerMessage *msg,
                              xmlNode           *call,
                              Session           *session)
{
  g_autofree char *container_type = NULL;
  g_autofree char *container = moref_text (vdi_sim_xml_child (call, NULL, "container"), &container_type);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *moid = NULL;
  g_autoptr(GString) inner = g_string_new (NULL);

  if (container == NULL || (!g_str_equal (container, "group-d1") && !g_str_equal (container, self->vc->dc_moid)
                            && !g_str_equal (container, self->vc->vm_folder_moid)))
    {
      if (container != NULL && container_type != NULL && g_str_equal (container_type, "Folder"))
        fault_not_found (self, msg, "CreateContainerView", "Folder", container);
      else
        fault_invalid_argument (self, msg, "CreateContainerView", "container");
      return;
    }

  for (xmlNode *t = vdi_sim_xml_child (call, NULL, "type"); t != NULL; t = vdi_sim_xml_next (t->next, NULL, "type"))
    {
      char *type = vdi_sim_xml_text (t);

      if (!known_view_type (type))
        {
          g_free (type);
          fault_invalid_argument (self, msg, "CreateContainerView", "type");
          return;
        }
      g_ptr_array_add (types, type);
    }
  g_ptr_array_add (types, NULL);

  moid = new_session_moid (self, session);
  g_hash_table_insert (session->views, g_strdup (moid), g_ptr_array_steal (types, NULL));
  g_string_append (inner, "<returnval type=\"ContainerView\">");
  vdi_sim_xml_append_escaped (inner, moid);
  g_string_append (inner, "</returnval>");
  respond_body (self, msg, "CreateContainerView", inner->str);
}

/* Resolves one ObjectSpec into "Type:moid" strings. */
static gboolean
resolve_object_set (VdiSimVim   *self,
                    Session     *session,
                    xmlNode     *object_set,
                    GPtrArray   *out,
                    char       **missing_type,
                    char       **missing_moid)
{
  g_autofree char *type = NULL;
  g_autofree char *moid = moref_text (vdi_sim_xml_child (object_set, NULL, "obj"), &type);
  g_autofree char *skip = vdi_sim_xml_child_text (object_set, NULL, "skip");

  if (type == NULL || moid == NULL)
    return FALSE;

  if (g_str_equal (type, "ContainerView"))
    {
      GStrv types = g_hash_table_lookup (session->views, moid);

      if (types == NULL)
        {
          *missing_type = g_steal_pointer (&type);
          *missing_moid = g_steal_pointer (&moid);
          return FALSE;
        }
      for (guint i = 0; types[i] != NULL; i++)
        {
          if (g_str_equal (types[i], "ManagedEntity"))
            {
              list_objects (self, "VirtualMachine", out);
              list_objects (self, "HostSystem", out);
              list_objects (self, "Datastore", out);
            }
          else
            list_objects (self, types[i], out);
        }
      return TRUE;
    }

  if (!object_exists (self, type, moid))
    {
      *missing_type = g_steal_pointer (&type);
      *missing_moid = g_steal_pointer (&moid);
      return FALSE;
    }

  if (g_strcmp0 (skip, "true") != 0)
    g_ptr_array_add (out, g_strdup_printf ("%s:%s", type, moid));
  return TRUE;
}

static char *
render_object (VdiSimVim  *self,
               const char *object,
               GPtrArray  *paths)
{
  const char *colon = strchr (object, ':');
  g_autofree char *type = g_strndup (object, colon - object);
  const char *moid = colon + 1;
  GString *out = g_string_new ("<objects>");
  g_autoptr(GString) missing = g_string_new (NULL);

  g_string_append_printf (out, "<obj type=\"%s\">", type);
  vdi_sim_xml_append_escaped (out, moid);
  g_string_append (out, "</obj>");

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GString) val = g_string_new (NULL);
      gboolean unset;

      if (!render_property (self, type, moid, path, val, &unset))
        {
          g_string_append_printf (missing, "<missingSet><path>%s</path><fault><fault xsi:type=\"InvalidProperty\"><name>%s</name></fault></fault></missingSet>",
                                  path, path);
          continue;
        }
      if (unset)
        continue;
      g_string_append_printf (out, "<propSet><name>%s</name>%s</propSet>", path, val->str);
    }

  g_string_append (out, missing->str);
  g_string_append (out, "</objects>");
  return g_string_free (out, FALSE);
}

static GPtrArray *
default_paths (const char *type)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  static const char *vm[] = { "name", "config.template", "config.uuid", "runtime.powerState", "runtime.host", "datastore", NULL };
  static const char *ds[] = { "name", "summary.capacity", "summary.freeSpace", "summary.accessible", "summary.type", NULL };
  static const char *host[] = { "name", "runtime.connectionState", NULL };
  static const char *task[] = { "info", NULL };
  const char **list = g_str_equal (type, "VirtualMachine") ? vm : g_str_equal (type, "Datastore") ? ds
                      : g_str_equal (type, "HostSystem") ? host : task;

  for (guint i = 0; list[i] != NULL; i++)
    g_ptr_array_add (paths, g_strdup (list[i]));
  return paths;
}

static void
append_page (VdiSimVim *self,
             Session   *session,
             GString   *inner,
             GPtrArray *rendered,
             guint      max_objects)
{
  guint count = max_objects > 0 ? MIN (max_objects, rendered->len) : rendered->len;

  g_string_append (inner, "<returnval>");
  if (count < rendered->len)
    {
      g_autofree char *token = g_strdup_printf ("%u", ++self->next_id);
      GPtrArray *rest = g_ptr_array_new_with_free_func (g_free);

      for (guint i = count; i < rendered->len; i++)
        g_ptr_array_add (rest, g_strdup (g_ptr_array_index (rendered, i)));
      g_hash_table_insert (session->tokens, g_strdup (token), rest);
      g_hash_table_insert (session->page_sizes, g_strdup (token), GUINT_TO_POINTER (max_objects));
      vdi_sim_xml_append_element (inner, "token", token);
    }
  for (guint i = 0; i < count; i++)
    g_string_append (inner, g_ptr_array_index (rendered, i));
  g_string_append (inner, "</returnval>");
}

static guint
max_objects_of (xmlNode *call)
{
  g_autofree char *text = vdi_sim_xml_child_text (vdi_sim_xml_child (call, NULL, "options"), NULL, "maxObjects");
  guint64 value = 0;

  if (text != NULL)
    g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL);
  return (guint) value;
}

static void
handle_retrieve (VdiSimVim         *self,
                 SoupServerMessage *msg,
                 xmlNode           *call,
                 Session           *session)
{
  g_autoptr(GPtrArray) rendered = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) inner = g_string_new (NULL);
  g_autofree char *max_text = vdi_sim_xml_child_text (vdi_sim_xml_child (call, NULL, "options"), NULL, "maxObjects");

  if (max_text != NULL && max_objects_of (call) == 0)
    {
      fault_invalid_argument (self, msg, "RetrievePropertiesEx", "maxObjects");
      return;
    }

  for (xmlNode *spec = vdi_sim_xml_child (call, NULL, "specSet"); spec != NULL; spec = vdi_sim_xml_next (spec->next, NULL, "specSet"))
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_free);

      for (xmlNode *os = vdi_sim_xml_child (spec, NULL, "objectSet"); os != NULL; os = vdi_sim_xml_next (os->next, NULL, "objectSet"))
        {
          g_autofree char *missing_type = NULL;
          g_autofree char *missing_moid = NULL;

          if (!resolve_object_set (self, session, os, objects, &missing_type, &missing_moid))
            {
              if (missing_type != NULL)
                fault_not_found (self, msg, "RetrievePropertiesEx", missing_type, missing_moid);
              else
                fault_invalid_argument (self, msg, "RetrievePropertiesEx", "specSet.objectSet.obj");
              return;
            }
        }

      for (xmlNode *ps = vdi_sim_xml_child (spec, NULL, "propSet"); ps != NULL; ps = vdi_sim_xml_next (ps->next, NULL, "propSet"))
        {
          g_autofree char *type = vdi_sim_xml_child_text (ps, NULL, "type");
          g_autofree char *all = vdi_sim_xml_child_text (ps, NULL, "all");
          g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *prefix = g_strdup_printf ("%s:", type);

          for (xmlNode *p = vdi_sim_xml_child (ps, NULL, "pathSet"); p != NULL; p = vdi_sim_xml_next (p->next, NULL, "pathSet"))
            g_ptr_array_add (paths, vdi_sim_xml_text (p));
          if (g_strcmp0 (all, "true") == 0 && paths->len == 0)
            {
              g_ptr_array_unref (paths);
              paths = default_paths (type);
            }

          for (guint i = 0; i < objects->len; i++)
            if (g_str_has_prefix (g_ptr_array_index (objects, i), prefix))
              g_ptr_array_add (rendered, render_object (self, g_ptr_array_index (objects, i), paths));
        }
    }

  append_page (self, session, inner, rendered, max_objects_of (call));
  respond_body (self, msg, "RetrievePropertiesEx", inner->str);
}

static void
handle_continue (VdiSimVim         *self,
                 SoupServerMessage *msg,
                 xmlNode           *call,
                 Session           *session,
                 const char        *method)
{
  g_autofree char *token = vdi_sim_xml_child_text (call, NULL, "token");
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GString) inner = g_string_new (NULL);
  gpointer key = NULL;
  guint page_size;

  if (token == NULL || !g_hash_table_steal_extended (session->tokens, token, &key, (gpointer *) &rest))
    {
      fault_invalid_argument (self, msg, method, "token");
      return;
    }
  g_free (key);
  page_size = GPOINTER_TO_UINT (g_hash_table_lookup (session->page_sizes, token));
  g_hash_table_remove (session->page_sizes, token);

  if (g_str_equal (method, "CancelRetrievePropertiesEx"))
    {
      respond_body (self, msg, method, NULL);
      return;
    }

  /* Continue pages with the size of the first call: vCenter keeps the original options. */
  append_page (self, session, inner, rest, page_size);
  respond_body (self, msg, method, inner->str);
}

static VdiSimVm *
find_this_vm (VdiSimVim         *self,
              SoupServerMessage *msg,
              const char        *method,
              xmlNode           *call)
{
  g_autofree char *moid = vdi_sim_xml_child_text (call, NULL, "_this");
  VdiSimVm *vm = vdi_sim_provider_find_vm (self->vc, moid);
  g_autofree char *text = NULL;
  g_autofree char *fields = NULL;

  if (vm != NULL)
    return vm;

  text = g_strdup_printf ("managed object not found: VirtualMachine:%s", moid != NULL ? moid : "");
  fields = g_markup_printf_escaped ("<obj type=\"VirtualMachine\">%s</obj>", moid != NULL ? moid : "");
  respond_fault (self, msg, method, "ManagedObjectNotFound", text, fields);
  return NULL;
}

static void
respond_task (VdiSimVim         *self,
              SoupServerMessage *msg,
              const char        *method,
              VdiSimJob         *job,
              VdiSimFaultRule   *injected)
{
  g_autofree char *inner = g_strdup_printf ("<returnval type=\"Task\">%s</returnval>", job->id);

  if (injected != NULL && g_str_has_prefix (injected->fault, "task"))
    {
      const char *colon = strchr (injected->fault, ':');

      vdi_sim_world_inject_job_failure (self->world, job, colon != NULL ? colon + 1 : "SystemError", injected->message);
    }
  respond_body (self, msg, method, inner);
}

static void
handle_clone (VdiSimVim         *self,
              SoupServerMessage *msg,
              xmlNode           *call,
              VdiSimFaultRule   *injected)
{
  VdiSimVm *vm = find_this_vm (self, msg, "CloneVM_Task", call);
  xmlNode *spec = vdi_sim_xml_child (call, NULL, "spec");
  xmlNode *location = vdi_sim_xml_child (spec, NULL, "location");
  g_autofree char *name = vdi_sim_xml_child_text (call, NULL, "name");
  g_autofree char *ds_moid = vdi_sim_xml_child_text (location, NULL, "datastore");
  g_autofree char *pool = vdi_sim_xml_child_text (location, NULL, "pool");
  g_autofree char *host_moid = vdi_sim_xml_child_text (location, NULL, "host");
  g_autofree char *move = vdi_sim_xml_child_text (location, NULL, "diskMoveType");
  g_autofree char *template = vdi_sim_xml_child_text (spec, NULL, "template");
  g_autofree char *power_on = vdi_sim_xml_child_text (spec, NULL, "powerOn");
  VdiSimDatastore *ds = NULL;
  VdiSimEsxHost *host = NULL;

  if (vm == NULL)
    return;
  if (spec == NULL || location == NULL || name == NULL || *name == '\0' || template == NULL || power_on == NULL)
    {
      fault_invalid_argument (self, msg, "CloneVM_Task", spec == NULL ? "spec" : name == NULL || *name == '\0' ? "name" : "spec");
      return;
    }
  if (ds_moid != NULL)
    {
      ds = vdi_sim_provider_find_datastore (self->vc, ds_moid);
      if (ds == NULL || !g_str_equal (ds->moid, ds_moid))
        {
          fault_not_found (self, msg, "CloneVM_Task", "Datastore", ds_moid);
          return;
        }
    }
  if (host_moid != NULL)
    {
      host = vdi_sim_provider_find_esx_host (self->vc, host_moid);
      if (host == NULL || !g_str_equal (host->moid, host_moid))
        {
          fault_not_found (self, msg, "CloneVM_Task", "HostSystem", host_moid);
          return;
        }
    }
  if (pool != NULL && !g_str_equal (pool, self->vc->pool_moid))
    {
      fault_not_found (self, msg, "CloneVM_Task", "ResourcePool", pool);
      return;
    }

  respond_task (self, msg, "CloneVM_Task",
                vdi_sim_world_clone (self->world, self->vc, vm, name, ds, host, pool != NULL,
                                     g_strcmp0 (template, "true") == 0, g_strcmp0 (power_on, "true") == 0,
                                     g_strcmp0 (move, "createNewChildDiskBacking") == 0),
                injected);
}

static void
handle_mark (VdiSimVim         *self,
             SoupServerMessage *msg,
             xmlNode           *call,
             gboolean           as_template)
{
  const char *method = as_template ? "MarkAsTemplate" : "MarkAsVirtualMachine";
  VdiSimVm *vm = find_this_vm (self, msg, method, call);

  if (vm == NULL)
    return;
  if (vm->is_template == as_template)
    {
      respond_fault (self, msg, method, "NotSupported", "The operation is not supported on the object.", NULL);
      return;
    }
  if (as_template && vm->power != VDI_SIM_POWER_OFF)
    {
      respond_fault (self, msg, method, "InvalidPowerState", "The attempted operation cannot be performed in the current state (Powered on).",
                     "<requestedState>poweredOff</requestedState><existingState>poweredOn</existingState>");
      return;
    }
  if (!as_template)
    {
      g_autofree char *pool = vdi_sim_xml_child_text (call, NULL, "pool");
      g_autofree char *host_moid = vdi_sim_xml_child_text (call, NULL, "host");

      if (pool == NULL)
        {
          fault_invalid_argument (self, msg, method, "pool");
          return;
        }
      if (!g_str_equal (pool, self->vc->pool_moid))
        {
          fault_not_found (self, msg, method, "ResourcePool", pool);
          return;
        }
      if (host_moid != NULL)
        {
          VdiSimEsxHost *host = vdi_sim_provider_find_esx_host (self->vc, host_moid);

          if (host == NULL)
            {
              fault_not_found (self, msg, method, "HostSystem", host_moid);
              return;
            }
          vm->host = host;
        }
    }

  vm->is_template = as_template;
  vdi_sim_world_notify_changed (self->world);
  respond_body (self, msg, method, NULL);
}

/* Property collectors and WaitForUpdatesEx ---------------------------------------------------- */

static void
handle_create_filter (VdiSimVim         *self,
                      SoupServerMessage *msg,
                      xmlNode           *call,
                      Session           *session)
{
  xmlNode *spec = vdi_sim_xml_child (call, NULL, "spec");
  xmlNode *ps = vdi_sim_xml_child (spec, NULL, "propSet");
  Filter *filter;
  g_autoptr(GString) inner = g_string_new (NULL);

  if (spec == NULL || ps == NULL)
    {
      fault_invalid_argument (self, msg, "CreateFilter", "spec");
      return;
    }

  filter = g_new0 (Filter, 1);
  filter->moid = new_session_moid (self, session);
  filter->type = vdi_sim_xml_child_text (ps, NULL, "type");
  filter->paths = g_ptr_array_new_with_free_func (g_free);
  filter->objects = g_ptr_array_new_with_free_func (g_free);
  filter->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (xmlNode *p = vdi_sim_xml_child (ps, NULL, "pathSet"); p != NULL; p = vdi_sim_xml_next (p->next, NULL, "pathSet"))
    g_ptr_array_add (filter->paths, vdi_sim_xml_text (p));
  if (filter->paths->len == 0)
    {
      g_ptr_array_unref (filter->paths);
      filter->paths = default_paths (filter->type);
    }
  for (xmlNode *os = vdi_sim_xml_child (spec, NULL, "objectSet"); os != NULL; os = vdi_sim_xml_next (os->next, NULL, "objectSet"))
    {
      g_autofree char *missing_type = NULL;
      g_autofree char *missing_moid = NULL;

      if (!resolve_object_set (self, session, os, filter->objects, &missing_type, &missing_moid))
        {
          filter_free (filter);
          if (missing_type != NULL)
            fault_not_found (self, msg, "CreateFilter", missing_type, missing_moid);
          else
            fault_invalid_argument (self, msg, "CreateFilter", "spec.objectSet");
          return;
        }
    }

  g_hash_table_insert (session->filters, filter->moid, filter);
  g_string_append (inner, "<returnval type=\"PropertyFilter\">");
  vdi_sim_xml_append_escaped (inner, filter->moid);
  g_string_append (inner, "</returnval>");
  respond_body (self, msg, "CreateFilter", inner->str);
}

/* Appends the changes since the last report; returns whether there were any. */
static gboolean
collect_updates (VdiSimVim *self,
                 Session   *session,
                 GString   *out)
{
  GHashTableIter iter;
  gpointer value;
  gboolean any = FALSE;

  g_hash_table_iter_init (&iter, session->filters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Filter *filter = value;
      g_autoptr(GString) filter_out = g_string_new (NULL);

      for (guint i = 0; i < filter->objects->len; i++)
        {
          const char *object = g_ptr_array_index (filter->objects, i);
          const char *colon = strchr (object, ':');
          g_autofree char *type = g_strndup (object, colon - object);
          g_autoptr(GString) changes = g_string_new (NULL);
          gboolean exists = object_exists (self, type, colon + 1);

          if (!exists)
            continue;
          for (guint j = 0; j < filter->paths->len; j++)
            {
              const char *path = g_ptr_array_index (filter->paths, j);
              g_autofree char *key = g_strdup_printf ("%s/%s", object, path);
              g_autoptr(GString) val = g_string_new (NULL);
              gboolean unset = FALSE;
              const char *previous;

              if (!render_property (self, type, colon + 1, path, val, &unset))
                continue;
              previous = g_hash_table_lookup (filter->reported, key);
              if (previous != NULL && g_str_equal (previous, val->str))
                continue;
              if (previous == NULL && unset && filter->entered)
                continue;
              g_hash_table_insert (filter->reported, g_steal_pointer (&key), g_strdup (val->str));
              g_string_append_printf (changes, "<changeSet><name>%s</name><op>assign</op>%s</changeSet>", path, val->str);
            }
          if (changes->len > 0)
            {
              g_string_append_printf (filter_out, "<objectSet><kind>%s</kind><obj type=\"%s\">%s</obj>%s</objectSet>",
                                      filter->entered ? "modify" : "enter", type, colon + 1, changes->str);
            }
        }
      filter->entered = TRUE;

      if (filter_out->len > 0)
        {
          any = TRUE;
          g_string_append (out, "<filterSet><filter type=\"PropertyFilter\">");
          vdi_sim_xml_append_escaped (out, filter->moid);
          g_string_append_printf (out, "</filter>%s</filterSet>", filter_out->str);
        }
    }

  return any;
}

static gboolean
answer_wait (VdiSimVim         *self,
             SoupServerMessage *msg,
             Session           *session,
             gboolean           force)
{
  g_autoptr(GString) updates = g_string_new (NULL);
  g_autofree char *inner = NULL;

  if (!collect_updates (self, session, updates))
    {
      if (!force)
        return FALSE;
      respond_body (self, msg, "WaitForUpdatesEx", NULL);
      return TRUE;
    }

  inner = g_strdup_printf ("<returnval><version>%u</version>%s</returnval>", ++session->version, updates->str);
  respond_body (self, msg, "WaitForUpdatesEx", inner);
  return TRUE;
}

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *waiter = user_data;
  VdiSimVim *self = waiter->self;
  Session *session = g_hash_table_lookup (self->sessions, waiter->session_key);

  waiter->timeout_id = 0;
  if (session != NULL && vdi_sim_server_is_pending (self->server, waiter->msg))
    answer_wait (self, waiter->msg, session, TRUE);
  else if (vdi_sim_server_is_pending (self->server, waiter->msg))
    respond_not_authenticated (self, waiter->msg, "WaitForUpdatesEx", "PropertyCollector", waiter->collector);
  g_ptr_array_remove (self->waiters, waiter);

  return G_SOURCE_REMOVE;
}

static void
world_changed_cb (VdiSimWorld *world,
                  gpointer     user_data)
{
  VdiSimVim *self = user_data;

  for (guint i = self->waiters->len; i > 0; i--)
    {
      Waiter *waiter = g_ptr_array_index (self->waiters, i - 1);
      Session *session = g_hash_table_lookup (self->sessions, waiter->session_key);

      if (session == NULL || !vdi_sim_server_is_pending (self->server, waiter->msg))
        {
          /* Logged out while waiting: the poll ends the way an unauthenticated call does. */
          if (vdi_sim_server_is_pending (self->server, waiter->msg))
            respond_not_authenticated (self, waiter->msg, "WaitForUpdatesEx", "PropertyCollector", waiter->collector);
          g_ptr_array_remove_index (self->waiters, i - 1);
          continue;
        }
      if (answer_wait (self, waiter->msg, session, FALSE))
        g_ptr_array_remove_index (self->waiters, i - 1);
    }
}

static void
handle_wait (VdiSimVim         *self,
             SoupServerMessage *msg,
             xmlNode           *call,
             Session           *session)
{
  g_autofree char *max_wait = vdi_sim_xml_child_text (vdi_sim_xml_child (call, NULL, "options"), NULL, "maxWaitSeconds");
  guint64 seconds = 600;
  Waiter *waiter;

  if (max_wait != NULL)
    g_ascii_string_to_unsigned (max_wait, 10, 0, 3600, &seconds, NULL);

  if (answer_wait (self, msg, session, seconds == 0))
    return;

  /* Long poll: the message stays paused until a change or maxWaitSeconds. */
  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->msg = g_object_ref (msg);
  waiter->session_key = g_strdup (session->key);
  waiter->collector = vdi_sim_xml_child_text (call, NULL, "_this");
  waiter->timeout_id = g_timeout_add ((guint) seconds * 1000, waiter_timeout_cb, waiter);
  g_ptr_array_add (self->waiters, waiter);
}

/* Dispatch --------------------------------------------------------------------------------- */

static void
vim_handler (VdiSimServer      *server,
             SoupServerMessage *msg,
             const char        *path,
             GBytes            *body,
             gpointer           user_data)
{
  VdiSimVim *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimFaultRule) injected = NULL;
  xmlDoc *doc = NULL;
  xmlNode *root, *soap_body, *call;
  const char *method;
  Session *session;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if (g_strcmp0 (path, "/sdk") != 0 && g_strcmp0 (path, "/sdk/vimService") != 0)
    {
      vdi_sim_provider_count_request (self->vc, "(not found)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      vdi_sim_provider_count_request (self->vc, "(not POST)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  doc = vdi_sim_xml_parse (data, length, &error);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  soap_body = vdi_sim_xml_child (root, VDI_SIM_NS_SOAP11, "Body");
  call = vdi_sim_xml_first_element (soap_body);
  if (doc == NULL || !vdi_sim_xml_is (root, VDI_SIM_NS_SOAP11, "Envelope") || call == NULL)
    {
      vdi_sim_provider_count_request (self->vc, "(invalid)");
      respond_fault (self, msg, NULL, "InvalidRequest", error != NULL ? error->message : "not a SOAP 1.1 request", NULL);
      g_clear_pointer (&doc, xmlFreeDoc);
      return;
    }

  method = (const char *) call->name;
  vdi_sim_provider_count_request (self->vc, method);
  session = session_for (self, msg);

  injected = vdi_sim_provider_take_fault (self->vc, method);
  if (injected != NULL && !g_str_has_prefix (injected->fault, "task"))
    {
      respond_fault (self, msg, method, injected->fault, injected->message, NULL);
      xmlFreeDoc (doc);
      return;
    }

  if (g_str_equal (method, "RetrieveServiceContent"))
    handle_service_content (self, msg);
  else if (g_str_equal (method, "Login"))
    handle_login (self, msg, call, session);
  else if (session == NULL)
    {
      g_autofree char *this_type = vdi_sim_xml_attr (vdi_sim_xml_child (call, NULL, "_this"), "type");
      g_autofree char *this_moid = vdi_sim_xml_child_text (call, NULL, "_this");

      respond_not_authenticated (self, msg, method, this_type != NULL ? this_type : "SessionManager", this_moid);
    }
  else if (g_str_equal (method, "Logout"))
    {
      g_hash_table_remove (self->sessions, session->key);
      respond_body (self, msg, method, NULL);
    }
  else if (g_str_equal (method, "CreateContainerView"))
    handle_create_container_view (self, msg, call, session);
  else if (g_str_equal (method, "DestroyView"))
    {
      g_autofree char *moid = vdi_sim_xml_child_text (call, NULL, "_this");

      if (moid == NULL || !g_hash_table_remove (session->views, moid))
        fault_not_found (self, msg, method, "ContainerView", moid);
      else
        respond_body (self, msg, method, NULL);
    }
  else if (g_str_equal (method, "RetrievePropertiesEx"))
    handle_retrieve (self, msg, call, session);
  else if (g_str_equal (method, "ContinueRetrievePropertiesEx") || g_str_equal (method, "CancelRetrievePropertiesEx"))
    handle_continue (self, msg, call, session, method);
  else if (g_str_equal (method, "CloneVM_Task"))
    handle_clone (self, msg, call, injected);
  else if (g_str_equal (method, "MarkAsTemplate") || g_str_equal (method, "MarkAsVirtualMachine"))
    handle_mark (self, msg, call, g_str_equal (method, "MarkAsTemplate"));
  else if (g_str_equal (method, "PowerOnVM_Task") || g_str_equal (method, "PowerOffVM_Task") || g_str_equal (method, "Destroy_Task"))
    {
      VdiSimVm *vm = find_this_vm (self, msg, method, call);

      if (vm != NULL && g_str_equal (method, "PowerOnVM_Task") && vm->is_template)
        respond_fault (self, msg, method, "InvalidState", "The operation is not allowed in the current state: cannot power on a template.", NULL);
      else if (vm != NULL)
        respond_task (self, msg, method,
                      g_str_equal (method, "Destroy_Task") ? vdi_sim_world_destroy_vm (self->world, self->vc, vm)
                                                          : vdi_sim_world_power (self->world, self->vc, vm, g_str_equal (method, "PowerOnVM_Task")),
                      injected);
    }
  else if (g_str_equal (method, "CreatePropertyCollector"))
    {
      g_autofree char *moid = new_session_moid (self, session);
      g_autofree char *inner = g_strdup_printf ("<returnval type=\"PropertyCollector\">%s</returnval>", moid);

      respond_body (self, msg, method, inner);
    }
  else if (g_str_equal (method, "CreateFilter"))
    handle_create_filter (self, msg, call, session);
  else if (g_str_equal (method, "DestroyPropertyFilter"))
    {
      g_autofree char *moid = vdi_sim_xml_child_text (call, NULL, "_this");

      if (moid == NULL || !g_hash_table_remove (session->filters, moid))
        fault_not_found (self, msg, method, "PropertyFilter", moid);
      else
        respond_body (self, msg, method, NULL);
    }
  else if (g_str_equal (method, "DestroyPropertyCollector"))
    respond_body (self, msg, method, NULL);
  else if (g_str_equal (method, "WaitForUpdatesEx"))
    handle_wait (self, msg, call, session);
  else
    {
      g_autofree char *text = g_strdup_printf ("no vmomi type defined for '%s'", method);

      respond_fault (self, msg, method, "InvalidRequest", text, NULL);
    }

  xmlFreeDoc (doc);
}

VdiSimVim *
vdi_sim_vim_new (VdiSimWorld  *world,
                 VdiSimServer *server)
{
  VdiSimVim *self;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (world), NULL);
  g_return_val_if_fail (VDI_SIM_IS_SERVER (server), NULL);

  self = g_object_new (VDI_SIM_TYPE_VIM, NULL);
  self->world = g_object_ref (world);
  self->server = g_object_ref (server);
  self->vc = vdi_sim_server_get_provider (server);
  self->changed_id = g_signal_connect (world, "changed", G_CALLBACK (world_changed_cb), self);
  vdi_sim_server_set_handler (server, vim_handler, self);

  return self;
}
