/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx (test_ptx.h): execution.  Some constructs (inlined calls,
 * vector accesses, setp p|q, cvt rounding, atomics, warp operations,
 * guarded expansions, locals of inlined calls) are translated, run on the
 * compute engine and their results compared with the PTX semantics.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "test_ptx.h"

/* ==== execution on the compute engine ==== */

#define VRAM    (64ull << 20)
#define UNPROT  (16ull << 20)
#define PROT    (40ull << 20)

static struct td *td;
static struct kt kt1;

static void exec_setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&kt1, td, 1, NULL, 1 << 20, true);
}

static void exec_teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
}

/* Entry k(.param .u64 k_out, .param .u64 k_in); this prologue leaves
 * %r29 = tid.x, %rd20/%rd21 = out/in, %rd23/%rd24 = out/in + 4 * tid. */
#define EXEC_PARAMS ".param .u64 k_out, .param .u64 k_in"
#define PROLOGUE                                \
    "ld.param.u64 %rd20, [k_out];\n"            \
    "ld.param.u64 %rd21, [k_in];\n"             \
    "mov.u32 %r29, %tid.x;\n"                   \
    "mul.wide.u32 %rd22, %r29, 4;\n"            \
    "add.s64 %rd23, %rd20, %rd22;\n"            \
    "add.s64 %rd24, %rd21, %rd22;\n"

/* Translate and run one block of @threads; @out (zeroed first) and @io
 * (written first) are read back.  The launch's error code, or -1. */
static int run(const char *pre, const char *body, uint32_t threads,
               void *out, uint32_t out_len, void *io, uint32_t io_len)
{
    struct mod m;
    uint64_t mva, o, i, params[2];
    void *zero;
    int rc;

    if (!load(&m, pre, EXEC_PARAMS, body)) {
        return -1;
    }
    CU_ASSERT_EQUAL(m.f.param_size, 16);
    mva = kt_load(&kt1, m.img, (uint32_t)m.len);
    o = kt_alloc(&kt1, out_len);
    i = kt_alloc(&kt1, io_len ? io_len : 8);
    zero = calloc(1, out_len);
    CU_ASSERT_FATAL(zero != NULL);
    kt_write(&kt1, o, zero, out_len);
    free(zero);
    if (io_len) {
        kt_write(&kt1, i, io, io_len);
    }
    params[0] = o;
    params[1] = i;
    {
        struct kt_launch l = {
            .module_va = mva, .module_size = (uint32_t)m.len,
            .grid = { 1, 1, 1 }, .block = { threads, 1, 1 },
            .params = params, .param_size = 16,
        };

        rc = kt_launch(&kt1, &l);
    }
    if (rc != GV_ERR_NONE) {
        fprintf(stderr, "\n    launch: %s\n", gv_error_name((unsigned)rc));
        dump(&m);
    }
    kt_read(&kt1, o, out, out_len);
    if (io_len) {
        kt_read(&kt1, i, io, io_len);
    }
    mod_free(&m);
    return rc;
}

/* Nested inlined calls with return values, an early return inside a
 * callee under divergence, callee registers named like the caller's. */
