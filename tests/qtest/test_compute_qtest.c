/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: the compute engine through the real QEMU device.  A normal
 * channel is made from a bootstrap channel (CH_CREATE, CH_PDE, CH_PTE, by
 * DMA from guest RAM), the GVX module translated from the build's
 * vector_add.ptx and the inputs go into unprotected device memory through
 * the BAR2 aperture, and LAUNCH commands run it.  Launches end
 * asynchronously (the engine's worker threads, then QEMU's bottom half
 * that writes the fence and moves GET), so the test polls, bounded, and
 * checks what may be seen at every poll: GET past a launch only with its
 * fence written, and nothing submitted after a launch done before it.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cunit_main.h"
#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "gv_ptx.h"
#include "qtest_client.h"

#define DEV         4
#define BAR0        0xc0000000ull
#define BAR2        0x100000000ull
#define UNPROT      (8ull << 20)
#define PROT        (48ull << 20)

/* guest RAM: rings, and one group buffer per ring slot (a held entry is
 * fetched only when its turn comes, so groups must not share a buffer) */
#define RING(chid)          (0x200000ull + (chid) * 0x1000)
#define GROUP(chid, idx)    (0x400000ull + (chid) * 0x40000 + (idx) * 0x1000)
#define NENTRIES            64

/* device memory (unprotected, so the BAR reaches it): mapped VA == PA */
#define BOOT_DESC   0x10000ull
#define MAP_BASE    0x100000ull
#define MAP_PAGES   64
#define MOD_VA      0x100000ull                 /* up to 2 pages */
#define FENCE_VA    0x102000ull                 /* fence words */
#define N           10000u
#define ARR_BYTES   0xa000ull                   /* 10 pages >= N * 4 */
#define A_VA        0x104000ull
#define B_VA        (A_VA + ARR_BYTES)
#define C_VA        (B_VA + ARR_BYTES)
#define UNMAPPED_VA 0x200000ull                 /* PTE 512: never valid */
#define SENTINEL    0xdeadbeefu

#define POLL_NS     10000000000ull              /* 10 s */

static struct qt *qt;
static const char *dev_props = "";      /* extra graviton-gpu properties */
static uint32_t put[GV_MAX_CHANNELS];
static uint8_t *module;
static size_t module_len;
static int vector_add_func;
static float a_in[N], b_in[N];

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0 + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0 + reg, 4, val);
}

