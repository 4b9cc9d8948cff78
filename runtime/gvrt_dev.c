/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton runtime, backend layer: the driver's character device. */
#include "gvrt_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int gvrt_dev_open(struct gvrt_dev *dev, int index)
{
    char path[64];

    snprintf(path, sizeof(path), "/dev/" GRAVITON_DEV_NAME "%d", index);
    dev->fd = open(path, O_RDWR | O_CLOEXEC);
    dev->index = index;
    return dev->fd < 0 ? -errno : 0;
}

void gvrt_dev_close(struct gvrt_dev *dev)
{
    if (dev->fd >= 0) {
        close(dev->fd);
    }
    dev->fd = -1;
}

int gvrt_dev_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg)
{
    int r;

    do {
        r = ioctl(dev->fd, cmd, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
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
