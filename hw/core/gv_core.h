/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: everything the device does, independent of QEMU.
 *
 * The core is plain C.  It sees the outside world only through struct
 * gv_host_ops (guest-memory DMA, the interrupt line, guest-error logging),
 * so it can be driven by the QEMU glue (hw/qemu/), by CUnit tests, fuzzers
 * and benchmarks in one process.  Nothing a guest can do makes it abort:
 * bad accesses are refused, counted and reported through guest_error().
 */
#ifndef GV_CORE_H
#define GV_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gv_dev;

struct gv_host_ops {
    /* Guest-physical DMA.  Return 0 on success, -1 if the range is not
     * (entirely) guest memory.  May be NULL when no DMA is needed. */
    int (*dma_read)(void *opaque, uint64_t addr, void *buf, uint64_t len);
    int (*dma_write)(void *opaque, uint64_t addr, const void *buf,
                     uint64_t len);
    /* The interrupt condition (status & mask != 0) changed to @level. */
    void (*set_irq)(void *opaque, bool level);
    /* A guest mistake, already formatted (no trailing newline). */
    void (*guest_error)(void *opaque, const char *msg);
    /* The regions were locked (@unprot_size > 0) or unlocked (0): a host
     * may then map [0, unprot_size) of device memory directly into the
     * aperture (gv_dev_vram()) instead of trapping every access.  May be
     * NULL. */
    void (*regions_changed)(void *opaque, uint64_t unprot_size);
    /* A launch has ended: call gv_dev_engine_poll() soon, on the thread
     * that makes the other calls.  Called from a compute-engine thread.
     * NULL: launches complete before the PUT write that started them
     * returns (tests, benchmarks). */
    void (*engine_done)(void *opaque);
    /* A check refused something: rule @rule (graviton/gv_rules.h) named
     * @name, reported to the guest as GV_ERR_* @err (GV_ERR_NONE: a
     * refused register or aperture access), on channel @chid
     * (GV_MAX_CHANNELS: none), with the values that failed, @a and @b
     * (docs/rules.md says which for each family).  Called on the thread
     * that calls the device; may be NULL.  QEMU turns it into a trace
     * event. */
    void (*refused)(void *opaque, unsigned rule, const char *name,
                    unsigned err, unsigned chid, uint64_t a, uint64_t b);
    /* A kernel function's regions were compiled (@ok: @regions of them,
     * @insns instructions) or could not be (@why; they stay interpreted),
     * docs/compute.md "Compiled regions".  Once per function, from a
     * compute-engine thread (the first SM to see the outcome); may be
     * NULL.  QEMU turns it into a trace event. */
    void (*jit)(void *opaque, bool ok, unsigned regions, unsigned insns,
                const char *why);
};

struct gv_config {
    uint64_t vram_size;         /* bytes, see GV_VRAM_{MIN,MAX,ALIGN} */
    /* PEM file with the endorsement key (P-256 private key) made by
     * tools/gv-provision; NULL: no EK, secure channels are refused. */
    const char *ek_path;
    /* Compute engine: worker threads (SMs), 0 = one per host CPU; and
     * the watchdog: a launch running longer is stopped (0 = never). */
    unsigned compute_sms;
    uint32_t launch_timeout_ms;
    /* Run a block's warps one at a time, never in gangs (the gangs'
     * differential tests; docs/compute.md). */
    bool compute_solo;
    /* Decode modules without the fast paths: every ALU instruction
     * through the exact per-lane evaluator, every load and store through
     * the per-lane path, no fused runs (the fast paths' differential
     * tests; docs/compute.md). */
    bool compute_plain;
    /* The compiled tier (docs/compute.md, "Compiled regions"): a
     * function's regions are compiled to host code once its gangs have
     * entered them @compute_jit_after times (0: at the first). */
    bool compute_jit;
    uint32_t compute_jit_after;
    /* The debug block of BAR0 (per-rule hit counters, the consistency
     * check; GV_REG_DBG_*): off, it reads 0 and refuses writes. */
    bool debug;
    /* The device-time model (docs/devtime.md): a profile name
     * ("titan-black", "h100") or NULL (off); @aes_engine: command groups
     * are decrypted by a hardware AES-GCM engine rather than in firmware. */
    const char *timing;
    bool aes_engine;
};

/* Create a device.  On failure returns NULL and, if @err is not NULL, a
 * static English message in *err. */
struct gv_dev *gv_dev_new(const struct gv_config *cfg,
                          const struct gv_host_ops *ops, void *opaque,
                          const char **err);
void gv_dev_free(struct gv_dev *dev);

