/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cnn: the Graviton paper's Figure 11 application, a convolutional
 * network in the shape of Caffe's Cifar-10 one (three convolutions with
 * ReLU and pooling, local response normalisation after the first two, a
 * linear classifier with softmax and cross-entropy) trained by SGD on
 * batches of images, with the CUDA driver API.  Scaled to 28 x 28 images
 * of one channel (Fashion-MNIST; no Cifar-10 is packaged):
 *
 *   conv 5x5, 8  -> ReLU -> max pool 2/2 -> LRN   28x28 -> 8 x 14x14
 *   conv 5x5, 16 -> ReLU -> avg pool 2/2 -> LRN         -> 16 x 7x7
 *   conv 3x3, 32 -> ReLU -> avg pool 3/2                -> 32 x 3x3
 *   linear 288 -> 10, softmax, cross-entropy
 *
 * LRN is local response normalisation across channels (AlexNet's form of
 * Caffe's LRN layer: window 5, alpha 1e-4, beta 0.75); Caffe's Cifar-10
 * network, the paper's "local contrast normalisation", uses the same
 * layer within each channel (a 3 x 3 window).
 *
 *   cnn [-train=FILE] [-test=FILE] [-images=N] [-tests=M] [-batch=B]
 *       [-batches=K] [-lr=L]     (learning rate L / 10000, default 500)
 *
 * A FILE holds records of 785 bytes, a label (0-9) and 28 x 28 pixels
 * (scripts/paper.sh makes them from Debian's dataset-fashion-mnist);
 * without one, synthetic images of ten learnable classes.  Runs three
 * phases, as the paper reports them: initialisation (context, module,
 * allocations, weights in), training (K batches of B images, the last
 * one the first again) and testing (inference over M images).  Prints
 * the loss of every batch, the test loss and accuracy, a hash of the
 * trained weights (a normal and a secure context must print the same:
 * the kernels are deterministic) and each phase's time, its copies' time,
 * the process's CPU time and the device clock across it (modelled device
 * time when the device models it, docs/devtime.md).
 */
#include <cuda.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helper_gv.h"

#define PTX_FILE "cnn_kernel.ptx"
#define SIDE 28
#define PIXELS (SIDE * SIDE)
#define RECORD (PIXELS + 1)
#define CLASSES 10
#define C1 8                            /* channels of the three convs */
#define C2 16
#define C3 32
#define FC_IN (C3 * 3 * 3)
#define LRN_SIZE 5
#define LRN_ALPHA 1e-4f
#define LRN_BETA 0.75f

enum { PH_INIT, PH_TEST, PH_TRAIN, PHASES };

enum { F_CONV, F_RELU_BWD, F_CONV_BWD, F_CONV_UPD, F_POOL, F_POOL_BWD,
       F_LRN, F_LRN_BWD, F_FC, F_FC_BWD, F_FC_UPD, F_SOFTMAX, NF };

static const char *const fname[NF] = {
    "cnn_conv_fwd", "cnn_relu_bwd", "cnn_conv_bwd_data", "cnn_conv_update",
    "cnn_pool_fwd", "cnn_pool_bwd", "cnn_lrn_fwd", "cnn_lrn_bwd",
    "cnn_fc_fwd", "cnn_fc_bwd_data", "cnn_fc_update", "cnn_softmax_xent" };

/* The weights, and per layer its output and its gradient. */
struct cnn {
    CUfunction f[NF];
    CUdeviceptr W1, b1, W2, b2, W3, b3, W4, b4;
    CUdeviceptr X, lbl, A1, P1, I1, N1, S1, A2, P2, N2, S2, A3, P3, Z;
    CUdeviceptr dA1, dP1, dN1, dA2, dP2, dN2, dA3, dP3, dZ, loss, corr;
    long launches;
    double launch_ms;                   /* host time in cuLaunchKernel */
};

/* What each phase cost: host time, host time in copies, copy crypto
 * (host), host time in cuLaunchKernel, this process's CPU time, the
 * device clock, the device clock in copies, launches. */
struct phases {
    double ms[PHASES], copy_ms[PHASES], crypto_ms[PHASES], launch_ms[PHASES];
    double cpu_ms[PHASES];
    double dev_ms[PHASES], dev_copy_ms[PHASES];
    long launches[PHASES];
    CUevent base, mark;
};

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The CPU time this process has used (ms): the runtime's and the
 * driver's work, not the waits for the device. */
static double cpu_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The device's clock since the context was made (ms): modelled device
 * time when the device models it, else the host's. */
static double device_ms(struct phases *p)
{
    return deviceClockMs(p->base, p->mark);
}

/* The host time the context's copies spent in cryptography so far. */
static double crypto_ms(void)
{
    return copyCryptoMs();
}

/* A copy to or from the device, its host time and device clock counted
 * to phase @ph (the copies are synchronous, as cuMemcpy is). */
static void copy(struct phases *p, int ph, CUdeviceptr dev, void *host,
                 size_t bytes, int to_device)
{
    double t, d;

    /* the kernels before it are not the copy's */
    checkCudaErrors(cuCtxSynchronize());
    t = now_ms();
    d = device_ms(p);

    if (to_device) {
        checkCudaErrors(cuMemcpyHtoD(dev, host, bytes));
    } else {
        checkCudaErrors(cuMemcpyDtoH(host, dev, bytes));
    }
    p->dev_copy_ms[ph] += device_ms(p) - d;
    p->copy_ms[ph] += now_ms() - t;
}

/* A deterministic uniform number in [-1, 1). */
static float lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / (float)(1u << 23) - 1.0f;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (!p) {
        fprintf(stderr, "out of host memory\n");
        exit(EXIT_FAILURE);
    }
    return p;
}

