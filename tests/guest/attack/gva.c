/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libgvattack: the malicious driver's toolbox.  See gva.h. */
#include "gva.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gvrt_secure.h"
#include "gv_ptx.h"

#define BOOT_GROUP_OFF  0u
#define BOOT_RESULT_OFF (128u << 10)
#define BOOT_INJECT_OFF (256u << 10)
#define BOOT_BUF_SIZE   (512u << 10)
#define JUNK_ENTRIES    1024u
#define WAIT_MS         30000

static void barrier(void)
{
    __sync_synchronize();
}

/* ---- registers ---- */

uint32_t gva_rd(struct gva *a, uint32_t reg)
{
    return *(volatile uint32_t *)(a->regs + reg);
}

void gva_wr(struct gva *a, uint32_t reg, uint32_t val)
{
    barrier();
    *(volatile uint32_t *)(a->regs + reg) = val;
    barrier();
}

uint32_t gva_chan_rd(struct gva *a, unsigned chid, uint32_t reg)
{
    return gva_rd(a, GV_REG_CHAN(chid, reg));
}

void gva_chan_wr(struct gva *a, unsigned chid, uint32_t reg, uint32_t val)
{
    gva_wr(a, GV_REG_CHAN(chid, reg), val);
}

static uint64_t rd64(struct gva *a, uint32_t lo, uint32_t hi)
{
    return gva_rd(a, lo) | (uint64_t)gva_rd(a, hi) << 32;
}

void gva_err_read(struct gva *a, struct gva_err *e)
{
    e->code = gva_rd(a, GV_REG_ERROR_CODE);
    e->chid = gva_rd(a, GV_REG_ERROR_CHID);
    e->pos = gva_rd(a, GV_REG_ERROR_POS);
    e->count = gva_rd(a, GV_REG_ERROR_COUNT);
    e->rule = gva_rd(a, GV_REG_ERROR_RULE);
}

void gva_err_ack(struct gva *a)
{
    gva_wr(a, GV_REG_ERROR_ACK, 1);
}

void gva_bar2_read(struct gva *a, uint64_t off, void *buf, size_t len)
{
    uint8_t *b = buf;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = *(volatile uint64_t *)(a->vram + off + i);

        memcpy(b + i, &v, len - i < 8 ? len - i : 8);
    }
}

void gva_bar2_write(struct gva *a, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = 0;

        memcpy(&v, b + i, len - i < 8 ? len - i : 8);
        *(volatile uint64_t *)(a->vram + off + i) = v;
    }
    barrier();
}

/* ---- the module ---- */

static int load_module(void)
{
    int fd = open(GVA_MODULE_PATH, O_RDONLY | O_CLOEXEC);
    int r;

    if (fd < 0) {
        return -errno;
    }
    r = (int)syscall(SYS_finit_module, fd, "", 0);
    r = r < 0 && errno != EEXIST ? -errno : 0;
    close(fd);
    return r;
}

int gva_dma_alloc(struct gva *a, size_t size, struct gva_buf *b)
{
    struct gva_dma_alloc d = { .size = size };
    void *p;

    memset(b, 0, sizeof(*b));
    if (ioctl(a->fd, GVA_IOC_DMA_ALLOC, &d) < 0) {
        return -errno;
    }
    size = (size + 4095) & ~(size_t)4095;
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd,
             (off_t)d.mmap_offset);
    if (p == MAP_FAILED) {
        struct gva_dma_free f = { .id = d.id };
        int r = -errno;

        ioctl(a->fd, GVA_IOC_DMA_FREE, &f);
        return r;
    }
    b->cpu = p;
    b->bus = d.bus;
    b->size = size;
    b->id = d.id;
    return 0;
}

void gva_dma_free(struct gva *a, struct gva_buf *b)
{
    struct gva_dma_free f = { .id = b->id };

    if (!b->cpu) {
        return;
    }
    munmap(b->cpu, b->size);
    ioctl(a->fd, GVA_IOC_DMA_FREE, &f);
    memset(b, 0, sizeof(*b));
}

static int phys(struct gva *a, uint64_t addr, void *buf, size_t len, int wr)
{
    struct gva_phys p = { .addr = addr, .len = len, .ptr = (uintptr_t)buf,
                          .write = wr };

    return ioctl(a->fd, GVA_IOC_PHYS, &p) < 0 ? -errno : 0;
}

int gva_phys_read(struct gva *a, uint64_t addr, void *buf, size_t len)
{
    return phys(a, addr, buf, len, 0);
}

int gva_phys_write(struct gva *a, uint64_t addr, const void *buf, size_t len)
{
    return phys(a, addr, (void *)buf, len, 1);
}

int gva_cfg_read(struct gva *a, uint32_t off, uint32_t size, uint32_t *val)
{
    struct gva_cfg c = { .offset = off, .size = size };

    if (ioctl(a->fd, GVA_IOC_CFG, &c) < 0) {
        return -errno;
    }
    *val = c.value;
    return 0;
}

