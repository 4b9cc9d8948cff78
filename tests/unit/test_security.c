/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Security checks of the device core that no other test noticed being
 * removed (issue 9), each exercised from the malicious driver's position:
 * it owns the BAR aperture, the bootstrap channel, every CH_* command,
 * normal channels and their host windows, and relays (or tampers with)
 * whatever the victim's runtime sends.  The victim is a secure context
 * driven by the runtime's own code (runtime/gvrt_secure.h).  Every test
 * checks that the device refuses the attack *and* that the victim's secret
 * shows up nowhere the attacker can read (the host windows of its
 * channels, the aperture).
 *
 * Each test names the check it guards and the removal it was seen to
 * catch: the check was deleted in a copy of the tree, this program rebuilt
 * and run (the test failed), and the copy discarded.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_testdev.h"

#define VRAM    (32ull << 20)
#define UNPROT  (4ull << 20)
#define PROT    (16ull << 20)
#define HIDDEN  (UNPROT + PROT)                 /* base of hidden memory */
#define WIN_OFF (6ull << 20)                    /* in the fake guest RAM */
#define WIN     (TD_GUEST_BASE + WIN_OFF)
#define WIN_SIZE (256u << 10)
#define SPARE   (TD_GUEST_BASE + WIN_OFF + WIN_SIZE)  /* a result address */

#define SECRET  0x5ec2e75ec2e7c0deull
#define PMM_MAPPED_BIT (1ull << 8)
#define PMM_LOCKED_BIT (1ull << 9)
#define PMM_REFCNT(e) (((e) >> 16) & 0xff)
#define DESC_MAGIC 0x44435647u                  /* "GVCD" */

static struct td *td;
static struct gvrt_secure sa, sb;   /* the victim's and the attacker's */

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&sa, 0, sizeof(sa));
    memset(&sb, 0, sizeof(sb));
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    gvrt_secure_fini(&sa);
    gvrt_secure_fini(&sb);
    td = NULL;
}

static uint64_t pmm(uint64_t pa)
{
    return gv_debug_pmm(td->dev, pa);
}

static uint64_t peek(uint64_t pa)
{
    uint64_t v = 0;

    gv_debug_read(td->dev, pa, &v, sizeof(v));
    return v;
}

static uint64_t va_of(unsigned pgdi, unsigned pgti)
{
    return (uint64_t)pgdi << GV_PDE_SHIFT | (uint64_t)pgti << GV_PAGE_SHIFT;
}

static unsigned chan_type(unsigned chid)
{
    return td_rd(td, GV_REG_CHAN(chid, GV_CHAN_STATUS)) & GV_CHAN_TYPE_MASK;
}

static uint8_t *win(uint64_t off)
{
    return td->guest + WIN_OFF + off;
}

static void set_window(unsigned chid)
{
    td_hostwin(td, chid, WIN, WIN_SIZE);
}

/* Does the attacker's host window hold @v anywhere? */
static bool window_has(uint64_t v)
{
    for (uint64_t off = 0; off + 8 <= WIN_SIZE; off += 8) {
        if (memcmp(win(off), &v, 8) == 0) {
            return true;
        }
    }
    return false;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* COPY @size bytes at @va of @chid to offset @off of its host window
 * (encrypted group if @s). */
static int copy_out(struct gvrt_secure *s, unsigned chid, uint64_t va,
                    uint64_t off, uint64_t size)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = GV_COPY_DST_HOST, .src = va,
                             .dst = off, .size = size };

    return s ? td_submit_secure(td, s, chid, &c, sizeof(c))
             : td_submit(td, chid, &c, sizeof(c));
}

/* CH_PTE of one small page; on a secure channel the runtime asks for the
 * summary and checks it, as it does for every mapping change. */
static int map1(struct gvrt_secure *s, unsigned chid, unsigned pgdi,
                unsigned pgti, uint64_t pte, const uint8_t *mac)
{
    struct gv_pte_summary sum;
    int r = td_pte(td, chid, pgdi, pgti, 1, &pte, false, mac,
                   s ? &sum : NULL);

    if (s && r == GV_ERR_NONE) {
        CU_ASSERT(gvrt_summary_accept(s, &sum, false) == 0);
    }
    return r;
}

/* The victim: secure channel @chid, a table at PDE 0 and page @pa at VA 0
 * holding SECRET. */
