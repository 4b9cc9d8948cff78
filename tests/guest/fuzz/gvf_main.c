/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: the guest fuzzer (docs/fuzzing.md).
 *
 *   gv-fuzz [--seed S] [--seconds N] [--steps N] [--max-len N]
 *           [--out DIR]                       a campaign
 *   gv-fuzz --replay FILE                     one saved input again
 *
 * Without options the kernel command line gives them (gv.fuzz_seed=,
 * gv.fuzz_secs=, gv.fuzz_steps=), so the boot harness can run it as a
 * guest test.  Lines starting with "@@GVF-" are for the host
 * (scripts/fuzz.sh): the seed first, figures every few seconds, each
 * finding as hex lines of its step file, the unreached rules at the end.
 * The exit status is 1 if an oracle was violated, 2 if the fuzzer could
 * not run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../gvtest.h"
#include "gvf.h"

#define CORPUS_MAX      256u
#define FINDINGS_MAX    16u
#define VICTIM_EVERY    4u      /* inputs between victim checks */
#define FULL_SCAN_MS    60000u  /* between scans of all of BAR2 */
#define STAT_MS         5000u
#define STEPF_MAGIC     0x53465647u     /* "GVFS" */
#define STEPF_VERSION   1u

struct stepf_hdr {
    uint32_t magic, version;
    uint64_t seed;
    uint32_t nsteps, size;
};

