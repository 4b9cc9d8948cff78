/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton runtime: the trusted side of the protocol.  See gvrt_secure.h. */
#include "gvrt_secure.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gv_crypto.h"
#include "graviton/gv_endorse.h"
#include "graviton/gv_keys.h"

static void iv_of(uint8_t iv[12], uint32_t domain, uint64_t counter)
{
    for (int i = 0; i < 4; i++) {
        iv[i] = (uint8_t)(domain >> (8 * i));
    }
    for (int i = 0; i < 8; i++) {
        iv[4 + i] = (uint8_t)(counter >> (8 * i));
    }
}

/* The kept K_chan contexts of one struct gvrt_secure (gvrt_secure.h). */
struct gvrt_kept {
    struct gvc_aead *aead[GVRT_MAX_CHANNELS];
    uint64_t key_id[GVRT_MAX_CHANNELS];     /* the key each was made for */
};

/* The key_id of the next quote accepted, in the whole process: 0 is
 * none, and 64 bits never wrap. */
static atomic_uint_fast64_t next_key_id = 1;

/* @s's kept contexts, or NULL where @s does not own them: a copy by value
 * at another address than the struct gvrt_secure_init() made. */
static struct gvrt_kept *kept_of(const struct gvrt_secure *s)
{
    return s->self == s ? s->kept : NULL;
}

/* Wipe and free channel @chid's kept context (OpenSSL's context free
 * cleanses the key schedule). */
static void kept_drop(struct gvrt_kept *k, unsigned chid)
{
    if (k) {
        gvc_aead_free(k->aead[chid]);
        k->aead[chid] = NULL;
        k->key_id[chid] = 0;
    }
}

/* Channel @chid's (valid) K_chan context, made at its first use under
 * this key; NULL where @s is a copy or memory ran out (the caller then
 * makes a one-shot call). */
static struct gvc_aead *chan_aead(const struct gvrt_secure *s, unsigned chid)
{
    struct gvrt_kept *k = kept_of(s);

    if (!k) {
        return NULL;
    }
    if (k->aead[chid] && k->key_id[chid] == s->key_id[chid]) {
        return k->aead[chid];
    }
    kept_drop(k, chid);         /* made for another key: never used */
    if (gvc_aead_new(&k->aead[chid], s->chan_key[chid]) != GVC_OK) {
        return NULL;
    }
    k->key_id[chid] = s->key_id[chid];
    return k->aead[chid];
}

/* AES-256-GCM under channel @chid's (valid) K_chan, as gvc_gcm_seal(). */
static int chan_seal(const struct gvrt_secure *s, unsigned chid,
                     const uint8_t iv[12], const void *aad, size_t aad_len,
                     const void *pt, size_t len, void *ct, uint8_t tag[16])
{
    struct gvc_aead *a = chan_aead(s, chid);

    if (a) {
        return gvc_aead_seal(a, iv, aad, aad_len, pt, len, ct, tag);
    }
    return gvc_gcm_seal(s->chan_key[chid], iv, aad, aad_len, pt, len, ct,
                        tag);
}

/* A GMAC under channel @chid's key (K_chan). */
static int gmac(const struct gvrt_secure *s, unsigned chid, uint32_t domain,
                uint64_t counter, const void *aad, size_t len,
                uint8_t tag[GV_TAG_LEN])
{
    uint8_t iv[12];

    if (chid >= GVRT_MAX_CHANNELS || !s->chan_valid[chid]) {
        return -EINVAL;
    }
    iv_of(iv, domain, counter);
    return chan_seal(s, chid, iv, aad, len, NULL, 0, NULL, tag) == GVC_OK ?
           0 : -EIO;
}

bool gvrt_secure_kept(const struct gvrt_secure *s, unsigned chid)
{
    const struct gvrt_kept *k = kept_of(s);

    return k && chid < GVRT_MAX_CHANNELS && k->aead[chid];
}

int gvrt_secure_init(struct gvrt_secure *s)
{
    memset(s, 0, sizeof(*s));
    s->self = s;
    s->kept = calloc(1, sizeof(*s->kept));  /* NULL: one-shot calls */
    if (gvc_key_generate(&s->uk) != GVC_OK ||
        gvc_key_pub(s->uk, s->uk_pub) != GVC_OK) {
        gvrt_secure_fini(s);
        return -EIO;
    }
    return 0;
}

