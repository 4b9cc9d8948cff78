/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-cp's attacks and specification oracles (fuzz_attack.h).
 *
 * The oracles state what design.md promises, not what one check does:
 * which rule refuses a forbidden command (the core names every refusal,
 * gv_rules.h; fuzz_expect.c, with ring batches), that a LOCKED mapping
 * needs its owner's authorisation (5.2), that a page is cleared before
 * another context gets it (5.4),
 * that the TLB the command processor flushes never disagrees with the
 * tables (attack 19).  The attacks are short scripts of what a driver
 * may send, so that the deep states those oracles watch (a stream in the
 * victim's context, a freed page table, a device re-locked after planting
 * state, a result address aimed at the device's own registers) are one
 * action away instead of five.
 */
#include "fuzz_attack.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gv_internal.h"

static struct gv_dev *dev(void)
{
    return fzb.td->dev;
}

static void finding(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void finding(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fz_vfail("", fmt, ap);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static bool is_live(const struct gv_dev *d, unsigned chid)
{
    return chid < GV_MAX_CHANNELS &&
           (d->chan[chid].type == GV_CHAN_TYPE_NORMAL ||
            d->chan[chid].type == GV_CHAN_TYPE_SECURE);
}

/* ---- locked mappings (design 5.2) ---- */

struct lockmap {
    uint8_t chid, big;
    uint16_t pgdi, idx;
    uint64_t pte;
};
#define LOCKS_MAX 4096
static struct lockmap locks[LOCKS_MAX];
static unsigned nlocks;
static bool locks_full;                 /* more than LOCKS_MAX: not all */
static uint64_t auths0[GV_MAX_CHANNELS], inc0[GV_MAX_CHANNELS];

/* Where the LOCKED pages of a context are mapped, by the PMM: the PGD
 * indices and page sizes of the tables that map them (a data page's PMM
 * entry records both), or "anywhere" when a page of the context (a
 * table or a LOCKED page) is mapped more than once, since the PMM
 * records only the first mapping's index. */
#define HINTS_MAX 64
static struct { uint16_t pgdi; uint8_t big; } hint[GV_MAX_CHANNELS][HINTS_MAX];
static unsigned nhint[GV_MAX_CHANNELS];
static bool anywhere[GV_MAX_CHANNELS];

static void hint_add(unsigned o, unsigned pgdi, bool big)
{
    for (unsigned k = 0; k < nhint[o]; k++) {
        if (hint[o][k].pgdi == pgdi && hint[o][k].big == big) {
            return;
        }
    }
    if (nhint[o] == HINTS_MAX) {
        anywhere[o] = true;
        return;
    }
    hint[o][nhint[o]].pgdi = (uint16_t)pgdi;
    hint[o][nhint[o]++].big = big;
}

static void hints_of_pmm(struct gv_dev *d)
{
    memset(nhint, 0, sizeof(nhint));
    memset(anywhere, 0, sizeof(anywhere));
    for (uint64_t p = 0; p < d->prot_pages; p++) {
        uint64_t e = d->pmm[p];
        unsigned o = pmm_owner(e), t = pmm_type(e);

        if (!pmm_mapped(e) || o >= GV_MAX_CHANNELS ||
            !(pmm_locked(e) || t == GV_PT_PGT_SMALL || t == GV_PT_PGT_BIG)) {
            continue;
        }
        if (pmm_refcnt(e) > 1) {
            anywhere[o] = true;
        } else if (t == GV_PT_DATA) {
            hint_add(o, pmm_pgd_index(e), pmm_big(e));
        }
    }
}

/* Note the entries of channel @c's table at PDE @pgdi (@big pages) that
 * map a LOCKED page: all of them, whatever their index. */
static void locks_table(struct gv_dev *d, unsigned c, unsigned pgdi, bool big)
{
    uint64_t pde = gv_pde_get(d, c, pgdi, big);
    uint64_t table = pde & GV_PTE_ADDR_MASK, size = gv_dev_vram_size(d);
    unsigned n = big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES;
    const uint64_t *t;

    if (!(pde & GV_PDE_VALID) || table >= size || size - table < n * 8ull) {
        return;
    }
    t = gv_pte_ptr(d, table, 0);
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = t[i] & GV_PTE_ADDR_MASK;

        if (!(t[i] & GV_PTE_VALID) ||
            gv_region_of(d, pa, GV_PAGE_SIZE) != GV_REGION_PROT ||
            !pmm_locked(*gv_pmm_entry(d, pa))) {
            continue;
        }
        if (nlocks == LOCKS_MAX) {
            locks_full = true;
            return;
        }
        locks[nlocks++] = (struct lockmap){ (uint8_t)c, big, (uint16_t)pgdi,
                                            (uint16_t)i, t[i] };
    }
}

/* The LOCKED mappings of every secure channel: every PDE, every entry,
 * both page sizes.  Where the PMM says which tables can hold them (the
 * usual case), only those tables are read; for a context with a page
 * mapped twice (a shared table, a page at two addresses), all of its
 * channels' PDEs. */
static void locks_record(struct gv_dev *d)
{
    nlocks = 0;
    hints_of_pmm(d);
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        bool sec = d->chan[c].type == GV_CHAN_TYPE_SECURE;
        unsigned o = d->chan[c].ctx;

        auths0[c] = d->chan[c].auths_accepted;
        inc0[c] = sec ? d->chsec[c].incarnation : 0;
        if (!sec || o >= GV_MAX_CHANNELS) {
            continue;
        }
        if (!anywhere[o]) {
            for (unsigned k = 0; k < nhint[o]; k++) {
                locks_table(d, c, hint[o][k].pgdi, hint[o][k].big);
            }
            continue;
        }
        for (unsigned i = 0; i < GV_PGD_ENTRIES * 2; i++) {
            locks_table(d, c, i / 2, i % 2);
        }
    }
}

static void locks_check(struct gv_dev *d)
{
    if (!d->locked || !d->chsec) {
        return;
    }
    /* An authorisation accepted, or a secure channel gone or made again:
     * the runtime may have asked for the change. */
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        bool sec = d->chan[c].type == GV_CHAN_TYPE_SECURE;

        if (d->chan[c].auths_accepted != auths0[c] ||
            (sec ? d->chsec[c].incarnation : 0) != inc0[c]) {
            return;
        }
    }
    for (unsigned k = 0; k < nlocks; k++) {
        const struct lockmap *l = &locks[k];
        uint64_t now = fza_entry_at(d, l->chid, l->pgdi, l->big, l->idx);

        if (now != l->pte) {
            finding("secure channel %u: its mapping of LOCKED page 0x%"
                    PRIx64 " at VA 0x%" PRIx64 " became 0x%" PRIx64
                    " without its runtime's authorisation (design 5.2, "
                    "attack 2)", l->chid,
                    (uint64_t)(l->pte & GV_PTE_ADDR_MASK),
                    (uint64_t)l->pgdi << GV_PDE_SHIFT |
                    (uint64_t)l->idx << (l->big ? GV_BIG_PAGE_SHIFT :
                                         GV_PAGE_SHIFT), now);
        }
    }
}

