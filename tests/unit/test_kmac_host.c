/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AES-256-CTR + KMAC256 kernels (kernels/kmac.cu) run on the host:
 * gv_kmac.h compiled as plain C, every block and thread of a grid
 * simulated one after the other (blocks and threads in a shuffled order;
 * the CTR kernels phase by phase, as their barriers order them).  Shared
 * memory, the state area and the buffers start uninitialised and are
 * allocated to their exact size (valgrind and ASan see any read of what
 * nobody wrote, or past the end).
 *
 * The Keccak code is checked against the standard itself (FIPS 202's
 * round constants and rotation offsets recomputed, NIST SP 800-185's
 * KMAC256 samples 4-6), then everything bit-exact against OpenSSL
 * (crypto/gv_crypto.h: gvc_kmac256, gvc_aes_kmac_seal/open).
 *
 * Deterministic: GV_KMAC_CASES random cases (default 40) from a fixed seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GV_KMAC_HOST
#include "gv_kmac.h"

#include "cunit_main.h"
#include "gv_crypto.h"

#define C GV_KMAC_CHUNK

/* ---- helpers ---- */

static uint64_t rng = 0x13198a2e03707344ull;

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

static uint64_t va_of(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static uint32_t word_at(const uint8_t *p, unsigned off)
{
    uint32_t v;

    memcpy(&v, p + off, 4);
    return v;
}

/* ---- the grid simulator ---- */

enum kernel { K_CHUNKS, K_VERIFY, K_TAG, K_ENCRYPT, K_DECRYPT };

struct geom {
    uint32_t ncta, ntid;
};

/* One block of a CTR kernel: each phase for every thread, then the next. */
static void ctr_block(enum kernel k, const struct gv_kmac_args *a,
                      struct gv_gcm_grid g)
{
    struct gv_gcm_ctr_shared *sh = malloc(sizeof(*sh));
    int more = 1;

    CU_ASSERT_FATAL(sh != NULL);
    for (uint32_t p = 0; more; p++) {
        uint32_t *tids = shuffled(g.ntid);

        CU_ASSERT_FATAL(p < 8);
        for (uint32_t j = 0; j < g.ntid; j++) {
            int r;

            g.tid = tids[j];
            r = gv_kmac_ctr_step(a, sh, &g, k == K_DECRYPT, p);
            /* every thread of a block reaches the same barriers */
            if (j == 0) {
                more = r;
            } else {
                CU_ASSERT_EQUAL_FATAL(r, more);
            }
        }
        free(tids);
    }
    free(sh);
}

/* One launch of kernel @k over @geo; @shape_ok 0 for a 2-D launch. */
static void launch_shape(enum kernel k, const struct gv_kmac_args *a,
                         struct geom geo, uint32_t shape_ok)
{
    uint32_t *ctas = shuffled(geo.ncta);

    for (uint32_t i = 0; i < geo.ncta; i++) {
        struct gv_gcm_grid g = {
            .ntid = geo.ntid, .cta = ctas[i], .ncta = geo.ncta,
            .shape_ok = shape_ok,
        };
        uint32_t *tids;

        if (k == K_ENCRYPT || k == K_DECRYPT) {
            ctr_block(k, a, g);
            continue;
        }
        /* no barriers, no shared memory: one thread after the other */
        tids = shuffled(geo.ntid);
        for (uint32_t j = 0; j < geo.ntid; j++) {
            g.tid = tids[j];
            if (k == K_CHUNKS) {
                gv_kmac_chunks_thread(a, &g);
            } else {
                gv_kmac_root_thread(a, &g, k == K_VERIFY);
            }
        }
        free(tids);
    }
    free(ctas);
}

static void launch(enum kernel k, const struct gv_kmac_args *a,
                   struct geom geo)
{
    launch_shape(k, a, geo, 1);
}

static const uint32_t ntid_choice[] = { 1, 2, 3, 8, 31, 32, 64, 128, 256 };

static struct geom rnd_geom(void)
{
    struct geom g;

    g.ntid = ntid_choice[rnd_below(sizeof(ntid_choice) /
                                   sizeof(ntid_choice[0]))];
    g.ncta = 1 + rnd_below(g.ntid >= 128 ? 2 : 5);
    return g;
}

/* ---- Keccak and KMAC256 against the standard ---- */

/* FIPS 202 algorithm 5: rc(t), an LFSR. */
static int ref_rc(unsigned t)
{
    unsigned r = 0x80;                  /* R = 10000000, R[0] the MSB */

    if (t % 255 == 0) {
        return 1;
    }
    for (unsigned i = 1; i <= t % 255; i++) {
        unsigned r8 = r & 1;            /* R = 0 || R; R[8] is the LSB */

        r >>= 1;
        if (r8) {
            r ^= 0x80 | 0x08 | 0x04 | 0x02;     /* R[0], R[4..6] ^= R[8] */
        }
    }
    return (int)(r >> 7);
}

static void test_constants(void)
{
    int x = 1, y = 0;

    /* FIPS 202 algorithm 6: RC[2^j - 1] = rc(j + 7 ir) */
    for (unsigned ir = 0; ir < GV_KC_ROUNDS; ir++) {
        uint64_t rc = 0;

        for (unsigned j = 0; j < 7; j++) {
            rc |= (uint64_t)ref_rc(j + 7 * ir) << ((1u << j) - 1);
        }
        CU_ASSERT_EQUAL(gv_kc_rc[ir], rc);
    }
    /* algorithm 2: (x, y) from (1, 0) by (y, 2x + 3y), offset
     * (t + 1)(t + 2)/2 at step t; (0, 0) stays 0 */
    CU_ASSERT_EQUAL(gv_kc_rho[0], 0);
    for (unsigned t = 0; t < 24; t++) {
        int nx = y, ny = (2 * x + 3 * y) % 5;

        CU_ASSERT_EQUAL(gv_kc_rho[x + 5 * y], (t + 1) * (t + 2) / 2 % 64);
        x = nx;
        y = ny;
    }
}

/* KMAC256 by gv_kmac.h: the first @head bytes through gv_kc_bytes, the
 * rest from "device memory" (a 4-byte aligned copy). */
static void dev_kmac(const uint8_t key[32], const void *s, uint32_t slen,
                     const uint8_t *data, size_t len, size_t head,
                     uint8_t *out, uint32_t out_len)
{
    uint8_t *copy = alloc16(len);
    uint64_t a[25];
    struct gv_kc_buf b;

    memcpy(copy, data, len);
    gv_kc_init(a, &b, key, s, slen);
    for (size_t i = 0; i < head && i < len; i++) {
        gv_kc_bytes(a, &b, data[i], 1);
    }
    if (len > head) {
        gv_kc_mem(a, &b, va_of(copy + head), len - head);
    }
    gv_kc_finish(a, &b, 8 * out_len);
    for (uint32_t i = 0; i < out_len; i++) {
        out[i] = (uint8_t)(a[i / 8] >> 8 * (i % 8));
    }
    free(copy);
}

static void unhex(const char *h, uint8_t *out)
{
    for (size_t i = 0; h[2 * i]; i++) {
        unsigned v;

        CU_ASSERT_FATAL(sscanf(h + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

/* NIST SP 800-185 examples, KMAC_samples.pdf, samples 4-6 (KMAC256,
 * L = 512). */
static void test_sp800_185_samples(void)
{
    static const char tagged[] = "My Tagged Application";
    static const struct {
        size_t len;
        const char *s, *out;
    } smp[] = {
        { 4, tagged,
          "20C570C31346F703C9AC36C61C03CB64C3970D0CFC787E9B79599D273A68D2F7"
          "F69D4CC3DE9D104A351689F27CF6F5951F0103F33F4F24871024D9C27773A8DD" },
        { 200, "",
          "75358CF39E41494E949707927CEE0AF20A3FF553904C86B08F21CC414BCFD691"
          "589D27CF5E15369CBBFF8B9A4C2EB17800855D0235FF635DA82533EC6B759B69" },
        { 200, tagged,
          "B58618F71F92E1D56C1B8C55DDD7CD188B97B4CA4D99831EB2699A837DA2E4D9"
          "70FBACFDE50033AEA585F1A2708510C32D07880801BD182898FE476876FC8965" },
    };
    uint8_t key[32], data[200], want[64], got[64];

    for (int i = 0; i < 32; i++) {
        key[i] = (uint8_t)(0x40 + i);
    }
    for (int i = 0; i < 200; i++) {
        data[i] = (uint8_t)i;
    }
    for (size_t i = 0; i < sizeof(smp) / sizeof(smp[0]); i++) {
        uint32_t slen = (uint32_t)strlen(smp[i].s);

        unhex(smp[i].out, want);
        for (size_t head = 0; head < 8; head++) {
            dev_kmac(key, smp[i].s, slen, data, smp[i].len, head, got, 64);
            CU_ASSERT(memcmp(got, want, 64) == 0);
        }
        memset(got, 0, sizeof(got));
        CU_ASSERT_EQUAL(gvc_kmac256(key, 32, smp[i].s, slen, data,
                                    smp[i].len, got, 64), GVC_OK);
        CU_ASSERT(memcmp(got, want, 64) == 0);
    }
}

/* gv_kmac.h's KMAC256 vs OpenSSL's: lengths around every block boundary,
 * customization strings up to GV_KC_CUSTOM_MAX, both output lengths. */
static void test_kmac_vs_openssl(void)
{
    static const uint32_t slens[] = { 0, 1, 18, 19, 31, 32, 100,
                                      GV_KC_CUSTOM_MAX };
    uint8_t key[32], s[GV_KC_CUSTOM_MAX], data[700], want[64], got[64];

    rnd_fill(data, sizeof(data));
    rnd_fill(s, sizeof(s));
    for (size_t len = 0; len <= sizeof(data); len += len < 300 ? 1 : 37) {
        uint32_t slen = slens[len % 8], out = len & 1 ? 64 : 32;
        size_t head = rnd_below(9);

        rnd_fill(key, sizeof(key));
        CU_ASSERT_EQUAL_FATAL(gvc_kmac256(key, 32, s, slen, data, len,
                                          want, out), GVC_OK);
        dev_kmac(key, s, slen, data, len, head, got, out);
        CU_ASSERT(memcmp(got, want, out) == 0);
    }
}

/* ---- one message ---- */

struct msg {
    uint8_t ekey[32], mkey[32], iv[12], tag[32], aad[GV_KMAC_AAD_MAX];
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
    rnd_fill(m->ekey, sizeof(m->ekey));
    rnd_fill(m->mkey, sizeof(m->mkey));
    rnd_fill(m->iv, sizeof(m->iv));
    rnd_fill(m->aad, sizeof(m->aad));   /* bytes past aad_len: noise */
    m->pt = malloc(len ? len : 1);
    m->ct = malloc(len ? len : 1);
    CU_ASSERT_FATAL(m->pt != NULL && m->ct != NULL);
    rnd_fill(m->pt, len);
    CU_ASSERT_FATAL(gvc_aes_kmac_seal(m->ekey, m->mkey, m->iv, m->aad,
                                      aad_len, m->pt, len, m->ct, m->tag) ==
                    GVC_OK);
    m->buf = alloc16(len);
    m->pbuf = alloc16(len);
    m->state = alloc16(GV_KMAC_STATE_SIZE(GV_KMAC_NCHUNKS(len)));
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
static struct gv_kmac_args msg_args(const struct msg *m, int sep)
{
    struct gv_kmac_args a;

    memset(&a, 0, sizeof(a));
    a.data = va_of(m->buf);
    a.plain = sep ? va_of(m->pbuf) : 0;
    a.len = m->len;
    a.state = va_of(m->state);
    a.aad_len = m->aad_len;
    memcpy(a.enc_key, m->ekey, 32);
    memcpy(a.mac_key, m->mkey, 32);
    memcpy(a.iv, m->iv, 12);
    memcpy(a.tag, m->tag, 32);
    memcpy(a.aad, m->aad, sizeof(a.aad));
    return a;
}

/*
 * AuthDec of the ciphertext @in with @a: the result word.  The output is
 * in buf (in place) or pbuf, which starts as noise; on anything but
 * GV_KMAC_OK both must be as they were.
 */
static uint32_t auth_dec(struct msg *m, const struct gv_kmac_args *a,
                         const uint8_t *in)
{
    uint8_t *noise = malloc(m->len ? m->len : 1);
    uint32_t r;

    CU_ASSERT_FATAL(noise != NULL);
    rnd_fill(noise, m->len);
    memcpy(m->pbuf, noise, m->len);
    memcpy(m->buf, in, m->len);
    launch(K_CHUNKS, a, rnd_geom());
    launch(K_VERIFY, a, rnd_geom());
    launch(K_DECRYPT, a, rnd_geom());
    r = word_at(m->state, GV_KMAC_ST_RESULT);
    if (r != GV_KMAC_OK) {
        CU_ASSERT(memcmp(m->buf, in, m->len) == 0);
        CU_ASSERT(memcmp(m->pbuf, noise, m->len) == 0);
    } else if (a->plain) {
        CU_ASSERT(memcmp(m->buf, in, m->len) == 0);
    }
    free(noise);
    return r;
}

static const uint8_t *dec_out(const struct msg *m,
                              const struct gv_kmac_args *a)
{
    return a->plain ? m->pbuf : m->buf;
}

static void flip(uint8_t *p, size_t bytes)
{
    p[rnd_below((uint32_t)bytes)] ^= (uint8_t)(1u << rnd_below(8));
}

/* What the driver could do to the ciphertext, and wrong args: each is a
 * MISMATCH with both buffers untouched. */
static void check_tampering(struct msg *m)
{
    uint64_t len = m->len;
    uint8_t *bad = malloc(len ? len : 1);
    struct gv_kmac_args a = msg_args(m, (int)(rnd() & 1));

    CU_ASSERT_FATAL(bad != NULL);
    if (len) {
        /* a flipped ciphertext bit, in the last chunk and in another */
        memcpy(bad, m->ct, len);
        bad[len - 1 - rnd() % (len % C ? len % C : C)] ^= 0x20;
        CU_ASSERT_EQUAL(auth_dec(m, &a, bad), GV_KMAC_MISMATCH);
        memcpy(bad, m->ct, len);
        flip(bad, len);
        CU_ASSERT_EQUAL(auth_dec(m, &a, bad), GV_KMAC_MISMATCH);
        /* a wrong length: one byte short */
        a.len = len - 1;
        CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_MISMATCH);
        a.len = len;
    }
    if (len >= 2 * C) {
        /* two chunks swapped: each leaf is bound to its index */
        uint64_t i = rnd() % (len / C - 1);

        memcpy(bad, m->ct, len);
        memcpy(bad + i * C, m->ct + (i + 1) * C, C);
        memcpy(bad + (i + 1) * C, m->ct + i * C, C);
        CU_ASSERT_EQUAL(auth_dec(m, &a, bad), GV_KMAC_MISMATCH);
    }
    /* a flipped tag bit, MAC key bit, IV bit */
    flip(a.tag, sizeof(a.tag));
    CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_MISMATCH);
    a = msg_args(m, (int)(rnd() & 1));
    flip(a.mac_key, sizeof(a.mac_key));
    CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_MISMATCH);
    a = msg_args(m, (int)(rnd() & 1));
    flip(a.iv, sizeof(a.iv));
    CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_MISMATCH);
    /* a flipped AAD bit; then noise past aad_len, which is ignored */
    if (m->aad_len) {
        a = msg_args(m, (int)(rnd() & 1));
        flip(a.aad, m->aad_len);
        CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_MISMATCH);
    }
    if (m->aad_len < GV_KMAC_AAD_MAX) {
        a = msg_args(m, (int)(rnd() & 1));
        a.aad[m->aad_len + rnd_below(GV_KMAC_AAD_MAX - m->aad_len)] ^= 0x80;
        CU_ASSERT_EQUAL(auth_dec(m, &a, m->ct), GV_KMAC_OK);
        CU_ASSERT(memcmp(dec_out(m, &a), m->pt, len) == 0);
    }
    free(bad);
}

/* Every check on one random message. */
static void check_msg(uint64_t len, uint32_t aad_len)
{
    struct msg m;
    struct gv_kmac_args a;
    int sep = (int)(rnd() & 1);
    uint8_t *out = malloc(len ? len : 1);

    CU_ASSERT_FATAL(out != NULL);
    msg_init(&m, len, aad_len);

    /* AuthEnc: encrypt, chunks, tag */
    a = msg_args(&m, sep);
    rnd_fill(a.tag, sizeof(a.tag));     /* ignored */
    memcpy(sep ? m.pbuf : m.buf, m.pt, len);
    launch(K_ENCRYPT, &a, rnd_geom());
    launch(K_CHUNKS, &a, rnd_geom());
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_PENDING);
    launch(K_TAG, &a, rnd_geom());
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_OK);
    CU_ASSERT(memcmp(m.buf, m.ct, len) == 0);
    CU_ASSERT(memcmp(m.state + GV_KMAC_ST_TAG, m.tag, 32) == 0);
    if (sep) {
        CU_ASSERT(memcmp(m.pbuf, m.pt, len) == 0);
    }
    /* the host opens what the device sealed */
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(m.ekey, m.mkey, m.iv, m.aad, aad_len,
                                      m.buf, len, out,
                                      m.state + GV_KMAC_ST_TAG), GVC_OK);
    CU_ASSERT(memcmp(out, m.pt, len) == 0);

    /* AuthDec: chunks, verify, decrypt */
    a = msg_args(&m, (int)(rnd() & 1));
    CU_ASSERT_EQUAL(auth_dec(&m, &a, m.ct), GV_KMAC_OK);
    CU_ASSERT(memcmp(dec_out(&m, &a), m.pt, len) == 0);

    check_tampering(&m);
    free(out);
    msg_free(&m);
}

