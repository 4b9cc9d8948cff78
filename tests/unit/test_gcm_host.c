/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AES-256-GCM kernels (kernels/aesgcm.cu) run on the host: gv_gcm.h
 * compiled as plain C, every block and thread of a grid simulated one after
 * the other, phase by phase (a phase of every thread of a block before the
 * next phase, as the barriers order them; blocks and threads in a shuffled
 * order, so nothing may depend on it).  Shared memory, per-thread state and
 * the state area start uninitialised (valgrind reports any read of a value
 * nobody wrote).  Checked bit-exact against OpenSSL (crypto/gv_crypto.h).
 *
 * Deterministic: GV_GCM_CASES random cases (default 100) from a fixed seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GV_GCM_HOST
#include "gv_gcm.h"

#include "cunit_main.h"
#include "gv_crypto.h"

/* ---- helpers ---- */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint32_t n)
{
    return (uint32_t)(rnd() % n);
}

static void rnd_fill(void *p, size_t n)
{
    uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)rnd();
    }
}

/* @n bytes at a 16-byte aligned address, contents undefined. */
static void *alloc16(size_t n)
{
    void *p = NULL;

    CU_ASSERT_FATAL(posix_memalign(&p, 16, n ? n : 1) == 0);
    return p;
}

/* 0..n-1 in a random order */
static uint32_t *shuffled(uint32_t n)
{
    uint32_t *v = malloc(n * sizeof(*v));

    CU_ASSERT_FATAL(v != NULL);
    for (uint32_t i = 0; i < n; i++) {
        v[i] = i;
    }
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rnd_below(i), t = v[i - 1];

        v[i - 1] = v[j];
        v[j] = t;
    }
    return v;
}

/* ---- the grid simulator ---- */

enum kernel { K_GHASH, K_ENCRYPT, K_DECRYPT, K_TAG };

struct geom {
    uint32_t ncta, ntid;
};

static int step(enum kernel k, const struct gv_gcm_args *a, void *sh,
                const struct gv_gcm_grid *g, struct gv_gcm_thread *th,
                uint32_t p)
{
    switch (k) {
    case K_GHASH:
        return gv_gcm_ghash_step(a, sh, g, th, p);
    case K_ENCRYPT:
        return gv_gcm_ctr_step(a, sh, g, 0, p);
    case K_DECRYPT:
        return gv_gcm_ctr_step(a, sh, g, 1, p);
    default:
        return gv_gcm_tag_step(a, sh, g, p);
    }
}

/* One launch of kernel @k over @geo; @shape_ok 0 for a 2-D launch. */
static void launch_shape(enum kernel k, const struct gv_gcm_args *a,
                         struct geom geo, uint32_t shape_ok)
{
    size_t shsize = k == K_GHASH ? sizeof(struct gv_gcm_ghash_shared)
                                 : sizeof(struct gv_gcm_ctr_shared);
    uint32_t *ctas = shuffled(geo.ncta);

    for (uint32_t i = 0; i < geo.ncta; i++) {
        void *sh = malloc(shsize);
        struct gv_gcm_thread *th = malloc(geo.ntid * sizeof(*th));
        int more = 1;

        CU_ASSERT_FATAL(sh != NULL && th != NULL);
        for (uint32_t p = 0; more; p++) {
            uint32_t *tids = shuffled(geo.ntid);

            CU_ASSERT_FATAL(p < 64);
            for (uint32_t j = 0; j < geo.ntid; j++) {
                struct gv_gcm_grid g = {
                    .tid = tids[j], .ntid = geo.ntid,
                    .cta = ctas[i], .ncta = geo.ncta, .shape_ok = shape_ok,
                };
                int r = step(k, a, sh, &g, &th[tids[j]], p);

                /* every thread of a block reaches the same barriers */
                if (j == 0) {
                    more = r;
                } else {
                    CU_ASSERT_EQUAL_FATAL(r, more);
                }
            }
            free(tids);
        }
        free(th);
        free(sh);
    }
    free(ctas);
}

static void launch(enum kernel k, const struct gv_gcm_args *a,
                   struct geom geo)
{
    launch_shape(k, a, geo, 1);
}

static const uint32_t ntid_choice[] = {
    1, 2, 3, 5, 8, 31, 32, 64, 96, 128, 256, 1024,
};

static struct geom rnd_geom(uint32_t max_cta)
{
    struct geom g;

    g.ntid = ntid_choice[rnd_below(sizeof(ntid_choice) /
                                   sizeof(ntid_choice[0]))];
    g.ncta = 1 + rnd_below(g.ntid >= 256 ? 3 : max_cta);
    return g;
}

