// SPDX-License-Identifier: GPL-2.0-or-later
// threadMigration's kernel: each thread writes its index plus a value
// that names the host thread which launched it.
extern "C" __global__ void kernelFunction(int *p, int value, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;

    if (i < n)
        p[i] = value + i;
}
