/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime: streams, copies, modules and launches.  See gvrt_kernel.h. */
#include "gvrt_kernel.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_isa.h"
#include "graviton/graviton_uapi.h"
#include "gv_crypto.h"
#include "gv_ptx.h"

/* Command-buffer layout: groups at 0, data from DATA_OFF. */
#define GROUP_MAX  (8u << 10)
#define DATA_OFF   (16u << 10)
#define CHUNK      (112u << 10)         /* data (+ tag) per copy */

int gvrt_stream_open(struct gvrt_stream *st, struct gvrt_dev *dev,
                     uint32_t handle, struct gvrt_secure *s,
                     uint64_t fence_va)
{
    memset(st, 0, sizeof(*st));
    st->dev = dev;
    st->handle = handle;
    st->s = s;
    st->fence_va = fence_va;
    st->timeout_ms = 60000;
    st->cb = gvrt_cmdbuf_map(dev, handle);
    if (!st->cb) {
        return -errno;
    }
    if (s) {
        struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                                  sizeof(k) } };
        int r;

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
        gvrt_cmdbuf_unmap(st->cb);
    }
    memset(st->copy_key, 0, sizeof(st->copy_key));
    st->cb = NULL;
}

/* Put @cmds plus a fence into a group at offset 0, submit, wait. */
int gvrt_stream_run(struct gvrt_stream *st, const void *cmds, uint32_t len)
{
    uint8_t *buf = malloc(len + sizeof(struct gv_cmd_fence));
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC };
    struct gv_cmd_hdr last;
    uint32_t n, err = 0, plen = len;
    uint64_t seq = st->seq + 1;
    int r;

    if (!buf) {
        return -ENOMEM;
    }
    if (len + sizeof(struct gv_cmd_fence) + 64 > GROUP_MAX) {
        free(buf);
        return -E2BIG;
    }
    memcpy(buf, cmds, len);
    /* the fence: a LAUNCH carries it, anything else gets a FENCE */
    last.op = 0;
    last.size = 0;
    for (uint32_t off = 0; off + sizeof(last) <= len;) {
        struct gv_cmd_hdr c;

        memcpy(&c, buf + off, sizeof(c));
        if (c.size < sizeof(c) || c.size > len - off) {
            break;
        }
        last = c;
        off += c.size;
    }
    if (last.op == GV_OP_LAUNCH && last.size <= len) {
        struct gv_cmd_launch *l = (void *)(buf + len - last.size);

        l->fence_va = st->fence_va;
        l->fence_value = seq;
    } else {
        struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                                  .va = st->fence_va, .value = seq };

        memcpy(buf + len, &f, sizeof(f));
        plen += sizeof(f);
    }
    if (st->s) {
        n = gvrt_seal_group(st->s, st->handle, buf, plen, st->cb);
    } else {
        h.payload_len = plen;
        memcpy(st->cb, &h, sizeof(h));
        memcpy(st->cb + sizeof(h), buf, plen);
        n = sizeof(h) + plen;
    }
    free(buf);
    r = gvrt_submit(st->dev, st->handle, 0, n, &err);
    if (r) {
        return r;
    }
    if (err) {
        return (int)err;
    }
    st->seq = seq;
    r = gvrt_wait_err(st->dev, st->handle, seq, st->timeout_ms, NULL, &err);
    if (r == -EIO && err) {
        return (int)err;
    }
    return r;
}

int gvrt_malloc(struct gvrt_stream *st, uint64_t size, uint64_t *va)
{
    struct gv_pte_summary sums[64];
    uint32_t count = 0;
    int r = gvrt_mem_alloc(st->dev, st->handle, 0, size, va,
                           st->s ? sums : NULL, st->s ? 64 : 0, &count);

    if (r || !st->s) {
        return r;
    }
    /* Invariant 5.3: every page of secure memory is protected, and the
     * summaries are the device's (MAC) and fresh (counter). */
    for (uint32_t i = 0; i < count; i++) {
        if (gvrt_summary_accept(st->s, &sums[i], true) != 0) {
            return -EPERM;
        }
    }
    return 0;
}

static void next_iv(struct gvrt_stream *st, uint8_t iv[12])
{
    uint64_t c = ++st->iv_counter;

    memcpy(iv, "CPYE", 4);
    memcpy(iv + 4, &c, 8);
}

