/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the copy engine.
 *
 * COPY moves bytes between a channel's virtual memory and its host window
 * (a range of guest memory the driver assigned to the channel), or within
 * virtual memory.  Every page is translated and checked before anything is
 * written, so a fault changes nothing.  In crypto mode (the H100-style
 * alternative to the paper's AuthDec kernel) the engine decrypts or
 * encrypts with AES-256-GCM under the channel's copy key (K_copy: the key
 * SET_COPY_KEY gave, bound to the channel's incarnation, gv_keys.h) while
 * copying.
 *
 * Staging is bounded (COPY_CHUNK, and a physical address per page of the
 * two ranges), never the whole copy.  A decrypting copy verifies first
 * and decrypts in place: its destination must be the context's own
 * protected memory, each physical page once, which nobody but the context
 * can read or write; the ciphertext is fetched from the source once,
 * straight into the destination, and authenticated there (GHASH alone);
 * only after a good tag is it decrypted there (AES-CTR).  So the bytes
 * decrypted are exactly the bytes authenticated, no unverified plaintext
 * exists anywhere, and a bad tag leaves the destination zeroed
 * (docs/commands.md, "Crypto mode").
 */
#include "gv_internal.h"

#include <stdlib.h>

#include "gv_bounds.h"

#include "gv_crypto.h"
#include "graviton/gv_keys.h"

#define COPY_FLAGS (GV_COPY_SRC_HOST | GV_COPY_DST_HOST | GV_COPY_DECRYPT | \
                    GV_COPY_ENCRYPT)

/* Staging for copies that go through the engine (device to device, host
 * to host, encrypting), and the most a decrypting copy authenticates at a
 * time while it is still in the cache. */
#define COPY_CHUNK (256u << 10)
/* Pages one range of a copy can touch: GV_COPY_MAX + a tag, unaligned. */
#define COPY_PAGES (GV_COPY_MAX / GV_PAGE_SIZE + 2)
#define PAGE_MASK_ ((uint64_t)GV_PAGE_SIZE - 1)

/* One side of a copy: a range of the host window (as a guest-physical
 * address, checked) or of virtual memory (with the physical address of
 * each page it touches, checked). */
struct copy_end {
    bool host;
    uint64_t addr;
    uint64_t len;
    uint64_t *pa;               /* virtual: page i's physical base */
};

/* The engine's bounded buffers, kept between copies: the staging chunk,
 * two page lists and a bitmap of device pages (one bit per 4 KiB). */
struct copy_bufs {
    uint8_t *chunk;
    uint64_t *src_pa, *dst_pa;
    uint8_t *seen;
};

static int copy_bufs(struct gv_dev *dev, unsigned chid, struct copy_bufs *b)
{
    uint64_t lists = 2 * COPY_PAGES * sizeof(uint64_t);
    uint64_t bitmap = (dev->cfg.vram_size / GV_PAGE_SIZE + 7) / 8;
    uint64_t size = COPY_CHUNK + lists + bitmap;

    if (dev->copy_buf_size != size) {
        free(dev->copy_buf);
        dev->copy_buf = calloc(1, size);
        dev->copy_buf_size = dev->copy_buf ? size : 0;
    }
    if (!dev->copy_buf) {
        return gv_refuse(dev, GV_RULE_COPY_NO_MEMORY, chid, size, 0);
    }
    b->chunk = dev->copy_buf;
    b->src_pa = (uint64_t *)(dev->copy_buf + COPY_CHUNK);
    b->dst_pa = b->src_pa + COPY_PAGES;
    b->seen = (uint8_t *)(b->dst_pa + COPY_PAGES);
    return GV_ERR_NONE;
}

/* [off, off + len) of @chid's host window, as a guest-physical address:
 * the one place the engine adds a guest-supplied offset to the window.
 * The range lies inside the window, and the window does not wrap around
 * 2^64 (the driver sets its base and size freely). */
static int host_addr(struct gv_dev *dev, unsigned chid, uint64_t off,
                     uint64_t len, uint64_t *addr)
{
    struct gv_chan *ch = &dev->chan[chid];

    if (!ch->hostwin_size || !gv_range_ok(off, len, ch->hostwin_size) ||
        !gv_range_ok(ch->hostwin_base, ch->hostwin_size, UINT64_MAX)) {
        return gv_refuse(dev, GV_RULE_COPY_HOSTWIN, chid, off, len);
    }
    *addr = ch->hostwin_base + off;
    return GV_ERR_NONE;
}

