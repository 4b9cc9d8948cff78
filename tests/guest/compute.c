/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: kernels through the driver.  The runtime translates the test
 * kernels' PTX (embedded in this program), copies modules and data in with
 * the copy engine, launches, waits for the fence and copies results out;
 * everything is checked against CPU references.  On a normal channel:
 * vector_add, matmul, reduce_sum, blackscholes, memset32 and the
 * intrinsics kernel; a kernel that writes to an
 * unmapped address is stopped (WAIT: EIO, GV_ERR_FAULT) and the channel
 * keeps working.  On a secure channel: copies in the copy engine's crypto
 * mode, encrypted launches, and the paper's secure memcpy with the AuthDec
 * kernel (ciphertext in, decrypted and verified on the device; a tampered
 * copy refused) and the AuthEnc kernels (ciphertext and tag equal to the
 * CPU's AES-GCM).
 */
#include <math.h>
#include <sys/random.h>

#include "../../bench/bench_inputs.h"
#include "../../kernels/gv_gcm_args.h"
#include "../../kernels/intrinsics_ref.h"
#include "graviton/gv_cmds.h"
#include "gv_crypto.h"
#include "gv_kernels_embed.h"
#include "gvrt_kernel.h"
#include "gvtest.h"

static int load(struct gvrt_stream *st, const char *name,
                struct gvrt_module *m)
{
    char err[256] = "";
    const char *ptx = gv_embedded_ptx(name);
    int r = ptx ? gvrt_module_load(st, ptx, strlen(ptx), m, err, sizeof(err))
                : -ENOENT;

    CHECK(r == 0, "%s: translated and loaded (%d %s)", name, r, err);
    return r;
}

static void dims(uint32_t d[3], unsigned x, unsigned y)
{
    d[0] = x;
    d[1] = y ? y : 1;
    d[2] = 1;
}

/* vector_add's and matmul's inputs: a and b copied in, c allocated. */
static void abc_in(struct gvrt_stream *st, const float *a, const float *b,
                   size_t sz, uint64_t *va, uint64_t *vb, uint64_t *vc,
                   const char *what)
{
    CHECK(gvrt_malloc(st, sz, va) == 0 && gvrt_malloc(st, sz, vb) == 0 &&
          gvrt_malloc(st, sz, vc) == 0 &&
          gvrt_memcpy_htod(st, *va, a, sz) == 0 &&
          gvrt_memcpy_htod(st, *vb, b, sz) == 0, "%s copied in", what);
}

static void run_vector_add(struct gvrt_stream *st, unsigned n)
{
    struct gvrt_module m;
    size_t sz = n * 4;
    float *a = malloc(sz), *b = malloc(sz), *c = malloc(sz), *w = malloc(sz);
    uint64_t va, vb, vc;
    int32_t nn = (int32_t)n;
    void *args[] = { &va, &vb, &vc, &nn };
    uint8_t p[64];
    uint32_t g[3], bl[3];
    struct gv_bench_launch gl = gv_bench_launch_vector_add(n);
    int r;

    if (load(st, "vector_add", &m)) {
        return;
    }
    gv_bench_fill_vector_add(a, b, n);
    abc_in(st, a, b, sz, &va, &vb, &vc, "inputs");
    dims(g, gl.grid_x, 0);
    dims(bl, gl.block_x, 0);
    r = gvrt_launch(st, &m, gvrt_module_function(&m, "vector_add"), g, bl,
                    0, p, (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                      sizeof(p)));
    CHECK(r == 0, "vector_add of %u elements ran (%d)", n, r);
    CHECK(gvrt_memcpy_dtoh(st, c, vc, sz) == 0, "result copied out");
    gv_bench_ref_vector_add(a, b, w, n);
    CHECK(gv_bench_check_floats(c, w, n, 0, NULL) == 0,
          "vector_add equals the CPU's, bit for bit");

    /* attack: the kernel writes to an address that is not mapped */
    vc = 0x7f000000000ull;
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == GV_ERR_FAULT, "a kernel writing to an unmapped address is "
          "stopped with a fault (%d)", r);
    CHECK(gvrt_malloc(st, sz, &vc) == 0, "memory");
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    memset(c, 0, sz);
    CHECK(r == 0 && gvrt_memcpy_dtoh(st, c, vc, sz) == 0 &&
          gv_bench_check_floats(c, w, n, 0, NULL) == 0,
          "the channel works after the fault (%d)", r);
    gvrt_module_unload(&m);
    free(a); free(b); free(c); free(w);
}

