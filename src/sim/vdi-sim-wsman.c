/* vdi-sim-wsman.c
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

#include "vdi-sim-cim.h"
#include "vdi-sim-migration.h"
#include "vdi-sim-wql.h"
#include "vdi-sim-wsman.h"
#include "vdi-sim-xml.h"

/* One simulated Hyper-V host: WS-Management (SOAP 1.2) at /wsman over WMI
 * root/virtualization/v2, the subset of research/hyperv-wsman.md §9. Shapes follow the
 * captures quoted there; every answer is read from the world. */

#define NS_V2          "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define NS_CIM         "http://schemas.dmtf.org/wbem/wscim/1/common"
#define NS_MSWSMAN     "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define NS_WSMANFAULT  "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define ANONYMOUS      "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define WQL_DIALECT    "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define ACTION_FAULT   "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
#define ACTION_EN_FAULT "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"
#define ACTION_WSA_FAULT "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
#define SOAP_CONTENT_TYPE "application/soap+xml;charset=UTF-8"

typedef struct
{
  char   *id;
  GPtrArray *items;       /* rendered XML, one per item */
  guint   position;
  gint64  expires_us;     /* monotonic */
} EnumContext;

struct _VdiSimWsman
{
  GObject         parent_instance;

  VdiSimWorld    *world;
  VdiSimServer   *server;
  VdiSimProvider *host;
  GHashTable     *contexts;   /* id -> EnumContext */
};

G_DEFINE_FINAL_TYPE (VdiSimWsman, vdi_sim_wsman, G_TYPE_OBJECT)

typedef struct
{
  xmlDoc     *doc;
  xmlNode    *header;
  xmlNode    *body;
  char       *action;
  char       *resource_uri;
  char       *message_id;
  char       *operation_timeout;
  GHashTable *selectors;
  const char *method;   /* for counters and injection, static or owned by method_owned */
  char       *method_owned;
} Request;

static void
request_clear (Request *req)
{
  g_clear_pointer (&req->doc, xmlFreeDoc);
  g_clear_pointer (&req->action, g_free);
  g_clear_pointer (&req->resource_uri, g_free);
  g_clear_pointer (&req->message_id, g_free);
  g_clear_pointer (&req->operation_timeout, g_free);
  g_clear_pointer (&req->selectors, g_hash_table_unref);
  g_clear_pointer (&req->method_owned, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

static void
enum_context_free (EnumContext *context)
{
  g_free (context->id);
  g_ptr_array_unref (context->items);
  g_free (context);
}

static void
vdi_sim_wsman_finalize (GObject *object)
{
  VdiSimWsman *self = VDI_SIM_WSMAN (object);

  g_clear_pointer (&self->contexts, g_hash_table_unref);
  g_clear_object (&self->server);
  g_clear_object (&self->world);

  G_OBJECT_CLASS (vdi_sim_wsman_parent_class)->finalize (object);
}

static void
vdi_sim_wsman_class_init (VdiSimWsmanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vdi_sim_wsman_finalize;
}

static void
vdi_sim_wsman_init (VdiSimWsman *self)
{
  self->contexts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) enum_context_free);
}

/* Output ----------------------------------------------------------------------------------- */

static char *
new_message_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *upper = g_ascii_strup (uuid, -1);

  return g_strdup_printf ("uuid:%s", upper);
}

static GString *
envelope_begin (const char *action,
                const char *relates_to)
{
  GString *out = g_string_new (NULL);
  g_autofree char *message_id = new_message_id ();

  g_string_append (out,
                   "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" VDI_SIM_NS_SOAP12 "\""
                   " xmlns:a=\"" VDI_SIM_NS_WSA "\""
                   " xmlns:n=\"" VDI_SIM_NS_WSEN "\""
                   " xmlns:x=\"" VDI_SIM_NS_WXF "\""
                   " xmlns:w=\"" VDI_SIM_NS_WSMAN "\""
                   " xmlns:p=\"" NS_MSWSMAN "\">"
                   "<s:Header>");
  if (action != NULL)
    vdi_sim_xml_append_element (out, "a:Action", action);
  vdi_sim_xml_append_element (out, "a:MessageID", message_id);
  vdi_sim_xml_append_element (out, "a:To", ANONYMOUS);
  if (relates_to != NULL)
    vdi_sim_xml_append_element (out, "a:RelatesTo", relates_to);
  g_string_append (out, "</s:Header><s:Body>");

  return out;
}

static void
respond_envelope (VdiSimWsman       *self,
                  SoupServerMessage *msg,
                  Request           *req,
                  guint              status,
                  GString           *out)
{
  g_string_append (out, "</s:Body></s:Envelope>");
  vdi_sim_server_respond (self->server, msg, req->method, status, SOAP_CONTENT_TYPE, out->str, out->len);
}

static void
respond_fault_full (VdiSimWsman       *self,
                    SoupServerMessage *msg,
                    Request           *req,
                    const char        *action,
                    const char        *code,
                    const char        *subcode,
                    const char        *reason,
                    const char        *detail_uri,
                    const char        *wsman_code,
                    const char        *message)
{
  g_autoptr(GString) out = envelope_begin (action, req->message_id);

  g_string_append (out, "<s:Fault><s:Code><s:Value>");
  g_string_append (out, code);
  g_string_append (out, "</s:Value>");
  if (subcode != NULL)
    g_string_append_printf (out, "<s:Subcode><s:Value>%s</s:Value></s:Subcode>", subcode);
  g_string_append (out, "</s:Code><s:Reason><s:Text xml:lang=\"en-US\">");
  vdi_sim_xml_append_escaped (out, reason);
  g_string_append (out, "</s:Text></s:Reason>");
  if (detail_uri != NULL || wsman_code != NULL)
    {
      g_string_append (out, "<s:Detail>");
      if (detail_uri != NULL)
        vdi_sim_xml_append_element (out, "w:FaultDetail", detail_uri);
      if (wsman_code != NULL)
        {
          g_string_append_printf (out, "<f:WSManFault xmlns:f=\"" NS_WSMANFAULT "\" Code=\"%s\" Machine=\"", wsman_code);
          vdi_sim_xml_append_escaped (out, self->host->name);
          g_string_append (out, "\"><f:Message>");
          vdi_sim_xml_append_escaped (out, message != NULL ? message : reason);
          g_string_append (out, "</f:Message></f:WSManFault>");
        }
      g_string_append (out, "</s:Detail>");
    }
  g_string_append (out, "</s:Fault>");

  respond_envelope (self, msg, req, SOUP_STATUS_INTERNAL_SERVER_ERROR, out);
}

typedef struct
{
  const char *name;
  const char *action;
  const char *code;
  const char *subcode;
  const char *reason;
  const char *detail;
  const char *wsman_code;
} FaultShape;

