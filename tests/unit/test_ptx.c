/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the PTX translator (ptx/, docs/ptx.md), the program
 * test-ptx; its helpers are in test_ptx_util.c (test_ptx.h).  This file:
 *
 *  - per construct: small PTX kernels are translated, the image is checked
 *    by gv_isa_check() and the engine's gv_compute_check_module(), and the
 *    instructions are inspected (op, type, modifiers, guard, constants,
 *    parameter table, shared/local sizes, data image, branch targets).
 *    The checks follow values through MOV/ADD/SUB/MADDR chains rather than
 *    expecting exact instruction sequences where the expansion is free.
 *
 * test_ptx_errors.c: errors, the build's kernels, fuzz; test_ptx_exec.c:
 * constructs run on the compute engine.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "test_ptx.h"

/* ==== per construct ==== */

/* Parameters: natural alignment, .align, the table, LD PARAM addresses. */
static void test_params(void)
{
    struct mod m;
    static const uint32_t want_off[] = { 0, 8, 16, 36, 38, 40 };
    static const uint32_t want_size[] = { 8, 4, 20, 1, 2, 8 };
    static const struct { uint32_t a; uint8_t t; } lds[] = {
        { 0, GV_T_U64 }, { 8, GV_T_U32 }, { 20, GV_T_U32 }, { 36, GV_T_U8 },
        { 38, GV_T_U16 }, { 40, GV_T_F64 }, { 17, GV_T_U8 },
    };
    int at = 0;

    if (!load(&m, "",
              ".param .u64 k_a, .param .u32 k_b, .param .align 16 .b8 k_c[20], "
              ".param .u8 k_d, .param .u16 k_f, .param .f64 k_e",
              "ld.param.u64 %rd1, [k_a];\n"
              "ld.param.u32 %r1, [k_b];\n"
              "ld.param.u32 %r2, [k_c+4];\n"
              "ld.param.u8 %rs1, [k_d];\n"
              "ld.param.u16 %rs2, [k_f];\n"
              "ld.param.f64 %fd1, [k_e];\n"
              "ld.param.u8 %rs3, [k_c+1];\n"
              "ret;")) {
        return;
    }
    CU_ASSERT_EQUAL(m.h.nfuncs, 1);
    CU_ASSERT_EQUAL(m.f.flags, GV_FUNC_ENTRY);
    CU_ASSERT_EQUAL(m.f.nparams, 6);
    CU_ASSERT_EQUAL(m.f.param_size, 48);
    for (uint32_t i = 0; i < 6 && i < m.f.nparams; i++) {
        CU_ASSERT_EQUAL(m.par[i].offset, want_off[i]);
        CU_ASSERT_EQUAL(m.par[i].size, want_size[i]);
    }
    for (size_t i = 0; i < sizeof(lds) / sizeof(lds[0]); i++) {
        at = find(&m, GV_I_LD, at);
        CU_ASSERT_FATAL(at >= 0);
        CU_ASSERT_EQUAL(m.in[at].mod, GV_SPACE_PARAM);
        CU_ASSERT_EQUAL(m.in[at].type, lds[i].t);
        CU_ASSERT_EQUAL(kaddr(&m, at, V_CONST), lds[i].a);
        at++;
    }
    CU_ASSERT_EQUAL(m.in[m.n - 1].op, GV_I_EXIT);
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "k"), 0);
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "nope"), -1);
    mod_free(&m);

    /* no parameters; a trailing narrow parameter */
    if (load(&m, "", "", "ret;")) {
        CU_ASSERT_EQUAL(m.f.nparams, 0);
        CU_ASSERT_EQUAL(m.f.param_size, 0);
        check_ends(&m);
        mod_free(&m);
    }
    if (load(&m, "", ".param .u64 k_a, .param .u32 k_b, .param .u8 k_c",
             "ld.param.u8 %rs1, [k_c];\nret;")) {
        CU_ASSERT_EQUAL(m.f.nparams, 3);
        CU_ASSERT_EQUAL(m.par[2].offset, 12);
        CU_ASSERT_EQUAL(m.par[2].size, 1);
        CU_ASSERT(m.f.param_size >= 13 && m.f.param_size <= 16);
        mod_free(&m);
    }
}

/* Several entries, .reqntid / .maxntid. */
static void test_entries(void)
{
    struct mod m;
    const char *ptx =
        ".version 7.0\n.target sm_70\n.address_size 64\n"
        ".visible .entry first(.param .u32 a) .reqntid 64, 2, 1\n"
        "{\n.reg .b32 %r<2>;\nld.param.u32 %r1, [a];\nret;\n}\n"
        ".visible .entry second(.param .u64 a, .param .u64 b) .maxntid 256\n"
        "{\n.reg .b64 %rd<3>;\nld.param.u64 %rd1, [b];\nexit;\n}\n"
        ".entry third()\n{\nret;\n}\n";

    if (!mod_load(&m, ptx)) {
        return;
    }
    CU_ASSERT_EQUAL(m.h.nfuncs, 3);
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "first"), 0);
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "second"), 1);
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "third"), 2);
    CU_ASSERT_EQUAL(m.f.reqntid[0], 64);
    CU_ASSERT_EQUAL(m.f.reqntid[1], 2);
    CU_ASSERT_EQUAL(m.f.reqntid[2], 1);
    CU_ASSERT_EQUAL(m.f.param_size, 4);
    check_ends(&m);
    mod_select(&m, 1);
    CU_ASSERT_EQUAL(m.f.nparams, 2);
    CU_ASSERT_EQUAL(m.f.param_size, 16);
    CU_ASSERT_EQUAL(m.par[1].offset, 8);
    CU_ASSERT_EQUAL(kaddr(&m, find(&m, GV_I_LD, 0), V_CONST), 8);
    /* .maxntid is an upper bound, not an exact size: not a reqntid */
    check_ends(&m);
    mod_select(&m, 2);
    CU_ASSERT_EQUAL(m.f.nparams, 0);
    CU_ASSERT_EQUAL(m.f.reqntid[0], 0);
    check_ends(&m);
    mod_free(&m);
}

