/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HKDF-SHA256 (RFC 5869), extract and expand.
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>

#include "gvc_internal.h"

int gvc_hkdf_sha256(const void *ikm, size_t ikm_len,
                    const void *salt, size_t salt_len,
                    const void *info, size_t info_len,
                    void *out, size_t out_len)
{
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;
    OSSL_PARAM params[5];
    size_t n = 0;
    int rc;

    if (!ikm || ikm_len == 0 || (!salt && salt_len) || (!info && info_len) ||
        info_len > GVC_HKDF_MAX_INFO || !out || out_len == 0 ||
        out_len > GVC_HKDF_MAX_OUT) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (!kdf) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    ctx = EVP_KDF_CTX_new(kdf);
    if (!ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    gvc_param_utf8(&params[n++], OSSL_KDF_PARAM_DIGEST, "SHA2-256");
    gvc_param_octets(&params[n++], OSSL_KDF_PARAM_KEY, ikm, ikm_len);
    /* Absent salt and info take RFC 5869's defaults (zeros, empty). */
    if (salt_len) {
        gvc_param_octets(&params[n++], OSSL_KDF_PARAM_SALT, salt, salt_len);
    }
    if (info_len) {
        gvc_param_octets(&params[n++], OSSL_KDF_PARAM_INFO, info, info_len);
    }
    gvc_param_end(&params[n]);
    if (EVP_KDF_derive(ctx, out, out_len, params) != 1) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = GVC_OK;
done:
    if (rc != GVC_OK) {
        OPENSSL_cleanse(out, out_len);
    }
    /* Wipes the key material it copied. */
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    ERR_pop_to_mark();
    return rc;
}
