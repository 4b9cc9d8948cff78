/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AES-256 (FIPS-197) and GCM's GHASH (NIST SP 800-38D) for the secure
 * memcpy kernels in kernels/aesgcm.cu, written once for two compilers:
 *
 *  - CUDA device code (clang, after gv_cuda.h): device memory is reached
 *    through 64-bit virtual addresses, the tables live in __shared__
 *    memory, table addresses are one mad.wide.u32 (inline asm), byte swaps
 *    one prmt; every function is inlined (no .func, no call);
 *  - plain host C when GV_GCM_HOST is defined: "device addresses" are host
 *    pointers and the kernels' blocks and threads are run one after the
 *    other by the caller (tests/unit/test_gcm_host.c checks the algorithm
 *    against OpenSSL that way).
 *
 * Every kernel is a sequence of phases separated by block barriers: the
 * gv_gcm_*_step() functions run phase @p of one thread and return whether
 * another phase follows (the answer is the same for every thread of a
 * block).  A kernel calls them in a loop with __syncthreads() between
 * phases; the host runs each phase for every thread of a block before the
 * next phase.
 *
 * Conventions:
 *  - AES state and round keys are little-endian columns: word j holds bytes
 *    4j..4j+3 of the block, byte 4j in the low bits, so device memory is
 *    read and written as native 32-bit words.  te[t][x] is the T-table of
 *    row t (te[0][x] = 2s | s << 8 | s << 16 | 3s << 24 for s = S[x], the
 *    others rotated); the S-box itself is read out of the T-tables.
 *  - A GF(2^128) element (struct gv_gf128) is GCM's 128-bit block as two
 *    big-endian 64-bit words: bit i of the block (i = 0 is the most
 *    significant bit of byte 0, the coefficient of x^0) is bit 63 - i of
 *    hi for i < 64, bit 127 - i of lo otherwise.  Multiplying by x is a
 *    right shift; x^128 = 1 + x + x^2 + x^7.
 *  - GHASH multiplies by H with eight tables of 256 entries:
 *    tab[j][b] = b * x^(8j) * H (b as the block whose byte 0 is b).  A block
 *    is sum_j (byte j) x^(8j) H: bytes 0..7 through the tables, bytes 8..15
 *    through the same tables and then times x^64 (a word move and a fold).
 */
#ifndef GV_GCM_H
#define GV_GCM_H

#include "gv_gcm_args.h"

#ifdef GV_GCM_HOST
#include <string.h>

#define GV_FN static inline
#define GV_CONST static const
#define GV_UNROLL
#define GV_SHTAB_AS

/* Device memory: here a host address. */
static inline uint32_t gv_ld32(uint64_t va)
{
    uint32_t v;

    memcpy(&v, (const void *)(uintptr_t)va, 4);
    return v;
}

static inline void gv_st32(uint64_t va, uint32_t v)
{
    memcpy((void *)(uintptr_t)va, &v, 4);
}

static inline uint64_t gv_ld64(uint64_t va)
{
    uint64_t v;

    memcpy(&v, (const void *)(uintptr_t)va, 8);
    return v;
}

static inline void gv_st64(uint64_t va, uint64_t v)
{
    memcpy((void *)(uintptr_t)va, &v, 8);
}

static inline uint8_t gv_ld8(uint64_t va)
{
    return *(const uint8_t *)(uintptr_t)va;
}

static inline void gv_st8(uint64_t va, uint8_t v)
{
    *(uint8_t *)(uintptr_t)va = v;
}

/* A 32-bit word of the args struct (little-endian, 4-byte aligned). */
static inline uint32_t gv_arg32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

/* The address of a shared-memory table, as the lookups below take it. */
static inline uint64_t gv_shaddr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* te[t][idx] of the T-tables at @base */
static inline uint32_t gv_te(uint64_t base, uint32_t idx, int t)
{
    return ((const uint32_t *)(uintptr_t)base)[t * 256 + idx];
}

/* The two words of GHASH table entry tab[j][idx]. */
static inline const uint64_t *gv_ghe(uint64_t base, uint32_t idx, int j)
{
    return (const uint64_t *)(uintptr_t)base + 2 * (j * 256 + idx);
}

static inline uint32_t gv_bswap32(uint32_t x)
{
    return __builtin_bswap32(x);
}

#else /* CUDA device code */

#define GV_FN static __device__ __forceinline__
#define GV_CONST static __constant__ const
#define GV_UNROLL _Pragma("unroll")
#define GV_AS_GLOBAL __attribute__((address_space(1)))
#define GV_AS_SHARED __attribute__((address_space(3)))
#define GV_SHTAB_AS GV_AS_SHARED

GV_FN uint32_t gv_ld32(uint64_t va)
{
    return *(const GV_AS_GLOBAL uint32_t *)va;
}

GV_FN void gv_st32(uint64_t va, uint32_t v)
{
    *(GV_AS_GLOBAL uint32_t *)va = v;
}

GV_FN uint64_t gv_ld64(uint64_t va)
{
    return *(const GV_AS_GLOBAL uint64_t *)va;
}

GV_FN void gv_st64(uint64_t va, uint64_t v)
{
    *(GV_AS_GLOBAL uint64_t *)va = v;
}

GV_FN uint8_t gv_ld8(uint64_t va)
{
    return *(const GV_AS_GLOBAL uint8_t *)va;
}

GV_FN void gv_st8(uint64_t va, uint8_t v)
{
    *(GV_AS_GLOBAL uint8_t *)va = v;
}

GV_FN uint32_t gv_arg32(const uint8_t *p)
{
    return *(const uint32_t *)p;
}

/* The shared-window address of a __shared__ object. */
GV_FN uint64_t gv_shaddr(const void *p)
{
    return (uint64_t)(const GV_AS_SHARED char *)p;
}

/*
 * base + idx * scale in one PTX instruction (clang 14 emits a mul.wide and
 * an add for it): a quarter of each table lookup.
 */
