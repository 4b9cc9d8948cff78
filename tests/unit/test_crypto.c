/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of gv_crypto: published test vectors, round trips, tampering,
 * argument checks, key and certificate files.  This file: AES-256-GCM,
 * SHA-256, HMAC, HKDF and ECDSA P-256; test_crypto_files.c: keys in PEM
 * files, key wrapping, X.509 and OpenSSL's error queue (test_crypto.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "test_crypto.h"

/* ---- helpers ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode @hex into @out, which must be exactly @n bytes long. */
void unhex(const char *hex, uint8_t *out, size_t n)
{
    size_t len = strlen(hex);

    CU_ASSERT_EQUAL_FATAL(len, 2 * n);
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hexval(hex[2 * i + 1]);

        CU_ASSERT_FATAL(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

/* ---- AES-256-GCM ---- */

/* The GCM specification's test cases 13, 14 and 16: test_crypto.h. */

struct tc16 {
    uint8_t key[32], iv[12], pt[60], aad[20], ct[60], tag[16];
};

static void tc16_load(struct tc16 *v)
{
    unhex(TC16_KEY, v->key, sizeof(v->key));
    unhex(TC16_IV, v->iv, sizeof(v->iv));
    unhex(TC16_PT, v->pt, sizeof(v->pt));
    unhex(TC16_AAD, v->aad, sizeof(v->aad));
    unhex(TC16_CT, v->ct, sizeof(v->ct));
    unhex(TC16_TAG, v->tag, sizeof(v->tag));
}

static void test_gcm_vector_oneshot(void)
{
    struct tc16 v;
    uint8_t out[60], tag[16];

    tc16_load(&v);
    memset(out, 0, sizeof(out));
    CU_ASSERT_EQUAL(gvc_gcm_seal(v.key, v.iv, v.aad, sizeof(v.aad), v.pt,
                                 sizeof(v.pt), out, tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, v.ct, sizeof(out)), 0);
    CU_ASSERT_EQUAL(memcmp(tag, v.tag, sizeof(tag)), 0);

    memset(out, 0, sizeof(out));
    CU_ASSERT_EQUAL(gvc_gcm_open(v.key, v.iv, v.aad, sizeof(v.aad), v.ct,
                                 sizeof(v.ct), out, v.tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, v.pt, sizeof(out)), 0);
}

static void test_gcm_vector_zero_key(void)
{
    uint8_t key[32] = { 0 }, iv[12] = { 0 }, pt[16] = { 0 };
    uint8_t ct[16], tag[16], want[16], want_tag[16];

    /* Test case 13: no plaintext, no AAD (GMAC of nothing). */
    unhex(TC13_TAG, want_tag, sizeof(want_tag));
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, NULL, 0, NULL, tag),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(tag, want_tag, 16), 0);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, NULL, 0, NULL, want_tag),
                    GVC_OK);

    /* Test case 14: one zero block. */
    unhex(TC14_CT, want, sizeof(want));
    unhex(TC14_TAG, want_tag, sizeof(want_tag));
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, pt, 16, ct, tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(ct, want, 16), 0);
    CU_ASSERT_EQUAL(memcmp(tag, want_tag, 16), 0);
}

