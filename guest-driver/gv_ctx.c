// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Graviton GPU guest driver: contexts, channels and device memory of user
 * processes.
 *
 * One open file is one context: the first channel created through it
 * decides whether the context is secure (and with which UK_pub); more
 * channels are streams of the same context.  The channels of a context
 * share one address space: the driver allocates the virtual addresses,
 * the physical pages and the page tables, and installs the tables into
 * every channel's PGD with CH_PDE, the entries with CH_PTE.  Everything
 * goes through the bootstrap channel (gv_boot.c); the device checks it.
 *
 * Virtual layout: PDE 0 (the first 128 MiB) holds each channel's fence
 * word at VA chid * 4 KiB; allocations start at 128 MiB.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "gv_drv.h"

#define GV_VA_BASE	BIT_ULL(GV_PDE_SHIFT)
#define GV_VA_LIMIT	BIT_ULL(GV_VA_BITS)
#define GV_VA_ALIGN	GV_BIG_PAGE_SIZE
#define GV_ALLOC_MAX	(4ull << 30)
#define GV_RING_ENTRIES	256

/*
 * A channel's command buffer.  User space maps it, and a mapping may
 * outlive the channel: the buffer is freed when the channel and the last
 * mapping have let go of it.
 */
struct gv_cmdbuf {
	struct kref ref;
	struct device *dev;
	void *cpu;
	dma_addr_t dma;
};

struct gv_chan {
	struct list_head node;
	u32 chid;
	u64 desc, pgd;
	u64 fence_pa, fence_va;
	struct gv_gpfifo_entry *ring;
	dma_addr_t ring_dma;
	u32 put;
	struct gv_cmdbuf *cmdbuf;
};

/* One CH_PTE's worth of an allocation. */
struct gv_chunk {
	u32 pgdi, pgti, count, chid;
	bool done;
};

struct gv_alloc {
	struct list_head node;
	u64 va, size;
	u32 flags;
	u32 npages;
	u64 *pages;
	u32 nchunks;
	struct gv_chunk *chunks;
};

struct gv_ctx {
	struct gv_device *gdev;
	struct mutex lock;		/* serialises the context's ioctls */
	struct list_head node;		/* in gdev->contexts */
	pid_t pid;
	bool has_chan, secure;
	u8 uk_pub[GV_EC_PUB_LEN];
	struct list_head chans;
	struct list_head allocs;
	struct xarray tables;		/* pgd_index * 2 + big -> table pa + 1 */
	u32 nchans;
};

static bool alloc_big(const struct gv_alloc *a)
{
	return a->flags & GRAVITON_MEM_BIG;
}

static u64 page_bytes(bool big)
{
	return big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
}

static u64 table_bytes(bool big)
{
	return big ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES;
}

struct gv_ctx *gv_ctx_create(struct gv_device *gdev)
{
	struct gv_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return NULL;
	ctx->gdev = gdev;
	ctx->pid = task_tgid_nr(current);
	mutex_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->chans);
	INIT_LIST_HEAD(&ctx->allocs);
	xa_init(&ctx->tables);
	mutex_lock(&gdev->ctx_lock);
	list_add_tail(&ctx->node, &gdev->contexts);
	mutex_unlock(&gdev->ctx_lock);
	return ctx;
}

static struct gv_chan *find_chan(struct gv_ctx *ctx, u32 handle)
{
	struct gv_chan *ch;

	list_for_each_entry(ch, &ctx->chans, node)
		if (ch->chid == handle)
			return ch;
	return NULL;
}

static struct gv_chan *any_chan(struct gv_ctx *ctx)
{
	return list_first_entry_or_null(&ctx->chans, struct gv_chan, node);
}

/* ---- command buffers ---- */

static struct gv_cmdbuf *cmdbuf_new(struct device *dev)
{
	struct gv_cmdbuf *cb = kzalloc(sizeof(*cb), GFP_KERNEL);

	if (!cb)
		return NULL;
	cb->cpu = dma_alloc_coherent(dev, GRAVITON_CMDBUF_SIZE, &cb->dma,
				     GFP_KERNEL);
	if (!cb->cpu) {
		kfree(cb);
		return NULL;
	}
	kref_init(&cb->ref);
	cb->dev = dev;
	return cb;
}

static void cmdbuf_release(struct kref *ref)
{
	struct gv_cmdbuf *cb = container_of(ref, struct gv_cmdbuf, ref);

	dma_free_coherent(cb->dev, GRAVITON_CMDBUF_SIZE, cb->cpu, cb->dma);
	kfree(cb);
}

static void cmdbuf_put(struct gv_cmdbuf *cb)
{
	if (cb)
		kref_put(&cb->ref, cmdbuf_release);
}

static void cmdbuf_vm_open(struct vm_area_struct *vma)
{
	struct gv_cmdbuf *cb = vma->vm_private_data;

	kref_get(&cb->ref);
}

static void cmdbuf_vm_close(struct vm_area_struct *vma)
{
	cmdbuf_put(vma->vm_private_data);
}

