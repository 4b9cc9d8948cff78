/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compute engine.  The LAUNCH command,
 * module validation and decoding (with a small cache, so a module is
 * decoded once however often it is launched, and held by the launches
 * that use it), and the state of an SM's slot (gv_sm_prepare).
 *
 * Launches of different channels run at the same time, sharing the SMs
 * (gv_sched.c: the worker threads and their scheduling).  The command
 * processor holds the bootstrap rings while any launch runs, so no page
 * table changes under a running kernel, and each launching channel's
 * ring until its launch ends (gv_channel.c).  Completion: the last SM
 * out of a launch calls the host's engine_done() (any thread); the host
 * then calls gv_dev_engine_poll() on its main thread, which writes the
 * fence, raises the interrupts and resumes the rings.  A host without
 * engine_done (tests, benchmarks) gets launches that complete before the
 * PUT write that submitted them returns.
 */
#include "gv_simt.h"
#include "gv_devtime.h"

#include "gv_bounds.h"

#include <stdio.h>
#include <stdlib.h>

/* What one block may need, so that a guest cannot make the host allocate
 * (and zero) unbounded memory: 16 MiB of registers and 16 MiB of local
 * memory (gv_sched.c bounds what an SM holds for all its blocks). */
#define GV_REGFILE_MAX (16u << 20)      /* bytes of registers per block */
#define GV_LOCALMEM_MAX (16u << 20)     /* bytes of local memory per block */

/* ---- module validation and decoding ---- */

enum { U_D = 1, U_A = 2, U_B = 4, U_C = 8, U_E = 16 };

static unsigned op_uses(unsigned op)
{
    switch (op) {
    case GV_I_NOP: case GV_I_EXIT: case GV_I_TRAP: case GV_I_BRA:
        return 0;
    case GV_I_MOV: case GV_I_ABS: case GV_I_NEG: case GV_I_NOT:
    case GV_I_CNOT: case GV_I_POPC: case GV_I_CLZ: case GV_I_BREV:
    case GV_I_RCP: case GV_I_SQRT: case GV_I_RSQRT: case GV_I_SIN:
    case GV_I_COS: case GV_I_EX2: case GV_I_LG2: case GV_I_TANH:
    case GV_I_TESTP: case GV_I_CVT: case GV_I_LD: case GV_I_MADDR:
    case GV_I_VOTE:
        return U_D | U_A;
    case GV_I_MAD: case GV_I_MADHI: case GV_I_MADWIDE: case GV_I_FMA:
    case GV_I_SELP: case GV_I_PRMT: case GV_I_SHF: case GV_I_BFE:
    case GV_I_FNS:
        return U_D | U_A | U_B | U_C;
    case GV_I_BFI:
        return U_D | U_A | U_B | U_C | U_E;
    case GV_I_ST:
        return U_A | U_B;
    case GV_I_ATOM:
        return U_D | U_A | U_B | U_C;
    case GV_I_BAR:
        return U_A;
    case GV_I_S2R:
        return U_D;
    case GV_I_SHFL:
        return U_D | U_A | U_B | U_C;
    default:    /* two-operand ALU */
        return U_D | U_A | U_B;
    }
}

/* The fields @x uses: its opcode's, and the optional ones it has. */
static unsigned insn_uses(const struct gv_insn *x)
{
    unsigned uses = x->op < GV_I__COUNT ? op_uses(x->op) : 0;

    /* SHFL and VOTE: e is an optional member mask */
    if (x->op == GV_I_SHFL || x->op == GV_I_VOTE) {
        uses |= x->e != GV_ISA_NONE ? U_E : 0;
    }
    /* BAR: b is the thread count with GV_BAR_COUNT */
    if (x->op == GV_I_BAR && (x->mod & GV_BAR_COUNT)) {
        uses |= U_B;
    }
    /* ATOM: c only for CAS, d optional */
    if (x->op == GV_I_ATOM && (x->mod >> 4) != GV_ATOM_CAS) {
        uses &= ~U_C;
    }
    return uses;
}

static bool is_int(unsigned t)
{
    return t >= GV_T_U8 && t <= GV_T_S64;
}

static bool is_flt(unsigned t)
{
    return t == GV_T_F32 || t == GV_T_F64;
}

