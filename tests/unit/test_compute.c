/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the compute engine with hand-assembled GVX modules:
 * thread indexing, divergent loops with a barrier after them, shared and
 * local memory, generic addressing, atomics across SMs, shuffles and
 * votes, the fence and interrupt at the end of a launch, and the attacks:
 * a kernel touching an unmapped page, another context's page (even with a
 * forged page-table entry), a launch from a bootstrap channel, malformed
 * modules and launches, a kernel that never ends (watchdog), and the
 * device escape (attack 16): shared, local, parameter, generic and
 * global accesses, atomics and module sections at offsets that wrap
 * around 2^64 (or 2^32).  After each failure the device and the other
 * channels keep working.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cunit_main.h"
#include "gv_ktest.h"
#include "gv_simt.h"

#define VRAM    (64ull << 20)
#define UNPROT  (16ull << 20)
#define PROT    (40ull << 20)

static struct td *td;
static struct kt k1;

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&k1, td, 1, NULL, 1 << 20, true);
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
}

enum { TX = GV_SR_TID_X };

static void test_gid(void)
{
    uint32_t len, n = 64 * 96;
    uint8_t *img = ka_store_gid(&len);
    uint64_t mva = kt_load(&k1, img, len), out = kt_alloc(&k1, n * 4);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .grid = { 64 }, .block = { 96 },
                           .params = &out, .param_size = 8 };
    uint32_t *res = malloc(n * 4);

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, out, res, n * 4);
    for (uint32_t i = 0; i < n; i++) {
        if (res[i] != i) {
            CU_FAIL("wrong thread index");
            break;
        }
    }
    CU_ASSERT(gv_dev_compute_lane_insns(td->dev) >= 9ull * n);
    free(res);
    free(img);
}

/*
 * Divergent loop, then a barrier, then each thread reads its neighbour's
 * result from shared memory:
 *   n = tid % 5; s = sum_{i<n} (i*i + 1); sh[tid] = s; bar;
 *   out[tid] = s * 1000 + sh[(tid + 1) % ntid]
 */
static uint8_t *mod_diverge(uint32_t *len)
{
    struct ka a;
    uint32_t p, loop, exitb;

    ka_init(&a, 20);
    p = ka_param64(&a);
    a.shared_size = 512;
    ka_op(&a, GV_I_S2R, GV_T_U32, TX, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_REM, GV_T_U32, 0, 1, 0, ka_k(&a, 5), 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 2, ka_k(&a, 0), 0, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 3, ka_k(&a, 0), 0, 0, 0);
    loop = ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_LT, 4, 3, 1, 0, 0);
    exitb = ka_bra(&a, 0);
    ka_guard(&a, 4, true);
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 5, 3, 3, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 2, 2, 5, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 2, 2, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 3, 3, ka_k(&a, 1), 0, 0);
    ka_bra(&a, loop);
    ka_patch(&a, exitb, a.n);
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 6, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_SHARED, 0, 6, 2, 0, 0);
    ka_op(&a, GV_I_BAR, 0, 0, 0, ka_k(&a, 0), 0, 0, 0);
    ka_op(&a, GV_I_S2R, GV_T_U32, GV_SR_NTID_X, 7, 0, 0, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 8, 0, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_REM, GV_T_U32, 0, 8, 8, 7, 0, 0);
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 9, 8, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U32, GV_SPACE_SHARED, 10, 9, 0, 0, 0);
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 11, 2, ka_k(&a, 1000), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 12, 11, 10, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 13, ka_k(&a, p), 0, 0, 0);
    ka_st_u32_at(&a, 13, 0, 12, 14);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static uint32_t div_ref(uint32_t t)
{
    uint32_t s = 0;

    for (uint32_t i = 0; i < t % 5; i++) {
        s += i * i + 1;
    }
    return s;
}

static void test_diverge_barrier(void)
{
    uint32_t len, nt = 100;
    uint8_t *img = mod_diverge(&len);
    uint64_t mva = kt_load(&k1, img, len), out = kt_alloc(&k1, nt * 4);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .grid = { 3 }, .block = { nt },
                           .params = &out, .param_size = 8 };
    uint32_t res[100];

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, out, res, sizeof(res));
    for (uint32_t t = 0; t < nt; t++) {
        CU_ASSERT_EQUAL(res[t], div_ref(t) * 1000 + div_ref((t + 1) % nt));
    }
    free(img);
}

/* Every thread of every block adds 1 (and its block index to another
 * word with CAS loops in the engine's float path) atomically. */
static void test_atomics(void)
{
    struct ka a;
    uint32_t len, p;
    uint8_t *img;
    uint64_t mva, ctr;
    uint32_t res[12], dec = 0;
    float f;
    double d;

    ka_init(&a, 10);
    p = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p), 0, 0, 0);
    ka_op(&a, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 5, 0, 0, 0, 0);
    ka_op(&a, GV_I_NEG, GV_T_S32, 0, 6, 5, 0, 0, 0);
    ka_op(&a, GV_I_CVT, GV_T_F32, 0, 7, 5, 0, 0, GV_T_U32 | GV_RND_RN << 8);
    /* inc wraps at 7, dec at 1000, signed min, f64 add, f32 max */
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_INC << 4,
          GV_ISA_NONE, 0, ka_k(&a, 7), 0, 16);
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_DEC << 4,
          GV_ISA_NONE, 0, ka_k(&a, 1000), 0, 20);
    ka_op(&a, GV_I_ATOM, GV_T_S32, GV_SPACE_GLOBAL | GV_ATOM_MIN << 4,
          GV_ISA_NONE, 0, 6, 0, 24);
    ka_op(&a, GV_I_ATOM, GV_T_F64, GV_SPACE_GLOBAL | GV_ATOM_ADD << 4,
          GV_ISA_NONE, 0, ka_k(&a, 0x3ff8000000000000ull), 0, 32);
    ka_op(&a, GV_I_ATOM, GV_T_F32, GV_SPACE_GLOBAL | GV_ATOM_MAX << 4,
          GV_ISA_NONE, 0, 7, 0, 40);
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_ADD << 4,
          GV_ISA_NONE, 0, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_ATOM, GV_T_F32, GV_SPACE_GENERIC | GV_ATOM_ADD << 4,
          1, 0, ka_k(&a, 0x3f800000), 0, 4);
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_MAX << 4,
          2, 0, 1, 0, 8);               /* max of the old float bits */
    ka_op(&a, GV_I_ATOM, GV_T_U32, GV_SPACE_GLOBAL | GV_ATOM_CAS << 4,
          3, 0, ka_k(&a, 0), ka_k(&a, 7), 12);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    img = ka_build(&a, &len);
    mva = kt_load(&k1, img, len);
    ctr = kt_alloc(&k1, sizeof(res));
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .grid = { 40 }, .block = { 256 },
                           .params = &ctr, .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, ctr, res, sizeof(res));
    CU_ASSERT_EQUAL(res[0], 40 * 256);
    memcpy(&f, &res[1], 4);
    CU_ASSERT_EQUAL(f, 40.0f * 256);
    memcpy(&f, &res[2], 4);
    CU_ASSERT_EQUAL(f, 40.0f * 256 - 1);
    CU_ASSERT_EQUAL(res[3], 7);
    /* every inc/dec maps the value the same way, so order does not
     * matter: simulate the count */
    CU_ASSERT_EQUAL(res[4], (40 * 256) % 8);
    for (int k = 0; k < 40 * 256; k++) {
        dec = (dec == 0 || dec > 1000) ? 1000 : dec - 1;
    }
    CU_ASSERT_EQUAL(res[5], dec);
    CU_ASSERT_EQUAL((int32_t)res[6], -255);
    memcpy(&d, &res[8], 8);
    CU_ASSERT_EQUAL(d, 1.5 * 40 * 256);
    memcpy(&f, &res[10], 4);
    CU_ASSERT_EQUAL(f, 255.0f);
    free(img);
}

/* shfl.down by 1 within 32 lanes, ballot of odd lanes, a per-thread
 * local-memory round trip through a generic address. */
