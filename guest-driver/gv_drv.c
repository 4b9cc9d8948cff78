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

/*
 * x_tamper: a TEST-ONLY malicious mode, off by default.  Each bit makes the
 * driver corrupt the next result of one kind it relays to user space (one
 * byte inside what the device MAC'd or signed, or the CA signed), or the
 * first byte of the runtime's copy data in a command buffer (the sealed
 * data of a copy to the device before its SUBMIT, of a copy to the host
 * after its WAIT), once, then clears itself:
 * the guest test cuda_tamper shows that the trusted runtime refuses each
 * lie with the check named.  Setting it taints the kernel.
 */
static unsigned int x_tamper;
static int x_tamper_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_uint(val, kp);

	if (!err && x_tamper) {
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
		pr_warn("graviton: x_tamper=0x%x: this driver now lies to its users (test mode)\n",
			x_tamper);
	}
	return err;
}

static const struct kernel_param_ops x_tamper_ops = {
	.set = x_tamper_set,
	.get = param_get_uint,
};
module_param_cb(x_tamper, &x_tamper_ops, &x_tamper, 0644);
MODULE_PARM_DESC(x_tamper,
		 "TEST ONLY: corrupt the next relayed result (1 quote, 2 summary, 4 measurement, 8 AK certificate, 16 copy data in, 32 copy data out)");

bool gv_tamper_armed(unsigned int kind)
{
	return READ_ONCE(x_tamper) & kind;
}

void gv_tamper_byte(unsigned int kind, u8 *p)
{
	unsigned int old = READ_ONCE(x_tamper);

	if (!(old & kind) || cmpxchg(&x_tamper, old, old & ~kind) != old)
		return;
	*p ^= 0x01;
	pr_warn("graviton: x_tamper: corrupted a relayed result (kind %u)\n",
		kind);
}

void gv_tamper(unsigned int kind, void *buf, size_t len)
{
	if (len > 40)
		gv_tamper_byte(kind, (u8 *)buf + 40);
}

static unsigned int unprot_mib;
module_param(unprot_mib, uint, 0444);
MODULE_PARM_DESC(unprot_mib,
		 "unprotected region in MiB (default: 1/16 of device memory, at least 4)");

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
	if (status & GV_INTR_ERROR) {
		u32 chid = gv_rd(gdev, GV_REG_ERROR_CHID);

		atomic_inc(&gdev->error_irq_count);
		if (chid < GV_MAX_CHANNELS)
			WRITE_ONCE(gdev->chan_err[chid],
				   gv_rd(gdev, GV_REG_ERROR_CODE));
		wake_up_all(&gdev->fence_wq);
	}
	if (status & GV_INTR_LAUNCH)
		wake_up_all(&gdev->fence_wq);
	if (status & GV_INTR_CHANNEL) {
		atomic_inc(&gdev->chan_irq_count);
		wake_up_all(&gdev->fence_wq);
	}
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

static u64 rd64(struct gv_device *gdev, u32 lo, u32 hi)
{
	return readl(gdev->regs + lo) | (u64)readl(gdev->regs + hi) << 32;
}

/*
 * Split device memory: U unprotected (module parameter), the hidden
 * region as small as the device needs for the PMM of what is left, the
 * rest protected.  Then lock: the split holds until device reset.
 */
