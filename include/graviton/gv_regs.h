/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the device <-> driver ABI (PCI identity and BAR0 registers).
 *
 * Shared by the device model (hw/), the guest driver (guest-driver/) and the
 * runtime (runtime/).  Fixed-width types only; registers are little-endian.
 * docs/registers.md describes every register; keep the two in step.
 */
#ifndef GRAVITON_GV_REGS_H
#define GRAVITON_GV_REGS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* PCI identity.  0x1234 is the vendor ID QEMU's own emulated-only devices
 * use (edu, bochs-display); 0x6776 ("gv") is ours.  Class 0x0302 = 3D
 * controller, so no other guest driver claims the device. */
#define GV_PCI_VENDOR_ID        0x1234
#define GV_PCI_DEVICE_ID        0x6776
#define GV_PCI_REVISION         0x01
#define GV_PCI_CLASS            0x0302

/* BARs */
#define GV_BAR_REGS             0       /* 32-bit MMIO, GV_REGS_SIZE bytes */
#define GV_BAR_VRAM             2       /* 64-bit prefetchable aperture */
#define GV_REGS_SIZE            0x10000u

/* Identity */
#define GV_ID_MAGIC             0x47525654u     /* "GRVT" */
#define GV_ABI_MAJOR            1u
#define GV_ABI_MINOR            7u
#define GV_ABI_VERSION          ((GV_ABI_MAJOR << 16) | GV_ABI_MINOR)

/* ---- BAR0 register map (offsets in bytes; all registers 32 bits) ---- */

/* Device control block, 0x0000 - 0x00ff */
#define GV_REG_ID               0x0000  /* RO  GV_ID_MAGIC */
#define GV_REG_VERSION          0x0004  /* RO  ABI version (major << 16 | minor) */
#define GV_REG_SCRATCH          0x0008  /* RW  free for software, 0 at reset */
#define GV_REG_CAPS             0x000c  /* RO  GV_CAP_* bits */
#define GV_REG_VRAM_SIZE_LO     0x0010  /* RO  device memory size, bytes */
#define GV_REG_VRAM_SIZE_HI     0x0014  /* RO */
#define GV_REG_APERTURE_SIZE_LO 0x0018  /* RO  BAR2 size (power of two) */
#define GV_REG_APERTURE_SIZE_HI 0x001c  /* RO */
#define GV_REG_FW_VERSION       0x0020  /* RO  command-processor firmware */
#define GV_REG_RESET            0x0024  /* WO  write GV_RESET_MAGIC: device reset */

/* Interrupts, 0x0040 - 0x005f */
#define GV_REG_INTR_STATUS      0x0040  /* RO  pending GV_INTR_* sources */
#define GV_REG_INTR_ACK         0x0044  /* W1C clears the bits written */
#define GV_REG_INTR_MASK        0x0048  /* RW  enabled sources (0 at reset) */
#define GV_REG_INTR_RAISE       0x004c  /* WO  sets GV_INTR_SOFT (self-test) */
#define GV_REG_INTR_COUNT       0x0050  /* RO  interrupts delivered since reset */

/* Error reporting, 0x0060 - 0x007f */
#define GV_REG_BAD_ACCESS_COUNT 0x0060  /* RO  refused MMIO accesses since reset */
#define GV_REG_ERROR_CODE       0x0064  /* RO  first unacknowledged GV_ERR_* */
#define GV_REG_ERROR_CHID       0x0068  /* RO  channel whose command failed */
#define GV_REG_ERROR_POS        0x006c  /* RO  ring index << 16 | command index */
#define GV_REG_ERROR_COUNT      0x0070  /* RO  command errors since reset */
#define GV_REG_ERROR_ACK        0x0074  /* WO  any write clears ERROR_CODE/CHID/POS */
#define GV_REG_PROT_ACCESS_COUNT 0x0078 /* RO  refused aperture accesses to protected memory */
#define GV_REG_ERROR_RULE       0x007c  /* RO  GV_RULE_* of ERROR_CODE (graviton/gv_rules.h) */

/* Memory regions, 0x0080 - 0x00bf.  Unprotected [0, U), protected
 * [U, U + P), hidden [U + P, VRAM).  Sizes are written, then LOCK; they
 * cannot change until device reset. */
