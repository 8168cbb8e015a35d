/* fuzz-vim.c: libFuzzer target for the vim25 response parsers: faults, RetrievePropertiesEx
 * results with missingSet and tokens, MoRefs, task info and WaitForUpdatesEx update sets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-backend-error.h"
#include "vdi-vim-message.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const methods[] = { "RetrievePropertiesEx", "WaitForUpdatesEx",
                                          "RetrieveServiceContent", NULL };

  for (guint m = 0; methods[m] != NULL; m++)
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify)vdi_vim_object_free);
      g_autoptr(VdiVimMoRef) task = vdi_vim_moref_new ("Task", "task-72");
      g_autoptr(VdiVimTaskInfo) info = g_new0 (VdiVimTaskInfo, 1);
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;
      g_autofree char *version = NULL;
      xmlNode *response = NULL;
      g_autoptr(xmlDoc) doc = vdi_vim_parse_response ((const char *)data, size, methods[m],
                                                      &response, &error);

      if (doc == NULL)
        {
          g_assert (error != NULL && error->message != NULL);
          continue;
        }

      if (!vdi_vim_parse_retrieve_result (vdi_vim_returnval (response), objects, &token, &error))
        g_assert (error != NULL);
      g_clear_error (&error);

      for (guint i = 0; i < objects->len; i++)
        {
          VdiVimObject *object = g_ptr_array_index (objects, i);
          g_autofree char *name = vdi_vim_object_dup_string (object, "name");
          g_autoptr(VdiVimMoRef) host = vdi_vim_object_dup_moref (object, "runtime.host");
          g_autoptr(GPtrArray) stores = vdi_vim_object_dup_morefs (object, "datastore");
          GHashTableIter iter;
          gpointer path, val;
          gint64 number;
          gboolean flag;

          vdi_vim_object_get_int64 (object, "summary.freeSpace", &number);
          vdi_vim_object_get_bool (object, "config.template", &flag);
          g_hash_table_iter_init (&iter, object->props);
          while (g_hash_table_iter_next (&iter, &path, &val))
            {
              g_autoptr(GError) update_error = NULL;

              vdi_vim_task_info_update (info, path, val, &update_error);
            }
        }

      if (!vdi_vim_parse_task_updates (vdi_vim_returnval (response), task, info, &version,
                                       &error))
        g_assert (error != NULL);
      g_assert (info->progress >= -1 && info->progress <= 100);
    }

  return 0;
}
