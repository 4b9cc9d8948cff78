/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda in-process: the API's argument and handle checks, and the
 * whole stack (API -> core -> backend) on the test bench's device behind
 * a fake driver (test_gvcuda_drv.c), plainly and in secure contexts,
 * with the driver lying once to test each of the runtime's checks.  Runs
 * under ASan/UBSan in a sanitizer build.
 *
 * The suites run in order: first without any device (cuInit fails), then
 * with the test bench's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "graviton/gv_regs.h"
#include "graviton_cuda.h"
#include "test_gvcuda_drv.h"
#include "gv_devtime.h"
#include "gv_testdev.h"

#define OK(x) CU_ASSERT_EQUAL((x), CUDA_SUCCESS)
#define IS(x, want) CU_ASSERT_EQUAL((x), (want))

/* clang's PTX for kernels/vector_add.cu */
static const char vector_add_ptx[] =
    ".version 7.0\n.target sm_70\n.address_size 64\n"
    ".visible .entry vector_add(\n"
    "    .param .u64 vector_add_param_0, .param .u64 vector_add_param_1,\n"
    "    .param .u64 vector_add_param_2, .param .u32 vector_add_param_3)\n"
    "{\n"
    "    .reg .pred %p<2>;\n    .reg .b32 %r<6>;\n"
    "    .reg .f32 %f<4>;\n    .reg .b64 %rd<11>;\n"
    "    ld.param.u32 %r1, [vector_add_param_3];\n"
    "    mov.u32 %r2, %ctaid.x;\n    mov.u32 %r3, %ntid.x;\n"
    "    mov.u32 %r4, %tid.x;\n    mad.lo.s32 %r5, %r2, %r3, %r4;\n"
    "    setp.ge.s32 %p1, %r5, %r1;\n    @%p1 bra LBB0_2;\n"
    "    ld.param.u64 %rd4, [vector_add_param_0];\n"
    "    ld.param.u64 %rd5, [vector_add_param_2];\n"
    "    cvta.to.global.u64 %rd6, %rd5;\n"
    "    ld.param.u64 %rd7, [vector_add_param_1];\n"
    "    cvta.to.global.u64 %rd8, %rd7;\n"
    "    cvta.to.global.u64 %rd9, %rd4;\n"
    "    mul.wide.s32 %rd10, %r5, 4;\n    add.s64 %rd1, %rd6, %rd10;\n"
    "    add.s64 %rd2, %rd8, %rd10;\n    add.s64 %rd3, %rd9, %rd10;\n"
    "    ld.global.f32 %f1, [%rd3];\n    ld.global.f32 %f2, [%rd2];\n"
    "    add.f32 %f3, %f1, %f2;\n    st.global.f32 [%rd1], %f3;\n"
    "LBB0_2:\n    ret;\n}\n";

/* A __device__ and a __constant__ variable, and a kernel using both. */
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

/* ---- before any device ---- */

static void fd_init_none(void)
{
    fd_init(0);
}

static void test_not_initialised(void)
{
    CUdeviceptr d;
    CUcontext c;
    CUmodule m;
    CUstream s;
    int v = 0;
    const char *str = NULL;

    IS(cuMemAlloc(&d, 64), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuCtxCreate_v2(&c, 0, 0), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuCtxGetCurrent(&c), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuDeviceGetCount(&v), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuModuleLoadData(&m, vector_add_ptx), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuStreamCreate(&s, 0), CUDA_ERROR_NOT_INITIALIZED);
    IS(cuLaunchKernel(NULL, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL),
       CUDA_ERROR_NOT_INITIALIZED);
    /* these work without cuInit */
    OK(cuDriverGetVersion(&v));
    CU_ASSERT(v >= 12000);
    OK(cuGetErrorName(CUDA_ERROR_INVALID_VALUE, &str));
    OK(cuGravitonGetLastMessage(&str));
    CU_ASSERT(str && strstr(str, "before cuInit"));
    IS(cuInit(0), CUDA_ERROR_NO_DEVICE);
    IS(cuMemAlloc(&d, 64), CUDA_ERROR_NOT_INITIALIZED);
}

/* ---- on the test bench ---- */

static void setup_bench(void)
{
    fd_init(1);
}

static void teardown_bench(void)
{
    CUcontext c = NULL;

    /* nothing may be left current for the next test */
    while (cuCtxPopCurrent(&c) == CUDA_SUCCESS) {
    }
    unsetenv("GRAVITON_SECURE");
    unsetenv("GRAVITON_CA");
    fd_fini();
}

static void test_init_and_devices(void)
{
    CUdevice dev = -1;
    char name[64];
    size_t mem = 0;
    int n = 0, v = 0, bad = 0;

    IS(cuInit(2), CUDA_ERROR_INVALID_VALUE);
    OK(cuInit(0));
    OK(cuInit(0));
    OK(cuDeviceGetCount(&n));
    CU_ASSERT_EQUAL(n, 1);
    IS(cuDeviceGetCount(NULL), CUDA_ERROR_INVALID_VALUE);
    OK(cuDeviceGet(&dev, 0));
    CU_ASSERT_EQUAL(dev, 0);
    IS(cuDeviceGet(&dev, 1), CUDA_ERROR_INVALID_DEVICE);
    IS(cuDeviceGet(&dev, -1), CUDA_ERROR_INVALID_DEVICE);
    IS(cuDeviceGet(NULL, 0), CUDA_ERROR_INVALID_VALUE);
    OK(cuDeviceGetName(name, sizeof(name), 0));
    CU_ASSERT(strstr(name, "Graviton") != NULL);
    IS(cuDeviceGetName(name, 0, 0), CUDA_ERROR_INVALID_VALUE);
    IS(cuDeviceGetName(name, sizeof(name), 3), CUDA_ERROR_INVALID_DEVICE);
    OK(cuDeviceTotalMem(&mem, 0));
    CU_ASSERT_EQUAL(mem, 256u << 20);
    for (int a = 1; a < CU_DEVICE_ATTRIBUTE_MAX; a++) {
        bad += cuDeviceGetAttribute(&v, (CUdevice_attribute)a, 0) !=
               CUDA_SUCCESS;
    }
    CU_ASSERT_EQUAL(bad, 0);
    OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0));
    CU_ASSERT_EQUAL(v, 32);
    OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
                            0));
    CU_ASSERT_EQUAL(v, 1024);
    /* read by a kernel: the engine's SMs */
    OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 0));
    CU_ASSERT(v >= 1);
    OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                            0));
    CU_ASSERT_EQUAL(v, 7);
    IS(cuDeviceGetAttribute(&v, (CUdevice_attribute)0, 0),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX, 0),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuDeviceGetAttribute(NULL, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 0),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, 9),
       CUDA_ERROR_INVALID_DEVICE);
    OK(cuDeviceCanAccessPeer(&v, 0, 0));
    CU_ASSERT_EQUAL(v, 0);
    IS(cuDeviceCanAccessPeer(NULL, 0, 0), CUDA_ERROR_INVALID_VALUE);
}

