// SPDX-License-Identifier: GPL-2.0-or-later
// vectorAdd's kernel: C = A + B, one element per thread.  Loaded at run
// time by name, so extern "C".
extern "C" __global__ void VecAdd_kernel(const float *A, const float *B,
                                         float *C, int N)
{
    int i = blockDim.x * blockIdx.x + threadIdx.x;

    if (i < N)
        C[i] = A[i] + B[i];
}
