/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, back half: the code generator.  Walks the parsed module
 * (gv_ptx_parse.c) and emits a GVX module (include/graviton/gv_isa.h).
 *
 * - One register slot per PTX register, allocated on first use; predicates
 *   are slots holding 0 or 1.  Immediates and symbol addresses go to the
 *   constant pool (deduplicated).
 * - Entry parameters are read from the PARAM space at their offsets
 *   (declaration order, natural alignment), listed in the params table.
 * - .shared variables: offsets in the block's shared memory (module-scope
 *   ones first, then each entry's own; .extern arrays after the static
 *   part).  .local variables and the .param variables of call sequences:
 *   offsets in the thread's local memory.  .global/.const variables: the
 *   module's data section, addressed with MADDR.
 * - .func calls are inlined at the call site (the ISA has no call), with
 *   fresh registers and labels per call; parameters and return values pass
 *   through local memory exactly as the PTX writes them.  Recursion is an
 *   error.  The instruction order of the PTX is kept: the engine's
 *   reconvergence relies on the layout compilers produce.
 * - Every modifier of an instruction must be understood or explicitly
 *   harmless; anything else is an error naming the line and the construct.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx.h"
#include "gv_ptx_int.h"

/* ---- growable arrays in the arena ---- */

#define PUSH(cg, arr, n, cap) \
    ((arr) = gvp_grow((cg)->p, (arr), &(cap), (n) + 1, sizeof(*(arr))), \
     &(arr)[(n)++])

/* ---- state ---- */

enum ykind { Y_REG, Y_RANGE, Y_KPARAM, Y_LOCAL, Y_SHARED, Y_EXTSHARED,
             Y_DATA, Y_LABEL };

struct sym {
    const char *name;
    uint32_t hash;
    int frame, depth, prev;
    int kind;
    uint32_t slot;              /* Y_REG */
    int32_t *rslots;            /* Y_RANGE: slot per index, -1 = none yet */
    uint32_t rcount;
    uint64_t off;               /* param/local/shared/data offset, label pc */
    uint8_t ptype;
};

#define NBUCKET 4096

struct fixup {
    uint32_t at;                /* instruction to patch */
    const char *label;
    int frame, line;
};

struct extpatch {
    uint32_t cidx;              /* constant to patch */
    int64_t add;
};

struct cg {
    struct gvp *p;
    struct gvp_module *m;
    struct sym *syms;
    size_t nsyms, capsyms;
    int bucket[NBUCKET];
    int frame, depth, nframes;

    struct gv_insn *ins;
    size_t nins, capins;
    uint64_t *consts;
    size_t nconsts, capconsts;
    int32_t *chash;             /* open addressing over constant indices */
    size_t chash_size;
    struct gv_isa_func *funcs;
    size_t nfuncs, capfuncs;
    struct gv_isa_param *params;
    size_t nparams, capparams;
    char *strings;
    size_t nstrings, capstrings;
    uint8_t *data;
    size_t ndata, capdata;

    /* the entry being generated */
    uint32_t nregs;
    uint64_t local_size, shared_size, mod_shared_size;
    struct extpatch *ext;
    size_t next, capext;
    struct fixup *fix;
    size_t nfix, capfix;
    const struct gvp_func *stack[32];
    int nstack;

    /* the statement being translated */
    int line;
    const char *opc;
    uint8_t guard;
    uint16_t gpred;
};

#define FAIL(cg, ...) gvp_fail((cg)->p, (cg)->line, (cg)->opc, __VA_ARGS__)

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 16777619u;
    }
    return h;
}

/* ---- symbols ---- */

static struct sym *sym_find(struct cg *cg, const char *name)
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

