#!/usr/bin/env bash
# Get the guest kernel: Debian's 6.1 kernel image, downloaded and unpacked
# (never installed), matching the linux-headers package installed on this
# machine (the headers are what our module is built against).
#
#   scripts/fetch-kernel.sh REPO_ROOT OUT_DIR
#
# Leaves OUT_DIR/vmlinuz and OUT_DIR/kernel-abi (e.g. 6.1.0-56-amd64) and
# OUT_DIR/kdir (the headers directory).  The .deb is cached in $GV_CACHE.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

repo=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
. "$repo/scripts/common.sh"

# The kernel ABI: the one asked for, else the newest 6.1 headers installed.
abi=${GRAVITON_KERNEL:-}
if [ -z "$abi" ]; then
    abi=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V |
          tail -n1 | sed 's|/usr/src/linux-headers-||')
fi
[ -n "$abi" ] || gv_die "no linux-headers-6.1.*-amd64 installed: run scripts/install-deps.sh"
kdir=/usr/src/linux-headers-$abi
[ -f "$kdir/Makefile" ] || gv_die "$kdir missing: run scripts/install-deps.sh"

kcache="$GV_CACHE/kernel"
gv_lock kernel
mkdir -p "$kcache"
vmlinuz="$kcache/$abi/boot/vmlinuz-$abi"
if [ ! -f "$vmlinuz" ]; then
    deb=$(ls "$kcache"/linux-image-"$abi"_*.deb 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$deb" ]; then
        gv_log "downloading linux-image-$abi"
        (cd "$kcache" && apt-get download -q "linux-image-$abi" >/dev/null 2>&1) ||
            (gv_apt_update_once && cd "$kcache" &&
             gv_apt download "linux-image-$abi" >/dev/null) ||
            gv_die "cannot download linux-image-$abi (the archive may have moved on: rerun scripts/install-deps.sh)"
        deb=$(ls "$kcache"/linux-image-"$abi"_*.deb | sort -V | tail -n1)
    fi
    rm -rf "$kcache/$abi"
    dpkg-deb -x "$deb" "$kcache/$abi.tmp" && mv "$kcache/$abi.tmp" "$kcache/$abi"
    # Only the kernel image is needed: drop the 300+ MB of modules.
    rm -rf "$kcache/$abi/lib" "$kcache/$abi/usr"
fi
[ -f "$vmlinuz" ] || gv_die "no vmlinuz in linux-image-$abi"

ln -sfn "$vmlinuz" "$out/vmlinuz"
ln -sfn "$kdir" "$out/kdir"
echo "$abi" >"$out/kernel-abi.tmp" && mv "$out/kernel-abi.tmp" "$out/kernel-abi"
gv_log "guest kernel: $abi"
