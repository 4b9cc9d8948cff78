/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-ptxas: the PTX translator on the command line (docs/ptx.md).
 *
 *   gv-ptxas in.ptx -o out.gvx      translate
 *   gv-ptxas in.ptx --list          entries, parameters, sizes, registers
 *   gv-ptxas in.ptx --disasm        the module's listing
 *   gv-ptxas --check file.gvx       validate a module image
 *
 * --list and --disasm also accept a GVX image as input (recognised by its
 * magic), and combine with -o.  Errors go to stderr as "file:line: ..."
 * (translation) or "file: ..." (I/O, invalid image); they exit 1, usage
 * errors exit 2.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_ptx.h"

static const char *prog = "gv-ptxas";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s IN.ptx [-o OUT.gvx] [--list] [--disasm]\n"
            "       %s --check FILE.gvx\n"
            "       %s FILE.gvx --list | --disasm\n"
            "Translate PTX into a GVX module for the Graviton GPU.\n"
            "  -o FILE     write the module image to FILE\n"
            "  --list      print each entry: parameters, shared and local "
            "sizes,\n"
            "              registers, instruction count\n"
            "  --disasm    print the module's disassembly\n"
            "  --check     validate a GVX image (as the device does)\n"
            "IN may be '-' for standard input.\n", prog, prog, prog);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr);
    return 2;
}

/* Read a whole file ("-": stdin); NULL with a message on failure. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, ncap + 1);

            if (!nb) {
                fprintf(stderr, "%s: out of memory\n", path);
                goto fail;
            }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: read error\n", path);
        goto fail;
    }
    if (f != stdin) {
        fclose(f);
    }
    buf[n] = 0;
    *len = n;
    return buf;
fail:
    free(buf);
    if (f != stdin) {
        fclose(f);
    }
    return NULL;
}

static int write_file(const char *path, const uint8_t *img, size_t len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;

    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fwrite(img, 1, len, f) != len || fflush(f)) {
        fprintf(stderr, "%s: write error\n", path);
        if (f != stdout) {
            fclose(f);
        }
        return -1;
    }
    if (f != stdout && fclose(f)) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* "line N: rest" -> "path:N: rest"; anything else -> "path: msg". */
static void report(const char *path, const char *msg)
{
    unsigned long line;
    char *end;

    if (!strncmp(msg, "line ", 5)) {
        line = strtoul(msg + 5, &end, 10);
        if (end != msg + 5 && end[0] == ':') {
            end++;
            if (*end == ' ') {
                end++;
            }
            fprintf(stderr, "%s:%lu: %s\n", path, line, end);
            return;
        }
    }
    fprintf(stderr, "%s: %s\n", path, msg[0] ? msg : "translation failed");
}

/* The image has been checked: read its tables with memcpy (no alignment
 * assumptions). */
static void list_module(const uint8_t *img)
{
    struct gv_isa_module h;

    memcpy(&h, img, sizeof(h));
    printf("module: %u bytes, %u entr%s, %u instructions, %u constants, "
           "%u data bytes\n", h.total_size, h.nfuncs,
           h.nfuncs == 1 ? "y" : "ies", h.ninsns, h.nconsts, h.data_size);
    for (uint32_t i = 0; i < h.nfuncs; i++) {
        struct gv_isa_func f;

        memcpy(&f, img + h.funcs_off + (size_t)i * sizeof(f), sizeof(f));
        printf("entry %s\n", (const char *)img + h.strings_off + f.name_off);
        printf("  params: %u, %u bytes\n", f.nparams, f.param_size);
        for (uint32_t j = 0; j < f.nparams; j++) {
            struct gv_isa_param pa;

            memcpy(&pa, img + h.params_off +
                   (size_t)(f.param_start + j) * sizeof(pa), sizeof(pa));
            printf("    %u: offset %u, size %u\n", j, pa.offset, pa.size);
        }
        printf("  shared: %u bytes (dynamic shared starts at %u)\n",
               f.shared_size, f.shared_size);
        printf("  local: %u bytes per thread\n", f.local_size);
        printf("  registers: %u\n", f.nregs);
        printf("  instructions: %u (at %u)\n", f.insn_count, f.insn_start);
        if (f.reqntid[0]) {
            printf("  reqntid: %u %u %u\n", f.reqntid[0], f.reqntid[1],
                   f.reqntid[2]);
        }
    }
}

static bool is_gvx(const uint8_t *buf, size_t len)
{
    uint32_t magic;

    if (len < 4) {
        return false;
    }
    memcpy(&magic, buf, 4);
    return magic == GV_ISA_MAGIC;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *check = NULL;
    bool list = false, disasm = false, ok = true;
    uint8_t *src = NULL, *img = NULL;
    size_t src_len = 0, img_len = 0;
    char err[512];
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-o")) {
            if (++i == argc) {
                return usage_error("%s needs a file name", a);
            }
            if (out) {
                return usage_error("%s given twice", a);
            }
            out = argv[i];
        } else if (!strcmp(a, "--check")) {
            if (++i == argc) {
                return usage_error("%s needs a file name", a);
            }
            if (check) {
                return usage_error("%s given twice", a);
            }
            check = argv[i];
        } else if (!strcmp(a, "--list")) {
            list = true;
        } else if (!strcmp(a, "--disasm")) {
            disasm = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option %s", a);
        } else if (in) {
            return usage_error("more than one input (%s)", a);
        } else {
            in = a;
        }
    }
    if (check) {
        if (in || out || list || disasm) {
            return usage_error("%s: --check takes a single image and no "
                               "other option", check);
        }
        img = read_file(check, &img_len);
        if (!img) {
            return 1;
        }
        if (gv_isa_check(img, img_len, err, sizeof(err))) {
            fprintf(stderr, "%s: invalid module: %s\n", check, err);
        } else {
            printf("%s: valid GVX module\n", check);
            rc = 0;
        }
        free(img);
        return rc;
    }
    if (!in) {
        return usage_error("%s", "no input file");
    }
    if (!out && !list && !disasm) {
        return usage_error("%s: nothing to do (-o, --list or --disasm)", in);
    }
    src = read_file(in, &src_len);
    if (!src) {
        return 1;
    }
    if (is_gvx(src, src_len)) {
        /* an image: check it, then list/disassemble/copy it */
        if (gv_isa_check(src, src_len, err, sizeof(err))) {
            fprintf(stderr, "%s: invalid module: %s\n", in, err);
            goto out;
        }
        img = src;
        img_len = src_len;
        src = NULL;
    } else {
        err[0] = 0;
        if (gv_ptx_translate((const char *)src, src_len, &img, &img_len, err,
                             sizeof(err))) {
            report(in, err);
            goto out;
        }
    }
    if (out && write_file(out, img, img_len)) {
        ok = false;
    }
    if (list) {
        list_module(img);
    }
    if (disasm) {
        char *d = gv_isa_disasm(img, img_len);

        if (!d) {
            fprintf(stderr, "%s: out of memory\n", in);
            ok = false;
        } else {
            fputs(d, stdout);
            free(d);
        }
    }
    if (fflush(stdout)) {
        fprintf(stderr, "%s: cannot write the output\n", prog);
        ok = false;
    }
    rc = ok ? 0 : 1;
out:
    free(src);
    free(img);
    return rc;
}
