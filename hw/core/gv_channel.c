/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: channels.  The channel control area in BAR0,
 * bootstrap channels, ring (GPFIFO) processing, command-group fetch and
 * authentication, and dispatch of the commands in a group.
 *
 * Processing is synchronous: a PUT write runs every entry from GET to PUT
 * before the MMIO write returns, except what must wait for the compute
 * engine: a launching channel's own ring waits for its launch, and
 * bootstrap channels' rings wait while any launch runs (their CH_*
 * commands could change page tables under a kernel).  Launches of
 * different channels run at the same time; only while a bootstrap ring
 * waits is a group that launches kept (authenticated, not run) until the
 * running launches have ended and the bootstrap rings have run, so a
 * stream of launches cannot starve the management commands.  Copies and
 * fences go on meanwhile.  A group that fails (fetch, format or
 * authentication) is skipped: it does not execute, GET moves past it, the
 * error registers describe it and GV_INTR_ERROR is raised; the channel
 * keeps running.  A secure channel's counter only advances on groups that
 * authenticate, so after a dropped group every later one fails too until
 * the runtime resynchronises (it sees the error).  Inside a group, the
 * first failing command stops the group.
 */
#include "gv_internal.h"
#include "gv_devtime.h"

#include "gv_crypto.h"

#include <stdlib.h>

#define GV_FETCH_MAX (sizeof(struct gv_group_hdr) + GV_GROUP_MAX + GV_TAG_LEN)

void gv_iv(uint8_t iv[12], uint32_t domain, uint64_t counter)
{
    for (int i = 0; i < 4; i++) {
        iv[i] = domain >> (8 * i);
    }
    for (int i = 0; i < 8; i++) {
        iv[4 + i] = counter >> (8 * i);
    }
}

int gv_dma_write(struct gv_dev *dev, unsigned rule, unsigned chid,
                 uint64_t addr, const void *buf, uint64_t len)
{
    if (!dev->ops || !dev->ops->dma_write ||
        dev->ops->dma_write(dev->opaque, addr, buf, len) != 0) {
        return gv_refuse(dev, rule, chid, addr, len);
    }
    return GV_ERR_NONE;
}

static int dma_read(struct gv_dev *dev, unsigned rule, unsigned chid,
                    uint64_t addr, void *buf, uint64_t len)
{
    if (!dev->ops || !dev->ops->dma_read ||
        dev->ops->dma_read(dev->opaque, addr, buf, len) != 0) {
        return gv_refuse(dev, rule, chid, addr, len);
    }
    return GV_ERR_NONE;
}

void gv_channels_free(struct gv_dev *dev)
{
    gv_channels_reset(dev);
    free(dev->fetch_buf);
    dev->fetch_buf = NULL;
    free(dev->copy_buf);
    dev->copy_buf = NULL;
    dev->copy_buf_size = 0;
}

void gv_channels_reset(struct gv_dev *dev)
{
    gv_engine_abort(dev);
    for (unsigned i = 0; i < GV_MAX_CHANNELS; i++) {
        gvc_aead_free(dev->chan[i].aead);
        gv_copy_forget(dev, i);
        free(dev->chan[i].stash);
    }
    memset(dev->chan, 0, sizeof(dev->chan));
    memset(dev->tlb, 0, sizeof(dev->tlb));
    dev->tlb_gen = 1;
}

/* ---- command dispatch ---- */

static bool is_mgmt(uint32_t op)
{
    return op >= GV_OP_CH_CREATE && op <= GV_OP_CH_MEASURE;
}

static int exec_fence(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                      uint32_t size)
{
    struct gv_cmd_fence f;

    if (size != sizeof(f)) {
        return gv_refuse(dev, GV_RULE_FENCE_SIZE, chid, size, sizeof(f));
    }
    memcpy(&f, cmd, sizeof(f));
    if (f.va % 8) {
        return gv_refuse(dev, GV_RULE_FENCE_UNALIGNED, chid, f.va, 0);
    }
    return gv_vm_write(dev, chid, f.va, &f.value, sizeof(f.value));
}

