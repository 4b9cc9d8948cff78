/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: random valid GVX modules (gvf_modgen.h), shared by the guest
 * fuzzer and the host's fuzz-engine and gvfs-replay.
 */
#include "gvf_modgen.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx.h"
#include "graviton/gv_rules.h"

#define MG_INSNS 512u
#define MG_ROOM 48u             /* instructions a statement may need */
#define MG_CONSTS 320u
#define MG_DATA 64u             /* data section bytes */
#define MG_DEPTH 3u             /* nesting of ifs and loops */
#define MG_NV 12u               /* value registers */
#define MG_LOCAL 64u            /* local bytes: a frame of 16, then data */
#define MG_SH_SLOTS 2048u       /* shared: 8 bytes per thread, */
#define MG_SH_ATOM 64u          /* then the atomics' words */
#define MG_SHARED (MG_SH_SLOTS + MG_SH_ATOM)
#define NONE GV_ISA_NONE
/* the largest image: header, function, 3 parameters, instructions,
 * constants, strings, then the data at 256 */
_Static_assert(((64 + 56 + 24 + 16 * MG_INSNS + 8 * MG_CONSTS + 8 + 255) &
                ~255u) + MG_DATA <= GVF_MG_MAX_IMAGE,
               "a generated image fits GVF_MG_MAX_IMAGE");

/* registers */
enum {
    R_TID, R_NTID, R_GID, R_T, R_OUT, R_IN, R_ATOM, R_LANE,
    R_A, R_A2, R_P, R_P2, R_ONE, R_RA, R_SINK, R_WMASK, R_AMASK, R_CTA,
    R_CNT0,                     /* loop counters: 3 for main, 3 for the
                                   function */
    R_V0 = R_CNT0 + 2 * MG_DEPTH,
    MG_NREGS = R_V0 + MG_NV
};

struct mg {
    uint64_t s;
    unsigned opts;
    struct gv_insn ins[MG_INSNS];
    uint32_t n;
    uint64_t k[MG_CONSTS];
    uint32_t nk;
    uint64_t pool[8];           /* this module's random values */
    uint32_t calls[64], ncalls; /* CALLs, patched to the function */
    bool in_fn, shared_atoms, fault_done;
    uint32_t fault_rule;
};

/* ---- randomness ----
 * One stream per module.  Never two draws (rnd, below, one_in, vreg,
 * src, ...), or two new constants (K), in operands that C leaves
 * unordered (a call's arguments, both sides of | or >>): GCC and clang
 * evaluate arguments in opposite orders, and the same seed gave two
 * modules (a UBSan build of GCC took `rnd(g) >> below(g, 64)` the
 * other way round too).  Draw into locals first, in the order GCC -O2
 * took them (the last argument first), so the seeds keep their modules;
 * the gvf-modgen test holds a hash of 200 seeds' modules. */

static uint64_t rnd(struct mg *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(struct mg *g, unsigned n)
{
    return (unsigned)(rnd(g) % n);
}

static bool one_in(struct mg *g, unsigned n)
{
    return below(g, n) == 0;
}

/* ---- emission ---- */

static bool room(const struct mg *g)
{
    return g->n + MG_ROOM < MG_INSNS && g->nk + 24 < MG_CONSTS;
}

static uint16_t K(struct mg *g, uint64_t v)
{
    for (uint32_t i = 0; i < g->nk; i++) {
        if (g->k[i] == v) {
            return (uint16_t)(GV_ISA_CONST_BASE + i);
        }
    }
    if (g->nk == MG_CONSTS) {
        return GV_ISA_CONST_BASE;       /* never here: room() */
    }
    g->k[g->nk] = v;
    return (uint16_t)(GV_ISA_CONST_BASE + g->nk++);
}

static uint32_t op(struct mg *g, unsigned o, unsigned t, unsigned mod,
                   uint16_t d, uint16_t a, uint16_t b, uint16_t c, uint16_t e)
{
    struct gv_insn *x = &g->ins[g->n < MG_INSNS ? g->n : MG_INSNS - 1];

    memset(x, 0, sizeof(*x));
    x->op = (uint8_t)o;
    x->type = (uint8_t)t;
    x->mod = (uint8_t)mod;
    x->d = d;
    x->a = a;
    x->b = b;
    x->c = c;
    x->e = e;
    return g->n < MG_INSNS ? g->n++ : g->n - 1;
}

static void guard(struct mg *g, uint16_t p, bool neg)
{
    g->ins[g->n - 1].guard = GV_G_ON | (neg ? GV_G_NEG : 0);
    g->ins[g->n - 1].gpred = p;
}

/* a branch to @to; a guarded one with GV_BRA_JOIN also gets @join */
static void bra_set(struct mg *g, uint32_t at, uint32_t to, uint32_t join)
{
    struct gv_insn *x = &g->ins[at];

    x->b = (uint16_t)to;
    x->c = (uint16_t)(to >> 16);
    if (x->mod & GV_BRA_JOIN) {
        x->d = (uint16_t)join;
        x->a = (uint16_t)(join >> 16);
    }
}

static uint16_t vreg(struct mg *g)
{
    return (uint16_t)(R_V0 + below(g, MG_NV));
}

/* ---- operands ---- */

#define TB(t) (1u << (t))
#define T_INT (TB(GV_T_U16) | TB(GV_T_S16) | TB(GV_T_U32) | TB(GV_T_S32) | \
               TB(GV_T_U64) | TB(GV_T_S64))
#define T_FL (TB(GV_T_F32) | TB(GV_T_F64))
#define T_NAR (TB(GV_T_U16) | TB(GV_T_S16) | TB(GV_T_U32) | TB(GV_T_S32))
#define T_W (TB(GV_T_U32) | TB(GV_T_U64))
#define T_I8 (TB(GV_T_U8) | TB(GV_T_S8))
#define T_P TB(GV_T_PRED)

static bool is_fl(unsigned t)
{
    return t == GV_T_F32 || t == GV_T_F64;
}