static uint64_t victim(unsigned chid, uint64_t *table)
{
    uint64_t pa, t;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, chid, &sa), GV_ERR_NONE);
    t = td_table(td, chid, 0, false);
    pa = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL_FATAL(map1(&sa, chid, 0, 0, pa | GV_PTE_VALID, NULL),
                          GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_fence(td, &sa, chid, 0, SECRET), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(peek(pa), SECRET);
    if (table) {
        *table = t;
    }
    return pa;
}

/* ====================================================================== */
/* Attack 17: pre-planting before the regions are locked                  */
/*
 * A device reset unlocks the regions; until the driver locks them again,
 * the BAR aperture reaches every byte of device memory, including what
 * becomes protected and hidden.  The lock must scrub both
 * (gv_regions_lock(): gv_scrub(dev, u, vram - u)).
 */

static void reset_unlocked(void)
{
    td_wr(td, GV_REG_RESET, GV_RESET_MAGIC);
    CU_ASSERT_EQUAL_FATAL(td_rd(td, GV_REG_REGION_LOCK), 0);
}

/* Write @len bytes (a multiple of 8) at @pa through the aperture, and read
 * them back through it: the plant really is in device memory. */
static void plant(uint64_t pa, const void *buf, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += 8) {
        uint64_t v;

        memcpy(&v, (const uint8_t *)buf + off, 8);
        gv_aperture_write(td->dev, pa + off, v, 8);
        CU_ASSERT_EQUAL_FATAL(gv_aperture_read(td->dev, pa + off, 8), v);
    }
}

