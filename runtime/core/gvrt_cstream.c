/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: streams and events.  A stream is a channel of the context
 * (a secure stream in a secure context: same UK, its own quote, keys and
 * counters; cudaSecureStreamCreate).  An event is a fence value of a
 * stream; it completes when the stream has passed it, and its time is the
 * host's clock when the runtime saw that happen (so elapsed times include
 * up to one wait's latency; docs/runtime.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gvrt_core_int.h"

int gvrt_ctx_stream_create(struct gvrt_ctx *c, uint32_t flags,
                           struct gvrt_cstream **out)
{
    struct gvrt_cstream *cs;
    int r;

    if (!c || !out || (flags & ~GVRT_STREAM_NON_BLOCKING)) {
        return -EINVAL;
    }
    cs = calloc(1, sizeof(*cs));
    if (!cs) {
        return -ENOMEM;
    }
    cs->flags = flags;
    gvrt_ctx_lock(c);
    r = gvrt_ctx_quiesce(c);
    r = r ? r : gvrt_ctx_channel_open(c, cs);
    if (r) {
        gvrt_ctx_unlock(c);
        free(cs);
        return r;
    }
    /* after the default stream, which stays first */
    cs->next = c->def->next;
    c->def->next = cs;
    gvrt_ctx_unlock(c);
    *out = cs;
    return 0;
}

int gvrt_ctx_stream_destroy(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    struct gvrt_cstream **pp;
    int first = 0;

    if (!c || !cs) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    for (pp = &c->streams; *pp && *pp != cs; pp = &(*pp)->next) {
    }
    if (!*pp || cs->is_default) {
        gvrt_ctx_unlock(c);
        return -EBADF;
    }
    /* its channel's destroy is a bootstrap command */
    first = gvrt_ctx_quiesce(c);
    *pp = cs->next;
    /* its events stay recorded as they are (complete now) */
    for (struct gvrt_event *e = c->events; e; e = e->next) {
        if (e->cs == cs) {
            e->cs = NULL;
        }
    }
    c->closed_crypto_ns += cs->st.crypto_ns;
    gvrt_ctx_channel_close(c, cs, &first);
    gvrt_ctx_unlock(c);
    free(cs);
    return first;
}

