/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compiled tier (gv_jit.h).  This file
 * finds the regions at decode time, runs the compiled ones, and decides
 * when to compile; gv_jit_gen.c writes their C and compiles it.
 */
/* The checks' loops over a gang's lanes and runs (gv_gang_not_taken's
 * OR and AND of the predicate slots): vectorised whatever the build
 * type, as gv_simt.c's. */
#pragma GCC optimize("O3")

#include "gv_jit.h"
#include "gv_jit_int.h"
#include "gv_internal.h"
#include "gv_simt_mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A gang short of the watchdog's countdown for a region checks the time
 * and then has the whole countdown (run_gang): enough for any region. */
_Static_assert((GV_JIT_MAXLEN + 1) * GV_JIT_MAXG < GV_SIMT_CHECK_EVERY,
               "a region fits between two watchdog checks");

/* Is @x a kind a region may hold?  (unguarded; an S2R only of a register
 * the region can compute: tid.x, the lane, or one of the block's) */
static bool region_kind(const struct gv_kfunc *kf, const struct gv_dinsn *x)
{
    if (x->guard) {
        return false;                   /* guarded, or a join point */
    }
    switch (x->k) {
    case GV_K_NOP: case GV_K_FMAF: case GV_K_FMAD: case GV_K_MADDR:
    case GV_K_LDG32: case GV_K_LDG64: case GV_K_STG32: case GV_K_STG64:
        return true;
    case GV_K_LDP_UNI:
        return x->a / GV_WARP >= kf->nregs &&
               x->a / GV_WARP + 1 < kf->nslots;
    case GV_K_S2R:
        return gv_jit_sreg_ok(x->mod);
#define JIT_LANE_KIND(P, K, E) case K:
    GV_JIT_LANE_KINDS(JIT_LANE_KIND)
#undef JIT_LANE_KIND
        return true;
    default:
        return false;
    }
}

bool gv_jit_bra(const struct gv_kfunc *kf, const struct gv_dinsn *x)
{
    return gv_guarded_bra(x) && x->g / GV_WARP < kf->nregs;
}

bool gv_jit_mem(unsigned k)
{
    return k == GV_K_LDG32 || k == GV_K_LDG64 || k == GV_K_STG32 ||
           k == GV_K_STG64;
}

bool gv_jit_uni(unsigned k, unsigned mod)
{
    return k == GV_K_LDP_UNI ||
           (k == GV_K_S2R && mod != GV_SR_TID_X && mod != GV_SR_LANEID);
}

/* Does the list @t of @n slots hold @s? */
static bool has_slot(const uint32_t *t, uint32_t n, uint32_t s)
{
    for (uint32_t j = 0; j < n; j++) {
        if (t[j] == s) {
            return true;
        }
    }
    return false;
}

/* The length of the region from @pc: eligible instructions, at most
 * GV_JIT_MAXLEN of them, GV_JIT_MAXMEM accesses and GV_JIT_MAXUNI uniform
 * values, and no access whose address depends on a load of the region
 * (the tainted registers: a load's result, and what is computed from
 * one). */
static uint32_t region_len(const struct gv_kfunc *kf, uint32_t pc, bool bra)
{
    uint32_t taint[GV_JIT_MAXLEN], nt = 0, nmem = 0, nuni = 0, len;

    for (len = 0; pc + len < kf->ncode && len < GV_JIT_MAXLEN; len++) {
        const struct gv_dinsn own = gv_jit_own(&kf->code[pc + len]);
        const struct gv_dinsn *x = &own;
        bool load = x->k == GV_K_LDG32 || x->k == GV_K_LDG64, from;

        if (!(bra && gv_jit_bra(kf, x)) && !region_kind(kf, x)) {
            break;
        }
        if (gv_jit_bra(kf, x)) {
            /* its predicate is computed by the address function: not
             * from a load */
            if (has_slot(taint, nt, x->g)) {
                break;
            }
            continue;
        }
        if (gv_jit_mem(x->k)) {
            if (has_slot(taint, nt, x->a) || nmem == GV_JIT_MAXMEM) {
                break;
            }
            nmem++;
        }
        if (gv_jit_uni(x->k, x->mod)) {
            if (nuni == GV_JIT_MAXUNI) {
                break;
            }
            nuni++;
        }
        if (gv_jit_mem(x->k) && !load) {
            continue;                   /* a store writes no register */
        }
        from = load || has_slot(taint, nt, x->a) ||
               has_slot(taint, nt, x->b) || has_slot(taint, nt, x->c);
        for (uint32_t j = 0; j < nt; j++) {
            if (taint[j] == x->d) {
                taint[j] = taint[--nt];
                break;
            }
        }
        if (from) {
            taint[nt++] = x->d;
        }
    }
    return len;
}

