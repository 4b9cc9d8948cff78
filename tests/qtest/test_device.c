/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: the graviton-gpu device through QEMU's real PCI, MMIO and MSI
 * paths, with no guest.  The test plays firmware: it sizes and places the
 * BARs, enables the device and programs MSI to write into guest RAM, where
 * it can see the message arrive.
 */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_regs.h"
#include "qtest_client.h"

#define DEV         4                   /* bus 0, device 4 */
#define BAR0_ADDR   0xc0000000ull
#define BAR2_ADDR   0x100000000ull      /* above 4 GiB: 64-bit BAR */
#define MSI_ADDR    0x00100000ull       /* guest RAM */
#define MSI_DATA    0x4321u

static struct qt *qt;

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0_ADDR + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0_ADDR + reg, 4, val);
}

/* Size a 32-bit BAR (or the low half of a 64-bit one). */
static uint64_t bar_size(int bar, bool is64)
{
    int reg = 0x10 + 4 * bar;
    uint32_t lo, hi = 0xffffffff;
    uint64_t mask;

    qt_cfg_write32(qt, DEV, reg, 0xffffffff);
    lo = qt_cfg_read32(qt, DEV, reg);
    if (is64) {
        qt_cfg_write32(qt, DEV, reg + 4, 0xffffffff);
        hi = qt_cfg_read32(qt, DEV, reg + 4);
    }
    mask = ((uint64_t)hi << 32) | (lo & ~0xfu);
    return is64 ? ~mask + 1 : (uint32_t)(~(uint32_t)mask + 1);
}

/* Start QEMU with the device and place its BARs, as firmware would. */
static void start(const char *props)
{
    char args[256];

    snprintf(args, sizeof(args), "-m 256M -device graviton-gpu,addr=%02x.0%s",
             DEV, props);
    qt = qt_start(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qt);
    qt_place_bars(qt, DEV, (uint32_t)BAR0_ADDR, BAR2_ADDR);
}

static void setup(void)
{
    start(",vram-size=64M");
}

static void teardown(void)
{
    CU_ASSERT_FALSE(qt->broken);
    qt_quit(qt);
    qt = NULL;
}

static void test_pci_identity(void)
{
    uint32_t id = qt_cfg_read32(qt, DEV, 0x00);
    uint32_t class_rev = qt_cfg_read32(qt, DEV, 0x08);

    CU_ASSERT_EQUAL(id & 0xffff, GV_PCI_VENDOR_ID);
    CU_ASSERT_EQUAL(id >> 16, GV_PCI_DEVICE_ID);
    CU_ASSERT_EQUAL(class_rev >> 16, GV_PCI_CLASS);
    CU_ASSERT_EQUAL(class_rev & 0xff, GV_PCI_REVISION);
    CU_ASSERT_NOT_EQUAL(qt_cfg_find_cap(qt, DEV, 0x10), 0);   /* PCIe */
    CU_ASSERT_NOT_EQUAL(qt_cfg_find_cap(qt, DEV, 0x05), 0);   /* MSI */
}

static void test_bar_layout(void)
{
    uint32_t bar0, bar2;

    /* Read the type bits before sizing clobbers the addresses. */
    bar0 = qt_cfg_read32(qt, DEV, 0x10);
    bar2 = qt_cfg_read32(qt, DEV, 0x18);
    CU_ASSERT_EQUAL(bar0 & 0xf, 0x0);                 /* 32-bit memory */
    CU_ASSERT_EQUAL(bar2 & 0xf, 0xc);                 /* 64-bit, prefetch */
    CU_ASSERT_EQUAL(bar_size(0, false), GV_REGS_SIZE);
    CU_ASSERT_EQUAL(bar_size(2, true), 64ull << 20);
}

static void test_registers_over_mmio(void)
{
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_VERSION), GV_ABI_VERSION);
    CU_ASSERT_EQUAL(rd(GV_REG_VRAM_SIZE_LO), 64u << 20);
    CU_ASSERT_EQUAL(rd(GV_REG_VRAM_SIZE_HI), 0);
    CU_ASSERT_EQUAL(qt_read(qt, BAR0_ADDR + GV_REG_VRAM_SIZE_LO, 8),
                    64ull << 20);
    wr(GV_REG_SCRATCH, 0xcafef00d);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0xcafef00d);
    /* A byte write is refused and counted; the register keeps its value. */
    qt_write(qt, BAR0_ADDR + GV_REG_SCRATCH, 1, 0x11);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0xcafef00d);
    CU_ASSERT_EQUAL(qt_read(qt, BAR0_ADDR + GV_REG_ID, 2), 0xffff);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 2);
    /* Reset through the register. */
    wr(GV_REG_RESET, GV_RESET_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 0);
}

static void test_aperture_over_mmio(void)
{
    uint64_t end = BAR2_ADDR + (64ull << 20);

    qt_write(qt, BAR2_ADDR, 8, 0x0011223344556677ull);
    qt_write(qt, end - 4, 4, 0xa5a5a5a5);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2_ADDR, 8), 0x0011223344556677ull);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2_ADDR + 2, 2), 0x4455);
    CU_ASSERT_EQUAL(qt_read(qt, end - 4, 4), 0xa5a5a5a5);
    CU_ASSERT_EQUAL(qt_read(qt, end - 1, 1), 0xa5);
}

