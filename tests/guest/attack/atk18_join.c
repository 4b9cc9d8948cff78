/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 18: joining.  A normal channel created as a stream of a secure
 * context, or a secure one with a foreign UK_pub sharing its tables.
 *
 * The attacker asks CH_CREATE for a normal channel sharing the victim's
 * secure channel (GV_CREATE_SHARE), for a secure channel with SHARE, and
 * for a secure channel under its own key; it then tries to install the
 * victim's page table in those channels and to map the victim's secret.
 * Finally it creates a secure channel with the victim's own (public)
 * UK_pub, which does join the context and may share its page table, and
 * finds it useless: without CEK every group it sends fails AUTH, and the
 * populated, LOCKED table cannot be taken out again (PAGE_LOCKED).
 */
#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan probe, n, s, j;
    struct atk_pages p;
    struct gv_quote q;
    struct gv_cmd_copy c;
    uint8_t grp[128];
    unsigned vch, pgdi;
    int r;

    printf("attack 18: join the victim's secure context\n");
    atk_setup(&a, &v, 1, 0);
    vch = v.info.chid[0];
    r = gva_chan_create(&a, &probe, 0, 0);
    ACCEPTED(r, "attacker: a probe channel");
    r = atk_find_secret(&a, &v, &probe, PROBE_VA, 4096, &p);
    CHECK(r == 0 && p.table, "the victim's secret page 0x%llx and page "
          "table 0x%llx (%d)", (unsigned long long)p.data[0],
          (unsigned long long)p.table, r);
    pgdi = (unsigned)(v.info.va >> GV_PDE_SHIFT);

    r = gva_chan_create(&a, &n, GV_CREATE_SHARE, vch);
    REFUSED(r, GV_ERR_BAD_CHANNEL, "a normal channel as a stream of the "
            "victim's secure channel (SHARE)");
    gva_chan_destroy(&a, &n);
    r = gva_chan_create_at(&a, &n, GV_MAX_CHANNELS,
                           GV_CREATE_SECURE | GV_CREATE_SHARE, vch, 0, 0,
                           v.info.uk_pub, &q);
    REFUSED(r, GV_ERR_BAD_COMMAND, "a secure channel with SHARE");
    gva_chan_destroy(&a, &n);

    r = gva_chan_create(&a, &n, 0, 0);
    ACCEPTED(r, "a normal channel of the attacker's");
    r = gva_ch_pde(&a, n.chid, pgdi, false, p.table);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "it shares the victim's page table");
    r = gva_chan_create_secure(&a, &s);
    ACCEPTED(r, "a secure channel under a foreign UK_pub (the attacker's)");
    r = gva_ch_pde(&a, s.chid, pgdi, false, p.table);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "it shares the victim's page table");
    r = gva_map(&a, &s, v.info.va, p.data[0], 1, false, GV_PTE_VALID);
    REFUSED(r, GV_ERR_OTHER_CONTEXT, "it maps the victim's secret");

    /* the victim's own public key: a stream of its context, but keyless */
    r = gva_chan_create_at(&a, &j, GV_MAX_CHANNELS, GV_CREATE_SECURE, 0, 0, 0,
                           v.info.uk_pub, &q);
    ACCEPTED(r, "a secure channel with the victim's UK_pub: joins its "
             "context (streams share CEK)");
    r = gva_ch_pde(&a, j.chid, pgdi, false, p.table);
    ACCEPTED(r, "and shares its page table (same context)");
    c = gva_copy(GV_COPY_DST_HOST, v.info.va, GVA_HOST_OFF, 4096);
    r = gva_chan_run_raw(&a, &j, grp, gva_group(grp, &c, sizeof(c)), 0);
    REFUSED(r, GV_ERR_AUTH, "but its plaintext COPY of the secret is "
            "refused");
    {
        struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                                  .flags = GV_GROUP_ENCRYPTED,
                                  .payload_len = sizeof(c) };

        memcpy(grp, &h, sizeof(h));
        memcpy(grp + sizeof(h), &c, sizeof(c));     /* "ciphertext" */
        memset(grp + sizeof(h) + sizeof(c), 0, GV_TAG_LEN);
        r = gva_chan_run_raw(&a, &j, grp, sizeof(h) + sizeof(c) + GV_TAG_LEN,
                             0);
    }
    REFUSED(r, GV_ERR_AUTH, "and so is a group sealed without CEK");
    CHECK(!gva_scan(j.buf.cpu, j.buf.size, v.info.secret, GVV_SECRET_LEN),
          "its host window holds nothing of the secret");
    r = gva_ch_pde(&a, j.chid, pgdi, false, 0);
    REFUSED(r, GV_ERR_PAGE_LOCKED, "nor can it take the populated secure "
            "table out (it could then put its own under those addresses)");

    atk_no_leak(&a, &v, "after joining");
    atk_victim_ok(&v, 0, "after joining");
    gva_chan_destroy(&a, &j);
    gva_chan_destroy(&a, &s);
    gva_chan_destroy(&a, &n);
    gva_chan_destroy(&a, &probe);
    return atk_finish(&a, &v);
}
