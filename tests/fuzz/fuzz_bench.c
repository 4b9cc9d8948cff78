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

static int fz_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    confined(addr, len);
    return td_ops_orig->dma_read(opaque, addr, buf, len);
}

static int fz_dma_write(void *opaque, uint64_t addr, const void *buf,
                        uint64_t len)
{
    confined(addr, len);
    mark_guest(addr, len);
    return td_ops_orig->dma_write(opaque, addr, buf, len);
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
    fzb.table1 = td_table(td, FZB_NORMAL_CHID, 0, false);
    fzb.table2 = td_table(td, FZB_SECURE_CHID, 0, true);
    fzb.page1 = td_alloc_prot(td, 4096, 4096);
    pte = fzb.page1 | GV_PTE_VALID;
    td_pte(td, FZB_NORMAL_CHID, 0, 0, 1, &pte, false, NULL, NULL);
    fzb.page2 = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    pte = fzb.page2 | GV_PTE_VALID;
    td_pte(td, FZB_SECURE_CHID, 0, 0, 1, &pte, true, NULL, NULL);
    fzb.host1 = TD_GUEST_BASE + (4ull << 20);
    fzb.host2 = TD_GUEST_BASE + (5ull << 20);
    td_hostwin(td, FZB_NORMAL_CHID, fzb.host1, FZB_HOSTWIN_SIZE);
    td_hostwin(td, FZB_SECURE_CHID, fzb.host2, FZB_HOSTWIN_SIZE);
    td_ops_orig = td->dev->ops;
    fz_ops = *td_ops_orig;
    fz_ops.dma_read = fz_dma_read;
    fz_ops.dma_write = fz_dma_write;
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
        dev->chan[c].aead = NULL;
        if (snap_dev.chan[c].aead &&
            gvc_aead_new(&dev->chan[c].aead, snap_sec.chan_key[c]) !=
            GVC_OK) {
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
    uint32_t entries = rd(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES));
    uint32_t put = rd(GV_REG_CHAN(chid, GV_CHAN_PUT));
    uint64_t ring = rd(GV_REG_CHAN(chid, GV_CHAN_RING_LO)) |
                    (uint64_t)rd(GV_REG_CHAN(chid, GV_CHAN_RING_HI)) << 32;
    struct gv_gpfifo_entry e = { .addr = FZB_GROUP_ADDR, .len = len };

    fzb_guest_write(FZB_GROUP_ADDR, g, len);
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
