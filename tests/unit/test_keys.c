/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the secure protocol's keys and reports, each an attack
 * performed from the malicious driver's position against an in-process
 * device, with the trusted runtime's own code as the victim:
 *
 *  - attack 15, cross-incarnation replay: the driver destroys a victim's
 *    stream without authorisation, creates it again with the victim's
 *    (public) UK_pub and replays what it recorded: command groups, unmap
 *    MACs, copy-engine ciphertexts;
 *  - attack 10 through the authorised path: memory the runtime freed with
 *    its MAC is read by the next owner;
 *  - attack 21, silent remap: a secure channel's unprotected or empty
 *    entries changed without the runtime seeing a summary;
 *  - attack 11 on the runtime's side: quotes for another UK_pub, from an
 *    uncertified AK, from a debug device or old firmware, replayed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "gv_testdev.h"

#define VRAM    (64ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (48ull << 20)
#define WIN_OFF (4ull << 20)                   /* in the fake guest RAM */
#define WIN     (TD_GUEST_BASE + WIN_OFF)
#define WIN_SIZE (1u << 20)
#define SECRET  UINT64_C(0x5ec2e7c0ffee1234)

static struct td *td;
static struct gvrt_secure victim;

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&victim, 0, sizeof(victim));
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    gvrt_secure_fini(&victim);
}

static uint8_t *win(uint64_t off)
{
    return td->guest + WIN_OFF + off;
}

static void set_window(unsigned chid)
{
    td_hostwin(td, chid, WIN, WIN_SIZE);
}

/* Entry @i of the page table at @table (device memory, read in-process). */
static uint64_t entry(uint64_t table, unsigned i)
{
    uint64_t v;

    gv_debug_read(td->dev, table + i * 8ull, &v, 8);
    return v;
}

/* Does @secret appear anywhere in the attacker's view of guest memory? */
static bool guest_has(uint64_t secret)
{
    for (uint64_t off = 0; off + 8 <= TD_GUEST_SIZE; off += 8) {
        if (memcmp(td->guest + off, &secret, 8) == 0) {
            return true;
        }
    }
    return false;
}

/* Map one protected page at (@pgdi, @pgti) of secure channel @chid and
 * have the runtime accept the summary; returns the page. */
static uint64_t map_secure_page_at(unsigned chid, unsigned pgdi,
                                   unsigned pgti)
{
    uint64_t pa = td_alloc_prot(td, 4096, 4096), pte = pa | GV_PTE_VALID;
    struct gv_pte_summary sum;

    CU_ASSERT_EQUAL(td_pte(td, chid, pgdi, pgti, 1, &pte, false, NULL,
                           &sum), GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, true) == 0);
    return pa;
}

/* The same in the first page table (VA pgti << 12). */
static uint64_t map_secure_page(unsigned chid, unsigned pgti)
{
    return map_secure_page_at(chid, 0, pgti);
}

/* Victim: a context of streams 1 and 2 sharing one page table. */
static uint64_t victim_setup(void)
{
    uint64_t t;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &victim), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_NONE);
    set_window(1);
    set_window(2);
    return t;
}

/* The driver re-creates channel @chid with the victim's public UK_pub
 * (the quote comes back to the driver, which cannot unwrap its CEK). */
