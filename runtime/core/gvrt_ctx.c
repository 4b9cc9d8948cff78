/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime core: contexts.  See gvrt_core.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gvrt_core_int.h"

void gvrt_ctx_lock(struct gvrt_ctx *c)
{
    pthread_mutex_lock(&c->lock);
}

/* A stream's failure (a launch that faulted, a group that failed in
 * flight) makes the context unusable, as in NVIDIA's driver: every later
 * call returns it (gvrt_ctx_sticky), only destroying it works. */
void gvrt_ctx_unlock(struct gvrt_ctx *c)
{
    for (struct gvrt_cstream *s = c->streams; s && !c->sticky; s = s->next) {
        c->sticky = s->st.failure;
    }
    pthread_mutex_unlock(&c->lock);
}

uint64_t gvrt_ctx_copy_crypto_ns(struct gvrt_ctx *c)
{
    uint64_t ns = 0;

    if (!c) {
        return 0;
    }
    gvrt_ctx_lock(c);
    for (struct gvrt_cstream *s = c->streams; s; s = s->next) {
        ns += s->st.crypto_ns;
    }
    ns += c->closed_crypto_ns;
    gvrt_ctx_unlock(c);
    return ns;
}

int gvrt_ctx_sticky(struct gvrt_ctx *c)
{
    int r;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = c->sticky;
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_create(const struct gvrt_ctx_opts *o, struct gvrt_ctx **out,
                    const char **failed)
{
    const struct gvrt_devinfo *d;
    struct gvrt_ctx *c;
    int r;

    if (failed) {
        *failed = NULL;
    }
    if (!o || !out || (o->flags & ~GVRT_CTX_SECURE)) {
        return -EINVAL;
    }
    *out = NULL;
    d = gvrt_device(o->device);
    if (!d) {
        return -ENODEV;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        return -ENOMEM;
    }
    pthread_mutex_init(&c->lock, NULL);
    c->device = o->device;
    c->def = calloc(1, sizeof(*c->def));
    if (!c->def) {
        r = -ENOMEM;
        goto fail_free;
    }
    r = gvrt_dev_open(&c->dev, d->index);
    if (r) {
        goto fail_free;
    }
    if (o->flags & GVRT_CTX_SECURE) {
        r = gvrt_ctx_attest(c, o->ca_path);
        if (r) {
            goto fail_close;
        }
    }
    r = gvrt_ctx_channel_open(c, c->def);
    if (r) {
        goto fail_close;
    }
    c->def->is_default = true;
    c->streams = c->def;
    if (c->secure) {
        size_t n = strlen(c->attest);
        uint32_t h = c->def->st.handle;

        snprintf(c->attest + n, sizeof(c->attest) - n,
                 "; quote of firmware 0x%08x verified for channel %u "
                 "(incarnation %llu), CEK unwrapped", c->sec.fw_version[h],
                 h, (unsigned long long)c->sec.incarnation[h]);
    }
    *out = c;
    return 0;

fail_close:
    if (failed && r == -EBADMSG) {
        *failed = c->failed ? c->failed : "secure check";
    }
    gvrt_secure_fini(&c->sec);
    gvrt_dev_close(&c->dev);
fail_free:
    free(c->def);
    pthread_mutex_destroy(&c->lock);
    free(c);
    return r;
}

static void keep_first(int *first, int r)
{
    if (r && !*first) {
        *first = r;
    }
}

int gvrt_ctx_destroy(struct gvrt_ctx *c)
{
    int first = 0;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    for (struct gvrt_cstream *cs = c->streams; cs; cs = cs->next) {
        int r = gvrt_stream_sync(&cs->st);

        /* a failure already reported (sticky) is not destroy's */
        if (r != c->sticky && r != cs->st.failure) {
            keep_first(&first, r);
        }
    }
    /* memory first (it needs a channel), modules' included */
    while (c->allocs) {
        uint64_t va = c->allocs->va;

        keep_first(&first, gvrt_ctx_free_locked(c, va));
        if (c->allocs && c->allocs->va == va) {
            /* refused: forget it, the channel's destroy reclaims it */
            struct gvrt_alloc *a = c->allocs;

            c->allocs = a->next;
            free(a);
        }
    }
    while (c->mods) {
        struct gvrt_cmod *m = c->mods;

        c->mods = m->next;
        while (m->funcs) {
            struct gvrt_cfunc *f = m->funcs;

            m->funcs = f->next;
            free(f);
        }
        gvrt_module_unload(&m->m);
        free(m);
    }
    while (c->events) {
        struct gvrt_event *e = c->events;

        c->events = e->next;
        free(e);
    }
    /* the default stream last: the others are streams of its context */
    while (c->streams) {
        struct gvrt_cstream *cs = c->streams, **pp = &c->streams;

        while (cs->next) {
            pp = &cs->next;
            cs = cs->next;
        }
        *pp = NULL;
        gvrt_ctx_channel_close(c, cs, &first);
        free(cs);
    }
    gvrt_secure_fini(&c->sec);
    gvrt_dev_close(&c->dev);
    gvrt_ctx_unlock(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
    return first;
}

bool gvrt_ctx_secure(const struct gvrt_ctx *c)
{
    return c->secure;
}

int gvrt_ctx_device(const struct gvrt_ctx *c)
{
    return c->device;
}

const char *gvrt_ctx_failed(const struct gvrt_ctx *c)
{
    return c->failed;
}

const char *gvrt_ctx_attestation(const struct gvrt_ctx *c)
{
    return c->attest;
}

struct gvrt_cstream *gvrt_ctx_stream_of(struct gvrt_ctx *c,
                                        struct gvrt_cstream *cs)
{
    if (!cs) {
        return c->def;
    }
    for (struct gvrt_cstream *s = c->streams; s; s = s->next) {
        if (s == cs) {
            return s;
        }
    }
    return NULL;
}

/* Now, by the host's clock and (if the device models time) the device's,
 * into @e's stamp. */
static void now(struct gvrt_ctx *c, struct gvrt_event *e)
{
    uint64_t ns = 0;

    clock_gettime(CLOCK_MONOTONIC, &e->t);
    e->has_dev = false;
    if (c->devtime >= 0) {
        int r = gvrt_dev_get_param(&c->dev, GRAVITON_PARAM_DEVICE_TIME, &ns);

        c->devtime = r ? -1 : 1;
        e->dev_ns = ns;
        e->has_dev = r == 0;
    }
}

void gvrt_ctx_event_stamp(struct gvrt_ctx *c, struct gvrt_event *e)
{
    e->done = true;
    now(c, e);
}

void gvrt_ctx_events_done(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    /* what the stream's fence has passed; every event seen complete now
     * gets the same stamp (the list is newest first: stamping them one
     * by one would put a later event before an earlier one) */
    uint64_t upto = cs->st.reached;
    struct gvrt_event stamp;
    bool taken = false;

    for (struct gvrt_event *e = c->events; e; e = e->next) {
        if (e->cs == cs && !e->done && e->seq <= upto) {
            if (!taken) {
                now(c, &stamp);
                taken = true;
            }
            e->done = true;
            e->t = stamp.t;
            e->dev_ns = stamp.dev_ns;
            e->has_dev = stamp.has_dev;
        }
    }
}

int gvrt_ctx_drain(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    int r = gvrt_stream_sync(&cs->st);

    gvrt_ctx_events_done(c, cs);
    return r;
}

/*
 * A secure stream other than the default one: has the driver changed its
 * mappings since the runtime last looked?  Memory is mapped (and its
 * summaries checked) through the default stream, and the streams share
 * its page tables; but a driver could give a stream tables of its own
 * and map other pages there.  Every CH_PTE on a secure channel takes a
 * report, so the channel's report counter says: a measurement of its
 * fence word must be the next report the runtime expects.
 */
static int stream_fresh(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    uint64_t va = cs->st.fence_va & ~(uint64_t)(GV_PAGE_SIZE - 1);
    struct gv_measurement m;
    int r = gvrt_ctx_quiesce(c);

    if (r) {
        return r;
    }
    r = gvrt_measure(&c->dev, cs->st.handle, va, 8, &m);

    if (!r && gvrt_report_fresh(&c->sec, cs->st.handle, &m) != 0) {
        gvrt_ctx_note_failure(c, NULL);
        r = -EBADMSG;
    }
    return r;
}

int gvrt_ctx_prepare(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    int first = 0;

    if (c->secure && !cs->is_default) {
        keep_first(&first, stream_fresh(c, cs));
    }
    if (cs->is_default) {
        for (struct gvrt_cstream *s = c->streams; s; s = s->next) {
            if (s != cs && !(s->flags & GVRT_STREAM_NON_BLOCKING)) {
                keep_first(&first, gvrt_ctx_drain(c, s));
            }
        }
        return first;
    }
    if (!(cs->flags & GVRT_STREAM_NON_BLOCKING)) {
        keep_first(&first, gvrt_ctx_drain(c, c->def));
    }
    return first;
}

int gvrt_ctx_quiesce(struct gvrt_ctx *c)
{
    int first = 0;

    for (struct gvrt_cstream *s = c->streams; s; s = s->next) {
        keep_first(&first, gvrt_ctx_drain(c, s));
    }
    return first;
}

int gvrt_ctx_sync(struct gvrt_ctx *c)
{
    int r;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = gvrt_ctx_quiesce(c);
    gvrt_ctx_unlock(c);
    return r;
}