static unsigned pick_type(struct mg *g, uint32_t mask)
{
    unsigned t;

    do {
        t = 1 + below(g, GV_T__COUNT - 1);
    } while (!(mask & TB(t)));
    return t;
}

/* an edge value of type @t (bit pattern) */
static uint64_t edge(struct mg *g, unsigned t)
{
    static const uint64_t f32[] = {
        0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u,
        0xff800000u, 0x7fc00000u, 0x00000001u, 0x007fffffu, 0x3f000000u,
        0x4b800000u, 0x7f7fffffu,
    };
    static const uint64_t f64[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull,
        0xbff0000000000000ull, 0x7ff0000000000000ull, 0x7ff8000000000000ull,
        1, 0x000fffffffffffffull, 0x3fe0000000000000ull,
        0x43e0000000000000ull, 0xc3e0000000000000ull,
    };
    static const uint64_t ints[] = {
        0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff,
        0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000u, 0xffffffffu,
        0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1,
    };

    if (t == GV_T_F32) {
        return f32[below(g, sizeof(f32) / sizeof(f32[0]))];
    }
    if (t == GV_T_F64) {
        return f64[below(g, sizeof(f64) / sizeof(f64[0]))];
    }
    return ints[below(g, sizeof(ints) / sizeof(ints[0]))];
}

/* a source operand of type @t: a value register, mostly */
static uint16_t src(struct mg *g, unsigned t)
{
    switch (below(g, 8)) {
    case 0:
        return K(g, edge(g, t));
    case 1:
        return K(g, g->pool[below(g, 8)]);
    case 2:
        return one_in(g, 2) ? R_TID : R_GID;
    default:
        return vreg(g);
    }
}

/* ---- ALU ---- */

enum { F_Z, F_AR, F_FAR, F_SETP, F_TESTP, F_PRMT, F_SHF, F_CVT };

static const struct alu {
    uint8_t op, form, nsrc;
    uint32_t types;
} alu[] = {
    { GV_I_MOV, F_Z, 1, T_I8 | T_INT | T_FL | T_P },
    { GV_I_ADD, F_FAR, 2, T_INT | T_FL },
    { GV_I_SUB, F_FAR, 2, T_INT | T_FL },
    { GV_I_MUL, F_FAR, 2, T_INT | T_FL },
    { GV_I_MULHI, F_Z, 2, T_INT },
    { GV_I_MULWIDE, F_Z, 2, T_NAR },
    { GV_I_MAD, F_FAR, 3, T_INT | T_FL },
    { GV_I_MADHI, F_Z, 3, T_INT },
    { GV_I_MADWIDE, F_Z, 3, T_NAR },
    { GV_I_DIV, F_FAR, 2, T_INT | T_FL },
    { GV_I_REM, F_Z, 2, T_INT },
    { GV_I_ABS, F_AR, 1, T_INT | T_FL },
    { GV_I_NEG, F_AR, 1, T_INT | T_FL },
    { GV_I_MIN, F_AR, 2, T_INT | T_FL },
    { GV_I_MAX, F_AR, 2, T_INT | T_FL },
    { GV_I_AND, F_Z, 2, T_INT | T_P },
    { GV_I_OR, F_Z, 2, T_INT | T_P },
    { GV_I_XOR, F_Z, 2, T_INT | T_P },
    { GV_I_NOT, F_Z, 1, T_INT | T_P },
    { GV_I_CNOT, F_Z, 1, T_INT },
    { GV_I_SHL, F_Z, 2, T_INT },
    { GV_I_SHR, F_Z, 2, T_INT },
    { GV_I_POPC, F_Z, 1, T_W },
    { GV_I_CLZ, F_Z, 1, T_W },
    { GV_I_BREV, F_Z, 1, T_W },
    { GV_I_BFE, F_Z, 3, T_W | TB(GV_T_S32) | TB(GV_T_S64) },
    { GV_I_BFI, F_Z, 4, T_W },
    { GV_I_PRMT, F_PRMT, 3, TB(GV_T_U32) },
    { GV_I_SHF, F_SHF, 3, TB(GV_T_U32) },
    { GV_I_FMA, F_FAR, 3, T_FL },
    { GV_I_RCP, F_FAR, 1, T_FL },
    { GV_I_SQRT, F_FAR, 1, T_FL },
    { GV_I_RSQRT, F_AR, 1, T_FL },
    { GV_I_SIN, F_AR, 1, TB(GV_T_F32) },
    { GV_I_COS, F_AR, 1, TB(GV_T_F32) },
    { GV_I_EX2, F_AR, 1, TB(GV_T_F32) },
    { GV_I_LG2, F_AR, 1, TB(GV_T_F32) },
    { GV_I_TANH, F_AR, 1, TB(GV_T_F32) },
    { GV_I_COPYSIGN, F_Z, 2, T_FL },
    { GV_I_TESTP, F_TESTP, 1, T_FL },
    { GV_I_SETP, F_SETP, 2, T_INT | T_FL },
    { GV_I_SELP, F_Z, 3, T_INT | T_FL | T_P },
    { GV_I_CVT, F_CVT, 1, T_I8 | T_INT | T_FL | TB(GV_T_F16) },
    { GV_I_FNS, F_Z, 3, TB(GV_T_U32) },
};

static unsigned alu_mod(struct mg *g, unsigned form, unsigned t)
{
    unsigned m = 0;

    switch (form) {
    case F_FAR:
        if (is_fl(t) && one_in(g, 2)) {
            m = below(g, GV_RND_RP + 1);
        }
        /* fall through */
    case F_AR:
        m |= one_in(g, 4) ? GV_M_SAT : 0;
        return m | (one_in(g, 4) ? GV_M_FTZ : 0);
    case F_SETP:
        m = is_fl(t) ? below(g, GV_CMP__COUNT) : below(g, GV_CMP_GE + 1);
        return m | (t == GV_T_F32 && one_in(g, 3) ? GV_M_FTZ : 0);
    case F_TESTP:
        return below(g, GV_TESTP_SUBNORMAL + 1);
    case F_PRMT:
        return below(g, GV_PRMT_RC16 + 1);
    case F_SHF:
        return below(g, 4);
    default:
        return 0;
    }
}

