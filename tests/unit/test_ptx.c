/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the PTX translator (ptx/, docs/ptx.md):
 *
 *  - per construct: small PTX kernels are translated, the image is checked
 *    by gv_isa_check() and the engine's gv_compute_check_module(), and the
 *    instructions are inspected (op, type, modifiers, guard, constants,
 *    parameter table, shared/local sizes, data image, branch targets).
 *    The checks follow values through MOV/ADD/SUB/MADDR chains rather than
 *    expecting exact instruction sequences where the expansion is free;
 *  - errors: -1 and "line N: <construct>: ..." with the right N;
 *  - the build's kernels (GV_KERNEL_PTX, a ':'-separated list of .ptx
 *    files set by meson) translate and validate;
 *  - execution: some constructs (inlined calls, vector accesses, setp
 *    p|q, cvt rounding, atomics, warp operations) are run on the compute
 *    engine and their results compared with the PTX semantics;
 *  - fuzz: byte flips and truncations of valid images through the checker
 *    and the disassembler, random damage to PTX text through the
 *    translator (never a crash; GV_FUZZ_RUNS scales the iterations).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"

/* ---- building PTX ---- */

#define REGS ".reg .pred %p<10>; .reg .b16 %rs<10>; .reg .b32 %r<30>; " \
             ".reg .b64 %rd<30>; .reg .f32 %f<20>; .reg .f64 %fd<10>;"

static char *xprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = malloc((size_t)n + 1);
    if (!s) {
        abort();
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/*
 * A module: the header, then @pre (module-scope declarations, functions;
 * each line ending with '\n'), then ".visible .entry k(@params)" whose body
 * is REGS and @body.  The body's first line is body_line(@pre).
 */
static char *wrap(const char *pre, const char *params, const char *body)
{
    return xprintf(".version 7.0\n"
                   ".target sm_70\n"
                   ".address_size 64\n"
                   "%s"
                   ".visible .entry k(%s)\n"
                   "{\n"
                   "%s\n"
                   "%s\n"
                   "}\n", pre, params, REGS, body);
}

static int body_line(const char *pre)
{
    int n = 7;

    for (; *pre; pre++) {
        n += *pre == '\n';
    }
    return n;
}

/* ---- reading a translated module ---- */

struct mod {
    uint8_t *img;
    size_t len;
    struct gv_isa_module h;
    struct gv_isa_func f;               /* function 0 (or the chosen one) */
    struct gv_isa_param par[64];        /* its parameters */
    struct gv_insn *in;                 /* its instructions (a copy) */
    int n;
    uint64_t *k;                        /* the constant pool (a copy) */
    const uint8_t *data;                /* img + data_off */
};

static void mod_free(struct mod *m)
{
    free(m->img);
    free(m->in);
    free(m->k);
    memset(m, 0, sizeof(*m));
}

static void mod_select(struct mod *m, uint32_t fi)
{
    free(m->in);
    memcpy(&m->f, m->img + m->h.funcs_off + (size_t)fi * sizeof(m->f),
           sizeof(m->f));
    memset(m->par, 0, sizeof(m->par));
    for (uint32_t i = 0; i < m->f.nparams && i < 64; i++) {
        memcpy(&m->par[i], m->img + m->h.params_off +
               (size_t)(m->f.param_start + i) * sizeof(m->par[i]),
               sizeof(m->par[i]));
    }
    m->n = (int)m->f.insn_count;
    m->in = calloc((size_t)m->n + 1, sizeof(*m->in));
    if (!m->in) {
        abort();
    }
    memcpy(m->in, m->img + m->h.insns_off +
           (size_t)m->f.insn_start * sizeof(*m->in),
           (size_t)m->n * sizeof(*m->in));
}

/* Translate @ptx (not NUL-terminated on purpose: the translator must stay
 * within len); on success check it both ways and load function 0. */
static bool mod_load(struct mod *m, const char *ptx)
{
    size_t len = strlen(ptx);
    char *copy = malloc(len ? len : 1), err[512];
    int rc;

    memset(m, 0, sizeof(*m));
    if (!copy) {
        abort();
    }
    memcpy(copy, ptx, len);
    err[0] = 0;
    rc = gv_ptx_translate(copy, len, &m->img, &m->len, err, sizeof(err));
    free(copy);
    if (rc) {
        fprintf(stderr, "\n    translation failed: %s\n", err);
        CU_FAIL("translation failed");
        CU_ASSERT_PTR_NULL(m->img);
        return false;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->img);
    if (gv_isa_check(m->img, m->len, err, sizeof(err))) {
        fprintf(stderr, "\n    gv_isa_check: %s\n", err);
        CU_FAIL("gv_isa_check refuses the translator's output");
    }
    if (gv_compute_check_module(m->img, (uint32_t)m->len, err,
                                sizeof(err))) {
        fprintf(stderr, "\n    gv_compute_check_module: %s\n", err);
        CU_FAIL("the engine refuses the translator's output");
    }
    memcpy(&m->h, m->img, sizeof(m->h));
    m->k = calloc((size_t)m->h.nconsts + 1, 8);
    if (!m->k) {
        abort();
    }
    memcpy(m->k, m->img + m->h.consts_off, (size_t)m->h.nconsts * 8);
    m->data = m->img + m->h.data_off;
    mod_select(m, 0);
    return true;
}

static bool load(struct mod *m, const char *pre, const char *params,
                 const char *body)
{
    char *s = wrap(pre, params, body);
    bool ok = mod_load(m, s);

    free(s);
    return ok;
}

static void dump(const struct mod *m)
{
    char *d = gv_isa_disasm(m->img, m->len);

    fprintf(stderr, "\n%s", d ? d : "(no memory)\n");
    free(d);
}

static bool is_k(uint16_t v)
{
    return v >= GV_ISA_CONST_BASE && v != GV_ISA_NONE;
}

static uint64_t kv(const struct mod *m, uint16_t v)
{
    CU_ASSERT_FATAL(is_k(v) && v - GV_ISA_CONST_BASE < m->h.nconsts);
    return m->k[v - GV_ISA_CONST_BASE];
}

static bool writes(const struct gv_insn *in)
{
    switch (in->op) {
    case GV_I_NOP: case GV_I_ST: case GV_I_BRA: case GV_I_EXIT:
    case GV_I_BAR: case GV_I_TRAP:
        return false;
    default:
        return in->d != GV_ISA_NONE;
    }
}

/* Index of the next instruction with opcode @op from @from on, or -1. */
static int find(const struct mod *m, unsigned op, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n; i++) {
        if (m->in[i].op == op) {
            return i;
        }
    }
    return -1;
}

/* ... with opcode @op and type @type. */
static int find_t(const struct mod *m, unsigned op, unsigned type, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n; i++) {
        if (m->in[i].op == op && m->in[i].type == type) {
            return i;
        }
    }
    return -1;
}

/* ... with opcode @op, type @type and modifier @mod. */
static int find_tm(const struct mod *m, unsigned op, unsigned type,
                   unsigned mod, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n; i++) {
        if (m->in[i].op == op && m->in[i].type == type &&
            m->in[i].mod == mod) {
            return i;
        }
    }
    return -1;
}

static int count(const struct mod *m, unsigned op)
{
    int c = 0;

    for (int i = 0; i < m->n; i++) {
        c += m->in[i].op == op;
    }
    return c;
}

/* A branch's target, relative to the function. */
static int target(const struct mod *m, int i)
{
    return (int)((m->in[i].b | (uint32_t)m->in[i].c << 16) -
                 m->f.insn_start);
}

/* What a register (or constant) holds before instruction @at, following
 * MOV, ADD/SUB of constants and MADDR back through straight-line code. */
