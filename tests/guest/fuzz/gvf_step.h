/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz's steps and step files (docs/fuzzing.md), shared by the guest
 * fuzzer and the host's replay of its step files (tests/fuzz/gvfs_replay.c,
 * build/tests/fuzz/gvfs-replay): the layout, the parser, the group
 * mutations, the expected-fault oracle of a bounds probe and the
 * hand-assembled kernels every channel of the fuzzer carries.  Nothing
 * here needs the guest (no device access, no victim).
 */
#ifndef GVF_STEP_H
#define GVF_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gvf_modgen.h"

/*
 * One step: a 16-byte header, then @len bytes of data (little-endian, as
 * written to a step file; docs/fuzzing.md has the table):
 *
 *   kind  u8   GVF_K_*
 *   chan  u8   the fuzzer's channel slot (0..GVF_SLOTS-1), a victim
 *              stream, or an access size: by kind
 *   len   u16  bytes of data after the header (<= GVF_DATA_MAX)
 *   a     u32  by kind
 *   b     u64  by kind
 */
struct gvf_step {
    uint8_t kind;
    uint8_t chan;
    uint16_t len;
    uint32_t a;
    uint64_t b;
    uint8_t data[];
};

#define GVF_DATA_MAX    2048u
#define GVF_STEP_MAX    (sizeof(struct gvf_step) + GVF_DATA_MAX)
#define GVF_SLOTS       4u      /* the fuzzer's own channels per input */
#define GVF_KERNELS     9u      /* hand-assembled modules */
/* the ones random launches choose from: 0-5 and GVF_KERN_DIVERGE; 6 and
 * 7 fault by design (their script is x-calls; a mutated module_va
 * reaches them too) */
#define GVF_GEN_KERNELS 6u
#define GVF_KERN_DIVERGE 8u     /* divergent branch and CALL/RET */
#define GVF_KERN_SHARED 16u     /* their static shared memory (bytes) */

enum gvf_kind {
    GVF_K_MMIO_WR = 1,  /* chan: size 1/2/4/8; a: BAR0 offset; b: value */
    GVF_K_MMIO_RD,      /* chan: size; a: BAR0 offset */
    GVF_K_BOOT,         /* data: CH_* commands for the bootstrap channel;
                         * a: GVF_G_* group mutations; b: entry flags |
                         * entry address choice << 8 */
    GVF_K_ENGINE,       /* chan: slot; data: engine commands; a: counter
                         * delta (secure: sealed at next + (int32)a);
                         * b: bit to flip + 1 (0: none) | GVF_G_* << 32 */
    GVF_K_CHAN_NEW,     /* chan: slot; a: 0 normal, 1 secure, 2 stream of
                         * slot b, 3 raw flags in b >> 32 */
    GVF_K_CHAN_DEL,     /* chan: slot; a: 1 = re-create it at once on the
                         * same chid (a new incarnation) */
    GVF_K_VICTIM,       /* chan: victim stream; a: GVV_RUN or GVV_SEAL;
                         * b: record slot: the group is kept */
    GVF_K_INJECT,       /* a: record slot; chan: target: < GVF_SLOTS the
                         * fuzzer's slot, else victim stream chan - 4;
                         * b: bit to flip + 1 (0: none) | trim << 32 */
    GVF_K_RECORD_OWN,   /* chan: slot; b: record slot: the slot's last
                         * group (sealed) is kept for later replay */
    GVF_K_RESET,        /* a device reset (the world is rebuilt); before
                         * the driver is back: region sizes from b (U in
                         * 128 KiB units: bits 0-15, P: 16-31, + 4 KiB if
                         * bit 40), the lock if a & 1 */
    GVF_K_BAR2,         /* chan: size 1/2/8 | 0x80 write; b: BAR2 offset;
                         * a: value */
    GVF_K_GENMOD,       /* chan: slot; b: seed; a: generator options
                         * (GVF_MG_*, bits 0-7) | grid - 1 (bit 8) |
                         * block - 1 (bits 16-21): a generated module
                         * (gvf_modgen.h) launched on the slot's channel */
    GVF_K__COUNT
};

/* group mutations (GVF_K_BOOT a, GVF_K_ENGINE b >> 32) */
#define GVF_G_MAGIC     (1u << 0)       /* header magic changed */
#define GVF_G_FLAGS     (1u << 1)       /* header flags toggled */
#define GVF_G_LEN_UP    (1u << 2)       /* payload_len + 8 */
#define GVF_G_LEN_DOWN  (1u << 3)       /* payload_len - 8 */
#define GVF_G_RESERVED  (1u << 4)       /* reserved field set */
#define GVF_G_ENTRY_LEN (1u << 5)       /* ring entry length off by 8 */

/* A sequence of steps: packed in @buf, each padded to 8 bytes. */
struct gvf_input {
    uint32_t nsteps, size;
    uint8_t *buf;
};

/* Where each slot's channel puts things (its VAs) */
#define GVF_VA_UNPROT   0x10000ull              /* 16 unprotected pages */
#define GVF_VA_PROT     0x100000ull             /* 4 protected pages */
#define GVF_VA_BIG      (1ull << 30)            /* PDE 1: big pages */
#define GVF_UNPROT_PAGES 16u
#define GVF_PROT_PAGES  4u
/* In the unprotected pages: kernels 0-7 a page each, kernel 8 in the
 * second half of kernel 7's (gvf_world_up checks that 7 fits before) */
#define GVF_KERN_OFF(k) ((k) < 8 ? (uint64_t)(k) * 4096u : 7 * 4096u + 2048u)

