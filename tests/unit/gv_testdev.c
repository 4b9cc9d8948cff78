/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A device-core test bench.  See gv_testdev.h. */
#define _GNU_SOURCE
#include "gv_testdev.h"

unsigned td_compute_sms;
uint32_t td_launch_timeout_ms;
bool td_compute_solo;
bool td_compute_plain;
bool td_compute_jit;
uint32_t td_compute_jit_after;
bool td_async;
bool td_debug;
const char *td_timing;
bool td_aes_engine;

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gv_crypto.h"



#define RING_AREA       0x0             /* rings: 4 KiB per channel */
#define GROUP_AREA      (1ull << 20)    /* command groups */
#define RESULT_AREA     (7ull << 20)    /* results */

static int fake_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    struct td *td = opaque;

    if (td->dma_read_hook) {
        return td->dma_read_hook(td, addr, buf, len);
    }
    if (addr < TD_GUEST_BASE || len > TD_GUEST_SIZE ||
        addr - TD_GUEST_BASE > TD_GUEST_SIZE - len) {
        return -1;
    }
    memcpy(buf, td->guest + (addr - TD_GUEST_BASE), len);
    return 0;
}

static int fake_dma_write(void *opaque, uint64_t addr, const void *buf,
                          uint64_t len)
{
    struct td *td = opaque;

    if (td->dma_write_hook) {
        return td->dma_write_hook(td, addr, buf, len);
    }
    if (addr < TD_GUEST_BASE || len > TD_GUEST_SIZE ||
        addr - TD_GUEST_BASE > TD_GUEST_SIZE - len) {
        return -1;
    }
    memcpy(td->guest + (addr - TD_GUEST_BASE), buf, len);
    return 0;
}

static void fake_set_irq(void *opaque, bool level)
{
    struct td *td = opaque;

    if (level && !td->irq) {
        td->irq_edges++;
    }
    td->irq = level;
}

static void fake_guest_error(void *opaque, const char *msg)
{
    struct td *td = opaque;

    td->guest_errors++;
    snprintf(td->last_guest_error, sizeof(td->last_guest_error), "%s", msg);
}

/* Called from an engine thread, once per function: read after the
 * launch (its end orders it). */
static void fake_jit(void *opaque, bool ok, unsigned regions, unsigned insns,
                     const char *why)
{
    struct td *td = opaque;

    (void)regions;
    (void)insns;
    if (!ok) {
        snprintf(td->jit_why, sizeof(td->jit_why), "%s", why);
    }
    __atomic_fetch_add(ok ? &td->jit_ok : &td->jit_failed, 1,
                       __ATOMIC_SEQ_CST);
}

static const struct gv_host_ops td_ops = {
    .dma_read = fake_dma_read,
    .dma_write = fake_dma_write,
    .set_irq = fake_set_irq,
    .guest_error = fake_guest_error,
    .jit = fake_jit,
};

/* Called from an engine thread: only a flag (the test thread polls). */
static void fake_engine_done(void *opaque)
{
    struct td *td = opaque;

    __atomic_store_n(&td->engine_done, 1, __ATOMIC_SEQ_CST);
}

static const struct gv_host_ops td_async_ops = {
    .dma_read = fake_dma_read,
    .dma_write = fake_dma_write,
    .set_irq = fake_set_irq,
    .guest_error = fake_guest_error,
    .engine_done = fake_engine_done,
    .jit = fake_jit,
};

int td_engine_wait(struct td *td, unsigned timeout_ms)
{
    for (unsigned ms = 0; ms < timeout_ms; ms++) {
        if (__atomic_exchange_n(&td->engine_done, 0, __ATOMIC_SEQ_CST)) {
            gv_dev_engine_poll(td->dev);
            return 0;
        }
        usleep(1000);
    }
    return -1;
}