static void test_exec_calls(void)
{
    uint32_t out[64];
    char *body = xprintf("%s", calls_body);

    CU_ASSERT_EQUAL_FATAL(run(calls_pre, body, 64, out, sizeof(out), NULL,
                              0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        uint32_t want = 3 * t > 100 ? 0 : 3 * t + 2 + 7;

        if (out[t] != want) {
            fprintf(stderr, "\n    thread %u: %u, expected %u\n", t, out[t],
                    want);
            CU_FAIL("inlined calls compute the wrong value");
            break;
        }
    }
    free(body);
}

/* .v4/.v2 loads and stores. */
static void test_exec_vector(void)
{
    float in[64], out[64];
    uint32_t io[64 + 32];

    for (int i = 0; i < 64; i++) {
        in[i] = (float)i * 1.5f;
    }
    memcpy(io, in, sizeof(in));
    for (int i = 0; i < 32; i++) {
        io[64 + i] = 0x1000u + (uint32_t)i;
    }
    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 16;\n"
            "add.s64 %rd2, %rd21, %rd1;\n"
            "add.s64 %rd3, %rd20, %rd1;\n"
            "ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd2];\n"
            "st.global.v4.f32 [%rd3], {%f4, %f3, %f2, %f1};\n"
            "mul.wide.u32 %rd4, %r29, 8;\n"
            "add.s64 %rd5, %rd21, %rd4;\n"
            "ld.global.v2.u32 {%r1, %r2}, [%rd5+256];\n"
            "st.global.v2.u32 [%rd5+256], {%r2, %r1};\n"
            "ret;", 16, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (int t = 0; t < 16; t++) {
        for (int j = 0; j < 4; j++) {
            CU_ASSERT_EQUAL(out[4 * t + j], in[4 * t + 3 - j]);
        }
        CU_ASSERT_EQUAL(io[64 + 2 * t], 0x1000u + 2 * (uint32_t)t + 1);
        CU_ASSERT_EQUAL(io[64 + 2 * t + 1], 0x1000u + 2 * (uint32_t)t);
    }
}

/* setp with .and/.or/.xor and p|q, selp with !p, set. */
static void test_exec_setp(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "and.b32 %r2, %r29, 1;\n"
            "setp.ne.u32 %p3, %r2, 0;\n"
            "setp.lt.and.s32 %p1|%p2, %r29, 10, %p3;\n"
            "selp.u32 %r3, 1, 0, %p1;\n"
            "selp.u32 %r4, 2, 0, %p2;\n"
            "add.u32 %r5, %r3, %r4;\n"
            "setp.ge.or.s32 %p4, %r29, 20, !%p3;\n"
            "selp.u32 %r6, 4, 0, %p4;\n"
            "add.u32 %r5, %r5, %r6;\n"
            "set.lt.u32.s32 %r7, %r29, 5;\n"
            "and.b32 %r7, %r7, 8;\n"
            "add.u32 %r5, %r5, %r7;\n"
            "setp.eq.xor.s32 %p5, %r29, 3, %p3;\n"
            "selp.u32 %r8, 16, 0, %p5;\n"
            "add.u32 %r5, %r5, %r8;\n"
            "set.gt.f32.s32 %f1, %r29, 15;\n"
            "mul.f32 %f2, %f1, 0f42000000;\n"
            "cvt.rzi.u32.f32 %r9, %f2;\n"
            "add.u32 %r5, %r5, %r9;\n"
            "selp.u32 %r10, 64, 0, !%p3;\n"
            "add.u32 %r5, %r5, %r10;\n"
            "st.global.u32 [%rd23], %r5;\n"
            "ret;", 32, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        bool odd = t & 1;
        uint32_t want = 0;

        want += (t < 10 && odd) ? 1 : 0;
        want += (!(t < 10) && odd) ? 2 : 0;
        want += (t >= 20 || !odd) ? 4 : 0;
        want += t < 5 ? 8 : 0;
        want += ((t == 3) != odd) ? 16 : 0;
        want += t > 15 ? 32 : 0;
        want += !odd ? 64 : 0;
        if (out[t] != want) {
            fprintf(stderr, "\n    thread %u: 0x%x, expected 0x%x\n", t,
                    out[t], want);
            CU_FAIL("setp/selp/set");
        }
    }
}

static int32_t f2i(double x, int mode, bool u)
{
    double lo = u ? 0 : -2147483648.0, hi = u ? 4294967295.0 : 2147483647.0;

    if (isnan(x)) {
        return 0;
    }
    x = mode == 0 ? nearbyint(x) : mode == 1 ? trunc(x)
        : mode == 2 ? floor(x) : ceil(x);
    if (x < lo) {
        x = lo;
    }
    if (x > hi) {
        x = hi;
    }
    return u ? (int32_t)(uint32_t)x : (int32_t)x;
}

