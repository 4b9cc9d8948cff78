/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compute-engine test helpers: a channel with a range of device virtual
 * memory, data in and out, LAUNCH commands; and a tiny GVX assembler for
 * hand-written modules that test the engine on its own.
 */
#ifndef GV_KTEST_H
#define GV_KTEST_H

#include "graviton/gv_isa.h"
#include "gv_testdev.h"

#define KT_VA_BASE 0x10000000ull        /* pgd index 2 */

struct kt {
    struct td *td;
    unsigned chid;
    struct gvrt_secure *s;      /* secure channel, or NULL */
    uint64_t pa;                /* physically contiguous backing */
    uint64_t size, next;
};

/* Channel @chid (normal, or secure when @s is not NULL) with @bytes of
 * small pages at KT_VA_BASE, in protected (@prot) or unprotected memory. */
void kt_init(struct kt *k, struct td *td, unsigned chid,
             struct gvrt_secure *s, uint64_t bytes, bool prot);
/* A fresh 256-aligned VA range of @bytes (zeroed). */
uint64_t kt_alloc(struct kt *k, uint64_t bytes);
void kt_write(struct kt *k, uint64_t va, const void *buf, uint64_t len);
void kt_read(struct kt *k, uint64_t va, void *buf, uint64_t len);
uint64_t kt_pa(struct kt *k, uint64_t va);
/* Copy a module image in; its VA. */
uint64_t kt_load(struct kt *k, const void *img, uint32_t len);

struct kt_launch {
    uint64_t module_va;
    uint32_t module_size;
    uint32_t func;
    uint32_t grid[3], block[3];
    uint32_t shared_dyn;
    const void *params;
    uint32_t param_size;
    uint64_t fence_va, fence_value;
    uint32_t flags;
};
/* Submit a LAUNCH (alone in its group); the error it produced. */
int kt_launch(struct kt *k, const struct kt_launch *l);
/* Copy module @img in and run its function @func on one block of
 * @threads with @params; the launch's error. */
int kt_run(struct kt *k, const void *img, uint32_t len, uint32_t func,
           uint32_t threads, const void *params, uint32_t psize);
/* A kernel's (out, in) parameters in @p: @out_len bytes zeroed, and a
 * copy of @in (@in_len bytes; 8 zeroed bytes when 0). */
void kt_out_in(struct kt *k, uint64_t p[2], uint32_t out_len,
               const void *in, uint32_t in_len);
/* The parameters of vector_add and matmul, (a, b, c, n); kt_abc_in()
 * copies a and b in (@bytes each) and allocates c. */
struct kt_abc {
    uint64_t a, b, c;
    int32_t n;
} __attribute__((packed));
void kt_abc_in(struct kt *k, const float *a, const float *b, uint64_t bytes,
               int32_t n, struct kt_abc *p);
/* Build the LAUNCH command into @buf (>= 80 + params); its size. */
uint32_t kt_launch_cmd(const struct kt_launch *l, uint8_t *buf);

/* ---- a tiny GVX assembler ---- */
#define KA_MAX 512
struct ka {
    struct gv_insn ins[KA_MAX];
    uint32_t n;
    uint64_t consts[256];
    uint32_t nconsts;
    uint32_t nregs, param_size, shared_size, local_size;
    uint32_t params[16][2];     /* offset, size */
    uint32_t nparams;
    bool dup_func;              /* tests: list the function twice */
};
void ka_init(struct ka *a, uint32_t nregs);
/* A constant operand. */
uint16_t ka_k(struct ka *a, uint64_t v);
/* Append an instruction; returns its index. */
uint32_t ka_op(struct ka *a, unsigned op, unsigned type, unsigned mod,
               uint16_t d, uint16_t x, uint16_t y, uint16_t z, uint16_t e);
/* Guard the last instruction on predicate register @p (negated: @neg). */
void ka_guard(struct ka *a, uint16_t p, bool neg);
/* A branch to instruction @target (patchable with ka_patch). */
uint32_t ka_bra(struct ka *a, uint32_t target);
void ka_patch(struct ka *a, uint32_t at, uint32_t target);
/* Add a u64 kernel parameter; its offset. */
uint32_t ka_param64(struct ka *a);
/* r3 = the global thread index, ctaid.x * ntid.x + tid.x (r0, r1, r2:
 * tid.x, ctaid.x, ntid.x). */
void ka_gid(struct ka *a);
/* Store u32 @val at u32 element @idx of the array at @base (a u64
 * register), through registers @tmp and @tmp + 1. */
void ka_st_u32_at(struct ka *a, uint16_t base, uint16_t idx, uint16_t val,
                  uint16_t tmp);
/* The module image (malloc'd). */
uint8_t *ka_build(struct ka *a, uint32_t *len);
/* A ready module: out[gid] = gid, gid = ctaid.x * ntid.x + tid.x; one u64
 * parameter, out. */
uint8_t *ka_store_gid(uint32_t *len);

#endif /* GV_KTEST_H */
