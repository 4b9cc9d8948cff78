/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * autoencoder: the Graviton paper's second application, an autoencoder of
 * 6 encoding and 6 decoding fully connected layers (784 -> 16 -> 784)
 * trained by SGD on batches of images, with the CUDA driver API.
 *
 *   autoencoder [-data=FILE] [-images=N] [-batch=B] [-batches=K]
 *               [-lr=L]         (learning rate L / 10000, default 1000)
 *
 * FILE holds N images of 28 x 28 bytes (scripts/paper.sh takes them from
 * Debian's dataset-fashion-mnist); without it, synthetic images.  Prints
 * the loss of every batch, a hash of the trained weights (a normal and a
 * secure context must print the same: the kernels are deterministic) and
 * the time by phase, and the device clock across them (modelled device
 * time when the device models it, docs/devtime.md; from the context's
 * creation on).
 */
#include <cuda.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helper_gv.h"

#define PTX_FILE "autoencoder_kernel.ptx"
#define PIXELS 784
#define NL 12                           /* layers */

static const int width[NL + 1] = { 784, 512, 256, 128, 64, 32, 16,
                                   32, 64, 128, 256, 512, 784 };

struct net {
    CUfunction fwd, delta, back, upd;
    CUdeviceptr W[NL], b[NL], A[NL + 1], D[NL + 1];
};

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* A deterministic uniform number in [-1, 1). */
static float lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / (float)(1u << 23) - 1.0f;
}

static uint8_t *load_images(const char *path, int n)
{
    uint8_t *img = malloc((size_t)n * PIXELS);
    uint32_t s = 12345;
    FILE *f;

    if (!img) {
        fprintf(stderr, "out of host memory\n");
        exit(EXIT_FAILURE);
    }
    if (!path) {
        for (size_t i = 0; i < (size_t)n * PIXELS; i++) {
            img[i] = (uint8_t)((lcg(&s) + 1.0f) * 127.5f);
        }
        return img;
    }
    f = fopen(path, "rb");
    if (!f || fread(img, PIXELS, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read %d images\n", path, n);
        exit(EXIT_FAILURE);
    }
    fclose(f);
    return img;
}

static void launch(CUfunction f, int threads, void **args)
{
    int block = 128;

    checkCudaErrors(cuLaunchKernel(f, (threads + block - 1) / block, 1, 1,
                                   block, 1, 1, 0, NULL, args, NULL));
}

/* Weights: Xavier-uniform from a fixed seed, biases 0. */
static void init_net(struct net *m, int batch)
{
    uint32_t s = 2018;

    for (int l = 0; l < NL; l++) {
        size_t nw = (size_t)width[l] * width[l + 1];
        float *w = malloc(nw * sizeof(float)), *z;
        float r = 2.449f / sqrtf((float)(width[l] + width[l + 1]));

        z = calloc((size_t)width[l + 1], sizeof(float));
        if (!w || !z) {
            fprintf(stderr, "out of host memory\n");
            exit(EXIT_FAILURE);
        }
        for (size_t i = 0; i < nw; i++) {
            w[i] = r * lcg(&s);
        }
        checkCudaErrors(cuMemAlloc(&m->W[l], nw * sizeof(float)));
        checkCudaErrors(cuMemAlloc(&m->b[l], width[l + 1] * sizeof(float)));
        checkCudaErrors(cuMemcpyHtoD(m->W[l], w, nw * sizeof(float)));
        checkCudaErrors(cuMemcpyHtoD(m->b[l], z,
                                     width[l + 1] * sizeof(float)));
        free(w);
        free(z);
    }
    for (int l = 0; l <= NL; l++) {
        size_t sz = (size_t)batch * width[l] * sizeof(float);

        checkCudaErrors(cuMemAlloc(&m->A[l], sz));
        checkCudaErrors(cuMemAlloc(&m->D[l], sz));
    }
}

/* One SGD step on the batch in A[0]: forward, deltas, then updates. */
static void train_step(struct net *m, int batch, float lr)
{
    /* the loss: squared error summed over an image's pixels, averaged
     * over the batch */
    float scale = 2.0f / (float)batch;
    int count = batch * PIXELS;

    for (int l = 0; l < NL; l++) {
        int act = l == NL - 1;
        void *a[] = { &m->W[l], &m->b[l], &m->A[l], &m->A[l + 1],
                      (void *)&width[l], (void *)&width[l + 1], &batch,
                      &act };

        launch(m->fwd, batch * width[l + 1], a);
    }
    {
        void *a[] = { &m->A[NL], &m->A[0], &m->D[NL], &count, &scale };

        launch(m->delta, count, a);
    }
    for (int l = NL - 1; l >= 1; l--) {
        void *a[] = { &m->W[l], &m->D[l + 1], &m->A[l], &m->D[l],
                      (void *)&width[l], (void *)&width[l + 1], &batch };

        launch(m->back, batch * width[l], a);
    }
    for (int l = 0; l < NL; l++) {
        void *a[] = { &m->W[l], &m->b[l], &m->D[l + 1], &m->A[l],
                      (void *)&width[l], (void *)&width[l + 1], &batch,
                      &lr };

        launch(m->upd, (width[l] + 1) * width[l + 1], a);
    }
}

/* FNV-1a over every trained weight and bias, as the device holds them. */
static uint64_t weights_hash(const struct net *m)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (int l = 0; l < NL; l++) {
        size_t nw = (size_t)width[l] * width[l + 1] + width[l + 1];
        uint8_t *buf = malloc(nw * sizeof(float));

        if (!buf) {
            fprintf(stderr, "out of host memory\n");
            exit(EXIT_FAILURE);
        }
        checkCudaErrors(cuMemcpyDtoH(buf, m->W[l], (nw - width[l + 1]) *
                                     sizeof(float)));
        checkCudaErrors(cuMemcpyDtoH(buf + (nw - width[l + 1]) *
                                     sizeof(float), m->b[l],
                                     width[l + 1] * sizeof(float)));
        for (size_t i = 0; i < nw * sizeof(float); i++) {
            h = (h ^ buf[i]) * 0x100000001b3ull;
        }
        free(buf);
    }
    return h;
}

