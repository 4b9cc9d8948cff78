/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AES-256-GCM kernels of the secure memcpy (kernels/aesgcm.cu): their
 * one by-value parameter and the layout of their state area in device
 * memory.  Plain C, shared by the kernels (CUDA C), the trusted runtime and
 * the host tests; little-endian, fixed-width, sizes asserted.
 * docs/kernels.md describes the launch sequences.
 */
#ifndef GV_GCM_ARGS_H
#define GV_GCM_ARGS_H

#ifdef __CUDA__
typedef unsigned char uint8_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <stdint.h>
#endif

#define GV_GCM_KEY_LEN          32      /* AES-256 */
#define GV_GCM_IV_LEN           12      /* J0 = IV || 0^31 || 1 */
#define GV_GCM_TAG_LEN          16
#define GV_GCM_AAD_MAX          64      /* bytes of AAD carried in the args */
/* Longest message: 2^36 - 32 bytes (SP 800-38D), 2^32 - 2 counter blocks. */
#define GV_GCM_MAX_LEN          ((1ull << 36) - 32)
/* Most blocks a gv_gcm_ghash grid may have (one state slot each). */
#define GV_GCM_MAX_SLOTS        1024u
/*
 * The geometry the trusted runtime launches every kernel with
 * (runtime/core/gvrt_authdec.c, bench/bench_copy.c): blocks of
 * GV_GCM_BLOCK threads, gv_gcm_grid(len) of them (at most GV_GCM_GRID),
 * so that each thread takes a run of at least 16 blocks of 16 bytes
 * where the data allows: the per-thread and per-block setup (round keys,
 * the GHASH tables and tree, about 30,000 instructions per block of
 * threads) is paid once per run, not once per few blocks.
 */
#define GV_GCM_GRID             16u
#define GV_GCM_BLOCK            128u

#ifndef __CUDA__
static inline uint32_t gv_gcm_grid(uint64_t len)
{
    uint64_t per = 16ull * 16 * GV_GCM_BLOCK;  /* bytes per block */
    uint64_t g = len / per + (len % per != 0);

    return g < 1 ? 1 : g > GV_GCM_GRID ? GV_GCM_GRID : (uint32_t)g;
}
#endif

/*
 * The kernels' only parameter, passed by value (168 bytes).  Every kernel
 * of one AuthDec or AuthEnc sequence gets the same struct.
 *   data     device VA of the ciphertext, 16-byte aligned: gv_gcm_ghash
 *            hashes it, gv_gcm_decrypt reads it, gv_gcm_encrypt writes it
 *   plain    device VA of the plaintext, 16-byte aligned, or 0 for data
 *            itself (in place): gv_gcm_decrypt writes it, gv_gcm_encrypt
 *            reads it.  A separate buffer must not overlap data
 *   len      bytes in each, 0 .. GV_GCM_MAX_LEN, any value
 *   state    device VA of the state area (below), 16-byte aligned
 *   key      the AES-256 data key (fresh per copy)
 *   tag      AuthDec: the expected tag; AuthEnc: ignored
 *   iv       the 96-bit IV
 *   aad_len  bytes of aad[] authenticated, 0 .. GV_GCM_AAD_MAX
 *   flags    must be 0
 *   pad      must be 0
 *   aad      additional authenticated data; bytes past aad_len are ignored
 * A kernel that refuses its args or grid writes GV_GCM_BAD_ARGS and
 * nothing else.
 */
struct gv_gcm_args {
    uint64_t data;                      /* 0 */
    uint64_t plain;                     /* 8 */
    uint64_t len;                       /* 16 */
    uint64_t state;                     /* 24 */
    uint8_t key[GV_GCM_KEY_LEN];        /* 32 */
    uint8_t tag[GV_GCM_TAG_LEN];        /* 64 */
    uint8_t iv[GV_GCM_IV_LEN];          /* 80 */
    uint32_t aad_len;                   /* 92 */
    uint32_t flags;                     /* 96 */
    uint32_t pad;                       /* 100 */
    uint8_t aad[GV_GCM_AAD_MAX];        /* 104 */
};
#ifdef __cplusplus     /* CUDA C++ (nvcc has no _Static_assert) */
static_assert(sizeof(struct gv_gcm_args) == 168, "gv_gcm_args ABI size");
#else
_Static_assert(sizeof(struct gv_gcm_args) == 168, "gv_gcm_args ABI size");
#endif

/*
 * The state area: GV_GCM_STATE_SIZE(g) bytes for a gv_gcm_ghash grid of g
 * blocks.  It needs no initialisation: gv_gcm_ghash (and gv_gcm_encrypt)
 * write what the later kernels read.
 *   result   GV_GCM_* below: written 0 (pending) by gv_gcm_encrypt and
 *            gv_gcm_ghash, the outcome by gv_gcm_decrypt and gv_gcm_tag,
 *            GV_GCM_BAD_ARGS by any kernel that refuses its args
 *   nslots   gridDim.x of the last gv_gcm_ghash
 *   len, aad_len  what that gv_gcm_ghash hashed (checked by the later
 *            kernels: a mismatch gives GV_GCM_NO_GHASH)
 *   tag      AuthEnc: the tag gv_gcm_tag computed
 *   slot[i]  the GHASH contribution of gv_gcm_ghash's block i, as two
 *            64-bit words (bits 0..63 then 64..127 of the GCM block in
 *            its bit order, each word's most significant bit first); the
 *            XOR of all slots is GHASH_H(A, C) including the length block
 */
#define GV_GCM_ST_RESULT        0x00    /* uint32_t */
#define GV_GCM_ST_NSLOTS        0x04    /* uint32_t */
#define GV_GCM_ST_LEN           0x08    /* uint64_t */
#define GV_GCM_ST_AAD_LEN       0x10    /* uint32_t */
#define GV_GCM_ST_TAG           0x20    /* uint8_t[16] */
#define GV_GCM_ST_SLOTS         0x40    /* uint64_t[nslots][2] */
#define GV_GCM_STATE_SIZE(g)    (GV_GCM_ST_SLOTS + 16u * (g))
#define GV_GCM_STATE_MAX        GV_GCM_STATE_SIZE(GV_GCM_MAX_SLOTS)

/* Values of the result word. */
#define GV_GCM_PENDING          0u      /* sequence not finished */
#define GV_GCM_OK               1u      /* tag verified (the data is
                                           decrypted when the launch ends),
                                           or tag written */
#define GV_GCM_MISMATCH         2u      /* wrong tag: data, plain untouched */
#define GV_GCM_BAD_ARGS         3u      /* args or grid refused: nothing done */
#define GV_GCM_NO_GHASH         4u      /* no gv_gcm_ghash over these lengths
                                           ran first: nothing done */

#endif /* GV_GCM_ARGS_H */
