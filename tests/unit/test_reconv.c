/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reconvergence at the immediate post-dominator (docs/compute.md,
 * "Divergence and reconvergence"; docs/ptx.md, "Reconvergence"): the
 * translator gives every conditional branch its immediate post-dominator
 * (BRA with GV_BRA_JOIN), and the lanes that diverge there meet there,
 * whatever the layout.  Hand-written PTX in nvcc's style where a block
 * placed after the join branches back to it (the lowest-pc scheduling
 * the engine had before let the lanes at the join run on alone), loops
 * with a break, nested divergence, warp-synchronous instructions at the
 * join; each against a CPU reference.  Then the device's side: a
 * reconvergence point outside its function is refused at load
 * (launch.module_invalid), and a module whose branches nest deeper than
 * the reconvergence stack faults (compute.join_stack).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "gv_testdev.h"
#include "graviton/gv_isa_rules.h"
#include "graviton/gv_rules.h"
#include "ptx_run.h"

#define FULL 0xffffffffu

/* 0: the translator's reconvergence points; else the seed of random
 * points that run_ok() gives every conditional branch instead (the
 * values must not change, only activemask may; test_bogus). */
static uint32_t bogus;

static uint32_t bogus_rnd(void)
{
    bogus ^= bogus << 13;
    bogus ^= bogus >> 17;
    bogus ^= bogus << 5;
    return bogus;
}

/* Every conditional branch of the (one) function of @img: a random
 * reconvergence point inside the function, or none. */
static void bogus_points(uint8_t *img, size_t len)
{
    struct gv_isa_module h;
    struct gv_isa_func f;
    struct gv_insn *ins;

    memcpy(&h, img, sizeof(h));
    memcpy(&f, img + h.funcs_off, sizeof(f));
    CU_ASSERT_FATAL(h.insns_off + (uint64_t)h.ninsns * 16 <= len);
    ins = (void *)(img + h.insns_off);
    for (uint32_t k = f.insn_start; k < f.insn_start + f.insn_count; k++) {
        uint32_t j = f.insn_start + bogus_rnd() % f.insn_count;

        if (ins[k].op != GV_I_BRA || !(ins[k].guard & GV_G_ON)) {
            continue;
        }
        ins[k].mod = bogus_rnd() % 4 ? GV_BRA_JOIN : 0;
        ins[k].d = (uint16_t)j;
        ins[k].a = (uint16_t)(j >> 16);
    }
}

/* Run k(out, in) of @ptx on @threads; true if it ran (else it faulted
 * with compute.join_stack, which only bogus points may cause). */
static bool run_ok(const char *ptx, uint32_t threads, void *out,
                   uint32_t out_len)
{
    struct gv_dev *dev = ptxr_kt()->td->dev;
    uint64_t before = gv_dev_rule_hits(dev, GV_RULE_COMPUTE_JOIN_STACK);
    size_t len;
    uint8_t *img;
    int rc;

    if (!bogus) {
        CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, threads, out, out_len, NULL, 0),
                              GV_ERR_NONE);
        return true;
    }
    img = ptxr_translate(ptx, &len);
    CU_ASSERT_FATAL(img != NULL);
    bogus_points(img, len);
    rc = ptxr_run_img(img, len, "k", threads, out, out_len, NULL, 0);
    free(img);
    if (rc == GV_ERR_FAULT &&
        gv_dev_rule_hits(dev, GV_RULE_COMPUTE_JOIN_STACK) == before + 1) {
        return false;
    }
    CU_ASSERT_EQUAL_FATAL(rc, GV_ERR_NONE);
    return true;
}

/* The module's first conditional branch: its reconvergence point, and
 * the instruction there (UINT32_MAX, NULL if it has none). */
static uint32_t first_join(const uint8_t *img, size_t len,
                           struct gv_insn *at)
{
    struct gv_isa_module h;
    const struct gv_insn *ins;

