// SPDX-License-Identifier: GPL-2.0-or-later
// BlackScholes' kernel: European call and put prices, one option per
// thread, grid-stride.  The riskless rate and the volatility are
// __constant__ variables the host sets through cuModuleGetGlobal.
__constant__ float Riskfree;
__constant__ float Volatility;

// Cumulative normal distribution: the Abramowitz-Stegun polynomial.
__device__ inline float cndGPU(float d)
{
    const float A1 = 0.31938153f, A2 = -0.356563782f, A3 = 1.781477937f;
    const float A4 = -1.821255978f, A5 = 1.330274429f;
    const float RSQRT2PI = 0.39894228040143267794f;
    float K = __fdividef(1.0f, 1.0f + 0.2316419f * fabsf(d));
    float cnd = RSQRT2PI * __expf(-0.5f * d * d) *
                (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))));

    return d > 0 ? 1.0f - cnd : cnd;
}

__device__ inline void blackScholesBody(float &call, float &put, float S,
                                        float X, float T, float R, float V)
{
    float sqrtT = sqrtf(T);
    float d1 = __fdividef(__logf(S / X) + (R + 0.5f * V * V) * T,
                          V * sqrtT);
    float d2 = d1 - V * sqrtT;
    float cndD1 = cndGPU(d1), cndD2 = cndGPU(d2);
    float expRT = __expf(-R * T);

    call = S * cndD1 - X * expRT * cndD2;
    put = X * expRT * (1.0f - cndD2) - S * (1.0f - cndD1);
}

extern "C" __global__ void BlackScholesGPU(float2 *__restrict__ d_CallPut,
                                           const float *__restrict__ d_S,
                                           const float *__restrict__ d_X,
                                           const float *__restrict__ d_T,
                                           int optN)
{
    for (int i = blockDim.x * blockIdx.x + threadIdx.x; i < optN;
         i += blockDim.x * gridDim.x) {
        float2 r;

        blackScholesBody(r.x, r.y, d_S[i], d_X[i], d_T[i], Riskfree,
                         Volatility);
        d_CallPut[i] = r;
    }
}
