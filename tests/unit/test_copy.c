/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the copy engine: host window <-> device virtual memory,
 * device <-> device, the fault rules (unmapped, read-only, another
 * context's page, hidden memory, outside the host window) and the crypto
 * mode (decrypt/encrypt under the context's copy key; a bad tag zeroes
 * the destination; more in test_copy_crypto.c), and attack 16: sources,
 * destinations, windows and tags whose range wraps around 2^64.
 */
#include <stdio.h>
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

static struct td *td;
static struct gvrt_secure sa;
static uint64_t pages[8];                      /* physical, chid 1 */

static uint8_t *win(uint64_t off)
{
    return td->guest + WIN_OFF + off;
}

static void set_window(unsigned chid)
{
    td_hostwin(td, chid, WIN, WIN_SIZE);
}

/* Channel 1: normal, 8 small pages at VA 0; channel 2: secure, 8 pages. */
static void setup(void)
{
    struct gv_pte_summary sum;
    uint64_t ptes[8];

    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&sa, 0, sizeof(sa));
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    for (int i = 0; i < 8; i++) {
        pages[i] = td_alloc_prot(td, 4096, 4096);
        ptes[i] = pages[i] | GV_PTE_VALID | (i == 7 ? GV_PTE_READONLY : 0);
    }
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 8, ptes, false, NULL, NULL),
                    GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 2, 0, false);
    for (int i = 0; i < 8; i++) {
        ptes[i] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
    }
    CU_ASSERT_EQUAL(td_pte(td, 2, 0, 0, 8, ptes, false, NULL, &sum),
                    GV_ERR_NONE);
    CU_ASSERT(gvrt_summary_accept(&sa, &sum, true) == 0);
    set_window(1);
    set_window(2);
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    gvrt_secure_fini(&sa);
}

static int copy(struct gvrt_secure *s, unsigned chid, uint32_t flags,
                uint64_t src, uint64_t dst, uint64_t size, const uint8_t *iv)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = flags, .src = src, .dst = dst,
                             .size = size };

    if (iv) {
        memcpy(c.iv, iv, sizeof(c.iv));
    }
    return s ? td_submit_secure(td, s, chid, &c, sizeof(c))
             : td_submit(td, chid, &c, sizeof(c));
}

static void test_host_device_round_trip(void)
{
    uint8_t *in = malloc(3 * 4096), *back;
    uint64_t v;

    for (int i = 0; i < 3 * 4096; i++) {
        in[i] = (uint8_t)(i * 13 + 5);
    }
    memcpy(win(100), in, 3 * 4096 - 200);
    /* host -> device, across page boundaries at odd offsets */
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, 100, 4096 + 50,
                         3 * 4096 - 200, NULL), GV_ERR_NONE);
    gv_debug_read(td->dev, pages[1] + 50, &v, 8);
    CU_ASSERT(memcmp(&v, in, 8) == 0);
    /* device -> host */
    memset(win(65536), 0, 3 * 4096);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 4096 + 50, 65536,
                         3 * 4096 - 200, NULL), GV_ERR_NONE);
    back = win(65536);
    CU_ASSERT(memcmp(back, in, 3 * 4096 - 200) == 0);
    free(in);
}

static void test_device_to_device_overlap(void)
{
    uint8_t pattern[256], out[256];

    for (int i = 0; i < 256; i++) {
        pattern[i] = (uint8_t)i;
    }
    memcpy(win(0), pattern, sizeof(pattern));
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, 0, 4000, 256, NULL),
                    GV_ERR_NONE);
    /* overlapping move by 16 bytes, across a page boundary */
    CU_ASSERT_EQUAL(copy(NULL, 1, 0, 4000, 4016, 256, NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 4016, 8192, 256, NULL),
                    GV_ERR_NONE);
    memcpy(out, win(8192), sizeof(out));
    CU_ASSERT(memcmp(out, pattern, sizeof(pattern)) == 0);
}

