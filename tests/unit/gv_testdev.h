/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device-core test bench: a device with fake guest memory, regions
 * locked, a bootstrap channel, and helpers that build and submit commands
 * the way the driver and the runtime will.  Used by the CUnit tests and the
 * benchmarks.
 */
#ifndef GV_TESTDEV_H
#define GV_TESTDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "gv_core.h"
#include "gvrt_secure.h"

/* Built into the CUnit tests (a failed check fails the running test) and,
 * with TD_NO_CUNIT, into the benchmarks (a failed check aborts). */
#include <stdio.h>
#include <stdlib.h>

#ifdef TD_NO_CUNIT
#define TD_CHECK(x)                                                       \
    do {                                                                  \
        if (!(x)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,        \
                    __LINE__, #x);                                        \
            abort();                                                      \
        }                                                                 \
    } while (0)
#define TD_CHECK_FATAL(x) TD_CHECK(x)
#else
#include <CUnit/CUnit.h>
#define TD_CHECK(x) CU_ASSERT(x)
#define TD_CHECK_FATAL(x) CU_ASSERT_FATAL(x)
#endif

#define TD_GUEST_BASE   0x100000ull     /* fake guest RAM */
#define TD_GUEST_SIZE   (8ull << 20)
#define TD_RING_ENTRIES 256
#define TD_BOOT_CHID    0

struct td {
    struct gv_dev *dev;
    uint8_t *guest;             /* TD_GUEST_SIZE bytes at TD_GUEST_BASE */
    uint64_t vram, unprot, prot;
    uint64_t prot_next;         /* bump allocator over protected memory */
    uint64_t unprot_next;       /* ... and over unprotected memory */
    /* per channel: ring in guest memory */
    uint32_t put[GV_MAX_CHANNELS];
    bool irq;
    int irq_edges;
    int engine_done;            /* async devices: a launch has ended */
    int guest_errors;
    char last_guest_error[256];
    char ek_path[256];
    char tmpdir[128];
    /* optional: replaces the fake guest memory for DMA reads */
    int (*dma_read_hook)(void *td, uint64_t addr, void *buf, uint64_t len);
    /* optional: replaces the fake guest memory for DMA writes */
    int (*dma_write_hook)(void *td, uint64_t addr, const void *buf,
                          uint64_t len);
    /* CH_PTE's result address td_pte() sends (0: its result area;
     * TD_NO_RESULT: none, as a driver hiding a mapping change would) */
    uint64_t pte_result_addr;
    /* compilations reported (gv_host_ops.jit): done, failed, the last
     * failure's reason */
    int jit_ok, jit_failed;
    char jit_why[160];
};
#define TD_NO_RESULT UINT64_MAX

/* Compute-engine settings for the devices td_new() makes next (0: the
 * defaults: one SM per host CPU, no watchdog). */
extern unsigned td_compute_sms;
extern uint32_t td_launch_timeout_ms;
/* ... and run each block's warps one at a time, never in gangs. */
extern bool td_compute_solo;
/* ... and decode modules without the engine's fast paths. */
extern bool td_compute_plain;
/* the compiled tier, compiling after that many gang visits */
extern bool td_compute_jit;
extern uint32_t td_compute_jit_after;
/* Devices made while this is set complete launches asynchronously, as in
 * QEMU: call td_engine_wait() to finish them (fence, interrupts, rings). */
extern bool td_async;
/* Devices made while this is set have the debug block (GV_REG_DBG_*). */
extern bool td_debug;
/* The device-time model of the devices made next (NULL: off), and
 * whether they model a hardware AES engine for command groups. */
extern const char *td_timing;
extern bool td_aes_engine;

/* Wait up to @timeout_ms for a launch to end, then gv_dev_engine_poll();
 * 0, or -1 on timeout. */
int td_engine_wait(struct td *td, unsigned timeout_ms);
/* Finish ended launches (td_engine_wait) until channel @chid's GET
 * reaches its PUT (launches of other channels may end first); 0, or -1
 * after @timeout_ms. */
int td_engine_wait_chan(struct td *td, unsigned chid, unsigned timeout_ms);
/* Submit @cmds in a plaintext group from group slot @slot (< 64; each
 * pending group needs its own) without waiting or checking anything. */
