/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: the secure copy scheme of a context (graviton_cuda.h).  The
 * other secure primitives are where their plain counterparts are
 * (cudaSecureMalloc in gvcuda_mem.c, cudaSecureKernelLaunch in
 * gvcuda_launch.c, cudaSecureStreamCreate in gvcuda_stream.c): in a
 * secure context the plain calls take the same path.
 */
#include "gvcuda_int.h"

/* The schemes this build implements (AuthDec needs the kernels, which a
 * build without clang lacks: the core then says -ENOSYS). */
static bool implemented(CUgravitonCopyScheme s)
{
    return s == CU_GRAVITON_COPY_ENGINE_AES_GCM ||
           s == CU_GRAVITON_COPY_AUTHDEC_AES_GCM ||
           s == CU_GRAVITON_COPY_AUTHDEC_AES_KMAC;
}

int gvcuda_core_scheme(CUgravitonCopyScheme s)
{
    return s == CU_GRAVITON_COPY_AUTHDEC_AES_GCM ? GVRT_COPY_AUTHDEC_GCM :
           s == CU_GRAVITON_COPY_AUTHDEC_AES_KMAC ? GVRT_COPY_AUTHDEC_KMAC :
           GVRT_COPY_ENGINE_GCM;
}

CUresult gvcuda_scheme_check(const char *call, CUgravitonCopyScheme s)
{
    if (s < CU_GRAVITON_COPY_DEFAULT || s > CU_GRAVITON_COPY_ENGINE_AES_GCM) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown copy scheme %d", (int)s);
    }
    if (s != CU_GRAVITON_COPY_DEFAULT && !implemented(s)) {
        return gvcuda_fail(call, CUDA_ERROR_NOT_SUPPORTED,
                           "copy scheme %d is not implemented", (int)s);
    }
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGravitonCtxSetCopyScheme(CUgravitonCopyScheme scheme)
{
    static const char call[] = "cuGravitonCtxSetCopyScheme";
    CUgravitonCopyScheme def;
    CUcontext ctx;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_scheme_check(call, scheme);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    if (scheme == CU_GRAVITON_COPY_DEFAULT) {
        res = gvcuda_default_scheme(&def);
        if (res != CUDA_SUCCESS) {
            return res;
        }
        scheme = def;
    }
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    if (!gvrt_ctx_secure(ctx->core)) {
        res = gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                          "the current context is not secure");
    } else {
        /* AuthDec: the kernels are loaded and measured the first time */
        int r = gvrt_ctx_set_copy_scheme(ctx->core,
                                         gvcuda_core_scheme(scheme));

        res = gvcuda_ret(call, r, ctx->core);
        if (res == CUDA_SUCCESS) {
            ctx->scheme = scheme;
        }
    }
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuGravitonCtxGetCopyScheme(CUgravitonCopyScheme *scheme)
{
    static const char call[] = "cuGravitonCtxGetCopyScheme";
    CUcontext ctx;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!scheme) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "scheme is NULL");
    }
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    *scheme = ctx->scheme;
    gvcuda_leave(ctx);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGravitonCtxGetCopyCryptoTime(unsigned long long *us)
{
    static const char call[] = "cuGravitonCtxGetCopyCryptoTime";
    CUcontext ctx;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!us) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "us is NULL");
    }
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    *us = gvrt_ctx_copy_crypto_ns(ctx->core) / 1000u;
    gvcuda_leave(ctx);
    return CUDA_SUCCESS;
}