enum { V_INPUT, V_CONST, V_MADDR, V_DEF };
struct val {
    int kind;
    int def;            /* V_DEF: the defining instruction; V_INPUT: reg */
    uint64_t off;       /* V_CONST: value; V_MADDR: data offset; else + */
};

static struct val resolve(const struct mod *m, uint16_t r, int at)
{
    struct val v = { V_INPUT, r, 0 };

    if (is_k(r)) {
        v.kind = V_CONST;
        v.off = kv(m, r);
        return v;
    }
    for (int i = at - 1; i >= 0; i--) {
        const struct gv_insn *in = &m->in[i];
        struct val x, y;

        if (!writes(in) || in->d != r) {
            continue;
        }
        switch (in->op) {
        case GV_I_MOV:
            if (in->guard) {
                break;
            }
            return resolve(m, in->a, i);
        case GV_I_ADD:
        case GV_I_SUB:
            if (in->guard || (in->type != GV_T_U64 && in->type != GV_T_S64 &&
                              in->type != GV_T_U32 && in->type != GV_T_S32)) {
                break;
            }
            x = resolve(m, in->a, i);
            y = resolve(m, in->b, i);
            if (y.kind == V_CONST) {
                x.off = in->op == GV_I_ADD ? x.off + y.off : x.off - y.off;
                return x;
            }
            if (in->op == GV_I_ADD && x.kind == V_CONST) {
                y.off += x.off;
                return y;
            }
            break;
        case GV_I_MADDR:
            x = resolve(m, in->a, i);
            if (x.kind == V_CONST && !in->guard) {
                x.kind = V_MADDR;
                return x;
            }
            break;
        default:
            break;
        }
        v.kind = V_DEF;
        v.def = i;
        return v;
    }
    return v;
}

/* The address of the memory access at @i: base + (int16)e. */
static struct val addr(const struct mod *m, int i)
{
    struct val v = resolve(m, m->in[i].a, i);

    v.off += (uint64_t)(int64_t)(int16_t)m->in[i].e;
    return v;
}

/* The constant address of the access at @i (a param, shared or local
 * offset, or a data offset), -1 if it is not one. */
static int64_t kaddr(const struct mod *m, int i, int kind)
{
    struct val v = addr(m, i);

    return v.kind == kind ? (int64_t)v.off : -1;
}

static bool same_val(struct val a, struct val b)
{
    return a.kind == b.kind && a.def == b.def && a.off == b.off;
}

/* The register that @i writes, resolved as a value (for data flow). */
static bool flows(const struct mod *m, int from, int to, uint16_t opnd)
{
    struct val a = resolve(m, opnd, to), b = { V_DEF, from, 0 };

    if (m->in[from].op == GV_I_MOV) {
        b = resolve(m, m->in[from].a, from);
    }
    return same_val(a, b);
}

