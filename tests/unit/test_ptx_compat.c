/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx-compat: the PTX of old nvcc versions and the instructions
 * added for GPU Ocelot's corpus (docs/ptx.md), each translated and run
 * on the compute engine against a CPU reference: prototypes without ';'
 * and debug directives, .version/.target forms, map_f64_to_f32, mul24 and
 * mad24 (24-bit operands, sign, .hi, .sat), slct, isspacep, module-scope
 * .local and .reg, indirect calls; and their errors.  The PTX is written
 * by hand in the style of nvcc 3.x/4.x.
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
#include "ptx_run.h"

static bool translates(const char *ptx)
{
    size_t len;
    uint8_t *img = ptxr_translate(ptx, &len);

    free(img);
    return img != NULL;
}

/* An nvcc 3.x module head, then the kernel k(out, in). */
#define HEAD20  "\t.version 2.1\n\t.target sm_20\n"
#define KPARAMS "(\n\t\t.param .u64 __cudaparm_k_out,\n" \
                "\t\t.param .u64 __cudaparm_k_in)\n"
/* %r1 = tid.x, %rd1 = out + 4 * tid, %rd2 = in + 4 * tid */
#define KPROLOGUE \
    "\tld.param.u64 %rd3, [__cudaparm_k_out];\n" \
    "\tld.param.u64 %rd4, [__cudaparm_k_in];\n" \
    "\tcvt.u32.u16 %r1, %tid.x;\n" \
    "\tmul.wide.u32 %rd5, %r1, 4;\n" \
    "\tadd.u64 %rd1, %rd3, %rd5;\n" \
    "\tadd.u64 %rd2, %rd4, %rd5;\n"

/* ==== prototypes, debug directives, .version / .target ==== */

static const char proto_ptx[] =
    HEAD20
    "\t// compiled with nvopencc 3.1\n"
    "\t.visible .func (.param .s32 __cudaretf__Z3twoi) _Z3twoi "
    "(.param .s32 __cudaparmf1__Z3twoi)\n"
    "\n"
    "\t.file\t1\t\"<command-line>\"\n"
    "\t.file\t2\t\"/tmp/tmpxft_00000001-8_k.cudafe2.gpu\"\n"
    "\n"
    "\t.visible .func (.param .s32 __cudaretf__Z3twoi) _Z3twoi "
    "(.param .s32 __cudaparmf1__Z3twoi)\n"
    "\t{\n"
    "\t.reg .u32 %r<4>;\n"
    "\t.loc\t2\t3\t0\n"
    "$LDWbegin__Z3twoi:\n"
    "\tld.param.s32 %r1, [__cudaparmf1__Z3twoi];\n"
    "\tadd.s32 %r2, %r1, %r1;\n"
    "\tst.param.s32 [__cudaretf__Z3twoi], %r2;\n"
    "\t.loc\t2\t4\t0\n"
    "\tret;\n"
    "$LDWend__Z3twoi:\n"
    "\t} // _Z3twoi\n"
    "\n"
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<8>;\n"
    "\t.reg .u64 %rd<8>;\n"
    "\t.loc\t2\t8\t0\n"
    KPROLOGUE
    "\t.param .s32 __cudaparma1__Z3twoi;\n"
    "\tst.param.s32 [__cudaparma1__Z3twoi], %r1;\n"
    "\t.param .s32 __cudareta__Z3twoi;\n"
    "\tcall.uni (__cudareta__Z3twoi), _Z3twoi, "
    "(__cudaparma1__Z3twoi);\n"
    "\tld.param.s32 %r2, [__cudareta__Z3twoi];\n"
    "\tst.global.s32 [%rd1+0], %r2;\n"
    "\texit;\n"
    "\t} // k\n";

static void test_exec_prototypes(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(proto_ptx, 32, out, sizeof(out), NULL,
                                   0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        CU_ASSERT_EQUAL(out[t], 2 * t);
    }
}

static void test_prototypes(void)
{
    CU_ASSERT(translates(proto_ptx));
    /* a prototype at the end of the file, and with ';' */
    CU_ASSERT(translates(HEAD20 ".entry e { exit; }\n"
                         ".extern .func (.param .b32 r) g (.param .b32 a)"));
    CU_ASSERT(translates(HEAD20 ".extern .func g (.param .b32 a);\n"
                         ".entry e { exit; }\n"));
}

