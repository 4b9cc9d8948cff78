/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GHASH with 512-bit vectors (AVX-512, VPCLMULQDQ), for gvc_gcm_split's
 * authentication pass: OpenSSL 3.0 has no GHASH alone, and its GHASH of
 * associated data uses 128-bit instructions (about half the speed here).
 * Used only where the CPU has them (gvc_simd_ok()); gvc_gcm_split falls
 * back to OpenSSL otherwise.  Tests: test_crypto_split.c, against
 * OpenSSL's GCM, with and without this file.
 *
 * GHASH works on blocks with their bytes reversed (so that a block is a
 * little-endian 128-bit number whose bits are GCM's in reverse order):
 * a carry-less product of two such values, shifted left by one bit and
 * reduced modulo x^128 + x^7 + x^2 + x + 1 in reflected form, is the
 * byte-reversed GCM product (S. Gueron, M. Kounavis, "Intel
 * Carry-Less Multiplication Instruction and its Usage for Computing the
 * GCM Mode", algorithm 5).  Both the shift and the reduction are linear,
 * so sixteen products are summed unreduced and reduced once: the
 * accumulator absorbs 16 blocks per step as
 * sum X_j * H^(16 - j), X_0 xor-ed with the accumulator.
 */
#include <string.h>

#include "gvc_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define SIMD __attribute__((target("avx512f,avx512bw,vpclmulqdq,pclmul," \
                                   "sse4.1")))

bool gvc_simd_ok(void)
{
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("vpclmulqdq") &&
           __builtin_cpu_supports("pclmul");
}

SIMD static inline __m128i bswap128(__m128i x)
{
    return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                            10, 11, 12, 13, 14, 15));
}

/* The 256-bit product hi:lo, shifted left by one and reduced. */
SIMD static __m128i shift_reduce(__m128i lo, __m128i hi)
{
    __m128i c_lo = _mm_srli_epi32(lo, 31), c_hi = _mm_srli_epi32(hi, 31);
    __m128i top = _mm_srli_si128(c_lo, 12), a, b, c, d;

    lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(c_lo, 4));
    hi = _mm_or_si128(_mm_slli_epi32(hi, 1), _mm_slli_si128(c_hi, 4));
    hi = _mm_or_si128(hi, top);
    a = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31),
                                    _mm_slli_epi32(lo, 30)),
                      _mm_slli_epi32(lo, 25));
    b = _mm_srli_si128(a, 4);
    lo = _mm_xor_si128(lo, _mm_slli_si128(a, 12));
    c = _mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2));
    d = _mm_xor_si128(_mm_xor_si128(c, _mm_srli_epi32(lo, 7)), b);
    return _mm_xor_si128(hi, _mm_xor_si128(lo, d));
}

SIMD static __m128i gf_mul128(__m128i a, __m128i b)
{
    __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
    __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
    __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10),
                                _mm_clmulepi64_si128(a, b, 0x01));

    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    return shift_reduce(lo, hi);
}

SIMD void gvc_ghash_init(struct gvc_ghash *g, const uint8_t h[16])
{
    __m128i hr = bswap128(_mm_loadu_si128((const __m128i *)h)), p = hr;

    /* pow[i] = H^(16 - i), so lane j of a 4-block group k takes
     * pow[4k + j] */
    for (int i = 15; i >= 0; i--) {
        _mm_storeu_si128((__m128i *)g->pow[i], p);
        p = gf_mul128(p, hr);
    }
    memset(g->acc, 0, sizeof(g->acc));
    p = _mm_setzero_si128();
    hr = _mm_setzero_si128();
}

/* Fold the 4 lanes of a 512-bit value into one 128-bit xor. */
SIMD static __m128i fold4(__m512i v)
{
    __m256i x = _mm256_xor_si256(_mm512_castsi512_si256(v),
                                 _mm512_extracti64x4_epi64(v, 1));

    return _mm_xor_si128(_mm256_castsi256_si128(x),
                         _mm256_extracti128_si256(x, 1));
}

SIMD void gvc_ghash_blocks(struct gvc_ghash *g, const uint8_t *p, size_t n)
{
    const __m512i rev = _mm512_broadcast_i32x4(
        _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    __m128i acc = _mm_loadu_si128((const __m128i *)g->acc);
    __m128i h1 = _mm_loadu_si128((const __m128i *)g->pow[15]);

    while (n >= 16) {
        __m512i lo = _mm512_setzero_si512(), hi = lo, mid = lo;

        for (int k = 0; k < 4; k++) {
            __m512i x = _mm512_shuffle_epi8(
                _mm512_loadu_si512((const void *)(p + 64 * k)), rev);
            __m512i h = _mm512_loadu_si512((const void *)g->pow[4 * k]);

            if (k == 0) {
                x = _mm512_xor_si512(x, _mm512_zextsi128_si512(acc));
            }
            lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(x, h, 0x00));
            hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(x, h, 0x11));
            mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(x, h, 0x10));
            mid = _mm512_xor_si512(mid, _mm512_clmulepi64_epi128(x, h, 0x01));
        }
        {
            __m128i l = fold4(lo), h = fold4(hi), m = fold4(mid);

            l = _mm_xor_si128(l, _mm_slli_si128(m, 8));
            h = _mm_xor_si128(h, _mm_srli_si128(m, 8));
            acc = shift_reduce(l, h);
        }
        p += 256;
        n -= 16;
    }
    for (; n; n--, p += 16) {
        acc = gf_mul128(_mm_xor_si128(acc, bswap128(_mm_loadu_si128(
                                               (const __m128i *)p))),
                        h1);
    }
    _mm_storeu_si128((__m128i *)g->acc, acc);
}

SIMD void gvc_ghash_final(struct gvc_ghash *g, uint8_t out[16])
{
    _mm_storeu_si128((__m128i *)out,
                     bswap128(_mm_loadu_si128((const __m128i *)g->acc)));
}

#else /* no x86-64 SIMD: gvc_gcm_split uses OpenSSL alone */

bool gvc_simd_ok(void)
{
    return false;
}

void gvc_ghash_init(struct gvc_ghash *g, const uint8_t h[16])
{
    (void)g;
    (void)h;
}

void gvc_ghash_blocks(struct gvc_ghash *g, const uint8_t *p, size_t n)
{
    (void)g;
    (void)p;
    (void)n;
}

void gvc_ghash_final(struct gvc_ghash *g, uint8_t out[16])
{
    (void)g;
    memset(out, 0, 16);
}

#endif
