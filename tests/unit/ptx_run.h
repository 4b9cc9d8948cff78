/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run-on-the-engine harness of test-ptx-ops, test-ptx-half and
 * test-ptx-compat
 * (ptx_run.c).
 */
#ifndef PTX_RUN_H
#define PTX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The start of a kernel k(out, in) in nvcc's style: %r1 = tid.x, %r2 =
 * the lane, %rd4 = &out[tid] (u32 elements); %p<8>, %r<16>, %rd<8>. */
#define PTXR_LANE_HEAD                                                 \
    ".version 9.0\n.target sm_75\n.address_size 64\n"                  \
    ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n{\n"       \
    ".reg .pred %p<8>;\n.reg .b32 %r<16>;\n.reg .b64 %rd<8>;\n"         \
    "ld.param.u64 %rd1, [k_out];\n"                                     \
    "cvta.to.global.u64 %rd2, %rd1;\n"                                  \
    "mov.u32 %r1, %tid.x;\n"                                            \
    "and.b32 %r2, %r1, 31;\n"                                           \
    "mul.wide.u32 %rd3, %r1, 4;\n"                                      \
    "add.s64 %rd4, %rd2, %rd3;\n"

/* After the register declarations of a kernel k(out, in): %rd1 = out,
 * %rd2 = in, %r1 = tid.x, %rd3 = in + tid.x * @STRIDE (bytes). */
#define PTXR_IN_AT(STRIDE)                                             \
    "ld.param.u64 %rd1, [k_out];\n"                                     \
    "ld.param.u64 %rd2, [k_in];\n"                                      \
    "mov.u32 %r1, %tid.x;\n"                                            \
    "mul.wide.u32 %rd3, %r1, " #STRIDE ";\n"                            \
    "add.s64 %rd3, %rd2, %rd3;\n"

/* The suite's setup and teardown: a fresh device and channel 1. */
void ptxr_setup(void);
void ptxr_teardown(void);
/* Register the suites @name (@translate: no device) and @name-exec
 * (@exec: each test on ptxr_setup's device); 0, or -1. */
struct gv_cunit_test;
int ptxr_add_suites(const char *name, const struct gv_cunit_test *translate,
                    const struct gv_cunit_test *exec);
/* Translate @ptx (checked by gv_isa_check and the engine); NULL with a
 * failed assertion if it does not translate. */
uint8_t *ptxr_translate(const char *ptx, size_t *len);
/* Run entry @entry(.param .u64 out, .param .u64 in) of @ptx on one block
 * of @threads; @out is zeroed first, @in copied in.  The launch's error,
 * or -1.  ptxr_run: the entry named k. */
int ptxr_run_entry(const char *ptx, const char *entry, uint32_t threads,
                   void *out, uint32_t out_len, const void *in,
                   uint32_t in_len);
int ptxr_run(const char *ptx, uint32_t threads, void *out, uint32_t out_len,
             const void *in, uint32_t in_len);
/* Launch @entry of the translated @img on one block of @threads with
 * @params; the launch's error. */
int ptxr_launch(const uint8_t *img, size_t len, const char *entry,
                uint32_t threads, const void *params, uint32_t psize);
/* As ptxr_run_entry, of the translated @img (@len bytes). */
int ptxr_run_img(const uint8_t *img, size_t len, const char *entry,
                 uint32_t threads, void *out, uint32_t out_len,
                 const void *in, uint32_t in_len);
/* Run function 0 of a hand-made module on one block of @threads, its
 * one u64 parameter a fresh 256-byte buffer; the launch's error. */
int ptxr_launch_module(const uint8_t *img, uint32_t len, uint32_t threads);
/* The channel the harness runs on (its allocator, loads, launches). */
struct kt;
struct kt *ptxr_kt(void);
/* @ptx must fail at line @line with @needle in the message. */
void ptxr_expect_err(const char *ptx, int line, const char *needle);
/* The whole file at @path, NUL-terminated (malloc'd); a fatal failed
 * assertion if it cannot be read. */
char *ptxr_read_file(const char *path);
/* An instruction and the error it must give, for ptxr_expect_errs. */
struct ptxr_err {
    const char *insn, *needle;
};
/* Each of the @n instructions @e after @head, then ret and the closing
 * brace, must fail at line @line with its needle. */
void ptxr_expect_errs(const char *head, int line, const struct ptxr_err *e,
                      size_t n);
/* Compare @n results of thread @t with the reference; print the first
 * few differences of all those counted in @bad. */
void ptxr_check_u32(const char *what, uint32_t t, const uint32_t *got,
                    const uint32_t *want, int n, int *bad);

/* cvt's integer types (s8 s16 s32 s64 u8 u16 u32 u64: width 8 << (i &
 * 3), signed below 4), its roundings to an integer and to a float. */
extern const char *const ptxr_itypes[8];
extern const char *const ptxr_irnds[4];
extern const char *const ptxr_frnds[4];
/* PTX ISA 9.0, "cvt", float -> integer type ptxr_itypes[@dt] with
 * rounding ptxr_irnds[@rnd]: rounded as asked, saturated to the
 * destination's range; NaN gives 0, or 1 << (width - 1) from .f64
 * (@src64) or into a 64-bit type. */
uint64_t ptxr_ref_f2i(double x, bool src64, int rnd, int dt);
/* A PTX text written piece by piece: ptxr_text_new, then ptxr_printf
 * (a fatal failed assertion past PTXR_TEXT_MAX bytes); the text is @p
 * (malloc'd). */
#define PTXR_TEXT_MAX (64u << 10)
struct ptxr_text {
    char *p;
    size_t n;
};
void ptxr_text_new(struct ptxr_text *t);
void ptxr_printf(struct ptxr_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append to @t the 32 conversions of register @src (type @stype) into
 * each integer type with each rounding, result dt * 4 + rnd stored at
 * [%rd4 + 8 * (@k0 + dt * 4 + rnd)] from %rs1, %r2 or %rd5 by its
 * width. */
void ptxr_cvt_f2i(struct ptxr_text *t, const char *stype, const char *src,
                  int k0);

/* A fixed xorshift stream (the same inputs every run). */
uint32_t ptxr_rnd32(void);

#endif /* PTX_RUN_H */