/* Is @x a valid (op, type, mod) combination?  NULL if so, else why. */
static const char *check_form(const struct gv_insn *x)
{
    unsigned op = x->op, t = x->type, mod = x->mod;

    switch (op) {
    case GV_I_NOP: case GV_I_EXIT: case GV_I_TRAP: case GV_I_BRA:
    case GV_I_MADDR:
        return NULL;
    case GV_I_BAR:
        return mod == 0 || mod == GV_BAR_COUNT ||
               mod == (GV_BAR_COUNT | GV_BAR_ARRIVE) ? NULL : "barrier form";
    case GV_I_MOV: case GV_I_SELP:
        return t >= GV_T_U8 && t < GV_T__COUNT ? NULL : "type";
    case GV_I_ADD: case GV_I_SUB: case GV_I_MUL: case GV_I_MIN:
    case GV_I_MAX: case GV_I_DIV: case GV_I_ABS: case GV_I_NEG:
    case GV_I_MAD:
        return is_int(t) || is_flt(t) ? NULL : "type";
    case GV_I_MULHI: case GV_I_MADHI: case GV_I_REM: case GV_I_BREV:
    case GV_I_POPC: case GV_I_CLZ: case GV_I_BFE: case GV_I_BFI:
        return is_int(t) ? NULL : "type";
    case GV_I_MULWIDE: case GV_I_MADWIDE:
        return is_int(t) && t <= GV_T_S32 ? NULL : "type";
    case GV_I_AND: case GV_I_OR: case GV_I_XOR: case GV_I_NOT:
    case GV_I_CNOT: case GV_I_SHL: case GV_I_SHR:
        return is_int(t) || t == GV_T_PRED ? NULL : "type";
    case GV_I_PRMT:
        return t == GV_T_U32 && mod <= GV_PRMT_RC16 ? NULL : "form";
    case GV_I_SHF:
        return t == GV_T_U32 && mod <= 3 ? NULL : "form";
    case GV_I_FNS:
        return t == GV_T_U32 && mod == 0 ? NULL : "form";
    case GV_I_FMA: case GV_I_RCP: case GV_I_SQRT: case GV_I_RSQRT:
    case GV_I_SIN: case GV_I_COS: case GV_I_EX2: case GV_I_LG2:
    case GV_I_TANH: case GV_I_COPYSIGN:
        return is_flt(t) ? NULL : "type";
    case GV_I_TESTP:
        return is_flt(t) && mod <= GV_TESTP_SUBNORMAL ? NULL : "form";
    case GV_I_SETP:
        if ((mod & 0x1f) >= GV_CMP__COUNT) {
            return "comparison";
        }
        if (is_flt(t)) {
            return NULL;
        }
        return (is_int(t) || t == GV_T_PRED) && (mod & 0x1f) <= GV_CMP_GE
                   ? NULL : "comparison";
    case GV_I_CVT: {
        unsigned st = x->e & 0xff, rnd = (x->e >> 8) & 0xf;

        if (t < GV_T_U8 || t >= GV_T__COUNT || t == GV_T_PRED ||
            st < GV_T_U8 || st >= GV_T__COUNT || st == GV_T_PRED ||
            rnd > GV_RND_RPI || (x->e >> 12)) {
            return "conversion";
        }
        return NULL;
    }
    case GV_I_LD: case GV_I_ST:
        if (t < GV_T_U8 || t >= GV_T__COUNT || t == GV_T_PRED ||
            (mod & 0xf) > GV_SPACE_GENERIC || (mod >> 4)) {
            return "space or type";
        }
        return op == GV_I_ST && (mod & 0xf) == GV_SPACE_PARAM
                   ? "store to the parameter space" : NULL;
    case GV_I_ATOM: {
        unsigned sp = mod & 0xf, aop = mod >> 4;

        if ((t < GV_T_U32 || t > GV_T_F64) || sp == GV_SPACE_PARAM ||
            sp == GV_SPACE_LOCAL || sp > GV_SPACE_GENERIC ||
            aop > GV_ATOM_CAS) {
            return "atomic form";
        }
        if (is_flt(t) && aop != GV_ATOM_ADD && aop != GV_ATOM_MIN &&
            aop != GV_ATOM_MAX && aop != GV_ATOM_EXCH && aop != GV_ATOM_CAS) {
            return "atomic form";
        }
        return NULL;
    }
    case GV_I_S2R:
        return mod < GV_SR__COUNT ? NULL : "special register";
    case GV_I_SHFL:
        return mod <= GV_SHFL_IDX ? NULL : "shuffle mode";
    case GV_I_VOTE:
        return mod <= GV_VOTE_BALLOT ? NULL : "vote mode";
    default:
        return "opcode";
    }
}

