/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 15: cross-incarnation replay.  Destroy a channel without
 * authorisation, create it again with the victim's UK_pub, replay the old
 * groups, MACs or copy ciphertexts.
 *
 * The victim opens a second stream (its first group sets the stream's copy
 * key) and copies its secret out through it (encrypted by the copy
 * engine); the attacker records both groups and the ciphertext.  The
 * victim then writes a new secret.  The attacker destroys the stream
 * (unauthorised CH_DESTROY: allowed), creates the same channel id again
 * with the victim's public key (it joins the victim's context: same CEK),
 * maps the victim's secret pages into it at the same address (same
 * context: allowed), and replays the recorded groups in order: with a
 * counter-only IV they would authenticate, set the same copy key and copy
 * the new secret out under the same key and IV (its XOR with the old
 * ciphertext is the XOR of the secrets).  They must fail AUTH: the quote
 * carries a new incarnation, and every key is bound to it.  Then a second
 * victim destroys a stream with its MAC; the attacker re-creates it and
 * replays the MAC: refused (MAC).
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)

int main(void)
{
    struct gva a;
    struct gvv v, v2;
    struct gvv_reply rep;
    struct gva_chan probe, re, re2;
    struct atk_pages p;
    struct gv_gpfifo_entry e0, e1;
    struct gv_quote q;
    uint8_t *g0 = NULL, *g1 = NULL, mac[GV_TAG_LEN];
    uint64_t inc_old, va;
    unsigned c1, pgdi, pgti;
    int r;

    printf("attack 15: destroy and re-create a victim's stream, replay "
           "across incarnations\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &probe, 0, 0);
    ACCEPTED(r, "attacker: a probe channel");
    r = atk_find_secret(&a, &v, &probe, PROBE_VA, 8192, &p);
    CHECK(r == 0, "the victim's secret pages (%u) (%d)", p.ndata, r);
    va = v.info.va;

    r = gvv_cmd(&v, GVV_STREAM, 1, 0, NULL, 0, NULL);
    c1 = v.info.chid[1];
    inc_old = v.info.quote[1].incarnation;
    ACCEPTED(r, "victim: a second stream, channel %u (incarnation %llu)", c1,
             (unsigned long long)inc_old);
    r = gva_record(&a, c1, -1, &e0, &g0);
    ACCEPTED(r, "recorded: its first group (sets the copy key)");
    r = gvv_cmd(&v, GVV_CHECK, 1, 0, NULL, 0, NULL);
    ACCEPTED(r, "victim: copies its secret out through that stream");
    r = gva_record(&a, c1, -1, &e1, &g1);
    ACCEPTED(r, "recorded: the copy-out group");
    CHECK(!atk_scan_hostwin(&a, c1, v.info.secret),
          "the copy-out in the victim's buffer is ciphertext");
    r = gvv_cmd(&v, GVV_REWRITE, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "victim: writes a new secret over the old");

    r = gva_ch_destroy(&a, c1, NULL);
    ACCEPTED(r, "unauthorised CH_DESTROY of the victim's stream %u", c1);
    r = gva_chan_create_at(&a, &re, c1, GV_CREATE_SECURE, 0, 0, 0,
                           v.info.uk_pub, &q);
    ACCEPTED(r, "CH_CREATE of channel %u again with the victim's UK_pub", c1);
    CHECK(q.incarnation != inc_old, "its quote: incarnation %llu, not %llu",
          (unsigned long long)q.incarnation, (unsigned long long)inc_old);
    pgdi = (unsigned)(va >> GV_PDE_SHIFT);
    pgti = (unsigned)(va >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);
    r = gva_ch_pde(&a, c1, pgdi, false, gva_prot_pages(&a,
                                                       GV_PGT_SMALL_BYTES));
    if (r == 0) {
        uint64_t pte[64];
        struct gv_pte_summary s;

        for (unsigned i = 0; i < p.ndata; i++) {
            pte[i] = p.data[i] | GV_PTE_VALID;
        }
        r = gva_ch_pte(&a, c1, pgdi, pgti, p.ndata, pte, false, NULL, &s);
    }
    ACCEPTED(r, "the victim's secret pages mapped into it at the same "
             "address (same context)");
    memset(re.buf.cpu, 0, re.buf.size);
    r = gva_chan_run_raw(&a, &re, g0, e0.len, 0);
    REFUSED(r, GV_ERR_AUTH, "the recorded copy-key group replayed in the "
            "new incarnation");
    r = gva_chan_run_raw(&a, &re, g1, e1.len, 0);
    REFUSED(r, GV_ERR_AUTH, "the recorded copy-out group replayed");
    CHECK(!gva_scan(re.buf.cpu + 4096, re.buf.size - 4096, v.info.secret,
                    GVV_SECRET_LEN), "nothing came out");
    free(g0);
    free(g1);
    /* the re-created channel stays (its buffers too): the driver destroys
     * "its" stream when the victim exits */

    r = gvv_start(&v2, 2, 0);
    ACCEPTED(r, "a second victim with two streams");
    r = gvv_cmd(&v2, GVV_DESTROY, 1, 0, NULL, 0, &rep);
    memcpy(mac, rep.data, sizeof(mac));
    ACCEPTED(r, "it destroys stream %u with its MAC (the driver relays it)",
             v2.info.chid[1]);
    r = gva_chan_create_at(&a, &re2, v2.info.chid[1], GV_CREATE_SECURE, 0, 0,
                           0, v2.info.uk_pub, &q);
    ACCEPTED(r, "the attacker creates channel %u again with its UK_pub",
             v2.info.chid[1]);
    r = gva_ch_destroy(&a, v2.info.chid[1], mac);
    REFUSED(r, GV_ERR_MAC, "the recorded destroy MAC replayed on the new "
            "incarnation");
    r = gva_ch_destroy(&a, v2.info.chid[1], NULL);
    ACCEPTED(r, "(the attacker destroys it without authorisation)");
    gva_dma_free(&a, &re2.ring);
    gva_dma_free(&a, &re2.buf);
    atk_victim_ok(&v2, 0, "the second victim's first stream");
    CHECK(gvv_stop(&v2) == 0, "second victim exited");

    atk_no_leak(&a, &v, "after the replays");
    atk_victim_ok(&v, 0, "the victim's first stream");
    gva_chan_destroy(&a, &probe);
    return atk_finish(&a, &v);
}