/* Check one side before anything moves: the window range, or every page
 * of the virtual range translated (for writing, as a destination). */
static int end_check(struct gv_dev *dev, unsigned chid, bool host,
                     uint64_t a, uint64_t len, bool write, uint64_t *pa,
                     struct copy_end *e)
{
    uint64_t first = a & ~PAGE_MASK_, n;

    e->host = host;
    e->len = len;
    e->pa = pa;
    if (host) {
        return host_addr(dev, chid, a, len, &e->addr);
    }
    e->addr = a;
    if (!gv_range_ok(a, len, GV_VA_LIMIT)) {
        return gv_refuse(dev, GV_RULE_MMU_VA_RANGE, chid, a, len);
    }
    n = ((a & PAGE_MASK_) + len + PAGE_MASK_) / GV_PAGE_SIZE;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t p;
        int err = gv_translate(dev, chid, i ? first + i * GV_PAGE_SIZE : a,
                               write, &p);

        if (err != GV_ERR_NONE) {
            return err;
        }
        pa[i] = p & ~PAGE_MASK_;
    }
    return GV_ERR_NONE;
}

/* The device-memory run of virtual side @e at @off: its physical address,
 * and how many bytes (at most @max) are contiguous there. */
static uint64_t end_run(const struct copy_end *e, uint64_t off, uint64_t max,
                        uint64_t *n)
{
    uint64_t in = (e->addr & PAGE_MASK_) + off;
    uint64_t i = in / GV_PAGE_SIZE, pa = e->pa[i] + (in & PAGE_MASK_);
    uint64_t run = GV_PAGE_SIZE - (in & PAGE_MASK_);

    if (max > e->len - off) {
        max = e->len - off;
    }
    while (run < max && e->pa[i + 1] == e->pa[i] + GV_PAGE_SIZE) {
        run += GV_PAGE_SIZE;
        i++;
    }
    *n = run < max ? run : max;
    return pa;
}

/* @len bytes of side @e at @off into @buf (which may be device memory). */
static int end_read(struct gv_dev *dev, unsigned chid,
                    const struct copy_end *e, uint64_t off, uint8_t *buf,
                    uint64_t len)
{
    if (e->host) {
        if (!dev->ops || !dev->ops->dma_read ||
            dev->ops->dma_read(dev->opaque, e->addr + off, buf, len)) {
            return gv_refuse(dev, GV_RULE_COPY_HOST_READ, chid,
                             e->addr + off, len);
        }
        return GV_ERR_NONE;
    }
    for (uint64_t done = 0, n; done < len; done += n) {
        uint64_t pa = end_run(e, off + done, len - done, &n);

        memmove(buf + done, dev->vram + pa, n);
    }
    return GV_ERR_NONE;
}

static int end_write(struct gv_dev *dev, unsigned chid,
                     const struct copy_end *e, uint64_t off,
                     const uint8_t *buf, uint64_t len)
{
    if (e->host) {
        return gv_dma_write(dev, GV_RULE_COPY_HOST_WRITE, chid,
                            e->addr + off, buf, len);
    }
    for (uint64_t done = 0, n; done < len; done += n) {
        uint64_t pa = end_run(e, off + done, len - done, &n);

        memmove(dev->vram + pa, buf + done, n);
    }
    return GV_ERR_NONE;
}

/*
 * A plain copy through the staging chunk.  Ranges in one space that
 * overlap are copied back to front when the destination lies above the
 * source, so the result is as if everything were read before anything is
 * written (by address: two virtual ranges that share physical pages
 * through different addresses get whatever the chunk order gives).
 */
static int copy_plain(struct gv_dev *dev, unsigned chid,
                      const struct copy_end *src, const struct copy_end *dst,
                      uint8_t *chunk)
{
    uint64_t len = src->len;
    bool back = src->host == dst->host && dst->addr > src->addr &&
                dst->addr - src->addr < len;
    int err = GV_ERR_NONE;

    for (uint64_t done = 0; done < len && err == GV_ERR_NONE;) {
        uint64_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
        uint64_t off = back ? len - done - n : done;

        err = end_read(dev, chid, src, off, chunk, n);
        if (err == GV_ERR_NONE) {
            err = end_write(dev, chid, dst, off, chunk, n);
        }
        done += n;
    }
    return err;
}

