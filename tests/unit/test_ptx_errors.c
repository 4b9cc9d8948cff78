/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx (test_ptx.h): the translator's errors and robustness.
 *
 *  - errors: -1 and "line N: <construct>: ..." with the right N;
 *  - the build's kernels (GV_KERNEL_PTX, a ':'-separated list of .ptx
 *    files set by meson) translate and validate;
 *  - fuzz: byte flips and truncations of valid images through the checker
 *    and the disassembler, random damage to PTX text through the
 *    translator (never a crash; GV_FUZZ_RUNS scales the iterations).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "test_ptx.h"

/* ==== errors ==== */

static void expect_err_at(const char *ptx, int line, const char *needle,
                          const char *what)
{
    size_t len = strlen(ptx);
    char *copy = malloc(len + 1), err[512], want[32];
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 12345;
    int rc;

    if (!copy) {
        abort();
    }
    memcpy(copy, ptx, len);
    memset(err, 'x', sizeof(err));
    rc = gv_ptx_translate(copy, len, &out, &out_len, err, sizeof(err));
    free(copy);
    snprintf(want, sizeof(want), "line %d:", line);
    if (rc != -1 || out != NULL || !memchr(err, 0, sizeof(err)) ||
        strncmp(err, want, strlen(want)) || !strstr(err, needle)) {
        fprintf(stderr, "\n    %s: expected -1, \"%s ...%s...\"; got rc %d, "
                "\"%.200s\"\n", what, want, needle, rc,
                memchr(err, 0, sizeof(err)) ? err : "(not terminated)");
        CU_FAIL(what);
    }
    if (rc == 0 && out != (uint8_t *)1) {
        free(out);
    }
}

static void expect_err(const char *pre, const char *body, int rel_line,
                       const char *needle, const char *what)
{
    char *s = wrap(pre, "", body);

    expect_err_at(s, body_line(pre) + rel_line, needle, what);
    free(s);
}

/* Direct and mutual recursion translate (they are called for real,
 * test-ptx-calls runs them): entry -> ping -> pong -> ping, and rec ->
 * rec. */
static void expect_recursion_ok(void)
{
    static const char *const pre[] = {
        ".func pong();\n"
        ".func ping()\n"
        "{\n"
        "call.uni pong, ();\n"
        "ret;\n"
        "}\n"
        ".func pong()\n"
        "{\n"
        "call.uni ping, ();\n"
        "ret;\n"
        "}\n",
        ".func rec()\n"
        "{\n"
        "call.uni rec, ();\n"
        "ret;\n"
        "}\n",
    };
    static const char *const body[] = { "call.uni ping, ();\nret;",
                                         "call.uni rec, ();\nret;" };

    for (int k = 0; k < 2; k++) {
        char *s = wrap(pre[k], "", body[k]), err[512];
        uint8_t *out = NULL;
        size_t len;
        int rc = gv_ptx_translate(s, strlen(s), &out, &len, err,
                                  sizeof(err));

        if (rc) {
            fprintf(stderr, "\n    recursion: %s\n", err);
        }
        CU_ASSERT_EQUAL(rc, 0);
        free(s);
        free(out);
    }
}

