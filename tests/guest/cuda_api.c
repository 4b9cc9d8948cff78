/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the CUDA driver API (libgvcuda), plainly and in a secure
 * context (GRAVITON_SECURE=1 set before the second context is created).
 * Vector add against the CPU through every way of passing parameters,
 * streams and events, copies and fills, module globals; then misuse:
 * each must return its error and never crash.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton_cuda.h"
#include "gv_kernels_embed.h"
#include "gvtest.h"

#define N 100000

static const char *name_of(CUresult r)
{
    const char *s = NULL;

    cuGetErrorName(r, &s);
    return s ? s : "?";
}

#define CU_OK(call, what)                                                 \
    do {                                                                  \
        CUresult r_ = (call);                                             \
        CHECK(r_ == CUDA_SUCCESS, "%s (%s)", what, name_of(r_));          \
    } while (0)
#define CU_IS(call, want, what)                                           \
    do {                                                                  \
        CUresult r_ = (call);                                             \
        CHECK(r_ == (want), "%s: %s (expected %s)", what, name_of(r_),    \
              name_of(want));                                             \
    } while (0)

/* A module with a __device__ variable, a __constant__ one and a kernel
 * that adds the constant to the variable. */
static const char globals_ptx[] =
    ".version 7.0\n.target sm_70\n.address_size 64\n"
    ".visible .global .align 4 .u32 counter = 5;\n"
    ".visible .const .align 4 .u32 step = 7;\n"
    ".visible .entry bump()\n{\n"
    "    .reg .b32 %r<4>;\n"
    "    ld.global.u32 %r1, [counter];\n"
    "    ld.const.u32 %r2, [step];\n"
    "    add.s32 %r3, %r1, %r2;\n"
    "    st.global.u32 [counter], %r3;\n"
    "    ret;\n}\n";

static float *ha, *hb, *hc;

static int check_sum(const float *c, int n)
{
    int bad = 0;

    for (int i = 0; i < n; i++) {
        bad += c[i] != ha[i] + hb[i];
    }
    return bad;
}

