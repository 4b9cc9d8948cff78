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
#define GRAVITON_UAPI_MINOR     6
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
	/* uapi 1.5: the device-time model's clock in ns (docs/devtime.md);
	 * ENODATA when the device models no time */
	GRAVITON_PARAM_DEVICE_TIME = 7,
	/* uapi 1.5: its profile (GV_REG_DEVTIME_PROFILE; 0: off) */
	GRAVITON_PARAM_DEVICE_TIME_PROFILE = 8,
	/* uapi 1.6: the command processor's host-time profile (device ABI
	 * 1.6, GV_REG_PROF_*; ENODATA on an older device), ns of the host's
	 * monotonic clock: totals of ring processing, memory clearing and
	 * cryptography; the host's clock now (which arms the doorbell
	 * stamp); the first doorbell since; the last interrupt */
	GRAVITON_PARAM_PROF_BUSY = 9,
	GRAVITON_PARAM_PROF_INIT = 10,
	GRAVITON_PARAM_PROF_CRYPTO = 11,
	GRAVITON_PARAM_PROF_NOW = 12,
	GRAVITON_PARAM_PROF_DOORBELL = 13,
	GRAVITON_PARAM_PROF_IRQ = 14,
};

/**
 * struct graviton_ak_info - what the device publishes for attestation
 * @status: GV_ATTEST_* bits of the device (EK present, AK generated)
 * @fw_version: command-processor firmware version
 * @ak_pub: the attestation key, P-256 point 04||X||Y
 * @pad: 0
 * @ak_sig: the EK's signature over "GVAK" || fw_version || ak_pub
 * @ek_pub: the endorsement key's public half
 * @pad2: 0
 */
struct graviton_ak_info {
	__u32 status;
	__u32 fw_version;
	__u8 ak_pub[65];
	__u8 pad[3];
	__u8 ak_sig[64];
	__u8 ek_pub[65];
	__u8 pad2[3];
};

/**
 * struct graviton_blob - a byte string passed in or out
 * @ptr: user buffer
 * @len: in: bytes in (set) or capacity of (get) the buffer; out (get): size
 * @flags: must be 0
 */
struct graviton_blob {
	__u64 ptr;
	__u32 len;
	__u32 flags;
};

#define GRAVITON_AK_CERT_MAX    4096

/**
 * struct graviton_chan_create - create a channel in this file's context
 *
 * A file is one context: the first channel decides whether it is secure
 * (and with which UK_pub); later channels are streams of the same context
 * and share its address space.
 *
 * @flags: in: GRAVITON_CHAN_SECURE or 0
 * @handle: out: the channel's handle (the device channel id)
 * @uk_pub: in (secure): the runtime's public key, P-256 04||X||Y
 * @pad: 0
 * @nonce: in (secure): copied into the quote
 * @quote_ptr: in (secure): user buffer of sizeof(struct gv_quote) bytes
 * @fence_va: out: VA of this channel's fence word (an unprotected page)
 * @summary_ptr: in (secure, uapi 1.3): user buffer of a struct
 *	gv_pte_summary: the summary of the CH_PTE that mapped the fence page
 *	(the channel's first report; 0: not wanted)
 * @reserved: 0
 */
struct graviton_chan_create {
	__u32 flags;
	__u32 handle;
	__u8 uk_pub[65];
	__u8 pad[7];
	__u8 nonce[32];
	__u64 quote_ptr;
	__u64 fence_va;
	__u64 summary_ptr;
	__u64 reserved;
};

#define GRAVITON_CHAN_SECURE    (1u << 0)

/**
 * struct graviton_chan_destroy - destroy a channel
 * @handle: in
 * @flags: in: GRAVITON_DESTROY_AUTH to send @mac (secure channels)
 * @mac: in: the runtime's authorisation (docs/commands.md, CH_DESTROY)
 */
struct graviton_chan_destroy {
	__u32 handle;
	__u32 flags;
	__u8 mac[16];
};

