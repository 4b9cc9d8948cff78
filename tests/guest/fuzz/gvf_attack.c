/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: the attacks of design.md section 11 as step sequences, and
 * short scripts for refusals that random steps seldom reach (a refusal
 * that needs a state two or three steps deep: a channel with no ring, a
 * read-only page, a secure channel with a copy key, a warp that waits
 * for a lane that never comes).  The generator emits them as whole
 * inputs (gvf_gen_input), the mutator changes them like any other, and
 * gvfs-replay --attacks writes each as a committed seed
 * (tests/fuzz/corpus/gvfs/attack-*.gvfs).  The rng varies the details
 * (which page, which chid, which variant), so one script is many inputs.
 *
 * Pages of the input's protected pool (k->own_prot, 256 pages; 128 KiB
 * aligned): P(0..31) a PGD, P(32) a descriptor, P(33) free, P(34..35) a
 * big-page table, P(40..47) data pages, P(64..95) a big page.
 */
#include <string.h>

#include "gvf.h"

#define P(k, n) ((k)->own_prot + (uint64_t)(n) * GV_PAGE_SIZE)
#define U(k, n) ((k)->own_unprot + (uint64_t)(n) * GV_PAGE_SIZE)
#define SLOT_CHID(s) (GVF_CHID_SLOT0 - (s))
#define RAW_CHID 55u            /* a chid of the fuzzer's range, no slot */
#define NOWHERE (1ull << 40)    /* guest-physical: no memory there */
#define PGT_OF(va) ((uint32_t)((va) >> GV_PAGE_SHIFT))  /* PDE 0, small */

/* P-256's base point: a valid UK_pub anyone may use (SEC 2) */
static const uint8_t p256_g[GV_EC_PUB_LEN] = {
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
    0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33,
    0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42,
    0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
    0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40,
    0x68, 0x37, 0xbf, 0x51, 0xf5,
};

static bool coin(struct gvf_rng *r)
{
    return gvf_below(r, 2) == 0;
}

/* ---- steps ---- */

static void step(struct gvf_input *in, uint8_t kind, uint8_t chan,
                 uint32_t a, uint64_t b, const void *data, uint32_t len)
{
    uint8_t buf[GVF_STEP_MAX];
    struct gvf_step *s = (void *)buf;

    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->chan = chan;
    s->a = a;
    s->b = b;
    s->len = (uint16_t)(len > GVF_DATA_MAX ? GVF_DATA_MAX : len);
    if (data) {
        memcpy(s->data, data, s->len);
    }
    gvf_input_push(in, s);
}

static void chan_new(struct gvf_input *in, unsigned slot, uint32_t kind,
                     uint64_t b)
{
    step(in, GVF_K_CHAN_NEW, (uint8_t)slot, kind, b, NULL, 0);
}

static void boot(struct gvf_input *in, const void *cmd, uint32_t len)
{
    step(in, GVF_K_BOOT, 0, 0, 0, cmd, len);
}

static void engine(struct gvf_input *in, unsigned slot, const void *cmds,
                   uint32_t len)
{
    step(in, GVF_K_ENGINE, (uint8_t)slot, 0, 0, cmds, len);
}

static void mmio(struct gvf_input *in, unsigned chid, uint32_t reg,
                 uint32_t v)
{
    step(in, GVF_K_MMIO_WR, 4, GV_REG_CHAN(chid, reg), v, NULL, 0);
}

/* ---- commands ---- */

static void create(struct gvf_input *in, unsigned chid, uint32_t flags,
                   uint64_t desc, uint64_t pgd, uint32_t share,
                   const uint8_t *uk, uint64_t result)
{
    struct gv_cmd_ch_create c = { .hdr = { GV_OP_CH_CREATE, sizeof(c) } };

    c.chid = chid;
    c.flags = flags;
    c.desc_addr = desc;
    c.pgd_addr = pgd;
    c.share_chid = share;
    if (uk) {
        memcpy(c.uk_pub, uk, sizeof(c.uk_pub));
    }
    c.result_addr = result;
    boot(in, &c, sizeof(c));
}

static void pde(struct gvf_input *in, unsigned chid, unsigned pgdi,
                bool big, uint64_t table)
{
    struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

    c.chid = chid;
    c.pgd_index = pgdi;
    c.flags = big ? GV_PDE_BIG : 0;
    c.pgt_addr = table;
    boot(in, &c, sizeof(c));
}

/* One PTE at (@pgdi, @idx); a MAC of random bytes if @r */
static void pte(struct gvf_input *in, struct gvf_rng *r, unsigned chid,
                unsigned pgdi, bool big, unsigned idx, uint64_t e,
                uint64_t result)
{
    uint8_t buf[sizeof(struct gv_cmd_ch_pte) + 8];
    struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE, sizeof(buf) } };

    c.chid = chid;
    c.pgd_index = pgdi;
    c.pgt_index = idx;
    c.count = 1;
    c.flags = big ? GV_PTE_BIG : 0;
    c.result_addr = result;
    for (unsigned i = 0; r && i < GV_TAG_LEN; i++) {
        c.mac[i] = (uint8_t)gvf_rand(r);
    }
    memcpy(buf, &c, sizeof(c));
    memcpy(buf + sizeof(c), &e, 8);
    boot(in, buf, sizeof(buf));
}

