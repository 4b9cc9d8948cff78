/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: making and mutating steps.  Structure-aware: commands are well
 * formed most of the time, with one field at a time drawn from values
 * that sit on a rule's edge (addresses the fuzzer knows: its own pages,
 * the victim's descriptors, PGDs and fence VAs, hidden memory, the
 * device's own BARs; sizes one off; flags one bit off).  Only the random
 * number generator decides, so a seed gives the same steps every time.
 */
#include <stdlib.h>
#include <string.h>

#include "gvf.h"

uint64_t gvf_rand(struct gvf_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t gvf_below(struct gvf_rng *r, uint32_t n)
{
    return n ? (uint32_t)(gvf_rand(r) % n) : 0;
}

static bool one_in(struct gvf_rng *r, uint32_t n)
{
    return gvf_below(r, n) == 0;
}

/* ---- values on the edges ---- */

static uint64_t edge_u64(struct gvf_rng *r)
{
    static const uint64_t v[] = {
        0, 1, 7, 8, 0xfff, 0x1000, 0x1001, 0x7fffffff, 0x80000000,
        0xffffffff, 0x100000000ull, 1ull << 40, (1ull << 40) - 8,
        ~0ull, ~0ull - 7, ~0ull - 4095, 0x8000000000000000ull,
    };

    return v[gvf_below(r, sizeof(v) / sizeof(v[0]))];
}

static uint32_t pick_chid(struct gvf_rng *r, const struct gvf_known *k)
{
    switch (gvf_below(r, 10)) {
    case 0:
    case 1:
    case 2:
    case 3:
        return GVA_CHID_BOOT - 1 - gvf_below(r, GVF_SLOTS);
    case 4:
        return GVA_CHID_MIN + gvf_below(r, GVA_CHID_BOOT - GVA_CHID_MIN);
    case 5:     /* the victim's: rarely (an accepted one restarts it) */
        return one_in(r, 3) ? k->vic_chid[gvf_below(r, GVV_MAX_STREAMS)]
                            : GVA_CHID_BOOT - 1;
    case 6:
        return one_in(r, 2) ? 0 : GVA_CHID_BOOT;
    case 7:
        return GV_MAX_CHANNELS + gvf_below(r, 2);
    case 8:
        return (uint32_t)edge_u64(r);
    default:
        return gvf_below(r, GV_MAX_CHANNELS);
    }
}

/* A device address: protected pages of the fuzzer's pool most often. */
static uint64_t pick_pa(struct gvf_rng *r, const struct gvf_known *k)
{
    uint64_t pa;

    switch (gvf_below(r, 14)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
        pa = k->own_prot + ((uint64_t)gvf_below(r, 512) << GV_PAGE_SHIFT);
        break;
    case 5:
        pa = k->own_unprot + ((uint64_t)gvf_below(r, 64) << GV_PAGE_SHIFT);
        break;
    case 6:
        pa = k->vic_desc[gvf_below(r, GVV_MAX_STREAMS)];
        break;
    case 7:
        pa = k->vic_pgd[gvf_below(r, GVV_MAX_STREAMS)];
        break;
    case 8:
        pa = k->vic_lo + ((gvf_rand(r) % (k->vic_hi - k->vic_lo + 1)) &
                          ~(uint64_t)(GV_PAGE_SIZE - 1));
        break;
    case 9:
        pa = k->hidden + ((uint64_t)gvf_below(r, 64) << GV_PAGE_SHIFT);
        break;
    case 10:
        pa = k->vram - GV_PAGE_SIZE * gvf_below(r, 3);
        break;
    case 11:
        pa = k->unprot - GV_PAGE_SIZE * gvf_below(r, 2);
        break;
    case 12:
        pa = edge_u64(r);
        break;
    default:
        pa = gvf_rand(r) % (k->vram + (k->vram >> 3));
        break;
    }
    switch (gvf_below(r, 12)) {
    case 0:
        return pa + 8;
    case 1:
        return pa & ~(uint64_t)(GV_BIG_PAGE_SIZE - 1);
    case 2:
        return pa - GV_PAGE_SIZE;
    default:
        return pa;
    }
}

/* A guest-physical result address: the fuzzer's DMA buffer mostly. */
static uint64_t pick_result(struct gvf_rng *r, const struct gvf_known *k)
{
    switch (gvf_below(r, 10)) {
    case 0:
        return 0;
    case 1:
        return k->bar0_bus + 0x1000 + 0x40 * gvf_below(r, 64) + 0x14;
    case 2:
        return k->bar2_bus + (gvf_rand(r) % k->unprot & ~7ull);
    case 3:
        return edge_u64(r);
    case 4:
        return k->dma_bus + (256u << 10) - 8 * gvf_below(r, 4);
    default:
        return k->dma_bus + (128u << 10) + 8 * gvf_below(r, 512);
    }
}

/* A virtual address of a fuzzer's channel (or someone's). */
static uint64_t pick_va(struct gvf_rng *r, const struct gvf_known *k)
{
    switch (gvf_below(r, 10)) {
    case 0:
    case 1:
    case 2:
        return GVF_VA_UNPROT + 8 * gvf_below(r, GVF_UNPROT_PAGES * 512);
    case 3:
    case 4:
        return GVF_VA_PROT + 8 * gvf_below(r, GVF_PROT_PAGES * 512);
    case 5:
        return k->vic_fence_va[gvf_below(r, GVV_MAX_STREAMS)];
    case 6:
        return GVF_VA_BIG + 8 * gvf_below(r, 1 << 14);
    case 7:
        return edge_u64(r);
    case 8:
        return GVF_VA_UNPROT + GVF_UNPROT_PAGES * GV_PAGE_SIZE -
               gvf_below(r, 16);
    default:
        return gvf_rand(r) & ((1ull << 41) - 1);
    }
}

/* ---- management commands ---- */

static uint32_t gen_create(struct gvf_rng *r, const struct gvf_known *k,
                           uint8_t *out)
{
    struct gv_cmd_ch_create c = { .hdr = { GV_OP_CH_CREATE, sizeof(c) } };

    c.chid = pick_chid(r, k);
    c.flags = one_in(r, 3) ? GV_CREATE_SHARE :
              one_in(r, 4) ? GV_CREATE_SECURE : 0;
    if (one_in(r, 10)) {
        c.flags = (uint32_t)gvf_rand(r) & 0xf;
    }
    c.desc_addr = pick_pa(r, k);
    c.pgd_addr = one_in(r, 8) ? c.desc_addr : pick_pa(r, k);
    c.share_chid = pick_chid(r, k);
    if (one_in(r, 2)) {
        c.uk_pub[0] = 4;
        for (unsigned i = 1; i < GV_EC_PUB_LEN; i++) {
            c.uk_pub[i] = (uint8_t)gvf_rand(r);
        }
    }
    c.result_addr = pick_result(r, k);
    if (one_in(r, 12)) {
        c.pad = 1;
    }
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

static uint32_t gen_pde(struct gvf_rng *r, const struct gvf_known *k,
                        uint8_t *out)
{
    struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

    c.chid = pick_chid(r, k);
    c.pgd_index = one_in(r, 8) ? GV_PGD_ENTRIES - 1 + gvf_below(r, 3)
                               : gvf_below(r, 4);
    c.flags = one_in(r, 3) ? GV_PDE_BIG : 0;
    if (one_in(r, 12)) {
        c.flags |= 1u << gvf_below(r, 32);
    }
    c.pgt_addr = one_in(r, 6) ? 0 : pick_pa(r, k);
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

static uint32_t gen_pte(struct gvf_rng *r, const struct gvf_known *k,
                        uint8_t *out)
{
    struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE } };
    uint32_t n = 1 + gvf_below(r, one_in(r, 4) ? 64 : 4);
    uint64_t pa = pick_pa(r, k), *pte = (uint64_t *)(out + sizeof(c));
    bool big = one_in(r, 3);

    c.chid = pick_chid(r, k);
    c.pgd_index = one_in(r, 10) ? GV_PGD_ENTRIES : gvf_below(r, 4);
    c.pgt_index = one_in(r, 10) ? GV_PGT_SMALL_ENTRIES - gvf_below(r, 3)
                                : gvf_below(r, 64);
    c.flags = big ? GV_PTE_BIG : 0;
    c.count = n;
    c.result_addr = pick_result(r, k);
    if (one_in(r, 6)) {
        for (unsigned i = 0; i < GV_TAG_LEN; i++) {
            c.mac[i] = (uint8_t)gvf_rand(r);
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t step = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;

        pte[i] = one_in(r, 5) ? 0 : (pa + i * step) | GV_PTE_VALID;
        if (one_in(r, 6)) {
            pte[i] |= GV_PTE_READONLY;
        }
        if (one_in(r, 20)) {
            pte[i] ^= 1ull << gvf_below(r, 64);
        }
        if (one_in(r, 20) && i) {
            pte[i] = pte[i - 1];
        }
    }
    if (one_in(r, 15)) {
        c.count = n + 1 - 2 * gvf_below(r, 2);
    }
    c.hdr.size = (uint32_t)(sizeof(c) + 8 * n);
    memcpy(out, &c, sizeof(c));
    return c.hdr.size;
}

static uint32_t gen_small_mgmt(struct gvf_rng *r, const struct gvf_known *k,
                               uint8_t *out)
{
    if (one_in(r, 2)) {
        struct gv_cmd_ch_destroy c = { .hdr = { GV_OP_CH_DESTROY,
                                                sizeof(c) } };

        c.chid = pick_chid(r, k);
        c.flags = one_in(r, 3) ? GV_DESTROY_AUTH :
                  one_in(r, 10) ? (uint32_t)gvf_rand(r) : 0;
        for (unsigned i = 0; c.flags && i < GV_TAG_LEN; i++) {
            c.mac[i] = (uint8_t)gvf_rand(r);
        }
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    struct gv_cmd_ch_measure m = { .hdr = { GV_OP_CH_MEASURE, sizeof(m) } };

    m.chid = pick_chid(r, k);
    m.va = pick_va(r, k);
    m.size = one_in(r, 3) ? edge_u64(r) : 1 + gvf_below(r, 8192);
    m.result_addr = pick_result(r, k);
    m.pad = one_in(r, 12);
    memcpy(out, &m, sizeof(m));
    return sizeof(m);
}

/* Commands of one bootstrap group into @out (room: GVF_DATA_MAX). */
static uint32_t gen_mgmt(struct gvf_rng *r, const struct gvf_known *k,
                         uint8_t *out)
{
    uint32_t len = 0, n = one_in(r, 4) ? 2 + gvf_below(r, 3) : 1;

    for (uint32_t i = 0; i < n && len + 600 < GVF_DATA_MAX; i++) {
        uint8_t *c = out + len;

        switch (gvf_below(r, 5)) {
        case 0:
            len += gen_create(r, k, c);
            break;
        case 1:
            len += gen_pde(r, k, c);
            break;
        case 2:
        case 3:
            len += gen_pte(r, k, c);
            break;
        default:
            len += gen_small_mgmt(r, k, c);
            break;
        }
        if (one_in(r, 10)) {            /* an engine command instead */
            struct gv_cmd_hdr *h = (void *)c;

            h->op = GV_OP_NOP + gvf_below(r, 5);
        } else if (one_in(r, 12)) {     /* a size one word off */
            struct gv_cmd_hdr *h = (void *)c;

            h->size += one_in(r, 2) ? 8 : -8;
            if (one_in(r, 4)) {
                h->size = 4 + gvf_below(r, 2) * 8;
            }
        }
    }
    return len;
}

/* ---- engine commands ---- */

static uint32_t gen_launch(struct gvf_rng *r, const struct gvf_known *k,
                           uint8_t *out)
{
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH } };
    unsigned kern = gvf_below(r, GVF_GEN_KERNELS + 1);
    uint64_t param[2] = { pick_va(r, k), pick_va(r, k) };

    if (kern == GVF_GEN_KERNELS) {
        /* divergence and a call: param0 picks the lanes that call */
        kern = GVF_KERN_DIVERGE;
        param[0] = one_in(r, 4) ? edge_u64(r) : gvf_below(r, 8);
    }

    l.module_va = GVF_VA_UNPROT + GVF_KERN_OFF(kern);
    l.module_size = k->kern_size[kern];
    for (unsigned i = 0; i < 3; i++) {
        l.grid[i] = i ? 1 : 1 + gvf_below(r, 3);
        l.block[i] = i ? 1 : 1 + gvf_below(r, 64);
    }
    l.param_size = 16;
    switch (gvf_below(r, 12)) {
    case 0:
        l.module_va += 8 * (1 + gvf_below(r, 64));
        break;
    case 1:
        l.module_size = one_in(r, 2) ? (uint32_t)edge_u64(r)
                                     : l.module_size - 8;
        break;
    case 2:
        l.grid[gvf_below(r, 3)] = (uint32_t)edge_u64(r);
        break;
    case 3:
        l.block[gvf_below(r, 3)] = 1u << gvf_below(r, 12);
        break;
    case 4:
        l.shared_dyn = one_in(r, 2) ? 16 : (uint32_t)edge_u64(r);
        break;
    case 5:
        l.func = 1 + gvf_below(r, 3);
        break;
    case 6:
        l.flags = 1u << gvf_below(r, 4);
        break;
    case 7:
        l.param_size = 8 * gvf_below(r, 4);
        break;
    case 8:
        l.pad = 1;
        break;
    default:
        break;
    }
    l.fence_va = one_in(r, 2) ? pick_va(r, k) : 0;
    l.fence_value = gvf_rand(r);
    if (kern == 5 && !one_in(r, 4)) {
        /* a vote.sync whose lanes wait for each other (param0 = 1, two
         * lanes or more), a parameter read at param1 */
        param[0] = !one_in(r, 4);
        param[1] = one_in(r, 3) ? 8 * gvf_below(r, 6) : 0;
        l.block[0] = 2 + gvf_below(r, 63);
    } else if (kern == 4 && one_in(r, 2)) {
        /* the shared read-back: offsets about the block's shared memory
         * (the expected-fault oracle, gvf_exec.c), a store the fuzzer
         * reads (its unprotected pages past the kernels) */
        uint64_t total = GVF_KERN_SHARED + l.shared_dyn;

        param[0] = one_in(r, 2) ? edge_u64(r) : total - 8 * gvf_below(r, 3);
        param[1] = GVF_VA_UNPROT + 8 * GV_PAGE_SIZE +
                   8 * gvf_below(r, 8 * 512);
    }
    l.hdr.size = (uint32_t)sizeof(l) + 16;
    memcpy(out, &l, sizeof(l));
    memcpy(out + sizeof(l), param, 16);
    return l.hdr.size;
}

/* A bounds probe: one well-formed LAUNCH of kernel 4 (a shared load at
 * param0, stored at param1) with an offset about the end of the block's
 * shared memory or an edge value such as 2^64 - 8; the expected-fault
 * oracle (gvf_exec.c) knows which must fault. */
static uint32_t gen_probe(struct gvf_rng *r, const struct gvf_known *k,
                          uint8_t *out)
{
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH } };
    uint64_t param[2], total;

    l.module_va = GVF_VA_UNPROT + GVF_KERN_OFF(4);
    l.module_size = k->kern_size[4];
    l.grid[0] = 1 + gvf_below(r, 3);
    l.block[0] = 1 + gvf_below(r, 64);
    l.grid[1] = l.grid[2] = l.block[1] = l.block[2] = 1;
    l.shared_dyn = one_in(r, 2) ? 0 : 16 * gvf_below(r, 64);
    l.param_size = 16;
    total = GVF_KERN_SHARED + l.shared_dyn;
    param[0] = one_in(r, 2) ? edge_u64(r) : total - 8 * gvf_below(r, 3);
    param[1] = GVF_VA_UNPROT + 8 * GV_PAGE_SIZE + 8 * gvf_below(r, 8 * 512);
    l.hdr.size = (uint32_t)sizeof(l) + 16;
    memcpy(out, &l, sizeof(l));
    memcpy(out + sizeof(l), param, 16);
    return l.hdr.size;
}

