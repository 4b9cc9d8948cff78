/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvattack: writing attacks on the Graviton GPU from the malicious
 * driver's position (docs/attacker.md).
 *
 * Over /dev/gv_attack (guest-attack/gv_attack.ko, loaded on first use) a
 * root process gets BAR0, the BAR2 aperture, DMA buffers with their bus
 * addresses and guest RAM by physical address.  This library adds what an
 * attacker builds on that: register access, its own bootstrap channel on
 * a free slot, raw CH_* commands, its own normal (or secure) channels with
 * page tables of its choosing, raw command groups on any channel, the
 * victim's rings and groups recorded from guest RAM and injected back, and
 * scans for a secret in everything the attacker can read.
 *
 * The honest driver (graviton.ko) stays bound and uses channel 0 and the
 * low channel ids, the bottom of the unprotected and protected regions.
 * The attacker takes channel ids from GVA_CHID_BOOT down, and pages from
 * the top of both regions down.
 *
 * Functions that run something on the device return its verdict: 0 or a
 * GV_ERR_* code (> 0); -errno when the library itself failed.
 */
#ifndef GVA_H
#define GVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_isa.h"
#include "graviton/gv_regs.h"
#include "gv_attack_uapi.h"

#define GVA_CHID_BOOT   63u     /* the attacker's bootstrap channel */
#define GVA_CHID_MIN    40u     /* ... and its other channels, down to this */
#define GVA_RING        256u    /* ring entries of the attacker's channels */
#define GVA_BUF_SIZE    (1u << 20)      /* per channel: groups + host window */
#define GVA_HOST_OFF    (256u << 10)    /* host-window data area in it */

struct gva_buf {
    uint8_t *cpu;
    uint64_t bus;
    size_t size;
    uint32_t id;
};

/* The registers' story of the last failure. */
struct gva_err {
    uint32_t code, chid, pos, count;
    uint32_t rule;                      /* ERROR_RULE: which check fired */
};

struct gva {
    int fd;
    struct gva_info info;
    volatile uint8_t *regs;             /* BAR0 */
    volatile uint8_t *vram;             /* BAR2 */
    uint64_t vram_size, unprot, prot, hidden_base;
    uint64_t prot_next, unprot_next;    /* the attacker's pages: top down */
    unsigned chid_next;
    /* the attacker's bootstrap channel */
    uint64_t boot_desc;
    struct gva_buf boot_ring, boot_buf, junk_ring;
    uint32_t boot_put;
    struct gva_err last;                /* of the last command run */
};

/* A channel the attacker created (normal, or secure with its own key). */
struct gva_chan {
    unsigned chid;
    bool secure;
    uint64_t desc, pgd;
    struct gva_buf ring, buf;           /* buf: groups at 0, host window */
    uint32_t put;
    uint64_t small_pgt[4], big_pgt[4];  /* tables of PDE 0..3, 0 = none */
    struct gvrt_secure *sec;            /* secure: the attacker's runtime */
};

/* ---- the device ---- */
int gva_open(struct gva *a);            /* loads gv_attack.ko if needed */
void gva_close(struct gva *a);          /* destroys what it created */
uint32_t gva_rd(struct gva *a, uint32_t reg);
void gva_wr(struct gva *a, uint32_t reg, uint32_t val);
uint32_t gva_chan_rd(struct gva *a, unsigned chid, uint32_t reg);
void gva_chan_wr(struct gva *a, unsigned chid, uint32_t reg, uint32_t val);
void gva_err_read(struct gva *a, struct gva_err *e);
void gva_err_ack(struct gva *a);

/* BAR2: 8-byte loads/stores (no memcpy: every access is a device access) */
void gva_bar2_read(struct gva *a, uint64_t off, void *buf, size_t len);
void gva_bar2_write(struct gva *a, uint64_t off, const void *buf, size_t len);