static struct sym *sym_add(struct cg *cg, const char *name, int kind,
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
static void sym_pop(struct cg *cg, int depth)
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

static uint32_t new_slot(struct cg *cg)
{
    if (cg->nregs >= GV_ISA_MAX_REGS) {
        FAIL(cg, "more than %u registers", GV_ISA_MAX_REGS);
    }
    return cg->nregs++;
}

/* A register by name (%r12 through a %r<N> declaration too), or -1. */
static int reg_lookup(struct cg *cg, const char *name)
{
    struct sym *y = sym_find(cg, name);
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
    y = sym_find(cg, prefix);
    if (!y || y->kind != Y_RANGE) {
        return -1;
    }
    unsigned long idx = strtoul(name + k, NULL, 10);

    if (idx >= y->rcount) {
        return -1;
    }
    if (y->rslots[idx] < 0) {
        y->rslots[idx] = (int32_t)new_slot(cg);
    }
    return y->rslots[idx];
}

/* ---- output ---- */

static uint16_t konst(struct cg *cg, uint64_t v)
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

static uint32_t emit(struct cg *cg, unsigned op, unsigned type, unsigned mod,
                     uint16_t d, uint16_t a, uint16_t b, uint16_t c,
                     uint16_t e)
{
    struct gv_insn *i = PUSH(cg, cg->ins, cg->nins, cg->capins);

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

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint32_t decl_align(const struct gvp_decl *d)
{
    uint32_t a = gvp_types[d->ptype].size * d->vec;

    if (d->align > a) {
        a = d->align;
    }
    return a ? a : 1;
}

static uint64_t data_alloc(struct cg *cg, uint64_t size, uint32_t align)
{
    uint64_t off = align_up(cg->ndata, align);

    if (off + size > GV_ISA_MODULE_MAX) {
        FAIL(cg, "module data larger than %u bytes", GV_ISA_MODULE_MAX);
    }
    while (cg->ndata < off + size) {
        *PUSH(cg, cg->data, cg->ndata, cg->capdata) = 0;
    }
    return off;
}

/* ---- types ---- */

static unsigned gvt(struct cg *cg, int pt)
{
    if (pt <= PT_NONE || pt >= PT__COUNT || gvp_types[pt].gv == GV_T_NONE) {
        FAIL(cg, "type .%s is not supported",
             pt > PT_NONE && pt < PT__COUNT ? gvp_types[pt].name : "?");
    }
    return gvp_types[pt].gv;
}

static bool pt_float(int pt)
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

static const struct { const char *name; unsigned id; unsigned type; }
sregs[] = {
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

static int sreg_of(const char *name)
{
    for (size_t i = 0; i < sizeof(sregs) / sizeof(sregs[0]); i++) {
        if (!strcmp(sregs[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

/* ---- operands ---- */

static uint16_t dst(struct cg *cg, const struct gvp_opd *o)
{
    int r;

    if (o->kind != OK_NAME || o->neg || o->ival) {
        FAIL(cg, "destination must be a register");
    }
    r = reg_lookup(cg, o->name);
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
        return konst(cg, y->off + (uint64_t)add);
    case Y_LOCAL:
        *space = GV_SPACE_LOCAL;
        return konst(cg, y->off + (uint64_t)add);
    case Y_SHARED:
        *space = GV_SPACE_SHARED;
        return konst(cg, y->off + (uint64_t)add);
    case Y_EXTSHARED: {
        uint16_t k = konst_fresh(cg, 0);
        struct extpatch *x = PUSH(cg, cg->ext, cg->next, cg->capext);

        x->cidx = k - GV_ISA_CONST_BASE;
        x->add = add;
        *space = GV_SPACE_SHARED;
        return k;
    }
    case Y_DATA: {
        uint16_t t = (uint16_t)new_slot(cg);

        emit(cg, GV_I_MADDR, GV_T_U64, 0, t, konst(cg, y->off + (uint64_t)add),
             0, 0, 0);
        *space = GV_SPACE_GLOBAL;
        return t;
    }
    default:
        FAIL(cg, "%s is not an addressable variable", y->name);
    }
}

static uint16_t src(struct cg *cg, const struct gvp_opd *o, int pt)
{
    int r, sr, space;
    struct sym *y;

    switch (o->kind) {
    case OK_INT:
    case OK_FLT:
        return konst(cg, literal(cg, o, pt));
    case OK_NAME:
        if (o->neg) {
            FAIL(cg, "'!' is only allowed on predicate operands that "
                 "accept it");
        }
        if ((sr = sreg_of(o->name)) >= 0) {
            uint16_t t = (uint16_t)new_slot(cg);

            emit(cg, GV_I_S2R, sregs[sr].type, sregs[sr].id, t, 0, 0, 0, 0);
            return t;
        }
        r = reg_lookup(cg, o->name);
        if (r < 0 && !sym_find(cg, o->name) &&
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
        y = sym_find(cg, o->name);
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
static uint16_t psrc(struct cg *cg, const struct gvp_opd *o)
{
    struct gvp_opd x = *o;
    uint16_t s, t;

    if (o->kind == OK_INT) {
        return konst(cg, o->ival != 0);
    }
    x.neg = false;
    s = src(cg, &x, PT_PRED);
    if (!o->neg) {
        return s;
    }
    t = (uint16_t)new_slot(cg);
    emit(cg, GV_I_NOT, GV_T_PRED, 0, t, s, 0, 0, 0);
    return t;
}

/* ---- opcode strings: base, modifiers (each must be consumed), types ---- */

struct opc {
    char buf[128];
    const char *base;
    int n;
    const char *m[16];
    bool used[16];
    int types[4];
    int ntypes;
};

static void opc_split(struct cg *cg, const char *s, struct opc *o)
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

static bool take(struct opc *o, const char *name)
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
static int take_one(struct opc *o, const char *const *names)
{
    for (int k = 0; names[k]; k++) {
        if (take(o, names[k])) {
            return k;
        }
    }
    return -1;
}

/* Modifiers that change nothing here: caching, ordering and scope. */
static void take_harmless(struct opc *o)
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

static void opc_done(struct cg *cg, struct opc *o)
{
    for (int i = 0; i < o->n; i++) {
        if (!o->used[i]) {
            FAIL(cg, "modifier .%s is not supported here", o->m[i]);
        }
    }
}

static int one_type(struct cg *cg, struct opc *o)
{
    if (o->ntypes != 1) {
        FAIL(cg, "expected exactly one type");
    }
    return o->types[0];
}

static void nopd(struct cg *cg, const struct gvp_stmt *s, int n)
{
    if (s->nopd != n) {
        FAIL(cg, "expected %d operands, found %d", n, s->nopd);
    }
}

/* Float modifiers: rounding (only to nearest), .ftz, .sat, .approx,
 * .full.  Returns the GV_M_* bits. */
static unsigned float_mods(struct cg *cg, struct opc *o, int pt,
                           bool approx_ok)
{
    static const char *const bad_rnd[] = { "rz", "rm", "rp", NULL };
    unsigned mod = 0;
    int k;

    take(o, "rn");
    if ((k = take_one(o, bad_rnd)) >= 0) {
        FAIL(cg, "rounding mode .%s is not supported (only .rn)",
             bad_rnd[k]);
    }
    if (take(o, "ftz")) {
        if (pt != PT_F32) {
            FAIL(cg, ".ftz needs .f32");
        }
        mod |= GV_M_FTZ;
    }
    if (take(o, "sat")) {
        mod |= GV_M_SAT;
    }
    if (approx_ok) {
        take(o, "approx");
        take(o, "full");
    }
    return mod;
}

/* ---- memory operands ---- */

static int space_mod(struct opc *o)
{
    static const char *const sp[] = { "global", "shared", "local", "param",
                                      "const", "shared::cta", NULL };
    static const int map[] = { GV_SPACE_GLOBAL, GV_SPACE_SHARED,
                               GV_SPACE_LOCAL, GV_SPACE_PARAM,
                               GV_SPACE_GLOBAL, GV_SPACE_SHARED };
    int k = take_one(o, sp);

    return k < 0 ? GV_SPACE_GENERIC : map[k];
}

struct maddr {
    uint16_t a;
    int64_t off;
    int space;
};

static void mem_operand(struct cg *cg, const struct gvp_opd *o, int space,
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
        ma->a = konst(cg, (uint64_t)o->ival);
        return;
    }
    r = reg_lookup(cg, o->name);
    if (r >= 0) {
        ma->a = (uint16_t)r;
        ma->off = o->ival;
        /* a param-space pointer in an inlined function points at local
         * memory (where call parameters live) */
        if (space == GV_SPACE_PARAM && cg->nstack > 1) {
            ma->space = GV_SPACE_LOCAL;
        }
        return;
    }
    y = sym_find(cg, o->name);
    if (!y) {
        FAIL(cg, "%s is not declared", o->name);
    }
    ma->a = sym_addr(cg, y, o->ival, &ma->space);
    if (space == GV_SPACE_GENERIC || ma->space == space ||
        (space == GV_SPACE_PARAM && ma->space == GV_SPACE_LOCAL)) {
        return;
    }
    FAIL(cg, "%s is not in this state space", o->name);
}

/* Operand a and offset field e for a memory instruction at extra byte
 * offset @k. */
static void mem_ae(struct cg *cg, const struct maddr *ma, int64_t k,
                   uint16_t *a, uint16_t *e)
{
    int64_t off = ma->off + k;

    if (off >= INT16_MIN && off <= INT16_MAX) {
        *a = ma->a;
        *e = (uint16_t)(int16_t)off;
        return;
    }
    *a = (uint16_t)new_slot(cg);
    emit(cg, GV_I_ADD, GV_T_U64, 0, *a, ma->a, konst(cg, (uint64_t)off), 0,
         0);
    *e = 0;
}

/* ---- labels ---- */

static void label_define(struct cg *cg, const char *name, int line)
{
    struct sym *y = sym_find(cg, name);

    if (y && y->kind == Y_LABEL && y->frame == cg->frame) {
        gvp_fail(cg->p, line, name, "label defined twice");
    }
    /* labels are function-wide: declare at depth 0 of the frame */
    int depth = cg->depth;

    cg->depth = 0;
    y = sym_add(cg, name, Y_LABEL, line);
    cg->depth = depth;
    y->off = cg->nins;
}

/* Close a { } scope.  Labels are function-wide (depth 0) but may have
 * been added inside the scope: unlink the scope's tail and put the labels
 * back. */
static void scope_close(struct cg *cg)
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

static void branch_to(struct cg *cg, const char *label)
{
    uint32_t at = emit(cg, GV_I_BRA, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    struct fixup *f = PUSH(cg, cg->fix, cg->nfix, cg->capfix);

    f->at = at;
    f->label = label;
    f->frame = cg->frame;
    f->line = cg->line;
}

/* Resolve the branches of frame @frame (its labels are still visible). */
static void fixups_resolve(struct cg *cg, int frame)
{
    size_t w = 0;

    for (size_t i = 0; i < cg->nfix; i++) {
        struct fixup *f = &cg->fix[i];

        if (f->frame != frame) {
            cg->fix[w++] = *f;
            continue;
        }
        struct sym *y = sym_find(cg, f->label);

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

    if (v->kind == OK_NAME) {
        gvp_fail(cg->p, in->line, "initialiser", "addresses of variables "
                 "(%s) in initialisers are not supported", v->name);
    }
    x = literal(cg, v, pt);
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

static void declare_data(struct cg *cg, struct gvp_decl *d)
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
    off = data_alloc(cg, d->size, decl_align(d));
    if (d->init) {
        write_init(cg, off, off + d->size, d->ptype, d->init);
    }
    y = sym_add(cg, d->name, Y_DATA, d->line);
    y->off = off;
    y->ptype = d->ptype;
    d->off = off;
}

static uint64_t local_alloc(struct cg *cg, uint64_t size, uint32_t align)
{
    uint64_t off = align_up(cg->local_size, align);

    cg->local_size = off + size;
    if (cg->local_size > GV_ISA_MAX_LOCAL) {
        FAIL(cg, "more than %u bytes of local memory per thread",
             GV_ISA_MAX_LOCAL);
    }
    return off;
}

static void declare_shared(struct cg *cg, struct gvp_decl *d, bool module)
{
    struct sym *y;

    if (d->init) {
        gvp_fail(cg->p, d->line, d->name, ".shared variables cannot be "
                 "initialised");
    }
    if (d->ext || d->unsized) {
        y = sym_add(cg, d->name, Y_EXTSHARED, d->line);
        return;
    }
    uint64_t *sz = module ? &cg->mod_shared_size : &cg->shared_size;
    uint64_t off = align_up(*sz, decl_align(d));

    *sz = off + d->size;
    if (*sz > GV_ISA_MAX_SHARED) {
        gvp_fail(cg->p, d->line, d->name, "more than %u bytes of shared "
                 "memory", GV_ISA_MAX_SHARED);
    }
    y = sym_add(cg, d->name, Y_SHARED, d->line);
    y->off = off;
}

static void declare(struct cg *cg, const struct gvp_stmt *s)
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
                y = sym_add(cg, d->name, Y_RANGE, d->line);
                y->rcount = (uint32_t)d->range;
                y->rslots = gvp_alloc(cg->p, (d->range + 1) * sizeof(int32_t));
                for (int k = 0; k < d->range; k++) {
                    y->rslots[k] = -1;
                }
            } else {
                y = sym_add(cg, d->name, Y_REG, d->line);
                y->slot = new_slot(cg);
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
            y = sym_add(cg, d->name, Y_LOCAL, d->line);
            y->off = local_alloc(cg, d->size, decl_align(d));
            y->ptype = d->ptype;
            break;
        case SP_SHARED:
            declare_shared(cg, d, false);
            break;
        default:
            declare_data(cg, d);
            break;
        }
    }
}

/* ---- instructions ---- */

static void translate_body(struct cg *cg, const struct gvp_func *f,
                           const char *ret_label);

static unsigned cmp_of(struct cg *cg, struct opc *o, int pt)
{
    static const char *const names[] = {
        "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu",
        "gtu", "geu", "num", "nan", "lo", "ls", "hi", "hs", NULL,
    };
    int k = take_one(o, names);

    if (k < 0) {
        FAIL(cg, "missing comparison");
    }
    if (k >= GV_CMP_EQU && k <= GV_CMP_NAN && !pt_float(pt)) {
        FAIL(cg, "comparison .%s needs a floating-point type", names[k]);
    }
    if (k >= 14) {
        if (gvp_types[pt].kind == K_S || pt_float(pt)) {
            FAIL(cg, "comparison .%s needs an unsigned type", names[k]);
        }
        return GV_CMP_LT + (unsigned)(k - 14);
    }
    return (unsigned)k;
}

/* setp.cmp[.bool].type p[|q], a, b[, {!}c] */
static void do_setp(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const bools[] = { "and", "or", "xor", NULL };
    static const unsigned bop[] = { GV_I_AND, GV_I_OR, GV_I_XOR };
    int pt = one_type(cg, o), bk;
    unsigned cmp = cmp_of(cg, o, pt), t = gvt(cg, pt);
    uint16_t a, b, r, nr = 0, c = 0, p, q = GV_ISA_NONE;
    const struct gvp_opd *d = &s->opd[0];

    bk = take_one(o, bools);
    float_mods(cg, o, pt, false);
    opc_done(cg, o);
    nopd(cg, s, bk >= 0 ? 4 : 3);
    if (d->kind == OK_PAIR) {
        struct gvp_opd x = *d;

        x.kind = OK_NAME;
        p = dst(cg, &x);
        x.name = d->name2;
        q = dst(cg, &x);
    } else {
        p = dst(cg, d);
    }
    /* The expansion writes p before q: if p is the guard, guard the rest
     * on a copy taken first. */
    if (cg->guard && (p == cg->gpred || q == cg->gpred)) {
        uint16_t g = (uint16_t)new_slot(cg);
        uint8_t guard = cg->guard;

        cg->guard = 0;
        emit(cg, GV_I_MOV, GV_T_PRED, 0, g, cg->gpred, 0, 0, 0);
        cg->guard = guard;
        cg->gpred = g;
    }
    a = src(cg, &s->opd[1], pt);
    b = src(cg, &s->opd[2], pt);
    if (bk >= 0) {
        c = psrc(cg, &s->opd[3]);
    }
    if (q == GV_ISA_NONE && bk < 0) {
        emit(cg, GV_I_SETP, t, cmp, p, a, b, 0, 0);
        return;
    }
    r = (uint16_t)new_slot(cg);
    emit(cg, GV_I_SETP, t, cmp, r, a, b, 0, 0);
    if (q != GV_ISA_NONE) {
        nr = (uint16_t)new_slot(cg);
        emit(cg, GV_I_NOT, GV_T_PRED, 0, nr, r, 0, 0, 0);
    }
    if (bk >= 0) {
        uint16_t r2 = (uint16_t)new_slot(cg);

        emit(cg, bop[bk], GV_T_PRED, 0, r2, r, c, 0, 0);
        if (q != GV_ISA_NONE) {
            uint16_t n2 = (uint16_t)new_slot(cg);

            emit(cg, bop[bk], GV_T_PRED, 0, n2, nr, c, 0, 0);
            nr = n2;
        }
        r = r2;
    }
    emit(cg, GV_I_MOV, GV_T_PRED, 0, p, r, 0, 0, 0);
    if (q != GV_ISA_NONE) {
        emit(cg, GV_I_MOV, GV_T_PRED, 0, q, nr, 0, 0, 0);
    }
}

static void do_cvt(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const rnds[] = { "rn", "rz", "rm", "rp", "rni",
                                        "rzi", "rmi", "rpi", NULL };
    int k, dt, st;
    unsigned mod = 0, rnd;

    if (o->ntypes != 2) {
        FAIL(cg, "cvt needs a destination and a source type");
    }
    dt = o->types[0];
    st = o->types[1];
    k = take_one(o, rnds);
    rnd = k < 0 ? GV_RND_NONE : GV_RND_RN + (unsigned)k;
    if (take(o, "ftz")) {
        mod |= GV_M_FTZ;
    }
    if (take(o, "sat")) {
        mod |= GV_M_SAT;
    }
    if (take(o, "relu")) {
        FAIL(cg, ".relu is not supported");
    }
    opc_done(cg, o);
    nopd(cg, s, 2);
    if (dt == PT_F16 && rnd != GV_RND_NONE && rnd != GV_RND_RN) {
        FAIL(cg, "conversions to .f16 round to nearest only");
    }
    if (!pt_float(dt) && dt != PT_F16 && (pt_float(st) || st == PT_F16) &&
        rnd == GV_RND_NONE) {
        rnd = GV_RND_RZI;
    }
    emit(cg, GV_I_CVT, gvt(cg, dt), mod, dst(cg, &s->opd[0]),
         src(cg, &s->opd[1], st), 0, 0,
         (uint16_t)(gvt(cg, st) | rnd << 8));
}

static void do_cvta(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const sp[] = { "global", "shared", "local", "const",
                                      "param", NULL };
    bool to = take(o, "to");
    int k = take_one(o, sp), pt = one_type(cg, o);
    uint16_t d, a;
    uint64_t base;

    take(o, "cta");
    opc_done(cg, o);
    nopd(cg, s, 2);
    if (k < 0) {
        FAIL(cg, "missing state space");
    }
    if (pt != PT_U64 && pt != PT_B64) {
        FAIL(cg, "only 64-bit addresses are supported");
    }
    if (k == 4) {
        FAIL(cg, "generic addresses of kernel parameters are not "
             "supported");
    }
    d = dst(cg, &s->opd[0]);
    a = src(cg, &s->opd[1], PT_U64);
    if (k == 0 || k == 3) {
        emit(cg, GV_I_MOV, GV_T_U64, 0, d, a, 0, 0, 0);
        return;
    }
    base = k == 1 ? GV_GENERIC_SHARED : GV_GENERIC_LOCAL;
    emit(cg, to ? GV_I_SUB : GV_I_ADD, GV_T_U64, 0, d, a, konst(cg, base), 0,
         0);
}

/* mov with vector operands: pack or unpack */
static void do_mov_vec(struct cg *cg, const struct gvp_stmt *s, int pt)
{
    const struct gvp_opd *d = &s->opd[0], *a = &s->opd[1];
    unsigned bits = gvp_types[pt].size * 8;

    if (d->kind == OK_VEC && a->kind != OK_VEC) {
        unsigned eb = bits / (unsigned)d->n;
        uint16_t v = src(cg, a, pt);

        if (bits % (unsigned)d->n || (eb != 8 && eb != 16 && eb != 32)) {
            FAIL(cg, "bad vector unpack");
        }
        for (int i = 0; i < d->n; i++) {
            uint16_t t;

            if (d->elts[i].kind == OK_SINK) {
                continue;
            }
            t = (uint16_t)new_slot(cg);
            emit(cg, GV_I_SHR, GV_T_U64, 0, t, v, konst(cg, eb * (unsigned)i),
                 0, 0);
            emit(cg, GV_I_AND, GV_T_U64, 0, dst(cg, &d->elts[i]), t,
                 konst(cg, (1ull << eb) - 1), 0, 0);
        }
        return;
    }
    if (a->kind == OK_VEC && d->kind != OK_VEC) {
        unsigned eb = bits / (unsigned)a->n;
        uint16_t acc = (uint16_t)new_slot(cg);

        if (bits % (unsigned)a->n || (eb != 8 && eb != 16 && eb != 32)) {
            FAIL(cg, "bad vector pack");
        }
        emit(cg, GV_I_MOV, GV_T_U64, 0, acc, konst(cg, 0), 0, 0, 0);
        for (int i = 0; i < a->n; i++) {
            uint16_t t = (uint16_t)new_slot(cg), u = (uint16_t)new_slot(cg);

            emit(cg, GV_I_AND, GV_T_U64, 0, t, src(cg, &a->elts[i], PT_B64),
                 konst(cg, (1ull << eb) - 1), 0, 0);
            emit(cg, GV_I_SHL, GV_T_U64, 0, u, t, konst(cg, eb * (unsigned)i),
                 0, 0);
            emit(cg, GV_I_OR, GV_T_U64, 0, acc, acc, u, 0, 0);
        }
        emit(cg, GV_I_MOV, gvt(cg, pt), 0, dst(cg, d), acc, 0, 0, 0);
        return;
    }
    FAIL(cg, "bad vector operands");
}

static void do_ldst(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                    bool store)
{
    int space = space_mod(o), pt, n = 1;
    struct maddr ma;
    const struct gvp_opd *v;
    unsigned t, size;

    take_harmless(o);
    if (take(o, "v2")) {
        n = 2;
    } else if (take(o, "v4")) {
        n = 4;
    }
    pt = one_type(cg, o);
    opc_done(cg, o);
    nopd(cg, s, 2);
    t = gvt(cg, pt);
    if (t == GV_T_PRED) {
        FAIL(cg, "predicates cannot be loaded or stored");
    }
    size = gvp_types[pt].size;
    mem_operand(cg, &s->opd[store ? 0 : 1], space, &ma);
    if (store && ma.space == GV_SPACE_PARAM) {
        FAIL(cg, "kernel parameters are read-only");
    }
    v = &s->opd[store ? 1 : 0];
    if ((n > 1) != (v->kind == OK_VEC) || (n > 1 && v->n != n)) {
        FAIL(cg, "vector width and operand do not match");
    }
    /* ld.v2 {%r1, %r2}, [%r1]: keep the address past the first element */
    if (!store && n > 1) {
        for (int i = 0; i < n; i++) {
            if (v->elts[i].kind == OK_NAME && ma.a < GV_ISA_CONST_BASE &&
                reg_lookup(cg, v->elts[i].name) == ma.a) {
                uint16_t copy = (uint16_t)new_slot(cg);

                emit(cg, GV_I_MOV, GV_T_U64, 0, copy, ma.a, 0, 0, 0);
                ma.a = copy;
                break;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        const struct gvp_opd *x = n > 1 ? &v->elts[i] : v;
        uint16_t a, e;

        if (x->kind == OK_SINK) {
            continue;
        }
        mem_ae(cg, &ma, (int64_t)i * size, &a, &e);
        if (store) {
            emit(cg, GV_I_ST, t, (unsigned)ma.space, 0, a, src(cg, x, pt), 0,
                 e);
        } else {
            emit(cg, GV_I_LD, t, (unsigned)ma.space, dst(cg, x), a, 0, 0, e);
        }
    }
}

static void do_atom(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                    bool red)
{
    static const char *const ops[] = { "add", "min", "max", "inc", "dec",
                                       "and", "or", "xor", "exch", "cas",
                                       NULL };
    int space = space_mod(o), k, pt, i = 0;
    struct maddr ma;
    unsigned t;
    uint16_t d = GV_ISA_NONE, a, e, b, c = 0;

    take_harmless(o);
    k = take_one(o, ops);
    if (take(o, "noftz")) {
        FAIL(cg, ".noftz (half-precision atomics) is not supported");
    }
    pt = one_type(cg, o);
    opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing atomic operation");
    }
    if (red && k == GV_ATOM_CAS) {
        FAIL(cg, "red.cas does not exist");
    }
    nopd(cg, s, (red ? 2 : 3) + (k == GV_ATOM_CAS));
    t = gvt(cg, pt);
    if (t < GV_T_U32 || t > GV_T_F64) {
        FAIL(cg, "atomics on .%s are not supported", gvp_types[pt].name);
    }
    if ((t == GV_T_F32 || t == GV_T_F64) && k != GV_ATOM_ADD &&
        k != GV_ATOM_MIN && k != GV_ATOM_MAX && k != GV_ATOM_EXCH &&
        k != GV_ATOM_CAS) {
        FAIL(cg, "atomic .%s on a floating-point type", ops[k]);
    }
    if (!red) {
        d = dst(cg, &s->opd[i++]);
    }
    mem_operand(cg, &s->opd[i++], space, &ma);
    if (ma.space == GV_SPACE_PARAM || ma.space == GV_SPACE_LOCAL) {
        FAIL(cg, "atomics on local or parameter memory");
    }
    b = src(cg, &s->opd[i++], pt);
    if (k == GV_ATOM_CAS) {
        c = src(cg, &s->opd[i++], pt);
    }
    mem_ae(cg, &ma, 0, &a, &e);
    emit(cg, GV_I_ATOM, t, (unsigned)ma.space | (unsigned)k << 4, d, a, b, c,
         e);
}

static void do_shfl(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const modes[] = { "up", "down", "bfly", "idx", NULL };
    bool sync = take(o, "sync");
    int k = take_one(o, modes), pt = one_type(cg, o);
    uint16_t m = GV_ISA_NONE;

    opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing shuffle mode");
    }
    if (pt != PT_B32 && pt != PT_U32 && pt != PT_S32 && pt != PT_F32) {
        FAIL(cg, "shfl needs .b32");
    }
    nopd(cg, s, sync ? 5 : 4);
    if (s->opd[0].kind == OK_PAIR) {
        FAIL(cg, "the predicate result of shfl (d|p) is not supported");
    }
    if (sync) {
        m = src(cg, &s->opd[4], PT_B32);
    }
    emit(cg, GV_I_SHFL, GV_T_U32, (unsigned)k, dst(cg, &s->opd[0]),
         src(cg, &s->opd[1], PT_B32), src(cg, &s->opd[2], PT_B32),
         src(cg, &s->opd[3], PT_B32), m);
}

static void do_vote(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const modes[] = { "all", "any", "uni", "ballot",
                                         NULL };
    bool sync = take(o, "sync");
    int k = take_one(o, modes), pt = one_type(cg, o);
    uint16_t m = GV_ISA_NONE;

    opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing vote mode");
    }
    if ((k == GV_VOTE_BALLOT) != (pt == PT_B32) ||
        (k != GV_VOTE_BALLOT && pt != PT_PRED)) {
        FAIL(cg, "vote.%s needs .%s", modes[k],
             k == GV_VOTE_BALLOT ? "b32" : "pred");
    }
    nopd(cg, s, sync ? 3 : 2);
    if (sync) {
        m = src(cg, &s->opd[2], PT_B32);
    }
    emit(cg, GV_I_VOTE, k == GV_VOTE_BALLOT ? GV_T_U32 : GV_T_PRED,
         (unsigned)k, dst(cg, &s->opd[0]), psrc(cg, &s->opd[1]), 0, 0, m);
}

static struct gvp_func *find_func(struct cg *cg, const char *name)
{
    for (int i = 0; i < cg->m->nfuncs; i++) {
        if (!strcmp(cg->m->funcs[i]->name, name)) {
            return cg->m->funcs[i];
        }
    }
    return NULL;
}

/* call[.uni] [(rets),] func[, (args)]: inline the callee. */
static void do_call(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    const struct gvp_opd *rets = NULL, *args = NULL, *fn;
    struct gvp_func *f;
    int i = 0, frame = cg->frame, depth = cg->depth;
    uint8_t guard = cg->guard;
    uint16_t gpred = cg->gpred;
    char *ret_label;
    struct { int kind; uint64_t off; uint16_t reg; int pt; } rb[8];

    take(o, "uni");
    opc_done(cg, o);
    if (s->nopd > i && s->opd[i].kind == OK_LIST) {
        rets = &s->opd[i++];
    }
    if (s->nopd <= i || s->opd[i].kind != OK_NAME) {
        FAIL(cg, "expected a function name");
    }
    fn = &s->opd[i++];
    if (s->nopd > i && s->opd[i].kind == OK_LIST) {
        args = &s->opd[i++];
    }
    if (s->nopd > i) {
        FAIL(cg, "indirect calls (call prototypes) are not supported");
    }
    f = find_func(cg, fn->name);
    if (!f) {
        if (reg_lookup(cg, fn->name) >= 0) {
            FAIL(cg, "indirect calls are not supported");
        }
        FAIL(cg, "%s is not a function", fn->name);
    }
    if (f->entry || !f->has_body) {
        FAIL(cg, "%s: %s", f->name, f->entry ? "calling a kernel entry"
                                             : "function has no body");
    }
    for (int k = 0; k < cg->nstack; k++) {
        if (cg->stack[k] == f) {
            FAIL(cg, "recursive call of %s (recursion is not supported)",
                 f->name);
        }
    }
    if (cg->nstack == (int)(sizeof(cg->stack) / sizeof(cg->stack[0]))) {
        FAIL(cg, "calls nested too deeply");
    }
    if ((args ? args->n : 0) != f->nparams || (rets ? rets->n : 0) > f->nrets ||
        f->nrets > 8) {
        FAIL(cg, "%s: wrong number of arguments or results", f->name);
    }
    /* A guarded call: branch around the inlined body. */
    char *skip = NULL;

    if (guard) {
        skip = gvp_alloc(cg->p, 32);
        snprintf(skip, 32, "\001skip%d", cg->nframes + 1);
        cg->gpred = gpred;
        cg->guard = guard ^ GV_G_NEG;
        branch_to(cg, skip);
        cg->guard = 0;
    }
    /* Evaluate the arguments in the caller's frame. */
    struct { int kind; uint64_t off; uint16_t val; } ab[64];

    if (f->nparams > 64) {
        FAIL(cg, "too many parameters");
    }
    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_opd *x = &args->elts[k];
        const struct gvp_decl *p = &f->params[k];
        struct sym *y = x->kind == OK_NAME ? sym_find(cg, x->name) : NULL;

        if (y && y->kind == Y_LOCAL && reg_lookup(cg, x->name) < 0) {
            ab[k].kind = Y_LOCAL;       /* a .param variable: alias it */
            ab[k].off = y->off;
        } else {
            ab[k].kind = Y_REG;
            ab[k].val = src(cg, x, p->ptype);
        }
    }
    for (int k = 0; rets && k < rets->n; k++) {
        const struct gvp_opd *x = &rets->elts[k];
        struct sym *y = x->kind == OK_NAME ? sym_find(cg, x->name) : NULL;

        rb[k].pt = f->rets[k].ptype;
        if (y && y->kind == Y_LOCAL) {
            rb[k].kind = Y_LOCAL;
            rb[k].off = y->off;
        } else {
            rb[k].kind = Y_REG;
            rb[k].reg = dst(cg, x);
        }
    }
    /* The callee's frame. */
    cg->stack[cg->nstack++] = f;
    cg->frame = ++cg->nframes;
    cg->depth = 1;
    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_decl *p = &f->params[k];
        struct sym *y;

        if (p->space == SP_REG) {
            if (ab[k].kind != Y_REG) {
                gvp_fail(cg->p, p->line, p->name, ".reg parameter passed a "
                         ".param variable");
            }
            y = sym_add(cg, p->name, Y_REG, p->line);
            y->slot = new_slot(cg);
            emit(cg, GV_I_MOV, GV_T_U64, 0, (uint16_t)y->slot, ab[k].val, 0,
                 0, 0);
            continue;
        }
        y = sym_add(cg, p->name, Y_LOCAL, p->line);
        if (ab[k].kind == Y_LOCAL) {
            y->off = ab[k].off;
        } else {
            unsigned t = gvt(cg, p->ptype);

            if (p->size > 8 || p->vec > 1) {
                gvp_fail(cg->p, p->line, p->name, "aggregate parameter "
                         "passed a register");
            }
            y->off = local_alloc(cg, p->size, decl_align(p));
            emit(cg, GV_I_ST, t, GV_SPACE_LOCAL, 0, konst(cg, y->off),
                 ab[k].val, 0, 0);
        }
    }
    for (int k = 0; k < f->nrets; k++) {
        const struct gvp_decl *r = &f->rets[k];
        struct sym *y;

        if (r->space == SP_REG) {
            y = sym_add(cg, r->name, Y_REG, r->line);
            y->slot = new_slot(cg);
            rb[k].off = y->slot;
            continue;
        }
        y = sym_add(cg, r->name, Y_LOCAL, r->line);
        if (rets && k < rets->n && rb[k].kind == Y_LOCAL) {
            y->off = rb[k].off;
        } else {
            y->off = local_alloc(cg, r->size, decl_align(r));
        }
        if (rets && k < rets->n && rb[k].kind == Y_REG) {
            rb[k].off = y->off;
        }
    }
    ret_label = gvp_alloc(cg->p, 32);
    snprintf(ret_label, 32, "\001ret%d", cg->frame);
    translate_body(cg, f, ret_label);
    cg->line = s->line;
    cg->opc = s->opc;
    label_define(cg, ret_label, s->line);
    fixups_resolve(cg, cg->frame);
    /* results passed back in registers */
    for (int k = 0; rets && k < rets->n; k++) {
        if (rb[k].kind != Y_REG) {
            continue;
        }
        if (f->rets[k].space == SP_REG) {
            emit(cg, GV_I_MOV, GV_T_U64, 0, rb[k].reg, (uint16_t)rb[k].off, 0,
                 0, 0);
        } else {
            emit(cg, GV_I_LD, gvt(cg, rb[k].pt), GV_SPACE_LOCAL, rb[k].reg,
                 konst(cg, rb[k].off), 0, 0, 0);
        }
    }
    cg->depth = 0;
    sym_pop(cg, -1);
    cg->nstack--;
    cg->frame = frame;
    cg->depth = depth;
    if (skip) {
        label_define(cg, skip, s->line);
    }
    cg->guard = guard;
    cg->gpred = gpred;
}

/* Plain ALU instructions: name, GVX op, operand count, allowed kinds. */
enum { AK_INT = 1, AK_FLT = 2, AK_BIT = 4, AK_PRED = 8 };

static const struct {
    const char *name;
    unsigned op, nsrc, kinds;
    bool fmods, approx;
} alu_tab[] = {
    { "add", GV_I_ADD, 2, AK_INT | AK_FLT, true, false },
    { "sub", GV_I_SUB, 2, AK_INT | AK_FLT, true, false },
    { "div", GV_I_DIV, 2, AK_INT | AK_FLT, true, true },
    { "rem", GV_I_REM, 2, AK_INT, false, false },
    { "abs", GV_I_ABS, 1, AK_INT | AK_FLT, true, false },
    { "neg", GV_I_NEG, 1, AK_INT | AK_FLT, true, false },
    { "min", GV_I_MIN, 2, AK_INT | AK_FLT, true, false },
    { "max", GV_I_MAX, 2, AK_INT | AK_FLT, true, false },
    { "and", GV_I_AND, 2, AK_BIT | AK_PRED, false, false },
    { "or", GV_I_OR, 2, AK_BIT | AK_PRED, false, false },
    { "xor", GV_I_XOR, 2, AK_BIT | AK_PRED, false, false },
    { "not", GV_I_NOT, 1, AK_BIT | AK_PRED, false, false },
    { "cnot", GV_I_CNOT, 1, AK_BIT, false, false },
    { "shl", GV_I_SHL, 2, AK_BIT, false, false },
    { "shr", GV_I_SHR, 2, AK_BIT | AK_INT, false, false },
    { "popc", GV_I_POPC, 1, AK_BIT, false, false },
    { "clz", GV_I_CLZ, 1, AK_BIT, false, false },
    { "brev", GV_I_BREV, 1, AK_BIT, false, false },
    { "bfe", GV_I_BFE, 3, AK_INT, false, false },
    { "bfi", GV_I_BFI, 4, AK_BIT, false, false },
    { "fma", GV_I_FMA, 3, AK_FLT, true, false },
    { "rcp", GV_I_RCP, 1, AK_FLT, true, true },
    { "sqrt", GV_I_SQRT, 1, AK_FLT, true, true },
    { "rsqrt", GV_I_RSQRT, 1, AK_FLT, true, true },
    { "sin", GV_I_SIN, 1, AK_FLT, true, true },
    { "cos", GV_I_COS, 1, AK_FLT, true, true },
    { "ex2", GV_I_EX2, 1, AK_FLT, true, true },
    { "lg2", GV_I_LG2, 1, AK_FLT, true, true },
    { "tanh", GV_I_TANH, 1, AK_FLT, true, true },
    { "copysign", GV_I_COPYSIGN, 2, AK_FLT, false, false },
};

static bool kind_ok(unsigned kinds, int pt)
{
    unsigned k = gvp_types[pt].kind;

    return ((kinds & AK_INT) && (k == K_U || k == K_S)) ||
           ((kinds & AK_FLT) && k == K_F) ||
           ((kinds & AK_BIT) && (k == K_B || k == K_U || k == K_S)) ||
           ((kinds & AK_PRED) && k == K_PRED);
}

static void do_alu(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                   int idx)
{
    int pt = one_type(cg, o);
    unsigned mod = 0, n = alu_tab[idx].nsrc, op = alu_tab[idx].op;
    uint16_t v[4] = { 0, 0, 0, 0 };

    if (!kind_ok(alu_tab[idx].kinds, pt)) {
        FAIL(cg, "type .%s is not valid here", gvp_types[pt].name);
    }
    if (alu_tab[idx].fmods) {
        mod = float_mods(cg, o, pt, alu_tab[idx].approx);
        if ((mod & GV_M_SAT) && !pt_float(pt) &&
            !(pt == PT_S32 && (op == GV_I_ADD || op == GV_I_SUB))) {
            FAIL(cg, ".sat is not valid here");
        }
    }
    if (op == GV_I_SHR && gvp_types[pt].kind == K_B) {
        pt = pt == PT_B64 ? PT_U64 : pt == PT_B32 ? PT_U32 : pt == PT_B16
                                                  ? PT_U16 : PT_U8;
    }
    opc_done(cg, o);
    nopd(cg, s, (int)n + 1);
    for (unsigned k = 0; k < n; k++) {
        int spt = pt;

        if ((op == GV_I_SHL || op == GV_I_SHR) && k == 1) {
            spt = PT_U32;
        }
        if ((op == GV_I_BFE && k > 0) || (op == GV_I_BFI && k > 1)) {
            spt = PT_U32;
        }
        v[k] = src(cg, &s->opd[k + 1], spt);
    }
    if ((op == GV_I_POPC || op == GV_I_CLZ) && pt != PT_B32 && pt != PT_B64) {
        FAIL(cg, "%s needs .b32 or .b64", alu_tab[idx].name);
    }
    emit(cg, op, gvt(cg, pt), mod, dst(cg, &s->opd[0]), v[0], v[1], v[2],
         v[3]);
}

/* mul / mad: .lo .hi .wide on integers; float forms */
static void do_mul(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                   bool mad)
{
    int pt = one_type(cg, o);
    unsigned op, mod = 0;
    uint16_t a, b, c = 0, d;

    if (take(o, "cc")) {
        FAIL(cg, "extended-precision arithmetic (.cc) is not supported");
    }
    if (pt_float(pt)) {
        mod = float_mods(cg, o, pt, false);
        op = mad ? GV_I_FMA : GV_I_MUL;
    } else if (gvp_types[pt].kind == K_U || gvp_types[pt].kind == K_S) {
        if (take(o, "hi")) {
            op = mad ? GV_I_MADHI : GV_I_MULHI;
        } else if (take(o, "wide")) {
            op = mad ? GV_I_MADWIDE : GV_I_MULWIDE;
            if (gvp_types[pt].size > 4) {
                FAIL(cg, ".wide needs a 16- or 32-bit type");
            }
        } else {
            take(o, "lo");
            op = mad ? GV_I_MAD : GV_I_MUL;
        }
        if (take(o, "sat")) {
            FAIL(cg, ".sat is not supported on integer mul/mad");
        }
    } else {
        FAIL(cg, "type .%s is not valid here", gvp_types[pt].name);
    }
    opc_done(cg, o);
    nopd(cg, s, mad ? 4 : 3);
    d = dst(cg, &s->opd[0]);
    a = src(cg, &s->opd[1], pt);
    b = src(cg, &s->opd[2], pt);
    if (mad) {
        int cpt = pt;

        if (op == GV_I_MADWIDE) {
            cpt = gvp_types[pt].size == 4 ? PT_U64 : PT_U32;
        }
        c = src(cg, &s->opd[3], cpt);
    }
    emit(cg, op, gvt(cg, pt), mod, d, a, b, c, 0);
}

static void translate_insn(struct cg *cg, const struct gvp_stmt *s,
                           const char *ret_label)
{
    struct opc o;
    int pt;

    cg->line = s->line;
    cg->opc = s->opc;
    cg->guard = 0;
    cg->gpred = 0;
    if (s->guard) {
        int r = reg_lookup(cg, s->guard);

        if (r < 0) {
            FAIL(cg, "guard %s is not a declared predicate", s->guard);
        }
        cg->guard = GV_G_ON | (s->guard_neg ? GV_G_NEG : 0);
        cg->gpred = (uint16_t)r;
    }
    opc_split(cg, s->opc, &o);
    for (size_t i = 0; i < sizeof(alu_tab) / sizeof(alu_tab[0]); i++) {
        if (!strcmp(o.base, alu_tab[i].name)) {
            do_alu(cg, s, &o, (int)i);
            return;
        }
    }
    if (!strcmp(o.base, "mul") || !strcmp(o.base, "mad")) {
        do_mul(cg, s, &o, o.base[1] == 'a');
    } else if (!strcmp(o.base, "mov")) {
        int sr;

        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 2);
        if (s->opd[0].kind == OK_VEC || s->opd[1].kind == OK_VEC) {
            do_mov_vec(cg, s, pt);
        } else if (s->opd[1].kind == OK_NAME &&
                   (sr = sreg_of(s->opd[1].name)) >= 0) {
            emit(cg, GV_I_S2R, sregs[sr].type, sregs[sr].id,
                 dst(cg, &s->opd[0]), 0, 0, 0, 0);
        } else {
            uint16_t d = dst(cg, &s->opd[0]);

            emit(cg, GV_I_MOV, gvt(cg, pt), 0, d, src(cg, &s->opd[1], pt), 0,
                 0, 0);
        }
    } else if (!strcmp(o.base, "setp")) {
        do_setp(cg, s, &o);
    } else if (!strcmp(o.base, "selp")) {
        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 4);
        uint16_t d = dst(cg, &s->opd[0]), a = src(cg, &s->opd[1], pt),
                 b = src(cg, &s->opd[2], pt);

        emit(cg, GV_I_SELP, gvt(cg, pt), 0, d, a, b, psrc(cg, &s->opd[3]), 0);
    } else if (!strcmp(o.base, "set")) {
        int dt, st;
        unsigned cmp;

        if (o.ntypes != 2) {
            FAIL(cg, "set needs a destination and a source type");
        }
        dt = o.types[0];
        st = o.types[1];
        cmp = cmp_of(cg, &o, st);
        if (take(&o, "and") || take(&o, "or") || take(&o, "xor")) {
            FAIL(cg, "set with a boolean operation is not supported");
        }
        float_mods(cg, &o, st, false);
        opc_done(cg, &o);
        nopd(cg, s, 3);
        uint16_t p = (uint16_t)new_slot(cg), d = dst(cg, &s->opd[0]);

        emit(cg, GV_I_SETP, gvt(cg, st), cmp, p, src(cg, &s->opd[1], st),
             src(cg, &s->opd[2], st), 0, 0);
        emit(cg, GV_I_SELP, gvt(cg, dt), 0, d,
             konst(cg, dt == PT_F32 ? 0x3f800000u : 0xffffffffu),
             konst(cg, 0), p, 0);
    } else if (!strcmp(o.base, "cvt")) {
        do_cvt(cg, s, &o);
    } else if (!strcmp(o.base, "cvta")) {
        do_cvta(cg, s, &o);
    } else if (!strcmp(o.base, "ld") || !strcmp(o.base, "ldu")) {
        do_ldst(cg, s, &o, false);
    } else if (!strcmp(o.base, "st")) {
        do_ldst(cg, s, &o, true);
    } else if (!strcmp(o.base, "atom") || !strcmp(o.base, "red")) {
        do_atom(cg, s, &o, o.base[0] == 'r');
    } else if (!strcmp(o.base, "bra")) {
        take(&o, "uni");
        opc_done(cg, &o);
        nopd(cg, s, 1);
        if (s->opd[0].kind != OK_NAME || s->opd[0].ival) {
            FAIL(cg, "expected a label");
        }
        branch_to(cg, s->opd[0].name);
    } else if (!strcmp(o.base, "ret")) {
        take(&o, "uni");
        opc_done(cg, &o);
        nopd(cg, s, 0);
        if (ret_label) {
            branch_to(cg, ret_label);
        } else {
            emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
        }
    } else if (!strcmp(o.base, "exit")) {
        opc_done(cg, &o);
        nopd(cg, s, 0);
        emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "bar") || !strcmp(o.base, "barrier")) {
        if (take(&o, "warp")) {
            take(&o, "sync");
            opc_done(cg, &o);
            emit(cg, GV_I_NOP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
            return;
        }
        if (!take(&o, "sync")) {
            FAIL(cg, "only bar.sync / barrier.sync are supported");
        }
        take(&o, "aligned");
        opc_done(cg, &o);
        if (s->nopd < 1 || s->nopd > 2 || s->opd[0].kind != OK_INT ||
            s->opd[0].ival < 0 || s->opd[0].ival > 15) {
            FAIL(cg, "expected a barrier number 0..15");
        }
        if (s->nopd == 2) {
            FAIL(cg, "barriers with a thread count are not supported");
        }
        emit(cg, GV_I_BAR, GV_T_NONE, 0, 0, konst(cg, (uint64_t)s->opd[0].ival),
             0, 0, 0);
    } else if (!strcmp(o.base, "membar") || !strcmp(o.base, "fence")) {
        take_harmless(&o);
        take(&o, "gl");
        take(&o, "proxy");
        opc_done(cg, &o);
        emit(cg, GV_I_NOP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "shfl")) {
        do_shfl(cg, s, &o);
    } else if (!strcmp(o.base, "vote")) {
        do_vote(cg, s, &o);
    } else if (!strcmp(o.base, "activemask")) {
        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 1);
        emit(cg, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, dst(cg, &s->opd[0]),
             konst(cg, 1), 0, 0, GV_ISA_NONE);
    } else if (!strcmp(o.base, "prmt")) {
        static const char *const modes[] = { "f4e", "b4e", "rc8", "ecl",
                                             "ecr", "rc16", NULL };
        int k = take_one(&o, modes);

        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 4);
        if (pt != PT_B32) {
            FAIL(cg, "prmt needs .b32");
        }
        emit(cg, GV_I_PRMT, GV_T_U32, (unsigned)(k + 1), dst(cg, &s->opd[0]),
             src(cg, &s->opd[1], pt), src(cg, &s->opd[2], pt),
             src(cg, &s->opd[3], pt), 0);
    } else if (!strcmp(o.base, "shf")) {
        bool r = take(&o, "r"), l = take(&o, "l");
        unsigned mod = r ? GV_SHF_R : 0;

        if (take(&o, "wrap")) {
            mod |= GV_SHF_WRAP;
        } else {
            take(&o, "clamp");
        }
        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 4);
        if (r == l || pt != PT_B32) {
            FAIL(cg, "expected shf.l or shf.r with .b32");
        }
        emit(cg, GV_I_SHF, GV_T_U32, mod, dst(cg, &s->opd[0]),
             src(cg, &s->opd[1], pt), src(cg, &s->opd[2], pt),
             src(cg, &s->opd[3], PT_U32), 0);
    } else if (!strcmp(o.base, "testp")) {
        static const char *const kinds[] = { "finite", "infinite", "number",
                                             "notanumber", "normal",
                                             "subnormal", NULL };
        int k = take_one(&o, kinds);

        pt = one_type(cg, &o);
        opc_done(cg, &o);
        nopd(cg, s, 2);
        if (k < 0 || !pt_float(pt)) {
            FAIL(cg, "expected testp.<class>.f32/.f64");
        }
        emit(cg, GV_I_TESTP, gvt(cg, pt), (unsigned)k, dst(cg, &s->opd[0]),
             src(cg, &s->opd[1], pt), 0, 0, 0);
    } else if (!strcmp(o.base, "trap")) {
        opc_done(cg, &o);
        emit(cg, GV_I_TRAP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "nanosleep") || !strcmp(o.base, "prefetch") ||
               !strcmp(o.base, "prefetchu")) {
        take_harmless(&o);
        take(&o, "global");
        take(&o, "local");
        take(&o, "L1");
        take(&o, "L2");
        o.ntypes = 0;
        opc_done(cg, &o);
        emit(cg, GV_I_NOP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "call")) {
        do_call(cg, s, &o);
    } else if (!strncmp(o.base, "tex", 3) || !strncmp(o.base, "tld", 3) ||
               !strncmp(o.base, "suld", 4) || !strncmp(o.base, "sust", 4) ||
               !strncmp(o.base, "sured", 5) || !strncmp(o.base, "txq", 3) ||
               !strncmp(o.base, "suq", 3)) {
        FAIL(cg, "texture and surface instructions are not supported");
    } else {
        FAIL(cg, "instruction %s is not supported", o.base);
    }
}

