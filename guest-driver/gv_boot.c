// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: the bootstrap channel.
 *
 * Every page-directory and page-table change, every channel creation and
 * destruction goes through here as a CH_* command: the driver never writes
 * a table itself (it cannot: tables live in protected memory).  The device
 * runs a group synchronously when PUT is written, so the error registers
 * read right after the doorbell describe this group; cmd_lock serialises
 * every doorbell of the device so that the attribution is exact.
 */
#include <linux/dma-mapping.h>

#include <linux/delay.h>

#include "gv_drv.h"
#include "graviton/gv_rules.h"

#define RESULT_OFF (GV_BOOT_BUF_SIZE / 2)

u64 gv_boot_result_addr(struct gv_device *gdev)
{
	return gdev->boot_buf_dma + RESULT_OFF;
}

int gv_err_to_errno(int gv_err)
{
	static const int map[GV_ERR__COUNT] = {
		[GV_ERR_NONE] = 0,
		[GV_ERR_NOT_LOCKED] = EIO,
		[GV_ERR_REGION_CONFIG] = EINVAL,
		[GV_ERR_BAD_CHANNEL] = EINVAL,
		[GV_ERR_CHANNEL_BUSY] = EBUSY,
		[GV_ERR_NOT_BOOTSTRAP] = EPERM,
		[GV_ERR_BOOTSTRAP] = EPERM,
		[GV_ERR_FETCH] = EFAULT,
		[GV_ERR_BAD_GROUP] = EINVAL,
		[GV_ERR_BAD_COMMAND] = EINVAL,
		[GV_ERR_AUTH] = EBADMSG,
		[GV_ERR_NOT_PROTECTED] = EINVAL,
		[GV_ERR_PAGE_IN_USE] = EBUSY,
		[GV_ERR_PAGE_LOCKED] = EACCES,
		[GV_ERR_OTHER_CONTEXT] = EACCES,
		[GV_ERR_BAD_ADDRESS] = EFAULT,
		[GV_ERR_DOUBLE_MAP] = EEXIST,
		[GV_ERR_NO_TABLE] = ENOENT,
		[GV_ERR_RANGE] = ERANGE,
		[GV_ERR_MAC] = EBADMSG,
		[GV_ERR_NO_RESOURCES] = ENOSPC,
		[GV_ERR_RESULT] = EIO,
		[GV_ERR_FAULT] = EFAULT,
		[GV_ERR_NO_ATTESTATION] = ENODEV,
		[GV_ERR_CRYPTO] = EIO,
		[GV_ERR_NOT_SECURE] = EINVAL,
		[GV_ERR_DATA_AUTH] = EBADMSG,
		[GV_ERR_BAD_MODULE] = ENOEXEC,
		[GV_ERR_TIMEOUT] = ETIMEDOUT,
	};

	if (gv_err < 0)
		return gv_err;		/* already an errno */
	if (gv_err >= GV_ERR__COUNT)
		return -EIO;
	return -map[gv_err];
}

int gv_boot_init(struct gv_device *gdev)
{
	struct device *dev = &gdev->pdev->dev;

	mutex_init(&gdev->boot_lock);
	gdev->boot_desc = GV_NO_MEM;
	gdev->boot_ring = dma_alloc_coherent(dev, GV_BOOT_RING_ENTRIES *
					     sizeof(struct gv_gpfifo_entry),
					     &gdev->boot_ring_dma, GFP_KERNEL);
	gdev->boot_buf = dma_alloc_coherent(dev, GV_BOOT_BUF_SIZE,
					    &gdev->boot_buf_dma, GFP_KERNEL);
	if (!gdev->boot_ring || !gdev->boot_buf)
		goto err_free;

	/* A descriptor in the unprotected region makes a bootstrap channel. */
	gdev->boot_desc = gv_unprot_alloc(gdev, GV_DESC_BYTES, GV_PAGE_SIZE);
	if (gdev->boot_desc == GV_NO_MEM)
		goto err_free;
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_DESC_LO),
	      lower_32_bits(gdev->boot_desc));
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_DESC_HI),
	      upper_32_bits(gdev->boot_desc));
	if ((gv_rd(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_STATUS)) &
	     GV_CHAN_TYPE_MASK) != GV_CHAN_TYPE_BOOTSTRAP) {
		dev_err(dev, "bootstrap channel refused (error %u)\n",
			gv_rd(gdev, GV_REG_ERROR_CODE));
		goto err_free;
	}
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_RING_LO),
	      lower_32_bits(gdev->boot_ring_dma));
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_RING_HI),
	      upper_32_bits(gdev->boot_ring_dma));
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_RING_ENTRIES),
	      GV_BOOT_RING_ENTRIES);
	gdev->boot_put = 0;
	return 0;

err_free:
	gv_boot_fini(gdev);
	return -ENOMEM;
}

