/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compiled tier of the compute engine
 * (docs/compute.md, "Compiled regions").  A region is a run of
 * instructions that a gang of full warps can run as one: lane-loop ALU
 * kinds, uniform parameter loads and special registers, and global loads
 * and stores whose addresses do not depend on a load of the region.  A
 * hot function's regions are compiled to host code (C through the host's
 * C compiler, loaded with dlopen); a compiled region runs only when every
 * one of its accesses was checked first (each warp's 32 lanes one aligned
 * run in one page, translated and allowed; no store overlapping another
 * access), with the interpreter's exact results; otherwise the
 * interpreter runs it, instruction by instruction.
 */
#ifndef GV_JIT_H
#define GV_JIT_H

#include "gv_simt.h"

/* Find the regions of a decoded function (decode time): sets kf->jit and
 * kf->jit_at, or leaves them NULL (none, or no memory). */
void gv_jit_scan(struct gv_kfunc *kf);

/* Free what gv_jit_scan and a compilation made. */
void gv_jit_free(struct gv_kfunc *kf);

/* Run the region at the pc of the gang of @n full warps from @w0 on
 * (their slots @st apart) if its code is ready and every access it makes
 * passed the checks, and the regions after it while the branch between
 * is one that no lane takes: how many instructions each warp ran (its
 * pc is still to be moved on by the caller, its issued count too), or
 * 0: nothing was done; *@lanes: the lane instructions.  @budget: the
 * warp instructions the watchdog's countdown allows; *@short_of: nothing
 * was done because it did not allow the first region. */
uint32_t gv_jit_gang(struct gv_launch *L, struct gv_sm *sm,
                     struct gv_warp *w0, uint32_t n, size_t st,
                     uint64_t budget, uint64_t *lanes, bool *short_of);

/* Run block @b of @L whole in compiled code, without starting its warps,
 * if the function is one region from its first instruction to an exit
 * (a kernel such as vector_add), its code is ready, the block is of full
 * warps, the watchdog's countdown allows it and every check passed: true,
 * the block is done; false: nothing was done (the caller starts the block
 * and runs it as any). */
bool gv_jit_block(struct gv_launch *L, struct gv_sm *sm, uint64_t b);

/* Compile @kf's regions now (tests): 0, or -1 with the reason in @why. */
int gv_jit_compile(const struct gv_kfunc *kf, char *why, size_t why_len);

/* Remove the directories of compilations whose process died before it
 * removed them ($TMPDIR/gv-jit-<pid>-*, a minute old): done once per
 * process before its first compilation; tests call it again. */
void gv_jit_sweep(void);

/* Background compilations running now (all devices; tests). */
unsigned gv_jit_busy(void);

/* How many of @kf's regions run compiled (0 before a compilation). */
uint32_t gv_jit_ready(const struct gv_kfunc *kf);

/* The special register @id of warp @w, lane @l (gv_simt.c). */
uint64_t gv_simt_sreg(struct gv_launch *L, struct gv_sm *sm,
                      struct gv_warp *w, unsigned id, unsigned l);

#endif /* GV_JIT_H */