static int exec_cmd(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                    uint32_t size)
{
    struct gv_cmd_hdr h;
    unsigned type = dev->chan[chid].type;

    memcpy(&h, cmd, sizeof(h));
    if (is_mgmt(h.op)) {
        if (type != GV_CHAN_TYPE_BOOTSTRAP) {
            return gv_refuse(dev, GV_RULE_CMD_MGMT_NOT_BOOTSTRAP, chid, h.op,
                             type);
        }
        switch (h.op) {
        case GV_OP_CH_CREATE:
            return gv_ch_create(dev, cmd, size);
        case GV_OP_CH_PDE:
            return gv_ch_pde(dev, cmd, size);
        case GV_OP_CH_PTE:
            return gv_ch_pte(dev, cmd, size);
        case GV_OP_CH_DESTROY:
            return gv_ch_destroy(dev, cmd, size);
        default:
            return gv_ch_measure(dev, cmd, size);
        }
    }
    if (h.op != GV_OP_NOP && h.op != GV_OP_FENCE && h.op != GV_OP_COPY &&
        h.op != GV_OP_SET_COPY_KEY && h.op != GV_OP_LAUNCH) {
        return gv_refuse(dev, GV_RULE_CMD_UNKNOWN_OP, chid, h.op, h.size);
    }
    /* Engine commands: a bootstrap channel may not carry them (its
     * tables could otherwise be aimed at a secure context's pages). */
    if (type == GV_CHAN_TYPE_BOOTSTRAP) {
        return gv_refuse(dev, GV_RULE_CMD_ENGINE_ON_BOOTSTRAP, chid, h.op, 0);
    }
    switch (h.op) {
    case GV_OP_NOP:
        return size == sizeof(h) ? GV_ERR_NONE
               : gv_refuse(dev, GV_RULE_CMD_NOP_SIZE, chid, size, sizeof(h));
    case GV_OP_COPY:
        return gv_exec_copy(dev, chid, cmd, size);
    case GV_OP_SET_COPY_KEY:
        return gv_exec_set_copy_key(dev, chid, cmd, size);
    case GV_OP_LAUNCH:
        return gv_exec_launch(dev, chid, cmd, size);
    default:
        return exec_fence(dev, chid, cmd, size);
    }
}

int gv_exec_group(struct gv_dev *dev, unsigned chid, const uint8_t *cmds,
                  uint32_t len, uint32_t ring_index)
{
    uint32_t off = 0, n = 0;

    while (off < len) {
        struct gv_cmd_hdr h;
        int err;

        dev->cur_pos = ring_index << 16 | (n & 0xffff);
        if (len - off < sizeof(h)) {
            return gv_refuse(dev, GV_RULE_CMD_TRUNCATED, chid, off, len);
        }
        memcpy(&h, cmds + off, sizeof(h));
        if (h.size < sizeof(h) || h.size % 8 || h.size > len - off) {
            return gv_refuse(dev, GV_RULE_CMD_SIZE, chid, h.size, len - off);
        }
        /* A LAUNCH ends its group: the channel waits for it. */
        if (h.op == GV_OP_LAUNCH && off + h.size != len) {
            return gv_refuse(dev, GV_RULE_CMD_LAUNCH_NOT_LAST, chid, off, len);
        }
        err = exec_cmd(dev, chid, cmds + off, h.size);
        if (err != GV_ERR_NONE) {
            return err;
        }
        gv_devtime_cmd(dev, cmds + off, h.size, dev->chan[chid].type);
        off += h.size;
        n++;
    }
    return GV_ERR_NONE;
}

/* ---- fetching and authenticating a group ---- */

static int fetch(struct gv_dev *dev, unsigned chid,
                 const struct gv_gpfifo_entry *e, uint8_t *buf)
{
    if (e->flags & GV_GPFIFO_VRAM) {
        /* Only the unprotected region: the host could not have put a
         * group anywhere else, and must not make the device read it. */
        if (gv_region_of(dev, e->addr, e->len) != GV_REGION_UNPROT) {
            return gv_refuse(dev, GV_RULE_GROUP_VRAM_ADDRESS, chid, e->addr,
                             e->len);
        }
        memcpy(buf, dev->vram + e->addr, e->len);
        return GV_ERR_NONE;
    }
    return dma_read(dev, GV_RULE_GROUP_FETCH, chid, e->addr, buf, e->len);
}

