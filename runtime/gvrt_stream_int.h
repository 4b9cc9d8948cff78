/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime internals: how a stream uses its channel's command buffer
 * (gvrt_stream.c), for the copies of gvrt_kernel.c.
 *
 * The 256 KiB buffer has two areas, each used as a ring: command groups
 * in [0, GVRT_DATA_OFF), the data of host copies (plain, or sealed for
 * the copy engine) from GVRT_DATA_OFF.  Bytes are reused once the fence
 * of the group that used them has been seen.
 */
#ifndef GVRT_STREAM_INT_H
#define GVRT_STREAM_INT_H

#include "gvrt_kernel.h"

#define GVRT_GROUP_MAX  (8u << 10)
#define GVRT_DATA_OFF   (16u << 10)
#define GVRT_CHUNK      (112u << 10)    /* data (+ tag) per copy */

/* Room for @n bytes in the data area (waiting for groups in flight if
 * needed): its offset in *@off.  Taken by the next gvrt_stream_submit. */
int gvrt_stream_data(struct gvrt_stream *st, uint32_t n, uint32_t *off);
/* Submit @cmds (and a fence) as one group, without waiting; the group
 * uses [@d_off, @d_off + @d_len) of the data area (@d_len 0: none), from
 * gvrt_stream_data.  Its fence value is st->seq afterwards. */
int gvrt_stream_submit(struct gvrt_stream *st, const void *cmds,
                       uint32_t len, uint32_t d_off, uint32_t d_len);

#endif /* GVRT_STREAM_INT_H */
