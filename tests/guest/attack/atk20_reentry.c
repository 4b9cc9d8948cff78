/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 20: re-entrancy.  MSI address or DMA target aimed at the device's
 * own registers, so that raising an interrupt (or writing a result) rings
 * a doorbell from inside the device.
 *
 * The attacker prepares a channel of its own whose next ring entry would
 * write a marker, and aims at that channel's PUT register (BAR0): the MSI
 * address (interrupts raised by INTR_RAISE and by a failing command), the
 * result address of CH_MEASURE, CH_PTE and CH_CREATE, the ring base, a
 * group address and the host window of a COPY; then the BAR2 aperture as
 * a host window, and the device's own PCI configuration space through
 * MMCONFIG as a result address.  Every DMA must be refused (FETCH for
 * reads, RESULT for writes), no MSI may reach the device, the marker
 * stays unwritten, and the device and the victim go on.
 */
#include <inttypes.h>

#include "gvrt_secure.h"

#include "atk.h"

#define MARK_VA (2ull << GV_PDE_SHIFT)

static uint64_t mmconfig(void)
{
    FILE *f = fopen("/proc/iomem", "r");
    char line[256];
    uint64_t base = 0;

    while (f && fgets(line, sizeof(line), f)) {
        unsigned long long lo;

        if (strstr(line, "MMCONFIG") && sscanf(line, " %llx-", &lo) == 1) {
            base = lo;
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return base;
}

/* Nothing ran on @p: PUT and GET where they were, the marker untouched. */
static bool quiet(struct gva *a, struct gva_chan *p, uint64_t mark_pa)
{
    uint64_t m;

    gva_bar2_read(a, mark_pa, &m, 8);
    return gva_chan_rd(a, p->chid, GV_CHAN_PUT) == p->put &&
           gva_chan_rd(a, p->chid, GV_CHAN_GET) == p->put && m == 0;
}

static int measure_to(struct gva *a, unsigned chid, uint64_t addr)
{
    struct gv_cmd_ch_measure c = { .hdr = { GV_OP_CH_MEASURE, sizeof(c) },
                                   .chid = chid, .va = MARK_VA, .size = 8,
                                   .result_addr = addr };

    return gva_boot_run(a, &c, sizeof(c));
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan p, s;
    struct gv_gpfifo_entry *e;
    struct gv_cmd_fence f;
    struct gv_cmd_copy c;
    uint64_t mark, doorbell, cfg, pte;
    uint32_t cap, ctl, lo, hi, data, dataoff, grp;
    unsigned bdf;
    int r;

    printf("attack 20: MSI and DMA aimed at the device itself\n");
    atk_setup(&a, &v, 1, 4096);
    r = gva_chan_create(&a, &p, 0, 0);
    ACCEPTED(r, "attacker: channel %u, its next entry writes a marker", p.chid);
    mark = gva_unprot_pages(&a, GV_PAGE_SIZE);
    gva_map(&a, &p, MARK_VA, mark, 1, false, GV_PTE_VALID);
    f = gva_fence(MARK_VA, 0x5245454e54525921ull);
    grp = gva_group(p.buf.cpu, &f, sizeof(f));
    e = (void *)p.ring.cpu;
    e[p.put].addr = p.buf.bus;
    e[p.put].len = grp;
    e[p.put].flags = 0;
    __sync_synchronize();
    doorbell = a.info.bar0_bus + GV_REG_CHAN(p.chid, GV_CHAN_PUT);

    /* MSI */
    cap = a.info.msi_cap;
    gva_cfg_read(&a, cap + 2, 2, &ctl);
    dataoff = ctl & 0x80 ? 0xc : 0x8;
    gva_cfg_read(&a, cap + 4, 4, &lo);
    gva_cfg_read(&a, cap + 8, 4, &hi);
    gva_cfg_read(&a, cap + dataoff, 2, &data);
    CHECK(cap && (ctl & 1), "MSI capability at 0x%x, enabled, address "
          "0x%08x%08x data 0x%x", cap, hi, lo, data);
    gva_cfg_write(&a, cap + 4, 4, (uint32_t)doorbell);
    if (ctl & 0x80) {
        gva_cfg_write(&a, cap + 8, 4, (uint32_t)(doorbell >> 32));
    }
    gva_cfg_write(&a, cap + dataoff, 2, (p.put + 1) % GVA_RING);
    gva_wr(&a, GV_REG_INTR_ACK, ~0u);
    gva_wr(&a, GV_REG_INTR_RAISE, 1);
    CHECK(quiet(&a, &p, mark), "MSI aimed at channel %u's doorbell, "
          "interrupt raised (INTR_RAISE): no doorbell rang", p.chid);
    gva_wr(&a, GV_REG_INTR_ACK, ~0u);
    r = gva_ch_pde(&a, GV_MAX_CHANNELS + 5, 0, false, 0);
    CHECK(r == GV_ERR_BAD_CHANNEL && quiet(&a, &p, mark),
          "the same, raised by a failing command inside the command "
          "processor: no doorbell rang");
    gva_cfg_write(&a, cap + 4, 4, lo);
    if (ctl & 0x80) {
        gva_cfg_write(&a, cap + 8, 4, hi);
    }
    gva_cfg_write(&a, cap + dataoff, 2, data);
    gva_wr(&a, GV_REG_INTR_ACK, ~0u);

    /* DMA results aimed at the doorbell */
    r = gva_chan_create_secure(&a, &s);
    ACCEPTED(r, "attacker: a secure channel of its own (it holds the key)");
    gva_map(&a, &s, MARK_VA, gva_unprot_pages(&a, GV_PAGE_SIZE), 1, false,
            GV_PTE_VALID);
    r = measure_to(&a, s.chid, doorbell);
    CHECK(r == GV_ERR_RESULT && quiet(&a, &p, mark), "CH_MEASURE's result "
          "aimed at the doorbell: %s, no doorbell rang", gva_err_name(r));
    {
        struct gv_cmd_ch_pte *c2 = calloc(1, sizeof(*c2) + 8);

        pte = gva_unprot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;
        c2->hdr.op = GV_OP_CH_PTE;
        c2->hdr.size = sizeof(*c2) + 8;
        c2->chid = s.chid;
        c2->pgd_index = 2;
        c2->pgt_index = 5;
        c2->count = 1;
        c2->result_addr = doorbell;
        c2->pte[0] = pte;
        r = gva_boot_run(&a, c2, c2->hdr.size);
        free(c2);
    }
    CHECK(r == GV_ERR_RESULT && quiet(&a, &p, mark), "CH_PTE's summary "
          "aimed at the doorbell: %s, no doorbell rang", gva_err_name(r));
    {
        struct gvrt_secure *k = s.sec;
        struct gv_cmd_ch_create cc = { .hdr = { GV_OP_CH_CREATE, sizeof(cc) },
                                       .chid = gva_chid_alloc(&a),
                                       .flags = GV_CREATE_SECURE,
                                       .desc_addr = gva_prot_pages(&a, 4096),
                                       .pgd_addr = gva_prot_pages(
                                           &a, GV_PGD_BYTES),
                                       .result_addr = doorbell };

        memcpy(cc.uk_pub, k->uk_pub, GV_EC_PUB_LEN);
        r = gva_boot_run(&a, &cc, sizeof(cc));
        CHECK(r == GV_ERR_RESULT && quiet(&a, &p, mark) &&
              (gva_chan_rd(&a, cc.chid, GV_CHAN_STATUS) & 3) ==
              GV_CHAN_TYPE_FREE, "CH_CREATE's quote aimed at the doorbell: "
              "%s, no channel, no doorbell rang", gva_err_name(r));
    }

    /* fetches and copies */
    gva_chan_wr(&a, p.chid, GV_CHAN_RING_LO, (uint32_t)a.info.bar0_bus);
    gva_chan_wr(&a, p.chid, GV_CHAN_RING_HI,
                (uint32_t)(a.info.bar0_bus >> 32));
    r = gva_chan_run(&a, &p, &f, sizeof(f));
    REFUSED(r, GV_ERR_FETCH, "a ring in BAR0");
    gva_chan_wr(&a, p.chid, GV_CHAN_RING_LO, (uint32_t)p.ring.bus);
    gva_chan_wr(&a, p.chid, GV_CHAN_RING_HI, (uint32_t)(p.ring.bus >> 32));
    gva_chan_wr(&a, p.chid, GV_CHAN_RING_ENTRIES, GVA_RING);
    p.put = 0;
    e[0].addr = doorbell & ~0xfffull;
    e[0].len = 64;
    e[0].flags = 0;
    __sync_synchronize();
    /* the ring in BAR0 failed and stopped the channel: acknowledged */
    gva_chan_wr(&a, p.chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    gva_chan_wr(&a, p.chid, GV_CHAN_PUT, 1);
    r = (int)gva_rd(&a, GV_REG_ERROR_CODE);
    gva_err_ack(&a);
    p.put = 1;
    REFUSED(r, GV_ERR_FETCH, "a group address in BAR0");
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_LO, (uint32_t)a.info.bar0_bus);
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_HI,
                (uint32_t)(a.info.bar0_bus >> 32));
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_SIZE, 0x10000);
    c = gva_copy(GV_COPY_DST_HOST, MARK_VA, doorbell - a.info.bar0_bus, 4);
    r = gva_chan_run(&a, &p, &c, sizeof(c));
    REFUSED(r, GV_ERR_RESULT, "a COPY to a host window over BAR0 (the "
            "doorbell)");
    c = gva_copy(GV_COPY_SRC_HOST, 0, MARK_VA, 8);
    r = gva_chan_run(&a, &p, &c, sizeof(c));
    REFUSED(r, GV_ERR_FETCH, "a COPY from a host window over BAR0");
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_LO, (uint32_t)a.info.bar2_bus);
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_HI,
                (uint32_t)(a.info.bar2_bus >> 32));
    c = gva_copy(GV_COPY_DST_HOST, MARK_VA, 4096, 8);
    r = gva_chan_run(&a, &p, &c, sizeof(c));
    REFUSED(r, GV_ERR_RESULT, "a COPY to a host window over BAR2 (the "
            "device's own memory)");
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_LO, (uint32_t)p.buf.bus);
    gva_chan_wr(&a, p.chid, GV_CHAN_HOSTWIN_HI, (uint32_t)(p.buf.bus >> 32));

    cfg = mmconfig();
    bdf = a.info.pci_bdf;
    CHECK(cfg != 0, "MMCONFIG at 0x%" PRIx64 ", the device's config space "
          "at +0x%x", cfg, bdf << 12);
    if (cfg) {
        uint32_t cmd0, cmd1;

        gva_cfg_read(&a, 4, 2, &cmd0);
        r = measure_to(&a, s.chid, cfg + ((uint64_t)bdf << 12) + 0x100);
        gva_cfg_read(&a, 4, 2, &cmd1);
        CHECK(r == GV_ERR_RESULT && cmd0 == cmd1, "CH_MEASURE's result "
              "aimed at the device's own config space (MMCONFIG): %s, "
              "config unchanged", gva_err_name(r));
    }
    f = gva_fence(MARK_VA, 1);
    r = gva_chan_run(&a, &p, &f, sizeof(f));
    ACCEPTED(r, "the attacker's channel still runs (its own fence)");
    CHECK(gva_rd(&a, GV_REG_ID) == GV_ID_MAGIC, "the device is alive");

    atk_no_leak(&a, &v, "after the re-entrancy attempts");
    atk_victim_ok(&v, 0, "after the re-entrancy attempts (interrupts "
                  "work again)");
    gva_chan_destroy(&a, &s);
    gva_chan_destroy(&a, &p);
    return atk_finish(&a, &v);
}
