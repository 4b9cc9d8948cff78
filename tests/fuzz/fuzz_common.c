/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rule coverage and the replay program's main() (fuzz_common.h). */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graviton/gv_rules.h"

void fz_vfail(const char *prefix, const char *fmt, va_list ap)
{
    fprintf(stderr, "fuzz: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    abort();
}

/* libFuzzer counts every byte of this section as a coverage counter: the
 * rules an input made the device refuse are features of their own. */
#ifdef GV_LIBFUZZER
__attribute__((used, section("__libfuzzer_extra_counters")))
#endif
static uint8_t fz_extra[GV_RULE__COUNT];
static uint64_t fz_before[GV_RULE__COUNT];
static uint64_t fz_total[GV_RULE__COUNT];
static const char *fz_name;
static unsigned long long fz_inputs;

#define FZ_MAX_CHECKS 128
static const char *fz_checks[FZ_MAX_CHECKS];
static unsigned fz_nchecks;

/* Rule coverage over time: under libFuzzer, a line each time the run
 * reaches a rule or check for the first time and once a minute,
 * "@@FZ-RULES SECONDS INPUTS REACHED" (scripts/fuzz.sh tabulates them). */
static double fz_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fz_progress(bool reached_new)
{
#ifdef GV_LIBFUZZER
    static double t0, last;
    double t = fz_now();

    if (t0 == 0) {
        t0 = t;
        last = t;
    }
    if (!reached_new && t - last < 60) {
        return;
    }
    last = t;
    fprintf(stderr, "@@FZ-RULES %.1f %llu %u\n", t - t0, fz_inputs,
            fz_nchecks ? fz_nchecks : fz_rules_reached());
#else
    (void)reached_new;
    (void)fz_now;
#endif
}

void fz_rules_begin(struct gv_dev *dev)
{
    fz_inputs++;
    if (!dev) {
        fz_progress(false);
        return;
    }
    for (unsigned r = 0; r < GV_RULE__COUNT; r++) {
        fz_before[r] = gv_dev_rule_hits(dev, r);
    }
}

void fz_rules_end(struct gv_dev *dev)
{
    bool reached_new = false;

    if (!dev) {
        return;
    }
    for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
        uint64_t d = gv_dev_rule_hits(dev, r) - fz_before[r];

        fz_extra[r] = d > 255 ? 255 : (uint8_t)d;
        reached_new |= d && !fz_total[r];
        fz_total[r] += d;
    }
    fz_progress(reached_new);
}

void fz_note_check(const char *name)
{
    if (!name) {
        return;
    }
    for (unsigned k = 0; k < fz_nchecks; k++) {
        if (!strcmp(fz_checks[k], name)) {
            return;
        }
    }
    if (fz_nchecks < FZ_MAX_CHECKS) {
        fz_checks[fz_nchecks++] = name;
        fz_progress(true);
    }
}

unsigned fz_rules_reached(void)
{
    unsigned n = 0;

    for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
        n += fz_total[r] != 0;
    }
    return n;
}

/* At exit: one summary line (scripts/fuzz.sh reads it), and with
 * GV_FUZZ_RULES=FILE the reached rules' names, one a line. */
static void fz_summary(void)
{
    const char *path = getenv("GV_FUZZ_RULES");
    FILE *f = path ? fopen(path, "w") : NULL;

    if (fz_nchecks) {
        printf("%s: %llu inputs, checks reached: %u\n", fz_name, fz_inputs,
               fz_nchecks);
    } else {
        printf("%s: %llu inputs, rules reached: %u of %u\n", fz_name,
               fz_inputs, fz_rules_reached(), GV_RULE__COUNT - 1);
    }
    for (unsigned r = 1; f && r < GV_RULE__COUNT; r++) {
        if (fz_total[r]) {
            fprintf(f, "%s %llu\n", gv_rule_name(r),
                    (unsigned long long)fz_total[r]);
        }
    }
    for (unsigned k = 0; f && k < fz_nchecks; k++) {
        fprintf(f, "check %s\n", fz_checks[k]);
    }
    if (f) {
        fclose(f);
    }
    fflush(stdout);
}

void fz_set_name(const char *name)
{
    if (!fz_name) {
        atexit(fz_summary);
    }
    fz_name = name;
}

/* ---- replay ---- */

static bool fz_check_snapshot;

static int run_buf(const uint8_t *data, size_t n)
{
    LLVMFuzzerTestOneInput(data, n);
    if (fz_check_snapshot && fzb.td && fzb_verify_restore() != 0) {
        return 1;
    }
    return 0;
}

static int run_file(const char *path)
{
    static uint8_t data[1 << 20];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f) {
        perror(path);
        return 1;
    }
    n = fread(data, 1, sizeof(data), f);
    fclose(f);
    return run_buf(data, n);
}

static int run_dir(const char *dir, DIR *d, unsigned *ran)
{
    struct dirent *e;
    char p[4096];

    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (run_file(p)) {
            return 1;
        }
        (*ran)++;
    }
    return 0;
}

static int run_random(unsigned n, uint64_t x, size_t max)
{
    static uint8_t data[1 << 16];

    x |= 1;
    max = max > sizeof(data) ? sizeof(data) : max;
    for (unsigned k = 0; k < n; k++) {
        size_t len = 1 + x % max;

        for (size_t j = 0; j < len; j++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data[j] = (uint8_t)x;
        }
        if (run_buf(data, len)) {
            return 1;
        }
    }
    return 0;
}

int fz_replay_main(int argc, char **argv, size_t max_random)
{
    unsigned ran = 0;

    for (int i = 1; i < argc; i++) {
        DIR *d;
        int rc;

        if (!strcmp(argv[i], "--check-snapshot")) {
            fz_check_snapshot = true;
            continue;
        }
        if (!strcmp(argv[i], "--random") && i + 2 < argc) {
            const char *env = getenv("GV_FUZZ_RUNS");   /* valgrind: fewer */
            unsigned n = (unsigned)atoi(env ? env : argv[i + 1]);

            if (run_random(n, strtoull(argv[i + 2], NULL, 0), max_random)) {
                return 1;
            }
            ran += n;
            i += 2;
            continue;
        }
        d = opendir(argv[i]);
        if (d) {
            rc = run_dir(argv[i], d, &ran);
            closedir(d);
        } else {
            rc = run_file(argv[i]);
            ran++;
        }
        if (rc) {
            return 1;
        }
    }
    printf("%s: %u inputs replayed\n", fz_name ? fz_name : "fuzz", ran);
    return 0;
}