static const FaultShape fault_shapes[] = {
  { "InvalidSelectors", ACTION_FAULT, "s:Sender", "w:InvalidSelectors",
    "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors", "2150858843" },
  { "InsufficientSelectors", ACTION_FAULT, "s:Sender", "w:InvalidSelectors",
    "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InsufficientSelectors", "2150858842" },
  { "AccessDenied", ACTION_FAULT, "s:Sender", "w:AccessDenied", "Access is denied. ", NULL, "5" },
  { "DestinationUnreachable", ACTION_FAULT, "s:Sender", "a:DestinationUnreachable",
    "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors. ",
    NULL, "2150858752" },
  { "CannotProcessFilter", ACTION_EN_FAULT, "s:Sender", "n:CannotProcessFilter",
    "The data source could not process the filter. The filter might be missing or it might be invalid. Change the filter and try the request again. ",
    NULL, "2150858778" },
  { "InvalidEnumerationContext", ACTION_EN_FAULT, "s:Receiver", "n:InvalidEnumerationContext",
    "The enumeration context supplied in the message is not valid because it is either expired or not recognized. ",
    NULL, "2150858779" },
  { "TimedOut", ACTION_FAULT, "s:Receiver", "w:TimedOut",
    "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ",
    NULL, "2150858793" },
  { "SchemaValidationError", ACTION_FAULT, "s:Sender", "w:SchemaValidationError",
    "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. ",
    NULL, "2150858817" },
  { "InvalidParameter", ACTION_FAULT, "s:Sender", "w:InvalidParameter",
    "The parameter is incorrect. ",
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue", "87" },
  { "InternalError", ACTION_FAULT, "s:Receiver", "w:InternalError",
    "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x80041001 ",
    NULL, "2147749889" },
  { "ActionNotSupported", ACTION_WSA_FAULT, "s:Sender", "a:ActionNotSupported",
    "The action is not supported by the service. ", NULL, "2150858754" },
  { "EncodingLimit", ACTION_FAULT, "s:Sender", "w:EncodingLimit",
    "The WS-Management service cannot process the request because the XML is invalid or exceeds a limit. ",
    NULL, "2150858817" },
};

static void
respond_fault (VdiSimWsman       *self,
               SoupServerMessage *msg,
               Request           *req,
               const char        *name,
               const char        *message)
{
  const FaultShape *shape = &fault_shapes[G_N_ELEMENTS (fault_shapes) - 3];  /* InternalError */

  for (guint i = 0; i < G_N_ELEMENTS (fault_shapes); i++)
    if (g_ascii_strcasecmp (fault_shapes[i].name, name) == 0)
      shape = &fault_shapes[i];

  respond_fault_full (self, msg, req, shape->action, shape->code, shape->subcode, shape->reason,
                      shape->detail, shape->wsman_code, message);
}

static char *
format_interval (double seconds)
{
  guint64 total = (guint64) MAX (seconds, 0);
  guint days = total / 86400, hours = (total / 3600) % 24, minutes = (total / 60) % 60;
  double secs = seconds - (double) (total - total % 60);

  return g_strdup_printf ("P%uDT%uH%uM%.6fS", days, hours, minutes, MAX (secs, 0.0));
}

static char *
format_datetime (VdiSimWsman *self,
                 double       sim_seconds)
{
  g_autoptr(GDateTime) dt = vdi_sim_clock_to_datetime (vdi_sim_world_get_clock (self->world), sim_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static guint
enabled_state (VdiSimVm *vm)
{
  switch (vm->power)
    {
    case VDI_SIM_POWER_ON:
      return 2;
    case VDI_SIM_POWER_SAVED:
      return 32769;
    case VDI_SIM_POWER_PAUSED:
      return 32768;
    case VDI_SIM_POWER_OFF:
    default:
      return 3;
    }
}

static VdiSimCimInstance *
host_instance (VdiSimWsman *self)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new ("Msvm_ComputerSystem");
  g_autofree char *name = g_ascii_strup (self->host->name, -1);

  vdi_sim_cim_add_str (instance, "Caption", "Hosting Computer System");
  vdi_sim_cim_add_key (instance, "CreationClassName", "Msvm_ComputerSystem");
  vdi_sim_cim_add_str (instance, "Description", "Microsoft Hosting Computer System");
  vdi_sim_cim_add_str (instance, "ElementName", name);
  vdi_sim_cim_add_uint (instance, "EnabledState", 2);
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add (instance, "InstanceID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_key (instance, "Name", name);
  vdi_sim_cim_add_uint (instance, "OperationalStatus", 2);
  vdi_sim_cim_add_str (instance, "PrimaryOwnerName", self->host->user);
  vdi_sim_cim_add_uint (instance, "RequestedState", 12);

  return instance;
}

static VdiSimCimInstance *
vm_instance (VdiSimWsman *self,
             VdiSimVm    *vm)
{
  const char *class_name = vm->planned ? "Msvm_PlannedComputerSystem" : "Msvm_ComputerSystem";
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (class_name);

  vdi_sim_cim_add_str (instance, "Caption", vm->planned ? "Planned Virtual Machine" : "Virtual Machine");
  vdi_sim_cim_add_key (instance, "CreationClassName", class_name);
  vdi_sim_cim_add_str (instance, "Description", vm->planned ? "Microsoft Planned Virtual Machine" : "Microsoft Virtual Machine");
  vdi_sim_cim_add_str (instance, "ElementName", vm->name);
  vdi_sim_cim_add_uint (instance, "EnabledState", vm->planned ? 3 : enabled_state (vm));
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add (instance, "InstanceID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_key (instance, "Name", vm->id);
  vdi_sim_cim_add_uint (instance, "OperationalStatus", vm->busy > 0 ? 32773 : 2);
  if (vm->power == VDI_SIM_POWER_ON && !vm->planned)
    vdi_sim_cim_add_uint (instance, "ProcessID", 4000 + g_str_hash (vm->id) % 20000);
  else
    vdi_sim_cim_add (instance, "ProcessID", VDI_SIM_CIM_NIL, NULL);
  vdi_sim_cim_add_uint (instance, "RequestedState", 12);

  return instance;
}

static const char *
job_caption (VdiSimJob *job)
{
  switch (job->kind)
    {
    case VDI_SIM_JOB_EXPORT:
      return "Exporting Virtual Machine";
    case VDI_SIM_JOB_IMPORT:
      return "Importing Virtual Machine";
    case VDI_SIM_JOB_REALIZE:
      return "Realizing Planned Virtual Machine";
    case VDI_SIM_JOB_DESTROY:
      return "Deleting Virtual Machine";
    case VDI_SIM_JOB_STATE_CHANGE:
      return "Changing Virtual Machine State";
    case VDI_SIM_JOB_MIGRATE:
      return "Migrating Virtual Machine";
    default:
      return "Job";
    }
}

static guint
job_state_value (VdiSimJob *job)
{
  switch (job->state)
    {
    case VDI_SIM_JOB_QUEUED:
      return 3;
    case VDI_SIM_JOB_RUNNING:
      return 4;
    case VDI_SIM_JOB_COMPLETED:
      return 7;
    case VDI_SIM_JOB_FAILED:
    default:
      return 10;
    }
}

static VdiSimCimInstance *
job_instance (VdiSimWsman *self,
              VdiSimJob   *job)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (job->job_class);
  double now = vdi_sim_world_now (self->world);
  double end = job->state == VDI_SIM_JOB_RUNNING || job->state == VDI_SIM_JOB_QUEUED ? now : job->end_time;
  g_autofree char *elapsed = format_interval (end - job->start_time);
  g_autofree char *start = format_datetime (self, job->start_time);
  g_autofree char *submitted = format_datetime (self, job->queue_time);
  const char *status;

  switch (job->state)
    {
    case VDI_SIM_JOB_COMPLETED:
      status = "Job completed successfully";
      break;
    case VDI_SIM_JOB_FAILED:
      status = "Job failed";
      break;
    case VDI_SIM_JOB_QUEUED:
    case VDI_SIM_JOB_RUNNING:
    default:
      status = "Job is running";
      break;
    }

  vdi_sim_cim_add_str (instance, "Caption", job_caption (job));
  vdi_sim_cim_add_str (instance, "Cancellable", "true");
  vdi_sim_cim_add_str (instance, "DeleteOnCompletion", "false");
  vdi_sim_cim_add_str (instance, "Description", job_caption (job));
  vdi_sim_cim_add (instance, "ElapsedTime", VDI_SIM_CIM_INTERVAL, elapsed);
  vdi_sim_cim_add_uint (instance, "ErrorCode", job->state == VDI_SIM_JOB_FAILED ? job->error_code : 0);
  vdi_sim_cim_add_str (instance, "ErrorDescription", job->state == VDI_SIM_JOB_FAILED ? job->error_description : "");
  vdi_sim_cim_add_str (instance, "ErrorSummaryDescription", job->state == VDI_SIM_JOB_FAILED ? job->error_description : "");
  vdi_sim_cim_add_key (instance, "InstanceID", job->id);
  vdi_sim_cim_add_uint (instance, "JobState", job_state_value (job));
  vdi_sim_cim_add_str (instance, "JobStatus", status);
  vdi_sim_cim_add_str (instance, "Name", job_caption (job));
  vdi_sim_cim_add_uint (instance, "PercentComplete", job->percent);
  vdi_sim_cim_add (instance, "StartTime", VDI_SIM_CIM_DATETIME, start);
  vdi_sim_cim_add (instance, "TimeBeforeRemoval", VDI_SIM_CIM_INTERVAL, "P0DT0H5M0S");
  vdi_sim_cim_add (instance, "TimeSubmitted", VDI_SIM_CIM_DATETIME, submitted);
  vdi_sim_cim_add (instance, "UntilTime", VDI_SIM_CIM_NIL, NULL);

  if (job->kind == VDI_SIM_JOB_MIGRATE)
    {
      vdi_sim_cim_add_str (instance, "DestinationHost", job->new_name);
      vdi_sim_cim_add_uint (instance, "MigrationType", job->migration_type);
      vdi_sim_cim_add_str (instance, "VirtualSystemName", job->vm_id);
    }

  return instance;
}

static VdiSimCimInstance *
affected_instance (VdiSimWsman *self,
                   VdiSimJob   *job)
{
  VdiSimCimInstance *instance;
  const char *target_id = job->result_id != NULL ? job->result_id : job->vm_id;
  const char *target_class = job->result_class != NULL ? job->result_class : "Msvm_ComputerSystem";
  g_autoptr(GString) affected = g_string_new (NULL);
  g_autoptr(GString) affecting = g_string_new (NULL);

  if (target_id == NULL)
    return NULL;

  instance = vdi_sim_cim_instance_new ("Msvm_AffectedJobElement");
  vdi_sim_cim_append_epr (affected, "p:AffectedElement", target_class, "CreationClassName", target_class, "Name", target_id);
  vdi_sim_cim_append_epr (affecting, "p:AffectingElement", job->job_class, "InstanceID", job->id, NULL, NULL);
  vdi_sim_cim_add (instance, "AffectedElement", VDI_SIM_CIM_RAW, affected->str);
  vdi_sim_cim_add (instance, "AffectingElement", VDI_SIM_CIM_RAW, affecting->str);
  vdi_sim_cim_add_uint (instance, "ElementEffects", 5);
  vdi_sim_cim_add (instance, "OtherElementEffectsDescriptions", VDI_SIM_CIM_NIL, NULL);
  return instance;
}

static VdiSimCimInstance *
service_instance (VdiSimWsman *self,
                  const char  *class_name)
{
  VdiSimCimInstance *instance = vdi_sim_cim_instance_new (class_name);
  g_autofree char *host = g_ascii_strup (self->host->name, -1);
  gboolean migration = g_str_equal (class_name, "Msvm_VirtualSystemMigrationService");

  vdi_sim_cim_add_str (instance, "Caption", migration ? "Virtual System Migration Service" : "Hyper-V Virtual System Management Service");
  vdi_sim_cim_add_key (instance, "CreationClassName", class_name);
  vdi_sim_cim_add_str (instance, "ElementName", migration ? "Virtual System Migration Service" : "Hyper-V Virtual System Management Service");
  vdi_sim_cim_add_uint (instance, "EnabledState", 2);
  vdi_sim_cim_add_uint (instance, "HealthState", 5);
  vdi_sim_cim_add_key (instance, "Name", migration ? "vsms" : "vmms");
  vdi_sim_cim_add_str (instance, "Started", "true");
  vdi_sim_cim_add_key (instance, "SystemCreationClassName", "Msvm_ComputerSystem");
  vdi_sim_cim_add_key (instance, "SystemName", host);

  return instance;
}

static gboolean
is_known_class (const char *class_name)
{
  static const char *classes[] = {
    "Msvm_ComputerSystem", "CIM_ComputerSystem", "Msvm_PlannedComputerSystem", "Msvm_ConcreteJob",
    "CIM_ConcreteJob", "Msvm_MigrationJob", "Msvm_AffectedJobElement",
    "Msvm_VirtualSystemManagementService", "Msvm_VirtualSystemMigrationService",
    "Msvm_VirtualSystemMigrationServiceSettingData", NULL
  };

  for (guint i = 0; classes[i] != NULL; i++)
    if (g_ascii_strcasecmp (classes[i], class_name) == 0)
      return TRUE;
  return FALSE;
}

static GPtrArray *
collect_instances (VdiSimWsman *self,
                   const char  *class_name)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_cim_instance_free);
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);

  if (g_ascii_strcasecmp (class_name, "Msvm_ComputerSystem") == 0
      || g_ascii_strcasecmp (class_name, "CIM_ComputerSystem") == 0)
    {
      g_ptr_array_add (result, host_instance (self));
      for (guint i = 0; i < self->host->vms->len; i++)
        {
          VdiSimVm *vm = g_ptr_array_index (self->host->vms, i);

          if (!vm->planned)
            g_ptr_array_add (result, vm_instance (self, vm));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_PlannedComputerSystem") == 0)
    {
      for (guint i = 0; i < self->host->vms->len; i++)
        {
          VdiSimVm *vm = g_ptr_array_index (self->host->vms, i);

          if (vm->planned)
            g_ptr_array_add (result, vm_instance (self, vm));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_ConcreteJob") == 0
           || g_ascii_strcasecmp (class_name, "CIM_ConcreteJob") == 0
           || g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0)
    {
      gboolean migration_only = g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0;

      for (guint i = 0; i < jobs->len; i++)
        {
          VdiSimJob *job = g_ptr_array_index (jobs, i);

          if (job->provider != self->host || job->removed)
            continue;
          if (migration_only && job->kind != VDI_SIM_JOB_MIGRATE)
            continue;
          g_ptr_array_add (result, job_instance (self, job));
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_AffectedJobElement") == 0)
    {
      for (guint i = 0; i < jobs->len; i++)
        {
          VdiSimJob *job = g_ptr_array_index (jobs, i);
          VdiSimCimInstance *instance;

          if (job->provider != self->host || job->removed)
            continue;
          if ((instance = affected_instance (self, job)) != NULL)
            g_ptr_array_add (result, instance);
        }
    }
  else if (g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemMigrationServiceSettingData") == 0)
    g_ptr_array_add (result, vdi_sim_live_migration_instance (self->host));
  else if (g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemManagementService") == 0
           || g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemMigrationService") == 0)
    {
      g_ptr_array_add (result, service_instance (self, g_ascii_strcasecmp (class_name, "Msvm_VirtualSystemManagementService") == 0
                                                         ? "Msvm_VirtualSystemManagementService"
                                                         : "Msvm_VirtualSystemMigrationService"));
    }

  return result;
}

static GPtrArray *
run_associators (VdiSimWsman    *self,
                 VdiSimWqlQuery *query)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) vdi_sim_cim_instance_free);
  GPtrArray *jobs = vdi_sim_world_get_jobs (self->world);

  if (query->assoc_class != NULL && g_ascii_strcasecmp (query->assoc_class, "Msvm_AffectedJobElement") != 0)
    return result;

  for (guint i = 0; i < jobs->len; i++)
    {
      VdiSimJob *job = g_ptr_array_index (jobs, i);
      const char *target_id = job->result_id != NULL ? job->result_id : job->vm_id;
      VdiSimVm *vm;

      if (job->provider != self->host || job->removed || g_ascii_strcasecmp (job->id, query->source_value) != 0)
        continue;

      vm = vdi_sim_provider_find_vm (self->host, target_id);
      if (vm == NULL)
        continue;
      if (query->result_class != NULL
          && g_ascii_strcasecmp (query->result_class, vm->planned ? "Msvm_PlannedComputerSystem" : "Msvm_ComputerSystem") != 0
          && g_ascii_strcasecmp (query->result_class, "CIM_ComputerSystem") != 0)
        continue;
      g_ptr_array_add (result, vm_instance (self, vm));
    }

  return result;
}

/* Request parsing ------------------------------------------------------------------------------ */

static gboolean
parse_request (Request  *req,
               GBytes   *body,
               GError  **error)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  xmlNode *root, *selector_set;

  req->doc = vdi_sim_xml_parse (data, length, error);
  if (req->doc == NULL)
    return FALSE;

  root = xmlDocGetRootElement (req->doc);
  if (!vdi_sim_xml_is (root, VDI_SIM_NS_SOAP12, "Envelope"))
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "The root element is not a SOAP 1.2 Envelope");
      return FALSE;
    }

  req->header = vdi_sim_xml_child (root, VDI_SIM_NS_SOAP12, "Header");
  req->body = vdi_sim_xml_child (root, VDI_SIM_NS_SOAP12, "Body");
  if (req->body == NULL)
    {
      g_set_error_literal (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_MALFORMED,
                           "The SOAP Envelope has no Body");
      return FALSE;
    }

  req->action = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSA, "Action");
  req->resource_uri = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSMAN, "ResourceURI");
  req->message_id = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSA, "MessageID");
  req->operation_timeout = vdi_sim_xml_child_text (req->header, VDI_SIM_NS_WSMAN, "OperationTimeout");
  req->selectors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  selector_set = vdi_sim_xml_child (req->header, VDI_SIM_NS_WSMAN, "SelectorSet");
  for (xmlNode *sel = vdi_sim_xml_child (selector_set, VDI_SIM_NS_WSMAN, "Selector");
       sel != NULL; sel = vdi_sim_xml_next (sel->next, VDI_SIM_NS_WSMAN, "Selector"))
    {
      g_autofree char *name = vdi_sim_xml_attr (sel, "Name");

      if (name != NULL)
        g_hash_table_insert (req->selectors, g_steal_pointer (&name), vdi_sim_xml_text (sel));
    }

  return TRUE;
}