/* Integer arithmetic: ops, types, constants, modifiers, data flow. */
static void test_int_arith(void)
{
    struct mod m;
    int ld, i;

    if (!load(&m, "", ".param .u32 k_a",
              "ld.param.u32 %r1, [k_a];\n"
              "add.s32 %r2, %r1, 5;\n"
              "sub.u32 %r3, %r2, %r1;\n"
              "mul.lo.s32 %r4, %r3, -3;\n"
              "mul.hi.u32 %r5, %r4, %r1;\n"
              "mul.wide.s32 %rd1, %r4, 4;\n"
              "mad.lo.s32 %r6, %r4, %r5, %r1;\n"
              "mad.wide.u32 %rd2, %r1, %r5, %rd1;\n"
              "add.sat.s32 %r7, %r6, %r1;\n"
              "div.s32 %r8, %r7, %r1;\n"
              "rem.u32 %r9, %r8, 7;\n"
              "and.b32 %r10, %r9, 255;\n"
              "shl.b32 %r11, %r10, 3;\n"
              "shr.s32 %r12, %r11, 1;\n"
              "shr.u64 %rd3, %rd2, 7;\n"
              "mad.hi.u32 %r13, %r12, %r1, %r2;\n"
              "sub.s64 %rd4, %rd3, %rd1;\n"
              "or.b64 %rd5, %rd4, 0x100000000;\n"
              "xor.b32 %r14, %r13, -1;\n"
              "not.b32 %r15, %r14;\n"
              "neg.s32 %r16, %r15;\n"
              "abs.s32 %r17, %r16;\n"
              "min.u32 %r18, %r17, %r1;\n"
              "max.s64 %rd6, %rd5, %rd4;\n"
              "cnot.b32 %r19, %r18;\n"
              "add.u16 %rs1, %rs2, 1;\n"
              "mul.lo.u64 %rd7, %rd6, 3;\n"
              "div.u64 %rd8, %rd7, %rd6;\n"
              "rem.s64 %rd9, %rd8, -2;\n"
              "ret;")) {
        return;
    }
    ld = find(&m, GV_I_LD, 0);
    CU_ASSERT_FATAL(ld >= 0);
    i = find_t(&m, GV_I_ADD, GV_T_S32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 5);
    CU_ASSERT_EQUAL(m.in[i].mod, 0);
    CU_ASSERT(flows(&m, ld, i, m.in[i].a));
    i = find_t(&m, GV_I_SUB, GV_T_U32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT(flows(&m, ld, i, m.in[i].b));
    i = find_t(&m, GV_I_MUL, GV_T_S32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL((uint32_t)kv(&m, m.in[i].b), 0xfffffffdu);
    CU_ASSERT(find_t(&m, GV_I_MULHI, GV_T_U32, 0) >= 0);
    i = find_t(&m, GV_I_MULWIDE, GV_T_S32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 4);
    CU_ASSERT(find_t(&m, GV_I_MAD, GV_T_S32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MADWIDE, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_ADD, GV_T_S32, GV_M_SAT, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_DIV, GV_T_S32, 0) >= 0);
    i = find_t(&m, GV_I_REM, GV_T_U32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 7);
    i = find(&m, GV_I_AND, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].type, GV_T_U32);            /* .b32 is u32 */
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 255);
    CU_ASSERT(find_t(&m, GV_I_SHL, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_SHR, GV_T_S32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_SHR, GV_T_U64, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MADHI, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_SUB, GV_T_S64, 0) >= 0);
    i = find_t(&m, GV_I_OR, GV_T_U64, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 0x100000000ull);
    i = find_t(&m, GV_I_XOR, GV_T_U32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL((uint32_t)kv(&m, m.in[i].b), 0xffffffffu);
    CU_ASSERT(find_t(&m, GV_I_NOT, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_NEG, GV_T_S32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_ABS, GV_T_S32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MIN, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MAX, GV_T_S64, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_CNOT, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_ADD, GV_T_U16, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MUL, GV_T_U64, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_DIV, GV_T_U64, 0) >= 0);
    i = find_t(&m, GV_I_REM, GV_T_S64, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), (uint64_t)-2);
    /* the d of one instruction is the a of the next: slots are per PTX
     * register, and constants are never destinations */
    for (i = 0; i < m.n; i++) {
        if (writes(&m.in[i])) {
            CU_ASSERT(m.in[i].d < m.f.nregs);
        }
    }
    check_ends(&m);
    mod_free(&m);
}

/* Bit manipulation. */
static void test_bits(void)
{
    struct mod m;
    int i;

    if (!load(&m, "", ".param .u32 k_a",
              "ld.param.u32 %r1, [k_a];\n"
              "popc.b32 %r2, %r1;\n"
              "clz.b64 %r3, %rd1;\n"
              "brev.b32 %r4, %r1;\n"
              "bfe.u32 %r5, %r1, 4, 8;\n"
              "bfe.s64 %rd2, %rd1, %r1, 3;\n"
              "bfi.b32 %r6, %r1, %r2, 8, 4;\n"
              "prmt.b32 %r7, %r1, %r2, 0x3210;\n"
              "prmt.b32.f4e %r8, %r1, %r2, %r3;\n"
              "shf.r.wrap.b32 %r9, %r1, %r2, %r3;\n"
              "shf.l.clamp.b32 %r10, %r1, %r2, 5;\n"
              "copysign.f32 %f1, %f2, %f3;\n"
              "testp.finite.f32 %p1, %f1;\n"
              "testp.notanumber.f64 %p2, %fd1;\n"
              "ret;")) {
        return;
    }
    CU_ASSERT(find_t(&m, GV_I_POPC, GV_T_U32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_CLZ, GV_T_U64, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_BREV, GV_T_U32, 0) >= 0);
    i = find_t(&m, GV_I_BFE, GV_T_U32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 4);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 8);
    CU_ASSERT(find_t(&m, GV_I_BFE, GV_T_S64, 0) >= 0);
    i = find_t(&m, GV_I_BFI, GV_T_U32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 8);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].e), 4);
    CU_ASSERT(!is_k(m.in[i].a) && !is_k(m.in[i].b));
    i = find_tm(&m, GV_I_PRMT, GV_T_U32, GV_PRMT_DEFAULT, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 0x3210);
    CU_ASSERT(find_tm(&m, GV_I_PRMT, GV_T_U32, GV_PRMT_F4E, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_SHF, GV_T_U32, GV_SHF_R | GV_SHF_WRAP, 0) >=
              0);
    i = find_tm(&m, GV_I_SHF, GV_T_U32, 0, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 5);
    CU_ASSERT(find_t(&m, GV_I_COPYSIGN, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_TESTP, GV_T_F32, GV_TESTP_FINITE, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_TESTP, GV_T_F64, GV_TESTP_NOTANUMBER, 0) >=
              0);
    mod_free(&m);
}

/* Floating point: immediates, rounding/ftz/sat modifiers, math. */
static void test_float(void)
{
    struct mod m;
    int i;

    if (!load(&m, "", ".param .f32 k_a",
              "ld.param.f32 %f1, [k_a];\n"
              "add.f32 %f2, %f1, 0f3F800000;\n"
              "mul.rn.f32 %f3, %f2, 0fC0000000;\n"
              "fma.rn.f32 %f4, %f3, %f2, %f1;\n"
              "div.rn.f32 %f5, %f4, %f3;\n"
              "div.approx.f32 %f6, %f5, %f3;\n"
              "add.ftz.f32 %f7, %f6, %f1;\n"
              "add.sat.f32 %f8, %f7, %f1;\n"
              "sqrt.rn.f32 %f9, %f8;\n"
              "rsqrt.approx.f32 %f10, %f9;\n"
              "rcp.rn.f32 %f11, %f10;\n"
              "ex2.approx.ftz.f32 %f12, %f11;\n"
              "lg2.approx.f32 %f13, %f12;\n"
              "sin.approx.f32 %f14, %f13;\n"
              "cos.approx.f32 %f15, %f14;\n"
              "abs.f32 %f16, %f15;\n"
              "neg.f32 %f17, %f16;\n"
              "min.f32 %f18, %f17, %f1;\n"
              "max.f32 %f19, %f18, %f1;\n"
              "cvt.f64.f32 %fd1, %f19;\n"
              "add.f64 %fd2, %fd1, 0d4000000000000000;\n"
              "fma.rn.f64 %fd3, %fd2, %fd1, %fd2;\n"
              "sub.rn.f64 %fd4, %fd3, 0d3FF8000000000000;\n"
              "tanh.approx.f32 %f0, %f1;\n"
              "ret;")) {
        return;
    }
    i = find_t(&m, GV_I_ADD, GV_T_F32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b) & 0xffffffffu, 0x3f800000u);
    CU_ASSERT_EQUAL(m.in[i].mod, 0);
    i = find_t(&m, GV_I_MUL, GV_T_F32, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b) & 0xffffffffu, 0xc0000000u);
    CU_ASSERT(find_t(&m, GV_I_FMA, GV_T_F32, 0) >= 0);
    i = find_t(&m, GV_I_DIV, GV_T_F32, 0);
    CU_ASSERT(i >= 0 && find_t(&m, GV_I_DIV, GV_T_F32, i + 1) > i);
    CU_ASSERT(find_tm(&m, GV_I_ADD, GV_T_F32, GV_M_FTZ, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_ADD, GV_T_F32, GV_M_SAT, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_SQRT, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_RSQRT, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_RCP, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_EX2, GV_T_F32, GV_M_FTZ, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_LG2, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_SIN, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_COS, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_TANH, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_ABS, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_NEG, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MIN, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_MAX, GV_T_F32, 0) >= 0);
    i = find_t(&m, GV_I_CVT, GV_T_F64, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].e & 0xff, GV_T_F32);
    i = find_t(&m, GV_I_ADD, GV_T_F64, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 0x4000000000000000ull);
    CU_ASSERT(find_t(&m, GV_I_FMA, GV_T_F64, 0) >= 0);
    i = find_t(&m, GV_I_SUB, GV_T_F64, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 0x3ff8000000000000ull);
    mod_free(&m);
}

