/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the secure command processor (design sections 3-8): memory
 * regions, PMM, bootstrap rules, CH_CREATE / CH_PDE / CH_PTE / CH_DESTROY /
 * CH_MEASURE, command-group authentication and attestation.  Every rule is
 * exercised from both sides: the legal use works, and each attack of
 * design section 11 (1, 2, 3, 4, 5, 6, 7, 10, 12) is performed and must be
 * refused with the right error, leaving the PMM consistent (td_check after
 * each step).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "gv_testdev.h"

#define VRAM    (64ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (48ull << 20)

static struct td *td;
static struct gvrt_secure sa, sb;     /* two runtimes (contexts) */

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&sa, 0, sizeof(sa));
    memset(&sb, 0, sizeof(sb));
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    gvrt_secure_fini(&sa);
    gvrt_secure_fini(&sb);
    td = NULL;
}

static uint64_t pmm(uint64_t pa)
{
    return gv_debug_pmm(td->dev, pa);
}

#define PMM_MAPPED_BIT (1ull << 8)
#define PMM_LOCKED_BIT (1ull << 9)
#define PMM_REFCNT(e) (((e) >> 16) & 0xff)

static uint64_t va_of(unsigned pgdi, unsigned pgti, bool big)
{
    return (uint64_t)pgdi << GV_PDE_SHIFT |
           (uint64_t)pgti << (big ? GV_BIG_PAGE_SHIFT : GV_PAGE_SHIFT);
}

/* ====================================================================== */
/* Regions                                                                */

static void test_region_lock_rules(void)
{
    struct gv_config cfg = { .vram_size = VRAM };
    struct gv_dev *d = gv_dev_new(&cfg, NULL, NULL, NULL);
    uint64_t bad[][2] = {
        { 0, PROT },                        /* no unprotected region */
        { UNPROT + 4096, PROT },            /* not big-page aligned */
        { UNPROT, VRAM - UNPROT },          /* no room for hidden memory */
        { VRAM, 128 << 10 },                /* beyond device memory */
    };

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gv_mmio_write(d, GV_REG_UNPROT_SIZE_LO, (uint32_t)bad[i][0], 4);
        gv_mmio_write(d, GV_REG_PROT_SIZE_LO, (uint32_t)bad[i][1], 4);
        gv_mmio_write(d, GV_REG_REGION_LOCK, GV_LOCK_MAGIC, 4);
        CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_REGION_LOCK, 4), 0);
        CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ERROR_CODE, 4),
                        GV_ERR_REGION_CONFIG);
    }
    /* A wrong magic does not lock. */
    gv_mmio_write(d, GV_REG_UNPROT_SIZE_LO, UNPROT, 4);
    gv_mmio_write(d, GV_REG_PROT_SIZE_LO, PROT, 4);
    gv_mmio_write(d, GV_REG_REGION_LOCK, 1, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_REGION_LOCK, 4), 0);
    gv_mmio_write(d, GV_REG_REGION_LOCK, GV_LOCK_MAGIC, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_REGION_LOCK, 4), 1);
    /* Locked: sizes no longer change. */
    gv_mmio_write(d, GV_REG_PROT_SIZE_LO, 1 << 20, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_PROT_SIZE_LO, 4), PROT);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_HIDDEN_SIZE_LO, 4),
                    VRAM - UNPROT - PROT);
    gv_dev_free(d);
}

static void test_hidden_memory_accounted(void)
{
    uint64_t used = td_rd(td, GV_REG_HIDDEN_USED_LO);

    /* The PMM alone: one 8-byte entry per protected page. */
    CU_ASSERT(used >= (PROT / GV_PAGE_SIZE) * 8);
    CU_ASSERT(used <= VRAM - UNPROT - PROT);
    CU_ASSERT_EQUAL(used, td_rd(td, GV_REG_HIDDEN_NEEDED_LO));
}

/* Attack 3: the BAR aperture and protected memory. */
static void test_aperture_refuses_protected(void)
{
    uint64_t p = UNPROT + 3 * GV_PAGE_SIZE;
    uint64_t secret = 0x5ec4e7da7a5ec4e7ull, v;

    gv_debug_write(td->dev, p, &secret, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, p, 8), ~0ull);
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, p, 4), 0xffffffffull);
    gv_aperture_write(td->dev, p, 0x1111, 8);
    gv_debug_read(td->dev, p, &v, 8);
    CU_ASSERT_EQUAL(v, secret);
    /* straddling the boundary is refused too */
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, UNPROT - 4, 8), ~0ull);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_PROT_ACCESS_COUNT), 4);
    /* unprotected memory is fully accessible */
    gv_aperture_write(td->dev, UNPROT - 8, 0x77, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, UNPROT - 8, 8), 0x77);
}

/* Attack 4 through the BAR: hidden memory is not reachable at all. */
static void test_aperture_misses_hidden(void)
{
    uint64_t h = UNPROT + PROT;
    uint64_t pmm0;

    gv_debug_read(td->dev, h, &pmm0, 8);
    gv_aperture_write(td->dev, h, 0xffffffffffffffffull, 8);
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, h, 8), 0);
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, VRAM - 8, 8), 0);
    {
        uint64_t after;

        gv_debug_read(td->dev, h, &after, 8);
        CU_ASSERT_EQUAL(after, pmm0);
    }
}