static void test_contexts(void)
{
    CUexecAffinityParam aff = { CU_EXEC_AFFINITY_TYPE_SM_COUNT, { { 1 } } };
    CUctxCreateParams params = { &aff, 1, NULL };
    CUcontext a, b, c, cur;
    CUdeviceptr d;

    OK(cuInit(0));
    IS(cuCtxCreate_v2(NULL, 0, 0), CUDA_ERROR_INVALID_VALUE);
    IS(cuCtxCreate_v2(&a, 0x100, 0), CUDA_ERROR_INVALID_VALUE);
    IS(cuCtxCreate_v2(&a, 0, 5), CUDA_ERROR_INVALID_DEVICE);
    IS(cuCtxCreate_v4(&a, &params, 0, 0), CUDA_ERROR_NOT_SUPPORTED);
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_NULL(cur);
    IS(cuCtxSynchronize(), CUDA_ERROR_INVALID_CONTEXT);
    IS(cuCtxPopCurrent(&cur), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuCtxCreate_v2(&a, CU_CTX_SCHED_AUTO, 0));
    OK(cuCtxCreate_v4(&b, NULL, 0, 0));
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, b);
    OK(cuCtxPopCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, b);
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, a);
    OK(cuCtxPushCurrent(b));
    OK(cuCtxSetCurrent(a));         /* replaces the top */
    OK(cuCtxPopCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, a);
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, a);
    OK(cuCtxSynchronize());
    /* made-up handles */
    IS(cuCtxPushCurrent((CUcontext)&d), CUDA_ERROR_INVALID_CONTEXT);
    IS(cuCtxPushCurrent(NULL), CUDA_ERROR_INVALID_CONTEXT);
    IS(cuCtxDestroy((CUcontext)&d), CUDA_ERROR_INVALID_CONTEXT);
    /* b destroyed while a is current: a stays */
    OK(cuCtxDestroy(b));
    IS(cuCtxDestroy(b), CUDA_ERROR_INVALID_CONTEXT);
    IS(cuCtxPushCurrent(b), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuMemAlloc(&d, 64));
    OK(cuMemFree(d));
    /* c current twice on the stack, destroyed: popped once, the other
     * entry reads as destroyed */
    OK(cuCtxCreate_v2(&c, 0, 0));
    OK(cuCtxPushCurrent(c));
    OK(cuCtxDestroy(c));
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, c);
    IS(cuMemAlloc(&d, 64), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    IS(cuCtxSynchronize(), CUDA_ERROR_CONTEXT_IS_DESTROYED);
    OK(cuCtxPopCurrent(&cur));
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_EQUAL(cur, a);
    OK(cuCtxSetCurrent(NULL));
    OK(cuCtxGetCurrent(&cur));
    CU_ASSERT_PTR_NULL(cur);
    IS(cuMemAlloc(&d, 64), CUDA_ERROR_INVALID_CONTEXT);
    OK(cuCtxDestroy(a));
    IS(cuCtxGetCurrent(NULL), CUDA_ERROR_INVALID_VALUE);
}

static void test_memory(void)
{
    uint8_t in[10000], out[10000];
    CUdeviceptr d, e;
    size_t fr = 0, tot = 0;
    CUcontext c;
    uint32_t w[4];

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c, 0, 0));
    IS(cuMemAlloc(NULL, 64), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemAlloc(&d, 0), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemAlloc(&d, sizeof(in)));
    OK(cuMemAlloc(&e, sizeof(in)));
    OK(cuMemGetInfo(&fr, &tot));
    CU_ASSERT_EQUAL(tot, 256u << 20);
    CU_ASSERT(fr < tot);
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 7 + 1);
    }
    OK(cuMemcpyHtoD(d, in, sizeof(in)));
    OK(cuMemcpyDtoD(e, d, sizeof(in)));
    memset(out, 0, sizeof(out));
    OK(cuMemcpyDtoH(out, e, sizeof(out)));
    CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
    {
        unsigned long long us = 1;

        /* a normal context seals nothing */
        OK(cuGravitonCtxGetCopyCryptoTime(&us));
        CU_ASSERT_EQUAL(us, 0);
    }
    /* fills: a pattern, then an odd piece inside it */
    OK(cuMemsetD32(d, 0xa1b2c3d4u, sizeof(in) / 4));
    OK(cuMemsetD8(d + 5, 0x5a, 9));
    OK(cuMemcpyDtoH(out, d, sizeof(out)));
    memcpy(w, out, 16);
    CU_ASSERT_EQUAL(w[0], 0xa1b2c3d4u);
    CU_ASSERT_EQUAL(out[4], 0xd4);
    CU_ASSERT(out[5] == 0x5a && out[13] == 0x5a && out[14] == 0xb2);
    memcpy(w, out + sizeof(out) - 16, 16);
    CU_ASSERT_EQUAL(w[3], 0xa1b2c3d4u);
    OK(cuMemsetD8(e, 0, 0));
    IS(cuMemsetD32(d + 1, 0, 1), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemsetD32(d, 0, sizeof(in)), CUDA_ERROR_INVALID_VALUE);
    /* out of bounds, foreign, NULL */
    IS(cuMemcpyHtoD(d, in, sizeof(in) + 1), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyDtoH(out, d + 9999, 2), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyDtoD(e, d - 1, 8), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyHtoD(0x1000, in, 8), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyHtoD(d, NULL, 8), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyDtoH(NULL, d, 8), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemcpyHtoD(d, NULL, 0));
    IS(cuMemFree(d + 8), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemFree(0), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemFree(d));
    IS(cuMemFree(d), CUDA_ERROR_INVALID_VALUE);
    IS(cuMemcpyHtoD(d, in, 8), CUDA_ERROR_INVALID_VALUE);
    OK(cuMemFree(e));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    OK(cuCtxDestroy(c));
}

static float ha[3000], hb[3000], hc[3000];

static void fill_inputs(void)
{
    for (int i = 0; i < 3000; i++) {
        ha[i] = (float)i;
        hb[i] = 0.5f * (float)i + 1;
    }
}

static int wrong_sums(void)
{
    int bad = 0;

    for (int i = 0; i < 3000; i++) {
        bad += hc[i] != ha[i] + hb[i];
    }
    return bad;
}

