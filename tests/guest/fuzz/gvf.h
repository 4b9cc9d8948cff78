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
 * is the campaign, the corpus, the findings and --replay; gvf_step.c the
 * steps and step files (shared with the host's replay, gvf_step.h).
 */
#ifndef GVF_H
#define GVF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gva.h"
#include "gvv.h"
#include "graviton/gv_rules.h"
#include "gvf_step.h"

#define GVF_RECS        8u      /* recorded groups kept */

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

/* A recorded group */
struct gvf_rec {
    uint8_t *g;
    uint32_t len;
    bool spent;         /* the victim ran it: it must never run again */
};

struct gvf_slot {
    bool live;
    struct gva_chan ch;
    uint64_t up;                        /* its unprotected pages, 0: none */
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
/* A step (header and data) appended to @in, padded to 8 bytes */
void gvf_input_push(struct gvf_input *in, const struct gvf_step *s);

/* ---- gvf_attack.c: design.md section 11's attacks and scripts for the
 * refusals random steps seldom reach, as whole inputs ---- */
unsigned gvf_attack_count(void);
const char *gvf_attack_name(unsigned which);
void gvf_gen_attack(struct gvf_rng *r, const struct gvf_known *k,
                    unsigned which, struct gvf_input *out);

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
/* The device core's edge coverage (a coverage QEMU, scripts/build-qemu.sh
 * --coverage): whether it has it, the distinct edges hit, a reset. */
bool gvf_edges_present(struct gva *a);
uint32_t gvf_edges(struct gva *a);
void gvf_edges_reset(struct gva *a);
void gvf_check(struct gvf_world *w, struct gvf_verdict *v);
/* The secret nowhere the fuzzer reads (@full: all of BAR2 too) */
void gvf_leak(struct gvf_world *w, bool full, struct gvf_verdict *v);
void gvf_victim(struct gvf_world *w, struct gvf_verdict *v);
const char *gvf_rule_name(unsigned rule);

#endif /* GVF_H */