int td_engine_wait_chan(struct td *td, unsigned chid, unsigned timeout_ms)
{
    for (unsigned ms = 0; ms < timeout_ms; ms++) {
        if (td_rd(td, GV_REG_CHAN(chid, GV_CHAN_GET)) == td->put[chid]) {
            return 0;
        }
        if (__atomic_exchange_n(&td->engine_done, 0, __ATOMIC_SEQ_CST)) {
            gv_dev_engine_poll(td->dev);
            continue;
        }
        usleep(1000);
    }
    return -1;
}

void td_submit_async(struct td *td, unsigned chid, const void *cmds,
                     uint32_t len, unsigned slot)
{
    uint64_t ring = RING_AREA + chid * 4096ull;
    uint64_t gaddr = GROUP_AREA + (1 + slot) * (64ull << 10);
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
    struct gv_gpfifo_entry e = { .addr = TD_GUEST_BASE + gaddr,
                                 .len = sizeof(h) + len };
    uint32_t idx = td->put[chid];

    TD_CHECK_FATAL(slot < 64 && sizeof(h) + len <= (64u << 10));
    memcpy(td->guest + gaddr, &h, sizeof(h));
    memcpy(td->guest + gaddr + sizeof(h), cmds, len);
    memcpy(td->guest + ring + idx * sizeof(e), &e, sizeof(e));
    td->put[chid] = (idx + 1) % TD_RING_ENTRIES;
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_PUT), td->put[chid]);
}

uint32_t td_rd(struct td *td, uint32_t reg)
{
    return (uint32_t)gv_mmio_read(td->dev, reg, 4);
}

void td_wr(struct td *td, uint32_t reg, uint32_t val)
{
    gv_mmio_write(td->dev, reg, val, 4);
}

void td_hostwin(struct td *td, unsigned chid, uint64_t addr, uint32_t size)
{
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_HOSTWIN_LO), (uint32_t)addr);
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_HOSTWIN_HI), (uint32_t)(addr >> 32));
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_HOSTWIN_SIZE), size);
}

void td_ring_setup(struct td *td, unsigned chid)
{
    uint64_t ring = TD_GUEST_BASE + RING_AREA + chid * 4096ull;

    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_RING_LO), (uint32_t)ring);
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_RING_HI), (uint32_t)(ring >> 32));
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES), TD_RING_ENTRIES);
    td->put[chid] = 0;
}

struct td *td_new(uint64_t vram, uint64_t unprot, uint64_t prot, bool with_ek)
{
    char dir[64] = "", path[128] = "";
    struct td *td;

    if (with_ek) {
        struct gvc_key *ek = NULL;

        snprintf(dir, sizeof(dir), "/tmp/gvtest-XXXXXX");
        if (!mkdtemp(dir) || gvc_key_generate(&ek) != GVC_OK) {
            abort();
        }
        snprintf(path, sizeof(path), "%s/ek.pem", dir);
        if (gvc_key_save_pem(ek, path, true) != GVC_OK) {
            abort();
        }
        gvc_key_free(ek);
    }
    td = td_new_ek(vram, unprot, prot, with_ek ? path : NULL);
    /* td_free removes the key it made */
    snprintf(td->tmpdir, sizeof(td->tmpdir), "%s", dir);
    snprintf(td->ek_path, sizeof(td->ek_path), "%s", path);
    return td;
}