static void test_versions(void)
{
    CU_ASSERT(translates(".version 9.0\n.target sm_75\n.address_size 64\n"
                         ".visible .entry e() { ret; }\n"));
    CU_ASSERT(translates(".version 9.9\n.target sm_120a\n"
                         ".address_size 64\n.entry e() { ret; }\n"));
    CU_ASSERT(translates(".version 1.4\n.target sm_10, map_f64_to_f32\n"
                         ".entry e { exit; }\n"));
    CU_ASSERT(translates(".version 2.3\n.target sm_20\n.address_size 32\n"
                         ".entry e { exit; }\n"));
    ptxr_expect_err(".version 10.0\n.target sm_70\n.entry e() { ret; }\n", 1,
               "(1.0 to 9.x)");
    ptxr_expect_err(".version 2.0\n.target sm_20\n.address_size 48\n", 3,
               ".address_size: expected 32 or 64");
    ptxr_expect_err(".version 2.0\n.target sm_20, foo\n", 2, "unknown target");
}

/* ==== map_f64_to_f32 ==== */

static const char f64_ptx[] =
    "\t.version 1.4\n"
    "\t.target sm_10, map_f64_to_f32\n"
    "\t.global .f64 scale = 0d3FF8000000000000;\n"   /* 1.5 */
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<8>;\n"
    "\t.reg .u64 %rd<8>;\n"
    "\t.reg .f32 %f<4>;\n"
    "\t.reg .f64 %fd<6>;\n"
    KPROLOGUE
    "\tcvt.rn.f64.u32 %fd1, %r1;\n"
    "\tld.global.f64 %fd2, [scale];\n"
    "\tmul.f64 %fd3, %fd1, %fd2;\n"
    "\tadd.f64 %fd4, %fd3, 0d3FD0000000000000;\n"   /* + 0.25 */
    "\tdiv.rn.f64 %fd5, %fd4, 0d4008000000000000;\n" /* / 3 */
    "\tcvt.rn.f32.f64 %f1, %fd5;\n"
    "\tst.global.f32 [%rd1+0], %f1;\n"
    "\texit;\n"
    "\t}\n";

