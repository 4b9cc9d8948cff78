/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton runtime, backend layer: the driver's character device. */
#include "gvrt_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the ioctl backend: the only code that reads errno ---- */

static int ioctl_open(struct gvrt_dev *dev, int index)
{
    char path[64];

    snprintf(path, sizeof(path), "/dev/" GRAVITON_DEV_NAME "%d", index);
    dev->fd = open(path, O_RDWR | O_CLOEXEC);
    return dev->fd < 0 ? -errno : 0;
}

static void ioctl_close(struct gvrt_dev *dev)
{
    if (dev->fd >= 0) {
        close(dev->fd);
    }
}

static int ioctl_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg)
{
    int r;

    do {
        r = ioctl(dev->fd, cmd, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

static int ioctl_map(struct gvrt_dev *dev, uint32_t handle, void **buf)
{
    void *p = mmap(NULL, GRAVITON_CMDBUF_SIZE, PROT_READ | PROT_WRITE,
                   MAP_SHARED, dev->fd,
                   (off_t)handle * GRAVITON_CMDBUF_SIZE);

    if (p == MAP_FAILED) {
        *buf = NULL;
        return -errno;
    }
    *buf = p;
    return 0;
}

static void ioctl_unmap(struct gvrt_dev *dev, void *buf)
{
    munmap(buf, GRAVITON_CMDBUF_SIZE);
}

const struct gvrt_backend gvrt_ioctl_backend = {
    .name = "ioctl",
    .open = ioctl_open,
    .close = ioctl_close,
    .ioctl = ioctl_ioctl,
    .map = ioctl_map,
    .unmap = ioctl_unmap,
};

static const struct gvrt_backend *backend = &gvrt_ioctl_backend;

const struct gvrt_backend *gvrt_backend_set(const struct gvrt_backend *be)
{
    const struct gvrt_backend *old = backend;

    backend = be ? be : &gvrt_ioctl_backend;
    return old;
}

static const struct gvrt_backend *be_of(const struct gvrt_dev *dev)
{
    return dev->be ? dev->be : &gvrt_ioctl_backend;
}

/* ---- calls ---- */

int gvrt_dev_open(struct gvrt_dev *dev, int index)
{
    int r;

    memset(dev, 0, sizeof(*dev));
    dev->fd = -1;
    dev->index = index;
    dev->be = backend;
    if (index < 0) {
        return -ENODEV;
    }
    r = dev->be->open(dev, index);
    if (r) {
        dev->fd = -1;
        dev->priv = NULL;
    }
    return r;
}

void gvrt_dev_close(struct gvrt_dev *dev)
{
    if (dev->fd >= 0 || dev->priv) {
        be_of(dev)->close(dev);
    }
    dev->fd = -1;
    dev->priv = NULL;
}

int gvrt_dev_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg)
{
    return be_of(dev)->ioctl(dev, cmd, arg);
}

int gvrt_dev_get_info(struct gvrt_dev *dev, struct graviton_info *info)
{
    memset(info, 0, sizeof(*info));
    return gvrt_dev_ioctl(dev, GRAVITON_IOC_GET_INFO, info);
}

int gvrt_dev_get_param(struct gvrt_dev *dev, uint32_t param, uint64_t *value)
{
    struct graviton_param p = { .param = param };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_GET_PARAM, &p);

    if (r == 0) {
        *value = p.value;
    }
    return r;
}

int gvrt_dev_ak_info(struct gvrt_dev *dev, struct graviton_ak_info *ak)
{
    memset(ak, 0, sizeof(*ak));
    return gvrt_dev_ioctl(dev, GRAVITON_IOC_GET_AK_INFO, ak);
}

int gvrt_dev_set_ak_cert(struct gvrt_dev *dev, const void *der, uint32_t len)
{
    struct graviton_blob b = { .ptr = (uintptr_t)der, .len = len };

    return gvrt_dev_ioctl(dev, GRAVITON_IOC_SET_AK_CERT, &b);
}

int gvrt_dev_get_ak_cert(struct gvrt_dev *dev, void *der, uint32_t *len)
{
    struct graviton_blob b = { .ptr = (uintptr_t)der, .len = *len };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_GET_AK_CERT, &b);

    *len = b.len;
    return r;
}

int gvrt_chan_create(struct gvrt_dev *dev, bool secure, const uint8_t *uk_pub,
                     const uint8_t *nonce, struct gv_quote *q,
                     uint32_t *handle, uint64_t *fence_va)
{
    return gvrt_chan_create_sum(dev, secure, uk_pub, nonce, q, NULL, handle,
                                fence_va);
}

