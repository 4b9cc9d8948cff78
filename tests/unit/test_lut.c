/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-lut: the engine's fused table lookups (hw/core/gv_fuse.c): an
 * index extract (bfe.u32, and.b32, shr.u32, cvt.u32.u64), mad.wide.u32
 * by a constant and one or two shared loads run as one micro-op for a
 * full warp.  Checked against a CPU reference in full warps (fused),
 * a partial warp and divergent lanes (one by one), with the index and
 * the address read again afterwards (their registers must be written)
 * or not; the instruction count of a fused run is that of the
 * instructions; and a lookup out of the table in a full warp faults by
 * the shared-memory rule.  Also the fused chains of XORs (GV_K_XCHAIN)
 * and prmt's full-warp form (GV_K_PRMT), setp with the branch on its
 * result (GV_K_SETP_BRA), and the fused runs of integer ALU instructions
 * (GV_K_LOGIC).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_testdev.h"
#include "graviton/gv_isa.h"
#include "graviton/gv_rules.h"
#include "ptx_run.h"

#define HEAD ".version 7.8\n.target sm_80\n.address_size 64\n"

/* Table word j (1024 words, 4 KiB of shared memory). */
static uint32_t tab_word(uint32_t j)
{
    return j * 0x9e3779b9u ^ 0x5bd1e995u;
}

#define NOUT 10         /* results per thread */

/*
 * Every thread writes the whole table (the same words: a fixed count of
 * instructions per thread), then, from x = in[tid] (u32) and y = in[tid]
 * as u64 shifted:
 *   0  tab[((x >> 8) & 255) + 256]       bfe.u32, ld [a+1024]
 *   1  tab[x & 255]                      and.b32, ld [a]
 *   2  tab[(x >> 24) + 768]              shr.u32, ld [a+3072]
 *   3  lo word of 16-byte entry (u32)y & 255: cvt + and, mad.wide by 16,
 *      two ld.u64 (entry = words 4i..4i+3), the first one into the
 *      register the index was extracted from
 *   4  hi: the second load
 *   5  byte (x >> 16) & 255 of the table, ld.u8 (scale 1)
 *   6  the index of result 0 read again (its register stays live)
 *   7  the address of result 1 read again, minus the base
 *   8, 9: results of a lookup in a branch only odd lanes take
 */
static const char lut_ptx[] =
    HEAD
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<40>;\n"
    ".reg .pred %p<4>;\n"
    ".shared .align 16 .b8 tab[4096];\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mov.u64 %rd3, tab;\n"
    "mov.u32 %r2, 0;\n"
    "FILL:\n"
    "mul.lo.u32 %r3, %r2, -1640531527;\n"
    "xor.b32 %r3, %r3, 1540483477;\n"
    "mul.wide.u32 %rd4, %r2, 4;\n"
    "add.s64 %rd4, %rd3, %rd4;\n"
    "st.shared.u32 [%rd4], %r3;\n"
    "add.u32 %r2, %r2, 1;\n"
    "setp.lt.u32 %p1, %r2, 1024;\n"
    "@%p1 bra FILL;\n"
    "bar.sync 0;\n"
    "mul.wide.u32 %rd5, %r1, 8;\n"
    "add.s64 %rd6, %rd2, %rd5;\n"
    "ld.global.u64 %rd7, [%rd6];\n"
    "cvt.u32.u64 %r4, %rd7;\n"
    "mul.wide.u32 %rd8, %r1, 40;\n"
    "add.s64 %rd9, %rd1, %rd8;\n"
    /* 0 */
    "bfe.u32 %r5, %r4, 8, 8;\n"
    "mad.wide.u32 %rd10, %r5, 4, %rd3;\n"
    "ld.shared.u32 %r6, [%rd10+1024];\n"
    /* 1 */
    "and.b32 %r7, %r4, 255;\n"
    "mad.wide.u32 %rd11, %r7, 4, %rd3;\n"
    "ld.shared.u32 %r8, [%rd11];\n"
    /* 2: the index register reused for the result */
    "shr.u32 %r9, %r4, 24;\n"
    "mad.wide.u32 %rd12, %r9, 4, %rd3;\n"
    "ld.shared.u32 %r9, [%rd12+3072];\n"
    /* 3, 4 */
    "shr.u64 %rd13, %rd7, 32;\n"
    "cvt.u32.u64 %r10, %rd13;\n"
    "mad.wide.u32 %rd14, %r10, 16, %rd3;\n"
    "ld.shared.u64 %rd13, [%rd14];\n"
    "ld.shared.u64 %rd16, [%rd14+8];\n"
    /* 5 */
    "bfe.u32 %r11, %r4, 16, 8;\n"
    "mad.wide.u32 %rd17, %r11, 1, %rd3;\n"
    "ld.shared.u8 %r12, [%rd17];\n"
    /* 6, 7: the index and the address read again */
    "sub.s64 %rd18, %rd11, %rd3;\n"
    "cvt.u32.u64 %r13, %rd18;\n"
    /* 8, 9: odd lanes only */
    "mov.u32 %r14, 0;\n"
    "mov.u32 %r15, 0;\n"
    "and.b32 %r16, %r1, 1;\n"
    "setp.eq.u32 %p2, %r16, 0;\n"
    "@%p2 bra SKIP;\n"
    "bfe.u32 %r17, %r4, 4, 8;\n"
    "mad.wide.u32 %rd19, %r17, 4, %rd3;\n"
    "ld.shared.u32 %r14, [%rd19+2048];\n"
    "mov.u32 %r15, %r17;\n"
    "SKIP:\n"
    "st.global.u32 [%rd9], %r6;\n"
    "st.global.u32 [%rd9+4], %r8;\n"
    "st.global.u32 [%rd9+8], %r9;\n"
    "cvt.u32.u64 %r20, %rd13;\n"
    "st.global.u32 [%rd9+12], %r20;\n"
    "cvt.u32.u64 %r21, %rd16;\n"
    "st.global.u32 [%rd9+16], %r21;\n"
    "st.global.u32 [%rd9+20], %r12;\n"
    "st.global.u32 [%rd9+24], %r5;\n"
    "st.global.u32 [%rd9+28], %r13;\n"
    "st.global.u32 [%rd9+32], %r14;\n"
    "st.global.u32 [%rd9+36], %r15;\n"
    "ret;\n"
    "}\n";