static uint64_t vram_rd64(uint64_t addr)
{
    return qt_read(qt, BAR2 + addr, 8);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void load_module(void)
{
    const char *dir = getenv("GV_KERNELS");
    char path[512], err[512];

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    snprintf(path, sizeof(path), "%s/vector_add.ptx", dir);
    if (gv_ptx_translate_file(path, &module, &module_len, err,
                              sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        CU_FAIL_FATAL("translation failed");
    }
    CU_ASSERT_FATAL(module_len >= 64 && module_len <= FENCE_VA - MOD_VA);
    vector_add_func = gv_isa_find_func(module, module_len, "vector_add");
    CU_ASSERT_FATAL(vector_add_func >= 0);
}

static void setup(void)
{
    char args[256];

    if (!module) {
        load_module();
        for (unsigned i = 0; i < N; i++) {
            /* eighths: every sum is exact in binary32 */
            a_in[i] = (float)((int)((i * 7919u) % 2001) - 1000) / 8.0f;
            b_in[i] = (float)((int)((i * 104729u) % 4001) - 2000) / 8.0f;
        }
    }
    snprintf(args, sizeof(args), "-m 256M -device graviton-gpu,addr=%02x.0,"
             "vram-size=64M%s", DEV, dev_props);
    qt = qt_start(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qt);
    qt_place_bars(qt, DEV, (uint32_t)BAR0, BAR2);
    memset(put, 0, sizeof(put));
}

static void teardown(void)
{
    CU_ASSERT_FALSE(qt->broken);
    qt_quit(qt);
}

/* Put a group for the next slot of @chid's ring in guest RAM, write the
 * entry and ring the doorbell.  Returns the slot. */
/* Put a group and its ring entry in guest RAM (no doorbell); its index. */
static uint32_t put_entry(unsigned chid, const void *cmds, uint32_t len,
                          uint32_t entry_flags)
{
    uint8_t g[4096];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
    uint32_t idx = put[chid];
    struct gv_gpfifo_entry e = { .addr = GROUP(chid, idx),
                                 .len = sizeof(h) + len,
                                 .flags = entry_flags };

    CU_ASSERT_FATAL(sizeof(h) + len <= sizeof(g));
    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    qt_memwrite(qt, e.addr, g, e.len);
    qt_memwrite(qt, RING(chid) + idx * sizeof(e), &e, sizeof(e));
    put[chid] = (idx + 1) % NENTRIES;
    return idx;
}

static uint32_t submit(unsigned chid, const void *cmds, uint32_t len,
                       uint32_t entry_flags)
{
    uint8_t g[4096];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
    uint32_t idx = put[chid];
    struct gv_gpfifo_entry e = { .addr = GROUP(chid, idx),
                                 .len = sizeof(h) + len,
                                 .flags = entry_flags };

    CU_ASSERT_FATAL(sizeof(h) + len <= sizeof(g));
    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    /* as the driver: a failure seen already is acknowledged, or the
     * stopped channel would not run this entry */
    if (rd(GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR) {
        wr(GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    }
    qt_memwrite(qt, e.addr, g, e.len);
    qt_memwrite(qt, RING(chid) + idx * sizeof(e), &e, sizeof(e));
    put[chid] = (idx + 1) % NENTRIES;
    wr(GV_REG_CHAN(chid, GV_CHAN_PUT), put[chid]);
    return idx;
}

/* A management group on the bootstrap channel: synchronous. */
static uint32_t submit_sync(unsigned chid, const void *cmds, uint32_t len)
{
    uint32_t before = rd(GV_REG_ERROR_COUNT);

    submit(chid, cmds, len, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(chid, GV_CHAN_GET)), put[chid]);
    return rd(GV_REG_ERROR_COUNT) == before ? 0 : rd(GV_REG_ERROR_CODE);
}

static void ring_setup(unsigned chid)
{
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_LO), (uint32_t)RING(chid));
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_HI), 0);
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES), NENTRIES);
}

static void lock_and_bootstrap(void)
{
    wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    wr(GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_REGION_LOCK), 1);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_LO), (uint32_t)BOOT_DESC);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(0, GV_CHAN_STATUS)),
                          GV_CHAN_TYPE_BOOTSTRAP);
    ring_setup(0);
}

/* A normal channel @chid whose tables live at @prot (protected memory),
 * mapping VA MAP_BASE.. to the same unprotected physical pages. */
static void make_channel(unsigned chid, uint64_t prot)
{
    uint64_t desc = prot, pgd = prot + GV_PAGE_SIZE, pgt = pgd + GV_PGD_BYTES;
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) }, .chid = chid,
        .desc_addr = desc, .pgd_addr = pgd,
    };
    struct gv_cmd_ch_pde pde = {
        .hdr = { GV_OP_CH_PDE, sizeof(pde) }, .chid = chid, .pgt_addr = pgt,
    };
    uint8_t pte_cmd[sizeof(struct gv_cmd_ch_pte) + MAP_PAGES * 8];
    struct gv_cmd_ch_pte *pte = (struct gv_cmd_ch_pte *)pte_cmd;

    CU_ASSERT_EQUAL_FATAL(submit_sync(0, &c, sizeof(c)), 0);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(chid, GV_CHAN_STATUS)),
                          GV_CHAN_TYPE_NORMAL);
    CU_ASSERT_EQUAL_FATAL(submit_sync(0, &pde, sizeof(pde)), 0);
    memset(pte_cmd, 0, sizeof(pte_cmd));
    pte->hdr = (struct gv_cmd_hdr){ GV_OP_CH_PTE, sizeof(pte_cmd) };
    pte->chid = chid;
    pte->pgt_index = MAP_BASE >> GV_PAGE_SHIFT;
    pte->count = MAP_PAGES;
    for (unsigned i = 0; i < MAP_PAGES; i++) {
        pte->pte[i] = (MAP_BASE + (uint64_t)i * GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    CU_ASSERT_EQUAL_FATAL(submit_sync(0, pte_cmd, sizeof(pte_cmd)), 0);
    ring_setup(chid);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(chid, GV_CHAN_GET)), 0);
    put[chid] = 0;
}