/* vector add of 3000 floats, parameters by pointer array */
static void vector_add(CUfunction f, CUstream s)
{
    CUdeviceptr a, b, c;
    int n = 3000;
    void *args[] = { &a, &b, &c, &n };

    OK(cuMemAlloc(&a, sizeof(ha)));
    OK(cuMemAlloc(&b, sizeof(hb)));
    OK(cuMemAlloc(&c, sizeof(hc)));
    OK(cuMemcpyHtoDAsync(a, ha, sizeof(ha), s));
    OK(cuMemcpyHtoDAsync(b, hb, sizeof(hb), s));
    OK(cuLaunchKernel(f, 12, 1, 1, 256, 1, 1, 0, s, args, NULL));
    memset(hc, 0, sizeof(hc));
    OK(cuMemcpyDtoHAsync(hc, c, sizeof(hc), s));
    OK(cuStreamSynchronize(s));
    CU_ASSERT_EQUAL(wrong_sums(), 0);
    OK(cuMemFree(a));
    OK(cuMemFree(b));
    OK(cuMemFree(c));
}

static void test_modules(void)
{
    static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
    static const uint8_t fatbin[] = { 0x50, 0xed, 0x55, 0xba, 1, 0, 0, 0 };
    char log[256] = "";
    CUjit_option opts[] = { CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
    void *vals[] = { log, (void *)(uintptr_t)sizeof(log) };
    const char *msg = NULL;
    CUdeviceptr d;
    size_t bytes = 0;
    uint32_t v = 0;
    CUmodule m, g;
    CUfunction f, f2;
    CUcontext c;
    char path[] = "/tmp/gvcuda-test-XXXXXX";
    int fd, attr = 0;

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c, 0, 0));
    IS(cuModuleLoadData(&m, elf), CUDA_ERROR_NO_BINARY_FOR_GPU);
    OK(cuGravitonGetLastMessage(&msg));
    CU_ASSERT(msg && strstr(msg, "ELF cubin") && strstr(msg, "PTX"));
    IS(cuModuleLoadData(&m, fatbin), CUDA_ERROR_NO_BINARY_FOR_GPU);
    IS(cuModuleLoadDataEx(&m, ".version 7.0\n.target sm_70\nnonsense\n", 2,
                          opts, vals), CUDA_ERROR_INVALID_PTX);
    CU_ASSERT(strstr(log, "line") != NULL);
    CU_ASSERT_EQUAL((uintptr_t)vals[1], strlen(log) + 1);
    IS(cuModuleLoadData(NULL, vector_add_ptx), CUDA_ERROR_INVALID_VALUE);
    IS(cuModuleLoadData(&m, NULL), CUDA_ERROR_INVALID_VALUE);
    IS(cuModuleLoad(&m, "/nonexistent/x.ptx"), CUDA_ERROR_FILE_NOT_FOUND);
    /* from a file */
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT(write(fd, vector_add_ptx, strlen(vector_add_ptx)) ==
              (ssize_t)strlen(vector_add_ptx));
    close(fd);
    OK(cuModuleLoad(&m, path));
    unlink(path);
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    OK(cuModuleGetFunction(&f2, m, "vector_add"));
    CU_ASSERT_PTR_EQUAL(f, f2);
    IS(cuModuleGetFunction(&f, m, "vector_sub"), CUDA_ERROR_NOT_FOUND);
    IS(cuModuleGetFunction(&f, (CUmodule)&d, "vector_add"),
       CUDA_ERROR_INVALID_HANDLE);
    IS(cuModuleGetFunction(NULL, m, "vector_add"), CUDA_ERROR_INVALID_VALUE);
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    OK(cuFuncGetAttribute(&attr, CU_FUNC_ATTRIBUTE_NUM_REGS, f));
    CU_ASSERT(attr > 0);
    OK(cuFuncGetAttribute(&attr, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f));
    CU_ASSERT_EQUAL(attr, 1024);
    fill_inputs();
    vector_add(f, NULL);
    /* globals */
    OK(cuModuleLoadData(&g, globals_ptx));
    OK(cuModuleGetGlobal(&d, &bytes, g, "counter"));
    CU_ASSERT_EQUAL(bytes, 4);
    OK(cuMemcpyDtoH(&v, d, 4));
    CU_ASSERT_EQUAL(v, 5);
    OK(cuModuleGetFunction(&f2, g, "bump"));
    OK(cuLaunchKernel(f2, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
    OK(cuMemcpyDtoH(&v, d, 4));
    CU_ASSERT_EQUAL(v, 12);
    OK(cuModuleGetGlobal(&d, NULL, g, "step"));
    OK(cuMemcpyDtoH(&v, d, 4));
    CU_ASSERT_EQUAL(v, 7);
    IS(cuModuleGetGlobal(&d, &bytes, g, "none"), CUDA_ERROR_NOT_FOUND);
    IS(cuMemFree(d), CUDA_ERROR_INVALID_VALUE);  /* the module's memory */
    /* unloaded: the module and its functions are gone */
    OK(cuModuleUnload(g));
    IS(cuModuleUnload(g), CUDA_ERROR_INVALID_HANDLE);
    IS(cuLaunchKernel(f2, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL),
       CUDA_ERROR_INVALID_HANDLE);
    IS(cuModuleGetGlobal(&d, &bytes, g, "counter"), CUDA_ERROR_INVALID_HANDLE);
    OK(cuModuleUnload(m));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    OK(cuCtxDestroy(c));
}

static void test_launches(void)
{
    CUdeviceptr a, b, cc;
    CUcontext c, c2;
    CUmodule m, m2;
    CUfunction f, f2;
    int n = 3000, grid = 0, block = 0;
    void *args[] = { &a, &b, &cc, &n };
    void *nullargs[] = { &a, NULL, &cc, &n };
    unsigned char pbuf[32];
    size_t psize = 28;
    void *extra[] = { CU_LAUNCH_PARAM_BUFFER_POINTER, pbuf,
                      CU_LAUNCH_PARAM_BUFFER_SIZE, &psize,
                      CU_LAUNCH_PARAM_END };
    void *bad_extra[] = { (void *)7, pbuf, CU_LAUNCH_PARAM_END };

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c, 0, 0));
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    OK(cuMemAlloc(&a, sizeof(ha)));
    OK(cuMemAlloc(&b, sizeof(hb)));
    OK(cuMemAlloc(&cc, sizeof(hc)));
    fill_inputs();
    OK(cuMemcpyHtoD(a, ha, sizeof(ha)));
    OK(cuMemcpyHtoD(b, hb, sizeof(hb)));
    memcpy(pbuf, &a, 8);
    memcpy(pbuf + 8, &b, 8);
    memcpy(pbuf + 16, &cc, 8);
    memcpy(pbuf + 24, &n, 4);
    OK(cuLaunchKernel(f, 12, 1, 1, 256, 1, 1, 0, NULL, NULL, extra));
    OK(cuMemcpyDtoH(hc, cc, sizeof(hc)));
    CU_ASSERT_EQUAL(wrong_sums(), 0);
    /* shapes */
    IS(cuLaunchKernel(f, 1, 1, 1, 1025, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 32, 2, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 1, 1, 65, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 0, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 65536, 1, 32, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 49153, NULL, args, NULL),
       CUDA_ERROR_INVALID_VALUE);
    /* parameters */
    psize = 32;
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, extra),
       CUDA_ERROR_INVALID_VALUE);       /* too many */
    psize = 20;
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, extra),
       CUDA_ERROR_INVALID_VALUE);       /* too few */
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, bad_extra),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, args, extra),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, nullargs, NULL),
       CUDA_ERROR_INVALID_VALUE);
    /* handles */
    IS(cuLaunchKernel(NULL, 1, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_HANDLE);
    IS(cuLaunchKernel((CUfunction)args, 1, 1, 1, 32, 1, 1, 0, NULL, args,
                      NULL), CUDA_ERROR_INVALID_HANDLE);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, (CUstream)args, args, NULL),
       CUDA_ERROR_INVALID_HANDLE);
    /* occupancy */
    OK(cuOccupancyMaxPotentialBlockSize(&grid, &block, f, NULL, 0, 0));
    CU_ASSERT(block == 1024 && grid >= 1);
    OK(cuOccupancyMaxPotentialBlockSize(&grid, &block, f, NULL, 0, 100));
    CU_ASSERT_EQUAL(block, 96);
    IS(cuOccupancyMaxPotentialBlockSize(&grid, &block, f, NULL, 1 << 20, 0),
       CUDA_ERROR_INVALID_VALUE);
    IS(cuOccupancyMaxPotentialBlockSize(NULL, &block, f, NULL, 0, 0),
       CUDA_ERROR_INVALID_VALUE);
    /* another context's function */
    OK(cuCtxCreate_v2(&c2, 0, 0));
    OK(cuModuleLoadData(&m2, vector_add_ptx));
    OK(cuModuleGetFunction(&f2, m2, "vector_add"));
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_INVALID_HANDLE);
    IS(cuMemFree(a), CUDA_ERROR_INVALID_VALUE);
    OK(cuCtxDestroy(c2));
    IS(cuModuleUnload(m2), CUDA_ERROR_INVALID_HANDLE);
    IS(cuFuncGetAttribute(&n, CU_FUNC_ATTRIBUTE_NUM_REGS, f2),
       CUDA_ERROR_INVALID_HANDLE);
    OK(cuCtxDestroy(c));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
}

