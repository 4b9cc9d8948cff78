#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The qtest test qtest-mmio-fuzz-san (qtest/meson.build): the harness
# against the sanitizer QEMU (scripts/build-qemu.sh --sanitize: our
# device under ASan and UBSan), brought up to date first.
#
#   san.sh SRC QEMU_SAN_DIR HARNESS ARGS...
#
# Skipped (exit 77) while the sanitizer QEMU's build directory does not
# exist, unless GV_SANQEMU=1 asks for it to be built (scripts/test.sh
# does); bash scripts/fuzz.sh qtest --sanitize builds it too.
set -euo pipefail
src=$1 out=$2
shift 2
. "$src/scripts/common.sh"
if [ ! -f "$GV_CACHE/qemu/build-san/build.ninja" ] &&
   [ "${GV_SANQEMU:-0}" != 1 ]; then
    echo "SKIP: no sanitizer QEMU in $GV_CACHE/qemu/build-san:" \
         "bash scripts/fuzz.sh qtest --sanitize builds it (or GV_SANQEMU=1)"
    exit 77
fi
bash "$src/scripts/build-qemu.sh" --sanitize "$src" "$out" ||
    { echo "the sanitizer QEMU did not build"; exit 1; }
export GV_QEMU=$out/qemu-system-x86_64 GV_FIRMWARE=$out/firmware
# Instrumented, or this test would pass for nothing: ASan's checks and
# UBSan's fatal handlers are called from our code.
syms=$(nm -D "$GV_QEMU")
for s in __asan_report_load4 __ubsan_handle_out_of_bounds_abort; do
    grep -q " U $s\$" <<<"$syms" ||
        { echo "$GV_QEMU is not the sanitizer QEMU (no $s)"; exit 1; }
done
# QEMU frees little at exit (its devices are never finalized): a leak
# check would report QEMU's own allocations, and the harness does not
# read QEMU's exit status anyway.  Any other report ends QEMU (ASan's
# default, UBSan through -fno-sanitize-recover): a finding.
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1
exec "$@"
