/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: events.  An event records its stream's latest fence value;
 * it completes when the stream passes it, and its time is the host clock
 * when the runtime saw it complete (docs/runtime.md, "Events").
 */
/* Both elapsed-time symbols are defined here: the CUDA 12 view of the
 * header declares cuEventElapsedTime under its own name. */
#define GRAVITON_CUDA_VERSION 12080

#include <errno.h>

#include "gvcuda_int.h"

CUresult CUDAAPI cuEventCreate(CUevent *phEvent, unsigned int Flags)
{
    static const char call[] = "cuEventCreate";
    struct gvrt_event *e = NULL;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!phEvent) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "phEvent is NULL");
    }
    *phEvent = NULL;
    if (Flags & ~(CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING |
                  CU_EVENT_INTERPROCESS)) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown event flags 0x%x", Flags);
    }
    if (Flags & CU_EVENT_INTERPROCESS) {
        return gvcuda_fail(call, CUDA_ERROR_NOT_SUPPORTED,
                           "interprocess events are not supported");
    }
    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_event_create(ctx->core, Flags & CU_EVENT_DISABLE_TIMING ?
                              GVRT_EVENT_NO_TIMING : 0, &e);
    if (!r && gvcuda_handle_add(e, GVCUDA_EVENT, ctx) != 0) {
        gvrt_ctx_event_destroy(ctx->core, e);
        r = -ENOMEM;
    }
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        *phEvent = (CUevent)e;
    }
    return res;
}

CUresult CUDAAPI cuEventDestroy_v2(CUevent hEvent)
{
    static const char call[] = "cuEventDestroy";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_handle(hEvent, GVCUDA_EVENT, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    gvcuda_handle_remove(hEvent);
    r = gvrt_ctx_event_destroy(ctx->core, (struct gvrt_event *)hEvent);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuEventRecord(CUevent hEvent, CUstream hStream)
{
    static const char call[] = "cuEventRecord";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_handle(hEvent, GVCUDA_EVENT, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    /* the stream must be the event's context's: the core checks it */
    r = gvrt_ctx_event_record(ctx->core, (struct gvrt_event *)hEvent,
                              gvcuda_stream(hStream));
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuEventSynchronize(CUevent hEvent)
{
    static const char call[] = "cuEventSynchronize";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_handle(hEvent, GVCUDA_EVENT, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_event_sync(ctx->core, (struct gvrt_event *)hEvent);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuEventQuery(CUevent hEvent)
{
    static const char call[] = "cuEventQuery";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_handle(hEvent, GVCUDA_EVENT, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_event_query(ctx->core, (struct gvrt_event *)hEvent);
    res = r == -EBUSY ? CUDA_ERROR_NOT_READY :
          gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

static CUresult elapsed(const char *call, float *ms, CUevent a, CUevent b)
{
    CUcontext ctx, other;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!ms) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "pMilliseconds is NULL");
    }
    res = gvcuda_enter_handle(a, GVCUDA_EVENT, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    other = gvcuda_handle_ctx(b, GVCUDA_EVENT);
    if (other) {
        gvcuda_ctx_unref(other);
    }
    if (other != ctx) {
        gvcuda_leave(ctx);
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the events are not of one context");
    }
    r = gvrt_ctx_event_elapsed(ctx->core, (struct gvrt_event *)a,
                               (struct gvrt_event *)b, ms);
    res = r == -EAGAIN ? gvcuda_fail(call, CUDA_ERROR_NOT_READY,
                                     "an event has not completed") :
          gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuEventElapsedTime(float *pMilliseconds, CUevent hStart,
                                    CUevent hEnd)
{
    return elapsed("cuEventElapsedTime", pMilliseconds, hStart, hEnd);
}

CUresult CUDAAPI cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart,
                                       CUevent hEnd)
{
    return elapsed("cuEventElapsedTime", pMilliseconds, hStart, hEnd);
}
