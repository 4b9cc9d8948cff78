/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled tier (hw/core/gv_jit.c, docs/compute.md "Compiled
 * regions"): the checks a compiled region must pass before it runs, each
 * shown needed by a kernel whose result would differ without it, on a
 * device that compiles at once, against the interpreter's device and a
 * CPU reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "gv_testdev.h"

/* One straight run of instructions: ld.param, s2r, mad, a load at
 * a + 4 * (b * STRIDE + t) * SCALE, an fma, a store at the same address
 * + 4 (SHIFT) or at b + 4 * i (else): a whole region. */
#define JIT_PTX(NAME, STRIDE, SCALE, ST)                                 \
    ".version 7.0\n.target sm_70\n.address_size 64\n"                   \
    ".visible .entry " NAME "(.param .u64 pa, .param .u64 pb)\n{\n"     \
    ".reg .b32 %r<8>;\n.reg .b64 %rd<8>;\n.reg .f32 %f<4>;\n"           \
    "ld.param.u64 %rd1, [pa];\nld.param.u64 %rd2, [pb];\n"              \
    "mov.u32 %r1, %ctaid.x;\nmov.u32 %r2, %tid.x;\n"                    \
    "mad.lo.s32 %r4, %r1, " STRIDE ", %r2;\n"                           \
    "mul.wide.s32 %rd3, %r4, " SCALE ";\n"                              \
    "add.s64 %rd4, %rd1, %rd3;\n"                                       \
    "ld.global.f32 %f1, [%rd4];\n"                                      \
    "fma.rn.f32 %f2, %f1, 0f40000000, 0f3F800000;\n"                    \
    ST "ret;\n}\n"

/* a[i + 1] = a[i] * 2 + 1 in each block's own 257 floats: the store of
 * each warp overlaps its own load shifted by a lane, and the next
 * warp's.  The interpreter's gang runs every warp's load before any
 * store; a region run lane after lane would chain them. */
static const char shift_ptx[] =
    JIT_PTX("shift", "257", "4", "st.global.f32 [%rd4+4], %f2;\n");

/* b[i] = a[2 * i] * 2 + 1: each warp's loads 8 bytes apart, not one run
 * (a compiled load of 32 consecutive floats would read a[i]). */
static const char stride_ptx[] =
    JIT_PTX("stride", "256", "8",
            "mul.wide.s32 %rd5, %r4, 4;\nadd.s64 %rd6, %rd2, %rd5;\n"
            "st.global.f32 [%rd6], %f2;\n");

enum { GRID = 6, BLOCK = 256, FLOATS = GRID * 512 + 64 };

struct jit_out {
    int err;
    uint64_t jit_insns;
    float a[FLOATS], b[FLOATS];
};

/* Run @ptx on a fresh device (compiled regions at once, or the
 * interpreter alone: @jit false), a and b filled with a ramp; @bad_a (0:
 * none): a points there instead (memory it may not read). */
static void jit_run(const char *ptx, bool jit, uint64_t bad_a,
                    struct jit_out *o)
{
    struct td *t;
    struct kt k;
    uint8_t *img;
    size_t ilen;
    char err[256];
    uint64_t p[2];

    CU_ASSERT_EQUAL_FATAL(gv_ptx_translate(ptx, strlen(ptx), &img, &ilen,
                                           err, sizeof(err)), 0);
    td_compute_jit = jit;
    td_compute_jit_after = 0;
    t = td_new(32 << 20, 8 << 20, 16 << 20, false);
    td_compute_jit = false;
    kt_init(&k, t, 1, NULL, 1 << 20, false);
    for (unsigned i = 0; i < FLOATS; i++) {
        o->a[i] = (float)i * 0.5f - 100.0f;
        o->b[i] = -1.0f;
    }
    uint64_t m = kt_load(&k, img, (uint32_t)ilen);

    p[0] = kt_alloc(&k, sizeof(o->a));
    p[1] = kt_alloc(&k, sizeof(o->b));
    kt_write(&k, p[0], o->a, sizeof(o->a));
    kt_write(&k, p[1], o->b, sizeof(o->b));
    if (bad_a) {
        p[0] = bad_a;
    }
    struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                           .grid = { GRID }, .block = { BLOCK },
                           .params = p, .param_size = sizeof(p) };

    o->err = kt_launch(&k, &l);
    if (!bad_a) {
        kt_read(&k, p[0], o->a, sizeof(o->a));
    }
    kt_read(&k, p[1], o->b, sizeof(o->b));
    o->jit_insns = gv_dev_compute_jit_insns(t->dev);
    td_check(t);
    td_free(t);
    free(img);
}