/* Lock the regions again and make the bootstrap channel, as td_new(). */
static void lock_again(void)
{
    td_wr(td, GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    td_wr(td, GV_REG_UNPROT_SIZE_HI, 0);
    td_wr(td, GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    td_wr(td, GV_REG_PROT_SIZE_HI, 0);
    td_wr(td, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL_FATAL(td_rd(td, GV_REG_REGION_LOCK), 1);
    td->prot_next = UNPROT;
    td->unprot_next = 16 * GV_PAGE_SIZE;
    td_wr(td, GV_REG_CHAN(TD_BOOT_CHID, GV_CHAN_DESC_LO), 0);
    td_wr(td, GV_REG_CHAN(TD_BOOT_CHID, GV_CHAN_DESC_HI), 0);
    CU_ASSERT_EQUAL_FATAL(chan_type(TD_BOOT_CHID), GV_CHAN_TYPE_BOOTSTRAP);
    td_ring_setup(td, TD_BOOT_CHID);
    td_wr(td, GV_REG_INTR_MASK, GV_INTR_ALL);
}

/*
 * attack17_preplanted_context_key: the attacker writes into future hidden
 * memory a context for the victim's (public) UK_pub with a CEK it knows.
 * Unscrubbed, the victim's CH_CREATE finds that context and wraps the
 * attacker's CEK in a correctly signed quote: every group, MAC and copy
 * of the victim is then readable and forgeable.  The image is obtained
 * without relying on the hidden layout: it is the hidden memory of a
 * second device on which the victim's UK_pub got a context, with a CEK
 * the test learns through the runtime.
 * Catches: removing gv_scrub() in gv_regions_lock() (the CEK is the
 * planted one, and the planted PMM entries fail the consistency check).
 */
static void test_attack17_preplanted_context_key(void)
{
    struct td *probe = td_new(VRAM, UNPROT, PROT, true);
    struct gvrt_secure v;
    uint8_t known_cek[GV_CEK_LEN];
    uint64_t used = td_rd(probe, GV_REG_HIDDEN_USED_LO);
    uint8_t *img = malloc(used);

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(probe, 1, &sa), GV_ERR_NONE);
    memcpy(known_cek, sa.cek, sizeof(known_cek));
    gv_debug_read(probe->dev, HIDDEN, img, used);
    td_free(probe);

    reset_unlocked();
    plant(HIDDEN, img, used);
    free(img);
    lock_again();
    td_check(td);
    CU_ASSERT_EQUAL(pmm(UNPROT), 0);    /* the probe's descriptor or PGD */
    /* past the probe's descriptor and PGD, so that the victim's CH_CREATE
     * would succeed on an unscrubbed device too */
    td_alloc_prot(td, GV_DESC_BYTES + GV_PGD_BYTES, GV_PAGE_SIZE);

    /* The victim's runtime, its key pair as before, no CEK yet. */
    memset(&v, 0, sizeof(v));
    v.uk = sa.uk;
    memcpy(v.uk_pub, sa.uk_pub, sizeof(v.uk_pub));
    CU_ASSERT_EQUAL(td_create_secure(td, 1, &v), GV_ERR_NONE);
    CU_ASSERT(v.have_cek);
    CU_ASSERT(memcmp(v.cek, known_cek, sizeof(known_cek)) != 0);
    v.uk = NULL;                        /* sa owns the key pair */
    gvrt_secure_fini(&v);
}

/*
 * attack17_preplanted_protected_memory: the attacker fills the future
 * protected region with fake page-table entries / descriptors (words that
 * are valid PTEs pointing into unprotected memory).  After the lock, a
 * fresh data page copied out through the attacker's own normal channel,
 * and a fresh page of the victim, read as zeros; no planted entry
 * translates.
 * Catches: removing gv_scrub() in gv_regions_lock() (the copy-out shows
 * the planted words).
 */
static void test_attack17_preplanted_protected_memory(void)
{
    const uint64_t fake = (16 * GV_PAGE_SIZE) | GV_PTE_VALID;
    uint64_t page, vpage;

    reset_unlocked();
    for (uint64_t pa = UNPROT; pa < HIDDEN; pa += 8) {
        gv_aperture_write(td->dev, pa, fake, 8);
    }
    CU_ASSERT_EQUAL_FATAL(gv_aperture_read(td->dev, UNPROT, 8), fake);
    CU_ASSERT_EQUAL_FATAL(gv_aperture_read(td->dev, HIDDEN - 8, 8), fake);
    lock_again();
    td_check(td);

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, page | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    set_window(1);
    memset(win(0), 0xee, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(copy_out(NULL, 1, 0, 0, GV_PAGE_SIZE), GV_ERR_NONE);
    CU_ASSERT(all_zero(win(0), GV_PAGE_SIZE));
    /* VAs the attacker never mapped do not translate through planted
     * entries (PGD slot 1, table entry 1) */
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, va_of(1, 0), 1), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, va_of(0, 1), 1), GV_ERR_FAULT);

    /* the victim's fresh page starts as zeros too */
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    vpage = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(&sa, 2, 0, 0, vpage | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    {
        uint8_t buf[GV_PAGE_SIZE];

        gv_debug_read(td->dev, vpage, buf, sizeof(buf));
        CU_ASSERT(all_zero(buf, sizeof(buf)));
    }
}

/* The PMM entry of protected page @pa, where docs/commands.md puts it:
 * 8 bytes per protected page from the base of hidden memory. */
static uint64_t pmm_slot(uint64_t pa)
{
    return HIDDEN + (pa - UNPROT) / GV_PAGE_SIZE * 8;
}

/*
 * attack17_preplanted_pmm_entry: the attacker plants a PMM entry claiming
 * page X is a data page MAPPED (unlocked, refcnt 1) by context 0, the
 * first context the device hands out.  Unscrubbed, the victim (context 0)
 * maps X without it becoming LOCKED, X keeps a phantom reference when the
 * driver reclaims the victim's channel (so it is not scrubbed), and the
 * attacker's next normal channel, context 0 again, maps X and copies the
 * victim's secret out.
 * Catches: removing gv_scrub() in gv_regions_lock() (X not LOCKED, the
 * secret in the attacker's window).
 */
static void test_attack17_preplanted_pmm_entry(void)
{
    const uint64_t x = HIDDEN - GV_PAGE_SIZE;   /* last protected page */
    const uint64_t fake = PMM_MAPPED_BIT | 1ull << 16;
    uint64_t e, pte = x | GV_PTE_VALID;

    /* The documented PMM layout, checked on this device first (else the
     * plant below would miss and the test prove nothing). */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL_FATAL(map1(NULL, 1, 0, 0, pte, NULL), GV_ERR_NONE);
    gv_debug_read(td->dev, pmm_slot(x), &e, sizeof(e));
    CU_ASSERT_FATAL(e != 0 && e == pmm(x));

    reset_unlocked();
    plant(pmm_slot(x), &fake, sizeof(fake));
    lock_again();
    CU_ASSERT_EQUAL(pmm(x), 0);
    td_check(td);

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL_FATAL(map1(&sa, 1, 0, 0, pte, NULL), GV_ERR_NONE);
    CU_ASSERT(pmm(x) & PMM_LOCKED_BIT);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(x)), 1);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 0, SECRET), GV_ERR_NONE);
    /* the driver "reclaims" the victim */
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(x), 0);

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    CU_ASSERT_EQUAL(map1(NULL, 2, 0, 0, pte, NULL), GV_ERR_NONE);
    set_window(2);
    memset(win(0), 0xee, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(copy_out(NULL, 2, 0, 0, GV_PAGE_SIZE), GV_ERR_NONE);
    CU_ASSERT_FALSE(window_has(SECRET));
    CU_ASSERT(all_zero(win(0), GV_PAGE_SIZE));
}

