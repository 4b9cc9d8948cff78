/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: re-entrancy (design attack 20) through the real QEMU device.  The
 * driver aims what the device writes or reads by itself at the device:
 * the MSI address at the doorbell (raising an interrupt would ring it), a
 * ring, a command group or a copy-engine host window at BAR0, at BAR2
 * (both its RAM-mapped unprotected window and its trapped part) and at
 * the device's own PCI config space through q35's MMCONFIG window.  Each
 * is refused before it starts, with a named guest error (-d guest_errors,
 * read back from QEMU's log), the device stays alive and a normal channel
 * works afterwards.  A second suite turns those checks off (x-dma-check=
 * off) and sees the backstops refuse the same attacks once they arrive:
 * the core's busy guard in the BARs, the config-space guard.
 *
 * MMCONFIG exists on q35 only (the machine every qtest here uses; the pc
 * machine has no ECAM window, and its 0xcf8/0xcfc ports are not reachable
 * by DMA).  With no firmware, the test enables it as SeaBIOS does:
 * PCIEXBAR (MCH config 0x60) = 0xb0000000 | enable, 256 buses.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "qtest_client.h"

#define DEV         4
#define DEV2        5                   /* a second graviton-gpu: a peer */
#define BAR0        0xc0000000ull
#define PEER_BAR0   0xc0010000ull
#define PEER_BAR2   0x200000000ull
#define HPET        0xfed00000ull       /* q35's HPET: MMIO, not RAM */
#define BAR2        0x100000000ull
#define UNPROT      (8ull << 20)
#define PROT        (48ull << 20)
#define MMCFG       0xb0000000ull
#define MMCFG_DEV   (MMCFG + ((uint64_t)DEV << 15))   /* bus 0, fn 0 */

/* guest RAM */
#define MSI_RAM     0x100000ull
#define RING(chid)  (0x200000ull + (chid) * 0x1000)
#define GROUP       0x210000ull
#define HOSTWIN     0x300000ull

/* device memory: the bootstrap descriptor, and a normal channel's pages
 * (VA == PA, unprotected) */
#define BOOT_DESC   0x10000ull
#define MAP_BASE    0x100000ull
#define MAP_PAGES   16
#define VRAM_RING   0x20000ull      /* a ring placed in the BAR2 window */

#define ENTRIES     64

static struct qt *qt;
static char dir[64];
static const char *dev_props = "";
static uint32_t put[GV_MAX_CHANNELS];
static int msi_cap;

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0 + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0 + reg, 4, val);
}

/* Does QEMU's log (-d guest_errors) hold @needle? */
static bool log_search(const char *needle, bool quiet)
{
    char path[128], *buf;
    size_t n;
    FILE *f;
    bool found;

    snprintf(path, sizeof(path), "%s/qemu.log", dir);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    buf = calloc(1, 1 << 20);
    n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = 0;
    fclose(f);
    found = strstr(buf, needle) != NULL;
    if (!found && !quiet) {
        fprintf(stderr, "\n  not in QEMU's log: \"%s\"\n", needle);
    }
    free(buf);
    return found;
}

static bool log_has(const char *needle)
{
    return log_search(needle, false);
}

static bool log_has_quiet(const char *needle)
{
    return log_search(needle, true);
}

static void setup(void)
{
    char args[512];

    snprintf(dir, sizeof(dir), "/tmp/gvre-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(args, sizeof(args), "-m 256M -d guest_errors -D %s/qemu.log "
             "-device graviton-gpu,addr=%02x.0,vram-size=64M%s "
             "-device graviton-gpu,addr=%02x.0,vram-size=16M", dir, DEV,
             dev_props, DEV2);
    qt = qt_start(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qt);
    qt_place_bars(qt, DEV, (uint32_t)BAR0, BAR2);
    qt_place_bars(qt, DEV2, (uint32_t)PEER_BAR0, PEER_BAR2);
    /* MMCONFIG on, as firmware does */
    qt_cfg_write32(qt, 0, 0x64, (uint32_t)(MMCFG >> 32));
    qt_cfg_write32(qt, 0, 0x60, (uint32_t)MMCFG | 1);
    CU_ASSERT_EQUAL_FATAL(qt_read(qt, MMCFG_DEV, 4),
                          GV_PCI_VENDOR_ID | GV_PCI_DEVICE_ID << 16);
    msi_cap = qt_cfg_find_cap(qt, DEV, 0x05);
    CU_ASSERT_FATAL(msi_cap != 0);
    memset(put, 0, sizeof(put));
}