static void translate_body(struct cg *cg, const struct gvp_func *f,
                           const char *ret_label)
{
    for (int i = 0; i < f->nstmts; i++) {
        const struct gvp_stmt *s = &f->stmts[i];

        cg->line = s->line;
        cg->opc = f->name;
        switch (s->kind) {
        case S_INSN:
            translate_insn(cg, s, ret_label);
            break;
        case S_LABEL:
            label_define(cg, s->label, s->line);
            break;
        case S_DECL:
            declare(cg, s);
            break;
        case S_OPEN:
            cg->depth++;
            break;
        case S_CLOSE:
            scope_close(cg);
            break;
        }
    }
    cg->guard = 0;
    cg->gpred = 0;
}

static uint32_t add_string(struct cg *cg, const char *s)
{
    uint32_t off = (uint32_t)cg->nstrings;

    do {
        *PUSH(cg, cg->strings, cg->nstrings, cg->capstrings) = *s;
    } while (*s++);
    return off;
}

static uint32_t bra_target(const struct gv_insn *i)
{
    return (uint32_t)i->b | (uint32_t)i->c << 16;
}

static void set_target(struct gv_insn *i, uint32_t t)
{
    i->b = (uint16_t)t;
    i->c = (uint16_t)(t >> 16);
}

/*
 * Peephole over one function [start, nins): "@p bra X; bra Y; X:" (how
 * compilers write loop back-edges) becomes "@!p bra Y; X:", and NOPs go.
 * Instruction order is otherwise kept.
 */
