/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake driver over the test bench's device: see test_gvcuda_drv.h.  It
 * follows the guest driver (guest-driver/gv_ctx.c) in what the runtime
 * can see: one open file is one context, fences at VA = handle x 4 KiB,
 * allocations from 128 MiB split into CH_PTEs at page tables and 1024
 * entries, summaries and MACs relayed, errors of SUBMIT and WAIT.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/graviton_uapi.h"
#include "test_gvcuda_drv.h"

#define CB_BASE     (2ull << 20)        /* command buffers in guest RAM */
#define CB_SLOTS    20
#define POOL_BYTES  (64ull << 20)       /* data pages */
#define POOL_PAGES  (POOL_BYTES >> GV_PAGE_SHIFT)
#define VA_START    (128ull << 20)
#define DATA_OFF    (16u << 10)         /* the runtime's data area */

struct fd_alloc {
    struct fd_alloc *next;
    uint64_t va, size, pa;
};

struct fd_file {
    bool secure, any;
    uint8_t uk_pub[GV_EC_PUB_LEN];
    uint32_t first;                     /* first channel (SHARE) */
    uint64_t tables[8];                 /* small table per PGD index */
    uint64_t next_va;
    struct fd_alloc *allocs;
};

struct fd_chan {
    struct fd_file *f;                  /* NULL: free */
    int slot;
    uint64_t fence_pa;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct td *td;
static int ndevices;
static struct fd_chan chans[GV_MAX_CHANNELS];
static bool slot_used[CB_SLOTS];
static uint64_t pool_pa;
static uint8_t pool_used[POOL_PAGES];
static enum fd_tamper tamper;
static int tamper_skip;         /* submits to let pass first */
static uint8_t ak_cert[GRAVITON_AK_CERT_MAX];
static uint32_t ak_cert_len;
static uint64_t freed_nonzero;

void fd_init(int ndevs)
{
    td = td_new(256ull << 20, 16ull << 20, 200ull << 20, true);
    pool_pa = td_alloc_prot(td, POOL_BYTES, GV_PAGE_SIZE);
    memset(chans, 0, sizeof(chans));
    memset(slot_used, 0, sizeof(slot_used));
    memset(pool_used, 0, sizeof(pool_used));
    ndevices = ndevs;
    tamper = FD_TAMPER_NONE;
    gvrt_backend_set(&fd_backend);
}

void fd_fini(void)
{
    gvrt_backend_set(NULL);
    td_free(td);
    td = NULL;
}

struct td *fd_td(void)
{
    return td;
}

void fd_tamper(enum fd_tamper t)
{
    fd_tamper_nth(t, 1);
}

void fd_tamper_nth(enum fd_tamper t, int nth)
{
    pthread_mutex_lock(&lock);
    tamper = t;
    tamper_skip = nth - 1;
    pthread_mutex_unlock(&lock);
}

/* Is the armed tampering @t?  Then it is used up. */
static bool take(enum fd_tamper t)
{
    if (tamper != t) {
        return false;
    }
    tamper = FD_TAMPER_NONE;
    return true;
}

uint64_t fd_freed_nonzero(void)
{
    return freed_nonzero;
}

void fd_set_ak_cert(const uint8_t *der, uint32_t len)
{
    ak_cert_len = der ? len : 0;
    if (der) {
        memcpy(ak_cert, der, len);
    }
}

void fd_silent_map(void)
{
    int chid = -1;
    uint64_t pte;

    pthread_mutex_lock(&lock);
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        if (chans[c].f && chans[c].f->secure && chans[c].f->first != c) {
            chid = (int)c;
        }
    }
    if (chid >= 0) {
        /* an empty slot of the stream's (shared) first table: allowed
         * without a MAC, but it takes one of the channel's reports */
        pte = td_alloc_unprot(td, GV_PAGE_SIZE, GV_PAGE_SIZE) | GV_PTE_VALID;
        td_pte(td, chid, 0, 200, 1, &pte, false, NULL, NULL);
    }
    pthread_mutex_unlock(&lock);
}