/* ====================================================================== */
/* Attack 18: joining a secure context                                    */

/*
 * attack18_normal_cannot_join_secure: a normal channel created with
 * GV_CREATE_SHARE and share_chid of a secure channel would be a stream of
 * the secure context that takes plaintext groups: CH_PDE would share the
 * victim's table with it and its COPY/FENCE would read and write the
 * victim's pages.  Refused with BAD_CHANNEL; nothing reaches the victim.
 * Also refused: SECURE|SHARE, and SHARE of a bootstrap, free or
 * out-of-range channel.
 * Catches: removing "|| chan_secure(dev, c.share_chid)" in gv_ch_create()
 * (CH_CREATE succeeds, the victim's table is shared and the secret copied
 * out); removing "(secure && (c.flags & GV_CREATE_SHARE))" (SECURE|SHARE
 * accepted).
 */
static void test_attack18_normal_cannot_join_secure(void)
{
    uint64_t t, pa, t5;
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) }, .chid = 3,
        .flags = GV_CREATE_SECURE | GV_CREATE_SHARE, .share_chid = 1,
        .result_addr = SPARE,
    };

    pa = victim(1, &t);
    CU_ASSERT_EQUAL(td_create_normal(td, 2, 1), GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(chan_type(2), GV_CHAN_TYPE_FREE);
    /* what the attacker would do next reaches nothing */
    CU_ASSERT_NOT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_NONE);
    CU_ASSERT_NOT_EQUAL(map1(NULL, 2, 0, 0, pa | GV_PTE_VALID, NULL),
                        GV_ERR_NONE);
    if (chan_type(2) == GV_CHAN_TYPE_NORMAL) {  /* only if let in */
        set_window(2);
        copy_out(NULL, 2, 0, 0, GV_PAGE_SIZE);
        td_fence(td, NULL, 2, 8, 0xbad);
    }
    CU_ASSERT_FALSE(window_has(SECRET));
    CU_ASSERT_EQUAL(peek(pa + 8), 0);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t)), 1);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(pa)), 1);

    /* SECURE|SHARE, even with the victim's UK_pub */
    c.desc_addr = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE);
    c.pgd_addr = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);
    memcpy(c.uk_pub, sa.uk_pub, sizeof(c.uk_pub));
    CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &c, sizeof(c)),
                    GV_ERR_BAD_COMMAND);
    CU_ASSERT_EQUAL(chan_type(3), GV_CHAN_TYPE_FREE);
    CU_ASSERT_EQUAL(pmm(c.desc_addr), 0);
    /* SHARE of a bootstrap channel, a free slot, a chid out of range */
    CU_ASSERT_EQUAL(td_create_normal(td, 4, TD_BOOT_CHID),
                    GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(td_create_normal(td, 4, 40), GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(td_create_normal(td, 4, GV_MAX_CHANNELS),
                    GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(td_create_normal(td, 4, 0xffffffffu), GV_ERR_BAD_CHANNEL);
    CU_ASSERT_EQUAL(chan_type(4), GV_CHAN_TYPE_FREE);
    /* the legal use: a normal stream of a normal channel shares its table */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 5, 5), GV_ERR_NONE);
    t5 = td_table(td, 5, 0, false);
    CU_ASSERT_EQUAL(td_create_normal(td, 6, 5), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 6, 0, false, t5), GV_ERR_NONE);
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t5)), 2);
}

/*
 * attack18_foreign_uk_cannot_share_tables: a secure channel of another
 * context (the attacker's own UK pair) cannot take the victim's table
 * (OTHER_CONTEXT) nor map its page, so its encrypted COPY faults.
 * Catches: removing the owner check in can_map() (gv_mgmt.c) makes
 * CH_PDE succeed.
 */
