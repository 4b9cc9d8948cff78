/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * P-256 keys: generation, import of a public point, export of it.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "gvc_internal.h"

bool gvc_pkey_is_p256(const EVP_PKEY *pkey)
{
    char name[64];
    size_t name_len = 0;
    bool ok;

    if (!pkey || !EVP_PKEY_is_a(pkey, "EC")) {
        return false;
    }
    ERR_set_mark();
    ok = EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                        name, sizeof(name), &name_len) &&
         (OBJ_sn2nid(name) == NID_X9_62_prime256v1 ||
          EC_curve_nist2nid(name) == NID_X9_62_prime256v1);
    ERR_pop_to_mark();
    return ok;
}

int gvc_pkey_pub(const EVP_PKEY *pkey, uint8_t pub[GVC_EC_PUB_LEN])
{
    BIGNUM *x = NULL;
    BIGNUM *y = NULL;
    int rc;

    ERR_set_mark();
    if (!gvc_pkey_is_p256(pkey)) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    /* From the coordinates, whatever point format the key was read in. */
    if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
        BN_bn2binpad(x, pub + 1, GVC_EC_COORD_LEN) != GVC_EC_COORD_LEN ||
        BN_bn2binpad(y, pub + 1 + GVC_EC_COORD_LEN,
                     GVC_EC_COORD_LEN) != GVC_EC_COORD_LEN) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    pub[0] = POINT_CONVERSION_UNCOMPRESSED;
    rc = GVC_OK;
done:
    BN_free(x);
    BN_free(y);
    ERR_pop_to_mark();
    return rc;
}

int gvc_pkey_from_pub(EVP_PKEY **out, const uint8_t pub[GVC_EC_PUB_LEN])
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[3];
    int rc;

    /* 0x04 only: 0x06/0x07 ("hybrid") are 65 bytes long too. */
    if (pub[0] != POINT_CONVERSION_UNCOMPRESSED) {
        return GVC_ERR_FORMAT;
    }
    ERR_set_mark();
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    gvc_param_utf8(&params[0], OSSL_PKEY_PARAM_GROUP_NAME, GVC_CURVE_NAME);
    gvc_param_octets(&params[1], OSSL_PKEY_PARAM_PUB_KEY, pub,
                     GVC_EC_PUB_LEN);
    gvc_param_end(&params[2]);
    if (EVP_PKEY_fromdata_init(ctx) != 1) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    /* Decoding the point rejects coordinates >= p and points off the curve */
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    /* ... and the full public-key validation (SP 800-56A) to be sure. */
    check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!check) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (EVP_PKEY_public_check(check) != 1) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    *out = pkey;
    pkey = NULL;
    rc = GVC_OK;
done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    ERR_pop_to_mark();
    return rc;
}

int gvc_key_wrap_pkey(struct gvc_key **out, EVP_PKEY *pkey, bool priv)
{
    struct gvc_key *k;

    if (!gvc_pkey_is_p256(pkey)) {
        EVP_PKEY_free(pkey);
        return GVC_ERR_FORMAT;
    }
    k = OPENSSL_zalloc(sizeof(*k));
    if (!k) {
        EVP_PKEY_free(pkey);
        return GVC_ERR_NOMEM;
    }
    k->pkey = pkey;
    k->priv = priv;
    *out = k;
    return GVC_OK;
}

int gvc_key_generate(struct gvc_key **out)
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    int rc;

    if (!out) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_group_name(ctx, GVC_CURVE_NAME) != 1 ||
        EVP_PKEY_generate(ctx, &pkey) != 1) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = gvc_key_wrap_pkey(out, pkey, true);
    pkey = NULL;
done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    ERR_pop_to_mark();
    return rc;
}

int gvc_key_from_pub(struct gvc_key **out, const uint8_t pub[65])
{
    EVP_PKEY *pkey = NULL;
    int rc;

    if (!out || !pub) {
        return GVC_ERR_ARG;
    }
    rc = gvc_pkey_from_pub(&pkey, pub);
    if (rc != GVC_OK) {
        return rc;
    }
    return gvc_key_wrap_pkey(out, pkey, false);
}

int gvc_key_pub(const struct gvc_key *k, uint8_t pub[65])
{
    if (!k || !pub) {
        return GVC_ERR_ARG;
    }
    return gvc_pkey_pub(k->pkey, pub);
}

bool gvc_key_has_private(const struct gvc_key *k)
{
    return k && k->priv;
}

void gvc_key_free(struct gvc_key *k)
{
    if (!k) {
        return;
    }
    /* Clears the private scalar. */
    EVP_PKEY_free(k->pkey);
    OPENSSL_free(k);
}
