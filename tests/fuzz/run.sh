#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds each libFuzzer target with clang (-fsanitize=fuzzer,address,undefined) and runs it
# for a bounded time on a corpus seeded with the golden XML of tests/providers/data.
#   tests/fuzz/run.sh BUILD_DIR SECONDS
# Prints one "fuzz NAME: ok" or "fuzz NAME: FAILED" line per target; exits non-zero on failure.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$1
seconds=${2:-20}
out="$build/fuzz"
mkdir -p "$out"

cflags=$(pkg-config --cflags glib-2.0 gio-2.0 libsoup-3.0 libxml-2.0)
libs=$(pkg-config --libs glib-2.0 gio-2.0 libsoup-3.0 libxml-2.0)
common=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
        -DG_LOG_DOMAIN=\"vdi-fuzz\" -I"$top/src/providers" -I"$top/src/core")

declare -A sources=(
  [fuzz-soap]="tests/fuzz/fuzz-soap.c src/providers/vdi-xml.c src/providers/vdi-soap.c src/providers/vdi-backend-error.c"
  [fuzz-vim]="tests/fuzz/fuzz-vim.c src/providers/vdi-vim-message.c src/providers/vdi-xml.c src/providers/vdi-soap.c src/providers/vdi-backend-error.c"
  [fuzz-wsmv]="tests/fuzz/fuzz-wsmv.c src/providers/vdi-wsmv-framing.c"
  [fuzz-wsman]="tests/fuzz/fuzz-wsman.c src/providers/vdi-wsman-message.c src/providers/vdi-xml.c src/providers/vdi-soap.c src/providers/vdi-backend-error.c"
)

status=0
for name in "${!sources[@]}"; do
  files=()
  for f in ${sources[$name]}; do files+=("$top/$f"); done
  # config.h comes from the main build directory.
  if ! clang "${common[@]}" -I"$build" $cflags "${files[@]}" $libs -o "$out/$name" 2>"$out/$name.build.log"; then
    echo "fuzz $name: FAILED (build, see $out/$name.build.log)"
    status=1
    continue
  fi
  corpus="$out/$name-corpus"
  mkdir -p "$corpus"
  cp "$top"/tests/providers/data/*.xml "$top"/tests/fuzz/regressions/* "$corpus"/ 2>/dev/null
  if ASAN_OPTIONS=detect_leaks=0 "$out/$name" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=0 -artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1; then
    echo "fuzz $name: ok ($(grep -c . <(ls "$corpus")) inputs in corpus)"
  else
    echo "fuzz $name: FAILED (see $out/$name.log)"
    tail -30 "$out/$name.log"
    status=1
  fi
done
exit $status
