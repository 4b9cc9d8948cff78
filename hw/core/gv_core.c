/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: device lifetime, BAR0 registers, interrupts and
 * the device-memory aperture.
 */
#include "gv_internal.h"
#include "gv_devtime.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Device memory is little-endian and copied with memcpy. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the device core assumes a little-endian host");

void gv_guest_error(struct gv_dev *dev, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!dev->ops || !dev->ops->guest_error) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dev->ops->guest_error(dev->opaque, msg);
}

uint32_t gv_prof_reg_read(struct gv_dev *dev, uint64_t off)
{
    struct gv_prof *p = &dev->prof;
    uint64_t v = 0;

    if (off == GV_REG_PROF_SEL) {
        return p->sel;
    }
    if (off == GV_REG_PROF_HI) {
        return p->hi;
    }
    switch (p->sel) {
    case GV_PROF_BUSY:
    case GV_PROF_INIT:
    case GV_PROF_CRYPTO:
        v = p->acc[p->sel];
        break;
    case GV_PROF_NOW:
        v = gv_now_ns();
        p->armed = true;
        break;
    case GV_PROF_DOORBELL:
        v = p->doorbell_ns;
        break;
    case GV_PROF_IRQ:
        v = p->irq_ns;
        break;
    default:
        break;
    }
    p->hi = (uint32_t)(v >> 32);
    return (uint32_t)v;
}

void gv_irq_update(struct gv_dev *dev)
{
    bool level = (dev->intr_status & dev->intr_mask) != 0;

    if (level == dev->irq_level) {
        return;
    }
    dev->irq_level = level;
    if (level) {
        dev->intr_count++;
        dev->prof.irq_ns = gv_now_ns();
    }
    if (dev->ops && dev->ops->set_irq) {
        dev->ops->set_irq(dev->opaque, level);
    }
}

void gv_irq_raise(struct gv_dev *dev, uint32_t bits)
{
    dev->intr_status |= bits & GV_INTR_ALL;
    gv_irq_update(dev);
}

const char *gv_error_name(unsigned code)
{
    static const char *const names[GV_ERR__COUNT] = {
        [GV_ERR_NONE] = "none",
        [GV_ERR_NOT_LOCKED] = "regions not locked",
        [GV_ERR_REGION_CONFIG] = "bad region configuration",
        [GV_ERR_BAD_CHANNEL] = "bad channel",
        [GV_ERR_CHANNEL_BUSY] = "channel busy",
        [GV_ERR_NOT_BOOTSTRAP] = "CH_* on a non-bootstrap channel",
        [GV_ERR_BOOTSTRAP] = "bootstrap channel misuse",
        [GV_ERR_FETCH] = "fetch failed",
        [GV_ERR_BAD_GROUP] = "malformed command group",
        [GV_ERR_BAD_COMMAND] = "malformed command",
        [GV_ERR_AUTH] = "command group failed authentication",
        [GV_ERR_NOT_PROTECTED] = "address not in protected memory",
        [GV_ERR_PAGE_IN_USE] = "page in use",
        [GV_ERR_PAGE_LOCKED] = "page locked",
        [GV_ERR_OTHER_CONTEXT] = "page of another context",
        [GV_ERR_BAD_ADDRESS] = "bad address",
        [GV_ERR_DOUBLE_MAP] = "virtual page mapped by both page sizes",
        [GV_ERR_NO_TABLE] = "no page table",
        [GV_ERR_RANGE] = "index out of range",
        [GV_ERR_MAC] = "bad authorisation MAC",
        [GV_ERR_NO_RESOURCES] = "out of resources",
        [GV_ERR_RESULT] = "result not written",
        [GV_ERR_FAULT] = "engine fault",
        [GV_ERR_NO_ATTESTATION] = "no attestation key",
        [GV_ERR_CRYPTO] = "crypto failure",
        [GV_ERR_NOT_SECURE] = "not a secure channel",
        [GV_ERR_DATA_AUTH] = "copied data failed authentication",
        [GV_ERR_BAD_MODULE] = "bad compute module or launch",
        [GV_ERR_TIMEOUT] = "launch stopped by the watchdog or a reset",
    };

    return code < GV_ERR__COUNT && names[code] ? names[code] : "unknown";
}

