/* fuzz-wsman.c: libFuzzer target for the WS-Management response parsers: faults,
 * enumeration pages, WMI instances, method outputs and job EPRs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-wsman-message.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const methods[] = { "DestroySystem", "ExportSystemDefinition",
                                          "MigrateVirtualSystemToHost", NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_wsman_instance_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *body = NULL;

  doc = vdi_wsman_parse_response ((const char *)data, size, &body, &error);
  if (doc == NULL)
    {
      g_assert (error != NULL && error->domain == VDI_BACKEND_ERROR && error->message != NULL);
      return 0;
    }

  for (guint pull = 0; pull < 2; pull++)
    {
      g_autofree char *context = NULL;
      g_autoptr(GError) page_error = NULL;

      if (!vdi_wsman_parse_enumeration (body, pull, &context, items, &page_error))
        g_assert (page_error != NULL);
    }
  for (guint i = 0; i < items->len; i++)
    {
      VdiWsmanInstance *instance = g_ptr_array_index (items, i);
      guint64 value;

      if (instance != NULL)
        {
          vdi_wsman_instance_get (instance, "Name");
          vdi_wsman_instance_get_uint (instance, "JobState", &value);
        }
    }

  for (guint i = 0; methods[i] != NULL; i++)
    {
      g_autoptr(VdiWsmanEpr) job = NULL;
      g_autoptr(GError) invoke_error = NULL;
      guint code;

      if (vdi_wsman_parse_invoke_output (body, methods[i], &code, &job, NULL, &invoke_error))
        g_assert (code != VDI_WSMAN_RETURN_JOB_STARTED || job != NULL);
      else
        g_assert (invoke_error != NULL);
    }

  return 0;
}