#define GRAVITON_DESTROY_AUTH   (1u << 0)

/**
 * struct graviton_mem_alloc - allocate device memory and map it
 *
 * The range is mapped with one CH_PTE per run of entries that lies in one
 * page table and is at most 1024 entries long; for a secure context each
 * CH_PTE returns a summary, copied to @summaries_ptr in order.
 *
 * @handle: in: a channel of the context (its id goes into the summaries)
 * @flags: in: GRAVITON_MEM_*
 * @size: in: bytes, rounded up to the page size
 * @va: out: virtual address
 * @summaries_ptr: in: user array of struct gv_pte_summary
 * @summaries_cap: in: its capacity (entries)
 * @summaries_count: out: summaries written
 * @reserved: 0
 */
struct graviton_mem_alloc {
	__u32 handle;
	__u32 flags;
	__u64 size;
	__u64 va;
	__u64 summaries_ptr;
	__u32 summaries_cap;
	__u32 summaries_count;
	__u64 reserved[2];
};

#define GRAVITON_MEM_BIG        (1u << 0)  /* 128 KiB pages */
#define GRAVITON_MEM_UNPROTECTED (1u << 1) /* unprotected region (not for secrets) */
#define GRAVITON_MEM_READONLY   (1u << 2)
#define GRAVITON_MEM_FLAGS      (GRAVITON_MEM_BIG | GRAVITON_MEM_UNPROTECTED | \
				 GRAVITON_MEM_READONLY)

/**
 * struct graviton_mem_free - unmap and free an allocation
 * @handle: in: a channel of the context
 * @macs_count: in: entries in @macs_ptr
 * @va: in: the address GRAVITON_IOC_MEM_ALLOC returned
 * @macs_ptr: in: secure contexts: one 16-byte unmap MAC per summary the
 *	allocation returned, in the same order
 * @summaries_ptr: in (uapi 1.3): user array of struct gv_pte_summary: a
 *	secure context's unmapping CH_PTEs each return a summary too (every
 *	mapping change is counted), copied here in order
 * @summaries_cap: in: its capacity (entries; secure: at least macs_count)
 * @summaries_count: out: summaries written
 */
struct graviton_mem_free {
	__u32 handle;
	__u32 macs_count;
	__u64 va;
	__u64 macs_ptr;
	__u64 summaries_ptr;
	__u32 summaries_cap;
	__u32 summaries_count;
};

/**
 * struct graviton_measure - CH_MEASURE a range of a secure channel
 * @handle: in
 * @pad: 0
 * @va: in
 * @size: in
 * @result_ptr: in: user buffer of sizeof(struct gv_measurement) bytes
 */
struct graviton_measure {
	__u32 handle;
	__u32 pad;
	__u64 va;
	__u64 size;
	__u64 result_ptr;
};

/**
 * struct graviton_submit - run a command group from the channel's buffer
 *
 * The channel's command buffer (GRAVITON_CMDBUF_SIZE bytes of DMA memory)
 * is mapped with mmap(offset = handle * GRAVITON_CMDBUF_SIZE); the group
 * is written there (encrypted, for a secure channel) and submitted here.
 *
 * Errors (uapi 1.4).  A group the device refuses as it arrives is
 * reported in @error (and acknowledged: the channel goes on).  A group
 * that fails later (a launch that faults, or a group queued behind a
 * launch that is refused when its turn comes) stops the channel: the
 * groups queued behind it wait, WAIT reports the failure for every fence
 * value the channel has not reached, and SUBMIT refuses with EIO (the
 * error code in @error) until it is given GRAVITON_SUBMIT_CLEAR_ERROR,
 * which acknowledges the failure and lets the queued groups run.
 *
 * @handle: in
 * @flags: in: 0 or GRAVITON_SUBMIT_CLEAR_ERROR
 * @offset: in: where the group starts in the command buffer, a multiple
 *	of 8
 * @len: in: its length
 * @error: out: the device's error code for the group, or for the earlier
 *	failure that stops the channel (EIO); 0: none
 */
