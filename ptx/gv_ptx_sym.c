/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: symbols and register slots, the
 * constant pool and instruction output, operands (registers, literals,
 * special registers, symbol addresses), opcode strings and their
 * modifiers, memory operands, labels and branches, declarations.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx.h"
#include "gv_ptx_cg.h"

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 16777619u;
    }
    return h;
}

/* ---- symbols ---- */

struct sym *gvp_sym_find(struct cg *cg, const char *name)
{
    uint32_t h = hash_str(name);

    for (int i = cg->bucket[h % NBUCKET]; i >= 0; i = cg->syms[i].prev) {
        struct sym *y = &cg->syms[i];

        if (y->hash == h && (y->frame == cg->frame || y->frame == 0) &&
            !strcmp(y->name, name)) {
            return y;
        }
    }
    return NULL;
}

struct sym *gvp_sym_add(struct cg *cg, const char *name, int kind,
                        int line)
{
    uint32_t h = hash_str(name);
    struct sym *y;

    for (int i = cg->bucket[h % NBUCKET]; i >= 0; i = cg->syms[i].prev) {
        y = &cg->syms[i];
        if (y->frame == cg->frame && y->depth == cg->depth &&
            y->hash == h && !strcmp(y->name, name)) {
            gvp_fail(cg->p, line, name, "declared twice in the same scope");
        }
    }
    y = PUSH(cg, cg->syms, cg->nsyms, cg->capsyms);
    memset(y, 0, sizeof(*y));
    y->name = name;
    y->hash = h;
    y->frame = cg->frame;
    y->depth = cg->depth;
    y->kind = kind;
    y->prev = cg->bucket[h % NBUCKET];
    cg->bucket[h % NBUCKET] = (int)(cg->nsyms - 1);
    return y;
}

/* Drop the current frame's symbols deeper than @depth. */
void gvp_sym_pop(struct cg *cg, int depth)
{
    while (cg->nsyms) {
        struct sym *y = &cg->syms[cg->nsyms - 1];

        if (y->frame != cg->frame || y->depth <= depth) {
            break;
        }
        cg->bucket[y->hash % NBUCKET] = y->prev;
        cg->nsyms--;
    }
}

uint32_t gvp_new_slot(struct cg *cg)
{
    if (cg->nregs >= GV_ISA_MAX_REGS) {
        FAIL(cg, "more than %u registers", GV_ISA_MAX_REGS);
    }
    return cg->nregs++;
}

/* A register by name (%r12 through a %r<N> declaration too), or -1. */
int gvp_reg_lookup(struct cg *cg, const char *name)
{
    struct sym *y = gvp_sym_find(cg, name);
    size_t n = strlen(name), k = n;
    char prefix[128];

    if (y) {
        return y->kind == Y_REG ? (int)y->slot : -1;
    }
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9') {
        k--;
    }
    if (k == n || k >= sizeof(prefix) || (n - k > 1 && name[k] == '0')) {
        return -1;
    }
    memcpy(prefix, name, k);
    prefix[k] = 0;
    y = gvp_sym_find(cg, prefix);
    if (!y || y->kind != Y_RANGE) {
        return -1;
    }
    unsigned long idx = strtoul(name + k, NULL, 10);

    if (idx >= y->rcount) {
        return -1;
    }
    if (y->rslots[idx] < 0) {
        y->rslots[idx] = (int32_t)gvp_new_slot(cg);
    }
    return y->rslots[idx];
}

/* ---- output ---- */