void gv_report_error(struct gv_dev *dev, unsigned code, unsigned chid,
                     uint32_t pos)
{
    unsigned rule = gv_take_rule(dev, code);

    gv_guest_error(dev, "graviton-gpu: channel %u, ring entry %u, command "
                   "%u: %s (error %u, rule %s)", chid, pos >> 16,
                   pos & 0xffff, gv_error_name(code), code,
                   gv_rule_name(rule));
    dev->error_code = code;
    dev->error_rule = rule;
    dev->error_chid = chid;
    dev->error_pos = pos;
    dev->error_count++;
    if (chid < GV_MAX_CHANNELS) {
        dev->chan[chid].error = true;
    }
    gv_irq_raise(dev, GV_INTR_ERROR);
}

static uint64_t pow2_ceil(uint64_t v)
{
    uint64_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

struct gv_dev *gv_dev_new(const struct gv_config *cfg,
                          const struct gv_host_ops *ops, void *opaque,
                          const char **err)
{
    struct gv_dev *dev;
    void *mem;

    if (!cfg || cfg->vram_size < GV_VRAM_MIN ||
        cfg->vram_size > GV_VRAM_MAX ||
        cfg->vram_size % GV_VRAM_ALIGN) {
        if (err) {
            *err = "vram-size must be a multiple of 2 MiB between 16 MiB "
                   "and 64 GiB";
        }
        return NULL;
    }
    if (cfg->timing && *cfg->timing && strcmp(cfg->timing, "off") &&
        !gv_devtime_profile(cfg->timing)) {
        if (err) {
            *err = "timing must be off, titan-black or h100";
        }
        return NULL;
    }
    dev = calloc(1, sizeof(*dev));
    if (!dev) {
        if (err) {
            *err = "out of memory";
        }
        return NULL;
    }
    /* Real device memory: an anonymous mapping, committed page by page as
     * it is touched, so a large vram-size costs only what is used. */
    mem = mmap(NULL, cfg->vram_size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) {
        free(dev);
        if (err) {
            *err = "cannot allocate device memory";
        }
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(mem, cfg->vram_size, MADV_HUGEPAGE);
#endif
    dev->cfg = *cfg;
    dev->ops = ops;
    dev->opaque = opaque;
    dev->vram = mem;
    dev->aperture_size = pow2_ceil(cfg->vram_size);
    if (gv_attest_init(dev, err) != 0) {
        munmap(mem, cfg->vram_size);
        free(dev);
        return NULL;
    }
    dev->cfg.ek_path = NULL;    /* not kept: the caller owns the string */
    dev->tp = gv_devtime_profile(cfg->timing);
    dev->cfg.timing = NULL;     /* not kept either: dev->tp says it */
    dev->compute_solo = cfg->compute_solo;
    dev->compute_plain = cfg->compute_plain;
    dev->compute_jit = cfg->compute_jit;
    dev->compute_jit_after = cfg->compute_jit_after;
    if (gv_engine_init(dev, cfg->compute_sms, err) != 0) {
        gv_engine_free(dev);
        gv_attest_free(dev);
        munmap(mem, cfg->vram_size);
        free(dev);
        return NULL;
    }
    gv_dev_reset(dev);
    return dev;
}

void gv_dev_free(struct gv_dev *dev)
{
    if (!dev) {
        return;
    }
    gv_engine_free(dev);
    gv_channels_free(dev);
    gv_attest_free(dev);
    munmap(dev->vram, dev->cfg.vram_size);
    free(dev);
}

/*
 * Re-entrancy (attack 20).  The device is entered from outside only
 * through BAR0 and BAR2 accesses, a reset and an engine poll; while it
 * handles one of them it calls the host (DMA, the interrupt), and if the
 * host routes that back into the device (a ring or result address aimed
 * at the device's own BARs, an MSI address aimed at its doorbell) the
 * device would run inside itself, on state it is in the middle of
 * changing.  The host (hw/qemu) refuses such DMA and MSI before they
 * start; this is the backstop: a re-entrant access is refused (reads all
 * ones, writes dropped), counted in BAD_ACCESS_COUNT and logged, and a
 * re-entrant reset or poll waits until the outer call ends.
 */
bool gv_enter(struct gv_dev *dev, const char *what, uint64_t off,
              unsigned size)
{
    if (dev->busy) {
        dev->bad_access_count++;
        gv_refuse(dev, GV_RULE_MMIO_REENTRANT, GV_MAX_CHANNELS, off, size);
        gv_guest_error(dev, "graviton-gpu: re-entrant %s at 0x%" PRIx64
                       " size %u refused (DMA or MSI aimed at the device "
                       "itself)", what, off, size);
        return false;
    }
    dev->busy = true;
    dev->pending_rule = GV_RULE_NONE;
    return true;
}

static void dev_reset(struct gv_dev *dev);

void gv_leave(struct gv_dev *dev)
{
    /* Still busy while what was deferred runs. */
    while (dev->reset_pending || dev->poll_pending) {
        if (dev->reset_pending) {
            dev->reset_pending = false;
            dev_reset(dev);
        } else {
            dev->poll_pending = false;
            gv_channels_poll(dev);
        }
    }
    dev->busy = false;
}

bool gv_dev_busy(const struct gv_dev *dev)
{
    return dev->busy;
}

/*
 * Reset scrubs protected and hidden memory (so the PMM, contexts, keys and
 * counters are gone), unlocks the regions, frees every channel and makes
 * a fresh attestation key: nothing of the previous life is reachable.
 */
static void dev_reset(struct gv_dev *dev)
{
    gv_channels_reset(dev);
    gv_regions_reset(dev);
    gv_attest_reset(dev);
    dev->scratch = 0;
    dev->intr_status = 0;
    dev->intr_mask = 0;
    dev->intr_count = 0;
    dev->bad_access_count = 0;
    dev->prot_access_count = 0;
    dev->error_code = dev->error_chid = dev->error_pos = 0;
    dev->error_rule = 0;
    dev->error_count = 0;
    dev->poll_pending = false;
    gv_irq_update(dev);
}

void gv_dev_reset(struct gv_dev *dev)
{
    if (dev->busy) {
        /* From inside the device (e.g. its DMA reset the PCI link it sits
         * on): the state it is working on stays until the access ends. */
        dev->reset_pending = true;
        gv_guest_error(dev, "graviton-gpu: re-entrant reset deferred until "
                       "the device's current access ends");
        return;
    }
    dev->busy = true;
    dev_reset(dev);
    gv_leave(dev);
}

void gv_debug_read(struct gv_dev *dev, uint64_t pa, void *buf, uint64_t len)
{
    if (pa < dev->cfg.vram_size && len <= dev->cfg.vram_size - pa) {
        memcpy(buf, dev->vram + pa, len);
    }
}

void gv_debug_write(struct gv_dev *dev, uint64_t pa, const void *buf,
                    uint64_t len)
{
    if (pa < dev->cfg.vram_size && len <= dev->cfg.vram_size - pa) {
        memcpy(dev->vram + pa, buf, len);
    }
}

uint64_t gv_debug_pmm(struct gv_dev *dev, uint64_t pa)
{
    if (gv_region_of(dev, pa & ~(uint64_t)(GV_PAGE_SIZE - 1),
                     GV_PAGE_SIZE) != GV_REGION_PROT) {
        return 0;
    }
    return *gv_pmm_entry(dev, pa);
}

uint64_t gv_dev_vram_size(const struct gv_dev *dev)
{
    return dev->cfg.vram_size;
}

uint8_t *gv_dev_vram(struct gv_dev *dev)
{
    return dev->vram;
}

uint64_t gv_dev_aperture_size(const struct gv_dev *dev)
{
    return dev->aperture_size;
}

/* ---- BAR0 ---- */

static uint64_t all_ones(unsigned size)
{
    return size && size < 8 ? (1ull << (8 * size)) - 1 : ~0ull;
}

static void bad_access(struct gv_dev *dev, unsigned rule, const char *what,
                       uint64_t off, unsigned size)
{
    dev->bad_access_count++;
    gv_refuse(dev, rule, GV_MAX_CHANNELS, off, size);
    gv_guest_error(dev, "graviton-gpu: %s at BAR0+0x%" PRIx64 " size %u",
                   what, off, size);
}

static uint32_t reg_read(struct gv_dev *dev, uint64_t off)
{
    switch (off) {
    case GV_REG_ID:
        return GV_ID_MAGIC;
    case GV_REG_VERSION:
        return GV_ABI_VERSION;
    case GV_REG_SCRATCH:
        return dev->scratch;
    case GV_REG_CAPS:
        return dev->cfg.debug ? GV_CAP_DEBUG : 0;
    case GV_REG_VRAM_SIZE_LO:
        return (uint32_t)dev->cfg.vram_size;
    case GV_REG_VRAM_SIZE_HI:
        return (uint32_t)(dev->cfg.vram_size >> 32);
    case GV_REG_APERTURE_SIZE_LO:
        return (uint32_t)dev->aperture_size;
    case GV_REG_APERTURE_SIZE_HI:
        return (uint32_t)(dev->aperture_size >> 32);
    case GV_REG_FW_VERSION:
        return GV_FW_VERSION;
    case GV_REG_INTR_STATUS:
        return dev->intr_status;
    case GV_REG_INTR_MASK:
        return dev->intr_mask;
    case GV_REG_INTR_COUNT:
        return dev->intr_count;
    case GV_REG_BAD_ACCESS_COUNT:
        return dev->bad_access_count;
    case GV_REG_PROT_ACCESS_COUNT:
        return dev->prot_access_count;
    case GV_REG_ERROR_CODE:
        return dev->error_code;
    case GV_REG_ERROR_CHID:
        return dev->error_chid;
    case GV_REG_ERROR_POS:
        return dev->error_pos;
    case GV_REG_ERROR_COUNT:
        return dev->error_count;
    case GV_REG_ERROR_RULE:
        return dev->error_rule;
    case GV_REG_UNPROT_SIZE_LO:
        return (uint32_t)dev->unprot_size;
    case GV_REG_UNPROT_SIZE_HI:
        return (uint32_t)(dev->unprot_size >> 32);
    case GV_REG_PROT_SIZE_LO:
        return (uint32_t)dev->prot_size;
    case GV_REG_PROT_SIZE_HI:
        return (uint32_t)(dev->prot_size >> 32);
    case GV_REG_HIDDEN_SIZE_LO:
    case GV_REG_HIDDEN_SIZE_HI: {
        uint64_t h = dev->locked ? dev->cfg.vram_size - dev->hidden_base : 0;

        return off == GV_REG_HIDDEN_SIZE_LO ? (uint32_t)h : (uint32_t)(h >> 32);
    }
    case GV_REG_HIDDEN_USED_LO:
        return (uint32_t)dev->hidden_used;
    case GV_REG_HIDDEN_USED_HI:
        return (uint32_t)(dev->hidden_used >> 32);
    case GV_REG_HIDDEN_NEEDED_LO:
        return (uint32_t)gv_hidden_needed(dev->prot_size);
    case GV_REG_HIDDEN_NEEDED_HI:
        return (uint32_t)(gv_hidden_needed(dev->prot_size) >> 32);
    case GV_REG_REGION_LOCK:
        return dev->locked;
    case GV_REG_DEVTIME_LO:
        dev->devtime_hi = (uint32_t)(dev->devtime_ns >> 32);
        return (uint32_t)dev->devtime_ns;
    case GV_REG_DEVTIME_HI:
        return dev->devtime_hi;
    case GV_REG_DEVTIME_PROFILE:
        return dev->tp ? dev->tp->id | (dev->cfg.aes_engine ? 0x100 : 0) : 0;
    case GV_REG_PROF_SEL:
    case GV_REG_PROF_LO:
    case GV_REG_PROF_HI:
        return gv_prof_reg_read(dev, off);
    case GV_REG_RESET:
    case GV_REG_INTR_ACK:
    case GV_REG_INTR_RAISE:
    case GV_REG_ERROR_ACK:
        return 0;               /* write-only */
    default:
        if (off >= GV_REG_ATTEST_STATUS && off < GV_REG_ATTEST_STATUS + 0x100) {
            uint32_t v = gv_attest_reg_read(dev, off);

            if (v != GV_REG_INVALID_READ || off == GV_REG_ATTEST_STATUS) {
                return v;
            }
        }
        if (off >= GV_REG_CHAN_BASE &&
            off < GV_REG_CHAN(GV_MAX_CHANNELS, 0)) {
            return gv_chan_reg_read(dev, (off - GV_REG_CHAN_BASE) /
                                    GV_CHAN_STRIDE,
                                    (off - GV_REG_CHAN_BASE) % GV_CHAN_STRIDE);
        }
        if (off >= GV_REG_DBG_BASE && off < GV_REG_DBG_END) {
            return gv_dbg_reg_read(dev, off);
        }
        bad_access(dev, GV_RULE_MMIO_UNKNOWN_READ, "read of unknown register",
                   off, 4);
        return GV_REG_INVALID_READ;
    }
}

static void reg_write(struct gv_dev *dev, uint64_t off, uint32_t val)
{
    switch (off) {
    case GV_REG_SCRATCH:
        dev->scratch = val;
        break;
    case GV_REG_RESET:
        if (val == GV_RESET_MAGIC) {
            dev_reset(dev);
        } else {
            bad_access(dev, GV_RULE_MMIO_RESET_MAGIC, "bad reset magic",
                       off, 4);
        }
        break;
    case GV_REG_INTR_ACK:
        dev->intr_status &= ~val;
        gv_irq_update(dev);
        break;
    case GV_REG_INTR_MASK:
        dev->intr_mask = val & GV_INTR_ALL;
        gv_irq_update(dev);
        break;
    case GV_REG_INTR_RAISE:
        gv_irq_raise(dev, GV_INTR_SOFT);
        break;
    case GV_REG_ERROR_ACK:
        dev->error_code = dev->error_chid = dev->error_pos = 0;
        dev->error_rule = 0;
        break;
    case GV_REG_PROF_SEL:
        dev->prof.sel = val;
        break;
    case GV_REG_UNPROT_SIZE_LO:
    case GV_REG_UNPROT_SIZE_HI:
    case GV_REG_PROT_SIZE_LO:
    case GV_REG_PROT_SIZE_HI: {
        uint64_t *r = off < GV_REG_PROT_SIZE_LO ? &dev->unprot_size
                                                : &dev->prot_size;

        if (dev->locked) {
            bad_access(dev, GV_RULE_MMIO_SIZE_AFTER_LOCK,
                       "region size written after the lock", off, 4);
        } else if (off == GV_REG_UNPROT_SIZE_LO || off == GV_REG_PROT_SIZE_LO) {
            *r = (*r & ~0xffffffffull) | val;
        } else {
            *r = (*r & 0xffffffffull) | (uint64_t)val << 32;
        }
        break;
    }
    case GV_REG_REGION_LOCK:
        if (val != GV_LOCK_MAGIC) {
            bad_access(dev, GV_RULE_MMIO_LOCK_MAGIC, "bad region lock magic",
                       off, 4);
        } else {
            int e = gv_regions_lock(dev);

            if (e != GV_ERR_NONE) {
                gv_report_error(dev, e, GV_MAX_CHANNELS, 0);
            }
        }
        break;
    default:
        if (off >= GV_REG_CHAN_BASE &&
            off < GV_REG_CHAN(GV_MAX_CHANNELS, 0)) {
            gv_chan_reg_write(dev, (off - GV_REG_CHAN_BASE) / GV_CHAN_STRIDE,
                              (off - GV_REG_CHAN_BASE) % GV_CHAN_STRIDE, val);
            break;
        }
        if (off >= GV_REG_DBG_BASE && off < GV_REG_DBG_END &&
            gv_dbg_reg_write(dev, off, val)) {
            break;
        }
        bad_access(dev, GV_RULE_MMIO_UNKNOWN_WRITE,
                   "write to unknown or read-only register", off, 4);
        break;
    }
}

static uint64_t mmio_read(struct gv_dev *dev, uint64_t off, unsigned size)
{
    if (size == 8 && off % 8 == 0 && off < GV_REGS_SIZE) {
        return reg_read(dev, off) | (uint64_t)reg_read(dev, off + 4) << 32;
    }
    if (size != 4 || off % 4 || off >= GV_REGS_SIZE) {
        bad_access(dev, GV_RULE_MMIO_BAD_SIZE, "unaligned or non-32-bit read",
                   off, size);
        return all_ones(size);
    }
    return reg_read(dev, off);
}

uint64_t gv_mmio_read(struct gv_dev *dev, uint64_t off, unsigned size)
{
    uint64_t val;

    if (!gv_enter(dev, "BAR0 read", off, size)) {
        return all_ones(size);
    }
    val = mmio_read(dev, off, size);
    gv_leave(dev);
    return val;
}

static void mmio_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                       unsigned size)
{
    if (size == 8 && off % 8 == 0 && off < GV_REGS_SIZE) {
        reg_write(dev, off, (uint32_t)val);
        reg_write(dev, off + 4, (uint32_t)(val >> 32));
        return;
    }
    if (size != 4 || off % 4 || off >= GV_REGS_SIZE) {
        bad_access(dev, GV_RULE_MMIO_BAD_SIZE,
                   "unaligned or non-32-bit write", off, size);
        return;
    }
    reg_write(dev, off, (uint32_t)val);
}

void gv_mmio_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                   unsigned size)
{
    if (!gv_enter(dev, "BAR0 write", off, size)) {
        return;
    }
    mmio_write(dev, off, val, size);
    gv_leave(dev);
}

