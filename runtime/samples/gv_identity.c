/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample: print what the guest driver reports about the emulated GPU.
 *
 *   gv-identity [INDEX]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_regs.h"
#include "gvrt_dev.h"

int main(int argc, char **argv)
{
    struct gvrt_dev dev;
    struct graviton_info info;
    uint64_t irqs = 0, selftest = 0;
    int index = argc > 1 ? atoi(argv[1]) : 0;
    int r;

    r = gvrt_dev_open(&dev, index);
    if (r < 0) {
        fprintf(stderr, "gv-identity: /dev/graviton%d: %s\n", index,
                strerror(-r));
        return 1;
    }
    r = gvrt_dev_get_info(&dev, &info);
    if (r < 0) {
        fprintf(stderr, "gv-identity: GET_INFO: %s\n", strerror(-r));
        gvrt_dev_close(&dev);
        return 1;
    }
    gvrt_dev_get_param(&dev, GRAVITON_PARAM_IRQ_COUNT, &irqs);
    gvrt_dev_get_param(&dev, GRAVITON_PARAM_IRQ_SELFTEST, &selftest);

    printf("graviton%d: PCI %04x:%02x:%02x.%u  [%04x:%04x]\n", index,
           info.pci_domain, info.pci_bdf >> 8, (info.pci_bdf >> 3) & 0x1f,
           info.pci_bdf & 7, info.vendor_id, info.device_id);
    printf("  id magic       0x%08x (%s)\n", info.id_magic,
           info.id_magic == GV_ID_MAGIC ? "GRVT" : "unexpected");
    printf("  device ABI     %u.%u, uapi %u.%u, firmware 0x%08x\n",
           info.abi_version >> 16, info.abi_version & 0xffff,
           info.uapi_version >> 16, info.uapi_version & 0xffff,
           info.fw_version);
    printf("  device memory  %llu MiB (BAR aperture %llu MiB)\n",
           (unsigned long long)info.vram_size >> 20,
           (unsigned long long)info.aperture_size >> 20);
    printf("  interrupts     %s, self-test %s, %llu handled\n",
           info.caps & GRAVITON_CAP_MSI ? "MSI" : "INTx",
           selftest ? "passed" : "FAILED", (unsigned long long)irqs);
    gvrt_dev_close(&dev);
    return selftest ? 0 : 1;
}