/* ---- scrubbing (design 5.4) ----
 *
 * Per protected page, who held it last: a context (its index and a
 * generation the harness counts, since an index is reused) and whether
 * what it held was sensitive (a secure context's data, or any channel's
 * descriptor, PGD or tables).  A page that becomes another context's
 * data page must be zero then: the device scrubs such pages when they
 * are freed. */
struct holder {
    uint16_t ctx;
    uint8_t valid, sensitive;
    uint32_t gen;
};
static struct holder *held;
static uint64_t held_pages;
static uint32_t ctx_gen[GV_MAX_CHANNELS];
static bool ctx_dead[GV_MAX_CHANNELS];
static uint8_t ctx_id[GV_MAX_CHANNELS][9];      /* secure, uk_hash[0..7] */

static void ctx_track(struct gv_dev *d)
{
    for (unsigned i = 0; i < GV_MAX_CHANNELS; i++) {
        uint8_t id[9];

        if (!d->ctx[i].in_use) {
            ctx_dead[i] = true;
            continue;
        }
        id[0] = (uint8_t)d->ctx[i].secure;
        memcpy(id + 1, d->ctx[i].uk_hash, 8);
        if (ctx_dead[i] || memcmp(id, ctx_id[i], sizeof(id)) != 0) {
            ctx_gen[i]++;
            ctx_dead[i] = false;
            memcpy(ctx_id[i], id, sizeof(id));
        }
    }
}

static bool page_zero(const uint8_t *p)
{
    for (unsigned k = 0; k < GV_PAGE_SIZE; k += 8) {
        if (rd64(p + k)) {
            return false;
        }
    }
    return true;
}

