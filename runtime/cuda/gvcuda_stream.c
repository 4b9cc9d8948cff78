/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: streams.  Each stream is a channel of its context; in a
 * secure context a secure stream (cudaSecureStreamCreate: the same UK, a
 * quote of its own, summaries checked).  The default stream (NULL,
 * CU_STREAM_LEGACY, CU_STREAM_PER_THREAD) is the context's first channel,
 * with the legacy default stream's implicit synchronisation.
 */
#include <errno.h>

#include "gvcuda_int.h"

static CUresult stream_create(const char *call, CUstream *phStream,
                              unsigned int Flags, bool secure_only)
{
    struct gvrt_cstream *cs = NULL;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!phStream) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "phStream is NULL");
    }
    *phStream = NULL;
    if (Flags & ~CU_STREAM_NON_BLOCKING) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown stream flags 0x%x", Flags);
    }
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    if (secure_only && !gvrt_ctx_secure(ctx->core)) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the current context is not secure");
    }
    r = gvrt_ctx_stream_create(ctx->core,
                               Flags & CU_STREAM_NON_BLOCKING ?
                               GVRT_STREAM_NON_BLOCKING : 0, &cs);
    if (!r && gvcuda_handle_add(cs, GVCUDA_STREAM, ctx) != 0) {
        gvrt_ctx_stream_destroy(ctx->core, cs);
        r = -ENOMEM;
    }
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        *phStream = (CUstream)cs;
    }
    return res;
}

CUresult CUDAAPI cuStreamCreate(CUstream *phStream, unsigned int Flags)
{
    return stream_create("cuStreamCreate", phStream, Flags, false);
}

CUresult CUDAAPI cudaSecureStreamCreate(CUstream *phStream,
                                        unsigned int Flags)
{
    return stream_create("cudaSecureStreamCreate", phStream, Flags, true);
}

CUresult CUDAAPI cuStreamDestroy_v2(CUstream hStream)
{
    static const char call[] = "cuStreamDestroy";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!gvcuda_stream(hStream)) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the default stream cannot be destroyed");
    }
    res = gvcuda_enter_handle(hStream, GVCUDA_STREAM, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    gvcuda_handle_remove(hStream);
    r = gvrt_ctx_stream_destroy(ctx->core, (struct gvrt_cstream *)hStream);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

/* Enter the context of @s: its owner, or the current one for a default
 * stream. */
static CUresult enter_of(const char *call, CUstream s, CUcontext *ctx)
{
    CUresult res = gvcuda_stream(s) ?
                   gvcuda_enter_handle(s, GVCUDA_STREAM, ctx) :
                   gvcuda_enter_current(ctx);

    return res == CUDA_SUCCESS ? res : gvcuda_err(call, res);
}

CUresult CUDAAPI cuStreamSynchronize(CUstream hStream)
{
    static const char call[] = "cuStreamSynchronize";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = enter_of(call, hStream, &ctx);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    r = gvrt_ctx_stream_sync(ctx->core, gvcuda_stream(hStream));
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuStreamQuery(CUstream hStream)
{
    static const char call[] = "cuStreamQuery";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = enter_of(call, hStream, &ctx);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    r = gvrt_ctx_stream_query(ctx->core, gvcuda_stream(hStream));
    /* not ready is an answer, not a failure to record */
    res = r == -EBUSY ? CUDA_ERROR_NOT_READY :
          gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuStreamWaitEvent(CUstream hStream, CUevent hEvent,
                                   unsigned int Flags)
{
    static const char call[] = "cuStreamWaitEvent";
    CUcontext ctx, owner;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (Flags & ~CU_EVENT_WAIT_EXTERNAL) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown flags 0x%x", Flags);
    }
    res = enter_of(call, hStream, &ctx);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    owner = gvcuda_handle_ctx(hEvent, GVCUDA_EVENT);
    if (owner) {
        gvcuda_ctx_unref(owner);
    }
    if (owner != ctx) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the event is not one of the stream's context");
    }
    r = gvrt_ctx_stream_wait_event(ctx->core, gvcuda_stream(hStream),
                                   (struct gvrt_event *)hEvent);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}