static const struct vm_operations_struct cmdbuf_vm_ops = {
	.open = cmdbuf_vm_open,
	.close = cmdbuf_vm_close,
};

/* ---- commands ---- */

static int cmd_pde(struct gv_ctx *ctx, u32 chid, u32 pgdi, bool big, u64 pa)
{
	struct gv_cmd_ch_pde c = {
		.hdr = { GV_OP_CH_PDE, sizeof(c) }, .chid = chid,
		.pgd_index = pgdi, .flags = big ? GV_PDE_BIG : 0, .pgt_addr = pa,
	};

	return gv_err_to_errno(gv_boot_cmd(ctx->gdev, &c, sizeof(c), NULL, 0));
}

/* Write @count entries (NULL: clear them) with an optional summary. */
static int cmd_pte(struct gv_ctx *ctx, u32 chid, u32 pgdi, u32 pgti,
		   u32 count, const u64 *ptes, bool big, const u8 *mac,
		   struct gv_pte_summary *summary)
{
	size_t len = sizeof(struct gv_cmd_ch_pte) + count * sizeof(u64);
	struct gv_cmd_ch_pte *c = kzalloc(len, GFP_KERNEL);
	int err;

	if (!c)
		return -ENOMEM;
	c->hdr.op = GV_OP_CH_PTE;
	c->hdr.size = len;
	c->chid = chid;
	c->pgd_index = pgdi;
	c->pgt_index = pgti;
	c->count = count;
	c->flags = big ? GV_PTE_BIG : 0;
	c->result_addr = summary ? gv_boot_result_addr(ctx->gdev) : 0;
	if (mac)
		memcpy(c->mac, mac, GV_TAG_LEN);
	if (ptes)
		memcpy(c->pte, ptes, count * sizeof(u64));
	err = gv_boot_cmd(ctx->gdev, c, len, summary,
			  summary ? sizeof(*summary) : 0);
	kfree(c);
	return gv_err_to_errno(err);
}

static int cmd_destroy(struct gv_ctx *ctx, u32 chid, const u8 *mac)
{
	struct gv_cmd_ch_destroy c = {
		.hdr = { GV_OP_CH_DESTROY, sizeof(c) }, .chid = chid,
		.flags = mac ? GV_DESTROY_AUTH : 0,
	};

	if (mac)
		memcpy(c.mac, mac, GV_TAG_LEN);
	return gv_err_to_errno(gv_boot_cmd(ctx->gdev, &c, sizeof(c), NULL, 0));
}

/* ---- page tables ---- */

static u64 table_get(struct gv_ctx *ctx, u32 pgdi, bool big)
{
	void *v = xa_load(&ctx->tables, pgdi * 2 + big);

	return v ? xa_to_value(v) - 1 : GV_NO_MEM;
}

/* The table for (pgdi, big), created and installed in every channel of
 * the context if missing. */
static int table_ensure(struct gv_ctx *ctx, u32 pgdi, bool big)
{
	struct gv_device *gdev = ctx->gdev;
	struct gv_chan *ch;
	u64 pa;
	int err;

	if (table_get(ctx, pgdi, big) != GV_NO_MEM)
		return 0;
	pa = gv_prot_alloc(gdev, table_bytes(big), GV_PAGE_SIZE);
	if (pa == GV_NO_MEM)
		return -ENOMEM;
	list_for_each_entry(ch, &ctx->chans, node) {
		err = cmd_pde(ctx, ch->chid, pgdi, big, pa);
		if (err) {
			/* take it out of the channels that got it */
			struct gv_chan *c2;

			list_for_each_entry(c2, &ctx->chans, node) {
				if (c2 == ch)
					break;
				cmd_pde(ctx, c2->chid, pgdi, big, 0);
			}
			gv_prot_free(gdev, pa, table_bytes(big));
			return err;
		}
	}
	err = xa_err(xa_store(&ctx->tables, pgdi * 2 + big,
			      xa_mk_value(pa + 1), GFP_KERNEL));
	return err;
}

/* Install every table of the context into a new channel's PGD. */
static int tables_install(struct gv_ctx *ctx, u32 chid)
{
	unsigned long idx;
	void *v;
	int err;

	xa_for_each(&ctx->tables, idx, v) {
		err = cmd_pde(ctx, chid, idx / 2, idx & 1, xa_to_value(v) - 1);
		if (err)
			return err;
	}
	return 0;
}

/* The device freed the tables with the context's last channel. */
static void tables_forget(struct gv_ctx *ctx)
{
	unsigned long idx;
	void *v;

	xa_for_each(&ctx->tables, idx, v)
		gv_prot_free(ctx->gdev, xa_to_value(v) - 1, table_bytes(idx & 1));
	xa_destroy(&ctx->tables);
	xa_init(&ctx->tables);
}

/* ---- allocations ---- */

static void alloc_release_pages(struct gv_ctx *ctx, struct gv_alloc *a)
{
	u64 bytes = page_bytes(alloc_big(a));

	for (u32 i = 0; i < a->npages; i++) {
		if (a->flags & GRAVITON_MEM_UNPROTECTED)
			gv_unprot_free(ctx->gdev, a->pages[i], bytes);
		else
			gv_prot_free(ctx->gdev, a->pages[i], bytes);
	}
}

