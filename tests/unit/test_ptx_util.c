/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx's helpers (test_ptx.h): PTX modules built from parts,
 * translated, checked by gv_isa_check() and gv_compute_check_module()
 * and read back; values followed through the translated instructions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ptx.h"
#include "test_ptx.h"

/* ---- building PTX ---- */

char *xprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    /* never NULL; said for GCC 12, whose -Wformat-truncation otherwise
     * sees the NULL path of UBSan's nonnull-attribute check (an error in
     * the sanitizer build, which has -Dwerror=true) */
    if (!fmt) {
        abort();
    }
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
char *wrap(const char *pre, const char *params, const char *body)
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

int body_line(const char *pre)
{
    int n = 7;

    for (; *pre; pre++) {
        n += *pre == '\n';
    }
    return n;
}

/* ---- reading a translated module ---- */

void mod_free(struct mod *m)
{
    free(m->img);
    free(m->in);
    free(m->k);
    memset(m, 0, sizeof(*m));
}

void mod_select(struct mod *m, uint32_t fi)
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
bool mod_load(struct mod *m, const char *ptx)
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

bool load(struct mod *m, const char *pre, const char *params,
          const char *body)
{
    char *s = wrap(pre, params, body);
    bool ok = mod_load(m, s);

    free(s);
    return ok;
}

void dump(const struct mod *m)
{
    char *d = gv_isa_disasm(m->img, m->len);

    fprintf(stderr, "\n%s", d ? d : "(no memory)\n");
    free(d);
}

bool is_k(uint16_t v)
{
    return v >= GV_ISA_CONST_BASE && v != GV_ISA_NONE;
}

uint64_t kv(const struct mod *m, uint16_t v)
{
    CU_ASSERT_FATAL(is_k(v) && v - GV_ISA_CONST_BASE < m->h.nconsts);
    return m->k[v - GV_ISA_CONST_BASE];
}

bool writes(const struct gv_insn *in)
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
int find(const struct mod *m, unsigned op, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n; i++) {
        if (m->in[i].op == op) {
            return i;
        }
    }
    return -1;
}

/* ... with opcode @op and type @type. */
int find_t(const struct mod *m, unsigned op, unsigned type, int from)
{
    for (int i = from < 0 ? 0 : from; i < m->n; i++) {
        if (m->in[i].op == op && m->in[i].type == type) {
            return i;
        }
    }
    return -1;
}

/* ... with opcode @op, type @type and modifier @mod. */
int find_tm(const struct mod *m, unsigned op, unsigned type,
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

int count(const struct mod *m, unsigned op)
{
    int c = 0;

    for (int i = 0; i < m->n; i++) {
        c += m->in[i].op == op;
    }
    return c;
}

/* A branch's target, relative to the function. */
int target(const struct mod *m, int i)
{
    return (int)((m->in[i].b | (uint32_t)m->in[i].c << 16) -
                 m->f.insn_start);
}

/* What a register (or constant) holds before instruction @at, following
 * MOV, ADD/SUB of constants and MADDR back through straight-line code. */
struct val resolve(const struct mod *m, uint16_t r, int at)
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
struct val addr(const struct mod *m, int i)
{
    struct val v = resolve(m, m->in[i].a, i);

    v.off += (uint64_t)(int64_t)(int16_t)m->in[i].e;
    return v;
}

/* The constant address of the access at @i (a param, shared or local
 * offset, or a data offset), -1 if it is not one. */
int64_t kaddr(const struct mod *m, int i, int kind)
{
    struct val v = addr(m, i);

    return v.kind == kind ? (int64_t)v.off : -1;
}

bool same_val(struct val a, struct val b)
{
    return a.kind == b.kind && a.def == b.def && a.off == b.off;
}

/* The register that @i writes, resolved as a value (for data flow). */
bool flows(const struct mod *m, int from, int to, uint16_t opnd)
{
    struct val a = resolve(m, opnd, to), b = { V_DEF, from, 0 };

    if (m->in[from].op == GV_I_MOV) {
        b = resolve(m, m->in[from].a, from);
    }
    return same_val(a, b);
}

void check_ends(const struct mod *m)
{
    CU_ASSERT_FATAL(m->n > 0);
    CU_ASSERT(m->in[m->n - 1].guard == 0);
    CU_ASSERT(m->in[m->n - 1].op == GV_I_EXIT ||
              m->in[m->n - 1].op == GV_I_BRA);
}

uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* ---- a module with calls (per construct, fuzz, execution) ---- */

/* .func calls are inlined: nested, with return values, callee params and
 * callseq .param variables in local memory. */
const char calls_pre[] =
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

const char calls_body[] =
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
