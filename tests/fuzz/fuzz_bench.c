/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzz harnesses' device bench: built once, then restored from a
 * snapshot before every input (fuzz_common.h).
 *
 * Building the device costs an EK load, an AK generation, a secure
 * channel (ECDH, a signed quote, its verification) and thread start-up:
 * about 19 inputs a second.  A restore instead puts back
 *
 *  - struct gv_dev, except what must outlive inputs: the host's objects
 *    (the engine and its threads, the fetch and copy buffers, the EK and
 *    AK with their published values) and the statistics (rule counters,
 *    lane-instructions).  Channel key schedules are freed with the
 *    channels (gv_channels_reset) and made again from the runtime's copy
 *    of K_chan (the snapshot's struct gvrt_secure);
 *  - device memory: every page is dropped (MADV_DONTNEED: zero again) and
 *    the pages that held data at the snapshot are copied back;
 *  - guest memory: the pages written since (the device's DMA writes go
 *    through a wrapper of the test bench's host ops, the harness writes
 *    through fzb_guest_write()), or all of it when the harness used a
 *    test-bench helper that writes it directly;
 *  - the test bench's struct td and the runtime's struct gvrt_secure.
 *    Its kept K_chan contexts (gvrt_secure.h) are not copied: the copies
 *    here (snap_sec, snap_fzb) are at other addresses and so never use
 *    or free them; fzb.sec and fzb.victim, put back at their own
 *    addresses, keep theirs, and one made during an input for a key the
 *    restored state does not have (another key_id) is never used but
 *    made again from the restored key.
 *
 * The AK may differ after a restore if an input reset the device (a reset
 * makes a new one, as a real device does): nothing an input sees depends
 * on which AK signs.  This code knows struct gv_dev's pointers
 * (gv_internal.h): a new pointer there must be handled here; the replay
 * test's --check-snapshot compares the restored state with the snapshot.
 */
#include "fuzz_common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gv_crypto.h"
#include "gv_internal.h"

struct fzb fzb;

static struct gv_dev snap_dev, cur_dev;
static struct td snap_td;
static struct gvrt_secure snap_sec;
static struct fzb snap_fzb;
static uint8_t *snap_vram;              /* the whole of device memory */
static uint32_t *snap_pages;            /* pages of it holding data */
static size_t snap_npages;
static uint8_t *snap_guest;             /* all of guest memory */
#define GUEST_PAGES (TD_GUEST_SIZE / 4096)
static uint8_t guest_dirty[GUEST_PAGES / 8];
static bool guest_all_dirty;
static bool snapped;
static struct gv_host_ops fz_ops;       /* the bench's, DMA writes noted */
static const struct gv_host_ops *td_ops_orig;

static void mark_guest(uint64_t gpa, uint64_t len)
{
    uint64_t first, last;

    if (len == 0 || gpa < TD_GUEST_BASE ||
        gpa - TD_GUEST_BASE >= TD_GUEST_SIZE) {
        return;
    }
    first = (gpa - TD_GUEST_BASE) / 4096;
    last = (gpa - TD_GUEST_BASE + len - 1) / 4096;
    for (uint64_t p = first; p <= last && p < GUEST_PAGES; p++) {
        guest_dirty[p / 8] |= (uint8_t)(1u << (p % 8));
    }
}

bool fzb_dma_confined;

/* The batch being queued (fzb_batch_begin()): its entries, and per
 * channel the PUT the bench has written entries up to (valid[]: the
 * channel has entries in this batch). */
static struct {
    bool on;
    unsigned n;
    struct fzb_queued q[FZB_BATCH_MAX];
    uint32_t put[GV_MAX_CHANNELS];
    bool valid[GV_MAX_CHANNELS];
} batch;

static bool in(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
    return addr >= base && len <= size && addr - base <= size - len;
}

/* With fzb_dma_confined, the harness put everything the device may reach
 * in guest memory in known places: the group area, the rings, the two
 * host windows.  A DMA elsewhere escaped its bounds (a finding). */
static void confined(uint64_t addr, uint64_t len)
{
    struct gv_dev *d = fzb.td->dev;

    if (!fzb_dma_confined || in(addr, len, FZB_GROUP_ADDR, 8192) ||
        in(addr, len, FZB_BATCH_ADDR,
           FZB_BATCH_MAX * (uint64_t)FZB_BATCH_SLOT) ||
        in(addr, len, fzb.host1, FZB_HOSTWIN_SIZE) ||
        in(addr, len, fzb.host2, FZB_HOSTWIN_SIZE)) {
        return;
    }
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        if (d->chan[c].ring_entries &&
            in(addr, len, d->chan[c].ring_base, d->chan[c].ring_entries *
               (uint64_t)sizeof(struct gv_gpfifo_entry))) {
            return;
        }
    }
    fprintf(stderr, "fuzz: DMA of %" PRIu64 " bytes at 0x%" PRIx64
            " outside the rings, group area and host windows\n", len, addr);
    abort();
}

