// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gv_attack: ATTACK TOOL for security research on the emulated Graviton
 * GPU.  NOT a driver, never load it on a system you care about.
 *
 * The threat model (docs/attacker.md, design.md section 1) makes the GPU
 * driver the adversary.  Our own driver (graviton.ko) is honest, so the
 * guest tests that go through it test the driver's refusals, not the
 * device's.  This module puts a root process in the malicious driver's
 * position while the honest driver stays bound and victims keep running
 * through it: it finds the device with pci_get_device() without binding
 * to it and exposes /dev/gv_attack (root only) with
 *
 *   - mmap of BAR0 (every register, every channel's control area) and of
 *     the BAR2 aperture (device memory, as the host sees it);
 *   - DMA-coherent buffers of the device, with their bus addresses, to
 *     hold the attacker's own rings, command groups, results and host
 *     windows, mmap-able by the process;
 *   - reads and writes of guest RAM by physical address, to record and
 *     rewrite the honest driver's rings, command groups and buffers;
 *   - access to the device's PCI configuration space (MSI address/data).
 *
 * Nothing here checks what the process does with it: the device must.
 */
#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "graviton/gv_regs.h"
#include "gv_attack_uapi.h"

static struct pci_dev *gva_pdev;

/* A DMA buffer: the file and every mapping hold a reference. */
struct gva_buf {
	struct kref ref;
	struct list_head node;
	u32 id;
	size_t size;
	void *cpu;
	dma_addr_t bus;
};

struct gva_file {
	struct mutex lock;		/* protects bufs, next_id, nbufs */
	struct list_head bufs;
	u32 next_id;
	u32 nbufs;
};

static void gva_buf_release(struct kref *ref)
{
	struct gva_buf *b = container_of(ref, struct gva_buf, ref);

	dma_free_coherent(&gva_pdev->dev, b->size, b->cpu, b->bus);
	kfree(b);
}

static void gva_buf_put(struct gva_buf *b)
{
	kref_put(&b->ref, gva_buf_release);
}

static void gva_vm_open(struct vm_area_struct *vma)
{
	struct gva_buf *b = vma->vm_private_data;

	kref_get(&b->ref);
}

static void gva_vm_close(struct vm_area_struct *vma)
{
	gva_buf_put(vma->vm_private_data);
}

static const struct vm_operations_struct gva_buf_vm_ops = {
	.open = gva_vm_open,
	.close = gva_vm_close,
};

static int gva_open(struct inode *inode, struct file *file)
{
	struct gva_file *f;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->bufs);
	file->private_data = f;
	return 0;
}

static int gva_release(struct inode *inode, struct file *file)
{
	struct gva_file *f = file->private_data;
	struct gva_buf *b, *tmp;

	list_for_each_entry_safe(b, tmp, &f->bufs, node) {
		list_del(&b->node);
		gva_buf_put(b);		/* mappings may keep it */
	}
	kfree(f);
	return 0;
}

static struct gva_buf *gva_find(struct gva_file *f, u32 id)
{
	struct gva_buf *b;

	list_for_each_entry(b, &f->bufs, node)
		if (b->id == id)
			return b;
	return NULL;
}

static int gva_mmap_bar(struct vm_area_struct *vma, int bar, u64 off)
{
	resource_size_t start = pci_resource_start(gva_pdev, bar);
	resource_size_t len = pci_resource_len(gva_pdev, bar);
	unsigned long size = vma->vm_end - vma->vm_start;

	if (!start || off > len || size > len - off)
		return -EINVAL;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, (start + off) >> PAGE_SHIFT,
				  size, vma->vm_page_prot);
}

static int gva_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gva_file *f = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct gva_buf *b;
	u64 boff;
	int err;

	if (off < GVA_MMAP_BAR2)
		return gva_mmap_bar(vma, GV_BAR_REGS, off - GVA_MMAP_BAR0);
	if (off < GVA_MMAP_DMA_BASE)
		return gva_mmap_bar(vma, GV_BAR_VRAM, off - GVA_MMAP_BAR2);

	boff = (off - GVA_MMAP_DMA_BASE) % GVA_DMA_MAX;
	mutex_lock(&f->lock);
	b = gva_find(f, (off - GVA_MMAP_DMA_BASE) / GVA_DMA_MAX);
	err = -EINVAL;
	if (b && !boff && size <= b->size) {
		vma->vm_pgoff = 0;
		err = dma_mmap_coherent(&gva_pdev->dev, vma, b->cpu, b->bus,
					size);
		if (!err) {
			vma->vm_private_data = b;
			vma->vm_ops = &gva_buf_vm_ops;
			kref_get(&b->ref);
		}
	}
	mutex_unlock(&f->lock);
	return err;
}