GV_FN uint64_t gv_madwide4(uint32_t idx, uint64_t base)
{
    uint64_t a;

    asm("mad.wide.u32 %0, %1, 4, %2;" : "=l"(a) : "r"(idx), "l"(base));
    return a;
}

GV_FN uint64_t gv_madwide16(uint32_t idx, uint64_t base)
{
    uint64_t a;

    asm("mad.wide.u32 %0, %1, 16, %2;" : "=l"(a) : "r"(idx), "l"(base));
    return a;
}

GV_FN uint32_t gv_te(uint64_t base, uint32_t idx, int t)
{
    return ((const GV_AS_SHARED uint32_t *)gv_madwide4(idx, base))[t * 256];
}

GV_FN const GV_AS_SHARED uint64_t *gv_ghe(uint64_t base, uint32_t idx, int j)
{
    return (const GV_AS_SHARED uint64_t *)gv_madwide16(idx, base) + j * 512;
}

/*
 * One prmt: clang 14 expands llvm.bswap into ten shifts and masks for
 * NVPTX.  (x as the second operand too: no register to load with 0.)
 */
GV_FN uint32_t gv_bswap32(uint32_t x)
{
    return __nvvm_prmt(x, x, 0x0123);
}

#endif /* GV_GCM_HOST */

/* ---------------------------------------------------------------- AES */

#define GV_AES_ROUNDS 14
#define GV_AES_RK_WORDS 60

/* FIPS-197 figure 7: the S-box. */
GV_CONST uint8_t gv_aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5,
    0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0,
    0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc,
    0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a,
    0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0,
    0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b,
    0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85,
    0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
    0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17,
    0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88,
    0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c,
    0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9,
    0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6,
    0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e,
    0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94,
    0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68,
    0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

GV_FN uint32_t gv_rotl32(uint32_t x, int n)
{
    return x << n | x >> (32 - n);
}

/* Entry @x of the four T-tables @te (1024 words). */
GV_FN void gv_aes_te_fill(uint32_t *te, uint32_t x)
{
    uint32_t s = gv_aes_sbox[x];
    uint32_t s2 = ((s << 1) ^ ((s >> 7) * 0x1b)) & 0xff;   /* xtime */
    uint32_t t = s2 | s << 8 | s << 16 | (s2 ^ s) << 24;

    te[x] = t;
    te[256 + x] = gv_rotl32(t, 8);
    te[512 + x] = gv_rotl32(t, 16);
    te[768 + x] = gv_rotl32(t, 24);
}

/* One full round: @s in, @s out, round key @rk[0..3]. */
GV_FN void gv_aes_round(uint64_t te, const uint32_t *rk, uint32_t *s)
{
    uint32_t t0 = gv_te(te, s[0] & 0xff, 0) ^
                  gv_te(te, (s[1] >> 8) & 0xff, 1) ^
                  gv_te(te, (s[2] >> 16) & 0xff, 2) ^
                  gv_te(te, s[3] >> 24, 3) ^ rk[0];
    uint32_t t1 = gv_te(te, s[1] & 0xff, 0) ^
                  gv_te(te, (s[2] >> 8) & 0xff, 1) ^
                  gv_te(te, (s[3] >> 16) & 0xff, 2) ^
                  gv_te(te, s[0] >> 24, 3) ^ rk[1];
    uint32_t t2 = gv_te(te, s[2] & 0xff, 0) ^
                  gv_te(te, (s[3] >> 8) & 0xff, 1) ^
                  gv_te(te, (s[0] >> 16) & 0xff, 2) ^
                  gv_te(te, s[1] >> 24, 3) ^ rk[2];
    uint32_t t3 = gv_te(te, s[3] & 0xff, 0) ^
                  gv_te(te, (s[0] >> 8) & 0xff, 1) ^
                  gv_te(te, (s[1] >> 16) & 0xff, 2) ^
                  gv_te(te, s[2] >> 24, 3) ^ rk[3];

    s[0] = t0;
    s[1] = t1;
    s[2] = t2;
    s[3] = t3;
}

/*
 * S[] of each byte of @w in place: byte k is read out of the T-table whose
 * byte k is S[x] (te[2], te[3], te[0], te[1] for k = 0..3).
 */
GV_FN uint32_t gv_aes_subword(uint64_t te, uint32_t b0, uint32_t b1,
                              uint32_t b2, uint32_t b3)
{
    return (gv_te(te, b0 & 0xff, 2) & 0x000000ffu) ^
           (gv_te(te, (b1 >> 8) & 0xff, 3) & 0x0000ff00u) ^
           (gv_te(te, (b2 >> 16) & 0xff, 0) & 0x00ff0000u) ^
           (gv_te(te, b3 >> 24, 1) & 0xff000000u);
}

/* The last round (no MixColumns). */
GV_FN void gv_aes_last(uint64_t te, const uint32_t *rk, uint32_t *s)
{
    uint32_t t0 = gv_aes_subword(te, s[0], s[1], s[2], s[3]) ^ rk[0];
    uint32_t t1 = gv_aes_subword(te, s[1], s[2], s[3], s[0]) ^ rk[1];
    uint32_t t2 = gv_aes_subword(te, s[2], s[3], s[0], s[1]) ^ rk[2];
    uint32_t t3 = gv_aes_subword(te, s[3], s[0], s[1], s[2]) ^ rk[3];

    s[0] = t0;
    s[1] = t1;
    s[2] = t2;
    s[3] = t3;
}

/* FIPS-197 5.2 for Nk = 8: the 60 round-key words from the 8 key words. */
GV_FN void gv_aes256_expand(uint64_t te, const uint32_t *key,
                            uint32_t *rk)
{
    uint32_t rcon = 1;

    for (int i = 0; i < 8; i++) {
        rk[i] = key[i];
    }
    for (int i = 8; i < GV_AES_RK_WORDS; i++) {
        uint32_t t = rk[i - 1];

        if (i % 8 == 0) {
            t = gv_rotl32(t, 24);               /* RotWord */
            t = gv_aes_subword(te, t, t, t, t) ^ rcon;
            rcon = ((rcon << 1) ^ ((rcon >> 7) * 0x1b)) & 0xff;
        } else if (i % 8 == 4) {
            t = gv_aes_subword(te, t, t, t, t);
        }
        rk[i] = rk[i - 8] ^ t;
    }
}

