/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 11: fake device or quote: a quote not signed by a certified AK,
 * a quote for another UK_pub, or a replayed quote (nonce).
 *
 * The victim's runtime asks for a new channel with a fresh nonce; the
 * driver answers with a quote of its choosing: a genuine quote the device
 * made for the victim's UK_pub but another nonce (the attacker created a
 * secure channel with the victim's public key itself), the victim's own
 * first quote again, a genuine quote for the attacker's own UK_pub and
 * the victim's nonce, a genuine quote with its nonce field rewritten, and
 * a quote the attacker made and signed itself (wrapping a CEK of its
 * choosing under the victim's key).  The runtime refuses every one.  The
 * attacker cannot unwrap the CEK in the quotes it got, either.
 */
#include <sys/random.h>

#include "gv_crypto.h"
#include "gvrt_secure.h"

#include "atk.h"

static int relay(struct gvv *v, const struct gv_quote *q)
{
    return gvv_cmd(v, GVV_QUOTE, 0, 0, q, sizeof(*q), NULL);
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gvv_reply rep;
    struct gva_chan join, own;
    struct gv_quote q1, q3, f;
    struct gvc_key *k = NULL;
    uint8_t nonce[GV_NONCE_LEN], cek[GV_CEK_LEN];
    int r;

    printf("attack 11: fake and replayed quotes\n");
    atk_setup(&a, &v, 1, 4096);
    r = gvv_cmd(&v, GVV_NONCE, 0, 0, NULL, 0, &rep);
    memcpy(nonce, rep.data, sizeof(nonce));
    ACCEPTED(r, "victim: asks for a new channel with a fresh nonce");

    r = gva_chan_create_at(&a, &join, GV_MAX_CHANNELS, GV_CREATE_SECURE, 0, 0,
                           0, v.info.uk_pub, &q1);
    ACCEPTED(r, "attacker: a secure channel with the victim's UK_pub and a "
             "nonce of its own: a genuine quote");
    r = relay(&v, &q1);
    CHECK(r != 0, "that quote (another nonce): refused by the runtime (%d)",
          r);
    r = relay(&v, &v.info.quote[0]);
    CHECK(r != 0, "the victim's own first quote, replayed: refused (%d)", r);

    r = gva_chan_create_secure(&a, &own);
    ACCEPTED(r, "attacker: a secure channel under its own key");
    gva_chan_destroy(&a, &own);
    {
        struct gvrt_secure s;

        gvrt_secure_init(&s);
        r = gva_chan_create_at(&a, &own, GV_MAX_CHANNELS, GV_CREATE_SECURE,
                               0, 0, 0, s.uk_pub, &q3);
        memcpy(q3.nonce, nonce, sizeof(nonce));    /* as if asked with it */
        gvrt_secure_fini(&s);
    }
    ACCEPTED(r, "attacker: a genuine quote for its own UK_pub");
    r = relay(&v, &q3);
    CHECK(r != 0, "that quote (another UK_pub, the victim's nonce written "
          "in): refused (%d)", r);
    f = q1;
    memcpy(f.nonce, nonce, sizeof(nonce));
    r = relay(&v, &f);
    CHECK(r != 0, "the victim's genuine quote with the nonce rewritten: "
          "refused (%d)", r);
    f = q1;
    f.chid ^= 1;
    r = relay(&v, &f);
    CHECK(r != 0, "the same with its channel id changed: refused (%d)", r);

    /* a quote of the attacker's own making */
    memset(&f, 0, sizeof(f));
    f = q1;
    memcpy(f.nonce, nonce, sizeof(nonce));
    getrandom(cek, sizeof(cek), 0);
    r = gvc_key_generate(&k);
    if (r == GVC_OK) {
        r = gvc_wrap(v.info.uk_pub, cek, sizeof(cek), f.wrapped_cek,
                     sizeof(f.wrapped_cek));
    }
    if (r == GVC_OK) {
        r = gvc_sign(k, &f, offsetof(struct gv_quote, sig), f.sig);
    }
    ACCEPTED(r, "attacker: a quote for the victim's key and nonce, a CEK "
             "of its own wrapped in it, signed with a key of its own");
    r = relay(&v, &f);
    CHECK(r != 0, "that quote (not the certified AK's signature): refused "
          "(%d)", r);
    gvc_key_free(k);

    r = gvc_key_generate(&k);
    CHECK(r == GVC_OK && gvc_unwrap(k, q1.wrapped_cek,
                                    sizeof(q1.wrapped_cek), cek,
                                    sizeof(cek)) != GVC_OK,
          "the attacker cannot unwrap the CEK in the genuine quote");
    gvc_key_free(k);
    CHECK(!gva_scan(&q1, sizeof(q1), v.info.secret, GVV_SECRET_LEN),
          "nothing of the secret in the quotes");

    atk_no_leak(&a, &v, "after the quotes");
    atk_victim_ok(&v, 0, "after the quotes");
    gva_chan_destroy(&a, &own);
    gva_chan_destroy(&a, &join);
    return atk_finish(&a, &v);
}