static void measure(struct gvf_input *in, unsigned chid, uint64_t va,
                    uint64_t size, uint64_t result)
{
    struct gv_cmd_ch_measure c = { .hdr = { GV_OP_CH_MEASURE, sizeof(c) } };

    c.chid = chid;
    c.va = va;
    c.size = size;
    c.result_addr = result;
    boot(in, &c, sizeof(c));
}

static uint32_t fence(uint8_t *out, uint64_t va, uint64_t v)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) } };

    f.va = va;
    f.value = v;
    memcpy(out, &f, sizeof(f));
    return sizeof(f);
}

static uint32_t copy(uint8_t *out, struct gvf_rng *r, uint32_t flags,
                     uint64_t src, uint64_t dst, uint64_t size)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };

    c.flags = flags;
    c.src = src;
    c.dst = dst;
    c.size = size;
    for (unsigned i = 0; i < sizeof(c.iv); i++) {
        c.iv[i] = (uint8_t)gvf_rand(r);
    }
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

static uint32_t copy_key(uint8_t *out, struct gvf_rng *r)
{
    struct gv_cmd_set_copy_key c = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(c) } };

    for (unsigned i = 0; i < sizeof(c.key); i++) {
        c.key[i] = (uint8_t)gvf_rand(r);
    }
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

/* A LAUNCH of kernel @kern: @threads lanes in one block, two params */
static uint32_t launch(uint8_t *out, const struct gvf_known *k,
                       unsigned kern, uint32_t threads, uint32_t shared_dyn,
                       uint64_t p0, uint64_t p1)
{
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH, sizeof(l) + 16 } };
    uint64_t p[2] = { p0, p1 };

    l.module_va = GVF_VA_UNPROT + GVF_KERN_OFF(kern);
    l.module_size = k->kern_size[kern];
    l.grid[0] = l.grid[1] = l.grid[2] = 1;
    l.block[0] = threads;
    l.block[1] = l.block[2] = 1;
    l.shared_dyn = shared_dyn;
    l.param_size = 16;
    memcpy(out, &l, sizeof(l));
    memcpy(out + sizeof(l), p, 16);
    return l.hdr.size;
}

static void engine_launch(struct gvf_input *in, const struct gvf_known *k,
                          unsigned slot, unsigned kern, uint32_t threads,
                          uint32_t shared_dyn, uint64_t p0, uint64_t p1)
{
    uint8_t c[128];

    engine(in, slot, c, launch(c, k, kern, threads, shared_dyn, p0, p1));
}

/* ---- design.md section 11 ---- */

/* 1: another context's page or table mapped into the fuzzer's channel */
static void atk_alias(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    uint64_t span = k->vic_hi > k->vic_lo ? k->vic_hi - k->vic_lo : 1;
    uint64_t vp = (k->vic_lo + gvf_rand(r) % span) & ~0xfffull;

    chan_new(in, 0, 0, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40 + gvf_below(r, 8),
        vp | GV_PTE_VALID, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 48,
        k->vic_desc[gvf_below(r, GVV_MAX_STREAMS)] | GV_PTE_VALID, 0);
    pde(in, SLOT_CHID(0), 1 + gvf_below(r, 3), gvf_below(r, 2),
        k->vic_pgd[gvf_below(r, GVV_MAX_STREAMS)]);
}

/* 2: a LOCKED page unmapped or remapped with a forged MAC */
static void atk_unmap(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    chan_new(in, 0, 1, 0);
    pte(in, r, SLOT_CHID(0), 0, false, PGT_OF(GVF_VA_PROT) + gvf_below(r, 4),
        coin(r) ? 0 : P(k, 40) | GV_PTE_VALID, k->dma_bus + (128u << 10));
    /* the victim's big page at the driver's first VA (PDE 1) */
    pte(in, r, k->vic_chid[0], 1, true, 0, 0, k->dma_bus + (128u << 10));
}

/* 3: protected memory through the BAR */
static void atk_bar(struct gvf_rng *r, const struct gvf_known *k,
                    struct gvf_input *in)
{
    uint64_t span = k->vic_hi > k->vic_lo ? k->vic_hi - k->vic_lo : 8;

    step(in, GVF_K_BAR2, 8, 0, (k->vic_lo + gvf_rand(r) % span) & ~7ull,
         NULL, 0);
    step(in, GVF_K_BAR2, 8 | 0x80, (uint32_t)gvf_rand(r),
         P(k, gvf_below(r, 256)), NULL, 0);
    step(in, GVF_K_BAR2, 1 + gvf_below(r, 2), 0, k->own_prot - 8, NULL, 0);
}

