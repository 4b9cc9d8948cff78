/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: latency of the management commands in the device core,
 * beside the totals of the Graviton paper's Table 1.
 *
 * Each command is submitted the way the driver does it (a command group in
 * guest memory, a ring entry, a PUT doorbell) and timed from the doorbell
 * to its return: fetch, checks, page initialisation, crypto.  The paper's
 * totals also contain its prototype's MMIO traps and a host interrupt per
 * command (it emulated the commands in the host driver); ours has
 * neither, so compare orders of magnitude, not a like-for-like race.
 *
 * CH_DESTROY is also timed on devices of 256 MiB and 8 GiB with the same
 * channel contents: its cost follows what the channel maps, not the size
 * of device memory (the paper's prototype walked all of it: 10.6 ms).
 *
 * Each command's time is also split as the paper's Table 1 splits it,
 * from the device's profile registers (GV_REG_PROF_*, read before and
 * after the command, outside its timing): init (clearing device
 * memory), crypto (quote, MACs, summaries, the keyed hash) and inv (the
 * rest: fetch, decode, checks, PMM and table updates).  There is no MMIO
 * trap or interrupt in-process: those columns are the guest's
 * (gv-cuda-bench cmds).
 *
 *   bench-cp [--runs N]      median of N repetitions (default 100)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gv_testdev.h"

enum { CREATE_SEC, CREATE_NORM, PDE_SMALL, PDE_BIG, PTE_SMALL, PTE_BIG,
       MEASURE, UNMAP_SMALL, UNMAP_BIG, DESTROY, NROWS };

static const struct {
    const char *name;
    double paper_us;    /* Table 1: Base + Inv + Init + Crypto + Intr */
} rows[NROWS] = {
    [CREATE_SEC] = { "CH_CREATE secure (quote: ECIES + ECDSA)", 2330 },
    [CREATE_NORM] = { "CH_CREATE normal", 0 },
    [PDE_SMALL] = { "CH_PDE small (256 KiB table)", 3950 },
    [PDE_BIG] = { "CH_PDE big (8 KiB table)", 183 },
    [PTE_SMALL] = { "CH_PTE small, 8 entries + summary", 125 },
    [PTE_BIG] = { "CH_PTE big, 8 entries + summary", 404 },
    [MEASURE] = { "CH_MEASURE 64 KiB (HMAC)", 0 },
    [UNMAP_SMALL] = { "CH_PTE unmap small, 8 entries (MAC, scrub)", 0 },
    [UNMAP_BIG] = { "CH_PTE unmap big, 8 entries (MAC, scrub)", 0 },
    [DESTROY] = { "CH_DESTROY authorised", 10684 },
};

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* The device's profile counter @sel (GV_PROF_*), through its registers. */
static uint64_t prof(struct td *td, uint32_t sel)
{
    uint64_t v;

    td_wr(td, GV_REG_PROF_SEL, sel);
    v = td_rd(td, GV_REG_PROF_LO);
    return v | (uint64_t)td_rd(td, GV_REG_PROF_HI) << 32;
}

/* The split of the last command timed with begin()/end(), µs. */
enum { SP_INIT, SP_CRYPTO, NSP };
static double split[NROWS][NSP];
static uint64_t p0[NSP];

static double begin(struct td *td)
{
    p0[SP_INIT] = prof(td, GV_PROF_INIT);
    p0[SP_CRYPTO] = prof(td, GV_PROF_CRYPTO);
    return now_us();
}

/* The command of row @row, begun at @t0, has returned: its µs. */
static double end(struct td *td, double t0, int row)
{
    double t = now_us() - t0;

    split[row][SP_INIT] = (double)(prof(td, GV_PROF_INIT) - p0[SP_INIT]) / 1e3;
    split[row][SP_CRYPTO] =
        (double)(prof(td, GV_PROF_CRYPTO) - p0[SP_CRYPTO]) / 1e3;
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return v[n / 2];
}

static void ok(int err, const char *what)
{
    if (err != GV_ERR_NONE) {
        fprintf(stderr, "bench-cp: %s failed with error %d\n", what, err);
        exit(1);
    }
}

/* Unmap 8 entries at @pgti with the runtime's MAC (timed), map them
 * again (not timed). */
static double unmap_once(struct td *td, struct gvrt_secure *s, unsigned chid,
                         unsigned pgti, const uint64_t *ptes, bool big,
                         int row)
{
    uint64_t zero[8] = { 0 }, page = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    struct gv_pte_summary sum;
    uint8_t mac[GV_TAG_LEN];
    double t0, t;

    gvrt_mac_unmap(s, chid, pgti * page, 8 * page, mac);
    t0 = begin(td);
    ok(td_pte(td, chid, 0, pgti, 8, zero, big, mac, &sum), "CH_PTE unmap");
    t = end(td, t0, row);
    ok(td_pte(td, chid, 0, pgti, 8, ptes, big, NULL, &sum), "CH_PTE remap");
    return t;
}