struct td *td_new_ek(uint64_t vram, uint64_t unprot, uint64_t prot,
                     const char *ek_path)
{
    struct td *td = calloc(1, sizeof(*td));
    struct gv_config cfg = { .vram_size = vram, .ek_path = ek_path,
                             .compute_sms = td_compute_sms,
                             .launch_timeout_ms = td_launch_timeout_ms,
                             .compute_solo = td_compute_solo,
                             .compute_plain = td_compute_plain,
                             .compute_jit = td_compute_jit,
                             .compute_jit_after = td_compute_jit_after,
                             .debug = td_debug, .timing = td_timing,
                             .aes_engine = td_aes_engine };
    const char *err = NULL;

    td->guest = calloc(1, TD_GUEST_SIZE);
    td->vram = vram;
    td->unprot = unprot;
    td->prot = prot;
    td->dev = gv_dev_new(&cfg, td_async ? &td_async_ops : &td_ops, td, &err);
    if (!td->dev) {
        fprintf(stderr, "td_new: %s\n", err);
        abort();
    }
    td_wr(td, GV_REG_UNPROT_SIZE_LO, (uint32_t)unprot);
    td_wr(td, GV_REG_UNPROT_SIZE_HI, (uint32_t)(unprot >> 32));
    td_wr(td, GV_REG_PROT_SIZE_LO, (uint32_t)prot);
    td_wr(td, GV_REG_PROT_SIZE_HI, (uint32_t)(prot >> 32));
    td_wr(td, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    td->prot_next = unprot;
    td->unprot_next = GV_PAGE_SIZE * 16;   /* bootstrap descriptors below */
    /* Bootstrap channel: a descriptor in unprotected memory. */
    td_wr(td, GV_REG_CHAN(TD_BOOT_CHID, GV_CHAN_DESC_LO), 0);
    td_wr(td, GV_REG_CHAN(TD_BOOT_CHID, GV_CHAN_DESC_HI), 0);
    td_ring_setup(td, TD_BOOT_CHID);
    td_wr(td, GV_REG_INTR_MASK, GV_INTR_ALL);
    return td;
}

void td_set_dma_read(struct td *td,
                     int (*fn)(void *td, uint64_t addr, void *buf,
                               uint64_t len))
{
    td->dma_read_hook = fn;
}

void td_set_dma_write(struct td *td,
                      int (*fn)(void *td, uint64_t addr, const void *buf,
                                uint64_t len))
{
    td->dma_write_hook = fn;
}

void td_free(struct td *td)
{
    if (!td) {
        return;
    }
    gv_dev_free(td->dev);
    if (td->ek_path[0]) {
        unlink(td->ek_path);
        rmdir(td->tmpdir);
    }
    free(td->guest);
    free(td);
}

uint64_t td_alloc_prot(struct td *td, uint64_t bytes, uint64_t align)
{
    uint64_t a = (td->prot_next + align - 1) & ~(align - 1);

    td->prot_next = a + bytes;
    TD_CHECK_FATAL(td->prot_next <= td->unprot + td->prot);
    return a;
}

uint64_t td_alloc_unprot(struct td *td, uint64_t bytes, uint64_t align)
{
    uint64_t a = (td->unprot_next + align - 1) & ~(align - 1);

    td->unprot_next = a + bytes;
    TD_CHECK_FATAL(td->unprot_next <= td->unprot);
    return a;
}

int td_submit_raw(struct td *td, unsigned chid, const void *group,
                  uint32_t len, uint32_t gpfifo_flags)
{
    uint64_t ring = RING_AREA + chid * 4096ull;
    uint64_t gaddr = GROUP_AREA;
    struct gv_gpfifo_entry e = { .addr = TD_GUEST_BASE + gaddr, .len = len,
                                 .flags = gpfifo_flags };
    uint32_t before = td_rd(td, GV_REG_ERROR_COUNT);
    uint32_t idx = td->put[chid];

    TD_CHECK_FATAL(len <= RESULT_AREA - GROUP_AREA);
    /* As the driver: an earlier failure (reported to the test when it
     * happened) is acknowledged, or the stopped channel would not run
     * this entry. */
    if (td_rd(td, GV_REG_CHAN(chid, GV_CHAN_STATUS)) &
        GV_CHAN_STATUS_ERROR) {
        td_wr(td, GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
    }
    memcpy(td->guest + gaddr, group, len);
    memcpy(td->guest + ring + idx * sizeof(e), &e, sizeof(e));
    td->put[chid] = (idx + 1) % TD_RING_ENTRIES;
    td_wr(td, GV_REG_CHAN(chid, GV_CHAN_PUT), td->put[chid]);
    TD_CHECK((td_rd(td, GV_REG_CHAN(chid, GV_CHAN_GET))) == (td->put[chid]));
    if (td_rd(td, GV_REG_ERROR_COUNT) == before) {
        return GV_ERR_NONE;
    }
    return (int)td_rd(td, GV_REG_ERROR_CODE);
}

int td_submit(struct td *td, unsigned chid, const void *cmds, uint32_t len)
{
    uint8_t *g = malloc(sizeof(struct gv_group_hdr) + len);
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
    int r;

    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    r = td_submit_raw(td, chid, g, sizeof(h) + len, 0);
    free(g);
    return r;
}

int td_submit_secure(struct td *td, struct gvrt_secure *s, unsigned chid,
                     const void *cmds, uint32_t len)
{
    uint8_t *g = malloc(sizeof(struct gv_group_hdr) + len + GV_TAG_LEN);
    uint32_t n = gvrt_seal_group_at(s, chid, s->cmd_counter[chid], cmds,
                                    len, g);
    int r = td_submit_raw(td, chid, g, n, 0);

    if (r != GV_ERR_AUTH) {
        s->cmd_counter[chid]++;     /* the group authenticated */
    }
    free(g);
    return r;
}

int td_create_at(struct td *td, unsigned chid, uint32_t flags,
                 uint64_t desc, uint64_t pgd, const uint8_t *uk_pub,
                 const uint8_t *nonce, struct gv_quote *quote)
{
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) },
        .chid = chid, .flags = flags, .desc_addr = desc, .pgd_addr = pgd,
        .result_addr = TD_GUEST_BASE + RESULT_AREA,
    };
    int r;

    if (uk_pub) {
        memcpy(c.uk_pub, uk_pub, GV_EC_PUB_LEN);
    }
    if (nonce) {
        memcpy(c.nonce, nonce, GV_NONCE_LEN);
    }
    r = td_submit(td, TD_BOOT_CHID, &c, sizeof(c));
    if (r == GV_ERR_NONE && quote) {
        memcpy(quote, td->guest + RESULT_AREA, sizeof(*quote));
    }
    return r;
}