/* 4: hidden memory by a PTE, a page table, a copy, the BAR */
static void atk_hidden(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    uint64_t h = k->hidden + ((uint64_t)gvf_below(r, 64) << GV_PAGE_SHIFT);
    uint8_t c[64];

    chan_new(in, 0, 0, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40, h | GV_PTE_VALID, 0);
    pde(in, SLOT_CHID(0), 2, true, h);
    engine(in, 0, c, copy(c, r, 0, GVF_VA_BIG, GVF_VA_UNPROT + 8 *
                          GV_PAGE_SIZE, 64));
    step(in, GVF_K_BAR2, 8, 0, h, NULL, 0);
}

/* 5: a bootstrap channel on protected pages; a descriptor there too */
static void atk_bootstrap(struct gvf_rng *r, const struct gvf_known *k,
                          struct gvf_input *in)
{
    uint64_t at = coin(r) ? P(k, 32) : k->vic_desc[0];
    unsigned chid = RAW_CHID - gvf_below(r, 4);

    mmio(in, chid, GV_CHAN_DESC_LO, (uint32_t)at);
    mmio(in, chid, GV_CHAN_DESC_HI, (uint32_t)(at >> 32));
    create(in, chid, 0, U(k, 8), P(k, 0), 0, NULL, 0);
}

/* 6: stale translations planted in a page that becomes a PGD */
static void atk_stale(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    uint8_t c[64];

    chan_new(in, 0, 0, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40, P(k, 8) | GV_PTE_VALID, 0);
    engine(in, 0, c, fence(c, 40ull * GV_PAGE_SIZE + 16 * gvf_below(r, 4),
                           (k->vic_pgd[0] + GV_PAGE_SIZE) | GV_PDE_VALID));
    pte(in, NULL, SLOT_CHID(0), 0, false, 40, 0, 0);
    create(in, RAW_CHID, 0, P(k, 32), P(k, 0), 0, NULL, 0);
}

/* 7 and 15: a group replayed, reordered, tampered with; across a
 * re-created channel (a new incarnation) */
static void atk_groups(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in, bool reincarnate)
{
    uint8_t c[64];
    uint32_t n = fence(c, GVF_VA_PROT + 8 * gvf_below(r, 512),
                       gvf_rand(r));

    (void)k;
    chan_new(in, 0, 1, 0);
    engine(in, 0, c, n);
    step(in, GVF_K_RECORD_OWN, 0, 0, 1, NULL, 0);
    if (reincarnate) {
        step(in, GVF_K_CHAN_DEL, 0, 1, 0, NULL, 0);
    } else {
        step(in, GVF_K_ENGINE, 0, (uint32_t)(coin(r) ? 1 : -1), 0, c, n);
        step(in, GVF_K_ENGINE, 0, 0, 1 + gvf_below(r, 8 * (n + 32)), c, n);
    }
    step(in, GVF_K_INJECT, 0, 1,
         reincarnate || coin(r) ? 0 : 1 + gvf_below(r, 128), NULL, 0);
}

/* 8: summaries and measurements: none asked for, written nowhere */
static void atk_forge(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    chan_new(in, 0, 1, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, PGT_OF(GVF_VA_PROT) + 8,
        P(k, 40 + gvf_below(r, 8)) | GV_PTE_VALID, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, PGT_OF(GVF_VA_PROT) + 9,
        P(k, 48) | GV_PTE_VALID, NOWHERE);
    measure(in, SLOT_CHID(0), GVF_VA_PROT, 64, NOWHERE);
    measure(in, SLOT_CHID(0), GVF_VA_PROT, 1 + gvf_below(r, 4096),
            k->dma_bus + (128u << 10));
}

/* 9: "secure" memory in the unprotected region */
static void atk_unprot(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    create(in, RAW_CHID, GV_CREATE_SECURE, U(k, 8), P(k, 0), 0, p256_g,
           k->dma_bus + (128u << 10));
    create(in, RAW_CHID, GV_CREATE_SECURE, P(k, 32), U(k, 16), 0, p256_g,
           k->dma_bus + (128u << 10));
    create(in, RAW_CHID, 0, P(k, 32), P(k, 0) + 8 * (1 + gvf_below(r, 511)),
           0, NULL, 0);
    chan_new(in, 0, 1, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40, U(k, 8 + gvf_below(r, 8)) |
        GV_PTE_VALID, k->dma_bus + (128u << 10));
    pde(in, SLOT_CHID(0), 2, coin(r), U(k, 16));
}