/*
 * Regression (issue 10: launch errors were not sticky): a launch that
 * faults makes its context unusable, as in NVIDIA's driver.  The call
 * that sees the fault returns CUDA_ERROR_ILLEGAL_ADDRESS, so does every
 * later call of that context, cuCtxDestroy works, and another context is
 * not affected.
 */
static void test_sticky_fault(void)
{
    CUdeviceptr a, a2, d, bad = 0x6000000000ull;
    CUcontext c, c2, popped = NULL;
    CUmodule m, m2;
    CUfunction f, f2;
    int n = 32;
    float out[32];
    void *bargs[] = { &bad, &bad, &bad, &n };
    void *args[] = { &a, &a, &a, &n };
    void *args2[] = { &a2, &a2, &a2, &n };
    CUresult r;

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c2, 0, 0));
    OK(cuModuleLoadData(&m2, vector_add_ptx));
    OK(cuModuleGetFunction(&f2, m2, "vector_add"));
    OK(cuMemAlloc(&a2, sizeof(out)));
    OK(cuCtxCreate_v2(&c, 0, 0));       /* current: c, then c2 */
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    OK(cuMemAlloc(&a, sizeof(out)));
    /* reported by the launch or the next synchronisation */
    r = cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, bargs, NULL);
    IS(r == CUDA_SUCCESS ? cuCtxSynchronize() : r,
       CUDA_ERROR_ILLEGAL_ADDRESS);
    /* and by everything after it */
    IS(cuCtxSynchronize(), CUDA_ERROR_ILLEGAL_ADDRESS);
    IS(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, args, NULL),
       CUDA_ERROR_ILLEGAL_ADDRESS);
    IS(cuMemAlloc(&d, 4096), CUDA_ERROR_ILLEGAL_ADDRESS);
    IS(cuMemcpyHtoD(a, out, sizeof(out)), CUDA_ERROR_ILLEGAL_ADDRESS);
    IS(cuModuleGetFunction(&f, m, "vector_add"), CUDA_ERROR_ILLEGAL_ADDRESS);
    /* the other context works */
    OK(cuCtxPopCurrent(&popped));
    CU_ASSERT_EQUAL(popped, c);
    for (int i = 0; i < 32; i++) {
        out[i] = (float)i;
    }
    OK(cuMemcpyHtoD(a2, out, sizeof(out)));
    OK(cuLaunchKernel(f2, 1, 1, 1, 32, 1, 1, 0, NULL, args2, NULL));
    OK(cuMemcpyDtoH(out, a2, sizeof(out)));
    CU_ASSERT_EQUAL(out[31], 62.0f);
    /* destroying the failed one works, and frees everything */
    OK(cuCtxDestroy(c));
    OK(cuCtxDestroy(c2));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
}

/*
 * With the device-time model on, cuEventElapsedTime reports the modelled
 * device time between two events (docs/devtime.md): for one launch, what
 * the profile says of its lane instructions; GRAVITON_EVENT_CLOCK=host
 * gives the host's clock instead.
 */
static void test_device_time(void)
{
    const struct gv_devtime_profile *p = gv_devtime_profile("titan-black");
    CUdeviceptr a;
    CUcontext c;
    CUmodule m;
    CUfunction f;
    CUevent e0, e1;
    int n = 3000;
    void *args[] = { &a, &a, &a, &n };
    uint64_t i0, i1;
    float ms = -1, want;

    fd_fini();
    td_timing = "titan-black";
    fd_init(1);
    td_timing = NULL;
    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c, 0, 0));
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    OK(cuMemAlloc(&a, n * sizeof(float)));
    OK(cuEventCreate(&e0, 0));
    OK(cuEventCreate(&e1, 0));
    OK(cuCtxSynchronize());
    i0 = gv_dev_compute_lane_insns(fd_td()->dev);
    OK(cuEventRecord(e0, NULL));
    OK(cuLaunchKernel(f, 12, 1, 1, 256, 1, 1, 0, NULL, args, NULL));
    OK(cuEventRecord(e1, NULL));
    OK(cuEventSynchronize(e1));
    i1 = gv_dev_compute_lane_insns(fd_td()->dev);
    OK(cuEventElapsedTime(&ms, e0, e1));
    /* the launch alone: recording an event submits nothing */
    want = (float)((p->cmd_ns + p->launch_ns + (double)(i1 - i0) /
                    (p->sms * p->lanes * p->clock_ghz * p->ipc)) / 1e6);
    CU_ASSERT(i1 > i0);
    CU_ASSERT_DOUBLE_EQUAL(ms, want, 1e-5);
    setenv("GRAVITON_EVENT_CLOCK", "host", 1);
    OK(cuEventElapsedTime(&ms, e0, e1));
    unsetenv("GRAVITON_EVENT_CLOCK");
    CU_ASSERT(ms >= 0 && ms != want);
    OK(cuEventDestroy(e0));
    OK(cuEventDestroy(e1));
    OK(cuCtxDestroy(c));
}

