/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: the secure command processor through the real QEMU device: MMIO
 * to BAR0 and BAR2, rings and command groups read by DMA from guest RAM,
 * results written back by DMA.  The test is both the (untrusted) driver
 * and the (trusted) runtime: it locks the regions, sees the BAR refuse
 * protected memory, creates a secure channel from a bootstrap channel,
 * checks the quote, maps pages, runs an encrypted command group and sees
 * a replayed one refused.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "gv_crypto.h"
#include "graviton/gv_keys.h"
#include "qtest_client.h"

#define DEV         4
#define BAR0        0xc0000000ull
#define BAR2        0x100000000ull
#define VRAM        (64ull << 20)
#define UNPROT      (8ull << 20)
#define PROT        (48ull << 20)
#define RING(chid)  (0x200000ull + (chid) * 0x1000)
#define GROUP       0x210000ull
#define RESULT      0x300000ull

static struct qt *qt;
static char dir[64];
static uint32_t put[GV_MAX_CHANNELS];

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0 + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0 + reg, 4, val);
}

static void setup(void)
{
    char args[512], cmd[512];

    snprintf(dir, sizeof(dir), "/tmp/gvqt-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd), "'%s' manufacturer %s >/dev/null && "
             "'%s' device %s gpu0 >/dev/null", getenv("GV_PROVISION"), dir,
             getenv("GV_PROVISION"), dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    snprintf(args, sizeof(args), "-m 256M -device graviton-gpu,addr=%02x.0,"
             "vram-size=64M,ek=%s/gpu0-ek.pem", DEV, dir);
    qt = qt_start(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qt);
    qt_place_bars(qt, DEV, (uint32_t)BAR0, BAR2);
    memset(put, 0, sizeof(put));
}

static void teardown(void)
{
    char cmd[128];

    CU_ASSERT_FALSE(qt->broken);
    qt_quit(qt);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void lock_regions(void)
{
    wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    wr(GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
}

static void ring_setup(unsigned chid)
{
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_LO), (uint32_t)RING(chid));
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_HI), 0);
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES), 64);
}

/* Put a group in guest RAM, an entry in the ring, ring the doorbell;
 * return the error code it caused (0: none). */
static uint32_t submit_raw(unsigned chid, const void *g, uint32_t len)
{
    struct gv_gpfifo_entry e = { .addr = GROUP, .len = len };
    uint32_t before = rd(GV_REG_ERROR_COUNT);

    /* as the driver: a failure seen already is acknowledged, or the
     * stopped channel would not run this entry */
    if (rd(GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR) {
        wr(GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    }
    qt_memwrite(qt, GROUP, g, len);
    qt_memwrite(qt, RING(chid) + put[chid] * sizeof(e), &e, sizeof(e));
    put[chid] = (put[chid] + 1) % 64;
    wr(GV_REG_CHAN(chid, GV_CHAN_PUT), put[chid]);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(chid, GV_CHAN_GET)), put[chid]);
    return rd(GV_REG_ERROR_COUNT) == before ? 0 : rd(GV_REG_ERROR_CODE);
}

static uint32_t submit(unsigned chid, const void *cmds, uint32_t len)
{
    uint8_t g[1024];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };

    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    return submit_raw(chid, g, sizeof(h) + len);
}

static void read_bytes(uint32_t reg, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = rd(reg + i);

        memcpy(out + i, &v, n - i < 4 ? n - i : 4);
    }
}

static void test_regions_over_mmio(void)
{
    uint64_t prot_off = UNPROT + 0x5000;

    /* Before the lock the aperture reaches everything. */
    qt_write(qt, BAR2 + prot_off, 8, 0x1122334455667788ull);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + prot_off, 8), 0x1122334455667788ull);
    lock_regions();
    CU_ASSERT_EQUAL(rd(GV_REG_REGION_LOCK), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_HIDDEN_SIZE_LO), VRAM - UNPROT - PROT);
    /* Locking scrubbed it; now the BAR refuses protected memory. */
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + prot_off, 8), ~0ull);
    qt_write(qt, BAR2 + prot_off, 4, 0);
    CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 2);
    /* hidden memory is not there at all */
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + UNPROT + PROT, 8), 0);
    /* unprotected memory is */
    qt_write(qt, BAR2 + 0x1000, 4, 0xabcd1234);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + 0x1000, 4), 0xabcd1234);
    /* sizes are frozen */
    wr(GV_REG_PROT_SIZE_LO, 4096);
    CU_ASSERT_EQUAL(rd(GV_REG_PROT_SIZE_LO), PROT);
}

/*
 * The unprotected window: lock, reset and lock again, with a different
 * unprotected size each time, reading and writing through the aperture
 * all along.  Locked: [0, U) is read/write (guest RAM speed, the window),
 * [U, U + P) reads all ones and drops writes, each counted in
 * PROT_ACCESS_COUNT, hidden memory reads 0 and drops writes uncounted.
 * Unlocked (after a reset): the whole aperture is read/write again, and
 * unprotected memory kept what was written through the window.
 */
