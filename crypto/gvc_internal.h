/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the gv_crypto sources; never included by users of
 * the library, so that no OpenSSL type leaks into gv_crypto.h.
 */
#ifndef GVC_INTERNAL_H
#define GVC_INTERNAL_H

#include <openssl/evp.h>

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

/* Create or replace @path with @len bytes of @data, mode @mode; GVC_ERR_IO. */
int gvc_write_file(const char *path, const void *data, size_t len,
                   unsigned mode);

/*
 * PEM passphrase callback that never gives one, so that an encrypted PEM
 * fails instead of OpenSSL prompting on the terminal.
 */
int gvc_pem_no_password(char *buf, int size, int rwflag, void *u);

#endif /* GVC_INTERNAL_H */
