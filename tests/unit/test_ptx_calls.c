/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx-calls: .func calls the translator cannot inline, run on the
 * compute engine against CPU references (docs/ptx.md, "Calls"):
 * recursion (factorial, Fibonacci), mutual recursion, each lane of a warp
 * at its own depth, recursion through a table of function addresses in a
 * .global initialiser, aggregates passed and returned by value (called
 * for real and inlined), the call stack's depth limit (compute.call_depth,
 * the launch alone stops), and the engine's checks of CALL and RET in a
 * hand-made module (a target outside the function is refused at load, a
 * return to no instruction faults).  The PTX is written by hand in the
 * style of nvcc 12 (no nvcc here); calls.cu is the same in CUDA C, run as
 * clang's PTX built at test time.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_rules.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "ptx_run.h"

#define NT 32

#define HEAD ".version 8.4\n.target sm_75\n.address_size 64\n\n"

/* __device__ int fact(int n) { return n < 2 ? 1 : n * fact(n - 1); } */
#define FACT                                                             \
    ".visible .func  (.param .b32 func_retval0) _Z4facti(\n"             \
    "\t.param .b32 _Z4facti_param_0\n"                                   \
    ")\n"                                                                \
    "{\n"                                                                \
    "\t.reg .pred \t%p<2>;\n"                                            \
    "\t.reg .b32 \t%r<6>;\n"                                             \
    "\n"                                                                 \
    "\tld.param.u32 \t%r2, [_Z4facti_param_0];\n"                        \
    "\tmov.u32 \t%r5, 1;\n"                                              \
    "\tsetp.lt.s32 \t%p1, %r2, 2;\n"                                     \
    "\t@%p1 bra \t$L__BB0_2;\n"                                          \
    "\n"                                                                 \
    "\tadd.s32 \t%r3, %r2, -1;\n"                                        \
    "\t{ // callseq 0, 0\n"                                              \
    "\t.reg .b32 temp_param_reg;\n"                                      \
    "\t.param .b32 param0;\n"                                            \
    "\tst.param.b32 \t[param0+0], %r3;\n"                                \
    "\t.param .b32 retval0;\n"                                           \
    "\tcall.uni (retval0), \n"                                           \
    "\t_Z4facti, \n"                                                     \
    "\t(\n"                                                              \
    "\tparam0\n"                                                         \
    "\t);\n"                                                             \
    "\tld.param.b32 \t%r4, [retval0+0];\n"                               \
    "\t} // callseq 0\n"                                                 \
    "\tmul.lo.s32 \t%r5, %r4, %r2;\n"                                    \
    "\n"                                                                 \
    "$L__BB0_2:\n"                                                       \
    "\tst.param.b32 \t[func_retval0+0], %r5;\n"                          \
    "\tret;\n"                                                           \
    "\n"                                                                 \
    "}\n"

/* __device__ int fib(int n)
 * { return n < 2 ? n : fib(n - 1) + fib(n - 2); } */
#define FIB                                                              \
    ".visible .func  (.param .b32 func_retval0) _Z3fibi(\n"              \
    "\t.param .b32 _Z3fibi_param_0\n"                                    \
    ")\n"                                                                \
    "{\n"                                                                \
    "\t.reg .pred \t%p<2>;\n"                                            \
    "\t.reg .b32 \t%r<8>;\n"                                             \
    "\n"                                                                 \
    "\tld.param.u32 \t%r1, [_Z3fibi_param_0];\n"                         \
    "\tsetp.lt.s32 \t%p1, %r1, 2;\n"                                     \
    "\tmov.u32 \t%r7, %r1;\n"                                            \
    "\t@%p1 bra \t$L__BB1_2;\n"                                          \
    "\n"                                                                 \
    "\tadd.s32 \t%r2, %r1, -1;\n"                                        \
    "\t{ // callseq 1, 0\n"                                              \
    "\t.param .b32 param0;\n"                                            \
    "\tst.param.b32 \t[param0+0], %r2;\n"                                \
    "\t.param .b32 retval0;\n"                                           \
    "\tcall.uni (retval0), \n"                                           \
    "\t_Z3fibi, \n"                                                      \
    "\t(\n"                                                              \
    "\tparam0\n"                                                         \
    "\t);\n"                                                             \
    "\tld.param.b32 \t%r3, [retval0+0];\n"                               \
    "\t} // callseq 1\n"                                                 \
    "\tadd.s32 \t%r4, %r1, -2;\n"                                        \
    "\t{ // callseq 2, 0\n"                                              \
    "\t.param .b32 param0;\n"                                            \
    "\tst.param.b32 \t[param0+0], %r4;\n"                                \
    "\t.param .b32 retval0;\n"                                           \
    "\tcall.uni (retval0), \n"                                           \
    "\t_Z3fibi, \n"                                                      \
    "\t(\n"                                                              \
    "\tparam0\n"                                                         \
    "\t);\n"                                                             \
    "\tld.param.b32 \t%r5, [retval0+0];\n"                               \
    "\t} // callseq 2\n"                                                 \
    "\tadd.s32 \t%r7, %r5, %r3;\n"                                       \
    "\n"                                                                 \
    "$L__BB1_2:\n"                                                       \
    "\tst.param.b32 \t[func_retval0+0], %r7;\n"                          \
    "\tret;\n"                                                           \
    "\n"                                                                 \
    "}\n"

