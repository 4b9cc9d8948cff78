/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: device memory of a context.  Every allocation is mapped
 * through the default stream's channel (the driver installs the tables in
 * every stream of the context); a secure context's allocations are
 * cudaSecureMalloc's (every summary verified, all pages protected) and
 * its frees cudaSecureFree's (cleared, then the MAC-authorised unmap).
 */
#include <errno.h>
#include <stdlib.h>

#include "gvrt_core_int.h"

/* Secure failures carry the secure layer's name of the check. */
static int noted(struct gvrt_ctx *c, int r)
{
    if (r == -EBADMSG) {
        gvrt_ctx_note_failure(c, NULL);
    }
    return r;
}

int gvrt_ctx_alloc_locked(struct gvrt_ctx *c, uint64_t size,
                          struct gvrt_cmod *module, uint64_t *va)
{
    struct gvrt_alloc *a;
    int r = gvrt_ctx_quiesce(c);

    if (r) {
        return r;
    }
    a = calloc(1, sizeof(*a));
    if (!a) {
        return -ENOMEM;
    }
    r = gvrt_malloc(&c->def->st, size, va);
    if (r) {
        free(a);
        return noted(c, r);
    }
    a->va = *va;
    a->size = size;
    a->module = module;
    a->next = c->allocs;
    c->allocs = a;
    c->allocated += size;
    return 0;
}

int gvrt_ctx_free_locked(struct gvrt_ctx *c, uint64_t va)
{
    struct gvrt_alloc **pp = &c->allocs, *a;
    bool unmapped = false;
    int r;

    while (*pp && (*pp)->va != va) {
        pp = &(*pp)->next;
    }
    a = *pp;
    if (!a) {
        return -EINVAL;
    }
    /* kernels in flight may still use it (and the unmap is a bootstrap
     * command); their errors were theirs */
    gvrt_ctx_quiesce(c);
    r = gvrt_free_unmapped(&c->def->st, a->va, a->size, &unmapped);
    if (r && !unmapped) {
        return noted(c, r);
    }
    /* unmapped, even if a check of it failed: it cannot be freed again */
    *pp = a->next;
    c->allocated -= a->size;
    free(a);
    return noted(c, r);
}