static void test_shfl_vote_local(void)
{
    struct ka a;
    uint32_t len, p;
    uint8_t *img;
    uint64_t mva, out;
    uint32_t res[64 * 3];

    ka_init(&a, 16);
    p = ka_param64(&a);
    a.local_size = 16;
    ka_op(&a, GV_I_S2R, GV_T_U32, TX, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 1, 0, ka_k(&a, 3), 0, 0);
    ka_op(&a, GV_I_SHFL, GV_T_U32, GV_SHFL_DOWN, 2, 1, ka_k(&a, 1),
          ka_k(&a, 0x1f), GV_ISA_NONE);
    ka_op(&a, GV_I_AND, GV_T_U32, 0, 3, 0, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_NE, 4, 3, ka_k(&a, 0), 0, 0);
    ka_op(&a, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, 5, 4, 0, 0, GV_ISA_NONE);
    /* local[8] = tid * 7 via a generic pointer, read back as local */
    ka_op(&a, GV_I_MUL, GV_T_U32, 0, 6, 0, ka_k(&a, 7), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 7, ka_k(&a, GV_GENERIC_LOCAL),
          ka_k(&a, 8), 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GENERIC, 0, 7, 6, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U32, GV_SPACE_LOCAL, 8, ka_k(&a, 0), 0, 0, 8);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 9, ka_k(&a, p), 0, 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 10, 0, ka_k(&a, 12), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 11, 9, 10, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 11, 2, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 11, 5, 0, 4);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 11, 8, 0, 8);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    img = ka_build(&a, &len);
    mva = kt_load(&k1, img, len);
    out = kt_alloc(&k1, sizeof(res));
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .block = { 64 }, .params = &out,
                           .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, out, res, sizeof(res));
    for (uint32_t t = 0; t < 64; t++) {
        uint32_t lane = t % 32;

        CU_ASSERT_EQUAL(res[t * 3], (lane == 31 ? t : t + 1) * 3);
        CU_ASSERT_EQUAL(res[t * 3 + 1], 0xaaaaaaaau);
        CU_ASSERT_EQUAL(res[t * 3 + 2], t * 7);
    }
    free(img);
}

/* A one-store kernel: *(u32 *)param0 = 1 */
static uint8_t *mod_poke(uint32_t *len, bool load)
{
    struct ka a;
    uint32_t p;

    ka_init(&a, 4);
    p = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p), 0, 0, 0);
    if (load) {
        ka_op(&a, GV_I_LD, GV_T_U32, GV_SPACE_GLOBAL, 1, 0, 0, 0, 0);
    } else {
        ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 0, ka_k(&a, 1), 0,
              0);
    }
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static void check_still_works(struct kt *k)
{
    uint32_t len, v = 0;
    uint8_t *img = mod_poke(&len, false);
    uint64_t mva = kt_load(k, img, len), cell = kt_alloc(k, 8);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .params = &cell, .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(k, &l), GV_ERR_NONE);
    kt_read(k, cell, &v, 4);
    CU_ASSERT_EQUAL(v, 1);
    free(img);
}

/* Attack 13: unmapped addresses, another context's memory (by VA, and by
 * a page-table entry forged in device memory), read-only pages. */
static void test_fault_isolation(void)
{
    struct kt k2;
    uint32_t len, lenl;
    uint8_t *img = mod_poke(&len, false), *imgl = mod_poke(&lenl, true);
    uint64_t victim, fence, m2, m2l, bad, pte_pa, old, v;
    uint32_t secret = 0x5ec2e7, got = 0;

    kt_init(&k2, td, 2, NULL, 256 << 10, true);
    kt_alloc(&k1, 512 << 10);           /* the victim beyond k2's range */
    victim = kt_alloc(&k1, 4096);
    kt_write(&k1, victim, &secret, 4);
    m2 = kt_load(&k2, img, len);
    m2l = kt_load(&k2, imgl, lenl);
    fence = kt_alloc(&k2, 8);

    /* unmapped (beyond k2's range) and outside the VA space */
    bad = KT_VA_BASE + (512 << 10);
    struct kt_launch l = { .module_va = m2, .module_size = len,
                           .params = &bad, .param_size = 8,
                           .fence_va = fence, .fence_value = 77 };
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);
    kt_read(&k2, fence, &v, 8);
    CU_ASSERT_EQUAL(v, 0);              /* no fence after a fault */
    bad = 1ull << 45;
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);
    bad = KT_VA_BASE + 2;               /* misaligned */
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);

    /* the victim's address, used from channel 2 (another context): k2
     * maps nothing there */
    l.module_va = m2l;
    l.module_size = lenl;
    bad = victim;
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);

    /* forge k2's PTE for its first page to point at the victim's page:
     * find the entry in k2's page table by its value */
    pte_pa = 0;
    for (uint64_t pa = UNPROT; pa < VRAM; pa += 8) {
        uint64_t e;

        if (pa >= UNPROT + PROT - (PROT / 64)) {
            break;
        }
        gv_debug_read(td->dev, pa, &e, 8);
        if (e == (k2.pa | GV_PTE_VALID)) {
            pte_pa = pa;
            break;
        }
    }
    CU_ASSERT_FATAL(pte_pa != 0);
    gv_debug_read(td->dev, pte_pa, &old, 8);
    v = kt_pa(&k1, victim) | GV_PTE_VALID;
    gv_debug_write(td->dev, pte_pa, &v, 8);
    bad = KT_VA_BASE;
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);
    l.module_va = m2;                   /* a store too */
    l.module_size = len;
    CU_ASSERT_EQUAL(kt_launch(&k2, &l), GV_ERR_FAULT);
    gv_debug_write(td->dev, pte_pa, &old, 8);
    kt_read(&k1, victim, &got, 4);
    CU_ASSERT_EQUAL(got, secret);       /* untouched */

    /* both channels still work */
    check_still_works(&k1);
    check_still_works(&k2);
    free(img);
    free(imgl);
}

/* Attack 5: no compute from a bootstrap channel. */
static void test_bootstrap_refused(void)
{
    uint8_t buf[128];
    struct kt_launch l = { .module_va = KT_VA_BASE, .module_size = 64 };
    uint32_t n = kt_launch_cmd(&l, buf);

    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, buf, n), GV_ERR_BOOTSTRAP);
    check_still_works(&k1);
}

static void test_bad_launches(void)
{
    uint32_t len;
    uint8_t *img = ka_store_gid(&len), buf[256];
    uint64_t mva = kt_load(&k1, img, len), out = kt_alloc(&k1, 4096);
    struct kt_launch good = { .module_va = mva, .module_size = len,
                              .block = { 32 }, .params = &out,
                              .param_size = 8 }, l;
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                              .va = out, .value = 1 };
    uint32_t n;

    l = good; l.module_va = mva + 8;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.module_size = len - 16;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.block[0] = 1025;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.func = 1;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.param_size = 4;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.shared_dyn = 64 << 10;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    l = good; l.flags = 0x80;
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_COMMAND);
    l = good; l.module_va = KT_VA_BASE + (2 << 20);     /* unmapped */
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_FAULT);
    /* local memory of a block past what an SM may allocate (16 MiB):
     * 64 KiB per thread x 512 threads */
    {
        struct ka a;
        uint32_t llen;
        uint8_t *limg;
        uint64_t lva;

        ka_init(&a, 1);
        a.local_size = 64 << 10;
        ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
        limg = ka_build(&a, &llen);
        lva = kt_load(&k1, limg, llen);
        l = (struct kt_launch){ .module_va = lva, .module_size = llen,
                                .block = { 512 } };
        CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
        l.block[0] = 128;               /* 8 MiB: fine */
        CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
        free(limg);
    }
    /* two functions over the same instructions (decoding work would grow
     * with the function count, not the module's size) */
    {
        struct ka a;
        uint32_t dlen;
        uint8_t *dimg;
        char why[160];

        ka_init(&a, 1);
        ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
        dimg = ka_build(&a, &dlen);
        CU_ASSERT_EQUAL(gv_compute_check_module(dimg, dlen, why,
                                                sizeof(why)), 0);
        free(dimg);
        a.dup_func = true;
        dimg = ka_build(&a, &dlen);
        CU_ASSERT_EQUAL(gv_compute_check_module(dimg, dlen, why,
                                                sizeof(why)), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(why, "overlap"));
        free(dimg);
    }
    /* a LAUNCH must end its group */
    n = kt_launch_cmd(&good, buf);
    memcpy(buf + n, &f, sizeof(f));
    CU_ASSERT_EQUAL(td_submit(td, 1, buf, n + sizeof(f)), GV_ERR_BAD_COMMAND);
    /* an instruction that reads past the register file */
    img[((struct gv_isa_module *)img)->insns_off + 16 * 3 + 8] = 0x40;
    kt_write(&k1, mva, img, len);
    CU_ASSERT_EQUAL(kt_launch(&k1, &good), GV_ERR_BAD_MODULE);
    check_still_works(&k1);
    free(img);
}

/* Random corruption of a valid module: the decoder refuses or the launch
 * runs (perhaps faulting or hitting the watchdog); never a crash. */