/* Does the group hold a LAUNCH (well-formed commands up to it)? */
static bool group_launches(const uint8_t *cmds, uint32_t len)
{
    for (uint32_t off = 0; len - off >= sizeof(struct gv_cmd_hdr);) {
        struct gv_cmd_hdr h;

        memcpy(&h, cmds + off, sizeof(h));
        if (h.op == GV_OP_LAUNCH) {
            return true;
        }
        if (h.size < sizeof(h) || h.size % 8 || h.size > len - off) {
            return false;
        }
        off += h.size;
    }
    return false;
}

/* Is a bootstrap ring waiting for the running launches to end?  Then no
 * launch starts until it has run (gv_channels_poll()). */
static bool boot_waits(struct gv_dev *dev)
{
    for (unsigned k = 0; k < GV_MAX_CHANNELS; k++) {
        const struct gv_chan *ch = &dev->chan[k];

        if (ch->type == GV_CHAN_TYPE_BOOTSTRAP && ch->ring_entries &&
            ch->get != ch->put) {
            return gv_engine_busy(dev);
        }
    }
    return false;
}

static int run_entry(struct gv_dev *dev, unsigned chid,
                     const struct gv_gpfifo_entry *e, uint32_t ring_index,
                     uint8_t *buf)
{
    struct gv_chan *ch = &dev->chan[chid];
    struct gv_group_hdr h;
    uint32_t tag = 0;
    int err;

    dev->cur_pos = ring_index << 16;
    if ((e->flags & ~GV_GPFIFO_FLAGS) || e->len < sizeof(h) ||
        e->len > GV_FETCH_MAX) {
        return gv_refuse(dev, GV_RULE_GROUP_ENTRY, chid, e->flags, e->len);
    }
    err = fetch(dev, chid, e, buf);
    if (err != GV_ERR_NONE) {
        return err;
    }
    memcpy(&h, buf, sizeof(h));
    if (h.magic != GV_GROUP_MAGIC || h.reserved ||
        (h.flags & ~GV_GROUP_ENCRYPTED) || h.payload_len > GV_GROUP_MAX) {
        return gv_refuse(dev, GV_RULE_GROUP_HEADER, chid, h.magic,
                         h.payload_len);
    }
    if (ch->type == GV_CHAN_TYPE_SECURE) {
        uint8_t iv[12], aad[sizeof(h) + 4];
        struct gv_chan_secret *sec = &dev->chsec[chid];
        uint64_t t0;
        bool opened;

        /* Every group of a secure channel is authenticated. */
        if (!(h.flags & GV_GROUP_ENCRYPTED)) {
            return gv_refuse(dev, GV_RULE_GROUP_PLAINTEXT_SECURE, chid,
                             h.flags, sec->cmd_counter);
        }
        tag = GV_TAG_LEN;
        if (e->len != sizeof(h) + h.payload_len + tag) {
            return gv_refuse(dev, GV_RULE_GROUP_SECURE_LENGTH, chid, e->len,
                             h.payload_len);
        }
        gv_iv(iv, GV_IV_DOMAIN_CMDG, sec->cmd_counter);
        memcpy(aad, &h, sizeof(h));
        memcpy(aad + sizeof(h), &(uint32_t){ chid }, 4);
        t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
        opened = gvc_aead_open(ch->aead, iv, aad, sizeof(aad),
                               buf + sizeof(h), h.payload_len, buf + sizeof(h),
                               buf + sizeof(h) + h.payload_len) == GVC_OK;
        gv_prof_end(dev, GV_PROF_CRYPTO, t0);
        if (!opened) {
            return gv_refuse(dev, GV_RULE_GROUP_AUTH, chid, sec->cmd_counter,
                             h.payload_len);
        }
        sec->cmd_counter++;
        gv_devtime_group(dev);
    } else if (h.flags & GV_GROUP_ENCRYPTED) {
        return gv_refuse(dev, GV_RULE_GROUP_ENCRYPTED_NORMAL, chid, h.flags,
                         ch->type);
    } else if (e->len != sizeof(h) + h.payload_len) {
        return gv_refuse(dev, GV_RULE_GROUP_PLAIN_LENGTH, chid, e->len,
                         h.payload_len);
    }
    ch->groups_accepted++;
    if (group_launches(buf + sizeof(h), h.payload_len) && boot_waits(dev)) {
        ch->stash = malloc(h.payload_len);
        if (!ch->stash) {
            return gv_refuse(dev, GV_RULE_GROUP_STASH_NO_MEMORY, chid,
                             h.payload_len, 0);
        }
        memcpy(ch->stash, buf + sizeof(h), h.payload_len);
        ch->stash_len = h.payload_len;
        ch->stash_flags = e->flags;
        return GV_ERR_NONE;
    }
    return gv_exec_group(dev, chid, buf + sizeof(h), h.payload_len,
                         ring_index);
}