static void peephole(struct cg *cg, uint32_t start)
{
    uint32_t n = (uint32_t)cg->nins - start, w = 0;
    uint8_t *target = gvp_alloc(cg->p, n + 1), *dead = gvp_alloc(cg->p, n);
    uint32_t *map = gvp_alloc(cg->p, (n + 1) * sizeof(*map));
    struct gv_insn *ins = cg->ins + start;

    for (uint32_t k = 0; k < n; k++) {
        if (ins[k].op == GV_I_BRA) {
            target[bra_target(&ins[k]) - start] = 1;
        }
    }
    for (uint32_t k = 0; k + 1 < n; k++) {
        struct gv_insn *i = &ins[k], *j = &ins[k + 1];

        if (i->op == GV_I_BRA && i->guard && j->op == GV_I_BRA && !j->guard &&
            bra_target(i) == start + k + 2 && !target[k + 1] && !dead[k]) {
            i->guard ^= GV_G_NEG;
            set_target(i, bra_target(j));
            dead[k + 1] = 1;
        } else if (i->op == GV_I_NOP) {
            dead[k] = 1;
        }
    }
    /* map[k]: new index of instruction k (dead: of the next live one) */
    for (uint32_t k = 0; k < n; k++) {
        map[k] = start + w;
        if (!dead[k]) {
            w++;
        }
    }
    map[n] = start + w;
    for (uint32_t k = 0, o = 0; k < n; k++) {
        if (dead[k]) {
            continue;
        }
        ins[o] = ins[k];
        if (ins[o].op == GV_I_BRA) {
            set_target(&ins[o], map[bra_target(&ins[o]) - start]);
        }
        o++;
    }
    cg->nins = start + w;
}

