/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every attack program of the suite shares: the attacker (libgvattack)
 * and the victim (gvv) set up, and the three kinds of check each attack
 * makes (docs/attacker.md):
 *
 *   (a) the device refuses, with the expected error code: REFUSED();
 *   (b) the secret appears nowhere the attacker can read: atk_no_leak()
 *       scans all of unprotected memory (BAR2), the victim's and the
 *       driver's DMA buffers (guest RAM), the registers, and whatever the
 *       attack itself got back;
 *   (c) the victim still works, or fails safe: atk_victim_ok() has it copy
 *       its secret out through its secure channel and compare.
 */
#ifndef ATK_H
#define ATK_H

#include <unistd.h>

#include "../gvtest.h"
#include "gva.h"
#include "gvv.h"

#define REFUSED(got, want, ...)                                            \
    do {                                                                   \
        int got_ = (got), want_ = (want);                                  \
        char what_[200];                                                   \
        snprintf(what_, sizeof(what_), __VA_ARGS__);                       \
        CHECK(got_ == want_, "%s: %s (expected %s)", what_,                \
              gva_err_name(got_), gva_err_name(want_));                    \
    } while (0)

#define ACCEPTED(got, ...) REFUSED(got, 0, __VA_ARGS__)

/* The attacker and a victim with @nstreams streams and a secret region of
 * @secret bytes; exits on failure (nothing to attack). */
static inline void atk_setup(struct gva *a, struct gvv *v, unsigned nstreams,
                             uint64_t secret)
{
    int r = gvv_start(v, nstreams, secret);

    CHECK(r == 0, "victim: secure context, %u stream(s), %llu-byte secret "
          "written by secure copy (%d)", nstreams,
          (unsigned long long)secret, r);
    if (r) {
        exit(gvtest_done());
    }
    r = gva_open(a);
    CHECK(r == 0, "attacker: /dev/gv_attack, BARs mapped, own bootstrap "
          "channel %u (%d)", GVA_CHID_BOOT, r);
    if (r) {
        gvv_stop(v);
        exit(gvtest_done());
    }
}

/* A DMA buffer of channel @chid's (its host window: the victim's command
 * buffer), read through guest RAM. */
static inline bool atk_scan_hostwin(struct gva *a, unsigned chid,
                                    const uint8_t *secret)
{
    uint64_t base = gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_LO) |
                    (uint64_t)gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_HI) << 32;
    uint32_t size = gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_SIZE);
    uint8_t *b = size ? malloc(size) : NULL;
    bool found = false;

    if (b && gva_phys_read(a, base, b, size) == 0) {
        found = gva_scan(b, size, secret, GVV_SECRET_LEN);
    }
    free(b);
    return found;
}

/* (b): nothing the attacker can read holds the secret. */
static inline void atk_no_leak(struct gva *a, struct gvv *v, const char *when)
{
    const uint8_t *s = v->info.secret;
    bool bar = gva_scan_bar2(a, 0, a->unprot, s, GVV_SECRET_LEN);
    bool win = false;
    uint8_t *boot = malloc(64u << 10);
    struct gv_gpfifo_entry e;
    uint8_t *g = NULL;

    for (unsigned i = 0; i < v->info.nstreams; i++) {
        win |= atk_scan_hostwin(a, v->info.chid[i], s);
    }
    /* the driver's bootstrap buffer: quotes, summaries, measurements */
    if (boot && gva_record(a, 0, -1, &e, &g) == 0 &&
        gva_phys_read(a, e.addr, boot, 64u << 10) == 0) {
        win |= gva_scan(boot, 64u << 10, s, GVV_SECRET_LEN);
    }
    free(g);
    free(boot);
    /* the attacker's own: its groups and every result the device wrote */
    win |= gva_scan(a->boot_buf.cpu, a->boot_buf.size, s, GVV_SECRET_LEN);
    CHECK(!bar && !win && !gva_scan_regs(a, s, GVV_SECRET_LEN),
          "%s: the secret is nowhere the attacker reads (all %llu MiB of "
          "unprotected memory through BAR2, the victim's command buffers "
          "and the driver's bootstrap buffer in guest RAM, the attacker's "
          "own DMA buffer of results, the registers)",
          when, (unsigned long long)(a->unprot >> 20));
}

