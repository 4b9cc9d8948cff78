/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the device core's foundation: configuration checks, BAR0
 * registers, interrupts, reset and the device-memory aperture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_regs.h"
#include "gv_core.h"

/* A fake host: records the interrupt line and counts guest errors. */
struct fake_host {
    bool irq;
    int irq_edges;
    int guest_errors;
    char last_error[256];
};

static void fake_set_irq(void *opaque, bool level)
{
    struct fake_host *h = opaque;

    if (level && !h->irq) {
        h->irq_edges++;
    }
    h->irq = level;
}

static void fake_guest_error(void *opaque, const char *msg)
{
    struct fake_host *h = opaque;

    h->guest_errors++;
    snprintf(h->last_error, sizeof(h->last_error), "%s", msg);
}

static const struct gv_host_ops fake_ops = {
    .set_irq = fake_set_irq,
    .guest_error = fake_guest_error,
};

static struct fake_host host;
static struct gv_dev *dev;

#define VRAM (64ull << 20)

/* A fresh device for every test. */
static void setup(void)
{
    struct gv_config cfg = { .vram_size = VRAM };

    memset(&host, 0, sizeof(host));
    dev = gv_dev_new(&cfg, &fake_ops, &host, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
}

static void teardown(void)
{
    gv_dev_free(dev);
    dev = NULL;
}

static uint32_t rd(uint32_t off)
{
    return (uint32_t)gv_mmio_read(dev, off, 4);
}

static void wr(uint32_t off, uint32_t val)
{
    gv_mmio_write(dev, off, val, 4);
}

/* ---- configuration ---- */

static void test_config_rejects_bad_sizes(void)
{
    uint64_t bad[] = { 0, GV_VRAM_MIN - GV_VRAM_ALIGN, GV_VRAM_MIN + 4096,
                       GV_VRAM_MAX + GV_VRAM_ALIGN, ~0ull };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct gv_config cfg = { .vram_size = bad[i] };
        const char *err = NULL;
        struct gv_dev *d = gv_dev_new(&cfg, &fake_ops, &host, &err);

        CU_ASSERT_PTR_NULL(d);
        CU_ASSERT_PTR_NOT_NULL(err);
        gv_dev_free(d);
    }
    CU_ASSERT_PTR_NULL(gv_dev_new(NULL, &fake_ops, &host, NULL));
}

static void test_config_non_pow2_aperture(void)
{
    struct gv_config cfg = { .vram_size = 48ull << 20 };
    struct gv_dev *d = gv_dev_new(&cfg, &fake_ops, &host, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(gv_dev_vram_size(d), 48ull << 20);
    CU_ASSERT_EQUAL(gv_dev_aperture_size(d), 64ull << 20);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_APERTURE_SIZE_LO, 4), 64u << 20);
    gv_dev_free(d);
}

static void test_config_large_vram_lazily_allocated(void)
{
    /* 16 GiB of device memory must not cost 16 GiB up front. */
    struct gv_config cfg = { .vram_size = 16ull << 30 };
    struct gv_dev *d = gv_dev_new(&cfg, &fake_ops, &host, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_VRAM_SIZE_HI, 4), 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_VRAM_SIZE_LO, 4), 0);
    gv_aperture_write(d, (16ull << 30) - 8, 0x1122334455667788ull, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(d, (16ull << 30) - 8, 8),
                    0x1122334455667788ull);
    gv_dev_free(d);
}

/* ---- registers ---- */

static void test_identity_registers(void)
{
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_VERSION), GV_ABI_VERSION);
    CU_ASSERT_EQUAL(rd(GV_REG_VRAM_SIZE_LO), (uint32_t)VRAM);
    CU_ASSERT_EQUAL(rd(GV_REG_VRAM_SIZE_HI), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_APERTURE_SIZE_LO), (uint32_t)VRAM);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, GV_REG_VRAM_SIZE_LO, 8), VRAM);
    CU_ASSERT_NOT_EQUAL(rd(GV_REG_FW_VERSION), 0);
    CU_ASSERT_EQUAL(host.guest_errors, 0);
}

static void test_identity_read_only(void)
{
    wr(GV_REG_ID, 0);
    wr(GV_REG_VRAM_SIZE_LO, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_VRAM_SIZE_LO), (uint32_t)VRAM);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 2);
    CU_ASSERT_EQUAL(host.guest_errors, 2);
}

static void test_scratch(void)
{
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);
    wr(GV_REG_SCRATCH, 0xdeadbeef);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0xdeadbeef);
    wr(GV_REG_SCRATCH, 0x12345678);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0x12345678);
}

