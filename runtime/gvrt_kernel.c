/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime: streams, copies, modules and launches.  See gvrt_kernel.h. */
#include "gvrt_kernel.h"
#include "gvrt_stream_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_isa.h"
#include "graviton/graviton_uapi.h"
#include "gv_crypto.h"
#include "gv_ptx.h"

#define CHUNK GVRT_CHUNK

/* Upper bound of the CH_PTEs (summaries) the driver maps @size bytes of
 * small pages with: runs of at most GV_PTE_MAX_COUNT entries, split at
 * page tables (docs/uapi.md). */
static uint32_t max_runs(uint64_t size)
{
    uint64_t pages = (size + GV_PAGE_SIZE - 1) >> GV_PAGE_SHIFT;

    return (uint32_t)(pages / GV_PTE_MAX_COUNT +
                      pages / GV_PGT_SMALL_ENTRIES + 2);
}

static int unmap_authorised(struct gvrt_stream *st, uint64_t va,
                            uint64_t size, bool *unmapped);

int gvrt_malloc(struct gvrt_stream *st, uint64_t size, uint64_t *va)
{
    struct gv_pte_summary *sums = NULL;
    uint32_t count = 0, cap = 0;
    int r;

    if (!size) {
        return -EINVAL;
    }
    if (st->s) {
        if (size > (1ull << 40)) {
            return -ENOMEM;
        }
        cap = max_runs(size);
        sums = calloc(cap, sizeof(*sums));
        if (!sums) {
            return -ENOMEM;
        }
    }
    r = gvrt_mem_alloc(st->dev, st->handle, 0, size, va, sums, cap, &count);
    if (r || !st->s) {
        free(sums);
        return r;
    }
    /* Invariant 5.3: every page of secure memory is protected, and the
     * summaries are the device's (MAC) and fresh (counter). */
    for (uint32_t i = 0; i < count && !r; i++) {
        if (sums[i].chid != st->handle || sums[i].k == 0 ||
            (i == 0 && sums[i].va != *va)) {
            st->s->failed = "summary address";
            r = -EBADMSG;
        } else {
            r = gvrt_summary_accept(st->s, &sums[i], true);
        }
    }
    if (!r && count > cap) {
        r = -EBADMSG;
    }
    free(sums);
    if (r) {
        const char *why = st->s->failed;

        /* Undo it (as libdrm undoes a kernel object when its own
         * bookkeeping fails): nothing was written to the memory yet, so
         * the runtime's unmap MACs suffice.  The report counter is off
         * now (the refused summary was the device's next), so the undo's
         * own summaries fail too: the first failure is the one to name. */
        unmap_authorised(st, *va, size, NULL);
        st->s->failed = why;
        *va = 0;
    }
    return r;
}

static void next_iv(struct gvrt_stream *st, uint8_t iv[12])
{
    uint64_t c = ++st->iv_counter;

    memcpy(iv, "CPYE", 4);
    memcpy(iv + 4, &c, 8);
}

/* One piece from the host through the host window (the command
 * buffer's data area), without waiting; @crypto: the copy engine's crypto
 * mode (a secure stream's copies, unless the data is ciphertext
 * already). */
static int copy_in(struct gvrt_stream *st, bool crypto, uint64_t va,
                   const uint8_t *host, uint32_t n)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) }, .size = n,
                             .flags = GV_COPY_SRC_HOST, .dst = va };
    uint32_t off, dlen = n + (crypto ? GV_TAG_LEN : 0);
    uint8_t *data;
    int r = gvrt_stream_data(st, dlen, &off);

    if (r) {
        return r;
    }
    data = st->cb + off;
    c.src = off;
    if (crypto) {
        uint64_t t0 = gvrt_now_ns();

        c.flags |= GV_COPY_DECRYPT;
        next_iv(st, c.iv);
        if (gvc_gcm_seal(st->copy_key, c.iv, &va, 8, host, n, data,
                         data + n) != GVC_OK) {
            return -EIO;
        }
        st->crypto_ns += gvrt_now_ns() - t0;
    } else {
        memcpy(data, host, n);
    }
    return gvrt_stream_submit(st, &c, sizeof(c), off, dlen);
}

/* One piece to the host: queued behind the stream's work, waited for,
 * then taken out of the data area (opened, with @crypto). */