static int copy_chunk(struct gvrt_stream *st, bool in, uint64_t va,
                      uint8_t *host, uint32_t n)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) }, .size = n };
    uint8_t *data = st->cb + DATA_OFF;
    int r;

    if (in) {
        c.flags = GV_COPY_SRC_HOST;
        c.src = DATA_OFF;
        c.dst = va;
        if (st->s) {
            c.flags |= GV_COPY_DECRYPT;
            next_iv(st, c.iv);
            if (gvc_gcm_seal(st->copy_key, c.iv, &va, 8, host, n, data,
                             data + n) != GVC_OK) {
                return -EIO;
            }
        } else {
            memcpy(data, host, n);
        }
        return gvrt_stream_run(st, &c, sizeof(c));
    }
    c.flags = GV_COPY_DST_HOST;
    c.src = va;
    c.dst = DATA_OFF;
    if (st->s) {
        c.flags |= GV_COPY_ENCRYPT;
        next_iv(st, c.iv);
    }
    r = gvrt_stream_run(st, &c, sizeof(c));
    if (r) {
        return r;
    }
    if (st->s) {
        /* aad = the device address the data came from */
        return gvc_gcm_open(st->copy_key, c.iv, &va, 8, data, n, host,
                            data + n) == GVC_OK ? 0 : -EBADMSG;
    }
    memcpy(host, data, n);
    return 0;
}

/* A copy of any length, in chunks that fit the command buffer. */
static int copy_chunks(struct gvrt_stream *st, bool in, uint64_t va,
                       uint8_t *host, size_t len)
{
    for (size_t off = 0; off < len; off += CHUNK) {
        uint32_t n = len - off < CHUNK ? (uint32_t)(len - off) : CHUNK;
        int r = copy_chunk(st, in, va + off, host + off, n);

        if (r) {
            return r;
        }
    }
    return 0;
}

int gvrt_memcpy_htod(struct gvrt_stream *st, uint64_t va, const void *src,
                     size_t len)
{
    return copy_chunks(st, true, va, (uint8_t *)src, len);
}

int gvrt_memcpy_dtoh(struct gvrt_stream *st, void *dst, uint64_t va,
                     size_t len)
{
    return copy_chunks(st, false, va, dst, len);
}

int gvrt_module_load(struct gvrt_stream *st, const char *ptx, size_t len,
                     struct gvrt_module *m, char *err, size_t err_len)
{
    size_t size;
    int r;

    memset(m, 0, sizeof(*m));
    if (gv_ptx_translate(ptx, len, &m->img, &size, err, err_len) != 0) {
        return -EINVAL;
    }
    m->size = (uint32_t)size;
    /* allocations are page-aligned, so the module is 256-aligned */
    r = gvrt_malloc(st, size, &m->va);
    if (!r) {
        r = gvrt_memcpy_htod(st, m->va, m->img, size);
    }
    if (r) {
        free(m->img);
        m->img = NULL;
    }
    return r;
}

void gvrt_module_unload(struct gvrt_module *m)
{
    free(m->img);
    m->img = NULL;
}

int gvrt_module_function(const struct gvrt_module *m, const char *name)
{
    return gv_isa_find_func(m->img, m->size, name);
}

static const struct gv_isa_func *func_of(const struct gvrt_module *m,
                                         int func)
{
    const struct gv_isa_module *h = (const void *)m->img;

    if (func < 0 || (uint32_t)func >= h->nfuncs) {
        return NULL;
    }
    return (const void *)(m->img + h->funcs_off +
                          func * sizeof(struct gv_isa_func));
}

int gvrt_pack_params(const struct gvrt_module *m, int func, void **args,
                     uint8_t *buf, uint32_t cap)
{
    const struct gv_isa_module *h = (const void *)m->img;
    const struct gv_isa_func *f = func_of(m, func);
    const struct gv_isa_param *p;

    if (!f || f->param_size > cap) {
        return -1;
    }
    p = (const void *)(m->img + h->params_off);
    memset(buf, 0, f->param_size);
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct gv_isa_param *q = &p[f->param_start + i];

        memcpy(buf + q->offset, args[i], q->size);
    }
    return (int)f->param_size;
}

int gvrt_launch(struct gvrt_stream *st, const struct gvrt_module *m,
                int func, const uint32_t grid[3], const uint32_t block[3],
                uint32_t shared_dyn, const void *params,
                uint32_t param_size)
{
    uint32_t size = sizeof(struct gv_cmd_launch) + ((param_size + 7) & ~7u);
    uint8_t *buf;
    struct gv_cmd_launch c = {
        .hdr = { GV_OP_LAUNCH, size },
        .func = (uint32_t)func,
        .module_va = m->va, .module_size = m->size,
        .shared_dyn = shared_dyn, .param_size = param_size,
    };
    int r;

    if (func < 0 || param_size > GV_ISA_MAX_PARAM) {
        return -EINVAL;
    }
    buf = calloc(1, size);
    if (!buf) {
        return -ENOMEM;
    }
    memcpy(c.grid, grid, sizeof(c.grid));
    memcpy(c.block, block, sizeof(c.block));
    memcpy(buf, &c, sizeof(c));
    memcpy(buf + sizeof(c), params, param_size);
    r = gvrt_stream_run(st, buf, size);
    free(buf);
    return r;
}

