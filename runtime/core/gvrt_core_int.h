/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton runtime core: the objects of a context (private). */
#ifndef GVRT_CORE_INT_H
#define GVRT_CORE_INT_H

#include "graviton/gv_isa.h"
#include "gvrt_core.h"

struct gvrt_alloc {
    struct gvrt_alloc *next;
    uint64_t va, size;
    struct gvrt_cmod *module;   /* a module's memory, or NULL */
};

struct gvrt_cstream {
    struct gvrt_cstream *next;
    struct gvrt_ctx *ctx;
    struct gvrt_stream st;
    uint32_t flags;             /* GVRT_STREAM_* */
    bool is_default;
};

struct gvrt_cfunc {
    struct gvrt_cfunc *next;
    struct gvrt_cmod *mod;
    int index;
};

struct gvrt_cmod {
    struct gvrt_cmod *next;
    struct gvrt_module m;
    struct gvrt_cfunc *funcs;   /* looked up so far */
};

struct gvrt_event {
    struct gvrt_event *next;
    uint32_t flags;             /* GVRT_EVENT_* */
    struct gvrt_cstream *cs;    /* recorded on, NULL if never */
    uint64_t seq;               /* the stream's fence value then */
    bool recorded;
    bool done;
    struct timespec t;          /* host time of completion */
    uint64_t dev_ns;            /* the device-time model's clock then */
    bool has_dev;               /* dev_ns is valid */
};

/* The AuthDec/AuthEnc kernels of a secure context, once loaded. */
struct gvrt_authdec {
    struct gvrt_cmod *mod;      /* measured when loaded */
    int ghash, decrypt, encrypt, tag;
    uint64_t state;             /* the kernels' state area */
    uint64_t scratch, scratch_size;
};

/* The AES-CTR + KMAC256 kernels of a secure context (gvrt_authkmac.c). */
struct gvrt_authkmac {
    struct gvrt_cmod *mod;      /* measured when loaded */
    int chunks, verify, decrypt, encrypt, tag;
    uint64_t state;             /* the kernels' state area */
    uint64_t scratch, scratch_size;
};

struct gvrt_ctx {
    pthread_mutex_t lock;
    int device;
    struct gvrt_dev dev;
    bool secure;
    struct gvrt_secure sec;
    uint8_t ak_pub[GV_EC_PUB_LEN];
    const char *failed;         /* the last failed check */
    char attest[512];
    struct gvrt_cstream *streams;       /* the default stream first */
    struct gvrt_cstream *def;
    struct gvrt_cmod *mods;
    struct gvrt_event *events;
    struct gvrt_alloc *allocs;
    uint64_t allocated;
    int scheme;                 /* GVRT_COPY_* */
    struct gvrt_authdec ad;
    struct gvrt_authkmac km;
    int sticky;                 /* a stream's failure: the context's */
    uint64_t closed_crypto_ns;  /* crypto_ns of destroyed streams */
    int devtime;                /* the device models time: 1, not: -1,
                                   not asked yet: 0 */
};

/* Lock/unlock the context. */
void gvrt_ctx_lock(struct gvrt_ctx *c);
void gvrt_ctx_unlock(struct gvrt_ctx *c);

/* Record a secure failure (the name the secure layer left, or @what). */
void gvrt_ctx_note_failure(struct gvrt_ctx *c, const char *what);

/* The stream @cs stands for (NULL: default), or NULL if not ours. */
struct gvrt_cstream *gvrt_ctx_stream_of(struct gvrt_ctx *c,
                                        struct gvrt_cstream *cs);
/* Order @cs's new work after other streams' with the legacy default
 * stream's semantics: wait for the default stream (when @cs is a blocking
 * stream) or every blocking stream (when @cs is the default one).  Work
 * on @cs itself is ordered by the stream.  Returns the first error an
 * earlier launch left. */
int gvrt_ctx_prepare(struct gvrt_ctx *c, struct gvrt_cstream *cs);
/*
 * Wait for every launch of the context.  Needed before anything that
 * takes a command of the driver's bootstrap channel (allocations, frees,
 * measurements, channels): the device fetches bootstrap commands only
 * when no launch runs, and the driver does not wait for them
 * (docs/runtime.md, "Asynchrony").  Returns the first launch error.
 */
int gvrt_ctx_quiesce(struct gvrt_ctx *c);
/* Wait for @cs's launch in flight and mark the events it completes. */
int gvrt_ctx_drain(struct gvrt_ctx *c, struct gvrt_cstream *cs);
/* Mark the events of @cs that are complete now (done up to @upto). */
void gvrt_ctx_events_done(struct gvrt_ctx *c, struct gvrt_cstream *cs);
/* Stamp event @e complete now: the host's clock and, if the device models
 * time, its clock (docs/devtime.md). */
void gvrt_ctx_event_stamp(struct gvrt_ctx *c, struct gvrt_event *e);

/* Allocation bookkeeping (memory of the default stream's channel). */
int gvrt_ctx_alloc_locked(struct gvrt_ctx *c, uint64_t size,
                          struct gvrt_cmod *module, uint64_t *va);
int gvrt_ctx_free_locked(struct gvrt_ctx *c, uint64_t va);

/* Secure context creation: attestation and the first channel. */
int gvrt_ctx_attest(struct gvrt_ctx *c, const char *ca_path);
/* A channel of the context (normal, or secure with the context's UK)
 * opened as stream @cs. */
int gvrt_ctx_channel_open(struct gvrt_ctx *c, struct gvrt_cstream *cs);
void gvrt_ctx_channel_close(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                            int *first_err);

/* gvrt_ctx_module_load with the lock held (no binary check). */
int gvrt_ctx_module_load_locked(struct gvrt_ctx *c, const void *image,
                                size_t len, struct gvrt_cmod **out, char *err,
                                size_t err_len);

/* The paper's secure memcpy (gvrt_authdec.c): AuthDec for host to
 * device, AuthEnc for device to host, on stream @s. */
int gvrt_authdec_setup(struct gvrt_ctx *c);
int gvrt_authdec_htod(struct gvrt_ctx *c, struct gvrt_cstream *s,
                      uint64_t va, const void *src, size_t len);
int gvrt_authdec_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *s, void *dst,
                      uint64_t va, size_t len);
/* The same with the AES-CTR + KMAC256 kernels (gvrt_authkmac.c). */
int gvrt_authkmac_setup(struct gvrt_ctx *c);
int gvrt_authkmac_htod(struct gvrt_ctx *c, struct gvrt_cstream *s,
                       uint64_t va, const void *src, size_t len);
int gvrt_authkmac_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *s,
                       void *dst, uint64_t va, size_t len);

/* 0 if @f is a function of a module of @c, else -EBADF (locked). */
int gvrt_ctx_func_check(struct gvrt_ctx *c, struct gvrt_cfunc *f);
/* The function's entry in its module's image. */
const struct gv_isa_func *gvrt_cfunc_info(const struct gvrt_cfunc *f);

#endif /* GVRT_CORE_INT_H */