/* Attack 12: a reset scrubs protected and hidden memory, destroys keys. */
static void test_reset_scrubs(void)
{
    uint64_t page, va = va_of(0, 0, false), v = 0, pte;
    uint8_t ak_before[8], ak_after[8];

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, va, 0xfeedfacecafebeefull),
                    GV_ERR_NONE);
    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 0xfeedfacecafebeefull);
    memcpy(ak_before, &(uint32_t){ td_rd(td, GV_REG_AK_PUB + 4) }, 4);
    memcpy(ak_before + 4, &(uint32_t){ td_rd(td, GV_REG_AK_PUB + 8) }, 4);

    td_wr(td, GV_REG_RESET, GV_RESET_MAGIC);

    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    for (uint64_t h = UNPROT + PROT; h < VRAM; h += 8 * GV_PAGE_SIZE) {
        gv_debug_read(td->dev, h, &v, 8);
        CU_ASSERT_EQUAL(v, 0);
    }
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_REGION_LOCK), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_FREE);
    memcpy(ak_after, &(uint32_t){ td_rd(td, GV_REG_AK_PUB + 4) }, 4);
    memcpy(ak_after + 4, &(uint32_t){ td_rd(td, GV_REG_AK_PUB + 8) }, 4);
    CU_ASSERT(memcmp(ak_before, ak_after, 8) != 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ATTEST_STATUS),
                    GV_ATTEST_EK | GV_ATTEST_AK);
    /* Before a new lock the aperture shows the scrubbed page. */
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, page, 8), 0);
}

/* ====================================================================== */
/* Bootstrap channels                                                     */

static void test_bootstrap_needs_unprotected_descriptor(void)
{
    uint32_t before = td_rd(td, GV_REG_ERROR_COUNT);

    /* Attack 5: a descriptor in protected memory is not a bootstrap
     * channel. */
    td_wr(td, GV_REG_CHAN(5, GV_CHAN_DESC_LO), (uint32_t)(UNPROT + 0x10000));
    td_wr(td, GV_REG_CHAN(5, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(5, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_FREE | GV_CHAN_STATUS_ERROR);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CODE), GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CHID), 5);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_COUNT), before + 1);
    /* ... nor in hidden memory */
    td_wr(td, GV_REG_CHAN(6, GV_CHAN_DESC_LO), (uint32_t)(UNPROT + PROT));
    td_wr(td, GV_REG_CHAN(6, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(6, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
    /* In unprotected memory it is. */
    td_wr(td, GV_REG_CHAN(7, GV_CHAN_DESC_LO), 0x4000);
    td_wr(td, GV_REG_CHAN(7, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(7, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_BOOTSTRAP);
    /* and can be released */
    td_wr(td, GV_REG_CHAN(7, GV_CHAN_CTRL), GV_CHAN_CTRL_RELEASE);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(7, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_FREE);
}

static void test_bootstrap_before_lock_refused(void)
{
    struct gv_config cfg = { .vram_size = VRAM };
    struct gv_dev *d = gv_dev_new(&cfg, NULL, NULL, NULL);

    gv_mmio_write(d, GV_REG_CHAN(1, GV_CHAN_DESC_LO), 0, 4);
    gv_mmio_write(d, GV_REG_CHAN(1, GV_CHAN_DESC_HI), 0, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ERROR_CODE, 4), GV_ERR_NOT_LOCKED);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_CHAN(1, GV_CHAN_STATUS), 4) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
    gv_dev_free(d);
}

/* Attack 5: engine commands from a bootstrap channel. */
static void test_bootstrap_refuses_engine_commands(void)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = 0 };
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };

    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &f, sizeof(f)),
                    GV_ERR_BOOTSTRAP);
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &nop, sizeof(nop)),
                    GV_ERR_BOOTSTRAP);
}

static void test_mgmt_only_on_bootstrap(void)
{
    struct gv_cmd_ch_destroy d = { .hdr = { GV_OP_CH_DESTROY, sizeof(d) },
                                   .chid = 2 };

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    /* A normal channel may not carry CH_* commands. */
    CU_ASSERT_EQUAL(td_submit(td, 1, &d, sizeof(d)), GV_ERR_NOT_BOOTSTRAP);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(2, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_NORMAL);
    /* CH_* aimed at a bootstrap channel is refused. */
    d.chid = TD_BOOT_CHID;
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &d, sizeof(d)),
                    GV_ERR_BOOTSTRAP);
    {
        struct gv_cmd_ch_pde p = { .hdr = { GV_OP_CH_PDE, sizeof(p) },
                                   .chid = TD_BOOT_CHID,
                                   .pgt_addr = UNPROT + (1 << 20) };

        CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &p, sizeof(p)),
                        GV_ERR_BOOTSTRAP);
    }
    {
        struct gv_measurement m;

        CU_ASSERT_EQUAL(td_measure(td, TD_BOOT_CHID, 0, 8, &m),
                        GV_ERR_BOOTSTRAP);
        CU_ASSERT_EQUAL(td_measure(td, 40, 0, 8, &m), GV_ERR_BAD_CHANNEL);
    }
}

