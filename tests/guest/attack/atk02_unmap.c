/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 2: the driver unmaps a LOCKED page without the runtime's MAC, or
 * replays an old MAC.
 *
 * The victim's secret region is mapped LOCKED in its secure channel.  The
 * attacker, through its own bootstrap channel, aims CH_PTE at the victim's
 * channel to clear the entries with no MAC and with a random one, to
 * repoint them at a page of its own, removes or replaces the page table
 * under them (CH_PDE), and tries an authorised CH_DESTROY with a forged
 * MAC.  Then it records a real unmap MAC from the driver's bootstrap
 * buffer (the victim frees a page the runtime's way) and replays it
 * against the page the victim allocates next at the same address, and
 * against the secret.  All refused: PAGE_LOCKED (MAC for CH_DESTROY).
 */
#include <sys/random.h>

#include "atk.h"

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gvv_reply rep;
    struct gv_pte_summary sum;
    struct gv_gpfifo_entry e;
    struct gv_cmd_ch_pte *rec = NULL;
    uint8_t mac[GV_TAG_LEN], *g = NULL;
    uint64_t ptes[2], va, vx, vy, four = 4096;
    unsigned ch, pgdi, pgti;
    int r;

    printf("attack 2: unmap the victim's LOCKED pages without its MAC\n");
    atk_setup(&a, &v, 1, 8192);
    ch = v.info.chid[0];
    va = v.info.va;
    pgdi = (unsigned)(va >> GV_PDE_SHIFT);
    pgti = (unsigned)(va >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);

    r = gva_ch_pte(&a, ch, pgdi, pgti, 2, NULL, false, NULL, &sum);
    REFUSED(r, GV_ERR_PAGE_LOCKED, "CH_PTE clearing the secret's entries, "
            "no MAC");
    getrandom(mac, sizeof(mac), 0);
    r = gva_ch_pte(&a, ch, pgdi, pgti, 2, NULL, false, mac, &sum);
    REFUSED(r, GV_ERR_PAGE_LOCKED, "the same with a random MAC");
    ptes[0] = gva_unprot_pages(&a, 4096) | GV_PTE_VALID;
    ptes[1] = gva_unprot_pages(&a, 4096) | GV_PTE_VALID;
    r = gva_ch_pte(&a, ch, pgdi, pgti, 2, ptes, false, NULL, &sum);
    REFUSED(r, GV_ERR_PAGE_LOCKED, "CH_PTE repointing them at the "
            "attacker's pages");
    r = gva_ch_pde(&a, ch, pgdi, false, 0);
    REFUSED(r, GV_ERR_PAGE_LOCKED, "CH_PDE removing the page table under "
            "them");
    r = gva_ch_pde(&a, ch, pgdi, false,
                   gva_prot_pages(&a, GV_PGT_SMALL_BYTES));
    REFUSED(r, GV_ERR_PAGE_LOCKED, "CH_PDE replacing it with a fresh "
            "table");
    r = gva_ch_destroy(&a, ch, mac);
    REFUSED(r, GV_ERR_MAC, "authorised CH_DESTROY with a forged MAC");

    /* A real MAC: the victim frees a page; the driver's bootstrap buffer
     * still holds the CH_PTE that carried it. */
    r = gvv_cmd(&v, GVV_ALLOC, 0, 4096, NULL, 0, &rep);
    vx = rep.val;
    ACCEPTED(r, "victim: another secure page at 0x%llx",
             (unsigned long long)vx);
    r = gvv_cmd(&v, GVV_FREE, 0, vx, &four, sizeof(four), NULL);
    ACCEPTED(r, "victim: frees it the runtime's way (cleared, unmap MAC)");
    r = gva_record(&a, 0, -1, &e, &g);
    if (r == 0) {
        rec = (void *)(g + sizeof(struct gv_group_hdr));
    }
    CHECK(rec && rec->hdr.op == GV_OP_CH_PTE && rec->chid == ch &&
          rec->count == 1 && memcmp(rec->mac, (uint8_t[16]){ 0 }, 16) != 0,
          "recorded from the driver's bootstrap ring: the unmap CH_PTE and "
          "its MAC (%d)", r);
    r = gvv_cmd(&v, GVV_ALLOC, 0, 4096, NULL, 0, &rep);
    vy = rep.val;
    ACCEPTED(r, "victim: allocates a page again, at 0x%llx%s",
             (unsigned long long)vy, vy == vx ? " (the same address)" : "");
    if (rec && rec->hdr.op == GV_OP_CH_PTE) {
        /* aimed at the new page (the MAC's address if it is the same) */
        rec->pgd_index = (uint32_t)(vy >> GV_PDE_SHIFT);
        rec->pgt_index = (uint32_t)(vy >> GV_PAGE_SHIFT) &
                         (GV_PGT_SMALL_ENTRIES - 1);
        rec->result_addr = gva_result_bus(&a);
        r = gva_boot_run(&a, rec, rec->hdr.size);
        REFUSED(r, GV_ERR_PAGE_LOCKED, "the recorded unmap MAC replayed "
                "against the new page");
        memcpy(mac, rec->mac, sizeof(mac));
        r = gva_ch_pte(&a, ch, pgdi, pgti, 1, NULL, false, mac, &sum);
        REFUSED(r, GV_ERR_PAGE_LOCKED, "the recorded MAC against the "
                "secret");
        r = gva_ch_destroy(&a, ch, mac);
        REFUSED(r, GV_ERR_MAC, "the recorded MAC as a CH_DESTROY "
                "authorisation");
    }
    free(g);

    atk_no_leak(&a, &v, "after the unmap attempts");
    atk_victim_ok(&v, 0, "after the unmap attempts");
    r = gvv_cmd(&v, GVV_FREE, 0, vy, &four, sizeof(four), NULL);
    ACCEPTED(r, "the victim's own unmap (its next MAC) still works");
    return atk_finish(&a, &v);
}
