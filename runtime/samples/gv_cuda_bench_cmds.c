/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-cuda-bench cmds: the Graviton paper's Table 1 from the guest.  Each
 * of the driver's ioctls that carries CH_* commands, timed from user
 * space (syscall, driver, MMIO doorbell, the command, the interrupt):
 *   create   CHAN_CREATE: CH_CREATE (secure: the quote) and the fence
 *            page's CH_PDE + CH_PTE
 *   alloc    MEM_ALLOC of 8 small (4 KiB) or 8 big (128 KiB) pages: a
 *            CH_PDE for a new page table and one CH_PTE of 8 entries
 *   free     MEM_FREE of them: the unmapping CH_PTE (secure: authorised
 *            by the runtime's MAC, the pages scrubbed)
 *   destroy  CHAN_DESTROY (secure: authorised)
 * In a normal and a secure channel of a fresh file each time.  The
 * device core's own time for each command is bench-cp's (host).  When the
 * device models time (docs/devtime.md), each ioctl's modelled device time
 * too (the device clock's advance).
 *
 * The paper's split of each command (its Table 1: Base, Inv, Init,
 * Crypto, Intr) comes from the command processor's host-time profile
 * (GRAVITON_PARAM_PROF_*, device ABI 1.6), read around the same ioctl:
 *   inv     the command processor's time (ring processing: fetch,
 *           decode, checks, PMM and table updates) less init and crypto
 *   init    clearing device memory (new tables, freed pages)
 *   crypto  the device's cryptography (quote, MACs, summaries, groups)
 *   intr    from the device's last interrupt to the ioctl's return,
 *           measured up to the next profile read, less half a profile
 *           read's round trip (calibrated here); -1 when the ioctl saw
 *           no interrupt (a bootstrap command completes within its
 *           doorbell's MMIO write, and the driver reads GET)
 *   base    the rest of the ioctl: syscall, driver, MMIO exits
 * The profile is host time in QEMU: the emulated device's real cost.
 */
#include <string.h>

#include "graviton/graviton_uapi.h"
#include "gv_cuda_bench.h"
#include "gvrt_dev.h"
#include "gvrt_secure.h"

enum { CREATE, ALLOC_S, FREE_S, ALLOC_B, FREE_B, DESTROY, NOPS };
enum { P_BUSY, P_INIT, P_CRYPTO, P_NOW, P_DOORBELL, P_IRQ, NPROF };
enum { S_INV, S_INIT, S_CRYPTO, S_INTR, NSPLIT };

/* The device clock of the device model, or 0 (no model). */
static uint64_t dclock(struct gvrt_dev *dev)
{
    uint64_t v = 0;

    return gvrt_dev_get_param(dev, GRAVITON_PARAM_DEVICE_TIME, &v) ? 0 : v;
}

/* Profile counter @k (P_*), or false if the device has none. */
static bool prof(struct gvrt_dev *dev, int k, uint64_t *v)
{
    return gvrt_dev_get_param(dev, GRAVITON_PARAM_PROF_BUSY + k, v) == 0;
}

/* modelled device ns of the last round's ioctls */
static double dev_ns[NOPS];
/* the last round's split of each ioctl (S_*, µs); have_split: the
 * device has the profile */
static double split_us[NOPS][NSPLIT];
static bool have_split;
/* half a profile read's round trip (µs of the host's clock) */
static double half_read_us;

/* Both clocks at the start of an ioctl (the device's read first, so it
 * stays out of the host's time), and the profile's counters. */
struct clocks {
    uint64_t dev;
    uint64_t p[NPROF];
    double host;
};

static struct clocks tic(struct gvrt_dev *dev)
{
    struct clocks c = { .dev = dclock(dev) };

    have_split = prof(dev, P_BUSY, &c.p[P_BUSY]) &&
                 prof(dev, P_INIT, &c.p[P_INIT]) &&
                 prof(dev, P_CRYPTO, &c.p[P_CRYPTO]) &&
                 prof(dev, P_NOW, &c.p[P_NOW]);     /* last: arms DOORBELL */
    c.host = now_us();
    return c;
}

/* The ioctl @k started at @c has returned: its host microseconds; its
 * modelled device time into dev_ns[@k], its split into split_us[@k]. */
static double toc(struct gvrt_dev *dev, struct clocks c, int k)
{
    double us = now_us() - c.host;
    uint64_t p[NPROF] = { 0 };

    if (have_split && prof(dev, P_NOW, &p[P_NOW]) &&
        prof(dev, P_IRQ, &p[P_IRQ]) && prof(dev, P_BUSY, &p[P_BUSY]) &&
        prof(dev, P_INIT, &p[P_INIT]) && prof(dev, P_CRYPTO, &p[P_CRYPTO])) {
        double init = (double)(p[P_INIT] - c.p[P_INIT]) / 1e3;
        double crypto = (double)(p[P_CRYPTO] - c.p[P_CRYPTO]) / 1e3;
        double busy = (double)(p[P_BUSY] - c.p[P_BUSY]) / 1e3;

        split_us[k][S_INIT] = init;
        split_us[k][S_CRYPTO] = crypto;
        split_us[k][S_INV] = busy - init - crypto;
        /* no interrupt during the ioctl: none to count (-1) */
        split_us[k][S_INTR] = p[P_IRQ] > c.p[P_NOW] ?
            (double)(p[P_NOW] - p[P_IRQ]) / 1e3 - half_read_us : -1;
    }
    dev_ns[k] = (double)(dclock(dev) - c.dev);
    return us;
}

/* Half the round trip of a profile read: two back to back, the median
 * of 9 (0 without the profile). */
static void calibrate(void)
{
    struct gvrt_dev dev;
    double d[9];
    uint64_t a, b;

    half_read_us = 0;
    if (gvrt_dev_open(&dev, 0)) {
        return;
    }
    for (int i = 0; i < 9; i++) {
        if (!prof(&dev, P_NOW, &a) || !prof(&dev, P_NOW, &b)) {
            gvrt_dev_close(&dev);
            return;
        }
        d[i] = (double)(b - a) / 1e3;
    }
    half_read_us = median(d, 9) / 2;
    gvrt_dev_close(&dev);
}

static const char *const names[NOPS] = {
    "create", "alloc-small", "free-small", "alloc-big", "free-big",
    "destroy",
};

static void check(int r, const char *what)
{
    if (r) {
        fprintf(stderr, "gv-cuda-bench: %s: %d\n", what, r);
        exit(1);
    }
}

/* Map and unmap 8 pages (@flags: big or not) on channel @h; times into
 * @ta (alloc) and @tf (free). */
static void pages(struct gvrt_dev *dev, struct gvrt_secure *s, uint32_t h,
                  uint32_t flags, double *ta, double *tf)
{
    uint64_t size = (flags & GRAVITON_MEM_BIG ? 128u << 10 : 4u << 10) * 8;
    struct gv_pte_summary sums[8];
    uint8_t mac[1][GV_TAG_LEN];
    uint32_t n = 0;
    uint64_t va;
    int k = flags & GRAVITON_MEM_BIG ? ALLOC_B : ALLOC_S;
    struct clocks c = tic(dev);

    check(gvrt_mem_alloc(dev, h, flags, size, &va, s ? sums : NULL,
                         s ? 8 : 0, &n), "MEM_ALLOC");
    *ta = toc(dev, c, k);
    if (s) {
        gvrt_mac_unmap(s, h, va, size, mac[0]);
    }
    c = tic(dev);
    check(gvrt_mem_free_sum(dev, h, va,
                            s ? (const uint8_t (*)[GV_TAG_LEN])mac : NULL,
                            s ? 1 : 0, s ? sums : NULL, s ? 8 : 0, &n),
          "MEM_FREE");
    *tf = toc(dev, c, k + 1);
}

static void one_round(bool secure, double t[NOPS])
{
    struct graviton_ak_info ak;
    uint8_t nonce[GV_NONCE_LEN], mac[GV_TAG_LEN];
    struct gv_pte_summary fsum;
    struct gvrt_secure s;
    struct gvrt_dev dev;
    struct gv_quote q;
    struct clocks c;
    uint64_t fence;
    uint32_t h;

    check(gvrt_dev_open(&dev, 0), "open");
    if (secure) {
        check(gvrt_secure_init(&s), "UK pair");
        check(gvrt_dev_ak_info(&dev, &ak), "AK");
        for (size_t i = 0; i < sizeof(nonce); i++) {
            nonce[i] = (uint8_t)rand();
        }
    }
    c = tic(&dev);
    check(gvrt_chan_create_sum(&dev, secure, secure ? s.uk_pub : NULL,
                               secure ? nonce : NULL, secure ? &q : NULL,
                               secure ? &fsum : NULL, &h, &fence),
          "CHAN_CREATE");
    t[CREATE] = toc(&dev, c, CREATE);
    if (secure) {
        check(gvrt_quote_accept(&s, &q, ak.ak_pub, nonce), "quote");
        check(gvrt_summary_accept(&s, &fsum, false), "fence summary");
    }
    pages(&dev, secure ? &s : NULL, h, 0, &t[ALLOC_S], &t[FREE_S]);
    pages(&dev, secure ? &s : NULL, h, GRAVITON_MEM_BIG, &t[ALLOC_B],
          &t[FREE_B]);
    if (secure) {
        gvrt_mac_destroy(&s, h, mac);
    }
    c = tic(&dev);
    check(gvrt_chan_destroy(&dev, h, secure ? mac : NULL), "CHAN_DESTROY");
    t[DESTROY] = toc(&dev, c, DESTROY);
    if (secure) {
        gvrt_secure_fini(&s);
    }
    gvrt_dev_close(&dev);
}

void bench_commands(void)
{
    static double t[2][NOPS][MAX_REPS];
    static double sp[2][NOPS][NSPLIT][MAX_REPS];
    double dv[2][NOPS];

    calibrate();
    for (int i = 0; i < reps; i++) {
        for (int sec = 0; sec < 2; sec++) {
            double r[NOPS];

            one_round(sec, r);
            for (int k = 0; k < NOPS; k++) {
                t[sec][k][i] = r[k];
                dv[sec][k] = dev_ns[k];         /* the same every round */
                for (int j = 0; j < NSPLIT; j++) {
                    sp[sec][k][j][i] = split_us[k][j];
                }
            }
        }
    }
    for (int k = 0; k < NOPS; k++) {
        double n = median(t[0][k], reps), s = median(t[1][k], reps);

        if (machine) {
            printf("@@T1 %s %.1f %.1f %.2f %.2f\n", names[k], n, s,
                   dv[0][k] / 1e3, dv[1][k] / 1e3);
        } else {
            printf("%-12s %10.1f us %10.1f us (device model: %.2f / "
                   "%.2f us)\n", names[k], n, s, dv[0][k] / 1e3,
                   dv[1][k] / 1e3);
        }
        /* the split, per mode: total inv init crypto intr (medians) */
        for (int sec = 0; have_split && sec < 2; sec++) {
            double m[NSPLIT];

            for (int j = 0; j < NSPLIT; j++) {
                m[j] = median(sp[sec][k][j], reps);
            }
            printf(machine ? "@@T1S %s %s %.1f %.2f %.2f %.2f %.1f\n"
                           : "  %-12s %-6s total %.1f us: inv %.2f, init "
                             "%.2f, crypto %.2f, intr %.1f us\n",
                   names[k], sec ? "secure" : "normal",
                   median(t[sec][k], reps), m[S_INV], m[S_INIT],
                   m[S_CRYPTO], m[S_INTR]);
        }
    }
}
