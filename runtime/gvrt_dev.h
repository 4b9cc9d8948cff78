/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton runtime, backend layer: talking to /dev/gravitonN.
 *
 * Every call returns 0 or a negative errno; errno is read in exactly one
 * place (gvrt_dev.c) so the layers above can map it to a result code.
 *
 * The calls go through a backend (struct gvrt_backend): the default one
 * opens the character device and issues ioctls; a test can plug in its
 * own (an in-process device behind a fake driver) with
 * gvrt_backend_set().
 */
#ifndef GVRT_DEV_H
#define GVRT_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "graviton/graviton_uapi.h"
#include "graviton/gv_cmds.h"

struct gvrt_backend;

struct gvrt_dev {
    int fd;                     /* the ioctl backend's file; -1 if none */
    int index;
    const struct gvrt_backend *be;      /* NULL: the ioctl backend */
    void *priv;                 /* the backend's, per open device */
};

/*
 * How a device is reached.  Every function returns 0 or a negative errno
 * (never reads or leaves errno for the caller).  @ioctl gets the driver's
 * ioctl numbers and argument structs (graviton_uapi.h); @map gives the
 * channel's command buffer (GRAVITON_CMDBUF_SIZE bytes).
 */
struct gvrt_backend {
    const char *name;
    int (*open)(struct gvrt_dev *dev, int index);
    void (*close)(struct gvrt_dev *dev);
    int (*ioctl)(struct gvrt_dev *dev, unsigned long cmd, void *arg);
    int (*map)(struct gvrt_dev *dev, uint32_t handle, void **buf);
    void (*unmap)(struct gvrt_dev *dev, void *buf);
};

/* The backend gvrt_dev_open() uses from now on (NULL: the ioctl one);
 * returns the previous one.  Not thread-safe: set it before opening. */
const struct gvrt_backend *gvrt_backend_set(const struct gvrt_backend *be);
extern const struct gvrt_backend gvrt_ioctl_backend;

/* Open /dev/graviton<index> (or the backend's device @index). */
int gvrt_dev_open(struct gvrt_dev *dev, int index);
void gvrt_dev_close(struct gvrt_dev *dev);

int gvrt_dev_get_info(struct gvrt_dev *dev, struct graviton_info *info);
int gvrt_dev_get_param(struct gvrt_dev *dev, uint32_t param, uint64_t *value);

/* Raw ioctl, for tests that hand the driver malformed arguments. */
int gvrt_dev_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg);

int gvrt_dev_ak_info(struct gvrt_dev *dev, struct graviton_ak_info *ak);
int gvrt_dev_set_ak_cert(struct gvrt_dev *dev, const void *der, uint32_t len);
int gvrt_dev_get_ak_cert(struct gvrt_dev *dev, void *der, uint32_t *len);

/* Create a channel in this file's context.  Secure: @uk_pub and @nonce in,
 * the quote out (@q).  Normal: pass NULLs. */
int gvrt_chan_create(struct gvrt_dev *dev, bool secure, const uint8_t *uk_pub,
                     const uint8_t *nonce, struct gv_quote *q,
                     uint32_t *handle, uint64_t *fence_va);
/* The same, with the summary of the fence page's mapping (@fence_sum,
 * secure channels: the channel's first report, which the runtime must
 * accept after the quote; see gvrt_secure_channel). */
int gvrt_chan_create_sum(struct gvrt_dev *dev, bool secure,
                         const uint8_t *uk_pub, const uint8_t *nonce,
                         struct gv_quote *q, struct gv_pte_summary *fence_sum,
                         uint32_t *handle, uint64_t *fence_va);
int gvrt_chan_destroy(struct gvrt_dev *dev, uint32_t handle,
                      const uint8_t *mac);
int gvrt_mem_alloc(struct gvrt_dev *dev, uint32_t handle, uint32_t flags,
                   uint64_t size, uint64_t *va, struct gv_pte_summary *sums,
                   uint32_t cap, uint32_t *count);
int gvrt_mem_free(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                  const uint8_t (*macs)[GV_TAG_LEN], uint32_t count);
/* The same, with the summaries the unmapping CH_PTEs of a secure context
 * return (up to @cap into @sums, the number in *@nsums). */
int gvrt_mem_free_sum(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                      const uint8_t (*macs)[GV_TAG_LEN], uint32_t count,
                      struct gv_pte_summary *sums, uint32_t cap,
                      uint32_t *nsums);
int gvrt_measure(struct gvrt_dev *dev, uint32_t handle, uint64_t va,
                 uint64_t size, struct gv_measurement *m);
/* The channel's command buffer (GRAVITON_CMDBUF_SIZE bytes) in *@buf. */
int gvrt_cmdbuf_map_err(struct gvrt_dev *dev, uint32_t handle, void **buf);
/* The same, NULL on failure. */
void *gvrt_cmdbuf_map(struct gvrt_dev *dev, uint32_t handle);
/* Unmap a command buffer of @dev. */
void gvrt_cmdbuf_release(struct gvrt_dev *dev, void *buf);
/* The same for a buffer of the ioctl backend (mapped from dev->fd). */
void gvrt_cmdbuf_unmap(void *buf);
/* Run the group at @offset of the command buffer; *@error gets the
 * device's verdict (0 or a GV_ERR_* code). */
int gvrt_submit(struct gvrt_dev *dev, uint32_t handle, uint64_t offset,
                uint32_t len, uint32_t *error);
/* The same with GRAVITON_SUBMIT_* @flags.  -EIO: the channel is stopped
 * at an earlier failure (its code in *@error) and nothing was submitted;
 * GRAVITON_SUBMIT_CLEAR_ERROR acknowledges it (docs/uapi.md, "Errors"). */
int gvrt_submit_flags(struct gvrt_dev *dev, uint32_t handle,
                      uint64_t offset, uint32_t len, uint32_t flags,
                      uint32_t *error);
int gvrt_wait(struct gvrt_dev *dev, uint32_t handle, uint64_t value,
              uint32_t timeout_ms, uint64_t *current);
/* The same; when it fails with -EIO *@error gets the
 * device's error code for the channel (a kernel fault, the watchdog). */
int gvrt_wait_err(struct gvrt_dev *dev, uint32_t handle, uint64_t value,
                  uint32_t timeout_ms, uint64_t *current, uint32_t *error);

#endif /* GVRT_DEV_H */