int gva_cfg_write(struct gva *a, uint32_t off, uint32_t size, uint32_t val)
{
    struct gva_cfg c = { .offset = off, .size = size, .write = 1,
                         .value = val };

    return ioctl(a->fd, GVA_IOC_CFG, &c) < 0 ? -errno : 0;
}

/* ---- the attacker's resources ---- */

uint64_t gva_prot_pages(struct gva *a, uint64_t bytes)
{
    a->prot_next -= (bytes + GV_PAGE_SIZE - 1) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    return a->prot_next;
}

uint64_t gva_unprot_pages(struct gva *a, uint64_t bytes)
{
    uint64_t zero = 0;

    bytes = (bytes + GV_PAGE_SIZE - 1) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    a->unprot_next -= bytes;
    /* an earlier attack may have left something there */
    for (uint64_t o = 0; o < bytes; o += 8) {
        gva_bar2_write(a, a->unprot_next + o, &zero, 8);
    }
    return a->unprot_next;
}

unsigned gva_chid_alloc(struct gva *a)
{
    while (a->chid_next >= GVA_CHID_MIN &&
           (gva_chan_rd(a, a->chid_next, GV_CHAN_STATUS) &
            GV_CHAN_TYPE_MASK) != GV_CHAN_TYPE_FREE) {
        a->chid_next--;
    }
    return a->chid_next >= GVA_CHID_MIN ? a->chid_next-- : GV_MAX_CHANNELS;
}

/* ---- running a ring ---- */

static int wait_get(struct gva *a, unsigned chid, uint32_t target)
{
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned spin = 0;; spin++) {
        if (gva_chan_rd(a, chid, GV_CHAN_GET) == target) {
            return 0;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000 +
            (t.tv_nsec - t0.tv_nsec) / 1000000 > WAIT_MS) {
            return -ETIMEDOUT;
        }
        if (spin > 16) {
            usleep(200);
        }
    }
}

/* The device's verdict on what channel @chid just ran. */
static int verdict(struct gva *a, unsigned chid, uint32_t before)
{
    struct gva_err e;

    gva_err_read(a, &e);
    if (e.count == before) {
        return GV_ERR_NONE;
    }
    a->last = e;
    gva_err_ack(a);
    return e.chid == chid ? (int)e.code : GV_ERR_NONE;
}

/* Put {@addr, @len, @flags} at @ring[*@put] of channel @chid, ring the
 * doorbell, wait for it and return the verdict. */
static int ring_run(struct gva *a, unsigned chid, struct gva_buf *ring,
                    uint32_t *put, uint64_t addr, uint32_t len,
                    uint32_t flags)
{
    struct gv_gpfifo_entry *e = (void *)(ring->cpu + *put * sizeof(*e));
    uint32_t before, next = (*put + 1) % GVA_RING;
    int r;

    e->addr = addr;
    e->len = len;
    e->flags = flags;
    barrier();
    /* as any driver: an earlier failure (reported by its verdict) is
     * acknowledged, or the stopped channel would not run this entry */
    if (gva_chan_rd(a, chid, GV_CHAN_STATUS) & GV_CHAN_STATUS_ERROR) {
        gva_chan_wr(a, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    }
    before = gva_rd(a, GV_REG_ERROR_COUNT);
    gva_chan_wr(a, chid, GV_CHAN_PUT, next);
    *put = next;
    r = wait_get(a, chid, next);
    return r ? r : verdict(a, chid, before);
}

uint32_t gva_group(void *out, const void *cmds, uint32_t len)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };

    memcpy(out, &h, sizeof(h));
    memmove((uint8_t *)out + sizeof(h), cmds, len);
    return sizeof(h) + len;
}

int gva_boot_run(struct gva *a, const void *cmds, uint32_t len)
{
    uint32_t n;

    if (len + sizeof(struct gv_group_hdr) > BOOT_RESULT_OFF) {
        return -E2BIG;
    }
    n = gva_group(a->boot_buf.cpu + BOOT_GROUP_OFF, cmds, len);
    memset(a->boot_buf.cpu + BOOT_RESULT_OFF, 0, 4096);
    return ring_run(a, GVA_CHID_BOOT, &a->boot_ring, &a->boot_put,
                    a->boot_buf.bus + BOOT_GROUP_OFF, n, 0);
}

uint64_t gva_result_bus(struct gva *a)
{
    return a->boot_buf.bus + BOOT_RESULT_OFF;
}

void *gva_result(struct gva *a)
{
    return a->boot_buf.cpu + BOOT_RESULT_OFF;
}

/* ---- open / close ---- */

