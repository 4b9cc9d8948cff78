#!/usr/bin/env bash
# cppcheck over our C that runs on the host or in the guest's user space:
# hw/ (the device core and the QEMU glue), ptx/, crypto/ and runtime/.
# Not guest-driver/ (kernel code, checked by checkpatch.pl in kernel-style)
# nor tests/.  Checks: warning, portability and performance; a finding fails.
# A false positive is suppressed on its line with a comment saying why:
#     /* cppcheck-suppress <id> -- why */   (on the line above)
# Results are cached in CACHE_DIR/cppcheck, so a rerun checks only what
# changed.  TAP; skips when cppcheck is absent (apt-get install cppcheck).
#   check_cppcheck.sh SRC_DIR CACHE_DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
src=$1 cache=$2
if ! command -v cppcheck >/dev/null; then
    echo "1..0 # SKIP cppcheck is missing (apt-get install cppcheck)"
    exit 0
fi
mkdir -p "$cache/cppcheck"
cd "$src"
inc=(-Iinclude -Ihw/core -Iptx -Icrypto -Iruntime -Iruntime/core
     -Iruntime/cuda -Iruntime/cuda/include)
echo "1..1"
# At most two jobs: the CI machine (and ours) has two cores.
if out=$(cppcheck -q -j2 --std=c11 --enable=warning,portability,performance \
         --inline-suppr --error-exitcode=1 "${inc[@]}" \
         --cppcheck-build-dir="$cache/cppcheck" \
         --template='{file}:{line}: {severity}: {id}: {message}' \
         hw ptx crypto runtime 2>&1); then
    echo "ok 1 - cppcheck hw ptx crypto runtime"
    [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
else
    echo "not ok 1 - cppcheck hw ptx crypto runtime"
    printf '%s\n' "$out" | sed 's/^/#   /'
    exit 1
fi
