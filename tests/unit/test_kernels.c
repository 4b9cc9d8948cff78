/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test kernels (kernels/NAME.cu, compiled to PTX by clang at build time),
 * translated by the PTX translator and run by the compute engine
 * in-process, against CPU references: bit-exact for integers and for the
 * float kernels whose inputs make every operation exact (vector add,
 * matmul), within a documented bound for BlackScholes (approximate
 * exp2/log2); the AES-256-GCM and AES-CTR + KMAC256 AuthDec/AuthEnc
 * kernels bit-exact against OpenSSL, with tampering detected.  Also: a
 * kernel with divergent branches inside loops and a barrier after them,
 * with SMs from 1 to 4.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/bench_inputs.h"
#include "../../kernels/gv_gcm_args.h"
#include "../../kernels/gv_kmac_args.h"
#include "../../kernels/intrinsics_ref.h"
#include "cunit_main.h"
#include "gv_crypto.h"
#include "gv_ktest.h"
#include "gv_internal.h"
#include "gv_ptx.h"
#include "gv_simt.h"

#define VRAM    (128ull << 20)
#define UNPROT  (16ull << 20)
#define PROT    (96ull << 20)

static struct td *td;
static struct kt k1;

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&k1, td, 1, NULL, 64 << 20, true);
}

/* The same kernels on a device without the engine's fast paths (every
 * ALU instruction through the exact evaluator, every access through the
 * per-lane path, no fused runs): the same results. */
static void setup_plain(void)
{
    td_compute_plain = true;
    setup();
    td_compute_plain = false;
}

/* How many instructions of the device's cached modules have a fast kind
 * (none on a device without fast paths); @all: how many there are. */
static unsigned fast_kinds(const struct gv_dev *d, unsigned *all)
{
    unsigned n = 0;

    *all = 0;
    for (unsigned m = 0; m < GV_MODCACHE; m++) {
        const struct gv_kmodule *km = d->modcache[m];

        for (uint32_t f = 0; km && f < km->nfuncs; f++) {
            *all += km->funcs[f].ncode;
            for (uint32_t i = 0; i < km->funcs[f].ncode; i++) {
                switch (km->funcs[f].code[i].k) {
                case GV_K_NOP: case GV_K_GENERIC: case GV_K_LD: case GV_K_ST:
                case GV_K_ATOM: case GV_K_BRA: case GV_K_EXIT: case GV_K_BAR:
                case GV_K_S2R: case GV_K_MADDR: case GV_K_SHFL:
                case GV_K_VOTE: case GV_K_TRAP: case GV_K_CALL:
                case GV_K_RET:
                    break;
                default:
                    n++;
                }
            }
        }
    }
    return n;
}

static bool plain_dev;
static void teardown(void);

/* The same kernels again on a device that compiles their regions at
 * once (docs/compute.md, "Compiled regions"): the same results, and
 * some of their instructions ran compiled. */
static void setup_jit(void)
{
    td_compute_jit = true;
    td_compute_jit_after = 0;
    setup();
    td_compute_jit = false;
}

static void teardown_jit(void)
{
    CU_ASSERT(gv_dev_compute_jit_insns(td->dev) > 0);
    teardown();
}

static void teardown_plain(void)
{
    plain_dev = true;
    teardown();
    plain_dev = false;
}

static void teardown(void)
{
    unsigned all, fast = fast_kinds(td->dev, &all);

    /* the kernels that ran on td ran with their fast kinds, and without
     * any on the plain device */
    if (all) {
        CU_ASSERT(plain_dev ? fast == 0 : fast > 0);
    }
    td_check(td);
    td_free(td);
    td = NULL;
}

/* Translate build/kernels/<name>.ptx and load it; 0 on failure. */
static uint64_t load_kernel(struct kt *k, const char *name, uint32_t *len,
                            uint8_t **img_out)
{
    const char *dir = getenv("GV_KERNELS");
    char path[512], err[512];
    uint8_t *img;
    size_t ilen;
    uint64_t va;

    snprintf(path, sizeof(path), "%s/%s.ptx", dir ? dir : "kernels", name);
    if (gv_ptx_translate_file(path, &img, &ilen, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        CU_FAIL_FATAL("translation failed");
    }
    va = kt_load(k, img, (uint32_t)ilen);
    *len = (uint32_t)ilen;
    if (img_out) {
        *img_out = img;
    } else {
        free(img);
    }
    return va;
}

static uint64_t put(struct kt *k, const void *buf, size_t len)
{
    uint64_t va = kt_alloc(k, len);

    kt_write(k, va, buf, len);
    return va;
}

static void test_vector_add(void)
{
    unsigned n = 100000;            /* not a multiple of the block */
    float *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4),
          *want = malloc(n * 4);
    uint32_t len;
    uint64_t m = load_kernel(&k1, "vector_add", &len, NULL);
    struct gv_bench_launch g = gv_bench_launch_vector_add(n);
    struct kt_abc p;

    gv_bench_fill_vector_add(a, b, n);
    kt_abc_in(&k1, a, b, n * 4, (int32_t)n, &p);
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = sizeof(p) };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, p.c, c, n * 4);
    gv_bench_ref_vector_add(a, b, want, n);
    CU_ASSERT_EQUAL(gv_bench_check_floats(c, want, n, 0, NULL), 0);
    free(a); free(b); free(c); free(want);
}

