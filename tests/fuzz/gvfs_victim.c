/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gvfs-replay's victim: what the guest's victim process (gvv,
 * tests/guest/attack/gvv.c) does for the guest fuzzer, on the host.
 *
 * Its context has two secure channels (VICTIM_CHID and the next, the
 * first the driver hands out; their rings in guest memory) and a secret in
 * a big page at the driver's first VA, whose last words are its streams'
 * fences.  A `victim` step runs as gvf_exec.c's exec_victim(): GVV_RUN,
 * the group gvrt_stream_run() makes of a NOP (the NOP and a FENCE of the
 * stream's next value, sealed with the next counter) submitted on the
 * stream's ring and, accepted, kept in the recording slot as gva_record()
 * would read it from guest memory, spent; GVV_SEAL, one FENCE group
 * sealed and handed over without a submission (gvv's do_seal()), kept,
 * not spent, and the victim "tainted": its counter moved, so the rest of
 * the input's victim steps are skipped, as the guest skips them (the
 * guest also taints it at a bootstrap group that aimed at its channels:
 * aims_at_victim()).  An `inject` replays a recording into a slot's
 * channel or, as gva_inject() does, into a victim channel's ring at its
 * PUT, then winds the ring back through a junk ring of empty entries;
 * a spent recording accepted again on a secure channel is a finding (the
 * guest's words).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gv_crypto.h"
#include "gvfs_replay.h"

/* ---- the victim oracle ---- */

bool secret_word(const struct world *w, uint64_t v)
{
    for (unsigned c = 0; c < w->ncanary; c++) {
        for (unsigned r = 0; r < 8; r++) {
            uint64_t s = 0;

            for (unsigned k = 0; k < 8; k++) {
                s |= (uint64_t)w->canary[c][(r + k) % 8] << (8 * k);
            }
            if (v == s) {
                return true;
            }
        }
    }
    return false;
}

/* Offset of an aligned word of @p[0, @len) that holds 8 bytes of a secret
 * (a copy of 15 bytes or more at any alignment has one), or -1. */
static int64_t secret_in(const struct world *w, const uint8_t *p, uint64_t len)
{
    bool byte[256] = { false };

    for (unsigned c = 0; c < w->ncanary; c++) {
        for (unsigned k = 0; k < 8; k++) {
            byte[w->canary[c][k]] = true;
        }
    }
    for (uint64_t k = 0; k + 8 <= len; k += 8) {
        uint64_t v;

        memcpy(&v, p + k, 8);
        if (byte[v & 0xff] && secret_word(w, v)) {
            return (int64_t)k;
        }
    }
    return -1;
}

static bool victim_alive(struct world *w)
{
    struct gv_dev *d = w->dev;

    return w->victim_up && d->locked && d->chsec &&
           d->chan[VICTIM_CHID].type == GV_CHAN_TYPE_SECURE &&
           d->chsec[VICTIM_CHID].incarnation == w->vic_inc[0];
}

/* What maps the victim's VA (a big page), walking its tables. */
static uint64_t victim_va(struct world *w)
{
    unsigned pgdi = (unsigned)(VICTIM_VA >> GV_PDE_SHIFT);
    uint64_t pde = gv_pde_get(w->dev, VICTIM_CHID, pgdi, true), pte;

    if (!(pde & GV_PDE_VALID) ||
        (pde & GV_PTE_ADDR_MASK) >= gv_dev_vram_size(w->dev)) {
        return 0;
    }
    pte = *gv_pte_ptr(w->dev, pde & GV_PTE_ADDR_MASK, 0);
    return pte & GV_PTE_VALID ? pte & GV_PTE_ADDR_MASK : 0;
}

/* The VA of stream @st's fence: the last words of the victim's page */
static uint64_t fence_va(unsigned st)
{
    return VICTIM_VA + GV_BIG_PAGE_SIZE - 8 * (st + 1ull);
}

/* The first byte of the live victim's page that is not its secret, or -1;
 * a fence word holds the secret or a value its stream's fences wrote. */
static int64_t page_changed(const struct world *w)
{
    const uint8_t *cur = w->canary[w->ncanary - 1];
    const uint8_t *pg = w->dev->vram + w->vic_page;
    uint64_t end = GV_BIG_PAGE_SIZE - 8 * GVV_MAX_STREAMS;

    for (uint64_t k = 0; k < end; k++) {
        if (pg[k] != cur[k % 8]) {
            return (int64_t)k;
        }
    }
    for (unsigned st = 0; st < GVV_MAX_STREAMS; st++) {
        uint64_t k = fence_va(st) - VICTIM_VA, v, c;

        memcpy(&v, pg + k, 8);
        memcpy(&c, cur, 8); /* k is a multiple of 8 */
        if (v != c && (v == 0 || v > w->vic_seq[st])) {
            return (int64_t)k;
        }
    }
    return -1;
}

int secret_check(struct world *w, char *why, size_t len)
{
    struct gv_dev *d = w->dev;
    uint64_t npages = w->vram / 4096;
    bool alive = victim_alive(w);
    unsigned char *res = malloc(npages);
    int64_t at;
    int r = 0;

    if (alive && victim_va(w) != w->vic_page) {
        snprintf(why, len,
                 "the live victim's VA 0x%llx maps 0x%" PRIx64
                 ", not its page 0x%" PRIx64,
                 VICTIM_VA, victim_va(w), w->vic_page);
        free(res);
        return -1;
    }
    if (alive && (at = page_changed(w)) >= 0) {
        snprintf(why, len,
                 "the live victim's page 0x%" PRIx64
                 " changed at byte %" PRId64,
                 w->vic_page, at);
        free(res);
        return -1;
    }
    if (!res || mincore(d->vram, w->vram, res) != 0) {
        free(res);
        res = NULL;
    }
    for (uint64_t pg = 0; pg < npages && r == 0; pg++) {
        uint64_t pa = pg * 4096;

        if ((res && !(res[pg] & 1)) || (alive && pa >= w->vic_page &&
                                        pa < w->vic_page + GV_BIG_PAGE_SIZE)) {
            continue;
        }
        if ((at = secret_in(w, d->vram + pa, 4096)) >= 0) {
            snprintf(why, len,
                     "a victim's secret at device address 0x%" PRIx64
                     " (%s, victim %s)",
                     pa + (uint64_t)at,
                     gv_region_of(d, pa, 4096) == GV_REGION_PROT
                         ? "protected"
                         : "not protected",
                     alive ? "alive" : "destroyed");
            r = -1;
        }
    }
    free(res);
    if (r == 0 && (at = secret_in(w, w->td->guest, TD_GUEST_SIZE)) >= 0) {
        snprintf(why, len, "a victim's secret in guest memory at 0x%" PRIx64,
                 (uint64_t)(TD_GUEST_BASE + (uint64_t)at));
        r = -1;
    }
    return r;
}

/* ---- the victim's context ---- */

int victim_up(struct world *w)
{
    struct td *td = w->td;
    uint8_t *fill = malloc(GV_BIG_PAGE_SIZE);
    unsigned pgdi = (unsigned)(VICTIM_VA >> GV_PDE_SHIFT);
    uint64_t table, pte;
    uint8_t *c;

    if (!fill || w->ncanary == CANARIES) {
        free(fill);
        return -1;
    }
    memset(&w->victim, 0, sizeof(w->victim));
    if (td_create_secure(td, VICTIM_CHID, &w->victim) ||
        td_create_secure(td, VICTIM_CHID + 1, &w->victim)) {
        free(fill);
        return -1;
    }
    table = td_table(td, VICTIM_CHID, pgdi, true);
    td_pde(td, VICTIM_CHID + 1, pgdi, true, table);
    w->vic_page = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    pte = w->vic_page | GV_PTE_VALID;
    if (td_pte(td, VICTIM_CHID, pgdi, 0, 1, &pte, true, NULL, NULL)) {
        free(fill);
        return -1;
    }
    c = w->canary[w->ncanary++];
    gvc_random(c, 8);
    c[0] |= 1; /* never a word of zeros */
    for (uint64_t k = 0; k < GV_BIG_PAGE_SIZE; k++) {
        fill[k] = c[k % 8];
    }
    gv_debug_write(w->dev, w->vic_page, fill, GV_BIG_PAGE_SIZE);
    free(fill);
    w->vic_inc[0] = w->dev->chsec[VICTIM_CHID].incarnation;
    w->vic_inc[1] = w->dev->chsec[VICTIM_CHID + 1].incarnation;
    memset(w->vic_seq, 0, sizeof(w->vic_seq));
    memset(w->vic_put, 0, sizeof(w->vic_put));
    w->tainted = false;
    w->victim_up = true;
    return 0;
}

/* ---- recordings ---- */

/* gvf_exec.c's keep(): @len bytes at @g into recording slot @ri */
static void keep(struct world *w, unsigned ri, const uint8_t *g, uint32_t len,
                 bool spent)
{
    uint8_t *c = malloc(len ? len : 1);

    if (!c) {
        return;
    }
    memcpy(c, g, len);
    free(w->rec[ri]);
    w->rec[ri] = c;
    w->rec_len[ri] = len;
    w->rec_spent[ri] = spent;
}

void recs_clear(struct world *w)
{
    for (unsigned i = 0; i < RECS; i++) {
        free(w->rec[i]);
        w->rec[i] = NULL;
        w->rec_len[i] = 0;
        w->rec_spent[i] = false;
    }
}

void record_own(struct world *w, unsigned ri, const struct slot *sl)
{
    keep(w, ri % RECS, sl->last, sl->last_len, false);
}

/* ---- the victim's steps ---- */

bool aims_at_victim(const uint8_t *cmds, uint32_t len, uint32_t upto)
{
    uint32_t off = 0;

    for (uint32_t i = 0; off + 12 <= len && i <= upto; i++) {
        uint32_t size, chid;

        memcpy(&size, cmds + off + 4, 4);
        memcpy(&chid, cmds + off + 8, 4);
        if (chid - VICTIM_CHID < GVV_MAX_STREAMS) {
            return true;
        }
        if (size < 8 || size % 8) {
            break;
        }
        off += size;
    }
    return false;
}

/* GVV_RUN (gvrt_stream_run() of a NOP: the NOP and the stream's next
 * fence, sealed, submitted, recorded when accepted) or GVV_SEAL (do_seal()
 * of one group: a fence sealed and handed over, the victim tainted). */
int exec_victim(struct world *w, const struct gvf_step *s, struct outcome *o)
{
    unsigned st = s->chan % GVV_MAX_STREAMS, chid = VICTIM_CHID + st;
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                              .va = fence_va(st),
                              .value = w->vic_seq[st] + 1 };
    uint8_t cmds[sizeof(nop) + sizeof(f)], sealed[sizeof(cmds) + 64];
    uint8_t *g = guest(w, G_VICTIM(st));
    uint32_t n;
    int r;

    if (!w->victim_up || w->tainted) {
        o->skip = "the victim is tainted: a withheld group or a bootstrap "
                  "group aimed at its channels (the guest skips it too)";
        return -ENOENT;
    }
    if (s->a == GVV_SEAL) {
        n = gvrt_seal_group(&w->victim, chid, &f, sizeof(f), sealed);
        if (n) {
            keep(w, s->b % RECS, sealed, n, false);
            w->vic_seq[st]++;
        }
        w->tainted = true; /* its counter moved without a submission */
        return n ? 0 : -EIO;
    }
    memcpy(cmds, &nop, sizeof(nop));
    memcpy(cmds + sizeof(nop), &f, sizeof(f));
    n = gvrt_seal_group(&w->victim, chid, cmds, sizeof(cmds), g);
    if (!n) {
        return -EIO;
    }
    r = submit(w, chid, &w->vic_put[st], G_VICTIM(st), n, 0, &o->rule);
    if (r == 0) {
        w->vic_seq[st]++;
        keep(w, s->b % RECS, g, n, true); /* gva_record() of its entry */
    }
    return r;
}

/* gva_inject(): @g on victim channel @chid's ring at its PUT, the doorbell,
 * the verdict; then the entry as it was and GET wound back to PUT through
 * a junk ring of empty entries (each fails and is acknowledged). */
static int inject_victim(struct world *w, unsigned chid, const uint8_t *g,
                         uint32_t len, struct outcome *o)
{
    uint64_t base = chan_rd(w, chid, GV_CHAN_RING_LO) |
                    (uint64_t)chan_rd(w, chid, GV_CHAN_RING_HI) << 32;
    uint32_t n = chan_rd(w, chid, GV_CHAN_RING_ENTRIES);
    uint32_t p = chan_rd(w, chid, GV_CHAN_PUT), before;
    struct gv_gpfifo_entry old, e = { .addr = G_INJECT, .len = len };
    uint64_t at = base + p * (uint64_t)sizeof(e);
    int code;

    if (!n || n > JUNK_ENTRIES || chan_rd(w, chid, GV_CHAN_GET) != p ||
        len > INJECT_MAX) {
        o->skip = "the victim's ring is busy or longer than the junk ring "
                  "(the guest skips it too)";
        return -EBUSY;
    }
    if (at < TD_GUEST_BASE || at + sizeof(e) > TD_GUEST_BASE + TD_GUEST_SIZE) {
        o->skip = "the victim's ring is outside the bench's guest memory "
                  "(a register step moved it to a guest address)";
        o->host_only = true;
        return -EFAULT;
    }
    memcpy(guest(w, G_INJECT), g, len);
    memcpy(&old, guest(w, at), sizeof(old));
    memcpy(guest(w, at), &e, sizeof(e));
    before = rd(w, GV_REG_ERROR_COUNT);
    chan_wr(w, chid, GV_CHAN_PUT, (p + 1) % n);
    code = chan_rd(w, chid, GV_CHAN_GET) != (p + 1) % n
               ? -EAGAIN
               : verdict(w, chid, before, &o->rule);
    memcpy(guest(w, at), &old, sizeof(old));
    memset(guest(w, G_JUNK), 0, JUNK_ENTRIES * sizeof(e));
    chan_wr(w, chid, GV_CHAN_RING_LO, (uint32_t)G_JUNK);
    chan_wr(w, chid, GV_CHAN_RING_HI, (uint32_t)(G_JUNK >> 32));
    chan_wr(w, chid, GV_CHAN_RING_ENTRIES, n);
    if (p) {
        chan_wr(w, chid, GV_CHAN_PUT, p);
        for (uint32_t i = 0; i <= n && chan_rd(w, chid, GV_CHAN_GET) != p;
             i++) {
            chan_wr(w, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
        }
    }
    chan_wr(w, chid, GV_CHAN_RING_LO, (uint32_t)base);
    chan_wr(w, chid, GV_CHAN_RING_HI, (uint32_t)(base >> 32));
    chan_wr(w, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    wr(w, GV_REG_ERROR_ACK, 1);
    return code;
}

/* A recording (trimmed, a bit flipped) into a slot's channel or one of
 * the victim's; a spent one accepted again on a secure channel is the
 * step's own finding. */
int exec_inject(struct world *w, const struct gvf_step *s, struct outcome *o)
{
    unsigned ri = s->a % RECS;
    uint32_t flip = (uint32_t)s->b, trim = (uint32_t)(s->b >> 32), len;
    uint8_t g[GVF_DATA_MAX + 64];
    int r;

    if (!w->rec[ri] || trim >= w->rec_len[ri]) {
        o->skip = "no such recording (the guest skips it too)";
        return -ENOENT;
    }
    len = w->rec_len[ri] - trim;
    memcpy(g, w->rec[ri], len);
    if (flip && flip - 1 < 8 * len) {
        g[(flip - 1) / 8] ^= (uint8_t)(1u << ((flip - 1) % 8));
    }
    if (s->chan < GVF_SLOTS) {
        struct slot *sl = &w->slot[s->chan];

        if (!sl->live || len > GVA_HOST_OFF) {
            o->skip = "no channel in the slot (the guest skips it too)";
            return -ENOENT;
        }
        memcpy(guest(w, G_SLOT(s->chan)), g, len);
        r = submit(w, sl->chid, &sl->put, G_SLOT(s->chan), len, 0, &o->rule);
    } else if (w->victim_up) {
        r = inject_victim(w,
                          VICTIM_CHID +
                              (s->chan - GVF_SLOTS) % GVV_MAX_STREAMS,
                          g, len, o);
    } else {
        o->skip = "no victim (the guest skips it too)";
        return -ENOENT;
    }
    if (r == 0 && w->rec_spent[ri] &&
        (s->chan >= GVF_SLOTS || w->slot[s->chan].secure)) {
        snprintf(w->why, sizeof(w->why),
                 "a group the victim ran was accepted again (record %u, %u "
                 "of %u bytes, bit %u flipped) on %s",
                 ri, len, w->rec_len[ri], flip,
                 s->chan >= GVF_SLOTS ? "its own channel"
                                      : "the fuzzer's secure channel");
    }
    if (r == 0 && s->chan >= GVF_SLOTS) {
        w->rec_spent[ri] = true; /* a withheld group, delivered */
    }
    return r;
}