static void translate_entry(struct cg *cg, const struct gvp_func *f)
{
    struct gv_isa_func *out = PUSH(cg, cg->funcs, cg->nfuncs, cg->capfuncs);
    uint32_t start = (uint32_t)cg->nins, poff = 0;

    memset(out, 0, sizeof(*out));
    cg->nregs = 0;
    cg->local_size = 0;
    cg->shared_size = cg->mod_shared_size;
    cg->next = 0;
    cg->nstack = 0;
    cg->stack[cg->nstack++] = f;
    cg->frame = ++cg->nframes;
    cg->depth = 1;
    cg->line = f->line;
    cg->opc = f->name;
    out->param_start = (uint32_t)cg->nparams;
    out->nparams = (uint32_t)f->nparams;
    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_decl *p = &f->params[k];
        struct gv_isa_param *q = PUSH(cg, cg->params, cg->nparams,
                                      cg->capparams);
        struct sym *y = sym_add(cg, p->name, Y_KPARAM, p->line);

        if (p->space != SP_PARAM || p->unsized) {
            gvp_fail(cg->p, p->line, p->name, "kernel parameters must be "
                     "sized .param variables");
        }
        poff = (uint32_t)align_up(poff, decl_align(p));
        y->off = poff;
        y->ptype = p->ptype;
        q->offset = poff;
        q->size = (uint32_t)p->size;
        poff += (uint32_t)p->size;
        if (poff > GV_ISA_MAX_PARAM) {
            gvp_fail(cg->p, p->line, p->name, "more than %u bytes of "
                     "parameters", GV_ISA_MAX_PARAM);
        }
    }
    translate_body(cg, f, NULL);
    fixups_resolve(cg, cg->frame);
    cg->line = f->line;
    /* Nothing may run off the end, nor branch there (a label before the
     * closing brace). */
    bool end_target = false;

    for (size_t k = start; k < cg->nins; k++) {
        if (cg->ins[k].op == GV_I_BRA &&
            ((uint32_t)cg->ins[k].b | (uint32_t)cg->ins[k].c << 16) ==
                cg->nins) {
            end_target = true;
        }
    }
    cg->guard = 0;
    if (end_target || cg->nins == start || cg->ins[cg->nins - 1].guard ||
        (cg->ins[cg->nins - 1].op != GV_I_EXIT &&
         cg->ins[cg->nins - 1].op != GV_I_BRA)) {
        emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    }
    cg->depth = 0;
    sym_pop(cg, -1);
    peephole(cg, start);
    cg->shared_size = align_up(cg->shared_size, 16);
    if (cg->shared_size > GV_ISA_MAX_SHARED) {
        FAIL(cg, "more than %u bytes of shared memory", GV_ISA_MAX_SHARED);
    }
    for (size_t i = 0; i < cg->next; i++) {
        cg->consts[cg->ext[i].cidx] = cg->shared_size +
                                      (uint64_t)cg->ext[i].add;
    }
    out->name_off = add_string(cg, f->name);
    out->flags = GV_FUNC_ENTRY;
    out->insn_start = start;
    out->insn_count = (uint32_t)cg->nins - start;
    out->nregs = cg->nregs;
    out->param_size = (uint32_t)align_up(poff, 1);
    out->shared_size = (uint32_t)cg->shared_size;
    out->local_size = (uint32_t)align_up(cg->local_size, 8);
    if (f->has_reqntid) {
        memcpy(out->reqntid, f->reqntid, sizeof(out->reqntid));
        for (int k = 0; k < 3; k++) {
            if (!out->reqntid[k]) {
                out->reqntid[k] = 1;
            }
        }
    }
    if (cg->nins > 0xffffffffu || (cg->nins >> 32)) {
        FAIL(cg, "module too large");
    }
}

