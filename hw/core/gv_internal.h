/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton GPU device core: private state shared by the core's files. */
#ifndef GV_INTERNAL_H
#define GV_INTERNAL_H

#include "gv_core.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "graviton/gv_rules.h"

struct gvc_aead;
struct gvc_gcm_split;
struct gvc_key;

/* ---- PMM: one 64-bit entry per 4 KiB page of the protected region ---- */
/*
 *  bits  0..7   owner: the context (index into the context table) whose
 *               channels map the page; the design's owner_id
 *  bit   8      state: 0 FREE, 1 MAPPED
 *  bit   9      lock:  0 UNLOCKED, 1 LOCKED
 *  bit   10     big:   mapped as part of a 128 KiB page
 *  bits 11..13  type:  what the page holds (GV_PT_*)
 *  bit   14     head:  first page of a page table
 *  bits 16..23  refcnt
 *  bits 24..36  pgd_index of the table mapping the page
 *  bits 40..55  pgt_entrycnt (first page of a page table only)
 */
#define PMM_OWNER_SHIFT   0
#define PMM_MAPPED        (1ull << 8)
#define PMM_LOCKED        (1ull << 9)
#define PMM_BIG           (1ull << 10)
#define PMM_TYPE_SHIFT    11
#define PMM_HEAD          (1ull << 14)
#define PMM_REF_SHIFT     16
#define PMM_PGDI_SHIFT    24
#define PMM_CNT_SHIFT     40

enum gv_page_type {
    GV_PT_DATA = 0,
    GV_PT_DESC = 1,
    GV_PT_PGD = 2,
    GV_PT_PGT_SMALL = 3,
    GV_PT_PGT_BIG = 4,
};

static inline unsigned pmm_owner(uint64_t e) { return e & 0xff; }
static inline bool pmm_mapped(uint64_t e) { return e & PMM_MAPPED; }
static inline bool pmm_locked(uint64_t e) { return e & PMM_LOCKED; }
static inline bool pmm_big(uint64_t e) { return e & PMM_BIG; }
static inline unsigned pmm_type(uint64_t e)
{
    return (e >> PMM_TYPE_SHIFT) & 7;
}
static inline unsigned pmm_refcnt(uint64_t e)
{
    return (e >> PMM_REF_SHIFT) & 0xff;
}
static inline unsigned pmm_pgd_index(uint64_t e)
{
    return (e >> PMM_PGDI_SHIFT) & 0x1fff;
}
static inline unsigned pmm_entrycnt(uint64_t e)
{
    return (e >> PMM_CNT_SHIFT) & 0xffff;
}
static inline uint64_t pmm_make(unsigned owner, bool locked, bool big,
                                unsigned type, unsigned refcnt,
                                unsigned pgd_index)
{
    return (uint64_t)owner | PMM_MAPPED | (locked ? PMM_LOCKED : 0) |
           (big ? PMM_BIG : 0) | (uint64_t)type << PMM_TYPE_SHIFT |
           (uint64_t)refcnt << PMM_REF_SHIFT |
           (uint64_t)pgd_index << PMM_PGDI_SHIFT;
}
static inline uint64_t pmm_set_refcnt(uint64_t e, unsigned refcnt)
{
    return (e & ~(0xffull << PMM_REF_SHIFT)) |
           (uint64_t)refcnt << PMM_REF_SHIFT;
}
static inline uint64_t pmm_set_entrycnt(uint64_t e, unsigned cnt)
{
    return (e & ~(0xffffull << PMM_CNT_SHIFT)) |
           (uint64_t)cnt << PMM_CNT_SHIFT;
}
#define PMM_MAX_REFCNT 0xff

/* ---- secrets, kept in hidden memory ---- */

/* A context: the channels created with one UK_pub (secure), or a normal
 * channel and those created to share it. */
struct gv_ctx {
    uint32_t in_use;
    uint32_t secure;
    uint32_t nchannels;
    uint32_t pad;
    uint8_t uk_hash[GV_HASH_LEN];
    uint8_t cek[GV_CEK_LEN];
};