/* cvt: destination/source types, rounding field, .sat, .ftz. */
static void test_cvt(void)
{
    static const struct {
        uint8_t dt, st, rnd, mod;
    } want[] = {
        { GV_T_F32, GV_T_S32, GV_RND_RN, 0 },
        { GV_T_S32, GV_T_F32, GV_RND_RZI, 0 },
        { GV_T_F32, GV_T_F32, GV_RND_RMI, 0 },
        { GV_T_F32, GV_T_F64, GV_RND_RN, 0 },
        { GV_T_F64, GV_T_F32, GV_RND_NONE, 0 },
        { GV_T_U32, GV_T_F64, GV_RND_RPI, GV_M_SAT },
        { GV_T_F16, GV_T_F32, GV_RND_RN, 0 },
        { GV_T_F32, GV_T_F16, GV_RND_NONE, 0 },
        { GV_T_F32, GV_T_F32, GV_RND_RPI, GV_M_FTZ },
        { GV_T_S64, GV_T_F64, GV_RND_RNI, 0 },
        { GV_T_F64, GV_T_U64, GV_RND_RZ, 0 },
        { GV_T_F32, GV_T_U32, GV_RND_RM, 0 },
        { GV_T_F32, GV_T_F32, GV_RND_NONE, GV_M_SAT },
        { GV_T_U8, GV_T_S32, GV_RND_NONE, GV_M_SAT },
    };
    struct mod m;
    int at = 0;

    if (!load(&m, "", "",
              "cvt.rn.f32.s32 %f1, %r1;\n"
              "cvt.rzi.s32.f32 %r2, %f1;\n"
              "cvt.rmi.f32.f32 %f2, %f1;\n"
              "cvt.rn.f32.f64 %f3, %fd1;\n"
              "cvt.f64.f32 %fd2, %f3;\n"
              "cvt.rpi.sat.u32.f64 %r3, %fd2;\n"
              "cvt.rn.f16.f32 %rs1, %f3;\n"
              "cvt.f32.f16 %f4, %rs1;\n"
              "cvt.rpi.ftz.f32.f32 %f5, %f4;\n"
              "cvt.rni.s64.f64 %rd1, %fd2;\n"
              "cvt.rz.f64.u64 %fd3, %rd1;\n"
              "cvt.rm.f32.u32 %f6, %r3;\n"
              "cvt.sat.f32.f32 %f7, %f6;\n"
              "cvt.sat.u8.s32 %rs2, %r2;\n"
              "cvt.u64.u32 %rd2, %r3;\n"
              "cvt.s64.s32 %rd3, %r2;\n"
              "cvt.u32.u64 %r4, %rd3;\n"
              "ret;")) {
        return;
    }
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        at = find(&m, GV_I_CVT, at);
        CU_ASSERT_FATAL(at >= 0);
        if (m.in[at].type != want[w].dt || (m.in[at].e & 0xff) != want[w].st ||
            ((m.in[at].e >> 8) & 0xf) != want[w].rnd ||
            m.in[at].mod != want[w].mod) {
            fprintf(stderr, "\n    cvt #%zu: type %u src %u rnd %u mod 0x%x\n",
                    w, m.in[at].type, m.in[at].e & 0xff,
                    (m.in[at].e >> 8) & 0xf, m.in[at].mod);
            CU_FAIL("cvt fields");
        }
        at++;
    }
    /* integer widening/narrowing: a CVT, or a MOV where the register
     * convention makes it one; cvt.s64.s32 must sign-extend: a CVT */
    CU_ASSERT(find_t(&m, GV_I_CVT, GV_T_S64, at) >= 0 ||
              find_t(&m, GV_I_CVT, GV_T_U64, at) >= 0);
    mod_free(&m);
}

/* setp (every comparison, .and/.or with !c, p|q), selp, set, pred ops. */
static void test_setp(void)
{
    struct mod m;
    int i, j, s1;

    if (!load(&m, "", "",
              "setp.lt.s32 %p1, %r1, %r2;\n"
              "setp.ge.u32 %p2, %r1, 10;\n"
              "setp.gtu.f32 %p3, %f1, %f2;\n"
              "setp.hi.u32 %p4, %r1, %r2;\n"
              "setp.ls.u64 %p5, %rd1, %rd2;\n"
              "setp.nan.f64 %p6, %fd1, %fd2;\n"
              "setp.ne.and.s32 %p7, %r1, %r2, %p1;\n"
              "setp.eq.or.f32 %p8|%p9, %f1, 0f00000000, !%p2;\n"
              "selp.b32 %r3, %r1, 7, %p7;\n"
              "selp.f32 %f3, %f1, %f2, %p8;\n"
              "and.pred %p1, %p2, %p3;\n"
              "or.pred %p4, %p1, %p9;\n"
              "xor.pred %p5, %p4, %p1;\n"
              "not.pred %p6, %p5;\n"
              "set.lt.u32.s32 %r4, %r1, %r2;\n"
              "set.gt.f32.f32 %f4, %f1, %f2;\n"
              "ret;")) {
        return;
    }
    s1 = find_tm(&m, GV_I_SETP, GV_T_S32, GV_CMP_LT, 0);
    CU_ASSERT_FATAL(s1 >= 0);
    CU_ASSERT(!is_k(m.in[s1].a) && !is_k(m.in[s1].b));
    i = find_tm(&m, GV_I_SETP, GV_T_U32, GV_CMP_GE, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 10);
    CU_ASSERT(find_tm(&m, GV_I_SETP, GV_T_F32, GV_CMP_GTU, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_SETP, GV_T_U32, GV_CMP_GT, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_SETP, GV_T_U64, GV_CMP_LE, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_SETP, GV_T_F64, GV_CMP_NAN, 0) >= 0);
    /* .and with %p1: a SETP NE then an AND.pred with %p1's slot */
    i = find_tm(&m, GV_I_SETP, GV_T_S32, GV_CMP_NE, 0);
    CU_ASSERT_FATAL(i >= 0);
    j = find_t(&m, GV_I_AND, GV_T_PRED, i);
    CU_ASSERT_FATAL(j > i);
    CU_ASSERT(m.in[j].a == m.in[s1].d || m.in[j].b == m.in[s1].d);
    /* .or with !%p2, two destinations: an OR and a NOT (or a negated
     * compare) appear after the SETP EQ */
    i = find_tm(&m, GV_I_SETP, GV_T_F32, GV_CMP_EQ, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT(find_t(&m, GV_I_OR, GV_T_PRED, i) > i);
    j = find_t(&m, GV_I_SELP, GV_T_U32, 0);
    CU_ASSERT_FATAL(j >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[j].b), 7);
    CU_ASSERT(find_t(&m, GV_I_SELP, GV_T_F32, 0) >= 0);
    CU_ASSERT(find_t(&m, GV_I_AND, GV_T_PRED, j) > j);
    CU_ASSERT(find_t(&m, GV_I_OR, GV_T_PRED, j) > j);
    CU_ASSERT(find_t(&m, GV_I_XOR, GV_T_PRED, j) > j);
    CU_ASSERT(find_t(&m, GV_I_NOT, GV_T_PRED, j) > j);
    /* set: a compare and a selection of all-ones / 1.0 */
    i = find_tm(&m, GV_I_SETP, GV_T_S32, GV_CMP_LT, s1 + 1);
    CU_ASSERT(i > s1);
    i = find_tm(&m, GV_I_SETP, GV_T_F32, GV_CMP_GT, 0);
    CU_ASSERT(i >= 0);
    mod_free(&m);
}

