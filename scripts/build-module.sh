#!/usr/bin/env bash
# Build the guest driver (or another guest module) out of the source tree.
#
#   scripts/build-module.sh REPO_ROOT KDIR OUT_KO [SRC_DIR]
#
# SRC_DIR is the module's directory in the repository (default
# guest-driver; guest-attack builds the attacker module gv_attack.ko).
# Kbuild writes its objects next to the sources, so the sources are linked
# into a scratch directory beside OUT_KO and built there.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
repo=$(cd "$1" && pwd)
kdir=$2
out=$3
srcdir=${4:-guest-driver}
ko=$(basename "$out")
mkdir -p "$(dirname "$out")"
work="$(cd "$(dirname "$out")" && pwd)/${ko%.ko}-kbuild"
mkdir -p "$work"
for f in "$repo/$srcdir"/*.[ch] "$repo/$srcdir"/Kbuild; do
    ln -sfn "$f" "$work/$(basename "$f")"
done
# Drop links to sources that no longer exist.
find "$work" -maxdepth 1 -xtype l -delete
make -s -C "$kdir" M="$work" GV_INCLUDE="$repo/include" W=1 modules 2>&1 |
    { grep -v "^Skipping BTF generation" >&2 || true; }
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
# Replace the output only when it changed, so dependants stay up to date.
cmp -s "$work/$ko" "$out" || cp "$work/$ko" "$out"
