/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the internal consistency check.  Rebuilds what
 * the PMM should say from every active channel's page tables and compares:
 * every mapped page accounted for, refcnts and entry counts right, lock
 * bits right, tables in protected memory, no page of one context reachable
 * from another, no virtual page mapped by both page sizes.  And what the
 * design states about channels (design.md sections 2, 6, 7): a bootstrap
 * channel's descriptor lies in unprotected memory; only a secure channel
 * holds a copy key; the TLB, which the command processor flushes on every
 * change, agrees with the tables (no stale translation, attack 19).
 */
#include "gv_internal.h"
#include "gv_simt.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct expect {
    uint16_t refs;
    uint8_t type;
    uint8_t big;
    int16_t ctx;        /* -1: not yet seen */
    uint8_t seen_table; /* table head already walked */
};

struct checker {
    struct gv_dev *dev;
    struct expect *exp;
    char *why;
    size_t why_len;
    bool bad;
};

static void fail(struct checker *k, const char *fmt, ...) GV_PRINTF(2, 3);
static void fail(struct checker *k, const char *fmt, ...)
{
    va_list ap;

    if (k->bad) {
        return;     /* keep the first */
    }
    k->bad = true;
    if (k->why && k->why_len) {
        va_start(ap, fmt);
        vsnprintf(k->why, k->why_len, fmt, ap);
        va_end(ap);
    }
}

static struct expect *exp_of(struct checker *k, uint64_t pa)
{
    return &k->exp[(pa - k->dev->unprot_size) >> GV_PAGE_SHIFT];
}

/* Account one reference to protected page @pa. */
static void ref(struct checker *k, uint64_t pa, unsigned type, bool big,
                unsigned ctx)
{
    struct expect *x = exp_of(k, pa);

    if (x->refs && (x->type != type || x->big != big)) {
        fail(k, "page 0x%" PRIx64 " used as type %u and %u", pa, x->type,
             type);
    }
    if (x->ctx >= 0 && (unsigned)x->ctx != ctx) {
        fail(k, "page 0x%" PRIx64 " reachable from contexts %d and %u", pa,
             x->ctx, ctx);
    }
    x->refs++;
    x->type = type;
    x->big = big;
    x->ctx = ctx;
}

static void ref_range(struct checker *k, uint64_t pa, uint64_t bytes,
                      unsigned type, bool big, unsigned ctx,
                      const char *what)
{
    if (gv_region_of(k->dev, pa, bytes) != GV_REGION_PROT) {
        fail(k, "%s at 0x%" PRIx64 " is not in protected memory", what, pa);
        return;
    }
    for (uint64_t off = 0; off < bytes; off += GV_PAGE_SIZE) {
        ref(k, pa + off, type, big, ctx);
    }
}

static void walk_table(struct checker *k, unsigned chid, unsigned pgdi,
                       uint64_t table, bool big)
{
    struct gv_dev *dev = k->dev;
    unsigned ctx = dev->chan[chid].ctx;
    unsigned n = big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES;
    uint64_t bytes = big ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES;
    uint64_t pbytes = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    unsigned valid = 0;
    struct expect *head;

    ref_range(k, table, bytes, big ? GV_PT_PGT_BIG : GV_PT_PGT_SMALL, false,
              ctx, "page table");
    if (k->bad) {
        return;
    }
    head = exp_of(k, table);
    if (head->seen_table) {
        return;     /* shared table: its entries were counted once */
    }
    head->seen_table = 1;
    if (!(*gv_pmm_entry(dev, table) & PMM_HEAD)) {
        fail(k, "table 0x%" PRIx64 " lacks its head mark", table);
    }
    for (unsigned i = 0; i < n && !k->bad; i++) {
        uint64_t pte = *gv_pte_ptr(dev, table, i);
        uint64_t pa = pte & GV_PTE_ADDR_MASK;

        if (!(pte & GV_PTE_VALID)) {
            if (pte) {
                fail(k, "invalid PTE %u of 0x%" PRIx64 " not zero", i, table);
            }
            continue;
        }
        valid++;
        switch (gv_region_of(dev, pa, pbytes)) {
        case GV_REGION_UNPROT:
            break;
        case GV_REGION_PROT:
            for (uint64_t off = 0; off < pbytes; off += GV_PAGE_SIZE) {
                ref(k, pa + off, GV_PT_DATA, big, ctx);
            }
            break;
        default:
            fail(k, "PTE %u of 0x%" PRIx64 " points outside usable memory",
                 i, table);
        }
        /* The other page size must not map the same virtual page. */
        {
            uint64_t other = gv_pde_get(dev, chid, pgdi, !big);
            unsigned ratio = GV_BIG_PAGE_SIZE / GV_PAGE_SIZE;

            if (other & GV_PDE_VALID) {
                other &= GV_PTE_ADDR_MASK;
                for (unsigned j = 0; j < (big ? ratio : 1); j++) {
                    unsigned oi = big ? i * ratio + j : i / ratio;

                    if (*gv_pte_ptr(dev, other, oi) & GV_PTE_VALID) {
                        fail(k, "chid %u pgd %u entry %u mapped by both "
                             "page sizes", chid, pgdi, i);
                    }
                }
            }
        }
    }
    if (valid != pmm_entrycnt(*gv_pmm_entry(dev, table))) {
        fail(k, "table 0x%" PRIx64 ": %u valid entries, entrycnt %u", table,
             valid, pmm_entrycnt(*gv_pmm_entry(dev, table)));
    }
}

