/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx-ops: the PTX ISA's integer, bit and conversion instructions
 * that the translator lowers (docs/ptx.md), translated and run on the
 * compute engine against CPU references written from the ISA's
 * semantics: sad, bfind (.shiftamt), fns, bmsk, szext, dp4a, dp2a, set
 * with a boolean operation, the carry chains (add.cc/addc, sub.cc/subc,
 * mad.cc/madc; 128-bit sums, differences and products), testp and
 * copysign, activemask in divergent code, and every float-to-integer
 * cvt edge case (NaN, infinities, out of range, -0.0, each rounding) of
 * f32/f64 into s8..s64/u8..u64; and the errors of each.  Also bfe.u32
 * with register position and length (the engine's vectorised form) and
 * the translator's register slots (ptx/gv_ptx_regs.c): guarded defs,
 * registers read before any write, loops, shfl.
 */
#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "graviton/gv_isa.h"
#include "gv_ptx.h"
#include "ptx_run.h"


#define HEAD    ".version 7.8\n.target sm_80\n.address_size 64\n"
#define KHEAD   HEAD ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"

/* ==== sad, bfind, fns, bmsk, szext, dp4a, dp2a, set.bool ==== */

#define NINT 36         /* results per thread */

/* Thread t: a, b, c = in[3t .. 3t+2]. */
static const char int_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<64>;\n"
    ".reg .b64 %rd<16>;\n"
    ".reg .pred %p<4>;\n"
    PTXR_IN_AT(12)
    "ld.global.u32 %r2, [%rd3];\n"
    "ld.global.u32 %r3, [%rd3+4];\n"
    "ld.global.u32 %r4, [%rd3+8];\n"
    "mul.wide.u32 %rd4, %r1, 144;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    "and.b32 %r5, %r3, 31;\n"
    "and.b32 %r6, %r3, 63;\n"
    "and.b32 %r7, %r4, 63;\n"
    "sub.s32 %r8, %r7, 32;\n"
    "and.b32 %r9, %r4, 64;\n"
    "setp.ne.u32 %p1, %r9, 0;\n"
    "sad.u32 %r10, %r2, %r3, %r4;\n"
    "sad.s32 %r11, %r2, %r3, %r4;\n"
    "bfind.u32 %r12, %r2;\n"
    "bfind.s32 %r13, %r2;\n"
    "bfind.shiftamt.u32 %r14, %r2;\n"
    "bfind.shiftamt.s32 %r15, %r2;\n"
    "fns.b32 %r16, %r2, %r5, %r8;\n"
    "bmsk.clamp.b32 %r17, %r6, %r7;\n"
    "bmsk.wrap.b32 %r18, %r6, %r7;\n"
    "szext.clamp.u32 %r19, %r2, %r6;\n"
    "szext.clamp.s32 %r20, %r2, %r6;\n"
    "szext.wrap.u32 %r21, %r2, %r6;\n"
    "szext.wrap.s32 %r22, %r2, %r6;\n"
    "dp4a.u32.u32 %r23, %r2, %r3, %r4;\n"
    "dp4a.s32.s32 %r24, %r2, %r3, %r4;\n"
    "dp4a.s32.u32 %r25, %r2, %r3, %r4;\n"
    "dp4a.u32.s32 %r26, %r2, %r3, %r4;\n"
    "dp2a.lo.u32.u32 %r27, %r2, %r3, %r4;\n"
    "dp2a.hi.s32.s32 %r28, %r2, %r3, %r4;\n"
    "dp2a.lo.s32.u32 %r29, %r2, %r3, %r4;\n"
    "dp2a.hi.u32.s32 %r30, %r2, %r3, %r4;\n"
    "set.lt.and.u32.s32 %r31, %r2, %r3, %p1;\n"
    "set.ge.or.f32.u32 %r32, %r2, %r3, !%p1;\n"
    "set.ne.xor.s32.u32 %r33, %r2, %r3, %p1;\n"
    "mov.b64 %rd5, {%r3, %r2};\n"
    "bfind.u64 %r34, %rd5;\n"
    "bfind.s64 %r35, %rd5;\n"
    "bfind.shiftamt.u64 %r36, %rd5;\n"
    "bfind.shiftamt.s64 %r37, %rd5;\n"
    "mov.b64 %rd6, {%r2, %r4};\n"
    "sad.s64 %rd7, %rd5, %rd6, %rd5;\n"
    "mov.b64 {%r38, %r39}, %rd7;\n"
    "fns.b32 %r40, 0xaaaaaaaa, 2, -1;\n"
    "bmsk.wrap.b32 %r41, 1, 2;\n"
    /* the destination is a source */
    "mov.u32 %r42, %r2;\n"
    "dp4a.s32.s32 %r42, %r42, %r42, %r42;\n"
    "bfind.shiftamt.s32 %r43, 0xffffffff;\n"
    "fns.b32 %r44, 0xaaaaaaaa, 3, 1;\n"
    "fns.b32 %r45, 0xaaaaaaaa, 2, 1;\n"
    "st.global.v4.u32 [%rd4], {%r10, %r11, %r12, %r13};\n"
    "st.global.v4.u32 [%rd4+16], {%r14, %r15, %r16, %r17};\n"
    "st.global.v4.u32 [%rd4+32], {%r18, %r19, %r20, %r21};\n"
    "st.global.v4.u32 [%rd4+48], {%r22, %r23, %r24, %r25};\n"
    "st.global.v4.u32 [%rd4+64], {%r26, %r27, %r28, %r29};\n"
    "st.global.v4.u32 [%rd4+80], {%r30, %r31, %r32, %r33};\n"
    "st.global.v4.u32 [%rd4+96], {%r34, %r35, %r36, %r37};\n"
    "st.global.v4.u32 [%rd4+112], {%r38, %r39, %r40, %r41};\n"
    "st.global.v4.u32 [%rd4+128], {%r42, %r43, %r44, %r45};\n"
    "ret;\n"
    "}\n";

/* PTX ISA, "bfind" */
static uint32_t ref_bfind(uint64_t a, unsigned w, bool sgn, bool shiftamt)
{
    uint32_t d = 0xffffffffu;

    if (sgn && (a >> (w - 1)) & 1) {
        a = ~a;
    }
    for (int i = (int)w - 1; i >= 0; i--) {
        if ((a >> i) & 1) {
            d = (uint32_t)i;
            break;
        }
    }
    return shiftamt && d != 0xffffffffu ? w - 1 - d : d;
}

/* PTX ISA, "fns" */
static uint32_t ref_fns(uint32_t mask, uint32_t base, int32_t offset)
{
    int pos = (int)base, inc = offset > 0 ? 1 : -1;
    int count = (offset < 0 ? -offset : offset) - 1;

    if (offset == 0) {
        return (mask >> base) & 1 ? base : 0xffffffffu;
    }
    for (; pos >= 0 && pos < 32; pos += inc) {
        if ((mask >> pos) & 1) {
            if (count == 0) {
                return (uint32_t)pos;
            }
            count--;
        }
    }
    return 0xffffffffu;
}

/* PTX ISA, "bmsk" */
static uint32_t ref_bmsk(uint32_t a, uint32_t b, bool clamp)
{
    uint32_t a1 = a & 31, b1 = b & 31, sum = a1 + b1;
    uint32_t mask0 = ~0u << a1, mask1 = sum >= 32 ? 0 : ~0u << sum;
    bool over = sum >= 32;

    if (clamp && a >= 32) {
        over = true;
        mask0 = 0;
    }
    if (clamp && b >= 32) {
        over = true;
    }
    if (over) {
        mask1 = 0;
    } else if (b1 == 0) {
        mask1 = ~0u;
    }
    return mask0 & ~mask1;
}

/* PTX ISA, "szext" */
static uint32_t ref_szext(uint32_t a, uint32_t b, bool clamp, bool sgn)
{
    uint32_t b1 = b & 31;
    bool too_large = b >= 32 && clamp, sign_bit = false;
    uint32_t mask = too_large ? 0 : ~0u << b1;

    if (b1 != 0 && !too_large && sgn) {
        sign_bit = (a >> ((b1 - 1) & 31)) & 1;
    }
    return (a & ~mask) | (sign_bit ? mask : 0);
}

static int32_t part(uint32_t v, unsigned pos, unsigned bits, bool sgn)
{
    uint32_t x = (v >> pos) & ((1u << bits) - 1);

    if (sgn && (x >> (bits - 1))) {
        return (int32_t)(x | ~((1u << bits) - 1));
    }
    return (int32_t)x;
}

/* PTX ISA, "dp4a", "dp2a" */
static uint32_t ref_dp(uint32_t a, uint32_t b, uint32_t c, bool sa, bool sb,
                       int dp2hi)
{
    uint32_t r = c;

    for (unsigned k = 0; k < (dp2hi >= 0 ? 2u : 4u); k++) {
        int32_t x = dp2hi >= 0 ? part(a, 16 * k, 16, sa) : part(a, 8 * k, 8,
                                                                 sa);
        int32_t y = part(b, 8 * (k + (dp2hi > 0 ? 2 : 0)), 8, sb);

        r += (uint32_t)x * (uint32_t)y;
    }
    return r;
}

static void int_ref(uint32_t a, uint32_t b, uint32_t c, uint32_t r[NINT])
{
    uint64_t ab = (uint64_t)a << 32 | b, ca = (uint64_t)c << 32 | a;
    int64_t x = (int64_t)ab, y = (int64_t)ca;
    uint64_t sad64 = (x < y ? (uint64_t)y - (uint64_t)x
                            : (uint64_t)x - (uint64_t)y) + ab;
    bool p1 = c & 64, lt = (int32_t)a < (int32_t)b;
    uint32_t b63 = b & 63, c63 = c & 63;

    r[0] = c + (a < b ? b - a : a - b);
    r[1] = c + ((int32_t)a < (int32_t)b ? b - a : a - b);
    r[2] = ref_bfind(a, 32, false, false);
    r[3] = ref_bfind(a, 32, true, false);
    r[4] = ref_bfind(a, 32, false, true);
    r[5] = ref_bfind(a, 32, true, true);
    r[6] = ref_fns(a, b & 31, (int32_t)c63 - 32);
    r[7] = ref_bmsk(b63, c63, true);
    r[8] = ref_bmsk(b63, c63, false);
    r[9] = ref_szext(a, b63, true, false);
    r[10] = ref_szext(a, b63, true, true);
    r[11] = ref_szext(a, b63, false, false);
    r[12] = ref_szext(a, b63, false, true);
    r[13] = ref_dp(a, b, c, false, false, -1);
    r[14] = ref_dp(a, b, c, true, true, -1);
    r[15] = ref_dp(a, b, c, true, false, -1);
    r[16] = ref_dp(a, b, c, false, true, -1);
    r[17] = ref_dp(a, b, c, false, false, 0);
    r[18] = ref_dp(a, b, c, true, true, 1);
    r[19] = ref_dp(a, b, c, true, false, 0);
    r[20] = ref_dp(a, b, c, false, true, 1);
    r[21] = lt && p1 ? 0xffffffffu : 0;
    r[22] = a >= b || !p1 ? 0x3f800000u : 0;
    r[23] = (a != b) != p1 ? 0xffffffffu : 0;
    r[24] = ref_bfind(ab, 64, false, false);
    r[25] = ref_bfind(ab, 64, true, false);
    r[26] = ref_bfind(ab, 64, false, true);
    r[27] = ref_bfind(ab, 64, true, true);
    r[28] = (uint32_t)sad64;
    r[29] = (uint32_t)(sad64 >> 32);
    r[30] = 1;          /* fns 0xaaaaaaaa, 2, -1 */
    r[31] = 6;          /* bmsk.wrap 1, 2 */
    r[32] = ref_dp(a, a, a, true, true, -1);    /* d is a, b and c */
    r[33] = 0xffffffffu;
    r[34] = 3;
    r[35] = 3;
}

static const uint32_t int_edges[] = {
    0, 1, 2, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffeu, 0x80,
    0x7f, 0xff, 0x8080, 0x7f7f7f7f, 0x80808080u, 0x01ff7f80, 0x10000,
    0xaaaaaaaau, 0x55555555, 31, 32, 33, 63, 64, 0xc0000000u, 0x40000000,
};
#define NEDGE (sizeof(int_edges) / sizeof(int_edges[0]))

static void test_int_ops(void)
{
    enum { T = 256 };
    static uint32_t in[3 * T], out[NINT * T];
    int bad = 0;

    for (uint32_t t = 0; t < T; t++) {
        for (int k = 0; k < 3; k++) {
            uint32_t r = ptxr_rnd32();

            /* edge values, small shift counts and offsets, random */
            in[3 * t + k] = r % 3 == 0 ? int_edges[ptxr_rnd32() % NEDGE]
                            : r % 3 == 1 ? ptxr_rnd32() % 80 : ptxr_rnd32();
        }
    }
    in[0] = 0;          /* bfind of 0, sad of equal values */
    in[1] = 0;
    in[3] = 0xffffffffu;
    in[4] = 32;         /* szext / bmsk with 32 */
    in[5] = 32;         /* fns offset 0 */
    CU_ASSERT_EQUAL_FATAL(ptxr_run(int_ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t want[NINT];

        int_ref(in[3 * t], in[3 * t + 1], in[3 * t + 2], want);
        ptxr_check_u32("integer ops", t, &out[NINT * t], want, NINT, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the ISA's own examples */
    CU_ASSERT_EQUAL(ref_fns(0xaaaaaaaau, 3, 1), 3);
    CU_ASSERT_EQUAL(ref_fns(0xaaaaaaaau, 2, 1), 3);
    CU_ASSERT_EQUAL(ref_fns(0xaaaaaaaau, 2, -1), 1);
    CU_ASSERT_EQUAL(ref_bmsk(1, 2, false), 6);
    CU_ASSERT_EQUAL(ref_szext(0xffffffffu, 0, false, true), 0);
}

/* ==== carry chains ==== */

#define NCARRY 26

/* Thread t: x = in[8t .. 8t+3], y = in[8t+4 .. 8t+7] (128 bits each,
 * little-endian 32-bit limbs). */
static const char carry_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<80>;\n"
    ".reg .b64 %rd<32>;\n"
    PTXR_IN_AT(32)
    "ld.global.v4.u32 {%r2, %r3, %r4, %r5}, [%rd3];\n"
    "ld.global.v4.u32 {%r6, %r7, %r8, %r9}, [%rd3+16];\n"
    "mul.wide.u32 %rd4, %r1, 104;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    /* x + y, 32-bit limbs */
    "add.cc.u32 %r10, %r2, %r6;\n"
    "addc.cc.u32 %r11, %r3, %r7;\n"
    "addc.cc.s32 %r12, %r4, %r8;\n"
    "addc.u32 %r13, %r5, %r9;\n"
    /* x - y */
    "sub.cc.u32 %r14, %r2, %r6;\n"
    "subc.cc.u32 %r15, %r3, %r7;\n"
    "subc.cc.u32 %r16, %r4, %r8;\n"
    "subc.s32 %r17, %r5, %r9;\n"
    /* x + y and x - y, 64-bit limbs; the destination is a source */
    "mov.b64 %rd5, {%r2, %r3};\n"
    "mov.b64 %rd6, {%r4, %r5};\n"
    "mov.b64 %rd7, {%r6, %r7};\n"
    "mov.b64 %rd8, {%r8, %r9};\n"
    "mov.b64 %rd9, %rd5;\n"
    "mov.b64 %rd10, %rd6;\n"
    "add.cc.u64 %rd9, %rd9, %rd7;\n"
    "addc.u64 %rd10, %rd10, %rd8;\n"
    "sub.cc.s64 %rd11, %rd5, %rd7;\n"
    "subc.cc.u64 %rd12, %rd6, %rd8;\n"
    /* x0:x1 * y0:y1 (64 x 64 -> 128 bits) from 32-bit limbs */
    "mul.lo.u32 %r20, %r2, %r6;\n"
    "mul.hi.u32 %r21, %r2, %r6;\n"
    "mad.lo.cc.u32 %r21, %r2, %r7, %r21;\n"
    "madc.hi.u32 %r22, %r2, %r7, 0;\n"
    "mad.lo.cc.u32 %r21, %r3, %r6, %r21;\n"
    "madc.hi.cc.u32 %r22, %r3, %r6, %r22;\n"
    "madc.hi.u32 %r23, %r3, %r7, 0;\n"
    "mad.lo.cc.u32 %r22, %r3, %r7, %r22;\n"
    "addc.u32 %r23, %r23, 0;\n"
    /* x_lo * y_lo + x_hi (128 bits) from 64-bit halves */
    "mad.lo.cc.u64 %rd13, %rd5, %rd7, %rd6;\n"
    "madc.hi.u64 %rd14, %rd5, %rd7, 0;\n"
    /* a carry chain survives instructions that do not touch it */
    "add.cc.u32 %r24, %r2, %r6;\n"
    "mov.u32 %r26, 7;\n"
    "addc.u32 %r25, 0, 0;\n"
    "st.global.v4.u32 [%rd4], {%r10, %r11, %r12, %r13};\n"
    "st.global.v4.u32 [%rd4+16], {%r14, %r15, %r16, %r17};\n"
    "st.global.v2.u64 [%rd4+32], {%rd9, %rd10};\n"
    "st.global.v2.u64 [%rd4+48], {%rd11, %rd12};\n"
    "st.global.v4.u32 [%rd4+64], {%r20, %r21, %r22, %r23};\n"
    "st.global.v2.u64 [%rd4+80], {%rd13, %rd14};\n"
    "st.global.v2.u32 [%rd4+96], {%r24, %r25};\n"
    "ret;\n"
    "}\n";

static void put128(uint32_t *r, unsigned __int128 v)
{
    for (int k = 0; k < 4; k++) {
        r[k] = (uint32_t)(v >> (32 * k));
    }
}

static void test_carry(void)
{
    enum { T = 128 };
    static uint32_t in[8 * T], out[NCARRY * T];
    int bad = 0;

    for (uint32_t i = 0; i < 8 * T; i++) {
        uint32_t r = ptxr_rnd32();

        in[i] = r % 4 == 0 ? 0xffffffffu : r % 4 == 1 ? 0 : ptxr_rnd32();
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(carry_ptx, T, out, sizeof(out), in,
                              sizeof(in)), GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        const uint32_t *v = &in[8 * t];
        unsigned __int128 x = 0, y = 0;
        uint64_t x0, x1, y0;
        uint32_t want[NCARRY];

        for (int k = 3; k >= 0; k--) {
            x = x << 32 | v[k];
            y = y << 32 | v[4 + k];
        }
        x0 = (uint64_t)x;
        x1 = (uint64_t)(x >> 64);
        y0 = (uint64_t)y;
        put128(&want[0], x + y);
        put128(&want[4], x - y);
        put128(&want[8], x + y);
        /* sub.cc.s64 / subc.cc.u64: the same 128-bit difference */
        put128(&want[12], x - y);
        put128(&want[16], (unsigned __int128)x0 * y0);
        put128(&want[20], (unsigned __int128)x0 * y0 + x1);
        want[24] = v[0] + v[4];
        want[25] = want[24] < v[0];
        ptxr_check_u32("carry chains", t, &out[NCARRY * t], want, NCARRY, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ==== testp, copysign ==== */

static const char fclass_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<16>;\n"
    ".reg .f32 %f<4>;\n"
    ".reg .f64 %fd<4>;\n"
    ".reg .pred %p<16>;\n"
    PTXR_IN_AT(24)
    "ld.global.f32 %f1, [%rd3];\n"
    "ld.global.f32 %f2, [%rd3+4];\n"
    "ld.global.f64 %fd1, [%rd3+8];\n"
    "ld.global.f64 %fd2, [%rd3+16];\n"
    "mul.wide.u32 %rd4, %r1, 16;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    "testp.finite.f32 %p1, %f1;\n"
    "testp.infinite.f32 %p2, %f1;\n"
    "testp.number.f32 %p3, %f1;\n"
    "testp.notanumber.f32 %p4, %f1;\n"
    "testp.normal.f32 %p5, %f1;\n"
    "testp.subnormal.f32 %p6, %f1;\n"
    "testp.finite.f64 %p7, %fd1;\n"
    "testp.infinite.f64 %p8, %fd1;\n"
    "testp.number.f64 %p9, %fd1;\n"
    "testp.notanumber.f64 %p10, %fd1;\n"
    "testp.normal.f64 %p11, %fd1;\n"
    "testp.subnormal.f64 %p12, %fd1;\n"
    "selp.u32 %r2, 1, 0, %p1;\n"
    "selp.u32 %r3, 2, 0, %p2;\n"
    "selp.u32 %r4, 4, 0, %p3;\n"
    "selp.u32 %r5, 8, 0, %p4;\n"
    "selp.u32 %r6, 16, 0, %p5;\n"
    "selp.u32 %r7, 32, 0, %p6;\n"
    "selp.u32 %r8, 64, 0, %p7;\n"
    "selp.u32 %r9, 128, 0, %p8;\n"
    "selp.u32 %r10, 256, 0, %p9;\n"
    "selp.u32 %r11, 512, 0, %p10;\n"
    "selp.u32 %r12, 1024, 0, %p11;\n"
    "selp.u32 %r13, 2048, 0, %p12;\n"
    "or.b32 %r2, %r2, %r3;\n"
    "or.b32 %r2, %r2, %r4;\n"
    "or.b32 %r2, %r2, %r5;\n"
    "or.b32 %r2, %r2, %r6;\n"
    "or.b32 %r2, %r2, %r7;\n"
    "or.b32 %r2, %r2, %r8;\n"
    "or.b32 %r2, %r2, %r9;\n"
    "or.b32 %r2, %r2, %r10;\n"
    "or.b32 %r2, %r2, %r11;\n"
    "or.b32 %r2, %r2, %r12;\n"
    "or.b32 %r2, %r2, %r13;\n"
    "copysign.f32 %f3, %f2, %f1;\n"
    "copysign.f64 %fd3, %fd2, %fd1;\n"
    "st.global.u32 [%rd4], %r2;\n"
    "st.global.f32 [%rd4+4], %f3;\n"
    "st.global.f64 [%rd4+8], %fd3;\n"
    "ret;\n"
    "}\n";

static unsigned class_bits(int c, unsigned shift)
{
    unsigned r = 0;

    r |= c != FP_INFINITE && c != FP_NAN ? 1 : 0;
    r |= c == FP_INFINITE ? 2 : 0;
    r |= c != FP_NAN ? 4 : 0;
    r |= c == FP_NAN ? 8 : 0;
    r |= c == FP_NORMAL ? 16 : 0;
    r |= c == FP_SUBNORMAL ? 32 : 0;
    return r << shift;
}

static void test_fclass(void)
{
    static const float fv[] = {
        0.0f, -0.0f, 1.0f, -2.5f, INFINITY, -INFINITY, NAN, -NAN,
        1e-40f, -1e-45f, 1.17549435e-38f, 3.4028235e38f, 1e-39f, 7.0f,
        -1e-38f, 123.0f,
    };
    static const double dv[] = {
        0.0, -0.0, 1.0, -2.5, INFINITY, -INFINITY, NAN, -NAN,
        1e-310, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
        1e-40, 7.0, -1e-300, 123.0,
    };
    enum { T = 16 };
    struct {
        float a, b;
        double c, d;
    } in[T];
    struct {
        uint32_t bits;
        float f;
        double d;
    } out[T];

    _Static_assert(sizeof(in[0]) == 24 && sizeof(out[0]) == 16, "layout");
    for (int t = 0; t < T; t++) {
        in[t].a = fv[t];
        in[t].b = fv[(t + 3) % T];
        in[t].c = dv[t];
        in[t].d = dv[(t + 5) % T];
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(fclass_ptx, T, out, sizeof(out), in,
                              sizeof(in)), GV_ERR_NONE);
    for (int t = 0; t < T; t++) {
        unsigned want = class_bits(fpclassify(in[t].a), 0) |
                        class_bits(fpclassify(in[t].c), 6);
        /* copysign d, a, b: |b| with the sign of a (here a = b field) */
        float wf = copysignf(in[t].a, in[t].b);
        double wd = copysign(in[t].c, in[t].d);

        if (out[t].bits != want) {
            fprintf(stderr, "\n    testp %g / %g: %#x, expected %#x\n",
                    in[t].a, in[t].c, out[t].bits, want);
            CU_FAIL("testp");
        }
        CU_ASSERT(memcmp(&out[t].f, &wf, 4) == 0 ||
                  (isnan(wf) && isnan(out[t].f) &&
                   signbit(wf) == signbit(out[t].f)));
        CU_ASSERT(memcmp(&out[t].d, &wd, 8) == 0 ||
                  (isnan(wd) && isnan(out[t].d) &&
                   signbit(wd) == signbit(out[t].d)));
    }
}

/* ==== activemask in divergent code ==== */

/* Threads with tid % 5 == 4 exit; the others split three ways by
 * tid % 3 and record activemask in each branch. */
static const char amask_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<16>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .pred %p<4>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd2, %r1, 4;\n"
    "add.s64 %rd2, %rd1, %rd2;\n"
    "rem.u32 %r2, %r1, 5;\n"
    "setp.eq.u32 %p1, %r2, 4;\n"
    "@%p1 bra DONE;\n"
    "rem.u32 %r3, %r1, 3;\n"
    "setp.eq.u32 %p2, %r3, 0;\n"
    "@%p2 bra A;\n"
    "setp.eq.u32 %p3, %r3, 1;\n"
    "@%p3 bra B;\n"
    "activemask.b32 %r4;\n"
    "bra.uni J;\n"
    "A:\n"
    "activemask.b32 %r4;\n"
    "bra.uni J;\n"
    "B:\n"
    "activemask.b32 %r4;\n"
    "J:\n"
    "st.global.u32 [%rd2], %r4;\n"
    "DONE:\n"
    "ret;\n"
    "}\n";

static void test_activemask(void)
{
    enum { T = 80 };
    uint32_t out[T];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(amask_ptx, T, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t want = 0;

        for (uint32_t j = t & ~31u; j < (t | 31u) + 1 && j < T; j++) {
            if (j % 5 != 4 && j % 3 == t % 3) {
                want |= 1u << (j & 31);
            }
        }
        if (t % 5 == 4) {
            want = 0;
        }
        if (out[t] != want) {
            fprintf(stderr, "\n    thread %u: %#x, expected %#x\n", t, out[t],
                    want);
            CU_FAIL("activemask");
        }
    }
}

/* ==== shfl.sync with the predicate result d|p ==== */

/* Each thread: a = 7 * tid + 3, b and c from in[0], in[1]; the four
 * modes with d|p, and idx again with d the same register as b (p must
 * come from b's old value). out[9t ..]: d, p of up, down, bfly, idx,
 * then the aliased idx's p. */
static const char shflp_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<24>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .pred %p<8>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mad.lo.u32 %r2, %r1, 7, 3;\n"
    "ld.global.u32 %r3, [%rd2];\n"
    "ld.global.u32 %r4, [%rd2+4];\n"
    "shfl.sync.up.b32 %r10|%p1, %r2, %r3, %r4, -1;\n"
    "shfl.sync.down.b32 %r11|%p2, %r2, %r3, %r4, -1;\n"
    "shfl.sync.bfly.b32 %r12|%p3, %r2, %r3, %r4, -1;\n"
    "shfl.sync.idx.b32 %r13|%p4, %r2, %r3, %r4, -1;\n"
    "mov.u32 %r9, %r3;\n"
    "shfl.sync.idx.b32 %r9|%p5, %r2, %r9, %r4, -1;\n"
    "selp.u32 %r14, 1, 0, %p1;\n"
    "selp.u32 %r15, 1, 0, %p2;\n"
    "selp.u32 %r16, 1, 0, %p3;\n"
    "selp.u32 %r17, 1, 0, %p4;\n"
    "selp.u32 %r18, 1, 0, %p5;\n"
    "mul.wide.u32 %rd3, %r1, 40;\n"
    "add.s64 %rd4, %rd1, %rd3;\n"
    "st.global.v4.u32 [%rd4], {%r10, %r14, %r11, %r15};\n"
    "st.global.v4.u32 [%rd4+16], {%r12, %r16, %r13, %r17};\n"
    "st.global.v2.u32 [%rd4+32], {%r9, %r18};\n"
    "ret;\n"
    "}\n";

/* The PTX ISA's shfl.sync: the source lane j of lane @l and whether it
 * is in the segment. */
static bool shfl_ref(int mode, uint32_t l, uint32_t b, uint32_t c,
                     uint32_t *j)
{
    int32_t seg = (int32_t)(c >> 8 & 31), cv = (int32_t)(c & 31);
    int32_t bv = (int32_t)(b & 31), lane = (int32_t)l;
    int32_t maxl = (lane & seg) | (cv & ~seg), minl = lane & seg, src;
    bool ok;

    switch (mode) {
    case 0: src = lane - bv; ok = src >= maxl; break;
    case 1: src = lane + bv; ok = src <= maxl; break;
    case 2: src = lane ^ bv; ok = src <= maxl; break;
    default: src = minl | (bv & ~seg); ok = src <= maxl; break;
    }
    *j = ok ? (uint32_t)src : l;
    return ok;
}

static void test_shfl_pred(void)
{
    /* (b, c): whole warp, segments of 8 and 16 (c's clamp and mask as
     * __shfl_*_sync(width) make them), b over 31 */
    static const uint32_t bc[][2] = {
        { 1, 0 }, { 1, 31 }, { 5, 31 }, { 3, 0x1800 }, { 3, 0x181f },
        { 9, 0x101f }, { 33, 31 }, { 0, 0 }, { 31, 0x1f }, { 2, 0x1000 },
    };
    enum { T = 64 };
    uint32_t out[T * 10];

    for (size_t k = 0; k < sizeof(bc) / sizeof(bc[0]); k++) {
        CU_ASSERT_EQUAL_FATAL(ptxr_run(shflp_ptx, T, out, sizeof(out), bc[k],
                                       sizeof(bc[k])), GV_ERR_NONE);
        for (uint32_t t = 0; t < T; t++) {
            for (int m = 0; m < 5; m++) {
                uint32_t j, l = t & 31;
                bool ok = shfl_ref(m < 4 ? m : 3, l, bc[k][0], bc[k][1], &j);
                uint32_t want = 7 * ((t & ~31u) + j) + 3;

                if (out[t * 10 + 2 * m] != want ||
                    out[t * 10 + 2 * m + 1] != (uint32_t)ok) {
                    fprintf(stderr, "\n    b %u c %#x thread %u mode %d: "
                            "%u|%u, expected %u|%d\n", bc[k][0], bc[k][1],
                            t, m, out[t * 10 + 2 * m],
                            out[t * 10 + 2 * m + 1], want, ok);
                    CU_FAIL("shfl.sync d|p");
                    return;
                }
            }
        }
    }
}

/* ==== bar.red, barriers with a thread count ==== */

static const char bred_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<24>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .pred %p<12>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "ld.param.u64 %rd2, [k_in];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd3, %r1, 4;\n"
    "add.s64 %rd4, %rd2, %rd3;\n"
    "ld.global.u32 %r2, [%rd4];\n"
    "mul.wide.u32 %rd3, %r1, 32;\n"
    "add.s64 %rd5, %rd1, %rd3;\n"
    "and.b32 %r3, %r2, 1;\n"
    "setp.ne.u32 %p1, %r3, 0;\n"
    "bar.red.popc.u32 %r10, 0, %p1;\n"
    "bar.red.and.pred %p2, 0, %p1;\n"
    "bar.red.or.pred %p3, 1, %p1;\n"
    "selp.u32 %r11, 1, 0, %p2;\n"
    "selp.u32 %r12, 1, 0, %p3;\n"
    "mov.u32 %r17, %ntid.x;\n"
    "barrier.red.popc.aligned.u32 %r13, 2, %r17, !%p1;\n"
    "setp.lt.u32 %p4, %r1, 1000;\n"
    "bar.red.and.pred %p5, 0, %p4;\n"
    "selp.u32 %r14, 1, 0, %p5;\n"
    "bar.red.or.pred %p6, 0, !%p4;\n"
    "selp.u32 %r15, 1, 0, %p6;\n"
    "setp.lt.u32 %p7, %r1, 1;\n"
    "barrier.cta.red.or.pred %p8, 3, %p7;\n"
    "selp.u32 %r16, 1, 0, %p8;\n"
    "bar.sync 0, %r17;\n"
    "barrier.sync.aligned 1, 192;\n"
    "bar.red.popc.u32 %r18, 0, %p7;\n"
    "st.global.v4.u32 [%rd5], {%r10, %r11, %r12, %r13};\n"
    "st.global.v4.u32 [%rd5+16], {%r14, %r15, %r16, %r18};\n"
    "ret;\n"
    "}\n";

/* Producer and consumer warps (the PTX ISA's "bar" example): threads
 * 0-63 fill a shared buffer, bar.arrive 1 and wait at barrier 2; threads
 * 64-127 wait at barrier 1, read, bar.arrive 2; four rounds.  Then each
 * half reduces its own predicate on its own barrier (bar.red with a
 * count of 64). */
static const char pc_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<16>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .pred %p<4>;\n"
    ".shared .align 4 .b32 buf[64];\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd2, %r1, 4;\n"
    "add.s64 %rd3, %rd1, %rd2;\n"
    "and.b32 %r2, %r1, 63;\n"
    "mul.wide.u32 %rd4, %r2, 4;\n"
    "mov.u64 %rd5, buf;\n"
    "add.s64 %rd5, %rd5, %rd4;\n"
    "mov.u32 %r3, 0;\n"
    "mov.u32 %r4, 0;\n"
    "setp.lt.u32 %p1, %r1, 64;\n"
    "@!%p1 bra CONS;\n"
    "PROD:\n"
    "mad.lo.u32 %r5, %r3, 1000, %r2;\n"
    "st.shared.u32 [%rd5], %r5;\n"
    "bar.arrive 1, 128;\n"
    "bar.sync 2, 128;\n"
    "add.u32 %r3, %r3, 1;\n"
    "setp.lt.u32 %p2, %r3, 4;\n"
    "@%p2 bra PROD;\n"
    "and.b32 %r6, %r1, 3;\n"
    "setp.eq.u32 %p3, %r6, 0;\n"
    "bar.red.popc.u32 %r4, 4, 64, %p3;\n"
    "bra.uni DONE;\n"
    "CONS:\n"
    "bar.sync 1, 128;\n"
    "ld.shared.u32 %r5, [%rd5];\n"
    "add.u32 %r4, %r4, %r5;\n"
    "bar.arrive 2, 128;\n"
    "add.u32 %r3, %r3, 1;\n"
    "setp.lt.u32 %p2, %r3, 4;\n"
    "@%p2 bra CONS;\n"
    "setp.lt.u32 %p3, %r1, 70;\n"
    "bar.red.popc.u32 %r7, 5, 64, %p3;\n"
    "mad.lo.u32 %r4, %r7, 100000, %r4;\n"
    "DONE:\n"
    "st.global.u32 [%rd3], %r4;\n"
    "ret;\n"
    "}\n";

static void test_bar_red(void)
{
    enum { T = 192 };
    static uint32_t in[T], out[8 * T];
    uint32_t n = 0;
    int bad = 0;

    for (uint32_t t = 0; t < T; t++) {
        in[t] = ptxr_rnd32();
        n += in[t] & 1;
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(bred_ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        const uint32_t want[8] = { n, n == T, n > 0, T - n, 1, 0, 1, 1 };

        ptxr_check_u32("bar.red", t, &out[8 * t], want, 8, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(n > 0 && n < T);
    /* producers and consumers: each consumer summed the four rounds of
     * its slot; the producers' popc (tid % 4 == 0: 16 of 64), the
     * consumers' (tid < 70: 6 of 64) times 100000 */
    CU_ASSERT_EQUAL_FATAL(ptxr_run(pc_ptx, 128, out, 128 * 4, NULL, 0),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < 128; t++) {
        uint32_t want = t < 64 ? 16 : 600000 + 6000 + 4 * (t - 64);

        if (out[t] != want && bad++ < 8) {
            fprintf(stderr, "\n    producer/consumer thread %u: %u, "
                    "expected %u\n", t, out[t], want);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ==== float -> integer cvt: every edge ==== */

/* The kernel: thread t converts in[t] (f32 at +0, f64 at +8) into each
 * type with each rounding; result k (src * 32 + dtype * 4 + rnd) is a
 * .u64 at out[64t + k] (the converted bits, zero-extended). */
static char *cvt_ptx(void)
{
    struct ptxr_text text;

    ptxr_text_new(&text);
    ptxr_printf(&text, "%s",
                KHEAD "{\n"
                ".reg .b16 %rs<4>;\n.reg .b32 %r<8>;\n"
                ".reg .b64 %rd<16>;\n.reg .f32 %f<2>;\n"
                ".reg .f64 %fd<2>;\n"
                PTXR_IN_AT(16)
                "ld.global.f32 %f1, [%rd3];\n"
                "ld.global.f64 %fd1, [%rd3+8];\n"
                "mul.wide.u32 %rd4, %r1, 512;\n"
                "add.s64 %rd4, %rd1, %rd4;\n");
    ptxr_cvt_f2i(&text, "f32", "%f1", 0);
    ptxr_cvt_f2i(&text, "f64", "%fd1", 32);
    ptxr_printf(&text, "ret;\n}\n");
    return text.p;
}

static void test_cvt_edges(void)
{
    static const double vals[] = {
        NAN, -NAN, INFINITY, -INFINITY, 0.0, -0.0, 0.5, -0.5, 1.5, -1.5,
        2.5, -2.5, 0.49999997, -0.7, 1.9999, 127.0, 127.5, 128.0, -128.0,
        -128.5, -129.0, 255.0, 255.5, 256.0, 32767.5, -32768.5, 65535.4,
        65535.6, 65536.0, 2147483520.0, 2147483647.5, 2147483648.0,
        -2147483648.0, -2147483649.0, 4294967295.0, 4294967295.5,
        4294967296.0, 9.2233720368547748e18, 9.2233720368547758e18,
        -9.2233720368547758e18, -9.3e18, 1.8446744073709550e19,
        1.8446744073709552e19, 1e30, -1e30, 1e-40, -1e-300, 3.0e38,
        -3.0e38, 1e300, 4.5, -4.5, 5.5, 0.25, 100.75, -100.75, 1e10,
        -1e10, 6.02e23, 12345.5, -0.0000001, 1048575.5, 8388607.5,
        -8388608.5,
    };
    enum { T = sizeof(vals) / sizeof(vals[0]) };
    static struct {
        float f;
        uint32_t pad;
        double d;
    } in[T];
    static uint64_t out[64 * T];
    char *ptx = cvt_ptx();
    int bad = 0;

    for (int t = 0; t < T; t++) {
        in[t].f = (float)vals[t];
        in[t].d = vals[t];
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    free(ptx);
    for (int t = 0; t < T; t++) {
        for (int k = 0; k < 64; k++) {
            int src = k / 32, dt = (k / 4) % 8, r = k % 4;
            unsigned w = 8u << (dt & 3);
            uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
            double x = src ? in[t].d : (double)in[t].f;
            uint64_t want = ptxr_ref_f2i(x, src, r, dt);

            if ((out[64 * t + k] & mask) != want && bad++ < 10) {
                fprintf(stderr, "\n    cvt.%s.%s.%s(%.17g): %#llx, expected "
                        "%#llx\n", ptxr_irnds[r], ptxr_itypes[dt],
                        src ? "f64" : "f32", x,
                        (unsigned long long)(out[64 * t + k] & mask),
                        (unsigned long long)want);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the reference itself, by hand: NaN, saturation, -0.0, rounding */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(NAN, false, 1, 2), 0);              /* s32 */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(NAN, true, 1, 2), 0x80000000u);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(NAN, false, 1, 7), 1ull << 63);     /* u64 */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(NAN, true, 0, 4), 0x80);            /* u8 */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(1e10, false, 1, 2), 0x7fffffff);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(-INFINITY, false, 1, 5), 0);        /* u16 */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(-INFINITY, false, 1, 0), 0x80);     /* s8 */
    CU_ASSERT_EQUAL(ptxr_ref_f2i(300.7, false, 3, 4), 0xff);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(-0.0, false, 2, 3), 0);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(2.5, false, 0, 2), 2);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(-2.5, false, 2, 2), (uint32_t)-3);
    CU_ASSERT_EQUAL(ptxr_ref_f2i(-2.5, false, 3, 1), 0xfffe);        /* s16 */
}

/* ==== rounding modifiers on f32/f64 arithmetic ==== */

static const char *const rops[7] = {
    "add", "sub", "mul", "fma", "div", "rcp", "sqrt",
};

/* Thread t: a, b, c = in[t] (f32 at +0, +4, +8; f64 at +16, +24, +32);
 * result k = f64 * 28 + op * 4 + rnd at out[56t + k] (8 bytes each). */
static char *rnd_ptx(void)
{
    struct ptxr_text text;

    ptxr_text_new(&text);
    ptxr_printf(&text, "%s",
                KHEAD "{\n"
                ".reg .b32 %r<4>;\n.reg .b64 %rd<8>;\n"
                ".reg .f32 %f<8>;\n.reg .f64 %fd<8>;\n"
                PTXR_IN_AT(40)
                "ld.global.f32 %f1, [%rd3];\n"
                "ld.global.f32 %f2, [%rd3+4];\n"
                "ld.global.f32 %f3, [%rd3+8];\n"
                "ld.global.f64 %fd1, [%rd3+16];\n"
                "ld.global.f64 %fd2, [%rd3+24];\n"
                "ld.global.f64 %fd3, [%rd3+32];\n"
                "abs.f32 %f4, %f1;\n"
                "abs.f64 %fd4, %fd1;\n"
                "mul.wide.u32 %rd4, %r1, 448;\n"
                "add.s64 %rd4, %rd1, %rd4;\n");
    for (int w = 0; w < 2; w++) {
        const char *t = w ? "f64" : "f32", *r = w ? "%fd" : "%f";

        for (int op = 0; op < 7; op++) {
            for (int m = 0; m < 4; m++) {
                int k = w * 28 + op * 4 + m;

                ptxr_printf(&text, "%s.%s.%s %s5", rops[op], ptxr_frnds[m],
                            t, r);
                if (op < 3) {
                    ptxr_printf(&text, ", %s1, %s2", r, r);
                } else if (op == 3) {
                    ptxr_printf(&text, ", %s1, %s2, %s3", r, r, r);
                } else if (op == 4) {
                    ptxr_printf(&text, ", %s1, %s2", r, r);
                } else {
                    ptxr_printf(&text, ", %s%d", r, op == 5 ? 1 : 4);
                }
                ptxr_printf(&text, ";\nst.global.%s [%%rd4+%d], %s5;\n",
                            t, 8 * k, r);
            }
        }
    }
    ptxr_printf(&text, "ret;\n}\n");
    return text.p;
}

static const int fe_modes[4] = {
    FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
};

/* The host's operation in rounding mode @m (volatile keeps it between
 * the fesetround calls). */
static double ref_rnd(int op, int m, bool f64, double x, double y, double z)
{
    volatile double a = x, b = y, c = z, r = 0;
    volatile float fa = (float)x, fb = (float)y, fc = (float)z, fr = 0;
    int old = fegetround();

    fesetround(fe_modes[m]);
    if (f64) {
        switch (op) {
        case 0: r = a + b; break;
        case 1: r = a - b; break;
        case 2: r = a * b; break;
        case 3: r = fma(a, b, c); break;
        case 4: r = a / b; break;
        case 5: r = 1.0 / a; break;
        default: r = sqrt(fabs(a)); break;
        }
    } else {
        switch (op) {
        case 0: fr = fa + fb; break;
        case 1: fr = fa - fb; break;
        case 2: fr = fa * fb; break;
        case 3: fr = fmaf(fa, fb, fc); break;
        case 4: fr = fa / fb; break;
        case 5: fr = 1.0f / fa; break;
        default: fr = sqrtf(fabsf(fa)); break;
        }
        r = fr;
    }
    fesetround(old);
    return r;
}

static double rnd_value(void)
{
    switch (ptxr_rnd32() % 8) {
    case 0: return (double)(int32_t)ptxr_rnd32();
    case 1: return ldexp((double)ptxr_rnd32() + 1, -(int)(ptxr_rnd32() % 60));
    case 2: return -ldexp((double)ptxr_rnd32() * 3 + 1,
                          (int)(ptxr_rnd32() % 40));
    case 3: return 1.0 / 3.0;
    case 4: return ldexp(1.0, -130 + (int)(ptxr_rnd32() % 8));      /* tiny */
    case 5: return 3.0e38 * (ptxr_rnd32() & 1 ? 1 : -1);            /* huge */
    default: return ((double)ptxr_rnd32() / 4294967296.0 - 0.5) * 1e6;
    }
}

/* Is @b (f64 with @w, else f32) a NaN? */
static bool nan_bits(uint64_t b, bool w)
{
    if (w) {
        return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
               (b & 0xfffffffffffffull);
    }
    return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
}

static void test_rounding(void)
{
    enum { T = 256 };
    static struct {
        float f[3];
        uint32_t pad;
        double d[3];
    } in[T];
    static uint64_t out[56 * T];
    char *ptx = rnd_ptx();
    int bad = 0, differ = 0;

    _Static_assert(sizeof(in[0]) == 40, "layout");
    for (int t = 0; t < T; t++) {
        for (int k = 0; k < 3; k++) {
            double v = rnd_value();

            in[t].f[k] = (float)v;
            in[t].d[k] = v * (1.0 + ldexp((double)ptxr_rnd32(), -60));
        }
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    free(ptx);
    for (int t = 0; t < T; t++) {
        for (int k = 0; k < 56; k++) {
            int w = k / 28, op = (k % 28) / 4, m = k % 4;
            double want = w ? ref_rnd(op, m, true, in[t].d[0], in[t].d[1],
                                      in[t].d[2])
                            : ref_rnd(op, m, false, in[t].f[0], in[t].f[1],
                                      in[t].f[2]);
            uint64_t wb, gb = out[56 * t + k];
            float wf = (float)want;

            if (w) {
                memcpy(&wb, &want, 8);
            } else {
                uint32_t b32;

                memcpy(&b32, &wf, 4);
                wb = b32;
                gb &= 0xffffffffu;
            }
            if (gb != wb && !(isnan(want) && nan_bits(gb, w))) {
                if (bad++ < 8) {
                    fprintf(stderr, "\n    %s.%s.f%d thread %d: %#llx, "
                            "expected %#llx\n", rops[op], ptxr_frnds[m],
                            w ? 64 : 32, t, (unsigned long long)gb,
                            (unsigned long long)wb);
                }
            }
            if (m && gb != out[56 * t + k - m]) {
                differ++;
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* The modes matter for these inputs, except under valgrind: its
     * amd64 emulation rounds SSE arithmetic to nearest whatever MXCSR
     * says, for the engine and the reference alike (meson's valgrind
     * setup sets GV_UNDER_VALGRIND). */
    if (!getenv("GV_UNDER_VALGRIND")) {
        CU_ASSERT(differ > 1000);
    }
}

/* ==== errors ==== */

/* The kernel k's start, its registers declared: an instruction after it
 * stands on line 9. */
#define EHEAD KHEAD "{\n.reg .b32 %r<4>;\n.reg .b64 %rd<4>;\n.reg .pred %p1;\n"

static void test_errors(void)
{
    static const struct ptxr_err e[] = {
        { "sad.f32 %r1, %r2, %r3, %r1;", "sad.f32: sad needs an integer type" },
        { "bfind.b32 %r1, %r2;", "bfind needs" },
        { "fns.u32 %r1, %r2, 0, 1;", "fns needs .b32" },
        { "bmsk.b32 %r1, %r2, %r3;", "bmsk.b32: expected .clamp or .wrap" },
        { "szext.clamp.u64 %rd1, %rd2, %r3;", "szext needs .u32 or .s32" },
        { "dp4a.u32 %r1, %r2, %r3, %r1;", "needs the types of a and b" },
        { "dp2a.u32.u32 %r1, %r2, %r3, %r1;", "expected .lo or .hi" },
        { "addc.cc.u16 %r1, %r2, %r3;", "extended-precision arithmetic needs" },
        { "madc.u32 %r1, %r2, %r3, %r1;", "madc.u32: expected .lo or .hi" },
        { "set.lt.and.u64.u32 %rd1, %r2, %r3, %p1;", "the result of set is" },
        { "set.lt.and.u32.u32 %r1, %r2, %r3;", "expected 4 operands" },
        { "min.rz.f32 %r1, %r2, %r3;", "min has no directed rounding" },
        { "add.rm.s32 %r1, %r2, %r3;", "rounding .rm needs .f32 or .f64" },
        { "div.approx.rp.f32 %r1, %r2, %r3;",
          "a rounding mode and .approx exclude each other" },
        { "setp.lt.rz.f32 %p1, %r2, %r3;", "a comparison has no rounding" },
        { "bar.arrive 1;",
          "bar.arrive: bar.arrive needs a barrier number and a thread count" },
        { "bar.red.popc.pred %p1, 0, %p1;", "bar.red.popc needs .u32" },
        { "bar.red.and.u32 %r1, 0, %p1;", "bar.red.and needs .pred" },
        { "bar.red.popc.u32 %r1, 16, %p1;", "expected a barrier number 0..15" },
    };

    ptxr_expect_errs(EHEAD, 9, e, sizeof(e) / sizeof(e[0]));
}

/* Every fence and membar scope, and atomics of every scope (system and
 * cluster act as gpu): they translate, and the kernel runs. */
static const char fence_ptx[] =
    ".version 8.0\n.target sm_90\n.address_size 64\n"
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"
    "{\n"
    ".reg .b32 %r<4>;\n"
    ".reg .b64 %rd<4>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "membar.cta;\nmembar.gl;\nmembar.sys;\n"
    "fence.sc.cta;\nfence.acq_rel.gpu;\nfence.sc.sys;\n"
    "fence.acq_rel.cluster;\nfence.proxy.alias;\nfence.proxy.async;\n"
    "fence.proxy.async.global;\nfence.proxy.async.shared::cta;\n"
    "fence.mbarrier_init.release.cluster;\n"
    "atom.relaxed.sys.global.add.u32 %r1, [%rd1], 1;\n"
    "atom.acquire.cluster.global.add.u32 %r1, [%rd1], 1;\n"
    "atom.acq_rel.gpu.global.exch.b64 %rd2, [%rd1+8], 5;\n"
    "red.release.sys.global.add.u64 [%rd1+8], 2;\n"
    "atom.global.cas.b64 %rd3, [%rd1+8], 7, 9;\n"
    "atom.global.and.b64 %rd3, [%rd1+8], 12;\n"
    "ret;\n"
    "}\n";

static void test_fences(void)
{
    uint64_t out[2];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(fence_ptx, 1, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    CU_ASSERT_EQUAL(out[0], 2);
    CU_ASSERT_EQUAL(out[1], 8);         /* 5 + 2, cas to 9, & 12 */
}

/* ==== bfe.u32 with register position and length (the engine's
 * vectorised BFE_U32: every position and length, 0..255 and beyond) ==== */

static const char bfe_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<8>;\n"
    ".reg .b64 %rd<8>;\n"
    PTXR_IN_AT(12)
    "ld.global.u32 %r2, [%rd3];\n"
    "ld.global.u32 %r3, [%rd3+4];\n"
    "ld.global.u32 %r4, [%rd3+8];\n"
    "bfe.u32 %r5, %r2, %r3, %r4;\n"
    "mul.wide.u32 %rd4, %r1, 4;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    "st.global.u32 [%rd4], %r5;\n"
    "ret;\n"
    "}\n";

/* PTX ISA, bfe: bit i of d is bit pos + i of a while i < len and
 * pos + i <= 31 (pos and len are b and c & 0xff), else 0 (unsigned). */
static uint32_t ref_bfe_u32(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t pos = b & 0xff, len = c & 0xff, d = 0;

    for (uint32_t i = 0; i < 32; i++) {
        if (i < len && pos + i <= 31 && (a >> (pos + i) & 1)) {
            d |= 1u << i;
        }
    }
    return d;
}

static void test_bfe(void)
{
    enum { T = 1024 };
    static uint32_t in[3 * T], out[T];
    int bad = 0;

    for (uint32_t t = 0; t < T; t++) {
        in[3 * t] = ptxr_rnd32() | 0x80000001u;
        /* positions and lengths around 0, 31, 32 and 255, bits above */
        in[3 * t + 1] = t < 34 * 8 ? t / 8 + (t % 8 == 7 ? 0x100 : 0)
                        : ptxr_rnd32() % 3 ? ptxr_rnd32() % 40
                        : ptxr_rnd32();
        in[3 * t + 2] = t < 34 * 8 ? (t % 8) * 5 : ptxr_rnd32() % 3
                        ? ptxr_rnd32() % 40 : ptxr_rnd32();
    }
    in[3 * 1000 + 1] = 255;
    in[3 * 1000 + 2] = 255;
    in[3 * 1001 + 1] = 0;
    in[3 * 1001 + 2] = 255;
    CU_ASSERT_EQUAL_FATAL(ptxr_run(bfe_ptx, T, out, sizeof(out), in,
                                   sizeof(in)), GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t want = ref_bfe_u32(in[3 * t], in[3 * t + 1], in[3 * t + 2]);

        ptxr_check_u32("bfe.u32", t, &out[t], &want, 1, &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ==== register slots (ptx/gv_ptx_regs.c): registers share slots only
 * where their live ranges allow ==== */

/* out[t] = { r5, r7, r15-sum, r20 } with odd threads taking no guarded
 * def and no write of r7.  Temporaries die before each of them, so a
 * wrong live range gives them a used slot: a non-zero value. */
static const char regs_ptx[] =
    KHEAD
    "{\n"
    ".reg .b32 %r<40>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .pred %p<4>;\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.wide.u32 %rd2, %r1, 16;\n"
    "add.s64 %rd2, %rd1, %rd2;\n"
    "and.b32 %r30, %r1, 1;\n"
    "setp.eq.u32 %p1, %r30, 0;\n"
    /* temporaries that die here */
    "add.u32 %r2, %r1, 0x1234;\n"
    "add.u32 %r3, %r2, 0x5678;\n"
    "xor.b32 %r4, %r3, 0x9abc;\n"
    "st.global.u32 [%rd2+12], %r4;\n"
    /* a guarded def: odd lanes keep the register's initial 0 */
    "@%p1 mov.u32 %r5, 7;\n"
    /* a write on one path only: odd lanes read the initial 0 */
    "add.u32 %r8, %r1, 0x4321;\n"
    "xor.b32 %r9, %r8, 0x1111;\n"
    "st.global.u32 [%rd2+12], %r9;\n"
    "@!%p1 bra SKIP;\n"
    "mov.u32 %r7, 9;\n"
    "SKIP:\n"
    /* a register read on the fall-through path only, never written:
     * live from the entry, so odd lanes read 0 (r24 too on even lanes) */
    "add.u32 %r10, %r1, 0x2468;\n"
    "xor.b32 %r11, %r10, 0x1357;\n"
    "st.global.u32 [%rd2+12], %r11;\n"
    "@%p1 bra SKIP2;\n"
    "mov.u32 %r24, %r22;\n"
    "SKIP2:\n"
    "add.u32 %r7, %r7, %r24;\n"
    "@%p1 add.u32 %r7, %r7, 0;\n"     /* p1 lives on: no slot for r22 */
    /* a register defined before a loop, read only at the loop's top */
    "mov.u32 %r15, 3;\n"
    "mov.u32 %r16, 0;\n"
    "mov.u32 %r17, 0;\n"
    "LOOP:\n"
    "add.u32 %r16, %r16, %r15;\n"
    "add.u32 %r18, %r17, 0x7777;\n"
    "xor.b32 %r19, %r18, %r16;\n"
    "st.global.u32 [%rd2+12], %r19;\n"
    "add.u32 %r17, %r17, 1;\n"
    "setp.lt.u32 %p2, %r17, 4;\n"
    "@%p2 bra LOOP;\n"
    /* shfl's destination is never a slot its sources die in */
    "add.u32 %r21, %r1, 100;\n"
    "shfl.sync.bfly.b32 %r20, %r21, 1, 31, -1;\n"
    "st.global.v4.u32 [%rd2], {%r5, %r7, %r16, %r20};\n"
    "ret;\n"
    "}\n";

static void test_regs(void)
{
    enum { T = 64 };
    static uint32_t out[4 * T];
    const struct gv_isa_module *h;
    const struct gv_isa_func *f;
    size_t len;
    uint8_t *img = ptxr_translate(regs_ptx, &len);
    int bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    h = (const struct gv_isa_module *)img;
    f = (const struct gv_isa_func *)(img + h->funcs_off);
    /* 50 PTX registers, far fewer live at once */
    CU_ASSERT(f->nregs < 24);
    free(img);
    CU_ASSERT_EQUAL_FATAL(ptxr_run(regs_ptx, T, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t want[4] = { t & 1 ? 0 : 7, t & 1 ? 0 : 9, 12,
                             (t ^ 1) + 100 };

        ptxr_check_u32("register slots", t, &out[4 * t], want, 3, &bad);
        ptxr_check_u32("register slots (shfl)", t, &out[4 * t + 3], &want[3], 1,
                  &bad);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test translate[] = {
        { "errors name the line and construct", test_errors },
        { NULL, NULL },
    };
    static const struct gv_cunit_test exec[] = {
        { "sad bfind fns bmsk szext dp4a dp2a set.bool", test_int_ops },
        { "carry chains (.cc, addc, subc, madc)", test_carry },
        { "testp and copysign", test_fclass },
        { "activemask in divergent code", test_activemask },
        { "shfl.sync d|p: the predicate of every mode", test_shfl_pred },
        { "bar.red, bar.arrive, barriers with a count", test_bar_red },
        { ".rn .rz .rm .rp on f32/f64 arithmetic", test_rounding },
        { "fences and atomics of every scope", test_fences },
        { "bfe.u32 with register position and length", test_bfe },
        { "register slots shared only where live ranges allow", test_regs },
        { "float -> integer cvt: NaN, inf, range, rounding",
          test_cvt_edges },
        { NULL, NULL },
    };

    return ptxr_add_suites("ptx-ops", translate, exec);
}