/* @n records from @path, or synthetic ones (@seed): class c is a bright
 * bar at rows 2c + 4 .. 2c + 7 over a noisy background. */
static uint8_t *load_records(const char *path, int n, uint32_t seed)
{
    uint8_t *rec = xmalloc((size_t)n * RECORD);
    FILE *f;

    if (!path) {
        for (int i = 0; i < n; i++) {
            uint8_t *r = rec + (size_t)i * RECORD;
            int c = (int)((seed = seed * 1664525u + 1013904223u) >> 16) % 10;

            r[0] = (uint8_t)c;
            for (int j = 0; j < PIXELS; j++) {
                int row = j / SIDE, v = (int)((lcg(&seed) + 1.0f) * 40.0f);

                r[1 + j] = (uint8_t)(row >= 2 * c + 4 && row < 2 * c + 8 ?
                                     v + 160 : v);
            }
        }
        return rec;
    }
    f = fopen(path, "rb");
    if (!f || fread(rec, RECORD, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read %d records\n", path, n);
        exit(EXIT_FAILURE);
    }
    fclose(f);
    for (int i = 0; i < n; i++) {
        if (rec[(size_t)i * RECORD] >= CLASSES) {
            fprintf(stderr, "%s: record %d: label %d\n", path, i,
                    rec[(size_t)i * RECORD]);
            exit(EXIT_FAILURE);
        }
    }
    return rec;
}

static void launch(struct cnn *m, int f, int threads, void **args)
{
    int block = 128;
    double t = now_ms();

    checkCudaErrors(cuLaunchKernel(m->f[f], (threads + block - 1) / block,
                                   1, 1, block, 1, 1, 0, NULL, args, NULL));
    m->launch_ms += now_ms() - t;
    m->launches++;
}

static CUdeviceptr alloc(size_t bytes)
{
    CUdeviceptr p;

    checkCudaErrors(cuMemAlloc(&p, bytes));
    return p;
}

/* Weights uniform in +-sqrt(6 / fan-in) (He) from a fixed seed, biases
 * 0, copied in as phase PH_INIT's copies. */
static void init_weights(struct phases *p, CUdeviceptr *W, CUdeviceptr *b,
                         int out, int fan_in, uint32_t *seed)
{
    size_t nw = (size_t)out * fan_in;
    float *w = xmalloc(nw * sizeof(float));
    float *z = calloc((size_t)out, sizeof(float));
    float r = sqrtf(6.0f / (float)fan_in);

    if (!z) {
        fprintf(stderr, "out of host memory\n");
        exit(EXIT_FAILURE);
    }
    for (size_t i = 0; i < nw; i++) {
        w[i] = r * lcg(seed);
    }
    *W = alloc(nw * sizeof(float));
    *b = alloc((size_t)out * sizeof(float));
    copy(p, PH_INIT, *W, w, nw * sizeof(float), 1);
    copy(p, PH_INIT, *b, z, (size_t)out * sizeof(float), 1);
    free(w);
    free(z);
}

static void init_net(struct cnn *m, struct phases *p, int batch)
{
    size_t f = sizeof(float), b = (size_t)batch;
    uint32_t seed = 2018;

    init_weights(p, &m->W1, &m->b1, C1, 1 * 25, &seed);
    init_weights(p, &m->W2, &m->b2, C2, C1 * 25, &seed);
    init_weights(p, &m->W3, &m->b3, C3, C2 * 9, &seed);
    init_weights(p, &m->W4, &m->b4, CLASSES, FC_IN, &seed);
    m->X = alloc(b * PIXELS * f);
    m->lbl = alloc(b * sizeof(int));
    m->A1 = alloc(b * C1 * 784 * f);
    m->dA1 = alloc(b * C1 * 784 * f);
    m->P1 = alloc(b * C1 * 196 * f);
    m->I1 = alloc(b * C1 * 196 * sizeof(int));
    m->N1 = alloc(b * C1 * 196 * f);
    m->S1 = alloc(b * C1 * 196 * f);
    m->dP1 = alloc(b * C1 * 196 * f);
    m->dN1 = alloc(b * C1 * 196 * f);
    m->A2 = alloc(b * C2 * 196 * f);
    m->dA2 = alloc(b * C2 * 196 * f);
    m->P2 = alloc(b * C2 * 49 * f);
    m->N2 = alloc(b * C2 * 49 * f);
    m->S2 = alloc(b * C2 * 49 * f);
    m->dP2 = alloc(b * C2 * 49 * f);
    m->dN2 = alloc(b * C2 * 49 * f);
    m->A3 = alloc(b * C3 * 49 * f);
    m->dA3 = alloc(b * C3 * 49 * f);
    m->P3 = alloc(b * FC_IN * f);
    m->dP3 = alloc(b * FC_IN * f);
    m->Z = alloc(b * CLASSES * f);
    m->dZ = alloc(b * CLASSES * f);
    m->loss = alloc(b * f);
    m->corr = alloc(b * sizeof(int));
}

static void conv(struct cnn *m, CUdeviceptr x, CUdeviceptr w, CUdeviceptr b,
                 CUdeviceptr y, int nb, int cin, int cout, int hw, int k)
{
    void *a[] = { &x, &w, &b, &y, &nb, &cin, &cout, &hw, &k };

    launch(m, F_CONV, nb * cout * hw * hw, a);
}

static void pool(struct cnn *m, CUdeviceptr x, CUdeviceptr y, int planes,
                 int hw, int k, int ohw, int mode)
{
    int st = 2;
    void *a[] = { &x, &y, &m->I1, &planes, &hw, &k, &st, &ohw, &mode };

    launch(m, F_POOL, planes * ohw * ohw, a);
}

static void lrn(struct cnn *m, CUdeviceptr x, CUdeviceptr y, CUdeviceptr s,
                int nb, int ch, int plane)
{
    int size = LRN_SIZE;
    float alpha = LRN_ALPHA, beta = LRN_BETA;
    void *a[] = { &x, &y, &s, &nb, &ch, &plane, &size, &alpha, &beta };

    launch(m, F_LRN, nb * ch * plane, a);
}

/* The forward pass of the @nb images in X with their labels in lbl, to
 * the losses, the hits and the classifier's gradient dZ. */
static void forward(struct cnn *m, int nb)
{
    int in = FC_IN, out = CLASSES;

    conv(m, m->X, m->W1, m->b1, m->A1, nb, 1, C1, 28, 5);
    pool(m, m->A1, m->P1, nb * C1, 28, 2, 14, 0);
    lrn(m, m->P1, m->N1, m->S1, nb, C1, 196);
    conv(m, m->N1, m->W2, m->b2, m->A2, nb, C1, C2, 14, 5);
    pool(m, m->A2, m->P2, nb * C2, 14, 2, 7, 1);
    lrn(m, m->P2, m->N2, m->S2, nb, C2, 49);
    conv(m, m->N2, m->W3, m->b3, m->A3, nb, C2, C3, 7, 3);
    pool(m, m->A3, m->P3, nb * C3, 7, 3, 3, 1);
    {
        void *a[] = { &m->P3, &m->W4, &m->b4, &m->Z, &nb, &in, &out };

        launch(m, F_FC, nb * out, a);
    }
    {
        void *a[] = { &m->Z, &m->lbl, &m->dZ, &m->loss, &m->corr, &nb,
                      &out };

        launch(m, F_SOFTMAX, nb, a);
    }
}

static void pool_bwd(struct cnn *m, CUdeviceptr dy, CUdeviceptr dx,
                     int planes, int hw, int k, int ohw, int mode)
{
    int st = 2;
    void *a[] = { &dy, &m->I1, &dx, &planes, &hw, &k, &st, &ohw, &mode };

    launch(m, F_POOL_BWD, planes * hw * hw, a);
}

static void relu_bwd(struct cnn *m, CUdeviceptr y, CUdeviceptr d, int count)
{
    void *a[] = { &y, &d, &count };

    launch(m, F_RELU_BWD, count, a);
}

/* A convolution's backward pass: its input's gradient (unless @dx is 0),
 * then SGD on its weights. */
static void conv_bwd(struct cnn *m, CUdeviceptr dy, CUdeviceptr x,
                     CUdeviceptr w, CUdeviceptr b, CUdeviceptr dx, int nb,
                     int cin, int cout, int hw, int k, float lr)
{
    if (dx) {
        void *a[] = { &dy, &w, &dx, &nb, &cin, &cout, &hw, &k };

        launch(m, F_CONV_BWD, nb * cin * hw * hw, a);
    }
    {
        void *a[] = { &w, &b, &dy, &x, &nb, &cin, &cout, &hw, &k, &lr };

        launch(m, F_CONV_UPD, cout * cin * k * k + cout, a);
    }
}

static void lrn_bwd(struct cnn *m, CUdeviceptr x, CUdeviceptr y,
                    CUdeviceptr s, CUdeviceptr dy, CUdeviceptr dx, int nb,
                    int ch, int plane)
{
    int size = LRN_SIZE;
    float alpha = LRN_ALPHA, beta = LRN_BETA;
    void *a[] = { &x, &y, &s, &dy, &dx, &nb, &ch, &plane, &size, &alpha,
                  &beta };

    launch(m, F_LRN_BWD, nb * ch * plane, a);
}

/* The backward pass after forward(): gradients layer by layer, each
 * layer's weights updated once its input's gradient is out. */
static void backward(struct cnn *m, int nb, float lr)
{
    int in = FC_IN, out = CLASSES;

    {
        void *a[] = { &m->dZ, &m->W4, &m->dP3, &nb, &in, &out };

        launch(m, F_FC_BWD, nb * in, a);
    }
    {
        void *a[] = { &m->W4, &m->b4, &m->dZ, &m->P3, &nb, &in, &out,
                      &lr };

        launch(m, F_FC_UPD, (in + 1) * out, a);
    }
    pool_bwd(m, m->dP3, m->dA3, nb * C3, 7, 3, 3, 1);
    relu_bwd(m, m->A3, m->dA3, nb * C3 * 49);
    conv_bwd(m, m->dA3, m->N2, m->W3, m->b3, m->dN2, nb, C2, C3, 7, 3, lr);
    lrn_bwd(m, m->P2, m->N2, m->S2, m->dN2, m->dP2, nb, C2, 49);
    pool_bwd(m, m->dP2, m->dA2, nb * C2, 14, 2, 7, 1);
    relu_bwd(m, m->A2, m->dA2, nb * C2 * 196);
    conv_bwd(m, m->dA2, m->N1, m->W2, m->b2, m->dN1, nb, C1, C2, 14, 5, lr);
    lrn_bwd(m, m->P1, m->N1, m->S1, m->dN1, m->dP1, nb, C1, 196);
    pool_bwd(m, m->dP1, m->dA1, nb * C1, 28, 2, 14, 0);
    relu_bwd(m, m->A1, m->dA1, nb * C1 * 784);
    conv_bwd(m, m->dA1, m->X, m->W1, m->b1, 0, nb, 1, C1, 28, 5, lr);
}

/* Records @first .. @first + @nb - 1 into X and lbl (phase @ph's
 * copies): pixels scaled to [-0.5, 0.5]. */
static void load_batch(struct cnn *m, struct phases *p, int ph,
                       const uint8_t *rec, int first, int nb, float *x,
                       int *lbl)
{
    for (int n = 0; n < nb; n++) {
        const uint8_t *r = rec + (size_t)(first + n) * RECORD;

        lbl[n] = r[0];
        for (int j = 0; j < PIXELS; j++) {
            x[(size_t)n * PIXELS + j] = r[1 + j] / 255.0f - 0.5f;
        }
    }
    copy(p, ph, m->X, x, (size_t)nb * PIXELS * sizeof(float), 1);
    copy(p, ph, m->lbl, lbl, (size_t)nb * sizeof(int), 1);
}

/* The losses and hits of the last forward pass: their sums (in order). */
static double read_loss(struct cnn *m, struct phases *p, int ph, int nb,
                        float *loss, int *corr, int *hits)
{
    double s = 0;

    copy(p, ph, m->loss, loss, (size_t)nb * sizeof(float), 0);
    copy(p, ph, m->corr, corr, (size_t)nb * sizeof(int), 0);
    *hits = 0;
    for (int n = 0; n < nb; n++) {
        s += loss[n];
        *hits += corr[n];
    }
    return s;
}

/* Phase bookkeeping: what a phase started from. */
struct mark {
    double t, cpu, dev, crypto, launch_ms;
    long launches;
};

static struct mark phase_begin(struct cnn *m, struct phases *p)
{
    struct mark k;

    k.dev = device_ms(p);
    k.crypto = crypto_ms();
    k.launches = m->launches;
    k.launch_ms = m->launch_ms;
    k.cpu = cpu_ms();
    k.t = now_ms();
    return k;
}

static void phase_end(struct cnn *m, struct phases *p, int ph,
                      struct mark k)
{
    checkCudaErrors(cuCtxSynchronize());
    p->ms[ph] += now_ms() - k.t;
    p->cpu_ms[ph] += cpu_ms() - k.cpu;
    p->dev_ms[ph] += device_ms(p) - k.dev;
    p->crypto_ms[ph] += crypto_ms() - k.crypto;
    p->launches[ph] += m->launches - k.launches;
    p->launch_ms[ph] += m->launch_ms - k.launch_ms;
}

/* Training: @batches SGD steps on batches of @batch records, the last
 * the first again.  Returns 1 if that batch's loss went down. */
static int train(struct cnn *m, struct phases *p, const uint8_t *rec,
                 int images, int batch, int batches, float lr)
{
    float *x = xmalloc((size_t)batch * PIXELS * sizeof(float));
    float *loss = xmalloc((size_t)batch * sizeof(float));
    int *lbl = xmalloc((size_t)batch * sizeof(int));
    int *corr = xmalloc((size_t)batch * sizeof(int));
    struct mark k = phase_begin(m, p);
    double loss0 = 0, lossN = 0;

    for (int b = 0; b < batches; b++) {
        int first = (b * batch) % (images - batch + 1), hits;
        double l;

        if (b == batches - 1 && batches > 1) {
            first = 0;                  /* the first batch again */
        }
        load_batch(m, p, PH_TRAIN, rec, first, batch, x, lbl);
        forward(m, batch);
        backward(m, batch, lr);
        /* the loss of this batch's forward pass, before its update */
        l = read_loss(m, p, PH_TRAIN, batch, loss, corr, &hits) / batch;
        printf("  batch %d: loss %.6f, correct %d/%d\n", b, l, hits,
               batch);
        if (b == 0) {
            loss0 = l;
        }
        lossN = l;
    }
    phase_end(m, p, PH_TRAIN, k);
    free(x);
    free(loss);
    free(lbl);
    free(corr);
    return batches == 1 || lossN < loss0;
}

/* Testing: inference over @tests records, in batches of @batch. */
static void test(struct cnn *m, struct phases *p, const uint8_t *rec,
                 int tests, int batch)
{
    float *x = xmalloc((size_t)batch * PIXELS * sizeof(float));
    float *loss = xmalloc((size_t)batch * sizeof(float));
    int *lbl = xmalloc((size_t)batch * sizeof(int));
    int *corr = xmalloc((size_t)batch * sizeof(int));
    struct mark k = phase_begin(m, p);
    double sum = 0;
    int right = 0;

    for (int first = 0; first < tests; first += batch) {
        int nb = tests - first < batch ? tests - first : batch, hits;

        load_batch(m, p, PH_TEST, rec, first, nb, x, lbl);
        forward(m, nb);
        sum += read_loss(m, p, PH_TEST, nb, loss, corr, &hits);
        right += hits;
    }
    phase_end(m, p, PH_TEST, k);
    printf("  test: loss %.6f, accuracy %d/%d (%.2f%%)\n", sum / tests,
           right, tests, 100.0 * right / tests);
    free(x);
    free(loss);
    free(lbl);
    free(corr);
}

/* FNV-1a over every trained weight and bias, as the device holds them. */
static uint64_t weights_hash(const struct cnn *m)
{
    const CUdeviceptr w[] = { m->W1, m->b1, m->W2, m->b2, m->W3, m->b3,
                              m->W4, m->b4 };
    const size_t n[] = { C1 * 25, C1, C2 * C1 * 25, C2, C3 * C2 * 9, C3,
                         CLASSES * FC_IN, CLASSES };
    uint64_t h = 0xcbf29ce484222325ull;

    for (int l = 0; l < 8; l++) {
        uint8_t *buf = xmalloc(n[l] * sizeof(float));

        checkCudaErrors(cuMemcpyDtoH(buf, w[l], n[l] * sizeof(float)));
        for (size_t i = 0; i < n[l] * sizeof(float); i++) {
            h = (h ^ buf[i]) * 0x100000001b3ull;
        }
        free(buf);
    }
    return h;
}

static void free_net(struct cnn *m)
{
    const CUdeviceptr all[] = {
        m->W1, m->b1, m->W2, m->b2, m->W3, m->b3, m->W4, m->b4, m->X,
        m->lbl, m->A1, m->P1, m->I1, m->N1, m->S1, m->A2, m->P2, m->N2,
        m->S2, m->A3, m->P3, m->Z, m->dA1, m->dP1, m->dN1, m->dA2, m->dP2,
        m->dN2, m->dA3, m->dP3, m->dZ, m->loss, m->corr };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        checkCudaErrors(cuMemFree(all[i]));
    }
}