static void lut_ref(uint32_t t, uint64_t y, uint32_t *o)
{
    uint32_t x = (uint32_t)y, hi = (uint32_t)(y >> 32), b = x >> 16 & 255;
    uint32_t w = tab_word(b / 4);

    o[0] = tab_word((x >> 8 & 255) + 256);
    o[1] = tab_word(x & 255);
    o[2] = tab_word((x >> 24) + 768);
    o[3] = tab_word(4 * (hi & 255));
    o[4] = tab_word(4 * (hi & 255) + 2);
    o[5] = w >> (8 * (b % 4)) & 255;
    o[6] = x >> 8 & 255;
    o[7] = 4 * (x & 255);
    o[8] = t & 1 ? tab_word((x >> 4 & 255) + 512) : 0;
    o[9] = t & 1 ? x >> 4 & 255 : 0;
}

/* A kernel of this file k(out, in): its results per thread (u32), the
 * mask of its random inputs' high words, and its CPU reference: thread
 * @t's results @o from its input @in; @input, if not NULL, draws the
 * inputs instead. */
struct lut_case {
    const char *name, *ptx;
    int nout;
    uint32_t hi_mask;
    void (*ref)(uint32_t t, uint64_t in, uint32_t *o);
    uint64_t (*input)(void);
};

#define MAXOUT 10       /* results per thread, at most */

/* Run @c on @threads, random inputs, against its reference; the
 * launch's lane instructions. */