static void setup_nocheck(void)
{
    dev_props = ",x-dma-check=off";
    setup();
}

static void teardown(void)
{
    char cmd[128];

    CU_ASSERT_FALSE(qt->broken);
    qt_quit(qt);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* The device's PCI command register (read through 0xcf8, not MMCONFIG):
 * memory decoding and bus mastering, as qt_place_bars() left them. */
static bool command_intact(void)
{
    return (qt_cfg_read16(qt, DEV, 0x04) & 0x6) == 0x6;
}

static void msi_program(uint64_t addr, uint16_t data)
{
    uint16_t ctrl = qt_cfg_read16(qt, DEV, msi_cap + 2);

    qt_cfg_write32(qt, DEV, msi_cap + 4, (uint32_t)addr);
    qt_cfg_write32(qt, DEV, msi_cap + 8, (uint32_t)(addr >> 32));
    qt_cfg_write16(qt, DEV, msi_cap + 12, data);
    qt_cfg_write16(qt, DEV, msi_cap + 2, ctrl | 1);
}

static void ring_at(unsigned chid, uint64_t base)
{
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_LO), (uint32_t)base);
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_HI), (uint32_t)(base >> 32));
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES), ENTRIES);
    put[chid] = 0;
}

static void lock_and_bootstrap(void)
{
    wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    wr(GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_REGION_LOCK), 1);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_LO), (uint32_t)BOOT_DESC);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL_FATAL(rd(GV_REG_CHAN(0, GV_CHAN_STATUS)),
                          GV_CHAN_TYPE_BOOTSTRAP);
    ring_at(0, RING(0));
}

/* One entry (group at @gaddr, @len bytes, @flags) in @chid's ring in
 * guest RAM, doorbell; the error code it caused (0: none). */
static uint32_t run_entry(unsigned chid, uint64_t gaddr, uint32_t len,
                          uint32_t flags)
{
    struct gv_gpfifo_entry e = { .addr = gaddr, .len = len, .flags = flags };
    uint32_t before = rd(GV_REG_ERROR_COUNT);

    /* as the driver: a failure seen already is acknowledged, or the
     * stopped channel would not run this entry */
    if (rd(GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR) {
        wr(GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    }
    qt_memwrite(qt, RING(chid) + put[chid] * sizeof(e), &e, sizeof(e));
    put[chid] = (put[chid] + 1) % ENTRIES;
    wr(GV_REG_CHAN(chid, GV_CHAN_PUT), put[chid]);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(chid, GV_CHAN_GET)), put[chid]);
    return rd(GV_REG_ERROR_COUNT) == before ? 0 : rd(GV_REG_ERROR_CODE);
}

static uint32_t submit(unsigned chid, const void *cmds, uint32_t len,
                       uint32_t flags)
{
    uint8_t g[2048];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };

    CU_ASSERT_FATAL(sizeof(h) + len <= sizeof(g));
    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    qt_memwrite(qt, GROUP + chid * 0x1000, g, sizeof(h) + len);
    return run_entry(chid, GROUP + chid * 0x1000, sizeof(h) + len, flags);
}