/* What the runtime needs of region @r: its accesses, and whether it
 * reads tid.x. */
static void region_info(const struct gv_kfunc *kf, struct gv_jreg *r)
{
    for (uint32_t k = 0; k < r->len; k++) {
        const struct gv_dinsn own = gv_jit_own(&kf->code[r->pc + k]);
        const struct gv_dinsn *x = &own;

        r->tid |= x->k == GV_K_S2R && x->mod == GV_SR_TID_X;
        r->nbra += gv_jit_bra(kf, x);
        r->setp_end = k + 1 == r->len && x->k >= GV_K_SETP_S32 &&
                      x->k <= GV_K_SETP_F32;
        if (gv_jit_uni(x->k, x->mod)) {
            struct gv_juni *u = &r->uni[r->nuni++];

            u->param = x->k == GV_K_LDP_UNI;
            u->type = x->type;
            u->sreg = x->mod;
            u->off = u->param ? kf->consts[x->a / GV_WARP - kf->nregs] +
                                    (uint64_t)(int64_t)x->imm : 0;
        }
        if (gv_jit_mem(x->k)) {
            struct gv_jmem *m = &r->mem[r->nmem++];

            m->size = x->k == GV_K_LDG64 || x->k == GV_K_STG64 ? 8 : 4;
            m->write = x->k == GV_K_STG32 || x->k == GV_K_STG64;
            m->imm = x->imm;
            r->nstores += m->write;
        }
    }
}

/* Room for one more region in @r (*@cap of them, @n used): NULL if
 * none.  Doubling: AES kernels have thousands of regions. */
static struct gv_jreg *region_new(struct gv_jreg **r, uint32_t n,
                                  uint32_t *cap)
{
    if (n == *cap) {
        struct gv_jreg *nr = realloc(*r, (*cap ? 2 * *cap : 8) *
                                             sizeof(**r));

        if (!nr) {
            return NULL;
        }
        *r = nr;
        *cap = *cap ? 2 * *cap : 8;
    }
    memset(&(*r)[n], 0, sizeof((*r)[n]));
    return &(*r)[n];
}

/* Is the function from its first instruction one region (with branches
 * that no lane may take) up to an exit?  Its length, else 0. */
static uint32_t whole_len(const struct gv_kfunc *kf)
{
    uint32_t len = region_len(kf, 0, true);

    if (len < GV_JIT_MINLEN || len >= kf->ncode ||
        kf->code[len].k != GV_K_EXIT ||
        (kf->code[len].guard & (GV_G_ON | GV_G_NEG))) {
        return 0;
    }
    return len;
}

void gv_jit_scan(struct gv_kfunc *kf)
{
    struct gv_jreg *r = NULL, *x;
    uint32_t n = 0, cap = 0, whole;

    kf->jit = NULL;
    kf->jit_at = NULL;
    for (uint32_t pc = 0; pc < kf->ncode;) {
        uint32_t len = region_len(kf, pc, false);

        if (len < GV_JIT_MINLEN) {
            pc += len ? len : 1;
            continue;
        }
        if (!kf->jit_at) {
            kf->jit_at = calloc(kf->ncode, sizeof(*kf->jit_at));
            if (!kf->jit_at) {
                break;
            }
        }
        if (!(x = region_new(&r, n, &cap))) {
            break;
        }
        x->pc = pc;
        x->len = len;
        region_info(kf, x);
        kf->jit_at[pc] = ++n;
        pc += len;
    }
    /* the whole function as one region besides (gv_jit_block): the first
     * region itself when it is all of it */
    whole = whole_len(kf);
    if (whole && kf->jit_at && kf->jit_at[0] && r[0].len == whole) {
        r[0].whole = true;
    } else if (whole && (x = region_new(&r, n, &cap))) {
        x->len = whole;
        x->whole = true;
        region_info(kf, x);
        n++;
    }
    if (!n) {
        free(r);
        free(kf->jit_at);
        kf->jit_at = NULL;
        return;
    }
    kf->jit = calloc(1, sizeof(*kf->jit));
    if (!kf->jit) {
        free(r);
        free(kf->jit_at);
        kf->jit_at = NULL;
        return;
    }
    kf->jit->r = r;
    kf->jit->n = n;
    for (uint32_t k = 0; k < n; k++) {
        if (r[k].whole) {
            kf->jit->whole = k + 1;
        }
    }
    atomic_init(&kf->jit->refs, 1);
}