static void alloc_free(struct gv_alloc *a)
{
	kvfree(a->pages);
	kfree(a->chunks);
	kfree(a);
}

/* First-fit gap in the context's VA space (allocations kept sorted). */
static u64 va_find(struct gv_ctx *ctx, u64 size, struct list_head **after)
{
	struct gv_alloc *a;
	u64 va = GV_VA_BASE;

	*after = &ctx->allocs;
	list_for_each_entry(a, &ctx->allocs, node) {
		if (a->va >= va + size)
			break;
		va = ALIGN(a->va + a->size, GV_VA_ALIGN);
		*after = &a->node;
	}
	return va + size <= GV_VA_LIMIT ? va : GV_NO_MEM;
}

/* Split [va, va + n pages) at page-table and GV_PTE_MAX_COUNT limits. */
static u32 chunks_plan(u64 va, u32 n, bool big, struct gv_chunk *out)
{
	u32 per_table = big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES;
	u32 shift = big ? GV_BIG_PAGE_SHIFT : GV_PAGE_SHIFT;
	u32 k = 0, done = 0;

	while (done < n) {
		u64 v = va + ((u64)done << shift);
		u32 pgti = (v >> shift) & (per_table - 1);
		u32 count = min3(n - done, per_table - pgti, GV_PTE_MAX_COUNT);

		if (out) {
			out[k].pgdi = v >> GV_PDE_SHIFT;
			out[k].pgti = pgti;
			out[k].count = count;
		}
		k++;
		done += count;
	}
	return k;
}

long gv_ctx_mem_alloc(struct gv_ctx *ctx, struct graviton_mem_alloc *arg)
{
	struct gv_device *gdev = ctx->gdev;
	struct gv_pte_summary *sums = NULL;
	u64 *ptes = NULL;
	struct list_head *after;
	struct gv_alloc *a;
	struct gv_chan *ch;
	bool big = arg->flags & GRAVITON_MEM_BIG;
	bool unprot = arg->flags & GRAVITON_MEM_UNPROTECTED;
	u64 pb = page_bytes(big), flags;
	u32 page = 0;
	long err;

	if (!arg->size || arg->size > GV_ALLOC_MAX)
		return -EINVAL;
	mutex_lock(&ctx->lock);
	ch = find_chan(ctx, arg->handle);
	err = -ENOENT;
	if (!ch)
		goto out_unlock;
	err = -ENOMEM;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		goto out_unlock;
	a->flags = arg->flags;
	a->npages = DIV_ROUND_UP(arg->size, pb);
	a->size = (u64)a->npages * pb;
	if (a->size > gen_pool_avail(unprot ? gdev->unprot_pool
					     : gdev->prot_pool))
		goto out_free;		/* -ENOMEM */
	a->va = va_find(ctx, a->size, &after);
	if (a->va == GV_NO_MEM)
		goto out_free;
	a->nchunks = chunks_plan(a->va, a->npages, big, NULL);
	err = -ENOSPC;
	if (ctx->secure && arg->summaries_cap < a->nchunks)
		goto out_free;
	err = -ENOMEM;
	a->pages = kvcalloc(a->npages, sizeof(u64), GFP_KERNEL);
	a->chunks = kcalloc(a->nchunks, sizeof(*a->chunks), GFP_KERNEL);
	ptes = kmalloc_array(GV_PTE_MAX_COUNT, sizeof(u64), GFP_KERNEL);
	if (ctx->secure)
		sums = kvcalloc(a->nchunks, sizeof(*sums), GFP_KERNEL);
	if (!a->pages || !a->chunks || !ptes || (ctx->secure && !sums))
		goto out_free;
	chunks_plan(a->va, a->npages, big, a->chunks);

	/* Physical pages first, then tables: all resources before any
	 * mapping, so that the device commands below rarely fail. */
	for (page = 0; page < a->npages; page++) {
		a->pages[page] = unprot ? gv_unprot_alloc(gdev, pb, pb)
					: gv_prot_alloc(gdev, pb, pb);
		if (a->pages[page] == GV_NO_MEM)
			goto out_pages;
	}
	for (u32 k = 0; k < a->nchunks; k++) {
		err = table_ensure(ctx, a->chunks[k].pgdi, big);
		if (err)
			goto out_pages;
	}
	if (unprot) {
		/* unprotected pages are reachable by the host: clear them */
		for (u32 i = 0; i < a->npages; i++)
			memset_io(gdev->unprot + a->pages[i], 0, pb);
	}

	flags = GV_PTE_VALID |
		(arg->flags & GRAVITON_MEM_READONLY ? GV_PTE_READONLY : 0);
	page = 0;
	for (u32 k = 0; k < a->nchunks; k++) {
		struct gv_chunk *c = &a->chunks[k];

		for (u32 i = 0; i < c->count; i++)
			ptes[i] = a->pages[page + i] | flags;
		c->chid = ch->chid;
		err = cmd_pte(ctx, ch->chid, c->pgdi, c->pgti, c->count, ptes, big,
			      NULL, ctx->secure ? &sums[k] : NULL);
		if (err)
			break;
		c->done = true;
		page += c->count;
	}
	if (err && page == 0) {
		page = a->npages;
		goto out_pages;
	}
	/* Kept even if mapping stopped half-way: the mapped part of a
	 * secure allocation can only be unmapped with the runtime's MACs,
	 * or by destroying the context. */
	list_add(&a->node, after);
	arg->va = a->va;
	arg->summaries_count = ctx->secure ? a->nchunks : 0;
	if (ctx->secure && a->nchunks)
		gv_tamper(GV_TAMPER_SUMMARY, &sums[0], sizeof(sums[0]));
	if (ctx->secure && copy_to_user(u64_to_user_ptr(arg->summaries_ptr),
					sums, a->nchunks * sizeof(*sums)))
		err = err ? err : -EFAULT;
	kvfree(sums);
	kfree(ptes);
	mutex_unlock(&ctx->lock);
	return err;

out_pages:
	while (page-- > 0)
		if (unprot)
			gv_unprot_free(gdev, a->pages[page], pb);
		else
			gv_prot_free(gdev, a->pages[page], pb);
out_free:
	kvfree(sums);
	kfree(ptes);
	alloc_free(a);
out_unlock:
	mutex_unlock(&ctx->lock);
	return err;
}