static uint8_t *assemble(struct cg *cg, size_t *len)
{
    struct gv_isa_module h = { .magic = GV_ISA_MAGIC,
                               .version = GV_ISA_VERSION,
                               .hdr_size = sizeof(h) };
    uint64_t off = sizeof(h);
    uint8_t *img;

    h.nfuncs = (uint32_t)cg->nfuncs;
    h.funcs_off = (uint32_t)off;
    off += cg->nfuncs * sizeof(struct gv_isa_func);
    h.nparams = (uint32_t)cg->nparams;
    h.params_off = (uint32_t)off;
    off += cg->nparams * sizeof(struct gv_isa_param);
    h.ninsns = (uint32_t)cg->nins;
    h.insns_off = (uint32_t)off;
    off += cg->nins * sizeof(struct gv_insn);
    h.nconsts = (uint32_t)cg->nconsts;
    h.consts_off = (uint32_t)off;
    off += cg->nconsts * 8;
    h.strings_off = (uint32_t)off;
    h.strings_size = (uint32_t)cg->nstrings;
    off = align_up(off + cg->nstrings, 256);
    h.data_off = (uint32_t)off;
    h.data_size = (uint32_t)cg->ndata;
    off = align_up(off + cg->ndata, 8);
    if (off > GV_ISA_MODULE_MAX) {
        gvp_fail(cg->p, 0, "module", "the module is larger than %u bytes",
                 GV_ISA_MODULE_MAX);
    }
    h.total_size = (uint32_t)off;
    img = calloc(1, off);
    if (!img) {
        gvp_fail(cg->p, 0, "module", "out of memory");
    }
    memcpy(img, &h, sizeof(h));
    memcpy(img + h.funcs_off, cg->funcs,
           cg->nfuncs * sizeof(struct gv_isa_func));
    if (cg->nparams) {
        memcpy(img + h.params_off, cg->params,
               cg->nparams * sizeof(struct gv_isa_param));
    }
    memcpy(img + h.insns_off, cg->ins, cg->nins * sizeof(struct gv_insn));
    if (cg->nconsts) {
        memcpy(img + h.consts_off, cg->consts, cg->nconsts * 8);
    }
    memcpy(img + h.strings_off, cg->strings, cg->nstrings);
    if (cg->ndata) {
        memcpy(img + h.data_off, cg->data, cg->ndata);
    }
    *len = off;
    return img;
}

