/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the driver binds to the device and reports the identity and
 * memory size the device was configured with (the harness passes the QEMU
 * vram-size on the kernel command line as gv.vram=BYTES); the identity
 * ioctls refuse malformed arguments.
 */
#include <dirent.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "graviton/gv_regs.h"
#include "gvrt_dev.h"
#include "gvtest.h"

/* Find the PCI function with our IDs; return 1 and its sysfs name. */
static int find_device(char *name, size_t len)
{
    DIR *d = opendir("/sys/bus/pci/devices");
    struct dirent *e;
    char path[512], buf[64];
    int found = 0;

    if (!d) {
        return 0;
    }
    while (!found && (e = readdir(d))) {
        unsigned vendor = 0, device = 0;

        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
                 e->d_name);
        if (gvtest_read_file(path, buf, sizeof(buf)) == 0) {
            vendor = strtoul(buf, NULL, 0);
        }
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
                 e->d_name);
        if (gvtest_read_file(path, buf, sizeof(buf)) == 0) {
            device = strtoul(buf, NULL, 0);
        }
        if (vendor == GV_PCI_VENDOR_ID && device == GV_PCI_DEVICE_ID) {
            snprintf(name, len, "%s", e->d_name);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

/* Size of BAR @bar from the sysfs "resource" file. */
static uint64_t bar_size(const char *name, int bar)
{
    char path[512], buf[4096], *line = buf;
    unsigned long long start, end, flags;

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", name);
    if (gvtest_read_file(path, buf, sizeof(buf))) {
        return 0;
    }
    for (int i = 0; i < bar && line; i++) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (!line || sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3 ||
        end <= start) {
        return 0;
    }
    return end - start + 1;
}

static uint64_t pow2_ceil(uint64_t v)
{
    uint64_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

int main(void)
{
    char pciname[256] = "", path[512], target[512] = "";
    const char *vram_arg = gvtest_cmdline("gv.vram");
    uint64_t vram = vram_arg ? strtoull(vram_arg, NULL, 0) : 0;
    struct gvrt_dev dev;
    struct graviton_info info;
    struct graviton_param param;
    uint64_t v;
    ssize_t n;
    int r;

    CHECK(vram != 0, "harness passed the configured vram size (%s)",
          vram_arg ? vram_arg : "none");
    CHECK(find_device(pciname, sizeof(pciname)), "device %04x:%04x on PCI (%s)",
          GV_PCI_VENDOR_ID, GV_PCI_DEVICE_ID, pciname);

    snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pciname);
    n = readlink(path, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && strstr(target, "/graviton") != NULL,
          "module bound to the device (driver -> %s)", target);

    r = gvrt_dev_open(&dev, 0);
    CHECK(r == 0, "open /dev/graviton0: %s", strerror(-r));
    if (r) {
        return gvtest_done();
    }

    r = gvrt_dev_get_info(&dev, &info);
    CHECK(r == 0, "GET_INFO: %s", strerror(-r));
    CHECK_EQ_U64(info.id_magic, GV_ID_MAGIC, "id magic");
    CHECK_EQ_U64(info.vendor_id, GV_PCI_VENDOR_ID, "vendor id");
    CHECK_EQ_U64(info.device_id, GV_PCI_DEVICE_ID, "device id");
    CHECK_EQ_U64(info.abi_version, GV_ABI_VERSION, "device ABI version");
    CHECK_EQ_U64(info.uapi_version, GRAVITON_UAPI_VERSION, "uapi version");
    CHECK_EQ_U64(info.vram_size, vram, "device memory size");
    CHECK_EQ_U64(info.aperture_size, pow2_ceil(vram), "aperture size");
    CHECK_EQ_U64(bar_size(pciname, GV_BAR_VRAM), info.aperture_size,
                 "BAR2 size in sysfs");
    CHECK_EQ_U64(bar_size(pciname, GV_BAR_REGS), GV_REGS_SIZE,
                 "BAR0 size in sysfs");
    CHECK(info.caps & GRAVITON_CAP_MSI, "interrupts use MSI");

    r = gvrt_dev_get_param(&dev, GRAVITON_PARAM_VRAM_SIZE, &v);
    CHECK(r == 0 && v == vram, "GET_PARAM(VRAM_SIZE) = 0x%" PRIx64, v);
    r = gvrt_dev_get_param(&dev, GRAVITON_PARAM_UAPI_VERSION, &v);
    CHECK(r == 0 && v == GRAVITON_UAPI_VERSION, "GET_PARAM(UAPI_VERSION)");
    r = gvrt_dev_get_param(&dev, GRAVITON_PARAM_IRQ_SELFTEST, &v);
    CHECK(r == 0 && v == 1, "probe's interrupt self-test passed");
    r = gvrt_dev_get_param(&dev, GRAVITON_PARAM_IRQ_COUNT, &v);
    CHECK(r == 0 && v >= 1, "interrupts handled: %" PRIu64, v);

    /* Malformed arguments are refused with precise errors. */
    memset(&info, 0, sizeof(info));
    info.flags = 1;
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_INFO, &info);
    CHECK(r == -EINVAL, "GET_INFO with nonzero flags: %s", strerror(-r));
    memset(&info, 0, sizeof(info));
    info.reserved[3] = 1;
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_INFO, &info);
    CHECK(r == -EINVAL, "GET_INFO with nonzero reserved: %s", strerror(-r));
    memset(&info, 0, sizeof(info));
    info.pad = 1;
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_INFO, &info);
    CHECK(r == -EINVAL, "GET_INFO with nonzero pad: %s", strerror(-r));
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_INFO, (void *)16);
    CHECK(r == -EFAULT, "GET_INFO with a bad pointer: %s", strerror(-r));
    param = (struct graviton_param){ .param = 0xdead };
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_PARAM, &param);
    CHECK(r == -EINVAL, "GET_PARAM of an unknown parameter: %s",
          strerror(-r));
    param = (struct graviton_param){ .param = GRAVITON_PARAM_VRAM_SIZE,
                                     .pad = 7 };
    r = gvrt_dev_ioctl(&dev, GRAVITON_IOC_GET_PARAM, &param);
    CHECK(r == -EINVAL, "GET_PARAM with nonzero pad: %s", strerror(-r));
    r = gvrt_dev_ioctl(&dev, _IOWR(GRAVITON_IOC_MAGIC, 0x7f, uint64_t), &v);
    CHECK(r == -ENOTTY, "unknown ioctl: %s", strerror(-r));
    r = gvrt_dev_ioctl(&dev, _IOWR(GRAVITON_IOC_MAGIC, 0x00, uint64_t), &v);
    CHECK(r == -ENOTTY, "GET_INFO number with a wrong size: %s",
          strerror(-r));

    gvrt_dev_close(&dev);
    return gvtest_done();
}
