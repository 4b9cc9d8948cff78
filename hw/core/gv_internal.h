/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Graviton GPU device core: private state shared by the core's files. */
#ifndef GV_INTERNAL_H
#define GV_INTERNAL_H

#include "gv_core.h"

struct gv_dev {
    struct gv_config cfg;
    const struct gv_host_ops *ops;
    void *opaque;

    uint8_t *vram;              /* cfg.vram_size bytes, anonymous mapping */
    uint64_t aperture_size;

    /* BAR0 register state */
    uint32_t scratch;
    uint32_t intr_status;
    uint32_t intr_mask;
    uint32_t intr_count;
    uint32_t bad_access_count;
    bool irq_level;
};

#if defined(__GNUC__)
#define GV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GV_PRINTF(a, b)
#endif

/* Report a guest mistake through ops->guest_error (rate-unlimited: the
 * QEMU side decides whether LOG_GUEST_ERROR is on). */
void gv_guest_error(struct gv_dev *dev, const char *fmt, ...) GV_PRINTF(2, 3);

/* Recompute the interrupt line after a change of status or mask. */
void gv_irq_update(struct gv_dev *dev);
/* Set interrupt sources in INTR_STATUS and update the line. */
void gv_irq_raise(struct gv_dev *dev, uint32_t bits);

#endif /* GV_INTERNAL_H */
