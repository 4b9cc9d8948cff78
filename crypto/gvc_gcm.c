/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AES-256-GCM: a keyed object (struct gvc_aead) that keeps OpenSSL's key
 * schedule between messages, and one-shot wrappers around it.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "gvc_internal.h"

/* EVP_CipherUpdate() takes an int; feed it at most this much at a time. */
#define GVC_GCM_CHUNK (1u << 30)

struct gvc_aead {
    EVP_CIPHER_CTX *ctx;
};

int gvc_aead_new(struct gvc_aead **out, const uint8_t key[32])
{
    EVP_CIPHER *cipher = NULL;
    struct gvc_aead *a = NULL;
    int rc;

    if (!out || !key) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    a = OPENSSL_zalloc(sizeof(*a));
    if (!a) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    a->ctx = EVP_CIPHER_CTX_new();
    if (!a->ctx) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    if (!cipher ||
        EVP_CIPHER_get_key_length(cipher) != GVC_AES_KEY_LEN ||
        EVP_CIPHER_get_iv_length(cipher) != GVC_GCM_IV_LEN ||
        !EVP_CipherInit_ex2(a->ctx, cipher, key, NULL, 1, NULL)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    *out = a;
    a = NULL;
    rc = GVC_OK;
done:
    EVP_CIPHER_free(cipher);
    gvc_aead_free(a);
    ERR_pop_to_mark();
    return rc;
}

void gvc_aead_free(struct gvc_aead *a)
{
    if (!a) {
        return;
    }
    /* Frees and wipes the provider context, and so the key schedule. */
    EVP_CIPHER_CTX_free(a->ctx);
    OPENSSL_free(a);
}

int gvc_cipher_feed(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in,
                    size_t len)
{
    size_t off = 0;

    while (off < len) {
        size_t n = len - off < GVC_GCM_CHUNK ? len - off : GVC_GCM_CHUNK;
        int outl = 0;

        if (!EVP_CipherUpdate(ctx, out ? out + off : NULL, &outl, in + off,
                              (int)n) ||
            (size_t)outl != n) {
            return GVC_ERR_CRYPTO;
        }
        off += n;
    }
    return GVC_OK;
}

static int gcm_check(const struct gvc_aead *a, const uint8_t *iv,
                     const void *aad, size_t aad_len, const void *in,
                     size_t len, const void *out, const uint8_t *tag)
{
    if (!a || !iv || !tag || (!aad && aad_len) ||
        (len && (!in || !out)) || (uint64_t)len > GVC_GCM_MAX_LEN) {
        return GVC_ERR_ARG;
    }
    return GVC_OK;
}

/*
 * One GCM message: encrypt (@enc) and write the tag to @tag, or check
 * @tag and decrypt.  Arguments are already checked.
 */
static int gcm_crypt(struct gvc_aead *a, bool enc, const uint8_t *iv,
                     const void *aad, size_t aad_len, const void *in,
                     size_t len, void *out, uint8_t *tag)
{
    OSSL_PARAM params[2];
    uint8_t final_buf[16];
    int outl = 0;
    int rc;

    ERR_set_mark();
    /* Cipher and key stay; a new IV restarts the message. */
    if (!EVP_CipherInit_ex2(a->ctx, NULL, NULL, iv, enc ? 1 : 0, NULL)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = gvc_cipher_feed(a->ctx, NULL, aad, aad_len);
    if (rc == GVC_OK) {
        rc = gvc_cipher_feed(a->ctx, out, in, len);
    }
    if (rc != GVC_OK) {
        goto done;
    }
    if (!enc) {
        gvc_param_octets(&params[0], OSSL_CIPHER_PARAM_AEAD_TAG, tag,
                         GVC_GCM_TAG_LEN);
        gvc_param_end(&params[1]);
        if (!EVP_CIPHER_CTX_set_params(a->ctx, params)) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
        if (!EVP_CipherFinal_ex(a->ctx, final_buf, &outl) || outl != 0) {
            rc = GVC_ERR_AUTH;
            goto done;
        }
    } else {
        if (!EVP_CipherFinal_ex(a->ctx, final_buf, &outl) || outl != 0) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
        gvc_param_octets(&params[0], OSSL_CIPHER_PARAM_AEAD_TAG, tag,
                         GVC_GCM_TAG_LEN);
        gvc_param_end(&params[1]);
        if (!EVP_CIPHER_CTX_get_params(a->ctx, params)) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
    }
    rc = GVC_OK;
done:
    if (rc != GVC_OK && !enc && len) {
        /* Never hand out plaintext that failed authentication. */
        OPENSSL_cleanse(out, len);
    }
    OPENSSL_cleanse(final_buf, sizeof(final_buf));
    ERR_pop_to_mark();
    return rc;
}

int gvc_aead_seal(struct gvc_aead *a, const uint8_t iv[12],
                  const void *aad, size_t aad_len,
                  const void *pt, size_t len, void *ct, uint8_t tag[16])
{
    int rc = gcm_check(a, iv, aad, aad_len, pt, len, ct, tag);

    if (rc != GVC_OK) {
        return rc;
    }
    return gcm_crypt(a, true, iv, aad, aad_len, pt, len, ct, tag);
}

int gvc_aead_open(struct gvc_aead *a, const uint8_t iv[12],
                  const void *aad, size_t aad_len,
                  const void *ct, size_t len, void *pt,
                  const uint8_t tag[16])
{
    uint8_t tag_copy[GVC_GCM_TAG_LEN];
    int rc = gcm_check(a, iv, aad, aad_len, ct, len, pt, tag);

    if (rc != GVC_OK) {
        return rc;
    }
    /* OSSL_PARAM wants a writable pointer; keep the caller's tag const. */
    memcpy(tag_copy, tag, sizeof(tag_copy));
    rc = gcm_crypt(a, false, iv, aad, aad_len, ct, len, pt, tag_copy);
    OPENSSL_cleanse(tag_copy, sizeof(tag_copy));
    return rc;
}

/* Check everything but @a, which the one-shot calls make themselves. */
static int gcm_oneshot_check(const uint8_t *key, const uint8_t *iv,
                             const void *aad, size_t aad_len, const void *in,
                             size_t len, const void *out, const uint8_t *tag)
{
    static const struct gvc_aead dummy;

    if (!key) {
        return GVC_ERR_ARG;
    }
    return gcm_check(&dummy, iv, aad, aad_len, in, len, out, tag);
}

int gvc_gcm_seal(const uint8_t key[32], const uint8_t iv[12],
                 const void *aad, size_t aad_len,
                 const void *pt, size_t len, void *ct, uint8_t tag[16])
{
    struct gvc_aead *a = NULL;
    int rc;

    rc = gcm_oneshot_check(key, iv, aad, aad_len, pt, len, ct, tag);
    if (rc != GVC_OK) {
        return rc;
    }
    rc = gvc_aead_new(&a, key);
    if (rc != GVC_OK) {
        return rc;
    }
    rc = gvc_aead_seal(a, iv, aad, aad_len, pt, len, ct, tag);
    gvc_aead_free(a);
    return rc;
}

int gvc_gcm_open(const uint8_t key[32], const uint8_t iv[12],
                 const void *aad, size_t aad_len,
                 const void *ct, size_t len, void *pt,
                 const uint8_t tag[16])
{
    struct gvc_aead *a = NULL;
    int rc;

    rc = gcm_oneshot_check(key, iv, aad, aad_len, ct, len, pt, tag);
    if (rc != GVC_OK) {
        return rc;
    }
    rc = gvc_aead_new(&a, key);
    if (rc != GVC_OK) {
        return rc;
    }
    rc = gvc_aead_open(a, iv, aad, aad_len, ct, len, pt, tag);
    gvc_aead_free(a);
    return rc;
}
