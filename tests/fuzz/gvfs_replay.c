/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gvfs-replay: a step file of the guest fuzzer (gv-fuzz, docs/fuzzing.md)
 * replayed in-process on the host, against the device core alone.
 *
 *   gvfs-replay [-q] [--no-host-skips] [--vram MIB] FILE|DIR...
 *
 * For each step file (a directory: its *.gvfs files, in name order) it
 * builds the device the guest had: device memory of the guest's size
 * (256 MiB, as gvboot.py gives it), the regions split and locked as the
 * honest driver does (gv_regions_setup()), the driver's bootstrap channel
 * 0, a victim secure context of two channels (1 and 2, the first the
 * driver hands out) holding a secret in a big page at the driver's first
 * VA, and the attacker as libgvattack lays it out: bootstrap channel 63
 * (its descriptor on the top unprotected page), the input's pool at the
 * top of both regions, the slots' channels 62..59 with their pages and
 * kernels below it.  Then it runs every step, the way gvf_exec.c runs it
 * in the guest (the shared parts are gvf_step.c's):
 *
 *   mmio-write, mmio-read    gv_mmio_write/read, the same sizes and checks
 *   bar2                     gv_aperture_write/read
 *   boot                     a group on bootstrap channel 63, mutated; one
 *                            aimed at the victim's channels taints it
 *   engine                   a group on the slot's channel, sealed for a
 *                            secure one with the slot's runtime
 *   chan-new, chan-del       libgvattack's CH_CREATE, CH_PDE, CH_PTE
 *   victim                   what gvv does (gvfs_victim.c): a NOP group of
 *                            the stream run and recorded, or one sealed
 *                            and withheld (the victim tainted)
 *   record-own, inject       the slot's last group kept; a recording
 *                            replayed into a slot or, as gva_inject()
 *                            does, into a victim channel's ring
 *   reset                    the reset, the unlocked device's writes, then
 *                            the driver, the victim (a new secret) and the
 *                            attacker again; the recordings forgotten
 *
 * It skips, and says so, what the guest skips too (a step on an empty
 * slot, an injection of a recording there is none of, a victim step once
 * the victim is tainted, the rest of an input after a register write reset
 * the device) and, marked "[the guest runs it]", what only the guest can
 * run: an injection into a victim ring a register step moved out of this
 * bench's guest memory.  Each file ends with the count of both, the run
 * with the steps skipped by reason; --no-host-skips makes a step of the
 * second kind exit status 3.  Guest-physical addresses inside commands
 * (results in the guest fuzzer's DMA buffer, BAR0's bus address) point
 * into nothing here: such commands fail their DMA, as most do in the
 * guest.
 *
 * After every step: the device's consistency check (gv_dev_check), the
 * step's own oracle (a group the victim ran accepted again on a secure
 * channel: the guest's words), the victim oracle (its secret, and every
 * earlier victim's, in no device memory outside the live victim's page,
 * in no guest memory, in no value a read step returned; the live victim's
 * VA still maps its page and the page is unchanged but for its fences),
 * and after an engine step the expected-fault oracle of a bounds probe
 * (gvf_probe_escaped()).  Exit status: 0 if every oracle held for every
 * file, 1 if one was violated (the step and the rule are printed), 2 if a
 * file is not a well-formed step file or the device could not be built,
 * 3 (--no-host-skips) if a step the guest runs was skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graviton/gv_rules.h"
#include "gv_crypto.h"
#include "gva.h"
#include "gvfs_replay.h"

static bool quiet;
static const char *const rule_names[GV_RULE__COUNT] = {
#define RP_RULE_NAME_(n, id, name, code, desc) [n] = name,
    GV_RULE_LIST(RP_RULE_NAME_)
#undef RP_RULE_NAME_
};

static const char *rule_name(uint32_t rule)
{
    return rule < GV_RULE__COUNT ? rule_names[rule] : "?";
}

/* ---- registers, memory, rings ---- */

/* gva_bar2_write(): 8-byte stores through the aperture */
static void bar2_write(struct world *w, uint64_t off, const void *buf,
                       size_t len)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = 0;

        memcpy(&v, b + i, len - i < 8 ? len - i : 8);
        gv_aperture_write(w->dev, off + i, v, 8);
    }
}

static uint64_t prot_pages(struct world *w, uint64_t bytes)
{
    w->prot_next -= (bytes + GV_PAGE_SIZE - 1) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    return w->prot_next;
}

static uint64_t unprot_pages(struct world *w, uint64_t bytes)
{
    static const uint8_t zero[GV_PAGE_SIZE];

    bytes = (bytes + GV_PAGE_SIZE - 1) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    w->unprot_next -= bytes;
    for (uint64_t o = 0; o < bytes; o += sizeof(zero)) {
        bar2_write(w, w->unprot_next + o, zero, sizeof(zero));
    }
    return w->unprot_next;
}

static void ring_regs(struct world *w, unsigned chid)
{
    uint64_t ring = TD_GUEST_BASE + chid * 4096ull; /* the bench's rings */

    chan_wr(w, chid, GV_CHAN_RING_LO, (uint32_t)ring);
    chan_wr(w, chid, GV_CHAN_RING_HI, (uint32_t)(ring >> 32));
    chan_wr(w, chid, GV_CHAN_RING_ENTRIES, RING);
}

