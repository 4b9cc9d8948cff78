/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: device lifetime, BAR0 registers, interrupts and
 * the device-memory aperture.
 */
#include "gv_internal.h"

#include <graviton/gv_regs.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define GV_FW_VERSION 0x00010000u

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

void gv_irq_update(struct gv_dev *dev)
{
    bool level = (dev->intr_status & dev->intr_mask) != 0;

    if (level == dev->irq_level) {
        return;
    }
    dev->irq_level = level;
    if (level) {
        dev->intr_count++;
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
    dev->cfg = *cfg;
    dev->ops = ops;
    dev->opaque = opaque;
    dev->vram = mem;
    dev->aperture_size = pow2_ceil(cfg->vram_size);
    gv_dev_reset(dev);
    return dev;
}

void gv_dev_free(struct gv_dev *dev)
{
    if (!dev) {
        return;
    }
    munmap(dev->vram, dev->cfg.vram_size);
    free(dev);
}

void gv_dev_reset(struct gv_dev *dev)
{
    dev->scratch = 0;
    dev->intr_status = 0;
    dev->intr_mask = 0;
    dev->intr_count = 0;
    dev->bad_access_count = 0;
    gv_irq_update(dev);
}

uint64_t gv_dev_vram_size(const struct gv_dev *dev)
{
    return dev->cfg.vram_size;
}

uint64_t gv_dev_aperture_size(const struct gv_dev *dev)
{
    return dev->aperture_size;
}

/* ---- BAR0 ---- */

static void bad_access(struct gv_dev *dev, const char *what, uint64_t off,
                       unsigned size)
{
    dev->bad_access_count++;
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
        return 0;
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
    case GV_REG_RESET:
    case GV_REG_INTR_ACK:
    case GV_REG_INTR_RAISE:
        return 0;               /* write-only */
    default:
        bad_access(dev, "read of unknown register", off, 4);
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
            gv_dev_reset(dev);
        } else {
            bad_access(dev, "bad reset magic", off, 4);
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
    default:
        bad_access(dev, "write to unknown or read-only register", off, 4);
        break;
    }
}

uint64_t gv_mmio_read(struct gv_dev *dev, uint64_t off, unsigned size)
{
    if (size == 8 && off % 8 == 0 && off < GV_REGS_SIZE) {
        return reg_read(dev, off) | (uint64_t)reg_read(dev, off + 4) << 32;
    }
    if (size != 4 || off % 4 || off >= GV_REGS_SIZE) {
        bad_access(dev, "unaligned or non-32-bit read", off, size);
        return size && size < 8 ? (1ull << (8 * size)) - 1 : ~0ull;
    }
    return reg_read(dev, off);
}

void gv_mmio_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                   unsigned size)
{
    if (size == 8 && off % 8 == 0 && off < GV_REGS_SIZE) {
        reg_write(dev, off, (uint32_t)val);
        reg_write(dev, off + 4, (uint32_t)(val >> 32));
        return;
    }
    if (size != 4 || off % 4 || off >= GV_REGS_SIZE) {
        bad_access(dev, "unaligned or non-32-bit write", off, size);
        return;
    }
    reg_write(dev, off, (uint32_t)val);
}

/* ---- BAR2: device-memory aperture ---- */

static bool aperture_ok(struct gv_dev *dev, uint64_t off, unsigned size,
                        const char *what)
{
    if ((size != 1 && size != 2 && size != 4 && size != 8) ||
        off >= dev->aperture_size || size > dev->aperture_size - off) {
        dev->bad_access_count++;
        gv_guest_error(dev, "graviton-gpu: bad aperture %s at 0x%" PRIx64
                       " size %u", what, off, size);
        return false;
    }
    return true;
}

uint64_t gv_aperture_read(struct gv_dev *dev, uint64_t off, unsigned size)
{
    uint64_t val = 0;

    if (!aperture_ok(dev, off, size, "read")) {
        return 0;
    }
    /* The aperture is a power of two; device memory may end before it.
     * Beyond the end reads as zero. */
    if (off + size <= dev->cfg.vram_size) {
        memcpy(&val, dev->vram + off, size);     /* little-endian host */
    }
    return val;
}

void gv_aperture_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                       unsigned size)
{
    if (!aperture_ok(dev, off, size, "write")) {
        return;
    }
    if (off + size <= dev->cfg.vram_size) {
        memcpy(dev->vram + off, &val, size);
    }
}
