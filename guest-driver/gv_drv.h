/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton GPU guest driver: shared state of the driver's files. */
#ifndef GV_DRV_H
#define GV_DRV_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/wait.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "graviton/graviton_uapi.h"

#define GV_DRV_NAME "graviton"
#define GV_MAX_DEVICES 16
#define GV_BOOT_CHID 0
#define GV_BOOT_RING_ENTRIES 64
#define GV_BOOT_BUF_SIZE (64u << 10)    /* one group + its result */

/* gen_pool returns 0 for "no memory": pool addresses are biased. */
#define GV_POOL_BIAS BIT_ULL(48)

struct gv_device {
	/*
	 * Lifetime: open files hold references, so the structure (and the
	 * memory pools their contexts return memory to) outlives an unbind.
	 * @gone is set when the device is removed; from then on nothing may
	 * touch the hardware.  Every file operation holds @gone_lock for
	 * reading and checks @gone; remove takes it for writing.
	 */
	struct kref ref;
	struct rw_semaphore gone_lock;
	bool gone;

	struct pci_dev *pdev;
	void __iomem *regs;		/* BAR0 */
	void __iomem *unprot;		/* BAR2 window onto the unprotected region */
	resource_size_t vram_bar;	/* BAR2 bus address */
	resource_size_t vram_bar_size;
	u64 vram_size;			/* as the device reports it */
	u32 abi_version;
	u32 fw_version;
	bool msi;

	/* regions, as configured and locked at probe */
	u64 unprot_size, prot_size, hidden_size;
	struct gen_pool *prot_pool;	/* protected pages */
	struct gen_pool *unprot_pool;	/* unprotected pages */
	/* ranges the device would not give back (a failed CH_DESTROY, e.g.
	 * after a reset behind our back): never handed out again, returned
	 * to their pool only when the pools go */
	struct mutex quarantine_lock;
	struct list_head quarantine;

	/* the bootstrap channel: every CH_* goes through it */
	struct mutex boot_lock;
	struct gv_gpfifo_entry *boot_ring;
	dma_addr_t boot_ring_dma;
	u8 *boot_buf;			/* group at 0, result at GV_BOOT_BUF_SIZE/2 */
	dma_addr_t boot_buf_dma;
	u32 boot_put;
	u64 boot_desc;

	/* channel ids 1..63, shared by every context on the device */
	struct ida chids;

	/* attestation */
	struct graviton_ak_info ak;
	struct mutex cert_lock;	/* ak_cert */
	u8 *ak_cert;
	u32 ak_cert_len;

	int minor;
	struct cdev *cdev;		/* refcounted on its own: open files
					 * may outlive this structure's
					 * device */
	struct device *chardev;
	struct dentry *debugfs;

	/* all open contexts, for debugfs */
	struct mutex ctx_lock;
	struct list_head contexts;

	atomic_t irq_count;
	atomic_t chan_irq_count;
	/* the last error code the device reported per channel (ISR) */
	u32 chan_err[GV_MAX_CHANNELS];
	atomic_t error_irq_count;
	wait_queue_head_t fence_wq;
	struct completion selftest_done;
	bool irq_selftest_ok;
};

void gv_device_put(struct gv_device *gdev);

/* Register accessors: the register's name goes into the debug log. */
#define gv_rd(gdev, reg) gv_rd_named(gdev, reg, #reg)
#define gv_wr(gdev, reg, val) gv_wr_named(gdev, reg, val, #reg)

static inline u32 gv_rd_named(struct gv_device *gdev, u32 reg,
			      const char *name)
{
	u32 v = readl(gdev->regs + reg);

	dev_dbg(&gdev->pdev->dev, "rd %s = 0x%08x\n", name, v);
	return v;
}

static inline void gv_wr_named(struct gv_device *gdev, u32 reg, u32 val,
			       const char *name)
{
	dev_dbg(&gdev->pdev->dev, "wr %s = 0x%08x\n", name, val);
	writel(val, gdev->regs + reg);
}