/* __global__ void NAME(int *out, const int *in)
 * { out[threadIdx.x] = FN(in[threadIdx.x]); } */
#define ENTRY(NAME, FN)                                                  \
    ".visible .entry " NAME "(\n"                                        \
    "\t.param .u64 " NAME "_param_0,\n"                                  \
    "\t.param .u64 " NAME "_param_1\n"                                   \
    ")\n"                                                                \
    "{\n"                                                                \
    "\t.reg .b32 \t%r<5>;\n"                                             \
    "\t.reg .b64 \t%rd<8>;\n"                                            \
    "\n"                                                                 \
    "\tld.param.u64 \t%rd1, [" NAME "_param_0];\n"                       \
    "\tld.param.u64 \t%rd2, [" NAME "_param_1];\n"                       \
    "\tcvta.to.global.u64 \t%rd3, %rd1;\n"                               \
    "\tcvta.to.global.u64 \t%rd4, %rd2;\n"                               \
    "\tmov.u32 \t%r1, %tid.x;\n"                                         \
    "\tmul.wide.u32 \t%rd5, %r1, 4;\n"                                   \
    "\tadd.s64 \t%rd6, %rd4, %rd5;\n"                                    \
    "\tld.global.u32 \t%r2, [%rd6];\n"                                   \
    "\t{ // callseq 9, 0\n"                                              \
    "\t.param .b32 param0;\n"                                            \
    "\tst.param.b32 \t[param0+0], %r2;\n"                                \
    "\t.param .b32 retval0;\n"                                           \
    "\tcall.uni (retval0), \n"                                           \
    "\t" FN ", \n"                                                       \
    "\t(\n"                                                              \
    "\tparam0\n"                                                         \
    "\t);\n"                                                             \
    "\tld.param.b32 \t%r3, [retval0+0];\n"                               \
    "\t} // callseq 9\n"                                                 \
    "\tadd.s64 \t%rd7, %rd3, %rd5;\n"                                    \
    "\tst.global.u32 \t[%rd7], %r3;\n"                                   \
    "\tret;\n"                                                           \
    "\n"                                                                 \
    "}\n"

static const char fact_ptx[] = HEAD FACT ENTRY("k", "_Z4facti");
static const char fib_ptx[] = HEAD FIB ENTRY("k", "_Z3fibi");

static int32_t fact_ref(int32_t n)
{
    return n < 2 ? 1 : (int32_t)((uint32_t)n * (uint32_t)fact_ref(n - 1));
}

static int32_t fib_ref(int32_t n)
{
    return n < 2 ? n : fib_ref(n - 1) + fib_ref(n - 2);
}

/* Run the entry @entry of @ptx on in[] and compare with @ref. */
static void run_entry_ref(const char *ptx, const char *entry,
                          const int32_t *in, int32_t (*ref)(int32_t),
                          const char *what)
{
    int32_t out[NT];
    int bad = 0;

    CU_ASSERT_EQUAL_FATAL(ptxr_run_entry(ptx, entry, NT, out, sizeof(out),
                                         in, NT * sizeof(int32_t)),
                          GV_ERR_NONE);
    for (int t = 0; t < NT; t++) {
        if (out[t] != ref(in[t]) && bad++ < 4) {
            fprintf(stderr, "\n    %s(%d): %d, want %d", what, in[t], out[t],
                    ref(in[t]));
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* The same, of the entry k. */
static void run_ref(const char *ptx, const int32_t *in,
                    int32_t (*ref)(int32_t), const char *what)
{
    run_entry_ref(ptx, "k", in, ref, what);
}

/* Every lane at its own depth: in[t] differs per lane, and the lanes
 * leave the recursion at different times. */
static void test_factorial(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = (t * 7) % 23 - 2;       /* -2 .. 20 */
    }
    run_ref(fact_ptx, in, fact_ref, "fact");
}

static void test_fibonacci(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = t % 2 ? 17 - t / 2 : t / 3;     /* 0 .. 17, scattered */
    }
    run_ref(fib_ptx, in, fib_ref, "fib");
}

/* One warp whose lanes are all at different depths at once: lane t
 * recurses t deep, and lane 0 not at all. */
static void test_divergent_depths(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = NT - 1 - t;
    }
    run_ref(fact_ptx, in, fact_ref, "fact");
    for (int t = 0; t < NT; t++) {
        in[t] = t & 1 ? t / 2 : 0;
    }
    run_ref(fib_ptx, in, fib_ref, "fib");
}