static void test_malformed_groups_and_commands(void)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = 8 };
    uint8_t g[64] = { 0 };
    struct gv_cmd_hdr bad = { 0x7777, 8 };

    /* wrong magic, reserved bits, length mismatch */
    h.magic = 0x1234;
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL(td_submit_raw(td, TD_BOOT_CHID, g, 24, 0),
                    GV_ERR_BAD_GROUP);
    h.magic = GV_GROUP_MAGIC;
    h.reserved = 1;
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL(td_submit_raw(td, TD_BOOT_CHID, g, 24, 0),
                    GV_ERR_BAD_GROUP);
    h.reserved = 0;
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL(td_submit_raw(td, TD_BOOT_CHID, g, 40, 0),
                    GV_ERR_BAD_GROUP);
    /* an encrypted group on a bootstrap channel */
    h.flags = GV_GROUP_ENCRYPTED;
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL(td_submit_raw(td, TD_BOOT_CHID, g, 40, 0),
                    GV_ERR_BAD_GROUP);
    /* unknown GPFIFO flags, and a group in protected memory */
    h.flags = 0;
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL(td_submit_raw(td, TD_BOOT_CHID, g, 24, 0x80),
                    GV_ERR_BAD_GROUP);
    /* unknown opcode, bad command sizes */
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &bad, sizeof(bad)),
                    GV_ERR_BAD_COMMAND);
    bad = (struct gv_cmd_hdr){ GV_OP_CH_CREATE, 12 };
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &bad, sizeof(bad)),
                    GV_ERR_BAD_COMMAND);
    bad = (struct gv_cmd_hdr){ GV_OP_CH_CREATE, 4096 };
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &bad, sizeof(bad)),
                    GV_ERR_BAD_COMMAND);
    bad = (struct gv_cmd_hdr){ GV_OP_CH_CREATE, 8 };
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &bad, sizeof(bad)),
                    GV_ERR_BAD_COMMAND);
}

static void test_group_from_vram(void)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = 8 };
    struct gv_cmd_hdr nop = { GV_OP_NOP, 8 };
    struct gv_gpfifo_entry e;
    uint64_t ring = TD_GUEST_BASE + 1 * 4096ull, w[3];

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    /* a group in the unprotected region, written through the aperture */
    memcpy(w, &h, sizeof(h));
    memcpy(&w[2], &nop, sizeof(nop));
    for (int i = 0; i < 3; i++) {
        gv_aperture_write(td->dev, 0x8000 + 8 * i, w[i], 8);
    }
    e = (struct gv_gpfifo_entry){ 0x8000, 24, GV_GPFIFO_VRAM | GV_GPFIFO_IRQ };
    memcpy(td->guest + (ring - TD_GUEST_BASE), &e, sizeof(e));
    td_wr(td, GV_REG_INTR_ACK, GV_INTR_ALL);
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_PUT), 1);
    td->put[1] = 1;
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_GET)), 1);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_INTR_STATUS), GV_INTR_CHANNEL);
    /* a "group" in protected memory is refused */
    e = (struct gv_gpfifo_entry){ UNPROT, 24, GV_GPFIFO_VRAM };
    memcpy(td->guest + (ring - TD_GUEST_BASE) + 16, &e, sizeof(e));
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_PUT), 2);
    td->put[1] = 2;
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CODE), GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_POS), 1u << 16);
    CU_ASSERT(td_rd(td, GV_REG_INTR_STATUS) & GV_INTR_ERROR);
}

/* ====================================================================== */
/* CH_CREATE                                                              */

static void test_create_normal(void)
{
    uint64_t desc = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE);
    uint64_t pgd = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);
    uint64_t junk = 0x1badd00d1badd00dull, v;

    /* Attack 6: stale translations planted in the future PGD. */
    gv_debug_write(td->dev, pgd, &junk, 8);
    gv_debug_write(td->dev, pgd + GV_PGD_BYTES - 8, &junk, 8);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, desc, pgd, NULL, NULL, NULL),
                    GV_ERR_NONE);
    gv_debug_read(td->dev, pgd, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    gv_debug_read(td->dev, pgd + GV_PGD_BYTES - 8, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_NORMAL);
    CU_ASSERT(pmm(desc) & PMM_MAPPED_BIT);
    CU_ASSERT_FALSE(pmm(desc) & PMM_LOCKED_BIT);
    CU_ASSERT(pmm(pgd + GV_PGD_BYTES - 1) & PMM_MAPPED_BIT);
    td_check(td);

    /* the same chid again, or the same pages for another channel */
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0,
                                 td_alloc_prot(td, 4096, 4096),
                                 td_alloc_prot(td, GV_PGD_BYTES, 4096),
                                 NULL, NULL, NULL), GV_ERR_CHANNEL_BUSY);
    CU_ASSERT_EQUAL(td_create_at(td, 2, 0, desc,
                                 td_alloc_prot(td, GV_PGD_BYTES, 4096),
                                 NULL, NULL, NULL), GV_ERR_PAGE_IN_USE);
    CU_ASSERT_EQUAL(td_create_at(td, 2, 0,
                                 td_alloc_prot(td, 4096, 4096), pgd + 4096,
                                 NULL, NULL, NULL), GV_ERR_PAGE_IN_USE);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(2, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
}

static void test_create_address_checks(void)
{
    uint64_t pgd = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);
    uint64_t desc = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);

    /* descriptor or PGD in unprotected memory */
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, 0x10000, pgd, NULL, NULL, NULL),
                    GV_ERR_NOT_PROTECTED);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, desc, 0x20000, NULL, NULL, NULL),
                    GV_ERR_NOT_PROTECTED);
    /* in hidden memory, beyond memory, misaligned, straddling */
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, UNPROT + PROT, pgd, NULL, NULL,
                                 NULL), GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, VRAM, pgd, NULL, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, desc + 8, pgd, NULL, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, desc,
                                 UNPROT + PROT - GV_PAGE_SIZE, NULL, NULL,
                                 NULL), GV_ERR_BAD_ADDRESS);
    /* overlapping descriptor and PGD */
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0, pgd + GV_PAGE_SIZE, pgd, NULL,
                                 NULL, NULL), GV_ERR_BAD_ADDRESS);
    /* chid out of range, unknown flags */
    CU_ASSERT_EQUAL(td_create_at(td, GV_MAX_CHANNELS, 0, desc, pgd, NULL,
                                 NULL, NULL), GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(td_create_at(td, 1, 0x80, desc, pgd, NULL, NULL, NULL),
                    GV_ERR_BAD_COMMAND);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
    CU_ASSERT_FALSE(pmm(desc) & PMM_MAPPED_BIT);
}

