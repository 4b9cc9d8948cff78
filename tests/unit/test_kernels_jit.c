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
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_jit.h"
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
    int jit_ok, jit_failed;     /* compilations the host was told of */
    char jit_why[160];
    float a[FLOATS], b[FLOATS];
};

/* A launch's shape: @n, if not 0, is a third parameter (a u32). */
struct jit_shape {
    unsigned grid, block;
    uint32_t n;
};

static const struct jit_shape shape_default = { GRID, BLOCK, 0 };

/* Run @ptx on a fresh device (compiled regions at once, or the
 * interpreter alone: @jit false), a and b filled with a ramp; @bad_a (0:
 * none): a points there instead (memory it may not read). */
static void jit_launch(const char *ptx, bool jit, uint64_t bad_a,
                       const struct jit_shape *sh, struct jit_out *o)
{
    struct td *t;
    struct kt k;
    uint8_t *img;
    size_t ilen;
    char err[256];
    struct {
        uint64_t a, b;
        uint32_t n;
    } __attribute__((packed)) p;

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

    p.a = kt_alloc(&k, sizeof(o->a));
    p.b = kt_alloc(&k, sizeof(o->b));
    p.n = sh->n;
    kt_write(&k, p.a, o->a, sizeof(o->a));
    kt_write(&k, p.b, o->b, sizeof(o->b));
    if (bad_a) {
        p.a = bad_a;
    }
    struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                           .grid = { sh->grid }, .block = { sh->block },
                           .params = &p,
                           .param_size = sh->n ? sizeof(p) : 16 };

    o->err = kt_launch(&k, &l);
    if (!bad_a) {
        kt_read(&k, p.a, o->a, sizeof(o->a));
    }
    kt_read(&k, p.b, o->b, sizeof(o->b));
    o->jit_insns = gv_dev_compute_jit_insns(t->dev);
    o->jit_ok = t->jit_ok;
    o->jit_failed = t->jit_failed;
    snprintf(o->jit_why, sizeof(o->jit_why), "%s", t->jit_why);
    td_check(t);
    td_free(t);
    free(img);
}