static uint32_t state_word(const uint8_t *st, unsigned off)
{
    uint32_t v;

    memcpy(&v, st + off, 4);
    return v;
}

/* ---- one message ---- */

struct msg {
    uint8_t key[32], iv[12], tag[16], aad[GV_GCM_AAD_MAX];
    uint32_t aad_len;
    uint64_t len;
    uint8_t *pt, *ct;                   /* from OpenSSL */
    uint8_t *buf, *pbuf, *state;        /* "device memory": data, plain */
};

static void msg_init(struct msg *m, uint64_t len, uint32_t aad_len)
{
    memset(m, 0, sizeof(*m));
    m->len = len;
    m->aad_len = aad_len;
    rnd_fill(m->key, sizeof(m->key));
    rnd_fill(m->iv, sizeof(m->iv));
    rnd_fill(m->aad, sizeof(m->aad));   /* bytes past aad_len: noise */
    m->pt = malloc(len ? len : 1);
    m->ct = malloc(len ? len : 1);
    CU_ASSERT_FATAL(m->pt != NULL && m->ct != NULL);
    rnd_fill(m->pt, len);
    CU_ASSERT_FATAL(gvc_gcm_seal(m->key, m->iv, m->aad, aad_len, m->pt,
                                 len, m->ct, m->tag) == GVC_OK);
    m->buf = alloc16(len);
    m->pbuf = alloc16(len);
    m->state = alloc16(GV_GCM_STATE_MAX);
}

static void msg_free(struct msg *m)
{
    free(m->pt);
    free(m->ct);
    free(m->buf);
    free(m->pbuf);
    free(m->state);
}

/* The args for @m: in place, or with @sep the plaintext in pbuf. */
static struct gv_gcm_args msg_args(const struct msg *m, int sep)
{
    struct gv_gcm_args a;

    memset(&a, 0, sizeof(a));
    a.data = (uint64_t)(uintptr_t)m->buf;
    a.plain = sep ? (uint64_t)(uintptr_t)m->pbuf : 0;
    a.len = m->len;
    a.state = (uint64_t)(uintptr_t)m->state;
    a.aad_len = m->aad_len;
    memcpy(a.key, m->key, 32);
    memcpy(a.iv, m->iv, 12);
    memcpy(a.tag, m->tag, 16);
    memcpy(a.aad, m->aad, sizeof(a.aad));
    return a;
}

/*
 * AuthDec of the ciphertext @in with @a: the result word.  The output is
 * in buf (in place) or pbuf, which starts as noise; on anything but
 * GV_GCM_OK both must be as they were.
 */
static uint32_t auth_dec(struct msg *m, const struct gv_gcm_args *a,
                         const uint8_t *in)
{
    uint8_t *noise = malloc(m->len ? m->len : 1);
    uint32_t r;

    CU_ASSERT_FATAL(noise != NULL);
    rnd_fill(noise, m->len);
    memcpy(m->pbuf, noise, m->len);
    memcpy(m->buf, in, m->len);
    launch(K_GHASH, a, rnd_geom(9));
    launch(K_DECRYPT, a, rnd_geom(9));
    r = state_word(m->state, GV_GCM_ST_RESULT);
    if (r != GV_GCM_OK) {
        CU_ASSERT(memcmp(m->buf, in, m->len) == 0);
        CU_ASSERT(memcmp(m->pbuf, noise, m->len) == 0);
    } else if (a->plain) {
        CU_ASSERT(memcmp(m->buf, in, m->len) == 0);
    }
    free(noise);
    return r;
}

/* The plaintext AuthDec gave. */
static const uint8_t *dec_out(const struct msg *m,
                              const struct gv_gcm_args *a)
{
    return a->plain ? m->pbuf : m->buf;
}