int fd_allocations(void)
{
    int n = 0;

    pthread_mutex_lock(&lock);
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        /* count each file once: at its first channel */
        if (chans[c].f && chans[c].f->first == c) {
            for (struct fd_alloc *a = chans[c].f->allocs; a; a = a->next) {
                n++;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- physical pages ---- */

static uint64_t pool_alloc(uint64_t pages)
{
    for (uint64_t i = 0; i + pages <= POOL_PAGES; i++) {
        uint64_t j = 0;

        while (j < pages && !pool_used[i + j]) {
            j++;
        }
        if (j == pages) {
            memset(pool_used + i, 1, pages);
            return pool_pa + (i << GV_PAGE_SHIFT);
        }
        i += j;
    }
    return 0;
}

static void pool_free(uint64_t pa, uint64_t pages)
{
    memset(pool_used + ((pa - pool_pa) >> GV_PAGE_SHIFT), 0, pages);
}

/* ---- the ioctls ---- */

static int err_to_errno(int e)
{
    switch (e) {
    case GV_ERR_NONE:
        return 0;
    case GV_ERR_PAGE_LOCKED:
    case GV_ERR_OTHER_CONTEXT:
        return -EACCES;
    case GV_ERR_AUTH:
    case GV_ERR_MAC:
        return -EBADMSG;
    case GV_ERR_NO_RESOURCES:
        return -ENOSPC;
    case GV_ERR_NO_ATTESTATION:
        return -ENODEV;
    default:
        return -EINVAL;
    }
}

static struct fd_chan *chan_of(struct fd_file *f, uint32_t handle)
{
    if (handle >= GV_MAX_CHANNELS || chans[handle].f != f) {
        return NULL;
    }
    return &chans[handle];
}

static uint64_t table(struct fd_file *f, unsigned pgdi)
{
    if (!f->tables[pgdi]) {
        f->tables[pgdi] = td_alloc_prot(td, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE);
        for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
            if (chans[c].f == f) {
                td_pde(td, c, pgdi, false, f->tables[pgdi]);
            }
        }
    }
    return f->tables[pgdi];
}

static int chan_create(struct fd_file *f, struct graviton_chan_create *c)
{
    bool secure = c->flags & GRAVITON_CHAN_SECURE;
    struct gv_pte_summary sum;
    struct gv_quote q;
    uint64_t pte;
    uint32_t flags = secure ? GV_CREATE_SECURE : 0;
    int chid = -1, slot = -1, e;

    if (f->any && (f->secure != secure ||
                   (secure && memcmp(f->uk_pub, c->uk_pub, GV_EC_PUB_LEN)))) {
        return -EINVAL;
    }
    for (int i = 1; i < GV_MAX_CHANNELS && chid < 0; i++) {
        chid = chans[i].f ? -1 : i;
    }
    for (int i = 0; i < CB_SLOTS && slot < 0; i++) {
        slot = slot_used[i] ? -1 : i;
    }
    if (chid < 0 || slot < 0) {
        return -ENOSPC;
    }
    if (!secure && f->any) {
        flags = GV_CREATE_SHARE;
    }
    {
        struct gv_cmd_ch_create cc = {
            .hdr = { GV_OP_CH_CREATE, sizeof(cc) }, .chid = chid,
            .flags = flags,
            .desc_addr = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
            .pgd_addr = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
            .share_chid = flags & GV_CREATE_SHARE ? f->first : 0,
            .result_addr = TD_GUEST_BASE + (7ull << 20),
        };

        memcpy(cc.uk_pub, c->uk_pub, GV_EC_PUB_LEN);
        memcpy(cc.nonce, c->nonce, GV_NONCE_LEN);
        if (!secure) {
            memset(cc.uk_pub, 0, sizeof(cc.uk_pub));
            memset(cc.nonce, 0, sizeof(cc.nonce));
        }
        e = td_submit(td, TD_BOOT_CHID, &cc, sizeof(cc));
        if (e) {
            return err_to_errno(e);
        }
        memcpy(&q, td->guest + (7ull << 20), sizeof(q));
    }
    chans[chid].f = f;
    chans[chid].slot = slot;
    slot_used[slot] = true;
    if (!f->any) {
        f->any = true;
        f->secure = secure;
        f->first = chid;
        f->next_va = VA_START;
        memcpy(f->uk_pub, c->uk_pub, GV_EC_PUB_LEN);
    }
    td_ring_setup(td, chid);
    {
        uint64_t win = TD_GUEST_BASE + CB_BASE + slot * GRAVITON_CMDBUF_SIZE;

        memset(td->guest + CB_BASE + slot * GRAVITON_CMDBUF_SIZE, 0,
               GRAVITON_CMDBUF_SIZE);
        td_hostwin(td, chid, win, GRAVITON_CMDBUF_SIZE);
    }
    /* the context's tables in the new stream, then its fence page */
    for (unsigned i = 0; i < 8; i++) {
        if (f->tables[i]) {
            td_pde(td, chid, i, false, f->tables[i]);
        }
    }
    table(f, 0);
    chans[chid].fence_pa = td_alloc_unprot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    gv_aperture_write(td->dev, chans[chid].fence_pa, 0, 8);
    pte = chans[chid].fence_pa | GV_PTE_VALID;
    td_pte(td, chid, 0, chid, 1, &pte, false, NULL, &sum);
    if (secure) {
        if (take(FD_TAMPER_QUOTE)) {
            q.sig[5] ^= 1;
        }
        memcpy((void *)(uintptr_t)c->quote_ptr, &q, sizeof(q));
        if (c->summary_ptr) {
            memcpy((void *)(uintptr_t)c->summary_ptr, &sum, sizeof(sum));
        }
    }
    c->handle = chid;
    c->fence_va = (uint64_t)chid << GV_PAGE_SHIFT;
    return 0;
}

static void chan_release(unsigned chid)
{
    slot_used[chans[chid].slot] = false;
    chans[chid].f = NULL;
}

static int chan_destroy(struct fd_file *f, struct graviton_chan_destroy *d)
{
    struct fd_chan *ch = chan_of(f, d->handle);
    int e;

    if (!ch) {
        return -ENOENT;
    }
    e = td_destroy(td, d->handle,
                   d->flags & GRAVITON_DESTROY_AUTH ? d->mac : NULL);
    if (e) {
        return err_to_errno(e);
    }
    chan_release(d->handle);
    return 0;
}

/* The CH_PTE runs of [va, va + pages), as the guest driver splits them. */
static uint32_t runs(uint64_t va, uint64_t pages, uint64_t *rva,
                     uint64_t *rn, uint32_t cap)
{
    uint32_t k = 0;

    for (uint64_t done = 0; done < pages; k++) {
        uint64_t v = va + (done << GV_PAGE_SHIFT);
        uint64_t idx = (v >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);
        uint64_t n = pages - done;

        n = n > GV_PGT_SMALL_ENTRIES - idx ? GV_PGT_SMALL_ENTRIES - idx : n;
        n = n > GV_PTE_MAX_COUNT ? GV_PTE_MAX_COUNT : n;
        if (k < cap) {
            rva[k] = v;
            rn[k] = n;
        }
        done += n;
    }
    return k;
}

#define MAX_RUNS 64

static int mem_alloc(struct fd_file *f, struct graviton_mem_alloc *a)
{
    uint64_t pages = (a->size + GV_PAGE_SIZE - 1) >> GV_PAGE_SHIFT;
    uint64_t rva[MAX_RUNS], rn[MAX_RUNS], *ptes;
    struct gv_pte_summary *sums = (void *)(uintptr_t)a->summaries_ptr;
    struct fd_alloc *al;
    uint32_t k;
    uint64_t va, pa;

    if (!chan_of(f, a->handle) || a->flags || !a->size ||
        a->size > POOL_BYTES) {
        return -EINVAL;
    }
    va = (f->next_va + (128u << 10) - 1) & ~((128ull << 10) - 1);
    k = runs(va, pages, rva, rn, MAX_RUNS);
    if (k > MAX_RUNS || (va + a->size) >> GV_PDE_SHIFT >= 8) {
        return -ENOSPC;
    }
    if (f->secure && a->summaries_cap < k) {
        return -ENOSPC;
    }
    pa = pool_alloc(pages);
    al = calloc(1, sizeof(*al));
    ptes = calloc(GV_PTE_MAX_COUNT, 8);
    if (!pa || !al || !ptes) {
        free(al);
        free(ptes);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < k; i++) {
        uint64_t off = rva[i] - va;
        struct gv_pte_summary sum;

        for (uint64_t j = 0; j < rn[i]; j++) {
            ptes[j] = (pa + off + (j << GV_PAGE_SHIFT)) | GV_PTE_VALID;
        }
        table(f, (unsigned)(rva[i] >> GV_PDE_SHIFT));
        td_pte(td, a->handle, (unsigned)(rva[i] >> GV_PDE_SHIFT),
               (unsigned)((rva[i] >> GV_PAGE_SHIFT) &
                          (GV_PGT_SMALL_ENTRIES - 1)),
               (unsigned)rn[i], ptes, false, NULL, &sum);
        if (f->secure) {
            if (take(FD_TAMPER_SUMMARY)) {
                sum.mac[0] ^= 1;
            }
            sums[i] = sum;
        }
    }
    free(ptes);
    al->va = va;
    al->size = pages << GV_PAGE_SHIFT;
    al->pa = pa;
    al->next = f->allocs;
    f->allocs = al;
    f->next_va = va + al->size;
    a->va = va;
    a->summaries_count = f->secure ? k : 0;
    return 0;
}

static int mem_free(struct fd_file *f, struct graviton_mem_free *m)
{
    const uint8_t (*macs)[GV_TAG_LEN] = (void *)(uintptr_t)m->macs_ptr;
    struct gv_pte_summary *sums = (void *)(uintptr_t)m->summaries_ptr;
    uint64_t rva[MAX_RUNS], rn[MAX_RUNS], *zero;
    struct fd_alloc **pp = &f->allocs, *al;
    uint32_t k;
    int r = 0;

    if (!chan_of(f, m->handle)) {
        return -ENOENT;
    }
    while (*pp && (*pp)->va != m->va) {
        pp = &(*pp)->next;
    }
    al = *pp;
    if (!al) {
        return -EINVAL;
    }
    k = runs(al->va, al->size >> GV_PAGE_SHIFT, rva, rn, MAX_RUNS);
    if (f->secure && (m->macs_count != k || m->summaries_cap < k)) {
        return -EINVAL;
    }
    /* what the runtime left in memory it frees (it must clear first) */
    for (uint64_t off = 0; f->secure && off < al->size; off += 8) {
        uint64_t v;

        gv_debug_read(td->dev, al->pa + off, &v, 8);
        freed_nonzero += v != 0;
    }
    zero = calloc(GV_PTE_MAX_COUNT, 8);
    m->summaries_count = 0;
    for (uint32_t i = 0; i < k && !r; i++) {
        struct gv_pte_summary sum;
        int e = td_pte(td, m->handle, (unsigned)(rva[i] >> GV_PDE_SHIFT),
                       (unsigned)((rva[i] >> GV_PAGE_SHIFT) &
                                  (GV_PGT_SMALL_ENTRIES - 1)),
                       (unsigned)rn[i], zero, false,
                       f->secure ? macs[i] : NULL, &sum);

        r = err_to_errno(e);
        if (!r && f->secure) {
            sums[m->summaries_count++] = sum;
        }
    }
    free(zero);
    if (r) {
        return r;
    }
    *pp = al->next;
    pool_free(al->pa, al->size >> GV_PAGE_SHIFT);
    free(al);
    return 0;
}

static int measure(struct fd_file *f, struct graviton_measure *c)
{
    struct gv_measurement m;
    int e;

    if (!chan_of(f, c->handle)) {
        return -ENOENT;
    }
    e = td_measure(td, c->handle, c->va, c->size, &m);
    if (e) {
        return err_to_errno(e);
    }
    if (take(FD_TAMPER_MEASURE)) {
        m.digest[3] ^= 1;
    }
    memcpy((void *)(uintptr_t)c->result_ptr, &m, sizeof(m));
    return 0;
}

static uint8_t *cmdbuf(unsigned chid)
{
    return td->guest + CB_BASE + chans[chid].slot * GRAVITON_CMDBUF_SIZE;
}

/* The group at @s's offset, as the driver's SUBMIT does. */
/* The test bench's device runs every group at the doorbell, so every
 * failure is reported here, and acknowledged (uapi 1.4's synchronous
 * case). */
static int submit_raw(struct graviton_submit *s, uint8_t *cb)
{
    td_wr(td, GV_REG_CHAN(s->handle, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    s->error = (uint32_t)td_submit_raw(td, s->handle, cb + s->offset, s->len,
                                       0);
    if (s->error) {
        td_wr(td, GV_REG_ERROR_ACK, 1);
        td_wr(td, GV_REG_CHAN(s->handle, GV_CHAN_CTRL),
              GV_CHAN_CTRL_CLEAR_ERR);
    }
    return 0;
}

static int submit(struct fd_file *f, struct graviton_submit *s)
{
    struct fd_chan *ch = chan_of(f, s->handle);
    uint8_t *cb;

    if (!ch || s->offset >= GRAVITON_CMDBUF_SIZE || !s->len ||
        s->len > GRAVITON_CMDBUF_SIZE - s->offset || s->offset % 8 ||
        (s->flags & ~GRAVITON_SUBMIT_CLEAR_ERROR)) {
        return -EINVAL;
    }
    cb = cmdbuf(s->handle);
    if ((tamper == FD_TAMPER_COPY_IN || tamper == FD_TAMPER_COPY_OUT) &&
        tamper_skip > 0) {
        tamper_skip--;
        return submit_raw(s, cb);
    }
    if (take(FD_TAMPER_COPY_IN)) {
        cb[DATA_OFF] ^= 1;
    }
    submit_raw(s, cb);
    if (take(FD_TAMPER_COPY_OUT)) {
        cb[DATA_OFF] ^= 1;
    }
    return 0;
}

static int wait_fence(struct fd_file *f, struct graviton_wait *w)
{
    struct fd_chan *ch = chan_of(f, w->handle);

    if (!ch) {
        return -ENOENT;
    }
    /* the test bench's device runs launches at the doorbell */
    w->current_value = gv_aperture_read(td->dev, ch->fence_pa, 8);
    w->error = 0;
    if (w->current_value >= w->value) {
        return 0;
    }
    if (td_rd(td, GV_REG_CHAN(w->handle, GV_CHAN_STATUS)) &
        GV_CHAN_STATUS_ERROR) {
        w->error = td_rd(td, GV_REG_ERROR_CODE);
        return -EIO;
    }
    return -ETIMEDOUT;
}

static int get_info(struct graviton_info *i)
{
    memset(i, 0, sizeof(*i));
    i->uapi_version = GRAVITON_UAPI_VERSION;
    i->vendor_id = 0x1234;
    i->device_id = 0x6776;
    i->fw_version = td_rd(td, GV_REG_FW_VERSION);
    i->vram_size = td->vram;
    i->aperture_size = td->unprot;
    return 0;
}

static int ak_info(struct graviton_ak_info *ak)
{
    memset(ak, 0, sizeof(*ak));
    ak->status = 1;
    ak->fw_version = td_rd(td, GV_REG_FW_VERSION);
    td_read_bytes(td->dev, GV_REG_AK_PUB, ak->ak_pub, GV_EC_PUB_LEN);
    td_read_bytes(td->dev, GV_REG_AK_SIG, ak->ak_sig, GV_EC_SIG_LEN);
    td_read_bytes(td->dev, GV_REG_EK_PUB, ak->ek_pub, GV_EC_PUB_LEN);
    return 0;
}

static int get_ak_cert(struct graviton_blob *b)
{
    if (!ak_cert_len) {
        return -ENOENT;
    }
    if (b->len < ak_cert_len) {
        b->len = ak_cert_len;
        return -ENOSPC;
    }
    memcpy((void *)(uintptr_t)b->ptr, ak_cert, ak_cert_len);
    b->len = ak_cert_len;
    return 0;
}

/* As the driver: the device-time model's clock and profile. */
static int get_param(struct graviton_param *p)
{
    uint32_t profile = td_rd(td, GV_REG_DEVTIME_PROFILE);

    if (p->pad) {
        return -EINVAL;
    }
    switch (p->param) {
    case GRAVITON_PARAM_DEVICE_TIME_PROFILE:
        p->value = profile;
        return 0;
    case GRAVITON_PARAM_DEVICE_TIME:
        if (!profile) {
            return -ENODATA;
        }
        p->value = td_rd(td, GV_REG_DEVTIME_LO);
        p->value |= (uint64_t)td_rd(td, GV_REG_DEVTIME_HI) << 32;
        return 0;
    default:
        return -EINVAL;
    }
}

static int do_ioctl(struct fd_file *f, unsigned long cmd, void *arg)
{
    switch (cmd) {
    case GRAVITON_IOC_GET_PARAM:
        return get_param(arg);
    case GRAVITON_IOC_GET_INFO:
        return get_info(arg);
    case GRAVITON_IOC_GET_AK_INFO:
        return ak_info(arg);
    case GRAVITON_IOC_GET_AK_CERT:
        return get_ak_cert(arg);
    case GRAVITON_IOC_CHAN_CREATE:
        return chan_create(f, arg);
    case GRAVITON_IOC_CHAN_DESTROY:
        return chan_destroy(f, arg);
    case GRAVITON_IOC_MEM_ALLOC:
        return mem_alloc(f, arg);
    case GRAVITON_IOC_MEM_FREE:
        return mem_free(f, arg);
    case GRAVITON_IOC_MEASURE:
        return measure(f, arg);
    case GRAVITON_IOC_SUBMIT:
        return submit(f, arg);
    case GRAVITON_IOC_WAIT:
        return wait_fence(f, arg);
    default:
        return -ENOTTY;
    }
}

/* ---- the backend ---- */

static int be_open(struct gvrt_dev *dev, int index)
{
    struct fd_file *f;

    if (index >= ndevices) {
        return -ENOENT;
    }
    f = calloc(1, sizeof(*f));
    if (!f) {
        return -ENOMEM;
    }
    dev->priv = f;
    return 0;
}

/* As the driver at close: every channel destroyed unauthorised, the
 * memory returned. */
static void be_close(struct gvrt_dev *dev)
{
    struct fd_file *f = dev->priv;

    pthread_mutex_lock(&lock);
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        if (chans[c].f == f) {
            td_destroy(td, c, NULL);
            chan_release(c);
        }
    }
    while (f->allocs) {
        struct fd_alloc *a = f->allocs;

        f->allocs = a->next;
        pool_free(a->pa, a->size >> GV_PAGE_SHIFT);
        free(a);
    }
    pthread_mutex_unlock(&lock);
    free(f);
}

static int be_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg)
{
    int r;

    pthread_mutex_lock(&lock);
    r = do_ioctl(dev->priv, cmd, arg);
    pthread_mutex_unlock(&lock);
    return r;
}

static int be_map(struct gvrt_dev *dev, uint32_t handle, void **buf)
{
    int r = -EINVAL;

    pthread_mutex_lock(&lock);
    *buf = NULL;
    if (chan_of(dev->priv, handle)) {
        *buf = cmdbuf(handle);
        r = 0;
    }
    pthread_mutex_unlock(&lock);
    return r;
}

static void be_unmap(struct gvrt_dev *dev, void *buf)
{
}

const struct gvrt_backend fd_backend = {
    .name = "test bench",
    .open = be_open,
    .close = be_close,
    .ioctl = be_ioctl,
    .map = be_map,
    .unmap = be_unmap,
};