/* The host's memset of @len bytes, the scrub's floor (us, median). */
static double memset_us(size_t len, int runs)
{
    uint8_t *p = malloc(len);
    double *v = calloc(runs, sizeof(double)), m;

    for (int k = 0; k < runs; k++) {
        double t0 = now_us();

        memset(p, k, len);
        __asm__ volatile("" : : "r"(p) : "memory");
        v[k] = now_us() - t0;
    }
    m = median(v, runs);
    free(p);
    free(v);
    return m;
}

/* A secure channel with a small and a big table and 8 + 8 pages. */
static void populate(struct td *td, struct gvrt_secure *s, unsigned chid,
                     double *t)
{
    uint64_t ptes[8], bptes[8], st, bt;
    struct gv_pte_summary sum;
    struct gv_measurement m;
    double t0;

    st = td_alloc_prot(td, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE);
    bt = td_alloc_prot(td, GV_PGT_BIG_BYTES, GV_PAGE_SIZE);
    t0 = begin(td);
    ok(td_pde(td, chid, 0, false, st), "CH_PDE small");
    t[PDE_SMALL] = end(td, t0, PDE_SMALL);
    t0 = begin(td);
    ok(td_pde(td, chid, 0, true, bt), "CH_PDE big");
    t[PDE_BIG] = end(td, t0, PDE_BIG);
    for (int i = 0; i < 8; i++) {
        ptes[i] = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE) | GV_PTE_VALID;
        bptes[i] = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) |
                   GV_PTE_VALID;
    }
    t0 = begin(td);
    ok(td_pte(td, chid, 0, 0, 8, ptes, false, NULL, &sum), "CH_PTE small");
    t[PTE_SMALL] = end(td, t0, PTE_SMALL);
    t0 = begin(td);
    ok(td_pte(td, chid, 0, 8, 8, bptes, true, NULL, &sum), "CH_PTE big");
    t[PTE_BIG] = end(td, t0, PTE_BIG);
    t0 = begin(td);
    ok(td_measure(td, chid, 8ull * GV_BIG_PAGE_SIZE, 64 << 10, &m),
       "CH_MEASURE");
    t[MEASURE] = end(td, t0, MEASURE);
    /* authorised unmaps (the device scrubs what they free), then the
     * same mappings again for CH_DESTROY */
    t[UNMAP_SMALL] = unmap_once(td, s, chid, 0, ptes, false, UNMAP_SMALL);
    t[UNMAP_BIG] = unmap_once(td, s, chid, 8, bptes, true, UNMAP_BIG);
}

static double destroy_once(struct td *td, struct gvrt_secure *s, unsigned chid)
{
    uint8_t mac[GV_TAG_LEN];
    double t0;

    gvrt_mac_destroy(s, chid, mac);
    t0 = begin(td);
    ok(td_destroy(td, chid, mac), "CH_DESTROY");
    return end(td, t0, DESTROY);
}