static int boot_create(struct gva *a)
{
    unsigned b = GVA_CHID_BOOT;

    if ((gva_chan_rd(a, b, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
        GV_CHAN_TYPE_BOOTSTRAP) {
        gva_chan_wr(a, b, GV_CHAN_CTRL, GV_CHAN_CTRL_RELEASE);
    }
    a->boot_desc = gva_unprot_pages(a, GV_DESC_BYTES);
    gva_chan_wr(a, b, GV_CHAN_DESC_LO, (uint32_t)a->boot_desc);
    gva_chan_wr(a, b, GV_CHAN_DESC_HI, (uint32_t)(a->boot_desc >> 32));
    if ((gva_chan_rd(a, b, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) !=
        GV_CHAN_TYPE_BOOTSTRAP) {
        fprintf(stderr, "gva: bootstrap channel %u refused (error %u)\n", b,
                gva_rd(a, GV_REG_ERROR_CODE));
        return -EIO;
    }
    gva_chan_wr(a, b, GV_CHAN_RING_LO, (uint32_t)a->boot_ring.bus);
    gva_chan_wr(a, b, GV_CHAN_RING_HI, (uint32_t)(a->boot_ring.bus >> 32));
    gva_chan_wr(a, b, GV_CHAN_RING_ENTRIES, GVA_RING);
    a->boot_put = 0;
    return 0;
}

/* Channels left in the attacker's range by an earlier attack: gone. */
static void sweep(struct gva *a)
{
    for (unsigned c = GVA_CHID_MIN; c < GVA_CHID_BOOT; c++) {
        uint32_t t = gva_chan_rd(a, c, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK;

        if (t == GV_CHAN_TYPE_BOOTSTRAP) {
            gva_chan_wr(a, c, GV_CHAN_CTRL, GV_CHAN_CTRL_RELEASE);
        } else if (t != GV_CHAN_TYPE_FREE) {
            gva_ch_destroy(a, c, NULL);
        }
    }
}

int gva_open(struct gva *a)
{
    void *p;
    int r;

    memset(a, 0, sizeof(*a));
    a->fd = open(GVA_DEV_PATH, O_RDWR | O_CLOEXEC);
    if (a->fd < 0 && errno == ENOENT && (r = load_module()) != 0) {
        fprintf(stderr, "gva: cannot load %s: %s\n", GVA_MODULE_PATH,
                strerror(-r));
        return r;
    }
    if (a->fd < 0) {
        a->fd = open(GVA_DEV_PATH, O_RDWR | O_CLOEXEC);
    }
    if (a->fd < 0 || ioctl(a->fd, GVA_IOC_INFO, &a->info) < 0) {
        r = -errno;
        fprintf(stderr, "gva: %s: %s\n", GVA_DEV_PATH, strerror(errno));
        return r;
    }
    p = mmap(NULL, a->info.bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED,
             a->fd, GVA_MMAP_BAR0);
    if (p == MAP_FAILED) {
        return -errno;
    }
    a->regs = p;
    p = mmap(NULL, a->info.bar2_size, PROT_READ | PROT_WRITE, MAP_SHARED,
             a->fd, (off_t)GVA_MMAP_BAR2);
    if (p == MAP_FAILED) {
        return -errno;
    }
    a->vram = p;
    if (gva_rd(a, GV_REG_ID) != GV_ID_MAGIC ||
        gva_rd(a, GV_REG_REGION_LOCK) != 1) {
        fprintf(stderr, "gva: no device, or its regions are not locked\n");
        return -ENODEV;
    }
    a->vram_size = rd64(a, GV_REG_VRAM_SIZE_LO, GV_REG_VRAM_SIZE_HI);
    a->unprot = rd64(a, GV_REG_UNPROT_SIZE_LO, GV_REG_UNPROT_SIZE_HI);
    a->prot = rd64(a, GV_REG_PROT_SIZE_LO, GV_REG_PROT_SIZE_HI);
    a->hidden_base = a->unprot + a->prot;
    a->prot_next = a->hidden_base;
    a->unprot_next = a->unprot;
    a->chid_next = GVA_CHID_BOOT - 1;
    if ((r = gva_dma_alloc(a, GVA_RING * 16, &a->boot_ring)) ||
        (r = gva_dma_alloc(a, BOOT_BUF_SIZE, &a->boot_buf)) ||
        (r = gva_dma_alloc(a, JUNK_ENTRIES * 16, &a->junk_ring)) ||
        (r = boot_create(a))) {
        return r;
    }
    sweep(a);
    return 0;
}

void gva_close(struct gva *a)
{
    if (a->fd < 0) {
        return;
    }
    if (a->regs && gva_rd(a, GV_REG_REGION_LOCK) == 1 &&
        (gva_chan_rd(a, GVA_CHID_BOOT, GV_CHAN_STATUS) & GV_CHAN_TYPE_MASK) ==
        GV_CHAN_TYPE_BOOTSTRAP) {
        sweep(a);
        gva_chan_wr(a, GVA_CHID_BOOT, GV_CHAN_CTRL, GV_CHAN_CTRL_RELEASE);
    }
    gva_dma_free(a, &a->boot_ring);
    gva_dma_free(a, &a->boot_buf);
    gva_dma_free(a, &a->junk_ring);
    if (a->regs) {
        munmap((void *)a->regs, a->info.bar0_size);
    }
    if (a->vram) {
        munmap((void *)a->vram, a->info.bar2_size);
    }
    close(a->fd);
    a->fd = -1;
}

/* ---- raw CH_* ---- */

int gva_ch_create(struct gva *a, unsigned chid, uint32_t flags,
                  uint64_t desc, uint64_t pgd, unsigned share_chid,
                  const uint8_t *uk_pub, const uint8_t *nonce,
                  struct gv_quote *quote)
{
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) }, .chid = chid,
        .flags = flags, .desc_addr = desc, .pgd_addr = pgd,
        .share_chid = share_chid,
    };
    int r;

    if (uk_pub) {
        memcpy(c.uk_pub, uk_pub, GV_EC_PUB_LEN);
        c.result_addr = gva_result_bus(a);
    }
    if (nonce) {
        memcpy(c.nonce, nonce, GV_NONCE_LEN);
    }
    r = gva_boot_run(a, &c, sizeof(c));
    if (r == 0 && quote) {
        memcpy(quote, gva_result(a), sizeof(*quote));
    }
    return r;
}

int gva_ch_pde(struct gva *a, unsigned chid, unsigned pgdi, bool big,
               uint64_t pgt)
{
    struct gv_cmd_ch_pde c = {
        .hdr = { GV_OP_CH_PDE, sizeof(c) }, .chid = chid, .pgd_index = pgdi,
        .flags = big ? GV_PDE_BIG : 0, .pgt_addr = pgt,
    };

    return gva_boot_run(a, &c, sizeof(c));
}

int gva_ch_pte(struct gva *a, unsigned chid, unsigned pgdi, unsigned pgti,
               uint32_t count, const uint64_t *ptes, bool big,
               const uint8_t *mac, struct gv_pte_summary *result)
{
    size_t len = sizeof(struct gv_cmd_ch_pte) + (size_t)count * 8;
    struct gv_cmd_ch_pte *c = calloc(1, len);
    int r;

    if (!c) {
        return -ENOMEM;
    }
    c->hdr.op = GV_OP_CH_PTE;
    c->hdr.size = (uint32_t)len;
    c->chid = chid;
    c->pgd_index = pgdi;
    c->pgt_index = pgti;
    c->count = count;
    c->flags = big ? GV_PTE_BIG : 0;
    c->result_addr = result ? gva_result_bus(a) : 0;
    if (mac) {
        memcpy(c->mac, mac, GV_TAG_LEN);
    }
    if (ptes) {
        memcpy(c->pte, ptes, (size_t)count * 8);
    }
    r = gva_boot_run(a, c, (uint32_t)len);
    free(c);
    if (result) {
        memcpy(result, gva_result(a), sizeof(*result));
    }
    return r;
}

int gva_ch_destroy(struct gva *a, unsigned chid, const uint8_t *mac)
{
    struct gv_cmd_ch_destroy c = {
        .hdr = { GV_OP_CH_DESTROY, sizeof(c) }, .chid = chid,
        .flags = mac ? GV_DESTROY_AUTH : 0,
    };

    if (mac) {
        memcpy(c.mac, mac, GV_TAG_LEN);
    }
    return gva_boot_run(a, &c, sizeof(c));
}

int gva_ch_measure(struct gva *a, unsigned chid, uint64_t va, uint64_t size,
                   struct gv_measurement *m)
{
    struct gv_cmd_ch_measure c = {
        .hdr = { GV_OP_CH_MEASURE, sizeof(c) }, .chid = chid, .va = va,
        .size = size, .result_addr = gva_result_bus(a),
    };
    int r = gva_boot_run(a, &c, sizeof(c));

    if (m) {
        memcpy(m, gva_result(a), sizeof(*m));
    }
    return r;
}

/* ---- the attacker's channels ---- */

static int chan_setup(struct gva *a, struct gva_chan *ch, uint64_t desc,
                      uint64_t pgd)
{
    int r;

    if ((r = gva_dma_alloc(a, GVA_RING * 16, &ch->ring)) ||
        (r = gva_dma_alloc(a, GVA_BUF_SIZE, &ch->buf))) {
        return r;
    }
    ch->desc = desc ? desc : gva_prot_pages(a, GV_DESC_BYTES);
    ch->pgd = pgd ? pgd : gva_prot_pages(a, GV_PGD_BYTES);
    return 0;
}

static void chan_regs(struct gva *a, struct gva_chan *ch)
{
    gva_chan_wr(a, ch->chid, GV_CHAN_RING_LO, (uint32_t)ch->ring.bus);
    gva_chan_wr(a, ch->chid, GV_CHAN_RING_HI, (uint32_t)(ch->ring.bus >> 32));
    gva_chan_wr(a, ch->chid, GV_CHAN_RING_ENTRIES, GVA_RING);
    gva_chan_wr(a, ch->chid, GV_CHAN_HOSTWIN_LO, (uint32_t)ch->buf.bus);
    gva_chan_wr(a, ch->chid, GV_CHAN_HOSTWIN_HI,
                (uint32_t)(ch->buf.bus >> 32));
    gva_chan_wr(a, ch->chid, GV_CHAN_HOSTWIN_SIZE, GVA_BUF_SIZE);
    ch->put = 0;
}

int gva_chan_create_at(struct gva *a, struct gva_chan *ch, unsigned chid,
                       uint32_t flags, unsigned share_chid, uint64_t desc,
                       uint64_t pgd, const uint8_t *uk_pub,
                       struct gv_quote *quote)
{
    uint8_t nonce[GV_NONCE_LEN];
    int r;

    memset(ch, 0, sizeof(*ch));
    ch->chid = chid < GV_MAX_CHANNELS ? chid : gva_chid_alloc(a);
    ch->secure = flags & GV_CREATE_SECURE;
    if (ch->chid >= GV_MAX_CHANNELS || chan_setup(a, ch, desc, pgd)) {
        return -ENOSPC;
    }
    getrandom(nonce, sizeof(nonce), 0);
    r = gva_ch_create(a, ch->chid, flags, ch->desc, ch->pgd, share_chid,
                      uk_pub, uk_pub ? nonce : NULL, quote);
    if (r == 0) {
        chan_regs(a, ch);
    }
    return r;
}

int gva_chan_create(struct gva *a, struct gva_chan *ch, uint32_t flags,
                    unsigned share_chid)
{
    return gva_chan_create_at(a, ch, GV_MAX_CHANNELS, flags, share_chid, 0,
                              0, NULL, NULL);
}

int gva_chan_create_secure(struct gva *a, struct gva_chan *ch)
{
    uint8_t ak[GV_EC_PUB_LEN + 3];
    struct gvrt_secure *s = calloc(1, sizeof(*s));
    struct gv_quote q;
    int r;

    if (!s || gvrt_secure_init(s)) {
        free(s);
        return -ENOMEM;
    }
    r = gva_chan_create_at(a, ch, GV_MAX_CHANNELS, GV_CREATE_SECURE, 0, 0, 0,
                           s->uk_pub, &q);
    ch->sec = s;
    if (r) {
        return r;
    }
    for (unsigned i = 0; i < sizeof(ak); i += 4) {
        uint32_t v = gva_rd(a, GV_REG_AK_PUB + i);

        memcpy(ak + i, &v, 4);
    }
    /* the nonce is ours too: the quote's own is the one we sent */
    return gvrt_quote_accept(s, &q, ak, q.nonce) ? -EBADMSG : 0;
}

int gva_chan_destroy(struct gva *a, struct gva_chan *ch)
{
    int r = ch->chid < GV_MAX_CHANNELS ? gva_ch_destroy(a, ch->chid, NULL)
                                       : 0;

    gva_dma_free(a, &ch->ring);
    gva_dma_free(a, &ch->buf);
    if (ch->sec) {
        gvrt_secure_fini(ch->sec);
        free(ch->sec);
    }
    memset(ch, 0, sizeof(*ch));
    ch->chid = GV_MAX_CHANNELS;
    return r;
}

static int chan_pte(struct gva *a, struct gva_chan *ch, uint64_t va,
                    uint32_t n, bool big, const uint64_t *ptes)
{
    unsigned shift = big ? GV_BIG_PAGE_SHIFT : GV_PAGE_SHIFT;
    unsigned entries = big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES;
    unsigned pgdi = (unsigned)(va >> GV_PDE_SHIFT);
    unsigned pgti = (unsigned)(va >> shift) & (entries - 1);
    uint64_t *tbl = big ? ch->big_pgt : ch->small_pgt;
    struct gv_pte_summary sum;
    uint8_t mac[GV_TAG_LEN], *pmac = NULL;
    int r;

    if (pgdi >= 4 || n == 0 || n > GV_PTE_MAX_COUNT || pgti + n > entries) {
        return -EINVAL;
    }
    if (!tbl[pgdi]) {
        uint64_t t = gva_prot_pages(a, big ? GV_PGT_BIG_BYTES
                                           : GV_PGT_SMALL_BYTES);

        r = gva_ch_pde(a, ch->chid, pgdi, big, t);
        if (r) {
            return r;
        }
        tbl[pgdi] = t;
    }
    if (ch->sec && !ptes) {
        gvrt_mac_unmap(ch->sec, ch->chid, va, (uint64_t)n << shift, mac);
        pmac = mac;
    }
    /* a secure channel's summary: accepted if the attacker holds its key */
    r = gva_ch_pte(a, ch->chid, pgdi, pgti, n, ptes, big, pmac,
                   ch->secure ? &sum : NULL);
    if (r == 0 && ch->sec && gvrt_summary_accept(ch->sec, &sum, false)) {
        return -EBADMSG;
    }
    return r;
}

int gva_map(struct gva *a, struct gva_chan *ch, uint64_t va, uint64_t pa,
            uint32_t n, bool big, uint64_t flags)
{
    uint64_t *ptes = calloc(n ? n : 1, 8);
    uint64_t pb = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    int r;

    if (!ptes) {
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        ptes[i] = (pa + i * pb) | flags;
    }
    r = chan_pte(a, ch, va, n, big, ptes);
    free(ptes);
    return r;
}

int gva_unmap(struct gva *a, struct gva_chan *ch, uint64_t va, uint32_t n,
              bool big)
{
    return chan_pte(a, ch, va, n, big, NULL);
}

static int chan_submit(struct gva *a, struct gva_chan *ch, uint32_t off,
                       uint32_t len, uint32_t flags)
{
    return ring_run(a, ch->chid, &ch->ring, &ch->put, ch->buf.bus + off, len,
                    flags);
}

int gva_chan_run(struct gva *a, struct gva_chan *ch, const void *cmds,
                 uint32_t len)
{
    uint32_t n;

    if (len + 64 > GVA_HOST_OFF) {
        return -E2BIG;
    }
    if (ch->secure) {
        n = gvrt_seal_group(ch->sec, ch->chid, cmds, len, ch->buf.cpu);
    } else {
        n = gva_group(ch->buf.cpu, cmds, len);
    }
    return n ? chan_submit(a, ch, 0, n, 0) : -EIO;
}

int gva_chan_run_raw(struct gva *a, struct gva_chan *ch, const void *group,
                     uint32_t len, uint32_t gpfifo_flags)
{
    if (len > GVA_HOST_OFF) {
        return -E2BIG;
    }
    memmove(ch->buf.cpu, group, len);
    return chan_submit(a, ch, 0, len, gpfifo_flags);
}

struct gv_cmd_fence gva_fence(uint64_t va, uint64_t value)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = va,
                              .value = value };

    return f;
}