int gvrt_secure_channel(struct gvrt_dev *dev, struct gvrt_secure *s,
                        const uint8_t ak_pub[GV_EC_PUB_LEN], uint32_t *handle,
                        uint64_t *fence_va)
{
    uint8_t nonce[GV_NONCE_LEN];
    struct gv_pte_summary sum;
    struct gv_quote q;
    uint64_t fva;
    int r;

    if (gvc_random(nonce, sizeof(nonce)) != GVC_OK) {
        return -EIO;
    }
    r = gvrt_chan_create_sum(dev, true, s->uk_pub, nonce, &q, &sum, handle,
                             &fva);
    if (r) {
        return r;
    }
    /* The quote gives the channel's keys; then the fence page's mapping,
     * its first report: unprotected (n = 0), one page, where the driver
     * says the fence is. */
    if (gvrt_quote_accept(s, &q, ak_pub, nonce) != 0 || q.chid != *handle ||
        sum.chid != *handle || sum.va != (fva & ~(uint64_t)(GV_PAGE_SIZE - 1)) ||
        sum.k != 1 || sum.n != 0 || gvrt_summary_accept(s, &sum, false) != 0) {
        gvrt_chan_destroy(dev, *handle, NULL);
        return -EPERM;
    }
    if (fence_va) {
        *fence_va = fva;
    }
    return 0;
}

/* The CH_PTE runs the driver maps [va, va + pages) with (small pages):
 * split at page tables and GV_PTE_MAX_COUNT, as docs/uapi.md says. */
static uint32_t unmap_plan(uint64_t va, uint64_t pages, uint64_t *cva,
                           uint64_t *cbytes, uint32_t cap)
{
    uint32_t k = 0;

    for (uint64_t done = 0; done < pages; k++) {
        uint64_t v = va + (done << GV_PAGE_SHIFT);
        uint64_t idx = (v >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);
        uint64_t n = pages - done;

        if (n > GV_PGT_SMALL_ENTRIES - idx) {
            n = GV_PGT_SMALL_ENTRIES - idx;
        }
        if (n > GV_PTE_MAX_COUNT) {
            n = GV_PTE_MAX_COUNT;
        }
        if (k < cap) {
            cva[k] = v;
            cbytes[k] = n << GV_PAGE_SHIFT;
        }
        done += n;
    }
    return k;
}

#define FREE_MAX_CHUNKS 64

int gvrt_free(struct gvrt_stream *st, uint64_t va, uint64_t size)
{
    uint64_t pages = (size + GV_PAGE_SIZE - 1) >> GV_PAGE_SHIFT;
    uint64_t cva[FREE_MAX_CHUNKS], cbytes[FREE_MAX_CHUNKS];
    struct gv_pte_summary sums[FREE_MAX_CHUNKS];
    uint8_t macs[FREE_MAX_CHUNKS][GV_TAG_LEN];
    uint32_t n, nsums = 0;
    uint8_t *zero;
    int r;

    if (!st->s) {
        return gvrt_mem_free(st->dev, st->handle, va, NULL, 0);
    }
    n = unmap_plan(va, pages, cva, cbytes, FREE_MAX_CHUNKS);
    if (!size || n > FREE_MAX_CHUNKS) {
        return -EINVAL;
    }
    /* Clear before the unmap is authorised (the paper's memset; here an
     * authenticated copy of zeros through the copy engine): the secret
     * must not outlive the allocation, whatever the device does. */
    zero = calloc(1, pages << GV_PAGE_SHIFT);
    if (!zero) {
        return -ENOMEM;
    }
    r = gvrt_memcpy_htod(st, va, zero, pages << GV_PAGE_SHIFT);
    free(zero);
    if (r) {
        return r;
    }
    for (uint32_t i = 0; i < n; i++) {
        gvrt_mac_unmap(st->s, st->handle, cva[i], cbytes[i], macs[i]);
    }
    r = gvrt_mem_free_sum(st->dev, st->handle, va,
                          (const uint8_t (*)[GV_TAG_LEN])macs, n, sums,
                          FREE_MAX_CHUNKS, &nsums);
    /* Each unmap is reported: accept them all, in order, even after an
     * error (the ones that ran changed the mapping). */
    for (uint32_t i = 0; i < nsums; i++) {
        if (sums[i].va != cva[i] || sums[i].k != 0 ||
            gvrt_summary_accept(st->s, &sums[i], false) != 0) {
            return -EPERM;
        }
    }
    if (!r && nsums != n) {
        return -EPERM;
    }
    return r;
}