/* cvt rounding modes and saturation, float -> integer and float. */
static void test_exec_cvt(void)
{
    static const float in[16] = {
        2.5f, -2.5f, 3.7f, -3.7f, 0.5f, -0.5f, 1.5f, 1e10f,
        -1e10f, NAN, 0.0f, -0.0f, 2147483520.0f, 1e-3f, 123456.5f, -7.5f,
    };
    uint32_t out[16 * 8];
    float fo, io[16];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "ld.global.f32 %f1, [%rd24];\n"
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "cvt.rni.s32.f32 %r1, %f1;\n"
            "cvt.rzi.s32.f32 %r2, %f1;\n"
            "cvt.rmi.s32.f32 %r3, %f1;\n"
            "cvt.rpi.s32.f32 %r4, %f1;\n"
            "cvt.rni.u32.f32 %r5, %f1;\n"
            "cvt.rni.f32.f32 %f2, %f1;\n"
            "cvt.sat.f32.f32 %f3, %f1;\n"
            "cvt.rzi.s64.f32 %rd3, %f1;\n"
            "cvt.sat.s32.s64 %r6, %rd3;\n"
            "st.global.v4.u32 [%rd2], {%r1, %r2, %r3, %r4};\n"
            "st.global.u32 [%rd2+16], %r5;\n"
            "st.global.f32 [%rd2+20], %f2;\n"
            "st.global.f32 [%rd2+24], %f3;\n"
            "st.global.u32 [%rd2+28], %r6;\n"
            "ret;", 16, out, sizeof(out), memcpy(io, in, sizeof(in)),
            sizeof(io)),
        GV_ERR_NONE);
    for (int t = 0; t < 16; t++) {
        const uint32_t *o = &out[8 * t];
        double x = in[t];
        float r = isnan(in[t]) ? NAN : nearbyintf(in[t]);
        float sat = isnan(in[t]) ? 0.0f : in[t] < 0 ? 0.0f
                    : in[t] > 1 ? 1.0f : in[t];

        for (int mode = 0; mode < 4; mode++) {
            if ((int32_t)o[mode] != f2i(x, mode, false)) {
                fprintf(stderr, "\n    %g mode %d: %d, expected %d\n", x,
                        mode, (int32_t)o[mode], f2i(x, mode, false));
                CU_FAIL("cvt float -> s32");
            }
        }
        CU_ASSERT_EQUAL((uint32_t)o[4], (uint32_t)f2i(x, 0, true));
        memcpy(&fo, &o[5], 4);
        CU_ASSERT(isnan(r) ? isnan(fo) : fo == r);
        memcpy(&fo, &o[6], 4);
        CU_ASSERT(fo == sat && !signbit(fo) == !signbit(sat));
        /* NaN into .s64 is 1 << 63 (PTX ISA 9.0), saturated to s32 */
        CU_ASSERT_EQUAL((int32_t)o[7], isnan(x) ? INT32_MIN
                                                : f2i(x, 1, false));
    }
}