static void test_module_fuzz(void)
{
    uint32_t len;
    uint8_t *img = mod_diverge(&len), *m = malloc(len);
    const char *env_runs = getenv("GV_FUZZ_RUNS"), *env_seed =
        getenv("GV_FUZZ_SEED");
    int runs = env_runs ? atoi(env_runs) * 10 : 3000;
    unsigned ok = 0, refused = 0, ran = 0;
    uint64_t mva, out;
    char why[160];
    struct td *t2;
    struct kt k;

    /* a device of its own with a short watchdog: a corrupted module may
     * well loop for ever */
    td_launch_timeout_ms = 30;
    t2 = td_new(VRAM, UNPROT, PROT, false);
    td_launch_timeout_ms = 0;
    kt_init(&k, t2, 1, NULL, 64 << 10, false);
    mva = kt_alloc(&k, len);
    out = kt_alloc(&k, 4096);

    srand(env_seed ? (unsigned)atoi(env_seed) : 7);
    for (int it = 0; it < runs; it++) {
        memcpy(m, img, len);
        for (int f = 0, nf = 1 + rand() % 4; f < nf; f++) {
            m[rand() % len] ^= (uint8_t)(1u << (rand() % 8));
        }
        if (gv_compute_check_module(m, len, why, sizeof(why)) != 0) {
            refused++;
            continue;
        }
        ok++;
        if (ran < (unsigned)runs / 20) {
            struct kt_launch l = { .module_va = mva, .module_size = len,
                                   .block = { 64 }, .params = &out,
                                   .param_size = 8 };
            int r;

            kt_write(&k, mva, m, len);
            r = kt_launch(&k, &l);
            CU_ASSERT(r == GV_ERR_NONE || r == GV_ERR_FAULT ||
                      r == GV_ERR_TIMEOUT || r == GV_ERR_BAD_MODULE);
            ran++;
        }
    }
    CU_ASSERT(refused > (unsigned)runs / 30);
    CU_ASSERT(ok > (unsigned)runs / 300);
    check_still_works(&k);
    td_check(t2);
    td_free(t2);
    free(m);
    free(img);
}

/* The fence is written and GV_INTR_LAUNCH raised when the launch ends. */
static void test_fence_irq(void)
{
    uint32_t len;
    uint8_t *img = ka_store_gid(&len);
    uint64_t mva = kt_load(&k1, img, len), out = kt_alloc(&k1, 4096);
    uint64_t fence = kt_alloc(&k1, 8), v = 0;
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .block = { 32 }, .params = &out,
                           .param_size = 8, .fence_va = fence,
                           .fence_value = 0x1234, .flags = GV_LAUNCH_IRQ };

    td_wr(td, GV_REG_INTR_ACK, GV_INTR_ALL);
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, fence, &v, 8);
    CU_ASSERT_EQUAL(v, 0x1234);
    CU_ASSERT(td_rd(td, GV_REG_INTR_STATUS) & GV_INTR_LAUNCH);
    free(img);
}

/* A kernel that never ends is stopped by the watchdog. */
static void test_watchdog(void)
{
    struct td *t2;
    struct kt k;
    struct ka a;
    uint32_t len;
    uint8_t *img;
    uint64_t mva;

    td_launch_timeout_ms = 200;
    t2 = td_new(VRAM, UNPROT, PROT, false);
    td_launch_timeout_ms = 0;
    kt_init(&k, t2, 1, NULL, 64 << 10, false);
    ka_init(&a, 1);
    ka_bra(&a, 0);
    img = ka_build(&a, &len);
    mva = kt_load(&k, img, len);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .grid = { 4 }, .block = { 64 } };

    CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_TIMEOUT);
    check_still_works(&k);
    td_check(t2);
    td_free(t2);
    free(img);
}

static void test_secure_launch(void)
{
    struct gvrt_secure s;
    struct td *t2 = td_new(VRAM, UNPROT, PROT, true);
    struct kt k;
    uint32_t len, n = 256, res[256];
    uint8_t *img = ka_store_gid(&len);
    uint64_t mva, out;

    memset(&s, 0, sizeof(s));
    kt_init(&k, t2, 3, &s, 256 << 10, true);
    mva = kt_load(&k, img, len);
    out = kt_alloc(&k, n * 4);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .grid = { 2 }, .block = { 128 },
                           .params = &out, .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
    kt_read(&k, out, res, sizeof(res));
    for (uint32_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(res[i], i);
    }
    td_check(t2);
    td_free(t2);
    gvrt_secure_fini(&s);
    free(img);
}

/* The per-lane evaluator on the edge cases a guest can reach: defined
 * results, never a trap (SIGFPE) or undefined shift. */
static uint64_t alu(unsigned op, unsigned type, unsigned mod, uint64_t a,
                    uint64_t b, uint64_t c, uint64_t e)
{
    struct gv_dinsn i = { .op = (uint8_t)op, .type = (uint8_t)type,
                          .mod = (uint8_t)mod };

    return gv_simt_alu(&i, a, b, c, e);
}

static uint64_t cvt(unsigned dt, unsigned st, unsigned rnd, unsigned mod,
                    uint64_t a)
{
    struct gv_dinsn i = { .op = GV_I_CVT, .type = (uint8_t)dt,
                          .stype = (uint8_t)st, .rnd = (uint8_t)rnd,
                          .mod = (uint8_t)mod };

    return gv_simt_alu(&i, a, 0, 0, 0);
}

static uint64_t fbits(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    return u;
}