static void launch_started(struct gv_dev *dev, unsigned chid,
                           uint32_t entry_flags)
{
    dev->launch_started = false;
    dev->chan[chid].launch_wait = true;
    dev->chan[chid].launch_entry_irq = entry_flags & GV_GPFIFO_IRQ;
}

/*
 * A work channel (normal or secure) stops at a failed group: its ring runs
 * no further entry until the driver acknowledges the error with CLEAR_ERR,
 * as a GPU's channel stops at a fault until recovery.  Groups queued
 * behind a failed launch would otherwise run, and their fences would say
 * that the failed one had completed.  The bootstrap channel does not stop:
 * its commands run one at a time and their errors are read at once.
 */
static bool stopped(const struct gv_chan *ch)
{
    return ch->stopped;
}

/* Group @pos of channel @chid failed with @err (a group, not a register
 * write: those are refused without stopping anything). */
void gv_group_failed(struct gv_dev *dev, unsigned chid, unsigned err,
                     uint32_t pos)
{
    struct gv_chan *ch = &dev->chan[chid];

    gv_report_error(dev, err, chid, pos);
    if (ch->type != GV_CHAN_TYPE_BOOTSTRAP) {
        ch->stopped = true;
    }
}

static void run_ring(struct gv_dev *dev, unsigned chid)
{
    struct gv_chan *ch = &dev->chan[chid];
    uint8_t *buf;

    if (!dev->locked) {
        gv_report_refusal(dev, GV_RULE_RING_NOT_LOCKED, chid, ch->get << 16,
                          ch->put, 0);
        return;
    }
    if (ch->ring_entries == 0) {
        gv_report_refusal(dev, GV_RULE_RING_NO_RING, chid, ch->get << 16,
                          ch->put, 0);
        return;
    }
    /* One fetch buffer for the device, made on first use (groups run one
     * at a time: processing is synchronous). */
    if (!dev->fetch_buf) {
        dev->fetch_buf = malloc(GV_FETCH_MAX);
    }
    buf = dev->fetch_buf;
    if (!buf) {
        gv_report_refusal(dev, GV_RULE_RING_NO_MEMORY, chid, ch->get << 16,
                          GV_FETCH_MAX, 0);
        return;
    }
    /* While a launch runs, bootstrap rings wait (page tables must not
     * change under it), and so does a channel with a launch of its own in
     * flight or kept for later; gv_dev_engine_poll() resumes them.  A
     * channel that has failed a group stops there until CLEAR_ERR
     * (stopped()), so the work queued behind a failure does not run as if
     * it had succeeded. */
    while (ch->get != ch->put && ch->type != GV_CHAN_TYPE_FREE &&
           !ch->launch_wait && !ch->stash && !stopped(ch) &&
           !(ch->type == GV_CHAN_TYPE_BOOTSTRAP && gv_engine_busy(dev))) {
        struct gv_gpfifo_entry e;
        uint32_t idx = ch->get;
        int err = dma_read(dev, GV_RULE_RING_ENTRY_FETCH, chid,
                           ch->ring_base + (uint64_t)idx * sizeof(e), &e,
                           sizeof(e));

        dev->launch_started = false;
        if (err == GV_ERR_NONE) {
            err = run_entry(dev, chid, &e, idx, buf);
        }
        if (ch->stash) {
            return;                     /* runs when the engine is free */
        }
        if (dev->launch_started) {
            /* GET moves past this entry when the launch ends. */
            launch_started(dev, chid, e.flags);
            if (dev->ops && dev->ops->engine_done) {
                return;
            }
            gv_engine_finish(dev, chid, true);
            continue;
        }
        ch->get = (idx + 1) % ch->ring_entries;
        if (err != GV_ERR_NONE) {
            gv_group_failed(dev, chid, err, dev->cur_pos);
        } else if (e.flags & GV_GPFIFO_IRQ) {
            gv_irq_raise(dev, GV_INTR_CHANNEL);
        }
    }
}