#define GV_REG_UNPROT_SIZE_LO   0x0080  /* RW until locked */
#define GV_REG_UNPROT_SIZE_HI   0x0084
#define GV_REG_PROT_SIZE_LO     0x0088  /* RW until locked */
#define GV_REG_PROT_SIZE_HI     0x008c
#define GV_REG_HIDDEN_SIZE_LO   0x0090  /* RO  VRAM - U - P */
#define GV_REG_HIDDEN_SIZE_HI   0x0094
#define GV_REG_HIDDEN_USED_LO   0x0098  /* RO  bytes of hidden memory in use */
#define GV_REG_HIDDEN_USED_HI   0x009c
#define GV_REG_REGION_LOCK      0x00a0  /* W: GV_LOCK_MAGIC locks; R: 1 if locked */
#define GV_REG_HIDDEN_NEEDED_LO 0x00a4  /* RO  hidden bytes the current P needs */
#define GV_REG_HIDDEN_NEEDED_HI 0x00a8

/* The device-time model (docs/devtime.md): the modelled device clock in
 * ns since the device was created, 0 when the model is off. */
#define GV_REG_DEVTIME_LO       0x00b0  /* RO  low word (latches HI) */
#define GV_REG_DEVTIME_HI       0x00b4  /* RO  high word, as of the LO read */
#define GV_REG_DEVTIME_PROFILE  0x00b8  /* RO  0 off, 1 titan-black, 2 h100;
                                           bit 8: hardware AES engine */

/* The command processor's host-time profile (ABI 1.6; docs/paper.md,
 * Table 1's split): write a GV_PROF_* selector to PROF_SEL, then read
 * LO (which latches HI) and HI.  Nanoseconds of the host's monotonic
 * clock: NOW is the time of the LO read (and arms DOORBELL), BUSY, INIT
 * and CRYPTO are totals since the device was created (processing rings;
 * clearing device memory; cryptography), DOORBELL is when the first PUT
 * after the last NOW read arrived, IRQ when the interrupt line last
 * rose.  Another selector reads 0. */
#define GV_REG_PROF_SEL         0x00c0  /* RW  GV_PROF_* */
#define GV_REG_PROF_LO          0x00c4  /* RO  low word (latches HI) */
#define GV_REG_PROF_HI          0x00c8  /* RO  high word, as of the LO read */
#define GV_PROF_BUSY            0u
#define GV_PROF_INIT            1u
#define GV_PROF_CRYPTO          2u
#define GV_PROF_NOW             3u
#define GV_PROF_DOORBELL        4u
#define GV_PROF_IRQ             5u
#define GV_PROF__COUNT          6u

/* Attestation, 0x0100 - 0x01ff: byte arrays, read 32 bits at a time. */
#define GV_REG_ATTEST_STATUS    0x0100  /* RO  GV_ATTEST_* bits */
#define GV_REG_AK_PUB           0x0110  /* RO  65 bytes: P-256 point 04||X||Y */
#define GV_REG_AK_SIG           0x0160  /* RO  64 bytes: EK signature, see docs */
#define GV_REG_EK_PUB           0x01a0  /* RO  65 bytes: the device's EK */
#define GV_ATTEST_EK            (1u << 0)  /* an EK is provisioned */
#define GV_ATTEST_AK            (1u << 1)  /* an AK was generated at reset */

/* Debug block, 0x0800 - 0x09ff (ABI 1.4): only with the device property
 * debug=on (GV_CAP_DEBUG); otherwise every register of it reads 0 and
 * writes are refused and counted.  Per-rule hit counters (the named
 * refusals of graviton/gv_rules.h) and the device's consistency check;
 * ABI 1.7: the edge coverage of the device core, in a QEMU built with it
 * (scripts/build-qemu.sh --coverage; elsewhere EDGE_MAP_SIZE reads 0). */
#define GV_REG_DBG_RULE_COUNT   0x0800  /* RO  number of rules (GV_RULE__COUNT) */
#define GV_REG_DBG_RULE_SEL     0x0804  /* RW  rule whose counter HITS_LO/HI read */
#define GV_REG_DBG_RULE_HITS_LO 0x0808  /* RO  its hits, low word (latches HI) */
#define GV_REG_DBG_RULE_HITS_HI 0x080c  /* RO  high word, as of the LO read */
#define GV_REG_DBG_CTRL         0x0810  /* WO  GV_DBG_CTRL_* */
#define GV_REG_DBG_CHECK        0x0814  /* RO  a read runs the check: GV_DBG_CHECK_* */
#define GV_REG_DBG_HITS_TOTAL   0x0818  /* RO  hits of all rules, low 32 bits */
#define GV_REG_DBG_EDGES        0x081c  /* RO  distinct edges of the core hit */
#define GV_REG_DBG_EDGE_MAP_SIZE 0x0820 /* RO  edge map entries, 0: no coverage */
#define GV_REG_DBG_EDGE_HASH    0x0824  /* RO  FNV-1a hash of the edge map */
#define GV_REG_DBG_HIT_MAP      0x0840  /* RO  16 words: bit r%32 of word r/32 = rule r hit */
#define GV_REG_DBG_CHECK_WHY    0x0900  /* RO  128 bytes: the last failed check's reason */
#define GV_REG_DBG_BASE         0x0800
#define GV_REG_DBG_END          0x0a00
#define GV_DBG_HIT_MAP_WORDS    16
#define GV_DBG_WHY_LEN          128
#define GV_DBG_EDGE_MAP_ENTRIES 65536u  /* EDGE_MAP_SIZE in a coverage QEMU */
#define GV_DBG_CTRL_RESET_HITS  1u      /* zero every rule's counter */
#define GV_DBG_CTRL_RESET_EDGES 2u      /* clear the edge map and count */
#define GV_DBG_CHECK_OK         1u      /* consistent */
#define GV_DBG_CHECK_FAILED     2u      /* inconsistent: see CHECK_WHY */