static void test_streams_events(void)
{
    CUstream s1, s2;
    CUevent e0, e1, e2;
    CUcontext c;
    CUmodule m;
    CUfunction f;
    float ms = -1;

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&c, 0, 0));
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    IS(cuStreamCreate(NULL, 0), CUDA_ERROR_INVALID_VALUE);
    IS(cuStreamCreate(&s1, 4), CUDA_ERROR_INVALID_VALUE);
    OK(cuStreamCreate(&s1, 0));
    OK(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
    OK(cuEventCreate(&e0, CU_EVENT_DEFAULT));
    OK(cuEventCreate(&e1, CU_EVENT_BLOCKING_SYNC));
    OK(cuEventCreate(&e2, CU_EVENT_DISABLE_TIMING));
    IS(cuEventCreate(NULL, 0), CUDA_ERROR_INVALID_VALUE);
    IS(cuEventElapsedTime(&ms, e0, e1), CUDA_ERROR_INVALID_HANDLE);
    OK(cuEventQuery(e0));               /* never recorded: complete */
    fill_inputs();
    OK(cuEventRecord(e0, s1));
    vector_add(f, s1);
    OK(cuEventRecord(e1, s1));
    OK(cuEventRecord(e2, s1));
    OK(cuEventSynchronize(e1));
    OK(cuEventElapsedTime(&ms, e0, e1));
    CU_ASSERT(ms >= 0);
    /* Regression: events seen complete at once get one stamp.  They were
     * stamped one by one, newest first, and in the guest an elapsed time
     * came out negative.  Here e0 is recorded behind a launch no wait has
     * seen, and both complete at e1's synchronisation. */
    {
        CUdeviceptr d;
        int n = 3000;
        void *args[] = { &d, &d, &d, &n };

        OK(cuMemAlloc(&d, n * sizeof(float)));
        OK(cuLaunchKernel(f, 12, 1, 1, 256, 1, 1, 0, s1, args, NULL));
        OK(cuEventRecord(e0, s1));
        OK(cuLaunchKernel(f, 12, 1, 1, 256, 1, 1, 0, s1, args, NULL));
        OK(cuEventRecord(e1, s1));
        OK(cuEventSynchronize(e1));
        OK(cuEventElapsedTime(&ms, e0, e1));
        CU_ASSERT(ms >= 0);
        OK(cuMemFree(d));
    }
    OK(cuEventElapsedTime_v2(&ms, e0, e1));
    IS(cuEventElapsedTime(&ms, e0, e2), CUDA_ERROR_INVALID_HANDLE);
    IS(cuEventElapsedTime(NULL, e0, e1), CUDA_ERROR_INVALID_VALUE);
    vector_add(f, s2);
    vector_add(f, CU_STREAM_LEGACY);
    vector_add(f, CU_STREAM_PER_THREAD);
    OK(cuStreamWaitEvent(s2, e1, 0));
    OK(cuStreamWaitEvent(NULL, e1, 0));
    IS(cuStreamWaitEvent(s2, e1, 8), CUDA_ERROR_INVALID_VALUE);
    IS(cuStreamWaitEvent(s2, (CUevent)&ms, 0), CUDA_ERROR_INVALID_HANDLE);
    OK(cuStreamQuery(s1));
    OK(cuStreamQuery(NULL));
    OK(cuStreamSynchronize(NULL));
    IS(cuStreamSynchronize((CUstream)&ms), CUDA_ERROR_INVALID_HANDLE);
    IS(cuStreamDestroy(NULL), CUDA_ERROR_INVALID_HANDLE);
    OK(cuStreamDestroy(s1));
    IS(cuStreamDestroy(s1), CUDA_ERROR_INVALID_HANDLE);
    IS(cuStreamQuery(s1), CUDA_ERROR_INVALID_HANDLE);
    IS(cuEventRecord(e0, s1), CUDA_ERROR_INVALID_HANDLE);
    OK(cuEventQuery(e1));               /* its stream is gone: complete */
    OK(cuEventDestroy(e0));
    IS(cuEventDestroy(e0), CUDA_ERROR_INVALID_HANDLE);
    IS(cuEventQuery(e0), CUDA_ERROR_INVALID_HANDLE);
    OK(cuEventDestroy(e1));
    OK(cuEventDestroy(e2));
    OK(cuStreamDestroy(s2));
    OK(cuCtxDestroy(c));
}

/* ---- threads ---- */

static CUcontext shared;
static CUfunction shared_f;

static void *worker(void *arg)
{
    CUcontext cur = (CUcontext)1;
    CUdeviceptr d;
    int *fails = arg;

    *fails += cuCtxGetCurrent(&cur) != CUDA_SUCCESS || cur != NULL;
    *fails += cuMemAlloc(&d, 64) != CUDA_ERROR_INVALID_CONTEXT;
    *fails += cuCtxPushCurrent(shared) != CUDA_SUCCESS;
    for (int i = 0; i < 5; i++) {
        CUstream s;
        CUdeviceptr a, b, c;
        int n = 3000;
        void *args[] = { &a, &b, &c, &n };
        float out[3000];

        *fails += cuStreamCreate(&s, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS;
        *fails += cuMemAlloc(&a, sizeof(ha)) != CUDA_SUCCESS;
        *fails += cuMemAlloc(&b, sizeof(hb)) != CUDA_SUCCESS;
        *fails += cuMemAlloc(&c, sizeof(hc)) != CUDA_SUCCESS;
        *fails += cuMemcpyHtoDAsync(a, ha, sizeof(ha), s) != CUDA_SUCCESS;
        *fails += cuMemcpyHtoDAsync(b, hb, sizeof(hb), s) != CUDA_SUCCESS;
        *fails += cuLaunchKernel(shared_f, 12, 1, 1, 256, 1, 1, 0, s, args,
                                 NULL) != CUDA_SUCCESS;
        *fails += cuMemcpyDtoHAsync(out, c, sizeof(out), s) != CUDA_SUCCESS;
        *fails += cuStreamSynchronize(s) != CUDA_SUCCESS;
        for (int k = 0; k < 3000; k++) {
            *fails += out[k] != ha[k] + hb[k];
        }
        *fails += cuMemFree(a) + cuMemFree(b) + cuMemFree(c) != 0;
        *fails += cuStreamDestroy(s) != CUDA_SUCCESS;
    }
    *fails += cuCtxPopCurrent(&cur) != CUDA_SUCCESS || cur != shared;
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[3];
    int fails[3] = { 0 };
    CUmodule m;

    OK(cuInit(0));
    OK(cuCtxCreate_v2(&shared, 0, 0));
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&shared_f, m, "vector_add"));
    fill_inputs();
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_FATAL(pthread_create(&t[i], NULL, worker, &fails[i]) == 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        CU_ASSERT_EQUAL(fails[i], 0);
    }
    OK(cuCtxDestroy(shared));
}