/* __device__ bool is_odd(unsigned n);
 * __device__ bool is_even(unsigned n) { return n == 0 || is_odd(n - 1); }
 * __device__ bool is_odd(unsigned n) { return n != 0 && is_even(n - 1); }
 */
static const char even_odd_ptx[] =
    HEAD
    ".visible .func  (.param .b32 func_retval0) _Z6is_oddj(\n"
    "\t.param .b32 _Z6is_oddj_param_0\n"
    ")\n"
    ";\n"
    ".visible .func  (.param .b32 func_retval0) _Z7is_evenj(\n"
    "\t.param .b32 _Z7is_evenj_param_0\n"
    ")\n"
    "{\n"
    "\t.reg .pred \t%p<2>;\n"
    "\t.reg .b32 \t%r<5>;\n"
    "\n"
    "\tld.param.u32 \t%r1, [_Z7is_evenj_param_0];\n"
    "\tmov.u32 \t%r4, 1;\n"
    "\tsetp.eq.s32 \t%p1, %r1, 0;\n"
    "\t@%p1 bra \t$L__BB0_2;\n"
    "\n"
    "\tadd.s32 \t%r2, %r1, -1;\n"
    "\t{ // callseq 0, 0\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], %r2;\n"
    "\t.param .b32 retval0;\n"
    "\tcall.uni (retval0), \n"
    "\t_Z6is_oddj, \n"
    "\t(\n"
    "\tparam0\n"
    "\t);\n"
    "\tld.param.b32 \t%r3, [retval0+0];\n"
    "\t} // callseq 0\n"
    "\tand.b32 \t%r4, %r3, 255;\n"
    "\n"
    "$L__BB0_2:\n"
    "\tst.param.b32 \t[func_retval0+0], %r4;\n"
    "\tret;\n"
    "\n"
    "}\n"
    ".visible .func  (.param .b32 func_retval0) _Z6is_oddj(\n"
    "\t.param .b32 _Z6is_oddj_param_0\n"
    ")\n"
    "{\n"
    "\t.reg .pred \t%p<2>;\n"
    "\t.reg .b32 \t%r<5>;\n"
    "\n"
    "\tld.param.u32 \t%r1, [_Z6is_oddj_param_0];\n"
    "\tmov.u32 \t%r4, 0;\n"
    "\tsetp.eq.s32 \t%p1, %r1, 0;\n"
    "\t@%p1 bra \t$L__BB1_2;\n"
    "\n"
    "\tadd.s32 \t%r2, %r1, -1;\n"
    "\t{ // callseq 1, 0\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], %r2;\n"
    "\t.param .b32 retval0;\n"
    "\tcall.uni (retval0), \n"
    "\t_Z7is_evenj, \n"
    "\t(\n"
    "\tparam0\n"
    "\t);\n"
    "\tld.param.b32 \t%r3, [retval0+0];\n"
    "\t} // callseq 1\n"
    "\tand.b32 \t%r4, %r3, 255;\n"
    "\n"
    "$L__BB1_2:\n"
    "\tst.param.b32 \t[func_retval0+0], %r4;\n"
    "\tret;\n"
    "\n"
    "}\n" ENTRY("k", "_Z7is_evenj") ENTRY("k_odd", "_Z6is_oddj");

static int32_t even_ref(int32_t n)
{
    return (n & 1) == 0;
}

static int32_t odd_ref(int32_t n)
{
    return n & 1;
}

static void test_mutual(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = (t * 13) % 40;
    }
    run_ref(even_odd_ptx, in, even_ref, "is_even");
    run_entry_ref(even_odd_ptx, "k_odd", in, odd_ref, "is_odd");
}

/*
 * typedef int (*op_t)(int);
 * __device__ int walk(int n);
 * __device__ int walk2(int n) { return 2 + walk(n); }
 * __device__ op_t table[2] = { walk, walk2 };
 * __device__ int walk(int n) { return n <= 0 ? 1 : 1 + table[n & 1](n - 1); }
 * __device__ op_t ops[2] = { fact, fib };
 * __global__ void k(int *out, const int *in)
 * { int x = in[threadIdx.x]; out[threadIdx.x] = ops[x & 1](x >> 1); }
 * __global__ void k_walk(...) { ... = walk(in[threadIdx.x]); }
 */