/* Every TLB entry of the current generation translates as a fresh walk
 * of the tables would (and only for a channel that may have one). */
static void check_tlb(struct checker *k)
{
    struct gv_dev *dev = k->dev;

    for (unsigned c = 0; c < GV_MAX_CHANNELS && !k->bad; c++) {
        unsigned type = dev->chan[c].type;

        for (unsigned i = 0; i < GV_TLB_ENTRIES && !k->bad; i++) {
            const struct gv_tlb_entry *t = &dev->tlb[c][i];
            uint64_t va = t->vpage << GV_PAGE_SHIFT, pa;
            bool ro;

            if (t->gen != dev->tlb_gen) {
                continue;
            }
            if (type != GV_CHAN_TYPE_NORMAL && type != GV_CHAN_TYPE_SECURE) {
                fail(k, "chid %u (type %u) has a live TLB entry for VA "
                     "0x%" PRIx64, c, type, va);
            } else if (gv_translate_mt(dev, c, va, &pa, &ro) != 0) {
                fail(k, "chid %u: stale TLB entry VA 0x%" PRIx64 " -> 0x%"
                     PRIx64 ", the tables map nothing there", c, va,
                     t->ppage_flags);
            } else if ((pa & GV_PTE_ADDR_MASK) !=
                       (t->ppage_flags & GV_PTE_ADDR_MASK) ||
                       ro != !!(t->ppage_flags & GV_PTE_READONLY)) {
                fail(k, "chid %u: stale TLB entry VA 0x%" PRIx64 " -> 0x%"
                     PRIx64 ", the tables say 0x%" PRIx64 "%s", c, va,
                     t->ppage_flags, (uint64_t)(pa & GV_PTE_ADDR_MASK),
                     ro ? " read-only" : "");
            }
        }
    }
}

/* Per channel, what its type allows: a bootstrap channel's descriptor in
 * unprotected memory (else the driver could aim one at a secure
 * context's pages, attack 5); a copy key only on a secure channel (a key
 * set any other way is the driver's). */
static void check_channel_kinds(struct checker *k)
{
    struct gv_dev *dev = k->dev;

    for (unsigned c = 0; c < GV_MAX_CHANNELS && !k->bad; c++) {
        const struct gv_chan *ch = &dev->chan[c];

        if (ch->type == GV_CHAN_TYPE_BOOTSTRAP &&
            (ch->desc_addr % GV_PAGE_SIZE ||
             gv_region_of(dev, ch->desc_addr, GV_DESC_BYTES) !=
             GV_REGION_UNPROT)) {
            fail(k, "bootstrap channel %u has its descriptor at 0x%" PRIx64
                 ", not in unprotected memory", c, ch->desc_addr);
        } else if (ch->type != GV_CHAN_TYPE_SECURE &&
                   dev->chsec[c].has_copy_key) {
            fail(k, "channel %u (type %u) holds a copy key", c, ch->type);
        } else if (ch->copy && !dev->chsec[c].has_copy_key) {
            fail(k, "channel %u keeps copy key schedules without a copy "
                 "key", c);
        }
    }
}