struct campaign {
    uint64_t seed, steps_max;
    double secs;
    unsigned max_len;
    const char *out;
    struct gvf_world w;
    struct gvf_rng rng;
    struct gvf_input corpus[CORPUS_MAX];
    unsigned ncorpus, nfindings, nviolations;
    char finding_why[FINDINGS_MAX][256];
    uint32_t map[GV_DBG_HIT_MAP_WORDS];
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

/* ---- step files ---- */

static int save_input(const char *path, uint64_t seed,
                      const struct gvf_input *in)
{
    struct stepf_hdr h = { STEPF_MAGIC, STEPF_VERSION, seed, in->nsteps,
                           in->size };
    FILE *f = fopen(path, "wb");
    bool ok;

    if (!f) {
        return -errno;
    }
    ok = fwrite(&h, sizeof(h), 1, f) == 1 &&
         fwrite(in->buf, 1, in->size, f) == in->size;
    return fclose(f) == 0 && ok ? 0 : -EIO;
}

static int load_input(const char *path, uint64_t *seed, struct gvf_input *in)
{
    struct stepf_hdr h;
    FILE *f = fopen(path, "rb");
    int r = -EINVAL;

    memset(in, 0, sizeof(*in));
    if (!f) {
        return -errno;
    }
    if (fread(&h, sizeof(h), 1, f) == 1 && h.magic == STEPF_MAGIC &&
        h.version == STEPF_VERSION && h.size < (64u << 20)) {
        in->buf = malloc(h.size ? h.size : 1);
        if (in->buf && fread(in->buf, 1, h.size, f) == h.size) {
            in->size = h.size;
            in->nsteps = h.nsteps;
            *seed = h.seed;
            r = 0;
        }
    }
    fclose(f);
    if (r == 0) {
        /* every step must lie inside the file */
        uint32_t off = 0;

        for (uint32_t i = 0; i < in->nsteps && r == 0; i++) {
            const struct gvf_step *s = (const void *)(in->buf + off);

            if (off + sizeof(*s) > in->size ||
                off + sizeof(*s) + s->len > in->size ||
                s->len > GVF_DATA_MAX) {
                r = -EINVAL;
            }
            off = (off + (uint32_t)sizeof(*s) + s->len + 7) & ~7u;
        }
    }
    if (r) {
        gvf_input_free(in);
    }
    return r;
}

/* The host reads a finding back from the console: hex, 64 bytes a line. */
static void print_hex(unsigned n, uint64_t seed, const struct gvf_input *in)
{
    struct stepf_hdr h = { STEPF_MAGIC, STEPF_VERSION, seed, in->nsteps,
                           in->size };
    uint8_t *b = malloc(sizeof(h) + in->size);
    size_t len = sizeof(h) + in->size;

    if (!b) {
        return;
    }
    memcpy(b, &h, sizeof(h));
    memcpy(b + sizeof(h), in->buf, in->size);
    for (size_t o = 0; o < len; o += 64) {
        printf("@@GVF-HEX %u ", n);
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
    print_hex(n, c->seed, &cut);
    snprintf(path, sizeof(path), "%s/finding-%u.gvfs", c->out, n);
    if (save_input(path, c->seed, &cut) == 0) {
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

static void stat_line(struct campaign *c)
{
    double t = now() - c->t0;

    printf("@@GVF-STAT t=%.0f inputs=%llu steps=%llu steps/s=%.1f "
           "rules=%u/%u corpus=%u findings=%u resets=%u scan=%.2fs\n", t,
           (unsigned long long)c->inputs, (unsigned long long)c->steps,
           t > 0 ? (double)c->steps / t : 0.0, rules_hit(c->map),
           GV_RULE__COUNT - 1, c->ncorpus, c->nfindings, c->w.resets,
           c->scan_s);
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

static void new_rules(struct campaign *c, const struct gvf_input *in)
{
    uint32_t m[GV_DBG_HIT_MAP_WORDS];
    bool fresh = false;

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
    if (fresh && c->ncorpus < CORPUS_MAX &&
        gvf_input_copy(in, &c->corpus[c->ncorpus]) == 0) {
        c->ncorpus++;
    }
}

static int campaign(struct campaign *c)
{
    char path[512];

    c->t0 = c->last_scan = c->last_stat = now();
    printf("@@GVF-START seed=%llu seconds=%.0f steps=%llu max-len=%u\n",
           (unsigned long long)c->seed, c->secs,
           (unsigned long long)c->steps_max, c->max_len);
    fflush(stdout);
    gvf_hit_map(&c->w.a, c->map);
    while ((c->secs <= 0 || now() - c->t0 < c->secs) &&
           (!c->steps_max || c->steps < c->steps_max)) {
        struct gvf_input in;
        struct gvf_verdict v;
        bool full = (now() - c->last_scan) * 1000 > FULL_SCAN_MS;
        double t = now();
        int bad;

        pick_input(c, &in);
        bad = run_input(c, &in, c->inputs % VICTIM_EVERY == 0, full, &v);
        if (full) {
            c->scan_s = now() - t;      /* the input and its full scan */
            c->last_scan = now();
        }
        c->inputs++;
        if (v.bad) {
            finding(c, &in, bad < 0 ? 0 : (uint32_t)bad, &v);
            c->w.tainted = true;        /* start the victim again */
            gvf_input_end(&c->w);
        }
        if (c->w.open) {
            new_rules(c, &in);
        }
        gvf_input_free(&in);
        if ((now() - c->last_stat) * 1000 > STAT_MS) {
            stat_line(c);
            c->last_stat = now();
        }
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
           "rules=%u/%u (%.1f%%) findings=%u violations=%u\n",
           (unsigned long long)c->seed, (unsigned long long)c->inputs,
           (unsigned long long)c->steps, rules_hit(c->map),
           GV_RULE__COUNT - 1,
           100.0 * rules_hit(c->map) / (GV_RULE__COUNT - 1), c->nfindings,
           c->nviolations);
    for (unsigned i = 0; i < c->ncorpus; i++) {
        snprintf(path, sizeof(path), "%s/corpus-%u.gvfs", c->out, i);
        save_input(path, c->seed, &c->corpus[i]);
    }
    printf("# corpus: %u inputs saved in %s\n", c->ncorpus, c->out);
    return c->nfindings ? 1 : 0;
}

static int replay(struct campaign *c, const char *path)
{
    struct gvf_input in;
    struct gvf_verdict v;
    uint64_t seed = 0;
    int bad, r = load_input(path, &seed, &in);

    if (r) {
        printf("gv-fuzz: %s: not a step file (%d)\n", path, r);
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
    r = rp ? replay(&c, rp) : campaign(&c);
    gvf_world_down(&c.w);
    if (!gvtest_kernel_clean()) {
        printf("@@GVF-KERNEL warnings in the kernel log\n");
        r = r ? r : 1;
    }
    return r;
}
