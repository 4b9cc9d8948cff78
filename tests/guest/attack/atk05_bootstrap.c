/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 5: the driver uses protected pages of a secure context as a
 * bootstrap channel's tables, or issues copy/compute from a bootstrap
 * channel.
 *
 * A bootstrap channel is made by MMIO from a descriptor address; its
 * tables are not protected, so it must never run an engine command nor
 * have its descriptor in protected memory.  The attacker: bootstrap
 * descriptors on the victim's secret page, on a free protected page and
 * on the victim's busy channel slot; every engine command on its own
 * bootstrap channel; CH_* aimed at bootstrap channels (its own and the
 * driver's); CH_* on a normal channel and, as a plaintext group, on the
 * victim's secure channel; a release of the victim's channel through CTRL.
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)

static int desc_err(struct gva *a, unsigned chid, uint64_t addr)
{
    uint32_t before = gva_rd(a, GV_REG_ERROR_COUNT);
    int r;

    gva_chan_wr(a, chid, GV_CHAN_DESC_LO, (uint32_t)addr);
    gva_chan_wr(a, chid, GV_CHAN_DESC_HI, (uint32_t)(addr >> 32));
    r = gva_rd(a, GV_REG_ERROR_COUNT) != before ?
        (int)gva_rd(a, GV_REG_ERROR_CODE) : 0;
    gva_err_ack(a);
    return r;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine;
    struct atk_pages p;
    unsigned vch, fch;
    uint8_t grp[512];
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };
    struct gv_cmd_fence f;
    struct gv_cmd_copy c;
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY, sizeof(k) } };
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH, sizeof(l) } };
    struct gv_cmd_ch_pde pde = { .hdr = { GV_OP_CH_PDE, sizeof(pde) } };
    int r;

    printf("attack 5: bootstrap channels on protected pages, engine "
           "commands on bootstrap channels\n");
    atk_setup(&a, &v, 1, 0);
    vch = v.info.chid[0];
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    r = atk_find_secret(&a, &v, &mine, PROBE_VA, 4096, &p);
    CHECK(r == 0, "the victim's secret page: 0x%llx (%d)",
          (unsigned long long)p.data[0], r);

    fch = gva_chid_alloc(&a);
    r = desc_err(&a, fch, p.data[0]);
    REFUSED(r, GV_ERR_BAD_ADDRESS, "a bootstrap channel on the victim's "
            "secret page");
    r = desc_err(&a, fch, gva_prot_pages(&a, 4096));
    REFUSED(r, GV_ERR_BAD_ADDRESS, "a bootstrap channel on a free "
            "protected page");
    CHECK((gva_chan_rd(&a, fch, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
          GV_CHAN_TYPE_FREE, "no bootstrap channel was made");
    r = desc_err(&a, vch, gva_unprot_pages(&a, 4096));
    REFUSED(r, GV_ERR_CHANNEL_BUSY, "a bootstrap descriptor written over "
            "the victim's secure channel");

    /* engine commands on the attacker's bootstrap channel */
    r = gva_boot_run(&a, &nop, sizeof(nop));
    REFUSED(r, GV_ERR_BOOTSTRAP, "NOP on a bootstrap channel");
    f = gva_fence(v.info.va, 1);
    r = gva_boot_run(&a, &f, sizeof(f));
    REFUSED(r, GV_ERR_BOOTSTRAP, "FENCE on a bootstrap channel (at the "
            "victim's VA)");
    c = gva_copy(GV_COPY_DST_HOST, v.info.va, 0, 4096);
    r = gva_boot_run(&a, &c, sizeof(c));
    REFUSED(r, GV_ERR_BOOTSTRAP, "COPY from the victim's VA on a bootstrap "
            "channel");
    r = gva_boot_run(&a, &k, sizeof(k));
    REFUSED(r, GV_ERR_BOOTSTRAP, "SET_COPY_KEY on a bootstrap channel");
    l.grid[0] = l.grid[1] = l.grid[2] = 1;
    l.block[0] = l.block[1] = l.block[2] = 1;
    r = gva_boot_run(&a, &l, sizeof(l));
    REFUSED(r, GV_ERR_BOOTSTRAP, "LAUNCH on a bootstrap channel");

    /* CH_* aimed at bootstrap channels */
    pde.pgt_addr = gva_prot_pages(&a, GV_PGT_SMALL_BYTES);
    pde.chid = GVA_CHID_BOOT;
    r = gva_boot_run(&a, &pde, sizeof(pde));
    REFUSED(r, GV_ERR_BOOTSTRAP, "CH_PDE aimed at the attacker's bootstrap "
            "channel");
    pde.chid = 0;
    r = gva_boot_run(&a, &pde, sizeof(pde));
    REFUSED(r, GV_ERR_BOOTSTRAP, "CH_PDE aimed at the driver's bootstrap "
            "channel");
    r = gva_ch_destroy(&a, 0, NULL);
    REFUSED(r, GV_ERR_BOOTSTRAP, "CH_DESTROY of the driver's bootstrap "
            "channel");
    r = gva_ch_measure(&a, GVA_CHID_BOOT, 0, 8, NULL);
    REFUSED(r, GV_ERR_BOOTSTRAP, "CH_MEASURE of a bootstrap channel");

    /* CH_* where only engine commands go */
    pde.chid = mine.chid;
    pde.pgd_index = 2;
    r = gva_chan_run(&a, &mine, &pde, sizeof(pde));
    REFUSED(r, GV_ERR_NOT_BOOTSTRAP, "CH_PDE on a normal channel");
    pde.chid = vch;
    r = gva_inject(&a, vch, grp, gva_group(grp, &pde, sizeof(pde)));
    REFUSED(r, GV_ERR_AUTH, "CH_PDE as a plaintext group on the victim's "
            "secure channel");

    gva_chan_wr(&a, vch, GV_CHAN_CTRL, GV_CHAN_CTRL_RELEASE);
    r = (int)gva_rd(&a, GV_REG_ERROR_CODE);
    gva_err_ack(&a);
    CHECK(r == GV_ERR_BAD_CHANNEL &&
          (gva_chan_rd(&a, vch, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
          GV_CHAN_TYPE_SECURE, "CTRL release of the victim's channel: "
          "refused (%s), still secure", gva_err_name(r));

    atk_no_leak(&a, &v, "after the bootstrap attacks");
    atk_victim_ok(&v, 0, "after the bootstrap attacks");
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
