/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compute-engine test helpers.  See gv_ktest.h. */
#include "gv_ktest.h"
#include "gv_ptx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>



void kt_init(struct kt *k, struct td *td, unsigned chid,
             struct gvrt_secure *s, uint64_t bytes, bool prot)
{
    uint64_t npages = (bytes + GV_PAGE_SIZE - 1) / GV_PAGE_SIZE;
    uint64_t *ptes = calloc(npages, sizeof(*ptes));
    unsigned pgdi = KT_VA_BASE >> GV_PDE_SHIFT;

    memset(k, 0, sizeof(*k));
    k->td = td;
    k->chid = chid;
    k->s = s;
    k->size = npages * GV_PAGE_SIZE;
    if (s) {
        TD_CHECK_FATAL(td_create_secure(td, chid, s) == GV_ERR_NONE);
    } else {
        TD_CHECK_FATAL(td_create_normal(td, chid, chid) == GV_ERR_NONE);
    }
    td_table(td, chid, pgdi, false);
    k->pa = prot ? td_alloc_prot(td, k->size, GV_PAGE_SIZE)
                 : td_alloc_unprot(td, k->size, GV_PAGE_SIZE);
    for (uint64_t i = 0; i < npages; i++) {
        ptes[i] = (k->pa + i * GV_PAGE_SIZE) | GV_PTE_VALID;
    }
    for (uint64_t i = 0; i < npages; i += GV_PTE_MAX_COUNT) {
        uint64_t n = npages - i < GV_PTE_MAX_COUNT ? npages - i
                                                   : GV_PTE_MAX_COUNT;

        TD_CHECK_FATAL(td_pte(td, chid, pgdi, (unsigned)i, (unsigned)n,
                              ptes + i, false, NULL, NULL) == GV_ERR_NONE);
    }
    free(ptes);
}

uint64_t kt_alloc(struct kt *k, uint64_t bytes)
{
    uint64_t va = KT_VA_BASE + k->next;

    TD_CHECK_FATAL(k->next + bytes <= k->size);
    k->next = (k->next + bytes + 255) & ~255ull;
    void *z = calloc(1, bytes ? bytes : 1);

    gv_debug_write(k->td->dev, kt_pa(k, va), z, bytes);
    free(z);
    return va;
}

uint64_t kt_pa(struct kt *k, uint64_t va)
{
    return k->pa + (va - KT_VA_BASE);
}

void kt_write(struct kt *k, uint64_t va, const void *buf, uint64_t len)
{
    gv_debug_write(k->td->dev, kt_pa(k, va), buf, len);
}

void kt_read(struct kt *k, uint64_t va, void *buf, uint64_t len)
{
    gv_debug_read(k->td->dev, kt_pa(k, va), buf, len);
}

uint64_t kt_load(struct kt *k, const void *img, uint32_t len)
{
    uint64_t va = kt_alloc(k, len);

    kt_write(k, va, img, len);
    return va;
}

void kt_abc_in(struct kt *k, const float *a, const float *b, uint64_t bytes,
               int32_t n, struct kt_abc *p)
{
    p->a = kt_alloc(k, bytes);
    p->b = kt_alloc(k, bytes);
    p->c = kt_alloc(k, bytes);
    p->n = n;
    kt_write(k, p->a, a, bytes);
    kt_write(k, p->b, b, bytes);
}

uint32_t kt_launch_cmd(const struct kt_launch *l, uint8_t *buf)
{
    struct gv_cmd_launch c = {
        .hdr = { GV_OP_LAUNCH, 0 },
        .func = l->func, .flags = l->flags,
        .module_va = l->module_va, .module_size = l->module_size,
        .shared_dyn = l->shared_dyn,
        .fence_va = l->fence_va, .fence_value = l->fence_value,
        .param_size = l->param_size,
    };
    uint32_t size = sizeof(c) + ((l->param_size + 7) & ~7u);

    for (int i = 0; i < 3; i++) {
        c.grid[i] = l->grid[i] ? l->grid[i] : 1;
        c.block[i] = l->block[i] ? l->block[i] : 1;
    }
    c.hdr.size = size;
    memset(buf, 0, size);
    memcpy(buf, &c, sizeof(c));
    if (l->param_size) {
        memcpy(buf + sizeof(c), l->params, l->param_size);
    }
    return size;
}

int kt_launch(struct kt *k, const struct kt_launch *l)
{
    uint8_t *buf = malloc(sizeof(struct gv_cmd_launch) + l->param_size + 8);
    uint32_t n = kt_launch_cmd(l, buf);
    int r = k->s ? td_submit_secure(k->td, k->s, k->chid, buf, n)
                 : td_submit(k->td, k->chid, buf, n);

    free(buf);
    return r;
}