    memcpy(&h, img, sizeof(h));
    CU_ASSERT_FATAL(h.insns_off + (uint64_t)h.ninsns * 16 <= len);
    ins = (const void *)(img + h.insns_off);
    for (uint32_t k = 0; k < h.ninsns; k++) {
        uint32_t j;

        if (ins[k].op == GV_I_BRA && (ins[k].guard & GV_G_ON)) {
            if (!gv_isa_join(&ins[k], &j)) {
                return UINT32_MAX;
            }
            if (j < h.ninsns) {
                *at = ins[j];
            }
            return j;
        }
    }
    return UINT32_MAX;
}

/* An if/else whose else-block is placed after the function's ret and
 * branches back to the join (as nvcc lays out an unlikely branch):
 * activemask and vote.ballot at the join see the whole warp. */
static const char ptx_else_last[] = PTXR_LANE_HEAD
    "setp.lt.u32 %p1, %r2, 11;\n"
    "@%p1 bra $L__BB0_else;\n"
    "mul.lo.u32 %r3, %r2, 3;\n"
    "$L__BB0_join:\n"
    "activemask.b32 %r4;\n"
    "and.b32 %r6, %r3, 1;\n"
    "setp.eq.u32 %p2, %r6, 1;\n"
    "vote.ballot.b32 %r5, %p2;\n"
    "st.global.u32 [%rd4], %r4;\n"
    "st.global.u32 [%rd4+128], %r5;\n"
    "st.global.u32 [%rd4+256], %r3;\n"
    "ret;\n"
    "$L__BB0_else:\n"
    "add.s32 %r3, %r2, 7;\n"
    "bra.uni $L__BB0_join;\n"
    "}\n";

static void test_else_last(void)
{
    uint32_t out[96], ballot = 0;
    struct gv_insn at = { 0 };
    size_t len;
    uint8_t *img = ptxr_translate(ptx_else_last, &len);

    /* the translator: the branch reconverges at the activemask */
    CU_ASSERT_FATAL(img != NULL);
    CU_ASSERT_NOT_EQUAL(first_join(img, len, &at), UINT32_MAX);
    CU_ASSERT_EQUAL(at.op, GV_I_VOTE);
    free(img);
    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx_else_last, 32, out, sizeof(out),
                                   NULL, 0), GV_ERR_NONE);
    for (unsigned l = 0; l < 32; l++) {
        uint32_t v = l < 11 ? l + 7 : l * 3;

        ballot |= (v & 1) << l;
    }
    for (unsigned l = 0; l < 32; l++) {
        CU_ASSERT_EQUAL(out[l], FULL);
        CU_ASSERT_EQUAL(out[32 + l], ballot);
        CU_ASSERT_EQUAL(out[64 + l], l < 11 ? l + 7 : l * 3);
    }
}

/* A loop with a break inside an if whose block sits after the ret: the
 * lanes that break and the lanes that finish the loop meet after it. */
static void test_break(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        "mov.u32 %r3, 0;\n"
        "mov.u32 %r4, 0;\n"
        "$L__BB0_loop:\n"
        "add.s32 %r4, %r4, %r3;\n"
        "setp.gt.u32 %p1, %r4, %r2;\n"
        "@%p1 bra $L__BB0_brk;\n"
        "add.s32 %r3, %r3, 1;\n"
        "setp.lt.u32 %p2, %r3, 6;\n"
        "@%p2 bra $L__BB0_loop;\n"
        "$L__BB0_out:\n"
        "activemask.b32 %r5;\n"
        "st.global.u32 [%rd4], %r4;\n"
        "st.global.u32 [%rd4+128], %r3;\n"
        "st.global.u32 [%rd4+256], %r5;\n"
        "ret;\n"
        "$L__BB0_brk:\n"
        "mul.lo.u32 %r4, %r4, 10;\n"
        "bra.uni $L__BB0_out;\n"
        "}\n";
    uint32_t out[96];

    if (!run_ok(ptx, 32, out, sizeof(out))) {
        return;
    }
    for (unsigned l = 0; l < 32; l++) {
        uint32_t i = 0, acc = 0;

        for (;;) {
            acc += i;
            if (acc > l) {
                acc *= 10;
                break;
            }
            if (++i >= 6) {
                break;
            }
        }
        CU_ASSERT_EQUAL(out[l], acc);
        CU_ASSERT_EQUAL(out[32 + l], i);
        CU_ASSERT(bogus || out[64 + l] == FULL);
    }
}