static uint32_t gen_copy(struct gvf_rng *r, const struct gvf_known *k,
                         uint8_t *out)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };

    c.flags = gvf_below(r, 4);
    if (one_in(r, 4)) {
        c.flags |= one_in(r, 2) ? GV_COPY_DECRYPT : GV_COPY_ENCRYPT;
    }
    if (one_in(r, 15)) {
        c.flags = (uint32_t)gvf_rand(r) & 0x1f;
    }
    c.src = c.flags & GV_COPY_SRC_HOST ? (256u << 10) + 8 * gvf_below(r, 64)
                                       : pick_va(r, k);
    c.dst = c.flags & GV_COPY_DST_HOST ? (512u << 10) + 8 * gvf_below(r, 64)
                                       : pick_va(r, k);
    if (one_in(r, 8)) {
        c.src = edge_u64(r);
    }
    c.size = one_in(r, 6) ? edge_u64(r) : 8 * (1 + gvf_below(r, 1024));
    c.pad = one_in(r, 15);
    for (unsigned i = 0; i < sizeof(c.iv); i++) {
        c.iv[i] = (uint8_t)gvf_rand(r);
    }
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

/* The copy engine's crypto mode, as a secure channel uses it: a copy key
 * (most of the time), then a decrypting or encrypting copy between the
 * channel's protected and unprotected pages or its host window, with
 * ranges that overlap, sit in the wrong memory or hold no valid tag. */
