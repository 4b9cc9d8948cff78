/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The unit tests of gv_crypto (test-crypto), shared by its files:
 *
 *   test_crypto.c        AES-256-GCM, SHA-256, HMAC, HKDF, ECDSA P-256
 *   test_crypto_files.c  keys in PEM files, key wrapping, X.509,
 *                        OpenSSL's error queue
 *   test_crypto_split.c  AES-256-GCM in pieces (gvc_gcm_split)
 */
#ifndef TEST_CRYPTO_H
#define TEST_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 6979, appendix A.2.5: the P-256 test key's public point. */
#define RFC6979_PUB \
    "04" \
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6" \
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"

/*
 * The GCM specification's AES-256 test cases: D. McGrew, J. Viega, "The
 * Galois/Counter Mode of Operation (GCM)", revised 2005, appendix B, test
 * cases 13, 14 and 16 (also in NIST's GCM validation examples).
 */
#define TC16_KEY \
    "feffe9928665731c6d6a8f9467308308" \
    "feffe9928665731c6d6a8f9467308308"
#define TC16_IV "cafebabefacedbaddecaf888"
#define TC16_PT \
    "d9313225f88406e5a55909c5aff5269a" \
    "86a7a9531534f7da2e4c303d8a318a72" \
    "1c3c0c95956809532fcf0e2449a6b525" \
    "b16aedf5aa0de657ba637b39"
#define TC16_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define TC16_CT \
    "522dc1f099567d07f47f37a32a84427d" \
    "643a8cdcbfe5c0c97598a2bd2555d1aa" \
    "8cb08e48590dbb3da7b08b1056828838" \
    "c5f61e6393ba7a0abcc9f662"
#define TC16_TAG "76fc6ece0f4e1768cddf8853bb2d551b"
#define TC13_TAG "530f8afbc74536b9a963b4f1c4cb738b"
#define TC14_CT "cea7403d4d606b6e074ec5d3baf39d18"
#define TC14_TAG "d0d1c8a799996bf0265b98b5d48ab919"

/* Decode @hex into @out, which must be exactly @n bytes long. */
void unhex(const char *hex, uint8_t *out, size_t n);
bool all_zero(const void *p, size_t n);

/* test_crypto_files.c's suites (they run after test_crypto.c's). */
int crypto_file_suites(void);
/* test_crypto_split.c's: AES-256-GCM in pieces. */
int crypto_split_suites(void);

#endif /* TEST_CRYPTO_H */
