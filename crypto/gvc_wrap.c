/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Key wrapping to a P-256 public key (ECIES): ephemeral ECDH, HKDF-SHA256,
 * AES-256-GCM.  The format is in gv_crypto.h and docs/crypto.md.
 */
#include <string.h>

#include <openssl/err.h>

#include "gvc_internal.h"

static const char wrap_info[] = "graviton key wrap v1";
#define WRAP_INFO_LEN (sizeof(wrap_info) - 1)

/* The X coordinate of @priv's scalar times @peer's point. */
static int ecdh_x(EVP_PKEY *priv, EVP_PKEY *peer,
                  uint8_t secret[GVC_EC_COORD_LEN])
{
    EVP_PKEY_CTX *ctx = NULL;
    size_t len = GVC_EC_COORD_LEN;
    int rc;

    ERR_set_mark();
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
    if (!ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) != 1 ||
        EVP_PKEY_derive(ctx, secret, &len) != 1 ||
        len != GVC_EC_COORD_LEN) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = GVC_OK;
done:
    if (rc != GVC_OK) {
        OPENSSL_cleanse(secret, GVC_EC_COORD_LEN);
    }
    EVP_PKEY_CTX_free(ctx);
    ERR_pop_to_mark();
    return rc;
}

/* HKDF(secret, salt = eph_pub || rcpt_pub, info) -> the wrapping key. */
static int wrap_kek(const uint8_t secret[GVC_EC_COORD_LEN],
                    const uint8_t eph_pub[GVC_EC_PUB_LEN],
                    const uint8_t rcpt_pub[GVC_EC_PUB_LEN],
                    uint8_t kek[GVC_AES_KEY_LEN])
{
    uint8_t salt[2 * GVC_EC_PUB_LEN];

    memcpy(salt, eph_pub, GVC_EC_PUB_LEN);
    memcpy(salt + GVC_EC_PUB_LEN, rcpt_pub, GVC_EC_PUB_LEN);
    return gvc_hkdf_sha256(secret, GVC_EC_COORD_LEN, salt, sizeof(salt),
                           wrap_info, WRAP_INFO_LEN, kek, GVC_AES_KEY_LEN);
}

int gvc_wrap(const uint8_t recipient_pub[65], const void *key, size_t len,
             uint8_t *out, size_t out_len)
{
    static const uint8_t zero_iv[GVC_GCM_IV_LEN];
    EVP_PKEY *peer = NULL;
    struct gvc_key *eph = NULL;
    uint8_t eph_pub[GVC_EC_PUB_LEN];
    uint8_t secret[GVC_EC_COORD_LEN];
    uint8_t kek[GVC_AES_KEY_LEN];
    int rc;

    if (!recipient_pub || !key || !out || len == 0 ||
        (uint64_t)len > GVC_GCM_MAX_LEN || out_len < GVC_WRAP_LEN(len)) {
        return GVC_ERR_ARG;
    }
    rc = gvc_pkey_from_pub(&peer, recipient_pub);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = gvc_key_generate(&eph);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = gvc_pkey_pub(eph->pkey, eph_pub);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = ecdh_x(eph->pkey, peer, secret);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = wrap_kek(secret, eph_pub, recipient_pub, kek);
    if (rc != GVC_OK) {
        goto done;
    }
    /* A fresh key for every message, so the fixed IV is never reused. */
    rc = gvc_gcm_seal(kek, zero_iv, wrap_info, WRAP_INFO_LEN, key, len,
                      out + GVC_EC_PUB_LEN, out + GVC_EC_PUB_LEN + len);
    if (rc != GVC_OK) {
        goto done;
    }
    memcpy(out, eph_pub, GVC_EC_PUB_LEN);
done:
    OPENSSL_cleanse(secret, sizeof(secret));
    OPENSSL_cleanse(kek, sizeof(kek));
    gvc_key_free(eph);
    EVP_PKEY_free(peer);
    return rc;
}

int gvc_unwrap(const struct gvc_key *recipient, const uint8_t *in,
               size_t in_len, void *key, size_t len)
{
    static const uint8_t zero_iv[GVC_GCM_IV_LEN];
    EVP_PKEY *eph = NULL;
    uint8_t rcpt_pub[GVC_EC_PUB_LEN];
    uint8_t secret[GVC_EC_COORD_LEN];
    uint8_t kek[GVC_AES_KEY_LEN];
    int rc;

    if (!recipient || !recipient->priv || !in || !key || len == 0 ||
        (uint64_t)len > GVC_GCM_MAX_LEN || in_len != GVC_WRAP_LEN(len)) {
        return GVC_ERR_ARG;
    }
    rc = gvc_pkey_from_pub(&eph, in);
    if (rc == GVC_ERR_FORMAT) {
        /* An altered ephemeral point is just another forgery. */
        rc = GVC_ERR_AUTH;
    }
    if (rc != GVC_OK) {
        goto done;
    }
    rc = gvc_pkey_pub(recipient->pkey, rcpt_pub);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = ecdh_x(recipient->pkey, eph, secret);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = wrap_kek(secret, in, rcpt_pub, kek);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = gvc_gcm_open(kek, zero_iv, wrap_info, WRAP_INFO_LEN,
                      in + GVC_EC_PUB_LEN, len, key,
                      in + GVC_EC_PUB_LEN + len);
done:
    if (rc != GVC_OK) {
        OPENSSL_cleanse(key, len);
    }
    OPENSSL_cleanse(secret, sizeof(secret));
    OPENSSL_cleanse(kek, sizeof(kek));
    EVP_PKEY_free(eph);
    return rc;
}