/* Every check on one random message. */
static void check_msg(uint64_t len, uint32_t aad_len)
{
    struct msg m;
    struct gv_gcm_args a;
    int sep = (int)(rnd() & 1);
    uint8_t *bad;

    msg_init(&m, len, aad_len);

    /* AuthEnc: encrypt, ghash, tag */
    a = msg_args(&m, sep);
    rnd_fill(a.tag, 16);                /* ignored */
    memcpy(sep ? m.pbuf : m.buf, m.pt, len);
    launch(K_ENCRYPT, &a, rnd_geom(9));
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_PENDING);
    launch(K_GHASH, &a, rnd_geom(9));
    launch(K_TAG, &a, rnd_geom(3));
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_OK);
    CU_ASSERT(memcmp(m.buf, m.ct, len) == 0);
    CU_ASSERT(memcmp(m.state + GV_GCM_ST_TAG, m.tag, 16) == 0);
    if (sep) {
        CU_ASSERT(memcmp(m.pbuf, m.pt, len) == 0);
    }

    /* AuthDec: ghash, decrypt */
    a = msg_args(&m, (int)(rnd() & 1));
    CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_OK);
    CU_ASSERT(memcmp(dec_out(&m, &a), m.pt, len) == 0);

    /* a flipped ciphertext bit: refused, the buffers untouched */
    bad = malloc(len ? len : 1);
    CU_ASSERT_FATAL(bad != NULL);
    if (len) {
        uint64_t bit = rnd() % (len * 8);

        memcpy(bad, m.ct, len);
        bad[bit / 8] ^= (uint8_t)(1u << bit % 8);
        CU_ASSERT_EQUAL(auth_dec(&m, &a, bad), GV_GCM_MISMATCH);
    }
    /* a flipped tag bit */
    a.tag[rnd_below(16)] ^= (uint8_t)(1u << rnd_below(8));
    CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_MISMATCH);
    /* a wrong key */
    a = msg_args(&m, (int)(rnd() & 1));
    a.key[rnd_below(32)] ^= (uint8_t)(1u << rnd_below(8));
    CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_MISMATCH);
    /* a wrong IV */
    a = msg_args(&m, (int)(rnd() & 1));
    a.iv[rnd_below(12)] ^= (uint8_t)(1u << rnd_below(8));
    CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_MISMATCH);
    /* a flipped AAD bit; then noise past aad_len, which is ignored */
    if (aad_len) {
        a = msg_args(&m, (int)(rnd() & 1));
        a.aad[rnd_below(aad_len)] ^= (uint8_t)(1u << rnd_below(8));
        CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_MISMATCH);
    }
    if (aad_len < GV_GCM_AAD_MAX) {
        a = msg_args(&m, (int)(rnd() & 1));
        a.aad[aad_len + rnd_below(GV_GCM_AAD_MAX - aad_len)] ^= 0x80;
        CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_GCM_OK);
        CU_ASSERT(memcmp(dec_out(&m, &a), m.pt, len) == 0);
    }
    free(bad);
    msg_free(&m);
}

/* ---- tests ---- */

/* x * y one bit at a time (SP 800-38D algorithm 1) */
static struct gv_gf128 ref_mul(struct gv_gf128 x, struct gv_gf128 y)
{
    struct gv_gf128 z = { 0, 0 }, v = y;

    for (int i = 0; i < 128; i++) {
        uint64_t w = i < 64 ? x.hi : x.lo;

        if (w >> (63 - i % 64) & 1) {
            z.hi ^= v.hi;
            z.lo ^= v.lo;
        }
        v = gv_gf_mulx(v);
    }
    return z;
}

static struct gv_gf128 rnd_gf(void)
{
    struct gv_gf128 v;

    v.hi = rnd();
    v.lo = rnd();
    return v;
}

static int gf_eq(struct gv_gf128 a, struct gv_gf128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

static void test_gf(void)
{
    for (int i = 0; i < 200; i++) {
        struct gv_gf128 x = rnd_gf(), y = rnd_gf();

        CU_ASSERT(gf_eq(gv_gf_mul(x, y), ref_mul(x, y)));
        CU_ASSERT(gf_eq(gv_gf_sqr(x), ref_mul(x, x)));
    }
}

/* The GCM paper's test cases 13 and 14 (AES-256, zero key and IV). */
static void test_known_answers(void)
{
    static const uint8_t ct14[16] = {
        0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
        0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18,
    };
    static const uint8_t tag13[16] = {
        0x53, 0x0f, 0x8a, 0xfb, 0xc7, 0x45, 0x36, 0xb9,
        0xa9, 0x63, 0xb4, 0xf1, 0xc4, 0xcb, 0x73, 0x8b,
    };
    static const uint8_t tag14[16] = {
        0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
        0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19,
    };
    uint8_t *buf = alloc16(16), *st = alloc16(GV_GCM_STATE_SIZE(1));
    struct gv_gcm_args a;
    struct geom one = { 1, 1 };

    memset(&a, 0, sizeof(a));
    a.data = (uint64_t)(uintptr_t)buf;
    a.state = (uint64_t)(uintptr_t)st;
    for (int len = 0; len <= 16; len += 16) {
        memset(buf, 0, 16);
        a.len = (uint64_t)len;
        launch(K_ENCRYPT, &a, one);
        launch(K_GHASH, &a, one);
        launch(K_TAG, &a, one);
        CU_ASSERT_EQUAL(state_word(st, GV_GCM_ST_RESULT), GV_GCM_OK);
        CU_ASSERT(memcmp(st + GV_GCM_ST_TAG, len ? tag14 : tag13, 16) == 0);
        if (len) {
            CU_ASSERT(memcmp(buf, ct14, 16) == 0);
        }
    }
    free(buf);
    free(st);
}

/* Lengths around every boundary: empty, partial, one block, 256 blocks. */
static void test_edges(void)
{
    static const uint64_t lens[] = {
        0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 4097, 4111, 4112, 4128,
    };
    static const uint32_t aads[] = { 0, 1, 16, 17, 64 };

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        check_msg(lens[i], aads[i % 5]);
    }
}

