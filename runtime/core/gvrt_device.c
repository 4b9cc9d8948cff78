/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime core: the devices of the machine.  See gvrt_core.h. */
#include <errno.h>
#include <string.h>

#include "gvrt_core_int.h"

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gvrt_devinfo devs[GVRT_MAX_DEVICES];
static int ndevs;

int gvrt_devices_scan(int *count)
{
    int n = 0, r = 0;

    pthread_mutex_lock(&dev_lock);
    for (int i = 0; i < GVRT_MAX_DEVICES; i++) {
        struct gvrt_dev d;
        struct graviton_info info;

        if (gvrt_dev_open(&d, i) != 0) {
            continue;
        }
        r = gvrt_dev_get_info(&d, &info);
        gvrt_dev_close(&d);
        if (r) {
            continue;
        }
        /* keep what a probe found for a device seen before */
        if (devs[n].index != i || devs[n].info.pci_bdf != info.pci_bdf) {
            devs[n].sms = 0;
        }
        devs[n].index = i;
        devs[n].info = info;
        n++;
    }
    ndevs = n;
    pthread_mutex_unlock(&dev_lock);
    if (count) {
        *count = n;
    }
    return 0;
}

const struct gvrt_devinfo *gvrt_device(int ordinal)
{
    const struct gvrt_devinfo *d = NULL;

    pthread_mutex_lock(&dev_lock);
    if (ordinal >= 0 && ordinal < ndevs) {
        d = &devs[ordinal];
    }
    pthread_mutex_unlock(&dev_lock);
    return d;
}

/* One thread stores %nsmid, the compute engine's SM count. */
static const char nsmid_ptx[] =
    ".version 7.0\n"
    ".target sm_70\n"
    ".address_size 64\n"
    ".visible .entry gvrt_nsmid(.param .u64 out)\n"
    "{\n"
    "    .reg .b32 %r<2>;\n"
    "    .reg .b64 %rd<3>;\n"
    "    ld.param.u64 %rd1, [out];\n"
    "    cvta.to.global.u64 %rd2, %rd1;\n"
    "    mov.u32 %r1, %nsmid;\n"
    "    st.global.u32 [%rd2], %r1;\n"
    "    ret;\n"
    "}\n";

static int probe_sms(int ordinal, unsigned *sms)
{
    struct gvrt_ctx_opts o = { .device = ordinal };
    struct gvrt_launch_cfg l = { { 1, 1, 1 }, { 1, 1, 1 }, 0 };
    struct gvrt_ctx *c;
    struct gvrt_cmod *m;
    struct gvrt_cfunc *f;
    uint64_t va = 0;
    uint32_t n = 0;
    void *args[] = { &va };
    int r = gvrt_ctx_create(&o, &c, NULL);

    if (r) {
        return r;
    }
    r = gvrt_ctx_module_load(c, nsmid_ptx, sizeof(nsmid_ptx) - 1, &m, NULL,
                             0);
    r = r ? r : gvrt_ctx_module_function(c, m, "gvrt_nsmid", &f);
    r = r ? r : gvrt_ctx_malloc(c, 4, &va);
    r = r ? r : gvrt_ctx_launch(c, f, NULL, &l, args, NULL, 0);
    r = r ? r : gvrt_ctx_dtoh(c, NULL, &n, va, 4);
    gvrt_ctx_destroy(c);
    if (!r) {
        *sms = n ? n : 1;
    }
    return r;
}

int gvrt_device_sms(int ordinal, unsigned *sms)
{
    unsigned n = 0;
    int r = 0;

    if (!sms) {
        return -EINVAL;
    }
    pthread_mutex_lock(&dev_lock);
    if (ordinal < 0 || ordinal >= ndevs) {
        r = -ENODEV;
    } else {
        n = devs[ordinal].sms;
    }
    pthread_mutex_unlock(&dev_lock);
    if (r || n) {
        *sms = n;
        return r;
    }
    r = probe_sms(ordinal, &n);
    if (r) {
        return r;
    }
    pthread_mutex_lock(&dev_lock);
    if (ordinal < ndevs) {
        devs[ordinal].sms = n;
    }
    pthread_mutex_unlock(&dev_lock);
    *sms = n;
    return 0;
}