int verdict(struct world *w, unsigned chid, uint32_t before, uint32_t *rule)
{
    uint32_t code, echid;

    if (rd(w, GV_REG_ERROR_COUNT) == before) {
        return 0;
    }
    code = rd(w, GV_REG_ERROR_CODE);
    echid = rd(w, GV_REG_ERROR_CHID);
    w->last_pos = rd(w, GV_REG_ERROR_POS);
    *rule = w->last_rule = rd(w, GV_REG_ERROR_RULE);
    wr(w, GV_REG_ERROR_ACK, 1);
    return echid == chid ? (int)code : 0;
}

/* gvf_exec.c's submit(): the verdict is 0, a GV_ERR_* code, or < 0: the
 * ring did not move. */
int submit(struct world *w, unsigned chid, uint32_t *put, uint64_t addr,
           uint32_t len, uint32_t flags, uint32_t *rule)
{
    struct gv_gpfifo_entry e = { .addr = addr, .len = len, .flags = flags };
    uint32_t before, next = (*put + 1) % RING;

    *rule = 0;
    memcpy(guest(w, TD_GUEST_BASE + chid * 4096ull + *put * sizeof(e)), &e,
           sizeof(e));
    if (chan_rd(w, chid, GV_CHAN_STATUS) & GV_CHAN_STATUS_ERROR) {
        chan_wr(w, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    }
    before = rd(w, GV_REG_ERROR_COUNT);
    chan_wr(w, chid, GV_CHAN_PUT, next);
    *put = next;
    if (chan_rd(w, chid, GV_CHAN_GET) != next) {
        return -EAGAIN; /* the guest gives up on it too */
    }
    return verdict(w, chid, before, rule);
}

/* libgvattack's gva_boot_run(): one plaintext group on channel 63 */
static int boot_run(struct world *w, const void *cmds, uint32_t len)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
    uint32_t rule;

    memcpy(guest(w, G_BOOT), &h, sizeof(h));
    memcpy(guest(w, G_BOOT) + sizeof(h), cmds, len);
    memset(guest(w, G_RESULT), 0, 4096);
    return submit(w, GVF_CHID_BOOT, &w->boot_put, G_BOOT,
                  (uint32_t)sizeof(h) + len, 0, &rule);
}