/* AES-256 encryption of the block @s (four words), in place. */
GV_FN void gv_aes256_block(uint64_t te, const uint32_t *rk, uint32_t *s)
{
    for (int j = 0; j < 4; j++) {
        s[j] ^= rk[j];
    }
    for (int r = 1; r < GV_AES_ROUNDS; r++) {
        gv_aes_round(te, rk + 4 * r, s);
    }
    gv_aes_last(te, rk + 4 * GV_AES_ROUNDS, s);
}

#include "gv_aes_bs.h"

/* ------------------------------------------------------------ GF(2^128) */

struct gv_gf128 {
    uint64_t hi, lo;
};

/* The block of four little-endian words @w (device memory order). */
GV_FN struct gv_gf128 gv_gf_from_words(uint32_t w0, uint32_t w1,
                                       uint32_t w2, uint32_t w3)
{
    struct gv_gf128 r;

    r.hi = (uint64_t)gv_bswap32(w0) << 32 | gv_bswap32(w1);
    r.lo = (uint64_t)gv_bswap32(w2) << 32 | gv_bswap32(w3);
    return r;
}

/* Word @j (0..3) of @v in device memory order. */
GV_FN uint32_t gv_gf_word(struct gv_gf128 v, int j)
{
    uint64_t w = j < 2 ? v.hi : v.lo;

    return gv_bswap32((uint32_t)(j & 1 ? w : w >> 32));
}

/* v * x */
GV_FN struct gv_gf128 gv_gf_mulx(struct gv_gf128 v)
{
    uint64_t carry = v.lo & 1;

    v.lo = v.lo >> 1 | v.hi << 63;
    v.hi = v.hi >> 1 ^ ((0 - carry) & 0xe100000000000000ull);
    return v;
}

/*
 * w as the coefficients of x^128 .. x^191 (w's most significant bit
 * first), reduced: w * (1 + x + x^2 + x^7) spreads over x^0 .. x^70, the
 * part in x^0 .. x^63 goes to hi, the rest to lo.
 */
GV_FN uint64_t gv_gf_fold_hi(uint64_t w)
{
    return w ^ w >> 1 ^ w >> 2 ^ w >> 7;
}

GV_FN uint64_t gv_gf_fold_lo(uint64_t w)
{
    return w << 63 ^ w << 62 ^ w << 57;
}

/* The 32 bits of @x spread over the odd bits of the result, in order. */
GV_FN uint64_t gv_gf_spread(uint32_t x)
{
    uint64_t v = x;

    v = (v | v << 16) & 0x0000ffff0000ffffull;
    v = (v | v << 8) & 0x00ff00ff00ff00ffull;
    v = (v | v << 4) & 0x0f0f0f0f0f0f0f0full;
    v = (v | v << 2) & 0x3333333333333333ull;
    v = (v | v << 1) & 0x5555555555555555ull;
    return v << 1;
}

/* v^2: squaring is linear in GF(2^n): coefficient i moves to 2i. */
GV_FN struct gv_gf128 gv_gf_sqr(struct gv_gf128 v)
{
    uint64_t w0 = gv_gf_spread((uint32_t)(v.hi >> 32));
    uint64_t w1 = gv_gf_spread((uint32_t)v.hi);
    uint64_t w2 = gv_gf_spread((uint32_t)(v.lo >> 32));
    uint64_t w3 = gv_gf_spread((uint32_t)v.lo);
    struct gv_gf128 r;

    w1 ^= gv_gf_fold_hi(w3);
    w2 ^= gv_gf_fold_lo(w3);
    r.hi = w0 ^ gv_gf_fold_hi(w2);
    r.lo = w1 ^ gv_gf_fold_lo(w2);
    return r;
}

/* The reduction of the 4 bits shifted out by a multiplication by x^4. */
GV_CONST uint64_t gv_gf_r4[16] = {
    0x0000ull << 48, 0x1c20ull << 48, 0x3840ull << 48, 0x2460ull << 48,
    0x7080ull << 48, 0x6ca0ull << 48, 0x48c0ull << 48, 0x54e0ull << 48,
    0xe100ull << 48, 0xfd20ull << 48, 0xd940ull << 48, 0xc560ull << 48,
    0x9180ull << 48, 0x8da0ull << 48, 0xa9c0ull << 48, 0xb5e0ull << 48,
};

/*
 * x * y for any y: Shoup's 4-bit method with a 16-entry table of y built on
 * the spot (about 600 PTX instructions).  Only for the few multiplications
 * that are not by H.
 */
GV_FN struct gv_gf128 gv_gf_mul(struct gv_gf128 x, struct gv_gf128 y)
{
    struct gv_gf128 m[16], z;

    m[0].hi = m[0].lo = 0;
    m[8] = y;
    m[4] = gv_gf_mulx(m[8]);
    m[2] = gv_gf_mulx(m[4]);
    m[1] = gv_gf_mulx(m[2]);
    for (int i = 2; i < 16; i *= 2) {
        for (int j = 1; j < i; j++) {
            m[i + j].hi = m[i].hi ^ m[j].hi;
            m[i + j].lo = m[i].lo ^ m[j].lo;
        }
    }
    /* Horner over the 32 nibbles of x, last first: z = z x^4 + m[n] */
    z.hi = z.lo = 0;
    for (int h = 0; h < 2; h++) {
        uint64_t w = h ? x.hi : x.lo;

        for (int k = 0; k < 16; k++, w >>= 4) {
            uint32_t n = (uint32_t)w & 0xf, rem = (uint32_t)z.lo & 0xf;

            z.lo = (z.lo >> 4 | z.hi << 60) ^ m[n].lo;
            z.hi = (z.hi >> 4 ^ gv_gf_r4[rem]) ^ m[n].hi;
        }
    }
    return z;
}

