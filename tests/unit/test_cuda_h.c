/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our cuda.h against NVIDIA's driver API, without NVIDIA's header:
 *   - every call, under the name a program uses, has NVIDIA's exact type
 *     (checked at compile time, so nothing here links against libgvcuda),
 *     and the name maps to NVIDIA's ABI symbol (CUDA 13 here, CUDA 12 in
 *     test_cuda_h12.c);
 *   - cuGetErrorName and cuGetErrorString for every CUresult, unknown
 *     codes and NULL pointers;
 *   - the layout of the public structs and the values of the constants a
 *     program passes by value (LP64, as NVIDIA's header has them).
 * tests/unit/check_cuda_h.py compares the header with NVIDIA's text when
 * that is installed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "graviton_cuda.h"

#include "cunit_main.h"

/* test_cuda_h12.c: the same checks under GRAVITON_CUDA_VERSION 12080. */
void gv_cuda_h12_abi_names(void);

#define GV_STR(x) #x
#define GV_XSTR(x) GV_STR(x)

/*
 * @fn, as a program spells it, has exactly the type @ret (*)@params:
 * _Static_assert on the type, and an assignment to a pointer of that type
 * inside sizeof (checked by the compiler, never evaluated, so the symbol
 * is not referenced).
 */
#define GV_CHECK_CALL(fn, ret, params)                                      \
    do {                                                                    \
        ret(*gv_p_) params = NULL;                                          \
        _Static_assert(__builtin_types_compatible_p(__typeof__(&fn),        \
                                                    ret(*) params),         \
                       #fn " has NVIDIA's type");                           \
        (void)sizeof(gv_p_ = &fn);                                          \
        (void)gv_p_;                                                        \
    } while (0)

/* ---- the calls ---- */

static void test_call_types(void)
{
    GV_CHECK_CALL(cuGetErrorString, CUresult, (CUresult, const char **));
    GV_CHECK_CALL(cuGetErrorName, CUresult, (CUresult, const char **));
    GV_CHECK_CALL(cuInit, CUresult, (unsigned int));
    GV_CHECK_CALL(cuDriverGetVersion, CUresult, (int *));

    GV_CHECK_CALL(cuDeviceGet, CUresult, (CUdevice *, int));
    GV_CHECK_CALL(cuDeviceGetCount, CUresult, (int *));
    GV_CHECK_CALL(cuDeviceGetName, CUresult, (char *, int, CUdevice));
    GV_CHECK_CALL(cuDeviceTotalMem, CUresult, (size_t *, CUdevice));
    GV_CHECK_CALL(cuDeviceGetAttribute, CUresult,
                  (int *, CUdevice_attribute, CUdevice));
    GV_CHECK_CALL(cuDeviceCanAccessPeer, CUresult,
                  (int *, CUdevice, CUdevice));

    /* CUDA 13: the plain name is the 4-argument form */
    GV_CHECK_CALL(cuCtxCreate, CUresult,
                  (CUcontext *, CUctxCreateParams *, unsigned int, CUdevice));
    GV_CHECK_CALL(cuCtxCreate_v4, CUresult,
                  (CUcontext *, CUctxCreateParams *, unsigned int, CUdevice));
    GV_CHECK_CALL(cuCtxCreate_v2, CUresult,
                  (CUcontext *, unsigned int, CUdevice));
    GV_CHECK_CALL(cuCtxDestroy, CUresult, (CUcontext));
    GV_CHECK_CALL(cuCtxPushCurrent, CUresult, (CUcontext));
    GV_CHECK_CALL(cuCtxPopCurrent, CUresult, (CUcontext *));
    GV_CHECK_CALL(cuCtxSetCurrent, CUresult, (CUcontext));
    GV_CHECK_CALL(cuCtxGetCurrent, CUresult, (CUcontext *));
    GV_CHECK_CALL(cuCtxSynchronize, CUresult, (void));

    GV_CHECK_CALL(cuModuleLoad, CUresult, (CUmodule *, const char *));
    GV_CHECK_CALL(cuModuleLoadData, CUresult, (CUmodule *, const void *));
    GV_CHECK_CALL(cuModuleLoadDataEx, CUresult,
                  (CUmodule *, const void *, unsigned int, CUjit_option *,
                   void **));
    GV_CHECK_CALL(cuModuleGetFunction, CUresult,
                  (CUfunction *, CUmodule, const char *));
    GV_CHECK_CALL(cuModuleGetGlobal, CUresult,
                  (CUdeviceptr *, size_t *, CUmodule, const char *));
    GV_CHECK_CALL(cuModuleUnload, CUresult, (CUmodule));
    GV_CHECK_CALL(cuFuncGetAttribute, CUresult,
                  (int *, CUfunction_attribute, CUfunction));

    GV_CHECK_CALL(cuMemAlloc, CUresult, (CUdeviceptr *, size_t));
    GV_CHECK_CALL(cuMemFree, CUresult, (CUdeviceptr));
    GV_CHECK_CALL(cuMemGetInfo, CUresult, (size_t *, size_t *));
    GV_CHECK_CALL(cuMemcpyHtoD, CUresult,
                  (CUdeviceptr, const void *, size_t));
    GV_CHECK_CALL(cuMemcpyDtoH, CUresult, (void *, CUdeviceptr, size_t));
    GV_CHECK_CALL(cuMemcpyDtoD, CUresult,
                  (CUdeviceptr, CUdeviceptr, size_t));
    GV_CHECK_CALL(cuMemcpyHtoDAsync, CUresult,
                  (CUdeviceptr, const void *, size_t, CUstream));
    GV_CHECK_CALL(cuMemcpyDtoHAsync, CUresult,
                  (void *, CUdeviceptr, size_t, CUstream));
    GV_CHECK_CALL(cuMemcpyDtoDAsync, CUresult,
                  (CUdeviceptr, CUdeviceptr, size_t, CUstream));
    GV_CHECK_CALL(cuMemsetD8, CUresult, (CUdeviceptr, unsigned char, size_t));
    GV_CHECK_CALL(cuMemsetD32, CUresult, (CUdeviceptr, unsigned int, size_t));
    GV_CHECK_CALL(cuMemsetD8Async, CUresult,
                  (CUdeviceptr, unsigned char, size_t, CUstream));
    GV_CHECK_CALL(cuMemsetD32Async, CUresult,
                  (CUdeviceptr, unsigned int, size_t, CUstream));

    GV_CHECK_CALL(cuLaunchKernel, CUresult,
                  (CUfunction, unsigned int, unsigned int, unsigned int,
                   unsigned int, unsigned int, unsigned int, unsigned int,
                   CUstream, void **, void **));
    GV_CHECK_CALL(cuOccupancyMaxPotentialBlockSize, CUresult,
                  (int *, int *, CUfunction, CUoccupancyB2DSize, size_t,
                   int));

    GV_CHECK_CALL(cuStreamCreate, CUresult, (CUstream *, unsigned int));
    GV_CHECK_CALL(cuStreamDestroy, CUresult, (CUstream));
    GV_CHECK_CALL(cuStreamSynchronize, CUresult, (CUstream));
    GV_CHECK_CALL(cuStreamQuery, CUresult, (CUstream));
    GV_CHECK_CALL(cuStreamWaitEvent, CUresult,
                  (CUstream, CUevent, unsigned int));

    GV_CHECK_CALL(cuEventCreate, CUresult, (CUevent *, unsigned int));
    GV_CHECK_CALL(cuEventRecord, CUresult, (CUevent, CUstream));
    GV_CHECK_CALL(cuEventSynchronize, CUresult, (CUevent));
    GV_CHECK_CALL(cuEventQuery, CUresult, (CUevent));
    GV_CHECK_CALL(cuEventElapsedTime, CUresult, (float *, CUevent, CUevent));
    GV_CHECK_CALL(cuEventDestroy, CUresult, (CUevent));

    /* the callback type of the occupancy calculator */
    _Static_assert(__builtin_types_compatible_p(CUoccupancyB2DSize,
                                                size_t (*)(int)),
                   "CUoccupancyB2DSize");
    CU_PASS("every call has NVIDIA's type (checked when compiling)");
}

/* Our extensions: their types are a contract with libgvcuda too. */
static void test_graviton_call_types(void)
{
    GV_CHECK_CALL(cuGravitonCtxSetCopyScheme, CUresult,
                  (CUgravitonCopyScheme));
    GV_CHECK_CALL(cuGravitonCtxGetCopyScheme, CUresult,
                  (CUgravitonCopyScheme *));
    GV_CHECK_CALL(cuGravitonCtxIsSecure, CUresult, (CUcontext, int *));
    GV_CHECK_CALL(cuGravitonCtxGetAttestation, CUresult,
                  (CUcontext, const char **));
    GV_CHECK_CALL(cuGravitonGetLastCheck, CUresult, (const char **));
    GV_CHECK_CALL(cuGravitonGetLastMessage, CUresult, (const char **));
    GV_CHECK_CALL(cudaSecureMalloc, CUresult, (CUdeviceptr *, size_t));
    GV_CHECK_CALL(cudaSecureFree, CUresult, (CUdeviceptr));
    GV_CHECK_CALL(cudaSecureMemcpy, CUresult,
                  (void *, const void *, size_t, cudaSecureMemcpyKind));
    GV_CHECK_CALL(cudaSecureMemcpyHtoD, CUresult,
                  (CUdeviceptr, const void *, size_t));
    GV_CHECK_CALL(cudaSecureMemcpyDtoH, CUresult,
                  (void *, CUdeviceptr, size_t));
    GV_CHECK_CALL(cudaSecureKernelLaunch, CUresult,
                  (CUfunction, unsigned int, unsigned int, unsigned int,
                   unsigned int, unsigned int, unsigned int, unsigned int,
                   CUstream, void **, void **));
    GV_CHECK_CALL(cudaSecureStreamCreate, CUresult,
                  (CUstream *, unsigned int));
    CU_PASS("graviton_cuda.h's calls have their documented types");
}

/* The names programs use map to NVIDIA's ABI symbols (CUDA 13.0). */
static void test_abi_names(void)
{
    static const struct {
        const char *expanded, *abi;
    } names[] = {
        { GV_XSTR(cuDeviceTotalMem), "cuDeviceTotalMem_v2" },
        { GV_XSTR(cuCtxCreate), "cuCtxCreate_v4" },
        { GV_XSTR(cuCtxDestroy), "cuCtxDestroy_v2" },
        { GV_XSTR(cuCtxPushCurrent), "cuCtxPushCurrent_v2" },
        { GV_XSTR(cuCtxPopCurrent), "cuCtxPopCurrent_v2" },
        { GV_XSTR(cuModuleGetGlobal), "cuModuleGetGlobal_v2" },
        { GV_XSTR(cuMemGetInfo), "cuMemGetInfo_v2" },
        { GV_XSTR(cuMemAlloc), "cuMemAlloc_v2" },
        { GV_XSTR(cuMemFree), "cuMemFree_v2" },
        { GV_XSTR(cuMemcpyHtoD), "cuMemcpyHtoD_v2" },
        { GV_XSTR(cuMemcpyDtoH), "cuMemcpyDtoH_v2" },
        { GV_XSTR(cuMemcpyDtoD), "cuMemcpyDtoD_v2" },
        { GV_XSTR(cuMemcpyHtoDAsync), "cuMemcpyHtoDAsync_v2" },
        { GV_XSTR(cuMemcpyDtoHAsync), "cuMemcpyDtoHAsync_v2" },
        { GV_XSTR(cuMemcpyDtoDAsync), "cuMemcpyDtoDAsync_v2" },
        { GV_XSTR(cuMemsetD8), "cuMemsetD8_v2" },
        { GV_XSTR(cuMemsetD32), "cuMemsetD32_v2" },
        { GV_XSTR(cuMemsetD8Async), "cuMemsetD8Async" },
        { GV_XSTR(cuMemsetD32Async), "cuMemsetD32Async" },
        { GV_XSTR(cuStreamDestroy), "cuStreamDestroy_v2" },
        { GV_XSTR(cuStreamSynchronize), "cuStreamSynchronize" },
        { GV_XSTR(cuEventDestroy), "cuEventDestroy_v2" },
        { GV_XSTR(cuEventElapsedTime), "cuEventElapsedTime_v2" },
        { GV_XSTR(cuLaunchKernel), "cuLaunchKernel" },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        CU_ASSERT_STRING_EQUAL(names[i].expanded, names[i].abi);
    }
    gv_cuda_h12_abi_names();
}

/* The guard and version macros NVIDIA's header defines. */
static void test_guard_macros(void)
{
#ifndef __cuda_cuda_h__
    CU_FAIL("__cuda_cuda_h__ is not defined");
#endif
#ifndef CUDAAPI
    CU_FAIL("CUDAAPI is not defined");
#endif
#ifndef CUDA_CB
    CU_FAIL("CUDA_CB is not defined");
#endif
    CU_ASSERT_EQUAL(CUDA_VERSION, 13000);
    CU_ASSERT_EQUAL(GRAVITON_CUDA_VERSION, 13000);
    /* CUDAAPI and CUDA_CB are empty on Linux */
    CU_ASSERT_STRING_EQUAL(GV_XSTR(CUDAAPI x), "x");
    CU_ASSERT_STRING_EQUAL(GV_XSTR(CUDA_CB x), "x");
}

/* ---- results ---- */

#define GV_CODE(code, value) { code, value, #code }

static const struct {
    CUresult code;
    int value;
    const char *name;
} gv_codes[] = {
    GV_CODE(CUDA_SUCCESS, 0),
    GV_CODE(CUDA_ERROR_INVALID_VALUE, 1),
    GV_CODE(CUDA_ERROR_OUT_OF_MEMORY, 2),
    GV_CODE(CUDA_ERROR_NOT_INITIALIZED, 3),
    GV_CODE(CUDA_ERROR_DEINITIALIZED, 4),
    GV_CODE(CUDA_ERROR_PROFILER_DISABLED, 5),
    GV_CODE(CUDA_ERROR_PROFILER_NOT_INITIALIZED, 6),
    GV_CODE(CUDA_ERROR_PROFILER_ALREADY_STARTED, 7),
    GV_CODE(CUDA_ERROR_PROFILER_ALREADY_STOPPED, 8),
    GV_CODE(CUDA_ERROR_STUB_LIBRARY, 34),
    GV_CODE(CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER, 36),
    GV_CODE(CUDA_ERROR_DEVICE_UNAVAILABLE, 46),
    GV_CODE(CUDA_ERROR_NO_DEVICE, 100),
    GV_CODE(CUDA_ERROR_INVALID_DEVICE, 101),
    GV_CODE(CUDA_ERROR_DEVICE_NOT_LICENSED, 102),
    GV_CODE(CUDA_ERROR_INVALID_IMAGE, 200),
    GV_CODE(CUDA_ERROR_INVALID_CONTEXT, 201),
    GV_CODE(CUDA_ERROR_CONTEXT_ALREADY_CURRENT, 202),
    GV_CODE(CUDA_ERROR_MAP_FAILED, 205),
    GV_CODE(CUDA_ERROR_UNMAP_FAILED, 206),
    GV_CODE(CUDA_ERROR_ARRAY_IS_MAPPED, 207),
    GV_CODE(CUDA_ERROR_ALREADY_MAPPED, 208),
    GV_CODE(CUDA_ERROR_NO_BINARY_FOR_GPU, 209),
    GV_CODE(CUDA_ERROR_ALREADY_ACQUIRED, 210),
    GV_CODE(CUDA_ERROR_NOT_MAPPED, 211),
    GV_CODE(CUDA_ERROR_NOT_MAPPED_AS_ARRAY, 212),
    GV_CODE(CUDA_ERROR_NOT_MAPPED_AS_POINTER, 213),
    GV_CODE(CUDA_ERROR_ECC_UNCORRECTABLE, 214),
    GV_CODE(CUDA_ERROR_UNSUPPORTED_LIMIT, 215),
    GV_CODE(CUDA_ERROR_CONTEXT_ALREADY_IN_USE, 216),
    GV_CODE(CUDA_ERROR_PEER_ACCESS_UNSUPPORTED, 217),
    GV_CODE(CUDA_ERROR_INVALID_PTX, 218),
    GV_CODE(CUDA_ERROR_INVALID_GRAPHICS_CONTEXT, 219),
    GV_CODE(CUDA_ERROR_NVLINK_UNCORRECTABLE, 220),
    GV_CODE(CUDA_ERROR_JIT_COMPILER_NOT_FOUND, 221),
    GV_CODE(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, 222),
    GV_CODE(CUDA_ERROR_JIT_COMPILATION_DISABLED, 223),
    GV_CODE(CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY, 224),
    GV_CODE(CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC, 225),
    GV_CODE(CUDA_ERROR_CONTAINED, 226),
    GV_CODE(CUDA_ERROR_INVALID_SOURCE, 300),
    GV_CODE(CUDA_ERROR_FILE_NOT_FOUND, 301),
    GV_CODE(CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND, 302),
    GV_CODE(CUDA_ERROR_SHARED_OBJECT_INIT_FAILED, 303),
    GV_CODE(CUDA_ERROR_OPERATING_SYSTEM, 304),
    GV_CODE(CUDA_ERROR_INVALID_HANDLE, 400),
    GV_CODE(CUDA_ERROR_ILLEGAL_STATE, 401),
    GV_CODE(CUDA_ERROR_LOSSY_QUERY, 402),
    GV_CODE(CUDA_ERROR_NOT_FOUND, 500),
    GV_CODE(CUDA_ERROR_NOT_READY, 600),
    GV_CODE(CUDA_ERROR_ILLEGAL_ADDRESS, 700),
    GV_CODE(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, 701),
    GV_CODE(CUDA_ERROR_LAUNCH_TIMEOUT, 702),
    GV_CODE(CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING, 703),
    GV_CODE(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED, 704),
    GV_CODE(CUDA_ERROR_PEER_ACCESS_NOT_ENABLED, 705),
    GV_CODE(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE, 708),
    GV_CODE(CUDA_ERROR_CONTEXT_IS_DESTROYED, 709),
    GV_CODE(CUDA_ERROR_ASSERT, 710),
    GV_CODE(CUDA_ERROR_TOO_MANY_PEERS, 711),
    GV_CODE(CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED, 712),
    GV_CODE(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, 713),
    GV_CODE(CUDA_ERROR_HARDWARE_STACK_ERROR, 714),
    GV_CODE(CUDA_ERROR_ILLEGAL_INSTRUCTION, 715),
    GV_CODE(CUDA_ERROR_MISALIGNED_ADDRESS, 716),
    GV_CODE(CUDA_ERROR_INVALID_ADDRESS_SPACE, 717),
    GV_CODE(CUDA_ERROR_INVALID_PC, 718),
    GV_CODE(CUDA_ERROR_LAUNCH_FAILED, 719),
    GV_CODE(CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE, 720),
    GV_CODE(CUDA_ERROR_TENSOR_MEMORY_LEAK, 721),
    GV_CODE(CUDA_ERROR_NOT_PERMITTED, 800),
    GV_CODE(CUDA_ERROR_NOT_SUPPORTED, 801),
    GV_CODE(CUDA_ERROR_SYSTEM_NOT_READY, 802),
    GV_CODE(CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, 803),
    GV_CODE(CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE, 804),
    GV_CODE(CUDA_ERROR_MPS_CONNECTION_FAILED, 805),
    GV_CODE(CUDA_ERROR_MPS_RPC_FAILURE, 806),
    GV_CODE(CUDA_ERROR_MPS_SERVER_NOT_READY, 807),
    GV_CODE(CUDA_ERROR_MPS_MAX_CLIENTS_REACHED, 808),
    GV_CODE(CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED, 809),
    GV_CODE(CUDA_ERROR_MPS_CLIENT_TERMINATED, 810),
    GV_CODE(CUDA_ERROR_CDP_NOT_SUPPORTED, 811),
    GV_CODE(CUDA_ERROR_CDP_VERSION_MISMATCH, 812),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, 900),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, 901),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_MERGE, 902),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_UNMATCHED, 903),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_UNJOINED, 904),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_ISOLATION, 905),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_IMPLICIT, 906),
    GV_CODE(CUDA_ERROR_CAPTURED_EVENT, 907),
    GV_CODE(CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD, 908),
    GV_CODE(CUDA_ERROR_TIMEOUT, 909),
    GV_CODE(CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE, 910),
    GV_CODE(CUDA_ERROR_EXTERNAL_DEVICE, 911),
    GV_CODE(CUDA_ERROR_INVALID_CLUSTER_SIZE, 912),
    GV_CODE(CUDA_ERROR_FUNCTION_NOT_LOADED, 913),
    GV_CODE(CUDA_ERROR_INVALID_RESOURCE_TYPE, 914),
    GV_CODE(CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION, 915),
    GV_CODE(CUDA_ERROR_KEY_ROTATION, 916),
    GV_CODE(CUDA_ERROR_UNKNOWN, 999),
};

