/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PTX translator's code generator, shared by its files: the state of
 * one translation (struct cg), symbols, opcode strings and the helpers
 * every instruction uses.  gv_ptx_int.h has the parsed module.
 */
#ifndef GV_PTX_CG_H
#define GV_PTX_CG_H

#include <stdbool.h>
#include <stdint.h>

#include "graviton/gv_isa.h"
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
    bool framed;                /* Y_LOCAL: off is from the stack pointer
                                   (in a function called for real) */
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

/* A function called for real by the entry being generated
 * (gv_ptx_rcall.c). */
struct rfunc {
    int fi;                     /* in the module */
    uint32_t pro;               /* its prologue: the CALL target */
    uint32_t size;              /* bytes of its frame */
    uint16_t ksize;             /* the constant holding size */
};

/* A CALL whose target is rfunc @rf's prologue, once generated. */
struct rpatch {
    uint32_t at;
    int rf;
};

/* The largest value transfer of a call for real, in 64-bit registers. */
#define GVP_XFER_MAX 64

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
    uint64_t local_size, shared_size, mod_shared_size, mod_local_size;
    struct extpatch *ext;
    size_t next, capext;
    struct fixup *fix;
    size_t nfix, capfix;
    const struct gvp_func *stack[32];
    int nstack;
    uint32_t cc;                /* the carry flag's slot + 1, 0: none yet */
    uint32_t bred[16];          /* bar.red's shared counters + 1, 0: none */
    /* calls for real (gv_ptx_rcall.c): the functions, the CALLs to
     * patch, the stack pointer, link and transfer registers, the
     * constant holding the entry's frame size; rcur: the rfunc being
     * generated + 1 (0: the entry) */
    struct rfunc *rf;
    size_t nrf, caprf;
    struct rpatch *rp;
    size_t nrp, caprp;
    uint16_t sp, lr, xfer[GVP_XFER_MAX], kentry;
    int nxfer;                  /* transfer registers the module needs */
    bool any_real;              /* some function is called for real */
    int rcur;

    /* the statement being translated */
    int line;
    const char *opc;
    uint8_t guard;
    uint16_t gpred;
};

#define FAIL(cg, ...) gvp_fail((cg)->p, (cg)->line, (cg)->opc, __VA_ARGS__)

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

struct maddr {
    uint16_t a;
    int64_t off;
    int space;
};

/* A special register: PTX name, GV_SR_*, GV_T_* of its value. */
struct gvp_sreg {
    const char *name;
    unsigned id;
    unsigned type;
};
#define GVP_NSREGS 26
extern const struct gvp_sreg gvp_sregs[GVP_NSREGS];

/* ---- gv_ptx_sym.c: symbols, constants and output, operands, opcode
 * strings, memory operands, labels, declarations ---- */

struct sym *gvp_sym_find(struct cg *cg, const char *name);
struct sym *gvp_sym_add(struct cg *cg, const char *name, int kind,
                        int line);
void gvp_sym_pop(struct cg *cg, int depth);
uint32_t gvp_new_slot(struct cg *cg);
int gvp_reg_lookup(struct cg *cg, const char *name);
uint16_t gvp_konst(struct cg *cg, uint64_t v);
/* A constant of its own (not shared), for a value patched later. */
uint16_t gvp_konst_fresh(struct cg *cg, uint64_t v);
uint32_t gvp_emit(struct cg *cg, unsigned op, unsigned type, unsigned mod,
                  uint16_t d, uint16_t a, uint16_t b, uint16_t c,
                  uint16_t e);
uint64_t gvp_align_up(uint64_t v, uint64_t a);
uint32_t gvp_decl_align(const struct gvp_decl *d);
unsigned gvp_gvt(struct cg *cg, int pt);
bool gvp_pt_float(int pt);
int gvp_sreg_of(const char *name);
uint16_t gvp_dst(struct cg *cg, const struct gvp_opd *o);
uint16_t gvp_src(struct cg *cg, const struct gvp_opd *o, int pt);
uint16_t gvp_psrc(struct cg *cg, const struct gvp_opd *o);
void gvp_opc_split(struct cg *cg, const char *s, struct opc *o);
bool gvp_take(struct opc *o, const char *name);
int gvp_take_one(struct opc *o, const char *const *names);
void gvp_take_harmless(struct opc *o);
void gvp_opc_done(struct cg *cg, struct opc *o);
int gvp_one_type(struct cg *cg, struct opc *o);
void gvp_nopd(struct cg *cg, const struct gvp_stmt *s, int n);
unsigned gvp_float_mods(struct cg *cg, struct opc *o, int pt,
                        bool approx_ok);
int gvp_space_mod(struct opc *o);
void gvp_mem_operand(struct cg *cg, const struct gvp_opd *o, int space,
                     struct maddr *ma);
void gvp_mem_ae(struct cg *cg, const struct maddr *ma, int64_t k,
                uint16_t *a, uint16_t *e);
void gvp_label_define(struct cg *cg, const char *name, int line);
void gvp_scope_close(struct cg *cg);
void gvp_branch_to(struct cg *cg, const char *label);
void gvp_fixups_resolve(struct cg *cg, int frame);
void gvp_declare_data(struct cg *cg, struct gvp_decl *d);
uint64_t gvp_local_alloc(struct cg *cg, uint64_t size, uint32_t align);
void gvp_declare_shared(struct cg *cg, struct gvp_decl *d, bool module);
void gvp_declare(struct cg *cg, const struct gvp_stmt *s);

