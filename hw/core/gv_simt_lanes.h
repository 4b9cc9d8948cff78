/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the interpreter's lane loops (gv_simt.c).
 * The per-lane forms of the fast ops, the setp forms, and ALU_CASES, the
 * lane-loop kinds as one list of switch cases that both run_warp (one
 * warp) and the gangs (each warp of a gang in one loop) expand.  Only
 * gv_simt.c includes it: the cases use its FMA_ANY and fma_f32/fma_f64.
 */
#ifndef GV_SIMT_LANES_H
#define GV_SIMT_LANES_H

#include "gv_simt.h"

#include <math.h>

/* ---- the per-lane forms of the fast integer ops ---- */

/*
 * GV_LANE_FUNCS: the helpers of the lane expressions below, in a macro so
 * that the compiled tier (gv_jit.c) puts the same text into the code it
 * compiles (one definition of each operation's semantics).
 *
 * bfe_u32 is PTX bfe.u32: len = min(c, 32 - b) bits of a from bit b (0
 * if b >= 32 or the length is 0).  a >> b has at most 32 - b bits, so
 * masking it to min(c, 32) bits is the same; written without branches,
 * so that the full-warp loop vectorises (AES kernels extract a byte per
 * table lookup).  mul32 is mul.lo.u32 in 32-bit lanes (the same low half
 * as 64-bit products).  The signed shifts are arithmetic in GCC and
 * clang.
 */
#define GV_LANE_FUNCS                                                   \
static inline uint64_t bfe_u32(uint64_t a, uint64_t b, uint64_t c)      \
{                                                                       \
    uint64_t pos = b & 0xff, len = c & 0xff;                            \
    uint64_t v = pos >= 32 ? 0 : (uint64_t)(uint32_t)a >> (pos & 31);   \
    uint64_t mask = len >= 32 ? 0xffffffffull : (1ull << (len & 31)) - 1; \
    return v & mask;                                                    \
}                                                                       \
static inline uint32_t mul32(uint64_t a, uint64_t b)                    \
{                                                                       \
    return (uint32_t)a * (uint32_t)b;                                   \
}                                                                       \
static inline uint64_t mulwide_s32(uint64_t a, uint64_t b)              \
{                                                                       \
    return (uint64_t)((int64_t)(int32_t)a * (int32_t)b);                \
}                                                                       \
static inline uint64_t mulwide_u32(uint64_t a, uint64_t b)              \
{                                                                       \
    return (uint64_t)(uint32_t)a * (uint32_t)b;                         \
}                                                                       \
static inline uint64_t shl32(uint64_t a, uint64_t b)                    \
{                                                                       \
    return (uint32_t)b >= 32 ? 0 : (uint32_t)(a << (uint32_t)b);        \
}                                                                       \
static inline uint64_t shl64(uint64_t a, uint64_t b)                    \
{                                                                       \
    return (uint32_t)b >= 64 ? 0 : a << (uint32_t)b;                    \
}                                                                       \
static inline uint64_t shr_u32(uint64_t a, uint64_t b)                  \
{                                                                       \
    return (uint32_t)b >= 32 ? 0 : (uint32_t)a >> (uint32_t)b;          \
}                                                                       \
static inline uint64_t shr_s32(uint64_t a, uint64_t b)                  \
{                                                                       \
    uint32_t s = (uint32_t)b >= 32 ? 31 : (uint32_t)b;                  \
    return (uint32_t)((int32_t)a >> s);                                 \
}                                                                       \
static inline uint64_t shr_u64(uint64_t a, uint64_t b)                  \
{                                                                       \
    return (uint32_t)b >= 64 ? 0 : a >> (uint32_t)b;                    \
}                                                                       \
static inline uint64_t shr_s64(uint64_t a, uint64_t b)                  \
{                                                                       \
    uint32_t s = (uint32_t)b >= 64 ? 63 : (uint32_t)b;                  \
    return (uint64_t)((int64_t)a >> s);                                 \
}                                                                       \
static inline uint64_t minf32(uint64_t a, uint64_t b)                   \
{                                                                       \
    return bf(fminf(f32(a), f32(b)));                                   \
}                                                                       \
static inline uint64_t maxf32(uint64_t a, uint64_t b)                   \
{                                                                       \
    return bf(fmaxf(f32(a), f32(b)));                                   \
}                                                                       \
static inline uint64_t rsqrtf32(uint64_t a)                             \
{                                                                       \
    return bf(1.0f / sqrtf(f32(a)));                                    \
}

/* The signed shifts count at most 31 and 63: arithmetic in GCC, clang */
/* cppcheck-suppress shiftTooManyBitsSigned */
GV_LANE_FUNCS

/* bfe.s64: gv_bfe() of the word, position and length in the low byte
 * of b and c */