int main(int argc, char **argv)
{
    double t0 = now_ms(), t_init, t_copy = 0, t_kern = 0, t1, t_end;
    double d_init, d_copy = 0, d_kern = 0, d1, d2, d3, crypto;
    const char *data = NULL;
    int images = getCmdLineInt(argc, argv, "images", 1024);
    int batch = getCmdLineInt(argc, argv, "batch", 128);
    int batches = getCmdLineInt(argc, argv, "batches", 8);
    size_t in_bytes, out_bytes;
    float *x, *y, lr = getCmdLineInt(argc, argv, "lr", 1000) / 10000.0f;
    char path[4096];
    double loss0 = 0, lossN = 0;
    struct net m;
    CUcontext ctx;
    CUevent base, mark;
    int ok;
    CUmodule mod;
    uint8_t *img;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "-data=", 6)) {
            data = argv[i] + 6;
        }
    }
    printf("autoencoder (driver API): 6 + 6 layers, %d images, batches of "
           "%d, %d batches%s%s\n", images, batch, batches,
           data ? ", data " : ", synthetic data", data ? data : "");
    if (images <= 0 || batch <= 0 || batches <= 0 || batch > images) {
        fprintf(stderr, "usage: autoencoder [-data=FILE] [-images=N] "
                "[-batch=B<=N] [-batches=K] [-lr=L]\n");
        return EXIT_FAILURE;
    }
    img = load_images(data, images);
    in_bytes = (size_t)batch * PIXELS * sizeof(float);
    out_bytes = in_bytes;
    x = malloc(in_bytes);
    y = malloc(out_bytes);
    if (!x || !y) {
        fprintf(stderr, "out of host memory\n");
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuInit(0));
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, NULL, 0, findCudaDeviceDRV(argc,
                                                                 argv)));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, findCudaDeviceDRV(argc, argv)));