static uint32_t gen_crypto(struct gvf_rng *r, const struct gvf_known *k,
                           uint8_t *out)
{
    static const uint64_t side[] = {
        GVF_VA_PROT, GVF_VA_PROT + GV_PAGE_SIZE,
        GVF_VA_UNPROT + 8 * GV_PAGE_SIZE, GVF_VA_UNPROT + 12 * GV_PAGE_SIZE,
    };
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };
    uint32_t len = 0;

    if (!one_in(r, 5)) {
        struct gv_cmd_set_copy_key s = { .hdr = { GV_OP_SET_COPY_KEY,
                                                  sizeof(s) } };

        s.key[0] = (uint8_t)gvf_below(r, 4);    /* a few keys only */
        memcpy(out, &s, sizeof(s));
        len = sizeof(s);
    }
    c.flags = one_in(r, 2) ? GV_COPY_DECRYPT : GV_COPY_ENCRYPT;
    c.src = side[gvf_below(r, 4)] + 8 * gvf_below(r, 4);
    c.dst = side[gvf_below(r, 4)];
    switch (gvf_below(r, 6)) {
    case 0:             /* overlapping from above, or exactly in place */
        c.dst = c.src + 8 * gvf_below(r, 4);
        break;
    case 1:
        c.flags |= GV_COPY_DST_HOST;
        c.dst = 8 * gvf_below(r, 64);
        break;
    case 2:
        c.flags |= GV_COPY_SRC_HOST;
        c.src = 8 * gvf_below(r, 64);
        break;
    default:
        break;
    }
    c.size = one_in(r, 8) ? pick_va(r, k) : 8 * (1 + gvf_below(r, 512));
    for (unsigned i = 0; i < sizeof(c.iv); i++) {
        c.iv[i] = (uint8_t)gvf_below(r, 2);
    }
    memcpy(out + len, &c, sizeof(c));
    return len + (uint32_t)sizeof(c);
}

