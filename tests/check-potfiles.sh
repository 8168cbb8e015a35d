#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-potfiles.sh SOURCE_ROOT
#
# Fails when po/POTFILES.in is out of step with the tree:
#   - a file under src/ or ui/ (*.c, *.h, *.ui) holds a translatable string but is not listed;
#   - a listed file does not exist;
#   - the list is not sorted.
# "Sorted" means `LC_ALL=C sort -df` (dictionary order, case folded): it gives the same order as
# `sort` in the usual UTF-8 locales (vdi-farm.c before vdi-farm-json.c) without depending on the
# locale of the machine running the test.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SOURCE_ROOT" >&2
  exit 2
fi
cd "$1"

potfiles=po/POTFILES.in
if [ ! -f "$potfiles" ]; then
  echo "$potfiles: not found" >&2
  exit 1
fi

export LC_ALL=C

# Listed files, without comments, blank lines and surrounding blanks.
listed=$(sed -e 's/#.*//' -e 's/^[[:blank:]]*//' -e 's/[[:blank:]]*$//' "$potfiles" | grep -v '^$' || true)

# Markers of a translatable string: _( N_( C_( NC_( Q_( (an optional blank before the
# parenthesis), ngettext / g_dngettext, and GtkBuilder's translatable="yes".
# Preprocessor lines are skipped so that a header defining a gettext macro is not counted.
marker='(^|[^[:alnum:]_])(N|C|NC|Q)?_[[:blank:]]*\(|(^|[^[:alnum:]_])(g_d)?ngettext[[:blank:]]*\(|translatable="yes"'

status=0

while IFS= read -r -d '' file; do
  file=${file#./}
  if grep -v -E '^[[:blank:]]*#[[:blank:]]*define' "$file" | grep -q -E "$marker"; then
    if ! grep -Fxq -- "$file" <<<"$listed"; then
      echo "$file: has translatable strings but is not listed in $potfiles" >&2
      status=1
    fi
  fi
done < <(find src ui -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' \) -print0 2>/dev/null | sort -z)

while IFS= read -r file; do
  [ -n "$file" ] || continue
  if [ ! -f "$file" ]; then
    echo "$potfiles: lists $file, which does not exist" >&2
    status=1
  fi
done <<<"$listed"

dupes=$(sort <<<"$listed" | uniq -d)
if [ -n "$dupes" ]; then
  while IFS= read -r file; do
    echo "$potfiles: lists $file more than once" >&2
  done <<<"$dupes"
  status=1
fi

if ! disorder=$(sort -c -d -f <<<"$listed" 2>&1); then
  echo "$potfiles: not sorted (LC_ALL=C sort -df): ${disorder#*disorder: }" >&2
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "$potfiles: $(grep -c . <<<"$listed") files listed, all present, nothing missing"
fi
exit "$status"