static void run_matmul(unsigned n)
{
    float *a = malloc(n * n * 4), *b = malloc(n * n * 4),
          *c = malloc(n * n * 4), *want = malloc(n * n * 4);
    uint32_t len;
    uint64_t m = load_kernel(&k1, "matmul", &len, NULL);
    struct gv_bench_launch g = gv_bench_launch_matmul(n);
    struct kt_abc p;

    gv_bench_fill_matmul(a, b, n);
    kt_abc_in(&k1, a, b, n * n * 4, (int32_t)n, &p);
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { g.grid_x, g.grid_y },
                           .block = { g.block_x, g.block_y },
                           .params = &p, .param_size = sizeof(p) };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, p.c, c, n * n * 4);
    gv_bench_ref_matmul(a, b, want, n);
    CU_ASSERT_EQUAL(gv_bench_check_floats(c, want, (size_t)n * n, 0, NULL),
                    0);
    free(a); free(b); free(c); free(want);
}

static void test_matmul(void)
{
    run_matmul(16);
    run_matmul(96);
}

static void test_reduce(void)
{
    unsigned n = 300001;
    int *in = malloc(n * 4), sum = 12345;
    uint32_t len;
    uint64_t m = load_kernel(&k1, "reduce", &len, NULL), vin, vs;
    struct gv_bench_launch g = gv_bench_launch_reduce(n);

    gv_bench_fill_reduce(in, n);
    vin = put(&k1, in, n * 4);
    vs = kt_alloc(&k1, 4);
    struct { uint64_t in, sum; int32_t n; } __attribute__((packed)) p = {
        vin, vs, (int32_t)n };
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = 20 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, vs, &sum, 4);
    CU_ASSERT_EQUAL(sum, gv_bench_ref_reduce(in, n));
    free(in);
}

/* BlackScholes: approximate ex2/lg2 in float against a double reference.
 * Bound: |got - want| <= 5e-5 + 1e-5 * |want| (prices up to ~100). */
#define BS_ABS 5e-5
#define BS_REL 1e-5

static void test_blackscholes(void)
{
    unsigned n = 40000;
    size_t sz = n * 4;
    float *price = malloc(sz), *strike = malloc(sz), *years = malloc(sz),
          *call = malloc(sz), *putv = malloc(sz), *wc = malloc(sz),
          *wp = malloc(sz);
    uint32_t len;
    uint64_t m = load_kernel(&k1, "blackscholes", &len, NULL);
    struct gv_bench_launch g = gv_bench_launch_blackscholes(n);
    double worst = 0;
    size_t bad = 0;

    gv_bench_fill_blackscholes(price, strike, years, n);
    struct {
        uint64_t call, put, price, strike, years;
        float r, v;
        int32_t n;
    } __attribute__((packed)) p = {
        kt_alloc(&k1, sz), kt_alloc(&k1, sz), put(&k1, price, sz),
        put(&k1, strike, sz), put(&k1, years, sz), GV_BENCH_BS_R,
        GV_BENCH_BS_V, (int32_t)n };
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = 52 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, p.call, call, sz);
    kt_read(&k1, p.put, putv, sz);
    gv_bench_ref_blackscholes(wc, wp, price, strike, years, GV_BENCH_BS_R,
                              GV_BENCH_BS_V, n);
    for (unsigned i = 0; i < n; i++) {
        double e1 = fabs((double)call[i] - wc[i]);
        double e2 = fabs((double)putv[i] - wp[i]);

        bad += !(e1 <= BS_ABS + BS_REL * fabs(wc[i]));
        bad += !(e2 <= BS_ABS + BS_REL * fabs(wp[i]));
        worst = fmax(worst, fmax(e1, e2));
    }
    printf("(max abs error %.3g) ", worst);
    CU_ASSERT_EQUAL(bad, 0);
    free(price); free(strike); free(years); free(call); free(putv);
    free(wc); free(wp);
}

static void test_memset32(void)
{
    unsigned n = 70001;
    uint32_t *buf = malloc(n * 4 + 8), len;
    uint64_t m = load_kernel(&k1, "memset32", &len, NULL);
    uint64_t va = kt_alloc(&k1, n * 4 + 8);
    struct { uint64_t p; uint32_t v, pad; uint64_t n; } p = {
        va, 0xdeadbeef, 0, n };
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { 7 }, .block = { 96 },
                           .params = &p, .param_size = 24 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, va, buf, n * 4 + 8);
    for (unsigned i = 0; i < n; i++) {
        if (buf[i] != 0xdeadbeef) {
            CU_FAIL("memset32 missed a word");
            break;
        }
    }
    CU_ASSERT_EQUAL(buf[n], 0);             /* and not one word more */
    free(buf);
}

