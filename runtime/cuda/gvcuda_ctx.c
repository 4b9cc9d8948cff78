/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: contexts and the calling thread's context stack.
 *
 * A context may be current to several threads and used by them at once
 * (the core serialises its calls with the context's mutex).  Each stack
 * entry holds a reference, so a context destroyed by another thread stays
 * a valid object for this thread's stack: its calls then fail with
 * CUDA_ERROR_CONTEXT_IS_DESTROYED, and popping it works.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gvcuda_int.h"

#define STACK_MAX 64

static __thread CUcontext stack[STACK_MAX];
static __thread int depth;

static CUcontext current(void)
{
    return depth ? stack[depth - 1] : NULL;
}

/* A context that cuCtx* calls name: registered (alive), with a
 * reference; NULL otherwise. */
static CUcontext lookup(CUcontext ctx)
{
    return gvcuda_handle_ctx(ctx, GVCUDA_CTX);
}

CUresult gvcuda_enter(CUcontext ctx)
{
    pthread_rwlock_rdlock(&ctx->life);
    if (ctx->destroyed) {
        pthread_rwlock_unlock(&ctx->life);
        gvcuda_ctx_unref(ctx);
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    }
    return CUDA_SUCCESS;
}

/* Entered @c: refuse if an earlier failure made it unusable. */
static CUresult entered(CUcontext c)
{
    int code = gvrt_ctx_sticky(c->core);

    if (code > 0) {
        gvcuda_leave(c);
        return gvcuda_sticky_result(code);
    }
    return CUDA_SUCCESS;
}

CUresult gvcuda_enter_current(CUcontext *ctx)
{
    CUcontext c = current();
    CUresult res;

    *ctx = NULL;
    if (!c) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    gvcuda_ctx_ref(c);
    if (gvcuda_enter(c) != CUDA_SUCCESS) {
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    }
    res = entered(c);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    *ctx = c;
    return CUDA_SUCCESS;
}

CUresult gvcuda_enter_handle(const void *h, enum gvcuda_kind kind,
                             CUcontext *ctx)
{
    CUcontext c = gvcuda_handle_ctx(h, kind);
    CUresult res;

    *ctx = NULL;
    if (!c) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (gvcuda_enter(c) != CUDA_SUCCESS) {
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    }
    res = entered(c);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    *ctx = c;
    return CUDA_SUCCESS;
}

void gvcuda_leave(CUcontext ctx)
{
    pthread_rwlock_unlock(&ctx->life);
    gvcuda_ctx_unref(ctx);
}

/* Push @ctx (referenced by the caller, who gives the reference to the
 * stack). */
static CUresult push(const char *call, CUcontext ctx)
{
    if (depth == STACK_MAX) {
        gvcuda_ctx_unref(ctx);
        return gvcuda_fail(call, CUDA_ERROR_OUT_OF_MEMORY,
                           "more than %d contexts pushed on this thread",
                           STACK_MAX);
    }
    stack[depth++] = ctx;
    return CUDA_SUCCESS;
}

/* Secure if asked by the flag or by GRAVITON_SECURE=1. */
static bool want_secure(unsigned int flags)
{
    const char *e = getenv("GRAVITON_SECURE");

    return (flags & CU_CTX_GRAVITON_SECURE) ||
           (e && strcmp(e, "") && strcmp(e, "0"));
}

static CUresult ctx_create(const char *call, CUcontext *pctx,
                           CUctxCreateParams *params, unsigned int flags,
                           CUdevice dev)
{
    struct gvrt_ctx_opts o = { .device = dev };
    const char *failed = NULL;
    CUgravitonCopyScheme scheme;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!pctx) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "pctx is NULL");
    }
    *pctx = NULL;
    if (flags & ~(CU_CTX_FLAGS_MASK | CU_CTX_GRAVITON_SECURE)) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown context flags 0x%x", flags);
    }
    if (params && (params->numExecAffinityParams || params->cigParams)) {
        return gvcuda_fail(call, CUDA_ERROR_NOT_SUPPORTED,
                           "the emulated GPU has neither SM partitioning "
                           "nor graphics interop");
    }
    if (!gvrt_device(dev)) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_DEVICE,
                           "no device %d", dev);
    }
    scheme = CU_GRAVITON_COPY_ENGINE_AES_GCM;
    if (want_secure(flags)) {
        /* GRAVITON_COPY_SCHEME matters (and must be known) only here */
        res = gvcuda_default_scheme(&scheme);
        if (res != CUDA_SUCCESS) {
            return res;
        }
        o.flags = GVRT_CTX_SECURE;
        o.ca_path = getenv("GRAVITON_CA");
    }
    ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        return gvcuda_fail(call, CUDA_ERROR_OUT_OF_MEMORY, "no memory");
    }
    r = gvrt_ctx_create(&o, &ctx->core, &failed);
    if (r) {
        free(ctx);
        return gvcuda_ret_check(call, r, failed);
    }
    if (gvrt_ctx_secure(ctx->core) &&
        scheme != CU_GRAVITON_COPY_ENGINE_AES_GCM) {
        /* the AuthDec kernels, installed and measured now */
        r = gvrt_ctx_set_copy_scheme(ctx->core, gvcuda_core_scheme(scheme));
        if (r) {
            res = gvcuda_ret(call, r, ctx->core);
            gvrt_ctx_destroy(ctx->core);
            free(ctx);
            return res;
        }
    }
    ctx->magic = GVCUDA_CTX_MAGIC;
    pthread_rwlock_init(&ctx->life, NULL);
    ctx->device = dev;
    ctx->flags = flags;
    ctx->scheme = scheme;
    ctx->refs = 1;              /* the caller's, given to the stack */
    if (gvcuda_handle_add(ctx, GVCUDA_CTX, ctx) != 0) {
        gvrt_ctx_destroy(ctx->core);
        gvcuda_ctx_unref(ctx);
        return gvcuda_fail(call, CUDA_ERROR_OUT_OF_MEMORY, "no memory");
    }
    res = push(call, ctx);
    if (res != CUDA_SUCCESS) {
        cuCtxDestroy_v2(ctx);
        return res;
    }
    *pctx = ctx;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags,
                                CUdevice dev)
{
    return ctx_create("cuCtxCreate", pctx, NULL, flags, dev);
}