/* Let go of @j: the last one frees it. */
static void jit_put(struct gv_jit *j)
{
    if (atomic_fetch_sub(&j->refs, 1) == 1) {
        gv_jit_unload(j);
        free(j->r);
        free(j);
    }
}

void gv_jit_free(struct gv_kfunc *kf)
{
    if (kf->jit) {
        jit_put(kf->jit);
    }
    free(kf->jit_at);
    kf->jit = NULL;
    kf->jit_at = NULL;
}

uint32_t gv_jit_ready(const struct gv_kfunc *kf)
{
    struct gv_jit *j = kf->jit;
    uint32_t n = 0;

    if (!j || atomic_load_explicit(&j->state, memory_order_acquire) !=
        GV_JIT_READY) {
        return 0;
    }
    for (uint32_t k = 0; k < j->n; k++) {
        n += j->r[k].body != NULL;
    }
    return n;
}

/* Compile @text into @j and publish the result (the state last). */
static void jit_finish(struct gv_jit *j, const char *text)
{
    int rc = text ? gv_jit_load(j, text, j->why, sizeof(j->why)) : -1;

    if (!text) {
        snprintf(j->why, sizeof(j->why), "out of memory writing the code");
    }
    atomic_store_explicit(&j->state, rc ? GV_JIT_FAILED : GV_JIT_READY,
                          memory_order_release);
}

int gv_jit_compile(const struct gv_kfunc *kf, char *why, size_t why_len)
{
    struct gv_jit *j = kf->jit;
    unsigned cold = GV_JIT_COLD;

    if (!j) {
        snprintf(why, why_len, "no region to compile");
        return -1;
    }
    if (atomic_compare_exchange_strong(&j->state, &cold, GV_JIT_BUSY)) {
        char *text;

        for (uint32_t k = 0; k < j->n; k++) {
            j->r[k].want = true;
        }
        text = gv_jit_text(kf);

        jit_finish(j, text);
        free(text);
    }
    while (atomic_load_explicit(&j->state, memory_order_acquire) ==
           GV_JIT_BUSY) {
        /* asleep: the compiler needs the host's cores (a spinning SM
         * took one of two from it) */
        nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL);
    }
    if (atomic_load(&j->state) != GV_JIT_READY) {
        snprintf(why, why_len, "%s", j->why);
        return -1;
    }
    return 0;
}

/* Background compilations running (all devices): at most two at once, so
 * a guest loading many hot modules takes at most two host cores for it. */
static atomic_uint jit_busy;

unsigned gv_jit_busy(void)
{
    return atomic_load(&jit_busy);
}

struct jit_job {
    struct gv_jit *j;
    char *text;
};

static void *jit_thread(void *p)
{
    struct jit_job *job = p;

    jit_finish(job->j, job->text);
    free(job->text);
    jit_put(job->j);
    free(job);
    atomic_fetch_sub(&jit_busy, 1);
    return NULL;
}

/* The regions a background compilation takes: those gangs reached so
 * far, the most reached first, up to GV_JIT_BUDGET instructions (a
 * function's every region can be much C: AES kernels' thousands of
 * instructions took the compiler half a minute). */
