/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime: a stream's submissions (gvrt_kernel.h, gvrt_stream_int.h).
 *
 * Several groups are in flight on a channel, each with its own bytes of
 * the command buffer; a span records them with the group's fence value
 * and is retired once the fence has passed it.  A group that fails in
 * flight stops the channel (docs/uapi.md, "Errors"): the fence then stays
 * just below it, so the failed group is the one after the fence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graviton/gv_cmds.h"
#include "graviton/graviton_uapi.h"
#include "gv_crypto.h"
#include "gvrt_stream_int.h"

#define ALIGN 64u               /* of every span's start */

uint64_t gvrt_now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int gvrt_stream_open(struct gvrt_stream *st, struct gvrt_dev *dev,
                     uint32_t handle, struct gvrt_secure *s,
                     uint64_t fence_va)
{
    void *buf;
    int r;

    memset(st, 0, sizeof(*st));
    st->dev = dev;
    st->handle = handle;
    st->s = s;
    st->fence_va = fence_va;
    st->timeout_ms = 60000;
    st->d_head = GVRT_DATA_OFF;
    r = gvrt_cmdbuf_map_err(dev, handle, &buf);
    if (r) {
        return r;
    }
    st->cb = buf;
    if (s) {
        struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                                  sizeof(k) } };

        /* A fresh key per stream; the engine uses K_copy, bound to the
         * channel's incarnation (gv_keys.h), and so do we. */
        if (gvc_random(k.key, sizeof(k.key)) != GVC_OK ||
            gvrt_copy_key(s, handle, k.key, st->copy_key) != 0) {
            memset(&k, 0, sizeof(k));
            return -EIO;
        }
        r = gvrt_stream_run(st, &k, sizeof(k));
        memset(&k, 0, sizeof(k));
        return r;
    }
    return 0;
}

void gvrt_stream_close(struct gvrt_stream *st)
{
    if (st->cb) {
        gvrt_stream_sync(st);
        gvrt_cmdbuf_release(st->dev, st->cb);
    }
    memset(st->copy_key, 0, sizeof(st->copy_key));
    st->cb = NULL;
}

/* ---- spans ---- */

static void retire(struct gvrt_stream *st)
{
    while (st->fl_count && st->fl[st->fl_first].seq <= st->reached) {
        st->fl_first = (st->fl_first + 1) % GVRT_INFLIGHT_MAX;
        st->fl_count--;
    }
    if (!st->fl_count) {
        st->g_head = 0;
        st->d_head = GVRT_DATA_OFF;
    }
}

/* The fence was seen at @v.  The driver reports it: never believe more
 * than was submitted (it would only make us reuse bytes early, which is
 * the driver's own loss, but keep the books straight). */
static void reached(struct gvrt_stream *st, uint64_t v)
{
    if (v > st->seq) {
        v = st->seq;
    }
    if (v > st->reached) {
        st->reached = v;
    }
    retire(st);
}

/* A failure (@err) reported with the fence at @cur: the group after it
 * failed, and the device has consumed it. */
static int failed(struct gvrt_stream *st, uint64_t cur, uint32_t err)
{
    reached(st, cur + 1);
    if (!st->failure) {
        st->failure = (int)err;
    }
    return (int)err;
}

/* The start of the oldest span using the area (@data), if any. */
static bool area_tail(const struct gvrt_stream *st, bool data,
                      uint32_t *tail)
{
    for (uint32_t i = 0; i < st->fl_count; i++) {
        const struct gvrt_span *p =
            &st->fl[(st->fl_first + i) % GVRT_INFLIGHT_MAX];

        if (data ? p->d_len : p->g_len) {
            *tail = data ? p->d_off : p->g_off;
            return true;
        }
    }
    return false;
}

/* @n bytes in [@lo, @hi) after @head, the area's live bytes starting at
 * *@tail (if @live): a ring whose free part is [head, tail). */
static bool area_fit(uint32_t lo, uint32_t hi, uint32_t head, uint32_t tail,
                     bool live, uint32_t n, uint32_t *off)
{
    if (!live) {
        *off = lo;
        return n <= hi - lo;
    }
    if (head > tail) {                  /* live: [tail, head) */
        if (n <= hi - head) {
            *off = head;
            return true;
        }
        *off = lo;                      /* wrap */
        return n <= tail - lo;
    }
    *off = head;                        /* live: [tail, hi) + [lo, head) */
    return head < tail && n <= tail - head;
}