/* Run @chid's ring, its time counted as the command processor's. */
static void process_ring(struct gv_dev *dev, unsigned chid)
{
    uint64_t t0 = gv_prof_begin(dev, GV_PROF_BUSY);

    run_ring(dev, chid);
    gv_prof_end(dev, GV_PROF_BUSY, t0);
}

/* Run channel @chid's kept group (the engine is free): it starts its
 * launch, or fails, and the ring moves on as for any entry. */
static void run_stash(struct gv_dev *dev, unsigned chid)
{
    struct gv_chan *ch = &dev->chan[chid];
    uint8_t *cmds = ch->stash;
    uint32_t idx = ch->get;
    int err;

    ch->stash = NULL;
    dev->launch_started = false;
    err = gv_exec_group(dev, chid, cmds, ch->stash_len, idx);
    free(cmds);
    if (dev->launch_started) {
        launch_started(dev, chid, ch->stash_flags);
        return;
    }
    ch->get = (idx + 1) % ch->ring_entries;
    if (err != GV_ERR_NONE) {
        gv_group_failed(dev, chid, err, dev->cur_pos);
    } else if (ch->stash_flags & GV_GPFIFO_IRQ) {
        gv_irq_raise(dev, GV_INTR_CHANNEL);
    }
}

/* Does @ch have ring entries to run? */
static bool has_work(const struct gv_chan *ch)
{
    return ch->type != GV_CHAN_TYPE_FREE && ch->ring_entries &&
           ch->get != ch->put;
}

void gv_channels_poll(struct gv_dev *dev)
{
    if (!gv_engine_finish(dev, NO_CHAN, false)) {
        return;
    }
    /* The engine idle: the bootstrap rings that waited for it first, then
     * the launches kept meanwhile (in channel order), then every ring
     * with work (process_ring() holds back what must still wait). */
    if (!gv_engine_busy(dev)) {
        for (unsigned k = 0; k < GV_MAX_CHANNELS; k++) {
            if (dev->chan[k].type == GV_CHAN_TYPE_BOOTSTRAP &&
                has_work(&dev->chan[k])) {
                process_ring(dev, k);
            }
        }
        for (unsigned k = 0; k < GV_MAX_CHANNELS; k++) {
            if (dev->chan[k].stash) {
                run_stash(dev, k);
            }
        }
    }
    for (unsigned k = 0; k < GV_MAX_CHANNELS; k++) {
        if (has_work(&dev->chan[k])) {
            process_ring(dev, k);
        }
    }
}

void gv_dev_engine_poll(struct gv_dev *dev)
{
    if (dev->busy) {
        dev->poll_pending = true;       /* gv_leave() runs it */
        return;
    }
    dev->busy = true;
    gv_channels_poll(dev);
    gv_leave(dev);
}

/* ---- the channel control area ---- */

