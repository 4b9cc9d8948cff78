/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 6: the driver injects stale translations into a new PGD or page
 * table (they must be cleared when the device takes them).
 *
 * The attacker maps free protected pages into a normal channel of its own
 * as data, writes into them (copy engine) a forged PGD whose every PDE
 * points at a forged page table, and that page table, whose every entry
 * points at a marked page of its own or at the victim's secret; then it
 * unmaps them (unlocked pages are not scrubbed on unmap) and hands them to
 * the device as the PGD of a new channel and as a page table of it.  Any
 * access through a planted entry must fault; a mapping made afterwards
 * works and its neighbours stay unmapped.
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)
#define PLANT_VA (2ull << GV_PDE_SHIFT)
#define HOST     GVA_HOST_OFF
#define MARK     0x454c415453474154ull        /* "TAGSTALE" */

int main(void)
{
    struct gva a;
    struct gva_chan mine, q;
    struct gvv v;
    struct atk_pages p;
    struct gv_cmd_copy c[2];
    uint64_t t, g, u, x, *ent;
    int r;

    printf("attack 6: stale translations planted in pages that become a "
           "PGD and a page table\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    r = atk_find_secret(&a, &v, &mine, PROBE_VA, 4096, &p);
    CHECK(r == 0, "the victim's secret page: 0x%llx (%d)",
          (unsigned long long)p.data[0], r);

    t = gva_prot_pages(&a, GV_PGT_SMALL_BYTES);         /* future table */
    g = gva_prot_pages(&a, GV_PGD_BYTES);               /* future PGD */
    u = gva_unprot_pages(&a, GV_PAGE_SIZE);             /* marked page */
    for (unsigned i = 0; i < GV_PAGE_SIZE / 8; i++) {
        uint64_t m = MARK;

        gva_bar2_write(&a, u + i * 8, &m, 8);
    }
    /* the forged table: the first entries map the secret, the rest u */
    ent = (uint64_t *)(mine.buf.cpu + HOST);
    for (unsigned i = 0; i < GV_PGT_SMALL_ENTRIES; i++) {
        ent[i] = (i < 16 ? p.data[0] : u) | GV_PTE_VALID;
    }
    /* the forged PGD: every PDE's small table is the forged table */
    ent = (uint64_t *)(mine.buf.cpu + HOST + GV_PGT_SMALL_BYTES);
    for (unsigned i = 0; i < GV_PGD_ENTRIES; i++) {
        ent[2 * i] = t | GV_PDE_VALID;
        ent[2 * i + 1] = 0;
    }
    r = gva_map(&a, &mine, PLANT_VA, t, 64, false, GV_PTE_VALID);
    ACCEPTED(r, "the future table's pages mapped as data of the attacker");
    r = gva_map(&a, &mine, PLANT_VA + (64ull << GV_PAGE_SHIFT), g, 32, false,
                GV_PTE_VALID);
    ACCEPTED(r, "the future PGD's pages mapped as data of the attacker");
    c[0] = gva_copy(GV_COPY_SRC_HOST, HOST, PLANT_VA, GV_PGT_SMALL_BYTES);
    c[1] = gva_copy(GV_COPY_SRC_HOST, HOST + GV_PGT_SMALL_BYTES,
                    PLANT_VA + (64ull << GV_PAGE_SHIFT), GV_PGD_BYTES);
    r = gva_chan_run(&a, &mine, c, sizeof(c));
    ACCEPTED(r, "forged PGD and page table written into them (copy "
             "engine)");
    r = gva_unmap(&a, &mine, PLANT_VA, 96, false);
    ACCEPTED(r, "and unmapped again (not scrubbed: they were unlocked)");

    /* a channel on the planted PGD */
    r = gva_chan_create_at(&a, &q, GV_MAX_CHANNELS, 0, 0, 0, g, NULL, NULL);
    ACCEPTED(r, "CH_CREATE of channel %u with the planted PGD", q.chid);
    memset(q.buf.cpu + HOST, 0, 4096);
    c[0] = gva_copy(GV_COPY_DST_HOST, (5ull << GV_PDE_SHIFT) + 4096 * 20,
                    HOST, 64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    REFUSED(r, GV_ERR_FAULT, "a copy through a planted PDE (to the planted "
            "table, to the marked page)");
    c[0] = gva_copy(GV_COPY_DST_HOST, 7ull << GV_PDE_SHIFT, HOST, 64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    REFUSED(r, GV_ERR_FAULT, "a copy through a planted PDE to the "
            "victim's secret");

    /* the planted table, given as a page table */
    r = gva_ch_pde(&a, q.chid, 1, false, t);
    ACCEPTED(r, "CH_PDE with the planted page table");
    c[0] = gva_copy(GV_COPY_DST_HOST, (1ull << GV_PDE_SHIFT) + 4096 * 20,
                    HOST, 64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    REFUSED(r, GV_ERR_FAULT, "a copy through a planted entry (to the "
            "marked page)");
    c[0] = gva_copy(GV_COPY_DST_HOST, 1ull << GV_PDE_SHIFT, HOST, 64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    REFUSED(r, GV_ERR_FAULT, "a copy through a planted entry to the "
            "victim's secret");
    q.small_pgt[1] = t;
    x = gva_prot_pages(&a, GV_PAGE_SIZE);
    r = gva_map(&a, &q, (1ull << GV_PDE_SHIFT) + 4096, x, 1, false,
                GV_PTE_VALID);
    ACCEPTED(r, "a real mapping in the planted table");
    c[0] = gva_copy(GV_COPY_DST_HOST, (1ull << GV_PDE_SHIFT) + 4096, HOST,
                    64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    ACCEPTED(r, "a copy through it works");
    c[0] = gva_copy(GV_COPY_DST_HOST, (1ull << GV_PDE_SHIFT) + 8192, HOST,
                    64);
    r = gva_chan_run(&a, &q, c, sizeof(c[0]));
    REFUSED(r, GV_ERR_FAULT, "its planted neighbour faults");
    CHECK(!memmem(q.buf.cpu, q.buf.size, &(uint64_t){ MARK }, 8) &&
          !gva_scan(q.buf.cpu, q.buf.size, v.info.secret, GVV_SECRET_LEN),
          "the new channel's host window holds neither the marked page "
          "nor the secret");

    atk_no_leak(&a, &v, "after the planting");
    atk_victim_ok(&v, 0, "after the planting");
    gva_chan_destroy(&a, &q);
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
