/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KMAC256 (NIST SP 800-185), and the AES-256-CTR + KMAC256 tree of the
 * secure-copy scheme that kernels/kmac.cu computes on the device
 * (gv_crypto.h has the construction, docs/kernels.md the reasons).
 */
#include <openssl/core_names.h>
#include <openssl/err.h>

#include "gvc_internal.h"

/* EVP_CipherUpdate() takes an int; feed it at most this much at a time. */
#define GVC_CTR_CHUNK (1u << 30)

static const char gvc_chunk_custom[] = "graviton copy chunk";
static const char gvc_root_custom[] = "graviton copy root";

/* A size_t parameter, without uninitialised padding (gvc_internal.h). */
static void param_size(OSSL_PARAM *p, const char *key, size_t *v)
{
    memset(p, 0, sizeof(*p));
    p->key = key;
    p->data_type = OSSL_PARAM_UNSIGNED_INTEGER;
    p->data = v;
    p->data_size = sizeof(*v);
    p->return_size = OSSL_PARAM_UNMODIFIED;
}

/* A KMAC256 context keyed with @key, customization @custom, @out_len
 * bytes of output. */
static int kmac_new(EVP_MAC *mac, EVP_MAC_CTX **out, const void *key,
                    size_t key_len, const void *custom, size_t custom_len,
                    size_t out_len)
{
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[3];
    int n = 0;

    if (!ctx) {
        return GVC_ERR_NOMEM;
    }
    if (custom_len) {
        gvc_param_octets(&params[n++], OSSL_MAC_PARAM_CUSTOM, custom,
                         custom_len);
    }
    param_size(&params[n++], OSSL_MAC_PARAM_SIZE, &out_len);
    gvc_param_end(&params[n]);
    if (!EVP_MAC_init(ctx, key, key_len, params)) {
        EVP_MAC_CTX_free(ctx);
        return GVC_ERR_CRYPTO;
    }
    *out = ctx;
    return GVC_OK;
}

int gvc_kmac256(const void *key, size_t key_len, const void *custom,
                size_t custom_len, const void *data, size_t len,
                uint8_t *out, size_t out_len)
{
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    size_t outl = 0;
    int rc;

    if (!key || key_len < GVC_KMAC_KEY_MIN || key_len > GVC_KMAC_KEY_MAX ||
        (!custom && custom_len) || custom_len > GVC_KMAC_CUSTOM_MAX ||
        (!data && len) || !out || out_len == 0 ||
        out_len > GVC_KMAC_OUT_MAX) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    mac = EVP_MAC_fetch(NULL, "KMAC-256", NULL);
    rc = mac ? kmac_new(mac, &ctx, key, key_len, custom, custom_len, out_len)
             : GVC_ERR_CRYPTO;
    if (rc == GVC_OK &&
        ((len && !EVP_MAC_update(ctx, data, len)) ||
         !EVP_MAC_final(ctx, out, &outl, out_len) || outl != out_len)) {
        rc = GVC_ERR_CRYPTO;
    }
    if (rc != GVC_OK) {
        OPENSSL_cleanse(out, out_len);
    }
    /* wipes the keyed state */
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    ERR_pop_to_mark();
    return rc;
}

static void le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* The tag of the scheme over the ciphertext @ct (gv_crypto.h). */
static int kmac_tree(EVP_MAC *mac, const uint8_t *mac_key, const uint8_t *iv,
                     const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                     size_t len, uint8_t *tag)
{
    EVP_MAC_CTX *chunk = NULL, *root = NULL;
    uint64_t n = len ? (len - 1) / GVC_KMAC_CHUNK + 1 : 1;
    uint8_t hdr[28], t[GVC_KMAC_TAG_LEN];
    size_t outl = 0;
    int rc;

    rc = kmac_new(mac, &root, mac_key, GVC_AES_KEY_LEN, gvc_root_custom,
                  sizeof(gvc_root_custom) - 1, GVC_KMAC_TAG_LEN);
    if (rc == GVC_OK) {
        rc = kmac_new(mac, &chunk, mac_key, GVC_AES_KEY_LEN,
                      gvc_chunk_custom, sizeof(gvc_chunk_custom) - 1,
                      GVC_KMAC_TAG_LEN);
    }
    if (rc != GVC_OK) {
        goto done;
    }
    /* the root's message: le64(len) || IV || aad || T_0 || ... */
    le64(hdr, len);
    memcpy(hdr + 8, iv, GVC_GCM_IV_LEN);
    if (!EVP_MAC_update(root, hdr, 20) ||
        (aad_len && !EVP_MAC_update(root, aad, aad_len))) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t off = i * GVC_KMAC_CHUNK;
        size_t clen = len - off < GVC_KMAC_CHUNK ? len - off : GVC_KMAC_CHUNK;

        /* leaf i: le64(i) || le64(len) || IV || C_i; the context keeps
         * its key and customization across init */
        le64(hdr, i);
        le64(hdr + 8, len);
        memcpy(hdr + 16, iv, GVC_GCM_IV_LEN);
        if ((i && !EVP_MAC_init(chunk, NULL, 0, NULL)) ||
            !EVP_MAC_update(chunk, hdr, sizeof(hdr)) ||
            (clen && !EVP_MAC_update(chunk, ct + off, clen)) ||
            !EVP_MAC_final(chunk, t, &outl, sizeof(t)) ||
            outl != sizeof(t) || !EVP_MAC_update(root, t, sizeof(t))) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
    }
    if (!EVP_MAC_final(root, tag, &outl, GVC_KMAC_TAG_LEN) ||
        outl != GVC_KMAC_TAG_LEN) {
        rc = GVC_ERR_CRYPTO;
    }
