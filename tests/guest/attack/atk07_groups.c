/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 7: the driver replays, drops, reorders or tampers with an
 * encrypted command group.
 *
 * The attacker records the victim's groups from guest RAM (the ring entry
 * at PUT-1 of the victim's channel and the group it points at) and puts
 * them back into the victim's own ring: the same group again, on the
 * other stream of the context, with a bit flipped in the ciphertext, the
 * tag or the header, shortened, and as plaintext.  Then the victim seals
 * three groups the driver is to deliver, and the driver delivers them out
 * of order, twice, and skipping one.  Every wrong one fails AUTH (a
 * malformed header BAD_GROUP) without advancing the channel's counter; the
 * right order runs; the victim goes on.
 */
#include "atk.h"

static uint64_t counter(struct gva *a, unsigned chid)
{
    return gva_chan_rd(a, chid, GV_CHAN_COUNTER_LO) |
           (uint64_t)gva_chan_rd(a, chid, GV_CHAN_COUNTER_HI) << 32;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gvv_reply rep;
    struct gv_gpfifo_entry e;
    struct gv_group_hdr *h;
    uint8_t *g = NULL, *t = NULL, grp[64];
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };
    unsigned c0, c1;
    uint64_t k0;
    uint32_t len, gl;
    int r;

    printf("attack 7: replay, drop, reorder and tamper with the victim's "
           "command groups\n");
    atk_setup(&a, &v, 2, 4096);
    c0 = v.info.chid[0];
    c1 = v.info.chid[1];

    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "victim: an encrypted group on stream %u", c0);
    r = gva_record(&a, c0, -1, &e, &g);
    h = (void *)g;
    CHECK(r == 0 && h->magic == GV_GROUP_MAGIC &&
          (h->flags & GV_GROUP_ENCRYPTED), "recorded from guest RAM: ring "
          "entry and group (%u bytes, encrypted) (%d)", e.len, r);
    if (r) {
        return atk_finish(&a, &v);
    }
    len = e.len;
    t = malloc(len);
    k0 = counter(&a, c0);

    r = gva_inject(&a, c0, g, len);
    REFUSED(r, GV_ERR_AUTH, "the recorded group replayed on its channel");
    r = gva_inject(&a, c1, g, len);
    REFUSED(r, GV_ERR_AUTH, "the recorded group replayed on the other "
            "stream of the context");
    memcpy(t, g, len);
    t[sizeof(*h) + 3] ^= 1;
    r = gva_inject(&a, c0, t, len);
    REFUSED(r, GV_ERR_AUTH, "one bit of its ciphertext flipped");
    memcpy(t, g, len);
    t[len - 1] ^= 0x80;
    r = gva_inject(&a, c0, t, len);
    REFUSED(r, GV_ERR_AUTH, "one bit of its tag flipped");
    memcpy(t, g, len);
    ((struct gv_group_hdr *)t)->payload_len -= 8;
    r = gva_inject(&a, c0, t, len - 8);
    REFUSED(r, GV_ERR_AUTH, "its header's length shortened by 8 (and the "
            "entry's)");
    memcpy(t, g, len);
    ((struct gv_group_hdr *)t)->reserved = 1;
    r = gva_inject(&a, c0, t, len);
    REFUSED(r, GV_ERR_BAD_GROUP, "a reserved header field set");
    gl = gva_group(grp, &nop, sizeof(nop));
    r = gva_inject(&a, c0, grp, gl);
    REFUSED(r, GV_ERR_AUTH, "a plaintext group on the secure channel");
    CHECK_EQ_U64(counter(&a, c0), k0, "the channel's counter did not move");

    /* three groups the victim has sealed for the driver to deliver */
    r = gvv_cmd(&v, GVV_SEAL, 0, 3, NULL, 0, &rep);
    gl = rep.len / 3;
    ACCEPTED(r, "victim: three sealed groups to deliver (%u bytes each)",
             gl);
    r = gva_inject(&a, c0, rep.data + gl, gl);
    REFUSED(r, GV_ERR_AUTH, "the second delivered first (the first "
            "dropped)");
    r = gva_inject(&a, c0, rep.data + 2 * gl, gl);
    REFUSED(r, GV_ERR_AUTH, "the third delivered first");
    r = gva_inject(&a, c0, rep.data, gl);
    ACCEPTED(r, "the first, in order");
    r = gva_inject(&a, c0, rep.data, gl);
    REFUSED(r, GV_ERR_AUTH, "the first again");
    r = gva_inject(&a, c0, rep.data + 2 * gl, gl);
    REFUSED(r, GV_ERR_AUTH, "the third, skipping the second");
    r = gva_inject(&a, c0, rep.data + gl, gl);
    ACCEPTED(r, "the second, in order");
    r = gva_inject(&a, c0, rep.data + 2 * gl, gl);
    ACCEPTED(r, "the third, in order");
    CHECK_EQ_U64(counter(&a, c0), k0 + 3, "the counter moved by exactly "
                 "the three groups that ran");

    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "victim: its next group runs (stream %u)", c0);
    r = gvv_cmd(&v, GVV_RUN, 1, 0, NULL, 0, NULL);
    ACCEPTED(r, "victim: and one on stream %u", c1);
    atk_no_leak(&a, &v, "after the group attacks");
    atk_victim_ok(&v, 0, "after the group attacks");
    free(g);
    free(t);
    return atk_finish(&a, &v);
}
