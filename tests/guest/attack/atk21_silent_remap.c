/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 21: silent remap.  Repointing a secure channel's unprotected
 * entries (fences, staging) or empty slots without the runtime noticing.
 *
 * The victim's fence word lives in an unprotected page the driver mapped
 * into its secure channel (VA chid * 4 KiB).  Unprotected pages are not
 * LOCKED, so no MAC is needed to move them; what stops a silent remap is
 * that every CH_PTE of a secure channel must produce a counted summary.
 * The attacker repoints the fence entry at a page of its own, clears it,
 * and maps a page into an empty slot, each without a result address:
 * refused (RESULT), and the victim's fences still work.  With a result
 * address the remap happens, but it is counted: the victim's runtime
 * refuses its next summary (a counter gap) and fails safe.
 */
#include "atk.h"

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gv_pte_summary s;
    uint64_t pte, fva, page[512];
    unsigned ch, pgdi, pgti;
    int r;

    printf("attack 21: silent remap of a secure channel's unprotected "
           "entries\n");
    atk_setup(&a, &v, 1, 4096);
    ch = v.info.chid[0];
    fva = v.info.fence_va[0];
    pgdi = (unsigned)(fva >> GV_PDE_SHIFT);
    pgti = (unsigned)(fva >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);
    pte = gva_unprot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;

    r = gva_ch_pte(&a, ch, pgdi, pgti, 1, &pte, false, NULL, NULL);
    REFUSED(r, GV_ERR_RESULT, "CH_PTE repointing the victim's fence entry "
            "(VA 0x%llx), no result address", (unsigned long long)fva);
    r = gva_ch_pte(&a, ch, pgdi, pgti, 1, NULL, false, NULL, NULL);
    REFUSED(r, GV_ERR_RESULT, "CH_PTE clearing it, no result address");
    r = gva_ch_pte(&a, ch, pgdi, 60, 1, &pte, false, NULL, NULL);
    REFUSED(r, GV_ERR_RESULT, "CH_PTE filling an empty slot, no result "
            "address");
    r = gva_ch_pte(&a, ch, (unsigned)(v.info.va >> GV_PDE_SHIFT), 300, 1,
                   &pte, false, NULL, NULL);
    REFUSED(r, GV_ERR_RESULT, "CH_PTE of an unprotected staging page next "
            "to the secret, no result address");
    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "the victim's fence still lands where its driver waits");

    /* with a result address: done, but counted */
    r = gva_ch_pte(&a, ch, pgdi, 60, 1, &pte, false, NULL, &s);
    ACCEPTED(r, "the same into the empty slot with a result address: done, "
             "summary counter %llu", (unsigned long long)s.counter);
    gva_bar2_read(&a, pte & GV_PTE_ADDR_MASK, page, sizeof(page));
    CHECK(!gva_scan(page, sizeof(page), v.info.secret, GVV_SECRET_LEN),
          "nothing of the secret in the attacker's page");
    r = gvv_cmd(&v, GVV_ALLOC, 0, 4096, NULL, 0, NULL);
    CHECK(r != 0, "the victim's next allocation: its runtime sees the "
          "counter gap and refuses it (%d): the remap was not silent", r);
    atk_no_leak(&a, &v, "after the remaps");
    atk_victim_ok(&v, 0, "the victim's secret is intact");
    return atk_finish(&a, &v);
}
