/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What test-ptx-ops, test-ptx-half and test-ptx-compat share: a device
 * with channel 1,
 * PTX translated and checked (the ISA checker, the engine's validator),
 * run on one block with an out and an in buffer, and expected errors.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "ptx_run.h"

#define VRAM    (64ull << 20)
#define UNPROT  (16ull << 20)
#define PROT    (40ull << 20)

static struct td *td;
static struct kt kt1;

void ptxr_setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&kt1, td, 1, NULL, 1 << 20, true);
}

void ptxr_teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
}

int ptxr_add_suites(const char *name, const struct gv_cunit_test *translate,
                    const struct gv_cunit_test *exec)
{
    char exec_name[64];

    snprintf(exec_name, sizeof(exec_name), "%s-exec", name);
    if (gv_add_suite(name, NULL, NULL, translate) ||
        gv_add_suite(exec_name, ptxr_setup, ptxr_teardown, exec)) {
        return -1;
    }
    return 0;
}

/* Translate @ptx (checked by gv_isa_check and the engine); NULL with a
 * failed assertion if it does not translate. */
uint8_t *ptxr_translate(const char *ptx, size_t *len)
{
    uint8_t *img = NULL;
    char err[512];

    err[0] = 0;
    if (gv_ptx_translate(ptx, strlen(ptx), &img, len, err, sizeof(err))) {
        fprintf(stderr, "\n    translation failed: %s\n", err);
        CU_FAIL("translation failed");
        return NULL;
    }
    if (gv_isa_check(img, *len, err, sizeof(err))) {
        fprintf(stderr, "\n    gv_isa_check: %s\n", err);
        CU_FAIL("gv_isa_check refuses the translator's output");
    }
    if (gv_compute_check_module(img, (uint32_t)*len, err, sizeof(err))) {
        fprintf(stderr, "\n    engine: %s\n", err);
        CU_FAIL("the engine refuses the translator's output");
    }
    return img;
}

struct kt *ptxr_kt(void)
{
    return &kt1;
}

int ptxr_launch(const uint8_t *img, size_t len, const char *entry,
                uint32_t threads, const void *params, uint32_t psize)
{
    int fi = gv_isa_find_func(img, len, entry), rc;

    CU_ASSERT_FATAL(fi >= 0);
    rc = kt_run(&kt1, img, (uint32_t)len, (uint32_t)fi, threads, params,
                psize);
    if (rc != GV_ERR_NONE) {
        fprintf(stderr, "\n    launch: %s\n", gv_error_name((unsigned)rc));
    }
    return rc;
}

int ptxr_launch_module(const uint8_t *img, uint32_t len, uint32_t threads)
{
    uint64_t out = kt_alloc(&kt1, 256);

    return kt_run(&kt1, img, len, 0, threads, &out, sizeof(out));
}

int ptxr_run_img(const uint8_t *img, size_t len, const char *entry,
                 uint32_t threads, void *out, uint32_t out_len,
                 const void *in, uint32_t in_len)
{
    uint64_t p[2];
    int rc;

    kt_out_in(&kt1, p, out_len, in, in_len);
    rc = ptxr_launch(img, len, entry, threads, p, sizeof(p));
    kt_read(&kt1, p[0], out, out_len);
    return rc;
}

int ptxr_run_entry(const char *ptx, const char *entry, uint32_t threads,
                   void *out, uint32_t out_len, const void *in,
                   uint32_t in_len)
{
    size_t len;
    uint8_t *img = ptxr_translate(ptx, &len);
    int rc;

    if (!img) {
        return -1;
    }
    rc = ptxr_run_img(img, len, entry, threads, out, out_len, in, in_len);
    free(img);
    return rc;
}

int ptxr_run(const char *ptx, uint32_t threads, void *out,
             uint32_t out_len, const void *in, uint32_t in_len)
{
    return ptxr_run_entry(ptx, "k", threads, out, out_len, in, in_len);
}