/* A break out of an if nested in a loop's body: the lanes that break
 * and the lanes that stay meet after the loop, though the if's own join
 * never sees the lanes that broke out. */
static void test_nested_break(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        "mov.u32 %r3, 0;\n"
        "mov.u32 %r4, 0;\n"
        "$L__BB0_loop:\n"
        "and.b32 %r7, %r3, 1;\n"
        "setp.eq.u32 %p1, %r7, 0;\n"
        "@%p1 bra $L__BB0_skip;\n"
        "setp.gt.u32 %p2, %r3, %r2;\n"
        "@%p2 bra $L__BB0_out;\n"
        "add.s32 %r4, %r4, 100;\n"
        "$L__BB0_skip:\n"
        "add.s32 %r4, %r4, 1;\n"
        "add.s32 %r3, %r3, 1;\n"
        "setp.lt.u32 %p3, %r3, 40;\n"
        "@%p3 bra $L__BB0_loop;\n"
        "$L__BB0_out:\n"
        "activemask.b32 %r5;\n"
        "st.global.u32 [%rd4], %r4;\n"
        "st.global.u32 [%rd4+128], %r3;\n"
        "st.global.u32 [%rd4+256], %r5;\n"
        "ret;\n"
        "}\n";
    uint32_t out[96];

    if (!run_ok(ptx, 32, out, sizeof(out))) {
        return;
    }
    for (unsigned l = 0; l < 32; l++) {
        uint32_t i = 0, acc = 0;

        for (; i < 40; i++) {
            if (i & 1) {
                if (i > l) {
                    break;
                }
                acc += 100;
            }
            acc += 1;
        }
        CU_ASSERT_EQUAL(out[l], acc);
        CU_ASSERT_EQUAL(out[32 + l], i);
        CU_ASSERT(bogus || out[64 + l] == FULL);
    }
}

/* Nested divergence, both else-blocks after the ret: at the inner join
 * the outer branch's side, at the outer join the whole warp. */
static void test_nested(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        "and.b32 %r3, %r2, 1;\n"
        "setp.eq.u32 %p1, %r3, 1;\n"
        "@%p1 bra $L__BB0_odd;\n"
        "setp.lt.u32 %p2, %r2, 12;\n"
        "@%p2 bra $L__BB0_low;\n"
        "mov.u32 %r4, 100;\n"
        "$L__BB0_ijoin:\n"
        "activemask.b32 %r5;\n"
        "$L__BB0_ojoin:\n"
        "activemask.b32 %r6;\n"
        "st.global.u32 [%rd4], %r5;\n"
        "st.global.u32 [%rd4+128], %r6;\n"
        "st.global.u32 [%rd4+256], %r4;\n"
        "ret;\n"
        "$L__BB0_low:\n"
        "mov.u32 %r4, 200;\n"
        "bra.uni $L__BB0_ijoin;\n"
        "$L__BB0_odd:\n"
        "mov.u32 %r4, 300;\n"
        "mov.u32 %r5, 7;\n"
        "bra.uni $L__BB0_ojoin;\n"
        "}\n";
    uint32_t out[96];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, 32, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (unsigned l = 0; l < 32; l++) {
        bool odd = l & 1;

        CU_ASSERT_EQUAL(out[l], odd ? 7 : 0x55555555u);
        CU_ASSERT_EQUAL(out[32 + l], FULL);
        CU_ASSERT_EQUAL(out[64 + l], odd ? 300 : l < 12 ? 200 : 100);
    }
}

/* bar.warp.sync and shfl.sync at the join of an if/else whose else-block
 * is last: the writes of both sides are seen, the shuffle reads lanes
 * of either side, and the warp is whole after them. */