static void gen_alu(struct mg *g)
{
    const struct alu *a = &alu[below(g, sizeof(alu) / sizeof(alu[0]))];
    unsigned t = pick_type(g, a->types), e = 0, st = t;
    uint16_t s[4] = { NONE, NONE, NONE, NONE };

    if (a->op == GV_I_CVT) {
        do {
            st = 1 + below(g, GV_T__COUNT - 1);
        } while (st == GV_T_PRED);
        e = st | below(g, GV_RND_RPI + 1) << 8;
    }
    for (unsigned i = 0; i < a->nsrc; i++) {
        s[i] = src(g, i == 0 ? st : t);
    }
    if (a->op == GV_I_SELP && one_in(g, 2)) {
        s[2] = R_P2;
    }
    uint16_t d = vreg(g);

    op(g, a->op, t, alu_mod(g, a->form, t), d, s[0], s[1], s[2],
       a->op == GV_I_CVT ? (uint16_t)e : s[3]);
    if (one_in(g, 6)) {         /* sometimes guarded */
        bool neg = one_in(g, 2);

        guard(g, one_in(g, 2) ? R_P2 : R_P, neg);
    }
}

/* the predicate R_P2 from a value, for guards and SELP */
static void gen_setp(struct mg *g)
{
    unsigned t = pick_type(g, T_INT | T_FL);
    uint16_t b = src(g, t), a = vreg(g);

    op(g, GV_I_SETP, t, alu_mod(g, F_SETP, t), R_P2, a, b, NONE, NONE);
}

/* ---- memory ---- */

static const uint8_t tsize[GV_T__COUNT] = {
    [GV_T_U8] = 1, [GV_T_S8] = 1, [GV_T_U16] = 2, [GV_T_S16] = 2,
    [GV_T_U32] = 4, [GV_T_S32] = 4, [GV_T_U64] = 8, [GV_T_S64] = 8,
    [GV_T_F32] = 4, [GV_T_F64] = 8, [GV_T_F16] = 2,
};

/* a memory type of at most @max bytes */
static unsigned mem_type(struct mg *g, unsigned max)
{
    uint32_t m = TB(GV_T_U32) | TB(GV_T_S32) | TB(GV_T_F32);

    if (max == 8) {
        m |= TB(GV_T_U64) | TB(GV_T_S64) | TB(GV_T_F64);
    }
    if (g->opts & GVF_MG_NARROW) {
        m |= T_I8 | TB(GV_T_U16) | TB(GV_T_S16) | TB(GV_T_F16);
    }
    return pick_type(g, m);
}

/* R_A = the address of output slot @j of this thread; its width */
static unsigned slot_addr(struct mg *g, unsigned j, uint16_t *e)
{
    *e = 0;
    if (j < 4) {                /* slot-major, 8 bytes: coalesced */
        op(g, GV_I_MAD, GV_T_U32, 0, R_A, K(g, j), R_T, R_GID, 0);
        op(g, GV_I_MADWIDE, GV_T_U32, 0, R_A, R_A, K(g, 8), R_OUT, 0);
        return 8;
    }
    if (j < 8) {                /* slot-major, 4 bytes, after 32 T */
        op(g, GV_I_MAD, GV_T_U32, 0, R_A, K(g, j + 4), R_T, R_GID, 0);
        op(g, GV_I_MADWIDE, GV_T_U32, 0, R_A, R_A, K(g, 4), R_OUT, 0);
        return 4;
    }
    /* thread-major after 48 T: 32 bytes per thread, lanes 32 apart */
    op(g, GV_I_MAD, GV_T_U32, 0, R_A, R_GID, K(g, 4), R_T, 0);
    op(g, GV_I_MAD, GV_T_U32, 0, R_A, R_T, K(g, 5), R_A, 0);
    op(g, GV_I_MADWIDE, GV_T_U32, 0, R_A, R_A, K(g, 8), R_OUT, 0);
    *e = (uint16_t)(8 * (j - 8));
    return 8;
}

static unsigned space_of(struct mg *g, unsigned sp)
{
    return one_in(g, 4) ? GV_SPACE_GENERIC : sp;
}

static void gen_slot(struct mg *g, bool store)
{
    uint16_t e;
    unsigned w = slot_addr(g, below(g, 12), &e), t = mem_type(g, w);

    uint16_t v = vreg(g);

    if (store) {
        op(g, GV_I_ST, t, space_of(g, GV_SPACE_GLOBAL), 0, R_A, v, NONE, e);
    } else {
        op(g, GV_I_LD, t, space_of(g, GV_SPACE_GLOBAL), v, R_A, NONE, NONE,
           e);
    }
}

/* a load of the input table: at gid + c (coalesced) or at a value */
static void gen_load_in(struct mg *g)
{
    unsigned t = mem_type(g, 8), sz = tsize[t];
    uint32_t mask = GVF_MG_IN_BYTES / sz - 1;

    if (one_in(g, 2)) {
        op(g, GV_I_ADD, GV_T_U32, 0, R_A, R_GID, K(g, below(g, 64)), 0, 0);
    } else {
        op(g, GV_I_MOV, GV_T_U32, 0, R_A, vreg(g), 0, 0, 0);
    }
    op(g, GV_I_AND, GV_T_U32, 0, R_A, R_A, K(g, mask), 0, 0);
    op(g, GV_I_MADWIDE, GV_T_U32, 0, R_A, R_A, K(g, sz), R_IN, 0);

    uint16_t d = vreg(g);

    op(g, GV_I_LD, t, space_of(g, GV_SPACE_GLOBAL), d, R_A, NONE, NONE, 0);
}

