/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the MMU.  Two-level page tables in device
 * memory (a PDE holds a small-page and a big-page table pointer), a small
 * per-channel TLB that the command processor flushes on every change, and
 * the checked engine accesses built on the translation.
 */
#include "gv_internal.h"
#include "gv_bounds.h"
#include "gv_simt.h"

void gv_tlb_flush(struct gv_dev *dev)
{
    dev->tlb_gen++;
}

/* Entry @i of the page table a PDE points at, or 0 (not valid) if the
 * table is not inside device memory.  CH_PDE only accepts tables in
 * protected memory; this holds even if a PDE were ever corrupted. */
static uint64_t pte_get(struct gv_dev *dev, uint64_t pde, unsigned i,
                        bool big)
{
    uint64_t table = pde & GV_PTE_ADDR_MASK;

    if (!gv_range_ok(table, big ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES,
                     dev->cfg.vram_size)) {
        return 0;
    }
    return *gv_pte_ptr(dev, table, i);
}

/* Walk the tables: the PTE's physical address (with the in-page offset
 * applied) and flags, or -1 if @va is not mapped.  @va < GV_VA_LIMIT. */
static int walk(struct gv_dev *dev, unsigned chid, uint64_t va, uint64_t *pa,
                uint64_t *flags)
{
    unsigned pgdi = va >> GV_PDE_SHIFT;
    uint64_t pde, pte;

    pde = gv_pde_get(dev, chid, pgdi, true);
    if (pde & GV_PDE_VALID) {
        unsigned i = (va >> GV_BIG_PAGE_SHIFT) & (GV_PGT_BIG_ENTRIES - 1);

        pte = pte_get(dev, pde, i, true);
        if (pte & GV_PTE_VALID) {
            *pa = (pte & GV_PTE_ADDR_MASK) + (va & (GV_BIG_PAGE_SIZE - 1));
            *flags = pte & GV_PTE_FLAGS;
            return 0;
        }
    }
    pde = gv_pde_get(dev, chid, pgdi, false);
    if (pde & GV_PDE_VALID) {
        unsigned i = (va >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);

        pte = pte_get(dev, pde, i, false);
        if (pte & GV_PTE_VALID) {
            *pa = (pte & GV_PTE_ADDR_MASK) + (va & (GV_PAGE_SIZE - 1));
            *flags = pte & GV_PTE_FLAGS;
            return 0;
        }
    }
    return -1;
}

/* May channel @chid's engines touch physical page @pa?  Defence in depth:
 * CH_PTE already refuses such mappings; this also holds if tables were
 * ever corrupted. */
static bool page_allowed(struct gv_dev *dev, unsigned chid, uint64_t pa)
{
    uint64_t e;

    switch (gv_region_of(dev, pa & ~(uint64_t)(GV_PAGE_SIZE - 1),
                         GV_PAGE_SIZE)) {
    case GV_REGION_UNPROT:
        return true;
    case GV_REGION_PROT:
        e = *gv_pmm_entry(dev, pa);
        return pmm_mapped(e) && pmm_type(e) == GV_PT_DATA &&
               pmm_owner(e) == dev->chan[chid].ctx;
    default:
        return false;
    }
}

unsigned gv_mmu_classify(struct gv_dev *dev, unsigned chid, uint64_t va,
                         bool write)
{
    uint64_t p, flags;

    if (chid >= GV_MAX_CHANNELS || !gv_range_ok(va, 1, GV_VA_LIMIT)) {
        return GV_MMU_VA_RANGE;
    }
    if (walk(dev, chid, va, &p, &flags) != 0) {
        return GV_MMU_UNMAPPED;
    }
    if (!page_allowed(dev, chid, p)) {
        return GV_MMU_NOT_OWNED;
    }
    return write && (flags & GV_PTE_READONLY) ? GV_MMU_READ_ONLY : GV_MMU_OK;
}