static void recreate_as_driver(unsigned chid, uint64_t table)
{
    uint8_t nonce[GV_NONCE_LEN] = { 0 };
    struct gv_quote q;

    CU_ASSERT_EQUAL_FATAL(td_destroy(td, chid, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_at(td, chid, GV_CREATE_SECURE,
                          td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
                          td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
                          victim.uk_pub, nonce, &q), GV_ERR_NONE);
    CU_ASSERT_NOT_EQUAL(q.incarnation, victim.incarnation[chid]);
    td_ring_setup(td, chid);
    set_window(chid);
    if (table) {
        CU_ASSERT_EQUAL(td_pde(td, chid, 0, false, table), GV_ERR_NONE);
    }
}

/* Attack 15 as found: the driver recorded stream 2's first group, a COPY
 * of VA 0 to the host window (the runtime reading back a result), then
 * destroyed and re-created stream 2 and replayed the group, after the
 * victim wrote a secret at VA 0 through stream 1.  Before channel keys
 * were bound to the incarnation the replay authenticated (same CEK,
 * counter 0 again) and copied the secret out. */
static void test_attack15_group_replay(void)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = GV_COPY_DST_HOST, .src = 0,
                             .dst = 0, .size = 8 };
    uint8_t group[sizeof(struct gv_group_hdr) + sizeof(c) + GV_TAG_LEN];
    uint64_t t = victim_setup(), pa = map_secure_page(1, 0), v = SECRET;
    uint32_t n;

    n = gvrt_seal_group(&victim, 2, &c, sizeof(c), group);
    CU_ASSERT_EQUAL_FATAL(n, sizeof(group));
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, group, n, 0), GV_ERR_NONE);
    /* the victim's secret arrives later */
    gv_debug_write(td->dev, pa, &v, 8);
    memset(win(0), 0, 64);

    recreate_as_driver(2, t);
    CU_ASSERT_EQUAL(td_submit_raw(td, 2, group, n, 0), GV_ERR_AUTH);
    CU_ASSERT_FALSE(guest_has(SECRET));
    /* nor under any counter the new incarnation could expect */
    for (uint64_t k = 0; k < 4; k++) {
        CU_ASSERT_EQUAL(td_submit_raw(td, 2, group, n, 0), GV_ERR_AUTH);
    }
    CU_ASSERT_FALSE(guest_has(SECRET));
    /* the victim's stream 1 still works */
    CU_ASSERT_EQUAL(td_fence(td, &victim, 1, 8, 7), GV_ERR_NONE);
    gv_debug_read(td->dev, pa, &v, 8);
    CU_ASSERT_EQUAL(v, SECRET);
}

/* Attack 15 with an unmap MAC: recorded when the victim unmapped a page
 * of stream 2, replayed against the new incarnation (auth counter 0
 * again) to unmap a page the victim mapped since through the shared
 * table; the page would be FREE and mappable by the driver. */
static void test_attack15_mac_replay(void)
{
    uint64_t t = victim_setup(), pa, pte, zero = 0, v = SECRET;
    struct gv_pte_summary sum;
    uint8_t mac[GV_TAG_LEN];

    /* stream 2 maps and unmaps VA 0x5000 with its MAC (recorded) */
    pa = td_alloc_prot(td, 4096, 4096);
    pte = pa | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 5, 1, &pte, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, true) == 0);
    gvrt_mac_unmap(&victim, 2, 5 * GV_PAGE_SIZE, GV_PAGE_SIZE, mac);
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 5, 1, &zero, false, mac, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, false) == 0);
    /* later stream 1 maps a secret page at the same VA */
    pa = map_secure_page(1, 5);
    gv_debug_write(td->dev, pa, &v, 8);

    recreate_as_driver(2, t);
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 5, 1, &zero, false, mac, NULL),
                    GV_ERR_PAGE_LOCKED);
    CU_ASSERT(entry(t, 5) & GV_PTE_VALID);
    /* the page is still the victim's: the driver cannot map it */
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 9, 9), GV_ERR_NONE);
    td_table(td, 9, 0, false);
    pte = pa | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 9, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_OTHER_CONTEXT);
    CU_ASSERT_EQUAL(td_fence(td, &victim, 1, 5 * GV_PAGE_SIZE + 8, 1),
                    GV_ERR_NONE);
}

/* Attack 15 against the copy engine: a runtime that gives a re-created
 * stream the same copy key and restarts its IVs must not repeat a (key,
 * IV) pair, and a ciphertext made for the earlier incarnation must not
 * verify.  The engine's key is K_copy(key, chid, incarnation). */