/* The module's .global/.const variables as one allocation: the array,
 * then the names. */
static struct gv_ptx_symbol *symbols(struct gvp *p, const struct gvp_module *m,
                                     size_t *n)
{
    struct gv_ptx_symbol *y;
    size_t count = 0, bytes = 0;
    char *names;

    for (int i = 0; i < m->nvars; i++) {
        const struct gvp_decl *d = m->vars[i];

        if (d->space == SP_GLOBAL || d->space == SP_CONST) {
            count++;
            bytes += strlen(d->name) + 1;
        }
    }
    y = calloc(1, count * sizeof(*y) + bytes + 1);
    if (!y) {
        gvp_fail(p, 0, "module", "out of memory");
    }
    names = (char *)(y + count);
    count = 0;
    for (int i = 0; i < m->nvars; i++) {
        const struct gvp_decl *d = m->vars[i];
        size_t l = strlen(d->name) + 1;

        if (d->space != SP_GLOBAL && d->space != SP_CONST) {
            continue;
        }
        memcpy(names, d->name, l);
        y[count].name = names;
        y[count].offset = (uint32_t)d->off;
        y[count].size = (uint32_t)d->size;
        y[count].is_const = d->space == SP_CONST;
        names += l;
        count++;
    }
    *n = count;
    return y;
}

