// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: device-physical memory.
 *
 * Two allocators over the regions locked at probe: protected pages (page
 * tables, descriptors, PGDs, secure and normal data) and unprotected pages
 * (bootstrap descriptors, fence words, explicitly unprotected buffers).
 * The driver chooses every physical address; the device only checks them.
 * gen_pool returns 0 for failure, so pool addresses carry GV_POOL_BIAS.
 */
#include "gv_drv.h"

static struct gen_pool *pool_new(struct gv_device *gdev, u64 base, u64 size)
{
	struct gen_pool *p = gen_pool_create(GV_PAGE_SHIFT, -1);

	if (!p)
		return NULL;
	if (size && gen_pool_add(p, GV_POOL_BIAS + base, size, -1)) {
		gen_pool_destroy(p);
		return NULL;
	}
	return p;
}

struct gv_quarantined {
	struct list_head node;
	bool prot;
	u64 pa, bytes;
};

int gv_mem_init(struct gv_device *gdev)
{
	gdev->unprot_pool = pool_new(gdev, 0, gdev->unprot_size);
	gdev->prot_pool = pool_new(gdev, gdev->unprot_size, gdev->prot_size);
	if (!gdev->unprot_pool || !gdev->prot_pool) {
		gv_mem_fini(gdev);
		return -ENOMEM;
	}
	return 0;
}

void gv_mem_fini(struct gv_device *gdev)
{
	struct gv_quarantined *q, *tmp;

	/* gen_pool_destroy() BUG()s on outstanding allocations: every context
	 * is gone by now (files hold a module reference), and what the device
	 * would not give back goes back now that the device is gone. */
	list_for_each_entry_safe(q, tmp, &gdev->quarantine, node) {
		if (q->prot)
			gv_prot_free(gdev, q->pa, q->bytes);
		else
			gv_unprot_free(gdev, q->pa, q->bytes);
		list_del(&q->node);
		kfree(q);
	}
	if (gdev->unprot_pool)
		gen_pool_destroy(gdev->unprot_pool);
	if (gdev->prot_pool)
		gen_pool_destroy(gdev->prot_pool);
	gdev->unprot_pool = NULL;
	gdev->prot_pool = NULL;
}

static u64 pool_alloc(struct gen_pool *p, u64 bytes, u64 align)
{
	struct genpool_data_align data = { .align = align };
	unsigned long a;

	if (!bytes || bytes > SZ_1G * 64ull)
		return GV_NO_MEM;
	a = gen_pool_alloc_algo(p, bytes, gen_pool_first_fit_align, &data);
	return a ? a - GV_POOL_BIAS : GV_NO_MEM;
}

u64 gv_prot_alloc(struct gv_device *gdev, u64 bytes, u64 align)
{
	return pool_alloc(gdev->prot_pool, bytes, align);
}

void gv_prot_free(struct gv_device *gdev, u64 pa, u64 bytes)
{
	gen_pool_free(gdev->prot_pool, pa + GV_POOL_BIAS, bytes);
}

u64 gv_unprot_alloc(struct gv_device *gdev, u64 bytes, u64 align)
{
	return pool_alloc(gdev->unprot_pool, bytes, align);
}

void gv_unprot_free(struct gv_device *gdev, u64 pa, u64 bytes)
{
	gen_pool_free(gdev->unprot_pool, pa + GV_POOL_BIAS, bytes);
}

/* Keep [pa, pa + bytes) out of use until the pools go (gv_mem_fini). */
void gv_mem_quarantine(struct gv_device *gdev, bool prot, u64 pa, u64 bytes)
{
	struct gv_quarantined *q;

	if (pa == GV_NO_MEM)
		return;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return;		/* leaked for good: the pool stays busy */
	q->prot = prot;
	q->pa = pa;
	q->bytes = bytes;
	mutex_lock(&gdev->quarantine_lock);
	list_add(&q->node, &gdev->quarantine);
	mutex_unlock(&gdev->quarantine_lock);
}