static void test_attack15_copy_ciphertext(void)
{
    uint8_t raw[32], k1[32], k2[32], iv[12] = { 9 }, pt[64];
    struct gv_cmd_set_copy_key sk = { .hdr = { GV_OP_SET_COPY_KEY,
                                               sizeof(sk) } };
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = GV_COPY_SRC_HOST | GV_COPY_DECRYPT,
                             .src = 0, .dst = 0, .size = sizeof(pt) };
    uint64_t pa, v;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &victim), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    set_window(2);
    pa = map_secure_page(2, 0);
    gvc_random(raw, sizeof(raw));
    memcpy(sk.key, raw, sizeof(raw));
    memset(pt, 0x11, sizeof(pt));
    CU_ASSERT_FATAL(gvrt_copy_key(&victim, 2, raw, k1) == 0);
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 2, &sk, sizeof(sk)),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gvc_gcm_seal(k1, iv, &c.dst, 8, pt, sizeof(pt), win(0),
                                 win(sizeof(pt))), GVC_OK);
    memcpy(c.iv, iv, sizeof(iv));
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 2, &c, sizeof(c)),
                    GV_ERR_NONE);

    /* the runtime destroys stream 2 (authorised) and creates it again */
    {
        uint8_t mac[GV_TAG_LEN];

        gvrt_mac_destroy(&victim, 2, mac);
        CU_ASSERT_EQUAL(td_destroy(td, 2, mac), GV_ERR_NONE);
    }
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &victim), GV_ERR_NONE);
    set_window(2);
    td_table(td, 2, 0, false);
    pa = map_secure_page(2, 0);
    CU_ASSERT_FATAL(gvrt_copy_key(&victim, 2, raw, k2) == 0);
    CU_ASSERT(memcmp(k1, k2, sizeof(k1)) != 0);
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 2, &sk, sizeof(sk)),
                    GV_ERR_NONE);
    /* the old ciphertext, the same IV: refused, nothing written */
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 2, &c, sizeof(c)),
                    GV_ERR_DATA_AUTH);
    gv_debug_read(td->dev, pa, &v, 8);
    CU_ASSERT_EQUAL(v, 0);
}

/* Attack 10 through the authorised path (the bug: an unmap with the
 * runtime's MAC freed the page without scrubbing it, and no runtime path
 * cleared it first): the driver maps the freed page into its own normal
 * channel and copies it out. */
static void test_attack10_authorised_unmap_scrubs(void)
{
    uint64_t zero = 0, pte, v = SECRET, pa;
    struct gv_pte_summary sum;
    uint8_t mac[GV_TAG_LEN];
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = GV_COPY_DST_HOST, .src = 0,
                             .dst = 0, .size = GV_PAGE_SIZE };

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    pa = map_secure_page(1, 0);
    gv_debug_write(td->dev, pa + 256, &v, 8);
    gvrt_mac_unmap(&victim, 1, 0, GV_PAGE_SIZE, mac);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &zero, false, mac, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, false) == 0);
    CU_ASSERT_EQUAL(sum.k, 0);

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 9, 9), GV_ERR_NONE);
    td_table(td, 9, 0, false);
    set_window(9);
    pte = pa | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 9, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    memset(win(0), 0xaa, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(td_submit(td, 9, &c, sizeof(c)), GV_ERR_NONE);
    CU_ASSERT_FALSE(guest_has(SECRET));
    for (unsigned i = 0; i < GV_PAGE_SIZE; i++) {
        if (win(0)[i] != 0) {
            CU_FAIL("a freed secure page is not all zeros");
            break;
        }
    }
}

/* Copy the protected page at @pa out through the driver's own normal
 * channel 9 (made on first use, page-table slot @slot), into the window;
 * true if all of it reads as zeros. */