static void test_gcm_vector_aead(void)
{
    struct gvc_aead *a = NULL;
    struct tc16 v;
    uint8_t out[60], tag[16];

    tc16_load(&v);
    CU_ASSERT_EQUAL_FATAL(gvc_aead_new(&a, v.key), GVC_OK);
    /* Several messages through one object: the key schedule is reused. */
    for (int i = 0; i < 3; i++) {
        memset(out, 0, sizeof(out));
        CU_ASSERT_EQUAL(gvc_aead_seal(a, v.iv, v.aad, sizeof(v.aad), v.pt,
                                      sizeof(v.pt), out, tag), GVC_OK);
        CU_ASSERT_EQUAL(memcmp(out, v.ct, sizeof(out)), 0);
        CU_ASSERT_EQUAL(memcmp(tag, v.tag, sizeof(tag)), 0);
        memset(out, 0, sizeof(out));
        CU_ASSERT_EQUAL(gvc_aead_open(a, v.iv, v.aad, sizeof(v.aad), v.ct,
                                      sizeof(v.ct), out, v.tag), GVC_OK);
        CU_ASSERT_EQUAL(memcmp(out, v.pt, sizeof(out)), 0);
    }
    /* A failed open does not disturb the next message. */
    v.tag[0] ^= 1;
    CU_ASSERT_EQUAL(gvc_aead_open(a, v.iv, v.aad, sizeof(v.aad), v.ct,
                                  sizeof(v.ct), out, v.tag), GVC_ERR_AUTH);
    v.tag[0] ^= 1;
    CU_ASSERT_EQUAL(gvc_aead_open(a, v.iv, v.aad, sizeof(v.aad), v.ct,
                                  sizeof(v.ct), out, v.tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, v.pt, sizeof(out)), 0);
    gvc_aead_free(a);
    gvc_aead_free(NULL);
}

static void test_gcm_roundtrip_inplace(void)
{
    uint8_t key[32], iv[12], aad[37], msg[1000], buf[1000], tag[16];
    uint8_t tag2[16];
    struct gvc_aead *a = NULL;

    CU_ASSERT_EQUAL_FATAL(gvc_random(key, sizeof(key)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(iv, sizeof(iv)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(aad, sizeof(aad)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(msg, sizeof(msg)), GVC_OK);

    /* One-shot, in place. */
    memcpy(buf, msg, sizeof(buf));
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, aad, sizeof(aad), buf, sizeof(buf),
                                 buf, tag), GVC_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(buf, msg, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), buf, sizeof(buf),
                                 buf, tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(buf, msg, sizeof(buf)), 0);

    /* The object, in place, gives the same ciphertext and tag. */
    CU_ASSERT_EQUAL_FATAL(gvc_aead_new(&a, key), GVC_OK);
    CU_ASSERT_EQUAL(gvc_aead_seal(a, iv, aad, sizeof(aad), buf, sizeof(buf),
                                  buf, tag2), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(tag, tag2, 16), 0);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), buf, sizeof(buf),
                                  buf, tag2), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(buf, msg, sizeof(buf)), 0);

    /* Odd lengths, out of place. */
    for (size_t len = 1; len < 40; len += 7) {
        uint8_t ct[40], pt[40];

        CU_ASSERT_EQUAL(gvc_aead_seal(a, iv, NULL, 0, msg, len, ct, tag),
                        GVC_OK);
        CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, ct, len, pt, tag),
                        GVC_OK);
        CU_ASSERT_EQUAL(memcmp(pt, msg, len), 0);
    }
    gvc_aead_free(a);
}

static void test_gcm_gmac(void)
{
    uint8_t key[32], iv[12], aad[64], tag[16], tag2[16];
    struct gvc_aead *a = NULL;

    CU_ASSERT_EQUAL_FATAL(gvc_random(key, sizeof(key)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(iv, sizeof(iv)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(aad, sizeof(aad)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_aead_new(&a, key), GVC_OK);

    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, aad, sizeof(aad), NULL, 0, NULL,
                                 tag), GVC_OK);
    CU_ASSERT_EQUAL(gvc_aead_seal(a, iv, aad, sizeof(aad), NULL, 0, NULL,
                                  tag2), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(tag, tag2, 16), 0);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), NULL, 0, NULL,
                                 tag), GVC_OK);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), NULL, 0, NULL,
                                  tag), GVC_OK);
    /* The tag covers the AAD. */
    aad[63] ^= 0x80;
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), NULL, 0, NULL,
                                 tag), GVC_ERR_AUTH);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), NULL, 0, NULL,
                                  tag), GVC_ERR_AUTH);
    gvc_aead_free(a);
}