static void test_create_secure_and_quote(void)
{
    uint64_t desc, v;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_SECURE);
    desc = td->prot_next - GV_PGD_BYTES - GV_DESC_BYTES;
    v = pmm(desc);
    CU_ASSERT(v & PMM_MAPPED_BIT);
    CU_ASSERT(v & PMM_LOCKED_BIT);
    /* a stream: same UK_pub, same context, same CEK */
    {
        uint8_t cek1[GV_CEK_LEN];

        memcpy(cek1, sa.cek, sizeof(cek1));
        CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
        CU_ASSERT(memcmp(cek1, sa.cek, sizeof(cek1)) == 0);
        /* another runtime: another key */
        CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 3, &sb), GV_ERR_NONE);
        CU_ASSERT(memcmp(cek1, sb.cek, sizeof(cek1)) != 0);
    }
}

static void test_create_secure_bad_key(void)
{
    uint8_t bad[GV_EC_PUB_LEN] = { 0x04, 1, 2, 3 };
    uint8_t nonce[GV_NONCE_LEN] = { 0 };
    struct gv_quote q;
    uint64_t desc = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE);

    CU_ASSERT_EQUAL(td_create_at(td, 1, GV_CREATE_SECURE, desc,
                                 td_alloc_prot(td, GV_PGD_BYTES, 4096), bad,
                                 nonce, &q), GV_ERR_BAD_COMMAND);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
    CU_ASSERT_FALSE(pmm(desc) & PMM_MAPPED_BIT);
}

static void test_create_secure_without_ek(void)
{
    struct td *t = td_new(VRAM, UNPROT, PROT, false);
    struct gvrt_secure s = { 0 };

    CU_ASSERT_EQUAL(td_rd(t, GV_REG_ATTEST_STATUS), 0);
    CU_ASSERT_EQUAL(td_create_secure(t, 1, &s), GV_ERR_NO_ATTESTATION);
    CU_ASSERT_EQUAL(td_create_normal(t, 1, 1), GV_ERR_NONE);
    td_check(t);
    gvrt_secure_fini(&s);
    td_free(t);
}

/* ====================================================================== */
/* CH_PDE                                                                 */

static void test_pde_small_and_big(void)
{
    uint64_t small, big, junk = ~0ull, v;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    /* Attack 6: a new table is cleared. */
    small = td_alloc_prot(td, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE);
    gv_debug_write(td->dev, small + 64, &junk, 8);
    CU_ASSERT_EQUAL(td_pde(td, 1, 3, false, small), GV_ERR_NONE);
    gv_debug_read(td->dev, small + 64, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    big = td_table(td, 1, 3, true);
    CU_ASSERT(pmm(small) & PMM_LOCKED_BIT);
    CU_ASSERT(pmm(small + GV_PGT_SMALL_BYTES - 1) & PMM_MAPPED_BIT);
    CU_ASSERT(pmm(big) & PMM_MAPPED_BIT);
    td_check(td);
    /* index out of range, table in unprotected memory, misaligned */
    CU_ASSERT_EQUAL(td_pde(td, 1, GV_PGD_ENTRIES, false,
                           td_alloc_prot(td, GV_PGT_SMALL_BYTES, 4096)),
                    GV_ERR_RANGE);
    CU_ASSERT_EQUAL(td_pde(td, 1, 4, false, 0x40000), GV_ERR_NOT_PROTECTED);
    CU_ASSERT_EQUAL(td_pde(td, 1, 4, true, td->prot_next + 8),
                    GV_ERR_BAD_ADDRESS);
    /* a data page or another channel's PGD cannot become a table */
    CU_ASSERT_EQUAL(td_pde(td, 1, 5, true, small), GV_ERR_PAGE_IN_USE);
}

/* Attack 1 through CH_PDE: another context's table. */
static void test_pde_other_context_refused(void)
{
    uint64_t t;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sb), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 3, 3), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_OTHER_CONTEXT);
    CU_ASSERT_EQUAL(td_pde(td, 3, 0, false, t), GV_ERR_OTHER_CONTEXT);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t)), 1);
    /* a stream of the same context shares it */
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 4, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 4, 0, false, t), GV_ERR_NONE);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t)), 2);
    /* but not from its middle */
    CU_ASSERT_EQUAL(td_pde(td, 4, 1, false, t + GV_PAGE_SIZE),
                    GV_ERR_PAGE_IN_USE);
}

static void test_pde_replace_rules(void)
{
    uint64_t t, page, pte;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 7, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    /* A LOCKED table with valid entries cannot be removed/replaced. */
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, 0), GV_ERR_PAGE_LOCKED);
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false,
                           td_alloc_prot(td, GV_PGT_SMALL_BYTES, 4096)),
                    GV_ERR_PAGE_LOCKED);
    CU_ASSERT(pmm(page) & PMM_MAPPED_BIT);
    td_check(td);
    /* An empty one can. */
    {
        uint8_t mac[GV_TAG_LEN];
        uint64_t zero = 0;

        gvrt_mac_unmap(&sa, 1, va_of(0, 7, false), GV_PAGE_SIZE, mac);
        CU_ASSERT_EQUAL(td_pte(td, 1, 0, 7, 1, &zero, false, mac, NULL),
                        GV_ERR_NONE);
        CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, 0), GV_ERR_NONE);
        CU_ASSERT_EQUAL(pmm(t), 0);
    }
    /* A normal channel's table is unlocked: removing it unmaps. */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    t = td_table(td, 2, 0, false);
    page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, 0), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(page), 0);
    CU_ASSERT_EQUAL(pmm(t), 0);
}

