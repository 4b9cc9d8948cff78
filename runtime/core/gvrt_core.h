/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton runtime, core layer: contexts and what they own.
 *
 *   API (runtime/cuda: cu*, CUresult)  ->  core (this)  ->  backend
 *   (gvrt_dev: ioctls)
 *
 * A context owns the device file, the secure state (UK, CEK and channel
 * keys, counters; gvrt_secure), its streams (one channel each; the first
 * is the default stream), its modules and its allocations.  Every object
 * a caller holds is checked against the context's lists before it is
 * used, so a stale or foreign handle is refused (-EBADF), never
 * dereferenced.
 *
 * Result convention, here and in every gvrt_* layer below: 0, a negative
 * errno, or a positive GV_ERR_* code from the device.  The API layer maps
 * it to its own result type in exactly one place (gvcuda_result.c).  The
 * errnos the core itself produces:
 *   -EINVAL   a bad argument (NULL pointer, zero size, bad flags)
 *   -EBADF    a handle that is not an object of this context
 *   -ERANGE   a device range outside every allocation (an oversize copy)
 *   -ENOENT   no such function or variable in a module
 *   -E2BIG    kernel parameters larger than the function's
 *   -EDOM     a launch shape the device cannot run
 *   -ENOEXEC  a module image for another GPU (cubin or fatbin: PTX needed)
 *   -EILSEQ   PTX the translator refused (message in the caller's buffer)
 *   -EBADMSG  a secure check failed (gvrt_ctx_failed() names it)
 *   -EBUSY    queried work not finished yet
 *   -EAGAIN   an event not finished, for a time query
 *   -ENOMEM, and whatever the driver returned.
 *
 * Locking: one mutex per context, taken by every gvrt_ctx_* call; a call
 * that waits for the device holds it while waiting.
 *
 * Ordering: a stream has at most one launch in flight; its next work, and
 * every call that needs the driver's bootstrap channel (allocations,
 * frees, modules, streams, measurements), waits for it first
 * (docs/runtime.md, "Asynchrony").
 */
#ifndef GVRT_CORE_H
#define GVRT_CORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"

struct gvrt_ctx;

/* ---- devices (no context needed) ---- */

#define GVRT_MAX_DEVICES 16

struct gvrt_devinfo {
    int index;                  /* N of /dev/gravitonN */
    struct graviton_info info;
    unsigned sms;               /* 0 until gvrt_device_sms() probed it */
};

/* Find the devices (opening each once): their number in *@count. */
int gvrt_devices_scan(int *count);
/* The @ordinal-th device found by the last scan, or NULL. */
const struct gvrt_devinfo *gvrt_device(int ordinal);
/* The device's SM count (worker threads of its compute engine), read by
 * a one-thread kernel (%nsmid) on a context of its own the first time and
 * cached: 0, or the error of that probe. */
int gvrt_device_sms(int ordinal, unsigned *sms);

/* ---- contexts ---- */

#define GVRT_CTX_SECURE         (1u << 0)

struct gvrt_ctx_opts {
    int device;                 /* ordinal, gvrt_device() */
    uint32_t flags;             /* GVRT_CTX_* */
    const char *ca_path;        /* secure: trust anchor (AK certificate
                                   chain); NULL: the EK's endorsement */
};

/* Create a context: open the device and its default stream; secure:
 * attestation (UK pair, AK certificate chain or EK endorsement, fresh
 * nonce, quote, CEK).  On failure *@failed names the check that failed
 * (a constant string) when the error is -EBADMSG. */
int gvrt_ctx_create(const struct gvrt_ctx_opts *o, struct gvrt_ctx **out,
                    const char **failed);
/* Wait for everything, free every allocation (secure: cleared, then
 * unmapped with the runtime's MACs), destroy every stream (secure: with
 * the runtime's MAC), close the device.  The first error seen is
 * returned; the context is gone in every case. */