/* Power-on / device reset: registers to their reset values, interrupts
 * cleared.  Called while the device is busy (below), the reset waits
 * until the device's current call ends. */
void gv_dev_reset(struct gv_dev *dev);

/* Is the device inside a call from its host (an access, a reset, an
 * engine poll)?  Then anything reaching it came from the device itself
 * (its DMA or interrupt routed back to it): the core refuses such
 * re-entrant accesses, and a host refuses its own re-entrant paths (PCI
 * configuration writes). */
bool gv_dev_busy(const struct gv_dev *dev);

/* BAR0.  @size is 1, 2, 4 or 8; registers are 32-bit and only naturally
 * aligned 32-bit accesses reach them (8-byte accesses are split in two);
 * anything else is refused and counted. */
uint64_t gv_mmio_read(struct gv_dev *dev, uint64_t off, unsigned size);
void gv_mmio_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                   unsigned size);

/* BAR2: the device-memory aperture.  @size is 1, 2, 4 or 8 and the access
 * must not cross the end of the aperture. */
uint64_t gv_aperture_read(struct gv_dev *dev, uint64_t off, unsigned size);
void gv_aperture_write(struct gv_dev *dev, uint64_t off, uint64_t val,
                       unsigned size);

uint64_t gv_dev_vram_size(const struct gv_dev *dev);

/* After engine_done(): finish the ended launch (fence, interrupts) and
 * run the rings that waited for it. */
void gv_dev_engine_poll(struct gv_dev *dev);
/* Lane-instructions the compute engine has executed (statistics). */
uint64_t gv_dev_compute_lane_insns(const struct gv_dev *dev);
/* Of them, those run by compiled regions (gv_config.compute_jit). */
uint64_t gv_dev_compute_jit_insns(const struct gv_dev *dev);
/* Compilations of the compiled tier running in the background (all
 * devices; tests wait for 0). */
unsigned gv_jit_busy(void);
/* The most launches that have run blocks at the same time, on different
 * SMs or sharing SMs (statistics; kept across resets). */
unsigned gv_dev_compute_max_concurrent(const struct gv_dev *dev);
/* Validate a GVX module image as LAUNCH does: 0, or -1 and why. */
int gv_compute_check_module(const uint8_t *img, uint32_t size, char *why,
                            size_t why_len);

/* English name of a GV_ERR_* code (for logs and tools). */
const char *gv_error_name(unsigned code);

/* The named refusals (graviton/gv_rules.h): how many there are, and each
 * one's name, GV_ERR_* code and description (NULL / GV_ERR_NONE beyond
 * the table). */
unsigned gv_rule_count(void);
const char *gv_rule_name(unsigned rule);
unsigned gv_rule_error(unsigned rule);
const char *gv_rule_desc(unsigned rule);
/* How often rule @rule has refused something since the device was made
 * or the counters were last reset (they survive device resets), the sum
 * over all rules, and the reset.  The rule of the last reported error is
 * GV_REG_ERROR_RULE's value. */
uint64_t gv_dev_rule_hits(const struct gv_dev *dev, unsigned rule);
uint64_t gv_dev_rule_hits_total(const struct gv_dev *dev);
void gv_dev_rule_hits_reset(struct gv_dev *dev);
unsigned gv_dev_error_rule(const struct gv_dev *dev);

/* Internal consistency check (tests and fuzzers call it after every
 * command): the PMM against every channel's page tables.  Returns 0, or
 * -1 with a description of the first inconsistency in @why. */
int gv_dev_check(struct gv_dev *dev, char *why, size_t why_len);
/* Only its TLB part, cheap enough for after every command: every live TLB
 * entry translates as the tables do (no stale translation, attack 19). */
int gv_dev_check_tlb(struct gv_dev *dev, char *why, size_t why_len);

/* Debug/test access to device memory by physical address, bypassing the
 * region rules.  Not reachable from a guest. */
void gv_debug_read(struct gv_dev *dev, uint64_t pa, void *buf, uint64_t len);
void gv_debug_write(struct gv_dev *dev, uint64_t pa, const void *buf,
                    uint64_t len);
/* The raw PMM entry of protected page @pa (0 if none). */
uint64_t gv_debug_pmm(struct gv_dev *dev, uint64_t pa);
/* The BAR2 size: vram_size rounded up to a power of two. */
uint64_t gv_dev_aperture_size(const struct gv_dev *dev);
/* Device memory, for a host that maps the unprotected region directly
 * (see regions_changed).  Nothing beyond the unprotected region may be
 * exposed to the guest. */
uint8_t *gv_dev_vram(struct gv_dev *dev);

#endif /* GV_CORE_H */