/*
 * x * H with the tables at @tab: x given as its four words in big-endian
 * order (x0 = bits 0..31).  The hot loop of GHASH.
 */
GV_FN struct gv_gf128 gv_gf_mul_tab(uint64_t tab, uint32_t x0, uint32_t x1,
                                    uint32_t x2, uint32_t x3)
{
    uint64_t z0h = 0, z0l = 0, z1h = 0, z1l = 0;
    struct gv_gf128 r;

    GV_UNROLL
    for (int j = 0; j < 4; j++) {
        uint32_t sh = 24 - 8 * j;
        const GV_SHTAB_AS uint64_t *e;

        e = gv_ghe(tab, (x0 >> sh) & 0xff, j);
        z0h ^= e[0];
        z0l ^= e[1];
        e = gv_ghe(tab, (x1 >> sh) & 0xff, j + 4);
        z0h ^= e[0];
        z0l ^= e[1];
        e = gv_ghe(tab, (x2 >> sh) & 0xff, j);
        z1h ^= e[0];
        z1l ^= e[1];
        e = gv_ghe(tab, (x3 >> sh) & 0xff, j + 4);
        z1h ^= e[0];
        z1l ^= e[1];
    }
    /* z0 + z1 * x^64 */
    r.hi = z0h ^ gv_gf_fold_hi(z1l);
    r.lo = z0l ^ z1h ^ gv_gf_fold_lo(z1l);
    return r;
}

GV_FN struct gv_gf128 gv_gf_mul_h(uint64_t tab, struct gv_gf128 x)
{
    return gv_gf_mul_tab(tab, (uint32_t)(x.hi >> 32), (uint32_t)x.hi,
                         (uint32_t)(x.lo >> 32), (uint32_t)x.lo);
}

/* H^e, with @tab the tables of H (H^0 = 1). */
GV_FN struct gv_gf128 gv_gf_pow_h(uint64_t tab, uint64_t e)
{
    struct gv_gf128 r;
    int b = 63;

    r.hi = 1ull << 63;
    r.lo = 0;
    while (b >= 0 && !(e >> b & 1)) {
        b--;
    }
    for (; b >= 0; b--) {
        r = gv_gf_sqr(r);
        if (e >> b & 1) {
            r = gv_gf_mul_h(tab, r);
        }
    }
    return r;
}

/* ------------------------------------------------------------- kernels */

/* Where a thread is: 1-D blocks and grid (shape_ok says they are). */
struct gv_gcm_grid {
    uint32_t tid, ntid, cta, ncta;
    uint32_t shape_ok;
};

/* gv_gcm_encrypt, gv_gcm_decrypt, gv_gcm_tag: 4.3 KiB */
struct gv_gcm_ctr_shared {
    uint32_t te[1024];
    uint32_t rk[GV_AES_RK_WORDS];
    uint32_t result;                    /* GV_GCM_OK: go ahead */
};

/* gv_gcm_ghash: 32.2 KiB */
struct gv_gcm_ghash_shared {
    union {
        uint32_t te[1024];              /* phases 0-1: T-tables for H */
        struct gv_gf128 tab[8][256];    /* phases 1-9: the tables of H */
        struct gv_gf128 v[1024];        /* phases 10-: the threads' sums */
    } u;
    struct gv_gf128 kpow[10];           /* K^(2^l), K = H^r */
    struct gv_gf128 w;                  /* H^(r ntid (ncta - 1 - cta) + 1) */
    struct gv_gf128 lh;                 /* length block * H */
};

/* What a thread carries from one phase to the next. */
struct gv_gcm_thread {
    struct gv_gf128 y;
};

#define GV_GCM_GHASH_TREE 11            /* first tree phase of gv_gcm_ghash */

GV_FN int gv_gcm_args_ok(const struct gv_gcm_args *a,
                         const struct gv_gcm_grid *g)
{
    uint64_t d = a->data, p = a->plain, n = a->len;

    return g->shape_ok && g->ntid <= 1024 && a->flags == 0 && a->pad == 0 &&
           a->aad_len <= GV_GCM_AAD_MAX && n <= GV_GCM_MAX_LEN &&
           (a->state & 15) == 0 &&
           (n == 0 || ((d & 15) == 0 && (p & 15) == 0 &&
                       (p == 0 || p == d || p >= d + n || d >= p + n)));
}

/* Refused args: block 0 thread 0 says so, if the state can be written. */
GV_FN void gv_gcm_refuse(const struct gv_gcm_args *a,
                         const struct gv_gcm_grid *g)
{
    if (g->cta == 0 && g->tid == 0 && (a->state & 15) == 0) {
        gv_st32(a->state + GV_GCM_ST_RESULT, GV_GCM_BAD_ARGS);
    }
}

GV_FN void gv_gcm_te_fill(uint32_t *te, const struct gv_gcm_grid *g)
{
    for (uint32_t x = g->tid; x < 256; x += g->ntid) {
        gv_aes_te_fill(te, x);
    }
}

GV_FN void gv_gcm_expand(const struct gv_gcm_args *a, uint64_t te,
                         uint32_t *rk)
{
    uint32_t key[8];

    for (int i = 0; i < 8; i++) {
        key[i] = gv_arg32(a->key + 4 * i);
    }
    gv_aes256_expand(te, key, rk);
}

/* Word @k (0..15) of the AAD, the bytes past aad_len cleared. */
GV_FN uint32_t gv_gcm_aad_word(const struct gv_gcm_args *a, int k)
{
    uint32_t n = a->aad_len > 4u * k ? a->aad_len - 4u * k : 0;
    uint32_t w = gv_arg32(a->aad + 4 * k);

    return n >= 4 ? w : w & ((1u << 8 * n) - 1);
}

/*
 * ceil(log2(p)): the levels of a tree over p leaves.  One clz (the loop
 * it replaces ran up to 11 times in every phase of every thread).
 */