int gvrt_ctx_destroy(struct gvrt_ctx *c);
bool gvrt_ctx_secure(const struct gvrt_ctx *c);
int gvrt_ctx_device(const struct gvrt_ctx *c);
/* The last secure check that failed in this context, or NULL. */
const char *gvrt_ctx_failed(const struct gvrt_ctx *c);
/* What attestation established (a line of text; "" for a normal
 * context). */
const char *gvrt_ctx_attestation(const struct gvrt_ctx *c);
/* Wait for every stream. */
int gvrt_ctx_sync(struct gvrt_ctx *c);
/* The failure that made the context unusable (a GV_ERR_* code of a
 * launch or group that failed, reported once by the call that saw it),
 * or 0.  Every later call of libgvcuda returns it; only destroying the
 * context works. */
int gvrt_ctx_sticky(struct gvrt_ctx *c);
/* Host time the context's copies have spent sealing and opening data
 * (every scheme), in nanoseconds since it was created (profiling). */
uint64_t gvrt_ctx_copy_crypto_ns(struct gvrt_ctx *c);

/* ---- memory ---- */

int gvrt_ctx_malloc(struct gvrt_ctx *c, uint64_t size, uint64_t *va);
/* @va must be what gvrt_ctx_malloc returned (-EINVAL otherwise). */
int gvrt_ctx_mfree(struct gvrt_ctx *c, uint64_t va);
/* Total device memory, and that minus what this context holds. */
int gvrt_ctx_mem_info(struct gvrt_ctx *c, uint64_t *free_b, uint64_t *total);
/* Is [@va, @va + @len) inside one allocation (or a module's memory)?
 * 0 or -ERANGE. */
int gvrt_ctx_range(struct gvrt_ctx *c, uint64_t va, uint64_t len);

struct gvrt_cstream;

/* How a secure context protects host <-> device copies. */
#define GVRT_COPY_ENGINE_GCM    0   /* the copy engine's crypto mode */
#define GVRT_COPY_AUTHDEC_GCM   1   /* the paper's AuthDec/AuthEnc kernels */
#define GVRT_COPY_AUTHDEC_KMAC  2   /* the same with AES-CTR + KMAC256 */

/* Choose the scheme of the context's later copies; the AuthDec/AuthEnc
 * kernels are loaded and measured (CH_MEASURE) the first time.  -ENOSYS
 * if this build has no such kernels, -EINVAL for an unknown scheme or a
 * context that is not secure. */
int gvrt_ctx_set_copy_scheme(struct gvrt_ctx *c, int scheme);

/* Copies and fills on stream @cs (NULL: the default stream), ordered
 * behind the stream's work.  Secure contexts copy through the copy
 * engine's crypto mode, or the AuthDec/AuthEnc kernels.  Host to device
 * returns once the data has reached the device, device to host once it
 * is in @dst; device-to-device copies and fills return at once (CUDA's
 * "asynchronous for most use cases"). */
int gvrt_ctx_htod(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t va,
                  const void *src, size_t len);
/* Host to device without waiting: the data is staged (sealed, in a secure
 * context with the copy engine's scheme) before it returns, so @src may
 * be reused; the AuthDec scheme waits all the same. */
int gvrt_ctx_htod_async(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                        uint64_t va, const void *src, size_t len);
int gvrt_ctx_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *cs, void *dst,
                  uint64_t va, size_t len);
int gvrt_ctx_dtod(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t dst,
                  uint64_t src, size_t len);
/* @count elements of @esize (1, 2, 4) bytes. */
int gvrt_ctx_memset(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t va,
                    uint32_t value, unsigned esize, size_t count);

/* ---- modules and functions ---- */

struct gvrt_cmod;
struct gvrt_cfunc;

/*
 * Load a module image: PTX text (translated here), measured in a secure
 * context (CH_MEASURE's keyed digest against the runtime's own).  An ELF
 * cubin or a fatbin gives -ENOEXEC, a translation error -EILSEQ; both
 * with a message in @err.
 */
int gvrt_ctx_module_load(struct gvrt_ctx *c, const void *image, size_t len,
                         struct gvrt_cmod **out, char *err, size_t err_len);