struct gv_cmd_copy gva_copy(uint32_t flags, uint64_t src, uint64_t dst,
                            uint64_t size)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = flags, .src = src, .dst = dst,
                             .size = size };

    return c;
}

/* ---- the victim's channels ---- */

int gva_record(struct gva *a, unsigned chid, int idx,
               struct gv_gpfifo_entry *e, uint8_t **bytes)
{
    uint64_t base = rd64(a, GV_REG_CHAN(chid, GV_CHAN_RING_LO),
                         GV_REG_CHAN(chid, GV_CHAN_RING_HI));
    uint32_t n = gva_chan_rd(a, chid, GV_CHAN_RING_ENTRIES);
    uint32_t put = gva_chan_rd(a, chid, GV_CHAN_PUT);
    uint32_t i;
    int r;

    *bytes = NULL;
    if (!n) {
        return -ENODEV;
    }
    i = idx < 0 ? (put + n - 1) % n : (uint32_t)idx % n;
    r = gva_phys_read(a, base + (uint64_t)i * sizeof(*e), e, sizeof(*e));
    if (r) {
        return r;
    }
    if (!e->len || e->len > GV_GROUP_MAX + 64) {
        return -EINVAL;
    }
    *bytes = malloc(e->len);
    if (!*bytes) {
        return -ENOMEM;
    }
    if (e->flags & GV_GPFIFO_VRAM) {
        gva_bar2_read(a, e->addr, *bytes, e->len);
        return 0;
    }
    r = gva_phys_read(a, e->addr, *bytes, e->len);
    if (r) {
        free(*bytes);
        *bytes = NULL;
    }
    return r;
}