/* A GVF_K_GENMOD step's places in the slot's unprotected pages (offsets
 * from GVF_VA_UNPROT): the module, its output slots, input table and
 * atomics' words */
#define GVF_GEN_MOD     (8 * 4096u)
#define GVF_GEN_OUT     (11 * 4096u)
#define GVF_GEN_IN      (14 * 4096u)
#define GVF_GEN_ATOM    (15 * 4096u)
#define GVF_GEN_CMD_MAX 256u    /* its LAUNCH command's bytes at most */

/* The layout of the attacker in the guest (libgvattack): its bootstrap
 * channel, its slots' channels (slot s: GVF_CHID_SLOT0 - s), the pool of
 * pages an input starts from (the top of each region). */
#define GVF_CHID_BOOT   63u
#define GVF_CHID_SLOT0  62u
#define GVF_POOL_PROT   (1u << 20)
#define GVF_POOL_UNPROT (256u << 10)

/* ---- step files: a 24-byte header, then the steps ---- */
#define GVF_STEPF_MAGIC   0x53465647u   /* "GVFS" */
#define GVF_STEPF_VERSION 1u
#define GVF_STEPF_MAX     (64u << 20)   /* bytes of steps at most */

struct gvf_stepf_hdr {
    uint32_t magic, version;
    uint64_t seed;
    uint32_t nsteps, size;
};

/* @len bytes of a step file at @buf into @in (its own copy of the steps)
 * and @seed: 0, or -1 with why in @why (bad magic or version, a size
 * other than the file's, a step or its data past the end, a step longer
 * than GVF_DATA_MAX, bytes after the last step).  Every offset is checked
 * before it is used, in 64 bits: no header field can make it read
 * outside @buf. */
int gvf_stepf_parse(const uint8_t *buf, size_t len, uint64_t *seed,
                    struct gvf_input *in, char *why, size_t why_len);
/* The same from a file. */
int gvf_stepf_load(const char *path, uint64_t *seed, struct gvf_input *in,
                   char *why, size_t why_len);
/* Header and steps in one buffer (malloc'd; NULL if out of memory). */
uint8_t *gvf_stepf_encode(uint64_t seed, const struct gvf_input *in,
                          size_t *len);
int gvf_stepf_save(const char *path, uint64_t seed,
                   const struct gvf_input *in);

/* Step @i of @in (NULL past the end). */
const struct gvf_step *gvf_step_at(const struct gvf_input *in, uint32_t i);
const char *gvf_kind_name(unsigned kind);
void gvf_input_free(struct gvf_input *in);
int gvf_input_copy(const struct gvf_input *in, struct gvf_input *out);

/* Header and ring-entry mutations (GVF_G_*) of the group at @g (@len
 * bytes, a header at least); the ring entry's length into *@entry_len. */
void gvf_group_mutate(uint8_t *g, uint32_t len, uint32_t how,
                      uint32_t *entry_len);

/* The expected-fault oracle.  A step that is one unchanged LAUNCH of
 * kernel 4 (ld.shared [param0] -> st.global [param1]; its image is
 * @kern4_size bytes) whose shared offset is outside the block's shared
 * memory (or misaligned) must fault there, at the load: if it completes
 * (@r == 0), or faults (@r > 0) at the global store with @rule, the shared
 * load went through (leak 3 of the security issue: a bounds check that
 * wraps around 2^64).  Then true, and why in @why. */
bool gvf_probe_escaped(const struct gvf_step *s, uint32_t kern4_size, int r,
                       uint32_t rule, char *why, size_t why_len);

/* The warp-sync oracle.  compute.warp_sync is for lanes waiting at a
 * warp-synchronous instruction (shfl, vote, bar.warp.sync); kernels 0-4
 * have none.  An engine step sent unchanged (@s->b == 0) whose LAUNCHes
 * are all of kernels 0-4 and which faults (@r > 0) with that rule: true,
 * and why in @why. */
bool gvf_sync_misfault(const struct gvf_step *s, int r, uint32_t rule,
                       char *why, size_t why_len);

/* A GVF_K_GENMOD step @s: its module (malloc'd; NULL if out of memory)
 * and what it is in @info, its input table in @in, and the LAUNCH of it
 * on the slot's VAs (GVF_GEN_*) in @cmd (room: GVF_GEN_CMD_MAX), whose
 * length goes to *@cmd_len. */
uint8_t *gvf_genmod(const struct gvf_step *s, struct gvf_mg_info *info,
                    uint8_t in[GVF_MG_IN_BYTES], uint8_t *cmd,
                    uint32_t *cmd_len);

/* The generated-module oracle.  A GVF_K_GENMOD launch (its module's
 * deliberate fault @fault_rule, 0 if none) must end (@r == 0) or fault
 * (@r > 0) with that rule, or with one the world can cause (the slot's
 * pages changed: unmapped, not owned, read only; the watchdog; no
 * memory).  A fault no generated module holds (a range, a misaligned
 * access, a trap, a call or warp-sync fault other than its own), or a
 * launch that ends although its module must fault: true, and why in
 * @why. */
bool gvf_genmod_misfault(uint32_t fault_rule, int r, uint32_t rule,
                         char *why, size_t why_len);

/* Kernel @which (0..GVF_KERNELS-1) of the fuzzer's channels: a GVX image
 * (malloc'd) and its size. */
uint8_t *gvf_kernel(unsigned which, uint32_t *size);

#endif /* GVF_STEP_H */
