#!/usr/bin/env bash
# Assemble the guest initramfs (busybox-static, our module, our programs).
#
#   scripts/mkinitramfs.sh OUT.cpio.gz INIT MODULE.ko [--bin F]... [--test F]...
#
# --bin files go to /gv/bin/<name> (or --bin SRC=NAME), --test files to /gv/tests/<name> (a
# trailing .sh is dropped from the name), --file SRC=DEST anywhere, --module
# F.ko to /lib/modules/F.ko beside the driver (not loaded by /init: the
# attacker module gv_attack.ko is loaded by the attack suite itself).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
out=$(realpath -m "$1") init=$2 ko=$3
shift 3
busybox=/bin/busybox
[ -x "$busybox" ] && ! readelf -l "$busybox" | grep -q INTERP ||
    { echo "mkinitramfs: $busybox is not static: apt-get install busybox-static" >&2; exit 1; }

stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/modules,gv/bin,gv/tests}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$init" "$stage/init"
# Programs lose their debug information (the image is loaded by TCG on
# every boot); shell scripts are copied as they are.
install_bin() {
    if head -c 4 "$1" | grep -q ELF; then
        install -s -m 0755 "$1" "$2"
    else
        install -m 0755 "$1" "$2"
    fi
}
strip --strip-debug -o "$stage/lib/modules/graviton.ko" "$ko"
while [ $# -gt 0 ]; do
    case "$1" in
    --bin)
        case "$2" in
        *=*) install_bin "${2%%=*}" "$stage/gv/bin/${2#*=}" ;;
        *) install_bin "$2" "$stage/gv/bin/$(basename "$2" .sh)" ;;
        esac ;;
    --test) install_bin "$2" "$stage/gv/tests/$(basename "$2" .sh)" ;;
    --file) install -D -m 0644 "${2%%=*}" "$stage/${2#*=}" ;;
    --module) strip --strip-debug -o "$stage/lib/modules/$(basename "$2")" "$2" ;;
    *) echo "mkinitramfs: unknown argument $1" >&2; exit 1 ;;
    esac
    shift 2
done
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --quiet --owner=0:0 | gzip -1 >"$out.tmp")
mv "$out.tmp" "$out"