#define GV_NCODES (sizeof(gv_codes) / sizeof(gv_codes[0]))

static void test_result_values(void)
{
    /* CUDA 13.0 defines 101 results */
    CU_ASSERT_EQUAL(GV_NCODES, 101);
    for (size_t i = 0; i < GV_NCODES; i++) {
        CU_ASSERT_EQUAL((int)gv_codes[i].code, gv_codes[i].value);
    }
    CU_ASSERT_EQUAL(sizeof(CUresult), 4);
}

static void test_error_names(void)
{
    for (size_t i = 0; i < GV_NCODES; i++) {
        const char *s = (const char *)1;

        CU_ASSERT_EQUAL(cuGetErrorName(gv_codes[i].code, &s), CUDA_SUCCESS);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_STRING_EQUAL(s, gv_codes[i].name);
    }
}

static void test_error_strings(void)
{
    const char *strs[GV_NCODES];

    for (size_t i = 0; i < GV_NCODES; i++) {
        const char *s = NULL;

        CU_ASSERT_EQUAL(cuGetErrorString(gv_codes[i].code, &s),
                        CUDA_SUCCESS);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT(strlen(s) > 5);
        CU_ASSERT(strlen(s) < 120);
        CU_ASSERT(strcmp(s, gv_codes[i].name) != 0);
        /* one line, no trailing full stop */
        CU_ASSERT_PTR_NULL(strchr(s, '\n'));
        CU_ASSERT(s[strlen(s) - 1] != '.');
        strs[i] = s;
    }
    /* no two codes share a description */
    for (size_t i = 0; i < GV_NCODES; i++) {
        for (size_t j = i + 1; j < GV_NCODES; j++) {
            if (strcmp(strs[i], strs[j]) == 0) {
                CU_FAIL("two results share a description");
                fprintf(stderr, "%s and %s: \"%s\"\n", gv_codes[i].name,
                        gv_codes[j].name, strs[i]);
            }
        }
    }
}

