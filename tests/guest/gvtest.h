/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tiny check helpers for guest test programs.
 *
 * Each CHECK prints one line ("ok - ..." or "not ok - ... at file:line") to
 * the serial console; the program's exit status is nonzero if any check
 * failed, which is what the host harness reports to meson.
 */
#ifndef GVTEST_H
#define GVTEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gvtest_failures;
static int gvtest_checks;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        gvtest_checks++;                                                   \
        if (cond) {                                                        \
            printf("  ok - ");                                             \
        } else {                                                           \
            gvtest_failures++;                                             \
            printf("  not ok - [%s:%d: %s] ", __FILE__, __LINE__, #cond);  \
        }                                                                  \
        printf(__VA_ARGS__);                                               \
        printf("\n");                                                      \
        fflush(stdout);                                                    \
    } while (0)

#define CHECK_EQ_U64(a, b, what)                                           \
    do {                                                                   \
        uint64_t a_ = (a), b_ = (b);                                       \
        CHECK(a_ == b_, "%s: 0x%" PRIx64 " (expected 0x%" PRIx64 ")",      \
              what, a_, b_);                                               \
    } while (0)

static inline int gvtest_done(void)
{
    printf("  %d checks, %d failed\n", gvtest_checks, gvtest_failures);
    return gvtest_failures ? 1 : 0;
}

/* Value of "key=value" on the kernel command line, or NULL. */
static inline const char *gvtest_cmdline(const char *key)
{
    static char buf[4096];
    char *tok, *save = NULL;
    size_t klen = strlen(key);
    FILE *f = fopen("/proc/cmdline", "r");
    static char val[256];

    if (!f) {
        return NULL;
    }
    if (!fgets(buf, sizeof(buf), f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    for (tok = strtok_r(buf, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save)) {
        if (!strncmp(tok, key, klen) && tok[klen] == '=') {
            snprintf(val, sizeof(val), "%s", tok + klen + 1);
            return val;
        }
    }
    return NULL;
}

/* Read a whole small sysfs file into @buf (NUL-terminated). */
static inline int gvtest_read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f) {
        return -errno;
    }
    n = fread(buf, 1, len - 1, f);
    buf[n] = 0;
    fclose(f);
    return 0;
}

/* True if the kernel log has no BUG, oops or WARNING. */
static inline bool gvtest_kernel_clean(void)
{
    static char buf[1 << 16];
    FILE *f = popen("dmesg", "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

    buf[n] = 0;
    if (f) {
        pclose(f);
    }
    return f && !strstr(buf, "BUG:") && !strstr(buf, "Oops") &&
           !strstr(buf, "WARNING:");
}

#endif /* GVTEST_H */