static void jit_run(const char *ptx, bool jit, uint64_t bad_a,
                    struct jit_out *o)
{
    jit_launch(ptx, jit, bad_a, &shape_default, o);
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
    /* the host told once, of a success; nothing where nothing compiles */
    CU_ASSERT_EQUAL(on.jit_ok, 1);
    CU_ASSERT_EQUAL(on.jit_failed, 0);
    CU_ASSERT_EQUAL(off.jit_ok + off.jit_failed, 0);
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

/* The head of a kernel of a, b and n: i = ctaid.x * ntid.x + tid.x in
 * %r4, a in %rd1, b in %rd2, n in %r5. */
#define HEAD_PTX(NAME)                                                  \
    ".version 7.0\n.target sm_70\n.address_size 64\n"                   \
    ".visible .entry " NAME "(.param .u64 pa, .param .u64 pb, "         \
    ".param .u32 pn)\n{\n"                                              \
    ".reg .pred %p<2>;\n.reg .b32 %r<8>;\n.reg .b64 %rd<8>;\n"          \
    ".reg .f32 %f<4>;\n"                                                \
    "ld.param.u64 %rd1, [pa];\nld.param.u64 %rd2, [pb];\n"              \
    "ld.param.u32 %r5, [pn];\nmov.u32 %r1, %ctaid.x;\n"                 \
    "mov.u32 %r3, %ntid.x;\nmov.u32 %r2, %tid.x;\n"                     \
    "mad.lo.s32 %r4, %r1, %r3, %r2;\n"

/* b[j] = a[j] * 2 + 1 for j = %r6 (the load) and %r4 (the store). */
#define BODY_PTX                                                        \
    "mul.wide.s32 %rd3, %r6, 4;\nadd.s64 %rd4, %rd1, %rd3;\n"           \
    "ld.global.f32 %f1, [%rd4];\n"                                      \
    "fma.rn.f32 %f2, %f1, 0f40000000, 0f3F800000;\n"                    \
    "mul.wide.s32 %rd5, %r4, 4;\nadd.s64 %rd6, %rd2, %rd5;\n"           \
    "st.global.f32 [%rd6], %f2;\n"

/* Did @o's b get a[i] * 2 + 1 for i < @n (a[i ^ @swap]: @swap), and keep
 * -1 from @n to the end?  The number of floats that did not. */
static unsigned jit_wrong(const struct jit_out *o, unsigned n, unsigned swap)
{
    unsigned bad = 0;

    for (unsigned i = 0; i < FLOATS; i++) {
        float want = i < n ? ((float)(i ^ swap) * 0.5f - 100.0f) * 2.0f +
                             1.0f : -1.0f;

        bad += memcmp(&o->b[i], &want, 4) != 0;
    }
    return bad;
}

/* Regression for the branch check (the address function's, of a branch
 * inside a region: gv_jit_gen.c): `if (i < n)` with n 100 short of the
 * grid.  The last block's lanes past n take the branch: that block is
 * interpreted (without the check, they stored past n); every other block
 * runs whole, compiled (gv_jit_block). */
static void test_jit_branch(void)
{
    static const char ptx[] =
        HEAD_PTX("tail") "setp.ge.s32 %p1, %r4, %r5;\n@%p1 bra DONE;\n"
        "mov.u32 %r6, %r4;\n" BODY_PTX "DONE:\nret;\n}\n";
    const struct jit_shape sh = { GRID, BLOCK, GRID * BLOCK - 100 };

    const struct jit_shape one = { GRID * 8, 32, GRID * BLOCK - 20 };

    jit_launch(ptx, true, 0, &sh, &on);
    jit_launch(ptx, false, 0, &sh, &off);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(jit_wrong(&on, sh.n, 0), 0);
    CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
    CU_ASSERT(on.jit_insns > 0);
    CU_ASSERT_EQUAL(off.jit_insns, 0);
    /* blocks of one warp, which form no gang: run whole, compiled */
    jit_launch(ptx, true, 0, &one, &on);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(jit_wrong(&on, one.n, 0), 0);
    CU_ASSERT(on.jit_insns > 0);
}

/* Regression for the gang's run (gv_jit.c, gang_run: its warps' runs one
 * after the other): b[i] = a[i ^ 32], each warp's loads one run, the
 * warps' runs swapped in pairs.  It runs compiled, warp by warp; taken
 * as the gang's one run, it read a[i]. */
static void test_jit_gang_order(void)
{
    static const char ptx[] =
        HEAD_PTX("swap") "xor.b32 %r6, %r4, 32;\n" BODY_PTX "ret;\n}\n";
    const struct jit_shape sh = { GRID, BLOCK, 1 };

    jit_launch(ptx, true, 0, &sh, &on);
    jit_launch(ptx, false, 0, &sh, &off);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(jit_wrong(&on, GRID * BLOCK, 32), 0);
    CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
    CU_ASSERT(on.jit_insns > 0);
}

/* Regression for the overlap check of runs that are not a gang's one run
 * (gv_jit.c, pair_apart): the shift kernel with the warps swapped in
 * pairs.  Each warp's store overlaps its own load shifted by a lane: the
 * interpreter's result, nothing compiled. */
static void test_jit_overlap_swapped(void)
{
    static const char ptx[] =
        HEAD_PTX("shiftswap")
        "xor.b32 %r2, %r2, 32;\nmad.lo.s32 %r4, %r1, 257, %r2;\n"
        "mul.wide.s32 %rd3, %r4, 4;\nadd.s64 %rd4, %rd1, %rd3;\n"
        "ld.global.f32 %f1, [%rd4];\n"
        "fma.rn.f32 %f2, %f1, 0f40000000, 0f3F800000;\n"
        "st.global.f32 [%rd4+4], %f2;\nret;\n}\n";
    const struct jit_shape sh = { GRID, BLOCK, 1 };

    jit_launch(ptx, true, 0, &sh, &on);
    jit_launch(ptx, false, 0, &sh, &off);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(memcmp(on.a, off.a, sizeof(on.a)), 0);
    CU_ASSERT_EQUAL(on.jit_insns, 0);
}

/* Regression for the whole block's full warps (gv_jit.c, gv_jit_block):
 * blocks of 100 threads, whose last warp has 4 lanes.  Compiled, the
 * others' warps (gangs of three); run whole, the last block stored 28
 * floats past the grid. */
static void test_jit_block_partial(void)
{
    static const char ptx[] =
        HEAD_PTX("partial") "mov.u32 %r6, %r4;\n" BODY_PTX "ret;\n}\n";
    const struct jit_shape sh = { GRID, 100, 1 };

    jit_launch(ptx, true, 0, &sh, &on);
    jit_launch(ptx, false, 0, &sh, &off);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(jit_wrong(&on, GRID * 100, 0), 0);
    CU_ASSERT_EQUAL(memcmp(on.b, off.b, sizeof(on.b)), 0);
    CU_ASSERT(on.jit_insns > 0);
}

/* A compilation that fails (a compiler that exits 1): the host is told
 * why, once, and every block runs interpreted, with the same results. */
static void test_jit_failed(void)
{
    static const char ptx[] =
        HEAD_PTX("nocc") "mov.u32 %r6, %r4;\n" BODY_PTX "ret;\n}\n";
    const struct jit_shape sh = { GRID, BLOCK, 1 };
    const char *cc = getenv("GV_JIT_CC");
    char *keep = cc ? strdup(cc) : NULL;

    setenv("GV_JIT_CC", "false", 1);
    jit_launch(ptx, true, 0, &sh, &on);
    if (keep) {
        setenv("GV_JIT_CC", keep, 1);
    } else {
        unsetenv("GV_JIT_CC");
    }
    free(keep);
    CU_ASSERT_EQUAL(on.err, GV_ERR_NONE);
    CU_ASSERT_EQUAL(jit_wrong(&on, GRID * BLOCK, 0), 0);
    CU_ASSERT_EQUAL(on.jit_insns, 0);
    CU_ASSERT_EQUAL(on.jit_ok, 0);
    CU_ASSERT_EQUAL(on.jit_failed, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(on.jit_why, "C compiler failed"));
}

/* A compilation's directory left by a process that died (killed while
 * its compiler ran) is removed by the next process's sweep; a live
 * process's, a young one and a kept one (GV_JIT_KEEP) are not. */
static void test_jit_sweep(void)
{
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR")
                      ? getenv("TMPDIR") : "/tmp";
    char dead[256], young[256], live[256], kept[256], file[300];
    struct timespec old[2] = { { .tv_sec = time(NULL) - 600 },
                               { .tv_sec = time(NULL) - 600 } };
    pid_t pid = fork();

    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        _exit(0);
    }
    waitpid(pid, NULL, 0);              /* a pid that is gone */
    snprintf(dead, sizeof(dead), "%s/gv-jit-%d-sweep1", tmp, (int)pid);
    snprintf(young, sizeof(young), "%s/gv-jit-%d-sweep2", tmp, (int)pid);
    snprintf(live, sizeof(live), "%s/gv-jit-%d-sweep3", tmp, (int)getppid());
    snprintf(kept, sizeof(kept), "%s/gv-jit-keep-%d-sweep4", tmp, (int)pid);
    CU_ASSERT_FATAL(mkdir(dead, 0700) == 0 && mkdir(young, 0700) == 0 &&
                    mkdir(live, 0700) == 0 && mkdir(kept, 0700) == 0);
    snprintf(file, sizeof(file), "%s/r.so", dead);
    FILE *f = fopen(file, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    utimensat(AT_FDCWD, dead, old, 0);
    utimensat(AT_FDCWD, live, old, 0);
    utimensat(AT_FDCWD, kept, old, 0);
    gv_jit_sweep();
    CU_ASSERT_NOT_EQUAL(access(dead, F_OK), 0);
    CU_ASSERT_EQUAL(access(young, F_OK), 0);
    CU_ASSERT_EQUAL(access(live, F_OK), 0);
    CU_ASSERT_EQUAL(access(kept, F_OK), 0);
    rmdir(young);
    rmdir(live);
    rmdir(kept);
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
        { "a branch inside a region some lanes take: interpreted",
          test_jit_branch },
        { "warps' runs not in order: each warp's own", test_jit_gang_order },
        { "a store overlapping a load, warps swapped: interpreted",
          test_jit_overlap_swapped },
        { "blocks with a partial warp: not run whole",
          test_jit_block_partial },
        { "a compilation that fails: the host told, interpreted",
          test_jit_failed },
        { "a dead process's compilation directory swept",
          test_jit_sweep },
        { "compiled in the background, and a device freed meanwhile",
          test_jit_background },
        { NULL, NULL },
    };

    return gv_add_suite("compiled regions: their checks", NULL, NULL, t);
}