static void test_aperture_non_pow2(void)
{
    /* 48 MiB of device memory behind a 64 MiB BAR: the tail reads 0. */
    qt_quit(qt);
    start(",vram-size=48M");
    CU_ASSERT_EQUAL(bar_size(2, true), 64ull << 20);
    qt_cfg_write32(qt, DEV, 0x18, (uint32_t)BAR2_ADDR);
    qt_cfg_write32(qt, DEV, 0x1c, (uint32_t)(BAR2_ADDR >> 32));
    CU_ASSERT_EQUAL(rd(GV_REG_APERTURE_SIZE_LO), 64u << 20);
    qt_write(qt, BAR2_ADDR + (48ull << 20), 4, 0x12345678);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2_ADDR + (48ull << 20), 4), 0);
    qt_write(qt, BAR2_ADDR + (48ull << 20) - 4, 4, 0x12345678);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2_ADDR + (48ull << 20) - 4, 4),
                    0x12345678);
}

static void test_msi(void)
{
    int cap = qt_cfg_find_cap(qt, DEV, 0x05);
    uint16_t ctrl;

    CU_ASSERT_FATAL(cap != 0);
    ctrl = qt_cfg_read16(qt, DEV, cap + 2);
    CU_ASSERT_TRUE(ctrl & 0x80);                      /* 64-bit capable */
    qt_cfg_write32(qt, DEV, cap + 4, (uint32_t)MSI_ADDR);
    qt_cfg_write32(qt, DEV, cap + 8, 0);
    qt_cfg_write16(qt, DEV, cap + 12, MSI_DATA);
    qt_cfg_write16(qt, DEV, cap + 2, ctrl | 1);       /* enable */
    qt_write(qt, MSI_ADDR, 4, 0);

    /* Masked: status set, no message. */
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), GV_INTR_SOFT);
    CU_ASSERT_EQUAL(qt_read(qt, MSI_ADDR, 4), 0);

    /* Unmasking the pending source sends the message. */
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    CU_ASSERT_EQUAL(qt_read(qt, MSI_ADDR, 4), MSI_DATA);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 1);

    /* No new message until acknowledged, then one per event. */
    qt_write(qt, MSI_ADDR, 4, 0);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(qt_read(qt, MSI_ADDR, 4), 0);
    wr(GV_REG_INTR_ACK, GV_INTR_SOFT);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), 0);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(qt_read(qt, MSI_ADDR, 4), MSI_DATA);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 2);
}

static void test_bad_vram_size_refused(void)
{
    const char *bad[] = { "1M", "17M", "128G" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char cmd[1024], out[4096] = "";
        size_t n;
        FILE *p;
        int status;

        snprintf(cmd, sizeof(cmd),
                 "'%s' -L '%s' -M q35 -accel qtest -qtest null -nodefaults "
                 "-display none -device graviton-gpu,vram-size=%s 2>&1",
                 getenv("GV_QEMU"), getenv("GV_FIRMWARE"), bad[i]);
        p = popen(cmd, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        n = fread(out, 1, sizeof(out) - 1, p);
        out[n] = 0;
        status = pclose(p);
        CU_ASSERT_NOT_EQUAL(status, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "vram-size must be"));
    }
}

/* timing=: the device-time model's profile reads back; without it, off;
 * an unknown profile refuses to start. */
static void test_timing_property(void)
{
    static const struct {
        const char *props;
        uint32_t profile;
    } t[] = {
        { ",vram-size=64M", 0 },
        { ",vram-size=64M,timing=titan-black", 1 },
        { ",vram-size=64M,timing=h100,aes-engine=on", 0x102 },
    };
    char cmd[1024], out[4096] = "";
    size_t n;
    FILE *p;

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        start(t[i].props);
        CU_ASSERT_EQUAL(rd(GV_REG_DEVTIME_PROFILE), t[i].profile);
        CU_ASSERT_EQUAL(rd(GV_REG_DEVTIME_LO), 0);      /* no work yet */
        CU_ASSERT_EQUAL(rd(GV_REG_DEVTIME_HI), 0);
        teardown();
    }
    snprintf(cmd, sizeof(cmd),
             "'%s' -L '%s' -M q35 -accel qtest -qtest null -nodefaults "
             "-display none -device graviton-gpu,timing=gtx480 2>&1",
             getenv("GV_QEMU"), getenv("GV_FIRMWARE"));
    p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = 0;
    CU_ASSERT_NOT_EQUAL(pclose(p), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "timing must be"));
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test pci[] = {
        { "identity", test_pci_identity },
        { "BAR layout", test_bar_layout },
        { "registers over MMIO", test_registers_over_mmio },
        { "aperture over MMIO", test_aperture_over_mmio },
        { "aperture beyond device memory", test_aperture_non_pow2 },
        { "MSI", test_msi },
        { NULL, NULL },
    };
    static const struct gv_cunit_test props[] = {
        { "bad vram-size refused", test_bad_vram_size_refused },
        { "timing: the device-time model's profile", test_timing_property },
        { NULL, NULL },
    };

    return gv_add_suite("pci", setup, teardown, pci) ||
           gv_add_suite("properties", NULL, NULL, props);
}