static void test_faults_change_nothing(void)
{
    uint64_t before, after;

    gv_debug_read(td->dev, pages[6], &before, 8);
    memset(win(0), 0xee, 3 * 4096);
    /* runs from page 6 into page 7 (read-only): refused, page 6 intact */
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, 0, 6 * 4096, 2 * 4096,
                         NULL), GV_ERR_FAULT);
    gv_debug_read(td->dev, pages[6], &after, 8);
    CU_ASSERT_EQUAL(before, after);
    /* beyond the mapping */
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, 0, 8 * 4096 - 8, 16,
                         NULL), GV_ERR_FAULT);
    /* outside the host window, or wrapping it */
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, WIN_SIZE - 8, 0, 16,
                         NULL), GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 0, ~0ull - 4, 8, NULL),
                    GV_ERR_BAD_ADDRESS);
    /* no window */
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_HOSTWIN_SIZE), 0);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST, 0, 0, 8, NULL),
                    GV_ERR_BAD_ADDRESS);
    /* malformed */
    set_window(1);
    CU_ASSERT_EQUAL(copy(NULL, 1, 0x80, 0, 0, 8, NULL), GV_ERR_BAD_COMMAND);
    CU_ASSERT_EQUAL(copy(NULL, 1, 0, 0, 8, 0, NULL), GV_ERR_RANGE);
    CU_ASSERT_EQUAL(copy(NULL, 1, 0, 0, 8, GV_COPY_MAX + 1ull, NULL),
                    GV_ERR_RANGE);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_ENCRYPT | GV_COPY_DECRYPT, 0, 8, 8,
                         NULL), GV_ERR_BAD_COMMAND);
    /* the bootstrap channel has no copy engine */
    {
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                                 .size = 8 };

        CU_ASSERT_EQUAL(td_submit(td, TD_BOOT_CHID, &c, sizeof(c)),
                        GV_ERR_BOOTSTRAP);
    }
}

/* Attacks 4 and 13 through the copy engine: even a forged page-table
 * entry cannot make it read another context's page or hidden memory. */
static void test_copy_confined(void)
{
    uint64_t t1 = UNPROT + GV_DESC_BYTES + GV_PGD_BYTES;   /* chid 1's table */
    uint64_t secret = 0x5ec2e7, forged, zero = 0;
    uint64_t victim = td->prot_next - 4096;                 /* chid 2's page */

    gv_debug_write(td->dev, victim, &secret, 8);
    forged = victim | GV_PTE_VALID;
    gv_debug_write(td->dev, t1 + 20 * 8, &forged, 8);       /* VA 20 pages */
    memset(win(0), 0, 8);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 20 * 4096, 0, 8, NULL),
                    GV_ERR_FAULT);
    CU_ASSERT_EQUAL(*(uint64_t *)win(0), 0);
    forged = (UNPROT + PROT) | GV_PTE_VALID;                /* hidden */
    gv_debug_write(td->dev, t1 + 20 * 8, &forged, 8);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 20 * 4096, 0, 8, NULL),
                    GV_ERR_FAULT);
    gv_debug_write(td->dev, t1 + 20 * 8, &zero, 8);         /* undo */
}

static void set_key(const uint8_t key[32])
{
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(k) } };

    memcpy(k.key, key, 32);
    CU_ASSERT_EQUAL(td_submit_secure(td, &sa, 2, &k, sizeof(k)),
                    GV_ERR_NONE);
}

