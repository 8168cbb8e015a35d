/* fuzz-wsmv.c: libFuzzer target for the MS-WSMV multipart/encrypted parser that every sealed
 * WinRM answer goes through before it is unsealed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vdi-wsmv-framing.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char type[] = "multipart/encrypted;protocol=\"application/HTTP-SPNEGO-session-encrypted\";"
                             "boundary=\"Encrypted Boundary\"";
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *protocol = NULL;
  g_autoptr(GPtrArray) parts = vdi_wsmv_parse (type, body, &protocol, &error);

  if (parts == NULL)
    {
      g_assert (error != NULL && error->domain == VDI_WSMV_ERROR && error->message != NULL);
      return 0;
    }

  g_assert (parts->len > 0 && protocol != NULL);
  for (guint i = 0; i < parts->len; i++)
    {
      VdiWsmvPart *part = g_ptr_array_index (parts, i);

      /* The parts are slices of the body, the sealed data at least as long as declared. */
      g_assert (g_bytes_get_size (part->signature) > 0);
      g_assert (g_bytes_get_size (part->sealed) >= part->original_length);
      g_assert (g_bytes_get_size (part->signature) + g_bytes_get_size (part->sealed) <= size);
    }

  return 0;
}