/*
 * Divergent branches inside loops, then a barrier: each thread loops
 * tid % 7 times, taking one of three paths per iteration by (i + tid) % 3,
 * stores to shared memory, syncs, and reads a neighbour's value.
 */
static const char diverge_ptx[] =
    ".version 7.0\n.target sm_70\n.address_size 64\n"
    ".visible .entry div(.param .u64 out)\n{\n"
    ".reg .pred %p<4>;\n.reg .b32 %r<20>;\n.reg .b64 %rd<6>;\n"
    ".shared .align 4 .b8 sh[1024];\n"
    "mov.u32 %r1, %tid.x;\n"
    "rem.u32 %r2, %r1, 7;\n"
    "mov.u32 %r3, 0;\n"         /* i */
    "mov.u32 %r4, 0;\n"         /* acc */
    "LOOP:\n"
    "setp.ge.u32 %p1, %r3, %r2;\n"
    "@%p1 bra DONE;\n"
    "add.u32 %r5, %r3, %r1;\n"
    "rem.u32 %r6, %r5, 3;\n"
    "setp.eq.u32 %p2, %r6, 0;\n"
    "@%p2 bra A;\n"
    "setp.eq.u32 %p3, %r6, 1;\n"
    "@%p3 bra B;\n"
    "mad.lo.u32 %r4, %r4, 3, %r3;\n"    /* path C */
    "bra NEXT;\n"
    "A:\n"
    "add.u32 %r4, %r4, 100;\n"
    "bra NEXT;\n"
    "B:\n"
    "xor.b32 %r4, %r4, %r1;\n"
    "NEXT:\n"
    "add.u32 %r3, %r3, 1;\n"
    "bra LOOP;\n"
    "DONE:\n"
    "shl.b32 %r7, %r1, 2;\n"
    "mov.u32 %r8, sh;\n"
    "add.u32 %r9, %r8, %r7;\n"
    "st.shared.u32 [%r9], %r4;\n"
    "bar.sync 0;\n"
    "mov.u32 %r10, %ntid.x;\n"
    "add.u32 %r11, %r1, 1;\n"
    "rem.u32 %r12, %r11, %r10;\n"
    "shl.b32 %r13, %r12, 2;\n"
    "add.u32 %r14, %r8, %r13;\n"
    "ld.shared.u32 %r15, [%r14];\n"
    "add.u32 %r16, %r15, %r4;\n"
    "ld.param.u64 %rd1, [out];\n"
    "cvta.to.global.u64 %rd2, %rd1;\n"
    "mul.wide.u32 %rd3, %r1, 4;\n"
    "add.s64 %rd4, %rd2, %rd3;\n"
    "st.global.u32 [%rd4], %r16;\n"
    "ret;\n}\n";

static uint32_t div_ref1(uint32_t t)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < t % 7; i++) {
        switch ((i + t) % 3) {
        case 0: acc += 100; break;
        case 1: acc ^= t; break;
        default: acc = acc * 3 + i; break;
        }
    }
    return acc;
}

static void test_divergent_loops_barrier(void)
{
    uint8_t *img;
    size_t ilen;
    char err[256];
    uint32_t out[200];

    CU_ASSERT_EQUAL_FATAL(gv_ptx_translate(diverge_ptx, sizeof(diverge_ptx) - 1,
                                           &img, &ilen, err, sizeof(err)), 0);
    for (unsigned sms = 1; sms <= 4; sms++) {
        struct td *t2;
        struct kt k;
        uint64_t m, vo;

        td_compute_sms = sms;
        t2 = td_new(32 << 20, 8 << 20, 16 << 20, false);
        td_compute_sms = 0;
        kt_init(&k, t2, 1, NULL, 256 << 10, false);
        m = kt_load(&k, img, (uint32_t)ilen);
        vo = kt_alloc(&k, sizeof(out));
        struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                               .grid = { 5 }, .block = { 200 },
                               .params = &vo, .param_size = 8 };

        CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
        kt_read(&k, vo, out, sizeof(out));
        for (uint32_t t = 0; t < 200; t++) {
            CU_ASSERT_EQUAL(out[t], div_ref1(t) + div_ref1((t + 1) % 200));
        }
        td_check(t2);
        td_free(t2);
    }
    free(img);
}

/* ---- gangs (docs/compute.md): warps in lockstep run together ----
 * A guarded move while the block's warps are still one gang; then each
 * warp of a block branches its own way (warp % 3), loops its own
 * number of times (warp + 1), runs a guarded add for its odd lanes, then
 * meets the others at a barrier and reads %warpid: the gangs split at the
 * branch and at each loop exit and form again at the barrier. */