int kt_run(struct kt *k, const void *img, uint32_t len, uint32_t func,
           uint32_t threads, const void *params, uint32_t psize)
{
    struct kt_launch l = {
        .module_va = kt_load(k, img, len), .module_size = len,
        .func = func, .grid = { 1, 1, 1 }, .block = { threads, 1, 1 },
        .params = params, .param_size = psize,
    };

    return kt_launch(k, &l);
}

void kt_out_in(struct kt *k, uint64_t p[2], uint32_t out_len,
               const void *in, uint32_t in_len)
{
    p[0] = kt_alloc(k, out_len);
    p[1] = kt_alloc(k, in_len ? in_len : 8);
    if (in_len) {
        kt_write(k, p[1], in, in_len);
    }
}

/* ---- assembler ---- */

void ka_init(struct ka *a, uint32_t nregs)
{
    memset(a, 0, sizeof(*a));
    a->nregs = nregs;
}

uint16_t ka_k(struct ka *a, uint64_t v)
{
    for (uint32_t i = 0; i < a->nconsts; i++) {
        if (a->consts[i] == v) {
            return (uint16_t)(GV_ISA_CONST_BASE + i);
        }
    }
    a->consts[a->nconsts] = v;
    return (uint16_t)(GV_ISA_CONST_BASE + a->nconsts++);
}

uint32_t ka_op(struct ka *a, unsigned op, unsigned type, unsigned mod,
               uint16_t d, uint16_t x, uint16_t y, uint16_t z, uint16_t e)
{
    struct gv_insn *i = &a->ins[a->n];

    memset(i, 0, sizeof(*i));
    i->op = (uint8_t)op;
    i->type = (uint8_t)type;
    i->mod = (uint8_t)mod;
    i->d = d;
    i->a = x;
    i->b = y;
    i->c = z;
    i->e = e;
    return a->n++;
}

void ka_guard(struct ka *a, uint16_t p, bool neg)
{
    a->ins[a->n - 1].guard = GV_G_ON | (neg ? GV_G_NEG : 0);
    a->ins[a->n - 1].gpred = p;
}

uint32_t ka_bra(struct ka *a, uint32_t target)
{
    return ka_op(a, GV_I_BRA, 0, 0, 0, 0, (uint16_t)target,
                 (uint16_t)(target >> 16), 0);
}

void ka_patch(struct ka *a, uint32_t at, uint32_t target)
{
    a->ins[at].b = (uint16_t)target;
    a->ins[at].c = (uint16_t)(target >> 16);
}

uint32_t ka_param64(struct ka *a)
{
    uint32_t off = a->param_size;

    a->params[a->nparams][0] = off;
    a->params[a->nparams][1] = 8;
    a->nparams++;
    a->param_size += 8;
    return off;
}

void ka_gid(struct ka *a)
{
    ka_op(a, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 0, 0, 0, 0, 0);
    ka_op(a, GV_I_S2R, GV_T_U32, GV_SR_CTAID_X, 1, 0, 0, 0, 0);
    ka_op(a, GV_I_S2R, GV_T_U32, GV_SR_NTID_X, 2, 0, 0, 0, 0);
    ka_op(a, GV_I_MAD, GV_T_U32, 0, 3, 1, 2, 0, 0);
}

void ka_st_u32_at(struct ka *a, uint16_t base, uint16_t idx, uint16_t val,
                  uint16_t tmp)
{
    ka_op(a, GV_I_MULWIDE, GV_T_U32, 0, tmp, idx, ka_k(a, 4), 0, 0);
    ka_op(a, GV_I_ADD, GV_T_U64, 0, tmp + 1, base, tmp, 0, 0);
    ka_op(a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, tmp + 1, val, 0, 0);
}

uint8_t *ka_build(struct ka *a, uint32_t *len)
{
    static const char names[8] = "k";
    struct gv_isa_func f = { .flags = GV_FUNC_ENTRY, .insn_count = a->n,
                             .nregs = a->nregs, .nparams = a->nparams,
                             .param_size = a->param_size,
                             .shared_size = a->shared_size,
                             .local_size = a->local_size };
    struct gv_isa_func fs[2] = { f, f };
    struct gv_isa_parts p = {
        .funcs = fs, .nfuncs = a->dup_func ? 2 : 1,
        .params = (const struct gv_isa_param *)a->params,
        .nparams = a->nparams,
        .insns = a->ins, .ninsns = a->n,
        .consts = a->consts, .nconsts = a->nconsts,
        .strings = names, .strings_size = sizeof(names),
    };
    size_t n;
    uint8_t *img = gv_isa_write(&p, &n);

    *len = (uint32_t)n;
    return img;
}

uint8_t *ka_store_gid(uint32_t *len)
{
    struct ka a;
    uint32_t p;

    ka_init(&a, 8);
    p = ka_param64(&a);
    ka_gid(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 4, ka_k(&a, p), 0, 0, 0);
    ka_st_u32_at(&a, 4, 3, 3, 5);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}