static char *
class_from_uri (const char *uri)
{
  const char *slash;

  if (uri == NULL)
    return NULL;
  slash = strrchr (uri, '/');
  return g_strdup (slash != NULL ? slash + 1 : uri);
}

static gboolean
is_v2_uri (const char *uri)
{
  return uri != NULL && g_str_has_prefix (uri, NS_V2);
}

/* Parses a CIM-XML <INSTANCE> (escaped text or CDATA) into NAME -> VALUE. */
static GHashTable *
parse_embedded_instance (xmlNode *param)
{
  g_autofree char *text = vdi_sim_xml_text (param);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) props = NULL;
  xmlDoc *doc;
  xmlNode *root;

  if (text == NULL || *text == '\0')
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  doc = vdi_sim_xml_parse (text, strlen (text), &error);
  if (doc == NULL)
    return NULL;

  root = xmlDocGetRootElement (doc);
  if (!vdi_sim_xml_is (root, NULL, "INSTANCE"))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  props = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (xmlNode *prop = vdi_sim_xml_child (root, NULL, NULL); prop != NULL;
       prop = vdi_sim_xml_next (prop->next, NULL, NULL))
    {
      g_autofree char *name = vdi_sim_xml_attr (prop, "NAME");
      xmlNode *value = vdi_sim_xml_find (prop, NULL, "VALUE");

      if (name != NULL && value != NULL)
        g_hash_table_insert (props, g_steal_pointer (&name), vdi_sim_xml_text (value));
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&props);
}

