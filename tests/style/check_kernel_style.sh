#!/usr/bin/env bash
# Kernel style of the code that runs in the guest kernel (guest-driver/,
# guest-attack/) and of the uapi headers it shares with user space
# (include/graviton/graviton_uapi.h, guest-attack/gv_attack_uapi.h): the
# kernel's own scripts/checkpatch.pl --strict, taken from Debian's
# linux-source-6.1 (scripts/install-deps.sh installs it) into the build
# directory once.  TAP; skips when the package is absent.
# Two checks are left out, as choices of ours (docs/style.md):
# BLOCK_COMMENT_STYLE (the networking style of block comments, "*/" on the
# last text line) and MACRO_WITH_FLOW_CONTROL (the ioctl handler's
# GV_COPY_IN, which returns -EFAULT).  In the uapi headers also BIT_MACRO
# (BIT() is not part of the uapi; user space includes them) and CAMELCASE
# (C11's _Static_assert, which checks the layout).
#   check_kernel_style.sh SRC_DIR CACHE_DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
src=$1 cache=$2
ckp=$cache/checkpatch/scripts/checkpatch.pl
tarball=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$ckp" ]; then
    if [ ! -f "$tarball" ]; then
        echo "1..0 # SKIP $tarball is missing (apt-get install linux-source-6.1)"
        exit 0
    fi
    mkdir -p "$cache/checkpatch"
    tar -xJf "$tarball" -C "$cache/checkpatch" --strip-components=1 \
        --wildcards 'linux-source-6.1/scripts/checkpatch.pl' \
        'linux-source-6.1/scripts/spelling.txt' \
        'linux-source-6.1/scripts/const_structs.checkpatch'
fi
n=0 fail=0
ignore=BLOCK_COMMENT_STYLE,MACRO_WITH_FLOW_CONTROL
for f in "$src"/guest-driver/*.[ch] "$src"/guest-attack/*.[ch] \
         "$src"/include/graviton/graviton_uapi.h; do
    n=$((n + 1))
    extra=
    case $f in
    *_uapi.h) extra=,BIT_MACRO,CAMELCASE ;;
    esac
    out=$(perl "$ckp" --no-tree --terse --strict --ignore "$ignore$extra" \
          -f "$f" 2>&1 |
          grep -E ': (ERROR|WARNING|CHECK):' || true)
    if [ -z "$out" ]; then
        echo "ok $n - ${f#"$src"/}"
    else
        echo "not ok $n - ${f#"$src"/}"
        printf '%s\n' "$out" | sed 's/^/#   /'
        fail=1
    fi
done
echo "1..$n"
exit $fail