int gva_inject(struct gva *a, unsigned chid, const void *group, uint32_t len)
{
    uint64_t base = rd64(a, GV_REG_CHAN(chid, GV_CHAN_RING_LO),
                         GV_REG_CHAN(chid, GV_CHAN_RING_HI));
    uint32_t n = gva_chan_rd(a, chid, GV_CHAN_RING_ENTRIES);
    uint32_t p = gva_chan_rd(a, chid, GV_CHAN_PUT), before;
    struct gv_gpfifo_entry old, e = { .addr = a->boot_buf.bus +
                                              BOOT_INJECT_OFF, .len = len };
    int r, code;

    if (!n || n > JUNK_ENTRIES || gva_chan_rd(a, chid, GV_CHAN_GET) != p ||
        len > BOOT_BUF_SIZE - BOOT_INJECT_OFF) {
        return -EBUSY;
    }
    memcpy(a->boot_buf.cpu + BOOT_INJECT_OFF, group, len);
    if ((r = gva_phys_read(a, base + p * 16ull, &old, sizeof(old))) ||
        (r = gva_phys_write(a, base + p * 16ull, &e, sizeof(e)))) {
        return r;
    }
    barrier();
    before = gva_rd(a, GV_REG_ERROR_COUNT);
    gva_chan_wr(a, chid, GV_CHAN_PUT, (p + 1) % n);
    r = wait_get(a, chid, (p + 1) % n);
    code = r ? r : verdict(a, chid, before);
    gva_phys_write(a, base + p * 16ull, &old, sizeof(old));
    /* Rewind GET to p through empty entries, then the ring goes back. */
    memset(a->junk_ring.cpu, 0, a->junk_ring.size);
    gva_chan_wr(a, chid, GV_CHAN_RING_LO, (uint32_t)a->junk_ring.bus);
    gva_chan_wr(a, chid, GV_CHAN_RING_HI, (uint32_t)(a->junk_ring.bus >> 32));
    gva_chan_wr(a, chid, GV_CHAN_RING_ENTRIES, n);
    if (p) {
        gva_chan_wr(a, chid, GV_CHAN_PUT, p);
        /* each empty entry fails and stops the channel: acknowledge each
         * failure, and the next entry runs */
        for (uint32_t i = 0; i <= n && gva_chan_rd(a, chid, GV_CHAN_GET) != p;
             i++) {
            gva_chan_wr(a, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
        }
        wait_get(a, chid, p);
    }
    gva_chan_wr(a, chid, GV_CHAN_RING_LO, (uint32_t)base);
    gva_chan_wr(a, chid, GV_CHAN_RING_HI, (uint32_t)(base >> 32));
    gva_chan_wr(a, chid, GV_CHAN_CTRL, GV_CHAN_CTRL_CLEAR_ERR);
    gva_err_ack(a);
    return code;
}

/* ---- the honest driver's debugfs ---- */

int gva_drv_state(struct gva_drv_state *s)
{
    glob_t g;
    char line[512];
    FILE *f;
    int pid = 0;
    bool secure = false;

    memset(s, 0, sizeof(*s));
    if (glob("/sys/kernel/debug/graviton/*/state", 0, NULL, &g) != 0) {
        return -ENOENT;
    }
    f = fopen(g.gl_pathv[0], "r");
    globfree(&g);
    if (!f) {
        return -errno;
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long long u, uf, p, pf, d, pg, fv;
        unsigned c;
        char kind[16];

        if (sscanf(line, "device memory: %llu KiB unprotected (%llu free), "
                   "%llu KiB protected (%llu free)", &u, &uf, &p, &pf) == 4) {
            s->unprot_free = uf << 10;
            s->prot_free = pf << 10;
        } else if (sscanf(line, "context pid %d: %15[a-z]", &pid, kind) == 2) {
            secure = !strcmp(kind, "secure");
        } else if (sscanf(line, " channel %u: desc 0x%llx pgd 0x%llx fence "
                          "va 0x%llx", &c, &d, &pg, &fv) == 4 &&
                   s->nchans < GV_MAX_CHANNELS) {
            struct gva_drv_chan *x = &s->chan[s->nchans++];

            x->pid = pid;
            x->secure = secure;
            x->chid = c;
            x->desc = d;
            x->pgd = pg;
            x->fence_va = fv;
        }
    }
    fclose(f);
    return 0;
}

/* ---- finding and scanning ---- */

int gva_probe_page(struct gva *a, struct gva_chan *probe, uint64_t va,
                   uint64_t pa)
{
    int r = gva_map(a, probe, va, pa, 1, false, GV_PTE_VALID);

    if (r == 0) {
        gva_unmap(a, probe, va, 1, false);
    }
    return r;
}

uint8_t *gva_owned_map(struct gva *a, struct gva_chan *probe, uint64_t va,
                       uint64_t from, uint64_t to, uint64_t *npages)
{
    uint64_t n = (to - from) >> GV_PAGE_SHIFT;
    uint8_t *map = calloc((n + 7) / 8 + 1, 1);

    *npages = n;
    for (uint64_t i = 0; map && i < n; i++) {
        if (gva_probe_page(a, probe, va, from + (i << GV_PAGE_SHIFT)) ==
            GV_ERR_OTHER_CONTEXT) {
            map[i / 8] |= 1u << (i % 8);
        }
    }
    return map;
}

bool gva_scan(const void *buf, size_t len, const uint8_t *secret,
              size_t slen)
{
    for (size_t k = 0; k + 8 <= slen; k += 8) {
        if (memmem(buf, len, secret + k, 8)) {
            return true;
        }
    }
    return false;
}

bool gva_scan_bar2(struct gva *a, uint64_t off, size_t len,
                   const uint8_t *secret, size_t slen)
{
    size_t chunk = 64u << 10;
    uint8_t *b = malloc(chunk + 8);
    bool found = false;

    for (size_t done = 0; b && done < len && !found; done += chunk) {
        size_t n = len - done < chunk ? len - done : chunk;

        gva_bar2_read(a, off + done, b, n);
        found = gva_scan(b, n, secret, slen);
    }
    free(b);
    return found;
}

bool gva_scan_regs(struct gva *a, const uint8_t *secret, size_t slen)
{
    static const uint32_t ranges[][2] = {
        { 0x0000, 0x0024 }, { 0x0040, 0x0054 }, { 0x0060, 0x0074 },
        { 0x0078, 0x007c }, { 0x0080, 0x00ac }, { 0x0100, 0x0104 },
        { 0x0110, 0x0154 }, { 0x0160, 0x01a0 }, { 0x01a0, 0x01e4 },
    };
    uint32_t buf[1024 + 64 * 14];
    size_t n = 0;

    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        for (uint32_t o = ranges[r][0]; o < ranges[r][1]; o += 4) {
            buf[n++] = gva_rd(a, o);
        }
    }
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        for (uint32_t o = 0; o <= GV_CHAN_HOSTWIN_SIZE; o += 4) {
            if (o != GV_CHAN_CTRL) {
                buf[n++] = gva_chan_rd(a, c, o);
            }
        }
    }
    return gva_scan(buf, n * 4, secret, slen);
}