static gboolean
parse_bool (const char *text,
            gboolean    fallback)
{
  if (text == NULL || *text == '\0')
    return fallback;
  return g_ascii_strcasecmp (text, "true") == 0 || g_strcmp0 (text, "1") == 0;
}

/* The selector "Name" of an EPR parameter, with or without an a:EndpointReference wrapper. */
static char *
epr_name (xmlNode  *param,
          char    **out_class)
{
  xmlNode *selector_set = vdi_sim_xml_find (param, VDI_SIM_NS_WSMAN, "SelectorSet");
  xmlNode *resource = vdi_sim_xml_find (param, VDI_SIM_NS_WSMAN, "ResourceURI");

  if (out_class != NULL)
    {
      g_autofree char *uri = vdi_sim_xml_text (resource);

      *out_class = class_from_uri (uri);
    }

  for (xmlNode *sel = vdi_sim_xml_child (selector_set, VDI_SIM_NS_WSMAN, "Selector");
       sel != NULL; sel = vdi_sim_xml_next (sel->next, VDI_SIM_NS_WSMAN, "Selector"))
    {
      g_autofree char *name = vdi_sim_xml_attr (sel, "Name");

      if (g_strcmp0 (name, "Name") == 0)
        return vdi_sim_xml_text (sel);
    }

  return NULL;
}

