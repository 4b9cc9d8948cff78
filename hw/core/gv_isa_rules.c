/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GVX instruction rules: the one table of what each opcode's operand
 * fields are, which types it takes and which modifiers (docs/isa.md,
 * "Opcodes").  Compiled into the device core (gv_module.c decodes with
 * it) and into the PTX library (gv_isa_check and the translator's
 * emission check), so the translator can only make what the device runs
 * and the two checkers cannot disagree about an instruction.
 *
 * The sets are what the engine executes (hw/core/gv_simt*.c) and the
 * PTX ISA defines; tests/unit/test_isa_rules.c runs every form the table
 * allows on the engine, and fails if one is not executed.
 */
#include "graviton/gv_isa_rules.h"

#include <stddef.h>

#define TB(t) GV_ISA_TBIT(t)
#define T_INT \
    (TB(GV_T_U16) | TB(GV_T_S16) | TB(GV_T_U32) | TB(GV_T_S32) | \
     TB(GV_T_U64) | TB(GV_T_S64))
#define T_I8 (TB(GV_T_U8) | TB(GV_T_S8))
#define T_FL (TB(GV_T_F32) | TB(GV_T_F64))
#define T_MEM (T_I8 | T_INT | T_FL | TB(GV_T_F16))
#define T_NARROW (TB(GV_T_U16) | TB(GV_T_S16) | TB(GV_T_U32) | TB(GV_T_S32))
#define T_ATOM \
    (TB(GV_T_U32) | TB(GV_T_S32) | TB(GV_T_U64) | TB(GV_T_S64) | T_FL)
#define T_U32_U64 (TB(GV_T_U32) | TB(GV_T_U64))
#define T_ANY GV_ISA_TANY

enum {
    NO = GV_ROLE_NO,
    D = GV_ROLE_DST,
    DN = GV_ROLE_DSTN,
    S = GV_ROLE_SRC,
    SN = GV_ROLE_SRCN,
    I = GV_ROLE_IMM,
    BAR = GV_ROLE_BARID,
};