/* Channel control area: GV_MAX_CHANNELS slots of GV_CHAN_STRIDE bytes. */
#define GV_MAX_CHANNELS         64
#define GV_REG_CHAN_BASE        0x1000
#define GV_CHAN_STRIDE          0x40
#define GV_REG_CHAN(chid, reg)  (GV_REG_CHAN_BASE + (chid) * GV_CHAN_STRIDE + (reg))
#define GV_CHAN_DESC_LO         0x00    /* W (free slot): bootstrap descriptor */
#define GV_CHAN_DESC_HI         0x04
#define GV_CHAN_RING_LO         0x08    /* RW while idle: GPFIFO, guest memory */
#define GV_CHAN_RING_HI         0x0c
#define GV_CHAN_RING_ENTRIES    0x10    /* RW while idle: power of two */
#define GV_CHAN_PUT             0x14    /* RW: doorbell */
#define GV_CHAN_GET             0x18    /* RO */
#define GV_CHAN_STATUS          0x1c    /* RO: GV_CHAN_TYPE_* | flags */
#define GV_CHAN_CTRL            0x20    /* WO: GV_CHAN_CTRL_* */
#define GV_CHAN_COUNTER_LO      0x24    /* RO: next expected group counter */
#define GV_CHAN_COUNTER_HI      0x28
#define GV_CHAN_HOSTWIN_LO      0x2c    /* RW while idle: copy engine's */
#define GV_CHAN_HOSTWIN_HI      0x30    /*   window onto guest memory */
#define GV_CHAN_HOSTWIN_SIZE    0x34    /*   (bytes; 0: no host copies) */

#define GV_CHAN_TYPE_MASK       0x3u
#define GV_CHAN_TYPE_FREE       0u
#define GV_CHAN_TYPE_BOOTSTRAP  1u
#define GV_CHAN_TYPE_NORMAL     2u
#define GV_CHAN_TYPE_SECURE     3u
/* Something failed on this channel (a group, or a write to its
 * registers). */
#define GV_CHAN_STATUS_ERROR    (1u << 4)
/* A group of this normal or secure channel failed: it is stopped, and
 * runs no further ring entry until CLEAR_ERR (which resumes it).
 * Bootstrap channels do not stop. */
#define GV_CHAN_STATUS_STOPPED  (1u << 5)

#define GV_CHAN_CTRL_RELEASE    1u      /* free a bootstrap channel */
#define GV_CHAN_CTRL_CLEAR_ERR  2u

#define GV_LOCK_MAGIC           0x4c4f434bu     /* "LOCK" */
#define GV_REGION_ALIGN         (128u << 10)    /* big-page size */

/* GV_REG_CAPS bits (features arrive with later ABI minors and are
 * advertised here) */
#define GV_CAP_DEBUG            (1u << 0)  /* the debug block is enabled (debug=on) */

/* GV_REG_INTR_* bits */
#define GV_INTR_SOFT            (1u << 0)  /* written through INTR_RAISE */
#define GV_INTR_ERROR           (1u << 1)  /* a command failed: ERROR_* regs */
#define GV_INTR_CHANNEL         (1u << 2)  /* a GPFIFO entry with GV_GPFIFO_IRQ completed */
#define GV_INTR_LAUNCH          (1u << 3)  /* a LAUNCH with GV_LAUNCH_IRQ ended */
#define GV_INTR_ALL             (GV_INTR_SOFT | GV_INTR_ERROR | GV_INTR_CHANNEL | \
                                 GV_INTR_LAUNCH)

#define GV_RESET_MAGIC          0x52534554u     /* "RSET" */

/* Device-memory size limits (the vram-size property) */
#define GV_VRAM_MIN             (16ull << 20)
#define GV_VRAM_MAX             (64ull << 30)
#define GV_VRAM_ALIGN           (2ull << 20)

/* Value read from a register that does not exist or is write-only */
#define GV_REG_INVALID_READ     0xffffffffu

#endif /* GRAVITON_GV_REGS_H */