static inline uint64_t bfe_s64(uint64_t a, uint64_t b, uint64_t c)
{
    return gv_bfe(a, b & 0xff, c & 0xff, 64, true);
}

#define F32(x) f32(x)

#define SETP_CASES(T, CONV)                                             \
    switch (i->mod & 0x1f) {                                            \
    case GV_CMP_EQ: LANES(m, D[l] = (T)CONV(A[l]) == (T)CONV(B[l])); break; \
    case GV_CMP_NE: LANES(m, D[l] = (T)CONV(A[l]) != (T)CONV(B[l])); break; \
    case GV_CMP_LT: LANES(m, D[l] = (T)CONV(A[l]) < (T)CONV(B[l])); break; \
    case GV_CMP_LE: LANES(m, D[l] = (T)CONV(A[l]) <= (T)CONV(B[l])); break; \
    case GV_CMP_GT: LANES(m, D[l] = (T)CONV(A[l]) > (T)CONV(B[l])); break; \
    default: LANES(m, D[l] = (T)CONV(A[l]) >= (T)CONV(B[l])); break;    \
    }

#define ID(x) (x)

/* The setp of a fused setp + branch (GV_K_SETP_BRA), by its own kind
 * (fscale), for the lanes of m: each lane's 0 or 1 in D. */
#define SETP_FUSED()                                                    \
    switch (i->fscale) {                                                \
    case GV_K_SETP_S32: SETP_CASES(int32_t, ID); break;                 \
    case GV_K_SETP_U32: SETP_CASES(uint32_t, ID); break;                \
    case GV_K_SETP_S64: SETP_CASES(int64_t, ID); break;                 \
    case GV_K_SETP_U64: SETP_CASES(uint64_t, ID); break;                \
    default: SETP_CASES(float, F32); break;                             \
    }

/* p = the setp results of lanes 0 to N - 1 as a mask (N a constant: 32,
 * or 1 for a uniform warp) */
#define SETP_LOOP(T, CONV, OP, N)                                       \
    for (unsigned l = 0; l < (N); l++) {                                \
        p |= (uint32_t)((T)CONV(A[l]) OP (T)CONV(B[l])) << l;           \
    }
#define SETP_MASK(T, CONV, N)                                           \
    switch (i->mod & 0x1f) {                                            \
    case GV_CMP_EQ: SETP_LOOP(T, CONV, ==, N); break;                   \
    case GV_CMP_NE: SETP_LOOP(T, CONV, !=, N); break;                   \
    case GV_CMP_LT: SETP_LOOP(T, CONV, <, N); break;                    \
    case GV_CMP_LE: SETP_LOOP(T, CONV, <=, N); break;                   \
    case GV_CMP_GT: SETP_LOOP(T, CONV, >, N); break;                    \
    default: SETP_LOOP(T, CONV, >=, N); break;                          \
    }
#define SETP_TYPES(N)                                                   \
    switch (i->fscale) {                                                \
    case GV_K_SETP_S32: SETP_MASK(int32_t, ID, N); break;               \
    case GV_K_SETP_U32: SETP_MASK(uint32_t, ID, N); break;              \
    case GV_K_SETP_S64: SETP_MASK(int64_t, ID, N); break;               \
    case GV_K_SETP_U64: SETP_MASK(uint64_t, ID, N); break;              \
    default: SETP_MASK(float, F32, N); break;                           \
    }

/*
 * GV_LANE_OPS: the lane-loop kinds that compute one expression of their
 * operands' slots a, b and c (uint64_t) into D's, each with it: the
 * interpreter's cases (ALU_CASES) and the compiled tier (gv_jit.c, which
 * compiles the same text) both expand this one list, X(P, kind, expr)
 * for each (P: the expander's own argument).
 */