static void jit_choose(struct gv_jit *j)
{
    uint32_t left = GV_JIT_BUDGET;

    for (uint32_t k = 0; k < j->n; k++) {
        j->r[k].want = false;
    }
    for (;;) {
        uint32_t best = UINT32_MAX, most = 0;

        for (uint32_t k = 0; k < j->n; k++) {
            unsigned h = atomic_load_explicit(&j->r[k].hits,
                                              memory_order_relaxed);

            if (!j->r[k].want && h > most && j->r[k].len <= left) {
                best = k;
                most = h;
            }
        }
        if (best == UINT32_MAX) {
            return;
        }
        j->r[best].want = true;
        left -= j->r[best].len;
    }
}

/* Compile @kf's regions in a thread of their own, the SMs interpreting
 * meanwhile: the C is written here (it reads the function, which the
 * launch keeps), the compilation there (it holds @j only). */
static void jit_start(const struct gv_kfunc *kf)
{
    struct gv_jit *j = kf->jit;
    unsigned cold = GV_JIT_COLD;
    struct jit_job *job;
    pthread_attr_t attr;
    pthread_t th;

    if (atomic_fetch_add(&jit_busy, 1) >= 2) {
        atomic_fetch_sub(&jit_busy, 1);         /* later: a visit again */
        return;
    }
    if (!atomic_compare_exchange_strong(&j->state, &cold, GV_JIT_BUSY)) {
        atomic_fetch_sub(&jit_busy, 1);
        return;
    }
    jit_choose(j);
    job = malloc(sizeof(*job));
    if (job) {
        job->j = j;
        job->text = gv_jit_text(kf);
    }
    if (!job || !job->text) {
        free(job);
        jit_finish(j, NULL);
        atomic_fetch_sub(&jit_busy, 1);
        return;
    }
    atomic_fetch_add(&j->refs, 1);
    if (pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&th, &attr, jit_thread, job) == 0) {
            pthread_attr_destroy(&attr);
            return;
        }
        pthread_attr_destroy(&attr);
    }
    snprintf(j->why, sizeof(j->why), "no thread for the compilation");
    atomic_store_explicit(&j->state, GV_JIT_FAILED, memory_order_release);
    atomic_fetch_sub(&j->refs, 1);
    free(job->text);
    free(job);
    atomic_fetch_sub(&jit_busy, 1);
}

/* Report the outcome of @j's compilation to the host, once. */
static void jit_tell(struct gv_launch *L, struct gv_jit *j)
{
    unsigned s = atomic_load_explicit(&j->state, memory_order_acquire);
    unsigned regions = 0, insns = 0;

    /* told: read first (a shared line; no write on every visit) */
    if ((s != GV_JIT_READY && s != GV_JIT_FAILED) ||
        atomic_load_explicit(&j->told, memory_order_relaxed) ||
        atomic_exchange(&j->told, true)) {
        return;
    }
    for (uint32_t k = 0; k < j->n; k++) {
        if (j->r[k].body) {
            regions++;
            insns += j->r[k].len;
        }
    }
    if (L->dev->ops && L->dev->ops->jit) {
        L->dev->ops->jit(L->dev->opaque, s == GV_JIT_READY, regions, insns,
                         s == GV_JIT_READY ? "" : j->why);
    }
}

/* Is the code of @kf's regions ready?  Counts the gang's visit while it
 * is not; on the device's threshold, compiles: at once in this SM's
 * thread when the threshold is 0 (tests, benchmarks: the first gang runs
 * compiled code, and the other SMs wait for it), else in the background
 * (a guest's launch never waits for the compiler: it runs interpreted
 * until the code is ready). */
static bool jit_ready(struct gv_launch *L, const struct gv_kfunc *kf)
{
    struct gv_jit *j = kf->jit;
    unsigned s = atomic_load_explicit(&j->state, memory_order_acquire);
    char why[8];

    if (s == GV_JIT_READY) {
        jit_tell(L, j);
        return true;
    }
    if (!L->dev->compute_jit_after) {
        /* compiles, or waits for the SM that compiles */
        bool ok = s != GV_JIT_FAILED &&
                  gv_jit_compile(kf, why, sizeof(why)) == 0;

        jit_tell(L, j);
        return ok;
    }
    if (s == GV_JIT_FAILED) {
        jit_tell(L, j);
    }
    if (s != GV_JIT_COLD) {
        return false;
    }
    if (atomic_fetch_add_explicit(&j->hits, 1, memory_order_relaxed) + 1 >=
        L->dev->compute_jit_after) {
        jit_start(kf);
    }
    return false;
}

