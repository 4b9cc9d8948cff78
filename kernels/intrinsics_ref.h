/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CPU model of kernels/intrinsics.cu: checks what a launch of
 * GV_INTR_GRID x GV_INTR_BLOCK threads wrote.  Host C, header only; used by
 * the in-process test and the guest test.
 */
#ifndef GV_INTRINSICS_REF_H
#define GV_INTRINSICS_REF_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GV_INTR_GRID 3
#define GV_INTR_BLOCK 64
#define GV_INTR_N (GV_INTR_GRID * GV_INTR_BLOCK)
#define GV_INTR_WORDS 20
/* initial values of the kernel's ctr[8] */
static const int32_t gv_intr_ctr_init[8] = { 0, 0, 0, 0, -1, 0, 0, -1 };

static inline int gv_intr_near(uint32_t got, float want, float tol)
{
    float g;

    memcpy(&g, &got, 4);
    return fabsf(g - want) <= tol * fmaxf(1.0f, fabsf(want));
}

static inline uint32_t gv_intr_bits(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    return u;
}

/* The number of wrong words (the first few are printed to stderr). */
static inline unsigned gv_intrinsics_check(const uint32_t *out,
                                           const int32_t *ctr, uint64_t c64,
                                           double dsum)
{
    unsigned bad = 0, seen[GV_INTR_N + 1];
    uint32_t xorv = 0;
    double want_dsum = 0;

    memset(seen, 0, sizeof(seen));
    for (uint32_t g = 0; g < GV_INTR_N; g++) {
        uint32_t lane = g % 32, base = g - lane;
        const uint32_t *o = out + g * GV_INTR_WORDS;
        uint32_t v = g * 2654435761u, ballot = 0, exp[19];
        float f = (float)g * 0.01f;
        double d = g * 1.5, sq = sqrt(d), fm = fma(d, d, 0.25);
        uint64_t sb, fb;

        for (uint32_t k = 0; k < 32; k++) {
            ballot |= (((base + k) * 2654435761u >> 3) & 1) << k;
        }
        memcpy(&sb, &sq, 8);
        memcpy(&fb, &fm, 8);
        exp[0] = (base + ((lane + 3) & 31)) * 2654435761u;
        exp[1] = (lane >= 2 ? g - 2 : g) * 2654435761u;
        exp[2] = (base + (lane ^ 5)) * 2654435761u;
        exp[3] = ballot;
        exp[4] = 1;
        exp[5] = 1;
        exp[6] = (uint32_t)__builtin_popcount(v);
        exp[7] = v ? (uint32_t)__builtin_clz(v) : 32;
        exp[8] = 0;
        for (int k = 0; k < 32; k++) {
            exp[8] |= ((v >> k) & 1) << (31 - k);
        }
        exp[9] = gv_intr_bits(fminf(f, 0.5f));
        exp[10] = gv_intr_bits(fmaxf(f, 0.5f));
        exp[15] = (uint32_t)sb;
        exp[16] = (uint32_t)(sb >> 32);
        exp[17] = (uint32_t)fb;
        exp[18] = (uint32_t)(fb >> 32);
        for (int k = 0; k < 19; k++) {
            if (k >= 11 && k <= 14) {
                continue;       /* approximate: below */
            }
            if (o[k] != exp[k] && bad++ < 5) {
                fprintf(stderr, "intrinsics: thread %u word %d: 0x%x, "
                        "expected 0x%x\n", g, k, o[k], exp[k]);
            }
        }
        /* sin, cos, rsqrt, div (approximate) within 5e-7 relative */
        bad += !gv_intr_near(o[11], sinf(f), 5e-7f);
        bad += !gv_intr_near(o[12], cosf(f), 5e-7f);
        bad += !gv_intr_near(o[13], 1.0f / sqrtf(f + 1.0f), 5e-7f);
        bad += !gv_intr_near(o[14], f / 3.0f, 5e-7f);
        /* exch: every old value is -1 or a thread's id, each once */
        if ((int32_t)o[19] >= -1 && (int32_t)o[19] < GV_INTR_N) {
            seen[(int32_t)o[19] + 1]++;
        }
        xorv ^= v;
        want_dsum += d;
    }
    if (ctr[4] >= -1 && ctr[4] < GV_INTR_N) {
        seen[ctr[4] + 1]++;
    }
    for (uint32_t k = 0; k <= GV_INTR_N; k++) {
        bad += seen[k] != 1;
    }
    bad += ctr[0] != GV_INTR_N;
    bad += ctr[1] != GV_INTR_N - 1;
    bad += ctr[2] != -(GV_INTR_N - 1);
    bad += ctr[3] != 2 * GV_INTR_N;
    bad += (uint32_t)ctr[5] != 0xffffffffu;
    bad += (uint32_t)ctr[6] != xorv;
    bad += (uint32_t)ctr[7] != 0xe0000000u;
    bad += c64 != ((uint64_t)GV_INTR_N * (GV_INTR_N - 1) / 2) << 33;
    bad += dsum != want_dsum;
    return bad;
}

#endif /* GV_INTRINSICS_REF_H */
