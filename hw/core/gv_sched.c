/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compute engine's SMs and their scheduler
 * (docs/compute.md, "Concurrent kernels").
 *
 * The engine has N SMs, worker threads (QEMU property sms).  Every launch
 * the LAUNCH command accepted (gv_compute.c) is on one list, oldest first,
 * until the device's thread finishes it (fence, interrupts, ring); the
 * launches of different channels run at the same time.
 *
 * An SM holds up to GV_SM_SLOTS resident launches, at most one slot each,
 * within GV_SM_MEM_MAX bytes of block state (a launch always fits an SM
 * that holds nothing).  A slot runs its launch's blocks one after the
 * other, taken from the launch's shared counter in short runs
 * (claim_block), until none is left; the SM switches between its slots
 * every time slice (GV_SLICE watchdog checks of 4096 warp instructions
 * each), as a GPU's warp schedulers interleave the resident blocks of
 * several kernels.  A block stays in its slot until it ends; its state
 * (warps, registers, shared and local memory) is the slot's.
 *
 * Fairness: an SM with room takes the launch that has the fewest slots on
 * all SMs, the oldest among equals.  A launch that arrives ends the
 * running slices at their next check, so every SM with room takes it at
 * once; a slice ends for every slot in turn, so no resident launch waits
 * for another's blocks, endless ones included: the watchdog
 * (launch-timeout-ms) ends those, and only those.  Deadlock-free: a slot
 * never waits for another slot, and an SM that holds nothing takes any
 * launch.
 *
 * Locking: eng->lock guards the list, the launches' resident counts and
 * finished flags, and the SMs' admissions; a slot and its buffers belong
 * to its SM's thread alone.  The device's thread submits, finishes and
 * aborts launches; it never runs kernels.
 */
#include "gv_jit.h"
#include "gv_simt.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define GV_MAX_SMS 16
#define GV_SM_SLOTS 16            /* resident launches per SM */
#define GV_SM_MEM_MAX (64u << 20) /* block state an SM holds */
#define GV_SLOT_KEEP (1u << 20)   /* a free slot keeps this much */
#define GV_SLICE 4                /* watchdog checks per slice */
#define GV_BLOCK_RUN 64           /* blocks a slot takes at once, at most */

/* One SM: a worker thread and its slots. */
struct gv_smt {
    unsigned id;
    struct gv_sm *slot[GV_SM_SLOTS]; /* NULL until first used */
    unsigned nres;                   /* slots holding a launch */
    size_t reserved;                 /* their block state */
    unsigned rr;                     /* the slot to run first */
};

struct gv_engine {
    pthread_mutex_t lock;
    pthread_cond_t work_cv, done_cv;
    pthread_t *th;
    struct gv_smt *smt;
    unsigned nsm, nthreads;
    struct gv_launch *head; /* not yet finished by the device */
    atomic_uint arrivals;   /* launches submitted, ever */
    unsigned executing;     /* launches with a slot */
    unsigned max_executing;
    bool quit;
};

struct worker_arg {
    struct gv_dev *dev;
    unsigned id;
};

/* ---- admission (under the lock) ---- */

static bool holds(const struct gv_smt *t, const struct gv_launch *L)
{
    for (unsigned k = 0; k < GV_SM_SLOTS; k++) {
        if (t->slot[k] && t->slot[k]->L == L) {
            return true;
        }
    }
    return false;
}

static struct gv_sm *slot_new(struct gv_engine *eng, unsigned smid)
{
    struct gv_sm *sm = calloc(1, sizeof(*sm));

    if (sm) {
        sm->id = smid;
        sm->arrivals = &eng->arrivals;
    }
    return sm;
}

/* Give @L a free slot of @t; false if none can be made. */
static bool place(struct gv_engine *eng, struct gv_smt *t, struct gv_launch *L,
                  size_t need)
{
    for (unsigned k = 0; k < GV_SM_SLOTS; k++) {
        struct gv_sm *sm = t->slot[k];

        if (sm && sm->L) {
            continue;
        }
        if (!sm) {
            sm = slot_new(eng, t->id);
            if (!sm) {
                return false;
            }
            t->slot[k] = sm;
        }
        sm->L = L;
        sm->need = need;
        sm->fresh = true;
        t->nres++;
        t->reserved += need;
        if (L->resident++ == 0 && ++eng->executing > eng->max_executing) {
            eng->max_executing = eng->executing;
        }
        return true;
    }
    return false;
}

/* Fill @t's free slots: the launches with blocks left that it does not
 * hold, the one with the fewest slots first (the oldest among equals). */