static unsigned pick_kind(const struct gv_insn *x)
{
    unsigned t = x->type, mod = x->mod, st = x->e & 0xff;
    bool w32 = t == GV_T_U32 || t == GV_T_S32, w64 = t == GV_T_U64 ||
               t == GV_T_S64;

    switch (x->op) {
    case GV_I_NOP: return GV_K_NOP;
    case GV_I_MOV:
        return w32 || t == GV_T_F32 ? GV_K_MOV32
               : w64 || t == GV_T_F64 ? GV_K_MOV64 : GV_K_GENERIC;
    case GV_I_ADD:
        return mod ? GV_K_GENERIC : w32 ? GV_K_ADD32 : w64 ? GV_K_ADD64
               : t == GV_T_F32 ? GV_K_ADDF : t == GV_T_F64 ? GV_K_ADDD
               : GV_K_GENERIC;
    case GV_I_SUB:
        return mod ? GV_K_GENERIC : w32 ? GV_K_SUB32 : w64 ? GV_K_SUB64
               : t == GV_T_F32 ? GV_K_SUBF : t == GV_T_F64 ? GV_K_SUBD
               : GV_K_GENERIC;
    case GV_I_MUL:
        return mod ? GV_K_GENERIC : w32 ? GV_K_MUL32 : w64 ? GV_K_MUL64
               : t == GV_T_F32 ? GV_K_MULF : t == GV_T_F64 ? GV_K_MULD
               : GV_K_GENERIC;
    case GV_I_MAD:
    case GV_I_FMA:
        return mod ? GV_K_GENERIC : w32 ? GV_K_MAD32
               : t == GV_T_F32 ? GV_K_FMAF : t == GV_T_F64 ? GV_K_FMAD
               : GV_K_GENERIC;
    case GV_I_DIV:
        return !mod && t == GV_T_F32 ? GV_K_DIVF : GV_K_GENERIC;
    case GV_I_ABS: case GV_I_NEG: case GV_I_MIN: case GV_I_MAX:
    case GV_I_SQRT: case GV_I_RCP: case GV_I_RSQRT: case GV_I_EX2:
    case GV_I_LG2: {
        static const uint16_t f32k[GV_I__COUNT] = {
            [GV_I_ABS] = GV_K_ABSF, [GV_I_NEG] = GV_K_NEGF,
            [GV_I_MIN] = GV_K_MINF, [GV_I_MAX] = GV_K_MAXF,
            [GV_I_SQRT] = GV_K_SQRTF, [GV_I_RCP] = GV_K_RCPF,
            [GV_I_RSQRT] = GV_K_RSQRTF, [GV_I_EX2] = GV_K_EX2F,
            [GV_I_LG2] = GV_K_LG2F,
        };

        return !mod && t == GV_T_F32 ? f32k[x->op] : GV_K_GENERIC;
    }
    case GV_I_MULWIDE:
        return t == GV_T_S32 ? GV_K_MULWIDE_S32
               : t == GV_T_U32 ? GV_K_MULWIDE_U32 : GV_K_GENERIC;
    case GV_I_MADWIDE:
        return t == GV_T_S32 ? GV_K_MADWIDE_S32
               : t == GV_T_U32 ? GV_K_MADWIDE_U32 : GV_K_GENERIC;
    case GV_I_BFE:
        return t == GV_T_U32 ? GV_K_BFE_U32 : GV_K_GENERIC;
    case GV_I_AND:
        return w32 ? GV_K_AND32 : w64 ? GV_K_AND64 : GV_K_GENERIC;
    case GV_I_OR:
        return w32 ? GV_K_OR32 : w64 ? GV_K_OR64 : GV_K_GENERIC;
    case GV_I_XOR:
        return w32 ? GV_K_XOR32 : w64 ? GV_K_XOR64 : GV_K_GENERIC;
    case GV_I_SHL:
        return w32 ? GV_K_SHL32 : w64 ? GV_K_SHL64 : GV_K_GENERIC;
    case GV_I_SHR:
        return t == GV_T_U32 ? GV_K_SHR_U32 : t == GV_T_S32 ? GV_K_SHR_S32
               : t == GV_T_U64 ? GV_K_SHR_U64 : t == GV_T_S64 ? GV_K_SHR_S64
               : GV_K_GENERIC;
    case GV_I_SETP: {
        unsigned cmp = mod & 0x1f;

        if (cmp > GV_CMP_GE) {
            return GV_K_GENERIC;
        }
        return t == GV_T_S32 ? GV_K_SETP_S32 : t == GV_T_U32 ? GV_K_SETP_U32
               : t == GV_T_S64 ? GV_K_SETP_S64
               : t == GV_T_U64 ? GV_K_SETP_U64
               /* C's != is true for NaN; PTX's ordered ne is not;
                * .ftz flushes subnormal operands (the generic path) */
               : t == GV_T_F32 && cmp != GV_CMP_NE && !(mod & GV_M_FTZ)
               ? GV_K_SETP_F32 : GV_K_GENERIC;
    }
    case GV_I_SELP:
        return w32 || t == GV_T_F32 ? GV_K_SELP32
               : w64 || t == GV_T_F64 ? GV_K_SELP64 : GV_K_GENERIC;
    case GV_I_CVT:
        if (mod) {
            return GV_K_GENERIC;
        }
        if ((t == GV_T_U64 || t == GV_T_S64) && st == GV_T_U32) {
            return GV_K_CVT_U64_U32;
        }
        if ((t == GV_T_U64 || t == GV_T_S64) && st == GV_T_S32) {
            return GV_K_CVT_S64_S32;
        }
        if (w32 && (st == GV_T_U64 || st == GV_T_S64)) {
            return GV_K_CVT_U32_U64;
        }
        return GV_K_GENERIC;
    case GV_I_LD:
    case GV_I_ST: {
        bool ld = x->op == GV_I_LD, b32 = t == GV_T_U32 || t == GV_T_S32 ||
                  t == GV_T_F32, b64 = t == GV_T_U64 || t == GV_T_S64 ||
                  t == GV_T_F64;

        /* 32-bit loads may zero-extend: s32 must sign-extend */
        if (ld && t == GV_T_S32) {
            b32 = false;
        }
        if ((mod & 0xf) == GV_SPACE_SHARED) {
            return ld ? (b32 ? GV_K_LDS32 : b64 ? GV_K_LDS64
                         : t == GV_T_U8 ? GV_K_LDS8 : GV_K_LD)
                      : (b32 ? GV_K_STS32 : GV_K_ST);
        }
        if ((mod & 0xf) == GV_SPACE_GLOBAL) {
            return ld ? (b32 ? GV_K_LDG32 : b64 ? GV_K_LDG64 : GV_K_LD)
                      : (b32 ? GV_K_STG32 : b64 ? GV_K_STG64 : GV_K_ST);
        }
        /* a parameter at a constant address: the same for every lane */
        if (ld && (mod & 0xf) == GV_SPACE_PARAM &&
            x->a >= GV_ISA_CONST_BASE && x->a != GV_ISA_NONE) {
            return GV_K_LDP_UNI;
        }
        return ld ? GV_K_LD : GV_K_ST;
    }
    case GV_I_ATOM: return GV_K_ATOM;
    case GV_I_BRA: return GV_K_BRA;
    case GV_I_EXIT: return GV_K_EXIT;
    case GV_I_BAR: return GV_K_BAR;
    case GV_I_S2R: return GV_K_S2R;
    case GV_I_MADDR: return GV_K_MADDR;
    case GV_I_SHFL: return GV_K_SHFL;
    case GV_I_VOTE: return GV_K_VOTE;
    case GV_I_TRAP: return GV_K_TRAP;
    default: return GV_K_GENERIC;
    }
}