static const char gang_ptx[] =
    ".version 7.0\n.target sm_70\n.address_size 64\n"
    ".visible .entry gang(.param .u64 out)\n{\n"
    ".reg .pred %p<4>;\n.reg .b32 %r<12>;\n.reg .b64 %rd<4>;\n"
    "mov.u32 %r1, %tid.x;\n"
    "mov.u32 %r2, %ctaid.x;\n"
    "mov.u32 %r3, %ntid.x;\n"
    "mad.lo.u32 %r4, %r2, %r3, %r1;\n"
    "and.b32 %r11, %r1, 2;\n"
    "setp.ne.u32 %p0, %r11, 0;\n"
    "mov.u32 %r11, 0;\n"
    "@%p0 mov.u32 %r11, 5;\n"
    "shr.u32 %r5, %r1, 5;\n"
    "rem.u32 %r6, %r5, 3;\n"
    "setp.ne.u32 %p1, %r6, 0;\n"
    "@%p1 bra ELSE;\n"
    "mul.lo.u32 %r7, %r4, 3;\n"
    "bra JOIN;\n"
    "ELSE:\n"
    "add.u32 %r7, %r4, 1000;\n"
    "JOIN:\n"
    "mov.u32 %r8, 0;\n"
    "LOOP:\n"
    "add.u32 %r7, %r7, %r8;\n"
    "xor.b32 %r7, %r7, %r5;\n"
    "add.u32 %r8, %r8, 1;\n"
    "setp.le.u32 %p2, %r8, %r5;\n"
    "@%p2 bra LOOP;\n"
    "and.b32 %r9, %r1, 1;\n"
    "setp.eq.u32 %p3, %r9, 1;\n"
    "@%p3 add.u32 %r7, %r7, 7;\n"
    "bar.sync 0;\n"
    "mov.u32 %r10, %warpid;\n"
    "add.u32 %r7, %r7, %r10;\n"
    "add.u32 %r7, %r7, %r11;\n"
    "ld.param.u64 %rd1, [out];\n"
    "cvta.to.global.u64 %rd1, %rd1;\n"
    "mul.wide.u32 %rd2, %r4, 4;\n"
    "add.s64 %rd3, %rd1, %rd2;\n"
    "st.global.u32 [%rd3], %r7;\n"
    "ret;\n}\n";

static uint32_t gang_ref(uint32_t gid, uint32_t tid)
{
    uint32_t w = tid / 32, acc = w % 3 == 0 ? gid * 3 : gid + 1000;

    for (uint32_t i = 0; i <= w; i++) {
        acc = (acc + i) ^ w;
    }
    return acc + (tid & 1 ? 7 : 0) + w + (tid & 2 ? 5 : 0);
}

/* Run gang_ptx on a fresh device (gangs on, or @solo), blocks of @bx;
 * the outputs checked against gang_ref; returns the lanes counted. */