static int gv_regions_setup(struct gv_device *gdev)
{
	u64 vram = gdev->vram_size, u, p, need;

	u = unprot_mib ? (u64)unprot_mib << 20 : max_t(u64, vram / 16, SZ_4M);
	u = round_up(u, GV_REGION_ALIGN);
	if (u >= vram / 2) {
		dev_err(&gdev->pdev->dev, "unprotected region too large\n");
		return -EINVAL;
	}
	p = vram - u;
	for (int i = 0; i < 4; i++) {
		gv_wr(gdev, GV_REG_PROT_SIZE_LO, lower_32_bits(p));
		gv_wr(gdev, GV_REG_PROT_SIZE_HI, upper_32_bits(p));
		need = round_up(rd64(gdev, GV_REG_HIDDEN_NEEDED_LO,
				     GV_REG_HIDDEN_NEEDED_HI), GV_REGION_ALIGN);
		if (u + p + need <= vram)
			break;
		p = vram - u - need;
	}
	gv_wr(gdev, GV_REG_UNPROT_SIZE_LO, lower_32_bits(u));
	gv_wr(gdev, GV_REG_UNPROT_SIZE_HI, upper_32_bits(u));
	gv_wr(gdev, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
	if (gv_rd(gdev, GV_REG_REGION_LOCK) != 1) {
		dev_err(&gdev->pdev->dev, "region lock refused (error %u)\n",
			gv_rd(gdev, GV_REG_ERROR_CODE));
		return -EIO;
	}
	gdev->unprot_size = u;
	gdev->prot_size = p;
	gdev->hidden_size = rd64(gdev, GV_REG_HIDDEN_SIZE_LO,
				 GV_REG_HIDDEN_SIZE_HI);
	return 0;
}

static void gv_read_bytes(struct gv_device *gdev, u32 reg, u8 *out, size_t n)
{
	for (size_t i = 0; i < n; i += 4) {
		u32 v = readl(gdev->regs + reg + i);

		memcpy(out + i, &v, min_t(size_t, 4, n - i));
	}
}

static void gv_read_ak(struct gv_device *gdev)
{
	struct graviton_ak_info *ak = &gdev->ak;

	ak->status = gv_rd(gdev, GV_REG_ATTEST_STATUS);
	ak->fw_version = gdev->fw_version;
	gv_read_bytes(gdev, GV_REG_AK_PUB, ak->ak_pub, sizeof(ak->ak_pub));
	gv_read_bytes(gdev, GV_REG_AK_SIG, ak->ak_sig, sizeof(ak->ak_sig));
	gv_read_bytes(gdev, GV_REG_EK_PUB, ak->ek_pub, sizeof(ak->ek_pub));
}

static void gv_device_release(struct kref *ref)
{
	struct gv_device *gdev = container_of(ref, struct gv_device, ref);

	gv_mem_fini(gdev);
	ida_destroy(&gdev->chids);
	kfree(gdev->ak_cert);
	pci_dev_put(gdev->pdev);
	kfree(gdev);
}

void gv_device_put(struct gv_device *gdev)
{
	kref_put(&gdev->ref, gv_device_release);
}

static int gv_probe_hw(struct gv_device *gdev)
{
	struct pci_dev *pdev = gdev->pdev;
	int ret;
	u32 magic;

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
	ret = gv_regions_setup(gdev);
	if (ret)
		return ret;
	/* Only the unprotected region is ever mapped: the rest would read
	 * as all ones anyway. */
	gdev->unprot = pcim_iomap(pdev, GV_BAR_VRAM, gdev->unprot_size);
	if (!gdev->unprot) {
		dev_err(&pdev->dev, "cannot map the unprotected region\n");
		return -ENOMEM;
	}
	gv_read_ak(gdev);

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

	ret = gv_mem_init(gdev);
	if (ret)
		goto err_mask_irq;
	ret = gv_boot_init(gdev);
	if (ret)
		goto err_mem;
	ret = gv_chardev_add(gdev);
	if (ret)
		goto err_boot;
	gv_debugfs_init(gdev);

	dev_info(&pdev->dev,
		 "graviton%d: abi %u.%u fw 0x%08x, %llu MiB device memory (%llu unprotected, %llu protected, %llu hidden), %s, attestation %s\n",
		 gdev->minor, gdev->abi_version >> 16,
		 gdev->abi_version & 0xffff, gdev->fw_version,
		 gdev->vram_size >> 20, gdev->unprot_size >> 20,
		 gdev->prot_size >> 20, gdev->hidden_size >> 20,
		 gdev->msi ? "MSI" : "INTx",
		 gdev->ak.status & GV_ATTEST_AK ? "on" : "off");
	return 0;

err_boot:
	gv_boot_fini(gdev);
err_mem:
	gv_mem_fini(gdev);
err_mask_irq:
	gv_wr(gdev, GV_REG_INTR_MASK, 0);
	free_irq(pci_irq_vector(pdev, 0), gdev);
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static int gv_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct gv_device *gdev;
	int ret;

	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL);
	if (!gdev)
		return -ENOMEM;
	kref_init(&gdev->ref);
	init_rwsem(&gdev->gone_lock);
	mutex_init(&gdev->quarantine_lock);
	INIT_LIST_HEAD(&gdev->quarantine);
	gdev->pdev = pci_dev_get(pdev);
	atomic_set(&gdev->irq_count, 0);
	atomic_set(&gdev->chan_irq_count, 0);
	atomic_set(&gdev->error_irq_count, 0);
	init_completion(&gdev->selftest_done);
	init_waitqueue_head(&gdev->fence_wq);
	mutex_init(&gdev->ctx_lock);
	mutex_init(&gdev->cert_lock);
	INIT_LIST_HEAD(&gdev->contexts);
	ida_init(&gdev->chids);
	pci_set_drvdata(pdev, gdev);

	ret = gv_probe_hw(gdev);
	if (ret) {
		pci_set_drvdata(pdev, NULL);
		gv_device_put(gdev);
	}
	return ret;
}

static void gv_remove(struct pci_dev *pdev)
{
	struct gv_device *gdev = pci_get_drvdata(pdev);

	gv_debugfs_fini(gdev);
	gv_chardev_remove(gdev);	/* no new opens */
	/* Files may stay open (an unbind through sysfs): from here on they
	 * get ENODEV and never touch the hardware.  Waiters are woken first
	 * so that they drop gone_lock. */
	WRITE_ONCE(gdev->gone, true);
	wake_up_all(&gdev->fence_wq);
	down_write(&gdev->gone_lock);
	/* A device reset scrubs protected memory and forgets every key: the
	 * next driver starts from a clean device. */
	gv_wr(gdev, GV_REG_RESET, GV_RESET_MAGIC);
	gv_wr(gdev, GV_REG_INTR_MASK, 0);
	free_irq(pci_irq_vector(pdev, 0), gdev);
	pci_free_irq_vectors(pdev);
	gv_boot_fini(gdev);
	up_write(&gdev->gone_lock);
	pci_set_drvdata(pdev, NULL);
	gv_device_put(gdev);		/* the probe's reference */
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
	gv_debugfs_exit();
}

module_init(gv_init);
module_exit(gv_exit);

MODULE_DESCRIPTION("Graviton trusted GPU (emulated) guest driver");
MODULE_LICENSE("GPL");
