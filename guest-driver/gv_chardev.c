// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: the character device /dev/gravitonN and its
 * ioctls (include/graviton/graviton_uapi.h).
 */
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "graviton/graviton_uapi.h"
#include "gv_drv.h"

static dev_t gv_devt;
static struct class *gv_class;
static DEFINE_IDA(gv_minors);

/* minor -> device, for open(); cleared when the device goes. */
static DEFINE_MUTEX(gv_table_lock);
static struct gv_device *gv_table[GV_MAX_DEVICES];

/* An open file: the device, and the context it is. */
struct gv_file {
	struct gv_device *gdev;
	struct gv_ctx *ctx;
};

static int gv_open(struct inode *inode, struct file *file)
{
	struct gv_device *gdev;
	struct gv_file *f;
	int err = 0;

	mutex_lock(&gv_table_lock);
	gdev = iminor(inode) < GV_MAX_DEVICES ? gv_table[iminor(inode)] : NULL;
	if (gdev)
		kref_get(&gdev->ref);	/* the file's reference */
	mutex_unlock(&gv_table_lock);
	if (!gdev)
		return -ENODEV;

	down_read(&gdev->gone_lock);
	if (gdev->gone) {
		err = -ENODEV;
		goto out;
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	f->gdev = gdev;
	f->ctx = gv_ctx_create(gdev);
	if (!f->ctx) {
		kfree(f);
		err = -ENOMEM;
		goto out;
	}
	file->private_data = f;
out:
	up_read(&gdev->gone_lock);
	if (err)
		gv_device_put(gdev);
	return err;
}

/* Also runs when the process dies: everything it made is reclaimed. */
static int gv_release(struct inode *inode, struct file *file)
{
	struct gv_file *f = file->private_data;
	struct gv_device *gdev = f->gdev;

	down_read(&gdev->gone_lock);
	gv_ctx_destroy(f->ctx);		/* without the hardware if gone */
	up_read(&gdev->gone_lock);
	kfree(f);
	gv_device_put(gdev);
	return 0;
}

static int gv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gv_file *f = file->private_data;
	int err = -ENODEV;

	down_read(&f->gdev->gone_lock);
	if (!f->gdev->gone)
		err = gv_ctx_mmap(f->ctx, vma);
	up_read(&f->gdev->gone_lock);
	return err;
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

/* The modelled device clock: a read of LO latches HI, so one reader at a
 * time. */
static u64 gv_devtime(struct gv_device *gdev)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&lock, flags);
	v = gv_rd(gdev, GV_REG_DEVTIME_LO);
	v |= (u64)gv_rd(gdev, GV_REG_DEVTIME_HI) << 32;
	spin_unlock_irqrestore(&lock, flags);
	return v;
}

/* One of the command processor's profile counters (GV_PROF_*): the
 * selector and the LO/HI pair are one access at a time. */
