#!/usr/bin/env bash
# Install what the project needs on Debian 12 (bookworm).  Run as root.
# Idempotent: packages already present are left alone.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

[ "$(id -u)" -eq 0 ] || gv_die "run as root (sudo bash scripts/install-deps.sh)"
grep -q 'VERSION_CODENAME=bookworm' /etc/os-release ||
    gv_log "warning: not Debian 12 (bookworm); package names may differ"

pkgs=(
    # host toolchain and build system
    gcc g++ make libc6-dev binutils pkg-config meson ninja-build ccache python3
    git xz-utils cpio gzip dpkg-dev
    # QEMU 7.2 build dependencies and firmware
    libglib2.0-dev libpixman-1-dev libfdt-dev flex bison seabios
    # our libraries and tests; clang compiles the CUDA C test kernels to PTX
    libssl-dev libcunit1-dev valgrind clang llvm lld
    # OpenCL baselines of the compute benchmark (bench-ocl): pocl, oclgrind
    ocl-icd-opencl-dev opencl-headers pocl-opencl-icd oclgrind clinfo
    # guest: static busybox for the initramfs
    busybox-static
    # the paper's figures and the autoencoder's data (scripts/paper.sh)
    python3-matplotlib dataset-fashion-mnist
    # the kernel's checkpatch.pl for the guest driver's style (kernel-style)
    linux-source-6.1
    # the other style gates (tests/style, docs/style.md)
    cppcheck clang-format
)

export DEBIAN_FRONTEND=noninteractive
gv_log "apt-get update"
apt-get update -q >/dev/null
abi=$(gv_kernel_abi)
[ -n "$abi" ] || gv_die "cannot resolve Debian's current 6.1 kernel (apt-cache depends linux-image-amd64)"
pkgs+=("linux-headers-$abi")

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    gv_log "installing: ${missing[*]}"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
gv_log "dependencies ready (guest kernel $abi)"