#endif
    printContextKind("autoencoder");
    checkCudaErrors(cuEventCreate(&base, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventCreate(&mark, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventRecord(base, 0));
    checkCudaErrors(cuEventSynchronize(base));
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    checkCudaErrors(cuModuleGetFunction(&m.fwd, mod, "ae_forward"));
    checkCudaErrors(cuModuleGetFunction(&m.delta, mod, "ae_out_delta"));
    checkCudaErrors(cuModuleGetFunction(&m.back, mod, "ae_backward"));
    checkCudaErrors(cuModuleGetFunction(&m.upd, mod, "ae_update"));
    init_net(&m, batch);
    d_init = deviceClockMs(base, mark);
    t_init = now_ms();

    for (int k = 0; k < batches; k++) {
        int first = (k * batch) % (images - batch + 1);
        double loss = 0;

        if (k == batches - 1 && batches > 1) {
            first = 0;                  /* the first batch again */
        }

        for (size_t i = 0; i < (size_t)batch * PIXELS; i++) {
            x[i] = img[(size_t)first * PIXELS + i] / 255.0f;
        }
        t1 = now_ms();
        d1 = deviceClockMs(base, mark);
        checkCudaErrors(cuMemcpyHtoD(m.A[0], x, in_bytes));
        d2 = deviceClockMs(base, mark);
        t_copy += now_ms() - t1;
        t1 = now_ms();
        train_step(&m, batch, lr);
        checkCudaErrors(cuCtxSynchronize());
        d3 = deviceClockMs(base, mark);
        t_kern += now_ms() - t1;
        /* the loss of this batch's forward pass */
        t1 = now_ms();
        checkCudaErrors(cuMemcpyDtoH(y, m.A[NL], out_bytes));
        d_copy += d2 - d1 + deviceClockMs(base, mark) - d3;
        d_kern += d3 - d2;
        t_copy += now_ms() - t1;
        for (size_t i = 0; i < (size_t)batch * PIXELS; i++) {
            loss += (y[i] - x[i]) * (double)(y[i] - x[i]);
        }
        loss /= (double)batch;
        printf("  batch %d: loss %.6f\n", k, loss);
        if (k == 0) {
            loss0 = loss;
        }
        lossN = loss;
    }
    /* it learned: the first batch, seen again at the end, is
     * reconstructed better than the first time */
    ok = batches == 1 || lossN < loss0;
    printf("  weights hash %016llx\n", (unsigned long long)weights_hash(&m));
    for (int l = 0; l < NL; l++) {
        checkCudaErrors(cuMemFree(m.W[l]));
        checkCudaErrors(cuMemFree(m.b[l]));
    }
    for (int l = 0; l <= NL; l++) {
        checkCudaErrors(cuMemFree(m.A[l]));
        checkCudaErrors(cuMemFree(m.D[l]));
    }
    checkCudaErrors(cuEventDestroy(base));
    checkCudaErrors(cuEventDestroy(mark));
    checkCudaErrors(cuModuleUnload(mod));
    crypto = copyCryptoMs();
    checkCudaErrors(cuCtxDestroy(ctx));
    t_end = now_ms();
    printf("  time: init %.1f ms, copies %.1f ms, kernels %.1f ms, "
           "rest (loss, hash, frees, destroy) %.1f ms, total %.1f ms\n",
           t_init - t0, t_copy, t_kern, t_end - t_init - t_copy - t_kern,
           t_end - t0);
    printf("  device clock: init %.3f ms, copies %.3f ms, kernels %.3f ms\n",
           d_init, d_copy, d_kern);
    printf("  copy crypto (host): %.1f ms\n", crypto);
    free(img);
    free(x);
    free(y);
    printf("Result = %s\n", ok ? "PASS" : "FAIL");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