int gvrt_ctx_malloc(struct gvrt_ctx *c, uint64_t size, uint64_t *va)
{
    int r;

    if (!c || !va || !size) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = gvrt_ctx_alloc_locked(c, size, NULL, va);
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_mfree(struct gvrt_ctx *c, uint64_t va)
{
    int r = -EINVAL;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    for (struct gvrt_alloc *a = c->allocs; a; a = a->next) {
        if (a->va == va) {
            /* a module's memory goes with the module */
            r = a->module ? -EINVAL : gvrt_ctx_free_locked(c, va);
            break;
        }
    }
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_mem_info(struct gvrt_ctx *c, uint64_t *free_b, uint64_t *total)
{
    const struct gvrt_devinfo *d;

    if (!c) {
        return -EINVAL;
    }
    d = gvrt_device(c->device);
    if (!d) {
        return -ENODEV;
    }
    gvrt_ctx_lock(c);
    if (total) {
        *total = d->info.vram_size;
    }
    if (free_b) {
        *free_b = d->info.vram_size > c->allocated ?
                  d->info.vram_size - c->allocated : 0;
    }
    gvrt_ctx_unlock(c);
    return 0;
}

static int range_locked(struct gvrt_ctx *c, uint64_t va, uint64_t len)
{
    for (struct gvrt_alloc *a = c->allocs; a; a = a->next) {
        /* the runtime's own (the AuthDec kernels' state) is not the
         * program's to touch */
        if (a->module &&
            (a->module == c->ad.mod || a->module == c->km.mod)) {
            continue;
        }
        if (va >= a->va && va - a->va < a->size) {
            return len <= a->size - (va - a->va) ? 0 : -ERANGE;
        }
    }
    return -ERANGE;
}

int gvrt_ctx_range(struct gvrt_ctx *c, uint64_t va, uint64_t len)
{
    int r;

    if (!c) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = range_locked(c, va, len);
    gvrt_ctx_unlock(c);
    return r;
}

enum copy_kind { HTOD, DTOH, DTOD, FILL };

struct copy {
    enum copy_kind kind;
    bool async;                 /* HTOD: do not wait */
    uint64_t dst_va, src_va;
    void *dst;
    const void *src;
    size_t len;
    uint32_t value;
    unsigned esize;
};

static int copy_locked(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                       const struct copy *k)
{
    struct gvrt_cstream *s = gvrt_ctx_stream_of(c, cs);
    int r;

    if (!s) {
        return -EBADF;
    }
    if ((k->kind != DTOH && range_locked(c, k->dst_va, k->len)) ||
        ((k->kind == DTOH || k->kind == DTOD) &&
         range_locked(c, k->src_va, k->len))) {
        return -ERANGE;
    }
    r = gvrt_ctx_prepare(c, s);
    if (r) {
        return r;
    }
    switch (k->kind) {
    case HTOD:
        if (c->scheme == GVRT_COPY_AUTHDEC_GCM) {
            r = gvrt_authdec_htod(c, s, k->dst_va, k->src, k->len);
        } else if (c->scheme == GVRT_COPY_AUTHDEC_KMAC) {
            r = gvrt_authkmac_htod(c, s, k->dst_va, k->src, k->len);
        } else if (k->async) {
            r = gvrt_memcpy_htod_async(&s->st, k->dst_va, k->src, k->len);
        } else {
            r = gvrt_memcpy_htod(&s->st, k->dst_va, k->src, k->len);
        }
        break;
    case DTOH:
        r = c->scheme == GVRT_COPY_AUTHDEC_GCM ?
            gvrt_authdec_dtoh(c, s, k->dst, k->src_va, k->len) :
            c->scheme == GVRT_COPY_AUTHDEC_KMAC ?
            gvrt_authkmac_dtoh(c, s, k->dst, k->src_va, k->len) :
            gvrt_memcpy_dtoh(&s->st, k->dst, k->src_va, k->len);
        break;
    case DTOD:
        r = gvrt_memcpy_dtod_async(&s->st, k->dst_va, k->src_va, k->len);
        break;
    default:
        r = gvrt_memset_async(&s->st, k->dst_va, k->value, k->esize,
                              k->len);
        break;
    }
    gvrt_ctx_events_done(c, s);
    return noted(c, r);
}

static int copy(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                const struct copy *k)
{
    int r;

    if (!c) {
        return -EINVAL;
    }
    if (!k->len) {
        return 0;
    }
    gvrt_ctx_lock(c);
    r = copy_locked(c, cs, k);
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_htod(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t va,
                  const void *src, size_t len)
{
    struct copy k = { .kind = HTOD, .dst_va = va, .src = src, .len = len };

    return len && !src ? -EINVAL : copy(c, cs, &k);
}

int gvrt_ctx_htod_async(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                        uint64_t va, const void *src, size_t len)
{
    struct copy k = { .kind = HTOD, .async = true, .dst_va = va,
                      .src = src, .len = len };

    return len && !src ? -EINVAL : copy(c, cs, &k);
}

int gvrt_ctx_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *cs, void *dst,
                  uint64_t va, size_t len)
{
    struct copy k = { .kind = DTOH, .src_va = va, .dst = dst, .len = len };

    return len && !dst ? -EINVAL : copy(c, cs, &k);
}

int gvrt_ctx_dtod(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t dst,
                  uint64_t src, size_t len)
{
    struct copy k = { .kind = DTOD, .dst_va = dst, .src_va = src,
                      .len = len };

    /* one copy command stages its whole source first, so ranges may
     * overlap within one; across several pieces they may not */
    if (len > GV_COPY_MAX && ((dst >= src && dst - src < len) ||
                              (src > dst && src - dst < len))) {
        return -EINVAL;
    }
    return copy(c, cs, &k);
}

int gvrt_ctx_memset(struct gvrt_ctx *c, struct gvrt_cstream *cs, uint64_t va,
                    uint32_t value, unsigned esize, size_t count)
{
    struct copy k = { .kind = FILL, .dst_va = va, .value = value,
                      .esize = esize, .len = count * esize };

    if ((esize != 1 && esize != 2 && esize != 4) ||
        count > SIZE_MAX / esize || va % esize) {
        return -EINVAL;
    }
    return copy(c, cs, &k);
}