/* A DMA into FZB_BAR0_GPA: the device's own registers (its first word).
 * From inside the device (it is busy: this DMA is its own) the access
 * must be refused and counted in BAD_ACCESS_COUNT; else the device ran
 * inside itself, on state it was in the middle of changing. */
static int bar0_dma(uint64_t addr, void *buf, uint64_t len, bool write,
                    const char *what)
{
    struct gv_dev *d = fzb.td->dev;
    uint64_t off = (addr - FZB_BAR0_GPA) & ~3ull, bad = d->bad_access_count;
    uint64_t hits = d->rule_hits[GV_RULE_MMIO_REENTRANT];
    bool busy = gv_dev_busy(d);
    uint32_t v = 0;

    if (write) {
        memcpy(&v, buf, len < 4 ? len : 4);
        gv_mmio_write(d, off, v, 4);
    } else {
        v = (uint32_t)gv_mmio_read(d, off, 4);
        memset(buf, 0xff, len);
        memcpy(buf, &v, len < 4 ? len : 4);
    }
    if (busy && (d->bad_access_count <= bad ||
                 d->rule_hits[GV_RULE_MMIO_REENTRANT] <= hits)) {
        fprintf(stderr, "fuzz: the device's own %s %s its register 0x%"
                PRIx64 " and was not refused and counted (mmio.reentrant): "
                "it ran inside itself (re-entry, attack 20)\n", what,
                write ? "wrote" : "read", off);
        abort();
    }
    return 0;
}

static bool to_bar0(uint64_t addr, uint64_t len)
{
    return len && in(addr, 1, FZB_BAR0_GPA, FZB_BAR0_SIZE);
}

void (*fzb_build_hook)(struct td *td);
void (*fzb_dma_read_filter)(uint64_t addr, void *buf, uint64_t len);
void (*fzb_group_fetch_hook)(unsigned chid, uint32_t idx, const void *g,
                             uint64_t len);

bool fzb_vram_groups;
bool fzb_fetch_vram;
/* gv_channel.c's GV_FETCH_MAX: the longest ring entry the core fetches */
#define FETCH_MAX (sizeof(struct gv_group_hdr) + GV_GROUP_MAX + GV_TAG_LEN)

/* The core reads a ring entry (at the channel's GET) and then, unless it
 * refuses the entry or the group is in VRAM, the group it names: that
 * next read is the group's fetch (fzb_group_fetch_hook). */
static struct {
    bool armed;
    unsigned chid;
    uint32_t idx, len;
    uint64_t addr;
} next_group;

/* Ring entry @e of channel @chid names a group in VRAM: the core's
 * run_entry() checks the entry and fetch() the range (unprotected only),
 * then copies the group out of VRAM, with nothing in between, so what is
 * in VRAM now is what it runs. */
static void vram_fetch(unsigned chid, uint32_t idx,
                       const struct gv_gpfifo_entry *e)
{
    struct gv_dev *d = fzb.td->dev;

    if ((e->flags & ~GV_GPFIFO_FLAGS) ||
        e->len < sizeof(struct gv_group_hdr) || e->len > FETCH_MAX ||
        gv_region_of(d, e->addr, e->len) != GV_REGION_UNPROT) {
        return;
    }
    fzb_fetch_vram = true;
    if (fzb_dma_read_filter) {
        fzb_dma_read_filter(e->addr, d->vram + e->addr, e->len);
    }
    fzb_group_fetch_hook(chid, idx, d->vram + e->addr, e->len);
    fzb_fetch_vram = false;
}