uint16_t gvp_konst(struct cg *cg, uint64_t v)
{
    size_t mask, i;

    if (cg->chash_size == 0 || cg->nconsts * 2 >= cg->chash_size) {
        size_t ns = cg->chash_size ? cg->chash_size * 2 : 256;
        int32_t *nh = gvp_alloc(cg->p, ns * sizeof(*nh));

        for (size_t k = 0; k < ns; k++) {
            nh[k] = -1;
        }
        for (size_t k = 0; k < cg->nconsts; k++) {
            uint64_t x = cg->consts[k] * 0x9e3779b97f4a7c15ull;

            for (i = (size_t)(x >> 32) & (ns - 1); nh[i] >= 0;
                 i = (i + 1) & (ns - 1)) {
            }
            nh[i] = (int32_t)k;
        }
        cg->chash = nh;
        cg->chash_size = ns;
    }
    mask = cg->chash_size - 1;
    for (i = (size_t)((v * 0x9e3779b97f4a7c15ull) >> 32) & mask;
         cg->chash[i] >= 0; i = (i + 1) & mask) {
        if (cg->consts[cg->chash[i]] == v) {
            return (uint16_t)(GV_ISA_CONST_BASE + cg->chash[i]);
        }
    }
    if (cg->nconsts >= GV_ISA_MAX_CONSTS - 1) {
        FAIL(cg, "more than %u constants", GV_ISA_MAX_CONSTS - 1);
    }
    cg->chash[i] = (int32_t)cg->nconsts;
    *PUSH(cg, cg->consts, cg->nconsts, cg->capconsts) = v;
    return (uint16_t)(GV_ISA_CONST_BASE + cg->nconsts - 1);
}

/* A constant of its own (patched later), not shared with equal ones. */
static uint16_t konst_fresh(struct cg *cg, uint64_t v)
{
    if (cg->nconsts >= GV_ISA_MAX_CONSTS - 1) {
        FAIL(cg, "more than %u constants", GV_ISA_MAX_CONSTS - 1);
    }
    *PUSH(cg, cg->consts, cg->nconsts, cg->capconsts) = v;
    return (uint16_t)(GV_ISA_CONST_BASE + cg->nconsts - 1);
}

uint16_t gvp_konst_fresh(struct cg *cg, uint64_t v)
{
    return konst_fresh(cg, v);
}

uint32_t gvp_emit(struct cg *cg, unsigned op, unsigned type, unsigned mod,
                  uint16_t d, uint16_t a, uint16_t b, uint16_t c,
                  uint16_t e)
{
    struct gv_insn *i;

    /* Every instruction the translator makes is one the device runs: a
     * PTX type an instruction accepts but the ISA's does not is refused
     * here, for every instruction at once (fuzz-ptx found three such:
     * setp.f16, mov.f16, brev.b16). */
    if (!gv_isa_type_ok(op, type)) {
        FAIL(cg, "the device's ISA has no %s of type %s", gv_isa_op_name(op),
             gv_isa_type_name(type));
    }
    i = PUSH(cg, cg->ins, cg->nins, cg->capins);
    if (cg->nins > 0x7fffffff) {
        FAIL(cg, "module too large");
    }
    i->op = (uint8_t)op;
    i->type = (uint8_t)type;
    i->mod = (uint8_t)mod;
    i->guard = cg->guard;
    i->gpred = cg->gpred;
    i->d = d;
    i->a = a;
    i->b = b;
    i->c = c;
    i->e = e;
    return (uint32_t)(cg->nins - 1);
}

uint64_t gvp_align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

uint32_t gvp_decl_align(const struct gvp_decl *d)
{
    uint32_t a = gvp_types[d->ptype].size * d->vec;

    if (d->align > a) {
        a = d->align;
    }
    return a ? a : 1;
}

static uint64_t data_alloc(struct cg *cg, uint64_t size, uint32_t align)
{
    uint64_t off = gvp_align_up(cg->ndata, align);

    if (off + size > GV_ISA_MODULE_MAX) {
        FAIL(cg, "module data larger than %u bytes", GV_ISA_MODULE_MAX);
    }
    /* the arena's memory is zeroed: growing is enough */
    cg->data = gvp_grow(cg->p, cg->data, &cg->capdata, off + size, 1);
    cg->ndata = off + size;
    return off;
}

/* ---- types ---- */

unsigned gvp_gvt(struct cg *cg, int pt)
{
    if (pt <= PT_NONE || pt >= PT__COUNT || gvp_types[pt].gv == GV_T_NONE) {
        FAIL(cg, "type .%s is not supported",
             pt > PT_NONE && pt < PT__COUNT ? gvp_types[pt].name : "?");
    }
    return gvp_types[pt].gv;
}