/* @ptx must fail at line @line with @needle in the message. */
void ptxr_expect_err(const char *ptx, int line, const char *needle)
{
    uint8_t *img = (uint8_t *)1;
    size_t len = 0;
    char err[512], want[32];
    int rc = gv_ptx_translate(ptx, strlen(ptx), &img, &len, err,
                              sizeof(err));

    snprintf(want, sizeof(want), "line %d:", line);
    if (rc != -1 || img || strncmp(err, want, strlen(want)) ||
        !strstr(err, needle)) {
        fprintf(stderr, "\n    expected \"%s ...%s...\", got rc %d \"%s\"\n",
                want, needle, rc, rc ? err : "");
        CU_FAIL("wrong error");
    }
    if (rc == 0) {
        free(img);
    }
}

char *ptxr_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long n;

    if (!f) {
        fprintf(stderr, "\n    %s: cannot open\n", path);
    }
    CU_ASSERT_FATAL(f != NULL);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    CU_ASSERT_FATAL(text != NULL);
    CU_ASSERT_FATAL(fread(text, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    return text;
}

void ptxr_expect_errs(const char *head, int line, const struct ptxr_err *e,
                      size_t n)
{
    char ptx[1024];

    for (size_t i = 0; i < n; i++) {
        snprintf(ptx, sizeof(ptx), "%s%s\nret;\n}\n", head, e[i].insn);
        ptxr_expect_err(ptx, line, e[i].needle);
    }
}

void ptxr_check_u32(const char *what, uint32_t t, const uint32_t *got,
                    const uint32_t *want, int n, int *bad)
{
    for (int k = 0; k < n; k++) {
        if (got[k] != want[k] && (*bad)++ < 8) {
            fprintf(stderr, "\n    %s: thread %u result %d: %#x, expected "
                    "%#x\n", what, t, k, got[k], want[k]);
        }
    }
}

const char *const ptxr_itypes[8] = {
    "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64",
};
const char *const ptxr_irnds[4] = { "rni", "rzi", "rmi", "rpi" };
const char *const ptxr_frnds[4] = { "rn", "rz", "rm", "rp" };

uint64_t ptxr_ref_f2i(double x, bool src64, int rnd, int dt)
{
    unsigned w = 8u << (dt & 3);
    uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
    double r;

    if (isnan(x)) {
        return src64 || w == 64 ? 1ull << (w - 1) : 0;
    }
    r = rnd == 0 ? nearbyint(x) : rnd == 1 ? trunc(x)
        : rnd == 2 ? floor(x) : ceil(x);
    if (dt < 4) {
        if (r < -ldexp(1.0, (int)w - 1)) {
            return (1ull << (w - 1)) & mask;
        }
        if (r >= ldexp(1.0, (int)w - 1)) {
            return (1ull << (w - 1)) - 1;
        }
        return (uint64_t)(int64_t)r & mask;
    }
    if (r <= 0) {
        return 0;
    }
    return r >= ldexp(1.0, (int)w) ? mask : (uint64_t)r;
}

void ptxr_text_new(struct ptxr_text *t)
{
    t->p = malloc(PTXR_TEXT_MAX);
    t->n = 0;
    CU_ASSERT_FATAL(t->p != NULL);
    t->p[0] = 0;
}

void ptxr_printf(struct ptxr_text *t, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(t->p + t->n, PTXR_TEXT_MAX - t->n, fmt, ap);
    va_end(ap);
    CU_ASSERT_FATAL(r >= 0 && (size_t)r < PTXR_TEXT_MAX - t->n);
    t->n += (size_t)r;
}

void ptxr_cvt_f2i(struct ptxr_text *t, const char *stype, const char *src,
                  int k0)
{
    for (int dt = 0; dt < 8; dt++) {
        for (int r = 0; r < 4; r++) {
            int k = k0 + dt * 4 + r, w = 8 << (dt & 3);
            const char *reg = w <= 16 ? "%rs1" : w == 32 ? "%r2" : "%rd5";
            const char *st = w <= 16 ? "u16" : w == 32 ? "u32" : "u64";

            ptxr_printf(t,
                        "cvt.%s.%s.%s %s, %s;\n"
                        "st.global.%s [%%rd4+%d], %s;\n",
                        ptxr_irnds[r], ptxr_itypes[dt], stype, reg, src, st,
                        8 * k, reg);
        }
    }
}

static uint32_t rng_state = 0x9e3779b9u;

uint32_t ptxr_rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}