static void scrub_observe(bool check)
{
    struct gv_dev *d = dev();

    if (!d->locked || !d->pmm) {
        held_pages = 0;             /* reset: everything scrubbed */
        return;
    }
    ctx_track(d);
    if (held_pages != d->prot_pages) {
        free(held);
        held = calloc(d->prot_pages, sizeof(*held));
        held_pages = held ? d->prot_pages : 0;
        check = false;
    }
    for (uint64_t p = 0; p < held_pages; p++) {
        uint64_t e = d->pmm[p], pa = d->unprot_size + p * GV_PAGE_SIZE;
        struct holder *h = &held[p];
        unsigned o;

        if (!pmm_mapped(e) || (o = pmm_owner(e)) >= GV_MAX_CHANNELS) {
            continue;
        }
        if (check && h->valid && h->sensitive &&
            (h->ctx != o || h->gen != ctx_gen[o]) &&
            pmm_type(e) == GV_PT_DATA && !page_zero(d->vram + pa)) {
            finding("scrub oracle: protected page 0x%" PRIx64 ", last held "
                    "by context %u (secure data or tables), is context %u's "
                    "data page now with the old contents still in it "
                    "(design 5.4, attacks 6 and 10)", pa, h->ctx, o);
        }
        *h = (struct holder){ .ctx = (uint16_t)o, .valid = 1,
                              .sensitive = pmm_locked(e) ||
                                           pmm_type(e) != GV_PT_DATA,
                              .gen = ctx_gen[o] };
    }
}

/* ---- the harness's hooks ---- */

void fza_input_begin(void)
{
    memset(ctx_dead, 1, sizeof(ctx_dead));
    memset(ctx_id, 0, sizeof(ctx_id));
    held_pages = 0;
    scrub_observe(false);
}

void fza_before(void)
{
    struct gv_dev *d = dev();

    nlocks = 0;
    if (d->locked && d->chsec) {
        locks_record(d);
    }
}

void fza_after(void)
{
    struct gv_dev *d = dev();
    char why[256];

    locks_check(d);
    scrub_observe(true);
    if (gv_dev_check_tlb(d, why, sizeof(why)) != 0) {
        finding("consistency check failed: %s", why);
    }
}

/* ---- the attacks ---- */

/* Fresh protected memory from the bench's allocator, or the region's
 * last pages once an input has used it all. */
static uint64_t fresh(uint64_t bytes, uint64_t align)
{
    struct td *t = fzb.td;
    uint64_t a = (t->prot_next + align - 1) & ~(align - 1);

    if (a < t->prot_next || a + bytes > t->unprot + t->prot) {
        return (t->unprot + t->prot - bytes) & ~(align - 1);
    }
    return td_alloc_prot(t, bytes, align);
}

/* A free channel slot (the bench uses 0-3 and 5), or 7. */
static unsigned free_slot(uint8_t sel)
{
    static const unsigned slots[] = { 4, 6, 7 };

    for (unsigned k = 0; k < 3; k++) {
        unsigned c = slots[(sel + k) % 3];

        if (dev()->chan[c].type == GV_CHAN_TYPE_FREE) {
            return c;
        }
    }
    return 7;
}

static void boot(const void *cmd, uint32_t len, bool forged)
{
    fza_submit(TD_BOOT_CHID, cmd, len, forged);
}

/* A CH_PTE of one entry at @out (room for 96 bytes); its length. */
static uint32_t put_pte(uint8_t *out, unsigned chid, unsigned pgdi, bool big,
                        unsigned idx, uint64_t pte, uint64_t result,
                        const uint8_t *mac)
{
    struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE, sizeof(c) + 8 } };

    c.chid = chid;
    c.pgd_index = pgdi;
    c.pgt_index = idx;
    c.count = 1;
    c.flags = big ? GV_PTE_BIG : 0;
    c.result_addr = result;
    if (mac) {
        memcpy(c.mac, mac, GV_TAG_LEN);
    }
    memcpy(out, &c, sizeof(c));
    memcpy(out + sizeof(c), &pte, 8);
    return sizeof(c) + 8;
}

static void pte1(unsigned chid, unsigned pgdi, bool big, unsigned idx,
                 uint64_t pte, uint64_t result, const uint8_t *mac,
                 bool forged)
{
    uint8_t buf[sizeof(struct gv_cmd_ch_pte) + 8];

    boot(buf, put_pte(buf, chid, pgdi, big, idx, pte, result, mac), forged);
}

static void pde1(unsigned chid, unsigned pgdi, bool big, uint64_t table)
{
    struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

    c.chid = chid;
    c.pgd_index = pgdi;
    c.flags = big ? GV_PDE_BIG : 0;
    c.pgt_addr = table;
    boot(&c, sizeof(c), false);
}