struct graviton_submit {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u32 len;
	__u32 error;
};

#define GRAVITON_SUBMIT_CLEAR_ERROR     (1u << 0)
#define GRAVITON_CMDBUF_SIZE    (256u << 10)

/**
 * struct graviton_wait - wait for a channel's fence word to reach a value
 * @handle: in
 * @timeout_ms: in
 * @value: in: wait until the fence word >= value
 * @current_value: out: the fence word when the wait ended
 * @error: out: when the wait fails with EIO, the device's error code for
 *	the channel (e.g. GV_ERR_FAULT: a kernel faulted); 0 otherwise
 * @pad: 0
 *
 * Since uapi 1.2 a LAUNCH runs asynchronously: SUBMIT returns once the
 * group is accepted, and its failure (fault, watchdog) is reported here.
 * A group's bytes in the command buffer may be reused once a WAIT that
 * covers it has returned.
 */
struct graviton_wait {
	__u32 handle;
	__u32 timeout_ms;
	__u64 value;
	__u64 current_value;
	__u32 error;
	__u32 pad;
};

#define GRAVITON_IOC_MAGIC      'G'
#define GRAVITON_IOC_GET_INFO   _IOWR(GRAVITON_IOC_MAGIC, 0x00, struct graviton_info)
#define GRAVITON_IOC_GET_PARAM  _IOWR(GRAVITON_IOC_MAGIC, 0x01, struct graviton_param)
#define GRAVITON_IOC_GET_AK_INFO _IOR(GRAVITON_IOC_MAGIC, 0x02, struct graviton_ak_info)
#define GRAVITON_IOC_SET_AK_CERT _IOW(GRAVITON_IOC_MAGIC, 0x03, struct graviton_blob)
#define GRAVITON_IOC_GET_AK_CERT _IOWR(GRAVITON_IOC_MAGIC, 0x04, struct graviton_blob)
#define GRAVITON_IOC_CHAN_CREATE _IOWR(GRAVITON_IOC_MAGIC, 0x10, struct graviton_chan_create)
#define GRAVITON_IOC_CHAN_DESTROY _IOW(GRAVITON_IOC_MAGIC, 0x11, struct graviton_chan_destroy)
#define GRAVITON_IOC_MEM_ALLOC  _IOWR(GRAVITON_IOC_MAGIC, 0x12, struct graviton_mem_alloc)
#define GRAVITON_IOC_MEM_FREE   _IOWR(GRAVITON_IOC_MAGIC, 0x13, struct graviton_mem_free)
#define GRAVITON_IOC_MEASURE    _IOW(GRAVITON_IOC_MAGIC, 0x14, struct graviton_measure)
#define GRAVITON_IOC_SUBMIT     _IOWR(GRAVITON_IOC_MAGIC, 0x15, struct graviton_submit)
#define GRAVITON_IOC_WAIT       _IOWR(GRAVITON_IOC_MAGIC, 0x16, struct graviton_wait)

#ifdef __cplusplus
#define GRAVITON_STATIC_ASSERT static_assert
#else
#define GRAVITON_STATIC_ASSERT _Static_assert
#endif
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_info) == 88, "graviton_info ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_param) == 16, "graviton_param ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_ak_info) == 208, "graviton_ak_info ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_blob) == 16, "graviton_blob ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_chan_create) == 144, "graviton_chan_create ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_chan_destroy) == 24, "graviton_chan_destroy ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_mem_alloc) == 56, "graviton_mem_alloc ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_mem_free) == 40, "graviton_mem_free ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_measure) == 32, "graviton_measure ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_submit) == 24, "graviton_submit ABI");
GRAVITON_STATIC_ASSERT(sizeof(struct graviton_wait) == 32, "graviton_wait ABI");

#endif /* GRAVITON_UAPI_H */