static void check_ends(const struct mod *m)
{
    CU_ASSERT_FATAL(m->n > 0);
    CU_ASSERT(m->in[m->n - 1].guard == 0);
    CU_ASSERT(m->in[m->n - 1].op == GV_I_EXIT ||
              m->in[m->n - 1].op == GV_I_BRA);
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

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
    /* membar, fence, bar.warp.sync: nothing or NOPs */
    for (i = 0; i < m.n; i++) {
        CU_ASSERT(m.in[i].op == GV_I_BAR || m.in[i].op == GV_I_NOP ||
                  m.in[i].op == GV_I_EXIT);
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

/* .func calls are inlined: nested, with return values, callee params and
 * callseq .param variables in local memory. */
static const char calls_pre[] =
    ".func (.param .b32 fr) add1(.param .b32 fx)\n"
    "{\n"
    ".reg .b32 %r<3>;\n"
    "ld.param.b32 %r1, [fx];\n"
    "add.s32 %r2, %r1, 1;\n"
    "st.param.b32 [fr], %r2;\n"
    "ret;\n"
    "}\n"
    ".func (.param .b32 tr) twice(.param .b32 tx, .param .b64 ty)\n"
    "{\n"
    ".reg .b32 %r<6>;\n"
    ".reg .b64 %rd<2>;\n"
    ".reg .pred %p<2>;\n"
    "ld.param.b32 %r1, [tx];\n"
    "ld.param.b64 %rd1, [ty];\n"
    "setp.gt.s32 %p1, %r1, 100;\n"
    "@%p1 bra $big;\n"
    "{\n"
    ".param .b32 a0;\n"
    ".param .b32 r0;\n"
    "st.param.b32 [a0], %r1;\n"
    "call.uni (r0), add1, (a0);\n"
    "ld.param.b32 %r2, [r0];\n"
    "}\n"
    "{\n"
    ".param .b32 a0;\n"
    ".param .b32 r0;\n"
    "st.param.b32 [a0], %r2;\n"
    "call.uni (r0), add1, (a0);\n"
    "ld.param.b32 %r3, [r0];\n"
    "}\n"
    "cvt.u32.u64 %r4, %rd1;\n"
    "add.s32 %r5, %r3, %r4;\n"
    "st.param.b32 [tr], %r5;\n"
    "ret;\n"
    "$big:\n"
    "st.param.b32 [tr], 0;\n"
    "ret;\n"
    "}\n"
    ".func noargs()\n"
    "{\n"
    "ret;\n"
    "}\n";

static const char calls_body[] =
    "ld.param.u64 %rd1, [k_out];\n"
    "cvta.to.global.u64 %rd2, %rd1;\n"
    "mov.u32 %r1, %tid.x;\n"
    "mul.lo.s32 %r2, %r1, 3;\n"
    "{\n"
    ".param .b32 p0;\n"
    ".param .b64 p1;\n"
    ".param .b32 rv;\n"
    "st.param.b32 [p0], %r2;\n"
    "st.param.b64 [p1], 7;\n"
    "call.uni (rv), twice, (p0, p1);\n"
    "ld.param.b32 %r3, [rv];\n"
    "}\n"
    "call.uni noargs, ();\n"
    "mul.wide.u32 %rd3, %r1, 4;\n"
    "add.s64 %rd4, %rd2, %rd3;\n"
    "st.global.u32 [%rd4], %r3;\n"
    "ret;";

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

/* ==== errors ==== */

static void expect_err_at(const char *ptx, int line, const char *needle,
                          const char *what)
{
    size_t len = strlen(ptx);
    char *copy = malloc(len + 1), err[512], want[32];
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 12345;
    int rc;

    if (!copy) {
        abort();
    }
    memcpy(copy, ptx, len);
    memset(err, 'x', sizeof(err));
    rc = gv_ptx_translate(copy, len, &out, &out_len, err, sizeof(err));
    free(copy);
    snprintf(want, sizeof(want), "line %d:", line);
    if (rc != -1 || out != NULL || !memchr(err, 0, sizeof(err)) ||
        strncmp(err, want, strlen(want)) || !strstr(err, needle)) {
        fprintf(stderr, "\n    %s: expected -1, \"%s ...%s...\"; got rc %d, "
                "\"%.200s\"\n", what, want, needle, rc,
                memchr(err, 0, sizeof(err)) ? err : "(not terminated)");
        CU_FAIL(what);
    }
    if (rc == 0 && out != (uint8_t *)1) {
        free(out);
    }
}

static void expect_err(const char *pre, const char *body, int rel_line,
                       const char *needle, const char *what)
{
    char *s = wrap(pre, "", body);

    expect_err_at(s, body_line(pre) + rel_line, needle, what);
    free(s);
}

/* Mutual recursion: entry -> ping (line 18) -> pong (line 7) -> ping
 * (line 12).  Found from the entry the cycle closes at line 12 (ping);
 * a checker walking the functions in order may report line 7 (pong). */
static void expect_err_mutual(void)
{
    static const char pre[] =
        ".func pong();\n"
        ".func ping()\n"
        "{\n"
        "call.uni pong, ();\n"
        "ret;\n"
        "}\n"
        ".func pong()\n"
        "{\n"
        "call.uni ping, ();\n"
        "ret;\n"
        "}\n";
    char *s = wrap(pre, "", "call.uni ping, ();\nret;"), err[512];
    uint8_t *out = NULL;
    size_t len;
    int rc = gv_ptx_translate(s, strlen(s), &out, &len, err, sizeof(err));

    CU_ASSERT_EQUAL(body_line(pre), 18);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(out);
    if (rc == -1 && !((!strncmp(err, "line 12:", 8) && strstr(err, "ping")) ||
                      (!strncmp(err, "line 7:", 7) && strstr(err, "pong")))) {
        fprintf(stderr, "\n    mutual recursion: %s\n", err);
        CU_FAIL("mutual recursion: line / name");
    }
    free(s);
    if (rc == 0) {
        free(out);
    }
}

static void test_errors(void)
{
    /* rel_line: 0 is the body's first line */
    expect_err("", "mov.u32 %r1, 1;\n"
               "tex.1d.v4.f32.s32 {%f1, %f2, %f3, %f4}, [tx, {%r1}];\nret;",
               1, "tex", "unsupported instruction tex");
    expect_err("", "add.s32 %r1, %r2, %r3;\nadd.s32 %r1, %r2, %r3;\n"
               "frobnicate.u32 %r1, %r2;\nret;", 2, "frobnicate",
               "unknown instruction");
    expect_err("", "add.s32 %r1, %r2, %r3;\n"
               "add.foo.s32 %r4, %r2, %r3;\nret;", 1, "foo",
               "unknown modifier");
    expect_err("", "ld.global.zz.u32 %r1, [%rd1];\nret;", 0, "zz",
               "unknown modifier on ld");
    expect_err("", "mov.u32 %r1, 0;\n\n\nadd.s32 %r1, %r2, %zz9;\nret;", 3,
               "%zz9", "undefined register");
    expect_err("", "mov.u32 %r1, %r31;\nret;", 0, "%r31",
               "register outside its %r<N> range");
    expect_err("", "mov.u32 %r1, 0;\nbra.uni NOWHERE;\nret;", 1, "NOWHERE",
               "undefined label");
    expect_err("", "mov.u32 %r1, 0;\nadd.s32 %r1, %r2, %r3\n"
               "add.s32 %r4, %r2, %r3;\nret;", 1, "add.s32",
               "missing ';'");
    expect_err("", "mov.u32 %r1, 0;\n.maxnreg 16;\nret;", 1, ".maxnreg",
               "directive in a body");
    expect_err(".foo 1;\n", "ret;", -4, ".foo", "unsupported directive");
    expect_err("\n.texref tref;\n", "ret;", -4, ".texref",
               "unsupported directive .texref");
    expect_err("", "mov.u32 %r1, 0;\nmov.u64 %rd1, nosuchvar;\nret;", 1,
               "nosuchvar", "undefined symbol");
    expect_err("", "call.uni nosuchfunc, ();\nret;", 0, "nosuchfunc",
               "call of an undefined function");
    expect_err("", "add.s32 %r1, %r2;\nret;", 0, "add.s32",
               "wrong operand count");
    expect_err("", "ld.global.u32 %r1, %r2;\nret;", 0, "ld.global.u32",
               "ld needs a memory operand");
    /* gv_ptx_translate_file: the path leads the message */
    {
        char ferr[256] = "";
        uint8_t *fimg = (uint8_t *)&ferr;
        size_t flen;

        CU_ASSERT_EQUAL(gv_ptx_translate_file("/nonexistent/k.ptx", &fimg,
                                              &flen, ferr, sizeof(ferr)), -1);
        CU_ASSERT_PTR_NULL(fimg);
        CU_ASSERT(strncmp(ferr, "/nonexistent/k.ptx: ", 20) == 0);
    }
    expect_err(".global .align 4 .u32 gvar;\n",
               "ld.shared.u32 %r1, [gvar];\nret;", 0, "ld.shared.u32",
               "a .global variable through the shared space");
    /* recursion: direct and mutual; the error names the function at the
     * call that closes the cycle */
    expect_err(".func rec()\n"
               "{\n"
               "call.uni rec, ();\n"
               "ret;\n"
               "}\n", "call.uni rec, ();\nret;", -6, "rec",
               "direct recursion");
    expect_err_mutual();
    /* header problems */
    expect_err_at(".version 7.0\n.target sm_70\n.address_size 16\n", 3,
                  ".address_size", "16-bit addresses");
    expect_err_at(".version 7.0\n.target sm_70\n.address_size 64\n"
                  ".visible .entry k()\n{\nret;\n", 4, "k",
                  "missing '}'");
}

/* err may be NULL or short; out stays NULL on failure. */
static void test_error_buffers(void)
{
    const char *bad = ".version 7.0\n.target sm_70\n.address_size 64\n"
                      ".visible .entry k()\n{\nbogus.op;\n}\n";
    uint8_t *out = (uint8_t *)1;
    size_t len = 0;
    char err[8];

    CU_ASSERT_EQUAL(gv_ptx_translate(bad, strlen(bad), &out, &len, NULL, 0),
                    -1);
    CU_ASSERT_PTR_NULL(out);
    memset(err, 'x', sizeof(err));
    CU_ASSERT_EQUAL(gv_ptx_translate(bad, strlen(bad), &out, &len, err,
                                     sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(memchr(err, 0, sizeof(err)));
    CU_ASSERT_EQUAL(strncmp(err, "line 6:", 7), 0);
    CU_ASSERT_EQUAL(gv_ptx_translate(bad, 0, &out, &len, err, sizeof(err)),
                    -1);
    /* the checker with NULL / short buffers */
    CU_ASSERT_EQUAL(gv_isa_check(NULL, 0, err, sizeof(err)), -1);
    CU_ASSERT_EQUAL(gv_isa_check((const uint8_t *)bad, 10, NULL, 0), -1);
    CU_ASSERT_EQUAL(gv_isa_find_func(NULL, 0, "k"), -1);
}

/* ==== the build's kernels ==== */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* The names after ".entry" in @ptx: how many; each must be in @m. */
static int check_entries(const struct mod *m, const char *ptx,
                         const char *path)
{
    int n = 0;

    for (const char *p = ptx; (p = strstr(p, ".entry")); p += 6) {
        char name[256];
        size_t k = 0;
        const char *q = p + 6;

        if (q[0] != ' ' && q[0] != '\t') {
            continue;
        }
        while (*q == ' ' || *q == '\t') {
            q++;
        }
        while (k < sizeof(name) - 1 &&
               (isalnum((unsigned char)*q) || *q == '_' || *q == '$')) {
            name[k++] = *q++;
        }
        name[k] = 0;
        if (gv_isa_find_func(m->img, m->len, name) < 0) {
            fprintf(stderr, "\n    %s: entry %s missing\n", path, name);
            CU_FAIL("entry missing");
        }
        n++;
    }
    return n;
}

static int nkernels;

static void test_kernels(void)
{
    const char *list = getenv("GV_KERNEL_PTX");
    char *dup, *save = NULL;

    if (!list || !*list) {
        fprintf(stderr, "(GV_KERNEL_PTX not set: no kernels) ");
        return;
    }
    dup = strdup(list);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
    for (char *path = strtok_r(dup, ":", &save); path;
         path = strtok_r(NULL, ":", &save)) {
        size_t len;
        char *ptx = slurp(path, &len);
        struct mod m;
        char *d;

        if (!ptx) {
            fprintf(stderr, "\n    cannot read %s\n", path);
            CU_FAIL("cannot read a kernel");
            continue;
        }
        nkernels++;
        if (mod_load(&m, ptx)) {
            int n = check_entries(&m, ptx, path);

            CU_ASSERT(n >= 1);
            CU_ASSERT_EQUAL(m.h.nfuncs, (uint32_t)n);
            for (uint32_t fi = 0; fi < m.h.nfuncs; fi++) {
                mod_select(&m, fi);
                check_ends(&m);
            }
            d = gv_isa_disasm(m.img, m.len);
            CU_ASSERT_PTR_NOT_NULL(d);
            if (d) {
                CU_ASSERT(strncmp(d, "invalid", 7) != 0);
                CU_ASSERT_PTR_NOT_NULL(strstr(d, ".entry"));
            }
            free(d);
            mod_free(&m);
        } else {
            fprintf(stderr, "    (%s)\n", path);
        }
        free(ptx);
    }
    free(dup);
    CU_ASSERT(nkernels >= 1);
}

/* ==== fuzz ==== */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned fuzz_runs(unsigned dflt)
{
    const char *e = getenv("GV_FUZZ_RUNS");       /* valgrind: fewer */

    if (e && *e) {
        unsigned long v = strtoul(e, NULL, 10);

        return v ? (unsigned)v : 1;
    }
    return dflt;
}

/* Modules to damage: snippets of this file plus the build's kernels. */
static char **fuzz_texts(int *n)
{
    char **t = calloc(32, sizeof(*t));
    const char *list = getenv("GV_KERNEL_PTX");
    int k = 0;

    if (!t) {
        abort();
    }
    t[k++] = wrap(calls_pre, ".param .u64 k_out", calls_body);
    t[k++] = wrap(".global .align 4 .u32 g[4] = {1, 2, 3, 4};\n"
                  ".shared .align 4 .b8 sh[64];\n",
                  ".param .u64 k_p, .param .u32 k_n",
                  "ld.param.u64 %rd1, [k_p];\n"
                  "ld.param.u32 %r1, [k_n];\n"
                  "mov.u32 %r2, %tid.x;\n"
                  "setp.ge.u32 %p1, %r2, %r1;\n"
                  "@%p1 bra $done;\n"
                  "ld.global.v2.u32 {%r3, %r4}, [g+8];\n"
                  "st.shared.u32 [sh+4], %r3;\n"
                  "bar.sync 0;\n"
                  "atom.global.add.u32 %r5, [%rd1], %r4;\n"
                  "shfl.sync.bfly.b32 %r6, %r5, 1, 31, -1;\n"
                  "cvt.rn.f32.u32 %f1, %r6;\n"
                  "fma.rn.f32 %f2, %f1, 0f3F000000, %f1;\n"
                  "st.global.f32 [%rd1+4], %f2;\n"
                  "$done:\n"
                  "ret;");
    if (list && *list) {
        char *dup = strdup(list), *save = NULL;

        for (char *p = dup ? strtok_r(dup, ":", &save) : NULL; p && k < 31;
             p = strtok_r(NULL, ":", &save)) {
            size_t len;
            char *s = slurp(p, &len);

            if (s) {
                t[k++] = s;
            }
        }
        free(dup);
    }
    *n = k;
    return t;
}

static void free_texts(char **t, int n)
{
    for (int i = 0; i < n; i++) {
        free(t[i]);
    }
    free(t);
}

/* Byte flips, field smashes and truncations of valid images: the checker
 * and the disassembler never crash, and the checker agrees with the
 * engine's validator. */
static void test_fuzz_image(void)
{
    static const uint16_t smash[] = {
        0, 1, 0xff, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x100, 0x8001,
    };
    int ntexts, nimg = 0, disagree = 0, valid = 0, laxer = 0;
    char **texts = fuzz_texts(&ntexts);
    struct mod imgs[32];
    unsigned runs = fuzz_runs(4000);

    for (int i = 0; i < ntexts; i++) {
        if (mod_load(&imgs[nimg], texts[i])) {
            nimg++;
        }
    }
    free_texts(texts, ntexts);
    CU_ASSERT_FATAL(nimg > 0);
    for (unsigned r = 0; r < runs; r++) {
        const struct mod *m = &imgs[rnd() % (unsigned)nimg];
        size_t len = m->len;
        uint8_t *p = malloc(len);
        char err[256], why[256];
        int kind = (int)(rnd() % 4), a, b;
        char *d;

        CU_ASSERT_FATAL(p != NULL);
        memcpy(p, m->img, len);
        switch (kind) {
        case 0:                         /* random bytes anywhere */
            for (int n = 1 + (int)(rnd() % 4); n; n--) {
                p[rnd() % len] = (uint8_t)rnd();
            }
            break;
        case 1: {                       /* a 16-bit field of an insn */
            size_t at = m->h.insns_off +
                        (size_t)(rnd() % m->h.ninsns) * 16 +
                        (rnd() % 8) * 2;
            uint16_t v = smash[rnd() % (sizeof(smash) / sizeof(smash[0]))];

            if (rnd() % 2) {
                v = (uint16_t)rnd();
            }
            memcpy(p + at, &v, 2);
            break;
        }
        case 2: {                       /* a header or function field */
            size_t at = rnd() % 2 ? (rnd() % 16) * 4
                                  : m->h.funcs_off + (rnd() % 14) * 4;
            uint32_t v = (uint32_t)(rnd() % 3 ? rnd() % 64 : rnd());

            if (at + 4 <= len) {
                memcpy(p + at, &v, 4);
            }
            break;
        }
        default:                        /* truncation */
            len = rnd() % len;
            if (len >= 12 && rnd() % 2) {
                uint32_t t = (uint32_t)len;

                memcpy(p + 8, &t, 4);           /* total_size follows */
            }
            break;
        }
        a = gv_isa_check(len ? p : NULL, len, err, sizeof(err));
        b = gv_compute_check_module(p, (uint32_t)len, why, sizeof(why));
        CU_ASSERT(a == 0 || a == -1);
        if (a == 0) {
            valid++;
            CU_ASSERT(gv_isa_find_func(p, len, "k") >= -1);
        } else {
            CU_ASSERT(err[0] != 0);
        }
        if (a == 0 && b != 0) {
            /* gv_isa_check accepts what the device refuses */
            if (disagree++ < 5) {
                fprintf(stderr, "\n    checkers disagree: gv_isa_check %s, "
                        "engine %s\n", a ? err : "ok", b ? why : "ok");
            }
        }
        laxer += a != 0 && b == 0;
        d = gv_isa_disasm(len ? p : NULL, len);
        CU_ASSERT_PTR_NOT_NULL(d);
        if (d && a) {
            CU_ASSERT_EQUAL(strncmp(d, "invalid module", 14), 0);
        }
        free(d);
        free(p);
    }
    CU_ASSERT_EQUAL(disagree, 0);
    fprintf(stderr, "(%u images, %d still valid, %d valid for the engine "
            "only) ", runs, valid, laxer);
    for (int i = 0; i < nimg; i++) {
        mod_free(&imgs[i]);
    }
}

/* Damaged PTX text: 0 with a valid module, or -1 with a message. */
static void test_fuzz_ptx(void)
{
    static const char *toks[] = {
        "{", "}", ";", ",", "[", "]", "(", ")", "%r1", "%p1", "@", "@!%p1 ",
        ".reg .b32 %x<4>;", ".param", "0f", "0d7FF0000000000000", "-",
        "0x", "99999999999999999999999", "call.uni", "ret;", "bra $L;",
        "$L:", ".entry", ".func", "add.s32", ".v4", "<", ">", "|", "!",
        "1.5e999", "//", "/*", "\"", ".global .u32 zz[2] = {1,", "_",
        "ld.param.u64 %rd1, [k_p+", "\n", "\t", "\0", "\x80\xff",
        ".shared .align 8192 .b8 q[1];", ".local .b8 big[100000];",
    };
    int ntexts, ok = 0, fail = 0;
    char **texts = fuzz_texts(&ntexts);
    unsigned runs = fuzz_runs(2000);

    for (unsigned r = 0; r < runs; r++) {
        const char *src = texts[rnd() % (unsigned)ntexts];
        size_t slen = strlen(src), len, cap = slen + 256;
        char *p = malloc(cap), err[256];
        uint8_t *out = (uint8_t *)1;
        size_t out_len = 0;
        int rc;

        CU_ASSERT_FATAL(p != NULL);
        memcpy(p, src, slen);
        len = slen;
        for (int n = 1 + (int)(rnd() % 3); n; n--) {
            size_t at = rnd() % (len + 1);

            switch (rnd() % 5) {
            case 0:                     /* truncate */
                len = at;
                break;
            case 1:                     /* garbage byte */
                if (at < len) {
                    p[at] = (char)(rnd() % 3 ? 32 + rnd() % 95 : rnd());
                }
                break;
            case 2: {                   /* insert a token */
                const char *t = toks[rnd() % (sizeof(toks) /
                                               sizeof(toks[0]))];
                size_t tl = t[0] ? strlen(t) : 1;

                if (len + tl <= cap) {
                    memmove(p + at + tl, p + at, len - at);
                    memcpy(p + at, t, tl);
                    len += tl;
                }
                break;
            }
            case 3: {                   /* delete a span */
                size_t n2 = rnd() % 40;

                if (at + n2 > len) {
                    n2 = len - at;
                }
                memmove(p + at, p + at + n2, len - at - n2);
                len -= n2;
                break;
            }
            default:                    /* change a digit */
                if (at < len && p[at] >= '0' && p[at] <= '9') {
                    p[at] = (char)('0' + rnd() % 10);
                } else if (at < len) {
                    p[at] = '9';
                }
                break;
            }
        }
        /* exactly len bytes, no terminator: the translator must respect
         * len (ASan sees any read past it) */
        {
            char *exact = malloc(len ? len : 1);

            CU_ASSERT_FATAL(exact != NULL);
            memcpy(exact, p, len);
            err[0] = 0;
            rc = gv_ptx_translate(exact, len, &out, &out_len, err,
                                  sizeof(err));
            free(exact);
        }
        if (rc == 0) {
            ok++;
            CU_ASSERT_PTR_NOT_NULL(out);
            if (out) {
                char why[256];

                CU_ASSERT_EQUAL(gv_isa_check(out, out_len, why,
                                             sizeof(why)), 0);
                if (gv_compute_check_module(out, (uint32_t)out_len, why,
                                            sizeof(why))) {
                    fprintf(stderr, "\n    engine refuses a translated "
                            "module: %s\n", why);
                    CU_FAIL("translated module refused");
                }
                free(out);
            }
        } else {
            fail++;
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_PTR_NULL(out);
            CU_ASSERT(err[0] != 0);
            if (strncmp(err, "line ", 5)) {
                static int shown;

                if (shown++ < 3) {
                    fprintf(stderr, "\n    message without a line: %s\n",
                            err);
                }
            }
        }
        free(p);
    }
    fprintf(stderr, "(%d translated, %d refused) ", ok, fail);
    free_texts(texts, ntexts);
}

/* ==== execution on the compute engine ==== */

#define VRAM    (64ull << 20)
#define UNPROT  (16ull << 20)
#define PROT    (40ull << 20)

static struct td *td;
static struct kt kt1;

static void exec_setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&kt1, td, 1, NULL, 1 << 20, true);
}

static void exec_teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
}

/* Entry k(.param .u64 k_out, .param .u64 k_in); this prologue leaves
 * %r29 = tid.x, %rd20/%rd21 = out/in, %rd23/%rd24 = out/in + 4 * tid. */
#define EXEC_PARAMS ".param .u64 k_out, .param .u64 k_in"
#define PROLOGUE                                \
    "ld.param.u64 %rd20, [k_out];\n"            \
    "ld.param.u64 %rd21, [k_in];\n"             \
    "mov.u32 %r29, %tid.x;\n"                   \
    "mul.wide.u32 %rd22, %r29, 4;\n"            \
    "add.s64 %rd23, %rd20, %rd22;\n"            \
    "add.s64 %rd24, %rd21, %rd22;\n"

/* Translate and run one block of @threads; @out (zeroed first) and @io
 * (written first) are read back.  The launch's error code, or -1. */
static int run(const char *pre, const char *body, uint32_t threads,
               void *out, uint32_t out_len, void *io, uint32_t io_len)
{
    struct mod m;
    uint64_t mva, o, i, params[2];
    void *zero;
    int rc;

    if (!load(&m, pre, EXEC_PARAMS, body)) {
        return -1;
    }
    CU_ASSERT_EQUAL(m.f.param_size, 16);
    mva = kt_load(&kt1, m.img, (uint32_t)m.len);
    o = kt_alloc(&kt1, out_len);
    i = kt_alloc(&kt1, io_len ? io_len : 8);
    zero = calloc(1, out_len);
    CU_ASSERT_FATAL(zero != NULL);
    kt_write(&kt1, o, zero, out_len);
    free(zero);
    if (io_len) {
        kt_write(&kt1, i, io, io_len);
    }
    params[0] = o;
    params[1] = i;
    {
        struct kt_launch l = {
            .module_va = mva, .module_size = (uint32_t)m.len,
            .grid = { 1, 1, 1 }, .block = { threads, 1, 1 },
            .params = params, .param_size = 16,
        };

        rc = kt_launch(&kt1, &l);
    }
    if (rc != GV_ERR_NONE) {
        fprintf(stderr, "\n    launch: %s\n", gv_error_name((unsigned)rc));
        dump(&m);
    }
    kt_read(&kt1, o, out, out_len);
    if (io_len) {
        kt_read(&kt1, i, io, io_len);
    }
    mod_free(&m);
    return rc;
}

/* Nested inlined calls with return values, an early return inside a
 * callee under divergence, callee registers named like the caller's. */
static void test_exec_calls(void)
{
    uint32_t out[64];
    char *body = xprintf("%s", calls_body);

    CU_ASSERT_EQUAL_FATAL(run(calls_pre, body, 64, out, sizeof(out), NULL,
                              0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        uint32_t want = 3 * t > 100 ? 0 : 3 * t + 2 + 7;

        if (out[t] != want) {
            fprintf(stderr, "\n    thread %u: %u, expected %u\n", t, out[t],
                    want);
            CU_FAIL("inlined calls compute the wrong value");
            break;
        }
    }
    free(body);
}

/* .v4/.v2 loads and stores. */
static void test_exec_vector(void)
{
    float in[64], out[64];
    uint32_t io[64 + 32];

    for (int i = 0; i < 64; i++) {
        in[i] = (float)i * 1.5f;
    }
    memcpy(io, in, sizeof(in));
    for (int i = 0; i < 32; i++) {
        io[64 + i] = 0x1000u + (uint32_t)i;
    }
    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 16;\n"
            "add.s64 %rd2, %rd21, %rd1;\n"
            "add.s64 %rd3, %rd20, %rd1;\n"
            "ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd2];\n"
            "st.global.v4.f32 [%rd3], {%f4, %f3, %f2, %f1};\n"
            "mul.wide.u32 %rd4, %r29, 8;\n"
            "add.s64 %rd5, %rd21, %rd4;\n"
            "ld.global.v2.u32 {%r1, %r2}, [%rd5+256];\n"
            "st.global.v2.u32 [%rd5+256], {%r2, %r1};\n"
            "ret;", 16, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (int t = 0; t < 16; t++) {
        for (int j = 0; j < 4; j++) {
            CU_ASSERT_EQUAL(out[4 * t + j], in[4 * t + 3 - j]);
        }
        CU_ASSERT_EQUAL(io[64 + 2 * t], 0x1000u + 2 * (uint32_t)t + 1);
        CU_ASSERT_EQUAL(io[64 + 2 * t + 1], 0x1000u + 2 * (uint32_t)t);
    }
}

/* setp with .and/.or/.xor and p|q, selp with !p, set. */
static void test_exec_setp(void)
{
    uint32_t out[32];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "and.b32 %r2, %r29, 1;\n"
            "setp.ne.u32 %p3, %r2, 0;\n"
            "setp.lt.and.s32 %p1|%p2, %r29, 10, %p3;\n"
            "selp.u32 %r3, 1, 0, %p1;\n"
            "selp.u32 %r4, 2, 0, %p2;\n"
            "add.u32 %r5, %r3, %r4;\n"
            "setp.ge.or.s32 %p4, %r29, 20, !%p3;\n"
            "selp.u32 %r6, 4, 0, %p4;\n"
            "add.u32 %r5, %r5, %r6;\n"
            "set.lt.u32.s32 %r7, %r29, 5;\n"
            "and.b32 %r7, %r7, 8;\n"
            "add.u32 %r5, %r5, %r7;\n"
            "setp.eq.xor.s32 %p5, %r29, 3, %p3;\n"
            "selp.u32 %r8, 16, 0, %p5;\n"
            "add.u32 %r5, %r5, %r8;\n"
            "set.gt.f32.s32 %f1, %r29, 15;\n"
            "mul.f32 %f2, %f1, 0f42000000;\n"
            "cvt.rzi.u32.f32 %r9, %f2;\n"
            "add.u32 %r5, %r5, %r9;\n"
            "selp.u32 %r10, 64, 0, !%p3;\n"
            "add.u32 %r5, %r5, %r10;\n"
            "st.global.u32 [%rd23], %r5;\n"
            "ret;", 32, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        bool odd = t & 1;
        uint32_t want = 0;

        want += (t < 10 && odd) ? 1 : 0;
        want += (!(t < 10) && odd) ? 2 : 0;
        want += (t >= 20 || !odd) ? 4 : 0;
        want += t < 5 ? 8 : 0;
        want += ((t == 3) != odd) ? 16 : 0;
        want += t > 15 ? 32 : 0;
        want += !odd ? 64 : 0;
        if (out[t] != want) {
            fprintf(stderr, "\n    thread %u: 0x%x, expected 0x%x\n", t,
                    out[t], want);
            CU_FAIL("setp/selp/set");
        }
    }
}

static int32_t f2i(double x, int mode, bool u)
{
    double lo = u ? 0 : -2147483648.0, hi = u ? 4294967295.0 : 2147483647.0;

    if (isnan(x)) {
        return 0;
    }
    x = mode == 0 ? nearbyint(x) : mode == 1 ? trunc(x)
        : mode == 2 ? floor(x) : ceil(x);
    if (x < lo) {
        x = lo;
    }
    if (x > hi) {
        x = hi;
    }
    return u ? (int32_t)(uint32_t)x : (int32_t)x;
}

/* cvt rounding modes and saturation, float -> integer and float. */
static void test_exec_cvt(void)
{
    static const float in[16] = {
        2.5f, -2.5f, 3.7f, -3.7f, 0.5f, -0.5f, 1.5f, 1e10f,
        -1e10f, NAN, 0.0f, -0.0f, 2147483520.0f, 1e-3f, 123456.5f, -7.5f,
    };
    uint32_t out[16 * 8];
    float fo, io[16];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "ld.global.f32 %f1, [%rd24];\n"
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "cvt.rni.s32.f32 %r1, %f1;\n"
            "cvt.rzi.s32.f32 %r2, %f1;\n"
            "cvt.rmi.s32.f32 %r3, %f1;\n"
            "cvt.rpi.s32.f32 %r4, %f1;\n"
            "cvt.rni.u32.f32 %r5, %f1;\n"
            "cvt.rni.f32.f32 %f2, %f1;\n"
            "cvt.sat.f32.f32 %f3, %f1;\n"
            "cvt.rzi.s64.f32 %rd3, %f1;\n"
            "cvt.sat.s32.s64 %r6, %rd3;\n"
            "st.global.v4.u32 [%rd2], {%r1, %r2, %r3, %r4};\n"
            "st.global.u32 [%rd2+16], %r5;\n"
            "st.global.f32 [%rd2+20], %f2;\n"
            "st.global.f32 [%rd2+24], %f3;\n"
            "st.global.u32 [%rd2+28], %r6;\n"
            "ret;", 16, out, sizeof(out), memcpy(io, in, sizeof(in)),
            sizeof(io)),
        GV_ERR_NONE);
    for (int t = 0; t < 16; t++) {
        const uint32_t *o = &out[8 * t];
        double x = in[t];
        float r = isnan(in[t]) ? NAN : nearbyintf(in[t]);
        float sat = isnan(in[t]) ? 0.0f : in[t] < 0 ? 0.0f
                    : in[t] > 1 ? 1.0f : in[t];

        for (int mode = 0; mode < 4; mode++) {
            if ((int32_t)o[mode] != f2i(x, mode, false)) {
                fprintf(stderr, "\n    %g mode %d: %d, expected %d\n", x,
                        mode, (int32_t)o[mode], f2i(x, mode, false));
                CU_FAIL("cvt float -> s32");
            }
        }
        CU_ASSERT_EQUAL((uint32_t)o[4], (uint32_t)f2i(x, 0, true));
        memcpy(&fo, &o[5], 4);
        CU_ASSERT(isnan(r) ? isnan(fo) : fo == r);
        memcpy(&fo, &o[6], 4);
        CU_ASSERT(fo == sat && !signbit(fo) == !signbit(sat));
        /* NaN into .s64 is 1 << 63 (PTX ISA 9.0), saturated to s32 */
        CU_ASSERT_EQUAL((int32_t)o[7], isnan(x) ? INT32_MIN
                                                : f2i(x, 1, false));
    }
}