/* The module and the inputs through the aperture; c and the fence page
 * cleared to known values. */
static void fill_memory(void)
{
    static uint32_t sentinel[ARR_BYTES / 4];
    static uint8_t zero[GV_PAGE_SIZE];

    for (unsigned i = 0; i < ARR_BYTES / 4; i++) {
        sentinel[i] = SENTINEL;
    }
    qt_memwrite(qt, BAR2 + MOD_VA, module, module_len);
    qt_memwrite(qt, BAR2 + A_VA, a_in, sizeof(a_in));
    qt_memwrite(qt, BAR2 + B_VA, b_in, sizeof(b_in));
    qt_memwrite(qt, BAR2 + C_VA, sentinel, sizeof(sentinel));
    qt_memwrite(qt, BAR2 + FENCE_VA, zero, sizeof(zero));
}

static void reset_c(void)
{
    static uint32_t sentinel[ARR_BYTES / 4];

    for (unsigned i = 0; i < ARR_BYTES / 4; i++) {
        sentinel[i] = SENTINEL;
    }
    qt_memwrite(qt, BAR2 + C_VA, sentinel, sizeof(sentinel));
}

/* c == a + b exactly for the first N elements, the rest untouched. */
static unsigned check_c(void)
{
    static uint32_t c[ARR_BYTES / 4];
    unsigned bad = 0;

    qt_memread(qt, BAR2 + C_VA, c, sizeof(c));
    for (unsigned i = 0; i < ARR_BYTES / 4; i++) {
        float want = a_in[i < N ? i : 0] + b_in[i < N ? i : 0];
        uint32_t w;

        memcpy(&w, &want, 4);
        if (c[i] != (i < N ? w : SENTINEL)) {
            if (bad++ < 5) {
                fprintf(stderr, "c[%u] = 0x%08x, want 0x%08x\n", i, c[i],
                        i < N ? w : SENTINEL);
            }
        }
    }
    return bad;
}

static bool c_untouched(void)
{
    static uint32_t c[ARR_BYTES / 4];

    qt_memread(qt, BAR2 + C_VA, c, sizeof(c));
    for (unsigned i = 0; i < ARR_BYTES / 4; i++) {
        if (c[i] != SENTINEL) {
            return false;
        }
    }
    return true;
}

/* A LAUNCH of vector_add(a, b, c, n) with @grid blocks of 256. */
struct launch_cmd {
    struct gv_cmd_launch l;
    uint8_t params[32];
};
_Static_assert(sizeof(struct launch_cmd) == 112, "launch command size");

static struct launch_cmd make_launch(uint64_t a, uint64_t b, uint64_t c,
                                     int32_t n, uint32_t grid,
                                     uint64_t fence_va, uint64_t fence_value)
{
    struct launch_cmd cmd;

    memset(&cmd, 0, sizeof(cmd));
    cmd.l.hdr = (struct gv_cmd_hdr){ GV_OP_LAUNCH, sizeof(cmd) };
    cmd.l.func = (uint32_t)vector_add_func;
    cmd.l.flags = GV_LAUNCH_IRQ;
    cmd.l.module_va = MOD_VA;
    cmd.l.module_size = (uint32_t)module_len;
    cmd.l.grid[0] = grid;
    cmd.l.grid[1] = cmd.l.grid[2] = 1;
    cmd.l.block[0] = 256;
    cmd.l.block[1] = cmd.l.block[2] = 1;
    cmd.l.fence_va = fence_va;
    cmd.l.fence_value = fence_value;
    cmd.l.param_size = 28;
    memcpy(cmd.params, &a, 8);
    memcpy(cmd.params + 8, &b, 8);
    memcpy(cmd.params + 16, &c, 8);
    memcpy(cmd.params + 24, &n, 4);
    return cmd;
}