static void vector_add(bool secure)
{
    size_t sz = N * sizeof(float);
    CUdeviceptr a, b, c;
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;
    CUstream st;
    CUevent e0, e1;
    int n = N, secure_q = -1;
    void *args[] = { &a, &b, &c, &n };
    const char *att = NULL;
    float ms = -1;
    unsigned char pbuf[28];
    size_t psize = sizeof(pbuf);
    void *extra[] = { CU_LAUNCH_PARAM_BUFFER_POINTER, pbuf,
                      CU_LAUNCH_PARAM_BUFFER_SIZE, &psize,
                      CU_LAUNCH_PARAM_END };

    printf("  -- vector add, %s context\n", secure ? "secure" : "normal");
    CU_OK(cuCtxCreate_v2(&ctx, 0, 0), "cuCtxCreate");
    CU_OK(cuGravitonCtxIsSecure(NULL, &secure_q), "cuGravitonCtxIsSecure");
    CHECK(secure_q == secure, "the context is %ssecure",
          secure_q ? "" : "not ");
    CU_OK(cuGravitonCtxGetAttestation(NULL, &att), "attestation result");
    CHECK(att && (secure ? att[0] != 0 : att[0] == 0), "attestation: %s",
          att && att[0] ? att : "(none)");
    CU_OK(cuModuleLoadData(&mod, gv_embedded_ptx("vector_add")),
          "cuModuleLoadData (PTX)");
    CU_OK(cuModuleGetFunction(&f, mod, "vector_add"), "cuModuleGetFunction");
    CU_OK(cuMemAlloc(&a, sz), "cuMemAlloc a");
    CU_OK(cuMemAlloc(&b, sz), "cuMemAlloc b");
    CU_OK(cuMemAlloc(&c, sz), "cuMemAlloc c");
    CU_OK(cuMemcpyHtoD(a, ha, sz), "cuMemcpyHtoD a");
    CU_OK(cuMemcpyHtoD(b, hb, sz), "cuMemcpyHtoD b");
    CU_OK(cuLaunchKernel(f, (N + 255) / 256, 1, 1, 256, 1, 1, 0, NULL, args,
                         NULL), "cuLaunchKernel (kernelParams)");
    memset(hc, 0, sz);
    CU_OK(cuMemcpyDtoH(hc, c, sz), "cuMemcpyDtoH");
    CHECK(check_sum(hc, N) == 0, "c = a + b on the device, as on the CPU");

    /* extra: the same parameters packed */
    memcpy(pbuf, &a, 8);
    memcpy(pbuf + 8, &b, 8);
    memcpy(pbuf + 16, &c, 8);
    memcpy(pbuf + 24, &n, 4);
    CU_OK(cuMemsetD32(c, 0, N), "cuMemsetD32 c = 0");
    CU_OK(cuMemcpyDtoH(hc, c, sz), "copy out the cleared c");
    CHECK(hc[0] == 0 && hc[N - 1] == 0, "cleared");
    CU_OK(cuLaunchKernel(f, (N + 255) / 256, 1, 1, 256, 1, 1, 0, NULL, NULL,
                         extra), "cuLaunchKernel (extra)");
    CU_OK(cuMemcpyDtoH(hc, c, sz), "cuMemcpyDtoH");
    CHECK(check_sum(hc, N) == 0, "c = a + b again (extra)");

    /* a stream, events, asynchronous launch and copy */
    CU_OK(cuStreamCreate(&st, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    CU_OK(cuEventCreate(&e0, 0), "cuEventCreate");
    CU_OK(cuEventCreate(&e1, 0), "cuEventCreate");
    CU_OK(cuMemsetD8Async(c, 0, sz, st), "cuMemsetD8Async");
    CU_OK(cuEventRecord(e0, st), "cuEventRecord start");
    CU_OK(cuLaunchKernel(f, (N + 255) / 256, 1, 1, 256, 1, 1, 0, st, args,
                         NULL), "cuLaunchKernel on the stream");
    CU_OK(cuEventRecord(e1, st), "cuEventRecord end");
    CU_OK(cuEventSynchronize(e1), "cuEventSynchronize");
    CU_OK(cuEventQuery(e1), "cuEventQuery: done");
    CU_OK(cuEventElapsedTime(&ms, e0, e1), "cuEventElapsedTime");
    CHECK(ms >= 0, "the launch took %.3f ms", ms);
    CU_OK(cuMemcpyDtoHAsync(hc, c, sz, st), "cuMemcpyDtoHAsync");
    CU_OK(cuStreamSynchronize(st), "cuStreamSynchronize");
    CU_OK(cuStreamQuery(st), "cuStreamQuery: idle");
    CHECK(check_sum(hc, N) == 0, "c = a + b on the stream");
    CU_OK(cuStreamWaitEvent(NULL, e1, 0), "cuStreamWaitEvent");
    /* device to device */
    CU_OK(cuMemcpyDtoD(a, c, sz), "cuMemcpyDtoD a = c");
    CU_OK(cuMemcpyDtoHAsync(hc, a, sz, NULL), "copy a out");
    CU_OK(cuCtxSynchronize(), "cuCtxSynchronize");
    CHECK(check_sum(hc, N) == 0, "a holds the sum");
    if (secure) {
        /* the paper's secure memcpy: AuthDec in, AuthEnc out */
        CU_OK(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_AUTHDEC_AES_GCM),
              "AuthDec/AuthEnc kernels installed and measured");
        CU_OK(cudaSecureMemcpyHtoD(b, ha, sz), "cudaSecureMemcpy (AuthDec)");
        memset(hc, 0, sz);
        CU_OK(cudaSecureMemcpyDtoH(hc, b, sz), "cudaSecureMemcpy (AuthEnc)");
        CHECK(memcmp(hc, ha, sz) == 0, "the data made the round trip");
        CU_OK(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_ENGINE_AES_GCM),
              "back to the copy engine's crypto mode");
    }
    CU_OK(cuEventDestroy(e0), "cuEventDestroy");
    CU_OK(cuEventDestroy(e1), "cuEventDestroy");
    CU_OK(cuStreamDestroy(st), "cuStreamDestroy");
    CU_OK(cuMemFree(a), "cuMemFree a");
    CU_OK(cuMemFree(b), "cuMemFree b");
    CU_OK(cuMemFree(c), "cuMemFree c");
    CU_OK(cuModuleUnload(mod), "cuModuleUnload");
    CU_OK(cuCtxDestroy(ctx), "cuCtxDestroy");
}