/* Normal channel 1, VA MAP_BASE.. mapped to the same unprotected pages. */
static void make_channel(void)
{
    uint64_t desc = UNPROT, pgd = UNPROT + GV_PAGE_SIZE;
    uint64_t pgt = pgd + GV_PGD_BYTES;
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) }, .chid = 1,
        .desc_addr = desc, .pgd_addr = pgd,
    };
    struct gv_cmd_ch_pde pde = {
        .hdr = { GV_OP_CH_PDE, sizeof(pde) }, .chid = 1, .pgt_addr = pgt,
    };
    uint8_t pte_cmd[sizeof(struct gv_cmd_ch_pte) + MAP_PAGES * 8];
    struct gv_cmd_ch_pte *pte = (struct gv_cmd_ch_pte *)pte_cmd;

    CU_ASSERT_EQUAL_FATAL(submit(0, &c, sizeof(c), 0), 0);
    CU_ASSERT_EQUAL_FATAL(submit(0, &pde, sizeof(pde), 0), 0);
    memset(pte_cmd, 0, sizeof(pte_cmd));
    pte->hdr = (struct gv_cmd_hdr){ GV_OP_CH_PTE, sizeof(pte_cmd) };
    pte->chid = 1;
    pte->pgt_index = MAP_BASE >> GV_PAGE_SHIFT;
    pte->count = MAP_PAGES;
    for (unsigned i = 0; i < MAP_PAGES; i++) {
        pte->pte[i] = (MAP_BASE + (uint64_t)i * GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    CU_ASSERT_EQUAL_FATAL(submit(0, pte_cmd, sizeof(pte_cmd), 0), 0);
    ring_at(1, RING(1));
}

static void hostwin_at(uint64_t base, uint32_t size)
{
    wr(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_LO), (uint32_t)base);
    wr(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_HI), (uint32_t)(base >> 32));
    wr(GV_REG_CHAN(1, GV_CHAN_HOSTWIN_SIZE), size);
}

/* COPY of 4 bytes on channel 1: from VA MAP_BASE to host window offset
 * @off (@out), or from @off to VA MAP_BASE + 0x100. */
static uint32_t copy4(bool out, uint64_t off)
{
    struct gv_cmd_copy c = {
        .hdr = { GV_OP_COPY, sizeof(c) },
        .flags = out ? GV_COPY_DST_HOST : GV_COPY_SRC_HOST,
        .src = out ? MAP_BASE : off, .dst = out ? off : MAP_BASE + 0x100,
        .size = 4,
    };

    return submit(1, &c, sizeof(c), 0);
}

/* A normal channel still works: a copy out to guest RAM, and an
 * interrupt to guest RAM. */
static void still_works(void)
{
    wr(GV_REG_ERROR_ACK, 1);
    qt_write(qt, BAR2 + MAP_BASE, 4, 0x600dcafe);
    qt_write(qt, HOSTWIN, 4, 0);
    hostwin_at(HOSTWIN, 0x1000);
    CU_ASSERT_EQUAL(copy4(true, 0), 0);
    CU_ASSERT_EQUAL(qt_read(qt, HOSTWIN, 4), 0x600dcafe);
    msi_program(MSI_RAM, 0x4321);
    qt_write(qt, MSI_RAM, 4, 0);
    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(qt_read(qt, MSI_RAM, 4), 0x4321);
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
    CU_ASSERT(command_intact());
}

/* An MSI aimed at the doorbell: the channel's completion interrupt would
 * write PUT = 2 from inside the ring's processing (a group it was never
 * given).  Then at SCRATCH, and at the device's own command register
 * through MMCONFIG (data 0 would turn off its BARs and DMA). */
static void msi_attacks(void)
{
    struct gv_group_hdr g = { .magic = GV_GROUP_MAGIC };

    qt_memwrite(qt, GROUP, &g, sizeof(g));
    msi_program(BAR0 + GV_REG_CHAN(0, GV_CHAN_PUT), 2);
    wr(GV_REG_INTR_MASK, GV_INTR_ALL);
    CU_ASSERT_EQUAL(run_entry(0, GROUP, sizeof(g), GV_GPFIFO_IRQ), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_PUT)), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_STATUS), GV_INTR_CHANNEL);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 1);

    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    msi_program(BAR0 + GV_REG_SCRATCH, 0x1234);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0);

    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    msi_program(MMCFG_DEV + 0x04, 0);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT(command_intact());
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 3);
}