GV_FN uint32_t gv_log2(uint32_t p)
{
    return p <= 1 ? 0 : 32 - (uint32_t)__builtin_clz(p - 1);
}

/* ---- gv_gcm_ghash ----
 *
 * The GHASH input is the stream of m = ceil(aad_len / 16) AAD blocks then
 * n = ceil(len / 16) data blocks, the last of each zero-padded: m + n
 * blocks.  Zero blocks in front change no Horner sum, so the stream is
 * seen as T r blocks (T = ntid ncta threads, r = ceil((m + n) / T)), the
 * first pad = T r - (m + n) of them zero, and thread t takes virtual
 * blocks [t r, t r + r): its Horner sum Y_t is over them with H.  Then
 * with K = H^r, GHASH_H = sum_t Y_t K^(T-1-t) H + L H (L the length
 * block): a tree over the block's threads makes sum_tid Y K^(ntid-1-tid)
 * (leaves padded in front to a power of two, level l multiplies by
 * K^(2^l)), thread 0 multiplies it by K^(ntid (ncta-1-cta)) H and writes
 * it to the block's slot; the last block adds L H.
 */

/* Phase 1, thread 0: H = E(K, 0^128), then the 64 x^i H of the tables. */
GV_FN void gv_gcm_ghash_h(const struct gv_gcm_args *a,
                          struct gv_gcm_ghash_shared *sh)
{
    uint32_t rk[GV_AES_RK_WORDS], s[4] = { 0, 0, 0, 0 };
    struct gv_gf128 h;

    gv_gcm_expand(a, gv_shaddr(sh->u.te), rk);
    gv_aes256_block(gv_shaddr(sh->u.te), rk, s);
    h = gv_gf_from_words(s[0], s[1], s[2], s[3]);
    /*
     * The T-tables end here: the GHASH tables take their place (stores of
     * values that depend on every T-table load, so no compiler moves them
     * before one: the loads' addresses come from inline asm).
     */
    for (int i = 0; i < 64; i++) {
        sh->u.tab[i >> 3][0x80 >> (i & 7)] = h;
        h = gv_gf_mulx(h);
    }
}

/*
 * Phases 2-8: the entries 2^k + i (0 < i < 2^k) of every table, which
 * are the sum of entries 2^k and i; and (phase 2) the entries 0.
 */
GV_FN void gv_gcm_ghash_fill(struct gv_gcm_ghash_shared *sh,
                             const struct gv_gcm_grid *g, uint32_t k)
{
    uint32_t half = 1u << k;
    struct gv_gf128 top[8];

    if (k == 1 && g->tid == 0) {
        for (int j = 0; j < 8; j++) {
            sh->u.tab[j][0].hi = sh->u.tab[j][0].lo = 0;
        }
    }
    if (g->tid + 1 >= half) {
        return;
    }
    GV_UNROLL
    for (int j = 0; j < 8; j++) {
        top[j] = sh->u.tab[j][half];
    }
    for (uint32_t i = g->tid + 1; i < half; i += g->ntid) {
        GV_UNROLL
        for (int j = 0; j < 8; j++) {
            sh->u.tab[j][half + i].hi = top[j].hi ^ sh->u.tab[j][i].hi;
            sh->u.tab[j][half + i].lo = top[j].lo ^ sh->u.tab[j][i].lo;
        }
    }
}

/* The geometry of the virtual stream. */
struct gv_gcm_run {
    uint64_t m, n, r, pad;
};

GV_FN struct gv_gcm_run gv_gcm_run_of(const struct gv_gcm_args *a,
                                      const struct gv_gcm_grid *g)
{
    uint64_t t = (uint64_t)g->ntid * g->ncta;
    struct gv_gcm_run run;

    run.m = (a->aad_len + 15) / 16;
    run.n = (a->len + 15) / 16;
    run.r = (run.m + run.n + t - 1) / t;
    run.pad = t * run.r - (run.m + run.n);
    return run;
}

/* Phase 9, thread 0: the powers of H the later phases need. */
GV_FN void gv_gcm_ghash_powers(const struct gv_gcm_args *a,
                               struct gv_gcm_ghash_shared *sh,
                               const struct gv_gcm_grid *g)
{
    uint64_t tab = gv_shaddr(sh->u.tab);
    struct gv_gcm_run run = gv_gcm_run_of(a, g);
    uint32_t levels = gv_log2(g->ntid);
    struct gv_gf128 l;

    sh->kpow[0] = gv_gf_pow_h(tab, run.r);
    for (uint32_t i = 1; i < levels; i++) {
        sh->kpow[i] = gv_gf_sqr(sh->kpow[i - 1]);
    }
    sh->w = gv_gf_pow_h(tab, run.r * g->ntid * (g->ncta - 1 - g->cta) + 1);
    l.hi = (uint64_t)a->aad_len * 8;
    l.lo = a->len * 8;
    sh->lh = gv_gf_mul_h(tab, l);
}

