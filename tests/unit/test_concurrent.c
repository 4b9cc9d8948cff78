/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of concurrent kernels (docs/compute.md, "Concurrent
 * kernels"), on devices that complete launches asynchronously as in QEMU:
 *
 * - two contexts' kernels, and two streams (channels) of one context,
 *   are in flight at once: each kernel says it has started, then spins
 *   (a bounded loop) on a word of its own memory that the host sets only
 *   once it has seen both kernels start; one launch at a time never gets
 *   there (the first kernel's loop runs out first);
 * - a faulting kernel and an endless one (ended by the watchdog) in
 *   context A do not disturb context B's kernel: it completes, correctly,
 *   while A's endless kernel still runs; only A's channels get the errors;
 * - the device reset and CH_DESTROY while launches run or are kept.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cunit_main.h"
#include "gv_ktest.h"
#include "graviton/gv_rules.h"

#define VRAM (64ull << 20)
#define UNPROT (16ull << 20)
#define PROT (40ull << 20)

/* Iterations of the handshake kernel's wait: seconds of the engine's
 * time, long enough that both kernels start while the first waits, if
 * they can run at once. */
#define SPIN_MAX (1u << 27)
/* The work kernel's loop, per thread. */
#define WORK_ITERS 2000u

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct td *async_dev(uint32_t timeout_ms)
{
    struct td *t;

    td_async = true;
    td_launch_timeout_ms = timeout_ms;
    t = td_new(VRAM, UNPROT, PROT, false);
    td_async = false;
    td_launch_timeout_ms = 0;
    return t;
}

static uint32_t get_of(struct td *t, unsigned chid)
{
    return td_rd(t, GV_REG_CHAN(chid, GV_CHAN_GET));
}

static bool running(struct td *t, unsigned chid)
{
    return get_of(t, chid) != t->put[chid];
}

/* Channel @chid as a second stream of @of's context: the same memory at
 * the same addresses (allocate through @of only). */
static void kt_stream(struct kt *k, const struct kt *of, unsigned chid)
{
    struct td *t = of->td;
    uint64_t npages = of->size / GV_PAGE_SIZE;
    uint64_t *ptes = calloc(npages, sizeof(*ptes));
    unsigned pgdi = KT_VA_BASE >> GV_PDE_SHIFT;

    *k = *of;
    k->chid = chid;
    CU_ASSERT_FATAL(ptes && npages <= GV_PTE_MAX_COUNT);
    CU_ASSERT_FATAL(td_create_normal(t, chid, of->chid) == GV_ERR_NONE);
    td_table(t, chid, pgdi, false);
    for (uint64_t i = 0; i < npages; i++) {
        ptes[i] = (of->pa + i * GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    CU_ASSERT_FATAL(td_pte(t, chid, pgdi, 0, (unsigned)npages, ptes, false,
                           NULL, NULL) == GV_ERR_NONE);
    free(ptes);
}

/*
 * The handshake kernel (one thread), parameters (started, flag, out):
 *   [started] = 1; n = 0;
 *   do { v = [flag]; n++; } while (v == 0 && n < SPIN_MAX);
 *   out[0] = v; out[1] = n;
 */
static uint8_t *mod_handshake(uint32_t *len)
{
    struct ka a;
    uint32_t ps, pf, po, loop, to_done;

    ka_init(&a, 8);
    ps = ka_param64(&a);
    pf = ka_param64(&a);
    po = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 2, ka_k(&a, ps), 0, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 3, ka_k(&a, pf), 0, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 4, ka_k(&a, po), 0, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 2, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 1, ka_k(&a, 0), 0, 0, 0);
    loop = ka_op(&a, GV_I_LD, GV_T_U32, GV_SPACE_GLOBAL, 0, 3, 0, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 1, 1, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_NE, 5, 0, ka_k(&a, 0), 0, 0);
    to_done = ka_bra(&a, 0);
    ka_guard(&a, 5, false);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_LT, 6, 1, ka_k(&a, SPIN_MAX), 0, 0);
    ka_bra(&a, loop);
    ka_guard(&a, 6, false);
    ka_patch(&a, to_done,
             ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 4, 0, 0, 0));
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 4, 1, 0, 4);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

/* A kernel that never ends. */
static uint8_t *mod_endless(uint32_t *len)
{
    struct ka a;
    uint32_t loop;

    ka_init(&a, 2);
    loop = ka_op(&a, GV_I_ADD, GV_T_U32, 0, 0, 0, ka_k(&a, 1), 0, 0);
    ka_bra(&a, loop);
    return ka_build(&a, len);
}

/* A kernel that stores to an unmapped page. */
static uint8_t *mod_fault(uint32_t *len)
{
    struct ka a;

    ka_init(&a, 2);
    ka_op(&a, GV_I_MOV, GV_T_U64, 0, 0, ka_k(&a, 0x7ff000000ull), 0, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 0, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

/* Work with a checkable result, parameter out:
 *   out[gid] = sum over i < WORK_ITERS of (i ^ gid)  (mod 2^32) */
static uint8_t *mod_work(uint32_t *len)
{
    struct ka a;
    uint32_t p, loop;

    ka_init(&a, 12);
    p = ka_param64(&a);
    ka_gid(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 4, ka_k(&a, p), 0, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 5, ka_k(&a, 0), 0, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 6, ka_k(&a, 0), 0, 0, 0);
    loop = ka_op(&a, GV_I_XOR, GV_T_U32, 0, 7, 6, 3, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 5, 5, 7, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 6, 6, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_LT, 8, 6, ka_k(&a, WORK_ITERS), 0,
          0);
    ka_bra(&a, loop);
    ka_guard(&a, 8, false);
    ka_st_u32_at(&a, 4, 3, 5, 9);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static uint32_t work_expect(uint32_t gid)
{
    uint32_t s = 0;

    for (uint32_t i = 0; i < WORK_ITERS; i++) {
        s += i ^ gid;
    }
    return s;
}

/* One handshake launch: its words, in @k's memory. */
struct hs {
    struct kt *k;
    uint64_t started, flag, out;
    uint64_t params[3];
};

static void hs_init(struct hs *h, struct kt *alloc, struct kt *k)
{
    h->k = k;
    h->started = kt_alloc(alloc, 8);
    h->flag = kt_alloc(alloc, 8);
    h->out = kt_alloc(alloc, 8);
    h->params[0] = h->started;
    h->params[1] = h->flag;
    h->params[2] = h->out;
}

/* Load the handshake module @img into @h's context and submit its
 * launch there, as asynchronous submission @n. */
static void hs_submit(struct td *t, struct hs *h, const uint8_t *img,
                      uint32_t len, unsigned n)
{
    uint8_t buf[256];
    struct kt_launch l = { .module_va = kt_load(h->k, img, len),
                           .module_size = len,
                           .params = h->params,
                           .param_size = 24 };

    td_submit_async(t, h->k->chid, buf, kt_launch_cmd(&l, buf), n);
}

/* Contexts A (channel 1) and B (channel 2), 64 KiB each. */
static void two_contexts(struct td *t, struct kt *ka, struct kt *kb)
{
    kt_init(ka, t, 1, NULL, 64 << 10, true);
    kt_init(kb, t, 2, NULL, 64 << 10, true);
}

static uint32_t rd32(struct kt *k, uint64_t va)
{
    uint32_t v = 0;

    kt_read(k, va, &v, 4);
    return v;
}

/*
 * Two handshake kernels, on channels @ka and @kb: both must be seen
 * started (and neither ended) before either is let go; then both see
 * their flag, not the end of their loop.
 */
static void handshake(struct td *t, struct kt *ka, struct kt *kb,
                      struct kt *alloc_b)
{
    uint32_t len, seven = 7;
    uint8_t *img = mod_handshake(&len), buf[256];
    uint64_t ma = kt_load(ka, img, len), mb = kt_load(alloc_b, img, len);
    struct hs a, b;
    bool both = false;

    hs_init(&a, ka, ka);
    hs_init(&b, alloc_b, kb);
    struct kt_launch la = { .module_va = ma,
                            .module_size = len,
                            .params = a.params,
                            .param_size = 24 };
    struct kt_launch lb = { .module_va = mb,
                            .module_size = len,
                            .params = b.params,
                            .param_size = 24 };

    td_submit_async(t, ka->chid, buf, kt_launch_cmd(&la, buf), 0);
    td_submit_async(t, kb->chid, buf, kt_launch_cmd(&lb, buf), 1);
    for (uint64_t t0 = now_ms(); now_ms() - t0 < 60000;) {
        if (rd32(ka, a.started) && rd32(kb, b.started)) {
            /* neither has ended: both are in flight at once */
            both = running(t, ka->chid) && running(t, kb->chid);
            break;
        }
        if (!running(t, ka->chid) || !running(t, kb->chid)) {
            break; /* one ran out of its loop: serialised */
        }
        usleep(1000);
    }
    CU_ASSERT(both);
    kt_write(ka, a.flag, &seven, 4);
    kt_write(kb, b.flag, &seven, 4);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, ka->chid, 120000), 0);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, kb->chid, 120000), 0);
    CU_ASSERT_EQUAL(rd32(ka, a.out), 7); /* saw the flag */
    CU_ASSERT_EQUAL(rd32(kb, b.out), 7);
    CU_ASSERT(rd32(ka, a.out + 4) < SPIN_MAX);
    CU_ASSERT(gv_dev_compute_max_concurrent(t->dev) >= 2);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_COUNT), 0);
    free(img);
}