/* atom and red on global and shared memory, from 64 threads. */
static void test_exec_atom(void)
{
    uint32_t out[64], io[16] = { 0 };
    bool seen[64] = { false };
    int zero = 0;
    float f;

    CU_ASSERT_EQUAL_FATAL(
        run(".shared .align 4 .u32 scnt;\n", PROLOGUE
            "atom.global.add.u32 %r1, [%rd21], 1;\n"
            "red.global.add.u32 [%rd21+4], %r29;\n"
            "sub.s32 %r2, %r29, 30;\n"
            "atom.global.max.s32 %r3, [%rd21+8], %r2;\n"
            "add.u32 %r4, %r29, 1;\n"
            "atom.global.cas.b32 %r5, [%rd21+12], 0, %r4;\n"
            "atom.shared.add.u32 %r6, [scnt], 2;\n"
            "atom.global.inc.u32 %r7, [%rd21+20], 9;\n"
            "atom.global.add.f32 %f1, [%rd21+24], 0f3F800000;\n"
            "atom.global.min.s32 %r8, [%rd21+28], %r2;\n"
            "atom.global.or.b32 %r9, [%rd21+32], %r4;\n"
            "atom.global.exch.b32 %r10, [%rd21+36], %r4;\n"
            "bar.sync 0;\n"
            "setp.ne.u32 %p1, %r29, 0;\n"
            "@%p1 bra $skip;\n"
            "ld.shared.u32 %r11, [scnt];\n"
            "st.global.u32 [%rd21+16], %r11;\n"
            "$skip:\n"
            "setp.eq.u32 %p2, %r5, 0;\n"
            "selp.u32 %r12, 0x10000, 0, %p2;\n"
            "add.u32 %r13, %r1, %r12;\n"
            "st.global.u32 [%rd23], %r13;\n"
            "ret;", 64, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (int t = 0; t < 64; t++) {
        uint32_t old = out[t] & 0xffff;

        CU_ASSERT(old < 64 && !seen[old]);
        if (old < 64) {
            seen[old] = true;
        }
        zero += out[t] >> 16 == 1;
    }
    CU_ASSERT_EQUAL(io[0], 64);
    CU_ASSERT_EQUAL(io[1], 2016);
    CU_ASSERT_EQUAL(io[2], 33);
    CU_ASSERT_EQUAL(zero, 1);                  /* one CAS wins */
    CU_ASSERT(io[3] >= 1 && io[3] <= 64);
    CU_ASSERT_EQUAL(io[4], 128);               /* shared counter */
    CU_ASSERT_EQUAL(io[5], 64 % 10);           /* inc wraps at 9 */
    memcpy(&f, &io[6], 4);
    CU_ASSERT_EQUAL(f, 64.0f);
    CU_ASSERT_EQUAL((int32_t)io[7], -30);
    CU_ASSERT_EQUAL(io[8], 127);
    CU_ASSERT(io[9] >= 1 && io[9] <= 64);
}

/* shfl, vote, activemask under divergence, %laneid. */
static void test_exec_warp(void)
{
    uint32_t out[64 * 8];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "and.b32 %r1, %r29, 1;\n"
            "setp.ne.u32 %p1, %r1, 0;\n"
            "vote.sync.ballot.b32 %r2, %p1, -1;\n"
            "shfl.sync.bfly.b32 %r3, %r29, 1, 0x1f, -1;\n"
            "shfl.sync.down.b32 %r4, %r29, 4, 0x1f, -1;\n"
            "shfl.sync.idx.b32 %r5, %r29, 3, 0x1f, -1;\n"
            "mov.u32 %r6, %laneid;\n"
            "setp.lt.u32 %p2, %r6, 8;\n"
            "@!%p2 bra $skip;\n"
            "activemask.b32 %r7;\n"
            "$skip:\n"
            "vote.sync.all.pred %p3, %p1, -1;\n"
            "vote.sync.any.pred %p4, %p1, -1;\n"
            "selp.u32 %r8, 1, 0, %p3;\n"
            "selp.u32 %r9, 2, 0, %p4;\n"
            "add.u32 %r8, %r8, %r9;\n"
            "st.global.v4.u32 [%rd2], {%r2, %r3, %r4, %r5};\n"
            "st.global.v4.u32 [%rd2+16], {%r6, %r7, %r8, %r29};\n"
            "ret;", 64, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        const uint32_t *o = &out[8 * t];
        uint32_t lane = t & 31;

        CU_ASSERT_EQUAL(o[0], 0xaaaaaaaau);
        CU_ASSERT_EQUAL(o[1], t ^ 1);
        CU_ASSERT_EQUAL(o[2], lane + 4 <= 31 ? t + 4 : t);
        CU_ASSERT_EQUAL(o[3], (t & ~31u) + 3);
        CU_ASSERT_EQUAL(o[4], lane);
        CU_ASSERT_EQUAL(o[5], lane < 8 ? 0xffu : 0);
        CU_ASSERT_EQUAL(o[6], 2);
        CU_ASSERT_EQUAL(o[7], t);
    }
}

/* Shared memory through generic addresses, local memory, .global/.const
 * data read by the kernel. */
static void test_exec_memory(void)
{
    uint32_t out[64 * 4];

    CU_ASSERT_EQUAL_FATAL(
        run(".global .align 4 .u32 gtab[4] = {10, 20, 30, 40};\n"
            ".const .align 4 .u32 ctab[2] = {100, 200};\n"
            ".shared .align 4 .u32 sbuf[64];\n", PROLOGUE
            ".local .align 4 .b8 lbuf[16];\n"
            "mov.u64 %rd1, sbuf;\n"
            "cvta.shared.u64 %rd2, %rd1;\n"
            "add.s64 %rd3, %rd2, %rd22;\n"
            "shl.b32 %r1, %r29, 1;\n"
            "st.u32 [%rd3], %r1;\n"
            "bar.sync 0;\n"
            "add.u32 %r2, %r29, 1;\n"
            "and.b32 %r2, %r2, 63;\n"
            "mul.wide.u32 %rd4, %r2, 4;\n"
            "add.s64 %rd5, %rd1, %rd4;\n"
            "ld.shared.u32 %r3, [%rd5];\n"
            "mov.u64 %rd6, lbuf;\n"
            "cvta.local.u64 %rd7, %rd6;\n"
            "st.u32 [%rd7+4], %r29;\n"
            "ld.local.u32 %r4, [lbuf+4];\n"
            "and.b32 %r5, %r29, 3;\n"
            "mul.wide.u32 %rd8, %r5, 4;\n"
            "mov.u64 %rd9, gtab;\n"
            "add.s64 %rd10, %rd9, %rd8;\n"
            "ld.global.u32 %r6, [%rd10];\n"
            "ld.const.u32 %r7, [ctab+4];\n"
            "mul.wide.u32 %rd11, %r29, 16;\n"
            "add.s64 %rd12, %rd20, %rd11;\n"
            "st.global.v4.u32 [%rd12], {%r3, %r4, %r6, %r7};\n"
            "ret;", 64, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        CU_ASSERT_EQUAL(out[4 * t], ((t + 1) & 63) * 2);
        CU_ASSERT_EQUAL(out[4 * t + 1], t);
        CU_ASSERT_EQUAL(out[4 * t + 2], 10 * ((t & 3) + 1));
        CU_ASSERT_EQUAL(out[4 * t + 3], 200);
    }
}

/* Guarded instructions that expand to several GVX instructions: every
 * part is guarded, and the guard is read before the expansion changes
 * it (@%p1 setp ... %p1|%p2 rewrites its own guard).
 * Regression test (a translator bug, fixed):
 * "@%p1 setp.lt.and.u32 %p1|%p2, ..."
 * becomes "... @r0 mov.pred r0, r6; @r0 mov.pred r1, r7": once p is
 * written false, q is not written (threads 9, 11, 13, 15 get q = 0
 * instead of 1). */
#define GUARDED_SETP_PQ "@%p1 setp.lt.and.u32 %p1|%p2, %r29, 8, %p3;\n"
static void test_exec_guarded(void)
{
    uint32_t out[32 * 8];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "and.b32 %r1, %r29, 1;\n"
            "setp.ne.u32 %p1, %r1, 0;\n"                 /* odd */
            "setp.lt.u32 %p3, %r29, 16;\n"
            "mov.u32 %r2, 7;\n"
            "mov.u32 %r3, 9;\n"
            "@%p1 mov.b64 %rd3, {%r29, %r2};\n"
            "@!%p1 mov.b64 %rd3, {%r3, %r29};\n"
            "mov.b64 {%r4, %r5}, %rd3;\n"
            "mov.pred %p2, 0;\n"
            GUARDED_SETP_PQ
            "selp.u32 %r6, 1, 0, %p1;\n"
            "selp.u32 %r7, 2, 0, %p2;\n"
            "add.u32 %r6, %r6, %r7;\n"
            "mov.u32 %r8, 0;\n"
            "mov.u32 %r9, 0;\n"
            "mov.u32 %r10, 0;\n"
            "mov.u32 %r11, 0;\n"
            "setp.ne.u32 %p4, %r1, 0;\n"
            "@%p4 ld.global.v2.u32 {%r8, %r9}, [%rd23];\n"
            "@%p4 st.global.v2.u32 [%rd2+24], {%r2, %r3};\n"
            "@!%p4 selp.u32 %r10, 5, 6, !%p3;\n"
            "@%p4 atom.global.add.u32 %r11, [%rd21], 1;\n"
            "st.global.v4.u32 [%rd2], {%r4, %r5, %r6, %r10};\n"
            "st.global.u32 [%rd2+16], %r11;\n"
            "ret;", 32, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        const uint32_t *o = &out[8 * t];
        bool odd = t & 1, lt16 = t < 16;
        uint32_t p1 = odd ? (t < 8 && lt16) : 0;
        uint32_t p2 = odd ? (!(t < 8) && lt16) : 0;

        CU_ASSERT_EQUAL(o[0], odd ? t : 9);
        CU_ASSERT_EQUAL(o[1], odd ? 7 : t);
        if (o[2] != p1 + 2 * p2) {
            fprintf(stderr, "\n    @p setp p|q, thread %u: %u, expected "
                    "%u\n", t, o[2], p1 + 2 * p2);
            CU_FAIL("guarded setp p|q");
        }
        CU_ASSERT_EQUAL(o[3], odd ? 0 : lt16 ? 6 : 5);
        CU_ASSERT(odd ? o[4] < 16 : o[4] == 0);
        CU_ASSERT_EQUAL(o[6], odd ? 7 : 0);
        CU_ASSERT_EQUAL(o[7], odd ? 9 : 0);
    }
}

/* Local memory of inlined functions: a caller's locals survive its
 * callee's; narrow signed loads; f16 conversions. */
static const char locals_pre[] =
    ".func (.param .b32 r) inner(.param .b32 x)\n"
    "{\n"
    ".local .align 4 .b8 depot[16];\n"
    ".reg .b32 %r<4>;\n"
    ".reg .b64 %rd<3>;\n"
    "ld.param.b32 %r1, [x];\n"
    "mov.u64 %rd1, depot;\n"
    "cvta.local.u64 %rd2, %rd1;\n"
    "st.u32 [%rd2], %r1;\n"
    "st.u32 [%rd2+4], 1000;\n"
    "st.u32 [%rd2+8], 2000;\n"
    "st.u32 [%rd2+12], 3000;\n"
    "ld.local.u32 %r2, [depot+12];\n"
    "add.s32 %r3, %r2, %r1;\n"
    "st.param.b32 [r+0], %r3;\n"
    "ret;\n"
    "}\n"
    ".func (.param .b32 r) outer(.param .b32 x)\n"
    "{\n"
    ".local .align 4 .b8 depot[16];\n"
    ".reg .b32 %r<6>;\n"
    "ld.param.b32 %r1, [x+0];\n"
    "st.local.u32 [depot], %r1;\n"
    "st.local.u32 [depot+12], 77;\n"
    "{\n"
    ".param .b32 a;\n"
    ".param .b32 b;\n"
    "st.param.b32 [a+0], %r1;\n"
    "call.uni (b), inner, (a);\n"
    "ld.param.b32 %r2, [b+0];\n"
    "}\n"
    "ld.local.u32 %r3, [depot];\n"
    "ld.local.u32 %r4, [depot+12];\n"
    "add.s32 %r5, %r3, %r4;\n"
    "add.s32 %r5, %r5, %r2;\n"
    "st.param.b32 [r+0], %r5;\n"
    "ret;\n"
    "}\n";

static void test_exec_locals(void)
{
    uint32_t out[32 * 4];
    int8_t io[32];

    for (int i = 0; i < 32; i++) {
        io[i] = (int8_t)(i * 9 - 100);
    }
    CU_ASSERT_EQUAL_FATAL(
        run(locals_pre, PROLOGUE
            "{\n"
            ".param .b32 a;\n"
            ".param .b32 b;\n"
            "st.param.b32 [a+0], %r29;\n"
            "call.uni (b), outer, (a);\n"
            "ld.param.b32 %r1, [b+0];\n"
            "}\n"
            "cvt.u64.u32 %rd1, %r29;\n"
            "add.s64 %rd2, %rd21, %rd1;\n"
            "ld.global.s8 %rs1, [%rd2];\n"
            "cvt.s32.s16 %r2, %rs1;\n"
            "cvt.rn.f32.s32 %f1, %r2;\n"
            "mul.f32 %f2, %f1, 0f3E800000;\n"
            "cvt.rn.f16.f32 %rs2, %f2;\n"
            "cvt.f32.f16 %f3, %rs2;\n"
            "mov.b32 %r3, %f3;\n"
            "mul.wide.u32 %rd3, %r29, 16;\n"
            "add.s64 %rd4, %rd20, %rd3;\n"
            "st.global.v4.u32 [%rd4], {%r1, %r2, %r3, %r29};\n"
            "ret;", 32, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        float f, want = (float)io[t] / 4;           /* exact in f16 */

        /* outer: x + 77 + inner(x) = x + 77 + 3000 + x */
        CU_ASSERT_EQUAL(out[4 * t], 2 * t + 3077);
        CU_ASSERT_EQUAL((int32_t)out[4 * t + 1], io[t]);
        memcpy(&f, &out[4 * t + 2], 4);
        CU_ASSERT_EQUAL(f, want);
        CU_ASSERT_EQUAL(out[4 * t + 3], t);
    }
}

/* 64-bit moves (cvta.to.global is one) whose source and destination
 * become one register when no point has both live (ptx/gv_ptx_regs.c,
 * coalesce): never when the source is read after the move, nor when the
 * destination held a value before it. */
static void test_exec_moves(void)
{
    uint64_t out[32 * 2];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mov.u64 %rd5, %rd22;\n"       /* the source read again */
            "add.s64 %rd5, %rd5, 1000;\n"
            "add.s64 %rd6, %rd22, %rd5;\n"
            "mov.u64 %rd7, 100;\n"         /* the destination live */
            "add.s64 %rd8, %rd22, 8;\n"
            "add.s64 %rd9, %rd7, %rd8;\n"
            "mov.u64 %rd7, %rd8;\n"
            "add.s64 %rd9, %rd9, %rd7;\n"
            "cvta.to.global.u64 %rd10, %rd20;\n"   /* coalesced */
            "mul.wide.u32 %rd11, %r29, 16;\n"
            "add.s64 %rd12, %rd10, %rd11;\n"
            "st.global.v2.u64 [%rd12], {%rd6, %rd9};\n"
            "ret;", 32, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        CU_ASSERT_EQUAL(out[2 * t], 8 * t + 1000);
        CU_ASSERT_EQUAL(out[2 * t + 1], 8 * t + 116);
    }
}

/* ==== registration ==== */

int ptx_exec_suites(void)
{
    static const struct gv_cunit_test exec[] = {
        { "inlined calls", test_exec_calls },
        { "vector accesses", test_exec_vector },
        { "setp p|q, selp !p, set", test_exec_setp },
        { "cvt rounding", test_exec_cvt },
        { "atomics", test_exec_atom },
        { "warp operations", test_exec_warp },
        { "shared, local, data", test_exec_memory },
        { "guarded expansions", test_exec_guarded },
        { "locals of inlined calls, narrow loads, f16", test_exec_locals },
        { "64-bit moves coalesced or not", test_exec_moves },
        { NULL, NULL },
    };

    return gv_add_suite("ptx-exec", exec_setup, exec_teardown, exec);
}