/* Phase 9, every thread: the Horner sum over its run of the stream. */
GV_FN struct gv_gf128 gv_gcm_ghash_run(const struct gv_gcm_args *a,
                                       struct gv_gcm_ghash_shared *sh,
                                       const struct gv_gcm_grid *g)
{
    uint64_t tab = gv_shaddr(sh->u.tab);
    struct gv_gcm_run run = gv_gcm_run_of(a, g);
    uint64_t v0 = ((uint64_t)g->cta * g->ntid + g->tid) * run.r;
    uint64_t s0, s1, c0, c1, end, nfull = a->len / 16;
    struct gv_gf128 y;

    y.hi = y.lo = 0;
    if (v0 + run.r <= run.pad) {
        return y;                       /* all of it is padding */
    }
    s0 = v0 > run.pad ? v0 - run.pad : 0;
    s1 = v0 + run.r - run.pad;
    if (s0 < run.m) {                   /* AAD blocks, from the args */
        GV_UNROLL
        for (int i = 0; i < GV_GCM_AAD_MAX / 16; i++) {
            if ((uint64_t)i >= s0 && (uint64_t)i < s1 && (uint64_t)i < run.m) {
                y = gv_gf_mul_tab(tab,
                        gv_bswap32(gv_gcm_aad_word(a, 4 * i)) ^
                        (uint32_t)(y.hi >> 32),
                        gv_bswap32(gv_gcm_aad_word(a, 4 * i + 1)) ^
                        (uint32_t)y.hi,
                        gv_bswap32(gv_gcm_aad_word(a, 4 * i + 2)) ^
                        (uint32_t)(y.lo >> 32),
                        gv_bswap32(gv_gcm_aad_word(a, 4 * i + 3)) ^
                        (uint32_t)y.lo);
            }
        }
    }
    if (s1 <= run.m) {
        return y;
    }
    c0 = (s0 > run.m ? s0 : run.m) - run.m;
    c1 = s1 - run.m;
    end = a->data + 16 * (c1 < nfull ? c1 : nfull);
    for (uint64_t va = a->data + 16 * c0; va < end; va += 16) {
        /* the hot loop */
        y = gv_gf_mul_tab(tab,
                          gv_bswap32(gv_ld32(va)) ^ (uint32_t)(y.hi >> 32),
                          gv_bswap32(gv_ld32(va + 4)) ^ (uint32_t)y.hi,
                          gv_bswap32(gv_ld32(va + 8)) ^ (uint32_t)(y.lo >> 32),
                          gv_bswap32(gv_ld32(va + 12)) ^ (uint32_t)y.lo);
    }
    if (c1 > nfull) {                   /* the partial last block */
        uint64_t va = a->data + 16 * nfull;
        uint32_t w[4] = { 0, 0, 0, 0 };

        for (uint32_t i = 0; i < (a->len & 15); i++) {
            w[i / 4] |= (uint32_t)gv_ld8(va + i) << 8 * (i % 4);
        }
        y = gv_gf_mul_tab(tab, gv_bswap32(w[0]) ^ (uint32_t)(y.hi >> 32),
                          gv_bswap32(w[1]) ^ (uint32_t)y.hi,
                          gv_bswap32(w[2]) ^ (uint32_t)(y.lo >> 32),
                          gv_bswap32(w[3]) ^ (uint32_t)y.lo);
    }
    return y;
}

/* Phase 10: the leaves of the tree, padded in front with zeros. */
GV_FN void gv_gcm_ghash_leaves(struct gv_gcm_ghash_shared *sh,
                               const struct gv_gcm_grid *g,
                               const struct gv_gcm_thread *th)
{
    uint32_t zeros = (1u << gv_log2(g->ntid)) - g->ntid;

    sh->u.v[zeros + g->tid] = th->y;
    if (g->tid < zeros) {
        sh->u.v[g->tid].hi = sh->u.v[g->tid].lo = 0;
    }
}

/* Tree level @l: v[i] = v[i] K^(2^l) + v[i + 2^l] for i = 0 mod 2^(l+1). */
GV_FN void gv_gcm_ghash_level(struct gv_gcm_ghash_shared *sh,
                              const struct gv_gcm_grid *g, uint32_t l)
{
    uint32_t p2 = 1u << gv_log2(g->ntid);
    uint32_t half = 1u << l, i = g->tid << (l + 1);

    if (g->tid < (p2 >> (l + 1))) {
        struct gv_gf128 z = sh->u.v[i];

        if (i + half > p2 - g->ntid) {  /* not all zero leaves */
            z = gv_gf_mul(z, sh->kpow[l]);
        }
        sh->u.v[i].hi = z.hi ^ sh->u.v[i + half].hi;
        sh->u.v[i].lo = z.lo ^ sh->u.v[i + half].lo;
    }
}

/* Last phase, thread 0: this block's slot (and the header, block 0). */
GV_FN void gv_gcm_ghash_slot(const struct gv_gcm_args *a,
                             struct gv_gcm_ghash_shared *sh,
                             const struct gv_gcm_grid *g)
{
    struct gv_gf128 s = gv_gf_mul(sh->u.v[0], sh->w);
    uint64_t va = a->state + GV_GCM_ST_SLOTS + 16ull * g->cta;

    if (g->cta == g->ncta - 1) {
        s.hi ^= sh->lh.hi;
        s.lo ^= sh->lh.lo;
    }
    gv_st64(va, s.hi);
    gv_st64(va + 8, s.lo);
    if (g->cta == 0) {
        gv_st32(a->state + GV_GCM_ST_RESULT, GV_GCM_PENDING);
        gv_st32(a->state + GV_GCM_ST_NSLOTS, g->ncta);
        gv_st64(a->state + GV_GCM_ST_LEN, a->len);
        gv_st32(a->state + GV_GCM_ST_AAD_LEN, a->aad_len);
    }
}

/* Phase @p of gv_gcm_ghash for one thread; 0 when it was the last. */
GV_FN int gv_gcm_ghash_step(const struct gv_gcm_args *a,
                            struct gv_gcm_ghash_shared *sh,
                            const struct gv_gcm_grid *g,
                            struct gv_gcm_thread *th, uint32_t p)
{
    if (p == 0) {
        if (!gv_gcm_args_ok(a, g) || g->ncta > GV_GCM_MAX_SLOTS) {
            gv_gcm_refuse(a, g);
            return 0;
        }
        gv_gcm_te_fill(sh->u.te, g);
    } else if (p == 1) {
        if (g->tid == 0) {
            gv_gcm_ghash_h(a, sh);
        }
    } else if (p < 9) {
        gv_gcm_ghash_fill(sh, g, p - 1);
    } else if (p == 9) {
        if (g->tid == 0) {
            gv_gcm_ghash_powers(a, sh, g);
        }
        th->y = gv_gcm_ghash_run(a, sh, g);
    } else if (p == 10) {
        gv_gcm_ghash_leaves(sh, g, th);
    } else if (p < GV_GCM_GHASH_TREE + gv_log2(g->ntid)) {
        gv_gcm_ghash_level(sh, g, p - GV_GCM_GHASH_TREE);
    } else {
        if (g->tid == 0) {
            gv_gcm_ghash_slot(a, sh, g);
        }
        return 0;
    }
    return 1;
}

