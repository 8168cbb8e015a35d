/* farm-writer.c: saves a farm over and over until killed, for the atomicity test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "vdi-core.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VdiFarm) farm = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *templates;
  guint n;

  if (argc != 2)
    {
      g_printerr ("usage: farm-writer FARM-FILE\n");
      return 2;
    }

  farm = vdi_farm_new (argv[1]);
  if (!vdi_farm_load (farm, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  templates = vdi_farm_get_templates (farm);
  n = g_list_model_get_n_items (templates);
  if (n == 0)
    {
      g_printerr ("the farm has no templates\n");
      return 1;
    }

  /* Tell the test we are running, then write until killed. */
  printf ("ready\n");
  fflush (stdout);

  for (guint64 round = 0;; round++)
    {
      g_autoptr(VdiTemplate) template = g_list_model_get_item (templates, round % n);
      GListModel *targets = vdi_template_get_targets (template);
      g_autoptr(VdiTarget) target =
        g_list_model_get_item (targets, g_list_model_get_n_items (targets) - 1);

      vdi_target_update_transfer (target, (double)(round % 101), round, 100 * (round + 1), 0, -1);
      if (!vdi_farm_save (farm, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  return 0;
}
