/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 9: the driver allocates "secure" memory in the unprotected region
 * and hopes the runtime does not notice (summary n < k).
 *
 * The device lets a driver map unprotected pages into a secure channel
 * (fence buffers live there), so it is the runtime that must refuse them
 * as secure memory.  The attacker maps a page of unprotected memory (which
 * it reads and writes through BAR2) into the victim's channel, and then a
 * protected and an unprotected page in one CH_PTE, and relays each
 * genuine summary as the answer to a secure allocation: the runtime
 * refuses both (n < k), and stays in step with the device.
 */
#include "atk.h"

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gv_pte_summary s;
    uint64_t pte[2], va;
    unsigned ch, pgdi, pgti;
    uint8_t page[GV_PAGE_SIZE];
    int r;

    printf("attack 9: \"secure\" memory in the unprotected region\n");
    atk_setup(&a, &v, 1, 4096);
    ch = v.info.chid[0];
    va = v.info.va + (200ull << GV_PAGE_SHIFT);
    pgdi = (unsigned)(va >> GV_PDE_SHIFT);
    pgti = (unsigned)(va >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);

    pte[0] = gva_unprot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;
    r = gva_ch_pte(&a, ch, pgdi, pgti, 1, pte, false, NULL, &s);
    ACCEPTED(r, "the attacker maps an unprotected page into the victim's "
             "channel (the device allows it: fence buffers)");
    CHECK(s.n == 0 && s.k == 1, "the device's summary says so: n = %u of "
          "k = %u pages protected", s.n, s.k);
    r = gvv_cmd(&v, GVV_SUMMARY, 0, 1, &s, sizeof(s), NULL);
    CHECK(r != 0, "relayed as a secure allocation's summary: the runtime "
          "refuses it (%d)", r);

    pte[0] = gva_prot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;
    pte[1] = gva_unprot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;
    r = gva_ch_pte(&a, ch, pgdi, pgti + 1, 2, pte, false, NULL, &s);
    ACCEPTED(r, "one protected and one unprotected page in one CH_PTE");
    CHECK(s.n == 1 && s.k == 2, "summary: n = %u of k = %u", s.n, s.k);
    r = gvv_cmd(&v, GVV_SUMMARY, 0, 1, &s, sizeof(s), NULL);
    CHECK(r != 0, "relayed as a secure allocation's summary: refused (%d)",
          r);

    gva_bar2_read(&a, pte[1] & GV_PTE_ADDR_MASK, page, sizeof(page));
    CHECK(!gva_scan(page, sizeof(page), v.info.secret, GVV_SECRET_LEN),
          "nothing of the secret in the unprotected page");
    atk_no_leak(&a, &v, "after the unprotected allocations");
    atk_victim_ok(&v, 0, "after the unprotected allocations");
    r = gvv_cmd(&v, GVV_ALLOC, 0, 4096, NULL, 0, NULL);
    ACCEPTED(r, "the victim's next secure allocation is accepted (its "
             "runtime and the device are in step)");
    return atk_finish(&a, &v);
}