/* Poll until @chid's GET reaches put[chid] (at most POLL_NS).  At every
 * poll, if GET has moved past slot @idx the launch's fence (@fence_va,
 * @value; 0: no fence expected) must already be there: GET and the fence
 * are updated together by the bottom half.  Returns whether GET got there;
 * *@polls counts the polls that saw the launch still running. */
static bool wait_ring(unsigned chid, uint32_t idx, uint64_t fence_va,
                      uint64_t value, unsigned *polls)
{
    uint64_t t0 = now_ns();
    unsigned running = 0, bad = 0;

    for (;;) {
        /* fence, GET, fence: the bottom half may run between reads, but
         * it writes the fence and moves GET together */
        uint64_t f0 = fence_va ? vram_rd64(fence_va) : 0;
        uint32_t get = rd(GV_REG_CHAN(chid, GV_CHAN_GET));
        bool past = get != idx;
        uint64_t f1 = fence_va ? vram_rd64(fence_va) : 0;

        /* past: the fence is there; still running: it is not */
        if (fence_va && (past ? f1 != value : f0 != 0) && bad++ < 3) {
            fprintf(stderr, "channel %u: GET %u, fence 0x%" PRIx64 " then "
                    "0x%" PRIx64 "\n", chid, get, f0, f1);
        }
        if (!past) {
            running++;
        }
        if (get == put[chid] || qt->broken) {
            break;
        }
        if (now_ns() - t0 > POLL_NS) {
            fprintf(stderr, "channel %u: GET %u, PUT %u after 10 s\n", chid,
                    get, put[chid]);
            break;
        }
        usleep(1000);
    }
    CU_ASSERT_EQUAL(bad, 0);
    if (polls) {
        *polls = running;
    }
    return rd(GV_REG_CHAN(chid, GV_CHAN_GET)) == put[chid];
}

static void launch_ok(unsigned chid, uint64_t fence_va, uint64_t value)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, (N + 255) / 256,
                                      fence_va, value);
    uint32_t errors = rd(GV_REG_ERROR_COUNT), idx;

    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    CU_ASSERT_EQUAL(vram_rd64(fence_va), 0);
    idx = submit(chid, &l, sizeof(l), GV_GPFIFO_IRQ);
    CU_ASSERT_FATAL(wait_ring(chid, idx, fence_va, value, NULL));
    CU_ASSERT_EQUAL(vram_rd64(fence_va), value);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & GV_INTR_LAUNCH, GV_INTR_LAUNCH);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & GV_INTR_CHANNEL,
                    GV_INTR_CHANNEL);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & GV_INTR_ERROR, 0);
    CU_ASSERT_EQUAL(check_c(), 0);
}

static void test_vector_add(void)
{
    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & GV_INTR_LAUNCH, 0);
    launch_ok(1, FENCE_VA, 0x1122334455667788ull);
    /* again on the same channel (the module is cached now) */
    reset_c();
    launch_ok(1, FENCE_VA + 8, 0x99);
}

/* A launch that faults: error registers, no fence, c unchanged. */
static void launch_fault(unsigned chid, uint64_t a, uint64_t c)
{
    struct {
        struct gv_cmd_fence f;
        struct launch_cmd l;
    } __attribute__((packed)) g = {
        .f = { .hdr = { GV_OP_FENCE, sizeof(g.f) }, .va = FENCE_VA + 0x100,
               .value = 0xf00d },
        .l = make_launch(a, B_VA, c, N, (N + 255) / 256, FENCE_VA + 0x108,
                         0xbad),
    };
    uint32_t errors = rd(GV_REG_ERROR_COUNT), idx;

    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    wr(GV_REG_ERROR_ACK, 1);
    wr(GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), 0);
    qt_write(qt, BAR2 + FENCE_VA + 0x100, 8, 0);
    idx = submit(chid, &g, sizeof(g), 0);
    CU_ASSERT_FATAL(wait_ring(chid, idx, 0, 0, NULL));
    /* the FENCE before the LAUNCH in the group ran */
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA + 0x100), 0xf00d);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors + 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CHID), chid);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_POS), idx << 16 | 1);
    CU_ASSERT(rd(GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & (GV_INTR_ERROR | GV_INTR_LAUNCH),
                    GV_INTR_ERROR);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA + 0x108), 0);
    CU_ASSERT(c_untouched());
}

