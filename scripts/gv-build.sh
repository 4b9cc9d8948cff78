#!/usr/bin/env bash
# Build your own CUDA program for the guest: host code in C or C++ against
# cuda.h (the driver API), kernels in .cu files loaded at run time with
# cuModuleLoad.
#
#   bash scripts/gv-build.sh [-o DIR] [-n NAME] [options] SOURCE...
#
# SOURCE: .cu files become DIR/<name>.ptx (clang, no NVIDIA SDK, with the
# device header kernels/include/cuda_runtime.h included automatically);
# .c files are compiled by gcc, .cc/.cpp/.cxx/.C by g++, .o/.a are linked;
# the host code is linked statically against libgvcuda and what it needs
# (the PTX translator, the crypto layer, libcrypto.a) into DIR/NAME.  The
# guest runs the program in DIR with DIR as its working directory, so
# cuModuleLoad("kernel.ptx") finds the PTX; put any data files it reads
# into DIR too.  Then:  bash scripts/gv-run.sh [--secure] DIR/NAME [-- ARGS]
#
# Options:
#   -o DIR           output directory (default gv-out)
#   -n NAME          program name (default: the first host source's name)
#   -I DIR, -D DEF   for host and device code; -L DIR, -l LIB for the link
#   -B DIR           the meson build directory holding the runtime
#                    libraries (default: build/ of this checkout, or
#                    $GRAVITON_BUILD); they are brought up to date first
#   --no-ninja       use the libraries as they are (do not run ninja)
#   --ptx IN.cu OUT  only compile one kernel source to PTX (the build uses it)
# CFLAGS, CXXFLAGS, CUFLAGS and LDFLAGS add to the host C, host C++, device
# and link flags; CC and CXX choose the host compilers (default gcc, g++).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { printf 'gv-build: %s\n' "$*" >&2; exit 1; }

# The device compile: the flags kernels/meson.build uses for the
# project's own kernels (docs/kernels.md), plus the device header.
cu_flags=(--cuda-device-only -S -nocudainc -nocudalib
          --cuda-path=/nonexistent --cuda-gpu-arch=sm_70
          -Xclang -target-feature -Xclang +ptx70 -O2
          -I "$root/kernels/include" -include cuda_runtime.h)
clang=${GV_CLANG:-clang}

compile_ptx() {     # IN.cu OUT.ptx [flags...]
    local in=$1 out=$2
    shift 2
    command -v "$clang" >/dev/null ||
        die "clang not found (apt-get install clang; scripts/install-deps.sh does)"
    # shellcheck disable=SC2086
    "$clang" "${cu_flags[@]}" "$@" ${CUFLAGS:-} "$in" -o "$out"
}

if [ "${1:-}" = --ptx ]; then
    [ $# -ge 3 ] || die "usage: gv-build.sh --ptx IN.cu OUT.ptx [clang flags]"
    compile_ptx "$2" "$3" "${@:4}"
    exit 0
fi

out=gv-out name= build= ninja=1
cpp=() ldx=() cu=() host=() objs=()
while [ $# -gt 0 ]; do
    case "$1" in
    -o) out=${2:?-o needs a directory}; shift ;;
    -n) name=${2:?-n needs a name}; shift ;;
    -B) build=${2:?-B needs a directory}; shift ;;
    --no-ninja) ninja= ;;
    -I|-D|-U) cpp+=("$1$2"); shift ;;
    -I*|-D*|-U*) cpp+=("$1") ;;
    -L|-l) ldx+=("$1$2"); shift ;;
    -L*|-l*) ldx+=("$1") ;;
    -h|--help) sed -n '2,/^# SPDX/{/^# SPDX/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) die "unknown option $1 (--help lists them)" ;;
    *.cu) cu+=("$1") ;;
    *.c|*.cc|*.cpp|*.cxx|*.C) host+=("$1") ;;
    *.o|*.a) objs+=("$1") ;;
    *) die "$1: not a .cu, C or C++ source, .o or .a" ;;
    esac
    shift