static uint64_t gang_run(const uint8_t *img, size_t ilen, bool solo,
                         uint32_t bx)
{
    enum { GRID = 3 };
    uint32_t n = GRID * bx, *out = calloc(n, 4);
    struct td *t2;
    struct kt k;
    uint64_t m, vo, lanes;
    unsigned bad = 0;

    td_compute_solo = solo;
    t2 = td_new(32 << 20, 8 << 20, 16 << 20, false);
    td_compute_solo = false;
    kt_init(&k, t2, 1, NULL, 256 << 10, false);
    m = kt_load(&k, img, (uint32_t)ilen);
    vo = kt_alloc(&k, n * 4);
    struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                           .grid = { GRID }, .block = { bx },
                           .params = &vo, .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
    kt_read(&k, vo, out, n * 4);
    for (uint32_t t = 0; t < n; t++) {
        bad += out[t] != gang_ref(t, t % bx);
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (bad) {
        printf("\n  gangs %s, block %u: %u of %u outputs wrong\n",
               solo ? "off" : "on", bx, bad, n);
    }
    lanes = gv_dev_compute_lane_insns(t2->dev);
    td_check(t2);
    td_free(t2);
    free(out);
    return lanes;
}

static void test_gangs(void)
{
    uint8_t *img;
    size_t ilen;
    char err[256];

    CU_ASSERT_EQUAL_FATAL(gv_ptx_translate(gang_ptx, sizeof(gang_ptx) - 1,
                                           &img, &ilen, err, sizeof(err)), 0);
    /* 256: 8 full warps; 200: the last warp partial (never in a gang) */
    for (uint32_t bx = 200; bx <= 256; bx += 56) {
        uint64_t on = gang_run(img, ilen, false, bx);
        uint64_t off = gang_run(img, ilen, true, bx);

        /* the same lanes run the same instructions either way */
        CU_ASSERT_EQUAL(on, off);
        CU_ASSERT(on > 0);
    }
    free(img);
}

/* ---- AES-256-GCM: AuthDec and AuthEnc against OpenSSL ---- */

static uint8_t *gcm_img;
static uint32_t gcm_len;
static uint64_t gcm_va;

static int gcm_launch(struct kt *k, const char *entry,
                      const struct gv_gcm_args *a, uint32_t grid,
                      uint32_t block)
{
    int f = gv_isa_find_func(gcm_img, gcm_len, entry);
    struct kt_launch l = { .module_va = gcm_va, .module_size = gcm_len,
                           .func = (uint32_t)f, .grid = { grid },
                           .block = { block }, .params = a,
                           .param_size = sizeof(*a) };

    CU_ASSERT_FATAL(f >= 0);
    return kt_launch(k, &l);
}

static uint32_t gcm_result(struct kt *k, uint64_t state)
{
    uint32_t r;

    kt_read(k, state + GV_GCM_ST_RESULT, &r, 4);
    return r;
}

static void run_gcm(size_t len, uint32_t aad_len, uint32_t grid,
                    uint32_t block)
{
    uint8_t key[32], iv[12], aad[GV_GCM_AAD_MAX], tag[16], etag[16];
    uint8_t *pt = malloc(len + 1), *ct = malloc(len + 1),
            *got = malloc(len + 1);
    uint64_t vdata = kt_alloc(&k1, len + 16),
             vstate = kt_alloc(&k1, GV_GCM_STATE_SIZE(grid));
    struct gv_gcm_args a;

    gvc_random(key, sizeof(key));
    gvc_random(iv, sizeof(iv));
    gvc_random(aad, sizeof(aad));
    gvc_random(pt, len + 1);
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(key, iv, aad, aad_len, pt, len, ct,
                                       tag), GVC_OK);
    memset(&a, 0, sizeof(a));
    a.data = vdata;
    a.len = len;
    a.state = vstate;
    memcpy(a.key, key, 32);
    memcpy(a.iv, iv, 12);
    memcpy(a.tag, tag, 16);
    a.aad_len = aad_len;
    memcpy(a.aad, aad, aad_len);

    /* AuthDec in place: the device holds the plaintext afterwards */
    kt_write(&k1, vdata, ct, len);
    CU_ASSERT_EQUAL(gcm_launch(&k1, "gv_gcm_ghash", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gcm_launch(&k1, "gv_gcm_decrypt", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gcm_result(&k1, vstate), GV_GCM_OK);
    kt_read(&k1, vdata, got, len);
    CU_ASSERT(memcmp(got, pt, len) == 0);

    /* a flipped ciphertext bit: refused, data untouched */
    if (len) {
        ct[len / 2] ^= 0x10;
        kt_write(&k1, vdata, ct, len);
        gcm_launch(&k1, "gv_gcm_ghash", &a, grid, block);
        gcm_launch(&k1, "gv_gcm_decrypt", &a, grid, block);
        CU_ASSERT_EQUAL(gcm_result(&k1, vstate), GV_GCM_MISMATCH);
        kt_read(&k1, vdata, got, len);
        CU_ASSERT(memcmp(got, ct, len) == 0);
        ct[len / 2] ^= 0x10;
    }
    /* a wrong expected tag */
    a.tag[3] ^= 1;
    kt_write(&k1, vdata, ct, len);
    gcm_launch(&k1, "gv_gcm_ghash", &a, grid, block);
    gcm_launch(&k1, "gv_gcm_decrypt", &a, grid, block);
    CU_ASSERT_EQUAL(gcm_result(&k1, vstate), GV_GCM_MISMATCH);
    a.tag[3] ^= 1;

    /* AuthEnc in place: ciphertext and tag equal OpenSSL's */
    kt_write(&k1, vdata, pt, len);
    CU_ASSERT_EQUAL(gcm_launch(&k1, "gv_gcm_encrypt", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gcm_launch(&k1, "gv_gcm_ghash", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gcm_launch(&k1, "gv_gcm_tag", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gcm_result(&k1, vstate), GV_GCM_OK);
    kt_read(&k1, vdata, got, len);
    kt_read(&k1, vstate + GV_GCM_ST_TAG, etag, 16);
    CU_ASSERT(memcmp(got, ct, len) == 0);
    CU_ASSERT(memcmp(etag, tag, 16) == 0);
    free(pt);
    free(ct);
    free(got);
}

static void test_aesgcm(void)
{
    static const struct { size_t len; uint32_t aad, grid, block; } c[] = {
        { 0, 0, 1, 32 }, { 1, 5, 1, 32 }, { 16, 0, 2, 64 },
        { 4095, 13, 3, 128 }, { 65536, 64, 16, 256 }, { 100003, 7, 7, 96 },
    };

    gcm_va = load_kernel(&k1, "aesgcm", &gcm_len, &gcm_img);
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        run_gcm(c[i].len, c[i].aad, c[i].grid, c[i].block);
    }
    free(gcm_img);
    gcm_img = NULL;
}

/* ---- AES-256-CTR + KMAC256: AuthDec and AuthEnc against OpenSSL ---- */

static uint8_t *kmac_img;
static uint32_t kmac_len;
static uint64_t kmac_va;

static int kmac_launch(const char *entry, const struct gv_kmac_args *a,
                       uint32_t grid, uint32_t block)
{
    int f = gv_isa_find_func(kmac_img, kmac_len, entry);
    struct kt_launch l = { .module_va = kmac_va, .module_size = kmac_len,
                           .func = (uint32_t)f, .grid = { grid },
                           .block = { block }, .params = a,
                           .param_size = sizeof(*a) };

    CU_ASSERT_FATAL(f >= 0);
    return kt_launch(&k1, &l);
}

static uint32_t kmac_result(uint64_t state)
{
    uint32_t r;

    kt_read(&k1, state + GV_KMAC_ST_RESULT, &r, 4);
    return r;
}

/* AuthDec of the ciphertext @ct with @a: the result word; on anything but
 * GV_KMAC_OK the device's data must still be @ct. */
static uint32_t kmac_dec(struct gv_kmac_args *a, const uint8_t *ct,
                         uint8_t *got, uint32_t grid, uint32_t block)
{
    uint32_t r;

    kt_write(&k1, a->data, ct, a->len);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_chunks", a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_verify", a, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_decrypt", a, grid, block),
                    GV_ERR_NONE);
    r = kmac_result(a->state);
    kt_read(&k1, a->plain ? a->plain : a->data, got, a->len);
    if (r != GV_KMAC_OK && !a->plain) {
        CU_ASSERT(memcmp(got, ct, a->len) == 0);
    }
    return r;
}

static void run_kmac(size_t len, uint32_t aad_len, uint32_t grid,
                     uint32_t block)
{
    uint8_t ekey[32], mkey[32], iv[12], aad[GV_KMAC_AAD_MAX], tag[32];
    uint8_t etag[32];
    uint8_t *pt = malloc(len + 1), *ct = malloc(len + 1),
            *got = malloc(len + 1);
    uint64_t vdata = kt_alloc(&k1, len + 16),
             vstate = kt_alloc(&k1, GV_KMAC_STATE_SIZE(GV_KMAC_NCHUNKS(len)));
    struct gv_kmac_args a;

    gvc_random(ekey, sizeof(ekey));
    gvc_random(mkey, sizeof(mkey));
    gvc_random(iv, sizeof(iv));
    gvc_random(aad, sizeof(aad));
    gvc_random(pt, len + 1);
    CU_ASSERT_EQUAL_FATAL(gvc_aes_kmac_seal(ekey, mkey, iv, aad, aad_len, pt,
                                            len, ct, tag), GVC_OK);
    memset(&a, 0, sizeof(a));
    a.data = vdata;
    a.len = len;
    a.state = vstate;
    memcpy(a.enc_key, ekey, 32);
    memcpy(a.mac_key, mkey, 32);
    memcpy(a.iv, iv, 12);
    memcpy(a.tag, tag, 32);
    a.aad_len = aad_len;
    memcpy(a.aad, aad, aad_len);

    /* AuthDec in place: the device holds the plaintext afterwards */
    CU_ASSERT_EQUAL(kmac_dec(&a, ct, got, grid, block), GV_KMAC_OK);
    CU_ASSERT(memcmp(got, pt, len) == 0);
    /* a flipped ciphertext bit: refused, data untouched */
    if (len) {
        ct[len / 2] ^= 0x10;
        CU_ASSERT_EQUAL(kmac_dec(&a, ct, got, grid, block),
                        GV_KMAC_MISMATCH);
        ct[len / 2] ^= 0x10;
    }
    /* two chunks swapped */
    if (len >= 2 * GV_KMAC_CHUNK) {
        uint8_t *sw = malloc(len);

        memcpy(sw, ct, len);
        memcpy(sw, ct + GV_KMAC_CHUNK, GV_KMAC_CHUNK);
        memcpy(sw + GV_KMAC_CHUNK, ct, GV_KMAC_CHUNK);
        CU_ASSERT_EQUAL(kmac_dec(&a, sw, got, grid, block),
                        GV_KMAC_MISMATCH);
        free(sw);
    }
    /* a wrong expected tag */
    a.tag[31] ^= 1;
    CU_ASSERT_EQUAL(kmac_dec(&a, ct, got, grid, block), GV_KMAC_MISMATCH);
    a.tag[31] ^= 1;

    /* AuthEnc in place: ciphertext and tag equal OpenSSL's */
    kt_write(&k1, vdata, pt, len);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_encrypt", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_chunks", &a, grid, block),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(kmac_launch("gv_kmac_tag", &a, 2, 32), GV_ERR_NONE);
    CU_ASSERT_EQUAL(kmac_result(vstate), GV_KMAC_OK);
    kt_read(&k1, vdata, got, len);
    kt_read(&k1, vstate + GV_KMAC_ST_TAG, etag, 32);
    CU_ASSERT(memcmp(got, ct, len) == 0);
    CU_ASSERT(memcmp(etag, tag, 32) == 0);
    free(pt);
    free(ct);
    free(got);
}

static void test_kmac(void)
{
    static const struct { size_t len; uint32_t aad, grid, block; } c[] = {
        { 0, 0, 1, 32 }, { 1, 5, 1, 32 }, { 137, 0, 1, 1 },
        { 4095, 13, 3, 128 }, { 8193, 64, 2, 32 },
        { 65536 + 7, 0, 4, 64 }, { 3 * 8192, 17, 7, 96 },
    };

    kmac_va = load_kernel(&k1, "kmac", &kmac_len, &kmac_img);
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        run_kmac(c[i].len, c[i].aad, c[i].grid, c[i].block);
    }
    free(kmac_img);
    kmac_img = NULL;
}

/* ---- the header's intrinsics (kernels/intrinsics.cu) ---- */

static void test_intrinsics(void)
{
    uint32_t len, *out = calloc(GV_INTR_N * GV_INTR_WORDS, 4);
    uint64_t m = load_kernel(&k1, "intrinsics", &len, NULL);
    int32_t ctr[8];
    uint64_t c64 = 0;
    double dsum = 0;
    struct { uint64_t out, ctr, c64, dsum; } p = {
        kt_alloc(&k1, GV_INTR_N * GV_INTR_WORDS * 4), kt_alloc(&k1, 32),
        kt_alloc(&k1, 8), kt_alloc(&k1, 8) };
    struct kt_launch l = { .module_va = m, .module_size = len,
                           .grid = { GV_INTR_GRID },
                           .block = { GV_INTR_BLOCK },
                           .params = &p, .param_size = sizeof(p) };

    kt_write(&k1, p.ctr, gv_intr_ctr_init, sizeof(ctr));
    CU_ASSERT_EQUAL_FATAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, p.out, out, GV_INTR_N * GV_INTR_WORDS * 4);
    kt_read(&k1, p.ctr, ctr, sizeof(ctr));
    kt_read(&k1, p.c64, &c64, 8);
    kt_read(&k1, p.dsum, &dsum, 8);
    CU_ASSERT_EQUAL(gv_intrinsics_check(out, ctr, c64, dsum), 0);
    free(out);
}

