/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton GPU guest driver: shared state of the driver's files. */
#ifndef GV_DRV_H
#define GV_DRV_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/pci.h>

#include "graviton/gv_regs.h"

#define GV_DRV_NAME "graviton"
#define GV_MAX_DEVICES 16

struct gv_device {
	struct pci_dev *pdev;
	void __iomem *regs;		/* BAR0 */
	resource_size_t vram_bar;	/* BAR2 bus address */
	resource_size_t vram_bar_size;
	u64 vram_size;			/* as the device reports it */
	u32 abi_version;
	u32 fw_version;
	bool msi;

	int minor;
	struct cdev cdev;
	struct device *chardev;

	atomic_t irq_count;
	struct completion selftest_done;
	bool irq_selftest_ok;
};

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

/* gv_chardev.c */
int gv_chardev_init(void);
void gv_chardev_exit(void);
int gv_chardev_add(struct gv_device *gdev);
void gv_chardev_remove(struct gv_device *gdev);

#endif /* GV_DRV_H */