/* Per-channel secrets and counters of a secure channel (gv_keys.h). */
struct gv_chan_secret {
    uint64_t cmd_counter;       /* next expected command-group counter */
    uint64_t auth_counter;      /* next expected unmap/destroy MAC counter */
    uint64_t report_counter;    /* next summary/measurement counter */
    uint64_t incarnation;       /* this creation of the channel */
    uint8_t meas_key[32];       /* K_meas: CH_MEASURE's HMAC key */
    uint8_t copy_key[32];       /* K_copy: the copy engine's crypto mode */
    uint32_t has_copy_key;
    uint32_t pad;
};

/* ---- channels (control state; nothing secret) ---- */
struct gv_chan {
    unsigned type;              /* GV_CHAN_TYPE_* */
    bool error;                 /* STATUS.ERROR: something failed */
    bool stopped;               /* a group failed: the ring waits */
    /* Groups that passed the header and (secure channels) authentication
     * checks and went on to run: what the fuzzers' oracles count (a
     * secure channel runs only groups its runtime sealed, once each). */
    uint64_t groups_accepted;
    /* Unmap/destroy MACs accepted (each MAC of the runtime once). */
    uint64_t auths_accepted;
    unsigned ctx;               /* index into the context table */
    uint64_t desc_addr;
    uint64_t pgd_addr;
    uint32_t desc_lo_latch;
    uint64_t ring_base;
    uint32_t ring_entries;
    uint32_t put, get;
    uint64_t hostwin_base;      /* copy engine's window onto guest memory */
    uint32_t hostwin_size;
    struct gvc_aead *aead;      /* the key schedule of K_chan (gv_keys.h) */
    /* K_copy's key schedules (AES-GCM, AES-CTR, GHASH's key), made at the
     * channel's first crypto copy under its key and reused by the next;
     * wiped (gv_copy_forget()) when the key changes or the channel goes. */
    struct gvc_gcm_split *copy;
    bool launch_wait;           /* the entry at GET holds a running LAUNCH */
    bool launch_entry_irq;      /* ... with GV_GPFIFO_IRQ */
    /* A group that launches, fetched (and authenticated) while the engine
     * was busy: it runs, from here, when the engine is free. */
    uint8_t *stash;
    uint32_t stash_len, stash_flags;
};

/* ---- TLB: direct-mapped, per channel, flushed by generation ---- */
#define GV_TLB_ENTRIES 64
struct gv_tlb_entry {
    uint64_t vpage;             /* va >> 12 */
    uint64_t ppage_flags;       /* device-physical 4 KiB page | PTE flags */
    uint64_t gen;
};

struct gv_dev {
    struct gv_config cfg;
    const struct gv_host_ops *ops;
    void *opaque;

    uint8_t *vram;              /* cfg.vram_size bytes, anonymous mapping */
    uint64_t aperture_size;

    /* BAR0 register state */
    uint32_t scratch;
    uint32_t intr_status;
    uint32_t intr_mask;
    uint32_t intr_count;
    uint32_t bad_access_count;
    uint32_t prot_access_count;
    bool irq_level;
    uint32_t error_code, error_chid, error_pos, error_count;
    uint32_t error_rule;        /* ERROR_RULE: the rule of error_code */

    /* named refusals (gv_rules.c) */
    uint64_t rule_hits[GV_RULE__COUNT];
    uint64_t rule_hits_total;
    unsigned pending_rule;      /* the last refusal, for the next report */
    uint32_t dbg_sel;           /* GV_REG_DBG_RULE_SEL */
    uint32_t dbg_hits_hi;       /* HITS_HI latched by a HITS_LO read */
    char dbg_why[GV_DBG_WHY_LEN];

    /* regions */
    uint64_t unprot_size;       /* also the protected region's base */
    uint64_t prot_size;
    bool locked;
    uint64_t hidden_base;
    uint64_t hidden_used;
    uint64_t prot_pages;

    /* in hidden memory once locked */
    uint64_t *pmm;
    struct gv_ctx *ctx;                 /* GV_MAX_CHANNELS contexts */
    struct gv_chan_secret *chsec;       /* GV_MAX_CHANNELS */

