/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample: a secure kernel launch, the paper's way.
 *
 *   gv-secure-kernel [N]       (matrix size, a multiple of 16; default 128)
 *
 *  1. a secure context: quote checked against the device's endorsed AK;
 *  2. the kernels (matmul, and the AuthDec AES-GCM kernels) translated from
 *     PTX, copied in, and measured with CH_MEASURE against a digest the
 *     runtime computes itself;
 *  3. secure memcpy of the two input matrices: encrypted on the CPU with a
 *     fresh key, copied in as ciphertext, verified and decrypted on the
 *     device by the AuthDec kernels, launched with key and tag inside an
 *     encrypted command group;
 *  4. the matmul kernel, launched by an encrypted group;
 *  5. the product copied out encrypted by the copy engine and checked
 *     against the CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../../bench/bench_inputs.h"
#include "../../kernels/gv_gcm_args.h"
#include "graviton/gv_cmds.h"
#include "gv_crypto.h"
#include "gv_kernels_embed.h"
#include "gvrt_kernel.h"

#define STEP(...) printf("  " __VA_ARGS__)

static int fail(const char *what, int r)
{
    fprintf(stderr, "gv-secure-kernel: %s: %s (%d)\n", what,
            r < 0 ? strerror(-r) : r > 0 ? "device error" : "check failed",
            r);
    return 1;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Load @name and check CH_MEASURE of its device copy. */
static int load_measured(struct gvrt_stream *st, const char *name,
                         struct gvrt_module *m)
{
    const char *ptx = gv_embedded_ptx(name);
    struct gv_measurement meas;
    char err[256] = "";
    int r;

    if (!ptx) {
        return -ENOENT;
    }
    r = gvrt_module_load(st, ptx, strlen(ptx), m, err, sizeof(err));
    if (r) {
        fprintf(stderr, "gv-secure-kernel: %s: %s\n", name, err);
        return r;
    }
    /* keyed digest (HMAC under the channel's measurement key) of what
     * the runtime copied in */
    if ((r = gvrt_measure(st->dev, st->handle, m->va, m->size, &meas)) ||
        gvrt_measurement_accept(st->s, st->handle, &meas, m->va, m->img,
                                m->size)) {
        return r ? r : -EPERM;
    }
    STEP("%s: %u-byte module in secure memory, CH_MEASURE digest matches\n",
         name, m->size);
    return 0;
}

/* Secure memcpy host -> device with the AuthDec kernels. */
static int secure_memcpy(struct gvrt_stream *st, const struct gvrt_module *g,
                         uint64_t va, const void *src, size_t n,
                         uint64_t state)
{
    struct gv_gcm_args a;
    uint8_t *ct = malloc(n), p[256];
    void *args[] = { &a };
    uint32_t grid[3] = { 16, 1, 1 }, block[3] = { 128, 1, 1 }, res = 0;
    int r, psize;

    if (!ct) {
        return -ENOMEM;
    }
    memset(&a, 0, sizeof(a));
    getrandom(a.key, sizeof(a.key), 0);        /* fresh key per copy */
    getrandom(a.iv, sizeof(a.iv), 0);
    gvc_gcm_seal(a.key, a.iv, NULL, 0, src, n, ct, a.tag);
    a.data = va;
    a.len = n;
    a.state = state;
    psize = gvrt_pack_params(g, 0, args, p, sizeof(p));
    /* the ciphertext travels like any other data */
    r = gvrt_memcpy_htod(st, va, ct, n);
    r = r ? r : gvrt_launch(st, g, gvrt_module_function(g, "gv_gcm_ghash"),
                            grid, block, 0, p, (uint32_t)psize);
    r = r ? r : gvrt_launch(st, g, gvrt_module_function(g, "gv_gcm_decrypt"),
                            grid, block, 0, p, (uint32_t)psize);
    r = r ? r : gvrt_memcpy_dtoh(st, &res, state + GV_GCM_ST_RESULT, 4);
    memset(&a, 0, sizeof(a));
    free(ct);
    return r ? r : res == GV_GCM_OK ? 0 : -EBADMSG;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 128;
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct gvrt_stream st;
    struct graviton_ak_info ak;
    struct gvrt_module mm, gcm;
    uint8_t p[64];
    uint64_t fence, va, vb, vc, state;
    uint32_t ch, grid[3] = { 1, 1, 1 }, block[3] = { 16, 16, 1 };
    size_t sz = (size_t)n * n * 4;
    float *a, *b, *c, *w;
    int32_t nn = (int32_t)n;
    void *args[] = { &va, &vb, &vc, &nn };
    const char *what = NULL;
    double t0;
    int r;

    if (n < 16 || n % 16 || n > 1024) {
        fprintf(stderr, "usage: gv-secure-kernel [N: multiple of 16, "
                "16..1024]\n");
        return 2;
    }
    printf("secure kernel: %ux%u matrix product in a secure context\n", n,
           n);
    if ((r = gvrt_dev_open(&dev, 0)) || (r = gvrt_dev_ak_info(&dev, &ak))) {
        return fail("device", r);
    }
    if (gvrt_ak_endorsed(ak.ek_pub, ak.fw_version, ak.ak_pub, ak.ak_sig)) {
        return fail("AK endorsement", 0);
    }
    gvrt_secure_init(&s);
    if ((r = gvrt_secure_channel(&dev, &s, ak.ak_pub, &ch, &fence))) {
        return fail("secure channel", r);
    }
    STEP("secure context: quote verified, channel key unwrapped\n");
    if ((r = gvrt_stream_open(&st, &dev, ch, &s, fence))) {
        return fail("stream", r);
    }
    if ((r = load_measured(&st, "matmul", &mm)) ||
        (r = load_measured(&st, "aesgcm", &gcm))) {
        return fail("modules", r);
    }
    a = malloc(sz);
    b = malloc(sz);
    c = malloc(sz);
    w = malloc(sz);
    if (!a || !b || !c || !w) {
        what = "host memory";
        r = -ENOMEM;
        goto out;
    }
    gv_bench_fill_matmul(a, b, n);
    if ((r = gvrt_malloc(&st, sz, &va)) || (r = gvrt_malloc(&st, sz, &vb)) ||
        (r = gvrt_malloc(&st, sz, &vc)) ||
        (r = gvrt_malloc(&st, GV_GCM_STATE_SIZE(16), &state))) {
        what = "secure memory";
        goto out;
    }
    STEP("secure memory: every page's summary verified (protected)\n");
    t0 = now_ms();
    if ((r = secure_memcpy(&st, &gcm, va, a, sz, state)) ||
        (r = secure_memcpy(&st, &gcm, vb, b, sz, state))) {
        what = "secure memcpy (AuthDec)";
        goto out;
    }
    STEP("secure memcpy of A and B: tags verified by the AuthDec kernel "
         "(%.1f ms)\n", now_ms() - t0);
    grid[0] = grid[1] = n / 16;
    t0 = now_ms();
    r = gvrt_launch(&st, &mm, gvrt_module_function(&mm, "matmul"), grid,
                    block, 0, p,
                    (uint32_t)gvrt_pack_params(&mm, 0, args, p, sizeof(p)));
    if (r) {
        what = "matmul launch";
        goto out;
    }
    STEP("encrypted launch of matmul: done (%.1f ms)\n", now_ms() - t0);
    if ((r = gvrt_memcpy_dtoh(&st, c, vc, sz))) {
        what = "copy out";
        goto out;
    }
    gv_bench_ref_matmul(a, b, w, n);
    if (gv_bench_check_floats(c, w, (size_t)n * n, 0, NULL)) {
        what = "result";
        r = 0;
        goto out;
    }
    STEP("product copied out encrypted by the copy engine, equal to the "
         "CPU's\n");
    /* secure free: every allocation cleared before its unmap MAC */
    if ((r = gvrt_free(&st, va, sz)) || (r = gvrt_free(&st, vb, sz)) ||
        (r = gvrt_free(&st, vc, sz)) ||
        (r = gvrt_free(&st, state, GV_GCM_STATE_SIZE(16))) ||
        (r = gvrt_free(&st, mm.va, mm.size)) ||
        (r = gvrt_free(&st, gcm.va, gcm.size))) {
        what = "secure free";
        goto out;
    }
    STEP("secure memory cleared and freed with the runtime's MACs\n");
    printf("secure kernel: OK\n");
    gvrt_module_unload(&mm);
    gvrt_module_unload(&gcm);
    gvrt_stream_close(&st);
    gvrt_secure_fini(&s);
    gvrt_dev_close(&dev);
out:
    free(a);
    free(b);
    free(c);
    free(w);
    return what ? fail(what, r) : 0;
}