int gvrt_chan_create_sum(struct gvrt_dev *dev, bool secure,
                         const uint8_t *uk_pub, const uint8_t *nonce,
                         struct gv_quote *q, struct gv_pte_summary *fence_sum,
                         uint32_t *handle, uint64_t *fence_va)
{
    struct graviton_chan_create c = { 0 };
    int r;

    if (secure) {
        c.flags = GRAVITON_CHAN_SECURE;
        memcpy(c.uk_pub, uk_pub, sizeof(c.uk_pub));
        memcpy(c.nonce, nonce, sizeof(c.nonce));
        c.quote_ptr = (uintptr_t)q;
        c.summary_ptr = (uintptr_t)fence_sum;
    }
    r = gvrt_dev_ioctl(dev, GRAVITON_IOC_CHAN_CREATE, &c);
    if (r == 0) {
        *handle = c.handle;
        if (fence_va) {
            *fence_va = c.fence_va;
        }
    }
    return r;
}

int gvrt_chan_destroy(struct gvrt_dev *dev, uint32_t handle,
                      const uint8_t *mac)
{
    struct graviton_chan_destroy d = { .handle = handle };

    if (mac) {
        d.flags = GRAVITON_DESTROY_AUTH;
        memcpy(d.mac, mac, sizeof(d.mac));
    }
    return gvrt_dev_ioctl(dev, GRAVITON_IOC_CHAN_DESTROY, &d);
}

int gvrt_mem_alloc(struct gvrt_dev *dev, uint32_t handle, uint32_t flags,
                   uint64_t size, uint64_t *va, struct gv_pte_summary *sums,
                   uint32_t cap, uint32_t *count)
{
    struct graviton_mem_alloc a = { .handle = handle, .flags = flags,
                                    .size = size,
                                    .summaries_ptr = (uintptr_t)sums,
                                    .summaries_cap = cap };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_MEM_ALLOC, &a);

    if (r == 0) {
        *va = a.va;
        if (count) {
            *count = a.summaries_count;
        }
    }
    return r;
}

int gvrt_mem_free(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                  const uint8_t (*macs)[GV_TAG_LEN], uint32_t count)
{
    return gvrt_mem_free_sum(dev, handle, va, macs, count, NULL, 0, NULL);
}

int gvrt_mem_free_sum(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                      const uint8_t (*macs)[GV_TAG_LEN], uint32_t count,
                      struct gv_pte_summary *sums, uint32_t cap,
                      uint32_t *nsums)
{
    struct graviton_mem_free f = { .handle = handle, .va = va,
                                   .macs_ptr = (uintptr_t)macs,
                                   .macs_count = count,
                                   .summaries_ptr = (uintptr_t)sums,
                                   .summaries_cap = cap };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_MEM_FREE, &f);

    if (nsums) {
        *nsums = f.summaries_count;
    }
    return r;
}

int gvrt_measure(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                 uint64_t size, struct gv_measurement *m)
{
    struct graviton_measure c = { .handle = handle, .va = va, .size = size,
                                  .result_ptr = (uintptr_t)m };

    return gvrt_dev_ioctl(dev, GRAVITON_IOC_MEASURE, &c);
}

int gvrt_cmdbuf_map_err(struct gvrt_dev *dev, uint32_t handle, void **buf)
{
    return be_of(dev)->map(dev, handle, buf);
}

void *gvrt_cmdbuf_map(struct gvrt_dev *dev, uint32_t handle)
{
    void *p = NULL;

    return gvrt_cmdbuf_map_err(dev, handle, &p) == 0 ? p : NULL;
}

void gvrt_cmdbuf_release(struct gvrt_dev *dev, void *buf)
{
    if (buf) {
        be_of(dev)->unmap(dev, buf);
    }
}

void gvrt_cmdbuf_unmap(void *buf)
{
    if (buf) {
        munmap(buf, GRAVITON_CMDBUF_SIZE);
    }
}

int gvrt_submit(struct gvrt_dev *dev, uint32_t handle, uint64_t offset,
                uint32_t len, uint32_t *error)
{
    return gvrt_submit_flags(dev, handle, offset, len, 0, error);
}

int gvrt_submit_flags(struct gvrt_dev *dev, uint32_t handle,
                      uint64_t offset, uint32_t len, uint32_t flags,
                      uint32_t *error)
{
    struct graviton_submit s = { .handle = handle, .flags = flags,
                                 .offset = offset, .len = len };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_SUBMIT, &s);

    *error = s.error;
    return r;
}

int gvrt_wait(struct gvrt_dev *dev, uint32_t handle, uint64_t value,
              uint32_t timeout_ms, uint64_t *current)
{
    return gvrt_wait_err(dev, handle, value, timeout_ms, current, NULL);
}

int gvrt_wait_err(struct gvrt_dev *dev, uint32_t handle, uint64_t value,
                  uint32_t timeout_ms, uint64_t *current, uint32_t *error)
{
    struct graviton_wait w = { .handle = handle, .timeout_ms = timeout_ms,
                               .value = value };
    int r = gvrt_dev_ioctl(dev, GRAVITON_IOC_WAIT, &w);

    if (current) {
        *current = w.current_value;
    }
    if (error) {
        *error = w.error;
    }
    return r;
}