/* An MSI at another device's registers (a peer's SCRATCH). */
static uint32_t msi_at_peer(void)
{
    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    msi_program(PEER_BAR0 + GV_REG_SCRATCH, 0x5ee);
    wr(GV_REG_INTR_RAISE, 1);
    return (uint32_t)qt_read(qt, PEER_BAR0 + GV_REG_SCRATCH, 4);
}

static void test_msi_at_self(void)
{
    lock_and_bootstrap();
    msi_attacks();
    CU_ASSERT(log_has("graviton-gpu: MSI to 0xc0001014 refused: it reaches "
                      "the device's own BARs"));
    CU_ASSERT(log_has("graviton-gpu: MSI to 0xc0000008 refused"));
    CU_ASSERT(log_has("graviton-gpu: MSI to 0xb0020004 refused: it reaches "
                      "PCI configuration space (MMCONFIG)"));
    CU_ASSERT_EQUAL(msi_at_peer(), 0);
    CU_ASSERT(log_has("graviton-gpu: MSI to 0xc0010008 refused: it reaches "
                      "another PCI device"));
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 0);
    /* where a guest's MSI goes, the local APIC, is not refused */
    wr(GV_REG_INTR_ACK, GV_INTR_ALL);
    msi_program(0xfee00000ull, 0x4041);
    wr(GV_REG_INTR_RAISE, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_INTR_COUNT), 5);
    CU_ASSERT_FALSE(log_has_quiet("MSI to 0xfee00000"));
    make_channel();
    still_works();
}

/* Rings and command groups at the device itself: FETCH, nothing run. */
static void test_dma_reads_at_self(void)
{
    static const uint64_t at[] = {
        BAR0, BAR0 + GV_REG_CHAN(0, 0),
        BAR2 + VRAM_RING,                   /* the RAM-mapped window */
        BAR2 + UNPROT + 0x10000,            /* protected: trapped */
        MMCFG_DEV,
        HPET,                               /* another device's MMIO */
        PEER_BAR0,                          /* a peer's registers */
    };
    struct gv_group_hdr g = { .magic = GV_GROUP_MAGIC };
    struct gv_gpfifo_entry e = { .addr = GROUP, .len = sizeof(g) };

    lock_and_bootstrap();
    /* a valid ring entry and group in the unprotected window, so that
     * reading them would succeed if the DMA were let through */
    qt_memwrite(qt, GROUP, &g, sizeof(g));
    qt_memwrite(qt, BAR2 + VRAM_RING, &e, sizeof(e));
    qt_memwrite(qt, BAR2 + VRAM_RING + 0x100, &g, sizeof(g));
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        ring_at(0, at[i]);
        wr(GV_REG_ERROR_ACK, 1);
        wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
        CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_GET)), 1);
        CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FETCH);
        ring_at(0, RING(0));
        CU_ASSERT_EQUAL(run_entry(0, at[i] == BAR2 + VRAM_RING ?
                                  at[i] + 0x100 : at[i], sizeof(g), 0),
                        GV_ERR_FETCH);
    }
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0xc0000000+0x10 refused: "
                      "it reaches the device's own BARs"));
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0x100020000+0x10 refused: "
                      "it reaches the device's own BARs"));
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0x100810000+0x10 refused"));
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0xb0020000+0x10 refused: "
                      "it reaches PCI configuration space (MMCONFIG)"));
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0xfed00000+0x10 refused: "
                      "it is not guest RAM"));
    CU_ASSERT(log_has("graviton-gpu: DMA read at 0xc0010000+0x10 refused: "
                      "it is not guest RAM"));
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 0);
    make_channel();
    still_works();
}