static void test_fault_then_launch(void)
{
    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    /* a read of an unmapped page, then a write to one */
    launch_fault(1, UNMAPPED_VA, C_VA);
    launch_fault(1, A_VA, UNMAPPED_VA);
    /* a page beyond the mapping (the PTE after the last one) */
    launch_fault(1, MAP_BASE + MAP_PAGES * GV_PAGE_SIZE, C_VA);
    /* the channel and the engine still work */
    wr(GV_REG_ERROR_ACK, 1);
    wr(GV_REG_CHAN(1, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    launch_ok(1, FENCE_VA, 0x5151);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), 0);
    CU_ASSERT_FALSE(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR);
}

/*
 * A long launch (a big grid; the threads past n return at once), then,
 * right after its doorbell, a FENCE group on the same channel and one on
 * another channel.  The same channel's FENCE comes after the launch (its
 * fence must already be there when the FENCE value is seen); the other
 * channel's runs at once, beside the kernel (its GET has moved when the
 * doorbell write returns).  Whether the doorbells really came while the
 * launch ran is reported, not asserted (timing).
 */
static void test_put_during_launch(void)
{
    uint32_t grid = 1u << 19;       /* 2^27 threads: i stays positive */
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, grid, FENCE_VA,
                                      0x1a0c4);
    struct gv_cmd_fence f1 = { .hdr = { GV_OP_FENCE, sizeof(f1) },
                               .va = FENCE_VA + 8, .value = 0xf1 };
    struct gv_cmd_fence f2 = { .hdr = { GV_OP_FENCE, sizeof(f2) },
                               .va = FENCE_VA + 16, .value = 0xf2 };
    uint32_t errors, il, get_after, get2_after;
    uint64_t t0 = now_ns(), t;
    unsigned polls = 0, bad = 0;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    make_channel(2, UNPROT + (1 << 20));
    fill_memory();
    errors = rd(GV_REG_ERROR_COUNT);
    wr(GV_REG_INTR_ACK, GV_INTR_ALL);

    t0 = now_ns();
    il = submit(1, &l, sizeof(l), 0);
    submit(1, &f1, sizeof(f1), 0);
    submit(2, &f2, sizeof(f2), 0);
    get_after = rd(GV_REG_CHAN(1, GV_CHAN_GET));
    get2_after = rd(GV_REG_CHAN(2, GV_CHAN_GET));
    CU_ASSERT(get_after == il || get_after == put[1]);
    CU_ASSERT_EQUAL(get2_after, put[2]);     /* never held by a launch */
    for (;;) {
        /* read the later fences first: if one is there, the launch's
         * fence (written before it) must be there too */
        uint64_t v1 = vram_rd64(FENCE_VA + 8), v2 = vram_rd64(FENCE_VA + 16);
        uint64_t vl = vram_rd64(FENCE_VA);
        uint32_t g1 = rd(GV_REG_CHAN(1, GV_CHAN_GET));

        if (v1 && vl != 0x1a0c4) {
            bad++;
        }
        if (vl == 0) {
            polls++;
        }
        if ((g1 == put[1] && v2) || qt->broken) {
            break;
        }
        if (now_ns() - t0 > 4 * POLL_NS) {
            fprintf(stderr, "long launch: GET %u after 40 s\n", g1);
            break;
        }
        usleep(1000);
    }
    t = now_ns() - t0;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), put[1]);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(2, GV_CHAN_GET)), put[2]);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0x1a0c4);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA + 8), 0xf1);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA + 16), 0xf2);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & GV_INTR_LAUNCH, GV_INTR_LAUNCH);
    CU_ASSERT_EQUAL(check_c(), 0);
    fprintf(stderr, "\n  long launch: %.2f s, doorbells %s the launch "
            "(GET %u/%u after them; %u polls saw it running)\n", t / 1e9,
            get_after == il ? "during" : "after", get_after, get2_after,
            polls);
}

/*
 * Concurrent kernels through QEMU: while channel 1's long launch runs,
 * channel 2's launch (another context) starts beside it and completes,
 * with its fence and interrupts, before channel 1's; then channel 1's
 * completes too.  (One launch at a time kept channel 2's until channel
 * 1's had ended.)
 */