static u64 gv_prof(struct gv_device *gdev, u32 sel)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	u64 v;

	spin_lock_irqsave(&lock, flags);
	gv_wr(gdev, GV_REG_PROF_SEL, sel);
	v = gv_rd(gdev, GV_REG_PROF_LO);
	v |= (u64)gv_rd(gdev, GV_REG_PROF_HI) << 32;
	spin_unlock_irqrestore(&lock, flags);
	return v;
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
	case GRAVITON_PARAM_DEVICE_TIME_PROFILE:
		p.value = gv_rd(gdev, GV_REG_DEVTIME_PROFILE);
		break;
	case GRAVITON_PARAM_DEVICE_TIME:
		if (!gv_rd(gdev, GV_REG_DEVTIME_PROFILE))
			return -ENODATA;
		p.value = gv_devtime(gdev);
		break;
	case GRAVITON_PARAM_PROF_BUSY ... GRAVITON_PARAM_PROF_IRQ:
		/* the profile registers came with device ABI 1.6 */
		if ((gdev->abi_version & 0xffff) < 6)
			return -ENODATA;
		p.value = gv_prof(gdev, GV_PROF_BUSY + p.param -
				  GRAVITON_PARAM_PROF_BUSY);
		break;
	default:
		return -EINVAL;
	}

	if (copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

static long gv_ioc_get_ak_info(struct gv_device *gdev, void __user *uarg)
{
	return copy_to_user(uarg, &gdev->ak, sizeof(gdev->ak)) ? -EFAULT : 0;
}

/* The CA's certificate for the AK, installed by an administrator (the
 * driver relays it; runtimes verify it). */
static long gv_ioc_set_ak_cert(struct gv_device *gdev, void __user *uarg)
{
	struct graviton_blob b;
	u8 *cert;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (b.flags || !b.len || b.len > GRAVITON_AK_CERT_MAX)
		return -EINVAL;
	cert = memdup_user(u64_to_user_ptr(b.ptr), b.len);
	if (IS_ERR(cert))
		return PTR_ERR(cert);
	mutex_lock(&gdev->cert_lock);
	kfree(gdev->ak_cert);
	gdev->ak_cert = cert;
	gdev->ak_cert_len = b.len;
	mutex_unlock(&gdev->cert_lock);
	return 0;
}

static long gv_ioc_get_ak_cert(struct gv_device *gdev, void __user *uarg)
{
	struct graviton_blob b;
	long err = 0;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (b.flags)
		return -EINVAL;
	mutex_lock(&gdev->cert_lock);
	if (!gdev->ak_cert) {
		err = -ENOENT;
	} else if (b.len < gdev->ak_cert_len) {
		err = -ENOSPC;
	} else {
		/* a copy, which the test-only x_tamper mode may corrupt */
		u8 *der = kmemdup(gdev->ak_cert, gdev->ak_cert_len,
				  GFP_KERNEL);

		if (!der) {
			err = -ENOMEM;
		} else {
			gv_tamper(GV_TAMPER_CERT, der, gdev->ak_cert_len);
			if (copy_to_user(u64_to_user_ptr(b.ptr), der,
					 gdev->ak_cert_len))
				err = -EFAULT;
			kfree(der);
		}
	}
	b.len = gdev->ak_cert_len;
	mutex_unlock(&gdev->cert_lock);
	if ((!err || err == -ENOSPC) && copy_to_user(uarg, &b, sizeof(b)))
		err = -EFAULT;
	return err;
}

/*
 * The context ioctls: copy in, check every reserved field, run, copy out.
 * Arguments are validated here; the context code checks what depends on
 * its state.
 */
#define GV_COPY_IN(type, var)						\
	do {								\
		if (copy_from_user(&(var), uarg, sizeof(type)))		\
			return -EFAULT;					\
	} while (0)

static long gv_ctx_ioctl(struct gv_ctx *ctx, unsigned int cmd,
			 void __user *uarg)
{
	union {
		struct graviton_chan_create create;
		struct graviton_chan_destroy destroy;
		struct graviton_mem_alloc alloc;
		struct graviton_mem_free free;
		struct graviton_measure measure;
		struct graviton_submit submit;
		struct graviton_wait wait;
	} a;
	long err;

	switch (cmd) {
	case GRAVITON_IOC_CHAN_CREATE:
		GV_COPY_IN(struct graviton_chan_create, a.create);
		if ((a.create.flags & ~GRAVITON_CHAN_SECURE) || a.create.handle ||
		    !gv_all_zero(a.create.pad, sizeof(a.create.pad)) ||
		    a.create.fence_va || a.create.reserved)
			return -EINVAL;
		if (!(a.create.flags & GRAVITON_CHAN_SECURE) &&
		    (!gv_all_zero(a.create.uk_pub, sizeof(a.create.uk_pub)) ||
		     !gv_all_zero(a.create.nonce, sizeof(a.create.nonce)) ||
		     a.create.quote_ptr || a.create.summary_ptr))
			return -EINVAL;
		err = gv_ctx_chan_create(ctx, &a.create);
		if (!err && copy_to_user(uarg, &a.create, sizeof(a.create)))
			err = -EFAULT;
		return err;
	case GRAVITON_IOC_CHAN_DESTROY:
		GV_COPY_IN(struct graviton_chan_destroy, a.destroy);
		if (a.destroy.flags & ~GRAVITON_DESTROY_AUTH)
			return -EINVAL;
		return gv_ctx_chan_destroy(ctx, &a.destroy);
	case GRAVITON_IOC_MEM_ALLOC:
		GV_COPY_IN(struct graviton_mem_alloc, a.alloc);
		if ((a.alloc.flags & ~GRAVITON_MEM_FLAGS) || a.alloc.va ||
		    a.alloc.summaries_count ||
		    !gv_all_zero(a.alloc.reserved, sizeof(a.alloc.reserved)))
			return -EINVAL;
		err = gv_ctx_mem_alloc(ctx, &a.alloc);
		if (!err && copy_to_user(uarg, &a.alloc, sizeof(a.alloc)))
			err = -EFAULT;
		return err;
	case GRAVITON_IOC_MEM_FREE:
		GV_COPY_IN(struct graviton_mem_free, a.free);
		if (a.free.summaries_count)
			return -EINVAL;
		err = gv_ctx_mem_free(ctx, &a.free);
		if (!err && copy_to_user(uarg, &a.free, sizeof(a.free)))
			err = -EFAULT;
		return err;
	case GRAVITON_IOC_MEASURE:
		GV_COPY_IN(struct graviton_measure, a.measure);
		if (a.measure.pad)
			return -EINVAL;
		return gv_ctx_measure(ctx, &a.measure);
	case GRAVITON_IOC_SUBMIT:
		GV_COPY_IN(struct graviton_submit, a.submit);
		if (a.submit.error)
			return -EINVAL;
		err = gv_ctx_submit(ctx, &a.submit);
		if ((!err || err == -EIO) &&
		    copy_to_user(uarg, &a.submit, sizeof(a.submit)))
			err = -EFAULT;
		return err;
	case GRAVITON_IOC_WAIT:
		GV_COPY_IN(struct graviton_wait, a.wait);
		if (a.wait.current_value || a.wait.error)
			return -EINVAL;
		err = gv_ctx_wait(ctx, &a.wait);
		if ((!err || err == -ETIMEDOUT || err == -EIO) &&
		    copy_to_user(uarg, &a.wait, sizeof(a.wait)))
			err = -EFAULT;
		return err;
	default:
		return -ENOTTY;
	}
}

static long gv_ioctl_locked(struct gv_file *f, unsigned int cmd,
			    void __user *uarg)
{
	struct gv_device *gdev = f->gdev;

	switch (cmd) {
	case GRAVITON_IOC_GET_INFO:
		return gv_ioc_get_info(gdev, uarg);
	case GRAVITON_IOC_GET_PARAM:
		return gv_ioc_get_param(gdev, uarg);
	case GRAVITON_IOC_GET_AK_INFO:
		return gv_ioc_get_ak_info(gdev, uarg);
	case GRAVITON_IOC_SET_AK_CERT:
		return gv_ioc_set_ak_cert(gdev, uarg);
	case GRAVITON_IOC_GET_AK_CERT:
		return gv_ioc_get_ak_cert(gdev, uarg);
	default:
		return gv_ctx_ioctl(f->ctx, cmd, uarg);
	}
}

static long gv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gv_file *f = file->private_data;
	long err = -ENODEV;

	down_read(&f->gdev->gone_lock);
	if (!f->gdev->gone)
		err = gv_ioctl_locked(f, cmd, (void __user *)arg);
	up_read(&f->gdev->gone_lock);
	return err;
}

