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
