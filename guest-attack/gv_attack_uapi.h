/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * gv_attack: user-space API of the ATTACKER module (/dev/gv_attack).
 *
 * This is a security-research tool, not part of the driver: it gives a
 * root process the position of a malicious GPU driver (design.md section
 * 1), i.e. raw access to the Graviton GPU beside the honest driver, which
 * stays bound.  docs/attacker.md describes it.
 *
 *   mmap(offset GVA_MMAP_BAR0)          BAR0, the registers (uncached)
 *   mmap(offset GVA_MMAP_BAR2)          BAR2, the device-memory aperture
 *   mmap(offset gva_dma_alloc.mmap_offset)  a DMA-coherent buffer
 *   GVA_IOC_INFO        where the device is (BARs, PCI location, MSI)
 *   GVA_IOC_DMA_ALLOC   a DMA-coherent buffer for the device: its bus address
 *   GVA_IOC_DMA_FREE    give it back (mappings keep it until unmapped)
 *   GVA_IOC_PHYS        read or write guest RAM at a bus (physical) address:
 *                       the honest driver's rings, groups and buffers
 *   GVA_IOC_CFG         read or write the device's PCI configuration space
 */
#ifndef GV_ATTACK_UAPI_H
#define GV_ATTACK_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define GVA_DEV_PATH            "/dev/gv_attack"
#define GVA_MODULE_PATH         "/lib/modules/gv_attack.ko"

/* mmap offsets (bytes) */
#define GVA_MMAP_BAR0           0x0ull
#define GVA_MMAP_BAR2           (1ull << 40)
#define GVA_MMAP_DMA_BASE       (2ull << 40)
#define GVA_DMA_MAX             (16u << 20)     /* bytes per buffer */
#define GVA_DMA_MAX_BUFS        64              /* per open file */
#define GVA_MMAP_DMA(id)        (GVA_MMAP_DMA_BASE + (__u64)(id) * GVA_DMA_MAX)
#define GVA_PHYS_MAX            (16u << 20)     /* bytes per GVA_IOC_PHYS */

/**
 * struct gva_info - the device, as the attacker module found it
 * @bar0_bus: bus address of BAR0 (registers)
 * @bar0_size: its size
 * @bar2_bus: bus address of BAR2 (device-memory aperture)
 * @bar2_size: its size
 * @pci_domain: PCI domain
 * @pci_bdf: bus << 8 | devfn
 * @msi_cap: offset of the MSI capability in config space (0: none)
 * @driver_bound: 1 if a driver (the honest one) is bound to the device
 */
struct gva_info {
	__u64 bar0_bus;
	__u64 bar0_size;
	__u64 bar2_bus;
	__u64 bar2_size;
	__u32 pci_domain;
	__u32 pci_bdf;
	__u32 msi_cap;
	__u32 driver_bound;
};

/**
 * struct gva_dma_alloc - a DMA-coherent buffer of the device
 * @size: in: bytes (rounded up to pages, at most GVA_DMA_MAX)
 * @bus: out: the address the device uses (ring bases, group and result
 *	addresses, host windows)
 * @mmap_offset: out: offset to mmap() it with
 * @id: out: handle for GVA_IOC_DMA_FREE
 * @pad: 0
 */
struct gva_dma_alloc {
	__u64 size;
	__u64 bus;
	__u64 mmap_offset;
	__u32 id;
	__u32 pad;
};

struct gva_dma_free {
	__u32 id;
	__u32 pad;
};

/**
 * struct gva_phys - copy between user memory and guest RAM
 * @addr: bus/physical address (RAM only; MMIO is refused with EFAULT)
 * @len: bytes, at most GVA_PHYS_MAX
 * @ptr: user buffer
 * @write: 0 read RAM into @ptr, 1 write @ptr into RAM
 * @pad: 0
 */
struct gva_phys {
	__u64 addr;
	__u64 len;
	__u64 ptr;
	__u32 write;
	__u32 pad;
};

/**
 * struct gva_cfg - one access to the device's PCI configuration space
 * @offset: byte offset (< 4096, aligned to @size)
 * @size: 1, 2 or 4
 * @write: 0 read, 1 write
 * @value: in (write) / out (read)
 * @pad: 0
 */
struct gva_cfg {
	__u32 offset;
	__u32 size;
	__u32 write;
	__u32 value;
};

#define GVA_IOC_MAGIC           'V'
#define GVA_IOC_INFO            _IOR(GVA_IOC_MAGIC, 0x00, struct gva_info)
#define GVA_IOC_DMA_ALLOC       _IOWR(GVA_IOC_MAGIC, 0x01, struct gva_dma_alloc)
#define GVA_IOC_DMA_FREE        _IOW(GVA_IOC_MAGIC, 0x02, struct gva_dma_free)
#define GVA_IOC_PHYS            _IOW(GVA_IOC_MAGIC, 0x03, struct gva_phys)
#define GVA_IOC_CFG             _IOWR(GVA_IOC_MAGIC, 0x04, struct gva_cfg)

#endif /* GV_ATTACK_UAPI_H */