/* The figures by phase, in the paper's order (init, testing, training). */
static void print_phases(const struct phases *p, double rest, double total)
{
    printf("  time: init %.1f ms, testing %.1f ms, training %.1f ms, "
           "rest (hash, frees, destroy) %.1f ms, total %.1f ms\n",
           p->ms[PH_INIT], p->ms[PH_TEST], p->ms[PH_TRAIN], rest, total);
    printf("  copies: init %.1f ms, testing %.1f ms, training %.1f ms\n",
           p->copy_ms[PH_INIT], p->copy_ms[PH_TEST], p->copy_ms[PH_TRAIN]);
    printf("  copy crypto: init %.1f ms, testing %.1f ms, training %.1f "
           "ms\n", p->crypto_ms[PH_INIT], p->crypto_ms[PH_TEST],
           p->crypto_ms[PH_TRAIN]);
    printf("  device clock: init %.3f ms, testing %.3f ms, training %.3f "
           "ms; copies: init %.3f ms, testing %.3f ms, training %.3f ms\n",
           p->dev_ms[PH_INIT], p->dev_ms[PH_TEST], p->dev_ms[PH_TRAIN],
           p->dev_copy_ms[PH_INIT], p->dev_copy_ms[PH_TEST],
           p->dev_copy_ms[PH_TRAIN]);
    printf("  launches: init %ld, testing %ld, training %ld\n",
           p->launches[PH_INIT], p->launches[PH_TEST],
           p->launches[PH_TRAIN]);
    printf("  guest cpu: init %.1f ms, testing %.1f ms, training %.1f ms\n",
           p->cpu_ms[PH_INIT], p->cpu_ms[PH_TEST], p->cpu_ms[PH_TRAIN]);
    printf("  launch calls: init %.1f ms, testing %.1f ms, training %.1f "
           "ms\n", p->launch_ms[PH_INIT], p->launch_ms[PH_TEST],
           p->launch_ms[PH_TRAIN]);
}