/* Special registers. */
static void test_sreg(void)
{
    static const struct { uint8_t sr, t; } want[] = {
        { GV_SR_TID_X, GV_T_U32 }, { GV_SR_TID_Y, GV_T_U32 },
        { GV_SR_TID_Z, GV_T_U32 }, { GV_SR_NTID_X, GV_T_U32 },
        { GV_SR_NTID_Y, GV_T_U32 }, { GV_SR_CTAID_Z, GV_T_U32 },
        { GV_SR_NCTAID_X, GV_T_U32 }, { GV_SR_LANEID, GV_T_U32 },
        { GV_SR_WARPID, GV_T_U32 }, { GV_SR_NWARPID, GV_T_U32 },
        { GV_SR_SMID, GV_T_U32 }, { GV_SR_NSMID, GV_T_U32 },
        { GV_SR_LANEMASK_LT, GV_T_U32 }, { GV_SR_LANEMASK_GE, GV_T_U32 },
        { GV_SR_CLOCK, GV_T_U32 }, { GV_SR_CLOCK64, GV_T_U64 },
        { GV_SR_GLOBALTIMER, GV_T_U64 }, { GV_SR_GRIDID, GV_T_U64 },
    };
    struct mod m;
    int at = 0;

    if (!load(&m, "", "",
              "mov.u32 %r1, %tid.x;\nmov.u32 %r2, %tid.y;\n"
              "mov.u32 %r3, %tid.z;\nmov.u32 %r4, %ntid.x;\n"
              "mov.u32 %r5, %ntid.y;\nmov.u32 %r6, %ctaid.z;\n"
              "mov.u32 %r7, %nctaid.x;\nmov.u32 %r8, %laneid;\n"
              "mov.u32 %r9, %warpid;\nmov.u32 %r10, %nwarpid;\n"
              "mov.u32 %r11, %smid;\nmov.u32 %r12, %nsmid;\n"
              "mov.u32 %r13, %lanemask_lt;\nmov.u32 %r14, %lanemask_ge;\n"
              "mov.u32 %r15, %clock;\nmov.u64 %rd1, %clock64;\n"
              "mov.u64 %rd2, %globaltimer;\nmov.u64 %rd3, %gridid;\n"
              "add.s32 %r16, %r1, %tid.y;\n"
              "ret;")) {
        return;
    }
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        at = find(&m, GV_I_S2R, at);
        CU_ASSERT_FATAL(at >= 0);
        CU_ASSERT_EQUAL(m.in[at].mod, want[w].sr);
        CU_ASSERT_EQUAL(m.in[at].type, want[w].t);
        at++;
    }
    /* a special register as a source operand is read with S2R too */
    at = find_t(&m, GV_I_ADD, GV_T_S32, 0);
    CU_ASSERT_FATAL(at >= 0);
    {
        struct val v = resolve(&m, m.in[at].b, at);

        CU_ASSERT_EQUAL_FATAL(v.kind, V_DEF);
        CU_ASSERT_EQUAL(m.in[v.def].op, GV_I_S2R);
        CU_ASSERT_EQUAL(m.in[v.def].mod, GV_SR_TID_Y);
    }
    mod_free(&m);
}

/* Global/const data: the image (arrays, floats, bytes, 2-D, zeroes) and
 * the addresses the loads use (MADDR of the data offset, GLOBAL space). */
static void test_data(void)
{
    struct mod m;
    int i;
    struct val v;
    int64_t o;
    float f;

    if (!load(&m,
              ".global .align 4 .u32 g_arr[4] = {1, 2, 3, 0x80000000};\n"
              ".const .align 4 .f32 c_f[2] = {0f3FC00000, 0fC0000000};\n"
              ".global .align 8 .f64 g_d = 0d400921FB54442D18;\n"
              ".global .b8 g_b[3] = {1, 2, 255};\n"
              ".global .align 2 .u16 g_h[2][2] = {{1, 2}, {3, 4}};\n"
              ".global .align 4 .u32 g_z[8];\n"
              ".const .align 4 .f32 c_dec[2] = {1.5, -2.25};\n"
              ".const .align 8 .u64 c_q = 0x123456789abcdef0;\n"
              ".global .align 4 .s32 g_neg[2] = {-1, -2};\n",
              ".param .u64 k_out",
              "mov.u64 %rd1, g_arr;\n"
              "ld.global.u32 %r1, [g_arr+12];\n"
              "ld.const.f32 %f1, [c_f+4];\n"
              "ld.global.f64 %fd1, [g_d];\n"
              "ld.global.u8 %rs1, [g_b+2];\n"
              "ld.global.u16 %rs2, [g_h+6];\n"
              "ld.const.f32 %f2, [c_dec+4];\n"
              "ld.const.u64 %rd2, [c_q];\n"
              "st.global.u32 [g_z+4], %r1;\n"
              "mov.u64 %rd3, g_neg;\n"
              "ld.global.s32 %r2, [%rd3+4];\n"
              "ret;")) {
        return;
    }
    CU_ASSERT_EQUAL(m.h.data_off % 256, 0);
    i = find(&m, GV_I_MADDR, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].type, GV_T_U64);
    /* mov.u64 %rd1, g_arr: the whole array */
    v = resolve(&m, m.in[i].d, i + 1);
    CU_ASSERT_EQUAL_FATAL(v.kind, V_MADDR);
    CU_ASSERT_FATAL(v.off + 16 <= m.h.data_size);
    CU_ASSERT_EQUAL(v.off % 4, 0);
    CU_ASSERT_EQUAL(rd32(m.data + v.off), 1);
    CU_ASSERT_EQUAL(rd32(m.data + v.off + 4), 2);
    CU_ASSERT_EQUAL(rd32(m.data + v.off + 8), 3);
    CU_ASSERT_EQUAL(rd32(m.data + v.off + 12), 0x80000000u);

    /* each load: GLOBAL space, the address is a data offset */