static void test_attack18_foreign_uk_cannot_share_tables(void)
{
    uint64_t t, pa;

    pa = victim(1, &t);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sb), GV_ERR_NONE);
    CU_ASSERT(memcmp(sa.cek, sb.cek, sizeof(sa.cek)) != 0);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_OTHER_CONTEXT);
    td_table(td, 2, 1, false);
    CU_ASSERT_EQUAL(map1(&sb, 2, 1, 0, pa | GV_PTE_VALID, NULL),
                    GV_ERR_OTHER_CONTEXT);
    set_window(2);
    CU_ASSERT_EQUAL(copy_out(&sb, 2, 0, 0, GV_PAGE_SIZE), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(copy_out(&sb, 2, va_of(1, 0), 0, GV_PAGE_SIZE),
                    GV_ERR_FAULT);
    CU_ASSERT_FALSE(window_has(SECRET));
    CU_ASSERT_EQUAL(PMM_REFCNT(pmm(t)), 1);
    /* the victim is unharmed */
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 16, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(pa), SECRET);
}

/* ====================================================================== */
/* Attack 19: stale translations after CH_PTE                             */
/*
 * Engines translate through a per-channel TLB; CH_PTE must flush it
 * (gv_ch_pte(): gv_tlb_flush(dev) after the commit).  Each test first has
 * an engine use a VA so that its translation is cached.
 */

/*
 * attack19_stale_translation_after_unmap: a normal channel unmaps a VA
 * (the page is FREE again) and then writes through it; then remaps the VA
 * to another page.
 * Catches: removing gv_tlb_flush() at the end of gv_ch_pte() (the FENCE
 * after the unmap writes the freed page; after the remap it writes the
 * old page).
 */
static void test_attack19_stale_translation_after_unmap(void)
{
    uint64_t a, b;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    a = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    b = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, 0, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(a), 0);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 2), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CHID), 1);
    CU_ASSERT_EQUAL(peek(a), 1);
    /* remapped: the engines follow the new entry */
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, b | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 3), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(b), 3);
    CU_ASSERT_EQUAL(peek(a), 1);
    set_window(1);
    memset(win(0), 0, 8);
    CU_ASSERT_EQUAL(copy_out(NULL, 1, 0, 0, 8), GV_ERR_NONE);
    CU_ASSERT_EQUAL(*(uint64_t *)win(0), 3);
    /* a read-only remap is honoured at once too */
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, b | GV_PTE_VALID | GV_PTE_READONLY,
                         NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 4), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(peek(b), 3);
}

/*
 * attack19_stale_translation_after_table_removal: the same through
 * CH_PDE: a normal channel's table is removed (which unmaps what it maps)
 * while an engine still has a translation through it.
 * Catches: removing gv_tlb_flush() at the end of gv_ch_pde() (the FENCE
 * writes the page freed with the table).
 */
static void test_attack19_stale_translation_after_table_removal(void)
{
    uint64_t a;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    a = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(NULL, 1, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, 0), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(a), 0);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 1, 0, 2), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(peek(a), 1);
}

/*
 * attack19_stale_translation_across_contexts: the attacker's normal
 * channel caches a translation of page A (a COPY from its VA), unmaps A,
 * the victim maps A and writes its secret there, and the attacker copies
 * from the old VA again.
 * Catches: removing gv_tlb_flush() at the end of gv_ch_pte() (the secret
 * lands in the attacker's window).
 */
static void test_attack19_stale_translation_across_contexts(void)
{
    uint64_t a;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    set_window(2);
    a = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(NULL, 2, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(copy_out(NULL, 2, 0, 0, 8), GV_ERR_NONE);
    CU_ASSERT_EQUAL(map1(NULL, 2, 0, 0, 0, NULL), GV_ERR_NONE);

    CU_ASSERT_EQUAL(map1(&sa, 1, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 0, SECRET), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(a), SECRET);

    memset(win(0), 0, WIN_SIZE);
    CU_ASSERT_EQUAL(copy_out(NULL, 2, 0, 0, 8), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(td_fence(td, NULL, 2, 8, 0xbad), GV_ERR_FAULT);
    CU_ASSERT_FALSE(window_has(SECRET));
    CU_ASSERT_EQUAL(peek(a + 8), 0);
}

/*
 * attack19_stale_translation_secure_unmap: the victim frees page A with
 * the runtime's unmap MAC (after clearing it), the attacker maps A into
 * its own channel, and a later group of the victim that still uses the VA
 * must fault instead of writing the secret into the attacker's page.
 * Catches: removing gv_tlb_flush() at the end of gv_ch_pte() (the secret
 * is copied out by the attacker).
 */
static void test_attack19_stale_translation_secure_unmap(void)
{
    uint8_t mac[GV_TAG_LEN];
    uint64_t a;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    a = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(&sa, 1, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 0, 0), GV_ERR_NONE);
    /* from here on only CH_PTEs: nothing else flushes the TLB */
    gvrt_mac_unmap(&sa, 1, 0, GV_PAGE_SIZE, mac);
    CU_ASSERT_EQUAL(map1(&sa, 1, 0, 0, 0, mac), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(a), 0);
    CU_ASSERT_EQUAL(map1(NULL, 2, 0, 0, a | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 0, SECRET), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CHID), 1);
    set_window(2);
    memset(win(0), 0, WIN_SIZE);
    CU_ASSERT_EQUAL(copy_out(NULL, 2, 0, 0, GV_PAGE_SIZE), GV_ERR_NONE);
    CU_ASSERT_FALSE(window_has(SECRET));
    CU_ASSERT_NOT_EQUAL(peek(a), SECRET);
}

