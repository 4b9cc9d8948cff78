// SPDX-License-Identifier: GPL-2.0-or-later
// matrixMul's kernels: C = A * B with square tiles of BLOCK_SIZE x
// BLOCK_SIZE in dynamic shared memory (the launch gives 2 * BLOCK_SIZE^2
// floats: a tile of A, then one of B).  One template, one extern "C"
// entry per tile size, so the host finds them by name.
template <int BLOCK_SIZE, typename size_type>
__device__ void matrixMul(float *C, const float *A, const float *B,
                          size_type wA, size_type wB)
{
    extern __shared__ float tiles[];
    float *As = tiles;
    float *Bs = tiles + BLOCK_SIZE * BLOCK_SIZE;
    size_type tx = threadIdx.x, ty = threadIdx.y;
    size_type aBegin = wA * BLOCK_SIZE * blockIdx.y;
    size_type aEnd = aBegin + wA - 1;
    size_type bBegin = BLOCK_SIZE * blockIdx.x;
    size_type bStep = BLOCK_SIZE * wB;
    float sum = 0.0f;

    for (size_type a = aBegin, b = bBegin; a <= aEnd;
         a += BLOCK_SIZE, b += bStep) {
        As[ty * BLOCK_SIZE + tx] = A[a + wA * ty + tx];
        Bs[ty * BLOCK_SIZE + tx] = B[b + wB * ty + tx];
        __syncthreads();
#pragma unroll
        for (int k = 0; k < BLOCK_SIZE; k++)
            sum += As[ty * BLOCK_SIZE + k] * Bs[k * BLOCK_SIZE + tx];
        __syncthreads();
    }
    C[wB * BLOCK_SIZE * blockIdx.y + BLOCK_SIZE * blockIdx.x + wB * ty + tx] =
        sum;
}

extern "C" __global__ void matrixMul_bs8(float *C, const float *A,
                                         const float *B, int wA, int wB)
{
    matrixMul<8, int>(C, A, B, wA, wB);
}

extern "C" __global__ void matrixMul_bs16(float *C, const float *A,
                                          const float *B, int wA, int wB)
{
    matrixMul<16, int>(C, A, B, wA, wB);
}

extern "C" __global__ void matrixMul_bs32_64bit(float *C, const float *A,
                                                const float *B, size_t wA,
                                                size_t wB)
{
    matrixMul<32, size_t>(C, A, B, wA, wB);
}
