#!/usr/bin/env bash
# Test PKI for the guest: a manufacturer, one device EK ("gpu0") and an
# attestation CA, made with our own tools.  Test material only: the keys
# sit in the build directory and in the test initramfs.
#
#   scripts/mkpki.sh GV_PROVISION GV_CA OUT_DIR STAMP
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
prov=$1 ca=$2 out=$3 stamp=$4
if [ -f "$out/gpu0-ek.pem" ] && [ -f "$out/ca.crt" ]; then
    touch "$stamp"
    exit 0      # keep the keys stable across builds
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
"$prov" manufacturer "$out.tmp" >/dev/null
"$prov" device "$out.tmp" gpu0 >/dev/null
"$ca" init "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
touch "$stamp"
