/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Warp-synchronous instructions in divergent code (docs/compute.md,
 * "Divergence and reconvergence"; PTX ISA 9.0, "shfl.sync", "vote.sync",
 * "bar.warp.sync"): the lanes of a member mask meet at their own
 * instructions, each with its own operands, from whichever branch they
 * come.  The kernels of warp_sync.cu (clang's PTX, built at test time)
 * and hand-written PTX in nvcc's style, each against a CPU reference of
 * the PTX semantics; sets that can never complete fault with
 * compute.warp_sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_testdev.h"
#include "graviton/gv_rules.h"
#include "ptx_run.h"

#define WS_WORDS 4 /* as warp_sync.cu */
#define NT 64      /* threads: two warps */
#define FULL 0xffffffffu

static uint8_t *ws_img;
static size_t ws_len;

/* Translate warp_sync.cu's PTX once per test (the harness's device is
 * fresh each time). */
static void load_ws(void)
{
    const char *path = getenv("GV_WS_PTX");
    char *text;

    if (ws_img) {
        return;
    }
    text = ptxr_read_file(path ? path : "warp_sync.ptx");
    ws_img = ptxr_translate(text, &ws_len);
    free(text);
    CU_ASSERT_FATAL(ws_img != NULL);
}

static void teardown(void)
{
    free(ws_img);
    ws_img = NULL;
    ptxr_teardown();
}

/* The inputs: both sides of every branch taken in each warp. */
static void inputs(uint32_t *in)
{
    for (unsigned t = 0; t < NT; t++) {
        in[t] = ptxr_rnd32() & 0xffff;
    }
    in[3] = 77;
    in[40] = 30; /* v % 5 == 0 and v % 3 == 0 */
}

/* Run kernel @entry of warp_sync.cu on @in; @out (NT * WS_WORDS words). */
static int run_ws(const char *entry, const uint32_t *in, uint32_t *out)
{
    struct kt *k = ptxr_kt();
    uint64_t p[3];
    int rc;

    load_ws();
    kt_out_in(k, p, NT * WS_WORDS * 4, in, NT * 4);
    p[2] = kt_alloc(k, 4 * NT * 4); /* side */
    rc = ptxr_launch(ws_img, ws_len, entry, NT, p, sizeof(p));
    kt_read(k, p[0], out, NT * WS_WORDS * 4);
    return rc;
}

/* Count the mismatches of word @w of each thread against @ref. */
static unsigned diff(const uint32_t *out, const uint32_t *ref, unsigned w,
                     const char *what)
{
    unsigned bad = 0;

    for (unsigned t = 0; t < NT; t++) {
        if (out[t * WS_WORDS + w] != ref[t]) {
            if (bad++ < 4) {
                fprintf(stderr,
                        "\n    %s: thread %u word %u: 0x%x, "
                        "expected 0x%x",
                        what, t, w, out[t * WS_WORDS + w], ref[t]);
            }
        }
    }
    return bad;
}

/* if/else, both sides __shfl_sync(FULL): each lane reads the value its
 * source lane supplied at its own shuffle. */
static void test_shfl(void)
{
    uint32_t in[NT], out[NT * WS_WORDS], ref[NT];

    for (int round = 0; round < 4; round++) {
        inputs(in);
        CU_ASSERT_EQUAL_FATAL(run_ws("ws_shfl", in, out), GV_ERR_NONE);
        for (unsigned t = 0; t < NT; t++) {
            unsigned l = t & 31, b = t & ~31u;
            unsigned j = b + ((in[t] & 1) ? ((l + 5) & 31) : 31 - l);

            ref[t] = (in[j] & 1) ? in[j] * 3 + 1 : in[j] ^ 0x55;
        }
        CU_ASSERT_EQUAL(diff(out, ref, 0, "ws_shfl"), 0);
    }
}

/* __ballot_sync / __all_sync / __any_sync in divergent branches. */
static void test_vote(void)
{
    uint32_t in[NT], out[NT * WS_WORDS], ref[3][NT];

    for (int round = 0; round < 4; round++) {
        inputs(in);
        CU_ASSERT_EQUAL_FATAL(run_ws("ws_vote", in, out), GV_ERR_NONE);
        for (unsigned w = 0; w < NT / 32; w++) {
            uint32_t ballot = 0, all = 1, any = 0;

            for (unsigned l = 0; l < 32; l++) {
                uint32_t v = in[w * 32 + l];
                bool a = v % 3 == 0;

                ballot |= (uint32_t)((a ? v & 4 : v & 8) != 0) << l;
                all &= a ? v > 5 : v > 1;
                any |= v == 77;
            }
            for (unsigned l = 0; l < 32; l++) {
                ref[0][w * 32 + l] = ballot;
                ref[1][w * 32 + l] = all;
                ref[2][w * 32 + l] = any;
            }
        }
        CU_ASSERT_EQUAL(diff(out, ref[0], 0, "ballot"), 0);
        CU_ASSERT_EQUAL(diff(out, ref[1], 1, "all"), 0);
        CU_ASSERT_EQUAL(diff(out, ref[2], 2, "any"), 0);
    }
}

/* __syncwarp between divergent writes to shared memory and reads of the
 * neighbour's value, inside the branches. */
static void test_syncwarp(void)
{
    uint32_t in[NT], out[NT * WS_WORDS], ref[NT];

    for (int round = 0; round < 4; round++) {
        inputs(in);
        CU_ASSERT_EQUAL_FATAL(run_ws("ws_syncwarp", in, out), GV_ERR_NONE);
        for (unsigned t = 0; t < NT; t++) {
            uint32_t u = in[t ^ 1], s = (u & 1) ? u * 7 : u + 100;

            ref[t] = (in[t] & 1) ? s + 1 : s * 2;
        }
        CU_ASSERT_EQUAL(diff(out, ref, 0, "ws_syncwarp"), 0);
    }
}

/* A mask of the lower half, met from two branches while the upper half
 * votes with its own mask elsewhere. */
static void test_half(void)
{
    uint32_t in[NT], out[NT * WS_WORDS], ref[NT];

    for (int round = 0; round < 4; round++) {
        inputs(in);
        CU_ASSERT_EQUAL_FATAL(run_ws("ws_half", in, out), GV_ERR_NONE);
        for (unsigned t = 0; t < NT; t++) {
            unsigned l = t & 31, b = t & ~31u, j;

            if (l < 16) {
                j = b + ((in[t] & 1) ? (l ^ 3) : ((l + 1) & 15));
                ref[t] = (in[j] & 1) ? in[j] : in[j] + 1000;
            } else {
                ref[t] = 0;
                for (unsigned k = 16; k < 32; k++) {
                    ref[t] |= (uint32_t)((in[b + k] & 2) != 0) << k;
                }
            }
        }
        CU_ASSERT_EQUAL(diff(out, ref, 0, "ws_half"), 0);
    }
}

/* Lanes that exit while the others wait at a full-mask ballot: the set
 * completes without them. */
static void test_exit(void)
{
    uint32_t in[NT], out[NT * WS_WORDS], ref[2][NT];

    for (int round = 0; round < 4; round++) {
        inputs(in);
        CU_ASSERT_EQUAL_FATAL(run_ws("ws_exit", in, out), GV_ERR_NONE);
        for (unsigned w = 0; w < NT / 32; w++) {
            uint32_t ballot = 0;

            for (unsigned l = 0; l < 32; l++) {
                uint32_t v = in[w * 32 + l];

                if (v % 5) {
                    ballot |= (uint32_t)(((v & 1) ? v & 2 : v & 4) != 0) << l;
                }
            }
            for (unsigned l = 0; l < 32; l++) {
                bool gone = in[w * 32 + l] % 5 == 0;

                ref[0][w * 32 + l] = gone ? 0 : ballot;
                ref[1][w * 32 + l] = gone ? 0 : l + 1;
            }
        }
        CU_ASSERT_EQUAL(diff(out, ref[0], 0, "ws_exit ballot"), 0);
        CU_ASSERT_EQUAL(diff(out, ref[1], 1, "ws_exit lanes"), 0);
    }
}

/* ---- hand-written PTX (nvcc's style) ---- */

/* The lanes that branch forward reach their shuffle last, one lane
 * exits on the way: the waiting set is completed by a shuffle from a
 * higher pc, each lane with its own source lane and value. */
static void test_ptx_order(void)
{
    static const char ptx[] = PTXR_LANE_HEAD
        "setp.ge.u32 %p1, %r2, 20;\n"
        "@%p1 bra $Lhigh;\n"
        "add.u32 %r3, %r2, 100;\n"
        "shfl.sync.bfly.b32 %r4, %r3, 4, 31, -1;\n"
        "bra.uni $Ljoin;\n"
        "$Lhigh:\n"
        "setp.eq.u32 %p2, %r2, 25;\n"
        "@%p2 bra $Lout;\n"
        "mul.lo.u32 %r3, %r2, 3;\n"
        "shfl.sync.bfly.b32 %r4, %r3, 4, 31, -1;\n"
        "$Ljoin:\n"
        "st.global.u32 [%rd4], %r4;\n"
        "$Lout:\n"
        "ret;\n}\n";
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, 32, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (unsigned l = 0; l < 32; l++) {
        unsigned j = l ^ 4;
        uint32_t want = j < 20 ? j + 100 : j * 3;

        if (l == 25) {
            want = 0; /* exited: no store */
        } else if (j == 25) {
            continue; /* an exited source: undefined */
        }
        CU_ASSERT_EQUAL(out[l], want);
    }
}

/* bar.warp.sync -1 in both branches of an if/else, between a shared
 * write and a read of the neighbour's value; after the rendezvous the
 * warp reconverges at the join. */
static void test_ptx_bar_warp(void)
{
    static const char ptx[] = PTXR_LANE_HEAD ".shared .align 4 .b32 s[32];\n"
                                             "mov.u64 %rd5, s;\n"
                                             "mul.wide.u32 %rd6, %r2, 4;\n"
                                             "add.s64 %rd5, %rd5, %rd6;\n"
                                             "xor.b32 %r5, %r2, 1;\n"
                                             "mul.wide.u32 %rd6, %r5, 4;\n"
                                             "mov.u64 %rd7, s;\n"
                                             "add.s64 %rd7, %rd7, %rd6;\n"
                                             "and.b32 %r6, %r2, 1;\n"
                                             "setp.eq.u32 %p1, %r6, 1;\n"
                                             "@%p1 bra $Lodd;\n"
                                             "st.shared.u32 [%rd5], %r2;\n"
                                             "bar.warp.sync -1;\n"
                                             "ld.shared.u32 %r7, [%rd7];\n"
                                             "bra.uni $Ljoin;\n"
                                             "$Lodd:\n"
                                             "mul.lo.u32 %r8, %r2, 10;\n"
                                             "st.shared.u32 [%rd5], %r8;\n"
                                             "bar.warp.sync -1;\n"
                                             "ld.shared.u32 %r7, [%rd7];\n"
                                             "$Ljoin:\n"
                                             "activemask.b32 %r9;\n"
                                             "st.global.u32 [%rd4], %r7;\n"
                                             "st.global.u32 [%rd4+128], %r9;\n"
                                             "ret;\n}\n";
    uint32_t out[64];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, 32, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (unsigned l = 0; l < 32; l++) {
        unsigned j = l ^ 1;

        CU_ASSERT_EQUAL(out[l], (j & 1) ? j * 10 : j);
        /* the warp reconverged at the join (docs/compute.md) */
        CU_ASSERT_EQUAL(out[32 + l], FULL);
    }
}

/* A set that can never complete faults with compute.warp_sync: @body
 * after the prologue, on one warp. */
static void expect_stuck(const char *body)
{
    char ptx[2048];
    uint32_t out[32];
    struct td *td = ptxr_kt()->td;
    uint64_t before = gv_dev_rule_hits(td->dev, GV_RULE_COMPUTE_WARP_SYNC);

    snprintf(ptx, sizeof(ptx), "%s%s", PTXR_LANE_HEAD, body);
    CU_ASSERT_EQUAL(ptxr_run(ptx, 32, out, sizeof(out), NULL, 0),
                    GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(td->dev, GV_RULE_COMPUTE_WARP_SYNC),
                    before + 1);
}

static void test_ptx_deadlock(void)
{
    /* half the warp waits at a shuffle for lanes at a block barrier that
     * waits for them */
    expect_stuck("setp.lt.u32 %p1, %r2, 16;\n"
                 "@%p1 bra $La;\n"
                 "shfl.sync.idx.b32 %r3, %r2, 0, 31, -1;\n"
                 "bar.sync 0;\n"
                 "bra.uni $Lend;\n"
                 "$La:\n"
                 "bar.sync 0;\n"
                 "shfl.sync.idx.b32 %r3, %r2, 0, 31, -1;\n"
                 "$Lend:\n"
                 "st.global.u32 [%rd4], %r3;\n"
                 "ret;\n}\n");
    /* the two halves meet at different votes with one mask (undefined in
     * PTX): they do not meet */
    expect_stuck("setp.lt.u32 %p1, %r2, 16;\n"
                 "@%p1 bra $La;\n"
                 "vote.sync.ballot.b32 %r3, %p1, -1;\n"
                 "bra.uni $Lend;\n"
                 "$La:\n"
                 "vote.sync.any.pred %p2, %p1, -1;\n"
                 "selp.u32 %r3, 1, 0, %p2;\n"
                 "$Lend:\n"
                 "st.global.u32 [%rd4], %r3;\n"
                 "ret;\n}\n");
    /* bar.warp.sync in one branch, a shuffle with its mask in the
     * other */
    expect_stuck("setp.lt.u32 %p1, %r2, 16;\n"
                 "@%p1 bra $La;\n"
                 "bar.warp.sync -1;\n"
                 "bra.uni $Lend;\n"
                 "$La:\n"
                 "shfl.sync.idx.b32 %r3, %r2, 0, 31, -1;\n"
                 "$Lend:\n"
                 "ret;\n}\n");
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "if/else, __shfl_sync on both sides", test_shfl },
        { "ballot, all, any in divergent branches", test_vote },
        { "__syncwarp between divergent shared writes and reads",
          test_syncwarp },
        { "a half-warp mask, the other half elsewhere", test_half },
        { "lanes exiting while others wait", test_exit },
        { "PTX: arrival from a higher pc, an exit", test_ptx_order },
        { "PTX: bar.warp.sync in both branches", test_ptx_bar_warp },
        { "PTX: sets that never complete fault", test_ptx_deadlock },
        { NULL, NULL }
    };

    return gv_add_suite("warp-sync", ptxr_setup, teardown, tests);
}