static void test_alu_edges(void)
{
    /* division */
    CU_ASSERT_EQUAL(alu(GV_I_DIV, GV_T_S32, 0, 7, 0, 0, 0), 0xffffffffu);
    CU_ASSERT_EQUAL(alu(GV_I_DIV, GV_T_U64, 0, 7, 0, 0, 0), ~0ull);
    CU_ASSERT_EQUAL(alu(GV_I_DIV, GV_T_S32, 0, 0x80000000u, 0xffffffffu, 0,
                        0), 0x80000000u);
    CU_ASSERT_EQUAL(alu(GV_I_DIV, GV_T_S64, 0, 1ull << 63, ~0ull, 0, 0),
                    1ull << 63);
    CU_ASSERT_EQUAL(alu(GV_I_REM, GV_T_S64, 0, 1ull << 63, ~0ull, 0, 0), 0);
    CU_ASSERT_EQUAL(alu(GV_I_REM, GV_T_U32, 0, 9, 0, 0, 0), 9);
    CU_ASSERT_EQUAL(alu(GV_I_DIV, GV_T_S32, 0, (uint32_t)-7, 2, 0, 0),
                    (uint32_t)-3);
    /* shifts past the width */
    CU_ASSERT_EQUAL(alu(GV_I_SHL, GV_T_U32, 0, 1, 40, 0, 0), 0);
    CU_ASSERT_EQUAL(alu(GV_I_SHR, GV_T_S32, 0, 0x80000000u, 99, 0, 0),
                    0xffffffffu);
    CU_ASSERT_EQUAL(alu(GV_I_SHR, GV_T_U64, 0, ~0ull, 64, 0, 0), 0);
    /* bit fields at and past the end */
    CU_ASSERT_EQUAL(alu(GV_I_BFI, GV_T_U32, 0, 0xf, 0x12345678, 200, 8),
                    0x12345678);
    CU_ASSERT_EQUAL(alu(GV_I_BFI, GV_T_U32, 0, 0xf, 0x12345678, 4, 4),
                    0x123456f8);
    CU_ASSERT_EQUAL(alu(GV_I_BFI, GV_T_U64, 0, ~0ull, 0, 60, 200),
                    0xfull << 60);
    CU_ASSERT_EQUAL(alu(GV_I_BFE, GV_T_S32, 0, 0x80, 4, 4, 0), 0xfffffff8u);
    CU_ASSERT_EQUAL(alu(GV_I_BFE, GV_T_U32, 0, 0xabcd, 255, 8, 0), 0);
    CU_ASSERT_EQUAL(alu(GV_I_BFE, GV_T_S64, 0, 1ull << 63, 63, 200, 0), ~0ull);
    /* saturation and min/max */
    CU_ASSERT_EQUAL(alu(GV_I_ADD, GV_T_S32, GV_M_SAT, 0x7fffffff, 5, 0, 0),
                    0x7fffffffu);
    CU_ASSERT_EQUAL(alu(GV_I_ABS, GV_T_S32, 0, 0x80000000u, 0, 0, 0),
                    0x80000000u);
    CU_ASSERT_EQUAL(alu(GV_I_MIN, GV_T_F32, 0, fbits(NAN), fbits(2.0f), 0, 0),
                    fbits(2.0f));
    /* conversions: NaN and overflow saturate, rounding modes */
    CU_ASSERT_EQUAL(cvt(GV_T_S32, GV_T_F32, GV_RND_RZI, 0, fbits(NAN)), 0);
    CU_ASSERT_EQUAL(cvt(GV_T_S32, GV_T_F32, GV_RND_RZI, 0, fbits(3e10f)),
                    0x7fffffffu);
    CU_ASSERT_EQUAL(cvt(GV_T_U32, GV_T_F32, GV_RND_RZI, 0, fbits(-5.0f)), 0);
    CU_ASSERT_EQUAL(cvt(GV_T_S64, GV_T_F32, GV_RND_RMI, 0, fbits(-1.5f)),
                    (uint64_t)-2);
    CU_ASSERT_EQUAL(cvt(GV_T_S32, GV_T_F32, GV_RND_RNI, 0, fbits(2.5f)), 2);
    CU_ASSERT_EQUAL(cvt(GV_T_U8, GV_T_S32, GV_RND_NONE, GV_M_SAT,
                        (uint32_t)-3), 0);
    CU_ASSERT_EQUAL(cvt(GV_T_S8, GV_T_S32, GV_RND_NONE, GV_M_SAT, 1000), 127);
    CU_ASSERT_EQUAL(cvt(GV_T_F32, GV_T_U64, GV_RND_RZ, 0, (1ull << 24) + 1),
                    fbits(16777216.0f));
    CU_ASSERT_EQUAL(cvt(GV_T_F32, GV_T_U64, GV_RND_RP, 0, (1ull << 24) + 1),
                    fbits(16777218.0f));
    CU_ASSERT_EQUAL(cvt(GV_T_F32, GV_T_F32, GV_RND_NONE, GV_M_SAT,
                        fbits(7.0f)), fbits(1.0f));
    CU_ASSERT_EQUAL(cvt(GV_T_F16, GV_T_F32, GV_RND_RN, 0, fbits(1.0f)),
                    0x3c00);
    CU_ASSERT_EQUAL(cvt(GV_T_F16, GV_T_F32, GV_RND_RN, 0, fbits(70000.0f)),
                    0x7c00);
    CU_ASSERT_EQUAL(cvt(GV_T_F32, GV_T_F16, GV_RND_NONE, 0, 0xc000),
                    fbits(-2.0f));
    CU_ASSERT_EQUAL(cvt(GV_T_F32, GV_T_F16, GV_RND_NONE, 0, 0x0001),
                    fbits(5.9604645e-8f));
    /* ftz */
    CU_ASSERT_EQUAL(alu(GV_I_MUL, GV_T_F32, GV_M_FTZ, fbits(1e-39f),
                        fbits(1.0f), 0, 0), 0);
    /* prmt, funnel shift */
    CU_ASSERT_EQUAL(alu(GV_I_PRMT, GV_T_U32, GV_PRMT_DEFAULT, 0x33221100,
                        0x77665544, 0x7531, 0), 0x77553311);
    CU_ASSERT_EQUAL(alu(GV_I_PRMT, GV_T_U32, GV_PRMT_DEFAULT, 0x00000080, 0,
                        0x8888, 0), 0xffffffffu);
    CU_ASSERT_EQUAL(alu(GV_I_SHF, GV_T_U32, GV_SHF_R, 0x00000001, 0x00000002,
                        1, 0), 0x00000000u);
    CU_ASSERT_EQUAL(alu(GV_I_SHF, GV_T_U32, 0, 0x80000000, 0x00000001, 1, 0),
                    0x00000003u);
    CU_ASSERT_EQUAL(alu(GV_I_SHF, GV_T_U32, GV_SHF_WRAP, 0x80000000, 1, 33,
                        0), 0x00000003u);
    CU_ASSERT_EQUAL(alu(GV_I_SHF, GV_T_U32, 0, 0x80000000, 1, 40, 0),
                    0x80000000u);
}

/* A kernel that counts to @n in one register and stores the count: a
 * launch that takes a while. */
static uint8_t *mod_count(uint32_t *len, uint32_t n)
{
    struct ka a;
    uint32_t p, loop;

    ka_init(&a, 4);
    p = ka_param64(&a);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 0, ka_k(&a, 0), 0, 0, 0);
    loop = ka_op(&a, GV_I_ADD, GV_T_U32, 0, 0, 0, ka_k(&a, 1), 0, 0);
    ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_LT, 1, 0, ka_k(&a, n), 0, 0);
    ka_bra(&a, loop);
    ka_guard(&a, 1, false);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 2, ka_k(&a, p), 0, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 2, 0, 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static uint32_t get_of(struct td *t, unsigned chid)
{
    return td_rd(t, GV_REG_CHAN(chid, GV_CHAN_GET));
}

/*
 * Asynchronous completion (as in QEMU): while channel 1's launch runs,
 * channel 2's fence and copy go through at once, and so does channel 2's
 * own launch, beside channel 1's (concurrent kernels); it ends first.
 * The bootstrap channel's CH_* commands wait (page tables must not change
 * under a kernel), and while they wait a new launch (channel 2's second)
 * is kept, authenticated, not run.  When channel 1's launch ends, the
 * bootstrap ring runs, then the kept launch.
 */
static void test_async_overlap(void)
{
    struct td *t2;
    struct kt ka1, ka2;
    uint32_t len1, len2, count = 0, gids[64], put2;
    uint8_t *img1 = mod_count(&len1, 8u << 20), *img2 = ka_store_gid(&len2);
    uint8_t buf[256];
    uint64_t m1, m2, out1, out2, fence2, v = 0;

    td_async = true;
    t2 = td_new(VRAM, UNPROT, PROT, true);
    td_async = false;
    kt_init(&ka1, t2, 1, NULL, 64 << 10, false);
    kt_init(&ka2, t2, 2, NULL, 64 << 10, false);
    m1 = kt_load(&ka1, img1, len1);
    out1 = kt_alloc(&ka1, 8);
    m2 = kt_load(&ka2, img2, len2);
    out2 = kt_alloc(&ka2, sizeof(gids));
    fence2 = kt_alloc(&ka2, 8);

    struct kt_launch l1 = { .module_va = m1, .module_size = len1,
                            .params = &out1, .param_size = 8,
                            .flags = GV_LAUNCH_IRQ };
    struct kt_launch l2 = { .module_va = m2, .module_size = len2,
                            .block = { 64 }, .params = &out2,
                            .param_size = 8 };
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                              .va = fence2, .value = 0xfe11ce };
    /* a CH_PDE that installs a page table for channel 2 */
    struct gv_cmd_ch_pde cm = {
        .hdr = { GV_OP_CH_PDE, sizeof(cm) }, .chid = 2, .pgd_index = 5,
        .pgt_addr = td_alloc_prot(t2, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE) };

    td_submit_async(t2, 1, buf, kt_launch_cmd(&l1, buf), 0);
    CU_ASSERT(get_of(t2, 1) != t2->put[1]);         /* running */
    /* channel 2: a fence runs at once, beside the kernel */
    td_submit_async(t2, 2, &f, sizeof(f), 1);
    CU_ASSERT_EQUAL(get_of(t2, 2), t2->put[2]);
    kt_read(&ka2, fence2, &v, 8);
    CU_ASSERT_EQUAL(v, 0xfe11ce);
    /* channel 2's launch runs beside channel 1's, and ends first */
    td_submit_async(t2, 2, buf, kt_launch_cmd(&l2, buf), 2);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t2, 2, 60000), 0);
    kt_read(&ka2, out2, gids, sizeof(gids));
    for (uint32_t k = 0; k < 64; k++) {
        CU_ASSERT_EQUAL(gids[k], k);
    }
    kt_read(&ka1, out1, &count, 4);
    CU_ASSERT_EQUAL(count, 0);                      /* not done yet */
    CU_ASSERT(get_of(t2, 1) != t2->put[1]);
    CU_ASSERT(gv_dev_compute_max_concurrent(t2->dev) >= 2);
    /* the bootstrap channel waits; meanwhile a launch is kept */
    td_submit_async(t2, TD_BOOT_CHID, &cm, sizeof(cm), 3);
    CU_ASSERT(get_of(t2, TD_BOOT_CHID) != t2->put[TD_BOOT_CHID]);
    CU_ASSERT_EQUAL(gv_debug_pmm(t2->dev, cm.pgt_addr), 0);
    memset(gids, 0, sizeof(gids));
    kt_write(&ka2, out2, gids, sizeof(gids));
    td_submit_async(t2, 2, buf, kt_launch_cmd(&l2, buf), 4);
    put2 = t2->put[2];
    CU_ASSERT(get_of(t2, 2) != put2);
    kt_read(&ka2, out2, gids, sizeof(gids));
    CU_ASSERT_EQUAL(gids[63], 0);                   /* kept, not run */

    /* launch 1 ends: its ring moves, the bootstrap ring runs, then the
     * kept launch */
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t2, 1, 60000), 0);
    kt_read(&ka1, out1, &count, 4);
    CU_ASSERT_EQUAL(count, 8u << 20);
    CU_ASSERT(td_rd(t2, GV_REG_INTR_STATUS) & GV_INTR_LAUNCH);
    CU_ASSERT_EQUAL(get_of(t2, TD_BOOT_CHID), t2->put[TD_BOOT_CHID]);
    CU_ASSERT(gv_debug_pmm(t2->dev, cm.pgt_addr) != 0);    /* installed */
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t2, 2, 60000), 0);
    kt_read(&ka2, out2, gids, sizeof(gids));
    for (uint32_t k = 0; k < 64; k++) {
        CU_ASSERT_EQUAL(gids[k], k);
    }
    CU_ASSERT_EQUAL(td_rd(t2, GV_REG_ERROR_COUNT), 0);
    td_check(t2);
    td_free(t2);
    free(img1);
    free(img2);
}

