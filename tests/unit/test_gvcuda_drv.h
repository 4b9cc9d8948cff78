/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake driver for the runtime's backend (struct gvrt_backend): the
 * guest driver's ioctls played in-process against the device core of the
 * test bench (gv_testdev), so that libgvcuda runs end to end on the host,
 * under ASan/UBSan, without a guest.  It is an honest driver that can be
 * told to lie once (fd_tamper) to test the runtime's secure checks.
 */
#ifndef TEST_GVCUDA_DRV_H
#define TEST_GVCUDA_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include "gv_testdev.h"
#include "gvrt_dev.h"

/* What the driver changes once (the next time it relays it). */
enum fd_tamper {
    FD_TAMPER_NONE = 0,
    FD_TAMPER_QUOTE,            /* a byte of the next quote's signature */
    FD_TAMPER_SUMMARY,          /* the MAC of the next mapping summary */
    FD_TAMPER_MEASURE,          /* the digest of the next measurement */
    FD_TAMPER_COPY_IN,          /* the data area before the next submit */
    FD_TAMPER_COPY_OUT,         /* the data area after the next submit */
};

extern const struct gvrt_backend fd_backend;

/* Start the device (@ndevs 0: none to open) and plug the backend in. */
void fd_init(int ndevs);
void fd_fini(void);
struct td *fd_td(void);
void fd_tamper(enum fd_tamper t);
/* The same at the @nth submit from now (for COPY_IN/COPY_OUT). */
void fd_tamper_nth(enum fd_tamper t, int nth);
/* Map a page behind the runtime's back into the last secure stream (not
 * a context's first channel) that exists. */
void fd_silent_map(void);
/* Allocations (of every context) the driver holds now. */
int fd_allocations(void);
/* Nonzero bytes the runtime left in secure memory it asked to free
 * (checked at the moment the unmap arrived, before the device scrubs). */
uint64_t fd_freed_nonzero(void);
/* Install an AK certificate (DER) in the driver, NULL to remove it. */
void fd_set_ak_cert(const uint8_t *der, uint32_t len);

#endif /* TEST_GVCUDA_DRV_H */