/* 10: a destroyed channel's pages mapped as data */
static void atk_freed(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    struct gv_cmd_ch_destroy d = { .hdr = { GV_OP_CH_DESTROY, sizeof(d) } };
    uint8_t c[64];

    create(in, RAW_CHID, 0, P(k, 32), P(k, 0), 0, NULL, 0);
    d.chid = RAW_CHID;
    boot(in, &d, sizeof(d));
    chan_new(in, 0, 0, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40,
        P(k, coin(r) ? 32 : gvf_below(r, 32)) | GV_PTE_VALID, 0);
    engine(in, 0, c, copy(c, r, 0, 40ull * GV_PAGE_SIZE, GVF_VA_UNPROT +
                          8 * GV_PAGE_SIZE, 4096));
}

/* 11: quotes: an invalid UK_pub, no result address, one with no memory */
static void atk_quote(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    uint8_t bad[GV_EC_PUB_LEN];
    static const uint64_t where[] = { 0, NOWHERE, 0 };

    memcpy(bad, p256_g, sizeof(bad));
    bad[1 + gvf_below(r, 64)] ^= (uint8_t)(1u << gvf_below(r, 8));
    create(in, RAW_CHID, GV_CREATE_SECURE, P(k, 32), P(k, 0), 0, bad,
           k->dma_bus + (128u << 10));
    for (unsigned i = 0; i < 3; i++) {
        uint64_t res = i == 2 ? k->bar0_bus + GV_REG_CHAN(RAW_CHID,
                                                          GV_CHAN_PUT)
                              : where[i];

        create(in, RAW_CHID, GV_CREATE_SECURE, P(k, 32), P(k, 0), 0,
               p256_g, res);
    }
}

/* 12, 17: a reset (the rest of an input is skipped after one): regions
 * configured badly or well, locked or not, with state planted first */
static void atk_reset(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in, unsigned how)
{
    uint64_t units = k->vram >> 17, u, p;

    step(in, GVF_K_BAR2, 8 | 0x80, (uint32_t)gvf_rand(r), U(k, 1), NULL, 0);
    step(in, GVF_K_BAR2, 8, 0, k->own_prot, NULL, 0);
    switch (how) {
    case 0:             /* U = 0 */
        u = 0;
        p = units / 2;
        break;
    case 1:             /* nothing left for the hidden region */
        u = units / 16;
        p = units - u - 1;
        break;
    case 2:             /* more than there is */
        u = units / 2;
        p = units;
        break;
    case 4:             /* U not a multiple of 128 KiB */
        u = (units / 16) | 1ull << 40;
        p = units / 2;
        break;
    default:            /* the driver's own split */
        u = units / 16;
        p = units - u - 8;
        break;
    }
    step(in, GVF_K_RESET, 0, 1, (u & 0xffff) | p << 16 | (u & 1ull << 40),
         NULL, 0);
}

/* 13: a kernel reaching past its context: the victim's VA (unmapped
 * here), past the VA space, a generic address in no window */
static void atk_kernel(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    engine_launch(in, k, 0, 1, 1, 0, k->vic_fence_va[0],
                  GVF_VA_UNPROT + 8 * GV_PAGE_SIZE);
    engine_launch(in, k, 0, 0, 1 + gvf_below(r, 8), 0,
                  (1ull << 40) - 8 * gvf_below(r, 2), 1);
    engine_launch(in, k, 0, 2, 1, 16, (1ull << 41) << gvf_below(r, 7), 0);
}

/* 16: offsets that wrap: shared (the leak-3 probe), local, a copy's
 * range, a fence at the top of the VA space */
static void atk_wrap(struct gvf_rng *r, const struct gvf_known *k,
                     struct gvf_input *in)
{
    uint8_t c[64];

    chan_new(in, 0, coin(r), 0);
    engine_launch(in, k, 0, 4, 1, 0, ~0ull - 7,
                  GVF_VA_UNPROT + 8 * GV_PAGE_SIZE);
    /* shared memory of 16 + 16 bytes, local of 16: the shared store at
     * 16 is in bounds, the local one after it is not */
    engine_launch(in, k, 0, 2, 1 + gvf_below(r, 8), 16,
                  GVF_VA_UNPROT + 8 * GV_PAGE_SIZE, 16);
    engine(in, 0, c, copy(c, r, 0, GVF_VA_UNPROT, ~0ull - 4095,
                          8 * (1 + gvf_below(r, 64))));
    engine(in, 0, c, copy(c, r, 0, GVF_VA_UNPROT, GVF_VA_PROT,
                          coin(r) ? 0 : ~0ull - 7));
    engine(in, 0, c, fence(c, ~0ull - 7, 0));
}

/* 14: CH_MEASURE of one byte: the digest is keyed */
static void atk_measure(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    chan_new(in, 0, coin(r), 0);
    measure(in, SLOT_CHID(0), GVF_VA_PROT + gvf_below(r, 4096), 1,
            k->dma_bus + (128u << 10) + 8 * gvf_below(r, 64));
}

/* 18: joining a context: a stream of a normal channel, a SHARE of the
 * victim, a secure channel of a UK_pub anyone knows */