/* ====================================================================== */
/* CH_PTE                                                                 */

static void test_pte_map_and_translate(void)
{
    uint64_t p[8], bigp, v;
    struct gv_pte_summary sum;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 2, false);
    td_table(td, 1, 2, true);
    for (int i = 0; i < 8; i++) {
        p[i] = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    CU_ASSERT_EQUAL(td_pte(td, 1, 2, 0, 8, p, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&sa, &sum, false) == 0);
    CU_ASSERT_EQUAL(sum.n, 8);
    CU_ASSERT_EQUAL(sum.k, 8);
    CU_ASSERT_EQUAL(sum.va, va_of(2, 0, false));
    CU_ASSERT(pmm(p[3] & ~1ull) & PMM_LOCKED_BIT);
    /* a fence through the page tables lands in the right page */
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, va_of(2, 5, false) + 16, 0xabcdef),
                    GV_ERR_NONE);
    gv_debug_read(td->dev, (p[5] & ~1ull) + 16, &v, 8);
    CU_ASSERT_EQUAL(v, 0xabcdef);
    /* big pages: 128 KiB aligned, tracked per 4 KiB page */
    bigp = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    v = bigp | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 2, 100, 1, &v, true, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&sa, &sum, false) == 0);
    CU_ASSERT(pmm(bigp) & PMM_MAPPED_BIT);
    CU_ASSERT(pmm(bigp + GV_BIG_PAGE_SIZE - 1) & PMM_MAPPED_BIT);
    CU_ASSERT(pmm(bigp + 4096) & (1ull << 10));    /* big bit */
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, va_of(2, 100, true) + 0x1f008, 7),
                    GV_ERR_NONE);
    gv_debug_read(td->dev, bigp + 0x1f008, &v, 8);
    CU_ASSERT_EQUAL(v, 7);
    /* an unmapped address faults */
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, va_of(3, 0, false), 1),
                    GV_ERR_FAULT);
    /* misaligned big page, reserved bits, range */
    v = (bigp + 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 2, 101, 1, &v, true, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
    v = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID | 0x10;
    CU_ASSERT_EQUAL(td_pte(td, 1, 2, 9, 1, &v, false, NULL, NULL),
                    GV_ERR_BAD_COMMAND);
    v &= ~0x10ull;
    CU_ASSERT_EQUAL(td_pte(td, 1, 2, GV_PGT_SMALL_ENTRIES, 1, &v, false,
                           NULL, NULL), GV_ERR_RANGE);
    CU_ASSERT_EQUAL(td_pte(td, 1, 3, 0, 1, &v, false, NULL, NULL),
                    GV_ERR_NO_TABLE);
}

static void test_pte_readonly(void)
{
    uint64_t pte;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    pte = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID | GV_PTE_READONLY;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 1), GV_ERR_FAULT);
}

static void test_pte_double_map_refused(void)
{
    uint64_t s, b;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    td_table(td, 1, 0, true);
    s = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    b = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) | GV_PTE_VALID;
    /* small page 33 lies in big page 1 */
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 33, 1, &s, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 1, 1, &b, true, NULL, NULL),
                    GV_ERR_DOUBLE_MAP);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 2, 1, &b, true, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 64, 1, &s, false, NULL, NULL),
                    GV_ERR_DOUBLE_MAP);
}

/* Attack 1: mapping a secure context's page into another context. */
static void test_pte_alias_refused(void)
{
    uint64_t page, big;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sb), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 3, 3), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    td_table(td, 2, 0, false);
    td_table(td, 3, 0, false);
    td_table(td, 3, 0, true);
    page = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    big = page | GV_PTE_VALID;
    page |= GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &page, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 0, 1, &page, false, NULL, NULL),
                    GV_ERR_OTHER_CONTEXT);
    CU_ASSERT_EQUAL(td_pte(td, 3, 0, 5, 1, &page, false, NULL, NULL),
                    GV_ERR_OTHER_CONTEXT);
    /* ... nor as part of a big page */
    CU_ASSERT_EQUAL(td_pte(td, 3, 0, 5, 1, &big, true, NULL, NULL),
                    GV_ERR_OTHER_CONTEXT);
    /* ... nor its page-table or descriptor pages as data */
    {
        uint64_t desc = UNPROT | GV_PTE_VALID;    /* chid 1's descriptor */

        CU_ASSERT_EQUAL(td_pte(td, 3, 0, 6, 1, &desc, false, NULL, NULL),
                        GV_ERR_OTHER_CONTEXT);
    }
    /* A stream of the same context may map it (refcnt 2). */
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 4, &sa), GV_ERR_NONE);
    td_table(td, 4, 0, false);
    CU_ASSERT_EQUAL(td_pte(td, 4, 0, 0, 1, &page, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(page & ~1ull)), 2);
    /* the same physical page twice in one command is refused */
    {
        uint64_t two[2];

        two[0] = two[1] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
        CU_ASSERT_EQUAL(td_pte(td, 4, 0, 10, 2, two, false, NULL, NULL),
                        GV_ERR_PAGE_IN_USE);
    }
}

