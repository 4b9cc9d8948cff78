/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device-time model (hw/core/gv_devtime.c, docs/devtime.md): off it
 * reads 0; with a profile each command, secure group and launch advances
 * the modelled clock by what the profile says, exactly.  And the command
 * processor's host-time profile (GV_REG_PROF_*, Table 1's split): what
 * each command spends clearing memory and in cryptography, and when the
 * doorbell and the interrupt came.
 */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_regs.h"
#include "gv_devtime.h"
#include "gv_ktest.h"
#include "gv_testdev.h"
#include "gvrt_secure.h"

#define VRAM (64ull << 20)
#define UNPROT (8ull << 20)
#define PROT (32ull << 20)

/* The modelled clock through the registers (LO latches HI). */
static uint64_t clock_ns(struct td *td)
{
    uint32_t lo = td_rd(td, GV_REG_DEVTIME_LO);

    return (uint64_t)td_rd(td, GV_REG_DEVTIME_HI) << 32 | lo;
}

static struct td *device(const char *timing, bool aes)
{
    struct td *td;

    td_timing = timing;
    td_aes_engine = aes;
    td = td_new(VRAM, UNPROT, PROT, true);
    td_timing = NULL;
    td_aes_engine = false;
    return td;
}

/* Rounded as the model adds. */
static uint64_t ns(double x)
{
    return (uint64_t)(x + 0.5);
}

static void test_off(void)
{
    struct td *td = device(NULL, false);

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(clock_ns(td), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DEVTIME_PROFILE), 0);
    td_free(td);
}

static void test_unknown_profile(void)
{
    struct gv_config cfg = { .vram_size = VRAM, .timing = "titan-white" };
    const char *err = NULL;
    struct gv_dev *dev = gv_dev_new(&cfg, NULL, NULL, &err);

    CU_ASSERT_PTR_NULL(dev);
    CU_ASSERT(err && strstr(err, "timing") != NULL);
    if (dev) {
        gv_dev_free(dev);
    }
}

/* Management commands: a small table costs its clearing, a big one less. */
static void test_tables(void)
{
    const struct gv_devtime_profile *p = gv_devtime_profile("titan-black");
    struct td *td = device("titan-black", false);
    uint64_t t0, t1, t2;

    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DEVTIME_PROFILE), 1);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    t0 = clock_ns(td);
    CU_ASSERT(t0 >= ns(p->cmd_ns + (GV_PGD_BYTES + GV_PAGE_SIZE) /
                                   p->mem_gbps) - 1);
    td_table(td, 1, 0, false);
    t1 = clock_ns(td);
    CU_ASSERT_EQUAL(t1 - t0, ns(p->cmd_ns + GV_PGT_SMALL_BYTES /
                                            p->mem_gbps));
    td_table(td, 1, 1, true);
    t2 = clock_ns(td);
    CU_ASSERT_EQUAL(t2 - t1, ns(p->cmd_ns + GV_PGT_BIG_BYTES /
                                            p->mem_gbps));
    td_free(td);
}

/* A secure group costs its decryption: in firmware, or by an AES engine. */
static uint64_t secure_fence_ns(bool aes)
{
    struct td *td = device("h100", aes);
    struct gvrt_secure s;
    struct kt k;
    uint64_t t0, t1, va;

    memset(&s, 0, sizeof(s));
    kt_init(&k, td, 2, &s, 64 << 10, true);
    va = kt_alloc(&k, 64);
    t0 = clock_ns(td);
    CU_ASSERT_EQUAL(td_fence(td, &s, 2, va, 7), GV_ERR_NONE);
    t1 = clock_ns(td);
    td_free(td);
    gvrt_secure_fini(&s);
    return t1 - t0;
}

static void test_groups(void)
{
    const struct gv_devtime_profile *p = gv_devtime_profile("h100");

    CU_ASSERT_EQUAL(secure_fence_ns(false), ns(p->cmd_ns) +
                                            ns(p->group_sw_ns));
    CU_ASSERT_EQUAL(secure_fence_ns(true), ns(p->cmd_ns) +
                                           ns(p->group_hw_ns));
}

/* A launch: its fixed cost and its lane instructions over the profile's
 * lanes, clock and issue rate. */
