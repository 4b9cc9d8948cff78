/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the gv_crypto sources; never included by users of
 * the library, so that no OpenSSL type leaks into gv_crypto.h.
 */
#ifndef GVC_INTERNAL_H
#define GVC_INTERNAL_H

#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "gv_crypto.h"

/* The curve, as OpenSSL names it in OSSL_PKEY_PARAM_GROUP_NAME. */
#define GVC_CURVE_NAME "prime256v1"
#define GVC_EC_COORD_LEN 32

struct gvc_key {
    EVP_PKEY *pkey;
    bool priv;
};

/*
 * Wrap @pkey (ownership passes to the new key, even on failure) in a
 * struct gvc_key.  GVC_ERR_FORMAT if it is not a P-256 key.
 */
int gvc_key_wrap_pkey(struct gvc_key **out, EVP_PKEY *pkey, bool priv);

/* Whether @pkey is an EC key on P-256. */
bool gvc_pkey_is_p256(const EVP_PKEY *pkey);

/* @pkey's public point, uncompressed; GVC_ERR_CRYPTO or GVC_ERR_FORMAT. */
int gvc_pkey_pub(const EVP_PKEY *pkey, uint8_t pub[GVC_EC_PUB_LEN]);

/* A public-only EVP_PKEY from 0x04||X||Y, validated; GVC_ERR_FORMAT. */
int gvc_pkey_from_pub(EVP_PKEY **out, const uint8_t pub[GVC_EC_PUB_LEN]);

/*
 * Read a whole file of at most @max bytes into a new buffer, which the
 * caller frees with OPENSSL_clear_free(*buf, *len + 1): it has one
 * extra NUL byte past *len.  GVC_ERR_IO, GVC_ERR_FORMAT (too large),
 * GVC_ERR_NOMEM.
 */
int gvc_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/*
 * Create or atomically replace @path with @len bytes of @data, mode @mode,
 * through a temporary file in the same directory.  GVC_ERR_IO,
 * GVC_ERR_NOMEM.
 */
int gvc_write_file(const char *path, const void *data, size_t len,
                   unsigned mode);

/*
 * Feed @len bytes through the cipher context @ctx in pieces OpenSSL's int
 * lengths can carry; @out NULL feeds them as AAD.  GVC_ERR_CRYPTO.
 */
int gvc_cipher_feed(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in,
                    size_t len);

/*
 * OSSL_PARAM builders that leave no uninitialised padding in the array.
 * The structs OSSL_PARAM_construct_*() return carry 4 bytes of padding,
 * which gcc copies through vector registers; OpenSSL's GHASH assembly later
 * reads a don't-care lane of such a register, and valgrind then reports
 * the GCM tag check as depending on uninitialised data.
 */
static inline void gvc_param_octets(OSSL_PARAM *p, const char *key,
                                    const void *data, size_t len)
{
    memset(p, 0, sizeof(*p));
    p->key = key;
    p->data_type = OSSL_PARAM_OCTET_STRING;
    p->data = (void *)data;
    p->data_size = len;
    p->return_size = OSSL_PARAM_UNMODIFIED;
}

static inline void gvc_param_utf8(OSSL_PARAM *p, const char *key,
                                  const char *str)
{
    memset(p, 0, sizeof(*p));
    p->key = key;
    p->data_type = OSSL_PARAM_UTF8_STRING;
    p->data = (void *)str;
    p->data_size = strlen(str);
    p->return_size = OSSL_PARAM_UNMODIFIED;
}

static inline void gvc_param_end(OSSL_PARAM *p)
{
    memset(p, 0, sizeof(*p));
}

/*
 * GHASH with 512-bit vectors (gvc_gcm_simd.c), for gvc_gcm_split where
 * gvc_simd_ok(): the CPU has AVX-512F/BW and VPCLMULQDQ.  gvc_ghash: H^16
 * .. H^1 and the accumulator, bytes reversed.  gvc_ghash_blocks()
 * absorbs @n whole blocks; gvc_ghash_final() gives GHASH so far.
 */
struct gvc_ghash {
    uint8_t pow[16][16];
    uint8_t acc[16];
};
bool gvc_simd_ok(void);
void gvc_ghash_init(struct gvc_ghash *g, const uint8_t h[16]);
void gvc_ghash_blocks(struct gvc_ghash *g, const uint8_t *p, size_t n);
void gvc_ghash_final(struct gvc_ghash *g, uint8_t out[16]);

/*
 * PEM passphrase callback that never gives one, so that an encrypted PEM
 * fails instead of OpenSSL prompting on the terminal.
 */
int gvc_pem_no_password(char *buf, int size, int rwflag, void *u);

#endif /* GVC_INTERNAL_H */