/* Seal @n bytes of @src at @off into @chunk: from device memory straight
 * (each byte read once; the tag covers the ciphertext in @chunk), from
 * the window through @chunk. */
static int seal_in(struct gv_dev *dev, unsigned chid,
                   const struct gv_cmd_copy *c, struct gvc_gcm_split *g,
                   const struct copy_end *src, uint64_t off, uint8_t *chunk,
                   uint64_t n)
{
    int err = GV_ERR_NONE;

    if (src->host) {
        err = end_read(dev, chid, src, off, chunk, n);
        if (err == GV_ERR_NONE &&
            gvc_gcm_split_seal(g, chunk, n, chunk) != GVC_OK) {
            err = gv_refuse(dev, GV_RULE_COPY_SEAL, chid, c->dst, c->size);
        }
        return err;
    }
    for (uint64_t done = 0, m; done < n && err == GV_ERR_NONE; done += m) {
        uint64_t pa = end_run(src, off + done, n - done, &m);

        if (gvc_gcm_split_seal(g, dev->vram + pa, m, chunk + done) !=
            GVC_OK) {
            err = gv_refuse(dev, GV_RULE_COPY_SEAL, chid, c->dst, c->size);
        }
    }
    return err;
}

/* An encrypting copy: each chunk sealed into the staging chunk and
 * written out, then the tag; only ciphertext ever reaches @dst. */
/* Channel @chid's key schedules of K_copy, made on first use (a context
 * costs two AES key expansions, H and GHASH's table: about as much as
 * the cryptography of a 4 KiB copy); NULL if they cannot be made. */
static struct gvc_gcm_split *copy_ctx(struct gv_dev *dev, unsigned chid)
{
    struct gv_chan *ch = &dev->chan[chid];

    if (!ch->copy &&
        gvc_gcm_split_new(&ch->copy, dev->chsec[chid].copy_key) != GVC_OK) {
        ch->copy = NULL;
    }
    return ch->copy;
}

void gv_copy_forget(struct gv_dev *dev, unsigned chid)
{
    gvc_gcm_split_free(dev->chan[chid].copy);   /* wipes the schedules */
    dev->chan[chid].copy = NULL;
}

static int copy_encrypt(struct gv_dev *dev, unsigned chid,
                        const struct gv_cmd_copy *c,
                        const struct copy_end *src,
                        const struct copy_end *dst, uint8_t *chunk)
{
    struct gvc_gcm_split *g = copy_ctx(dev, chid);
    uint8_t tag[GV_TAG_LEN];
    uint64_t used = 0;
    int err = GV_ERR_NONE;

    if (!g ||
        gvc_gcm_split_seal_begin(g, c->iv, &c->src, sizeof(c->src)) !=
            GVC_OK) {
        err = gv_refuse(dev, GV_RULE_COPY_SEAL, chid, c->dst, c->size);
    }
    for (uint64_t off = 0; off < c->size && err == GV_ERR_NONE;) {
        uint64_t n = c->size - off < COPY_CHUNK ? c->size - off : COPY_CHUNK;

        used = used > n ? used : n;
        err = seal_in(dev, chid, c, g, src, off, chunk, n);
        if (err == GV_ERR_NONE) {
            err = end_write(dev, chid, dst, off, chunk, n);
        }
        off += n;
    }
    if (err == GV_ERR_NONE && gvc_gcm_split_seal_final(g, tag) != GVC_OK) {
        err = gv_refuse(dev, GV_RULE_COPY_SEAL, chid, c->dst, c->size);
    }
    if (err == GV_ERR_NONE) {
        err = end_write(dev, chid, dst, c->size, tag, sizeof(tag));
    }
    /* no plaintext of a secure context lingers in the staging chunk */
    memset(chunk, 0, used);
    return err;
}