#define LD_AT(n, typ)                                                   \
    do {                                                                \
        i = find(&m, GV_I_LD, i + 1);                                   \
        CU_ASSERT_FATAL(i >= 0);                                        \
        CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GLOBAL);                  \
        CU_ASSERT_EQUAL(m.in[i].type, typ);                             \
        o = kaddr(&m, i, V_MADDR);                                      \
        CU_ASSERT_FATAL(o >= 0 && (uint64_t)o + (n) <= m.h.data_size);  \
    } while (0)
    LD_AT(4, GV_T_U32);
    CU_ASSERT_EQUAL(rd32(m.data + o), 0x80000000u);
    LD_AT(4, GV_T_F32);
    CU_ASSERT_EQUAL(rd32(m.data + o), 0xc0000000u);
    CU_ASSERT_EQUAL(rd32(m.data + o - 4), 0x3fc00000u);
    LD_AT(8, GV_T_F64);
    CU_ASSERT_EQUAL(o % 8, 0);
    CU_ASSERT_EQUAL(rd64(m.data + o), 0x400921FB54442D18ull);
    LD_AT(1, GV_T_U8);
    CU_ASSERT_EQUAL(m.data[o], 255);
    CU_ASSERT_EQUAL(m.data[o - 1], 2);
    CU_ASSERT_EQUAL(m.data[o - 2], 1);
    LD_AT(2, GV_T_U16);
    CU_ASSERT_EQUAL(m.data[o], 4);
    CU_ASSERT_EQUAL(m.data[o - 2], 3);
    CU_ASSERT_EQUAL(m.data[o - 4], 2);
    CU_ASSERT_EQUAL(m.data[o - 6], 1);
    LD_AT(4, GV_T_F32);
    f = -2.25f;
    CU_ASSERT_EQUAL(memcmp(m.data + o, &f, 4), 0);
    f = 1.5f;
    CU_ASSERT_EQUAL(memcmp(m.data + o - 4, &f, 4), 0);
    LD_AT(8, GV_T_U64);
    CU_ASSERT_EQUAL(rd64(m.data + o), 0x123456789abcdef0ull);
    i = find(&m, GV_I_ST, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GLOBAL);
    o = kaddr(&m, i, V_MADDR);
    CU_ASSERT_FATAL(o >= 4 && (uint64_t)o + 28 <= m.h.data_size);
    for (int b = -4; b < 28; b++) {
        CU_ASSERT_EQUAL(m.data[o + b], 0);
    }
    LD_AT(4, GV_T_S32);
    CU_ASSERT_EQUAL(rd32(m.data + o), 0xfffffffeu);
    CU_ASSERT_EQUAL(rd32(m.data + o - 4), 0xffffffffu);
#undef LD_AT
    mod_free(&m);
}

/* Shared and local memory: placement, sizes, .extern .shared, cvta. */
static void test_shared_local(void)
{
    struct mod m;
    int i;
    int64_t gsh, sh2, dyn, loc;
    struct val v;

    if (!load(&m,
              ".shared .align 4 .b8 gsh[20];\n"
              ".extern .shared .align 16 .b8 dyn[];\n",
              "",
              ".shared .align 8 .u64 sh2[3];\n"
              ".local .align 4 .b8 loc[40];\n"
              "mov.u64 %rd1, gsh;\n"
              "mov.u64 %rd2, sh2;\n"
              "mov.u64 %rd3, dyn;\n"
              "mov.u64 %rd4, loc;\n"
              "st.shared.u32 [gsh+4], %r1;\n"
              "st.shared.u64 [sh2+8], %rd1;\n"
              "st.local.u32 [loc+12], %r1;\n"
              "st.shared.u8 [dyn+3], %rs1;\n"
              "cvta.shared.u64 %rd5, %rd1;\n"
              "cvta.to.shared.u64 %rd6, %rd5;\n"
              "cvta.local.u64 %rd7, %rd4;\n"
              "cvta.to.local.u64 %rd8, %rd7;\n"
              "ld.u32 %r2, [%rd5+8];\n"
              "ld.shared.u32 %r3, [%rd6+4];\n"
              "ld.local.u32 %r4, [%rd8];\n"
              "st.u32 [%rd7+16], %r4;\n"
              "ret;")) {
        return;
    }
    CU_ASSERT_EQUAL(m.f.shared_size % 16, 0);
    i = find(&m, GV_I_ST, 0);
    CU_ASSERT_FATAL(i >= 0);
    v = resolve(&m, m.in[find(&m, GV_I_ST, i + 1)].b, i);  /* %rd1 */
    CU_ASSERT_EQUAL_FATAL(v.kind, V_CONST);
    gsh = (int64_t)v.off;
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_SHARED);
    CU_ASSERT_EQUAL(kaddr(&m, i, V_CONST), gsh + 4);
    i = find(&m, GV_I_ST, i + 1);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_SHARED);
    CU_ASSERT_EQUAL(m.in[i].type, GV_T_U64);
    sh2 = kaddr(&m, i, V_CONST) - 8;
    i = find(&m, GV_I_ST, i + 1);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_LOCAL);
    loc = kaddr(&m, i, V_CONST) - 12;
    i = find(&m, GV_I_ST, i + 1);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_SHARED);
    CU_ASSERT_EQUAL(m.in[i].type, GV_T_U8);
    dyn = kaddr(&m, i, V_CONST) - 3;
    /* static shared: aligned, disjoint, inside shared_size; dynamic at
     * shared_size */
    CU_ASSERT(gsh >= 0 && gsh % 4 == 0 && gsh + 20 <= m.f.shared_size);
    CU_ASSERT(sh2 >= 0 && sh2 % 8 == 0 && sh2 + 24 <= m.f.shared_size);
    CU_ASSERT(gsh + 20 <= sh2 || sh2 + 24 <= gsh);
    CU_ASSERT(m.f.shared_size >= 48 && m.f.shared_size <= 64);
    CU_ASSERT_EQUAL(dyn, m.f.shared_size);
    CU_ASSERT(loc >= 0 && loc % 4 == 0 && loc + 40 <= m.f.local_size);
    CU_ASSERT(m.f.local_size <= 64);
    /* cvta */
    i = find(&m, GV_I_LD, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GENERIC);
    v = addr(&m, i);
    CU_ASSERT_EQUAL(v.kind, V_CONST);
    CU_ASSERT_EQUAL(v.off, GV_GENERIC_SHARED + (uint64_t)gsh + 8);
    i = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_SHARED);
    CU_ASSERT_EQUAL(kaddr(&m, i, V_CONST), gsh + 4);
    i = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_LOCAL);
    CU_ASSERT_EQUAL(kaddr(&m, i, V_CONST), loc);
    i = find(&m, GV_I_ST, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GENERIC);
    v = addr(&m, i);
    CU_ASSERT_EQUAL(v.kind, V_CONST);
    CU_ASSERT_EQUAL(v.off, GV_GENERIC_LOCAL + (uint64_t)loc + 16);
    mod_free(&m);

    /* no shared memory at all; .extern .shared only */
    if (load(&m, ".extern .shared .align 4 .b8 d2[];\n", "",
             "st.shared.u32 [d2+8], %r1;\nret;")) {
        CU_ASSERT_EQUAL(m.f.shared_size, 0);
        CU_ASSERT_EQUAL(m.f.local_size, 0);
        CU_ASSERT_EQUAL(kaddr(&m, find(&m, GV_I_ST, 0), V_CONST), 8);
        mod_free(&m);
    }
}

