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

/* Decode @hex into @out, which must be exactly @n bytes long. */
void unhex(const char *hex, uint8_t *out, size_t n);
bool all_zero(const void *p, size_t n);

/* test_crypto_files.c's suites (they run after test_crypto.c's). */
int crypto_file_suites(void);
/* test_crypto_split.c's: AES-256-GCM in pieces. */
int crypto_split_suites(void);

#endif /* TEST_CRYPTO_H */