static void create(unsigned chid, uint32_t flags, unsigned share,
                   const uint8_t *uk, uint64_t pgd)
{
    struct gv_cmd_ch_create c = { .hdr = { GV_OP_CH_CREATE, sizeof(c) } };

    c.chid = chid;
    c.flags = flags;
    c.share_chid = share;
    c.desc_addr = fresh(GV_DESC_BYTES, GV_PAGE_SIZE);
    c.pgd_addr = pgd ? pgd : fresh(GV_PGD_BYTES, GV_PAGE_SIZE);
    if (uk) {
        memcpy(c.uk_pub, uk, sizeof(c.uk_pub));
    }
    c.result_addr = FZB_GROUP_ADDR + 0x3000;
    boot(&c, sizeof(c), false);
}

static void destroy(unsigned chid, bool auth, const uint8_t *mac)
{
    struct gv_cmd_ch_destroy c = { .hdr = { GV_OP_CH_DESTROY, sizeof(c) } };

    c.chid = chid;
    c.flags = auth ? GV_DESTROY_AUTH : 0;
    if (mac) {
        memcpy(c.mac, mac, GV_TAG_LEN);
    }
    boot(&c, sizeof(c), true);
}

static void measure(unsigned chid, uint64_t va, uint64_t size,
                    uint64_t result)
{
    struct gv_cmd_ch_measure c = { .hdr = { GV_OP_CH_MEASURE, sizeof(c) } };

    c.chid = chid;
    c.va = va;
    c.size = size;
    c.result_addr = result;
    boot(&c, sizeof(c), false);
}

static void fence(unsigned via, uint64_t va, uint64_t value)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) } };

    f.va = va;
    f.value = value;
    fza_submit(via, &f, sizeof(f), false);
}

/* One engine command, per @sel: NOP, FENCE at @va, a copy to the host
 * window, SET_COPY_KEY. */
static uint32_t engine_cmd(uint8_t sel, uint64_t va, const uint8_t *key,
                           uint8_t *out)
{
    switch (sel % 4) {
    case 0: {
        struct gv_cmd_hdr h = { GV_OP_NOP, sizeof(h) };

        memcpy(out, &h, sizeof(h));
        return sizeof(h);
    }
    case 1: {
        struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) } };

        f.va = va & ~7ull;
        f.value = 1;
        memcpy(out, &f, sizeof(f));
        return sizeof(f);
    }
    case 2: {
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };

        c.flags = GV_COPY_DST_HOST;
        c.src = va;
        c.size = 64;
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    default: {
        struct gv_cmd_set_copy_key k = {
            .hdr = { GV_OP_SET_COPY_KEY, sizeof(k) } };

        memcpy(k.key, key, 16);
        memcpy(out, &k, sizeof(k));
        return sizeof(k);
    }
    }
}