static void gen_load_misc(struct mg *g)
{
    unsigned t = mem_type(g, 8);

    switch (below(g, 3)) {
    case 0: {                   /* a parameter value */
        uint16_t a = K(g, 24 + 8 * below(g, 5));

        op(g, GV_I_LD, t, GV_SPACE_PARAM, vreg(g), a, NONE, NONE, 0);
        break;
    }
    case 1:                     /* the module's data section */
        op(g, GV_I_MADDR, GV_T_U64, 0, R_A, K(g, 8 * below(g, MG_DATA / 8)),
           0, 0, 0);
        op(g, GV_I_LD, t, GV_SPACE_GLOBAL, vreg(g), R_A, NONE, NONE, 0);
        break;
    default: {                  /* local memory past the frame */
        uint32_t off = 16 + 8 * below(g, (MG_LOCAL - 16) / 8);
        bool st = one_in(g, 2);

        if (one_in(g, 3)) {
            op(g, GV_I_MOV, GV_T_U64, 0, R_A, K(g, GV_GENERIC_LOCAL + off), 0,
               0, 0);
            op(g, st ? GV_I_ST : GV_I_LD, t, GV_SPACE_GENERIC,
               st ? 0 : vreg(g), R_A, st ? vreg(g) : NONE, NONE, 0);
        } else {
            op(g, st ? GV_I_ST : GV_I_LD, t, GV_SPACE_LOCAL, st ? 0 : vreg(g),
               K(g, off), st ? vreg(g) : NONE, NONE, 0);
        }
        break;
    }
    }
}

/* ---- atomics ----
 * Compared words: each word has one operation and type, commutative, so
 * the final value does not depend on the order; the old values go to
 * R_SINK.  The other words take any operation. */
static const uint8_t aop32[8] = { GV_ATOM_ADD, GV_ATOM_MIN, GV_ATOM_MAX,
                                  GV_ATOM_AND, GV_ATOM_OR, GV_ATOM_XOR,
                                  GV_ATOM_ADD, GV_ATOM_MAX };

static void atom_word(bool wide, unsigned w, unsigned *aop, unsigned *t)
{
    *aop = aop32[w % 8];
    *t = wide ? (w & 1 ? GV_T_S64 : GV_T_U64) : (w & 1 ? GV_T_S32 : GV_T_U32);
}

static void gen_atom(struct mg *g)
{
    bool wide = one_in(g, 2), shared = false;
    unsigned aop, t, sp = GV_SPACE_GLOBAL;
    uint64_t off;
    uint16_t c = NONE, base = R_ATOM;

    if ((g->opts & GVF_MG_SHARED) && !g->in_fn && one_in(g, 3)) {
        shared = true;          /* read back after the last barrier */
    }
    if (!shared && one_in(g, 3)) {      /* an uncompared word: anything */
        static const uint8_t any[] = { GV_ATOM_INC, GV_ATOM_DEC,
                                       GV_ATOM_EXCH, GV_ATOM_CAS,
                                       GV_ATOM_ADD, GV_ATOM_MIN };
        aop = any[below(g, sizeof(any))];
        t = aop <= GV_ATOM_DEC ? GV_T_U32
            : aop == GV_ATOM_CAS ? (wide ? GV_T_U64 : GV_T_U32)
                                 : pick_type(g, TB(GV_T_U32) | TB(GV_T_S64) |
                                                T_FL);
        off = GVF_MG_ATOM_DET + 8 * below(g, 16);
        c = aop == GV_ATOM_CAS ? src(g, t) : NONE;
    } else if (shared) {
        unsigned w = below(g, wide ? 4 : 8);

        atom_word(wide, w, &aop, &t);
        off = MG_SH_SLOTS + (wide ? 32 + 8 * w : 4 * w);
        sp = GV_SPACE_SHARED;
        g->shared_atoms = true;
    } else {
        unsigned w = below(g, wide ? 8 : 16);

        atom_word(wide, w, &aop, &t);
        off = wide ? 64 + 8 * w : 4 * w;
    }
    if (sp == GV_SPACE_SHARED) {
        base = R_A;
        if (one_in(g, 3)) {
            op(g, GV_I_MOV, GV_T_U64, 0, R_A, K(g, GV_GENERIC_SHARED), 0, 0,
               0);
            sp = GV_SPACE_GENERIC;
        } else {
            op(g, GV_I_MOV, GV_T_U64, 0, R_A, K(g, 0), 0, 0, 0);
        }
    } else if (one_in(g, 4)) {
        sp = GV_SPACE_GENERIC;
    }
    uint16_t b = src(g, t);

    op(g, GV_I_ATOM, t, sp | aop << 4, one_in(g, 2) ? NONE : R_SINK, base, b,
       c, (uint16_t)off);
}

/* ---- special registers ---- */

static void gen_sreg(struct mg *g)
{
    static const uint8_t same[] = {
        GV_SR_TID_X, GV_SR_TID_Y, GV_SR_TID_Z, GV_SR_NTID_X, GV_SR_NTID_Y,
        GV_SR_NTID_Z, GV_SR_CTAID_X, GV_SR_CTAID_Y, GV_SR_CTAID_Z,
        GV_SR_NCTAID_X, GV_SR_NCTAID_Y, GV_SR_NCTAID_Z, GV_SR_LANEID,
        GV_SR_WARPID, GV_SR_NWARPID, GV_SR_LANEMASK_EQ, GV_SR_LANEMASK_LT,
        GV_SR_LANEMASK_LE, GV_SR_LANEMASK_GT, GV_SR_LANEMASK_GE,
    };
    /* these differ between devices and runs: to the sink */
    static const uint8_t vary[] = { GV_SR_SMID, GV_SR_NSMID, GV_SR_CLOCK,
                                    GV_SR_CLOCK64, GV_SR_GLOBALTIMER,
                                    GV_SR_GRIDID };

    if (one_in(g, 4)) {
        unsigned s = vary[below(g, sizeof(vary))];

        op(g, GV_I_S2R, s >= GV_SR_CLOCK64 || s == GV_SR_GRIDID ? GV_T_U64
                                                                 : GV_T_U32,
           s, R_SINK, 0, 0, 0, 0);
    } else {
        uint16_t d = vreg(g);

        op(g, GV_I_S2R, GV_T_U32, same[below(g, sizeof(same))], d, 0, 0, 0,
           0);
    }
}