/* A secure context's copy scheme (docs/runtime.md), for the report. */
static void print_scheme(void)
{
#ifdef GRAVITON_CUDA_H
    static const char *const name[] = { "default", "authdec-gcm",
                                        "authdec-kmac", "engine-gcm" };
    CUgravitonCopyScheme s;
    int secure = 0;

    checkCudaErrors(cuGravitonCtxIsSecure(NULL, &secure));
    if (secure) {
        checkCudaErrors(cuGravitonCtxGetCopyScheme(&s));
        printf("  copy scheme: %s\n", (unsigned)s < 4 ? name[s] : "?");
    }
#endif
}

static const char *opt_str(int argc, char **argv, const char *name)
{
    size_t len = strlen(name);

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && !strncmp(argv[i] + 1, name, len) &&
            argv[i][len + 1] == '=') {
            return argv[i] + len + 2;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    double t0, t1, cpu0;
    const char *trainf = opt_str(argc, argv, "train");
    const char *testf = opt_str(argc, argv, "test");
    int images = getCmdLineInt(argc, argv, "images", 1024);
    int tests = getCmdLineInt(argc, argv, "tests", 512);
    int batch = getCmdLineInt(argc, argv, "batch", 128);
    int batches = getCmdLineInt(argc, argv, "batches", 8);
    float lr = getCmdLineInt(argc, argv, "lr", 500) / 10000.0f;
    struct phases p = { 0 };
    struct cnn m = { 0 };
    uint8_t *trainr, *testr;
    struct mark k;
    char path[4096];
    CUcontext ctx;
    CUmodule mod;
    int ok;

    printf("cnn (driver API): 3 conv + 1 linear layers, %d training "
           "images, %d test images, batches of %d, %d batches, %s\n",
           images, tests, batch, batches,
           trainf ? "data from files" : "synthetic data");
    if (images <= 0 || tests <= 0 || batch <= 0 || batches <= 0 ||
        batch > images) {
        fprintf(stderr, "usage: cnn [-train=FILE] [-test=FILE] [-images=N] "
                "[-tests=M] [-batch=B<=N] [-batches=K] [-lr=L]\n");
        return EXIT_FAILURE;
    }
    trainr = load_records(trainf, images, 12345);
    testr = load_records(testf, tests, 54321);
    t0 = now_ms();
    cpu0 = cpu_ms();
    checkCudaErrors(cuInit(0));
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, NULL, 0, findCudaDeviceDRV(argc,
                                                                 argv)));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, findCudaDeviceDRV(argc, argv)));