static void test_window_lock_reset_relock(void)
{
    static const uint64_t unprot[] = { 8ull << 20, 2ull << 20, 16ull << 20,
                                       128ull << 10, 8ull << 20 };
    uint64_t prot = 32ull << 20;

    for (unsigned r = 0; r < sizeof(unprot) / sizeof(unprot[0]); r++) {
        uint64_t u = unprot[r], tag = 0x5a5a000000000000ull | r << 8;

        /* unlocked: everything reachable, even what will be protected */
        qt_write(qt, BAR2 + u, 8, tag | 1);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u, 8), tag | 1);
        wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)u);
        wr(GV_REG_PROT_SIZE_LO, (uint32_t)prot);
        wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
        CU_ASSERT_EQUAL_FATAL(rd(GV_REG_REGION_LOCK), 1);

        /* unprotected, both ends and between */
        for (uint64_t off = 0; off < u; off += u / 8) {
            qt_write(qt, BAR2 + off, 8, tag | off);
            CU_ASSERT_EQUAL(qt_read(qt, BAR2 + off, 8), tag | off);
        }
        qt_write(qt, BAR2 + u - 8, 8, tag | 2);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u - 8, 8), tag | 2);
        qt_write(qt, BAR2 + u - 1, 1, 0x77);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u - 1, 1), 0x77);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 0);

        /* protected: scrubbed at the lock, refused, counted */
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u, 8), ~0ull);
        qt_write(qt, BAR2 + u, 8, tag | 3);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u + prot - 4, 4), 0xffffffffu);
        qt_write(qt, BAR2 + u + prot - 1, 1, 0x11);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 4);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u, 4), 0xffffffffu);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 5);

        /* hidden: absent */
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u + prot, 8), 0);
        qt_write(qt, BAR2 + u + prot, 8, tag | 4);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u + prot, 8), 0);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 5);

        /* reset: unlocked, counters back to 0, unprotected memory kept,
         * protected memory scrubbed */
        wr(GV_REG_RESET, GV_RESET_MAGIC);
        CU_ASSERT_EQUAL_FATAL(rd(GV_REG_REGION_LOCK), 0);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 0);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u - 8, 8),
                        ((tag | 2) & ~(0xffull << 56)) | 0x77ull << 56);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2, 8), tag);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u, 8), 0);
        qt_write(qt, BAR2 + u + 8, 8, tag | 5);
        CU_ASSERT_EQUAL(qt_read(qt, BAR2 + u + 8, 8), tag | 5);
        CU_ASSERT_EQUAL(rd(GV_REG_PROT_ACCESS_COUNT), 0);
    }
}