/* The values of the region's uniform instructions, for the gang at
 * @w0: false if one cannot be had here (a parameter out of range: the
 * interpreter faults). */
static bool region_uniforms(struct gv_launch *L, struct gv_sm *sm,
                            struct gv_warp *w0, const struct gv_jreg *r,
                            uint64_t *U)
{
    for (uint32_t k = 0; k < r->nuni; k++) {
        const struct gv_juni *u = &r->uni[k];
        const uint8_t *p;

        if (!u->param) {
            U[k] = gv_simt_sreg(L, sm, w0, u->sreg, 0);
            continue;
        }
        p = gv_param_ptr(L, u->off, tbits(u->type) / 8, false);
        if (!p) {
            return false;
        }
        U[k] = gv_simt_load(p, u->type);
    }
    return true;
}

/* May the accesses @k1 and @k2 of the gang's @n warps (runs at @P) run
 * in the compiled order (warp after warp, each lane's instructions in
 * turn) instead of the interpreter's (instruction after instruction)?
 * Yes if neither stores, or if their runs (host addresses: two pages of
 * the channel may be one of VRAM) do not overlap, except a warp's run of
 * one with the same warp's identical run of the other (each lane then
 * reads and writes only its own bytes, in its own order).  The runs of
 * one access need no check: both orders take the warps in turn. */
static bool pair_apart(const struct gv_jreg *r, uint32_t n, uint8_t **P,
                       uint32_t k1, uint32_t k2)
{
    const uintptr_t s1 = r->mem[k1].size * GV_WARP;
    const uintptr_t s2 = r->mem[k2].size * GV_WARP;

    if (!r->mem[k1].write && !r->mem[k2].write) {
        return true;
    }
    for (uint32_t g1 = 0; g1 < n; g1++) {
        uintptr_t x = (uintptr_t)P[g1 * r->nmem + k1];

        for (uint32_t g2 = 0; g2 < n; g2++) {
            uintptr_t y = (uintptr_t)P[g2 * r->nmem + k2];

            if (x < y + s2 && y < x + s1 &&
                !(g1 == g2 && x == y && s1 == s2)) {
                return false;
            }
        }
    }
    return true;
}

/* Are access @k's runs in the gang's @n warps one run, each warp's after
 * the one before, that lies in one page the channel may access so?  Then
 * its runs are at @P (one check and translation for the gang, as
 * gv_global_run_ptr does for each warp's: the same pages, the same
 * rules); false: nothing is known. */
static bool gang_run(struct gv_launch *L, struct gv_sm *sm,
                     const struct gv_jreg *r, uint32_t n,
                     const uint64_t *base, uint32_t k, uint8_t **P)
{
    const struct gv_jmem *m = &r->mem[k];
    const uint64_t len = (uint64_t)m->size * GV_WARP;
    uint64_t off = 0;
    uint8_t *p;

    for (uint32_t g = 1; g < n; g++) {
        off |= base[g * r->nmem + k] - base[k] - g * len;
    }
    if (off) {
        return false;
    }
    p = gv_global_run_ptr(L, sm, base[k] + (uint64_t)(int64_t)m->imm,
                          m->size, n * GV_WARP, m->write);
    if (!p) {
        return false;
    }
    for (uint32_t g = 0; g < n; g++) {
        P[g * r->nmem + k] = p + g * len;
    }
    return true;
}

/* Every access's run, translated (each warp's 32 lanes one aligned run
 * in one page that the channel may access so), and pair_apart for every
 * two accesses whose spans (all their warps' runs, @lo to @hi) meet:
 * false if any is not so. */
