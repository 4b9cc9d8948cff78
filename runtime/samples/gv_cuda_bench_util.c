/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gv-cuda-bench: clock and median. */
#include <time.h>

#include "gv_cuda_bench.h"

double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double median(double *t, int n)
{
    qsort(t, n, sizeof(*t), cmp);
    return t[n / 2];
}