void gvrt_secure_fini(struct gvrt_secure *s)
{
    struct gvrt_kept *k = kept_of(s);

    if (k) {
        for (unsigned c = 0; c < GVRT_MAX_CHANNELS; c++) {
            kept_drop(k, c);
        }
        free(k);
    }
    gvc_key_free(s->uk);
    memset(s, 0, sizeof(*s));
}

/* The first of the quote's checks that fails, or NULL. */
static const char *quote_check(struct gvrt_secure *s, const struct gv_quote *q,
                               const uint8_t ak_pub[GV_EC_PUB_LEN],
                               const uint8_t nonce[GV_NONCE_LEN],
                               uint8_t cek[GV_CEK_LEN])
{
    uint32_t min_fw = s->min_fw ? s->min_fw : GVRT_MIN_FW_VERSION;
    struct gvc_key *ak = NULL;
    uint8_t h[GV_HASH_LEN];
    const char *why = NULL;

    if (q->magic != GV_QUOTE_MAGIC || q->version != GV_QUOTE_VERSION ||
        q->pad) {
        return "quote format";
    }
    if (q->chid >= GVRT_MAX_CHANNELS) {
        return "quote channel";
    }
    if (q->fw_version < min_fw) {
        return "quote firmware version";
    }
    if (q->flags) {
        return "quote flags (debug or preemptible device)";
    }
    if (gvc_key_from_pub(&ak, ak_pub) != GVC_OK) {
        return "quote signer (AK public key invalid)";
    }
    if (gvc_verify(ak, q, offsetof(struct gv_quote, sig), q->sig) != GVC_OK) {
        why = "quote signature";
    } else if (gvc_sha256(s->uk_pub, GV_EC_PUB_LEN, h) != GVC_OK ||
               gvc_memcmp_ct(h, q->uk_hash, GV_HASH_LEN) != 0) {
        why = "quote user key hash";
    } else if (gvc_memcmp_ct(nonce, q->nonce, GV_NONCE_LEN) != 0) {
        why = "quote nonce";
    } else if (gvc_unwrap(s->uk, q->wrapped_cek, sizeof(q->wrapped_cek), cek,
                          GV_CEK_LEN) != GVC_OK) {
        why = "quote wrapped key";
    } else if (s->have_cek && gvc_memcmp_ct(cek, s->cek, GV_CEK_LEN) != 0) {
        /* Streams of one context share the key: a different one is a
         * lie. */
        why = "quote context key";
    }
    gvc_key_free(ak);
    return why;
}

int gvrt_quote_accept(struct gvrt_secure *s, const struct gv_quote *q,
                      const uint8_t ak_pub[GV_EC_PUB_LEN],
                      const uint8_t nonce[GV_NONCE_LEN])
{
    uint8_t cek[GV_CEK_LEN], kc[32], km[32];
    unsigned chid = q->chid;
    const char *why = quote_check(s, q, ak_pub, nonce, cek);
    int r = -EBADMSG;

    if (why) {
        s->failed = why;
        goto done;
    }
    if (gv_derive_key(cek, GV_KDF_CHAN, chid, q->incarnation, kc) ||
        gv_derive_key(cek, GV_KDF_MEAS, chid, q->incarnation, km)) {
        r = -EIO;
        goto done;
    }
    memcpy(s->cek, cek, sizeof(cek));
    s->have_cek = true;
    kept_drop(kept_of(s), chid);    /* the old key's schedule */
    s->key_id[chid] = atomic_fetch_add(&next_key_id, 1);
    memcpy(s->chan_key[chid], kc, sizeof(kc));
    memcpy(s->meas_key[chid], km, sizeof(km));
    s->incarnation[chid] = q->incarnation;
    s->fw_version[chid] = q->fw_version;
    s->chan_valid[chid] = true;
    s->cmd_counter[chid] = 0;
    s->auth_counter[chid] = 0;
    s->report_counter[chid] = 0;
    r = 0;
done:
    memset(cek, 0, sizeof(cek));
    memset(kc, 0, sizeof(kc));
    memset(km, 0, sizeof(km));
    return r;
}