/* Global, generic and vector accesses: [reg+imm] offsets, .v2/.v4
 * become scalar accesses at consecutive addresses, cvta.to.global. */
static void test_vector_mem(void)
{
    struct mod m;
    struct val base, v;
    int i, n;
    uint16_t dst[4];

    if (!load(&m, "", ".param .u64 k_p",
              "ld.param.u64 %rd1, [k_p];\n"
              "cvta.to.global.u64 %rd2, %rd1;\n"
              "ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd2+16];\n"
              "st.global.v2.u32 [%rd2+8], {%r1, %r2};\n"
              "ld.global.v2.u64 {%rd3, %rd4}, [%rd2+-32];\n"
              "st.global.v4.b16 [%rd2+64], {%rs1, %rs2, %rs3, %rs4};\n"
              "ld.volatile.global.u32 %r3, [%rd2];\n"
              "ld.global.nc.u32 %r4, [%rd2+4];\n"
              "ld.u32 %r5, [%rd2];\n"
              "st.global.v2.f32 [%rd2+40000], {%f1, %f2};\n"
              /* all four live at once: four slots (ptx/gv_ptx_regs.c) */
              "st.global.v4.f32 [%rd2+128], {%f1, %f2, %f3, %f4};\n"
              "ret;")) {
        return;
    }
    i = find(&m, GV_I_LD, 0);               /* the param */
    CU_ASSERT_FATAL(i >= 0);
    base = resolve(&m, m.in[i].d, i + 1);
    CU_ASSERT_EQUAL(base.kind, V_DEF);
    for (n = 0; n < 4; n++) {
        i = find(&m, GV_I_LD, i + 1);
        CU_ASSERT_FATAL(i >= 0);
        CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GLOBAL);
        CU_ASSERT_EQUAL(m.in[i].type, GV_T_F32);
        v = addr(&m, i);
        CU_ASSERT_EQUAL(v.kind, V_DEF);
        CU_ASSERT_EQUAL(v.def, base.def);
        CU_ASSERT_EQUAL(v.off, 16 + 4 * (uint64_t)n);
        dst[n] = m.in[i].d;
    }
    CU_ASSERT(dst[0] != dst[1] && dst[1] != dst[2] && dst[2] != dst[3] &&
              dst[0] != dst[3]);
    for (n = 0; n < 2; n++) {
        i = find(&m, GV_I_ST, i + 1);
        CU_ASSERT_FATAL(i >= 0);
        CU_ASSERT_EQUAL(m.in[i].type, GV_T_U32);
        v = addr(&m, i);
        CU_ASSERT(v.kind == V_DEF && v.def == base.def);
        CU_ASSERT_EQUAL(v.off, 8 + 4 * (uint64_t)n);
    }
    for (n = 0; n < 2; n++) {
        i = find(&m, GV_I_LD, i + 1);
        CU_ASSERT_FATAL(i >= 0);
        CU_ASSERT_EQUAL(m.in[i].type, GV_T_U64);
        v = addr(&m, i);
        CU_ASSERT(v.kind == V_DEF && v.def == base.def);
        CU_ASSERT_EQUAL(v.off, (uint64_t)(-32 + 8 * n));
    }
    for (n = 0; n < 4; n++) {
        i = find(&m, GV_I_ST, i + 1);
        CU_ASSERT_FATAL(i >= 0);
        CU_ASSERT_EQUAL(m.in[i].type, GV_T_U16);
        CU_ASSERT_EQUAL(addr(&m, i).off, 64 + 2 * (uint64_t)n);
    }
    i = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GLOBAL);
    CU_ASSERT_EQUAL(addr(&m, i).off, 0);
    i = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GLOBAL);
    CU_ASSERT_EQUAL(addr(&m, i).off, 4);
    i = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_SPACE_GENERIC);
    /* an offset beyond int16: still the right address */
    for (n = 0; n < 2; n++) {
        i = find(&m, GV_I_ST, i + 1);
        CU_ASSERT_FATAL(i >= 0);
        v = addr(&m, i);
        CU_ASSERT(v.kind == V_DEF && v.def == base.def);
        CU_ASSERT_EQUAL(v.off, 40000 + 4 * (uint64_t)n);
    }
    mod_free(&m);
}

/* Labels and branches: targets, guards, bra.uni, loops, ret -> EXIT. */
static void test_branches(void)
{
    struct mod m;
    int add, setp, b1, b2, b3, ex, tr;

    if (!load(&m, "", "",
              "mov.u32 %r1, 0;\n"
              "$L_loop:\n"
              "add.u32 %r1, %r1, 1;\n"
              "setp.lt.u32 %p1, %r1, 10;\n"
              "@%p1 bra $L_loop;\n"
              "@!%p1 bra.uni $L_end;\n"
              "trap;\n"
              "$L_end:\n"
              "ret;")) {
        return;
    }
    add = find_t(&m, GV_I_ADD, GV_T_U32, 0);
    setp = find(&m, GV_I_SETP, 0);
    b1 = find(&m, GV_I_BRA, 0);
    CU_ASSERT_FATAL(add >= 0 && setp > add && b1 > setp);
    b2 = find(&m, GV_I_BRA, b1 + 1);
    CU_ASSERT_FATAL(b2 > b1);
    tr = find(&m, GV_I_TRAP, 0);
    ex = find(&m, GV_I_EXIT, 0);
    CU_ASSERT_FATAL(tr > b2 && ex > tr);
    CU_ASSERT_EQUAL(target(&m, b1), add);
    CU_ASSERT_EQUAL(m.in[b1].guard, GV_G_ON);
    CU_ASSERT_EQUAL(m.in[b1].gpred, m.in[setp].d);
    CU_ASSERT_EQUAL(target(&m, b2), ex);
    CU_ASSERT_EQUAL(m.in[b2].guard, GV_G_ON | GV_G_NEG);
    CU_ASSERT_EQUAL(m.in[b2].gpred, m.in[setp].d);
    CU_ASSERT_EQUAL(m.in[add].a, m.in[add].d);
    CU_ASSERT_EQUAL(m.in[tr].guard, 0);
    mod_free(&m);

    /* a guarded ret, guarded ordinary instructions, exit, a body that
     * does not end in ret */
    if (!load(&m, "", "",
              "setp.eq.s32 %p1, %r1, 0;\n"
              "@%p1 ret;\n"
              "@!%p1 add.s32 %r2, %r2, 3;\n"
              "@%p1 bra END;\n"
              "exit;\n"
              "END:\n"
              "add.s32 %r3, %r3, 1;")) {
        return;
    }
    b3 = find(&m, GV_I_EXIT, 0);
    CU_ASSERT_FATAL(b3 >= 0);
    CU_ASSERT_EQUAL(m.in[b3].guard, GV_G_ON);
    add = find(&m, GV_I_ADD, 0);
    CU_ASSERT_FATAL(add >= 0);
    CU_ASSERT_EQUAL(m.in[add].guard, GV_G_ON | GV_G_NEG);
    CU_ASSERT_EQUAL(m.in[add].gpred, m.in[b3].gpred);
    b1 = find(&m, GV_I_BRA, 0);
    CU_ASSERT_FATAL(b1 >= 0);
    CU_ASSERT(target(&m, b1) > b1 && target(&m, b1) < m.n);
    check_ends(&m);
    mod_free(&m);
}

/* A label just before the closing brace (legal PTX: the thread falls off
 * the end and returns); a branch to it must stay inside the function.
 * Regression test (a translator bug, fixed): the branch targets one past the
 * last instruction and both checkers refuse the module ("branch target 5
 * outside the function [0, 5)").  */