static const struct gv_isa_rule rules[GV_I__COUNT] = {
    [GV_I_NOP] = { { NO }, GV_MODS_ANY, T_ANY },
    [GV_I_MOV] = { { D, S },
                   GV_MODS_ZERO,
                   T_I8 | T_INT | T_FL | TB(GV_T_PRED) },
    [GV_I_ADD] = { { D, S, S }, GV_MODS_FARITH, T_INT | T_FL },
    [GV_I_SUB] = { { D, S, S }, GV_MODS_FARITH, T_INT | T_FL },
    [GV_I_MUL] = { { D, S, S }, GV_MODS_FARITH, T_INT | T_FL },
    [GV_I_MULHI] = { { D, S, S }, GV_MODS_ZERO, T_INT },
    [GV_I_MULWIDE] = { { D, S, S }, GV_MODS_ZERO, T_NARROW },
    [GV_I_MAD] = { { D, S, S, S }, GV_MODS_FARITH, T_INT | T_FL },
    [GV_I_MADHI] = { { D, S, S, S }, GV_MODS_ZERO, T_INT },
    [GV_I_MADWIDE] = { { D, S, S, S }, GV_MODS_ZERO, T_NARROW },
    [GV_I_DIV] = { { D, S, S }, GV_MODS_FARITH, T_INT | T_FL },
    [GV_I_REM] = { { D, S, S }, GV_MODS_ZERO, T_INT },
    [GV_I_ABS] = { { D, S }, GV_MODS_ARITH, T_INT | T_FL },
    [GV_I_NEG] = { { D, S }, GV_MODS_ARITH, T_INT | T_FL },
    [GV_I_MIN] = { { D, S, S }, GV_MODS_ARITH, T_INT | T_FL },
    [GV_I_MAX] = { { D, S, S }, GV_MODS_ARITH, T_INT | T_FL },
    [GV_I_AND] = { { D, S, S }, GV_MODS_ZERO, T_INT | TB(GV_T_PRED) },
    [GV_I_OR] = { { D, S, S }, GV_MODS_ZERO, T_INT | TB(GV_T_PRED) },
    [GV_I_XOR] = { { D, S, S }, GV_MODS_ZERO, T_INT | TB(GV_T_PRED) },
    [GV_I_NOT] = { { D, S }, GV_MODS_ZERO, T_INT | TB(GV_T_PRED) },
    [GV_I_CNOT] = { { D, S }, GV_MODS_ZERO, T_INT },
    [GV_I_SHL] = { { D, S, S }, GV_MODS_ZERO, T_INT },
    [GV_I_SHR] = { { D, S, S }, GV_MODS_ZERO, T_INT },
    [GV_I_POPC] = { { D, S }, GV_MODS_ZERO, T_U32_U64 },
    [GV_I_CLZ] = { { D, S }, GV_MODS_ZERO, T_U32_U64 },
    [GV_I_BREV] = { { D, S }, GV_MODS_ZERO, T_U32_U64 },
    [GV_I_BFE] = { { D, S, S, S },
                   GV_MODS_ZERO,
                   TB(GV_T_U32) | TB(GV_T_S32) | TB(GV_T_U64) | TB(GV_T_S64) },
    [GV_I_BFI] = { { D, S, S, S, S }, GV_MODS_ZERO, T_U32_U64 },
    [GV_I_PRMT] = { { D, S, S, S }, GV_MODS_PRMT, TB(GV_T_U32) },
    [GV_I_SHF] = { { D, S, S, S }, GV_MODS_SHF, TB(GV_T_U32) },
    [GV_I_FMA] = { { D, S, S, S }, GV_MODS_FARITH, T_FL },
    [GV_I_RCP] = { { D, S }, GV_MODS_FARITH, T_FL },
    [GV_I_SQRT] = { { D, S }, GV_MODS_FARITH, T_FL },
    [GV_I_RSQRT] = { { D, S }, GV_MODS_ARITH, T_FL },
    [GV_I_SIN] = { { D, S }, GV_MODS_ARITH, TB(GV_T_F32) },
    [GV_I_COS] = { { D, S }, GV_MODS_ARITH, TB(GV_T_F32) },
    [GV_I_EX2] = { { D, S }, GV_MODS_ARITH, TB(GV_T_F32) },
    [GV_I_LG2] = { { D, S }, GV_MODS_ARITH, TB(GV_T_F32) },
    [GV_I_TANH] = { { D, S }, GV_MODS_ARITH, TB(GV_T_F32) },
    [GV_I_COPYSIGN] = { { D, S, S }, GV_MODS_ZERO, T_FL },
    [GV_I_TESTP] = { { D, S }, GV_MODS_TESTP, T_FL },
    [GV_I_SETP] = { { D, S, S }, GV_MODS_SETP, T_INT | T_FL },
    [GV_I_SELP] = { { D, S, S, S },
                    GV_MODS_ZERO,
                    T_INT | T_FL | TB(GV_T_PRED) },
    [GV_I_CVT] = { { D, S, NO, NO, I },
                   GV_MODS_ARITH,
                   T_I8 | T_INT | T_FL | TB(GV_T_F16) },
    [GV_I_LD] = { { D, S, NO, NO, I }, GV_MODS_MEM, T_MEM },
    [GV_I_ST] = { { NO, S, S, NO, I }, GV_MODS_MEM, T_MEM },
    [GV_I_ATOM] = { { DN, S, S, NO, I }, GV_MODS_ATOM, T_ATOM },
    [GV_I_BRA] = { { NO, NO, I, I }, GV_MODS_BRA, T_ANY },
    [GV_I_EXIT] = { { NO }, GV_MODS_ANY, T_ANY },
    [GV_I_BAR] = { { NO, BAR }, GV_MODS_BAR, T_ANY },
    [GV_I_S2R] = { { D }, GV_MODS_SREG, T_U32_U64 },
    [GV_I_MADDR] = { { D, S }, GV_MODS_ZERO, TB(GV_T_U64) },
    [GV_I_SHFL] = { { D, S, S, S, SN },
                    GV_MODS_SHFL,
                    TB(GV_T_U32) | TB(GV_T_S32) | TB(GV_T_F32) },
    [GV_I_VOTE] = { { D, S, NO, NO, SN },
                    GV_MODS_VOTE,
                    TB(GV_T_PRED) | TB(GV_T_U32) },
    [GV_I_TRAP] = { { NO }, GV_MODS_ANY, T_ANY },
    [GV_I_FNS] = { { D, S, S, S }, GV_MODS_ZERO, TB(GV_T_U32) },
    [GV_I_CALL] = { { D, S, I, I }, GV_MODS_ZERO, TB(GV_T_NONE) },
    [GV_I_RET] = { { NO, S }, GV_MODS_ZERO, TB(GV_T_NONE) },
};

const struct gv_isa_rule *gv_isa_rule(unsigned op)
{
    return op < GV_I__COUNT ? &rules[op] : NULL;
}

bool gv_isa_type_ok(unsigned op, unsigned type)
{
    return op < GV_I__COUNT && type < GV_T__COUNT &&
           (rules[op].types == T_ANY || (rules[op].types & TB(type)));
}

void gv_isa_roles(const struct gv_insn *x, uint8_t role[GV_ISA_NFIELDS])
{
    for (unsigned k = 0; k < GV_ISA_NFIELDS; k++) {
        role[k] = x->op < GV_I__COUNT ? rules[x->op].role[k] : GV_ROLE_NO;
    }
    if (x->op == GV_I_ATOM && (x->mod >> 4) == GV_ATOM_CAS) {
        role[3] = GV_ROLE_SRC; /* CAS: the value stored */
    }
    if (x->op == GV_I_BAR && (x->mod & GV_BAR_COUNT)) {
        role[2] = GV_ROLE_SRC; /* the thread count */
    }
    if (x->op == GV_I_BRA && (x->mod & GV_BRA_JOIN)) {
        role[0] = role[1] = GV_ROLE_IMM; /* the reconvergence point */
    }
}