int gvrt_ak_endorsed(const uint8_t ek_pub[GV_EC_PUB_LEN], uint32_t fw,
                     const uint8_t ak_pub[GV_EC_PUB_LEN],
                     const uint8_t ak_sig[GV_EC_SIG_LEN])
{
    uint8_t msg[GV_ENDORSE_MSG_LEN];
    struct gvc_key *ek = NULL;
    int r;

    gv_endorse_msg(fw, ak_pub, msg);
    if (gvc_key_from_pub(&ek, ek_pub) != GVC_OK) {
        return -EBADMSG;
    }
    r = gvc_verify(ek, msg, sizeof(msg), ak_sig) == GVC_OK ? 0 : -EBADMSG;
    gvc_key_free(ek);
    return r;
}

int gvrt_ak_cert_verify(const uint8_t *ca_cert, size_t ca_len,
                        const uint8_t *ak_cert, size_t ak_len,
                        uint8_t ak_pub[GV_EC_PUB_LEN])
{
    if (gvc_x509_verify(ak_cert, ak_len, ca_cert, ca_len) != GVC_OK ||
        gvc_x509_pub(ak_cert, ak_len, ak_pub) != GVC_OK) {
        return -EBADMSG;
    }
    return 0;
}

uint32_t gvrt_seal_group_at(const struct gvrt_secure *s, unsigned chid,
                            uint64_t counter, const void *cmds, uint32_t len,
                            uint8_t *out)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                              .flags = GV_GROUP_ENCRYPTED,
                              .payload_len = len };
    uint8_t iv[12], aad[sizeof(h) + 4];
    uint32_t c32 = chid;

    if (chid >= GVRT_MAX_CHANNELS || !s->chan_valid[chid]) {
        return 0;
    }
    iv_of(iv, GV_IV_DOMAIN_CMDG, counter);
    memcpy(aad, &h, sizeof(h));
    memcpy(aad + sizeof(h), &c32, 4);
    memcpy(out, &h, sizeof(h));
    if (chan_seal(s, chid, iv, aad, sizeof(aad), cmds, len, out + sizeof(h),
                  out + sizeof(h) + len) != GVC_OK) {
        return 0;
    }
    return sizeof(h) + len + GV_TAG_LEN;
}

uint32_t gvrt_seal_group(struct gvrt_secure *s, unsigned chid,
                         const void *cmds, uint32_t len, uint8_t *out)
{
    uint32_t n;

    if (chid >= GVRT_MAX_CHANNELS) {
        return 0;
    }
    n = gvrt_seal_group_at(s, chid, s->cmd_counter[chid], cmds, len, out);
    if (n) {
        s->cmd_counter[chid]++;
    }
    return n;
}

static int report_accept(struct gvrt_secure *s, unsigned chid,
                         uint32_t domain, uint64_t counter, const void *msg,
                         size_t len, const uint8_t mac[GV_TAG_LEN],
                         const char *what)
{
    uint8_t tag[GV_TAG_LEN];

    if (chid >= GVRT_MAX_CHANNELS || !s->chan_valid[chid]) {
        s->failed = what;
        return -EBADMSG;
    }
    if (gmac(s, chid, domain, counter, msg, len, tag) != 0 ||
        gvc_memcmp_ct(tag, mac, GV_TAG_LEN) != 0) {
        s->failed = domain == GV_IV_DOMAIN_SUMM ? "summary MAC" :
                    "measurement MAC";
        return -EBADMSG;
    }
    /* attacks 8 and 21: a replayed report, or one hidden from us */
    if (counter != s->report_counter[chid]) {
        s->failed = domain == GV_IV_DOMAIN_SUMM ? "summary counter" :
                    "measurement counter";
        return -EBADMSG;
    }
    s->report_counter[chid]++;
    return 0;
}

int gvrt_summary_accept(struct gvrt_secure *s, const struct gv_pte_summary *m,
                        bool all_protected)
{
    if (m->magic != GV_SUMMARY_MAGIC) {
        s->failed = "summary format";
        return -EBADMSG;
    }
    if (report_accept(s, m->chid, GV_IV_DOMAIN_SUMM, m->counter, m,
                      offsetof(struct gv_pte_summary, mac), m->mac,
                      "summary channel") != 0) {
        return -EBADMSG;
    }
    /* attack 9: "secure" memory outside the protected region */
    if (all_protected && m->n != m->k) {
        s->failed = "summary: memory not protected";
        return -EBADMSG;
    }
    return 0;
}