static void test_label_at_end(void)
{
    struct mod m;
    int b;

    if (!load(&m, "", "",
              "setp.eq.s32 %p1, %r1, 0;\n"
              "@%p1 bra END;\n"
              "add.s32 %r2, %r2, 3;\n"
              "exit;\n"
              "END:")) {
        return;
    }
    b = find(&m, GV_I_BRA, 0);
    CU_ASSERT_FATAL(b >= 0);
    CU_ASSERT(target(&m, b) > b && target(&m, b) < m.n);
    check_ends(&m);
    mod_free(&m);
}

/* A vector load whose destination is also its address register: PTX
 * reads the address once, before any destination is written.
 * Regression test (a translator bug, fixed): "ld.shared.v2.u32 {%r1, %r2},
 * [%r1+4]" becomes "ld.shared.u32 r0, [r0+4]; ld.shared.u32 r1, [r0+8]":
 * the second element is loaded from the clobbered address.  */
static void test_vector_self_address(void)
{
    struct mod m;
    int i, j;

    if (!load(&m, "", "",
              "ld.global.v2.u64 {%rd1, %rd2}, [%rd1];\n"
              "ret;")) {
        return;
    }
    i = find(&m, GV_I_LD, 0);
    j = find(&m, GV_I_LD, i + 1);
    CU_ASSERT_FATAL(i >= 0 && j > i);
    /* the second load's address is the first one's + 8: %rd1 as it was
     * before the first element was loaded into it */
    struct val first = addr(&m, i);

    first.off += 8;
    CU_ASSERT(same_val(addr(&m, j), first));
    CU_ASSERT(first.kind != V_DEF || m.in[first.def].op != GV_I_LD);
    mod_free(&m);
}

/* bar, membar/fence (NOP), bar.warp.sync, trap. */
static void test_sync(void)
{
    struct mod m;
    int i;

    if (!load(&m, "", "",
              "bar.sync 0;\n"
              "membar.gl;\n"
              "bar.sync 3;\n"
              "fence.acq_rel.gpu;\n"
              "barrier.sync 1;\n"
              "membar.cta;\n"
              "bar.warp.sync -1;\n"
              "ret;")) {
        return;
    }
    i = find(&m, GV_I_BAR, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].a), 0);
    i = find(&m, GV_I_BAR, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].a), 3);
    i = find(&m, GV_I_BAR, i + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].a), 1);
    CU_ASSERT_EQUAL(count(&m, GV_I_BAR), 3);
    /* bar.warp.sync M: a rendezvous, a ballot with member mask M */
    i = find(&m, GV_I_VOTE, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].mod, GV_VOTE_BALLOT);
    CU_ASSERT_EQUAL((uint32_t)kv(&m, m.in[i].e), 0xffffffffu);
    CU_ASSERT_EQUAL(count(&m, GV_I_VOTE), 1);
    /* membar, fence: nothing or NOPs */
    for (i = 0; i < m.n; i++) {
        CU_ASSERT(m.in[i].op == GV_I_BAR || m.in[i].op == GV_I_NOP ||
                  m.in[i].op == GV_I_EXIT || m.in[i].op == GV_I_VOTE);
    }
    mod_free(&m);
}

/* atom and red: operations, types, spaces, cas operands, offsets. */
static void test_atom(void)
{
    static const struct {
        uint8_t space, aop, t;
        int16_t e;
        bool red;
    } want[] = {
        { GV_SPACE_GLOBAL, GV_ATOM_ADD, GV_T_U32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_ADD, GV_T_F32, 4, false },
        { GV_SPACE_SHARED, GV_ATOM_MAX, GV_T_S32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_CAS, GV_T_U32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_EXCH, GV_T_U64, 8, false },
        { GV_SPACE_GLOBAL, GV_ATOM_INC, GV_T_U32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_DEC, GV_T_U32, 0, false },
        { GV_SPACE_GENERIC, GV_ATOM_AND, GV_T_U32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_OR, GV_T_U64, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_XOR, GV_T_U32, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_MIN, GV_T_U64, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_ADD, GV_T_F64, 0, false },
        { GV_SPACE_GLOBAL, GV_ATOM_CAS, GV_T_U64, 16, false },
        { GV_SPACE_GLOBAL, GV_ATOM_ADD, GV_T_U32, 0, true },
        { GV_SPACE_SHARED, GV_ATOM_MIN, GV_T_S32, 0, true },
        { GV_SPACE_GLOBAL, GV_ATOM_ADD, GV_T_U64, 0, false },
    };
    struct mod m;
    int at = 0, cas = -1;

    if (!load(&m, ".shared .align 4 .s32 sh[4];\n", ".param .u64 k_p",
              "ld.param.u64 %rd1, [k_p];\n"
              "atom.global.add.u32 %r1, [%rd1], 1;\n"
              "atom.global.add.f32 %f1, [%rd1+4], %f2;\n"
              "atom.shared.max.s32 %r2, [sh], %r3;\n"
              "atom.global.cas.b32 %r4, [%rd1], %r5, %r6;\n"
              "atom.global.exch.b64 %rd2, [%rd1+8], %rd3;\n"
              "atom.global.inc.u32 %r7, [%rd1], 100;\n"
              "atom.global.dec.u32 %r8, [%rd1], 100;\n"
              "atom.and.b32 %r9, [%rd1], %r10;\n"
              "atom.global.or.b64 %rd4, [%rd1], %rd5;\n"
              "atom.global.xor.b32 %r11, [%rd1], 0xff;\n"
              "atom.global.min.u64 %rd6, [%rd1], %rd7;\n"
              "atom.global.add.f64 %fd1, [%rd1], %fd2;\n"
              "atom.global.cas.b64 %rd8, [%rd1+16], 0, %rd9;\n"
              "red.global.add.u32 [%rd1], %r12;\n"
              "red.shared.min.s32 [sh+4], -5;\n"
              "atom.global.add.u64 %rd10, [%rd1], 1;\n"
              "ret;")) {
        return;
    }
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        at = find(&m, GV_I_ATOM, at);
        CU_ASSERT_FATAL(at >= 0);
        if ((m.in[at].mod & 0xf) != want[w].space ||
            m.in[at].mod >> 4 != want[w].aop || m.in[at].type != want[w].t ||
            (want[w].space != GV_SPACE_SHARED &&
             (int16_t)m.in[at].e != want[w].e && !is_k(m.in[at].a)) ||
            (m.in[at].d == GV_ISA_NONE) != want[w].red) {
            fprintf(stderr, "\n    atom #%zu: mod 0x%02x type %u e %d d "
                    "0x%x\n", w, m.in[at].mod, m.in[at].type,
                    (int16_t)m.in[at].e, m.in[at].d);
            CU_FAIL("atom fields");
        }
        if (want[w].aop == GV_ATOM_CAS && cas < 0) {
            cas = at;
        }
        at++;
    }
    CU_ASSERT_FATAL(cas >= 0);
    CU_ASSERT(!is_k(m.in[cas].b) && !is_k(m.in[cas].c));
    CU_ASSERT(m.in[cas].b != m.in[cas].c);
    at = find(&m, GV_I_ATOM, 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[at].b), 1);
    at = find_tm(&m, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_INC << 4,
                 0);
    CU_ASSERT_FATAL(at >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[at].b), 100);
    at = find_tm(&m, GV_I_ATOM, GV_T_U64, GV_SPACE_GLOBAL | GV_ATOM_CAS << 4,
                 0);
    CU_ASSERT_FATAL(at >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[at].b), 0);
    CU_ASSERT_EQUAL(addr(&m, at).off, 16);
    at = find_tm(&m, GV_I_ATOM, GV_T_S32, GV_SPACE_SHARED | GV_ATOM_MIN << 4,
                 0);
    CU_ASSERT_FATAL(at >= 0);
    CU_ASSERT_EQUAL((uint32_t)kv(&m, m.in[at].b), (uint32_t)-5);
    CU_ASSERT_EQUAL(kaddr(&m, at, V_CONST),
                    kaddr(&m, find_tm(&m, GV_I_ATOM, GV_T_S32,
                                      GV_SPACE_SHARED | GV_ATOM_MAX << 4, 0),
                          V_CONST) + 4);
    mod_free(&m);
}

