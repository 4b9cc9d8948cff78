/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda internals: the API layer over the runtime core.
 *
 * Every cu* call does, in order (gdev's pattern): check cuInit, find the
 * context (the current one, or the one that owns a handle argument) and
 * enter it, check its arguments, call the core, leave the context, and
 * map the core's result to a CUresult in one place (gvcuda_ret,
 * gvcuda_result.c), which also records the thread's last failure for
 * cuGravitonGetLastCheck/Message.
 *
 * Handles (CUmodule, CUfunction, CUstream, CUevent) are the core's
 * objects; a process-wide registry maps each live one to its context, so
 * a stale or foreign handle is found missing before anything touches it.
 * A CUcontext lives until the last thread lets go of it: the registry and
 * every thread's context stack hold references, and a call in progress
 * holds the context's read lock, which cuCtxDestroy takes for writing.
 */
#ifndef GVCUDA_INT_H
#define GVCUDA_INT_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "graviton_cuda.h"
#include "gvrt_core.h"

#define GVCUDA_CTX_MAGIC        0x47564358u     /* "GVCX" */
#define GVCUDA_DRIVER_VERSION   13000           /* the API we implement */

struct CUctx_st {
    uint32_t magic;
    int refs;                   /* under the registry's lock */
    pthread_rwlock_t life;      /* read: a call; write: destroy */
    bool destroyed;
    struct gvrt_ctx *core;
    CUdevice device;
    unsigned int flags;
    CUgravitonCopyScheme scheme;
};

/* ---- initialisation ---- */

bool gvcuda_initialised(void);

/* ---- results (gvcuda_result.c) ---- */

/* The CUresult for the core's @r (0, -errno, GV_ERR_*): records the
 * thread's last failure with @call's name; @core (may be NULL) names the
 * secure check that failed when @r is -EBADMSG. */
CUresult gvcuda_ret(const char *call, int r, struct gvrt_ctx *core);
/* The same for a failed secure check outside a context (its name). */
CUresult gvcuda_ret_check(const char *call, int r, const char *failed);
/* Fail with @res and a message (printf-style), no check. */
CUresult gvcuda_fail(const char *call, CUresult res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The CUresult every call of a context returns after its streams failed
 * with GV_ERR_* @code (sticky, as NVIDIA's: only cuCtxDestroy works). */
CUresult gvcuda_sticky_result(int code);
/* Record a failure that has already been mapped (e.g. a context lookup). */
CUresult gvcuda_err(const char *call, CUresult res);

/* ---- handles (gvcuda_handle.c) ---- */

enum gvcuda_kind {
    GVCUDA_CTX = 1, GVCUDA_MODULE, GVCUDA_FUNCTION, GVCUDA_STREAM,
    GVCUDA_EVENT,
};

int gvcuda_handle_add(const void *h, enum gvcuda_kind kind, CUcontext ctx);
/* The same for a handle that goes with @parent (a module's function). */
int gvcuda_handle_add_child(const void *h, enum gvcuda_kind kind,
                            CUcontext ctx, const void *parent);
void gvcuda_handle_remove(const void *h);
/* Remove every handle added with @parent. */
void gvcuda_handle_remove_children(const void *parent);
/* Remove every handle of @ctx (and @ctx itself). */
void gvcuda_handle_remove_ctx(CUcontext ctx);
/* The context that owns @h of kind @kind, with a reference, or NULL. */
CUcontext gvcuda_handle_ctx(const void *h, enum gvcuda_kind kind);

void gvcuda_ctx_ref(CUcontext ctx);
/* Drop a reference; the last frees the context (its core is gone). */
void gvcuda_ctx_unref(CUcontext ctx);

/* ---- contexts (gvcuda_ctx.c) ---- */

/*
 * Enter the calling thread's current context: it is read-locked and
 * referenced until gvcuda_leave().  CUDA_ERROR_INVALID_CONTEXT if the
 * thread has none, CUDA_ERROR_CONTEXT_IS_DESTROYED if it was destroyed.
 */
CUresult gvcuda_enter_current(CUcontext *ctx);
/* Enter @ctx (a referenced context, e.g. from gvcuda_handle_ctx); the
 * reference is then the call's and gvcuda_leave drops it. */
CUresult gvcuda_enter(CUcontext ctx);
/* Enter the context owning handle @h: CUDA_ERROR_INVALID_HANDLE if none
 * (or CUDA_ERROR_CONTEXT_IS_DESTROYED). */
CUresult gvcuda_enter_handle(const void *h, enum gvcuda_kind kind,
                             CUcontext *ctx);
void gvcuda_leave(CUcontext ctx);

/* The first calls of every cu*: initialised?  NULL argument? */
#define GVCUDA_CHECK_INIT(call)                                           \
    do {                                                                  \
        if (!gvcuda_initialised()) {                                      \
            return gvcuda_fail(call, CUDA_ERROR_NOT_INITIALIZED,          \
                               "%s before cuInit", call);                 \
        }                                                                 \
    } while (0)

/* The stream a call means: NULL, CU_STREAM_LEGACY and
 * CU_STREAM_PER_THREAD are the default stream (NULL for the core). */
struct gvrt_cstream *gvcuda_stream(CUstream s);
/* Enter the current context and check that @s (if not a default stream)
 * is one of its streams: CUDA_ERROR_INVALID_HANDLE otherwise. */
CUresult gvcuda_enter_stream(const char *call, CUstream s, CUcontext *ctx);

/* The copy scheme a context starts with (GRAVITON_COPY_SCHEME, else the
 * library's default): 0, or CUDA_ERROR_INVALID_VALUE for an unknown
 * name. */
CUresult gvcuda_default_scheme(CUgravitonCopyScheme *scheme);
/* 0 if @s is a scheme this build implements (or the default),
 * CUDA_ERROR_INVALID_VALUE if unknown, CUDA_ERROR_NOT_SUPPORTED if not
 * implemented. */
CUresult gvcuda_scheme_check(const char *call, CUgravitonCopyScheme s);
/* The core's GVRT_COPY_* for an implemented scheme. */
int gvcuda_core_scheme(CUgravitonCopyScheme s);

#endif /* GVCUDA_INT_H */