static void test_sync_at_join(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        ".shared .align 4 .b32 s[32];\n"
        "mov.u64 %rd5, s;\n"
        "mul.wide.u32 %rd6, %r2, 4;\n"
        "add.s64 %rd5, %rd5, %rd6;\n"
        "add.s32 %r7, %r2, 1;\n"
        "and.b32 %r7, %r7, 31;\n"
        "mul.wide.u32 %rd6, %r7, 4;\n"
        "mov.u64 %rd7, s;\n"
        "add.s64 %rd7, %rd7, %rd6;\n"
        "setp.ge.u32 %p1, %r2, 20;\n"
        "@%p1 bra $L__BB0_hi;\n"
        "mul.lo.u32 %r3, %r2, 3;\n"
        "st.shared.u32 [%rd5], %r3;\n"
        "$L__BB0_join:\n"
        "bar.warp.sync -1;\n"
        "ld.shared.u32 %r8, [%rd7];\n"
        "sub.s32 %r9, 31, %r2;\n"
        "shfl.sync.idx.b32 %r10, %r3, %r9, 31, -1;\n"
        "activemask.b32 %r11;\n"
        "st.global.u32 [%rd4], %r8;\n"
        "st.global.u32 [%rd4+128], %r10;\n"
        "st.global.u32 [%rd4+256], %r11;\n"
        "ret;\n"
        "$L__BB0_hi:\n"
        "add.s32 %r3, %r2, 1000;\n"
        "st.shared.u32 [%rd5], %r3;\n"
        "bra.uni $L__BB0_join;\n"
        "}\n";
    uint32_t out[96];

    if (!run_ok(ptx, 32, out, sizeof(out))) {
        return;
    }
    for (unsigned l = 0; l < 32; l++) {
        unsigned n = (l + 1) & 31, j = 31 - l;

        CU_ASSERT_EQUAL(out[l], n >= 20 ? n + 1000 : n * 3);
        CU_ASSERT_EQUAL(out[32 + l], j >= 20 ? j + 1000 : j * 3);
        CU_ASSERT(bogus || out[64 + l] == FULL);
    }
}

/* Exits inside divergent code: a branch one of whose paths leaves
 * without passing the join (here to the ret) reconverges at the ret, its
 * immediate post-dominator, not at the join: the lanes at the join are
 * those the scheduler brings together (each side, the lowest pc first),
 * as before; the values stay right. */
static void test_exit_inside(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        "setp.lt.u32 %p1, %r2, 16;\n"
        "@%p1 bra $L__BB0_low;\n"
        "setp.eq.u32 %p2, %r2, 20;\n"
        "@%p2 bra $L__BB0_end;\n"
        "$L__BB0_join:\n"
        "activemask.b32 %r5;\n"
        "st.global.u32 [%rd4], %r5;\n"
        "$L__BB0_end:\n"
        "ret;\n"
        "$L__BB0_low:\n"
        "setp.eq.u32 %p3, %r2, 3;\n"
        "@%p3 bra $L__BB0_end;\n"
        "bra.uni $L__BB0_join;\n"
        "}\n";
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, 32, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (unsigned l = 0; l < 32; l++) {
        bool gone = l == 3 || l == 20;
        uint32_t side = l < 16 ? 0xffffu & ~(1u << 3)
                               : 0xffff0000u & ~(1u << 20);

        CU_ASSERT_EQUAL(out[l], gone ? 0 : side);
    }
}

/* Two warps; in each, the lower half meets the other warp's lower half
 * at a named barrier of 32 threads inside an if, and reads what it
 * wrote.  The upper halves reach the join first and wait there for
 * their lower halves, which the barrier brings back: the join sees the
 * whole warp. */