static void test_crypto_decrypt(void)
{
    uint8_t raw[32], key[32], iv[12] = { 1, 2, 3 }, pt[5000], got[5000];
    uint64_t dst = 1000, before;
    struct gv_measurement m;

    /* the engine's key is K_copy, bound to the channel's incarnation */
    gvc_random(raw, sizeof(raw));
    CU_ASSERT_FATAL(gvrt_copy_key(&sa, 2, raw, key) == 0);
    for (size_t i = 0; i < sizeof(pt); i++) {
        pt[i] = (uint8_t)(i ^ 0x5a);
    }
    /* the runtime encrypts in the trusted host, puts it in the window */
    CU_ASSERT_EQUAL(gvc_gcm_seal(key, iv, &dst, 8, pt, sizeof(pt), win(0),
                                 win(sizeof(pt))), GVC_OK);
    /* no key yet */
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst,
                         sizeof(pt), iv), GV_ERR_NOT_SECURE);
    set_key(raw);
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst,
                         sizeof(pt), iv), GV_ERR_NONE);
    CU_ASSERT_EQUAL(td_measure(td, 2, dst, sizeof(pt), &m), GV_ERR_NONE);
    CU_ASSERT(gvrt_measurement_accept(&sa, 2, &m, dst, pt, sizeof(pt)) == 0);

    /* a flipped ciphertext byte, or another destination: refused, and
     * the destination zeroed (the engine checks the ciphertext in the
     * destination, test_copy_crypto.c), the rest of the page untouched */
    gv_debug_read(td->dev, td->prot_next - 8 * 4096 + 4096 * 3, &before, 8);
    win(10)[0] ^= 1;
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0,
                         4096, sizeof(pt), iv), GV_ERR_DATA_AUTH);
    win(10)[0] ^= 1;
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0,
                         4096, sizeof(pt), iv), GV_ERR_DATA_AUTH);
    {
        uint64_t after;

        gv_debug_read(td->dev, td->prot_next - 8 * 4096 + 4096, &after, 8);
        CU_ASSERT_EQUAL(after, 0);
        gv_debug_read(td->dev, td->prot_next - 8 * 4096 + 4096 * 3, &after,
                      8);
        CU_ASSERT_EQUAL(before, after);
    }
    /* the good copy again (the failed one zeroed part of it) */
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, dst,
                         sizeof(pt), iv), GV_ERR_NONE);

    /* encrypt on the way out: the runtime can decrypt it */
    memset(win(65536), 0, sizeof(pt) + 16);
    CU_ASSERT_EQUAL(copy(&sa, 2, GV_COPY_DST_HOST | GV_COPY_ENCRYPT, dst,
                         65536, sizeof(pt), iv), GV_ERR_NONE);
    CU_ASSERT(memcmp(win(65536), pt, 64) != 0);     /* not in the clear */
    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, &dst, 8, win(65536), sizeof(pt),
                                 got, win(65536 + sizeof(pt))), GVC_OK);
    CU_ASSERT(memcmp(got, pt, sizeof(pt)) == 0);
}

static void test_crypto_needs_secure_channel(void)
{
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(k) } };

    CU_ASSERT_EQUAL(td_submit(td, 1, &k, sizeof(k)), GV_ERR_NOT_SECURE);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST | GV_COPY_DECRYPT, 0, 0,
                         8, NULL), GV_ERR_NOT_SECURE);
}

/* What a wrapped copy could write: the 8 pages of each channel, and the
 * fake guest memory from the window to the results area (the window, and
 * the unused 2 MiB after it; rings and command groups lie below). */
#define SNAP_GUEST (3ull << 20)
struct copy_snap {
    uint8_t dev[16][4096];
    uint8_t *guest;
};

static void snap_take(struct copy_snap *s)
{
    for (int i = 0; i < 16; i++) {
        gv_debug_read(td->dev, i < 8 ? pages[i]
                                     : td->prot_next - (16 - i) * 4096ull,
                      s->dev[i], 4096);
    }
    s->guest = malloc(SNAP_GUEST);
    memcpy(s->guest, win(0), SNAP_GUEST);
}

/* Nothing changed since @s was taken. */
static bool snap_same(struct copy_snap *s)
{
    struct copy_snap now;
    bool same;

    snap_take(&now);
    same = memcmp(now.dev, s->dev, sizeof(s->dev)) == 0 &&
           memcmp(now.guest, s->guest, SNAP_GUEST) == 0;
    free(now.guest);
    return same;
}