int gvrt_ctx_module_unload(struct gvrt_ctx *c, struct gvrt_cmod *m);
int gvrt_ctx_module_function(struct gvrt_ctx *c, struct gvrt_cmod *m,
                             const char *name, struct gvrt_cfunc **out);
int gvrt_ctx_module_global(struct gvrt_ctx *c, struct gvrt_cmod *m,
                           const char *name, uint64_t *va, uint64_t *size);

/* What a function needs (for attribute and occupancy queries). */
struct gvrt_func_attrs {
    uint32_t nregs, param_size, nparams, shared_size, local_size;
    uint32_t max_threads;       /* reqntid product, or the device's max */
};
int gvrt_ctx_func_attrs(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                        struct gvrt_func_attrs *a);

/* ---- launches ---- */

struct gvrt_launch_cfg {
    uint32_t grid[3], block[3];
    uint32_t shared_dyn;
};

/*
 * Launch @f on @cs (NULL: default) with its parameters either as CUDA's
 * array of pointers (@args, one per parameter) or as a packed buffer
 * (@buf, @buf_size bytes, CU_LAUNCH_PARAM_BUFFER_POINTER).  Returns when
 * the device has accepted it; the launch runs on.  Secure contexts send
 * it in an encrypted group.
 */
int gvrt_ctx_launch(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                    struct gvrt_cstream *cs, const struct gvrt_launch_cfg *l,
                    void **args, const void *buf, size_t buf_size);
/* The device's limits a launch must respect. */
#define GVRT_MAX_BLOCK_X        1024u
#define GVRT_MAX_BLOCK_Y        1024u
#define GVRT_MAX_BLOCK_Z        64u
#define GVRT_MAX_GRID_X         0x7fffffffu
#define GVRT_MAX_GRID_Y         65535u
#define GVRT_MAX_GRID_Z         65535u
/* Block size that maximises occupancy for @f (the block limit of the
 * engine, or the function's required size, capped by @limit when not 0)
 * and the grid that fills every SM. */
int gvrt_ctx_occupancy(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                       size_t shared_dyn, int limit, int *min_grid,
                       int *block);

/* ---- streams and events ---- */

#define GVRT_STREAM_NON_BLOCKING (1u << 0)

/* Another channel of the context: secure contexts make it with the same
 * UK (a secure stream: quote, keys, summaries checked). */
int gvrt_ctx_stream_create(struct gvrt_ctx *c, uint32_t flags,
                           struct gvrt_cstream **out);
int gvrt_ctx_stream_destroy(struct gvrt_ctx *c, struct gvrt_cstream *cs);
int gvrt_ctx_stream_sync(struct gvrt_ctx *c, struct gvrt_cstream *cs);
/* 0 when idle, -EBUSY when work is in flight, or its error. */
int gvrt_ctx_stream_query(struct gvrt_ctx *c, struct gvrt_cstream *cs);

struct gvrt_event;

#define GVRT_EVENT_NO_TIMING    (1u << 0)

int gvrt_ctx_event_create(struct gvrt_ctx *c, uint32_t flags,
                          struct gvrt_event **out);
int gvrt_ctx_event_destroy(struct gvrt_ctx *c, struct gvrt_event *e);
/* The event completes when everything submitted to @cs so far has. */
int gvrt_ctx_event_record(struct gvrt_ctx *c, struct gvrt_event *e,
                          struct gvrt_cstream *cs);
int gvrt_ctx_event_sync(struct gvrt_ctx *c, struct gvrt_event *e);
/* 0 when complete (or never recorded), -EBUSY if not yet. */
int gvrt_ctx_event_query(struct gvrt_ctx *c, struct gvrt_event *e);
/* Milliseconds between the completions of @a and @b: -EAGAIN if one has
 * not completed, -EBADF for an event without timing or never recorded. */
int gvrt_ctx_event_elapsed(struct gvrt_ctx *c, struct gvrt_event *a,
                           struct gvrt_event *b, float *ms);
/* Work submitted to @cs from now on starts after @e completed. */
int gvrt_ctx_stream_wait_event(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                               struct gvrt_event *e);

#endif /* GVRT_CORE_H */
