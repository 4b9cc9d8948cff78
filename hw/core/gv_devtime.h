/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-time model (docs/devtime.md): the emulator runs functionally;
 * this optional model says how long the work it ran would have taken on a
 * GPU of a given profile, and advances a device clock the guest reads
 * (GV_REG_DEVTIME_*).  Off unless the device is created with a profile.
 */
#ifndef GV_DEVTIME_H
#define GV_DEVTIME_H

#include <stdint.h>

struct gv_dev;

struct gv_devtime_profile {
    const char *name;
    uint32_t id;                /* GV_REG_DEVTIME_PROFILE */
    /* compute engine */
    unsigned sms;               /* streaming multiprocessors */
    unsigned lanes;             /* 32-bit lanes per SM */
    double clock_ghz;
    double ipc;                 /* lane instructions per lane per cycle */
    double launch_ns;           /* a launch's fixed cost */
    /* copies */
    double pcie_gbps;           /* host <-> device */
    double pcie_ns;             /* a host copy's latency */
    double mem_gbps;            /* device memory (copies inside, clears) */
    double copy_crypto_gbps;    /* the copy engine's AES-GCM */
    /* command processor */
    double cmd_ns;              /* fetch, decode and check a command */
    double group_sw_ns;         /* decrypt a command group in firmware */
    double group_hw_ns;         /* the same with an AES-GCM engine */
    double quote_ns;            /* CH_CREATE secure: key agreement, signing */
    double mac_ns;              /* a summary, unmap MAC or measurement MAC */
    double hash_gbps;           /* CH_MEASURE's keyed hash */
};

/* The profile named @name ("titan-black", "h100"), or NULL. */
const struct gv_devtime_profile *gv_devtime_profile(const char *name);
/* Every profile, NULL-terminated (documentation, tests). */
const struct gv_devtime_profile *const *gv_devtime_profiles(void);

/* Accounting, each a no-op when the model is off. */
void gv_devtime_cmd(struct gv_dev *dev, const uint8_t *cmd, uint32_t size,
                    unsigned chan_type);
void gv_devtime_group(struct gv_dev *dev);
void gv_devtime_launch(struct gv_dev *dev, uint64_t lane_insns);
/* The modelled device time so far, in nanoseconds (0 when off). */
uint64_t gv_dev_devtime_ns(const struct gv_dev *dev);

#endif /* GV_DEVTIME_H */