done
[ ${#cu[@]} -gt 0 ] || [ ${#host[@]} -gt 0 ] ||
    die "no sources (--help for the usage)"
for f in "${cu[@]}" "${host[@]}" "${objs[@]}"; do
    [ -f "$f" ] || die "$f: no such file"
done

# The runtime libraries, from the meson build of this checkout.
if [ -z "$build" ]; then
    build=${GRAVITON_BUILD:-build}
    case "$build" in /*) ;; *) build=$root/$build ;; esac
fi
if [ ${#host[@]} -gt 0 ] || [ ${#objs[@]} -gt 0 ]; then
    [ -f "$build/build.ninja" ] ||
        die "no build in $build: run 'bash scripts/demo.sh' once (it installs what is needed and builds everything), or 'meson setup build && ninja -C build'"
    cuda=$build/runtime/cuda/libgvcuda.a
    if [ -n "$ninja" ]; then
        # the library (and gv-ptxas, to check the PTX below)
        ninja -C "$build" "${cuda#"$build"/}" tools/gv-ptxas >/dev/null ||
            die "ninja -C $build failed: libgvcuda did not build"
    fi
    # libgvcuda.a holds the driver API, the runtime core, the PTX
    # translator and the crypto layer; libcrypto.a is the system's
    [ -f "$cuda" ] || die "$cuda missing: build the project first (ninja -C $build)"
fi
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gv-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Kernels: one PTX file each, named after the source, checked by the
# translator the runtime uses (so an unsupported construct is reported
# here, with its line, and not first in the guest).
ptxas=$build/tools/gv-ptxas
declare -A seen=()
made=()
for f in "${cu[@]}"; do
    base=$(basename "$f" .cu)
    [ -z "${seen[$base]:-}" ] || die "two kernel sources named $base.cu"
    seen[$base]=1
    compile_ptx "$f" "$out/$base.ptx" "${cpp[@]}" ||
        die "$f: clang failed"
    if [ -x "$ptxas" ]; then
        "$ptxas" "$out/$base.ptx" -o /dev/null ||
            die "$out/$base.ptx: the PTX translator refuses it (docs/ptx.md lists what it takes)"
    fi
    made+=("$out/$base.ptx")
done

# Host code, linked statically: the guest has no shared libraries.
if [ ${#host[@]} -gt 0 ] || [ ${#objs[@]} -gt 0 ]; then
    cc=${CC:-gcc} cxx=${CXX:-g++} linker=${CC:-gcc}
    inc=(-I "$root/runtime/cuda/include")
    o=()
    i=0
    for f in "${host[@]}"; do
        obj=$tmp/$i-$(basename "${f%.*}").o
        case "$f" in
        *.c)
            # shellcheck disable=SC2086
            "$cc" -O2 -Wall ${CFLAGS:-} "${inc[@]}" "${cpp[@]}" -c "$f" \
                -o "$obj" || die "$f: $cc failed" ;;
        *)
            linker=$cxx
            # shellcheck disable=SC2086
            "$cxx" -O2 -Wall ${CXXFLAGS:-} "${inc[@]}" "${cpp[@]}" -c "$f" \
                -o "$obj" || die "$f: $cxx failed" ;;
        esac
        o+=("$obj")
        i=$((i + 1))
    done
    if [ -z "$name" ]; then
        first=${host[0]:-${objs[0]}}
        name=$(basename "${first%.*}")
    fi
    # shellcheck disable=SC2086,SC2046
    if ! "$linker" -static ${LDFLAGS:-} -o "$out/$name" "${o[@]}" \
            "${objs[@]}" "${ldx[@]}" "$cuda" \
            $(pkg-config --static --libs libcrypto) -lm -pthread \
            2>"$tmp/ld.log"; then
        cat "$tmp/ld.log" >&2
        die "linking $out/$name failed"
    fi
    # libcrypto.a's network and dlopen code, never called: glibc's warnings
    # about it in static programs are noise here
    grep -v -e 'in statically linked applications requires at runtime' \
        -e "libcrypto\.a(.*): in function" "$tmp/ld.log" >&2 || true
    made=("$out/$name" "${made[@]}")
fi
printf 'gv-build: %s\n' "${made[@]}" >&2
if [ -n "$name" ]; then
    run=$(realpath --relative-to=. "$root/scripts/gv-run.sh")
    case "$run" in ../*) run=$root/scripts/gv-run.sh ;; esac
    printf 'gv-build: run it with: bash %s %s/%s\n' "$run" "$out" "$name" >&2
fi