static void globals(void)
{
    CUdeviceptr d;
    size_t bytes = 0;
    uint32_t v = 0;
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;
    FILE *fp;

    printf("  -- module globals, cuModuleLoad from a file\n");
    fp = fopen("/tmp/globals.ptx", "w");
    CHECK(fp && fputs(globals_ptx, fp) >= 0 && fclose(fp) == 0,
          "PTX written to /tmp/globals.ptx");
    CU_OK(cuCtxCreate_v2(&ctx, 0, 0), "cuCtxCreate");
    CU_OK(cuModuleLoad(&mod, "/tmp/globals.ptx"), "cuModuleLoad");
    CU_OK(cuModuleGetGlobal(&d, &bytes, mod, "counter"),
          "cuModuleGetGlobal __device__ counter");
    CHECK(bytes == 4, "its size: %zu", bytes);
    CU_OK(cuMemcpyDtoH(&v, d, 4), "read it");
    CHECK(v == 5, "initial value %u", v);
    CU_OK(cuModuleGetFunction(&f, mod, "bump"), "cuModuleGetFunction");
    CU_OK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL),
          "launch bump");
    CU_OK(cuMemcpyDtoH(&v, d, 4), "read it");
    CHECK(v == 12, "counter + step = %u", v);
    v = 100;
    CU_OK(cuMemcpyHtoD(d, &v, 4), "write it");
    CU_OK(cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL),
          "launch bump");
    CU_OK(cuMemcpyDtoH(&v, d, 4), "read it");
    CHECK(v == 107, "written + step = %u", v);
    CU_OK(cuModuleGetGlobal(&d, &bytes, mod, "step"),
          "cuModuleGetGlobal __constant__ step");
    CU_IS(cuModuleGetGlobal(&d, &bytes, mod, "nothing"), CUDA_ERROR_NOT_FOUND,
          "a variable that is not there");
    CU_OK(cuCtxDestroy(ctx), "cuCtxDestroy");
}

static CUcontext shared_ctx;

static void *other_thread(void *arg)
{
    CUdeviceptr d;
    CUcontext cur = (CUcontext)1;

    (void)arg;
    CU_OK(cuCtxGetCurrent(&cur), "another thread: cuCtxGetCurrent");
    CHECK(cur == NULL, "no context is current there");
    CU_IS(cuMemAlloc(&d, 64), CUDA_ERROR_INVALID_CONTEXT,
          "another thread without a current context: cuMemAlloc");
    CU_OK(cuCtxPushCurrent(shared_ctx), "it pushes the context");
    CU_OK(cuMemAlloc(&d, 64), "and uses it");
    CU_OK(cuMemFree(d), "cuMemFree");
    CU_OK(cuCtxPopCurrent(&cur), "cuCtxPopCurrent");
    CHECK(cur == shared_ctx, "popped the one it pushed");
    return NULL;
}