/*
 * PTX in the style nvcc emits (hand-written from its usual patterns: the
 * "$L__" labels, .maxntid, ld.global.nc.v4, .v2 stores, a local depot
 * with %SP/%SPL, mov.b64 vector unpacking inside { } with a scoped
 * register, .loc/.file lines): y[i..i+3] = a * x[i..i+3] + y[i..i+3],
 * plus a per-thread round trip through local memory.
 */
static const char nvcc_style_ptx[] =
    "//\n// Generated by NVIDIA NVVM Compiler (style)\n//\n\n"
    ".version 8.0\n.target sm_80\n.address_size 64\n\n"
    "\t// .globl\tsaxpy4\n"
    ".visible .entry saxpy4(\n"
    "\t.param .u64 saxpy4_param_0,\n"
    "\t.param .u64 saxpy4_param_1,\n"
    "\t.param .f32 saxpy4_param_2,\n"
    "\t.param .u32 saxpy4_param_3\n"
    ")\n.maxntid 256, 1, 1\n{\n"
    "\t.local .align 16 .b8 \t__local_depot0[16];\n"
    "\t.reg .b64 \t%SP;\n\t.reg .b64 \t%SPL;\n"
    "\t.reg .pred \t%p<2>;\n\t.reg .b32 \t%r<8>;\n"
    "\t.reg .f32 \t%f<14>;\n\t.reg .b64 \t%rd<12>;\n\n"
    "\t.file\t1 \"saxpy4.cu\"\n"
    "\tmov.u64 \t%SPL, __local_depot0;\n"
    "\tcvta.local.u64 \t%SP, %SPL;\n"
    "\tld.param.u64 \t%rd3, [saxpy4_param_0];\n"
    "\tld.param.u64 \t%rd4, [saxpy4_param_1];\n"
    "\tld.param.f32 \t%f1, [saxpy4_param_2];\n"
    "\tld.param.u32 \t%r2, [saxpy4_param_3];\n"
    "\t.loc\t1 7 5\n"
    "\tmov.u32 \t%r3, %ctaid.x;\n"
    "\tmov.u32 \t%r4, %ntid.x;\n"
    "\tmov.u32 \t%r5, %tid.x;\n"
    "\tmad.lo.s32 \t%r1, %r3, %r4, %r5;\n"
    "\tshl.b32 \t%r6, %r1, 2;\n"
    "\tsetp.ge.u32 \t%p1, %r6, %r2;\n"
    "\t@%p1 bra \t$L__BB0_2;\n\n"
    "\tcvta.to.global.u64 \t%rd5, %rd3;\n"
    "\tcvta.to.global.u64 \t%rd6, %rd4;\n"
    "\tmul.wide.s32 \t%rd7, %r6, 4;\n"
    "\tadd.s64 \t%rd8, %rd5, %rd7;\n"
    "\tld.global.nc.v4.f32 \t{%f2, %f3, %f4, %f5}, [%rd8];\n"
    "\tadd.s64 \t%rd9, %rd6, %rd7;\n"
    "\tld.global.v4.f32 \t{%f6, %f7, %f8, %f9}, [%rd9];\n"
    "\tfma.rn.f32 \t%f10, %f1, %f2, %f6;\n"
    "\tfma.rn.f32 \t%f11, %f1, %f3, %f7;\n"
    "\tfma.rn.f32 \t%f12, %f1, %f4, %f8;\n"
    "\tfma.rn.f32 \t%f13, %f1, %f5, %f9;\n"
    /* through the local depot and back (as -O0 code does) */
    "\tst.local.v2.f32 \t[%SPL], {%f10, %f11};\n"
    "\tld.local.u64 \t%rd10, [%SPL];\n"
    "\t{\n\t.reg .b32 %temp;\n"
    "\tmov.b64 \t{%temp, %r7}, %rd10;\n"
    "\tmov.b32 \t%f11, %r7;\n"
    "\tmov.b32 \t%f10, %temp;\n\t}\n"
    "\tst.global.v2.f32 \t[%rd9], {%f10, %f11};\n"
    "\tst.global.v2.f32 \t[%rd9+8], {%f12, %f13};\n\n"
    "$L__BB0_2:\n"
    "\tret;\n\n}\n";

