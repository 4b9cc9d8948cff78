/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Re-entrancy (design attack 20), in-process: a host whose DMA and
 * interrupt line call back into the device while it works, as QEMU would
 * if a ring, a result or the MSI address pointed at the device's own
 * BARs.  The core must refuse every re-entrant access (all ones, writes
 * dropped, BAD_ACCESS_COUNT, a guest error naming it), defer a re-entrant
 * reset until the outer access ends, and finish the outer work normally.
 * (The QEMU glue's own checks, before the DMA or MSI starts, are tested
 * through QEMU in tests/qtest/test_reentry_qtest.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "gv_core.h"

#define VRAM        (64ull << 20)
#define UNPROT      (8ull << 20)
#define PROT        (48ull << 20)
#define GUEST_BASE  0x100000ull
#define GUEST_SIZE  0x10000ull
#define RING        GUEST_BASE                  /* channel 0's ring */
#define GROUP       (GUEST_BASE + 0x1000)       /* an empty group */
#define ENTRIES     16

enum attack {
    ATTACK_NONE,
    ATTACK_BAR0,        /* DMA into the registers */
    ATTACK_BAR2,        /* DMA into the aperture */
    ATTACK_RESET,       /* DMA that resets the device (a PCI link reset) */
};

/* A fake host: guest RAM, and the attack its DMA or interrupt makes. */
struct host {
    struct gv_dev *dev;
    uint8_t guest[GUEST_SIZE];
    enum attack dma_attack;     /* on the next DMA read, once */
    bool irq_doorbell;          /* on the next rising edge, ring PUT */
    uint64_t got;               /* what a re-entrant read returned */
    bool irq;
    int guest_errors;
    char errors[2048];          /* every guest error, one per line */
};

static struct host host;

static void reenter(struct host *h, enum attack a)
{
    switch (a) {
    case ATTACK_BAR0:
        gv_mmio_write(h->dev, GV_REG_SCRATCH, 0xbad, 4);
        h->got = gv_mmio_read(h->dev, GV_REG_ID, 4);
        gv_mmio_write(h->dev, GV_REG_CHAN(0, GV_CHAN_PUT), 2, 4);
        break;
    case ATTACK_BAR2:
        gv_aperture_write(h->dev, 0x2000, 0x55, 1);
        h->got = gv_aperture_read(h->dev, 0x1000, 4);
        break;
    case ATTACK_RESET:
        gv_dev_reset(h->dev);
        break;
    default:
        break;
    }
}

static int fake_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    struct host *h = opaque;
    enum attack a = h->dma_attack;

    h->dma_attack = ATTACK_NONE;
    CU_ASSERT(gv_dev_busy(h->dev));
    reenter(h, a);
    if (addr < GUEST_BASE || len > GUEST_SIZE ||
        addr - GUEST_BASE > GUEST_SIZE - len) {
        return -1;
    }
    memcpy(buf, h->guest + (addr - GUEST_BASE), len);
    return 0;
}

static int fake_dma_write(void *opaque, uint64_t addr, const void *buf,
                          uint64_t len)
{
    struct host *h = opaque;

    if (addr < GUEST_BASE || len > GUEST_SIZE ||
        addr - GUEST_BASE > GUEST_SIZE - len) {
        return -1;
    }
    memcpy(h->guest + (addr - GUEST_BASE), buf, len);
    return 0;
}

/* An MSI aimed at the doorbell: raising the interrupt writes PUT. */
static void fake_set_irq(void *opaque, bool level)
{
    struct host *h = opaque;

    if (level && !h->irq && h->irq_doorbell) {
        h->irq_doorbell = false;
        gv_mmio_write(h->dev, GV_REG_CHAN(0, GV_CHAN_PUT), 2, 4);
    }
    h->irq = level;
}

static void fake_guest_error(void *opaque, const char *msg)
{
    struct host *h = opaque;
    size_t n = strlen(h->errors);

    h->guest_errors++;
    snprintf(h->errors + n, sizeof(h->errors) - n, "%s\n", msg);
}

static const struct gv_host_ops ops = {
    .dma_read = fake_dma_read,
    .dma_write = fake_dma_write,
    .set_irq = fake_set_irq,
    .guest_error = fake_guest_error,
};

static uint32_t rd(uint32_t off)
{
    return (uint32_t)gv_mmio_read(host.dev, off, 4);
}

static void wr(uint32_t off, uint32_t val)
{
    gv_mmio_write(host.dev, off, val, 4);
}