long gv_ctx_mem_free(struct gv_ctx *ctx, struct graviton_mem_free *arg)
{
	struct gv_alloc *a, *found = NULL;
	u8 (*macs)[GV_TAG_LEN] = NULL;
	struct gv_pte_summary *sums = NULL;
	u32 nsums = 0;
	bool need_macs;
	long err = 0;

	mutex_lock(&ctx->lock);
	list_for_each_entry(a, &ctx->allocs, node)
		if (a->va == arg->va)
			found = a;
	if (!found || !find_chan(ctx, arg->handle)) {
		err = -ENOENT;
		goto out;
	}
	a = found;
	need_macs = ctx->secure && !(a->flags & GRAVITON_MEM_UNPROTECTED);
	if (need_macs) {
		if (arg->macs_count != a->nchunks) {
			err = -EINVAL;
			goto out;
		}
		macs = kvcalloc(a->nchunks, GV_TAG_LEN, GFP_KERNEL);
		if (!macs) {
			err = -ENOMEM;
			goto out;
		}
		if (copy_from_user(macs, u64_to_user_ptr(arg->macs_ptr),
				   a->nchunks * GV_TAG_LEN)) {
			err = -EFAULT;
			goto out;
		}
	} else if (arg->macs_count) {
		err = -EINVAL;
		goto out;
	}
	/* A secure channel reports every CH_PTE, unmaps too. */
	if (ctx->secure) {
		if (arg->summaries_cap < a->nchunks) {
			err = -ENOSPC;
			goto out;
		}
		sums = kvcalloc(a->nchunks, sizeof(*sums), GFP_KERNEL);
		if (!sums) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (u32 k = 0; k < a->nchunks; k++) {
		struct gv_chunk *c = &a->chunks[k];

		if (!c->done)
			continue;
		err = cmd_pte(ctx, c->chid, c->pgdi, c->pgti, c->count, NULL,
			      alloc_big(a), need_macs ? macs[k] : NULL,
			      sums ? &sums[nsums] : NULL);
		if (err)
			goto out;	/* the rest stays mapped and recorded */
		nsums += !!sums;
		c->done = false;
	}
	list_del(&a->node);
	alloc_release_pages(ctx, a);
	alloc_free(a);
out:
	arg->summaries_count = nsums;
	if (nsums && copy_to_user(u64_to_user_ptr(arg->summaries_ptr), sums,
				  nsums * sizeof(*sums)))
		err = err ? err : -EFAULT;
	kvfree(sums);
	kvfree(macs);
	mutex_unlock(&ctx->lock);
	return err;
}

/* ---- channels ---- */

static void chan_free_buffers(struct gv_device *gdev, struct gv_chan *ch)
{
	struct device *dev = &gdev->pdev->dev;

	if (ch->ring)
		dma_free_coherent(dev, GV_RING_ENTRIES * sizeof(*ch->ring),
				  ch->ring, ch->ring_dma);
	cmdbuf_put(ch->cmdbuf);		/* mappings may keep it alive */
	ch->cmdbuf = NULL;
}

/* Everything of a channel the device has let go of. */
static void chan_release(struct gv_ctx *ctx, struct gv_chan *ch)
{
	struct gv_device *gdev = ctx->gdev;

	list_del(&ch->node);
	ctx->nchans--;
	gv_prot_free(gdev, ch->desc, GV_DESC_BYTES);
	gv_prot_free(gdev, ch->pgd, GV_PGD_BYTES);
	if (ch->fence_pa != GV_NO_MEM)
		gv_unprot_free(gdev, ch->fence_pa, GV_PAGE_SIZE);
	chan_free_buffers(gdev, ch);
	ida_free(&gdev->chids, ch->chid);
	kfree(ch);
}

/* After the context's last channel the device has freed every table and
 * every page they mapped: give them back to the pools. */
static void ctx_forget_memory(struct gv_ctx *ctx)
{
	struct gv_alloc *a, *tmp;

	list_for_each_entry_safe(a, tmp, &ctx->allocs, node) {
		list_del(&a->node);
		alloc_release_pages(ctx, a);
		alloc_free(a);
	}
	tables_forget(ctx);
	ctx->has_chan = false;
	ctx->secure = false;
}

static int chan_destroy(struct gv_ctx *ctx, struct gv_chan *ch, const u8 *mac)
{
	int err;

	/* The fence page sits in the context's shared table: take it out
	 * first, unless this is the last channel (then the table goes). */
	struct gv_pte_summary sum;	/* the dying channel's: dropped */

	if (ctx->nchans > 1 && ch->fence_pa != GV_NO_MEM) {
		err = cmd_pte(ctx, ch->chid, 0, ch->chid, 1, NULL, false, NULL,
			      ctx->secure ? &sum : NULL);
		if (err)
			return err;
	}
	err = cmd_destroy(ctx, ch->chid, mac);
	if (err) {
		/* put the fence back so the channel stays whole */
		if (ctx->nchans > 1 && ch->fence_pa != GV_NO_MEM) {
			u64 pte = ch->fence_pa | GV_PTE_VALID;

			cmd_pte(ctx, ch->chid, 0, ch->chid, 1, &pte, false, NULL,
				ctx->secure ? &sum : NULL);
		}
		return err;
	}
	chan_release(ctx, ch);
	if (!ctx->nchans)
		ctx_forget_memory(ctx);
	return 0;
}

long gv_ctx_chan_create(struct gv_ctx *ctx, struct graviton_chan_create *arg)
{
	struct gv_device *gdev = ctx->gdev;
	struct device *dev = &gdev->pdev->dev;
	bool secure = arg->flags & GRAVITON_CHAN_SECURE;
	struct gv_cmd_ch_create c = { .hdr = { GV_OP_CH_CREATE, sizeof(c) } };
	struct gv_pte_summary fence_sum;
	struct gv_quote q;
	struct gv_chan *ch, *first;
	u64 pte;
	long err;
	int id;

	mutex_lock(&ctx->lock);
	err = -EINVAL;
	if (ctx->has_chan &&
	    (secure != ctx->secure ||
	     (secure && memcmp(arg->uk_pub, ctx->uk_pub, GV_EC_PUB_LEN))))
		goto out_unlock;
	err = -ENOMEM;
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		goto out_unlock;
	ch->fence_pa = GV_NO_MEM;
	id = ida_alloc_range(&gdev->chids, 1, GV_MAX_CHANNELS - 1, GFP_KERNEL);
	if (id < 0) {
		err = -ENOSPC;
		goto out_kfree;
	}
	ch->chid = id;
	ch->desc = gv_prot_alloc(gdev, GV_DESC_BYTES, GV_PAGE_SIZE);
	ch->pgd = gv_prot_alloc(gdev, GV_PGD_BYTES, GV_PAGE_SIZE);
	ch->ring = dma_alloc_coherent(dev, GV_RING_ENTRIES * sizeof(*ch->ring),
				      &ch->ring_dma, GFP_KERNEL);
	ch->cmdbuf = cmdbuf_new(dev);
	if (ch->desc == GV_NO_MEM || ch->pgd == GV_NO_MEM || !ch->ring ||
	    !ch->cmdbuf)
		goto out_resources;

	c.chid = ch->chid;
	c.desc_addr = ch->desc;
	c.pgd_addr = ch->pgd;
	first = any_chan(ctx);
	if (secure) {
		c.flags = GV_CREATE_SECURE;
		memcpy(c.uk_pub, arg->uk_pub, GV_EC_PUB_LEN);
		memcpy(c.nonce, arg->nonce, GV_NONCE_LEN);
		c.result_addr = gv_boot_result_addr(gdev);
	} else if (first) {
		c.flags = GV_CREATE_SHARE;
		c.share_chid = first->chid;
	}
	err = gv_err_to_errno(gv_boot_cmd(gdev, &c, sizeof(c),
					  secure ? &q : NULL,
					  secure ? sizeof(q) : 0));
	if (err)
		goto out_resources;

	/* From here on the device has the channel: undo with CH_DESTROY. */
	list_add_tail(&ch->node, &ctx->chans);
	ctx->nchans++;
	err = tables_install(ctx, ch->chid);
	if (!err)
		err = table_ensure(ctx, 0, false);
	if (!err) {
		ch->fence_pa = gv_unprot_alloc(gdev, GV_PAGE_SIZE, GV_PAGE_SIZE);
		err = ch->fence_pa == GV_NO_MEM ? -ENOMEM : 0;
	}
	if (!err) {
		memset_io(gdev->unprot + ch->fence_pa, 0, GV_PAGE_SIZE);
		ch->fence_va = (u64)ch->chid << GV_PAGE_SHIFT;
		pte = ch->fence_pa | GV_PTE_VALID;
		err = cmd_pte(ctx, ch->chid, 0, ch->chid, 1, &pte, false, NULL,
			      secure ? &fence_sum : NULL);
	}
	if (err) {
		if (!cmd_destroy(ctx, ch->chid, NULL)) {
			chan_release(ctx, ch);
			if (!ctx->nchans)
				ctx_forget_memory(ctx);
		}
		goto out_unlock;
	}
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_RING_LO),
	      lower_32_bits(ch->ring_dma));
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_RING_HI),
	      upper_32_bits(ch->ring_dma));
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_RING_ENTRIES),
	      GV_RING_ENTRIES);
	/* The copy engine's host window is the command buffer: host
	 * offsets in COPY commands are offsets into what user space maps. */
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_HOSTWIN_LO),
	      lower_32_bits(ch->cmdbuf->dma));
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_HOSTWIN_HI),
	      upper_32_bits(ch->cmdbuf->dma));
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_HOSTWIN_SIZE),
	      GRAVITON_CMDBUF_SIZE);
	ctx->has_chan = true;
	ctx->secure = secure;
	if (secure)
		memcpy(ctx->uk_pub, arg->uk_pub, GV_EC_PUB_LEN);
	arg->handle = ch->chid;
	arg->fence_va = ch->fence_va;
	mutex_unlock(&ctx->lock);
	if (secure)
		gv_tamper(GV_TAMPER_QUOTE, &q, sizeof(q));
	if (secure && (copy_to_user(u64_to_user_ptr(arg->quote_ptr), &q,
				    sizeof(q)) ||
		       (arg->summary_ptr &&
			copy_to_user(u64_to_user_ptr(arg->summary_ptr),
				     &fence_sum, sizeof(fence_sum)))))
		return -EFAULT;
	return 0;