static bool region_runs(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_jreg *r, uint32_t n,
                        const uint64_t *base, uint8_t **P)
{
    uintptr_t lo[GV_JIT_MAXMEM], hi[GV_JIT_MAXMEM];
    bool gang[GV_JIT_MAXMEM];

    for (uint32_t k = 0; k < r->nmem; k++) {
        const struct gv_jmem *m = &r->mem[k];
        const uint64_t len = (uint64_t)m->size * GV_WARP;
        uint64_t lastp = UINT64_MAX;
        uint8_t *page = NULL;

        if ((gang[k] = gang_run(L, sm, r, n, base, k, P))) {
            lo[k] = (uintptr_t)P[k];
            hi[k] = (uintptr_t)P[k] + n * len;
            continue;
        }
        lo[k] = UINTPTR_MAX;
        hi[k] = 0;
        for (uint32_t g = 0; g < n; g++) {
            uint64_t va = base[g * r->nmem + k] + (uint64_t)(int64_t)m->imm;
            uint64_t in_page = va & (GV_PAGE_SIZE - 1);
            uint8_t *p;

            /* the page the warp before checked and translated for this
             * access: its run checked here as gv_global_run_ptr does */
            if (va >> GV_PAGE_SHIFT == lastp && gv_aligned(va, m->size) &&
                gv_range_ok(in_page, len, GV_PAGE_SIZE)) {
                p = page + in_page;
            } else {
                p = gv_global_run_ptr(L, sm, va, m->size, GV_WARP, m->write);
                if (!p) {
                    return false;
                }
                lastp = va >> GV_PAGE_SHIFT;
                page = p - in_page;
            }
            P[g * r->nmem + k] = p;
            lo[k] = (uintptr_t)p < lo[k] ? (uintptr_t)p : lo[k];
            hi[k] = (uintptr_t)p + len > hi[k] ? (uintptr_t)p + len : hi[k];
        }
    }
    for (uint32_t k1 = 0; r->nstores && k1 < r->nmem; k1++) {
        for (uint32_t k2 = k1 + 1; k2 < r->nmem; k2++) {
            if (lo[k1] >= hi[k2] || lo[k2] >= hi[k1]) {
                continue;
            }
            if (gang[k1] && gang[k2] &&
                (r->mem[k1].write || r->mem[k2].write)) {
                /* two gangs' runs that meet: apart only if the same (each
                 * warp's run then the same, as pair_apart allows) */
                if (lo[k1] != lo[k2] || hi[k1] != hi[k2]) {
                    return false;
                }
                continue;
            }
            if (!pair_apart(r, n, P, k1, k2)) {
                return false;
            }
        }
    }
    return true;
}

/* Does no lane of the gang take the branch after region @r?  Where the
 * region ends with the setp the branch is guarded by, the body's OR and
 * AND of its result (@pred) say; otherwise the predicate's slots. */
static bool not_taken(const struct gv_kfunc *kf, const struct gv_jreg *r,
                      uint32_t pred, const struct gv_warp *w0, uint32_t n)
{
    const struct gv_dinsn *br = &kf->code[r->pc + r->len];
    const struct gv_dinsn last = gv_jit_own(&kf->code[r->pc + r->len - 1]);

    if (!r->setp_end || !gv_guarded_bra(br) || br->g != last.d) {
        return gv_gang_not_taken(w0, br, n);
    }
    return (br->guard & GV_G_NEG) ? (pred & 2) != 0 : (pred & 1) == 0;
}

/* Region @r for the gang, if its checks pass (nothing done if not);
 * *@pred: the body's value. */
static bool run_region(struct gv_launch *L, struct gv_sm *sm,
                       struct gv_warp *w0, uint32_t n, size_t st,
                       const struct gv_jreg *r, uint32_t *pred)
{
    uint64_t U[GV_JIT_MAXUNI], base[GV_JIT_MAXG * GV_JIT_MAXMEM];
    uint8_t *P[GV_JIT_MAXG * GV_JIT_MAXMEM];
    uint32_t T[GV_JIT_MAXG];

    if (!r->body) {
        return false;
    }
    if (r->tid) {
        /* tid.x = the warp's first thread's + the lane (s2r's form) */
        if (L->block[0] % GV_WARP && L->block[1] * L->block[2] != 1) {
            return false;
        }
        /* consecutive warps: one tid.x after the other, modulo a row
         * that is a multiple of GV_WARP (or is the whole block) */
        T[0] = (w0->id * GV_WARP) % L->block[0];
        for (uint32_t g = 1; g < n; g++) {
            T[g] = T[g - 1] + GV_WARP == L->block[0] ? 0
                                                      : T[g - 1] + GV_WARP;
        }
    }
    if (!region_uniforms(L, sm, w0, r, U)) {
        return false;
    }
    if ((r->nmem || r->nbra) &&
        (!r->addr(w0->R, st, n, U, T, L->data_va, base) ||
         !region_runs(L, sm, r, n, base, P))) {
        return false;
    }
    *pred = r->body(w0->R, st, n, U, T, L->data_va, P);
    return true;
}