int td_create_normal(struct td *td, unsigned chid, unsigned share_chid)
{
    struct gv_cmd_ch_create c = {
        .hdr = { GV_OP_CH_CREATE, sizeof(c) },
        .chid = chid,
        .desc_addr = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
        .pgd_addr = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
    };
    int r;

    if (share_chid != chid) {
        c.flags = GV_CREATE_SHARE;
        c.share_chid = share_chid;
    }
    r = td_submit(td, TD_BOOT_CHID, &c, sizeof(c));
    if (r == GV_ERR_NONE) {
        td_ring_setup(td, chid);
    }
    return r;
}

void td_read_bytes(struct gv_dev *dev, uint32_t reg, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = (uint32_t)gv_mmio_read(dev, reg + i, 4);

        memcpy(out + i, &v, n - i < 4 ? n - i : 4);
    }
}

int td_create_secure(struct td *td, unsigned chid, struct gvrt_secure *s)
{
    uint8_t nonce[GV_NONCE_LEN], ak_pub[GV_EC_PUB_LEN];
    uint8_t ak_sig[GV_EC_SIG_LEN], ek_pub[GV_EC_PUB_LEN];
    struct gv_quote q;
    int r;

    if (!s->uk) {
        TD_CHECK_FATAL(gvrt_secure_init(s) == 0);
    }
    gvc_random(nonce, sizeof(nonce));
    r = td_create_at(td, chid, GV_CREATE_SECURE,
                     td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
                     td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
                     s->uk_pub, nonce, &q);
    if (r != GV_ERR_NONE) {
        return r;
    }
    /* The runtime's checks, with the runtime's own code: the EK endorses
     * the AK, the quote is the AK's, for our key and nonce; CEK. */
    td_read_bytes(td->dev, GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    td_read_bytes(td->dev, GV_REG_AK_SIG, ak_sig, sizeof(ak_sig));
    td_read_bytes(td->dev, GV_REG_EK_PUB, ek_pub, sizeof(ek_pub));
    TD_CHECK(gvrt_ak_endorsed(ek_pub, td_rd(td, GV_REG_FW_VERSION), ak_pub,
                              ak_sig) == 0);
    TD_CHECK((q.chid) == (chid));
    TD_CHECK_FATAL(gvrt_quote_accept(s, &q, ak_pub, nonce) == 0);
    td_ring_setup(td, chid);
    return GV_ERR_NONE;
}

int td_pde(struct td *td, unsigned chid, unsigned pgdi, bool big,
           uint64_t table)
{
    struct gv_cmd_ch_pde c = {
        .hdr = { GV_OP_CH_PDE, sizeof(c) }, .chid = chid,
        .pgd_index = pgdi, .flags = big ? GV_PDE_BIG : 0, .pgt_addr = table,
    };

    return td_submit(td, TD_BOOT_CHID, &c, sizeof(c));
}

uint64_t td_table(struct td *td, unsigned chid, unsigned pgdi, bool big)
{
    uint64_t bytes = big ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES;
    uint64_t t = td_alloc_prot(td, bytes, GV_PAGE_SIZE);

    TD_CHECK((td_pde(td, chid, pgdi, big, t)) == (GV_ERR_NONE));
    return t;
}

int td_pte(struct td *td, unsigned chid, unsigned pgdi, unsigned pgti,
           unsigned count, const uint64_t *ptes, bool big,
           const uint8_t *mac, struct gv_pte_summary *summary)
{
    size_t n = sizeof(struct gv_cmd_ch_pte) + count * 8ull;
    struct gv_cmd_ch_pte *c = calloc(1, n);
    int r;

    c->hdr.op = GV_OP_CH_PTE;
    c->hdr.size = n;
    c->chid = chid;
    c->pgd_index = pgdi;
    c->pgt_index = pgti;
    c->count = count;
    c->flags = big ? GV_PTE_BIG : 0;
    /* An honest driver always gives a result address: a secure channel's
     * CH_PTE is refused without one (td_pte_at tests that). */
    c->result_addr = td->pte_result_addr == TD_NO_RESULT ? 0 :
                     td->pte_result_addr ? td->pte_result_addr :
                     TD_GUEST_BASE + RESULT_AREA;
    if (mac) {
        memcpy(c->mac, mac, GV_TAG_LEN);
    }
    memcpy(c->pte, ptes, count * 8ull);
    memset(td->guest + RESULT_AREA, 0, sizeof(*summary));
    r = td_submit(td, TD_BOOT_CHID, c, n);
    if (summary) {
        memcpy(summary, td->guest + RESULT_AREA, sizeof(*summary));
    }
    free(c);
    return r;
}

int td_destroy(struct td *td, unsigned chid, const uint8_t *mac)
{
    struct gv_cmd_ch_destroy c = {
        .hdr = { GV_OP_CH_DESTROY, sizeof(c) }, .chid = chid,
        .flags = mac ? GV_DESTROY_AUTH : 0,
    };

    if (mac) {
        memcpy(c.mac, mac, GV_TAG_LEN);
    }
    return td_submit(td, TD_BOOT_CHID, &c, sizeof(c));
}

int td_measure(struct td *td, unsigned chid, uint64_t va, uint64_t size,
               struct gv_measurement *m)
{
    struct gv_cmd_ch_measure c = {
        .hdr = { GV_OP_CH_MEASURE, sizeof(c) }, .chid = chid, .va = va,
        .size = size, .result_addr = TD_GUEST_BASE + RESULT_AREA,
    };
    int r;

    memset(td->guest + RESULT_AREA, 0, sizeof(*m));
    r = td_submit(td, TD_BOOT_CHID, &c, sizeof(c));
    memcpy(m, td->guest + RESULT_AREA, sizeof(*m));
    return r;
}

int td_fence(struct td *td, struct gvrt_secure *s, unsigned chid, uint64_t va,
             uint64_t value)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = va,
                              .value = value };

    return s ? td_submit_secure(td, s, chid, &f, sizeof(f))
             : td_submit(td, chid, &f, sizeof(f));
}

void td_check(struct td *td)
{
    char why[256];
    int r = gv_dev_check(td->dev, why, sizeof(why));

    if (r != 0) {
        fprintf(stderr, "\n    consistency check: %s\n", why);
    }
    TD_CHECK((r) == (0));
}