static void kmodule_free(struct gv_kmodule *km)
{
    if (!km) {
        return;
    }
    for (uint32_t i = 0; i < km->nfuncs; i++) {
        free(km->funcs[i].code);
        free(km->funcs[i].consts);
    }
    free(km->funcs);
    free(km->raw);
    free(km);
}

/* A module section: @count elements of @elem bytes at @off, inside the
 * image (count < 2^32 and elem < 2^16: the product cannot wrap). */
static bool sect_ok(uint32_t off, uint64_t count, uint64_t elem,
                    uint32_t total)
{
    return off % 8 == 0 && gv_range_ok(off, count * elem, total);
}

#define BAD(...) \
    do { snprintf(why, why_len, __VA_ARGS__); goto fail; } while (0)

/* Validate and decode one function.  @cmap: scratch of 2 (nconsts + 1)
 * entries, the first half all UINT32_MAX on entry and on a successful
 * return (constant -> slot map; then the list of constants used), so the
 * work is bounded by the function's size, not the pool's. */
static int decode_func(const struct gv_isa_module *h, const uint8_t *img,
                       const struct gv_isa_func *fn, uint32_t fi,
                       struct gv_kfunc *kf, uint32_t *cmap, char *why,
                       size_t why_len)
{
    const struct gv_insn *ins = (const void *)(img + h->insns_off);
    const uint64_t *pool = (const void *)(img + h->consts_off);
    uint32_t nconst = 0;

    if (!(fn->flags & GV_FUNC_ENTRY) || fn->insn_count == 0 ||
        !gv_range_ok(fn->insn_start, fn->insn_count, h->ninsns) ||
        fn->nregs > GV_ISA_MAX_REGS || fn->param_size > GV_ISA_MAX_PARAM ||
        fn->shared_size > GV_ISA_MAX_SHARED || fn->shared_size % 16 ||
        fn->local_size > GV_ISA_MAX_LOCAL ||
        !gv_range_ok(fn->param_start, fn->nparams, h->nparams)) {
        BAD("function %u: bad header", fi);
    }
    kf->code = calloc(fn->insn_count, sizeof(*kf->code));
    if (!kf->code) {
        BAD("out of memory");
    }
    kf->ncode = fn->insn_count;
    kf->nregs = fn->nregs;
    kf->param_size = fn->param_size;
    kf->shared_size = fn->shared_size;
    kf->local_size = fn->local_size;
    memcpy(kf->reqntid, fn->reqntid, sizeof(kf->reqntid));
    uint32_t *used = cmap + h->nconsts + 1;

    /* First pass: operands, collecting the constants this function uses. */
    for (uint32_t n = 0; n < fn->insn_count; n++) {
        const struct gv_insn *x = &ins[fn->insn_start + n];
        struct gv_dinsn *di = &kf->code[n];
        unsigned uses = insn_uses(x);
        const char *bad = x->op < GV_I__COUNT ? check_form(x) : "opcode";
        const uint16_t f[5] = { x->d, x->a, x->b, x->c, x->e };
        uint32_t *out[5] = { &di->d, &di->a, &di->b, &di->c, &di->e };

        if (bad) {
            BAD("function %u instruction %u: bad %s", fi, n, bad);
        }
        if (x->guard & ~(GV_G_ON | GV_G_NEG)) {
            BAD("function %u instruction %u: bad guard", fi, n);
        }
        for (unsigned k = 0; k < 5; k++) {
            uint16_t v = f[k];
            bool dest = k == 0;

            *out[k] = 0;
            if (!(uses & (1u << k)) || (dest && x->op == GV_I_ATOM &&
                                        v == GV_ISA_NONE)) {
                if (dest) {
                    *out[k] = UINT32_MAX;       /* the sink, fixed below */
                }
                continue;
            }
            if (v < GV_ISA_CONST_BASE) {
                if (v >= fn->nregs) {
                    BAD("function %u instruction %u: register %u out of "
                        "range", fi, n, v);
                }
                *out[k] = v;
            } else if (dest || v == GV_ISA_NONE ||
                       v - GV_ISA_CONST_BASE >= h->nconsts) {
                BAD("function %u instruction %u: bad operand %u", fi, n, k);
            } else {
                uint32_t ci = v - GV_ISA_CONST_BASE;

                if (cmap[ci] == UINT32_MAX) {
                    used[nconst] = ci;
                    cmap[ci] = nconst++;
                }
                *out[k] = fn->nregs + cmap[ci];
            }
        }
        if (x->guard & GV_G_ON) {
            if (x->gpred >= fn->nregs) {
                BAD("function %u instruction %u: bad guard register", fi, n);
            }
            di->g = x->gpred;
        }
        if (x->op == GV_I_BRA) {
            uint32_t tgt = (uint32_t)x->b | (uint32_t)x->c << 16;

            if (tgt < fn->insn_start ||
                !gv_range_ok(tgt - fn->insn_start, 1, fn->insn_count)) {
                BAD("function %u instruction %u: branch out of the function",
                    fi, n);
            }
            di->imm = (int32_t)(tgt - fn->insn_start);
        } else if (x->op == GV_I_LD || x->op == GV_I_ST ||
                   x->op == GV_I_ATOM) {
            di->imm = (int16_t)x->e;
            di->e = 0;
        } else if (x->op == GV_I_CVT) {
            di->stype = x->e & 0xff;
            di->rnd = (x->e >> 8) & 0xf;
            di->e = 0;
        } else if (x->op == GV_I_BAR && x->a < GV_ISA_CONST_BASE) {
            BAD("function %u instruction %u: barrier id must be a constant",
                fi, n);
        }
        di->op = x->op;
        di->type = x->type;
        di->mod = x->mod;
        di->guard = x->guard;
        di->k = (uint16_t)pick_kind(x);
    }
    /* Slots: registers, constants, the sink. */
    kf->nslots = fn->nregs + nconst + 1;
    kf->consts = calloc(nconst + 1, sizeof(uint64_t));
    if (!kf->consts) {
        BAD("out of memory");
    }
    for (uint32_t j = 0; j < nconst; j++) {
        kf->consts[j] = pool[used[j]];
        cmap[used[j]] = UINT32_MAX;
    }
    for (uint32_t n = 0; n < kf->ncode; n++) {
        struct gv_dinsn *di = &kf->code[n];

        if (di->d == UINT32_MAX) {
            di->d = kf->nslots - 1;
        }
        di->g *= GV_WARP;
        di->d *= GV_WARP;
        di->a *= GV_WARP;
        di->b *= GV_WARP;
        di->c *= GV_WARP;
        di->e *= GV_WARP;
    }
    /* Falling off the end of the code is an exit. */
    if (kf->code[kf->ncode - 1].k != GV_K_BRA &&
        kf->code[kf->ncode - 1].k != GV_K_EXIT) {
        BAD("function %u: does not end with exit or branch", fi);
    }
    if (kf->code[kf->ncode - 1].guard) {
        BAD("function %u: last instruction is guarded", fi);
    }
    return 0;
fail:
    return -1;
}