static const char table_ptx[] =
    HEAD
    ".visible .func  (.param .b32 func_retval0) _Z4walki(\n"
    "\t.param .b32 _Z4walki_param_0\n"
    ")\n"
    ";\n"
    ".visible .func  (.param .b32 func_retval0) _Z5walk2i(\n"
    "\t.param .b32 _Z5walk2i_param_0\n"
    ")\n"
    ";\n" FACT FIB
    ".global .align 8 .u64 table[2] = {_Z4walki, _Z5walk2i};\n"
    ".global .align 8 .u64 ops[2] = {_Z4facti, _Z3fibi};\n"
    "\n"
    ".visible .func  (.param .b32 func_retval0) _Z5walk2i(\n"
    "\t.param .b32 _Z5walk2i_param_0\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<4>;\n"
    "\n"
    "\tld.param.u32 \t%r1, [_Z5walk2i_param_0];\n"
    "\t{ // callseq 3, 0\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], %r1;\n"
    "\t.param .b32 retval0;\n"
    "\tcall.uni (retval0), \n"
    "\t_Z4walki, \n"
    "\t(\n"
    "\tparam0\n"
    "\t);\n"
    "\tld.param.b32 \t%r2, [retval0+0];\n"
    "\t} // callseq 3\n"
    "\tadd.s32 \t%r3, %r2, 2;\n"
    "\tst.param.b32 \t[func_retval0+0], %r3;\n"
    "\tret;\n"
    "\n"
    "}\n"
    ".visible .func  (.param .b32 func_retval0) _Z4walki(\n"
    "\t.param .b32 _Z4walki_param_0\n"
    ")\n"
    "{\n"
    "\t.reg .pred \t%p<2>;\n"
    "\t.reg .b32 \t%r<7>;\n"
    "\t.reg .b64 \t%rd<6>;\n"
    "\n"
    "\tld.param.u32 \t%r1, [_Z4walki_param_0];\n"
    "\tmov.u32 \t%r6, 1;\n"
    "\tsetp.lt.s32 \t%p1, %r1, 1;\n"
    "\t@%p1 bra \t$L__BB4_2;\n"
    "\n"
    "\tand.b32 \t%r2, %r1, 1;\n"
    "\tmul.wide.u32 \t%rd1, %r2, 8;\n"
    "\tmov.u64 \t%rd2, table;\n"
    "\tadd.s64 \t%rd3, %rd2, %rd1;\n"
    "\tld.global.u64 \t%rd4, [%rd3];\n"
    "\tadd.s32 \t%r3, %r1, -1;\n"
    "\t{ // callseq 4, 0\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], %r3;\n"
    "\t.param .b32 retval0;\n"
    "\tprototype_4 : .callprototype (.param .b32 _) _ (.param .b32 _);\n"
    "\tcall (retval0), \n"
    "\t%rd4, \n"
    "\t(\n"
    "\tparam0\n"
    "\t)\n"
    "\t, prototype_4;\n"
    "\tld.param.b32 \t%r4, [retval0+0];\n"
    "\t} // callseq 4\n"
    "\tadd.s32 \t%r6, %r4, 1;\n"
    "\n"
    "$L__BB4_2:\n"
    "\tst.param.b32 \t[func_retval0+0], %r6;\n"
    "\tret;\n"
    "\n"
    "}\n"
    ".visible .entry k(\n"
    "\t.param .u64 k_param_0,\n"
    "\t.param .u64 k_param_1\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<7>;\n"
    "\t.reg .b64 \t%rd<12>;\n"
    "\n"
    "\tld.param.u64 \t%rd1, [k_param_0];\n"
    "\tld.param.u64 \t%rd2, [k_param_1];\n"
    "\tcvta.to.global.u64 \t%rd3, %rd1;\n"
    "\tcvta.to.global.u64 \t%rd4, %rd2;\n"
    "\tmov.u32 \t%r1, %tid.x;\n"
    "\tmul.wide.u32 \t%rd5, %r1, 4;\n"
    "\tadd.s64 \t%rd6, %rd4, %rd5;\n"
    "\tld.global.u32 \t%r2, [%rd6];\n"
    "\tand.b32 \t%r3, %r2, 1;\n"
    "\tmul.wide.u32 \t%rd7, %r3, 8;\n"
    "\tmov.u64 \t%rd8, ops;\n"
    "\tadd.s64 \t%rd9, %rd8, %rd7;\n"
    "\tld.global.u64 \t%rd10, [%rd9];\n"
    "\tshr.s32 \t%r4, %r2, 1;\n"
    "\t{ // callseq 5, 0\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 \t[param0+0], %r4;\n"
    "\t.param .b32 retval0;\n"
    "\tprototype_5 : .callprototype (.param .b32 _) _ (.param .b32 _);\n"
    "\tcall (retval0), \n"
    "\t%rd10, \n"
    "\t(\n"
    "\tparam0\n"
    "\t)\n"
    "\t, prototype_5;\n"
    "\tld.param.b32 \t%r5, [retval0+0];\n"
    "\t} // callseq 5\n"
    "\tadd.s64 \t%rd11, %rd3, %rd5;\n"
    "\tst.global.u32 \t[%rd11], %r5;\n"
    "\tret;\n"
    "\n"
    "}\n" ENTRY("k_walk", "_Z4walki");

static int32_t walk_ref(int32_t n);

static int32_t walk2_ref(int32_t n)
{
    return 2 + walk_ref(n);
}

static int32_t walk_ref(int32_t n)
{
    static int32_t (*const table[2])(int32_t) = { walk_ref, walk2_ref };

    return n <= 0 ? 1 : 1 + table[n & 1](n - 1);
}

static int32_t ops_ref(int32_t x)
{
    return x & 1 ? fib_ref(x >> 1) : fact_ref(x >> 1);
}

