#!/usr/bin/env bash
# Build everything and run every test:
#   1. the host unit tests again under ASan+UBSan (build-sanitize/),
#   2. all tests: host unit tests, qtest device tests, and the guest tests
#      (boots Linux in our QEMU with the emulated GPU).
# Extra arguments go to the second `meson test` (e.g. --suite unit).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
build=${GRAVITON_BUILD:-build}
san=${build}-sanitize

[ -f "$san/build.ninja" ] ||
    meson setup "$san" -Dguest=disabled -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$san" --print-errorlogs --suite unit

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
exec meson test -C "$build" --print-errorlogs "$@"