static int copy_out(struct gvrt_stream *st, bool crypto, uint64_t va,
                    uint8_t *host, uint32_t n)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) }, .size = n,
                             .flags = GV_COPY_DST_HOST, .src = va };
    uint32_t off, dlen = n + (crypto ? GV_TAG_LEN : 0);
    uint8_t *data;
    int r = gvrt_stream_data(st, dlen, &off);

    if (r) {
        return r;
    }
    data = st->cb + off;
    c.dst = off;
    if (crypto) {
        c.flags |= GV_COPY_ENCRYPT;
        next_iv(st, c.iv);
    }
    r = gvrt_stream_submit(st, &c, sizeof(c), off, dlen);
    r = r ? r : gvrt_stream_wait(st, st->seq);
    if (r) {
        return r;
    }
    if (crypto) {
        uint64_t t0 = gvrt_now_ns();

        /* aad = the device address the data came from */
        r = gvc_gcm_open(st->copy_key, c.iv, &va, 8, data, n, host,
                         data + n);
        st->crypto_ns += gvrt_now_ns() - t0;
        if (r != GVC_OK) {
            st->s->failed = "ciphertext tag (copy to the host)";
            return -EBADMSG;
        }
        return 0;
    }
    memcpy(host, data, n);
    return 0;
}

/* A copy of any length, in chunks that fit the data area; to the device
 * without waiting. */
static int copy_chunks(struct gvrt_stream *st, bool in, bool crypto,
                       uint64_t va, uint8_t *host, size_t len)
{
    for (size_t off = 0; off < len; off += CHUNK) {
        uint32_t n = len - off < CHUNK ? (uint32_t)(len - off) : CHUNK;
        int r = in ? copy_in(st, crypto, va + off, host + off, n) :
                     copy_out(st, crypto, va + off, host + off, n);

        if (r) {
            return r;
        }
    }
    return 0;
}

int gvrt_memcpy_htod_async(struct gvrt_stream *st, uint64_t va,
                           const void *src, size_t len)
{
    return copy_chunks(st, true, st->s != NULL, va, (uint8_t *)src, len);
}

int gvrt_memcpy_htod(struct gvrt_stream *st, uint64_t va, const void *src,
                     size_t len)
{
    int r = gvrt_memcpy_htod_async(st, va, src, len);

    return r ? r : gvrt_stream_sync(st);
}

int gvrt_memcpy_dtoh(struct gvrt_stream *st, void *dst, uint64_t va,
                     size_t len)
{
    return copy_chunks(st, false, st->s != NULL, va, dst, len);
}

int gvrt_memcpy_htod_raw(struct gvrt_stream *st, uint64_t va,
                         const void *src, size_t len)
{
    int r = copy_chunks(st, true, false, va, (uint8_t *)src, len);

    return r ? r : gvrt_stream_sync(st);
}

int gvrt_memcpy_dtoh_raw(struct gvrt_stream *st, void *dst, uint64_t va,
                         size_t len)
{
    return copy_chunks(st, false, false, va, dst, len);
}

int gvrt_memcpy_dtod_async(struct gvrt_stream *st, uint64_t dst,
                           uint64_t src, size_t len)
{
    for (size_t off = 0; off < len; off += GV_COPY_MAX) {
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                                 .src = src + off, .dst = dst + off };
        int r;

        c.size = len - off < GV_COPY_MAX ? len - off : GV_COPY_MAX;
        r = gvrt_stream_run_async(st, &c, sizeof(c));
        if (r) {
            return r;
        }
    }
    return 0;
}

int gvrt_memcpy_dtod(struct gvrt_stream *st, uint64_t dst, uint64_t src,
                     size_t len)
{
    int r = gvrt_memcpy_dtod_async(st, dst, src, len);

    return r ? r : gvrt_stream_sync(st);
}

int gvrt_memset_async(struct gvrt_stream *st, uint64_t va, uint32_t value,
                      unsigned esize, size_t len)
{
    size_t first = len < CHUNK ? len : CHUNK, done;
    uint8_t *pat;
    int r;

    if ((esize != 1 && esize != 2 && esize != 4) || len % esize) {
        return -EINVAL;
    }
    if (!len) {
        return 0;
    }
    pat = malloc(first);
    if (!pat) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < first; i += esize) {
        memcpy(pat + i, &value, esize);
    }
    r = gvrt_memcpy_htod_async(st, va, pat, first);
    free(pat);
    /* then double what is filled; every piece starts at a multiple of
     * the filled length, itself a multiple of the element size (the
     * copies run in order on the stream) */
    for (done = first; !r && done < len;) {
        size_t n = len - done < done ? len - done : done;

        r = gvrt_memcpy_dtod_async(st, va + done, va, n);
        done += n;
    }
    return r;
}

