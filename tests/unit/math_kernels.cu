/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The math library's accuracy kernels (tests/unit/test_math.c), compiled
 * as scripts/gv-build.sh compiles a user's kernel, so the standard names
 * (expf, sin, pow, ...) come from kernels/include/cuda_runtime.h.  One
 * entry per function: o[i] = f(x[i]) or f(x[i], y[i]); sincos writes the
 * cosines to o[n + i].  The bad_* entries are deliberately worse
 * implementations: the test shows that its measurement rejects them.
 */
#define GV_ARGS(t) const t *x, const t *y, t *o, int n
#define GV_IDX                                                          \
    int i = blockIdx.x * blockDim.x + threadIdx.x;                      \
    if (i >= n) {                                                       \
        return;                                                         \
    }
#define M1(t, f)                                                        \
    extern "C" __global__ void m_##f(GV_ARGS(t))                        \
    {                                                                   \
        GV_IDX                                                          \
        o[i] = f(x[i]);                                                 \
    }
#define M2(t, f)                                                        \
    extern "C" __global__ void m_##f(GV_ARGS(t))                        \
    {                                                                   \
        GV_IDX                                                          \
        o[i] = f(x[i], y[i]);                                           \
    }

M1(float, expf)
M1(float, exp2f)
M1(float, exp10f)
M1(float, expm1f)
M1(float, logf)
M1(float, log2f)
M1(float, log10f)
M1(float, log1pf)
M2(float, powf)
M1(float, sinf)
M1(float, cosf)
M1(float, tanf)
M1(float, tanhf)
M1(float, sinhf)
M1(float, coshf)
M1(float, atanf)
M2(float, atan2f)
M1(float, asinf)
M1(float, acosf)
M1(float, erff)
M1(float, erfcf)
M1(float, cbrtf)
M2(float, hypotf)
M1(float, asinhf)
M1(float, acoshf)
M1(float, atanhf)
M1(float, sinpif)
M1(float, cospif)
M1(double, exp)
M1(double, exp2)
M1(double, exp10)
M1(double, expm1)
M1(double, log)
M1(double, log2)
M1(double, log10)
M1(double, log1p)
M2(double, pow)
M1(double, sin)
M1(double, cos)
M1(double, tan)
M1(double, atan)
M2(double, atan2)
M1(double, asin)
M1(double, acos)
M1(double, sinh)
M1(double, cosh)
M1(double, tanh)
M1(double, cbrt)
M1(double, erf)
M1(double, erfc)
M1(double, asinh)
M1(double, acosh)
M1(double, atanh)
M1(double, sinpi)
M1(double, cospi)
M2(double, hypot)
M1(double, sqrt)

extern "C" __global__ void m_sincosf(GV_ARGS(float))
{
    GV_IDX
    sincosf(x[i], &o[i], &o[n + i]);
}

extern "C" __global__ void m_sincos(GV_ARGS(double))
{
    GV_IDX
    sincos(x[i], &o[i], &o[n + i]);
}

/* worse implementations, each over its bound somewhere */
extern "C" __global__ void m_bad_expf(GV_ARGS(float))
{
    GV_IDX
    o[i] = __expf(x[i]);
}

/* (__sinf itself is within 1 ulp on the engine, which computes
 * sin.approx with the host's libm): a reduction by 2 pi in float */
extern "C" __global__ void m_bad_sinf(GV_ARGS(float))
{
    GV_IDX
    float k = rintf(x[i] * 0.15915494f);

    o[i] = __sinf(fmaf(-k, 6.2831855f, x[i]));
}

/* exp through float: 2^-24 relative */
extern "C" __global__ void m_bad_exp(GV_ARGS(double))
{
    GV_IDX
    o[i] = (double)expf((float)x[i]);
}

/* pow as exp(y log x) in plain double: the rounding of y log x grows
 * with the result's exponent */
extern "C" __global__ void m_bad_pow(GV_ARGS(double))
{
    GV_IDX
    o[i] = exp(y[i] * log(x[i]));
}