static void test_gcm_tamper(void)
{
    uint8_t key[32], iv[12], aad[16], msg[64], ct[64], pt[64], tag[16];
    struct gvc_aead *a = NULL;

    CU_ASSERT_EQUAL_FATAL(gvc_random(key, sizeof(key)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(iv, sizeof(iv)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(aad, sizeof(aad)), GVC_OK);
    memset(msg, 0x5a, sizeof(msg));
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(key, iv, aad, sizeof(aad), msg,
                                       sizeof(msg), ct, tag), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_aead_new(&a, key), GVC_OK);

    /* Every bit of ciphertext counts. */
    for (size_t i = 0; i < sizeof(ct); i += 9) {
        ct[i] ^= 0x04;
        memset(pt, 0xee, sizeof(pt));
        CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct,
                                     sizeof(ct), pt, tag), GVC_ERR_AUTH);
        /* Unauthenticated plaintext is never handed out. */
        CU_ASSERT_NOT_EQUAL(memcmp(pt, msg, sizeof(pt)), 0);
        CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), ct,
                                      sizeof(ct), pt, tag), GVC_ERR_AUTH);
        ct[i] ^= 0x04;
    }
    for (size_t i = 0; i < sizeof(tag); i++) {
        tag[i] ^= 0x01;
        CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct,
                                     sizeof(ct), pt, tag), GVC_ERR_AUTH);
        tag[i] ^= 0x01;
    }
    aad[5] ^= 0x10;
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct, sizeof(ct),
                                 pt, tag), GVC_ERR_AUTH);
    aad[5] ^= 0x10;
    /* Dropping the AAD altogether. */
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, ct, sizeof(ct), pt, tag),
                    GVC_ERR_AUTH);
    iv[11] ^= 0x01;
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct, sizeof(ct),
                                 pt, tag), GVC_ERR_AUTH);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), ct, sizeof(ct),
                                  pt, tag), GVC_ERR_AUTH);
    iv[11] ^= 0x01;
    /* A truncated message. */
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct,
                                 sizeof(ct) - 1, pt, tag), GVC_ERR_AUTH);
    key[0] ^= 0x01;
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, aad, sizeof(aad), ct, sizeof(ct),
                                 pt, tag), GVC_ERR_AUTH);
    key[0] ^= 0x01;
    /* And untouched, it opens. */
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, aad, sizeof(aad), ct, sizeof(ct),
                                  pt, tag), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(pt, msg, sizeof(pt)), 0);
    gvc_aead_free(a);
}