static void admit(struct gv_engine *eng, struct gv_smt *t)
{
    while (t->nres < GV_SM_SLOTS) {
        struct gv_launch *best = NULL;
        size_t best_need = 0;

        for (struct gv_launch *L = eng->head; L; L = L->next) {
            uint64_t next = atomic_load(&L->next_block);
            size_t need;

            if (L->finished || atomic_load(&L->status) != GV_ERR_NONE ||
                next >= L->nblocks || holds(t, L)) {
                continue;
            }
            /* An SM that runs other launches takes one only if it has
             * more blocks left than slots: else those slots run them
             * (and an idle SM, which takes any, sooner). */
            if (t->nres && L->nblocks - next <= L->resident) {
                continue;
            }
            need = gv_sm_need(L);
            if (t->nres && t->reserved + need > GV_SM_MEM_MAX) {
                continue;
            }
            if (!best || L->resident < best->resident) {
                best = L;
                best_need = need;
            }
        }
        if (!best || !place(eng, t, best, best_need)) {
            return;
        }
    }
}

/* ---- running the slots (the SM's thread, without the lock) ---- */

/* The next block @sm runs of @L, in @b; false when none is left.  The
 * slot takes blocks from the launch's shared counter in runs, guided as
 * OpenMP's schedule(guided) is: a quarter of an even share of what is
 * left, at most GV_BLOCK_RUN, one when few are left; the run is taken
 * whole (a compare-and-swap), so it never passes the grid's last block.
 * The counter's cache line moves between the SMs' cores at every take
 * (a third of vector_add's time when each block was one take:
 * docs/benchmarks.md); short runs keep the tail balanced. */
static bool claim_block(struct gv_launch *L, struct gv_sm *sm, uint64_t *b)
{
    uint64_t next, n;

    if (sm->run_next < sm->run_end) {
        *b = sm->run_next++;
        return true;
    }
    next = atomic_load(&L->next_block);
    do {
        if (next >= L->nblocks) {
            return false;
        }
        n = (L->nblocks - next) / (4 * (uint64_t)L->dev->compute_sms);
        n = n < 1 ? 1 : n > GV_BLOCK_RUN ? GV_BLOCK_RUN : n;
    } while (!atomic_compare_exchange_weak(&L->next_block, &next, next + n));
    *b = next;
    sm->run_next = next + 1;
    sm->run_end = next + n;
    return true;
}

/* Run @sm's launch until its time slice ends (false) or the slot is done
 * with the launch (true: no block left, or the launch stopped). */
static bool slot_run(struct gv_sm *sm)
{
    struct gv_launch *L = sm->L;
    int r, none = GV_ERR_NONE;

    if (sm->fresh) {
        sm->fresh = false;
        sm->run_next = sm->run_end = 0;
        sm->in_block = false;
        r = gv_sm_prepare(sm, L);
        if (r != GV_ERR_NONE) {
            atomic_compare_exchange_strong(&L->status, &none, r);
            return true;
        }
    }
    for (;;) {
        if (!sm->in_block) {
            uint64_t b;

            if (!claim_block(L, sm, &b) ||
                atomic_load(&L->status) != GV_ERR_NONE) {
                break;
            }
            if (gv_jit_block(L, sm, b)) {
                continue; /* done whole, compiled */
            }
            gv_simt_block_start(L, sm, b);
            sm->in_block = true;
        }
        r = gv_simt_block_run(L, sm);
        if (r == GV_SIMT_YIELD) {
            return false;
        }
        sm->in_block = false;
        if (r != GV_ERR_NONE) {
            break;
        }
    }
    atomic_fetch_add(&L->lane_insns, sm->lane_insns);
    atomic_fetch_add(&L->jit_insns, sm->jit_insns);
    sm->lane_insns = 0;
    sm->jit_insns = 0;
    return true;
}

/* One round over @t's slots, a time slice each (no end to it for a slot
 * alone); stops early when a launch arrives.  The slots done, as bits. */
static unsigned run_slots(struct gv_engine *eng, struct gv_smt *t,
                          unsigned seen)
{
    unsigned ended = 0, slice = t->nres > 1 ? GV_SLICE : 0;

    for (unsigned n = 0; n < GV_SM_SLOTS; n++) {
        unsigned k = (t->rr + n) % GV_SM_SLOTS;
        struct gv_sm *sm = t->slot[k];

        if (!sm || !sm->L) {
            continue;
        }
        sm->slice = slice;
        sm->arrivals_seen = seen;
        if (slot_run(sm)) {
            ended |= 1u << k;
        }
        if (atomic_load(&eng->arrivals) != seen) {
            t->rr = (k + 1) % GV_SM_SLOTS;
            break;
        }
    }
    return ended;
}

