/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: the registry of live handles.  A handle is looked up here
 * before anything dereferences it, so a destroyed, foreign or made-up
 * handle is an error, never a crash.  One lock, a hash of pointers.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gvcuda_int.h"

#define NBUCKETS 256

struct entry {
    struct entry *next;
    const void *h;
    enum gvcuda_kind kind;
    CUcontext ctx;
    const void *parent;         /* a function's module */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[NBUCKETS];

static unsigned bucket(const void *h)
{
    uintptr_t x = (uintptr_t)h;

    x ^= x >> 17;
    x *= 0x9e3779b97f4a7c15ull;
    return (unsigned)(x >> 56) % NBUCKETS;
}

static struct entry **find(const void *h)
{
    struct entry **pp = &buckets[bucket(h)];

    while (*pp && (*pp)->h != h) {
        pp = &(*pp)->next;
    }
    return pp;
}

int gvcuda_handle_add(const void *h, enum gvcuda_kind kind, CUcontext ctx)
{
    return gvcuda_handle_add_child(h, kind, ctx, NULL);
}

int gvcuda_handle_add_child(const void *h, enum gvcuda_kind kind,
                            CUcontext ctx, const void *parent)
{
    struct entry *e = calloc(1, sizeof(*e)), **pp;

    if (!e) {
        return -1;
    }
    e->h = h;
    e->kind = kind;
    e->ctx = ctx;
    e->parent = parent;
    pthread_mutex_lock(&reg_lock);
    pp = find(h);
    if (*pp) {
        /* already there (a function looked up twice) */
        pthread_mutex_unlock(&reg_lock);
        free(e);
        return 0;
    }
    e->next = buckets[bucket(h)];
    buckets[bucket(h)] = e;
    ctx->refs++;
    pthread_mutex_unlock(&reg_lock);
    return 0;
}

/* Unlink @e (reg_lock held); the context reference is the caller's. */
static CUcontext unlink_entry(struct entry **pp)
{
    struct entry *e = *pp;
    CUcontext ctx = e->ctx;

    *pp = e->next;
    free(e);
    return ctx;
}

void gvcuda_handle_remove(const void *h)
{
    CUcontext ctx = NULL;
    struct entry **pp;

    pthread_mutex_lock(&reg_lock);
    pp = find(h);
    if (*pp) {
        ctx = unlink_entry(pp);
    }
    pthread_mutex_unlock(&reg_lock);
    if (ctx) {
        gvcuda_ctx_unref(ctx);
    }
}

/* Remove the entries @match accepts; every one held a reference on its
 * context, which the caller still references (the counts only drop). */
static void remove_if(bool (*match)(const struct entry *, const void *),
                      const void *arg)
{
    pthread_mutex_lock(&reg_lock);
    for (int i = 0; i < NBUCKETS; i++) {
        struct entry **pp = &buckets[i];

        while (*pp) {
            if (match(*pp, arg)) {
                unlink_entry(pp)->refs--;
            } else {
                pp = &(*pp)->next;
            }
        }
    }
    pthread_mutex_unlock(&reg_lock);
}

static bool of_ctx(const struct entry *e, const void *ctx)
{
    return e->ctx == ctx;
}

static bool of_parent(const struct entry *e, const void *parent)
{
    return e->parent == parent;
}

void gvcuda_handle_remove_ctx(CUcontext ctx)
{
    remove_if(of_ctx, ctx);
}

void gvcuda_handle_remove_children(const void *parent)
{
    remove_if(of_parent, parent);
}

CUcontext gvcuda_handle_ctx(const void *h, enum gvcuda_kind kind)
{
    CUcontext ctx = NULL;
    struct entry **pp;

    if (!h) {
        return NULL;
    }
    pthread_mutex_lock(&reg_lock);
    pp = find(h);
    if (*pp && (*pp)->kind == kind) {
        ctx = (*pp)->ctx;
        ctx->refs++;
    }
    pthread_mutex_unlock(&reg_lock);
    return ctx;
}

void gvcuda_ctx_ref(CUcontext ctx)
{
    pthread_mutex_lock(&reg_lock);
    ctx->refs++;
    pthread_mutex_unlock(&reg_lock);
}

void gvcuda_ctx_unref(CUcontext ctx)
{
    bool last;

    pthread_mutex_lock(&reg_lock);
    last = --ctx->refs == 0;
    pthread_mutex_unlock(&reg_lock);
    if (last) {
        pthread_rwlock_destroy(&ctx->life);
        ctx->magic = 0;
        free(ctx);
    }
}
