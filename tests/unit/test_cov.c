/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The edge-coverage map of the coverage QEMU (hw/core/gv_cov.c): edges
 * are counted once, in order (A->B is not B->A), identically on every
 * thread, and a reset clears them.  Built twice: test-cov as the plain
 * core has it (no hook: gv_cov_available() is false) and, where the
 * compiler has -fsanitize-coverage=trace-pc, test-cov-hook with
 * GV_COVERAGE and an instrumented file (cov_target.c): there GCC's calls
 * of the hook are what fill the map.
 */
#include <pthread.h>
#include <stdint.h>

#include "cunit_main.h"
#include "gv_cov.h"

#ifdef GV_COVERAGE
#include "cov_target.h"
#endif

#define NPC 1000

/* NPC distinct pretend return addresses, 16 bytes apart. */
static void run_sequence(void)
{
    for (uintptr_t i = 0; i < NPC; i++) {
        gv_cov_hit(0x401000 + 16 * i);
    }
}

static void test_count(void)
{
    uint32_t empty, once, hash;

    gv_cov_reset();
    empty = gv_cov_map_hash();
    CU_ASSERT_EQUAL(gv_cov_edges(), 0);
    gv_cov_hit(0x401000);
    CU_ASSERT_EQUAL(gv_cov_edges(), 1);
    CU_ASSERT_NOT_EQUAL(gv_cov_map_hash(), empty);

    /* NPC edges in 65536 entries: a few collide, none counts twice */
    gv_cov_reset();
    run_sequence();
    once = gv_cov_edges();
    hash = gv_cov_map_hash();
    CU_ASSERT(once > NPC - 40 && once <= NPC);
    /* again: only the first edge (from the last location) can be new */
    run_sequence();
    CU_ASSERT(gv_cov_edges() >= once && gv_cov_edges() <= once + 1);

    /* the same run after a reset: the same map */
    gv_cov_reset();
    CU_ASSERT_EQUAL(gv_cov_edges(), 0);
    CU_ASSERT_EQUAL(gv_cov_map_hash(), empty);
    run_sequence();
    CU_ASSERT_EQUAL(gv_cov_edges(), once);
    CU_ASSERT_EQUAL(gv_cov_map_hash(), hash);
}

/* A then B is not B then A, and A then A is an edge too. */
static void test_order(void)
{
    uint32_t ab, ba;

    gv_cov_reset();
    gv_cov_hit(0x401000);
    gv_cov_hit(0x402000);
    ab = gv_cov_map_hash();
    CU_ASSERT_EQUAL(gv_cov_edges(), 2);
    gv_cov_reset();
    gv_cov_hit(0x402000);
    gv_cov_hit(0x401000);
    ba = gv_cov_map_hash();
    CU_ASSERT_EQUAL(gv_cov_edges(), 2);
    CU_ASSERT_NOT_EQUAL(ab, ba);
    gv_cov_hit(0x401000);
    CU_ASSERT_EQUAL(gv_cov_edges(), 3);
}

static pthread_barrier_t start;

/* NPC_LONG locations: 40,000 edges of 65,536 entries, found together */
#define NPC_LONG 40000

static void *hit_thread(void *arg)
{
    if (arg) {
        pthread_barrier_wait(&start);
    }
    for (uintptr_t i = 0; i < NPC_LONG; i++) {
        gv_cov_hit(0x401000 + 16 * i);
    }
    return NULL;
}

/* Each thread has its own previous location: eight threads running the
 * same sequence at once make the same edges as one, each counted once
 * (started together, they race for the same new entries). */
static void test_threads(void)
{
    pthread_t t[8];
    uint32_t one, hash;

    gv_cov_reset();
    hit_thread(NULL);
    one = gv_cov_edges();
    hash = gv_cov_map_hash();
    gv_cov_reset();
    pthread_barrier_init(&start, NULL, 8);
    for (unsigned i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, hit_thread, &t),
                              0);
    }
    for (unsigned i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
    }
    pthread_barrier_destroy(&start);
    CU_ASSERT_EQUAL(gv_cov_edges(), one);
    CU_ASSERT_EQUAL(gv_cov_map_hash(), hash);
}

#ifdef GV_COVERAGE
/* GCC's hook: the instrumented code's edges, more for a new branch. */
static void test_hook(void)
{
    uint32_t e;

    CU_ASSERT_TRUE(gv_cov_available());
    gv_cov_reset();
    CU_ASSERT_EQUAL(cov_target(0), 5);
    e = gv_cov_edges();
    CU_ASSERT(e >= 2);
    /* the entry edge from the previous call's end is new once */
    cov_target(0);
    cov_target(0);
    e = gv_cov_edges();
    cov_target(0);
    CU_ASSERT_EQUAL(gv_cov_edges(), e);
    /* the odd branch, the loop and the division: new edges */
    CU_ASSERT_EQUAL(cov_target(103), 118738);
    CU_ASSERT(gv_cov_edges() > e + 2);
    gv_cov_reset();
    CU_ASSERT_EQUAL(gv_cov_edges(), 0);
}
#else
static void test_hook(void)
{
    /* the plain core: no hook, nothing calls gv_cov_hit */
    CU_ASSERT_FALSE(gv_cov_available());
}
#endif

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        {"count", test_count},
        {"order", test_order},
        {"threads", test_threads},
        {"hook", test_hook},
        {NULL, NULL},
    };

    return gv_add_suite("cov", NULL, NULL, tests);
}