static const struct file_operations gv_fops = {
	.owner = THIS_MODULE,
	.open = gv_open,
	.release = gv_release,
	.mmap = gv_mmap,
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

	gdev->cdev = cdev_alloc();
	if (!gdev->cdev) {
		ret = -ENOMEM;
		goto err_free_minor;
	}
	gdev->cdev->ops = &gv_fops;
	gdev->cdev->owner = THIS_MODULE;
	ret = cdev_add(gdev->cdev, devt, 1);
	if (ret)
		goto err_del_cdev;
	mutex_lock(&gv_table_lock);
	gv_table[gdev->minor] = gdev;
	mutex_unlock(&gv_table_lock);

	gdev->chardev = device_create(gv_class, &gdev->pdev->dev, devt, gdev,
				      GRAVITON_DEV_NAME "%d", gdev->minor);
	if (IS_ERR(gdev->chardev)) {
		ret = PTR_ERR(gdev->chardev);
		goto err_del_cdev;
	}
	return 0;

err_del_cdev:
	mutex_lock(&gv_table_lock);
	gv_table[gdev->minor] = NULL;
	mutex_unlock(&gv_table_lock);
	cdev_del(gdev->cdev);	/* frees it once no file uses it */
err_free_minor:
	ida_free(&gv_minors, gdev->minor);
	return ret;
}

void gv_chardev_remove(struct gv_device *gdev)
{
	device_destroy(gv_class, MKDEV(MAJOR(gv_devt), gdev->minor));
	mutex_lock(&gv_table_lock);
	gv_table[gdev->minor] = NULL;
	mutex_unlock(&gv_table_lock);
	cdev_del(gdev->cdev);
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