static void test_bad_accesses_refused(void)
{
    uint32_t before = rd(GV_REG_BAD_ACCESS_COUNT);

    /* Unknown register, unaligned, narrow and out-of-BAR accesses. */
    CU_ASSERT_EQUAL(rd(0x0ffc), GV_REG_INVALID_READ);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, GV_REG_SCRATCH + 1, 4), 0xffffffffu);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, GV_REG_ID, 2), 0xffffu);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, GV_REG_ID, 1), 0xffu);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, GV_REGS_SIZE, 4), 0xffffffffu);
    CU_ASSERT_EQUAL(gv_mmio_read(dev, ~0ull - 3, 4), 0xffffffffu);
    gv_mmio_write(dev, GV_REG_SCRATCH, 0x55, 1);
    gv_mmio_write(dev, GV_REG_SCRATCH + 2, 0x55, 4);
    gv_mmio_write(dev, ~0ull - 7, 0x55, 8);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), before + 9);
    CU_ASSERT_EQUAL(host.guest_errors, 9);
    CU_ASSERT_PTR_NOT_NULL(strstr(host.last_error, "graviton-gpu"));
}

/* ---- interrupts ---- */

static void test_irq_masked_by_default(void)
{
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), GV_INTR_SOFT);
    CU_ASSERT_FALSE(host.irq);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 0);
}

static void test_irq_raise_ack(void)
{
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    CU_ASSERT_FALSE(host.irq);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_TRUE(host.irq);
    CU_ASSERT_EQUAL(host.irq_edges, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 1);
    /* Raising again while pending is one interrupt, not two. */
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(host.irq_edges, 1);
    wr(GV_REG_INTR_ACK, GV_INTR_SOFT);
    CU_ASSERT_FALSE(host.irq);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), 0);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_TRUE(host.irq);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 2);
    /* Masking drops the line but keeps the status. */
    wr(GV_REG_INTR_MASK, 0);
    CU_ASSERT_FALSE(host.irq);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), GV_INTR_SOFT);
    /* Undefined mask bits are not stored. */
    wr(GV_REG_INTR_MASK, 0xffffffff);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_MASK), GV_INTR_ALL);
}

/* ---- reset ---- */

static void test_reset_register(void)
{
    wr(GV_REG_SCRATCH, 42);
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_TRUE(host.irq);

    wr(GV_REG_RESET, 0x1234);          /* wrong magic: refused */
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 42);
    CU_ASSERT_TRUE(host.irq);

    wr(GV_REG_RESET, GV_RESET_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_MASK), 0);
    CU_ASSERT_FALSE(host.irq);
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
}

/* ---- aperture ---- */

static void test_aperture_rw(void)
{
    gv_aperture_write(dev, 0, 0x0123456789abcdefull, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, 0, 8), 0x0123456789abcdefull);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, 0, 4), 0x89abcdefu);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, 4, 2), 0x4567);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, 7, 1), 0x01);
    gv_aperture_write(dev, VRAM - 1, 0xa5, 1);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, VRAM - 1, 1), 0xa5);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, VRAM - 8, 8), 0xa5ull << 56);
    CU_ASSERT_EQUAL(host.guest_errors, 0);
}

static void test_aperture_out_of_range(void)
{
    gv_aperture_write(dev, VRAM - 4, 0xffffffffffffffffull, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, VRAM - 4, 4), 0);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, VRAM, 4), 0);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, ~0ull, 1), 0);
    gv_aperture_write(dev, 0, 1, 3);
    CU_ASSERT_EQUAL(gv_aperture_read(dev, 0, 4), 0);
    CU_ASSERT_EQUAL(host.guest_errors, 4);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 4);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test config[] = {
        { "rejects bad sizes", test_config_rejects_bad_sizes },
        { "non-power-of-two aperture", test_config_non_pow2_aperture },
        { "large vram is lazily allocated",
          test_config_large_vram_lazily_allocated },
        { NULL, NULL },
    };
    static const struct gv_cunit_test regs[] = {
        { "identity registers", test_identity_registers },
        { "identity is read-only", test_identity_read_only },
        { "scratch", test_scratch },
        { "bad accesses refused", test_bad_accesses_refused },
        { NULL, NULL },
    };
    static const struct gv_cunit_test irq[] = {
        { "masked by default", test_irq_masked_by_default },
        { "raise and ack", test_irq_raise_ack },
        { "reset register", test_reset_register },
        { NULL, NULL },
    };
    static const struct gv_cunit_test aperture[] = {
        { "read/write", test_aperture_rw },
        { "out of range", test_aperture_out_of_range },
        { NULL, NULL },
    };

    return gv_add_suite("config", setup, teardown, config) ||
           gv_add_suite("registers", setup, teardown, regs) ||
           gv_add_suite("interrupts", setup, teardown, irq) ||
           gv_add_suite("aperture", setup, teardown, aperture);
}
