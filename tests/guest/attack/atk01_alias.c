/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 1 (design.md section 11): the driver maps a secure context's page
 * into its own or another context's channel (CH_PTE / CH_PDE aliasing).
 *
 * The victim writes a secret into secure memory.  The attacker finds the
 * pages (every protected page it may not map), then, through its own
 * bootstrap channel: maps each of them into a normal channel of its own,
 * as small and as big pages, into a secure context of its own, installs
 * the victim's page table and its PGD as tables of its own channel, and
 * builds a channel on the victim's descriptor and PGD.  Every one must be
 * refused (OTHER_CONTEXT; PAGE_IN_USE for pages that are not FREE at
 * CH_CREATE), nothing of the secret may show, and the victim goes on.
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)
#define ALIAS_VA ((2ull << GV_PDE_SHIFT) + (64ull << 12))

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine, sec;
    struct atk_pages p;
    struct gva_drv_state ds;
    const struct gva_drv_chan *vc = NULL;
    uint64_t big;
    unsigned refused = 0, n = 0;
    int r;

    printf("attack 1: map a secure context's pages into the attacker's "
           "channels\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel of its own (%u)", mine.chid);
    r = atk_find_secret(&a, &v, &mine, PROBE_VA, 8192, &p);
    CHECK(r == 0, "the victim's secret: %u data pages (first 0x%llx), its "
          "page table at 0x%llx (%d)", p.ndata,
          (unsigned long long)p.data[0], (unsigned long long)p.table, r);

    /* CH_PTE: each data page, and each page of the victim's table */
    for (unsigned i = 0; i < p.ndata; i++, n++) {
        refused += gva_map(&a, &mine, ALIAS_VA, p.data[i], 1, false,
                           GV_PTE_VALID) == GV_ERR_OTHER_CONTEXT;
    }
    for (unsigned i = 0; p.table && i < GV_PGT_SMALL_BYTES / GV_PAGE_SIZE;
         i++, n++) {
        refused += gva_map(&a, &mine, ALIAS_VA, p.table + i * GV_PAGE_SIZE, 1,
                           false, GV_PTE_VALID | GV_PTE_READONLY) ==
                   GV_ERR_OTHER_CONTEXT;
    }
    CHECK(n > 0 && refused == n, "CH_PTE of each of the victim's %u pages "
          "(data, table) into the attacker's channel: %u refused with "
          "OTHER_CONTEXT", n, refused);

    /* a big page over the secret */
    big = p.data[0] & ~(uint64_t)(GV_BIG_PAGE_SIZE - 1);
    if (big < a.unprot) {
        big += GV_BIG_PAGE_SIZE;
    }
    r = gva_map(&a, &mine, 2ull << GV_PDE_SHIFT, big, 1, true, GV_PTE_VALID);
    CHECK(r == GV_ERR_OTHER_CONTEXT || r == GV_ERR_PAGE_IN_USE,
          "CH_PTE of a 128 KiB big page over the secret: %s",
          gva_err_name(r));

    /* CH_PDE: the victim's page table, and its PGD, as tables of mine */
    r = gva_ch_pde(&a, mine.chid, 2, false, p.table);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "CH_PDE installing the victim's page "
            "table in the attacker's PGD");
    gva_drv_state(&ds);
    for (unsigned i = 0; i < ds.nchans; i++) {
        if (ds.chan[i].chid == v.info.chid[0]) {
            vc = &ds.chan[i];
        }
    }
    CHECK(vc != NULL, "debugfs: the victim's channel %u, descriptor and "
          "PGD", v.info.chid[0]);
    if (vc) {
        r = gva_ch_pde(&a, mine.chid, 2, false, vc->pgd);
        REFUSED(r, GV_ERR_OTHER_CONTEXT, "CH_PDE with the victim's PGD as "
                "a page table");
        r = gva_ch_pde(&a, mine.chid, 2, true, vc->pgd);
        REFUSED(r, GV_ERR_OTHER_CONTEXT, "the same as a big-page table");
        r = gva_map(&a, &mine, ALIAS_VA, vc->desc, 1, false, GV_PTE_VALID);
        REFUSED(r, GV_ERR_OTHER_CONTEXT, "CH_PTE of the victim's channel "
                "descriptor");
        r = gva_ch_create(&a, gva_chid_alloc(&a), 0, vc->desc, vc->pgd, 0,
                          NULL, NULL, NULL);
        REFUSED(r, GV_ERR_PAGE_IN_USE, "CH_CREATE on the victim's "
                "descriptor and PGD");
    }
    r = gva_ch_create(&a, gva_chid_alloc(&a), 0, gva_prot_pages(&a, 4096),
                      p.data[0] & ~(uint64_t)(GV_PAGE_SIZE - 1), 0, NULL,
                      NULL, NULL);
    REFUSED(r, GV_ERR_PAGE_IN_USE, "CH_CREATE with the secret's pages as "
            "the PGD");

    /* a secure context of the attacker's own (it holds that CEK) */
    r = gva_chan_create_secure(&a, &sec);
    ACCEPTED(r, "attacker: a secure channel under its own key (%u)",
             sec.chid);
    r = gva_map(&a, &sec, ALIAS_VA, p.data[0], 1, false, GV_PTE_VALID);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "CH_PTE of the secret into the "
            "attacker's secure context");
    r = gva_ch_pde(&a, sec.chid, 2, false, p.table);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "CH_PDE of the victim's table into "
            "the attacker's secure context");

    atk_no_leak(&a, &v, "after the aliasing attempts");
    atk_victim_ok(&v, 0, "after the aliasing attempts");
    gva_chan_destroy(&a, &sec);
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