out_resources:
	if (ch->desc != GV_NO_MEM)
		gv_prot_free(gdev, ch->desc, GV_DESC_BYTES);
	if (ch->pgd != GV_NO_MEM)
		gv_prot_free(gdev, ch->pgd, GV_PGD_BYTES);
	chan_free_buffers(gdev, ch);
	ida_free(&gdev->chids, ch->chid);
out_kfree:
	kfree(ch);
out_unlock:
	mutex_unlock(&ctx->lock);
	return err;
}

long gv_ctx_chan_destroy(struct gv_ctx *ctx, struct graviton_chan_destroy *arg)
{
	struct gv_chan *ch;
	long err = -ENOENT;

	mutex_lock(&ctx->lock);
	ch = find_chan(ctx, arg->handle);
	if (ch)
		err = chan_destroy(ctx, ch, arg->flags & GRAVITON_DESTROY_AUTH ?
				   arg->mac : NULL);
	mutex_unlock(&ctx->lock);
	return err;
}

/* The file is gone (closed, or the process died): reclaim everything
 * with unauthorised CH_DESTROY; the device scrubs the secure pages. */
void gv_ctx_destroy(struct gv_ctx *ctx)
{
	struct gv_device *gdev = ctx->gdev;
	struct gv_chan *ch, *tmp;

	mutex_lock(&gdev->ctx_lock);
	list_del(&ctx->node);
	mutex_unlock(&gdev->ctx_lock);

	mutex_lock(&ctx->lock);
	list_for_each_entry_safe(ch, tmp, &ctx->chans, node) {
		/* After an unbind the device has been reset (everything
		 * scrubbed): only the driver's bookkeeping is left. */
		int err = gdev->gone ? 0 : cmd_destroy(ctx, ch->chid, NULL);

		if (err) {
			/* only after a reset behind our back: keep its
			 * device memory out of use until the pools go,
			 * rather than hand it out again */
			dev_err(&gdev->pdev->dev,
				"CH_DESTROY of channel %u failed: %d\n",
				ch->chid, err);
			gv_mem_quarantine(gdev, true, ch->desc, GV_DESC_BYTES);
			gv_mem_quarantine(gdev, true, ch->pgd, GV_PGD_BYTES);
			gv_mem_quarantine(gdev, false, ch->fence_pa,
					  GV_PAGE_SIZE);
			list_del(&ch->node);
			ctx->nchans--;
			chan_free_buffers(gdev, ch);
			kfree(ch);
			continue;
		}
		chan_release(ctx, ch);
	}
	ctx_forget_memory(ctx);
	mutex_unlock(&ctx->lock);
	kfree(ctx);
}