/* ---- secure contexts ---- */

static const char *last_check(void)
{
    const char *s = NULL;

    cuGravitonGetLastCheck(&s);
    return s ? s : "";
}

static void test_secure_context(void)
{
    CUgravitonCopyScheme sch;
    CUdeviceptr d;
    const char *att = NULL;
    CUcontext c, n;
    CUmodule m;
    CUfunction f;
    CUstream s;
    int sec = -1;
    uint8_t buf[5000], out[5000];

    OK(cuInit(0));
    /* not secure: the paper's calls are refused */
    OK(cuCtxCreate_v2(&n, 0, 0));
    OK(cuGravitonCtxIsSecure(NULL, &sec));
    CU_ASSERT_EQUAL(sec, 0);
    IS(cudaSecureMalloc(&d, 64), CUDA_ERROR_NOT_PERMITTED);
    IS(cudaSecureStreamCreate(&s, 0), CUDA_ERROR_NOT_PERMITTED);
    IS(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_ENGINE_AES_GCM),
       CUDA_ERROR_NOT_PERMITTED);
    OK(cuGravitonCtxGetAttestation(NULL, &att));
    CU_ASSERT_STRING_EQUAL(att, "");
    OK(cuCtxDestroy(n));
    /* by the flag */
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuGravitonCtxIsSecure(c, &sec));
    CU_ASSERT_EQUAL(sec, 1);
    OK(cuGravitonCtxGetAttestation(c, &att));
    CU_ASSERT(strstr(att, "EK") && strstr(att, "quote"));
    OK(cuGravitonCtxGetCopyScheme(&sch));
    CU_ASSERT_EQUAL(sch, CU_GRAVITON_COPY_ENGINE_AES_GCM);
    IS(cuGravitonCtxSetCopyScheme((CUgravitonCopyScheme)9),
       CUDA_ERROR_INVALID_VALUE);
    OK(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_DEFAULT));
    /* measured module, secure memory, encrypted launches, secure stream */
    OK(cuModuleLoadData(&m, vector_add_ptx));
    OK(cuModuleGetFunction(&f, m, "vector_add"));
    fill_inputs();
    vector_add(f, NULL);
    OK(cudaSecureStreamCreate(&s, 0));
    vector_add(f, s);
    OK(cudaSecureMalloc(&d, sizeof(buf)));
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i ^ 0x3c);
    }
    OK(cudaSecureMemcpy((void *)(uintptr_t)d, buf, sizeof(buf),
                        cudaSecureMemcpyHostToDevice));
    OK(cudaSecureMemcpyDtoH(out, d, sizeof(out)));
    CU_ASSERT_EQUAL(memcmp(buf, out, sizeof(buf)), 0);
    OK(cudaSecureMemcpyHtoD(d, buf, 100));
    IS(cudaSecureMemcpy(out, buf, 8, (cudaSecureMemcpyKind)3),
       CUDA_ERROR_INVALID_VALUE);
    /* secure free: cleared by the runtime before its unmap MAC */
    OK(cudaSecureFree(d));
    CU_ASSERT_EQUAL(fd_freed_nonzero(), 0);
    OK(cuStreamDestroy(s));
    OK(cuModuleUnload(m));
    CU_ASSERT_EQUAL(fd_freed_nonzero(), 0);
    OK(cuCtxDestroy(c));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    /* by the environment, for an unmodified program */
    setenv("GRAVITON_SECURE", "1", 1);
    OK(cuCtxCreate_v4(&c, NULL, 0, 0));
    OK(cuGravitonCtxIsSecure(NULL, &sec));
    CU_ASSERT_EQUAL(sec, 1);
    setenv("GRAVITON_COPY_SCHEME", "nonsense", 1);
    IS(cuCtxCreate_v2(&n, 0, 0), CUDA_ERROR_INVALID_VALUE);
    setenv("GRAVITON_COPY_SCHEME", "engine-gcm", 1);
    OK(cuCtxCreate_v2(&n, 0, 0));
    OK(cuCtxDestroy(n));
    unsetenv("GRAVITON_COPY_SCHEME");
    OK(cuCtxDestroy(c));
}

/* The driver lies once; the call that relies on it fails with
 * CUDA_ERROR_NOT_PERMITTED and names the check; nothing is left behind. */
static void test_secure_checks(void)
{
    CUdeviceptr d;
    const char *msg = NULL;
    CUcontext c;
    CUmodule m;
    uint8_t buf[4096] = { 1, 2, 3 };

    OK(cuInit(0));
    fd_tamper(FD_TAMPER_QUOTE);
    IS(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0),
       CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT_STRING_EQUAL(last_check(), "quote signature");
    OK(cuGravitonGetLastMessage(&msg));
    CU_ASSERT(msg && strstr(msg, "cuCtxCreate") && strstr(msg, "quote"));

    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    fd_tamper(FD_TAMPER_SUMMARY);
    IS(cuMemAlloc(&d, 3 << 20), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT_STRING_EQUAL(last_check(), "summary MAC");
    /* the mapping was undone with the runtime's MACs */
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    OK(cuCtxDestroy(c));

    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    fd_tamper(FD_TAMPER_MEASURE);
    IS(cuModuleLoadData(&m, vector_add_ptx), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), CU_GRAVITON_CHECK_MEASUREMENT) != NULL);
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    /* the device's report counter has moved past the runtime's: the
     * context refuses every later report, and is only good to destroy */
    IS(cuMemAlloc(&d, sizeof(buf)), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), "counter") != NULL);
    OK(cuCtxDestroy(c));

    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuMemAlloc(&d, sizeof(buf)));
    fd_tamper(FD_TAMPER_COPY_IN);
    IS(cuMemcpyHtoD(d, buf, sizeof(buf)), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), CU_GRAVITON_CHECK_CIPHERTEXT) != NULL);
    OK(cuCtxDestroy(c));

    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuMemAlloc(&d, sizeof(buf)));
    OK(cuMemcpyHtoD(d, buf, sizeof(buf)));
    fd_tamper(FD_TAMPER_COPY_OUT);
    IS(cuMemcpyDtoH(buf, d, sizeof(buf)), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), CU_GRAVITON_CHECK_CIPHERTEXT) != NULL);
    CU_ASSERT(buf[0] == 0 && buf[1] == 0);      /* nothing unverified */
    /* a failure that is no check's: no check named */
    IS(cuMemAlloc(NULL, 8), CUDA_ERROR_INVALID_VALUE);
    CU_ASSERT_STRING_EQUAL(last_check(), "");
    OK(cuCtxDestroy(c));

    /* attack 21 on a secure stream: a mapping the runtime never saw */
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    {
        CUstream s;

        OK(cuMemAlloc(&d, sizeof(buf)));
        OK(cudaSecureStreamCreate(&s, 0));
        OK(cuMemcpyHtoDAsync(d, buf, sizeof(buf), s));
        fd_silent_map();
        IS(cuMemcpyDtoHAsync(buf, d, sizeof(buf), s),
           CUDA_ERROR_NOT_PERMITTED);
        CU_ASSERT(strstr(last_check(), "measurement counter") != NULL);
        /* the default stream's mappings are its own summaries' */
        OK(cuMemcpyDtoH(buf, d, sizeof(buf)));
    }
    OK(cuCtxDestroy(c));

    /* the CA given has no certificate for this AK in the driver */
    setenv("GRAVITON_CA", "/nonexistent/ca.crt", 1);
    IS(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0),
       CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), CU_GRAVITON_CHECK_CERTIFICATE) != NULL);
    unsetenv("GRAVITON_CA");
}