static void note_fetch(uint64_t addr, const void *buf, uint64_t len)
{
    struct gv_dev *d = fzb.td->dev;
    struct gv_gpfifo_entry e;
    bool armed = next_group.armed;

    next_group.armed = false;
    if (armed && addr == next_group.addr && len == next_group.len) {
        fzb_group_fetch_hook(next_group.chid, next_group.idx, buf, len);
        return;
    }
    if (len != sizeof(e)) {
        return;
    }
    memcpy(&e, buf, sizeof(e));
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        const struct gv_chan *ch = &d->chan[c];

        if (ch->ring_entries && ch->get < ch->ring_entries &&
            addr == ch->ring_base + (uint64_t)ch->get * sizeof(e)) {
            if (e.flags & GV_GPFIFO_VRAM) {
                vram_fetch(c, ch->get, &e);
                return;
            }
            next_group.armed = true;
            next_group.chid = c;
            next_group.idx = ch->get;
            next_group.addr = e.addr;
            next_group.len = e.len;
            return;
        }
    }
}

static int fz_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    int rc;

    if (to_bar0(addr, len)) {
        return bar0_dma(addr, buf, len, false, "DMA");
    }
    confined(addr, len);
    rc = td_ops_orig->dma_read(opaque, addr, buf, len);
    if (rc == 0 && fzb_dma_read_filter) {
        fzb_dma_read_filter(addr, buf, len);
    }
    if (rc == 0 && fzb_group_fetch_hook) {
        note_fetch(addr, buf, len);
    }
    return rc;
}

static int fz_dma_write(void *opaque, uint64_t addr, const void *buf,
                        uint64_t len)
{
    if (to_bar0(addr, len)) {
        return bar0_dma(addr, (void *)buf, len, true, "DMA");
    }
    confined(addr, len);
    mark_guest(addr, len);
    return td_ops_orig->dma_write(opaque, addr, buf, len);
}

/* The interrupt: the test bench's, then, as QEMU's glue does with
 * msi_notify() when MSI is on, the MSI message the guest programmed
 * (fzb.msi_addr, fzb.msi_data) written on the bus.  The core never writes
 * an MSI itself; this routes the write like any DMA, so one the guest
 * aims at FZB_BAR0_GPA re-enters the device (attack 20) and must be
 * refused there (bar0_dma()).  Anywhere else it is the interrupt
 * controller's: dropped. */
static void fz_set_irq(void *opaque, bool level)
{
    if (td_ops_orig->set_irq) {
        td_ops_orig->set_irq(opaque, level);
    }
    if (level && to_bar0(fzb.msi_addr, 4)) {
        bar0_dma(fzb.msi_addr, &fzb.msi_data, 4, true, "MSI");
    }
}

static int engine_done_flag;

static void fz_engine_done(void *opaque)
{
    (void)opaque;
    __atomic_store_n(&engine_done_flag, 1, __ATOMIC_SEQ_CST);
}

void fzb_engine_async(bool on)
{
    struct gv_dev *d = fzb.td->dev;

    if (on) {
        __atomic_store_n(&engine_done_flag, 0, __ATOMIC_SEQ_CST);
        fz_ops.engine_done = fz_engine_done;
        return;
    }
    for (unsigned us = 0; us < 2000000 && gv_engine_busy(d) &&
         !__atomic_load_n(&engine_done_flag, __ATOMIC_SEQ_CST); us += 100) {
        usleep(100);
    }
    gv_dev_engine_poll(d);
    fz_ops.engine_done = NULL;
    if (gv_engine_busy(d)) {
        gv_dev_engine_poll(d);
    }
}

void fzb_guest_write(uint64_t gpa, const void *buf, uint64_t len)
{
    if (gpa < TD_GUEST_BASE || len > TD_GUEST_SIZE ||
        gpa - TD_GUEST_BASE > TD_GUEST_SIZE - len) {
        return;
    }
    memcpy(fzb.td->guest + (gpa - TD_GUEST_BASE), buf, len);
    mark_guest(gpa, len);
}

/* ---- the victim oracle ----
 *
 * The canary is random per run and compared only in functions without
 * coverage instrumentation: libFuzzer learns the operands of instrumented
 * comparisons (and of memcmp/memmem), and could otherwise write the
 * secret itself. */
#if defined(__clang__)
#define FZB_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FZB_NO_COVERAGE
#endif

static uint64_t secret_rot[8];  /* the canary's 8 aligned-word views */
static uint8_t secret_byte[256];