/* Regions locked, bootstrap channel 0 with a ring whose entries 0 and 1
 * hold an empty group (entry 0 with @flags). */
static void setup(void)
{
    struct gv_config cfg = { .vram_size = VRAM };
    struct gv_group_hdr g = { .magic = GV_GROUP_MAGIC };
    struct gv_gpfifo_entry e = { .addr = GROUP, .len = sizeof(g) };

    memset(&host, 0, sizeof(host));
    host.dev = gv_dev_new(&cfg, &ops, &host, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(host.dev);
    wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    wr(GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_REGION_LOCK), 1);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_LO), 0x10000);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_HI), 0);
    wr(GV_REG_CHAN(0, GV_CHAN_RING_LO), (uint32_t)RING);
    wr(GV_REG_CHAN(0, GV_CHAN_RING_HI), 0);
    wr(GV_REG_CHAN(0, GV_CHAN_RING_ENTRIES), ENTRIES);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(0, GV_CHAN_STATUS)),
                          GV_CHAN_TYPE_BOOTSTRAP);
    memcpy(host.guest + (GROUP - GUEST_BASE), &g, sizeof(g));
    memcpy(host.guest + (RING - GUEST_BASE), &e, sizeof(e));
    memcpy(host.guest + (RING - GUEST_BASE) + sizeof(e), &e, sizeof(e));
    CU_ASSERT_FALSE(gv_dev_busy(host.dev));
}

static void teardown(void)
{
    gv_dev_free(host.dev);
    host.dev = NULL;
}

/* The outer work ran: entry 0 done, nothing else, no error. */
static void outer_done(void)
{
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_GET)), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_PUT)), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), 0);
    CU_ASSERT_FALSE(gv_dev_busy(host.dev));
}

static void test_dma_into_bar0(void)
{
    host.dma_attack = ATTACK_BAR0;
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    /* three re-entrant accesses: refused, counted, named */
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);
    CU_ASSERT_EQUAL(host.got, 0xffffffffu);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(host.errors, "re-entrant BAR0 write"));
    CU_ASSERT_PTR_NOT_NULL(strstr(host.errors, "re-entrant BAR0 read"));
    outer_done();
    /* the same accesses from outside work */
    wr(GV_REG_SCRATCH, 0x600d);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0x600d);
}

static void test_dma_into_bar2(void)
{
    uint32_t v = 0x12345678;
    uint8_t b = 0;

    gv_debug_write(host.dev, 0x1000, &v, 4);
    host.dma_attack = ATTACK_BAR2;
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_EQUAL(host.got, 0xffffffffu);
    gv_debug_read(host.dev, 0x2000, &b, 1);
    CU_ASSERT_EQUAL(b, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(host.errors, "re-entrant BAR2 write"));
    outer_done();
    CU_ASSERT_EQUAL(gv_aperture_read(host.dev, 0x1000, 4), v);
}

/* An MSI aimed at the doorbell: the channel's own completion interrupt
 * would ring it again from inside the ring's processing. */
static void test_irq_rings_doorbell(void)
{
    struct gv_gpfifo_entry e;

    memcpy(&e, host.guest + (RING - GUEST_BASE), sizeof(e));
    e.flags = GV_GPFIFO_IRQ;
    memcpy(host.guest + (RING - GUEST_BASE), &e, sizeof(e));
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    host.irq_doorbell = true;
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_FALSE(host.irq_doorbell);             /* it was raised */
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), GV_INTR_CHANNEL);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(host.errors, "re-entrant BAR0 write"));
    outer_done();
}

/* A reset from inside (the device's DMA reset its PCI link) waits until
 * the access that caused it ends: the ring's processing finishes on the
 * state it started with, then the device is reset. */
static void test_reset_deferred(void)
{
    host.dma_attack = ATTACK_RESET;
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(host.errors, "re-entrant reset deferred"));
    CU_ASSERT_EQUAL(rd(GV_REG_REGION_LOCK), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_STATUS)), GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_COUNT), 0);
    CU_ASSERT_FALSE(gv_dev_busy(host.dev));
    /* a new life */
    host.errors[0] = 0;
    teardown();
    setup();
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    outer_done();
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "DMA into BAR0 refused (attack 20)", test_dma_into_bar0 },
        { "DMA into BAR2 refused (attack 20)", test_dma_into_bar2 },
        { "interrupt ringing the doorbell refused (attack 20)",
          test_irq_rings_doorbell },
        { "reset from inside the device deferred", test_reset_deferred },
        { NULL, NULL },
    };

    return gv_add_suite("re-entrancy", setup, teardown, t);
}
