// SPDX-License-Identifier: GPL-2.0-or-later
// *sum += the sum of in[0..n): a grid-stride loop per thread, a warp
// reduction with shuffles, one atomic per warp.  Integers, so the result
// is exact whatever the order.
#include "gv_cuda.h"

extern "C" __global__ void reduce_sum(const int *in, int *sum, int n)
{
    int v = 0;

    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += gridDim.x * blockDim.x)
        v += in[i];
    for (int d = GV_WARP_SIZE / 2; d > 0; d /= 2)
        v += __shfl_down_sync(GV_FULL_MASK, v, d);
    if ((threadIdx.x & (GV_WARP_SIZE - 1)) == 0)
        atomicAdd(sum, v);
}
