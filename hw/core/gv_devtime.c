/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device-time model: profiles and accounting (gv_devtime.h). */
#include "gv_devtime.h"

#include <string.h>

#include "graviton/gv_cmds.h"
#include "gv_internal.h"

/* Figures and their sources: docs/devtime.md. */
static const struct gv_devtime_profile titan_black = {
    .name = "titan-black", .id = 1,
    .sms = 15, .lanes = 192, .clock_ghz = 0.889, .ipc = 0.5,
    .launch_ns = 5000,
    .pcie_gbps = 12.0, .pcie_ns = 10000, .mem_gbps = 336.0,
    .copy_crypto_gbps = 4.0,
    .cmd_ns = 1000, .group_sw_ns = 3000, .group_hw_ns = 30,
    .quote_ns = 11000, .mac_ns = 21000, .hash_gbps = 2.0,
};

static const struct gv_devtime_profile h100 = {
    .name = "h100", .id = 2,
    .sms = 132, .lanes = 128, .clock_ghz = 1.755, .ipc = 0.5,
    .launch_ns = 3000,
    .pcie_gbps = 50.0, .pcie_ns = 5000, .mem_gbps = 3350.0,
    .copy_crypto_gbps = 8.0,
    .cmd_ns = 200, .group_sw_ns = 3000, .group_hw_ns = 30,
    .quote_ns = 2000000, .mac_ns = 500, .hash_gbps = 8.0,
};

static const struct gv_devtime_profile *const profiles[] = {
    &titan_black, &h100, NULL,
};

const struct gv_devtime_profile *gv_devtime_profile(const char *name)
{
    for (int i = 0; name && profiles[i]; i++) {
        if (!strcmp(name, profiles[i]->name)) {
            return profiles[i];
        }
    }
    return NULL;
}

const struct gv_devtime_profile *const *gv_devtime_profiles(void)
{
    return profiles;
}

/* ns for @bytes at @gbps (GB/s = bytes per ns) */
static double xfer(uint64_t bytes, double gbps)
{
    return gbps > 0 ? (double)bytes / gbps : 0;
}

static void add(struct gv_dev *dev, double ns)
{
    if (ns > 0) {
        dev->devtime_ns += (uint64_t)(ns + 0.5);
    }
}

static double copy_ns(const struct gv_devtime_profile *p, const uint8_t *cmd,
                      uint32_t size)
{
    struct gv_cmd_copy c;
    double ns;

    if (size < sizeof(c)) {
        return 0;
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.flags & (GV_COPY_SRC_HOST | GV_COPY_DST_HOST)) {
        ns = p->pcie_ns + xfer(c.size, p->pcie_gbps);
    } else {
        ns = 2 * xfer(c.size, p->mem_gbps);     /* read and write */
    }
    if (c.flags & (GV_COPY_DECRYPT | GV_COPY_ENCRYPT)) {
        ns += xfer(c.size, p->copy_crypto_gbps);
    }
    return ns;
}

/* A management command: checks, tables cleared, crypto. */
static double mgmt_ns(const struct gv_devtime_profile *p, const uint8_t *cmd,
                      uint32_t size, uint32_t op)
{
    double ns = p->cmd_ns;

    if (op == GV_OP_CH_CREATE && size >= sizeof(struct gv_cmd_ch_create)) {
        struct gv_cmd_ch_create c;

        memcpy(&c, cmd, sizeof(c));
        ns += xfer(GV_PGD_BYTES + GV_PAGE_SIZE, p->mem_gbps);
        if (c.flags & GV_CREATE_SECURE) {
            ns += p->quote_ns;
        }
    } else if (op == GV_OP_CH_PDE &&
               size >= sizeof(struct gv_cmd_ch_pde)) {
        struct gv_cmd_ch_pde c;

        memcpy(&c, cmd, sizeof(c));
        if (c.pgt_addr) {
            ns += xfer((c.flags & GV_PDE_BIG) ? GV_PGT_BIG_BYTES
                                              : GV_PGT_SMALL_BYTES,
                       p->mem_gbps);
        }
    } else if (op == GV_OP_CH_PTE &&
               size >= sizeof(struct gv_cmd_ch_pte)) {
        struct gv_cmd_ch_pte c;

        memcpy(&c, cmd, sizeof(c));
        ns += c.count * p->cmd_ns / 8;          /* an entry each */
        if (c.result_addr) {
            ns += p->mac_ns;                    /* the summary */
        }
    } else if (op == GV_OP_CH_DESTROY &&
               size >= sizeof(struct gv_cmd_ch_destroy)) {
        struct gv_cmd_ch_destroy c;

        memcpy(&c, cmd, sizeof(c));
        if (c.flags & GV_DESTROY_AUTH) {
            ns += p->mac_ns;                    /* the authorisation */
        }
    } else if (op == GV_OP_CH_MEASURE &&
               size >= sizeof(struct gv_cmd_ch_measure)) {
        struct gv_cmd_ch_measure c;

        memcpy(&c, cmd, sizeof(c));
        ns += p->mac_ns + xfer(c.size, p->hash_gbps);
    }
    return ns;
}

void gv_devtime_cmd(struct gv_dev *dev, const uint8_t *cmd, uint32_t size,
                    unsigned chan_type)
{
    const struct gv_devtime_profile *p = dev->tp;
    struct gv_cmd_hdr h;

    if (!p || size < sizeof(h)) {
        return;
    }
    memcpy(&h, cmd, sizeof(h));
    if (chan_type == GV_CHAN_TYPE_BOOTSTRAP) {
        add(dev, mgmt_ns(p, cmd, size, h.op));
    } else if (h.op == GV_OP_COPY) {
        add(dev, p->cmd_ns + copy_ns(p, cmd, size));
    } else if (h.op != GV_OP_LAUNCH) {          /* counted when it ends */
        add(dev, p->cmd_ns);
    }
}

void gv_devtime_group(struct gv_dev *dev)
{
    const struct gv_devtime_profile *p = dev->tp;

    if (p) {
        add(dev, dev->cfg.aes_engine ? p->group_hw_ns : p->group_sw_ns);
    }
}

void gv_devtime_launch(struct gv_dev *dev, uint64_t lane_insns)
{
    const struct gv_devtime_profile *p = dev->tp;

    if (p) {
        double lanes_per_ns = p->sms * p->lanes * p->clock_ghz * p->ipc;

        add(dev, p->cmd_ns + p->launch_ns + (double)lane_insns /
                                            lanes_per_ns);
    }
}

uint64_t gv_dev_devtime_ns(const struct gv_dev *dev)
{
    return dev->devtime_ns;
}
