/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compiled with -fsanitize-coverage=trace-pc for test-cov-hook: a few
 * basic blocks whose edges the hook in hw/core/gv_cov.c records.
 */
#include "cov_target.h"

unsigned cov_target(unsigned x)
{
    unsigned r = 0;

    if (x & 1) {
        r += 3;
    } else {
        r ^= 5;
    }
    for (unsigned i = 0; i < (x & 6); i++) {
        r = r * 7 + i;
    }
    if (x > 100) {
        r /= 3;
    }
    return r;
}
