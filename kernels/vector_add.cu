// SPDX-License-Identifier: GPL-2.0-or-later
// c[i] = a[i] + b[i]
#include "gv_cuda.h"

extern "C" __global__ void vector_add(const float *a, const float *b,
                                      float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;

    if (i < n)
        c[i] = a[i] + b[i];
}
