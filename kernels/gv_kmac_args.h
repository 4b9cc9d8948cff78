/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AES-256-CTR + KMAC256 kernels of the secure memcpy (kernels/kmac.cu):
 * their one by-value parameter, the chunk size of the tree and the layout
 * of their state area in device memory.  Plain C, shared by the kernels
 * (CUDA C), the trusted runtime and the host tests; little-endian,
 * fixed-width, sizes asserted.  docs/kernels.md ("AES-CTR + KMAC256")
 * describes the scheme and the launch sequences.
 */
#ifndef GV_KMAC_ARGS_H
#define GV_KMAC_ARGS_H

#ifdef __CUDA__
typedef unsigned char uint8_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <stdint.h>
#endif

#define GV_KMAC_KEY_LEN         32      /* AES-256 key, KMAC256 key */
#define GV_KMAC_IV_LEN          12      /* counter blocks IV || be32(2 + c) */
#define GV_KMAC_TAG_LEN         32      /* KMAC256 with L = 256 */
#define GV_KMAC_AAD_MAX         64      /* bytes of AAD carried in the args */
/* One leaf of the tree per chunk of the ciphertext (gv_crypto.h's
 * GVC_KMAC_CHUNK is the same). */
#define GV_KMAC_CHUNK           8192u
/* Most chunks, so most bytes, of one message: 64 MiB (the runtime splits
 * longer copies); the state area holds one 32-byte tag per chunk. */
#define GV_KMAC_MAX_CHUNKS      8192u
#define GV_KMAC_MAX_LEN         ((uint64_t)GV_KMAC_CHUNK * GV_KMAC_MAX_CHUNKS)
/* Chunks of a @len-byte message: an empty one has one empty chunk. */
#define GV_KMAC_NCHUNKS(len)    \
    ((len) ? ((uint64_t)(len) - 1) / GV_KMAC_CHUNK + 1 : 1)

/*
 * The kernels' only parameter, passed by value (216 bytes).  Every kernel
 * of one AuthDec or AuthEnc sequence gets the same struct.
 *   data     device VA of the ciphertext, 16-byte aligned:
 *            gv_kmac_chunks MACs it, gv_kmac_decrypt reads it,
 *            gv_kmac_encrypt writes it
 *   plain    device VA of the plaintext, 16-byte aligned, or 0 for data
 *            itself (in place): gv_kmac_decrypt writes it,
 *            gv_kmac_encrypt reads it.  A separate buffer must not
 *            overlap data
 *   len      bytes in each, 0 .. GV_KMAC_MAX_LEN, any value
 *   state    device VA of the state area (below), 16-byte aligned, of
 *            GV_KMAC_STATE_SIZE(GV_KMAC_NCHUNKS(len)) bytes at least
 *   enc_key  the AES-256 key, mac_key the KMAC256 key: fresh per copy,
 *            independent of each other
 *   tag      AuthDec: the expected tag; AuthEnc: ignored
 *   iv       the 96-bit IV
 *   aad_len  bytes of aad[] authenticated, 0 .. GV_KMAC_AAD_MAX
 *   flags    must be 0
 *   pad      must be 0
 *   aad      additional authenticated data; bytes past aad_len are ignored
 * A kernel that refuses its args or grid writes GV_KMAC_BAD_ARGS and
 * nothing else.
 */
struct gv_kmac_args {
    uint64_t data;                      /* 0 */
    uint64_t plain;                     /* 8 */
    uint64_t len;                       /* 16 */
    uint64_t state;                     /* 24 */
    uint8_t enc_key[GV_KMAC_KEY_LEN];   /* 32 */
    uint8_t mac_key[GV_KMAC_KEY_LEN];   /* 64 */
    uint8_t tag[GV_KMAC_TAG_LEN];       /* 96 */
    uint8_t iv[GV_KMAC_IV_LEN];         /* 128 */
    uint32_t aad_len;                   /* 140 */
    uint32_t flags;                     /* 144 */
    uint32_t pad;                       /* 148 */
    uint8_t aad[GV_KMAC_AAD_MAX];       /* 152 */
};
#ifdef __cplusplus     /* CUDA C++ (nvcc has no _Static_assert) */
static_assert(sizeof(struct gv_kmac_args) == 216, "gv_kmac_args ABI size");
#else
_Static_assert(sizeof(struct gv_kmac_args) == 216, "gv_kmac_args ABI size");
#endif

/*
 * The state area: GV_KMAC_STATE_SIZE(n) bytes for n chunks.  It needs no
 * initialisation: gv_kmac_chunks writes what the later kernels read.
 *   result   GV_KMAC_* below: 0 (pending) from gv_kmac_chunks and
 *            gv_kmac_encrypt, the outcome from gv_kmac_verify and
 *            gv_kmac_tag, GV_KMAC_NOT_VERIFIED from gv_kmac_decrypt,
 *            GV_KMAC_BAD_ARGS from any kernel that refuses its args
 *   nchunks, len, data, iv   what the last gv_kmac_chunks covered; the
 *            root kernels check them against their args (else
 *            GV_KMAC_NO_CHUNKS), gv_kmac_decrypt too (with result OK:
 *            what gv_kmac_verify verified)
 *   tag      AuthEnc: the tag gv_kmac_tag computed
 *   chunk[i] T_i, the KMAC256 of chunk i (the tree's leaves)
 */
#define GV_KMAC_ST_RESULT       0x00    /* uint32_t */
#define GV_KMAC_ST_NCHUNKS      0x04    /* uint32_t */
#define GV_KMAC_ST_LEN          0x08    /* uint64_t */
#define GV_KMAC_ST_DATA         0x10    /* uint64_t */
#define GV_KMAC_ST_IV           0x18    /* uint8_t[12] */
#define GV_KMAC_ST_TAG          0x40    /* uint8_t[32] */
#define GV_KMAC_ST_CHUNKS       0x60    /* uint8_t[nchunks][32] */
#define GV_KMAC_STATE_SIZE(n)   (GV_KMAC_ST_CHUNKS + 32ull * (n))
#define GV_KMAC_STATE_MAX       GV_KMAC_STATE_SIZE(GV_KMAC_MAX_CHUNKS)

/* Values of the result word. */
#define GV_KMAC_PENDING         0u      /* sequence not finished */
#define GV_KMAC_OK              1u      /* tag verified (the data is
                                           decrypted when gv_kmac_decrypt
                                           ends), or tag written */
#define GV_KMAC_MISMATCH        2u      /* wrong tag: data, plain untouched */
#define GV_KMAC_BAD_ARGS        3u      /* args or grid refused: nothing done */
#define GV_KMAC_NO_CHUNKS       4u      /* no gv_kmac_chunks over these len,
                                           data and IV ran first */
#define GV_KMAC_NOT_VERIFIED    5u      /* gv_kmac_decrypt: the state says
                                           another message was verified:
                                           nothing done */

#endif /* GV_KMAC_ARGS_H */
