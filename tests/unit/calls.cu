// SPDX-License-Identifier: GPL-2.0-or-later
// Calls the translator cannot inline (docs/ptx.md, "Calls for real"), as
// clang writes them: direct and mutual recursion, recursion with a local
// array (clang's __local_depot through a generic pointer: one per
// frame), a struct passed and returned by value by a recursive function,
// and recursive functions called through a table of their addresses in a
// __device__ initialiser.  Compiled as scripts/gv-build.sh compiles a
// user's kernels; run by test_ptx_calls.c against CPU references.  One
// block; out[tid * 8 ..], in[tid].
#define CALLS_WORDS 8

struct P {
    int a, b;
    long long c;
};

__device__ __noinline__ int fact(int n)
{
    return n < 2 ? 1 : n * fact(n - 1);
}

__device__ __noinline__ int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__device__ __noinline__ bool is_odd(unsigned n);

__device__ __noinline__ bool is_even(unsigned n)
{
    return n == 0 || is_odd(n - 1);
}

__device__ __noinline__ bool is_odd(unsigned n)
{
    return n != 0 && is_even(n - 1);
}

// Each frame's own array: the deeper calls must not overwrite it.
__device__ __noinline__ int sumarr(int n)
{
    volatile int a[8];
    int s = 0;

    for (int i = 0; i < 8; i++) {
        a[i] = n + i;
    }
    if (n > 0) {
        s = sumarr(n - 1);
    }
    for (int i = 0; i < 8; i++) {
        s += a[i];
    }
    return s;
}

__device__ __noinline__ P step(P x, int n)
{
    if (n == 0) {
        return x;
    }
    P y = step(P{x.b, x.a + x.b, x.c * 2}, n - 1);
    y.c += 1;
    return y;
}

typedef int (*op_t)(int);
__device__ op_t ops[2] = {fact, fib};

extern "C" __global__ void k_calls(int *out, const int *in)
{
    int t = threadIdx.x, x = in[t];
    int *o = out + t * CALLS_WORDS;

    o[0] = fact(x % 13);
    o[1] = fib(x % 18);
    o[2] = is_even(x);
    o[3] = sumarr(x % 20);
    P p = step(P{t, 1, t}, x % 9);
    o[4] = p.a;
    o[5] = p.b;
    o[6] = (int)p.c;
    o[7] = ops[x & 1](x % 11);
}

// Divergent at every level, with two nested reconvergence points: the
// lanes of a warp go down different paths, up to 100 calls deep.
__device__ __noinline__ unsigned nest(int n, unsigned m)
{
    unsigned r = 0;

    if (n > 0) {
        if (m & 1) {
            r = nest(n - 1, m * 3 + 1) + 1;
        } else {
            r = nest(n - 1, m / 2 + 7) * 2;
        }
        if (m & 2) {
            r ^= n;
        }
    }
    return r;
}

extern "C" __global__ void k_nest(unsigned *out, const int *in)
{
    int t = threadIdx.x;

    out[t] = nest(in[t], t * 2654435761u);
}