static void test_barrier_inside(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        ".shared .align 4 .b32 s[64];\n"
        "mov.u32 %r4, 0;\n"
        "setp.ge.u32 %p1, %r2, 16;\n"
        "@%p1 bra $L__BB0_join;\n"
        "mov.u64 %rd5, s;\n"
        "mul.wide.u32 %rd6, %r1, 4;\n"
        "add.s64 %rd6, %rd5, %rd6;\n"
        "add.s32 %r3, %r1, 500;\n"
        "st.shared.u32 [%rd6], %r3;\n"
        "bar.sync 1, 32;\n"
        "xor.b32 %r5, %r1, 32;\n"
        "mul.wide.u32 %rd6, %r5, 4;\n"
        "add.s64 %rd6, %rd5, %rd6;\n"
        "ld.shared.u32 %r4, [%rd6];\n"
        "$L__BB0_join:\n"
        "activemask.b32 %r6;\n"
        "st.global.u32 [%rd4], %r4;\n"
        "st.global.u32 [%rd4+256], %r6;\n"
        "ret;\n"
        "}\n";
    uint32_t out[128];

    if (!run_ok(ptx, 64, out, sizeof(out))) {
        return;
    }
    for (unsigned t = 0; t < 64; t++) {
        CU_ASSERT_EQUAL(out[t], (t & 31) < 16 ? (t ^ 32) + 500 : 0);
        CU_ASSERT(bogus || out[64 + t] == FULL);
    }
}

/* Two warps; in each, the odd and the even lanes reach the block's
 * barrier by two different bar.sync (the odd ones first) and go on
 * after their own: each lane says which, and reads its neighbour's
 * value.  The barrier releases a warp's lanes as one group only when
 * one instruction brought them all (bar_release). */
static void test_barrier_two_pcs(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        ".shared .align 4 .b32 s[64];\n"
        "mov.u64 %rd5, s;\n"
        "add.s64 %rd6, %rd5, %rd3;\n"
        "add.s32 %r3, %r1, 500;\n"
        "st.shared.u32 [%rd6], %r3;\n"
        "and.b32 %r5, %r1, 1;\n"
        "setp.eq.u32 %p1, %r5, 0;\n"
        "@%p1 bra $L__BB0_even;\n"
        "bar.sync 0;\n"
        "mov.u32 %r4, 1000;\n"
        "bra.uni $L__BB0_join;\n"
        "$L__BB0_even:\n"
        "bar.sync 0;\n"
        "mov.u32 %r4, 2000;\n"
        "$L__BB0_join:\n"
        "xor.b32 %r6, %r1, 1;\n"
        "mul.wide.u32 %rd7, %r6, 4;\n"
        "add.s64 %rd7, %rd5, %rd7;\n"
        "ld.shared.u32 %r7, [%rd7];\n"
        "add.s32 %r4, %r4, %r7;\n"
        "st.global.u32 [%rd4], %r4;\n"
        "ret;\n"
        "}\n";
    uint32_t out[64];

    if (!run_ok(ptx, 64, out, sizeof(out))) {
        return;
    }
    for (unsigned t = 0; t < 64; t++) {
        CU_ASSERT_EQUAL(out[t], ((t & 1) ? 1000 : 2000) + (t ^ 1) + 500);
    }
}

/* A recursion that each lane takes to its own depth (a real call, not
 * inlined): the lanes return to the call at different times and meet
 * at its return address, where activemask is the whole warp. */
