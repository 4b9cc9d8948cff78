/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the host fuzz harnesses share (docs/fuzzing.md):
 *
 *  - a device bench (fuzz_bench.c): a device with a bootstrap, a normal
 *    and a secure channel, built once and restored from a snapshot before
 *    every input, so that no input sees another's effects;
 *  - rule coverage: the device's per-rule hit counters (gv_rules.h) are
 *    read after every input, fed to libFuzzer as extra counters (a second
 *    coverage signal) and summed over the run ("rules reached: N of M",
 *    printed at exit);
 *  - the replay program's main(): files, directories of files and seeded
 *    random inputs through the harness's LLVMFuzzerTestOneInput.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gv_testdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding: "fuzz: ", @prefix and the message on stderr, then abort()
 * (libFuzzer saves the input; the replay program stops on it).  The
 * harnesses' own finding functions are wrappers that name the oracle. */
void fz_vfail(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0), noreturn));

/* ---- the device bench (fuzz_bench.c) ---- */

struct fzb {
    struct td *td;
    struct gvrt_secure sec;     /* the runtime's side of channel 2 */
    uint64_t page1;             /* channel 1's 4 KiB page at VA 0 */
    uint64_t table1;            /* channel 1's small-page table */
    uint64_t page2;             /* channel 2's 128 KiB page at VA 0 */
    uint64_t table2;            /* channel 2's big-page table */
    uint64_t host1, host2;      /* host windows (guest-physical, 64 KiB) */
    /* The victim: secure channel 3, a context of its own whose runtime's
     * keys the harnesses never use, holding a secret (page3, a big page at
     * VA 0, filled with the 8 random bytes of canary).  fzb_end() checks
     * that the secret appears nowhere an attacker reads and is intact
     * while the victim lives. */
    struct gvrt_secure victim;
    uint64_t page3, table3;
    uint64_t victim_incarnation;
    uint8_t victim_uk_hash[32];     /* its context's, in the device */
    uint8_t canary[8];
    /* The MSI message the guest programmed into the device's MSI
     * capability (PCI configuration space: QEMU's, not the core's), which
     * the bench writes on the bus when the interrupt rises; 0: none
     * (INTx).  Cleared by every restore. */
    uint64_t msi_addr;
    uint32_t msi_data;
};
#define FZB_NORMAL_CHID 1
#define FZB_SECURE_CHID 2
#define FZB_VICTIM_CHID 3
/* A second channel of channel 2's context (same user key, so same CEK):
 * the context outlives channel 2's re-creation, as a runtime's streams
 * do, and only the incarnation tells the old channel from the new one. */
#define FZB_STREAM_CHID 5
#define FZB_HOSTWIN_SIZE (64u << 10)
/* Where harnesses put command groups in guest memory. */
#define FZB_GROUP_ADDR (TD_GUEST_BASE + (1ull << 20))
/* The device's own BAR0 as a bus address: the bench routes DMA there to
 * the device's registers, as a bus routes peer-to-peer DMA, and such an
 * access made while the device is busy must be refused (re-entry,
 * attack 20; a finding otherwise). */
#define FZB_BAR0_GPA 0xfe000000ull
#define FZB_BAR0_SIZE 0x10000u

extern struct fzb fzb;
/* Set by a harness that keeps every guest address the device may use in
 * the bench's places (group area, rings, host windows): any DMA elsewhere
 * then aborts (a copy that escaped its host window, attack 16). */
extern bool fzb_dma_confined;

/* Set by a harness before its first fzb_begin(): called on the new
 * bench, before the snapshot, to add the harness's own objects (so they
 * are restored with the rest; fuzz-engine: channel 2's small pages). */
extern void (*fzb_build_hook)(struct td *td);
/* Set by a harness for one input (fzb_begin() clears it): called on the
 * bytes of every DMA read the device makes from guest memory, which it may
 * change (a host that answers a second read of the same bytes with other
 * bytes: a double fetch, fuzz_engine.c). */
extern void (*fzb_dma_read_filter)(uint64_t addr, void *buf, uint64_t len);
/* Set by a harness once (it outlives inputs): called with every group
 * the device fetches from guest memory, right after the read (the DMA
 * read that follows the read of channel @chid's ring entry @idx, which
 * named it), or from VRAM (below); @g holds what the device read. */
extern void (*fzb_group_fetch_hook)(unsigned chid, uint32_t idx,
                                    const void *g, uint64_t len);

/* Before an input: the first call builds the device and snapshots it;
 * later ones restore the snapshot (GV_FUZZ_NO_SNAPSHOT=1: build a new
 * device for every input instead, as before the snapshot). */
void fzb_begin(void);
/* After an input: gv_dev_check() and the victim's secret (fzb_secret_
 * check()); a failure aborts (a finding); then the rule counters. */
void fzb_end(void);
/* The victim oracle: 0, or -1 and why: the victim's secret (any 8 bytes
 * of its page, at any alignment) in guest memory or in device memory
 * outside the victim's own page, or, while the victim's channel lives
 * (same incarnation), its VA 0 not mapping its page or the page changed.
 * A destroyed victim is denial of service, not a finding, but its secret
 * must be gone, but from pages its context still holds (a stream of it
 * the driver made keeps its table, and so its page, alive). */