/* ---- hand-assembled modules ---- */

uint16_t gva_k(struct gva_kasm *k, uint64_t v)
{
    for (uint32_t i = 0; i < k->nconst; i++) {
        if (k->konst[i] == v) {
            return (uint16_t)(GV_ISA_CONST_BASE + i);
        }
    }
    if (k->nconst == GVA_KASM_CONSTS) {
        k->full = true;
        return GV_ISA_CONST_BASE;
    }
    k->konst[k->nconst] = v;
    return (uint16_t)(GV_ISA_CONST_BASE + k->nconst++);
}

void gva_kins(struct gva_kasm *k, uint8_t op, uint8_t type, uint8_t mod,
              uint16_t d, uint16_t a, uint16_t b, uint16_t e)
{
    struct gv_insn *in;

    if (k->ninsn == GVA_KASM_INSNS) {
        k->full = true;
        return;
    }
    in = &k->insn[k->ninsn++];
    memset(in, 0, sizeof(*in));
    in->op = op;
    in->type = type;
    in->mod = mod;
    in->d = d;
    in->a = a;
    in->b = b;
    in->c = GV_ISA_NONE;
    in->e = e;
}

uint8_t *gva_kimage(struct gva_kasm *k, uint32_t *size, char *err,
                    size_t err_len)
{
    static const char names[8] = "k";
    struct gv_isa_func f = { .flags = GV_FUNC_ENTRY,
                             .insn_count = k->ninsn, .nregs = k->nregs,
                             .param_size = k->param_size,
                             .shared_size = k->shared_size,
                             .local_size = k->local_size };
    struct gv_isa_parts p = {
        .funcs = &f, .nfuncs = 1,
        .insns = k->insn, .ninsns = k->ninsn,
        .consts = k->konst, .nconsts = k->nconst,
        .strings = names, .strings_size = sizeof(names),
    };
    size_t len;
    uint8_t *img;

    if (k->full) {
        snprintf(err, err_len, "more than %u instructions or %u constants",
                 GVA_KASM_INSNS, GVA_KASM_CONSTS);
        return NULL;
    }
    img = gv_isa_write(&p, &len);
    if (!img) {
        snprintf(err, err_len, "no image: out of memory");
        return NULL;
    }
    if (gv_isa_check(img, len, err, err_len) != 0) {
        free(img);
        return NULL;
    }
    *size = (uint32_t)len;
    return img;
}

