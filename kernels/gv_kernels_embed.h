/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test kernels' PTX, embedded in guest programs (kernels/embed_ptx.py). */
#ifndef GV_KERNELS_EMBED_H
#define GV_KERNELS_EMBED_H

#include <stddef.h>

/* The PTX text of kernels/<name>.cu (NUL-terminated), or NULL. */
const char *gv_embedded_ptx(const char *name);

#endif /* GV_KERNELS_EMBED_H */