int gvrt_unmap_summaries_accept(struct gvrt_secure *s, unsigned chid,
                                const struct gv_pte_summary *sums,
                                uint32_t nsums, const uint64_t *va,
                                uint32_t n)
{
    for (uint32_t i = 0; i < nsums; i++) {
        if (sums[i].chid != chid) {
            s->failed = "unmap summary channel";
            return -EBADMSG;
        }
        if (i >= n || sums[i].va != va[i] || sums[i].k != 0) {
            s->failed = "unmap summary address";
            return -EBADMSG;
        }
        if (gvrt_summary_accept(s, &sums[i], false) != 0) {
            return -EBADMSG;
        }
    }
    return 0;
}

int gvrt_measure_digest(const struct gvrt_secure *s, unsigned chid,
                        const void *data, uint64_t len,
                        uint8_t digest[GV_HASH_LEN])
{
    if (chid >= GVRT_MAX_CHANNELS || !s->chan_valid[chid]) {
        return -EINVAL;
    }
    return gvc_hmac_sha256(s->meas_key[chid], sizeof(s->meas_key[chid]),
                           data, len, digest) == GVC_OK ? 0 : -EIO;
}

int gvrt_measurement_accept(struct gvrt_secure *s, unsigned chid,
                            const struct gv_measurement *m, uint64_t va,
                            const void *expect, uint64_t len)
{
    uint8_t d[GV_HASH_LEN];
    int r;

    if (m->magic != GV_MEASURE_MAGIC || m->chid != chid || m->va != va ||
        m->size != len) {
        s->failed = "measurement format";
        return -EBADMSG;
    }
    r = gvrt_measure_digest(s, chid, expect, len, d);
    if (r) {
        return r;
    }
    if (report_accept(s, m->chid, GV_IV_DOMAIN_MEAS, m->counter, m,
                      offsetof(struct gv_measurement, mac), m->mac,
                      "measurement channel") != 0) {
        return -EBADMSG;
    }
    /* After the MAC: a wrong digest still used up the report. */
    if (gvc_memcmp_ct(d, m->digest, GV_HASH_LEN) != 0) {
        s->failed = "measurement digest";
        return -EBADMSG;
    }
    return 0;
}

int gvrt_report_fresh(struct gvrt_secure *s, unsigned chid,
                      const struct gv_measurement *m)
{
    if (m->magic != GV_MEASURE_MAGIC || m->chid != chid) {
        s->failed = "measurement format";
        return -EBADMSG;
    }
    return report_accept(s, chid, GV_IV_DOMAIN_MEAS, m->counter, m,
                         offsetof(struct gv_measurement, mac), m->mac,
                         "measurement channel");
}

int gvrt_copy_key(const struct gvrt_secure *s, unsigned chid,
                  const uint8_t key[32], uint8_t out[32])
{
    if (chid >= GVRT_MAX_CHANNELS || !s->chan_valid[chid]) {
        return -EINVAL;
    }
    return gv_derive_key(key, GV_KDF_COPY, chid, s->incarnation[chid], out) ?
           -EIO : 0;
}

void gvrt_mac_unmap(struct gvrt_secure *s, unsigned chid, uint64_t va,
                    uint64_t size, uint8_t mac[GV_TAG_LEN])
{
    struct { uint32_t chid, pad; uint64_t va, size; } a = { chid, 0, va,
                                                             size };

    memset(mac, 0, GV_TAG_LEN);
    if (chid < GVRT_MAX_CHANNELS) {
        gmac(s, chid, GV_IV_DOMAIN_AUTH, s->auth_counter[chid]++, &a,
             sizeof(a), mac);
    }
}

void gvrt_mac_destroy(struct gvrt_secure *s, unsigned chid,
                      uint8_t mac[GV_TAG_LEN])
{
    struct { uint32_t chid, pad; } a = { chid, 0 };

    memset(mac, 0, GV_TAG_LEN);
    if (chid < GVRT_MAX_CHANNELS) {
        gmac(s, chid, GV_IV_DOMAIN_AUTH, s->auth_counter[chid]++, &a,
             sizeof(a), mac);
        /* the channel's end: its schedule goes (made again if used) */
        kept_drop(kept_of(s), chid);
    }
}
