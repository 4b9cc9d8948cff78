#!/usr/bin/env bash
# Build everything and run every test: host unit tests and the guest tests
# (boots Linux in our QEMU with the emulated GPU).  Extra arguments go to
# `meson test` (e.g. --suite unit, or a test name).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
build=${GRAVITON_BUILD:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
exec meson test -C "$build" --print-errorlogs "$@"