static bool boot_alive(struct world *w)
{
    return rd(w, GV_REG_REGION_LOCK) == 1 &&
           (chan_rd(w, GVF_CHID_BOOT, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
               GV_CHAN_TYPE_BOOTSTRAP;
}

/* ---- the world: driver, victim, attacker ---- */

/* gv_regions_setup() of the honest driver: U = max(vram / 16, 4 MiB),
 * the hidden region as small as the rest needs, the rest protected. */
static void regions_split(uint64_t vram, uint64_t *u, uint64_t *p)
{
    uint64_t need;

    *u = vram / 16 > (4ull << 20) ? vram / 16 : 4ull << 20;
    *u = (*u + GV_REGION_ALIGN - 1) & ~(uint64_t)(GV_REGION_ALIGN - 1);
    *p = vram - *u;
    for (int i = 0; i < 4; i++) {
        need = (gv_hidden_needed(*p) + GV_REGION_ALIGN - 1) &
               ~(uint64_t)(GV_REGION_ALIGN - 1);
        if (*u + *p + need <= vram) {
            break;
        }
        *p = vram - *u - need;
    }
}

/* gva_open(), then gvf_input_begin(): bootstrap channel 63 with its
 * descriptor on the top unprotected page, then the input's pool: the top
 * 1 MiB of protected and 256 KiB of unprotected memory. */
static int attacker_up(struct world *w)
{
    uint64_t desc;

    w->u = (uint64_t)rd(w, GV_REG_UNPROT_SIZE_LO) |
           (uint64_t)rd(w, GV_REG_UNPROT_SIZE_HI) << 32;
    w->p = (uint64_t)rd(w, GV_REG_PROT_SIZE_LO) |
           (uint64_t)rd(w, GV_REG_PROT_SIZE_HI) << 32;
    w->prot_next = w->u + w->p;
    w->unprot_next = w->u;
    memset(w->slot, 0, sizeof(w->slot));
    desc = unprot_pages(w, GV_DESC_BYTES);
    chan_wr(w, GVF_CHID_BOOT, GV_CHAN_DESC_LO, (uint32_t)desc);
    chan_wr(w, GVF_CHID_BOOT, GV_CHAN_DESC_HI, (uint32_t)(desc >> 32));
    if (!boot_alive(w)) {
        return -1;
    }
    ring_regs(w, GVF_CHID_BOOT);
    w->boot_put = 0;
    w->prot_next = w->u + w->p;
    w->unprot_next = w->u;
    w->own_prot = prot_pages(w, GVF_POOL_PROT);
    w->own_unprot = unprot_pages(w, GVF_POOL_UNPROT);
    wr(w, GV_REG_ERROR_ACK, 1);
    return 0;
}

/* One EK for the whole run (as a device keeps its EK): a file of ours. */
static char ek_file[64];

static void ek_remove(void)
{
    unlink(ek_file);
}

static const char *ek_path(void)
{
    struct gvc_key *k = NULL;

    if (ek_file[0]) {
        return ek_file;
    }
    snprintf(ek_file, sizeof(ek_file), "/tmp/gvfs-replay-ek-%d.pem",
             (int)getpid());
    if (gvc_key_generate(&k) != GVC_OK ||
        gvc_key_save_pem(k, ek_file, true) != GVC_OK) {
        gvc_key_free(k);
        ek_file[0] = 0;
        return NULL;
    }
    gvc_key_free(k);
    atexit(ek_remove);
    return ek_file;
}

static int world_up(struct world *w, uint64_t vram)
{
    const char *ek = ek_path();

    memset(w, 0, sizeof(*w));
    if (!ek) {
        return -1;
    }
    w->vram = vram;
    regions_split(vram, &w->u, &w->p);
    td_debug = true;             /* gvboot.py: debug=on */
    td_launch_timeout_ms = 1000; /* a launch that loops */
    w->td = td_new_ek(vram, w->u, w->p, ek);
    td_debug = false;
    td_launch_timeout_ms = 0;
    w->dev = w->td->dev;
    w->bar2 = gv_dev_aperture_size(w->dev);
    for (unsigned k = 0; k < GVF_KERNELS; k++) {
        w->kern[k] = gvf_kernel(k, &w->kern_size[k]);
        if (!w->kern[k]) {
            return -1;
        }
    }
    if (rd(w, GV_REG_REGION_LOCK) != 1 || victim_up(w) != 0) {
        return -1;
    }
    return attacker_up(w);
}

static void slot_forget(struct slot *sl)
{
    if (sl->sec) {
        gvrt_secure_fini(sl->sec);
        free(sl->sec);
    }
    memset(sl, 0, sizeof(*sl));
}

static void world_down(struct world *w)
{
    for (unsigned s = 0; s < GVF_SLOTS; s++) {
        slot_forget(&w->slot[s]);
    }
    recs_clear(w);
    for (unsigned k = 0; k < GVF_KERNELS; k++) {
        free(w->kern[k]);
    }
    gvrt_secure_fini(&w->victim);
    td_free(w->td);
    memset(w, 0, sizeof(*w));
}

/* After a reset step: the unlocked device's writes of the guest fuzzer
 * (gvf_exec.c's unlocked()), then the driver again (regions, its
 * bootstrap channel 0), a new victim with a new secret, the attacker. */
static int after_reset(struct world *w, const struct gvf_step *s)
{
    struct td *td = w->td;
    uint64_t u = (s->b & 0xffff) << 17, p = (s->b >> 16 & 0xffff) << 17;

    chan_wr(w, 50, GV_CHAN_DESC_LO, 0);
    chan_wr(w, 50, GV_CHAN_DESC_HI, 0);
    chan_wr(w, 50, GV_CHAN_PUT, 1);
    if (s->b & (1ull << 40)) {
        u += 4096;
    }
    wr(w, GV_REG_UNPROT_SIZE_LO, (uint32_t)u);
    wr(w, GV_REG_UNPROT_SIZE_HI, (uint32_t)(u >> 32));
    wr(w, GV_REG_PROT_SIZE_LO, (uint32_t)p);
    wr(w, GV_REG_PROT_SIZE_HI, (uint32_t)(p >> 32));
    if (s->a & 1) {
        wr(w, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
        wr(w, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    }
    for (unsigned k = 0; k < GVF_SLOTS; k++) {
        slot_forget(&w->slot[k]); /* forgotten, not destroyed */
    }
    gvrt_secure_fini(&w->victim);
    w->victim_up = false;
    w->tainted = false;
    recs_clear(w); /* the guest's world_rebuild() forgets them too */
    if (rd(w, GV_REG_REGION_LOCK) != 1) {
        regions_split(w->vram, &u, &p);
        wr(w, GV_REG_UNPROT_SIZE_LO, (uint32_t)u);
        wr(w, GV_REG_UNPROT_SIZE_HI, (uint32_t)(u >> 32));
        wr(w, GV_REG_PROT_SIZE_LO, (uint32_t)p);
        wr(w, GV_REG_PROT_SIZE_HI, (uint32_t)(p >> 32));
        wr(w, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    }
    u = (uint64_t)rd(w, GV_REG_UNPROT_SIZE_LO) |
        (uint64_t)rd(w, GV_REG_UNPROT_SIZE_HI) << 32;
    p = (uint64_t)rd(w, GV_REG_PROT_SIZE_LO) |
        (uint64_t)rd(w, GV_REG_PROT_SIZE_HI) << 32;
    /* the victim needs room below the attacker's pool (a lock of the
     * fuzzer's own sizes may leave none: the guest's driver fails then) */
    if (u < (1ull << 20) || p < (8ull << 20) || u + p > w->vram) {
        return -1;
    }
    td->unprot = u;
    td->prot = p;
    td->prot_next = u;
    td->unprot_next = GV_PAGE_SIZE * 16;
    chan_wr(w, TD_BOOT_CHID, GV_CHAN_DESC_LO, 0);
    chan_wr(w, TD_BOOT_CHID, GV_CHAN_DESC_HI, 0);
    td_ring_setup(td, TD_BOOT_CHID);
    wr(w, GV_REG_INTR_MASK, GV_INTR_ALL);
    if (victim_up(w) != 0) {
        return -1;
    }
    return attacker_up(w);
}

/* ---- steps ---- */

static int exec_mmio(struct world *w, const struct gvf_step *s,
                     struct outcome *o)
{
    bool wr_ = s->kind == GVF_K_MMIO_WR;
    unsigned size;

    if (s->a >= GV_REGS_SIZE) {
        o->skip = "past BAR0 (the guest refuses it too)";
        return -ERANGE;
    }
    switch (s->chan) {
    case 1:
        size = 1;
        break;
    case 2:
        if (s->a & 1) {
            return 0; /* the guest makes no access */
        }
        size = 2;
        break;
    case 8:
        size = 8;
        break;
    default:
        size = 4;
        break;
    }
    if (s->a % size) {
        o->skip = "unaligned (the guest refuses it too)";
        return -EINVAL;
    }
    if (wr_) {
        gv_mmio_write(w->dev, s->a,
                      size == 8 ? s->b : s->b & ((1ull << (8 * size)) - 1),
                      size);
    } else {
        o->value = gv_mmio_read(w->dev, s->a, size);
        o->has_value = size == 8;
    }
    return 0;
}

static int exec_bar2(struct world *w, const struct gvf_step *s,
                     struct outcome *o)
{
    uint64_t off = s->b % (w->bar2 + 1);
    bool wr_ = s->chan & 0x80;
    unsigned size = (s->chan & 0xf) == 1 ? 1 : (s->chan & 0xf) == 2 ? 2 : 8;

    if (off + 8 > w->bar2 || (wr_ && off < w->u - (2u << 20))) {
        o->skip = "past BAR2, or a write to the driver's pages (the guest "
                  "refuses it too)";
        return -ERANGE;
    }
    off -= off % size;
    if (wr_) {
        gv_aperture_write(w->dev, off,
                          size == 8 ? s->a : s->a & ((1u << (8 * size)) - 1),
                          size);
    } else {
        o->value = gv_aperture_read(w->dev, off, size);
        o->has_value = size == 8;
    }
    return 0;
}

static int exec_boot(struct world *w, const struct gvf_step *s,
                     struct outcome *o)
{
    uint8_t *g = guest(w, G_BOOT);
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = s->len };
    uint32_t n = (uint32_t)sizeof(h) + s->len, elen;
    uint64_t addr = G_BOOT;
    int r;

    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), s->data, s->len);
    gvf_group_mutate(g, n, s->a, &elen);
    switch ((s->b >> 8) & 0xff) {
    case 1: /* the group in unprotected VRAM */
        bar2_write(w, w->own_unprot, g, (n + 7) & ~7u);
        addr = w->own_unprot;
        break;
    case 2: /* the device's own registers (no guest memory here) */
        addr = BAR0_BUS;
        break;
    case 3:
        addr = w->own_unprot + w->u;
        break;
    default:
        break;
    }
    memset(guest(w, G_RESULT), 0, 128u << 10);
    r = submit(w, GVF_CHID_BOOT, &w->boot_put, addr, elen,
               (uint32_t)(s->b & 0xff) |
                   (((s->b >> 8) & 0xff) == 1 ? GV_GPFIFO_VRAM : 0),
               &o->rule);
    /* the commands before a refused one ran: at the victim's channels,
     * they taint it (gvf_exec.c) */
    if (r >= 0 && (r == 0 || (w->last_pos & 0xffff)) &&
        aims_at_victim(s->data, s->len,
                       r ? (w->last_pos & 0xffff) - 1 : ~0u)) {
        w->tainted = true;
    }
    return r;
}

static int exec_engine(struct world *w, const struct gvf_step *s,
                       struct outcome *o)
{
    struct slot *sl = &w->slot[s->chan % GVF_SLOTS];
    uint8_t *g = guest(w, G_SLOT(s->chan % GVF_SLOTS));
    uint32_t n, elen, flip = (uint32_t)s->b;
    int r;

    if (!sl->live) {
        o->skip = "no channel in the slot (the guest skips it too)";
        return -ENOENT;
    }
    if (sl->sec) {
        uint64_t c = chan_rd(w, sl->chid, GV_CHAN_COUNTER_LO) |
                     (uint64_t)chan_rd(w, sl->chid, GV_CHAN_COUNTER_HI) << 32;

        n = gvrt_seal_group_at(sl->sec, sl->chid, c + (int32_t)s->a, s->data,
                               s->len, g);
    } else {
        struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                                  .payload_len = s->len };

        memcpy(g, &h, sizeof(h));
        memcpy(g + sizeof(h), s->data, s->len);
        n = (uint32_t)sizeof(h) + s->len;
    }
    if (!n) {
        o->skip = "the runtime did not seal it (nor does the guest's)";
        return -EIO;
    }
    if (flip && flip - 1 < 8 * n) {
        g[(flip - 1) / 8] ^= (uint8_t)(1u << ((flip - 1) % 8));
    }
    gvf_group_mutate(g, n, (uint32_t)(s->b >> 32), &elen);
    memcpy(sl->last, g, n);
    sl->last_len = n;
    r = submit(w, sl->chid, &sl->put, G_SLOT(s->chan % GVF_SLOTS), elen, 0,
               &o->rule);
    return r;
}

/* gvf_exec.c's exec_genmod(): a generated module, launched through the
 * slot as an engine step would be */
static int exec_genmod(struct world *w, const struct gvf_step *s,
                       struct outcome *o)
{
    static uint8_t zero[GVF_GEN_IN - GVF_GEN_OUT], in[GVF_MG_IN_BYTES];
    static uint64_t step[(sizeof(struct gvf_step) + GVF_GEN_CMD_MAX) / 8];
    struct gvf_step *e = (struct gvf_step *)step;
    struct slot *sl = &w->slot[s->chan % GVF_SLOTS];
    struct gvf_mg_info info;
    uint32_t len;
    uint8_t *img;
    int r;

    if (!sl->live || !sl->up) {
        o->skip = "no channel with pages in the slot (the guest skips it "
                  "too)";
        return -ENOENT;
    }
    img = gvf_genmod(s, &info, in, e->data, &len);
    if (!img) {
        o->skip = "out of memory";
        return -ENOMEM;
    }
    bar2_write(w, sl->up + GVF_GEN_MOD, img, info.size);
    bar2_write(w, sl->up + GVF_GEN_OUT, zero, sizeof(zero));
    bar2_write(w, sl->up + GVF_GEN_IN, in, sizeof(in));
    bar2_write(w, sl->up + GVF_GEN_ATOM, zero, GVF_MG_ATOM_BYTES);
    free(img);
    memset(e, 0, sizeof(*e));
    e->kind = GVF_K_ENGINE;
    e->chan = s->chan;
    e->len = (uint16_t)len;
    r = exec_engine(w, e, o);
    o->fault_rule = info.fault_rule;
    return r;
}

static int ch_create(struct world *w, struct slot *sl, uint32_t flags,
                     unsigned share, struct gv_quote *q)
{
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) },
        .chid = sl->chid,
        .flags = flags,
        .share_chid = share,
    };
    int r;

    c.desc_addr = prot_pages(w, GV_DESC_BYTES);
    c.pgd_addr = prot_pages(w, GV_PGD_BYTES);
    if (sl->sec) {
        memcpy(c.uk_pub, sl->sec->uk_pub, GV_EC_PUB_LEN);
        c.result_addr = G_RESULT;
        gvc_random(c.nonce, sizeof(c.nonce));
    }
    r = boot_run(w, &c, sizeof(c));
    if (r == 0) {
        uint64_t hw = G_SLOT(sl - w->slot);

        memcpy(q, guest(w, G_RESULT), sizeof(*q));
        ring_regs(w, sl->chid);
        chan_wr(w, sl->chid, GV_CHAN_HOSTWIN_LO, (uint32_t)hw);
        chan_wr(w, sl->chid, GV_CHAN_HOSTWIN_HI, (uint32_t)(hw >> 32));
        chan_wr(w, sl->chid, GV_CHAN_HOSTWIN_SIZE, SLOT_BUF);
        sl->put = 0;
    }
    return r;
}