/* ---- warp-synchronous instructions ---- */

/* one shuffle or vote with member mask @mask (a register, or NONE);
 * @kind fixes the kind, mode and type (so two sides of an if/else meet) */
static void warp_op(struct mg *g, unsigned kind, uint16_t mask)
{
    static const uint8_t st[3] = { GV_T_U32, GV_T_S32, GV_T_F32 };
    unsigned mode = kind % 4, w = 1u << (kind / 4 % 6);
    uint16_t seg = (uint16_t)((32 - (w > 32 ? 32 : w)) << 8);

    if (kind / 24 % 2 == 0) {   /* a shuffle of a lane or an offset */
        uint16_t b = one_in(g, 2) ? K(g, below(g, 40)) : vreg(g);

        uint16_t a = vreg(g), d = vreg(g);

        op(g, GV_I_SHFL, st[kind / 48 % 3], mode, d, a, b,
           K(g, mode == GV_SHFL_UP ? seg : seg | 0x1f), mask);
    } else if (mode == GV_VOTE_BALLOT) {
        uint16_t a = vreg(g);

        op(g, GV_I_VOTE, GV_T_U32, mode, one_in(g, 4) ? R_SINK : vreg(g), a,
           NONE, NONE, mask);
    } else {
        uint16_t a = vreg(g), d = vreg(g);

        op(g, GV_I_VOTE, GV_T_PRED, mode, d, a, NONE, NONE, mask);
    }
}

/* activemask, then warp operations over it (any code) */
static void gen_warp(struct mg *g)
{
    op(g, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, R_AMASK, R_ONE, NONE, NONE,
       NONE);
    for (unsigned i = 0, n = 1 + below(g, 3); i < n; i++) {
        uint16_t mask = one_in(g, 4) ? NONE : R_AMASK;

        warp_op(g, below(g, 144), mask);
    }
}

/* ---- statements ---- */

static void gen_block(struct mg *g, unsigned depth, bool uniform,
                      unsigned n);

/* the condition of a branch in R_P; whether it is the same for the
 * whole block */
static bool gen_cond(struct mg *g)
{
    switch (below(g, 6)) {
    case 0:
        op(g, GV_I_AND, GV_T_U32, 0, R_A2, R_LANE, K(g, 1u << below(g, 5)),
           0, 0);
        op(g, GV_I_SETP, GV_T_U32, GV_CMP_NE, R_P, R_A2, K(g, 0), 0, 0);
        return false;
    case 1: {
        uint16_t b = K(g, below(g, 80));

        op(g, GV_I_SETP, GV_T_U32, below(g, GV_CMP_GE + 1), R_P, R_TID, b, 0,
           0);
        return false;
    }
    case 2: {
        uint16_t b = K(g, below(g, 3));

        op(g, GV_I_SETP, GV_T_U32, below(g, GV_CMP_GE + 1), R_P, R_CTA, b, 0,
           0);
        return true;
    }
    case 3:
        op(g, GV_I_LD, GV_T_U32, GV_SPACE_PARAM, R_A2,
           K(g, 24 + 8 * below(g, 5)), NONE, NONE, 0);
        op(g, GV_I_SETP, GV_T_U32, GV_CMP_LT, R_P, R_A2,
           K(g, 1u << below(g, 32)), 0, 0);
        return true;
    default: {
        unsigned t = pick_type(g, T_INT | T_FL);
        uint16_t b = src(g, t), a = vreg(g);

        op(g, GV_I_SETP, t, alu_mod(g, F_SETP, t), R_P, a, b, NONE, NONE);
        return false;
    }
    }
}

static void gen_if(struct mg *g, unsigned depth, bool uniform)
{
    bool same = gen_cond(g), neg = one_in(g, 2), has_else = one_in(g, 2);
    uint32_t br, out = 0, mid;

    br = op(g, GV_I_BRA, 0, GV_BRA_JOIN, 0, 0, 0, 0, 0);
    guard(g, R_P, neg);
    gen_block(g, depth + 1, uniform && same, 1 + below(g, 4));
    if (has_else) {
        out = op(g, GV_I_BRA, 0, 0, 0, 0, 0, 0, 0);
        mid = g->n;
        gen_block(g, depth + 1, uniform && same, 1 + below(g, 4));
        bra_set(g, br, mid, g->n);
        bra_set(g, out, g->n, 0);
    } else {
        bra_set(g, br, g->n, g->n);
    }
}

/* a bounded loop: at most 4 turns, the bound the block's or the lane's */
static void gen_loop(struct mg *g, unsigned depth, bool uniform)
{
    uint16_t cnt = (uint16_t)(R_CNT0 + (g->in_fn ? MG_DEPTH : 0) + depth);
    bool same = one_in(g, 2);
    uint32_t top, br;

    op(g, GV_I_MOV, GV_T_U32, 0, cnt, K(g, 0), 0, 0, 0);
    top = g->n;
    gen_block(g, depth + 1, uniform && same, 1 + below(g, 4));
    op(g, GV_I_ADD, GV_T_U32, 0, cnt, cnt, K(g, 1), 0, 0);
    if (same) {
        op(g, GV_I_SETP, GV_T_U32, GV_CMP_LT, R_P, cnt, K(g, 1 + below(g, 4)),
           0, 0);
    } else {
        op(g, GV_I_AND, GV_T_U32, 0, R_A2, one_in(g, 2) ? R_TID : R_LANE,
           K(g, 3), 0, 0);
        op(g, GV_I_SETP, GV_T_U32, GV_CMP_LE, R_P, cnt, R_A2, 0, 0);
    }
    br = op(g, GV_I_BRA, 0, GV_BRA_JOIN, 0, 0, 0, 0, 0);
    guard(g, R_P, false);
    bra_set(g, br, top, br + 1);
}