static void test_launches_overlap(void)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 19,
                                      FENCE_VA, 0x10c);
    uint32_t il;
    bool done = false;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    make_channel(2, UNPROT + (1 << 20));
    fill_memory();
    il = submit(1, &l, sizeof(l), 0);
    launch_ok(2, FENCE_VA + 8, 0x20c);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), il);  /* still runs */
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);
    for (int i = 0; i < 4 && !done && !qt->broken; i++) {
        done = wait_ring(1, il, FENCE_VA, 0x10c, NULL);
    }
    CU_ASSERT(done);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0x10c);
    CU_ASSERT_EQUAL(check_c(), 0);
}

/*
 * CH_DESTROY of the launching channel, from the bootstrap channel while a
 * long launch runs, waits for it: the launch's fence is written through
 * the channel's tables before the channel goes.  The slot can then be
 * made again and runs a launch.
 */
static void test_destroy_waits_for_launch(void)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 19,
                                      FENCE_VA, 0xde57);
    struct gv_cmd_ch_destroy d = { .hdr = { GV_OP_CH_DESTROY, sizeof(d) },
                                   .chid = 1 };
    uint32_t errors, id, get0;
    uint64_t t0;
    unsigned bad = 0;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    errors = rd(GV_REG_ERROR_COUNT);
    t0 = now_ns();
    submit(1, &l, sizeof(l), 0);
    id = submit(0, &d, sizeof(d), 0);
    get0 = rd(GV_REG_CHAN(0, GV_CHAN_GET));
    CU_ASSERT(get0 == id || get0 == put[0]);
    for (;;) {
        /* status, then fence: a free slot means the fence was written */
        uint32_t st = rd(GV_REG_CHAN(1, GV_CHAN_STATUS));
        uint64_t vl = vram_rd64(FENCE_VA);

        if ((st & GV_CHAN_TYPE_MASK) == GV_CHAN_TYPE_FREE && vl != 0xde57) {
            bad++;
        }
        if (rd(GV_REG_CHAN(0, GV_CHAN_GET)) == put[0] || qt->broken) {
            break;
        }
        if (now_ns() - t0 > 4 * POLL_NS) {
            fprintf(stderr, "CH_DESTROY still waiting after 40 s\n");
            break;
        }
        usleep(1000);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_GET)), put[0]);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)) & GV_CHAN_TYPE_MASK,
                    GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0xde57);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors);
    fprintf(stderr, "\n  CH_DESTROY %s the launch\n",
            get0 == id ? "written during" : "written after");
    /* the slot and the same protected pages again */
    make_channel(1, UNPROT);
    reset_c();
    launch_ok(1, FENCE_VA + 8, 0x2);
}

/* A device reset (GV_REG_RESET) during a long launch stops it: no fence,
 * no interrupt, no error and no GET movement come from it afterwards
 * (its bottom half finds nothing to finish), and the device works again
 * after the regions are locked anew. */
static void test_reset_during_launch(void)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 22,
                                      FENCE_VA, 0x9);
    uint64_t t0;
    double reset_s;
    bool running;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    submit(1, &l, sizeof(l), 0);
    usleep(50000);
    running = rd(GV_REG_CHAN(1, GV_CHAN_GET)) == 0;
    t0 = now_ns();
    wr(GV_REG_RESET, GV_RESET_MAGIC);
    reset_s = (now_ns() - t0) / 1e9;
    usleep(200000);     /* time for a stale bottom half to run */
    CU_ASSERT_EQUAL(rd(GV_REG_REGION_LOCK), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)), GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), 0);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);
    CU_ASSERT(reset_s < 5.0);
    fprintf(stderr, "\n  reset %s the launch took %.3f s\n",
            running ? "during" : "after", reset_s);
    /* a new life: the same set-up runs a launch */
    memset(put, 0, sizeof(put));
    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    launch_ok(1, FENCE_VA + 8, 0xa);
}

/* Try to reprogram each of @chid's ring and host window registers: each
 * write is refused with CHANNEL_BUSY and changes nothing. */