/* ---- tests ---- */

/* Lengths around every boundary: empty, a word, a Keccak block (108 bytes
 * of a chunk fill the leaf's first one), a chunk, several chunks. */
static void test_edges(void)
{
    static const uint64_t lens[] = {
        0, 1, 3, 4, 15, 16, 17, 107, 108, 109, 135, 136, 137, 244, 245,
        C - 1, C, C + 1, 2 * C, 3 * C + 5, 5 * C + 4095,
    };
    static const uint32_t aads[] = { 0, 1, 16, 17, 64, 63 };

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        check_msg(lens[i], aads[i % 6]);
    }
}

static void test_random(void)
{
    const char *e = getenv("GV_KMAC_CASES");
    unsigned cases = e ? (unsigned)atoi(e) : 40;

    for (unsigned i = 0; i < cases; i++) {
        uint64_t len = rnd() % (6 * C + 1);

        if (i & 1) {
            len &= ~15ull;
        }
        check_msg(len, rnd_below(GV_KMAC_AAD_MAX + 1));
    }
}

/* Host seal/open: round trip, tampering, refusals. */
static void test_host_seal_open(void)
{
    uint8_t ek[32], mk[32], iv[12], tag[32], pt[3 * C + 7], ct[sizeof(pt)];
    uint8_t out[sizeof(pt)];

    rnd_fill(ek, 32);
    rnd_fill(mk, 32);
    rnd_fill(iv, 12);
    rnd_fill(pt, sizeof(pt));
    CU_ASSERT_EQUAL(gvc_aes_kmac_seal(ek, mk, iv, NULL, 0, pt, sizeof(pt),
                                      ct, tag), GVC_OK);
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(ek, mk, iv, NULL, 0, ct, sizeof(ct),
                                      out, tag), GVC_OK);
    CU_ASSERT(memcmp(out, pt, sizeof(pt)) == 0);
    /* in place */
    memcpy(out, ct, sizeof(ct));
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(ek, mk, iv, NULL, 0, out, sizeof(out),
                                      out, tag), GVC_OK);
    CU_ASSERT(memcmp(out, pt, sizeof(pt)) == 0);
    /* tampered: refused, the output wiped */
    ct[C + 3] ^= 1;
    memset(out, 0x55, sizeof(out));
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(ek, mk, iv, NULL, 0, ct, sizeof(ct),
                                      out, tag), GVC_ERR_AUTH);
    CU_ASSERT(out[0] == 0 && out[sizeof(out) - 1] == 0);
    ct[C + 3] ^= 1;
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(ek, mk, iv, "x", 1, ct, sizeof(ct),
                                      out, tag), GVC_ERR_AUTH);
    /* refusals */
    CU_ASSERT_EQUAL(gvc_aes_kmac_seal(NULL, mk, iv, NULL, 0, pt, 1, ct,
                                      tag), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aes_kmac_seal(ek, NULL, iv, NULL, 0, pt, 1, ct,
                                      tag), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aes_kmac_seal(ek, mk, iv, NULL, 1, pt, 1, ct, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aes_kmac_open(ek, mk, iv, NULL, 0, NULL, 1, out,
                                      tag), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_aes_kmac_seal(ek, mk, iv, NULL, 0, pt,
                                      (size_t)GVC_GCM_MAX_LEN + 1, ct, tag),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_kmac256(mk, 3, NULL, 0, pt, 1, out, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_kmac256(mk, 32, NULL, 0, pt, 1, out, 0),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_kmac256(mk, 32, NULL, 1, pt, 1, out, 32),
                    GVC_ERR_ARG);
}

/* Refused args: the result word says so, nothing else changed. */
static void expect_refused(struct msg *m, const struct gv_kmac_args *a,
                           enum kernel k, struct geom geo, uint32_t shape_ok)
{
    size_t st = GV_KMAC_STATE_SIZE(GV_KMAC_NCHUNKS(m->len));

    memcpy(m->buf, m->ct, m->len);
    memcpy(m->pbuf, m->pt, m->len);
    memset(m->state, 0x77, st);
    launch_shape(k, a, geo, shape_ok);
    CU_ASSERT_EQUAL(word_at(m->state, GV_KMAC_ST_RESULT), GV_KMAC_BAD_ARGS);
    for (size_t i = 4; i < st; i++) {
        if (m->state[i] != 0x77) {
            CU_FAIL("a refusing kernel wrote the state");
            break;
        }
    }
    CU_ASSERT(memcmp(m->buf, m->ct, m->len) == 0);
    CU_ASSERT(memcmp(m->pbuf, m->pt, m->len) == 0);
}

static void test_bad_args(void)
{
    static const enum kernel ks[] = {
        K_CHUNKS, K_VERIFY, K_TAG, K_ENCRYPT, K_DECRYPT,
    };
    struct geom geo = { 2, 32 };
    struct msg m;

    msg_init(&m, 2 * C + 100, 0);
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        struct gv_kmac_args a = msg_args(&m, 0);

        a.flags = 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.pad = 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.aad_len = GV_KMAC_AAD_MAX + 1;
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 0);
        a.len = GV_KMAC_MAX_LEN + 1;
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
        a = msg_args(&m, 0);
        a.data = ~0ull << 4;            /* wraps around 2^64 */
        expect_refused(&m, &a, ks[i], geo, 1);
        a = msg_args(&m, 1);
        expect_refused(&m, &a, ks[i], geo, 0);  /* a 2-D grid */
        /* a misaligned state: nothing written at all */
        a = msg_args(&m, 0);
        a.state += 8;
        memset(m.state, 0x77, GV_KMAC_STATE_SIZE(3));
        memcpy(m.buf, m.ct, m.len);
        launch(ks[i], &a, geo);
        CU_ASSERT_EQUAL(word_at(m.state, 0), 0x77777777u);
        CU_ASSERT_EQUAL(word_at(m.state, 8), 0x77777777u);
        CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    }
    msg_free(&m);
}