/* gva_map() of @n pages at @va in PDE 0 (small pages) */
static int map(struct world *w, struct slot *sl, uint64_t va, uint64_t pa,
               uint32_t n)
{
    size_t len = sizeof(struct gv_cmd_ch_pte) + (size_t)n * 8;
    struct gv_cmd_ch_pte *c = calloc(1, len);
    struct gv_pte_summary sum;
    int r;

    if (!c) {
        return -ENOMEM;
    }
    if (!sl->small_pgt) {
        struct gv_cmd_ch_pde d = {
            .hdr = { GV_OP_CH_PDE, sizeof(d) },
            .chid = sl->chid,
            .pgt_addr = prot_pages(w, GV_PGT_SMALL_BYTES),
        };

        r = boot_run(w, &d, sizeof(d));
        if (r) {
            free(c);
            return r;
        }
        sl->small_pgt = d.pgt_addr;
    }
    c->hdr.op = GV_OP_CH_PTE;
    c->hdr.size = (uint32_t)len;
    c->chid = sl->chid;
    c->pgt_index = (uint32_t)(va >> GV_PAGE_SHIFT) &
                   (GV_PGT_SMALL_ENTRIES - 1);
    c->count = n;
    c->result_addr = sl->secure ? G_RESULT : 0;
    for (uint32_t i = 0; i < n; i++) {
        c->pte[i] = (pa + i * (uint64_t)GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    r = boot_run(w, c, (uint32_t)len);
    free(c);
    memcpy(&sum, guest(w, G_RESULT), sizeof(sum));
    if (r == 0 && sl->sec && gvrt_summary_accept(sl->sec, &sum, false)) {
        return -EBADMSG;
    }
    return r;
}

static int chan_destroy(struct world *w, struct slot *sl)
{
    struct gv_cmd_ch_destroy c = {
        .hdr = { GV_OP_CH_DESTROY, sizeof(c) },
        .chid = sl->chid,
    };
    int r = boot_run(w, &c, sizeof(c));

    slot_forget(sl);
    return r;
}

/* gvf_exec.c's chan_new(): slot @si's channel, its pages and kernels */
static int chan_new(struct world *w, unsigned si, uint32_t kind, uint64_t b)
{
    struct slot *sl = &w->slot[si];
    uint32_t flags = 0, share = 0;
    struct gv_quote q;
    uint64_t up;
    int r;

    if (sl->live) {
        chan_destroy(w, sl);
    }
    sl->up = 0;
    sl->chid = GVF_CHID_SLOT0 - si;
    if (kind == 1) {
        sl->sec = calloc(1, sizeof(*sl->sec));
        if (!sl->sec || gvrt_secure_init(sl->sec)) {
            free(sl->sec);
            sl->sec = NULL;
            return -ENOMEM;
        }
        flags = GV_CREATE_SECURE;
    } else if (kind == 2) {
        flags = GV_CREATE_SHARE;
        share = GVF_CHID_SLOT0 - (unsigned)(b % GVF_SLOTS);
    } else if (kind == 3) {
        flags = (uint32_t)(b >> 32) & ~GV_CREATE_SECURE;
        share = GVF_CHID_SLOT0 - (unsigned)(b % GVF_SLOTS);
    }
    sl->secure = flags & GV_CREATE_SECURE;
    r = ch_create(w, sl, flags, share, &q);
    sl->live = true;
    if (r) {
        return r;
    }
    if (sl->sec) {
        uint8_t ak[GV_EC_PUB_LEN];

        td_read_bytes(w->dev, GV_REG_AK_PUB, ak, sizeof(ak));
        if (gvrt_quote_accept(sl->sec, &q, ak, q.nonce)) {
            return -EBADMSG;
        }
    }
    if (flags & GV_CREATE_SHARE) {
        return 0;
    }
    up = unprot_pages(w, GVF_UNPROT_PAGES * GV_PAGE_SIZE);
    for (unsigned k = 0; k < GVF_KERNELS; k++) {
        bar2_write(w, up + GVF_KERN_OFF(k), w->kern[k],
                   (w->kern_size[k] + 7) & ~7u);
    }
    r = map(w, sl, GVF_VA_UNPROT, up, GVF_UNPROT_PAGES);
    sl->up = up;
    if (!r) {
        r = map(w, sl, GVF_VA_PROT,
                prot_pages(w, GVF_PROT_PAGES * GV_PAGE_SIZE), GVF_PROT_PAGES);
    }
    return r;
}

static int exec_step(struct world *w, const struct gvf_step *s,
                     struct outcome *o)
{
    struct slot *sl = &w->slot[s->chan % GVF_SLOTS];

    memset(o, 0, sizeof(*o));
    w->last_rule = 0;
    if (!boot_alive(w)) {
        o->skip = "the device was reset by an earlier register write: the "
                  "guest skips the rest of the input";
        return -ENODEV;
    }
    switch (s->kind) {
    case GVF_K_MMIO_WR:
    case GVF_K_MMIO_RD:
        return exec_mmio(w, s, o);
    case GVF_K_BAR2:
        return exec_bar2(w, s, o);
    case GVF_K_BOOT:
        return exec_boot(w, s, o);
    case GVF_K_ENGINE:
        return exec_engine(w, s, o);
    case GVF_K_GENMOD:
        return exec_genmod(w, s, o);
    case GVF_K_CHAN_NEW:
        return chan_new(w, s->chan % GVF_SLOTS, s->a % 4, s->b);
    case GVF_K_CHAN_DEL:
        if (!sl->live) {
            o->skip = "no channel in the slot (the guest skips it too)";
            return -ENOENT;
        }
        if (s->a & 1) {
            return chan_new(w, s->chan % GVF_SLOTS, sl->sec ? 1 : 0, 0);
        }
        return chan_destroy(w, sl);
    case GVF_K_VICTIM:
        return exec_victim(w, s, o);
    case GVF_K_INJECT:
        return exec_inject(w, s, o);
    case GVF_K_RECORD_OWN:
        if (!sl->live || !sl->last_len) {
            o->skip = "nothing to record (the guest skips it too)";
            return -ENOENT;
        }
        record_own(w, (unsigned)(s->b % RECS), sl);
        return 0;
    case GVF_K_RESET:
        wr(w, GV_REG_RESET, GV_RESET_MAGIC);
        w->resets++;
        if (after_reset(w, s) != 0) {
            o->skip = "the world could not be built again after the reset "
                      "(the regions the step locked leave no room: the "
                      "guest's driver fails too)";
            return -EIO;
        }
        return 0;
    default:
        o->skip = "unknown kind (the guest refuses it too)";
        return -EINVAL;
    }
}

/* ---- the oracles, a file, main ---- */

/* 0, or -1 and the rule and why */
static int oracles(struct world *w, const struct gvf_step *s,
                   const struct outcome *o, char *why, size_t len)
{
    char what[200];

    if (gv_dev_check(w->dev, what, sizeof(what)) != 0) {
        snprintf(why, len, "consistency check (gv_dev_check): %s", what);
        return -1;
    }
    if (w->why[0]) { /* the step's own (gvf_exec.c's words) */
        snprintf(why, len, "%s", w->why);
        w->why[0] = 0;
        return -1;
    }
    if (w->ncanary && secret_check(w, what, sizeof(what)) != 0) {
        snprintf(why, len, "victim oracle: %s", what);
        return -1;
    }
    if (o->has_value && secret_word(w, o->value)) {
        snprintf(why, len,
                 "victim oracle: the %s returned 8 bytes of a "
                 "victim's secret",
                 gvf_kind_name(s->kind));
        return -1;
    }
    if (o->r >= 0 && !o->skip &&
        gvf_probe_escaped(s, w->kern_size[4], o->r, o->rule, what,
                          sizeof(what))) {
        snprintf(why, len, "expected-fault oracle: %s", what);
        return -1;
    }
    if (!o->skip && gvf_sync_misfault(s, o->r, o->rule, what, sizeof(what))) {
        snprintf(why, len, "warp-sync oracle: %s", what);
        return -1;
    }
    if (s->kind == GVF_K_GENMOD && !o->skip &&
        gvf_genmod_misfault(o->fault_rule, o->r, o->rule, what,
                            sizeof(what))) {
        snprintf(why, len, "generated-module oracle: %s", what);
        return -1;
    }
    return 0;
}

static void describe(unsigned i, const struct gvf_step *s,
                     const struct outcome *o)
{
    printf("  step %u: %s chan %u a 0x%x b 0x%" PRIx64 ", %u bytes: ", i,
           gvf_kind_name(s->kind), s->chan, s->a, s->b, s->len);
    if (o->skip) {
        printf("skipped: %s\n", o->skip);
    } else if (o->r == -EAGAIN) {
        printf("ran: the ring did not move (the guest gives up on it too)\n");
    } else if (o->r < 0) {
        printf("ran: %s\n", strerror(-o->r));
    } else if (o->r > 0) {
        printf("ran: refused, %s (%s)\n", gva_err_name(o->r),
               rule_name(o->rule));
    } else if (s->kind == GVF_K_MMIO_WR || s->kind == GVF_K_MMIO_RD ||
               s->kind == GVF_K_BAR2) {
        printf("done\n"); /* a refusal shows only in the counters */
    } else {
        printf("ran: accepted\n");
    }
}

/* The steps of every file replayed: ran, and skipped by reason */
#define REASONS 32u
static struct {
    unsigned files, ran, victim, inject, skipped, host_only, nreasons;
    const char *reason[REASONS];
    bool host[REASONS];
    unsigned count[REASONS];
} tally;
static bool no_host_skips; /* --no-host-skips */

static void count_step(const struct gvf_step *s, const struct outcome *o)
{
    unsigned i = 0;

    if (!o->skip) {
        tally.ran++;
        tally.victim += s->kind == GVF_K_VICTIM;
        tally.inject += s->kind == GVF_K_INJECT && s->chan >= GVF_SLOTS;
        return;
    }
    tally.skipped++;
    tally.host_only += o->host_only;
    while (i < tally.nreasons && strcmp(tally.reason[i], o->skip) != 0) {
        i++;
    }
    if (i == tally.nreasons && i < REASONS) {
        tally.reason[tally.nreasons++] = o->skip;
        tally.host[i] = o->host_only;
    }
    tally.count[i < REASONS ? i : REASONS - 1]++;
}

static void print_tally(void)
{
    printf("gvfs-replay: %u files: %u steps ran (%u victim steps, %u "
           "injections into its channels), %u skipped, %u of them steps "
           "the guest runs\n",
           tally.files, tally.ran, tally.victim, tally.inject, tally.skipped,
           tally.host_only);
    for (unsigned i = 0; i < tally.nreasons; i++) {
        printf("  %u skipped: %s%s\n", tally.count[i], tally.reason[i],
               tally.host[i] ? " [the guest runs it]" : "");
    }
}

/* 0 clean, 1 an oracle violated, 2 not a step file or no device */
static int replay_file(const char *path, uint64_t vram)
{
    struct gvf_input in;
    struct world *w;
    uint64_t seed;
    unsigned ran = 0, skipped = 0, host_only = 0;
    char why[400];
    int rc = 0;

    if (gvf_stepf_load(path, &seed, &in, why, sizeof(why)) != 0) {
        printf("gvfs-replay: %s: not a step file: %s\n", path, why);
        return 2;
    }
    w = calloc(1, sizeof(*w));
    if (!w || world_up(w, vram) != 0) {
        printf("gvfs-replay: %s: the device could not be built\n", path);
        if (w && w->td) {
            world_down(w);
        }
        free(w);
        gvf_input_free(&in);
        return 2;
    }
    tally.files++;
    printf("gvfs-replay: %s: %u steps (seed %" PRIu64 "), device %" PRIu64
           " MiB: U %" PRIu64 " MiB, P %" PRIu64 " MiB\n",
           path, in.nsteps, seed, vram >> 20, w->u >> 20, w->p >> 20);
    for (uint32_t i = 0; i < in.nsteps && rc == 0; i++) {
        const struct gvf_step *s = gvf_step_at(&in, i);
        struct outcome o;

        o.r = exec_step(w, s, &o);
        if (o.r > 0 && !o.rule) {
            o.rule = w->last_rule; /* a command of chan-new, chan-del */
        }
        ran += !o.skip;
        skipped += o.skip != NULL;
        host_only += o.host_only;
        count_step(s, &o);
        if (!quiet || o.skip) {
            describe(i, s, &o);
        }
        if (oracles(w, s, &o, why, sizeof(why)) != 0) {
            if (quiet) {
                describe(i, s, &o);
            }
            printf("gvfs-replay: %s: VIOLATION after step %u (%s): %s\n", path,
                   i, gvf_kind_name(s->kind), why);
            rc = 1;
        }
    }
    if (rc == 0) {
        unsigned nrules = 0;

        for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
            nrules += w->dev->rule_hits[r] != 0;
        }
        printf("gvfs-replay: %s: clean: %u steps ran, %u skipped (%u the "
               "guest runs), %u resets, %u rules; every oracle held after "
               "every step\n",
               path, ran, skipped, host_only, w->resets, nrules);
        if (!quiet) {
            printf("  rules:");
            for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
                if (w->dev->rule_hits[r]) {
                    printf(" %s", rule_name(r));
                }
            }
            printf("\n");
        }
    }
    world_down(w);
    free(w);
    gvf_input_free(&in);
    return rc;
}