static void test_gcm_args(void)
{
    uint8_t key[32] = { 1 }, iv[12] = { 0 }, buf[16] = { 0 }, tag[16];
    struct gvc_aead *a = NULL;

    CU_ASSERT_EQUAL(gvc_gcm_seal(NULL, iv, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, NULL, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 4, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, NULL, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, buf, 16, NULL, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, buf, 16, buf, NULL),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, NULL, 0, buf,
                                 (size_t)GVC_GCM_MAX_LEN + 1, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_open(NULL, iv, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, buf, 16, buf, NULL),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, NULL, 16, buf, tag),
                    GVC_ERR_ARG);

    CU_ASSERT_EQUAL(gvc_aead_new(NULL, key), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aead_new(&a, NULL), GVC_ERR_ARG);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_EQUAL(gvc_aead_seal(NULL, iv, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aead_open(NULL, iv, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL_FATAL(gvc_aead_new(&a, key), GVC_OK);
    CU_ASSERT_EQUAL(gvc_aead_seal(a, NULL, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aead_seal(a, iv, NULL, 0, buf, 16, NULL, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, NULL, 1, buf, 16, buf, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aead_open(a, iv, NULL, 0, buf, 16, buf, NULL),
                    GVC_ERR_ARG);
    gvc_aead_free(a);
}

/* ---- SHA-256, HMAC, HKDF ---- */

static void test_sha256_vectors(void)
{
    /* FIPS 180-2, appendix B.1 and B.2; and the empty message. */
    static const char msg2[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t out[32], want[32];

    unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          want, 32);
    CU_ASSERT_EQUAL(gvc_sha256("abc", 3, out), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);

    unhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
          want, 32);
    CU_ASSERT_EQUAL(gvc_sha256(msg2, strlen(msg2), out), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);

    unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          want, 32);
    CU_ASSERT_EQUAL(gvc_sha256(NULL, 0, out), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);
}

static void test_sha256_incremental(void)
{
    static uint8_t data[10000];
    struct gvc_sha256_ctx *c = NULL;
    uint8_t one[32], inc[32], abc[32];
    static const size_t steps[] = { 1, 63, 64, 65, 1000, 4093 };

    CU_ASSERT_EQUAL_FATAL(gvc_random(data, sizeof(data)), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_sha256(data, sizeof(data), one), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_sha256_new(&c), GVC_OK);

    /* Reused after every final, for each chunking. */
    for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
        int errors = 0;

        for (size_t off = 0; off < sizeof(data); off += steps[s]) {
            size_t n = sizeof(data) - off < steps[s] ? sizeof(data) - off
                                                     : steps[s];

            errors += gvc_sha256_update(c, data + off, n) != GVC_OK;
            /* Empty updates change nothing. */
            errors += gvc_sha256_update(c, NULL, 0) != GVC_OK;
        }
        CU_ASSERT_EQUAL(errors, 0);
        memset(inc, 0, sizeof(inc));
        CU_ASSERT_EQUAL(gvc_sha256_final(c, inc), GVC_OK);
        CU_ASSERT_EQUAL(memcmp(one, inc, 32), 0);
    }
    /* After final, a fresh message. */
    CU_ASSERT_EQUAL(gvc_sha256_update(c, "ab", 2), GVC_OK);
    CU_ASSERT_EQUAL(gvc_sha256_update(c, "c", 1), GVC_OK);
    CU_ASSERT_EQUAL(gvc_sha256_final(c, inc), GVC_OK);
    CU_ASSERT_EQUAL(gvc_sha256("abc", 3, abc), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(abc, inc, 32), 0);
    gvc_sha256_free(c);
    gvc_sha256_free(NULL);
}

static void test_sha256_args(void)
{
    struct gvc_sha256_ctx *c = NULL;
    uint8_t out[32];

    CU_ASSERT_EQUAL(gvc_sha256(NULL, 1, out), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sha256("a", 1, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sha256_new(NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sha256_update(NULL, "a", 1), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sha256_final(NULL, out), GVC_ERR_ARG);
    CU_ASSERT_EQUAL_FATAL(gvc_sha256_new(&c), GVC_OK);
    CU_ASSERT_EQUAL(gvc_sha256_update(c, NULL, 5), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sha256_final(c, NULL), GVC_ERR_ARG);
    gvc_sha256_free(c);
}

static void test_hmac_vectors(void)
{
    /* RFC 4231, test cases 1 and 2. */
    uint8_t key1[20], out[32], want[32];

    memset(key1, 0x0b, sizeof(key1));
    unhex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
          want, 32);
    CU_ASSERT_EQUAL(gvc_hmac_sha256(key1, sizeof(key1), "Hi There", 8, out),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);

    unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
          want, 32);
    CU_ASSERT_EQUAL(gvc_hmac_sha256("Jefe", 4, "what do ya want for nothing?",
                                    28, out), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);

    CU_ASSERT_EQUAL(gvc_hmac_sha256(NULL, 0, "x", 1, out), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hmac_sha256("k", 0, "x", 1, out), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hmac_sha256("k", 1, NULL, 1, out), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hmac_sha256("k", 1, "x", 1, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hmac_sha256("k", 1, NULL, 0, out), GVC_OK);
}

static void test_hkdf_vectors(void)
{
    /* RFC 5869, test cases 1 and 3 (no salt, no info). */
    uint8_t ikm[22], salt[13], info[10], out[42], want[42];

    memset(ikm, 0x0b, sizeof(ikm));
    unhex("000102030405060708090a0b0c", salt, sizeof(salt));
    unhex("f0f1f2f3f4f5f6f7f8f9", info, sizeof(info));
    unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
          "34007208d5b887185865", want, sizeof(want));
    CU_ASSERT_EQUAL(gvc_hkdf_sha256(ikm, sizeof(ikm), salt, sizeof(salt),
                                    info, sizeof(info), out, sizeof(out)),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, sizeof(out)), 0);

    unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
          "9d201395faa4b61a96c8", want, sizeof(want));
    CU_ASSERT_EQUAL(gvc_hkdf_sha256(ikm, sizeof(ikm), NULL, 0, NULL, 0, out,
                                    sizeof(out)), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, want, sizeof(out)), 0);
}

