/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: the guest fuzzer (docs/fuzzing.md).
 *
 *   gv-fuzz [--seed S] [--seconds N] [--steps N] [--max-len N]
 *           [--out DIR] [--corpus DIR]        a campaign (seeded from
 *                                             the step files of DIR)
 *   gv-fuzz --replay FILE                     one saved input again
 *
 * Without options the kernel command line gives them (gv.fuzz_seed=,
 * gv.fuzz_secs=, gv.fuzz_steps=), so the boot harness can run it as a
 * guest test; gv.fuzz_edges=cov or =none runs the edge-coverage check
 * instead (the guest-edges tests).
 * Coverage: the rules hit (the debug block's map) and, in a coverage QEMU
 * (scripts/build-qemu.sh --coverage), the edges of the device core hit:
 * an input that reaches a new rule or raises the edge count joins the
 * corpus.  Lines starting with "@@GVF-" are for the host
 * (scripts/fuzz.sh): the seed first, figures every few seconds, each
 * finding as hex lines of its step file, the unreached rules and the
 * corpus (hex lines of each input's step file) at the end.
 * The exit status is 1 if an oracle was violated, 2 if the fuzzer could
 * not run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../gvtest.h"
#include "gvf.h"

#define CORPUS_MAX      512u
#define FINDINGS_MAX    16u
#define VICTIM_EVERY    4u      /* inputs between victim checks */
#define FULL_SCAN_MS    60000u  /* between scans of all of BAR2 */
#define STAT_MS         5000u
#define SEEDS_MAX       1024u   /* step files read from --corpus DIR */

struct campaign {
    uint64_t seed, steps_max;
    double secs;
    unsigned max_len;
    const char *out, *corpus_dir;
    struct gvf_world w;
    struct gvf_rng rng;
    struct gvf_input corpus[CORPUS_MAX];
    unsigned ncorpus, nfindings, nviolations;
    char finding_why[FINDINGS_MAX][256];
    uint32_t map[GV_DBG_HIT_MAP_WORDS];
    bool edges_on;                      /* a coverage QEMU */
    uint32_t edges;                     /* the edge count, last read */
    unsigned kept_edges;                /* corpus inputs kept for edges */
    /* per corpus input: kept for a new rule (else for edges alone), and
     * the edges it added (exported: the merge's choice of edge inputs) */
    bool kept_rule[CORPUS_MAX];
    uint32_t gained[CORPUS_MAX];
    uint64_t steps, inputs, skipped, refused;
    double t0, last_scan, last_stat, scan_s;
};

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned rules_hit(const uint32_t *map)
{
    return gvf_map_count(map) - (map[0] & 1);   /* rule 0 is "none" */
}

/* ---- step files (gvf_step.c) ---- */

/* The host reads a step file back from the console: @tag, @n, then hex,
 * 64 bytes a line (scripts/fuzz.sh: findings, the corpus). */
static void print_hex(const char *tag, unsigned n, uint64_t seed,
                      const struct gvf_input *in)
{
    size_t len;
    uint8_t *b = gvf_stepf_encode(seed, in, &len);

    if (!b) {
        return;
    }
    for (size_t o = 0; o < len; o += 64) {
        printf("%s %u ", tag, n);
        for (size_t i = o; i < len && i < o + 64; i++) {
            printf("%02x", b[i]);
        }
        printf("\n");
    }
    free(b);
}

static void describe(const struct gvf_input *in)
{
    for (uint32_t i = 0; i < in->nsteps; i++) {
        const struct gvf_step *s = gvf_step_at(in, i);

        printf("#   step %u: %s chan %u a 0x%x b 0x%llx, %u bytes\n", i,
               gvf_kind_name(s->kind), s->chan, s->a,
               (unsigned long long)s->b, s->len);
    }
}

static void finding(struct campaign *c, const struct gvf_input *in,
                    uint32_t upto, const struct gvf_verdict *v)
{
    struct gvf_input cut = { 0 };
    unsigned n;
    char path[512];

    c->nviolations++;
    for (n = 0; n < c->nfindings; n++) {
        if (!strcmp(c->finding_why[n], v->why)) {
            printf("@@GVF-AGAIN %u at %.1f s: %s\n", n,
                   now() - c->t0, v->why);
            return;
        }
    }
    if (c->nfindings == FINDINGS_MAX) {
        return;
    }
    n = c->nfindings++;
    snprintf(c->finding_why[n], sizeof(c->finding_why[n]), "%s", v->why);
    /* the input up to the step after which the oracle failed */
    cut.buf = in->buf;
    cut.nsteps = upto + 1 < in->nsteps ? upto + 1 : in->nsteps;
    if (cut.nsteps) {
        const struct gvf_step *last = gvf_step_at(in, cut.nsteps - 1);

        cut.size = (uint32_t)((const uint8_t *)last - in->buf) +
                   ((uint32_t)sizeof(*last) + last->len + 7) / 8 * 8;
    }
    printf("@@GVF-FINDING %u seed=%llu input=%llu steps=%u at %.1f s: %s\n",
           n, (unsigned long long)c->seed, (unsigned long long)c->inputs,
           cut.nsteps, now() - c->t0, v->why);
    describe(&cut);
    print_hex("@@GVF-HEX", n, c->seed, &cut);
    snprintf(path, sizeof(path), "%s/finding-%u.gvfs", c->out, n);
    if (gvf_stepf_save(path, c->seed, &cut) == 0) {
        printf("#   saved as %s (gv-fuzz --replay %s)\n", path, path);
    }
    fflush(stdout);
}

/* ---- one input ---- */

static void slow(const char *what, double t0)
{
    if (now() - t0 > 1.0) {
        printf("@@GVF-SLOW %.1f s: %s\n", now() - t0, what);
    }
}

/* Runs @in; returns the index of the step after which an oracle failed,
 * or -1.  @v says why. */
static int run_input(struct campaign *c, const struct gvf_input *in,
                     bool victim, bool full, struct gvf_verdict *v)
{
    struct gvf_world *w = &c->w;
    int bad = -1;

    double t0 = now();

    memset(v, 0, sizeof(*v));
    if (gvf_input_begin(w) != 0) {
        snprintf(v->why, sizeof(v->why), "the world could not be rebuilt "
                 "(victim, driver or attacker)");
        v->bad = true;
        return 0;
    }
    slow("input begin", t0);
    for (uint32_t i = 0; i < in->nsteps; i++) {
        const struct gvf_step *s = gvf_step_at(in, i);
        double t = now();
        int r = gvf_exec(w, s);

        if (now() - t > 1.0) {          /* slow steps say what they were */
            printf("@@GVF-SLOW %.1f s: step %u %s chan %u a 0x%x: %d\n",
                   now() - t, i, gvf_kind_name(s->kind), s->chan, s->a, r);
        }
        c->steps++;
        c->skipped += r < 0;
        c->refused += r > 0;
        gvf_check(w, v);
        if (!v->bad && w->why[0]) {
            v->bad = true;
            snprintf(v->why, sizeof(v->why), "%s", w->why);
            w->why[0] = 0;
        }
        if (v->bad) {
            return (int)i;
        }
    }
    bad = (int)in->nsteps - 1;
    t0 = now();
    gvf_leak(w, full, v);
    if (!v->bad && victim) {
        gvf_victim(w, v);
    }
    slow("oracles", t0);
    t0 = now();
    gvf_input_end(w);
    slow("input end", t0);
    return v->bad ? bad : -1;
}

/* "edges=N", or "edges=-" without a coverage QEMU */
static const char *edges_str(const struct campaign *c)
{
    static char b[16];

    if (!c->edges_on) {
        return "-";
    }
    snprintf(b, sizeof(b), "%u", c->edges);
    return b;
}

static void stat_line(struct campaign *c)
{
    double t = now() - c->t0;

    printf("@@GVF-STAT t=%.0f inputs=%llu steps=%llu steps/s=%.1f "
           "rules=%u/%u edges=%s corpus=%u findings=%u resets=%u "
           "scan=%.2fs\n", t,
           (unsigned long long)c->inputs, (unsigned long long)c->steps,
           t > 0 ? (double)c->steps / t : 0.0, rules_hit(c->map),
           GV_RULE__COUNT - 1, edges_str(c), c->ncorpus, c->nfindings,
           c->w.resets, c->scan_s);
    fflush(stdout);
}

static void pick_input(struct campaign *c, struct gvf_input *in)
{
    struct gvf_rng *r = &c->rng;

    if (c->ncorpus && gvf_below(r, 10) < 7) {
        const struct gvf_input *base = &c->corpus[gvf_below(r, c->ncorpus)];
        const struct gvf_input *other = &c->corpus[gvf_below(r, c->ncorpus)];
        struct gvf_input tmp;

        gvf_mutate(r, &c->w.k, base, other, c->max_len, in);
        for (unsigned k = gvf_below(r, 3); k; k--) {
            gvf_mutate(r, &c->w.k, in, other, c->max_len, &tmp);
            gvf_input_free(in);
            *in = tmp;
        }
    } else {
        gvf_gen_input(r, &c->w.k, c->max_len, in);
    }
}

/* The corpus keeps @in if it reached a rule no input reached before, or
 * (a coverage QEMU) raised the count of the core's edges hit. */
static void new_coverage(struct campaign *c, const struct gvf_input *in)
{
    uint32_t m[GV_DBG_HIT_MAP_WORDS];
    bool fresh = false, more_edges = false;
    uint32_t gained = 0;

    gvf_hit_map(&c->w.a, m);
    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        uint32_t nw = m[i] & ~c->map[i];

        for (unsigned b = 0; nw && b < 32; b++) {
            if (nw >> b & 1) {
                printf("@@GVF-RULE t=%.1f input=%llu %u %s\n",
                       now() - c->t0, (unsigned long long)c->inputs,
                       32 * i + b, gvf_rule_name(32 * i + b));
            }
        }
        fresh |= nw != 0;
        c->map[i] |= m[i];
    }
    if (c->edges_on) {
        /* against the last count, not the most: after a DBG_CTRL write
         * of an input cleared the map, the count starts over */
        uint32_t e = gvf_edges(&c->w.a);

        more_edges = e > c->edges;
        gained = more_edges ? e - c->edges : 0;
        c->edges = e;
    }
    if ((fresh || more_edges) && c->ncorpus < CORPUS_MAX &&
        gvf_input_copy(in, &c->corpus[c->ncorpus]) == 0) {
        c->kept_rule[c->ncorpus] = fresh;
        c->gained[c->ncorpus] = gained;
        c->ncorpus++;
        c->kept_edges += !fresh;
    }
}

/* Runs @in as one input of the campaign: oracles, findings, coverage
 * (the corpus keeps it if it reached a new rule or edges), figures. */
static void one_input(struct campaign *c, const struct gvf_input *in)
{
    struct gvf_verdict v;
    bool full = (now() - c->last_scan) * 1000 > FULL_SCAN_MS;
    double t = now();
    int bad;

    bad = run_input(c, in, c->inputs % VICTIM_EVERY == 0, full, &v);
    if (full) {
        c->scan_s = now() - t;          /* the input and its full scan */
        c->last_scan = now();
    }
    c->inputs++;
    if (v.bad) {
        finding(c, in, bad < 0 ? 0 : (uint32_t)bad, &v);
        c->w.tainted = true;            /* start the victim again */
        gvf_input_end(&c->w);
    }
    if (c->w.open) {
        new_coverage(c, in);
    }
    if ((now() - c->last_stat) * 1000 > STAT_MS) {
        stat_line(c);
        c->last_stat = now();
    }
}

static bool time_left(const struct campaign *c)
{
    return (c->secs <= 0 || now() - c->t0 < c->secs) &&
           (!c->steps_max || c->steps < c->steps_max);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The seeds: every *.gvfs step file of @dir, in name order, run first as
 * inputs of the campaign; one that reaches a rule no earlier input reached
 * joins the corpus (as any input does), so the corpus stays minimal. */
static void seeds(struct campaign *c, const char *dir)
{
    char *name[SEEDS_MAX], path[512], why[200];
    unsigned n = 0, loaded = 0, ran = 0, before = c->ncorpus;
    struct dirent *e;
    DIR *d = opendir(dir);

    if (!d) {
        printf("@@GVF-SEEDS %s: %s\n", dir, strerror(errno));
        return;
    }
    while ((e = readdir(d)) != NULL && n < SEEDS_MAX) {
        size_t l = strlen(e->d_name);

        if (l > 5 && !strcmp(e->d_name + l - 5, ".gvfs") &&
            (name[n] = strdup(e->d_name)) != NULL) {
            n++;
        }
    }
    closedir(d);
    qsort(name, n, sizeof(name[0]), by_name);
    for (unsigned i = 0; i < n; i++) {
        struct gvf_input in;
        uint64_t seed;

        snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
        if (gvf_stepf_load(path, &seed, &in, why, sizeof(why)) != 0) {
            printf("@@GVF-SEED-BAD %s: %s\n", name[i], why);
        } else if (time_left(c)) {
            loaded++;
            one_input(c, &in);
            ran++;
        } else {
            loaded++;
        }
        gvf_input_free(&in);
        free(name[i]);
    }
    printf("@@GVF-SEEDS dir=%s files=%u loaded=%u ran=%u kept=%u "
           "rules=%u/%u edges=%s\n", dir, n, loaded, ran,
           c->ncorpus - before, rules_hit(c->map), GV_RULE__COUNT - 1,
           edges_str(c));
    fflush(stdout);
}

static int campaign(struct campaign *c)
{
    char path[512];

    c->t0 = c->last_scan = c->last_stat = now();
    c->edges_on = gvf_edges_present(&c->w.a);
    printf("@@GVF-START seed=%llu seconds=%.0f steps=%llu max-len=%u "
           "edges=%s\n", (unsigned long long)c->seed, c->secs,
           (unsigned long long)c->steps_max, c->max_len,
           c->edges_on ? "on" : "off (not a coverage QEMU)");
    fflush(stdout);
    gvf_hit_map(&c->w.a, c->map);
    c->edges = c->edges_on ? gvf_edges(&c->w.a) : 0;
    if (c->corpus_dir) {
        seeds(c, c->corpus_dir);
    }
    while (time_left(c)) {
        struct gvf_input in;

        pick_input(c, &in);
        one_input(c, &in);
        gvf_input_free(&in);
    }
    {
        /* a last full check: all of BAR2, the victim */
        struct gvf_input none = { 0 };
        struct gvf_verdict v;

        run_input(c, &none, true, true, &v);
        if (v.bad) {
            finding(c, &none, 0, &v);
        }
    }
    stat_line(c);
    printf("@@GVF-UNREACHED");
    for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
        if (!(c->map[r / 32] >> (r % 32) & 1)) {
            printf(" %u:%s", r, gvf_rule_name(r));
        }
    }
    printf("\n@@GVF-DONE seed=%llu inputs=%llu steps=%llu "
           "rules=%u/%u (%.1f%%) edges=%s findings=%u violations=%u "
           "corpus=%u (%u for edges)\n",
           (unsigned long long)c->seed, (unsigned long long)c->inputs,
           (unsigned long long)c->steps, rules_hit(c->map),
           GV_RULE__COUNT - 1,
           100.0 * rules_hit(c->map) / (GV_RULE__COUNT - 1), edges_str(c),
           c->nfindings, c->nviolations, c->ncorpus, c->kept_edges);
    /* the corpus: saved in the guest, and to the host as hex lines */
    for (unsigned i = 0; i < c->ncorpus; i++) {
        snprintf(path, sizeof(path), "%s/corpus-%u.gvfs", c->out, i);
        gvf_stepf_save(path, c->seed, &c->corpus[i]);
        printf("@@GVF-CORPUS-KEPT %u %s %u\n", i,
               c->kept_rule[i] ? "rules" : "edges", c->gained[i]);
        print_hex("@@GVF-CORPUS", i, c->seed, &c->corpus[i]);
    }
    printf("@@GVF-CORPUS-END inputs=%u (saved in %s)\n", c->ncorpus,
           c->out);
    return c->nfindings ? 1 : 0;
}

static int replay(struct campaign *c, const char *path)
{
    struct gvf_input in;
    struct gvf_verdict v;
    uint64_t seed = 0;
    char why[200];
    int bad;

    if (gvf_stepf_load(path, &seed, &in, why, sizeof(why)) != 0) {
        printf("gv-fuzz: %s: not a step file: %s\n", path, why);
        return 2;
    }
    printf("gv-fuzz: replaying %s: %u steps (seed %llu)\n", path,
           in.nsteps, (unsigned long long)seed);
    describe(&in);
    bad = run_input(c, &in, true, true, &v);
    if (v.bad) {
        printf("@@GVF-REPLAY violated after step %d: %s\n", bad, v.why);
    } else {
        printf("@@GVF-REPLAY clean: every oracle held\n");
    }
    gvf_input_free(&in);
    return v.bad ? 1 : 0;
}

/* gv.fuzz_edges=cov: the device core's edges are counted (more than 0
 * after the boot, more after a few inputs), and a reset clears them;
 * gv.fuzz_edges=none: a QEMU without coverage reads 0 and says so. */
static int edge_check(struct campaign *c, bool cov)
{
    struct gva *a = &c->w.a;
    uint32_t size = gva_rd(a, GV_REG_DBG_EDGE_MAP_SIZE);
    uint32_t boot = gvf_edges(a), e0, e1, e2;
    bool ok;

    gvf_edges_reset(a);
    e0 = gvf_edges(a);
    c->t0 = c->last_scan = c->last_stat = now();
    c->edges_on = gvf_edges_present(a);
    for (unsigned i = 0; i < 8; i++) {
        struct gvf_input in;

        gvf_gen_input(&c->rng, &c->w.k, c->max_len, &in);
        one_input(c, &in);
        gvf_input_free(&in);
    }
    e1 = gvf_edges(a);
    gvf_edges_reset(a);
    e2 = gvf_edges(a);
    printf("@@GVF-EDGES map=%u boot=%u reset=%u inputs=%llu steps=%llu "
           "after=%u reset-again=%u findings=%u\n", size, boot, e0,
           (unsigned long long)c->inputs, (unsigned long long)c->steps, e1,
           e2, c->nfindings);
    if (cov) {
        ok = size == GV_DBG_EDGE_MAP_ENTRIES && boot > 200 && e0 < 100 &&
             e1 > e0 + 200 && e2 < 100;
    } else {
        ok = size == 0 && boot == 0 && e0 == 0 && e1 == 0 && e2 == 0;
    }
    printf("gv-fuzz: edge check (%s QEMU): %s\n",
           cov ? "coverage" : "plain", ok ? "ok" : "FAILED");
    return ok && !c->nfindings ? 0 : 1;
}

static void options(struct campaign *c, int argc, char **argv,
                    const char **replay_path)
{
    const char *e;

    c->seed = (e = gvtest_cmdline("gv.fuzz_seed")) ? strtoull(e, 0, 0) : 1;
    c->secs = (e = gvtest_cmdline("gv.fuzz_secs")) ? atof(e) : 20;
    c->steps_max = (e = gvtest_cmdline("gv.fuzz_steps")) ? strtoull(e, 0, 0)
                                                          : 0;
    c->max_len = 12;
    c->out = "/tmp/gvf";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--seed")) {
            c->seed = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--seconds")) {
            c->secs = atof(argv[i + 1]);
        } else if (!strcmp(argv[i], "--steps")) {
            c->steps_max = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--max-len")) {
            c->max_len = (unsigned)atoi(argv[i + 1]);
        } else if (!strcmp(argv[i], "--out")) {
            c->out = argv[i + 1];
        } else if (!strcmp(argv[i], "--corpus")) {
            c->corpus_dir = argv[i + 1];
        } else if (!strcmp(argv[i], "--replay")) {
            *replay_path = argv[i + 1];
        } else {
            fprintf(stderr, "gv-fuzz: unknown option %s\n", argv[i]);
            exit(2);
        }
    }
    if (!c->max_len) {
        c->max_len = 1;
    }
}

int main(int argc, char **argv)
{
    static struct campaign c;
    const char *rp = NULL;
    int r;

    setvbuf(stdout, NULL, _IOLBF, 0);
    options(&c, argc, argv, &rp);
    c.rng.s = c.seed;
    mkdir(c.out, 0755);
    r = gvf_world_up(&c.w);
    if (r) {
        printf("gv-fuzz: no victim or no attacker (%d)\n", r);
        return 2;
    }
    if (!gvf_debug_present(&c.w.a)) {
        printf("gv-fuzz: the device has no debug block: boot QEMU with "
               "graviton-gpu,debug=on\n");
        gvf_world_down(&c.w);
        return 2;
    }
    if (gvtest_cmdline("gv.fuzz_edges")) {
        r = edge_check(&c, !strcmp(gvtest_cmdline("gv.fuzz_edges"), "cov"));
    } else {
        r = rp ? replay(&c, rp) : campaign(&c);
    }
    gvf_world_down(&c.w);
    if (!gvtest_kernel_clean()) {
        printf("@@GVF-KERNEL warnings in the kernel log\n");
        r = r ? r : 1;
    }
    return r;
}
