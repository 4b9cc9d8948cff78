/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton runtime, backend layer: talking to /dev/gravitonN.
 *
 * Every call returns 0 or a negative errno; errno is read in exactly one
 * place (gvrt_dev.c) so the API layer above can map it to a result code.
 */
#ifndef GVRT_DEV_H
#define GVRT_DEV_H

#include <stdint.h>

#include "graviton/graviton_uapi.h"

struct gvrt_dev {
    int fd;
    int index;
};

/* Open /dev/graviton<index>. */
int gvrt_dev_open(struct gvrt_dev *dev, int index);
void gvrt_dev_close(struct gvrt_dev *dev);

int gvrt_dev_get_info(struct gvrt_dev *dev, struct graviton_info *info);
int gvrt_dev_get_param(struct gvrt_dev *dev, uint32_t param, uint64_t *value);

/* Raw ioctl, for tests that hand the driver malformed arguments. */
int gvrt_dev_ioctl(struct gvrt_dev *dev, unsigned long cmd, void *arg);

#endif /* GVRT_DEV_H */
