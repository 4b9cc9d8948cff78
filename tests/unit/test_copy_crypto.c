/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the copy engine's crypto mode with bounded staging
 * (hw/core/gv_copy.c): decrypting and encrypting round trips at sizes
 * across page and staging-chunk boundaries up to 64 MiB; a bad tag
 * (copy.data_auth, the destination zeroed; so too when the source's
 * fetch fails half-way); a double-fetch attack on the
 * source (a host that returns other bytes on a second read must not get
 * one unauthenticated byte into the destination); plaintext never in the
 * host window in the encrypting direction, not even when its DMA fails
 * half-way; and the destinations a decrypting copy refuses
 * (copy.decrypt_dst: unprotected memory, the host window, a physical
 * page mapped twice) and overlaps (copy.crypto_overlap); the key
 * schedules a channel keeps between copies: a new key wipes them (a
 * ciphertext under the old key is refused), and so does the channel's end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "gv_internal.h"
#include "gv_testdev.h"
#include "graviton/gv_rules.h"

#define VRAM     (256ull << 20)
#define UNPROT   (16ull << 20)
#define PROT     (192ull << 20)
#define BIG      (64ull << 20)                  /* GV_COPY_MAX */
#define NPAGES   (BIG / 4096 + 8)               /* secure pages at VA 0 */
#define VA_UNPROT (NPAGES * 4096ull)            /* an unprotected page */
#define VA_ALIAS (VA_UNPROT + 16 * 4096ull)     /* 2 VAs, 1 physical page */
#define WIN_BASE (1ull << 40)                   /* the window's DMA route */
#define WIN_SIZE (BIG + 4096)
#define CHUNK    (256u << 10)                   /* the engine's staging */

static struct td *td;
static struct gvrt_secure sa;
static uint8_t *window;
static uint64_t *pa_of;                         /* VA page -> physical */
static uint8_t key[32];                         /* the engine's K_copy */
static uint8_t iv[12];

static uint8_t *next_iv(void)
{
    for (int i = 0; i < 12 && ++iv[i] == 0; i++) {
    }
    return iv;
}

static int win_read(void *t, uint64_t addr, void *buf, uint64_t len)
{
    struct td *d = t;

    if (addr >= WIN_BASE) {
        if (addr - WIN_BASE > WIN_SIZE || len > WIN_SIZE - (addr - WIN_BASE)) {
            return -1;
        }
        memcpy(buf, window + (addr - WIN_BASE), len);
        return 0;
    }
    if (addr < TD_GUEST_BASE || addr - TD_GUEST_BASE + len > TD_GUEST_SIZE) {
        return -1;
    }
    memcpy(buf, d->guest + (addr - TD_GUEST_BASE), len);
    return 0;
}

static int win_write(void *t, uint64_t addr, const void *buf, uint64_t len)
{
    struct td *d = t;

    if (addr >= WIN_BASE) {
        if (addr - WIN_BASE > WIN_SIZE || len > WIN_SIZE - (addr - WIN_BASE)) {
            return -1;
        }
        memcpy(window + (addr - WIN_BASE), buf, len);
        return 0;
    }
    if (addr < TD_GUEST_BASE || addr - TD_GUEST_BASE + len > TD_GUEST_SIZE) {
        return -1;
    }
    memcpy(d->guest + (addr - TD_GUEST_BASE), buf, len);
    return 0;
}

static void map(unsigned first, unsigned count, const uint64_t *ptes)
{
    CU_ASSERT_EQUAL_FATAL(td_pte(td, 2, 0, first, count, ptes, false, NULL,
                                 NULL), GV_ERR_NONE);
}

/* Channel 2, secure: 64 MiB + 8 pages of protected memory at VA 0, one
 * unprotected page at VA_UNPROT, one protected page at VA_ALIAS and the
 * next VA page; its copy key set; the window through its own route. */