static bool gv_known(int v)
{
    for (size_t i = 0; i < GV_NCODES; i++) {
        if (gv_codes[i].value == v) {
            return true;
        }
    }
    return false;
}

/* NVIDIA's behaviour: an unknown code is CUDA_ERROR_INVALID_VALUE with
 * *pStr = NULL; a NULL pStr is CUDA_ERROR_INVALID_VALUE. */
static void test_error_unknown(void)
{
    static const int odd[] = { -1, -999, 1000, 1001, 0x7fffffff,
                               (int)0x80000000u };
    unsigned unknown = 0;

    for (int v = 0; v < 1100; v++) {
        const char *n = "x", *s = "x";

        if (gv_known(v)) {
            continue;
        }
        unknown++;
        CU_ASSERT_EQUAL(cuGetErrorName((CUresult)v, &n),
                        CUDA_ERROR_INVALID_VALUE);
        CU_ASSERT_PTR_NULL(n);
        CU_ASSERT_EQUAL(cuGetErrorString((CUresult)v, &s),
                        CUDA_ERROR_INVALID_VALUE);
        CU_ASSERT_PTR_NULL(s);
    }
    CU_ASSERT_EQUAL(unknown, 1100 - GV_NCODES);
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        const char *n = "x", *s = "x";

        CU_ASSERT_EQUAL(cuGetErrorName((CUresult)odd[i], &n),
                        CUDA_ERROR_INVALID_VALUE);
        CU_ASSERT_PTR_NULL(n);
        CU_ASSERT_EQUAL(cuGetErrorString((CUresult)odd[i], &s),
                        CUDA_ERROR_INVALID_VALUE);
        CU_ASSERT_PTR_NULL(s);
    }
    CU_ASSERT_EQUAL(cuGetErrorName(CUDA_SUCCESS, NULL),
                    CUDA_ERROR_INVALID_VALUE);
    CU_ASSERT_EQUAL(cuGetErrorString(CUDA_SUCCESS, NULL),
                    CUDA_ERROR_INVALID_VALUE);
    CU_ASSERT_EQUAL(cuGetErrorName(CUDA_ERROR_UNKNOWN, NULL),
                    CUDA_ERROR_INVALID_VALUE);
    CU_ASSERT_EQUAL(cuGetErrorString((CUresult)12345, NULL),
                    CUDA_ERROR_INVALID_VALUE);
}