/* ---- the tag: gv_gcm_decrypt, gv_gcm_tag ---- */

/*
 * E(K, J0) + GHASH (the XOR of the state's slots) as four words, or
 * GV_GCM_NO_GHASH when the state holds no GHASH of these lengths.
 */
GV_FN uint32_t gv_gcm_tag_words(const struct gv_gcm_args *a,
                                uint64_t te, const uint32_t *rk,
                                uint32_t *s)
{
    uint64_t st = a->state;
    uint32_t nslots = gv_ld32(st + GV_GCM_ST_NSLOTS);
    struct gv_gf128 x;

    if (nslots == 0 || nslots > GV_GCM_MAX_SLOTS ||
        gv_ld64(st + GV_GCM_ST_LEN) != a->len ||
        gv_ld32(st + GV_GCM_ST_AAD_LEN) != a->aad_len) {
        return GV_GCM_NO_GHASH;
    }
    x.hi = x.lo = 0;
    for (uint32_t i = 0; i < nslots; i++) {
        x.hi ^= gv_ld64(st + GV_GCM_ST_SLOTS + 16ull * i);
        x.lo ^= gv_ld64(st + GV_GCM_ST_SLOTS + 16ull * i + 8);
    }
    s[0] = gv_arg32(a->iv);
    s[1] = gv_arg32(a->iv + 4);
    s[2] = gv_arg32(a->iv + 8);
    s[3] = 0x01000000u;                 /* J0 = IV || 0^31 || 1 */
    gv_aes256_block(te, rk, s);
    for (int j = 0; j < 4; j++) {
        s[j] ^= gv_gf_word(x, j);
    }
    return GV_GCM_OK;
}

/* Decrypt's check: the expected tag, compared in constant time. */
GV_FN uint32_t gv_gcm_check_tag(const struct gv_gcm_args *a,
                                uint64_t te, const uint32_t *rk)
{
    uint32_t s[4], diff = 0, r = gv_gcm_tag_words(a, te, rk, s);

    if (r != GV_GCM_OK) {
        return r;
    }
    for (int j = 0; j < 4; j++) {
        diff |= s[j] ^ gv_arg32(a->tag + 4 * j);
    }
    return diff == 0 ? GV_GCM_OK : GV_GCM_MISMATCH;
}

/* ---- gv_gcm_encrypt, gv_gcm_decrypt: CTR ---- */

/*
 * What a CTR kernel does: @len bytes from @in to @out (16-byte aligned,
 * equal or not overlapping) under the counter blocks IV || be32(2 + c).
 * Shared with the AES-KMAC kernels (gv_kmac.h).
 */
struct gv_ctr_io {
    uint64_t in, out, len;
    uint32_t iv[3];                     /* the IV as three words */
};

/*
 * Block c of the output is block c of the input XORed with E(K, IV ||
 * 2 + c) (the last block byte by byte).  The full blocks go 64 at a time
 * through the bitsliced AES (gv_aes_bs.h), chunk k to thread k mod T (T
 * threads in the grid), as many chunks as fill whole warps (a multiple
 * of 32); the rest (fewer than 2,048 blocks) through the T-tables, each
 * thread a contiguous run.  There counter blocks differ
 * only in word 3 and, within a run of 256, only in its byte 15: so
 * (Bernstein and Schwabe's counter-mode caching) 15 of round 1's 16
 * table lookups and 12 of round 2's are done once per 256 blocks.
 */