static void test_random(void)
{
    const char *e = getenv("GV_GCM_CASES");
    unsigned cases = e ? (unsigned)atoi(e) : 100;

    for (unsigned i = 0; i < cases; i++) {
        uint64_t len = rnd() % 70001;

        if (i & 1) {
            len &= ~15ull;              /* half of them whole blocks */
        }
        check_msg(len, rnd_below(GV_GCM_AAD_MAX + 1));
    }
}

/* Refused args: the result word says so, nothing else changed. */
static void expect_refused(struct msg *m, const struct gv_gcm_args *a,
                           enum kernel k, struct geom geo, uint32_t shape_ok)
{
    memcpy(m->buf, m->ct, m->len);
    memcpy(m->pbuf, m->pt, m->len);
    memset(m->state, 0x77, GV_GCM_STATE_MAX);
    launch_shape(k, a, geo, shape_ok);
    CU_ASSERT_EQUAL(state_word(m->state, GV_GCM_ST_RESULT),
                    GV_GCM_BAD_ARGS);
    CU_ASSERT_EQUAL(state_word(m->state, GV_GCM_ST_NSLOTS), 0x77777777u);
    CU_ASSERT(memcmp(m->buf, m->ct, m->len) == 0);
    CU_ASSERT(memcmp(m->pbuf, m->pt, m->len) == 0);
}

static void test_bad_args(void)
{
    static const enum kernel ks[] = { K_GHASH, K_ENCRYPT, K_DECRYPT, K_TAG };
    struct msg m;
    struct geom geo = { 2, 32 };

    msg_init(&m, 100, 0);
    for (size_t i = 0; i < 4; i++) {
        struct gv_gcm_args a = msg_args(&m, 0);

        a.flags = 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.pad = 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.aad_len = GV_GCM_AAD_MAX + 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.len = GV_GCM_MAX_LEN + 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.data += 4;                    /* misaligned */
        a.len -= 4;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 1);
        a.plain += 8;
        a.len -= 8;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.plain = a.data + 16;          /* overlapping */
        a.len = 32;
        expect_refused(&m, &a, ks[i], geo, 1);
        a.data += 16;
        a.plain = a.data - 16;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 1);
        expect_refused(&m, &a, ks[i], geo, 0);  /* a 2-D grid */
    }
    /* one slot per gv_gcm_ghash block: no more than GV_GCM_MAX_SLOTS */
    {
        struct gv_gcm_args a = msg_args(&m, 0);
        struct geom big = { GV_GCM_MAX_SLOTS + 1, 1 };

        expect_refused(&m, &a, K_GHASH, big, 1);
    }
    msg_free(&m);
}

/* Decrypt or tag without a matching gv_gcm_ghash first: nothing done. */
static void test_no_ghash(void)
{
    struct msg m;
    struct gv_gcm_args a;
    struct geom geo = { 2, 8 };

    msg_init(&m, 1000, 5);
    a = msg_args(&m, 0);
    memcpy(m.buf, m.ct, m.len);
    memset(m.state, 0, GV_GCM_STATE_MAX);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_NO_GHASH);
    CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    launch(K_TAG, &a, geo);
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_NO_GHASH);
    /* a GHASH over other lengths */
    a.len = 999;
    launch(K_GHASH, &a, geo);
    a.len = 1000;
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_NO_GHASH);
    a.aad_len = 4;
    launch(K_GHASH, &a, geo);
    a.aad_len = 5;
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_NO_GHASH);
    CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    /* and the right one */
    launch(K_GHASH, &a, geo);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(state_word(m.state, GV_GCM_ST_RESULT), GV_GCM_OK);
    CU_ASSERT(memcmp(m.buf, m.pt, m.len) == 0);
    msg_free(&m);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "gf128 multiply and square", test_gf },
        { "GCM test cases 13 and 14", test_known_answers },
        { "boundary lengths vs OpenSSL", test_edges },
        { "random lengths and grids vs OpenSSL", test_random },
        { "refused args", test_bad_args },
        { "no GHASH first", test_no_ghash },
        { NULL, NULL },
    };

    return gv_add_suite("gcm-host", NULL, NULL, tests);
}