/* Two contexts' kernels in flight at once. */
static void test_two_contexts(void)
{
    struct td *t = async_dev(0);
    struct kt ka, kb;

    two_contexts(t, &ka, &kb);
    CU_ASSERT_EQUAL(gv_dev_compute_max_concurrent(t->dev), 0);
    handshake(t, &ka, &kb, &kb);
    td_check(t);
    td_free(t);
}

/* Two streams (channels) of one context: the same. */
static void test_two_streams(void)
{
    struct td *t = async_dev(0);
    struct kt ka, ka2;

    kt_init(&ka, t, 1, NULL, 64 << 10, true);
    kt_stream(&ka2, &ka, 3);
    handshake(t, &ka, &ka2, &ka);
    td_check(t);
    td_free(t);
}

/* Channel STATUS with the error bit? */
static bool chan_error(struct td *t, unsigned chid)
{
    return td_rd(t, GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR;
}

/*
 * Context A runs an endless kernel (on every SM: more blocks than SMs)
 * and, on a second stream, a faulting one; context B's kernel, submitted
 * after both, completes with the right results while A's endless kernel
 * still runs.  Then the watchdog ends A's kernel, and only it.
 */
static void test_offender_alone(void)
{
    const uint32_t timeout_ms = 5000, nb = 8, nt = 64;
    struct td *t = async_dev(timeout_ms);
    struct kt ka, ka2, kb;
    uint32_t le, lf, lw, out[8 * 64];
    uint8_t *ie = mod_endless(&le), *ifa = mod_fault(&lf), *iw = mod_work(&lw),
            buf[256];
    uint64_t me, mf, mw, wout, t0, ta, tb;
    uint64_t dog = gv_dev_rule_hits(t->dev, GV_RULE_COMPUTE_WATCHDOG);

    kt_init(&ka, t, 1, NULL, 64 << 10, true);
    kt_stream(&ka2, &ka, 3);
    kt_init(&kb, t, 2, NULL, 64 << 10, true);
    me = kt_load(&ka, ie, le);
    mf = kt_load(&ka, ifa, lf);
    mw = kt_load(&kb, iw, lw);
    wout = kt_alloc(&kb, sizeof(out));

    struct kt_launch lend = { .module_va = me,
                              .module_size = le,
                              .grid = { 64 },
                              .block = { 32 } };
    struct kt_launch lfault = { .module_va = mf, .module_size = lf };
    struct kt_launch lwork = { .module_va = mw,
                               .module_size = lw,
                               .grid = { nb },
                               .block = { nt },
                               .params = &wout,
                               .param_size = 8 };

    t0 = now_ms();
    td_submit_async(t, 1, buf, kt_launch_cmd(&lend, buf), 0);
    td_submit_async(t, 3, buf, kt_launch_cmd(&lfault, buf), 1);
    td_submit_async(t, 2, buf, kt_launch_cmd(&lwork, buf), 2);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 2, 60000), 0);
    tb = now_ms() - t0;
    /* B is done, right, without an error, and A's kernel still runs */
    CU_ASSERT(running(t, 1));
    CU_ASSERT(tb < timeout_ms);
    kt_read(&kb, wout, out, sizeof(out));
    for (uint32_t g = 0; g < nb * nt; g++) {
        if (out[g] != work_expect(g)) {
            CU_FAIL("context B's result");
            break;
        }
    }
    CU_ASSERT(!chan_error(t, 2));
    /* the fault stopped only A's second stream */
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 3, 60000), 0);
    CU_ASSERT(chan_error(t, 3));
    /* the watchdog ends A's endless kernel */
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 1, 60000), 0);
    ta = now_ms() - t0;
    CU_ASSERT(ta >= timeout_ms);
    fprintf(stderr,
            "\n    context B's kernel done after %" PRIu64 " ms "
            "beside context A's endless one; A's ended by the watchdog "
            "after %" PRIu64 " ms\n",
            tb, ta);
    CU_ASSERT(chan_error(t, 1));
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_CHID), 1);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_CODE), GV_ERR_TIMEOUT);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(t->dev, GV_RULE_COMPUTE_WATCHDOG),
                    dog + 1);
    CU_ASSERT(!chan_error(t, 2));
    CU_ASSERT(gv_dev_compute_max_concurrent(t->dev) >= 2);
    /* B's channel goes on working */
    memset(out, 0, sizeof(out));
    kt_write(&kb, wout, out, sizeof(out));
    td_submit_async(t, 2, buf, kt_launch_cmd(&lwork, buf), 3);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 2, 60000), 0);
    kt_read(&kb, wout, out, sizeof(out));
    CU_ASSERT_EQUAL(out[nb * nt - 1], work_expect(nb * nt - 1));
    td_check(t);
    td_free(t);
    free(ie);
    free(ifa);
    free(iw);
}