bool gv_isa_join(const struct gv_insn *x, uint32_t *pc)
{
    if (x->op != GV_I_BRA || !(x->mod & GV_BRA_JOIN)) {
        return false;
    }
    *pc = (uint32_t)x->d | (uint32_t)x->a << 16;
    return true;
}

static bool is_flt(unsigned t)
{
    return t == GV_T_F32 || t == GV_T_F64;
}

static bool atom_ok(unsigned mod, unsigned t)
{
    unsigned sp = mod & 0xf, aop = mod >> 4;

    if (sp > GV_SPACE_GENERIC || sp == GV_SPACE_PARAM ||
        sp == GV_SPACE_LOCAL || aop > GV_ATOM_CAS) {
        return false;
    }
    if (aop == GV_ATOM_INC || aop == GV_ATOM_DEC) {
        return t == GV_T_U32;
    }
    if (aop == GV_ATOM_AND || aop == GV_ATOM_OR || aop == GV_ATOM_XOR) {
        return !is_flt(t);
    }
    return true;
}

/* Is @mod a valid modifier of form @form for an instruction @x? */
static bool mod_ok(const struct gv_insn *x, unsigned form)
{
    unsigned mod = x->mod, t = x->type, cmp = mod & 0x1f;

    switch (form) {
    case GV_MODS_ZERO:
        return mod == 0;
    case GV_MODS_ARITH:
        return (mod & ~(GV_M_SAT | GV_M_FTZ)) == 0;
    case GV_MODS_FARITH:
        return (mod & ~(GV_M_SAT | GV_M_FTZ | GV_M_RND)) == 0 &&
               ((mod & GV_M_RND) == 0 ||
                (is_flt(t) && (mod & GV_M_RND) <= GV_RND_RP));
    case GV_MODS_SETP:
        /* unordered, NUM and NAN compare floats only; .ftz is for f32 */
        return cmp < GV_CMP__COUNT && (mod & 0x60) == 0 &&
               (cmp <= GV_CMP_GE || is_flt(t)) &&
               (!(mod & GV_M_FTZ) || t == GV_T_F32);
    case GV_MODS_TESTP:
        return mod <= GV_TESTP_SUBNORMAL;
    case GV_MODS_MEM:
        return mod <= GV_SPACE_GENERIC &&
               !(x->op == GV_I_ST && mod == GV_SPACE_PARAM);
    case GV_MODS_ATOM:
        return atom_ok(mod, t);
    case GV_MODS_SREG:
        return mod < GV_SR__COUNT;
    case GV_MODS_SHFL:
        return mod <= GV_SHFL_IDX;
    case GV_MODS_VOTE:
        return mod <= GV_VOTE_BALLOT &&
               t == (mod == GV_VOTE_BALLOT ? GV_T_U32 : GV_T_PRED);
    case GV_MODS_PRMT:
        return mod <= GV_PRMT_RC16;
    case GV_MODS_SHF:
        return (mod & ~(GV_SHF_R | GV_SHF_WRAP)) == 0;
    case GV_MODS_BAR:
        return mod == 0 || mod == GV_BAR_COUNT ||
               mod == (GV_BAR_COUNT | GV_BAR_ARRIVE);
    case GV_MODS_BRA:
        /* a reconvergence point only where lanes can diverge */
        return mod == 0 || (mod == GV_BRA_JOIN && (x->guard & GV_G_ON));
    default:
        return true;
    }
}

enum gv_isa_form gv_isa_form_check(const struct gv_insn *x)
{
    if (x->op >= GV_I__COUNT) {
        return GV_FORM_OPCODE;
    }
    if (!gv_isa_type_ok(x->op, x->type)) {
        return GV_FORM_TYPE;
    }
    if ((x->guard & ~(GV_G_ON | GV_G_NEG)) ||
        ((x->guard & GV_G_NEG) && !(x->guard & GV_G_ON))) {
        return GV_FORM_GUARD;
    }
    if (!mod_ok(x, rules[x->op].mods)) {
        return GV_FORM_MOD;
    }
    if (x->op == GV_I_CVT) {
        unsigned st = x->e & 0xff, rnd = (x->e >> 8) & 0xf;

        if ((x->e >> 12) || rnd > GV_RND_RPI || st == GV_T_NONE ||
            st == GV_T_PRED || st >= GV_T__COUNT) {
            return GV_FORM_CVT;
        }
    }
    return GV_FORM_OK;
}

const char *gv_isa_form_name(enum gv_isa_form f)
{
    static const char *const names[] = {
        [GV_FORM_OK] = "ok",
        [GV_FORM_OPCODE] = "opcode",
        [GV_FORM_TYPE] = "type",
        [GV_FORM_GUARD] = "guard",
        [GV_FORM_MOD] = "modifier",
        [GV_FORM_CVT] = "conversion (source type or rounding)",
    };

    return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}
