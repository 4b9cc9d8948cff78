/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The consistency checker's design invariants (hw/core/gv_check.c): each
 * test builds a healthy device, sees the checker pass, breaks one
 * invariant by hand (as a missing check in the core would) and sees the
 * checker report it with its words.  The fuzzers (fuzz-cp, the guest
 * fuzzer through the debug interface) rely on these reports.
 */
#include <string.h>

#include "cunit_main.h"
#include "gv_internal.h"
#include "gv_testdev.h"

#define VRAM    (32ull << 20)
#define UNPROT  (4ull << 20)
#define PROT    (16ull << 20)

static struct td *td;
static char why[256];

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, true);
}

static void teardown(void)
{
    td_free(td);
    td = NULL;
}

static int check(void)
{
    return gv_dev_check(td->dev, why, sizeof(why));
}

/* Does the checker fail, naming @words? */
static bool reports(const char *words)
{
    return check() != 0 && strstr(why, words) != NULL;
}

/* Normal channel 1 with a small-page table and a page at VA 0. */
static uint64_t normal_with_page(void)
{
    uint64_t page, pte;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    pte = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL_FATAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                          GV_ERR_NONE);
    return page;
}

/* A bootstrap channel whose descriptor lies in protected memory (a device
 * that took DESC_HI without the region check). */
static void test_bootstrap_desc_unprotected(void)
{
    struct gv_chan *ch = &td->dev->chan[6];

    CU_ASSERT_EQUAL(check(), 0);
    ch->type = GV_CHAN_TYPE_BOOTSTRAP;
    ch->desc_addr = td_alloc_unprot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(check(), 0);
    ch->desc_addr = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT(reports("bootstrap channel 6 has its descriptor"));
    ch->desc_addr = VRAM - GV_PAGE_SIZE;        /* hidden */
    CU_ASSERT(reports("not in unprotected memory"));
    memset(ch, 0, sizeof(*ch));
    CU_ASSERT_EQUAL(check(), 0);
}

/* A copy key on a normal channel (SET_COPY_KEY without its check). */
static void test_copy_key_only_secure(void)
{
    normal_with_page();
    CU_ASSERT_EQUAL(check(), 0);
    td->dev->chsec[1].has_copy_key = 1;
    CU_ASSERT(reports("channel 1 (type 2) holds a copy key"));
    td->dev->chsec[1].has_copy_key = 0;
    CU_ASSERT_EQUAL(check(), 0);
}

/* A translation cached before a CH_PTE that did not flush the TLB. */
static void test_tlb_agrees_with_tables(void)
{
    uint64_t page = normal_with_page(), other, table;
    struct gv_tlb_entry *t;

    CU_ASSERT_EQUAL_FATAL(td_fence(td, NULL, 1, 0, 7), GV_ERR_NONE);
    t = &td->dev->tlb[1][0];
    CU_ASSERT_EQUAL_FATAL(t->gen, td->dev->tlb_gen);
    CU_ASSERT_EQUAL(t->ppage_flags & GV_PTE_ADDR_MASK, page);
    CU_ASSERT_EQUAL(check(), 0);
    /* the entry points elsewhere than the tables: stale */
    other = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    t->ppage_flags = other | GV_PTE_VALID;
    CU_ASSERT(reports("chid 1: stale TLB entry VA 0x0"));
    /* read-only in the tables, writable in the TLB */
    t->ppage_flags = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(check(), 0);
    table = gv_pde_get(td->dev, 1, 0, false) & GV_PTE_ADDR_MASK;
    *gv_pte_ptr(td->dev, table, 0) = page | GV_PTE_VALID | GV_PTE_READONLY;
    CU_ASSERT(reports("read-only"));
    /* a VA the tables do not map, still in the TLB */
    *gv_pte_ptr(td->dev, table, 0) = page | GV_PTE_VALID;
    CU_ASSERT_EQUAL(check(), 0);
    t = &td->dev->tlb[1][5];
    t->vpage = 5;
    t->ppage_flags = page | GV_PTE_VALID;
    t->gen = td->dev->tlb_gen;
    CU_ASSERT(reports("the tables map nothing there"));
    /* a flush makes every entry old */
    gv_tlb_flush(td->dev);
    CU_ASSERT_EQUAL(check(), 0);
    /* a live entry of a channel that has no tables */
    t = &td->dev->tlb[0][0];
    t->gen = td->dev->tlb_gen;
    CU_ASSERT(reports("chid 0 (type 1) has a live TLB entry"));
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "bootstrap descriptor in unprotected memory",
          test_bootstrap_desc_unprotected },
        { "copy key only on a secure channel", test_copy_key_only_secure },
        { "TLB agrees with the tables (attack 19)",
          test_tlb_agrees_with_tables },
        { NULL, NULL },
    };

    return gv_add_suite("invariants", setup, teardown, tests);
}
