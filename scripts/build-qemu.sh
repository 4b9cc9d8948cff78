#!/usr/bin/env bash
# Build QEMU 7.2 (Debian's source package) with the graviton-gpu device.
#
#   scripts/build-qemu.sh [--coverage | --sanitize] REPO_ROOT OUT_DIR
#
# Leaves OUT_DIR/qemu-system-x86_64 and OUT_DIR/firmware/ (SeaBIOS and the
# option ROMs -kernel needs).  Everything expensive is cached under
# $GV_CACHE/qemu: the source package is downloaded and unpacked once, the
# build directory is configured once and rebuilt incrementally by ninja
# (through ccache), so a second run does no network and compiles only what
# changed in hw/ or crypto/.
#
# --coverage builds the coverage QEMU instead, in its own build directory
# ($GV_CACHE/qemu/build-cov, marked by a file gv-coverage that
# hw/qemu/meson.build.qemu reads): the same QEMU with the device core
# compiled with -fsanitize-coverage=trace-pc, its edge count in the debug
# block (docs/fuzzing.md).  Both builds share ccache without the build
# directory in its key, so a build directory made after the other one
# compiles little more than the core.
#
# --sanitize builds the sanitizer QEMU the same way ($GV_CACHE/qemu/
# build-san, marked by a file gv-sanitize): our device (core, glue and
# crypto layer) compiled with -fsanitize=address,undefined and
# -fno-sanitize-recover=undefined, the binary linked with ASan's and
# UBSan's runtimes, the rest of QEMU as in the normal build (ccache hits).
# Run it with ASAN_OPTIONS=detect_leaks=0 (docs/fuzzing.md).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

variant=
case ${1:-} in
--coverage) variant=cov; shift ;;
--sanitize) variant=san; shift ;;
esac
repo=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
. "$repo/scripts/common.sh"

qdir="$GV_CACHE/qemu"
gv_lock qemu
mkdir -p "$qdir/dl"