/* ---- work ---- */

long gv_ctx_measure(struct gv_ctx *ctx, struct graviton_measure *arg)
{
	struct gv_cmd_ch_measure c = {
		.hdr = { GV_OP_CH_MEASURE, sizeof(c) }, .va = arg->va,
		.size = arg->size,
		.result_addr = gv_boot_result_addr(ctx->gdev),
	};
	struct gv_measurement m;
	long err;

	mutex_lock(&ctx->lock);
	if (!find_chan(ctx, arg->handle)) {
		mutex_unlock(&ctx->lock);
		return -ENOENT;
	}
	c.chid = arg->handle;
	err = gv_err_to_errno(gv_boot_cmd(ctx->gdev, &c, sizeof(c), &m,
					  sizeof(m)));
	mutex_unlock(&ctx->lock);
	if (!err)
		gv_tamper(GV_TAMPER_MEASUREMENT, &m, sizeof(m));
	if (!err && copy_to_user(u64_to_user_ptr(arg->result_ptr), &m,
				 sizeof(m)))
		err = -EFAULT;
	return err;
}

/* Has the channel failed a group (and stopped, until acknowledged)?  Not
 * merely had a register write refused (STATUS_ERROR alone). */
static bool chan_failed(struct gv_device *gdev, u32 chid)
{
	return gv_rd(gdev, GV_REG_CHAN(chid, GV_CHAN_STATUS)) &
	       GV_CHAN_STATUS_STOPPED;
}