/* own slot in shared memory, a barrier, a neighbour's, a barrier */
static void gen_shared(struct mg *g)
{
    unsigned t = mem_type(g, 8), id = below(g, 16), sp = GV_SPACE_SHARED;
    uint16_t bar = K(g, id);

    op(g, GV_I_MULWIDE, GV_T_U32, 0, R_A, R_TID, K(g, 8), 0, 0);
    if (one_in(g, 3)) {
        op(g, GV_I_ADD, GV_T_U64, 0, R_A, R_A, K(g, GV_GENERIC_SHARED), 0, 0);
        sp = GV_SPACE_GENERIC;
    }
    op(g, GV_I_ST, t, sp, 0, R_A, vreg(g), NONE, 0);
    if (one_in(g, 3)) {
        op(g, GV_I_BAR, 0, GV_BAR_COUNT, 0, bar, R_NTID, 0, 0);
    } else {
        op(g, GV_I_BAR, 0, 0, 0, bar, 0, 0, 0);
    }
    op(g, GV_I_ADD, GV_T_U32, 0, R_A2, R_TID, K(g, below(g, 300)), 0, 0);
    op(g, GV_I_REM, GV_T_U32, 0, R_A2, R_A2, R_NTID, 0, 0);
    op(g, GV_I_MULWIDE, GV_T_U32, 0, R_A2, R_A2, K(g, 8), 0, 0);
    op(g, GV_I_LD, t, GV_SPACE_SHARED, vreg(g), R_A2, NONE, NONE, 0);
    op(g, GV_I_BAR, 0, 0, 0, bar, 0, 0, 0);
}

/* the same warp-synchronous instructions on both sides of a divergent
 * if/else, over the warp's live lanes: they meet there */
static void gen_sync_if(struct mg *g)
{
    unsigned kinds[2], n = 1 + below(g, 2);
    uint32_t br, out = 0, mid = 0;

    for (unsigned i = 0; i < n; i++) {
        kinds[i] = below(g, 144);
    }
    op(g, GV_I_AND, GV_T_U32, 0, R_A2, R_LANE, K(g, 1u << below(g, 5)), 0,
       0);
    op(g, GV_I_SETP, GV_T_U32, GV_CMP_NE, R_P, R_A2, K(g, 0), 0, 0);
    br = op(g, GV_I_BRA, 0, GV_BRA_JOIN, 0, 0, 0, 0, 0);
    guard(g, R_P, false);
    for (unsigned side = 0; side < 2; side++) {
        if (side) {
            out = op(g, GV_I_BRA, 0, 0, 0, 0, 0, 0, 0);
            mid = g->n;
        }
        for (unsigned i = 0; i < n; i++) {
            if (one_in(g, 2)) {
                gen_alu(g);
            }
            warp_op(g, kinds[i], R_WMASK);
        }
    }
    bra_set(g, br, mid, g->n);
    bra_set(g, out, g->n, 0);
}

static void gen_call(struct mg *g)
{
    if (g->ncalls + 1 < sizeof(g->calls) / sizeof(g->calls[0])) {
        g->calls[g->ncalls++] = op(g, GV_I_CALL, GV_T_NONE, 0, R_RA,
                                   K(g, 16), 0, 0, 0);
    }
}

/* the deliberate fault, reached by thread 0 of every block */
static void gen_fault(struct mg *g)
{
    static const uint32_t rule[] = {
        GV_RULE_COMPUTE_VA_RANGE, GV_RULE_COMPUTE_MISALIGNED,
        GV_RULE_COMPUTE_SHARED_RANGE, GV_RULE_COMPUTE_LOCAL_RANGE,
        GV_RULE_COMPUTE_PARAM, GV_RULE_COMPUTE_GENERIC_WINDOW,
        GV_RULE_COMPUTE_TRAP, GV_RULE_COMPUTE_CALL_DEPTH,
        GV_RULE_COMPUTE_CALL_RETURN,
    };
    unsigned kind = below(g, sizeof(rule) / sizeof(rule[0]));
    uint16_t e;

    if (kind == 7 && !(g->opts & GVF_MG_CALL)) {
        kind = 6;
    }
    g->fault_done = true;
    g->fault_rule = rule[kind];
    op(g, GV_I_SETP, GV_T_U32, GV_CMP_EQ, R_P2, R_TID, K(g, 0), 0, 0);
    switch (kind) {
    case 0:
        op(g, GV_I_MOV, GV_T_U64, 0, R_A, K(g, (2ull << 40) + 8 * below(g, 9)),
           0, 0, 0);
        op(g, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, R_A, vreg(g), NONE, 0);
        break;
    case 1:
        slot_addr(g, below(g, 4), &e);
        e = (uint16_t)(1 + below(g, 7));
        op(g, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, vreg(g), R_A, NONE, NONE,
           e);
        break;
    case 2:
        e = K(g, (g->opts & GVF_MG_SHARED ? MG_SHARED : 0) + 4 * below(g, 9));
        op(g, GV_I_LD, GV_T_U32, GV_SPACE_SHARED, vreg(g), e, NONE, NONE, 0);
        break;
    case 3:
        e = vreg(g);
        op(g, GV_I_ST, GV_T_U64, GV_SPACE_LOCAL, 0,
           K(g, MG_LOCAL + 8 * below(g, 9)), e, NONE, 0);
        break;
    case 4:
        e = K(g, GVF_MG_PARAMS + 8 * below(g, 9));
        op(g, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, vreg(g), e, NONE, NONE, 0);
        break;
    case 5:
        op(g, GV_I_MOV, GV_T_U64, 0, R_A, K(g, (1ull << 47) + 8 * below(g, 9)),
           0, 0, 0);
        op(g, GV_I_LD, GV_T_U32, GV_SPACE_GENERIC, vreg(g), R_A, NONE, NONE,
           0);
        break;
    case 6:
        op(g, GV_I_TRAP, 0, 0, 0, 0, 0, 0, 0);
        break;
    case 7:
        e = K(g, 16);
        op(g, GV_I_SELP, GV_T_U64, 0, R_A, K(g, MG_LOCAL + 8 + below(g, 99)),
           e, R_P2, 0);
        g->calls[g->ncalls++] = op(g, GV_I_CALL, GV_T_NONE, 0, R_RA, R_A, 0,
                                   0, 0);
        return;
    default:
        op(g, GV_I_RET, 0, 0, 0, K(g, MG_INSNS + below(g, 1000)), 0, 0, 0);
        break;
    }
    guard(g, R_P2, false);
}