/* The paper's secure memcpy: AuthDec in, AuthEnc out, measured kernels. */
static void test_authdec(void)
{
    static uint8_t in[70001], out[70001];
    CUgravitonCopyScheme sch;
    CUdeviceptr d;
    CUcontext c;

    OK(cuInit(0));
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 13 + 5);
    }
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    IS(cuGravitonCtxSetCopyScheme((CUgravitonCopyScheme)4),
       CUDA_ERROR_INVALID_VALUE);
    OK(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_AUTHDEC_AES_GCM));
    OK(cuGravitonCtxGetCopyScheme(&sch));
    CU_ASSERT_EQUAL(sch, CU_GRAVITON_COPY_AUTHDEC_AES_GCM);
    OK(cuMemAlloc(&d, sizeof(in) + 64));
    /* aligned, then not (through the kernels' scratch) */
    OK(cuMemcpyHtoD(d, in, sizeof(in)));
    memset(out, 0, sizeof(out));
    OK(cuMemcpyDtoH(out, d, sizeof(out)));
    CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
    OK(cudaSecureMemcpyHtoD(d + 3, in, 1000));
    memset(out, 0, sizeof(out));
    OK(cudaSecureMemcpyDtoH(out, d + 3, 1000));
    CU_ASSERT_EQUAL(memcmp(in, out, 1000), 0);
    OK(cuMemcpyDtoH(out, d, 3));
    CU_ASSERT_EQUAL(memcmp(in, out, 3), 0);
    /* the kernels' memory is not the program's */
    IS(cuMemFree(d + (1 << 20)), CUDA_ERROR_INVALID_VALUE);
    /* the ciphertext changed on its way in: the AuthDec kernel refuses */
    fd_tamper(FD_TAMPER_COPY_IN);
    IS(cuMemcpyHtoD(d, in, 4096), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), "ciphertext tag") != NULL);
    /* on its way out (the 5th submit: 3 launches, the state, the data):
     * the runtime refuses */
    fd_tamper_nth(FD_TAMPER_COPY_OUT, 5);
    IS(cuMemcpyDtoH(out, d, 4096), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT(strstr(last_check(), "ciphertext tag") != NULL);
    /* back to the engine's scheme; its sealing is counted as host
     * crypto time, as the kernels' scheme's was */
    OK(cuGravitonCtxSetCopyScheme(CU_GRAVITON_COPY_ENGINE_AES_GCM));
    {
        unsigned long long t0 = 0, t1 = 0;
        static uint8_t big[1 << 20];

        OK(cuGravitonCtxGetCopyCryptoTime(&t0));
        CU_ASSERT(t0 > 0);
        IS(cuGravitonCtxGetCopyCryptoTime(NULL), CUDA_ERROR_INVALID_VALUE);
        OK(cuMemFree(d));
        OK(cuMemAlloc(&d, sizeof(big)));
        OK(cuMemcpyHtoD(d, big, sizeof(big)));
        OK(cuGravitonCtxGetCopyCryptoTime(&t1));
        CU_ASSERT(t1 > t0);
    }
    OK(cuMemcpyHtoD(d, in, 4096));
    OK(cuMemcpyDtoH(out, d, 4096));
    CU_ASSERT_EQUAL(memcmp(in, out, 4096), 0);
    OK(cuMemFree(d));
    OK(cuCtxDestroy(c));
    /* chosen by the environment: installed at creation */
    setenv("GRAVITON_COPY_SCHEME", "authdec-gcm", 1);
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuGravitonCtxGetCopyScheme(&sch));
    CU_ASSERT_EQUAL(sch, CU_GRAVITON_COPY_AUTHDEC_AES_GCM);
    OK(cudaSecureMalloc(&d, 100));
    OK(cudaSecureMemcpyHtoD(d, in, 100));
    OK(cudaSecureMemcpyDtoH(out, d, 100));
    CU_ASSERT_EQUAL(memcmp(in, out, 100), 0);
    OK(cudaSecureFree(d));
    unsetenv("GRAVITON_COPY_SCHEME");
    OK(cuCtxDestroy(c));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    CU_ASSERT_EQUAL(fd_freed_nonzero(), 0);
}

/* @n bytes at @d + @off in with scheme @in, out with scheme @out. */
static void kmac_round_trip(CUdeviceptr d, size_t off, const uint8_t *src,
                            uint8_t *dst, size_t n, CUgravitonCopyScheme in,
                            CUgravitonCopyScheme out)
{
    OK(cuGravitonCtxSetCopyScheme(in));
    OK(cuMemcpyHtoD(d + off, src, n));
    memset(dst, 0, n);
    OK(cuGravitonCtxSetCopyScheme(out));
    OK(cuMemcpyDtoH(dst, d + off, n));
    CU_ASSERT_EQUAL(memcmp(src, dst, n), 0);
}

/* The AES-KMAC scheme: AES-256-CTR + a KMAC256 tree, the same kernels'
 * way (kernels/kmac.cu); each direction checked against the engine's
 * scheme, so that neither leaves ciphertext behind. */
