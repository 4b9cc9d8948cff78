/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256, one-shot and incremental.
 */
#include <openssl/err.h>

#include "gvc_internal.h"

struct gvc_sha256_ctx {
    EVP_MD_CTX *md;
    EVP_MD *sha256;
};

int gvc_sha256(const void *data, size_t len, uint8_t out[32])
{
    static const uint8_t empty;
    EVP_MD *sha256 = NULL;
    unsigned int outl = 0;
    int rc;

    if (!out || (!data && len)) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    if (!sha256 ||
        !EVP_Digest(data ? data : &empty, len, out, &outl, sha256, NULL) ||
        outl != GVC_SHA256_LEN) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = GVC_OK;
done:
    EVP_MD_free(sha256);
    ERR_pop_to_mark();
    return rc;
}

int gvc_sha256_new(struct gvc_sha256_ctx **out)
{
    struct gvc_sha256_ctx *c = NULL;
    int rc;

    if (!out) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    c = OPENSSL_zalloc(sizeof(*c));
    if (!c) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    c->md = EVP_MD_CTX_new();
    if (!c->md) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    c->sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    if (!c->sha256 || !EVP_DigestInit_ex2(c->md, c->sha256, NULL)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    *out = c;
    c = NULL;
    rc = GVC_OK;
done:
    gvc_sha256_free(c);
    ERR_pop_to_mark();
    return rc;
}

int gvc_sha256_update(struct gvc_sha256_ctx *c, const void *data, size_t len)
{
    int rc = GVC_OK;

    if (!c || (!data && len)) {
        return GVC_ERR_ARG;
    }
    if (len == 0) {
        return GVC_OK;
    }
    ERR_set_mark();
    if (!EVP_DigestUpdate(c->md, data, len)) {
        rc = GVC_ERR_CRYPTO;
    }
    ERR_pop_to_mark();
    return rc;
}

int gvc_sha256_final(struct gvc_sha256_ctx *c, uint8_t out[32])
{
    unsigned int outl = 0;
    int rc = GVC_OK;

    if (!c || !out) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    if (!EVP_DigestFinal_ex(c->md, out, &outl) || outl != GVC_SHA256_LEN) {
        rc = GVC_ERR_CRYPTO;
    }
    /* Ready for the next message, whatever happened to this one. */
    if (!EVP_DigestInit_ex2(c->md, c->sha256, NULL)) {
        rc = GVC_ERR_CRYPTO;
    }
    if (rc != GVC_OK) {
        OPENSSL_cleanse(out, GVC_SHA256_LEN);
    }
    ERR_pop_to_mark();
    return rc;
}

void gvc_sha256_free(struct gvc_sha256_ctx *c)
{
    if (!c) {
        return;
    }
    EVP_MD_CTX_free(c->md);
    EVP_MD_free(c->sha256);
    OPENSSL_free(c);
}