static void run_matmul(struct gvrt_stream *st, unsigned n)
{
    struct gvrt_module m;
    size_t sz = (size_t)n * n * 4;
    float *a = malloc(sz), *b = malloc(sz), *c = malloc(sz), *w = malloc(sz);
    uint64_t va, vb, vc;
    int32_t nn = (int32_t)n;
    void *args[] = { &va, &vb, &vc, &nn };
    uint8_t p[64];
    uint32_t g[3], bl[3];
    struct gv_bench_launch gl = gv_bench_launch_matmul(n);
    int r;

    if (load(st, "matmul", &m)) {
        return;
    }
    gv_bench_fill_matmul(a, b, n);
    abc_in(st, a, b, sz, &va, &vb, &vc, "matrices");
    dims(g, gl.grid_x, gl.grid_y);
    dims(bl, gl.block_x, gl.block_y);
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == 0, "matmul %ux%u ran (%d)", n, n, r);
    CHECK(gvrt_memcpy_dtoh(st, c, vc, sz) == 0, "product copied out");
    gv_bench_ref_matmul(a, b, w, n);
    CHECK(gv_bench_check_floats(c, w, (size_t)n * n, 0, NULL) == 0,
          "matmul equals the CPU's exactly");
    gvrt_module_unload(&m);
    free(a); free(b); free(c); free(w);
}

static void run_reduce(struct gvrt_stream *st, unsigned n)
{
    struct gvrt_module m;
    int *in = malloc(n * 4), sum = -1, zero = 0;
    uint64_t vin, vs;
    int32_t nn = (int32_t)n;
    void *args[] = { &vin, &vs, &nn };
    uint8_t p[64];
    uint32_t g[3], bl[3];
    struct gv_bench_launch gl = gv_bench_launch_reduce(n);
    int r;

    if (load(st, "reduce", &m)) {
        return;
    }
    gv_bench_fill_reduce(in, n);
    CHECK(gvrt_malloc(st, n * 4, &vin) == 0 && gvrt_malloc(st, 64, &vs) == 0 &&
          gvrt_memcpy_htod(st, vin, in, n * 4) == 0 &&
          gvrt_memcpy_htod(st, vs, &zero, 4) == 0, "input copied in");
    dims(g, gl.grid_x, 0);
    dims(bl, gl.block_x, 0);
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == 0 && gvrt_memcpy_dtoh(st, &sum, vs, 4) == 0 &&
          sum == gv_bench_ref_reduce(in, n),
          "reduce_sum of %u ints: %d (CPU %d)", n, sum,
          gv_bench_ref_reduce(in, n));
    gvrt_module_unload(&m);
    free(in);
}

static void run_blackscholes(struct gvrt_stream *st, unsigned n)
{
    struct gvrt_module m;
    size_t sz = n * 4;
    float *pr = malloc(sz), *sk = malloc(sz), *yr = malloc(sz),
          *c = malloc(sz), *pu = malloc(sz), *wc = malloc(sz),
          *wp = malloc(sz), r_ = GV_BENCH_BS_R, v_ = GV_BENCH_BS_V;
    uint64_t vc, vp, vpr, vsk, vyr;
    int32_t nn = (int32_t)n;
    void *args[] = { &vc, &vp, &vpr, &vsk, &vyr, &r_, &v_, &nn };
    uint8_t p[96];
    uint32_t g[3], bl[3];
    struct gv_bench_launch gl = gv_bench_launch_blackscholes(n);
    double worst = 0;
    int r;

    if (load(st, "blackscholes", &m)) {
        return;
    }
    gv_bench_fill_blackscholes(pr, sk, yr, n);
    CHECK(gvrt_malloc(st, sz, &vc) == 0 && gvrt_malloc(st, sz, &vp) == 0 &&
          gvrt_malloc(st, sz, &vpr) == 0 && gvrt_malloc(st, sz, &vsk) == 0 &&
          gvrt_malloc(st, sz, &vyr) == 0 &&
          gvrt_memcpy_htod(st, vpr, pr, sz) == 0 &&
          gvrt_memcpy_htod(st, vsk, sk, sz) == 0 &&
          gvrt_memcpy_htod(st, vyr, yr, sz) == 0, "options copied in");
    dims(g, gl.grid_x, 0);
    dims(bl, gl.block_x, 0);
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == 0 && gvrt_memcpy_dtoh(st, c, vc, sz) == 0 &&
          gvrt_memcpy_dtoh(st, pu, vp, sz) == 0, "blackscholes ran (%d)", r);
    gv_bench_ref_blackscholes(wc, wp, pr, sk, yr, r_, v_, n);
    for (unsigned i = 0; i < n; i++) {
        worst = fmax(worst, fmax(fabs((double)c[i] - wc[i]),
                                 fabs((double)pu[i] - wp[i])));
    }
    CHECK(worst < 1e-4, "blackscholes within 1e-4 of the double-precision "
          "reference (max error %.3g)", worst);
    gvrt_module_unload(&m);
    free(pr); free(sk); free(yr); free(c); free(pu); free(wc); free(wp);
}