static const unsigned char elf_image[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

static void misuse(void)
{
    CUdeviceptr d = 0, big;
    CUcontext ctx, ctx2, cur;
    CUmodule mod;
    CUfunction f;
    CUstream st2;
    pthread_t t;
    char buf[64];
    int n = 1, pi;
    void *args[] = { &d, &d, &d, &n };
    unsigned char pbuf[64] = { 0 };
    size_t psize = sizeof(pbuf);
    void *extra[] = { CU_LAUNCH_PARAM_BUFFER_POINTER, pbuf,
                      CU_LAUNCH_PARAM_BUFFER_SIZE, &psize,
                      CU_LAUNCH_PARAM_END };

    printf("  -- misuse returns errors\n");
    CU_OK(cuCtxCreate_v2(&ctx, 0, 0), "cuCtxCreate");
    CU_IS(cuMemAlloc(NULL, 64), CUDA_ERROR_INVALID_VALUE, "cuMemAlloc(NULL)");
    CU_IS(cuMemAlloc(&d, 0), CUDA_ERROR_INVALID_VALUE, "cuMemAlloc of 0");
    CU_IS(cuDeviceGetName(NULL, 10, 0), CUDA_ERROR_INVALID_VALUE,
          "cuDeviceGetName(NULL)");
    CU_IS(cuDeviceGetAttribute(&pi, CU_DEVICE_ATTRIBUTE_MAX, 0),
          CUDA_ERROR_INVALID_VALUE, "an attribute past the last");
    CU_IS(cuDeviceGet(&pi, 7), CUDA_ERROR_INVALID_DEVICE, "device 7");
    CU_OK(cuMemAlloc(&d, 4096), "cuMemAlloc");
    CU_IS(cuMemcpyHtoD(d, buf, 8192), CUDA_ERROR_INVALID_VALUE,
          "an oversize copy in");
    CU_IS(cuMemcpyDtoH(buf, d + 4090, 64), CUDA_ERROR_INVALID_VALUE,
          "a copy out past the end");
    CU_IS(cuMemcpyDtoH(NULL, d, 64), CUDA_ERROR_INVALID_VALUE,
          "a copy to NULL");
    CU_IS(cuMemcpyHtoD(0x1234, buf, 8), CUDA_ERROR_INVALID_VALUE,
          "a copy to a made-up device address");
    CU_IS(cuMemsetD32(d + 2, 0, 4), CUDA_ERROR_INVALID_VALUE,
          "a misaligned cuMemsetD32");
    CU_OK(cuMemFree(d), "cuMemFree");
    CU_IS(cuMemFree(d), CUDA_ERROR_INVALID_VALUE, "a double free");
    CU_IS(cuMemcpyHtoD(d, buf, 8), CUDA_ERROR_INVALID_VALUE,
          "a copy into freed memory");

    CU_IS(cuModuleLoadData(&mod, elf_image), CUDA_ERROR_NO_BINARY_FOR_GPU,
          "an ELF cubin");
    {
        const char *msg = NULL;

        cuGravitonGetLastMessage(&msg);
        CHECK(msg && strstr(msg, "PTX"), "its message: %s", msg ? msg : "");
    }
    CU_IS(cuModuleLoadData(&mod, ".version 7.0\n.target sm_70\nbogus;\n"),
          CUDA_ERROR_INVALID_PTX, "PTX the translator refuses");
    CU_IS(cuModuleLoad(&mod, "/nonexistent.ptx"), CUDA_ERROR_FILE_NOT_FOUND,
          "a module file that is not there");
    CU_OK(cuModuleLoadData(&mod, gv_embedded_ptx("vector_add")),
          "cuModuleLoadData");
    CU_IS(cuModuleGetFunction(&f, mod, "no_such_kernel"), CUDA_ERROR_NOT_FOUND,
          "a missing entry");
    CU_OK(cuModuleGetFunction(&f, mod, "vector_add"), "cuModuleGetFunction");
    CU_OK(cuMemAlloc(&d, 4096), "cuMemAlloc");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 2048, 1, 1, 0, NULL, args, NULL),
          CUDA_ERROR_INVALID_VALUE, "a block of 2048 threads");
    CU_IS(cuLaunchKernel(f, 0, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
          CUDA_ERROR_INVALID_VALUE, "an empty grid");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 1 << 20, NULL, args, NULL),
          CUDA_ERROR_INVALID_VALUE, "1 MiB of shared memory");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, extra),
          CUDA_ERROR_INVALID_VALUE, "more parameters than the kernel takes");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, args, extra),
          CUDA_ERROR_INVALID_VALUE, "both kernelParams and extra");
    CU_IS(cuLaunchKernel(NULL, 1, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
          CUDA_ERROR_INVALID_HANDLE, "a NULL function");
    CU_IS(cuLaunchKernel((CUfunction)buf, 1, 1, 1, 32, 1, 1, 0, NULL, args,
                         NULL), CUDA_ERROR_INVALID_HANDLE,
          "a made-up function");
    /* another context: its objects are not this one's */
    CU_OK(cuCtxCreate_v2(&ctx2, 0, 0), "a second context (now current)");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
          CUDA_ERROR_INVALID_HANDLE, "a function of the other context");
    CU_IS(cuMemFree(d), CUDA_ERROR_INVALID_VALUE,
          "memory of the other context");
    CU_OK(cuStreamCreate(&st2, 0), "a stream of the second context");
    CU_OK(cuCtxPopCurrent(&cur), "pop it");
    CHECK(cur == ctx2, "popped the second");
    CU_IS(cuMemcpyHtoDAsync(d, buf, 8, st2), CUDA_ERROR_INVALID_HANDLE,
          "a stream of another context");
    CU_OK(cuCtxDestroy(ctx2), "destroy the second context");
    CU_IS(cuStreamSynchronize(st2), CUDA_ERROR_INVALID_HANDLE,
          "a stream of a destroyed context");
    CU_IS(cuCtxPushCurrent(ctx2), CUDA_ERROR_INVALID_CONTEXT,
          "pushing a destroyed context");

    /* threads */
    shared_ctx = ctx;
    CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0 &&
          pthread_join(t, NULL) == 0, "another thread ran");
    CU_OK(cuMemAlloc(&big, 1 << 20), "this thread still has its context");
    CU_OK(cuMemFree(big), "cuMemFree");
    CU_OK(cuMemFree(d), "cuMemFree");
    CU_OK(cuModuleUnload(mod), "cuModuleUnload");
    CU_IS(cuModuleGetFunction(&f, mod, "vector_add"),
          CUDA_ERROR_INVALID_HANDLE, "a function of an unloaded module");
    CU_OK(cuCtxDestroy(ctx), "cuCtxDestroy");
    CU_IS(cuMemAlloc(&d, 64), CUDA_ERROR_INVALID_CONTEXT,
          "cuMemAlloc with no context left");
}