/* DMA buffers of the device, and guest RAM by physical address */
int gva_dma_alloc(struct gva *a, size_t size, struct gva_buf *b);
void gva_dma_free(struct gva *a, struct gva_buf *b);
int gva_phys_read(struct gva *a, uint64_t addr, void *buf, size_t len);
int gva_phys_write(struct gva *a, uint64_t addr, const void *buf, size_t len);
int gva_cfg_read(struct gva *a, uint32_t off, uint32_t size, uint32_t *val);
int gva_cfg_write(struct gva *a, uint32_t off, uint32_t size, uint32_t val);

/* Pages of the attacker's own (top of the region, going down; unprotected
 * ones are zeroed) */
uint64_t gva_prot_pages(struct gva *a, uint64_t bytes);
uint64_t gva_unprot_pages(struct gva *a, uint64_t bytes);
unsigned gva_chid_alloc(struct gva *a);

/* ---- the attacker's bootstrap channel: raw CH_* ---- */
/* Run one plaintext group of @len bytes of commands; results the
 * commands DMA go to gva_result_bus() / gva_result(). */
int gva_boot_run(struct gva *a, const void *cmds, uint32_t len);
uint64_t gva_result_bus(struct gva *a);
void *gva_result(struct gva *a);
int gva_ch_create(struct gva *a, unsigned chid, uint32_t flags,
                  uint64_t desc, uint64_t pgd, unsigned share_chid,
                  const uint8_t *uk_pub, const uint8_t *nonce,
                  struct gv_quote *quote);
int gva_ch_pde(struct gva *a, unsigned chid, unsigned pgdi, bool big,
               uint64_t pgt);
/* @ptes NULL: clear the entries; @mac NULL: zeros; @result: summary goes to
 * gva_result_bus() and is copied to @result (NULL: no result address) */
int gva_ch_pte(struct gva *a, unsigned chid, unsigned pgdi, unsigned pgti,
               uint32_t count, const uint64_t *ptes, bool big,
               const uint8_t *mac, struct gv_pte_summary *result);
int gva_ch_destroy(struct gva *a, unsigned chid, const uint8_t *mac);
int gva_ch_measure(struct gva *a, unsigned chid, uint64_t va, uint64_t size,
                   struct gv_measurement *m);

/* ---- the attacker's own channels ---- */
/* A normal channel (flags GV_CREATE_SHARE + @share_chid for a stream) */
int gva_chan_create(struct gva *a, struct gva_chan *ch, uint32_t flags,
                    unsigned share_chid);
/* The same on channel id @chid (GV_MAX_CHANNELS: any free one of the
 * attacker's), with descriptor @desc and PGD @pgd (0: fresh pages), and
 * for a secure channel (GV_CREATE_SECURE) with @uk_pub (the quote goes to
 * @quote). */
int gva_chan_create_at(struct gva *a, struct gva_chan *ch, unsigned chid,
                       uint32_t flags, unsigned share_chid, uint64_t desc,
                       uint64_t pgd, const uint8_t *uk_pub,
                       struct gv_quote *quote);
/* A secure channel under the attacker's own user key (it holds CEK) */
int gva_chan_create_secure(struct gva *a, struct gva_chan *ch);
int gva_chan_destroy(struct gva *a, struct gva_chan *ch);
/* Map @n pages at @va (in PDE 0..3, one table) to @pa, @pa + page, ...
 * (PTE flags in @flags, e.g. GV_PTE_VALID); the table is made on demand. */
int gva_map(struct gva *a, struct gva_chan *ch, uint64_t va, uint64_t pa,
            uint32_t n, bool big, uint64_t flags);
int gva_unmap(struct gva *a, struct gva_chan *ch, uint64_t va, uint32_t n,
              bool big);
/* Run engine commands as one group (sealed if the channel is secure) and
 * wait until the ring has moved past it (launches included). */
int gva_chan_run(struct gva *a, struct gva_chan *ch, const void *cmds,
                 uint32_t len);
/* Submit @len bytes at @group as they are (no header added). */
int gva_chan_run_raw(struct gva *a, struct gva_chan *ch, const void *group,
                     uint32_t len, uint32_t gpfifo_flags);