/* ---- types and constants ---- */

static void test_struct_layout(void)
{
    /* scalars and handles */
    CU_ASSERT_EQUAL(sizeof(CUdeviceptr), 8);
    CU_ASSERT_EQUAL(sizeof(CUdeviceptr_v2), 8);
    CU_ASSERT_EQUAL((CUdeviceptr)-1, UINT64_MAX);  /* unsigned */
    CU_ASSERT_EQUAL(sizeof(CUdevice), 4);
    CU_ASSERT_EQUAL((CUdevice)-1, -1);             /* signed */
    CU_ASSERT_EQUAL(sizeof(CUcontext), sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CUmodule), sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CUfunction), sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CUstream), sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(CUevent), sizeof(void *));
    CU_ASSERT_EQUAL(sizeof(cuuint32_t), 4);
    CU_ASSERT_EQUAL(sizeof(cuuint64_t), 8);
    CU_ASSERT_EQUAL(sizeof(CUuuid), 16);

    /* CUctxCreateParams and its parts, as NVIDIA lays them out (LP64) */
    CU_ASSERT_EQUAL(sizeof(CUexecAffinitySmCount), 4);
    CU_ASSERT_EQUAL(sizeof(CUexecAffinityParam), 8);
    CU_ASSERT_EQUAL(offsetof(CUexecAffinityParam, type), 0);
    CU_ASSERT_EQUAL(offsetof(CUexecAffinityParam, param.smCount.val), 4);
    CU_ASSERT_EQUAL(sizeof(CUctxCigParam), 16);
    CU_ASSERT_EQUAL(offsetof(CUctxCigParam, sharedDataType), 0);
    CU_ASSERT_EQUAL(offsetof(CUctxCigParam, sharedData), 8);
    CU_ASSERT_EQUAL(sizeof(CUctxCreateParams), 24);
    CU_ASSERT_EQUAL(offsetof(CUctxCreateParams, execAffinityParams), 0);
    CU_ASSERT_EQUAL(offsetof(CUctxCreateParams, numExecAffinityParams), 8);
    CU_ASSERT_EQUAL(offsetof(CUctxCreateParams, cigParams), 16);
}

