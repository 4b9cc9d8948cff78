#!/usr/bin/env bash
# QEMU style of the QEMU glue (hw/qemu/*.c, *.h): QEMU's own
# scripts/checkpatch.pl, from the QEMU 7.2 source tree that
# scripts/build-qemu.sh unpacks under $GV_CACHE/qemu/src-7.2*.  Warnings
# fail as errors do (--strict).  TAP; skips when that tree is absent (a
# build with -Dguest=disabled, before the first QEMU build).
#   check_qemu_style.sh SRC_DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
src=$1
cache=${GRAVITON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/graviton}
qsrc=$(ls -d "$cache"/qemu/src-7.2* 2>/dev/null | sort -V | tail -n1 || true)
ckp=$qsrc/scripts/checkpatch.pl
if [ -z "$qsrc" ] || [ ! -f "$qsrc/.gv-unpacked" ] || [ ! -f "$ckp" ]; then
    echo "1..0 # SKIP no QEMU source tree under $cache/qemu" \
         "(scripts/build-qemu.sh unpacks it)"
    exit 0
fi
n=0 fail=0
for f in "$src"/hw/qemu/*.[ch]; do
    n=$((n + 1))
    out=$(perl "$ckp" --no-tree --terse --strict --color=never -f "$f" 2>&1 |
          grep -E ': (ERROR|WARNING):' || true)
    if [ -z "$out" ]; then
        echo "ok $n - ${f#"$src"/}"
    else
        echo "not ok $n - ${f#"$src"/}"
        printf '%s\n' "$out" | sed 's/^/#   /'
        fail=1
    fi
done
echo "1..$n"
exit $fail
