/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PTX translator's unit tests (test-ptx), shared by its files:
 * building PTX modules, translating them and reading the image back
 * (test_ptx_util.c), and the registration of each file's suites.
 *
 *   test_ptx.c         per construct: the translated instructions
 *   test_ptx_errors.c  errors, the build's kernels, fuzz
 *   test_ptx_exec.c    execution on the compute engine
 */
#ifndef TEST_PTX_H
#define TEST_PTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graviton/gv_isa.h"

/* ---- building PTX ---- */

#define REGS ".reg .pred %p<10>; .reg .b16 %rs<10>; .reg .b32 %r<30>; " \
             ".reg .b64 %rd<30>; .reg .f32 %f<20>; .reg .f64 %fd<10>;"

/* A malloc'd string (aborts when out of memory). */
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The module of @pre, entry k(@params) and its body @body (malloc'd). */
char *wrap(const char *pre, const char *params, const char *body);
/* The line of wrap()'s module that the body's first line is. */
int body_line(const char *pre);

/* Functions add1, twice, noargs and a body calling them, nested (for
 * entry k(.param .u64 k_out)). */
extern const char calls_pre[];
extern const char calls_body[];

/* ---- reading a translated module ---- */

struct mod {
    uint8_t *img;
    size_t len;
    struct gv_isa_module h;
    struct gv_isa_func f;               /* function 0 (or the chosen one) */
    struct gv_isa_param par[64];        /* its parameters */
    struct gv_insn *in;                 /* its instructions (a copy) */
    int n;
    uint64_t *k;                        /* the constant pool (a copy) */
    const uint8_t *data;                /* img + data_off */
};

void mod_free(struct mod *m);
void mod_select(struct mod *m, uint32_t fi);
/* Translate @ptx, check the image both ways and load function 0. */
bool mod_load(struct mod *m, const char *ptx);
/* mod_load() of wrap(@pre, @params, @body). */
bool load(struct mod *m, const char *pre, const char *params,
          const char *body);
/* Print the disassembly to stderr. */
void dump(const struct mod *m);
bool is_k(uint16_t v);
/* The value of constant operand @v. */
uint64_t kv(const struct mod *m, uint16_t v);
/* Whether instruction @in writes its d operand. */
bool writes(const struct gv_insn *in);
/* Index of the next instruction from @from on with opcode @op (and type
 * @type, modifier @mod), or -1. */
int find(const struct mod *m, unsigned op, int from);
int find_t(const struct mod *m, unsigned op, unsigned type, int from);
int find_tm(const struct mod *m, unsigned op, unsigned type,
            unsigned mod, int from);
int count(const struct mod *m, unsigned op);
/* A branch's target, relative to the function. */
int target(const struct mod *m, int i);

/* What a register (or constant) holds before an instruction, following
 * MOV, ADD/SUB of constants and MADDR back through straight-line code. */
enum { V_INPUT, V_CONST, V_MADDR, V_DEF };
struct val {
    int kind;
    int def;            /* V_DEF: the defining instruction; V_INPUT: reg */
    uint64_t off;       /* V_CONST: value; V_MADDR: data offset; else + */
};

struct val resolve(const struct mod *m, uint16_t r, int at);
/* The address of the memory access at @i: base + (int16)e. */
struct val addr(const struct mod *m, int i);
/* The constant address of the access at @i of kind @kind, or -1. */
int64_t kaddr(const struct mod *m, int i, int kind);
bool same_val(struct val a, struct val b);
/* Whether the value written at @from reaches operand @opnd of @to. */
bool flows(const struct mod *m, int from, int to, uint16_t opnd);
/* The function ends in an unguarded EXIT or BRA. */
void check_ends(const struct mod *m);
uint32_t rd32(const uint8_t *p);
uint64_t rd64(const uint8_t *p);

/* ---- each file's suites, in the order they run ---- */


int ptx_error_suites(void);             /* test_ptx_errors.c */
int ptx_exec_suites(void);              /* test_ptx_exec.c */

#endif /* TEST_PTX_H */
