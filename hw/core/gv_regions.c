/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: memory regions (unprotected / protected /
 * hidden), their lock, scrubbing, and the hidden-memory layout.
 *
 * Layout of device memory once locked:
 *
 *   [0, U)          unprotected: reachable through the BAR aperture
 *   [U, U + P)      protected: engines only; the aperture refuses it
 *   [U + P, VRAM)   hidden: command processor only
 *
 * Hidden memory holds, from its base: the PMM (8 bytes per protected
 * page), the context table and the per-channel counters.  These really
 * live in device memory: a hidden region too small for them refuses the
 * lock.
 */
#include "gv_internal.h"

#include <sys/mman.h>

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static uint64_t ctx_table_bytes(void)
{
    return ALIGN_UP(sizeof(struct gv_ctx) * GV_MAX_CHANNELS, 64);
}

static uint64_t chsec_bytes(void)
{
    return ALIGN_UP(sizeof(struct gv_chan_secret) * GV_MAX_CHANNELS, 64);
}

uint64_t gv_hidden_needed(uint64_t prot_size)
{
    uint64_t pmm = (prot_size >> GV_PAGE_SHIFT) * sizeof(uint64_t);

    return ALIGN_UP(ALIGN_UP(pmm, 64) + ctx_table_bytes() + chsec_bytes(),
                    GV_PAGE_SIZE);
}

enum gv_region gv_region_of(const struct gv_dev *dev, uint64_t addr,
                            uint64_t len)
{
    uint64_t end = addr + len;

    if (!dev->locked || len == 0 || end < addr || end > dev->cfg.vram_size) {
        return GV_REGION_NONE;
    }
    if (end <= dev->unprot_size) {
        return GV_REGION_UNPROT;
    }
    if (addr >= dev->unprot_size && end <= dev->hidden_base) {
        return GV_REGION_PROT;
    }
    if (addr >= dev->hidden_base) {
        return GV_REGION_HIDDEN;
    }
    return GV_REGION_NONE;
}

/*
 * Runs from this size on are handed back to the host (madvise) instead of
 * cleared: it saves the memory, but each call costs a TLB shootdown on
 * every CPU the device's threads ran on (tens of µs), and the next use
 * faults the pages in again.  Tables and data pages (4 KiB to 256 KiB,
 * 128 KiB big pages) are cleared with memset: CH_DESTROY of a channel with
 * 8 big pages went from 1.1-1.6 ms to well under 100 µs (bench-cp).
 */
#define GV_SCRUB_MADVISE_MIN (2u << 20)

void gv_scrub(struct gv_dev *dev, uint64_t addr, uint64_t len)
{
    uint64_t host_page = 4096;
    uint64_t a = ALIGN_UP(addr, host_page);
    uint64_t end = addr + len;
    uint64_t e = end & ~(host_page - 1);
    uint64_t t0;

    if (len == 0) {
        return;
    }
    t0 = gv_prof_begin(dev, GV_PROF_INIT);
    if (e > a && e - a >= GV_SCRUB_MADVISE_MIN) {
        /* Large runs: hand the pages back; they read as zero again. */
        memset(dev->vram + addr, 0, a - addr);
        if (madvise(dev->vram + a, e - a, MADV_DONTNEED) != 0) {
            memset(dev->vram + a, 0, e - a);
        }
        memset(dev->vram + e, 0, end - e);
    } else {
        memset(dev->vram + addr, 0, len);
    }
    gv_prof_end(dev, GV_PROF_INIT, t0);
}

int gv_regions_lock(struct gv_dev *dev)
{
    uint64_t u = dev->unprot_size, p = dev->prot_size;
    uint64_t vram = dev->cfg.vram_size, hidden, pmm_bytes;
    uint8_t *h;

    if (dev->locked) {
        return gv_refuse(dev, GV_RULE_REGIONS_ALREADY_LOCKED, NO_CHAN, u, p);
    }
    if (u % GV_REGION_ALIGN || p % GV_REGION_ALIGN) {
        return gv_refuse(dev, GV_RULE_REGIONS_UNALIGNED, NO_CHAN, u, p);
    }
    if (u == 0) {
        return gv_refuse(dev, GV_RULE_REGIONS_NO_UNPROT, NO_CHAN, u, p);
    }
    if (u > vram || p > vram - u) {
        return gv_refuse(dev, GV_RULE_REGIONS_TOO_BIG, NO_CHAN, u, p);
    }
    hidden = vram - u - p;
    if (hidden < gv_hidden_needed(p)) {
        return gv_refuse(dev, GV_RULE_REGIONS_HIDDEN_SMALL, NO_CHAN, hidden,
                         gv_hidden_needed(p));
    }
    dev->hidden_base = u + p;
    dev->prot_pages = p >> GV_PAGE_SHIFT;
    /* Whatever software left in memory before the lock is not trusted:
     * protected and hidden memory start out zero. */
    gv_scrub(dev, u, vram - u);

    h = dev->vram + dev->hidden_base;
    pmm_bytes = ALIGN_UP(dev->prot_pages * sizeof(uint64_t), 64);
    dev->pmm = (uint64_t *)h;
    dev->ctx = (struct gv_ctx *)(h + pmm_bytes);
    dev->chsec = (struct gv_chan_secret *)(h + pmm_bytes + ctx_table_bytes());
    dev->hidden_used = gv_hidden_needed(p);
    dev->locked = true;
    if (dev->ops && dev->ops->regions_changed) {
        dev->ops->regions_changed(dev->opaque, u);
    }
    return GV_ERR_NONE;
}

void gv_regions_reset(struct gv_dev *dev)
{
    if (dev->locked && dev->ops && dev->ops->regions_changed) {
        dev->ops->regions_changed(dev->opaque, 0);
    }
    /* Scrub everything that was protected or hidden (before any lock,
     * nothing was: then the whole memory is left as it is). */
    if (dev->locked) {
        gv_scrub(dev, dev->unprot_size, dev->cfg.vram_size - dev->unprot_size);
    }
    dev->locked = false;
    dev->unprot_size = 0;
    dev->prot_size = 0;
    dev->hidden_base = 0;
    dev->hidden_used = 0;
    dev->prot_pages = 0;
    dev->pmm = NULL;
    dev->ctx = NULL;
    dev->chsec = NULL;
}