static void test_errors(void)
{
    /* rel_line: 0 is the body's first line */
    expect_err("", "mov.u32 %r1, 1;\n"
               "tex.1d.v4.f32.s32 {%f1, %f2, %f3, %f4}, [tx, {%r1}];\nret;",
               1, "tex", "unsupported instruction tex");
    expect_err("", "add.s32 %r1, %r2, %r3;\nadd.s32 %r1, %r2, %r3;\n"
               "frobnicate.u32 %r1, %r2;\nret;", 2, "frobnicate",
               "unknown instruction");
    expect_err("", "add.s32 %r1, %r2, %r3;\n"
               "add.foo.s32 %r4, %r2, %r3;\nret;", 1, "foo",
               "unknown modifier");
    expect_err("", "ld.global.zz.u32 %r1, [%rd1];\nret;", 0, "zz",
               "unknown modifier on ld");
    expect_err("", "mov.u32 %r1, 0;\n\n\nadd.s32 %r1, %r2, %zz9;\nret;", 3,
               "%zz9", "undefined register");
    expect_err("", "mov.u32 %r1, %r31;\nret;", 0, "%r31",
               "register outside its %r<N> range");
    expect_err("", "mov.u32 %r1, 0;\nbra.uni NOWHERE;\nret;", 1, "NOWHERE",
               "undefined label");
    expect_err("", "mov.u32 %r1, 0;\nadd.s32 %r1, %r2, %r3\n"
               "add.s32 %r4, %r2, %r3;\nret;", 1, "add.s32",
               "missing ';'");
    expect_err("", "mov.u32 %r1, 0;\n.maxnreg 16;\nret;", 1, ".maxnreg",
               "directive in a body");
    expect_err(".foo 1;\n", "ret;", -4, ".foo", "unsupported directive");
    expect_err("\n.texref tref;\n", "ret;", -4, ".texref",
               "unsupported directive .texref");
    expect_err("", "mov.u32 %r1, 0;\nmov.u64 %rd1, nosuchvar;\nret;", 1,
               "nosuchvar", "undefined symbol");
    expect_err("", "call.uni nosuchfunc, ();\nret;", 0, "nosuchfunc",
               "call of an undefined function");
    expect_err("", "add.s32 %r1, %r2;\nret;", 0, "add.s32",
               "wrong operand count");
    expect_err("", "ld.global.u32 %r1, %r2;\nret;", 0, "ld.global.u32",
               "ld needs a memory operand");
    /* gv_ptx_translate_file: the path leads the message */
    {
        char ferr[256] = "";
        uint8_t *fimg = (uint8_t *)&ferr;
        size_t flen;

        CU_ASSERT_EQUAL(gv_ptx_translate_file("/nonexistent/k.ptx", &fimg,
                                              &flen, ferr, sizeof(ferr)), -1);
        CU_ASSERT_PTR_NULL(fimg);
        CU_ASSERT(strncmp(ferr, "/nonexistent/k.ptx: ", 20) == 0);
    }
    /* fuzz-ptx, campaign of 2 December: brev.b16 was translated into a
     * BREV of type u16, which no device runs (PTX has brev .b32/.b64);
     * every instruction is now checked against the ISA as it is made */
    expect_err("", "mov.u32 %r1, 0;\nbrev.b16 %r2, %r1;\nret;", 1,
               "the device's ISA has no brev of type u16",
               "an (instruction, type) pair the ISA lacks");
    /* fuzz-ptx, the same day: a module-scope %r<333333331> made the
     * translator allocate 1.3 GB (a timeout); ranges are capped in the
     * parser, for every scope */
    expect_err("", ".reg .b32 %rz<333333331>;\nret;", 0,
               "%rz<333333331>: more than 1048576 registers in one range",
               "a huge register range in a function");
    expect_err(".reg .b32 %mz<2000000000>;\n", "ret;", -4,
               "more than 1048576 registers",
               "a huge register range at module scope");
    expect_err(".global .align 4 .u32 gvar;\n",
               "ld.shared.u32 %r1, [gvar];\nret;", 0, "ld.shared.u32",
               "a .global variable through the shared space");
    /* recursion is no error (called for real) */
    expect_recursion_ok();
    /* header problems */
    expect_err_at(".version 7.0\n.target sm_70\n.address_size 16\n", 3,
                  ".address_size", "16-bit addresses");
    expect_err_at(".version 7.0\n.target sm_70\n.address_size 64\n"
                  ".visible .entry k()\n{\nret;\n", 4, "k",
                  "missing '}'");
}