/* Try to reprogram each of channel @chid's ring and host window
 * registers (attack: repoint them under held work): every write must be
 * refused with CHANNEL_BUSY on @chid and leave the register as it was. */
static void reprogram_refused(struct td *t, unsigned chid)
{
    static const uint32_t regs[] = {
        GV_CHAN_RING_LO, GV_CHAN_RING_HI, GV_CHAN_RING_ENTRIES,
        GV_CHAN_HOSTWIN_LO, GV_CHAN_HOSTWIN_HI, GV_CHAN_HOSTWIN_SIZE,
    };
    static const uint32_t evil[] = { 0x4000, 0x1, 16, 0x5000, 0x1, 4096 };

    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        uint32_t before = td_rd(t, GV_REG_CHAN(chid, regs[i]));
        uint32_t errors = td_rd(t, GV_REG_ERROR_COUNT);

        td_wr(t, GV_REG_ERROR_ACK, 1);
        td_wr(t, GV_REG_CHAN(chid, regs[i]), evil[i]);
        CU_ASSERT_EQUAL(td_rd(t, GV_REG_CHAN(chid, regs[i])), before);
        CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_COUNT), errors + 1);
        CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_CODE), GV_ERR_CHANNEL_BUSY);
        CU_ASSERT_EQUAL(td_rd(t, GV_REG_ERROR_CHID), chid);
    }
}

/*
 * A channel's ring and host window cannot be reprogrammed while it holds
 * work back (rule CHANNEL_BUSY), even when the driver makes it look idle
 * by writing PUT = GET: channel 1 with its launch running on the engine,
 * channel 2 with its launching group kept (a bootstrap command waits for
 * the engine, so no launch starts meanwhile).
 * Once both launches are done, both channels take a new ring.
 */
static void test_reprogram_while_held(void)
{
    struct td *t2;
    struct kt ka1, ka2;
    uint32_t len1, len2, count = 0, gids[64], put1, put2, errors;
    uint8_t *img1 = mod_count(&len1, 8u << 20), *img2 = ka_store_gid(&len2);
    uint8_t buf[256];
    uint64_t m1, m2, out1, out2;

    td_async = true;
    t2 = td_new(VRAM, UNPROT, PROT, true);
    td_async = false;
    kt_init(&ka1, t2, 1, NULL, 64 << 10, false);
    kt_init(&ka2, t2, 2, NULL, 64 << 10, false);
    m1 = kt_load(&ka1, img1, len1);
    out1 = kt_alloc(&ka1, 8);
    m2 = kt_load(&ka2, img2, len2);
    out2 = kt_alloc(&ka2, sizeof(gids));

    struct kt_launch l1 = { .module_va = m1, .module_size = len1,
                            .params = &out1, .param_size = 8 };
    struct kt_launch l2 = { .module_va = m2, .module_size = len2,
                            .block = { 64 }, .params = &out2,
                            .param_size = 8 };
    /* a bootstrap command, which waits for the engine */
    struct gv_cmd_ch_pde cm = {
        .hdr = { GV_OP_CH_PDE, sizeof(cm) }, .chid = 2, .pgd_index = 5,
        .pgt_addr = td_alloc_prot(t2, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE) };

    td_submit_async(t2, 1, buf, kt_launch_cmd(&l1, buf), 0);
    td_submit_async(t2, TD_BOOT_CHID, &cm, sizeof(cm), 3);
    td_submit_async(t2, 2, buf, kt_launch_cmd(&l2, buf), 1);
    put1 = t2->put[1];
    put2 = t2->put[2];
    CU_ASSERT_FATAL(get_of(t2, 1) != put1);         /* running */
    CU_ASSERT_FATAL(get_of(t2, 2) != put2);         /* kept */

    /* The driver rewinds PUT to GET: "idle" by the old rule. */
    td_wr(t2, GV_REG_CHAN(1, GV_CHAN_PUT), get_of(t2, 1));
    td_wr(t2, GV_REG_CHAN(2, GV_CHAN_PUT), get_of(t2, 2));
    CU_ASSERT_EQUAL(get_of(t2, 1), td_rd(t2, GV_REG_CHAN(1, GV_CHAN_PUT)));
    reprogram_refused(t2, 1);
    reprogram_refused(t2, 2);
    td_wr(t2, GV_REG_CHAN(1, GV_CHAN_PUT), put1);
    td_wr(t2, GV_REG_CHAN(2, GV_CHAN_PUT), put2);

    /* Both launches end where they were submitted. */
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t2, 1, 60000), 0);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait_chan(t2, 2, 60000), 0);
    CU_ASSERT_EQUAL(get_of(t2, 1), put1);
    CU_ASSERT_EQUAL(get_of(t2, 2), put2);
    kt_read(&ka1, out1, &count, 4);
    CU_ASSERT_EQUAL(count, 8u << 20);
    kt_read(&ka2, out2, gids, sizeof(gids));
    CU_ASSERT_EQUAL(gids[63], 63);
    CU_ASSERT_EQUAL(td_rd(t2, GV_REG_ERROR_CODE), GV_ERR_CHANNEL_BUSY);

    /* Idle now: a new ring is accepted, and runs. */
    td_wr(t2, GV_REG_ERROR_ACK, 1);
    td_ring_setup(t2, 1);
    td_ring_setup(t2, 2);
    CU_ASSERT_EQUAL(td_rd(t2, GV_REG_ERROR_CODE), GV_ERR_NONE);
    errors = td_rd(t2, GV_REG_ERROR_COUNT);
    td_submit_async(t2, 1, buf, kt_launch_cmd(&l2, buf), 2);
    CU_ASSERT_EQUAL_FATAL(td_engine_wait(t2, 60000), 0);
    CU_ASSERT_EQUAL(get_of(t2, 1), t2->put[1]);
    CU_ASSERT_EQUAL(td_rd(t2, GV_REG_ERROR_COUNT), errors);
    td_check(t2);
    td_free(t2);
    free(img1);
    free(img2);
}

/*
 * Attack 16, the device escape (issue 9, item 3): a kernel on a normal
 * channel aims one access at an offset that wraps around 2^64.  The
 * generic load/store/atomic path checked addr + size <= limit, so a store
 * to shared offset 2^64 - 8 wrote the 8 bytes before the host's buffer
 * (the allocator's header: QEMU aborted).  Each case is one kernel:
 *   r0 = the address (parameter 0; or a constant, or MADDR of one),
 *   r1 = parameter 1, where a load or an atomic leaves its value;
 *   LD r2 = [r0 + imm]  /  ST [r0 + imm] = 0x1122334455667788  /
 *   ATOM r2 = [r0 + imm] (add 1, or cas 0 -> 2), then [r1] = r2.
 * Each must fault (nothing leaks to [r1]) and leave the device working;
 * the in-range controls must work.  Under ASan (build-a) a wrap that got
 * through shows as a heap-buffer-overflow.
 */
enum { ESC_REG, ESC_CONST, ESC_MADDR };

struct esc {
    const char *what;
    unsigned op, type, mod;     /* mod: space | atom op << 4 */
    uint64_t addr;
    int16_t imm;
    int expect;
    uint32_t local;             /* bytes of local memory per thread */
    int kind;                   /* ESC_*: how r0 gets the address */
};

#define ESC_SHARED_STATIC 16u
#define ESC_SHARED_DYN    47u   /* shared memory: 63 bytes in all */
#define ESC_SHARED        (ESC_SHARED_STATIC + ESC_SHARED_DYN)
#define ESC_VALUE         0x1122334455667788ull