/*
 * Asynchronous launch errors are sticky, as in NVIDIA's driver.
 * Regression (issue 10): a fault was reported once and the context went
 * on; with several launches in flight a fault followed by another launch
 * was lost (the driver cleared the channel's error at every SUBMIT).
 */
static void sticky_fault(void)
{
    CUdeviceptr d, e, eo, bad = 0x7000000000ull;
    CUcontext ctx, other, cur;
    CUmodule mod;
    CUfunction f;
    CUstream s;
    int n = 64;
    void *args[] = { &d, &d, &e, &n };
    void *bargs[] = { &bad, &bad, &bad, &n };
    CUresult r;

    printf("  -- a faulting kernel among launches in flight: sticky\n");
    CU_OK(cuCtxCreate_v2(&other, 0, 0), "a bystander context");
    CU_OK(cuMemAlloc(&eo, 4096), "its memory");
    CU_OK(cuCtxCreate_v2(&ctx, 0, 0), "the context that will fail");
    CU_OK(cuModuleLoadData(&mod, gv_embedded_ptx("vector_add")),
          "cuModuleLoadData");
    CU_OK(cuModuleGetFunction(&f, mod, "vector_add"), "vector_add");
    CU_OK(cuStreamCreate(&s, 0), "a stream");
    CU_OK(cuMemAlloc(&d, 4096), "cuMemAlloc");
    CU_OK(cuMemAlloc(&e, 4096), "cuMemAlloc");
    r = CUDA_SUCCESS;
    for (int i = 0; i < 8 && r == CUDA_SUCCESS; i++) {
        r = cuLaunchKernel(f, 1, 1, 1, 64, 1, 1, 0, s, args, NULL);
    }
    r = r ? r : cuLaunchKernel(f, 1, 1, 1, 64, 1, 1, 0, s, bargs, NULL);
    r = r ? r : cuLaunchKernel(f, 1, 1, 1, 64, 1, 1, 0, s, args, NULL);
    r = r ? r : cuStreamSynchronize(s);
    CHECK(r == CUDA_ERROR_ILLEGAL_ADDRESS, "the fault, behind 8 launches "
          "and before one more, is reported: %s", name_of(r));
    CU_IS(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS,
          "sticky: cuCtxSynchronize");
    CU_IS(cuMemAlloc(&d, 64), CUDA_ERROR_ILLEGAL_ADDRESS,
          "sticky: cuMemAlloc");
    CU_IS(cuLaunchKernel(f, 1, 1, 1, 64, 1, 1, 0, NULL, args, NULL),
          CUDA_ERROR_ILLEGAL_ADDRESS, "sticky: cuLaunchKernel");
    CU_OK(cuCtxDestroy(ctx), "cuCtxDestroy of the failed context");
    CU_OK(cuCtxGetCurrent(&cur), "cuCtxGetCurrent");
    CHECK(cur == other, "the bystander is current again");
    CU_OK(cuMemsetD32(eo, 7, 1024), "the bystander works on");
    CU_OK(cuCtxDestroy(other), "and is destroyed");
}