static void test_hkdf_args(void)
{
    static uint8_t big[GVC_HKDF_MAX_OUT + 1];
    uint8_t out[32];

    CU_ASSERT_EQUAL(gvc_hkdf_sha256(NULL, 1, NULL, 0, NULL, 0, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 0, NULL, 0, NULL, 0, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 3, NULL, 0, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, NULL, 3, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, big,
                                    GVC_HKDF_MAX_INFO + 1, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, NULL, 0, NULL, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, NULL, 0, out, 0),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, NULL, 0, big,
                                    sizeof(big)), GVC_ERR_ARG);
    /* The limits themselves are accepted. */
    CU_ASSERT_EQUAL(gvc_hkdf_sha256("k", 1, NULL, 0, big, GVC_HKDF_MAX_INFO,
                                    big, GVC_HKDF_MAX_OUT), GVC_OK);
}

static void test_memcmp_ct(void)
{
    uint8_t a[33], b[33];

    CU_ASSERT_EQUAL_FATAL(gvc_random(a, sizeof(a)), GVC_OK);
    memcpy(b, a, sizeof(b));
    CU_ASSERT_EQUAL(gvc_memcmp_ct(a, b, sizeof(a)), 0);
    b[32] ^= 0x80;
    CU_ASSERT_NOT_EQUAL(gvc_memcmp_ct(a, b, sizeof(a)), 0);
    CU_ASSERT_EQUAL(gvc_memcmp_ct(a, b, 32), 0);
    b[0] ^= 0x01;
    CU_ASSERT_NOT_EQUAL(gvc_memcmp_ct(a, b, 32), 0);
    CU_ASSERT_EQUAL(gvc_memcmp_ct(NULL, b, 1), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_memcmp_ct(a, NULL, 1), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_memcmp_ct(a, a, 0), GVC_ERR_ARG);
}

static void test_random_and_strerror(void)
{
    uint8_t a[32] = { 0 }, b[32] = { 0 };
    const int codes[] = { GVC_OK, GVC_ERR_ARG, GVC_ERR_AUTH, GVC_ERR_NOMEM,
                          GVC_ERR_CRYPTO, GVC_ERR_IO, GVC_ERR_FORMAT };

    CU_ASSERT_EQUAL(gvc_random(a, sizeof(a)), GVC_OK);
    CU_ASSERT_EQUAL(gvc_random(b, sizeof(b)), GVC_OK);
    CU_ASSERT_FALSE(all_zero(a, sizeof(a)));
    CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof(a)), 0);
    CU_ASSERT_EQUAL(gvc_random(NULL, 4), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_random(a, 0), GVC_ERR_ARG);

    /* Every code has its own message; unknown ones get a generic one. */
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(gvc_strerror(codes[i]));
        CU_ASSERT_STRING_NOT_EQUAL(gvc_strerror(codes[i]),
                                   gvc_strerror(-100));
        for (size_t j = 0; j < i; j++) {
            CU_ASSERT_STRING_NOT_EQUAL(gvc_strerror(codes[i]),
                                       gvc_strerror(codes[j]));
        }
    }
    CU_ASSERT_PTR_NOT_NULL(gvc_strerror(12345));
}

/* ---- ECDSA P-256 ---- */

/* The P-256 base point G (SEC 2 / FIPS 186-4 D.1.2.3), uncompressed. */
#define P256_G \
    "04" \
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" \
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"

/*
 * RFC 6979, appendix A.2.5: the P-256 key (RFC6979_PUB) and its SHA-256
 * signatures of "sample" and "test".  Our signatures are randomised, so
 * this checks verification and the raw r||s layout.
 */
