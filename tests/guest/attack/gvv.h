/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The victim of the attack suite: a child process that uses the honest
 * driver and the trusted runtime exactly as an application would (a
 * secure context with one or more streams, secure memory holding a random
 * secret written by a secure copy), and does what the attacker's test
 * asks it through a pipe, one step at a time, so that the attacker acts
 * while the victim is idle.  Everything the victim hands the attacker is
 * what the driver relays anyway (quotes, summaries, groups, public keys);
 * the secret goes to the test only so that it can look for it.
 */
#ifndef GVV_H
#define GVV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "graviton/gv_cmds.h"

#define GVV_MAX_STREAMS 2
#define GVV_SECRET_LEN  32
#define GVV_DATA_MAX    8192

struct gvv_info {
    uint32_t nstreams;
    uint32_t chid[GVV_MAX_STREAMS];
    uint64_t fence_va[GVV_MAX_STREAMS];
    uint8_t uk_pub[GV_EC_PUB_LEN];
    uint8_t ak_pub[GV_EC_PUB_LEN];
    struct gv_quote quote[GVV_MAX_STREAMS];
    uint64_t va, size;                  /* the secret region */
    uint8_t secret[GVV_SECRET_LEN];     /* repeated over the region */
};

struct gvv {
    pid_t pid;
    int to, from;
    struct gvv_info info;
};

enum gvv_cmd {
    GVV_SECRET = 1, /* arg: bytes; secure malloc + secure copy of the secret */
    GVV_CHECK,      /* stream: copy the region out (secure) and compare */
    GVV_RUN,        /* stream: one encrypted group (NOP + fence) */
    GVV_SEAL,       /* stream, arg: n: seal n fence groups, hand them over
                     * (not submitted; the runtime counts them as sent) */
    GVV_FREE,       /* free the runtime's way (clear, MACs): arg: va, 0 the
                     * secret region; data: u64 size (else the region's) */
    GVV_UNMAP,      /* arg: va (0: the secret region): unmap with the
                     * runtime's MAC but without clearing first (the
                     * device's own scrub is what protects it then) */
    GVV_ALLOC,      /* arg: bytes; another secure allocation (val: va) */
    GVV_SUMMARY,    /* data: a summary "from the driver"; arg: all protected */
    GVV_MEASURE,    /* stream, arg: bytes: measure the region and check it */
    GVV_MEAS_CHECK, /* stream, arg: bytes, data: a measurement to check */
    GVV_NONCE,      /* a fresh nonce for a channel the runtime asks for */
    GVV_QUOTE,      /* data: the quote "the driver" returned for it */
    GVV_DESTROY,    /* stream: authorised CH_DESTROY (data: the MAC used) */
    GVV_STREAM,     /* stream: open it now (a new secure channel of the
                     * context; its first group sets the copy key) */
    GVV_REWRITE,    /* a new secret into the same region (secure copy) */
    GVV_MODULE,     /* load a module whose data holds the secret (PTX ->
                     * secure memory by secure copy); val: its VA */
    GVV_EXIT,
};

struct gvv_reply {
    int32_t r;          /* 0, a GV_ERR_* code (> 0) or -errno */
    uint32_t len;
    uint64_t val;
    uint8_t data[GVV_DATA_MAX];
};

/* Start a victim with @nstreams secure channels (streams of one context;
 * GVV_STREAM opens more later, up to GVV_MAX_STREAMS).  With @secret_len,
 * it also writes a secret region of that many bytes. */
int gvv_start(struct gvv *v, unsigned nstreams, uint64_t secret_len);
int gvv_cmd(struct gvv *v, enum gvv_cmd cmd, unsigned stream, uint64_t arg,
            const void *data, uint32_t len, struct gvv_reply *rep);
/* Tell it to exit and reap it; returns its exit status. */
int gvv_stop(struct gvv *v);

#endif /* GVV_H */