/* The error that stopped channel @chid: recorded by the interrupt
 * handler, or still in the registers. */
static u32 chan_error(struct gv_device *gdev, u32 chid)
{
	u32 err = READ_ONCE(gdev->chan_err[chid]);

	if (!err && gv_rd(gdev, GV_REG_ERROR_CHID) == chid)
		err = gv_rd(gdev, GV_REG_ERROR_CODE);
	return err ? err : GV_ERR_BAD_GROUP;
}

/* Acknowledge the channel's failure: the entries behind it run. */
static void chan_clear_error(struct gv_device *gdev, u32 chid)
{
	WRITE_ONCE(gdev->chan_err[chid], 0);
	gv_wr(gdev, GV_REG_CHAN(chid, GV_CHAN_CTRL), GV_CHAN_CTRL_CLEAR_ERR);
}

/*
 * Did the entry at ring index @idx fail as it arrived?  Only an error the
 * device attributes to exactly this entry counts: an earlier group of the
 * channel that fails meanwhile (a launch ending) stays the channel's
 * failure, reported by WAIT and the next SUBMIT.
 */
static u32 submit_error(struct gv_device *gdev, u32 chid, u32 idx, u32 before)
{
	u32 err;

	if (gv_rd(gdev, GV_REG_ERROR_COUNT) == before ||
	    gv_rd(gdev, GV_REG_ERROR_CHID) != chid ||
	    gv_rd(gdev, GV_REG_ERROR_POS) >> 16 != idx)
		return 0;
	err = gv_rd(gdev, GV_REG_ERROR_CODE);
	gv_wr(gdev, GV_REG_ERROR_ACK, 1);
	return err ? err : GV_ERR_BAD_GROUP;
}

long gv_ctx_submit(struct gv_ctx *ctx, struct graviton_submit *arg)
{
	struct gv_device *gdev = ctx->gdev;
	struct gv_gpfifo_entry *e;
	struct gv_chan *ch;
	u32 before, put, idx;
	long ret = 0;

	if (arg->offset >= GRAVITON_CMDBUF_SIZE || !arg->len ||
	    arg->len > GRAVITON_CMDBUF_SIZE - arg->offset || arg->offset % 8 ||
	    (arg->flags & ~GRAVITON_SUBMIT_CLEAR_ERROR))
		return -EINVAL;
	arg->error = 0;
	mutex_lock(&ctx->lock);
	ch = find_chan(ctx, arg->handle);
	if (!ch) {
		mutex_unlock(&ctx->lock);
		return -ENOENT;
	}
	mutex_lock(&gdev->boot_lock);	/* one doorbell at a time */
	if (chan_failed(gdev, ch->chid)) {
		if (!(arg->flags & GRAVITON_SUBMIT_CLEAR_ERROR)) {
			/* stopped at a failure the caller has not seen */
			arg->error = chan_error(gdev, ch->chid);
			ret = -EIO;
			goto out;
		}
		chan_clear_error(gdev, ch->chid);
	}
	idx = ch->put;
	put = (idx + 1) % GV_RING_ENTRIES;
	/* Groups run asynchronously, so the ring can fill up. */
	if (put == gv_rd(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_GET))) {
		ret = -EBUSY;
		goto out;
	}
	gv_tamper_byte(GV_TAMPER_COPY_IN,
		       (u8 *)ch->cmdbuf->cpu + GV_TAMPER_DATA_OFF);
	e = &ch->ring[idx];
	e->addr = ch->cmdbuf->dma + arg->offset;
	e->len = arg->len;
	e->flags = GV_GPFIFO_IRQ;
	wmb();	/* the entry is visible to the device before the doorbell */
	before = gv_rd(gdev, GV_REG_ERROR_COUNT);
	gv_wr(gdev, GV_REG_CHAN(ch->chid, GV_CHAN_PUT), put);
	ch->put = put;
	arg->error = submit_error(gdev, ch->chid, idx, before);
	/* reported here, so the channel goes on and WAIT stays quiet */
	if (arg->error)
		chan_clear_error(gdev, ch->chid);
out:
	mutex_unlock(&gdev->boot_lock);
	mutex_unlock(&ctx->lock);
	return ret;
}

