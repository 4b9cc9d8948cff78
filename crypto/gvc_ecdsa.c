/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ECDSA P-256 over SHA-256, with raw r||s signatures.
 */
#include <openssl/ec.h>
#include <openssl/err.h>

#include "gvc_internal.h"

/* Longest DER ECDSA-Sig-Value for P-256 is 72 bytes; leave room. */
#define GVC_ECDSA_DER_MAX 80

int gvc_sign(const struct gvc_key *k, const void *msg, size_t len,
             uint8_t sig[64])
{
    static const uint8_t empty;
    EVP_MD_CTX *md = NULL;
    ECDSA_SIG *esig = NULL;
    const BIGNUM *r = NULL;
    const BIGNUM *s = NULL;
    uint8_t der[GVC_ECDSA_DER_MAX];
    size_t der_len = sizeof(der);
    const unsigned char *p = der;
    int rc;

    if (!k || !k->priv || (!msg && len) || !sig) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    md = EVP_MD_CTX_new();
    if (!md) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (EVP_DigestSignInit_ex(md, NULL, "SHA2-256", NULL, NULL, k->pkey,
                              NULL) != 1 ||
        EVP_DigestSign(md, der, &der_len, msg ? msg : &empty, len) != 1) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    esig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (!esig || p != der + der_len) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    ECDSA_SIG_get0(esig, &r, &s);
    if (BN_bn2binpad(r, sig, GVC_EC_COORD_LEN) != GVC_EC_COORD_LEN ||
        BN_bn2binpad(s, sig + GVC_EC_COORD_LEN,
                     GVC_EC_COORD_LEN) != GVC_EC_COORD_LEN) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = GVC_OK;
done:
    ECDSA_SIG_free(esig);
    EVP_MD_CTX_free(md);
    OPENSSL_cleanse(der, sizeof(der));
    ERR_pop_to_mark();
    return rc;
}

int gvc_verify(const struct gvc_key *k, const void *msg, size_t len,
               const uint8_t sig[64])
{
    static const uint8_t empty;
    EVP_MD_CTX *md = NULL;
    ECDSA_SIG *esig = NULL;
    BIGNUM *r = NULL;
    BIGNUM *s = NULL;
    unsigned char *der = NULL;
    int der_len;
    int rc;

    if (!k || (!msg && len) || !sig) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    esig = ECDSA_SIG_new();
    r = BN_bin2bn(sig, GVC_EC_COORD_LEN, NULL);
    s = BN_bin2bn(sig + GVC_EC_COORD_LEN, GVC_EC_COORD_LEN, NULL);
    if (!esig || !r || !s) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (!ECDSA_SIG_set0(esig, r, s)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    r = NULL;
    s = NULL;
    der_len = i2d_ECDSA_SIG(esig, &der);
    if (der_len <= 0) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    md = EVP_MD_CTX_new();
    if (!md) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (EVP_DigestVerifyInit_ex(md, NULL, "SHA2-256", NULL, NULL, k->pkey,
                                NULL) != 1) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    /* 1 is good; 0 is a bad signature, < 0 one out of range: both fail. */
    rc = EVP_DigestVerify(md, der, (size_t)der_len, msg ? msg : &empty,
                          len) == 1 ? GVC_OK : GVC_ERR_AUTH;
done:
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ECDSA_SIG_free(esig);
    BN_free(r);
    BN_free(s);
    ERR_pop_to_mark();
    return rc;
}
