/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GVX modules: the structural checker (the rules the engine applies before
 * running a module, docs/isa.md), a function lookup and a disassembler.
 * The image may be hostile: every read is bounds-checked, and the image
 * need not be aligned in memory.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_ptx.h"

/* ---- names ---- */

static const char *const op_names[GV_I__COUNT] = {
    [GV_I_NOP] = "nop", [GV_I_MOV] = "mov", [GV_I_ADD] = "add",
    [GV_I_SUB] = "sub", [GV_I_MUL] = "mul", [GV_I_MULHI] = "mulhi",
    [GV_I_MULWIDE] = "mulwide", [GV_I_MAD] = "mad", [GV_I_MADHI] = "madhi",
    [GV_I_MADWIDE] = "madwide", [GV_I_DIV] = "div", [GV_I_REM] = "rem",
    [GV_I_ABS] = "abs", [GV_I_NEG] = "neg", [GV_I_MIN] = "min",
    [GV_I_MAX] = "max", [GV_I_AND] = "and", [GV_I_OR] = "or",
    [GV_I_XOR] = "xor", [GV_I_NOT] = "not", [GV_I_CNOT] = "cnot",
    [GV_I_SHL] = "shl", [GV_I_SHR] = "shr", [GV_I_POPC] = "popc",
    [GV_I_CLZ] = "clz", [GV_I_BREV] = "brev", [GV_I_BFE] = "bfe",
    [GV_I_BFI] = "bfi", [GV_I_PRMT] = "prmt", [GV_I_SHF] = "shf",
    [GV_I_FMA] = "fma", [GV_I_RCP] = "rcp", [GV_I_SQRT] = "sqrt",
    [GV_I_RSQRT] = "rsqrt", [GV_I_SIN] = "sin", [GV_I_COS] = "cos",
    [GV_I_EX2] = "ex2", [GV_I_LG2] = "lg2", [GV_I_TANH] = "tanh",
    [GV_I_COPYSIGN] = "copysign", [GV_I_TESTP] = "testp",
    [GV_I_SETP] = "setp", [GV_I_SELP] = "selp", [GV_I_CVT] = "cvt",
    [GV_I_LD] = "ld", [GV_I_ST] = "st", [GV_I_ATOM] = "atom",
    [GV_I_BRA] = "bra", [GV_I_EXIT] = "exit", [GV_I_BAR] = "bar",
    [GV_I_S2R] = "s2r", [GV_I_MADDR] = "maddr", [GV_I_SHFL] = "shfl",
    [GV_I_VOTE] = "vote", [GV_I_TRAP] = "trap", [GV_I_FNS] = "fns",
    [GV_I_CALL] = "call", [GV_I_RET] = "ret",
};

static const char *const type_names[GV_T__COUNT] = {
    "none", "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64",
    "f32", "f64", "pred", "f16",
};

static const char *const sreg_names[GV_SR__COUNT] = {
    "tid.x", "tid.y", "tid.z", "ntid.x", "ntid.y", "ntid.z",
    "ctaid.x", "ctaid.y", "ctaid.z", "nctaid.x", "nctaid.y", "nctaid.z",
    "laneid", "warpid", "nwarpid", "smid", "nsmid", "gridid",
    "lanemask_eq", "lanemask_lt", "lanemask_le", "lanemask_gt",
    "lanemask_ge", "clock", "clock64", "globaltimer",
};