static guint
parse_duration_ms (const char *text)
{
  /* xs:duration as WinRM sends it: PT60S, PT60.000S, P0DT0H1M0S. */
  double total = 0, number = 0, fraction = 0, scale = 0;
  gboolean in_time = FALSE;

  if (text == NULL || *text != 'P')
    return 0;

  for (const char *p = text + 1; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (scale > 0)
            {
              fraction += (*p - '0') * scale;
              scale /= 10;
            }
          else
            number = number * 10 + (*p - '0');
          continue;
        }
      if (*p == '.')
        {
          scale = 0.1;
          continue;
        }
      if (*p == 'T')
        in_time = TRUE;
      else if (*p == 'D')
        total += number * 86400;
      else if (*p == 'H' && in_time)
        total += number * 3600;
      else if (*p == 'M' && in_time)
        total += number * 60;
      else if (*p == 'S')
        total += number + fraction;
      number = fraction = scale = 0;
    }

  return (guint) (total * 1000);
}

/* Operations ----------------------------------------------------------------------------------- */

static void
handle_identify (VdiSimWsman       *self,
                 SoupServerMessage *msg,
                 Request           *req,
                 gboolean           authenticated)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append (out,
                   "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" VDI_SIM_NS_SOAP12 "\"><s:Header></s:Header><s:Body>"
                   "<wsmid:IdentifyResponse xmlns:wsmid=\"" VDI_SIM_NS_WSMID "\">"
                   "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>"
                   "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>");
  g_string_append_printf (out, "<wsmid:ProductVersion>OS: %s SP: 0.0 Stack: 3.0</wsmid:ProductVersion>",
                          authenticated ? "10.0.20348" : "0.0.0");
  g_string_append (out,
                   "<wsmid:SecurityProfiles>"
                   "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic</wsmid:SecurityProfileName>"
                   "<wsmid:SecurityProfileName>http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos</wsmid:SecurityProfileName>"
                   "</wsmid:SecurityProfiles></wsmid:IdentifyResponse></s:Body></s:Envelope>");

  vdi_sim_server_respond (self->server, msg, req->method, SOUP_STATUS_OK, SOAP_CONTENT_TYPE, out->str, out->len);
}

static void
handle_get (VdiSimWsman       *self,
            SoupServerMessage *msg,
            Request           *req)
{
  g_autofree char *class_name = class_from_uri (req->resource_uri);
  g_autoptr(GString) out = NULL;
  g_autofree char *rendered = NULL;
  g_autoptr(VdiSimCimInstance) instance = NULL;
  GHashTableIter iter;
  gpointer key;
  const char *primary;
  gboolean job_class;

  if (!is_v2_uri (req->resource_uri) || !is_known_class (class_name))
    {
      respond_fault (self, msg, req, "DestinationUnreachable", NULL);
      return;
    }

  job_class = g_ascii_strcasecmp (class_name, "Msvm_ConcreteJob") == 0
              || g_ascii_strcasecmp (class_name, "Msvm_MigrationJob") == 0
              || g_ascii_strcasecmp (class_name, "CIM_ConcreteJob") == 0;
  primary = job_class ? "InstanceID" : "Name";

  g_hash_table_iter_init (&iter, req->selectors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean allowed = g_strcmp0 (key, primary) == 0
                         || (!job_class && (g_strcmp0 (key, "CreationClassName") == 0
                                            || g_strcmp0 (key, "SystemName") == 0
                                            || g_strcmp0 (key, "SystemCreationClassName") == 0));
      if (!allowed)
        {
          respond_fault (self, msg, req, "InvalidSelectors", "The selector set contains an unexpected selector.");
          return;
        }
    }

  if (!g_hash_table_contains (req->selectors, primary))
    {
      GPtrArray *services;

      /* Singleton services may be addressed without their key. */
      if (!job_class && g_str_has_suffix (class_name, "Service"))
        {
          services = collect_instances (self, class_name);
          instance = g_ptr_array_steal_index (services, 0);
          g_ptr_array_unref (services);
        }
      else
        {
          respond_fault (self, msg, req, "InsufficientSelectors", "The selector set is missing a key selector.");
          return;
        }
    }
  else
    {
      const char *wanted = g_hash_table_lookup (req->selectors, primary);
      const char *ccn = g_hash_table_lookup (req->selectors, "CreationClassName");
      g_autoptr(GPtrArray) instances = collect_instances (self, class_name);

      for (guint i = 0; i < instances->len; i++)
        {
          VdiSimCimInstance *candidate = g_ptr_array_index (instances, i);

          if (g_ascii_strcasecmp (vdi_sim_cim_get (candidate, primary) != NULL ? vdi_sim_cim_get (candidate, primary) : "", wanted) != 0)
            continue;
          if (ccn != NULL && vdi_sim_cim_has (candidate, "CreationClassName")
              && g_ascii_strcasecmp (vdi_sim_cim_get (candidate, "CreationClassName"), ccn) != 0)
            continue;
          instance = g_ptr_array_steal_index (instances, i);
          break;
        }
    }

  if (instance == NULL)
    {
      respond_fault (self, msg, req, "DestinationUnreachable", NULL);
      return;
    }

  rendered = vdi_sim_cim_render_instance (instance);
  out = envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse", req->message_id);
  g_string_append (out, rendered);
  respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
purge_contexts (VdiSimWsman *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->contexts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((EnumContext *) value)->expires_us <= now)
      g_hash_table_iter_remove (&iter);
}

