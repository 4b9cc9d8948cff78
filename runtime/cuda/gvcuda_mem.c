/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: device memory, copies and fills.  In a secure context
 * cuMemAlloc is cudaSecureMalloc, cuMemFree cudaSecureFree and every copy
 * a secure copy (the core does it: gvrt_mem.c).  Copies are ordered on
 * their stream like launches: host to device returns once the data is
 * staged (Async) or has reached the device, device to host once the data
 * is in the host buffer (as NVIDIA's with pageable memory), device to
 * device and fills at once (docs/runtime.md, "Asynchrony").
 */
#include <errno.h>

#include "gvcuda_int.h"

/* Enter the current context (and @s's check) for @call. */
#define ENTER(call, s, ctx)                                               \
    do {                                                                  \
        CUresult res_ = gvcuda_enter_stream(call, s, &(ctx));             \
        if (res_ != CUDA_SUCCESS) {                                       \
            return res_;                                                  \
        }                                                                 \
    } while (0)

static CUresult done(const char *call, CUcontext ctx, int r)
{
    CUresult res = gvcuda_ret(call, r, ctx->core);

    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuMemGetInfo_v2(size_t *free_b, size_t *total)
{
    static const char call[] = "cuMemGetInfo";
    uint64_t f = 0, t = 0;
    CUcontext ctx;
    int r;

    GVCUDA_CHECK_INIT(call);
    ENTER(call, NULL, ctx);
    r = gvrt_ctx_mem_info(ctx->core, &f, &t);
    if (!r) {
        if (free_b) {
            *free_b = f;
        }
        if (total) {
            *total = t;
        }
    }
    return done(call, ctx, r);
}

static CUresult mem_alloc(const char *call, CUdeviceptr *dptr, size_t size,
                          bool secure_only)
{
    uint64_t va = 0;
    CUcontext ctx;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!dptr) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "dptr is NULL");
    }
    *dptr = 0;
    if (!size) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "size is 0");
    }
    ENTER(call, NULL, ctx);
    if (secure_only && !gvrt_ctx_secure(ctx->core)) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the current context is not secure");
    }
    r = gvrt_ctx_malloc(ctx->core, size, &va);
    if (!r) {
        *dptr = va;
    }
    return done(call, ctx, r);
}

static CUresult mem_free(const char *call, CUdeviceptr dptr,
                         bool secure_only)
{
    CUcontext ctx;
    int r;

    GVCUDA_CHECK_INIT(call);
    ENTER(call, NULL, ctx);
    if (secure_only && !gvrt_ctx_secure(ctx->core)) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the current context is not secure");
    }
    r = gvrt_ctx_mfree(ctx->core, dptr);
    if (r == -EINVAL) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "0x%llx is not an allocation of the current "
                           "context (freed already, or foreign)", dptr);
    }
    return done(call, ctx, r);
}

CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
    return mem_alloc("cuMemAlloc", dptr, bytesize, false);
}

CUresult CUDAAPI cuMemFree_v2(CUdeviceptr dptr)
{
    return mem_free("cuMemFree", dptr, false);
}

CUresult CUDAAPI cudaSecureMalloc(CUdeviceptr *dptr, size_t bytesize)
{
    return mem_alloc("cudaSecureMalloc", dptr, bytesize, true);
}

CUresult CUDAAPI cudaSecureFree(CUdeviceptr dptr)
{
    return mem_free("cudaSecureFree", dptr, true);
}

/* The copies: one function, the direction given by which side is a host
 * pointer. */
enum dir { HTOD, DTOH, DTOD };

static CUresult copy(const char *call, enum dir d, CUdeviceptr dst_d,
                     void *dst_h, CUdeviceptr src_d, const void *src_h,
                     size_t n, CUstream s, bool secure_only, bool async)
{
    CUcontext ctx;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (n && ((d == DTOH && !dst_h) || (d == HTOD && !src_h))) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "the host pointer is NULL");
    }
    ENTER(call, s, ctx);
    if (secure_only && !gvrt_ctx_secure(ctx->core)) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the current context is not secure");
    }
    switch (d) {
    case HTOD:
        r = async ? gvrt_ctx_htod_async(ctx->core, gvcuda_stream(s), dst_d,
                                        src_h, n) :
                    gvrt_ctx_htod(ctx->core, gvcuda_stream(s), dst_d, src_h,
                                  n);
        break;
    case DTOH:
        r = gvrt_ctx_dtoh(ctx->core, gvcuda_stream(s), dst_h, src_d, n);
        break;
    default:
        r = gvrt_ctx_dtod(ctx->core, gvcuda_stream(s), dst_d, src_d, n);
        break;
    }
    return done(call, ctx, r);
}

