/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run-on-the-engine harness of test-ptx-ops, test-ptx-half and
 * test-ptx-compat
 * (ptx_run.c).
 */
#ifndef PTX_RUN_H
#define PTX_RUN_H

#include <stddef.h>
#include <stdint.h>

/* The suite's setup and teardown: a fresh device and channel 1. */
void ptxr_setup(void);
void ptxr_teardown(void);
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
/* The channel the harness runs on (its allocator, loads, launches). */
struct kt;
struct kt *ptxr_kt(void);
/* @ptx must fail at line @line with @needle in the message. */
void ptxr_expect_err(const char *ptx, int line, const char *needle);
/* A fixed xorshift stream (the same inputs every run). */
uint32_t ptxr_rnd32(void);

#endif /* PTX_RUN_H */
