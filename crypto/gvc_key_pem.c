/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * P-256 keys in PEM files: PKCS#8 private keys and SubjectPublicKeyInfo
 * public keys.
 */
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "gvc_internal.h"

/* Whether @pkey carries its private scalar. */
static bool pkey_has_private(const EVP_PKEY *pkey)
{
    BIGNUM *d = NULL;
    bool ok;

    ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1;
    BN_clear_free(d);
    return ok;
}

int gvc_key_load_pem(struct gvc_key **out, const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    bool priv;
    int rc;

    if (!out || !path) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = gvc_read_file(path, GVC_FILE_MAX, &buf, &len);
    if (rc != GVC_OK) {
        goto done;
    }
    bio = BIO_new_mem_buf(buf, (int)len);
    if (!bio) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, gvc_pem_no_password, NULL,
                                      NULL, NULL);
    if (!pkey) {
        /* Not a private key: try again from the start for a public one. */
        BIO_free(bio);
        bio = BIO_new_mem_buf(buf, (int)len);
        if (!bio) {
            rc = GVC_ERR_NOMEM;
            goto done;
        }
        pkey = PEM_read_bio_PUBKEY_ex(bio, NULL, gvc_pem_no_password, NULL,
                                      NULL, NULL);
    }
    if (!pkey) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    priv = pkey_has_private(pkey);
    rc = gvc_key_wrap_pkey(out, pkey, priv);
    pkey = NULL;
done:
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    if (buf) {
        OPENSSL_clear_free(buf, len + 1);
    }
    ERR_pop_to_mark();
    return rc;
}

int gvc_key_save_pem(const struct gvc_key *k, const char *path,
                     bool private_part)
{
    BIO *bio = NULL;
    char *data = NULL;
    long data_len;
    int rc;

    if (!k || !path || (private_part && !k->priv)) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    /* A secure-memory BIO wipes the private key's text when freed. */
    bio = BIO_new(private_part ? BIO_s_secmem() : BIO_s_mem());
    if (!bio) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (private_part) {
        /* Unencrypted PKCS#8 "PRIVATE KEY". */
        if (!PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL,
                                      NULL)) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
    } else if (!PEM_write_bio_PUBKEY(bio, k->pkey)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    data_len = BIO_get_mem_data(bio, &data);
    if (data_len <= 0 || !data) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = gvc_write_file(path, data, (size_t)data_len,
                        private_part ? 0600 : 0644);
done:
    BIO_free(bio);
    ERR_pop_to_mark();
    return rc;
}