CUresult CUDAAPI cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void *srcHost,
                                 size_t ByteCount)
{
    return copy("cuMemcpyHtoD", HTOD, dstDevice, NULL, 0, srcHost,
                ByteCount, NULL, false, false);
}

CUresult CUDAAPI cuMemcpyDtoH_v2(void *dstHost, CUdeviceptr srcDevice,
                                 size_t ByteCount)
{
    return copy("cuMemcpyDtoH", DTOH, 0, dstHost, srcDevice, NULL,
                ByteCount, NULL, false, false);
}

CUresult CUDAAPI cuMemcpyDtoD_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice,
                                 size_t ByteCount)
{
    return copy("cuMemcpyDtoD", DTOD, dstDevice, NULL, srcDevice, NULL,
                ByteCount, NULL, false, false);
}

CUresult CUDAAPI cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice,
                                      const void *srcHost, size_t ByteCount,
                                      CUstream hStream)
{
    return copy("cuMemcpyHtoDAsync", HTOD, dstDevice, NULL, 0, srcHost,
                ByteCount, hStream, false, true);
}

CUresult CUDAAPI cuMemcpyDtoHAsync_v2(void *dstHost, CUdeviceptr srcDevice,
                                      size_t ByteCount, CUstream hStream)
{
    return copy("cuMemcpyDtoHAsync", DTOH, 0, dstHost, srcDevice, NULL,
                ByteCount, hStream, false, true);
}

CUresult CUDAAPI cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice,
                                      CUdeviceptr srcDevice, size_t ByteCount,
                                      CUstream hStream)
{
    return copy("cuMemcpyDtoDAsync", DTOD, dstDevice, NULL, srcDevice, NULL,
                ByteCount, hStream, false, true);
}

CUresult CUDAAPI cudaSecureMemcpyHtoD(CUdeviceptr dstDevice,
                                      const void *srcHost, size_t ByteCount)
{
    return copy("cudaSecureMemcpyHtoD", HTOD, dstDevice, NULL, 0, srcHost,
                ByteCount, NULL, true, false);
}

CUresult CUDAAPI cudaSecureMemcpyDtoH(void *dstHost, CUdeviceptr srcDevice,
                                      size_t ByteCount)
{
    return copy("cudaSecureMemcpyDtoH", DTOH, 0, dstHost, srcDevice, NULL,
                ByteCount, NULL, true, false);
}

CUresult CUDAAPI cudaSecureMemcpy(void *dst, const void *src,
                                  size_t ByteCount,
                                  cudaSecureMemcpyKind kind)
{
    switch (kind) {
    case cudaSecureMemcpyHostToDevice:
        return copy("cudaSecureMemcpy", HTOD, (CUdeviceptr)(uintptr_t)dst,
                    NULL, 0, src, ByteCount, NULL, true, false);
    case cudaSecureMemcpyDeviceToHost:
        return copy("cudaSecureMemcpy", DTOH, 0, dst,
                    (CUdeviceptr)(uintptr_t)src, NULL, ByteCount, NULL, true,
                    false);
    default:
        return gvcuda_fail("cudaSecureMemcpy", CUDA_ERROR_INVALID_VALUE,
                           "unknown kind %d", (int)kind);
    }
}

static CUresult memset_n(const char *call, CUdeviceptr dst, uint32_t value,
                         unsigned esize, size_t n, CUstream s)
{
    CUcontext ctx;
    int r;

    GVCUDA_CHECK_INIT(call);
    ENTER(call, s, ctx);
    if (dst % esize) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "0x%llx is not %u-byte aligned", dst, esize);
    }
    r = gvrt_ctx_memset(ctx->core, gvcuda_stream(s), dst, value, esize, n);
    return done(call, ctx, r);
}

CUresult CUDAAPI cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc,
                               size_t N)
{
    return memset_n("cuMemsetD8", dstDevice, uc, 1, N, NULL);
}

CUresult CUDAAPI cuMemsetD32_v2(CUdeviceptr dstDevice, unsigned int ui,
                                size_t N)
{
    return memset_n("cuMemsetD32", dstDevice, ui, 4, N, NULL);
}

CUresult CUDAAPI cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc,
                                 size_t N, CUstream hStream)
{
    return memset_n("cuMemsetD8Async", dstDevice, uc, 1, N, hStream);
}

CUresult CUDAAPI cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui,
                                  size_t N, CUstream hStream)
{
    return memset_n("cuMemsetD32Async", dstDevice, ui, 4, N, hStream);
}
