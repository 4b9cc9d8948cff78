/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: GVX module validation and decoding for the
 * compute engine.  A module is checked against the instruction rules
 * that the translator's checker shares (graviton/gv_isa_rules.h) and
 * decoded into the engine's form (struct gv_kmodule: operands as slots,
 * constants after the registers, a kind per instruction for the
 * interpreter's fast paths).  A small cache decodes a module once however
 * often it is launched; the launches that use a module hold it
 * (gv_module_get / gv_module_put).  LAUNCH itself is gv_compute.c.
 */
#include "gv_simt.h"
#include "gv_jit.h"

#include "gv_bounds.h"
#include "graviton/gv_isa_rules.h"

#include <stdio.h>
#include <stdlib.h>

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
        return t == GV_T_U32 ? GV_K_BFE_U32
               : t == GV_T_S64 ? GV_K_BFE_S64 : GV_K_GENERIC;
    case GV_I_AND:
        return w32 ? GV_K_AND32 : w64 ? GV_K_AND64 : GV_K_GENERIC;
    case GV_I_OR:
        return w32 ? GV_K_OR32 : w64 ? GV_K_OR64 : GV_K_GENERIC;
    case GV_I_XOR:
        return w32 ? GV_K_XOR32 : w64 ? GV_K_XOR64 : GV_K_GENERIC;
    case GV_I_NOT:
        return w32 ? GV_K_NOT32 : w64 ? GV_K_NOT64 : GV_K_GENERIC;
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
    case GV_I_CALL: return GV_K_CALL;
    case GV_I_RET: return GV_K_RET;
    default: return GV_K_GENERIC;
    }
}

/* The kind of @x in a device without fast paths (gv_config.compute_plain):
 * every ALU instruction through the exact per-lane evaluator, every load
 * and store through the per-lane path (one translation and check per
 * lane), no fusion; control, barriers, warp ops, special registers and
 * calls as always (they have one form). */
static unsigned plain_kind(const struct gv_insn *x)
{
    switch (x->op) {
    case GV_I_NOP: return GV_K_NOP;
    case GV_I_LD: return GV_K_LD;
    case GV_I_ST: return GV_K_ST;
    case GV_I_ATOM: case GV_I_BRA: case GV_I_EXIT: case GV_I_BAR:
    case GV_I_S2R: case GV_I_MADDR: case GV_I_SHFL: case GV_I_VOTE:
    case GV_I_TRAP: case GV_I_CALL: case GV_I_RET:
        return pick_kind(x);
    default: return GV_K_GENERIC;
    }
}