static void test_nvcc_style(void)
{
    uint8_t *img;
    size_t ilen;
    char err[256];
    unsigned n = 4 * 1000;
    float *x = malloc(n * 4), *y = malloc(n * 4), *w = malloc(n * 4), a = 1.5f;
    uint64_t m, vx, vy;

    CU_ASSERT_EQUAL_FATAL(gv_ptx_translate(nvcc_style_ptx,
                                           sizeof(nvcc_style_ptx) - 1, &img,
                                           &ilen, err, sizeof(err)), 0);
    for (unsigned i = 0; i < n; i++) {
        x[i] = (float)(i % 97) - 40.0f;
        y[i] = (float)(i % 13) * 0.5f;
        w[i] = fmaf(a, x[i], y[i]);
    }
    m = kt_load(&k1, img, (uint32_t)ilen);
    vx = put(&k1, x, n * 4);
    vy = put(&k1, y, n * 4);
    struct { uint64_t x, y; float a; uint32_t n; } p = { vx, vy, a, n };
    struct kt_launch l = { .module_va = m, .module_size = (uint32_t)ilen,
                           .grid = { 4 }, .block = { 256 },
                           .params = &p, .param_size = sizeof(p) };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, vy, y, n * 4);
    CU_ASSERT_EQUAL(gv_bench_check_floats(y, w, n, 0, NULL), 0);
    /* .maxntid is a bound, not a shape: a smaller block works too */
    for (unsigned i = 0; i < n; i++) {
        y[i] = (float)(i % 13) * 0.5f;
    }
    kt_write(&k1, vy, y, n * 4);
    l.grid[0] = 8;
    l.block[0] = 128;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, vy, y, n * 4);
    CU_ASSERT_EQUAL(gv_bench_check_floats(y, w, n, 0, NULL), 0);
    free(img);
    free(x); free(y); free(w);
}