/* Wait until fence value @v has been passed: 0, a GV_ERR_* code or a
 * negative errno (-ETIMEDOUT after @timeout_ms). */
static int wait_for(struct gvrt_stream *st, uint64_t v, uint32_t timeout_ms)
{
    uint64_t cur = 0;
    uint32_t err = 0;
    int r;

    if (v <= st->reached) {
        return 0;
    }
    r = gvrt_wait_err(st->dev, st->handle, v, timeout_ms, &cur, &err);
    if (!r || r == -ETIMEDOUT || r == -EIO) {
        reached(st, cur);
    }
    if (r == -EIO && err) {
        st->unacked = true;
        return failed(st, cur, err);
    }
    return r;
}

/* Room for @n bytes in an area, waiting for the oldest spans to retire. */
static int area_room(struct gvrt_stream *st, bool data, uint32_t n,
                     uint32_t *off)
{
    uint32_t lo = data ? GVRT_DATA_OFF : 0;
    uint32_t hi = data ? GRAVITON_CMDBUF_SIZE : GVRT_DATA_OFF;

    for (;;) {
        uint32_t tail = 0;
        bool live = area_tail(st, data, &tail);
        int r;

        if (area_fit(lo, hi, data ? st->d_head : st->g_head, tail, live, n,
                     off)) {
            return 0;
        }
        if (!live) {
            return -E2BIG;
        }
        r = wait_for(st, st->fl[st->fl_first].seq, st->timeout_ms);
        if (r) {
            return r;
        }
    }
}

int gvrt_stream_data(struct gvrt_stream *st, uint32_t n, uint32_t *off)
{
    return area_room(st, true, n, off);
}

/* ---- submission ---- */

/* The last command of @buf (@len bytes), or op 0. */
static struct gv_cmd_hdr last_cmd(const uint8_t *buf, uint32_t len)
{
    struct gv_cmd_hdr last = { 0, 0 };

    for (uint32_t off = 0; off + sizeof(last) <= len;) {
        struct gv_cmd_hdr c;

        memcpy(&c, buf + off, sizeof(c));
        if (c.size < sizeof(c) || c.size > len - off) {
            break;
        }
        last = c;
        off += c.size;
    }
    return last;
}

/* @cmds with the fence of @seq: a LAUNCH at the end carries it, anything
 * else gets a FENCE.  Malloc'd; its length in *@plen. */
static uint8_t *with_fence(const struct gvrt_stream *st, const void *cmds,
                           uint32_t len, uint64_t seq, uint32_t *plen)
{
    uint8_t *buf = malloc(len + sizeof(struct gv_cmd_fence));
    struct gv_cmd_hdr last;

    if (!buf) {
        return NULL;
    }
    memcpy(buf, cmds, len);
    *plen = len;
    last = last_cmd(buf, len);
    if (last.op == GV_OP_LAUNCH && last.size <= len &&
        last.size >= sizeof(struct gv_cmd_launch)) {
        struct gv_cmd_launch *l = (void *)(buf + len - last.size);

        l->fence_va = st->fence_va;
        l->fence_value = seq;
    } else {
        struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                                  .va = st->fence_va, .value = seq };

        memcpy(buf + len, &f, sizeof(f));
        *plen += sizeof(f);
    }
    return buf;
}

/* The group (sealed on a secure stream) at @off: its length, or 0. */
static uint32_t put_group(struct gvrt_stream *st, uint32_t off,
                          const uint8_t *payload, uint32_t plen)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = plen };

    if (st->s) {
        return gvrt_seal_group(st->s, st->handle, payload, plen,
                               st->cb + off);
    }
    memcpy(st->cb + off, &h, sizeof(h));
    memcpy(st->cb + off + sizeof(h), payload, plen);
    return sizeof(h) + plen;
}

/*
 * SUBMIT the group at @off; *@queued says whether it went into the ring.
 * A channel stopped at a failure of ours that no wait has seen yet
 * refuses it (-EIO): the failure is this call's to report, and the same
 * bytes (a sealed group cannot be sealed again with its counter) go in
 * again, acknowledging it.
 */
