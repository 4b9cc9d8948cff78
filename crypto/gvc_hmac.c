/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMAC-SHA256.
 */
#include <openssl/core_names.h>
#include <openssl/err.h>

#include "gvc_internal.h"

int gvc_hmac_sha256(const void *key, size_t key_len,
                    const void *data, size_t len, uint8_t out[32])
{
    static const uint8_t empty;
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    OSSL_PARAM params[2];
    size_t outl = 0;
    int rc;

    if (!key || key_len == 0 || (!data && len) || !out) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    ctx = EVP_MAC_CTX_new(mac);
    if (!ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    gvc_param_utf8(&params[0], OSSL_MAC_PARAM_DIGEST, "SHA2-256");
    gvc_param_end(&params[1]);
    if (!EVP_MAC_init(ctx, key, key_len, params) ||
        !EVP_MAC_update(ctx, data ? data : &empty, len) ||
        !EVP_MAC_final(ctx, out, &outl, GVC_SHA256_LEN) ||
        outl != GVC_SHA256_LEN) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = GVC_OK;
done:
    if (rc != GVC_OK) {
        OPENSSL_cleanse(out, GVC_SHA256_LEN);
    }
    /* Wipes the keyed state. */
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    ERR_pop_to_mark();
    return rc;
}

struct gvc_hmac_ctx {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
};

int gvc_hmac_sha256_new(struct gvc_hmac_ctx **out, const void *key,
                        size_t key_len)
{
    struct gvc_hmac_ctx *c = NULL;
    OSSL_PARAM params[2];
    int rc;

    if (!out || !key || key_len == 0) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    c = OPENSSL_zalloc(sizeof(*c));
    if (!c) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    c->ctx = c->mac ? EVP_MAC_CTX_new(c->mac) : NULL;
    if (!c->ctx) {
        rc = c->mac ? GVC_ERR_NOMEM : GVC_ERR_CRYPTO;
        goto done;
    }
    gvc_param_utf8(&params[0], OSSL_MAC_PARAM_DIGEST, "SHA2-256");
    gvc_param_end(&params[1]);
    if (!EVP_MAC_init(c->ctx, key, key_len, params)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    *out = c;
    c = NULL;
    rc = GVC_OK;
done:
    gvc_hmac_sha256_free(c);
    ERR_pop_to_mark();
    return rc;
}

int gvc_hmac_sha256_update(struct gvc_hmac_ctx *c, const void *data,
                           size_t len)
{
    int rc = GVC_OK;

    if (!c || (!data && len)) {
        return GVC_ERR_ARG;
    }
    if (len == 0) {
        return GVC_OK;
    }
    ERR_set_mark();
    if (!EVP_MAC_update(c->ctx, data, len)) {
        rc = GVC_ERR_CRYPTO;
    }
    ERR_pop_to_mark();
    return rc;
}

int gvc_hmac_sha256_final(struct gvc_hmac_ctx *c, uint8_t out[32])
{
    size_t outl = 0;
    int rc = GVC_OK;

    if (!c || !out) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    if (!EVP_MAC_final(c->ctx, out, &outl, GVC_SHA256_LEN) ||
        outl != GVC_SHA256_LEN) {
        rc = GVC_ERR_CRYPTO;
        OPENSSL_cleanse(out, GVC_SHA256_LEN);
    }
    ERR_pop_to_mark();
    return rc;
}

void gvc_hmac_sha256_free(struct gvc_hmac_ctx *c)
{
    if (!c) {
        return;
    }
    /* Wipes the keyed state. */
    EVP_MAC_CTX_free(c->ctx);
    EVP_MAC_free(c->mac);
    OPENSSL_free(c);
}