static void atk_join(struct gvf_rng *r, const struct gvf_known *k,
                     struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    chan_new(in, 1, 2, 0);
    create(in, RAW_CHID, GV_CREATE_SHARE, P(k, 32), P(k, 0),
           k->vic_chid[gvf_below(r, GVV_MAX_STREAMS)], NULL, 0);
    create(in, RAW_CHID, GV_CREATE_SECURE, P(k, 32), P(k, 0), 0, p256_g,
           k->dma_bus + (128u << 10));
}

/* 19: an access right after its page was unmapped */
static void atk_stale_tlb(struct gvf_rng *r, const struct gvf_known *k,
                          struct gvf_input *in)
{
    uint64_t va = GVF_VA_UNPROT + (8 + gvf_below(r, 8)) * GV_PAGE_SIZE;
    uint8_t c[64];
    uint32_t n = fence(c, va, gvf_rand(r));

    (void)k;
    chan_new(in, 0, 0, 0);
    engine(in, 0, c, n);
    pte(in, NULL, SLOT_CHID(0), 0, false, PGT_OF(va), 0, 0);
    engine(in, 0, c, n);
    engine_launch(in, k, 0, 0, 1, 0, va, 1);
}

/* 20: DMA aimed at the device's own registers: a result, a host window,
 * a ring */
static void atk_reentry(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    static const uint32_t regs[] = { GV_REG_RESET, GV_REG_SCRATCH,
                                     GV_REG_CHAN(GVF_CHID_BOOT, GV_CHAN_PUT) };
    uint64_t t = k->bar0_bus + regs[gvf_below(r, 3)];
    uint8_t c[64];

    chan_new(in, 0, 1, 0);
    measure(in, SLOT_CHID(0), GVF_VA_PROT, 8, t);
    mmio(in, SLOT_CHID(0), GV_CHAN_HOSTWIN_LO, (uint32_t)k->bar0_bus);
    mmio(in, SLOT_CHID(0), GV_CHAN_HOSTWIN_HI, (uint32_t)(k->bar0_bus >> 32));
    engine(in, 0, c, copy(c, r, GV_COPY_DST_HOST, GVF_VA_PROT,
                          t - k->bar0_bus, 8));
    chan_new(in, 1, 0, 0);
    mmio(in, SLOT_CHID(1), GV_CHAN_RING_LO, (uint32_t)t);
    mmio(in, SLOT_CHID(1), GV_CHAN_RING_HI, (uint32_t)(t >> 32));
    mmio(in, SLOT_CHID(1), GV_CHAN_PUT, 1);
}

/* 21: a secure channel's unprotected mapping repointed without a MAC */
static void atk_remap(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    chan_new(in, 0, 1, 0);
    pte(in, coin(r) ? r : NULL, SLOT_CHID(0), 0, false,
        PGT_OF(GVF_VA_UNPROT) + gvf_below(r, GVF_UNPROT_PAGES),
        coin(r) ? 0 : U(k, 32 + gvf_below(r, 8)) | GV_PTE_VALID,
        k->dma_bus + (128u << 10));
}

/* ---- refusals random steps seldom reach ---- */

/* The copy engine's crypto mode on a secure channel with a copy key:
 * a decryption into unprotected memory or the host window
 * (copy.decrypt_dst), overlapping ranges (copy.crypto_overlap), a tag
 * that does not verify (copy.data_auth), an encryption out */
static void scr_crypto(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    uint8_t c[4 * sizeof(struct gv_cmd_copy) + 64];
    uint64_t sz = 8 * (1 + gvf_below(r, 64));
    uint32_t n;

    (void)k;
    chan_new(in, 0, 1, 0);
    for (unsigned i = 0, at = gvf_below(r, 5); i < 5; i++) {
        n = i ? 0 : copy_key(c, r);
        switch ((at + i) % 5) {
        case 0:
            n += copy(c + n, r, GV_COPY_DECRYPT, GVF_VA_PROT,
                      GVF_VA_UNPROT + 8 * GV_PAGE_SIZE, sz);
            break;
        case 1:
            n += copy(c + n, r, GV_COPY_DECRYPT | GV_COPY_DST_HOST,
                      GVF_VA_PROT, 8 * gvf_below(r, 64), sz);
            break;
        case 2:
            n += copy(c + n, r, coin(r) ? GV_COPY_ENCRYPT
                                           : GV_COPY_DECRYPT,
                      GVF_VA_PROT, GVF_VA_PROT + 8 * (1 + gvf_below(r, 8)),
                      GV_PAGE_SIZE);
            break;
        case 3:
            n += copy(c + n, r, GV_COPY_DECRYPT,
                      GVF_VA_UNPROT + 8 * GV_PAGE_SIZE, GVF_VA_PROT, sz);
            break;
        default:
            n += copy(c + n, r, GV_COPY_ENCRYPT, GVF_VA_PROT,
                      GVF_VA_UNPROT + 9 * GV_PAGE_SIZE, sz);
            break;
        }
        engine(in, 0, c, n);
    }
}

