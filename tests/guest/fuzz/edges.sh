#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest test guest-edges (guest/meson.build): gv-fuzz's edge check
# (gv.fuzz_edges=cov) in the coverage QEMU, brought up to date first.
#
#   edges.sh SRC QEMU_COV_DIR GVBOOT.PY ARGS...
#
# The coverage QEMU is a second QEMU build (docs/fuzzing.md): when its
# build directory does not exist yet the test is skipped, unless
# GV_EDGES=1 asks for it to be built; bash scripts/fuzz.sh guest --edges
# builds it too.
set -euo pipefail
src=$1 out=$2
shift 2
. "$src/scripts/common.sh"
if [ ! -f "$GV_CACHE/qemu/build-cov/build.ninja" ] &&
   [ "${GV_EDGES:-0}" != 1 ]; then
    echo "1..0 # SKIP no coverage QEMU in $GV_CACHE/qemu/build-cov:" \
         "bash scripts/fuzz.sh guest --edges builds it (or GV_EDGES=1)"
    exit 0
fi
if ! bash "$src/scripts/build-qemu.sh" --coverage "$src" "$out" >&2; then
    echo "1..1"
    echo "not ok 1 - the coverage QEMU did not build"
    exit 0
fi
exec python3 "$@"