int gv_dev_check_tlb(struct gv_dev *dev, char *why, size_t why_len)
{
    struct checker k = { .dev = dev, .why = why, .why_len = why_len };

    if (why && why_len) {
        why[0] = 0;
    }
    if (dev->locked) {
        check_tlb(&k);
    }
    return k.bad ? -1 : 0;
}

int gv_dev_check(struct gv_dev *dev, char *why, size_t why_len)
{
    struct checker k = { .dev = dev, .why = why, .why_len = why_len };

    if (why && why_len) {
        why[0] = 0;
    }
    if (!dev->locked) {
        for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
            if (dev->chan[c].type != GV_CHAN_TYPE_FREE) {
                fail(&k, "channel %u active before the regions lock", c);
            }
        }
        return k.bad ? -1 : 0;
    }
    k.exp = calloc(dev->prot_pages ? dev->prot_pages : 1, sizeof(*k.exp));
    if (!k.exp) {
        fail(&k, "out of memory");
        return -1;
    }
    for (uint64_t i = 0; i < dev->prot_pages; i++) {
        k.exp[i].ctx = -1;
    }
    for (unsigned c = 0; c < GV_MAX_CHANNELS && !k.bad; c++) {
        struct gv_chan *ch = &dev->chan[c];

        if (ch->type != GV_CHAN_TYPE_NORMAL &&
            ch->type != GV_CHAN_TYPE_SECURE) {
            continue;
        }
        if (!dev->ctx[ch->ctx].in_use ||
            !!dev->ctx[ch->ctx].secure != (ch->type == GV_CHAN_TYPE_SECURE)) {
            fail(&k, "channel %u has a bad context %u", c, ch->ctx);
        }
        ref_range(&k, ch->desc_addr, GV_DESC_BYTES, GV_PT_DESC, false,
                  ch->ctx, "descriptor");
        ref_range(&k, ch->pgd_addr, GV_PGD_BYTES, GV_PT_PGD, false, ch->ctx,
                  "PGD");
        for (unsigned i = 0; i < GV_PGD_ENTRIES && !k.bad; i++) {
            for (int big = 0; big < 2; big++) {
                uint64_t pde = gv_pde_get(dev, c, i, big);

                if (pde & GV_PDE_VALID) {
                    walk_table(&k, c, i, pde & GV_PTE_ADDR_MASK, big);
                } else if (pde) {
                    fail(&k, "chid %u PDE %u has junk 0x%" PRIx64, c, i, pde);
                }
            }
        }
    }
    check_channel_kinds(&k);
    check_tlb(&k);
    /* Compare with the PMM. */
    for (uint64_t i = 0; i < dev->prot_pages && !k.bad; i++) {
        uint64_t e = dev->pmm[i], pa = dev->unprot_size + i * GV_PAGE_SIZE;
        struct expect *x = &k.exp[i];
        unsigned owner = pmm_owner(e);

        if (!x->refs) {
            if (e) {
                fail(&k, "page 0x%" PRIx64 " not mapped anywhere but PMM "
                     "says 0x%" PRIx64, pa, e);
            }
            continue;
        }
        if (!pmm_mapped(e) || pmm_refcnt(e) != x->refs ||
            pmm_type(e) != x->type || pmm_big(e) != x->big) {
            fail(&k, "page 0x%" PRIx64 ": PMM 0x%" PRIx64 " but %u refs as "
                 "type %u big %u", pa, e, x->refs, x->type, x->big);
        } else if (owner >= GV_MAX_CHANNELS || !dev->ctx[owner].in_use ||
                   owner != (unsigned)x->ctx) {
            fail(&k, "page 0x%" PRIx64 " owned by context %u, reachable "
                 "from context %d", pa, owner, x->ctx);
        } else if (pmm_locked(e) != !!dev->ctx[owner].secure) {
            fail(&k, "page 0x%" PRIx64 " lock bit wrong", pa);
        }
    }
    free(k.exp);
    return k.bad ? -1 : 0;
}