#define RFC6979_SAMPLE_SIG \
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716" \
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
#define RFC6979_TEST_SIG \
    "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367" \
    "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"

static void test_ecdsa_rfc6979(void)
{
    struct gvc_key *k = NULL;
    uint8_t pub[65], sample[64], test[64];

    unhex(RFC6979_PUB, pub, sizeof(pub));
    unhex(RFC6979_SAMPLE_SIG, sample, sizeof(sample));
    unhex(RFC6979_TEST_SIG, test, sizeof(test));
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&k, pub), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, "sample", 6, sample), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, "test", 4, test), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, "test", 4, sample), GVC_ERR_AUTH);
    CU_ASSERT_EQUAL(gvc_verify(k, "sample", 6, test), GVC_ERR_AUTH);
    /* r and s swapped. */
    memcpy(test, sample + 32, 32);
    memcpy(test + 32, sample, 32);
    CU_ASSERT_EQUAL(gvc_verify(k, "sample", 6, test), GVC_ERR_AUTH);
    gvc_key_free(k);
}

static void test_ecdsa_roundtrip(void)
{
    static const char msg[] = "graviton attestation report";
    struct gvc_key *k = NULL, *other = NULL, *pubk = NULL;
    uint8_t sig[64], sig2[64], pub[65];

    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&other), GVC_OK);
    CU_ASSERT_TRUE(gvc_key_has_private(k));
    CU_ASSERT_FALSE(gvc_key_has_private(NULL));

    CU_ASSERT_EQUAL(gvc_key_pub(k, pub), GVC_OK);
    CU_ASSERT_EQUAL(pub[0], 0x04);
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&pubk, pub), GVC_OK);
    CU_ASSERT_FALSE(gvc_key_has_private(pubk));

    CU_ASSERT_EQUAL(gvc_sign(k, msg, sizeof(msg), sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(pubk, msg, sizeof(msg), sig), GVC_OK);
    /* Randomised: a second signature differs but verifies too. */
    CU_ASSERT_EQUAL(gvc_sign(k, msg, sizeof(msg), sig2), GVC_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(sig, sig2, 64), 0);
    CU_ASSERT_EQUAL(gvc_verify(pubk, msg, sizeof(msg), sig2), GVC_OK);

    /* Empty message. */
    CU_ASSERT_EQUAL(gvc_sign(k, NULL, 0, sig2), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(pubk, NULL, 0, sig2), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(pubk, "", 0, sig2), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(pubk, msg, sizeof(msg), sig2), GVC_ERR_AUTH);

    gvc_key_free(k);
    gvc_key_free(other);
    gvc_key_free(pubk);
    gvc_key_free(NULL);
}

static void test_ecdsa_reject(void)
{
    char msg[] = "graviton attestation report";
    struct gvc_key *k = NULL, *other = NULL;
    uint8_t sig[64], bad[64];

    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&other), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_sign(k, msg, sizeof(msg), sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), sig), GVC_OK);

    /* Altered message. */
    msg[0] ^= 0x20;
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), sig), GVC_ERR_AUTH);
    msg[0] ^= 0x20;
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg) - 1, sig), GVC_ERR_AUTH);
    /* Altered signature, in r and in s. */
    for (size_t i = 0; i < 64; i += 13) {
        memcpy(bad, sig, 64);
        bad[i] ^= 0x01;
        CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), bad), GVC_ERR_AUTH);
    }
    /* r = 0, s = 0, all ones (>= n). */
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), bad), GVC_ERR_AUTH);
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), bad), GVC_ERR_AUTH);
    memset(bad, 0xff, 64);
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), bad), GVC_ERR_AUTH);
    /* The other key. */
    CU_ASSERT_EQUAL(gvc_verify(other, msg, sizeof(msg), sig), GVC_ERR_AUTH);
    /* And the original still verifies. */
    CU_ASSERT_EQUAL(gvc_verify(k, msg, sizeof(msg), sig), GVC_OK);

    gvc_key_free(k);
    gvc_key_free(other);
}