static void reprogram_refused(unsigned chid)
{
    static const uint32_t regs[] = {
        GV_CHAN_RING_LO, GV_CHAN_RING_HI, GV_CHAN_RING_ENTRIES,
        GV_CHAN_HOSTWIN_LO, GV_CHAN_HOSTWIN_HI, GV_CHAN_HOSTWIN_SIZE,
    };
    static const uint32_t evil[] = { 0x4000, 0x1, 16, 0x5000, 0x1, 4096 };

    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        uint32_t before = rd(GV_REG_CHAN(chid, regs[i]));

        wr(GV_REG_ERROR_ACK, 1);
        wr(GV_REG_CHAN(chid, regs[i]), evil[i]);
        CU_ASSERT_EQUAL(rd(GV_REG_CHAN(chid, regs[i])), before);
        CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_CHANNEL_BUSY);
        CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CHID), chid);
    }
}

/*
 * Attack: repoint a ring or a host window under held work.  Channels 1
 * and 2 each have a long launch running (at the same time); the driver
 * rewinds both PUTs to GET, so "GET == PUT" says idle.
 * Every ring and host-window write is refused (CHANNEL_BUSY) and changes
 * nothing.  A reset then stops the launch, and a new life's channel takes
 * a new ring and runs.
 */
static void test_reprogram_during_launch(void)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 22,
                                      FENCE_VA, 0x9);
    uint32_t i1, i2;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    make_channel(2, UNPROT + (1 << 20));
    fill_memory();
    wr(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_LO), 0x300000);
    wr(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_SIZE), 0x1000);
    i1 = submit(1, &l, sizeof(l), 0);
    i2 = submit(2, &l, sizeof(l), 0);
    wr(GV_REG_CHAN(1, GV_CHAN_PUT), i1);
    wr(GV_REG_CHAN(2, GV_CHAN_PUT), i2);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), i1);  /* running */
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(2, GV_CHAN_GET)), i2);  /* running */
    reprogram_refused(1);
    reprogram_refused(2);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_LO)), 0x300000);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_RING_ENTRIES)), NENTRIES);
    /* still held while it was refused */
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), i1);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);

    wr(GV_REG_RESET, GV_RESET_MAGIC);
    memset(put, 0, sizeof(put));
    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    wr(GV_REG_ERROR_ACK, 1);
    ring_setup(1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), 0);
    launch_ok(1, FENCE_VA + 8, 0xb);
}

/*
 * Regression (asynchronous errors, issue 10): a launch that faults stops
 * its channel.  The launch queued behind it does not run until CLEAR_ERR
 * acknowledges the failure: its fence would otherwise say that the failed
 * one had completed (a driver that waited for that fence saw success,
 * and uapi 1.3's driver, clearing the error at every SUBMIT, lost the
 * failure).  Another channel goes on meanwhile.
 */
static void test_fault_stops_channel(void)
{
    struct launch_cmd bad = make_launch(UNMAPPED_VA, B_VA, C_VA, N,
                                        (N + 255) / 256, FENCE_VA, 0x61);
    struct launch_cmd good = make_launch(A_VA, B_VA, C_VA, N,
                                         (N + 255) / 256, FENCE_VA, 0x62);
    uint32_t i1, i2;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    make_channel(2, UNPROT + (1 << 20));
    fill_memory();
    /* both entries in the ring before the first can fail */
    i1 = put_entry(1, &bad, sizeof(bad), 0);
    i2 = put_entry(1, &good, sizeof(good), 0);
    wr(GV_REG_CHAN(1, GV_CHAN_PUT), put[1]);
    for (int i = 0; i < 10000 && rd(GV_REG_CHAN(1, GV_CHAN_GET)) == i1;
         i++) {
        usleep(1000);
    }
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), i2);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FAULT);
    CU_ASSERT(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)) & GV_CHAN_STATUS_STOPPED);
    /* stopped: the second launch does not start, however long we wait */
    usleep(200 * 1000);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), i2);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);
    /* another channel is not stopped */
    launch_ok(2, FENCE_VA + 0x10, 0x63);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), i2);
    /* acknowledged: the queued launch runs */
    wr(GV_REG_CHAN(1, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    CU_ASSERT_FATAL(wait_ring(1, i2, FENCE_VA, 0x62, NULL));
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0x62);
    CU_ASSERT_FALSE(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)) &
                    (GV_CHAN_STATUS_ERROR | GV_CHAN_STATUS_STOPPED));
}