static void setup(void)
{
    static uint64_t ptes[GV_PTE_MAX_COUNT];
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(k) } };
    uint8_t raw[32];

    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&sa, 0, sizeof(sa));
    window = calloc(1, WIN_SIZE);
    pa_of = calloc(NPAGES, sizeof(*pa_of));
    CU_ASSERT_FATAL(window && pa_of);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    for (unsigned done = 0; done < NPAGES;) {
        unsigned n = NPAGES - done < GV_PTE_MAX_COUNT ? NPAGES - done
                                                      : GV_PTE_MAX_COUNT;

        for (unsigned i = 0; i < n; i++) {
            pa_of[done + i] = td_alloc_prot(td, 4096, 4096);
            ptes[i] = pa_of[done + i] | GV_PTE_VALID;
        }
        map(done, n, ptes);
        done += n;
    }
    ptes[0] = td_alloc_unprot(td, 4096, 4096) | GV_PTE_VALID;
    map(VA_UNPROT / 4096, 1, ptes);
    ptes[0] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    map(VA_ALIAS / 4096, 1, ptes);
    map(VA_ALIAS / 4096 + 1, 1, ptes);
    gvc_random(raw, sizeof(raw));
    memcpy(k.key, raw, sizeof(raw));
    CU_ASSERT_EQUAL_FATAL(td_submit_secure(td, &sa, 2, &k, sizeof(k)),
                          GV_ERR_NONE);
    CU_ASSERT_FATAL(gvrt_copy_key(&sa, 2, raw, key) == 0);
    td_hostwin(td, 2, WIN_BASE, WIN_SIZE);
    td_set_dma_read(td, win_read);
    td_set_dma_write(td, win_write);
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    gvrt_secure_fini(&sa);
    free(window);
    free(pa_of);
}

static int copy(uint32_t flags, uint64_t src, uint64_t dst, uint64_t size)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = flags, .src = src, .dst = dst,
                             .size = size };

    memcpy(c.iv, iv, sizeof(c.iv));
    return td_submit_secure(td, &sa, 2, &c, sizeof(c));
}

/* [va, va + n) of the secure pages at VA 0, through the physical pages. */
static void vm_read(uint64_t va, uint8_t *buf, uint64_t n)
{
    for (uint64_t done = 0; done < n;) {
        uint64_t in = (va + done) % 4096, m = 4096 - in;

        m = m < n - done ? m : n - done;
        gv_debug_read(td->dev, pa_of[(va + done) / 4096] + in, buf + done, m);
        done += m;
    }
}

static void vm_fill(uint64_t va, uint8_t byte, uint64_t n)
{
    uint8_t page[4096];

    memset(page, byte, sizeof(page));
    for (uint64_t done = 0; done < n;) {
        uint64_t in = (va + done) % 4096, m = 4096 - in;

        m = m < n - done ? m : n - done;
        gv_debug_write(td->dev, pa_of[(va + done) / 4096] + in, page, m);
        done += m;
    }
}

static bool all_byte(const uint8_t *p, uint8_t byte, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (p[i] != byte) {
            return false;
        }
    }
    return true;
}

/* The runtime's side: @n bytes of @pt sealed for VA @dst, at window
 * offset 0 (ciphertext || tag), under a fresh IV. */
static void seal_for(uint64_t dst, const uint8_t *pt, uint64_t n)
{
    CU_ASSERT_EQUAL_FATAL(gvc_gcm_seal(key, next_iv(), &dst, 8, pt, n,
                                       window, window + n), GVC_OK);
}

/* @err is @want_err and ERROR_RULE names @rule (else: say where). */
static void expect_rule_(int err, int want_err, unsigned rule, int line)
{
    CU_ASSERT_EQUAL(err, want_err);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE), rule);
    if (err != want_err || td_rd(td, GV_REG_ERROR_RULE) != rule) {
        fprintf(stderr, "\n    line %d: error %d, rule %s, expected %s",
                line, err, gv_rule_name(td_rd(td, GV_REG_ERROR_RULE)),
                gv_rule_name(rule));
    }
}

#define expect_rule(e, w, r) expect_rule_(e, w, r, __LINE__)