static void secret_prepare(void)
{
    for (unsigned r = 0; r < 8; r++) {
        uint64_t w = 0;

        for (unsigned k = 0; k < 8; k++) {
            w |= (uint64_t)fzb.canary[(r + k) % 8] << (8 * k);
        }
        secret_rot[r] = w;
    }
    memset(secret_byte, 0, sizeof(secret_byte));
    for (unsigned k = 0; k < 8; k++) {
        secret_byte[fzb.canary[k]] = 1;
    }
}

FZB_NO_COVERAGE bool fzb_secret_word(uint64_t w)
{
    if (!secret_byte[w & 0xff]) {
        return false;
    }
    for (unsigned r = 0; r < 8; r++) {
        if (w == secret_rot[r]) {
            return true;
        }
    }
    return false;
}

/* Offset of an aligned word of @p[0, @len) (a multiple of 8) that holds 8
 * bytes of the secret, or -1: a copy of 15 bytes or more at any
 * alignment has one. */
FZB_NO_COVERAGE static int64_t secret_in(const uint8_t *p, uint64_t len)
{
    for (uint64_t k = 0; k + 8 <= len; k += 8) {
        uint64_t w;

        memcpy(&w, p + k, 8);
        if (secret_byte[w & 0xff] && fzb_secret_word(w)) {
            return (int64_t)k;
        }
    }
    return -1;
}

FZB_NO_COVERAGE static bool victim_page_intact(const struct gv_dev *d)
{
    const uint8_t *p = d->vram + fzb.page3;

    for (uint64_t k = 0; k < GV_BIG_PAGE_SIZE; k += 8) {
        uint64_t w;

        memcpy(&w, p + k, 8);
        if (w != secret_rot[0]) {
            return false;
        }
    }
    return true;
}

static bool victim_alive(struct gv_dev *d)
{
    return d->locked && d->chsec &&
           d->chan[FZB_VICTIM_CHID].type == GV_CHAN_TYPE_SECURE &&
           d->chsec[FZB_VICTIM_CHID].incarnation == fzb.victim_incarnation;
}

uint64_t fzb_va0(struct gv_dev *d, unsigned chid)
{
    uint64_t pde = gv_pde_get(d, chid, 0, true), pte;

    if (!(pde & GV_PDE_VALID) ||
        (pde & GV_PTE_ADDR_MASK) >= gv_dev_vram_size(d)) {
        return 0;
    }
    pte = *gv_pte_ptr(d, pde & GV_PTE_ADDR_MASK, 0);
    return pte & GV_PTE_VALID ? pte & GV_PTE_ADDR_MASK : 0;
}

/* Is @pa still a page of the victim's context (mapped, locked, its
 * owner the context of the victim's key)?  Channel 3 may be gone while
 * its context lives on in another channel (a stream the driver made
 * with the public UK_pub takes the victim's table): the design frees and
 * scrubs a page only when its last reference goes, and only the holder
 * of the victim's CEK can use that context. */
static bool victim_context_page(struct gv_dev *d, uint64_t pa)
{
    uint64_t e;
    unsigned o;

    if (!d->locked || !d->pmm ||
        gv_region_of(d, pa, GV_PAGE_SIZE) != GV_REGION_PROT) {
        return false;
    }
    e = *gv_pmm_entry(d, pa);
    o = pmm_owner(e);
    return pmm_mapped(e) && pmm_locked(e) && o < GV_MAX_CHANNELS &&
           d->ctx[o].in_use && d->ctx[o].secure &&
           memcmp(d->ctx[o].uk_hash, fzb.victim_uk_hash,
                  sizeof(fzb.victim_uk_hash)) == 0;
}