/* A well-formed CH_PDE, CH_PTE, CH_DESTROY or CH_MEASURE for @chid. */
static uint32_t mgmt_cmd(uint8_t sel, unsigned chid, uint8_t *out)
{
    switch (sel % 4) {
    case 0: {
        struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

        c.chid = chid;
        c.pgd_index = 1 + sel / 4 % 3;
        c.flags = GV_PDE_BIG;
        c.pgt_addr = fresh(GV_PGT_BIG_BYTES, GV_PAGE_SIZE);
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    case 1: {
        struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE, sizeof(c) + 8 } };
        uint64_t pte = 0;

        c.chid = chid;
        c.pgt_index = 1 + sel / 4 % 7;
        c.count = 1;
        c.flags = GV_PTE_BIG;
        c.result_addr = FZA_RESULT_ADDR;
        memcpy(out, &c, sizeof(c));
        memcpy(out + sizeof(c), &pte, 8);
        return sizeof(c) + 8;
    }
    case 2: {
        struct gv_cmd_ch_destroy c = {
            .hdr = { GV_OP_CH_DESTROY, sizeof(c) } };

        c.chid = chid;
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    default: {
        struct gv_cmd_ch_measure c = {
            .hdr = { GV_OP_CH_MEASURE, sizeof(c) } };

        c.chid = chid;
        c.size = 64;
        c.result_addr = FZA_RESULT_ADDR;
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    }
}

/* The device's own registers, as a DMA target (fuzz_bench.c routes
 * FZB_BAR0_GPA to BAR0, as a bus routes peer-to-peer DMA). */
static uint64_t bar0_target(uint8_t sel)
{
    static const uint32_t regs[] = {
        GV_REG_CHAN(1, GV_CHAN_PUT), GV_REG_RESET, GV_REG_SCRATCH,
        GV_REG_CHAN(0, GV_CHAN_PUT), GV_REG_INTR_RAISE,
        GV_REG_CHAN(2, GV_CHAN_RING_LO),
    };

    return FZB_BAR0_GPA + regs[sel % (sizeof(regs) / sizeof(regs[0]))];
}

static void chan_reg(unsigned chid, unsigned reg, uint32_t val)
{
    gv_mmio_write(dev(), GV_REG_CHAN(chid, reg), val, 4);
}

/* A stream the driver makes in a secure context (UK_pub is public) takes
 * the owner's table; then the owner's table is swapped (attack 18). */
static void atk_join(const uint8_t *a)
{
    unsigned s = free_slot(a[1]);
    bool victim = !(a[2] & 4);
    unsigned owner = victim ? FZB_VICTIM_CHID : FZB_SECURE_CHID;
    const uint8_t *uk = victim ? fzb.victim.uk_pub : fzb.sec.uk_pub;
    uint64_t table = victim ? fzb.table3 : fzb.table2;

    switch (a[2] % 3) {
    case 0:
    case 1:
        create(s, GV_CREATE_SECURE, 0, uk, 0);
        fzc_step();
        pde1(s, 0, true, table);
        fzc_step();
        pde1(owner, 0, true, a[3] & 1 ? 0 : fresh(GV_PGT_BIG_BYTES,
                                                  GV_PAGE_SIZE));
        break;
    default:        /* a normal channel joining a secure context */
        create(s, GV_CREATE_SHARE, a[3] % 2 ? owner : FZB_STREAM_CHID,
               NULL, 0);
        break;
    }
}

/* Channel 1 writes @value at @off of a page it then frees (a normal
 * channel's data: not scrubbed), which then becomes a new PGD or page
 * table (attack 6: stale translations). */
static void atk_dirty_reuse(const uint8_t *a)
{
    uint64_t va = 1ull << GV_PDE_SHIFT, r = fresh(GV_BIG_PAGE_SIZE,
                                                  GV_BIG_PAGE_SIZE);
    bool as_pgd = a[1] & 1;

    pde1(FZB_NORMAL_CHID, 1, true, fresh(GV_PGT_BIG_BYTES, GV_PAGE_SIZE));
    pte1(FZB_NORMAL_CHID, 1, true, 0, r | GV_PTE_VALID, 0, NULL, false);
    /* a PDE to the victim's table, or a PTE to the victim's page */
    fence(FZB_NORMAL_CHID, va + (as_pgd ? 8 : 0),
          (as_pgd ? fzb.table3 : fzb.page3) | GV_PTE_VALID);
    pte1(FZB_NORMAL_CHID, 1, true, 0, 0, 0, NULL, false);
    fzc_step();
    if (as_pgd) {
        create(free_slot(a[2]), 0, 0, NULL, r);
    } else {
        pde1(FZB_NORMAL_CHID, 2, true, r);
    }
}

/* A channel destroyed (no authorisation needed), then one page of its
 * PGD, descriptor or table mapped as data into channel 1 (attack 10). */
static void atk_free_then_map(const uint8_t *a)
{
    static const unsigned victims[] = { FZB_VICTIM_CHID, FZB_SECURE_CHID,
                                        FZB_STREAM_CHID };
    unsigned c = victims[a[1] % 3];
    struct gv_dev *d = dev();
    uint64_t pgd = d->chan[c].pgd_addr, desc = d->chan[c].desc_addr;
    uint64_t table = gv_pde_get(d, c, 0, true) & GV_PTE_ADDR_MASK, pa;

    if (!is_live(d, c)) {
        return;
    }
    destroy(c, false, NULL);
    fzc_step();
    switch (a[2] % 3) {
    case 0:         /* the first page holds the PDEs the bench uses */
        pa = pgd + (a[3] & 0x80 ? (uint64_t)(a[3] % (GV_PGD_BYTES /
                                                     GV_PAGE_SIZE)) *
                                  GV_PAGE_SIZE : 0);
        break;
    case 1:
        pa = desc;
        break;
    default:
        pa = table ? table : pgd;
        break;
    }
    pte1(FZB_NORMAL_CHID, 0, false, 1 + a[4] % 7, pa | GV_PTE_VALID, 0, NULL,
         false);
}

/* Reset, plant state through the aperture (everything is accessible
 * before the lock), configure and lock the regions again (attack 17). */
static void atk_relock(const uint8_t *a)
{
    struct gv_dev *d = dev();
    uint64_t u = fzb.td->unprot, p = fzb.td->prot;

    gv_mmio_write(d, GV_REG_RESET, GV_RESET_MAGIC, 4);
    fzc_step();
    for (unsigned k = 0; k < 1u + a[1] % 4; k++) {
        /* the PMM's first entries (hidden memory), or protected memory */
        uint64_t off = k % 2 ? u + p + (uint64_t)a[2 + k] * 8 :
                       u + (uint64_t)a[6 + k] * GV_PAGE_SIZE;

        gv_aperture_write(d, off, rd64(a + 8) | 1, 8);
    }
    gv_mmio_write(d, GV_REG_UNPROT_SIZE_LO, (uint32_t)u, 4);
    gv_mmio_write(d, GV_REG_UNPROT_SIZE_HI, (uint32_t)(u >> 32), 4);
    gv_mmio_write(d, GV_REG_PROT_SIZE_LO, (uint32_t)p, 4);
    gv_mmio_write(d, GV_REG_PROT_SIZE_HI, (uint32_t)(p >> 32), 4);
    gv_mmio_write(d, GV_REG_REGION_LOCK, GV_LOCK_MAGIC, 4);
}

/* One group on the bootstrap channel: a command of channel 2's runtime
 * (a measurement, which changes nothing, or a fresh page mapped at
 * @slot), then one the design forbids (CH_MEASURE of channel 1, channel
 * 2's LOCKED VA 0 unmapped or the victim destroyed with a forged MAC, the
 * victim's page mapped into channel 2): the expectations judge every
 * command of a group, not only its first. */
static void atk_pair(const uint8_t *a, unsigned slot)
{
    struct gv_cmd_ch_measure m = { .hdr = { GV_OP_CH_MEASURE, sizeof(m) } };
    struct gv_cmd_ch_destroy x = { .hdr = { GV_OP_CH_DESTROY, sizeof(x) } };
    uint8_t buf[2 * 96], mac[GV_TAG_LEN];
    uint32_t len;

    memset(mac, 0xa5, sizeof(mac));
    m.chid = FZB_SECURE_CHID;
    m.size = 64;
    m.result_addr = FZA_RESULT_ADDR;
    if (a[6] & 1) {
        memcpy(buf, &m, sizeof(m));
        len = sizeof(m);
    } else {
        len = put_pte(buf, FZB_SECURE_CHID, 0, true, slot,
                      fresh(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) |
                      GV_PTE_VALID, FZA_RESULT_ADDR, NULL);
    }
    switch (a[7] % 4) {
    case 0:
        m.chid = FZB_NORMAL_CHID;
        memcpy(buf + len, &m, sizeof(m));
        len += sizeof(m);
        break;
    case 1:
        len += put_pte(buf + len, FZB_SECURE_CHID, 0, true, 0, 0,
                       FZA_RESULT_ADDR, mac);
        break;
    case 2:
        x.chid = FZB_VICTIM_CHID;
        x.flags = GV_DESTROY_AUTH;
        memcpy(x.mac, mac, GV_TAG_LEN);
        memcpy(buf + len, &x, sizeof(x));
        len += sizeof(x);
        break;
    default:
        len += put_pte(buf + len, FZB_SECURE_CHID, 0, true, 1 + slot % 7,
                       fzb.page3 | GV_PTE_VALID, FZA_RESULT_ADDR, NULL);
        break;
    }
    boot(buf, len, true);
}

/* What a runtime does on channel 2: map a fresh page (a summary), then
 * measure (a measurement), or unmap with its MAC. */
static void atk_honest(const uint8_t *a)
{
    unsigned slot = 1 + a[1] % 7;
    uint64_t va = (uint64_t)slot << GV_BIG_PAGE_SHIFT;
    uint8_t mac[GV_TAG_LEN];

    if (a[5] & 1) {
        atk_pair(a, slot);
        return;
    }
    if (a[2] & 1) {
        gvrt_mac_unmap(&fzb.sec, FZB_SECURE_CHID, va, GV_BIG_PAGE_SIZE, mac);
        fzc_mac_made(&fzb.sec, FZB_SECURE_CHID, mac);
        pte1(FZB_SECURE_CHID, 0, true, slot, 0, FZA_RESULT_ADDR, mac, false);
        return;
    }
    pte1(FZB_SECURE_CHID, 0, true, slot,
         fresh(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) | GV_PTE_VALID,
         FZA_RESULT_ADDR, NULL, false);
    fzc_step();
    measure(FZB_SECURE_CHID, a[3] % 64 * 64, 1 + a[4] % 255,
            FZA_RESULT_ADDR);
}

/* A DMA aimed at the device's own registers (attack 20): a report's
 * result address, a host window, a ring; or its MSI (the guest programs
 * the MSI address: fzb.msi_addr) with the interrupt raised from inside
 * the device, by a register write (INTR_RAISE), an error or a fence's
 * ring entry with its IRQ flag. */
static void atk_msi(const uint8_t *a, uint64_t t)
{
    struct gv_dev *d = dev();

    fzb.msi_addr = t;
    memcpy(&fzb.msi_data, a + 4, 4);
    gv_mmio_write(d, GV_REG_INTR_ACK, GV_INTR_ALL, 4);
    gv_mmio_write(d, GV_REG_INTR_MASK, GV_INTR_ALL, 4);
    switch (a[1] % 3) {
    case 0:
        gv_mmio_write(d, GV_REG_INTR_RAISE, GV_INTR_SOFT, 4);
        break;
    case 1: {           /* an error: an engine command on bootstrap */
        struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };

        fza_submit(TD_BOOT_CHID, &nop, sizeof(nop), false);
        break;
    }
    default: {          /* a fence in a ring entry with its IRQ flag */
        struct {
            struct gv_group_hdr h;
            struct gv_cmd_fence f;
        } g = { .h = { .magic = GV_GROUP_MAGIC,
                       .payload_len = sizeof(struct gv_cmd_fence) },
                .f = { .hdr = { GV_OP_FENCE, sizeof(g.f) }, .value = 1 } };

        fzb_ring_group_flags(FZB_NORMAL_CHID, &g, sizeof(g), GV_GPFIFO_IRQ);
        break;
    }
    }
}