int gvrt_ctx_stream_sync(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    struct gvrt_cstream *s;
    int r;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    s = gvrt_ctx_stream_of(c, cs);
    r = s ? gvrt_ctx_drain(c, s) : -EBADF;
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_stream_query(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    struct gvrt_cstream *s;
    int r;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    s = gvrt_ctx_stream_of(c, cs);
    r = s ? gvrt_stream_query(&s->st) : -EBADF;
    if (s && r != -EBUSY) {
        gvrt_ctx_events_done(c, s);
    }
    gvrt_ctx_unlock(c);
    return r;
}

static struct gvrt_event *event_of(struct gvrt_ctx *c, struct gvrt_event *e)
{
    for (struct gvrt_event *x = c->events; x; x = x->next) {
        if (x == e) {
            return x;
        }
    }
    return NULL;
}

/* After a wait that failed, the work before the event has ended anyway
 * (the stream has nothing in flight any more). */
static void event_ended(struct gvrt_ctx *c, struct gvrt_event *e)
{
    if (!e->done) {
        gvrt_ctx_event_stamp(c, e);
    }
}

/* Wait until recorded event @e has completed, and stamp it and the events
 * its stream completed with it. */
static int wait_event(struct gvrt_ctx *c, struct gvrt_event *e)
{
    int r;

    if (e->done || !e->cs) {
        return 0;
    }
    r = gvrt_stream_wait(&e->cs->st, e->seq);
    gvrt_ctx_events_done(c, e->cs);
    event_ended(c, e);
    return r;
}

int gvrt_ctx_event_create(struct gvrt_ctx *c, uint32_t flags,
                          struct gvrt_event **out)
{
    struct gvrt_event *e;

    if (!c || !out || (flags & ~GVRT_EVENT_NO_TIMING)) {
        return -EINVAL;
    }
    e = calloc(1, sizeof(*e));
    if (!e) {
        return -ENOMEM;
    }
    e->flags = flags;
    e->done = true;             /* never recorded: complete */
    gvrt_ctx_lock(c);
    e->next = c->events;
    c->events = e;
    gvrt_ctx_unlock(c);
    *out = e;
    return 0;
}

int gvrt_ctx_event_destroy(struct gvrt_ctx *c, struct gvrt_event *e)
{
    struct gvrt_event **pp;

    if (!c || !e) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    for (pp = &c->events; *pp && *pp != e; pp = &(*pp)->next) {
    }
    if (!*pp) {
        gvrt_ctx_unlock(c);
        return -EBADF;
    }
    *pp = e->next;
    gvrt_ctx_unlock(c);
    free(e);
    return 0;
}

int gvrt_ctx_event_record(struct gvrt_ctx *c, struct gvrt_event *e,
                          struct gvrt_cstream *cs)
{
    struct gvrt_cstream *s;
    int r = 0;

    if (!c || !e) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    s = gvrt_ctx_stream_of(c, cs);
    if (!s || !event_of(c, e)) {
        r = -EBADF;
    } else {
        e->cs = s;
        e->seq = s->st.seq;
        e->done = false;
        e->recorded = true;
        gvrt_ctx_events_done(c, s);
    }
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_event_sync(struct gvrt_ctx *c, struct gvrt_event *e)
{
    int r = 0;

    if (!c || !e) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!event_of(c, e)) {
        r = -EBADF;
    } else {
        r = wait_event(c, e);
    }
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_event_query(struct gvrt_ctx *c, struct gvrt_event *e)
{
    int r = 0;

    if (!c || !e) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!event_of(c, e)) {
        r = -EBADF;
    } else if (!e->done && e->cs) {
        r = gvrt_stream_poll(&e->cs->st, e->seq);
        if (r != -EBUSY) {
            gvrt_ctx_events_done(c, e->cs);
            event_ended(c, e);
        }
    }
    gvrt_ctx_unlock(c);
    return r;
}

/* GRAVITON_EVENT_CLOCK=host: elapsed times by the host's clock even when
 * the device models time. */
static bool host_clock(void)
{
    const char *v = getenv("GRAVITON_EVENT_CLOCK");

    return v && !strcmp(v, "host");
}

int gvrt_ctx_event_elapsed(struct gvrt_ctx *c, struct gvrt_event *a,
                           struct gvrt_event *b, float *ms)
{
    int r = 0;

    if (!c || !a || !b || !ms) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!event_of(c, a) || !event_of(c, b) ||
        ((a->flags | b->flags) & GVRT_EVENT_NO_TIMING)) {
        r = -EBADF;
    } else if (!a->recorded || !b->recorded) {
        r = -EBADF;
    } else if (!a->done || !b->done) {
        r = -EAGAIN;
    } else if (a->has_dev && b->has_dev && !host_clock()) {
        /* the device-time model's clock (docs/devtime.md) */
        *ms = (float)(((double)b->dev_ns - (double)a->dev_ns) / 1e6);
    } else {
        *ms = (float)((b->t.tv_sec - a->t.tv_sec) * 1e3 +
                      (b->t.tv_nsec - a->t.tv_nsec) / 1e6);
    }
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_stream_wait_event(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                               struct gvrt_event *e)
{
    int r = 0;

    if (!c || !e) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!gvrt_ctx_stream_of(c, cs) || !event_of(c, e)) {
        r = -EBADF;
    } else {
        /* the host waits for the event (not for the rest of its
         * stream); the stream's next work follows it */
        r = wait_event(c, e);
    }
    gvrt_ctx_unlock(c);
    return r;
}