static guint
parse_max_elements (xmlNode    *parent,
                    const char *ns)
{
  g_autofree char *text = vdi_sim_xml_child_text (parent, ns, "MaxElements");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 32000, &value, NULL))
    return 1;
  return (guint) value;
}

static EnumContext *
new_context (VdiSimWsman *self,
             GPtrArray   *items,
             guint        position)
{
  EnumContext *context = g_new0 (EnumContext, 1);

  context->id = new_message_id ();
  context->items = g_ptr_array_ref (items);
  context->position = position;
  context->expires_us = g_get_monotonic_time () + (gint64) self->host->enumeration_timeout_ms * 1000;
  g_hash_table_insert (self->contexts, context->id, context);

  return context;
}

static void
append_items (GString    *out,
              GPtrArray  *items,
              guint       start,
              guint       count,
              const char *element)
{
  g_string_append_printf (out, "<%s>", element);
  for (guint i = start; i < start + count && i < items->len; i++)
    g_string_append (out, g_ptr_array_index (items, i));
  g_string_append_printf (out, "</%s>", element);
}

static void
handle_enumerate (VdiSimWsman       *self,
                  SoupServerMessage *msg,
                  Request           *req)
{
  xmlNode *enumerate = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Enumerate");
  xmlNode *filter = vdi_sim_xml_child (enumerate, VDI_SIM_NS_WSMAN, "Filter");
  g_autofree char *mode = vdi_sim_xml_child_text (enumerate, VDI_SIM_NS_WSMAN, "EnumerationMode");
  gboolean optimize = vdi_sim_xml_child (enumerate, VDI_SIM_NS_WSMAN, "OptimizeEnumeration") != NULL;
  gboolean epr_only = g_strcmp0 (mode, "EnumerateEPR") == 0;
  gboolean object_and_epr = g_strcmp0 (mode, "EnumerateObjectAndEPR") == 0;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(VdiSimWqlQuery) query = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *class_name = NULL;

  if (enumerate == NULL)
    {
      respond_fault (self, msg, req, "SchemaValidationError", "The Enumerate body is missing.");
      return;
    }
  if (!is_v2_uri (req->resource_uri))
    {
      respond_fault (self, msg, req, "DestinationUnreachable", "The resource URI is not in root/virtualization/v2.");
      return;
    }

  if (filter != NULL)
    {
      g_autofree char *dialect = vdi_sim_xml_attr (filter, "Dialect");
      g_autofree char *text = vdi_sim_xml_text (filter);

      if (dialect != NULL && g_strcmp0 (dialect, WQL_DIALECT) != 0)
        {
          respond_fault_full (self, msg, req, ACTION_FAULT, "s:Sender", "w:FilterDialectRequestedUnavailable",
                              "The requested filtering dialect is not supported. ", NULL, "2150858820", NULL);
          return;
        }
      query = vdi_sim_wql_parse (text);
      if (query == NULL)
        {
          respond_fault (self, msg, req, "CannotProcessFilter", "The WQL query is not valid.");
          return;
        }
      class_name = g_strdup (query->associators ? query->source_class : query->class_name);
    }
  else
    {
      class_name = class_from_uri (req->resource_uri);
      if (g_strcmp0 (class_name, "*") == 0)
        {
          respond_fault (self, msg, req, "CannotProcessFilter", "A wildcard resource URI needs a WQL filter.");
          return;
        }
    }

  if (!is_known_class (class_name))
    {
      g_autofree char *message = g_strdup_printf ("Invalid class \"%s\" in root/virtualization/v2.", class_name);

      respond_fault (self, msg, req, "CannotProcessFilter", message);
      return;
    }

  if (query != NULL && query->associators)
    instances = run_associators (self, query);
  else
    {
      instances = collect_instances (self, class_name);
      if (query != NULL)
        for (guint i = instances->len; i > 0; i--)
          if (!vdi_sim_wql_matches (query, g_ptr_array_index (instances, i - 1)))
            g_ptr_array_remove_index (instances, i - 1);
    }

  items = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < instances->len; i++)
    {
      VdiSimCimInstance *instance = g_ptr_array_index (instances, i);

      if (epr_only)
        g_ptr_array_add (items, vdi_sim_cim_render_epr_item (instance));
      else if (object_and_epr)
        {
          g_autofree char *object = vdi_sim_cim_render_instance (instance);
          g_autofree char *epr = vdi_sim_cim_render_epr_item (instance);

          g_ptr_array_add (items, g_strdup_printf ("<w:Item>%s%s</w:Item>", object, epr));
        }
      else
        g_ptr_array_add (items, vdi_sim_cim_render_instance (instance));
    }

  purge_contexts (self);
  out = envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse", req->message_id);
  g_string_append (out, "<n:EnumerateResponse>");

  if (optimize)
    {
      guint max = parse_max_elements (enumerate, VDI_SIM_NS_WSMAN);
      guint count = MIN (max, items->len);

      if (count < items->len)
        {
          EnumContext *context = new_context (self, items, count);

          vdi_sim_xml_append_element (out, "n:EnumerationContext", context->id);
        }
      append_items (out, items, 0, count, "w:Items");
      if (count == items->len)
        g_string_append (out, "<w:EndOfSequence/>");
    }
  else
    {
      EnumContext *context = new_context (self, items, 0);

      vdi_sim_xml_append_element (out, "n:EnumerationContext", context->id);
    }

  g_string_append (out, "</n:EnumerateResponse>");
  respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
handle_pull (VdiSimWsman       *self,
             SoupServerMessage *msg,
             Request           *req)
{
  xmlNode *pull = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Pull");
  g_autofree char *context_id = vdi_sim_xml_child_text (pull, VDI_SIM_NS_WSEN, "EnumerationContext");
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) items = NULL;
  EnumContext *context;
  guint max, count, position;

  purge_contexts (self);
  context = context_id != NULL ? g_hash_table_lookup (self->contexts, context_id) : NULL;
  if (pull == NULL || context == NULL)
    {
      respond_fault (self, msg, req, "InvalidEnumerationContext", NULL);
      return;
    }

  max = parse_max_elements (pull, VDI_SIM_NS_WSEN);
  items = g_ptr_array_ref (context->items);
  position = context->position;
  count = MIN (max, items->len - position);
  g_hash_table_remove (self->contexts, context_id);

  out = envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse", req->message_id);
  g_string_append (out, "<n:PullResponse>");
  if (position + count < items->len)
    {
      EnumContext *next = new_context (self, items, position + count);

      vdi_sim_xml_append_element (out, "n:EnumerationContext", next->id);
    }
  append_items (out, items, position, count, "n:Items");
  if (position + count >= items->len)
    g_string_append (out, "<n:EndOfSequence/>");
  g_string_append (out, "</n:PullResponse>");

  respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