static void test_table(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = (t * 11) % 30;  /* fact or fib of 0 .. 14, per lane */
    }
    run_ref(table_ptx, in, ops_ref, "ops[x & 1](x >> 1)");
    for (int t = 0; t < NT; t++) {
        in[t] = (t * 5) % 27;
    }
    run_entry_ref(table_ptx, "k_walk", in, walk_ref, "walk");
}

/*
 * struct P { int a, b; long long c; };
 * __device__ P step(P x, int n)       // recursive: called for real
 * {
 *     if (n == 0) return x;
 *     P y = step(P{x.b, x.a + x.b, x.c * 2}, n - 1);
 *     y.c += 1;
 *     return y;
 * }
 * __device__ P swap(P x) { return P{x.b, x.a, -x.c}; }     // inlined
 * __global__ void k(P *out, const int *in)
 * {
 *     int t = threadIdx.x;
 *     out[t] = swap(step(P{t, 1, t}, in[t]));
 * }
 */
static const char struct_ptx[] =
    HEAD
    ".visible .func  (.param .align 8 .b8 func_retval0[16]) _Z4step1Pi(\n"
    "\t.param .align 8 .b8 _Z4step1Pi_param_0[16],\n"
    "\t.param .b32 _Z4step1Pi_param_1\n"
    ")\n"
    "{\n"
    "\t.reg .pred \t%p<2>;\n"
    "\t.reg .b32 \t%r<10>;\n"
    "\t.reg .b64 \t%rd<6>;\n"
    "\n"
    "\tld.param.u32 \t%r1, [_Z4step1Pi_param_1];\n"
    "\tld.param.u64 \t%rd5, [_Z4step1Pi_param_0+8];\n"
    "\tld.param.u32 \t%r8, [_Z4step1Pi_param_0+4];\n"
    "\tld.param.u32 \t%r9, [_Z4step1Pi_param_0];\n"
    "\tsetp.eq.s32 \t%p1, %r1, 0;\n"
    "\t@%p1 bra \t$L__BB0_2;\n"
    "\n"
    "\tadd.s32 \t%r2, %r9, %r8;\n"
    "\tshl.b64 \t%rd2, %rd5, 1;\n"
    "\tadd.s32 \t%r3, %r1, -1;\n"
    "\t{ // callseq 0, 0\n"
    "\t.param .align 8 .b8 param0[16];\n"
    "\tst.param.b32 \t[param0+0], %r8;\n"
    "\tst.param.b32 \t[param0+4], %r2;\n"
    "\tst.param.b64 \t[param0+8], %rd2;\n"
    "\t.param .b32 param1;\n"
    "\tst.param.b32 \t[param1+0], %r3;\n"
    "\t.param .align 8 .b8 retval0[16];\n"
    "\tcall.uni (retval0), \n"
    "\t_Z4step1Pi, \n"
    "\t(\n"
    "\tparam0, \n"
    "\tparam1\n"
    "\t);\n"
    "\tld.param.b32 \t%r9, [retval0+0];\n"
    "\tld.param.b32 \t%r8, [retval0+4];\n"
    "\tld.param.b64 \t%rd4, [retval0+8];\n"
    "\t} // callseq 0\n"
    "\tadd.s64 \t%rd5, %rd4, 1;\n"
    "\n"
    "$L__BB0_2:\n"
    "\tst.param.b32 \t[func_retval0+0], %r9;\n"
    "\tst.param.b32 \t[func_retval0+4], %r8;\n"
    "\tst.param.b64 \t[func_retval0+8], %rd5;\n"
    "\tret;\n"
    "\n"
    "}\n"
    ".visible .func  (.param .align 8 .b8 func_retval0[16]) _Z4swap1P(\n"
    "\t.param .align 8 .b8 _Z4swap1P_param_0[16]\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<3>;\n"
    "\t.reg .b64 \t%rd<3>;\n"
    "\n"
    "\tld.param.u64 \t%rd1, [_Z4swap1P_param_0+8];\n"
    "\tld.param.u32 \t%r1, [_Z4swap1P_param_0+4];\n"
    "\tld.param.u32 \t%r2, [_Z4swap1P_param_0];\n"
    "\tneg.s64 \t%rd2, %rd1;\n"
    "\tst.param.b32 \t[func_retval0+0], %r1;\n"
    "\tst.param.b32 \t[func_retval0+4], %r2;\n"
    "\tst.param.b64 \t[func_retval0+8], %rd2;\n"
    "\tret;\n"
    "\n"
    "}\n"
    ".visible .entry k(\n"
    "\t.param .u64 k_param_0,\n"
    "\t.param .u64 k_param_1\n"
    ")\n"
    "{\n"
    "\t.reg .b32 \t%r<8>;\n"
    "\t.reg .b64 \t%rd<12>;\n"
    "\n"
    "\tld.param.u64 \t%rd1, [k_param_0];\n"
    "\tld.param.u64 \t%rd2, [k_param_1];\n"
    "\tcvta.to.global.u64 \t%rd3, %rd1;\n"
    "\tcvta.to.global.u64 \t%rd4, %rd2;\n"
    "\tmov.u32 \t%r1, %tid.x;\n"
    "\tmul.wide.u32 \t%rd5, %r1, 4;\n"
    "\tadd.s64 \t%rd6, %rd4, %rd5;\n"
    "\tld.global.u32 \t%r2, [%rd6];\n"
    "\tcvt.s64.s32 \t%rd7, %r1;\n"
    "\t{ // callseq 1, 0\n"
    "\t.param .align 8 .b8 param0[16];\n"
    "\tst.param.b32 \t[param0+0], %r1;\n"
    "\tmov.u32 \t%r3, 1;\n"
    "\tst.param.b32 \t[param0+4], %r3;\n"
    "\tst.param.b64 \t[param0+8], %rd7;\n"
    "\t.param .b32 param1;\n"
    "\tst.param.b32 \t[param1+0], %r2;\n"
    "\t.param .align 8 .b8 retval0[16];\n"
    "\tcall.uni (retval0), \n"
    "\t_Z4step1Pi, \n"
    "\t(\n"
    "\tparam0, \n"
    "\tparam1\n"
    "\t);\n"
    "\tld.param.b32 \t%r4, [retval0+0];\n"
    "\tld.param.b32 \t%r5, [retval0+4];\n"
    "\tld.param.b64 \t%rd8, [retval0+8];\n"
    "\t} // callseq 1\n"
    "\t{ // callseq 2, 0\n"
    "\t.param .align 8 .b8 param0[16];\n"
    "\tst.param.b32 \t[param0+0], %r4;\n"
    "\tst.param.b32 \t[param0+4], %r5;\n"
    "\tst.param.b64 \t[param0+8], %rd8;\n"
    "\t.param .align 8 .b8 retval0[16];\n"
    "\tcall.uni (retval0), \n"
    "\t_Z4swap1P, \n"
    "\t(\n"
    "\tparam0\n"
    "\t);\n"
    "\tld.param.b32 \t%r6, [retval0+0];\n"
    "\tld.param.b32 \t%r7, [retval0+4];\n"
    "\tld.param.b64 \t%rd9, [retval0+8];\n"
    "\t} // callseq 2\n"
    "\tmul.wide.u32 \t%rd10, %r1, 16;\n"
    "\tadd.s64 \t%rd11, %rd3, %rd10;\n"
    "\tst.global.u32 \t[%rd11], %r6;\n"
    "\tst.global.u32 \t[%rd11+4], %r7;\n"
    "\tst.global.u64 \t[%rd11+8], %rd9;\n"
    "\tret;\n"
    "\n"
    "}\n";