static uint32_t gen_engine(struct gvf_rng *r, const struct gvf_known *k,
                           uint8_t *out)
{
    uint32_t len = 0, n = 1 + gvf_below(r, 3);

    if (one_in(r, 6)) {
        return gen_crypto(r, k, out);
    }

    for (uint32_t i = 0; i < n && len + 200 < GVF_DATA_MAX; i++) {
        uint8_t *c = out + len;

        switch (gvf_below(r, 10)) {
        case 0: {
            struct gv_cmd_hdr h = { GV_OP_NOP, one_in(r, 6) ? 16 : 8 };

            memset(c, 0, 16);
            memcpy(c, &h, sizeof(h));
            len += h.size;
            break;
        }
        case 1:
        case 2: {
            struct gv_cmd_fence f = gva_fence(pick_va(r, k), gvf_rand(r));

            if (one_in(r, 10)) {
                f.hdr.size = 16;
            }
            memcpy(c, &f, sizeof(f));
            len += f.hdr.size;
            break;
        }
        case 3:
        case 4:
        case 5:
            len += gen_copy(r, k, c);
            break;
        case 6: {
            struct gv_cmd_set_copy_key s = { .hdr = { GV_OP_SET_COPY_KEY,
                                                      sizeof(s) } };

            s.key[0] = (uint8_t)gvf_rand(r);
            memcpy(c, &s, sizeof(s));
            len += sizeof(s);
            break;
        }
        case 7:
            if (one_in(r, 6)) {         /* management on a channel */
                len += gen_small_mgmt(r, k, c);
                break;
            }
            /* fall through */
        default:
            len += gen_launch(r, k, c);
            if (!one_in(r, 8)) {
                i = n;                  /* a LAUNCH ends its group ... */
            }
            break;
        }
        if (one_in(r, 25)) {            /* ... most of the time */
            struct gv_cmd_hdr *h = (void *)c;

            h->size ^= 8u << gvf_below(r, 3);
            h->op ^= one_in(r, 2) ? 0x1000 : 0;
        }
    }
    return len;
}