static void test_map_f64(void)
{
    float out[64];
    size_t len;
    uint8_t *img = ptxr_translate(f64_ptx, &len);
    struct gv_isa_module h;

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memcpy(&h, img, sizeof(h));
    for (uint32_t i = 0; i < h.ninsns; i++) {
        struct gv_insn in;

        memcpy(&in, img + h.insns_off + i * sizeof(in), sizeof(in));
        CU_ASSERT_NOT_EQUAL(in.type, GV_T_F64);
        if (in.op == GV_I_CVT) {
            CU_ASSERT_NOT_EQUAL(in.e & 0xff, GV_T_F64);
        }
    }
    /* .f64 storage stays 64 bits: 1.5f in the low half */
    {
        float f;
        uint32_t hi;

        CU_ASSERT_EQUAL_FATAL(h.data_size, 8);
        memcpy(&f, img + h.data_off, 4);
        memcpy(&hi, img + h.data_off + 4, 4);
        CU_ASSERT_EQUAL(f, 1.5f);
        CU_ASSERT_EQUAL(hi, 0);
    }
    free(img);
    CU_ASSERT_EQUAL_FATAL(ptxr_run(f64_ptx, 64, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (int t = 0; t < 64; t++) {
        volatile float want = (float)t * 1.5f;

        want = want + 0.25f;
        want = want / 3.0f;
        CU_ASSERT_EQUAL(out[t], want);
    }
}

/* ==== mul24, mad24 ==== */

static const uint32_t m24_in[] = {
    0, 1, 2, 3, 0x7fffff, 0x800000, 0xffffff, 0xfffffe, 0x12345678,
    0xff800000u, 0x80000001u, 0x00abcdef, 0xdeadbeefu, 1000, 0x400000,
    0xc00000,
};
#define NM24 (sizeof(m24_in) / sizeof(m24_in[0]))

static int64_t sext24(uint32_t x)
{
    return (int32_t)(x << 8) >> 8;
}

/* Thread t multiplies in[t % N] by in[t / N]; c = in[(t + 5) % N]. */
static const char m24_ptx[] =
    HEAD20
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<32>;\n"
    "\t.reg .u64 %rd<16>;\n"
    KPROLOGUE
    "\trem.u32 %r2, %r1, 16;\n"
    "\tdiv.u32 %r3, %r1, 16;\n"
    "\tadd.u32 %r4, %r1, 5;\n"
    "\trem.u32 %r4, %r4, 16;\n"
    "\tmul.wide.u32 %rd6, %r2, 4;\n"
    "\tadd.u64 %rd6, %rd4, %rd6;\n"
    "\tld.global.u32 %r5, [%rd6];\n"
    "\tmul.wide.u32 %rd6, %r3, 4;\n"
    "\tadd.u64 %rd6, %rd4, %rd6;\n"
    "\tld.global.u32 %r6, [%rd6];\n"
    "\tmul.wide.u32 %rd6, %r4, 4;\n"
    "\tadd.u64 %rd6, %rd4, %rd6;\n"
    "\tld.global.u32 %r7, [%rd6];\n"
    "\tmul.wide.u32 %rd7, %r1, 40;\n"
    "\tadd.u64 %rd7, %rd3, %rd7;\n"
    "\tmul24.lo.u32 %r10, %r5, %r6;\n"
    "\tmul24.hi.u32 %r11, %r5, %r6;\n"
    "\tmul24.lo.s32 %r12, %r5, %r6;\n"
    "\tmul24.hi.s32 %r13, %r5, %r6;\n"
    "\tmad24.lo.u32 %r14, %r5, %r6, %r7;\n"
    "\tmad24.hi.u32 %r15, %r5, %r6, %r7;\n"
    "\tmad24.lo.s32 %r16, %r5, %r6, %r7;\n"
    "\tmad24.hi.s32 %r17, %r5, %r6, %r7;\n"
    "\tmad24.hi.sat.s32 %r18, %r5, %r6, %r7;\n"
    "\tmul24.lo.u32 %r19, %r5, 0x1000001;\n"
    "\tst.global.v4.u32 [%rd7+0], {%r10, %r11, %r12, %r13};\n"
    "\tst.global.v4.u32 [%rd7+16], {%r14, %r15, %r16, %r17};\n"
    "\tst.global.v2.u32 [%rd7+32], {%r18, %r19};\n"
    "\texit;\n"
    "\t}\n";

static void m24_ref(uint32_t a, uint32_t b, uint32_t c, uint32_t r[10])
{
    uint64_t pu = (uint64_t)(a & 0xffffff) * (b & 0xffffff);
    int64_t ps = sext24(a) * sext24(b);
    int64_t hs = (int64_t)(int32_t)(uint32_t)(ps >> 16) + (int32_t)c;

    r[0] = (uint32_t)pu;
    r[1] = (uint32_t)(pu >> 16);
    r[2] = (uint32_t)ps;
    r[3] = (uint32_t)(ps >> 16);
    r[4] = r[0] + c;
    r[5] = r[1] + c;
    r[6] = r[2] + c;
    r[7] = r[3] + c;
    r[8] = (uint32_t)(int32_t)(hs > INT32_MAX ? INT32_MAX
                               : hs < INT32_MIN ? INT32_MIN : hs);
    r[9] = (uint32_t)((uint64_t)(a & 0xffffff) * 1);    /* 0x1000001 */
}

static void test_mul24(void)
{
    static uint32_t out[NM24 * NM24 * 10];
    uint32_t in[16];
    int bad = 0;

    CU_ASSERT_EQUAL_FATAL(NM24, 16);
    memcpy(in, m24_in, sizeof(in));
    CU_ASSERT_EQUAL_FATAL(ptxr_run(m24_ptx, 256, out, sizeof(out), in,
                                   sizeof(in)), GV_ERR_NONE);
    for (uint32_t t = 0; t < 256; t++) {
        uint32_t want[10];

        m24_ref(in[t % 16], in[t / 16], in[(t + 5) % 16], want);
        for (int k = 0; k < 10; k++) {
            if (out[10 * t + k] != want[k] && bad++ < 5) {
                fprintf(stderr, "\n    t %u (a %#x b %#x) result %d: %#x, "
                        "expected %#x\n", t, in[t % 16], in[t / 16], k,
                        out[10 * t + k], want[k]);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the saturation is reached: 0x7fffff * 0x7fffff >> 16 + big c */
    {
        uint32_t r[10];

        m24_ref(0x7fffff, 0x7fffff, 0x7fffffff, r);
        CU_ASSERT_EQUAL(r[8], 0x7fffffffu);
        m24_ref(0x800000, 0x7fffff, 0x80000000u, r);
        CU_ASSERT_EQUAL(r[8], 0x80000000u);
    }
}

/* ==== slct, isspacep ==== */

static const char slct_ptx[] =
    HEAD20
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<16>;\n"
    "\t.reg .u64 %rd<8>;\n"
    "\t.reg .f32 %f<4>;\n"
    KPROLOGUE
    "\tld.global.u32 %r2, [%rd2];\n"
    "\tmov.b32 %f1, %r2;\n"
    "\tmul.wide.u32 %rd6, %r1, 12;\n"
    "\tadd.u64 %rd6, %rd3, %rd6;\n"
    "\tslct.u32.s32 %r3, 10, 20, %r2;\n"
    "\tslct.s32.f32 %r4, 10, 20, %f1;\n"
    "\tslct.ftz.u32.f32 %r5, 10, 20, %f1;\n"
    "\tst.global.v2.u32 [%rd6], {%r3, %r4};\n"
    "\tst.global.u32 [%rd6+8], %r5;\n"
    "\texit;\n"
    "\t}\n";

static void test_slct(void)
{
    static const uint32_t in[] = {
        0, 1, 0x7fffffff, 0x80000000u, 0xffffffffu, 0x3f800000,
        0xbf800000u, 0x7fc00000, 0xffc00000u, 0x00000001, 0x80000001u,
        0x807fffffu, 0x00800000, 0x80800000u, 0x7f800000, 0xff800000u,
    };
    uint32_t out[16 * 3];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(slct_ptx, 16, out, sizeof(out), in,
                                   sizeof(in)), GV_ERR_NONE);
    for (int t = 0; t < 16; t++) {
        float f;
        bool sub;

        memcpy(&f, &in[t], 4);
        sub = fpclassify(f) == FP_SUBNORMAL;
        CU_ASSERT_EQUAL(out[3 * t], (int32_t)in[t] >= 0 ? 10u : 20u);
        CU_ASSERT_EQUAL(out[3 * t + 1], f >= 0.0f ? 10u : 20u);
        CU_ASSERT_EQUAL(out[3 * t + 2], (sub || f >= 0.0f) ? 10u : 20u);
    }
}

/* setp.ftz: subnormal operands compare as zero (PTX ISA 9.7.3.17).
 * Regression: the engine's SETP ignored .ftz (found by the Ocelot work,
 * which worked around it in slct.ftz). */
static const char setp_ftz_ptx[] =
    HEAD20
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .pred %p<4>;\n"
    "\t.reg .u32 %r<16>;\n"
    "\t.reg .u64 %rd<8>;\n"
    "\t.reg .f32 %f<4>;\n"
    KPROLOGUE
    "\tld.global.u32 %r2, [%rd2];\n"
    "\tmov.b32 %f1, %r2;\n"
    "\tmul.wide.u32 %rd6, %r1, 8;\n"
    "\tadd.u64 %rd6, %rd3, %rd6;\n"
    "\tsetp.ftz.gt.f32 %p1, %f1, 0f00000000;\n"
    "\tsetp.gt.f32 %p2, %f1, 0f00000000;\n"
    "\tselp.u32 %r3, 1, 0, %p1;\n"
    "\tselp.u32 %r4, 1, 0, %p2;\n"
    "\tst.global.v2.u32 [%rd6], {%r3, %r4};\n"
    "\texit;\n"
    "\t}\n";

static void test_setp_ftz(void)
{
    static const uint32_t in[] = {
        0, 1, 0x80000001u, 0x007fffff, 0x00800000, 0x3f800000,
        0xbf800000u, 0x7fc00000,
    };
    uint32_t out[8 * 2];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(setp_ftz_ptx, 8, out, sizeof(out), in,
                                   sizeof(in)), GV_ERR_NONE);
    for (int t = 0; t < 8; t++) {
        float f;
        bool sub;

        memcpy(&f, &in[t], 4);
        sub = fpclassify(f) == FP_SUBNORMAL;
        CU_ASSERT_EQUAL(out[2 * t], !sub && f > 0.0f);
        CU_ASSERT_EQUAL(out[2 * t + 1], f > 0.0f);
    }
}

/* mov.f16 is a 16-bit move.  Regression: the translator emitted a MOV of
 * type f16, which the ISA does not have, so the device refused the
 * module (found by fuzz-ptx, finding 3). */
static const char mov_f16_ptx[] =
    HEAD20
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u32 %r<4>;\n"
    "\t.reg .u64 %rd<8>;\n"
    "\t.reg .f16 %h<4>;\n"
    KPROLOGUE
    "\tld.global.b16 %h1, [%rd2];\n"
    "\tmov.f16 %h2, %h1;\n"
    "\tst.global.b16 [%rd1], %h2;\n"
    "\texit;\n"
    "\t}\n";

static void test_mov_f16(void)
{
    static const uint32_t in[] = { 0x3c00, 0xfc00, 0x7e01, 0x0001 };
    uint32_t out[4];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(mov_f16_ptx, 4, out, sizeof(out), in,
                                   sizeof(in)), GV_ERR_NONE);
    for (int t = 0; t < 4; t++) {
        CU_ASSERT_EQUAL(out[t] & 0xffff, in[t]);
    }
}

/* Bits: global pointer in global/shared/local, then the shared
 * variable's generic address, then the local variable's. */
static const char isspacep_ptx[] =
    HEAD20
    "\t.shared .align 4 .b8 sh[64];\n"
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<16>;\n"
    "\t.reg .u64 %rd<16>;\n"
    "\t.reg .pred %p<10>;\n"
    "\t.local .align 4 .b8 lo[16];\n"
    KPROLOGUE
    "\tcvta.global.u64 %rd6, %rd3;\n"
    "\tmov.u64 %rd7, sh;\n"
    "\tcvta.shared.u64 %rd8, %rd7;\n"
    "\tmov.u64 %rd9, lo;\n"
    "\tcvta.local.u64 %rd10, %rd9;\n"
    "\tisspacep.global %p1, %rd6;\n"
    "\tisspacep.shared %p2, %rd6;\n"
    "\tisspacep.local %p3, %rd6;\n"
    "\tisspacep.global %p4, %rd8;\n"
    "\tisspacep.shared %p5, %rd8;\n"
    "\tisspacep.local %p6, %rd8;\n"
    "\tisspacep.global %p7, %rd10;\n"
    "\tisspacep.shared::cta %p8, %rd10;\n"
    "\t@%p1 bra L1;\n"
    "\tbra.uni L2;\n"
    "L1:\n"
    "\tisspacep.local %p9, %rd10;\n"
    "L2:\n"
    "\tmov.u32 %r2, 0;\n"
    "\tselp.u32 %r3, 1, 0, %p1;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 2, 0, %p2;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 4, 0, %p3;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 8, 0, %p4;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 16, 0, %p5;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 32, 0, %p6;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 64, 0, %p7;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 128, 0, %p8;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tselp.u32 %r3, 256, 0, %p9;\n\tor.b32 %r2, %r2, %r3;\n"
    "\tst.global.u32 [%rd1], %r2;\n"
    "\texit;\n"
    "\t}\n";

static void test_isspacep(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(isspacep_ptx, 32, out, sizeof(out),
                                   NULL, 0), GV_ERR_NONE);
    for (int t = 0; t < 32; t++) {
        /* global: global; shared: shared; local: local */
        CU_ASSERT_EQUAL(out[t], 1u | 16u | 256u);
    }
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u64 %rd1;\n.reg .pred %p1;\n"
               "isspacep.const %p1, %rd1;\nexit;\n}\n", 6, "isspacep.const");
}