/* A free slot keeps small buffers for the next launch, not big ones. */
static void slot_trim(struct gv_sm *sm)
{
    size_t kept = sm->regs_size + sm->local_size + sm->shared_size +
                  sm->nwarps_alloc * sizeof(struct gv_warp);

    if (kept <= GV_SLOT_KEEP) {
        return;
    }
    free(sm->warps);
    free(sm->regs);
    free(sm->local);
    free(sm->shared);
    sm->warps = NULL;
    sm->regs = NULL;
    sm->local = sm->shared = NULL;
    sm->nwarps_alloc = 0;
    sm->regs_size = sm->local_size = sm->shared_size = 0;
}

/* Release the slots of @t in @ended (under the lock).  A launch whose
 * last slot goes, with no block left or stopped, has ended: true if one
 * did. */
static bool release(struct gv_engine *eng, struct gv_smt *t, unsigned ended)
{
    bool any = false;

    for (; ended; ended &= ended - 1) {
        struct gv_sm *sm = t->slot[__builtin_ctz(ended)];
        struct gv_launch *L = sm->L;

        sm->L = NULL;
        t->nres--;
        t->reserved -= sm->need;
        slot_trim(sm);
        if (--L->resident == 0) {
            eng->executing--;
            /* a slot leaves only when no block is left or it stopped */
            L->finished = true;
            any = true;
            pthread_cond_broadcast(&eng->done_cv);
        }
    }
    return any;
}

static void *worker(void *p)
{
    struct worker_arg *wa = p;
    struct gv_dev *dev = wa->dev;
    struct gv_engine *eng = dev->eng;
    struct gv_smt *t = &eng->smt[wa->id];

    free(wa);
    pthread_mutex_lock(&eng->lock);
    while (!eng->quit) {
        void (*done)(void *);
        unsigned seen, ended;

        admit(eng, t);
        if (t->nres == 0) {
            pthread_cond_wait(&eng->work_cv, &eng->lock);
            continue;
        }
        seen = atomic_load(&eng->arrivals);
        pthread_mutex_unlock(&eng->lock);
        ended = run_slots(eng, t, seen);
        pthread_mutex_lock(&eng->lock);
        /* the host's callback read once, under the lock: a host may
         * change its ops (the fuzz bench switches launches between
         * synchronous and asynchronous), and a second read after the
         * unlock could find NULL */
        done = release(eng, t, ended) && dev->ops ? dev->ops->engine_done
                                                  : NULL;
        if (done) {
            pthread_mutex_unlock(&eng->lock);
            done(dev->opaque);
            pthread_mutex_lock(&eng->lock);
        }
    }
    pthread_mutex_unlock(&eng->lock);
    return NULL;
}

/* ---- the device's side ---- */

int gv_engine_init(struct gv_dev *dev, unsigned nsm, const char **err)
{
    struct gv_engine *eng = calloc(1, sizeof(*eng));
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    if (nsm == 0) {
        nsm = ncpu > 0 ? (unsigned)ncpu : 1;
    }
    if (nsm > GV_MAX_SMS) {
        nsm = GV_MAX_SMS;
    }
    if (!eng || !(eng->smt = calloc(nsm, sizeof(*eng->smt))) ||
        !(eng->th = calloc(nsm, sizeof(*eng->th)))) {
        goto oom;
    }
    pthread_mutex_init(&eng->lock, NULL);
    pthread_cond_init(&eng->work_cv, NULL);
    pthread_cond_init(&eng->done_cv, NULL);
    atomic_init(&eng->arrivals, 0);
    eng->nsm = nsm;
    dev->eng = eng;
    dev->compute_sms = nsm;
    for (unsigned k = 0; k < nsm; k++) {
        struct worker_arg *wa = malloc(sizeof(*wa));
        /* the first slot now: an SM that holds nothing can always take
         * a launch */
        struct gv_sm *sm = slot_new(eng, k);

        eng->smt[k].id = k;
        eng->smt[k].slot[0] = sm;
        if (!wa || !sm) {
            free(wa);
            goto oom;
        }
        wa->dev = dev;
        wa->id = k;
        if (pthread_create(&eng->th[k], NULL, worker, wa) != 0) {
            free(wa);
            if (err) {
                *err = "cannot start the compute engine's threads";
            }
            return -1;
        }
        eng->nthreads++;
    }
    return 0;
oom:
    if (err) {
        *err = "out of memory";
    }
    if (eng && !dev->eng) {
        free(eng->smt);
        free(eng->th);
        free(eng);
    }
    return -1;
}

void gv_sched_submit(struct gv_dev *dev, struct gv_launch *L)
{
    struct gv_engine *eng = dev->eng;
    struct gv_launch **pp;

    pthread_mutex_lock(&eng->lock);
    for (pp = &eng->head; *pp; pp = &(*pp)->next) {
    }
    *pp = L;
    atomic_fetch_add(&eng->arrivals, 1);
    pthread_cond_broadcast(&eng->work_cv);
    pthread_mutex_unlock(&eng->lock);
}