uint32_t gv_jit_gang(struct gv_launch *L, struct gv_sm *sm,
                     struct gv_warp *w0, uint32_t n, size_t st,
                     uint64_t budget, uint64_t *lanes, bool *short_of)
{
    const struct gv_kfunc *kf = L->f;
    uint32_t pc = w0->pc, done = 0;

    *lanes = 0;
    *short_of = false;
    if (n > GV_JIT_MAXG) {
        return 0;
    }
    if (atomic_load_explicit(&kf->jit->state, memory_order_relaxed) ==
        GV_JIT_COLD) {
        /* a region reached while cold: hot, compiled (jit_start); not
         * counted once compiled or failed (a shared line in the hot path
         * of a host without a compiler) */
        atomic_fetch_add_explicit(&kf->jit->r[kf->jit_at[pc] - 1].hits, 1,
                                  memory_order_relaxed);
    }
    if (!jit_ready(L, kf)) {
        return 0;
    }
    /* regions one after the other, across the branches between them that
     * no lane takes (the `if (i < n)` of a kernel) */
    while (pc < kf->ncode && kf->jit_at[pc]) {
        const struct gv_jreg *r = &kf->jit->r[kf->jit_at[pc] - 1];

        uint32_t pred;

        if (budget <= (uint64_t)(done + r->len + 1) * n) {
            *short_of = !done;
            break;
        }
        if (!run_region(L, sm, w0, n, st, r, &pred)) {
            break;
        }
        done += r->len;
        pc += r->len;
        /* a branch no lane takes: issued, no lane (gv_gang_not_taken) */
        *lanes += (uint64_t)(r->len - r->nbra) * n * GV_WARP;
        if (pc >= kf->ncode || !not_taken(kf, r, pred, w0, n)) {
            break;
        }
        done++;
        pc++;
    }
    return done;
}

bool gv_jit_block(struct gv_launch *L, struct gv_sm *sm, uint64_t b)
{
    const struct gv_kfunc *kf = L->f;
    const uint32_t nw = L->nwarps;
    struct gv_jreg *r;
    struct gv_warp *w0 = &sm->warps[0];
    uint64_t cost, lanes;
    uint32_t pred;

    if (!kf->jit || !kf->jit->whole || L->nthreads % GV_WARP ||
        nw > GV_JIT_MAXG || L->dev->compute_solo) {
        return false;
    }
    r = &kf->jit->r[kf->jit->whole - 1];
    if (atomic_load_explicit(&kf->jit->state, memory_order_relaxed) ==
        GV_JIT_COLD) {
        /* reached while cold, as gv_jit_gang counts its regions */
        atomic_fetch_add_explicit(&r->hits, 1, memory_order_relaxed);
    }
    if (!jit_ready(L, kf)) {
        return false;
    }
    /* each warp: the region, then the exit (the watchdog's count) */
    cost = (uint64_t)(r->len + 1) * nw;
    if (!r->body || sm->check <= cost) {
        return false;
    }
    gv_simt_block_ids(L, sm, b);
    /* what run_region reads of the first warp, as gv_simt_block_start
     * sets it (the others' state is not needed: the block is started
     * anew if the region does not run) */
    w0->R = sm->regs;
    w0->id = 0;
    if (!run_region(L, sm, w0, nw, (size_t)kf->nslots * GV_WARP, r,
                    &pred)) {
        return false;
    }
    lanes = (uint64_t)(r->len - r->nbra) * nw * GV_WARP;
    sm->check -= (unsigned)cost;
    sm->jit_insns += lanes;
    sm->lane_insns += lanes + (uint64_t)nw * GV_WARP;  /* and the exit */
    return true;
}