static void gen_stmt(struct mg *g, unsigned depth, bool uniform)
{
    unsigned o = g->opts, r = below(g, 100);

    if (r < 30) {
        gen_alu(g);
        if (one_in(g, 2)) {
            gen_alu(g);
        }
    } else if (r < 36) {
        gen_setp(g);
    } else if (r < 46) {
        gen_slot(g, true);
    } else if (r < 52) {
        gen_slot(g, false);
    } else if (r < 58) {
        gen_load_in(g);
    } else if (r < 64) {
        gen_load_misc(g);
    } else if (r < 67) {
        gen_sreg(g);
    } else if (r < 74 && depth < MG_DEPTH) {
        gen_if(g, depth, uniform);
    } else if (r < 80 && depth < MG_DEPTH && (o & GVF_MG_LOOP)) {
        gen_loop(g, depth, uniform);
    } else if (r < 84 && (o & GVF_MG_CALL) && !g->in_fn) {
        gen_call(g);
    } else if (r < 88 && (o & GVF_MG_SHARED) && uniform && !g->in_fn) {
        gen_shared(g);
    } else if (r < 93 && (o & GVF_MG_ATOM)) {
        gen_atom(g);
    } else if (r < 96 && (o & GVF_MG_WARP)) {
        gen_warp(g);
    } else if (r < 100 && (o & GVF_MG_WARP) && uniform && !g->in_fn &&
               depth < MG_DEPTH) {
        gen_sync_if(g);
    } else {
        gen_alu(g);
    }
}

static void gen_block(struct mg *g, unsigned depth, bool uniform,
                      unsigned n)
{
    for (unsigned i = 0; i < n && room(g); i++) {
        gen_stmt(g, depth, uniform);
    }
}

/* ---- the function's frame ---- */

static void prologue(struct mg *g)
{
    op(g, GV_I_S2R, GV_T_U32, GV_SR_TID_X, R_TID, 0, 0, 0, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_TID_Y, R_A, 0, 0, 0, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_NTID_X, R_NTID, 0, 0, 0, 0);
    op(g, GV_I_MAD, GV_T_U32, 0, R_TID, R_A, R_NTID, R_TID, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_NTID_Y, R_A, 0, 0, 0, 0);
    op(g, GV_I_MUL, GV_T_U32, 0, R_NTID, R_NTID, R_A, 0, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_CTAID_X, R_CTA, 0, 0, 0, 0);
    op(g, GV_I_MAD, GV_T_U32, 0, R_GID, R_CTA, R_NTID, R_TID, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_NCTAID_X, R_A, 0, 0, 0, 0);
    op(g, GV_I_MUL, GV_T_U32, 0, R_T, R_A, R_NTID, 0, 0);
    op(g, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, R_OUT, K(g, 0), NONE, NONE, 0);
    op(g, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, R_IN, K(g, 8), NONE, NONE, 0);
    op(g, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, R_ATOM, K(g, 16), NONE, NONE, 0);
    op(g, GV_I_S2R, GV_T_U32, GV_SR_LANEID, R_LANE, 0, 0, 0, 0);
    op(g, GV_I_MOV, GV_T_PRED, 0, R_ONE, K(g, 1), 0, 0, 0);
    op(g, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, R_WMASK, R_ONE, NONE, NONE,
       NONE);
    /* A block starts with what the SM's last block left in registers,
     * local and shared memory (zeroed once per launch): everything read
     * is written first, or the results would depend on the SM count. */
    op(g, GV_I_MOV, GV_T_PRED, 0, R_P, K(g, 0), 0, 0, 0);
    for (uint32_t off = 16; off < MG_LOCAL; off += 8) {
        op(g, GV_I_ST, GV_T_U64, GV_SPACE_LOCAL, 0, K(g, off), K(g, 0), NONE,
           0);
    }
    if (g->opts & GVF_MG_SHARED) {
        op(g, GV_I_SETP, GV_T_U32, GV_CMP_EQ, R_P2, R_TID, K(g, 0), 0, 0);
        for (uint32_t off = 0; off < MG_SH_ATOM; off += 8) {
            op(g, GV_I_ST, GV_T_U64, GV_SPACE_SHARED, 0, K(g, 0), K(g, 0),
               NONE, (uint16_t)(MG_SH_SLOTS + off));
            guard(g, R_P2, false);
        }
        op(g, GV_I_BAR, 0, 0, 0, K(g, 0), 0, 0, 0);
    }
    op(g, GV_I_MOV, GV_T_PRED, 0, R_P2, K(g, 0), 0, 0, 0);
    for (unsigned i = 0; i < MG_NV; i++) {
        uint16_t v = (uint16_t)(R_V0 + i);

        switch (below(g, 4)) {
        case 0:
            op(g, GV_I_MOV, GV_T_U64, 0, v, K(g, g->pool[i % 8]), 0, 0, 0);
            break;
        case 1:
            op(g, GV_I_CVT, one_in(g, 2) ? GV_T_F32 : GV_T_F64, 0, v, R_GID,
               0, 0, GV_T_U32 | GV_RND_RN << 8);
            break;
        case 2:
            op(g, GV_I_MUL, GV_T_U64, 0, v, R_GID, K(g, g->pool[i % 8] | 1),
               0, 0);
            break;
        default:
            op(g, GV_I_AND, GV_T_U32, 0, R_A, R_GID, K(g, 447), 0, 0);
            op(g, GV_I_MADWIDE, GV_T_U32, 0, R_A, R_A, K(g, 8), R_IN, 0);
            op(g, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, v, R_A, NONE, NONE,
               (uint16_t)(8 * below(g, 64)));
            break;
        }
    }
}