/* A reset while two contexts' endless kernels run stops both, cleanly
 * (the sanitizers watch the engine's memory and threads). */
static void test_reset_while_running(void)
{
    struct td *t = async_dev(0);
    struct kt ka, kb;
    uint32_t le;
    uint8_t *ie = mod_endless(&le), buf[256];

    two_contexts(t, &ka, &kb);

    struct kt_launch la = { .module_va = kt_load(&ka, ie, le),
                            .module_size = le,
                            .grid = { 4 } };
    struct kt_launch lb = { .module_va = kt_load(&kb, ie, le),
                            .module_size = le,
                            .grid = { 4 } };

    td_submit_async(t, 1, buf, kt_launch_cmd(&la, buf), 0);
    td_submit_async(t, 2, buf, kt_launch_cmd(&lb, buf), 1);
    usleep(20000);
    CU_ASSERT(running(t, 1) && running(t, 2));
    gv_dev_reset(t->dev);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_CHAN(1, GV_CHAN_STATUS)), 0);
    /* a poll after the reset (the engine's late call) finds nothing */
    gv_dev_engine_poll(t->dev);
    td_free(t);
    free(ie);
}

/*
 * CH_DESTROY of a channel whose launching group is kept (a bootstrap
 * ring waits for the engine, so no launch starts): when the running
 * launch ends the bootstrap ring runs first, the destroy drops the kept
 * group (nothing of it runs; the sanitizers see it freed), and the other
 * channels go on.
 */