/* A warp whose vote.sync waits for lanes that wait elsewhere
 * (compute.warp_sync), or a parameter read past the parameters
 * (compute.param): kernel 5 */
static void scr_warp(struct gvf_rng *r, const struct gvf_known *k,
                     struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    engine_launch(in, k, 0, 5, 2 + gvf_below(r, 31), 0, 1, 0);
    engine_launch(in, k, 0, 5, 1 + gvf_below(r, 32), 0, gvf_below(r, 2),
                  coin(r) ? 16 + 8 * gvf_below(r, 4) : 8);
}

/* Calls: a chain of CALLs past the reconvergence stack
 * (compute.join_stack): kernel 6; a frame past local memory
 * (compute.call_depth) and a RET to no instruction (compute.call_return):
 * kernel 7 */
static void scr_calls(struct gvf_rng *r, const struct gvf_known *k,
                      struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    engine_launch(in, k, 0, 6, 1 + gvf_below(r, 32), 0, 0, 0);
    engine_launch(in, k, 0, 7, 1 + gvf_below(r, 32), 0, 0,
                  4096 + 8 * gvf_below(r, 512));
    engine_launch(in, k, 0, 7, 1 + gvf_below(r, 32), 0,
                  GVF_VA_UNPROT + 8 * gvf_below(r, 512), 8);
}

/* Divergence and a call (kernel 8): the lanes with tid & param0 set call
 * a function that stores at param1 while the others go round it; the
 * store in the function faults on an unmapped address
 * (compute.unmapped), so the rule is reached only through the call */
static void scr_diverge(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    engine_launch(in, k, 0, GVF_KERN_DIVERGE, 2 + gvf_below(r, 31), 0,
                  1 + gvf_below(r, 3), GVF_VA_UNPROT + 8 * GV_PAGE_SIZE);
    engine_launch(in, k, 0, GVF_KERN_DIVERGE, 2 + gvf_below(r, 31), 0, 1,
                  GVF_VA_PROT + 4 * GV_PAGE_SIZE + 8 * gvf_below(r, 8));
}

/* Ring and channel registers: a channel with no ring (ring.no_ring), a
 * ring in no memory (ring.entry_fetch) that leaves work pending, then
 * reprogrammed (chreg.not_idle) */
static void scr_ring(struct gvf_rng *r, const struct gvf_known *k,
                     struct gvf_input *in)
{
    create(in, RAW_CHID, 0, P(k, 32), P(k, 0), 0, NULL, 0);
    mmio(in, RAW_CHID, GV_CHAN_PUT, 1);
    mmio(in, RAW_CHID, GV_CHAN_RING_LO, 0);
    mmio(in, RAW_CHID, GV_CHAN_RING_HI, (uint32_t)(NOWHERE >> 32));
    mmio(in, RAW_CHID, GV_CHAN_RING_ENTRIES, 16);
    mmio(in, RAW_CHID, GV_CHAN_PUT, 1 + gvf_below(r, 4));
    mmio(in, RAW_CHID, coin(r) ? GV_CHAN_RING_LO : GV_CHAN_HOSTWIN_SIZE,
         4096);
}

/* A read-only page written by the engines (mmu.read_only,
 * compute.read_only) */
static void scr_read_only(struct gvf_rng *r, const struct gvf_known *k,
                          struct gvf_input *in)
{
    uint64_t va = 40ull * GV_PAGE_SIZE + 8 * gvf_below(r, 512);
    uint8_t c[64];

    chan_new(in, 0, 0, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40,
        P(k, 40) | GV_PTE_VALID | GV_PTE_READONLY, 0);
    engine(in, 0, c, fence(c, va, gvf_rand(r)));
    engine_launch(in, k, 0, 0, 1 + gvf_below(r, 4), 0, va, 7);
    engine(in, 0, c, copy(c, r, 0, GVF_VA_UNPROT, va & ~7ull, 8));
}

/* Framing: a group ending inside a command header (cmd.truncated), a
 * CH_PTE and a LAUNCH shorter than their headers */
static void scr_framing(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    struct gv_cmd_ch_pte p = { .hdr = { GV_OP_CH_PTE, 8 } };
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH, 8 } };
    struct gv_cmd_hdr h;
    uint8_t c[128] = { 0 };
    uint32_t n;

    p.hdr.size = 8 * (1 + gvf_below(r, 6));
    boot(in, &p, p.hdr.size);
    memcpy(c, &p.hdr, 4);
    boot(in, c, 4);
    chan_new(in, 0, 0, 0);
    l.hdr.size = 8 * (1 + gvf_below(r, 9));
    engine(in, 0, &l, l.hdr.size);
    n = copy_key(c, r);
    memcpy(&h, c, sizeof(h));
    h.size -= 8 * (1 + gvf_below(r, 3));
    memcpy(c, &h, sizeof(h));
    engine(in, 0, c, h.size);
    /* the module's 16 bytes of parameters, 8 given */
    n = launch(c, k, gvf_below(r, 3), 1, 0, GVF_VA_UNPROT, 0);
    memcpy(&l, c, sizeof(l));
    l.param_size = 8;
    l.hdr.size -= 8;
    memcpy(c, &l, sizeof(l));
    engine(in, 0, c, n - 8);
}

