/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random bytes from OpenSSL's DRBG.
 */
#include <openssl/err.h>
#include <openssl/rand.h>

#include "gvc_internal.h"

/* RAND_bytes() takes an int; feed it at most this much at a time. */
#define GVC_RAND_CHUNK (1u << 30)

int gvc_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t off = 0;
    int rc = GVC_OK;

    if (!buf || len == 0) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    while (off < len) {
        size_t n = len - off < GVC_RAND_CHUNK ? len - off : GVC_RAND_CHUNK;

        if (RAND_bytes(p + off, (int)n) != 1) {
            rc = GVC_ERR_CRYPTO;
            goto done;
        }
        off += n;
    }
done:
    if (rc != GVC_OK) {
        OPENSSL_cleanse(buf, len);
    }
    ERR_pop_to_mark();
    return rc;
}