int gva_launch(struct gva *a, struct gva_chan *ch, uint64_t va,
               const uint8_t *img, uint32_t size, uint32_t threads,
               const void *params, uint32_t param_size)
{
    uint32_t bytes = (size + GV_PAGE_SIZE - 1) & ~(GV_PAGE_SIZE - 1);
    uint64_t pa = gva_unprot_pages(a, bytes);
    uint32_t clen = sizeof(struct gv_cmd_launch) + ((param_size + 7) & ~7u);
    struct gv_cmd_launch *l = calloc(1, clen);
    int r;

    if (!l) {
        return -ENOMEM;
    }
    gva_bar2_write(a, pa, img, size);
    r = gva_map(a, ch, va, pa, bytes / GV_PAGE_SIZE, false,
                GV_PTE_VALID | GV_PTE_READONLY);
    if (r == 0) {
        l->hdr.op = GV_OP_LAUNCH;
        l->hdr.size = clen;
        l->module_va = va;
        l->module_size = size;
        l->grid[0] = l->grid[1] = l->grid[2] = 1;
        l->block[0] = threads;
        l->block[1] = l->block[2] = 1;
        l->param_size = param_size;
        memcpy(l->params, params, param_size);
        r = gva_chan_run(a, ch, l, clen);
        gva_unmap(a, ch, va, bytes / GV_PAGE_SIZE, false);
    }
    free(l);
    return r;
}

const char *gva_err_name(int code)
{
    static const char *const names[GV_ERR__COUNT] = {
        "NONE", "NOT_LOCKED", "REGION_CONFIG", "BAD_CHANNEL",
        "CHANNEL_BUSY", "NOT_BOOTSTRAP", "BOOTSTRAP", "FETCH", "BAD_GROUP",
        "BAD_COMMAND", "AUTH", "NOT_PROTECTED", "PAGE_IN_USE",
        "PAGE_LOCKED", "OTHER_CONTEXT", "BAD_ADDRESS", "DOUBLE_MAP",
        "NO_TABLE", "RANGE", "MAC", "NO_RESOURCES", "RESULT", "FAULT",
        "NO_ATTESTATION", "CRYPTO", "NOT_SECURE", "DATA_AUTH", "BAD_MODULE",
        "TIMEOUT",
    };

    if (code < 0) {
        return strerror(-code);
    }
    return code < GV_ERR__COUNT ? names[code] : "?";
}
