/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gvfs-replay's world, shared by its two files: gvfs_replay.c (the
 * device, the attacker, the steps, a file, main) and gvfs_victim.c (the
 * victim: its context, its steps, injections into its channels and the
 * victim oracle).  See gvfs_replay.c.
 */
#ifndef GVFS_REPLAY_H
#define GVFS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gv_internal.h"
#include "gv_testdev.h"
#include "gvf.h"

#define VICTIM_CHID 1u           /* and VICTIM_CHID + 1: its second stream */
#define VICTIM_VA (128ull << 20) /* the driver's first VA (PDE 1) */
#define CANARIES 16u             /* a secret per victim life */
#define RING 256u                /* GVA_RING */
/* the attacker's guest memory: a group and results area (the guest's DMA
 * buffer), then each slot's 1 MiB buffer: groups at 0, host window */
#define G_BOOT (TD_GUEST_BASE + (2ull << 20))
#define G_RESULT (G_BOOT + (128u << 10))
#define G_SLOT(s) (TD_GUEST_BASE + ((3ull + (s)) << 20))
#define SLOT_BUF (1u << 20)
#define BAR0_BUS 0xfe000000ull /* no guest memory there */
#define RECS GVF_RECS
/* below 1 MiB, past the rings (4 KiB a channel): the victim's groups (a
 * page per stream), libgvattack's injection buffer (gva_inject(): at most
 * 256 KiB) and its junk ring of 1,024 entries */
#define G_VICTIM(st) (TD_GUEST_BASE + (256u << 10) + (st)*4096ull)
#define G_INJECT (TD_GUEST_BASE + (512u << 10))
#define INJECT_MAX (256u << 10)
#define G_JUNK (TD_GUEST_BASE + (768u << 10))
#define JUNK_ENTRIES 1024u

struct slot {
    bool live, secure;
    unsigned chid;
    uint32_t put;
    uint64_t up; /* its unprotected pages (BAR2), 0: none */
    uint64_t small_pgt;
    struct gvrt_secure *sec;
    uint8_t last[GVF_DATA_MAX + 64];
    uint32_t last_len;
};

struct world {
    struct td *td;
    struct gv_dev *dev;
    uint64_t vram, u, p, bar2;
    /* the victim (gvv): its context, its streams' rings and fences */
    struct gvrt_secure victim;
    bool victim_up;
    bool tainted; /* gvf_exec.c's: its victim steps are skipped */
    uint64_t vic_page, vic_inc[GVV_MAX_STREAMS];
    uint64_t vic_seq[GVV_MAX_STREAMS]; /* its fences' last values */
    uint32_t vic_put[GVV_MAX_STREAMS];
    uint8_t canary[CANARIES][8];
    unsigned ncanary;
    /* the attacker */
    uint64_t prot_next, unprot_next, own_prot, own_unprot;
    uint32_t boot_put;
    struct slot slot[GVF_SLOTS];
    uint8_t *rec[RECS];
    uint32_t rec_len[RECS];
    bool rec_spent[RECS]; /* the victim ran it: never again */
    uint8_t *kern[GVF_KERNELS];
    uint32_t kern_size[GVF_KERNELS];
    unsigned resets;
    uint32_t last_rule; /* of the last refusal a submission met */
    uint32_t last_pos;  /* ... and its position (GV_REG_ERROR_POS) */
    char why[256];      /* a step's own oracle: a spent group accepted */
};

/* A step's outcome: the device's verdict (r >= 0) or why it was skipped
 * (@host_only: a step the guest would have run) */
struct outcome {
    int r;
    uint32_t rule;
    const char *skip;
    bool host_only;
    bool has_value; /* a read: the value it returned */
    uint64_t value;
    uint32_t fault_rule; /* a generated module's deliberate fault */
};

static inline uint32_t rd(struct world *w, uint32_t reg)
{
    return (uint32_t)gv_mmio_read(w->dev, reg, 4);
}

static inline void wr(struct world *w, uint32_t reg, uint32_t v)
{
    gv_mmio_write(w->dev, reg, v, 4);
}

static inline uint32_t chan_rd(struct world *w, unsigned chid, uint32_t reg)
{
    return rd(w, GV_REG_CHAN(chid, reg));
}

static inline void chan_wr(struct world *w, unsigned chid, uint32_t reg,
                           uint32_t v)
{
    wr(w, GV_REG_CHAN(chid, reg), v);
}

static inline uint8_t *guest(struct world *w, uint64_t gpa)
{
    return w->td->guest + (gpa - TD_GUEST_BASE);
}

/* ---- gvfs_replay.c ---- */
/* gvf_exec.c's submit(): an entry at *@put of @chid's ring, the doorbell,
 * the verdict; the error's rule into *@rule. */
int submit(struct world *w, unsigned chid, uint32_t *put, uint64_t addr,
           uint32_t len, uint32_t flags, uint32_t *rule);
/* libgvattack's verdict(): the error a doorbell of @chid made since the
 * error count was @before (GV_ERR_NONE if none, or another channel's) */
int verdict(struct world *w, unsigned chid, uint32_t before, uint32_t *rule);

/* ---- gvfs_victim.c ---- */
/* The victim oracle: 0, or -1 and why */
int secret_check(struct world *w, char *why, size_t len);
/* 8 bytes of a victim's secret, at any rotation */
bool secret_word(const struct world *w, uint64_t v);
/* The victim's context: two secure channels, a secret in a big page */
int victim_up(struct world *w);
/* The recordings forgotten (a reset: the guest's world_rebuild()) */
void recs_clear(struct world *w);
/* record-own: slot @sl's last group into recording slot @ri, not spent */
void record_own(struct world *w, unsigned ri, const struct slot *sl);
/* gvf_exec.c's exec_victim(), exec_inject() */
int exec_victim(struct world *w, const struct gvf_step *s, struct outcome *o);
int exec_inject(struct world *w, const struct gvf_step *s, struct outcome *o);
/* Whether the commands of a bootstrap group up to the @upto-th name one
 * of the victim's channels (gvf_exec.c: such a step taints the victim) */
bool aims_at_victim(const uint8_t *cmds, uint32_t len, uint32_t upto);

#endif /* GVFS_REPLAY_H */
