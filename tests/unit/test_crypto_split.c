/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of AES-256-GCM in pieces (struct gvc_gcm_split, the copy
 * engine's crypto mode): the GCM specification's test cases through the
 * two-pass open and the pieced seal, agreement with the one-shot
 * gvc_gcm_seal()/gvc_gcm_open() (OpenSSL's GCM) for every length of
 * associated data and message around block boundaries, tampering, and
 * calls out of order (no decryption before a good tag, none beyond what
 * was authenticated); all of it with the CPU's 512-bit GHASH and AES-CTR
 * where it has them (gvc_gcm_simd.c) and again through OpenSSL alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "test_crypto.h"

/* The GCM specification's test cases 13, 14 and 16: test_crypto.h. */

/* Open @ct (@len) in pieces of @step bytes; the plaintext to @pt. */
static int split_open(struct gvc_gcm_split *s, const uint8_t *iv,
                      const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                      size_t len, uint8_t *pt, const uint8_t *tag,
                      size_t step)
{
    int rc = gvc_gcm_split_auth_begin(s, iv, aad, aad_len);

    for (size_t off = 0; rc == GVC_OK && off < len; off += step) {
        rc = gvc_gcm_split_auth(s, ct + off,
                                len - off < step ? len - off : step);
    }
    if (rc == GVC_OK) {
        rc = gvc_gcm_split_auth_verify(s, tag);
    }
    for (size_t off = 0; rc == GVC_OK && off < len; off += step) {
        rc = gvc_gcm_split_decrypt(s, ct + off,
                                   len - off < step ? len - off : step,
                                   pt + off);
    }
    return rc;
}

static int split_seal(struct gvc_gcm_split *s, const uint8_t *iv,
                      const uint8_t *aad, size_t aad_len, const uint8_t *pt,
                      size_t len, uint8_t *ct, uint8_t *tag, size_t step)
{
    int rc = gvc_gcm_split_seal_begin(s, iv, aad, aad_len);

    for (size_t off = 0; rc == GVC_OK && off < len; off += step) {
        rc = gvc_gcm_split_seal(s, pt + off,
                                len - off < step ? len - off : step,
                                ct + off);
    }
    return rc == GVC_OK ? gvc_gcm_split_seal_final(s, tag) : rc;
}

static void test_split_vectors(void)
{
    uint8_t key[32], iv[12], pt[60], aad[20], ct[60], tag[16], out[60];
    uint8_t got_tag[16];
    struct gvc_gcm_split *s = NULL;
    static const size_t steps[] = { 1, 5, 16, 17, 60 };

    unhex(TC16_KEY, key, sizeof(key));
    unhex(TC16_IV, iv, sizeof(iv));
    unhex(TC16_PT, pt, sizeof(pt));
    unhex(TC16_AAD, aad, sizeof(aad));
    unhex(TC16_CT, ct, sizeof(ct));
    unhex(TC16_TAG, tag, sizeof(tag));
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_split_new(&s, key), GVC_OK);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        memset(out, 0, sizeof(out));
        CU_ASSERT_EQUAL(split_open(s, iv, aad, sizeof(aad), ct, sizeof(ct),
                                   out, tag, steps[i]), GVC_OK);
        CU_ASSERT_EQUAL(memcmp(out, pt, sizeof(pt)), 0);
        memset(out, 0, sizeof(out));
        CU_ASSERT_EQUAL(split_seal(s, iv, aad, sizeof(aad), pt, sizeof(pt),
                                   out, got_tag, steps[i]), GVC_OK);
        CU_ASSERT_EQUAL(memcmp(out, ct, sizeof(ct)), 0);
        CU_ASSERT_EQUAL(memcmp(got_tag, tag, sizeof(tag)), 0);
    }
    gvc_gcm_split_free(s);

    /* test cases 13 (nothing at all) and 14 (one zero block) */
    memset(key, 0, sizeof(key));
    memset(iv, 0, sizeof(iv));
    memset(pt, 0, 16);
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_split_new(&s, key), GVC_OK);
    unhex(TC13_TAG, tag, sizeof(tag));
    CU_ASSERT_EQUAL(split_open(s, iv, NULL, 0, NULL, 0, NULL, tag, 16),
                    GVC_OK);
    CU_ASSERT_EQUAL(split_seal(s, iv, NULL, 0, NULL, 0, NULL, got_tag, 16),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(got_tag, tag, 16), 0);
    unhex(TC14_CT, ct, 16);
    unhex(TC14_TAG, tag, sizeof(tag));
    CU_ASSERT_EQUAL(split_open(s, iv, NULL, 0, ct, 16, out, tag, 16),
                    GVC_OK);
    CU_ASSERT(all_zero(out, 16));
    gvc_gcm_split_free(s);
    gvc_gcm_split_free(NULL);
}

/* Every AAD length 0-40 and message length 0-100, and a few large ones,
 * in odd pieces: the same ciphertext and tag as OpenSSL's one-shot GCM. */
