/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 12: a device reset used to read protected memory afterwards.
 *
 * With the victim's secret in secure memory, the attacker writes the
 * reset magic to BAR0.  The regions are unlocked afterwards, so the BAR2
 * aperture reaches all of device memory again: the attacker reads the
 * secret's pages, their page table, the channel's descriptor and PGD,
 * the former hidden memory (where SHA-256 of the victim's UK_pub was) and
 * the first MiBs of the former protected region.  All must be zero, the
 * attestation key must be a new one, and the victim must fail safe (its
 * next secure copy is refused, never answered with data).  Then the
 * honest driver is reloaded and a new victim works.
 */
#include "gv_crypto.h"

#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)

static bool zero(struct gva *a, uint64_t off, size_t len, const uint8_t *s,
                 const uint8_t *hash)
{
    uint8_t *b = malloc(len);
    bool z = b != NULL;

    if (b) {
        gva_bar2_read(a, off, b, len);
        for (size_t i = 0; i < len; i++) {
            z &= b[i] == 0;
        }
        z &= !gva_scan(b, len, s, GVV_SECRET_LEN) && !memmem(b, len, hash, 8);
    }
    free(b);
    return z;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan probe;
    struct atk_pages p;
    struct gva_drv_state ds;
    uint8_t ak0[68], ak1[68], hash[GV_HASH_LEN];
    uint64_t hb, vram, scan;
    bool z;
    int r;

    printf("attack 12: device reset, then read what was protected\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &probe, 0, 0);
    ACCEPTED(r, "attacker: a probe channel");
    r = atk_find_secret(&a, &v, &probe, PROBE_VA, 8192, &p);
    CHECK(r == 0, "the victim's secret: %u pages at 0x%llx (%d)", p.ndata,
          (unsigned long long)p.data[0], r);
    gvc_sha256(v.info.uk_pub, GV_EC_PUB_LEN, hash);
    gva_drv_state(&ds);
    hb = a.hidden_base;
    vram = a.vram_size;
    scan = atk_prot_used_end(&a) - a.unprot;
    for (unsigned i = 0; i < sizeof(ak0); i += 4) {
        *(uint32_t *)(ak0 + i) = gva_rd(&a, GV_REG_AK_PUB + i);
    }

    gva_wr(&a, GV_REG_RESET, GV_RESET_MAGIC);
    CHECK(gva_rd(&a, GV_REG_REGION_LOCK) == 0 &&
          (gva_chan_rd(&a, v.info.chid[0], GV_CHAN_STATUS) &
           GV_CHAN_TYPE_MASK) == GV_CHAN_TYPE_FREE,
          "reset by the attacker: regions unlocked, the victim's channel "
          "gone");
    z = true;
    for (unsigned i = 0; i < p.ndata; i++) {
        z &= zero(&a, p.data[i], GV_PAGE_SIZE, v.info.secret, hash);
    }
    CHECK(z, "BAR2 (now reaching everything): the secret's pages read as "
          "zeros");
    z = !p.table || zero(&a, p.table, GV_PGT_SMALL_BYTES, v.info.secret,
                         hash);
    for (unsigned i = 0; i < ds.nchans; i++) {
        z &= zero(&a, ds.chan[i].desc, GV_DESC_BYTES, v.info.secret, hash) &&
             zero(&a, ds.chan[i].pgd, GV_PGD_BYTES, v.info.secret, hash);
    }
    CHECK(z, "its page table, descriptor and PGD: zeros");
    CHECK(zero(&a, hb, vram - hb, v.info.secret, hash),
          "the former hidden memory (%llu KiB): zeros, no SHA-256 of the "
          "victim's UK_pub", (unsigned long long)((vram - hb) >> 10));
    CHECK(zero(&a, a.unprot, scan, v.info.secret, hash),
          "the first %llu KiB of the former protected region: zeros",
          (unsigned long long)(scan >> 10));
    for (unsigned i = 0; i < sizeof(ak1); i += 4) {
        *(uint32_t *)(ak1 + i) = gva_rd(&a, GV_REG_AK_PUB + i);
    }
    CHECK(memcmp(ak0, ak1, GV_EC_PUB_LEN) != 0, "a new attestation key: "
          "old quotes verify under none the device will use");
    CHECK(!gva_scan_regs(&a, v.info.secret, GVV_SECRET_LEN),
          "the registers hold nothing of the secret");

    r = gvv_cmd(&v, GVV_CHECK, 0, 0, NULL, 0, NULL);
    CHECK(r != 0, "the victim fails safe: its next secure copy-out is "
          "refused (%d), no data", r);
    /* The driver cannot destroy the victim's channels on a reset device:
     * it keeps their memory aside and gives it back at unload (before,
     * gen_pool_destroy() BUG()ed on it and the kernel panicked). */
    CHECK(gvv_stop(&v) == 0, "victim exited (its channels could not be "
          "destroyed on the reset device)");
    gva_close(&a);
    r = atk_reload_driver();
    CHECK(r == 0, "the honest driver unloaded without a BUG and reloaded "
          "(reset, regions locked again)");
    r = gvv_start(&v, 1, 4096);
    ACCEPTED(r, "a new victim: secure context and secret");
    if (r == 0) {
        atk_victim_ok(&v, 0, "the new victim");
        CHECK(gvv_stop(&v) == 0, "new victim exited");
    }
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}
