/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gv-cuda-bench: clocks and median. */
#include <time.h>

#include "graviton/graviton_uapi.h"
#include "gv_cuda_bench.h"
#include "gvrt_dev.h"

uint64_t dev_clock_ns(void)
{
    static struct gvrt_dev dev;
    static int state; /* 0: not opened, 1: open, -1: no model */
    uint64_t v = 0;

    if (state == 0) {
        state = gvrt_dev_open(&dev, 0) ? -1 : 1;
    }
    if (state < 0 ||
        gvrt_dev_get_param(&dev, GRAVITON_PARAM_DEVICE_TIME, &v)) {
        state = -1;
        return 0;
    }
    return v;
}

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