static void test_constants(void)
{
    /* the launch parameter keys */
    CU_ASSERT_PTR_EQUAL(CU_LAUNCH_PARAM_END, (void *)0);
    CU_ASSERT_PTR_EQUAL(CU_LAUNCH_PARAM_BUFFER_POINTER, (void *)1);
    CU_ASSERT_PTR_EQUAL(CU_LAUNCH_PARAM_BUFFER_SIZE, (void *)2);
    CU_ASSERT_EQUAL(CU_LAUNCH_PARAM_END_AS_INT, 0);
    CU_ASSERT_EQUAL(CU_LAUNCH_PARAM_BUFFER_POINTER_AS_INT, 1);
    CU_ASSERT_EQUAL(CU_LAUNCH_PARAM_BUFFER_SIZE_AS_INT, 2);
    CU_ASSERT_PTR_EQUAL(CU_STREAM_LEGACY, (CUstream)1);
    CU_ASSERT_PTR_EQUAL(CU_STREAM_PER_THREAD, (CUstream)2);
    CU_ASSERT_EQUAL(CU_DEVICE_CPU, -1);
    CU_ASSERT_EQUAL(CU_DEVICE_INVALID, -2);

    /* the ends of the enums (CUDA 13.0) and a few values a program
     * passes by number */
    CU_ASSERT_EQUAL(CU_DEVICE_ATTRIBUTE_MAX, 148);
    CU_ASSERT_EQUAL(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1);
    CU_ASSERT_EQUAL(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 75);
    CU_ASSERT_EQUAL(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 16);
    CU_ASSERT_EQUAL(CU_DEVICE_ATTRIBUTE_SHARED_MEMORY_PER_BLOCK,
                    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);
    CU_ASSERT_EQUAL(CU_JIT_NUM_OPTIONS, 35);
    CU_ASSERT_EQUAL(CU_JIT_ERROR_LOG_BUFFER, 5);
    CU_ASSERT_EQUAL(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, 6);
    CU_ASSERT_EQUAL(CU_FUNC_ATTRIBUTE_MAX, 16);
    CU_ASSERT_EQUAL(CU_FUNC_ATTRIBUTE_NUM_REGS, 4);
    CU_ASSERT_EQUAL(CU_LIMIT_MAX, 10);
    CU_ASSERT_EQUAL(CU_CTX_FLAGS_MASK, 0xff);
    CU_ASSERT_EQUAL(CU_CTX_SCHED_BLOCKING_SYNC, 4);
    CU_ASSERT_EQUAL(CU_STREAM_NON_BLOCKING, 1);
    CU_ASSERT_EQUAL(CU_EVENT_DISABLE_TIMING, 2);
    CU_ASSERT_EQUAL(CU_EVENT_INTERPROCESS, 4);

    /* our context flag is none of NVIDIA's bits */
    CU_ASSERT_EQUAL(CU_CTX_GRAVITON_SECURE & CU_CTX_FLAGS_MASK, 0);
    CU_ASSERT_EQUAL(CU_CTX_GRAVITON_SECURE & (CU_CTX_GRAVITON_SECURE - 1),
                    0);
    CU_ASSERT((unsigned int)CU_CTX_GRAVITON_SECURE <= 0x7fffffffu);
    /* the copy schemes are distinct, DEFAULT is 0 */
    CU_ASSERT_EQUAL(CU_GRAVITON_COPY_DEFAULT, 0);
    CU_ASSERT_NOT_EQUAL(CU_GRAVITON_COPY_AUTHDEC_AES_GCM,
                        CU_GRAVITON_COPY_AUTHDEC_AES_KMAC);
    CU_ASSERT_NOT_EQUAL(CU_GRAVITON_COPY_AUTHDEC_AES_GCM,
                        CU_GRAVITON_COPY_ENGINE_AES_GCM);
    CU_ASSERT_NOT_EQUAL(CU_GRAVITON_COPY_AUTHDEC_AES_KMAC,
                        CU_GRAVITON_COPY_ENGINE_AES_GCM);
    /* the kinds of check: distinct words */
    CU_ASSERT_STRING_NOT_EQUAL(CU_GRAVITON_CHECK_QUOTE,
                               CU_GRAVITON_CHECK_CERTIFICATE);
    CU_ASSERT_STRING_NOT_EQUAL(CU_GRAVITON_CHECK_SUMMARY,
                               CU_GRAVITON_CHECK_MEASUREMENT);
    CU_ASSERT_PTR_NULL(strchr(CU_GRAVITON_CHECK_CIPHERTEXT, ' '));
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test header[] = {
        { "call types", test_call_types },
        { "graviton call types", test_graviton_call_types },
        { "ABI names (CUDA 13 and 12)", test_abi_names },
        { "guard macros", test_guard_macros },
        { "struct layout", test_struct_layout },
        { "constants", test_constants },
        { NULL, NULL },
    };
    static const struct gv_cunit_test errors[] = {
        { "result values", test_result_values },
        { "error names", test_error_names },
        { "error strings", test_error_strings },
        { "unknown codes and NULL", test_error_unknown },
        { NULL, NULL },
    };

    if (gv_add_suite("cuda.h", NULL, NULL, header) ||
        gv_add_suite("cuGetErrorName/String", NULL, NULL, errors)) {
        return -1;
    }
    return 0;
}