/* Attack 4: a page table pointing into hidden memory. */
static void test_pte_hidden_refused(void)
{
    uint64_t h = (UNPROT + PROT) | GV_PTE_VALID;
    uint64_t hb = (UNPROT + PROT) | GV_PTE_VALID;
    uint64_t out = VRAM | GV_PTE_VALID;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    td_table(td, 1, 1, true);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &h, false, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_pte(td, 1, 1, 0, 1, &hb, true, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &out, false, NULL, NULL),
                    GV_ERR_BAD_ADDRESS);
}

/* Attack 9 is the runtime's: an unprotected page shows as n < k. */
static void test_pte_summary_counts_unprotected(void)
{
    uint64_t p[3];
    struct gv_pte_summary sum;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    p[0] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    p[1] = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;
    p[2] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 3, p, false, NULL, &sum),
                    GV_ERR_NONE);
    /* the runtime's check for "secure" memory refuses n < k */
    CU_ASSERT_EQUAL(gvrt_summary_accept(&sa, &sum, true), -EBADMSG);
    CU_ASSERT_EQUAL(sum.k, 3);
    CU_ASSERT_EQUAL(sum.n, 2);
    {
        uint8_t h[GV_HASH_LEN];
        uint64_t addrs[2] = { p[0] & ~1ull, p[2] & ~1ull };

        gvc_sha256(addrs, sizeof(addrs), h);
        CU_ASSERT(memcmp(h, sum.hash, GV_HASH_LEN) == 0);
    }
    /* Attack 8: a forged or replayed summary fails the runtime's check. */
    sum.n = 3;
    CU_ASSERT_FALSE(gvrt_summary_accept(&sa, &sum, false) == 0);
    sum.n = 2;
    /* the counter was already used */
    CU_ASSERT_FALSE(gvrt_summary_accept(&sa, &sum, false) == 0);
}

/* Attack 2: unmapping a LOCKED page without, or with a replayed, MAC. */
static void test_pte_unmap_needs_mac(void)
{
    uint64_t page, zero = 0, pte;
    uint8_t mac[GV_TAG_LEN], old[GV_TAG_LEN];

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, 4096, 4096);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    /* no MAC */
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &zero, false, NULL, NULL),
                    GV_ERR_PAGE_LOCKED);
    /* a MAC for another range */
    gvrt_mac_unmap(&sa, 1, va_of(0, 5, false), GV_PAGE_SIZE, mac);
    sa.auth_counter[1]--;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &zero, false, mac, NULL),
                    GV_ERR_PAGE_LOCKED);
    /* remapping the slot elsewhere is an unmap too */
    {
        uint64_t other = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;

        CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &other, false, NULL, NULL),
                        GV_ERR_PAGE_LOCKED);
    }
    CU_ASSERT(pmm(page) & PMM_MAPPED_BIT);
    td_check(td);
    /* the right MAC */
    gvrt_mac_unmap(&sa, 1, va_of(0, 4, false), GV_PAGE_SIZE, mac);
    memcpy(old, mac, sizeof(mac));
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &zero, false, mac, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(page), 0);
    td_check(td);
    /* map again; the old MAC replayed is refused (counter moved on) */
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 4, 1, &zero, false, old, NULL),
                    GV_ERR_PAGE_LOCKED);
    CU_ASSERT(pmm(page) & PMM_MAPPED_BIT);
}

/* ====================================================================== */
/* CH_DESTROY                                                             */

/* Attack 10: after an unauthorised destroy the next owner sees zeros. */
static void test_destroy_unauthorised_scrubs(void)
{
    uint64_t page, pte, v;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, 4096, 4096);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 8, 0x5ec2e7), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(pmm(page), 0);
    gv_debug_read(td->dev, page + 8, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    td_check(td);
    /* another context maps the page and reads it through a fence-less
     * path: the bytes are gone. */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    gv_debug_read(td->dev, page + 8, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
    /* the channel id is free again */
    CU_ASSERT_EQUAL(td_create_secure(td, 1, &sb), GV_ERR_NONE);
}

static void test_destroy_authorised(void)
{
    uint64_t page, pte;
    uint8_t mac[GV_TAG_LEN];

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, 4096, 4096);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    /* a bad MAC is refused and leaves the channel */
    memset(mac, 0x42, sizeof(mac));
    CU_ASSERT_EQUAL(td_destroy(td, 1, mac), GV_ERR_MAC);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)) &
                    GV_CHAN_TYPE_MASK, GV_CHAN_TYPE_SECURE);
    gvrt_mac_destroy(&sa, 1, mac);
    CU_ASSERT_EQUAL(td_destroy(td, 1, mac), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(page), 0);
    /* a normal channel has no key to authorise with */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_destroy(td, 2, mac), GV_ERR_NOT_SECURE);
    CU_ASSERT_EQUAL(td_destroy(td, 2, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_destroy(td, 2, NULL), GV_ERR_BAD_CHANNEL);
}

static void test_destroy_one_stream_keeps_the_other(void)
{
    uint64_t t, page, pte, v;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_NONE);
    page = td_alloc_prot(td, 4096, 4096);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    td_check(td);
    /* stream 2 still reaches the page, still under the context's key */
    CU_ASSERT_EQUAL(td_fence(td, &sa, 2, 0, 99), GV_ERR_NONE);
    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 99);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t)), 1);
    CU_ASSERT(pmm(page) & PMM_MAPPED_BIT);
    /* and a new stream with the same key joins the same context */
    CU_ASSERT_EQUAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, t), GV_ERR_NONE);
}

/* ====================================================================== */
/* CH_MEASURE                                                             */