static void kmodule_free(struct gv_kmodule *km)
{
    if (!km) {
        return;
    }
    for (uint32_t i = 0; i < km->nfuncs; i++) {
        gv_jit_free(&km->funcs[i]);
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

/* Decode the operand fields of @x into @di by their roles: registers
 * stay slots, constants get the next free slot after the registers
 * (@cmap / @used / @nconst, as decode_func), unused destinations are the
 * sink (UINT32_MAX until the slots are known).  0, or -1 with @why. */
static int decode_operands(const struct gv_isa_module *h,
                           const uint64_t *pool, const struct gv_isa_func *fn,
                           const struct gv_insn *x, struct gv_dinsn *di,
                           uint32_t *cmap, uint32_t *used, uint32_t *nconst,
                           char *why, size_t why_len)
{
    const uint16_t f[GV_ISA_NFIELDS] = { x->d, x->a, x->b, x->c, x->e };
    uint32_t *out[GV_ISA_NFIELDS] = { &di->d, &di->a, &di->b, &di->c,
                                      &di->e };
    uint8_t role[GV_ISA_NFIELDS];

    gv_isa_roles(x, role);
    for (unsigned k = 0; k < GV_ISA_NFIELDS; k++) {
        uint16_t v = f[k];
        unsigned r = role[k];
        bool dest = r == GV_ROLE_DST || r == GV_ROLE_DSTN;

        *out[k] = 0;
        if (r == GV_ROLE_NO || r == GV_ROLE_IMM ||
            (v == GV_ISA_NONE && (r == GV_ROLE_DSTN || r == GV_ROLE_SRCN))) {
            if (k == 0) {
                *out[k] = UINT32_MAX;           /* the sink, fixed later */
            }
            continue;
        }
        if (r == GV_ROLE_BARID &&
            (v < GV_ISA_CONST_BASE || v == GV_ISA_NONE ||
             v - GV_ISA_CONST_BASE >= h->nconsts ||
             pool[v - GV_ISA_CONST_BASE] > 15)) {
            snprintf(why, why_len, "barrier id must be a constant 0..15");
            return -1;
        }
        if (v < GV_ISA_CONST_BASE) {
            if (v >= fn->nregs) {
                snprintf(why, why_len, "register %u out of range", v);
                return -1;
            }
            *out[k] = v;
        } else if (dest || v == GV_ISA_NONE ||
                   v - GV_ISA_CONST_BASE >= h->nconsts) {
            snprintf(why, why_len, "bad operand %u", k);
            return -1;
        } else {
            uint32_t ci = v - GV_ISA_CONST_BASE;

            if (cmap[ci] == UINT32_MAX) {
                used[*nconst] = ci;
                cmap[ci] = (*nconst)++;
            }
            *out[k] = fn->nregs + cmap[ci];
        }
    }
    return 0;
}

/* Validate and decode one function.  @cmap: scratch of 2 (nconsts + 1)
 * entries, the first half all UINT32_MAX on entry and on a successful
 * return (constant -> slot map; then the list of constants used), so the
 * work is bounded by the function's size, not the pool's. */
static int decode_func(const struct gv_isa_module *h, const uint8_t *img,
                       const struct gv_isa_func *fn, uint32_t fi,
                       struct gv_kfunc *kf, uint32_t *cmap, bool plain,
                       bool jit, char *why, size_t why_len)
{
    const struct gv_insn *ins = (const void *)(img + h->insns_off);
    const uint64_t *pool = (const void *)(img + h->consts_off);
    uint32_t nconst = 0;
    char what[64];

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
        enum gv_isa_form form = gv_isa_form_check(x);

        if (form != GV_FORM_OK) {
            BAD("function %u instruction %u: bad %s", fi, n,
                gv_isa_form_name(form));
        }
        if ((x->guard & GV_G_ON) && x->gpred >= fn->nregs) {
            BAD("function %u instruction %u: bad guard register", fi, n);
        }
        if (decode_operands(h, pool, fn, x, di, cmap, used, &nconst, what,
                            sizeof(what)) != 0) {
            BAD("function %u instruction %u: %s", fi, n, what);
        }
        di->g = (x->guard & GV_G_ON) ? x->gpred : 0;
        if (x->op == GV_I_BRA || x->op == GV_I_CALL) {
            uint32_t tgt = (uint32_t)x->b | (uint32_t)x->c << 16;

            if (tgt < fn->insn_start ||
                !gv_range_ok(tgt - fn->insn_start, 1, fn->insn_count)) {
                BAD("function %u instruction %u: %s out of the function",
                    fi, n, x->op == GV_I_BRA ? "branch" : "call");
            }
            di->imm = (int32_t)(tgt - fn->insn_start);
            if (gv_isa_join(x, &tgt) &&
                (tgt < fn->insn_start ||
                 !gv_range_ok(tgt - fn->insn_start, 1, fn->insn_count))) {
                BAD("function %u instruction %u: reconvergence point out "
                    "of the function", fi, n);
            }
        } else if (x->op == GV_I_LD || x->op == GV_I_ST ||
                   x->op == GV_I_ATOM) {
            di->imm = (int16_t)x->e;
            di->e = 0;
        } else if (x->op == GV_I_CVT) {
            di->stype = x->e & 0xff;
            di->rnd = (x->e >> 8) & 0xf;
            di->e = 0;
        } else if ((x->op == GV_I_SHFL || x->op == GV_I_VOTE) &&
                   x->e != GV_ISA_NONE) {
            di->rnd = GV_D_MEMBER;      /* e: the member mask's slot */
        }
        di->op = x->op;
        di->type = x->type;
        di->mod = x->mod;
        di->guard = x->guard;
        di->k = (uint16_t)(plain ? plain_kind(x) : pick_kind(x));
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
    /* Reconvergence points: the branch knows its own, and the instruction
     * there is marked (run_warp checks the reconvergence stack only at
     * marked instructions). */
    for (uint32_t n = 0; n < kf->ncode; n++) {
        uint32_t j;

        if (gv_isa_join(&ins[fn->insn_start + n], &j)) {
            j -= fn->insn_start;
            kf->code[n].e = j;
            kf->code[n].rnd = GV_D_JOIN;
            kf->code[j].guard |= GV_G_JOIN;
        }
        /* a call's lanes meet at its return address (gv_simt_call.c) */
        if (ins[fn->insn_start + n].op == GV_I_CALL && n + 1 < kf->ncode) {
            kf->code[n + 1].guard |= GV_G_JOIN;
        }
    }
    /* Falling off the end of the code is an exit. */
    if (kf->code[kf->ncode - 1].k != GV_K_BRA &&
        kf->code[kf->ncode - 1].k != GV_K_EXIT &&
        kf->code[kf->ncode - 1].k != GV_K_TRAP &&
        kf->code[kf->ncode - 1].k != GV_K_RET) {
        BAD("function %u: does not end with exit, branch, trap or ret", fi);
    }
    if (kf->code[kf->ncode - 1].guard & (GV_G_ON | GV_G_NEG)) {
        BAD("function %u: last instruction is guarded", fi);
    }
    if (!plain) {
        gv_fuse_lookups(kf);
    }
    if (!plain && jit) {
        gv_jit_scan(kf);
    }
    return 0;
fail:
    return -1;
}

static struct gv_kmodule *module_decode(const uint8_t *img, uint32_t size,
                                        bool plain, bool jit, char *why,
                                        size_t why_len)
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
        if (decode_func(&h, img, &fn, fi, &km->funcs[fi], cmap, plain, jit,
                        why, why_len) != 0) {
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
    struct gv_kmodule *km = module_decode(img, size, false, false, why,
                                          why_len);

    kmodule_free(km);
    return km ? 0 : -1;
}

/* Give back a use of @km: freed if it left the cache meanwhile. */
void gv_module_put(struct gv_kmodule *km)
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
struct gv_kmodule *gv_module_get(struct gv_dev *dev, unsigned chid,
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
    km = module_decode(img, size, dev->compute_plain, dev->compute_jit, why,
                       sizeof(why));
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