static struct gv_kmodule *module_decode(const uint8_t *img, uint32_t size,
                                        char *why, size_t why_len)
{
    struct gv_isa_module h;
    struct gv_kmodule *km;
    uint32_t *cmap = NULL;

    if (size < sizeof(h)) {
        snprintf(why, why_len, "module smaller than its header");
        return NULL;
    }
    memcpy(&h, img, sizeof(h));
    if (h.magic != GV_ISA_MAGIC || h.version != GV_ISA_VERSION ||
        h.hdr_size != sizeof(h) || h.total_size != size) {
        snprintf(why, why_len, "bad module header");
        return NULL;
    }
    if (!sect_ok(h.funcs_off, h.nfuncs, sizeof(struct gv_isa_func), size) ||
        !sect_ok(h.params_off, h.nparams, sizeof(struct gv_isa_param), size) ||
        !sect_ok(h.insns_off, h.ninsns, sizeof(struct gv_insn), size) ||
        !sect_ok(h.consts_off, h.nconsts, 8, size) ||
        !sect_ok(h.strings_off, h.strings_size, 1, size) ||
        !sect_ok(h.data_off, h.data_size, 1, size) || h.data_off % 256 ||
        h.nconsts > GV_ISA_MAX_CONSTS) {
        snprintf(why, why_len, "bad module section table");
        return NULL;
    }
    km = calloc(1, sizeof(*km));
    /* a module may hold data and no kernel (PTX without .entry) */
    if (!km ||
        !(km->funcs = calloc((size_t)h.nfuncs + 1, sizeof(*km->funcs))) ||
        !(cmap = calloc(2 * (h.nconsts + 1), sizeof(*cmap))) ||
        !(km->raw = malloc(size))) {
        snprintf(why, why_len, "out of memory");
        free(cmap);
        kmodule_free(km);
        return NULL;
    }
    for (uint32_t k = 0; k <= h.nconsts; k++) {
        cmap[k] = UINT32_MAX;
    }
    memcpy(km->raw, img, size);
    km->size = size;
    km->data_off = h.data_off;
    for (uint32_t fi = 0, total = 0; fi < h.nfuncs; fi++) {
        struct gv_isa_func fn;

        memcpy(&fn, img + h.funcs_off + fi * sizeof(fn), sizeof(fn));
        /* Functions may not share instructions: decoding is then bounded
         * by the module's size, whatever the function table says. */
        if (fn.insn_count > h.ninsns - total) {
            snprintf(why, why_len, "functions' instructions overlap");
            free(cmap);
            kmodule_free(km);
            return NULL;
        }
        total += fn.insn_count;
        km->nfuncs = fi + 1;
        if (decode_func(&h, img, &fn, fi, &km->funcs[fi], cmap, why,
                        why_len) != 0) {
            free(cmap);
            kmodule_free(km);
            return NULL;
        }
    }
    free(cmap);
    return km;
}