/* shfl.sync, vote.sync, activemask. */
static void test_warp(void)
{
    struct mod m;
    int i, s;

    if (!load(&m, "", "",
              "shfl.sync.down.b32 %r1, %r2, 16, 31, -1;\n"
              "shfl.sync.up.b32 %r3, %r2, 1, 0, %r5;\n"
              "shfl.sync.bfly.b32 %f1, %f2, 4, 0x1f, 0xffffffff;\n"
              "shfl.sync.idx.b32 %r4, %r2, %r6, 0x181f, -1;\n"
              "setp.ne.s32 %p1, %r2, 0;\n"
              "vote.sync.ballot.b32 %r7, %p1, -1;\n"
              "vote.sync.all.pred %p2, %p1, -1;\n"
              "vote.sync.any.pred %p3, !%p1, %r8;\n"
              "vote.sync.uni.pred %p4, %p1, -1;\n"
              "activemask.b32 %r9;\n"
              "ret;")) {
        return;
    }
    i = find_tm(&m, GV_I_SHFL, GV_T_U32, GV_SHFL_DOWN, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT(!is_k(m.in[i].a));
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 16);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c) & 0xffff, 31);
    CU_ASSERT(m.in[i].e == GV_ISA_NONE ||
              (uint32_t)kv(&m, m.in[i].e) == 0xffffffffu);
    i = find_tm(&m, GV_I_SHFL, GV_T_U32, GV_SHFL_UP, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].b), 1);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 0);
    CU_ASSERT(!is_k(m.in[i].e) && m.in[i].e != GV_ISA_NONE);
    s = find(&m, GV_I_SHFL, 0);
    i = find_tm(&m, GV_I_SHFL, GV_T_U32, GV_SHFL_BFLY, 0);
    if (i < 0) {
        i = find_tm(&m, GV_I_SHFL, GV_T_F32, GV_SHFL_BFLY, 0);
    }
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 0x1f);
    i = find(&m, GV_I_SHFL, s + 1);
    i = find_tm(&m, GV_I_SHFL, GV_T_U32, GV_SHFL_IDX, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT(!is_k(m.in[i].b));
    CU_ASSERT_EQUAL(kv(&m, m.in[i].c), 0x181f);
    i = find_tm(&m, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, 0);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(m.in[i].a, m.in[find(&m, GV_I_SETP, 0)].d);
    CU_ASSERT(find_tm(&m, GV_I_VOTE, GV_T_PRED, GV_VOTE_ALL, 0) >= 0);
    i = find_tm(&m, GV_I_VOTE, GV_T_PRED, GV_VOTE_ANY, 0);
    CU_ASSERT_FATAL(i >= 0);
    /* !%p1: the vote reads a negation of %p1 */
    CU_ASSERT(m.in[i].a != m.in[find(&m, GV_I_SETP, 0)].d);
    CU_ASSERT(!is_k(m.in[i].e) && m.in[i].e != GV_ISA_NONE);
    CU_ASSERT(find_tm(&m, GV_I_VOTE, GV_T_PRED, GV_VOTE_UNI, 0) >= 0);
    /* activemask: a ballot of the constant 1 */
    i = find_tm(&m, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT,
                find(&m, GV_I_VOTE, 0) + 1);
    CU_ASSERT_FATAL(i >= 0);
    CU_ASSERT_EQUAL(kv(&m, m.in[i].a) & 1, 1);
    mod_free(&m);
}

static void test_calls(void)
{
    struct mod m;
    int st, ex, adds = 0;

    if (!load(&m, calls_pre, ".param .u64 k_out", calls_body)) {
        return;
    }
    CU_ASSERT_EQUAL(m.h.nfuncs, 1);                /* only the entry */
    CU_ASSERT_EQUAL(gv_isa_find_func(m.img, m.len, "add1"), -1);
    CU_ASSERT_EQUAL(m.f.nparams, 1);
    CU_ASSERT_EQUAL(m.f.param_size, 8);
    CU_ASSERT(m.f.local_size >= 8);                /* callseq params */
    /* no PARAM-space access other than the entry's own parameter */
    for (int i = 0; i < m.n; i++) {
        if (m.in[i].op == GV_I_LD && m.in[i].mod == GV_SPACE_PARAM) {
            CU_ASSERT_EQUAL(kaddr(&m, i, V_CONST), 0);
        }
        if (m.in[i].op == GV_I_ADD && is_k(m.in[i].b) &&
            kv(&m, m.in[i].b) == 1 && m.in[i].type == GV_T_S32) {
            adds++;
        }
    }
    CU_ASSERT(adds >= 2);                          /* add1, inlined twice */
    CU_ASSERT(find_tm(&m, GV_I_ST, GV_T_U32, GV_SPACE_LOCAL, 0) >= 0);
    CU_ASSERT(find_tm(&m, GV_I_LD, GV_T_U32, GV_SPACE_LOCAL, 0) >= 0);
    /* a callee's ret does not end the thread */
    st = find(&m, GV_I_ST, 0);
    while (st >= 0 && m.in[st].mod != GV_SPACE_GLOBAL) {
        st = find(&m, GV_I_ST, st + 1);
    }
    ex = find(&m, GV_I_EXIT, 0);
    CU_ASSERT_FATAL(st >= 0 && ex >= 0);
    CU_ASSERT(ex > st);
    check_ends(&m);
    mod_free(&m);
}

/* ==== registration ==== */

static int ptx_construct_suites(void)
{
    static const struct gv_cunit_test constructs[] = {
        { "parameters", test_params },
        { "several entries, reqntid/maxntid", test_entries },
        { "integer arithmetic", test_int_arith },
        { "bit manipulation", test_bits },
        { "floating point", test_float },
        { "cvt", test_cvt },
        { "setp, selp, set, predicates", test_setp },
        { "special registers", test_sreg },
        { ".global/.const data image", test_data },
        { "shared and local memory, cvta", test_shared_local },
        { "vector and global accesses", test_vector_mem },
        { "labels and branches", test_branches },
        { "label at the end of a body", test_label_at_end },
        { "vector load into its address register",
          test_vector_self_address },
        { "barriers and fences", test_sync },
        { "atom and red", test_atom },
        { "shfl, vote, activemask", test_warp },
        { "inlined calls", test_calls },
        { NULL, NULL },
    };

    return gv_add_suite("ptx-constructs", NULL, NULL, constructs);
}

int gv_register_suites(void)
{
    if (ptx_construct_suites() || ptx_error_suites() || ptx_exec_suites()) {
        return -1;
    }
    return 0;
}