    struct gv_chan chan[GV_MAX_CHANNELS];
    struct gv_tlb_entry tlb[GV_MAX_CHANNELS][GV_TLB_ENTRIES];
    uint64_t tlb_gen;
    /* The last channel incarnation handed out: every CH_CREATE takes the
     * next, so no two creations share one (kept across resets). */
    uint64_t incarnation;

    /* attestation */
    struct gvc_key *ek;
    struct gvc_key *ak;
    uint8_t ak_pub[GV_EC_PUB_LEN];
    uint8_t ak_sig[GV_EC_SIG_LEN];
    uint8_t ek_pub[GV_EC_PUB_LEN];
    uint32_t attest_status;

    /* position of the command being executed, for error reports */
    uint32_t cur_pos;
    uint8_t *fetch_buf;         /* a command group being run */
    uint8_t *copy_buf;          /* the copy engine's staging buffer */
    uint64_t copy_buf_size;

    /* the compute engine (gv_compute.c, its scheduler gv_sched.c) */
    struct gv_engine *eng;
#define GV_MODCACHE 8
    struct gv_kmodule *modcache[GV_MODCACHE];   /* decoded (gv_compute.c) */
    unsigned modcache_next;
    unsigned compute_sms;
    bool compute_solo;          /* no gangs (gv_config) */
    bool compute_plain;         /* no fast paths (gv_config) */
    bool compute_jit;           /* the compiled tier (gv_config) */
    uint32_t compute_jit_after;
    bool launch_started;        /* set by a LAUNCH just accepted */
    uint64_t compute_lane_insns;
    uint64_t compute_jit_insns;     /* of them, run compiled */

    /* the device-time model (gv_devtime.c): NULL when off */
    const struct gv_devtime_profile *tp;
    uint64_t devtime_ns;
    uint32_t devtime_hi;        /* DEVTIME_HI latched by a DEVTIME_LO read */

    /* The command processor's host-time profile (GV_REG_PROF_*, the
     * paper's Table 1 split): nanoseconds spent in processing rings,
     * clearing memory and cryptography, and when the last doorbell (the
     * first after a NOW read) and interrupt happened. */
    struct gv_prof {
        uint64_t acc[GV_PROF_CRYPTO + 1];
        unsigned depth[GV_PROF_CRYPTO + 1];
        uint64_t doorbell_ns, irq_ns;
        bool armed;             /* the next doorbell's time is kept */
        uint32_t sel, hi;       /* PROF_SEL; PROF_HI latched by PROF_LO */
    } prof;

    /* Re-entrancy guard (attack 20, gv_core.c): set while the device
     * handles a register or aperture access, a reset or an engine poll.
     * What arrives meanwhile came from the device itself (DMA or an MSI
     * aimed at its own BARs): accesses are refused, a reset or a poll is
     * deferred until the outer call ends. */
    bool busy;
    bool reset_pending, poll_pending;
};

#if defined(__GNUC__)
#define GV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GV_PRINTF(a, b)
#endif

#define GV_FW_VERSION 0x00010000u

/* gv_core.c */
void gv_guest_error(struct gv_dev *dev, const char *fmt, ...) GV_PRINTF(2, 3);
void gv_irq_update(struct gv_dev *dev);
void gv_irq_raise(struct gv_dev *dev, uint32_t bits);
/* Record a failed command in the error registers and interrupt. */
void gv_report_error(struct gv_dev *dev, unsigned code, unsigned chid,
                     uint32_t pos);
/* The same for a failed group of channel @chid: a work channel stops
 * (gv_channel.c, stopped()). */
void gv_group_failed(struct gv_dev *dev, unsigned chid, unsigned err,
                     uint32_t pos);
/* Enter the device from outside (an access, a reset, a poll): false, with
 * the access refused, counted and logged, if the device is busy already.
 * gv_leave() ends it and runs what was deferred meanwhile. */
bool gv_enter(struct gv_dev *dev, const char *what, uint64_t off,
              unsigned size);
void gv_leave(struct gv_dev *dev);

/* gv_rules.c: a check refused something.  Counts rule @rule, tells the
 * host (the refused() hook) with the failing values @a, @b and keeps the
 * rule for the next gv_report_error(); returns the rule's GV_ERR_* code,
 * so a check reads "return gv_refuse(dev, GV_RULE_X, chid, a, b);". */
