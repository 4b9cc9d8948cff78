// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: debugfs.
 *
 *   /sys/kernel/debug/graviton/<pci-name>/state   regions, memory use,
 *       interrupt and error counters, every context and its channels
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "gv_drv.h"

static struct dentry *gv_debugfs_root;

static int gv_state_show(struct seq_file *m, void *unused)
{
	struct gv_device *gdev = m->private;

	seq_printf(m, "device memory: %llu KiB unprotected (%zu free), %llu KiB protected (%zu free), %llu KiB hidden\n",
		   gdev->unprot_size >> 10,
		   gen_pool_avail(gdev->unprot_pool) >> 10,
		   gdev->prot_size >> 10, gen_pool_avail(gdev->prot_pool) >> 10,
		   gdev->hidden_size >> 10);
	seq_printf(m, "attestation: status 0x%x\n", gdev->ak.status);
	seq_printf(m, "interrupts: %d (channel %d, error %d)\n",
		   atomic_read(&gdev->irq_count),
		   atomic_read(&gdev->chan_irq_count),
		   atomic_read(&gdev->error_irq_count));
	seq_printf(m, "device errors: %u, refused BAR accesses: %u, refused protected accesses: %u\n",
		   readl(gdev->regs + GV_REG_ERROR_COUNT),
		   readl(gdev->regs + GV_REG_BAD_ACCESS_COUNT),
		   readl(gdev->regs + GV_REG_PROT_ACCESS_COUNT));
	gv_ctx_show_all(gdev, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gv_state);

void gv_debugfs_init(struct gv_device *gdev)
{
	if (!gv_debugfs_root)
		gv_debugfs_root = debugfs_create_dir(GV_DRV_NAME, NULL);
	gdev->debugfs = debugfs_create_dir(pci_name(gdev->pdev),
					   gv_debugfs_root);
	debugfs_create_file("state", 0444, gdev->debugfs, gdev,
			    &gv_state_fops);
}

void gv_debugfs_fini(struct gv_device *gdev)
{
	debugfs_remove_recursive(gdev->debugfs);
	gdev->debugfs = NULL;
}

void gv_debugfs_exit(void)
{
	debugfs_remove_recursive(gv_debugfs_root);
	gv_debugfs_root = NULL;
}