GV_FN void gv_aes_ctr_run(const struct gv_ctr_io *io,
                          const struct gv_gcm_ctr_shared *sh,
                          const struct gv_gcm_grid *g)
{
    uint64_t in = io->in, out = io->out;
    uint64_t te = gv_shaddr(sh->te);
    uint64_t nthr = (uint64_t)g->ntid * g->ncta;
    uint64_t gtid = (uint64_t)g->cta * g->ntid + g->tid;
    uint64_t nblk = (io->len + 15) / 16, nfull = io->len / 16;
    /* whole warps of chunks (32): a partial warp would run the bitsliced
     * code lane by lane, slower than the T-tables */
    uint64_t nchunk = nfull / 64 / 32 * 32, base = 64 * nchunk;
    uint64_t q = (nblk - base + nthr - 1) / nthr;
    uint64_t c = base + gtid * q;
    uint64_t cend = c >= nblk ? c : nblk - c > q ? c + q : nblk;
    uint32_t rk[GV_AES_RK_WORDS], p[4], s0, s1, s2, k15;

    for (uint64_t k = gtid; k < nchunk; k += nthr) {
        uint64_t ks[GV_AES_BS_WORDS], off = 1024 * k;

        gv_aes_bs_ctr64(sh->rk, io->iv, (uint32_t)(64 * k) + 2, ks);
        GV_UNROLL
        for (int b = 0; b < 64; b++) {
            gv_st64(out + off + 16 * b, gv_ld64(in + off + 16 * b) ^ ks[b]);
            gv_st64(out + off + 16 * b + 8,
                    gv_ld64(in + off + 16 * b + 8) ^ ks[64 + b]);
        }
    }
    if (c >= cend) {
        return;
    }
    GV_UNROLL
    for (int i = 0; i < GV_AES_RK_WORDS; i++) {
        rk[i] = sh->rk[i];
    }
    /* round 1 without the terms of word 3 */
    s0 = io->iv[0] ^ rk[0];
    s1 = io->iv[1] ^ rk[1];
    s2 = io->iv[2] ^ rk[2];
    p[0] = gv_te(te, s0 & 0xff, 0) ^ gv_te(te, (s1 >> 8) & 0xff, 1) ^
           gv_te(te, (s2 >> 16) & 0xff, 2) ^ rk[4];
    p[1] = gv_te(te, s1 & 0xff, 0) ^ gv_te(te, (s2 >> 8) & 0xff, 1) ^
           gv_te(te, s0 >> 24, 3) ^ rk[5];
    p[2] = gv_te(te, s2 & 0xff, 0) ^ gv_te(te, (s0 >> 16) & 0xff, 2) ^
           gv_te(te, s1 >> 24, 3) ^ rk[6];
    p[3] = gv_te(te, (s0 >> 8) & 0xff, 1) ^
           gv_te(te, (s1 >> 16) & 0xff, 2) ^ gv_te(te, s2 >> 24, 3) ^ rk[7];
    k15 = rk[3] >> 24;                  /* round key 0's byte 15 */
    while (c < cend) {
        uint32_t ctr = (uint32_t)c + 2, lo = ctr & 0xff;
        uint32_t s3 = gv_bswap32(ctr) ^ rk[3];
        uint64_t seg = cend - c > 256 - lo ? c + (256 - lo) : cend;
        uint64_t off = 16 * c;
        /* round 1's words 1..3 and round 2 without the terms of word 0 */
        uint32_t t1 = p[1] ^ gv_te(te, (s3 >> 16) & 0xff, 2);
        uint32_t t2 = p[2] ^ gv_te(te, (s3 >> 8) & 0xff, 1);
        uint32_t t3 = p[3] ^ gv_te(te, s3 & 0xff, 0);
        uint32_t q0 = gv_te(te, (t1 >> 8) & 0xff, 1) ^
                      gv_te(te, (t2 >> 16) & 0xff, 2) ^
                      gv_te(te, t3 >> 24, 3) ^ rk[8];
        uint32_t q1 = gv_te(te, t1 & 0xff, 0) ^
                      gv_te(te, (t2 >> 8) & 0xff, 1) ^
                      gv_te(te, (t3 >> 16) & 0xff, 2) ^ rk[9];
        uint32_t q2 = gv_te(te, t2 & 0xff, 0) ^
                      gv_te(te, (t3 >> 8) & 0xff, 1) ^
                      gv_te(te, t1 >> 24, 3) ^ rk[10];
        uint32_t q3 = gv_te(te, t3 & 0xff, 0) ^
                      gv_te(te, (t1 >> 16) & 0xff, 2) ^
                      gv_te(te, t2 >> 24, 3) ^ rk[11];

        for (; c < seg; c++, lo++, off += 16) {
            uint32_t t0 = p[0] ^ gv_te(te, lo ^ k15, 3);
            uint32_t s[4];

            s[0] = q0 ^ gv_te(te, t0 & 0xff, 0);
            s[1] = q1 ^ gv_te(te, t0 >> 24, 3);
            s[2] = q2 ^ gv_te(te, (t0 >> 16) & 0xff, 2);
            s[3] = q3 ^ gv_te(te, (t0 >> 8) & 0xff, 1);
            GV_UNROLL
            for (int r = 3; r < GV_AES_ROUNDS; r++) {
                gv_aes_round(te, rk + 4 * r, s);
            }
            gv_aes_last(te, rk + 4 * GV_AES_ROUNDS, s);
            if (c < nfull) {
                GV_UNROLL
                for (int j = 0; j < 4; j++) {
                    gv_st32(out + off + 4 * j,
                            gv_ld32(in + off + 4 * j) ^ s[j]);
                }
            } else {
                for (uint32_t i = 0; i < (io->len & 15); i++) {
                    uint32_t w = i & 8 ? (i & 4 ? s[3] : s[2])
                                       : (i & 4 ? s[1] : s[0]);

                    gv_st8(out + off + i, gv_ld8(in + off + i) ^
                                          (uint8_t)(w >> 8 * (i & 3)));
                }
            }
        }
    }
}

/*
 * Phase @p of gv_gcm_encrypt (@decrypt 0) or gv_gcm_decrypt (1) for one
 * thread; 0 when it was the last.
 */
GV_FN int gv_gcm_ctr_step(const struct gv_gcm_args *a,
                          struct gv_gcm_ctr_shared *sh,
                          const struct gv_gcm_grid *g, int decrypt,
                          uint32_t p)
{
    if (p == 0) {
        if (!gv_gcm_args_ok(a, g)) {
            gv_gcm_refuse(a, g);
            return 0;
        }
        gv_gcm_te_fill(sh->te, g);
        return 1;
    }
    if (p == 1) {
        if (g->tid == 0) {
            uint64_t te = gv_shaddr(sh->te);

            gv_gcm_expand(a, te, sh->rk);
            sh->result = decrypt ? gv_gcm_check_tag(a, te, sh->rk)
                                 : GV_GCM_OK;
            if (g->cta == 0) {
                gv_st32(a->state + GV_GCM_ST_RESULT,
                        decrypt ? sh->result : GV_GCM_PENDING);
            }
        }
        return 1;
    }
    if (sh->result == GV_GCM_OK) {
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

/* Phase @p of gv_gcm_tag for one thread; 0 when it was the last. */
GV_FN int gv_gcm_tag_step(const struct gv_gcm_args *a,
                          struct gv_gcm_ctr_shared *sh,
                          const struct gv_gcm_grid *g, uint32_t p)
{
    if (p == 0) {
        if (!gv_gcm_args_ok(a, g)) {
            gv_gcm_refuse(a, g);
            return 0;
        }
        if (g->cta != 0) {
            return 0;                   /* one block is enough */
        }
        gv_gcm_te_fill(sh->te, g);
        return 1;
    }
    if (g->tid == 0) {
        uint64_t te = gv_shaddr(sh->te);
        uint32_t s[4], r;

        gv_gcm_expand(a, te, sh->rk);
        r = gv_gcm_tag_words(a, te, sh->rk, s);
        if (r == GV_GCM_OK) {
            for (int j = 0; j < 4; j++) {
                gv_st32(a->state + GV_GCM_ST_TAG + 4 * j, s[j]);
            }
        }
        gv_st32(a->state + GV_GCM_ST_RESULT, r);
    }
    return 0;
}

#endif /* GV_GCM_H */
