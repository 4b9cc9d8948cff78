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
#define GV_ABI_MINOR            0u
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

/* GV_REG_CAPS bits (none defined by ABI 1.0 yet: features arrive with
 * later ABI minors and are advertised here) */

/* GV_REG_INTR_* bits */
#define GV_INTR_SOFT            (1u << 0)  /* written through INTR_RAISE */
#define GV_INTR_ALL             (GV_INTR_SOFT)

#define GV_RESET_MAGIC          0x52534554u     /* "RSET" */

/* Device-memory size limits (the vram-size property) */
#define GV_VRAM_MIN             (16ull << 20)
#define GV_VRAM_MAX             (64ull << 30)
#define GV_VRAM_ALIGN           (2ull << 20)

/* Value read from a register that does not exist or is write-only */
#define GV_REG_INVALID_READ     0xffffffffu

#endif /* GRAVITON_GV_REGS_H */