/* (c): the victim's secret still round-trips through its secure channel */
static inline void atk_victim_ok(struct gvv *v, unsigned stream,
                                 const char *when)
{
    int r = gvv_cmd(v, GVV_CHECK, stream, 0, NULL, 0, NULL);

    CHECK(r == 0, "%s: the victim's secure copy-out still returns its "
          "secret (%d)", when, r);
}

static inline int atk_finish(struct gva *a, struct gvv *v)
{
    int st = v->pid > 0 ? gvv_stop(v) : 0;

    CHECK(st == 0, "victim exited cleanly (%d)", st);
    gva_close(a);
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}

/* Bitmap helpers for gva_owned_map() */
static inline bool atk_bit(const uint8_t *m, uint64_t i)
{
    return m[i / 8] >> (i % 8) & 1;
}

/*
 * Where the victim's secret lives.  A malicious driver knows: it chose the
 * pages.  Ours is honest and does not say, so the attacker finds them the
 * way any driver could: it tries to map every protected page into a
 * channel of its own, before and after the victim writes its secret; the
 * pages that became another context's are the secret's data pages and the
 * new page table that maps them (64 pages).  The driver allocates data
 * pages first, then the table, first-fit: the data pages are the first of
 * the new ones, the table a run of 64 after them.
 */
struct atk_pages {
    uint64_t data[64];
    unsigned ndata;
    uint64_t table;             /* 0: none found */
};

static inline uint64_t atk_prot_used_end(struct gva *a)
{
    struct gva_drv_state s;

    if (gva_drv_state(&s) != 0) {
        return a->unprot + (16u << 20);
    }
    return a->unprot + (a->prot - s.prot_free) + (2u << 20);
}

/* The victim must have been started without a secret (@secret_len 0);
 * this writes it (GVV_SECRET) between the two sweeps. */
static inline int atk_find_secret(struct gva *a, struct gvv *v,
                                  struct gva_chan *probe, uint64_t probe_va,
                                  uint64_t secret_len, struct atk_pages *p)
{
    uint64_t end0 = atk_prot_used_end(a), end1, n0, n1, run = 0;
    uint8_t *before = gva_owned_map(a, probe, probe_va, a->unprot, end0, &n0);
    uint8_t *after;
    unsigned want = (unsigned)((secret_len + GV_PAGE_SIZE - 1) /
                               GV_PAGE_SIZE);
    int r = gvv_cmd(v, GVV_SECRET, 0, secret_len, NULL, 0, NULL);

    memset(p, 0, sizeof(*p));
    if (r || !before) {
        free(before);
        return r ? r : -ENOMEM;
    }
    end1 = atk_prot_used_end(a);
    after = gva_owned_map(a, probe, probe_va, a->unprot, end1, &n1);
    for (uint64_t i = 0; after && i <= n1; i++) {
        bool fresh = i < n1 && atk_bit(after, i) &&
                     !(i < n0 && atk_bit(before, i));

        if (fresh) {
            run++;
            continue;
        }
        /* a run ended at page i: data pages first, a table of 64 last */
        for (uint64_t k = i - run; k < i; k++) {
            uint64_t pa = a->unprot + (k << GV_PAGE_SHIFT);

            if (run >= 64 && k >= i - 64) {
                if (!p->table) {
                    p->table = a->unprot + ((i - 64) << GV_PAGE_SHIFT);
                }
            } else if (p->ndata < 64) {
                p->data[p->ndata++] = pa;
            }
        }
        run = 0;
    }
    free(before);
    free(after);
    return p->ndata == want ? 0 : -ENOENT;
}

/* After a device reset: the honest driver is reloaded (it resets the
 * device again at unbind and locks the regions at probe). */
static inline int atk_reload_driver(void)
{
    int r = system("rmmod graviton && insmod /lib/modules/graviton.ko");

    return r == 0 && access("/dev/graviton0", F_OK) == 0 ? 0 : -1;
}

#endif /* ATK_H */