int fzb_secret_check(char *why, size_t len)
{
    struct gv_dev *d = fzb.td->dev;
    uint64_t size = gv_dev_vram_size(d), npages = size / 4096;
    bool alive = victim_alive(d);
    static unsigned char *res;
    int64_t at;

    if (alive && fzb_va0(d, FZB_VICTIM_CHID) != fzb.page3) {
        snprintf(why, len, "the live victim's VA 0 maps 0x%" PRIx64
                 ", not its page 0x%" PRIx64, fzb_va0(d, FZB_VICTIM_CHID),
                 fzb.page3);
        return -1;
    }
    if (alive && !victim_page_intact(d)) {
        snprintf(why, len, "the live victim's page 0x%" PRIx64 " changed",
                 fzb.page3);
        return -1;
    }
    /* device memory: the pages touched since the restore (the rest is
     * the snapshot's or zero), but the victim's own while it lives */
    if (!res && !(res = malloc(npages))) {
        abort();
    }
    if (mincore(d->vram, size, res) != 0) {
        memset(res, 1, npages);
    }
    for (uint64_t p = 0; p < npages; p++) {
        uint64_t pa = p * 4096;

        if (!(res[p] & 1) || (alive && pa >= fzb.page3 &&
                              pa < fzb.page3 + GV_BIG_PAGE_SIZE) ||
            (!alive && victim_context_page(d, pa))) {
            continue;
        }
        if ((at = secret_in(d->vram + pa, 4096)) >= 0) {
            snprintf(why, len, "the victim's secret at device address "
                     "0x%" PRIx64 " (%s, victim %s)", pa + (uint64_t)at,
                     gv_region_of(d, pa, 4096) == GV_REGION_PROT ?
                     "protected" : "not protected",
                     alive ? "alive" : "destroyed");
            return -1;
        }
    }
    /* guest memory: what the device or the harness wrote since */
    for (unsigned p = 0; p < GUEST_PAGES; p++) {
        if ((guest_all_dirty || (guest_dirty[p / 8] & (1u << (p % 8)))) &&
            (at = secret_in(fzb.td->guest + p * 4096ull, 4096)) >= 0) {
            snprintf(why, len, "the victim's secret in guest memory at "
                     "0x%" PRIx64, (uint64_t)(TD_GUEST_BASE + p * 4096ull) +
                     (uint64_t)at);
            return -1;
        }
    }
    return 0;
}

/* One EK for the whole run: key generation would dominate otherwise. */
static char ek_file[64];

static void remove_ek(void)
{
    unlink(ek_file);
}

static const char *ek_path(void)
{
    if (!ek_file[0]) {
        struct td *t = td_new(32ull << 20, 4ull << 20, 24ull << 20, true);

        snprintf(ek_file, sizeof(ek_file), "/tmp/gv-fuzz-ek-%d.pem",
                 (int)getpid());
        if (rename(t->ek_path, ek_file) != 0) {
            abort();
        }
        t->ek_path[0] = 0;      /* keep it; td_free removes the directory */
        rmdir(t->tmpdir);
        td_free(t);
        atexit(remove_ek);
    }
    return ek_file;
}

/* Secure channel 3 with its own runtime (fzb.victim) and a secret: a big
 * page at VA 0 filled with the canary. */
static void build_victim(struct td *td)
{
    uint8_t *fill = malloc(GV_BIG_PAGE_SIZE);
    uint64_t pte;

    if (!fill || td_create_secure(td, FZB_VICTIM_CHID, &fzb.victim)) {
        abort();
    }
    fzb.table3 = td_table(td, FZB_VICTIM_CHID, 0, true);
    fzb.page3 = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    pte = fzb.page3 | GV_PTE_VALID;
    if (td_pte(td, FZB_VICTIM_CHID, 0, 0, 1, &pte, true, NULL, NULL)) {
        abort();
    }
    gvc_random(fzb.canary, sizeof(fzb.canary));
    fzb.canary[0] |= 1;         /* never a word of zeros */
    for (uint64_t k = 0; k < GV_BIG_PAGE_SIZE; k++) {
        fill[k] = fzb.canary[k % 8];
    }
    gv_debug_write(td->dev, fzb.page3, fill, GV_BIG_PAGE_SIZE);
    free(fill);
    fzb.victim_incarnation = td->dev->chsec[FZB_VICTIM_CHID].incarnation;
    memcpy(fzb.victim_uk_hash,
           td->dev->ctx[td->dev->chan[FZB_VICTIM_CHID].ctx].uk_hash,
           sizeof(fzb.victim_uk_hash));
    secret_prepare();
}