bool gvp_pt_float(int pt)
{
    return pt == PT_F32 || pt == PT_F64;
}

/* The value of a numeric literal operand for an instruction of type @pt. */
static uint64_t literal(struct cg *cg, const struct gvp_opd *o, int pt)
{
    double v;

    if (o->kind == OK_INT) {
        if (pt == PT_F32) {
            float f = (float)o->ival;
            uint32_t u;

            memcpy(&u, &f, 4);
            return u;
        }
        if (pt == PT_F64) {
            double dd = (double)o->ival;
            uint64_t u;

            memcpy(&u, &dd, 8);
            return u;
        }
        return (uint64_t)o->ival;
    }
    /* OK_FLT */
    if (o->fk == FK_F32) {
        float f;
        uint32_t u = (uint32_t)o->bits;

        if (pt != PT_F64) {
            return u;           /* the bits, for f32 and bit types */
        }
        memcpy(&f, &u, 4);
        v = f;
    } else if (o->fk == FK_F64) {
        if (pt != PT_F32) {
            return o->bits;
        }
        memcpy(&v, &o->bits, 8);
    } else {
        v = o->dval;
    }
    if (pt == PT_F32 || (gvp_types[pt].size == 4 && pt != PT_F64)) {
        float f = (float)v;
        uint32_t u;

        memcpy(&u, &f, 4);
        return u;
    }
    if (pt == PT_F16 || pt == PT_B16) {
        FAIL(cg, "half-precision literals are not supported");
    }
    uint64_t u;

    memcpy(&u, &v, 8);
    return u;
}

/* ---- special registers ---- */

const struct gvp_sreg gvp_sregs[GVP_NSREGS] = {
    { "%tid.x", GV_SR_TID_X, GV_T_U32 }, { "%tid.y", GV_SR_TID_Y, GV_T_U32 },
    { "%tid.z", GV_SR_TID_Z, GV_T_U32 },
    { "%ntid.x", GV_SR_NTID_X, GV_T_U32 },
    { "%ntid.y", GV_SR_NTID_Y, GV_T_U32 },
    { "%ntid.z", GV_SR_NTID_Z, GV_T_U32 },
    { "%ctaid.x", GV_SR_CTAID_X, GV_T_U32 },
    { "%ctaid.y", GV_SR_CTAID_Y, GV_T_U32 },
    { "%ctaid.z", GV_SR_CTAID_Z, GV_T_U32 },
    { "%nctaid.x", GV_SR_NCTAID_X, GV_T_U32 },
    { "%nctaid.y", GV_SR_NCTAID_Y, GV_T_U32 },
    { "%nctaid.z", GV_SR_NCTAID_Z, GV_T_U32 },
    { "%laneid", GV_SR_LANEID, GV_T_U32 },
    { "%warpid", GV_SR_WARPID, GV_T_U32 },
    { "%nwarpid", GV_SR_NWARPID, GV_T_U32 },
    { "%smid", GV_SR_SMID, GV_T_U32 }, { "%nsmid", GV_SR_NSMID, GV_T_U32 },
    { "%gridid", GV_SR_GRIDID, GV_T_U64 },
    { "%lanemask_eq", GV_SR_LANEMASK_EQ, GV_T_U32 },
    { "%lanemask_lt", GV_SR_LANEMASK_LT, GV_T_U32 },
    { "%lanemask_le", GV_SR_LANEMASK_LE, GV_T_U32 },
    { "%lanemask_gt", GV_SR_LANEMASK_GT, GV_T_U32 },
    { "%lanemask_ge", GV_SR_LANEMASK_GE, GV_T_U32 },
    { "%clock", GV_SR_CLOCK, GV_T_U32 },
    { "%clock64", GV_SR_CLOCK64, GV_T_U64 },
    { "%globaltimer", GV_SR_GLOBALTIMER, GV_T_U64 },
};

