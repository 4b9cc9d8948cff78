#!/usr/bin/env bash
# Run your own program in the guest: boots the guest (our QEMU, the
# emulated GPU, the driver) with the program's directory added as /gv/run,
# runs it there with its arguments, prints its output and exits with its
# status.
#
#   bash scripts/gv-run.sh [--secure] [options] DIR/PROG [-- ARGS...]
#   bash scripts/gv-run.sh [--secure] [options] DIR [-- ARGS...]
#
# DIR/PROG is what scripts/gv-build.sh made (DIR alone if it holds one
# program); every file in DIR goes with it (the PTX, data files), and DIR
# is the program's working directory.
#
# Options:
#   --secure        GRAVITON_SECURE=1 in the program's environment: every
#                   context it creates is a secure one (docs/runtime.md)
#   --env K=V       more environment for the program (repeatable)
#   --timeout S     kill the guest after S seconds (default 600)
#   --smp N, --memory SIZE, --vram-size SIZE
#                   guest CPUs (default 1), guest RAM (1G), device memory
#                   (256M)
#   --device-prop K=V
#                   a property of the emulated GPU (repeatable), e.g.
#                   timing=titan-black for the device-time model
#                   (docs/devtime.md)
#   -v              show the whole console (firmware, kernel, driver)
#   --log FILE      where the console log goes (default
#                   BUILD/guest/console-run.log)
#   -B DIR          the meson build directory with the guest image
#                   (default: build/ of this checkout, or $GRAVITON_BUILD)
# Exit status: the program's, or 125 when the guest did not run it to the
# end (the console log says why).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { printf 'gv-run: %s\n' "$*" >&2; exit 125; }

build= opts=()
while [ $# -gt 0 ]; do
    case "$1" in
    --secure|-v) opts+=("$1") ;;
    --env|--timeout|--smp|--memory|--vram-size|--log|--device-prop)
        [ $# -ge 2 ] || die "$1 needs a value"
        opts+=("$1" "$2"); shift ;;
    -B) build=${2:?-B needs a directory}; shift ;;
    -h|--help) sed -n '2,/^# SPDX/{/^# SPDX/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    --) die "name the program before --" ;;
    -*) die "unknown option $1 (--help lists them)" ;;
    *) break ;;
    esac
    shift
done
[ $# -ge 1 ] || die "name the program (--help for the usage)"
prog=$1
shift
if [ $# -gt 0 ]; then
    [ "$1" = -- ] || die "the program's arguments go after --"
    shift
fi

if [ -z "$build" ]; then
    build=${GRAVITON_BUILD:-build}
    case "$build" in /*) ;; *) build=$root/$build ;; esac
fi
guest=$build/guest
[ -f "$guest/initramfs.cpio.gz" ] && [ -e "$guest/vmlinuz" ] &&
    [ -x "$build/hw/qemu-system-x86_64" ] ||
    die "no guest image in $build: run 'bash scripts/demo.sh' once (it builds QEMU, the kernel image and the initramfs)"
ek=()
[ -f "$guest/pki/gpu0-ek.pem" ] && ek=(--ek "$guest/pki/gpu0-ek.pem")

exec python3 "$root/guest/gvboot.py" --guest-dir "$guest" \
    --qemu-dir "$build/hw" "${ek[@]}" --timeout 600 "${opts[@]}" \
    run "$prog" -- "$@"