static void build(void)
{
    struct td *td;
    uint64_t pte;

    td_launch_timeout_ms = 20;      /* a mutant module may loop */
    td = td_new_ek(32ull << 20, 4ull << 20, 24ull << 20, ek_path());
    td_launch_timeout_ms = 0;
    memset(&fzb, 0, sizeof(fzb));
    fzb.td = td;
    if (td_create_normal(td, FZB_NORMAL_CHID, FZB_NORMAL_CHID) ||
        td_create_secure(td, FZB_SECURE_CHID, &fzb.sec)) {
        abort();
    }
    if (td_create_secure(td, FZB_STREAM_CHID, &fzb.sec)) {
        abort();
    }
    fzb.table1 = td_table(td, FZB_NORMAL_CHID, 0, false);
    fzb.table2 = td_table(td, FZB_SECURE_CHID, 0, true);
    fzb.page1 = td_alloc_prot(td, 4096, 4096);
    pte = fzb.page1 | GV_PTE_VALID;
    td_pte(td, FZB_NORMAL_CHID, 0, 0, 1, &pte, false, NULL, NULL);
    fzb.page2 = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    pte = fzb.page2 | GV_PTE_VALID;
    td_pte(td, FZB_SECURE_CHID, 0, 0, 1, &pte, true, NULL, NULL);
    build_victim(td);
    fzb.host1 = TD_GUEST_BASE + (4ull << 20);
    fzb.host2 = TD_GUEST_BASE + (5ull << 20);
    td_hostwin(td, FZB_NORMAL_CHID, fzb.host1, FZB_HOSTWIN_SIZE);
    td_hostwin(td, FZB_SECURE_CHID, fzb.host2, FZB_HOSTWIN_SIZE);
    if (fzb_build_hook) {
        fzb_build_hook(td);
    }
    td_ops_orig = td->dev->ops;
    fz_ops = *td_ops_orig;
    fz_ops.dma_read = fz_dma_read;
    fz_ops.dma_write = fz_dma_write;
    fz_ops.set_irq = fz_set_irq;
    td->dev->ops = &fz_ops;
}

static bool page_used(const uint8_t *p)
{
    for (unsigned k = 0; k < 4096; k++) {
        if (p[k]) {
            return true;
        }
    }
    return false;
}

static void snapshot(void)
{
    struct gv_dev *dev = fzb.td->dev;
    uint64_t size = gv_dev_vram_size(dev);

    snap_dev = *dev;
    snap_td = *fzb.td;
    snap_sec = fzb.sec;
    snap_fzb = fzb;
    snap_vram = malloc(size);
    snap_guest = malloc(TD_GUEST_SIZE);
    snap_pages = malloc(size / 4096 * sizeof(*snap_pages));
    if (!snap_vram || !snap_guest || !snap_pages) {
        abort();
    }
    memcpy(snap_vram, dev->vram, size);
    memcpy(snap_guest, fzb.td->guest, TD_GUEST_SIZE);
    for (uint64_t p = 0; p < size / 4096; p++) {
        if (page_used(snap_vram + p * 4096)) {
            snap_pages[snap_npages++] = (uint32_t)p;
        }
    }
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        if (dev->chan[c].stash ||
            (dev->chan[c].aead && c >= GVRT_MAX_CHANNELS)) {
            abort();        /* the bench is idle */
        }
    }
    snapped = true;
}

static void restore(void)
{
    struct gv_dev *dev = fzb.td->dev;
    uint64_t size = gv_dev_vram_size(dev);

    gv_channels_reset(dev);     /* engine stopped, key schedules freed */
    fz_ops.engine_done = NULL;
    cur_dev = *dev;
    *dev = snap_dev;
    /* the host's objects and the statistics outlive inputs */
    dev->ops = cur_dev.ops;
    dev->fetch_buf = cur_dev.fetch_buf;
    dev->copy_buf = cur_dev.copy_buf;
    dev->copy_buf_size = cur_dev.copy_buf_size;
    dev->eng = cur_dev.eng;
    dev->ek = cur_dev.ek;
    dev->ak = cur_dev.ak;
    memcpy(dev->ak_pub, cur_dev.ak_pub, sizeof(dev->ak_pub));
    memcpy(dev->ak_sig, cur_dev.ak_sig, sizeof(dev->ak_sig));
    memcpy(dev->ek_pub, cur_dev.ek_pub, sizeof(dev->ek_pub));
    dev->attest_status = cur_dev.attest_status;
    memcpy(dev->rule_hits, cur_dev.rule_hits, sizeof(dev->rule_hits));
    dev->rule_hits_total = cur_dev.rule_hits_total;
    dev->compute_lane_insns = cur_dev.compute_lane_insns;
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        const struct gvrt_secure *s = c == FZB_VICTIM_CHID ?
                                      &snap_fzb.victim : &snap_sec;

        dev->chan[c].aead = NULL;
        dev->chan[c].copy = NULL;       /* made again on first use */
        if (snap_dev.chan[c].aead &&
            gvc_aead_new(&dev->chan[c].aead, s->chan_key[c]) != GVC_OK) {
            abort();
        }
    }
    /* device memory: everything zero again, then the used pages */
    if (madvise(dev->vram, size, MADV_DONTNEED) != 0) {
        memset(dev->vram, 0, size);
    }
    for (size_t k = 0; k < snap_npages; k++) {
        uint64_t off = (uint64_t)snap_pages[k] * 4096;

        memcpy(dev->vram + off, snap_vram + off, 4096);
    }
    if (guest_all_dirty) {
        memcpy(snap_td.guest, snap_guest, TD_GUEST_SIZE);
    } else {
        for (unsigned p = 0; p < GUEST_PAGES; p++) {
            if (guest_dirty[p / 8] & (1u << (p % 8))) {
                memcpy(snap_td.guest + p * 4096ull,
                       snap_guest + p * 4096ull, 4096);
            }
        }
    }
    memset(guest_dirty, 0, sizeof(guest_dirty));
    guest_all_dirty = false;
    *fzb.td = snap_td;
    fzb = snap_fzb;
}