static bool page_reads_zero(uint64_t pa, unsigned slot)
{
    uint64_t pte = pa | GV_PTE_VALID;
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = GV_COPY_DST_HOST,
                             .src = (uint64_t)slot << GV_PAGE_SHIFT,
                             .dst = 0, .size = GV_PAGE_SIZE };

    CU_ASSERT_EQUAL(td_pte(td, 9, 0, slot, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    memset(win(0), 0xaa, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(td_submit(td, 9, &c, sizeof(c)), GV_ERR_NONE);
    for (unsigned i = 0; i < GV_PAGE_SIZE; i++) {
        if (win(0)[i]) {
            return false;
        }
    }
    return true;
}

/* Attack 10 on address-space structures (design 5: a channel's PGD and
 * page tables are sensitive too): after the victim's channel is destroyed
 * (with its MAC, or reclaimed without), the driver maps the pages that
 * held its page table and its PGD as data of its own normal channel and
 * copies them out.  They must read as zeros: no PDE or PTE, i.e. no
 * physical address of the victim's memory. */
static void test_attack10_tables_scrubbed_at_destroy(void)
{
    for (int auth = 0; auth < 2; auth++) {
        uint64_t t, pgd, pa;
        uint32_t lo, hi;

        CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
        t = td_table(td, 1, 3, false);
        pa = map_secure_page_at(1, 3, 7);
        CU_ASSERT(pa != 0);
        gv_debug_write(td->dev, pa, &(uint64_t){ SECRET }, 8);
        /* the PGD's address, from the channel's descriptor */
        lo = td_rd(td, GV_REG_CHAN(1, GV_CHAN_DESC_LO));
        hi = td_rd(td, GV_REG_CHAN(1, GV_CHAN_DESC_HI));
        gv_debug_read(td->dev, ((uint64_t)hi << 32 | lo) + 16, &pgd, 8);
        CU_ASSERT_FATAL(pgd != 0);
        if (auth) {
            uint8_t mac[GV_TAG_LEN];

            gvrt_mac_destroy(&victim, 1, mac);
            CU_ASSERT_EQUAL(td_destroy(td, 1, mac), GV_ERR_NONE);
        } else {
            CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
        }
        gvrt_secure_fini(&victim);
        memset(&victim, 0, sizeof(victim));
        if (auth == 0) {
            CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 9, 9), GV_ERR_NONE);
            td_table(td, 9, 0, false);
            set_window(9);
        }
        /* the table page holding the PTE, and the PGD page holding PDE 3 */
        CU_ASSERT(page_reads_zero(t + (7 * 8 / GV_PAGE_SIZE) * GV_PAGE_SIZE,
                                  auth * 4 + 1));
        CU_ASSERT(page_reads_zero(pgd, auth * 4 + 2));
        CU_ASSERT(page_reads_zero(pa, auth * 4 + 3));
    }
}

/* Attack 21: the driver repoints a secure channel's fence entry (an
 * unprotected page) and fills an empty slot, hoping the runtime never
 * hears of it.  Without a result address the device refuses; with one,
 * the summary is counted, so withholding it leaves a gap the runtime
 * refuses at its next report. */
static void test_attack21_silent_remap(void)
{
    uint64_t u1 = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;
    uint64_t u2 = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;
    struct gv_pte_summary sum, hidden;
    uint64_t pte;

    uint64_t t;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 1, 1, &u1, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, false) == 0);

    /* no result address: refused, the entry is unchanged */
    td->pte_result_addr = TD_NO_RESULT;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 1, 1, &u2, false, NULL, NULL),
                    GV_ERR_RESULT);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 7, 1, &u2, false, NULL, NULL),
                    GV_ERR_RESULT);
    td->pte_result_addr = 0;
    CU_ASSERT_EQUAL(entry(t, 1), u1);
    CU_ASSERT_EQUAL(entry(t, 7), 0);

    /* with one, the summary goes to the driver, which keeps it */
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 1, 1, &u2, false, NULL, &hidden),
                    GV_ERR_NONE);
    /* the runtime's next allocation reports a gap: refused */
    pte = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 2, 1, &pte, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT_FALSE(gvrt_summary_accept(&victim, &sum, true) == 0);
    /* the hidden one, shown late, is the device's and in order */
    CU_ASSERT(gvrt_summary_accept(&victim, &hidden, false) == 0);
}

/* Attack 21 across streams (found by fuzz-rt's structured mode): the
 * runtime asks stream 1 to unmap a VA; the driver hands back a true,
 * fresh summary of an unmap at that VA by stream 2 of the same context.
 * Before, the runtime checked only the summary's VA and k (and its MAC
 * and counter under the channel it names), so stream 1's mapping could
 * stay while the runtime believed it gone.  The summary must be the
 * asked channel's; refused, it changes no counter. */
