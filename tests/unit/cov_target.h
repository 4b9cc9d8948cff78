/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef GV_COV_TARGET_H
#define GV_COV_TARGET_H

/* Instrumented: its branches depend on x. */
unsigned cov_target(unsigned x);

#endif /* GV_COV_TARGET_H */