static void test_destroy_kept(void)
{
    struct td *t = async_dev(0);
    struct kt ka, kb;
    uint32_t lh, lw, out[64], seven = 7;
    uint8_t *ih = mod_handshake(&lh), *iw = mod_work(&lw), buf[256];
    uint64_t wb;
    struct hs a;
    struct gv_cmd_ch_destroy d = { .hdr = { GV_OP_CH_DESTROY, sizeof(d) },
                                   .chid = 2 };

    two_contexts(t, &ka, &kb);
    hs_init(&a, &ka, &ka);
    wb = kt_alloc(&kb, sizeof(out));

    struct kt_launch lb = { .module_va = kt_load(&kb, iw, lw),
                            .module_size = lw,
                            .block = { 64 },
                            .params = &wb,
                            .param_size = 8 };

    hs_submit(t, &a, ih, lh, 0);
    td_submit_async(t, TD_BOOT_CHID, &d, sizeof(d), 1);
    td_submit_async(t, 2, buf, kt_launch_cmd(&lb, buf), 2);
    CU_ASSERT(running(t, TD_BOOT_CHID)); /* waits for the engine */
    CU_ASSERT(running(t, 2));            /* kept */
    kt_write(&ka, a.flag, &seven, 4);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 1, 60000), 0);
    CU_ASSERT_EQUAL(rd32(&ka, a.out), 7);
    CU_ASSERT_EQUAL(get_of(t, TD_BOOT_CHID), t->put[TD_BOOT_CHID]);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_CHAN(2, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_COUNT), 0);
    /* nothing of the kept launch ran (channel 2's pages are scrubbed
     * anyway: read what the destroy left, all zero) */
    kt_read(&kb, wb, out, sizeof(out));
    CU_ASSERT_EQUAL(out[63], 0);
    td_check(t);
    td_free(t);
    free(ih);
    free(iw);
}

/*
 * The module cache (8 entries) evicts a module whose launch still runs:
 * context A's kernel waits while context B launches nine other modules;
 * A's kernel then goes on, from its module (held by the launch, freed by
 * it: ASan sees a use after free otherwise).
 */