/* Exported for tests: decode a module image; 0 or -1 with @why. */
int gv_compute_check_module(const uint8_t *img, uint32_t size, char *why,
                            size_t why_len)
{
    struct gv_kmodule *km = module_decode(img, size, why, why_len);

    kmodule_free(km);
    return km ? 0 : -1;
}

/* Give back a use of @km: freed if it left the cache meanwhile. */
static void module_put(struct gv_kmodule *km)
{
    if (--km->users == 0 && km->evicted) {
        kmodule_free(km);
    }
}

/* Put @km in the cache, evicting the oldest entry (freed now, or by its
 * last launch if a running launch still uses it). */
static void module_cache(struct gv_dev *dev, struct gv_kmodule *km)
{
    struct gv_kmodule **slot = &dev->modcache[dev->modcache_next];

    if (*slot && (*slot)->users) {
        (*slot)->evicted = true;
    } else {
        kmodule_free(*slot);
    }
    *slot = km;
    dev->modcache_next = (dev->modcache_next + 1) % GV_MODCACHE;
}

void gv_modcache_clear(struct gv_dev *dev)
{
    for (unsigned k = 0; k < GV_MODCACHE; k++) {
        struct gv_kmodule *km = dev->modcache[k];

        if (km && km->users) {
            km->evicted = true;
        } else {
            kmodule_free(km);
        }
        dev->modcache[k] = NULL;
    }
}

/* The decoded module at @va of @chid's context (cached by content). */
static struct gv_kmodule *module_get(struct gv_dev *dev, unsigned chid,
                                     uint64_t va, uint32_t size, int *err)
{
    unsigned ctx = dev->chan[chid].ctx;
    uint8_t *img = malloc(size);
    struct gv_kmodule *km;
    char why[160];

    if (!img) {
        *err = gv_refuse(dev, GV_RULE_LAUNCH_MODULE_NO_MEMORY, chid, va, size);
        return NULL;
    }
    /* refused by the MMU's rules (mmu.*) */
    *err = gv_vm_read(dev, chid, va, img, size);
    if (*err != GV_ERR_NONE) {
        free(img);
        gv_guest_error(dev, "graviton-gpu: LAUNCH: module at 0x%" PRIx64
                       " not readable by channel %u", va, chid);
        return NULL;
    }
    for (unsigned k = 0; k < GV_MODCACHE; k++) {
        km = dev->modcache[k];
        if (km && km->ctx == ctx && km->va == va && km->size == size &&
            memcmp(km->raw, img, size) == 0) {
            free(img);
            return km;
        }
    }
    km = module_decode(img, size, why, sizeof(why));
    free(img);
    if (!km) {
        *err = gv_refuse(dev, GV_RULE_LAUNCH_MODULE_INVALID, chid, va, size);
        gv_guest_error(dev, "graviton-gpu: LAUNCH: %s", why);
        return NULL;
    }
    km->ctx = ctx;
    km->va = va;
    module_cache(dev, km);
    return km;
}