/* ==== module-scope .local and .reg, indirect calls ==== */

static const char modvar_ptx[] =
    HEAD20
    "\t.local .u32 %L1;\n"
    "\t.local .align 4 .b8 buf[8];\n"
    "\t.reg .u32 %mr;\n"
    "\t.reg .u32 %ra<4>;\n"
    "\t.func bump\n"
    "\t{\n"
    "\tld.local.u32 %ra1, [%L1];\n"
    "\tadd.u32 %ra1, %ra1, %mr;\n"
    "\tst.local.u32 [%L1], %ra1;\n"
    "\tst.local.u32 [buf+4], %ra1;\n"
    "\tret;\n"
    "\t}\n"
    "\t.entry k " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<8>;\n"
    "\t.reg .u64 %rd<8>;\n"
    KPROLOGUE
    "\tst.local.u32 [%L1], %r1;\n"
    "\tadd.u32 %mr, %r1, 100;\n"
    "\tcall.uni bump;\n"
    "\tcall.uni bump;\n"
    "\tld.local.u32 %r2, [buf+4];\n"
    "\tst.global.u32 [%rd1], %r2;\n"
    "\texit;\n"
    "\t}\n"
    "\t.entry k2 " KPARAMS
    "\t{\n"
    "\t.reg .u16 %rh<2>;\n"
    "\t.reg .u32 %r<8>;\n"
    "\t.reg .u64 %rd<8>;\n"
    KPROLOGUE
    "\tld.local.u32 %r2, [%L1];\n"
    "\tmov.u32 %mr, 7;\n"
    "\tcall.uni bump;\n"
    "\tld.local.u32 %r3, [%L1];\n"
    "\tadd.u32 %r2, %r2, %r3;\n"
    "\tst.global.u32 [%rd1], %r2;\n"
    "\texit;\n"
    "\t}\n";