static void test_module_evicted_in_use(void)
{
    struct td *t = async_dev(0);
    struct kt ka, kb;
    uint32_t lh, lg, gids[32], seven = 7;
    uint8_t *ih = mod_handshake(&lh), *ig = ka_store_gid(&lg), buf[256];
    uint64_t out;
    struct hs a;

    two_contexts(t, &ka, &kb);
    hs_init(&a, &ka, &ka);
    out = kt_alloc(&kb, sizeof(gids));
    hs_submit(t, &a, ih, lh, 0);
    for (unsigned m = 0; m < 9; m++) {
        struct kt_launch lb = { .module_va = kt_load(&kb, ig, lg),
                                .module_size = lg,
                                .block = { 32 },
                                .params = &out,
                                .param_size = 8 };

        memset(gids, 0, sizeof(gids));
        kt_write(&kb, out, gids, sizeof(gids));
        td_submit_async(t, 2, buf, kt_launch_cmd(&lb, buf), 1 + m);
        CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 2, 60000), 0);
        kt_read(&kb, out, gids, sizeof(gids));
        CU_ASSERT_EQUAL(gids[31], 31);
    }
    CU_ASSERT(running(t, 1));
    kt_write(&ka, a.flag, &seven, 4);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t, 1, 60000), 0);
    CU_ASSERT_EQUAL(rd32(&ka, a.out), 7);
    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_COUNT), 0);
    td_check(t);
    td_free(t);
    free(ih);
    free(ig);
}

/*
 * Every block of a grid runs once, on devices of 1 to 3 SMs: the SMs take
 * blocks from the launch's counter in runs (gv_sched.c, claim_block), and
 * a run that skipped, repeated or passed the grid's last block would show
 * here.  Each thread adds 1 to out[ctaid.x]; 64 words past the grid
 * must stay 0.
 */
static uint8_t *mod_count_blocks(uint32_t *len)
{
    struct ka a;
    uint32_t p;

    ka_init(&a, 4);
    p = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p), 0, 0, 0);
    ka_op(&a, GV_I_S2R, GV_T_U32, GV_SR_CTAID_X, 1, 0, 0, 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 2, 1, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 3, 0, 2, 0, 0);
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_ADD << 4,
          GV_ISA_NONE, 3, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static void test_every_block_once(void)
{
    static const uint32_t grids[] = {
        1, 2, 3, 17, 31, 33, 100, 257, 1000, 4097
    };
    const uint32_t most = 4097 + 64, threads = 40;
    uint32_t len, *got = malloc(most * 4);
    uint8_t *img = mod_count_blocks(&len);

    CU_ASSERT_FATAL(got != NULL);
    for (unsigned sms = 1; sms <= 3; sms++) {
        struct td *t;
        struct kt k;
        uint64_t out, mva;

        td_compute_sms = sms;
        t = td_new(VRAM, UNPROT, PROT, false);
        td_compute_sms = 0;
        kt_init(&k, t, 1, NULL, 1 << 20, true);
        mva = kt_load(&k, img, len);
        out = kt_alloc(&k, most * 4);
        for (size_t g = 0; g < sizeof(grids) / sizeof(grids[0]); g++) {
            struct kt_launch l = { .module_va = mva,
                                   .module_size = len,
                                   .grid = { grids[g] },
                                   .block = { threads },
                                   .params = &out,
                                   .param_size = 8 };
            uint32_t bad = 0;

            memset(got, 0, most * 4);
            kt_write(&k, out, got, most * 4);
            CU_ASSERT_EQUAL_FATAL(kt_launch(&k, &l), GV_ERR_NONE);
            kt_read(&k, out, got, most * 4);
            for (uint32_t b = 0; b < grids[g] + 64; b++) {
                bad += got[b] != (b < grids[g] ? threads : 0);
            }
            if (bad) {
                fprintf(stderr,
                        "%u SMs, grid %u: %u blocks ran a wrong "
                        "number of times\n",
                        sms, grids[g], bad);
                CU_FAIL("a block ran twice, never, or past the grid");
            }
        }
        td_check(t);
        td_free(t);
    }
    free(got);
    free(img);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "two contexts' kernels in flight at once", test_two_contexts },
        { "two streams of one context in flight at once", test_two_streams },
        { "a faulting and an endless kernel do not disturb another "
          "context",
          test_offender_alone },
        { "reset while two contexts' kernels run", test_reset_while_running },
        { "CH_DESTROY of a channel with a kept launch", test_destroy_kept },
        { "a module evicted from the cache while its launch runs",
          test_module_evicted_in_use },
        { "every block of a grid runs once, on 1 to 3 SMs",
          test_every_block_once },
        { NULL, NULL },
    };

    return gv_add_suite("compute-concurrent", NULL, NULL, t);
}