static uint64_t run_case(const struct lut_case *c, uint32_t threads)
{
    uint64_t in[128];
    uint32_t out[128 * MAXOUT], want[MAXOUT];
    struct gv_dev *dev = ptxr_kt()->td->dev;
    uint64_t i0 = gv_dev_compute_lane_insns(dev), insns;
    int bad = 0, n = c->nout;
    char what[64];

    CU_ASSERT_FATAL(n <= MAXOUT && threads <= 128);
    for (uint32_t t = 0; t < threads; t++) {
        in[t] = c->input ? c->input()
                         : (uint64_t)(ptxr_rnd32() & c->hi_mask) << 32 |
                               ptxr_rnd32();
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(c->ptx, threads, out, threads * n * 4,
                                   in, threads * 8),
                          GV_ERR_NONE);
    insns = gv_dev_compute_lane_insns(dev) - i0;
    snprintf(what, sizeof(what), "%s, %u threads", c->name, threads);
    for (uint32_t t = 0; t < threads; t++) {
        c->ref(t, in[t], want);
        ptxr_check_u32(what, t, &out[t * n], want, n, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
    return insns;
}

/* Full warps (fused), a partial warp (one by one), divergent lanes; the
 * same count of instructions per thread either way. */
static void run_warps(const struct lut_case *c)
{
    uint64_t n64 = run_case(c, 64), n48 = run_case(c, 48);
    uint64_t n32 = run_case(c, 32);

    CU_ASSERT(n64 > 0);
    CU_ASSERT_EQUAL(n64, 2 * n32);
    CU_ASSERT_EQUAL(n48 * 4, n64 * 3);
}

static void test_lut_results(void)
{
    /* the high word's low byte indexes 16-byte entries: at most 255 */
    static const struct lut_case c = { .name = "lookups", .ptx = lut_ptx,
                                       .nout = NOUT, .hi_mask = 0xff,
                                       .ref = lut_ref };

    run_warps(&c);
}

/* The index masked to 10 bits: a lookup of word 1023 + 768 leaves the
 * 4 KiB table; in a full warp (fused) the launch faults by the
 * shared-memory rule, as one by one; in range, it runs.  @KEEP: the
 * index is stored too (the fused form that keeps its registers). */
#define LUT_OOB_PTX(KEEP)                                               \
    HEAD                                                                \
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"         \
    "{\n"                                                              \
    ".reg .b32 %r<8>;\n"                                               \
    ".reg .b64 %rd<12>;\n"                                             \
    ".shared .align 16 .b8 tab[4096];\n"                               \
    "ld.param.u64 %rd1, [k_out];\n"                                    \
    "ld.param.u64 %rd2, [k_in];\n"                                     \
    "mov.u32 %r1, %tid.x;\n"                                           \
    "mov.u64 %rd3, tab;\n"                                             \
    "mul.wide.u32 %rd5, %r1, 8;\n"                                     \
    "add.s64 %rd6, %rd2, %rd5;\n"                                      \
    "ld.global.u64 %rd7, [%rd6];\n"                                    \
    "cvt.u32.u64 %r4, %rd7;\n"                                         \
    "and.b32 %r5, %r4, 1023;\n"                                        \
    "mad.wide.u32 %rd10, %r5, 4, %rd3;\n"                              \
    "ld.shared.u32 %r6, [%rd10+3072];\n"                               \
    "mul.wide.u32 %rd8, %r1, 8;\n"                                     \
    "add.s64 %rd9, %rd1, %rd8;\n"                                      \
    "st.global.u32 [%rd9], %r6;\n"                                     \
    KEEP                                                                \
    "ret;\n"                                                           \
    "}\n"

static void lut_fault(const char *ptx, bool keep)
{
    struct gv_dev *dev = ptxr_kt()->td->dev;
    uint64_t in[64] = { 0 }, h0;
    uint32_t out[128];

    for (unsigned lane = 0; lane < 64; lane += 21) {
        memset(in, 0, sizeof(in));
        in[lane] = 256;                 /* 3072 + 1024 = the end */
        h0 = gv_dev_rule_hits(dev, GV_RULE_COMPUTE_SHARED_RANGE);
        CU_ASSERT_EQUAL(ptxr_run(ptx, 64, out, sizeof(out), in,
                                 sizeof(in)), GV_ERR_FAULT);
        CU_ASSERT_EQUAL(gv_dev_rule_hits(dev, GV_RULE_COMPUTE_SHARED_RANGE),
                        h0 + 1);
    }
    memset(in, 0, sizeof(in));
    in[5] = 255;                        /* the last word */
    CU_ASSERT_EQUAL(ptxr_run(ptx, 64, out, sizeof(out), in, sizeof(in)),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(out[10], 0);        /* shared memory starts zeroed */
    CU_ASSERT_EQUAL(out[11], keep ? 255 : 0);
}

static void test_lut_fault(void)
{
    lut_fault(LUT_OOB_PTX(""), false);
}

static void test_lut_fault_keep(void)
{
    lut_fault(LUT_OOB_PTX("st.global.u32 [%rd9+4], %r5;\n"), true);
}

#define NXOR 10         /* results per thread */

/*
 * Chains of XORs (GV_K_XCHAIN): from a = in[tid] and words derived from
 * it, 32-bit and 64-bit chains whose intermediate results are read again
 * or not, whose previous result is either operand, chains broken by an
 * operand that an earlier XOR of them wrote (x ^ x; a ^ b ^ c ^ (a ^ b)),
 * and one by a guarded XOR that only even lanes run.
 */
static const char xor_ptx[] =
    HEAD
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<40>;\n"
    ".reg .pred %p<4>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd5, %r1, 8;\n"
    "add.s64 %rd6, %rd2, %rd5;\n"
    "ld.global.u64 %rd7, [%rd6];\n"
    "mul.wide.u32 %rd8, %r1, 40;\n"
    "add.s64 %rd9, %rd1, %rd8;\n"
    "cvt.u32.u64 %r2, %rd7;\n"
    "shr.u64 %rd10, %rd7, 32;\n"
    "cvt.u32.u64 %r3, %rd10;\n"
    "mul.lo.u32 %r4, %r2, 7;\n"
    "mul.lo.u32 %r5, %r3, 13;\n"
    "add.u32 %r6, %r2, %r3;\n"
    /* 0, 1: r10 written twice, r11 read again, the last one r12 */
    "xor.b32 %r10, %r2, %r3;\n"
    "xor.b32 %r11, %r10, %r4;\n"
    "xor.b32 %r10, %r5, %r11;\n"
    "xor.b32 %r12, %r10, %r6;\n"
    /* 2: r20 ^ r20 ends the chain; then r22 = 0 ^ r20 */
    "xor.b32 %r20, %r2, %r4;\n"
    "xor.b32 %r21, %r20, %r20;\n"
    "xor.b32 %r22, %r21, %r20;\n"
    /* 8: the third reads the first's result */
    "xor.b32 %r30, %r2, %r3;\n"
    "xor.b32 %r31, %r30, %r4;\n"
    "xor.b32 %r32, %r31, %r30;\n"
    /* 3: a guarded XOR in the middle (even lanes) */
    "and.b32 %r7, %r1, 1;\n"
    "setp.eq.u32 %p1, %r7, 0;\n"
    "xor.b32 %r23, %r3, %r5;\n"
    "@%p1 xor.b32 %r23, %r23, %r6;\n"
    "xor.b32 %r24, %r23, %r2;\n"
    /* 4, 5: 64-bit, the previous result as the second operand */
    "mul.lo.u64 %rd11, %rd7, 3;\n"
    "shl.b64 %rd12, %rd7, 17;\n"
    "xor.b64 %rd13, %rd7, %rd11;\n"
    "xor.b64 %rd14, %rd12, %rd13;\n"
    "xor.b64 %rd15, %rd14, %rd10;\n"
    "st.global.u32 [%rd9], %r12;\n"
    "st.global.u32 [%rd9+4], %r11;\n"
    "st.global.u32 [%rd9+8], %r22;\n"
    "st.global.u32 [%rd9+12], %r24;\n"
    "st.global.u64 [%rd9+16], %rd15;\n"
    "st.global.u64 [%rd9+24], %rd13;\n"
    "st.global.u32 [%rd9+32], %r32;\n"
    "st.global.u32 [%rd9+36], %r22;\n"
    "ret;\n"
    "}\n";

static void xor_ref(uint32_t t, uint64_t a, uint32_t *o)
{
    uint32_t r2 = (uint32_t)a, r3 = (uint32_t)(a >> 32), r4 = r2 * 7;
    uint32_t r5 = r3 * 13, r6 = r2 + r3, r11 = r2 ^ r3 ^ r4;
    uint32_t r23 = r3 ^ r5 ^ (t & 1 ? 0 : r6);
    uint64_t rd13 = a ^ a * 3, rd15 = (a << 17) ^ rd13 ^ (a >> 32);

    o[0] = r11 ^ r5 ^ r6;
    o[1] = r11;
    o[2] = r2 ^ r4;
    o[3] = r23 ^ r2;
    o[4] = (uint32_t)rd15;
    o[5] = (uint32_t)(rd15 >> 32);
    o[6] = (uint32_t)rd13;
    o[7] = (uint32_t)(rd13 >> 32);
    o[8] = r4;
    o[9] = r2 ^ r4;
}

static void test_xor_chains(void)
{
    static const struct lut_case c = { .name = "xor", .ptx = xor_ptx,
                                       .nout = NXOR, .hi_mask = 0xffffffffu,
                                       .ref = xor_ref };

    run_warps(&c);
}

#define NPRMT 4         /* results per thread */

/* prmt.b32 in the default mode (GV_K_PRMT): a selector held in a register
 * and the same in every lane (the full-warp form), one that differs per
 * lane, and one with sign-replicating nibbles (both per lane). */
static const char prmt_ptx[] =
    HEAD
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<40>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd5, %r1, 8;\n"
    "add.s64 %rd6, %rd2, %rd5;\n"
    "ld.global.u64 %rd7, [%rd6];\n"
    "mul.wide.u32 %rd8, %r1, 16;\n"
    "add.s64 %rd9, %rd1, %rd8;\n"
    "cvt.u32.u64 %r2, %rd7;\n"
    "shr.u64 %rd10, %rd7, 32;\n"
    "cvt.u32.u64 %r3, %rd10;\n"
    "mov.u32 %r4, 291;\n"                      /* 0x0123 */
    "prmt.b32 %r10, %r2, %r2, %r4;\n"
    "mov.u32 %r5, 29712;\n"                    /* 0x7410 */
    "prmt.b32 %r11, %r2, %r3, %r5;\n"
    "mul.lo.u32 %r6, %r1, 4660;\n"             /* per lane */
    "prmt.b32 %r12, %r3, %r2, %r6;\n"
    "mov.u32 %r7, 34944;\n"                    /* 0x8880 */
    "prmt.b32 %r13, %r2, %r3, %r7;\n"
    "st.global.u32 [%rd9], %r10;\n"
    "st.global.u32 [%rd9+4], %r11;\n"
    "st.global.u32 [%rd9+8], %r12;\n"
    "st.global.u32 [%rd9+12], %r13;\n"
    "ret;\n"
    "}\n";

/* PTX ISA prmt, default mode: byte k of d is byte (c >> 4k) & 7 of
 * {b, a}, or its sign bit replicated when (c >> 4k) & 8. */
static uint32_t prmt_ref(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t t = (uint64_t)b << 32 | a;
    uint32_t r = 0;

    for (unsigned k = 0; k < 4; k++) {
        unsigned n = c >> (4 * k) & 15;
        uint32_t byte = t >> (8 * (n & 7)) & 0xff;

        if (n & 8) {
            byte = byte & 0x80 ? 0xff : 0;
        }
        r |= byte << (8 * k);
    }
    return r;
}

static void prmt_refs(uint32_t t, uint64_t in, uint32_t *o)
{
    uint32_t a = (uint32_t)in, b = (uint32_t)(in >> 32);

    o[0] = prmt_ref(a, a, 0x0123);
    o[1] = prmt_ref(a, b, 0x7410);
    o[2] = prmt_ref(b, a, t * 4660);
    o[3] = prmt_ref(a, b, 0x8880);
}

static void test_prmt(void)
{
    static const struct lut_case c = { .name = "prmt", .ptx = prmt_ptx,
                                       .nout = NPRMT, .hi_mask = 0xffffffffu,
                                       .ref = prmt_refs };

    run_case(&c, 64);
    run_case(&c, 48);
}

#define NSETP 9         /* results per thread */

/* setp followed by a branch on its result (GV_K_SETP_BRA): each case
 * j stores 1 or 2 (branch taken or not) plus 10 or 20 (the predicate
 * read again by selp); signed and unsigned 32- and 64-bit, f32 with
 * NaNs, the negated guard; case 6's odd lanes jump straight to the
 * branch with a predicate of their own; case 8's branch is on another
 * predicate than its setp's. */
#define SETP_CASE(j, SETP, BRA)                                         \
    "mov.u32 %r10, 1;\n" SETP BRA " L" #j ";\n"                         \
    "mov.u32 %r10, 2;\n"                                                \
    "L" #j ":\n"                                                        \
    "selp.u32 %r11, 10, 20, %p1;\n"                                     \
    "add.u32 %r10, %r10, %r11;\n"                                       \
    "st.global.u32 [%rd9+" #j "*4], %r10;\n"
static const char setp_ptx[] =
    HEAD
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<40>;\n"
    ".reg .f32 %f<4>;\n"
    ".reg .pred %p<4>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd5, %r1, 8;\n"
    "add.s64 %rd6, %rd2, %rd5;\n"
    "ld.global.u64 %rd7, [%rd6];\n"
    "mul.wide.u32 %rd8, %r1, 36;\n"
    "add.s64 %rd9, %rd1, %rd8;\n"
    "cvt.u32.u64 %r2, %rd7;\n"
    "shr.u64 %rd10, %rd7, 32;\n"
    "cvt.u32.u64 %r3, %rd10;\n"
    "mov.b32 %f1, %r3;\n"
    SETP_CASE(0, "setp.lt.s32 %p1, %r2, 0;\n", "@%p1 bra")
    SETP_CASE(1, "setp.ge.u32 %p1, %r2, 4;\n", "@!%p1 bra")
    SETP_CASE(2, "setp.gt.s64 %p1, %rd7, 0;\n", "@%p1 bra")
    SETP_CASE(3, "setp.le.u64 %p1, %rd7, 4611686018427387904;\n",
              "@!%p1 bra")
    SETP_CASE(4, "setp.eq.s32 %p1, %r2, 3;\n", "@%p1 bra")
    SETP_CASE(5, "setp.lt.f32 %p1, %f1, 0f3F800000;\n", "@%p1 bra")
    "and.b32 %r20, %r1, 1;\n"
    "setp.eq.u32 %p2, %r20, 1;\n"
    "setp.lt.s32 %p1, %r2, 2;\n"
    "mov.u32 %r10, 1;\n"
    "@%p2 bra MID6;\n"
    SETP_CASE(6, "setp.gt.s32 %p1, %r2, -3;\nMID6:\n", "@%p1 bra")
    SETP_CASE(7, "setp.ne.u32 %p1, %r2, 5;\n", "@!%p1 bra")
    SETP_CASE(8, "setp.gt.s32 %p3, %r2, 100;\n", "@%p1 bra")
    "ret;\n"
    "}\n";

static void setp_ref(uint32_t t, uint64_t y, uint32_t *o)
{
    int32_t x = (int32_t)y;
    uint32_t h = (uint32_t)(y >> 32);
    float f;
    bool p[NSETP];
    bool neg[NSETP] = { false, true, false, true, false, false, false,
                        true, false };

    memcpy(&f, &h, 4);
    p[0] = x < 0;
    p[1] = (uint32_t)x >= 4;
    p[2] = (int64_t)y > 0;
    p[3] = y <= 4611686018427387904ull;
    p[4] = x == 3;
    p[5] = f < 1.0f;
    p[6] = (t & 1) ? x < 2 : x > -3;
    p[7] = (uint32_t)x != 5;
    p[8] = p[7];                        /* a setp of another predicate */
    for (int j = 0; j < NSETP; j++) {
        o[j] = (p[j] != neg[j] ? 1 : 2) + (p[j] ? 10 : 20);
    }
}

/* A small signed low word (both sides of each comparison); a high word
 * that is a NaN one time in five. */
static uint64_t setp_input(void)
{
    static const uint32_t nan[3] = { 0x7fc00000u, 0xffc00001u,
                                     0x3f800000u };
    uint32_t r = ptxr_rnd32(), h = ptxr_rnd32();

    if (r % 5 == 0) {
        h = nan[r / 5 % 3];
    }
    return (uint64_t)h << 32 | (uint32_t)((int32_t)(r % 16) - 8);
}

static void test_setp_bra(void)
{
    static const struct lut_case c = { .name = "setp", .ptx = setp_ptx,
                                       .nout = NSETP, .ref = setp_ref,
                                       .input = setp_input };

    run_case(&c, 64);
    run_case(&c, 48);
    run_case(&c, 7);
}

/* Thread t's input (run_case asks in thread order, 32 threads a warp):
 * one value for the whole warp, as a loop's counter and bound are (a
 * full warp's GV_K_SETP_BRA then compares lane 0 once), except that in
 * every other warp lane 13 has a value of its own, with lanes 0 and 31
 * still equal (so the whole warp must be looked at: mutation
 * setp-uniform). */
static uint64_t setp_uniform_input(void)
{
    static unsigned n;
    static uint64_t v;
    unsigned lane = n % 32, warp = n / 32;

    n++;
    if (lane == 0) {
        v = setp_input();
    }
    return warp % 2 && lane == 13 ? v ^ 0x800000000000000full : v;
}

static void test_setp_uniform(void)
{
    static const struct lut_case c = { .name = "setp-uniform",
                                       .ptx = setp_ptx, .nout = NSETP,
                                       .ref = setp_ref,
                                       .input = setp_uniform_input };

    for (int k = 0; k < 8; k++) {
        run_case(&c, 128);
    }
}

#define NLOGIC 10       /* results per thread: five u64 */

/*
 * A run of integer ALU instructions (GV_K_LOGIC): 32- and 64-bit logic,
 * shifts by per-lane amounts and by constants (some past the width: 0,
 * or the sign), not, bfe.u32, bfe.s64 (constant fields inside the word
 * and past it, per-lane ones), add, sub, mov, cvt, and chains of XORs
 * inside, from a = in[tid].
 */
static const char logic_ptx[] =
    HEAD
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<48>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd5, %r1, 8;\n"
    "add.s64 %rd6, %rd2, %rd5;\n"
    "ld.global.u64 %rd7, [%rd6];\n"
    "mul.wide.u32 %rd8, %r1, 40;\n"
    "add.s64 %rd9, %rd1, %rd8;\n"
    "cvt.u32.u64 %r2, %rd7;\n"
    "shr.u64 %rd10, %rd7, 32;\n"
    "cvt.u32.u64 %r3, %rd10;\n"
    "and.b32 %r4, %r3, 63;\n"
    "shl.b64 %rd11, %rd7, %r4;\n"
    "shr.s64 %rd12, %rd7, %r4;\n"
    "shr.u64 %rd13, %rd7, %r4;\n"
    "add.u32 %r5, %r4, 40;\n"
    "shl.b64 %rd14, %rd7, %r5;\n"
    "shr.s64 %rd15, %rd7, %r5;\n"
    "xor.b64 %rd16, %rd11, %rd12;\n"
    "xor.b64 %rd17, %rd16, %rd13;\n"
    "xor.b64 %rd18, %rd17, %rd14;\n"
    "and.b64 %rd19, %rd18, %rd15;\n"
    "or.b64 %rd20, %rd19, %rd7;\n"
    "bfe.u32 %r6, %r2, %r4, 7;\n"
    "sub.s64 %rd21, %rd20, %rd13;\n"
    "shr.u32 %r7, %r2, %r5;\n"
    "shl.b32 %r8, %r3, %r4;\n"
    "xor.b32 %r9, %r7, %r8;\n"
    "or.b32 %r10, %r9, %r6;\n"
    "mov.b64 %rd22, %rd21;\n"
    "cvt.u64.u32 %rd23, %r10;\n"
    "add.s64 %rd24, %rd22, %rd23;\n"
    "shl.b64 %rd25, %rd24, 13;\n"
    "shr.s64 %rd26, %rd7, 63;\n"
    "shr.u64 %rd27, %rd7, 64;\n"
    "shl.b64 %rd28, %rd7, 70;\n"
    "shr.s64 %rd29, %rd7, 80;\n"
    "shr.u64 %rd30, %rd7, 7;\n"
    "shl.b32 %r11, %r2, 31;\n"
    "shr.u32 %r12, %r3, 5;\n"
    "shr.u32 %r13, %r3, 40;\n"
    "xor.b32 %r14, %r11, %r12;\n"
    "xor.b32 %r15, %r14, %r13;\n"
    "cvt.u64.u32 %rd31, %r15;\n"
    "xor.b64 %rd32, %rd25, %rd26;\n"
    "xor.b64 %rd33, %rd32, %rd27;\n"
    "xor.b64 %rd34, %rd33, %rd28;\n"
    "xor.b64 %rd35, %rd34, %rd29;\n"
    "xor.b64 %rd36, %rd35, %rd30;\n"
    "xor.b64 %rd37, %rd36, %rd31;\n"
    "xor.b64 %rd38, %rd37, %rd24;\n"
    "not.b64 %rd39, %rd38;\n"
    "not.b32 %r16, %r2;\n"
    "cvt.u64.u32 %rd3, %r16;\n"
    "and.b64 %rd4, %rd39, %rd3;\n"
    "xor.b64 %rd38, %rd38, %rd4;\n"
    "bfe.s64 %rd40, %rd7, 17, 1;\n"
    "bfe.s64 %rd41, %rd7, 5, 59;\n"
    "bfe.s64 %rd42, %rd7, 60, 10;\n"
    "bfe.s64 %rd43, %rd7, %r4, %r3;\n"
    "xor.b64 %rd44, %rd40, %rd41;\n"
    "xor.b64 %rd45, %rd44, %rd42;\n"
    "xor.b64 %rd46, %rd45, %rd43;\n"
    "xor.b64 %rd38, %rd38, %rd46;\n"
    "st.global.u64 [%rd9], %rd12;\n"
    "st.global.u64 [%rd9+8], %rd15;\n"
    "st.global.u64 [%rd9+16], %rd20;\n"
    "st.global.u64 [%rd9+24], %rd21;\n"
    "st.global.u64 [%rd9+32], %rd38;\n"
    "ret;\n"
    "}\n";

/* a << s or a >> s (logical), 0 from 64 on */
static uint64_t sh64(uint64_t a, unsigned s, int left)
{
    return s >= 64 ? 0 : left ? a << s : a >> s;
}

/* a >> s with the sign copied in (s clamped to 63) */
static uint64_t sar64(uint64_t a, unsigned s)
{
    unsigned n = s >= 64 ? 63 : s;
    uint64_t v = a >> n;

    return a >> 63 && n ? v | ~(UINT64_MAX >> n) : v;
}

/* bfe.s64: len bits at pos, the field's top bit (the word's sign past
 * the word) copied up; len 0: 0 */
static uint64_t sbfe(uint64_t a, unsigned pos, unsigned len)
{
    unsigned k;
    uint64_t v;

    pos &= 0xff;
    len &= 0xff;
    if (len == 0) {
        return 0;
    }
    if (pos >= 64) {
        return a >> 63 ? UINT64_MAX : 0;
    }
    k = len < 64 - pos ? len : 64 - pos;
    v = a >> pos;
    if (k < 64) {
        v &= (1ull << k) - 1;
        if (v >> (k - 1) & 1) {
            v |= ~((1ull << k) - 1);
        }
    }
    return v;
}

static void logic_ref(uint32_t t, uint64_t a, uint32_t *o)
{
    uint32_t r2 = (uint32_t)a, r3 = (uint32_t)(a >> 32), r4 = r3 & 63;
    uint32_t r5 = r4 + 40, r6 = r4 >= 32 ? 0 : (r2 >> r4) & 0x7f;
    uint32_t r7 = r5 >= 32 ? 0 : r2 >> r5, r8 = r4 >= 32 ? 0 : r3 << r4;
    uint64_t rd11 = sh64(a, r4, 1), rd12 = sar64(a, r4);
    uint64_t rd13 = sh64(a, r4, 0), rd14 = sh64(a, r5, 1);
    uint64_t rd15 = sar64(a, r5);
    uint64_t rd20 = ((rd11 ^ rd12 ^ rd13 ^ rd14) & rd15) | a;
    uint64_t rd24 = rd20 - rd13 + ((r7 ^ r8) | r6);
    /* shifts by constants (some past the width), a chain of XORs */
    uint64_t k = (rd24 << 13) ^ sar64(a, 63) ^ sar64(a, 80) ^ (a >> 7) ^
                 (uint32_t)((r2 << 31) ^ (r3 >> 5));
    uint64_t x = rd24 ^ k;
    uint64_t f = sbfe(a, 17, 1) ^ sbfe(a, 5, 59) ^ sbfe(a, 60, 10) ^
                 sbfe(a, r4, r3);                       /* bfe.s64 */
    uint64_t v[5] = { rd12, rd15, rd20, rd20 - rd13,
                      x ^ (~x & (uint32_t)~r2) ^ f };  /* not.b64, not.b32 */

    (void)t;
    for (int j = 0; j < 5; j++) {
        o[2 * j] = (uint32_t)v[j];
        o[2 * j + 1] = (uint32_t)(v[j] >> 32);
    }
}

static void test_logic_runs(void)
{
    static const struct lut_case c = { "logic", logic_ptx, NLOGIC,
                                       0xffffffffu, logic_ref, NULL };

    run_warps(&c);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "fused lookups: full, partial and divergent warps",
          test_lut_results },
        { "fused lookups: out of the table faults", test_lut_fault },
        { "fused lookups keeping the index: out of the table faults",
          test_lut_fault_keep },
        { "fused XOR chains: full, partial and divergent warps",
          test_xor_chains },
        { "prmt: one selector for the warp, per lane, sign bytes",
          test_prmt },
        { "setp then a branch on it: full, partial, joining lanes",
          test_setp_bra },
        { "setp then a branch: operands uniform in the warp, or nearly",
          test_setp_uniform },
        { "fused integer runs: full and partial warps", test_logic_runs },
        { NULL, NULL },
    };

    return gv_add_suite("lut", ptxr_setup, ptxr_teardown, t);
}