uint32_t gv_chan_reg_read(struct gv_dev *dev, unsigned chid, unsigned reg)
{
    struct gv_chan *ch = &dev->chan[chid];
    uint64_t counter = 0;

    if (ch->type == GV_CHAN_TYPE_SECURE) {
        counter = dev->chsec[chid].cmd_counter;
    }
    switch (reg) {
    case GV_CHAN_DESC_LO:
        return (uint32_t)ch->desc_addr;
    case GV_CHAN_DESC_HI:
        return (uint32_t)(ch->desc_addr >> 32);
    case GV_CHAN_RING_LO:
        return (uint32_t)ch->ring_base;
    case GV_CHAN_RING_HI:
        return (uint32_t)(ch->ring_base >> 32);
    case GV_CHAN_RING_ENTRIES:
        return ch->ring_entries;
    case GV_CHAN_PUT:
        return ch->put;
    case GV_CHAN_GET:
        return ch->get;
    case GV_CHAN_STATUS:
        return ch->type | (ch->error ? GV_CHAN_STATUS_ERROR : 0) |
               (ch->stopped ? GV_CHAN_STATUS_STOPPED : 0);
    case GV_CHAN_COUNTER_LO:
        return (uint32_t)counter;
    case GV_CHAN_COUNTER_HI:
        return (uint32_t)(counter >> 32);
    case GV_CHAN_HOSTWIN_LO:
        return (uint32_t)ch->hostwin_base;
    case GV_CHAN_HOSTWIN_HI:
        return (uint32_t)(ch->hostwin_base >> 32);
    case GV_CHAN_HOSTWIN_SIZE:
        return ch->hostwin_size;
    case GV_CHAN_CTRL:
        return 0;
    default:
        dev->bad_access_count++;
        gv_refuse(dev, GV_RULE_MMIO_CHAN_UNKNOWN_READ, chid, reg, 4);
        gv_guest_error(dev, "graviton-gpu: read of unknown channel "
                       "register %u.0x%x", chid, reg);
        return GV_REG_INVALID_READ;
    }
}

static void bootstrap_create(struct gv_dev *dev, unsigned chid, uint64_t addr)
{
    struct gv_chan *ch = &dev->chan[chid];

    if (!dev->locked) {
        gv_report_refusal(dev, GV_RULE_BOOT_NOT_LOCKED, chid, 0, addr, 0);
        return;
    }
    /* A bootstrap channel is recognised by a descriptor in the
     * unprotected region. */
    if (addr % GV_PAGE_SIZE ||
        gv_region_of(dev, addr, GV_DESC_BYTES) != GV_REGION_UNPROT) {
        gv_report_refusal(dev, GV_RULE_BOOT_DESC_ADDRESS, chid, 0, addr,
                          dev->unprot_size);
        return;
    }
    memset(ch, 0, sizeof(*ch));
    ch->type = GV_CHAN_TYPE_BOOTSTRAP;
    ch->desc_addr = addr;
}

/*
 * Work the channel holds back: a LAUNCH running on the compute engine (the
 * entry at GET), or a launching group kept until the engine is free.  Both
 * finish against the channel's ring (GET moves on) and, for a kept group,
 * its host window, so neither may be reprogrammed meanwhile, whatever PUT
 * says: the driver can write PUT = GET at any time.
 */
static bool holds_work(const struct gv_chan *ch)
{
    return ch->launch_wait || ch->stash;
}

/* May the ring or the host window be reprogrammed?  Refuses (and reports)
 * if not: BAD_CHANNEL on a free slot or with entries still to run,
 * CHANNEL_BUSY while the channel holds work back. */
static bool reprogram_ok(struct gv_dev *dev, unsigned chid)
{
    struct gv_chan *ch = &dev->chan[chid];

    if (ch->type == GV_CHAN_TYPE_FREE) {
        gv_report_refusal(dev, GV_RULE_CHREG_FREE_SLOT, chid, 0, 0, 0);
        return false;
    }
    if (ch->get != ch->put) {
        gv_report_refusal(dev, GV_RULE_CHREG_NOT_IDLE, chid, 0, ch->get,
                          ch->put);
        return false;
    }
    if (holds_work(ch)) {
        gv_guest_error(dev, "graviton-gpu: channel %u: ring or host window "
                       "reprogrammed while a launch is held", chid);
        gv_report_refusal(dev, GV_RULE_CHREG_HOLDS_WORK, chid, ch->get << 16,
                          ch->launch_wait, ch->stash != NULL);
        return false;
    }
    return true;
}