void fzb_begin(void)
{
    static int no_snap = -1;

    if (no_snap < 0) {
        no_snap = getenv("GV_FUZZ_NO_SNAPSHOT") != NULL;
    }
    fzb_dma_read_filter = NULL;
    fzb_vram_groups = false;
    fzb_fetch_vram = false;
    next_group.armed = false;
    batch.on = false;
    if (!fzb.td) {
        build();
        if (!no_snap) {
            snapshot();
        }
    } else if (no_snap) {
        td_free(fzb.td);
        gvrt_secure_fini(&fzb.sec);
        build();
    } else {
        restore();
    }
    fz_rules_begin(fzb.td->dev);
}

void fzb_end(void)
{
    char why[256];

    if (gv_dev_check(fzb.td->dev, why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz: consistency check failed: %s\n", why);
        abort();
    }
    if (fzb_secret_check(why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz: victim oracle: %s\n", why);
        abort();
    }
    fz_rules_end(fzb.td->dev);
}

void fzb_guest_touched(void)
{
    guest_all_dirty = true;
}

int fzb_verify_restore(void)
{
    struct gv_dev *dev;

    if (!snapped) {
        return 0;
    }
    restore();
    dev = fzb.td->dev;
    cur_dev = *dev;
    /* what a restore keeps, and the fresh key schedules */
    cur_dev.ak = snap_dev.ak;
    memcpy(cur_dev.ak_pub, snap_dev.ak_pub, sizeof(cur_dev.ak_pub));
    memcpy(cur_dev.ak_sig, snap_dev.ak_sig, sizeof(cur_dev.ak_sig));
    cur_dev.attest_status = snap_dev.attest_status;
    memcpy(cur_dev.rule_hits, snap_dev.rule_hits, sizeof(cur_dev.rule_hits));
    cur_dev.rule_hits_total = snap_dev.rule_hits_total;
    cur_dev.compute_lane_insns = snap_dev.compute_lane_insns;
    cur_dev.fetch_buf = snap_dev.fetch_buf;
    cur_dev.copy_buf = snap_dev.copy_buf;
    cur_dev.copy_buf_size = snap_dev.copy_buf_size;
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        cur_dev.chan[c].aead = snap_dev.chan[c].aead;
        cur_dev.chan[c].copy = snap_dev.chan[c].copy;
    }
    if (memcmp(&cur_dev, &snap_dev, sizeof(cur_dev)) != 0) {
        fprintf(stderr, "fuzz: restored struct gv_dev differs\n");
        return -1;
    }
    if (memcmp(dev->vram, snap_vram, gv_dev_vram_size(dev)) != 0) {
        fprintf(stderr, "fuzz: restored device memory differs\n");
        return -1;
    }
    if (memcmp(fzb.td->guest, snap_guest, TD_GUEST_SIZE) != 0) {
        fprintf(stderr, "fuzz: restored guest memory differs\n");
        return -1;
    }
    if (memcmp(&fzb.sec, &snap_sec, sizeof(fzb.sec)) != 0) {
        fprintf(stderr, "fuzz: restored runtime state differs\n");
        return -1;
    }
    return 0;
}

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)gv_mmio_read(fzb.td->dev, reg, 4);
}

void fzb_ring_group(unsigned chid, const void *g, uint32_t len)
{
    fzb_ring_group_flags(chid, g, len, 0);
}