/* gv_boot.c: management commands through the bootstrap channel */
int gv_boot_init(struct gv_device *gdev);
void gv_boot_fini(struct gv_device *gdev);
/*
 * Run one command (@cmd, @len bytes) on the bootstrap channel.  If
 * @result is not NULL the command's result_addr must point at the
 * bootstrap result area (gv_boot_result_addr()) and @result_len bytes are
 * copied back.  Returns the device's GV_ERR_* code (0 on success) or a
 * negative errno for driver failures.
 */
int gv_boot_cmd(struct gv_device *gdev, const void *cmd, u32 len,
		void *result, u32 result_len);
u64 gv_boot_result_addr(struct gv_device *gdev);
/* One mapping of device error codes to errno. */
int gv_err_to_errno(int gv_err);

/* gv_drv.c: the test-only x_tamper mode (GV_TAMPER_* kinds) */
#define GV_TAMPER_QUOTE		1u
#define GV_TAMPER_SUMMARY	2u
#define GV_TAMPER_MEASUREMENT	4u
#define GV_TAMPER_CERT		8u
#define GV_TAMPER_COPY_IN	16u	/* before a SUBMIT */
#define GV_TAMPER_COPY_OUT	32u	/* after a WAIT */
/* Where the runtime stages copy data in its command buffer (the first
 * byte of its data area: runtime/gvrt_stream_int.h). */
#define GV_TAMPER_DATA_OFF	(16u << 10)
void gv_tamper(unsigned int kind, void *buf, size_t len);
void gv_tamper_byte(unsigned int kind, u8 *p);
bool gv_tamper_armed(unsigned int kind);

/* gv_mem.c: device-physical memory */
int gv_mem_init(struct gv_device *gdev);
void gv_mem_fini(struct gv_device *gdev);
u64 gv_prot_alloc(struct gv_device *gdev, u64 bytes, u64 align);
void gv_prot_free(struct gv_device *gdev, u64 pa, u64 bytes);
u64 gv_unprot_alloc(struct gv_device *gdev, u64 bytes, u64 align);
void gv_unprot_free(struct gv_device *gdev, u64 pa, u64 bytes);
void gv_mem_quarantine(struct gv_device *gdev, bool prot, u64 pa, u64 bytes);
#define GV_NO_MEM (~0ull)

/* gv_ctx.c: contexts (one per open file), channels, memory */
struct gv_ctx;
struct gv_ctx *gv_ctx_create(struct gv_device *gdev);
void gv_ctx_destroy(struct gv_ctx *ctx);
long gv_ctx_chan_create(struct gv_ctx *ctx, struct graviton_chan_create *a);
long gv_ctx_chan_destroy(struct gv_ctx *ctx, struct graviton_chan_destroy *a);
long gv_ctx_mem_alloc(struct gv_ctx *ctx, struct graviton_mem_alloc *a);
long gv_ctx_mem_free(struct gv_ctx *ctx, struct graviton_mem_free *a);
long gv_ctx_measure(struct gv_ctx *ctx, struct graviton_measure *a);
long gv_ctx_submit(struct gv_ctx *ctx, struct graviton_submit *a);
long gv_ctx_wait(struct gv_ctx *ctx, struct graviton_wait *a);
int gv_ctx_mmap(struct gv_ctx *ctx, struct vm_area_struct *vma);
void gv_ctx_show_all(struct gv_device *gdev, struct seq_file *m);

/* gv_chardev.c */
int gv_chardev_init(void);
void gv_chardev_exit(void);
int gv_chardev_add(struct gv_device *gdev);
void gv_chardev_remove(struct gv_device *gdev);

/* gv_debugfs.c */
void gv_debugfs_init(struct gv_device *gdev);
void gv_debugfs_fini(struct gv_device *gdev);
void gv_debugfs_exit(void);

#endif /* GV_DRV_H */