handle_release (VdiSimWsman       *self,
                SoupServerMessage *msg,
                Request           *req)
{
  xmlNode *release = vdi_sim_xml_child (req->body, VDI_SIM_NS_WSEN, "Release");
  g_autofree char *context_id = vdi_sim_xml_child_text (release, VDI_SIM_NS_WSEN, "EnumerationContext");
  g_autoptr(GString) out = NULL;

  purge_contexts (self);
  if (context_id == NULL || !g_hash_table_remove (self->contexts, context_id))
    {
      respond_fault (self, msg, req, "InvalidEnumerationContext", NULL);
      return;
    }

  out = envelope_begin ("http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse", req->message_id);
  respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
respond_invoke (VdiSimWsman       *self,
                SoupServerMessage *msg,
                Request           *req,
                const char        *method,
                guint              return_value,
                VdiSimJob         *job)
{
  g_autofree char *action = g_strdup_printf ("%s/%sResponse", req->resource_uri, method);
  g_autoptr(GString) out = envelope_begin (action, req->message_id);

  g_string_append_printf (out, "<p:%s_OUTPUT xmlns:p=\"", method);
  vdi_sim_xml_append_escaped (out, req->resource_uri);
  g_string_append (out, "\">");
  if (job != NULL)
    vdi_sim_cim_append_epr (out, "p:Job", job->job_class, "InstanceID", job->id, NULL, NULL);
  g_string_append_printf (out, "<p:ReturnValue>%u</p:ReturnValue></p:%s_OUTPUT>", return_value, method);

  respond_envelope (self, msg, req, SOUP_STATUS_OK, out);
}

static void
handle_invoke (VdiSimWsman       *self,
               SoupServerMessage *msg,
               Request           *req,
               const char        *class_name,
               const char        *method,
               VdiSimFaultRule   *injected)
{
  g_autofree char *input_name = g_strdup_printf ("%s_INPUT", method);
  xmlNode *input = vdi_sim_xml_child (req->body, req->resource_uri, input_name);
  VdiSimJob *job = NULL;
  guint rv;

  if (input == NULL)
    input = vdi_sim_xml_child (req->body, NULL, input_name);
  if (input == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The body must contain %s in the namespace of the resource URI.", input_name);

      respond_fault (self, msg, req, "SchemaValidationError", message);
      return;
    }

  if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService")
      || g_str_equal (class_name, "Msvm_VirtualSystemMigrationService"))
    {
      const char *ccn = g_hash_table_lookup (req->selectors, "CreationClassName");
      const char *name = g_hash_table_lookup (req->selectors, "Name");

      /* go-wsman: a singleton service invoked without its selector fails inside WMI. */
      if (ccn == NULL && name == NULL)
        {
          respond_fault_full (self, msg, req, ACTION_FAULT, "s:Receiver", "w:InternalError",
                              "The WS-Management service cannot process the request. The WMI service or the WMI provider returned an unknown error: HRESULT 0x8004102f ",
                              NULL, "2147749935", "Invalid method Parameter(s) ");
          return;
        }
      if (ccn != NULL && g_ascii_strcasecmp (ccn, class_name) != 0)
        {
          respond_fault (self, msg, req, "DestinationUnreachable", NULL);
          return;
        }
    }

  if (injected != NULL && g_str_has_prefix (injected->fault, "return"))
    {
      guint64 code = VDI_SIM_RV_FAILED;
      const char *colon = strchr (injected->fault, ':');

      if (colon != NULL)
        g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT32, &code, NULL);
      respond_invoke (self, msg, req, method, (guint) code, NULL);
      return;
    }

  if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ExportSystemDefinition"))
    {
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "ComputerSystem"), NULL);
      g_autofree char *directory = vdi_sim_xml_child_text (input, NULL, "ExportDirectory");
      xmlNode *settings_node = vdi_sim_xml_child (input, NULL, "ExportSettingData");
      g_autoptr(GHashTable) settings = parse_embedded_instance (settings_node);

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_export (self->world, self->host, vm_id, directory,
                                   parse_bool (g_hash_table_lookup (settings, "CreateVmExportSubdirectory"), TRUE),
                                   parse_bool (g_hash_table_lookup (settings, "CopyVmStorage"), TRUE),
                                   &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ImportSystemDefinition"))
    {
      g_autofree char *file = vdi_sim_xml_child_text (input, NULL, "SystemDefinitionFile");
      g_autofree char *generate = vdi_sim_xml_child_text (input, NULL, "GenerateNewSystemIdentifier");

      rv = vdi_sim_world_import (self->world, self->host, file, parse_bool (generate, FALSE), &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "RealizePlannedSystem"))
    {
      g_autofree char *planned_id = epr_name (vdi_sim_xml_child (input, NULL, "PlannedSystem"), NULL);

      rv = vdi_sim_world_realize (self->world, self->host, planned_id, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "DestroySystem"))
    {
      g_autofree char *system_class = NULL;
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "AffectedSystem"),
                                         &system_class);
      VdiSimVm *vm = vm_id != NULL ? vdi_sim_provider_find_vm (self->host, vm_id) : NULL;

      /* WMI resolves the reference as given: a planned VM named as a Msvm_ComputerSystem (or the
       * other way round) is no object at all, an invalid parameter. */
      if (vm != NULL && system_class != NULL &&
          g_ascii_strcasecmp (system_class, vm->planned ? "Msvm_PlannedComputerSystem"
                                                        : "Msvm_ComputerSystem") != 0)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_destroy_system (self->world, self->host, vm_id, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemManagementService") && g_str_equal (method, "ModifySystemSettings"))
    {
      g_autoptr(GHashTable) settings = parse_embedded_instance (vdi_sim_xml_child (input, NULL, "SystemSettings"));

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_modify_system_settings (self->world, self->host,
                                                   g_hash_table_lookup (settings, "InstanceID"),
                                                   g_hash_table_lookup (settings, "ElementName"));
    }
  else if (g_str_equal (class_name, "Msvm_ComputerSystem") && g_str_equal (method, "RequestStateChange"))
    {
      const char *vm_id = g_hash_table_lookup (req->selectors, "Name");
      g_autofree char *state = vdi_sim_xml_child_text (input, NULL, "RequestedState");
      guint64 requested = 0;

      if (vm_id == NULL)
        {
          respond_fault (self, msg, req, "InsufficientSelectors", "The Name selector is required.");
          return;
        }
      if (vdi_sim_provider_find_vm (self->host, vm_id) == NULL)
        {
          respond_fault (self, msg, req, "DestinationUnreachable", NULL);
          return;
        }
      if (state == NULL || !g_ascii_string_to_unsigned (state, 10, 0, 65535, &requested, NULL))
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        rv = vdi_sim_world_request_state_change (self->world, self->host, vm_id, (int) requested, &job);
    }
  else if (g_str_equal (class_name, "Msvm_VirtualSystemMigrationService") && g_str_equal (method, "MigrateVirtualSystemToHost"))
    {
      g_autofree char *vm_id = epr_name (vdi_sim_xml_child (input, NULL, "ComputerSystem"), NULL);
      g_autofree char *destination = vdi_sim_xml_child_text (input, NULL, "DestinationHost");
      g_autoptr(GHashTable) settings = parse_embedded_instance (vdi_sim_xml_child (input, NULL, "MigrationSettingData"));
      guint64 type = 32771;

      if (settings == NULL)
        rv = VDI_SIM_RV_INVALID_PARAM;
      else
        {
          const char *text = g_hash_table_lookup (settings, "MigrationType");

          if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 0, 65535, &type, NULL))
            type = 0;
          rv = vdi_sim_world_migrate (self->world, self->host, vm_id, destination, (guint) type, &job);
        }
    }
  else
    {
      respond_fault (self, msg, req, "ActionNotSupported", NULL);
      return;
    }

  if (job != NULL && injected != NULL && g_str_has_prefix (injected->fault, "job"))
    {
      const char *colon = strchr (injected->fault, ':');
      guint64 code = VDI_SIM_RV_FAILED;

      vdi_sim_world_inject_job_failure (self->world, job, NULL, injected->message);
      if (colon != NULL && g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &code, NULL))
        job->inject_code = (guint) code;
    }

  respond_invoke (self, msg, req, method, rv, job);
}