static uint8_t *mod_escape(const struct esc *e, uint32_t *len)
{
    struct ka a;
    uint32_t p0, p1;
    uint16_t addr = 0;

    ka_init(&a, 4);
    p0 = ka_param64(&a);
    p1 = ka_param64(&a);
    a.shared_size = ESC_SHARED_STATIC;
    a.local_size = e->local;
    if (e->kind == ESC_REG) {
        ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p0), 0, 0,
              0);
    } else if (e->kind == ESC_CONST) {
        addr = ka_k(&a, e->addr);
    } else {
        ka_op(&a, GV_I_MADDR, GV_T_U64, 0, 0, ka_k(&a, e->addr), 0, 0, 0);
    }
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, ka_k(&a, p1), 0, 0, 0);
    if (e->op == GV_I_ST) {
        ka_op(&a, GV_I_ST, e->type, e->mod, 0, addr, ka_k(&a, ESC_VALUE), 0,
              (uint16_t)e->imm);
    } else {
        ka_op(&a, e->op, e->type, e->mod, 2, addr, ka_k(&a, 1), ka_k(&a, 2),
              (uint16_t)e->imm);
        if (e->op == GV_I_ATOM && (e->mod >> 4) != GV_ATOM_CAS) {
            a.ins[a.n - 1].c = 0;
        }
        ka_op(&a, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, 1, 2, 0, 0);
    }
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

/* Run each case on k1 (a normal channel), a good launch after each. */
static void run_escapes(const struct esc *t, size_t n)
{
    uint32_t plen;
    uint8_t *poke = mod_poke(&plen, false);
    uint64_t pva = kt_load(&k1, poke, plen), cell = kt_alloc(&k1, 8);
    uint64_t out = kt_alloc(&k1, 8);

    for (size_t c = 0; c < n; c++) {
        const struct esc *e = &t[c];
        uint32_t len, one = 0;
        uint8_t *img = mod_escape(e, &len);
        uint64_t mva = kt_load(&k1, img, len), params[2] = { e->addr, out };
        uint64_t leak = 0, zero = 0;
        struct kt_launch l = { .module_va = mva, .module_size = len,
                               .block = { 64 }, .shared_dyn = ESC_SHARED_DYN,
                               .params = params, .param_size = 16 };
        struct kt_launch good = { .module_va = pva, .module_size = plen,
                                  .params = &cell, .param_size = 8 };
        int r;

        kt_write(&k1, out, &zero, 8);
        r = kt_launch(&k1, &l);
        kt_read(&k1, out, &leak, 8);
        if (r != e->expect || (e->expect == GV_ERR_FAULT && leak)) {
            fprintf(stderr, "\n    %s: error %d (expected %d), [r1] = "
                    "0x%" PRIx64 "\n", e->what, r, e->expect, leak);
            CU_FAIL("attack 16: an access at a wrapping offset");
        }
        /* the device and the channel keep working */
        kt_write(&k1, cell, &zero, 8);
        CU_ASSERT_EQUAL(kt_launch(&k1, &good), GV_ERR_NONE);
        kt_read(&k1, cell, &one, 4);
        CU_ASSERT_EQUAL(one, 1);
        free(img);
    }
    free(poke);
}

#define W64 0ull                        /* 2^64, for readability */
#define SH(k) ((k) | GV_SPACE_SHARED)
#define ESC_F GV_ERR_FAULT
#define ESC_OK GV_ERR_NONE

/* Shared memory (63 bytes): the exploit of issue 9 and the limits, on
 * the generic path (u8, u16, u64 stores, u16 loads) and the fast forms
 * (LDS8/LDS32/LDS64, STS32). */