static u64 fence_read(struct gv_device *gdev, u64 fence_pa)
{
	return readq(gdev->unprot + fence_pa);
}

/* What a fence wait waits for: the value, a stopped channel, or the
 * device going away. */
static bool fence_done(struct gv_device *gdev, u64 fence_pa, u64 value,
		       u32 chid)
{
	return READ_ONCE(gdev->gone) || fence_read(gdev, fence_pa) >= value ||
	       chan_failed(gdev, chid);
}

long gv_ctx_wait(struct gv_ctx *ctx, struct graviton_wait *arg)
{
	struct gv_device *gdev = ctx->gdev;
	struct gv_cmdbuf *cb = NULL;
	struct gv_chan *ch;
	long ret;
	u64 fence_pa;
	u32 chid = 0;
	long left;

	if (arg->pad)
		return -EINVAL;
	arg->error = 0;
	mutex_lock(&ctx->lock);
	ch = find_chan(ctx, arg->handle);
	fence_pa = ch ? ch->fence_pa : GV_NO_MEM;
	if (ch)
		chid = ch->chid;
	if (ch && gv_tamper_armed(GV_TAMPER_COPY_OUT)) {
		cb = ch->cmdbuf;
		kref_get(&cb->ref);
	}
	mutex_unlock(&ctx->lock);
	if (fence_pa == GV_NO_MEM)
		return -ENOENT;
	/* Waiting without the context lock lets other threads submit; if
	 * the channel is destroyed meanwhile we read a stale word of the
	 * unprotected window, which is harmless, and time out. */
	left = wait_event_interruptible_timeout(gdev->fence_wq,
						fence_done(gdev, fence_pa,
							   arg->value, chid),
						msecs_to_jiffies(arg->timeout_ms));
	if (READ_ONCE(gdev->gone)) {
		ret = -ENODEV;	/* the device is being removed */
	} else {
		arg->current_value = fence_read(gdev, fence_pa);
		if (left < 0) {
			ret = left;
		} else if (arg->current_value < arg->value &&
			   chan_failed(gdev, chid)) {
			arg->error = chan_error(gdev, chid);
			ret = -EIO;
		} else {
			ret = arg->current_value >= arg->value ? 0 : -ETIMEDOUT;
		}
	}
	if (cb) {
		if (!ret)
			gv_tamper_byte(GV_TAMPER_COPY_OUT,
				       (u8 *)cb->cpu + GV_TAMPER_DATA_OFF);
		cmdbuf_put(cb);
	}
	return ret;
}

int gv_ctx_mmap(struct gv_ctx *ctx, struct vm_area_struct *vma)
{
	u32 handle = vma->vm_pgoff / (GRAVITON_CMDBUF_SIZE >> PAGE_SHIFT);
	unsigned long size = vma->vm_end - vma->vm_start;
	struct gv_chan *ch;
	int err = -EINVAL;

	if (vma->vm_pgoff % (GRAVITON_CMDBUF_SIZE >> PAGE_SHIFT) ||
	    size > GRAVITON_CMDBUF_SIZE)
		return -EINVAL;
	mutex_lock(&ctx->lock);
	ch = find_chan(ctx, handle);
	if (ch) {
		vma->vm_pgoff = 0;
		err = dma_mmap_coherent(ch->cmdbuf->dev, vma, ch->cmdbuf->cpu,
					ch->cmdbuf->dma, size);
		if (!err) {
			vma->vm_private_data = ch->cmdbuf;
			vma->vm_ops = &cmdbuf_vm_ops;
			kref_get(&ch->cmdbuf->ref);
		}
	}
	mutex_unlock(&ctx->lock);
	return err;
}

static void gv_ctx_show(struct gv_ctx *ctx, struct seq_file *m)
{
	struct gv_chan *ch;
	struct gv_alloc *a;
	u64 prot = 0, unprot = 0;

	mutex_lock(&ctx->lock);
	list_for_each_entry(a, &ctx->allocs, node) {
		if (a->flags & GRAVITON_MEM_UNPROTECTED)
			unprot += a->size;
		else
			prot += a->size;
	}
	seq_printf(m, "context pid %d: %s, %u channel(s), %llu KiB protected, %llu KiB unprotected\n",
		   ctx->pid, ctx->has_chan ? (ctx->secure ? "secure" : "normal")
		   : "empty", ctx->nchans, prot >> 10, unprot >> 10);
	list_for_each_entry(ch, &ctx->chans, node)
		seq_printf(m, "  channel %u: desc 0x%llx pgd 0x%llx fence va 0x%llx value %llu\n",
			   ch->chid, ch->desc, ch->pgd, ch->fence_va,
			   fence_read(ctx->gdev, ch->fence_pa));
	mutex_unlock(&ctx->lock);
}

void gv_ctx_show_all(struct gv_device *gdev, struct seq_file *m)
{
	struct gv_ctx *ctx;

	mutex_lock(&gdev->ctx_lock);
	list_for_each_entry(ctx, &gdev->contexts, node)
		gv_ctx_show(ctx, m);
	mutex_unlock(&gdev->ctx_lock);
}