static void test_module_vars(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(modvar_ptx, 32, out, sizeof(out), NULL,
                                   0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        CU_ASSERT_EQUAL(out[t], t + 2 * (t + 100));
    }
    /* local memory starts at zero in every launch */
    CU_ASSERT_EQUAL_FATAL(ptxr_run_entry(modvar_ptx, "k2", 32, out,
                                         sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        CU_ASSERT_EQUAL(out[t], 7u);
    }
}

static const char icall_ptx[] =
    ".version 3.1\n.target sm_20\n.address_size 64\n"
    ".visible .func (.param .b32 func_retval0) twice(\n"
    "\t.param .b32 twice_param_0\n)\n{\n"
    "\t.reg .s32 %r<3>;\n"
    "\tld.param.u32 %r1, [twice_param_0];\n"
    "\tshl.b32 %r2, %r1, 1;\n"
    "\tst.param.b32 [func_retval0+0], %r2;\n"
    "\tret;\n}\n"
    ".visible .func (.param .b32 func_retval0) thrice(\n"
    "\t.param .b32 thrice_param_0\n)\n{\n"
    "\t.reg .s32 %r<3>;\n"
    "\tld.param.u32 %r1, [thrice_param_0];\n"
    "\tmul.lo.s32 %r2, %r1, 3;\n"
    "\tst.param.b32 [func_retval0+0], %r2;\n"
    "\tret;\n}\n"
    ".visible .func (.param .b32 func_retval0) unused(\n"
    "\t.param .b32 unused_param_0\n)\n{\n"
    "\tst.param.b32 [func_retval0+0], 99;\n"
    "\tret;\n}\n"
    ".entry k(\n\t.param .u64 k_out,\n\t.param .u64 k_in\n)\n{\n"
    "\t.reg .pred %p<3>;\n"
    "\t.reg .s32 %r<10>;\n"
    "\t.reg .s64 %rl<11>;\n"
    "\tld.param.u64 %rl1, [k_out];\n"
    "\tmov.u32 %r1, %tid.x;\n"
    "\tand.b32 %r2, %r1, 1;\n"
    "\tsetp.eq.s32 %p1, %r2, 0;\n"
    "\tmov.u64 %rl2, thrice;\n"
    "\t@%p1 bra BB0_2;\n"
    "\tmov.u64 %rl2, twice;\n"
    "BB0_2:\n"
    "\tsetp.lt.u32 %p2, %r1, 24;\n"
    "\t{\n"
    "\t.param .b32 param0;\n"
    "\tst.param.b32 [param0+0], %r1;\n"
    "\t.param .b32 retval0;\n"
    "\tprototype_0 : .callprototype (.param .b32 _) _ (.param .b32 _);\n"
    "\t@%p2 call (retval0),\n\t%rl2,\n\t(\n\tparam0\n\t)\n"
    "\t, prototype_0;\n"
    "\tld.param.b32 %r8, [retval0+0];\n"
    "\t}\n"
    "\t@!%p2 mov.u32 %r8, 1000;\n"
    "\tmul.wide.u32 %rl3, %r1, 4;\n"
    "\tadd.s64 %rl4, %rl1, %rl3;\n"
    "\tst.global.u32 [%rl4], %r8;\n"
    "\tret;\n}\n";

static void test_indirect_calls(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(ptxr_run(icall_ptx, 32, out, sizeof(out), NULL,
                                   0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        CU_ASSERT_EQUAL(out[t], t >= 24 ? 1000u : t % 2 ? 2 * t : 3 * t);
    }
}

/* ==== a module without .entry ==== */

static const char noentry_ptx[] =
    HEAD20
    "\t.global .align 4 .b8 table[16] = {1, 2, 3, 4};\n"
    "\t.visible .func (.param .s32 __cudaretf_f) f (.param .s32 a)\n"
    "\t.visible .func (.param .s32 __cudaretf_f) f (.param .s32 a)\n"
    "\t{\n"
    "\t.reg .u32 %r<2>;\n"
    "\tld.param.s32 %r1, [a];\n"
    "\tst.param.s32 [__cudaretf_f], %r1;\n"
    "\tret;\n"
    "\t}\n";

/* Data and functions only: a valid module (the engine loads it, with
 * nothing to launch), whose variables are listed. */
static void test_no_entry(void)
{
    size_t len, n = 0;
    uint8_t *img = ptxr_translate(noentry_ptx, &len), *img2 = NULL;
    struct gv_ptx_symbol *ys = NULL;
    struct gv_isa_module h;
    char *dis, err[256];

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memcpy(&h, img, sizeof(h));
    CU_ASSERT_EQUAL(h.nfuncs, 0);
    CU_ASSERT_EQUAL(h.data_size, 16);
    CU_ASSERT_EQUAL(img[h.data_off + 2], 3);
    CU_ASSERT_EQUAL(gv_isa_find_func(img, len, "f"), -1);
    dis = gv_isa_disasm(img, len);
    CU_ASSERT_PTR_NOT_NULL(dis);
    free(dis);
    CU_ASSERT_EQUAL(gv_ptx_translate_syms(noentry_ptx, strlen(noentry_ptx),
                                          &img2, &len, &ys, &n, err,
                                          sizeof(err)), 0);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1) {
        CU_ASSERT_STRING_EQUAL(ys[0].name, "table");
    }
    free(ys);
    free(img2);
    {
        uint64_t mva = kt_load(ptxr_kt(), img, (uint32_t)len);
        struct kt_launch l = {
            .module_va = mva, .module_size = (uint32_t)h.total_size,
            .grid = { 1, 1, 1 }, .block = { 1, 1, 1 },
        };

        CU_ASSERT_NOT_EQUAL(kt_launch(ptxr_kt(), &l), GV_ERR_NONE);
    }
    free(img);
}

/* A zero array of 16.1 MiB (binomialOptions' d_CallBuffer) fits. */
static void test_big_data(void)
{
    size_t len;
    uint8_t *img = ptxr_translate(HEAD20
                                  "\t.global .align 8 .b8 buf[16908288];\n"
                                  "\t.global .u32 after = 7;\n"
                                  "\t.entry e { exit; }\n", &len);
    struct gv_isa_module h;
    uint32_t v;

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memcpy(&h, img, sizeof(h));
    CU_ASSERT_EQUAL(h.data_size, 16908288 + 4);
    memcpy(&v, img + h.data_off + 16908288, 4);
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT_EQUAL(img[h.data_off + 12345678], 0);
    free(img);
    ptxr_expect_err(HEAD20 "\t.global .b8 huge[40000000];\n", 3,
               "huge: module data larger than");
}

/* ==== GPU Ocelot's own test kernels, when the corpus is there ==== */

/* The file @name of the corpus (docs/ptx.md: GV_OCELOT_PTX or
 * /tmp/ocelot-ptx, its paths flattened with '_'), NUL-terminated; NULL
 * when absent. */
static char *ocelot_file(const char *name)
{
    const char *dir = getenv("GV_OCELOT_PTX");
    char path[512];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/tmp/ocelot-ptx",
             name);
    f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) || !(buf = calloc(1, (size_t)n + 1))) {
        fclose(f);
        return NULL;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* tests/ocelot/cuda/test/driver/generic.ptx: isspacep of a global, a
 * shared and a local address in every space; the file's comments give
 * the answers. */
static void ocelot_generic(const char *ptx)
{
    static const uint32_t want[9] = { 1000, 1001, 1002, 0, 0, 0, 0, 0, 0 };
    uint32_t out[9];
    size_t len;
    uint8_t *img = ptxr_translate(ptx, &len);
    uint64_t o = kt_alloc(ptxr_kt(), sizeof(out));

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memset(out, 0xff, sizeof(out));
    kt_write(ptxr_kt(), o, out, sizeof(out));
    CU_ASSERT_EQUAL(ptxr_launch(img, len, "genericmemory", 1, &o, 8),
                    GV_ERR_NONE);
    kt_read(ptxr_kt(), o, out, sizeof(out));
    CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want)), 0);
    free(img);
}