void gv_boot_fini(struct gv_device *gdev)
{
	struct device *dev = &gdev->pdev->dev;

	if (gdev->boot_ring)
		dma_free_coherent(dev, GV_BOOT_RING_ENTRIES *
				  sizeof(struct gv_gpfifo_entry),
				  gdev->boot_ring, gdev->boot_ring_dma);
	if (gdev->boot_buf)
		dma_free_coherent(dev, GV_BOOT_BUF_SIZE, gdev->boot_buf,
				  gdev->boot_buf_dma);
	gdev->boot_ring = NULL;
	gdev->boot_buf = NULL;
	if (gdev->boot_desc != GV_NO_MEM)
		gv_unprot_free(gdev, gdev->boot_desc, GV_DESC_BYTES);
	gdev->boot_desc = GV_NO_MEM;
}

/* Longer than the device's default launch watchdog (60 s). */
#define GV_BOOT_HELD_MS 120000

/* Wait until the held bootstrap entry before @put has run: 0, -EIO if
 * the channel is gone, -ETIMEDOUT. */
static int gv_boot_wait_held(struct gv_device *gdev, u32 put)
{
	unsigned long end = jiffies + msecs_to_jiffies(GV_BOOT_HELD_MS);

	while (gv_rd(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_GET)) != put) {
		/* not held but gone: the device was reset behind our back */
		if ((gv_rd(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_STATUS)) &
		     GV_CHAN_TYPE_MASK) != GV_CHAN_TYPE_BOOTSTRAP)
			return -EIO;
		if (READ_ONCE(gdev->gone) || time_after(jiffies, end)) {
			dev_err(&gdev->pdev->dev,
				"bootstrap command held for %u ms\n",
				GV_BOOT_HELD_MS);
			return -ETIMEDOUT;
		}
		usleep_range(200, 1000);
	}
	return 0;
}

/* The names of the device's refusals (ERROR_RULE), for debug messages
 * (the rules are numbered 0..n-1 in order). */
#define GV_RULE_NAME_(n, id, name, code, desc) name,
static const char * const gv_rule_names[] = {
	GV_RULE_LIST(GV_RULE_NAME_)
};

#undef GV_RULE_NAME_

static const char *gv_rule_name(u32 rule)
{
	return rule < ARRAY_SIZE(gv_rule_names) ? gv_rule_names[rule] :
						   "unknown";
}

/* The device's verdict on the bootstrap entry that has run: 0 or its
 * GV_ERR_* code.  Errors of other channels may have come meanwhile (a
 * held entry runs when a launch ends): the entry's own is in the
 * registers if it was the last, else the interrupt handler recorded it. */
static int gv_boot_error(struct gv_device *gdev, u32 before)
{
	int err;

	if (gv_rd(gdev, GV_REG_ERROR_COUNT) == before)
		return 0;
	if (gv_rd(gdev, GV_REG_ERROR_CHID) != GV_BOOT_CHID)
		return READ_ONCE(gdev->chan_err[GV_BOOT_CHID]);
	err = gv_rd(gdev, GV_REG_ERROR_CODE);
	dev_dbg(&gdev->pdev->dev, "bootstrap entry refused: error %d, rule %s\n",
		err, gv_rule_name(gv_rd(gdev, GV_REG_ERROR_RULE)));
	gv_wr(gdev, GV_REG_ERROR_ACK, 1);
	return err ? err : -EIO;
}

int gv_boot_cmd(struct gv_device *gdev, const void *cmd, u32 len,
		void *result, u32 result_len)
{
	struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = len };
	struct gv_gpfifo_entry *e;
	u32 before, put;
	int err = 0;

	if (len + sizeof(h) > RESULT_OFF || result_len > RESULT_OFF)
		return -E2BIG;

	mutex_lock(&gdev->boot_lock);
	memcpy(gdev->boot_buf, &h, sizeof(h));
	memcpy(gdev->boot_buf + sizeof(h), cmd, len);
	if (result)
		memset(gdev->boot_buf + RESULT_OFF, 0, result_len);
	e = &gdev->boot_ring[gdev->boot_put];
	e->addr = gdev->boot_buf_dma;
	e->len = sizeof(h) + len;
	e->flags = 0;
	put = (gdev->boot_put + 1) % GV_BOOT_RING_ENTRIES;
	/* the ring and group must be visible before the doorbell */
	wmb();
	before = gv_rd(gdev, GV_REG_ERROR_COUNT);
	WRITE_ONCE(gdev->chan_err[GV_BOOT_CHID], 0);
	gv_wr(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_PUT), put);
	gdev->boot_put = put;
	if (gv_rd(gdev, GV_REG_CHAN(GV_BOOT_CHID, GV_CHAN_GET)) != put) {
		/* Held: a launch is running and page tables must not change
		 * under it; the device runs the entry when the engine is
		 * free.  Wait for that rather than report a failure for a
		 * command that will still run (driver and device would
		 * disagree about the address space). */
		err = gv_boot_wait_held(gdev, put);
	}
	if (!err)
		err = gv_boot_error(gdev, before);
	if (err)
		dev_dbg(&gdev->pdev->dev, "CH_* op %u failed: error %d\n",
			((const struct gv_cmd_hdr *)cmd)->op, err);
	if (!err && result)
		memcpy(result, gdev->boot_buf + RESULT_OFF, result_len);
	mutex_unlock(&gdev->boot_lock);
	return err;
}