/* Decrypt into VA @dst and encrypt back out, @n bytes. */
static void round_trip(uint64_t dst, uint64_t n, const uint8_t *pt,
                       uint8_t *got)
{
    uint8_t *ivp;

    seal_for(dst, pt, n);
    CU_ASSERT_EQUAL(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst, n),
                    GV_ERR_NONE);
    vm_read(dst, got, n);
    if (memcmp(got, pt, n) != 0) {
        fprintf(stderr, "\n    decrypt of %llu bytes at VA %llu differs",
                (unsigned long long)n, (unsigned long long)dst);
        CU_FAIL("decrypting copy");
    }
    memset(window, 0, n + 16);
    ivp = next_iv();
    CU_ASSERT_EQUAL(copy(GV_COPY_DST_HOST | GV_COPY_ENCRYPT, dst, 0, n),
                    GV_ERR_NONE);
    memset(got, 0, n);
    if (gvc_gcm_open(key, ivp, &dst, 8, window, n, got, window + n) !=
            GVC_OK || memcmp(got, pt, n) != 0) {
        fprintf(stderr, "\n    encrypt of %llu bytes at VA %llu wrong",
                (unsigned long long)n, (unsigned long long)dst);
        CU_FAIL("encrypting copy");
    }
}

static void test_round_trips(void)
{
    static const uint64_t sizes[] = { 1, 15, 16, 17, 4095, 4096, 4097,
                                      CHUNK - 1, CHUNK, CHUNK + 1,
                                      3 * CHUNK + 4097 };
    uint64_t max = 3 * CHUNK + 4097 + 4096;
    uint8_t *pt = malloc(max), *got = malloc(max);

    CU_ASSERT_FATAL(pt && got);
    gvc_random(pt, max);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        round_trip(0, sizes[i], pt, got);
        round_trip(1000, sizes[i], pt + 7, got);
        round_trip(4095, sizes[i], pt + 1, got);
    }
    free(pt);
    free(got);
}

/* The largest copy, 64 MiB, both ways. */
static void test_round_trip_64m(void)
{
    uint8_t *pt = malloc(BIG), *got = malloc(BIG);

    CU_ASSERT_FATAL(pt && got);
    for (uint64_t i = 0; i < BIG; i += 8) {
        uint64_t v = i * 0x9e3779b97f4a7c15ull;

        memcpy(pt + i, &v, 8);
    }
    round_trip(0, BIG, pt, got);
    free(pt);
    free(got);
}

/* A bad tag, or a changed byte anywhere: DATA_AUTH, rule copy.data_auth,
 * and the destination is all zero (not the ciphertext, not a part). */
static void test_bad_tag_zeroes(void)
{
    uint64_t n = 2 * CHUNK + 100, dst = 300;
    uint64_t flip[] = { 0, CHUNK, n - 1, n, n + 15 };
    uint8_t *pt = malloc(n), *got = malloc(n);

    CU_ASSERT_FATAL(pt && got);
    memset(pt, 0x5a, n);
    for (size_t i = 0; i < sizeof(flip) / sizeof(flip[0]); i++) {
        vm_fill(0, 0xcc, n + 1000);
        seal_for(dst, pt, n);
        window[flip[i]] ^= 0x04;
        expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst, n),
                    GV_ERR_DATA_AUTH, GV_RULE_COPY_DATA_AUTH);
        vm_read(dst, got, n);
        CU_ASSERT(all_byte(got, 0, n));
        /* and only the destination */
        vm_read(0, got, dst);
        CU_ASSERT(all_byte(got, 0xcc, dst));
        vm_read(dst + n, got, 600);
        CU_ASSERT(all_byte(got, 0xcc, 600));
    }
    free(pt);
    free(got);
}

/* The host refuses the second chunk's read: FETCH (copy.host_read), and
 * the first chunk's ciphertext, already in the destination, zeroed. */
static int fail_second_chunk(void *t, uint64_t addr, void *buf, uint64_t len)
{
    if (addr == WIN_BASE + CHUNK) {
        return -1;
    }
    return win_read(t, addr, buf, len);
}