# 1. Source: reuse an unpacked tree if there is one, else download the
#    current revision of Debian's qemu source package and unpack it.
src=$(ls -d "$qdir"/src-7.2* 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$src" ] || [ ! -f "$src/.gv-unpacked" ]; then
    dsc=$(ls "$qdir"/dl/qemu_7.2*.dsc 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$dsc" ]; then
        gv_apt_update_once
        gv_log "downloading Debian's qemu source package"
        (cd "$qdir/dl" && gv_apt source --download-only qemu >/dev/null) ||
            gv_die "apt-get source qemu failed"
        dsc=$(ls "$qdir"/dl/qemu_7.2*.dsc 2>/dev/null | sort -V | tail -n1 || true)
        [ -n "$dsc" ] || gv_die "no QEMU 7.2 source package found"
    fi
    ver=$(basename "$dsc" .dsc)
    ver=${ver#qemu_}
    src="$qdir/src-$ver"
    rm -rf "$src"
    gv_log "unpacking $(basename "$dsc")"
    dpkg-source -x "$dsc" "$src" >"$qdir/unpack.log" 2>&1 ||
        { cat "$qdir/unpack.log"; gv_die "dpkg-source failed"; }
    touch "$src/.gv-unpacked"
fi

# 2. Wire our device in with minimal edits: one directory of symlinks into
#    this checkout, one line in hw/misc/meson.build and one in Kconfig.
wire="$src/hw/misc/graviton"
mkdir -p "$wire"
for l in core qemu; do
    ln -sfn "$repo/hw/$l" "$wire/$l"
done
ln -sfn "$repo/crypto" "$wire/crypto"
ln -sfn "$repo/include" "$wire/include"
ln -sfn "$repo/hw/qemu/meson.build.qemu" "$wire/meson.build"
ln -sfn "$repo/hw/qemu/Kconfig" "$wire/Kconfig"
ln -sfn "$repo/hw/qemu/trace-events" "$wire/trace-events"
grep -q "^subdir('graviton')" "$src/hw/misc/meson.build" ||
    echo "subdir('graviton')" >>"$src/hw/misc/meson.build"
grep -q "^source graviton/Kconfig" "$src/hw/misc/Kconfig" ||
    echo "source graviton/Kconfig" >>"$src/hw/misc/Kconfig"
grep -q "'hw/misc/graviton'," "$src/meson.build" ||
    sed -i "s|^    'hw/misc',\$|&\n    'hw/misc/graviton',|" "$src/meson.build"
grep -q "'hw/misc/graviton'," "$src/meson.build" ||
    gv_die "could not register hw/misc/graviton/trace-events"
cat >"$src/configs/devices/x86_64-softmmu/graviton.mak" <<'EOF'
# x86_64 defaults plus the graviton-gpu device and PCIe root ports.
include default.mak
CONFIG_GRAVITON_GPU=y
CONFIG_PCIE_PORT=y
EOF

# 3. Configure once (again only if the configure line changes).  The
#    coverage and sanitizer builds have a lock each: all three can build
#    at once.
build="$qdir/build"
if [ -n "$variant" ]; then
    build="$qdir/build-$variant"
    gv_lock "qemu-$variant"
fi
cc=gcc
[ -x /usr/lib/ccache/gcc ] && cc=/usr/lib/ccache/gcc
conf=(--target-list=x86_64-softmmu --without-default-features
      --without-default-devices --with-devices-x86_64=graviton
      --enable-tcg --enable-kvm --disable-docs --disable-werror
      --cc="$cc" --host-cc="$cc")
confline="$src ${conf[*]}"
if [ ! -f "$build/build.ninja" ] || [ "$(cat "$build/.gv-conf" 2>/dev/null)" != "$confline" ]; then
    gv_log "configuring QEMU in $build"
    rm -rf "$build"
    mkdir -p "$build"
    case $variant in
    cov) touch "$build/gv-coverage" ;;
    san) touch "$build/gv-sanitize" ;;
    esac
    (cd "$build" && "$src/configure" "${conf[@]}" >configure.log 2>&1) ||
        { tail -n 30 "$build/configure.log"; gv_die "QEMU configure failed"; }
    echo "$confline" >"$build/.gv-conf"
fi

# 4. Build (incremental).
gv_log "building qemu-system-x86_64"
export CCACHE_DIR=${CCACHE_DIR:-$GV_CACHE/ccache}
export CCACHE_NOHASHDIR=1
ninja -C "$build" -j"$(nproc)" qemu-system-x86_64 >"$build/ninja.log" 2>&1 ||
    { grep -B2 -A12 -m3 'error' "$build/ninja.log" || tail -n 40 "$build/ninja.log"
      gv_die "QEMU build failed (full log: $build/ninja.log)"; }

# 5. Firmware (shared by both builds): SeaBIOS from Debian's package,
#    option ROMs built from source.
fw="$qdir/firmware"
[ -z "$variant" ] || gv_lock qemu
if [ ! -f "$fw/linuxboot_dma.bin" ] || [ ! -f "$fw/kvmvapic.bin" ]; then
    gv_log "building option ROMs"
    mkdir -p "$fw/obj"
    make -s -C "$fw/obj" -f "$src/debian/optionrom.mak" SRC_PATH="$src" \
        linuxboot_dma.bin kvmvapic.bin >/dev/null ||
        gv_die "option ROM build failed"
    cp "$fw/obj/linuxboot_dma.bin" "$fw/obj/kvmvapic.bin" "$fw/"
fi
[ -f /usr/share/seabios/bios-256k.bin ] ||
    gv_die "SeaBIOS missing: apt-get install seabios (scripts/install-deps.sh)"
for f in bios-256k.bin bios.bin; do
    ln -sfn "/usr/share/seabios/$f" "$fw/$f"
done

ln -sfn "$build/qemu-system-x86_64" "$out/qemu-system-x86_64"
ln -sfn "$fw" "$out/firmware"
gv_log "QEMU ready: $out/qemu-system-x86_64"