/* The QEMU property solo-warps=on: each block's warps one at a time, no
 * gangs (docs/compute.md); vector_add's results are the same. */
static void setup_solo(void)
{
    dev_props = ",solo-warps=on";
    setup();
}

/* The watchdog (QEMU property launch-timeout-ms) stops a long launch with
 * TIMEOUT and no fence; the channel then runs a launch normally. */
static void setup_watchdog(void)
{
    dev_props = ",launch-timeout-ms=300";
    setup();
}

static void test_watchdog(void)
{
    /* 2^30 threads: seconds even on many cores */
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 22,
                                      FENCE_VA, 0x7);
    uint32_t errors, idx;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    fill_memory();
    errors = rd(GV_REG_ERROR_COUNT);
    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    idx = submit(1, &l, sizeof(l), 0);
    CU_ASSERT_FATAL(wait_ring(1, idx, 0, 0, NULL));
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors + 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_TIMEOUT);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CHID), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_POS), idx << 16);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS) & (GV_INTR_ERROR | GV_INTR_LAUNCH),
                    GV_INTR_ERROR);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);
    wr(GV_REG_ERROR_ACK, 1);
    reset_c();
    launch_ok(1, FENCE_VA + 8, 0x8);
}

/* The watchdog ends only the offender: while channel 1's launch runs into
 * its deadline, channel 2's (another context) runs beside it and
 * completes normally, with its fence; then channel 1's ends with TIMEOUT,
 * and channel 2 has no error. */
static void test_watchdog_alone(void)
{
    struct launch_cmd l = make_launch(A_VA, B_VA, C_VA, N, 1u << 22,
                                      FENCE_VA, 0x7);
    uint32_t errors, idx;

    lock_and_bootstrap();
    make_channel(1, UNPROT);
    make_channel(2, UNPROT + (1 << 20));
    fill_memory();
    errors = rd(GV_REG_ERROR_COUNT);
    idx = submit(1, &l, sizeof(l), 0);
    launch_ok(2, FENCE_VA + 8, 0x8);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_GET)), idx);  /* still runs */
    CU_ASSERT_FATAL(wait_ring(1, idx, 0, 0, NULL));
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), errors + 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_TIMEOUT);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CHID), 1);
    CU_ASSERT_EQUAL(vram_rd64(FENCE_VA), 0);
    CU_ASSERT_FALSE(rd(GV_REG_CHAN(2, GV_CHAN_STATUS)) &
                    GV_CHAN_STATUS_ERROR);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "vector_add through LAUNCH, fence, GET, interrupt",
          test_vector_add },
        { "faulting launches: FAULT, no fence; the next launch runs",
          test_fault_then_launch },
        { "a faulted launch stops its channel until CLEAR_ERR",
          test_fault_stops_channel },
        { "the launching channel waits, others go on",
          test_put_during_launch },
        { "two channels' launches run at the same time",
          test_launches_overlap },
        { "CH_DESTROY of the launching channel waits",
          test_destroy_waits_for_launch },
        { "a device reset stops a launch", test_reset_during_launch },
        { "ring and host window not reprogrammed under a held launch "
          "(CHANNEL_BUSY)", test_reprogram_during_launch },
        { NULL, NULL },
    };

    static const struct gv_cunit_test w[] = {
        { "the watchdog stops a long launch", test_watchdog },
        { "the watchdog stops only the offender", test_watchdog_alone },
        { NULL, NULL },
    };

    static const struct gv_cunit_test solo[] = {
        { "vector_add with solo-warps=on", test_vector_add },
        { NULL, NULL },
    };

    if (gv_add_suite("compute", setup, teardown, t) ||
        gv_add_suite("compute-solo-warps", setup_solo, teardown, solo)) {
        return -1;
    }
    return gv_add_suite("compute-watchdog", setup_watchdog, teardown, w);
}
