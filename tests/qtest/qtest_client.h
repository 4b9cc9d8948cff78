/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small client for QEMU's qtest protocol (-qtest stdio): start QEMU with
 * the qtest accelerator and drive port I/O, memory and MMIO from the test,
 * with no guest.  Enough PCI helpers to place our device's BARs and MSI.
 */
#ifndef QTEST_CLIENT_H
#define QTEST_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct qt {
    pid_t pid;      /* QEMU's; 0 once reaped */
    FILE *to;       /* QEMU's stdin */
    FILE *from;     /* QEMU's stdout */
    bool broken;    /* QEMU died or answered nonsense */
    FILE *trace;    /* if set: a copy of every command sent (a replay) */
};

/* Start QEMU (path from $GV_QEMU) with @extra_args (a string split on
 * spaces) after "-M q35 -accel qtest -qtest stdio -nodefaults".  Returns
 * NULL on failure. */
struct qt *qt_start(const char *extra_args);
void qt_quit(struct qt *qt);

uint32_t qt_inl(struct qt *qt, uint16_t port);
void qt_outl(struct qt *qt, uint16_t port, uint32_t val);
uint64_t qt_read(struct qt *qt, uint64_t addr, unsigned size);
void qt_write(struct qt *qt, uint64_t addr, unsigned size, uint64_t val);

/* Bulk guest-memory access ("read"/"write" qtest commands). */
void qt_memread(struct qt *qt, uint64_t addr, void *buf, size_t len);
void qt_memwrite(struct qt *qt, uint64_t addr, const void *buf, size_t len);

/* PCI configuration space of bus 0 device @dev function 0 (port 0xcf8). */
uint32_t qt_cfg_read32(struct qt *qt, int dev, int reg);
void qt_cfg_write32(struct qt *qt, int dev, int reg, uint32_t val);
uint16_t qt_cfg_read16(struct qt *qt, int dev, int reg);
void qt_cfg_write16(struct qt *qt, int dev, int reg, uint16_t val);
/* Offset of capability @id, or 0. */
int qt_cfg_find_cap(struct qt *qt, int dev, uint8_t id);

/* Play firmware for a device with a 32-bit BAR0 and a 64-bit BAR2: place
 * them and enable memory decoding and bus mastering. */
void qt_place_bars(struct qt *qt, int dev, uint32_t bar0, uint64_t bar2);

#endif /* QTEST_CLIENT_H */