/* ---- steps ---- */

static uint32_t gen_mmio(struct gvf_rng *r, const struct gvf_known *k,
                         struct gvf_step *s)
{
    static const uint32_t regs[] = {
        GV_REG_SCRATCH, GV_REG_CAPS, GV_REG_RESET, GV_REG_REGION_LOCK,
        GV_REG_UNPROT_SIZE_LO, GV_REG_PROT_SIZE_HI, GV_REG_ERROR_CODE,
        GV_REG_DBG_RULE_SEL, GV_REG_DBG_RULE_HITS_LO, GV_REG_DBG_CHECK,
        GV_REG_DBG_RULE_COUNT, 0x0200, 0x0a04, 0xfffc, 0x10000,
    };
    static const uint32_t creg[] = {
        GV_CHAN_DESC_LO, GV_CHAN_DESC_HI, GV_CHAN_RING_LO, GV_CHAN_RING_HI,
        GV_CHAN_RING_ENTRIES, GV_CHAN_PUT, GV_CHAN_GET, GV_CHAN_STATUS,
        GV_CHAN_CTRL, GV_CHAN_COUNTER_LO, GV_CHAN_HOSTWIN_LO,
        GV_CHAN_HOSTWIN_SIZE, 0x38, 0x3c,
    };
    static const uint8_t sizes[] = { 4, 4, 4, 4, 1, 2, 8 };
    uint64_t pa = pick_pa(r, k);