static void test_call_return(void)
{
    static const char ptx[] =
        ".version 8.4\n.target sm_75\n.address_size 64\n"
        ".visible .func (.param .b32 func_retval0) _Z3sumi(\n"
        "\t.param .b32 _Z3sumi_param_0\n)\n{\n"
        "\t.reg .pred %p<2>;\n\t.reg .b32 %r<6>;\n"
        "\tld.param.u32 %r2, [_Z3sumi_param_0];\n"
        "\tmov.u32 %r5, 0;\n"
        "\tsetp.lt.s32 %p1, %r2, 1;\n"
        "\t@%p1 bra $L__BB0_2;\n"
        "\tadd.s32 %r3, %r2, -1;\n"
        "\t{ // callseq 0, 0\n"
        "\t.param .b32 param0;\n"
        "\tst.param.b32 [param0+0], %r3;\n"
        "\t.param .b32 retval0;\n"
        "\tcall.uni (retval0), _Z3sumi, (param0);\n"
        "\tld.param.b32 %r4, [retval0+0];\n"
        "\t} // callseq 0\n"
        "\tadd.s32 %r5, %r4, %r2;\n"
        "$L__BB0_2:\n"
        "\tst.param.b32 [func_retval0+0], %r5;\n"
        "\tret;\n}\n"
        ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n{\n"
        "\t.reg .b32 %r<8>;\n\t.reg .b64 %rd<8>;\n"
        "\tld.param.u64 %rd1, [k_out];\n"
        "\tcvta.to.global.u64 %rd2, %rd1;\n"
        "\tmov.u32 %r1, %tid.x;\n"
        "\tmul.wide.u32 %rd3, %r1, 4;\n"
        "\tadd.s64 %rd4, %rd2, %rd3;\n"
        "\t{ // callseq 1, 0\n"
        "\t.param .b32 param0;\n"
        "\tst.param.b32 [param0+0], %r1;\n"
        "\t.param .b32 retval0;\n"
        "\tcall.uni (retval0), _Z3sumi, (param0);\n"
        "\tld.param.b32 %r2, [retval0+0];\n"
        "\t} // callseq 1\n"
        "\tactivemask.b32 %r3;\n"
        "\tst.global.u32 [%rd4], %r2;\n"
        "\tst.global.u32 [%rd4+128], %r3;\n"
        "\tret;\n}\n";
    uint32_t out[64];

    if (!run_ok(ptx, 32, out, sizeof(out))) {
        return;
    }
    for (unsigned l = 0; l < 32; l++) {
        CU_ASSERT_EQUAL(out[l], l * (l + 1) / 2);
        CU_ASSERT(bogus || out[32 + l] == FULL);
    }
}

/* ---- the device's side: hand-assembled modules ---- */

/* A loop in which the lanes diverge twice per iteration at branches with
 * two reconvergence points that are never reached (after the exit),
 * meeting in between by the scheduler: each iteration pushes two
 * entries.  @join2: the second branch's point. */
static uint8_t *overflow_module(uint32_t join2, uint32_t *len)
{
    struct ka a;
    uint32_t b1, b2;

    ka_init(&a, 8);
    ka_param64(&a);
    ka_op(&a, GV_I_S2R, GV_T_U32, GV_SR_LANEID, 1, 0, 0, 0, 0);
    ka_op(&a, GV_I_AND, GV_T_U32, 0, 2, 1, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_EQ, 3, 2, ka_k(&a, 0), 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 4, ka_k(&a, 0), 0, 0, 0);
    b1 = ka_bra(&a, 6);                 /* 4 */
    ka_guard(&a, 3, false);
    ka_op(&a, GV_I_NOP, 0, 0, 0, 0, 0, 0, 0);
    b2 = ka_bra(&a, 8);                 /* 6 */
    ka_guard(&a, 3, false);
    ka_op(&a, GV_I_NOP, 0, 0, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 4, 4, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_LT, 5, 4, ka_k(&a, 100), 0, 0);
    ka_bra(&a, 4);                      /* 10: uniform */
    ka_guard(&a, 5, false);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_NOP, 0, 0, 0, 0, 0, 0, 0);  /* 12 */
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0); /* 13 */
    a.ins[b1].mod = GV_BRA_JOIN;
    a.ins[b1].d = 12;
    a.ins[b2].mod = GV_BRA_JOIN;
    a.ins[b2].d = (uint16_t)join2;
    a.ins[b2].a = (uint16_t)(join2 >> 16);
    return ka_build(&a, len);
}

/* Branches nested deeper than the stack: the launch faults cleanly with
 * compute.join_stack (and the device goes on: a good launch after it). */
