/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: running steps on the device.
 *
 * The world is the victim (a secure context with two streams through the
 * honest driver) and the attacker (libgvattack).  Each input starts from
 * a fresh attacker: its own bootstrap channel, a pool of pages it aims
 * management commands at, no channels of its own; at its end every
 * channel that is not the driver's is destroyed.  A step the device
 * accepts that may take the victim's channels away (a CH_* aimed at
 * them, a withheld sealed group) marks the victim "tainted": it is
 * started again instead of being checked (a driver may always deny
 * service; it may never read or corrupt).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gvf.h"
#include "gvrt_secure.h"

#define DMA_SIZE        (1u << 20)
#define DMA_GROUP_OFF   0u
#define WAIT_MS         3000

static void barrier(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- the world ---- */

static void known(struct gvf_world *w)
{
    struct gvf_known *k = &w->k;
    struct gva *a = &w->a;
    struct gva_drv_state ds;

    k->unprot = a->unprot;
    k->prot = a->prot;
    k->vram = a->vram_size;
    k->hidden = a->hidden_base;
    k->dma_bus = w->dma.bus;
    k->bar0_bus = a->info.bar0_bus;
    k->bar2_bus = a->info.bar2_bus;
    k->vic_lo = a->unprot;
    k->vic_hi = a->unprot + (16u << 20);
    for (unsigned i = 0; i < GVV_MAX_STREAMS; i++) {
        k->vic_chid[i] = w->v.info.chid[i % w->v.info.nstreams];
        k->vic_fence_va[i] = w->v.info.fence_va[i % w->v.info.nstreams];
    }
    if (gva_drv_state(&ds) == 0) {
        k->vic_hi = a->unprot + (a->prot - ds.prot_free);
        for (unsigned c = 0; c < ds.nchans; c++) {
            for (unsigned i = 0; i < GVV_MAX_STREAMS; i++) {
                if (ds.chan[c].chid == k->vic_chid[i]) {
                    k->vic_desc[i] = ds.chan[c].desc;
                    k->vic_pgd[i] = ds.chan[c].pgd;
                }
            }
        }
    }
}

static int attacker_up(struct gvf_world *w)
{
    int r = gva_open(&w->a);

    if (r) {
        return r;
    }
    w->open = true;
    r = gva_dma_alloc(&w->a, DMA_SIZE, &w->dma);
    if (r) {
        return r;
    }
    known(w);
    return 0;
}

/* The attacker's bootstrap channel still there (no reset since)? */
static bool boot_alive(struct gvf_world *w)
{
    return w->open && gva_rd(&w->a, GV_REG_REGION_LOCK) == 1 &&
           (gva_chan_rd(&w->a, GVA_CHID_BOOT, GV_CHAN_STATUS) &
            GV_CHAN_TYPE_MASK) == GV_CHAN_TYPE_BOOTSTRAP;
}

static void attacker_down(struct gvf_world *w)
{
    bool alive = boot_alive(w);

    for (unsigned s = 0; s < GVF_SLOTS; s++) {
        if (w->slot[s].live && !alive) {
            w->slot[s].ch.chid = GV_MAX_CHANNELS;   /* nothing to destroy */
        }
        if (w->slot[s].live) {
            gva_chan_destroy(&w->a, &w->slot[s].ch);
            w->slot[s].live = false;
        }
    }
    if (w->open) {
        gva_dma_free(&w->a, &w->dma);
        gva_close(&w->a);
        w->open = false;
    }
}

static void recs_clear(struct gvf_world *w)
{
    for (unsigned i = 0; i < GVF_RECS; i++) {
        free(w->rec[i].g);
        w->rec[i].g = NULL;
        w->rec[i].len = 0;
    }
}

static int reload_driver(void)
{
    int r = system("rmmod graviton && insmod /lib/modules/graviton.ko");

    return r == 0 && access("/dev/graviton0", F_OK) == 0 ? 0 : -1;
}

/* Victim and attacker; with @reload, the honest driver first. */
static int world_build(struct gvf_world *w, bool reload)
{
    int r;

    if (reload && reload_driver() != 0) {
        fprintf(stderr, "gv-fuzz: the driver did not reload\n");
        return -EIO;
    }
    r = gvv_start(&w->v, GVV_MAX_STREAMS, 4096);
    if (r) {
        fprintf(stderr, "gv-fuzz: victim did not start (%d)\n", r);
        return r;
    }
    w->victim_up = true;
    w->tainted = false;
    return attacker_up(w);
}

int gvf_world_up(struct gvf_world *w)
{
    memset(w, 0, sizeof(*w));
    for (unsigned i = 0; i < GVF_KERNELS; i++) {
        uint32_t size = 0;

        w->kern[i] = gvf_kernel(i, &size);
        w->k.kern_size[i] = size;
        if (!w->kern[i] ||
            GVF_KERN_OFF(i) + size > (i < 7 ? GVF_KERN_OFF(i + 1)
                                            : GVF_KERN_OFF(8) + 2048u)) {
            return -EINVAL;     /* the layout of GVF_KERN_OFF */
        }
    }
    return world_build(w, false);
}

void gvf_world_down(struct gvf_world *w)
{
    attacker_down(w);
    if (w->victim_up) {
        gvv_stop(&w->v);
        w->victim_up = false;
    }
    recs_clear(w);
    for (unsigned i = 0; i < GVF_KERNELS; i++) {
        free(w->kern[i]);
        w->kern[i] = NULL;
    }
}

/* Everything again: after a device reset, or a victim that is gone. */
static int world_rebuild(struct gvf_world *w, bool reload)
{
    uint32_t ks[GVF_KERNELS];
    int r;

    memcpy(ks, w->k.kern_size, sizeof(ks));
    attacker_down(w);
    if (w->victim_up) {
        gvv_stop(&w->v);
        w->victim_up = false;
    }
    recs_clear(w);
    r = world_build(w, reload);
    if (r && !reload) {
        attacker_down(w);
        if (w->victim_up) {
            gvv_stop(&w->v);
            w->victim_up = false;
        }
        r = world_build(w, true);
    }
    memcpy(w->k.kern_size, ks, sizeof(ks));
    return r;
}

/* The channels that are neither the driver's nor free: destroyed. */
static void sweep_foreign(struct gvf_world *w)
{
    struct gva *a = &w->a;

    for (unsigned c = 1; c < GVA_CHID_BOOT; c++) {
        uint32_t t = gva_chan_rd(a, c, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK;
        bool mine = true;

        for (unsigned i = 0; i < w->v.info.nstreams; i++) {
            mine &= c != w->v.info.chid[i];
        }
        if (!mine || t == GV_CHAN_TYPE_FREE) {
            continue;
        }
        if (t == GV_CHAN_TYPE_BOOTSTRAP) {
            gva_chan_wr(a, c, GV_CHAN_CTRL, GV_CHAN_CTRL_RELEASE);
        } else {
            gva_ch_destroy(a, c, NULL);
        }
    }
}

int gvf_input_begin(struct gvf_world *w)
{
    struct gva *a = &w->a;
    uint32_t ks[GVF_KERNELS];

    if (!w->open || gva_rd(a, GV_REG_REGION_LOCK) != 1 || !w->victim_up) {
        int r = world_rebuild(w, gva_rd(a, GV_REG_REGION_LOCK) != 1);

        if (r) {
            return r;
        }
    }
    /* a fresh attacker: its page allocators start from the top again */
    memcpy(ks, w->k.kern_size, sizeof(ks));
    a->prot_next = a->hidden_base;
    a->unprot_next = a->unprot;
    a->chid_next = GVA_CHID_BOOT - 1;
    gva_prot_pages(a, 1u << 20);        /* a pool for raw CH_* */
    w->k.own_prot = a->prot_next;
    w->k.own_unprot = gva_unprot_pages(a, 256u << 10);
    memcpy(w->k.kern_size, ks, sizeof(ks));
    gva_err_ack(a);
    return 0;
}

void gvf_input_end(struct gvf_world *w)
{
    bool alive = boot_alive(w);

    for (unsigned s = 0; s < GVF_SLOTS; s++) {
        if (w->slot[s].live && !alive) {
            w->slot[s].ch.chid = GV_MAX_CHANNELS;
        }
        if (w->slot[s].live) {
            gva_chan_destroy(&w->a, &w->slot[s].ch);
            w->slot[s].live = false;
        }
    }
    if (!w->open || gva_rd(&w->a, GV_REG_REGION_LOCK) != 1) {
        return;
    }
    sweep_foreign(w);
    /* the bootstrap channel may have been taken apart by MMIO steps */
    if ((gva_chan_rd(&w->a, GVA_CHID_BOOT, GV_CHAN_STATUS) &
         GV_CHAN_TYPE_MASK) != GV_CHAN_TYPE_BOOTSTRAP ||
        gva_chan_rd(&w->a, GVA_CHID_BOOT, GV_CHAN_GET) != w->a.boot_put) {
        attacker_down(w);
        attacker_up(w);
    }
    /* a victim that may have lost its channels: still working? */
    if (w->tainted && w->victim_up &&
        gvv_cmd(&w->v, GVV_CHECK, 0, 0, NULL, 0, NULL) == 0) {
        w->tainted = false;
    }
    if (w->tainted) {
        world_rebuild(w, false);
    }
}

/* ---- submitting ---- */

static int wait_get(struct gva *a, unsigned chid, uint32_t target)
{
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned spin = 0;; spin++) {
        if (gva_chan_rd(a, chid, GV_CHAN_GET) == target) {
            return 0;
        }
        /* a stopped channel, or a ring the fuzzer's own register writes
         * moved: GET will not get there */
        if (spin > 2 &&
            ((gva_chan_rd(a, chid, GV_CHAN_STATUS) &
              GV_CHAN_STATUS_STOPPED) ||
             gva_chan_rd(a, chid, GV_CHAN_RING_ENTRIES) != GVA_RING)) {
            return -EAGAIN;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 +
            (t.tv_nsec - t0.tv_nsec) / 1000000 > WAIT_MS) {
            return -ETIMEDOUT;
        }
        if (spin > 16) {
            usleep(100);
        }
    }
}

/* An entry {@addr, @len, @flags} in @chid's ring at *@put, the doorbell,
 * the verdict (the ring's size is GVA_RING). */
static int submit(struct gva *a, unsigned chid, struct gva_buf *ring,
                  uint32_t *put, uint64_t addr, uint32_t len, uint32_t flags)
{
    struct gv_gpfifo_entry *e = (void *)(ring->cpu + *put * sizeof(*e));
    uint32_t before, next = (*put + 1) % GVA_RING;
    struct gva_err er;
    int r;

    e->addr = addr;
    e->len = len;
    e->flags = flags;
    barrier();
    if (gva_chan_rd(a, chid, GV_CHAN_STATUS) & GV_CHAN_STATUS_ERROR) {
        gva_chan_wr(a, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    }
    before = gva_rd(a, GV_REG_ERROR_COUNT);
    gva_chan_wr(a, chid, GV_CHAN_PUT, next);
    *put = next;
    r = wait_get(a, chid, next);
    if (r) {
        return r;
    }
    gva_err_read(a, &er);
    if (er.count == before) {
        return 0;
    }
    a->last = er;
    gva_err_ack(a);
    return er.chid == chid ? (int)er.code : 0;
}

static bool aims_at_victim(struct gvf_world *w, const uint8_t *cmds,
                           uint32_t len, uint32_t upto)
{
    uint32_t off = 0;

    for (uint32_t i = 0; off + 12 <= len && i <= upto; i++) {
        uint32_t size, chid;

        memcpy(&size, cmds + off + 4, 4);
        memcpy(&chid, cmds + off + 8, 4);
        for (unsigned s = 0; s < w->v.info.nstreams; s++) {
            if (chid == w->v.info.chid[s]) {
                return true;
            }
        }
        if (size < 8 || size % 8) {
            break;
        }
        off += size;
    }
    return false;
}

static int exec_boot(struct gvf_world *w, const struct gvf_step *s)
{
    struct gva *a = &w->a;
    uint8_t *g = w->dma.cpu + DMA_GROUP_OFF;
    uint32_t n = gva_group(g, s->data, s->len), elen;
    uint64_t addr = w->dma.bus + DMA_GROUP_OFF;
    int r;

    gvf_group_mutate(g, n, s->a, &elen);
    switch ((s->b >> 8) & 0xff) {
    case 1:     /* the group in unprotected VRAM */
        gva_bar2_write(a, w->k.own_unprot, g, (n + 7) & ~7u);
        addr = w->k.own_unprot;
        break;
    case 2:     /* the device's own registers */
        addr = w->k.bar0_bus;
        break;
    case 3:
        addr = w->k.own_unprot + w->k.unprot;
        break;
    default:
        break;
    }
    memset(w->dma.cpu + (128u << 10), 0, 128u << 10);
    r = submit(a, GVA_CHID_BOOT, &a->boot_ring, &a->boot_put, addr, elen,
               (uint32_t)(s->b & 0xff) |
               (((s->b >> 8) & 0xff) == 1 ? GV_GPFIFO_VRAM : 0));
    /* the commands before a refused one ran */
    if (r >= 0 && (r == 0 || (a->last.pos & 0xffff)) &&
        aims_at_victim(w, s->data, s->len,
                       r ? (a->last.pos & 0xffff) - 1 : ~0u)) {
        w->tainted = true;
    }
    return r;
}

static int exec_engine(struct gvf_world *w, const struct gvf_step *s)
{
    struct gvf_slot *sl = &w->slot[s->chan % GVF_SLOTS];
    struct gva_chan *ch = &sl->ch;
    uint8_t *g = ch->buf.cpu;
    uint32_t n, elen, flip = (uint32_t)s->b;
    int r;

    if (!sl->live) {
        return -ENOENT;
    }
    if (ch->sec) {
        uint64_t c = gva_chan_rd(&w->a, ch->chid, GV_CHAN_COUNTER_LO) |
                     (uint64_t)gva_chan_rd(&w->a, ch->chid,
                                           GV_CHAN_COUNTER_HI) << 32;

        n = gvrt_seal_group_at(ch->sec, ch->chid, c + (int32_t)s->a,
                               s->data, s->len, g);
    } else {
        n = gva_group(g, s->data, s->len);
    }
    if (!n) {
        return -EIO;
    }
    if (flip && flip - 1 < 8 * n) {
        g[(flip - 1) / 8] ^= (uint8_t)(1u << ((flip - 1) % 8));
    }
    gvf_group_mutate(g, n, (uint32_t)(s->b >> 32), &elen);
    memcpy(sl->last, g, n);
    sl->last_len = n;
    w->a.last.rule = 0;
    r = submit(&w->a, ch->chid, &ch->ring, &ch->put, ch->buf.bus, elen, 0);
    /* the expected-fault oracle of a bounds probe (gvf_step.h) */
    if (!gvf_probe_escaped(s, w->k.kern_size[4], r, w->a.last.rule, w->why,
                           sizeof(w->why))) {
        gvf_sync_misfault(s, r, w->a.last.rule, w->why, sizeof(w->why));
    }
    return r;
}

/* A generated module (gvf_modgen.h) in the slot's pages, launched as an
 * engine step of its LAUNCH; the generated-module oracle (gvf_step.h). */
static int exec_genmod(struct gvf_world *w, const struct gvf_step *s)
{
    static uint8_t zero[GVF_GEN_IN - GVF_GEN_OUT], in[GVF_MG_IN_BYTES];
    static uint64_t step[(sizeof(struct gvf_step) + GVF_GEN_CMD_MAX) / 8];
    struct gvf_step *e = (struct gvf_step *)step;
    struct gvf_slot *sl = &w->slot[s->chan % GVF_SLOTS];
    struct gvf_mg_info info;
    uint32_t len;
    uint8_t *img;
    int r;

    if (!sl->live || !sl->up) {
        return -ENOENT;
    }
    img = gvf_genmod(s, &info, in, e->data, &len);
    if (!img) {
        return -ENOMEM;
    }
    gva_bar2_write(&w->a, sl->up + GVF_GEN_MOD, img, info.size);
    gva_bar2_write(&w->a, sl->up + GVF_GEN_OUT, zero, sizeof(zero));
    gva_bar2_write(&w->a, sl->up + GVF_GEN_IN, in, sizeof(in));
    gva_bar2_write(&w->a, sl->up + GVF_GEN_ATOM, zero, GVF_MG_ATOM_BYTES);
    free(img);
    memset(e, 0, sizeof(*e));
    e->kind = GVF_K_ENGINE;
    e->chan = s->chan;
    e->len = (uint16_t)len;
    r = exec_engine(w, e);
    if (!w->why[0]) {
        gvf_genmod_misfault(info.fault_rule, r, w->a.last.rule, w->why,
                            sizeof(w->why));
    }
    return r;
}

/* The fuzzer's channel in slot @si: its pages mapped, its kernels in. */
static int chan_new(struct gvf_world *w, unsigned si, uint32_t kind,
                    uint64_t b)
{
    struct gvf_slot *sl = &w->slot[si];
    struct gva *a = &w->a;
    unsigned chid = GVA_CHID_BOOT - 1 - si;
    struct gvrt_secure *sec = NULL;
    struct gv_quote q;
    uint32_t flags = 0, share = 0;
    uint64_t up;
    int r;

    if (sl->live) {
        gva_chan_destroy(a, &sl->ch);
        sl->live = false;
    }
    sl->up = 0;
    if (kind == 1) {
        sec = calloc(1, sizeof(*sec));
        if (!sec || gvrt_secure_init(sec)) {
            free(sec);
            return -ENOMEM;
        }
        flags = GV_CREATE_SECURE;
    } else if (kind == 2) {
        flags = GV_CREATE_SHARE;
        share = GVA_CHID_BOOT - 1 - (unsigned)(b % GVF_SLOTS);
    } else if (kind == 3) {
        flags = (uint32_t)(b >> 32) & ~GV_CREATE_SECURE;
        share = GVA_CHID_BOOT - 1 - (unsigned)(b % GVF_SLOTS);
    }
    r = gva_chan_create_at(a, &sl->ch, chid, flags, share, 0, 0,
                           sec ? sec->uk_pub : NULL, &q);
    sl->ch.sec = sec;
    sl->live = true;
    if (r) {
        return r;
    }
    if (sec) {
        uint8_t ak[GV_EC_PUB_LEN + 3];

        for (unsigned i = 0; i < sizeof(ak); i += 4) {
            uint32_t v = gva_rd(a, GV_REG_AK_PUB + i);

            memcpy(ak + i, &v, 4);
        }
        if (gvrt_quote_accept(sec, &q, ak, q.nonce)) {
            return -EBADMSG;
        }
    }
    if (flags & GV_CREATE_SHARE) {
        return 0;
    }
    up = gva_unprot_pages(a, GVF_UNPROT_PAGES * GV_PAGE_SIZE);
    for (unsigned k = 0; k < GVF_KERNELS; k++) {
        gva_bar2_write(a, up + GVF_KERN_OFF(k), w->kern[k],
                       (w->k.kern_size[k] + 7) & ~7u);
    }
    r = gva_map(a, &sl->ch, GVF_VA_UNPROT, up, GVF_UNPROT_PAGES, false,
                GV_PTE_VALID);
    sl->up = up;
    if (!r) {
        r = gva_map(a, &sl->ch, GVF_VA_PROT,
                    gva_prot_pages(a, GVF_PROT_PAGES * GV_PAGE_SIZE),
                    GVF_PROT_PAGES, false, GV_PTE_VALID);
    }
    return r;
}

static void keep(struct gvf_rec *rec, const void *g, uint32_t len,
                 bool spent)
{
    uint8_t *c = malloc(len ? len : 1);

    if (!c) {
        return;
    }
    memcpy(c, g, len);
    free(rec->g);
    rec->g = c;
    rec->len = len;
    rec->spent = spent;
}

static int exec_victim(struct gvf_world *w, const struct gvf_step *s)
{
    unsigned st = s->chan % w->v.info.nstreams;
    struct gvf_rec *rec = &w->rec[s->b % GVF_RECS];
    struct gv_gpfifo_entry e;
    struct gvv_reply *rep;
    uint8_t *g = NULL;
    int r;

    if (!w->victim_up || w->tainted) {
        return -ENOENT;
    }
    if (s->a != GVV_SEAL) {
        r = gvv_cmd(&w->v, GVV_RUN, st, 0, NULL, 0, NULL);
        if (r == 0 && gva_record(&w->a, w->v.info.chid[st], -1, &e,
                                 &g) == 0) {
            keep(rec, g, e.len, true);
        }
        free(g);
        return r;
    }
    rep = malloc(sizeof(*rep));
    if (!rep) {
        return -ENOMEM;
    }
    r = gvv_cmd(&w->v, GVV_SEAL, st, 1, NULL, 0, rep);
    if (r == 0) {
        keep(rec, rep->data, rep->len, false);
    }
    w->tainted = true;          /* its counter moved without a submission */
    free(rep);
    return r;
}

static int exec_inject(struct gvf_world *w, const struct gvf_step *s)
{
    struct gvf_rec *rec = &w->rec[s->a % GVF_RECS];
    uint32_t flip = (uint32_t)s->b, trim = (uint32_t)(s->b >> 32), len;
    uint8_t *g;
    int r;

    if (!rec->g || trim >= rec->len) {
        return -ENOENT;
    }
    len = rec->len - trim;
    g = malloc(rec->len);
    if (!g) {
        return -ENOMEM;
    }
    memcpy(g, rec->g, rec->len);
    if (flip && flip - 1 < 8 * len) {
        g[(flip - 1) / 8] ^= (uint8_t)(1u << ((flip - 1) % 8));
    }
    if (s->chan < GVF_SLOTS) {
        struct gvf_slot *sl = &w->slot[s->chan];

        r = -ENOENT;
        if (sl->live && len <= GVA_HOST_OFF) {
            memcpy(sl->ch.buf.cpu, g, len);
            r = submit(&w->a, sl->ch.chid, &sl->ch.ring, &sl->ch.put,
                       sl->ch.buf.bus, len, 0);
        }
    } else if (w->victim_up) {
        unsigned st = (s->chan - GVF_SLOTS) % w->v.info.nstreams;

        r = gva_inject(&w->a, w->v.info.chid[st], g, len);
    } else {
        r = -ENOENT;
    }
    /* a group the victim ran, accepted again on a secure channel */
    if (r == 0 && rec->spent &&
        (s->chan >= GVF_SLOTS || w->slot[s->chan].ch.secure)) {
        snprintf(w->why, sizeof(w->why), "a group the victim ran was "
                 "accepted again (record %u, %u of %u bytes, bit %u "
                 "flipped) on %s", s->a % GVF_RECS, len, rec->len, flip,
                 s->chan >= GVF_SLOTS ? "its own channel"
                                      : "the fuzzer's secure channel");
    }
    if (r == 0 && s->chan >= GVF_SLOTS) {
        rec->spent = true;      /* a withheld group, delivered: now spent */
    }
    free(g);
    return r;
}

static int exec_mmio(struct gvf_world *w, const struct gvf_step *s)
{
    volatile uint8_t *p = w->a.regs + (s->a % w->a.info.bar0_size);
    bool wr = s->kind == GVF_K_MMIO_WR;

    if (s->a >= w->a.info.bar0_size) {
        return -ERANGE;
    }
    switch (s->chan) {
    case 1:
        if (wr) {
            *p = (uint8_t)s->b;
        } else {
            (void)*p;
        }
        break;
    case 2:
        if (wr && !(s->a & 1)) {
            *(volatile uint16_t *)p = (uint16_t)s->b;
        } else if (!(s->a & 1)) {
            (void)*(volatile uint16_t *)p;
        }
        break;
    case 8:
        if (s->a & 7) {
            return -EINVAL;
        }
        if (wr) {
            *(volatile uint64_t *)p = s->b;
        } else {
            (void)*(volatile uint64_t *)p;
        }
        break;
    default:
        if (s->a & 3) {
            return -EINVAL;
        }
        if (wr) {
            *(volatile uint32_t *)p = (uint32_t)s->b;
        } else {
            (void)*(volatile uint32_t *)p;
        }
        break;
    }
    barrier();
    return 0;
}

/* BAR2: the aperture, in sizes the device must refuse too */
static int exec_bar2(struct gvf_world *w, const struct gvf_step *s)
{
    uint64_t off = s->b % (w->a.info.bar2_size + 1);
    volatile uint8_t *p = w->a.vram + off;
    bool wr = s->chan & 0x80;

    if (off + 8 > w->a.info.bar2_size ||
        (wr && off < w->k.unprot - (2u << 20))) {
        return -ERANGE;         /* no writes to the driver's own pages */
    }
    switch (s->chan & 0xf) {
    case 1:
        if (wr) {
            *p = (uint8_t)s->a;
        } else {
            (void)*p;
        }
        break;
    case 2:
        if (wr) {
            *(volatile uint16_t *)(p - (off & 1)) = (uint16_t)s->a;
        } else {
            (void)*(volatile uint16_t *)(p - (off & 1));
        }
        break;
    default:
        if (wr) {
            *(volatile uint64_t *)(p - (off & 7)) = s->a;
        } else {
            (void)*(volatile uint64_t *)(p - (off & 7));
        }
        break;
    }
    barrier();
    return 0;
}

/* Right after a reset, before the driver comes back: the regions and the
 * channels of an unlocked device (sizes from @s->b, the lock if @s->a). */
static void unlocked(struct gvf_world *w, const struct gvf_step *s)
{
    struct gva *a = &w->a;
    uint64_t u = (s->b & 0xffff) << 17, p = (s->b >> 16 & 0xffff) << 17;

    gva_chan_wr(a, 50, GV_CHAN_DESC_LO, 0);
    gva_chan_wr(a, 50, GV_CHAN_DESC_HI, 0);             /* boot.not_locked */
    gva_chan_wr(a, 50, GV_CHAN_PUT, 1);
    if (s->b & (1ull << 40)) {
        u += 4096;
    }
    gva_wr(a, GV_REG_UNPROT_SIZE_LO, (uint32_t)u);
    gva_wr(a, GV_REG_UNPROT_SIZE_HI, (uint32_t)(u >> 32));
    gva_wr(a, GV_REG_PROT_SIZE_LO, (uint32_t)p);
    gva_wr(a, GV_REG_PROT_SIZE_HI, (uint32_t)(p >> 32));
    if (s->a & 1) {
        gva_wr(a, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
        gva_wr(a, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);   /* already locked */
    }
}

int gvf_exec(struct gvf_world *w, const struct gvf_step *s)
{
    struct gvf_slot *sl = &w->slot[s->chan % GVF_SLOTS];
    int r;

    /* after a reset (a register step may make one) the rest of the
     * input has nothing to run on */
    if (!boot_alive(w)) {
        return -ENODEV;
    }
    switch (s->kind) {
    case GVF_K_MMIO_WR:
    case GVF_K_MMIO_RD:
        return exec_mmio(w, s);
    case GVF_K_BOOT:
        return exec_boot(w, s);
    case GVF_K_ENGINE:
        return exec_engine(w, s);
    case GVF_K_GENMOD:
        return exec_genmod(w, s);
    case GVF_K_CHAN_NEW:
        return chan_new(w, s->chan % GVF_SLOTS, s->a % 4, s->b);
    case GVF_K_CHAN_DEL:
        if (!sl->live) {
            return -ENOENT;
        }
        r = sl->ch.sec ? 1 : 0;         /* the same kind again */
        if (s->a & 1) {
            return chan_new(w, s->chan % GVF_SLOTS, (uint32_t)r, 0);
        }
        r = gva_chan_destroy(&w->a, &sl->ch);
        sl->live = false;
        return r;
    case GVF_K_VICTIM:
        return exec_victim(w, s);
    case GVF_K_INJECT:
        return exec_inject(w, s);
    case GVF_K_RECORD_OWN:
        if (!sl->live || !sl->last_len) {
            return -ENOENT;
        }
        keep(&w->rec[s->b % GVF_RECS], sl->last, sl->last_len, false);
        return 0;
    case GVF_K_BAR2:
        return exec_bar2(w, s);
    case GVF_K_RESET:
        gva_wr(&w->a, GV_REG_RESET, GV_RESET_MAGIC);
        w->resets++;
        unlocked(w, s);
        return world_rebuild(w, true);
    default:
        return -EINVAL;
    }
}
