/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the GVX instruction rules, one table for both sides.
 * Per opcode: the role of each operand field, the types it allows and the
 * form of its modifier.  The translator's checker (ptx/gv_isa.c,
 * gv_isa_check) and the device's module decoder (hw/core/gv_module.c)
 * both validate instructions with these functions, so they cannot
 * disagree about an instruction; the table lives in
 * hw/core/gv_isa_rules.c, which the device core and the PTX library
 * both compile (the core does not depend on the translator).
 * docs/isa.md lists the rules in words.
 */
#ifndef GRAVITON_GV_ISA_RULES_H
#define GRAVITON_GV_ISA_RULES_H

#include <stdbool.h>

#include "graviton/gv_isa.h"

/* What an operand field (d a b c e) of an instruction is. */
enum gv_isa_role {
    GV_ROLE_NO = 0, /* unused (ignored) */
    GV_ROLE_DST,    /* a register, written */
    GV_ROLE_DSTN,   /* a register written, or GV_ISA_NONE (no result) */
    GV_ROLE_SRC,    /* a register or a constant, read */
    GV_ROLE_SRCN,   /* a register, a constant or GV_ISA_NONE */
    GV_ROLE_IMM,    /* an immediate (offset, source type, target) */
    GV_ROLE_BARID,  /* a constant 0..15 (a barrier id) */
};

/* Why an instruction's form is invalid (GV_FORM_OK: it is valid). */
enum gv_isa_form {
    GV_FORM_OK = 0,
    GV_FORM_OPCODE, /* no such opcode */
    GV_FORM_TYPE,   /* a type the opcode does not allow */
    GV_FORM_GUARD,  /* guard bits other than ON, or NEG without ON */
    GV_FORM_MOD,    /* a modifier the opcode (and type) does not allow */
    GV_FORM_CVT,    /* CVT: bad source type or rounding in e */
};

#define GV_ISA_NFIELDS 5 /* d a b c e */

/* The forms an opcode's modifier (gv_insn.mod) may take. */
enum gv_isa_modform {
    GV_MODS_ZERO = 0, /* 0 */
    GV_MODS_ARITH,    /* GV_M_SAT | GV_M_FTZ */
    GV_MODS_FARITH,   /* the same, and GV_M_RND (RN..RP) on f32/f64 */
    GV_MODS_SETP,     /* GV_CMP_* (unordered, NUM, NAN: floats), FTZ: f32 */
    GV_MODS_TESTP,    /* GV_TESTP_* */
    GV_MODS_MEM,      /* GV_SPACE_* (ST: not PARAM) */
    GV_MODS_ATOM,     /* space (not LOCAL, PARAM) | GV_ATOM_* << 4 */
    GV_MODS_SREG,     /* GV_SR_* */
    GV_MODS_SHFL,     /* GV_SHFL_* */
    GV_MODS_VOTE,     /* GV_VOTE_* (ALL ANY UNI: type pred; BALLOT: u32) */
    GV_MODS_PRMT,     /* GV_PRMT_* */
    GV_MODS_SHF,      /* GV_SHF_R | GV_SHF_WRAP */
    GV_MODS_BAR,      /* 0, GV_BAR_COUNT, GV_BAR_COUNT | GV_BAR_ARRIVE */
    GV_MODS_BRA,      /* 0, or GV_BRA_JOIN on a guarded BRA */
    GV_MODS_ANY,      /* ignored */
};

/* The type bit of @t in a type set; GV_ISA_TANY: the type is ignored. */
#define GV_ISA_TBIT(t) (1u << (t))
#define GV_ISA_TANY 0xffffffffu

/* One opcode's rule. */
struct gv_isa_rule {
    uint8_t role[GV_ISA_NFIELDS]; /* enum gv_isa_role, d a b c e; the
                                           conditional fields (ATOM's c,
                                           BAR's b, BRA's d a) are
                                           GV_ROLE_NO here */
    uint8_t mods;                 /* enum gv_isa_modform */
    uint32_t types;               /* GV_ISA_TBIT set or GV_ISA_TANY */
};

/* The rule of opcode @op, or NULL if there is no such opcode. */
const struct gv_isa_rule *gv_isa_rule(unsigned op);
/* Is @type one of the types of opcode @op? */
bool gv_isa_type_ok(unsigned op, unsigned type);
/* The roles of @x's operand fields, d a b c e, for its opcode and
 * modifier (ATOM's c only for CAS, BAR's b only with GV_BAR_COUNT, BRA's
 * d and a, the reconvergence point, only with GV_BRA_JOIN).
 * An unknown opcode uses no field. */
void gv_isa_roles(const struct gv_insn *x, uint8_t role[GV_ISA_NFIELDS]);
/* Is the form of @x (opcode, type, guard bits, modifier, CVT's source
 * type and rounding) valid?  Operands are checked against the function
 * by the caller, with gv_isa_roles(). */
enum gv_isa_form gv_isa_form_check(const struct gv_insn *x);
/* Does @x (a BRA with GV_BRA_JOIN) have a reconvergence point?  Then
 * it (d | a << 16, module-absolute) is in @pc. */
bool gv_isa_join(const struct gv_insn *x, uint32_t *pc);
/* A short name of @f ("type", "modifier", ...). */
const char *gv_isa_form_name(enum gv_isa_form f);

#endif /* GRAVITON_GV_ISA_RULES_H */