static void test_secure_channel_over_dma(void)
{
    uint64_t desc = UNPROT, pgd = UNPROT + 0x1000;
    uint64_t pgt = pgd + GV_PGD_BYTES, fence_pa = 0x40000;
    struct gvc_key *uk = NULL, *ak = NULL;
    uint8_t uk_pub[GV_EC_PUB_LEN], ak_pub[GV_EC_PUB_LEN], cek[GV_CEK_LEN];
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) }, .chid = 1,
        .flags = GV_CREATE_SECURE, .desc_addr = desc, .pgd_addr = pgd,
        .result_addr = RESULT,
    };
    struct gv_cmd_ch_pde pde = {
        .hdr = { GV_OP_CH_PDE, sizeof(pde) }, .chid = 1, .pgt_addr = pgt,
    };
    uint8_t pte_cmd[sizeof(struct gv_cmd_ch_pte) + 16];
    struct gv_cmd_ch_pte *pte = (struct gv_cmd_ch_pte *)pte_cmd;
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                              .va = GV_PAGE_SIZE, .value = 0x600d600d };
    struct gv_quote q;
    struct gv_pte_summary sum;
    uint8_t g[256], iv[12], aad[20], tag[16];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                              .flags = GV_GROUP_ENCRYPTED,
                              .payload_len = sizeof(f) };
    uint64_t counter = 0;
    uint32_t c32 = 1, dom;

    lock_regions();
    /* bootstrap channel 0: descriptor in unprotected memory */
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_LO), 0x10000);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(0, GV_CHAN_STATUS)),
                    GV_CHAN_TYPE_BOOTSTRAP);
    ring_setup(0);

    /* CH_CREATE (secure): the quote arrives in guest RAM by DMA */
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&uk), GVC_OK);
    gvc_key_pub(uk, uk_pub);
    memcpy(c.uk_pub, uk_pub, sizeof(uk_pub));
    gvc_random(c.nonce, sizeof(c.nonce));
    CU_ASSERT_EQUAL_FATAL(submit(0, &c, sizeof(c)), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)), GV_CHAN_TYPE_SECURE);
    qt_memread(qt, RESULT, &q, sizeof(q));
    read_bytes(GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&ak, ak_pub), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(ak, &q, offsetof(struct gv_quote, sig),
                               q.sig), GVC_OK);
    CU_ASSERT(memcmp(q.nonce, c.nonce, GV_NONCE_LEN) == 0);
    CU_ASSERT_EQUAL_FATAL(gvc_unwrap(uk, q.wrapped_cek,
                                     sizeof(q.wrapped_cek), cek,
                                     sizeof(cek)), GVC_OK);
    /* every key use is under the channel key of this incarnation */
    CU_ASSERT(q.incarnation != 0);
    CU_ASSERT_EQUAL_FATAL(gv_derive_key(cek, GV_KDF_CHAN, 1, q.incarnation,
                                        cek), GVC_OK);

    /* CH_PDE, CH_PTE: page 0 protected, page 1 unprotected (fence) */
    CU_ASSERT_EQUAL(submit(0, &pde, sizeof(pde)), 0);
    memset(pte_cmd, 0, sizeof(pte_cmd));
    pte->hdr = (struct gv_cmd_hdr){ GV_OP_CH_PTE, sizeof(pte_cmd) };
    pte->chid = 1;
    pte->count = 2;
    pte->result_addr = RESULT;
    pte->pte[0] = (pgt + GV_PGT_SMALL_BYTES) | GV_PTE_VALID;
    pte->pte[1] = fence_pa | GV_PTE_VALID;
    CU_ASSERT_EQUAL(submit(0, pte_cmd, sizeof(pte_cmd)), 0);
    qt_memread(qt, RESULT, &sum, sizeof(sum));
    CU_ASSERT_EQUAL(sum.n, 1);
    CU_ASSERT_EQUAL(sum.k, 2);
    dom = GV_IV_DOMAIN_SUMM;
    memcpy(iv, &dom, 4);
    memcpy(iv + 4, &sum.counter, 8);
    CU_ASSERT_EQUAL(gvc_gcm_open(cek, iv, &sum,
                                 offsetof(struct gv_pte_summary, mac), NULL,
                                 0, NULL, sum.mac), GVC_OK);

    /* an encrypted group on the secure channel writes the fence */
    ring_setup(1);
    dom = GV_IV_DOMAIN_CMDG;
    memcpy(iv, &dom, 4);
    memcpy(iv + 4, &counter, 8);
    memcpy(aad, &h, sizeof(h));
    memcpy(aad + sizeof(h), &c32, 4);
    memcpy(g, &h, sizeof(h));
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(cek, iv, aad, sizeof(aad), &f,
                                       sizeof(f), g + sizeof(h), tag),
                          GVC_OK);
    memcpy(g + sizeof(h) + sizeof(f), tag, sizeof(tag));
    CU_ASSERT_EQUAL(submit_raw(1, g, sizeof(h) + sizeof(f) + 16), 0);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + fence_pa, 8), 0x600d600d);

    /* the same group replayed: refused, nothing written */
    qt_write(qt, BAR2 + fence_pa, 8, 0);
    CU_ASSERT_EQUAL(submit_raw(1, g, sizeof(h) + sizeof(f) + 16),
                    GV_ERR_AUTH);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CHID), 1);
    CU_ASSERT(rd(GV_REG_CHAN(1, GV_CHAN_STATUS)) & GV_CHAN_STATUS_ERROR);
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + fence_pa, 8), 0);

    /* the protected page stays out of the BAR's reach */
    CU_ASSERT_EQUAL(qt_read(qt, BAR2 + pgt + GV_PGT_SMALL_BYTES, 8), ~0ull);
    gvc_key_free(uk);
    gvc_key_free(ak);
}

static void test_dma_at_own_bar_refused(void)
{
    struct gv_gpfifo_entry e = { .addr = BAR0, .len = 24 };

    lock_regions();
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_LO), 0x10000);
    wr(GV_REG_CHAN(0, GV_CHAN_DESC_HI), 0);
    /* a ring aimed at the device's own registers, then a group there */
    wr(GV_REG_CHAN(0, GV_CHAN_RING_LO), (uint32_t)BAR0);
    wr(GV_REG_CHAN(0, GV_CHAN_RING_ENTRIES), 64);
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FETCH);
    ring_setup(0);
    qt_memwrite(qt, RING(0) + 16, &e, sizeof(e));
    wr(GV_REG_CHAN(0, GV_CHAN_PUT), 2);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_FETCH);
    CU_ASSERT_EQUAL(rd(GV_REG_ID), GV_ID_MAGIC);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "regions over MMIO", test_regions_over_mmio },
        { "unprotected window: lock, reset, relock",
          test_window_lock_reset_relock },
        { "secure channel over DMA, replay refused",
          test_secure_channel_over_dma },
        { "DMA at the device's own BAR refused", test_dma_at_own_bar_refused },
        { NULL, NULL },
    };

    return gv_add_suite("command-processor", setup, teardown, t);
}