struct P {
    int32_t a, b;
    int64_t c;
};

static struct P step_ref(struct P x, int32_t n)
{
    struct P y;

    if (n == 0) {
        return x;
    }
    y = step_ref((struct P){ x.b, (int32_t)((uint32_t)x.a + (uint32_t)x.b),
                             (int64_t)((uint64_t)x.c * 2) },
                 n - 1);
    y.c += 1;
    return y;
}

static void test_struct(void)
{
    int32_t in[NT];
    struct P out[NT];
    int bad = 0;

    for (int t = 0; t < NT; t++) {
        in[t] = (t * 5) % 13;
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(struct_ptx, NT, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    for (int t = 0; t < NT; t++) {
        struct P s = step_ref((struct P){ t, 1, t }, in[t]);

        if ((out[t].a != s.b || out[t].b != s.a || out[t].c != -s.c) &&
            bad++ < 4) {
            fprintf(stderr, "\n    lane %d: {%d %d %lld}, want {%d %d %lld}",
                    t, out[t].a, out[t].b, (long long)out[t].c, s.b, s.a,
                    (long long)-s.c);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Old PTX (nvcc 2.x/3.x): .reg parameters and results, recursive.
 * __device__ unsigned sum(unsigned n) { return n ? n + sum(n - 1) : 0; } */
static const char reg_ptx[] =
    "\t.version 2.1\n"
    "\t.target sm_20\n"
    "\t.func (.reg .u32 %ret) _Z3sumj (.reg .u32 %n)\n"
    "\t{\n"
    "\t.reg .u32 %r<4>;\n"
    "\t.reg .pred %p<2>;\n"
    "\tsetp.eq.u32 \t%p1, %n, 0;\n"
    "\t@%p1 bra \t$Lt_0_1;\n"
    "\tsub.u32 \t%r1, %n, 1;\n"
    "\tcall.uni (%r2), _Z3sumj, (%r1);\n"
    "\tadd.u32 \t%ret, %r2, %n;\n"
    "\tret;\n"
    "$Lt_0_1:\n"
    "\tmov.u32 \t%ret, 0;\n"
    "\tret;\n"
    "\t}\n"
    "\t.entry k (\n"
    "\t\t.param .u64 __cudaparm_k_out,\n"
    "\t\t.param .u64 __cudaparm_k_in)\n"
    "\t{\n"
    "\t.reg .u32 %r<4>;\n"
    "\t.reg .u64 %rd<6>;\n"
    "\tld.param.u64 \t%rd3, [__cudaparm_k_out];\n"
    "\tld.param.u64 \t%rd4, [__cudaparm_k_in];\n"
    "\tcvt.u32.u16 \t%r1, %tid.x;\n"
    "\tmul.wide.u32 \t%rd5, %r1, 4;\n"
    "\tadd.u64 \t%rd1, %rd3, %rd5;\n"
    "\tadd.u64 \t%rd2, %rd4, %rd5;\n"
    "\tld.global.u32 \t%r2, [%rd2+0];\n"
    "\tcall.uni (%r3), _Z3sumj, (%r2);\n"
    "\tst.global.u32 \t[%rd1+0], %r3;\n"
    "\texit;\n"
    "\t}\n";

static int32_t sum_ref(int32_t n)
{
    return (int32_t)((uint32_t)n * ((uint32_t)n + 1) / 2);
}

static void test_reg_params(void)
{
    int32_t in[NT];

    for (int t = 0; t < NT; t++) {
        in[t] = (t * 9) % 50;
    }
    run_ref(reg_ptx, in, sum_ref, "sum");
}

/* Errors: a function address in a narrow element, or with an offset. */
static void test_errors(void)
{
    ptxr_expect_err(HEAD FACT ".global .u32 t[1] = {_Z4facti};\n", 37,
                    "needs a 64-bit element");
    ptxr_expect_err(HEAD FACT ".global .u64 t[1] = {_Z4facti+8};\n", 37,
                    "needs a 64-bit element");
}

static int32_t sumarr_ref(int32_t n)
{
    int32_t s = n > 0 ? sumarr_ref(n - 1) : 0;

    for (int i = 0; i < 8; i++) {
        s += n + i;
    }
    return s;
}

static uint32_t nest_ref(int32_t n, uint32_t m)
{
    uint32_t r = 0;

    if (n > 0) {
        if (m & 1) {
            r = nest_ref(n - 1, m * 3 + 1) + 1;
        } else {
            r = nest_ref(n - 1, m / 2 + 7) * 2;
        }
        if (m & 2) {
            r ^= (uint32_t)n;
        }
    }
    return r;
}

/* clang's PTX of calls.cu (GV_CALLS_PTX; skipped without clang). */
static void test_clang(void)
{
    const char *path = getenv("GV_CALLS_PTX");
    int32_t in[NT], out[NT * 8];
    char *ptx;
    int bad = 0;

    if (!path) {
        fprintf(stderr, "(no clang: skipped) ");
        return;
    }
    ptx = ptxr_read_file(path);
    for (int t = 0; t < NT; t++) {
        in[t] = (t * 37 + 5) % 61;
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run_entry(ptx, "k_calls", NT, out,
                                         sizeof(out), in, sizeof(in)),
                          GV_ERR_NONE);
    for (int t = 0; t < NT; t++) {
        int32_t x = in[t], *o = out + t * 8;
        struct P p = step_ref((struct P){ t, 1, t }, x % 9);
        int32_t want[8] = { fact_ref(x % 13), fib_ref(x % 18),
                            even_ref(x), sumarr_ref(x % 20), p.a, p.b,
                            (int32_t)p.c,
                            x & 1 ? fib_ref(x % 11) : fact_ref(x % 11) };

        for (int k = 0; k < 8; k++) {
            if (o[k] != want[k] && bad++ < 6) {
                fprintf(stderr, "\n    lane %d word %d (in %d): %d, want %d",
                        t, k, x, o[k], want[k]);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* k_nest: every lane its own path and depth (60 .. 100) */
    for (int t = 0; t < NT; t++) {
        in[t] = 100 - (t * 7) % 41;
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run_entry(ptx, "k_nest", NT, out,
                                         sizeof(out), in, sizeof(in)),
                          GV_ERR_NONE);
    bad = 0;
    for (int t = 0; t < NT; t++) {
        uint32_t want = nest_ref(in[t], (uint32_t)t * 2654435761u);

        if ((uint32_t)out[t] != want && bad++ < 4) {
            fprintf(stderr, "\n    nest(%d): %u, want %u", in[t],
                    (uint32_t)out[t], want);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(ptx);
}

/* The depth limit: one lane recursing 100,000 deep faults with
 * compute.call_depth, before any write past the thread's local memory
 * (not compute.local_range); the other channel's launch, and this
 * channel's next one, run right. */
static void test_depth_limit(void)
{
    struct kt *k1 = ptxr_kt(), k2;
    struct gv_dev *dev = k1->td->dev;
    uint64_t depth = gv_dev_rule_hits(dev, GV_RULE_COMPUTE_CALL_DEPTH);
    uint64_t range = gv_dev_rule_hits(dev, GV_RULE_COMPUTE_LOCAL_RANGE);
    int32_t in[NT], out[NT];
    uint64_t p[2];
    size_t len;
    uint8_t *img;

    for (int t = 0; t < NT; t++) {
        in[t] = t == 5 ? 100000 : t;
    }
    CU_ASSERT_EQUAL(ptxr_run(fact_ptx, NT, out, sizeof(out), in,
                             sizeof(in)),
                    GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(dev, GV_RULE_COMPUTE_CALL_DEPTH),
                    depth + 1);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(dev, GV_RULE_COMPUTE_LOCAL_RANGE),
                    range);
    /* another context */
    kt_init(&k2, k1->td, 2, NULL, 1 << 20, true);
    img = ptxr_translate(fact_ptx, &len);
    CU_ASSERT_FATAL(img != NULL);
    for (int t = 0; t < NT; t++) {
        in[t] = t % 13;
    }
    kt_out_in(&k2, p, sizeof(out), in, sizeof(in));
    CU_ASSERT_EQUAL(kt_run(&k2, img, (uint32_t)len,
                           (uint32_t)gv_isa_find_func(img, len, "k"), NT, p,
                           sizeof(p)),
                    GV_ERR_NONE);
    kt_read(&k2, p[0], out, sizeof(out));
    for (int t = 0; t < NT; t++) {
        CU_ASSERT_EQUAL(out[t], fact_ref(in[t]));
    }
    free(img);
    /* and this one */
    run_ref(fact_ptx, in, fact_ref, "fact");
}

/* A hand-made module: CALL of instruction @target, then EXIT, RET. */
static uint8_t *call_module(uint32_t target, uint64_t ret_to, uint32_t *len)
{
    struct ka a;

    ka_init(&a, 4);
    ka_param64(&a);
    a.local_size = 64;
    ka_op(&a, GV_I_CALL, GV_T_NONE, 0, 1, ka_k(&a, 16), (uint16_t)target,
          (uint16_t)(target >> 16), 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_RET, GV_T_NONE, 0, 0,
          ret_to == UINT64_MAX ? 1 : ka_k(&a, ret_to), 0, 0, 0);
    return ka_build(&a, len);
}

/* The engine's checks of CALL and RET: a target outside the function is
 * refused at load (by both checkers), a return to no instruction of the
 * function faults (compute.call_return); a good pair runs. */
static void test_engine_checks(void)
{
    struct gv_dev *dev = ptxr_kt()->td->dev;
    uint64_t ret = gv_dev_rule_hits(dev, GV_RULE_COMPUTE_CALL_RETURN);
    uint8_t *img;
    uint32_t len;
    char why[256];

    img = call_module(2, UINT64_MAX, &len);     /* RET r1: back */
    CU_ASSERT_EQUAL(gv_isa_check(img, len, why, sizeof(why)), 0);
    CU_ASSERT_EQUAL(gv_compute_check_module(img, len, why, sizeof(why)), 0);
    CU_ASSERT_EQUAL(ptxr_launch_module(img, len, NT), GV_ERR_NONE);
    free(img);
    for (uint32_t t = 3; t < 0x20000; t = t * 4 + 1) {
        img = call_module(t, UINT64_MAX, &len);
        CU_ASSERT_NOT_EQUAL(gv_isa_check(img, len, why, sizeof(why)), 0);
        CU_ASSERT_NOT_EQUAL(gv_compute_check_module(img, len, why,
                                                    sizeof(why)),
                            0);
        CU_ASSERT(strstr(why, "call out of the function") != NULL);
        CU_ASSERT_NOT_EQUAL(ptxr_launch_module(img, len, NT), GV_ERR_NONE);
        free(img);
    }
    img = call_module(2, 3, &len);              /* RET to 3: no such */
    CU_ASSERT_EQUAL(gv_compute_check_module(img, len, why, sizeof(why)), 0);
    CU_ASSERT_EQUAL(ptxr_launch_module(img, len, NT), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(dev, GV_RULE_COMPUTE_CALL_RETURN),
                    ret + 1);
    free(img);
    img = call_module(2, 1ull << 40, &len);
    CU_ASSERT_EQUAL(ptxr_launch_module(img, len, NT), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(dev, GV_RULE_COMPUTE_CALL_RETURN),
                    ret + 2);
    free(img);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test exec[] = {
        { "factorial", test_factorial },
        { "Fibonacci", test_fibonacci },
        { "each lane at its own depth", test_divergent_depths },
        { "mutual recursion", test_mutual },
        { "function addresses in .global initialisers", test_table },
        { "aggregates by value, real and inlined", test_struct },
        { "old PTX: .reg parameters and results", test_reg_params },
        { "function addresses: errors", test_errors },
        { "clang's PTX of calls.cu", test_clang },
        { "the depth limit faults, nothing else stops", test_depth_limit },
        { "CALL and RET checked by the engine", test_engine_checks },
        { NULL, NULL },
    };

    return gv_add_suite("ptx-calls", ptxr_setup, ptxr_teardown, exec);
}