static void test_attack21_unmap_summary_of_other_stream(void)
{
    uint64_t t = victim_setup(), va = 6 * GV_PAGE_SIZE, zero = 0, pte;
    struct gv_pte_summary sum;
    uint8_t mac[GV_TAG_LEN];

    (void)t;
    pte = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 6, 1, &pte, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&victim, &sum, true) == 0);
    gvrt_mac_unmap(&victim, 2, va, GV_PAGE_SIZE, mac);
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 6, 1, &zero, false, mac, &sum),
                    GV_ERR_NONE);
    /* shown as stream 1's unmap: refused by name */
    victim.failed = NULL;
    CU_ASSERT_EQUAL(gvrt_unmap_summaries_accept(&victim, 1, &sum, 1, &va, 1),
                    -EBADMSG);
    CU_ASSERT(victim.failed && strcmp(victim.failed,
                                      "unmap summary channel") == 0);
    /* a wrong VA is refused too; as stream 2's, at its VA, accepted (the
     * refusals advanced no counter) */
    va += GV_PAGE_SIZE;
    CU_ASSERT_EQUAL(gvrt_unmap_summaries_accept(&victim, 2, &sum, 1, &va, 1),
                    -EBADMSG);
    va -= GV_PAGE_SIZE;
    CU_ASSERT_EQUAL(gvrt_unmap_summaries_accept(&victim, 2, &sum, 1, &va, 1),
                    0);
}

/* Attack 18, joining by UK_pub (found by the attack suite): the driver
 * creates a stream in the victim's context with the victim's public
 * UK_pub, installs the victim's populated (LOCKED) table in it, then takes
 * the table out of the victim's channel (allowed while another reference
 * stayed) and puts its own table there, mapping an unprotected page at
 * the victim's VA 0: the victim's next authenticated write landed where
 * the BAR reads it.  A populated secure table now never leaves a channel
 * without the runtime, whatever its reference count. */
static void test_attack18_rogue_stream_swaps_table(void)
{
    uint8_t nonce[GV_NONCE_LEN] = { 0 };
    uint64_t t, pa, u, fresh, v;
    struct gv_quote q;

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    t = td_table(td, 1, 0, false);
    pa = map_secure_page(1, 0);
    /* the driver's stream in the victim's context */
    CU_ASSERT_EQUAL_FATAL(td_create_at(td, 2, GV_CREATE_SECURE,
                          td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
                          td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
                          victim.uk_pub, nonce, &q), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, t), GV_ERR_NONE);
    /* the swap is refused */
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, 0), GV_ERR_PAGE_LOCKED);
    fresh = td_alloc_prot(td, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE);
    CU_ASSERT_EQUAL(td_pde(td, 1, 0, false, fresh), GV_ERR_PAGE_LOCKED);
    CU_ASSERT_EQUAL(td_pde(td, 2, 0, false, 0), GV_ERR_PAGE_LOCKED);
    /* the victim's write still goes to its protected page, and no
     * unprotected page the driver could map holds it */
    u = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &u, false, NULL, NULL),
                    GV_ERR_PAGE_LOCKED);
    CU_ASSERT_EQUAL(td_fence(td, &victim, 1, 0, SECRET), GV_ERR_NONE);
    gv_debug_read(td->dev, pa, &v, 8);
    CU_ASSERT_EQUAL(v, SECRET);
    gv_debug_read(td->dev, u & GV_PTE_ADDR_MASK, &v, 8);
    CU_ASSERT_NOT_EQUAL(v, SECRET);
    /* reclaiming the driver's stream (unauthorised destroy) is allowed and
     * leaves the victim whole */
    CU_ASSERT_EQUAL(td_destroy(td, 2, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_fence(td, &victim, 1, 8, 1), GV_ERR_NONE);
}

/* ---- attack 11, the runtime's side ---- */

/* A quote as a device with AK @ak would make for @s's UK_pub. */
static void make_quote(struct gvc_key *ak, struct gvrt_secure *s,
                       const uint8_t cek[32], const uint8_t nonce[32],
                       struct gv_quote *q)
{
    memset(q, 0, sizeof(*q));
    q->magic = GV_QUOTE_MAGIC;
    q->version = GV_QUOTE_VERSION;
    q->chid = 3;
    q->fw_version = GVRT_MIN_FW_VERSION;
    q->incarnation = 42;
    memcpy(q->nonce, nonce, GV_NONCE_LEN);
    gvc_sha256(s->uk_pub, GV_EC_PUB_LEN, q->uk_hash);
    CU_ASSERT_EQUAL(gvc_wrap(s->uk_pub, cek, 32, q->wrapped_cek,
                             sizeof(q->wrapped_cek)), GVC_OK);
}