int gv_ptx_translate(const char *ptx, size_t len, uint8_t **out,
                     size_t *out_len, char *err, size_t err_len)
{
    return gv_ptx_translate_syms(ptx, len, out, out_len, NULL, NULL, err,
                                 err_len);
}

int gv_ptx_translate_syms(const char *ptx, size_t len, uint8_t **out,
                          size_t *out_len, struct gv_ptx_symbol **syms,
                          size_t *nsyms, char *err, size_t err_len)
{
    struct gv_ptx_symbol *volatile ys = NULL;
    struct gvp p;
    struct gvp_module m;
    struct cg *cg;
    volatile int nentries = 0;

    memset(&p, 0, sizeof(p));
    memset(&m, 0, sizeof(m));
    if (out) {
        *out = NULL;
    }
    if (syms) {
        *syms = NULL;
    }
    if (nsyms) {
        *nsyms = 0;
    }
    if (err && err_len) {
        err[0] = 0;
    }
    p.err = err;
    p.err_len = err_len;
    p.src = ptx;
    p.end = ptx + len;
    if (setjmp(p.fail)) {
        free(ys);
        gvp_free_all(&p);
        return -1;
    }
    if (!ptx || !out || !out_len) {
        gvp_fail(&p, 0, "translator", "bad arguments");
    }
    gvp_parse(&p, &m);
    cg = gvp_alloc(&p, sizeof(*cg));
    cg->p = &p;
    cg->m = &m;
    for (int i = 0; i < NBUCKET; i++) {
        cg->bucket[i] = -1;
    }
    /* module scope: data and shared variables */
    for (int i = 0; i < m.nvars; i++) {
        struct gvp_decl *d = m.vars[i];

        cg->line = d->line;
        cg->opc = d->name;
        if (d->space == SP_SHARED) {
            declare_shared(cg, d, true);
        } else if (d->space == SP_GLOBAL || d->space == SP_CONST) {
            if (d->ext) {
                gvp_fail(&p, d->line, d->name, ".extern .global/.const "
                         "variables are not supported");
            }
            declare_data(cg, d);
        } else {
            gvp_fail(&p, d->line, d->name, "this state space is not allowed "
                     "at module scope");
        }
    }
    for (int i = 0; i < m.nfuncs; i++) {
        if (m.funcs[i]->entry) {
            if (!m.funcs[i]->has_body) {
                gvp_fail(&p, m.funcs[i]->line, m.funcs[i]->name,
                         "kernel without a body");
            }
            translate_entry(cg, m.funcs[i]);
            nentries++;
        }
    }
    if (!nentries) {
        gvp_fail(&p, 0, "module", "no .entry function");
    }
    if (syms) {
        size_t n = 0;

        ys = symbols(&p, &m, &n);
        if (nsyms) {
            *nsyms = n;
        }
    }
    *out = assemble(cg, out_len);
    if (syms) {
        *syms = ys;
    }
    gvp_free_all(&p);
    return 0;
}

int gv_ptx_translate_file(const char *path, uint8_t **out, size_t *out_len,
                          char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL, msg[256];
    size_t len = 0, cap = 0, n;
    int r;

    if (out) {
        *out = NULL;
    }
    if (!f) {
        if (err && err_len) {
            snprintf(err, err_len, "%s: %s", path, strerror(errno));
        }
        return -1;
    }
    do {
        if (len == cap) {
            char *t = realloc(text, cap = cap ? 2 * cap : 65536);

            if (!t) {
                free(text);
                fclose(f);
                if (err && err_len) {
                    snprintf(err, err_len, "%s: out of memory", path);
                }
                return -1;
            }
            text = t;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    r = gv_ptx_translate(text ? text : "", len, out, out_len, msg,
                         sizeof(msg));
    if (r && err && err_len) {
        snprintf(err, err_len, "%s: %s", path, msg);
    }
    free(text);
    return r;
}
