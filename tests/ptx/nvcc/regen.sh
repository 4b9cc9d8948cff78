#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The test kernels (kernels/*.cu, ours) in nvcc's dialect of PTX, kept as
# test data: test compute-kernels-nvcc runs them with the same checks as
# clang's PTX (tests/unit/test_kernels.c), so nothing but this script
# needs NVIDIA's toolkit.  Regenerate with the toolkit's nvcc:
#   bash tests/ptx/nvcc/regen.sh [NVCC]
# (committed: nvcc 13.0 V13.0.88, PTX ISA 9.0, sm_75, -O3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../..
nvcc=${1:-/usr/local/cuda/bin/nvcc}
if [ ! -x "$nvcc" ]; then
    echo "regen: no nvcc at $nvcc (NVIDIA's CUDA toolkit)" >&2
    exit 2
fi
for k in vector_add memset32 matmul reduce blackscholes aesgcm kmac \
         intrinsics; do
    "$nvcc" -ptx -arch=sm_75 -O3 -I "$src/kernels" "$src/kernels/$k.cu" \
        -o "$here/$k.ptx"
done
"$nvcc" --version | tail -1