int main(void)
{
    CUdevice dev;
    CUdeviceptr d;
    int n = 0, warp = 0, sms = 0, ver = 0;
    char name[128];
    size_t mem = 0;

    printf("cuda_api: the CUDA driver API in the guest\n");
    CU_IS(cuMemAlloc(&d, 64), CUDA_ERROR_NOT_INITIALIZED,
          "cuMemAlloc before cuInit");
    CU_IS(cuInit(1), CUDA_ERROR_INVALID_VALUE, "cuInit(1)");
    CU_OK(cuInit(0), "cuInit");
    CU_OK(cuDriverGetVersion(&ver), "cuDriverGetVersion");
    CU_OK(cuDeviceGetCount(&n), "cuDeviceGetCount");
    CHECK(n >= 1, "%d device(s), driver API %d", n, ver);
    CU_OK(cuDeviceGet(&dev, 0), "cuDeviceGet");
    CU_OK(cuDeviceGetName(name, sizeof(name), dev), "cuDeviceGetName");
    CU_OK(cuDeviceTotalMem(&mem, dev), "cuDeviceTotalMem");
    CU_OK(cuDeviceGetAttribute(&warp, CU_DEVICE_ATTRIBUTE_WARP_SIZE, dev),
          "warp size");
    CU_OK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                               dev), "SM count");
    CHECK(warp == 32 && sms >= 1, "%s: %zu MiB, warp %d, %d SMs", name,
          mem >> 20, warp, sms);
    {
        int bad = 0, v;

        for (int a = 1; a < CU_DEVICE_ATTRIBUTE_MAX; a++) {
            bad += cuDeviceGetAttribute(&v, (CUdevice_attribute)a, dev) !=
                   CUDA_SUCCESS;
        }
        CHECK(bad == 0, "every attribute answers (%d did not)", bad);
    }
    ha = malloc(N * sizeof(float));
    hb = malloc(N * sizeof(float));
    hc = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++) {
        ha[i] = (float)i * 0.5f;
        hb[i] = (float)(N - i);
    }
    vector_add(false);
    globals();
    misuse();
    sticky_fault();
    /* every context from now on is secure */
    setenv("GRAVITON_SECURE", "1", 1);
    vector_add(true);
    globals();
    free(ha);
    free(hb);
    free(hc);
    return gvtest_done();
}