    s->kind = one_in(r, 4) ? GVF_K_MMIO_RD : GVF_K_MMIO_WR;
    s->chan = sizes[gvf_below(r, sizeof(sizes))];
    if (one_in(r, 3)) {
        s->a = regs[gvf_below(r, sizeof(regs) / sizeof(regs[0]))];
    } else {
        /* the fuzzer's slots and the free ones of its range: never the
         * driver's channels, nor its own bootstrap channel */
        uint32_t c = GVA_CHID_MIN + gvf_below(r, GVA_CHID_BOOT -
                                                 GVA_CHID_MIN);

        s->a = GV_REG_CHAN(c, creg[gvf_below(r, sizeof(creg) / 4)]);
    }
    if (one_in(r, 10)) {
        s->a += 1 + gvf_below(r, 3);
    }
    switch (gvf_below(r, 5)) {
    case 0:
        s->b = (uint32_t)pa;
        break;
    case 1:
        s->b = pa >> 32;
        break;
    case 2:
        s->b = 1u << gvf_below(r, 17);
        break;
    case 3:
        s->b = (uint32_t)edge_u64(r);
        break;
    default:
        s->b = gvf_below(r, 300);
        break;
    }
    if (s->a == GV_REG_RESET && !one_in(r, 50)) {
        s->b = 0x52534553;              /* one letter off the magic */
    }
    return 0;
}