void gv_chan_reg_write(struct gv_dev *dev, unsigned chid, unsigned reg,
                       uint32_t val)
{
    struct gv_chan *ch = &dev->chan[chid];

    switch (reg) {
    case GV_CHAN_DESC_LO:
        ch->desc_lo_latch = val;
        return;
    case GV_CHAN_DESC_HI:
        /* The high half commits the address written to DESC_LO. */
        if (ch->type != GV_CHAN_TYPE_FREE) {
            gv_report_refusal(dev, GV_RULE_BOOT_SLOT_BUSY, chid, 0, ch->type,
                              0);
            return;
        }
        bootstrap_create(dev, chid,
                         (uint64_t)val << 32 | ch->desc_lo_latch);
        return;
    case GV_CHAN_RING_LO:
    case GV_CHAN_RING_HI:
    case GV_CHAN_RING_ENTRIES:
        if (!reprogram_ok(dev, chid)) {
            return;
        }
        if (reg == GV_CHAN_RING_LO) {
            ch->ring_base = (ch->ring_base & ~0xffffffffull) | val;
        } else if (reg == GV_CHAN_RING_HI) {
            ch->ring_base = (ch->ring_base & 0xffffffffull) |
                            (uint64_t)val << 32;
        } else if (val == 0 || val > GV_RING_MAX_ENTRIES || (val & (val - 1))) {
            gv_report_refusal(dev, GV_RULE_CHREG_RING_ENTRIES, chid, 0, val,
                              GV_RING_MAX_ENTRIES);
        } else {
            ch->ring_entries = val;
            ch->put = ch->get = 0;
        }
        return;
    case GV_CHAN_HOSTWIN_LO:
    case GV_CHAN_HOSTWIN_HI:
    case GV_CHAN_HOSTWIN_SIZE:
        if (!reprogram_ok(dev, chid)) {
            return;
        }
        if (reg == GV_CHAN_HOSTWIN_LO) {
            ch->hostwin_base = (ch->hostwin_base & ~0xffffffffull) | val;
        } else if (reg == GV_CHAN_HOSTWIN_HI) {
            ch->hostwin_base = (ch->hostwin_base & 0xffffffffull) |
                               (uint64_t)val << 32;
        } else {
            ch->hostwin_size = val;
        }
        return;
    case GV_CHAN_PUT:
        if (ch->type == GV_CHAN_TYPE_FREE) {
            gv_report_refusal(dev, GV_RULE_CHREG_PUT_FREE_SLOT, chid, 0, val,
                              0);
            return;
        }
        if (val >= ch->ring_entries) {
            gv_report_refusal(dev, GV_RULE_CHREG_PUT_RANGE, chid, 0, val,
                              ch->ring_entries);
            return;
        }
        ch->put = val;
        if (dev->prof.armed) {
            dev->prof.doorbell_ns = gv_now_ns();
            dev->prof.armed = false;
        }
        process_ring(dev, chid);
        return;
    case GV_CHAN_CTRL:
        if (val == GV_CHAN_CTRL_RELEASE && ch->type == GV_CHAN_TYPE_BOOTSTRAP) {
            memset(ch, 0, sizeof(*ch));
        } else if (val == GV_CHAN_CTRL_CLEAR_ERR) {
            /* acknowledged: the work queued behind the failure runs */
            ch->error = false;
            ch->stopped = false;
            if (ch->type != GV_CHAN_TYPE_FREE && ch->ring_entries &&
                ch->get != ch->put) {
                process_ring(dev, chid);
            }
        } else {
            gv_report_refusal(dev, GV_RULE_CHREG_CTRL, chid, 0, val, ch->type);
        }
        return;
    default:
        dev->bad_access_count++;
        gv_refuse(dev, GV_RULE_MMIO_CHAN_UNKNOWN_WRITE, chid, reg, val);
        gv_guest_error(dev, "graviton-gpu: write to read-only or unknown "
                       "channel register %u.0x%x", chid, reg);
        return;
    }
}
