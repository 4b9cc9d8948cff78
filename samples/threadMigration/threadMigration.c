/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * threadMigration: one context, several host threads (the driver API's
 * floating contexts).  The main thread creates the context, loads the
 * module and pops the context off its stack; then
 *
 *  1. migration: the threads take turns; each pushes the context, checks
 *     that it is current, launches the kernel on its slice of a shared
 *     buffer, copies the slice back and checks it, and pops the context
 *     again (after which its thread has no current context);
 *  2. sharing: every thread pushes the same context at once and works on
 *     its own buffer through its own stream, concurrently.
 *
 * The main thread pushes the context back, checks the whole buffer and
 * destroys it.
 *
 *   threadMigration [-threads=N] [-n=INTS_PER_THREAD] [-device=D]
 *                   (default 4 threads, 4096 ints each)
 */
#include <cuda.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_gv.h"

#define PTX_FILE "threadMigration_kernel.ptx"
#define MAX_THREADS 16

struct shared {
    CUcontext ctx;
    CUfunction kernel;
    CUdeviceptr buffer;     /* phase 1: one slice per thread */
    int n;                  /* ints per thread */
    pthread_mutex_t turn;   /* phase 1: one thread at a time */
};

struct worker {
    struct shared *s;
    pthread_t thread;
    int index;
    int ok;
};

static int checkSlice(const int *p, int n, int value)
{
    for (int i = 0; i < n; i++) {
        if (p[i] != value + i) {
            printf("    [%d] = %d, expected %d\n", i, p[i], value + i);
            return 0;
        }
    }
    return 1;
}

static int launch(struct shared *s, CUdeviceptr p, int value,
                  CUstream stream)
{
    void *args[] = { &p, &value, &s->n };
    int threads = 128;

    return cuLaunchKernel(s->kernel, (s->n + threads - 1) / threads, 1, 1,
                          threads, 1, 1, 0, stream, args, NULL) ==
           CUDA_SUCCESS;
}

/* Phase 1: take the context, use it, hand it back. */
static void *migrate(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    CUcontext current = NULL, popped = NULL;
    CUdeviceptr slice = s->buffer + (CUdeviceptr)w->index * s->n *
                                    sizeof(int);
    int *host = malloc((size_t)s->n * sizeof(int));

    pthread_mutex_lock(&s->turn);
    w->ok = host != NULL;
    w->ok = w->ok && cuCtxGetCurrent(&current) == CUDA_SUCCESS &&
            current == NULL;
    w->ok = w->ok && cuCtxPushCurrent(s->ctx) == CUDA_SUCCESS;
    w->ok = w->ok && cuCtxGetCurrent(&current) == CUDA_SUCCESS &&
            current == s->ctx;
    w->ok = w->ok && launch(s, slice, 1000000 * (w->index + 1), NULL);
    w->ok = w->ok && cuMemcpyDtoH(host, slice, (size_t)s->n * sizeof(int))
                     == CUDA_SUCCESS;
    w->ok = w->ok && checkSlice(host, s->n, 1000000 * (w->index + 1));
    w->ok = w->ok && cuCtxPopCurrent(&popped) == CUDA_SUCCESS &&
            popped == s->ctx;
    w->ok = w->ok && cuCtxGetCurrent(&current) == CUDA_SUCCESS &&
            current == NULL;
    printf("  thread %d: pushed the context, ran its slice, popped it: "
           "%s\n", w->index, w->ok ? "ok" : "WRONG");
    pthread_mutex_unlock(&s->turn);
    free(host);
    return NULL;
}