/* DMA reads of the fake guest memory, counting those of [6 MiB, 7 MiB)
 * (where a wrapped window points below; rings and groups lie lower). */
static int dma_reads;

static int count_dma_read(void *t, uint64_t addr, void *buf, uint64_t len)
{
    (void)t;
    if (addr < TD_GUEST_BASE || len > TD_GUEST_SIZE ||
        addr - TD_GUEST_BASE > TD_GUEST_SIZE - len) {
        return -1;
    }
    if (addr - TD_GUEST_BASE >= (6ull << 20) &&
        addr - TD_GUEST_BASE < (7ull << 20)) {
        dma_reads++;
    }
    memcpy(buf, td->guest + (addr - TD_GUEST_BASE), len);
    return 0;
}

/*
 * Attack 16 through the copy engine: ranges whose end wraps around 2^64,
 * or leaves the 40-bit VA space or the host window, by the source, the
 * destination, the window's own base, or the 16 bytes of a tag.  Each is
 * refused with the documented error (FAULT for virtual addresses,
 * BAD_ADDRESS for the window, RANGE for the size) and writes nothing:
 * not the channels' pages, not the fake guest memory.
 */
static void test_copy_wrapping_ranges(void)
{
    static const struct {
        const char *what;
        unsigned chid;
        uint32_t flags;
        uint64_t src, dst, size;
        int expect;
    } t[] = {
        { "src VA 2^64-16, 32 bytes", 1, GV_COPY_DST_HOST, ~0ull - 15, 0, 32,
          GV_ERR_FAULT },
        { "src VA 2^64-4096, 8192 bytes (onto VA 0)", 1, GV_COPY_DST_HOST,
          ~0ull - 4095, 0, 8192, GV_ERR_FAULT },
        { "src VA 2^40-8, 16 bytes", 1, GV_COPY_DST_HOST, (1ull << 40) - 8,
          0, 16, GV_ERR_FAULT },
        { "dst VA 2^64-16, 32 bytes", 1, GV_COPY_SRC_HOST, 0, ~0ull - 15, 32,
          GV_ERR_FAULT },
        { "dst VA 2^64-4096, 4104 bytes (onto VA 0)", 1, GV_COPY_SRC_HOST, 0,
          ~0ull - 4095, 4104, GV_ERR_FAULT },
        { "dst VA 2^40-8, 16 bytes", 1, GV_COPY_SRC_HOST, 0,
          (1ull << 40) - 8, 16, GV_ERR_FAULT },
        { "device to device, dst VA 2^64-8", 1, 0, 0, ~0ull - 7, 16,
          GV_ERR_FAULT },
        { "device to device, src VA 2^64-8", 1, 0, ~0ull - 7, 0, 16,
          GV_ERR_FAULT },
        { "window src offset 2^64-8, 16 bytes", 1, GV_COPY_SRC_HOST,
          ~0ull - 7, 0, 16, GV_ERR_BAD_ADDRESS },
        { "window src offset 2^64-1, 1 byte (end 0)", 1, GV_COPY_SRC_HOST,
          ~0ull, 0, 1, GV_ERR_BAD_ADDRESS },
        { "window dst offset 2^64-8, 16 bytes", 1, GV_COPY_DST_HOST, 0,
          ~0ull - 7, 16, GV_ERR_BAD_ADDRESS },
        { "window dst offset = its size", 1, GV_COPY_DST_HOST, 0, WIN_SIZE,
          1, GV_ERR_BAD_ADDRESS },
        { "window dst offset 2^64-4096, 8192 bytes", 1, GV_COPY_DST_HOST, 0,
          ~0ull - 4095, 8192, GV_ERR_BAD_ADDRESS },
        { "size 2^64-1", 1, 0, 0, 4096, ~0ull, GV_ERR_RANGE },
        { "size 2^64-16 (+ tag = 0)", 2, GV_COPY_SRC_HOST | GV_COPY_DECRYPT,
          0, 0, ~0ull - 15, GV_ERR_RANGE },
        /* the tag's 16 bytes: the data fits, the tag does not */
        { "decrypt: window src, tag past the window", 2,
          GV_COPY_SRC_HOST | GV_COPY_DECRYPT, WIN_SIZE - 4096, 0, 4096,
          GV_ERR_BAD_ADDRESS },
        { "decrypt: VA src, tag past the mapping", 2, GV_COPY_DECRYPT,
          4 * 4096, 0, 4 * 4096, GV_ERR_FAULT },
        { "encrypt: window dst, tag past the window", 2,
          GV_COPY_DST_HOST | GV_COPY_ENCRYPT, 0, WIN_SIZE - 4096, 4096,
          GV_ERR_BAD_ADDRESS },
        { "encrypt: VA dst, tag past the mapping", 2, GV_COPY_ENCRYPT, 0,
          4 * 4096, 4 * 4096, GV_ERR_FAULT },
    };
    uint8_t raw[32], iv[12] = { 9 };
    struct copy_snap before;

    gvc_random(raw, sizeof(raw));
    set_key(raw);
    for (int i = 0; i < 8; i++) {
        uint8_t fill[4096];

        memset(fill, 0x40 + i, sizeof(fill));
        gv_debug_write(td->dev, pages[i], fill, sizeof(fill));
    }
    for (uint64_t k = 0; k < SNAP_GUEST; k++) {
        *win(k) = (uint8_t)(k * 7 + 3);
    }
    snap_take(&before);
    for (size_t c = 0; c < sizeof(t) / sizeof(t[0]); c++) {
        int r = copy(t[c].chid == 2 ? &sa : NULL, t[c].chid, t[c].flags,
                     t[c].src, t[c].dst, t[c].size, iv);

        if (r != t[c].expect || !snap_same(&before)) {
            fprintf(stderr, "\n    %s: error %d (expected %d)%s\n",
                    t[c].what, r, t[c].expect,
                    snap_same(&before) ? "" : ", memory changed");
            CU_FAIL("attack 16: a copy range that wraps");
        }
    }

    /* A window the driver puts at 2^64 - 4096: offsets past 4096 would
     * wrap to guest-physical 0 and up (here: 6 MiB into the fake guest
     * memory, after the real window).  Refused whole, no DMA happens. */
    td_hostwin(td, 1, ~0ull - 4095, 16u << 20);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 0,
                         4096 + TD_GUEST_BASE + (6u << 20), 4096, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 0, 0, 16, NULL),
                    GV_ERR_BAD_ADDRESS);
    td->dma_read_hook = count_dma_read;
    dma_reads = 0;
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_SRC_HOST,
                         4096 + TD_GUEST_BASE + (6u << 20), 0, 4096, NULL),
                    GV_ERR_BAD_ADDRESS);
    CU_ASSERT_EQUAL(dma_reads, 0);
    td->dma_read_hook = NULL;
    CU_ASSERT(snap_same(&before));

    /* the channel still copies, up to the window's last byte */
    set_window(1);
    CU_ASSERT_EQUAL(copy(NULL, 1, GV_COPY_DST_HOST, 4096, WIN_SIZE - 1, 1,
                         NULL), GV_ERR_NONE);
    CU_ASSERT_EQUAL(*win(WIN_SIZE - 1), 0x41);
    free(before.guest);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "host <-> device round trip", test_host_device_round_trip },
        { "device -> device, overlapping", test_device_to_device_overlap },
        { "faults change nothing", test_faults_change_nothing },
        { "confined by the MMU (attacks 4, 13)", test_copy_confined },
        { "crypto mode: decrypt/encrypt", test_crypto_decrypt },
        { "crypto mode needs a secure channel",
          test_crypto_needs_secure_channel },
        { "attack 16: copy ranges that wrap 2^64, the VA space, the window",
          test_copy_wrapping_ranges },
        { NULL, NULL },
    };

    return gv_add_suite("copy-engine", setup, teardown, t);
}
