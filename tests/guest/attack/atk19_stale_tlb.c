/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 19: stale translation.  An access through a VA right after its
 * unmap.
 *
 * The device caches translations (a TLB per channel) and must flush them
 * on every CH_PTE, CH_PDE, CH_CREATE and CH_DESTROY.  The attacker warms
 * the TLB with a copy through a VA, unmaps it and copies again at once;
 * remaps the VA to another page and reads; does the same to a kernel of
 * its own (the compute engine's translations); and unmaps a page under a
 * second stream that shares the table.  Every access after an unmap must
 * fault; after the remap the new page must be read, never the old one.
 * The page the attacker unmapped is the one the victim could get next.
 */
#include "atk.h"

#define VA      ((2ull << GV_PDE_SHIFT) + (8ull << GV_PAGE_SHIFT))
#define MOD_VA  (3ull << GV_PDE_SHIFT)
#define OUT_VA  ((3ull << GV_PDE_SHIFT) + (512ull << GV_PAGE_SHIFT))
#define OLD     0x44444c4f44444c4full          /* "OLDDOLDD" */
#define NEW     0x5757454e5757454eull          /* "NEWWNEWW" */

static int copy_out(struct gva *a, struct gva_chan *ch, uint64_t *got)
{
    struct gv_cmd_copy c = gva_copy(GV_COPY_DST_HOST, VA, GVA_HOST_OFF, 8);
    int r;

    memset(ch->buf.cpu + GVA_HOST_OFF, 0, 8);
    r = gva_chan_run(a, ch, &c, sizeof(c));
    memcpy(got, ch->buf.cpu + GVA_HOST_OFF, 8);
    return r;
}

static uint64_t marked(struct gva *a, uint64_t value)
{
    uint64_t pa = gva_unprot_pages(a, GV_PAGE_SIZE);

    gva_bar2_write(a, pa, &value, 8);
    return pa;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine, stream;
    struct gva_kasm k = { .nregs = 1 };
    uint64_t old = 0, new = 0, out, got;
    uint32_t size;
    uint8_t *img;
    char err[200] = "";
    int r;

    printf("attack 19: access through a VA right after its unmap\n");
    atk_setup(&a, &v, 1, 4096);
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    old = marked(&a, OLD);
    new = marked(&a, NEW);

    r = gva_map(&a, &mine, VA, old, 1, false, GV_PTE_VALID);
    r = r ? r : copy_out(&a, &mine, &got);
    CHECK(r == 0 && got == OLD, "a copy through the VA (the TLB warm): "
          "the old page");
    r = gva_unmap(&a, &mine, VA, 1, false);
    ACCEPTED(r, "the VA unmapped");
    r = copy_out(&a, &mine, &got);
    CHECK(r == GV_ERR_FAULT && got == 0, "a copy right after: %s, nothing "
          "read", gva_err_name(r));
    r = gva_map(&a, &mine, VA, new, 1, false, GV_PTE_VALID);
    r = r ? r : copy_out(&a, &mine, &got);
    CHECK(r == 0 && got == NEW, "remapped to another page: the new page is "
          "read, not the old");

    /* the compute engine's translations */
    gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, 0, gva_k(&k, VA),
             GV_ISA_NONE, 0);
    gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, GV_ISA_NONE,
             gva_k(&k, OUT_VA), 0, 0);
    gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, GV_ISA_NONE, GV_ISA_NONE,
             GV_ISA_NONE, 0);
    img = gva_kimage(&k, &size, err, sizeof(err));
    CHECK(img != NULL, "a reader kernel (%s)", err);
    out = gva_unprot_pages(&a, GV_PAGE_SIZE);
    gva_map(&a, &mine, OUT_VA, out, 1, false, GV_PTE_VALID);
    r = img ? gva_launch(&a, &mine, MOD_VA, img, size, 1, NULL, 0) : -EINVAL;
    gva_bar2_read(&a, out, &got, 8);
    CHECK(r == 0 && got == NEW, "the kernel reads through the VA: the new "
          "page");
    gva_unmap(&a, &mine, VA, 1, false);
    got = 0;
    gva_bar2_write(&a, out, &got, 8);
    r = img ? gva_launch(&a, &mine, MOD_VA, img, size, 1, NULL, 0) : -EINVAL;
    gva_bar2_read(&a, out, &got, 8);
    CHECK(r == GV_ERR_FAULT && got == 0, "after the unmap the same kernel "
          "faults (%s), nothing read", gva_err_name(r));
    free(img);

    /* a second stream sharing the table: the unmap reaches it too */
    r = gva_chan_create(&a, &stream, GV_CREATE_SHARE, mine.chid);
    ACCEPTED(r, "a second stream of the attacker's context");
    r = gva_ch_pde(&a, stream.chid, 2, false, mine.small_pgt[2]);
    ACCEPTED(r, "sharing the first one's page table");
    r = gva_map(&a, &mine, VA, old, 1, false, GV_PTE_VALID);
    r = r ? r : copy_out(&a, &stream, &got);
    CHECK(r == 0 && got == OLD, "the stream reads the page (its TLB warm)");
    gva_unmap(&a, &mine, VA, 1, false);
    r = copy_out(&a, &stream, &got);
    CHECK(r == GV_ERR_FAULT && got == 0, "unmapped through the first "
          "channel: the stream faults at once (%s)", gva_err_name(r));

    atk_no_leak(&a, &v, "after the stale-translation attempts");
    atk_victim_ok(&v, 0, "after the stale-translation attempts");
    gva_chan_destroy(&a, &stream);
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
