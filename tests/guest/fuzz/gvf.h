/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: the guest fuzzer of the Graviton GPU (docs/fuzzing.md).
 *
 * It plays the malicious driver through libgvattack (docs/attacker.md)
 * while a victim secure context (gvv) runs through the honest driver.  An
 * input is a short sequence of steps run from a fresh attacker state; the
 * device's debug block (docs/registers.md) gives the rules each input
 * reached (feedback) and the consistency check (oracle).
 *
 * Files: gvf_gen.c makes and mutates steps, gvf_exec.c runs them on the
 * device, gvf_oracle.c reads coverage and checks the oracles, gvf_main.c
 * is the campaign, the corpus, the findings and --replay.
 */
#ifndef GVF_H
#define GVF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gva.h"
#include "gvv.h"
#include "graviton/gv_rules.h"

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
#define GVF_RECS        8u      /* recorded groups kept */
#define GVF_KERNELS     5u      /* hand-assembled modules */
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
    GVF_K__COUNT
};

/* group mutations (GVF_K_BOOT a, GVF_K_ENGINE b >> 32) */
#define GVF_G_MAGIC     (1u << 0)       /* header magic changed */
#define GVF_G_FLAGS     (1u << 1)       /* header flags toggled */
#define GVF_G_LEN_UP    (1u << 2)       /* payload_len + 8 */
#define GVF_G_LEN_DOWN  (1u << 3)       /* payload_len - 8 */
#define GVF_G_RESERVED  (1u << 4)       /* reserved field set */
#define GVF_G_ENTRY_LEN (1u << 5)       /* ring entry length off by 8 */

/* A sequence of steps: packed in @buf. */
struct gvf_input {
    uint32_t nsteps, size;
    uint8_t *buf;
};

/* What the fuzzer knows about the device and the victim. */
struct gvf_known {
    uint64_t unprot, prot, vram, hidden;
    uint64_t own_unprot, own_prot;      /* the fuzzer's scratch pages */
    uint64_t vic_desc[GVV_MAX_STREAMS], vic_pgd[GVV_MAX_STREAMS];
    uint64_t vic_fence_va[GVV_MAX_STREAMS];
    uint32_t vic_chid[GVV_MAX_STREAMS];
    uint64_t vic_lo, vic_hi;            /* protected range the driver uses */
    uint64_t dma_bus, bar0_bus, bar2_bus;
    uint32_t kern_size[GVF_KERNELS];
};

/* Where each slot's channel puts things (its VAs) */
#define GVF_VA_UNPROT   0x10000ull              /* 16 unprotected pages */
#define GVF_VA_PROT     0x100000ull             /* 4 protected pages */
#define GVF_VA_BIG      (1ull << 30)            /* PDE 1: big pages */
#define GVF_UNPROT_PAGES 16u
#define GVF_PROT_PAGES  4u
#define GVF_KERN_OFF(k) ((uint64_t)(k) * 4096u) /* in the unprotected pages */

/* A recorded group */
struct gvf_rec {
    uint8_t *g;
    uint32_t len;
    bool spent;         /* the victim ran it: it must never run again */
};

struct gvf_slot {
    bool live;
    struct gva_chan ch;
    uint8_t last[GVF_DATA_MAX + 64];    /* the last group it ran */
    uint32_t last_len;
};

/* The world: attacker, victim, own channels, recordings. */
struct gvf_world {
    struct gva a;
    struct gvv v;
    bool open, victim_up, tainted;
    struct gvf_known k;
    struct gvf_slot slot[GVF_SLOTS];
    struct gvf_rec rec[GVF_RECS];
    struct gva_buf dma;                 /* raw groups, results */
    uint8_t *kern[GVF_KERNELS];
    unsigned resets;
    char why[256];      /* a step's own oracle: a spent group accepted */
};

/* Oracle verdict */
struct gvf_verdict {
    bool bad;
    char why[256];
};

/* ---- gvf_gen.c ---- */
struct gvf_rng {
    uint64_t s;
};
uint64_t gvf_rand(struct gvf_rng *r);
uint32_t gvf_below(struct gvf_rng *r, uint32_t n);
/* A new step into @out (GVF_STEP_MAX bytes); returns its size. */
uint32_t gvf_gen_step(struct gvf_rng *r, const struct gvf_known *k,
                      uint8_t *out);
/* A new input of 1..@max steps / a mutation of @in (new buffer). */
void gvf_gen_input(struct gvf_rng *r, const struct gvf_known *k,
                   unsigned max, struct gvf_input *out);
void gvf_mutate(struct gvf_rng *r, const struct gvf_known *k,
                const struct gvf_input *in, const struct gvf_input *other,
                unsigned max, struct gvf_input *out);
void gvf_input_free(struct gvf_input *in);
int gvf_input_copy(const struct gvf_input *in, struct gvf_input *out);
/* Step @i of @in (NULL past the end). */
const struct gvf_step *gvf_step_at(const struct gvf_input *in, uint32_t i);
const char *gvf_kind_name(unsigned kind);

/* ---- gvf_exec.c ---- */
int gvf_world_up(struct gvf_world *w);          /* victim + attacker */
void gvf_world_down(struct gvf_world *w);
int gvf_input_begin(struct gvf_world *w);       /* a fresh attacker */
void gvf_input_end(struct gvf_world *w);
/* Run one step; returns the device's verdict or < 0 (skipped). */
int gvf_exec(struct gvf_world *w, const struct gvf_step *s);

/* ---- gvf_oracle.c ---- */
bool gvf_debug_present(struct gva *a);
void gvf_hit_map(struct gva *a, uint32_t map[GV_DBG_HIT_MAP_WORDS]);
unsigned gvf_map_count(const uint32_t map[GV_DBG_HIT_MAP_WORDS]);
void gvf_check(struct gvf_world *w, struct gvf_verdict *v);
/* The secret nowhere the fuzzer reads (@full: all of BAR2 too) */
void gvf_leak(struct gvf_world *w, bool full, struct gvf_verdict *v);
void gvf_victim(struct gvf_world *w, struct gvf_verdict *v);
const char *gvf_rule_name(unsigned rule);

#endif /* GVF_H */
