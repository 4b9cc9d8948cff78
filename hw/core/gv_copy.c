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
 * copying; a bad tag leaves the destination untouched.
 */
#include "gv_internal.h"

#include <stdlib.h>

#include "gv_bounds.h"

#include "gv_crypto.h"
#include "graviton/gv_keys.h"

#define COPY_FLAGS (GV_COPY_SRC_HOST | GV_COPY_DST_HOST | GV_COPY_DECRYPT | \
                    GV_COPY_ENCRYPT)

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

static int copy_in(struct gv_dev *dev, unsigned chid, bool host,
                   uint64_t src, void *buf, uint64_t len)
{
    uint64_t a;
    int err;

    if (!host) {
        return gv_vm_read(dev, chid, src, buf, len);
    }
    err = host_addr(dev, chid, src, len, &a);
    if (err == GV_ERR_NONE && (!dev->ops || !dev->ops->dma_read ||
                               dev->ops->dma_read(dev->opaque, a, buf, len))) {
        err = gv_refuse(dev, GV_RULE_COPY_HOST_READ, chid, a, len);
    }
    return err;
}

static int copy_out(struct gv_dev *dev, unsigned chid, bool host,
                    uint64_t dst, const void *buf, uint64_t len)
{
    uint64_t a;
    int err;

    if (!host) {
        return gv_vm_write(dev, chid, dst, buf, len);
    }
    err = host_addr(dev, chid, dst, len, &a);
    return err == GV_ERR_NONE ? gv_dma_write(dev, GV_RULE_COPY_HOST_WRITE,
                                             chid, a, buf, len)
                              : err;
}

int gv_exec_copy(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                 uint32_t size)
{
    struct gv_cmd_copy c;
    struct gv_chan_secret *sec = &dev->chsec[chid];
    bool dec, enc;
    uint64_t in_len, out_len;
    uint8_t *buf;
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
    /* c.size <= GV_COPY_MAX: adding the tag cannot wrap, and both
     * lengths fit the staging buffer; each range is checked whole by
     * gv_vm_read/gv_vm_write (the VA space) or host_addr (the window). */
    in_len = c.size + (dec ? GV_TAG_LEN : 0);
    out_len = c.size + (enc ? GV_TAG_LEN : 0);
    /* The engine's staging buffer is kept between copies: allocating and
     * faulting in tens of MiB per command would dominate large copies. */
    if (dev->copy_buf_size < GV_COPY_MAX + GV_TAG_LEN) {
        free(dev->copy_buf);
        dev->copy_buf = malloc(GV_COPY_MAX + GV_TAG_LEN);
        dev->copy_buf_size = dev->copy_buf ? GV_COPY_MAX + GV_TAG_LEN : 0;
    }
    buf = dev->copy_buf;
    if (!buf) {
        return gv_refuse(dev, GV_RULE_COPY_NO_MEMORY, chid,
                         GV_COPY_MAX + GV_TAG_LEN, 0);
    }
    err = copy_in(dev, chid, c.flags & GV_COPY_SRC_HOST, c.src, buf, in_len);
    if (err == GV_ERR_NONE && dec &&
        gvc_gcm_open(sec->copy_key, c.iv, &c.dst, sizeof(c.dst), buf, c.size,
                     buf, buf + c.size) != GVC_OK) {
        err = gv_refuse(dev, GV_RULE_COPY_DATA_AUTH, chid, c.src, c.size);
    }
    if (err == GV_ERR_NONE && enc &&
        gvc_gcm_seal(sec->copy_key, c.iv, &c.src, sizeof(c.src), buf, c.size,
                     buf, buf + c.size) != GVC_OK) {
        err = gv_refuse(dev, GV_RULE_COPY_SEAL, chid, c.dst, c.size);
    }
    if (err == GV_ERR_NONE) {
        err = copy_out(dev, chid, c.flags & GV_COPY_DST_HOST, c.dst, buf,
                       out_len);
    }
    /* no plaintext of a secure context lingers in the staging buffer */
    memset(buf, 0, in_len > out_len ? in_len : out_len);
    return err;
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