int gv_register_jit_suites(void);

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "vector_add", test_vector_add },
        { "matmul (shared memory tiles, barriers)", test_matmul },
        { "reduce_sum (shuffles, atomics)", test_reduce },
        { "blackscholes", test_blackscholes },
        { "memset32", test_memset32 },
        { "AES-256-GCM AuthDec/AuthEnc vs OpenSSL", test_aesgcm },
        { "AES-CTR + KMAC256 AuthDec/AuthEnc vs OpenSSL", test_kmac },
        { "intrinsics: shuffles, votes, bits, math, atomics",
          test_intrinsics },
        { "nvcc-style PTX (labels, .nc/.v4 loads, local depot, scoped "
          "registers)", test_nvcc_style },
        { "divergent loops then a barrier, 1-4 SMs",
          test_divergent_loops_barrier },
        { "gangs: warps that branch and loop their own ways, with and "
          "without gangs", test_gangs },
        { NULL, NULL },
    };

    static const struct gv_cunit_test plain[] = {
        { "vector_add", test_vector_add },
        { "matmul", test_matmul },
        { "reduce_sum", test_reduce },
        { "blackscholes", test_blackscholes },
        { "memset32", test_memset32 },
        { "intrinsics", test_intrinsics },
        { "nvcc-style PTX", test_nvcc_style },
        { NULL, NULL },
    };

    return gv_add_suite("kernels", setup, teardown, t) ||
           gv_add_suite("kernels without fast paths", setup_plain,
                        teardown_plain, plain) ||
           gv_add_suite("kernels compiled", setup_jit, teardown_jit,
                        plain) ||
           gv_register_jit_suites();
}