static void sign_quote(struct gvc_key *ak, struct gv_quote *q)
{
    CU_ASSERT_EQUAL(gvc_sign(ak, q, offsetof(struct gv_quote, sig), q->sig),
                    GVC_OK);
}

static int accept_fresh(struct gv_quote *q, const uint8_t ak_pub[65],
                        const uint8_t nonce[32])
{
    struct gvrt_secure s = victim;
    int r;

    /* a fresh runtime state each time, with the victim's UK */
    memset(s.cek, 0, sizeof(s.cek));
    s.have_cek = false;
    r = gvrt_quote_accept(&s, q, ak_pub, nonce);
    return r;
}

static void test_attack11_runtime_quote_checks(void)
{
    uint8_t cek[32], nonce[32], ak_pub[65], rogue_pub[65];
    struct gvc_key *ak = NULL, *rogue = NULL;
    struct gvrt_secure other = { 0 };
    struct gv_quote q;

    CU_ASSERT_FATAL(gvrt_secure_init(&victim) == 0);
    CU_ASSERT_FATAL(gvrt_secure_init(&other) == 0);
    CU_ASSERT_FATAL(gvc_key_generate(&ak) == GVC_OK);
    CU_ASSERT_FATAL(gvc_key_generate(&rogue) == GVC_OK);
    gvc_key_pub(ak, ak_pub);
    gvc_key_pub(rogue, rogue_pub);
    gvc_random(cek, sizeof(cek));
    gvc_random(nonce, sizeof(nonce));

    /* the positive control: a good quote from the certified AK */
    make_quote(ak, &victim, cek, nonce, &q);
    sign_quote(ak, &q);
    CU_ASSERT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    /* signed by an AK the runtime was not given (uncertified) */
    sign_quote(rogue, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    /* replayed: another nonce than the one the runtime sent */
    sign_quote(ak, &q);
    nonce[0] ^= 1;
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    nonce[0] ^= 1;
    /* a debug or preemptible device, or too old firmware, properly
     * signed: refused all the same */
    q.flags = GV_QUOTE_DEBUG;
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    q.flags = GV_QUOTE_PREEMPTION;
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    q.flags = 0;
    q.fw_version = GVRT_MIN_FW_VERSION - 1;
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    q.fw_version = GVRT_MIN_FW_VERSION;
    q.version = 1;
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    q.version = GV_QUOTE_VERSION;
    /* for another UK_pub: the hash is the other key's, even though the
     * CEK is wrapped for ours (only the hash check can catch it) */
    gvc_sha256(other.uk_pub, GV_EC_PUB_LEN, q.uk_hash);
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    /* wrapped for another UK_pub: cannot unwrap */
    make_quote(ak, &other, cek, nonce, &q);
    gvc_sha256(victim.uk_pub, GV_EC_PUB_LEN, q.uk_hash);
    sign_quote(ak, &q);
    CU_ASSERT_NOT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);
    /* and the good one still passes (the checks above were the cause) */
    make_quote(ak, &victim, cek, nonce, &q);
    sign_quote(ak, &q);
    CU_ASSERT_EQUAL(accept_fresh(&q, ak_pub, nonce), 0);

    gvc_key_free(ak);
    gvc_key_free(rogue);
    gvrt_secure_fini(&other);
}

/* The device's incarnations: every CH_CREATE takes a new one, also across
 * a device reset (which destroys every key anyway). */
static void test_incarnations_unique(void)
{
    uint64_t seen[8];

    for (int i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
        seen[i] = victim.incarnation[1];
        for (int j = 0; j < i; j++) {
            CU_ASSERT_NOT_EQUAL(seen[i], seen[j]);
        }
        /* keep the context (and its CEK) alive across incarnations */
        if (i == 0) {
            CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &victim),
                                  GV_ERR_NONE);
        }
        CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    }
}

/* Seal a NOP group at counter 99 for @chid under @s; its length. */
static uint32_t seal_nop(const struct gvrt_secure *s, unsigned chid,
                         uint8_t g[64])
{
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };

    return gvrt_seal_group_at(s, chid, 99, &nop, sizeof(nop), g);
}

/* Does @s seal what a copy of it at another address seals?  A copy owns
 * no kept context and seals with one-shot calls under its chan_key. */