int fzb_secret_check(char *why, size_t len);
/* Whether @w holds 8 bytes of the victim's secret (at any alignment). */
bool fzb_secret_word(uint64_t w);
/* What maps VA 0 of secure channel @chid (big pages), walking its tables
 * without the TLB; 0 if nothing does. */
uint64_t fzb_va0(struct gv_dev *d, unsigned chid);
/* Launches asynchronous (@on: they end when the harness polls, so a
 * channel holds its launch meanwhile), or synchronous again (@on false:
 * waits for a launch in flight and polls).  Off at every restore. */
void fzb_engine_async(bool on);
/* Write guest memory (the bench tracks what it must restore). */
void fzb_guest_write(uint64_t gpa, const void *buf, uint64_t len);
/* Put @g at FZB_GROUP_ADDR and an entry at the device's current PUT of
 * @chid's ring (wherever the input may have moved it), then ring. */
void fzb_ring_group(unsigned chid, const void *g, uint32_t len);
/* The same with the entry's @flags (GV_GPFIFO_*). */
void fzb_ring_group_flags(unsigned chid, const void *g, uint32_t len,
                          uint32_t flags);
/*
 * Groups in VRAM: while fzb_vram_groups is on, fzb_ring_group*() put the
 * group in the unprotected region of VRAM instead (FZB_VRAM_GROUP_ADDR,
 * a batch's in slots after it: FZB_VRAM_BATCH_ADDR; written through the
 * debug interface, as a driver writes it through the aperture)
 * with GV_GPFIFO_VRAM in its ring entry.  The core copies such a group
 * out of VRAM right after it reads the entry, with no DMA, so the bench
 * reports it when it sees that read (the entry well-formed and the range
 * unprotected, as the core's fetch() requires): to fzb_group_fetch_hook
 * and fzb_dma_read_filter, with fzb_fetch_vram on and the VRAM address.
 */
#define FZB_VRAM_GROUP_ADDR 0x3c0000ull     /* 4 MiB unprotected */
#define FZB_VRAM_GROUP_MAX 0x4000u
#define FZB_VRAM_BATCH_ADDR (FZB_VRAM_GROUP_ADDR + FZB_VRAM_GROUP_MAX)
extern bool fzb_vram_groups;
extern bool fzb_fetch_vram;
/*
 * Ring batches: several ring entries behind one doorbell.  Between
 * fzb_batch_begin() and fzb_batch_ring(), fzb_ring_group*() (and so
 * fzb_submit()) queue: the group goes to a slot of its own
 * (FZB_BATCH_ADDR), its entry to the channel's PUT as the bench has moved
 * it (the device's PUT at the channel's first entry), and no PUT is
 * written; fzb_batch_ring() writes each channel's PUT once, in the order
 * of its first entry, and ends the batch.  At most FZB_BATCH_MAX entries
 * (more go through at once, as before).
 */
#define FZB_BATCH_MAX 8
#define FZB_BATCH_SLOT 0x2100u
#define FZB_BATCH_ADDR (FZB_GROUP_ADDR + 0x10000)
struct fzb_queued {
    unsigned chid;
    uint32_t idx;               /* its ring entry */
    uint64_t gaddr;             /* its group (guest-physical, or VRAM), */
    uint32_t glen;              /* and length */
    bool vram;                  /* in unprotected VRAM (GV_GPFIFO_VRAM) */
};
void fzb_batch_begin(void);
bool fzb_batching(void);
unsigned fzb_batch_count(void);
const struct fzb_queued *fzb_batch_entry(unsigned k);
/* The PUT the doorbell of @chid will write. */
uint32_t fzb_batch_put(unsigned chid);
void fzb_batch_ring(void);
/* Call after a test-bench helper that writes guest memory itself. */
void fzb_guest_touched(void);
/* Submit @cmds in a plaintext group on @chid. */
void fzb_submit(unsigned chid, const void *cmds, uint32_t len);
/* Replay self-test: the state after a restore equals the snapshot
 * (device struct, device memory, guest memory); 0 or -1 and a message. */
int fzb_verify_restore(void);

/* fuzz-engine's mode 6 (fuzz_gen.c): a generated module, @n bytes of
 * its description at @p, run on the bench and on other devices. */
void fz_run_gen(const uint8_t *p, size_t n);

/* ---- rule coverage ---- */

/* Call around each input with the device (NULL: none). */
void fz_rules_begin(struct gv_dev *dev);
void fz_rules_end(struct gv_dev *dev);
/* Rules reached so far, and the summary printed at exit (from the first
 * fz_set_name() on). */
unsigned fz_rules_reached(void);
void fz_set_name(const char *name);
/* Names reached by a harness without a device (the runtime's checks):
 * counted into the same summary as "checks reached". */
void fz_note_check(const char *name);

/* ---- the custom mutators' randomness ---- */

/* xorshift32: the next of the custom mutators' reproducible numbers,
 * from libFuzzer's seed in *@s (not 0). */
static inline uint32_t fz_rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* ---- replay ---- */

/* Run argv's files and directories, "--random N SEED" (N random inputs
 * of up to @max_random bytes; GV_FUZZ_RUNS overrides N) and
 * "--check-snapshot" (fzb_verify_restore() after each input). */
int fz_replay_main(int argc, char **argv, size_t max_random);

#endif /* FUZZ_COMMON_H */