static void test_stack_overflow(void)
{
    struct td *td = ptxr_kt()->td;
    uint64_t before = gv_dev_rule_hits(td->dev, GV_RULE_COMPUTE_JOIN_STACK);
    uint32_t len;
    uint8_t *img = overflow_module(13, &len);
    uint32_t out[96];
    char why[160];

    CU_ASSERT_EQUAL(gv_isa_check(img, len, why, sizeof(why)), 0);
    CU_ASSERT_EQUAL(ptxr_launch_module(img, len, 32), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(td->dev, GV_RULE_COMPUTE_JOIN_STACK),
                    before + 1);
    free(img);
    CU_ASSERT_EQUAL(ptxr_run(ptx_else_last, 32, out, sizeof(out), NULL, 0),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(out[0], FULL);
}

/* A reconvergence point outside its function, or on a branch that
 * cannot diverge: refused by both checkers, and at LAUNCH. */
static void test_bad_join(void)
{
    static const uint32_t bad[] = { 14, 0x10000 | 12, 0xffffffffu };
    struct td *td = ptxr_kt()->td;
    uint32_t len;
    uint8_t *img;
    char why[160];

    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        uint64_t before = gv_dev_rule_hits(td->dev,
                                           GV_RULE_LAUNCH_MODULE_INVALID);

        img = overflow_module(bad[k], &len);
        CU_ASSERT_NOT_EQUAL(gv_isa_check(img, len, why, sizeof(why)), 0);
        CU_ASSERT(strstr(why, "reconvergence point") != NULL);
        CU_ASSERT_NOT_EQUAL(gv_compute_check_module(img, len, why,
                                                    sizeof(why)), 0);
        CU_ASSERT(strstr(why, "reconvergence point") != NULL);
        CU_ASSERT_EQUAL(ptxr_launch_module(img, len, 32), GV_ERR_BAD_MODULE);
        CU_ASSERT_EQUAL(gv_dev_rule_hits(td->dev,
                                         GV_RULE_LAUNCH_MODULE_INVALID),
                        before + 1);
        free(img);
    }
    /* the last instruction (13) is inside: accepted */
    img = overflow_module(13, &len);
    CU_ASSERT_EQUAL(gv_compute_check_module(img, len, why, sizeof(why)), 0);
    free(img);
    /* GV_BRA_JOIN on an unconditional branch: an invalid modifier */
    {
        struct gv_insn x = { .op = GV_I_BRA, .mod = GV_BRA_JOIN };

        CU_ASSERT_EQUAL(gv_isa_form_check(&x), GV_FORM_MOD);
        x.guard = GV_G_ON;
        CU_ASSERT_EQUAL(gv_isa_form_check(&x), GV_FORM_OK);
        x.mod = 2;
        CU_ASSERT_EQUAL(gv_isa_form_check(&x), GV_FORM_MOD);
    }
}

/* Random reconvergence points (a guest may write any): every run ends,
 * with the same values (the points only decide which lanes run
 * together), or faults with compute.join_stack; never a hang or a
 * crash. */
static void test_bogus(void)
{
    for (uint32_t seed = 1; seed <= 40; seed++) {
        bogus = seed * 2654435761u;
        test_break();
        test_nested_break();
        test_sync_at_join();
        test_barrier_inside();
        test_barrier_two_pcs();
        test_call_return();
    }
    bogus = 0;
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "if/else, the else-block after the ret", test_else_last },
        { "a loop with a break inside an if", test_break },
        { "nested divergence", test_nested },
        { "a break out of an if in a loop", test_nested_break },
        { "bar.warp.sync and shfl.sync at the join", test_sync_at_join },
        { "an exit inside divergent code", test_exit_inside },
        { "a named barrier inside an if", test_barrier_inside },
        { "one barrier by two instructions", test_barrier_two_pcs },
        { "a recursion to each lane's depth", test_call_return },
        { "random reconvergence points: same values", test_bogus },
        { "a reconvergence stack overflow faults", test_stack_overflow },
        { "a bad reconvergence point is refused", test_bad_join },
        { NULL, NULL }
    };

    return gv_add_suite("reconv", ptxr_setup, ptxr_teardown, tests);
}