#define NO_CHAN GV_MAX_CHANNELS  /* a refusal on no channel */
int gv_refuse(struct gv_dev *dev, unsigned rule, unsigned chid, uint64_t a,
              uint64_t b);
/* gv_refuse() and gv_report_error() of its code at once. */
void gv_report_refusal(struct gv_dev *dev, unsigned rule, unsigned chid,
                       uint32_t pos, uint64_t a, uint64_t b);
/* The rule kept by the last gv_refuse() if it reports @code, else
 * GV_RULE_NONE; forgets it. */
unsigned gv_take_rule(struct gv_dev *dev, unsigned code);
/* The debug block (GV_REG_DBG_*): reads; a write returns false if it is
 * refused (debug off, or not a writable register). */
uint32_t gv_dbg_reg_read(struct gv_dev *dev, uint64_t off);
bool gv_dbg_reg_write(struct gv_dev *dev, uint64_t off, uint32_t val);

/* The command processor's profile (struct gv_prof): the host's monotonic
 * clock (gv_simt.c), and a begin/end pair that adds the time between them to
 * counter @k (GV_PROF_BUSY, _INIT, _CRYPTO); nested pairs of one counter
 * count once.  Only the command processor's thread calls them. */
uint64_t gv_now_ns(void);
static inline uint64_t gv_prof_begin(struct gv_dev *dev, unsigned k)
{
    return dev->prof.depth[k]++ ? 0 : gv_now_ns();
}
static inline void gv_prof_end(struct gv_dev *dev, unsigned k, uint64_t t0)
{
    if (--dev->prof.depth[k] == 0) {
        dev->prof.acc[k] += gv_now_ns() - t0;
    }
}
uint32_t gv_prof_reg_read(struct gv_dev *dev, uint64_t off);

/* gv_regions.c */
enum gv_region { GV_REGION_UNPROT, GV_REGION_PROT, GV_REGION_HIDDEN,
                 GV_REGION_NONE };
/* Which region [addr, addr + len) lies entirely in (GV_REGION_NONE if it
 * straddles or leaves device memory, or regions are not locked). */
enum gv_region gv_region_of(const struct gv_dev *dev, uint64_t addr,
                            uint64_t len);
uint64_t gv_hidden_needed(uint64_t prot_size);
int gv_regions_lock(struct gv_dev *dev);
void gv_regions_reset(struct gv_dev *dev);
/* Zero [addr, addr + len) of device memory (page-aligned runs are handed
 * back to the host kernel). */
void gv_scrub(struct gv_dev *dev, uint64_t addr, uint64_t len);
static inline uint64_t *gv_pmm_entry(struct gv_dev *dev, uint64_t pa)
{
    return &dev->pmm[(pa - dev->unprot_size) >> GV_PAGE_SHIFT];
}

/* gv_mmu.c */
void gv_tlb_flush(struct gv_dev *dev);
/* Translate @va of channel @chid for an engine access of @len bytes
 * (within one page); returns 0 and the device-physical address, or
 * GV_ERR_FAULT. */
int gv_translate(struct gv_dev *dev, unsigned chid, uint64_t va,
                 bool write, uint64_t *pa);
/* Why an engine access to @va of channel @chid faults (GV_MMU_OK: it
 * does not), without the TLB; for the compute engine's threads too. */
enum { GV_MMU_OK, GV_MMU_VA_RANGE, GV_MMU_UNMAPPED, GV_MMU_NOT_OWNED,
       GV_MMU_READ_ONLY };
unsigned gv_mmu_classify(struct gv_dev *dev, unsigned chid, uint64_t va,
                         bool write);
/* Copy to/from a channel's virtual memory (engine accesses). */
int gv_vm_read(struct gv_dev *dev, unsigned chid, uint64_t va, void *buf,
               uint64_t len);
int gv_vm_write(struct gv_dev *dev, unsigned chid, uint64_t va,
                const void *buf, uint64_t len);