static struct jit_out on, off;

/* Regression for the overlap check (gv_jit.c, pair_apart): without it
 * the compiled region ran, and a[] chained. */
static void test_jit_overlap(void)
{
    float want[FLOATS];
    unsigned bad = 0;

    jit_run(shift_ptx, true, 0, &on);
    jit_run(shift_ptx, false, 0, &off);
    for (unsigned i = 0; i < FLOATS; i++) {
        want[i] = (float)i * 0.5f - 100.0f;
    }
    for (unsigned b = 0; b < GRID; b++) {
        for (unsigned t = BLOCK; t-- > 0;) {
            unsigned i = b * 257 + t;

            want[i + 1] = ((float)i * 0.5f - 100.0f) * 2.0f + 1.0f;
        }
    }
    for (unsigned i = 0; i < FLOATS; i++) {
        bad += memcmp(&on.a[i], &want[i], 4) != 0;
    }
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(memcmp(on.a, off.a, sizeof(on.a)), 0);
    /* the region did not run compiled: every run overlapped */
    CU_ASSERT_EQUAL(on.jit_insns, 0);
    CU_ASSERT_EQUAL(off.jit_insns, 0);
}

/* Regression for the run check (the address function's): without it
 * the compiled loads read a[i] instead of a[2i]. */
static void test_jit_stride(void)
{
    unsigned bad = 0;

    jit_run(stride_ptx, true, 0, &on);
    jit_run(stride_ptx, false, 0, &off);
    for (unsigned i = 0; i < GRID * BLOCK; i++) {
        float want = ((float)(2 * i) * 0.5f - 100.0f) * 2.0f + 1.0f;

        bad += memcmp(&on.b[i], &want, 4) != 0;
    }
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
    CU_ASSERT_EQUAL(on.jit_insns, 0);
}

/* A compiled region whose runs are fine runs compiled, with the
 * interpreter's results; one whose load is unmapped faults as the
 * interpreter does (the run's translation refused it: the interpreter
 * ran the region and faulted by its rule), and writes nothing. */
static void test_jit_runs_and_faults(void)
{
    /* the stride kernel with stride 1: b[i] = a[i] * 2 + 1 */
    static const char ptx[] =
        JIT_PTX("unit", "256", "4",
                "mul.wide.s32 %rd5, %r4, 4;\nadd.s64 %rd6, %rd2, %rd5;\n"
                "st.global.f32 [%rd6], %f2;\n");

    jit_run(ptx, true, 0, &on);
    jit_run(ptx, false, 0, &off);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT(on.jit_insns > 0);
    CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
    for (unsigned i = 0; i < GRID * BLOCK; i++) {
        float want = ((float)i * 0.5f - 100.0f) * 2.0f + 1.0f;

        CU_ASSERT_EQUAL(memcmp(&on.b[i], &want, 4), 0);
        if (memcmp(&on.b[i], &want, 4)) {
            break;
        }
    }
    /* mapped by nothing; and 2^64 - 8, whose lanes wrap to 0 (one run
     * modulo 2^64: the run's check must refuse it, not the addresses') */
    static const uint64_t bad[] = { 0x7f00000000ull, UINT64_MAX - 7 };

    for (unsigned t = 0; t < 2; t++) {
        jit_run(ptx, true, bad[t], &on);
        jit_run(ptx, false, bad[t], &off);
        CU_ASSERT_NOT_EQUAL(on.err, GV_ERR_NONE);
        CU_ASSERT_EQUAL(on.err, off.err);
        CU_ASSERT_EQUAL(on.jit_insns, 0);
        CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
        CU_ASSERT_EQUAL(on.b[0], -1.0f);
    }
}