/* err may be NULL or short; out stays NULL on failure. */
static void test_error_buffers(void)
{
    const char *bad = ".version 7.0\n.target sm_70\n.address_size 64\n"
                      ".visible .entry k()\n{\nbogus.op;\n}\n";
    uint8_t *out = (uint8_t *)1;
    size_t len = 0;
    char err[8];

    CU_ASSERT_EQUAL(gv_ptx_translate(bad, strlen(bad), &out, &len, NULL, 0),
                    -1);
    CU_ASSERT_PTR_NULL(out);
    memset(err, 'x', sizeof(err));
    CU_ASSERT_EQUAL(gv_ptx_translate(bad, strlen(bad), &out, &len, err,
                                     sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(memchr(err, 0, sizeof(err)));
    CU_ASSERT_EQUAL(strncmp(err, "line 6:", 7), 0);
    CU_ASSERT_EQUAL(gv_ptx_translate(bad, 0, &out, &len, err, sizeof(err)),
                    -1);
    /* the checker with NULL / short buffers */
    CU_ASSERT_EQUAL(gv_isa_check(NULL, 0, err, sizeof(err)), -1);
    CU_ASSERT_EQUAL(gv_isa_check((const uint8_t *)bad, 10, NULL, 0), -1);
    CU_ASSERT_EQUAL(gv_isa_find_func(NULL, 0, "k"), -1);
}

/* ==== the build's kernels ==== */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* The names after ".entry" in @ptx: how many; each must be in @m. */
static int check_entries(const struct mod *m, const char *ptx,
                         const char *path)
{
    int n = 0;

    for (const char *p = ptx; (p = strstr(p, ".entry")); p += 6) {
        char name[256];
        size_t k = 0;
        const char *q = p + 6;

        if (q[0] != ' ' && q[0] != '\t') {
            continue;
        }
        while (*q == ' ' || *q == '\t') {
            q++;
        }
        while (k < sizeof(name) - 1 &&
               (isalnum((unsigned char)*q) || *q == '_' || *q == '$')) {
            name[k++] = *q++;
        }
        name[k] = 0;
        if (gv_isa_find_func(m->img, m->len, name) < 0) {
            fprintf(stderr, "\n    %s: entry %s missing\n", path, name);
            CU_FAIL("entry missing");
        }
        n++;
    }
    return n;
}

static int nkernels;

static void test_kernels(void)
{
    const char *list = getenv("GV_KERNEL_PTX");
    char *dup, *save = NULL;

    if (!list || !*list) {
        fprintf(stderr, "(GV_KERNEL_PTX not set: no kernels) ");
        return;
    }
    dup = strdup(list);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
    for (char *path = strtok_r(dup, ":", &save); path;
         path = strtok_r(NULL, ":", &save)) {
        size_t len;
        char *ptx = slurp(path, &len);
        struct mod m;
        char *d;

        if (!ptx) {
            fprintf(stderr, "\n    cannot read %s\n", path);
            CU_FAIL("cannot read a kernel");
            continue;
        }
        nkernels++;
        if (mod_load(&m, ptx)) {
            int n = check_entries(&m, ptx, path);

            CU_ASSERT(n >= 1);
            CU_ASSERT_EQUAL(m.h.nfuncs, (uint32_t)n);
            for (uint32_t fi = 0; fi < m.h.nfuncs; fi++) {
                mod_select(&m, fi);
                check_ends(&m);
            }
            d = gv_isa_disasm(m.img, m.len);
            CU_ASSERT_PTR_NOT_NULL(d);
            if (d) {
                CU_ASSERT(strncmp(d, "invalid", 7) != 0);
                CU_ASSERT_PTR_NOT_NULL(strstr(d, ".entry"));
            }
            free(d);
            mod_free(&m);
        } else {
            fprintf(stderr, "    (%s)\n", path);
        }
        free(ptx);
    }
    free(dup);
    CU_ASSERT(nkernels >= 1);
}

/* ==== fuzz ==== */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned fuzz_runs(unsigned dflt)
{
    const char *e = getenv("GV_FUZZ_RUNS");       /* valgrind: fewer */

    if (e && *e) {
        unsigned long v = strtoul(e, NULL, 10);

        return v ? (unsigned)v : 1;
    }
    return dflt;
}

/* Modules to damage: snippets of this file plus the build's kernels. */
static char **fuzz_texts(int *n)
{
    char **t = calloc(32, sizeof(*t));
    const char *list = getenv("GV_KERNEL_PTX");
    int k = 0;

    if (!t) {
        abort();
    }
    t[k++] = wrap(calls_pre, ".param .u64 k_out", calls_body);
    t[k++] = wrap(".global .align 4 .u32 g[4] = {1, 2, 3, 4};\n"
                  ".shared .align 4 .b8 sh[64];\n",
                  ".param .u64 k_p, .param .u32 k_n",
                  "ld.param.u64 %rd1, [k_p];\n"
                  "ld.param.u32 %r1, [k_n];\n"
                  "mov.u32 %r2, %tid.x;\n"
                  "setp.ge.u32 %p1, %r2, %r1;\n"
                  "@%p1 bra $done;\n"
                  "ld.global.v2.u32 {%r3, %r4}, [g+8];\n"
                  "st.shared.u32 [sh+4], %r3;\n"
                  "bar.sync 0;\n"
                  "atom.global.add.u32 %r5, [%rd1], %r4;\n"
                  "shfl.sync.bfly.b32 %r6, %r5, 1, 31, -1;\n"
                  "cvt.rn.f32.u32 %f1, %r6;\n"
                  "fma.rn.f32 %f2, %f1, 0f3F000000, %f1;\n"
                  "st.global.f32 [%rd1+4], %f2;\n"
                  "$done:\n"
                  "ret;");
    if (list && *list) {
        char *dup = strdup(list), *save = NULL;

        for (char *p = dup ? strtok_r(dup, ":", &save) : NULL; p && k < 31;
             p = strtok_r(NULL, ":", &save)) {
            size_t len;
            char *s = slurp(p, &len);

            if (s) {
                t[k++] = s;
            }
        }
        free(dup);
    }
    *n = k;
    return t;
}

static void free_texts(char **t, int n)
{
    for (int i = 0; i < n; i++) {
        free(t[i]);
    }
    free(t);
}

/* Byte flips, field smashes and truncations of valid images: the checker
 * and the disassembler never crash, and the checker agrees with the
 * engine's validator. */
static void test_fuzz_image(void)
{
    static const uint16_t smash[] = {
        0, 1, 0xff, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x100, 0x8001,
    };
    int ntexts, nimg = 0, disagree = 0, valid = 0, laxer = 0;
    char **texts = fuzz_texts(&ntexts);
    struct mod imgs[32];
    unsigned runs = fuzz_runs(4000);

    for (int i = 0; i < ntexts; i++) {
        if (mod_load(&imgs[nimg], texts[i])) {
            nimg++;
        }
    }
    free_texts(texts, ntexts);
    CU_ASSERT_FATAL(nimg > 0);
    for (unsigned r = 0; r < runs; r++) {
        const struct mod *m = &imgs[rnd() % (unsigned)nimg];
        size_t len = m->len;
        uint8_t *p = malloc(len);
        char err[256], why[256];
        int kind = (int)(rnd() % 4), a, b;
        char *d;

        CU_ASSERT_FATAL(p != NULL);
        memcpy(p, m->img, len);
        switch (kind) {
        case 0:                         /* random bytes anywhere */
            for (int n = 1 + (int)(rnd() % 4); n; n--) {
                p[rnd() % len] = (uint8_t)rnd();
            }
            break;
        case 1: {                       /* a 16-bit field of an insn */
            size_t at = m->h.insns_off +
                        (size_t)(rnd() % m->h.ninsns) * 16 +
                        (rnd() % 8) * 2;
            uint16_t v = smash[rnd() % (sizeof(smash) / sizeof(smash[0]))];

            if (rnd() % 2) {
                v = (uint16_t)rnd();
            }
            memcpy(p + at, &v, 2);
            break;
        }
        case 2: {                       /* a header or function field */
            size_t at = rnd() % 2 ? (rnd() % 16) * 4
                                  : m->h.funcs_off + (rnd() % 14) * 4;
            uint32_t v = (uint32_t)(rnd() % 3 ? rnd() % 64 : rnd());

            if (at + 4 <= len) {
                memcpy(p + at, &v, 4);
            }
            break;
        }
        default:                        /* truncation */
            len = rnd() % len;
            if (len >= 12 && rnd() % 2) {
                uint32_t t = (uint32_t)len;

                memcpy(p + 8, &t, 4);           /* total_size follows */
            }
            break;
        }
        a = gv_isa_check(len ? p : NULL, len, err, sizeof(err));
        b = gv_compute_check_module(p, (uint32_t)len, why, sizeof(why));
        CU_ASSERT(a == 0 || a == -1);
        if (a == 0) {
            valid++;
            CU_ASSERT(gv_isa_find_func(p, len, "k") >= -1);
        } else {
            CU_ASSERT(err[0] != 0);
        }
        if (a == 0 && b != 0) {
            /* gv_isa_check accepts what the device refuses */
            if (disagree++ < 5) {
                fprintf(stderr, "\n    checkers disagree: gv_isa_check %s, "
                        "engine %s\n", a ? err : "ok", b ? why : "ok");
            }
        }
        laxer += a != 0 && b == 0;
        d = gv_isa_disasm(len ? p : NULL, len);
        CU_ASSERT_PTR_NOT_NULL(d);
        if (d && a) {
            CU_ASSERT_EQUAL(strncmp(d, "invalid module", 14), 0);
        }
        free(d);
        free(p);
    }
    CU_ASSERT_EQUAL(disagree, 0);
    fprintf(stderr, "(%u images, %d still valid, %d valid for the engine "
            "only) ", runs, valid, laxer);
    for (int i = 0; i < nimg; i++) {
        mod_free(&imgs[i]);
    }
}

/* Damaged PTX text: 0 with a valid module, or -1 with a message. */
static void test_fuzz_ptx(void)
{
    static const char *toks[] = {
        "{", "}", ";", ",", "[", "]", "(", ")", "%r1", "%p1", "@", "@!%p1 ",
        ".reg .b32 %x<4>;", ".param", "0f", "0d7FF0000000000000", "-",
        "0x", "99999999999999999999999", "call.uni", "ret;", "bra $L;",
        "$L:", ".entry", ".func", "add.s32", ".v4", "<", ">", "|", "!",
        "1.5e999", "//", "/*", "\"", ".global .u32 zz[2] = {1,", "_",
        "ld.param.u64 %rd1, [k_p+", "\n", "\t", "\0", "\x80\xff",
        ".shared .align 8192 .b8 q[1];", ".local .b8 big[100000];",
    };
    int ntexts, ok = 0, fail = 0;
    char **texts = fuzz_texts(&ntexts);
    unsigned runs = fuzz_runs(2000);

    for (unsigned r = 0; r < runs; r++) {
        const char *src = texts[rnd() % (unsigned)ntexts];
        size_t slen = strlen(src), len, cap = slen + 256;
        char *p = malloc(cap), err[256];
        uint8_t *out = (uint8_t *)1;
        size_t out_len = 0;
        int rc;

        CU_ASSERT_FATAL(p != NULL);
        memcpy(p, src, slen);
        len = slen;
        for (int n = 1 + (int)(rnd() % 3); n; n--) {
            size_t at = rnd() % (len + 1);

            switch (rnd() % 5) {
            case 0:                     /* truncate */
                len = at;
                break;
            case 1:                     /* garbage byte */
                if (at < len) {
                    p[at] = (char)(rnd() % 3 ? 32 + rnd() % 95 : rnd());
                }
                break;
            case 2: {                   /* insert a token */
                const char *t = toks[rnd() % (sizeof(toks) /
                                               sizeof(toks[0]))];
                size_t tl = t[0] ? strlen(t) : 1;

                if (len + tl <= cap) {
                    memmove(p + at + tl, p + at, len - at);
                    memcpy(p + at, t, tl);
                    len += tl;
                }
                break;
            }
            case 3: {                   /* delete a span */
                size_t n2 = rnd() % 40;

                if (at + n2 > len) {
                    n2 = len - at;
                }
                memmove(p + at, p + at + n2, len - at - n2);
                len -= n2;
                break;
            }
            default:                    /* change a digit */
                if (at < len && p[at] >= '0' && p[at] <= '9') {
                    p[at] = (char)('0' + rnd() % 10);
                } else if (at < len) {
                    p[at] = '9';
                }
                break;
            }
        }
        /* exactly len bytes, no terminator: the translator must respect
         * len (ASan sees any read past it) */
        {
            char *exact = malloc(len ? len : 1);

            CU_ASSERT_FATAL(exact != NULL);
            memcpy(exact, p, len);
            err[0] = 0;
            rc = gv_ptx_translate(exact, len, &out, &out_len, err,
                                  sizeof(err));
            free(exact);
        }
        if (rc == 0) {
            ok++;
            CU_ASSERT_PTR_NOT_NULL(out);
            if (out) {
                char why[256];

                CU_ASSERT_EQUAL(gv_isa_check(out, out_len, why,
                                             sizeof(why)), 0);
                if (gv_compute_check_module(out, (uint32_t)out_len, why,
                                            sizeof(why))) {
                    fprintf(stderr, "\n    engine refuses a translated "
                            "module: %s\n", why);
                    CU_FAIL("translated module refused");
                }
                free(out);
            }
        } else {
            fail++;
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_PTR_NULL(out);
            CU_ASSERT(err[0] != 0);
            if (strncmp(err, "line ", 5)) {
                static int shown;

                if (shown++ < 3) {
                    fprintf(stderr, "\n    message without a line: %s\n",
                            err);
                }
            }
        }
        free(p);
    }
    fprintf(stderr, "(%d translated, %d refused) ", ok, fail);
    free_texts(texts, ntexts);
}

/* ==== registration ==== */

int ptx_error_suites(void)
{
    static const struct gv_cunit_test errors[] = {
        { "errors name the line and construct", test_errors },
        { "error buffers", test_error_buffers },
        { NULL, NULL },
    };
    static const struct gv_cunit_test kernels[] = {
        { "the build's kernels", test_kernels },
        { NULL, NULL },
    };
    static const struct gv_cunit_test fuzz[] = {
        { "damaged images", test_fuzz_image },
        { "damaged PTX", test_fuzz_ptx },
        { NULL, NULL },
    };

    if (gv_add_suite("ptx-errors", NULL, NULL, errors) ||
        gv_add_suite("ptx-kernels", NULL, NULL, kernels) ||
        gv_add_suite("ptx-fuzz", NULL, NULL, fuzz)) {
        return -1;
    }
    return 0;
}