/* Phase 2: everybody at once, each with a stream and a buffer. */
static void *share(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    size_t bytes = (size_t)s->n * sizeof(int);
    int *host = malloc(bytes);
    int value = -1000000 * (w->index + 1);
    CUstream stream = NULL;
    CUdeviceptr p = 0;

    w->ok = host != NULL && cuCtxPushCurrent(s->ctx) == CUDA_SUCCESS;
    w->ok = w->ok && cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING) ==
                     CUDA_SUCCESS;
    w->ok = w->ok && cuMemAlloc(&p, bytes) == CUDA_SUCCESS;
    for (int round = 0; w->ok && round < 3; round++) {
        memset(host, 0, bytes);
        w->ok = launch(s, p, value + round, stream) &&
                cuMemcpyDtoHAsync(host, p, bytes, stream) == CUDA_SUCCESS &&
                cuStreamSynchronize(stream) == CUDA_SUCCESS &&
                checkSlice(host, s->n, value + round);
    }
    if (p) {
        w->ok = cuMemFree(p) == CUDA_SUCCESS && w->ok;
    }
    if (stream) {
        w->ok = cuStreamDestroy(stream) == CUDA_SUCCESS && w->ok;
    }
    w->ok = cuCtxPopCurrent(NULL) == CUDA_SUCCESS && w->ok;
    free(host);
    return NULL;
}

static int runPhase(struct worker *w, int nthreads, void *(*fn)(void *))
{
    int ok = 1;

    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&w[i].thread, NULL, fn, &w[i])) {
            fprintf(stderr, "pthread_create failed\n");
            exit(EXIT_FAILURE);
        }
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(w[i].thread, NULL);
        ok = ok && w[i].ok;
    }
    return ok;
}

int main(int argc, char **argv)
{
    int nthreads = getCmdLineInt(argc, argv, "threads", 4);
    struct shared s = { .n = getCmdLineInt(argc, argv, "n", 4096) };
    struct worker w[MAX_THREADS];
    CUdevice dev;
    CUmodule mod;
    CUcontext popped = NULL;
    char path[4096];
    int *all, ok1, ok2, ok3 = 1;
    size_t bytes;

    printf("threadMigration (driver API): %d threads, %d ints each\n",
           nthreads, s.n);
    if (nthreads < 1 || nthreads > MAX_THREADS || s.n < 1 ||
        s.n > (1 << 20)) {
        fprintf(stderr, "usage: threadMigration [-threads=1..%d] "
                "[-n=1..1048576]\n", MAX_THREADS);
        return EXIT_FAILURE;
    }
    bytes = (size_t)nthreads * s.n * sizeof(int);
    checkCudaErrors(cuInit(0));
    dev = findCudaDeviceDRV(argc, argv);
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&s.ctx, NULL, 0, dev));
#else
    checkCudaErrors(cuCtxCreate(&s.ctx, 0, dev));
#endif
    printContextKind("threadMigration");
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    checkCudaErrors(cuModuleGetFunction(&s.kernel, mod, "kernelFunction"));
    checkCudaErrors(cuMemAlloc(&s.buffer, bytes));
    checkCudaErrors(cuMemsetD32(s.buffer, 0xdeadbeef, bytes / 4));
    /* the context floats: no thread has it */
    checkCudaErrors(cuCtxPopCurrent(&popped));
    if (popped != s.ctx) {
        fprintf(stderr, "cuCtxPopCurrent gave another context\n");
        return EXIT_FAILURE;
    }
    pthread_mutex_init(&s.turn, NULL);
    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct worker){ .s = &s, .index = i };
    }

    printf("1. the context migrates from thread to thread\n");
    ok1 = runPhase(w, nthreads, migrate);
    printf("2. %d threads use the context at once, a stream each: %s\n",
           nthreads, (ok2 = runPhase(w, nthreads, share)) ? "ok" : "WRONG");

    checkCudaErrors(cuCtxPushCurrent(s.ctx));
    all = malloc(bytes);
    if (!all) {
        fprintf(stderr, "out of host memory\n");
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuMemcpyDtoH(all, s.buffer, bytes));
    for (int i = 0; i < nthreads; i++) {
        ok3 = ok3 && checkSlice(all + (size_t)i * s.n, s.n,
                                1000000 * (i + 1));
    }
    printf("3. back in the main thread, every slice is there: %s\n",
           ok3 ? "ok" : "WRONG");
    checkCudaErrors(cuMemFree(s.buffer));
    checkCudaErrors(cuModuleUnload(mod));
    checkCudaErrors(cuCtxDestroy(s.ctx));
    pthread_mutex_destroy(&s.turn);
    free(all);
    printf("Result = %s\n", ok1 && ok2 && ok3 ? "PASS" : "FAIL");
    return ok1 && ok2 && ok3 ? EXIT_SUCCESS : EXIT_FAILURE;
}