/* Wait (at most 30 s) until no compilation runs in the background. */
static bool jit_idle(void)
{
    for (unsigned t = 0; t < 3000 && gv_jit_busy(); t++) {
        usleep(10000);
    }
    return gv_jit_busy() == 0;
}

/* The QEMU device's way (jit-after > 0): launches run interpreted while
 * the regions compile in the background, then compiled; the results the
 * same in every launch.  And a device freed while its compilation runs:
 * the compilation finishes on its own reference (ASan, valgrind). */
static void test_jit_background(void)
{
    static const char ptx[] =
        JIT_PTX("unit", "256", "4",
                "mul.wide.s32 %rd5, %r4, 4;\nadd.s64 %rd6, %rd2, %rd5;\n"
                "st.global.f32 [%rd6], %f2;\n");
    uint8_t *img;
    size_t ilen;
    char err[256];
    struct td *t;
    struct kt k;
    uint64_t p[2], compiled = 0;
    unsigned launches = 0, bad = 0;

    CU_ASSERT_EQUAL_FATAL(gv_ptx_translate(ptx, strlen(ptx), &img, &ilen,
                                           err, sizeof(err)), 0);
    CU_ASSERT_FATAL(jit_idle());
    td_compute_jit = true;
    td_compute_jit_after = 8;
    t = td_new(32 << 20, 8 << 20, 16 << 20, false);
    kt_init(&k, t, 1, NULL, 1 << 20, false);
    uint64_t m = kt_load(&k, img, (uint32_t)ilen);

    p[0] = kt_alloc(&k, sizeof(on.a));
    p[1] = kt_alloc(&k, sizeof(on.b));
    for (unsigned i = 0; i < FLOATS; i++) {
        on.a[i] = (float)i - 7.0f;
    }
    kt_write(&k, p[0], on.a, sizeof(on.a));
    struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                           .grid = { GRID }, .block = { BLOCK },
                           .params = p, .param_size = sizeof(p) };

    /* until a launch ran compiled (the compiler: seconds at most) */
    while (launches < 2000 && !compiled) {
        memset(on.b, 0, sizeof(on.b));
        kt_write(&k, p[1], on.b, sizeof(on.b));
        CU_ASSERT_EQUAL_FATAL(kt_launch(&k, &l), GV_ERR_NONE);
        kt_read(&k, p[1], on.b, sizeof(on.b));
        for (unsigned i = 0; i < GRID * BLOCK; i++) {
            float want = ((float)i - 7.0f) * 2.0f + 1.0f;

            bad += memcmp(&on.b[i], &want, 4) != 0;
        }
        compiled = gv_dev_compute_jit_insns(t->dev);
        launches++;
        if (!compiled) {
            usleep(2000);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(compiled > 0);
    CU_ASSERT(launches > 1);            /* the first ones interpreted */
    td_check(t);
    td_free(t);
    /* again, freed while the compilation runs (started by the second
     * gang, in the launch) */
    td_compute_jit_after = 2;
    t = td_new(32 << 20, 8 << 20, 16 << 20, false);
    td_compute_jit = false;
    td_compute_jit_after = 0;
    kt_init(&k, t, 1, NULL, 1 << 20, false);
    m = kt_load(&k, img, (uint32_t)ilen);
    p[0] = kt_alloc(&k, sizeof(on.a));
    p[1] = kt_alloc(&k, sizeof(on.b));
    l.module_va = m;
    CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
    td_check(t);
    td_free(t);
    CU_ASSERT(jit_idle());
    free(img);
}

int gv_register_jit_suites(void);

int gv_register_jit_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "regions run compiled, and a fault is the interpreter's",
          test_jit_runs_and_faults },
        { "a store overlapping a load shifted by a lane: interpreted",
          test_jit_overlap },
        { "loads not one run per warp: interpreted", test_jit_stride },
        { "compiled in the background, and a device freed meanwhile",
          test_jit_background },
        { NULL, NULL },
    };

    return gv_add_suite("compiled regions: their checks", NULL, NULL, t);
}