static inline uint64_t gv_pde_get(struct gv_dev *dev, unsigned chid,
                                  unsigned pgd_index, bool big)
{
    uint64_t v;

    memcpy(&v, dev->vram + dev->chan[chid].pgd_addr + pgd_index * 16 +
               (big ? 8 : 0), 8);
    return v;
}
static inline uint64_t *gv_pte_ptr(struct gv_dev *dev, uint64_t table,
                                   unsigned index)
{
    return (uint64_t *)(dev->vram + table) + index;
}

/* gv_channel.c */
uint32_t gv_chan_reg_read(struct gv_dev *dev, unsigned chid, unsigned reg);
void gv_chan_reg_write(struct gv_dev *dev, unsigned chid, unsigned reg,
                       uint32_t val);
void gv_channels_reset(struct gv_dev *dev);
/* gv_dev_engine_poll()'s work, the device already entered (gv_enter). */
void gv_channels_poll(struct gv_dev *dev);
void gv_channels_free(struct gv_dev *dev);
/* Run a command group (already fetched and authenticated) on @chid;
 * returns GV_ERR_NONE or the first failing command's error. */
int gv_exec_group(struct gv_dev *dev, unsigned chid, const uint8_t *cmds,
                  uint32_t len, uint32_t ring_index);
/* Result writes go to guest memory through the host's DMA. */
int gv_dma_write(struct gv_dev *dev, unsigned rule, unsigned chid,
                 uint64_t addr, const void *buf, uint64_t len);
void gv_iv(uint8_t iv[12], uint32_t domain, uint64_t counter);

/* gv_copy.c: the copy engine */
int gv_exec_copy(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                 uint32_t size);
/* Wipe and free channel @chid's copy key schedules (gv_chan.copy). */
void gv_copy_forget(struct gv_dev *dev, unsigned chid);
int gv_exec_set_copy_key(struct gv_dev *dev, unsigned chid,
                         const uint8_t *cmd, uint32_t size);

/* gv_sched.c: the compute engine's SMs and its scheduler */
int gv_engine_init(struct gv_dev *dev, unsigned nsm, const char **err);
void gv_engine_free(struct gv_dev *dev);
/* Stop every launch (reset), forget decoded modules. */
void gv_engine_abort(struct gv_dev *dev);
/* Is a launch running (or ended, not yet finished by the device)? */
bool gv_engine_busy(struct gv_dev *dev);
/* Finish the launches that have ended (of channel @chid; NO_CHAN: any;
 * @wait: wait until @chid's has ended): fences, interrupts, rings.
 * Returns false if none had. */
bool gv_engine_finish(struct gv_dev *dev, unsigned chid, bool wait);
/* gv_compute.c: the LAUNCH command */
int gv_exec_launch(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                   uint32_t size);

/* gv_mgmt.c: the CH_* commands; each returns GV_ERR_* */
int gv_ch_create(struct gv_dev *dev, const uint8_t *cmd, uint32_t size);
int gv_ch_pde(struct gv_dev *dev, const uint8_t *cmd, uint32_t size);
int gv_ch_pte(struct gv_dev *dev, const uint8_t *cmd, uint32_t size);
int gv_ch_destroy(struct gv_dev *dev, const uint8_t *cmd, uint32_t size);
int gv_ch_measure(struct gv_dev *dev, const uint8_t *cmd, uint32_t size);
void gv_ctx_release(struct gv_dev *dev, unsigned chid);

/* gv_attest.c */
int gv_attest_init(struct gv_dev *dev, const char **err);
void gv_attest_reset(struct gv_dev *dev);
void gv_attest_free(struct gv_dev *dev);
uint32_t gv_attest_reg_read(struct gv_dev *dev, uint64_t off);
/* Fill @q for a new secure channel: CEK wrapped under UK_pub, signed by
 * the AK.  GV_ERR_BAD_COMMAND if uk_pub is not a valid P-256 point. */
int gv_attest_quote(struct gv_dev *dev, unsigned chid, const uint8_t *uk_pub,
                    const uint8_t *nonce, const uint8_t *cek,
                    uint64_t incarnation, struct gv_quote *q);


#endif /* GV_INTERNAL_H */
