/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 4: the driver reads hidden memory by any route (BAR, copy engine,
 * page table pointing into hidden memory).
 *
 * Hidden memory holds the PMM, every context's CEK and the SHA-256 of its
 * UK_pub, and the channels' counters.  The attacker knows the victim's
 * UK_pub, so it knows one thing hidden memory holds: it looks for that
 * hash.  Routes: BAR2 reads and writes of the whole hidden region; a PTE,
 * a big PTE, a page table, a channel descriptor, a PGD, a bootstrap
 * descriptor and a ring entry (GV_GPFIFO_VRAM) pointing into it.  Reads
 * give zeros, writes change nothing (the victim goes on), every command
 * is refused with BAD_ADDRESS.
 */
#include "gv_crypto.h"

#include "atk.h"

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine;
    uint8_t hash[GV_HASH_LEN], *buf;
    uint64_t hb, hsize, hpage, hbig;
    bool zero = true, found = false;
    unsigned freech;
    int r;

    printf("attack 4: hidden memory by every route\n");
    atk_setup(&a, &v, 1, 8192);
    gvc_sha256(v.info.uk_pub, GV_EC_PUB_LEN, hash);
    hb = a.hidden_base;
    hsize = a.vram_size - hb;
    hpage = hb;
    hbig = (hb + GV_BIG_PAGE_SIZE - 1) & ~(uint64_t)(GV_BIG_PAGE_SIZE - 1);

    buf = malloc(hsize);
    gva_bar2_read(&a, hb, buf, hsize);
    for (uint64_t i = 0; i < hsize; i++) {
        zero &= buf[i] == 0;
    }
    found = memmem(buf, hsize, hash, 8) != NULL ||
            gva_scan(buf, hsize, v.info.secret, GVV_SECRET_LEN);
    CHECK(zero && !found, "BAR2 reads of all %llu KiB of hidden memory: "
          "zeros (no PMM, no SHA-256 of the victim's UK_pub, no secret)",
          (unsigned long long)(hsize >> 10));
    memset(buf, 0xff, hsize);
    gva_bar2_write(&a, hb, buf, hsize);
    free(buf);
    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "BAR2 writes of all ones over hidden memory changed "
             "nothing: the victim's group authenticates (its counter and "
             "key are intact)");

    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    r = gva_map(&a, &mine, 2ull << GV_PDE_SHIFT, hpage, 1, false,
                GV_PTE_VALID);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_PTE pointing into hidden memory");
    r = gva_map(&a, &mine, 2ull << GV_PDE_SHIFT, hbig, 1, true,
                GV_PTE_VALID);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_PTE of a big page in hidden memory");
    r = gva_map(&a, &mine, 2ull << GV_PDE_SHIFT, a.vram_size, 1, false,
                GV_PTE_VALID);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_PTE beyond device memory");
    r = gva_ch_pde(&a, mine.chid, 1, false, hpage);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_PDE with a page table in hidden "
            "memory");
    freech = gva_chid_alloc(&a);
    r = gva_ch_create(&a, freech, 0, hpage, gva_prot_pages(&a, GV_PGD_BYTES),
                      0, NULL, NULL, NULL);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_CREATE with its descriptor in hidden "
            "memory");
    r = gva_ch_create(&a, freech, 0, gva_prot_pages(&a, 4096), hpage, 0,
                      NULL, NULL, NULL);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "CH_CREATE with its PGD in hidden "
            "memory");

    /* a bootstrap channel whose descriptor is hidden memory */
    gva_chan_wr(&a, freech, GV_CHAN_DESC_LO, (uint32_t)hpage);
    gva_chan_wr(&a, freech, GV_CHAN_DESC_HI, (uint32_t)(hpage >> 32));
    r = (int)gva_rd(&a, GV_REG_ERROR_CODE);
    CHECK(r == GV_ERR_BAD_ADDRESS &&
          (gva_chan_rd(&a, freech, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
          GV_CHAN_TYPE_FREE, "a bootstrap descriptor in hidden memory: "
          "refused (%s)", gva_err_name(r));
    gva_err_ack(&a);

    /* a group the device is asked to fetch from hidden memory */
    {
        struct gv_gpfifo_entry *e = (void *)mine.ring.cpu;
        uint32_t before = gva_rd(&a, GV_REG_ERROR_COUNT);

        e[mine.put].addr = hpage;
        e[mine.put].len = 64;
        e[mine.put].flags = GV_GPFIFO_VRAM;
        __sync_synchronize();
        mine.put = (mine.put + 1) % GVA_RING;
        gva_chan_wr(&a, mine.chid, GV_CHAN_PUT, mine.put);
        r = gva_rd(&a, GV_REG_ERROR_COUNT) != before ?
            (int)gva_rd(&a, GV_REG_ERROR_CODE) : 0;
        REFUSED(r, GV_ERR_BAD_ADDRESS, "a ring entry (GV_GPFIFO_VRAM) "
                "fetching a group from hidden memory");
        gva_err_ack(&a);
    }
    atk_no_leak(&a, &v, "after the hidden-memory attempts");
    atk_victim_ok(&v, 0, "after the hidden-memory attempts");
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