/* ====================================================================== */
/* Attack 7, the group header                                             */

/* The same header fields on a plaintext group of a normal channel: a
 * header with unknown flags or reserved bits is refused (BAD_GROUP), not
 * run. */
static void header_plaintext(void)
{
    struct {
        struct gv_group_hdr h;
        struct gv_cmd_fence f;
    } g = { .h = { .magic = GV_GROUP_MAGIC, .payload_len = sizeof(g.f) },
            .f = { .hdr = { GV_OP_FENCE, sizeof(g.f) }, .value = 1 } };
    uint64_t pa;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    pa = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(NULL, 2, 0, 0, pa | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    g.h.flags = 2;
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, &g, sizeof(g), 0),
                    GV_ERR_BAD_GROUP);
    g.h.flags = 0;
    g.h.reserved = 0x80000000u;
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, &g, sizeof(g), 0),
                    GV_ERR_BAD_GROUP);
    CU_ASSERT_EQUAL(peek(pa), 0);
    g.h.reserved = 0;
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, &g, sizeof(g), 0), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(pa), 1);
}

/*
 * attack7_tampered_group_header: the driver flips bits of each field of
 * the header of a correctly sealed group (magic, flags, payload_len,
 * reserved), or changes payload_len together with the entry's length
 * (truncating or extending the group).  Every variant is refused with
 * BAD_GROUP or AUTH; nothing runs, the expected counter stays, and the
 * genuine group still runs afterwards.  Two defences overlap: the
 * structural checks of the header (BAD_GROUP), and the header in the AAD
 * (AUTH, should a structural check be missing).
 * Catches: removing the header from the AAD (device and runtime alike)
 * together with the structural check of a field (reserved, unknown flags,
 * ENCRYPTED required in run_entry(), gv_channel.c): the tampered group
 * runs.  Removing only the AAD's header leaves the structural checks, and
 * the secure part passes; removing only the reserved or the flags check
 * is caught by the plaintext part (header_plaintext()).
 */
