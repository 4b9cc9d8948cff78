/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the PTX translator, shared by the parser (gv_ptx_parse.c)
 * and the code generator (gv_ptx.c): the arena every allocation of one
 * translation comes from, the error exit, PTX types and the parsed module.
 */
#ifndef GV_PTX_INT_H
#define GV_PTX_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- one translation: arena and error exit ---- */

struct gvp_block;

struct gvp {
    jmp_buf fail;               /* gvp_fail() jumps here */
    char *err;
    size_t err_len;
    struct gvp_block *blocks;   /* the arena */
    const char *src, *end;      /* the PTX text */
    struct gvp_tok *toks;       /* tokens, then an end token */
    size_t ntoks;
};

void *gvp_alloc(struct gvp *p, size_t n);       /* zeroed; never NULL */
void gvp_free_all(struct gvp *p);               /* the whole arena */
char *gvp_strndup(struct gvp *p, const char *s, size_t n);
/* Grow an arena array of *cap elements of @esz bytes to hold @need. */
void *gvp_grow(struct gvp *p, void *arr, size_t *cap, size_t need,
               size_t esz);
/* "line N: <construct>: <why>", then back to gv_ptx_translate(). */
void gvp_fail(struct gvp *p, int line, const char *construct,
              const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* gv_ptx_join.c: give every conditional branch of one finished entry
 * (@n instructions at module index @start) its reconvergence point, the
 * immediate post-dominator of its block (BRA with GV_BRA_JOIN). */
struct gv_insn;
void gvp_joins(struct gv_insn *ins, uint32_t n, uint32_t start);

/* gv_ptx_regs.c: give the registers of one finished entry (@n
 * instructions at module index @start, @nregs registers) the fewest slots
 * their live ranges allow, renaming them in place; the new count. */
uint32_t gvp_regs_allocate(struct gv_insn *ins, uint32_t n, uint32_t start,
                           uint32_t nregs);
/* Turn every unguarded 64-bit move of a register onto itself (left by
 * the allocation's coalescing) into a NOP; true if there was one. */
bool gvp_regs_self_moves(struct gv_insn *ins, uint32_t n);

/* ---- PTX types ---- */

enum gvp_kind { K_NONE, K_B, K_U, K_S, K_F, K_PRED, K_HALF, K_OTHER };

enum gvp_ptype {
    PT_NONE = 0,
    PT_B8, PT_B16, PT_B32, PT_B64, PT_B128,
    PT_U8, PT_U16, PT_U32, PT_U64,
    PT_S8, PT_S16, PT_S32, PT_S64,
    PT_F16, PT_F16X2, PT_BF16, PT_BF16X2, PT_TF32,
    PT_F32, PT_F64, PT_PRED,
    PT__COUNT
};

struct gvp_typeinfo {
    const char *name;
    uint8_t size;               /* bytes (pred: 1) */
    uint8_t kind;               /* enum gvp_kind */
    uint8_t gv;                 /* GV_T_*, GV_T_NONE if none */
};
extern const struct gvp_typeinfo gvp_types[PT__COUNT];
/* The type named @s (without the dot), or PT_NONE. */
int gvp_type_by_name(const char *s);

/* ---- tokens ---- */

enum gvp_tk {
    TK_END = 0,
    TK_WORD,                    /* identifier, directive, opcode, register */
    TK_INT,                     /* integer literal */
    TK_FLT,                     /* floating-point literal */
    TK_STR,                     /* "string" */
    TK_PUNCT,                   /* one character */
};

enum gvp_fk { FK_DEC, FK_F32, FK_F64 };      /* 1.5, 0fXXXXXXXX, 0dX..X */

struct gvp_tok {
    uint8_t kind;               /* enum gvp_tk */
    uint8_t fk;                 /* TK_FLT: enum gvp_fk */
    char c;                     /* TK_PUNCT */
    int line;
    const char *s;              /* TK_WORD, TK_STR: NUL-terminated */
    uint64_t u;                 /* TK_INT value; TK_FLT bits (FK_F32/F64) */
    double d;                   /* TK_FLT, FK_DEC */
};

/* ---- parsed module ---- */

enum gvp_ok {
    OK_NAME,                    /* register, symbol, label (+ ival offset) */
    OK_INT,                     /* integer immediate (ival, two's complement) */
    OK_FLT,                     /* float immediate: fk, bits or dval */
    OK_MEM,                     /* [name + ival] or [ival] (name NULL) */
    OK_VEC,                     /* { elts } */
    OK_LIST,                    /* ( elts ): call return values, arguments */
    OK_PAIR,                    /* name | name2 */
    OK_SINK,                    /* _ */
};

struct gvp_opd {
    uint8_t kind;               /* enum gvp_ok */
    uint8_t fk;                 /* OK_FLT */
    bool neg;                   /* !name */
    const char *name, *name2;
    int64_t ival;
    uint64_t bits;
    double dval;
    int n;                      /* OK_VEC, OK_LIST */
    struct gvp_opd *elts;
};

enum gvp_space {
    SP_NONE = 0, SP_REG, SP_PARAM, SP_LOCAL, SP_SHARED, SP_GLOBAL, SP_CONST,
};

/* An initialiser: a scalar (OK_INT, OK_FLT, OK_NAME for an address) or a
 * { list }. */
struct gvp_init {
    bool list;
    int line;
    struct gvp_opd val;
    int n;
    struct gvp_init *elts;
};

#define GVP_MAX_DIMS 8
/* The most registers one .reg declaration may name (%r<N>): nvcc's and
 * clang's stay in the thousands; the translator keeps a table of N slots
 * per range (fuzz-ptx: %r<333333331> made it allocate 1.3 GB). */
#define GVP_MAX_REG_RANGE (1u << 20)

/* A variable or register declaration (one name). */
struct gvp_decl {
    int line;
    uint8_t space;              /* enum gvp_space */
    uint8_t ptype;              /* element type */
    uint8_t vec;                /* 1, 2 or 4 */
    bool ext;                   /* .extern */
    bool is_array;              /* declared with [..] */
    bool unsized;               /* [] */
    uint32_t align;             /* explicit .align, 0 if none */
    const char *name;
    int32_t range;              /* %r<N>: N; else -1 */
    int ndims;
    uint64_t dims[GVP_MAX_DIMS];
    uint64_t size;              /* bytes (0 if unsized) */
    struct gvp_init *init;
    /* scratch of the code generator */
    uint64_t off;               /* .global/.const: data offset */
    uint64_t sh_off;            /* .shared: offset for entry sh_entry */
    int sh_entry;               /* 0: not placed yet for this entry */
};

enum gvp_sk { S_INSN, S_LABEL, S_DECL, S_OPEN, S_CLOSE };

struct gvp_stmt {
    uint8_t kind;               /* enum gvp_sk */
    bool guard_neg;
    int line;
    const char *guard;          /* @p / @!p, NULL if none */
    const char *opc;            /* S_INSN: "ld.global.f32" */
    int nopd;
    struct gvp_opd *opd;
    const char *label;          /* S_LABEL */
    int ndecl;                  /* S_DECL */
    struct gvp_decl *decl;
};

struct gvp_func {
    const char *name;
    int line;
    bool entry;
    bool has_body;
    bool has_reqntid, has_maxntid;
    uint32_t reqntid[3], maxntid[3];
    int nparams, nrets;
    struct gvp_decl *params, *rets;
    int nstmts;
    struct gvp_stmt *stmts;
    /* scratch of the code generator */
    bool addr_taken;            /* its address is an operand somewhere,
                                   or in an initialiser */
    bool real;                  /* on a cycle of the call graph: called
                                   for real (gv_ptx_rcall.c) */
};

struct gvp_module {
    int version;                /* .version 2.3: 23 */
    bool map_f64;               /* .target map_f64_to_f32 */
    bool addr32;                /* .address_size 32 */
    int nfuncs;
    struct gvp_func **funcs;
    int nvars;                  /* module-scope variables and registers */
    struct gvp_decl **vars;
};

/* Tokenise then parse p->src .. p->end into @m (fails through gvp_fail). */
void gvp_parse(struct gvp *p, struct gvp_module *m);

#endif /* GV_PTX_INT_H */