/* ---- BAR2: device-memory aperture ---- */

static bool aperture_ok(struct gv_dev *dev, uint64_t off, unsigned size,
                        const char *what)
{
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        off >= dev->aperture_size || size > dev->aperture_size - off) {
        dev->bad_access_count++;
        gv_refuse(dev, GV_RULE_APERTURE_BAD_ACCESS, GV_MAX_CHANNELS, off,
                  size);
        gv_guest_error(dev, "graviton-gpu: bad aperture %s at 0x%" PRIx64
                       " size %u", what, off, size);
        return false;
    }
    return true;
}

/*
 * Once the regions are locked the aperture reaches only the unprotected
 * region.  Protected memory reads as all ones and ignores writes, and each
 * attempt is counted and logged; hidden memory looks like the space past
 * the end of device memory (reads zero, writes dropped), as if absent.
 */
static bool aperture_protected(struct gv_dev *dev, uint64_t off,
                               unsigned size, const char *what)
{
    if (!dev->locked || off + size <= dev->unprot_size) {
        return false;
    }
    if (off < dev->hidden_base) {
        dev->prot_access_count++;
        gv_refuse(dev, GV_RULE_APERTURE_PROTECTED, GV_MAX_CHANNELS, off,
                  size);
        gv_guest_error(dev, "graviton-gpu: aperture %s of protected memory "
                       "at 0x%" PRIx64 " refused", what, off);
    }
    return true;
}