static bool seals_as_copy(const struct gvrt_secure *s, unsigned chid)
{
    struct gvrt_secure copy = *s;
    uint8_t a[64], b[64];
    uint32_t na = seal_nop(s, chid, a), nb = seal_nop(&copy, chid, b);

    CU_ASSERT_FALSE(gvrt_secure_kept(&copy, chid));
    return na && na == nb && memcmp(a, b, na) == 0;
}

/* The runtime keeps K_chan's AES-GCM context per channel (docs/
 * runtime.md): made at first use, wiped and freed when a quote gives the
 * channel a new key and at its destroy MAC; one made for another key is
 * never used, also when an older state is put back at the same address
 * (the fuzz bench's snapshot). */
static void test_kept_context(void)
{
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };
    struct gvrt_secure snap;
    uint8_t mac[GV_TAG_LEN];

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &victim), GV_ERR_NONE);
    CU_ASSERT_FALSE(gvrt_secure_kept(&victim, 1));
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 1, &nop, sizeof(nop)),
                    GV_ERR_NONE);
    CU_ASSERT_TRUE(gvrt_secure_kept(&victim, 1));
    CU_ASSERT_FALSE(gvrt_secure_kept(&victim, 2));
    CU_ASSERT_TRUE(seals_as_copy(&victim, 1));
    snap = victim;

    /* a new incarnation, a new key: the old key's context goes */
    CU_ASSERT_EQUAL(td_destroy(td, 1, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 1, &victim), GV_ERR_NONE);
    CU_ASSERT_FALSE(gvrt_secure_kept(&victim, 1));
    CU_ASSERT_EQUAL(td_submit_secure(td, &victim, 1, &nop, sizeof(nop)),
                    GV_ERR_NONE);
    CU_ASSERT_TRUE(gvrt_secure_kept(&victim, 1));
    CU_ASSERT_TRUE(seals_as_copy(&victim, 1));

    /* the old state put back: sealed under the old key, not with the
     * new key's context */
    victim = snap;
    CU_ASSERT_TRUE(seals_as_copy(&victim, 1));
    CU_ASSERT_TRUE(seals_as_copy(&victim, 2));

    /* the channel's end */
    CU_ASSERT_TRUE(gvrt_secure_kept(&victim, 2));
    gvrt_mac_destroy(&victim, 2, mac);
    CU_ASSERT_FALSE(gvrt_secure_kept(&victim, 2));
    CU_ASSERT_TRUE(gvrt_secure_kept(&victim, 1));
    gvrt_secure_fini(&victim);
    CU_ASSERT_FALSE(gvrt_secure_kept(&victim, 1));
    CU_ASSERT_PTR_NULL(victim.kept);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test incarnation[] = {
        { "group replayed after re-creation (attack 15)",
          test_attack15_group_replay },
        { "unmap MAC replayed after re-creation (attack 15)",
          test_attack15_mac_replay },
        { "copy ciphertext of an earlier incarnation (attack 15)",
          test_attack15_copy_ciphertext },
        { "incarnations never repeat", test_incarnations_unique },
        { "the runtime's kept K_chan context: a new key, the end",
          test_kept_context },
        { NULL, NULL },
    };
    static const struct gv_cunit_test reports[] = {
        { "authorised unmap scrubs (attack 10)",
          test_attack10_authorised_unmap_scrubs },
        { "destroyed tables and PGD read as zeros (attack 10)",
          test_attack10_tables_scrubbed_at_destroy },
        { "silent remap is a counter gap (attack 21)",
          test_attack21_silent_remap },
        { "attack21_unmap_summary_of_other_stream",
          test_attack21_unmap_summary_of_other_stream },
        { "a driver's stream cannot swap the victim's table (attack 18)",
          test_attack18_rogue_stream_swaps_table },
        { NULL, NULL },
    };
    static const struct gv_cunit_test quotes[] = {
        { "runtime quote checks (attack 11)",
          test_attack11_runtime_quote_checks },
        { NULL, NULL },
    };

    return gv_add_suite("incarnations", setup, teardown, incarnation) ||
           gv_add_suite("reports", setup, teardown, reports) ||
           gv_add_suite("quotes", setup, teardown, quotes);
}