static const char *const cmp_names[GV_CMP__COUNT] = {
    "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu", "gtu",
    "geu", "num", "nan",
};
static const char *const rnd_names[] = {
    "", "rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi",
};
static const char *const space_names[] = {
    "global", "shared", "local", "param", "generic",
};
static const char *const atom_names[] = {
    "add", "min", "max", "inc", "dec", "and", "or", "xor", "exch", "cas",
};
static const char *const shfl_names[] = { "up", "down", "bfly", "idx" };
static const char *const vote_names[] = { "all", "any", "uni", "ballot" };
static const char *const testp_names[] = {
    "finite", "infinite", "number", "notanumber", "normal", "subnormal",
};
static const char *const prmt_names[] = {
    "", "f4e", "b4e", "rc8", "ecl", "ecr", "rc16",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *gv_isa_op_name(unsigned op)
{
    return op < GV_I__COUNT ? op_names[op] : "?";
}

const char *gv_isa_type_name(unsigned type)
{
    return type < GV_T__COUNT ? type_names[type] : "?";
}

const char *gv_isa_sreg_name(unsigned sreg)
{
    return sreg < GV_SR__COUNT ? sreg_names[sreg] : "?";
}

/* ---- reading a possibly hostile, possibly unaligned image ---- */

struct img {
    const uint8_t *p;
    size_t len;
    struct gv_isa_module h;
    char *err;
    size_t err_len;
};

static int bad(struct img *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int bad(struct img *m, const char *fmt, ...)
{
    va_list ap;

    if (m->err && m->err_len) {
        va_start(ap, fmt);
        vsnprintf(m->err, m->err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void get_func(const struct img *m, uint32_t i, struct gv_isa_func *f)
{
    memcpy(f, m->p + m->h.funcs_off + (size_t)i * sizeof(*f), sizeof(*f));
}

static void get_param(const struct img *m, uint32_t i,
                      struct gv_isa_param *pa)
{
    memcpy(pa, m->p + m->h.params_off + (size_t)i * sizeof(*pa),
           sizeof(*pa));
}

static void get_insn(const struct img *m, uint32_t i, struct gv_insn *in)
{
    memcpy(in, m->p + m->h.insns_off + (size_t)i * sizeof(*in), sizeof(*in));
}

static uint64_t get_const(const struct img *m, uint32_t i)
{
    uint64_t v;

    memcpy(&v, m->p + m->h.consts_off + (size_t)i * 8, 8);
    return v;
}

static const char *get_str(const struct img *m, uint32_t off)
{
    return (const char *)m->p + m->h.strings_off + off;
}

/* ---- the checker ---- */

static int check_header(struct img *m)
{
    const struct gv_isa_module *h = &m->h;
    struct {
        const char *name;
        uint64_t off, size;
        uint32_t align;
    } sec[6];
    uint64_t end;

    if (m->len < sizeof(*h)) {
        return bad(m, "image of %zu bytes is shorter than the header",
                   m->len);
    }
    memcpy(&m->h, m->p, sizeof(m->h));
    if (h->magic != GV_ISA_MAGIC) {
        return bad(m, "bad magic 0x%08x", h->magic);
    }
    if (h->version != GV_ISA_VERSION) {
        return bad(m, "unsupported version %u", h->version);
    }
    if (h->hdr_size != sizeof(*h)) {
        return bad(m, "header size %u, expected %zu", h->hdr_size,
                   sizeof(*h));
    }
    if (h->total_size != m->len) {
        return bad(m, "total_size %u but the image has %zu bytes",
                   h->total_size, m->len);
    }
    if (h->total_size > GV_ISA_MODULE_MAX) {
        return bad(m, "module of %u bytes exceeds the %u byte limit",
                   h->total_size, GV_ISA_MODULE_MAX);
    }
    if (h->reserved) {
        return bad(m, "reserved header fields are not zero");
    }
    sec[0].name = "functions";
    sec[0].off = h->funcs_off;
    sec[0].size = (uint64_t)h->nfuncs * sizeof(struct gv_isa_func);
    sec[1].name = "params";
    sec[1].off = h->params_off;
    sec[1].size = (uint64_t)h->nparams * sizeof(struct gv_isa_param);
    sec[2].name = "instructions";
    sec[2].off = h->insns_off;
    sec[2].size = (uint64_t)h->ninsns * sizeof(struct gv_insn);
    sec[3].name = "constants";
    sec[3].off = h->consts_off;
    sec[3].size = (uint64_t)h->nconsts * 8;
    sec[4].name = "strings";
    sec[4].off = h->strings_off;
    sec[4].size = h->strings_size;
    sec[5].name = "data";
    sec[5].off = h->data_off;
    sec[5].size = h->data_size;
    end = sizeof(*h);
    for (int i = 0; i < 6; i++) {
        uint32_t align = i == 5 ? 256 : 8;

        if (sec[i].off % align) {
            return bad(m, "%s section offset %llu is not %u-byte aligned",
                       sec[i].name, (unsigned long long)sec[i].off, align);
        }
        if (sec[i].off < end) {
            return bad(m, "%s section at %llu overlaps what precedes it "
                       "(which ends at %llu)", sec[i].name,
                       (unsigned long long)sec[i].off,
                       (unsigned long long)end);
        }
        if (sec[i].off + sec[i].size > h->total_size) {
            return bad(m, "%s section [%llu, +%llu) runs past the end of "
                       "the module (%u bytes)", sec[i].name,
                       (unsigned long long)sec[i].off,
                       (unsigned long long)sec[i].size, h->total_size);
        }
        end = sec[i].off + sec[i].size;
    }
    if (h->nconsts > GV_ISA_MAX_CONSTS) {
        return bad(m, "%u constants (at most %u)", h->nconsts,
                   GV_ISA_MAX_CONSTS);
    }
    if (h->strings_size == 0 ||
        m->p[h->strings_off + h->strings_size - 1] != 0) {
        return bad(m, "the string section does not end with a NUL");
    }
    return 0;
}

static int check_operand(struct img *m, uint32_t fi, uint32_t pc,
                         const char *field, uint16_t v, int role,
                         uint32_t nregs)
{
    switch (role) {
    case GV_ROLE_DST:
    case GV_ROLE_DSTN:
        if (v == GV_ISA_NONE && role == GV_ROLE_DSTN) {
            return 0;
        }
        if (v >= nregs) {
            return bad(m, "function %u, instruction %u: destination %s = "
                       "0x%04x is not a register (nregs %u)", fi, pc, field,
                       v, nregs);
        }
        return 0;
    case GV_ROLE_SRC:
    case GV_ROLE_SRCN:
        if (v == GV_ISA_NONE && role == GV_ROLE_SRCN) {
            return 0;
        }
        if (v < GV_ISA_CONST_BASE) {
            if (v >= nregs) {
                return bad(m, "function %u, instruction %u: operand %s = "
                           "register %u out of range (nregs %u)", fi, pc,
                           field, v, nregs);
            }
        } else if (v == GV_ISA_NONE ||
                   v - GV_ISA_CONST_BASE >= m->h.nconsts) {
            return bad(m, "function %u, instruction %u: operand %s = 0x%04x "
                       "is not a register or one of the %u constants", fi,
                       pc, field, v, m->h.nconsts);
        }
        return 0;
    case GV_ROLE_BARID:
        if (v < GV_ISA_CONST_BASE || v == GV_ISA_NONE ||
            v - GV_ISA_CONST_BASE >= m->h.nconsts ||
            get_const(m, v - GV_ISA_CONST_BASE) > 15) {
            return bad(m, "function %u, instruction %u: barrier id must be "
                       "a constant 0..15", fi, pc);
        }
        return 0;
    }
    return 0;
}

static int check_insn(struct img *m, uint32_t fi, const struct gv_isa_func *f,
                      uint32_t pc)
{
    static const char fname[5][2] = { "d", "a", "b", "c", "e" };
    struct gv_insn in;
    uint8_t role[GV_ISA_NFIELDS];
    uint16_t fld[GV_ISA_NFIELDS];

    get_insn(m, pc, &in);
    switch (gv_isa_form_check(&in)) {
    case GV_FORM_OK:
        break;
    case GV_FORM_OPCODE:
        return bad(m, "function %u, instruction %u: unknown opcode %u", fi,
                   pc, in.op);
    case GV_FORM_TYPE:
        return bad(m, "function %u, instruction %u: %s: invalid type %u",
                   fi, pc, op_names[in.op], in.type);
    case GV_FORM_GUARD:
        return bad(m, "function %u, instruction %u: invalid guard 0x%02x",
                   fi, pc, in.guard);
    case GV_FORM_MOD:
        return bad(m, "function %u, instruction %u: %s: invalid modifier "
                   "0x%02x for type %s", fi, pc, op_names[in.op], in.mod,
                   gv_isa_type_name(in.type));
    default:
        return bad(m, "function %u, instruction %u: cvt: invalid source "
                   "type / rounding 0x%04x", fi, pc, in.e);
    }
    if ((in.guard & GV_G_ON) && in.gpred >= f->nregs) {
        return bad(m, "function %u, instruction %u: guard predicate %u out "
                   "of range (nregs %u)", fi, pc, in.gpred, f->nregs);
    }
    gv_isa_roles(&in, role);
    fld[0] = in.d;
    fld[1] = in.a;
    fld[2] = in.b;
    fld[3] = in.c;
    fld[4] = in.e;
    for (int i = 0; i < GV_ISA_NFIELDS; i++) {
        if (check_operand(m, fi, pc, fname[i], fld[i], role[i], f->nregs)) {
            return -1;
        }
    }
    if (in.op == GV_I_BRA || in.op == GV_I_CALL) {
        uint32_t t = in.b | (uint32_t)in.c << 16;

        if (t < f->insn_start || t - f->insn_start >= f->insn_count) {
            return bad(m, "function %u, instruction %u: %s target %u "
                       "outside the function [%u, %u)", fi, pc,
                       in.op == GV_I_BRA ? "branch" : "call", t,
                       f->insn_start, f->insn_start + f->insn_count);
        }
        if (gv_isa_join(&in, &t) &&
            (t < f->insn_start || t - f->insn_start >= f->insn_count)) {
            return bad(m, "function %u, instruction %u: reconvergence point "
                       "%u outside the function [%u, %u)", fi, pc, t,
                       f->insn_start, f->insn_start + f->insn_count);
        }
    }
    return 0;
}

static int check_func(struct img *m, uint32_t fi)
{
    struct gv_isa_func f;
    struct gv_insn last;
    const char *name;

    get_func(m, fi, &f);
    if (f.name_off >= m->h.strings_size) {
        return bad(m, "function %u: name offset %u outside the strings", fi,
                   f.name_off);
    }
    name = get_str(m, f.name_off);
    if (!*name) {
        return bad(m, "function %u: empty name", fi);
    }
    for (uint32_t j = 0; j < fi; j++) {
        struct gv_isa_func g;

        get_func(m, j, &g);
        if (!strcmp(get_str(m, g.name_off), name)) {
            return bad(m, "function %u: name %s already used by function %u",
                       fi, name, j);
        }
    }
    if (f.flags != GV_FUNC_ENTRY) {
        return bad(m, "function %u (%s): flags 0x%x (only entries, "
                   "GV_FUNC_ENTRY)", fi, name, f.flags);
    }
    if (f.reserved) {
        return bad(m, "function %u (%s): reserved field not zero", fi, name);
    }
    if (f.insn_count == 0 || f.insn_start > m->h.ninsns ||
        f.insn_count > m->h.ninsns - f.insn_start) {
        return bad(m, "function %u (%s): instructions [%u, +%u) outside the "
                   "%u of the module", fi, name, f.insn_start, f.insn_count,
                   m->h.ninsns);
    }
    if (f.nregs > GV_ISA_MAX_REGS) {
        return bad(m, "function %u (%s): %u registers (at most %u)", fi,
                   name, f.nregs, GV_ISA_MAX_REGS);
    }
    if (f.param_start > m->h.nparams ||
        f.nparams > m->h.nparams - f.param_start) {
        return bad(m, "function %u (%s): parameters [%u, +%u) outside the "
                   "table of %u", fi, name, f.param_start, f.nparams,
                   m->h.nparams);
    }
    if (f.param_size > GV_ISA_MAX_PARAM) {
        return bad(m, "function %u (%s): %u bytes of parameters (at most "
                   "%u)", fi, name, f.param_size, GV_ISA_MAX_PARAM);
    }
    for (uint32_t i = 0; i < f.nparams; i++) {
        struct gv_isa_param pa;

        get_param(m, f.param_start + i, &pa);
        if (pa.size == 0 || pa.offset > f.param_size ||
            pa.size > f.param_size - pa.offset) {
            return bad(m, "function %u (%s): parameter %u [%u, +%u) outside "
                       "the %u byte buffer", fi, name, i, pa.offset, pa.size,
                       f.param_size);
        }
    }
    if (f.shared_size % 16 || f.shared_size > GV_ISA_MAX_SHARED) {
        return bad(m, "function %u (%s): shared size %u (a multiple of 16, "
                   "at most %u)", fi, name, f.shared_size, GV_ISA_MAX_SHARED);
    }
    if (f.local_size > GV_ISA_MAX_LOCAL) {
        return bad(m, "function %u (%s): local size %u (at most %u)", fi,
                   name, f.local_size, GV_ISA_MAX_LOCAL);
    }
    if (f.reqntid[0] || f.reqntid[1] || f.reqntid[2]) {
        uint64_t n = (uint64_t)f.reqntid[0] * f.reqntid[1] * f.reqntid[2];

        if (n == 0 || n > GV_ISA_MAX_BLOCK) {
            return bad(m, "function %u (%s): reqntid %u x %u x %u", fi, name,
                       f.reqntid[0], f.reqntid[1], f.reqntid[2]);
        }
    }
    for (uint32_t pc = f.insn_start; pc < f.insn_start + f.insn_count; pc++) {
        if (check_insn(m, fi, &f, pc)) {
            return -1;
        }
    }
    get_insn(m, f.insn_start + f.insn_count - 1, &last);
    if (last.guard != 0 || (last.op != GV_I_EXIT && last.op != GV_I_BRA &&
                            last.op != GV_I_TRAP && last.op != GV_I_RET)) {
        return bad(m, "function %u (%s): the last instruction is not an "
                   "unconditional exit, bra, trap or ret", fi, name);
    }
    return 0;
}

/* ---- writing an image (gv_ptx.h) ---- */

/* @n entries of @size bytes at @src to @img + @off (none: nothing) */
static void put(uint8_t *img, uint32_t off, const void *src, uint64_t n,
                size_t size)
{
    if (n && src) {
        memcpy(img + off, src, n * size);
    }
}

uint8_t *gv_isa_write(const struct gv_isa_parts *p, size_t *len)
{
    struct gv_isa_module h = { .magic = GV_ISA_MAGIC,
                               .version = GV_ISA_VERSION,
                               .hdr_size = sizeof(h) };
    uint64_t off = sizeof(h);
    uint8_t *img;

    h.nfuncs = p->nfuncs;
    h.funcs_off = (uint32_t)off;
    off += (uint64_t)p->nfuncs * sizeof(struct gv_isa_func);
    h.nparams = p->nparams;
    h.params_off = (uint32_t)off;
    off += (uint64_t)p->nparams * sizeof(struct gv_isa_param);
    h.ninsns = p->ninsns;
    h.insns_off = (uint32_t)off;
    off += (uint64_t)p->ninsns * sizeof(struct gv_insn);
    h.nconsts = p->nconsts;
    h.consts_off = (uint32_t)off;
    off += (uint64_t)p->nconsts * 8;
    h.strings_off = (uint32_t)off;
    h.strings_size = p->strings_size;
    off = (off + p->strings_size + 255) & ~(uint64_t)255;
    h.data_off = (uint32_t)off;
    h.data_size = p->data_size;
    off = (off + p->data_size + 7) & ~(uint64_t)7;
    *len = (size_t)off;
    if (off > GV_ISA_MODULE_MAX || !(img = calloc(1, off))) {
        return NULL;
    }
    h.total_size = (uint32_t)off;
    memcpy(img, &h, sizeof(h));
    put(img, h.funcs_off, p->funcs, p->nfuncs, sizeof(struct gv_isa_func));
    put(img, h.params_off, p->params, p->nparams,
        sizeof(struct gv_isa_param));
    put(img, h.insns_off, p->insns, p->ninsns, sizeof(struct gv_insn));
    put(img, h.consts_off, p->consts, p->nconsts, 8);
    put(img, h.strings_off, p->strings, p->strings_size, 1);
    put(img, h.data_off, p->data, p->data_size, 1);
    return img;
}

int gv_isa_check(const uint8_t *img, size_t len, char *err, size_t err_len)
{
    struct img m = { .p = img, .len = len, .err = err, .err_len = err_len };

    if (err && err_len) {
        err[0] = 0;
    }
    if (!img) {
        return bad(&m, "no image");
    }
    if (check_header(&m)) {
        return -1;
    }
    uint64_t total = 0;

    for (uint32_t i = 0; i < m.h.nfuncs; i++) {
        struct gv_isa_func f;

        if (check_func(&m, i)) {
            return -1;
        }
        /* functions do not share instructions (the engine decodes each
         * function's own: overlapping ranges would multiply that work) */
        get_func(&m, i, &f);
        total += f.insn_count;
        if (total > m.h.ninsns) {
            return bad(&m, "functions' instructions overlap (%llu in "
                       "functions, %u in the module)",
                       (unsigned long long)total, m.h.ninsns);
        }
    }
    return 0;
}

int gv_isa_find_func(const uint8_t *img, size_t len, const char *name)
{
    struct img m = { .p = img, .len = len };

    if (!name || gv_isa_check(img, len, NULL, 0)) {
        return -1;
    }
    memcpy(&m.h, img, sizeof(m.h));
    for (uint32_t i = 0; i < m.h.nfuncs; i++) {
        struct gv_isa_func f;

        get_func(&m, i, &f);
        if (!strcmp(get_str(&m, f.name_off), name)) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- the disassembler ---- */

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (s->oom) {
        return;
    }
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            s->oom = true;
            return;
        }
        if ((size_t)n < s->cap - s->len) {
            s->len += (size_t)n;
            return;
        }
        size_t ncap = s->cap * 2 + (size_t)n + 64;
        char *np = realloc(s->p, ncap);

        if (!np) {
            s->oom = true;
            return;
        }
        s->p = np;
        s->cap = ncap;
    }
}

static void dis_opnd(struct sbuf *s, const struct img *m, uint16_t v)
{
    if (v == GV_ISA_NONE) {
        sb_printf(s, "_");
    } else if (v < GV_ISA_CONST_BASE) {
        sb_printf(s, "r%u", v);
    } else {
        uint64_t k = get_const(m, v - GV_ISA_CONST_BASE);

        if (k < 10) {
            sb_printf(s, "%llu", (unsigned long long)k);
        } else {
            sb_printf(s, "0x%llx", (unsigned long long)k);
        }
    }
}

static void dis_addr(struct sbuf *s, const struct img *m,
                     const struct gv_insn *in)
{
    int16_t off = (int16_t)in->e;

    sb_printf(s, "[");
    dis_opnd(s, m, in->a);
    if (off) {
        sb_printf(s, "%+d", off);
    }
    sb_printf(s, "]");
}

static void dis_insn(struct sbuf *s, const struct img *m, uint32_t pc)
{
    struct gv_insn in;
    const struct gv_isa_rule *oi;
    const char *tn;
    bool first = true;

    get_insn(m, pc, &in);
    oi = gv_isa_rule(in.op);
    tn = type_names[in.type];
    sb_printf(s, "  %04u  ", pc);
    if (in.guard & GV_G_ON) {
        sb_printf(s, "@%sr%u ", in.guard & GV_G_NEG ? "!" : "", in.gpred);
    }
    switch (in.op) {
    case GV_I_LD:
        sb_printf(s, "ld.%s.%s ", space_names[in.mod], tn);
        dis_opnd(s, m, in.d);
        sb_printf(s, ", ");
        dis_addr(s, m, &in);
        break;
    case GV_I_ST:
        sb_printf(s, "st.%s.%s ", space_names[in.mod], tn);
        dis_addr(s, m, &in);
        sb_printf(s, ", ");
        dis_opnd(s, m, in.b);
        break;
    case GV_I_ATOM:
        sb_printf(s, "atom.%s.%s.%s ", space_names[in.mod & 0xf],
                  atom_names[in.mod >> 4], tn);
        dis_opnd(s, m, in.d);
        sb_printf(s, ", ");
        dis_addr(s, m, &in);
        sb_printf(s, ", ");
        dis_opnd(s, m, in.b);
        if (in.mod >> 4 == GV_ATOM_CAS) {
            sb_printf(s, ", ");
            dis_opnd(s, m, in.c);
        }
        break;
    case GV_I_BRA:
        sb_printf(s, "bra %04u", in.b | (uint32_t)in.c << 16);
        uint32_t j;

        if (gv_isa_join(&in, &j)) {
            sb_printf(s, ", join %04u", j);
        }
        break;
    case GV_I_CALL:
        sb_printf(s, "call %04u, ", in.b | (uint32_t)in.c << 16);
        dis_opnd(s, m, in.d);
        sb_printf(s, ", frame end ");
        dis_opnd(s, m, in.a);
        break;
    case GV_I_RET:
        sb_printf(s, "ret ");
        dis_opnd(s, m, in.a);
        break;
    case GV_I_BAR:
        sb_printf(s, "bar ");
        dis_opnd(s, m, in.a);
        break;
    case GV_I_S2R:
        sb_printf(s, "s2r.%s ", tn);
        dis_opnd(s, m, in.d);
        sb_printf(s, ", %%%s", sreg_names[in.mod]);
        break;
    case GV_I_CVT:
        sb_printf(s, "cvt");
        if ((in.e >> 8) & 0xf) {
            sb_printf(s, ".%s", rnd_names[(in.e >> 8) & 0xf]);
        }
        sb_printf(s, "%s%s.%s.%s ", in.mod & GV_M_SAT ? ".sat" : "",
                  in.mod & GV_M_FTZ ? ".ftz" : "", tn,
                  type_names[in.e & 0xff]);
        dis_opnd(s, m, in.d);
        sb_printf(s, ", ");
        dis_opnd(s, m, in.a);
        break;
    default:
        sb_printf(s, "%s", op_names[in.op]);
        switch (oi->mods) {
        case GV_MODS_FARITH:
            if (in.mod & GV_M_RND) {
                sb_printf(s, ".%s", rnd_names[in.mod & GV_M_RND]);
            }
            /* fall through */
        case GV_MODS_ARITH:
            sb_printf(s, "%s%s", in.mod & GV_M_SAT ? ".sat" : "",
                      in.mod & GV_M_FTZ ? ".ftz" : "");
            break;
        case GV_MODS_SETP:
            sb_printf(s, ".%s%s", cmp_names[in.mod & 0x1f],
                      in.mod & GV_M_FTZ ? ".ftz" : "");
            break;
        case GV_MODS_TESTP:
            sb_printf(s, ".%s", testp_names[in.mod]);
            break;
        case GV_MODS_SHFL:
            sb_printf(s, ".%s", shfl_names[in.mod]);
            break;
        case GV_MODS_VOTE:
            sb_printf(s, ".%s", vote_names[in.mod]);
            break;
        case GV_MODS_PRMT:
            if (in.mod) {
                sb_printf(s, ".%s", prmt_names[in.mod]);
            }
            break;
        case GV_MODS_SHF:
            sb_printf(s, ".%s.%s", in.mod & GV_SHF_R ? "r" : "l",
                      in.mod & GV_SHF_WRAP ? "wrap" : "clamp");
            break;
        default:
            break;
        }
        if (oi->types != GV_ISA_TANY) {
            sb_printf(s, ".%s", tn);
        }
        for (int i = 0; i < 5; i++) {
            static const size_t offs[5] = {
                offsetof(struct gv_insn, d), offsetof(struct gv_insn, a),
                offsetof(struct gv_insn, b), offsetof(struct gv_insn, c),
                offsetof(struct gv_insn, e),
            };
            uint16_t v;

            if (oi->role[i] == GV_ROLE_NO || oi->role[i] == GV_ROLE_IMM) {
                continue;
            }
            memcpy(&v, (const uint8_t *)&in + offs[i], 2);
            sb_printf(s, first ? " " : ", ");
            first = false;
            dis_opnd(s, m, v);
        }
        break;
    }
    sb_printf(s, "\n");
}

char *gv_isa_disasm(const uint8_t *img, size_t len)
{
    struct sbuf s = { 0 };
    struct img m = { .p = img, .len = len };
    char err[256];

    s.cap = 4096;
    s.p = malloc(s.cap);
    if (!s.p) {
        return NULL;
    }
    s.p[0] = 0;
    if (gv_isa_check(img, len, err, sizeof(err))) {
        sb_printf(&s, "invalid module: %s\n", err);
        goto out;
    }
    memcpy(&m.h, img, sizeof(m.h));
    sb_printf(&s, "// GVX module: %u bytes, %u functions, %u instructions, "
              "%u constants, %u data bytes at %u\n", m.h.total_size,
              m.h.nfuncs, m.h.ninsns, m.h.nconsts, m.h.data_size,
              m.h.data_off);
    for (uint32_t fi = 0; fi < m.h.nfuncs; fi++) {
        struct gv_isa_func f;

        get_func(&m, fi, &f);
        sb_printf(&s, "\n.entry %s  // function %u: %u registers, %u "
                  "parameter bytes, shared %u, local %u", get_str(&m,
                  f.name_off), fi, f.nregs, f.param_size, f.shared_size,
                  f.local_size);
        if (f.reqntid[0]) {
            sb_printf(&s, ", reqntid %u %u %u", f.reqntid[0], f.reqntid[1],
                      f.reqntid[2]);
        }
        sb_printf(&s, "\n");
        for (uint32_t i = 0; i < f.nparams; i++) {
            struct gv_isa_param pa;

            get_param(&m, f.param_start + i, &pa);
            sb_printf(&s, "  // param %u: offset %u, %u bytes\n", i,
                      pa.offset, pa.size);
        }
        for (uint32_t pc = f.insn_start; pc < f.insn_start + f.insn_count;
             pc++) {
            dis_insn(&s, &m, pc);
        }
    }
    if (m.h.data_size) {
        sb_printf(&s, "\n// data (module offset %u)\n", m.h.data_off);
        for (uint32_t i = 0; i < m.h.data_size; i += 16) {
            sb_printf(&s, "  %06x ", m.h.data_off + i);
            for (uint32_t j = i; j < i + 16 && j < m.h.data_size; j++) {
                sb_printf(&s, " %02x", img[m.h.data_off + j]);
            }
            sb_printf(&s, "\n");
        }
    }
out:
    if (s.oom) {
        free(s.p);
        return NULL;
    }
    return s.p;
}