/* Page tables: one VA mapped by both page sizes (ch_pte.double_map), a
 * big page not aligned to its size (ch_pte.page_unaligned), a table
 * made of a fresh page and one of another table
 * (ch_pde.not_whole_table) */
static void scr_tables(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    chan_new(in, 0, 0, 0);
    pde(in, SLOT_CHID(0), 0, true, P(k, 34));
    pte(in, NULL, SLOT_CHID(0), 0, true, 0, P(k, 64) | GV_PTE_VALID, 0);
    pte(in, NULL, SLOT_CHID(0), 0, true, 1 + gvf_below(r, 8),
        P(k, 40 + gvf_below(r, 8)) | GV_PTE_VALID, 0);
    pde(in, SLOT_CHID(0), 1 + gvf_below(r, 4), true, P(k, 33));
    /* an invalid entry with bits set; a table page as data; one page
     * twice in one command */
    pte(in, NULL, SLOT_CHID(0), 0, false, 49, P(k, 42) | 2, 0);
    pte(in, NULL, SLOT_CHID(0), 0, false, 40, P(k, 34 + gvf_below(r, 2)) |
        GV_PTE_VALID, 0);
    {
        uint8_t b[sizeof(struct gv_cmd_ch_pte) + 16];
        struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE, sizeof(b) } };
        uint64_t e = P(k, 41 + gvf_below(r, 6)) | GV_PTE_VALID;

        c.chid = SLOT_CHID(0);
        c.pgt_index = 48;
        c.count = 2;
        memcpy(b, &c, sizeof(c));
        memcpy(b + sizeof(c), &e, 8);
        memcpy(b + sizeof(c) + 8, &e, 8);
        boot(in, b, sizeof(b));
    }
}

/* The host window moved to where there is no memory: its DMA fails
 * (copy.host_read, copy.host_write) */
static void scr_hostwin(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    uint8_t c[64];

    (void)k;
    chan_new(in, 0, 0, 0);
    mmio(in, SLOT_CHID(0), GV_CHAN_HOSTWIN_HI, (uint32_t)(NOWHERE >> 32));
    engine(in, 0, c, copy(c, r, GV_COPY_SRC_HOST, 8 * gvf_below(r, 64),
                          GVF_VA_UNPROT + 8 * GV_PAGE_SIZE, 64));
    engine(in, 0, c, copy(c, r, GV_COPY_DST_HOST, GVF_VA_UNPROT,
                          8 * gvf_below(r, 64), 64));
}

/* A launch long enough that the guest stops waiting for it (3 s): the
 * driver then writes PUT = GET and reprograms the ring or the host
 * window while the launch is held (chreg.holds_work) */
static void scr_held(struct gvf_rng *r, const struct gvf_known *k,
                     struct gvf_input *in)
{
    static const uint32_t regs[] = { GV_CHAN_RING_LO, GV_CHAN_RING_ENTRIES,
                                     GV_CHAN_HOSTWIN_LO,
                                     GV_CHAN_HOSTWIN_SIZE };
    uint8_t c[128];
    struct gv_cmd_launch l;
    uint32_t n = launch(c, k, 1, 1024, 0, GVF_VA_UNPROT + 8 * GV_PAGE_SIZE,
                        GVF_VA_UNPROT + 9 * GV_PAGE_SIZE);

    memcpy(&l, c, sizeof(l));
    /* 2^19-2^20 blocks: the guest gives up on it after 3 s; the host
     * bench's watchdog (1 s) ends it (compute.watchdog) */
    l.grid[0] = 1u << (19 + gvf_below(r, 2));
    memcpy(c, &l, sizeof(l));
    chan_new(in, 0, 0, 0);
    engine(in, 0, c, n);
    mmio(in, SLOT_CHID(0), GV_CHAN_PUT, 0);
    mmio(in, SLOT_CHID(0), regs[gvf_below(r, 4)], 128);
}

/* Authorised destroys: of a normal channel (ch_destroy.auth_not_secure),
 * with a forged MAC (ch_destroy.mac) of the fuzzer's secure channel and
 * the victim's */
static void scr_destroy(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    struct gv_cmd_ch_destroy d = { .hdr = { GV_OP_CH_DESTROY, sizeof(d) } };
    unsigned who[3] = { SLOT_CHID(0), SLOT_CHID(1),
                        k->vic_chid[gvf_below(r, GVV_MAX_STREAMS)] };

    chan_new(in, 0, 0, 0);
    chan_new(in, 1, 1, 0);
    for (unsigned i = 0; i < 3; i++) {
        d.chid = who[i];
        d.flags = GV_DESTROY_AUTH;
        for (unsigned j = 0; j < GV_TAG_LEN; j++) {
            d.mac[j] = coin(r) ? 0 : (uint8_t)gvf_rand(r);
        }
        boot(in, &d, sizeof(d));
    }
}