static void test_key_from_pub(void)
{
    struct gvc_key *k = NULL;
    uint8_t g[65], pt[65], back[65];

    unhex(P256_G, g, sizeof(g));
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, g), GVC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(gvc_key_pub(k, back), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(back, g, 65), 0);
    gvc_key_free(k);
    k = NULL;

    /* (Gx, Gy + 1): the only points with x = Gx are (Gx, +-Gy). */
    memcpy(pt, g, 65);
    pt[64] ^= 0x01;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(k);
    /* Compressed, hybrid and garbage prefixes. */
    memcpy(pt, g, 65);
    pt[0] = 0x02;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    pt[0] = 0x06 | (g[64] & 1);
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    pt[0] = 0x00;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    /* Coordinates >= p; all zeros. */
    memset(pt, 0xff, 65);
    pt[0] = 0x04;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    memset(pt, 0, 65);
    pt[0] = 0x04;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, pt), GVC_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(k);

    CU_ASSERT_EQUAL(gvc_key_from_pub(NULL, g), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_key_from_pub(&k, NULL), GVC_ERR_ARG);
}

static void test_ecdsa_args(void)
{
    struct gvc_key *k = NULL, *pubk = NULL;
    uint8_t sig[64] = { 0 }, pub[65];

    CU_ASSERT_EQUAL(gvc_key_generate(NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(k, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&pubk, pub), GVC_OK);

    CU_ASSERT_EQUAL(gvc_key_pub(NULL, pub), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_key_pub(k, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sign(NULL, "m", 1, sig), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sign(pubk, "m", 1, sig), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sign(k, NULL, 1, sig), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_sign(k, "m", 1, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_verify(NULL, "m", 1, sig), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_verify(k, NULL, 1, sig), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_verify(k, "m", 1, NULL), GVC_ERR_ARG);
    gvc_key_free(k);
    gvc_key_free(pubk);
}

/* ---- registration ---- */

static const struct gv_cunit_test gcm_tests[] = {
    { "GCM spec test case 16, one-shot", test_gcm_vector_oneshot },
    { "GCM spec test cases 13 and 14", test_gcm_vector_zero_key },
    { "GCM spec test case 16, aead object", test_gcm_vector_aead },
    { "round trips, in place", test_gcm_roundtrip_inplace },
    { "len 0 is GMAC over the AAD", test_gcm_gmac },
    { "tampered ct/tag/AAD/IV/key fail", test_gcm_tamper },
    { "argument checks", test_gcm_args },
    { NULL, NULL },
};

static const struct gv_cunit_test hash_tests[] = {
    { "SHA-256 FIPS 180-2 vectors", test_sha256_vectors },
    { "SHA-256 incremental equals one-shot", test_sha256_incremental },
    { "SHA-256 argument checks", test_sha256_args },
    { "HMAC-SHA256 RFC 4231 vectors", test_hmac_vectors },
    { "HKDF-SHA256 RFC 5869 vectors", test_hkdf_vectors },
    { "HKDF argument checks", test_hkdf_args },
    { "constant-time compare", test_memcmp_ct },
    { "random bytes and error strings", test_random_and_strerror },
    { NULL, NULL },
};

static const struct gv_cunit_test ecdsa_tests[] = {
    { "RFC 6979 A.2.5 signatures verify", test_ecdsa_rfc6979 },
    { "sign/verify round trip", test_ecdsa_roundtrip },
    { "altered message/signature/key fail", test_ecdsa_reject },
    { "public points are validated", test_key_from_pub },
    { "argument checks", test_ecdsa_args },
    { NULL, NULL },
};

int gv_register_suites(void)
{
    if (gv_add_suite("aes-gcm", NULL, NULL, gcm_tests) ||
        gv_add_suite("sha-hmac-hkdf", NULL, NULL, hash_tests) ||
        gv_add_suite("ecdsa", NULL, NULL, ecdsa_tests) ||
        crypto_file_suites() || crypto_split_suites()) {
        return -1;
    }
    return 0;
}