/* tests/ocelot/cuda/test/functions/indirectCall.ptx: thread i calls one
 * of funcDouble .. funcPentuple through a pointer chosen by (i + n) & 3
 * and stores its result for i. */
static void ocelot_indirect(const char *ptx)
{
    uint32_t out[64];
    size_t len;
    uint8_t *img = ptxr_translate(ptx, &len);
    struct { uint64_t out; uint32_t n; } __attribute__((packed)) p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    p.out = kt_alloc(ptxr_kt(), sizeof(out));
    p.n = 1;
    CU_ASSERT_EQUAL(ptxr_launch(img, len, "kernelEntry", 64, &p, 12),
                    GV_ERR_NONE);
    kt_read(ptxr_kt(), p.out, out, sizeof(out));
    for (uint32_t i = 0; i < 64; i++) {
        CU_ASSERT_EQUAL(out[i], i * (2 + ((i + 1) & 3)));
    }
    free(img);
}

static void test_ocelot_kernels(void)
{
    char *g = ocelot_file("ocelot_ocelot_cuda_test_driver_generic.ptx");
    char *ic = ocelot_file("ocelot_ocelot_cuda_test_functions_"
                           "indirectCall.ptx");

    if (!g || !ic) {
        fprintf(stderr, "(skipped: GPU Ocelot's corpus is absent, "
                "docs/ptx.md) ");
    } else {
        ocelot_generic(g);
        ocelot_indirect(ic);
    }
    free(g);
    free(ic);
}