static void test_measure(void)
{
    uint64_t p[2];
    struct gv_measurement m;
    struct gv_pte_summary sum;
    uint8_t data[2 * GV_PAGE_SIZE], h[GV_HASH_LEN];

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    p[0] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    p[1] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 2, p, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&sa, &sum, true) == 0);
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7 + 1);
    }
    gv_debug_write(td->dev, p[0] & ~1ull, data, GV_PAGE_SIZE);
    gv_debug_write(td->dev, p[1] & ~1ull, data + GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(td_measure(td, 1, 100, sizeof(data) - 200, &m),
                    GV_ERR_NONE);
    /* keyed: not the plain SHA-256 of the bytes (attack 14) */
    gvc_sha256(data + 100, sizeof(data) - 200, h);
    CU_ASSERT(memcmp(h, m.digest, GV_HASH_LEN) != 0);
    /* contents the runtime does not expect: refused (the report is used) */
    data[500] ^= 1;
    CU_ASSERT_FALSE(gvrt_measurement_accept(&sa, 1, &m, 100, data + 100,
                                            sizeof(data) - 200) == 0);
    data[500] ^= 1;
    CU_ASSERT_EQUAL(td_measure(td, 1, 100, sizeof(data) - 200, &m),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_measurement_accept(&sa, 1, &m, 100, data + 100,
                                      sizeof(data) - 200) == 0);
    /* replayed */
    CU_ASSERT_FALSE(gvrt_measurement_accept(&sa, 1, &m, 100, data + 100,
                                            sizeof(data) - 200) == 0);
    /* forged: digest changed */
    CU_ASSERT_EQUAL(td_measure(td, 1, 100, sizeof(data) - 200, &m),
                    GV_ERR_NONE);
    m.digest[0] ^= 1;
    CU_ASSERT_FALSE(gvrt_measurement_accept(&sa, 1, &m, 100, data + 100,
                                            sizeof(data) - 200) == 0);
    /* unmapped range, normal channel */
    CU_ASSERT_EQUAL(td_measure(td, 1, 2 * GV_PAGE_SIZE, 8, &m), GV_ERR_FAULT);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_measure(td, 2, 0, 8, &m), GV_ERR_NOT_SECURE);
}

/* Attack 14, the measurement oracle (the bug: CH_MEASURE returned a plain
 * SHA-256, so a driver measured one byte of a secret at a time and matched
 * it against the 256 candidates).  The attacker measures each byte of a
 * victim's 8-byte secret and tries every guess, with and without the
 * surrounding record: nothing matches, so nothing is learnt. */
static void test_attack14_measure_oracle(void)
{
    static const uint8_t secret[8] = { 0x5e, 0xc4, 0x37, 0x00, 0xff, 0x91,
                                       0x2a, 0x68 };
    uint64_t p = td_alloc_prot(td, 4096, 4096);
    uint64_t pte = p | GV_PTE_VALID;
    static const uint8_t zero_key[32];
    struct gv_measurement m, m2;
    int found = 0;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    gv_debug_write(td->dev, p, secret, sizeof(secret));
    for (unsigned i = 0; i < sizeof(secret); i++) {
        CU_ASSERT_EQUAL_FATAL(td_measure(td, 1, i, 1, &m), GV_ERR_NONE);
        for (unsigned g = 0; g < 256; g++) {
            uint8_t b = (uint8_t)g, h[GV_HASH_LEN];

            gvc_sha256(&b, 1, h);
            found += memcmp(h, m.digest, GV_HASH_LEN) == 0;
            gvc_hmac_sha256(sa.cek, sizeof(sa.cek), &b, 1, h);
            found += memcmp(h, m.digest, GV_HASH_LEN) == 0;
            gvc_hmac_sha256(zero_key, sizeof(zero_key), &b, 1, h);
            found += memcmp(h, m.digest, GV_HASH_LEN) == 0;
        }
    }
    CU_ASSERT_EQUAL(found, 0);
    /* Equal bytes give equal digests only under one channel's key: the
     * digest of the same byte does not repeat in the next incarnation of
     * the channel (the context lives on in stream 2). */
    CU_ASSERT_EQUAL(td_measure(td, 1, 0, 1, &m), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    p = td_alloc_prot(td, 4096, 4096);
    pte = p | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    gv_debug_write(td->dev, p, secret, sizeof(secret));
    CU_ASSERT_EQUAL(td_measure(td, 1, 0, 1, &m2), GV_ERR_NONE);
    CU_ASSERT(memcmp(m.digest, m2.digest, GV_HASH_LEN) != 0);
    td_check(td);
}

/* ====================================================================== */
/* Command-group authentication (attack 7)                                */

static void test_auth_groups(void)
{
    uint64_t page, pte, v;
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = 0 };
    uint8_t g0[64], g1[64], g2[64];
    uint32_t n0, n1, n2;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, 4096, 4096);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);

    f.value = 1;
    n0 = gvrt_seal_group_at(&sa, 1, 0, &f, sizeof(f), g0);
    f.value = 2;
    n1 = gvrt_seal_group_at(&sa, 1, 1, &f, sizeof(f), g1);
    f.value = 3;
    n2 = gvrt_seal_group_at(&sa, 1, 2, &f, sizeof(f), g2);

    /* reordered: group 1 before group 0 */
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g1, n1, 0), GV_ERR_AUTH);
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g0, n0, 0), GV_ERR_NONE);
    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 1);
    /* replayed */
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g0, n0, 0), GV_ERR_AUTH);
    /* dropped: group 2 without group 1 */
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g2, n2, 0), GV_ERR_AUTH);
    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 1);
    /* tampered ciphertext, tag, header */
    g1[20] ^= 1;
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g1, n1, 0), GV_ERR_AUTH);
    g1[20] ^= 1;
    g1[n1 - 1] ^= 0x80;
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g1, n1, 0), GV_ERR_AUTH);
    g1[n1 - 1] ^= 0x80;
    /* a group of channel 1 replayed on a stream of the same context whose
     * counter matches: the channel id in the AAD stops it */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(2, GV_CHAN_COUNTER_LO)), 0);
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, g0, n0, 0), GV_ERR_AUTH);
    /* a plaintext group on a secure channel */
    CU_ASSERT_EQUAL(td_submit(td, 1, &f, sizeof(f)), GV_ERR_AUTH);
    /* the genuine next group still goes through */
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g1, n1, 0), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g2, n2, 0), GV_ERR_NONE);
    gv_debug_read(td->dev, page, &v, 8);
    CU_ASSERT_EQUAL(v, 3);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_COUNTER_LO)), 3);
}