static void run_memset(struct gvrt_stream *st, unsigned n)
{
    struct gvrt_module m;
    uint32_t *buf = malloc(n * 4 + 4), val = 0x5eed1e55, g[3], bl[3];
    uint64_t va, nn = n;
    void *args[] = { &va, &val, &nn };
    uint8_t p[64];
    unsigned wrong = 0;
    int r;

    if (load(st, "memset32", &m)) {
        return;
    }
    memset(buf, 0, n * 4 + 4);
    CHECK(gvrt_malloc(st, n * 4 + 4, &va) == 0 &&
          gvrt_memcpy_htod(st, va, buf, n * 4 + 4) == 0, "buffer");
    dims(g, 9, 0);
    dims(bl, 128, 0);
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == 0 && gvrt_memcpy_dtoh(st, buf, va, n * 4 + 4) == 0,
          "memset32 ran (%d)", r);
    for (unsigned i = 0; i < n; i++) {
        wrong += buf[i] != val;
    }
    CHECK(wrong == 0 && buf[n] == 0, "memset32 filled %u words and no "
          "more (%u wrong)", n, wrong);
    gvrt_module_unload(&m);
    free(buf);
}

static void run_intrinsics(struct gvrt_stream *st)
{
    struct gvrt_module m;
    size_t osz = GV_INTR_N * GV_INTR_WORDS * 4;
    uint32_t *out = malloc(osz), g[3], bl[3];
    int32_t ctr[8];
    uint64_t vo, vc, v64, vd, c64 = 0, zero = 0;
    double dsum = 0;
    void *args[] = { &vo, &vc, &v64, &vd };
    uint8_t p[64];
    unsigned bad;
    int r;

    if (load(st, "intrinsics", &m)) {
        return;
    }
    CHECK(gvrt_malloc(st, osz, &vo) == 0 && gvrt_malloc(st, 64, &vc) == 0 &&
          gvrt_malloc(st, 64, &v64) == 0 && gvrt_malloc(st, 64, &vd) == 0 &&
          gvrt_memcpy_htod(st, vc, gv_intr_ctr_init, 32) == 0 &&
          gvrt_memcpy_htod(st, v64, &zero, 8) == 0 &&
          gvrt_memcpy_htod(st, vd, &zero, 8) == 0, "counters");
    dims(g, GV_INTR_GRID, 0);
    dims(bl, GV_INTR_BLOCK, 0);
    r = gvrt_launch(st, &m, 0, g, bl, 0, p,
                    (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(r == 0 && gvrt_memcpy_dtoh(st, out, vo, osz) == 0 &&
          gvrt_memcpy_dtoh(st, ctr, vc, 32) == 0 &&
          gvrt_memcpy_dtoh(st, &c64, v64, 8) == 0 &&
          gvrt_memcpy_dtoh(st, &dsum, vd, 8) == 0, "intrinsics ran (%d)", r);
    bad = gv_intrinsics_check(out, ctr, c64, dsum);
    CHECK(bad == 0, "shuffles, votes, bits, math and atomics match the CPU "
          "model (%u wrong)", bad);
    gvrt_module_unload(&m);
    free(out);
}

static void normal_channel(void)
{
    struct gvrt_dev dev;
    struct gvrt_stream st;
    uint32_t h;
    uint64_t fence;

    printf("  -- normal channel\n");
    CHECK(gvrt_dev_open(&dev, 0) == 0 &&
          gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, &fence) == 0 &&
          gvrt_stream_open(&st, &dev, h, NULL, fence) == 0, "stream");
    run_vector_add(&st, 50000);
    run_matmul(&st, 64);
    run_reduce(&st, 100000);
    run_blackscholes(&st, 10000);
    run_memset(&st, 30001);
    run_intrinsics(&st);
    gvrt_stream_close(&st);
    gvrt_dev_close(&dev);
}

/* The paper's secure memcpy: encrypt on the host with a fresh key, copy
 * the ciphertext in, AuthDec (ghash, decrypt) with key and tag as
 * parameters of an encrypted launch. */
static void secure_channel(void)
{
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct gvrt_stream st;
    struct graviton_ak_info ak;
    struct gvrt_module m;
    struct gv_gcm_args a;
    uint8_t *pt, *ct, *back, p[256];
    uint32_t ch, g[3], bl[3], res = 0;
    uint64_t fence, vdata, vstate;
    size_t n = 200000;
    void *args[] = { &a };
    int r;

    printf("  -- secure channel: encrypted launches, AuthDec secure memcpy\n");
    gvrt_dev_open(&dev, 0);
    gvrt_dev_ak_info(&dev, &ak);
    gvrt_secure_init(&s);
    CHECK(gvrt_secure_channel(&dev, &s, ak.ak_pub, &ch, &fence) == 0 &&
          gvrt_stream_open(&st, &dev, ch, &s, fence) == 0,
          "secure channel, quote accepted, copy key set");
    run_matmul(&st, 48);
    if (load(&st, "aesgcm", &m)) {
        return;
    }
    pt = malloc(n);
    ct = malloc(n);
    back = malloc(n);
    getrandom(pt, n, 0);
    memset(&a, 0, sizeof(a));
    getrandom(a.key, sizeof(a.key), 0);
    getrandom(a.iv, sizeof(a.iv), 0);
    gvc_gcm_seal(a.key, a.iv, NULL, 0, pt, n, ct, a.tag);
    CHECK(gvrt_malloc(&st, n, &vdata) == 0 &&
          gvrt_malloc(&st, GV_GCM_STATE_SIZE(16), &vstate) == 0 &&
          gvrt_memcpy_htod(&st, vdata, ct, n) == 0, "ciphertext copied in");
    a.data = vdata;
    a.len = n;
    a.state = vstate;
    dims(g, 16, 0);
    dims(bl, 128, 0);
    r = gvrt_launch(&st, &m, gvrt_module_function(&m, "gv_gcm_ghash"), g, bl,
                    0, p, (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                      sizeof(p)));
    r = r ? r : gvrt_launch(&st, &m, gvrt_module_function(&m,
                                                           "gv_gcm_decrypt"),
                            g, bl, 0, p,
                            (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                       sizeof(p)));
    CHECK(r == 0 && gvrt_memcpy_dtoh(&st, &res, vstate, 4) == 0 &&
          res == GV_GCM_OK, "AuthDec verified the tag (%d, result %u)", r,
          res);
    CHECK(gvrt_memcpy_dtoh(&st, back, vdata, n) == 0 &&
          memcmp(back, pt, n) == 0, "device memory holds the plaintext");
    /* the driver tampers with the ciphertext on its way in */
    ct[777] ^= 4;
    gvrt_memcpy_htod(&st, vdata, ct, n);
    gvrt_launch(&st, &m, gvrt_module_function(&m, "gv_gcm_ghash"), g, bl, 0,
                p, (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    gvrt_launch(&st, &m, gvrt_module_function(&m, "gv_gcm_decrypt"), g, bl,
                0, p, (uint32_t)gvrt_pack_params(&m, 0, args, p, sizeof(p)));
    CHECK(gvrt_memcpy_dtoh(&st, &res, vstate, 4) == 0 &&
          res == GV_GCM_MISMATCH, "tampered ciphertext refused (result %u)",
          res);
    /* AuthEnc: device -> host, the kernels encrypt; equal to the CPU's */
    {
        uint8_t tag[16], etag[16];

        gvrt_memcpy_htod(&st, vdata, pt, n);
        r = gvrt_launch(&st, &m, gvrt_module_function(&m, "gv_gcm_encrypt"),
                        g, bl, 0, p, (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                                 sizeof(p)));
        r = r ? r : gvrt_launch(&st, &m, gvrt_module_function(&m,
                                                               "gv_gcm_ghash"),
                                g, bl, 0, p,
                                (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                           sizeof(p)));
        r = r ? r : gvrt_launch(&st, &m, gvrt_module_function(&m,
                                                               "gv_gcm_tag"),
                                g, bl, 0, p,
                                (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                           sizeof(p)));
        gvc_gcm_seal(a.key, a.iv, NULL, 0, pt, n, ct, tag);
        CHECK(r == 0 && gvrt_memcpy_dtoh(&st, back, vdata, n) == 0 &&
              gvrt_memcpy_dtoh(&st, etag, vstate + GV_GCM_ST_TAG, 16) == 0 &&
              memcmp(back, ct, n) == 0 && memcmp(etag, tag, 16) == 0,
              "AuthEnc: ciphertext and tag equal the CPU's AES-GCM (%d)", r);
    }
    gvrt_module_unload(&m);
    gvrt_stream_close(&st);
    gvrt_secure_fini(&s);
    gvrt_dev_close(&dev);
    free(pt); free(ct); free(back);
}

/* A bootstrap command (another context's allocation) while a launch
 * runs: the device holds the bootstrap ring until the engine is free.
 * The bug: the driver reported EIO at once and left the command queued,
 * to run later behind its back (driver and device then disagreed about
 * the address space); it now waits for it. */
static void bootstrap_during_launch(void)
{
    struct gvrt_dev da, db;
    struct gvrt_stream st;
    struct gvrt_module m;
    unsigned n = 768;
    size_t sz = (size_t)n * n * 4;
    float *a = malloc(sz), *b = malloc(sz);
    uint64_t va, vb, vc, fence, vx = 0;
    int32_t nn = (int32_t)n;
    void *args[] = { &va, &vb, &vc, &nn };
    uint8_t p[64];
    uint32_t g[3], bl[3], ha, hb;
    struct gv_bench_launch gl = gv_bench_launch_matmul(n);
    int r, busy;

    printf("  -- a bootstrap command while another context's kernel runs\n");
    CHECK(gvrt_dev_open(&da, 0) == 0 && gvrt_dev_open(&db, 0) == 0 &&
          gvrt_chan_create(&da, false, NULL, NULL, NULL, &ha, &fence) == 0 &&
          gvrt_chan_create(&db, false, NULL, NULL, NULL, &hb, NULL) == 0 &&
          gvrt_stream_open(&st, &da, ha, NULL, fence) == 0, "two contexts");
    if (load(&st, "matmul", &m)) {
        return;
    }
    gv_bench_fill_matmul(a, b, n);
    abc_in(&st, a, b, sz, &va, &vb, &vc, "matrices");
    dims(g, gl.grid_x, gl.grid_y);
    dims(bl, gl.block_x, gl.block_y);
    r = gvrt_launch_async(&st, &m, 0, g, bl, 0, p,
                          (uint32_t)gvrt_pack_params(&m, 0, args, p,
                                                     sizeof(p)));
    busy = gvrt_stream_query(&st) == -EBUSY;
    r = r ? r : gvrt_mem_alloc(&db, hb, 0, 4096, &vx, NULL, 0, NULL);
    CHECK(busy, "the kernel was still running when the other context "
          "allocated");
    CHECK(r == 0, "the other context's allocation (a CH_PTE held until the "
          "engine is free) succeeded: %s", strerror(r < 0 ? -r : 0));
    CHECK(gvrt_stream_sync(&st) == 0, "the kernel finished");
    CHECK(gvrt_mem_free(&db, hb, vx, NULL, 0) == 0,
          "and the allocation is the driver's and the device's (freed)");
    gvrt_module_unload(&m);
    gvrt_stream_close(&st);
    gvrt_dev_close(&db);
    gvrt_dev_close(&da);
    free(a);
    free(b);
}

/* vector_add's launch of @n elements: c = a + b. */
static int vadd_async(struct gvrt_stream *st, struct gvrt_module *m,
                      uint64_t a, uint64_t b, uint64_t c, int32_t n)
{
    void *args[] = { &a, &b, &c, &n };
    uint32_t g[3], bl[3];
    uint8_t p[64];

    dims(g, ((uint32_t)n + 255) / 256, 1);
    dims(bl, 256, 1);
    return gvrt_launch_async(st, m, 0, g, bl, 0, p,
                             (uint32_t)gvrt_pack_params(m, 0, args, p,
                                                        sizeof(p)));
}

/*
 * Several launches in flight on one stream (uapi 1.4), and an error among
 * them.  Regression: up to uapi 1.3 the driver cleared a channel's error
 * at every SUBMIT and the device ran the groups queued behind a failed
 * launch, whose fences then said it had completed: a fault followed by
 * another launch was lost.  Now the channel stops at the fault, the wait
 * reports it, and the launch behind it runs once acknowledged.
 */
static void pipelined_launches(void)
{
    enum { N = 4096 };
    struct gvrt_dev dev;
    struct gvrt_stream st;
    struct gvrt_module mm, mv;
    unsigned n = 512;
    size_t sz = (size_t)n * n * 4;
    float *a = malloc(sz), *b = malloc(sz), *c = malloc(sz);
    float *ref = malloc(sz), x[N], y[N];
    uint64_t va, vb, vc, vx, vy, fence, cur = 0, bad = 0x6000000000ull;
    int32_t nn = (int32_t)n;
    void *args[] = { &va, &vb, &vc, &nn };
    uint8_t p[64];
    uint32_t g[3], bl[3], h, err = 0, inflight;
    struct gv_bench_launch gl = gv_bench_launch_matmul(n);
    int r = 0, rw;

    printf("  -- launches in flight, and a fault among them\n");
    CHECK(gvrt_dev_open(&dev, 0) == 0 &&
          gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, &fence) == 0 &&
          gvrt_stream_open(&st, &dev, h, NULL, fence) == 0, "a stream");
    if (load(&st, "matmul", &mm) || load(&st, "vector_add", &mv)) {
        return;
    }
    gv_bench_fill_matmul(a, b, n);
    gv_bench_ref_matmul(a, b, ref, n);
    abc_in(&st, a, b, sz, &va, &vb, &vc, "matrices");
    for (int i = 0; i < N; i++) {
        x[i] = (float)i;
    }
    CHECK(gvrt_malloc(&st, sizeof(x), &vx) == 0 &&
          gvrt_malloc(&st, sizeof(y), &vy) == 0 &&
          gvrt_memcpy_htod(&st, vx, x, sizeof(x)) == 0, "vectors");
    dims(g, gl.grid_x, gl.grid_y);
    dims(bl, gl.block_x, gl.block_y);
    for (int i = 0; i < 4 && !r; i++) {
        r = gvrt_launch_async(&st, &mm, 0, g, bl, 0, p,
                              (uint32_t)gvrt_pack_params(&mm, 0, args, p,
                                                         sizeof(p)));
    }
    inflight = (uint32_t)(st.seq - st.reached);
    CHECK(r == 0 && inflight >= 2, "4 launches submitted without waiting, "
          "%u in flight", inflight);
    CHECK(gvrt_stream_sync(&st) == 0 &&
          gvrt_memcpy_dtoh(&st, c, vc, sz) == 0 && memcmp(c, ref, sz) == 0,
          "all ran, in order, and the result is the CPU's");

    /* a long launch, a faulting one, then one that writes y = x + x */
    r = gvrt_launch_async(&st, &mm, 0, g, bl, 0, p,
                          (uint32_t)gvrt_pack_params(&mm, 0, args, p,
                                                     sizeof(p)));
    r = r ? r : vadd_async(&st, &mv, bad, bad, bad, N);
    r = r ? r : vadd_async(&st, &mv, vx, vx, vy, N);
    CHECK(r == 0, "three launches submitted behind each other (%d)", r);
    r = gvrt_stream_sync(&st);
    CHECK(r == GV_ERR_FAULT, "the wait reports the fault of the second "
          "(%d), though the third's fence comes later", r);
    rw = gvrt_wait_err(&dev, h, st.seq, 0, &cur, &err);
    CHECK(rw == -EIO && err == GV_ERR_FAULT && cur == st.seq - 2,
          "the channel is stopped at the fault: the fence is the first's, "
          "the third has not run (%d, error %u, fence %llu of %llu)", rw,
          err, (unsigned long long)cur, (unsigned long long)st.seq);
    CHECK(st.failure == GV_ERR_FAULT, "the stream keeps the failure");
    r = gvrt_stream_sync(&st);
    CHECK(r == 0 && gvrt_memcpy_dtoh(&st, y, vy, sizeof(y)) == 0 &&
          y[N - 1] == 2.0f * (N - 1) && y[1] == 2.0f,
          "acknowledged, the third ran (%d)", r);
    gvrt_module_unload(&mm);
    gvrt_module_unload(&mv);
    gvrt_stream_close(&st);
    gvrt_dev_close(&dev);
    free(a); free(b); free(c); free(ref);
}

int main(void)
{
    normal_channel();
    secure_channel();
    bootstrap_during_launch();
    pipelined_launches();
    return gvtest_done();
}
