/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gv-cuda-bench: what its parts share (gv_cuda_bench*.c). */
#ifndef GV_CUDA_BENCH_H
#define GV_CUDA_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "graviton_cuda.h"

#define MAX_REPS 101

extern int reps;                /* repetitions; the median is reported */
extern bool machine;            /* print "@@" lines for scripts/paper.py */

double now_us(void);
/* The device clock (ns) when the device models time (docs/devtime.md),
 * else 0: one handle on device 0, opened on first use. */
uint64_t dev_clock_ns(void);
double median(double *t, int n);

#define TRY(call)                                                         \
    do {                                                                  \
        CUresult r_ = (call);                                             \
        if (r_ != CUDA_SUCCESS) {                                         \
            const char *s_ = NULL, *m_ = NULL;                            \
            cuGetErrorName(r_, &s_);                                      \
            cuGravitonGetLastMessage(&m_);                                \
            fprintf(stderr, "gv-cuda-bench: %s: %s (%s)\n", #call, s_,    \
                    m_ ? m_ : "");                                        \
            exit(1);                                                      \
        }                                                                 \
    } while (0)

/* Table 2 / Figure 9: secure copies by scheme and size, up to @max
 * bytes. */
void bench_copies(size_t max);
/* Table 1: the driver's ioctls that carry each CH_* command. */
void bench_commands(void);

#endif /* GV_CUDA_BENCH_H */