void td_submit_async(struct td *td, unsigned chid, const void *cmds,
                     uint32_t len, unsigned slot);

/* The runtime side of a secure context is the runtime's own code
 * (runtime/gvrt_secure.c): the tests exercise it against the device. */

/* A device of @vram bytes with @unprot / @prot region sizes locked, an EK
 * if @with_ek, and bootstrap channel TD_BOOT_CHID ready. */
struct td *td_new(uint64_t vram, uint64_t unprot, uint64_t prot, bool with_ek);
/* The same with an existing EK file (NULL: none). */
struct td *td_new_ek(uint64_t vram, uint64_t unprot, uint64_t prot,
                     const char *ek_path);
void td_free(struct td *td);
/* Route the device's DMA reads through @fn (it gets the struct td). */
void td_set_dma_read(struct td *td,
                     int (*fn)(void *td, uint64_t addr, void *buf,
                               uint64_t len));
/* Route the device's DMA writes through @fn (it gets the struct td). */
void td_set_dma_write(struct td *td,
                      int (*fn)(void *td, uint64_t addr, const void *buf,
                                uint64_t len));

uint32_t td_rd(struct td *td, uint32_t reg);
/* A byte array of BAR0 (AK_PUB, AK_SIG, EK_PUB), read 32 bits at a time. */
void td_read_bytes(struct gv_dev *dev, uint32_t reg, uint8_t *out, size_t n);
void td_wr(struct td *td, uint32_t reg, uint32_t val);

/* Give a channel a ring in guest memory. */
void td_ring_setup(struct td *td, unsigned chid);
/* Point a channel's host window (the copy engine's) at guest-physical
 * @addr, @size bytes, as the driver does with HOSTWIN_*. */
void td_hostwin(struct td *td, unsigned chid, uint64_t addr, uint32_t size);
/* Submit one group (already formatted: header + payload [+ tag]) on
 * @chid; returns the error code it produced (GV_ERR_NONE if none). */
int td_submit_raw(struct td *td, unsigned chid, const void *group,
                  uint32_t len, uint32_t gpfifo_flags);
/* Wrap @cmds (one or more commands) in a plaintext group and submit. */
int td_submit(struct td *td, unsigned chid, const void *cmds, uint32_t len);
/* Encrypt with the channel's next counter, submit, advance the counter
 * on success. */
int td_submit_secure(struct td *td, struct gvrt_secure *s, unsigned chid,
                     const void *cmds, uint32_t len);

/* Allocate device-physical memory from the test's bump allocators. */
uint64_t td_alloc_prot(struct td *td, uint64_t bytes, uint64_t align);
uint64_t td_alloc_unprot(struct td *td, uint64_t bytes, uint64_t align);

/* Management commands through the bootstrap channel. */
int td_create_normal(struct td *td, unsigned chid, unsigned share_chid);
/* Secure channel: generates the UK pair on first use of @s, verifies the
 * quote (AK signature, uk hash, nonce) and unwraps the CEK into @s. */
int td_create_secure(struct td *td, unsigned chid, struct gvrt_secure *s);
int td_create_at(struct td *td, unsigned chid, uint32_t flags,
                 uint64_t desc, uint64_t pgd, const uint8_t *uk_pub,
                 const uint8_t *nonce, struct gv_quote *quote);
int td_pde(struct td *td, unsigned chid, unsigned pgdi, bool big,
           uint64_t table);
/* Map/unmap @count entries; @mac may be NULL; @summary may be NULL. */
int td_pte(struct td *td, unsigned chid, unsigned pgdi, unsigned pgti,
           unsigned count, const uint64_t *ptes, bool big,
           const uint8_t *mac, struct gv_pte_summary *summary);
int td_destroy(struct td *td, unsigned chid, const uint8_t *mac);
int td_measure(struct td *td, unsigned chid, uint64_t va, uint64_t size,
               struct gv_measurement *m);
int td_fence(struct td *td, struct gvrt_secure *s, unsigned chid, uint64_t va,
             uint64_t value);


/* Allocate and install a small (or big) page table at @pgdi. */
uint64_t td_table(struct td *td, unsigned chid, unsigned pgdi, bool big);

/* gv_dev_check, failing the current CUnit test with the reason. */
void td_check(struct td *td);

#endif /* GV_TESTDEV_H */
