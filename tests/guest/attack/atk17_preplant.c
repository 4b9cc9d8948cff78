/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 17: pre-planting.  State written through the BAR before the
 * regions are locked, in memory that becomes protected or hidden.
 *
 * Until the lock the aperture reaches all of device memory, so the driver
 * can write what it likes where protected pages and the PMM will be.  The
 * attacker resets the device (the honest driver loses it), writes a
 * marker over the first MiB of what will be protected memory and all
 * ones over what will be hidden memory (a PMM whose every page is
 * MAPPED, LOCKED, owned by context 255; contexts "in use"), locks the
 * regions with the driver's sizes, and then checks from an engine's view:
 * channels built on those pages are accepted (the PMM was cleared), and
 * the planted pages copied out through the attacker's own channel are
 * zeros (protected memory was scrubbed at the lock).  Then the honest
 * driver is reloaded and a victim works.
 */
#include "atk.h"

#define MARK 0x544e414c50455250ull      /* "PREPLANT" */
#define READ_VA (2ull << GV_PDE_SHIFT)

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan ch;
    uint64_t u, p, vram, m = MARK, ones = ~0ull, back, *out;
    bool z = true;
    int r;

    printf("attack 17: state planted before the regions are locked\n");
    r = gva_open(&a);
    ACCEPTED(r, "attacker: /dev/gv_attack");
    if (r) {
        return gvtest_done();
    }
    u = a.unprot;
    p = a.prot;
    vram = a.vram_size;
    gva_wr(&a, GV_REG_RESET, GV_RESET_MAGIC);
    CHECK(gva_rd(&a, GV_REG_REGION_LOCK) == 0, "device reset: regions "
          "unlocked, the aperture reaches everything");
    for (uint64_t o = 0; o < (1u << 20); o += 8) {
        gva_bar2_write(&a, u + o, &m, 8);
    }
    for (uint64_t o = u + p; o < vram; o += 8) {
        gva_bar2_write(&a, o, &ones, 8);
    }
    gva_bar2_read(&a, u + 4096, &back, 8);
    CHECK(back == MARK, "planted: a marker over the first MiB of the future "
          "protected region, all ones over the future hidden region (PMM, "
          "contexts)");
    gva_wr(&a, GV_REG_UNPROT_SIZE_LO, (uint32_t)u);
    gva_wr(&a, GV_REG_UNPROT_SIZE_HI, (uint32_t)(u >> 32));
    gva_wr(&a, GV_REG_PROT_SIZE_LO, (uint32_t)p);
    gva_wr(&a, GV_REG_PROT_SIZE_HI, (uint32_t)(p >> 32));
    gva_wr(&a, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CHECK(gva_rd(&a, GV_REG_REGION_LOCK) == 1, "the attacker locks the "
          "regions (the driver's sizes)");
    gva_bar2_read(&a, u + 4096, &back, 8);
    CHECK(back == ~0ull, "the planted protected page now reads all ones "
          "through BAR2");
    gva_close(&a);

    r = gva_open(&a);
    ACCEPTED(r, "attacker: its bootstrap channel on the locked device");
    r = gva_chan_create_at(&a, &ch, GV_MAX_CHANNELS, 0, 0, u, u + 4096, NULL,
                           NULL);
    ACCEPTED(r, "CH_CREATE on the planted pages (descriptor, PGD): the "
             "planted PMM is gone");
    r = gva_map(&a, &ch, READ_VA, u + (512u << 10), 64, false,
                GV_PTE_VALID);
    ACCEPTED(r, "64 planted pages mapped into the attacker's channel");
    if (r == 0) {
        struct gv_cmd_copy c = gva_copy(GV_COPY_DST_HOST, READ_VA,
                                        GVA_HOST_OFF, 64 * GV_PAGE_SIZE);

        memset(ch.buf.cpu + GVA_HOST_OFF, 0xee, 64 * GV_PAGE_SIZE);
        r = gva_chan_run(&a, &ch, &c, sizeof(c));
        out = (uint64_t *)(ch.buf.cpu + GVA_HOST_OFF);
        for (unsigned i = 0; i < 64 * GV_PAGE_SIZE / 8; i++) {
            z &= out[i] == 0;
        }
        CHECK(r == 0 && z, "copied out: zeros, the marker was scrubbed at "
              "the lock (%s)", gva_err_name(r));
    }
    gva_chan_destroy(&a, &ch);
    gva_close(&a);

    r = atk_reload_driver();
    CHECK(r == 0, "the honest driver reloaded");
    r = gvv_start(&v, 1, 4096);
    ACCEPTED(r, "a victim works on the reloaded driver");
    if (r == 0) {
        atk_victim_ok(&v, 0, "the victim");
        CHECK(gvv_stop(&v) == 0, "victim exited");
    }
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}