static void test_launch(void)
{
    const struct gv_devtime_profile *p = gv_devtime_profile("titan-black");
    struct td *td = device("titan-black", false);
    uint32_t len;
    uint8_t *img = ka_store_gid(&len);
    uint64_t out, t0, t1, i0, i1;
    struct kt k;
    struct kt_launch l = { .module_size = len, .grid = { 64 },
                           .block = { 128 }, .params = &out,
                           .param_size = 8 };

    kt_init(&k, td, 1, NULL, 256 << 10, true);
    l.module_va = kt_load(&k, img, len);
    out = kt_alloc(&k, 64 * 128 * 4);
    i0 = gv_dev_compute_lane_insns(td->dev);
    t0 = clock_ns(td);
    CU_ASSERT_EQUAL_FATAL(kt_launch(&k, &l), GV_ERR_NONE);
    t1 = clock_ns(td);
    i1 = gv_dev_compute_lane_insns(td->dev);
    CU_ASSERT(i1 > i0);
    CU_ASSERT_EQUAL(t1 - t0, ns(p->cmd_ns + p->launch_ns +
                                (double)(i1 - i0) /
                                (p->sms * p->lanes * p->clock_ghz *
                                 p->ipc)));
    CU_ASSERT_EQUAL(gv_dev_devtime_ns(td->dev), t1);
    free(img);
    td_free(td);
}

/* A profile counter through the registers (LO latches HI). */
static uint64_t prof(struct td *td, uint32_t sel)
{
    uint32_t lo;

    td_wr(td, GV_REG_PROF_SEL, sel);
    lo = td_rd(td, GV_REG_PROF_LO);
    return (uint64_t)td_rd(td, GV_REG_PROF_HI) << 32 | lo;
}

struct split {
    uint64_t busy, init, crypto;
};

static struct split snap(struct td *td)
{
    return (struct split){ prof(td, GV_PROF_BUSY), prof(td, GV_PROF_INIT),
                           prof(td, GV_PROF_CRYPTO) };
}

static struct split since(struct td *td, struct split a)
{
    struct split b = snap(td);

    return (struct split){ b.busy - a.busy, b.init - a.init,
                           b.crypto - a.crypto };
}

/* A secure CH_CREATE is mostly crypto (the quote); a small page table's
 * CH_PDE clears 256 KiB and has none; both within the command's time. */
static void test_prof_split(void)
{
    struct td *td = device(NULL, false);
    struct gvrt_secure s;
    struct split a, d;

    memset(&s, 0, sizeof(s));
    a = snap(td);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &s), GV_ERR_NONE);
    d = since(td, a);
    CU_ASSERT(d.crypto > 0);
    CU_ASSERT(d.busy >= d.crypto + d.init);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    a = snap(td);
    td_table(td, 2, 0, false);
    d = since(td, a);
    CU_ASSERT(d.init > 0);
    CU_ASSERT_EQUAL(d.crypto, 0);
    CU_ASSERT(d.busy >= d.init);
    gvrt_secure_fini(&s);
    td_free(td);
}

/* NOW is the host's clock and arms DOORBELL: the next PUT is stamped
 * between two NOW reads, the one after it is not; IRQ stamps the line's
 * rise.  An unknown selector reads 0. */
static void test_prof_stamps(void)
{
    struct td *td = device(NULL, false);
    uint64_t t0, t1, db;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    t0 = prof(td, GV_PROF_NOW);
    td_table(td, 1, 0, false);
    t1 = prof(td, GV_PROF_NOW);
    db = prof(td, GV_PROF_DOORBELL);
    CU_ASSERT(t0 < t1);
    CU_ASSERT(db >= t0 && db <= t1);
    td_table(td, 1, 1, true);               /* armed again by t1's read */
    CU_ASSERT(prof(td, GV_PROF_DOORBELL) > t1);
    td_table(td, 1, 2, true);               /* not armed: kept */
    CU_ASSERT(prof(td, GV_PROF_DOORBELL) > t1);

    td_wr(td, GV_REG_INTR_MASK, GV_INTR_SOFT);
    t0 = prof(td, GV_PROF_NOW);
    td_wr(td, GV_REG_INTR_RAISE, 1);
    t1 = prof(td, GV_PROF_NOW);
    CU_ASSERT(prof(td, GV_PROF_IRQ) >= t0);
    CU_ASSERT(prof(td, GV_PROF_IRQ) <= t1);

    CU_ASSERT_EQUAL(prof(td, GV_PROF__COUNT), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_PROF_SEL), GV_PROF__COUNT);
    td_free(td);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "off: the clock reads 0", test_off },
        { "an unknown profile is refused", test_unknown_profile },
        { "page tables: their clearing", test_tables },
        { "secure groups: firmware or AES engine", test_groups },
        { "a launch: fixed cost and lane instructions", test_launch },
        { "profile: init and crypto within the command", test_prof_split },
        { "profile: NOW, DOORBELL and IRQ stamps", test_prof_stamps },
        { NULL, NULL },
    };

    return gv_add_suite("device-time model", NULL, NULL, t);
}
