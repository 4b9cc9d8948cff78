/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keccak-f[1600] (FIPS 202), cSHAKE256 and KMAC256 (NIST SP 800-185) and
 * the AES-256-CTR + KMAC256-tree kernels of the secure memcpy
 * (kernels/kmac.cu), written once for two compilers like gv_gcm.h, whose
 * portability layer, AES and CTR code they reuse:
 *
 *  - CUDA device code (clang, after gv_cuda.h): the Keccak state is 25
 *    64-bit registers (every index a constant after unrolling), a block
 *    being gathered byte by byte is local memory;
 *  - plain host C when GV_KMAC_HOST is defined: "device addresses" are
 *    host pointers and the caller runs the blocks and threads one after
 *    the other (tests/unit/test_kmac_host.c checks the Keccak code against
 *    SP 800-185's KMAC256 samples and everything against OpenSSL).
 *
 * The scheme (gv_crypto.h's gvc_aes_kmac_seal computes the same): the
 * ciphertext is AES-256-CTR under enc_key with GCM's counter layout; with
 * n = max(1, ceil(len / GV_KMAC_CHUNK)) chunks C_i of it,
 *   T_i = KMAC256(mac_key, le64(i) || le64(len) || IV || C_i, 256,
 *                 "graviton copy chunk")         one thread per chunk
 *   tag = KMAC256(mac_key, le64(len) || IV || aad || T_0 .. T_n-1, 256,
 *                 "graviton copy root")          one thread
 *
 * Byte order: a lane of the Keccak state is 8 bytes of the sponge input
 * in little-endian order (FIPS 202 B.1 for byte-aligned input), so
 * device memory is read as native 32-bit words, two per lane.
 */
#ifndef GV_KMAC_H
#define GV_KMAC_H

#ifdef GV_KMAC_HOST
#ifndef GV_GCM_HOST
#define GV_GCM_HOST
#endif
#endif
#include "gv_gcm.h"
#include "gv_kmac_args.h"

#ifdef GV_GCM_HOST
#define GV_NOUNROLL
#else
/* the 24 rounds stay a loop: one copy of the round per call site */
#define GV_NOUNROLL _Pragma("unroll 1")
#endif

/* ------------------------------------------------------------- Keccak */

#define GV_KC_ROUNDS            24
#define GV_KC_RATE              136     /* bytes: 1600 - 2 * 256 bits */
#define GV_KC_RATE_LANES        17
#define GV_KC_RATE_WORDS        34
/* Longest customization string gv_kc_init takes (its block is one). */
#define GV_KC_CUSTOM_MAX        120

/* FIPS 202 3.2.5: RC of round i, bits 2^j - 1 from rc(j + 7i). */
GV_CONST uint64_t gv_kc_rc[GV_KC_ROUNDS] = {
    0x0000000000000001ull, 0x0000000000008082ull,
    0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull,
    0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull,
    0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull,
    0x0000000080000001ull, 0x8000000080008008ull,
};

/* FIPS 202 3.2.2: rho's offset of lane (x, y) mod 64, at x + 5y. */
GV_CONST uint32_t gv_kc_rho[25] = {
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
};

GV_FN uint64_t gv_rotl64(uint64_t x, uint32_t n)
{
    return x << n | x >> ((64 - n) & 63);
}

/*
 * Keccak-p[1600, 24] = Keccak-f[1600] (FIPS 202 3.3, 3.4) on the lanes
 * a[x + 5y]: per round theta, rho and pi, chi, iota (3.2.1-3.2.5).
 */
GV_FN void gv_keccak_f(uint64_t *a)
{
    GV_NOUNROLL
    for (int r = 0; r < GV_KC_ROUNDS; r++) {
        uint64_t c[5], b[25];

        /* theta: each lane ^= the parities of two neighbouring columns */
        GV_UNROLL
        for (int x = 0; x < 5; x++) {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        GV_UNROLL
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ gv_rotl64(c[(x + 1) % 5], 1);

            GV_UNROLL
            for (int y = 0; y < 25; y += 5) {
                a[x + y] ^= d;
            }
        }
        /* rho then pi: B[y, 2x + 3y] = ROT(A[x, y], r[x, y]) */
        GV_UNROLL
        for (int x = 0; x < 5; x++) {
            GV_UNROLL
            for (int y = 0; y < 5; y++) {
                b[y + 5 * ((2 * x + 3 * y) % 5)] =
                    gv_rotl64(a[x + 5 * y], gv_kc_rho[x + 5 * y]);
            }
        }
        /* chi: A[x, y] = B[x, y] ^ (~B[x + 1, y] & B[x + 2, y]) */
        GV_UNROLL
        for (int y = 0; y < 25; y += 5) {
            GV_UNROLL
            for (int x = 0; x < 5; x++) {
                a[x + y] = b[x + y] ^
                           (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
            }
        }
        /* iota */
        a[0] ^= gv_kc_rc[r];
    }
}

/* ------------------------------------------------- the sponge, absorbing */

/*
 * The block of the sponge input being gathered, for input that does not
 * come in whole blocks from memory: w[] holds bytes 0 .. pos-1 of it
 * (little-endian words), every byte from pos on is 0.
 */
struct gv_kc_buf {
    uint32_t w[GV_KC_RATE_WORDS];
    uint32_t pos;
};

GV_FN void gv_kc_clear(struct gv_kc_buf *b)
{
    GV_UNROLL
    for (int i = 0; i < GV_KC_RATE_WORDS; i++) {
        b->w[i] = 0;
    }
    b->pos = 0;
}

/* The gathered block into the state (zero-padded), permute, start anew. */
GV_FN void gv_kc_block(uint64_t *a, struct gv_kc_buf *b)
{
    GV_UNROLL
    for (int k = 0; k < GV_KC_RATE_LANES; k++) {
        a[k] ^= (uint64_t)b->w[2 * k] | (uint64_t)b->w[2 * k + 1] << 32;
    }
    gv_keccak_f(a);
    gv_kc_clear(b);
}

/* One byte into a block that has room for it (no permutation). */
GV_FN void gv_kc_put(struct gv_kc_buf *b, uint32_t v)
{
    b->w[b->pos >> 2] |= (v & 0xff) << 8 * (b->pos & 3);
    b->pos++;
}

/* The @n (1..4) low bytes of @v, permuting when a block is full. */
GV_FN void gv_kc_bytes(uint64_t *a, struct gv_kc_buf *b, uint32_t v,
                       uint32_t n)
{
    GV_NOUNROLL
    for (uint32_t i = 0; i < n; i++, v >>= 8) {
        gv_kc_put(b, v);
        if (b->pos == GV_KC_RATE) {
            gv_kc_block(a, b);
        }
    }
}

/*
 * @n bytes of device memory at @va (4-byte aligned): whole blocks
 * straight into the state when the gathered block is empty (the hot loop:
 * 34 loads and 17 XORs per permutation), the rest through the buffer.
 */
GV_FN void gv_kc_mem(uint64_t *a, struct gv_kc_buf *b, uint64_t va,
                     uint64_t n)
{
    while (n >= 4) {
        if (b->pos == 0 && n >= GV_KC_RATE) {
            GV_UNROLL
            for (int k = 0; k < GV_KC_RATE_LANES; k++) {
                a[k] ^= (uint64_t)gv_ld32(va + 8 * k) |
                        (uint64_t)gv_ld32(va + 8 * k + 4) << 32;
            }
            gv_keccak_f(a);
            va += GV_KC_RATE;
            n -= GV_KC_RATE;
        } else if ((b->pos & 3) == 0) {
            b->w[b->pos >> 2] = gv_ld32(va);
            b->pos += 4;
            if (b->pos == GV_KC_RATE) {
                gv_kc_block(a, b);
            }
            va += 4;
            n -= 4;
        } else {
            gv_kc_bytes(a, b, gv_ld32(va), 4);
            va += 4;
            n -= 4;
        }
    }
    if (n) {
        uint32_t v = 0;

        for (uint32_t i = 0; i < n; i++) {
            v |= (uint32_t)gv_ld8(va + i) << 8 * i;
        }
        gv_kc_bytes(a, b, v, (uint32_t)n);
    }
}

/*
 * KMAC256's start (SP 800-185 4.3, 3.3): the state after
 *   bytepad(encode_string("KMAC") || encode_string(S), 136)
 *   || bytepad(encode_string(K), 136)
 * for the 32-byte key @key and the customization string S = @s (@slen
 * bytes, at most GV_KC_CUSTOM_MAX): two blocks.  (encode_string(X) =
 * left_encode(8 len(X)) || X, left_encode(x) = the byte count of x, then
 * x big-endian: 2.3.1, 2.3.2.)  @b is left empty.
 */
GV_FN void gv_kc_init(uint64_t *a, struct gv_kc_buf *b, const uint8_t *key,
                      const uint8_t *s, uint32_t slen)
{
    uint32_t bits = 8 * slen;

    GV_UNROLL
    for (int k = 0; k < 25; k++) {
        a[k] = 0;
    }
    gv_kc_clear(b);
    b->w[0] = 0x20018801u;              /* 01 88: left_encode(136); 01 20 */
    b->w[1] = 0x43414d4bu;              /* "KMAC" */
    b->pos = 8;
    if (bits < 256) {
        gv_kc_put(b, 1);
    } else {
        gv_kc_put(b, 2);
        gv_kc_put(b, bits >> 8);
    }
    gv_kc_put(b, bits);
    for (uint32_t i = 0; i < slen; i++) {
        gv_kc_put(b, s[i]);
    }
    gv_kc_block(a, b);
    b->w[0] = 0x01028801u;              /* left_encode(136), left_encode */
    b->pos = 5;                         /* (256) = 02 01 00 */
    GV_UNROLL
    for (int i = 0; i < GV_KMAC_KEY_LEN / 4; i++) {
        uint32_t v = gv_arg32(key + 4 * i);

        GV_UNROLL
        for (int j = 0; j < 4; j++, v >>= 8) {
            gv_kc_put(b, v);
        }
    }
    gv_kc_block(a, b);
}

/*
 * KMAC's end: right_encode(L) for @lbits (< 2^16) output bits, cSHAKE's
 * two domain bits 00 and pad10*1 (FIPS 202 6.3, 5.1): byte 0x04 after
 * the message, 0x80 into the block's last byte (0x84 if the same), and
 * the last permutation.  The output is then bytes 0 .. L/8 - 1 of the
 * state (L at most 1088).
 */
GV_FN void gv_kc_finish(uint64_t *a, struct gv_kc_buf *b, uint32_t lbits)
{
    if (lbits >> 8) {
        gv_kc_bytes(a, b, (lbits >> 8) | (lbits & 0xff) << 8 | 2u << 16, 3);
    } else {
        gv_kc_bytes(a, b, lbits | 1u << 8, 2);
    }
    b->w[b->pos >> 2] |= 0x04u << 8 * (b->pos & 3);
    b->w[GV_KC_RATE_WORDS - 1] |= 0x80000000u;
    gv_kc_block(a, b);
}

/* ----------------------------------------------------------- kernels */

GV_CONST uint8_t gv_kmac_s_chunk[] = "graviton copy chunk";
GV_CONST uint8_t gv_kmac_s_root[] = "graviton copy root";

GV_FN int gv_kmac_args_ok(const struct gv_kmac_args *a,
                          const struct gv_gcm_grid *g)
{
    uint64_t d = a->data, p = a->plain, n = a->len;

    return g->shape_ok && g->ntid <= 1024 && a->flags == 0 && a->pad == 0 &&
           a->aad_len <= GV_KMAC_AAD_MAX && n <= GV_KMAC_MAX_LEN &&
           (a->state & 15) == 0 &&
           (n == 0 || ((d & 15) == 0 && (p & 15) == 0 && d + n > d &&
                       (p == 0 || p == d ||
                        (p + n > p && (p >= d + n || d >= p + n)))));
}

/* Refused args: block 0 thread 0 says so, if the state can be written. */
GV_FN void gv_kmac_refuse(const struct gv_kmac_args *a,
                          const struct gv_gcm_grid *g)
{
    if (g->cta == 0 && g->tid == 0 && (a->state & 15) == 0) {
        gv_st32(a->state + GV_KMAC_ST_RESULT, GV_KMAC_BAD_ARGS);
    }
}

/* Does the state's header describe the message of @a? */
GV_FN int gv_kmac_header_is(const struct gv_kmac_args *a)
{
    uint64_t st = a->state;
    uint32_t diff = 0;

    GV_UNROLL
    for (int j = 0; j < 3; j++) {
        diff |= gv_ld32(st + GV_KMAC_ST_IV + 4 * j) ^ gv_arg32(a->iv + 4 * j);
    }
    return diff == 0 &&
           gv_ld32(st + GV_KMAC_ST_NCHUNKS) == GV_KMAC_NCHUNKS(a->len) &&
           gv_ld64(st + GV_KMAC_ST_LEN) == a->len &&
           gv_ld64(st + GV_KMAC_ST_DATA) == a->data;
}

/* T_i into the state area: @keyed is the state after gv_kc_init. */
GV_FN void gv_kmac_leaf(const struct gv_kmac_args *a, const uint64_t *keyed,
                        uint64_t i)
{
    uint64_t s[25], off = i * GV_KMAC_CHUNK;
    uint64_t clen = a->len - off < GV_KMAC_CHUNK ? a->len - off
                                                  : GV_KMAC_CHUNK;
    uint64_t va = a->state + GV_KMAC_ST_CHUNKS + 32 * i;
    struct gv_kc_buf b;

    GV_UNROLL
    for (int k = 0; k < 25; k++) {
        s[k] = keyed[k];
    }
    gv_kc_clear(&b);
    b.w[0] = (uint32_t)i;               /* le64(i) || le64(len) || IV */
    b.w[1] = (uint32_t)(i >> 32);
    b.w[2] = (uint32_t)a->len;
    b.w[3] = (uint32_t)(a->len >> 32);
    b.w[4] = gv_arg32(a->iv);
    b.w[5] = gv_arg32(a->iv + 4);
    b.w[6] = gv_arg32(a->iv + 8);
    b.pos = 28;
    gv_kc_mem(s, &b, a->data + off, clen);
    gv_kc_finish(s, &b, 8 * GV_KMAC_TAG_LEN);
    GV_UNROLL
    for (int k = 0; k < GV_KMAC_TAG_LEN / 8; k++) {
        gv_st64(va + 8 * k, s[k]);
    }
}

/*
 * gv_kmac_chunks, one thread: the leaves i = t, t + T, ... (t the thread's
 * index in the grid, T the threads); thread 0 writes the header.
 */
GV_FN void gv_kmac_chunks_thread(const struct gv_kmac_args *a,
                                 const struct gv_gcm_grid *g)
{
    uint64_t t = (uint64_t)g->cta * g->ntid + g->tid;
    uint64_t nthr = (uint64_t)g->ntid * g->ncta, n;
    uint64_t keyed[25];
    struct gv_kc_buf b;

    if (!gv_kmac_args_ok(a, g)) {
        gv_kmac_refuse(a, g);
        return;
    }
    n = GV_KMAC_NCHUNKS(a->len);
    if (t == 0) {
        uint64_t st = a->state;

        gv_st32(st + GV_KMAC_ST_RESULT, GV_KMAC_PENDING);
        gv_st32(st + GV_KMAC_ST_NCHUNKS, (uint32_t)n);
        gv_st64(st + GV_KMAC_ST_LEN, a->len);
        gv_st64(st + GV_KMAC_ST_DATA, a->data);
        GV_UNROLL
        for (int j = 0; j < 3; j++) {
            gv_st32(st + GV_KMAC_ST_IV + 4 * j, gv_arg32(a->iv + 4 * j));
        }
    }
    if (t >= n) {
        return;
    }
    gv_kc_init(keyed, &b, a->mac_key, gv_kmac_s_chunk,
               sizeof(gv_kmac_s_chunk) - 1);
    for (uint64_t i = t; i < n; i += nthr) {
        gv_kmac_leaf(a, keyed, i);
    }
}

/*
 * The root over the leaves in the state area, into s[0..3]; or
 * GV_KMAC_NO_CHUNKS when they are not of this message.
 */
GV_FN uint32_t gv_kmac_root(const struct gv_kmac_args *a, uint64_t *s)
{
    struct gv_kc_buf b;

    if (!gv_kmac_header_is(a)) {
        return GV_KMAC_NO_CHUNKS;
    }
    gv_kc_init(s, &b, a->mac_key, gv_kmac_s_root,
               sizeof(gv_kmac_s_root) - 1);
    b.w[0] = (uint32_t)a->len;          /* le64(len) || IV */
    b.w[1] = (uint32_t)(a->len >> 32);
    b.w[2] = gv_arg32(a->iv);
    b.w[3] = gv_arg32(a->iv + 4);
    b.w[4] = gv_arg32(a->iv + 8);
    b.pos = 20;
    /* the AAD fits: 20 + 64 < 136 (constant offsets into the args) */
    GV_UNROLL
    for (int k = 0; k < GV_KMAC_AAD_MAX / 4; k++) {
        uint32_t v = gv_arg32(a->aad + 4 * k);

        GV_UNROLL
        for (uint32_t j = 0; j < 4; j++, v >>= 8) {
            if (4 * k + j < a->aad_len) {
                gv_kc_put(&b, v);
            }
        }
    }
    gv_kc_mem(s, &b, a->state + GV_KMAC_ST_CHUNKS,
              32 * GV_KMAC_NCHUNKS(a->len));
    gv_kc_finish(s, &b, 8 * GV_KMAC_TAG_LEN);
    return GV_KMAC_OK;
}

/*
 * gv_kmac_verify (@check 1: the root against the expected tag, in
 * constant time) or gv_kmac_tag (0: the root into the state), one
 * thread: block 0's thread 0 does the work, the others exit.
 */
GV_FN void gv_kmac_root_thread(const struct gv_kmac_args *a,
                               const struct gv_gcm_grid *g, int check)
{
    uint64_t s[25];
    uint32_t r;

    if (!gv_kmac_args_ok(a, g)) {
        gv_kmac_refuse(a, g);
        return;
    }
    if (g->cta != 0 || g->tid != 0) {
        return;
    }
    r = gv_kmac_root(a, s);
    if (r == GV_KMAC_OK && check) {
        uint32_t diff = 0;

        GV_UNROLL
        for (int j = 0; j < GV_KMAC_TAG_LEN / 4; j++) {
            diff |= (uint32_t)(s[j / 2] >> 32 * (j & 1)) ^
                    gv_arg32(a->tag + 4 * j);
        }
        r = diff == 0 ? GV_KMAC_OK : GV_KMAC_MISMATCH;
    } else if (r == GV_KMAC_OK) {
        GV_UNROLL
        for (int k = 0; k < GV_KMAC_TAG_LEN / 8; k++) {
            gv_st64(a->state + GV_KMAC_ST_TAG + 8 * k, s[k]);
        }
    }
    gv_st32(a->state + GV_KMAC_ST_RESULT, r);
}

/*
 * gv_kmac_decrypt's check, before anything is written: did
 * gv_kmac_verify verify exactly this message (length, data, IV)?
 * GV_KMAC_OK, the result word's failure, or GV_KMAC_NOT_VERIFIED.
 */
GV_FN uint32_t gv_kmac_verified(const struct gv_kmac_args *a)
{
    uint32_t r = gv_ld32(a->state + GV_KMAC_ST_RESULT);

    if (r != GV_KMAC_OK) {
        return r == GV_KMAC_PENDING ? GV_KMAC_NOT_VERIFIED : r;
    }
    return gv_kmac_header_is(a) ? GV_KMAC_OK : GV_KMAC_NOT_VERIFIED;
}

/*
 * Phase @p of gv_kmac_encrypt (@decrypt 0) or gv_kmac_decrypt (1) for one
 * thread; 0 when it was the last.  Phase 0: T-tables; 1: thread 0
 * expands the key and (decrypt) checks that the state says verified;
 * 2: CTR, only then.
 */
GV_FN int gv_kmac_ctr_step(const struct gv_kmac_args *a,
                           struct gv_gcm_ctr_shared *sh,
                           const struct gv_gcm_grid *g, int decrypt,
                           uint32_t p)
{
    if (p == 0) {
        if (!gv_kmac_args_ok(a, g)) {
            gv_kmac_refuse(a, g);
            return 0;
        }
        gv_gcm_te_fill(sh->te, g);
        return 1;
    }
    if (p == 1) {
        if (g->tid == 0) {
            uint32_t key[8];

            GV_UNROLL
            for (int i = 0; i < 8; i++) {
                key[i] = gv_arg32(a->enc_key + 4 * i);
            }
            gv_aes256_expand(gv_shaddr(sh->te), key, sh->rk);
            sh->result = decrypt ? gv_kmac_verified(a) : GV_KMAC_OK;
            if (g->cta == 0 && (!decrypt ||
                                sh->result == GV_KMAC_NOT_VERIFIED)) {
                gv_st32(a->state + GV_KMAC_ST_RESULT,
                        decrypt ? GV_KMAC_NOT_VERIFIED : GV_KMAC_PENDING);
            }
        }
        return 1;
    }
    if (sh->result == GV_KMAC_OK) {
        uint64_t plain = a->plain ? a->plain : a->data;
        struct gv_ctr_io io;

        io.in = decrypt ? a->data : plain;
        io.out = decrypt ? plain : a->data;
        io.len = a->len;
        io.iv[0] = gv_arg32(a->iv);
        io.iv[1] = gv_arg32(a->iv + 4);
        io.iv[2] = gv_arg32(a->iv + 8);
        gv_aes_ctr_run(&io, sh, g);
    }
    return 0;
}

#endif /* GV_KMAC_H */