/* The copy engine's host window at the device itself: a copy out would
 * write SCRATCH, unprotected VRAM through the BAR, or the device's own
 * command register; a copy in would read the registers. */
static void test_dma_writes_at_self(void)
{
    lock_and_bootstrap();
    make_channel();
    qt_write(qt, BAR2 + MAP_BASE, 4, 0);            /* what a copy writes */
    wr(GV_REG_SCRATCH, 0x77);
    qt_write(qt, BAR2 + 0x3000, 4, 0x3000);

    hostwin_at(BAR0, 0x1000);
    CU_ASSERT_EQUAL(copy4(true, GV_REG_SCRATCH), GV_ERR_RESULT);
    CU_ASSERT_EQUAL(rd(GV_REG_SCRATCH), 0x77);
    CU_ASSERT_EQUAL(copy4(false, GV_REG_ID), GV_ERR_FETCH);
    hostwin_at(BAR2, 0x10000);
    CU_ASSERT_EQUAL(copy4(true, 0x3000), GV_ERR_RESULT);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + 0x3000, 4), 0x3000);
    hostwin_at(MMCFG_DEV, 0x1000);
    CU_ASSERT_EQUAL(copy4(true, 0x04), GV_ERR_RESULT);
    CU_ASSERT(command_intact());
    CU_ASSERT(log_has("graviton-gpu: DMA write at 0xc0000008+0x4 refused: "
                      "it reaches the device's own BARs"));
    CU_ASSERT(log_has("graviton-gpu: DMA write at 0x100003000+0x4 refused"));
    CU_ASSERT(log_has("graviton-gpu: DMA write at 0xb0020004+0x4 refused: "
                      "it reaches PCI configuration space (MMCONFIG)"));
    still_works();
}

/*
 * x-dma-check=off: the same attacks reach the device and the backstops
 * refuse them there.  Into BAR0 and BAR2 that is QEMU's own guard where
 * the build has one (Debian's 7.2.x: "Blocked re-entrant IO" on stderr,
 * the access fails) or else the core's (test_reentry.c tests it
 * in-process); the effects are the same and are what is checked here.
 * Into the config space through MMCONFIG only our guard stands: its
 * message is checked.
 */
static void test_backstops(void)
{
    lock_and_bootstrap();
    /* MSI at the doorbell, at SCRATCH, at the command register */
    msi_attacks();
    CU_ASSERT(log_has("graviton-gpu: re-entrant PCI config write at 0x4 "
                      "size 4 refused"));

    /* a ring in BAR0 and in BAR2's trapped part: the access fails */
    ring_at(0, BAR0);
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FETCH);
    wr(GV_REG_ERROR_ACK, 1);
    ring_at(0, BAR2 + UNPROT + 0x10000);
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FETCH);
    CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 0);
    ring_at(0, RING(0));

    /* a copy out to the command register through MMCONFIG */
    make_channel();
    qt_write(qt, BAR2 + MAP_BASE, 4, 0);
    hostwin_at(MMCFG_DEV, 0x1000);
    wr(GV_REG_ERROR_ACK, 1);
    CU_ASSERT_EQUAL(copy4(true, 0x04), 0);      /* "written" */
    CU_ASSERT(command_intact());
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
    still_works();
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "MSI at the doorbell, SCRATCH, MMCONFIG refused (attack 20)",
          test_msi_at_self },
        { "rings and groups at BAR0, BAR2, MMCONFIG refused (attack 20)",
          test_dma_reads_at_self },
        { "copies to BAR0, BAR2, MMCONFIG refused (attack 20)",
          test_dma_writes_at_self },
        { NULL, NULL },
    };
    static const struct gv_cunit_test b[] = {
        { "x-dma-check=off: the busy and config-space guards refuse",
          test_backstops },
        { NULL, NULL },
    };

    return gv_add_suite("re-entrancy", setup, teardown, t) ||
           gv_add_suite("re-entrancy-backstops", setup_nocheck, teardown, b);
}