/* Reference counts (8 bits in the PMM): one protected page mapped at
 * 256 VAs of a channel (ch_pte.page_refcnt), or one big-page table in
 * 256 PDEs (ch_pde.table_refcnt): 32 CH_PTE or 64 CH_PDE a group */
static uint32_t refcnt_group(const struct gvf_known *k, bool tables,
                             unsigned at, uint8_t *b)
{
    uint32_t n = 0;

    for (unsigned i = 0; i < (tables ? 64u : 32u); i++, at++) {
        if (tables) {
            struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

            c.chid = SLOT_CHID(0);
            c.pgd_index = 8 + at;
            c.flags = GV_PDE_BIG;
            c.pgt_addr = P(k, 34);
            memcpy(b + n, &c, sizeof(c));
            n += sizeof(c);
        } else {
            struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE,
                                                sizeof(c) + 8 } };
            uint64_t e = P(k, 40) | GV_PTE_VALID;

            c.chid = SLOT_CHID(0);
            c.pgt_index = 1024 + at;
            c.count = 1;
            memcpy(b + n, &c, sizeof(c));
            memcpy(b + n + sizeof(c), &e, 8);
            n += sizeof(c) + 8;
        }
    }
    return n;
}

static void scr_refcnt(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in)
{
    uint8_t b[GVF_DATA_MAX];
    bool tables = coin(r);

    chan_new(in, 0, 0, 0);
    for (unsigned v = 0; v < 2; v++, tables = !tables) {
        unsigned per = tables ? 64 : 32;

        for (unsigned g = 0; g <= 256 / per; g++) {
            boot(in, b, refcnt_group(k, tables, g * per, b));
        }
    }
}

/* ---- the table ---- */

typedef void attack_fn(struct gvf_rng *r, const struct gvf_known *k,
                       struct gvf_input *in);

static void atk_reset12(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    atk_reset(r, k, in, 0);
}

static void atk_preplant(struct gvf_rng *r, const struct gvf_known *k,
                         struct gvf_input *in)
{
    atk_reset(r, k, in, 3);
}

static void scr_regions(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    atk_reset(r, k, in, 1);
}

static void scr_unaligned(struct gvf_rng *r, const struct gvf_known *k,
                          struct gvf_input *in)
{
    atk_reset(r, k, in, 4);
}

static void atk_groups7(struct gvf_rng *r, const struct gvf_known *k,
                        struct gvf_input *in)
{
    atk_groups(r, k, in, false);
}

static void atk_groups15(struct gvf_rng *r, const struct gvf_known *k,
                         struct gvf_input *in)
{
    atk_groups(r, k, in, true);
}

static const struct {
    const char *name;
    attack_fn *fn;
} attacks[] = {
    { "01-alias", atk_alias },         { "02-unmap", atk_unmap },
    { "03-bar", atk_bar },             { "04-hidden", atk_hidden },
    { "05-bootstrap", atk_bootstrap }, { "06-stale", atk_stale },
    { "07-groups", atk_groups7 },      { "08-forge", atk_forge },
    { "09-unprot", atk_unprot },       { "10-freed", atk_freed },
    { "11-quote", atk_quote },         { "12-reset", atk_reset12 },
    { "13-kernel", atk_kernel },       { "14-measure", atk_measure },
    { "15-reincarnate", atk_groups15 }, { "16-wrap", atk_wrap },
    { "17-preplant", atk_preplant },      { "18-join", atk_join },
    { "19-stale-tlb", atk_stale_tlb }, { "20-reentry", atk_reentry },
    { "21-remap", atk_remap },         { "x-crypto", scr_crypto },
    { "x-warp-sync", scr_warp },       { "x-ring", scr_ring },
    { "x-read-only", scr_read_only },  { "x-framing", scr_framing },
    { "x-tables", scr_tables },        { "x-host-window", scr_hostwin },
    { "x-held", scr_held },            { "x-destroy", scr_destroy },
    { "x-regions", scr_regions },      { "x-refcnt", scr_refcnt },
    { "x-unaligned", scr_unaligned },  { "x-calls", scr_calls },
    { "x-diverge", scr_diverge },
};

unsigned gvf_attack_count(void)
{
    return sizeof(attacks) / sizeof(attacks[0]);
}

const char *gvf_attack_name(unsigned which)
{
    return attacks[which % gvf_attack_count()].name;
}

void gvf_gen_attack(struct gvf_rng *r, const struct gvf_known *k,
                    unsigned which, struct gvf_input *out)
{
    memset(out, 0, sizeof(*out));
    attacks[which % gvf_attack_count()].fn(r, k, out);
}