static void test_fetch_fails_zeroes(void)
{
    uint64_t n = 2 * CHUNK + 100;
    uint8_t *pt = malloc(n), *got = malloc(n);

    CU_ASSERT_FATAL(pt && got);
    memset(pt, 0x77, n);
    vm_fill(0, 0xcc, n);
    seal_for(0, pt, n);
    td_set_dma_read(td, fail_second_chunk);
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, 0, n),
                GV_ERR_FETCH, GV_RULE_COPY_HOST_READ);
    td_set_dma_read(td, win_read);
    vm_read(0, got, n);
    CU_ASSERT(all_byte(got, 0, n));
    free(pt);
    free(got);
}

/*
 * Double fetch: the host returns the honest ciphertext on the first read
 * of each byte of the window and that byte changed on any later read.
 * The engine must authenticate and decrypt exactly the bytes it read
 * once: the copy succeeds with the honest plaintext (every byte is read
 * once) or fails with the destination zero; it never holds a byte that
 * was not authenticated.
 */
static uint8_t *fetched;                        /* per window byte */

static int double_fetch_read(void *t, uint64_t addr, void *buf, uint64_t len)
{
    uint8_t *b = buf;

    if (win_read(t, addr, buf, len) != 0) {
        return -1;
    }
    if (addr >= WIN_BASE) {
        for (uint64_t i = 0; i < len; i++) {
            if (fetched[addr - WIN_BASE + i]++) {
                b[i] ^= 0x01;
            }
        }
    }
    return 0;
}

static void test_double_fetch(void)
{
    uint64_t n = 3 * CHUNK + 5, dst = 8;
    uint8_t *pt = malloc(n), *got = malloc(n);
    int r;

    fetched = calloc(1, WIN_SIZE);
    CU_ASSERT_FATAL(pt && got && fetched);
    gvc_random(pt, n);
    seal_for(dst, pt, n);
    td_set_dma_read(td, double_fetch_read);
    r = copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst, n);
    td_set_dma_read(td, win_read);
    vm_read(dst, got, n);
    CU_ASSERT(r == GV_ERR_NONE || r == GV_ERR_DATA_AUTH);
    if (r == GV_ERR_NONE) {
        CU_ASSERT(memcmp(got, pt, n) == 0);
    } else {
        CU_ASSERT(all_byte(got, 0, n));
    }
    /* each byte of ciphertext and tag was fetched exactly once */
    for (uint64_t i = 0; i < n + 16; i++) {
        if (fetched[i] != 1) {
            fprintf(stderr, "\n    byte %llu fetched %u times",
                    (unsigned long long)i, fetched[i]);
            CU_FAIL("the source was fetched more than once");
            break;
        }
    }
    free(fetched);
    free(pt);
    free(got);
}

/*
 * The encrypting direction: every DMA write into the window is recorded;
 * none may hold the plaintext (a marker repeated through it), including
 * when the host refuses the second write half-way through the copy.
 */
#define MARK "PLAINTXT"
static int writes_seen, writes_with_plain, fail_write_at;

static int spy_write(void *t, uint64_t addr, const void *buf, uint64_t len)
{
    const uint8_t *b = buf;

    if (addr >= WIN_BASE) {
        if (++writes_seen == fail_write_at) {
            return -1;
        }
        for (uint64_t i = 0; i + 8 <= len; i++) {
            if (!memcmp(b + i, MARK, 8)) {
                writes_with_plain++;
                break;
            }
        }
    }
    return win_write(t, addr, buf, len);
}