/* Attack 13 in the core: a channel cannot reach another context's page
 * even if its table entry pointed there. */
static void test_engine_access_confined(void)
{
    uint64_t pa, pte, v = 0;

    uint64_t t2;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    t2 = td_table(td, 2, 0, false);
    pa = td_alloc_prot(td, 4096, 4096);
    pte = pa | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 0, 0x1234), GV_ERR_NONE);
    /* the unprotected page of channel 2 works; a forged entry (written
     * behind the command processor's back) is stopped by the MMU */
    {
        uint64_t u = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;

        CU_ASSERT_EQUAL(td_pte(td, 2, 0, 1, 1, &u, false, NULL, NULL),
                        GV_ERR_NONE);
        CU_ASSERT_EQUAL(td_fence(td, NULL, 2, GV_PAGE_SIZE, 5), GV_ERR_NONE);
        gv_debug_write(td->dev, t2, &pte, 8);
        CU_ASSERT_EQUAL(td_fence(td, NULL, 2, 0, 0xbad), GV_ERR_FAULT);
        gv_debug_read(td->dev, pa, &v, 8);
        CU_ASSERT_EQUAL(v, 0x1234);
        v = 0;
        gv_debug_write(td->dev, t2, &v, 8);   /* undo the forgery */
    }
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test regions[] = {
        { "lock rules", test_region_lock_rules },
        { "hidden memory accounted", test_hidden_memory_accounted },
        { "aperture refuses protected (attack 3)",
          test_aperture_refuses_protected },
        { "aperture misses hidden (attack 4)", test_aperture_misses_hidden },
        { "reset scrubs and rekeys (attack 12)", test_reset_scrubs },
        { NULL, NULL },
    };
    static const struct gv_cunit_test bootstrap[] = {
        { "descriptor must be unprotected (attack 5)",
          test_bootstrap_needs_unprotected_descriptor },
        { "refused before lock", test_bootstrap_before_lock_refused },
        { "no engine commands (attack 5)",
          test_bootstrap_refuses_engine_commands },
        { "CH_* only on bootstrap, for others", test_mgmt_only_on_bootstrap },
        { "malformed groups and commands", test_malformed_groups_and_commands },
        { "groups from unprotected VRAM", test_group_from_vram },
        { NULL, NULL },
    };
    static const struct gv_cunit_test create[] = {
        { "normal channel, PGD cleared (attack 6)", test_create_normal },
        { "address checks", test_create_address_checks },
        { "secure channel, quote, streams", test_create_secure_and_quote },
        { "bad UK_pub", test_create_secure_bad_key },
        { "no EK", test_create_secure_without_ek },
        { NULL, NULL },
    };
    static const struct gv_cunit_test pde[] = {
        { "small and big tables, cleared (attack 6)", test_pde_small_and_big },
        { "other context's table (attack 1)", test_pde_other_context_refused },
        { "replace rules", test_pde_replace_rules },
        { NULL, NULL },
    };
    static const struct gv_cunit_test pte[] = {
        { "map and translate", test_pte_map_and_translate },
        { "read-only pages", test_pte_readonly },
        { "same VA twice (small/big)", test_pte_double_map_refused },
        { "aliasing (attack 1)", test_pte_alias_refused },
        { "hidden memory (attack 4)", test_pte_hidden_refused },
        { "summary n < k (attacks 8, 9)", test_pte_summary_counts_unprotected },
        { "unmap needs the MAC (attack 2)", test_pte_unmap_needs_mac },
        { NULL, NULL },
    };
    static const struct gv_cunit_test destroy[] = {
        { "unauthorised scrubs (attack 10)", test_destroy_unauthorised_scrubs },
        { "authorised", test_destroy_authorised },
        { "streams survive", test_destroy_one_stream_keeps_the_other },
        { NULL, NULL },
    };
    static const struct gv_cunit_test measure[] = {
        { "measure", test_measure },
        { "keyed: not a byte oracle (attack 14)",
          test_attack14_measure_oracle },
        { NULL, NULL },
    };
    static const struct gv_cunit_test auth[] = {
        { "replay, drop, reorder, tamper (attack 7)", test_auth_groups },
        { "engine access confined (attack 13)", test_engine_access_confined },
        { NULL, NULL },
    };

    return gv_add_suite("regions", setup, teardown, regions) ||
           gv_add_suite("bootstrap", setup, teardown, bootstrap) ||
           gv_add_suite("ch_create", setup, teardown, create) ||
           gv_add_suite("ch_pde", setup, teardown, pde) ||
           gv_add_suite("ch_pte", setup, teardown, pte) ||
           gv_add_suite("ch_destroy", setup, teardown, destroy) ||
           gv_add_suite("ch_measure", setup, teardown, measure) ||
           gv_add_suite("auth", setup, teardown, auth);
}