int gvrt_memset(struct gvrt_stream *st, uint64_t va, uint32_t value,
                unsigned esize, size_t len)
{
    int r = gvrt_memset_async(st, va, value, esize, len);

    return r ? r : gvrt_stream_sync(st);
}

int gvrt_module_load(struct gvrt_stream *st, const char *ptx, size_t len,
                     struct gvrt_module *m, char *err, size_t err_len)
{
    size_t size;
    int r;

    memset(m, 0, sizeof(*m));
    if (gv_ptx_translate_syms(ptx, len, &m->img, &size, &m->syms, &m->nsyms,
                              err, err_len) != 0) {
        return -EINVAL;
    }
    m->size = (uint32_t)size;
    /* allocations are page-aligned, so the module is 256-aligned */
    r = gvrt_malloc(st, size, &m->va);
    if (r) {
        gvrt_module_unload(m);
        return r;
    }
    r = gvrt_memcpy_htod(st, m->va, m->img, size);
    if (r) {
        gvrt_free(st, m->va, size);
        gvrt_module_unload(m);
    }
    return r;
}

int gvrt_module_measure(struct gvrt_stream *st, const struct gvrt_module *m)
{
    struct gv_measurement meas;
    int r;

    if (!st->s) {
        return -EINVAL;
    }
    r = gvrt_measure(st->dev, st->handle, m->va, m->size, &meas);
    if (r) {
        return r;
    }
    /* keyed digest (HMAC under the channel's measurement key) of what the
     * runtime copied in */
    return gvrt_measurement_accept(st->s, st->handle, &meas, m->va, m->img,
                                   m->size);
}

void gvrt_module_unload(struct gvrt_module *m)
{
    free(m->img);
    free(m->syms);
    m->img = NULL;
    m->syms = NULL;
    m->nsyms = 0;
}

int gvrt_module_function(const struct gvrt_module *m, const char *name)
{
    if (!m->img || !name) {
        return -1;
    }
    return gv_isa_find_func(m->img, m->size, name);
}

int gvrt_module_global(const struct gvrt_module *m, const char *name,
                       uint64_t *va, uint64_t *size)
{
    const struct gv_isa_module *h = (const void *)m->img;

    for (size_t i = 0; m->img && name && i < m->nsyms; i++) {
        if (strcmp(m->syms[i].name, name) == 0) {
            *va = m->va + h->data_off + m->syms[i].offset;
            *size = m->syms[i].size;
            return 0;
        }
    }
    return -ENOENT;
}

const struct gv_isa_func *gvrt_module_func_info(const struct gvrt_module *m,
                                                int func)
{
    const struct gv_isa_module *h = (const void *)m->img;

    if (!m->img || func < 0 || (uint32_t)func >= h->nfuncs) {
        return NULL;
    }
    return (const void *)(m->img + h->funcs_off +
                          func * sizeof(struct gv_isa_func));
}

int gvrt_pack_params(const struct gvrt_module *m, int func, void **args,
                     uint8_t *buf, uint32_t cap)
{
    const struct gv_isa_module *h = (const void *)m->img;
    const struct gv_isa_func *f = gvrt_module_func_info(m, func);
    const struct gv_isa_param *p;

    if (!f || (f->nparams && !args)) {
        return -EINVAL;
    }
    if (f->param_size > cap) {
        return -E2BIG;
    }
    p = (const void *)(m->img + h->params_off);
    for (uint32_t i = 0; i < f->nparams; i++) {
        if (!args[i]) {
            return -EINVAL;
        }
    }
    memset(buf, 0, f->param_size);
    for (uint32_t i = 0; i < f->nparams; i++) {
        const struct gv_isa_param *q = &p[f->param_start + i];

        memcpy(buf + q->offset, args[i], q->size);
    }
    return (int)f->param_size;
}

/* The LAUNCH command with its parameters (malloc'd), its size in *@size. */
static uint8_t *launch_cmd(const struct gvrt_module *m, int func,
                           const uint32_t grid[3], const uint32_t block[3],
                           uint32_t shared_dyn, const void *params,
                           uint32_t param_size, uint32_t *size)
{
    struct gv_cmd_launch c = {
        .hdr = { GV_OP_LAUNCH, 0 },
        .func = (uint32_t)func,
        .module_va = m->va, .module_size = m->size,
        .shared_dyn = shared_dyn, .param_size = param_size,
    };
    uint8_t *buf;

    *size = sizeof(c) + ((param_size + 7) & ~7u);
    c.hdr.size = *size;
    buf = calloc(1, *size);
    if (!buf) {
        return NULL;
    }
    memcpy(c.grid, grid, sizeof(c.grid));
    memcpy(c.block, block, sizeof(c.block));
    memcpy(buf, &c, sizeof(c));
    if (param_size) {
        memcpy(buf + sizeof(c), params, param_size);
    }
    return buf;
}

