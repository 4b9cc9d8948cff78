/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the one range check behind every offset the
 * engines compute from guest-supplied values (attack 16, a device
 * escape: an offset that wraps around 2^64).
 *
 * Each space has one accessor built on it, as QEMU's device models
 * funnel DMA through one helper: shared, local, parameter and global
 * memory in gv_simt_mem.h, module sections in gv_compute.c, virtual
 * ranges and page-table pointers in gv_mmu.c, the host window in
 * gv_copy.c.  No other code adds a guest-supplied offset to a host
 * pointer.
 */
#ifndef GV_BOUNDS_H
#define GV_BOUNDS_H

#include <stdbool.h>
#include <stdint.h>

/* Is [off, off + len) inside [0, limit)?  off + len is never computed,
 * so nothing wraps: off = 2^64 - 8, len = 8 is outside any limit. */
static inline bool gv_range_ok(uint64_t off, uint64_t len, uint64_t limit)
{
    return len <= limit && off <= limit - len;
}

/* The end of the device's virtual address space (40 bits). */
#define GV_VA_LIMIT (1ull << GV_VA_BITS)

#endif /* GV_BOUNDS_H */
