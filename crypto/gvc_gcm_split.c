/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AES-256-GCM in pieces (struct gvc_gcm_split): a decryption split into an
 * authentication pass (GHASH alone) and, once the tag is known to be good,
 * a decryption pass (AES-CTR alone), and an encryption fed in pieces.
 *
 * The authentication pass uses OpenSSL's GCM with the ciphertext fed as
 * associated data after the real associated data padded to a block:
 * OpenSSL then computes E(K, J0) ^ GHASH(H, A' || C' || L') where A' and
 * C' are A and C padded exactly as GCM pads them, and only the length
 * block L' = [8 (|A'| + |C|)]64 || [0]64 differs from GCM's
 * L = [8 |A|]64 || [8 |C|]64.  GHASH is linear and the length block is
 * its last block, multiplied by H once, so the real tag is the computed
 * one xor (L ^ L') * H, with H = E(K, 0^128) (docs/crypto.md).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "gvc_internal.h"

enum split_state { SPLIT_IDLE, SPLIT_AUTH, SPLIT_OPEN, SPLIT_SEAL };

struct gvc_gcm_split {
    EVP_CIPHER_CTX *gcm;        /* sealing; GHASH pass without SIMD */
    EVP_CIPHER_CTX *ctr;        /* the decryption pass, H, E(K, J0) */
    uint8_t h[16];              /* E(K, 0^128), GHASH's key */
    uint8_t iv[12];
    enum split_state state;
    uint64_t aad_len, len;      /* bytes authenticated (or sealed) */
    uint64_t done;              /* bytes decrypted since the tag checked */
    bool ctr_ready;             /* s->ctr is positioned at done */
    /* with SIMD (gvc_gcm_simd.c): GHASH without OpenSSL */
    bool simd;
    uint8_t ej0[16];            /* E(K, J0), the tag's mask */
    struct gvc_ghash gh;
    uint8_t part[16];           /* a partial ciphertext block */
    size_t part_len;
};

void gvc_gcm_split_free(struct gvc_gcm_split *s)
{
    if (!s) {
        return;
    }
    /* Frees and wipes the provider contexts, and so the key schedules. */
    EVP_CIPHER_CTX_free(s->gcm);
    EVP_CIPHER_CTX_free(s->ctr);
    OPENSSL_clear_free(s, sizeof(*s));
}

/* The two ciphers, fetched once per process (a fetch costs more than a
 * 4 KiB message); never freed, like OpenSSL's own method store. */
static EVP_CIPHER *cipher_gcm, *cipher_ctr;
static pthread_once_t ciphers_once = PTHREAD_ONCE_INIT;

static void ciphers_fetch(void)
{
    ERR_set_mark();
    cipher_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    cipher_ctr = EVP_CIPHER_fetch(NULL, "AES-256-CTR", NULL);
    ERR_pop_to_mark();
}

static int cipher_ctx(EVP_CIPHER_CTX **out, const EVP_CIPHER *c,
                      const uint8_t *key)
{
    *out = EVP_CIPHER_CTX_new();
    if (!*out) {
        return GVC_ERR_NOMEM;
    }
    if (!c || EVP_CIPHER_get_key_length(c) != GVC_AES_KEY_LEN ||
        !EVP_CipherInit_ex2(*out, c, key, NULL, 1, NULL)) {
        return GVC_ERR_CRYPTO;
    }
    return GVC_OK;
}

/* AES-256(K, @block): CTR's keystream for that counter block. */
static int aes_block(EVP_CIPHER_CTX *ctr, const uint8_t *block,
                     uint8_t out[16])
{
    static const uint8_t zero[16];
    int outl = 0;

    if (!EVP_CipherInit_ex2(ctr, NULL, NULL, block, 1, NULL) ||
        !EVP_CipherUpdate(ctr, out, &outl, zero, 16) || outl != 16) {
        return GVC_ERR_CRYPTO;
    }
    return GVC_OK;
}

/* H = AES-256(K, 0^128). */
static int hash_key(EVP_CIPHER_CTX *ctr, uint8_t h[16])
{
    static const uint8_t zero[16];

    return aes_block(ctr, zero, h);
}

int gvc_gcm_split_new(struct gvc_gcm_split **out, const uint8_t key[32])
{
    struct gvc_gcm_split *s;
    int rc;

    if (!out || !key) {
        return GVC_ERR_ARG;
    }
    if (pthread_once(&ciphers_once, ciphers_fetch) != 0) {
        return GVC_ERR_CRYPTO;
    }
    ERR_set_mark();
    s = OPENSSL_zalloc(sizeof(*s));
    if (!s) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    s->simd = gvc_simd_ok() && !getenv("GVC_NO_SIMD");
    rc = cipher_ctx(&s->gcm, cipher_gcm, key);
    if (rc == GVC_OK) {
        rc = cipher_ctx(&s->ctr, cipher_ctr, key);
    }
    if (rc == GVC_OK) {
        rc = hash_key(s->ctr, s->h);
    }
    if (rc == GVC_OK && s->simd) {
        gvc_ghash_init(&s->gh, s->h);
    }
    if (rc == GVC_OK) {
        *out = s;
        s = NULL;
    }
done:
    gvc_gcm_split_free(s);
    ERR_pop_to_mark();
    return rc;
}

/* @len more bytes of the message through s->gcm (@out NULL: as AAD, the
 * authentication pass); a failure ends the message. */
static int gcm_step(struct gvc_gcm_split *s, uint8_t *out, const uint8_t *in,
                    size_t len)
{
    int rc;

    ERR_set_mark();
    rc = gvc_cipher_feed(s->gcm, out, in, len);
    ERR_pop_to_mark();
    if (rc != GVC_OK) {
        s->state = SPLIT_IDLE;
        return rc;
    }
    s->len += len;
    return GVC_OK;
}

/* Start a GCM message on s->gcm (encrypting: the tag comes out). */
static int begin(struct gvc_gcm_split *s, const uint8_t *iv,
                 const void *aad, size_t aad_len, bool pad)
{
    static const uint8_t zero[16];
    int rc = GVC_ERR_CRYPTO;

    ERR_set_mark();
    s->state = SPLIT_IDLE;
    if (EVP_CipherInit_ex2(s->gcm, NULL, NULL, iv, 1, NULL)) {
        rc = gvc_cipher_feed(s->gcm, NULL, aad, aad_len);
    }
    if (rc == GVC_OK && pad && aad_len % 16) {
        rc = gvc_cipher_feed(s->gcm, NULL, zero, 16 - aad_len % 16);
    }
    ERR_pop_to_mark();
    if (rc == GVC_OK) {
        memcpy(s->iv, iv, sizeof(s->iv));
        s->aad_len = aad_len;
        s->len = 0;
        s->done = 0;
    }
    return rc;
}

static bool args_bad(const struct gvc_gcm_split *s, const void *in,
                     size_t len, const void *out, bool need_out)
{
    return !s || (len && (!in || (need_out && !out))) ||
           (uint64_t)len > GVC_GCM_MAX_LEN;
}

/* The SIMD path's authentication: GHASH of the AAD padded, E(K, J0). */
static int simd_begin(struct gvc_gcm_split *s, const uint8_t *iv,
                      const void *aad, size_t aad_len)
{
    uint8_t j0[16] = { 0 };
    const uint8_t *a = aad;
    int rc;

    memset(s->gh.acc, 0, sizeof(s->gh.acc));
    gvc_ghash_blocks(&s->gh, a, aad_len / 16);
    if (aad_len % 16) {
        uint8_t last[16] = { 0 };

        memcpy(last, a + aad_len / 16 * 16, aad_len % 16);
        gvc_ghash_blocks(&s->gh, last, 1);
    }
    memcpy(j0, iv, 12);
    j0[15] = 1;
    ERR_set_mark();
    rc = aes_block(s->ctr, j0, s->ej0);
    ERR_pop_to_mark();
    memcpy(s->iv, iv, sizeof(s->iv));
    s->aad_len = aad_len;
    s->len = 0;
    s->done = 0;
    s->part_len = 0;
    return rc;
}

/* Absorb @len bytes of ciphertext, whole blocks straight from @p. */
static void simd_auth(struct gvc_gcm_split *s, const uint8_t *p, size_t len)
{
    if (s->part_len) {
        size_t k = 16 - s->part_len < len ? 16 - s->part_len : len;

        memcpy(s->part + s->part_len, p, k);
        s->part_len += k;
        p += k;
        len -= k;
        if (s->part_len < 16) {
            return;
        }
        gvc_ghash_blocks(&s->gh, s->part, 1);
        s->part_len = 0;
    }
    gvc_ghash_blocks(&s->gh, p, len / 16);
    memcpy(s->part, p + len / 16 * 16, len % 16);
    s->part_len = len % 16;
}

int gvc_gcm_split_auth_begin(struct gvc_gcm_split *s, const uint8_t iv[12],
                             const void *aad, size_t aad_len)
{
    int rc;

    if (!s || !iv || (!aad && aad_len) ||
        (uint64_t)aad_len > GVC_GCM_MAX_LEN) {
        return GVC_ERR_ARG;
    }
    if (s->simd) {
        s->state = SPLIT_IDLE;
        rc = simd_begin(s, iv, aad, aad_len);
        if (rc == GVC_OK) {
            s->state = SPLIT_AUTH;
        }
        return rc;
    }
    rc = begin(s, iv, aad, aad_len, true);
    if (rc == GVC_OK) {
        s->state = SPLIT_AUTH;
    }
    return rc;
}

int gvc_gcm_split_auth(struct gvc_gcm_split *s, const void *ct, size_t len)
{
    if (args_bad(s, ct, len, NULL, false) || s->state != SPLIT_AUTH ||
        len > GVC_GCM_MAX_LEN - s->len) {
        return GVC_ERR_ARG;
    }
    if (s->simd) {
        simd_auth(s, ct, len);
        s->len += len;
        return GVC_OK;
    }
    return gcm_step(s, NULL, ct, len);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/*
 * @x = @x * @h in GF(2^128) with GCM's bit order (SP 800-38D, algorithm
 * 1), in time independent of @h: every step does the same work, the
 * reduction and the accumulation selected by masks.
 */
static void gf_mul(uint8_t x[16], const uint8_t h[16])
{
    uint64_t xh = get_be64(x), xl = get_be64(x + 8);
    uint64_t vh = get_be64(h), vl = get_be64(h + 8);
    uint64_t zh = 0, zl = 0;

    for (int i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? xh >> (63 - i) : xl >> (127 - i);
        uint64_t take = 0 - (bit & 1), red = 0 - (vl & 1);

        zh ^= vh & take;
        zl ^= vl & take;
        vl = vl >> 1 | vh << 63;
        vh = (vh >> 1) ^ (UINT64_C(0xe1) << 56 & red);
    }
    put_be64(x, zh);
    put_be64(x + 8, zl);
}

/* The last partial block, the length block, the tag compared. */
static int simd_verify(struct gvc_gcm_split *s, const uint8_t *tag)
{
    uint8_t got[16];
    int rc;

    if (s->part_len) {
        memset(s->part + s->part_len, 0, 16 - s->part_len);
        gvc_ghash_blocks(&s->gh, s->part, 1);
    }
    put_be64(got, s->aad_len * 8);
    put_be64(got + 8, s->len * 8);
    gvc_ghash_blocks(&s->gh, got, 1);
    gvc_ghash_final(&s->gh, got);
    for (int i = 0; i < 16; i++) {
        got[i] ^= s->ej0[i];
    }
    rc = CRYPTO_memcmp(got, tag, sizeof(got)) ? GVC_ERR_AUTH : GVC_OK;
    OPENSSL_cleanse(got, sizeof(got));
    OPENSSL_cleanse(s->part, sizeof(s->part));
    if (rc == GVC_OK) {
        /* simd_begin() left s->ctr just past E(K, J0): at inc32(J0),
         * byte 0 of the message (nothing used it since) */
        s->state = SPLIT_OPEN;
        s->ctr_ready = true;
    }
    return rc;
}

int gvc_gcm_split_auth_verify(struct gvc_gcm_split *s, const uint8_t tag[16])
{
    uint8_t got[16], fix[16];
    uint64_t padded;
    int outl = 0, rc = GVC_ERR_CRYPTO;
    OSSL_PARAM params[2];

    if (!s || !tag || s->state != SPLIT_AUTH) {
        return GVC_ERR_ARG;
    }
    s->state = SPLIT_IDLE;
    if (s->simd) {
        return simd_verify(s, tag);
    }
    ERR_set_mark();
    gvc_param_octets(&params[0], OSSL_CIPHER_PARAM_AEAD_TAG, got,
                     sizeof(got));
    gvc_param_end(&params[1]);
    if (EVP_CipherFinal_ex(s->gcm, fix, &outl) && outl == 0 &&
        EVP_CIPHER_CTX_get_params(s->gcm, params)) {
        /* (L ^ L') * H, L' being the length block OpenSSL used */
        padded = (s->aad_len + 15) / 16 * 16;
        put_be64(fix, (s->aad_len * 8) ^ ((padded + s->len) * 8));
        put_be64(fix + 8, s->len * 8);
        gf_mul(fix, s->h);
        for (int i = 0; i < 16; i++) {
            got[i] ^= fix[i];
        }
        rc = CRYPTO_memcmp(got, tag, sizeof(got)) ? GVC_ERR_AUTH : GVC_OK;
    }
    ERR_pop_to_mark();
    OPENSSL_cleanse(got, sizeof(got));
    OPENSSL_cleanse(fix, sizeof(fix));
    if (rc == GVC_OK) {
        s->state = SPLIT_OPEN;
        s->ctr_ready = false;
    }
    return rc;
}

/* Decrypt at s->done, positioning s->ctr there first if it is not. */
static int decrypt(struct gvc_gcm_split *s, const void *ct, size_t len,
                   void *pt)
{
    uint8_t ctr[16];
    uint32_t block = (uint32_t)(2 + s->done / 16);
    int rc = GVC_OK;

    ERR_set_mark();
    if (!s->ctr_ready) {
        /* GCM's counter block for byte done (a multiple of 16): inc32
         * of J0 = IV || be32(1), 1 + done / 16 times.  It never passes
         * 2^32 - 1 (GVC_GCM_MAX_LEN), so CTR's 128-bit increment is
         * GCM's inc32. */
        memcpy(ctr, s->iv, 12);
        for (int i = 0; i < 4; i++) {
            ctr[12 + i] = (uint8_t)(block >> (24 - 8 * i));
        }
        if (!EVP_CipherInit_ex2(s->ctr, NULL, NULL, ctr, 1, NULL)) {
            rc = GVC_ERR_CRYPTO;
        }
        s->ctr_ready = true;
    }
    if (rc == GVC_OK) {
        rc = gvc_cipher_feed(s->ctr, pt, ct, len);
    }
    ERR_pop_to_mark();
    if (rc != GVC_OK) {
        s->state = SPLIT_IDLE;
        return rc;
    }
    s->done += len;
    return GVC_OK;
}

int gvc_gcm_split_decrypt(struct gvc_gcm_split *s, const void *ct,
                          size_t len, void *pt)
{
    if (args_bad(s, ct, len, pt, true) || s->state != SPLIT_OPEN ||
        len > s->len - s->done) {
        return GVC_ERR_ARG;
    }
    return decrypt(s, ct, len, pt);
}

int gvc_gcm_split_seal_begin(struct gvc_gcm_split *s, const uint8_t iv[12],
                             const void *aad, size_t aad_len)
{
    int rc;

    if (!s || !iv || (!aad && aad_len) ||
        (uint64_t)aad_len > GVC_GCM_MAX_LEN) {
        return GVC_ERR_ARG;
    }
    rc = begin(s, iv, aad, aad_len, false);
    if (rc == GVC_OK) {
        s->state = SPLIT_SEAL;
    }
    return rc;
}

int gvc_gcm_split_seal(struct gvc_gcm_split *s, const void *pt, size_t len,
                       void *ct)
{
    if (args_bad(s, pt, len, ct, true) || s->state != SPLIT_SEAL ||
        len > GVC_GCM_MAX_LEN - s->len) {
        return GVC_ERR_ARG;
    }
    return gcm_step(s, ct, pt, len);
}

int gvc_gcm_split_seal_final(struct gvc_gcm_split *s, uint8_t tag[16])
{
    uint8_t final_buf[16];
    OSSL_PARAM params[2];
    int outl = 0, rc = GVC_ERR_CRYPTO;

    if (!s || !tag || s->state != SPLIT_SEAL) {
        return GVC_ERR_ARG;
    }
    s->state = SPLIT_IDLE;
    ERR_set_mark();
    gvc_param_octets(&params[0], OSSL_CIPHER_PARAM_AEAD_TAG, tag,
                     GVC_GCM_TAG_LEN);
    gvc_param_end(&params[1]);
    if (EVP_CipherFinal_ex(s->gcm, final_buf, &outl) && outl == 0 &&
        EVP_CIPHER_CTX_get_params(s->gcm, params)) {
        rc = GVC_OK;
    }
    ERR_pop_to_mark();
    OPENSSL_cleanse(final_buf, sizeof(final_buf));
    return rc;
}