static void test_authdec_kmac(void)
{
    static const CUgravitonCopyScheme kmac = CU_GRAVITON_COPY_AUTHDEC_AES_KMAC,
                                      eng = CU_GRAVITON_COPY_ENGINE_AES_GCM;
    static const size_t sizes[] = { 1, 15, 16, 100, 8191, 8192, 8193,
                                    3 * 8192 + 77 };
    static const size_t offs[] = { 0, 3, 16, 4101 };
    static uint8_t in[3 * 8192 + 77 + 16], out[sizeof(in)];
    CUgravitonCopyScheme sch;
    CUdeviceptr d;
    CUcontext c;

    OK(cuInit(0));
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 29 + 7);
    }
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuGravitonCtxSetCopyScheme(kmac));
    OK(cuGravitonCtxGetCopyScheme(&sch));
    CU_ASSERT_EQUAL(sch, kmac);
    OK(cuMemAlloc(&d, sizeof(in) + 8192));
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t off = offs[i % 4];

        kmac_round_trip(d, off, in, out, sizes[i], kmac, kmac);
        kmac_round_trip(d, off + 1, in + i, out, sizes[i], kmac, eng);
        kmac_round_trip(d, off, in + 2 * i, out, sizes[i], eng, kmac);
    }
    OK(cuGravitonCtxSetCopyScheme(kmac));
    /* the ciphertext changed on its way in: the AuthDec kernel refuses */
    fd_tamper(FD_TAMPER_COPY_IN);
    IS(cuMemcpyHtoD(d, in, 4096), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT_STRING_EQUAL(last_check(),
                           "ciphertext tag (KMAC, checked by the AuthDec "
                           "kernel)");
    /* on its way out (the 5th submit: 3 launches, the state, the data):
     * the runtime refuses, and leaves nothing in the buffer */
    OK(cuMemcpyHtoD(d, in, 4096));
    memset(out, 0x5a, sizeof(out));
    fd_tamper_nth(FD_TAMPER_COPY_OUT, 5);
    IS(cuMemcpyDtoH(out, d, 4096), CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT_STRING_EQUAL(last_check(),
                           "ciphertext tag (KMAC, AuthEnc output, checked "
                           "by the runtime)");
    CU_ASSERT(out[0] == 0 && out[4095] == 0);
    /* and then it works again */
    kmac_round_trip(d, 0, in, out, 4096, kmac, kmac);
    OK(cuMemFree(d));
    OK(cuCtxDestroy(c));
    /* chosen by the environment: installed at creation */
    setenv("GRAVITON_COPY_SCHEME", "authdec-kmac", 1);
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuGravitonCtxGetCopyScheme(&sch));
    CU_ASSERT_EQUAL(sch, kmac);
    OK(cudaSecureMalloc(&d, 100));
    OK(cudaSecureMemcpyHtoD(d, in, 100));
    OK(cudaSecureMemcpyDtoH(out, d, 100));
    CU_ASSERT_EQUAL(memcmp(in, out, 100), 0);
    OK(cudaSecureFree(d));
    unsetenv("GRAVITON_COPY_SCHEME");
    OK(cuCtxDestroy(c));
    CU_ASSERT_EQUAL(fd_allocations(), 0);
    CU_ASSERT_EQUAL(fd_freed_nonzero(), 0);
}

/* A CA of the test's own, its certificate for the device's AK in the
 * driver: the trust anchor GRAVITON_CA names. */
static void make_ca(const char *path, bool for_this_ak)
{
    uint8_t ca[GVC_X509_DER_MAX], cert[GVC_X509_DER_MAX];
    uint8_t ca_pub[GV_EC_PUB_LEN], ak_pub[GV_EC_PUB_LEN];
    size_t ca_len = sizeof(ca), cert_len = sizeof(cert);
    struct gvc_key *k = NULL, *other = NULL;

    CU_ASSERT_FATAL(gvc_key_generate(&k) == GVC_OK &&
                    gvc_key_pub(k, ca_pub) == GVC_OK);
    CU_ASSERT_FATAL(gvc_x509_issue(k, NULL, 0, ca_pub, "test CA", 1, 30,
                                   true, ca, &ca_len) == GVC_OK);
    td_read_bytes(fd_td()->dev, GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    if (!for_this_ak) {
        CU_ASSERT_FATAL(gvc_key_generate(&other) == GVC_OK &&
                        gvc_key_pub(other, ak_pub) == GVC_OK);
    }
    CU_ASSERT_FATAL(gvc_x509_issue(k, ca, ca_len, ak_pub, "gpu0 AK", 2, 30,
                                   false, cert, &cert_len) == GVC_OK);
    CU_ASSERT_FATAL(gvc_x509_save_pem(path, ca, ca_len) == GVC_OK);
    fd_set_ak_cert(cert, (uint32_t)cert_len);
    gvc_key_free(k);
    gvc_key_free(other);
}

static void test_trust_anchor(void)
{
    char path[] = "/tmp/gvcuda-ca-XXXXXX";
    const char *att = NULL;
    CUcontext c;
    int fd;

    OK(cuInit(0));
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    setenv("GRAVITON_CA", path, 1);
    make_ca(path, true);
    OK(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0));
    OK(cuGravitonCtxGetAttestation(c, &att));
    CU_ASSERT(strstr(att, "AK certificate verified under") != NULL);
    OK(cuCtxDestroy(c));
    /* the driver's certificate is for another AK */
    make_ca(path, false);
    IS(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0),
       CUDA_ERROR_NOT_PERMITTED);
    CU_ASSERT_STRING_EQUAL(last_check(), "AK certificate (for another AK)");
    /* the certificate is not the anchor's: another CA */
    make_ca(path, true);
    {
        char other[] = "/tmp/gvcuda-ca2-XXXXXX";

        fd = mkstemp(other);
        close(fd);
        make_ca(other, true);       /* the driver now has other's cert */
        IS(cuCtxCreate_v2(&c, CU_CTX_GRAVITON_SECURE, 0),
           CUDA_ERROR_NOT_PERMITTED);
        CU_ASSERT_STRING_EQUAL(last_check(), "AK certificate chain");
        unlink(other);
    }
    fd_set_ak_cert(NULL, 0);
    unlink(path);
    unsetenv("GRAVITON_CA");
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test none[] = {
        { "every call before cuInit; cuInit without a device",
          test_not_initialised },
        { NULL, NULL },
    };
    static const struct gv_cunit_test bench[] = {
        { "init, devices, every attribute", test_init_and_devices },
        { "contexts: both creations, the stack, destroyed contexts",
          test_contexts },
        { "memory: copies, fills, bounds, double and foreign frees",
          test_memory },
        { "modules: PTX, file, binaries refused, globals, unload",
          test_modules },
        { "launches: params, extra, shapes, occupancy",
          test_launches },
        { "a faulted launch: sticky, as NVIDIA's", test_sticky_fault },
        { "streams and events", test_streams_events },
        { "device time: cuEventElapsedTime by the model", test_device_time },
        { "one context, three threads", test_threads },
        { NULL, NULL },
    };
    static const struct gv_cunit_test secure[] = {
        { "secure contexts: flag, environment, the paper's calls",
          test_secure_context },
        { "each secure check names itself when the driver lies",
          test_secure_checks },
        { "the paper's secure memcpy (AuthDec/AuthEnc kernels)",
          test_authdec },
        { "the AES-KMAC secure memcpy (AES-CTR + KMAC256 kernels)",
          test_authdec_kmac },
        { "the trust anchor: an AK certificate chain to GRAVITON_CA",
          test_trust_anchor },
        { NULL, NULL },
    };

    if (gv_add_suite("gvcuda-no-device", fd_init_none, fd_fini, none) ||
        gv_add_suite("gvcuda", setup_bench, teardown_bench, bench)) {
        return -1;
    }
    return gv_add_suite("gvcuda-secure", setup_bench, teardown_bench,
                        secure);
}