int gvp_sreg_of(const char *name)
{
    for (size_t i = 0; i < GVP_NSREGS; i++) {
        if (!strcmp(gvp_sregs[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- operands ---- */

uint16_t gvp_dst(struct cg *cg, const struct gvp_opd *o)
{
    int r;

    if (o->kind != OK_NAME || o->neg || o->ival) {
        FAIL(cg, "destination must be a register");
    }
    r = gvp_reg_lookup(cg, o->name);
    if (r < 0) {
        FAIL(cg, "%s is not a declared register", o->name);
    }
    return (uint16_t)r;
}

/* The address a symbol stands for (+@add), as an operand; its space. */
static uint16_t sym_addr(struct cg *cg, struct sym *y, int64_t add,
                         int *space)
{
    switch (y->kind) {
    case Y_KPARAM:
        *space = GV_SPACE_PARAM;
        return gvp_konst(cg, y->off + (uint64_t)add);
    case Y_LOCAL:
        *space = GV_SPACE_LOCAL;
        if (y->framed) {        /* in the frame of a function called for
                                   real: from the stack pointer */
            uint16_t t = (uint16_t)gvp_new_slot(cg);

            gvp_emit(cg, GV_I_ADD, GV_T_U64, 0, t, cg->sp,
                     gvp_konst(cg, y->off + (uint64_t)add), 0, 0);
            return t;
        }
        return gvp_konst(cg, y->off + (uint64_t)add);
    case Y_SHARED:
        *space = GV_SPACE_SHARED;
        return gvp_konst(cg, y->off + (uint64_t)add);
    case Y_EXTSHARED: {
        uint16_t k = konst_fresh(cg, 0);
        struct extpatch *x = PUSH(cg, cg->ext, cg->next, cg->capext);

        x->cidx = k - GV_ISA_CONST_BASE;
        x->add = add;
        *space = GV_SPACE_SHARED;
        return k;
    }
    case Y_DATA: {
        uint16_t t = (uint16_t)gvp_new_slot(cg);

        gvp_emit(cg, GV_I_MADDR, GV_T_U64, 0, t,
                 gvp_konst(cg, y->off + (uint64_t)add), 0, 0, 0);
        *space = GV_SPACE_GLOBAL;
        return t;
    }
    default:
        FAIL(cg, "%s is not an addressable variable", y->name);
    }
}

uint16_t gvp_src(struct cg *cg, const struct gvp_opd *o, int pt)
{
    int r, sr, space;
    struct sym *y;

    switch (o->kind) {
    case OK_INT:
    case OK_FLT:
        return gvp_konst(cg, literal(cg, o, pt));
    case OK_NAME:
        if (o->neg) {
            FAIL(cg, "'!' is only allowed on predicate operands that "
                 "accept it");
        }
        if ((sr = gvp_sreg_of(o->name)) >= 0) {
            uint16_t t = (uint16_t)gvp_new_slot(cg);

            gvp_emit(cg, GV_I_S2R, gvp_sregs[sr].type, gvp_sregs[sr].id, t, 0,
                     0, 0, 0);
            return t;
        }
        r = gvp_reg_lookup(cg, o->name);
        if (r < 0 && !gvp_sym_find(cg, o->name) &&
            (!strncmp(o->name, "%tid", 4) || !strncmp(o->name, "%ntid", 5) ||
             !strncmp(o->name, "%ctaid", 6) ||
             !strncmp(o->name, "%nctaid", 7) ||
             !strncmp(o->name, "%envreg", 7) || !strncmp(o->name, "%pm", 3) ||
             !strncmp(o->name, "%dynamic_smem", 13) ||
             !strncmp(o->name, "%total_smem", 11))) {
            FAIL(cg, "special register %s is not supported", o->name);
        }
        if (r >= 0) {
            if (o->ival) {
                FAIL(cg, "register%+lld is not an operand",
                     (long long)o->ival);
            }
            return (uint16_t)r;
        }
        y = gvp_sym_find(cg, o->name);
        if (!y && (r = gvp_func_index(cg->m, o->name)) >= 0) {
            /* a function's address: only compared by indirect calls */
            return gvp_konst(cg, GVP_FUNC_ADDR(r) + (uint64_t)o->ival);
        }
        if (!y) {
            FAIL(cg, "%s is not declared", o->name);
        }
        return sym_addr(cg, y, o->ival, &space);
    case OK_SINK:
        FAIL(cg, "'_' is not a source operand");
    default:
        FAIL(cg, "unexpected operand");
    }
}

/* A predicate source, possibly negated: a slot holding the value. */
uint16_t gvp_psrc(struct cg *cg, const struct gvp_opd *o)
{
    struct gvp_opd x = *o;
    uint16_t s, t;

    if (o->kind == OK_INT) {
        return gvp_konst(cg, o->ival != 0);
    }
    x.neg = false;
    s = gvp_src(cg, &x, PT_PRED);
    if (!o->neg) {
        return s;
    }
    t = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_NOT, GV_T_PRED, 0, t, s, 0, 0, 0);
    return t;
}


void gvp_opc_split(struct cg *cg, const char *s, struct opc *o)
{
    char *p, *save = NULL;

    memset(o, 0, sizeof(*o));
    if (strlen(s) >= sizeof(o->buf)) {
        FAIL(cg, "opcode too long");
    }
    strcpy(o->buf, s);
    o->base = strtok_r(o->buf, ".", &save);
    while ((p = strtok_r(NULL, ".", &save))) {
        int t = gvp_type_by_name(p);

        if (t != PT_NONE) {
            if (o->ntypes == 4) {
                FAIL(cg, "too many types");
            }
            o->types[o->ntypes++] = t;
            continue;
        }
        if (o->n == 16) {
            FAIL(cg, "too many modifiers");
        }
        o->m[o->n++] = p;
    }
}

bool gvp_take(struct opc *o, const char *name)
{
    for (int i = 0; i < o->n; i++) {
        if (!o->used[i] && !strcmp(o->m[i], name)) {
            o->used[i] = true;
            return true;
        }
    }
    return false;
}

/* Which of @names (NULL-terminated) is present (its index), or -1. */
int gvp_take_one(struct opc *o, const char *const *names)
{
    for (int k = 0; names[k]; k++) {
        if (gvp_take(o, names[k])) {
            return k;
        }
    }
    return -1;
}

/* Modifiers that change nothing here: caching, ordering and scope. */
void gvp_take_harmless(struct opc *o)
{
    static const char *const h[] = {
        "ca", "cg", "cs", "lu", "cv", "wb", "wt", "nc", "volatile", "weak",
        "relaxed", "acquire", "release", "acq_rel", "sc", "cta", "gpu",
        "sys", "cluster", "aligned", "uni", "L1::no_allocate",
        "L1::evict_last", "L1::evict_first", "L1::evict_normal",
        "L2::64B", "L2::128B", "L2::256B", "L2::evict_last",
        "L2::evict_first", "L2::evict_normal", NULL,
    };

    for (int i = 0; i < o->n; i++) {
        for (int k = 0; h[k]; k++) {
            if (!strcmp(o->m[i], h[k])) {
                o->used[i] = true;
            }
        }
    }
}

void gvp_opc_done(struct cg *cg, struct opc *o)
{
    for (int i = 0; i < o->n; i++) {
        if (!o->used[i]) {
            FAIL(cg, "modifier .%s is not supported here", o->m[i]);
        }
    }
}

int gvp_one_type(struct cg *cg, struct opc *o)
{
    if (o->ntypes != 1) {
        FAIL(cg, "expected exactly one type");
    }
    return o->types[0];
}

void gvp_nopd(struct cg *cg, const struct gvp_stmt *s, int n)
{
    if (s->nopd != n) {
        FAIL(cg, "expected %d operands, found %d", n, s->nopd);
    }
}

/* Float modifiers: rounding, .ftz, .sat, .approx, .full.  Returns the
 * GV_M_* bits; a directed rounding (.rz .rm .rp) is GV_RND_* in
 * GV_M_RND (.rn is the default, 0), for the caller to refuse where the
 * instruction has none. */
unsigned gvp_float_mods(struct cg *cg, struct opc *o, int pt,
                        bool approx_ok)
{
    static const char *const dir_rnd[] = { "rz", "rm", "rp", NULL };
    unsigned mod = 0;
    int k;

    gvp_take(o, "rn");
    if ((k = gvp_take_one(o, dir_rnd)) >= 0) {
        if (!gvp_pt_float(pt)) {
            FAIL(cg, "rounding .%s needs .f32 or .f64", dir_rnd[k]);
        }
        mod |= GV_RND_RZ + (unsigned)k;
    }
    if (gvp_take(o, "ftz")) {
        if (pt != PT_F32) {
            FAIL(cg, ".ftz needs .f32");
        }
        mod |= GV_M_FTZ;
    }
    if (gvp_take(o, "sat")) {
        mod |= GV_M_SAT;
    }
    if (approx_ok) {
        bool approx = gvp_take(o, "approx"), full = gvp_take(o, "full");

        if ((approx || full) && (mod & GV_M_RND)) {
            FAIL(cg, "a rounding mode and .%s exclude each other",
                 approx ? "approx" : "full");
        }
    }
    return mod;
}

/* ---- memory operands ---- */

int gvp_space_mod(struct opc *o)
{
    static const char *const sp[] = { "global", "shared", "local", "param",
                                      "const", "shared::cta", NULL };
    static const int map[] = { GV_SPACE_GLOBAL, GV_SPACE_SHARED,
                               GV_SPACE_LOCAL, GV_SPACE_PARAM,
                               GV_SPACE_GLOBAL, GV_SPACE_SHARED };
    int k = gvp_take_one(o, sp);

    return k < 0 ? GV_SPACE_GENERIC : map[k];
}


void gvp_mem_operand(struct cg *cg, const struct gvp_opd *o, int space,
                     struct maddr *ma)
{
    struct sym *y;
    int r;

    if (o->kind != OK_MEM) {
        FAIL(cg, "expected a memory operand [..]");
    }
    ma->space = space;
    ma->off = 0;
    if (!o->name) {
        ma->a = gvp_konst(cg, (uint64_t)o->ival);
        return;
    }
    r = gvp_reg_lookup(cg, o->name);
    if (r >= 0) {
        ma->a = (uint16_t)r;
        ma->off = o->ival;
        /* a param-space pointer in an inlined function points at local
         * memory (where call parameters live) */
        if (space == GV_SPACE_PARAM && (cg->nstack > 1 || cg->rcur)) {
            ma->space = GV_SPACE_LOCAL;
        }
        return;
    }
    y = gvp_sym_find(cg, o->name);
    if (!y) {
        FAIL(cg, "%s is not declared", o->name);
    }
    if (y->kind == Y_LOCAL && y->framed) {
        ma->a = cg->sp;
        ma->off = (int64_t)y->off + o->ival;
        ma->space = GV_SPACE_LOCAL;
    } else {
        ma->a = sym_addr(cg, y, o->ival, &ma->space);
    }
    if (space == GV_SPACE_GENERIC || ma->space == space ||
        (space == GV_SPACE_PARAM && ma->space == GV_SPACE_LOCAL)) {
        return;
    }
    FAIL(cg, "%s is not in this state space", o->name);
}

/* Operand a and offset field e for a memory instruction at extra byte
 * offset @k. */
void gvp_mem_ae(struct cg *cg, const struct maddr *ma, int64_t k,
                uint16_t *a, uint16_t *e)
{
    int64_t off = ma->off + k;

    if (off >= INT16_MIN && off <= INT16_MAX) {
        *a = ma->a;
        *e = (uint16_t)(int16_t)off;
        return;
    }
    *a = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_ADD, GV_T_U64, 0, *a, ma->a, gvp_konst(cg, (uint64_t)off),
             0, 0);
    *e = 0;
}

/* ---- labels ---- */

void gvp_label_define(struct cg *cg, const char *name, int line)
{
    struct sym *y = gvp_sym_find(cg, name);

    if (y && y->kind == Y_LABEL && y->frame == cg->frame) {
        gvp_fail(cg->p, line, name, "label defined twice");
    }
    /* labels are function-wide: declare at depth 0 of the frame */
    int depth = cg->depth;

    cg->depth = 0;
    y = gvp_sym_add(cg, name, Y_LABEL, line);
    cg->depth = depth;
    y->off = cg->nins;
}

/* Close a { } scope.  Labels are function-wide (depth 0) but may have
 * been added inside the scope: unlink the scope's tail and put the labels
 * back. */
void gvp_scope_close(struct cg *cg)
{
    int d = cg->depth - 1;
    size_t w, first = cg->nsyms;

    while (first > 0 && cg->syms[first - 1].frame == cg->frame &&
           (cg->syms[first - 1].depth > d ||
            cg->syms[first - 1].kind == Y_LABEL)) {
        first--;
    }
    for (size_t i = cg->nsyms; i-- > first;) {
        cg->bucket[cg->syms[i].hash % NBUCKET] = cg->syms[i].prev;
    }
    w = first;
    for (size_t i = first; i < cg->nsyms; i++) {
        if (cg->syms[i].depth <= d) {
            struct sym *y = &cg->syms[w];

            *y = cg->syms[i];
            y->prev = cg->bucket[y->hash % NBUCKET];
            cg->bucket[y->hash % NBUCKET] = (int)w;
            w++;
        }
    }
    cg->nsyms = w;
    cg->depth = d;
}

void gvp_branch_to(struct cg *cg, const char *label)
{
    uint32_t at = gvp_emit(cg, GV_I_BRA, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    struct fixup *f = PUSH(cg, cg->fix, cg->nfix, cg->capfix);

    f->at = at;
    f->label = label;
    f->frame = cg->frame;
    f->line = cg->line;
}

/* Resolve the branches of frame @frame (its labels are still visible). */
void gvp_fixups_resolve(struct cg *cg, int frame)
{
    size_t w = 0;

    for (size_t i = 0; i < cg->nfix; i++) {
        struct fixup *f = &cg->fix[i];

        if (f->frame != frame) {
            cg->fix[w++] = *f;
            continue;
        }
        struct sym *y = gvp_sym_find(cg, f->label);

        if (!y || y->kind != Y_LABEL) {
            gvp_fail(cg->p, f->line, "bra", "label %s is not defined",
                     f->label);
        }
        cg->ins[f->at].b = (uint16_t)y->off;
        cg->ins[f->at].c = (uint16_t)(y->off >> 16);
    }
    cg->nfix = w;
}

/* ---- declarations ---- */

static void write_scalar(struct cg *cg, uint64_t off, int pt,
                         const struct gvp_init *in)
{
    const struct gvp_opd *v = &in->val;
    uint64_t x;
    unsigned sz = gvp_types[pt].size;

    if (v->kind == OK_NAME && gvp_func_index(cg->m, v->name) >= 0) {
        /* a function's address (for indirect calls): 64 bits */
        if (sz != 8 || v->ival) {
            gvp_fail(cg->p, in->line, "initialiser", "the address of "
                     "function %s needs a 64-bit element, no offset",
                     v->name);
        }
        x = GVP_FUNC_ADDR(gvp_func_index(cg->m, v->name));
        memcpy(cg->data + off, &x, sz);
        return;
    }
    if (v->kind == OK_NAME) {
        gvp_fail(cg->p, in->line, "initialiser", "addresses of variables "
                 "(%s) in initialisers are not supported", v->name);
    }
    x = literal(cg, v, gvp_compat_data_type(cg, pt));
    memcpy(cg->data + off, &x, sz);     /* little-endian host */
}

/* Flatten an initialiser into elements of @pt from @off; returns the
 * next offset. */
static uint64_t write_init(struct cg *cg, uint64_t off, uint64_t end, int pt,
                           const struct gvp_init *in)
{
    if (!in->list) {
        if (off + gvp_types[pt].size > end) {
            gvp_fail(cg->p, in->line, "initialiser", "too many values");
        }
        write_scalar(cg, off, pt, in);
        return off + gvp_types[pt].size;
    }
    for (int i = 0; i < in->n; i++) {
        off = write_init(cg, off, end, pt, &in->elts[i]);
    }
    return off;
}

void gvp_declare_data(struct cg *cg, struct gvp_decl *d)
{
    struct sym *y;
    uint64_t off;

    if (d->unsized) {
        gvp_fail(cg->p, d->line, d->name, "unsized .global/.const arrays are "
                 "not supported");
    }
    if (d->ptype == PT_PRED || gvp_types[d->ptype].gv == GV_T_NONE) {
        if (d->init) {
            gvp_fail(cg->p, d->line, d->name, "initialiser of type .%s",
                     gvp_types[d->ptype].name);
        }
    }
    off = data_alloc(cg, d->size, gvp_decl_align(d));
    if (d->init) {
        write_init(cg, off, off + d->size, d->ptype, d->init);
    }
    y = gvp_sym_add(cg, d->name, Y_DATA, d->line);
    y->off = off;
    y->ptype = d->ptype;
    d->off = off;
}

uint64_t gvp_local_alloc(struct cg *cg, uint64_t size, uint32_t align)
{
    uint64_t off = gvp_align_up(cg->local_size, align);

    cg->local_size = off + size;
    if (cg->local_size > GV_ISA_MAX_LOCAL) {
        FAIL(cg, "more than %u bytes of local memory per thread",
             GV_ISA_MAX_LOCAL);
    }
    return off;
}

void gvp_declare_shared(struct cg *cg, struct gvp_decl *d, bool module)
{
    struct sym *y;

    if (d->init) {
        gvp_fail(cg->p, d->line, d->name, ".shared variables cannot be "
                 "initialised");
    }
    if (d->ext || d->unsized) {
        y = gvp_sym_add(cg, d->name, Y_EXTSHARED, d->line);
        return;
    }
    uint64_t *sz = module ? &cg->mod_shared_size : &cg->shared_size;
    uint64_t off = gvp_align_up(*sz, gvp_decl_align(d));

    *sz = off + d->size;
    if (*sz > GV_ISA_MAX_SHARED) {
        gvp_fail(cg->p, d->line, d->name, "more than %u bytes of shared "
                 "memory", GV_ISA_MAX_SHARED);
    }
    y = gvp_sym_add(cg, d->name, Y_SHARED, d->line);
    y->off = off;
}

void gvp_declare(struct cg *cg, const struct gvp_stmt *s)
{
    for (int i = 0; i < s->ndecl; i++) {
        struct gvp_decl *d = &s->decl[i];
        struct sym *y;

        cg->line = d->line;
        cg->opc = d->name;
        switch (d->space) {
        case SP_REG:
            if (d->vec > 1 || d->is_array) {
                FAIL(cg, "vector and array registers are not supported");
            }
            if (d->range >= 0) {
                y = gvp_sym_add(cg, d->name, Y_RANGE, d->line);
                y->rcount = (uint32_t)d->range;
                y->rslots = gvp_alloc(cg->p, (d->range + 1) * sizeof(int32_t));
                for (int k = 0; k < d->range; k++) {
                    y->rslots[k] = -1;
                }
            } else {
                y = gvp_sym_add(cg, d->name, Y_REG, d->line);
                y->slot = gvp_new_slot(cg);
            }
            y->ptype = d->ptype;
            break;
        case SP_LOCAL:
        case SP_PARAM:
            if (d->init) {
                FAIL(cg, "initialised .local/.param variables are not "
                     "supported");
            }
            if (d->unsized) {
                FAIL(cg, "unsized array");
            }
            y = gvp_sym_add(cg, d->name, Y_LOCAL, d->line);
            y->off = gvp_local_alloc(cg, d->size, gvp_decl_align(d));
            y->framed = cg->rcur != 0;
            y->ptype = d->ptype;
            break;
        case SP_SHARED:
            gvp_declare_shared(cg, d, false);
            break;
        default:
            gvp_declare_data(cg, d);
            break;
        }
    }
}