static uint64_t aperture_read(struct gv_dev *dev, uint64_t off,
                              unsigned size)
{
    uint64_t val = 0;

    if (!aperture_ok(dev, off, size, "read")) {
        return 0;
    }
    if (aperture_protected(dev, off, size, "read")) {
        return off < dev->hidden_base ? ~0ull >> (64 - 8 * size) : 0;
    }
    /* The aperture is a power of two; device memory may end before it.
     * Beyond the end reads as zero. */
    if (off + size <= dev->cfg.vram_size) {
        memcpy(&val, dev->vram + off, size);     /* little-endian host */
    }
    return val;
}

uint64_t gv_aperture_read(struct gv_dev *dev, uint64_t off, unsigned size)
{
    uint64_t val;

    if (!gv_enter(dev, "BAR2 read", off, size)) {
        return all_ones(size);
    }
    val = aperture_read(dev, off, size);
    gv_leave(dev);
    return val;
}

void gv_aperture_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                       unsigned size)
{
    if (!gv_enter(dev, "BAR2 write", off, size)) {
        return;
    }
    if (aperture_ok(dev, off, size, "write") &&
        !aperture_protected(dev, off, size, "write") &&
        off + size <= dev->cfg.vram_size) {
        memcpy(dev->vram + off, &val, size);
    }
    gv_leave(dev);
}