/*
 * A decrypting copy's destination must be the context's own protected
 * memory (page_allowed() gave only its own data pages there), each
 * physical page once: then nobody else can read the ciphertext's
 * decryption or change the ciphertext between its check and its
 * decryption, and no write to one page lands in another.
 */
static int decrypt_dst_ok(struct gv_dev *dev, unsigned chid,
                          const struct copy_end *dst, uint8_t *seen)
{
    uint64_t n = ((dst->addr & PAGE_MASK_) + dst->len + PAGE_MASK_) /
                 GV_PAGE_SIZE, i;
    int err = GV_ERR_NONE;

    if (dst->host) {
        return gv_refuse(dev, GV_RULE_COPY_DECRYPT_DST, chid, dst->addr, 0);
    }
    for (i = 0; i < n && err == GV_ERR_NONE; i++) {
        uint64_t pg = dst->pa[i] / GV_PAGE_SIZE;

        if (gv_region_of(dev, dst->pa[i], GV_PAGE_SIZE) != GV_REGION_PROT) {
            err = gv_refuse(dev, GV_RULE_COPY_DECRYPT_DST, chid, dst->pa[i],
                            1);
        } else if (seen[pg / 8] & (1u << (pg % 8))) {
            err = gv_refuse(dev, GV_RULE_COPY_DECRYPT_DST, chid, dst->pa[i],
                            2);
        } else {
            seen[pg / 8] |= 1u << (pg % 8);
        }
    }
    while (i-- > 0) {
        uint64_t pg = dst->pa[i] / GV_PAGE_SIZE;

        seen[pg / 8] &= ~(1u << (pg % 8));
    }
    return err;
}

/* Zero the whole destination of a decrypting copy that failed. */
static void scrub_dst(struct gv_dev *dev, const struct copy_end *dst,
                      uint64_t len)
{
    for (uint64_t off = 0, n; off < len; off += n) {
        uint64_t pa = end_run(dst, off, len - off, &n);

        gv_scrub(dev, pa, n);
    }
}

/*
 * A decrypting copy, verify first: pass 1 fetches the ciphertext once
 * from the source straight into the destination, a run at a time, and
 * authenticates each run there while it is in the cache; pass 2, after
 * a good tag, decrypts the destination in place.  Any failure after the
 * first byte moved zeroes the destination.
 */
static int copy_decrypt(struct gv_dev *dev, unsigned chid,
                        const struct gv_cmd_copy *c,
                        const struct copy_end *src,
                        const struct copy_end *dst)
{
    struct gvc_gcm_split *g;
    uint8_t tag[GV_TAG_LEN];
    int err, rc;

    /* the tag first, read once */
    err = end_read(dev, chid, src, c->size, tag, sizeof(tag));
    if (err != GV_ERR_NONE) {
        return err;
    }
    g = copy_ctx(dev, chid);
    rc = g ? gvc_gcm_split_auth_begin(g, c->iv, &c->dst, sizeof(c->dst))
           : GVC_ERR_NOMEM;
    for (uint64_t off = 0, n; rc == GVC_OK && off < c->size; off += n) {
        uint64_t pa = end_run(dst, off, COPY_CHUNK, &n);

        err = end_read(dev, chid, src, off, dev->vram + pa, n);
        if (err != GV_ERR_NONE) {
            break;
        }
        rc = gvc_gcm_split_auth(g, dev->vram + pa, n);
    }
    if (err == GV_ERR_NONE && rc == GVC_OK) {
        rc = gvc_gcm_split_auth_verify(g, tag);
    }
    for (uint64_t off = 0, n; err == GV_ERR_NONE && rc == GVC_OK &&
                              off < c->size; off += n) {
        uint64_t pa = end_run(dst, off, UINT64_MAX, &n);

        rc = gvc_gcm_split_decrypt(g, dev->vram + pa, n, dev->vram + pa);
    }
    if (err == GV_ERR_NONE && rc != GVC_OK) {
        err = gv_refuse(dev, GV_RULE_COPY_DATA_AUTH, chid, c->src, c->size);
    }
    if (err != GV_ERR_NONE) {
        scrub_dst(dev, dst, c->size);
    }
    return err;
}

