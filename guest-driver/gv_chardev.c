// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: the character device /dev/gravitonN and its
 * ioctls (include/graviton/graviton_uapi.h).
 */
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "graviton/graviton_uapi.h"
#include "gv_drv.h"

static dev_t gv_devt;
static struct class *gv_class;
static DEFINE_IDA(gv_minors);

static int gv_open(struct inode *inode, struct file *file)
{
	struct gv_device *gdev =
		container_of(inode->i_cdev, struct gv_device, cdev);

	file->private_data = gdev;
	return 0;
}

static bool gv_all_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static long gv_ioc_get_info(struct gv_device *gdev, void __user *uarg)
{
	struct graviton_info info;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (info.flags || info.pad ||
	    !gv_all_zero(info.reserved, sizeof(info.reserved)))
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.uapi_version = GRAVITON_UAPI_VERSION;
	info.abi_version = gdev->abi_version;
	info.vendor_id = gdev->pdev->vendor;
	info.device_id = gdev->pdev->device;
	info.id_magic = gv_rd(gdev, GV_REG_ID);
	info.fw_version = gdev->fw_version;
	info.vram_size = gdev->vram_size;
	info.aperture_size = gdev->vram_bar_size;
	info.pci_domain = pci_domain_nr(gdev->pdev->bus);
	info.pci_bdf = gdev->pdev->bus->number << 8 | gdev->pdev->devfn;
	info.caps = gdev->msi ? GRAVITON_CAP_MSI : 0;

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long gv_ioc_get_param(struct gv_device *gdev, void __user *uarg)
{
	struct graviton_param p;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (p.pad)
		return -EINVAL;

	switch (p.param) {
	case GRAVITON_PARAM_UAPI_VERSION:
		p.value = GRAVITON_UAPI_VERSION;
		break;
	case GRAVITON_PARAM_ABI_VERSION:
		p.value = gdev->abi_version;
		break;
	case GRAVITON_PARAM_VRAM_SIZE:
		p.value = gdev->vram_size;
		break;
	case GRAVITON_PARAM_IRQ_COUNT:
		p.value = atomic_read(&gdev->irq_count);
		break;
	case GRAVITON_PARAM_IRQ_SELFTEST:
		p.value = gdev->irq_selftest_ok;
		break;
	case GRAVITON_PARAM_CAPS:
		p.value = gdev->msi ? GRAVITON_CAP_MSI : 0;
		break;
	default:
		return -EINVAL;
	}

	if (copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

static long gv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gv_device *gdev = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case GRAVITON_IOC_GET_INFO:
		return gv_ioc_get_info(gdev, uarg);
	case GRAVITON_IOC_GET_PARAM:
		return gv_ioc_get_param(gdev, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gv_fops = {
	.owner = THIS_MODULE,
	.open = gv_open,
	.unlocked_ioctl = gv_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int gv_chardev_add(struct gv_device *gdev)
{
	dev_t devt;
	int ret;

	ret = ida_alloc_max(&gv_minors, GV_MAX_DEVICES - 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	gdev->minor = ret;
	devt = MKDEV(MAJOR(gv_devt), gdev->minor);

	cdev_init(&gdev->cdev, &gv_fops);
	gdev->cdev.owner = THIS_MODULE;
	ret = cdev_add(&gdev->cdev, devt, 1);
	if (ret)
		goto err_free_minor;

	gdev->chardev = device_create(gv_class, &gdev->pdev->dev, devt, gdev,
				      GRAVITON_DEV_NAME "%d", gdev->minor);
	if (IS_ERR(gdev->chardev)) {
		ret = PTR_ERR(gdev->chardev);
		goto err_del_cdev;
	}
	return 0;

err_del_cdev:
	cdev_del(&gdev->cdev);
err_free_minor:
	ida_free(&gv_minors, gdev->minor);
	return ret;
}

void gv_chardev_remove(struct gv_device *gdev)
{
	device_destroy(gv_class, MKDEV(MAJOR(gv_devt), gdev->minor));
	cdev_del(&gdev->cdev);
	ida_free(&gv_minors, gdev->minor);
}

int gv_chardev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&gv_devt, 0, GV_MAX_DEVICES, GV_DRV_NAME);
	if (ret)
		return ret;
	gv_class = class_create(THIS_MODULE, GV_DRV_NAME);
	if (IS_ERR(gv_class)) {
		unregister_chrdev_region(gv_devt, GV_MAX_DEVICES);
		return PTR_ERR(gv_class);
	}
	return 0;
}

void gv_chardev_exit(void)
{
	class_destroy(gv_class);
	unregister_chrdev_region(gv_devt, GV_MAX_DEVICES);
}