#define GV_LANE_OPS(X, P)                                                  \
    X(P, GV_K_MOV32, (uint32_t)a)                                          \
    X(P, GV_K_MOV64, a)                                                    \
    X(P, GV_K_ADD32, (uint32_t)(a + b))                                    \
    X(P, GV_K_ADD64, a + b)                                                \
    X(P, GV_K_SUB32, (uint32_t)(a - b))                                    \
    X(P, GV_K_SUB64, a - b)                                                \
    X(P, GV_K_MUL32, mul32(a, b))                                          \
    X(P, GV_K_MUL64, a * b)                                                \
    X(P, GV_K_MAD32, mul32(a, b) + (uint32_t)c)                            \
    X(P, GV_K_MULWIDE_S32, mulwide_s32(a, b))                              \
    X(P, GV_K_MULWIDE_U32, mulwide_u32(a, b))                              \
    X(P, GV_K_MADWIDE_U32, mulwide_u32(a, b) + c)                          \
    X(P, GV_K_MADWIDE_S32, mulwide_s32(a, b) + c)                          \
    X(P, GV_K_BFE_U32, bfe_u32(a, b, c))                                   \
    X(P, GV_K_AND32, (uint32_t)(a & b))                                    \
    X(P, GV_K_AND64, a & b)                                                \
    X(P, GV_K_OR32, (uint32_t)(a | b))                                     \
    X(P, GV_K_OR64, a | b)                                                 \
    X(P, GV_K_XOR32, (uint32_t)(a ^ b))                                    \
    X(P, GV_K_XOR64, a ^ b)                                                \
    X(P, GV_K_SHL32, shl32(a, b))                                          \
    X(P, GV_K_SHL64, shl64(a, b))                                          \
    X(P, GV_K_SHR_U32, shr_u32(a, b))                                      \
    X(P, GV_K_SHR_S32, shr_s32(a, b))                                      \
    X(P, GV_K_SHR_U64, shr_u64(a, b))                                      \
    X(P, GV_K_SHR_S64, shr_s64(a, b))                                      \
    X(P, GV_K_ADDF, bf(f32(a) + f32(b)))                                   \
    X(P, GV_K_SUBF, bf(f32(a) - f32(b)))                                   \
    X(P, GV_K_MULF, bf(f32(a) * f32(b)))                                   \
    X(P, GV_K_DIVF, bf(f32(a) / f32(b)))                                   \
    X(P, GV_K_ABSF, bf(fabsf(f32(a))))                                     \
    X(P, GV_K_NEGF, bf(-f32(a)))                                           \
    X(P, GV_K_MINF, minf32(a, b))                                          \
    X(P, GV_K_MAXF, maxf32(a, b))                                          \
    X(P, GV_K_SQRTF, bf(sqrtf(f32(a))))                                    \
    X(P, GV_K_RCPF, bf(1.0f / f32(a)))                                     \
    X(P, GV_K_RSQRTF, rsqrtf32(a))                                         \
    X(P, GV_K_ADDD, bd(f64(a) + f64(b)))                                   \
    X(P, GV_K_SUBD, bd(f64(a) - f64(b)))                                   \
    X(P, GV_K_MULD, bd(f64(a) * f64(b)))                                   \
    X(P, GV_K_SELP32, (uint32_t)((c & 1) ? a : b))                         \
    X(P, GV_K_SELP64, (c & 1) ? a : b)                                     \
    X(P, GV_K_CVT_U64_U32, (uint32_t)a)                                    \
    X(P, GV_K_CVT_S64_S32, (uint64_t)(int64_t)(int32_t)a)                  \
    X(P, GV_K_CVT_U32_U64, (uint32_t)a)

/* The setp kinds, each with the type it compares in and the conversion
 * from a slot (the interpreter's SETP_CASES, the fused setp, gv_jit.c) */
#define GV_SETP_KINDS(X, P)                                                \
    X(P, GV_K_SETP_S32, int32_t, ID)                                       \
    X(P, GV_K_SETP_U32, uint32_t, ID)                                      \
    X(P, GV_K_SETP_S64, int64_t, ID)                                       \
    X(P, GV_K_SETP_U64, uint64_t, ID)                                      \
    X(P, GV_K_SETP_F32, float, F32)

/* One case of ALU_CASES from GV_LANE_OPS. */
#define LANE_OP_CASE(EACH, K, E)                                              \
    case K:                                                             \
        EACH(LANES(m, {                                                 \
            const uint64_t a = A[l], b = B[l], c = C[l];                \
            (void)b;                                                    \
            (void)c;                                                    \
            D[l] = (E);                                                 \
        }));                                                            \
        break;
#define SETP_KIND_CASE(EACH, K, T, CONV)                                \
    case K: EACH(SETP_CASES(T, CONV)); break;

/* The lane-loop kinds: each reads the slots of its operands A, B and C
 * and writes D's for the lanes of @m, and does nothing else.  EACH(s)
 * runs the statement s: once in run_warp, once for each warp of a gang
 * in gang_alu (with D, A, B and C moved on to the next warp's slots). */
#define ALU_CASES(EACH)                                                 \
    case GV_K_NOP: break;                                               \
    GV_LANE_OPS(LANE_OP_CASE, EACH)                                           \
    GV_SETP_KINDS(SETP_KIND_CASE, EACH)                                       \
    case GV_K_FMAF: EACH(FMA_ANY(fma_f32, D, A, B, C, m)); break;       \
    case GV_K_FMAD: EACH(FMA_ANY(fma_f64, D, A, B, C, m)); break;       \
    case GV_K_EX2F: EACH(LANES(m, D[l] = bf(exp2f(f32(A[l]))))); break; \
    case GV_K_LG2F: EACH(LANES(m, D[l] = bf(log2f(f32(A[l]))))); break; \
    case GV_K_MADDR: EACH(LANES(m, D[l] = L->data_va + A[l])); break

#define ONCE(s) do { s; } while (0)

#endif /* GV_SIMT_LANES_H */