/* atom and red on global and shared memory, from 64 threads. */
static void test_exec_atom(void)
{
    uint32_t out[64], io[16] = { 0 };
    bool seen[64] = { false };
    int zero = 0;
    float f;

    CU_ASSERT_EQUAL_FATAL(
        run(".shared .align 4 .u32 scnt;\n", PROLOGUE
            "atom.global.add.u32 %r1, [%rd21], 1;\n"
            "red.global.add.u32 [%rd21+4], %r29;\n"
            "sub.s32 %r2, %r29, 30;\n"
            "atom.global.max.s32 %r3, [%rd21+8], %r2;\n"
            "add.u32 %r4, %r29, 1;\n"
            "atom.global.cas.b32 %r5, [%rd21+12], 0, %r4;\n"
            "atom.shared.add.u32 %r6, [scnt], 2;\n"
            "atom.global.inc.u32 %r7, [%rd21+20], 9;\n"
            "atom.global.add.f32 %f1, [%rd21+24], 0f3F800000;\n"
            "atom.global.min.s32 %r8, [%rd21+28], %r2;\n"
            "atom.global.or.b32 %r9, [%rd21+32], %r4;\n"
            "atom.global.exch.b32 %r10, [%rd21+36], %r4;\n"
            "bar.sync 0;\n"
            "setp.ne.u32 %p1, %r29, 0;\n"
            "@%p1 bra $skip;\n"
            "ld.shared.u32 %r11, [scnt];\n"
            "st.global.u32 [%rd21+16], %r11;\n"
            "$skip:\n"
            "setp.eq.u32 %p2, %r5, 0;\n"
            "selp.u32 %r12, 0x10000, 0, %p2;\n"
            "add.u32 %r13, %r1, %r12;\n"
            "st.global.u32 [%rd23], %r13;\n"
            "ret;", 64, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (int t = 0; t < 64; t++) {
        uint32_t old = out[t] & 0xffff;

        CU_ASSERT(old < 64 && !seen[old]);
        if (old < 64) {
            seen[old] = true;
        }
        zero += out[t] >> 16 == 1;
    }
    CU_ASSERT_EQUAL(io[0], 64);
    CU_ASSERT_EQUAL(io[1], 2016);
    CU_ASSERT_EQUAL(io[2], 33);
    CU_ASSERT_EQUAL(zero, 1);                  /* one CAS wins */
    CU_ASSERT(io[3] >= 1 && io[3] <= 64);
    CU_ASSERT_EQUAL(io[4], 128);               /* shared counter */
    CU_ASSERT_EQUAL(io[5], 64 % 10);           /* inc wraps at 9 */
    memcpy(&f, &io[6], 4);
    CU_ASSERT_EQUAL(f, 64.0f);
    CU_ASSERT_EQUAL((int32_t)io[7], -30);
    CU_ASSERT_EQUAL(io[8], 127);
    CU_ASSERT(io[9] >= 1 && io[9] <= 64);
}

/* shfl, vote, activemask under divergence, %laneid. */
static void test_exec_warp(void)
{
    uint32_t out[64 * 8];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "and.b32 %r1, %r29, 1;\n"
            "setp.ne.u32 %p1, %r1, 0;\n"
            "vote.sync.ballot.b32 %r2, %p1, -1;\n"
            "shfl.sync.bfly.b32 %r3, %r29, 1, 0x1f, -1;\n"
            "shfl.sync.down.b32 %r4, %r29, 4, 0x1f, -1;\n"
            "shfl.sync.idx.b32 %r5, %r29, 3, 0x1f, -1;\n"
            "mov.u32 %r6, %laneid;\n"
            "setp.lt.u32 %p2, %r6, 8;\n"
            "@!%p2 bra $skip;\n"
            "activemask.b32 %r7;\n"
            "$skip:\n"
            "vote.sync.all.pred %p3, %p1, -1;\n"
            "vote.sync.any.pred %p4, %p1, -1;\n"
            "selp.u32 %r8, 1, 0, %p3;\n"
            "selp.u32 %r9, 2, 0, %p4;\n"
            "add.u32 %r8, %r8, %r9;\n"
            "st.global.v4.u32 [%rd2], {%r2, %r3, %r4, %r5};\n"
            "st.global.v4.u32 [%rd2+16], {%r6, %r7, %r8, %r29};\n"
            "ret;", 64, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        const uint32_t *o = &out[8 * t];
        uint32_t lane = t & 31;

        CU_ASSERT_EQUAL(o[0], 0xaaaaaaaau);
        CU_ASSERT_EQUAL(o[1], t ^ 1);
        CU_ASSERT_EQUAL(o[2], lane + 4 <= 31 ? t + 4 : t);
        CU_ASSERT_EQUAL(o[3], (t & ~31u) + 3);
        CU_ASSERT_EQUAL(o[4], lane);
        CU_ASSERT_EQUAL(o[5], lane < 8 ? 0xffu : 0);
        CU_ASSERT_EQUAL(o[6], 2);
        CU_ASSERT_EQUAL(o[7], t);
    }
}

/* Shared memory through generic addresses, local memory, .global/.const
 * data read by the kernel. */
static void test_exec_memory(void)
{
    uint32_t out[64 * 4];

    CU_ASSERT_EQUAL_FATAL(
        run(".global .align 4 .u32 gtab[4] = {10, 20, 30, 40};\n"
            ".const .align 4 .u32 ctab[2] = {100, 200};\n"
            ".shared .align 4 .u32 sbuf[64];\n", PROLOGUE
            ".local .align 4 .b8 lbuf[16];\n"
            "mov.u64 %rd1, sbuf;\n"
            "cvta.shared.u64 %rd2, %rd1;\n"
            "add.s64 %rd3, %rd2, %rd22;\n"
            "shl.b32 %r1, %r29, 1;\n"
            "st.u32 [%rd3], %r1;\n"
            "bar.sync 0;\n"
            "add.u32 %r2, %r29, 1;\n"
            "and.b32 %r2, %r2, 63;\n"
            "mul.wide.u32 %rd4, %r2, 4;\n"
            "add.s64 %rd5, %rd1, %rd4;\n"
            "ld.shared.u32 %r3, [%rd5];\n"
            "mov.u64 %rd6, lbuf;\n"
            "cvta.local.u64 %rd7, %rd6;\n"
            "st.u32 [%rd7+4], %r29;\n"
            "ld.local.u32 %r4, [lbuf+4];\n"
            "and.b32 %r5, %r29, 3;\n"
            "mul.wide.u32 %rd8, %r5, 4;\n"
            "mov.u64 %rd9, gtab;\n"
            "add.s64 %rd10, %rd9, %rd8;\n"
            "ld.global.u32 %r6, [%rd10];\n"
            "ld.const.u32 %r7, [ctab+4];\n"
            "mul.wide.u32 %rd11, %r29, 16;\n"
            "add.s64 %rd12, %rd20, %rd11;\n"
            "st.global.v4.u32 [%rd12], {%r3, %r4, %r6, %r7};\n"
            "ret;", 64, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 64; t++) {
        CU_ASSERT_EQUAL(out[4 * t], ((t + 1) & 63) * 2);
        CU_ASSERT_EQUAL(out[4 * t + 1], t);
        CU_ASSERT_EQUAL(out[4 * t + 2], 10 * ((t & 3) + 1));
        CU_ASSERT_EQUAL(out[4 * t + 3], 200);
    }
}

/* Guarded instructions that expand to several GVX instructions: every
 * part is guarded, and the guard is read before the expansion changes
 * it (@%p1 setp ... %p1|%p2 rewrites its own guard).
 * Regression test (a translator bug, fixed):
 * "@%p1 setp.lt.and.u32 %p1|%p2, ..."
 * becomes "... @r0 mov.pred r0, r6; @r0 mov.pred r1, r7": once p is
 * written false, q is not written (threads 9, 11, 13, 15 get q = 0
 * instead of 1). */
#define GUARDED_SETP_PQ "@%p1 setp.lt.and.u32 %p1|%p2, %r29, 8, %p3;\n"
static void test_exec_guarded(void)
{
    uint32_t out[32 * 8];

    CU_ASSERT_EQUAL_FATAL(
        run("", PROLOGUE
            "mul.wide.u32 %rd1, %r29, 32;\n"
            "add.s64 %rd2, %rd20, %rd1;\n"
            "and.b32 %r1, %r29, 1;\n"
            "setp.ne.u32 %p1, %r1, 0;\n"                 /* odd */
            "setp.lt.u32 %p3, %r29, 16;\n"
            "mov.u32 %r2, 7;\n"
            "mov.u32 %r3, 9;\n"
            "@%p1 mov.b64 %rd3, {%r29, %r2};\n"
            "@!%p1 mov.b64 %rd3, {%r3, %r29};\n"
            "mov.b64 {%r4, %r5}, %rd3;\n"
            "mov.pred %p2, 0;\n"
            GUARDED_SETP_PQ
            "selp.u32 %r6, 1, 0, %p1;\n"
            "selp.u32 %r7, 2, 0, %p2;\n"
            "add.u32 %r6, %r6, %r7;\n"
            "mov.u32 %r8, 0;\n"
            "mov.u32 %r9, 0;\n"
            "mov.u32 %r10, 0;\n"
            "mov.u32 %r11, 0;\n"
            "setp.ne.u32 %p4, %r1, 0;\n"
            "@%p4 ld.global.v2.u32 {%r8, %r9}, [%rd23];\n"
            "@%p4 st.global.v2.u32 [%rd2+24], {%r2, %r3};\n"
            "@!%p4 selp.u32 %r10, 5, 6, !%p3;\n"
            "@%p4 atom.global.add.u32 %r11, [%rd21], 1;\n"
            "st.global.v4.u32 [%rd2], {%r4, %r5, %r6, %r10};\n"
            "st.global.u32 [%rd2+16], %r11;\n"
            "ret;", 32, out, sizeof(out), NULL, 0), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        const uint32_t *o = &out[8 * t];
        bool odd = t & 1, lt16 = t < 16;
        uint32_t p1 = odd ? (t < 8 && lt16) : 0;
        uint32_t p2 = odd ? (!(t < 8) && lt16) : 0;

        CU_ASSERT_EQUAL(o[0], odd ? t : 9);
        CU_ASSERT_EQUAL(o[1], odd ? 7 : t);
        if (o[2] != p1 + 2 * p2) {
            fprintf(stderr, "\n    @p setp p|q, thread %u: %u, expected "
                    "%u\n", t, o[2], p1 + 2 * p2);
            CU_FAIL("guarded setp p|q");
        }
        CU_ASSERT_EQUAL(o[3], odd ? 0 : lt16 ? 6 : 5);
        CU_ASSERT(odd ? o[4] < 16 : o[4] == 0);
        CU_ASSERT_EQUAL(o[6], odd ? 7 : 0);
        CU_ASSERT_EQUAL(o[7], odd ? 9 : 0);
    }
}

/* Local memory of inlined functions: a caller's locals survive its
 * callee's; narrow signed loads; f16 conversions. */
static const char locals_pre[] =
    ".func (.param .b32 r) inner(.param .b32 x)\n"
    "{\n"
    ".local .align 4 .b8 depot[16];\n"
    ".reg .b32 %r<4>;\n"
    ".reg .b64 %rd<3>;\n"
    "ld.param.b32 %r1, [x];\n"
    "mov.u64 %rd1, depot;\n"
    "cvta.local.u64 %rd2, %rd1;\n"
    "st.u32 [%rd2], %r1;\n"
    "st.u32 [%rd2+4], 1000;\n"
    "st.u32 [%rd2+8], 2000;\n"
    "st.u32 [%rd2+12], 3000;\n"
    "ld.local.u32 %r2, [depot+12];\n"
    "add.s32 %r3, %r2, %r1;\n"
    "st.param.b32 [r+0], %r3;\n"
    "ret;\n"
    "}\n"
    ".func (.param .b32 r) outer(.param .b32 x)\n"
    "{\n"
    ".local .align 4 .b8 depot[16];\n"
    ".reg .b32 %r<6>;\n"
    "ld.param.b32 %r1, [x+0];\n"
    "st.local.u32 [depot], %r1;\n"
    "st.local.u32 [depot+12], 77;\n"
    "{\n"
    ".param .b32 a;\n"
    ".param .b32 b;\n"
    "st.param.b32 [a+0], %r1;\n"
    "call.uni (b), inner, (a);\n"
    "ld.param.b32 %r2, [b+0];\n"
    "}\n"
    "ld.local.u32 %r3, [depot];\n"
    "ld.local.u32 %r4, [depot+12];\n"
    "add.s32 %r5, %r3, %r4;\n"
    "add.s32 %r5, %r5, %r2;\n"
    "st.param.b32 [r+0], %r5;\n"
    "ret;\n"
    "}\n";

static void test_exec_locals(void)
{
    uint32_t out[32 * 4];
    int8_t io[32];

    for (int i = 0; i < 32; i++) {
        io[i] = (int8_t)(i * 9 - 100);
    }
    CU_ASSERT_EQUAL_FATAL(
        run(locals_pre, PROLOGUE
            "{\n"
            ".param .b32 a;\n"
            ".param .b32 b;\n"
            "st.param.b32 [a+0], %r29;\n"
            "call.uni (b), outer, (a);\n"
            "ld.param.b32 %r1, [b+0];\n"
            "}\n"
            "cvt.u64.u32 %rd1, %r29;\n"
            "add.s64 %rd2, %rd21, %rd1;\n"
            "ld.global.s8 %rs1, [%rd2];\n"
            "cvt.s32.s16 %r2, %rs1;\n"
            "cvt.rn.f32.s32 %f1, %r2;\n"
            "mul.f32 %f2, %f1, 0f3E800000;\n"
            "cvt.rn.f16.f32 %rs2, %f2;\n"
            "cvt.f32.f16 %f3, %rs2;\n"
            "mov.b32 %r3, %f3;\n"
            "mul.wide.u32 %rd3, %r29, 16;\n"
            "add.s64 %rd4, %rd20, %rd3;\n"
            "st.global.v4.u32 [%rd4], {%r1, %r2, %r3, %r29};\n"
            "ret;", 32, out, sizeof(out), io, sizeof(io)), GV_ERR_NONE);
    for (uint32_t t = 0; t < 32; t++) {
        float f, want = (float)io[t] / 4;           /* exact in f16 */

        /* outer: x + 77 + inner(x) = x + 77 + 3000 + x */
        CU_ASSERT_EQUAL(out[4 * t], 2 * t + 3077);
        CU_ASSERT_EQUAL((int32_t)out[4 * t + 1], io[t]);
        memcpy(&f, &out[4 * t + 2], 4);
        CU_ASSERT_EQUAL(f, want);
        CU_ASSERT_EQUAL(out[4 * t + 3], t);
    }
}

/* ==== registration ==== */

int gv_register_suites(void)
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
    static const struct gv_cunit_test errors[] = {
        { "errors name the line and construct", test_errors },
        { "error buffers", test_error_buffers },
        { NULL, NULL },
    };
    static const struct gv_cunit_test kernels[] = {
        { "the build's kernels", test_kernels },
        { NULL, NULL },
    };
    static const struct gv_cunit_test fuzz[] = {
        { "damaged images", test_fuzz_image },
        { "damaged PTX", test_fuzz_ptx },
        { NULL, NULL },
    };
    static const struct gv_cunit_test exec[] = {
        { "inlined calls", test_exec_calls },
        { "vector accesses", test_exec_vector },
        { "setp p|q, selp !p, set", test_exec_setp },
        { "cvt rounding", test_exec_cvt },
        { "atomics", test_exec_atom },
        { "warp operations", test_exec_warp },
        { "shared, local, data", test_exec_memory },
        { "guarded expansions", test_exec_guarded },
        { "locals of inlined calls, narrow loads, f16", test_exec_locals },
        { NULL, NULL },
    };

    if (gv_add_suite("ptx-constructs", NULL, NULL, constructs) ||
        gv_add_suite("ptx-errors", NULL, NULL, errors) ||
        gv_add_suite("ptx-kernels", NULL, NULL, kernels) ||
        gv_add_suite("ptx-fuzz", NULL, NULL, fuzz) ||
        gv_add_suite("ptx-exec", exec_setup, exec_teardown, exec)) {
        return -1;
    }
    return 0;
}