static long gva_dma_alloc(struct gva_file *f, void __user *arg)
{
	struct gva_dma_alloc a;
	struct gva_buf *b;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!a.size || a.size > GVA_DMA_MAX || a.pad)
		return -EINVAL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	kref_init(&b->ref);
	b->size = PAGE_ALIGN(a.size);
	b->cpu = dma_alloc_coherent(&gva_pdev->dev, b->size, &b->bus,
				    GFP_KERNEL);
	if (!b->cpu) {
		kfree(b);
		return -ENOMEM;
	}
	memset(b->cpu, 0, b->size);
	mutex_lock(&f->lock);
	if (f->nbufs >= GVA_DMA_MAX_BUFS) {
		mutex_unlock(&f->lock);
		gva_buf_put(b);
		return -ENOSPC;
	}
	/* ids are not reused while the file is open */
	b->id = f->next_id++;
	list_add_tail(&b->node, &f->bufs);
	f->nbufs++;
	mutex_unlock(&f->lock);
	a.bus = b->bus;
	a.id = b->id;
	a.mmap_offset = GVA_MMAP_DMA(b->id);
	if (copy_to_user(arg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long gva_dma_free(struct gva_file *f, void __user *arg)
{
	struct gva_dma_free d;
	struct gva_buf *b;

	if (copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	if (d.pad)
		return -EINVAL;
	mutex_lock(&f->lock);
	b = gva_find(f, d.id);
	if (b) {
		list_del(&b->node);
		f->nbufs--;
	}
	mutex_unlock(&f->lock);
	if (!b)
		return -ENOENT;
	gva_buf_put(b);
	return 0;
}

/* Guest RAM by physical address, a page at a time (MMIO is refused). */
static long gva_phys(void __user *arg)
{
	struct gva_phys p;
	u64 done = 0;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.pad || p.write > 1 || !p.len || p.len > GVA_PHYS_MAX ||
	    p.addr + p.len < p.addr)
		return -EINVAL;
	while (done < p.len) {
		u64 a = p.addr + done;
		unsigned long pfn = a >> PAGE_SHIFT;
		size_t off = offset_in_page(a);
		size_t n = min_t(u64, PAGE_SIZE - off, p.len - done);
		void __user *u = u64_to_user_ptr(p.ptr + done);
		unsigned long left;
		void *k;

		if (!pfn_valid(pfn) || !page_is_ram(pfn))
			return -EFAULT;
		k = kmap_local_page(pfn_to_page(pfn));
		if (p.write)
			left = copy_from_user(k + off, u, n);
		else
			left = copy_to_user(u, k + off, n);
		kunmap_local(k);
		if (left)
			return -EFAULT;
		done += n;
	}
	return 0;
}

static long gva_cfg(void __user *arg)
{
	struct gva_cfg c;
	int err;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if ((c.size != 1 && c.size != 2 && c.size != 4) || c.write > 1 ||
	    c.offset >= 4096 || c.offset % c.size)
		return -EINVAL;
	if (c.write) {
		switch (c.size) {
		case 1:
			err = pci_write_config_byte(gva_pdev, c.offset, c.value);
			break;
		case 2:
			err = pci_write_config_word(gva_pdev, c.offset, c.value);
			break;
		default:
			err = pci_write_config_dword(gva_pdev, c.offset, c.value);
			break;
		}
		return pcibios_err_to_errno(err);
	}
	switch (c.size) {
	case 1: {
		u8 v;

		err = pci_read_config_byte(gva_pdev, c.offset, &v);
		c.value = v;
		break;
	}
	case 2: {
		u16 v;

		err = pci_read_config_word(gva_pdev, c.offset, &v);
		c.value = v;
		break;
	}
	default:
		err = pci_read_config_dword(gva_pdev, c.offset, &c.value);
		break;
	}
	if (err)
		return pcibios_err_to_errno(err);
	return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long gva_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gva_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case GVA_IOC_INFO: {
		struct gva_info i = {
			.bar0_bus = pci_resource_start(gva_pdev, GV_BAR_REGS),
			.bar0_size = pci_resource_len(gva_pdev, GV_BAR_REGS),
			.bar2_bus = pci_resource_start(gva_pdev, GV_BAR_VRAM),
			.bar2_size = pci_resource_len(gva_pdev, GV_BAR_VRAM),
			.pci_domain = pci_domain_nr(gva_pdev->bus),
			.pci_bdf = gva_pdev->bus->number << 8 | gva_pdev->devfn,
			.msi_cap = gva_pdev->msi_cap,
			.driver_bound = !!gva_pdev->dev.driver,
		};

		return copy_to_user(uarg, &i, sizeof(i)) ? -EFAULT : 0;
	}
	case GVA_IOC_DMA_ALLOC:
		return gva_dma_alloc(f, uarg);
	case GVA_IOC_DMA_FREE:
		return gva_dma_free(f, uarg);
	case GVA_IOC_PHYS:
		return gva_phys(uarg);
	case GVA_IOC_CFG:
		return gva_cfg(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gva_fops = {
	.owner = THIS_MODULE,
	.open = gva_open,
	.release = gva_release,
	.mmap = gva_mmap,
	.unlocked_ioctl = gva_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice gva_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "gv_attack",
	.fops = &gva_fops,
	.mode = 0600,
};

static int __init gva_init(void)
{
	int err;

	gva_pdev = pci_get_device(GV_PCI_VENDOR_ID, GV_PCI_DEVICE_ID, NULL);
	if (!gva_pdev) {
		pr_err("gv_attack: no Graviton GPU found\n");
		return -ENODEV;
	}
	err = misc_register(&gva_misc);
	if (err) {
		pci_dev_put(gva_pdev);
		return err;
	}
	pr_warn("gv_attack: ATTACK TOOL LOADED: /dev/gv_attack gives root raw access to the Graviton GPU %s (BARs, DMA, guest RAM, config space) beside its driver; for security research on the emulator only\n",
		pci_name(gva_pdev));
	add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	return 0;
}

static void __exit gva_exit(void)
{
	misc_deregister(&gva_misc);
	pci_dev_put(gva_pdev);
	pr_warn("gv_attack: attack tool unloaded\n");
}

module_init(gva_init);
module_exit(gva_exit);

MODULE_DESCRIPTION("ATTACK TOOL: raw access to the emulated Graviton GPU for security research (plays the malicious driver)");
MODULE_LICENSE("GPL");
