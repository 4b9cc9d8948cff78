// SPDX-License-Identifier: GPL-2.0-or-later
// p[i] = value for i < n: the secure-free kernel (clears pages before an
// authorised unmap), grid-stride so any grid covers any n.
#include "gv_cuda.h"

extern "C" __global__ void memset32(unsigned *p, unsigned value,
                                    unsigned long long n)
{
    unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;

    for (unsigned long long i = blockIdx.x * blockDim.x + threadIdx.x;
         i < n; i += stride)
        p[i] = value;
}
