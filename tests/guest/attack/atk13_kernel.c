/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 13: a malicious kernel launched in another context reads the
 * victim's memory (it can only reach its own page tables).
 *
 * The attacker launches kernels of its own (hand-assembled GVX) on a
 * normal channel: a load from the victim's secret address (unmapped in
 * the attacker's channel), stored to a page the attacker reads; a copy
 * engine COPY from the same address; and, after mapping a page of its own
 * at that address, the same kernel again, which must read the attacker's
 * own page.  The first two fault and write nothing; the third returns the
 * attacker's marker, not the secret.  Then the victim loads a module whose
 * data is the secret: the attacker's kernel and copies of its address
 * fault too.
 */
#include "atk.h"

#define MOD_VA   (3ull << GV_PDE_SHIFT)
#define OUT_VA   ((3ull << GV_PDE_SHIFT) + (512ull << GV_PAGE_SHIFT))
#define MARK     0x4b52414d4b435441ull       /* "ATCKMARK" */

/* out[0..3] = in[0..3] (u64), one thread */
static uint8_t *reader(uint64_t in, uint64_t out, uint32_t *size)
{
    struct gva_kasm k = { .nregs = 1 };
    char err[200] = "";
    uint8_t *img;

    for (unsigned i = 0; i < 4; i++) {
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, 0, gva_k(&k, in),
                 GV_ISA_NONE, (uint16_t)(8 * i));
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, GV_ISA_NONE,
                 gva_k(&k, out), 0, (uint16_t)(8 * i));
    }
    gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, GV_ISA_NONE, GV_ISA_NONE,
             GV_ISA_NONE, 0);
    img = gva_kimage(&k, size, err, sizeof(err));
    CHECK(img != NULL, "a reader kernel assembled (%s)", err);
    return img;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine;
    struct gv_cmd_copy c;
    struct gvv_reply rep;
    uint64_t out, own, got[4], va;
    uint32_t size;
    uint8_t *img;
    int r;

    printf("attack 13: a kernel of the attacker reads the victim's "
           "addresses\n");
    atk_setup(&a, &v, 1, 8192);
    va = v.info.va;
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    out = gva_unprot_pages(&a, GV_PAGE_SIZE);
    memset(got, 0, sizeof(got));
    gva_bar2_write(&a, out, got, sizeof(got));
    r = gva_map(&a, &mine, OUT_VA, out, 1, false, GV_PTE_VALID);
    ACCEPTED(r, "its output page (unprotected, read through BAR2)");

    img = reader(va, OUT_VA, &size);
    if (!img) {
        return atk_finish(&a, &v);
    }
    r = gva_launch(&a, &mine, MOD_VA, img, size, 1, NULL, 0);
    REFUSED(r, GV_ERR_FAULT, "the kernel loading the victim's secret "
            "address 0x%llx", (unsigned long long)va);
    gva_bar2_read(&a, out, got, sizeof(got));
    CHECK(got[0] == 0 && !gva_scan(got, sizeof(got), v.info.secret,
                                   GVV_SECRET_LEN),
          "it wrote nothing");
    c = gva_copy(GV_COPY_DST_HOST, va, GVA_HOST_OFF, 4096);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_FAULT, "a COPY from that address on the attacker's "
            "channel");

    own = gva_unprot_pages(&a, GV_PAGE_SIZE);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t m = MARK;

        gva_bar2_write(&a, own + 8 * i, &m, 8);
    }
    r = gva_map(&a, &mine, va, own, 1, false, GV_PTE_VALID);
    ACCEPTED(r, "the attacker maps a page of its own at the victim's "
             "address");
    r = gva_launch(&a, &mine, MOD_VA, img, size, 1, NULL, 0);
    ACCEPTED(r, "the same kernel runs");
    gva_bar2_read(&a, out, got, sizeof(got));
    CHECK(got[0] == MARK && got[3] == MARK, "and reads the attacker's own "
          "page: its address space is its own");
    free(img);

    /* the secret in a module's data, in secure memory */
    r = gvv_cmd(&v, GVV_MODULE, 0, 0, NULL, 0, &rep);
    ACCEPTED(r, "victim: loads a module whose data is the secret, at "
             "0x%llx", (unsigned long long)rep.val);
    img = reader(rep.val, OUT_VA, &size);
    r = img ? gva_launch(&a, &mine, MOD_VA, img, size, 1, NULL, 0) : -EINVAL;
    REFUSED(r, GV_ERR_FAULT, "the attacker's kernel loading the victim's "
            "module");
    c = gva_copy(GV_COPY_DST_HOST, rep.val, GVA_HOST_OFF, 4096);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_FAULT, "a COPY of the victim's module");
    free(img);

    atk_no_leak(&a, &v, "after the kernels");
    atk_victim_ok(&v, 0, "after the kernels");
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