static void atk_reentry(const uint8_t *a)
{
    uint64_t t = bar0_target(a[2]);
    uint8_t cmd[64];
    uint32_t len;

    if (a[3] & 0x80) {
        atk_msi(a, t);
        return;
    }
    switch (a[1] % 3) {
    case 0:
        measure(FZB_SECURE_CHID, 0, 8, t);
        break;
    case 1:
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_HOSTWIN_LO, (uint32_t)FZB_BAR0_GPA);
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_HOSTWIN_HI,
                 (uint32_t)(FZB_BAR0_GPA >> 32));
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_HOSTWIN_SIZE, FZB_BAR0_SIZE);
        len = engine_cmd(2, 0, a + 4, cmd);
        ((struct gv_cmd_copy *)cmd)->dst = t - FZB_BAR0_GPA;
        ((struct gv_cmd_copy *)cmd)->size = 8;
        fza_submit(FZB_NORMAL_CHID, cmd, len, false);
        break;
    default:
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_RING_LO, (uint32_t)t);
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_RING_HI, (uint32_t)(t >> 32));
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_PUT, 1);
        break;
    }
}

/* Channel 1's ring or host window reprogrammed while it holds a launch
 * (the driver may write PUT = GET at any time): the launch ends against
 * the ring and window it started with, so the device must refuse. */