static void test_encrypt_never_plain(void)
{
    uint64_t n = 2 * CHUNK + 77;
    uint8_t *pt = malloc(n), *got = malloc(n), *ivp;
    uint64_t src = 0;

    CU_ASSERT_FATAL(pt && got);
    for (uint64_t i = 0; i < n; i++) {
        pt[i] = MARK[i % 8];
    }
    seal_for(src, pt, n);
    CU_ASSERT_EQUAL_FATAL(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, src,
                               n), GV_ERR_NONE);
    memset(window, 0, n + 16);
    td_set_dma_write(td, spy_write);
    for (int fail = 0; fail < 3; fail++) {
        writes_seen = writes_with_plain = 0;
        fail_write_at = fail;
        ivp = next_iv();
        CU_ASSERT_EQUAL(copy(GV_COPY_DST_HOST | GV_COPY_ENCRYPT, src, 0, n),
                        fail ? GV_ERR_RESULT : GV_ERR_NONE);
        CU_ASSERT(writes_seen > 0);
        CU_ASSERT_EQUAL(writes_with_plain, 0);
    }
    td_set_dma_write(td, win_write);
    CU_ASSERT(gvc_gcm_open(key, ivp, &src, 8, window, n, got, window + n) !=
              GVC_OK);      /* the last one failed half-way */
    ivp = next_iv();
    CU_ASSERT_EQUAL(copy(GV_COPY_DST_HOST | GV_COPY_ENCRYPT, src, 0, n),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, ivp, &src, 8, window, n, got,
                                 window + n), GVC_OK);
    CU_ASSERT(memcmp(got, pt, n) == 0);
    free(pt);
    free(got);
}

/* A decrypting copy's destination must be the context's own protected
 * memory, each physical page once: unprotected memory (the driver reads
 * and writes it through the BAR), the host window, or one page mapped at
 * two VAs are refused (copy.decrypt_dst) before anything moves. */
static void test_decrypt_dst_refused(void)
{
    uint8_t pt[64] = { 1 }, got[32];

    seal_for(VA_UNPROT, pt, sizeof(pt));
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, VA_UNPROT,
                     sizeof(pt)), GV_ERR_NOT_PROTECTED,
                GV_RULE_COPY_DECRYPT_DST);
    /* from a protected page into the unprotected one: refused whole */
    vm_fill(VA_UNPROT - 4096, 0xab, 4096);
    seal_for(VA_UNPROT - 32, pt, sizeof(pt));
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, VA_UNPROT - 32,
                     sizeof(pt)), GV_ERR_NOT_PROTECTED,
                GV_RULE_COPY_DECRYPT_DST);
    vm_read(VA_UNPROT - 32, got, sizeof(got));
    CU_ASSERT(all_byte(got, 0xab, sizeof(got)));
    /* the host window */
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DST_HOST | GV_COPY_DECRYPT,
                     0, 4096, sizeof(pt)), GV_ERR_NOT_PROTECTED,
                GV_RULE_COPY_DECRYPT_DST);
    /* the same physical page through two VAs */
    seal_for(VA_ALIAS + 4090, pt, sizeof(pt));
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, VA_ALIAS + 4090,
                     sizeof(pt)), GV_ERR_NOT_PROTECTED,
                GV_RULE_COPY_DECRYPT_DST);
    /* each of the two VAs alone is fine */
    seal_for(VA_ALIAS + 4096, pt, sizeof(pt));
    CU_ASSERT_EQUAL(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0,
                         VA_ALIAS + 4096, sizeof(pt)), GV_ERR_NONE);
    seal_for(VA_ALIAS, pt, sizeof(pt));
    CU_ASSERT_EQUAL(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, VA_ALIAS,
                         sizeof(pt)), GV_ERR_NONE);
}

/* Device to device: exactly in place works both ways; a destination
 * above the source that overlaps it is refused (copy.crypto_overlap). */