int gvrt_launch_async(struct gvrt_stream *st, const struct gvrt_module *m,
                      int func, const uint32_t grid[3],
                      const uint32_t block[3], uint32_t shared_dyn,
                      const void *params, uint32_t param_size)
{
    uint32_t size;
    uint8_t *buf;
    int r;

    if (func < 0 || param_size > GV_ISA_MAX_PARAM ||
        (param_size && !params)) {
        return -EINVAL;
    }
    buf = launch_cmd(m, func, grid, block, shared_dyn, params, param_size,
                     &size);
    if (!buf) {
        return -ENOMEM;
    }
    r = gvrt_stream_run_async(st, buf, size);
    free(buf);
    return r;
}

int gvrt_launch(struct gvrt_stream *st, const struct gvrt_module *m,
                int func, const uint32_t grid[3], const uint32_t block[3],
                uint32_t shared_dyn, const void *params,
                uint32_t param_size)
{
    int r = gvrt_launch_async(st, m, func, grid, block, shared_dyn, params,
                              param_size);

    return r ? r : gvrt_stream_sync(st);
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
        sum.chid != *handle ||
        sum.va != (fva & ~(uint64_t)(GV_PAGE_SIZE - 1)) ||
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

/* Unmap [@va, @va + @size) of a secure stream's context with the
 * runtime's MACs, one per CH_PTE run, and check the unmaps' summaries. */
static int unmap_authorised(struct gvrt_stream *st, uint64_t va,
                            uint64_t size, bool *unmapped)
{
    uint64_t pages = (size + GV_PAGE_SIZE - 1) >> GV_PAGE_SHIFT;
    uint32_t cap = max_runs(size), n, nsums = 0;
    struct gv_pte_summary *sums = calloc(cap, sizeof(*sums));
    uint64_t *cva = calloc(cap, sizeof(*cva));
    uint64_t *cbytes = calloc(cap, sizeof(*cbytes));
    uint8_t (*macs)[GV_TAG_LEN] = calloc(cap, GV_TAG_LEN);
    int r = -ENOMEM;

    if (!sums || !cva || !cbytes || !macs) {
        goto done;
    }
    n = unmap_plan(va, pages, cva, cbytes, cap);
    r = -EINVAL;
    if (!size || n > cap) {
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        gvrt_mac_unmap(st->s, st->handle, cva[i], cbytes[i], macs[i]);
    }
    r = gvrt_mem_free_sum(st->dev, st->handle, va,
                          (const uint8_t (*)[GV_TAG_LEN])macs, n, sums, cap,
                          &nsums);
    if (unmapped) {
        /* all of it, or a part: either way it cannot be freed again */
        *unmapped = r == 0 || nsums > 0;
    }
    /* Each unmap is reported: accept them all, in order, even after an
     * error (the ones that ran changed the mapping); each of this
     * stream's channel. */
    if (gvrt_unmap_summaries_accept(st->s, st->handle, sums,
                                    nsums < cap ? nsums : cap, cva,
                                    n) != 0) {
        r = -EBADMSG;
        goto done;
    }
    if (!r && nsums != n) {
        st->s->failed = "unmap summary count";
        r = -EBADMSG;
    }
done:
    free(sums);
    free(cva);
    free(cbytes);
    free(macs);
    return r;
}

int gvrt_free(struct gvrt_stream *st, uint64_t va, uint64_t size)
{
    return gvrt_free_unmapped(st, va, size, NULL);
}

int gvrt_free_unmapped(struct gvrt_stream *st, uint64_t va, uint64_t size,
                       bool *unmapped)
{
    uint64_t pages = (size + GV_PAGE_SIZE - 1) >> GV_PAGE_SHIFT;
    bool dummy = false;
    int r;

    unmapped = unmapped ? unmapped : &dummy;
    *unmapped = false;
    if (!st->s) {
        r = gvrt_mem_free(st->dev, st->handle, va, NULL, 0);
        *unmapped = r == 0;
        return r;
    }
    if (!size) {
        return -EINVAL;
    }
    /* Clear before the unmap is authorised (the paper's memset kernel;
     * here the copy engine's fill, gvrt_memset): the secret must not
     * outlive the allocation, whatever the device does. */
    r = gvrt_memset(st, va, 0, 4, pages << GV_PAGE_SHIFT);
    if (r) {
        return r;
    }
    return unmap_authorised(st, va, size, unmapped);
}