#endif
    printContextKind("cnn");
    print_scheme();
    checkCudaErrors(cuEventCreate(&p.base, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventCreate(&p.mark, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventRecord(p.base, 0));
    checkCudaErrors(cuEventSynchronize(p.base));
    /* initialisation: its host time from cuInit, its device clock from
     * the context's creation */
    k = phase_begin(&m, &p);
    k.t = t0;
    k.cpu = cpu0;
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    for (int f = 0; f < NF; f++) {
        checkCudaErrors(cuModuleGetFunction(&m.f[f], mod, fname[f]));
    }
    init_net(&m, &p, batch);
    phase_end(&m, &p, PH_INIT, k);

    ok = train(&m, &p, trainr, images, batch, batches, lr);
    test(&m, &p, testr, tests, batch);

    t1 = now_ms();
    printf("  weights hash %016llx\n", (unsigned long long)weights_hash(&m));
    free_net(&m);
    checkCudaErrors(cuEventDestroy(p.base));
    checkCudaErrors(cuEventDestroy(p.mark));
    checkCudaErrors(cuModuleUnload(mod));
    checkCudaErrors(cuCtxDestroy(ctx));
    print_phases(&p, now_ms() - t1, now_ms() - t0);
    free(trainr);
    free(testr);
    printf("Result = %s\n", ok ? "PASS" : "FAIL");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