static void test_split_agrees(void)
{
    static const size_t big[] = { 4095, 4096, 4097, 65535, 65537,
                                  (1u << 20) + 3 };
    size_t max = (1u << 20) + 3;
    uint8_t key[32], iv[12], aad[40], tag[16], tag2[16];
    uint8_t *pt = malloc(max), *ct = malloc(max), *out = malloc(max);
    struct gvc_gcm_split *s = NULL;
    int bad = 0;

    CU_ASSERT_FATAL(pt && ct && out);
    gvc_random(key, sizeof(key));
    gvc_random(iv, sizeof(iv));
    gvc_random(aad, sizeof(aad));
    gvc_random(pt, max);
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_split_new(&s, key), GVC_OK);
    for (size_t a = 0; a <= sizeof(aad); a++) {
        for (size_t n = 0; n < 100 + sizeof(big) / sizeof(big[0]); n++) {
            size_t len = n < 100 ? n : big[n - 100];
            size_t step = 1 + (a * 7 + n) % 37 + (len > 4096 ? 4000 : 0);

            if (len > 1000 && a % 8) {
                continue;
            }
            iv[0]++;
            CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(key, iv, aad, a, pt, len, ct,
                                               tag), GVC_OK);
            if (split_open(s, iv, aad, a, ct, len, out, tag, step) !=
                    GVC_OK || memcmp(out, pt, len) != 0 ||
                split_seal(s, iv, aad, a, pt, len, out, tag2, step) !=
                    GVC_OK || memcmp(out, ct, len) != 0 ||
                memcmp(tag, tag2, 16) != 0) {
                if (bad++ < 5) {
                    fprintf(stderr, "\n    aad %zu, len %zu: differs", a,
                            len);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    gvc_gcm_split_free(s);
    free(pt);
    free(ct);
    free(out);
}

/* A changed ciphertext, tag, AAD or IV fails, and nothing is decrypted
 * then: decryption needs a good tag first. */
static void test_split_tamper(void)
{
    uint8_t key[32], iv[12], aad[8] = { 1 }, pt[300], ct[300], tag[16];
    uint8_t out[300];
    struct gvc_gcm_split *s = NULL;

    gvc_random(key, sizeof(key));
    gvc_random(iv, sizeof(iv));
    gvc_random(pt, sizeof(pt));
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(key, iv, aad, sizeof(aad), pt,
                                       sizeof(pt), ct, tag), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_split_new(&s, key), GVC_OK);
    for (int what = 0; what < 5; what++) {
        uint8_t *p = what == 0 ? ct + 17 : what == 1 ? ct + 299
                   : what == 2 ? tag + 15 : what == 3 ? aad + 7 : iv + 11;

        *p ^= 0x80;
        memset(out, 0, sizeof(out));
        CU_ASSERT_EQUAL(split_open(s, iv, aad, sizeof(aad), ct, sizeof(ct),
                                   out, tag, 64), GVC_ERR_AUTH);
        CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, ct, 16, out), GVC_ERR_ARG);
        CU_ASSERT(all_zero(out, sizeof(out)));
        *p ^= 0x80;
    }
    CU_ASSERT_EQUAL(split_open(s, iv, aad, sizeof(aad), ct, sizeof(ct), out,
                               tag, 64), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(out, pt, sizeof(pt)), 0);
    gvc_gcm_split_free(s);
}

static void test_split_order(void)
{
    uint8_t key[32] = { 3 }, iv[12] = { 4 }, buf[64] = { 0 }, tag[16];
    struct gvc_gcm_split *s = NULL;

    CU_ASSERT_EQUAL(gvc_gcm_split_new(NULL, key), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_new(&s, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_split_new(&s, key), GVC_OK);
    /* nothing begun */
    CU_ASSERT_EQUAL(gvc_gcm_split_auth(s, buf, 16), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_verify(s, tag), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf, 16, buf), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal(s, buf, 16, buf), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_final(s, tag), GVC_ERR_ARG);
    /* no decryption while authenticating */
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_begin(s, iv, NULL, 0), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal(s, buf, 32, buf + 32), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_final(s, tag), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_begin(s, iv, NULL, 0), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth(s, buf + 32, 32), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf + 32, 16, buf),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal(s, buf, 16, buf), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_verify(s, tag), GVC_OK);
    /* no more authentication after the check, no decryption beyond it */
    CU_ASSERT_EQUAL(gvc_gcm_split_auth(s, buf, 16), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf + 32, 33, buf),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf + 32, 20, buf), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf + 52, 13, buf + 20),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_decrypt(s, buf + 52, 12, buf + 20),
                    GVC_OK);
    CU_ASSERT(all_zero(buf, 32));
    /* arguments */
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_begin(NULL, iv, NULL, 0),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_begin(s, NULL, NULL, 0), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_begin(s, iv, NULL, 1), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_begin(s, iv, NULL, 0), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth(s, NULL, 1), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_auth_verify(s, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_begin(s, NULL, NULL, 0), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_begin(s, iv, NULL, 0), GVC_OK);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal(s, buf, 1, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_gcm_split_seal_final(s, NULL), GVC_ERR_ARG);
    gvc_gcm_split_free(s);
}

/* The same through OpenSSL alone, as on a CPU without AVX-512 VAES and
 * VPCLMULQDQ (gvc_gcm_simd.c). */
static void test_split_openssl(void)
{
    CU_ASSERT_EQUAL_FATAL(setenv("GVC_NO_SIMD", "1", 1), 0);
    test_split_vectors();
    test_split_agrees();
    test_split_tamper();
    test_split_order();
    unsetenv("GVC_NO_SIMD");
}

static const struct gv_cunit_test split_tests[] = {
    { "GCM spec test cases 13, 14, 16 in pieces", test_split_vectors },
    { "agrees with one-shot GCM at every boundary", test_split_agrees },
    { "tampered ct/tag/AAD/IV fail, nothing decrypted", test_split_tamper },
    { "calls out of order are refused", test_split_order },
    { "all of the above through OpenSSL alone", test_split_openssl },
    { NULL, NULL },
};

int crypto_split_suites(void)
{
    return gv_add_suite("aes-gcm-split", NULL, NULL, split_tests);
}