/* ---- gv_ptx_insn.c: instructions ---- */

void gvp_translate_insn(struct cg *cg, const struct gvp_stmt *s,
                        const char *ret_label);

/* ---- gv_ptx_ops.c: integer and bit instructions lowered into others
 * (sad, bfind, fns, bmsk, szext, dp4a, dp2a, carry chains) ---- */

bool gvp_ops_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o);

/* ---- gv_ptx_half.c: half-precision arithmetic and conversions ---- */

bool gvp_half_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o);
/* An .f16 or .bf16 source operand widened to an f32. */
uint16_t gvp_half_to_f32(struct cg *cg, const struct gvp_opd *o, int pt);
/* Element @k (0: bits 15..0) of the .f16x2/.bf16x2 (@pt) value @v as an
 * f32. */
uint16_t gvp_half2_to_f32(struct cg *cg, uint16_t v, int pt, int k);
/* cvt.dt.st with a .bf16 or .f16x2/.bf16x2 type */
void gvp_half_cvt(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                  int dt, int st);
/* atom/red.add on the half types, atom.cas.b16 (GV_ATOM_* @k) */
void gvp_half_atom(struct cg *cg, const struct gvp_stmt *s, int k, int pt,
                   int space, bool red);

/* ---- gv_ptx_call.c: calls (inlined) ---- */

void gvp_do_call(struct cg *cg, const struct gvp_stmt *s, struct opc *o);

struct callsite {
    const struct gvp_opd *rets, *args, *fn;
};

/* An argument: a value (Y_REG: val) or a .param variable of the caller
 * (Y_LOCAL: off, framed). */
struct arg {
    int kind;
    uint64_t off;
    uint16_t val;
    bool framed;
};

/* Where a result goes: a register (Y_REG: reg) or a .param variable of
 * the caller (Y_LOCAL: off, framed); pt: its type. */
struct res {
    int kind;
    uint64_t off;
    uint16_t reg;
    int pt;
    bool framed;
};

#define GVP_MAX_ARGS 64
#define GVP_MAX_RETS 8

/* The number of arguments and results of @cs fit @f, which has a body. */
void gvp_call_check(struct cg *cg, const struct gvp_func *f,
                    const struct callsite *cs);
/* Evaluate the arguments and find the results' places, in the caller's
 * frame. */
void gvp_eval_args(struct cg *cg, const struct gvp_func *f,
                   const struct callsite *cs, struct arg *ab, struct res *rb);
/* Mark the functions whose address the module takes. */
void gvp_mark_addr_taken(struct gvp_module *m);
/* A load or store of local memory at @off (from the stack pointer when
 * @framed): LD into @v, or ST of @v. */
void gvp_local_ldst(struct cg *cg, unsigned op, unsigned t, uint16_t v,
                    uint64_t off, bool framed);

/* ---- gv_ptx_rcall.c: calls for real (functions that recurse) ---- */

/* Before the entries: which functions lie on a cycle of the call graph
 * (direct calls, and indirect calls to each function whose address is
 * taken), and the transfer registers they need. */
void gvp_rcall_analyse(struct cg *cg);
/* At an entry's start: the stack pointer, link and transfer registers if
 * the entry may call a function for real. */
void gvp_rcall_entry_start(struct cg *cg, const struct gvp_func *f);
/* Call @f (real) from the current frame. */
void gvp_rcall(struct cg *cg, const struct gvp_stmt *s, struct gvp_func *f,
               const struct callsite *cs);
/* After the entry's body: generate the functions it calls for real and
 * patch their frame sizes and targets; the entry's local size grows by
 * the stack (cg->local_size).  False if it calls none. */
bool gvp_rcall_entry_end(struct cg *cg);

/* ---- gv_ptx.c: function bodies, entries, the module image ---- */

void gvp_translate_body(struct cg *cg, const struct gvp_func *f,
                        const char *ret_label);

/* The address of the module's function number @i: a constant outside
 * every memory window (calls through it are resolved by comparison). */
#define GVP_FUNC_ADDR(i)        (0xfff0000000000000ull + 16 * (uint64_t)(i))

/* The index of the function @name in the module, or -1. */
int gvp_func_index(const struct gvp_module *m, const char *name);

/* ---- gv_ptx_compat.c: old PTX, instructions expanded into others ---- */

/* map_f64_to_f32: the instruction's .f64 types become .f32 */
void gvp_compat_types(struct cg *cg, struct opc *o);
/* The type an initialiser of a @pt variable is written in. */
int gvp_compat_data_type(struct cg *cg, int pt);
/* mul24, mad24, slct, isspacep: true when @o was one of them. */
bool gvp_compat_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o);
/* Module-scope .local and .reg declarations. */
void gvp_compat_module_var(struct cg *cg, struct gvp_decl *d);
/* At the start of an entry: module-scope locals and registers. */
void gvp_compat_entry_start(struct cg *cg);

#endif /* GV_PTX_CG_H */