static void test_attack7_tampered_group_header(void)
{
    static const struct {
        size_t off;
        uint32_t xor;
    } flips[] = {
        { offsetof(struct gv_group_hdr, magic), 1 },
        { offsetof(struct gv_group_hdr, magic), 0x80000000u },
        { offsetof(struct gv_group_hdr, flags), GV_GROUP_ENCRYPTED },
        { offsetof(struct gv_group_hdr, flags), 2 },
        { offsetof(struct gv_group_hdr, flags), 0x80000000u },
        { offsetof(struct gv_group_hdr, payload_len), 8 },
        { offsetof(struct gv_group_hdr, payload_len), 0x1000 },
        { offsetof(struct gv_group_hdr, payload_len), 0x80000000u },
        { offsetof(struct gv_group_hdr, reserved), 1 },
        { offsetof(struct gv_group_hdr, reserved), 0x80000000u },
    };
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = 0,
                              .value = 0x600d };
    uint8_t g[128], bad[160];
    struct gv_group_hdr h;
    uint64_t pa;
    uint32_t n;
    int r;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    pa = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(map1(&sa, 1, 0, 0, pa | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    n = gvrt_seal_group(&sa, 1, &f, sizeof(f), g);
    CU_ASSERT_FATAL(n + 8 <= sizeof(bad));

    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        uint32_t w;

        memcpy(bad, g, n);
        memcpy(&w, bad + flips[i].off, 4);
        w ^= flips[i].xor;
        memcpy(bad + flips[i].off, &w, 4);
        r = td_submit_raw(td, 1, bad, n, 0);
        CU_ASSERT(r == GV_ERR_BAD_GROUP || r == GV_ERR_AUTH);
        CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_COUNTER_LO)), 0);
        CU_ASSERT_EQUAL(peek(pa), 0);
    }
    /* payload_len and the entry's length changed together */
    for (int d = -8; d <= 8; d += 16) {
        memcpy(bad, g, n);
        memset(bad + n, 0, 8);
        memcpy(&h, bad, sizeof(h));
        h.payload_len += d;
        memcpy(bad, &h, sizeof(h));
        r = td_submit_raw(td, 1, bad, n + d, 0);
        CU_ASSERT(r == GV_ERR_BAD_GROUP || r == GV_ERR_AUTH);
        CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_COUNTER_LO)), 0);
        CU_ASSERT_EQUAL(peek(pa), 0);
    }
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CHID), 1);
    CU_ASSERT(td_rd(td, GV_REG_CHAN(1, GV_CHAN_STATUS)) &
              GV_CHAN_STATUS_ERROR);
    /* the genuine group still runs, once */
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g, n, 0), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(pa), 0x600d);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CHAN(1, GV_CHAN_COUNTER_LO)), 1);
    CU_ASSERT_EQUAL(td_submit_raw(td, 1, g, n, 0), GV_ERR_AUTH);
    CU_ASSERT_EQUAL(td_fence(td, &sa, 1, 8, 7), GV_ERR_NONE);
    CU_ASSERT_EQUAL(peek(pa + 8), 7);
    header_plaintext();
}

/* ====================================================================== */
/* Channel descriptors                                                    */

struct desc_image {             /* docs/commands.md, CH_CREATE */
    uint32_t magic;
    uint32_t chid;
    uint32_t flags;
    uint32_t pad;
    uint64_t pgd_addr;
};

/* The descriptor page at @desc (read in-process: it is protected) holds
 * exactly {"GVCD", chid, flags, pgd_addr}, the rest of the page zero. */
static void check_desc(uint64_t desc, unsigned chid, uint32_t flags,
                       uint64_t pgd)
{
    uint8_t page[GV_PAGE_SIZE];
    struct desc_image d;

    gv_debug_read(td->dev, desc, page, sizeof(page));
    memcpy(&d, page, sizeof(d));
    CU_ASSERT_EQUAL(d.magic, DESC_MAGIC);
    CU_ASSERT_EQUAL(d.chid, chid);
    CU_ASSERT_EQUAL(d.flags, flags);
    CU_ASSERT_EQUAL(d.pad, 0);
    CU_ASSERT_EQUAL(d.pgd_addr, pgd);
    CU_ASSERT(all_zero(page + sizeof(d), sizeof(page) - sizeof(d)));
    /* and the aperture does not show it */
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, desc, 8), ~0ull);
}

/* The descriptor and PGD of channel @chid made by td_create_secure() or
 * td_create_normal() from the allocator at @before: the descriptor reads
 * back in DESC_LO/HI, the PGD is the other allocation. */
static uint64_t desc_of(unsigned chid, uint64_t before, uint64_t *pgd)
{
    uint64_t d = td_rd(td, GV_REG_CHAN(chid, GV_CHAN_DESC_LO)) |
                 (uint64_t)td_rd(td, GV_REG_CHAN(chid, GV_CHAN_DESC_HI)) << 32;

    CU_ASSERT(d == before || d == before + GV_PGD_BYTES);
    *pgd = d == before ? before + GV_DESC_BYTES : before;
    return d;
}

/*
 * descriptor_contents_and_reuse: each kind of channel gets its
 * descriptor; a destroyed channel's descriptor page is scrubbed; the
 * attacker then fills that (FREE) page with junk through a data mapping
 * of its own, and a CH_CREATE reusing it still gets a clean descriptor.
 * Catches: removing gv_scrub(dev, c.desc_addr, ...) in gv_ch_create()
 * (the junk stays), removing the descriptor write (fields wrong), and
 * removing gv_scrub(dev, ch->desc_addr, ...) in gv_ch_destroy().
 */