int main(int argc, char **argv)
{
    int runs = 100;
    double *samples[NROWS], *ssp[NROWS][NSP], *d_small, *d_large;
    struct td *td, *big;
    struct gvrt_secure s = { 0 }, sb = { 0 };
    uint8_t ak_pub[GV_EC_PUB_LEN], ak_pub_big[GV_EC_PUB_LEN];

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else {
            runs = 0;
        }
    }
    if (runs < 1 || runs > 100000) {
        fprintf(stderr, "usage: bench-cp [--runs N]\n");
        return 2;
    }
    for (int r = 0; r < NROWS; r++) {
        samples[r] = calloc(runs, sizeof(double));
        for (int j = 0; j < NSP; j++) {
            ssp[r][j] = calloc(runs, sizeof(double));
        }
    }
    d_small = calloc(runs, sizeof(double));
    d_large = calloc(runs, sizeof(double));

    /* 256 MiB device: 16 MiB unprotected, 224 MiB protected.  Each run
     * creates, populates and destroys channels 1 (secure) and 2
     * (normal); the protected bump allocator restarts every run. */
    td = td_new(256ull << 20, 16ull << 20, 224ull << 20, true);
    big = td_new(8ull << 30, 64ull << 20, 7ull << 30, true);
    ok(td_create_secure(td, 3, &s), "first secure channel");    /* UK */
    ok(td_create_secure(big, 3, &sb), "first secure channel");
    td_read_bytes(td->dev, GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    td_read_bytes(big->dev, GV_REG_AK_PUB, ak_pub_big, sizeof(ak_pub_big));
    for (int k = 0; k < runs; k++) {
        uint64_t mark = td->prot_next, mark_big = big->prot_next;
        uint8_t nonce[GV_NONCE_LEN] = { 1 };
        struct gv_quote q;
        double t[NROWS], t0;

        t0 = begin(td);
        ok(td_create_at(td, 1, GV_CREATE_SECURE,
                        td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
                        td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
                        s.uk_pub, nonce, &q), "CH_CREATE secure");
        t[CREATE_SEC] = end(td, t0, CREATE_SEC);
        /* the runtime takes the new incarnation's keys (not timed) */
        ok(gvrt_quote_accept(&s, &q, ak_pub, nonce), "quote");
        t0 = begin(td);
        ok(td_create_normal(td, 2, 2), "CH_CREATE normal");
        t[CREATE_NORM] = end(td, t0, CREATE_NORM);
        populate(td, &s, 1, t);
        t[DESTROY] = destroy_once(td, &s, 1);
        ok(td_destroy(td, 2, NULL), "CH_DESTROY normal");
        for (int r = 0; r < NROWS; r++) {
            samples[r][k] = t[r];
            for (int j = 0; j < NSP; j++) {
                ssp[r][j][k] = split[r][j];
            }
        }
        d_small[k] = t[DESTROY];
        td->prot_next = mark;

        /* the same channel on an 8 GiB device */
        ok(td_create_at(big, 1, GV_CREATE_SECURE,
                        td_alloc_prot(big, GV_DESC_BYTES, GV_PAGE_SIZE),
                        td_alloc_prot(big, GV_PGD_BYTES, GV_PAGE_SIZE),
                        sb.uk_pub, nonce, &q), "CH_CREATE secure (8 GiB)");
        ok(gvrt_quote_accept(&sb, &q, ak_pub_big, nonce), "quote (8 GiB)");
        populate(big, &sb, 1, t);
        d_large[k] = destroy_once(big, &sb, 1);
        big->prot_next = mark_big;
    }

    printf("Management-command latency in the device core, median of %d "
           "runs (us)\n\n", runs);
    printf("%-44s %12s %14s %8s\n", "command", "this device",
           "paper Table 1", "ratio");
    for (int r = 0; r < NROWS; r++) {
        double m = median(samples[r], runs);

        if (rows[r].paper_us > 0) {
            printf("%-44s %12.1f %14.0f %7.0fx\n", rows[r].name, m,
                   rows[r].paper_us, rows[r].paper_us / m);
        } else {
            printf("%-44s %12.1f %14s %8s\n", rows[r].name, m, "-", "-");
        }
    }
    printf("\nThe paper's split of each command (us, median): inv (fetch, "
           "decode, checks,\nPMM and table updates), init (clearing device "
           "memory), crypto\n");
    for (int r = 0; r < NROWS; r++) {
        double tot = median(samples[r], runs);
        double in = median(ssp[r][SP_INIT], runs);
        double cr = median(ssp[r][SP_CRYPTO], runs);

        printf("split  %-44s inv %8.1f  init %8.1f  crypto %8.1f\n",
               rows[r].name, tot - in - cr > 0 ? tot - in - cr : 0, in, cr);
    }
    printf("\nCH_DESTROY of the same channel (2 tables, 8 + 8 pages):\n");
    printf("  256 MiB device  %8.1f us\n", median(d_small, runs));
    printf("  8 GiB device    %8.1f us   (ratio %.2f: cost follows the "
           "channel, not device memory)\n", median(d_large, runs),
           median(d_large, runs) / median(d_small, runs));
    printf("\nScrubbing freed secure pages on authorised unmaps too: the "
           "host's memset of the\nsame bytes takes %.1f us (32 KiB) and "
           "%.1f us (1 MiB), the floor of that cost.\n",
           memset_us(32 << 10, runs), memset_us(1 << 20, runs));
    printf("\nPaper totals add MMIO traps and a host interrupt per command; "
           "ratio = paper / this device.\n");

    gvrt_secure_fini(&s);
    gvrt_secure_fini(&sb);
    td_free(td);
    td_free(big);
    for (int r = 0; r < NROWS; r++) {
        free(samples[r]);
        for (int j = 0; j < NSP; j++) {
            free(ssp[r][j]);
        }
    }
    free(d_small);
    free(d_large);
    return 0;
}
