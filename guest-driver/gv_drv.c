// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: PCI probe/remove and interrupts.
 *
 * This is the untrusted driver of the threat model: it manages the device,
 * but every security decision is taken by the device's command processor.
 */
#include <linux/interrupt.h>
#include <linux/module.h>

#include "gv_drv.h"

static irqreturn_t gv_irq(int irq, void *arg)
{
	struct gv_device *gdev = arg;
	u32 status = gv_rd(gdev, GV_REG_INTR_STATUS);

	if (!status)
		return IRQ_NONE;	/* shared INTx line, not ours */
	gv_wr(gdev, GV_REG_INTR_ACK, status);
	atomic_inc(&gdev->irq_count);
	if (status & GV_INTR_SOFT)
		complete(&gdev->selftest_done);
	return IRQ_HANDLED;
}

/* Raise a software interrupt and wait for it: proves the interrupt path. */
static void gv_irq_selftest(struct gv_device *gdev)
{
	reinit_completion(&gdev->selftest_done);
	gv_wr(gdev, GV_REG_INTR_RAISE, 1);
	gdev->irq_selftest_ok =
		wait_for_completion_timeout(&gdev->selftest_done, HZ) != 0;
	if (!gdev->irq_selftest_ok)
		dev_warn(&gdev->pdev->dev, "interrupt self-test timed out\n");
}

static int gv_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct gv_device *gdev;
	int ret;
	u32 magic;

	gdev = devm_kzalloc(&pdev->dev, sizeof(*gdev), GFP_KERNEL);
	if (!gdev)
		return -ENOMEM;
	gdev->pdev = pdev;
	atomic_set(&gdev->irq_count, 0);
	init_completion(&gdev->selftest_done);
	pci_set_drvdata(pdev, gdev);

	ret = pcim_enable_device(pdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot enable device: %d\n", ret);
		return ret;
	}
	ret = pcim_iomap_regions(pdev, BIT(GV_BAR_REGS), GV_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot map BAR0: %d\n", ret);
		return ret;
	}
	gdev->regs = pcim_iomap_table(pdev)[GV_BAR_REGS];
	if (pci_resource_len(pdev, GV_BAR_REGS) < GV_REGS_SIZE) {
		dev_err(&pdev->dev, "BAR0 too small\n");
		return -ENODEV;
	}
	gdev->vram_bar = pci_resource_start(pdev, GV_BAR_VRAM);
	gdev->vram_bar_size = pci_resource_len(pdev, GV_BAR_VRAM);

	magic = gv_rd(gdev, GV_REG_ID);
	gdev->abi_version = gv_rd(gdev, GV_REG_VERSION);
	if (magic != GV_ID_MAGIC ||
	    (gdev->abi_version >> 16) != GV_ABI_MAJOR) {
		dev_err(&pdev->dev, "unsupported device: id 0x%08x abi 0x%08x\n",
			magic, gdev->abi_version);
		return -ENODEV;
	}
	gdev->fw_version = gv_rd(gdev, GV_REG_FW_VERSION);
	gdev->vram_size = gv_rd(gdev, GV_REG_VRAM_SIZE_LO) |
			  (u64)gv_rd(gdev, GV_REG_VRAM_SIZE_HI) << 32;
	if (gdev->vram_size > gdev->vram_bar_size) {
		dev_err(&pdev->dev, "device memory larger than its BAR\n");
		return -ENODEV;
	}

	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (ret < 0) {
		dev_err(&pdev->dev, "no interrupt vector: %d\n", ret);
		return ret;
	}
	gdev->msi = pdev->msi_enabled;
	ret = request_irq(pci_irq_vector(pdev, 0), gv_irq, IRQF_SHARED,
			  GV_DRV_NAME, gdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot request irq: %d\n", ret);
		goto err_free_vectors;
	}
	gv_wr(gdev, GV_REG_INTR_MASK, GV_INTR_ALL);
	gv_irq_selftest(gdev);

	ret = gv_chardev_add(gdev);
	if (ret)
		goto err_mask_irq;

	dev_info(&pdev->dev,
		 "graviton%d: abi %u.%u fw 0x%08x, %llu MiB device memory, %s\n",
		 gdev->minor, gdev->abi_version >> 16,
		 gdev->abi_version & 0xffff, gdev->fw_version,
		 gdev->vram_size >> 20, gdev->msi ? "MSI" : "INTx");
	return 0;

err_mask_irq:
	gv_wr(gdev, GV_REG_INTR_MASK, 0);
	free_irq(pci_irq_vector(pdev, 0), gdev);
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void gv_remove(struct pci_dev *pdev)
{
	struct gv_device *gdev = pci_get_drvdata(pdev);

	gv_chardev_remove(gdev);
	gv_wr(gdev, GV_REG_INTR_MASK, 0);
	free_irq(pci_irq_vector(pdev, 0), gdev);
	pci_free_irq_vectors(pdev);
}

static const struct pci_device_id gv_pci_ids[] = {
	{ PCI_DEVICE(GV_PCI_VENDOR_ID, GV_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, gv_pci_ids);

static struct pci_driver gv_pci_driver = {
	.name = GV_DRV_NAME,
	.id_table = gv_pci_ids,
	.probe = gv_probe,
	.remove = gv_remove,
};

static int __init gv_init(void)
{
	int ret = gv_chardev_init();

	if (ret)
		return ret;
	ret = pci_register_driver(&gv_pci_driver);
	if (ret)
		gv_chardev_exit();
	return ret;
}

static void __exit gv_exit(void)
{
	pci_unregister_driver(&gv_pci_driver);
	gv_chardev_exit();
}

module_init(gv_init);
module_exit(gv_exit);

MODULE_DESCRIPTION("Graviton trusted GPU (emulated) guest driver");
MODULE_LICENSE("GPL");