uint32_t gvf_gen_step(struct gvf_rng *r, const struct gvf_known *k,
                      uint8_t *out)
{
    struct gvf_step *s = (void *)out;
    uint32_t w = gvf_below(r, 1000);

    memset(s, 0, sizeof(*s));
    s->chan = (uint8_t)gvf_below(r, GVF_SLOTS);
    if (w < 120) {
        gen_mmio(r, k, s);
    } else if (w < 400) {
        s->kind = GVF_K_BOOT;
        s->len = (uint16_t)gen_mgmt(r, k, s->data);
        s->a = one_in(r, 8) ? 1u << gvf_below(r, 6) : 0;
        s->b = one_in(r, 10) ? gvf_below(r, 8) | gvf_below(r, 6) << 8 : 0;
    } else if (w < 700 && one_in(r, 8)) {
        s->kind = GVF_K_GENMOD;         /* a generated module */
        s->b = gvf_rand(r);
        s->a = (uint32_t)gvf_rand(r) & 0x3f01ffu;
        if (!one_in(r, 4)) {
            s->a &= ~(uint32_t)GVF_MG_FAULT;
        }
    } else if (w < 700 && one_in(r, 6)) {
        s->kind = GVF_K_ENGINE;         /* a bounds probe, unchanged */
        s->len = (uint16_t)gen_probe(r, k, s->data);
    } else if (w < 700) {
        s->kind = GVF_K_ENGINE;
        s->len = (uint16_t)gen_engine(r, k, s->data);
        s->a = one_in(r, 6) ? (uint32_t)(int32_t)(gvf_below(r, 5) - 2) : 0;
        s->b = one_in(r, 8) ? 1 + gvf_below(r, 8 * (s->len + 32)) : 0;
        if (one_in(r, 10)) {
            s->b |= (uint64_t)(1u << gvf_below(r, 6)) << 32;
        }
    } else if (w < 820) {
        s->kind = GVF_K_CHAN_NEW;
        s->a = gvf_below(r, 10) < 5 ? 0 : gvf_below(r, 4);
        s->b = gvf_below(r, GVF_SLOTS);
        if (s->a == 3) {
            s->b |= (gvf_rand(r) & 0xf) << 32;
        }
    } else if (w < 850) {
        s->kind = GVF_K_CHAN_DEL;
        s->a = gvf_below(r, 2);
    } else if (w < 900) {
        s->kind = GVF_K_VICTIM;
        s->chan = (uint8_t)gvf_below(r, GVV_MAX_STREAMS);
        s->a = one_in(r, 12) ? GVV_SEAL : GVV_RUN;
        s->b = gvf_below(r, GVF_RECS);
    } else if (w < 970) {
        s->kind = GVF_K_INJECT;
        s->chan = (uint8_t)gvf_below(r, GVF_SLOTS + GVV_MAX_STREAMS);
        s->a = gvf_below(r, GVF_RECS);
        s->b = one_in(r, 3) ? 1 + gvf_below(r, 2048) : 0;
        if (one_in(r, 6)) {
            s->b |= (uint64_t)(8 * gvf_below(r, 4)) << 32;
        }
    } else if (w < 985) {
        s->kind = GVF_K_RECORD_OWN;
        s->b = gvf_below(r, GVF_RECS);
    } else if (w < 999) {
        static const uint8_t sz[] = { 1, 2, 8, 8 };

        s->kind = GVF_K_BAR2;
        s->chan = (uint8_t)(sz[gvf_below(r, 4)] | (one_in(r, 2) ? 0x80 : 0));
        s->b = one_in(r, 2) ? pick_pa(r, k) : k->own_unprot +
                                               8 * gvf_below(r, 4096);
        s->a = (uint32_t)gvf_rand(r);
    } else {
        s->kind = GVF_K_RESET;
        s->a = gvf_below(r, 2);
        s->b = gvf_rand(r) & 0x1ffffffffffull;
        switch (gvf_below(r, 6)) {
        case 0:
        case 1:
        case 2:         /* plausible sizes: 64 MiB + 64 MiB */
            s->b = (s->b & ~0xffffffffull) | 512 | 512u << 16;
            break;
        case 3:         /* U = 0 */
            s->b &= ~0xffffull;
            break;
        case 4: {       /* all but 128 KiB: no room for the hidden one */
            uint64_t u = gvf_below(r, 256), all = k->vram >> 17;

            s->b = (s->b & ~0xffffffffull) | u | (all - u - 1) << 16;
            break;
        }
        default:
            break;
        }
    }
    return (uint32_t)sizeof(*s) + s->len;
}