/* every value folded into slot 0; the shared atomics' words into slot 1 */
static void epilogue(struct mg *g)
{
    uint16_t e;

    if (g->shared_atoms) {
        op(g, GV_I_BAR, 0, 0, 0, K(g, 0), 0, 0, 0);
        op(g, GV_I_MOV, GV_T_U64, 0, R_A2, K(g, 0), 0, 0, 0);
        for (unsigned i = 0; i < MG_SH_ATOM / 8; i++) {
            op(g, GV_I_LD, GV_T_U64, GV_SPACE_SHARED, R_SINK,
               K(g, MG_SH_SLOTS + 8 * i), NONE, NONE, 0);
            op(g, GV_I_XOR, GV_T_U64, 0, R_A2, R_A2, R_SINK, 0, 0);
        }
        slot_addr(g, 1, &e);
        op(g, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, R_A, R_A2, NONE, e);
    }
    op(g, GV_I_MOV, GV_T_U64, 0, R_A2, R_V0, 0, 0, 0);
    for (unsigned i = 1; i < MG_NV; i++) {
        op(g, GV_I_XOR, GV_T_U64, 0, R_A2, R_A2, (uint16_t)(R_V0 + i), 0, 0);
    }
    slot_addr(g, 0, &e);
    op(g, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, R_A, R_A2, NONE, e);
    op(g, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
}

/* the called function: its return address in its frame, a body, RET */
static void function(struct mg *g)
{
    uint32_t start = g->n;

    g->in_fn = true;
    op(g, GV_I_ST, GV_T_U64, GV_SPACE_LOCAL, 0, K(g, 0), R_RA, NONE, 0);
    gen_block(g, 0, false, 2 + below(g, 6));
    op(g, GV_I_LD, GV_T_U64, GV_SPACE_LOCAL, R_RA, K(g, 0), NONE, NONE, 0);
    op(g, GV_I_RET, 0, 0, 0, R_RA, 0, 0, 0);
    for (uint32_t i = 0; i < g->ncalls; i++) {
        g->ins[g->calls[i]].b = (uint16_t)start;
        g->ins[g->calls[i]].c = (uint16_t)(start >> 16);
    }
}

/* ---- the image ---- */

static uint8_t *image(struct mg *g, uint64_t seed, struct gvf_mg_info *info)
{
    static const char names[8] = "gen";
    struct gv_isa_func f = { .flags = GV_FUNC_ENTRY, .insn_count = g->n,
                             .nregs = MG_NREGS, .nparams = 3,
                             .param_size = GVF_MG_PARAMS,
                             .shared_size = g->opts & GVF_MG_SHARED
                                                ? MG_SHARED : 0,
                             .local_size = MG_LOCAL };
    struct gv_isa_param pt[3] = { { 0, 8 }, { 8, 8 }, { 16, 8 } };
    uint8_t data[MG_DATA];

    for (uint32_t i = 0; i < MG_DATA; i += 8) {
        uint64_t v = seed * 0x2545f4914f6cdd1dull + i;

        memcpy(data + i, &v, 8);
    }

    struct gv_isa_parts p = {
        .funcs = &f, .nfuncs = 1, .params = pt, .nparams = 3,
        .insns = g->ins, .ninsns = g->n, .consts = g->k, .nconsts = g->nk,
        .strings = names, .strings_size = sizeof(names),
        .data = data, .data_size = MG_DATA,
    };
    size_t len;
    uint8_t *img = gv_isa_write(&p, &len);

    if (!img) {
        return NULL;
    }
    info->size = (uint32_t)len;
    info->ninsns = g->n;
    info->fault_rule = g->fault_rule;
    info->shared_size = f.shared_size;
    info->local_size = f.local_size;
    return img;
}

uint8_t *gvf_modgen(uint64_t seed, unsigned opts, struct gvf_mg_info *info)
{
    struct mg *g = calloc(1, sizeof(*g));
    unsigned top, fault_at;
    uint8_t *img;

    memset(info, 0, sizeof(*info));
    if (!g) {
        return NULL;
    }
    g->s = seed;
    g->s = rnd(g);      /* nearby seeds: unrelated streams */
    g->opts = opts;
    for (unsigned i = 0; i < 8; i++) {
        uint64_t r = rnd(g);

        g->pool[i] = r >> below(g, 64);
    }
    top = (opts & GVF_MG_BIG ? 16 : 6) + below(g, 8);
    fault_at = opts & GVF_MG_FAULT ? below(g, top + 1) : ~0u;
    prologue(g);
    for (unsigned i = 0; i <= top && room(g); i++) {
        if (i == fault_at) {
            gen_fault(g);
        }
        if (i < top) {
            gen_stmt(g, 0, true);
        }
    }
    if ((opts & GVF_MG_FAULT) && !g->fault_done) {
        gen_fault(g);
    }
    epilogue(g);
    if (g->ncalls) {
        function(g);
    }
    img = image(g, seed, info);
    free(g);
    return img;
}

void gvf_mg_params(uint64_t seed, uint64_t out, uint64_t in, uint64_t atom,
                   uint8_t p[GVF_MG_PARAMS])
{
    uint64_t v[GVF_MG_PARAMS / 8] = { out, in, atom };
    struct mg g = { .s = seed ^ 0x5bd1e995u };

    for (unsigned i = 3; i < GVF_MG_PARAMS / 8; i++) {
        uint64_t r = rnd(&g);

        v[i] = r >> below(&g, 64);
    }
    memcpy(p, v, sizeof(v));
}

void gvf_mg_input(uint64_t seed, uint8_t in[GVF_MG_IN_BYTES])
{
    struct mg g = { .s = seed ^ 0x1b873593u };

    for (unsigned i = 0; i < GVF_MG_IN_BYTES; i += 8) {
        uint64_t v = rnd(&g);

        if (one_in(&g, 4)) {
            v = edge(&g, one_in(&g, 2) ? GV_T_F32 : GV_T_F64);
        }
        memcpy(in + i, &v, 8);
    }
}