static gboolean
check_basic_auth (VdiSimWsman       *self,
                  SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length;
  char *colon;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    return FALSE;

  decoded = g_base64_decode (authorization + 6, &length);
  text = g_strndup ((const char *) decoded, length);
  colon = strchr (text, ':');
  if (colon == NULL)
    return FALSE;
  *colon = '\0';

  /* Windows user names are case-insensitive, passwords are not. */
  return g_ascii_strcasecmp (text, self->host->user) == 0 && g_strcmp0 (colon + 1, self->host->password) == 0;
}

static void
wsman_handler (VdiSimServer      *server,
               SoupServerMessage *msg,
               const char        *path,
               GBytes            *body,
               gpointer           user_data)
{
  VdiSimWsman *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  const char *identify_header = soup_message_headers_get_one (headers, "WSMANIDENTIFY");
  g_auto(Request) req = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VdiSimFaultRule) injected = NULL;
  g_autofree char *class_name = NULL;
  gboolean authenticated;

  if (g_strcmp0 (path, "/wsman") != 0 && g_strcmp0 (path, "/wsman/") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(not found)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(not POST)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }

  authenticated = check_basic_auth (self, msg);

  if (!authenticated && g_ascii_strcasecmp (identify_header != NULL ? identify_header : "", "unauthenticated") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(unauthorized)");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Basic realm=\"WSMAN\"");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_UNAUTHORIZED);
      return;
    }

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/soap+xml") != 0)
    {
      vdi_sim_provider_count_request (self->host, "(bad content type)");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);
      return;
    }

  if (!parse_request (&req, body, &error))
    {
      req.method = "(invalid)";
      vdi_sim_provider_count_request (self->host, req.method);
      respond_fault (self, msg, &req,
                     g_error_matches (error, VDI_SIM_XML_ERROR, VDI_SIM_XML_ERROR_TOO_LARGE) ? "EncodingLimit"
                                                                                           : "SchemaValidationError",
                     error->message);
      return;
    }

  if (vdi_sim_xml_child (req.body, VDI_SIM_NS_WSMID, "Identify") != NULL)
    req.method = "Identify";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get") == 0)
    req.method = "Get";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate") == 0)
    req.method = "Enumerate";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull") == 0)
    req.method = "Pull";
  else if (g_strcmp0 (req.action, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release") == 0)
    req.method = "Release";
  else if (req.action != NULL && req.resource_uri != NULL && g_str_has_prefix (req.action, req.resource_uri)
           && req.action[strlen (req.resource_uri)] == '/')
    req.method = req.method_owned = g_strdup (req.action + strlen (req.resource_uri) + 1);
  else
    req.method = "(unknown action)";

  vdi_sim_provider_count_request (self->host, req.method);

  if (!authenticated && g_strcmp0 (req.method, "Identify") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Basic realm=\"WSMAN\"");
      vdi_sim_server_respond_status (server, msg, SOUP_STATUS_UNAUTHORIZED);
      return;
    }

  injected = vdi_sim_provider_take_fault (self->host, req.method);
  if (injected != NULL && !g_str_has_prefix (injected->fault, "job") && !g_str_has_prefix (injected->fault, "return"))
    {
      respond_fault (self, msg, &req, injected->fault, injected->message);
      return;
    }

  if (self->host->latency_ms > 0 && req.operation_timeout != NULL)
    {
      guint timeout = parse_duration_ms (req.operation_timeout);

      if (timeout > 0 && self->host->latency_ms > timeout)
        {
          respond_fault (self, msg, &req, "TimedOut", NULL);
          return;
        }
    }

  if (g_strcmp0 (req.method, "Identify") == 0)
    handle_identify (self, msg, &req, authenticated);
  else if (g_strcmp0 (req.method, "Get") == 0)
    handle_get (self, msg, &req);
  else if (g_strcmp0 (req.method, "Enumerate") == 0)
    handle_enumerate (self, msg, &req);
  else if (g_strcmp0 (req.method, "Pull") == 0)
    handle_pull (self, msg, &req);
  else if (g_strcmp0 (req.method, "Release") == 0)
    handle_release (self, msg, &req);
  else if (req.method_owned != NULL && is_v2_uri (req.resource_uri)
           && is_known_class ((class_name = class_from_uri (req.resource_uri))))
    handle_invoke (self, msg, &req, class_name, req.method, injected);
  else if (req.method_owned != NULL)
    respond_fault (self, msg, &req, "DestinationUnreachable", NULL);
  else
    respond_fault (self, msg, &req, "ActionNotSupported", NULL);
}

VdiSimWsman *
vdi_sim_wsman_new (VdiSimWorld  *world,
                   VdiSimServer *server)
{
  VdiSimWsman *self;

  g_return_val_if_fail (VDI_SIM_IS_WORLD (world), NULL);
  g_return_val_if_fail (VDI_SIM_IS_SERVER (server), NULL);

  self = g_object_new (VDI_SIM_TYPE_WSMAN, NULL);
  self->world = g_object_ref (world);
  self->server = g_object_ref (server);
  self->host = vdi_sim_server_get_provider (server);
  vdi_sim_server_set_handler (server, wsman_handler, self);

  return self;
}