/* A plaintext group: header + @cmds into @out; returns its length. */
uint32_t gva_group(void *out, const void *cmds, uint32_t len);

/* Command builders */
struct gv_cmd_fence gva_fence(uint64_t va, uint64_t value);
struct gv_cmd_copy gva_copy(uint32_t flags, uint64_t src, uint64_t dst,
                            uint64_t size);

/* ---- other channels: the victim's ---- */
/* The group of @chid's ring entry @idx (-1: the last one submitted, PUT-1):
 * its entry and bytes (malloc'd into *@bytes). */
int gva_record(struct gva *a, unsigned chid, int idx,
               struct gv_gpfifo_entry *e, uint8_t **bytes);
/* Run @group on channel @chid (not the attacker's): an entry in the
 * channel's own ring at PUT, the doorbell, then the ring is put back so
 * that the driver's next submission still runs (the channel's GET is
 * rewound through a ring of empty entries, each failing BAD_GROUP).  The
 * channel must be idle.  Returns the verdict on @group. */
int gva_inject(struct gva *a, unsigned chid, const void *group, uint32_t len);

/* ---- what the honest driver shows: /sys/kernel/debug/graviton ---- */
struct gva_drv_chan {
    int pid;
    bool secure;
    unsigned chid;
    uint64_t desc, pgd, fence_va;
};
struct gva_drv_state {
    uint64_t prot_free, unprot_free;    /* bytes */
    unsigned nchans;
    struct gva_drv_chan chan[GV_MAX_CHANNELS];
};
int gva_drv_state(struct gva_drv_state *s);

/* ---- finding and scanning ---- */
/* May the attacker map protected page @pa?  Tries it in @probe (a normal
 * channel of the attacker) at @va and unmaps again: 0 (free), or the
 * device's refusal (OTHER_CONTEXT: another context's page or table). */
int gva_probe_page(struct gva *a, struct gva_chan *probe, uint64_t va,
                   uint64_t pa);
/* Protected pages in [from, to) that are other contexts' (bitmap, one bit
 * per page, malloc'd; *@npages set). */
uint8_t *gva_owned_map(struct gva *a, struct gva_chan *probe, uint64_t va,
                       uint64_t from, uint64_t to, uint64_t *npages);
/* Does @buf hold any 8 bytes of @secret (at any alignment)? */
bool gva_scan(const void *buf, size_t len, const uint8_t *secret,
              size_t slen);
/* Everything the attacker reads in BAR2 [off, off + len) */
bool gva_scan_bar2(struct gva *a, uint64_t off, size_t len,
                   const uint8_t *secret, size_t slen);
/* The error registers never hold it (they hold 32-bit codes, but check) */
bool gva_scan_regs(struct gva *a, const uint8_t *secret, size_t slen);

/* ---- compute: hand-assembled GVX modules ---- */
#define GVA_KASM_INSNS 192u
#define GVA_KASM_CONSTS 32u
struct gva_kasm {
    struct gv_insn insn[GVA_KASM_INSNS];
    uint64_t konst[GVA_KASM_CONSTS];
    uint32_t ninsn, nconst;
    uint32_t nregs, shared_size, local_size, param_size;
    bool full;  /* an instruction or constant did not fit: no image */
};
/* operand: register @r, or constant @v */
uint16_t gva_k(struct gva_kasm *k, uint64_t v);
void gva_kins(struct gva_kasm *k, uint8_t op, uint8_t type, uint8_t mod,
              uint16_t d, uint16_t a, uint16_t b, uint16_t e);
/* the image (malloc'd), checked like the engine checks it */
uint8_t *gva_kimage(struct gva_kasm *k, uint32_t *size, char *err,
                    size_t err_len);
/* Place @img in unprotected memory mapped at @va in @ch and launch it
 * (1 block of @threads); returns the launch's verdict. */
int gva_launch(struct gva *a, struct gva_chan *ch, uint64_t va,
               const uint8_t *img, uint32_t size, uint32_t threads,
               const void *params, uint32_t param_size);

/* Error name for messages */
const char *gva_err_name(int code);

#endif /* GVA_H */