/* ==== errors ==== */

static void test_errors(void)
{
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u32 %r<4>;\n"
               "mul24.s32 %r1, %r2, %r3;\nexit;\n}\n", 5,
               "mul24.s32: expected .hi or .lo");
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u64 %r<4>;\n"
               "mul24.lo.u64 %r1, %r2, %r3;\nexit;\n}\n", 5,
               "needs .u32 or .s32");
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u32 %r<4>;\n"
               "mad24.lo.sat.s32 %r1, %r2, %r3, %r1;\nexit;\n}\n", 5,
               ".sat needs mad24.hi.s32");
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u32 %r<4>;\n"
               "slct.u32.u32 %r1, %r2, %r3, %r1;\nexit;\n}\n", 5,
               "selector");
    /* an indirect call with no candidate, or without a prototype */
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u64 %rd1;\n"
               "p: .callprototype _ ();\n"
               "call %rd1, p;\nexit;\n}\n", 6,
               "no function of this signature");
    ptxr_expect_err(HEAD20 ".entry e {\n.reg .u64 %rd1;\n"
               "call %rd1;\nexit;\n}\n", 5, "prototype or target list");
    /* textures and dynamic parallelism stay refused with their line */
    ptxr_expect_err(HEAD20 ".tex .u32 t0;\n", 3, ".tex: textures");
    ptxr_expect_err(HEAD20 ".global .texref t0;\n", 3, ".texref: textures");
    ptxr_expect_err(".version 3.2\n.target sm_35\n.address_size 64\n"
               ".extern .func (.param .b64 r) cudaGetParameterBuffer\n"
               "(.param .b64 a, .param .b64 b);\n"
               ".entry e() {\n.reg .b64 %rd<2>;\n"
               "{\n.param .b64 p0;\n.param .b64 p1;\n.param .b64 r0;\n"
               "call.uni (r0), cudaGetParameterBuffer, (p0, p1);\n}\n"
               "ret;\n}\n", 12, "cudaGetParameterBuffer: dynamic "
               "parallelism");
    /* a module begins with .version */
    ptxr_expect_err("", 1, "module: no .version directive");
    ptxr_expect_err(".target sm_20\n.entry e { exit; }", 2, "no .version");
    /* a module-scope .local cannot be initialised */
    ptxr_expect_err(HEAD20 ".local .u32 x = 1;\n", 3, "module-scope .local");
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test translate[] = {
        { "prototypes without ';', .file/.loc", test_prototypes },
        { ".version and .target forms", test_versions },
        { "module data over 16 MiB", test_big_data },
        { "errors name the line and construct", test_errors },
        { NULL, NULL },
    };
    static const struct gv_cunit_test exec[] = {
        { "old-style prototypes and calls", test_exec_prototypes },
        { "map_f64_to_f32", test_map_f64 },
        { "mul24 and mad24", test_mul24 },
        { "slct", test_slct },
        { "setp.ftz flushes subnormal operands", test_setp_ftz },
        { "mov.f16 is a 16-bit move", test_mov_f16 },
        { "isspacep", test_isspacep },
        { "module-scope .local and .reg", test_module_vars },
        { "indirect calls", test_indirect_calls },
        { "a module without .entry", test_no_entry },
        { "GPU Ocelot's test kernels (if fetched)", test_ocelot_kernels },
        { NULL, NULL },
    };

    return ptxr_add_suites("ptx-compat", translate, exec);
}