/* ---- inputs ---- */

void gvf_input_push(struct gvf_input *in, const struct gvf_step *s)
{
    uint32_t n = (uint32_t)sizeof(*s) + s->len, pad = (n + 7) & ~7u;
    uint8_t *b = realloc(in->buf, in->size + pad);

    if (!b) {
        return;
    }
    in->buf = b;
    memcpy(b + in->size, s, n);
    memset(b + in->size + n, 0, pad - n);
    in->size += pad;
    in->nsteps++;
}

void gvf_gen_input(struct gvf_rng *r, const struct gvf_known *k,
                   unsigned max, struct gvf_input *out)
{
    uint8_t step[GVF_STEP_MAX];
    unsigned n = 1 + gvf_below(r, max);

    memset(out, 0, sizeof(*out));
    /* one input in six: an attack of design.md section 11 or a script
     * for a refusal random steps seldom reach (gvf_attack.c) */
    if (one_in(r, 6)) {
        gvf_gen_attack(r, k, gvf_below(r, gvf_attack_count()), out);
        return;
    }
    /* most inputs start with a channel of their own to aim engine steps */
    if (!one_in(r, 4)) {
        struct gvf_step *s = (void *)step;

        memset(s, 0, sizeof(*s));
        s->kind = GVF_K_CHAN_NEW;
        s->a = one_in(r, 2);
        gvf_input_push(out, s);
    }
    for (unsigned i = 0; i < n; i++) {
        gvf_gen_step(r, k, step);
        gvf_input_push(out, (void *)step);
    }
}

/* One field of a step changed. */
static void tweak(struct gvf_rng *r, struct gvf_step *s)
{
    switch (gvf_below(r, 5)) {
    case 0:
        s->a ^= 1u << gvf_below(r, 32);
        break;
    case 1:
        s->b ^= 1ull << gvf_below(r, 64);
        break;
    case 2:
        s->chan = (uint8_t)gvf_below(r, GVF_SLOTS + 2);
        break;
    default:
        if (s->len) {
            unsigned i = gvf_below(r, s->len);

            if (one_in(r, 2)) {
                s->data[i] ^= (uint8_t)(1u << gvf_below(r, 8));
            } else {
                s->data[i] = (uint8_t)gvf_rand(r);
            }
        }
        break;
    }
}

void gvf_mutate(struct gvf_rng *r, const struct gvf_known *k,
                const struct gvf_input *in, const struct gvf_input *other,
                unsigned max, struct gvf_input *out)
{
    uint8_t step[GVF_STEP_MAX];
    uint32_t n = in->nsteps, at = gvf_below(r, n + 1);
    unsigned op = gvf_below(r, 5);

    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i <= n && out->nsteps < max; i++) {
        const struct gvf_step *s = gvf_step_at(in, i);

        if (i == at) {
            if (op == 0 || (op == 1 && n > 1)) {
                gvf_gen_step(r, k, step);       /* insert / replace */
                gvf_input_push(out, (void *)step);
                if (op == 1) {
                    continue;
                }
            } else if (op == 2 && other && other->nsteps) {
                const struct gvf_step *o =
                    gvf_step_at(other, gvf_below(r, other->nsteps));

                gvf_input_push(out, o);                   /* splice */
            } else if (op == 3 && s && n > 1) {
                continue;                       /* delete */
            } else if (s) {
                memcpy(step, s, sizeof(*s) + s->len);
                tweak(r, (void *)step);         /* change a field */
                gvf_input_push(out, (void *)step);
                continue;
            }
        }
        if (s) {
            gvf_input_push(out, s);
        }
    }
    if (!out->nsteps) {
        gvf_gen_input(r, k, 4, out);
    }
}