void fzb_batch_begin(void)
{
    memset(&batch, 0, sizeof(batch));
    batch.on = true;
}

bool fzb_batching(void)
{
    return batch.on;
}

unsigned fzb_batch_count(void)
{
    return batch.n;
}

const struct fzb_queued *fzb_batch_entry(unsigned k)
{
    return k < batch.n ? &batch.q[k] : NULL;
}

uint32_t fzb_batch_put(unsigned chid)
{
    return batch.put[chid % GV_MAX_CHANNELS];
}

void fzb_batch_ring(void)
{
    bool rung[GV_MAX_CHANNELS] = { false };

    batch.on = false;
    for (unsigned k = 0; k < batch.n; k++) {
        unsigned c = batch.q[k].chid;

        if (!rung[c]) {
            rung[c] = true;
            gv_mmio_write(fzb.td->dev, GV_REG_CHAN(c, GV_CHAN_PUT),
                          batch.put[c], 4);
        }
    }
}

/* Queue @g (a batch is on, with room): its own slot, an entry at the
 * channel's PUT as the bench has moved it, no doorbell. */
static void batch_queue(unsigned chid, const void *g, uint32_t len,
                        uint32_t flags, uint32_t entries, uint32_t put,
                        uint64_t ring)
{
    struct fzb_queued *q = &batch.q[batch.n];
    struct gv_gpfifo_entry e = { .flags = flags, .len = len };
    bool vram = flags & GV_GPFIFO_VRAM;

    if (!batch.valid[chid]) {
        batch.valid[chid] = true;
        batch.put[chid] = put;
    }
    q->chid = chid;
    q->idx = batch.put[chid];
    q->gaddr = (vram ? FZB_VRAM_BATCH_ADDR : FZB_BATCH_ADDR) +
               batch.n * (uint64_t)FZB_BATCH_SLOT;
    q->glen = len;
    q->vram = vram;
    e.addr = q->gaddr;
    if (vram) {
        gv_debug_write(fzb.td->dev, q->gaddr, g, len);
    } else {
        fzb_guest_write(q->gaddr, g, len);
    }
    fzb_guest_write(ring + (uint64_t)q->idx * sizeof(e), &e, sizeof(e));
    batch.put[chid] = entries ? (q->idx + 1) % entries : 1;
    batch.n++;
}

void fzb_ring_group_flags(unsigned chid, const void *g, uint32_t len,
                          uint32_t flags)
{
    uint32_t entries = rd(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES));
    uint32_t put = rd(GV_REG_CHAN(chid, GV_CHAN_PUT));
    uint64_t ring = rd(GV_REG_CHAN(chid, GV_CHAN_RING_LO)) |
                    (uint64_t)rd(GV_REG_CHAN(chid, GV_CHAN_RING_HI)) << 32;
    struct gv_gpfifo_entry e = { .addr = FZB_GROUP_ADDR, .len = len,
                                 .flags = flags };

    if (fzb_vram_groups) {
        e.flags = flags |= GV_GPFIFO_VRAM;
        e.addr = FZB_VRAM_GROUP_ADDR;
    }
    if (batch.on && batch.n < FZB_BATCH_MAX && len <= FZB_BATCH_SLOT &&
        chid < GV_MAX_CHANNELS) {
        batch_queue(chid, g, len, flags, entries, put, ring);
        return;
    }
    if (fzb_vram_groups) {
        gv_debug_write(fzb.td->dev, e.addr, g,
                       len <= FZB_VRAM_GROUP_MAX ? len : FZB_VRAM_GROUP_MAX);
    } else {
        fzb_guest_write(FZB_GROUP_ADDR, g, len);
    }
    fzb_guest_write(ring + (uint64_t)put * sizeof(e), &e, sizeof(e));
    gv_mmio_write(fzb.td->dev, GV_REG_CHAN(chid, GV_CHAN_PUT),
                  entries ? (put + 1) % entries : 1, 4);
}

void fzb_submit(unsigned chid, const void *cmds, uint32_t len)
{
    uint8_t g[sizeof(struct gv_group_hdr) + 8192];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };

    if (len > sizeof(g) - sizeof(h)) {
        return;
    }
    memcpy(g, &h, sizeof(h));
    memcpy(g + sizeof(h), cmds, len);
    fzb_ring_group(chid, g, (uint32_t)sizeof(h) + len);
}