/* --attacks DIR: each script of gvf_attack.c as a step file
 * DIR/attack-NAME.gvfs, drawn with the layout of this bench, which is
 * the guest's (the attacker's pool and slots; the victim's descriptors
 * and PGDs are the bench's, the guest driver's may differ). */
static int write_attacks(const char *dir, uint64_t vram, uint64_t seed)
{
    struct gvf_known k;
    struct world *w = calloc(1, sizeof(*w));
    int rc = 0;

    if (!w || world_up(w, vram) != 0) {
        fprintf(stderr, "gvfs-replay: the device could not be built\n");
        free(w);
        return 2;
    }
    memset(&k, 0, sizeof(k));
    k.unprot = w->u;
    k.prot = w->p;
    k.vram = w->vram;
    k.hidden = w->u + w->p;
    k.own_prot = w->own_prot;
    k.own_unprot = w->own_unprot;
    for (unsigned i = 0; i < GVV_MAX_STREAMS; i++) {
        k.vic_chid[i] = VICTIM_CHID + i;
        k.vic_desc[i] = w->dev->chan[VICTIM_CHID + i].desc_addr;
        k.vic_pgd[i] = w->dev->chan[VICTIM_CHID + i].pgd_addr;
        k.vic_fence_va[i] = VICTIM_VA + GV_BIG_PAGE_SIZE - 8 * (i + 1ull);
    }
    k.vic_lo = w->u;
    k.vic_hi = w->td->prot_next;
    k.dma_bus = G_BOOT;
    k.bar0_bus = BAR0_BUS;
    k.bar2_bus = BAR0_BUS + (16u << 20);
    memcpy(k.kern_size, w->kern_size, sizeof(k.kern_size));
    for (unsigned i = 0; i < gvf_attack_count() && rc == 0; i++) {
        struct gvf_rng r = { seed + i };
        struct gvf_input in;
        char path[4096];

        gvf_gen_attack(&r, &k, i, &in);
        snprintf(path, sizeof(path), "%s/attack-%s.gvfs", dir,
                 gvf_attack_name(i));
        if (gvf_stepf_save(path, seed, &in) != 0) {
            fprintf(stderr, "gvfs-replay: %s: %s\n", path, strerror(errno));
            rc = 2;
        } else {
            printf("gvfs-replay: %s: %u steps\n", path, in.nsteps);
        }
        gvf_input_free(&in);
    }
    world_down(w);
    free(w);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: its *.gvfs files in name order; the worst status. */
static int replay_dir(const char *dir, uint64_t vram)
{
    struct dirent *e;
    char **name = NULL, path[4096];
    size_t n = 0, cap = 0;
    DIR *d = opendir(dir);
    int rc = 0;

    if (!d) {
        printf("gvfs-replay: %s: %s\n", dir, strerror(errno));
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);

        if (l <= 5 || strcmp(e->d_name + l - 5, ".gvfs") != 0) {
            continue;
        }
        if (n == cap) {
            char **nn = realloc(name,
                                (cap = cap ? 2 * cap : 64) * sizeof(*name));

            if (!nn) {
                break;
            }
            name = nn;
        }
        if ((name[n] = strdup(e->d_name)) != NULL) {
            n++;
        }
    }
    closedir(d);
    if (n) {
        qsort(name, n, sizeof(*name), by_name);
    }
    for (size_t i = 0; i < n; i++) {
        int r;

        snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
        r = replay_file(path, vram);
        rc = r > rc ? r : rc;
        free(name[i]);
    }
    free(name);
    if (!n) {
        printf("gvfs-replay: %s: no step files (*.gvfs)\n", dir);
    }
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t vram = 256ull << 20;
    int rc = 0, files = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int r;

        if (!strcmp(argv[i], "-q")) {
            quiet = true;
            continue;
        }
        if (!strcmp(argv[i], "--vram") && i + 1 < argc) {
            vram = strtoull(argv[++i], NULL, 0) << 20;
            if (vram < (32ull << 20) || vram > (4ull << 30)) {
                fprintf(stderr, "gvfs-replay: --vram: 32 to 4096 MiB\n");
                return 2;
            }
            continue;
        }
        if (!strcmp(argv[i], "--no-host-skips")) {
            no_host_skips = true;
            continue;
        }
        if (!strcmp(argv[i], "--attacks") && i + 1 < argc) {
            return write_attacks(argv[i + 1], vram, 1203);
        }
        if (argv[i][0] == '-') {
            fprintf(stderr, "usage: gvfs-replay [-q] [--no-host-skips] "
                            "[--vram MIB] FILE|DIR... | --attacks DIR\n");
            return 2;
        }
        files++;
        r = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)
                ? replay_dir(argv[i], vram)
                : replay_file(argv[i], vram);
        rc = r > rc ? r : rc;
    }
    if (!files) {
        fprintf(stderr, "usage: gvfs-replay [-q] [--no-host-skips] "
                        "[--vram MIB] FILE|DIR...\n");
        return 2;
    }
    print_tally();
    if (no_host_skips && tally.host_only && rc == 0) {
        printf("gvfs-replay: %u steps the guest runs were skipped "
               "(--no-host-skips)\n",
               tally.host_only);
        rc = 3;
    }
    return rc;
}