/* ---- a slot of an SM ---- */

size_t gv_sm_need(const struct gv_launch *L)
{
    const struct gv_kfunc *f = L->f;

    return (size_t)f->nslots * GV_WARP * L->nwarps * 8 +
           (size_t)f->local_size * GV_WARP * L->nwarps + L->shared_total +
           L->nwarps * sizeof(struct gv_warp);
}

int gv_sm_prepare(struct gv_sm *sm, const struct gv_launch *L)
{
    const struct gv_kfunc *f = L->f;
    size_t regs = (size_t)f->nslots * GV_WARP * L->nwarps * 8;
    size_t local = (size_t)f->local_size * GV_WARP * L->nwarps;

    if (sm->nwarps_alloc < L->nwarps) {
        free(sm->warps);
        sm->warps = calloc(L->nwarps, sizeof(*sm->warps));
        sm->nwarps_alloc = sm->warps ? L->nwarps : 0;
    }
    if (sm->regs_size < regs) {
        free(sm->regs);
        sm->regs = malloc(regs);
        sm->regs_size = sm->regs ? regs : 0;
    }
    if (sm->local_size < local) {
        free(sm->local);
        sm->local = malloc(local);
        sm->local_size = sm->local ? local : 0;
    }
    if (sm->shared_size < L->shared_total) {
        free(sm->shared);
        sm->shared = malloc(L->shared_total);
        sm->shared_size = sm->shared ? L->shared_total : 0;
    }
    if (!sm->warps || (regs && !sm->regs) || (local && !sm->local) ||
        (L->shared_total && !sm->shared)) {
        return GV_ERR_NO_RESOURCES;
    }
    /* Nothing of an earlier launch (perhaps another context's) is
     * visible: registers, local and shared memory start at zero. */
    memset(sm->regs, 0, regs);
    if (local) {
        memset(sm->local, 0, local);
    }
    if (L->shared_total) {
        memset(sm->shared, 0, L->shared_total);
    }
    for (uint32_t w = 0; w < L->nwarps; w++) {
        uint64_t *R = sm->regs + (size_t)w * f->nslots * GV_WARP;

        for (uint32_t k = f->nregs; k < f->nslots; k++) {
            for (unsigned l = 0; l < GV_WARP; l++) {
                R[(size_t)k * GV_WARP + l] = f->consts[k - f->nregs];
            }
        }
    }
    memset(sm->tlb, 0, sizeof(sm->tlb));
    sm->check = 4096;
    sm->lane_insns = 0;
    return GV_ERR_NONE;
}


/* ---- LAUNCH ---- */