static void test_escape_shared(void)
{
    static const struct esc t[] = {
        { "st.shared.u64 [2^64-8] (the exploit)", GV_I_ST, GV_T_U64,
          GV_SPACE_SHARED, W64 - 8, 0, ESC_F, 0, 0 },
        { "st.shared.u32 [2^64-4] (STS32)", GV_I_ST, GV_T_U32,
          GV_SPACE_SHARED, W64 - 4, 0, ESC_F, 0, 0 },
        { "st.shared.u8 [2^64-1]", GV_I_ST, GV_T_U8, GV_SPACE_SHARED,
          W64 - 1, 0, ESC_F, 0, 0 },
        { "st.shared.u32 [2^64-4096]", GV_I_ST, GV_T_U32, GV_SPACE_SHARED,
          W64 - 4096, 0, ESC_F, 0, 0 },
        { "st.shared.u64 [8 - 16]", GV_I_ST, GV_T_U64, GV_SPACE_SHARED, 8,
          -16, ESC_F, 0, 0 },
        { "st.shared.u8 [limit]", GV_I_ST, GV_T_U8, GV_SPACE_SHARED,
          ESC_SHARED, 0, ESC_F, 0, 0 },
        { "st.shared.u16 [limit-1]", GV_I_ST, GV_T_U16, GV_SPACE_SHARED,
          ESC_SHARED - 1, 0, ESC_F, 0, 0 },
        { "ld.shared.u16 [limit-1]", GV_I_LD, GV_T_U16, GV_SPACE_SHARED,
          ESC_SHARED - 1, 0, ESC_F, 0, 0 },
        { "ld.shared.u64 [2^64-8] (LDS64)", GV_I_LD, GV_T_U64,
          GV_SPACE_SHARED, W64 - 8, 0, ESC_F, 0, 0 },
        { "ld.shared.u32 [2^64-4] (LDS32)", GV_I_LD, GV_T_U32,
          GV_SPACE_SHARED, W64 - 4, 0, ESC_F, 0, 0 },
        { "ld.shared.u8 [2^64-1] (LDS8)", GV_I_LD, GV_T_U8, GV_SPACE_SHARED,
          W64 - 1, 0, ESC_F, 0, 0 },
        { "ld.shared.u8 [limit] (LDS8)", GV_I_LD, GV_T_U8, GV_SPACE_SHARED,
          ESC_SHARED, 0, ESC_F, 0, 0 },
        { "ld.shared.s16 [2^64-2]", GV_I_LD, GV_T_S16, GV_SPACE_SHARED,
          W64 - 2, 0, ESC_F, 0, 0 },
        /* in range: the last byte, the last u16, the last u32 */
        { "st.shared.u8 [limit-1]", GV_I_ST, GV_T_U8, GV_SPACE_SHARED,
          ESC_SHARED - 1, 0, ESC_OK, 0, 0 },
        { "st.shared.u16 [limit-3]", GV_I_ST, GV_T_U16, GV_SPACE_SHARED,
          ESC_SHARED - 3, 0, ESC_OK, 0, 0 },
        { "ld.shared.u32 [56]", GV_I_LD, GV_T_U32, GV_SPACE_SHARED, 56, 0,
          ESC_OK, 0, 0 },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Local memory (16 and 15 bytes per thread, and none). */
static void test_escape_local(void)
{
    static const struct esc t[] = {
        { "st.local.u64 [2^64-8]", GV_I_ST, GV_T_U64, GV_SPACE_LOCAL,
          W64 - 8, 0, ESC_F, 16, 0 },
        { "ld.local.u64 [2^64-8]", GV_I_LD, GV_T_U64, GV_SPACE_LOCAL,
          W64 - 8, 0, ESC_F, 16, 0 },
        { "st.local.u8 [2^64-1]", GV_I_ST, GV_T_U8, GV_SPACE_LOCAL,
          W64 - 1, 0, ESC_F, 16, 0 },
        { "ld.local.u32 [2^64-4096]", GV_I_LD, GV_T_U32, GV_SPACE_LOCAL,
          W64 - 4096, 0, ESC_F, 16, 0 },
        { "st.local.u32 [4 - 8]", GV_I_ST, GV_T_U32, GV_SPACE_LOCAL, 4, -8,
          ESC_F, 16, 0 },
        { "st.local.u8 [limit]", GV_I_ST, GV_T_U8, GV_SPACE_LOCAL, 16, 0,
          ESC_F, 16, 0 },
        { "st.local.u16 [limit-1] (15 bytes)", GV_I_ST, GV_T_U16,
          GV_SPACE_LOCAL, 14, 0, ESC_F, 15, 0 },
        { "st.local.u32 [0], no local memory", GV_I_ST, GV_T_U32,
          GV_SPACE_LOCAL, 0, 0, ESC_F, 0, 0 },
        { "ld.local.u8 [2^64-1], no local memory", GV_I_LD, GV_T_U8,
          GV_SPACE_LOCAL, W64 - 1, 0, ESC_F, 0, 0 },
        { "st.local.u8 [limit-1]", GV_I_ST, GV_T_U8, GV_SPACE_LOCAL, 15, 0,
          ESC_OK, 16, 0 },
        { "ld.local.u64 [8]", GV_I_LD, GV_T_U64, GV_SPACE_LOCAL, 8, 0,
          ESC_OK, 16, 0 },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Parameters (16 bytes): a wrapped ld.param read the launch's own host
 * structure in front of the buffer (and handed it to the kernel). */
static void test_escape_param(void)
{
    static const struct esc t[] = {
        { "ld.param.u64 [2^64-8]", GV_I_LD, GV_T_U64, GV_SPACE_PARAM,
          W64 - 8, 0, ESC_F, 0, 0 },
        { "ld.param.u32 [2^64-4]", GV_I_LD, GV_T_U32, GV_SPACE_PARAM,
          W64 - 4, 0, ESC_F, 0, 0 },
        { "ld.param.u8 [8 - 9]", GV_I_LD, GV_T_U8, GV_SPACE_PARAM, 8, -9,
          ESC_F, 0, 0 },
        { "ld.param.u8 [limit]", GV_I_LD, GV_T_U8, GV_SPACE_PARAM, 16, 0,
          ESC_F, 0, 0 },
        { "ld.param.u64 [2^64-8], constant (LDP_UNI)", GV_I_LD, GV_T_U64,
          GV_SPACE_PARAM, W64 - 8, 0, ESC_F, 0, ESC_CONST },
        { "ld.param.u64 [16 - 24], constant (LDP_UNI)", GV_I_LD, GV_T_U64,
          GV_SPACE_PARAM, 16, -24, ESC_F, 0, ESC_CONST },
        { "ld.param.u32 [12 + 4], constant (LDP_UNI)", GV_I_LD, GV_T_U32,
          GV_SPACE_PARAM, 12, 4, ESC_F, 0, ESC_CONST },
        { "st.param.u64: refused by the validator", GV_I_ST, GV_T_U64,
          GV_SPACE_PARAM, W64 - 8, 0, GV_ERR_BAD_MODULE, 0, 0 },
        { "ld.param.u32 [12]", GV_I_LD, GV_T_U32, GV_SPACE_PARAM, 12, 0,
          ESC_OK, 0, 0 },
        { "ld.param.u32 [12], constant", GV_I_LD, GV_T_U32, GV_SPACE_PARAM,
          12, 0, ESC_OK, 0, ESC_CONST },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Atomics: shared (the host's atomic instructions on the address the
 * check let through), generic into shared, global. */
static void test_escape_atomics(void)
{
    static const struct esc t[] = {
        { "atom.shared.add.u32 [2^64-4]", GV_I_ATOM, GV_T_U32,
          SH(GV_ATOM_ADD << 4), W64 - 4, 0, ESC_F, 0, 0 },
        { "atom.shared.cas.b64 [2^64-8]", GV_I_ATOM, GV_T_U64,
          SH(GV_ATOM_CAS << 4), W64 - 8, 0, ESC_F, 0, 0 },
        { "atom.shared.exch.b32 [2^64-4096]", GV_I_ATOM, GV_T_U32,
          SH(GV_ATOM_EXCH << 4), W64 - 4096, 0, ESC_F, 0, 0 },
        { "atom.shared.add.f32 [4 - 8]", GV_I_ATOM, GV_T_F32,
          SH(GV_ATOM_ADD << 4), 4, -8, ESC_F, 0, 0 },
        { "atom.shared.add.u32 [limit-3]", GV_I_ATOM, GV_T_U32,
          SH(GV_ATOM_ADD << 4), ESC_SHARED - 3, 0, ESC_F, 0, 0 },
        { "atom.add.u32 [generic shared - 4]", GV_I_ATOM, GV_T_U32,
          GV_SPACE_GENERIC | GV_ATOM_ADD << 4, GV_GENERIC_SHARED - 4, 0,
          ESC_F, 0, 0 },
        { "atom.global.add.u64 [2^64-8]", GV_I_ATOM, GV_T_U64,
          GV_SPACE_GLOBAL | GV_ATOM_ADD << 4, W64 - 8, 0, ESC_F, 0, 0 },
        { "atom.shared.add.u32 [56]", GV_I_ATOM, GV_T_U32,
          SH(GV_ATOM_ADD << 4), 56, 0, ESC_OK, 0, 0 },
        { "atom.add.u32 [generic shared + 56]", GV_I_ATOM, GV_T_U32,
          GV_SPACE_GENERIC | GV_ATOM_ADD << 4, GV_GENERIC_SHARED + 56, 0,
          ESC_OK, 0, 0 },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Generic addresses: only the windows of docs/isa.md, each bounded by its
 * space; an address just below a window is not offset 2^64 - 8 in it. */
static void test_escape_generic(void)
{
    static const struct esc t[] = {
        { "st.u64 [generic shared - 8]", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, GV_GENERIC_SHARED - 8, 0, ESC_F, 0, 0 },
        { "st.u64 [generic shared + 8 - 16]", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, GV_GENERIC_SHARED + 8, -16, ESC_F, 0, 0 },
        { "st.u64 [generic shared + 4 GiB - 8]", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, GV_GENERIC_SHARED + GV_GENERIC_WINDOW - 8, 0,
          ESC_F, 0, 0 },
        { "st.u8 [generic shared + limit]", GV_I_ST, GV_T_U8,
          GV_SPACE_GENERIC, GV_GENERIC_SHARED + ESC_SHARED, 0, ESC_F, 0, 0 },
        { "ld.u64 [generic local - 8]", GV_I_LD, GV_T_U64, GV_SPACE_GENERIC,
          GV_GENERIC_LOCAL - 8, 0, ESC_F, 16, 0 },
        { "st.u64 [generic local + 4 GiB - 8]", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, GV_GENERIC_LOCAL + GV_GENERIC_WINDOW - 8, 0,
          ESC_F, 16, 0 },
        { "st.u32 [generic local], no local memory", GV_I_ST, GV_T_U32,
          GV_SPACE_GENERIC, GV_GENERIC_LOCAL, 0, ESC_F, 0, 0 },
        { "st.u64 [2^64-8] (no window)", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, W64 - 8, 0, ESC_F, 0, 0 },
        { "st.u64 [generic shared + 8]", GV_I_ST, GV_T_U64,
          GV_SPACE_GENERIC, GV_GENERIC_SHARED + 8, 0, ESC_OK, 0, 0 },
        { "ld.u64 [generic local + 8]", GV_I_LD, GV_T_U64, GV_SPACE_GENERIC,
          GV_GENERIC_LOCAL + 8, 0, ESC_OK, 16, 0 },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Global memory: virtual addresses near 2^64 and at the end of the 40-bit
 * space, on the fast forms (LDG32, STG64) and the generic path; MADDR of
 * an offset that wraps around 2^64 (the data section's address + a
 * constant) gives an address like any other, translated or faulting. */
static void test_escape_global(void)
{
    static const struct esc t[] = {
        { "ld.global.u32 [2^64-4] (LDG32)", GV_I_LD, GV_T_U32,
          GV_SPACE_GLOBAL, W64 - 4, 0, ESC_F, 0, 0 },
        { "st.global.u64 [2^64-8] (STG64)", GV_I_ST, GV_T_U64,
          GV_SPACE_GLOBAL, W64 - 8, 0, ESC_F, 0, 0 },
        { "ld.global.u16 [2^64-2]", GV_I_LD, GV_T_U16, GV_SPACE_GLOBAL,
          W64 - 2, 0, ESC_F, 0, 0 },
        { "st.global.u32 [2^40-4]", GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL,
          (1ull << 40) - 4, 0, ESC_F, 0, 0 },
        { "ld.global.u64 [2^40 + 8 - 16]", GV_I_LD, GV_T_U64,
          GV_SPACE_GLOBAL, (1ull << 40) + 8, -16, ESC_F, 0, 0 },
        { "ld.u8 [generic 2^40-1]", GV_I_LD, GV_T_U8, GV_SPACE_GENERIC,
          (1ull << 40) - 1, 0, ESC_F, 0, 0 },
        { "ld.global.u64 [maddr -2^41]: below 0", GV_I_LD, GV_T_U64,
          GV_SPACE_GLOBAL, W64 - (2ull << 40), 0, ESC_F, 0, ESC_MADDR },
        { "ld.global.u32 [maddr 2^40 - 16 + 16]", GV_I_LD, GV_T_U32,
          GV_SPACE_GLOBAL, (1ull << 40) - 16, 16, ESC_F, 0, ESC_MADDR },
        { "st.global.u64 [maddr 2^63]", GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL,
          1ull << 63, 0, ESC_F, 0, ESC_MADDR },
        { "ld.global.u64 [maddr -256]: the module's own bytes", GV_I_LD,
          GV_T_U64, GV_SPACE_GLOBAL, W64 - 256, 0, ESC_OK, 0, ESC_MADDR },
    };

    run_escapes(t, sizeof(t) / sizeof(t[0]));
}

/* Module sections and function ranges whose end wraps around 2^32 (each
 * would fit if computed in 32 bits): refused before anything runs. */
static void test_escape_module(void)
{
    uint32_t len;
    uint8_t *img = ka_store_gid(&len), *m = malloc(len);
    uint64_t mva = kt_alloc(&k1, len), out = kt_alloc(&k1, 4096);
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .block = { 32 }, .params = &out,
                           .param_size = 8 };
    const struct gv_isa_module *h0 = (const void *)img;
    char why[160];

    for (int c = 0; c < 7; c++) {
        struct gv_isa_module *h = (void *)m;
        struct gv_isa_func *f = (void *)(m + h0->funcs_off);

        memcpy(m, img, len);
        switch (c) {
        case 0:     /* 76695845 * 56 = 2^32 + 24 */
            h->nfuncs = 76695845;
            break;
        case 1:
            h->consts_off = len - 8;
            h->nconsts = 0x20000001;    /* 8 * n = 2^32 + 8 */
            break;
        case 2:
            h->strings_off = 8;
            h->strings_size = UINT32_MAX - 7;
            break;
        case 3:
            h->data_off = 256;
            h->data_size = UINT32_MAX - 255 + 64;
            break;
        case 4:
            f->insn_start = UINT32_MAX;
            f->insn_count = 2;
            break;
        case 5:
            f->param_start = UINT32_MAX;
            f->nparams = 2;
            break;
        default:
            h->insns_off = UINT32_MAX - 7;
            break;
        }
        CU_ASSERT_EQUAL(gv_compute_check_module(m, len, why, sizeof(why)),
                        -1);
        kt_write(&k1, mva, m, len);
        CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_BAD_MODULE);
    }
    kt_write(&k1, mva, img, len);
    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    check_still_works(&k1);
    free(m);
    free(img);
}

/* Shuffle lane operands far outside the warp (b, c = 2^32 - 1): each
 * lane reads a lane of its own warp, as PTX clamps. */
static void test_escape_shfl(void)
{
    struct ka a;
    uint32_t len, p, res[64];
    uint8_t *img;
    uint64_t mva, out;

    ka_init(&a, 8);
    p = ka_param64(&a);
    ka_op(&a, GV_I_S2R, GV_T_U32, TX, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 1, 0, ka_k(&a, 1000), 0, 0);
    for (unsigned mode = GV_SHFL_UP; mode <= GV_SHFL_IDX; mode++) {
        ka_op(&a, GV_I_SHFL, GV_T_U32, mode, 1, 1, ka_k(&a, UINT32_MAX),
              ka_k(&a, UINT32_MAX), GV_ISA_NONE);
    }
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 2, ka_k(&a, p), 0, 0, 0);
    ka_st_u32_at(&a, 2, 0, 1, 3);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    img = ka_build(&a, &len);
    mva = kt_load(&k1, img, len);
    out = kt_alloc(&k1, sizeof(res));
    struct kt_launch l = { .module_va = mva, .module_size = len,
                           .block = { 64 }, .params = &out,
                           .param_size = 8 };

    CU_ASSERT_EQUAL(kt_launch(&k1, &l), GV_ERR_NONE);
    kt_read(&k1, out, res, sizeof(res));
    for (uint32_t t = 0; t < 64; t++) {
        CU_ASSERT(res[t] >= 1000 && res[t] < 1064 &&
                  (res[t] - 1000) / GV_WARP == t / GV_WARP);
    }
    free(img);
}

/* A DMA read that first polls the engine from inside the device, as a
 * host whose DMA let the main loop run a pending bottom half would. */
static bool poll_armed;

static int dma_poll_inside(void *opaque, uint64_t addr, void *buf,
                           uint64_t len)
{
    struct td *t = opaque;

    if (poll_armed) {
        poll_armed = false;
        gv_dev_engine_poll(t->dev);
    }
    if (addr < TD_GUEST_BASE || len > TD_GUEST_SIZE ||
        addr - TD_GUEST_BASE > TD_GUEST_SIZE - len) {
        return -1;
    }
    memcpy(buf, t->guest + (addr - TD_GUEST_BASE), len);
    return 0;
}

/*
 * Re-entrancy (attack 20): an engine poll that arrives while the device is
 * busy waits until the current access ends.  Run inside channel 2's
 * doorbell, it would run the rings with work, channel 2's included, so
 * the entry being fetched would run twice (a bad group: two errors).
 */
static void test_poll_deferred(void)
{
    struct td *t2;
    struct kt ka;
    uint32_t len, put1, errors;
    uint8_t *img = mod_count(&len, 1000), buf[256];
    uint64_t m, out;
    struct gv_group_hdr bad = { .magic = 0 };

    td_async = true;
    t2 = td_new(VRAM, UNPROT, PROT, true);
    td_async = false;
    kt_init(&ka, t2, 1, NULL, 64 << 10, false);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(t2, 2, 2), GV_ERR_NONE);
    td_ring_setup(t2, 2);
    m = kt_load(&ka, img, len);
    out = kt_alloc(&ka, 8);

    struct kt_launch l = { .module_va = m, .module_size = len,
                           .params = &out, .param_size = 8 };

    td_submit_async(t2, 1, buf, kt_launch_cmd(&l, buf), 0);
    put1 = t2->put[1];
    for (unsigned ms = 0; ms < 60000 &&
         !__atomic_load_n(&t2->engine_done, __ATOMIC_SEQ_CST); ms++) {
        struct timespec ts = { 0, 1000000 };

        nanosleep(&ts, NULL);
    }
    CU_ASSERT_FATAL(__atomic_exchange_n(&t2->engine_done, 0,
                                        __ATOMIC_SEQ_CST));
    CU_ASSERT(get_of(t2, 1) != put1);           /* ended, not finished */

    errors = td_rd(t2, GV_REG_ERROR_COUNT);
    td_set_dma_read(t2, dma_poll_inside);
    poll_armed = true;
    CU_ASSERT_EQUAL(td_submit_raw(t2, 2, &bad, sizeof(bad), 0),
                    GV_ERR_BAD_GROUP);
    CU_ASSERT_FALSE(poll_armed);
    CU_ASSERT_EQUAL(td_rd(t2, GV_REG_ERROR_COUNT), errors + 1);
    /* the poll ran once the doorbell's access ended */
    CU_ASSERT_EQUAL(get_of(t2, 1), put1);
    td_set_dma_read(t2, NULL);
    td_check(t2);
    td_free(t2);
    free(img);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "ALU edge cases", test_alu_edges },
        { "thread indexing", test_gid },
        { "divergent loop then barrier", test_diverge_barrier },
        { "atomics across SMs", test_atomics },
        { "shuffle, vote, local and generic memory", test_shfl_vote_local },
        { "fence and interrupt", test_fence_irq },
        { "faults and isolation (attack 13)", test_fault_isolation },
        { "launch from a bootstrap channel refused", test_bootstrap_refused },
        { "malformed launches refused", test_bad_launches },
        { "corrupted modules", test_module_fuzz },
        { "watchdog", test_watchdog },
        { "launch on a secure channel", test_secure_launch },
        { "asynchronous: copies beside a kernel, launches and CH_* wait",
          test_async_overlap },
        { "attack 16: shared memory at wrapping offsets (issue 9's exploit)",
          test_escape_shared },
        { "attack 16: local memory at wrapping offsets, and none",
          test_escape_local },
        { "attack 16: parameters at wrapping offsets", test_escape_param },
        { "attack 16: atomics at wrapping offsets", test_escape_atomics },
        { "attack 16: generic addresses outside their windows",
          test_escape_generic },
        { "attack 16: global addresses near 2^64 and 2^40, MADDR wraps",
          test_escape_global },
        { "attack 16: module sections that wrap", test_escape_module },
        { "attack 16: shuffle lanes out of range", test_escape_shfl },
        { "ring and host window not reprogrammed under a held launch "
          "(CHANNEL_BUSY)", test_reprogram_while_held },
        { "an engine poll from inside the device waits (attack 20)",
          test_poll_deferred },
        { NULL, NULL },
    };

    return gv_add_suite("compute-engine", setup, teardown, t);
}