CUresult CUDAAPI cuCtxCreate_v4(CUcontext *pctx,
                                CUctxCreateParams *ctxCreateParams,
                                unsigned int flags, CUdevice dev)
{
    return ctx_create("cuCtxCreate", pctx, ctxCreateParams, flags, dev);
}

CUresult CUDAAPI cuCtxDestroy_v2(CUcontext ctx)
{
    static const char call[] = "cuCtxDestroy";
    CUcontext c;
    int r;

    GVCUDA_CHECK_INIT(call);
    c = lookup(ctx);
    if (!c) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_CONTEXT,
                           "not a live context");
    }
    /* wait for calls in progress, then nobody enters any more */
    pthread_rwlock_wrlock(&c->life);
    if (c->destroyed) {
        pthread_rwlock_unlock(&c->life);
        gvcuda_ctx_unref(c);
        return gvcuda_err(call, CUDA_ERROR_CONTEXT_IS_DESTROYED);
    }
    c->destroyed = true;
    gvcuda_handle_remove_ctx(c);
    r = gvrt_ctx_destroy(c->core);
    c->core = NULL;
    pthread_rwlock_unlock(&c->life);
    /* popped from this thread's stack if it is current here */
    if (current() == c) {
        depth--;
        gvcuda_ctx_unref(c);
    }
    gvcuda_ctx_unref(c);        /* lookup's */
    return gvcuda_ret(call, r, NULL);
}

CUresult CUDAAPI cuCtxPushCurrent_v2(CUcontext ctx)
{
    static const char call[] = "cuCtxPushCurrent";
    CUcontext c;

    GVCUDA_CHECK_INIT(call);
    c = lookup(ctx);
    if (!c) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_CONTEXT,
                           "not a live context");
    }
    return push(call, c);
}

CUresult CUDAAPI cuCtxPopCurrent_v2(CUcontext *pctx)
{
    static const char call[] = "cuCtxPopCurrent";
    CUcontext c;

    GVCUDA_CHECK_INIT(call);
    if (!depth) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_CONTEXT,
                           "no context is current to this thread");
    }
    c = stack[--depth];
    if (pctx) {
        *pctx = c;
    }
    gvcuda_ctx_unref(c);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxSetCurrent(CUcontext ctx)
{
    static const char call[] = "cuCtxSetCurrent";
    CUcontext c = NULL;

    GVCUDA_CHECK_INIT(call);
    if (ctx) {
        c = lookup(ctx);
        if (!c) {
            return gvcuda_fail(call, CUDA_ERROR_INVALID_CONTEXT,
                               "not a live context");
        }
    }
    if (depth) {
        gvcuda_ctx_unref(stack[--depth]);
    }
    return c ? push(call, c) : CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxGetCurrent(CUcontext *pctx)
{
    static const char call[] = "cuCtxGetCurrent";

    GVCUDA_CHECK_INIT(call);
    if (!pctx) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "pctx is NULL");
    }
    *pctx = current();
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxSynchronize(void)
{
    static const char call[] = "cuCtxSynchronize";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_sync(ctx->core);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

/* @ctx, or the current context when NULL, entered. */
static CUresult enter_or_current(CUcontext ctx, CUcontext *out)
{
    if (!ctx) {
        return gvcuda_enter_current(out);
    }
    *out = lookup(ctx);
    if (!*out) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    return gvcuda_enter(*out);
}

CUresult CUDAAPI cuGravitonCtxIsSecure(CUcontext ctx, int *secure)
{
    static const char call[] = "cuGravitonCtxIsSecure";
    CUcontext c;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!secure) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "secure is NULL");
    }
    res = enter_or_current(ctx, &c);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    *secure = gvrt_ctx_secure(c->core);
    gvcuda_leave(c);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGravitonCtxGetAttestation(CUcontext ctx,
                                             const char **text)
{
    static const char call[] = "cuGravitonCtxGetAttestation";
    CUcontext c;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!text) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "text is NULL");
    }
    res = enter_or_current(ctx, &c);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    /* the core's buffer lives as long as the context */
    *text = gvrt_ctx_attestation(c->core);
    gvcuda_leave(c);
    return CUDA_SUCCESS;
}

struct gvrt_cstream *gvcuda_stream(CUstream s)
{
    if (s == CU_STREAM_LEGACY || s == CU_STREAM_PER_THREAD) {
        return NULL;
    }
    return (struct gvrt_cstream *)s;
}

CUresult gvcuda_enter_stream(const char *call, CUstream s, CUcontext *ctx)
{
    CUresult res = gvcuda_enter_current(ctx);
    CUcontext owner;

    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    if (!gvcuda_stream(s)) {
        return CUDA_SUCCESS;
    }
    owner = gvcuda_handle_ctx(s, GVCUDA_STREAM);
    if (owner) {
        gvcuda_ctx_unref(owner);
    }
    if (owner != *ctx) {
        gvcuda_leave(*ctx);
        *ctx = NULL;
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the stream is not a stream of the current "
                           "context");
    }
    return CUDA_SUCCESS;
}
