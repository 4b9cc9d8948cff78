/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 3: the driver reads or writes protected memory through the BAR
 * aperture.
 *
 * The attacker finds the victim's secret pages and reads them through its
 * mapping of BAR2 with every access width, and the victim's page table,
 * descriptor and PGD; then it writes over the secret.  Reads must give all
 * ones, writes must be dropped (the victim's secret is intact afterwards),
 * and every access must be counted in PROT_ACCESS_COUNT.
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)

/* Read @len bytes at @off with @width-byte loads: are they all ones? */
static bool all_ones(struct gva *a, uint64_t off, size_t len, unsigned width,
                     uint8_t *copy)
{
    bool ones = true;

    for (size_t i = 0; i < len; i += width) {
        volatile uint8_t *p = a->vram + off + i;
        uint64_t v, want = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;

        switch (width) {
        case 1:
            v = *(volatile uint8_t *)p;
            break;
        case 2:
            v = *(volatile uint16_t *)p;
            break;
        case 4:
            v = *(volatile uint32_t *)p;
            break;
        default:
            v = *(volatile uint64_t *)p;
            break;
        }
        ones &= v == want;
        memcpy(copy + i, &v, width);
    }
    return ones;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan probe;
    struct atk_pages p;
    struct gva_drv_state ds;
    uint8_t *copy = malloc(GV_PAGE_SIZE * 2), *junk = malloc(GV_PAGE_SIZE);
    uint32_t c0, c1;
    bool ones = true, leak = false;
    unsigned widths[] = { 1, 2, 4, 8 };
    uint64_t accesses = 0;
    int r;

    printf("attack 3: protected memory through the BAR2 aperture\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &probe, 0, 0);
    ACCEPTED(r, "attacker: a probe channel");
    r = atk_find_secret(&a, &v, &probe, PROBE_VA, 8192, &p);
    CHECK(r == 0, "the victim's secret pages found (%u at 0x%llx) (%d)",
          p.ndata, (unsigned long long)p.data[0], r);

    c0 = gva_rd(&a, GV_REG_PROT_ACCESS_COUNT);
    for (unsigned w = 0; w < 4; w++) {
        for (unsigned i = 0; i < p.ndata; i++) {
            ones &= all_ones(&a, p.data[i], GV_PAGE_SIZE, widths[w], copy);
            leak |= gva_scan(copy, GV_PAGE_SIZE, v.info.secret,
                             GVV_SECRET_LEN);
            accesses += GV_PAGE_SIZE / widths[w];
        }
    }
    c1 = gva_rd(&a, GV_REG_PROT_ACCESS_COUNT);
    CHECK(ones && !leak, "BAR2 reads of the secret's pages (1, 2, 4, 8 "
          "bytes wide): all ones, no secret");
    CHECK_EQ_U64(c1 - c0, accesses, "PROT_ACCESS_COUNT counted every read");

    /* the victim's page table, descriptor and PGD */
    ones = all_ones(&a, p.table, 512, 8, copy);
    if (gva_drv_state(&ds) == 0) {
        for (unsigned i = 0; i < ds.nchans; i++) {
            if (ds.chan[i].chid == v.info.chid[0]) {
                ones &= all_ones(&a, ds.chan[i].desc, 512, 8, copy) &&
                        all_ones(&a, ds.chan[i].pgd, 512, 8, copy);
            }
        }
    }
    CHECK(ones, "BAR2 reads of its page table, descriptor and PGD: all "
          "ones");

    /* writes: dropped, counted */
    memset(junk, 0x5a, GV_PAGE_SIZE);
    c0 = gva_rd(&a, GV_REG_PROT_ACCESS_COUNT);
    for (unsigned i = 0; i < p.ndata; i++) {
        gva_bar2_write(&a, p.data[i], junk, GV_PAGE_SIZE);
    }
    gva_bar2_write(&a, p.table, junk, 64);
    c1 = gva_rd(&a, GV_REG_PROT_ACCESS_COUNT);
    CHECK_EQ_U64(c1 - c0, (uint64_t)p.ndata * GV_PAGE_SIZE / 8 + 8,
                 "BAR2 writes over the secret and its page table: each "
                 "counted");
    atk_victim_ok(&v, 0, "after the writes (they were dropped)");
    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "the victim's page table still works (a group with a "
             "fence)");
    atk_no_leak(&a, &v, "after the BAR attack");
    gva_chan_destroy(&a, &probe);
    free(copy);
    free(junk);
    return atk_finish(&a, &v);
}