int gv_exec_launch(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                   uint32_t size)
{
    struct gv_cmd_launch c;
    struct gv_kmodule *km;
    const struct gv_kfunc *f;
    struct gv_launch *L;
    uint64_t nthreads, nblocks;
    int err = GV_ERR_NONE;

    if (size < sizeof(c)) {
        return gv_refuse(dev, GV_RULE_LAUNCH_SIZE, chid, size, sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.pad || (c.flags & ~GV_LAUNCH_FLAGS) ||
        c.param_size > GV_ISA_MAX_PARAM ||
        size != sizeof(c) + ((c.param_size + 7u) & ~7u)) {
        return gv_refuse(dev, GV_RULE_LAUNCH_FORMAT, chid, c.flags,
                         c.param_size);
    }
    if (c.fence_va % 8) {
        return gv_refuse(dev, GV_RULE_LAUNCH_FENCE_UNALIGNED, chid,
                         c.fence_va, 0);
    }
    if (!dev->eng) {
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_ENGINE, chid, 0, 0);
    }
    nthreads = (uint64_t)c.block[0] * c.block[1] * c.block[2];
    nblocks = (uint64_t)c.grid[0] * c.grid[1] * c.grid[2];
    if (c.module_va % 256 || c.module_size < sizeof(struct gv_isa_module) ||
        c.module_size > GV_ISA_MODULE_MAX || nthreads == 0 ||
        nthreads > GV_ISA_MAX_BLOCK || c.block[2] > 64 || nblocks == 0 ||
        c.grid[0] > INT32_MAX || c.grid[1] > 65535 || c.grid[2] > 65535) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: bad module address, "
                       "size or launch shape");
        return gv_refuse(dev, GV_RULE_LAUNCH_SHAPE, chid, c.module_va,
                         c.module_size);
    }
    km = module_get(dev, chid, c.module_va, c.module_size, &err);
    if (!km) {
        return err;
    }
    if (c.func >= km->nfuncs) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: no function %u", c.func);
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_FUNCTION, chid, c.func,
                         km->nfuncs);
    }
    f = &km->funcs[c.func];
    if (c.param_size != f->param_size ||
        (uint64_t)f->shared_size + c.shared_dyn > GV_ISA_MAX_SHARED ||
        (f->reqntid[0] && (f->reqntid[0] != c.block[0] ||
                           f->reqntid[1] != c.block[1] ||
                           f->reqntid[2] != c.block[2])) ||
        (uint64_t)f->nslots * 8 * GV_WARP * ((nthreads + 31) / 32) >
            GV_REGFILE_MAX ||
        (uint64_t)f->local_size * GV_WARP * ((nthreads + 31) / 32) >
            GV_LOCALMEM_MAX) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: parameters (%u bytes, "
                       "function wants %u), shared memory, block shape, "
                       "registers or local memory do not fit",
                       c.param_size, f->param_size);
        return gv_refuse(dev, GV_RULE_LAUNCH_FUNC_MISMATCH, chid,
                         c.param_size, f->param_size);
    }
    L = calloc(1, sizeof(*L));
    if (!L) {
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_MEMORY, chid, sizeof(*L), 0);
    }
    L->dev = dev;
    L->chid = chid;
    L->km = km;
    km->users++;
    L->f = f;
    L->module_va = c.module_va;
    L->data_va = c.module_va + km->data_off;
    memcpy(L->grid, c.grid, sizeof(L->grid));
    memcpy(L->block, c.block, sizeof(L->block));
    L->nthreads = (uint32_t)nthreads;
    L->nwarps = (uint32_t)((nthreads + GV_WARP - 1) / GV_WARP);
    L->shared_total = f->shared_size + c.shared_dyn;
    L->nblocks = nblocks;
    memcpy(L->params, cmd + sizeof(c), c.param_size);
    L->param_size = c.param_size;
    L->fence_va = c.fence_va;
    L->fence_value = c.fence_value;
    L->flags = c.flags;
    if (dev->cfg.launch_timeout_ms) {
        L->deadline_ns = gv_now_ns() +
                         (uint64_t)dev->cfg.launch_timeout_ms * 1000000ull;
    }
    atomic_init(&L->next_block, 0);
    atomic_init(&L->status, GV_ERR_NONE);
    atomic_init(&L->lane_insns, 0);
    L->pos = dev->cur_pos;
    gv_sched_submit(dev, L);
    dev->launch_started = true;
    return GV_ERR_NONE;
}

/* Count and trace the rule of a launch that stopped with @status: found
 * on a compute thread, attributed here, on the device's thread. */
static void launch_refused(struct gv_dev *dev, const struct gv_launch *L,
                           int status)
{
    unsigned rule;

    switch (status) {
    case GV_ERR_FAULT:
        rule = L->fault_rule;
        break;
    case GV_ERR_TIMEOUT:
        rule = GV_RULE_COMPUTE_WATCHDOG;
        break;
    default:                    /* gv_sm_prepare(): GV_ERR_NO_RESOURCES */
        rule = GV_RULE_COMPUTE_SM_NO_MEMORY;
        break;
    }
    gv_refuse(dev, rule, L->chid, L->fault_va, L->module_va);
}

void gv_launch_complete(struct gv_dev *dev, struct gv_launch *L)
{
    struct gv_chan *ch = &dev->chan[L->chid];
    int status = atomic_load(&L->status);

    dev->compute_lane_insns += atomic_load(&L->lane_insns);
    gv_devtime_launch(dev, atomic_load(&L->lane_insns));
    if (status != GV_ERR_NONE) {
        launch_refused(dev, L, status);
    } else if (L->fence_va) {
        status = gv_vm_write(dev, L->chid, L->fence_va, &L->fence_value, 8);
    }
    if (status != GV_ERR_NONE) {
        if (status == GV_ERR_FAULT) {
            gv_guest_error(dev, "graviton-gpu: channel %u: kernel faulted "
                           "(address 0x%" PRIx64 ")", L->chid, L->fault_va);
        }
        gv_group_failed(dev, L->chid, status, L->pos);
    } else if (L->flags & GV_LAUNCH_IRQ) {
        gv_irq_raise(dev, GV_INTR_LAUNCH);
    }
    /* The ring entry that held the LAUNCH is complete. */
    if (ch->ring_entries) {
        ch->get = (ch->get + 1) % ch->ring_entries;
    }
    if (ch->launch_entry_irq) {
        gv_irq_raise(dev, GV_INTR_CHANNEL);
    }
    ch->launch_wait = false;
}

void gv_launch_free(struct gv_dev *dev, struct gv_launch *L)
{
    (void)dev;
    module_put(L->km);
    free(L);
}

uint64_t gv_dev_compute_lane_insns(const struct gv_dev *dev)
{
    return dev->compute_lane_insns;
}