done:
    OPENSSL_cleanse(t, sizeof(t));
    EVP_MAC_CTX_free(chunk);
    EVP_MAC_CTX_free(root);
    return rc;
}

/* AES-256-CTR of @len bytes (> 0), counter blocks IV || be32(2 + c). */
static int aes_ctr(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                   size_t len, uint8_t *out)
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-256-CTR", NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t ctr[16] = { 0 }, fin[16];
    int rc = GVC_OK, outl = 0;

    memcpy(ctr, iv, GVC_GCM_IV_LEN);
    ctr[15] = 2;
    if (!cipher || !ctx || !EVP_EncryptInit_ex2(ctx, cipher, key, ctr, NULL)) {
        rc = ctx ? GVC_ERR_CRYPTO : GVC_ERR_NOMEM;
    }
    for (size_t off = 0; rc == GVC_OK && off < len; off += GVC_CTR_CHUNK) {
        size_t n = len - off < GVC_CTR_CHUNK ? len - off : GVC_CTR_CHUNK;

        if (!EVP_EncryptUpdate(ctx, out + off, &outl, in + off, (int)n) ||
            (size_t)outl != n) {
            rc = GVC_ERR_CRYPTO;
        }
    }
    if (rc == GVC_OK && (!EVP_EncryptFinal_ex(ctx, fin, &outl) || outl)) {
        rc = GVC_ERR_CRYPTO;
    }
    /* frees and wipes the key schedule */
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return rc;
}

static int aes_kmac_check(const uint8_t *enc_key, const uint8_t *mac_key,
                          const uint8_t *iv, const void *aad, size_t aad_len,
                          const void *in, size_t len, const void *out,
                          const uint8_t *tag)
{
    if (!enc_key || !mac_key || !iv || !tag || (!aad && aad_len) ||
        (len && (!in || !out)) || (uint64_t)len > GVC_GCM_MAX_LEN) {
        return GVC_ERR_ARG;
    }
    return GVC_OK;
}

int gvc_aes_kmac_seal(const uint8_t enc_key[32], const uint8_t mac_key[32],
                      const uint8_t iv[12], const void *aad, size_t aad_len,
                      const void *pt, size_t len, void *ct, uint8_t tag[32])
{
    EVP_MAC *mac;
    int rc = aes_kmac_check(enc_key, mac_key, iv, aad, aad_len, pt, len, ct,
                            tag);

    if (rc != GVC_OK) {
        return rc;
    }
    ERR_set_mark();
    mac = EVP_MAC_fetch(NULL, "KMAC-256", NULL);
    rc = mac ? GVC_OK : GVC_ERR_CRYPTO;
    if (rc == GVC_OK && len) {
        rc = aes_ctr(enc_key, iv, pt, len, ct);
    }
    if (rc == GVC_OK) {
        rc = kmac_tree(mac, mac_key, iv, aad, aad_len, ct, len, tag);
    }
    if (rc != GVC_OK) {
        OPENSSL_cleanse(tag, GVC_KMAC_TAG_LEN);
    }
    EVP_MAC_free(mac);
    ERR_pop_to_mark();
    return rc;
}

int gvc_aes_kmac_open(const uint8_t enc_key[32], const uint8_t mac_key[32],
                      const uint8_t iv[12], const void *aad, size_t aad_len,
                      const void *ct, size_t len, void *pt,
                      const uint8_t tag[32])
{
    uint8_t t[GVC_KMAC_TAG_LEN];
    EVP_MAC *mac;
    int rc = aes_kmac_check(enc_key, mac_key, iv, aad, aad_len, ct, len, pt,
                            tag);

    if (rc != GVC_OK) {
        return rc;
    }
    ERR_set_mark();
    mac = EVP_MAC_fetch(NULL, "KMAC-256", NULL);
    rc = mac ? kmac_tree(mac, mac_key, iv, aad, aad_len, ct, len, t)
             : GVC_ERR_CRYPTO;
    /* verify, then decrypt: nothing unauthenticated is ever produced */
    if (rc == GVC_OK && gvc_memcmp_ct(t, tag, sizeof(t)) != 0) {
        rc = GVC_ERR_AUTH;
    }
    if (rc == GVC_OK && len) {
        rc = aes_ctr(enc_key, iv, ct, len, pt);
    }
    if (rc != GVC_OK && len) {
        OPENSSL_cleanse(pt, len);
    }
    OPENSSL_cleanse(t, sizeof(t));
    EVP_MAC_free(mac);
    ERR_pop_to_mark();
    return rc;
}