/* Take the ended launches (of @chid, or all with NO_CHAN) off the list,
 * in order (under the lock). */
static struct gv_launch *take_ended(struct gv_engine *eng, unsigned chid)
{
    struct gv_launch *done = NULL, **tail = &done, **pp = &eng->head;

    while (*pp) {
        struct gv_launch *L = *pp;

        if (L->finished && (chid == NO_CHAN || L->chid == chid)) {
            *pp = L->next;
            L->next = NULL;
            *tail = L;
            tail = &L->next;
        } else {
            pp = &L->next;
        }
    }
    return done;
}

/* Has @chid's launch (if any) ended?  (Under the lock.) */
static bool chan_ended(const struct gv_engine *eng, unsigned chid)
{
    for (const struct gv_launch *L = eng->head; L; L = L->next) {
        if (L->chid == chid && !L->finished) {
            return false;
        }
    }
    return true;
}

bool gv_engine_finish(struct gv_dev *dev, unsigned chid, bool wait)
{
    struct gv_engine *eng = dev->eng;
    struct gv_launch *done;

    if (!eng) {
        return false;
    }
    pthread_mutex_lock(&eng->lock);
    while (wait && !chan_ended(eng, chid)) {
        pthread_cond_wait(&eng->done_cv, &eng->lock);
    }
    done = take_ended(eng, chid);
    pthread_mutex_unlock(&eng->lock);
    if (!done) {
        return false;
    }
    while (done) {
        struct gv_launch *L = done;

        done = L->next;
        gv_launch_complete(dev, L);
        gv_launch_free(dev, L);
    }
    return true;
}

void gv_engine_abort(struct gv_dev *dev)
{
    struct gv_engine *eng = dev->eng;
    struct gv_launch *all;
    bool running;

    if (!eng) {
        return;
    }
    pthread_mutex_lock(&eng->lock);
    /* Stop them all: a launch without a slot has ended at once, the
     * others end at their SMs' next check. */
    for (struct gv_launch *L = eng->head; L; L = L->next) {
        int none = GV_ERR_NONE;

        atomic_compare_exchange_strong(&L->status, &none, GV_ERR_TIMEOUT);
        if (L->resident == 0) {
            L->finished = true;
        }
    }
    do {
        running = false;
        for (struct gv_launch *L = eng->head; L; L = L->next) {
            running |= !L->finished;
        }
        if (running) {
            pthread_cond_wait(&eng->done_cv, &eng->lock);
        }
    } while (running);
    all = eng->head;
    eng->head = NULL;
    pthread_mutex_unlock(&eng->lock);
    while (all) {
        struct gv_launch *L = all;

        all = L->next;
        gv_launch_free(dev, L);
    }
    /* A module decoded for a context that no longer exists is useless. */
    gv_modcache_clear(dev);
}

void gv_engine_free(struct gv_dev *dev)
{
    struct gv_engine *eng = dev->eng;

    if (!eng) {
        return;
    }
    gv_engine_abort(dev);
    pthread_mutex_lock(&eng->lock);
    eng->quit = true;
    pthread_cond_broadcast(&eng->work_cv);
    pthread_mutex_unlock(&eng->lock);
    for (unsigned k = 0; k < eng->nthreads; k++) {
        pthread_join(eng->th[k], NULL);
    }
    for (unsigned k = 0; k < eng->nsm; k++) {
        for (unsigned s = 0; s < GV_SM_SLOTS; s++) {
            struct gv_sm *sm = eng->smt[k].slot[s];

            if (sm) {
                free(sm->warps);
                free(sm->regs);
                free(sm->local);
                free(sm->shared);
                free(sm);
            }
        }
    }
    pthread_mutex_destroy(&eng->lock);
    pthread_cond_destroy(&eng->work_cv);
    pthread_cond_destroy(&eng->done_cv);
    free(eng->smt);
    free(eng->th);
    free(eng);
    dev->eng = NULL;
}

bool gv_engine_busy(struct gv_dev *dev)
{
    struct gv_engine *eng = dev->eng;
    bool busy;

    if (!eng) {
        return false;
    }
    pthread_mutex_lock(&eng->lock);
    busy = eng->head != NULL;
    pthread_mutex_unlock(&eng->lock);
    return busy;
}

unsigned gv_dev_compute_max_concurrent(const struct gv_dev *dev)
{
    struct gv_engine *eng = dev->eng;
    unsigned n;

    if (!eng) {
        return 0;
    }
    pthread_mutex_lock(&eng->lock);
    n = eng->max_executing;
    pthread_mutex_unlock(&eng->lock);
    return n;
}