static void atk_held(const uint8_t *a)
{
    static const unsigned regs[] = {
        GV_CHAN_RING_LO, GV_CHAN_RING_HI, GV_CHAN_RING_ENTRIES,
        GV_CHAN_HOSTWIN_LO, GV_CHAN_HOSTWIN_HI, GV_CHAN_HOSTWIN_SIZE,
    };
    struct gv_chan *ch = &dev()->chan[FZB_NORMAL_CHID];
    unsigned reg = regs[a[1] % 6];
    uint8_t cmd[160];
    uint32_t len = fzc_launch_cmd(cmd), val;
    uint64_t ring, win;
    uint32_t entries, size, get;

    memcpy(&val, a + 4, 4);
    if (reg == GV_CHAN_RING_ENTRIES) {
        val = 1u << (val % 9);
    }
    fzb_engine_async(true);
    fzb_submit(FZB_NORMAL_CHID, cmd, len);
    if (ch->launch_wait || ch->stash) {
        get = ch->get;
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_PUT, get);
        ring = ch->ring_base;
        entries = ch->ring_entries;
        win = ch->hostwin_base;
        size = ch->hostwin_size;
        chan_reg(FZB_NORMAL_CHID, reg, val);
        if (ch->ring_base != ring || ch->ring_entries != entries ||
            ch->hostwin_base != win || ch->hostwin_size != size) {
            finding("channel 1: its ring or host window was reprogrammed "
                    "(register 0x%x) while it held a launch", reg);
        }
        chan_reg(FZB_NORMAL_CHID, GV_CHAN_PUT, (get + 1) % entries);
    }
    fzb_engine_async(false);
}