static int doorbell(struct gvrt_stream *st, uint32_t off, uint32_t n,
                    bool *queued)
{
    uint32_t flags = st->unacked ? GRAVITON_SUBMIT_CLEAR_ERROR : 0;
    uint32_t err = 0, late = 0;
    uint64_t cur = 0;
    int r = gvrt_submit_flags(st->dev, st->handle, off, n, flags, &err);

    *queued = false;
    if (r == -EIO && err) {
        late = err;
        gvrt_wait_err(st->dev, st->handle, st->seq, 0, &cur, NULL);
        failed(st, cur, late);
        err = 0;
        r = gvrt_submit_flags(st->dev, st->handle, off, n,
                              GRAVITON_SUBMIT_CLEAR_ERROR, &err);
    }
    if (r) {
        return r;
    }
    st->unacked = false;
    if (err) {
        /* refused as it came; a launch that faulted or ran out of time
         * (a device that runs launches at the doorbell) is a failure of
         * the stream all the same */
        if ((err == GV_ERR_FAULT || err == GV_ERR_TIMEOUT) &&
            !st->failure) {
            st->failure = (int)err;
        }
        return (int)err;
    }
    *queued = true;
    return late ? (int)late : 0;
}

int gvrt_stream_submit(struct gvrt_stream *st, const void *cmds,
                       uint32_t len, uint32_t d_off, uint32_t d_len)
{
    uint32_t plen, off, n, need;
    uint64_t seq = st->seq + 1;
    struct gvrt_span *p;
    bool queued;
    uint8_t *buf;
    int r;

    if (len > GVRT_GROUP_MAX - sizeof(struct gv_cmd_fence) - 64) {
        return -E2BIG;
    }
    if (st->fl_count == GVRT_INFLIGHT_MAX) {
        r = wait_for(st, st->fl[st->fl_first].seq, st->timeout_ms);
        if (r) {
            return r;
        }
    }
    need = len + sizeof(struct gv_cmd_fence) + sizeof(struct gv_group_hdr) +
           GV_TAG_LEN;
    r = area_room(st, false, need, &off);
    if (r) {
        return r;
    }
    buf = with_fence(st, cmds, len, seq, &plen);
    if (!buf) {
        return -ENOMEM;
    }
    n = put_group(st, off, buf, plen);
    memset(buf, 0, plen);               /* it may hold a key */
    free(buf);
    if (!n) {
        return -EIO;
    }
    r = doorbell(st, off, n, &queued);
    if (!queued) {
        return r;
    }
    /* queued (an earlier failure may be reported now: r) */
    st->seq = seq;
    p = &st->fl[(st->fl_first + st->fl_count++) % GVRT_INFLIGHT_MAX];
    *p = (struct gvrt_span){ .seq = seq, .g_off = off, .g_len = n,
                             .d_off = d_off, .d_len = d_len };
    st->g_head = off + ((n + ALIGN - 1) & ~(ALIGN - 1));
    if (d_len) {
        st->d_head = d_off + ((d_len + ALIGN - 1) & ~(ALIGN - 1));
    }
    return r;
}

int gvrt_stream_run_async(struct gvrt_stream *st, const void *cmds,
                          uint32_t len)
{
    return gvrt_stream_submit(st, cmds, len, 0, 0);
}

int gvrt_stream_run(struct gvrt_stream *st, const void *cmds, uint32_t len)
{
    int r = gvrt_stream_run_async(st, cmds, len);

    return r ? r : gvrt_stream_sync(st);
}

/* ---- waiting ---- */

/* A failure reported earlier is acknowledged before the stream waits
 * again: the groups queued behind it run (a NOP group does it). */
static int acknowledge(struct gvrt_stream *st)
{
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };

    if (!st->unacked || st->reached >= st->seq) {
        return 0;
    }
    return gvrt_stream_run_async(st, &nop, sizeof(nop));
}

int gvrt_stream_wait(struct gvrt_stream *st, uint64_t seq)
{
    int r;

    if (seq > st->seq) {
        return -EINVAL;
    }
    if (seq <= st->reached) {
        return 0;
    }
    r = acknowledge(st);
    return r ? r : wait_for(st, seq, st->timeout_ms);
}

int gvrt_stream_sync(struct gvrt_stream *st)
{
    return gvrt_stream_wait(st, st->seq);
}

int gvrt_stream_poll(struct gvrt_stream *st, uint64_t seq)
{
    int r;

    if (seq > st->seq) {
        return -EINVAL;
    }
    if (seq <= st->reached) {
        return 0;
    }
    r = acknowledge(st);
    r = r ? r : wait_for(st, seq, 0);
    return r == -ETIMEDOUT || r == -EINTR ? -EBUSY : r;
}

int gvrt_stream_query(struct gvrt_stream *st)
{
    return gvrt_stream_poll(st, st->seq);
}