/* Out of order, or another message's state: nothing decrypted. */
static void test_sequence(void)
{
    struct geom geo = { 2, 8 };
    struct gv_kmac_args a, b;
    struct msg m;

    msg_init(&m, 3 * C + 1, 5);
    a = msg_args(&m, 0);
    memcpy(m.buf, m.ct, m.len);
    memset(m.state, 0, GV_KMAC_STATE_SIZE(4));
    /* no leaves: the roots refuse, decrypt finds nothing verified */
    launch(K_VERIFY, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    launch(K_TAG, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    /* leaves, no root: decrypt says not verified */
    launch(K_CHUNKS, &a, geo);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT),
                    GV_KMAC_NOT_VERIFIED);
    CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    /* leaves of another length, IV or buffer */
    b = a;
    b.len--;
    launch(K_CHUNKS, &b, geo);
    launch(K_VERIFY, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    b = a;
    b.iv[11] ^= 1;
    launch(K_CHUNKS, &b, geo);
    launch(K_VERIFY, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    b = msg_args(&m, 1);
    b.data = b.plain;
    b.plain = 0;
    memcpy(m.pbuf, m.ct, m.len);
    launch(K_CHUNKS, &b, geo);
    launch(K_VERIFY, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_NO_CHUNKS);
    /* verified, but another message: the decrypt of @a refuses */
    launch(K_VERIFY, &b, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_OK);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT),
                    GV_KMAC_NOT_VERIFIED);
    CU_ASSERT(memcmp(m.buf, m.ct, m.len) == 0);
    /* and the right sequence */
    launch(K_CHUNKS, &a, geo);
    launch(K_VERIFY, &a, geo);
    launch(K_DECRYPT, &a, geo);
    CU_ASSERT_EQUAL(word_at(m.state, GV_KMAC_ST_RESULT), GV_KMAC_OK);
    CU_ASSERT(memcmp(m.buf, m.pt, m.len) == 0);
    msg_free(&m);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "FIPS 202 round constants and rotation offsets", test_constants },
        { "SP 800-185 KMAC256 samples 4-6", test_sp800_185_samples },
        { "KMAC256 vs OpenSSL", test_kmac_vs_openssl },
        { "host seal/open", test_host_seal_open },
        { "boundary lengths vs OpenSSL", test_edges },
        { "random lengths and grids vs OpenSSL", test_random },
        { "refused args", test_bad_args },
        { "out of order, another message's state", test_sequence },
        { NULL, NULL },
    };

    return gv_add_suite("kmac-host", NULL, NULL, tests);
}
