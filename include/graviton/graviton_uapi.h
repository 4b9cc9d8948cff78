/* SPDX-License-Identifier: GPL-2.0-or-later WITH Linux-syscall-note */
/*
 * Graviton GPU: user-space API of the guest driver (/dev/gravitonN).
 *
 * Rules (see docs/uapi.md): fixed-size types, pointers as __u64, every
 * struct a multiple of 8 bytes, fields only ever appended, every flags /
 * pad / reserved field must be zero on input (EINVAL otherwise).  The
 * version below is bumped on every change; GRAVITON_IOC_GET_PARAM with
 * GRAVITON_PARAM_UAPI_VERSION tells user space which version it talks to.
 */
#ifndef GRAVITON_UAPI_H
#define GRAVITON_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define GRAVITON_UAPI_MAJOR     1
#define GRAVITON_UAPI_MINOR     0
#define GRAVITON_UAPI_VERSION   ((GRAVITON_UAPI_MAJOR << 16) | GRAVITON_UAPI_MINOR)

#define GRAVITON_DEV_NAME       "graviton"      /* /dev/graviton0, ... */

/**
 * struct graviton_info - identity of the device behind this file
 * @uapi_version: out: GRAVITON_UAPI_VERSION of the driver
 * @abi_version: out: device register ABI (BAR0 VERSION register)
 * @vendor_id: out: PCI vendor ID
 * @device_id: out: PCI device ID
 * @id_magic: out: BAR0 ID register (GV_ID_MAGIC)
 * @fw_version: out: command-processor firmware version
 * @flags: in: must be 0
 * @vram_size: out: device memory in bytes (the device's vram-size)
 * @aperture_size: out: size of the device-memory BAR in bytes
 * @pci_domain: out: PCI domain of the device
 * @pci_bdf: out: bus << 8 | devfn
 * @caps: out: GRAVITON_CAP_* bits
 * @pad: must be 0
 * @reserved: in: must be 0 (room for later fields)
 */
struct graviton_info {
	__u32 uapi_version;
	__u32 abi_version;
	__u16 vendor_id;
	__u16 device_id;
	__u32 id_magic;
	__u32 fw_version;
	__u32 flags;
	__u64 vram_size;
	__u64 aperture_size;
	__u32 pci_domain;
	__u32 pci_bdf;
	__u32 caps;
	__u32 pad;
	__u64 reserved[4];
};

/* graviton_info.caps */
#define GRAVITON_CAP_MSI        (1u << 0)       /* interrupts are MSI */

/**
 * struct graviton_param - read one driver/device parameter
 * @param: in: GRAVITON_PARAM_*
 * @pad: in: must be 0
 * @value: out
 */
struct graviton_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

enum graviton_param_id {
	GRAVITON_PARAM_UAPI_VERSION = 1,  /* GRAVITON_UAPI_VERSION */
	GRAVITON_PARAM_ABI_VERSION = 2,   /* device register ABI */
	GRAVITON_PARAM_VRAM_SIZE = 3,     /* bytes */
	GRAVITON_PARAM_IRQ_COUNT = 4,     /* interrupts the driver handled */
	GRAVITON_PARAM_IRQ_SELFTEST = 5,  /* 1: probe's interrupt test passed */
	GRAVITON_PARAM_CAPS = 6,          /* GRAVITON_CAP_* */
};

#define GRAVITON_IOC_MAGIC      'G'
#define GRAVITON_IOC_GET_INFO   _IOWR(GRAVITON_IOC_MAGIC, 0x00, struct graviton_info)
#define GRAVITON_IOC_GET_PARAM  _IOWR(GRAVITON_IOC_MAGIC, 0x01, struct graviton_param)

#ifdef __cplusplus
#define GRAVITON_STATIC_ASSERT static_assert
#else
#define GRAVITON_STATIC_ASSERT _Static_assert
#endif
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_info) == 88, "graviton_info ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_param) == 16, "graviton_param ABI");

#endif /* GRAVITON_UAPI_H */