static void test_device_in_place(void)
{
    uint64_t n = CHUNK + 3000, va = 5 * 4096 + 12;
    uint8_t *pt = malloc(n + 16), *got = malloc(n + 16), *ivp;

    CU_ASSERT_FATAL(pt && got);
    gvc_random(pt, n);
    seal_for(va, pt, n);
    /* ciphertext || tag into device memory, plainly */
    CU_ASSERT_EQUAL(copy(GV_COPY_SRC_HOST, 0, va, n + 16), GV_ERR_NONE);
    expect_rule(copy(GV_COPY_DECRYPT, va, va + 4096, n),
                GV_ERR_BAD_ADDRESS, GV_RULE_COPY_CRYPTO_OVERLAP);
    expect_rule(copy(GV_COPY_DECRYPT, va, va + n + 15, n),
                GV_ERR_BAD_ADDRESS, GV_RULE_COPY_CRYPTO_OVERLAP);
    CU_ASSERT_EQUAL(copy(GV_COPY_DECRYPT, va, va, n), GV_ERR_NONE);
    vm_read(va, got, n);
    CU_ASSERT(memcmp(got, pt, n) == 0);
    /* encrypt in place, then out plainly; the host opens it */
    ivp = next_iv();
    expect_rule(copy(GV_COPY_ENCRYPT, va, va + 1, n), GV_ERR_BAD_ADDRESS,
                GV_RULE_COPY_CRYPTO_OVERLAP);
    CU_ASSERT_EQUAL(copy(GV_COPY_ENCRYPT, va, va, n), GV_ERR_NONE);
    CU_ASSERT_EQUAL(copy(GV_COPY_DST_HOST, va, 0, n + 16), GV_ERR_NONE);
    CU_ASSERT_EQUAL(gvc_gcm_open(key, ivp, &va, 8, window, n, got,
                                 window + n), GVC_OK);
    CU_ASSERT(memcmp(got, pt, n) == 0);
    free(pt);
    free(got);
}

/* Channel 2 keeps K_copy's key schedules from its first crypto copy on
 * (gv_chan.copy); SET_COPY_KEY wipes them, so a ciphertext sealed under
 * the old key is refused and one under the new key accepted, and so does
 * the channel's destruction.  Last: it changes the key and ends channel 2. */
static void test_key_schedules_wiped(void)
{
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(k) } };
    uint64_t n = 4096, dst = 3 * 4096;
    uint8_t *pt = malloc(n), *got = malloc(n), old[32], mac[GV_TAG_LEN];

    CU_ASSERT_FATAL(pt && got);
    gvc_random(pt, n);
    round_trip(dst, n, pt, got);
    CU_ASSERT_PTR_NOT_NULL(td->dev->chan[2].copy);
    memcpy(old, key, sizeof(old));
    gvc_random(k.key, sizeof(k.key));
    CU_ASSERT_EQUAL_FATAL(td_submit_secure(td, &sa, 2, &k, sizeof(k)),
                          GV_ERR_NONE);
    CU_ASSERT_PTR_NULL(td->dev->chan[2].copy);
    CU_ASSERT_FATAL(gvrt_copy_key(&sa, 2, k.key, key) == 0);
    /* under the old key: refused, the destination zeroed */
    CU_ASSERT_EQUAL(gvc_gcm_seal(old, next_iv(), &dst, 8, pt, n, window,
                                 window + n), GVC_OK);
    expect_rule(copy(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst, n),
                GV_ERR_DATA_AUTH, GV_RULE_COPY_DATA_AUTH);
    vm_read(dst, got, n);
    CU_ASSERT(all_byte(got, 0, n));
    td_wr(td, GV_REG_CHAN(2, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    /* under the new one: both directions */
    round_trip(dst, n, pt, got);
    CU_ASSERT_PTR_NOT_NULL(td->dev->chan[2].copy);
    gvrt_mac_destroy(&sa, 2, mac);
    CU_ASSERT_EQUAL(td_destroy(td, 2, mac), GV_ERR_NONE);
    CU_ASSERT_PTR_NULL(td->dev->chan[2].copy);
    memset(old, 0, sizeof(old));
    free(pt);
    free(got);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "round trips across page and chunk boundaries", test_round_trips },
        { "64 MiB round trip", test_round_trip_64m },
        { "bad tag: copy.data_auth, destination zeroed",
          test_bad_tag_zeroes },
        { "a fetch failing half-way: destination zeroed",
          test_fetch_fails_zeroes },
        { "double fetch: only authenticated bytes", test_double_fetch },
        { "encrypting: no plaintext in the window, even half-way",
          test_encrypt_never_plain },
        { "decrypt into unprotected, window or aliased: refused",
          test_decrypt_dst_refused },
        { "device to device in place; overlaps refused",
          test_device_in_place },
        { "a new key or the channel's end wipes its key schedules",
          test_key_schedules_wiped },
        { NULL, NULL },
    };

    return gv_add_suite("copy-crypto", setup, teardown, t);
}
