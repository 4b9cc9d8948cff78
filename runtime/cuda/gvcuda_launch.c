/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: launches.  cuLaunchKernel returns once the device has
 * accepted the launch (an encrypted group in a secure context); the
 * kernel runs on while the host goes on, and the stream's next work, a
 * synchronisation or an event waits for it.
 */
#include <errno.h>

#include "gvcuda_int.h"

/* The parameter buffer of an "extra" array: 0, or a CUresult. */
static CUresult parse_extra(const char *call, void **extra, void **buf,
                            size_t *size)
{
    bool have_size = false;

    *buf = NULL;
    *size = 0;
    for (size_t i = 0; extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
        if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER) {
            *buf = extra[i + 1];
        } else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE) {
            if (!extra[i + 1]) {
                return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                                   "CU_LAUNCH_PARAM_BUFFER_SIZE points to "
                                   "nothing");
            }
            *size = *(size_t *)extra[i + 1];
            have_size = true;
        } else {
            return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                               "unknown key %p in extra", extra[i]);
        }
    }
    if (!*buf || !have_size) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "extra needs CU_LAUNCH_PARAM_BUFFER_POINTER and "
                           "CU_LAUNCH_PARAM_BUFFER_SIZE");
    }
    return CUDA_SUCCESS;
}

static CUresult launch(const char *call, bool secure_only, CUfunction f,
                       const struct gvrt_launch_cfg *l, CUstream s,
                       void **kernelParams, void **extra)
{
    CUcontext ctx, owner;
    void *buf = NULL;
    size_t size = 0;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (kernelParams && extra) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "both kernelParams and extra given");
    }
    if (extra) {
        res = parse_extra(call, extra, &buf, &size);
        if (res != CUDA_SUCCESS) {
            return res;
        }
    }
    res = gvcuda_enter_stream(call, s, &ctx);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    owner = gvcuda_handle_ctx(f, GVCUDA_FUNCTION);
    if (owner) {
        gvcuda_ctx_unref(owner);
    }
    if (owner != ctx) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the function is not one of the current "
                           "context's modules");
    }
    if (secure_only && !gvrt_ctx_secure(ctx->core)) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the current context is not secure");
    }
    r = gvrt_ctx_launch(ctx->core, (struct gvrt_cfunc *)f, gvcuda_stream(s),
                        l, kernelParams, buf, size);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gridDimX,
                                unsigned int gridDimY, unsigned int gridDimZ,
                                unsigned int blockDimX, unsigned int blockDimY,
                                unsigned int blockDimZ,
                                unsigned int sharedMemBytes, CUstream hStream,
                                void **kernelParams, void **extra)
{
    struct gvrt_launch_cfg l = {
        { gridDimX, gridDimY, gridDimZ }, { blockDimX, blockDimY, blockDimZ },
        sharedMemBytes,
    };

    return launch("cuLaunchKernel", false, f, &l, hStream, kernelParams,
                  extra);
}

CUresult CUDAAPI cudaSecureKernelLaunch(CUfunction f, unsigned int gridDimX,
                                        unsigned int gridDimY,
                                        unsigned int gridDimZ,
                                        unsigned int blockDimX,
                                        unsigned int blockDimY,
                                        unsigned int blockDimZ,
                                        unsigned int sharedMemBytes,
                                        CUstream hStream, void **kernelParams,
                                        void **extra)
{
    struct gvrt_launch_cfg l = {
        { gridDimX, gridDimY, gridDimZ }, { blockDimX, blockDimY, blockDimZ },
        sharedMemBytes,
    };

    return launch("cudaSecureKernelLaunch", true, f, &l, hStream,
                  kernelParams, extra);
}

CUresult CUDAAPI cuOccupancyMaxPotentialBlockSize(
    int *minGridSize, int *blockSize, CUfunction func,
    CUoccupancyB2DSize blockSizeToDynamicSMemSize, size_t dynamicSMemSize,
    int blockSizeLimit)
{
    static const char call[] = "cuOccupancyMaxPotentialBlockSize";
    int grid = 0, block = 0, r;
    CUcontext ctx;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!minGridSize || !blockSize || blockSizeLimit < 0) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "minGridSize or blockSize is NULL, or a negative "
                           "limit");
    }
    res = gvcuda_enter_handle(func, GVCUDA_FUNCTION, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_occupancy(ctx->core, (struct gvrt_cfunc *)func,
                           blockSizeToDynamicSMemSize ? 0 : dynamicSMemSize,
                           blockSizeLimit, &grid, &block);
    /* a block that needs more dynamic shared memory than there is gets
     * halved until it fits (whole warps) */
    while (!r && blockSizeToDynamicSMemSize && block > 0) {
        size_t dyn = blockSizeToDynamicSMemSize(block);

        r = gvrt_ctx_occupancy(ctx->core, (struct gvrt_cfunc *)func, dyn,
                               block, &grid, &block);
        if (r != -EDOM || block <= 32) {
            break;
        }
        r = 0;
        block /= 2;
    }
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        *minGridSize = grid;
        *blockSize = block;
    }
    return res;
}