void fza_run(const uint8_t *a)
{
    static const uint8_t zero_mac[GV_TAG_LEN];
    struct gv_dev *d = dev();
    uint8_t cmd[160], mac[GV_TAG_LEN];
    unsigned slot = 1 + a[1] % 7;
    uint32_t len;

    memset(mac, 0xa5, sizeof(mac));
    switch (a[0] % FZA_KINDS) {
    case 0:         /* a CH_* on a work channel */
        len = mgmt_cmd(a[2], a[3] % 4, cmd);
        fza_submit(a[1] % 3 ? FZB_NORMAL_CHID : FZB_VICTIM_CHID, cmd, len,
                   false);
        break;
    case 1:         /* an engine command on the bootstrap channel */
        len = engine_cmd(a[1], 0, a + 4, cmd);
        fza_submit(TD_BOOT_CHID, cmd, len, false);
        break;
    case 2:         /* a CH_* aimed at the bootstrap channel */
        len = mgmt_cmd(a[1], TD_BOOT_CHID, cmd);
        boot(cmd, len, false);
        break;
    case 3:         /* CH_MEASURE of a normal channel */
        measure(FZB_NORMAL_CHID, a[1] % 64 * 8, 1 + a[2] % 64,
                FZA_RESULT_ADDR);
        break;
    case 4:         /* SET_COPY_KEY on a normal channel */
        len = engine_cmd(3, 0, a + 4, cmd);
        fza_submit(FZB_NORMAL_CHID, cmd, len, false);
        break;
    case 5:         /* a plaintext group on a secure channel */
        len = engine_cmd(a[1] % 3, 0, a + 4, cmd);
        fza_submit(a[2] & 1 ? FZB_VICTIM_CHID : FZB_SECURE_CHID, cmd, len,
                   false);
        break;
    case 6:         /* an "authorised" destroy with a forged MAC */
        destroy(a[1] & 1 ? FZB_SECURE_CHID : FZB_VICTIM_CHID, true,
                a[2] & 1 ? zero_mac : mac);
        break;
    case 7:         /* a LOCKED page unmapped or remapped, forged MAC */
        pte1(a[1] & 1 ? FZB_SECURE_CHID : FZB_VICTIM_CHID, 0, true, 0,
             a[2] & 1 ? 0 : (fresh(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) |
                             GV_PTE_VALID), FZA_RESULT_ADDR,
             a[3] & 1 ? zero_mac : mac, true);
        break;
    case 8:         /* another context's page or table (attack 1) */
        if (a[2] % 3 == 0) {
            pte1(FZB_SECURE_CHID, 0, true, slot, fzb.page3 | GV_PTE_VALID,
                 FZA_RESULT_ADDR, NULL, false);
        } else {
            pde1(a[2] % 3 == 1 ? FZB_SECURE_CHID : FZB_NORMAL_CHID,
                 1 + a[3] % 3, true, a[4] & 1 ? fzb.table2 : fzb.table3);
        }
        break;
    case 9:
        atk_join(a);
        break;
    case 10:        /* one VA mapped by both page sizes */
        pde1(FZB_NORMAL_CHID, 0, true, fresh(GV_PGT_BIG_BYTES,
                                             GV_PAGE_SIZE));
        pte1(FZB_NORMAL_CHID, 0, true, 0,
             fresh(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) | GV_PTE_VALID, 0,
             NULL, false);
        break;
    case 11:        /* a PTE into hidden memory (attack 4) */
        pte1(FZB_NORMAL_CHID, 0, false, slot,
             ((d->hidden_base + rd64(a + 8) % ((gv_dev_vram_size(d) -
                                                d->hidden_base) | 1)) &
              ~0xfffull) | GV_PTE_VALID, 0, NULL, false);
        break;
    case 12:        /* a secure mapping change without a summary */
        pte1(FZB_SECURE_CHID, 0, true, slot,
             fresh(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) | GV_PTE_VALID, 0,
             NULL, false);
        break;
    case 13: {      /* a bootstrap channel on protected pages (attack 5) */
        unsigned s = free_slot(a[1]);
        uint64_t at = a[2] % 3 == 0 ? fzb.page3 : a[2] % 3 == 1 ?
                      fresh(GV_PAGE_SIZE, GV_PAGE_SIZE) : fzb.table3;

        chan_reg(s, GV_CHAN_DESC_LO, (uint32_t)at);
        chan_reg(s, GV_CHAN_DESC_HI, (uint32_t)(at >> 32));
        break;
    }
    case 14:        /* a stale translation after CH_PTE (attack 19) */
        fence(FZB_NORMAL_CHID, a[1] % 64 * 8, rd64(a + 8));
        pte1(FZB_NORMAL_CHID, 0, false, 0, a[2] & 1 ? 0 :
             fresh(GV_PAGE_SIZE, GV_PAGE_SIZE) | GV_PTE_VALID, 0, NULL,
             false);
        break;
    case 15:
        atk_relock(a);
        break;
    case 16:
        atk_honest(a);
        break;
    case 17:
        atk_reentry(a);
        break;
    case 18:
        atk_dirty_reuse(a);
        break;
    case 20:
        atk_held(a);
        break;
    default:
        atk_free_then_map(a);
        break;
    }
}