int gv_translate(struct gv_dev *dev, unsigned chid, uint64_t va, bool write,
                 uint64_t *pa)
{
    struct gv_tlb_entry *t;
    uint64_t vpage = va >> GV_PAGE_SHIFT, base, flags;

    if (chid >= GV_MAX_CHANNELS || !gv_range_ok(va, 1, GV_VA_LIMIT)) {
        return gv_refuse(dev, GV_RULE_MMU_VA_RANGE, chid, va, write);
    }
    t = &dev->tlb[chid][vpage % GV_TLB_ENTRIES];
    if (t->gen == dev->tlb_gen && t->vpage == vpage) {
        base = t->ppage_flags & GV_PTE_ADDR_MASK;
        flags = t->ppage_flags & GV_PTE_FLAGS;
    } else {
        uint64_t p;

        if (walk(dev, chid, va, &p, &flags) != 0) {
            return gv_refuse(dev, GV_RULE_MMU_UNMAPPED, chid, va, write);
        }
        if (!page_allowed(dev, chid, p)) {
            return gv_refuse(dev, GV_RULE_MMU_NOT_OWNED, chid, va, p);
        }
        base = p & GV_PTE_ADDR_MASK;
        t->vpage = vpage;
        t->ppage_flags = base | flags;
        t->gen = dev->tlb_gen;
    }
    if (write && (flags & GV_PTE_READONLY)) {
        return gv_refuse(dev, GV_RULE_MMU_READ_ONLY, chid, va, base);
    }
    *pa = base + (va & (GV_PAGE_SIZE - 1));
    return GV_ERR_NONE;
}

/* [va, va + len) of @chid's virtual memory to or from @buf: the whole
 * range inside the VA space (checked once, so va + off below never
 * wraps), then every page translated before any byte moves. */
static int vm_copy(struct gv_dev *dev, unsigned chid, uint64_t va, void *buf,
                   uint64_t len, bool write)
{
    uint8_t *b = buf;

    if (!gv_range_ok(va, len, GV_VA_LIMIT)) {
        return gv_refuse(dev, GV_RULE_MMU_VA_RANGE, chid, va, len);
    }
    /* Check every page before touching any, so a fault changes nothing. */
    for (uint64_t off = 0; off < len;) {
        uint64_t pa, n = GV_PAGE_SIZE - ((va + off) & (GV_PAGE_SIZE - 1));
        int err = gv_translate(dev, chid, va + off, write, &pa);

        if (err != GV_ERR_NONE) {
            return err;
        }
        off += n;
    }
    for (uint64_t off = 0; off < len;) {
        uint64_t pa, n = GV_PAGE_SIZE - ((va + off) & (GV_PAGE_SIZE - 1));

        if (n > len - off) {
            n = len - off;
        }
        gv_translate(dev, chid, va + off, write, &pa);
        if (write) {
            memcpy(dev->vram + pa, b + off, n);
        } else {
            memcpy(b + off, dev->vram + pa, n);
        }
        off += n;
    }
    return GV_ERR_NONE;
}

int gv_vm_read(struct gv_dev *dev, unsigned chid, uint64_t va, void *buf,
               uint64_t len)
{
    return vm_copy(dev, chid, va, buf, len, false);
}

int gv_vm_write(struct gv_dev *dev, unsigned chid, uint64_t va,
                const void *buf, uint64_t len)
{
    return vm_copy(dev, chid, va, (void *)buf, len, true);
}

int gv_translate_mt(struct gv_dev *dev, unsigned chid, uint64_t va,
                    uint64_t *pa, bool *ro)
{
    uint64_t p, flags;

    if (chid >= GV_MAX_CHANNELS || !gv_range_ok(va, 1, GV_VA_LIMIT) ||
        walk(dev, chid, va, &p, &flags) != 0 ||
        !page_allowed(dev, chid, p)) {
        return -1;
    }
    *pa = p;
    *ro = flags & GV_PTE_READONLY;
    return 0;
}
