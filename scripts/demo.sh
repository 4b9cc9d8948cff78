#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the main job: install the
# dependencies, build QEMU with the emulated GPU, the guest kernel image,
# module and programs, then boot the guest and run the sample programs.
#
#   bash scripts/demo.sh [SAMPLE...]   (default: the list in guest/gvboot.py;
#                                     secure:SAMPLE runs it with GRAVITON_SECURE=1)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
build=${GRAVITON_BUILD:-build}
if [ "$(id -u)" -eq 0 ]; then
    bash scripts/install-deps.sh
else
    sudo bash scripts/install-deps.sh
fi
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build"
exec python3 guest/gvboot.py --guest-dir "$build/guest" --qemu-dir "$build/hw" \
    --ek "$build/guest/pki/gpu0-ek.pem" demo "$@"