static void test_descriptor_contents_and_reuse(void)
{
    const uint32_t junk_off[] = { 0, 8, 16, 24, 2048, GV_PAGE_SIZE - 8 };
    uint64_t d1 = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE);
    uint64_t g1 = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);
    uint64_t d2, g2, d3, g3, g5, before, junk = 0x6a756e6b6a756e6bull;
    uint8_t page[GV_PAGE_SIZE];

    CU_ASSERT_EQUAL_FATAL(td_create_at(td, 1, 0, d1, g1, NULL, NULL, NULL),
                          GV_ERR_NONE);
    check_desc(d1, 1, 0, g1);
    before = td->prot_next;
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    d2 = desc_of(2, before, &g2);
    check_desc(d2, 2, GV_CREATE_SECURE, g2);
    before = td->prot_next;
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 3, 1), GV_ERR_NONE);
    d3 = desc_of(3, before, &g3);
    check_desc(d3, 3, GV_CREATE_SHARE, g3);

    /* destroyed: the page is FREE and zero */
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(d1), 0);
    gv_debug_read(td->dev, d1, page, sizeof(page));
    CU_ASSERT(all_zero(page, sizeof(page)));

    /* the attacker writes junk into it through a data mapping */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 4, 4), GV_ERR_NONE);
    td_table(td, 4, 0, false);
    CU_ASSERT_EQUAL(map1(NULL, 4, 0, 0, d1 | GV_PTE_VALID, NULL),
                    GV_ERR_NONE);
    for (size_t i = 0; i < sizeof(junk_off) / sizeof(junk_off[0]); i++) {
        CU_ASSERT_EQUAL(td_fence(td, NULL, 4, junk_off[i], junk),
                        GV_ERR_NONE);
    }
    CU_ASSERT_EQUAL(map1(NULL, 4, 0, 0, 0, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(pmm(d1), 0);
    /* (today a normal channel's page keeps its bytes when freed; should
     * that change, put the junk there directly: this test is about what
     * CH_CREATE does with whatever the page holds) */
    if (peek(d1 + 2048) != junk) {
        for (size_t i = 0; i < sizeof(junk_off) / sizeof(junk_off[0]); i++) {
            gv_debug_write(td->dev, d1 + junk_off[i], &junk, 8);
        }
    }

    /* reused for a new channel: a clean descriptor */
    g5 = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(td_create_at(td, 5, 0, d1, g5, NULL, NULL, NULL),
                    GV_ERR_NONE);
    check_desc(d1, 5, 0, g5);
    /* and the others are untouched */
    check_desc(d2, 2, GV_CREATE_SECURE, g2);
    check_desc(d3, 3, GV_CREATE_SHARE, g3);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test preplant[] = {
        { "attack17_preplanted_context_key_scrubbed_at_lock",
          test_attack17_preplanted_context_key },
        { "attack17_preplanted_protected_memory_scrubbed_at_lock",
          test_attack17_preplanted_protected_memory },
        { "attack17_preplanted_pmm_entry_scrubbed_at_lock",
          test_attack17_preplanted_pmm_entry },
        { NULL, NULL },
    };
    static const struct gv_cunit_test join[] = {
        { "attack18_normal_cannot_join_secure",
          test_attack18_normal_cannot_join_secure },
        { "attack18_foreign_uk_cannot_share_tables",
          test_attack18_foreign_uk_cannot_share_tables },
        { NULL, NULL },
    };
    static const struct gv_cunit_test stale[] = {
        { "attack19_stale_translation_after_unmap",
          test_attack19_stale_translation_after_unmap },
        { "attack19_stale_translation_after_table_removal",
          test_attack19_stale_translation_after_table_removal },
        { "attack19_stale_translation_across_contexts",
          test_attack19_stale_translation_across_contexts },
        { "attack19_stale_translation_secure_unmap",
          test_attack19_stale_translation_secure_unmap },
        { NULL, NULL },
    };
    static const struct gv_cunit_test header[] = {
        { "attack7_tampered_group_header",
          test_attack7_tampered_group_header },
        { NULL, NULL },
    };
    static const struct gv_cunit_test desc[] = {
        { "descriptor_contents_and_reuse",
          test_descriptor_contents_and_reuse },
        { NULL, NULL },
    };

    return gv_add_suite("preplant", setup, teardown, preplant) ||
           gv_add_suite("join", setup, teardown, join) ||
           gv_add_suite("stale_translation", setup, teardown, stale) ||
           gv_add_suite("group_header", setup, teardown, header) ||
           gv_add_suite("descriptor", setup, teardown, desc);
}
