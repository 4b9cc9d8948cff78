/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime: running kernels on a channel.  A stream is one channel as the
 * runtime drives it: groups go through the channel's command buffer
 * (sealed when the channel is secure), each ends with a fence the runtime
 * waits for.  Copies go through the copy engine; on a secure channel in
 * its crypto mode (AES-256-GCM under a per-stream key set by an
 * authenticated command), so the driver only ever sees ciphertext.
 * Modules are PTX translated here (ptx/, the equivalent of the CUDA
 * driver's JIT) and copied into device memory.
 *
 * Functions return 0, a positive GV_ERR_* code from the device, or a
 * negative errno.
 */
#ifndef GVRT_KERNEL_H
#define GVRT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gvrt_dev.h"
#include "gvrt_secure.h"

/* Groups a stream keeps in flight at most (the driver's ring has 256). */
#define GVRT_INFLIGHT_MAX 64

/* A group in flight: its fence value and its bytes of the command
 * buffer (groups area, data area; 0 bytes: none). */
struct gvrt_span {
    uint64_t seq;
    uint32_t g_off, g_len;
    uint32_t d_off, d_len;
};

struct gvrt_stream {
    struct gvrt_dev *dev;
    uint32_t handle;
    struct gvrt_secure *s;      /* secure channel, or NULL */
    uint8_t *cb;                /* the mapped command buffer */
    uint64_t fence_va, seq;     /* seq: the last fence value submitted */
    uint64_t reached;           /* the fence value known to be passed */
    struct gvrt_span fl[GVRT_INFLIGHT_MAX];     /* in flight, a ring */
    uint32_t fl_first, fl_count;
    uint32_t g_head, d_head;    /* where the next group / data goes */
    int failure;                /* the first failed group's GV_ERR_* */
    bool unacked;               /* a failure reported, not acknowledged */
    uint8_t copy_key[32];       /* secure: the copy engine's key */
    uint64_t iv_counter;
    uint64_t crypto_ns;         /* host time sealing/opening copy data */
    uint32_t timeout_ms;        /* per wait; default 60 s */
};

/* Drive channel @handle (created by the caller; @fence_va from
 * gvrt_chan_create; @s for a secure channel whose quote was accepted). */
int gvrt_stream_open(struct gvrt_stream *st, struct gvrt_dev *dev,
                     uint32_t handle, struct gvrt_secure *s,
                     uint64_t fence_va);
void gvrt_stream_close(struct gvrt_stream *st);
/* Run @cmds (one group) and wait for it.  A LAUNCH may be the last
 * command only if it has no fence of its own (the stream adds it). */
int gvrt_stream_run(struct gvrt_stream *st, const void *cmds, uint32_t len);
/*
 * The same without waiting: the group is submitted behind the stream's
 * others (up to GVRT_INFLIGHT_MAX in flight, each in its own bytes of the
 * command buffer, reused once its fence has been seen).  Errors are
 * asynchronous as CUDA's: a group that fails in flight stops the channel,
 * and the failure (a GV_ERR_* code such as GV_ERR_FAULT) is returned by
 * the next call on the stream that sees it: a wait, or this one.  The
 * stream reports it once, keeps it in st->failure, and acknowledges it at
 * its next use, after which the groups queued behind the failed one run
 * (docs/uapi.md, "Errors").
 */
int gvrt_stream_run_async(struct gvrt_stream *st, const void *cmds,
                          uint32_t len);
/* The host's monotonic clock in nanoseconds (profiling). */
uint64_t gvrt_now_ns(void);

/* Wait for everything submitted: 0, or a failure (a GV_ERR_* code, or
 * -ETIMEDOUT). */
int gvrt_stream_sync(struct gvrt_stream *st);
/* Wait until fence value @seq has been passed (0, or as above). */
int gvrt_stream_wait(struct gvrt_stream *st, uint64_t seq);
/* Without blocking: 0 if everything submitted has completed, -EBUSY if
 * not yet, else a failure as gvrt_stream_sync. */
int gvrt_stream_query(struct gvrt_stream *st);
/* The same for fence value @seq. */
int gvrt_stream_poll(struct gvrt_stream *st, uint64_t seq);

/* Device memory of the stream's context (secure: protected, with every
 * summary checked; if a check fails the memory is unmapped again, with
 * the runtime's MACs, and -EBADMSG returned). */
int gvrt_malloc(struct gvrt_stream *st, uint64_t size, uint64_t *va);
/* Free what gvrt_malloc gave (@size as asked).  Secure: the memory is
 * cleared through the stream first, then unmapped with the runtime's MACs,
 * and every unmap's summary is checked (docs/security.md). */
int gvrt_free(struct gvrt_stream *st, uint64_t va, uint64_t size);
/* The same; *@unmapped says whether the memory is gone from the address
 * space (also when a check of the unmap's summaries failed after it). */
int gvrt_free_unmapped(struct gvrt_stream *st, uint64_t va, uint64_t size,
                       bool *unmapped);

/* Create a secure channel of @s's context and make it usable: fresh
 * nonce, quote checked against @ak_pub (a certified AK), channel keys
 * taken, and the fence page's mapping summary accepted.  On a refusal the
 * channel is destroyed and -EPERM returned. */
int gvrt_secure_channel(struct gvrt_dev *dev, struct gvrt_secure *s,
                        const uint8_t ak_pub[GV_EC_PUB_LEN], uint32_t *handle,
                        uint64_t *fence_va);
int gvrt_memcpy_htod(struct gvrt_stream *st, uint64_t va, const void *src,
                     size_t len);
/* The same without waiting: the data (sealed, on a secure stream) is
 * staged in the command buffer, so @src may be reused at once. */
int gvrt_memcpy_htod_async(struct gvrt_stream *st, uint64_t va,
                           const void *src, size_t len);
int gvrt_memcpy_dtoh(struct gvrt_stream *st, void *dst, uint64_t va,
                     size_t len);
/* The same without the copy engine's crypto mode, also on a secure
 * stream: for data that is ciphertext already (the AuthDec/AuthEnc
 * scheme), never for secrets. */
int gvrt_memcpy_htod_raw(struct gvrt_stream *st, uint64_t va,
                         const void *src, size_t len);
int gvrt_memcpy_dtoh_raw(struct gvrt_stream *st, void *dst, uint64_t va,
                         size_t len);
/* Device to device, through the copy engine (inside the device: no
 * crypto needed on a secure channel). */
int gvrt_memcpy_dtod(struct gvrt_stream *st, uint64_t dst, uint64_t src,
                     size_t len);
int gvrt_memcpy_dtod_async(struct gvrt_stream *st, uint64_t dst,
                           uint64_t src, size_t len);
/* Fill [@va, @va + @len) with the @esize-byte (1, 2 or 4) value @value:
 * the first piece through the copy engine from the host (encrypted on a
 * secure channel), the rest by device-to-device copies that double the
 * filled part.  @len must be a multiple of @esize. */
int gvrt_memset(struct gvrt_stream *st, uint64_t va, uint32_t value,
                unsigned esize, size_t len);
int gvrt_memset_async(struct gvrt_stream *st, uint64_t va, uint32_t value,
                      unsigned esize, size_t len);

struct gv_ptx_symbol;

struct gvrt_module {
    uint8_t *img;               /* the GVX image */
    uint32_t size;
    uint64_t va;                /* where it lives in device memory */
    struct gv_ptx_symbol *syms; /* .global/.const variables (malloc'd) */
    size_t nsyms;
};
/* Translate PTX and load it; on a translation error, -EINVAL and the
 * translator's message in @err.  On a secure channel the copy is
 * authenticated; measuring it is the caller's (gvrt_module_measure). */
int gvrt_module_load(struct gvrt_stream *st, const char *ptx, size_t len,
                     struct gvrt_module *m, char *err, size_t err_len);
/* CH_MEASURE the module's device copy and check the keyed digest against
 * the image the runtime translated (secure channels). */
int gvrt_module_measure(struct gvrt_stream *st, const struct gvrt_module *m);
/* Frees the host side (image, symbols); the device copy is the caller's
 * to free (gvrt_free(st, m->va, m->size)). */
void gvrt_module_unload(struct gvrt_module *m);
/* Index of entry @name, or -1. */
int gvrt_module_function(const struct gvrt_module *m, const char *name);
/* Device address and size of the .global/.const variable @name:
 * 0, or -ENOENT. */
int gvrt_module_global(const struct gvrt_module *m, const char *name,
                       uint64_t *va, uint64_t *size);
/* Launch and wait.  @params: the parameter buffer (see
 * gvrt_pack_params). */
int gvrt_launch(struct gvrt_stream *st, const struct gvrt_module *m,
                int func, const uint32_t grid[3], const uint32_t block[3],
                uint32_t shared_dyn, const void *params,
                uint32_t param_size);
/* The same without waiting (gvrt_stream_run_async). */
int gvrt_launch_async(struct gvrt_stream *st, const struct gvrt_module *m,
                      int func, const uint32_t grid[3],
                      const uint32_t block[3], uint32_t shared_dyn,
                      const void *params, uint32_t param_size);
/* The function's entry in the image, or NULL if @func is out of range. */
const struct gv_isa_func *gvrt_module_func_info(const struct gvrt_module *m,
                                                int func);
/* Pack CUDA-style argument pointers into @buf by the function's parameter
 * table; returns the size, -EINVAL for a bad function or a NULL argument
 * pointer, -E2BIG if it does not fit @cap. */
int gvrt_pack_params(const struct gvrt_module *m, int func, void **args,
                     uint8_t *buf, uint32_t cap);

#endif /* GVRT_KERNEL_H */