int gv_exec_copy(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                 uint32_t size)
{
    struct gv_cmd_copy c;
    struct gv_chan_secret *sec = &dev->chsec[chid];
    struct copy_end src, dst;
    struct copy_bufs b = { 0 };
    bool dec, enc;
    int err;

    if (size != sizeof(c)) {
        return gv_refuse(dev, GV_RULE_COPY_SIZE, chid, size, sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    dec = c.flags & GV_COPY_DECRYPT;
    enc = c.flags & GV_COPY_ENCRYPT;
    if ((c.flags & ~COPY_FLAGS) || c.pad || c.pad2 || (dec && enc)) {
        return gv_refuse(dev, GV_RULE_COPY_FLAGS, chid, c.flags, 0);
    }
    if (c.size == 0 || c.size > GV_COPY_MAX) {
        return gv_refuse(dev, GV_RULE_COPY_RANGE, chid, c.size, GV_COPY_MAX);
    }
    if ((dec || enc) && dev->chan[chid].type != GV_CHAN_TYPE_SECURE) {
        return gv_refuse(dev, GV_RULE_COPY_CRYPTO_NOT_SECURE, chid, c.flags,
                         0);
    }
    if ((dec || enc) && !sec->has_copy_key) {
        return gv_refuse(dev, GV_RULE_COPY_NO_KEY, chid, c.flags, 0);
    }
    err = copy_bufs(dev, chid, &b);
    if (err != GV_ERR_NONE) {
        return err;
    }
    /* c.size <= GV_COPY_MAX: adding the tag cannot wrap, and both page
     * lists have room; every range is checked whole, every page of it
     * translated, before anything moves. */
    err = end_check(dev, chid, c.flags & GV_COPY_SRC_HOST, c.src,
                    c.size + (dec ? GV_TAG_LEN : 0), false, b.src_pa, &src);
    if (err == GV_ERR_NONE) {
        err = end_check(dev, chid, c.flags & GV_COPY_DST_HOST, c.dst,
                        c.size + (enc ? GV_TAG_LEN : 0), true, b.dst_pa,
                        &dst);
    }
    if (err != GV_ERR_NONE) {
        return err;
    }
    /* A crypto copy runs front to back: a destination that overlaps the
     * source from above (other than exactly, in place) would be read
     * after it was written. */
    if ((dec || enc) && src.host == dst.host && c.dst > c.src &&
        c.dst - c.src < src.len) {
        return gv_refuse(dev, GV_RULE_COPY_CRYPTO_OVERLAP, chid, c.src,
                         c.dst);
    }
    if (dec) {
        err = decrypt_dst_ok(dev, chid, &dst, b.seen);
        return err == GV_ERR_NONE ? copy_decrypt(dev, chid, &c, &src, &dst)
                                  : err;
    }
    if (enc) {
        return copy_encrypt(dev, chid, &c, &src, &dst, b.chunk);
    }
    return copy_plain(dev, chid, &src, &dst, b.chunk);
}

int gv_exec_set_copy_key(struct gv_dev *dev, unsigned chid,
                         const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_set_copy_key k;
    struct gv_chan_secret *sec = &dev->chsec[chid];
    int rc;

    if (size != sizeof(k)) {
        return gv_refuse(dev, GV_RULE_COPY_KEY_SIZE, chid, size, sizeof(k));
    }
    /* Only a secure channel's groups are authenticated: a key set any
     * other way could be the driver's. */
    if (dev->chan[chid].type != GV_CHAN_TYPE_SECURE) {
        return gv_refuse(dev, GV_RULE_COPY_KEY_NOT_SECURE, chid,
                         dev->chan[chid].type, 0);
    }
    /* The key is the channel's, not the context's (each stream has its
     * own), and bound to this incarnation: a ciphertext made for an
     * earlier creation of the channel never verifies here (attack 15). */
    gv_copy_forget(dev, chid);          /* the old key's schedules */
    memcpy(&k, cmd, sizeof(k));
    rc = gv_derive_key(k.key, GV_KDF_COPY, chid, sec->incarnation,
                       sec->copy_key);
    memset(&k, 0, sizeof(k));
    if (rc) {
        sec->has_copy_key = 0;
        return gv_refuse(dev, GV_RULE_COPY_KEY_DERIVE, chid, 0, 0);
    }
    sec->has_copy_key = 1;
    return GV_ERR_NONE;
}
